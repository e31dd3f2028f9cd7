"""The volume figures draw what the layer computes, in the right places and the right order.

Each test reads back what was drawn (texts, polygon vertices, fill colours, hatching,
z-order) and compares it with a convolution written out here with explicit loops over
channels, rows and columns, never with the code the figures call. The numbers come from
the running examples, which are the single source of the data.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from figure_checks import (
    assert_refused_in_one_sentence,
    assert_text_legible_unclipped_and_apart,
    token_rows,
)
from matplotlib.colors import to_hex
from matplotlib.patches import Circle, FancyArrowPatch, Polygon, Rectangle
from matplotlib.path import Path
from matplotlib.text import Text

from diagram_gen import examples, registry, targets
from diagram_gen.examples import subscript
from diagram_gen.site_files import legend_markdown
from diagram_gen.style import DARK, LIGHT, WEIGHT_COLOURS

MINUS = "\u2212"
THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
IDS = ("neuron-volume", "multichannel-kernel", "many-filters")


# ----------------------------------------------------------------------------------------
# An independent reference and helpers to read the figures back
# ----------------------------------------------------------------------------------------


def loop_conv(image, kernels, bias):
    """Multi-channel cross-correlation, stride 1, no padding, by explicit loops.

    ``image`` (C, H, W), ``kernels`` (K, C, kh, kw), ``bias`` (K,) or None."""
    channels, height, width = image.shape
    count, _, kh, kw = kernels.shape
    out_h, out_w = 0, 0
    while out_h + kh <= height:  # count the placements rather than use a formula
        out_h += 1
    while out_w + kw <= width:
        out_w += 1
    out = np.zeros((count, out_h, out_w))
    for k in range(count):
        for i in range(out_h):
            for j in range(out_w):
                total = 0.0 if bias is None else float(bias[k])
                for c in range(channels):
                    for a in range(kh):
                        for b in range(kw):
                            total += image[c, i + a, j + b] * kernels[k, c, a, b]
                out[k, i, j] = total
    return out


def number(value: float) -> str:
    """How a reader writes an integer, with a true minus sign."""
    return str(int(value)).replace("-", MINUS)


def parse(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def render(figure_id, theme=LIGHT, **overrides):
    spec = registry.get(figure_id)
    data = spec.data(overrides)
    return data, spec.draw(data, theme)


def texts(fig) -> dict[str, Text]:
    return {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}


def patches(fig, kind) -> dict[str, object]:
    return {p.get_gid(): p for p in fig.findobj(kind) if p.get_gid()}


def vertices(polygon: Polygon) -> np.ndarray:
    """The polygon's corners, without the closing repeat of the first one."""
    xy = np.asarray(polygon.get_xy())
    return xy[:-1] if np.allclose(xy[0], xy[-1]) else xy


def extent(polygon: Polygon) -> tuple[float, float, float, float]:
    xy = vertices(polygon)
    return xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max()


def hex_of(artist) -> str:
    return to_hex(artist.get_facecolor())


def chw(shape) -> str:
    """A shape written channels first, the site's order: (3, 4, 4) -> ``3 × 4 × 4``.

    Tests pass the shape of an array they computed (the loop output, the example's
    input or kernel), so a label in another order (4 × 4 × 3) fails.
    """
    return " × ".join(str(int(s)) for s in shape)


def flat(shape) -> str:
    """The same shape as captions write it: (3, 4, 4) -> ``3x4x4``."""
    return "x".join(str(int(s)) for s in shape)


# ----------------------------------------------------------------------------------------
# neuron-volume
# ----------------------------------------------------------------------------------------


