"""``conv-sliding``: the kernel slides over the image, one output per placement.

The first row shows the pieces: the image with its numbers, the kernel with its named
weights, the bias and the output. Below, one panel per placement: the patch the kernel
covers is framed in the kernel's colour, each covered cell carries a dark border and the
name of the weight over it, and the sum written out underneath gives the number that lands
in the output grid beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from diagram_gen import examples, linked, targets
from diagram_gen.examples import ConvLayer
from diagram_gen.figures import _grid, _matrix
from diagram_gen.steps import Step, layer_steps
from diagram_gen.style import Theme

FIGURE_ID = "conv-sliding"
TITLE = "The kernel sliding over the image"
#: One channel in and out: the figure draws single grids.
example = examples.without(examples.conv_example, "in_channels", "out_channels")

#: At most this many placement panels; the others are left out and the alt text says so.
MAX_PANELS = 4
#: Panels per row.
PANEL_COLUMNS = 2
#: Horizontal gap between the pieces of the first row, and between panels, in cell units.
SPACE = 1.2
#: The parts (``--part``): the layer's pieces (image, kernel, bias, output), and the
#: placement panels. A 4:3 slide cannot hold both with 12 pt text.
PARTS = ("pieces", "placements")


@dataclass(frozen=True)
class SlidingData(_grid.Shown):
    """The placements of the kernel; ``shown`` are those that get a panel."""

    example: ConvLayer | None = None  # the layer, for its steps


def compute(example: ConvLayer) -> SlidingData:
    """Every placement of the kernel, and which of them to draw."""
    sliding = _grid.slide(example, figure_id=FIGURE_ID)
    shown = _grid.chosen_placements(sliding.output.shape, MAX_PANELS)
    return SlidingData(sliding, shown, example)


def steps(data: SlidingData) -> list[Step]:
    """One step per placement of the kernel, from the layer's weight-matrix index."""
    return layer_steps(data.example)


def parts(data: SlidingData) -> list[str]:
    """The pieces and the placements: a 4:3 slide shows one at a time."""
    return list(PARTS)


def render(
    data: SlidingData,
    theme: Theme,
    step: Step | None = None,
    target: targets.Target | None = None,
    part: str | None = None,
) -> Figure:
    """The still figure, or with ``step`` the first row and that one placement's panel.

    For the page the pieces stand in a row over the placements; on a slide they stand in
    a column beside them, which keeps the figure as wide as the slide allows and no
    taller. ``part`` draws the pieces (in a row) or the placements alone, each with the
    summary line.
    """
    fig, ax = _matrix.new_figure(theme)
    beside = part is None and target is not None and target.is_slide
    draw_conv_sliding(ax, data, theme=theme, step=step, beside=beside, part=part)
    return fig


def _names(symbol: str, shape: tuple[int, int]) -> np.ndarray:
    names = np.empty(shape, dtype=object)
    for i, j in np.ndindex(*shape):
        names[i, j] = _grid.position_name(symbol, i, j, shape)
    return names


