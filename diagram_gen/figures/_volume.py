"""Volumes drawn flat: boxes and stacks of slices in an oblique projection.

Shared by the volume figures (``neuron-volume``, ``multichannel-kernel``,
``many-filters``). Matplotlib's 3D axes sort whole artists by an average depth and often
draw a hidden face over a visible one, so these figures stay 2D: a box is its three
visible faces (front, top and right side) as polygons, and a scene is drawn from back to
front, so whatever is drawn last is in front (the painter's algorithm).

The projection is oblique ("cabinet"): width runs right and height runs down, as on a
page, and depth recedes up and to the right. The front face of a box is therefore
undistorted, which keeps numbers written on it legible. Depth may have its own scale
(:attr:`Oblique.depth_unit`): a 3x32x32 volume drawn to scale would be a sliver, so the
figures draw depth larger and write every dimension as a number next to its edge.

Coordinates: the axes' y axis points down (see :func:`new_canvas`); a box is placed by
the front-top-left corner of its front face, ``(x, y)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.text import Text

from diagram_gen.examples import format_number
from diagram_gen.figures import _layout
from diagram_gen.style import Theme, text_colour_on

#: How much lighter the top face and how much darker the side face are than the front,
#: as a fraction of the way to white or black: the usual light-from-above look.
TOP_LIGHTEN = 0.35
SIDE_DARKEN = 0.22
#: Smallest font size anywhere in these figures, in points (legible on a slide).
MIN_FONT = 9.0
FACES = ("front", "top", "side")


@dataclass(frozen=True)
class Oblique:
    """An oblique projection of (column, row, depth) onto the page.

    Attributes
    ----------
    unit : float
        Axes units per cell of width and of height.
    depth_unit : float
        Axes units per layer of depth, measured along the receding direction.
    angle : float
        Angle of the receding direction above the horizontal, in degrees.
    """

    unit: float = 1.0
    depth_unit: float = 0.5
    angle: float = 40.0

    @property
    def step(self) -> tuple[float, float]:
        """The page offset of one layer of depth: right and up (negative y)."""
        radians = math.radians(self.angle)
        return self.depth_unit * math.cos(radians), -self.depth_unit * math.sin(radians)

    def point(
        self, origin: tuple[float, float], col: float, row: float, depth: float
    ) -> tuple[float, float]:
        """Where the point ``(col, row, depth)`` of a box placed at ``origin`` lands."""
        dx, dy = self.step
        return origin[0] + col * self.unit + depth * dx, origin[1] + row * self.unit + depth * dy


def box_faces(
    proj: Oblique,
    origin: tuple[float, float],
    size: tuple[float, float, float],
    start: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> dict[str, np.ndarray]:
    """The three visible faces of a box, each as 4 vertices (x, y) in drawing order.

    ``size`` is (columns, rows, depth) and ``start`` the (column, row, depth) of the box's
    front-top-left corner within a volume placed at ``origin``. The front face is at the
    box's smallest depth, the top face at its smallest row, the side at its last column.
    """
    cols, rows, depth = size
    c0, r0, d0 = start
    c1, r1, d1 = c0 + cols, r0 + rows, d0 + depth

    def corners(points) -> np.ndarray:
        return np.array([proj.point(origin, c, r, d) for c, r, d in points])

    return {
        "front": corners([(c0, r0, d0), (c1, r0, d0), (c1, r1, d0), (c0, r1, d0)]),
        "top": corners([(c0, r0, d0), (c0, r0, d1), (c1, r0, d1), (c1, r0, d0)]),
        "side": corners([(c1, r0, d0), (c1, r0, d1), (c1, r1, d1), (c1, r1, d0)]),
    }


def shape_text(shape: Sequence[int], sep: str = "x") -> str:
    """A shape as the site writes it, channels first: ``(3, 4, 4)`` -> ``3x4x4``.

    The shape is the array's own (C, H, W), or (C_in, k, k) for one kernel, so the order
    on every figure is the order of the arrays, never retyped.
    """
    return sep.join(str(int(s)) for s in shape)


def mix(colour: str, target: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0 to 1) of the way towards ``target``, as hex."""
    a, b = np.array(to_rgb(colour)), np.array(to_rgb(target))
    return to_hex(a + (b - a) * amount)


def face_colours(fill: str) -> dict[str, str]:
    """Front as given, top lighter, side darker: the three faces of one solid colour."""
    return {
        "front": to_hex(fill),
        "top": mix(fill, "#FFFFFF", TOP_LIGHTEN),
        "side": mix(fill, "#000000", SIDE_DARKEN),
    }