@THEMES
def test_neuron_volume_labels_every_dimension_with_the_computed_shapes(theme):
    # Proves the input is labelled 32, 32, 3 and the output 28, 28, 5, where 28 is the
    # number of placements counted by the loop convolution, and the feature-map note
    # counts 28 * 28 neurons.
    data, fig = render("neuron-volume", theme)
    layer = examples.volume_example()
    c, h, w = layer.image.shape
    k = layer.kernel.shape[0]
    column = loop_conv(layer.image[:, :5, :], layer.kernel, layer.bias)  # top rows only
    out_w = column.shape[2]
    out_h = out_w  # square input and kernel: the same count of placements each way
    assert (out_h, out_w) == (28, 28)
    drawn = texts(fig)
    assert [drawn[f"input-dim-{d}"].get_text() for d in ("height", "width", "depth")] == [
        str(h),
        str(w),
        str(c),
    ]
    assert [drawn[f"output-dim-{d}"].get_text() for d in ("height", "width", "depth")] == [
        str(out_h),
        str(out_w),
        str(k),
    ]
    # Every shape label is channels first (C × H × W), read from the computed arrays.
    assert chw((k, out_h, out_w)) in drawn["output-title"].get_text()
    assert chw(layer.image.shape) in drawn["input-title"].get_text()
    assert f"= {out_h * out_w} neurons" in drawn["map-label"].get_text()
    assert chw(layer.kernel.shape[1:]) in drawn["field-label"].get_text()
    assert c != h  # so a label in the channels-last order could not pass by accident


@THEMES
def test_neuron_volume_depth_column_holds_the_loop_activations(theme):
    # Proves the k neurons of the depth column carry the activations of the k kernels at
    # one place (loop convolution over the 3x5x5 field, plus each kernel's bias), each in
    # its kernel's colour, fed by a line in that colour from the kernel drawn in it too.
    data, fig = render("neuron-volume", theme)
    layer = examples.volume_example()
    row, col = data.position
    drawn, circles = texts(fig), patches(fig, Circle)
    polygons, arrows = patches(fig, Polygon), patches(fig, FancyArrowPatch)
    for k in range(5):
        expected = float(layer.bias[k])
        for c in range(3):
            for a in range(5):
                for b in range(5):
                    expected += layer.image[c, row + a, col + b] * layer.kernel[k, c, a, b]
        assert drawn[f"neuron-{k}-value"].get_text() == number(expected)
        colour = to_hex(theme.weight_colour(k))
        assert hex_of(circles[f"neuron-{k}"]) == colour
        assert hex_of(polygons[f"kernel-{k}-front"]) == colour
        assert to_hex(arrows[f"path-{k}-out"].get_edgecolor()) == colour
        assert drawn[f"kernel-{k}-label"].get_text() == f"kernel {k + 1}"
    assert len(circles) == 5


@THEMES
def test_neuron_volume_geometry_and_drawing_order(theme):
    # Proves the drawing is to scale and occludes correctly: the output's front face is
    # 28/32 of the input's, the field sits on the input's top row at the drawn column and
    # is 5/32 of it wide, every neuron lies on the output's top face (deeper neurons up and
    # to the right), the hatched feature map is exactly the output's front face, and what
    # is in front is drawn later (field over input, neurons over faces).
    data, fig = render("neuron-volume", theme)
    polygons, circles = patches(fig, Polygon), patches(fig, Circle)
    ix0, iy0, ix1, iy1 = extent(polygons["input-front"])
    ox0, oy0, ox1, oy1 = extent(polygons["output-front"])
    unit = (ix1 - ix0) / 32
    assert iy1 - iy0 == pytest.approx(32 * unit)
    assert (ox1 - ox0, oy1 - oy0) == pytest.approx((28 * unit, 28 * unit))
    fx0, fy0, fx1, fy1 = extent(polygons["field-front"])
    r0, c0 = data.field_start
    assert (r0, c0) == data.position  # stride 1, no padding: the field starts there
    assert (fx0 - ix0, fy0 - iy0) == pytest.approx((c0 * unit, 0.0))
    assert (fx1 - fx0, fy1 - fy0) == pytest.approx((5 * unit, 5 * unit))
    assert "field-top" in polygons and "field-side" not in polygons  # inside the volume
    top = Path(vertices(polygons["output-top"]))
    centres = [np.array(circles[f"neuron-{k}"].get_center()) for k in range(5)]
    for centre in centres:
        assert top.contains_point(centre)
    steps = np.diff(np.array(centres), axis=0)
    assert np.all(steps[:, 0] > 0) and np.all(steps[:, 1] < 0)  # y points down
    np.testing.assert_allclose(
        vertices(polygons["feature-map"]), vertices(polygons["output-front"])
    )
    assert polygons["feature-map"].get_hatch() == "//"
    assert polygons["field-front"].get_zorder() > polygons["input-front"].get_zorder()
    for circle in circles.values():
        assert circle.get_zorder() > polygons["output-top"].get_zorder()
    assert hex_of(polygons["input-front"]) == to_hex(theme.input)
    assert hex_of(polygons["output-front"]) == to_hex(theme.output)
    assert hex_of(polygons["field-front"]) == to_hex(theme.kernel)


