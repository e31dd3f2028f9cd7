"""``fc-matrix``: the fully connected layer as its weight matrix, ``y = W x + b``.

Every entry of W is a weight of its own; the cell colour shows its sign and size and the
cell text its value, so the figure reads the same without colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import Normalize, to_hex
from matplotlib.figure import Figure

from diagram_gen import examples
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


def value_colours(values: np.ndarray, theme: Theme) -> np.ndarray:
    """Cell colours for signed weights, symmetric around zero."""
    limit = float(np.abs(values).max()) or 1.0
    norm = Normalize(-limit, limit)
    # Keep away from the palest middle so that small weights still look like cells.
    scaled = 0.5 + 0.8 * (norm(values) - 0.5)
    return theme.diverging(scaled)


def render(data: FcMatrixData, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_fc_matrix(ax, data, theme=theme)
    return fig


def draw_fc_matrix(ax, data: FcMatrixData, *, theme: Theme) -> dict[str, list]:
    """Draw W, x, b and y with every number written in its cell."""
    weights = data.layer.weights
    colours = value_colours(weights, theme)
    if not _matrix.is_labelled(weights.shape):
        rows, cols = weights.shape
        return _matrix.draw_matrix_image(
            ax,
            colours,
            theme=theme,
            row_label=f"{rows} outputs (rows)",
            col_label=f"{cols} inputs (columns)",
        )
    fills = np.array([[to_hex(c) for c in row] for row in colours])
    texts = np.vectorize(_matrix.format_number, otypes=[object])(weights)
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
    return _matrix.draw_matrix_product(ax, product, theme=theme)


def _listing(values: np.ndarray, limit: int = 12) -> str:
    shown = ", ".join(_matrix.format_number(v) for v in values[:limit])
    return shown + (", …" if values.size > limit else "")


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
        first_row = _listing(data.layer.weights[0])
        text += (
            f"Each cell holds its weight, coloured by sign (blue positive, orange negative); "
            f"the first row is {first_row}. The input x = ({_listing(data.layer.x)}) is "
            f"written above the columns, and each row plus its bias "
            f"b = ({_listing(data.layer.bias)}) gives one output, "
            f"y = ({_listing(data.y)})."
        )
    else:
        text += (
            "It is too large to label cell by cell, so it is drawn as an image with one "
            "pixel per weight, blue for positive and orange for negative weights."
        )
    return text