def draw_box(
    ax: Axes,
    proj: Oblique,
    origin: tuple[float, float],
    size: tuple[float, float, float],
    *,
    fill: str,
    edge: str,
    gid: str,
    start: tuple[float, float, float] = (0.0, 0.0, 0.0),
    faces: Sequence[str] = FACES,
    linewidth: float = 1.2,
    zorder: float = 1.0,
    alpha: float | None = None,
) -> dict[str, Polygon]:
    """Draw the visible faces of a box; face ``f`` gets the gid ``{gid}-{f}``.

    ``faces`` leaves out faces that something else covers, or that lie inside a larger
    box (a receptive field shows only the faces on the surface of its volume).
    """
    colours = face_colours(fill)
    polygons: dict[str, Polygon] = {}
    for name, vertices in box_faces(proj, origin, size, start).items():
        if name not in faces:
            continue
        polygon = Polygon(
            vertices,
            closed=True,
            facecolor=colours[name],
            edgecolor=edge,
            linewidth=linewidth,
            joinstyle="round",
            zorder=zorder,
            alpha=alpha,
            gid=f"{gid}-{name}",
        )
        ax.add_patch(polygon)
        polygons[name] = polygon
    return polygons


def visible_faces(
    start: tuple[int, int, int], size: tuple[int, int, int], volume: tuple[int, int, int]
) -> tuple[str, ...]:
    """Which faces of a box inside a volume lie on the volume's visible surface.

    ``start`` and ``size`` are the box's (column, row, depth) corner and extent, and
    ``volume`` the volume's (columns, rows, depth). Faces inside the volume are hidden.
    """
    c0, r0, d0 = start
    cols = size[0]
    shown = []
    if d0 == 0:
        shown.append("front")
    if r0 == 0:
        shown.append("top")
    if c0 + cols == volume[0]:
        shown.append("side")
    return tuple(shown)


def face_lines(
    ax: Axes,
    proj: Oblique,
    origin: tuple[float, float],
    size: tuple[float, float, float],
    *,
    depths: Sequence[float] = (),
    cols: Sequence[float] = (),
    rows: Sequence[float] = (),
    colour: str,
    gid: str,
    linewidth: float = 0.8,
    zorder: float = 1.5,
) -> list:
    """Lines on the visible faces of a box: layer boundaries and grid lines.

    ``depths`` draws a line across the top and the side at each depth (the boundaries
    between channels or feature maps); ``cols`` and ``rows`` draw grid lines on the front
    face. Returns the Line2D artists.
    """
    width, height, depth = size
    segments = []
    for d in depths:
        segments.append(
            (proj.point(origin, 0, 0, d), proj.point(origin, width, 0, d), f"{gid}-depth-top")
        )
        segments.append(
            (
                proj.point(origin, width, 0, d),
                proj.point(origin, width, height, d),
                f"{gid}-depth-side",
            )
        )
    for c in cols:
        segments.append(
            (proj.point(origin, c, 0, 0), proj.point(origin, c, height, 0), f"{gid}-col")
        )
    for r in rows:
        segments.append(
            (proj.point(origin, 0, r, 0), proj.point(origin, width, r, 0), f"{gid}-row")
        )
    lines = []
    for (x0, y0), (x1, y1), line_gid in segments:
        (line,) = ax.plot(
            [x0, x1],
            [y0, y1],
            color=colour,
            linewidth=linewidth,
            solid_capstyle="butt",
            zorder=zorder,
            gid=line_gid,
        )
        lines.append(line)
    return lines


