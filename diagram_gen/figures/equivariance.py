"""``equivariance``: shift the image, and the feature map shifts with it.

The small example's 3x3 image sits on an empty canvas; the same kernel (α, β, γ, δ and
the bias b) runs over it. Move the image by one pixel down and to the right, and every
output moves by the same pixel: that is translation equivariance, the consequence of one
kernel being used everywhere. A 2x2 max pool (stride 2) after it is not invariant to that
shift: the largest output changes window. Every number is computed by
:mod:`diagram_gen.layers`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, layers
from diagram_gen.figures import _blocks, _matrix
from diagram_gen.params import Int
from diagram_gen.style import Theme

FIGURE_ID = "equivariance"
TITLE = "Translation equivariance: the feature map moves with the image"
PARAMETERS = {"canvas": Int(1, 32), "offset": Int(0, 16), "shift": Int(0, 16), "pool": Int(1, 8)}

#: Gap between two grids of a row, and between the two rows, in cells.
GAP = 1.2
ROW_GAP = 1.3
#: Inches per cell, and points of the numbers and titles: 7.1 by 6.5 in, legible in the
#: page column and, scaled up, on a 16:9 slide.
INCHES = 0.44
TEXT_FONT = 12


@dataclass(frozen=True)
class Shift:
    """Where the small example's image sits, and how far it moves."""

    canvas: int
    offset: int
    shift: int
    pool: int


def example(*, canvas: int = 6, offset: int = 1, shift: int = 1, pool: int = 2) -> Shift:
    """The 3x3 image at (offset, offset) on a canvas x canvas frame, moved by (shift, shift)."""
    for name, value in (("canvas", canvas), ("shift", shift), ("pool", pool)):
        layers.check_positive_int(name, value)
    layers.check_int("offset", offset)
    if offset < 0 or offset + shift + 3 > canvas:
        raise ValueError(
            f"the moved image must stay on the canvas: offset + shift + 3 must be at most "
            f"canvas={canvas}, got offset={offset} and shift={shift}."
        )
    if canvas - 1 < pool:
        raise ValueError(f"pool must be at most canvas - 1 = {canvas - 1}, got pool={pool}.")
    return Shift(canvas, offset, shift, pool)


@dataclass(frozen=True)
class EquivarianceData:
    setup: Shift
    inputs: tuple[np.ndarray, np.ndarray]  # (canvas, canvas) before and after the shift
    maps: tuple[np.ndarray, np.ndarray]  # the feature maps
    pooled: tuple[np.ndarray, np.ndarray]  # their max pools
    corners: tuple[int, int]  # where the image's top-left pixel is, before and after

    @property
    def kept(self) -> int:
        """Pooled values that are the same after the shift."""
        return int((self.pooled[0] == self.pooled[1]).sum())

    @property
    def covered(self) -> int:
        """Rows (and columns) of the feature map that the pool's windows cover."""
        return self.pooled[0].shape[0] * self.setup.pool

    @property
    def dropped(self) -> int:
        """Rows (and columns) of the feature map that no pool window reads (floor)."""
        return self.maps[0].shape[0] - self.covered


def compute(setup: Shift) -> EquivarianceData:
    ex = examples.small_conv()
    corners = (setup.offset, setup.offset + setup.shift)
    inputs, maps, pooled = [], [], []
    for corner in corners:
        canvas = np.zeros((1, setup.canvas, setup.canvas))
        canvas[0, corner : corner + 3, corner : corner + 3] = ex.image[0]
        y = layers.conv(canvas, ex.kernel, ex.bias)
        inputs.append(canvas[0])
        maps.append(y[0])
        pooled.append(layers.pool(y, "max", setup.pool)[0])
    return EquivarianceData(setup, tuple(inputs), tuple(maps), tuple(pooled), corners)


