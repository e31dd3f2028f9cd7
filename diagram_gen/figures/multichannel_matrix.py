"""``multichannel-matrix``: with several channels the weight matrix is a grid of blocks.

One block row per output channel (one kernel), one block column per input channel: block
(o, c) is the single-channel convolution matrix of slice c of kernel o, with its own
weights. The block row's output channel adds one bias, shared by all its rows. The input
above is the channels' pixels one channel after the other; the output on the right the
feature maps one after the other, so ``y = C x + b`` holds row by row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, layers, linked
from diagram_gen.examples import ConvLayer, subscript
from diagram_gen.figures import _blocks, _matrix
from diagram_gen.style import Theme

FIGURE_ID = "multichannel-matrix"
TITLE = "Several channels: a weight matrix made of blocks"

#: Grid units between two block columns, and of the band above each block row that holds
#: the blocks' labels.
GAP = 0.6
BAND = 0.8
#: Inches per cell when every entry is labelled, and the points of every text there but
#: the symbols: the 18 columns, b and y are 9.9 in wide, so that the page column (7.2
#: in) shows the 12 pt text at 8.7 pt, 11.6 CSS px, and a 4:3 slide (10 in) at 12.1 pt.
LABELLED_INCHES = 0.405
TEXT_FONT = 12


def slice_names(kernel_shape: tuple[int, ...]) -> tuple[str, ...]:
    """w₁₂ (row 1, column 2 of its slice) for every entry of a ``(C_out, C_in, k, k)``
    kernel: the block a cell lies in names its kernel and channel, so the cell needs only
    the position (a full name, w₁,₂,₁₂, is too wide for a cell the column can show)."""
    return tuple(
        f"w{subscript(a + 1)}{subscript(b + 1)}" for _, _, a, b in np.ndindex(*kernel_shape)
    )


def example(
    *,
    in_channels: int = 2,
    out_channels: int = 2,
    height: int = 3,
    width: int = 3,
    kernel: int = 2,
    seed: int = 3,
) -> ConvLayer:
    """The channels example (seed 003), small enough to label every entry.

    :func:`diagram_gen.examples.multichannel_example` with 2 input channels of 3x3 by
    default (its 3 channels of 4x4 give 864 entries, too many to label).
    """
    return examples.multichannel_example(
        in_channels=in_channels,
        out_channels=out_channels,
        height=height,
        width=width,
        kernel=kernel,
        seed=seed,
    )


@dataclass(frozen=True)
class BlockMatrix:
    example: ConvLayer
    index: np.ndarray  # (R, C) flat kernel index per entry, -1 for an untrainable zero
    matrix: np.ndarray  # (R, C) the dense weight matrix
    x: np.ndarray  # (C,) the input, channel after channel
    y: np.ndarray  # (R,) the output, feature map after feature map, bias included

    @property
    def shape(self) -> tuple[int, int]:
        return self.index.shape

    @property
    def channels(self) -> tuple[int, int]:
        """(C_out, C_in)."""
        return self.example.kernel.shape[0], self.example.kernel.shape[1]

    @property
    def block_shape(self) -> tuple[int, int]:
        """(outputs per feature map, inputs per channel): the size of one block."""
        c_out, c_in = self.channels
        return self.shape[0] // c_out, self.shape[1] // c_in

    @property
    def parameters(self) -> tuple[int, int]:
        """(distinct weights in the matrix, biases)."""
        return _blocks.trainable_count(self.index), self.example.bias.size

    @property
    def zero_count(self) -> int:
        return int((self.index < 0).sum())


def compute(example: ConvLayer) -> BlockMatrix:
    """The matrix of the example's convolution, its structure and ``y = C x + b``."""
    kwargs = example.layer_kwargs
    return BlockMatrix(
        example=example,
        index=layers.conv_matrix_index(example.kernel.shape, example.image.shape, **kwargs),
        matrix=layers.conv_matrix(example.kernel, example.image.shape, **kwargs),
        x=example.image.ravel(),
        y=example.output().ravel(),
    )