def edge_label(
    ax: Axes,
    p0: tuple[float, float],
    p1: tuple[float, float],
    text: str,
    *,
    side: str,
    gid: str,
    theme: Theme,
    gap: float = 0.08,
    fontsize: float = 12.0,
) -> Text:
    """A dimension written beside the edge from ``p0`` to ``p1``.

    ``side`` is where the text goes: ``left``, ``below`` or ``right`` of the edge's middle
    (``right`` suits a receding edge, whose text sits to its lower right).
    """
    mx, my = (p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2
    placement = {
        "left": (mx - gap, my, "right", "center"),
        "below": (mx, my + gap, "center", "top"),
        "right": (mx + gap, my + gap / 2, "left", "top"),
        "above": (mx, my - gap, "center", "baseline"),
    }
    x, y, ha, va = placement[side]
    return ax.text(x, y, text, ha=ha, va=va, fontsize=fontsize, color=theme.foreground, gid=gid)


def dimension_labels(
    ax: Axes,
    proj: Oblique,
    origin: tuple[float, float],
    size: tuple[int, int, int],
    *,
    theme: Theme,
    gid: str,
    fontsize: float = 12.0,
) -> dict[str, Text]:
    """Height on the left, width below and depth along the lower receding edge.

    ``size`` is (columns, rows, depth). The texts have the gids ``{gid}-height``,
    ``{gid}-width`` and ``{gid}-depth``.
    """
    width, height, depth = size
    return {
        "height": edge_label(
            ax,
            proj.point(origin, 0, 0, 0),
            proj.point(origin, 0, height, 0),
            str(height),
            side="left",
            gid=f"{gid}-height",
            theme=theme,
            fontsize=fontsize,
        ),
        "width": edge_label(
            ax,
            proj.point(origin, 0, height, 0),
            proj.point(origin, width, height, 0),
            str(width),
            side="below",
            gid=f"{gid}-width",
            theme=theme,
            fontsize=fontsize,
        ),
        "depth": edge_label(
            ax,
            proj.point(origin, width, height, 0),
            proj.point(origin, width, height, depth),
            str(depth),
            side="right",
            gid=f"{gid}-depth",
            theme=theme,
            fontsize=fontsize,
        ),
    }


@dataclass(frozen=True)
class Stack:
    """A stack of 2D slices (channels of an input, slices of a kernel, feature maps).

    Slice 0 is in front; slice ``s`` lies ``s * pitch`` layers of depth behind it, and
    each slice is ``thickness`` layers thick, so the gaps show that the slices are
    separate 2D arrays stacked into one volume.
    """

    rows: int
    cols: int
    count: int
    thickness: float = 0.35
    pitch: float = 1.0

    @property
    def depth(self) -> float:
        """Depth of the whole stack, in layers of the projection."""
        return (self.count - 1) * self.pitch + self.thickness


def draw_stack(
    ax: Axes,
    proj: Oblique,
    origin: tuple[float, float],
    stack: Stack,
    *,
    fills: Sequence[str],
    theme: Theme,
    gid: str,
    values: np.ndarray | None = None,
    grid: bool = True,
    fontsize: float = 11.0,
    zorder: float = 1.0,
) -> dict[str, list]:
    """Draw a stack of slices from back to front, so the front slice hides the others.

    Slice ``s`` is filled with ``fills[s]``; its faces have the gids ``{gid}-{s}-front``,
    ``-top`` and ``-side``. With ``values`` (rows, cols), the front slice's cells carry
    their numbers (gids ``{gid}-value-r-c``). ``grid`` draws the cell lines on every
    slice's front face (what shows of it). Returns the artists by kind.
    """
    artists: dict[str, list] = {"faces": [], "lines": [], "values": []}
    size = (stack.cols, stack.rows, stack.thickness)
    for s in reversed(range(stack.count)):  # back to front: the painter's algorithm
        depth0 = s * stack.pitch
        z = zorder + (stack.count - s) * 0.01
        faces = draw_box(
            ax,
            proj,
            origin,
            size,
            start=(0, 0, depth0),
            fill=fills[s],
            edge=theme.foreground,
            gid=f"{gid}-{s}",
            linewidth=1.0,
            zorder=z,
        )
        artists["faces"] += faces.values()
        if grid:
            slice_origin = proj.point(origin, 0, 0, depth0)
            artists["lines"] += face_lines(
                ax,
                proj,
                slice_origin,
                size,
                cols=range(1, stack.cols),
                rows=range(1, stack.rows),
                colour=theme.foreground,
                gid=f"{gid}-{s}-grid",
                linewidth=0.6,
                zorder=z + 0.001,
            )
    if values is not None:
        colour = text_colour_on(fills[0], theme)
        for (r, c), value in np.ndenumerate(values):
            x, y = proj.point(origin, c + 0.5, r + 0.5, 0)
            artists["values"].append(
                ax.text(
                    x,
                    y,
                    format_number(value),
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                    color=colour,
                    zorder=zorder + 1,
                    gid=f"{gid}-value-{r}-{c}",
                )
            )
    return artists


# ----------------------------------------------------------------------------------------
# Canvas: one data unit per inch, y pointing down, sized to what was drawn
# ----------------------------------------------------------------------------------------


def new_canvas(theme: Theme) -> tuple[Figure, Axes]:
    """A figure whose frameless axes maps one data unit to one inch, y pointing down.

    The page is provisional: :func:`fit` resizes it to what was drawn.
    """
    return _layout.new_canvas(theme, page=30, corner=-10)


def text_size(ax: Axes, text: str, fontsize: float) -> tuple[float, float]:
    """Width and height of ``text`` in inches (data units of :func:`new_canvas`)."""
    return _layout.text_size(ax.figure, text, fontsize)


def fit(fig: Figure, ax: Axes, margin: float = 0.2) -> None:
    """Size the figure to everything drawn plus ``margin`` inches, one unit one inch."""
    _layout.fit(fig, ax, margin)
