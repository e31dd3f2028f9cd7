"""Colours, themes and matplotlib settings: the one place that decides how figures look.

Every colour has one meaning on every figure and page (the legend on the site is written
from :data:`ROLE_MEANINGS`). The palette is Okabe and Ito's, which stays distinguishable
with the common colour-vision deficiencies; figures never rely on colour alone, so shared
weights also carry a pattern (and their name where it fits) and structural zeros also
carry a ``0``.

A kernel weight's look is decided in one place, :func:`weight_identity`: a fill colour
and a pattern (a hatch on areas, a dash pattern on lines), distinct for the first
:data:`DISTINCT_WEIGHTS` weights, in colour, in greyscale and with red-green colour
blindness alike.

Nothing here changes matplotlib's global state: :func:`theme_context` applies the settings
inside a ``with`` block only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import matplotlib as mpl
from matplotlib.colors import LinearSegmentedColormap, to_hex, to_rgb

# Okabe-Ito, "Color Universal Design" (2008).
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
# Two darker shades of Okabe and Ito's reddish purple (the second is Paul Tol's "wine"),
# so that the four weight colours sit in four bands of lightness.
MAUVE = "#AD678E"
WINE = "#882255"

#: The four weight colours, in kernel order (alpha, beta, gamma, delta, then again with the
#: next pattern). Their CIE lightness is 71, 52, 89 and 32: about 18 apart, so they stay
#: apart in greyscale and with red-green colour blindness, which keep lightness. Left out:
#: sky blue and bluish green (input and output), blue and vermillion (the sign of a weight
#: of its own).
WEIGHT_COLOURS = (ORANGE, MAUVE, YELLOW, WINE)


@dataclass(frozen=True)
class WeightPattern:
    """The second half of a weight's identity: how its areas are hatched, its lines dashed."""

    hatch: str  # a matplotlib hatch; "" for a plain fill
    line: str | tuple[float, tuple[float, ...]]  # a matplotlib line style
    dot_style: str  # a Graphviz edge style
    dot_lines: int  # parallel strokes of a Graphviz edge
    words: str  # the hatch in words, for keys and alt text
    line_words: str  # the line style in words


#: Patterns of weights. On areas (cells) one hatch per round of :data:`WEIGHT_COLOURS`:
#: weights 0 to 3 are plain, 4 to 7 have diagonal lines, and so on. On lines (edges) the
#: line style changes with every weight (solid, dashed, dotted, dash-dotted, ...), so each
#: of the first four already differs twice over; with four colours and nine styles the
#: pair repeats only after 36 weights. Each hatch differs in direction or shape, not only
#: in density, so two patterns never read as one.
WEIGHT_PATTERNS = (
    WeightPattern("", "-", "solid", 1, "plain", "solid"),
    WeightPattern("//", "--", "solid", 2, "diagonal lines", "dashed"),
    WeightPattern("\\\\", ":", "solid", 3, "back-diagonal lines", "dotted"),
    WeightPattern("xx", "-.", "dotted", 1, "crossed lines", "dash-dotted"),
    WeightPattern("..", (0, (6, 1.5, 1, 1.5, 1, 1.5)), "dotted", 2, "dots", "dash-dot-dotted"),
    WeightPattern("||", (0, (9, 2.5)), "dotted", 3, "upright lines", "long-dashed"),
    WeightPattern("--", (0, (1, 1)), "tapered", 1, "level lines", "densely dotted"),
    WeightPattern("++", (0, (4, 1, 1, 1)), "tapered", 2, "a grid", "densely dash-dotted"),
    WeightPattern("oo", (0, (1, 3)), "tapered", 3, "rings", "loosely dotted"),
)

#: Weights with an identity of their own; past this many, identities repeat (and the
#: figure says so).
DISTINCT_WEIGHTS = len(WEIGHT_COLOURS) * len(WEIGHT_PATTERNS)