def test_neuron_volume_with_many_kernels_lists_the_activations_beside_the_column():
    # Proves a custom layer (6x12x12 input, 6 kernels of 6x3x3) is drawn from its own
    # numbers: the output is 6x10x10 by the loop count, and when the neurons are too
    # small for their numbers, the label beside the column lists the loop activations.
    params = {"size": 12, "field": 3, "channels": 6, "kernels": 6}
    data, fig = render("neuron-volume", **params)
    layer = examples.volume_example(**params)
    row, col = data.position
    expected = loop_conv(layer.image[:, row : row + 3, col : col + 3], layer.kernel, layer.bias)
    drawn = texts(fig)
    assert [drawn[f"output-dim-{d}"].get_text() for d in ("height", "width", "depth")] == [
        "10",
        "10",
        "6",
    ]
    assert "neuron-0-value" not in drawn
    listed = drawn["column-label"].get_text().split("activations ")[1]
    assert listed == ", ".join(number(v) for v in expected[:, 0, 0])
    assert len(patches(fig, Circle)) == 6


# ----------------------------------------------------------------------------------------
# multichannel-kernel
# ----------------------------------------------------------------------------------------

CHANNEL_CASES = [{}, {"in_channels": 2, "kernel": 3, "height": 5, "width": 5}]


@THEMES
@pytest.mark.parametrize("overrides", CHANNEL_CASES, ids=["default", "custom"])
def test_multichannel_kernel_draws_slices_parts_and_their_sum(theme, overrides):
    # Proves the table is the layer: each channel's cells, each slice's weights, each
    # channel convolved with its slice (loops, no bias), and the output map equal to the
    # loop convolution of the whole input with the whole kernel plus the bias, which is
    # the sum of the drawn parts plus the drawn bias.
    data, fig = render("multichannel-kernel", theme, **overrides)
    layer = examples.multichannel_example(**overrides)
    kernel = layer.kernel[0]
    drawn = texts(fig)
    channels = layer.image.shape[0]
    for c in range(channels):
        for (r, q), value in np.ndenumerate(layer.image[c]):
            assert drawn[f"input-{c}-{r}-{q}"].get_text() == number(value)
        for (a, b), value in np.ndenumerate(kernel[c]):
            name = f"w₁,{subscript(c + 1)},{subscript(a + 1)}{subscript(b + 1)}"
            assert drawn[f"slice-{c}-{a}-{b}"].get_text() == f"{name}\n{number(value)}"
        part = loop_conv(layer.image[c : c + 1], kernel[np.newaxis, c : c + 1], None)[0]
        for (i, j), value in np.ndenumerate(part):
            assert drawn[f"part-{c}-{i}-{j}"].get_text() == number(value)
    whole = loop_conv(layer.image, kernel[np.newaxis], layer.bias[:1])[0]
    parts_sum = np.zeros(whole.shape)
    for c in range(channels):
        for i, j in np.ndindex(*whole.shape):
            parts_sum[i, j] += parse(drawn[f"part-{c}-{i}-{j}"].get_text())
    bias = parse(drawn["bias"].get_text())
    for (i, j), value in np.ndenumerate(whole):
        assert drawn[f"output-{i}-{j}"].get_text() == number(value)
        assert parts_sum[i, j] + bias == value
    # Colour input: the slices hold different weights, not one 2D kernel copied.
    assert any(not np.array_equal(kernel[0], kernel[c]) for c in range(1, channels))