def render(data: BlockMatrix, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_block_matrix(ax, data, theme=theme)
    return fig


def draw_block_matrix(ax, data: BlockMatrix, *, theme: Theme) -> dict[str, list]:
    """The blocks with their labels and outlines, x above, one bias per block row, y."""
    if _matrix.is_labelled(data.shape):
        return _draw_labelled(ax, data, theme=theme)
    return _draw_image(ax, data, theme=theme)


def _draw_labelled(ax, data: BlockMatrix, *, theme: Theme) -> dict[str, list]:
    c_out, c_in = data.channels
    b_rows, b_cols = data.block_shape
    example = data.example
    lefts = [c * (b_cols + GAP) + j for c in range(c_in) for j in range(b_cols)]
    tops = [BAND + o * (b_rows + BAND) + i for o in range(c_out) for i in range(b_rows)]
    right = c_in * b_cols + (c_in - 1) * GAP
    bottom = c_out * (b_rows + BAND)
    artists: dict[str, list] = {"headers": [], "block_labels": [], "blocks": [], "bias": []}

    names = slice_names(example.kernel.shape)
    fills, texts = _matrix.weight_cells(data.index, example.kernel, names, theme)
    artists["cells"] = _blocks.draw_cell_grid(
        ax, fills, texts, theme=theme, lefts=lefts, tops=tops, dashed=data.index < 0,
        hatches=_matrix.weight_hatches(data.index), fontsize=TEXT_FONT,
    )  # fmt: skip
    # The input above its columns, with a header per channel.
    spatial = example.image.shape[1:]
    artists["x"] = _blocks.draw_vector(
        ax, data.x, theme=theme, fill=theme.input, positions=lefts, across=-1.2,
        vertical=False, prefix="x",
    )  # fmt: skip
    # Each channel's header names its channel: a pixel's name needs only its position.
    x_names = _blocks.position_names("x", (1, *spatial)) * example.image.shape[0]
    for j, left in enumerate(lefts):
        _blocks.text(ax, left + 0.5, -1.55, x_names[j], theme=theme,
                     gid=f"x-name-{j}", color=theme.muted, fontsize=TEXT_FONT)  # fmt: skip
    size = "×".join(str(s) for s in spatial)
    for c in range(c_in):
        centre = c * (b_cols + GAP) + b_cols / 2
        artists["headers"].append(
            _blocks.text(ax, centre, -2.25, f"input channel {c + 1} ({size})", theme=theme,
                         gid=f"col-header-{c}", fontsize=_blocks.HEADER_FONT)
        )  # fmt: skip
    _blocks.text(ax, -0.3, -0.7, "x", theme=theme, gid="x-symbol", ha="right", fontsize=15,
                 style="italic")  # fmt: skip

    # Blocks: label above, outline around, output channel on the left.
    for o in range(c_out):
        top = BAND + o * (b_rows + BAND)
        artists["headers"].append(
            _blocks.text(ax, -0.55, top + b_rows / 2, f"output channel {o + 1}", theme=theme,
                         gid=f"row-header-{o}", rotation=90, fontsize=_blocks.HEADER_FONT)
        )  # fmt: skip
        for c in range(c_in):
            left = c * (b_cols + GAP)
            artists["block_labels"].append(
                _blocks.text(ax, left + b_cols / 2, top - BAND / 2,
                             f"kernel {o + 1}, slice of channel {c + 1}", theme=theme,
                             gid=f"block-label-{o}-{c}", fontsize=TEXT_FONT)
            )  # fmt: skip
            artists["blocks"].append(
                _blocks.outline(ax, left, top, b_cols, b_rows, theme=theme, gid=f"block-{o}-{c}")
            )
        # One bias per block row: a tall box beside all the rows it is added to.
        bias_left = right + 0.7
        _blocks.text(ax, right + 0.35, top + b_rows / 2, "+", theme=theme, gid=f"plus-{o}")
        artists["blocks"].append(
            _blocks.outline(ax, bias_left, top, 1, b_rows, theme=theme, gid=f"bias-box-{o}",
                            linewidth=1.5)
        )  # fmt: skip
        artists["bias"].append(
            _blocks.text(ax, bias_left + 0.5, top + b_rows / 2,
                         f"b{subscript(o + 1)}\n{_matrix.format_number(example.bias[o])}",
                         theme=theme, gid=f"bias-{o}", linespacing=1.3)
        )  # fmt: skip

    # The output: = y_i beside every row, named by channel and position.
    y_names = _blocks.position_names("y", example.output().shape)
    y_left = right + 2.4
    for i, top in enumerate(tops):
        _blocks.text(ax, right + 2.05, top + 0.5, "=", theme=theme, gid=f"equals-{i}")
        _blocks.text(ax, y_left + 1.15, top + 0.5, y_names[i],
                     theme=theme, gid=f"y-name-{i}", ha="left", color=theme.muted,
                     fontsize=TEXT_FONT)  # fmt: skip
    artists["y"] = _blocks.draw_vector(
        ax, data.y, theme=theme, fill=theme.output, positions=tops, across=y_left,
        vertical=True, prefix="y",
    )  # fmt: skip
    for symbol, col in (("b", right + 1.2), ("y", y_left + 0.5)):
        _blocks.text(ax, col, -0.7, symbol, theme=theme, gid=f"{symbol}-symbol", fontsize=15,
                     style="italic")  # fmt: skip
    artists["count"] = [
        _blocks.text(ax, right / 2, bottom + 0.3, _count_line(data), theme=theme, gid="count",
                     va="top")
    ]  # fmt: skip
    _blocks.fit(ax, (-1.1, y_left + 2.3), (-2.8, bottom + 1.4), LABELLED_INCHES)
    return artists


def _count_line(data: BlockMatrix) -> str:
    rows, cols = data.shape
    weights, biases = data.parameters
    return (
        _blocks.count_text(weights, biases).replace("\n", " ")
        + f"\n{data.zero_count:,} of the {rows * cols:,} entries are untrainable zeros (grey)"
    )


def _draw_image(ax, data: BlockMatrix, *, theme: Theme) -> dict[str, list]:
    """Too many entries to label: one pixel per entry, block outlines, labels that fit."""
    rows, cols = data.shape
    c_out, c_in = data.channels
    b_rows, b_cols = data.block_shape
    inches = _matrix.IMAGE_INCHES / max(rows, cols)  # per entry
    unit = _matrix.CELL_INCHES / inches  # entries per cell of the labelled layout
    categories, palette = _blocks.weight_image(data.index, theme)
    artists: dict[str, list] = {"image": _blocks.draw_image(ax, categories, palette, theme=theme)}
    artists["blocks"] = _blocks.outline_blocks(
        ax, [o * b_rows for o in range(c_out + 1)], [c * b_cols for c in range(c_in + 1)],
        theme=theme, prefix="block",
    )  # fmt: skip
    headers = []
    if _blocks.fits(f"channel {c_in}", b_cols * inches, _blocks.LABEL_FONT):
        for c in range(c_in):
            headers.append(_blocks.text(ax, (c + 0.5) * b_cols, -0.35 * unit, f"channel {c + 1}",
                                        theme=theme, gid=f"col-header-{c}",
                                        fontsize=_blocks.LABEL_FONT))  # fmt: skip
    in_size = "×".join(str(s) for s in data.example.image.shape[1:])
    out_size = "×".join(str(s) for s in data.example.output().shape[1:])
    col_label = f"input: {_plural(c_in, 'channel')} of {in_size}"
    row_label = f"output: {_plural(c_out, 'feature map')} of {out_size}"
    # The output's label runs up the left side if the matrix is tall enough for it;
    # under a flat matrix it joins the input's label above.
    upright = _blocks.fits(row_label, rows * inches, _blocks.HEADER_FONT)
    headers.append(_blocks.text(ax, cols / 2, -1.0 * unit,
                                col_label if upright else f"{col_label}; {row_label}",
                                theme=theme, gid="col-label",
                                fontsize=_blocks.HEADER_FONT))  # fmt: skip
    if _blocks.fits(f"kernel {c_out}", b_rows * inches, _blocks.LABEL_FONT):
        for o in range(c_out):
            headers.append(_blocks.text(ax, -0.35 * unit, (o + 0.5) * b_rows, f"kernel {o + 1}",
                                        theme=theme, gid=f"row-header-{o}", rotation=90,
                                        fontsize=_blocks.LABEL_FONT))  # fmt: skip
    if upright:
        headers.append(_blocks.text(ax, -1.0 * unit, rows / 2, row_label, theme=theme,
                                    gid="row-label", rotation=90,
                                    fontsize=_blocks.HEADER_FONT))  # fmt: skip
    artists["headers"] = headers
    artists["bias"] = []
    if b_rows * inches >= 0.3:
        for o in range(c_out):
            label = f"+ b{subscript(o + 1)} = {_matrix.format_number(data.example.bias[o])}"
            artists["bias"].append(_blocks.text(ax, cols + 0.3 * unit, (o + 0.5) * b_rows, label,
                                                theme=theme, gid=f"bias-{o}", ha="left",
                                                fontsize=_blocks.LABEL_FONT))  # fmt: skip
        right = cols + 2.6 * unit
    else:
        right = cols + 0.3 * unit
    artists["count"] = [
        _blocks.text(ax, cols / 2, rows + 0.4 * unit, _count_line(data), theme=theme,
                     gid="count", va="top")
    ]  # fmt: skip
    _blocks.fit(ax, (-1.5 * unit, right), (-1.6 * unit, rows + 1.5 * unit), inches)
    return artists


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _shape_words(data: BlockMatrix) -> str:
    example = data.example
    size = "x".join(str(s) for s in example.image.shape[1:])
    kernel = "x".join(str(s) for s in example.kernel.shape[1:])  # C_in x k x k, one kernel
    c_out, c_in = data.channels
    return (
        f"{_plural(c_in, 'input channel')} of {size}, {_plural(c_out, 'kernel')} of {kernel} "
        f"(channels x height x width)"
    )


def caption(data: BlockMatrix) -> str:
    rows, cols = data.shape
    c_out, c_in = data.channels
    kh, kw = data.example.kernel.shape[2:]
    weights, biases = data.parameters
    return (
        f"The {rows} by {cols} weight matrix of a convolution with {_shape_words(data)}: one "
        f"block row per output channel (one kernel), one block column per input channel. "
        f"Block (o, c) is the convolution matrix of slice c of kernel o, with weights of its "
        f"own; each block row adds its channel's one bias. C_out × (C_in × k × k + 1) = "
        f"{c_out} × ({c_in} × {kh} × {kw} + 1) = {weights + biases} free parameters."
    )


def alt_text(data: BlockMatrix) -> str:
    rows, cols = data.shape
    c_out, c_in = data.channels
    b_rows, b_cols = data.block_shape
    weights, biases = data.parameters
    text = (
        f"{_blocks.a_or_an(rows).capitalize()} {rows} by {cols} weight matrix for "
        f"{_shape_words(data)}, drawn as {c_out} by "
        f"{c_in} outlined blocks of {b_rows} by {b_cols}: block row o belongs to kernel o "
        f"and output channel o, block column c to input channel c, and each block holds "
        f"the weights of one kernel slice, shifted along its diagonals. {data.zero_count} of "
        f"the {rows * cols} entries are untrainable zeros drawn grey; the others repeat "
        f"{weights} shared weights. Each block row adds one bias "
        f"(b = {_blocks.join(data.example.bias)}), {weights + biases} free parameters in all. "
    )
    if not _matrix.is_labelled(data.shape):
        return text + (
            "It is too large to label, drawn as an image: one pixel per entry, grey for "
            "zeros, one colour per kernel weight."
        )
    return text + (
        f"Every weight cell shows its position in its kernel slice (w₁₂: row 1, column 2) "
        f"and its value; the block it lies in names the kernel and the channel. Above the "
        f"columns is the input "
        f"x = ({_blocks.join(data.x, 100)}); the outputs are y = ({_blocks.join(data.y, 100)})."
    )


def links(data: BlockMatrix) -> linked.Links:
    """The blocks' entries as products, x's and y's cells as inputs and outputs."""
    example = data.example
    elements = linked.product_elements(data.index, "m-{row}-{col}")
    if _matrix.is_labelled(data.shape):
        channels, *spatial = example.image.shape
        out_channels, *out_spatial = example.output().shape
        positions = _blocks.position_names("x", (1, *spatial))
        x_names = [f"{p} of channel {c + 1}" for c in range(channels) for p in positions]
        out_positions = _blocks.position_names("y", (1, *out_spatial))
        y_names = [f"{p} of map {c + 1}" for c in range(out_channels) for p in out_positions]
        linked.tag_each(
            elements, "input", x_names, data.x, lambda j: [f"x-{j}-box", f"x-{j}", f"x-name-{j}"]
        )
        linked.tag_each(
            elements, "output", y_names, data.y, lambda i: [f"y-{i}-box", f"y-{i}", f"y-name-{i}"]
        )
    return linked.Links(linked.conv_group(example), elements)
