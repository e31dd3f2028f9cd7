"""``fc-graph``: the fully connected layer as a network, one edge per weight.

Every input is joined to every output. An edge's colour gives the sign of its weight (blue
positive, vermillion negative), its width the size, and negative weights are also dashed,
so the sign reads without colour. Inputs carry their values, outputs the values the layer
computes (weighted sum plus bias), with each output's bias written under it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from diagram_gen import examples, linked
from diagram_gen.examples import Dense, format_number
from diagram_gen.figures import _network
from diagram_gen.figures._network import Edge, KeyItem
from diagram_gen.style import Theme

FIGURE_ID = "fc-graph"
TITLE = "A fully connected layer as a network"
example = examples.fully_connected

INPUT_SPACING = 1.0  # inches between input nodes
OUTPUT_SPACING = 1.9  # at least this far apart
LAYER_GAP = 3.0  # inches from the input row to the output row
THIN, THICK = 0.8, 4.2  # edge widths in points, for the smallest and the largest weight


@dataclass(frozen=True)
class FcGraphData:
    layer: Dense
    y: np.ndarray  # (n_out,) outputs, bias included

    @property
    def shape(self) -> tuple[int, int]:
        return self.layer.weights.shape

    @property
    def labelled(self) -> bool:
        """Whether the nodes carry their values (small enough layers only)."""
        return _network.nodes_labelled(*self.shape)


def compute(layer: Dense) -> FcGraphData:
    """The layer and its output ``y = W x + b``."""
    n_out, n_in = layer.weights.shape
    _network.check_sizes(FIGURE_ID, inputs=n_in, outputs=n_out)
    return FcGraphData(layer, layer.output())


def render(data: FcGraphData, theme: Theme) -> Figure:
    fig, ax = _network.new_canvas(theme)
    draw_fc_graph(ax, data, theme=theme)
    _network.fit(fig, ax)
    return fig


def edge_look(weight: float, largest: float, theme: Theme) -> tuple[str, str, float]:
    """Colour, line style and width of the edge of ``weight``.

    Colour: the theme's diverging map, from its middle (the page) towards vermillion or
    blue, at least three quarters of the way so that small weights stay visible. Width grows
    with the size of the weight; negative weights are dashed.
    """
    size = abs(weight) / largest
    sign = 1.0 if weight > 0 else -1.0
    colour = to_hex(theme.diverging(0.5 + sign * 0.5 * (0.75 + 0.25 * size)))
    return colour, "--" if weight < 0 else "-", THIN + (THICK - THIN) * size


def draw_fc_graph(ax, data: FcGraphData, *, theme: Theme) -> dict[str, list]:
    """Draw the input row, the output row and every edge; returns the artists by part."""
    fig = ax.figure
    weights = data.layer.weights
    n_out, n_in = weights.shape
    labelled = data.labelled
    x_in, x_out = _network.row_centres(np.ones((n_out, n_in), bool), INPUT_SPACING, OUTPUT_SPACING)
    in_names = _network.position_names("x", (1, n_in))
    out_names = _network.position_names("y", (1, n_out))
    inputs, outputs = _network.node_rows(
        fig,
        x_in,
        x_out,
        LAYER_GAP,
        theme=theme,
        in_texts=[format_number(v) for v in data.layer.x] if labelled else None,
        out_texts=[format_number(v) for v in data.y] if labelled else None,
        in_names=in_names if labelled else None,
        out_names=out_names if labelled else None,
        out_extra=[
            f"b{name[1:]} = {format_number(b)}"
            for name, b in zip(out_names, data.layer.bias, strict=True)
        ]
        if labelled
        else None,
    )
    largest = float(np.abs(weights).max()) or 1.0
    edges = []
    # Weak weights first, so the strong ones are drawn on top of them.
    for flat in np.argsort(np.abs(weights), axis=None, kind="stable"):
        i, j = divmod(int(flat), n_in)
        colour, style, width = edge_look(weights[i, j], largest, theme)
        edges.append(Edge(i, j, colour, style, width))
    artists: dict[str, list] = {
        "edges": _network.draw_edges(ax, inputs, outputs, edges, theme=theme, cased=False)
    }
    for part, row in (("inputs", inputs), ("outputs", outputs)):
        artists[part] = _network.draw_row(ax, row, theme=theme)
    middle = (x_in.min() + x_in.max()) / 2
    bottom = LAYER_GAP + outputs.radius + (0.85 if labelled else 0.3)
    artists["key"] = _network.draw_key(
        ax,
        [
            KeyItem(*edge_look(largest, largest, theme), "positive weight"),
            KeyItem(*edge_look(-largest, largest, theme), "negative weight (dashed)"),
            KeyItem(theme.muted, "-", (THIN, 2.5, THICK), "wider: larger |weight|"),
        ],
        centre=middle,
        y=bottom + 0.2,
        theme=theme,
        cased=False,
    )
    return artists


def caption(data: FcGraphData) -> str:
    n_out, n_in = data.shape
    return (
        f"The same fully connected layer as a network: each of the {n_out} outputs is joined "
        f"to all {n_in} inputs, {n_in * n_out} edges with a weight of their own (blue solid "
        f"positive, vermillion dashed negative, wider when larger). Each output is the "
        f"weighted sum of its inputs plus its own bias."
    )


def alt_text(data: FcGraphData) -> str:
    n_out, n_in = data.shape
    weights = data.layer.weights
    i, j = np.unravel_index(int(np.argmax(np.abs(weights))), weights.shape)
    positive = int((weights > 0).sum())
    text = (
        f"A network with a row of {n_in} input nodes above a row of {n_out} output nodes, "
        f"every input joined to every output: {n_in * n_out} edges, one per weight of W, "
        f"{positive} positive (solid blue) and {weights.size - positive} negative (dashed "
        f"vermillion), wider the larger the weight; the strongest, "
        f"{format_number(weights[i, j])}, joins x{examples.subscript(j + 1)} to "
        f"y{examples.subscript(i + 1)}. "
    )
    if not data.labelled:
        return text + (
            "The layer is too large to write values in its nodes, so they are drawn as dots."
        )
    return text + (
        f"The input nodes hold x = ({_network.join_numbers(data.layer.x)}); the output "
        f"nodes hold y = ({_network.join_numbers(data.y)}), each the weighted sum of all "
        f"inputs plus the bias written under it, b = "
        f"({_network.join_numbers(data.layer.bias)})."
    )


def links(data: FcGraphData) -> linked.Links:
    """The nodes as inputs and outputs, every edge its own weight."""
    rows, cols = data.shape
    elements = _network.graph_links(
        linked.dense_index(data.shape),
        _network.position_names("x", (1, cols)),
        _network.position_names("y", (1, rows)),
        x=data.layer.x,
        y=data.y,
    )
    return linked.Links(linked.dense_group(data.layer), elements)
