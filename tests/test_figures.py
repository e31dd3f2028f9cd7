"""The figures draw what the layer math computed.

Each test reads back what was drawn (the texts of the cells, their fill colours, the pixels
of an image) and compares it with a computation made here independently of the drawing
code: plain loops over the running examples, not the functions the figures call.
"""

from __future__ import annotations

import graphviz
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgba
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from diagram_gen import examples, registry
from diagram_gen.figures import _matrix
from diagram_gen.style import DARK, LIGHT, THEMES, WEIGHT_COLOURS

MINUS = "\u2212"


def drawn_texts(fig) -> dict[str, str]:
    """gid -> text of every text artist that has a gid."""
    return {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}


def drawn_boxes(fig) -> dict[str, Rectangle]:
    return {p.get_gid(): p for p in fig.findobj(Rectangle) if p.get_gid()}


def parse_number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def naive_conv2d(image: np.ndarray, kernel: np.ndarray, bias: float) -> np.ndarray:
    """Single-channel cross-correlation, stride 1, no padding, by explicit loops."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            total = bias
            for a in range(kh):
                for b in range(kw):
                    total += image[i + a, j + b] * kernel[a, b]
            out[i, j] = total
    return out


def render(figure_id: str, theme=LIGHT, **overrides):
    spec = registry.get(figure_id)
    data = spec.data(overrides)
    return data, spec.draw(data, theme)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_fc_matrix_cells_inputs_and_outputs_are_the_layer(theme):
    # Proves every drawn number is the example's: W cell by cell, x above, b and y beside,
    # with y checked against a sum written out here, not the package's dense().
    data, fig = render("fc-matrix", theme)
    layer = examples.fully_connected()
    texts = drawn_texts(fig)
    rows, cols = layer.weights.shape
    assert (rows, cols) == (4, 9)
    for i in range(rows):
        for j in range(cols):
            assert parse_number(texts[f"m-{i}-{j}"]) == pytest.approx(layer.weights[i, j])
    assert [parse_number(texts[f"x-{j}"]) for j in range(cols)] == list(layer.x)
    expected_y = [
        sum(layer.weights[i, j] * layer.x[j] for j in range(cols)) + layer.bias[i]
        for i in range(rows)
    ]
    drawn_y = [parse_number(texts[f"y-{i}"]) for i in range(rows)]
    np.testing.assert_allclose(drawn_y, np.round(expected_y, 2), atol=1e-9)
    assert [parse_number(texts[f"b-{i}"]) for i in range(rows)] == list(layer.bias)
    # The nine inputs are the small example's image, read row by row.
    assert list(layer.x) == list(examples.small_conv().image.ravel())


def test_fc_matrix_colour_follows_sign_and_text_reads_on_it():
    # Proves colour encodes the sign (blue positive, orange negative) and the label keeps
    # enough contrast, so the colour only repeats what the number says.
    data, fig = render("fc-matrix")
    boxes, texts = drawn_boxes(fig), {t.get_gid(): t for t in fig.findobj(Text)}
    for (i, j), w in np.ndenumerate(data.layer.weights):
        r, g, b, _ = boxes[f"m-{i}-{j}-box"].get_facecolor()
        assert (b > r) if w > 0 else (r > b), (i, j, w)
        label = to_rgba(texts[f"m-{i}-{j}"].get_color())
        assert contrast(label, (r, g, b, 1)) >= 3.0


def contrast(c1, c2) -> float:
    """WCAG contrast ratio of two colours."""

    def lum(c):
        ch = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c[:3]]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]

    hi, lo = sorted((lum(c1), lum(c2)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def expected_small_matrix() -> tuple[np.ndarray, np.ndarray]:
    """The 4x9 matrix of the small example and its weight names, built by hand here."""
    example = examples.small_conv()
    kernel = example.kernel[0, 0]
    matrix = np.zeros((4, 9))
    names = np.full((4, 9), "", dtype=object)
    for row, (i, j) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        for a in range(2):
            for b in range(2):
                col = (i + a) * 3 + (j + b)
                matrix[row, col] = kernel[a, b]
                names[row, col] = examples.GREEK_WEIGHT_NAMES[a * 2 + b]
    return matrix, names


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_conv_matrix_draws_the_small_example(theme):
    # Proves the drawn 4x9 matrix is the hand-built one: names and values in the weight
    # cells, "0" in the 20 others, x above, the shared bias, and y equal to a loop conv.
    data, fig = render("conv-matrix", theme)
    example = examples.small_conv()
    matrix, names = expected_small_matrix()
    texts = drawn_texts(fig)
    zeros = 0
    for (i, j), value in np.ndenumerate(matrix):
        text = texts[f"m-{i}-{j}"]
        if names[i, j]:
            name, number = text.split("\n")
            assert name == names[i, j] and parse_number(number) == value
        else:
            assert text == "0"
            zeros += 1
    assert zeros == 20
    assert [parse_number(texts[f"x-{j}"]) for j in range(9)] == list(example.image.ravel())
    assert {texts[f"b-{i}"] for i in range(4)} == {str(int(example.bias[0]))}
    expected = naive_conv2d(example.image[0], example.kernel[0, 0], example.bias[0]).ravel()
    assert [parse_number(texts[f"y-{i}"]) for i in range(4)] == list(expected)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_conv_matrix_colours_shared_weights_alike_and_zeros_grey(theme):
    # Proves colour means what the legend says: one colour per weight name, four distinct
    # colours, the theme's zero grey for every untrainable zero, and a dashed outline too.
    data, fig = render("conv-matrix", theme)
    _, names = expected_small_matrix()
    boxes = drawn_boxes(fig)
    colour_of: dict[str, str] = {}
    for (i, j), name in np.ndenumerate(names):
        box = boxes[f"m-{i}-{j}-box"]
        fill = to_hex(box.get_facecolor())
        if name:
            assert colour_of.setdefault(name, fill) == fill
            assert box.get_linestyle() == "-"
        else:
            assert fill == to_hex(theme.zero)
            assert box.get_linestyle() == "--"
    assert len(set(colour_of.values())) == 4
    assert to_hex(theme.zero) not in colour_of.values()


def test_conv_matrix_with_readers_parameters_matches_the_matrix_identity(rng):
    # Proves a custom figure (channels, stride, padding) still draws the layer: the drawn
    # cells reassembled into a matrix, times x, plus b, equal the drawn outputs.
    data, fig = render(
        "conv-matrix",
        in_channels=2,
        out_channels=2,
        height=4,
        width=4,
        kernel=3,
        padding=1,
        stride=2,
    )
    texts = drawn_texts(fig)
    rows, cols = data.shape
    drawn = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            text = texts[f"m-{i}-{j}"]
            drawn[i, j] = 0 if text == "0" else parse_number(text.split("\n")[1])
    x = np.array([parse_number(texts[f"x-{j}"]) for j in range(cols)])
    bias = np.array([parse_number(texts[f"b-{i}"]) for i in range(rows)])
    y = np.array([parse_number(texts[f"y-{i}"]) for i in range(rows)])
    np.testing.assert_allclose(drawn @ x + bias, y, atol=1e-9)
    assert (rows, cols) == (2 * 2 * 2, 2 * 4 * 4)


def test_large_conv_matrix_is_an_image_of_the_structure():
    # Proves the 1024x1024 matrix (32x32 input, 3x3 kernel, same padding) is drawn as an
    # image whose pixels are grey exactly where the matrix is structurally zero and carry
    # one colour per kernel weight elsewhere (checked against a loop over placements).
    data, fig = render("conv-matrix", height=32, width=32, kernel=3, padding="same")
    images = [a for a in fig.findobj(AxesImage)]
    assert len(images) == 1
    pixels = np.asarray(images[0].get_array())
    assert pixels.shape[:2] == (1024, 1024)
    expected = np.full((1024, 1024), -1)
    for i in range(32):
        for j in range(32):
            for a in range(3):
                for b in range(3):
                    r, c = i + a - 1, j + b - 1
                    if 0 <= r < 32 and 0 <= c < 32:
                        expected[i * 32 + j, r * 32 + c] = a * 3 + b
    grey = np.array(to_rgba(LIGHT.zero))
    is_grey = np.all(np.isclose(pixels, grey), axis=-1)
    np.testing.assert_array_equal(is_grey, expected < 0)
    for k in range(9):
        colour = np.array(to_rgba(WEIGHT_COLOURS[k % len(WEIGHT_COLOURS)]))
        assert np.all(np.isclose(pixels[expected == k], colour))
    assert "too large to label" in registry.get("conv-matrix").alt(data)


def test_alt_text_states_the_numbers():
    # Proves the alt text is written from the computation: the outputs, the count of
    # zeros and the weights appear in it.
    spec = registry.get("conv-matrix")
    data = spec.data()
    alt = spec.alt(data)
    example = examples.small_conv()
    y = naive_conv2d(example.image[0], example.kernel[0, 0], example.bias[0]).ravel()
    assert "(" + ", ".join(_matrix.format_number(v) for v in y) + ")" in alt
    assert "20 are untrainable zeros" in alt
    for name in examples.GREEK_WEIGHT_NAMES:
        assert f"{name} = " in alt
    fc = registry.get("fc-matrix")
    assert "36 weights and 4 biases, 40 parameters" in fc.alt(fc.data())


@pytest.mark.parametrize("theme", THEMES.values(), ids=lambda t: t.name)
@pytest.mark.parametrize("figure_id", list(registry.FIGURES))
def test_every_figure_has_the_theme_background_and_no_clipped_text(figure_id, theme):
    # Proves each figure is drawn for its theme and that no text runs off the canvas
    # (a Graphviz figure is laid out by dot, which sizes the canvas to fit its labels).
    _, fig = render(figure_id, theme)
    if isinstance(fig, graphviz.Digraph):
        assert f'bgcolor="{theme.background}"' in fig.source
        return
    assert to_hex(fig.get_facecolor()) == to_hex(theme.background)
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    for text in fig.findobj(Text):
        if not text.get_text() or not text.get_visible():
            continue
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1, text.get_text()
        assert box.x1 <= width + 1 and box.y1 <= height + 1, text.get_text()


@pytest.mark.parametrize(
    ("value", "text"),
    [(3.0, "3"), (-1.0, "\u22121"), (0.0, "0"), (-0.0, "0"), (0.25, "0.25"), (2.5, "2.5")],
)
def test_format_number(value, text):
    # Proves numbers are written as a reader writes them, with a true minus sign.
    assert _matrix.format_number(value) == text


def test_fc_vs_conv_matrix_draws_both_layers_and_counts_their_parameters():
    # Proves the headline: the left matrix is the 9-to-4 layer's W cell by cell, the right
    # one is the hand-built convolution matrix, and the counts under them equal the
    # textbook formulas n_in*n_out + n_out and C_out*(C_in*k*k + 1), worked out here.
    data, fig = render("fc-vs-conv-matrix")
    texts = drawn_texts(fig)
    layer = examples.fully_connected()
    matrix, names = expected_small_matrix()
    for (i, j), value in np.ndenumerate(layer.weights):
        assert parse_number(texts[f"fc-{i}-{j}"]) == pytest.approx(value)
    for (i, j), name in np.ndenumerate(names):
        text = texts[f"conv-{i}-{j}"]
        assert text == (f"{name}\n{_matrix.format_number(matrix[i, j])}" if name else "0")
    assert "36 weights + 4 biases\n= 40 free parameters" in texts["fc-count"]
    c_in, c_out, k = 1, 1, 2
    conv_total = c_out * (c_in * k * k + 1)
    assert f"= {conv_total} free parameters" in texts["conv-count"]
    assert "20 untrainable zeros" in texts["conv-count"]
    assert "40 free parameters" in registry.get("fc-vs-conv-matrix").caption(data)


@pytest.mark.parametrize(
    ("params", "c_in", "c_out", "k"),
    [({"height": 16, "width": 16, "kernel": 3}, 1, 1, 3),
     ({"height": 6, "width": 5, "kernel": 3, "in_channels": 3, "out_channels": 2}, 3, 2, 3)],
)  # fmt: skip
def test_fc_vs_conv_matrix_counts_follow_the_formulas(params, c_in, c_out, k):
    # Proves the counts are measured from the matrices and agree with the formulas for
    # other sizes, including several channels and the image layout of large matrices.
    data, fig = render("fc-vs-conv-matrix", **params)
    texts = drawn_texts(fig)
    h, w = params["height"], params["width"]
    n_in, n_out = c_in * h * w, c_out * (h - k + 1) * (w - k + 1)
    assert data.shape == (n_out, n_in)
    assert f"= {n_in * n_out + n_out:,} free parameters" in texts["fc-count"]
    assert f"= {c_out * (c_in * k * k + 1):,} free parameters" in texts["conv-count"]


def test_position_names_never_read_two_ways():
    # Proves names stay unambiguous past nine columns: row 1, column 12 is x₁,₁₂, which
    # cannot be confused with row 11, column 2.
    data, fig = render("conv-matrix", height=2, width=12, kernel=2)
    texts = drawn_texts(fig)
    names = [texts[f"x-name-{j}"] for j in range(24)]
    assert names[11] == "x₁,₁₂" and names[12] == "x₂,₁"
    assert len(set(names)) == len(names)
