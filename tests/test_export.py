"""The exporter: deterministic bytes, embedded TrueType fonts, DPI, slides, atomic writes."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import warnings
from pathlib import Path

import pytest
from PIL import Image

from diagram_gen import export, registry

FIGURE_IDS = list(registry.FIGURES)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built() -> Path:
    """The figures as `make` rendered them, in other processes than this one."""
    subprocess.run(["make", "--no-print-directory", "-s", "figures"], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    return ROOT / "docs" / "generated" / "figures"


@pytest.fixture(scope="module")
def rendered(built) -> dict[str, dict[str, bytes]]:
    """figure id -> file name -> bytes, of every figure `make` built."""
    return {
        figure_id: {path.name: path.read_bytes() for path in built.glob(f"{figure_id}[-.]*")
                    if path.name.startswith(f"{figure_id}-") or path.name == f"{figure_id}.json"}
        for figure_id in FIGURE_IDS
    }  # fmt: skip


@pytest.mark.parametrize("figure_id", FIGURE_IDS)
def test_rebuilds_are_byte_identical(built, figure_id):
    # Proves rebuilds are byte-identical: rendering a figure again in this process (other
    # hash seed, other time, other order) gives exactly the bytes `make` wrote before.
    files = registry.render(figure_id, transparent_dark_png=True)  # as the build renders
    assert len(files) == 8
    for name, data in files.items():
        assert (built / name).read_bytes() == data, name


def test_files_carry_no_date_or_version(rendered):
    # Proves nothing time- or machine-dependent is written into the files.
    for files in rendered.values():
        for name, data in files.items():
            if name.endswith(".svg"):
                assert b"<dc:date>" not in data and b"Matplotlib v" not in data
            if name.endswith(".pdf"):  # Graphviz's cairo writes a date: the fixed one
                assert b"/ModDate" not in data
                dates = re.findall(rb"/CreationDate \(D:([0-9]+)", data)
                assert dates in ([], [export.FIXED_PDF_DATE]), name


def test_pdf_fonts_are_embedded_truetype(rendered):
    # Proves slides get real embedded fonts: TrueType font files (FontFile2), no Type 3.
    for files in rendered.values():
        for name, data in files.items():
            if name.endswith(".pdf"):
                assert b"/FontFile2" in data, name
                assert b"/Subtype /Type3" not in data, name


def test_png_resolution_and_size(rendered):
    # Proves PNGs are 200 dpi and exactly the figure's size in inches times the dpi.
    spec = registry.get("conv-matrix")
    fig = spec.draw(spec.data(), registry.THEMES["light"])
    image = Image.open(io.BytesIO(rendered["conv-matrix"]["conv-matrix-light.png"]))
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.01)
    assert image.size == (int(fig.get_figwidth() * 200), int(fig.get_figheight() * 200))


def test_transparent_background_and_width_for_slides():
    # Proves the slide options: no opaque background pixel at the corner, and the SVG is
    # exactly the requested width (in points: 72 per inch).
    options = export.ExportOptions(formats=("svg", "png"), transparent=True, width=5.0)
    # At 5 in, fc-matrix's text goes under 8 pt: the render says so (and still writes).
    with pytest.warns(export.LegibilityWarning, match="under 8 pt"):
        files = registry.render("fc-matrix", themes=["dark"], options=options)
    image = Image.open(io.BytesIO(files["fc-matrix-dark-transparent.png"])).convert("RGBA")
    assert image.getpixel((0, 0))[3] == 0
    assert image.size[0] == 5 * 200
    width = re.search(rb'<svg[^>]* width="([0-9.]+)pt"', files["fc-matrix-dark-transparent.svg"])
    assert float(width.group(1)) == pytest.approx(360.0)


def test_width_scales_text_with_the_figure():
    # Proves --width scales the drawing uniformly, text included, so nothing overlaps.
    spec = registry.get("fc-matrix")
    fig = spec.draw(spec.data(), registry.THEMES["light"])
    before = [t.get_fontsize() for t in fig.texts + fig.axes[0].texts]
    export.scale_figure(fig, 0.5)
    after = [t.get_fontsize() for t in fig.texts + fig.axes[0].texts]
    assert after == pytest.approx([size * 0.5 for size in before])


def test_write_atomic_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    # Proves an interrupted write leaves the previous file intact and no temporary file.
    target = tmp_path / "figure.svg"
    target.write_bytes(b"old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        export.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.svg"]


def test_write_atomic_replaces_and_leaves_nothing_else(tmp_path):
    # Proves a normal write replaces the content and cleans up after itself.
    target = tmp_path / "deep" / "figure.png"
    export.write_atomic(target, b"one")
    export.write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["figure.png"]


@pytest.mark.parametrize("text", ["", "jpg", "svg,gif", ",,"])
def test_unknown_formats_are_refused(text):
    # Proves a bad format list is a one-sentence ValueError, not a partial export.
    with pytest.raises(ValueError, match=r"^format must be .*\.$"):
        export.parse_formats(text)


def test_graphviz_output_is_deterministic_and_versionless():
    # Proves the Graphviz path of the exporter (used by the graph figures) writes the same
    # bytes twice and strips the version comment; it needs Graphviz's dot, which make
    # installs.
    import graphviz

    graph = graphviz.Digraph()
    graph.edge("x1", "y1", label="α")
    options = export.ExportOptions()
    for fmt in export.FORMATS:
        first = export.graph_bytes(graph, fmt, options=options)
        assert first == export.graph_bytes(graph, fmt, options=options)
        assert len(first) > 100
    assert b"Generated by graphviz" not in export.graph_bytes(graph, "svg", options=options)


@pytest.mark.parametrize("figure_id", ["conv-matrix", "conv-dense-graph"])
def test_the_build_s_transparent_dark_png_is_what_the_cli_writes(figure_id):
    # Proves the extra file of the build (matplotlib and Graphviz figures) is the dark PNG
    # without a background, byte for byte what its saved command writes, and that its
    # corner is see-through while the opaque dark PNG's is not.
    files = registry.render(figure_id, transparent_dark_png=True)
    name = f"{figure_id}-dark-transparent.png"
    meta = json.loads(files[f"{figure_id}.json"])
    assert meta["transparent_dark_png"]["file"] == name
    argv = shlex.split(meta["transparent_dark_png"]["command"])
    assert argv[:3] == ["diagram-gen", "render", figure_id]
    alone = registry.render(
        figure_id, themes=["dark"], options=export.ExportOptions(formats=("png",), transparent=True)
    )
    assert alone[name] == files[name]
    assert {"--theme", "dark", "--format", "png", "--transparent"} <= set(argv)
    clear = Image.open(io.BytesIO(files[name])).convert("RGBA")
    opaque = Image.open(io.BytesIO(files[f"{figure_id}-dark.png"])).convert("RGBA")
    assert clear.getpixel((0, 0))[3] == 0 and opaque.getpixel((0, 0))[3] == 255
    assert clear.size == opaque.size


@pytest.mark.parametrize("figure_id", ["conv-matrix", "conv-dense-graph", "fc-graph"])
def test_the_recorded_size_is_the_size_of_the_files(figure_id):
    # Proves size_in in the JSON is what was drawn: the PNG's pixels at 200 dpi, for a
    # matplotlib and for Graphviz figures, and scaled by --width when it is given.
    for width in (None, 4.0):
        options = export.ExportOptions(formats=("png",), width=width)
        with warnings.catch_warnings():  # 4 in takes the text under 8 pt: it says so
            warnings.simplefilter("ignore", export.LegibilityWarning)
            files = registry.render(figure_id, themes=["light"], options=options)
        size = json.loads(files[f"{figure_id}.json"])["size_in"]
        image = Image.open(io.BytesIO(files[f"{figure_id}-light.png"]))
        assert image.size[0] == pytest.approx(size["width"] * 200, abs=2)
        assert image.size[1] == pytest.approx(size["height"] * 200, abs=2)
        if width is not None:
            assert size["width"] == pytest.approx(width, abs=0.01)