@THEMES
def test_multichannel_kernel_parts_are_its_table_and_its_sum_each_fitting_a_slide(theme):
    # Proves the parts a slide shows one at a time are pieces of the page figure: each
    # part's texts are the page figure's (same gids and words), together all of them, the
    # table holds no sum and the sum no table, and each fits a 16:9 and a 4:3 slide with
    # no text under 12 pt, without overlaps.
    spec = registry.get("multichannel-kernel")
    data = spec.data({})
    page = {g: " ".join(t.get_text().split()) for g, t in texts(spec.draw(data, theme)).items()}
    assert spec.part_names(data) == ["table", "sum"]
    seen: dict[str, str] = {}
    for part, own, other in (("table", "slice-", "output-"), ("sum", "output-", "slice-")):
        fig = spec.draw(data, theme, part=part)
        drawn = {g: " ".join(t.get_text().split()) for g, t in texts(fig).items()}
        assert drawn.items() <= page.items()
        assert any(g.startswith(own) for g in drawn)
        assert not any(g.startswith(other) for g in drawn)
        seen |= drawn
        assert_text_legible_unclipped_and_apart(fig)
        for slide in targets.SLIDES.values():
            fitted = targets.fit_figure(
                spec.draw(data, theme, part=part), slide, figure_id="multichannel-kernel",
                parts=[],
            )  # fmt: skip
            assert fitted.min_text >= 12 - 1e-6
    assert seen == page


def test_multichannel_kernel_works_out_one_cell_product_by_product():
    # Proves the written sum of y11: per channel, each weight times the pixel under it
    # (loop over the framed patch) adds up to that channel's part, and the parts plus the
    # bias give the output cell; 12 products in all for a 3x2x2 kernel.
    data, fig = render("multichannel-kernel")
    layer = examples.multichannel_example()
    kernel, image, bias = layer.kernel[0], layer.image, float(layer.bias[0])
    rows = token_rows(fig, "sum")
    assert len(rows) == 3
    parts = []
    products = 0
    for c, row in enumerate(rows):
        terms, part = [], 0.0
        for a in range(2):
            for b in range(2):
                w, x = kernel[c, a, b], image[c, a, b]
                terms.append(f"{number(w)}·{'(' + number(x) + ')' if x < 0 else number(x)}")
                part += w * x
                products += 1
        assert row == f"channel{c + 1}:" + "+".join(terms) + f"={number(part)}"
        parts.append(part)
    total = token_rows(fig, "total")
    expected = "y₁₁=" + "+".join(number(p) for p in parts) + f"+{number(bias)}"
    assert total == [expected + f"={number(sum(parts) + bias)}"]
    assert products == 12
    assert "12 products" in texts(fig)["sum-heading"].get_text()


def legend_swatches(role_name: str) -> list[str]:
    """The colours the site's legend shows in the row of ``role_name``, in order."""
    rows = re.findall(r"<tr><td>(.*?)</td><td><strong>(.*?)</strong>", legend_markdown())
    cells = [swatches for swatches, name in rows if name == role_name]
    assert len(cells) == 1, f"the legend has no single row {role_name!r}"
    return [c.lower() for c in re.findall(r"background-color: (#[0-9A-Fa-f]{6})", cells[0])]


