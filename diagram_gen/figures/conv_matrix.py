"""``conv-matrix``: a convolution written as one matrix product, ``y = C x + b``.

Each row of C is one placement of the kernel. Entries the kernel never touches are
untrainable zeros (grey, written ``0``, dashed outline); every other entry holds one of the
kernel's weights, and entries holding the same weight share its colour and its name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, layers, linked
from diagram_gen.examples import ConvLayer, subscript
from diagram_gen.figures import _matrix
from diagram_gen.steps import Step, layer_steps
from diagram_gen.style import Theme, weight_identity

FIGURE_ID = "conv-matrix"
TITLE = "A convolution as a weight matrix"
example = examples.conv_example


@dataclass(frozen=True)
class ConvMatrixData:
    example: ConvLayer
    matrix: np.ndarray  # (R, C) dense weight matrix
    index: np.ndarray  # (R, C) flat kernel index per entry, -1 for an untrainable zero
    x: np.ndarray  # (C,) the flattened input
    bias: np.ndarray  # (R,) the bias of each row's output channel
    y: np.ndarray  # (R,) the flattened output, bias included

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def zero_count(self) -> int:
        return int((self.index < 0).sum())


def compute(example: ConvLayer) -> ConvMatrixData:
    """The dense matrix of the example's convolution, its structure and the product."""
    kwargs = dict(example.layer_kwargs)
    index = layers.conv_matrix_index(example.kernel.shape, example.image.shape, **kwargs)
    matrix = layers.conv_matrix(example.kernel, example.image.shape, **kwargs)
    output = example.output()
    per_channel = int(np.prod(output.shape[1:]))
    return ConvMatrixData(
        example=example,
        matrix=matrix,
        index=index,
        x=example.image.ravel(),
        bias=np.repeat(example.bias, per_channel),
        y=output.ravel(),
    )


def steps(data: ConvMatrixData) -> list[Step]:
    """One step per row of C: the placement that writes that output."""
    return layer_steps(data.example)


def render(data: ConvMatrixData, theme: Theme, step: Step | None = None) -> Figure:
    """The still figure, or with ``step`` its row, input values and output lit."""
    fig, ax = _matrix.new_figure(theme)
    draw_conv_matrix(ax, data, theme=theme, layout=_matrix.COLUMN_LAYOUT)
    if step is not None:
        _matrix.light_product_step(ax, step, theme, labelled=_matrix.is_labelled(data.shape))
        _matrix.step_heading(fig, ax, step.text, theme)
    return fig


def draw_conv_matrix(
    ax,
    data: ConvMatrixData,
    *,
    theme: Theme,
    layout: _matrix.ProductLayout = _matrix.COLUMN_LAYOUT,
) -> dict[str, list]:
    """Draw C with named shared weights and grey zeros, x above it, b and y beside it.

    ``layout`` sizes a labelled matrix (:class:`~diagram_gen.figures._matrix.ProductLayout`):
    the page column's by default.
    """
    if not _matrix.is_labelled(data.shape):
        rows, cols = data.shape
        return _matrix.draw_weight_pattern(
            ax,
            data.index,
            data.example.kernel,
            data.example.weight_names,
            theme=theme,
            row_label=f"{rows} outputs (one row per kernel placement)",
            col_label=f"{cols} inputs (flattened image)",
            inches=layout.pattern_inches,
        )
    fills, texts = _matrix.weight_cells(
        data.index, data.example.kernel, data.example.weight_names, theme
    )
    out_shape = data.example.output().shape
    in_shape = data.example.image.shape
    product = _matrix.MatrixProduct(
        fills=fills,
        texts=texts,
        x=data.x,
        bias=data.bias,
        y=data.y,
        x_names=[_position_name("x", idx, in_shape) for idx in np.ndindex(*in_shape)],
        y_names=[_position_name("y", idx, out_shape) for idx in np.ndindex(*out_shape)],
        matrix_name="C",
        dashed=data.index < 0,
        hatches=_matrix.weight_hatches(data.index),
    )
    return _matrix.draw_matrix_product(ax, product, theme=theme, layout=layout)


