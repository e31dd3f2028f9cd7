"""The network figures draw the layers they claim to draw.

Each test reads back what was drawn (edge lines by gid, their colour, style and width; node
and label texts; the DOT source of the Graphviz figure) and compares it with a computation
written here with explicit loops over the running examples, not with the functions the
figures call.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.text import Text

from diagram_gen import examples, layers, registry, targets
from diagram_gen.style import DARK, LIGHT, THEMES, WEIGHT_COLOURS

MINUS = "\u2212"
GOLDEN = Path(__file__).parent / "golden"
MATPLOTLIB_FIGURES = ["fc-graph", "conv-network", "sparse-connectivity-1d", "weight-sharing-1d"]
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def render(figure_id: str, theme=LIGHT, **overrides):
    spec = registry.get(figure_id)
    data = spec.data(overrides)
    return data, spec.draw(data, theme)


def texts(fig) -> dict[str, str]:
    return {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}


def lines(fig, prefix: str = "") -> dict[tuple[int, int], Line2D]:
    """(output, input) -> the edge line, for edges whose gid is ``<prefix>edge-i-j``."""
    found = {}
    for line in fig.findobj(Line2D):
        match = re.fullmatch(re.escape(prefix) + r"edge-(\d+)-(\d+)", line.get_gid() or "")
        if match:
            found[int(match[1]), int(match[2])] = line
    return found


def number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def small_conv_structure() -> tuple[np.ndarray, np.ndarray]:
    """Kernel weight number (−1 for none) of each entry of the small example's 4x9 matrix."""
    index = np.full((4, 9), -1)
    for row, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        for a in range(2):
            for b in range(2):
                index[row, (i + a) * 3 + (j + b)] = a * 2 + b
    example = examples.small_conv()
    image, kernel, bias = example.image[0], example.kernel[0, 0], example.bias[0]
    y = [
        bias + sum(image[i + a, j + b] * kernel[a, b] for a in range(2) for b in range(2))
        for i in range(2)
        for j in range(2)
    ]
    return index, np.array(y)


def segment_distance(point, start, end) -> tuple[float, float]:
    """Distance from ``point`` to the line through start-end, and where along it (0..1)."""
    point, start, end = (np.asarray(p, float) for p in (point, start, end))
    d = end - start
    t = float(np.dot(point - start, d) / np.dot(d, d))
    return float(np.linalg.norm(start + t * d - point)), t


def window_boxes(fig, artists):
    """Display boxes of ``artists``; a text with a box counts with its box."""
    fig.draw_without_rendering()  # places the boxes around texts
    renderer = fig.canvas.get_renderer()
    boxes = []
    for artist in artists:
        patch = artist.get_bbox_patch() if isinstance(artist, Text) else None
        boxes.append((patch or artist).get_window_extent(renderer))
    return boxes


def overlapping(a, b, tolerance: float = 0.5) -> bool:
    return (
        min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance
        and min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance
    )


# ----------------------------------------------------------------------------------------
# fc-graph
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_fc_graph_nodes_hold_the_inputs_and_the_outputs_of_the_layer(theme):
    # Proves the input nodes show x, the output nodes y = W x + b summed here by a loop
    # (not the package's dense()), and each output's bias is written under it.
    _, fig = render("fc-graph", theme)
    layer = examples.fully_connected()
    drawn = texts(fig)
    n_out, n_in = layer.weights.shape
    assert [number(drawn[f"in-{j}"]) for j in range(n_in)] == list(layer.x)
    for i in range(n_out):
        total = layer.bias[i]
        for j in range(n_in):
            total += layer.weights[i, j] * layer.x[j]
        assert number(drawn[f"out-{i}"]) == pytest.approx(round(total, 2))
        assert drawn[f"out-extra-{i}"].endswith(f"= {layer.bias[i]:g}".replace("-", MINUS))
    assert [drawn[f"in-name-{j}"] for j in range(n_in)] == [
        "x" + str(j + 1).translate(SUB) for j in range(n_in)
    ]


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_fc_graph_draws_every_weight_as_an_edge_styled_by_sign_and_size(theme):
    # Proves there is exactly one edge per weight (36), that its sign is in both colour
    # (blue over red for positive) and dashes (negative only), and that a larger |weight|
    # never gets a thinner line than a smaller one.
    _, fig = render("fc-graph", theme)
    weights = examples.fully_connected().weights
    edges = lines(fig)
    assert sorted(edges) == [(i, j) for i in range(4) for j in range(9)]
    for (i, j), line in edges.items():
        r, _, b = to_rgb(line.get_color())
        w = weights[i, j]
        assert (b > r) if w > 0 else (r > b), (i, j, w)
        assert line.get_linestyle() == ("--" if w < 0 else "-")
    pairs = [(abs(weights[i, j]), edges[i, j].get_linewidth()) for i, j in edges]
    for (size_a, width_a), (size_b, width_b) in itertools.combinations(pairs, 2):
        if size_a > size_b:
            assert width_a > width_b
        elif size_a == size_b:
            assert width_a == pytest.approx(width_b)


