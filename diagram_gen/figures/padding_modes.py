"""``padding-modes``: the weight matrix of one 1D convolution under four padding modes.

The padded input line sits above each matrix, one cell past it on either side, so a reader
sees what each mode writes into the padding (``0``, a mirrored, a repeated or a wrapped
input) and where that tap lands in the matrix: nowhere with zeros, on an entry that
already holds a weight with reflect and replicate (which then holds a sum of two), and in
the far corner with circular padding, which makes the matrix circulant. Computed by
:mod:`diagram_gen.padding`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import layers, padding
from diagram_gen.examples import subscript
from diagram_gen.figures import _blocks, _matrix
from diagram_gen.params import Int
from diagram_gen.style import Theme

FIGURE_ID = "padding-modes"
TITLE = "Padding modes: zeros, reflect, replicate and circular"
PARAMETERS = {"n": Int(1, 64), "padding": Int(0, 16)}

#: Inches per cell, gap between the two columns of panels and between rows, in cells:
#: the four panels are 6.7 by 6.8 in with 12 pt text (sums of weights 11 pt, on two
#: lines), legible in the page column and on a 16:9 slide.
INCHES = 0.42
GAP = 1.4
ROW_GAP = 0.25
#: Points of the names and titles, and of a sum of weights.
TEXT_FONT = 12
SUM_FONT = 11

WHAT = {
    "zeros": "zeros outside",
    "reflect": "mirrored, edge not repeated",
    "replicate": "edge value repeated",
    "circular": "wrapped around",
}


@dataclass(frozen=True)
class Line:
    n: int
    kernel: int
    padding: int


def example(*, n: int = 5, kernel: int = 3, padding: int = 1) -> Line:
    """A line of ``n`` inputs, a kernel of ``kernel`` weights w₁ …, ``padding`` per side."""
    layers.check_positive_int("n", n)
    layers.check_positive_int("kernel", kernel)
    layers.check_int("padding", padding)
    if padding < 0 or padding >= n:
        raise ValueError(
            f"padding must be at least 0 and below n={n} (reflect needs it), got {padding}."
        )
    if kernel > n + 2 * padding:
        raise ValueError(
            f"kernel must fit in the padded line of {n + 2 * padding}, got kernel={kernel}."
        )
    return Line(n, kernel, padding)


@dataclass(frozen=True)
class Panel:
    mode: str
    source: np.ndarray  # (n + 2p,) input position each padded position copies, -1 for 0
    taps: np.ndarray  # (n_out, n, k) how often weight t lands on entry (row, col)


@dataclass(frozen=True)
class PaddingModes:
    line: Line
    panels: tuple[Panel, ...]


def compute(line: Line) -> PaddingModes:
    panels = []
    for mode in padding.MODES:
        source = padding.source_index(line.n, line.padding, line.padding, mode)
        taps = padding.conv_matrix_taps((1, 1, line.kernel), (1, line.n), padding=line.padding,
                                        mode=mode)  # fmt: skip
        panels.append(Panel(mode, source, taps))
    return PaddingModes(line, tuple(panels))


def render(data: PaddingModes, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_padding_modes(ax, data, theme=theme)
    return fig


def weight_name(t: int) -> str:
    return f"w{subscript(t + 1)}"


def entry_text(counts: np.ndarray) -> str:
    """``0``, ``w₂`` or ``w₁+w₂`` (``2w₁`` when one weight lands twice)."""
    parts = [(f"{c}" if c > 1 else "") + weight_name(t) for t, c in enumerate(counts) if c > 0]
    return "+".join(parts) if parts else "0"


def cell_text(text: str) -> str:
    """A sum of weights on two lines (``w₁+`` over ``w₃``): one line is wider than a cell."""
    first, plus, rest = text.partition("+")
    return f"{first}{plus}\n{rest}" if plus else text


def input_text(source: int) -> str:
    return "0" if source < 0 else f"x{subscript(source + 1)}"


def _panel_counts(panel: Panel, line: Line) -> tuple[int, int]:
    """(taps that reach an input, entries that are structural zeros)."""
    return int(panel.taps.sum()), int((panel.taps.sum(axis=2) == 0).sum())


def draw_padding_modes(ax, data: PaddingModes, *, theme: Theme) -> dict[str, list]:
    """Four panels, two by two: title, padded input line, matrix, and a count under it."""
    line = data.line
    p, n = line.padding, line.n
    rows = data.panels[0].taps.shape[0]
    width = n + 2 * p
    height = 2.1 + rows + 0.7  # title, input line, gap, matrix, count
    artists: dict[str, list] = {"cells": [], "inputs": [], "texts": [], "sums": []}
    for q, panel in enumerate(data.panels):
        left = (q % 2) * (width + GAP) + p  # column 0 of the matrix
        top = (q // 2) * (height + ROW_GAP)
        artists["texts"].append(
            _blocks.text(ax, left + n / 2, top + 0.3, f"{panel.mode}: {WHAT[panel.mode]}",
                         theme=theme, gid=f"{panel.mode}-title", fontsize=TEXT_FONT)
        )  # fmt: skip
        for i, source in enumerate(panel.source):
            inside = p <= i < p + n
            fill = theme.zero if source < 0 else theme.input
            artists["inputs"].append(
                _matrix.cell(ax, left - p + i, top + 0.8, fill, input_text(source), theme,
                             gid=f"{panel.mode}-in-{i}", dashed=not inside,
                             fontsize=TEXT_FONT,
                             text_colour=theme.zero_text if source < 0 else None)[1]
            )  # fmt: skip
        artists["texts"].append(
            _blocks.outline(ax, left, top + 0.8, n, 1, theme=theme, gid=f"{panel.mode}-frame",
                            linewidth=_blocks.INNER_LINE)
        )  # fmt: skip
        matrix_top = top + 2.1
        for (i, j), _ in np.ndenumerate(panel.taps[:, :, 0]):
            counts = panel.taps[i, j]
            text = entry_text(counts)
            single = counts.sum() == 1
            if counts.sum() == 0:
                fill = theme.zero
            elif single:
                fill = theme.weight_colour(int(np.argmax(counts)))
            else:
                fill = theme.background
            artists["cells"].append(
                _matrix.cell(ax, left + j, matrix_top + i, fill, cell_text(text), theme,
                             gid=f"{panel.mode}-{i}-{j}", dashed=counts.sum() == 0,
                             fontsize=TEXT_FONT if single or not counts.sum() else SUM_FONT,
                             text_colour=theme.zero_text if counts.sum() == 0 else None)[1]
            )  # fmt: skip
            if counts.sum() > 1:  # a sum of weights: outlined, drawn over its neighbours
                artists["sums"].append(
                    _blocks.outline(ax, left + j, matrix_top + i, 1, 1, theme=theme,
                                    gid=f"{panel.mode}-{i}-{j}-sum", linewidth=_blocks.INNER_LINE)
                )  # fmt: skip
        kept, zeros = _panel_counts(panel, line)
        artists["texts"].append(
            _blocks.text(ax, left + n / 2, matrix_top + rows + 0.4,
                         f"{kept} of {rows * line.kernel} taps on inputs, {zeros} zeros",
                         theme=theme, gid=f"{panel.mode}-count", fontsize=TEXT_FONT)
        )  # fmt: skip
    total_width = 2 * width + GAP
    _blocks.fit(ax, (-0.2, total_width + 0.2), (-0.1, 2 * height + ROW_GAP), INCHES)
    return artists


def caption(data: PaddingModes) -> str:
    line = data.line
    return (
        f"One 1D convolution ({line.n} inputs, a kernel of {line.kernel} weights, padding "
        f"{line.padding} on each side, stride 1) under the four padding modes of PyTorch's "
        f"padding_mode. Above each matrix: the padded input, its padding cells dashed. With "
        f"zeros the taps on the padding vanish from the matrix; reflect and replicate fold "
        f"them onto a real input, whose entry then holds a sum of weights (outlined); "
        f"circular padding wraps them to the far corner, so every row is the row above "
        f"shifted by one: a circulant matrix, with no zeros left that the border made."
    )


def alt_text(data: PaddingModes) -> str:
    line = data.line
    parts = []
    for panel in data.panels:
        padded = " ".join(input_text(s) for s in panel.source)
        first = ", ".join(entry_text(c) for c in panel.taps[0])
        last = ", ".join(entry_text(c) for c in panel.taps[-1])
        kept, zeros = _panel_counts(panel, line)
        parts.append(
            f"{panel.mode}: padded input {padded}; first row {first}; last row {last}; "
            f"{kept} of {panel.taps.shape[0] * line.kernel} taps reach an input, {zeros} "
            f"structural zeros"
        )
    return (
        f"Four {data.panels[0].taps.shape[0]} by {line.n} weight matrices of a 1D convolution "
        f"with {line.n} inputs x₁ to x{subscript(line.n)}, weights w₁ to "
        f"w{subscript(line.kernel)} and padding {line.padding}, one per padding mode, each "
        f"under its padded input line. " + ". ".join(parts) + ". Cells with one weight carry "
        "its name and colour, sums are outlined in the text colour, zeros are grey and dashed."
    )
