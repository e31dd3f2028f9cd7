"""``multichannel-kernel``: a kernel as deep as its input is a stack of 2D kernels.

The input has several channels (3 by default), and the kernel as many slices, each with
weights of its own (the numbers differ from slice to slice: it is not one 2D kernel
copied). Drawn as a table, one column per channel: the channel, the kernel slice that
convolves it, and what that gives. The per-channel results, added together with the
kernel's one bias, are the one output map the 3D kernel makes (in a row under the table,
which leaves the page column room for it); beside it, the same as volumes: the input stack
and the kernel stack. Underneath, one output cell is worked out:
every product of the framed patches, channel by channel, then the sum with the bias.

Every number comes from :func:`diagram_gen.layers.conv`: the per-channel results are
the convolutions of each channel with its slice (no bias), and :func:`compute` checks that
their sum plus the bias is the convolution of the whole input with the whole kernel.

Every weight of the kernel is a shared weight: the layer uses it at every placement. So
its cells use the shared-weight palette of the legend (one colour per weight, by its
position in the kernel) and carry the weight's name above its value, as in the other
kernel figures; past five weights the colours repeat and the names tell them apart. The
signed colours (blue positive, orange-red negative) are kept for weights of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from diagram_gen import examples, layers
from diagram_gen.examples import ConvLayer, format_number
from diagram_gen.figures import _grid, _matrix, _volume
from diagram_gen.figures._grid import Token, slot
from diagram_gen.figures._matrix import cell
from diagram_gen.figures._volume import Oblique, Stack
from diagram_gen.style import Theme, text_colour_on

FIGURE_ID = "multichannel-kernel"
TITLE = "A 3D kernel is a stack of 2D kernels whose results add up"
example = examples.multichannel_example

#: Largest drawable layer: one column per channel, every product written out.
MAX_CHANNELS = 4
MAX_SIDE = 6
MAX_KERNEL = 3
#: Horizontal gap between two channel columns, in cell units.
COLUMN_GAP = 0.6
#: Vertical room for an operator (∗ or =) between two rows of the table, in cell units.
OPERATOR_ROOM = 0.95
#: How far a per-channel result's fill is from the output colour towards the page: a
#: part of the output, not yet the output.
PART_FADE = 0.55
#: Cell size and depth step of the stacks drawn beside the output, in cell units.
STACK_UNIT = 0.6
STACK_DEPTH = 0.5
#: Room above the row of the sum (for its titles) and before the stacks, in cell units.
SUM_ROOM = 1.3
STACK_ROOM = 1.1
#: The table's row names.
LABELS = ("input x", "kernel 1", "result")
#: In the table drawn alone (a slide's part): room for an operator between its rows, and
#: above it for the channels' headings, in cell units.
PART_OPERATOR_ROOM = 0.55
PART_TOP = 0.6


@dataclass(frozen=True)
class MultichannelData:
    """One kernel of the layer, its slices, their per-channel results and the output."""

    image: np.ndarray  # (C, H, W)
    kernel: np.ndarray  # (C, kh, kw): the first kernel, one slice per input channel
    names: tuple[str, ...]  # the first kernel's weight names, in kernel.ravel() order
    bias: float  # the first kernel's bias
    parts: np.ndarray  # (C, H_out, W_out): channel c convolved with slice c, no bias
    output: np.ndarray  # (H_out, W_out): the whole input with the whole kernel, plus bias
    cell: tuple[int, int]  # the output cell worked out
    out_channels: int  # kernels in the layer (only the first is drawn)

    @property
    def channels(self) -> int:
        return self.image.shape[0]

    def patch(self, channel: int) -> np.ndarray:
        """The input values under the kernel's slice for the worked-out cell."""
        i, j = self.cell
        kh, kw = self.kernel.shape[1:]
        return self.image[channel, i : i + kh, j : j + kw]


