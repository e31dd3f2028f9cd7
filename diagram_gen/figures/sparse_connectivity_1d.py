"""``sparse-connectivity-1d``: a fully connected 1D layer and a sparsely connected one.

Both layers map the same inputs to the same number of outputs. In the first panel every
output is joined to every input; in the second each output is joined only to the
``kernel`` inputs of its window, which is the first constraint that turns a fully
connected layer into a convolution. One output's edges are drawn thick and orange in both
panels, so the reader can compare what that one output sees.

In the page column the sparse panel lies under the fully connected one, the same inputs
in the same places; on a slide the panels stand side by side (:func:`_network.for_target`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, layers, linked, targets
from diagram_gen.examples import ConvLayer
from diagram_gen.figures import _network
from diagram_gen.figures._network import Edge, KeyItem
from diagram_gen.style import Theme

FIGURE_ID = "sparse-connectivity-1d"
TITLE = "Sparse connectivity: a fully connected layer beside a sparsely connected one"


#: The figure draws the connections, not the values: no seed to offer.
example = examples.without(examples.line_example, "seed")


#: Inches between input nodes: in the page column (panels stacked, so one panel may be
#: as wide as the column) and on a slide (panels side by side, each half the slide).
INPUT_SPACING = {"page": 0.8, "slide": 0.68}
LEAST_SPACING = 0.5  # closer nodes cannot hold their names
#: Inches from the input row to the output row.
LAYER_GAP = {"page": 1.45, "slide": 2.4}
#: Inches between the two panels, across (a slide) or down (the page).
PANEL_GAP = {"page": 0.5, "slide": 0.9}
THIN, THICK = 1.1, 3.2  # widths of ordinary and highlighted edges, in points


@dataclass(frozen=True)
class SparseConnectivityData:
    connected: np.ndarray  # (n_out, n_in) bool: which input each output of the conv sees
    kernel: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.connected.shape

    @property
    def highlight(self) -> int:
        """The output whose edges are highlighted: the middle one (left of middle)."""
        return (self.shape[0] - 1) // 2

    @property
    def labelled(self) -> bool:
        return _network.nodes_labelled(*self.shape)


def compute(example: ConvLayer) -> SparseConnectivityData:
    """Which inputs each output of the 1D convolution sees."""
    n_in = example.image.shape[-1]
    index = layers.conv_matrix_index(example.kernel.shape, example.image.shape)
    _network.check_sizes(FIGURE_ID, inputs=n_in, outputs=index.shape[0])
    return SparseConnectivityData(index >= 0, example.kernel.shape[-1])


def render(
    data: SparseConnectivityData, theme: Theme, target: targets.Target | None = None
) -> Figure:
    """Both panels, stacked for the page column, side by side where a slide favours it."""

    def build(side_by_side: bool) -> Figure:
        fig, ax = _network.new_canvas(theme)
        draw_sparse_connectivity(ax, data, theme=theme, side_by_side=side_by_side)
        _network.fit(fig, ax)
        return fig

    return _network.for_target(build, target)


def panel_texts(data: SparseConnectivityData) -> list[tuple[str, str, str]]:
    """Title, subtitle and foot of each panel (fully connected, then sparse)."""
    n_out, n_in = data.shape
    h = data.highlight
    seen = np.flatnonzero(data.connected[h])
    name = f"y{examples.subscript(h + 1)}"
    window = ", ".join(f"x{examples.subscript(j + 1)}" for j in seen)
    return [
        (
            "Fully connected",
            f"{n_out} outputs × {n_in} inputs each = {n_in * n_out} edges",
            f"{name} sees all {n_in} inputs",
        ),
        (
            f"Sparsely connected (kernel {data.kernel})",
            f"{n_out} outputs × {data.kernel} inputs each = {int(data.connected.sum())} edges",
            f"{name} sees {seen.size} inputs: {window}",
        ),
    ]


def draw_sparse_connectivity(
    ax, data: SparseConnectivityData, *, theme: Theme, side_by_side: bool = False
) -> dict:
    """Draw both panels with their titles and edge counts; returns the artists by panel.

    Stacked (the page), the sparse panel lies under the fully connected one with its
    inputs under the same inputs, so the window of an output reads straight down; side
    by side (a slide), it lies to the right.
    """
    fig = ax.figure
    n_out, n_in = data.shape
    texts = panel_texts(data)
    where = "slide" if side_by_side else "page"
    spacing = _network.stacked_spacing(n_in, INPUT_SPACING[where], LEAST_SPACING)
    layer_gap = LAYER_GAP[where]
    row_width = _network.row_spacing(n_in, spacing) * (n_in - 1)
    offset = _network.panel_offset(fig, texts, row_width, PANEL_GAP[where])
    artists: dict[str, dict] = {}
    x0 = y0 = 0.0
    extent = (0.0, 0.0, 0.0, 0.0)  # of what is drawn so far: x0, y0, x1, y1
    for panel, (prefix, full) in enumerate((("fc-", True), ("sparse-", False))):
        if panel and side_by_side:
            x0 = offset
        elif panel:
            y0 = extent[3] + PANEL_GAP[where] - extent[1]  # the first panel's top is < 0
        inputs, outputs = _network.panel_rows(
            fig,
            data.connected,
            x0,
            y0=y0,
            spacing=spacing,
            layer_gap=layer_gap,
            theme=theme,
        )
        connected = np.ones_like(data.connected) if full else data.connected
        edges = [
            Edge(int(i), int(j), theme.muted, "-", THIN)
            for i, j in zip(*np.nonzero(connected), strict=True)
            if i != data.highlight
        ]
        edges += [
            Edge(data.highlight, int(j), theme.kernel, "-", THICK)
            for j in np.flatnonzero(connected[data.highlight])
        ]
        centre = x0 + row_width / 2
        title, subtitle, foot = texts[panel]
        top = y0 - inputs.radius - 0.25
        bottom = y0 + layer_gap + outputs.radius + 0.2
        artists[prefix.rstrip("-")] = {
            "edges": _network.draw_edges(
                ax, inputs, outputs, edges, theme=theme, gid=prefix, cased=False
            ),
            "inputs": _network.draw_row(ax, inputs, theme=theme, gid=prefix)["nodes"],
            "outputs": _network.draw_row(ax, outputs, theme=theme, gid=prefix)["nodes"],
            "texts": [
                *_network.panel_title(ax, centre, top, title, subtitle, theme=theme, gid=prefix),
                _network.note(ax, centre, bottom, foot, theme=theme, gid=f"{prefix}foot"),
            ],
        }
        extent = _network.drawn_extent(ax)
    name = f"y{examples.subscript(data.highlight + 1)}"
    artists["key"] = _network.draw_key(
        ax,
        [
            KeyItem(theme.kernel, "-", THICK, f"the edges of {name}"),
            KeyItem(theme.muted, "-", THIN, "the other edges"),
        ],
        centre=(offset + row_width) / 2 if side_by_side else row_width / 2,
        y=extent[3] + 0.3,
        theme=theme,
        cased=False,
    )
    return artists


def caption(data: SparseConnectivityData) -> str:
    n_out, n_in = data.shape
    return (
        f"Sparse connectivity in 1D: a fully connected layer joins each of its {n_out} "
        f"outputs to all {n_in} inputs ({n_in * n_out} edges); a convolution with a kernel "
        f"of {data.kernel} joins each output only to the {data.kernel} inputs of its window "
        f"({int(data.connected.sum())} edges)."
    )


def alt_text(data: SparseConnectivityData) -> str:
    (_, _, fc_foot), (sparse_title, _, sparse_foot) = panel_texts(data)
    n_out, n_in = data.shape
    text = (
        f"Two networks, one above the other, each a row of {n_in} input nodes above a row "
        f"of {n_out} output nodes. Above, fully connected: every input joined to every "
        f"output, {n_out} × {n_in} = {n_in * n_out} edges. Below, {sparse_title.lower()}: each "
        f"output joined to the {data.kernel} inputs above it, {n_out} × {data.kernel} = "
        f"{int(data.connected.sum())} edges. The edges of one output are drawn thick and "
        f"orange: above, {fc_foot}; below, {sparse_foot}."
    )
    if not data.labelled:
        text += " The rows are too long to name their nodes, so they are drawn as dots."
    return text


def links(data: SparseConnectivityData) -> linked.Links:
    """The sparse panel's edges link an output to the inputs it sees; the fully connected
    panel's nodes are the same inputs and outputs, its edges (another layer) fade."""
    n_out, n_in = data.shape
    x_names = _network.position_names("x", (1, n_in))
    y_names = _network.position_names("y", (1, n_out))
    structure = np.where(data.connected, 0, -1)
    elements = _network.graph_links(
        np.full(data.shape, -1), x_names, y_names, gid="fc-", focus=False
    )
    elements.update(_network.graph_links(structure, x_names, y_names, gid="sparse-", weights=False))
    return linked.Links(linked.group_name("line", data.connected), elements)
