"""Where a figure is read, and whether its text can be read there.

A :class:`Target` is the room a figure is laid out for and the smallest text it must
keep there: the page column at a laptop, a phone's column, a 16:9 or a 4:3 slide. Sizes
are in inches and text in points at that size; the browser draws 96 CSS px per inch and
72 points per inch, so 11 CSS px is 8.25 pt.

Every figure goes through the same two steps. It is drawn for its target (a figure that
can rearrange its panels does so, :mod:`diagram_gen.figures._panels`), and then
:func:`fit_figure` or :func:`fit_graph` sizes the drawing to the target's room and checks
its smallest text. A drawing whose text would end up smaller than the target allows is
refused with one sentence that names its parts, when it has some, instead of being
shrunk. The same measurement reads a finished SVG (:func:`measure_svg`), which is how the
tests check what was really written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # matplotlib is imported where a figure is measured, not to read SVGs
    from matplotlib.figure import Figure

CSS_PX_PER_INCH = 96
POINTS_PER_INCH = 72
#: Resolution of animation frames (GIF, APNG); the step PDF is vector.
FRAME_DPI = 80


def css_px_to_pt(px: float) -> float:
    """CSS pixels (1/96 in) to points (1/72 in)."""
    return px * POINTS_PER_INCH / CSS_PX_PER_INCH


@dataclass(frozen=True)
class Target:
    """The room a figure is laid out for and the smallest text it must keep there."""

    name: str
    #: Inches across.
    width: float
    #: Inches down; None where the page scrolls.
    height: float | None
    #: Points, at the size the figure is shown.
    min_text: float
    #: What the reader sees it on, for messages.
    label: str

    @property
    def is_slide(self) -> bool:
        return self.height is not None


#: The content column of the site at a 1280 x 900 window: 688 CSS px, text of 11 px.
PAGE = Target("page", 688 / CSS_PX_PER_INCH, None, css_px_to_pt(11), "the page column")
#: The column at a 390 x 844 phone: 358 CSS px, text of 10 px.
PHONE = Target("phone", 358 / CSS_PX_PER_INCH, None, css_px_to_pt(10), "a phone")
SLIDES = {
    "16:9": Target("16:9", 13.333, 7.5, 12.0, "a 16:9 slide (13.333 x 7.5 in)"),
    "4:3": Target("4:3", 10.0, 7.5, 12.0, "a 4:3 slide (10 x 7.5 in)"),
}
#: ``--width`` may scale a figure freely, but says so when text ends below this.
WIDTH_WARNING_PT = 8.0


def slide(name: str) -> Target:
    """The slide target called ``name`` (``16:9`` or ``4:3``), refused in one sentence."""
    try:
        return SLIDES[name.strip()]
    except KeyError:
        raise ValueError(f"slide must be {' or '.join(SLIDES)}, got {name!r}.") from None


class TooMuchForTarget(ValueError):
    """A drawing whose text would be smaller than its target allows (one sentence)."""


@dataclass(frozen=True)
class Measure:
    """A drawing's size in inches and its smallest text in points, at that size."""

    width: float
    height: float
    min_text: float

    def scaled(self, factor: float) -> Measure:
        return Measure(self.width * factor, self.height * factor, self.min_text * factor)

    def shown_in(self, column_inches: float) -> float:
        """The smallest text in CSS px when the drawing is shown at most this wide
        (a browser shrinks an image to its column, never enlarges it)."""
        factor = min(1.0, column_inches / self.width)
        return self.min_text * factor * CSS_PX_PER_INCH / POINTS_PER_INCH


#: Mathematical text with a sub- or superscript: matplotlib sets those at 70 %.
_SCRIPT = re.compile(r"\$.*[_^].*\$")
SCRIPT_FACTOR = 0.7


def figure_text_sizes(fig: Figure) -> list[float]:
    """The size, in points, of every visible text with something to read (a subscript
    in mathematical text counts at the size it is drawn)."""
    from matplotlib.text import Text

    return [
        float(text.get_fontsize()) * (SCRIPT_FACTOR if _SCRIPT.search(text.get_text()) else 1)
        for text in fig.findobj(Text)
        if text.get_visible() and text.get_text().strip()
    ]


def measure_figure(fig: Figure) -> Measure:
    """The size and smallest text of a matplotlib figure as it stands."""
    sizes = figure_text_sizes(fig)
    width, height = fig.get_size_inches()
    return Measure(float(width), float(height), min(sizes) if sizes else float("inf"))


def fitting_factor(measure: Measure, target: Target) -> float:
    """How much to scale a drawing so that it fills the target's room without spilling:
    a slide's width and height, a page's width (a page figure is never enlarged)."""
    factor = target.width / measure.width
    if target.height is not None:
        return min(factor, target.height / measure.height)
    return min(factor, 1.0)