def compute(example: ConvLayer) -> MultichannelData:
    """Convolve each channel with its slice, and the whole input with the whole kernel.

    Raises
    ------
    ValueError
        For a layer too large to write out.
    RuntimeError
        If the per-channel results plus the bias differ from the whole convolution (a
        bug, never the reader's mistake).
    """
    channels, height, width = example.image.shape
    kh, kw = example.kernel.shape[2:]
    for name, value, limit in (
        ("in_channels", channels, MAX_CHANNELS),
        ("height", height, MAX_SIDE),
        ("width", width, MAX_SIDE),
        ("kernel", max(kh, kw), MAX_KERNEL),
    ):
        if value > limit:
            raise ValueError(
                f"{FIGURE_ID} writes out every number: {name} must be at most {limit}, got {value}."
            )
    kernel = example.kernel[0]
    bias = float(example.bias[0])
    kwargs = example.layer_kwargs
    parts = np.stack(
        [
            layers.conv(example.image[c : c + 1], kernel[np.newaxis, c : c + 1], **kwargs)[0]
            for c in range(channels)
        ]
    )
    output = layers.conv(example.image, kernel[np.newaxis], np.array([bias]), **kwargs)[0]
    if not np.allclose(parts.sum(axis=0) + bias, output):
        raise RuntimeError("the per-channel results plus the bias are not the convolution.")
    return MultichannelData(
        image=example.image.copy(),
        kernel=kernel.copy(),
        names=tuple(example.weight_names[: kernel.size]),
        bias=bias,
        parts=parts,
        output=output,
        cell=(0, 0),
        out_channels=example.kernel.shape[0],
    )


def render(data: MultichannelData, theme: Theme, part: str | None = None) -> Figure:
    """The still figure, or one of its :func:`parts` alone (for a slide)."""
    fig, ax = _matrix.new_figure(theme)
    draw_multichannel_kernel(ax, data, theme=theme, part=part)
    return fig


def parts(data: MultichannelData) -> list[str]:
    """The table of channels, slices and results, then their sum with the worked cell:
    one under the other they are about 13 in tall, so a slide shows one at a time."""
    return ["table", "sum"]


def weight_number(kernel_shape: tuple[int, ...], channel: int, row: int, col: int) -> int:
    """Position of weight (channel, row, col) in the kernel read in C order: its colour."""
    return int(np.ravel_multi_index((channel, row, col), kernel_shape))


def weight_fills(kernel: np.ndarray, theme: Theme) -> np.ndarray:
    """The shared-weight colour of every weight of the kernel, by its position in it."""
    return np.vectorize(theme.weight_colour, otypes=[object])(
        np.arange(kernel.size).reshape(kernel.shape)
    )


def part_fill(theme: Theme) -> str:
    """The fill of a per-channel result: the output colour, faded towards the page."""
    return _volume.mix(theme.output, theme.background, PART_FADE)


