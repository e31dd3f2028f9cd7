"""``sparse-connectivity-1d``: a fully connected 1D layer beside a sparsely connected one.

Both layers map the same inputs to the same number of outputs. On the left every output is
joined to every input; on the right each output is joined only to the ``kernel`` inputs
of its window, which is the first constraint that turns a fully connected layer into a
convolution. One output's edges are drawn thick and orange in both panels, so the reader
can compare what that one output sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import examples, layers
from diagram_gen.examples import ConvLayer
from diagram_gen.figures import _network
from diagram_gen.figures._network import Edge, KeyItem
from diagram_gen.style import Theme

FIGURE_ID = "sparse-connectivity-1d"
TITLE = "Sparse connectivity: a fully connected layer beside a sparsely connected one"


#: The figure draws the connections, not the values: no seed to offer.
example = examples.without(examples.line_example, "seed")


INPUT_SPACING = 0.8  # inches between input nodes
LAYER_GAP = 2.4  # inches from the input row to the output row
PANEL_GAP = 1.3  # inches between the two panels
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


def render(data: SparseConnectivityData, theme: Theme) -> Figure:
    fig, ax = _network.new_canvas(theme)
    draw_sparse_connectivity(ax, data, theme=theme)
    _network.fit(fig, ax)
    return fig


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


def draw_sparse_connectivity(ax, data: SparseConnectivityData, *, theme: Theme) -> dict:
    """Draw both panels with their titles and edge counts; returns the artists by panel."""
    fig = ax.figure
    n_out, n_in = data.shape
    texts = panel_texts(data)
    row_width = _network.row_spacing(n_in, INPUT_SPACING) * (n_in - 1)
    offset = _network.panel_offset(fig, texts, row_width, PANEL_GAP)
    artists: dict[str, dict] = {}
    for panel, (prefix, full) in enumerate((("fc-", True), ("sparse-", False))):
        inputs, outputs = _network.panel_rows(
            fig,
            data.connected,
            panel * offset,
            spacing=INPUT_SPACING,
            layer_gap=LAYER_GAP,
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
        centre = panel * offset + row_width / 2
        title, subtitle, foot = texts[panel]
        top = -inputs.radius - 0.25
        bottom = LAYER_GAP + outputs.radius + 0.25
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
    name = f"y{examples.subscript(data.highlight + 1)}"
    artists["key"] = _network.draw_key(
        ax,
        [
            KeyItem(theme.kernel, "-", THICK, f"the edges of {name}"),
            KeyItem(theme.muted, "-", THIN, "the other edges"),
        ],
        centre=(offset + row_width) / 2,
        y=LAYER_GAP + 1.15,
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
        f"Two networks side by side, each a row of {n_in} input nodes above a row of "
        f"{n_out} output nodes. Left, fully connected: every input joined to every output, "
        f"{n_out} × {n_in} = {n_in * n_out} edges. Right, {sparse_title.lower()}: each "
        f"output joined to the {data.kernel} inputs above it, {n_out} × {data.kernel} = "
        f"{int(data.connected.sum())} edges. The edges of one output are drawn thick and "
        f"orange: left, {fc_foot}; right, {sparse_foot}."
    )
    if not data.labelled:
        text += " The rows are too long to name their nodes, so they are drawn as dots."
    return text