@THEMES
def test_multichannel_kernel_colours_and_frames(theme):
    # Proves colour says what the legend says it says. Every kernel weight is a shared
    # weight (the layer uses it at every placement), so each cell is drawn in the legend's
    # shared-weight colour of its weight number (position in the kernel, read in C order
    # by these loops), the legend's swatches for α, β, γ, δ first, and carries the
    # legend's cue, its own name; no two cells share a name, so none claims to share a
    # weight. The colour follows the position, not the sign: it is not the signed scheme
    # the legend keeps for independent weights. Each chip of the sum is in its cell's
    # colour, the output in the output colour and the parts in a fainter one; the framed
    # patch covers the top-left kh x kw input cells, and the same cell is framed in every
    # part and in the output.
    data, fig = render("multichannel-kernel", theme)
    layer = examples.multichannel_example()
    boxes, drawn = patches(fig, Rectangle), texts(fig)
    shared = legend_swatches("Shared weight")
    channels, kh, kw = layer.kernel[0].shape
    number_of, names, by_sign = 0, set(), {True: set(), False: set()}
    for c in range(channels):
        for a in range(kh):
            for b in range(kw):
                fill = hex_of(boxes[f"slice-{c}-{a}-{b}-box"])
                assert fill == WEIGHT_COLOURS[number_of % len(WEIGHT_COLOURS)].lower()
                if number_of < len(shared):
                    assert fill == shared[number_of]
                names.add(drawn[f"slice-{c}-{a}-{b}"].get_text().split("\n")[0])
                by_sign[bool(layer.kernel[0, c, a, b] > 0)].add(fill)
                chip = boxes[f"sum-{c}-{1 + 3 * (a * kw + b):02d}-0-chip"]
                assert hex_of(chip) == fill
                number_of += 1
    assert len(names) == layer.kernel[0].size  # every weight named, no name repeated
    assert all(len(fills) > 1 for fills in by_sign.values())  # not one colour per sign
    for i, j in np.ndindex(3, 3):
        assert hex_of(boxes[f"output-{i}-{j}-box"]) == to_hex(theme.output)
        assert hex_of(boxes[f"part-0-{i}-{j}-box"]) != to_hex(theme.output)
    for c in range(3):
        frame, corner = boxes[f"patch-{c}"], boxes[f"input-{c}-0-0-box"]
        assert (frame.get_x(), frame.get_y()) == pytest.approx((corner.get_x(), corner.get_y()))
        assert (frame.get_width(), frame.get_height()) == (2, 2)
        assert to_hex(frame.get_edgecolor()) == to_hex(theme.kernel)
        part_frame, part_corner = boxes[f"part-{c}-frame"], boxes[f"part-{c}-0-0-box"]
        assert part_frame.get_x() == pytest.approx(part_corner.get_x())
    # The stacks beside the table: one slice per channel, the kernel in kernel 1's colour.
    polygons = patches(fig, Polygon)
    assert {g for g in polygons if re.fullmatch(r"stack-kernel-\d-front", g)} == {
        f"stack-kernel-{s}-front" for s in range(3)
    }
    assert hex_of(polygons["stack-kernel-0-front"]) == to_hex(theme.weight_colour(0))


# ----------------------------------------------------------------------------------------
# many-filters
# ----------------------------------------------------------------------------------------


@THEMES
@pytest.mark.parametrize("out_channels", [2, 4])
def test_many_filters_one_map_per_kernel_stacked_into_the_volume(theme, out_channels):
    # Proves C_out kernels give C_out maps: each drawn map equals the loop convolution with
    # that kernel plus its bias, each kernel is a stack of C_in slices in its colour, the
    # output volume has one slice per map with map 1's numbers on its front, and its
    # shape label is the loop output's shape.
    data, fig = render("many-filters", theme, out_channels=out_channels)
    layer = examples.multichannel_example(out_channels=out_channels)
    expected = loop_conv(layer.image, layer.kernel, layer.bias)
    assert expected.shape[0] == out_channels
    drawn, polygons = texts(fig), patches(fig, Polygon)
    for k in range(out_channels):
        for (i, j), value in np.ndenumerate(expected[k]):
            assert drawn[f"map-{k}-{i}-{j}"].get_text() == number(value)
        slices = {g for g in polygons if re.fullmatch(rf"kernel-{k}-\d+-front", g)}
        assert len(slices) == layer.image.shape[0]
        assert hex_of(polygons[f"kernel-{k}-0-front"]) == to_hex(theme.weight_colour(k))
        assert drawn[f"kernel-{k}-title"].get_text().startswith(f"kernel {k + 1}, b = ")
        assert drawn[f"volume-label-{k}"].get_text() == f"map {k + 1}"
    for (i, j), value in np.ndenumerate(expected[0]):
        assert drawn[f"volume-value-{i}-{j}"].get_text() == number(value)
    volume_slices = {g for g in polygons if re.fullmatch(r"volume-\d+-front", g)}
    assert len(volume_slices) == out_channels
    # Both size labels channels first: the loop output's shape and the example input's.
    assert drawn["volume-size"].get_text().startswith(chw(expected.shape) + "\n")
    assert drawn["input-size"].get_text().startswith(chw(layer.image.shape) + "\n")
    assert layer.image.shape[0] != layer.image.shape[-1]  # the order is visible
    arrows = patches(fig, FancyArrowPatch)
    for part in ("to-kernel", "to-map", "to-volume"):
        assert sum(g.startswith(part) for g in arrows) == out_channels