def draw_multichannel_kernel(
    ax: Axes, data: MultichannelData, *, theme: Theme, part: str | None = None
) -> dict:
    """Draw the table of channels, slices and results, the output and the worked sum.

    ``part`` draws one of :func:`parts` alone: the table (kept compact for a slide), or
    the sum with the output, the volumes and the worked cell.

    Gids: ``input-{c}-r-c`` (channel values), ``slice-{c}-a-b`` (weights),
    ``part-{c}-i-j`` (per-channel results), ``bias``, ``output-i-j``, the frames
    ``patch-{c}``, ``part-{c}-frame``, ``output-frame``, the stacks ``stack-input-…`` and
    ``stack-kernel-…``, and the worked sum ``sum-…`` (see :func:`_grid.draw_rows`).
    """
    channels, height, width = data.image.shape
    kh, kw = data.kernel.shape[1:]
    out_h, out_w = data.output.shape
    i0, j0 = data.cell
    faded = part_fill(theme)
    artists: dict[str, list] = {"input": [], "slices": [], "parts": [], "labels": []}

    compact = part == "table"
    widest = max(_grid.text_width(ax, t, _grid.TITLE_FONT) for t in LABELS)
    left = 0.55 if compact else widest + 0.4
    column = max(width, kw, out_w)
    if part == "sum":
        sum_top = SUM_ROOM - 0.45
    else:
        top = PART_TOP if compact else _grid.TITLE_ROOM
        part_top = _draw_table(ax, data, artists, left, top, theme=theme, compact=compact)
        if compact:
            right = left + channels * column + (channels - 1) * COLUMN_GAP
            bottom = part_top + out_h
            _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.15))
            return artists
        sum_top = part_top + out_h + SUM_ROOM

    # The sum, in a row of its own under the results (the page column has no room for
    # it beside them): + bias = output map, then the same layer as volumes.
    artists["labels"].append(
        _grid.title(
            ax,
            left - 0.4,
            _grid.baseline(sum_top + out_h / 2),
            "sum",
            theme=theme,
            gid="row-sum",
            ha="right",
        )
    )
    _operator(ax, left + 0.3, sum_top + out_h / 2, "+", gid="plus-bias")
    bias_x = left + 0.75
    artists["labels"].append(
        _grid.title(ax, bias_x, sum_top - 0.25, "bias", theme=theme, gid="title-bias")
    )
    artists["bias"] = [
        _grid.draw_bias(ax, bias_x, sum_top + (out_h - 1) / 2, data.bias, theme=theme)
    ]
    bias_w = max(1.0, _grid.text_width(ax, "bias", _grid.TITLE_FONT))
    _operator(ax, bias_x + bias_w + 0.45, sum_top + out_h / 2, "=", gid="equals-output")
    out_x = bias_x + bias_w + 0.9
    artists["labels"].append(
        _grid.title(ax, out_x, sum_top - 0.25, "output map 1", theme=theme, gid="title-output")
    )
    artists["output"] = _grid.draw_output(
        ax, out_x, sum_top, data.output, theme=theme, gid="output"
    )["texts"]
    _grid.frame(ax, out_x + j0, sum_top + i0, 1, 1, colour=theme.kernel, gid="output-frame")
    output_right = out_x + max(out_w, _grid.text_width(ax, "output map 1", _grid.TITLE_FONT))

    # Right of the output, the input and the kernel as volumes, side by side.
    stacks_x = output_right + STACK_ROOM
    artists["labels"].append(
        _grid.title(ax, stacks_x, sum_top - 0.25, "as volumes", theme=theme, gid="head-volumes")
    )
    stacks_right, stacks_bottom = _draw_stacks(ax, data, stacks_x, sum_top, theme=theme)
    right = max(stacks_right, left + channels * column + (channels - 1) * COLUMN_GAP)
    rows = sum_rows(data)
    table = _grid.columns(ax, rows)
    if part == "sum":
        right = stacks_right

    # The worked-out cell, channel by channel, then the total.
    y = max(sum_top + out_h, stacks_bottom) + 0.75
    name = _grid.position_name("y", i0, j0, data.output.shape)
    heading = (
        f"{name}, the framed cell: {channels * kh * kw} products (the kernel's "
        f"{channels} slices times the framed patches) plus the bias"
    )
    # Alone (on a slide), the heading is wrapped to the drawing under it.
    lines = [heading] if part is None else _grid.wrap(ax, heading, max(right, table.width))
    artists["labels"].append(
        ax.text(
            0, _grid.baseline(y), "\n".join(lines), ha="left", va="baseline",
            linespacing=1.3, gid="sum-heading",
        )
    )  # fmt: skip
    right = max([right] + [_grid.text_width(ax, line) for line in lines])
    y += _grid.LINE * 1.25 + 0.5 * (len(lines) - 1)
    artists["sum"] = _grid.draw_rows(ax, 0, y, rows, theme=theme, gid="sum", table=table)
    total = [total_row(data)]
    y_total = y + _grid.LINE * (len(rows) + 0.25)
    artists["sum"] += _grid.draw_rows(ax, 0, y_total, total, theme=theme, gid="total")
    _recolour_parts(ax, data, faded, theme)
    right = max(right, table.width, _grid.columns(ax, total).width)
    bottom = y_total + _grid.LINE * 0.5
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.3))
    return artists