#: Names of the weight colours, for keys and alt text.
COLOUR_WORDS = {
    ORANGE: "orange",
    MAUVE: "mauve",
    YELLOW: "yellow",
    WINE: "wine",
    SKY_BLUE: "sky blue",
    BLUISH_GREEN: "bluish green",
    BLUE: "blue",
    VERMILLION: "vermillion",
    REDDISH_PURPLE: "reddish purple",
}


@dataclass(frozen=True)
class WeightIdentity:
    """How kernel weight number ``index`` looks wherever it is drawn."""

    index: int
    colour: str  # fill of its cells, colour of its edges
    pattern: WeightPattern  # the hatch of its cells
    stroke: WeightPattern  # the line style of its edges

    @property
    def hatch(self) -> str:
        return self.pattern.hatch

    @property
    def line(self) -> str | tuple[float, tuple[float, ...]]:
        return self.stroke.line

    @property
    def dot_style(self) -> str:
        return self.stroke.dot_style

    @property
    def dot_lines(self) -> int:
        return self.stroke.dot_lines

    @property
    def hatch_colour(self) -> str:
        return hatch_colour(self.colour)

    @property
    def words(self) -> str:
        """``orange`` or ``mauve with diagonal lines``: the cell's look in words."""
        colour = COLOUR_WORDS[self.colour]
        return colour if not self.hatch else f"{colour} with {self.pattern.words}"

    @property
    def line_words(self) -> str:
        """``orange, solid``: an edge's look in words."""
        return f"{COLOUR_WORDS[self.colour]}, {self.stroke.line_words}"


