"""``weight-sharing-1d``: a locally connected layer and a convolution with the same edges.

Both layers have the sparse connections of the 1D example. In the first panel every edge
owns its weight (a *locally connected* layer); in the second the edges share the kernel's
weights, the same few numbers in every window. An edge's colour *and* line style stand for
its weight, and its label gives the weight's value, so "the same weight" shows without
colour: in the convolution one pattern repeats under every output, in the locally
connected layer no two edges look alike. In the page column the convolution lies under
the locally connected layer; on a slide they stand side by side
(:func:`_network.for_target`), and a 4:3 slide shows one at a time (:func:`parts`).

Weight identities: the convolution's kernel weight k is drawn as weight ``k`` of
:func:`_network.weight_style`; the locally connected weight of output i and tap k as
weight ``kernel + i * kernel + k``, numbers the kernel does not use. Colour and style
pairs repeat every 20 weights (5 colours, 4 styles, coprime), so the left panel's edges
all look different from each other up to 20 of them; only when both panels together
hold more than 20 weights (18 + 3 by default) does a left edge share a look with a
kernel weight on the right (the last one, with w₁), and its label still tells them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, layers, linked, targets
from diagram_gen.examples import ConvLayer, format_number
from diagram_gen.figures import _matrix, _network
from diagram_gen.figures._network import Edge, KeyItem
from diagram_gen.steps import Step, connection_steps
from diagram_gen.style import Theme

FIGURE_ID = "weight-sharing-1d"
TITLE = "Weight sharing: a locally connected layer beside a convolution"
example = examples.line_example

#: Inches between input nodes: in the page column (panels stacked, each as wide as the
#: column) and on a slide (panels side by side).
INPUT_SPACING = {"page": 0.82, "slide": 0.7}
LEAST_SPACING = 0.7  # closer nodes leave the edge labels no room
#: Inches from the input row to the output row, for a kernel of 3 weights; each further
#: weight adds a label per output, and :data:`GAP_PER_WEIGHT` more room for them.
LAYER_GAP = {"page": 1.95, "slide": 2.6}
GAP_PER_WEIGHT = 0.7
#: Inches between the two panels, across (a slide) or down (the page).
PANEL_GAP = {"page": 0.45, "slide": 0.9}
#: The panels as parts (``--part``), in drawing order: a 4:3 slide holds one with 12 pt
#: text, not both (stacked they are too tall, side by side too wide).
PARTS = ("local", "conv")


@dataclass(frozen=True)
class WeightSharingData:
    index: np.ndarray  # (n_out, n_in) tap k of the kernel on each edge, -1 where none
    kernel: np.ndarray  # (k,) the convolution's shared weights
    local: np.ndarray  # (n_out, k) the locally connected layer's weights, one per edge
    weight_names: tuple[str, ...]  # names of the kernel weights, w₁, w₂, …

    @property
    def shape(self) -> tuple[int, int]:
        return self.index.shape

    @property
    def edge_count(self) -> int:
        return int((self.index >= 0).sum())

    @property
    def labelled(self) -> bool:
        """Whether the edges carry their weights as labels (small layers only)."""
        return _network.edges_labelled(self.edge_count, *self.shape)

    def local_counts(self) -> tuple[int, int]:
        """Weights and biases of the locally connected layer: one bias per output."""
        return self.local.size, self.shape[0]

    def conv_counts(self) -> tuple[int, int]:
        """Weights and biases of the convolution: one bias for its one kernel."""
        return self.kernel.size, 1


def compute(example: ConvLayer) -> WeightSharingData:
    """The sparse connections, the kernel's weights and independent per-edge weights."""
    index = layers.conv_matrix_index(example.kernel.shape, example.image.shape)
    _network.check_sizes(FIGURE_ID, inputs=index.shape[1], outputs=index.shape[0])
    return WeightSharingData(
        index=index,
        kernel=example.kernel.ravel(),
        local=examples.locally_connected_weights(example),
        weight_names=example.weight_names,
    )


def steps(data: WeightSharingData) -> list[Step]:
    """One step per output: the window of inputs it reads, through which weights."""
    n_out, n_in = data.shape
    return connection_steps(
        data.index,
        _network.position_names("x", (1, n_in)),
        _network.position_names("y", (1, n_out)),
        data.weight_names,
    )


