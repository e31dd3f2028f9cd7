"""``stride-dilation``: where the kernel's taps land with stride and dilation, and how many
outputs that leaves.

One short 1D input (the 1D example of seed 000) and one kernel of three weights, read
three ways: stride 1, a larger stride, and a dilation. Each panel draws the (padded)
input, then one row per placement with a chip under every input a tap reads (the weight's
colour *and* its name), a line through the taps so the holes of a dilated kernel show,
and the output that placement gives, from :func:`diagram_gen.layers.conv`. Each row of
taps is one row of the layer's weight matrix. Under each panel the output-size rule is
evaluated with the panel's numbers, and inputs no placement reads are labelled.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from diagram_gen import examples, layers
from diagram_gen.examples import ConvLayer, subscript
from diagram_gen.figures import _grid, _matrix
from diagram_gen.figures._grid import Token
from diagram_gen.steps import Step, placement_steps
from diagram_gen.style import Theme, text_colour_on

FIGURE_ID = "stride-dilation"
TITLE = "Stride and dilation: where the taps land, how many outputs remain"

#: Longest padded input drawn: past it the three panels no longer fit a slide.
MAX_PADDED = 12
#: Largest kernel: one chip per tap in every row.
MAX_KERNEL = 5
#: Height of one placement row, in cell units.
PITCH = 0.8
#: Distance between the two lines of the rule, in cell units.
RULE_LINE = 0.6
#: Horizontal and vertical gaps between panels, in cell units.
SPACE = 1.5
#: Room between the input row and the output column, in cell units.
OUT_GAP = 0.9


@dataclass(frozen=True)
class StrideDilationExample:
    """The 1D example and the stride and dilation to compare with stride 1."""

    layer: ConvLayer
    stride: int
    dilation: int
    padding: int


def stride_dilation_example(
    *,
    n_in: int = 8,
    kernel: int = 3,
    stride: int = 2,
    dilation: int = 2,
    padding: int = 0,
    seed: int = 0,
) -> StrideDilationExample:
    """The 1D example (``n_in`` inputs, a kernel of ``kernel`` weights from ``seed``) to
    be read with stride 1, with ``stride`` and with ``dilation``, all with ``padding``
    zeros on each side.

    The default, 8 inputs and a kernel of 3 with stride 2, does not divide exactly, so
    the floor in the output-size rule leaves the last input unread.
    """
    layers.check_positive_int("stride", stride)
    layers.check_positive_int("dilation", dilation)
    layers.check_int("padding", padding)
    layers.check_positive_int("kernel", kernel)
    layers.check_positive_int("n_in", n_in)
    for name, value in (("stride", stride), ("dilation", dilation)):
        if value < 2:
            raise ValueError(
                f"{FIGURE_ID} compares {name} 1 with a larger {name}: {name} must be at "
                f"least 2, got {value}."
            )
    if padding < 0:
        raise ValueError(f"padding must be a non-negative integer, got {padding}.")
    if kernel > MAX_KERNEL:
        raise ValueError(
            f"{FIGURE_ID} draws one chip per tap: kernel must be at most {MAX_KERNEL}, "
            f"got {kernel}."
        )
    if n_in + 2 * padding > MAX_PADDED:
        raise ValueError(
            f"{FIGURE_ID} draws at most {MAX_PADDED} cells a row: n_in plus twice the "
            f"padding must be at most {MAX_PADDED}, got {n_in} plus {2 * padding}."
        )
    return StrideDilationExample(
        examples.line_example(n_in=n_in, kernel=kernel, seed=seed), stride, dilation, padding
    )


example = stride_dilation_example


@dataclass(frozen=True)
class Reading:
    """One way of sliding the kernel: its stride and dilation, taps and outputs."""

    key: str  # "plain", "strided" or "dilated": the gid prefix of its panel
    stride: int
    dilation: int
    taps: np.ndarray  # (n_out, k): padded-row position of each tap of each placement
    output: np.ndarray  # (n_out,) from layers.conv, bias included
    unread: tuple[int, ...]  # input positions (0-based, unpadded) that no tap reads

    @property
    def size(self) -> int:
        return int(self.output.size)

    @property
    def heading(self) -> str:
        return f"stride {self.stride}, dilation {self.dilation}: {_outputs(self.size)}"


@dataclass(frozen=True)
class StrideDilationData:
    x: np.ndarray  # (n,)
    kernel: np.ndarray  # (k,)
    names: tuple[str, ...]
    bias: float
    padding: int
    readings: tuple[Reading, ...]  # stride 1, then the stride, then the dilation

    @property
    def padded(self) -> np.ndarray:
        return np.pad(self.x, self.padding)

    def rule(self, reading: Reading) -> tuple[str, str]:
        """The output-size rule with this reading's numbers, in two lines."""
        n, k, p = self.x.size, self.kernel.size, self.padding
        s, d = reading.stride, reading.dilation
        top = n + 2 * p - d * (k - 1) - 1
        first = f"size = ⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1"
        second = f"= ⌊{top} / {s}⌋ + 1 = {top // s} + 1 = {top // s + 1}"
        return first, second


