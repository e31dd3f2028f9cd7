"""Colours, themes and matplotlib settings: the one place that decides how figures look.

Every colour has one meaning on every figure and page (the legend on the site is written
from :data:`ROLE_MEANINGS`). The palette is Okabe and Ito's, which stays distinguishable
with the common colour-vision deficiencies; figures never rely on colour alone, so shared
weights also carry their name and structural zeros also carry a ``0``.

Nothing here changes matplotlib's global state: :func:`theme_context` applies the settings
inside a ``with`` block only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import matplotlib as mpl
from matplotlib.colors import LinearSegmentedColormap, to_rgb

# Okabe-Ito, "Color Universal Design" (2008).
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"

#: One colour per kernel weight, in kernel order (alpha, beta, gamma, delta, ...). Cells and
#: edges that hold the same weight get the same colour *and* the same label. Sky blue and
#: bluish green are left out: they mean input and output. Past five weights the colours
#: repeat, and the names (always drawn) tell the weights apart.
WEIGHT_COLOURS = (ORANGE, REDDISH_PURPLE, YELLOW, BLUE, VERMILLION)

#: What each role colour means, written once; the site's legend is generated from this.
ROLE_MEANINGS = {
    "input": "input values (the image, or the flattened input vector)",
    "output": "output values (what the layer computes)",
    "kernel": "the kernel and the patch it currently covers",
    "zero": "a connection the convolution does not have, or padding",
    "weight": "a trainable weight; cells with the same colour and name share one weight",
    "signed": "a weight of its own: blue when positive, orange-red when negative",
}


#: What carries the same meaning without colour, so no figure depends on colour vision.
ROLE_CUES = {
    "input": "labelled x, drawn above the matrix or in the top row of a graph",
    "output": "labelled y, after the equals sign or in the bottom row of a graph",
    "kernel": "a thick outline around the patch it covers",
    "zero": "written 0, with a dashed outline; dashed grey edges in graphs",
    "weight": (
        "the weight's name (α, β, …) in the cell or on the edge; in the sparse network "
        "figures also its line style (the dense graph keeps dashes for its zeros and draws "
        "every weight edge solid, thick and labelled)"
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

    def weight_colour(self, index: int) -> str:
        """Colour of kernel weight number ``index`` (0 for alpha); cycles past seven."""
        return WEIGHT_COLOURS[index % len(WEIGHT_COLOURS)]

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

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in to_rgb(fill))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.18 else "#FFFFFF"


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
