"""The one place that writes files: deterministic bytes, written atomically.

A figure is rendered completely in memory first (every format, every theme); only when all
of it succeeded are the files written, each to a temporary file in the target folder that
is then renamed over the old one. An error or an interrupted build therefore never leaves
a half-written or a partial set of figures behind, and earlier outputs stay as they were.

Byte-identical rebuilds come from: a fixed SVG hash salt per figure, no dates or software
versions in the metadata, ``SOURCE_DATE_EPOCH`` pinned for the PDF writer, the bundled
DejaVu font, and Graphviz output without timestamps.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import graphviz
import matplotlib

matplotlib.use("Agg")  # never open a window; this module is only imported to write files

from matplotlib.artist import Artist  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.text import Text  # noqa: E402

FORMATS = ("svg", "pdf", "png")
DEFAULT_DPI = 200
#: The largest PNG written, in pixels (about 10,000 x 10,000): beyond it, memory runs out.
MAX_PIXELS = 100_000_000
GRAPHVIZ_MISSING = (
    "Graphviz's dot program is not installed, and this figure is drawn with it: install "
    "Graphviz (Debian or Ubuntu: sudo apt-get install graphviz; macOS: brew install "
    "graphviz) and run again."
)


class ToolMissing(RuntimeError):
    """A program the figure needs (Graphviz's ``dot``) is not installed."""


def check_pixels(width_in: float, height_in: float, dpi: int) -> None:
    """Refuse, in one sentence, a PNG too large to hold in memory."""
    pixels = round(width_in * dpi) * round(height_in * dpi)
    if pixels > MAX_PIXELS:
        raise ValueError(
            f"a {width_in:.3g} x {height_in:.3g} inch PNG at {dpi} dpi would have "
            f"{pixels:,} pixels, more than the {MAX_PIXELS:,} allowed: lower --width or --dpi."
        )


#: 2000-01-01: any fixed date works; it only has to be the same on every build.
SOURCE_DATE_EPOCH = "946684800"


@dataclass(frozen=True)
class ExportOptions:
    """How to write a figure: formats, resolution, background and size for slides."""

    formats: tuple[str, ...] = FORMATS
    dpi: int = DEFAULT_DPI
    transparent: bool = False
    width: float | None = None  # inches; None keeps the figure's natural size
    slide: str | None = None  # a slide layout of diagram_gen.targets.SLIDES: "16:9", "4:3"
    part: str | None = None  # one of the figure's parts (FigureSpec.part_names)


class LegibilityWarning(UserWarning):
    """A size the reader asked for (``--width``) takes text below what reads well."""


def fit(drawing, target, *, figure_id: str, parts: list[str]):
    """The drawing sized for ``target`` (a slide; None leaves it as drawn), checked that
    its smallest text stays at the target's minimum (:mod:`diagram_gen.targets`)."""
    from diagram_gen import targets

    if target is None:
        return drawing
    if isinstance(drawing, graphviz.Digraph):
        fitted = drawing.copy()
        fitted.graph_attr["size"] = f"{target.width:g},{target.height:g}!"
        fitted.graph_attr["ratio"] = "compress"
        measure = targets.measure_svg(_run_dot(fitted, "svg"))
        targets.check_fit(measure, target, figure_id=figure_id, parts=parts)
        return fitted
    targets.fit_figure(drawing, target, figure_id=figure_id, parts=parts)
    return drawing


def drawing_size(drawing, options: ExportOptions) -> tuple[float, float]:
    """Width and height in inches of the files a drawing is written as."""
    if isinstance(drawing, graphviz.Digraph):
        width_pt, height_pt = svg_size(graph_bytes(drawing, "svg", options=options))
        return width_pt / 72, height_pt / 72
    width, height = drawing.get_figwidth(), drawing.get_figheight()
    if options.width is not None:
        return options.width, height * options.width / width
    return width, height


def drawing_bytes(
    drawing, fmt: str, *, salt: str, options: ExportOptions, name: str = "the figure"
) -> bytes:
    """A matplotlib figure or a Graphviz graph in one format; ``options.width`` scales it
    (with a :class:`LegibilityWarning` when that takes its text under 8 pt)."""
    import warnings

    from diagram_gen import targets

    if isinstance(drawing, graphviz.Digraph):
        if options.width is not None:
            sized = graph_bytes(drawing, "svg", options=options)
            measure = targets.measure_svg(sized)
            note = targets.width_warning(measure, measure.width, figure_id=name)
            if note:
                warnings.warn(note, LegibilityWarning, stacklevel=2)
        return graph_bytes(drawing, fmt, options=options)
    if options.width is not None and abs(drawing.get_figwidth() - options.width) > 1e-9:
        measure = targets.measure_figure(drawing)
        note = targets.width_warning(measure, options.width, figure_id=name)
        if note:
            warnings.warn(note, LegibilityWarning, stacklevel=2)
    return figure_bytes(drawing, fmt, salt=salt, options=options)


def file_name(figure_id: str, theme: str, fmt: str) -> str:
    """``conv-matrix``, ``dark``, ``svg`` -> ``conv-matrix-dark.svg``."""
    return f"{figure_id}-{theme}.{fmt}"


@dataclass(frozen=True)
class _SavedSubset:
    """What the cached subsetter yields: the saved font's bytes and the glyph mapping."""

    font: bytes
    glyph_index_map: dict


_SUBSETS: dict[tuple[str, int, frozenset[int]], _SavedSubset] = {}


#: OpenType layout tables (kerning, ligatures) that a PDF never uses: matplotlib has placed
#: every glyph already, and PDF viewers draw glyphs where the file says. Reading them is
#: most of the subsetting time.
LAYOUT_TABLES = ("GPOS", "GSUB", "GDEF", "BASE", "JSTF", "MATH")


@contextlib.contextmanager
def _without_layout_tables():
    """Make fontTools's subsetter drop the layout tables while matplotlib subsets."""
    from fontTools import subset

    original = subset.Options.__init__

    def init(self, **kwargs):
        original(self, **kwargs)
        self.drop_tables = [*self.drop_tables, *LAYOUT_TABLES]

    subset.Options.__init__ = init
    try:
        yield
    finally:
        subset.Options.__init__ = original


def _install_subset_cache() -> None:
    """Subset each font for a set of glyphs once per process, not once per PDF.

    Matplotlib's PDF writer re-reads and subsets DejaVu with fontTools for every file,
    which is a third of a PDF's time; the light and dark PDFs of a figure need the same
    glyphs. The cache returns the very bytes fontTools wrote, so the PDFs do not change.
    """
    from matplotlib.backends import _backend_pdf_ps as pdf_ps

    if getattr(pdf_ps, "_diagram_gen_cached", False):
        return
    subset, as_file = pdf_ps.get_glyphs_subset, pdf_ps.font_as_file

    @contextlib.contextmanager
    def cached_subset(fontfile, glyphs):
        key = (str(fontfile), getattr(fontfile, "face_index", 0), frozenset(glyphs))
        if key not in _SUBSETS:
            with _without_layout_tables(), subset(fontfile, glyphs) as result:
                data = as_file(result.font).getvalue()
                _SUBSETS[key] = _SavedSubset(data, dict(result.glyph_index_map))
        yield _SUBSETS[key]

    def saved_as_file(font):
        return io.BytesIO(font) if isinstance(font, bytes) else as_file(font)

    pdf_ps.get_glyphs_subset, pdf_ps.font_as_file = cached_subset, saved_as_file
    pdf_ps._diagram_gen_cached = True


_install_subset_cache()


def figure_bytes(fig: Figure, fmt: str, *, salt: str, options: ExportOptions) -> bytes:
    """Render a matplotlib figure to the bytes of one format, the same bytes every time."""
    if options.width is not None:
        scale_figure(fig, options.width / fig.get_figwidth())
    if fmt == "png":
        check_pixels(fig.get_figwidth(), fig.get_figheight(), options.dpi)
    metadata: dict[str, object | None] = {
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        "png": {"Software": None},
    }[fmt]
    buffer = io.BytesIO()
    with fixed_date(), matplotlib.rc_context({"svg.hashsalt": salt}):
        fig.savefig(
            buffer,
            format=fmt,
            dpi=options.dpi,
            metadata=metadata,
            transparent=options.transparent,
        )
    return buffer.getvalue()


@contextlib.contextmanager
def fixed_date():
    """``SOURCE_DATE_EPOCH`` pinned while a writer runs, then as it was."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def scale_figure(fig: Figure, factor: float) -> None:
    """Resize ``fig`` by ``factor`` with text and lines scaled alike, so nothing overlaps."""
    if factor <= 0:
        raise ValueError(f"width must be a positive number of inches, got factor {factor}.")
    fig.set_size_inches(fig.get_figwidth() * factor, fig.get_figheight() * factor)
    for artist in fig.findobj(Artist):
        if isinstance(artist, Text):
            artist.set_fontsize(artist.get_fontsize() * factor)
        elif isinstance(artist, Line2D | Patch):
            artist.set_linewidth(artist.get_linewidth() * factor)


def graph_bytes(graph: graphviz.Digraph, fmt: str, *, options: ExportOptions) -> bytes:
    """Render a Graphviz graph with ``dot`` to the bytes of one format."""
    source = graph.copy()
    if options.transparent:
        source.graph_attr["bgcolor"] = "transparent"
    if options.width is not None:
        # size with "!" scales the drawing up or down to exactly this width (in inches).
        source.graph_attr["size"] = f"{options.width:g},1000!"
        source.graph_attr["ratio"] = "compress"
    if fmt == "png":  # the SVG's size in points says how large the PNG will be
        width_pt, height_pt = svg_size(_run_dot(source, "svg"))
        check_pixels(width_pt / 72, height_pt / 72, options.dpi)
    source.graph_attr["dpi"] = str(options.dpi) if fmt == "png" else "72"
    device = {"svg": "svg", "pdf": "pdf:cairo", "png": "png:cairo"}[fmt]
    return _strip_graphviz_version(_run_dot(source, device), fmt)


def _run_dot(source: graphviz.Digraph, device: str) -> bytes:
    """``dot -T<device>`` on the graph's DOT source; one-sentence errors."""
    if shutil.which("dot") is None:
        raise ToolMissing(GRAPHVIZ_MISSING)
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH)
    result = subprocess.run(
        ["dot", f"-T{device}"],
        input=source.source.encode(),
        capture_output=True,
        check=False,
        env=env,
    )
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"Graphviz could not draw the graph: {' '.join(message)}.")
    return result.stdout