def _outputs(count: int) -> str:
    return "1 output" if count == 1 else f"{count} outputs"


def _read(example: StrideDilationExample, key: str, stride: int, dilation: int) -> Reading:
    """Run the layer with this stride and dilation; check its taps against its matrix."""
    layer = example.layer
    p = example.padding
    kwargs = {"stride": stride, "padding": p, "dilation": dilation}
    output = layers.conv(layer.image, layer.kernel, layer.bias, **kwargs)[0]
    n, k = layer.image.shape[-1], layer.kernel.shape[-1]
    rule = layers.conv_output_size(n, k, stride, p, dilation)
    if output.size != rule:
        raise RuntimeError(f"conv gave {output.size} outputs, the rule {rule}.")
    taps = np.array([[j * stride + t * dilation for t in range(k)] for j in range(output.size)])
    index = layers.conv_matrix_index(layer.kernel.shape, layer.image.shape, **kwargs)
    padded = np.pad(layer.image[0], p)
    weights = layer.kernel[0, 0]
    for j, row in enumerate(taps):
        # Matrix row j holds weight t exactly at input row[t] - p (taps on padding vanish).
        expected = np.full(n, -1)
        for t, position in enumerate(row):
            if p <= position < p + n:
                expected[position - p] = t
        if not np.array_equal(index[j], expected):
            raise RuntimeError(f"placement {j} disagrees with the convolution's matrix.")
        if not np.isclose(weights @ padded[row] + layer.bias[0], output[j]):
            raise RuntimeError(f"placement {j} does not add up to the layer's output.")
    read = {int(position) - p for position in taps.ravel()}
    unread = tuple(i for i in range(n) if i not in read)
    return Reading(key, stride, dilation, taps, output, unread)


def compute(example: StrideDilationExample) -> StrideDilationData:
    """The same input and kernel read with stride 1, the stride, and the dilation."""
    layer = example.layer
    readings = (
        _read(example, "plain", 1, 1),
        _read(example, "strided", example.stride, 1),
        _read(example, "dilated", 1, example.dilation),
    )
    return StrideDilationData(
        x=layer.image[0],
        kernel=layer.kernel[0, 0],
        names=tuple(layer.weight_names),
        bias=float(layer.bias[0]),
        padding=example.padding,
        readings=readings,
    )


def steps(data: StrideDilationData) -> list[Step]:
    """Every placement of the three readings in turn, each from its own weight matrix.

    Step numbers run through all three panels; each step's text names its panel and its
    placement within it, and its outputs index that panel's output.
    """
    n, k = data.x.size, data.kernel.size
    total = sum(reading.size for reading in data.readings)
    result: list[Step] = []
    for reading in data.readings:
        index = layers.conv_matrix_index(
            (1, 1, k),
            (1, n),
            stride=reading.stride,
            padding=data.padding,
            dilation=reading.dilation,
        )
        within = placement_steps(
            index,
            data.x,
            data.kernel,
            np.full(reading.size, data.bias),
            reading.output,
            [f"y{subscript(j + 1)}" for j in range(reading.size)],
            word=f"stride {reading.stride}, dilation {reading.dilation}: placement",
        )
        result += [
            replace(step, index=len(result) + m + 1, total=total) for m, step in enumerate(within)
        ]
    return result


