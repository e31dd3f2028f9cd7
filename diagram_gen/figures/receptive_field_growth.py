"""``receptive-field-growth``: how far into the input one unit sees, layer after layer.

Two stacks of 1D convolutions with the same kernel, one with stride 1 everywhere and one
with stride 2 in its first layers. Each panel draws the input and every layer as a row of
units (each unit under the middle of the inputs it sees), picks one unit of the last layer,
and fills every unit it depends on, with the connections that carry the dependency: a cone
that widens towards the input. Brackets over the input show how many inputs one unit of
each layer sees, its receptive field r₁, r₂, … (3, 5, 7 without stride; 3, 7, 15 with
stride 2).

The page stacks the two panels; a slide (``--slide 16:9`` or ``4:3``) sets them side by
side with narrower rows and the counts right of the rows shortened to their numbers
(``7 of 17``), which the summary then explains.

Nothing here uses the receptive-field formula: each layer's connections are the non-zero
pattern of its weight matrix (:func:`diagram_gen.layers.conv_matrix_index`), and the
dependencies are the non-zero pattern of the product of those matrices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from diagram_gen import layers, targets
from diagram_gen.examples import subscript
from diagram_gen.figures import _grid, _matrix
from diagram_gen.params import Int
from diagram_gen.style import Theme

FIGURE_ID = "receptive-field-growth"
TITLE = "The receptive field grows with depth, and faster with stride"
PARAMETERS = {
    "n_in": Int(1, 256), "kernel": Int(1, 15), "n_layers": Int(1, 16), "stride": Int(1, 8),
    "strided_layers": Int(0, 16),
}  # fmt: skip

#: Most layers in a stack.
MAX_LAYERS = 5
#: Largest kernel.
MAX_KERNEL = 5
#: Longest input drawn, one node per value.
MAX_INPUTS = 48
#: Width of a row of units, in cell units, when the input is long.
ROW_WIDTH = 10.0
#: Largest distance between two inputs, in cell units.
MAX_PITCH = 0.55
#: Vertical distance between two rows of units, in cell units.
ROW_GAP = 1.1
#: Vertical distance between two brackets over the input, in cell units.
BRACKET_GAP = 0.5
#: Room left of the rows for their names, in cell units.
LEFT = 2.3


@dataclass(frozen=True)
class StackExample:
    n_in: int
    kernel: int
    n_layers: int
    stride: int
    strided_layers: int


def _sizes(n_in: int, kernel: int, strides: tuple[int, ...]) -> tuple[int, ...] | None:
    """Units per row (input first), from the layer math; None if a layer has no output."""
    sizes = [n_in]
    for s in strides:
        try:
            sizes.append(layers.conv_output_size(sizes[-1], kernel, s))
        except ValueError:  # the kernel is larger than what is left
            return None
    return tuple(sizes)


def stack_example(
    *,
    n_in: int = 17,
    kernel: int = 3,
    n_layers: int = 3,
    stride: int = 2,
    strided_layers: int = 2,
) -> StackExample:
    """``n_layers`` 1D convolutions with kernels of ``kernel`` on ``n_in`` inputs, without
    stride and with ``stride`` in the first ``strided_layers`` layers (no padding).

    The default, three layers of 3 with stride 2 in the first two, gives receptive fields
    of 3, 5, 7 without stride and 3, 7, 15 with it.
    """
    for name, value in (
        ("n_in", n_in),
        ("kernel", kernel),
        ("n_layers", n_layers),
        ("stride", stride),
        ("strided_layers", strided_layers),
    ):
        layers.check_positive_int(name, value)
    if n_layers > MAX_LAYERS:
        raise ValueError(
            f"{FIGURE_ID} draws one row per layer: n_layers must be at most {MAX_LAYERS}, "
            f"got {n_layers}."
        )
    if not 2 <= kernel <= MAX_KERNEL:
        raise ValueError(
            f"{FIGURE_ID} needs a kernel that widens the field and fits the drawing: kernel "
            f"must be from 2 to {MAX_KERNEL}, got {kernel}."
        )
    if stride < 2:
        raise ValueError(
            f"{FIGURE_ID} compares stride 1 with a larger stride: stride must be at least 2, "
            f"got {stride}."
        )
    if strided_layers > n_layers:
        raise ValueError(
            f"strided_layers must be at most n_layers ({n_layers}), got {strided_layers}."
        )
    if n_in > MAX_INPUTS:
        raise ValueError(
            f"{FIGURE_ID} draws one node per input: n_in must be at most {MAX_INPUTS}, got {n_in}."
        )
    strides = (stride,) * strided_layers + (1,) * (n_layers - strided_layers)
    if _sizes(n_in, kernel, strides) is None:
        fits = [n for n in range(n_in, MAX_INPUTS + 1) if _sizes(n, kernel, strides)]
        if not fits:
            raise ValueError(
                f"{FIGURE_ID} draws at most {MAX_INPUTS} inputs, too few for every layer to "
                f"keep a unit: n_layers, kernel, stride and strided_layers must be smaller, "
                f"got {n_layers}, {kernel}, {stride} and {strided_layers}."
            )
        raise ValueError(
            f"every layer must keep at least one unit: n_in must be at least {fits[0]} for "
            f"{n_layers} layers of {kernel} with stride {stride} in {strided_layers}, "
            f"got {n_in}."
        )
    return StackExample(n_in, kernel, n_layers, stride, strided_layers)


example = stack_example


@dataclass(frozen=True)
class Stack:
    """One stack of layers and the dependencies of one unit of its last layer."""

    key: str  # "plain" or "strided": the gid prefix of its panel
    strides: tuple[int, ...]  # one per layer
    sizes: tuple[int, ...]  # units per row, input first
    connections: tuple[np.ndarray, ...]  # per layer l, (n_l, n_{l-1}) bool: who sees whom
    fields: tuple[np.ndarray, ...]  # per row, (n_l, n_in) bool: the inputs each unit sees
    unit: int  # the chosen unit of the last layer
    cone: tuple[np.ndarray, ...]  # per row, (n_l,) bool: the chosen unit depends on it

    @property
    def depth(self) -> int:
        return len(self.strides)

    def centre(self, row: int) -> int:
        """The unit of ``row`` whose field is bracketed over the input: the chosen unit,
        then the middle unit it sees, the middle unit that one sees, …, so that the
        brackets nest."""
        unit = self.unit
        for layer in range(self.depth, row, -1):
            taps = np.flatnonzero(self.connections[layer - 1][unit])
            unit = int(taps[len(taps) // 2])
        return unit

    def field(self, row: int) -> int:
        """Receptive field of the cone's middle unit in ``row``: the span from the first
        to the last input it depends on (a stride larger than the kernel leaves holes)."""
        inputs = np.flatnonzero(self.fields[row][self.centre(row)])
        return int(inputs[-1] - inputs[0] + 1)

    def holes(self, row: int) -> int:
        """Inputs inside the field of ``row``'s middle unit that it does not depend on."""
        return self.field(row) - int(self.fields[row][self.centre(row)].sum())

    @property
    def heading(self) -> str:
        strided = [n + 1 for n, s in enumerate(self.strides) if s > 1]
        if not strided:
            return "stride 1 in every layer"
        s = self.strides[strided[0] - 1]
        which = _layer_list(strided)
        return (
            f"stride {s} in {which}, stride 1 after"
            if len(strided) < self.depth
            else (f"stride {s} in every layer")
        )


