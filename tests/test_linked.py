"""The linked views' elements, read back from the inline SVG the page gets, against the
layer math (conv_matrix_index), not against the drawing code."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import numpy as np
import pytest

from diagram_gen import examples, export, layers, linked, registry

LINKED = [figure_id for figure_id in registry.ORDER if registry.get(figure_id).links]
#: The figures that draw every entry of the layer's matrix (as a cell or an edge).
EVERY_PRODUCT = {
    "fc-matrix", "fc-graph", "conv-matrix", "conv-network", "conv-dense-graph", "conv-linked",
    "transposed-matrix", "multichannel-matrix", "weight-sharing-1d",
}  # fmt: skip
ATTRIBUTE = re.compile(r'data-dg-(step|weight|input)="(\d+)"')
ELEMENT = re.compile(r"<(\w+)\b([^>]*)>")


@cache
def inline(figure_id: str, theme: str = "light") -> tuple[str, dict]:
    """The figure's light SVG as the page inlines it, and its links as the build writes."""
    spec = registry.get(figure_id)
    files = registry.render(
        figure_id, themes=(theme,), options=export.ExportOptions(formats=("svg",))
    )
    svg = files[f"{figure_id}-{theme}.svg"]
    links = spec.links(spec.data()).as_json()
    view = linked.inline_svg(
        svg.decode(), links["elements"], prefix=f"{theme}-{figure_id}-", label="alt"
    )
    return view, links


def drawn_links(view: str) -> list[dict[str, int]]:
    """Every element's data-dg attributes (0-based), in document order."""
    found = []
    for _, attributes in ELEMENT.findall(view):
        pairs = {k: int(v) - 1 for k, v in ATTRIBUTE.findall(attributes)}
        if pairs:
            pairs["focus"] = 'tabindex="0"' in attributes
            found.append(pairs)
    return found


def layer_index(figure_id: str) -> np.ndarray:
    """conv_matrix_index of the layer the figure draws, computed here from its example."""
    spec = registry.get(figure_id)
    example = spec.example()
    if isinstance(example, examples.ConvLayer):
        return layers.conv_matrix_index(
            example.kernel.shape, example.image.shape, **example.layer_kwargs
        )
    assert isinstance(example, examples.Dense), figure_id
    # A fully connected layer: entry (i, j) is weight i·n_in + j of W.ravel().
    n_out, n_in = example.weights.shape
    return np.arange(n_out * n_in).reshape(n_out, n_in)


#: The figures whose outputs, inputs and weights are keyboard stops (conv-equations
#: writes names only: its equations are reached through the step controls).
WITH_STOPS = [figure_id for figure_id in LINKED if figure_id != "conv-equations"]


@pytest.mark.parametrize("figure_id", LINKED)
def test_every_product_drawn_is_an_entry_of_the_layer_matrix(figure_id):
    index = layer_index(figure_id)
    products = [a for a in drawn_links(inline(figure_id)[0]) if len(a) > 2]
    assert products, "no product element was drawn"
    for a in products:
        i, j = a["step"], a.get("input")
        if j is None:  # a weight over the padding: no input of this output meets it
            assert a["weight"] not in index[i], a
            continue
        assert index[i, j] >= 0, a
        if "weight" in a:
            assert index[i, j] == a["weight"], a


@pytest.mark.parametrize("figure_id", sorted(EVERY_PRODUCT))
def test_every_entry_of_the_layer_matrix_is_drawn_and_linked(figure_id):
    index = layer_index(figure_id)
    drawn = {(a["step"], a["input"]) for a in drawn_links(inline(figure_id)[0]) if len(a) > 2}
    wanted = {(int(i), int(j)) for i, j in zip(*np.nonzero(index >= 0), strict=True)}
    assert wanted <= drawn, sorted(wanted - drawn)[:5]