def step_reading(data: StrideDilationData, step: Step) -> Reading:
    """The panel a step belongs to (steps run through the readings in order)."""
    first = 1
    for reading in data.readings:
        if step.index < first + reading.size:
            return reading
        first += reading.size
    raise ValueError(f"step {step.index} is past the last reading.")


def render(
    data: StrideDilationData,
    theme: Theme,
    step: Step | None = None,
    part: str | None = None,
) -> Figure:
    """The still figure (or one of its :func:`parts`), or with ``step`` its placement lit
    in its panel; a part without that panel shows the step's text only.

    A step of the whole figure draws the kernel, the bias and the step's panel only, so
    that an animation frame is a few inches tall and a reader sees all of it on a laptop
    screen (the three panels one under the other are about 19 in tall); the frames of
    the three panels are padded to one size by the animation.
    """
    fig, ax = _matrix.new_figure(theme)
    key = step_reading(data, step).key if step is not None else None
    draw_stride_dilation(ax, data, theme=theme, part=key if part is None else part)
    if step is not None:
        if part not in (None, key):
            _matrix.step_heading(fig, ax, step.text, theme)
            return fig
        gids = [f"{key}-x-0-{i + data.padding}-box" for i in step.inputs]
        gids += [f"{key}-y-{o}-box" for o in step.outputs]
        _matrix.light(ax, gids, theme)
        _matrix.step_heading(fig, ax, step.text, theme)
    return fig


# ----------------------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------------------


def panel_height(reading: Reading) -> float:
    """Height of :func:`draw_reading`'s panel, in cell units."""
    return _grid.TITLE_ROOM + 1.4 + reading.size * PITCH + 0.75 + RULE_LINE + 0.35


def draw_reading(
    ax: Axes, x0: float, y0: float, data: StrideDilationData, reading: Reading, *, theme: Theme
) -> dict[str, list]:
    """One panel: the input, a row of taps per placement with its output, the rule.

    Gids (``key`` is the reading's key): ``{key}-title``, ``{key}-x-0-c`` (padded input
    cells), ``{key}-tap-j-t`` (the name of tap ``t`` of placement ``j``, on a chip
    ``…-chip``), ``{key}-span-j`` (the line through a placement's taps), ``{key}-y-j``
    (output ``j``), ``{key}-unread-i`` (input ``i`` is never read), ``{key}-rule-0/1``.
    """
    key = reading.key
    padded = data.padded
    cols = padded.size
    p = data.padding
    is_padding = np.zeros((1, cols), dtype=bool)
    is_padding[0, :p] = is_padding[0, cols - p :] = True
    names = np.full((1, cols), "", dtype=object)
    for i in range(data.x.size):
        names[0, p + i] = f"x{subscript(i + 1)}"
    artists: dict[str, list] = {}
    grid_row = y0 + _grid.TITLE_ROOM
    artists["title"] = [
        _grid.title(
            ax,
            x0,
            grid_row - 0.25,
            reading.heading,
            theme=theme,
            gid=f"{key}-title",
            fontsize=_grid.BASE_FONT_SIZE,
            color=theme.foreground,
        )
    ]
    artists["input"] = _grid.draw_image(
        ax,
        x0,
        grid_row,
        padded[np.newaxis],
        theme=theme,
        gid=f"{key}-x",
        padding=is_padding,
        names=names,
    )["texts"]
    out_col = x0 + cols + OUT_GAP
    artists["labels"] = [
        ax.text(
            out_col,
            _grid.baseline(grid_row + 0.5),
            "output y",
            ha="left",
            va="baseline",
            color=theme.muted,
            fontsize=_grid.TITLE_FONT,
            gid=f"{key}-output-title",
        )
    ]
    first_row = grid_row + 1.4
    artists["taps"], artists["spans"], artists["output"] = [], [], []
    for j, row in enumerate(reading.taps):
        top = first_row + j * PITCH
        middle = top + PITCH / 2
        # Empty slots: every input this row could read, outlined faintly.
        for c in range(cols):
            _grid.place(
                ax,
                Rectangle(
                    (x0 + c + 0.06, top + 0.06),
                    0.88,
                    PITCH - 0.12,
                    fill=False,
                    edgecolor=theme.zero,
                    linewidth=1.0,
                    gid=f"{key}-slot-{j}-{c}",
                ),
            )
        # Behind the chips, so that it shows only in the holes between taps.
        span = Line2D(
            [x0 + row[0] + 0.5, x0 + row[-1] + 0.5],
            [middle, middle],
            color=theme.foreground,
            linewidth=1.6,
            zorder=0.5,
            gid=f"{key}-span-{j}",
        )
        _grid.place(ax, span)
        artists["spans"].append(span)
        for t, position in enumerate(row):
            artists["taps"] += _grid.draw_token(
                ax,
                x0 + position + 0.1,
                middle,
                Token(data.names[t], "weight", t),
                theme=theme,
                gid=f"{key}-tap-{j}-{t}",
                width=0.8,
            )
        box = Rectangle(
            (out_col, top),
            1,
            PITCH,
            facecolor=theme.output,
            edgecolor=theme.background,
            linewidth=1.5,
            gid=f"{key}-y-{j}-box",
        )
        _grid.place(ax, box)
        artists["output"].append(
            ax.text(
                out_col + 0.5,
                middle,
                _matrix.format_number(reading.output[j]),
                ha="center",
                va="center",
                color=text_colour_on(theme.output, theme),
                gid=f"{key}-y-{j}",
            )
        )
        artists["labels"].append(
            ax.text(
                out_col + 1.12,
                middle,
                f"y{subscript(j + 1)}",
                ha="left",
                va="center",
                color=theme.muted,
                fontsize=_grid.CORNER_FONT + 1,
                gid=f"{key}-y-{j}-name",
            )
        )
    row = first_row + reading.size * PITCH + 0.1
    artists["unread"] = []
    for i in reading.unread:
        artists["unread"].append(
            ax.text(
                x0 + p + i + 0.5,
                row,
                "unread",
                ha="center",
                va="top",
                color=theme.muted,
                fontsize=_grid.CORNER_FONT,
                style="italic",
                gid=f"{key}-unread-{i}",
            )
        )
    row += 0.75
    artists["rule"] = [
        ax.text(
            x0,
            _grid.baseline(row + n * RULE_LINE),
            text,
            ha="left",
            va="baseline",
            gid=f"{key}-rule-{n}",
        )
        for n, text in enumerate(data.rule(reading))
    ]
    return artists


