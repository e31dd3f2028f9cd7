"""``fc-vs-conv-matrix``: the headline. Two weight matrices of the same shape, side by side.

Left, a fully connected layer: every entry is a free weight. Right, the convolution with
the same input and output sizes: most entries are untrainable zeros and the rest repeat
the kernel's few weights. Under each, the number of free parameters, counted from the
matrices themselves (distinct trainable entries plus biases).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from diagram_gen import examples, layers
from diagram_gen.examples import ConvLayer, Dense
from diagram_gen.figures import _matrix
from diagram_gen.style import Theme

FIGURE_ID = "fc-vs-conv-matrix"
TITLE = "The same shape, two layers: fully connected and convolutional"
example = examples.conv_example

#: Grid units between the two matrices.
GAP = 0.8
#: Inches per cell when every entry is labelled: the two 9-column matrices side by side
#: are 8.9 in, shown in the 7.2 in page column with their 11 pt text at 8.8 pt, and
#: fitted to a 4:3 slide (10 in across) at 12.3 pt.
CELL_INCHES = 0.465
#: Inches across both images when the matrices are too large to label.
IMAGE_WIDTH = 8.5
#: Points: the cells' numbers, the titles and the parameter counts.
CELL_FONT, TITLE_FONT, COUNT_FONT = 11, 12, 11


@dataclass(frozen=True)
class Comparison:
    conv: ConvLayer
    conv_index: np.ndarray  # (R, C) kernel position per entry, -1 for an untrainable zero
    dense: Dense  # a fully connected layer with the same numbers of inputs and outputs

    @property
    def shape(self) -> tuple[int, int]:
        return self.conv_index.shape

    @property
    def dense_parameters(self) -> tuple[int, int]:
        """(weights, biases) of the fully connected layer: every entry is its own."""
        return self.dense.weights.size, self.dense.bias.size

    @property
    def conv_parameters(self) -> tuple[int, int]:
        """(weights, biases) of the convolution: the distinct weights its matrix holds."""
        used = np.unique(self.conv_index[self.conv_index >= 0]).size
        return used, self.conv.bias.size

    @property
    def zero_count(self) -> int:
        return int((self.conv_index < 0).sum())


def compute(conv: ConvLayer) -> Comparison:
    """The convolution's matrix structure and a dense layer of the same shape."""
    index = layers.conv_matrix_index(conv.kernel.shape, conv.image.shape, **conv.layer_kwargs)
    rows, cols = index.shape
    return Comparison(conv, index, examples.fully_connected(n_in=cols, n_out=rows))