def test_many_filters_stacks_are_drawn_back_to_front():
    # Proves the painter's order of a stack: deeper slices lie up and to the right and are
    # drawn underneath (lower z-order), so the front map hides the ones behind it.
    data, fig = render("many-filters", out_channels=4)
    polygons = patches(fig, Polygon)
    for prefix, count in (("volume", 4), ("input", 3), ("kernel-0", 3)):
        fronts = [polygons[f"{prefix}-{s}-front"] for s in range(count)]
        corners = np.array([vertices(p)[0] for p in fronts])
        steps = np.diff(corners, axis=0)
        assert np.all(steps[:, 0] > 0) and np.all(steps[:, 1] < 0)
        orders = [p.get_zorder() for p in fronts]
        assert orders == sorted(orders, reverse=True)


def test_many_filters_large_maps_are_drawn_without_numbers():
    # Proves large maps (9x9 input, 3x3 kernels: 7x7 maps by the loop count) are drawn
    # cell by cell without numbers, and the alt text says so while still giving them.
    params = {"height": 9, "width": 9, "kernel": 3, "in_channels": 2, "out_channels": 3}
    data, fig = render("many-filters", **params)
    layer = examples.multichannel_example(**params)
    expected = loop_conv(layer.image, layer.kernel, layer.bias)
    assert expected.shape == (3, 7, 7)
    drawn, boxes = texts(fig), patches(fig, Rectangle)
    assert not any(g.startswith("map-0-") and g[-1].isdigit() for g in drawn)
    assert sum(g.startswith("map-0-") and g.endswith("-box") for g in boxes) == 49
    alt = registry.get("many-filters").alt(data)
    assert "too large to number" in alt
    assert "; ".join(" ".join(number(v) for v in row) for row in expected[2]) in alt


# ----------------------------------------------------------------------------------------
# All three: parameters, words, legibility and reproducibility
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure_id", "overrides", "words"),
    [
        ("neuron-volume", {"kernels": 9}, ("kernels", "6", "9")),
        ("neuron-volume", {"size": 80}, ("size", "64", "80")),
        ("multichannel-kernel", {"in_channels": 5}, ("in_channels", "4", "5")),
        ("multichannel-kernel", {"kernel": 4, "height": 6, "width": 6}, ("kernel", "3", "4")),
        ("many-filters", {"out_channels": 7}, ("out_channels", "6", "7")),
    ],
)
def test_parameters_that_cannot_be_drawn_are_refused_in_one_sentence(figure_id, overrides, words):
    # Proves an undrawable layer stops early with one sentence naming the parameter, the
    # rule and the value given.
    assert_refused_in_one_sentence(figure_id, overrides, words)


def test_parameters_are_the_examples_keywords():
    # Proves the registry reads each figure's parameters from its example's signature
    # (not a functools.partial), so the CLI offers them with the running example's values.
    assert registry.get("neuron-volume").defaults == {
        "size": 32,
        "channels": 3,
        "field": 5,
        "kernels": 5,
        "seed": 0,
    }
    for figure_id in ("multichannel-kernel", "many-filters"):
        defaults = registry.get(figure_id).defaults
        assert defaults["in_channels"] == 3 and defaults["out_channels"] == 2


