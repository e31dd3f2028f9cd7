"""``transposed-matrix``: the transposed convolution multiplies by the transpose, Cᵀ.

Left, the small example's weight matrix C (9 inputs to 4 outputs). Right, its transpose
Cᵀ with the same names and colours: row i of C is column i of Cᵀ. Cᵀ takes 4 values back
to 9, the input's shape (not its values: Cᵀ is not the inverse of C). The 4 values fed in
are the example's outputs y, and ``Cᵀ y`` is checked against
:func:`diagram_gen.layers.conv_transpose`, which never builds a matrix.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, layers, linked
from diagram_gen.examples import ConvLayer
from diagram_gen.figures import _blocks, _matrix
from diagram_gen.style import Theme

FIGURE_ID = "transposed-matrix"
TITLE = "A transposed convolution multiplies by the transposed matrix"

#: Grid units between C and the row of y above Cᵀ.
GAP = 1.6
#: Inches per cell when labelled, and points of the titles, the note and every other
#: text: the figure is 9 in wide, shown in the 7.2 in page column with its 12 pt text at
#: 9.6 pt (12.8 CSS px).
LABELLED_INCHES = 0.42
TITLE_FONT, NOTE_FONT, TEXT_FONT = 13, 12, 12


# The parameters are conv_example's own, not a copy of its list: wraps sets __wrapped__,
# which inspect.signature (how the registry reads them) follows; assigned=() keeps this
# function's own name and docstring.
@functools.wraps(examples.conv_example, assigned=())
def example(**params: Any) -> ConvLayer:
    """The small example (:func:`diagram_gen.examples.conv_example`) or the reader's own.

    Refuses ``padding='same'`` when it pads one side more than the other: a transposed
    convolution crops the same amount from both sides and cannot express it.
    """
    layer = examples.conv_example(**params)
    _symmetric_padding(layer)
    return layer


def _symmetric_padding(layer: ConvLayer) -> int:
    """The padding per side as an int (``'valid'`` is 0, an even ``'same'`` its half)."""
    if not isinstance(layer.padding, str):
        return layer.padding
    if layer.padding == "valid":
        return 0
    total = layer.dilation * (layer.kernel.shape[-1] - 1)
    if total % 2:
        raise ValueError(
            f"padding='same' must pad both sides equally for a transposed convolution, "
            f"which needs an odd dilated kernel, got kernel={layer.kernel.shape[-1]} with "
            f"dilation={layer.dilation}."
        )
    return total // 2


@dataclass(frozen=True)
class TransposeData:
    example: ConvLayer
    index: np.ndarray  # (R, C) of C: flat kernel index per entry, -1 for an untrainable zero
    y: np.ndarray  # (R,) the example's outputs: what the transposed convolution takes in
    z: np.ndarray  # (C,) Cᵀ y, from the matrix
    z_layer: np.ndarray  # (C,) conv_transpose(y) with the same kernel, no matrix built
    output_padding: tuple[int, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return self.index.shape

    @property
    def agrees(self) -> bool:
        return bool(np.allclose(self.z, self.z_layer, rtol=0, atol=1e-9))

    @property
    def labelled(self) -> bool:
        """Both matrices side by side, with vectors, small enough to label every cell."""
        rows, cols = self.shape
        return _matrix.is_labelled((cols, rows + cols))


def compute(example: ConvLayer) -> TransposeData:
    """C, y = C x + b, Cᵀ y, and the transposed convolution of y for comparison."""
    kwargs = example.layer_kwargs
    matrix = layers.conv_matrix(example.kernel, example.image.shape, **kwargs)
    output = example.output()
    padding = _symmetric_padding(example)
    spatial, out_spatial = example.image.shape[1:], output.shape[1:]
    kernel = example.kernel.shape[2:]
    # The transposed convolution's natural size can fall short of the input's when the
    # stride skipped the last positions; output_padding adds them back at the end.
    output_padding = tuple(
        n - ((m - 1) * example.stride - 2 * padding + example.dilation * (k - 1) + 1)
        for n, m, k in zip(spatial, out_spatial, kernel, strict=True)
    )
    z_layer = layers.conv_transpose(
        output, example.kernel, stride=example.stride, padding=padding,
        dilation=example.dilation, output_padding=output_padding,
    )  # fmt: skip
    return TransposeData(
        example=example,
        index=layers.conv_matrix_index(example.kernel.shape, example.image.shape, **kwargs),
        y=output.ravel(),
        z=matrix.T @ output.ravel(),
        z_layer=z_layer.ravel(),
        output_padding=output_padding,
    )


def render(data: TransposeData, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_transposed(ax, data, theme=theme)
    return fig


def _titles(data: TransposeData) -> tuple[str, str]:
    rows, cols = data.shape
    return (
        f"C ({rows}×{cols}): the convolution\n{_count(cols, 'input')} → {_count(rows, 'output')}",
        f"Cᵀ ({cols}×{rows}): the transposed convolution\n"
        f"{_count(rows, 'input')} → {_count(cols, 'output')}",
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _right_of_texts(data: TransposeData, cols: float, inches: float) -> float:
    """Where Cᵀ may start: past C and past the title and note centred over C."""
    half = max(
        _blocks.text_inches(_titles(data)[0], TITLE_FONT),
        _blocks.text_inches(_note(data), NOTE_FONT),
    ) / (2 * inches)
    return max(cols, cols / 2 + half)


def _note(data: TransposeData) -> str:
    relation = "equals" if data.agrees else "differs from"
    return (
        f"Row i of C is column i of Cᵀ:\nthe same weights, names and colours.\n\n"
        f"Cᵀ y {relation} the transposed convolution\nof y with the same kernel, "
        f"computed\nwithout any matrix.\n\n"
        f"Cᵀ y has the shape of x, not its values:\nCᵀ is not the inverse of C."
    )


def draw_transposed(ax, data: TransposeData, *, theme: Theme) -> dict[str, list]:
    """C on the left, Cᵀ on the right with y above it and Cᵀ y beside it."""
    if not data.labelled:
        return _draw_images(ax, data, theme=theme)
    rows, cols = data.shape
    example = data.example
    fills, texts = _matrix.weight_cells(data.index, example.kernel, example.weight_names, theme)
    dashed = data.index < 0
    hatches = _matrix.weight_hatches(data.index)
    artists: dict[str, list] = {}
    # C, with the input's names over its columns and the output's beside its rows.
    artists["c"] = _blocks.draw_cell_grid(
        ax, fills, texts, theme=theme, lefts=list(range(cols)), tops=list(range(rows)),
        dashed=dashed, prefix="c", hatches=hatches, fontsize=TEXT_FONT,
    )  # fmt: skip
    x_names = _blocks.position_names("x", example.image.shape)
    y_names = _blocks.position_names("y", example.output().shape)
    for j, name in enumerate(x_names):
        _blocks.text(ax, j + 0.5, -0.35, name, theme=theme, gid=f"c-col-{j}",
                     color=theme.muted, fontsize=TEXT_FONT)  # fmt: skip
    for i, name in enumerate(y_names):
        _blocks.text(ax, -0.15, i + 0.5, name, theme=theme, gid=f"c-row-{i}", ha="right",
                     color=theme.muted, fontsize=TEXT_FONT)  # fmt: skip
    # Cᵀ: the very same cells, transposed, with y above and z = Cᵀ y beside.
    left = _right_of_texts(data, cols, LABELLED_INCHES) + GAP
    artists["ct"] = _blocks.draw_cell_grid(
        ax, fills.T, texts.T, theme=theme, lefts=[left + j for j in range(rows)],
        tops=list(range(cols)), dashed=dashed.T, prefix="ct", hatches=hatches.T,
        fontsize=TEXT_FONT,
    )  # fmt: skip
    artists["y"] = _blocks.draw_vector(
        ax, data.y, theme=theme, fill=theme.input, positions=[left + j for j in range(rows)],
        across=-1.4, vertical=False, prefix="y",
    )  # fmt: skip
    for j, name in enumerate(y_names):
        _blocks.text(ax, left + j + 0.5, -1.75, name, theme=theme, gid=f"y-name-{j}",
                     color=theme.muted, fontsize=TEXT_FONT)  # fmt: skip
    _blocks.text(ax, left - 0.3, -0.9, "y", theme=theme, gid="y-symbol", ha="right",
                 fontsize=15, style="italic")  # fmt: skip
    z_left = left + rows + 0.7
    for i in range(cols):
        _blocks.text(ax, left + rows + 0.35, i + 0.5, "=", theme=theme, gid=f"equals-{i}")
        _blocks.text(ax, z_left + 1.15, i + 0.5, f"at {x_names[i]}", theme=theme,
                     gid=f"z-name-{i}", ha="left", color=theme.muted,
                     fontsize=TEXT_FONT)  # fmt: skip
    artists["z"] = _blocks.draw_vector(
        ax, data.z, theme=theme, fill=theme.output, positions=list(range(cols)),
        across=z_left, vertical=True, prefix="z",
    )  # fmt: skip
    _blocks.text(ax, z_left + 0.5, -0.4, "Cᵀy", theme=theme, gid="z-symbol", fontsize=15,
                 style="italic")  # fmt: skip
    c_title, ct_title = _titles(data)
    artists["titles"] = [
        _blocks.text(ax, cols / 2, -2.2, c_title, theme=theme, gid="c-title", va="bottom",
                     fontsize=TITLE_FONT, linespacing=1.3),
        _blocks.text(ax, left + rows / 2, -2.2, ct_title, theme=theme, gid="ct-title",
                     va="bottom", fontsize=TITLE_FONT, linespacing=1.3),
    ]  # fmt: skip
    artists["note"] = [
        _blocks.text(ax, cols / 2, rows + 1.0, _note(data), theme=theme, gid="note", va="top",
                     fontsize=NOTE_FONT, linespacing=1.35)
    ]  # fmt: skip
    # Nine lines of the note, in grid units (fit also grows the limits to every text).
    note_bottom = rows + 1.0 + 9 * NOTE_FONT * 1.35 / 72 / LABELLED_INCHES
    _blocks.fit(ax, (-1.1, z_left + 2.6), (-3.6, max(cols, note_bottom) + 0.3),
                LABELLED_INCHES)  # fmt: skip
    return artists


def _draw_images(ax, data: TransposeData, *, theme: Theme) -> dict[str, list]:
    """Too large to label: C and Cᵀ as images, one pixel per entry, same colours."""
    rows, cols = data.shape
    inches = _matrix.IMAGE_INCHES / (rows + cols)
    unit = _matrix.CELL_INCHES / inches
    categories, palette = _blocks.weight_image(data.index, theme)
    left = _right_of_texts(data, cols, inches) + 1.5 * unit
    artists = {
        "c": _blocks.draw_image(ax, categories, palette, theme=theme, gid="c-image"),
        "ct": _blocks.draw_image(ax, categories.T, palette, theme=theme, origin=(left, 0),
                                 gid="ct-image"),
    }  # fmt: skip
    c_title, ct_title = _titles(data)
    artists["titles"] = [
        _blocks.text(ax, cols / 2, -0.4 * unit, c_title, theme=theme, gid="c-title",
                     va="bottom", fontsize=_blocks.HEADER_FONT, linespacing=1.3),
        _blocks.text(ax, left + rows / 2, -0.4 * unit, ct_title, theme=theme, gid="ct-title",
                     va="bottom", fontsize=_blocks.HEADER_FONT, linespacing=1.3),
    ]  # fmt: skip
    artists["note"] = [
        _blocks.text(ax, cols / 2, rows + 0.8 * unit, _note(data), theme=theme, gid="note",
                     va="top", fontsize=_blocks.HEADER_FONT, linespacing=1.3)
    ]  # fmt: skip
    text_right = max(left + rows, cols / 2 + 3.0 * unit, left + rows / 2 + 3.0 * unit)
    bottom = max(cols, rows + 0.8 * unit + 9 * 0.36 * unit)
    _blocks.fit(ax, (-0.5 * unit, text_right + 0.4 * unit), (-1.5 * unit, bottom + 0.4 * unit),
                inches)  # fmt: skip
    return artists


def caption(data: TransposeData) -> str:
    rows, cols = data.shape
    return (
        f"The convolution's {rows} by {cols} weight matrix C and its transpose Cᵀ, with the "
        f"same weights in the same colours: the transposed convolution multiplies by Cᵀ "
        f"and takes {rows} values back to {cols}, the input's shape. It restores the shape, "
        f"not the values: Cᵀ is not the inverse of C. Here Cᵀ y "
        f"{'equals' if data.agrees else 'differs from'} the transposed convolution of y "
        f"computed without a matrix."
    )


def alt_text(data: TransposeData) -> str:
    rows, cols = data.shape
    example = data.example
    zeros = int((data.index < 0).sum())
    named = ", ".join(
        f"{name} = {_matrix.format_number(value)}"
        for name, value in zip(example.weight_names, example.kernel.ravel(), strict=True)
    )
    text = (
        f"Left, the {rows} by {cols} weight matrix C of a convolution; right, its {cols} by "
        f"{rows} transpose Cᵀ, whose column i is row i of C, with the same weight names and "
        f"colours and the same {zeros} untrainable zeros in grey. "
    )
    if not data.labelled:
        return text + (
            f"Both are too large to label, drawn as images with one pixel per entry. Cᵀ "
            f"maps {rows} values back to {cols}; for the example's outputs the result "
            f"{'equals' if data.agrees else 'differs from'} the transposed convolution."
        )
    return text + (
        f"The weights are {named}. Above Cᵀ are the {rows} outputs of the convolution, "
        f"y = ({_blocks.join(data.y, 100)}); beside it the {cols} values of Cᵀ y = "
        f"({_blocks.join(data.z, 100)}), which "
        f"{'equal' if data.agrees else 'differ from'} the transposed convolution of y with "
        f"the same kernel."
    )


def links(data: TransposeData) -> linked.Links:
    """C and Cᵀ linked entry by entry: entry (i, j) of C and entry (j, i) of Cᵀ are one
    weight on one output and one input of the convolution; y (Cᵀ's input) is the
    convolution's output, and Cᵀ y lies at the places of x."""
    example = data.example
    elements = linked.product_elements(data.index, "c-{row}-{col}")
    elements.update(linked.product_elements(data.index, "ct-{row}-{col}", transpose=True))
    x_names = _blocks.position_names("x", example.image.shape)
    y_names = _blocks.position_names("y", example.output().shape)
    linked.tag_each(elements, "input", x_names, None, lambda j: [f"c-col-{j}"])
    linked.tag_each(
        elements,
        "output",
        y_names,
        data.y,
        lambda i: [f"y-{i}-box", f"y-{i}", f"y-name-{i}", f"c-row-{i}"],
    )
    for j, name in enumerate(x_names):
        label = linked.named("Cᵀy at", name, float(data.z[j]))
        linked.tag(
            elements,
            [f"z-{j}-box", f"z-{j}", f"z-name-{j}"],
            linked.Link(input=j, label=label),
            focus=f"z-{j}-box",
        )
    return linked.Links(linked.conv_group(example), elements)
