"""``grouped-conv``: a grouped convolution's weight matrix is block diagonal.

The same layer three times: an ordinary convolution (every kernel reads every input
channel), a grouped one (the channels split into groups; a kernel reads only its group's
channels, so the blocks between groups are zero) and the depthwise extreme (one group per
channel). AlexNet used two groups, one per GPU. Under each matrix, its parameters, counted
from the matrix itself: distinct trainable entries plus one bias per output channel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import layers
from diagram_gen.figures import _blocks, _matrix
from diagram_gen.style import DISTINCT_WEIGHTS, Theme, identities_repeat, weight_identity

FIGURE_ID = "grouped-conv"
TITLE = "Grouped and depthwise convolutions: block-diagonal weight matrices"

#: Inches of the longer side of one matrix drawn as an image: three side by side, with
#: their titles and counts, are about 8.5 in, the page column's 7.2 in at 10 pt and more.
PANEL_INCHES = 2.3
#: Gap between two matrices, in cells of the labelled layout.
GAP = 0.65
#: Points of the titles and counts under and over each matrix.
TITLE_FONT = COUNT_FONT = 11


@dataclass(frozen=True)
class GroupedLayer:
    """The sizes of one convolution, drawn with several numbers of groups."""

    in_channels: int
    out_channels: int
    height: int
    width: int
    kernel: int
    padding: int | str
    groups: int

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return (self.in_channels, self.height, self.width)

    def weight_shape(self, groups: int) -> tuple[int, int, int, int]:
        return (self.out_channels, self.in_channels // groups, self.kernel, self.kernel)

    @property
    def panel_groups(self) -> tuple[int, ...]:
        """Ordinary (1), the reader's ``groups`` and depthwise (one per input channel)."""
        return tuple(sorted({1, self.groups, self.in_channels}))


def example(
    *,
    in_channels: int = 4,
    out_channels: int = 4,
    height: int = 3,
    width: int = 3,
    kernel: int = 3,
    padding: int | str = 1,
    groups: int = 2,
) -> GroupedLayer:
    """4 input and 4 output channels of 3x3, 3x3 kernels with padding 1, 2 groups."""
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels),
                        ("height", height), ("width", width), ("kernel", kernel),
                        ("groups", groups)):  # fmt: skip
        layers.check_positive_int(name, value)
    if out_channels % in_channels:
        raise ValueError(
            f"out_channels must be a multiple of in_channels ({in_channels}) so that the "
            f"depthwise panel has whole groups, got out_channels={out_channels}."
        )
    layer = GroupedLayer(in_channels, out_channels, height, width, kernel, padding, groups)
    for g in layer.panel_groups:  # let the layer math refuse impossible sizes, in one place
        layers.conv_matrix_index(layer.weight_shape(g), layer.input_shape, padding=padding,
                                 groups=g)  # fmt: skip
    return layer


@dataclass(frozen=True)
class Panel:
    groups: int
    index: np.ndarray  # (R, C) flat kernel index per entry, -1 for an untrainable zero
    weights: int  # distinct trainable entries of the matrix
    biases: int
    between_groups: int  # zeros linking an output to an input channel of another group
    outside_window: int  # zeros inside a group: the input lies outside the output's window
    cut_off: int  # kernel taps that land on the padding: they have no column at all

    @property
    def zeros(self) -> int:
        return self.between_groups + self.outside_window