def test_fc_graph_with_readers_sizes():
    # Proves --set n_in=6 --set n_out=3 gives 18 edges and outputs equal to a loop sum.
    data, fig = render("fc-graph", n_in=6, n_out=3)
    layer = examples.fully_connected(n_in=6, n_out=3)
    assert len(lines(fig)) == 18
    drawn = texts(fig)
    for i in range(3):
        total = layer.bias[i] + sum(layer.weights[i, j] * layer.x[j] for j in range(6))
        assert number(drawn[f"out-{i}"]) == pytest.approx(round(total, 2))


def test_fc_graph_alt_text_states_the_numbers():
    # Proves the alt text gives the edge count, the sign split and the drawn outputs.
    spec = registry.get("fc-graph")
    alt = spec.alt(spec.data())
    weights = examples.fully_connected().weights
    positive = sum(1 for w in weights.ravel() if w > 0)
    assert "36 edges" in alt
    assert f"{positive} positive" in alt and f"{36 - positive} negative" in alt
    assert "y = (−3.4, 3.7, −0.9, −2.9)" in alt


# ----------------------------------------------------------------------------------------
# conv-network
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_conv_network_has_only_the_sixteen_real_edges_labelled_by_weight(theme):
    # Proves the edges are exactly the non-zero entries of the hand-built 4x9 matrix, each
    # labelled with its weight's name, and that the outputs are the loop convolution.
    _, fig = render("conv-network", theme)
    index, y = small_conv_structure()
    edges = lines(fig)
    expected = {(i, j) for (i, j), k in np.ndenumerate(index) if k >= 0}
    assert set(edges) == expected and len(expected) == 16
    drawn = texts(fig)
    for i, j in expected:
        assert drawn[f"label-{i}-{j}"] == examples.GREEK_WEIGHT_NAMES[index[i, j]]
    assert [number(drawn[f"out-{i}"]) for i in range(4)] == list(y)
    assert [number(drawn[f"in-{j}"]) for j in range(9)] == list(examples.small_conv().image.ravel())


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_conv_network_draws_equal_weights_alike_in_colour_and_in_line_style(theme):
    # Proves "the same weight" is visible twice over: the edges of one weight share one
    # colour (the theme's weight colour) and one line style, and the four weights differ
    # in line style as well as colour, so the style alone tells them apart.
    _, fig = render("conv-network", theme)
    index, _ = small_conv_structure()
    looks: dict[int, set] = {}
    for (i, j), line in lines(fig).items():
        looks.setdefault(int(index[i, j]), set()).add(
            (to_hex(line.get_color()), line.get_linestyle())
        )
    assert all(len(look) == 1 for look in looks.values())
    colours = {k: next(iter(look))[0] for k, look in looks.items()}
    styles = {k: next(iter(look))[1] for k, look in looks.items()}
    assert colours == {k: to_hex(theme.weight_colour(k)) for k in range(4)}
    assert len(set(styles.values())) == 4


