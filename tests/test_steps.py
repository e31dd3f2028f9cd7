"""Steps: what each step reads and writes, compared with the layer math, and what it lights.

The expected index sets come from ``layers.conv_matrix_index`` (or naive loops), never from
the drawing code; what a figure drew at a step is read back from its artists (outlines,
line widths, alpha) or from the DOT source.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.lines import Line2D

from diagram_gen import examples, layers, registry
from diagram_gen.figures import _matrix, _network
from diagram_gen.steps import Step, dg_attributes
from diagram_gen.style import DARK, LIGHT

ANIMATED = (
    "conv-arithmetic",
    "conv-sliding",
    "conv-network",
    "conv-matrix",
    "conv-dense-graph",
    "conv-linked",
    "weight-sharing-1d",
    "stride-dilation",
    "transposed-upsample",
    "transposed-direct",
    "pooling",
)
SLOW = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

conv_params = st.fixed_dictionaries(
    {
        "height": st.integers(2, 5),
        "width": st.integers(2, 5),
        "kernel": st.integers(1, 3),
        "stride": st.integers(1, 2),
        "padding": st.sampled_from([0, 1, "same"]),
        "seed": st.integers(0, 50),
    }
)


def _valid(spec, params):
    try:
        return spec.data(params)
    except ValueError:
        return None


def expected_triples(example) -> list[set[tuple[int, int, int]]]:
    """Per output: (input, weight, output) of every non-zero of the conv matrix."""
    index = layers.conv_matrix_index(
        example.kernel.shape, example.image.shape, **example.layer_kwargs
    )
    return [
        {(int(c), int(index[r, c]), r) for c in np.flatnonzero(index[r] >= 0)}
        for r in range(index.shape[0])
    ]


def lit_gids(fig) -> set[str]:
    """Gids of every square drawn with the lit outline."""
    return {
        patch.get_gid()
        for ax in fig.axes
        for patch in ax.patches
        if np.isclose(patch.get_linewidth(), _matrix.LIT_WIDTH) and patch.get_gid()
    }


def test_the_animated_figures_have_steps_and_the_others_none():
    with_steps = {spec.id for spec in registry.FIGURES.values() if spec.steps is not None}
    assert with_steps == set(ANIMATED)


@pytest.mark.parametrize("figure_id", ("conv-sliding", "conv-matrix", "conv-network"))
@SLOW
@given(params=conv_params)
def test_conv_steps_are_the_rows_of_the_weight_matrix(figure_id, params):
    spec = registry.get(figure_id)
    data = _valid(spec, params)
    if data is None:
        return
    example = examples.conv_example(**params)
    steps = spec.steps(data)
    expected = expected_triples(example)
    assert len(steps) == example.output().size
    output = example.output().ravel()
    for n, step in enumerate(steps):
        assert (step.index, step.total) == (n + 1, len(steps))
        assert set(step.triples) == expected[n]
        assert step.outputs == (n,)
        assert set(step.inputs) == {i for i, _, _ in expected[n]}
        assert set(step.weights) == {w for _, w, _ in expected[n]}
        # The written sum adds up to the layer's output.
        products = sum(
            example.kernel.ravel()[w] * example.image.ravel()[i] for i, w, _ in step.triples
        )
        assert np.isclose(products + example.bias[0], output[n])
        assert step.text.startswith(f"placement {n + 1} of {len(steps)}: ")


def test_step_text_of_the_small_example():
    spec = registry.get("conv-sliding")
    step = spec.steps(spec.data())[1]
    # y12 = 2·1 + (−1)·2 + 1·4 + 3·1 + 1 = 8, the sum of the site's small example.
    x = examples.small_conv().image.ravel()
    w = examples.small_conv().kernel.ravel()
    assert step.inputs == (1, 2, 4, 5)
    assert step.text.endswith(f"= {int(w @ x[list(step.inputs)] + 1)}")
    assert "y₁₂" in step.text


@SLOW
@given(params=conv_params)
def test_sliding_lights_the_cells_the_placement_reads(params):
    spec = registry.get("conv-sliding")
    data = _valid(spec, params)
    if data is None:
        return
    example = examples.conv_example(**params)
    height, width = example.image.shape[1:]
    out_w = example.output().shape[2]
    for n, triples in enumerate(expected_triples(example)):
        step = spec.steps(data)[n]
        fig = spec.draw(data, LIGHT, step)
        inputs = {i for i, _, _ in triples}
        expected = {f"image-{i // width}-{i % width}-box" for i in inputs}
        expected.add(f"output-{n // out_w}-{n % out_w}-box")
        assert lit_gids(fig) == expected
        assert any(t.get_text() == step.text for t in fig.axes[0].texts)


@pytest.mark.parametrize("theme", (LIGHT, DARK), ids=("light", "dark"))
def test_matrix_lights_the_row_its_inputs_and_its_output(theme):
    spec = registry.get("conv-matrix")
    data = spec.data()
    example = examples.small_conv()
    for n, triples in enumerate(expected_triples(example)):
        fig = spec.draw(data, theme, spec.steps(data)[n])
        expected = {f"m-{n}-{i}-box" for i, _, _ in triples}
        expected |= {f"x-{i}-box" for i, _, _ in triples}
        expected |= {f"y-{n}-box", f"b-{n}-box"}
        assert lit_gids(fig) == expected


@pytest.mark.parametrize("figure_id", ("conv-network", "weight-sharing-1d"))
def test_network_lights_the_outputs_edges_and_dims_the_rest(figure_id):
    spec = registry.get(figure_id)
    data = spec.data()
    example = examples.line_example() if figure_id == "weight-sharing-1d" else examples.small_conv()
    index = layers.conv_matrix_index(example.kernel.shape, example.image.shape)
    for n in range(index.shape[0]):
        fig = spec.draw(data, LIGHT, spec.steps(data)[n])
        edges = [line for line in fig.axes[0].lines if "edge-" in (line.get_gid() or "")]
        lit = {line.get_gid() for line in edges if line.get_alpha() is None}
        faded = {line.get_gid() for line in edges if line.get_alpha() == _network.DIM_ALPHA}
        expected = {f"edge-{n}-{c}" for c in np.flatnonzero(index[n] >= 0)}
        prefixes = ("local-", "conv-") if figure_id == "weight-sharing-1d" else ("",)
        assert lit == {p + e for p in prefixes for e in expected}
        assert lit | faded == {line.get_gid() for line in edges}
        widths = {line.get_gid(): line.get_linewidth() for line in edges}
        still = {
            line.get_gid(): line.get_linewidth()
            for line in spec.draw(data, LIGHT).axes[0].lines
            if "edge-" in (line.get_gid() or "")
        }
        for gid in lit:
            assert np.isclose(widths[gid], still[gid] * _network.LIT_EDGE_FACTOR)


def test_dense_graph_lights_the_outputs_weight_edges_in_the_dot_source():
    spec = registry.get("conv-dense-graph")
    data = spec.data()
    index = layers.conv_matrix_index((1, 1, 2, 2), (1, 3, 3))
    for n in range(index.shape[0]):
        step = spec.steps(data)[n]
        source = spec.draw(data, LIGHT, step).source
        wide = set(re.findall(r"id=\"?(edge-\d+-\d+)\"?[^\]]*penwidth=\"?5\.72", source))
        wide |= set(re.findall(r"penwidth=\"?5\.72\"?[^\]]*id=\"?(edge-\d+-\d+)", source))
        assert wide == {f"edge-{n}-{c}" for c in np.flatnonzero(index[n] >= 0)}
        assert step.text in source
    assert spec.draw(data, LIGHT).source == spec.draw(data, LIGHT, None).source


def test_pooling_steps_are_the_windows():
    spec = registry.get("pooling")
    data = spec.data()
    steps = spec.steps(data)
    image = data.image
    k, s = data.kernel, data.stride
    out_h, out_w = data.max_out.shape
    assert len(steps) == out_h * out_w
    for step in steps:
        i, j = divmod(step.outputs[0], out_w)
        window = {(i * s + a) * image.shape[1] + j * s + b for a in range(k) for b in range(k)}
        assert set(step.inputs) == window
        values = image.ravel()[list(step.inputs)]
        assert values.max() == data.max_out[i, j]
        fig = spec.draw(data, LIGHT, step)
        cells = {
            f"{kind}-x-{c // image.shape[1]}-{c % image.shape[1]}-box"
            for c in window
            for kind in ("max", "avg")
        }
        outs = {f"{kind}-y-{i}-{j}-box" for kind in ("max", "avg")}
        assert lit_gids(fig) == cells | outs


def test_transposed_steps_scatter_each_input_over_its_copy():
    spec = registry.get("transposed-upsample")
    data = spec.data()
    steps = spec.steps(data)
    y, w = data.y, data.kernel
    s, p, d = data.stride, data.padding, data.dilation
    k = w.shape[0]
    assert len(steps) == y.size
    out_h, out_w = data.output.shape
    total = np.zeros(data.output.size)
    for step in steps:
        i, j = divmod(step.inputs[0], y.shape[1])
        # Naive scatter: input (i, j) times weight (a, b) lands at (i*s + a*d - p, ...).
        expected = set()
        for a in range(k):
            for b in range(k):
                r, c = i * s + a * d - p, j * s + b * d - p
                if 0 <= r < out_h and 0 <= c < out_w:
                    expected.add((step.inputs[0], a * k + b, r * out_w + c))
        assert set(step.triples) == expected
        for _, weight, out in step.triples:
            total[out] += y[i, j] * w.ravel()[weight]
    assert np.allclose(total, data.output.ravel())


def test_stride_dilation_steps_run_through_the_three_readings():
    spec = registry.get("stride-dilation")
    data = spec.data()
    steps = spec.steps(data)
    assert len(steps) == sum(r.size for r in data.readings)
    assert [s.index for s in steps] == list(range(1, len(steps) + 1))
    n = 0
    for reading in data.readings:
        index = layers.conv_matrix_index(
            (1, 1, data.kernel.size),
            (1, data.x.size),
            stride=reading.stride,
            padding=data.padding,
            dilation=reading.dilation,
        )
        for row in range(reading.size):
            assert set(steps[n].inputs) == set(np.flatnonzero(index[row] >= 0))
            n += 1


def test_linked_lights_the_same_placement_in_all_three_views():
    spec = registry.get("conv-linked")
    data = spec.data()
    example = examples.small_conv()
    for n, triples in enumerate(expected_triples(example)):
        fig = spec.draw(data, DARK, spec.steps(data)[n])
        window, matrix, network = fig.axes
        inputs = {i for i, _, _ in triples}
        assert {p.get_gid() for p in window.patches if p.get_linewidth() == _matrix.LIT_WIDTH} == {
            f"image-{i // 3}-{i % 3}-box" for i in inputs
        } | {f"output-{n // 2}-{n % 2}-box"}
        lit_matrix = {p.get_gid() for p in matrix.patches if p.get_linewidth() == _matrix.LIT_WIDTH}
        assert {g for g in lit_matrix if g.startswith("m-")} == {f"m-{n}-{i}-box" for i in inputs}
        lit_edges = {
            line.get_gid()
            for line in network.lines
            if isinstance(line, Line2D)
            and "edge-" in (line.get_gid() or "")
            and line.get_alpha() is None
        }
        assert lit_edges == {f"edge-{n}-{i}" for i in inputs}


def test_step_record_and_linked_view_attributes():
    step = Step(2, 4, "t", (1,), (1, 2), (0, 1), ((1, 0, 1), (2, 1, 1)))
    assert dg_attributes(step=step.index, weight=0, input=2) == {
        "data-dg-step": "2",
        "data-dg-weight": "1",
        "data-dg-input": "3",
    }
    with pytest.raises(ValueError):
        Step(5, 4, "t", (), (), (), ())
