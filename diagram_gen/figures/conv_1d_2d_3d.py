"""``conv-1d-2d-3d``: the weight matrix is Toeplitz in 1D, doubly block Toeplitz in 2D, ...

The same two constraints in every dimension, side by side at the same scale. In 1D each
diagonal of the matrix holds one weight (Toeplitz). In 2D the matrix is made of blocks,
one per pair of output row and input row; each block is Toeplitz and equal blocks repeat
along the block diagonals (doubly block Toeplitz). In 3D the blocks themselves are made of
such blocks (triply). Thick outlines mark the outer blocks, thin ones the inner blocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import layers
from diagram_gen.figures import _blocks, _matrix
from diagram_gen.params import Int
from diagram_gen.style import Theme

FIGURE_ID = "conv-1d-2d-3d"
TITLE = "The weight matrix in 1D, 2D and 3D: Toeplitz, doubly and triply block Toeplitz"
PARAMETERS = {
    "size_1d": Int(1, 64), "kernel_1d": Int(1, 15), "size_2d": Int(1, 32),
    "kernel_2d": Int(1, 15), "size_3d": Int(1, 16), "kernel_3d": Int(1, 15),
}  # fmt: skip

#: Largest and smallest inches per matrix entry; below the smallest the cells get no text.
MAX_CELL_INCHES = 0.3
MIN_LABELLED_INCHES = 0.28
#: Width the three matrices share, in inches, and the gap between the two on top: with
#: 12 pt text and over the 3D matrix's 27 columns, the figure is about 9 in wide (the
#: page column shows its text at 9.5 pt) and 7.2 in tall (a 16:9 slide takes it whole).
TARGET_INCHES = 8.2
GAP_INCHES = 0.6
#: Inches of the band over each matrix (its two-line title) and under it (its note).
TITLE_INCHES = 0.62
NOTE_INCHES = 0.42
#: Points of the notes under the matrices.
NOTE_FONT = 12


@dataclass(frozen=True)
class Dimensions:
    """One input size and one kernel size per number of spatial dimensions (1, 2, 3)."""

    sizes: tuple[int, int, int]
    kernels: tuple[int, int, int]

    def input_shape(self, ndim: int) -> tuple[int, ...]:
        return (1,) + (self.sizes[ndim - 1],) * ndim

    def weight_shape(self, ndim: int) -> tuple[int, ...]:
        return (1, 1) + (self.kernels[ndim - 1],) * ndim


def example(
    *,
    size_1d: int = 6,
    kernel_1d: int = 3,
    size_2d: int = 4,
    kernel_2d: int = 2,
    size_3d: int = 3,
    kernel_3d: int = 2,
) -> Dimensions:
    """An input of 6 with a kernel of 3, 4x4 with 2x2 and 3x3x3 with 2x2x2 (one channel)."""
    pairs = ((size_1d, kernel_1d), (size_2d, kernel_2d), (size_3d, kernel_3d))
    for d, (size, kernel) in enumerate(pairs, start=1):
        layers.check_positive_int(f"size_{d}d", size)
        layers.check_positive_int(f"kernel_{d}d", kernel)
        if kernel > size:
            raise ValueError(f"kernel_{d}d must be at most size_{d}d ({size}), got {kernel}.")
    sizes, kernels = zip(*pairs, strict=True)
    dims = Dimensions(tuple(sizes), tuple(kernels))
    for d in (1, 2, 3):  # let the layer math refuse a matrix too large to build
        layers.conv_matrix_index(dims.weight_shape(d), dims.input_shape(d))
    return dims


@dataclass(frozen=True)
class Panel:
    ndim: int
    index: np.ndarray  # (R, C) flat kernel index per entry, -1 for an untrainable zero
    in_spatial: tuple[int, ...]
    out_spatial: tuple[int, ...]
    kernel: tuple[int, ...]
    names: tuple[str, ...]  # one per kernel weight, in row-major kernel order

    @property
    def shape(self) -> tuple[int, int]:
        return self.index.shape

    @property
    def levels(self) -> list[tuple[int, int]]:
        """(rows, cols) of the blocks at each nesting level, outermost first.

        Rows run over output positions and columns over input positions in row-major
        order, so fixing the first spatial index cuts the matrix into blocks of
        ``prod(out[1:])`` rows by ``prod(in[1:])`` columns, and so on inwards.
        """
        return [
            (math.prod(self.out_spatial[level:]), math.prod(self.in_spatial[level:]))
            for level in range(1, self.ndim)
        ]

    @property
    def weights(self) -> int:
        return _blocks.trainable_count(self.index)


@dataclass(frozen=True)
class DimensionMatrices:
    dims: Dimensions
    panels: tuple[Panel, Panel, Panel]


def compute(dims: Dimensions) -> DimensionMatrices:
    """The matrix structure of a single-channel convolution in 1, 2 and 3 dimensions."""
    panels = []
    for d in (1, 2, 3):
        index = layers.conv_matrix_index(dims.weight_shape(d), dims.input_shape(d))
        n, k = dims.sizes[d - 1], dims.kernels[d - 1]
        panels.append(
            Panel(
                ndim=d,
                index=index,
                in_spatial=(n,) * d,
                out_spatial=(layers.conv_output_size(n, k),) * d,
                kernel=(k,) * d,
                names=_blocks.greek_names(k**d),
            )
        )
    return DimensionMatrices(dims, tuple(panels))


def render(data: DimensionMatrices, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_dimensions(ax, data, theme=theme)
    return fig


@dataclass(frozen=True)
class _Layout:
    labelled: bool
    inches: float  # per grid unit
    scales: tuple[float, ...]  # grid units per matrix entry, one per matrix
    origins: tuple[tuple[float, float], ...]  # top-left of each matrix, in grid units
    unit: float  # grid units per labelled cell (0.62 in)
    width: float  # in grid units
    height: float


#: Largest width and height, in inches, of each matrix drawn as an image: 1D, 2D, 3D.
IMAGE_BOXES = ((2.6, 2.4), (5.0, 2.4), (TARGET_INCHES, 3.0))


def _layout(data: DimensionMatrices) -> _Layout:
    """1D and 2D on top, 3D below.

    Labelled, all three share one scale (a grid unit is one entry) so their sizes compare.
    As images each gets its own scale (a grid unit is an inch), or the 3D matrix of a
    reader's larger sizes would shrink the others to a few pixels.
    """
    shapes = [p.shape for p in data.panels]
    (r1, c1), (r2, c2), (r3, c3) = shapes
    inches = min(MAX_CELL_INCHES, (TARGET_INCHES - GAP_INCHES) / (c1 + c2), TARGET_INCHES / c3)
    labelled = inches >= MIN_LABELLED_INCHES and all(_matrix.is_labelled(s) for s in shapes)
    if labelled:
        scales = (1.0, 1.0, 1.0)
    else:
        inches = 1.0
        scales = tuple(
            min(MAX_CELL_INCHES, width / cols, height / rows)
            for (width, height), (rows, cols) in zip(IMAGE_BOXES, shapes, strict=True)
        )
    unit = _matrix.CELL_INCHES / inches
    title, below = TITLE_INCHES / inches, NOTE_INCHES / inches  # two title lines, a note
    (w1, h1), (w2, h2), (w3, h3) = (
        (cols * sc, rows * sc) for (rows, cols), sc in zip(shapes, scales, strict=True)
    )
    # The 2D matrix starts after the 1D matrix, its title or its note, whichever is wider.
    first = data.panels[0]
    texts = max(
        _blocks.text_inches(_title(first), _blocks.HEADER_FONT + 1),
        _blocks.text_inches(_structure(first), NOTE_FONT),
    )
    second_left = max(w1, texts / inches) + GAP_INCHES / inches
    bottom_top = title + max(h1, h2) + below + title
    origins = ((0.0, title), (second_left, title), (0.0, bottom_top))
    width = max(second_left + w2, w3)
    return _Layout(labelled, inches, scales, origins, unit, width, bottom_top + h3 + below)


def _title(panel: Panel) -> str:
    kind = {1: "Toeplitz", 2: "doubly block Toeplitz", 3: "triply block Toeplitz"}
    rows, cols = panel.shape
    n = "×".join(str(s) for s in panel.in_spatial)
    k = "×".join(str(s) for s in panel.kernel)
    return f"{panel.ndim}D: {kind[panel.ndim]}\ninput {n}, kernel {k}: {rows}×{cols} matrix"


def _structure(panel: Panel) -> str:
    """What the outlines show, in words, with the block sizes."""
    if panel.ndim == 1:
        return f"each diagonal holds\none of the {panel.weights} weights"
    words = []
    rows, cols = panel.shape
    for br, bc in panel.levels:
        words.append(f"{rows // br}×{cols // bc} blocks of {br}×{bc}")
        rows, cols = br, bc
    return ", each made of ".join(words) + "; equal blocks along each block diagonal"


#: Smallest block, in inches, that gets an outline: finer blocks would be all outline.
MIN_OUTLINED_INCHES = 0.12


def draw_dimensions(ax, data: DimensionMatrices, *, theme: Theme) -> dict[str, list]:
    """The three matrices with their nested blocks outlined, titles and notes."""
    layout = _layout(data)
    artists: dict[str, list] = {"titles": [], "notes": [], "blocks": [], "cells": []}
    for panel, (left, top), sc in zip(data.panels, layout.origins, layout.scales, strict=True):
        rows, cols = panel.shape
        prefix = f"d{panel.ndim}"
        if layout.labelled:
            fills, texts = _blocks.weight_grid(panel.index, None, panel.names, theme)
            single = all(len(name) == 1 for name in panel.names)
            artists["cells"] += _blocks.draw_cell_grid(
                ax, fills, texts, theme=theme, lefts=[left + j for j in range(cols)],
                tops=[top + i for i in range(rows)], dashed=panel.index < 0, prefix=prefix,
                fontsize=_blocks.HEADER_FONT if single else _blocks.NAME_FONT,
                hatches=_matrix.weight_hatches(panel.index),
            )  # fmt: skip
        else:
            categories, palette = _blocks.weight_image(panel.index, theme)
            artists[f"{prefix}-image"] = _blocks.draw_image(
                ax, categories, palette, theme=theme, origin=(left, top), scale=sc,
                gid=f"{prefix}-image",
            )  # fmt: skip
        for level, (br, bc) in enumerate(panel.levels):
            if min(br, bc) * sc * layout.inches < MIN_OUTLINED_INCHES:
                break
            # The outermost blocks thick, the blocks inside them thin.
            artists["blocks"] += _blocks.outline_blocks(
                ax, [top + i * br * sc for i in range(rows // br + 1)],
                [left + j * bc * sc for j in range(cols // bc + 1)], theme=theme,
                prefix=f"{prefix}-level{level}",
                linewidth=_blocks.BLOCK_LINE if level == 0 else _blocks.INNER_LINE,
                colour=theme.muted if level and not layout.labelled else None,
            )  # fmt: skip
        artists["titles"].append(
            _blocks.text(ax, left, top - 0.1 / layout.inches, _title(panel), theme=theme,
                         gid=f"{prefix}-title", ha="left", va="bottom",
                         fontsize=_blocks.HEADER_FONT + 1, linespacing=1.25)
        )  # fmt: skip
        artists["notes"].append(
            _blocks.text(ax, left, top + rows * sc + 0.08 / layout.inches, _structure(panel),
                         theme=theme, gid=f"{prefix}-note", ha="left", va="top",
                         color=theme.muted, fontsize=NOTE_FONT)
        )  # fmt: skip
    margin = 0.15 / layout.inches
    _blocks.fit(ax, (-margin, layout.width + margin), (0, layout.height + margin), layout.inches)
    return artists


def caption(data: DimensionMatrices) -> str:
    counts = ", ".join(f"{p.ndim}D {p.shape[0]}×{p.shape[1]}" for p in data.panels)
    scale = ", at the same scale" if _layout(data).labelled else ""
    return (
        f"The weight matrix of a single-channel convolution in one, two and three dimensions "
        f"({counts}){scale}. The same weight runs along each diagonal "
        f"(Toeplitz); in 2D the matrix is a grid of Toeplitz blocks that repeat along the "
        f"block diagonals (doubly block Toeplitz), and in 3D the blocks are themselves "
        f"made of blocks (triply). Thick outlines mark the outer blocks, thin ones the "
        f"inner blocks."
    )


def alt_text(data: DimensionMatrices) -> str:
    parts = []
    for p in data.panels:
        rows, cols = p.shape
        zeros = int((p.index < 0).sum())
        names = ", ".join(p.names[:8]) + (", …" if len(p.names) > 8 else "")
        structure = _structure(p).replace("\n", " ")
        parts.append(
            f"{p.ndim}D, input {'x'.join(map(str, p.in_spatial))} and kernel "
            f"{'x'.join(map(str, p.kernel))}: {_blocks.a_or_an(rows)} {rows} by {cols} "
            f"matrix with {zeros} "
            f"untrainable zeros and {rows * cols - zeros} entries repeating {p.weights} "
            f"weights ({names}); {structure}"
        )
    text = "Three weight matrices. " + ". ".join(parts) + ". "
    if not _layout(data).labelled:
        return text + (
            "They are too large to label, drawn as images: one pixel per entry, grey for "
            "zeros, one colour per kernel weight, with the blocks outlined."
        )
    return text + "Every weight cell carries its weight's name and colour; zeros read 0."