def test_conv_network_labels_sit_on_their_edges_and_clear_of_each_other():
    # Proves each label lies on its own edge (not floating near another) and that no two
    # label boxes, and no label and node, overlap.
    _, fig = render("conv-network")
    edges = lines(fig)
    labels = [t for t in fig.findobj(Text) if (t.get_gid() or "").startswith("label-")]
    assert len(labels) == 16
    for label in labels:
        i, j = map(int, label.get_gid().split("-")[1:])
        xs, ys = edges[i, j].get_data()
        distance, t = segment_distance(label.get_position(), (xs[0], ys[0]), (xs[1], ys[1]))
        assert distance < 1e-9 and 0 < t < 1
    boxes = window_boxes(fig, labels)
    nodes = window_boxes(fig, [c for c in fig.findobj(Circle)])
    for a, b in itertools.combinations(boxes, 2):
        assert not overlapping(a, b)
    for a in boxes:
        assert not any(overlapping(a, n) for n in nodes)


def test_conv_network_with_readers_parameters_matches_a_loop_convolution():
    # Proves a custom layer (4x4 image, 3x3 kernel) draws one edge per tap of each window,
    # found here by looping over windows, and the convolution's outputs.
    data, fig = render("conv-network", height=4, width=4, kernel=3)
    example = examples.conv_example(height=4, width=4, kernel=3)
    image, kernel, bias = example.image[0], example.kernel[0, 0], example.bias[0]
    expected, y = set(), []
    for row, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        total = bias
        for a in range(3):
            for b in range(3):
                expected.add((row, (i + a) * 4 + (j + b)))
                total += image[i + a, j + b] * kernel[a, b]
        y.append(total)
    assert set(lines(fig)) == expected
    drawn = texts(fig)
    assert [number(drawn[f"out-{i}"]) for i in range(4)] == y


def test_network_figures_refuse_layers_too_large_to_draw():
    # Proves a layer too big to draw as a network stops with one clear sentence.
    with pytest.raises(ValueError, match="at most 64 inputs"):
        registry.get("conv-network").data({"height": 10, "width": 10})


def test_conv_network_alt_text_names_every_weight_and_output():
    # Proves the alt text gives the 16 of 36 edges, each weight's value and the outputs.
    spec = registry.get("conv-network")
    alt = spec.alt(spec.data())
    assert "Only 16 of the 36 possible edges" in alt
    for name, value in zip("αβγδ", ["2", "−1", "1", "3"], strict=True):
        assert f"{name} = {value} (" in alt
    assert "y = (18, 8, 2, 9)" in alt


# ----------------------------------------------------------------------------------------
# conv-dense-graph (Graphviz)
# ----------------------------------------------------------------------------------------

EDGE_LINE = re.compile(r"^\s*x(\d+) -> y(\d+) \[(.*)\]$")
ATTRIBUTE = re.compile(r'(\w+)=("[^"]*"|<<.*?>>|\S+)')
# A node statement up to its pos; [^\]] also crosses the line break inside a node label.
NODE_POS = re.compile(r'^\s*"?([\w-]+)"? \[[^\]]*?pos="([-\d.]+),([-\d.]+)!"', re.M)


def dot_edges(source: str) -> dict[tuple[int, int], dict[str, str]]:
    """(output, input) -> attributes of each x -> y edge in the DOT source."""
    edges = {}
    for line in source.splitlines():
        match = EDGE_LINE.match(line)
        if match:
            attrs = {k: v.strip('"') for k, v in ATTRIBUTE.findall(match[3])}
            edges[int(match[2]), int(match[1])] = attrs
    return edges


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_conv_dense_graph_source_is_the_golden_file(theme):
    # Proves the DOT text is exactly the reviewed golden file (byte for byte), so any
    # change to the graph shows up as a diff to review.
    _, graph = render("conv-dense-graph", theme)
    golden = (GOLDEN / f"conv-dense-graph-{theme.name}.gv").read_text(encoding="utf-8")
    assert graph.source == golden


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_conv_dense_graph_counts_zero_and_weight_edges_like_the_matrix(theme):
    # Proves the DOT source has all 36 edges, 20 grey dashed ones exactly where the matrix
    # (built here by loops, and by layers.conv_matrix_index) has a structural zero and 16
    # solid ones in the colour of the weight they hold.
    _, graph = render("conv-dense-graph", theme)
    edges = dot_edges(graph.source)
    index, _ = small_conv_structure()
    example = examples.small_conv()
    package = layers.conv_matrix_index(example.kernel.shape, example.image.shape)
    np.testing.assert_array_equal(index, package)
    assert sorted(edges) == [(i, j) for i in range(4) for j in range(9)]
    dashed = {key for key, attrs in edges.items() if attrs.get("style") == "dashed"}
    assert dashed == {(i, j) for (i, j), k in np.ndenumerate(index) if k < 0}
    assert len(dashed) == 20
    for (i, j), attrs in edges.items():
        k = index[i, j]
        if k < 0:
            assert attrs["color"] == theme.zero_text
        else:
            assert "style" not in attrs and attrs["color"] == WEIGHT_COLOURS[k]
            assert float(attrs["penwidth"]) > float(edges[0, 2]["penwidth"])