def draw_conv_sliding(
    ax: Axes,
    data: SlidingData,
    *,
    theme: Theme,
    step: Step | None = None,
    beside: bool = False,
    part: str | None = None,
) -> dict[str, list]:
    """Draw the image, kernel, bias and output, then one panel per chosen placement.

    The pieces stand in a row over the panels, or with ``beside`` in a column left of
    them (for a slide: wide and not tall); ``part`` (:data:`PARTS`) draws the pieces
    or the panels alone, under the summary line. With ``step``, the panel is that step's
    placement alone, the summary line is the step's text, and the pieces light the image
    cells it reads and the output it writes (:func:`diagram_gen.figures._matrix.light`).
    """
    s = data.sliding
    if step is not None:
        data = SlidingData(s, (step.outputs[0],), data.example)
    artists: dict[str, list] = {"titles": [], "panels": []}
    # One sentence on how often the kernel fits, and which placements are drawn.
    summary = _summary(data) if step is None else step.text
    summary_width = _grid.text_width(ax, summary)
    if beside:
        row = 0.35
        artists["titles"].append(
            ax.text(0, _grid.baseline(row), summary, ha="left", va="baseline", gid="summary")
        )
        pieces_right, pieces_bottom = _draw_pieces_column(ax, 0.0, row + 0.25, s, artists, theme)
        x0, row = pieces_right + SPACE, row + 0.25
    elif part == "placements":
        row = 0.35
        artists["titles"].append(
            ax.text(0, _grid.baseline(row), summary, ha="left", va="baseline", gid="summary")
        )
        pieces_right, pieces_bottom = 0.0, 0.0
        x0, row = 0.0, row + 0.45
    else:
        pieces_right, pieces_bottom = _draw_pieces_row(ax, s, artists, theme)
        row = pieces_bottom + 0.55
        artists["titles"].append(
            ax.text(0, _grid.baseline(row), summary, ha="left", va="baseline", gid="summary")
        )
        x0, row = 0.0, row + 0.55
    if part == "pieces":
        right = max(pieces_right, summary_width)
        _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, row - 0.2))
        if step is not None:
            artists["lit"] = _matrix.light(ax, step_gids(s, step), theme)
        return artists
    # The panels, in a grid whose cells fit the widest and tallest panel.
    sizes = [_grid.panel_size(ax, s, s.placements[p]) for p in data.shown]
    panel_w = max(w for w, _ in sizes)
    panel_h = max(h for _, h in sizes)
    columns = min(PANEL_COLUMNS, len(data.shown))
    # Closer on a slide (a 4:3 slide holds the placements alone only just).
    gap = 0.3 if beside else 0.25 if part == "placements" else 0.4
    for n, p in enumerate(data.shown):
        i, j = s.placements[p].index
        heading = (
            f"{_grid.position_name('y', i, j, s.output.shape)}: placement {p + 1} of {data.count}"
        )
        x = x0 + (n % columns) * (panel_w + SPACE)
        y = row + (n // columns) * (panel_h + gap)
        artists["panels"].append(_grid.draw_placement(ax, x, y, s, p, theme=theme, heading=heading))
    rows_of_panels = -(-len(data.shown) // columns)
    right = max(pieces_right, summary_width, x0 + columns * panel_w + (columns - 1) * SPACE)
    bottom = max(pieces_bottom, row + rows_of_panels * panel_h + (rows_of_panels - 1) * gap)
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
    if step is not None and part != "placements":
        artists["lit"] = _matrix.light(ax, step_gids(s, step), theme)
    return artists


def _draw_pieces_row(
    ax: Axes, s: _grid.Sliding, artists: dict[str, list], theme: Theme
) -> tuple[float, float]:
    """Image x, kernel, bias b and output y in a row; returns its right edge and bottom."""
    top = _grid.TITLE_ROOM
    artists["titles"].append(
        _grid.title(ax, 0, top - 0.25, "image x", theme=theme, gid="title-image")
    )
    artists["image"] = _grid.draw_image(
        ax, 0, top, s.image, theme=theme, gid="image", names=_names("x", s.image.shape)
    )["texts"]
    col = s.image.shape[1] + SPACE
    right = _grid.draw_kernel_bias_output(ax, col, top, s, artists, space=SPACE, theme=theme)
    return right, top + max(s.image.shape[0], s.kernel.shape[0], s.output.shape[0])


def _draw_pieces_column(
    ax: Axes, col: float, row: float, s: _grid.Sliding, artists: dict[str, list], theme: Theme
) -> tuple[float, float]:
    """Image x over the kernel and bias b, over output y; returns the right edge and bottom."""
    top = row + _grid.TITLE_ROOM
    artists["titles"].append(
        _grid.title(ax, col, top - 0.25, "image x", theme=theme, gid="title-image")
    )
    artists["image"] = _grid.draw_image(
        ax, col, top, s.image, theme=theme, gid="image", names=_names("x", s.image.shape)
    )["texts"]
    right = col + max(s.image.shape[1], _grid.text_width(ax, "image x", _grid.TITLE_FONT))
    top += s.image.shape[0] + _grid.TITLE_ROOM
    kh, kw = s.kernel.shape
    artists["titles"].append(
        _grid.title(ax, col, top - 0.25, "kernel", theme=theme, gid="title-kernel")
    )
    artists["kernel"] = _grid.draw_kernel(ax, col, top, s.kernel, s.names, theme=theme)["texts"]
    bias_col = col + max(kw, _grid.text_width(ax, "kernel", _grid.TITLE_FONT)) + SPACE / 2
    artists["titles"].append(
        _grid.title(ax, bias_col, top - 0.25, "bias b", theme=theme, gid="title-bias")
    )
    artists["bias"] = [_grid.draw_bias(ax, bias_col, top, s.bias, theme=theme)]
    right = max(right, bias_col + max(1, _grid.text_width(ax, "bias b", _grid.TITLE_FONT)))
    top += kh + _grid.TITLE_ROOM
    artists["titles"].append(
        _grid.title(ax, col, top - 0.25, "output y", theme=theme, gid="title-output")
    )
    artists["output"] = _grid.draw_output(ax, col, top, s.output, theme=theme, gid="output")[
        "texts"
    ]
    right = max(
        right, col + s.output.shape[1], col + _grid.text_width(ax, "output y", _grid.TITLE_FONT)
    )
    return right, top + s.output.shape[0]


def step_gids(s: _grid.Sliding, step: Step) -> list[str]:
    """The first row's cells a step lights: the inputs it reads, the output it writes."""
    width = s.image.shape[1]
    out_w = s.output.shape[1]
    gids = [f"image-{c // width}-{c % width}-box" for c in step.inputs]
    return gids + [f"output-{o // out_w}-{o % out_w}-box" for o in step.outputs]


def _summary(data: SlidingData) -> str:
    s = data.sliding
    out_h, out_w = s.output.shape
    text = (
        f"The kernel fits {out_h} × {out_w} = {data.count} times "
        f"({_stride_text(s)}, {s.padding_text})"
    )
    if len(data.shown) < data.count:
        text += f"; {len(data.shown)} of the placements are drawn."
    else:
        text += "."
    return text


def _stride_text(s: _grid.Sliding) -> str:
    parts = [f"stride {s.stride[0]}" if s.stride[0] == s.stride[1] else f"stride {s.stride}"]
    if s.dilation != (1, 1):
        parts.append(
            f"dilation {s.dilation[0]}"
            if s.dilation[0] == s.dilation[1]
            else f"dilation {s.dilation}"
        )
    return ", ".join(parts)


def _weights_text(s: _grid.Sliding) -> str:
    return ", ".join(
        f"{name} = {_matrix.format_number(w)}"
        for name, w in zip(s.names, s.kernel.ravel(), strict=True)
    )


def caption(data: SlidingData) -> str:
    s = data.sliding
    kh, kw = s.kernel.shape
    return (
        f"The {kh}x{kw} kernel slides over the {_size(s.image.shape)} image: at each of its "
        f"{data.count} placements it multiplies the numbers it covers by the same weights, "
        f"adds the same bias b and writes one output."
    )


def _size(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def alt_text(data: SlidingData) -> str:
    s = data.sliding
    kh, kw = s.kernel.shape
    out_h, out_w = s.output.shape
    text = (
        f"A {_size(s.image.shape)} image with the rows {_grid.grid_text(s.image)}, and a "
        f"{kh}x{kw} kernel with the weights {_weights_text(s)} and the bias "
        f"b = {_matrix.format_number(s.bias)}. The kernel fits {data.count} times "
        f"({_stride_text(s)}, {s.padding_text}), giving a {out_h}x{out_w} output with the rows "
        f"{_grid.grid_text(s.output)}. "
    )
    if len(data.shown) < data.count:
        text += (
            f"Only {len(data.shown)} of the {data.count} placements are drawn, each with its "
            f"covered patch framed: "
        )
    else:
        text += "Each placement is drawn with its covered patch framed: "
    details = []
    for p in data.shown:
        placement = s.placements[p]
        i, j = placement.index
        details.append(
            f"placement {p + 1} gives y{_grid.position_name('', i, j, s.output.shape)} = "
            f"{_grid.sum_text(placement, s.kernel, s.bias)}"
        )
    return text + "; ".join(details) + "."


def links(data) -> linked.Links:
    """The drawn cells, weights, results and sums as outputs, inputs, weights and products."""
    s = data.sliding
    elements = _grid.sliding_links(s, data.shown, pieces=True)
    texts = linked.step_texts(layer_steps(s.example))
    return linked.Links(linked.conv_group(s.example), elements, texts)
