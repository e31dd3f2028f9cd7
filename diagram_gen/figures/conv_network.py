"""``conv-network``: the small convolution as a network, with only the edges it has.

The 9 pixels of the 3x3 image are the input nodes (read row by row, the image rows set a
little apart) and the 4 outputs sit under the patches they see. Each output has an edge
to the 4 pixels of its patch only: 16 edges instead of the 36 of a fully connected layer.
Each edge carries its kernel weight's name; edges of the same weight share its colour and
its line style, so the four copies of each weight are visible without colour too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, linked
from diagram_gen.examples import ConvLayer, format_number
from diagram_gen.figures import _matrix, _network
from diagram_gen.figures._network import ConvGraphData, Edge, KeyItem
from diagram_gen.steps import Step, layer_steps
from diagram_gen.style import Theme

FIGURE_ID = "conv-network"
TITLE = "A convolution as a network with shared weights"
example = examples.conv_example

INPUT_SPACING = 0.8  # inches between input nodes (the page column holds 9 of them)
ROW_GAP = 0.35  # extra inches between the rows of the image
OUTPUT_GAP = 0.9  # least distance between output nodes
LAYER_GAP = 3.0  # inches from the input row to the output row


@dataclass(frozen=True)
class ConvNetworkData(ConvGraphData):
    bias: np.ndarray  # (n_out,) the bias each output adds


def compute(example: ConvLayer) -> ConvNetworkData:
    """Which kernel weight joins which input to which output, and the values at the nodes."""
    output, index = _network.conv_weight_index(FIGURE_ID, example)
    per_channel = int(np.prod(output.shape[1:]))
    return ConvNetworkData(
        example=example,
        index=index,
        x=example.image.ravel(),
        y=output.ravel(),
        bias=np.repeat(example.bias, per_channel),
    )


def steps(data: ConvNetworkData) -> list[Step]:
    """One step per output: the edges of its placement."""
    return layer_steps(data.example)


def render(data: ConvNetworkData, theme: Theme, step: Step | None = None) -> Figure:
    """The still figure, or with ``step`` its output's edges lit and the others dimmed."""
    fig, ax = _network.new_canvas(theme)
    draw_conv_network(ax, data, theme=theme)
    _network.fit(fig, ax)
    if step is not None:
        _network.light_step(ax, step.triples, theme)
        _matrix.step_heading(fig, ax, step.text, theme)
    return fig


def kernel_listing(example: ConvLayer) -> list[str]:
    """``α = 2`` for each kernel weight, in kernel order."""
    return [
        f"{name} = {format_number(value)}"
        for name, value in zip(example.weight_names, example.kernel.ravel(), strict=True)
    ]


def draw_conv_network(ax, data: ConvNetworkData, *, theme: Theme) -> dict[str, list]:
    """Draw the inputs, the outputs under their patches and the edges by weight."""
    fig = ax.figure
    example = data.example
    in_shape = example.image.shape
    out_shape = example.output().shape
    x_in, x_out = _network.row_centres(
        data.index >= 0,
        INPUT_SPACING,
        OUTPUT_GAP,
        groups=_network.image_rows(in_shape),
        group_gap=ROW_GAP,
    )
    labelled = data.nodes_labelled
    inputs, outputs = _network.node_rows(
        fig,
        x_in,
        x_out,
        LAYER_GAP,
        theme=theme,
        in_texts=[format_number(v) for v in data.x] if labelled else None,
        out_texts=[format_number(v) for v in data.y] if labelled else None,
        in_names=_network.position_names("x", in_shape) if labelled else None,
        out_names=_network.position_names("y", out_shape) if labelled else None,
    )
    names = example.weight_names
    edges = []
    for (i, j), k in np.ndenumerate(data.index):
        if k < 0:
            continue
        colour, style = _network.weight_style(int(k), theme)
        label = names[k] if data.edges_labelled else None
        edges.append(Edge(int(i), int(j), colour, style, _network.WEIGHT_EDGE_WIDTH, label))
    artists: dict[str, list] = {
        "edges": _network.draw_edges(ax, inputs, outputs, edges, theme=theme),
        "labels": _network.place_edge_labels(ax, inputs, outputs, edges, theme=theme),
    }
    for part, row in (("inputs", inputs), ("outputs", outputs)):
        artists[part] = _network.draw_row(ax, row, theme=theme)
    middle = (x_in.min() + x_in.max()) / 2
    below = LAYER_GAP + outputs.radius + (0.75 if labelled else 0.35)
    bias = example.bias
    shared = (
        f"every output adds the bias b = {format_number(bias[0])}, one bias for the kernel"
        if bias.size == 1
        else f"each kernel's outputs add its own bias, b = ({_network.join_numbers(bias)})"
    )
    artists["notes"] = [
        _network.note(
            ax,
            middle,
            below,
            f"{data.edge_count} edges, {example.kernel.size} weights; {shared}",
            theme=theme,
            gid="note-bias",
        )
    ]
    artists["key"] = _network.draw_key(
        ax,
        [
            KeyItem(*_network.weight_style(k, theme), _network.WEIGHT_EDGE_WIDTH, text)
            for k, text in enumerate(kernel_listing(example))
        ],
        centre=middle,
        y=below + 0.65,
        theme=theme,
    )
    return artists


def caption(data: ConvNetworkData) -> str:
    n_out, n_in = data.shape
    weights = data.example.kernel.size
    return (
        f"The convolution as a network: each of the {n_out} outputs is joined only to the "
        f"inputs of its patch, {data.edge_count} edges instead of the {n_in * n_out} of a "
        f"fully connected layer, and they hold only {weights} different weights. Edges with "
        f"the same name, colour and line style are one shared weight."
    )


def alt_text(data: ConvNetworkData) -> str:
    n_out, n_in = data.shape
    example = data.example
    weights = example.kernel.size
    text = (
        f"A network with a row of {n_in} input nodes above a row of {n_out} output nodes. "
        f"Only {data.edge_count} of the {n_in * n_out} possible edges are drawn: each output "
        f"is joined to the inputs of its patch. The edges hold {weights} shared kernel "
        f"weights, "
    )
    looks = [
        f"{listing} ({_network.weight_style_words(k)}, on {int((data.index == k).sum())} edges)"
        for k, listing in enumerate(kernel_listing(example))
    ]
    text += "; ".join(looks[:12]) + ("; …" if weights > 12 else "") + ". "
    if data.edges_labelled:
        text += "Each edge is labelled with the name of its weight. "
    else:
        text += "There are too many edges to label them, so only colour and style name them. "
    if not data.nodes_labelled:
        return text + "The nodes are too many to hold their values and are drawn as dots."
    bias = (
        f"the shared bias b = {format_number(example.bias[0])}"
        if example.bias.size == 1
        else "its kernel's bias"
    )
    return text + (
        f"The input nodes hold x = ({_network.join_numbers(data.x)}), the image read row by "
        f"row; the output nodes hold y = ({_network.join_numbers(data.y)}), each the "
        f"weighted sum of its patch plus {bias}."
    )


def links(data: ConvNetworkData) -> linked.Links:
    """Nodes as inputs and outputs, edges (and their labels) as products, the key's
    entries as weights."""
    elements = _network.conv_graph_links(data)
    return linked.Links(linked.conv_group(data.example), elements, linked.step_texts(steps(data)))