def test_conv_dense_graph_labels_name_the_weight_and_sit_on_their_edge():
    # Proves each of the 16 weight edges has one label node with its weight's name, pinned
    # on the straight line between its input and output nodes, and none on zero edges.
    _, graph = render("conv-dense-graph")
    source = graph.source
    pos = {name: (float(x), float(y)) for name, x, y in NODE_POS.findall(source)}
    index, _ = small_conv_structure()
    found = re.findall(r'"label-(\d+)-(\d+)" \[label=<.*?<td>(.*?)</td>', source)
    assert len(found) == 16
    for i, j, name in found:
        i, j = int(i), int(j)
        assert name == examples.GREEK_WEIGHT_NAMES[index[i, j]]
        distance, t = segment_distance(pos[f"label-{i}-{j}"], pos[f"x{j}"], pos[f"y{i}"])
        assert distance < 0.01 and 0.1 < t < 0.95  # 3 decimals in pos: within 0.01 inch


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_conv_dense_graph_takes_its_colours_from_the_theme(theme):
    # Proves the page, text and node colours are the theme's, with the input and output
    # role colours on the nodes.
    _, graph = render("conv-dense-graph", theme)
    assert graph.graph_attr["bgcolor"] == theme.background
    assert graph.graph_attr["fontcolor"] == theme.foreground
    assert graph.graph_attr["fontname"] == "DejaVu Sans"
    source = graph.source
    assert len(re.findall(rf'fillcolor="{theme.input}"', source)) == 9
    assert len(re.findall(rf'fillcolor="{theme.output}"', source)) == 4


def test_conv_dense_graph_is_drawn_by_dot_where_it_was_pinned():
    # Proves the `dot` command the exporter runs accepts the graph without a warning and
    # keeps every node where the layout pinned it (the plain output lists positions).
    _, graph = render("conv-dense-graph")
    result = subprocess.run(
        ["dot", "-Tplain"], input=graph.source.encode(), capture_output=True, check=True
    )
    assert result.stderr == b""
    placed = {}
    for line in result.stdout.decode().splitlines():
        parts = line.split()
        if parts[0] == "node":
            placed[parts[1].strip('"')] = (float(parts[2]), float(parts[3]))
    pinned = {name: (float(x), float(y)) for name, x, y in NODE_POS.findall(graph.source)}
    assert set(placed) == set(pinned)
    shift = np.subtract(placed["x0"], pinned["x0"])
    for name, where in pinned.items():
        np.testing.assert_allclose(np.subtract(placed[name], where), shift, atol=0.02)


def test_conv_dense_graph_with_readers_parameters_counts_edges_like_a_loop():
    # Proves a strided, padded layer draws one edge per (output, input) pair, solid only
    # where a window tap lands on a real input (found here by looping over windows).
    _, graph = render("conv-dense-graph", height=4, width=5, kernel=2, stride=2, padding=1)
    edges = dot_edges(graph.source)
    out_h, out_w = (4 + 2 - 2) // 2 + 1, (5 + 2 - 2) // 2 + 1
    solid = set()
    for oi in range(out_h):
        for oj in range(out_w):
            for a in range(2):
                for b in range(2):
                    r, c = oi * 2 + a - 1, oj * 2 + b - 1
                    if 0 <= r < 4 and 0 <= c < 5:
                        solid.add((oi * out_w + oj, r * 5 + c))
    assert len(edges) == out_h * out_w * 20
    assert {key for key, attrs in edges.items() if attrs.get("style") != "dashed"} == solid


