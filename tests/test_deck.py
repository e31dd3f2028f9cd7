"""The lecture deck (issue 14): `make slides` and `diagram-gen deck`.

The full decks are the ones `make slides` builds (a no-op when they are up to date, as
under `make test`); they are opened with python-pptx and pypdf and compared with the
registry's data. The command line builds short decks (`--only`) in a temporary folder:
one with the default example and one with `--set`, and the default one is built again in
this process to prove the bytes do not change.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu
from pypdf import PdfReader

from diagram_gen import cli, deck, export, registry, targets
from diagram_gen.style import THEMES as STYLE_THEMES

ROOT = Path(__file__).resolve().parent.parent
SLIDES = ROOT / "build" / "slides"
THEMES = ("light", "dark")
EMU_PER_INCH = 914_400
#: The short deck the command line builds: a figure without kernel, two with one (one of
#: them animated), so that --set kernel=3 changes some slides and not others.
SHORT = ("fc-matrix", "conv-matrix", "pooling")


@pytest.fixture(scope="session")
def decks() -> dict[str, dict]:
    """The decks of `make slides`, opened: theme -> pptx, pdf reader, manifest."""
    subprocess.run(
        ["make", "--no-print-directory", "slides"], cwd=ROOT, check=True, capture_output=True
    )
    opened = {}
    for theme in THEMES:
        stem = SLIDES / f"convolution-{theme}"
        opened[theme] = {
            "pptx": Presentation(str(stem.with_suffix(".pptx"))),
            "pdf": PdfReader(str(stem.with_suffix(".pdf"))),
            "manifest": json.loads(stem.with_suffix(".json").read_text()),
            "bytes": stem.with_suffix(".pptx").read_bytes(),
        }
    return opened


@pytest.fixture(scope="session")
def short_decks(tmp_path_factory) -> dict[str, Path]:
    """The short deck built by the command line, with the default example and with
    kernel=3 (two runs of `diagram-gen deck`)."""
    out = {}
    for name, extra in (("default", []), ("kernel3", ["--set", "kernel=3"])):
        folder = tmp_path_factory.mktemp(name)
        argv = ["deck", "--theme", "light", "--only", ",".join(SHORT), "--out", str(folder)]
        with contextlib.redirect_stderr(io.StringIO()) as err:
            assert cli.main(argv + extra) == 0
        (folder / "stderr.txt").write_text(err.getvalue())
        out[name] = folder
    return out


def _pictures(slide):
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def _runs(slide):
    for shape in slide.shapes:
        if shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                yield from paragraph.runs


def _texts(slide) -> list[str]:
    return [p.text for s in slide.shapes if s.has_text_frame for p in s.text_frame.paragraphs]


def _title(slide) -> str:
    """A slide's title: the bold rows of its first text box (a title over a figure may
    take two rows)."""
    box = next(shape for shape in slide.shapes if shape.has_text_frame)
    rows = [p.text for p in box.text_frame.paragraphs if p.runs and p.runs[0].font.bold]
    return " ".join(rows)


def _site_order() -> list[str]:
    """The figures in the order the site's pages show them (mkdocs.yml's nav)."""
    nav = re.findall(r"^\s+- [^:]+: ([\w/-]+\.md)$", (ROOT / "mkdocs.yml").read_text(), re.M)
    order = []
    for page in nav:
        text = (ROOT / "docs" / page).read_text()
        for figure_id in re.findall(r'(?:figure|animation)\("([a-z0-9-]+)"', text):
            if figure_id not in order:
                order.append(figure_id)
    return order


@pytest.mark.parametrize("theme", THEMES)
def test_deck_is_16_9_with_enough_slides_each_one_picture_inside_with_notes(decks, theme):
    # Proves items 1 and 5 of the issue from the file: 16:9, at least 25 slides, every
    # content slide exactly one picture inside the slide and non-empty notes that are the
    # registry's speaker notes for the figure.
    prs, manifest = decks[theme]["pptx"], decks[theme]["manifest"]
    assert (prs.slide_width, prs.slide_height) == (Emu(12_192_000), Emu(6_858_000))
    assert len(prs.slides) >= 25
    assert len(prs.slides) == len(manifest["slides"])
    for slide, entry in zip(prs.slides, manifest["slides"], strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        assert notes.strip()
        pictures = _pictures(slide)
        if "figure" not in entry:  # the title slide
            assert not pictures
            continue
        assert len(pictures) == 1, entry["title"]
        (picture,) = pictures
        assert picture.left >= 0 and picture.top >= 0
        assert picture.left + picture.width <= prs.slide_width
        assert picture.top + picture.height <= prs.slide_height
        # The title and text never cover the figure: they are above or beside it, or, on
        # a figure that fills the slide, in a corner it was measured to leave empty.
        if not entry["layout"].startswith("over-"):
            for box in (shape for shape in slide.shapes if shape.has_text_frame):
                apart = (box.left + box.width <= picture.left or box.top + box.height
                         <= picture.top)  # fmt: skip
                assert apart, entry["title"]
        spec = registry.get(entry["figure"])
        data = spec.data({})
        assert spec.speaker_notes(data) in notes
        assert picture._element.nvPicPr.cNvPr.get("descr") == spec.alt(data)


@pytest.mark.parametrize("theme", THEMES)
def test_titles_follow_the_site_order(decks, theme):
    # Proves the slides come in the site's order: each slide's first line is its title,
    # and the figures appear in the order the pages (mkdocs.yml's nav) show them.
    prs, manifest = decks[theme]["pptx"], decks[theme]["manifest"]
    titles = [_title(slide) for slide in prs.slides]
    assert titles == [entry["title"] for entry in manifest["slides"]]
    assert titles[0] == deck.DECK_TITLE
    planned = {p.figure: p.title for p in deck.PLAN}
    figures = [entry["figure"] for entry in manifest["slides"][1:]]
    for title, figure_id in zip(titles[1:], figures, strict=True):
        assert title.startswith(planned[figure_id])
    order = _site_order()
    positions = [order.index(f) for f in dict.fromkeys(figures)]
    assert positions == sorted(positions)
    # What is left out is said, and each planned figure is either on a slide or said.
    left_out = " ".join(manifest["left_out"])
    for p in deck.PLAN:
        assert p.figure in figures or f"{p.figure} is left out" in left_out


@pytest.mark.parametrize("theme", THEMES)
def test_no_text_under_12_pt(decks, theme):
    # Proves "no text below 12 pt at slide size": every run of the slides' text boxes has
    # its size set at 12 pt or more, and every picture is shown at a size where the
    # figure's smallest text (measured when it was laid out) is 12 pt or more.
    prs, manifest = decks[theme]["pptx"], decks[theme]["manifest"]
    for slide, entry in zip(prs.slides, manifest["slides"], strict=True):
        sizes = [run.font.size for run in _runs(slide)]
        assert sizes and all(size is not None and size.pt >= 12 for size in sizes)
        if "figure" not in entry:
            continue
        (picture,) = _pictures(slide)
        shown_width = picture.width / EMU_PER_INCH
        scale = shown_width / entry["figure_in"]["width"]
        assert entry["figure_min_text_pt"] * scale >= 12 - 1e-3, entry["title"]
        assert abs(shown_width - entry["picture_in"]["width"]) < 1e-5


def test_the_measurement_behind_the_pictures_is_the_slide_renders():
    # Proves the deck's figure measure is the registry's slide layout: what `diagram-gen
    # render ID --slide 16:9` writes measures the same size and smallest text.
    manifest = json.loads((SLIDES / "convolution-light.json").read_text())
    checked = 0
    for entry in manifest["slides"][1:]:
        if entry["laid_out_for"] != "16:9" or entry["steps"] or checked == 3:
            continue
        options = export.ExportOptions(formats=("svg",), slide="16:9", part=entry["part"])
        files = registry.render(entry["figure"], {}, themes=("light",), options=options)
        (svg,) = [data for name, data in files.items() if name.endswith(".svg")]
        measure = targets.measure_svg(svg)
        assert measure.width == pytest.approx(entry["figure_in"]["width"], abs=0.02)
        assert measure.height == pytest.approx(entry["figure_in"]["height"], abs=0.02)
        assert measure.min_text == pytest.approx(entry["figure_min_text_pt"], abs=0.05)
        checked += 1
    assert checked == 3


@pytest.mark.parametrize("theme", THEMES)
def test_pictures_are_2x_png_or_the_animation_gif(decks, theme):
    # Proves item 2: a still is a PNG at 192 dpi of its size on the slide; an animated
    # figure's picture is a GIF with one frame per step (the PDF has a page per step).
    from PIL import Image

    prs, manifest = decks[theme]["pptx"], decks[theme]["manifest"]
    gifs = 0
    for slide, entry in zip(prs.slides, manifest["slides"], strict=True):
        if "figure" not in entry:
            continue
        (picture,) = _pictures(slide)
        image = Image.open(io.BytesIO(picture.image.blob))
        if entry["steps"]:
            gifs += 1
            assert picture.image.content_type == "image/gif"
            assert image.n_frames == entry["steps"]
            steps = registry.get(entry["figure"]).steps
            assert entry["steps"] == len(steps(registry.get(entry["figure"]).data({})))
        else:
            assert picture.image.content_type == "image/png"
            width_in = entry["figure_in"]["width"]
            assert abs(image.width - width_in * deck.PNG_DPI) <= 1
    assert gifs >= 3


@pytest.mark.parametrize("theme", THEMES)
def test_pdf_pages_are_the_slides_and_the_steps_with_embedded_fonts(decks, theme):
    # Proves the PDF: one 16:9 page per slide and one per step of an animation, each
    # with its slide's title, and every font embedded.
    reader, manifest = decks[theme]["pdf"], decks[theme]["manifest"]
    expected = []
    for entry in manifest["slides"]:
        expected += [entry["title"]] * max(1, entry.get("steps", 0))
    assert len(reader.pages) == len(expected)
    for page, title in zip(reader.pages, expected, strict=True):
        assert float(page.mediabox.width) == pytest.approx(960, abs=0.05)
        assert float(page.mediabox.height) == pytest.approx(540, abs=0.05)
        assert title.split(" (")[0] in " ".join(page.extract_text().split())
        resources = [page["/Resources"]]
        forms = resources[0].get("/XObject", {}).values()
        resources += [form.get_object()["/Resources"] for form in forms]
        fonts = [f.get_object() for r in resources for f in r.get("/Font", {}).values()]
        assert fonts
        for font in fonts:
            if font["/Subtype"] == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                assert "/FontFile2" in descriptor.get_object()
            elif font["/Subtype"] != "/Type3":  # Type 3 fonts are drawn in the file
                assert "/FontFile2" in font["/FontDescriptor"].get_object()


def _slide_text(prs, figure_id: str) -> str:
    for slide in prs.slides:
        (picture,) = _pictures(slide) or [None]
        if picture is not None and picture.name == figure_id:
            return " ".join(_texts(slide)).removeprefix(_title(slide))
    raise AssertionError(f"no slide for {figure_id}")


def _expected_numbers(figure_id: str, overrides=None) -> list[str]:
    """What the slide's text must quote, computed here from the registry's data."""
    spec = registry.get(figure_id)
    data = spec.data({k: v for k, v in (overrides or {}).items() if k in spec.defaults})
    if figure_id == "fc-matrix":
        w = data.layer.weights
        return [f"{w.shape[1]} inputs", f"{w.shape[0]} outputs", f"{w.size} weights"]
    if figure_id == "conv-matrix":
        rows, cols = data.matrix.shape
        zeros = int(np.sum(data.index == -1))
        entries = rows * cols
        return [f"{rows} by {cols}", f"{zeros} of its {entries}", f"other {entries - zeros}",
                f"{data.example.kernel.size} shared"]  # fmt: skip
    if figure_id == "conv-dense-graph":
        return [f"All {data.index.size} edges", f"{int(np.sum(data.index == -1))} of them"]
    if figure_id == "weight-sharing-1d":
        n_out, n_in = data.index.shape
        k = data.kernel.size
        return [f"connected {n_in * n_out}", f"locally connected {k * n_out}", f"convolution {k}"]
    if figure_id == "pooling":
        out = data.max_out.shape
        return [f"stride {data.stride}", f"{out[0]}x{out[1]} outputs"]
    raise KeyError(figure_id)


@pytest.mark.parametrize(
    "figure_id", ["fc-matrix", "conv-matrix", "conv-dense-graph", "weight-sharing-1d", "pooling"]
)
def test_numbers_on_the_slides_are_the_computation(decks, figure_id):
    # Proves the slides' numbers are computed: each is found in the slide's text (or, when
    # the slide had no room for the text, at the top of its notes) as the registry's data
    # gives it.
    manifest = decks["light"]["manifest"]
    prs = decks["light"]["pptx"]
    text = _slide_text(prs, figure_id)
    if not text:
        slide = next(s for s in prs.slides if any(p.name == figure_id for p in _pictures(s)))
        text = slide.notes_slide.notes_text_frame.text.split("\n\n")[0]
    for number in _expected_numbers(figure_id):
        assert number in text, (number, text)
    assert any(entry.get("figure") == figure_id for entry in manifest["slides"])


def test_a_deck_with_the_readers_example_differs_where_it_should(short_decks):
    # Proves --set: the convolution is drawn and counted with kernel=3; the figure
    # without a kernel is the same picture, and so is pooling, whose windows cannot be 3
    # wide at its stride of 2: it keeps its own example and the build says so in one
    # warning; the title slide says what changed.
    default = Presentation(str(short_decks["default"] / "convolution-light.pptx"))
    changed = Presentation(str(short_decks["kernel3"] / "convolution-light.pptx"))
    assert "kernel=3" in " ".join(_texts(changed.slides[0]))

    def blob(prs, figure_id):
        for slide in prs.slides:
            for picture in _pictures(slide):
                if picture.name == figure_id:
                    return picture.image.blob
        raise AssertionError(figure_id)

    assert blob(default, "fc-matrix") == blob(changed, "fc-matrix")
    assert blob(default, "pooling") == blob(changed, "pooling")
    assert blob(default, "conv-matrix") != blob(changed, "conv-matrix")
    warnings = (short_decks["kernel3"] / "stderr.txt").read_text().splitlines()
    assert [w for w in warnings if "pooling keeps its own example" in w] == [warnings[0]]
    assert not (short_decks["default"] / "stderr.txt").read_text()
    for number in _expected_numbers("conv-matrix", {"kernel": 3}):
        assert number in _slide_text(changed, "conv-matrix")
    assert _expected_numbers("conv-matrix", {"kernel": 3}) != _expected_numbers("conv-matrix")


def test_rebuilds_are_byte_identical(short_decks, tmp_path):
    # Proves item 3: the deck built again, in another process and seconds later (zip
    # dates have a 2 s resolution), is the same bytes, whether its slides are drawn (and
    # kept in a cache, as make slides does) or read back from that cache; its zip entries
    # and core properties carry no clock.
    time.sleep(2.1)
    plan = deck.select(SHORT)
    cache = tmp_path / "cache"
    again = deck.build("light", plan=plan, cache=cache)
    assert len(list(cache.glob("*-light-*.pickle"))) == len(SHORT)
    cached = deck.build("light", plan=plan, cache=cache)
    for suffix in ("pptx", "pdf", "json"):
        first = (short_decks["default"] / f"convolution-light.{suffix}").read_bytes()
        assert again[f"convolution-light.{suffix}"] == first, suffix
        assert cached[f"convolution-light.{suffix}"] == first, suffix
    entries = zipfile.ZipFile(io.BytesIO(again["convolution-light.pptx"])).infolist()
    assert {entry.date_time for entry in entries} == {deck.ZIP_DATE}
    core = Presentation(io.BytesIO(again["convolution-light.pptx"])).core_properties
    assert core.created == core.modified == deck.FIXED_DATETIME and core.revision == 1


def test_dark_deck_is_dark(decks):
    # Proves the theme reaches the slides: the dark deck's backgrounds and pictures are
    # drawn on the dark theme's background, the light one's on the light.
    from PIL import Image

    for theme in THEMES:
        background = STYLE_THEMES[theme].background.lstrip("#")[:6].upper()
        slide = decks[theme]["pptx"].slides[1]
        assert str(slide.background.fill.fore_color.rgb) == background
        (picture,) = _pictures(slide)
        corner = Image.open(io.BytesIO(picture.image.blob)).convert("RGB").getpixel((1, 1))
        assert "".join(f"{c:02X}" for c in corner) == background


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--set", "nonsense=1"], "no figure of the deck has a parameter 'nonsense'"),
        (["--set", "kernel=99"], "kernel must be"),
        (["--theme", "sepia"], "theme must be"),
        (["--only", "not-a-figure"], "is not a figure of the deck"),
        (["--set", "kernel"], "--set takes KEY=VALUE"),
    ],
)
def test_bad_input_exits_2_in_one_sentence_and_leaves_earlier_files(argv, words, tmp_path, capsys):
    out = tmp_path / "slides"
    out.mkdir()
    earlier = out / "convolution-light.pptx"
    earlier.write_bytes(b"an earlier deck")
    assert cli.main(["deck", "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and err.strip().endswith(".")
    assert sorted(p.name for p in out.iterdir()) == ["convolution-light.pptx"]
    assert earlier.read_bytes() == b"an earlier deck"