@pytest.mark.parametrize("figure_id", WITH_STOPS)
def test_outputs_inputs_and_weights_are_named_keyboard_stops(figure_id):
    index = layer_index(figure_id)
    view, _ = inline(figure_id)
    stops = [a for a in drawn_links(view) if a.pop("focus")]
    kinds = Counter(next(iter(a)) for a in stops if len(a) == 1)
    assert all(len(a) == 1 for a in stops), "a product must not be a keyboard stop"
    # Each view of the figure holds one stop per output (conv-linked has three views).
    assert kinds["step"] > 0 and kinds["step"] % index.shape[0] == 0, kinds
    assert kinds["input"] >= index.shape[1] or figure_id in {"conv-sliding", "conv-equations"}
    labels = re.findall(r'tabindex="0" role="button" aria-label="([^"]+)"', view)
    assert len(labels) == len(stops) and all(labels), labels[:3]


def test_the_running_example_is_one_group_in_every_view():
    groups = {f: inline(f)[1]["group"] for f in LINKED}
    running = {
        "conv-sliding", "conv-equations", "conv-network", "conv-matrix", "conv-dense-graph",
        "conv-linked", "transposed-matrix",
    }  # fmt: skip
    assert len({groups[f] for f in running}) == 1, groups
    assert groups["sparse-connectivity-1d"] == groups["weight-sharing-1d"]
    assert groups["multichannel-matrix"] not in {groups[f] for f in running}
    assert groups["fc-matrix"] == groups["fc-graph"] != groups["conv-matrix"]
    other = registry.get("conv-matrix").data({"seed": 5, "kernel": 3})
    assert registry.get("conv-matrix").links(other).group != groups["conv-matrix"]


def test_the_step_texts_are_the_animation_steps():
    spec = registry.get("conv-matrix")
    data = spec.data()
    assert inline("conv-matrix")[1]["steps"] == [s.text for s in spec.steps(data)]
    assert len(inline("conv-matrix")[1]["steps"]) == layer_index("conv-matrix").shape[0]


def test_ids_are_unique_when_both_themes_share_a_page():
    light, _ = inline("conv-matrix", "light")
    dark, _ = inline("conv-matrix", "dark")
    ids = re.findall(r'\bid="([^"]+)"', light + dark)
    assert len(ids) == len(set(ids))
    for view in (light, dark):
        defined = set(re.findall(r'\bid="([^"]+)"', view))
        used = set(re.findall(r'(?:href="#|url\(#)([^")]+)', view))
        assert used <= defined, sorted(used - defined)[:3]
    assert "<style" not in light and "<?xml" not in light
    assert light.startswith('<svg class="dg-view" role="group" aria-label="alt"')


def test_inline_svg_links_exact_gids_prefixes_and_rest():
    svg = (
        '<?xml version="1.0"?>\n<svg width="10pt"><defs><style>*{}</style>'
        '<path id="glyph"/></defs><g id="m-0-1"><use href="#glyph"/></g>'
        '<g id="sum-0-00-1"/><g id="sum-10-00-1"/><g id="zero"/><g id="plain"/></svg>'
    )
    elements = {
        "m-0-1": {"data-dg-step": "1", "data-dg-weight": "2", "data-dg-input": "3"},
        "sum-0-*": {"data-dg-step": "1", "label": "output y = 1"},
        "sum-10-*": {"data-dg-step": "11"},
        "zero": {},
    }
    view = linked.inline_svg(svg, elements, prefix="p-", label="A")
    assert 'id="p-m-0-1" data-dg-step="1" data-dg-weight="2" data-dg-input="3"' in view
    assert 'href="#p-glyph"' in view
    assert 'id="p-sum-0-00-1" data-dg-step="1" tabindex="0" role="button"' in view
    assert 'id="p-sum-10-00-1" data-dg-step="11"' in view
    assert 'id="p-zero" data-dg-rest=""' in view
    assert '<g id="p-plain"/>' in view
