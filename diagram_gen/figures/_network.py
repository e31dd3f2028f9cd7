"""Drawing a layer as a network: a row of input nodes, a row of output nodes, edges between.

The network figures (``fc-graph``, ``conv-network``, ``sparse-connectivity-1d``,
``weight-sharing-1d``) share this layout. Inputs lie in a row at the top and outputs in a
row below them, so data flows down the page as a reader reads; each output sits under the
middle of the inputs it sees, which keeps the edges of a convolution short and uncrossed
where they can be.

One data unit is one inch: node sizes, gaps and the boxes of measured text are all in
inches, so a label can be placed where it fits before the figure's final size is known,
and :func:`fit` then sizes the figure to what was drawn.

Edges that carry a weight name or value get a small label with a background box, placed
by :func:`place_edge_labels` near the output end where the edges of one output fan out,
and moved along its edge until it overlaps no other label and no node.

Past :data:`MAX_LABELLED_NODES` nodes in a row, nodes become dots without text, and past
:data:`MAX_EDGE_LABELS` labelled edges the labels are left out; figures say so in their
alt text (:func:`nodes_labelled`, :func:`edges_labelled` decide it from the counts alone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from diagram_gen import layers, linked, style, targets
from diagram_gen.examples import ConvLayer, format_number, subscript
from diagram_gen.figures import _layout
from diagram_gen.figures._layout import text_size
from diagram_gen.style import Theme, text_colour_on

NODE_FONT = 13.0
NAME_FONT = 12.0
LABEL_FONT = 11.0
TITLE_FONT = 15.0
NOTE_FONT = 12.0
MIN_FONT = 9.0

#: Rows with more nodes are drawn as dots without text.
MAX_LABELLED_NODES = 16
#: A panel with more labelled edges leaves the edge labels out.
MAX_EDGE_LABELS = 48
#: Rows with more nodes are refused: a network drawing of them would be unreadable.
MAX_NODES = 64
#: Widest row of node centres, in inches, for rows drawn as dots.
MAX_ROW_INCHES = 13.0
#: Width of an edge that carries a weight identity (name or shared value), in points.
WEIGHT_EDGE_WIDTH = 2.4
#: Width of the dark casing under a coloured edge on the light page, as a multiple of the
#: edge's own width (2.4 pt edges get a 0.5 pt rim on each side).
CASING_FACTOR = 1.45
#: Inches kept free around an edge label: labels that touch are misread.
LABEL_MARGIN = 0.04
#: Fractions along an edge (0 at the input, 1 at the output) tried for its label, best
#: first: near the output end, where the edges of one output are apart, then back.
LABEL_POSITIONS = (0.72, 0.64, 0.8, 0.56, 0.48, 0.4, 0.86, 0.32, 0.24)


def check_sizes(figure_id: str, **counts: int) -> None:
    """Refuse rows too long to draw as a network, in one sentence naming the row."""
    for what, count in counts.items():
        if count > MAX_NODES:
            raise ValueError(
                f"{figure_id} draws at most {MAX_NODES} {what} as a network, got {count}; "
                f"use a matrix figure for a layer this large."
            )


def nodes_labelled(*counts: int) -> bool:
    """Whether rows of these lengths are drawn with text in their nodes."""
    return max(counts) <= MAX_LABELLED_NODES


def edges_labelled(labelled_edges: int, *counts: int) -> bool:
    """Whether this many edge labels are drawn, for rows of these lengths."""
    return nodes_labelled(*counts) and labelled_edges <= MAX_EDGE_LABELS


def weight_style(k: int, theme: Theme) -> tuple[str, str | tuple]:
    """Colour and line style of weight number ``k`` (:meth:`Theme.weight_identity`):
    equal weights are drawn alike, and the first 36 weights each differently."""
    look = theme.weight_identity(k)
    return look.colour, look.line


def weight_style_words(k: int) -> str:
    """``orange, solid`` for weight 0: how weight ``k``'s edges look, for alt text."""
    return style.weight_identity(k).line_words


def position_names(symbol: str, shape: Sequence[int]) -> list[str]:
    """Names of the entries of a (C, *spatial) map in C order: x₁₁ …, or x₂,₁₁ with channels.

    A 1D single-channel map gives x₁, x₂, …; positions count from 1 like the prose.
    """
    channels = shape[0]
    names = []
    for channel, *position in np.ndindex(*shape):
        text = "".join(subscript(p + 1) for p in position)
        if channels > 1:
            text = f"{subscript(channel + 1)},{text}"
        names.append(symbol + text)
    return names