def test_alt_texts_and_captions_state_the_numbers():
    # Proves the words come from the computation: shapes, activations, the worked sum and
    # every map's rows appear in the alt texts, checked against the loop convolution.
    layer = examples.volume_example()
    spec = registry.get("neuron-volume")
    data = spec.data()
    row, col = data.position
    column = loop_conv(layer.image[:, row : row + 5, col : col + 5], layer.kernel, layer.bias)
    alt = spec.alt(data)
    for k in range(5):
        assert f"{number(column[k, 0, 0])} (kernel {k + 1})" in alt
    out = loop_conv(layer.image, layer.kernel, layer.bias)
    _, out_h, out_w = out.shape
    assert f"{out_h} high, {out_w} wide and {out.shape[0]} feature maps deep" in alt
    # Shapes are written channels first (C x H x W), as on every page of the site: the
    # shapes of the loop output, the example's input and one kernel, never retyped.
    caption = spec.caption(data)
    assert f"{flat(out.shape)} output volume" in caption
    assert f"{flat(layer.image.shape)} input volume" in caption
    assert f"kernels of {flat(layer.kernel.shape[1:])}" in caption
    assert chw(layer.kernel.shape[1:]) in alt

    small = examples.multichannel_example()
    whole = loop_conv(small.image, small.kernel, small.bias)
    spec = registry.get("multichannel-kernel")
    alt = spec.alt(spec.data())
    assert f"= {number(whole[0, 0, 0])}." in alt
    assert "; ".join(" ".join(number(v) for v in r) for r in whole[0]) in alt
    caption = spec.caption(spec.data())
    assert f"A {flat(small.kernel.shape[1:])} kernel (channels x height x width)" in caption
    assert f"on a {flat(small.image.shape)} input" in caption
    assert f"whole {flat(small.image.shape)} input" in alt
    spec = registry.get("many-filters")
    alt = spec.alt(spec.data())
    for k in range(2):
        assert "; ".join(" ".join(number(v) for v in r) for r in whole[k]) in alt
    caption = spec.caption(spec.data())
    assert f"kernels of {flat(small.kernel.shape[1:])} on a {flat(small.image.shape)}" in caption
    assert f"into a {flat(whole.shape)} output volume" in caption
    assert f"one {flat(small.kernel.shape)} tensor (C_out x C_in x k x k)" in caption
    assert f"output volume of {flat(whole.shape)}." in alt
    # Not one shape in the channels-last order anywhere in these words.
    for words in (caption, alt):
        assert flat((*whole.shape[1:], whole.shape[0])) not in words
        assert flat((*small.image.shape[1:], small.image.shape[0])) not in words


CASES = [
    ("neuron-volume", {}),
    ("neuron-volume", {"size": 12, "field": 3, "channels": 6, "kernels": 6}),
    ("multichannel-kernel", {}),
    ("multichannel-kernel", {"in_channels": 2, "kernel": 3, "height": 5, "width": 5}),
    ("many-filters", {}),
    ("many-filters", {"out_channels": 4}),
    ("many-filters", {"height": 9, "width": 9, "kernel": 3}),
]


@THEMES
@pytest.mark.parametrize(("figure_id", "overrides"), CASES)
def test_text_is_legible_unclipped_and_never_overlaps(figure_id, overrides, theme):
    # Proves what a reader would stumble on does not happen: no text under 9 pt, none
    # outside the canvas, and no two texts on top of each other (numbers, labels, titles),
    # at the defaults and with other parameters.
    _, fig = render(figure_id, theme, **overrides)
    assert_text_legible_unclipped_and_apart(fig)


# ----------------------------------------------------------------------------------------
# Laid out for where they are read (issue 11)
# ----------------------------------------------------------------------------------------


