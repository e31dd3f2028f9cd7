"""The sliding-window, equation and zero-padding figures draw what the convolution computes.

Every test reads back what was drawn (texts, fill colours, line styles, the positions of
the cells and of the kernel's frame) and compares it with a convolution written out here
with explicit loops over the image, never with the code the figures call. The data come
from the running examples, which are the single source of the numbers.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
from figure_checks import (
    assert_refused_in_one_sentence,
    assert_text_legible_unclipped_and_apart,
    token_rows,
)
from matplotlib.colors import to_hex, to_rgba
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from diagram_gen import examples, registry, targets
from diagram_gen.style import DARK, LIGHT

MINUS = "\u2212"
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
IDS = ("conv-sliding", "conv-equations", "zero-padding-same")


# ----------------------------------------------------------------------------------------
# An independent reference and helpers to read the figures back
# ----------------------------------------------------------------------------------------


def loop_conv(image, kernel, bias, *, stride=1, pad=(0, 0, 0, 0), dilation=1):
    """Single-channel cross-correlation by explicit loops; ``pad`` is (top, left, bottom,
    right). Returns (output, windows) with windows[i, j] = list of (row, col) in the padded
    image, kernel row by kernel row."""
    top, left, bottom, right = pad
    height, width = image.shape
    padded = np.zeros((height + top + bottom, width + left + right))
    for r in range(height):
        for c in range(width):
            padded[r + top, c + left] = image[r, c]
    kh, kw = kernel.shape
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    out_h = (padded.shape[0] - span_h) // stride + 1
    out_w = (padded.shape[1] - span_w) // stride + 1
    out = np.zeros((out_h, out_w))
    windows = {}
    for i in range(out_h):
        for j in range(out_w):
            total = bias
            taps = []
            for a in range(kh):
                for b in range(kw):
                    r, c = i * stride + a * dilation, j * stride + b * dilation
                    total += kernel[a, b] * padded[r, c]
                    taps.append((r, c))
            out[i, j] = total
            windows[i, j] = taps
    return out, windows, padded


def number(value: float) -> str:
    """How a reader writes an integer, with a true minus sign."""
    return str(int(value)).replace("-", MINUS)


def render(figure_id, theme=LIGHT, **overrides):
    spec = registry.get(figure_id)
    data = spec.data(overrides)
    return data, spec.draw(data, theme)


def texts(fig) -> dict[str, Text]:
    return {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}


def boxes(fig) -> dict[str, Rectangle]:
    return {p.get_gid(): p for p in fig.findobj(Rectangle) if p.get_gid()}


def chip_tokens(fig, prefix: str) -> list[tuple[str, str, Rectangle]]:
    """(gid, text, chip) of every token with a chip behind it under ``prefix``."""
    all_boxes = boxes(fig)
    return [
        (gid, t.get_text(), all_boxes[f"{gid}-chip"])
        for gid, t in texts(fig).items()
        if gid.startswith(prefix) and f"{gid}-chip" in all_boxes
    ]


def cell_rect(box: Rectangle) -> tuple[float, float, float, float]:
    return box.get_x(), box.get_y(), box.get_x() + box.get_width(), box.get_y() + box.get_height()


def contrast(c1, c2) -> float:
    """WCAG contrast ratio of two colours."""

    def lum(c):
        ch = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in to_rgba(c)[:3]]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]

    hi, lo = sorted((lum(c1), lum(c2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


SMALL = examples.small_conv()
SMALL_IMAGE = SMALL.image[0]
SMALL_KERNEL = SMALL.kernel[0, 0]
SMALL_BIAS = float(SMALL.bias[0])


# ----------------------------------------------------------------------------------------
# conv-sliding
# ----------------------------------------------------------------------------------------


@THEMES
def test_sliding_draws_the_small_example_and_its_output(theme):
    # Proves the first row is the small example: the 3x3 image cell by cell, the kernel's
    # names and values (α β γ δ = 2 −1 1 3), the bias, and the 2x2 output of a loop conv.
    _, fig = render("conv-sliding", theme)
    drawn = texts(fig)
    for (r, c), value in np.ndenumerate(SMALL_IMAGE):
        assert drawn[f"image-{r}-{c}"].get_text() == number(value)
        assert drawn[f"image-{r}-{c}-name"].get_text() == f"x{r + 1}{c + 1}".translate(SUB)
    for (a, b), value in np.ndenumerate(SMALL_KERNEL):
        name = examples.GREEK_WEIGHT_NAMES[a * 2 + b]
        assert drawn[f"kernel-{a}-{b}"].get_text() == f"{name}\n{number(value)}"
    assert drawn["bias"].get_text() == number(SMALL_BIAS)
    expected, _, _ = loop_conv(SMALL_IMAGE, SMALL_KERNEL, SMALL_BIAS)
    assert expected.tolist() == [[18, 8], [2, 9]]
    for (i, j), value in np.ndenumerate(expected):
        assert drawn[f"output-{i}-{j}"].get_text() == number(value)


@THEMES
def test_sliding_frames_the_patch_under_the_kernel_at_each_placement(theme):
    # Proves each of the four panels frames exactly the 2x2 patch of its placement in the
    # kernel colour, marks the covered cells without colour too (thicker border, weight
    # name in the corner), and leaves every other cell unmarked.
    _, fig = render("conv-sliding", theme)
    all_boxes, drawn = boxes(fig), texts(fig)
    _, windows, _ = loop_conv(SMALL_IMAGE, SMALL_KERNEL, SMALL_BIAS)
    for p, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        taps = windows[i, j]
        frame = all_boxes[f"placement-{p}-patch"]
        assert to_hex(frame.get_edgecolor()) == to_hex(theme.kernel)
        assert frame.get_linewidth() >= 3 and not frame.get_fill()
        first = cell_rect(all_boxes[f"placement-{p}-cell-{taps[0][0]}-{taps[0][1]}-box"])
        last = cell_rect(all_boxes[f"placement-{p}-cell-{taps[-1][0]}-{taps[-1][1]}-box"])
        assert cell_rect(frame) == pytest.approx((first[0], first[1], last[2], last[3]))
        for r in range(3):
            for c in range(3):
                box = all_boxes[f"placement-{p}-cell-{r}-{c}-box"]
                assert drawn[f"placement-{p}-cell-{r}-{c}"].get_text() == number(SMALL_IMAGE[r, c])
                if (r, c) in taps:
                    assert box.get_linewidth() > 2
                else:
                    assert box.get_linewidth() < 2
        for k, (r, c) in enumerate(taps):
            label = drawn[f"placement-{p}-tap-{k // 2}-{k % 2}"]
            assert label.get_text() == examples.GREEK_WEIGHT_NAMES[k]
            x0, y0, x1, y1 = cell_rect(all_boxes[f"placement-{p}-cell-{r}-{c}-box"])
            x, y = label.get_position()
            assert x0 < x < x1 and y0 < y < y1


@THEMES
def test_sliding_writes_each_sum_and_puts_the_result_in_its_output_cell(theme):
    # Proves the sum under each panel is the kernel's weights times the patch, plus b,
    # equal to the loop result (e.g. 2·3 + −1·1 + 1·0 + 3·4 + 1 = 18), and that the result
    # is drawn in the output grid at the placement's row and column.
    _, fig = render("conv-sliding", theme)
    all_boxes, drawn = boxes(fig), texts(fig)
    expected, windows, padded = loop_conv(SMALL_IMAGE, SMALL_KERNEL, SMALL_BIAS)
    for p, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        terms = [
            f"{number(SMALL_KERNEL[k // 2, k % 2])}·{number(padded[r, c])}"
            for k, (r, c) in enumerate(windows[i, j])
        ]
        written = "+".join([*terms, number(SMALL_BIAS)]) + f"={number(expected[i, j])}"
        assert token_rows(fig, f"sum-{p}") == [written]
        assert drawn[f"result-{p}"].get_text() == number(expected[i, j])
        grid = [b for gid, b in all_boxes.items() if gid.startswith(f"result-{p}-")]
        grid = [b for b in grid if b.get_gid() != f"result-{p}-frame"]
        assert len(grid) == 4
        x0 = min(b.get_x() for b in grid)
        y0 = min(b.get_y() for b in grid)
        result = all_boxes[f"result-{p}-box"]
        assert (result.get_x() - x0, result.get_y() - y0) == pytest.approx((j, i))
        assert to_hex(result.get_facecolor()) == to_hex(theme.output)


def test_sliding_and_equation_results_equal_the_conv_matrix_outputs():
    # Proves the three views of page 3 agree: the four results written by the sliding
    # panels and by the equations are the outputs y of the conv-matrix figure, in order.
    _, matrix_fig = render("conv-matrix")
    matrix_y = [texts(matrix_fig)[f"y-{i}"].get_text() for i in range(4)]
    _, sliding_fig = render("conv-sliding")
    assert [texts(sliding_fig)[f"result-{p}"].get_text() for p in range(4)] == matrix_y
    _, equations_fig = render("conv-equations")
    assert [token_rows(equations_fig, f"equation-{p}-num")[0].split("=")[-1] for p in range(4)] == (
        matrix_y
    )


def test_sliding_with_readers_parameters_limits_the_panels_and_says_so():
    # Proves a 4x5 image with a 3x3 kernel (6 placements) draws 4 panels whose sums and
    # results match the loop conv, with the sums wrapped one kernel row a line, and that
    # the alt text says only 4 of the 6 placements are drawn.
    params = {"height": 4, "width": 5, "kernel": 3, "stride": 1}
    data, fig = render("conv-sliding", **params)
    layer = examples.conv_example(**params)
    image, kernel, bias = layer.image[0], layer.kernel[0, 0], float(layer.bias[0])
    expected, windows, padded = loop_conv(image, kernel, bias)
    assert expected.shape == (2, 3)
    drawn = texts(fig)
    panels = sorted(
        int(m.group(1)) for g in drawn if (m := re.fullmatch(r"placement-(\d+)-title", g))
    )
    assert len(panels) == 4
    for p in panels:
        i, j = divmod(p, 3)
        assert drawn[f"result-{p}"].get_text() == number(expected[i, j])
        rows = token_rows(fig, f"sum-{p}")
        assert len(rows) == 3  # one line per kernel row
        products = re.findall(r"(−?\d+)·\(?(−?\d+)\)?", "".join(rows))
        want = [
            (number(kernel[k // 3, k % 3]), number(padded[r, c]))
            for k, (r, c) in enumerate(windows[i, j])
        ]
        assert products == want
        assert rows[-1].endswith(f"={number(expected[i, j])}")
    for (r, c), value in np.ndenumerate(image):
        assert drawn[f"image-{r}-{c}"].get_text() == number(value)
    alt = registry.get("conv-sliding").alt(data)
    assert "Only 4 of the 6 placements are drawn" in alt


@THEMES
def test_sliding_with_padding_and_stride_draws_the_zeros_apart(theme):
    # Proves padding 1 with stride 2 on a 4x4 image: the panels show the 6x6 padded grid
    # whose ring is the theme's zero grey, written 0, dashed where the kernel is not, and
    # the results and frames follow the stride (loop conv with the same padding).
    params = {"height": 4, "width": 4, "kernel": 3, "stride": 2, "padding": 1}
    _, fig = render("conv-sliding", theme, **params)
    layer = examples.conv_example(**params)
    image, kernel, bias = layer.image[0], layer.kernel[0, 0], float(layer.bias[0])
    expected, windows, padded = loop_conv(image, kernel, bias, stride=2, pad=(1, 1, 1, 1))
    assert expected.shape == (2, 2)
    all_boxes, drawn = boxes(fig), texts(fig)
    for p, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        assert drawn[f"result-{p}"].get_text() == number(expected[i, j])
        taps = set(windows[i, j])
        for r in range(6):
            for c in range(6):
                ring = r in (0, 5) or c in (0, 5)
                box = all_boxes[f"placement-{p}-cell-{r}-{c}-box"]
                fill = theme.zero if ring else theme.input
                assert to_hex(box.get_facecolor()) == to_hex(fill)
                assert drawn[f"placement-{p}-cell-{r}-{c}"].get_text() == number(padded[r, c])
                if ring and (r, c) not in taps:
                    assert box.get_linestyle() == "--"
        top_left = cell_rect(all_boxes[f"placement-{p}-cell-{2 * i}-{2 * j}-box"])
        assert cell_rect(all_boxes[f"placement-{p}-patch"])[:2] == pytest.approx(top_left[:2])


@pytest.mark.parametrize(
    ("figure_id", "overrides", "words"),
    [
        ("conv-sliding", {"in_channels": 3}, ("in_channels", "no parameter")),
        ("conv-equations", {"out_channels": 2}, ("out_channels", "no parameter")),
        ("conv-sliding", {"height": 9, "width": 4}, ("height", "at most 7", "9")),
        ("zero-padding-same", {"width": 6}, ("width", "at most 7", "6 plus 2")),
        ("conv-equations", {"height": 8, "width": 8, "kernel": 6}, ("kernel", "at most 5", "6")),
    ],
)
def test_parameters_that_cannot_be_drawn_are_refused_in_one_sentence(figure_id, overrides, words):
    # Proves an undrawable layer stops early with one sentence naming the parameter, the
    # rule and the value given.
    assert_refused_in_one_sentence(figure_id, overrides, words)


def test_sliding_alt_text_states_the_image_weights_and_the_four_sums():
    # Proves the alt text is written from the numbers: the image rows, the named weights,
    # and each placement's sum with its result (checked against the loop conv).
    spec = registry.get("conv-sliding")
    alt = spec.alt(spec.data())
    assert "3 1 2; 0 4 1; 2 1 0" in alt
    assert "α = 2, β = −1, γ = 1, δ = 3" in alt and "b = 1" in alt
    expected, windows, padded = loop_conv(SMALL_IMAGE, SMALL_KERNEL, SMALL_BIAS)
    for i, j in np.ndindex(2, 2):
        terms = []
        for k, (r, c) in enumerate(windows[i, j]):
            w = SMALL_KERNEL[k // 2, k % 2]
            weight = f"({number(w)})" if w < 0 else number(w)
            terms.append(f"{weight}·{number(padded[r, c])}")
        written = " + ".join([*terms, number(SMALL_BIAS)]) + f" = {number(expected[i, j])}"
        assert written in alt
    assert "2·3 + (−1)·1 + 1·0 + 3·4 + 1 = 18" in alt


# ----------------------------------------------------------------------------------------
# conv-equations
# ----------------------------------------------------------------------------------------


@THEMES
def test_equations_write_each_output_with_names_then_numbers(theme):
    # Proves the four equations are y_ij = α·x.. + β·x.. + γ·x.. + δ·x.. + b with the
    # pixels of each patch, and under each the same sum in numbers with the loop result.
    _, fig = render("conv-equations", theme)
    expected, windows, padded = loop_conv(SMALL_IMAGE, SMALL_KERNEL, SMALL_BIAS)
    for p, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        names = [
            f"{examples.GREEK_WEIGHT_NAMES[k]}·x{r + 1}{c + 1}".translate(SUB)
            for k, (r, c) in enumerate(windows[i, j])
        ]
        symbolic = f"y{i + 1}{j + 1}".translate(SUB) + "=" + "+".join([*names, "b"])
        assert token_rows(fig, f"equation-{p}-sym") == [symbolic]
        numbers = [
            f"{number(SMALL_KERNEL[k // 2, k % 2])}·{number(padded[r, c])}"
            for k, (r, c) in enumerate(windows[i, j])
        ]
        numeric = "=" + "+".join([*numbers, number(SMALL_BIAS)]) + f"={number(expected[i, j])}"
        assert token_rows(fig, f"equation-{p}-num") == [numeric]


@THEMES
def test_equations_show_sharing_by_colour_and_by_name(theme):
    # Proves shared weights are visible both ways: every chip holding α (or its value 2)
    # has α's colour, four different colours for four weights, each weight's chips in one
    # column across all equations, and the bias an outlined chip (no weight colour) in
    # all eight rows; text on every chip keeps a contrast of at least 4.5.
    _, fig = render("conv-equations", theme)
    names = examples.GREEK_WEIGHT_NAMES
    values = [number(v) for v in SMALL_KERNEL.ravel()]
    colours: dict[int, set] = {k: set() for k in range(4)}
    columns: dict[int, set] = {k: set() for k in range(4)}
    bias_chips = 0
    drawn = texts(fig)
    for gid, text, chip in chip_tokens(fig, "equation-"):
        fill = to_hex(chip.get_facecolor())
        label = drawn[gid]
        if "-sym-" in gid and text in names:
            k = names.index(text)
        elif "-num-" in gid and text in values and fill != to_hex(theme.output):
            k = values.index(text)
            if fill == to_hex(theme.background):  # the bias 1 equals γ's value 1
                bias_chips += 1
                continue
        elif text == "b":
            assert fill == to_hex(theme.background)
            assert to_hex(chip.get_edgecolor()) == to_hex(theme.foreground)
            bias_chips += 1
            continue
        else:
            assert fill == to_hex(theme.output)  # the result
            continue
        colours[k].add(fill)
        columns[k].add(round(chip.get_x(), 6))
        assert contrast(label.get_color(), fill) >= 4.5
    assert all(len(c) == 1 for c in colours.values())
    assert [to_hex(theme.weight_colour(k)) for k in range(4)] == [
        colours[k].pop() for k in range(4)
    ]
    assert all(len(c) == 1 for c in columns.values())
    assert bias_chips == 8


def test_equations_with_padding_mark_the_padding_zeros():
    # Proves that with "same" padding on a 4x4 image and a 3x3 kernel, each drawn
    # equation has one muted ·0 per tap on the padding (counted by loops), in both its
    # rows, and that the note explains them.
    params = {"height": 4, "width": 4, "kernel": 3, "padding": "same"}
    data, fig = render("conv-equations", **params)
    layer = examples.conv_example(**params)
    expected, windows, _ = loop_conv(
        layer.image[0], layer.kernel[0, 0], float(layer.bias[0]), pad=(1, 1, 1, 1)
    )
    drawn = texts(fig)
    shown = sorted({int(m.group(1)) for g in drawn if (m := re.match(r"equation-(\d+)-sym-", g))})
    assert len(shown) == 4
    for p in shown:
        i, j = divmod(p, 4)
        on_padding = sum(1 for r, c in windows[i, j] if r in (0, 5) or c in (0, 5))
        for part in ("sym", "num"):
            muted = [
                t
                for g, t in drawn.items()
                if g.startswith(f"equation-{p}-{part}-")
                and to_hex(t.get_color()) == to_hex(LIGHT.zero_text)
            ]
            assert len(muted) == on_padding
            assert all(t.get_text() == "·0" for t in muted)
        assert token_rows(fig, f"equation-{p}-num")[-1].endswith(f"={number(expected[i, j])}")
    assert any("padding zero" in t.get_text() for g, t in drawn.items() if g.startswith("note"))
    assert "4 of the 16 equations" in registry.get("conv-equations").alt(data)


def test_equations_alt_text_states_every_equation_with_its_numbers():
    # Proves the alt text gives each equation with names and with numbers and the result.
    spec = registry.get("conv-equations")
    alt = spec.alt(spec.data())
    assert "y₁₁ = α·x₁₁ + β·x₁₂ + γ·x₂₁ + δ·x₂₂ + b" in alt
    assert "y₂₂ = α·x₂₂ + β·x₂₃ + γ·x₃₂ + δ·x₃₃ + b" in alt
    assert "2·4 + (−1)·1 + 1·1 + 3·0 + 1 = 9" in alt
    assert "b = 1" in alt


# ----------------------------------------------------------------------------------------
# zero-padding-same
# ----------------------------------------------------------------------------------------


def test_padding_example_is_seeded_and_its_parameters_are_in_the_signature():
    # Proves the registry sees the figure's parameters (not a functools.partial) and
    # that the example is a seeded 3x3 kernel with "same" padding, the same every time.
    spec = registry.get("zero-padding-same")
    assert spec.defaults == {"height": 3, "width": 3, "kernel": 3, "seed": 2}
    assert not inspect.isclass(spec.example)
    first, second = spec.example(), spec.example()
    assert first.padding == "same" and first.kernel.shape == (1, 1, 3, 3)
    np.testing.assert_array_equal(first.kernel, second.kernel)
    np.testing.assert_array_equal(first.image, second.image)
    assert first.weight_names[0] == "w₁₁" and first.weight_names[-1] == "w₃₃"


@THEMES
def test_zero_padding_draws_the_ring_of_zeros_and_a_same_size_output(theme):
    # Proves the padded 5x5 grid has the image inside and a ring of zeros that differs
    # without colour too (written 0, dashed), and that the drawn output is 3x3, equal to
    # a loop conv over the zero-padded image.
    data, fig = render("zero-padding-same", theme)
    layer = registry.get("zero-padding-same").example()
    image, kernel, bias = layer.image[0], layer.kernel[0, 0], float(layer.bias[0])
    expected, _, _ = loop_conv(image, kernel, bias, pad=(1, 1, 1, 1))
    assert expected.shape == image.shape == (3, 3)
    all_boxes, drawn = boxes(fig), texts(fig)
    for r in range(5):
        for c in range(5):
            box = all_boxes[f"padded-{r}-{c}-box"]
            text = drawn[f"padded-{r}-{c}"]
            if r in (0, 4) or c in (0, 4):
                assert text.get_text() == "0"
                assert to_hex(box.get_facecolor()) == to_hex(theme.zero)
                assert box.get_linestyle() == "--"
                assert to_hex(text.get_color()) == to_hex(theme.zero_text)
            else:
                assert text.get_text() == number(image[r - 1, c - 1])
                assert to_hex(box.get_facecolor()) == to_hex(theme.input)
                assert box.get_linestyle() == "-"
    for (i, j), value in np.ndenumerate(expected):
        assert drawn[f"output-{i}-{j}"].get_text() == number(value)
    for (a, b), value in np.ndenumerate(kernel):
        assert drawn[f"kernel-{a}-{b}"].get_text() == f"w{a + 1}{b + 1}".translate(SUB) + (
            f"\n{number(value)}"
        )


def test_zero_padding_shows_a_corner_on_the_zeros_and_the_centre_without():
    # Proves the two panels are the top-left corner (5 of 9 weights on zeros, framed at
    # the padded grid's corner) and the centre (framed on the image), each with its loop
    # result, and that the summary says the unpadded output would be 1x1.
    data, fig = render("zero-padding-same")
    layer = registry.get("zero-padding-same").example()
    expected, windows, padded = loop_conv(
        layer.image[0], layer.kernel[0, 0], float(layer.bias[0]), pad=(1, 1, 1, 1)
    )
    all_boxes, drawn = boxes(fig), texts(fig)
    for p, (i, j), top_left, on_zeros in ((0, (0, 0), (0, 0), 5), (4, (1, 1), (1, 1), 0)):
        assert drawn[f"result-{p}"].get_text() == number(expected[i, j])
        assert sum(1 for r, c in windows[i, j] if r in (0, 4) or c in (0, 4)) == on_zeros
        corner = cell_rect(all_boxes[f"placement-{p}-cell-{top_left[0]}-{top_left[1]}-box"])
        assert cell_rect(all_boxes[f"placement-{p}-patch"])[:2] == pytest.approx(corner[:2])
        assert all_boxes[f"placement-{p}-patch"].get_width() == pytest.approx(3)
        products = re.findall(r"(−?\d+)·\(?(−?\d+)\)?", "".join(token_rows(fig, f"sum-{p}")))
        assert [x for _, x in products] == [number(padded[r, c]) for r, c in windows[i, j]]
    assert "placement-1-title" not in drawn  # only the corner and the centre
    assert "5 of 9 weights on zeros" in drawn["placement-0-title"].get_text()
    # Without padding a 3x3 kernel fits a 3x3 image (3 - 3 + 1) = 1 time each way.
    assert "fits only once, an output of 1x1" in drawn["summary"].get_text()
    alt = registry.get("zero-padding-same").alt(data)
    assert "; ".join(" ".join(number(v) for v in row) for row in expected) in alt


def test_zero_padding_with_an_even_kernel_shows_the_padded_corner():
    # Proves "same" padding for a 2x2 kernel is one-sided (zeros only at the bottom and
    # right, as PyTorch pads) and the corner panel is then the bottom-right one.
    data, fig = render("zero-padding-same", kernel=2, height=3, width=4)
    drawn = texts(fig)
    ring = {(r, c) for r in range(4) for c in range(5) if r == 3 or c == 4}
    for r in range(4):
        for c in range(5):
            zero = drawn[f"padded-{r}-{c}"].get_text() == "0"
            if (r, c) in ring:
                assert zero
    layer = examples.conv_example(height=3, width=4, kernel=2, padding="same")
    expected, _, _ = loop_conv(
        layer.image[0], layer.kernel[0, 0], float(layer.bias[0]), pad=(0, 0, 1, 1)
    )
    assert expected.shape == (3, 4)
    last = 3 * 4 - 1
    assert drawn[f"result-{last}"].get_text() == number(expected[2, 3])


@THEMES
def test_zero_padding_parts_are_its_pieces_and_panels_each_fitting_a_slide(theme):
    # Proves the parts a slide shows one at a time are pieces of the page figure, not
    # other drawings: each part's texts are the page figure's texts with the same gids
    # and words, the parts together hold every text of the page figure, no part holds
    # another part's grid, and each fits both slides with no text under 12 pt.
    spec = registry.get("zero-padding-same")
    data = spec.data({})
    page = {g: t.get_text() for g, t in texts(spec.draw(data, theme)).items()}
    assert spec.part_names(data) == ["pieces", "corner", "centre"]
    seen: dict[str, str] = {}
    for part, own, other in (
        ("pieces", "padded-", "placement-"),
        ("corner", "placement-0-", "padded-"),
        ("centre", "placement-4-", "placement-0-"),
    ):
        fig = spec.draw(data, theme, part=part)
        drawn = {g: t.get_text() for g, t in texts(fig).items()}
        assert drawn.items() <= page.items()
        assert any(g.startswith(own) for g in drawn)
        assert not any(g.startswith(other) for g in drawn)
        seen |= drawn
        assert_text_legible_unclipped_and_apart(fig)
        for slide in ("16:9", "4:3"):
            fitted = targets.fit_figure(
                spec.draw(data, theme, part=part), targets.SLIDES[slide],
                figure_id="zero-padding-same", parts=[],
            )  # fmt: skip
            assert fitted.min_text >= 12 - 1e-6
    assert seen == page


@THEMES
def test_sliding_on_a_slide_puts_the_pieces_beside_the_same_panels_and_fits(theme):
    # Proves the slide layout is a rearrangement, not another figure: every text of the
    # page layout is drawn with the same words, the image stands left of every placement
    # panel instead of above it, and the result fills a 16:9 slide with no text under
    # 12 pt (what --slide 16:9 must give) without overlaps.
    spec = registry.get("conv-sliding")
    data = spec.data({})
    page = spec.draw(data, theme)
    slide = spec.draw(data, theme, target=targets.SLIDES["16:9"])
    assert {g: t.get_text() for g, t in texts(slide).items()} == {
        g: t.get_text() for g, t in texts(page).items()
    }
    for fig, beside in ((page, False), (slide, True)):
        cells = boxes(fig)
        image_right = max(cell_rect(b)[2] for g, b in cells.items() if g.startswith("image-"))
        image_bottom = max(cell_rect(b)[3] for g, b in cells.items() if g.startswith("image-"))
        panel = [cell_rect(b) for g, b in cells.items() if g.startswith("placement-")]
        if beside:
            assert image_right < min(r[0] for r in panel)
        else:
            assert image_bottom < min(r[1] for r in panel)
    assert_text_legible_unclipped_and_apart(slide)
    fitted = targets.fit_figure(slide, targets.SLIDES["16:9"], figure_id="conv-sliding", parts=[])
    assert fitted.width <= 13.333 + 1e-6 and fitted.height <= 7.5 + 1e-6
    assert fitted.min_text >= 12 - 1e-6


@THEMES
def test_sliding_parts_split_the_page_figure_and_each_fits_a_4_3_slide(theme):
    # Proves --part for a 4:3 slide: the pieces part and the placements part together
    # draw every text of the page figure with the same words (the summary in both), the
    # pieces part has no placement panel and the placements part no image, and each
    # alone fills a 4:3 slide with no text under 12 pt and no overlaps.
    spec = registry.get("conv-sliding")
    data = spec.data({})
    assert spec.part_names(data) == ["pieces", "placements"]
    page = {g: t.get_text() for g, t in texts(spec.draw(data, theme)).items()}
    drawn = {}
    for part in ("pieces", "placements"):
        fig = spec.draw(data, theme, target=targets.SLIDES["4:3"], part=part)
        words = {g: t.get_text() for g, t in texts(fig).items()}
        assert words["summary"] == page["summary"]
        has_image = any(g.startswith("image-") for g in words)
        has_panels = any(g.startswith("placement-") for g in words)
        assert (has_image, has_panels) == ((True, False) if part == "pieces" else (False, True))
        drawn.update(words)
        assert_text_legible_unclipped_and_apart(fig)
        fitted = targets.fit_figure(fig, targets.SLIDES["4:3"], figure_id="conv-sliding", parts=[])
        assert fitted.width <= 10 + 1e-6 and fitted.height <= 7.5 + 1e-6
        assert fitted.min_text >= 12 - 1e-6
    assert drawn == page


# ----------------------------------------------------------------------------------------
# All three: legibility and reproducibility
# ----------------------------------------------------------------------------------------

CASES = [
    ("conv-sliding", {}),
    ("conv-sliding", {"height": 4, "width": 5, "kernel": 3, "stride": 1}),
    ("conv-sliding", {"height": 5, "width": 5, "kernel": 2, "dilation": 2}),
    ("conv-equations", {}),
    ("conv-equations", {"height": 6, "width": 6, "kernel": 3, "padding": "same"}),
    ("zero-padding-same", {}),
    ("zero-padding-same", {"kernel": 5}),
]


@THEMES
@pytest.mark.parametrize(("figure_id", "overrides"), CASES)
def test_text_is_legible_unclipped_and_never_overlaps(figure_id, overrides, theme):
    # Proves what a reader would stumble on does not happen: no text under 9 pt, none
    # outside the canvas, and no two texts on top of each other (numbers, corner names,
    # titles, sums), at the defaults and with other parameters.
    _, fig = render(figure_id, theme, **overrides)
    assert_text_legible_unclipped_and_apart(fig)