def panel_width(ax: Axes, data: StrideDilationData) -> float:
    cells = data.padded.size + OUT_GAP + 1 + 0.9
    texts = [line for r in data.readings for line in (*data.rule(r), r.heading)]
    return max([cells] + [_grid.text_width(ax, t) for t in texts])


def _explanation(data: StrideDilationData) -> list[str]:
    """The rule in words, with the example's numbers."""
    n, k, p = data.x.size, data.kernel.size, data.padding
    dilated = data.readings[2]
    strided = data.readings[1]
    d, s = dilated.dilation, strided.stride
    lines = [
        f"n = {n} inputs, k = {k} weights, p = {p} {'zero' if p == 1 else 'zeros'} on each side.",
        f"s (stride): the step between placements, {s} here.",
        f"d (dilation): the step between taps; the kernel then spans d(k − 1) + 1 = "
        f"{d * (k - 1) + 1} inputs.",
        "⌊ ⌋ rounds down: a placement that would run past the end is dropped.",
    ]
    if strided.unread:
        unread = ", ".join(f"x{subscript(i + 1)}" for i in strided.unread)
        lines.append(
            f"With stride {s}, {unread} {'is' if len(strided.unread) == 1 else 'are'} never read."
        )
    return lines


def draw_stride_dilation(
    ax: Axes, data: StrideDilationData, *, theme: Theme, part: str | None = None
) -> dict[str, list]:
    """The kernel and bias, then the three readings and the rule explained, one under the
    other (the column of the page has room for one panel across).

    ``part`` draws one of :func:`parts` only: a reading (its key) under the kernel and
    bias, or the rule in words.
    """
    artists: dict[str, list] = {"panels": []}
    width = panel_width(ax, data)
    top = _grid.TITLE_ROOM
    artists["titles"] = [
        _grid.title(ax, 0, top - 0.25, "kernel w", theme=theme, gid="title-kernel")
    ]
    artists["kernel"] = _grid.draw_kernel(
        ax, 0, top, data.kernel[np.newaxis], data.names, theme=theme
    )["texts"]
    col = max(data.kernel.size, _grid.text_width(ax, "kernel w", _grid.TITLE_FONT)) + SPACE
    artists["titles"].append(
        _grid.title(ax, col, top - 0.25, "bias b", theme=theme, gid="title-bias")
    )
    artists["bias"] = [_grid.draw_bias(ax, col, top, data.bias, theme=theme)]
    row = top + 1.0 + (0.35 if part is None else 0.1)
    readings = [r for r in data.readings if part in (None, r.key)]
    if part is None:
        header = (
            "Output size = ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1. Each panel evaluates it with "
            "its numbers and draws the outputs the layer computes, one row per placement."
        )
        lines = _grid.wrap(ax, header, width)
        artists["titles"].append(
            ax.text(0, row, "\n".join(lines), ha="left", va="top", linespacing=1.3, gid="summary")
        )
        row += 0.5 * len(lines) + 0.1
    for reading in readings:
        artists["panels"].append(draw_reading(ax, 0, row, data, reading, theme=theme))
        row += panel_height(reading) + 0.3
    bottom = row - 0.3
    if part in (None, "rule"):
        artists["titles"].append(
            _grid.title(
                ax,
                0,
                row + _grid.TITLE_ROOM - 0.25,
                "Reading the rule",
                theme=theme,
                gid="title-rule",
                fontsize=_grid.BASE_FONT_SIZE,
                color=theme.foreground,
            )
        )
        explained = []
        for line in _explanation(data):
            explained += _grid.wrap(ax, line, width)
        artists["explanation"] = [
            ax.text(
                0,
                row + _grid.TITLE_ROOM + 0.1,
                "\n".join(explained),
                ha="left",
                va="top",
                linespacing=1.45,
                gid="explanation",
            )
        ]
        bottom = row + _grid.TITLE_ROOM + 0.1 + 0.5 * len(explained)
    _matrix.fit(ax.figure, ax, (-0.35, width + 0.35), (-0.1, bottom + 0.25))
    return artists


