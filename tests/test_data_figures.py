"""The data figures (tied-training, param-count, real-image-filters) draw what was computed.

Each test reads back what was drawn (the x/y data of lines by gid, the arrays of images,
texts, colours and line styles) and compares it with a computation written here
independently of the package: gradient descent with its own convolution, parameter
counts from explicit loops over kernel placements and from the textbook formulas, and
the photograph converted and filtered with plain numpy and SciPy.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from matplotlib import cbook
from matplotlib import image as mpl_image
from matplotlib.colors import to_hex
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from scipy.signal import correlate2d

from diagram_gen import registry
from diagram_gen.style import DARK, LIGHT, REDDISH_PURPLE

MINUS = "\u2212"
THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
IDS = ("tied-training", "param-count", "real-image-filters")


def render(figure_id: str, theme=LIGHT, **overrides):
    spec = registry.get(figure_id)
    data = spec.data(overrides)
    return data, spec.draw(data, theme)


def lines(fig) -> dict[str, Line2D]:
    return {line.get_gid(): line for line in fig.findobj(Line2D) if line.get_gid()}


def texts(fig) -> dict[str, Text]:
    return {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}


def boxes(fig) -> dict[str, Rectangle]:
    return {p.get_gid(): p for p in fig.findobj(Rectangle) if p.get_gid()}


def images(fig) -> dict[str, np.ndarray]:
    return {a.get_gid(): np.asarray(a.get_array()) for a in fig.findobj(AxesImage)}


def number(text: str) -> float:
    return float(text.replace(MINUS, "-").replace(",", ""))


# ----------------------------------------------------------------------------------------
# tied-training
# ----------------------------------------------------------------------------------------


def reference_training(setup, *, tie: bool):
    """Gradient descent on the conv and on the masked (tied) dense layer, from scratch.

    The convolution uses im2col by explicit index lists; the dense layer's matrix is
    built by loops over placements; tying sums a group's gradients by loops. Returns
    (conv losses, dense losses, largest |W - C(w)| per step).
    """
    images, targets = setup.images[:, 0], setup.targets[:, 0]
    n, size, k = images.shape[0], images.shape[1], setup.kernel.shape[-1]
    out = size - k + 1
    placements = [(i, j) for i in range(out) for j in range(out)]
    patches = np.array([[x[i : i + k, j : j + k].ravel() for i, j in placements] for x in images])
    flat_t = targets.reshape(n, -1)
    count = flat_t.size

    def matrix_of(kernel):
        matrix = np.zeros((out * out, size * size))
        group = np.full(matrix.shape, -1)
        for r, (i, j) in enumerate(placements):
            for a in range(k):
                for b in range(k):
                    matrix[r, (i + a) * size + j + b] = kernel[a * k + b]
                    group[r, (i + a) * size + j + b] = a * k + b
        return matrix, group

    kernel, bias = setup.kernel.ravel().copy(), float(setup.bias[0])
    weights, group = matrix_of(kernel)
    dense_bias = np.full(out * out, bias)
    x = images.reshape(n, -1)
    conv_losses, dense_losses, differences = [], [], []
    for step in range(setup.steps + 1):
        conv_out = patches @ kernel + bias
        dense_out = x @ weights.T + dense_bias
        conv_losses.append(np.mean((conv_out - flat_t) ** 2))
        dense_losses.append(np.mean((dense_out - flat_t) ** 2))
        differences.append(np.abs(weights - matrix_of(kernel)[0]).max())
        if step == setup.steps:
            break
        e_conv = 2 * (conv_out - flat_t) / count
        e_dense = 2 * (dense_out - flat_t) / count
        kernel = kernel - setup.learning_rate * np.einsum("np,npk->k", e_conv, patches)
        bias = bias - setup.learning_rate * e_conv.sum()
        grad = np.einsum("nr,nc->rc", e_dense, x) * (group >= 0)
        grad_b = e_dense.sum(axis=0)
        if tie:
            for w in range(k * k):
                grad[group == w] = grad[group == w].sum()
            grad_b = np.full_like(grad_b, grad_b.sum())
        weights = weights - setup.learning_rate * grad
        dense_bias = dense_bias - setup.learning_rate * grad_b
    return np.array(conv_losses), np.array(dense_losses), np.array(differences)


@pytest.fixture(scope="module")
def tied_figure():
    return render("tied-training")


@pytest.fixture(scope="module")
def tied_reference(tied_figure):
    data, _ = tied_figure
    setup = data.tied.setup
    return reference_training(setup, tie=True), reference_training(setup, tie=False)


def test_tied_training_loss_curves_are_gradient_descent_computed_here(tied_figure, tied_reference):
    # Proves the three drawn loss curves are the losses of an independent gradient
    # descent (step by step, x = 0..50), and that the conv and the tied dense layer draw
    # the same curve while the untied control does not.
    data, fig = tied_figure
    (conv, dense, _), (_, control, _) = tied_reference
    drawn = lines(fig)
    steps = np.arange(51)
    for gid, expected in (("loss-conv", conv), ("loss-dense", dense),
                          ("loss-control", control)):  # fmt: skip
        xy = drawn[gid].get_xydata()
        np.testing.assert_array_equal(xy[:, 0], steps)
        np.testing.assert_allclose(xy[:, 1], expected, rtol=1e-10)
    np.testing.assert_allclose(
        drawn["loss-dense"].get_ydata(), drawn["loss-conv"].get_ydata(), rtol=1e-12
    )
    assert abs(control[-1] - conv[-1]) > 1.0


def test_tied_training_differences_stay_at_rounding_and_the_control_does_not(
    tied_figure, tied_reference
):
    # Proves the right panel: the drawn differences are the run's, every one below
    # 1e-12 (and so is the independent run's), exact zeros sit as markers on the floor
    # at exactly the steps where the difference is 0, and the drawn control curve is
    # the independent untied run's, far above rounding.
    data, fig = tied_figure
    (_, _, tied_diff), (_, _, control_diff) = tied_reference
    drawn = lines(fig)
    assert np.all(tied_diff < 1e-12)
    run = data.tied.weight_difference
    assert np.all(run < 1e-12)
    shown = drawn["difference-tied"].get_ydata()
    positive = run > 0
    np.testing.assert_array_equal(shown[positive], run[positive])
    assert np.all(np.isnan(shown[~positive]))
    zero_xy = drawn["difference-tied-zero"].get_xydata()
    np.testing.assert_array_equal(zero_xy[:, 0], np.flatnonzero(run == 0))
    assert 0 in zero_xy[:, 0]  # the common start is exactly equal
    floor = zero_xy[0, 1] if len(zero_xy) else None
    ax = drawn["difference-tied"].axes
    assert ax.get_ylim()[0] == pytest.approx(floor)
    assert ax.get_yticklabels()[0].get_text() == "0"
    np.testing.assert_allclose(drawn["difference-control"].get_ydata()[1:], control_diff[1:],
                               rtol=1e-8)  # fmt: skip
    assert control_diff[-1] > 1e-3


def test_tied_training_reference_lines_are_machine_epsilon_and_the_tolerance(tied_figure):
    # Proves the reference lines sit at float64's machine epsilon and at the tests'
    # tolerance, and their labels state those values.
    data, fig = tied_figure
    drawn, written = lines(fig), texts(fig)
    assert set(drawn["reference-epsilon"].get_ydata()) == {np.finfo(np.float64).eps}
    assert set(drawn["reference-tolerance"].get_ydata()) == {1e-12}
    assert "2.2 × 10⁻¹⁶" in written["label-epsilon"].get_text()
    assert "10⁻¹²" in written["label-tolerance"].get_text()


@THEMES
def test_tied_training_curves_differ_in_more_than_colour(theme):
    # Proves meaning never rests on colour alone: conv solid, dense dashed with circles,
    # control dotted with crosses, colours from the theme, and every curve is named in
    # a label on the axes.
    _, fig = render("tied-training", theme)
    drawn, written = lines(fig), texts(fig)
    conv, dense, control = drawn["loss-conv"], drawn["loss-dense"], drawn["loss-control"]
    assert (conv.get_linestyle(), dense.get_linestyle(), control.get_linestyle()) == (
        "-", "--", ":")  # fmt: skip
    assert (conv.get_marker(), dense.get_marker(), control.get_marker()) == ("None", "o", "x")
    assert to_hex(conv.get_color()) == to_hex(theme.kernel)
    assert to_hex(dense.get_color()) == to_hex(theme.foreground)
    assert to_hex(control.get_color()) == to_hex(REDDISH_PURPLE)
    shared = written["label-loss-shared"].get_text()
    assert "convolution (solid)" in shared and "tied dense layer (dashed" in shared
    assert "not tied" in written["label-loss-control"].get_text()
    assert "not tied" in written["label-difference-control"].get_text()


def test_tied_training_caption_and_alt_text_state_the_measured_numbers(tied_figure):
    # Proves the words come from the run: final losses, the largest difference and the
    # control's final difference appear in the alt text, the largest difference in the
    # caption and in the drawn label.
    data, fig = tied_figure
    spec = registry.get("tied-training")
    alt, caption = spec.alt(data), spec.caption(data)
    largest = data.tied.weight_difference.max()
    mantissa, exponent = f"{largest:.1e}".split("e")
    superscripts = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    written = f"{mantissa} × 10{str(int(exponent)).translate(superscripts)}"
    assert written in alt and written in caption
    assert written in texts(fig)["label-difference-tied"].get_text()
    assert f"{data.tied.conv_loss[-1]:.3g}" in alt
    assert f"{data.control.dense_loss[-1]:.3g}" in alt
    assert "50 gradient steps" in alt
    # The 6x6 is the images' size, not the convolution's (review item 31).
    setup = data.tied.setup
    side, k = setup.images.shape[-1], setup.kernel.shape[-1]
    assert f"A convolution on {side}x{side} single-channel images with a {k}x{k} kernel" in alt


# ----------------------------------------------------------------------------------------
# param-count
# ----------------------------------------------------------------------------------------


def loop_counts(side: int, k: int) -> tuple[int, int, int]:
    """Parameters counted from the connections, listed by loops over placements."""
    out = side - k + 1
    connections = []  # (output, input, kernel position)
    for i in range(out):
        for j in range(out):
            for a in range(k):
                for b in range(k):
                    connections.append((i * out + j, (i + a) * side + j + b, a * k + b))
    n_in, n_out = side * side, out * out
    fully = n_in * n_out + n_out  # every (output, input) pair has its own weight
    local = len(connections) + n_out  # each connection its own weight, one bias per output
    conv = len({tap for _, _, tap in connections}) + 1  # one weight per tap, one bias
    return fully, local, conv


def formula_counts(side: int, k: int) -> tuple[int, int, int]:
    n_in, n_out = side * side, (side - k + 1) ** 2
    return n_in * n_out + n_out, k * k * n_out + n_out, k * k + 1


@pytest.mark.parametrize("params", [{}, {"kernel": 5, "smallest": 5, "largest": 64}])
def test_param_count_curves_are_the_counted_parameters(params):
    # Proves every drawn point is the parameter count of its layer: equal to counts from
    # explicit loops over the connections for small sides, and to the textbook formulas
    # n_in*n_out + n_out, k²*n_out + n_out, k² + 1 at every side.
    data, fig = render("param-count", **params)
    k = params.get("kernel", 3)
    drawn = lines(fig)
    sides = drawn["count-fully_connected"].get_xdata()
    assert sides[0] == params.get("smallest", 4) and sides[-1] == params.get("largest", 256)
    for position, layer in enumerate(("fully_connected", "locally_connected", "convolution")):
        xy = drawn[f"count-{layer}"].get_xydata()
        np.testing.assert_array_equal(xy[:, 0], sides)
        expected = [formula_counts(int(s), k)[position] for s in sides]
        np.testing.assert_array_equal(xy[:, 1], expected)
        for side, value in xy:
            if side <= 16:
                assert value == loop_counts(int(side), k)[position]


def test_param_count_default_values_at_the_ends():
    # Proves the numbers a reader sees at the right end, worked out by hand for a 3x3
    # window on 256x256 (254² = 64,516 outputs): 65,536 * 64,516 + 64,516, 10 * 64,516
    # and 9 + 1.
    data, fig = render("param-count")
    written = texts(fig)
    assert number(written["value-fully_connected"].get_text()) == 65_536 * 64_516 + 64_516
    assert number(written["value-locally_connected"].get_text()) == 10 * 64_516
    assert number(written["value-convolution"].get_text()) == 10
    alt = registry.get("param-count").alt(data)
    assert f"{65_536 * 64_516 + 64_516:,}" in alt and "645,160" in alt


def test_param_count_markers_show_which_points_were_counted_in_the_matrix():
    # Proves filled markers mark exactly the sides whose weight matrix (n² by (n-2)²
    # entries) is small enough to be counted, hollow markers the others, for each curve.
    data, fig = render("param-count")
    drawn = lines(fig)
    sides = drawn["count-convolution"].get_xdata()
    small = [s for s in sides if s * s * (s - 2) ** 2 <= 2_000_000]
    for layer in ("fully_connected", "locally_connected", "convolution"):
        counted = drawn[f"count-{layer}-counted"]
        formula = drawn[f"count-{layer}-formula"]
        assert list(counted.get_xdata()) == small
        assert list(formula.get_xdata()) == [s for s in sides if s not in small]
        assert to_hex(counted.get_markerfacecolor()) == to_hex(counted.get_color())
        assert to_hex(formula.get_markerfacecolor()) == to_hex(LIGHT.background)
    assert max(small) == 32


@THEMES
def test_param_count_curves_are_named_on_the_curves_and_differ_in_style(theme):
    # Proves each curve has its own line style and marker (not only a colour) and a
    # label anchored on one of its own points, naming it with its formula.
    _, fig = render("param-count", theme)
    drawn, written = lines(fig), texts(fig)
    seen = set()
    for layer, name in (("fully_connected", "fully connected"),
                        ("locally_connected", "locally connected"),
                        ("convolution", "convolution")):  # fmt: skip
        line, marks = drawn[f"count-{layer}"], drawn[f"count-{layer}-counted"]
        seen.add((line.get_linestyle(), marks.get_marker()))
        label = written[f"label-{layer}"]
        assert label.get_text().startswith(name)
        assert tuple(label.xy) in {tuple(p) for p in line.get_xydata()}
    assert len(seen) == 3
    assert to_hex(drawn["count-convolution"].get_color()) == to_hex(theme.kernel)


@pytest.mark.parametrize(
    ("overrides", "words"),
    [({"smallest": 2}, "smallest must be at least kernel (3) so the window fits the image, "
                       "got 2."),
     ({"largest": 5000}, "largest must be at most 4096, got 5000."),
     ({"largest": 4}, "largest must be greater than smallest (4), got 4."),
     ({"kernel": 0}, "param-count's kernel must be an integer from 1 to 15, got 0.")],
)  # fmt: skip
def test_param_count_refuses_what_it_cannot_draw(overrides, words):
    # Proves a bad parameter is refused in one sentence naming it, the rule and the value.
    with pytest.raises(ValueError) as error:
        registry.get("param-count").data(overrides)
    assert str(error.value) == words


# ----------------------------------------------------------------------------------------
# real-image-filters
# ----------------------------------------------------------------------------------------

KERNELS = {
    "blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "sobel": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
}


def reference_grey(size: int) -> np.ndarray:
    """The photograph as BT.601 luma, top square cut, f x f blocks averaged by loops and
    rounded half up, exactly (with fractions, so ties at .5 are decided the same way)."""
    rgb = mpl_image.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    rgb = rgb.astype(np.int64)
    luma_1000 = 299 * rgb[..., 0] + 587 * rgb[..., 1] + 114 * rgb[..., 2]  # exact
    f = 512 // size
    left = (rgb.shape[1] - size * f) // 2
    out = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            block = luma_1000[i * f : (i + 1) * f, left + j * f : left + (j + 1) * f]
            mean = Fraction(int(block.sum()), 1000 * f * f)
            out[i, j] = math.floor(mean + Fraction(1, 2))
    return out


@pytest.fixture(scope="module")
def filters_figure():
    return render("real-image-filters")


def test_real_image_input_is_the_photograph_in_greyscale(filters_figure):
    # Proves the drawn input is the shipped photograph converted as documented
    # (BT.601 luma, 4x4 blocks averaged, whole grey levels), computed here by loops.
    data, fig = filters_figure
    drawn = images(fig)["map-input"]
    np.testing.assert_array_equal(drawn, reference_grey(128))
    assert drawn.min() >= 0 and drawn.max() <= 255


def test_real_image_feature_maps_are_scipy_correlations(filters_figure):
    # Proves every drawn feature map is the input correlated with its kernel (SciPy's
    # correlate2d, 'valid' mode: no padding), and the kernel numbers printed under each
    # map are that kernel's whole-number entries with the divisor written beside.
    data, fig = filters_figure
    grey = reference_grey(128)
    drawn, written = images(fig), texts(fig)
    for key, kernel in KERNELS.items():
        expected = correlate2d(grey, kernel, mode="valid")
        np.testing.assert_allclose(drawn[f"map-{key}"], expected, rtol=0, atol=1e-9)
        whole = np.round(kernel * (16 if key == "blur" else 1))
        for (i, j), value in np.ndenumerate(whole):
            assert number(written[f"kernel-{key}-{i}-{j}"].get_text()) == value
    assert written["kernel-blur-divisor"].get_text() == "1/16 ×"


@THEMES
def test_real_image_trace_lets_the_reader_check_the_pixel(theme):
    # Proves the traced pixel is the strongest edge response (found here with SciPy), its
    # patch is outlined where it is and its nine numbers are the input's, the written
    # sum has nine terms of patch value times kernel weight that add up to the written
    # result, which is the drawn pixel value and SciPy's output there.
    data, fig = render("real-image-filters", theme)
    grey = reference_grey(128)
    sobel = correlate2d(grey, KERNELS["sobel"], mode="valid")
    r, c = np.unravel_index(np.argmax(np.abs(sobel)), sobel.shape)
    assert data.pixel == (r, c)
    written, drawn_boxes = texts(fig), boxes(fig)
    for i in range(3):
        for j in range(3):
            assert number(written[f"patch-{i}-{j}"].get_text()) == grey[r + i, c + j]
            assert number(written[f"trace-kernel-{i}-{j}"].get_text()) == KERNELS["sobel"][i, j]
    outline = drawn_boxes["patch-outline"]
    assert (outline.get_x(), outline.get_y(), outline.get_width()) == (c, r, 3)
    assert to_hex(outline.get_edgecolor()) == to_hex(theme.kernel)
    assert to_hex(drawn_boxes["pixel-outline"].get_edgecolor()) == to_hex(theme.output)
    sum_lines = written["trace-sum"].get_text().split("\n")
    terms = re.findall(r"(\d+)·\(?([−\d]+)\)?", " ".join(sum_lines[:3]))
    assert len(terms) == 9
    patch_values = [number(a) for a, _ in terms]
    weights = [number(b) for _, b in terms]
    assert patch_values == list(grey[r : r + 3, c : c + 3].ravel())
    assert weights == list(KERNELS["sobel"].ravel())
    total = sum(a * b for a, b in zip(patch_values, weights, strict=True))
    assert sum_lines[-1] == f"= {total:.0f}".replace("-", MINUS)
    assert total == sobel[r, c]
    assert number(written["pixel-value"].get_text()) == sobel[r, c]


def test_real_image_alt_text_and_caption_state_the_traced_numbers(filters_figure):
    # Proves the words describe the drawn trace with its numbers: the pixel's place,
    # its value and the patch values.
    data, fig = filters_figure
    spec = registry.get("real-image-filters")
    r, c = data.pixel
    value = f"{data.value:.0f}".replace("-", MINUS)
    alt, caption = spec.alt(data), spec.caption(data)
    for words in (alt, caption):
        assert f"row {r + 1}, column {c + 1}" in words and value in words
    patch = "; ".join(", ".join(f"{v:.0f}" for v in row) for row in data.patch)
    assert patch in alt
    assert "Grace Hopper" in alt


@pytest.mark.parametrize("size", [16, 100])
def test_real_image_other_sizes_are_the_same_computation(size):
    # Proves another size (block averaging by 32 or 5) still draws the photograph and the
    # SciPy correlations, with the trace inside the image.
    data, fig = render("real-image-filters", size=size)
    grey = reference_grey(size)
    drawn = images(fig)
    np.testing.assert_array_equal(drawn["map-input"], grey)
    np.testing.assert_allclose(drawn["map-sobel"], correlate2d(grey, KERNELS["sobel"], "valid"),
                               atol=1e-9)  # fmt: skip
    written = texts(fig)
    r, c = data.pixel
    assert number(written["patch-2-2"].get_text()) == grey[r + 2, c + 2]


@pytest.mark.parametrize("size", [8, 600, 12.5])
def test_real_image_refuses_sizes_it_cannot_draw(size):
    # Proves sizes outside 16-512 (or not whole) are refused in one sentence naming size.
    with pytest.raises(ValueError, match=r"^(real-image-filters's )?size must be .*, got .*\.$"):
        registry.get("real-image-filters").data({"size": size})


# ----------------------------------------------------------------------------------------
# All three
# ----------------------------------------------------------------------------------------


@THEMES
@pytest.mark.parametrize("figure_id", ["tied-training", "param-count"])
def test_plot_axes_use_the_theme_colours(figure_id, theme):
    # Proves the plots are legible in both themes: tick labels and spines in the theme's
    # foreground, the grid in its quiet zero grey, the axes face the page colour, and no
    # tick label smaller than 9 points.
    _, fig = render(figure_id, theme)
    for ax in fig.axes:
        assert to_hex(ax.get_facecolor()) == to_hex(theme.background)
        assert to_hex(ax.spines["left"].get_edgecolor()) == to_hex(theme.foreground)
        for label in ax.get_xticklabels() + ax.get_yticklabels():
            assert to_hex(label.get_color()) == to_hex(theme.foreground)
            assert label.get_fontsize() >= 9
        grid = [line for line in ax.get_ygridlines() if line.get_visible()]
        assert grid and all(to_hex(line.get_color()) == to_hex(theme.zero) for line in grid)


@pytest.mark.parametrize("figure_id", IDS)
def test_no_text_is_smaller_than_nine_points(figure_id):
    # Proves every text stays legible on a slide: nothing under 9 pt.
    _, fig = render(figure_id)
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
    assert sizes and min(sizes) >= 9


def test_tied_training_panels_stack_in_the_column_and_stand_side_by_side_on_a_slide():
    # Proves the layout follows the target: for the page the loss plot lies above the
    # difference plot, 7 in wide or less; for a 16:9 slide they share a row.
    from diagram_gen import targets

    spec = registry.get("tied-training")
    data = spec.data()
    page = spec.draw(data, LIGHT)
    (loss, diff) = (ax.get_position() for ax in page.axes)
    assert loss.y0 > diff.y1 and page.get_size_inches()[0] <= targets.PAGE.width
    slide = spec.draw(data, LIGHT, target=targets.SLIDES["16:9"])
    (loss, diff) = (ax.get_position() for ax in slide.axes)
    assert loss.x1 < diff.x0 and loss.y0 == pytest.approx(diff.y0)


def test_tied_training_parts_are_one_panel_each_with_the_computed_curves(tied_reference):
    # Proves --part for a 4:3 slide: the losses part is the loss plot alone (its curves are
    # the independent gradient descent's losses, no difference curve), the differences
    # part the difference plot alone (the tied difference stays at rounding level).
    spec = registry.get("tied-training")
    data = spec.data()
    assert spec.part_names(data) == ["losses", "differences"]
    (conv_losses, _, _), _ = tied_reference
    losses = spec.draw(data, LIGHT, part="losses")
    drawn = lines(losses)
    assert len(losses.axes) == 1 and "loss-title" in texts(losses)
    assert not any(gid.startswith("difference") for gid in drawn)
    np.testing.assert_allclose(drawn["loss-conv"].get_ydata(), conv_losses, rtol=1e-9)
    differences = spec.draw(data, LIGHT, part="differences")
    drawn = lines(differences)
    assert len(differences.axes) == 1 and "difference-title" in texts(differences)
    assert not any(gid.startswith("loss") for gid in drawn)
    tied = np.asarray(drawn["difference-tied"].get_ydata(), dtype=float)
    assert np.nanmax(tied) <= 1e-12
