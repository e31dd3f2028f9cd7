"""Canvases on which one data unit is one inch, y pointing down, sized to what was drawn.

The network and the volume figures lay out text before they know their final size: they
draw on a provisional page whose axes map one data unit to one inch, measure text in
inches with :func:`text_size`, and let :func:`fit` resize the page to what was drawn.
Text sizes are in points, so measuring them in data units is exact as long as one unit
is one inch.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from diagram_gen.style import FONT_FAMILY, Theme


def new_canvas(theme: Theme, *, page: float, corner: float) -> tuple[Figure, Axes]:
    """A figure whose one frameless axes maps one data unit to one inch, y pointing down.

    The page is provisional, ``page`` inches square with its top-left corner at
    ``(corner, corner)``: :func:`fit` replaces it with the extent of what was drawn.
    """
    fig = Figure()
    FigureCanvasAgg(fig)  # a real canvas, so that text extents can be measured
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_facecolor(theme.background)
    fig.set_size_inches(page, page)
    ax.set_xlim(corner, corner + page)
    ax.set_ylim(corner + page, corner)
    return fig, ax


def text_size(fig: Figure, text: str, fontsize: float) -> tuple[float, float]:
    """Width and height of ``text`` in inches, in the current font settings."""
    probe = Text(0, 0, text, fontsize=fontsize, fontfamily=FONT_FAMILY, figure=fig)
    box = probe.get_window_extent(fig.canvas.get_renderer())
    return box.width / fig.dpi, box.height / fig.dpi


def fit(fig: Figure, ax: Axes, margin: float) -> None:
    """Size the figure to everything drawn plus ``margin`` inches, one unit still one inch."""
    renderer = fig.canvas.get_renderer()
    boxes = [
        artist.get_window_extent(renderer)
        for artist in (*ax.texts, *ax.patches, *ax.lines)
        if artist.get_visible()
    ]
    box = Bbox.union(boxes).transformed(ax.transData.inverted())
    x0, x1 = sorted((box.x0, box.x1))
    y0, y1 = sorted((box.y0, box.y1))
    x0, x1, y0, y1 = x0 - margin, x1 + margin, y0 - margin, y1 + margin
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)
    fig.set_size_inches(x1 - x0, y1 - y0)