SVG_SIZE = re.compile(rb'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"')


def svg_size(svg: bytes) -> tuple[float, float]:
    """Width and height in points of an SVG that Graphviz wrote."""
    match = SVG_SIZE.search(svg)
    if match is None:
        raise RuntimeError("Graphviz wrote an SVG without a size in points.")
    return float(match.group(1)), float(match.group(2))


def _strip_graphviz_version(data: bytes, fmt: str) -> bytes:
    """Make Graphviz output depend only on the drawing.

    SVG: drop the version comment. PDF: cairo writes the current time as /CreationDate
    (it ignores SOURCE_DATE_EPOCH); pin it to the fixed date, keeping every byte offset
    of the file (its cross-reference table points at offsets) unchanged.
    """
    if fmt == "svg":
        return re.sub(rb"<!-- Generated by graphviz version [^>]*-->\n", b"", data)
    if fmt == "pdf":
        return PDF_DATE.sub(_fixed_pdf_date, data)
    return data


PDF_DATE = re.compile(rb"/CreationDate \(D:([0-9]{14})")
#: SOURCE_DATE_EPOCH as a PDF date: the same 14 digits every build.
FIXED_PDF_DATE = b"20000101000000"


def _fixed_pdf_date(match: re.Match[bytes]) -> bytes:
    return match.group(0).replace(match.group(1), FIXED_PDF_DATE)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Readers see either the old file or the complete new one, never a partial write. The
    file is replaced even when its bytes are unchanged, so that make sees it is up to date.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:  # name the folder the reader chose, not our temporary file
        raise OSError(error.errno, error.strerror, str(path.parent)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_all(out_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every rendered file of one figure; call only after all of them rendered."""
    written = []
    for name, data in files.items():
        path = out_dir / name
        write_atomic(path, data)
        written.append(path)
    return written


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"svg,png"`` -> ``("svg", "png")``, refusing unknown formats with one sentence."""
    items = text.split(",") if isinstance(text, str) else list(text)
    formats = tuple(dict.fromkeys(item.strip().lower() for item in items if item.strip()))
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown or not formats:
        raise ValueError(
            f"format must be a comma-separated list of {', '.join(FORMATS)}, got {text!r}."
        )
    return formats