def parts(data: WeightSharingData) -> list[str]:
    """Each panel is a part: a 4:3 slide shows one at a time."""
    return list(PARTS)


def render(
    data: WeightSharingData,
    theme: Theme,
    step: Step | None = None,
    target: targets.Target | None = None,
    part: str | None = None,
) -> Figure:
    """The still figure, or with ``step`` the same output's edges lit in both panels;
    stacked for the page column, side by side where a slide favours it. ``part`` draws
    one panel alone, as the page column draws it."""
    panels = (PARTS.index(part),) if part is not None else (0, 1)

    def build(side_by_side: bool) -> Figure:
        fig, ax = _network.new_canvas(theme)
        draw_weight_sharing(ax, data, theme=theme, side_by_side=side_by_side, panels=panels)
        _network.fit(fig, ax)
        if step is not None:
            for panel in panels:
                _network.light_step(ax, step.triples, theme, gid=f"{PARTS[panel]}-")
            _matrix.step_heading(fig, ax, step.text, theme)
        return fig

    return build(False) if part is not None else _network.for_target(build, target)


def local_identity(i: int, k: int, taps: int) -> int:
    """Weight number of the locally connected edge of output ``i``, tap ``k``."""
    return taps + i * taps + k


def panel_texts(data: WeightSharingData) -> list[tuple[str, str, str]]:
    """Title, subtitle and parameter count of each panel (locally connected, then conv)."""
    n_out, _ = data.shape
    weights, biases = data.local_counts()
    c_weights, c_biases = data.conv_counts()
    return [
        (
            "Locally connected: no sharing",
            f"each of the {data.edge_count} edges has its own weight",
            f"{weights} weights + {biases} biases (one per output) = {weights + biases} parameters",
        ),
        (
            "Convolution: shared weights",
            f"the {data.edge_count} edges share the kernel's {data.kernel.size} weights",
            f"{c_weights} weights + {c_biases} bias (one per kernel) = "
            f"{c_weights + c_biases} parameters",
        ),
    ]


def panel_edges(data: WeightSharingData, shared: bool, theme: Theme) -> list[Edge]:
    """The edges of one panel, styled and labelled by the weight each one holds."""
    edges = []
    for (i, j), k in np.ndenumerate(data.index):
        if k < 0:
            continue
        if shared:
            identity, value = int(k), data.kernel[k]
        else:
            identity, value = local_identity(i, k, data.kernel.size), data.local[i, k]
        colour, style = _network.weight_style(identity, theme)
        label = format_number(value) if data.labelled else None
        edges.append(Edge(int(i), int(j), colour, style, _network.WEIGHT_EDGE_WIDTH, label))
    return edges


