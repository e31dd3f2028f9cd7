"""``connection-table``: LeNet-5's third layer connects each output map to only some inputs.

LeCun et al. (1998), Table I: which of the 6 feature maps of S2 feed each of the 16 maps of
C3. An X (on the kernel colour) is one 5x5 kernel slice, a block of trainable weights; an
empty, dashed grey cell is a block of the weight matrix that stays zero. The counts under
the columns, beside the rows and the parameter totals are computed from the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, layers
from diagram_gen.figures import _blocks, _matrix
from diagram_gen.style import Theme, text_colour_on

FIGURE_ID = "connection-table"
TITLE = "LeNet-5's connection table: each map reads only some maps"

#: The mark of a connection: text, so the table reads without colour.
MARK = "X"
#: Inches per cell, and points of the titles and totals: 16 columns with their labels are
#: 8.4 in wide, shown in the 7.2 in page column with the 11 pt labels at 9.4 pt.
INCHES = 0.42
TITLE_FONT = 12
#: Maps keep the paper's numbers (from 0), unlike the site's pixels and weights (from 1).
NUMBERING = "numbered from 0 as in the paper's Table I"


@dataclass(frozen=True)
class LeNetC3:
    """LeNet-5's C3 layer: its connection table and its kernel size."""

    table: np.ndarray  # (16, 6) bool: table[c3_map, s2_map]
    kernel: int


def example(*, kernel: int = 5) -> LeNetC3:
    """LeNet-5's C3 table (:func:`diagram_gen.examples.lenet5_c3_table`), kernels of 5x5."""
    return LeNetC3(examples.lenet5_c3_table(), layers.check_positive_int("kernel", kernel))


@dataclass(frozen=True)
class Group:
    """Consecutive C3 maps that read the same number of S2 maps in the same pattern."""

    start: int
    stop: int  # exclusive
    label: str


@dataclass(frozen=True)
class ConnectionTable:
    grid: np.ndarray  # (6, 16) bool: grid[s2_map, c3_map], as in the paper
    kernel: int
    groups: tuple[Group, ...]

    @property
    def column_counts(self) -> np.ndarray:
        """How many S2 maps each C3 map reads."""
        return self.grid.sum(axis=0)

    @property
    def row_counts(self) -> np.ndarray:
        """How many C3 maps each S2 map feeds."""
        return self.grid.sum(axis=1)

    @property
    def connections(self) -> int:
        return int(self.grid.sum())

    @property
    def possible(self) -> int:
        return int(self.grid.size)

    @property
    def outputs(self) -> int:
        return self.grid.shape[1]

    @property
    def parameters(self) -> int:
        """One k x k slice per connection, one bias per C3 map."""
        return self.connections * self.kernel**2 + self.outputs

    @property
    def dense_parameters(self) -> int:
        """The same layer with every S2 map connected to every C3 map."""
        return self.possible * self.kernel**2 + self.outputs


def _is_neighbouring(inputs: np.ndarray, n: int) -> bool:
    """Whether the maps ``inputs`` are neighbours, wrapping around after map n - 1."""
    chosen = set(inputs.tolist())
    return any({(start + i) % n for i in range(len(chosen))} == chosen for start in range(n))


def _group_label(count: int, neighbouring: bool, n: int) -> str:
    if count == n:
        return f"all {n}"
    if neighbouring:
        return f"{count} neighbouring\nmaps each"
    return f"{count} maps each,\nnot neighbours"


def compute(layer: LeNetC3) -> ConnectionTable:
    """The table as drawn (S2 maps as rows), and runs of maps with the same pattern."""
    grid = np.asarray(layer.table, dtype=bool).T
    n_in, n_out = grid.shape
    keys = []
    for j in range(n_out):
        inputs = np.flatnonzero(grid[:, j])
        keys.append((inputs.size, _is_neighbouring(inputs, n_in)))
    groups, start = [], 0
    for j in range(1, n_out + 1):
        if j == n_out or keys[j] != keys[start]:
            groups.append(Group(start, j, _group_label(*keys[start], n_in)))
            start = j
    return ConnectionTable(grid, layer.kernel, tuple(groups))