def render(data: Comparison, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_comparison(ax, data, theme=theme)
    return fig


def _count_lines(weights: int, biases: int, *, shared: bool) -> str:
    kind = "shared weights" if shared else "weights"
    bias = "bias" if biases == 1 else "biases"
    return f"{weights:,} {kind} + {biases:,} {bias}\n= {weights + biases:,} free parameters"


def draw_comparison(ax, data: Comparison, *, theme: Theme) -> dict[str, list]:
    """Both matrices, their titles and their parameter counts; returns the artists."""
    rows, cols = data.shape
    labelled = _matrix.is_labelled(data.shape)
    unit = 1.0 if labelled else max(rows, cols) / 12
    right = cols + GAP * unit
    artists: dict[str, list] = {}
    if labelled:
        dense_fills, dense_texts = _matrix.value_cells(data.dense.weights, theme)
        conv_fills, conv_texts = _matrix.weight_cells(
            data.conv_index, data.conv.kernel, data.conv.weight_names, theme
        )
        artists["dense"] = _matrix.draw_cells(
            ax, dense_fills, dense_texts, theme=theme, prefix="fc", fontsize=CELL_FONT
        )
        artists["conv"] = _matrix.draw_cells(
            ax, conv_fills, conv_texts, theme=theme, origin=(right, 0),
            dashed=data.conv_index < 0, prefix="conv",
            hatches=_matrix.weight_hatches(data.conv_index), fontsize=CELL_FONT,
        )  # fmt: skip
        title_gap = 0.45
    else:
        dense_pixels = _matrix.value_colours(data.dense.weights, theme)
        conv_pixels = _matrix.category_image(
            _matrix.weight_categories(data.conv_index),
            _matrix.weight_image_palette(data.conv_index, theme),
        )
        artists["dense"] = [ax.imshow(dense_pixels, extent=(0, cols, rows, 0), gid="fc-image")]
        artists["conv"] = [
            ax.imshow(conv_pixels, extent=(right, right + cols, rows, 0), gid="conv-image")
        ]
        for left in (0, right):
            ax.add_patch(Rectangle((left, 0), cols, rows, fill=False,
                                   edgecolor=theme.foreground, linewidth=0.8))  # fmt: skip
        title_gap = max(rows, cols) / 30
    title_size, count_size = TITLE_FONT, COUNT_FONT
    artists["titles"] = [
        ax.text(cols / 2, -title_gap, f"Fully connected: W ({rows}×{cols})", ha="center",
                va="bottom", fontsize=title_size, gid="fc-title"),
        ax.text(right + cols / 2, -title_gap, f"Convolution: C ({rows}×{cols})", ha="center",
                va="bottom", fontsize=title_size, gid="conv-title"),
    ]  # fmt: skip
    zeros = f"\n{data.zero_count:,} untrainable zeros (grey)"
    artists["counts"] = [
        ax.text(cols / 2, rows + title_gap, _count_lines(*data.dense_parameters, shared=False),
                ha="center", va="top", fontsize=count_size, gid="fc-count"),
        ax.text(right + cols / 2, rows + title_gap,
                _count_lines(*data.conv_parameters, shared=True) + zeros,
                ha="center", va="top", fontsize=count_size, gid="conv-count"),
    ]  # fmt: skip
    margin = 0.2 * unit
    _fit(ax, (-margin, right + cols + margin), (-1.1 * unit, rows + 2.1 * unit), unit)
    return artists


def _fit(ax, xlim: tuple[float, float], ylim: tuple[float, float], unit: float) -> None:
    """One grid unit is a cell in the labelled layout; images get a fixed total width."""
    ax.set_xlim(*xlim)
    ax.set_ylim(ylim[1], ylim[0])
    inches = CELL_INCHES if unit == 1.0 else IMAGE_WIDTH / (xlim[1] - xlim[0])
    ax.figure.set_size_inches((xlim[1] - xlim[0]) * inches, (ylim[1] - ylim[0]) * inches)


def caption(data: Comparison) -> str:
    rows, cols = data.shape
    dense, conv = sum(data.dense_parameters), sum(data.conv_parameters)
    return (
        f"Two {rows} by {cols} weight matrices for the same input and output sizes. The "
        f"fully connected layer has {dense} free parameters; the convolution has {conv}, "
        f"because most of its entries are zeros and the rest repeat the kernel."
    )


def alt_text(data: Comparison) -> str:
    rows, cols = data.shape
    (dw, db), (cw, cb) = data.dense_parameters, data.conv_parameters
    text = (
        f"Two {rows} by {cols} matrices side by side. Left, a fully connected layer: all "
        f"{dw} entries are independent weights (coloured by sign), plus {db} biases, "
        f"{dw + db} free parameters. Right, the convolution of a "
        f"{'x'.join(map(str, data.conv.image.shape[1:]))} input with a "
        f"{'x'.join(map(str, data.conv.kernel.shape[2:]))} kernel: {data.zero_count} "
        f"entries are untrainable zeros drawn grey and the other {rows * cols - data.zero_count} "
        f"repeat only {cw} shared weights, plus {cb} "
        f"{'bias' if cb == 1 else 'biases'}, {cw + cb} free parameters."
    )
    if not _matrix.is_labelled(data.shape):
        text += " Both are too large to label cell by cell and are drawn as images."
    return text