def join_numbers(values, limit: int = 18) -> str:
    """``3, −1, 0.5`` (at most ``limit`` of them, then an ellipsis)."""
    values = list(np.ravel(values))
    shown = ", ".join(format_number(v) for v in values[:limit])
    return shown + (", …" if len(values) > limit else "")


# ----------------------------------------------------------------------------------------
# A convolution as a network (conv-network, conv-dense-graph)
# ----------------------------------------------------------------------------------------


def conv_weight_index(figure_id: str, example: ConvLayer) -> tuple[np.ndarray, np.ndarray]:
    """The output of ``example`` and its (n_out, n_in) kernel weight number per edge.

    The index is -1 where the convolution has no edge (a zero of its dense matrix). Rows
    too long to draw as a network are refused first, naming ``figure_id``.
    """
    output = example.output()
    check_sizes(figure_id, inputs=example.image.size, outputs=output.size)
    index = layers.conv_matrix_index(
        example.kernel.shape, example.image.shape, **example.layer_kwargs
    )
    return output, index


@dataclass(frozen=True)
class ConvGraphData:
    """A convolution read as a network: which kernel weight each edge holds, and the values."""

    example: ConvLayer
    index: np.ndarray  # (n_out, n_in) kernel weight number per edge, -1 where there is none
    x: np.ndarray  # (n_in,) the flattened input
    y: np.ndarray  # (n_out,) the flattened output, bias included

    @property
    def shape(self) -> tuple[int, int]:
        return self.index.shape

    @property
    def edge_count(self) -> int:
        """The edges the convolution has: those that hold a kernel weight."""
        return int((self.index >= 0).sum())

    @property
    def nodes_labelled(self) -> bool:
        return nodes_labelled(*self.shape)

    @property
    def edges_labelled(self) -> bool:
        return edges_labelled(self.edge_count, *self.shape)


# ----------------------------------------------------------------------------------------
# Layout
# ----------------------------------------------------------------------------------------


def row_spacing(count: int, base: float) -> float:
    """Distance between node centres: ``base`` inches, less for rows drawn as dots."""
    if count <= MAX_LABELLED_NODES or count < 2:
        return base
    return min(base, MAX_ROW_INCHES / (count - 1))