def draw_weight_sharing(
    ax,
    data: WeightSharingData,
    *,
    theme: Theme,
    side_by_side: bool = False,
    panels: tuple[int, ...] = (0, 1),
) -> dict:
    """Draw both panels (or only ``panels``, 0 the locally connected layer, 1 the
    convolution) with titles, weights and parameter counts; returns the artists.

    Stacked (the page), the convolution lies under the locally connected layer, the same
    inputs in the same places; side by side (a slide), it lies to the right.
    """
    fig = ax.figure
    n_out, n_in = data.shape
    texts = panel_texts(data)
    where = "slide" if side_by_side else "page"
    spacing = _network.stacked_spacing(n_in, INPUT_SPACING[where], LEAST_SPACING)
    layer_gap = LAYER_GAP[where] + GAP_PER_WEIGHT * max(0, data.kernel.size - 3)
    row_width = _network.row_spacing(n_in, spacing) * (n_in - 1)
    offset = _network.panel_offset(fig, texts, row_width, PANEL_GAP[where])
    artists: dict[str, dict] = {}
    x0 = y0 = 0.0
    extent = (0.0, 0.0, 0.0, 0.0)  # of what is drawn so far: x0, y0, x1, y1
    for panel, prefix in enumerate(("local-", "conv-")):
        if panel not in panels:
            continue
        shared = panel == 1
        if panel and len(panels) > 1:  # alone, the convolution takes the first one's place
            if side_by_side:
                x0 = offset
            else:
                y0 = extent[3] + PANEL_GAP[where] - extent[1]  # the first panel's top is < 0
        inputs, outputs = _network.panel_rows(
            fig,
            data.index >= 0,
            x0,
            y0=y0,
            spacing=spacing,
            layer_gap=layer_gap,
            theme=theme,
        )
        edges = panel_edges(data, shared, theme)
        centre = x0 + row_width / 2
        title, subtitle, count = texts[panel]
        bottom = y0 + layer_gap + outputs.radius + 0.2
        part = {
            "edges": _network.draw_edges(ax, inputs, outputs, edges, theme=theme, gid=prefix),
            "labels": _network.place_edge_labels(
                ax, inputs, outputs, edges, theme=theme, gid=prefix
            ),
            "inputs": _network.draw_row(ax, inputs, theme=theme, gid=prefix)["nodes"],
            "outputs": _network.draw_row(ax, outputs, theme=theme, gid=prefix)["nodes"],
            "texts": [
                *_network.panel_title(
                    ax, centre, y0 - inputs.radius - 0.25, title, subtitle, theme=theme, gid=prefix
                ),
                _network.note(
                    ax, centre, bottom, count, theme=theme, gid=f"{prefix}count", weight="bold"
                ),
            ],
        }
        if shared:
            part["key"] = _network.draw_key(
                ax,
                [
                    KeyItem(
                        *_network.weight_style(k, theme),
                        _network.WEIGHT_EDGE_WIDTH,
                        f"{name} = {format_number(value)}",
                    )
                    for k, (name, value) in enumerate(
                        zip(data.weight_names, data.kernel, strict=True)
                    )
                ],
                centre=centre,
                y=bottom + 0.55,
                theme=theme,
                gid=f"{prefix}key",
            )
        else:
            part["texts"].append(
                _network.note(
                    ax,
                    centre,
                    bottom + 0.3,
                    "no two edges alike: every weight is trained on its own",
                    theme=theme,
                    gid=f"{prefix}key-note",
                    muted=True,
                )
            )
        artists[prefix.rstrip("-")] = part
        extent = _network.drawn_extent(ax)
    return artists


def caption(data: WeightSharingData) -> str:
    weights, biases = data.local_counts()
    k, _ = data.conv_counts()
    return (
        f"The same sparse connections without and with weight sharing. The locally "
        f"connected layer has a weight per edge: {weights} weights and {biases} biases (one "
        f"per output), {weights + biases} parameters. The convolution reuses the kernel's "
        f"{k} weights in every window: {k} weights and 1 bias (one per kernel), {k + 1} "
        f"parameters. Colour, line style and label name an edge's weight."
    )


def alt_text(data: WeightSharingData) -> str:
    (_, _, local_count), (_, _, conv_count) = panel_texts(data)
    n_out, n_in = data.shape
    named = ", ".join(
        f"{name} = {format_number(value)} ({_network.weight_style_words(k)})"
        for k, (name, value) in enumerate(zip(data.weight_names, data.kernel, strict=True))
    )
    text = (
        f"Two networks, one above the other, with the same connections: {n_in} input nodes "
        f"above {n_out} output nodes, each output joined to the {data.kernel.size} inputs "
        f"above it, {data.edge_count} edges. Above, a locally connected layer: every edge has its "
        f"own weight, in its own colour and line style"
    )
    if data.labelled:
        text += f" and labelled with its value ({_network.join_numbers(data.local)})"
    text += (
        f"; {local_count}. Below, a convolution: the edges share the kernel's weights "
        f"{named}, the same pattern under every output"
    )
    if data.labelled:
        text += ", each edge labelled with its value"
    text += f"; {conv_count}."
    if not data.labelled:
        text += " The layer is too large to write the weights on its edges."
    return text


def links(data: WeightSharingData) -> linked.Links:
    """Both panels' edges link an output to its inputs; only the convolution's edges
    carry the kernel's shared weights (the locally connected layer's are its own)."""
    n_out, n_in = data.shape
    x_names = _network.position_names("x", (1, n_in))
    y_names = _network.position_names("y", (1, n_out))
    elements = _network.graph_links(
        data.index, x_names, y_names, gid="local-", weights=False, focus=False
    )
    elements.update(_network.graph_links(data.index, x_names, y_names, gid="conv-"))
    texts = linked.step_texts(steps(data))
    return linked.Links(linked.group_name("line", data.index >= 0), elements, texts)