# ----------------------------------------------------------------------------------------
# sparse-connectivity-1d
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n_in", "kernel"), [(8, 3), (12, 5)])
def test_sparse_connectivity_panels_have_all_edges_and_window_edges(n_in, kernel):
    # Proves the left panel joins every input to every output and the right one each
    # output i to inputs i..i+k-1 only, and that the titles state those edge counts.
    _, fig = render("sparse-connectivity-1d", n_in=n_in, kernel=kernel)
    n_out = n_in - kernel + 1
    full = {(i, j) for i in range(n_out) for j in range(n_in)}
    window = {(i, j) for i in range(n_out) for j in range(i, i + kernel)}
    assert set(lines(fig, "fc-")) == full
    assert set(lines(fig, "sparse-")) == window
    drawn = texts(fig)
    assert drawn["fc-subtitle"].endswith(f"= {n_in * n_out} edges")
    assert drawn["sparse-subtitle"].endswith(f"= {n_out * kernel} edges")


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_sparse_connectivity_highlights_one_output_in_both_panels(theme):
    # Proves one output's edges (and only those) are drawn thick in the kernel colour in
    # both panels, and the text under each panel lists what that output sees.
    _, fig = render("sparse-connectivity-1d", theme)
    for prefix in ("fc-", "sparse-"):
        for (i, _), line in lines(fig, prefix).items():
            thick = to_hex(line.get_color()) == to_hex(theme.kernel)
            assert thick == (i == 2)
            assert (line.get_linewidth() > 2) == thick
    drawn = texts(fig)
    assert drawn["fc-foot"] == "y₃ sees all 8 inputs"
    assert drawn["sparse-foot"] == "y₃ sees 3 inputs: x₃, x₄, x₅"


# ----------------------------------------------------------------------------------------
# weight-sharing-1d
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_weight_sharing_labels_are_the_weights_of_each_layer(theme):
    # Proves the left panel labels edge (i, i+k) with the locally connected weight [i, k]
    # and the right panel with kernel weight k, on the same 18 edges.
    _, fig = render("weight-sharing-1d", theme)
    example = examples.line_example()
    local = examples.locally_connected_weights(example)
    kernel = example.kernel.ravel()
    drawn = texts(fig)
    expected = {(i, i + k): k for i in range(6) for k in range(3)}
    assert set(lines(fig, "local-")) == set(expected) == set(lines(fig, "conv-"))
    for (i, j), k in expected.items():
        assert number(drawn[f"local-label-{i}-{j}"]) == local[i, k]
        assert number(drawn[f"conv-label-{i}-{j}"]) == kernel[k]
    assert len({number(drawn[f"local-label-{i}-{j}"]) for i, j in expected}) == 18


def look_of(line) -> tuple:
    """Colour, line style and dash pattern: matplotlib calls every custom dash "--"."""
    return to_hex(line.get_color()), line.get_linestyle(), str(line._unscaled_dash_pattern)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_weight_sharing_colour_and_style_encode_the_weight(theme):
    # Proves that on the right the edges of one kernel weight share colour and line style
    # and the three weights differ in style alone; on the left no two edges share both,
    # and at most the pairs that run out (5 colours x 4 styles = 20 looks for 18 + 3
    # weights) repeat the look of a kernel weight on the right.
    _, fig = render("weight-sharing-1d", theme)
    conv_looks: dict[int, set] = {}
    for (i, j), line in lines(fig, "conv-").items():
        conv_looks.setdefault(j - i, set()).add(look_of(line))
    assert all(len(look) == 1 for look in conv_looks.values())
    assert len({next(iter(look))[1] for look in conv_looks.values()}) == 3
    local_looks = [look_of(line) for line in lines(fig, "local-").values()]
    assert len(set(local_looks)) == 18
    shared = set(local_looks) & {next(iter(look)) for look in conv_looks.values()}
    assert len(shared) <= 18 + 3 - 5 * 4