def _draw_table(
    ax: Axes, data: MultichannelData, artists: dict, left: float, top: float, *,
    theme: Theme, compact: bool = False,
) -> float:  # fmt: skip
    """The table: one column per channel, its input over its kernel slice over what that
    gives, the rows named on the left; ``compact`` (a slide's part) has less room between
    the rows and upright row names. Returns the top of the results' row."""
    height, width = data.image.shape[1:]
    kh, kw = data.kernel.shape[1:]
    out_w = data.output.shape[1]
    out_h = data.output.shape[0]
    i0, j0 = data.cell
    fills = weight_fills(data.kernel, theme)
    faded = part_fill(theme)
    channels = data.channels
    # Row labels on the left (turned upright when compact), then one column per channel.
    operator = PART_OPERATOR_ROOM if compact else OPERATOR_ROOM
    slice_top = top + height + operator
    part_top = slice_top + kh + operator
    for text, row_top, rows in zip(
        LABELS, (top, slice_top, part_top), (height, kh, out_h), strict=True
    ):
        place = (
            {"x": left / 2, "y": row_top + rows / 2, "rotation": 90, "va": "center",
             "ha": "center"}
            if compact
            else {"x": left - 0.4, "y": _grid.baseline(row_top + rows / 2), "ha": "right"}
        )  # fmt: skip
        x, y = place.pop("x"), place.pop("y")
        artists["labels"].append(
            _grid.title(ax, x, y, text, theme=theme, gid=f"row-{text.split()[0]}", **place)
        )
    column = max(width, kw, out_w)
    for c in range(channels):
        x = left + c * (column + COLUMN_GAP)
        artists["labels"].append(
            _grid.title(ax, x, top - 0.25, f"channel {c + 1}", theme=theme, gid=f"head-{c}")
        )
        artists["input"] += _grid.draw_image(
            ax, x, top, data.image[c], theme=theme, gid=f"input-{c}"
        )["texts"]
        _grid.frame(ax, x + j0, top + i0, kw, kh, colour=theme.kernel, gid=f"patch-{c}")
        centre = x + width / 2
        _operator(ax, centre, top + height + operator / 2, "∗", gid=f"conv-{c}")
        sx = x + (width - kw) / 2
        for (a, b), w in np.ndenumerate(data.kernel[c]):
            artists["slices"].append(
                cell(
                    ax,
                    sx + b,
                    slice_top + a,
                    fills[c, a, b],
                    f"{data.names[weight_number(data.kernel.shape, c, a, b)]}\n{format_number(w)}",
                    theme,
                    gid=f"slice-{c}-{a}-{b}",
                    fontsize=_grid.NAME_FONT,
                )[1]
            )
        _grid.frame(
            ax, sx, slice_top, kw, kh, colour=theme.kernel, gid=f"slice-{c}-frame", linewidth=2.5
        )
        _operator(ax, centre, slice_top + kh + operator / 2, "=", gid=f"equals-{c}")
        px = x + (width - out_w) / 2
        for (i, j), value in np.ndenumerate(data.parts[c]):
            artists["parts"].append(
                cell(
                    ax,
                    px + j,
                    part_top + i,
                    faded,
                    format_number(value),
                    theme,
                    gid=f"part-{c}-{i}-{j}",
                )[1]
            )
        _grid.frame(ax, px + j0, part_top + i0, 1, 1, colour=theme.kernel, gid=f"part-{c}-frame")
        if c < channels - 1:
            _operator(ax, x + column + COLUMN_GAP / 2, part_top + out_h / 2, "+", gid=f"plus-{c}")

    return part_top


def _operator(ax: Axes, x: float, y: float, text: str, *, gid: str):
    return ax.text(x, _grid.baseline(y), text, ha="center", va="baseline", fontsize=16, gid=gid)


def _draw_stacks(
    ax: Axes, data: MultichannelData, x: float, top: float, *, theme: Theme
) -> tuple[float, float]:
    """The input ∗ the kernel as stacks of slices, side by side from ``x``, their front
    faces' tops at ``top``, each with its shape under it. Returns the right and bottom
    edges."""
    proj = Oblique(unit=STACK_UNIT, depth_unit=STACK_DEPTH)
    dx, dy = proj.step
    right, bottom = x, top
    for name, shape, fill in (
        ("input", data.image.shape, theme.input),
        ("kernel", data.kernel.shape, theme.weight_colour(0)),
    ):
        channels, rows_, cols = shape
        stack = Stack(rows_, cols, channels, thickness=0.3, pitch=1.0)
        origin = (right, top - stack.depth * dy)  # the back slice's top at ``top``
        _volume.draw_stack(
            ax, proj, origin, stack, fills=[fill] * channels, theme=theme, gid=f"stack-{name}"
        )
        front_bottom = origin[1] + rows_ * proj.unit
        label = _volume.shape_text(shape, " × ")
        ax.text(
            right,
            _grid.baseline(front_bottom + 0.45),
            label,
            ha="left",
            va="baseline",
            fontsize=_grid.TITLE_FONT,
            color=theme.foreground,
            gid=f"stack-{name}-size",
        )
        width = cols * proj.unit + stack.depth * dx
        label_w = _grid.text_width(ax, label, _grid.TITLE_FONT)
        if name == "input":
            mid = origin[1] + rows_ * proj.unit / 2
            _operator(ax, right + max(width, label_w) + 0.45, mid, "∗", gid="stack-conv")
        right += max(width, label_w) + 0.9
        bottom = max(bottom, front_bottom + 0.6)
    return right - 0.9, bottom


def sum_rows(data: MultichannelData) -> list[list]:
    """One row per channel: its products and their sum, the channel's part of the cell."""
    channels = data.channels
    rows = []
    for c in range(channels):
        weights = [
            slot(Token(format_number(w), "weight", weight_number(data.kernel.shape, c, a, b)),
                 align="right")
            for (a, b), w in np.ndenumerate(data.kernel[c])
        ]  # fmt: skip
        inputs = [
            slot(Token("·" + _grid.plain_number(x)), align="left", tight=True)
            for x in data.patch(c).ravel()
        ]
        row = [slot(f"channel {c + 1}:", align="left")]
        for k, (w, x) in enumerate(zip(weights, inputs, strict=True)):
            if k:
                row.append(slot("+"))
            row += [w, x]
        i, j = data.cell
        row += [slot("="), slot(Token(format_number(data.parts[c, i, j]), "output"))]
        rows.append(row)
    return rows


