"""``conv-dense-graph``: the convolution as the dense layer it equals, drawn by Graphviz.

All inputs are joined to all outputs, as in a fully connected layer, but most of those
edges hold an untrainable zero: they are grey, thin and dashed. The others hold one of the
kernel's weights: drawn solid and thick in that weight's colour and labelled with its name.
Unlike ``conv-network``, the weight edges do not differ in line style: here a dashed line
already means a zero, and Graphviz has no dash-dot pattern to match the fourth weight's
style there, so the name on the edge is the cue that does not need colour. The
graph is the matrix of ``conv-matrix`` read as a network: one edge per matrix entry.

``render`` returns a :class:`graphviz.Digraph`; the exporter runs ``dot``. The DOT text is
built in a fixed order (inputs, outputs, zero edges, weight edges, each in matrix order),
so the same parameters always give the same source and the same files.
"""

from __future__ import annotations

from dataclasses import dataclass

import graphviz
import numpy as np

from diagram_gen import examples, linked
from diagram_gen.examples import ConvLayer, format_number
from diagram_gen.figures import _network
from diagram_gen.figures._network import ConvGraphData, Edge, Row
from diagram_gen.steps import Step, layer_steps
from diagram_gen.style import FONT_FAMILY, Theme, text_colour_on

FIGURE_ID = "conv-dense-graph"
TITLE = "A convolution as a dense layer: all edges, most of them zero"
example = examples.conv_example

WEIGHT_PEN = "2.6"  # pen width of an edge that holds a weight, in points
ZERO_PEN = "1.2"  # pen width of an edge that holds an untrainable zero
INPUT_SPACING = 1.05  # inches between input nodes
ROW_GAP = 0.35  # extra inches between the rows of the image
OUTPUT_GAP = 1.0  # least distance between output nodes
LAYER_GAP = 3.2  # inches from the input row to the output row
NODE_WIDTH = 0.78  # diameter of a node with text, inches
DOT_WIDTH = 0.2  # diameter of a node without text
LABEL_SIZE = "15"  # points
LABEL_CELL_PADDING = 2  # points around a label's text, inside its box
LABEL_PAD = (LABEL_CELL_PADDING + 3) / 72  # the same, plus spacing and border, in inches


@dataclass(frozen=True)
class ConvDenseGraphData(ConvGraphData):
    """The dense matrix read as a network: ``index`` is -1 on the edges that hold a zero."""

    @property
    def zero_count(self) -> int:
        return int((self.index < 0).sum())

    @property
    def weight_count(self) -> int:
        """The edges that hold a kernel weight (all the others hold a zero)."""
        return self.edge_count


def compute(example: ConvLayer) -> ConvDenseGraphData:
    """The structure of the dense matrix (which weight is on which edge) and the values."""
    output, index = _network.conv_weight_index(FIGURE_ID, example)
    return ConvDenseGraphData(example, index, example.image.ravel(), output.ravel())


def steps(data: ConvDenseGraphData) -> list[Step]:
    """One step per output: the weight edges of its placement."""
    return layer_steps(data.example)


def render(data: ConvDenseGraphData, theme: Theme, step: Step | None = None) -> graphviz.Digraph:
    """The graph as a :class:`graphviz.Digraph` in ``theme``'s colours (never rendered here).

    With ``step``, the edges of its ``(input, weight, output)`` triples are drawn wider,
    every other edge fades, its nodes get a thick outline and its text is the graph's
    label, at the top.
    """
    return draw_conv_dense_graph(data, theme=theme, step=step)


def _node_label(name: str, value: float, labelled: bool) -> str:
    return f"{name}\n{format_number(value)}" if labelled else ""


def legend_text(data: ConvDenseGraphData) -> str:
    """The line under the graph: the weights by name and what a dashed grey edge is."""
    example = data.example
    listing = ", ".join(
        f"{name} = {format_number(value)}"
        for name, value in zip(example.weight_names, example.kernel.ravel(), strict=True)
    )
    if example.kernel.size > 9:
        listing = f"{example.kernel.size} kernel weights"
    bias = (
        f"bias b = {format_number(example.bias[0])} at every output"
        if example.bias.size == 1
        else "one bias per kernel"
    )
    # The leading line break keeps the text clear of the output nodes.
    return (
        f"\n{data.weight_count} {'solid' if data.edges_labelled else 'patterned'} weight "
        f"edges ({listing}); {bias}\n"
        f"{data.zero_count} grey dashed edges: untrainable zeros, connections the "
        f"convolution does not have"
    )