def test_weight_sharing_parts_are_one_layer_each_with_its_weights_on_a_4_3_slide():
    # Proves --part for a 4:3 slide: the local part draws only the locally connected
    # layer's 18 edges labelled with its own weights, the conv part only the
    # convolution's edges with the kernel's weights and its key; each alone fits a 4:3
    # slide with no text under 12 pt, where the two panels together do not.
    spec = registry.get("weight-sharing-1d")
    data = spec.data({})
    assert spec.part_names(data) == ["local", "conv"]
    example = examples.line_example()
    weights = {
        "local": examples.locally_connected_weights(example),
        "conv": np.tile(example.kernel.ravel(), (6, 1)),
    }
    slide = targets.SLIDES["4:3"]
    for part, other in (("local", "conv"), ("conv", "local")):
        fig = spec.draw(data, LIGHT, target=slide, part=part)
        drawn = texts(fig)
        assert set(lines(fig, f"{part}-")) == {(i, i + k) for i in range(6) for k in range(3)}
        assert not lines(fig, f"{other}-") and not any(g.startswith(other) for g in drawn)
        for (i, j), _ in lines(fig, f"{part}-").items():
            assert number(drawn[f"{part}-label-{i}-{j}"]) == weights[part][i, j - i]
        fitted = targets.fit_figure(fig, slide, figure_id="weight-sharing-1d", parts=[])
        assert fitted.width <= 10 + 1e-6 and fitted.height <= 7.5 + 1e-6
        assert fitted.min_text >= 12 - 1e-6
    both = targets.measure_figure(spec.draw(data, LIGHT, target=slide))
    assert both.scaled(targets.fitting_factor(both, slide)).min_text < 12


def test_weight_sharing_states_parameter_counts_and_the_bias_rule():
    # Proves the counts under the panels: n_out*k weights + n_out biases for the locally
    # connected layer, k weights + 1 bias for the convolution, computed here.
    for n_in, k in ((8, 3), (12, 5)):
        _, fig = render("weight-sharing-1d", n_in=n_in, kernel=k)
        n_out = n_in - k + 1
        drawn = texts(fig)
        assert drawn["local-count"] == (
            f"{n_out * k} weights + {n_out} biases (one per output) = "
            f"{n_out * k + n_out} parameters"
        )
        assert drawn["conv-count"] == (
            f"{k} weights + 1 bias (one per kernel) = {k + 1} parameters"
        )


def test_weight_sharing_alt_text_states_the_counts():
    # Proves the alt text carries the two parameter counts and the kernel weights.
    spec = registry.get("weight-sharing-1d")
    alt = spec.alt(spec.data())
    assert "18 weights + 6 biases (one per output) = 24 parameters" in alt
    assert "3 weights + 1 bias (one per kernel) = 4 parameters" in alt
    assert "w₁ = −2" in alt and "w₂ = 2" in alt and "w₃ = 1" in alt


# ----------------------------------------------------------------------------------------
# All network figures
# ----------------------------------------------------------------------------------------

READER_SIZES = {
    "fc-graph": {"n_in": 6, "n_out": 3},
    "conv-network": {"height": 4, "width": 4, "kernel": 3},
    "sparse-connectivity-1d": {"n_in": 12, "kernel": 5},
    "weight-sharing-1d": {"n_in": 12, "kernel": 5},
}


@pytest.mark.parametrize("theme", THEMES.values(), ids=lambda t: t.name)
@pytest.mark.parametrize("custom", [False, True], ids=["default", "custom"])
@pytest.mark.parametrize("figure_id", MATPLOTLIB_FIGURES)
def test_network_text_is_legible_and_never_overlaps(figure_id, custom, theme):
    # Proves no text is smaller than 9 pt and no two texts (labels with their boxes,
    # names, titles, keys) overlap, at the default size and at a reader's size.
    _, fig = render(figure_id, theme, **(READER_SIZES[figure_id] if custom else {}))
    shown = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]
    assert all(t.get_fontsize() >= 9 for t in shown)
    boxes = window_boxes(fig, shown)
    for (a, ta), (b, tb) in itertools.combinations(zip(boxes, shown, strict=True), 2):
        assert not overlapping(a, b), (ta.get_text(), tb.get_text())


