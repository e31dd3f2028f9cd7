"""Shared look of the figures that are plots with axes (``tied-training``, ``param-count``).

The theme's rc settings colour the text, spines and ticks; this module adds what rc cannot
say once for every plot: the grid in the theme's zero grey (quiet in both themes), no top
and right spines, tick labels no smaller than :data:`TICK_FONT`, and a curve label that
sits directly next to its curve with a background box, so a curve is named where it is
drawn and never by colour alone.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from diagram_gen.examples import MINUS
from diagram_gen.style import Theme

TICK_FONT = 12.0
LABEL_FONT = 13.0
TITLE_FONT = 14.0
CURVE_FONT = 12.0
NOTE_FONT = 11.0

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def new_figure(theme: Theme, size: tuple[float, float]) -> Figure:
    """A figure of ``size`` inches on the theme's background, with an Agg canvas."""
    fig = Figure(figsize=size, facecolor=theme.background)
    FigureCanvasAgg(fig)
    return fig


def style_axes(ax: Axes, theme: Theme) -> None:
    """Theme colours for the axes' face, spines, ticks and grid; no top or right spine."""
    ax.set_facecolor(theme.background)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(theme.foreground)
    ax.tick_params(
        which="both", colors=theme.foreground, labelcolor=theme.foreground, labelsize=TICK_FONT
    )
    ax.grid(True, which="major", color=theme.zero, linewidth=0.9)
    ax.set_axisbelow(True)
    ax.xaxis.label.set_color(theme.foreground)
    ax.yaxis.label.set_color(theme.foreground)


def curve_label(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    theme: Theme,
    *,
    gid: str,
    colour: str | None = None,
    ha: str = "left",
    va: str = "center",
    offset: tuple[float, float] = (6, 0),
    arrow: bool = False,
    text_at: tuple[float, float] | None = None,
) -> Text:
    """A label next to a curve at data point (x, y), shifted by ``offset`` points.

    The box behind it has the page colour, so a grid line or another curve passing
    behind it does not cut through the letters. With ``arrow`` a thin line points from
    the label to (x, y), for a label that has to stand a little away from its curve;
    ``text_at`` then puts the label at that fraction of the axes instead of ``offset``.
    """
    arrowprops = (
        {"arrowstyle": "-", "color": colour or theme.foreground, "linewidth": 1.0,
         "shrinkA": 2, "shrinkB": 4}
        if arrow
        else None
    )  # fmt: skip
    return ax.annotate(
        text,
        (x, y),
        xytext=offset if text_at is None else text_at,
        textcoords="offset points" if text_at is None else "axes fraction",
        ha=ha,
        va=va,
        fontsize=CURVE_FONT,
        color=colour or theme.foreground,
        gid=gid,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": theme.background, "edgecolor": "none"},
        annotation_clip=False,
        arrowprops=arrowprops,
    )


def scientific(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` significant digits, as a reader writes it.

    ``2.2 × 10⁻¹⁶`` for very small or large numbers, ``0.0061`` or ``1.4`` in between,
    ``1,234`` from a thousand on (whole), with a true minus sign.
    """
    value = float(value)
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e6:
        text = f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"
        return text.replace("-", MINUS)
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    power = str(int(exponent)).translate(_SUPERSCRIPTS)
    if float(mantissa) == 1:
        return f"10{power}"
    return f"{mantissa.replace('-', MINUS)} × 10{power}"