def row_positions(count: int, spacing: float, *, groups: int = 1, group_gap: float = 0.0):
    """Centres of ``count`` nodes in a row, starting at 0, with an extra gap between groups.

    ``groups`` equal groups (the rows of an image, read row by row) are set apart by
    ``group_gap`` more inches, so a flattened 3x3 image still shows its three rows.
    """
    size = count // groups if groups and count % groups == 0 else count
    return np.array([i * spacing + (i // size) * group_gap for i in range(count)], dtype=float)


def image_rows(shape: Sequence[int]) -> int:
    """How many image rows a (C, H, W) or (C, D, H, W) map has, read row by row (C x H,
    or C x D x H); a 1D (C, W) map has one per channel."""
    return shape[0] * (shape[1] if len(shape) > 2 else 1)


def fan_positions(connected: np.ndarray, x_in: np.ndarray, min_gap: float) -> np.ndarray:
    """Centres of the outputs: each under the mean of its inputs, at least ``min_gap`` apart.

    ``connected`` is the (n_out, n_in) boolean connection matrix. Outputs keep their order;
    where two would come closer than ``min_gap`` the later one moves right, and the row is
    then shifted back so that its middle stays under the middle of the wanted places.
    """
    wanted = np.array([x_in[row].mean() if row.any() else np.nan for row in connected])
    # An output that reads padding only (a 1x1 kernel on a padded border) has no input to
    # sit under: it goes between its neighbours, or under the middle when all are so.
    known = ~np.isnan(wanted)
    if not known.any():
        wanted = np.full(wanted.shape, x_in.mean() if x_in.size else 0.0)
    elif not known.all():
        order = np.arange(wanted.size)
        wanted = np.interp(order, order[known], wanted[known])
    placed = wanted.copy()
    for i in range(1, placed.size):
        placed[i] = max(placed[i], placed[i - 1] + min_gap)
    shift = (wanted.min() + wanted.max()) / 2 - (placed.min() + placed.max()) / 2
    return placed + shift


def row_centres(
    connected: np.ndarray,
    input_spacing: float,
    output_gap: float,
    *,
    x0: float = 0.0,
    groups: int = 1,
    group_gap: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Centres of the input row (from ``x0``) and of the output row under it.

    Inputs are :func:`row_spacing` apart (``input_spacing`` for short rows), ``groups``
    of them set apart by ``group_gap`` inches scaled alike; outputs fan out under their
    inputs (``connected``, (n_out, n_in)) at least :func:`row_spacing` of ``output_gap``
    apart.
    """
    n_out, n_in = connected.shape
    spacing = row_spacing(n_in, input_spacing)
    x_in = x0 + row_positions(
        n_in, spacing, groups=groups, group_gap=group_gap * spacing / input_spacing
    )
    x_out = fan_positions(connected, x_in, row_spacing(n_out, output_gap))
    return x_in, x_out


# ----------------------------------------------------------------------------------------
# Canvas and text measurement
# ----------------------------------------------------------------------------------------


def measuring_figure() -> Figure:
    """A figure that draws nothing, only measures text (for layouts drawn by Graphviz)."""
    fig = Figure()
    FigureCanvasAgg(fig)
    return fig


def new_canvas(theme: Theme) -> tuple[Figure, Axes]:
    """A figure whose one frameless axes maps one data unit to one inch, y pointing down."""
    return _layout.new_canvas(theme, page=20, corner=-5)


def fit(fig: Figure, ax: Axes, margin: float = 0.18) -> None:
    """Size the figure to everything drawn plus ``margin`` inches, one unit still one inch."""
    _layout.fit(fig, ax, margin)


# ----------------------------------------------------------------------------------------
# Nodes
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of nodes: where they are, what they say and how they are named."""

    xs: np.ndarray
    y: float
    fill: str
    texts: Sequence[str] | None  # inside the nodes; None draws dots
    names: Sequence[str] | None  # beside the nodes (above inputs, below outputs)
    prefix: str  # gid prefix: "in" or "out"
    names_above: bool
    radius: float = 0.3
    fontsize: float = NODE_FONT
    extra: Sequence[str] | None = None  # a second, smaller line under each name (below)

    def centre(self, index: int) -> tuple[float, float]:
        return float(self.xs[index]), self.y


def fitted_row(
    fig: Figure,
    xs: np.ndarray,
    y: float,
    *,
    fill: str,
    texts: Sequence[str] | None,
    names: Sequence[str] | None,
    prefix: str,
    names_above: bool,
    extra: Sequence[str] | None = None,
    min_radius: float = 0.24,
) -> Row:
    """A row whose node radius fits its longest text (shrinking the font down to 9 pt)."""
    spacing = float(np.min(np.diff(xs))) if len(xs) > 1 else 1.0
    if texts is None:
        return Row(xs, y, fill, None, names, prefix, names_above, min(0.09, spacing / 3))
    largest = 0.44 * spacing
    fontsize = NODE_FONT
    while True:
        sizes = [text_size(fig, text, fontsize) for text in dict.fromkeys(texts)]
        width, height = (max(size) for size in zip(*sizes, strict=True))
        radius = max(min_radius, width / 2 + 0.09, height / 2 + 0.06)
        if radius <= largest or fontsize <= MIN_FONT:
            break
        fontsize -= 0.5
    return Row(xs, y, fill, texts, names, prefix, names_above, radius, fontsize, extra)


def node_rows(
    fig: Figure,
    x_in: np.ndarray,
    x_out: np.ndarray,
    layer_gap: float,
    *,
    theme: Theme,
    in_texts: Sequence[str] | None,
    out_texts: Sequence[str] | None,
    in_names: Sequence[str] | None = None,
    out_names: Sequence[str] | None = None,
    out_extra: Sequence[str] | None = None,
    y0: float = 0.0,
) -> tuple[Row, Row]:
    """The input row at ``y0`` (names above it) and the output row ``layer_gap`` inches
    below (names and ``out_extra`` under it), filled in the theme's input and output
    colours, gid prefixes ``in`` and ``out``."""
    inputs = fitted_row(
        fig,
        x_in,
        y0,
        fill=theme.input,
        texts=in_texts,
        names=in_names,
        prefix="in",
        names_above=True,
    )
    outputs = fitted_row(
        fig,
        x_out,
        y0 + layer_gap,
        fill=theme.output,
        texts=out_texts,
        names=out_names,
        extra=out_extra,
        prefix="out",
        names_above=False,
    )
    return inputs, outputs


def panel_rows(
    fig: Figure,
    connected: np.ndarray,
    x0: float,
    *,
    spacing: float,
    layer_gap: float,
    theme: Theme,
    y0: float = 0.0,
) -> tuple[Row, Row]:
    """The two rows of one panel of a 1D layer, from ``(x0, y0)``: inputs and outputs
    ``spacing`` apart (or closer, for long rows), each node holding its name (x₁ …, y₁ …)
    while the rows are short enough to be labelled."""
    n_out, n_in = connected.shape
    x_in, x_out = row_centres(connected, spacing, spacing, x0=x0)
    labelled = nodes_labelled(n_in, n_out)
    return node_rows(
        fig,
        x_in,
        x_out,
        layer_gap,
        theme=theme,
        in_texts=position_names("x", (1, n_in)) if labelled else None,
        out_texts=position_names("y", (1, n_out)) if labelled else None,
        y0=y0,
    )


def drawn_extent(ax: Axes) -> Box:
    """The box, in data units (inches), around everything drawn on ``ax`` so far."""
    renderer = ax.figure.canvas.get_renderer()
    boxes = [
        artist.get_window_extent(renderer)
        for artist in (*ax.texts, *ax.patches, *ax.lines)
        if artist.get_visible()
    ]
    box = Bbox.union(boxes).transformed(ax.transData.inverted())
    x0, x1 = sorted((box.x0, box.x1))
    y0, y1 = sorted((box.y0, box.y1))
    return float(x0), float(y0), float(x1), float(y1)


def for_target(build: Callable[[bool], Figure], target: targets.Target | None) -> Figure:
    """A two-panel figure laid out for ``target``: ``build(side_by_side)`` draws it.

    In the page column the panels stack, each as wide as the column allows. On a slide
    both arrangements are drawn and the one whose text ends up larger once fitted to the
    slide wins: side by side on a 16:9 slide, which is wide and short, and on a 4:3 one
    whichever the panels' shapes favour.
    """
    if target is None or not target.is_slide:
        return build(False)

    def shown_text(fig: Figure) -> float:
        measure = targets.measure_figure(fig)
        return measure.min_text * targets.fitting_factor(measure, target)

    return max((build(True), build(False)), key=shown_text)


def stacked_spacing(count: int, base: float, least: float, across: float = 6.4) -> float:
    """Node spacing for a row of ``count`` nodes that keeps the row within ``across``
    inches (the page column less room for node rims and labels), ``base`` at most and
    never under ``least`` (closer nodes leave edge labels no room: the figure then grows
    wider than the column, and the browser shrinks it)."""
    if count < 2:
        return base
    return max(least, min(base, across / (count - 1)))


#: How much wider a bold line is than the same line measured in the regular face.
BOLD_ALLOWANCE = 1.1


def panel_offset(
    fig: Figure, texts: Sequence[Sequence[str]], row_width: float, gap: float
) -> float:
    """How far apart two panels side by side start: the wider of a row (plus its nodes)
    and the widest of the panels' ``texts`` (a title at title size, then lines at note
    size), plus ``gap`` inches. Bold text is up to :data:`BOLD_ALLOWANCE` wider."""
    widest = max(
        text_size(fig, text, TITLE_FONT if line == 0 else NOTE_FONT)[0] * BOLD_ALLOWANCE
        for triple in texts
        for line, text in enumerate(triple)
    )
    return max(row_width + 0.6, widest) + gap


def draw_row(ax: Axes, row: Row, *, theme: Theme, gid: str = "") -> dict[str, list]:
    """Draw the nodes of ``row`` with their texts and names; returns the artists by part."""
    artists: dict[str, list] = {"nodes": [], "texts": [], "names": []}
    for index, x in enumerate(row.xs):
        circle = Circle(
            (x, row.y),
            row.radius,
            facecolor=row.fill,
            edgecolor=theme.foreground,
            linewidth=1.0,
            zorder=3,
            clip_on=False,
            gid=f"{gid}{row.prefix}-{index}-node",
        )
        ax.add_patch(circle)
        artists["nodes"].append(circle)
        if row.texts is not None:
            artists["texts"].append(
                ax.text(
                    x,
                    row.y,
                    row.texts[index],
                    ha="center",
                    va="center_baseline",
                    fontsize=row.fontsize,
                    color=text_colour_on(row.fill, theme),
                    zorder=4,
                    clip_on=False,
                    gid=f"{gid}{row.prefix}-{index}",
                )
            )
        if row.names is None:
            continue
        offset = row.radius + 0.07
        name = ax.text(
            x,
            row.y - offset if row.names_above else row.y + offset,
            row.names[index],
            ha="center",
            va="bottom" if row.names_above else "top",
            fontsize=NAME_FONT,
            color=theme.foreground,
            clip_on=False,
            gid=f"{gid}{row.prefix}-name-{index}",
        )
        artists["names"].append(name)
        if row.extra is not None:
            _, height = text_size(ax.figure, row.names[index], NAME_FONT)
            artists["names"].append(
                ax.text(
                    x,
                    row.y + offset + height + 0.04,
                    row.extra[index],
                    ha="center",
                    va="top",
                    fontsize=NOTE_FONT - 1,
                    color=theme.muted,
                    clip_on=False,
                    gid=f"{gid}{row.prefix}-extra-{index}",
                )
            )
    return artists


# ----------------------------------------------------------------------------------------
# Edges
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    """One edge from input ``j`` to output ``i`` and how it looks (later edges lie on top)."""

    i: int
    j: int
    colour: str
    linestyle: str = "-"
    width: float = WEIGHT_EDGE_WIDTH
    label: str | None = None


class _Casing(patheffects.AbstractPathEffect):
    """Draws the line once more underneath, wider by a factor and in another colour.

    The width is relative to the line's own, so a figure scaled for slides (which scales
    line widths) keeps the same proportions; the dashes are the line's own.
    """

    def __init__(self, colour: str, factor: float) -> None:
        super().__init__()
        self._colour = colour
        self._factor = factor

    def draw_path(self, renderer, gc, tpath, affine, rgbFace=None):
        casing_gc = renderer.new_gc()
        casing_gc.copy_properties(gc)
        casing_gc.set_linewidth(gc.get_linewidth() * self._factor)
        casing_gc.set_foreground(self._colour)
        renderer.draw_path(casing_gc, tpath, affine, rgbFace)
        casing_gc.restore()


def casing(theme: Theme) -> list:
    """A thin dark outline under a coloured line on the light page.

    Several Okabe-Ito colours (yellow, sky blue, orange) are too pale on white to follow
    as thin lines; a casing in the page's muted foreground keeps each edge visible while
    its colour stays readable. On the dark page the colours stand out on their own.
    """
    if theme.name != "light":
        return []
    return [_Casing(theme.muted, CASING_FACTOR), patheffects.Normal()]


def edge_points(inputs: Row, outputs: Row, edge: Edge) -> tuple[np.ndarray, np.ndarray]:
    """Where an edge leaves its input node and reaches its output node (on their rims)."""
    start = np.array(inputs.centre(edge.j))
    end = np.array(outputs.centre(edge.i))
    direction = (end - start) / np.linalg.norm(end - start)
    return start + direction * inputs.radius, end - direction * outputs.radius


def draw_edges(
    ax: Axes,
    inputs: Row,
    outputs: Row,
    edges: Sequence[Edge],
    *,
    theme: Theme,
    gid: str = "",
    cased: bool = True,
) -> list[Line2D]:
    """Draw ``edges`` as straight lines, gid ``edge-i-j``; returns the lines in order."""
    lines = []
    for order, edge in enumerate(edges):
        (x0, y0), (x1, y1) = edge_points(inputs, outputs, edge)
        line = Line2D(
            [x0, x1],
            [y0, y1],
            color=edge.colour,
            linestyle=edge.linestyle,
            linewidth=edge.width,
            solid_capstyle="butt",
            dash_capstyle="butt",
            zorder=1 + order / (10 * max(len(edges), 1)),
            clip_on=False,
            gid=f"{gid}edge-{edge.i}-{edge.j}",
        )
        if cased:
            line.set_path_effects(casing(theme))
        ax.add_line(line)
        lines.append(line)
    return lines


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in inches


def _overlap(a: Box, b: Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _crosses(box: Box, p0: np.ndarray, p1: np.ndarray) -> bool:
    """Whether the segment p0-p1 passes through ``box`` (Liang-Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    d = p1 - p0
    for p, q in (
        (-d[0], p0[0] - box[0]),
        (d[0], box[2] - p0[0]),
        (-d[1], p0[1] - box[1]),
        (d[1], box[3] - p0[1]),
    ):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def node_boxes(*rows: Row, pad: float = 0.03) -> list[Box]:
    """The squares around the nodes of ``rows``, as obstacles for labels."""
    boxes = []
    for row in rows:
        r = row.radius + pad
        boxes += [(x - r, row.y - r, x + r, row.y + r) for x in row.xs]
    return boxes


def label_positions(
    fig: Figure,
    inputs: Row,
    outputs: Row,
    edges: Sequence[Edge],
    *,
    obstacles: Sequence[Box] = (),
    fontsize: float = LABEL_FONT,
    pad: float | None = None,
) -> list[tuple[Edge, float, float]]:
    """Where each labelled edge's label goes: (edge, x, y) on the edge itself, in inches.

    For each labelled edge (in the order given) the positions of
    :data:`LABEL_POSITIONS` are tried; a position is refused if its box (text plus
    ``pad``, plus :data:`LABEL_MARGIN`) overlaps a node or a label already placed, and
    among the others the one whose box the fewest other edges cross wins (so a label
    does not sit on a crossing and leave its edge in doubt), ties going to the earlier,
    preferred position. If every position overlaps, the least overlap wins. The search
    is deterministic. ``fig`` is only used to measure text.
    """
    segments = [edge_points(inputs, outputs, edge) for edge in edges]
    taken: list[Box] = list(obstacles) + node_boxes(inputs, outputs)
    pad = 0.2 * fontsize / 72 if pad is None else pad
    m = LABEL_MARGIN
    placed = []
    for index, edge in enumerate(edges):
        if edge.label is None:
            continue
        width, height = text_size(fig, edge.label, fontsize)
        half_w, half_h = width / 2 + pad, height / 2 + pad
        start, end = segments[index]
        best = None
        for rank, t in enumerate(LABEL_POSITIONS):
            x, y = start + t * (end - start)
            box = (x - half_w, y - half_h, x + half_w, y + half_h)
            grown = (box[0] - m, box[1] - m, box[2] + m, box[3] + m)
            overlap = sum(_overlap(grown, other) for other in taken)
            crossings = sum(
                _crosses(box, p0, p1) for k, (p0, p1) in enumerate(segments) if k != index
            )
            score = (overlap > 1e-9, overlap, crossings, rank)
            if best is None or score < best[0]:
                best = (score, float(x), float(y), box)
        _, x, y, box = best
        taken.append(box)
        placed.append((edge, x, y))
    return placed


def place_edge_labels(
    ax: Axes,
    inputs: Row,
    outputs: Row,
    edges: Sequence[Edge],
    *,
    theme: Theme,
    obstacles: Sequence[Box] = (),
    gid: str = "",
    fontsize: float = LABEL_FONT,
) -> list[Text]:
    """Write each edge's label on the edge, where :func:`label_positions` finds room.

    Each label has a box in the page colour, outlined in its edge's colour. Returns the
    texts, gid ``<gid>label-i-j``.
    """
    texts = []
    for edge, x, y in label_positions(
        ax.figure, inputs, outputs, edges, obstacles=obstacles, fontsize=fontsize
    ):
        texts.append(
            ax.text(
                x,
                y,
                edge.label,
                ha="center",
                va="center",
                fontsize=fontsize,
                color=theme.foreground,
                zorder=5,
                clip_on=False,
                gid=f"{gid}label-{edge.i}-{edge.j}",
                bbox={
                    "boxstyle": "round,pad=0.2",
                    "facecolor": theme.background,
                    "edgecolor": edge.colour,
                    "linewidth": 1.0,
                },
            )
        )
    return texts


# ----------------------------------------------------------------------------------------
# Keys and text
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyItem:
    """One entry of a key: a short line sample and what it means."""

    colour: str
    linestyle: str
    width: float | tuple[float, ...]  # several widths: short samples side by side
    text: str


def draw_key(
    ax: Axes,
    items: Sequence[KeyItem],
    *,
    centre: float,
    y: float,
    theme: Theme,
    gid: str = "key",
    cased: bool = True,
    per_line: int = 4,
) -> list:
    """A key centred at ``centre``: a line sample, then its text, for each item.

    At most ``per_line`` items share a line; further lines follow below ``y``.
    """
    fig = ax.figure
    sample, gap, spacing = 0.55, 0.1, 0.4
    line_height = 1.7 * text_size(fig, "Ag", NOTE_FONT)[1]
    artists = []
    for first in range(0, len(items), per_line):
        chunk = items[first : first + per_line]
        widths = [text_size(fig, item.text, NOTE_FONT)[0] for item in chunk]
        total = sum(sample + gap + w for w in widths) + spacing * (len(chunk) - 1)
        x = centre - total / 2
        row_y = y + line_height * (first // per_line)
        for offset, (item, width) in enumerate(zip(chunk, widths, strict=True)):
            index = first + offset
            line_widths = item.width if isinstance(item.width, tuple) else (item.width,)
            piece = sample / len(line_widths)
            for part, line_width in enumerate(line_widths):
                line = Line2D(
                    [
                        x + part * piece,
                        x + (part + 1) * piece - (0.05 if part < len(line_widths) - 1 else 0),
                    ],
                    [row_y, row_y],
                    color=item.colour,
                    linestyle=item.linestyle,
                    linewidth=line_width,
                    solid_capstyle="butt",
                    dash_capstyle="butt",
                    clip_on=False,
                    gid=f"{gid}-line-{index}" + (f"-{part}" if part else ""),
                )
                if cased:
                    line.set_path_effects(casing(theme))
                ax.add_line(line)
                artists.append(line)
            artists.append(
                ax.text(
                    x + sample + gap,
                    row_y,
                    item.text,
                    ha="left",
                    va="center",
                    fontsize=NOTE_FONT,
                    color=theme.foreground,
                    clip_on=False,
                    gid=f"{gid}-text-{index}",
                )
            )
            x += sample + gap + width + spacing
    return artists


def panel_title(
    ax: Axes, x: float, y: float, title: str, subtitle: str, *, theme: Theme, gid: str
) -> list[Text]:
    """A bold title over a muted subtitle, centred at ``x``, the subtitle's bottom at ``y``.

    ``gid`` is a prefix: the texts get gids ``<gid>title`` and ``<gid>subtitle``.
    """
    _, height = text_size(ax.figure, subtitle, NOTE_FONT)
    return [
        note(
            ax,
            x,
            y - height - 0.1,
            title,
            theme=theme,
            gid=f"{gid}title",
            fontsize=TITLE_FONT,
            weight="bold",
            va="bottom",
        ),
        note(ax, x, y, subtitle, theme=theme, gid=f"{gid}subtitle", muted=True, va="bottom"),
    ]


def note(
    ax: Axes,
    x: float,
    y: float,
    text: str,
    *,
    theme: Theme,
    gid: str,
    fontsize: float = NOTE_FONT,
    muted: bool = False,
    weight: str = "normal",
    va: str = "top",
) -> Text:
    """A line of text centred at ``x`` (titles, counts, notes)."""
    return ax.text(
        x,
        y,
        text,
        ha="center",
        va=va,
        fontsize=fontsize,
        fontweight=weight,
        color=theme.muted if muted else theme.foreground,
        clip_on=False,
        gid=gid,
    )


# ----------------------------------------------------------------------------------------
# Steps: the edges of one step lit, the others dimmed
# ----------------------------------------------------------------------------------------

#: A lit edge is this many times as wide; the others fade to this opacity.
LIT_EDGE_FACTOR = 2.2
DIM_ALPHA = 0.15
#: Outline of a lit node, in points.
LIT_NODE_WIDTH = 3.2


def light_step(ax: Axes, triples, theme: Theme, *, gid: str = "") -> dict[str, list]:
    """Light the edges of a step's ``(input, weight, output)`` triples, dim every other.

    Edges are found by their gid ``{gid}edge-{output}-{input}`` (:func:`draw_edges`), their
    weight labels by ``{gid}label-{output}-{input}`` and the nodes they join by
    ``{gid}in-{input}-node`` and ``{gid}out-{output}-node`` (:func:`draw_row`). Lit
    edges get wider (so the step reads without colour), unlit ones and their labels
    fade. Returns the lit ``edges`` and ``nodes``; an edge the step names that was not
    drawn raises RuntimeError.
    """
    edges = {f"{gid}edge-{o}-{i}" for i, _, o in triples}
    labels = {f"{gid}label-{o}-{i}" for i, _, o in triples}
    nodes = {f"{gid}in-{i}-node" for i, _, _ in triples}
    nodes |= {f"{gid}out-{o}-node" for _, _, o in triples}
    lit: dict[str, list] = {"edges": [], "nodes": []}
    for line in ax.lines:
        name = line.get_gid() or ""
        if not name.startswith(f"{gid}edge-"):
            continue
        if name in edges:
            line.set_linewidth(line.get_linewidth() * LIT_EDGE_FACTOR)
            line.set_zorder(line.get_zorder() + 1)
            lit["edges"].append(line)
        else:
            line.set_alpha(DIM_ALPHA)
            line.set_path_effects([])  # the casing would stay dark under a faded line
    for text in ax.texts:
        name = text.get_gid() or ""
        if name.startswith(f"{gid}label-") and name not in labels:
            text.set_alpha(DIM_ALPHA)
    for patch in ax.patches:
        if patch.get_gid() in nodes:
            patch.set_linewidth(LIT_NODE_WIDTH)
            lit["nodes"].append(patch)
    if len(lit["edges"]) != len(edges):
        raise RuntimeError(f"the step names {len(edges)} edges, {len(lit['edges'])} were drawn.")
    return lit


@dataclass(frozen=True)
class DotStep:
    """What a step changes in a Graphviz network (edge ids ``edge-{output}-{input}``).

    The still figure is :meth:`of` ``None``: every method then returns what it was given,
    so the DOT source is exactly the still one.
    """

    edges: frozenset[tuple[int, int]] = frozenset()  # (output, input)
    inputs: frozenset[int] = frozenset()
    outputs: frozenset[int] = frozenset()
    text: str | None = None

    @classmethod
    def of(cls, step) -> DotStep:
        if step is None:
            return cls()
        return cls(
            frozenset((o, i) for i, _, o in step.triples),
            frozenset(step.inputs),
            frozenset(step.outputs),
            step.text,
        )

    def colour(self, colour: str, output: int, input: int) -> str:
        """An edge's colour: faded (``#rrggbb`` + alpha) when a step lights others."""
        if self.text is None or (output, input) in self.edges:
            return colour
        return f"{colour}{round(DIM_ALPHA * 255):02x}"

    def pen(self, width: str, output: int, input: int) -> str:
        """An edge's pen width: :data:`LIT_EDGE_FACTOR` times wider when lit."""
        if self.text is not None and (output, input) in self.edges:
            return f"{float(width) * LIT_EDGE_FACTOR:g}"
        return width

    def node_attr(self, prefix: str, index: int) -> dict[str, str]:
        """A node's extra attributes: a thick outline on a node of the step."""
        nodes = self.inputs if prefix.startswith("x") or prefix.startswith("in") else self.outputs
        return {"penwidth": f"{LIT_NODE_WIDTH:g}"} if index in nodes and self.text else {}

    def graph_attr(self) -> dict[str, str]:
        """The step's text as the graph's label, at the top."""
        return {} if self.text is None else {"label": self.text, "labelloc": "t"}


def graph_links(
    index: np.ndarray,
    x_names: Sequence[str],
    y_names: Sequence[str],
    *,
    x: Sequence[float] | None = None,
    y: Sequence[float] | None = None,
    gid: str = "",
    weights: bool = True,
    focus: bool = True,
    dot: bool = False,
    key: tuple[Sequence[str], Sequence[float]] | None = None,
) -> dict[str, linked.Link]:
    """The linked elements of a network drawn by :func:`draw_row` and :func:`draw_edges`
    (gids ``{gid}in-j``, ``{gid}out-i``, ``{gid}edge-i-j``, ``{gid}label-i-j``), or with
    ``dot`` by Graphviz (node ids ``xj``, ``yi``, ``label-i-j``; edges ``edge-i-j``).
    ``index`` is the layer's :func:`layers.conv_matrix_index`. ``key``, the kernel's
    weight names and values, links the key of :func:`draw_key` (``{gid}key-line-k``,
    ``{gid}key-text-k``): entry ``k`` is weight ``k``, a keyboard stop of its own."""
    if dot:
        nodes = {"in": lambda j: [f"x{j}"], "out": lambda i: [f"y{i}"]}
    else:
        nodes = {
            row: (
                lambda n, row=row: [
                    f"{gid}{row}-{n}-node",
                    f"{gid}{row}-{n}",
                    f"{gid}{row}-name-{n}",
                ]
            )
            for row in ("in", "out")
        }
    elements = linked.network_elements(
        index,
        x,
        y,
        x_names,
        y_names,
        inputs=nodes["in"],
        outputs=nodes["out"],
        edge=lambda i, j: [f"{gid}edge-{i}-{j}", f"{gid}label-{i}-{j}"],
        weights=weights,
        focus=focus,
    )
    if key is not None:
        linked.tag_each(
            elements,
            "weight",
            *key,
            lambda k: [f"{gid}key-text-{k}", f"{gid}key-line-{k}", f"{gid}key-line-{k}-*"],
            focus=focus,
        )
    return elements


def conv_graph_links(data: ConvGraphData, *, dot: bool = False) -> dict[str, linked.Link]:
    """:func:`graph_links` of a convolution's network (its key too, unless ``dot``: the
    Graphviz figure writes its legend as one text)."""
    example = data.example
    return graph_links(
        data.index,
        position_names("x", example.image.shape),
        position_names("y", example.output().shape),
        x=data.x,
        y=data.y,
        dot=dot,
        key=None if dot else (example.weight_names, example.kernel.ravel()),
    )