def _inches_box(fig, artist):
    """An artist's box in inches from the figure's bottom left."""
    renderer = fig.canvas.get_renderer()
    box = artist.get_window_extent(renderer)
    return box.x0 / fig.dpi, box.y0 / fig.dpi, box.x1 / fig.dpi, box.y1 / fig.dpi


def test_many_filters_volume_lies_under_the_maps_in_the_column_and_beside_them_on_a_slide():
    # Proves the layout follows the target: for the page the output volume's front lies
    # below the last map and the figure is at most 8.7 in wide with text of 10 pt or
    # more (11 CSS px in the 7.17 in column); for a 16:9 slide it lies right of every map.
    from diagram_gen import targets

    spec = registry.get("many-filters")
    data = spec.data()
    for target, below in ((None, True), (targets.SLIDES["16:9"], False)):
        fig = spec.draw(data, LIGHT, target=target)
        rects = patches(fig, Rectangle)
        maps = [
            _inches_box(fig, p) for g, p in rects.items() if re.fullmatch(r"map-\d-\d-\d-box", g)
        ]
        front = _inches_box(fig, patches(fig, Polygon)["volume-0-front"])
        if below:
            assert front[3] < min(m[1] for m in maps)  # y up: its top under the maps' bottom
            measure = targets.measure_figure(fig)
            assert measure.shown_in(targets.PAGE.width) >= 11 - 1e-6
        else:
            assert front[0] > max(m[2] for m in maps)


def test_neuron_volume_notes_stand_right_of_the_volumes_on_a_slide():
    # Proves the slide layout: the three notes start right of the depth column's label,
    # none under the volumes; in the page column they lie under the output volume.
    from diagram_gen import targets

    spec = registry.get("neuron-volume")
    data = spec.data()
    for target, beside in ((None, False), (targets.SLIDES["16:9"], True)):
        fig = spec.draw(data, LIGHT, target=target)
        drawn = texts(fig)
        column = _inches_box(fig, drawn["column-label"])
        output = _inches_box(fig, patches(fig, Polygon)["output-front"])
        for gid in ("input-title", "output-title", "map-label"):
            box = _inches_box(fig, drawn[gid])
            if beside:
                assert box[0] > column[2]
            else:
                assert box[3] < output[1]


def test_many_filters_parts_split_the_flow_at_the_maps_and_each_fits_a_4_3_slide():
    # Proves --part for a 4:3 slide: the kernels part draws the input, the kernels and the
    # maps with the loop convolution's numbers and no volume; the volume part draws the
    # same maps and the volume with map 1's numbers, and no input or kernel. Each alone
    # fills a 4:3 slide with no text under 12 pt, no two texts overlapping (for the
    # default two kernels: four rows of kernels are too tall for it).
    from diagram_gen import targets

    spec = registry.get("many-filters")
    data = spec.data()
    assert spec.part_names(data) == ["kernels", "volume"]
    layer = examples.multichannel_example()
    expected = loop_conv(layer.image, layer.kernel, layer.bias)
    slide = targets.SLIDES["4:3"]
    for part, absent in (("kernels", ("volume-", "to-volume")), ("volume", ("input", "kernel"))):
        fig = spec.draw(data, LIGHT, target=slide, part=part)
        drawn = texts(fig)
        gids = set(drawn) | set(patches(fig, Polygon)) | set(patches(fig, FancyArrowPatch))
        for k in range(expected.shape[0]):
            for (i, j), value in np.ndenumerate(expected[k]):
                assert drawn[f"map-{k}-{i}-{j}"].get_text() == number(value)
        assert not any(g.startswith(absent) for g in gids)
        if part == "volume":
            for (i, j), value in np.ndenumerate(expected[0]):
                assert drawn[f"volume-value-{i}-{j}"].get_text() == number(value)
        else:
            assert "input-size" in drawn and "kernel-0-title" in drawn
        assert_text_legible_unclipped_and_apart(fig)
        fitted = targets.fit_figure(fig, slide, figure_id="many-filters", parts=[])
        assert fitted.width <= 10 + 1e-6 and fitted.height <= 7.5 + 1e-6
        assert fitted.min_text >= 12 - 1e-6