def weight_identity(index: int) -> WeightIdentity:
    """Colour and pattern of kernel weight number ``index`` (0 for alpha).

    The colour cycles fastest, so weights 0 to 3 are the four plain colours; the hatch
    changes every four weights, the line style with every weight. The first
    :data:`DISTINCT_WEIGHTS` identities differ, on areas and on lines.
    """
    if index < 0:
        raise ValueError(f"weight numbers start at 0, got {index}.")
    colours, patterns = len(WEIGHT_COLOURS), len(WEIGHT_PATTERNS)
    return WeightIdentity(
        index,
        WEIGHT_COLOURS[index % colours],
        WEIGHT_PATTERNS[(index // colours) % patterns],
        WEIGHT_PATTERNS[index % patterns],
    )


def identities_repeat(weights: int) -> bool:
    """Whether a kernel of this many weights has more weights than identities."""
    return weights > DISTINCT_WEIGHTS


def hatch_colour(fill: str) -> str:
    """A hatch's colour on ``fill``: 55 % of the way from the fill to its text colour.

    Strong enough to see in greyscale, weaker than the text drawn over it.
    """
    ink = to_rgb("#000000" if _luminance(fill) > 0.18 else "#FFFFFF")
    rgb = to_rgb(fill)
    return to_hex(tuple(f + 0.55 * (i - f) for f, i in zip(rgb, ink, strict=True)))


def _luminance(fill: str) -> float:
    """WCAG relative luminance of a colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(fill))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


#: What each role colour means, written once; the site's legend is generated from this.
ROLE_MEANINGS = {
    "input": "input values (the image, or the flattened input vector)",
    "output": "output values (what the layer computes)",
    "kernel": "the kernel and the patch it currently covers",
    "zero": "a connection the convolution does not have, or padding",
    "weight": (
        "a trainable weight; cells with the same colour and pattern share one weight. Four "
        "colours and nine patterns give the first 36 weights of a kernel a look each"
    ),
    "signed": "a weight of its own: blue when positive, orange-red when negative",
}


#: What carries the same meaning without colour, so no figure depends on colour vision.
ROLE_CUES = {
    "input": "labelled x, drawn above the matrix or in the top row of a graph",
    "output": "labelled y, after the equals sign or in the bottom row of a graph",
    "kernel": "a thick outline around the patch it covers",
    "zero": "written 0, with a dashed outline; dashed grey edges in graphs",
    "weight": (
        "its pattern: weights 1 to 4 plain, 5 to 8 with diagonal lines, then back-diagonal, "
        "crossed, dotted, … (on edges: its line style, solid, dashed, dotted, … with "
        "every weight); the four colours differ in lightness, so they part in greyscale "
        "too. Its name (α, β, …) is in the cell or on the edge where it fits; where it "
        "does not, the figure says so "
        "and a key beside it names each look (the dense graph keeps dashes for its zeros: "
        "its unlabelled weight edges use one, two or three parallel lines instead)"
    ),
    "signed": "the value is written in the cell; negative edges are dashed",
}


@dataclass(frozen=True)
class Theme:
    """Colours of one theme; role colours keep their meaning in both themes."""

    name: str
    background: str
    foreground: str
    muted: str
    input: str
    output: str
    kernel: str
    zero: str
    zero_text: str

    def weight_identity(self, index: int) -> WeightIdentity:
        """Colour and pattern of kernel weight number ``index``: :func:`weight_identity`.

        The same in both themes: the fills are mid-tones that read on either page.
        """
        return weight_identity(index)

    def weight_colour(self, index: int) -> str:
        """The colour half of :meth:`weight_identity`, for figures that never show more
        than :data:`WEIGHT_COLOURS` weights at once (the pattern of those is plain)."""
        return weight_identity(index).colour

    @property
    def diverging(self) -> LinearSegmentedColormap:
        """Colormap for signed values: orange for negative, blue for positive.

        The middle is the theme's background, so a weight near zero fades into the page
        and a strong weight stands out in either theme.
        """
        return LinearSegmentedColormap.from_list(
            f"signed-{self.name}", [VERMILLION, self.background, BLUE]
        )


LIGHT = Theme(
    name="light",
    background="#FFFFFF",
    foreground="#1A1A1A",
    muted="#5C5C5C",
    input=SKY_BLUE,
    output=BLUISH_GREEN,
    kernel=ORANGE,
    zero="#E3E3E3",
    zero_text="#6E6E6E",
)

# The background matches mkdocs-material's dark ("slate") scheme so figures sit on the page.
DARK = Theme(
    name="dark",
    background="#1E2129",
    foreground="#E8E8E8",
    muted="#A8A8A8",
    input=SKY_BLUE,
    output=BLUISH_GREEN,
    kernel=ORANGE,
    zero="#3A3F4B",
    zero_text="#A0A4AD",
)

THEMES = {theme.name: theme for theme in (LIGHT, DARK)}

#: The bundled DejaVu Sans covers Greek and subscripts and is the same on every machine,
#: which keeps rebuilt files byte-identical.
FONT_FAMILY = "DejaVu Sans"
BASE_FONT_SIZE = 13


def text_colour_on(fill: str, theme: Theme) -> str:
    """Black or white, whichever reads better on ``fill`` (WCAG relative luminance)."""
    return "#000000" if _luminance(fill) > 0.18 else "#FFFFFF"


def rc_params(theme: Theme, *, salt: str) -> dict[str, object]:
    """Matplotlib settings for ``theme``; ``salt`` fixes the SVG element ids."""
    return {
        "font.family": FONT_FAMILY,
        "font.size": BASE_FONT_SIZE,
        "mathtext.fontset": "dejavusans",
        "text.color": theme.foreground,
        "axes.edgecolor": theme.foreground,
        "axes.labelcolor": theme.foreground,
        "axes.facecolor": theme.background,
        "xtick.color": theme.foreground,
        "ytick.color": theme.foreground,
        "figure.facecolor": theme.background,
        "savefig.facecolor": theme.background,
        "svg.hashsalt": salt,
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "image.interpolation": "nearest",
        "path.simplify": False,
    }


@contextlib.contextmanager
def theme_context(theme: Theme, *, salt: str) -> Iterator[None]:
    """Apply the theme's matplotlib settings inside a ``with`` block only."""
    with mpl.rc_context(rc_params(theme, salt=salt)):
        yield
