"""``conv-linked``: the sliding window, the weight matrix and the network of one layer together.

Three views of the same computation, drawn from the same arrays: the image with the
kernel, bias and output (the sliding window); ``y = C x + b`` (the weight matrix); and the
inputs joined to the outputs by the kernel's weights (the network). In the page column
the three stack, each at most a column wide (the matrix in the column's cells); a slide
shows one view at a time (``--part``). Each step is one placement of the
kernel, lit in all three views at once: the patch and its output in the window, the
matrix row with its input values and output, the output's edges in the network.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from diagram_gen import examples, linked, targets
from diagram_gen.examples import ConvLayer
from diagram_gen.figures import (
    _grid,
    _matrix,
    _network,
    _panels,
    conv_matrix,
    conv_network,
    conv_sliding,
)
from diagram_gen.steps import Step, layer_steps
from diagram_gen.style import Theme

FIGURE_ID = "conv-linked"
TITLE = "One placement in three views: the window, the matrix row, the edges"
#: One channel in and out, like the sliding window it draws.
example = examples.without(examples.conv_example, "in_channels", "out_channels")

#: The figures whose views this one draws (the Makefile rebuilds it when they change).
VIEWS = (conv_sliding, conv_matrix, conv_network)
#: The views' names, in drawing order.
HEADINGS = ("the sliding window", "the weight matrix: y = C x + b", "the network")


@dataclass(frozen=True)
class LinkedData:
    example: ConvLayer
    sliding: conv_sliding.SlidingData
    matrix: conv_matrix.ConvMatrixData
    network: conv_network.ConvNetworkData


def compute(example: ConvLayer) -> LinkedData:
    """The three views' data, each computed by its own figure from the same layer."""
    sliding = conv_sliding.compute(example)
    matrix = conv_matrix.compute(example)
    network = conv_network.compute(example)
    if not _matrix.is_labelled(matrix.shape):
        rows, cols = matrix.shape
        raise ValueError(
            f"{FIGURE_ID} writes every matrix entry: the matrix must have at most "
            f"{_matrix.MAX_LABELLED_CELLS} entries, got {rows} x {cols} = {rows * cols}."
        )
    return LinkedData(example, sliding, matrix, network)


def steps(data: LinkedData) -> list[Step]:
    """One step per placement of the kernel (the same steps as each view's own figure)."""
    return layer_steps(data.example)


def _draw_window(ax: Axes, data: LinkedData, theme: Theme, step: Step | None) -> None:
    s = data.sliding.sliding
    top = _grid.TITLE_ROOM
    artists: dict[str, list] = {"titles": []}
    _grid.title(ax, 0, top - 0.25, "image x", theme=theme, gid="title-image")
    _grid.draw_image(
        ax, 0, top, s.image, theme=theme, gid="image", names=conv_sliding._names("x", s.image.shape)
    )
    right = _grid.draw_kernel_bias_output(
        ax,
        s.image.shape[1] + conv_sliding.SPACE,
        top,
        s,
        artists,
        space=conv_sliding.SPACE,
        theme=theme,
    )
    bottom = top + max(s.image.shape[0], s.kernel.shape[0], s.output.shape[0])
    if step is not None:
        placement = s.placements[step.outputs[0]]
        rows, cols = placement.rows, placement.cols
        top_pad, left_pad = s.pad[0], s.pad[1]
        r0, c0 = max(rows[0] - top_pad, 0), max(cols[0] - left_pad, 0)
        r1 = min(rows[-1] - top_pad, s.image.shape[0] - 1)
        c1 = min(cols[-1] - left_pad, s.image.shape[1] - 1)
        _grid.frame(
            ax, c0, top + r0, c1 - c0 + 1, r1 - r0 + 1, colour=theme.kernel, gid="window-patch"
        )
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
    if step is not None:
        _matrix.light(ax, conv_sliding.step_gids(s, step), theme)


def _draw_matrix(ax: Axes, data: LinkedData, theme: Theme, step: Step | None) -> None:
    conv_matrix.draw_conv_matrix(ax, data.matrix, theme=theme, layout=_matrix.COLUMN_LAYOUT)
    if step is not None:
        _matrix.light_product_step(ax, step, theme)


def _draw_network(ax: Axes, data: LinkedData, theme: Theme, step: Step | None) -> None:
    fig = ax.figure
    page, corner = 20, -5  # the provisional page of _network.new_canvas
    fig.set_size_inches(page, page)
    ax.set_xlim(corner, corner + page)
    ax.set_ylim(corner + page, corner)
    conv_network.draw_conv_network(ax, data.network, theme=theme)
    _network.fit(fig, ax)
    if step is not None:
        _network.light_step(ax, step.triples, theme)


#: The views as parts (``--part``), in drawing order.
PARTS = ("window", "matrix", "network")


def parts(data: LinkedData) -> list[str]:
    """Each view is a part: a slide can show one at a time."""
    return list(PARTS)


def render(
    data: LinkedData,
    theme: Theme,
    step: Step | None = None,
    target: targets.Target | None = None,
    part: str | None = None,
) -> Figure:
    """The three views arranged for ``target``; with ``step``, its placement lit in each
    and its text above."""
    draws = (_draw_window, _draw_matrix, _draw_network)
    panels = [
        _panels.Panel(key, heading, lambda ax, draw=draw: draw(ax, data, theme, step))
        for key, heading, draw in zip(PARTS, HEADINGS, draws, strict=True)
    ]
    return _panels.compose(
        panels,
        theme,
        target=target,
        part=part,
        step_text=step.text if step is not None else None,
    )


def caption(data: LinkedData) -> str:
    n_out, n_in = data.matrix.shape
    return (
        f"One layer seen three ways: each of the {n_out} placements of the kernel on the "
        f"image is one row of the {n_out}x{n_in} weight matrix C and one output of the "
        f"network with its edges; the three views hold the same weights and give the same "
        f"outputs."
    )


def alt_text(data: LinkedData) -> str:
    n_out, n_in = data.matrix.shape
    s = data.sliding.sliding
    kh, kw = s.kernel.shape
    placements = "; ".join(step.text for step in steps(data))
    return (
        f"Three views of one convolution. Top left: the {s.image.shape[0]}x{s.image.shape[1]} "
        f"image x with rows {_grid.grid_text(s.image)}, the {kh}x{kw} kernel, the bias "
        f"b = {_matrix.format_number(s.bias)} and the output y with rows "
        f"{_grid.grid_text(s.output)}. Top right: the same layer as y = C x + b, with "
        f"the {n_out}x{n_in} matrix C. Below: the network, {n_in} inputs joined to {n_out} "
        f"outputs by {data.network.edge_count} edges that carry the kernel's weights. Each "
        f"placement is one matrix row and one output's edges: {placements}."
    )


def links(data: LinkedData) -> linked.Links:
    """The three views' elements: the window's grids, the matrix, the network."""
    example = data.example
    elements = _grid.sliding_links(data.sliding.sliding, (), pieces=True)
    elements.update(conv_matrix.link_elements(data.matrix))
    elements.update(_network.conv_graph_links(data.network))
    return linked.Links(linked.conv_group(example), elements, linked.step_texts(steps(data)))