def _layer_list(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"layer {numbers[0]}"
    return "layers " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def _stack(key: str, n_in: int, kernel: int, strides: tuple[int, ...]) -> Stack:
    """Connections from each layer's matrix; dependencies from products of them."""
    sizes = [n_in]
    connections = []
    for s in strides:
        index = layers.conv_matrix_index((1, 1, kernel), (1, sizes[-1]), stride=s)
        connections.append(index >= 0)
        sizes.append(index.shape[0])
    # fields[l][v, i]: unit v of row l depends on input i (row 0: each input on itself).
    fields = [np.eye(n_in, dtype=bool)]
    for matrix in connections:
        fields.append((matrix.astype(np.int64) @ fields[-1].astype(np.int64)) > 0)
    unit = sizes[-1] // 2
    # cone[l][u]: the chosen unit depends on unit u of row l (walk the product backwards).
    cone = [np.zeros(sizes[-1], dtype=bool)]
    cone[0][unit] = True
    for matrix in reversed(connections):
        cone.insert(0, (cone[0].astype(np.int64) @ matrix.astype(np.int64)) > 0)
    return Stack(key, strides, tuple(sizes), tuple(connections), tuple(fields), unit, tuple(cone))


@dataclass(frozen=True)
class GrowthData:
    kernel: int
    stacks: tuple[Stack, Stack]  # without stride, with stride


def compute(example: StackExample) -> GrowthData:
    """Both stacks' connections and the dependencies of the middle unit of each last layer."""
    k, depth = example.kernel, example.n_layers
    plain = (1,) * depth
    strided = (example.stride,) * example.strided_layers + (1,) * (depth - example.strided_layers)
    return GrowthData(
        k, (_stack("plain", example.n_in, k, plain), _stack("strided", example.n_in, k, strided))
    )


def render(data: GrowthData, theme: Theme, target: targets.Target | None = None) -> Figure:
    """The two stacks one over the other for the page; side by side for a slide."""
    fig, ax = _matrix.new_figure(theme)
    draw_receptive_field_growth(ax, data, theme=theme, target=target)
    return fig


# ----------------------------------------------------------------------------------------
# Words
# ----------------------------------------------------------------------------------------


def row_name(row: int) -> str:
    return "input x" if row == 0 else f"layer {row}"


def field_label(row: int, size: int) -> str:
    return f"r{subscript(row)} = {size}"


def count_label(stack: Stack, row: int, *, short: bool = False) -> str:
    """How much of ``row`` the chosen unit depends on; ``short``: only the numbers
    (``7 of 17``), which the slide's summary explains."""
    if row == stack.depth:
        return "ringed" if short else "the chosen unit"
    count, total = int(stack.cone[row].sum()), stack.sizes[row]
    if short:
        return f"{count} of {total}"
    what = "inputs" if row == 0 else "units"
    return f"depends on {count} of {total} {what}"


def recurrence_text(data: GrowthData, stack: Stack) -> str:
    """``r = 3, 7, 15`` as the recurrence writes them: ``1 + 2·1, 3 + 2·2, …``."""
    head, terms = recurrence_parts(data, stack)
    return head + ", ".join(terms)


def recurrence_parts(data: GrowthData, stack: Stack) -> tuple[str, list[str]]:
    """The words of :func:`recurrence_text` before its terms, and the terms."""
    k = data.kernel
    terms = []
    previous, jump = 1, 1
    for row in range(1, stack.depth + 1):
        terms.append(f"{previous} + {k - 1}·{jump}")
        previous, jump = previous + (k - 1) * jump, jump * stack.strides[row - 1]
    fields = ", ".join(str(stack.field(row)) for row in range(1, stack.depth + 1))
    if any(stack.holes(row) for row in range(1, stack.depth + 1)):
        fields += " (spans with holes: the stride exceeds the kernel)"
    return f"r = {fields}: each layer adds (k − 1) × the product of the earlier strides, ", terms


# ----------------------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------------------


def _pitch(data: GrowthData, row_width: float = ROW_WIDTH) -> float:
    return min(MAX_PITCH, row_width / data.stacks[0].sizes[0])


#: One more line of the recurrence under a panel, in cell units.
RECURRENCE_LINE = 0.42


def panel_height(stack: Stack, recurrence_lines: int = 1) -> float:
    return (
        _grid.TITLE_ROOM
        + BRACKET_GAP * stack.depth
        + 0.45
        + ROW_GAP * stack.depth
        + 1.3
        + RECURRENCE_LINE * (recurrence_lines - 1)
    )


@dataclass(frozen=True)
class PanelLayout:
    """How a panel is drawn: the distance between inputs, short counts or not, and the
    width its recurrence line wraps to (None: one line)."""

    pitch: float
    short: bool = False
    wrap: float | None = None
    left: float = LEFT  # room left of the rows for their names


def draw_stack(
    ax: Axes,
    x0: float,
    y0: float,
    data: GrowthData,
    stack: Stack,
    *,
    theme: Theme,
    layout: PanelLayout | None = None,
) -> dict[str, list]:
    """One panel: the rows of units, the chosen unit's cone, brackets over the input.

    Gids (``key`` is the stack's key): ``{key}-title``, ``{key}-node-l-i`` (unit ``i`` of
    row ``l``, row 0 the input; filled when the chosen unit depends on it),
    ``{key}-edge-l-v-u`` (unit ``v`` of layer ``l`` sees unit ``u`` of row ``l − 1``),
    ``{key}-chosen`` (the ring around the chosen unit), ``{key}-bracket-l`` and
    ``{key}-field-l`` (the inputs one unit of layer ``l`` sees, and their count),
    ``{key}-row-l`` and ``{key}-count-l`` (row names and counts), ``{key}-recurrence``.
    """
    key = stack.key
    layout = layout or PanelLayout(_pitch(data))
    pitch = layout.pitch
    radius = min(0.17, pitch * 0.34)
    artists: dict[str, list] = {"nodes": [], "edges": [], "brackets": [], "labels": []}
    artists["title"] = [
        _grid.title(
            ax,
            x0,
            y0 + _grid.TITLE_ROOM - 0.25,
            stack.heading,
            theme=theme,
            gid=f"{key}-title",
            fontsize=_grid.BASE_FONT_SIZE,
            color=theme.foreground,
        )
    ]
    input_y = y0 + _grid.TITLE_ROOM + BRACKET_GAP * stack.depth + 0.45
    left = x0 + layout.left

    def where(row: int, i: int) -> tuple[float, float]:
        # Under the middle of the inputs it sees, as measured from the matrices.
        centre = float(np.flatnonzero(stack.fields[row][i]).mean())
        return left + (centre + 0.5) * pitch, input_y + row * ROW_GAP

    # Brackets over the input: the field of the cone's middle unit of each layer.
    for row in range(1, stack.depth + 1):
        inputs = np.flatnonzero(stack.fields[row][stack.centre(row)])
        level = input_y - radius - 0.15 - BRACKET_GAP * (row - 1) - 0.2
        a = left + inputs[0] * pitch + 0.06
        b = left + (inputs[-1] + 1) * pitch - 0.06
        foot = input_y - radius - 0.1
        bracket = Line2D(
            [a, a, b, b],
            [foot, level, level, foot],
            color=theme.kernel,
            linewidth=2.2,
            solid_joinstyle="miter",
            gid=f"{key}-bracket-{row}",
        )
        _grid.place(ax, bracket)
        artists["brackets"].append(bracket)
        # On a background box, so the ticks of a wider bracket never run through it.
        artists["labels"].append(
            ax.text(
                (a + b) / 2,
                level - 0.05,
                field_label(row, stack.field(row)),
                ha="center",
                va="bottom",
                fontsize=_grid.TITLE_FONT,
                gid=f"{key}-field-{row}",
                zorder=4,
                bbox={"facecolor": theme.background, "edgecolor": "none", "pad": 1.0},
            )
        )
    # The connections that carry the chosen unit's dependencies.
    for row in range(1, stack.depth + 1):
        matrix = stack.connections[row - 1]
        for v in np.flatnonzero(stack.cone[row]):
            for u in np.flatnonzero(matrix[v]):
                (xa, ya), (xb, yb) = where(row - 1, u), where(row, v)
                edge = Line2D(
                    [xa, xb],
                    [ya, yb],
                    color=theme.foreground,
                    linewidth=1.1,
                    zorder=1,
                    gid=f"{key}-edge-{row}-{v}-{u}",
                )
                _grid.place(ax, edge)
                artists["edges"].append(edge)
    # The units: filled when the chosen unit depends on them, hollow otherwise.
    right = left + stack.sizes[0] * pitch
    for row, size in enumerate(stack.sizes):
        fill = theme.input if row == 0 else theme.output
        for i in range(size):
            inside = bool(stack.cone[row][i])
            node = Circle(
                where(row, i),
                radius,
                facecolor=fill if inside else theme.background,
                edgecolor=fill if inside else theme.muted,
                linewidth=1.2,
                zorder=2,
                gid=f"{key}-node-{row}-{i}",
            )
            _grid.place(ax, node)
            artists["nodes"].append(node)
        y = input_y + row * ROW_GAP
        artists["labels"].append(
            ax.text(
                x0,
                y,
                row_name(row),
                ha="left",
                va="center",
                color=theme.muted,
                fontsize=_grid.TITLE_FONT,
                gid=f"{key}-row-{row}",
            )
        )
        artists["labels"].append(
            ax.text(
                right + 0.35,
                y,
                count_label(stack, row, short=layout.short),
                ha="left",
                va="center",
                fontsize=_grid.TITLE_FONT,
                gid=f"{key}-count-{row}",
            )
        )
    chosen = Circle(
        where(stack.depth, stack.unit),
        radius + 0.09,
        fill=False,
        edgecolor=theme.kernel,
        linewidth=3.0,
        zorder=3,
        gid=f"{key}-chosen",
    )
    _grid.place(ax, chosen)
    artists["nodes"].append(chosen)
    artists["labels"].append(
        ax.text(
            x0,
            input_y + stack.depth * ROW_GAP + 0.6,
            "\n".join(recurrence_lines(ax, data, stack, layout)),
            ha="left",
            va="top",
            linespacing=1.3,
            fontsize=_grid.TITLE_FONT,
            color=theme.muted,
            gid=f"{key}-recurrence",
        )
    )
    return artists


def recurrence_lines(
    ax: Axes, data: GrowthData, stack: Stack, layout: PanelLayout | None = None
) -> list[str]:
    """The recurrence under a panel, wrapped to the layout's width."""
    if layout is None or layout.wrap is None:
        return [recurrence_text(data, stack)]
    head, terms = recurrence_parts(data, stack)
    # A term such as ``1 + 2·1`` is never split over two lines.
    words = head.split() + [f"{t}," for t in terms[:-1]] + terms[-1:]
    lines: list[str] = []
    for word in words:
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and _grid.text_width(ax, joined, _grid.TITLE_FONT) <= layout.wrap:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def count_width(ax: Axes, data: GrowthData, *, short: bool = False) -> float:
    """The widest count written right of the rows, in cell units."""
    labels = [count_label(s, row, short=short) for s in data.stacks for row in range(s.depth + 1)]
    return max(_grid.text_width(ax, label, _grid.TITLE_FONT) for label in labels)


def panel_width(ax: Axes, data: GrowthData, layout: PanelLayout | None = None) -> float:
    layout = layout or PanelLayout(_pitch(data))
    rows = layout.left + data.stacks[0].sizes[0] * layout.pitch + 0.35
    rows += count_width(ax, data, short=layout.short)
    texts = [line for s in data.stacks for line in recurrence_lines(ax, data, s, layout)]
    return max([rows] + [_grid.text_width(ax, t, _grid.TITLE_FONT) for t in texts])


#: Between the two panels side by side on a slide, in cell units.
PANEL_GAP = 0.8


def slide_layout(ax: Axes, data: GrowthData, target: targets.Target) -> PanelLayout:
    """Two panels side by side in the slide's width, at the page's text sizes (a slide
    needs 12 pt, which is this figure's smallest text): the counts shortened to their
    numbers and the rows narrowed to what is left."""
    across = target.width / _matrix.CELL_INCHES - 0.7
    panel = (across - PANEL_GAP) / 2
    depth = max(s.depth for s in data.stacks)
    names = max(_grid.text_width(ax, row_name(r), _grid.TITLE_FONT) for r in range(depth + 1))
    left = min(LEFT, names + 0.35)
    rows = panel - left - 0.35 - count_width(ax, data, short=True)
    return PanelLayout(_pitch(data, rows), short=True, wrap=panel, left=left)


def draw_receptive_field_growth(
    ax: Axes, data: GrowthData, *, theme: Theme, target: targets.Target | None = None
) -> dict[str, list]:
    """A sentence on what is drawn, then the stack without stride over the one with (for
    the page), or beside it (for a slide ``target``)."""
    side = target is not None and target.is_slide
    layout = slide_layout(ax, data, target) if side else PanelLayout(_pitch(data))
    width = panel_width(ax, data, layout)
    total = 2 * width + PANEL_GAP if side else width
    summary = (
        f"Kernels of {data.kernel}, no padding. Filled: the units the ringed unit depends on, "
        f"from products of the layers' weight-matrix patterns. rₗ (receptive field): the "
        f"span of inputs one unit of layer l sees."
    )
    if side:
        summary += " Right of each row: how many of its units the ringed unit depends on."
    lines = _grid.wrap(ax, summary, total)
    artists: dict[str, list] = {
        "summary": [
            ax.text(0, 0.1, "\n".join(lines), ha="left", va="top", linespacing=1.3, gid="summary")
        ]
    }
    top = 0.1 + 0.5 * len(lines) + 0.1
    row, x = top, 0.0
    bottom = top
    for stack in data.stacks:
        artists[stack.key] = draw_stack(ax, x, row, data, stack, theme=theme, layout=layout)
        height = panel_height(stack, len(recurrence_lines(ax, data, stack, layout)))
        bottom = max(bottom, row + height)
        if side:
            x += width + PANEL_GAP
        else:
            row += height + 0.3
    _matrix.fit(ax.figure, ax, (-0.35, total + 0.35), (-0.1, bottom + 0.1))
    return artists


# ----------------------------------------------------------------------------------------
# Caption and alt text
# ----------------------------------------------------------------------------------------


def _fields(stack: Stack) -> str:
    return ", ".join(str(stack.field(row)) for row in range(1, stack.depth + 1))


def caption(data: GrowthData) -> str:
    plain, strided = data.stacks
    return (
        f"Receptive fields of {plain.depth} stacked convolutions with kernels of "
        f"{data.kernel}: {_fields(plain)} inputs with stride 1, {_fields(strided)} with "
        f"{strided.heading}; each strided layer multiplies how much every later layer adds."
    )


def alt_text(data: GrowthData) -> str:
    parts = []
    for stack in data.stacks:
        counts = ", ".join(
            f"{int(stack.cone[row].sum())} of the {stack.sizes[row]} "
            f"{'inputs' if row == 0 else f'units of layer {row}'}"
            for row in range(stack.depth - 1, -1, -1)
        )
        inputs = np.flatnonzero(stack.cone[0])
        parts.append(
            f"With {stack.heading} (rows of {', '.join(map(str, stack.sizes))} units from "
            f"the input down), the ringed unit {stack.unit + 1} of layer {stack.depth} "
            f"depends on {counts}: inputs {inputs[0] + 1} to {inputs[-1] + 1}. One unit of "
            f"each layer sees {_fields(stack)} inputs ({recurrence_text(data, stack)})."
        )
    plain, strided = data.stacks
    growth = math.prod(strided.strides[:-1])
    return (
        f"Two stacks of {plain.depth} 1D convolutions with kernels of {data.kernel} on "
        f"{plain.sizes[0]} inputs, drawn as rows of units with the input on top; the units "
        f"a ringed unit of the last layer depends on are filled and joined by their "
        f"connections, and brackets over the input mark each layer's receptive field. "
        + " ".join(parts)
        + f" With stride, the last layer adds {data.kernel - 1}·{growth} = "
        f"{(data.kernel - 1) * growth} inputs instead of {data.kernel - 1}."
    )