def total_row(data: MultichannelData) -> list:
    """``y₁₁ = −8 + (−11) + (−6) + (−1) = −26``: the parts, the bias, the output."""
    i, j = data.cell
    name = _grid.position_name("y", i, j, data.output.shape)
    row = [slot(f"{name} =", align="left")]
    for c in range(data.channels):
        if c:
            row.append(slot("+"))
        row.append(slot(Token(format_number(data.parts[c, i, j]), "output")))
    row += [
        slot("+"),
        slot(Token(format_number(data.bias), "bias")),
        slot("="),
        slot(Token(format_number(data.output[i, j]), "output")),
    ]
    return row


def _recolour_parts(ax: Axes, data: MultichannelData, faded: str, theme: Theme) -> None:
    """Give each per-channel part's chip the faded output fill: a part, not yet the output.

    The weight chips keep the shared-weight colour :func:`_grid.draw_token` gives them,
    the colour of their cell in the kernel slices.
    """
    channels = data.channels
    kh, kw = data.kernel.shape[1:]
    chips = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").endswith("-chip")}
    texts = {t.get_gid(): t for t in ax.texts if t.get_gid()}
    # Row c of the sum: a label, then weight k in column 1 + 3k (after its "+"), its input
    # in the next column, and after the last input "=" and the part.
    for c in range(channels):
        gid = f"sum-{c}-{3 * kh * kw + 1:02d}-0"
        _set_chip(chips[f"{gid}-chip"], texts[gid], faded, theme)
    # The total: a label, then part c in column 1 + 2c.
    for c in range(channels):
        gid = f"total-0-{1 + 2 * c:02d}-0"
        _set_chip(chips[f"{gid}-chip"], texts[gid], faded, theme)


def _set_chip(chip, text, fill: str, theme: Theme) -> None:
    chip.set_facecolor(fill)
    chip.set_edgecolor(fill)
    text.set_color(text_colour_on(fill, theme))


def caption(data: MultichannelData) -> str:
    channels = data.channels
    kh, kw = data.kernel.shape[1:]
    return (
        f"A {_volume.shape_text(data.kernel.shape)} kernel (channels x height x width) on a "
        f"{_volume.shape_text(data.image.shape)} input is a stack of {channels} slices of "
        f"{kh}x{kw}, each with weights of its own: each slice convolves its own channel, "
        f"and the {channels} results plus the one bias make one output map."
    )


def alt_text(data: MultichannelData) -> str:
    channels = data.channels
    i, j = data.cell
    name = _grid.position_name("y", i, j, data.output.shape)
    columns = []
    for c in range(channels):
        image, kernel, part = (_grid.grid_text(a[c]) for a in (data.image, data.kernel, data.parts))
        columns.append(
            f"channel {c + 1} (rows {image}) convolved with slice {c + 1} of the kernel "
            f"(rows {kernel}) gives {part}"
        )
    products = []
    for c in range(channels):
        terms = " + ".join(
            f"{_grid.plain_number(w)}·{_grid.plain_number(x)}"
            for w, x in zip(data.kernel[c].ravel(), data.patch(c).ravel(), strict=True)
        )
        products.append(f"{terms} = {format_number(data.parts[c, i, j])}")
    parts = " + ".join(_grid.plain_number(data.parts[c, i, j]) for c in range(channels))
    return (
        "A table with one column per input channel, each channel's cells written out: "
        + "; ".join(columns)
        + f". The {channels} results plus the bias {format_number(data.bias)} give the "
        f"output map with the rows {_grid.grid_text(data.output)}, the same as convolving the "
        f"whole {_volume.shape_text(data.image.shape)} input with the whole "
        f"{_volume.shape_text(data.kernel.shape)} kernel (channels x height x width), "
        f"which is also drawn as two stacks of slices. Each weight cell shows the weight's "
        f"name above its value, in the shared-weight colour of its position in the "
        f"kernel. The top-left cell {name} is "
        f"worked out channel by channel: "
        + "; ".join(products)
        + f"; then {name} = {parts} + {_grid.plain_number(data.bias)} = "
        f"{format_number(data.output[i, j])}."
    )