#: The parts a slide shows one at a time: each reading, then the rule in words.
def parts(data: StrideDilationData) -> list[str]:
    """Each reading is a part (three panels do not fit one slide at 12 pt), and the rule."""
    return [reading.key for reading in data.readings] + ["rule"]


# ----------------------------------------------------------------------------------------
# Words
# ----------------------------------------------------------------------------------------


def caption(data: StrideDilationData) -> str:
    plain, strided, dilated = data.readings
    return (
        f"The same {data.x.size} inputs and {data.kernel.size}-weight kernel read three "
        f"ways: stride 1 gives {_outputs(plain.size)}, stride {strided.stride} skips "
        f"placements and gives {strided.size}, dilation {dilated.dilation} spreads the taps "
        f"and gives {dilated.size}; each row of taps is one row of the weight matrix."
    )


def alt_text(data: StrideDilationData) -> str:
    weights = ", ".join(
        f"{name} = {_matrix.format_number(w)}"
        for name, w in zip(data.names, data.kernel, strict=True)
    )
    parts = []
    for r in data.readings:
        taps = "; ".join(
            "("
            + ", ".join(
                f"x{subscript(int(t) - data.padding + 1)}"
                if data.padding <= t < data.padding + data.x.size
                else "0"
                for t in row
            )
            + ")"
            for row in r.taps
        )
        unread = ""
        if r.unread:
            unread = ", and " + ", ".join(f"x{subscript(i + 1)}" for i in r.unread)
            unread += " is" if len(r.unread) == 1 else " are"
            unread += " never read"
        parts.append(
            f"With stride {r.stride} and dilation {r.dilation} the kernel reads {taps}, "
            f"giving {_outputs(r.size)} ({_matrix.listing(r.output)}){unread}; the rule gives "
            f"{data.rule(r)[0]} {data.rule(r)[1]}."
        )
    return (
        f"An input of {data.x.size} values ({_matrix.listing(data.x)}), "
        f"{'no padding' if not data.padding else f'{data.padding} zeros on each side'}, and "
        f"a kernel with the weights {weights} and the bias b = "
        f"{_matrix.format_number(data.bias)}, drawn three times with one row per placement "
        f"and a chip under every input a tap reads. " + " ".join(parts)
    )