def render(data: EquivarianceData, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_equivariance(ax, data, theme=theme)
    return fig


def _titles(data: EquivarianceData) -> list[tuple[str, str, str]]:
    s, p = data.setup.shift, data.setup.pool
    return [
        ("x: the image", "y = conv(x)", f"{p}x{p} max pool of y"),
        (f"x moved by ({s}, {s})", f"y moved by ({s}, {s})",
         f"{data.kept} of {data.pooled[0].size} values kept"),
    ]  # fmt: skip


def draw_equivariance(ax, data: EquivarianceData, *, theme: Theme) -> dict[str, list]:
    """Two rows (before, after the shift): the image, its feature map, the pooled map."""
    n = data.setup.canvas
    m = data.maps[0].shape[0]
    lefts = (0.0, n + GAP, n + GAP + m + GAP)
    row_height = n + ROW_GAP
    artists: dict[str, list] = {"cells": [], "titles": [], "outlines": []}
    for r in range(2):
        top = r * row_height
        grids = (("x", data.inputs[r], theme.input), ("y", data.maps[r], theme.output),
                 ("p", data.pooled[r], theme.output))  # fmt: skip
        for g, (name, values, colour) in enumerate(grids):
            # Every pixel of the input is input, zero or not (review item 24): the zero
            # style is for padding and missing connections, and this canvas has neither.
            for (i, j), value in np.ndenumerate(values):
                artists["cells"].append(
                    _matrix.cell(ax, lefts[g] + j, top + i, colour,
                                 examples.format_number(value), theme, gid=f"{name}{r}-{i}-{j}",
                                 fontsize=TEXT_FONT)[1]
                )  # fmt: skip
            artists["titles"].append(
                _blocks.text(ax, lefts[g] + values.shape[1] / 2, top - 0.45, _titles(data)[r][g],
                             theme=theme, gid=f"title-{r}-{g}", fontsize=TEXT_FONT)
            )  # fmt: skip
        corner = data.corners[r]
        # The image on the canvas, and the outputs whose window lies on it entirely.
        artists["outlines"].append(
            _blocks.outline(ax, corner, top + corner, 3, 3, theme=theme, gid=f"x{r}-image")
        )
        artists["outlines"].append(
            _blocks.outline(ax, lefts[1] + corner, top + corner, 2, 2, theme=theme,
                            gid=f"y{r}-valid")
        )  # fmt: skip
    width = lefts[2] + data.pooled[0].shape[1]
    _blocks.fit(ax, (-0.2, width + 0.2), (-0.9, row_height + n + 0.2), INCHES)
    return artists


def caption(data: EquivarianceData) -> str:
    s = data.setup
    before, after = data.pooled
    return (
        f"The small example's 3x3 image on a {s.canvas}x{s.canvas} canvas of zeros (top) and "
        f"moved by {s.shift} pixel{'s' if s.shift > 1 else ''} down and right (bottom), each "
        f"convolved with the same 2x2 kernel and bias. The feature map moves by exactly the "
        f"same amount; the outputs it uncovers see only zeros and hold the bias. The "
        f"{s.pool}x{s.pool} max pool is not moved by the same amount: {data.kept} of its "
        f"{before.size} values stay, the others change because the largest output crossed "
        f"into another window.{_dropped_sentence(data)} Outlined: the image, and the "
        f"outputs whose window lies entirely on it."
    )


def _dropped_sentence(data: EquivarianceData) -> str:
    """The rows and columns the pool leaves out when its stride does not divide the map."""
    if not data.dropped:
        return ""
    m, c = data.maps[0].shape[0], data.covered
    last = f"row and column {m}" if data.dropped == 1 else f"rows and columns {c + 1} to {m}"
    return (
        f" The pool's windows cover rows and columns 1 to {c} of the {m}x{m} map only: "
        f"the output size rounds down, and {last} of the map are left out."
    )


def alt_text(data: EquivarianceData) -> str:
    s = data.setup

    def rows(values: np.ndarray) -> str:
        return "; ".join(" ".join(examples.format_number(v) for v in row) for row in values)

    bias = examples.format_number(examples.small_conv().bias[0])
    return (
        f"Two rows of three grids. Top: a {s.canvas} by {s.canvas} input of zeros holding the "
        f"3 by 3 image at row and column {data.corners[0] + 1}; its {data.maps[0].shape[0]} "
        f"by {data.maps[0].shape[1]} feature map, rows {rows(data.maps[0])}; and its "
        f"{s.pool} by {s.pool} max pool, rows {rows(data.pooled[0])}. Bottom: the image "
        f"moved by {s.shift} to row and column {data.corners[1] + 1}; the feature map, rows "
        f"{rows(data.maps[1])}, which is the top map moved by {s.shift} down and right with "
        f"the uncovered cells holding the bias {bias}; "
        f"and its max pool, rows {rows(data.pooled[1])}: {data.kept} of "
        f"{data.pooled[0].size} pooled values unchanged.{_dropped_sentence(data)} Thick "
        f"outlines mark the image and the outputs whose window lies entirely on it."
    )
