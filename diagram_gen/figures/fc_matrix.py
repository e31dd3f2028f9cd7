"""``fc-matrix``: the fully connected layer as its weight matrix, ``y = W x + b``.

Every entry of W is a weight of its own; the cell colour shows its sign and size and the
cell text its value, so the figure reads the same without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, linked
from diagram_gen.examples import Dense, subscript
from diagram_gen.figures import _matrix
from diagram_gen.style import Theme

FIGURE_ID = "fc-matrix"
TITLE = "A fully connected layer as a weight matrix"
example = examples.fully_connected


@dataclass(frozen=True)
class FcMatrixData:
    layer: Dense
    y: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.layer.weights.shape


def compute(layer: Dense) -> FcMatrixData:
    """The layer and its output ``y = W x + b``."""
    return FcMatrixData(layer, layer.output())


def render(data: FcMatrixData, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_fc_matrix(ax, data, theme=theme)
    return fig


def draw_fc_matrix(ax, data: FcMatrixData, *, theme: Theme) -> dict[str, list]:
    """Draw W, x, b and y with every number written in its cell, sized for the column."""
    weights = data.layer.weights
    if not _matrix.is_labelled(weights.shape):
        rows, cols = weights.shape
        return _matrix.draw_matrix_image(
            ax,
            _matrix.value_colours(weights, theme),
            theme=theme,
            row_label=f"{rows} outputs (rows)",
            col_label=f"{cols} inputs (columns)",
        )
    fills, texts = _matrix.value_cells(weights, theme)
    rows, cols = weights.shape
    product = _matrix.MatrixProduct(
        fills=fills,
        texts=texts,
        x=data.layer.x,
        bias=data.layer.bias,
        y=data.y,
        x_names=[f"x{subscript(j + 1)}" for j in range(cols)],
        y_names=[f"y{subscript(i + 1)}" for i in range(rows)],
    )
    return _matrix.draw_matrix_product(ax, product, theme=theme, layout=_matrix.COLUMN_LAYOUT)


def caption(data: FcMatrixData) -> str:
    rows, cols = data.shape
    return (
        f"A fully connected layer from {cols} inputs to {rows} outputs: y = W x + b, "
        f"with one row of W per output and one column per input. Every one of the "
        f"{rows * cols} entries is a trainable weight of its own."
    )


def alt_text(data: FcMatrixData) -> str:
    rows, cols = data.shape
    text = (
        f"A {rows} by {cols} weight matrix W of a fully connected layer, with {rows * cols} "
        f"weights and {rows} biases, {rows * cols + rows} parameters in all. "
    )
    if _matrix.is_labelled(data.shape):
        first_row = _matrix.listing(data.layer.weights[0])
        text += (
            f"Each cell holds its weight, coloured by sign (blue positive, orange negative); "
            f"the first row is {first_row}. The input x = ({_matrix.listing(data.layer.x)}) is "
            f"written above the columns, and each row plus its bias "
            f"b = ({_matrix.listing(data.layer.bias)}) gives one output, "
            f"y = ({_matrix.listing(data.y)})."
        )
    else:
        text += (
            "It is too large to label cell by cell, so it is drawn as an image with one "
            "pixel per weight, blue for positive and orange for negative weights."
        )
    return text


def links(data: FcMatrixData) -> linked.Links:
    """W's entries, each its own weight, x's and y's cells, by their gids."""
    rows, cols = data.shape
    names = (
        [f"x{subscript(j + 1)}" for j in range(cols)],
        [f"y{subscript(i + 1)}" for i in range(rows)],
    )
    elements = _matrix.product_links(linked.dense_index(data.shape), data.layer.x, data.y, *names)
    return linked.Links(linked.dense_group(data.layer), elements)