def layout(data: ConvDenseGraphData) -> tuple[Row, Row, list[Edge], list]:
    """Node rows, edges and label places, in inches with y pointing down.

    The same layout as ``conv-network`` (image rows set apart, each output under its
    patch), so the two figures can be compared; the label places come from the same
    search, which keeps every label on its own edge and clear of the others.
    """
    example = data.example
    labelled = data.nodes_labelled
    x_in, x_out = _network.row_centres(
        data.index >= 0,
        INPUT_SPACING,
        OUTPUT_GAP,
        groups=_network.image_rows(example.image.shape),
        group_gap=ROW_GAP,
    )
    radius = NODE_WIDTH / 2 if labelled else DOT_WIDTH / 2
    inputs = Row(x_in, 0.0, "none", None, None, "x", True, radius)
    outputs = Row(x_out, LAYER_GAP, "none", None, None, "y", False, radius)
    names = example.weight_names
    edges = [
        Edge(int(i), int(j), "none", label=names[k] if data.edges_labelled else None)
        for (i, j), k in np.ndenumerate(data.index)
        if k >= 0
    ]
    places = _network.label_positions(
        _network.measuring_figure(),
        inputs,
        outputs,
        edges,
        fontsize=float(LABEL_SIZE),
        pad=LABEL_PAD,
    )
    return inputs, outputs, edges, places


def _pos(x: float, y: float) -> str:
    """A pinned Graphviz position in inches (Graphviz's y points up)."""
    # Adding 0.0 turns a negative zero into 0.0, so the first row reads "0.000", not "-0.000".
    return f"{round(x, 3) + 0.0:.3f},{round(-y, 3) + 0.0:.3f}!"


def draw_conv_dense_graph(
    data: ConvDenseGraphData, *, theme: Theme, step: Step | None = None
) -> graphviz.Digraph:
    """Build the DOT graph: input nodes, output nodes, zero edges, weight edges, labels.

    Every node is pinned where :func:`layout` put it (``layout=neato`` with ``pos``
    ending in ``!``, so the ``dot`` command draws it as given); edges are straight.
    """
    example = data.example
    labelled = data.nodes_labelled
    inputs, outputs, edges, places = layout(data)
    lit = _network.DotStep.of(step)
    graph = graphviz.Digraph(
        FIGURE_ID,
        graph_attr={
            "layout": "neato",
            "splines": "line",
            "outputorder": "edgesfirst",
            "bgcolor": theme.background,
            "fontcolor": theme.foreground,
            "fontname": FONT_FAMILY,
            "fontsize": "16",
            "label": legend_text(data),
            "labelloc": "b",
            "labeljust": "c",
            "pad": "0.3",
            **lit.graph_attr(),
        },
        node_attr={
            "fontname": FONT_FAMILY,
            "fontsize": "15",
            "shape": "circle",
            "style": "filled",
            "color": theme.foreground,
            "penwidth": "1.2",
            "fixedsize": "true",
            "width": f"{2 * inputs.radius:g}",
        },
        edge_attr={
            "fontname": FONT_FAMILY,
            "arrowhead": "none",
        },
    )
    in_names = _network.position_names("x", example.image.shape)
    out_names = _network.position_names("y", example.output().shape)
    for row, names, values, fill in (
        (inputs, in_names, data.x, theme.input),
        (outputs, out_names, data.y, theme.output),
    ):
        for index, (name, value) in enumerate(zip(names, values, strict=True)):
            graph.node(
                f"{row.prefix}{index}",
                _node_label(name, value, labelled),
                id=f"{row.prefix}{index}",
                pos=_pos(*row.centre(index)),
                fillcolor=fill,
                fontcolor=text_colour_on(fill, theme),
                **lit.node_attr(row.prefix, index),
            )
    for (i, j), k in np.ndenumerate(data.index):
        if k < 0:
            graph.edge(
                f"x{j}",
                f"y{i}",
                id=f"edge-{i}-{j}",
                color=lit.colour(theme.zero_text, i, j),
                style="dashed",
                penwidth=lit.pen(ZERO_PEN, i, j),
            )
    for (i, j), k in np.ndenumerate(data.index):
        if k >= 0:
            look = theme.weight_identity(int(k))
            colour = lit.colour(look.colour, i, j)
            extra = {}
            if not data.edges_labelled:
                # No names on the edges: the stroke carries the second half of the
                # weight's identity (one, two or three parallel lines; solid, dotted or
                # tapered), so colour is never alone.
                colour = ":".join([colour] + [theme.background, colour] * (look.dot_lines - 1))
                extra["style"] = look.dot_style
            graph.edge(
                f"x{j}",
                f"y{i}",
                id=f"edge-{i}-{j}",
                color=colour,
                penwidth=lit.pen(WEIGHT_PEN, i, j),
                **extra,
            )
    colours = {
        (i, j): theme.weight_colour(int(k)) for (i, j), k in np.ndenumerate(data.index) if k >= 0
    }
    # Labels are small nodes pinned on their edge, drawn over the edges (edgesfirst), in a
    # box of the page colour so they stay readable where edges cross.
    for edge, x, y in places:
        graph.node(
            f"label-{edge.i}-{edge.j}",
            f'<<table border="1" cellborder="0" cellpadding="{LABEL_CELL_PADDING}" '
            f'style="rounded" color="{lit.colour(colours[edge.i, edge.j], edge.i, edge.j)}" '
            f'bgcolor="{theme.background}"><tr><td>{edge.label}</td></tr></table>>',
            id=f"label-{edge.i}-{edge.j}",
            pos=_pos(x, y),
            shape="plain",
            style="solid",
            fixedsize="false",
            fontsize=LABEL_SIZE,
            fontcolor=theme.foreground,
        )
    return graph