@dataclass(frozen=True)
class GroupedMatrices:
    layer: GroupedLayer
    panels: tuple[Panel, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return self.panels[0].index.shape

    @property
    def block_shape(self) -> tuple[int, int]:
        """(outputs per feature map, inputs per channel)."""
        rows, cols = self.shape
        return rows // self.layer.out_channels, cols // self.layer.in_channels

    @property
    def labelled(self) -> bool:
        """Small enough to write a name in every cell of every matrix side by side."""
        rows, cols = self.shape
        return _matrix.is_labelled((rows, len(self.panels) * cols))


def compute(layer: GroupedLayer) -> GroupedMatrices:
    """The matrix structure for each number of groups and its parameter count."""
    panels = []
    for g in layer.panel_groups:
        index = layers.conv_matrix_index(
            layer.weight_shape(g), layer.input_shape, padding=layer.padding, groups=g
        )
        rows, cols = index.shape
        in_groups = rows * cols // g  # the entries of the g diagonal blocks
        taps = int((index >= 0).sum())
        # Without borders every row would hold all C_in/g * k * k taps of its kernel.
        every_tap = rows * (layer.in_channels // g) * layer.kernel**2
        panels.append(
            Panel(g, index, _blocks.trainable_count(index), layer.out_channels,
                  between_groups=rows * cols - in_groups, outside_window=in_groups - taps,
                  cut_off=every_tap - taps)
        )  # fmt: skip
    return GroupedMatrices(layer, tuple(panels))


def render(data: GroupedMatrices, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_grouped(ax, data, theme=theme)
    return fig


def _is_alexnet(panel: Panel, layer: GroupedLayer) -> bool:
    """Two groups that are not also one per channel: AlexNet's split over two GPUs."""
    return panel.groups == 2 and layer.in_channels > 2


def _title(panel: Panel, layer: GroupedLayer) -> str:
    g = panel.groups
    if g == 1:
        return "groups = 1\nordinary convolution"
    if g == layer.in_channels:
        return f"groups = {g} = channels\ndepthwise"
    if _is_alexnet(panel, layer):
        return "groups = 2\nAlexNet: one group per GPU"
    return f"groups = {g}\ngrouped convolution"


def _group_label(panel: Panel, layer: GroupedLayer, group: int) -> str:
    if _is_alexnet(panel, layer):
        return f"GPU {group + 1}"
    return f"group {group + 1}"


def _names(layer: GroupedLayer, groups: int) -> tuple[str, ...]:
    """w₁,₃,₁₂ with the input channel each slice really reads."""
    shape = layer.weight_shape(groups)
    per_group_out, per_group_in = layer.out_channels // groups, shape[1]
    channel_of = [[(o // per_group_out) * per_group_in + c for c in range(shape[1])]
                  for o in range(shape[0])]  # fmt: skip
    return _blocks.channel_weight_names(shape, channel_of)


def draw_grouped(ax, data: GroupedMatrices, *, theme: Theme) -> dict[str, list]:
    """The matrices side by side, channel blocks ruled, groups outlined, counts under them."""
    rows, cols = data.shape
    layer = data.layer
    c_out, c_in = layer.out_channels, layer.in_channels
    b_rows, b_cols = data.block_shape
    labelled = data.labelled
    inches = _matrix.CELL_INCHES if labelled else PANEL_INCHES / max(rows, cols)
    unit = _matrix.CELL_INCHES / inches  # entries per cell of the labelled layout
    # Each matrix gets a slot wide enough for the count under it, and sits in its middle.
    counts = [_blocks.count_text(p.weights, p.biases) for p in data.panels]
    slot = max([cols] + [_blocks.measured_inches(c, COUNT_FONT) / inches for c in counts])
    step = slot + GAP * unit
    artists: dict[str, list] = {"titles": [], "groups": [], "blocks": [], "counts": [],
                                "labels": [], "cells": []}  # fmt: skip
    for p, panel in enumerate(data.panels):
        left = p * step + (slot - cols) / 2
        taps = kernel_positions(panel.index, layer.kernel)
        if labelled:
            names = _names(layer, panel.groups)
            fills, texts = _blocks.weight_grid(panel.index, None, names, theme)
            fills = np.array(_matrix.weight_palette(theme, layer.kernel**2), dtype=object)[
                _matrix.weight_categories(taps)
            ]
            artists["cells"] += _blocks.draw_cell_grid(
                ax, fills, texts, theme=theme, lefts=[left + j for j in range(cols)],
                tops=list(range(rows)), dashed=panel.index < 0, prefix=f"p{p}",
                fontsize=_blocks.NAME_FONT, hatches=_matrix.weight_hatches(taps),
            )  # fmt: skip
        elif _matrix.has_patterns((rows, cols)):
            artists["cells"] += _matrix.pattern_cells(
                ax, taps, theme=theme, inches=inches, origin=(left, 0), prefix=f"p{p}"
            )
        else:
            categories = _matrix.weight_categories(taps)
            palette = _matrix.weight_palette(theme, layer.kernel**2)
            artists[f"image-{p}"] = _blocks.draw_image(
                ax, categories, palette, theme=theme, origin=(left, 0), gid=f"p{p}-image"
            )
        # Thin rules between channels, thick outlines around each group's block.
        artists["blocks"] += _blocks.outline_blocks(
            ax, [o * b_rows for o in range(c_out + 1)],
            [left + c * b_cols for c in range(c_in + 1)], theme=theme, prefix=f"p{p}-block",
            linewidth=0.8, colour=theme.muted,
        )  # fmt: skip
        g_rows, g_cols = rows // panel.groups, cols // panel.groups
        longest = _group_label(panel, layer, panel.groups - 1)
        fits_label = _blocks.fits(longest, g_cols * inches, _blocks.LABEL_FONT)
        for g in range(panel.groups):
            artists["groups"].append(
                _blocks.outline(ax, left + g * g_cols, g * g_rows, g_cols, g_rows, theme=theme,
                                gid=f"p{p}-group-{g}")
            )  # fmt: skip
            if fits_label and panel.groups > 1:
                artists["labels"].append(
                    _blocks.text(ax, left + (g + 0.5) * g_cols, rows + 0.4 * unit,
                                 _group_label(panel, layer, g), theme=theme,
                                 gid=f"p{p}-group-label-{g}", fontsize=_blocks.LABEL_FONT)
                )  # fmt: skip
        if _blocks.fits(str(c_in), b_cols * inches, _blocks.LABEL_FONT):
            for c in range(c_in):
                artists["labels"].append(
                    _blocks.text(ax, left + (c + 0.5) * b_cols, -0.35 * unit, str(c + 1),
                                 theme=theme, gid=f"p{p}-in-{c}", color=theme.muted,
                                 fontsize=_blocks.LABEL_FONT)
                )  # fmt: skip
        artists["titles"].append(
            _blocks.text(ax, left + cols / 2, -0.8 * unit, _title(panel, layer), theme=theme,
                         gid=f"p{p}-title", va="bottom", fontsize=TITLE_FONT,
                         linespacing=1.3)
        )  # fmt: skip
        artists["counts"].append(
            _blocks.text(ax, left + cols / 2, rows + 0.85 * unit,
                         counts[p], theme=theme,
                         gid=f"p{p}-count", va="top", fontsize=COUNT_FONT)
        )  # fmt: skip
    first = (slot - cols) / 2  # left edge of the first matrix
    if _blocks.fits(str(c_out), b_rows * inches, _blocks.LABEL_FONT):
        for o in range(c_out):
            artists["labels"].append(
                _blocks.text(ax, first - 0.35 * unit, (o + 0.5) * b_rows, str(o + 1), theme=theme,
                             gid=f"out-{o}", color=theme.muted, fontsize=_blocks.LABEL_FONT)
            )  # fmt: skip
    width = len(data.panels) * step - GAP * unit
    artists["labels"].append(
        _blocks.text(ax, width / 2, rows + 1.8 * unit, _legend(data), theme=theme,
                     gid="legend", va="top", color=theme.muted, fontsize=_blocks.LABEL_FONT,
                     linespacing=1.3)
    )  # fmt: skip
    left_edge = min(0.0, first - 0.8 * unit)
    _blocks.fit(ax, (left_edge, width + 0.3 * unit), (-1.9 * unit, rows + 2.5 * unit), inches)
    return artists


def kernel_positions(index: np.ndarray, kernel: int) -> np.ndarray:
    """The kernel position (row-major, 0 to k²-1) of each entry's weight; -1 for a zero.

    A weight of a grouped convolution is its channel pair (the block it lies in) and its
    kernel position: cells are drawn in that position's colour and pattern
    (:func:`diagram_gen.style.weight_identity`), so within a block every weight looks
    different and the same position looks alike in every block.
    """
    return np.where(index < 0, -1, index % (kernel * kernel))


def identity_words(data: GroupedMatrices) -> str:
    """How the figure tells the weights apart, and what it leaves out, in words."""
    taps = data.layer.kernel**2
    text = (
        f"Colour and pattern: the weight's position in the {data.layer.kernel}x"
        f"{data.layer.kernel} kernel ({taps} looks"
        + (", which repeat past " + str(DISTINCT_WEIGHTS) if identities_repeat(taps) else "")
        + "); its block: the channels it links."
    )
    if data.labelled:
        return text
    if not _matrix.has_patterns(data.shape):
        return (
            f"No names: {data.shape[0] * data.shape[1] * len(data.panels):,} cells are too "
            "many to label. Colour: the weight's kernel position (too small for patterns)."
        )
    return (
        f"No names: {data.shape[0] * data.shape[1] * len(data.panels):,} cells are too many "
        f"to label. {text}"
    )


def _legend(data: GroupedMatrices) -> str:
    layer = data.layer
    colours = "\n" + identity_words(data).replace(". ", ".\n").replace("); ", ");\n")
    return (
        f"Block rows: output channels 1 to {layer.out_channels}, top to bottom;\nblock "
        f"columns: input channels 1 to {layer.in_channels}, left to right.\nThick outlines: "
        f"the groups; grey: untrainable zeros.{colours}"
    )


def _sizes(layer: GroupedLayer) -> str:
    pad = (
        f"padding {layer.padding!r}"
        if isinstance(layer.padding, str)
        else (f"padding {layer.padding}")
    )
    return (
        f"{layer.in_channels} input channels of {layer.height}x{layer.width}, "
        f"{layer.out_channels} output channels, {layer.kernel}x{layer.kernel} kernels, {pad}"
    )


def caption(data: GroupedMatrices) -> str:
    counts = ", ".join(
        f"{p.weights + p.biases:,} with {p.groups} group{'s' if p.groups > 1 else ''}"
        for p in data.panels
    )
    layer = data.layer
    border = ""
    if data.panels[0].cut_off:
        border = (
            " The padding keeps the output maps the size of the input; the taps that fall on "
            "it have no column in the matrix."
        )
    return (
        f"The weight matrix of one convolution ({_sizes(layer)}) with more and more "
        f"groups. Each group of output channels reads only its own group of input channels, "
        f"so the matrix is block diagonal and the blocks between groups are untrainable "
        f"zeros: LeNet-5's connection table made regular. AlexNet split its second, fourth "
        f"and fifth convolutions into two groups, one per GPU; depthwise convolution is the "
        f"extreme, one group per channel. Free parameters: {counts}.{border}"
    )


def alt_text(data: GroupedMatrices) -> str:
    rows, cols = data.shape
    layer = data.layer
    parts = []
    for p in data.panels:
        g_rows, g_cols = rows // p.groups, cols // p.groups
        parts.append(
            f"with {p.groups} group{'s' if p.groups > 1 else ''}, {p.groups} outlined "
            f"diagonal block{'s' if p.groups > 1 else ''} of {g_rows} by {g_cols}, "
            f"{p.zeros:,} untrainable zeros ({p.between_groups:,} between groups, "
            f"{p.outside_window:,} inside the groups where the input lies outside the "
            f"output's window), {p.weights:,} shared weights plus {p.biases} "
            f"biases = {p.weights + p.biases:,} free parameters"
        )
    text = (
        f"{len(data.panels)} weight matrices of {rows} by {cols} side by side, for "
        f"{_sizes(layer)}: " + "; ".join(parts) + ". Outside the outlined blocks every "
        "entry is zero; inside, each channel's block holds one kernel slice along its "
        "diagonals. "
    )
    if any(p.groups == 2 for p in data.panels):
        text += "Two groups are AlexNet's split across two GPUs. "
    if layer.in_channels > 1:
        text += "One group per input channel is a depthwise convolution. "
    if data.labelled:
        return text + (
            "Every weight cell is labelled with its name w(out, in, position). "
            + identity_words(data)
        )
    cut = data.panels[0].cut_off
    if cut:
        text += (
            f"Near the border part of each window lies on the zero padding: those taps "
            f"({cut:,} in the first matrix) have no column and are not counted as zeros"
        )
        first = data.panels[0]
        if first.groups == 1 and cut == first.outside_window:
            text += (
                " (the two numbers agree here only because each window has as many taps "
                "as a map has pixels)"
            )
        text += ". "
    looks = "; ".join(
        f"position ({a + 1}, {b + 1}) {weight_identity(a * layer.kernel + b).words}"
        for a in range(layer.kernel)
        for b in range(layer.kernel)
    )
    return text + (
        "The matrices are too large to label; they are drawn cell by cell, grey for "
        f"zeros. {identity_words(data)} Kernel positions: {looks}."
    )