def _position_name(symbol: str, index: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """x₁₂ for row 1, column 2 of a single-channel map; x₂,₁₂ with a channel number.

    Past nine rows or columns the indices get commas (x₁,₁₂), so that a name never
    reads two ways.
    """
    channel, *position = index
    separator = "," if max(shape[1:]) > 9 else ""
    text = symbol + separator.join(subscript(p + 1) for p in position)
    if shape[0] > 1:
        text = f"{symbol}{subscript(channel + 1)},{text[1:]}"
    return text


def theme_words(k: int) -> str:
    """``(orange)``, ``(mauve with diagonal lines)``: weight ``k``'s look in the alt text."""
    return f"({weight_identity(k).words})"


def _join(values) -> str:
    return ", ".join(_matrix.format_number(v) for v in values)


def caption(data: ConvMatrixData) -> str:
    rows, cols = data.shape
    example = data.example
    kh, kw = example.kernel.shape[-2:]
    return (
        f"The convolution of a {_size(example.image.shape)} input with a {kh}x{kw} kernel "
        f"as a {rows} by {cols} weight matrix: each row is one placement of the kernel. "
        + (
            "Grey zeros are untrainable; cells with the same colour, pattern and name are "
            "one shared weight."
            if _matrix.is_labelled(data.shape)
            else "Grey cells are untrainable zeros; cells with the same colour and pattern "
            "are one shared weight, named in the key (too many cells to label each one)."
            if _matrix.has_patterns(data.shape)
            else "Grey pixels are untrainable zeros; the coloured bands are the shared "
            "weights (too many cells to label or pattern)."
        )
    )


def _size(shape: tuple[int, ...]) -> str:
    channels, *spatial = shape
    text = "x".join(str(s) for s in spatial)
    return text if channels == 1 else f"{channels}-channel {text}"


def _bias_words(bias: np.ndarray) -> str:
    if bias.size == 1:
        return f"the shared bias b = {_matrix.format_number(bias[0])}"
    return f"its output channel's bias (b = {_join(bias)})"


def alt_text(data: ConvMatrixData) -> str:
    rows, cols = data.shape
    example = data.example
    weights = example.kernel.size
    text = (
        f"A {rows} by {cols} weight matrix C for a convolution over a "
        f"{_size(example.image.shape)} input. Of its {rows * cols} entries, "
        f"{data.zero_count} are untrainable zeros drawn grey and "
        f"{rows * cols - data.zero_count} hold one of only {weights} shared kernel "
        f"weights. "
    )
    if not _matrix.is_labelled(data.shape):
        note = _matrix.omission_note(data.shape, weights)
        if not _matrix.has_patterns(data.shape):
            return text + (
                f"It is too large to label cell by cell, so it is drawn as an image with one "
                f"pixel per entry, grey for zeros, which "
                f"shows the diagonal bands of the shared weights. {note}"
            )
        looks = ", ".join(
            f"{name} = {_matrix.format_number(value)} {theme_words(k)}"
            for k, (name, value) in enumerate(
                zip(example.weight_names, example.kernel.ravel(), strict=True)
            )
        )
        return text + (
            f"It is drawn cell by cell, grey for zeros, which shows the diagonal bands of "
            f"the shared weights. {note} The key beside the matrix: {looks}."
        )
    named = ", ".join(
        f"{name} = {_matrix.format_number(value)}"
        for name, value in zip(example.weight_names, example.kernel.ravel(), strict=True)
    )
    return text + (
        f"Each row holds the kernel weights {named}, shifted to the columns of one patch, "
        f"each weight with its own colour, pattern and name. Above the columns is the flattened "
        f"input x = ({_join(data.x)}); each row plus {_bias_words(example.bias)} "
        f"gives one output, y = ({_join(data.y)})."
    )


def links(data: ConvMatrixData) -> linked.Links:
    """C's entries, x's and y's cells, by their gids, as outputs, inputs and weights."""
    elements = link_elements(data)
    return linked.Links(linked.conv_group(data.example), elements, linked.step_texts(steps(data)))


def link_elements(data: ConvMatrixData) -> dict[str, linked.Link]:
    """The linked elements of :func:`draw_conv_matrix` (conv-linked's matrix panel too)."""
    out_shape, in_shape = data.example.output().shape, data.example.image.shape
    x_names = [_position_name("x", idx, in_shape) for idx in np.ndindex(*in_shape)]
    y_names = [_position_name("y", idx, out_shape) for idx in np.ndindex(*out_shape)]
    return _matrix.product_links(data.index, data.x, data.y, x_names, y_names)