def render(data: ConnectionTable, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_connection_table(ax, data, theme=theme)
    return fig


def draw_connection_table(ax, data: ConnectionTable, *, theme: Theme) -> dict[str, list]:
    """The X grid, map numbers, counts per column and row, groups and totals."""
    n_in, n_out = data.grid.shape
    artists: dict[str, list] = {"cells": [], "counts": [], "groups": []}
    mark_colour = text_colour_on(theme.kernel, theme)
    for (i, j), connected in np.ndenumerate(data.grid):
        fill = theme.kernel if connected else theme.zero
        artists["cells"].append(
            _matrix.cell(ax, j, i, fill, MARK if connected else "", theme, gid=f"cell-{i}-{j}",
                         dashed=not connected, text_colour=mark_colour, fontsize=TITLE_FONT)[1]
        )  # fmt: skip
    # Map numbers, starting at 0 as in the paper, and what the axes are.
    for j in range(n_out):
        _blocks.text(ax, j + 0.5, -0.45, str(j), theme=theme, gid=f"col-{j}",
                     fontsize=_blocks.LABEL_FONT)  # fmt: skip
    for i in range(n_in):
        _blocks.text(ax, -0.45, i + 0.5, str(i), theme=theme, gid=f"row-{i}",
                     fontsize=_blocks.LABEL_FONT)  # fmt: skip
    _blocks.text(ax, n_out / 2, -1.2, f"C3 feature map (output), {NUMBERING}", theme=theme,
                 gid="col-title", fontsize=TITLE_FONT)  # fmt: skip
    _blocks.text(ax, -1.25, n_in / 2, "S2 feature map (input)", theme=theme, gid="row-title",
                 rotation=90, fontsize=TITLE_FONT)  # fmt: skip
    # How many maps each C3 map reads (under the columns) and each S2 map feeds (right).
    _blocks.text(ax, -0.2, n_in + 0.45, "reads", theme=theme, gid="col-count-title",
                 ha="right", color=theme.muted, fontsize=_blocks.LABEL_FONT)  # fmt: skip
    for j, count in enumerate(data.column_counts):
        artists["counts"].append(
            _blocks.text(ax, j + 0.5, n_in + 0.45, str(count), theme=theme,
                         gid=f"col-count-{j}", fontsize=_blocks.LABEL_FONT)
        )  # fmt: skip
    _blocks.text(ax, n_out + 1.1, -0.45, "feeds", theme=theme, gid="row-count-title",
                 color=theme.muted, fontsize=_blocks.LABEL_FONT)  # fmt: skip
    for i, count in enumerate(data.row_counts):
        artists["counts"].append(
            _blocks.text(ax, n_out + 1.1, i + 0.5, f"{count} maps", theme=theme,
                         gid=f"row-count-{i}", fontsize=_blocks.LABEL_FONT)
        )  # fmt: skip
    # Runs of maps with the same pattern, bracketed under the counts.
    line_y = n_in + 1.05
    for g, group in enumerate(data.groups):
        left, right = group.start + 0.12, group.stop - 0.12
        artists["groups"] += ax.plot(
            [left, left, right, right], [line_y - 0.15, line_y, line_y, line_y - 0.15],
            color=theme.muted, linewidth=1.5, gid=f"group-line-{g}", solid_capstyle="butt",
        )  # fmt: skip
        artists["groups"].append(
            _blocks.text(ax, (group.start + group.stop) / 2, line_y + 0.2, group.label,
                         theme=theme, gid=f"group-{g}", va="top", fontsize=_blocks.LABEL_FONT,
                         linespacing=1.2)
        )  # fmt: skip
    artists["totals"] = [
        _blocks.text(ax, n_out / 2, n_in + 2.45, _totals(data), theme=theme, gid="totals",
                     va="top", fontsize=TITLE_FONT, linespacing=1.45)
    ]  # fmt: skip
    _blocks.fit(ax, (-1.7, n_out + 2.0), (-1.8, n_in + 4.6), INCHES)
    return artists


def _totals(data: ConnectionTable) -> str:
    k2 = data.kernel**2
    k = f"{data.kernel}×{data.kernel}"
    return (
        f"{data.connections} of the {data.possible} possible connections; each X is one "
        f"{k} kernel slice\n"
        f"parameters: {data.connections} × {k2} weights + {data.outputs} biases "
        f"= {data.parameters:,}\n"
        f"every map connected to every map: {data.possible} × {k2} + {data.outputs} "
        f"= {data.dense_parameters:,}"
    )


def caption(data: ConnectionTable) -> str:
    return (
        f"LeNet-5's connection table (LeCun et al., 1998, Table I): an X where a map of S2 "
        f"(row) feeds a map of C3 (column), both {NUMBERING}; an empty dashed cell where "
        f"the weight matrix "
        f"keeps a whole block at zero. {data.connections} of the {data.possible} connections "
        f"give {data.parameters:,} parameters instead of {data.dense_parameters:,}; the "
        f"authors chose the table to break the symmetry between maps and to keep the number "
        f"of connections down. Today the same idea is a grouped convolution."
    )


def alt_text(data: ConnectionTable) -> str:
    n_in, n_out = data.grid.shape
    reads = "; ".join(
        f"map {j} reads {', '.join(str(i) for i in np.flatnonzero(data.grid[:, j]))}"
        for j in range(n_out)
    )
    k = f"{data.kernel}x{data.kernel}"
    return (
        f"A table of {n_in} rows (the maps of S2, numbered 0 to {n_in - 1}) and {n_out} "
        f"columns (the maps of C3, 0 to {n_out - 1}), with an X where an S2 map feeds a C3 "
        f"map: {reads}. Under the columns, the number of maps each C3 map reads "
        f"({_blocks.join(data.column_counts, n_out)}); beside the rows, each S2 map feeds "
        f"{_blocks.join(data.row_counts, n_in)} maps. {data.connections} of the "
        f"{data.possible} possible connections, each a {k} kernel slice: "
        f"{data.connections} × {data.kernel**2} + {data.outputs} biases = "
        f"{data.parameters:,} parameters, against {data.dense_parameters:,} with every map "
        f"connected."
    )