def caption(data: ConvDenseGraphData) -> str:
    n_out, n_in = data.shape
    return (
        f"The convolution drawn as the dense layer it equals: all {n_in * n_out} edges from "
        f"{n_in} inputs to {n_out} outputs. Only {data.weight_count} hold a kernel weight "
        f"(coloured, labelled); the {data.zero_count} grey dashed edges are untrainable "
        f"zeros."
    )


def alt_text(data: ConvDenseGraphData) -> str:
    n_out, n_in = data.shape
    example = data.example
    text = (
        f"A network with {n_in} input nodes above {n_out} output nodes and all "
        f"{n_in * n_out} edges between them, one per entry of the dense weight matrix. "
        f"{data.zero_count} edges are grey and dashed: zeros the convolution can never "
        f"train. The other {data.weight_count} are solid and coloured by the kernel weight "
        f"they hold, each weight on "
    )
    counts = [int((data.index == k).sum()) for k in range(example.kernel.size)]
    if len(set(counts)) == 1:
        text += f"{counts[0]} edges: "
    else:
        text += "several edges: "
    text += (
        ", ".join(
            f"{name} = {format_number(value)}"
            for name, value in zip(
                example.weight_names[:12], example.kernel.ravel()[:12], strict=True
            )
        )
        + (", …" if example.kernel.size > 12 else "")
        + ". "
    )
    if data.edges_labelled:
        text += "Each weight edge is labelled on the edge with its weight's name. "
    else:
        text += (
            "There are too many edges to label; each weight's colour and stroke (one, two "
            "or three parallel lines, solid, dotted or tapered) name it instead. "
        )
    if not data.nodes_labelled:
        return text + "The nodes are too many to hold their values and are drawn as dots."
    return text + (
        f"The inputs hold x = ({_network.join_numbers(data.x)}) and the outputs "
        f"y = ({_network.join_numbers(data.y)})."
    )


def links(data: ConvDenseGraphData) -> linked.Links:
    """Nodes as inputs and outputs; weight edges (and labels) as products, zero edges fade."""
    elements = _network.conv_graph_links(data, dot=True)
    return linked.Links(linked.conv_group(data.example), elements, linked.step_texts(steps(data)))