@pytest.mark.parametrize("figure_id", MATPLOTLIB_FIGURES)
def test_network_figures_are_sized_to_what_they_draw(figure_id):
    # Proves the figure was fitted (not left at the provisional 20-inch page) and that
    # every drawn artist lies inside it.
    _, fig = render(figure_id)
    width, height = fig.get_size_inches()
    assert width < 18 and height < 10
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    for artist in (*ax.texts, *ax.lines, *ax.patches):
        box = artist.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1
        assert box.x1 <= fig.bbox.width + 1 and box.y1 <= fig.bbox.height + 1


def node_centres(fig, prefix: str, row: str) -> list[tuple[float, float]]:
    """Centres (in inches from the figure's top left) of the nodes ``<prefix><row>-j-node``."""
    found = {}
    for patch in fig.findobj(Circle):
        match = re.fullmatch(re.escape(prefix) + row + r"-(\d+)-node", patch.get_gid() or "")
        if match:
            x, y = patch.get_transform().transform(patch.center) / fig.dpi
            found[int(match[1])] = (float(x), fig.get_size_inches()[1] - float(y))
    return [found[j] for j in sorted(found)]


TWO_PANELS = {
    "sparse-connectivity-1d": ("fc-", "sparse-"),
    "weight-sharing-1d": ("local-", "conv-"),
}


@pytest.mark.parametrize("figure_id", sorted(TWO_PANELS))
def test_two_panel_networks_stack_in_the_column_and_stand_side_by_side_on_a_slide(figure_id):
    # Proves the layout follows the target: in the page column the second panel's inputs
    # lie straight under the first panel's (same x, lower), the figure fits the 7.17 in
    # column with text of 8.25 pt or more; for a 16:9 slide the second panel stands to
    # the right at the same height, and the figure is wider than tall.
    from diagram_gen import targets

    spec = registry.get(figure_id)
    data = spec.data()
    first, second = TWO_PANELS[figure_id]
    page = spec.draw(data, LIGHT)
    above, below = node_centres(page, first, "in"), node_centres(page, second, "in")
    assert len(above) == len(below) == 8
    for (xa, ya), (xb, yb) in zip(above, below, strict=True):
        assert xb == pytest.approx(xa) and yb > ya + 2
    measure = targets.measure_figure(page)
    assert measure.width <= targets.PAGE.width
    assert measure.min_text >= targets.PAGE.min_text
    slide = spec.draw(data, LIGHT, target=targets.SLIDES["16:9"])
    left, right = node_centres(slide, first, "in"), node_centres(slide, second, "in")
    assert all(yb == pytest.approx(ya) for (_, ya), (_, yb) in zip(left, right, strict=True))
    assert min(x for x, _ in right) > max(x for x, _ in left)
    width, height = slide.get_size_inches()
    assert width > height


def test_legend_promise_about_weight_edges_is_what_the_graphs_draw():
    # Proves the legend's cue for shared weights matches the drawings: in conv-network the
    # four weights differ in line style (not only colour); in the dense graph dashes are
    # left to the zeros, so every weight edge is solid and carries its weight's name.
    from diagram_gen.figures import _network
    from diagram_gen.style import ROLE_CUES

    cue = ROLE_CUES["weight"]
    assert "line style" in cue and "dense graph" in cue and "solid" in cue
    _, graph = render("conv-dense-graph")
    edges = dot_edges(graph.source)
    index, _ = small_conv_structure()
    labelled = {(int(i), int(j)) for i, j in re.findall(r'"label-(\d+)-(\d+)"', graph.source)}
    weight_edges = {(i, j) for (i, j), k in np.ndenumerate(index) if k >= 0}
    assert all(edges[key].get("style") is None for key in weight_edges)
    assert labelled == weight_edges
    assert "solid weight edges" in graph.graph_attr["label"]
    styles = {_network.weight_style(k, LIGHT)[1] for k in range(4)}
    assert len(styles) == 4
