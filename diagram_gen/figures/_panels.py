"""Figures made of panels, arranged for where they are read.

A panel is one view drawn at its natural size (its own figure's size, in inches, with the
page's text sizes). :func:`compose` draws every panel, then places them in rows that fit
the target's room: side by side on a slide, stacked in the page column or on a phone.
The room is counted in page inches: a target that needs larger text than the page (a
slide needs 12 pt where the page needs 8.25) has proportionally fewer page inches across,
so its arrangement is computed for it, and :func:`diagram_gen.export.fit` then scales
the arranged figure to the slide. One panel alone is a figure's *part* (``--part``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from diagram_gen import targets
from diagram_gen.style import Theme

#: Between panels, in inches.
GAP = 0.35
#: The band over each panel that names it, in inches.
HEADING = 0.38
HEADING_FONT = 11.0
#: The band that carries a step's text, in inches.
STEP_BAND = 0.45
STEP_FONT = 10.5


@dataclass(frozen=True)
class Panel:
    """One view: its key (also its part name), its heading and how to draw it.

    ``draw(ax)`` draws on an axes that fills the figure and sizes the figure to what it
    drew, as the view's own figure would.
    """

    key: str
    heading: str
    draw: Callable[[Axes], None]


def room(target: targets.Target | None) -> tuple[float, float | None]:
    """The target's room in page inches: (across, down or None)."""
    target = target or targets.PAGE
    factor = targets.PAGE.min_text / target.min_text
    return target.width * factor, (target.height * factor if target.height else None)


def rows(widths: Sequence[float], across: float, gap: float = GAP) -> list[list[int]]:
    """Panel indices in rows, in order, each row as many panels as fit ``across``."""
    arranged: list[list[int]] = []
    used = 0.0
    for index, width in enumerate(widths):
        if arranged and used + gap + width <= across + 1e-9:
            arranged[-1].append(index)
            used += gap + width
        else:
            arranged.append([index])
            used = width
    return arranged


def compose(
    panels: Sequence[Panel],
    theme: Theme,
    *,
    target: targets.Target | None = None,
    part: str | None = None,
    step_text: str | None = None,
) -> Figure:
    """Draw ``panels`` (or only the one named ``part``) and arrange them for ``target``."""
    chosen = [panel for panel in panels if part is None or panel.key == part]
    fig = Figure()
    FigureCanvasAgg(fig)
    axes: list[Axes] = []
    sizes: list[tuple[float, float]] = []
    for panel in chosen:
        for other in axes:
            other.set_visible(False)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_facecolor(theme.background)
        panel.draw(ax)
        width, height = fig.get_size_inches()
        sizes.append((float(width), float(height)))
        axes.append(ax)
    across, _ = room(target)
    arranged = rows([w for w, _ in sizes], across)
    band = STEP_BAND if step_text else 0.0
    row_widths = [sum(sizes[i][0] for i in row) + GAP * (len(row) - 1) for row in arranged]
    row_heights = [max(sizes[i][1] for i in row) for row in arranged]
    width = max(row_widths)
    height = band + sum(HEADING + h for h in row_heights) + GAP * (len(arranged) - 1)
    fig.set_size_inches(width, height)
    y = band
    for row, row_width, row_height in zip(arranged, row_widths, row_heights, strict=True):
        x = (width - row_width) / 2
        for index in row:
            w, h = sizes[index]
            panel, ax = chosen[index], axes[index]
            top = y + HEADING
            ax.set_visible(True)
            ax.set_position((x / width, 1 - (top + h) / height, w / width, h / height))
            fig.text(
                (x + 0.1) / width,
                1 - (y + HEADING / 2) / height,
                panel.heading,
                ha="left",
                va="center",
                fontsize=HEADING_FONT,
                fontweight="bold",
                color=theme.foreground,
                gid=f"view-title-{panel.key}",
            )
            x += w + GAP
        y += HEADING + row_height + GAP
    fig.patch.set_facecolor(theme.background)
    if step_text:
        fig.text(
            0.1 / width,
            1 - band / 2 / height,
            step_text,
            ha="left",
            va="center",
            fontsize=STEP_FONT,
            color=theme.foreground,
            gid="step-text",
        )
    return fig
