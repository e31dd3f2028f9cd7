"""``transposed-direct``: a transposed convolution read as a plain convolution with stride 1.

The second reading of :mod:`diagram_gen.figures.transposed_upsample`, for the same
parameters and the same numbers. Instead of scattering one copy of the kernel per input
value, spread the input out: put ``stride − 1`` zeros between neighbouring values, pad the
result with ``dilation·(kernel − 1) − padding`` zeros on each side (and ``output_padding``
more at the bottom and right), and slide the kernel over it flipped in both axes, with
stride 1 and the same dilation. Every output is then one placement of the flipped kernel,
and the numbers are those of the scattered copies.

:func:`compute` builds the zero-inserted, padded input with numpy, runs
:func:`diagram_gen.layers.conv` over it with the flipped kernel, and refuses to go on
unless that equals :func:`diagram_gen.layers.conv_transpose` of the original input, so
the figure cannot draw a wrong equivalence.

The figure draws the input, the kernel and the flipped kernel with the three rules; the
zero-inserted, padded input (its zeros written ``0`` with a dashed outline, the site's
mark for padding and untrainable zeros, and a thin frame around the part that holds the
input and its inserted zeros, so the padding lies outside it); the output; and, framed,
the same output the scatter figure traces, with its sum.

Steps (:func:`steps`): one per output, the placement of the flipped kernel that computes
it. Their ``inputs`` are flat indices into the **zero-inserted, padded input**
(``data.padded.ravel()``), not into the transposed convolution's input ``y``; their
``weights`` and the weights of their ``triples`` are flat indices into the original
kernel ``data.kernel.ravel()`` (the weight the flipped kernel carries there), so a weight
keeps its number and colour in both readings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from diagram_gen import layers, targets
from diagram_gen.figures import _grid, _matrix
from diagram_gen.figures import transposed_upsample as upsample
from diagram_gen.figures._grid import Slot, Token, slot
from diagram_gen.figures.transposed_upsample import UpsampleExample
from diagram_gen.steps import Step, factor, placement_step
from diagram_gen.style import Theme

FIGURE_ID = "transposed-direct"
TITLE = "Transposed convolution: the same layer as a convolution over a spread-out input"
#: Its animation (one step per output: 25 by default) stays a command, ``diagram-gen
#: animate transposed-direct``, not a build output: the page shows this reading as a still
#: beside the scatter's animation, and the site's animations stay under 4 MB together.
BUILD_ANIMATION = False

#: The same parameters, defaults and limits as the scatter figure, so the two figures of
#: the same parameters show the same numbers.
example = upsample.upsample_example

#: What each cell of the zero-inserted, padded input is.
VALUE, INSERTED, PADDING, OUTPUT_PADDING = 0, 1, 2, 3
#: Horizontal gap between the pieces of the first row, in cell units.
SPACE = 1.2
#: Room for the arrow from the input to the output, in cell units.
ARROW_ROOM = 1.6
#: Between the padded input and the flipped kernel in a step's frame, in cell units.
STEP_SPACE = 0.8


@dataclass(frozen=True)
class DirectData:
    y: np.ndarray  # (H, W) the transposed convolution's input
    kernel: np.ndarray  # (k, k) as the layer holds it
    names: tuple[str, ...]  # one per kernel weight, row by row
    stride: int
    padding: int
    dilation: int
    output_padding: int
    pad: int  # zeros on each side: dilation·(k − 1) − padding
    padded: np.ndarray  # (L_h, L_w) the zero-inserted, padded input
    kind: np.ndarray  # (L_h, L_w) VALUE, INSERTED, PADDING or OUTPUT_PADDING
    flipped: np.ndarray  # (k, k) kernel[::-1, ::-1]
    flipped_index: np.ndarray  # (k, k) flat index into kernel.ravel() of each flipped weight
    output: np.ndarray  # (H_out, W_out) layers.conv over ``padded``, == conv_transpose
    focus: tuple[int, int]  # the output the still figure frames: the scatter figure's traced

    @property
    def core(self) -> tuple[int, int]:
        """(rows, columns) of the input with its inserted zeros, before any padding."""
        return tuple((n - 1) * self.stride + 1 for n in self.y.shape)

    @property
    def span(self) -> int:
        """Side of one placement of the (dilated) kernel, in cells."""
        return self.dilation * (self.kernel.shape[0] - 1) + 1

    def value_cell(self, i: int, j: int) -> tuple[int, int]:
        """Where input value ``y[i, j]`` lies in the zero-inserted, padded input."""
        return self.pad + i * self.stride, self.pad + j * self.stride


def compute(example: UpsampleExample) -> DirectData:
    """The zero-inserted, padded input, the flipped kernel, and the convolution over them.

    Raises
    ------
    ValueError
        When ``padding`` exceeds ``dilation·(kernel − 1)``: the direct reading would then
        crop the spread-out input rather than pad it, which this figure does not draw.
    RuntimeError
        If the direct convolution differs from :func:`layers.conv_transpose` (a bug).
    """
    y, w = example.y, example.kernel
    k = w.shape[0]
    s, p, d, op = example.stride, example.padding, example.dilation, example.output_padding
    pad = d * (k - 1) - p
    if pad < 0:
        raise ValueError(
            f"{FIGURE_ID} pads the zero-inserted input by dilation·(kernel − 1) − padding: "
            f"padding must be at most {d}·({k} − 1) = {d * (k - 1)}, got {p}."
        )
    scatter = upsample.compute(example)  # the first reading: its output and traced cell
    core = [(n - 1) * s + 1 for n in y.shape]
    shape = tuple(c + 2 * pad + op for c in core)
    padded = np.zeros(shape)
    kind = np.full(shape, PADDING)
    kind[pad + core[0] + pad :, :] = OUTPUT_PADDING
    kind[:, pad + core[1] + pad :] = OUTPUT_PADDING
    kind[pad : pad + core[0], pad : pad + core[1]] = INSERTED
    kind[pad : pad + core[0] : s, pad : pad + core[1] : s] = VALUE
    padded[pad : pad + core[0] : s, pad : pad + core[1] : s] = y
    flipped = w[::-1, ::-1]
    flipped_index = np.arange(k * k).reshape(k, k)[::-1, ::-1]
    output = layers.conv(padded[np.newaxis], flipped[np.newaxis, np.newaxis], dilation=d)[0]
    expected = layers.conv_transpose(
        y[np.newaxis], w[np.newaxis, np.newaxis], stride=s, padding=p, dilation=d,
        output_padding=op,
    )[0]  # fmt: skip
    if output.shape != expected.shape or not np.allclose(output, expected):
        raise RuntimeError("the direct convolution differs from the transposed convolution.")
    if not np.array_equal(scatter.output, expected):
        raise RuntimeError("the two readings of the transposed convolution differ.")
    r, c = scatter.traced
    return DirectData(
        y=y,
        kernel=w,
        names=example.names,
        stride=s,
        padding=p,
        dilation=d,
        output_padding=op,
        pad=pad,
        padded=padded,
        kind=kind,
        flipped=flipped,
        flipped_index=flipped_index,
        output=output,
        focus=(r - p, c - p),
    )


def steps(data: DirectData) -> list[Step]:
    """One step per output: the placement of the flipped kernel that computes it.

    The index sets come from :func:`layers.conv_matrix_index` of the direct convolution
    (the zero-inserted, padded input, stride 1, the layer's dilation). ``inputs`` index
    ``data.padded.ravel()``; weights index the original ``data.kernel.ravel()``. The text
    writes the taps that read input values; the others read zeros and add nothing.
    """
    k = data.kernel.shape[0]
    index = layers.conv_matrix_index((1, 1, k, k), (1, *data.padded.shape), dilation=data.dilation)
    original = data.flipped_index.ravel()
    values = data.padded.ravel()
    kind = data.kind.ravel()
    weights = data.kernel.ravel()
    out_w = data.output.shape[1]
    total = index.shape[0]
    result = []
    for row in range(total):
        cols = np.flatnonzero(index[row] >= 0)
        used = original[index[row, cols]]
        read = [(c, t) for c, t in zip(cols, used, strict=True) if kind[c] == VALUE]
        i, j = divmod(row, out_w)
        terms = " + ".join(f"{factor(values[c])}·{factor(weights[t])}" for c, t in read)
        text = (
            f"placement {row + 1} of {total}: {output_name(data, i, j)} = {terms or '0'} = "
            f"{_matrix.format_number(data.output[i, j])}"
        )
        zeros = len(cols) - len(read)
        if zeros:
            text += f" ({zeros} of the {len(cols)} taps read zeros)"
        result.append(placement_step(row, total, text, cols, used))
    return result


def parts(data: DirectData) -> list[str]:
    """The rules (with the input and both kernels), the convolution (the padded input, the
    output beside it and what the zeros are) and the framed placement's sum: one under
    the other they are about 15 in tall, so a slide shows one at a time."""
    return list(PARTS)


#: The parts, in reading order.
PARTS = ("rule", "convolution", "sum")


def render(
    data: DirectData,
    theme: Theme,
    step: Step | None = None,
    target: targets.Target | None = None,
    part: str | None = None,
) -> Figure:
    """The still figure (or one of its :func:`parts`), or with ``step`` its placement
    framed, the cells it reads and the output it writes lit, and its text written above.

    On a slide a step's output stands beside the padded input instead of under it; a
    step of a part other than the convolution shows that part with the step's text.
    """
    fig, ax = _matrix.new_figure(theme)
    if step is None or part not in (None, "convolution"):
        draw_transposed_direct(ax, data, theme=theme, part=part)
        if step is not None:
            _matrix.step_heading(fig, ax, step.text, theme)
        return fig
    focus = divmod(step.outputs[0], data.output.shape[1])
    draw_step(ax, data, focus, theme=theme, beside=target is not None and target.is_slide)
    width = data.padded.shape[1]
    out_w = data.output.shape[1]
    gids = [f"x-{c // width}-{c % width}-box" for c in step.inputs]
    gids += [f"z-{o // out_w}-{o % out_w}-box" for o in step.outputs]
    _matrix.light(ax, gids, theme)
    _matrix.step_heading(fig, ax, step.text, theme)
    return fig


# ----------------------------------------------------------------------------------------
# Words shared by the drawing and the alt text
# ----------------------------------------------------------------------------------------


def _size(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def zeros_text(n: int) -> str:
    """``1 zero``, ``2 zeros``."""
    return f"{n} zero" if n == 1 else f"{n} zeros"


def input_name(data: DirectData, i: int, j: int) -> str:
    return _grid.position_name("y", i, j, data.y.shape)


def output_name(data: DirectData, i: int, j: int) -> str:
    return _grid.position_name("z", i, j, data.output.shape)


def taps(data: DirectData, i: int, j: int) -> list[tuple[int, int, int, int]]:
    """(row, column) in the padded input and (a, b) in the flipped kernel of every tap of
    the placement that computes output ``(i, j)``, kernel row by kernel row."""
    k, d = data.kernel.shape[0], data.dilation
    return [(i + a * d, j + b * d, a, b) for a in range(k) for b in range(k)]


def focus_rows(data: DirectData, focus: tuple[int, int]) -> list[list[Slot]]:
    """``z₃₃ = y₁₁·w₃₃ + …`` over ``= 1·(−1) + … = 9``, as the scatter figure writes it:
    only the taps that read input values, each weight a chip in its colour."""
    i, j = focus
    flat = data.kernel.ravel()
    symbols: list[Slot] = [slot(output_name(data, i, j)), slot("=")]
    numbers: list[Slot] = [slot(), slot("=")]
    read = [(r, c, a, b) for r, c, a, b in taps(data, i, j) if data.kind[r, c] == VALUE]
    for n, (r, c, a, b) in enumerate(read):
        t = int(data.flipped_index[a, b])
        if n:
            symbols.append(slot("+"))
            numbers.append(slot("+"))
        yi, yj = ((r - data.pad) // data.stride, (c - data.pad) // data.stride)
        symbols += [
            slot(input_name(data, yi, yj) + "·", align="right"),
            slot(Token(data.names[t], "weight", t), tight=True),
        ]
        numbers += [
            slot(_grid.plain_number(data.padded[r, c]) + "·", align="right"),
            slot(Token(_matrix.format_number(flat[t]), "weight", t), tight=True),
        ]
    if not read:
        symbols.append(slot("0"))
        numbers.append(slot("0"))
    numbers += [slot("="), slot(Token(_matrix.format_number(data.output[i, j]), "output"))]
    return [symbols, numbers]


def rule_lines(data: DirectData) -> list[str]:
    """The three rules that turn the transposed convolution into a plain one, evaluated."""
    k, s, p, d, op = (
        data.kernel.shape[0],
        data.stride,
        data.padding,
        data.dilation,
        data.output_padding,
    )
    zeros = "zero" if s - 1 == 1 else "zeros"
    pad = f"2. Pad d(k − 1) − p = {d}·({k} − 1) − {p} = {data.pad} on each side"
    if op:
        pad += f", and output_padding {op} more at the bottom and right"
    return [
        f"stride {s}, padding {p}, dilation {d}, output_padding {op}, no bias, read as:",
        f"1. Insert stride − 1 = {s - 1} {zeros} between neighbouring input values.",
        pad + ".",
        f"3. Slide the kernel flipped in both axes: stride 1, dilation {d}.",
    ]


def legend_text(data: DirectData) -> str:
    """What the dashed zeros and the thin frame of the padded input mean."""
    s = data.stride
    parts = []
    if s > 1:
        parts.append(
            f"Dashed 0 between the input values: {zeros_text(s - 1)} inserted between "
            f"neighbours (stride − 1)."
        )
    if data.pad or data.output_padding:
        text = f"Dashed 0 around them: padding of {data.pad} on each side"
        if data.output_padding:
            text += f", plus output_padding {data.output_padding} at the bottom and right"
        parts.append(text + ".")
    if not parts:
        parts.append("Stride 1 and no padding: nothing is inserted or added.")
    parts.append("The brackets over the columns mark the same runs as down the rows.")
    return " ".join(parts)


# ----------------------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------------------


def draw_flipped_kernel(ax: Axes, x0: float, y0: float, data: DirectData, *, theme: Theme):
    """The flipped kernel: each weight in its own colour and name, wherever it moved.

    Cell ``(a, b)`` has the gid ``flipped-a-b`` (with ``-box``); its text is
    ``name\\nvalue`` of the weight ``kernel[k − 1 − a, k − 1 − b]``.
    """
    texts = []
    for (a, b), value in np.ndenumerate(data.flipped):
        t = int(data.flipped_index[a, b])
        _, text = _matrix.cell(
            ax,
            x0 + b,
            y0 + a,
            theme.weight_colour(t),
            f"{data.names[t]}\n{_matrix.format_number(value)}",
            theme,
            gid=f"flipped-{a}-{b}",
            fontsize=_grid.NAME_FONT,
        )
        texts.append(text)
    k = data.kernel.shape[0]
    _grid.frame(ax, x0, y0, k, k, colour=theme.kernel, gid="flipped-frame")
    return texts


def draw_padded_input(
    ax: Axes, x0: float, y0: float, data: DirectData, focus: tuple[int, int], *, theme: Theme
) -> dict[str, list]:
    """The zero-inserted, padded input, the frame around its inserted part, and the
    window of the placement that computes output ``focus``.

    Gids: ``x-r-c`` (a cell's number, with ``-box``), ``x-r-c-name`` (the name of the
    input value there), ``inserted-frame`` (around the input and its inserted zeros) and
    ``window`` (the kernel's placement, in the kernel's colour).
    """
    zeros = data.kind != VALUE
    artists = _grid.draw_image(ax, x0, y0, data.padded, theme=theme, gid="x", padding=zeros)
    artists["names"] = []
    for i, j in np.ndindex(*data.y.shape):
        r, c = data.value_cell(i, j)
        artists["names"].append(
            _grid.corner_label(
                ax, x0 + c, y0 + r, input_name(data, i, j), theme.input, theme=theme,
                gid=f"x-{r}-{c}-name",
            )
        )  # fmt: skip
    rows, cols = data.core
    artists["frame"] = [
        _grid.frame(
            ax,
            x0 + data.pad,
            y0 + data.pad,
            cols,
            rows,
            colour=theme.muted,
            gid="inserted-frame",
            linewidth=2.0,
        )
    ]
    artists["brackets"] = draw_brackets(ax, x0, y0, data, theme=theme)
    i, j = focus
    artists["window"] = [
        _grid.frame(ax, x0 + j, y0 + i, data.span, data.span, colour=theme.kernel, gid="window")
    ]
    return artists


def column_parts(data: DirectData) -> list[tuple[str, str, int, int]]:
    """(kind, label, first column, last column + 1) of each run of the padded input's
    columns: the padding, the input with its inserted zeros, the padding, output_padding."""
    width = data.core[1]
    inside = "y with zeros inserted" if data.stride > 1 else "y"
    parts = [
        ("padding", f"padding {data.pad}", 0, data.pad),
        ("inserted", inside, data.pad, data.pad + width),
        ("padding", f"padding {data.pad}", data.pad + width, 2 * data.pad + width),
        (
            "output_padding",
            f"output_padding {data.output_padding}",
            2 * data.pad + width,
            2 * data.pad + width + data.output_padding,
        ),
    ]
    return [part for part in parts if part[3] > part[2]]


#: Room above the padded input for the brackets over its columns, in cell units.
BRACKET_ROOM = 0.75


def draw_brackets(ax: Axes, x0: float, y0: float, data: DirectData, *, theme: Theme) -> list:
    """Brackets over the padded input's columns saying which are padding, which hold the
    input and its inserted zeros, and which output_padding adds.

    Gids: ``bracket-n`` (the line) and ``bracket-n-label``; a label too wide for its
    bracket is shortened to its number (``2``, ``+1``) or ``y``.
    """
    artists: list = []
    for n, (kind, label, first, last) in enumerate(column_parts(data)):
        width = last - first
        if _grid.text_width(ax, label, _grid.CORNER_FONT) > width - 0.1:
            label = {"padding": str(data.pad), "output_padding": f"+{data.output_padding}"}.get(
                kind, "y"
            )
        xs = [x0 + first + 0.08, x0 + last - 0.08]
        level = y0 - 0.22
        line = Line2D(
            [xs[0], xs[0], xs[1], xs[1]],
            [y0 - 0.06, level, level, y0 - 0.06],
            color=theme.foreground if kind == "inserted" else theme.muted,
            linewidth=1.4,
            gid=f"bracket-{n}",
        )
        _grid.place(ax, line)
        artists.append(line)
        artists.append(
            ax.text(
                (xs[0] + xs[1]) / 2,
                level - 0.06,
                label,
                ha="center",
                va="bottom",
                fontsize=_grid.CORNER_FONT,
                color=theme.foreground if kind == "inserted" else theme.muted,
                gid=f"bracket-{n}-label",
            )
        )
    return artists


#: The widest a drawing may be, in cell units, to be shown unshrunk in the page column
#: (the figure adds 0.35 of margin on each side).
COLUMN = targets.PAGE.width / _matrix.CELL_INCHES - 0.7


def draw_transposed_direct(
    ax: Axes,
    data: DirectData,
    *,
    theme: Theme,
    focus: tuple[int, int] | None = None,
    part: str | None = None,
) -> dict[str, list]:
    """The input, kernel, flipped kernel and rules; the zero-inserted, padded input, the
    output and the sum of the framed placement (``focus``, by default ``data.focus``).

    Laid out one under the other for the page column: the input and the kernels in a
    row, the rules under them, the padded input, the output under it beside what the
    zeros are, and the sum. ``part`` draws one of :func:`parts` alone; the convolution
    part has the output beside the padded input (a slide is wide, not tall).
    """
    focus = data.focus if focus is None else focus
    rows, cols = data.padded.shape
    out_h, out_w = data.output.shape
    artists: dict[str, list] = {"titles": []}
    if part == "convolution":
        row = _grid.TITLE_ROOM + BRACKET_ROOM
        out_x, out_row, _ = draw_padded_and_output(
            ax, row, data, focus, artists, theme=theme, beside=True
        )
        # What the zeros are, under both (beside the output it would be too narrow).
        right = max(out_x + out_w, middle_title_right(ax, artists))
        legend = _grid.wrap(ax, legend_text(data), right, _grid.TITLE_FONT)
        line = max(row + rows, out_row + out_h) + 0.3
        artists["legend"] = [draw_legend(ax, 0, line, legend, theme=theme)]
        right = max([right] + [_grid.text_width(ax, t, _grid.TITLE_FONT) for t in legend])
        bottom = line + 0.42 * len(legend)
        _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
        return artists
    right, rule_bottom = (0.0, 0.0) if part == "sum" else _draw_rules(ax, data, artists, theme)
    room = max(COLUMN, right, cols)
    if part == "rule":
        _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, rule_bottom + 0.1))
        return artists
    if part == "sum":
        line = 0.1
    else:
        row = rule_bottom + 0.3 + _grid.TITLE_ROOM + BRACKET_ROOM
        # The zero-inserted, padded input, an arrow down, the output.
        out_x, out_row, heading = draw_padded_and_output(ax, row, data, focus, artists, theme=theme)
        right = max(
            right,
            cols,
            out_x + out_w,
            middle_title_right(ax, artists),
            _grid.text_width(ax, artists["titles"][-2].get_text(), _grid.TITLE_FONT),
        )
        # Beside the output, what the zeros are; under both, the framed placement's sum.
        legend_x = out_x + out_w + SPACE
        beside = room - legend_x
        legend = _grid.wrap(ax, legend_text(data), beside, _grid.TITLE_FONT)
        if beside < 4 or 0.42 * len(legend) > out_h + _grid.TITLE_ROOM:
            legend_x, legend_row = 0.0, out_row + out_h + 0.3
            legend = _grid.wrap(ax, legend_text(data), room, _grid.TITLE_FONT)
            line = legend_row + 0.42 * len(legend)
        else:
            legend_row = out_row - _grid.TITLE_ROOM + 0.15
            line = out_row + out_h + 0.3
        artists["legend"] = [draw_legend(ax, legend_x, legend_row, legend, theme=theme)]
        right = max(
            [right] + [legend_x + _grid.text_width(ax, t, _grid.TITLE_FONT) for t in legend]
        )
    artists.setdefault("legend", [])
    lead = "In the framed placement only the input values it covers add to the sum:"
    sums = focus_rows(data, focus)
    if part == "sum":
        room = max(_grid.columns(ax, sums).width, 8.0)
    lead_lines = _grid.wrap(ax, lead, room, _grid.TITLE_FONT)
    artists["legend"].append(draw_legend(ax, 0, line, lead_lines, theme=theme, gid="sum-lead"))
    right = max([right] + [_grid.text_width(ax, t, _grid.TITLE_FONT) for t in lead_lines])
    line += 0.42 * (len(lead_lines) - 1) + 0.55 + _grid.LINE / 2
    artists["sum"] = _grid.draw_rows(ax, 0, line, sums, theme=theme, gid="sum")
    right = max(right, _grid.columns(ax, sums).width)
    bottom = line + _grid.LINE * (len(sums) - 0.5)
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
    return artists


def _draw_rules(ax: Axes, data: DirectData, artists: dict, theme: Theme) -> tuple[float, float]:
    """The input, the kernel and the flipped kernel in a row, the rules under them;
    returns their right edge and the rules' bottom."""
    height, width = data.y.shape
    k = data.kernel.shape[0]
    cols = data.padded.shape[1]
    top = _grid.TITLE_ROOM
    col = 0.0
    heading = f"input y ({_size(data.y.shape)})"
    artists["titles"].append(_grid.title(ax, col, top - 0.25, heading, theme=theme, gid="title-y"))
    names = np.empty(data.y.shape, dtype=object)
    for i, j in np.ndindex(*data.y.shape):
        names[i, j] = input_name(data, i, j)
    artists["input"] = _grid.draw_image(ax, col, top, data.y, theme=theme, gid="y", names=names)[
        "texts"
    ]
    col += max(width, _grid.text_width(ax, heading, _grid.TITLE_FONT)) + SPACE
    artists["titles"].append(
        _grid.title(ax, col, top - 0.25, "kernel w", theme=theme, gid="title-kernel")
    )
    artists["kernel"] = _grid.draw_kernel(ax, col, top, data.kernel, data.names, theme=theme)[
        "texts"
    ]
    col += max(k, _grid.text_width(ax, "kernel w", _grid.TITLE_FONT)) + SPACE
    # The long heading where the column has room for it.
    for heading in ("kernel flipped in both axes", "kernel flipped", "w flipped"):
        if col + _grid.text_width(ax, heading, _grid.TITLE_FONT) <= max(COLUMN, cols):
            break
    artists["titles"].append(
        _grid.title(ax, col, top - 0.25, heading, theme=theme, gid="title-flipped")
    )
    artists["flipped"] = draw_flipped_kernel(ax, col, top, data, theme=theme)
    right = col + max(k, _grid.text_width(ax, heading, _grid.TITLE_FONT))
    # Under them the rules, wrapped to the column.
    room = max(COLUMN, right, cols)
    lines = [part for rule in rule_lines(data) for part in _grid.wrap(ax, rule, room)]
    rule_row = top + max(height, k) + 0.35
    artists["rules"] = [
        ax.text(0, rule_row, "\n".join(lines), ha="left", va="top", linespacing=1.5, gid="rules")
    ]
    right = max([right] + [_grid.text_width(ax, line) for line in lines])
    return right, rule_row + 0.45 * len(lines)


def draw_legend(
    ax: Axes, x: float, line: float, lines: list[str], *, theme: Theme, gid: str = "legend"
):
    """Muted lines from ``(x, line)`` down, such as what the zeros are."""
    return ax.text(
        x,
        line,
        "\n".join(lines),
        ha="left",
        va="top",
        color=theme.muted,
        fontsize=_grid.TITLE_FONT,
        linespacing=1.3,
        gid=gid,
    )


def draw_padded_and_output(
    ax: Axes,
    row: float,
    data: DirectData,
    focus: tuple[int, int],
    artists: dict,
    *,
    theme: Theme,
    beside: bool = False,
) -> tuple[float, float, str]:
    """The zero-inserted, padded input at ``row``, an arrow down, the output under it with
    the ``focus`` cell framed; adds their artists to ``artists`` and returns the output's
    column, its row and its heading (the still figure and the step frames share them).
    With ``beside``, the output stands right of the padded input, an arrow across."""
    rows, cols = data.padded.shape
    heading = f"input y, zeros inserted and padded ({_size(data.padded.shape)})"
    artists["titles"].append(
        _grid.title(ax, 0, row - 0.25 - BRACKET_ROOM, heading, theme=theme, gid="title-padded")
    )
    artists["padded"] = draw_padded_input(ax, 0, row, data, focus, theme=theme)
    out_heading = f"output z ({_size(data.output.shape)})"
    if beside:
        out_x, out_row = cols + ARROW_ROOM, row
        middle = row + min(rows, data.output.shape[0]) / 2
        artists["arrow"] = [
            ax.annotate(
                "",
                xy=(out_x - 0.15, middle),
                xytext=(cols + 0.15, middle),
                arrowprops={"arrowstyle": "-|>", "color": theme.foreground, "linewidth": 1.6},
                gid="conv-arrow",
            )
        ]
        artists["titles"].append(
            _grid.title(ax, out_x, row - 0.25, out_heading, theme=theme, gid="title-output")
        )
    else:
        # One under the other: side by side they are wider than the page column.
        out_x = 0.0
        out_row = row + rows + ARROW_ROOM
        middle = min(cols, data.output.shape[1]) / 2
        artists["arrow"] = [
            ax.annotate(
                "",
                xy=(middle, out_row - 0.15),
                xytext=(middle, row + rows + 0.15),
                arrowprops={"arrowstyle": "-|>", "color": theme.foreground, "linewidth": 1.6},
                gid="conv-arrow",
            )
        ]
        artists["titles"].append(
            _grid.title(
                ax,
                middle + 0.3,
                _grid.baseline(row + rows + ARROW_ROOM / 2),
                out_heading,
                theme=theme,
                gid="title-output",
            )
        )
    artists["output"] = _grid.draw_output(ax, out_x, out_row, data.output, theme=theme, gid="z")[
        "texts"
    ]
    i, j = focus
    artists["focus"] = [
        _grid.frame(ax, out_x + j, out_row + i, 1, 1, colour=theme.kernel, gid="z-focus")
    ]
    return out_x, out_row, out_heading


def draw_step(
    ax: Axes, data: DirectData, focus: tuple[int, int], *, theme: Theme, beside: bool = False
) -> dict:
    """A step's frame, kept compact (an animation stores what changes between frames):
    the zero-inserted, padded input with the placement framed and the flipped kernel
    beside it, the output under it and what the zeros are; the step's text, written
    above it, holds the sum. With ``beside`` (a slide), the output stands right of the
    padded input, then the flipped kernel, and what the zeros are under them."""
    rows, cols = data.padded.shape
    out_h, out_w = data.output.shape
    k = data.kernel.shape[0]
    row = _grid.TITLE_ROOM + BRACKET_ROOM
    artists: dict[str, list] = {"titles": []}
    out_x, out_row, out_heading = draw_padded_and_output(
        ax, row, data, focus, artists, theme=theme, beside=beside
    )
    kernel_heading = "kernel flipped"
    if beside:
        col = out_x + max(out_w, _grid.text_width(ax, out_heading, _grid.TITLE_FONT)) + STEP_SPACE
        kernel_row = out_row
    else:
        col = cols + STEP_SPACE  # its heading is a line lower than the padded input's
        kernel_row = row
    artists["titles"].append(
        _grid.title(ax, col, kernel_row - 0.25, kernel_heading, theme=theme, gid="title-flipped")
    )
    artists["flipped"] = draw_flipped_kernel(ax, col, kernel_row, data, theme=theme)
    right = max(
        col + max(k, _grid.text_width(ax, kernel_heading, _grid.TITLE_FONT)),
        out_x + out_w,
        middle_title_right(ax, artists),
        _grid.text_width(ax, artists["titles"][0].get_text(), _grid.TITLE_FONT),
    )
    if beside:
        legend_x, line = out_x, out_row + max(out_h, k) + 0.3
        legend = _grid.wrap(ax, legend_text(data), right - out_x, _grid.TITLE_FONT)
    else:
        legend_x, line = 0.0, out_row + out_h + 0.3
        legend = _grid.wrap(ax, legend_text(data), max(right, COLUMN), _grid.TITLE_FONT)
    artists["legend"] = [draw_legend(ax, legend_x, line, legend, theme=theme)]
    right = max([right] + [legend_x + _grid.text_width(ax, t, _grid.TITLE_FONT) for t in legend])
    bottom = max(row + rows, line + 0.42 * len(legend))
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
    return artists


def middle_title_right(ax: Axes, artists: dict) -> float:
    """Where the output's heading, written beside the arrow, ends."""
    title = next(t for t in artists["titles"] if t.get_gid() == "title-output")
    return title.get_position()[0] + _grid.text_width(ax, title.get_text(), _grid.TITLE_FONT)


# ----------------------------------------------------------------------------------------
# Words
# ----------------------------------------------------------------------------------------


def caption(data: DirectData) -> str:
    return (
        f"The same transposed convolution as a plain one: {zeros_text(data.stride - 1)} between "
        f"the input values, {zeros_text(data.pad)} of padding on each side, and the "
        f"{_size(data.kernel.shape)} kernel flipped in both axes sliding with stride 1 over "
        f"the {_size(data.padded.shape)} result give the same {_size(data.output.shape)} "
        f"output as the scattered copies."
    )


def alt_text(data: DirectData) -> str:
    weights = ", ".join(
        f"{name} = {_matrix.format_number(w)}"
        for name, w in zip(data.names, data.kernel.ravel(), strict=True)
    )
    flipped = "; ".join(" ".join(data.names[int(t)] for t in row) for row in data.flipped_index)
    i, j = data.focus
    read = [
        f"{_grid.plain_number(data.padded[r, c])}·"
        f"{_grid.plain_number(data.kernel.ravel()[data.flipped_index[a, b]])}"
        for r, c, a, b in taps(data, i, j)
        if data.kind[r, c] == VALUE
    ]
    return (
        f"A {_size(data.y.shape)} input y with the rows {_grid.grid_text(data.y)} and a "
        f"{_size(data.kernel.shape)} kernel with the weights {weights}; "
        + " ".join(rule_lines(data))
        + f" The flipped kernel has the rows {flipped}. The zero-inserted, padded input is "
        f"{_size(data.padded.shape)} with the rows {_grid.grid_text(data.padded)}; "
        + legend_text(data)
        + f" Sliding the flipped kernel over it gives the {_size(data.output.shape)} output z "
        f"with the rows {_grid.grid_text(data.output)}, the same as the scattered copies. "
        f"Framed: {output_name(data, i, j)} = {' + '.join(read) or '0'} = "
        f"{_matrix.format_number(data.output[i, j])}."
    )