def check_fit(measure: Measure, target: Target, *, figure_id: str, parts: list[str]) -> None:
    """Refuse, in one sentence, a fitted drawing whose smallest text is below the target's."""
    if measure.min_text + 1e-6 >= target.min_text:
        return
    offer = (
        f"render one part at a time with --part ({', '.join(parts)})"
        if parts
        else "use the page figure, or --width to choose a size yourself"
    )
    raise TooMuchForTarget(
        f"{figure_id} has too much for {target.label}: fitted to it, its smallest text "
        f"would be {measure.min_text:.1f} pt, under the {target.min_text:g} pt a reader "
        f"needs there; {offer}."
    )


def fit_figure(fig: Figure, target: Target, *, figure_id: str, parts: list[str]) -> Measure:
    """Scale a matplotlib figure, text and lines alike, to fill a slide's room; check it.

    The figure was drawn for ``target`` already (its layout is the target's); this only
    takes up the room that is left, and refuses a figure that would need shrinking below
    the target's smallest text.
    """
    from diagram_gen.export import scale_figure

    measure = measure_figure(fig)
    factor = fitting_factor(measure, target)
    if target.is_slide and abs(factor - 1.0) > 1e-9:
        scale_figure(fig, factor)
        measure = measure.scaled(factor)
    check_fit(measure, target, figure_id=figure_id, parts=parts)
    return measure


def width_warning(measure: Measure, width: float, *, figure_id: str) -> str | None:
    """The sentence ``--width`` prints when it takes the text below 8 pt, else None."""
    scaled = measure.scaled(width / measure.width)
    if scaled.min_text + 1e-6 >= WIDTH_WARNING_PT:
        return None
    return (
        f"at {width:g} in wide, {figure_id}'s smallest text is {scaled.min_text:.1f} pt, "
        f"under {WIDTH_WARNING_PT:g} pt: too small to read on a slide or in print."
    )


# --- Reading a finished SVG -------------------------------------------------------------

_SVG = "{http://www.w3.org/2000/svg}"
_HREF = "{http://www.w3.org/1999/xlink}href"
_SCALE = re.compile(r"scale\(\s*(-?[0-9.eE]+)")
_LENGTH = re.compile(r"([0-9.eE]+)\s*(pt|px|in)?$")
_UNITS_PER_INCH = {"pt": POINTS_PER_INCH, None: CSS_PX_PER_INCH, "px": CSS_PX_PER_INCH, "in": 1}


def _scale(element) -> float:
    """The scale a ``transform`` attribute applies (translate and rotate keep sizes)."""
    factor = 1.0
    for value in _SCALE.findall(element.get("transform", "")):
        factor *= abs(float(value))
    return factor


def svg_text_sizes(svg) -> list[float]:
    """Every text's size, in the SVG's user units (points for what we write); ``svg`` is
    the file's bytes or its parsed root element.

    Matplotlib writes each text as glyphs (``<use>`` of a ``DejaVu...`` path) in a group
    scaled so that glyph units are 1/100 pt: ``scale(0.1 -0.1)`` is 10 pt, and a
    subscript's own ``scale(0.7)`` makes it 7 pt. Graphviz writes ``<text>`` with a
    ``font-size``, inside a graph group that ``size="...!"`` may scale.
    """
    from xml.etree import ElementTree

    sizes: list[float] = []

    def walk(element, factor: float) -> None:
        factor *= _scale(element)
        tag = element.tag.removeprefix(_SVG)
        if tag == "defs":
            return
        if tag == "use" and "DejaVu" in element.get(_HREF, ""):
            sizes.append(100 * factor)
        elif tag == "text" and element.get("font-size"):
            sizes.append(float(element.get("font-size").removesuffix("px")) * factor)
        for child in element:
            walk(child, factor)

    walk(ElementTree.fromstring(svg) if isinstance(svg, bytes) else svg, 1.0)
    return sizes


def measure_svg(svg: bytes) -> Measure:
    """Width and height (inches) and smallest text (points) of an SVG we wrote."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(svg)
    width, unit = _LENGTH.match(root.get("width", "")).groups()
    height, _ = _LENGTH.match(root.get("height", "")).groups()
    per_inch = _UNITS_PER_INCH[unit]
    view_box = [float(v) for v in root.get("viewBox", "").replace(",", " ").split()]
    user_to_inch = (float(width) / view_box[2] if view_box else 1.0) / per_inch
    sizes = svg_text_sizes(root)  # the tree parsed once
    smallest = min(sizes) * user_to_inch * POINTS_PER_INCH if sizes else float("inf")
    return Measure(float(width) / per_inch, float(height) / per_inch, smallest)
