"""The block-structured matrix figures draw what the layer math computes.

Figures: multichannel-matrix, connection-table, grouped-conv, transposed-matrix,
avgpool-matrix and conv-1d-2d-3d. Every test reads back what was drawn (cell texts, fill
colours, line styles, image pixels, the positions of block outlines) and compares it with
a matrix built here by explicit loops over output positions, channels and kernel taps,
never with the functions the figures call. Colours come from the theme and style.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from figure_checks import assert_text_legible_unclipped_and_apart
from matplotlib.colors import to_hex, to_rgba
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from diagram_gen import examples, export, registry, targets
from diagram_gen.style import DARK, LIGHT, WEIGHT_COLOURS

MINUS = "\u2212"
THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
GREEK = "αβγδεζηθ"
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


# ----------------------------------------------------------------------------------------
# Reading the figures back
# ----------------------------------------------------------------------------------------


def render(figure_id: str, theme=LIGHT, **overrides):
    spec = registry.get(figure_id)
    data = spec.data(overrides)
    return data, spec.draw(data, theme)


def texts_of(fig) -> dict[str, str]:
    return {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}


def boxes_of(fig) -> dict[str, Rectangle]:
    return {p.get_gid(): p for p in fig.findobj(Rectangle) if p.get_gid()}


def images_of(fig) -> dict[str, AxesImage]:
    return {a.get_gid(): a for a in fig.findobj(AxesImage)}


def number(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def fill(box: Rectangle) -> str:
    return to_hex(box.get_facecolor())


def weight_colour(k: int) -> str:
    return to_hex(WEIGHT_COLOURS[k % len(WEIGHT_COLOURS)])


def corners(box: Rectangle) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a rectangle in grid units (rows go down)."""
    x, y = box.get_xy()
    return x, y, x + box.get_width(), y + box.get_height()


def inside(inner: Rectangle, outer: Rectangle) -> bool:
    a, b = corners(inner), corners(outer)
    eps = 1e-9
    return a[0] >= b[0] - eps and a[1] >= b[1] - eps and a[2] <= b[2] + eps and a[3] <= b[3] + eps


def pixel_categories(image: AxesImage, palette: list[str]) -> np.ndarray:
    """Which palette colour each pixel has (-1 if none)."""
    pixels = np.asarray(image.get_array())
    out = np.full(pixels.shape[:2], -1)
    for k, colour in enumerate(palette):
        out[np.all(np.isclose(pixels, to_rgba(colour)), axis=-1)] = k
    return out


# ----------------------------------------------------------------------------------------
# Independent references: explicit loops
# ----------------------------------------------------------------------------------------


def loop_conv_index(c_out, c_in, size, kernel, *, groups=1, padding=0, stride=1, ndim=2):
    """The kernel index of every entry of a convolution's dense matrix, by loops.

    Rows are (output channel, output position), columns (input channel, input position),
    both row-major; an entry is the flat index into the kernel tensor of shape
    (c_out, c_in // groups, kernel, ...) or -1 where the matrix is structurally zero.
    """
    out = (size + 2 * padding - kernel) // stride + 1
    cig, cog = c_in // groups, c_out // groups
    n_in, n_out, taps = size**ndim, out**ndim, kernel**ndim
    index = np.full((c_out * n_out, c_in * n_in), -1)
    for o in range(c_out):
        g = o // cog
        for c_local in range(cig):
            c = g * cig + c_local
            for p_flat, p in enumerate(itertools.product(range(out), repeat=ndim)):
                for t_flat, t in enumerate(itertools.product(range(kernel), repeat=ndim)):
                    q = [pi * stride + ti - padding for pi, ti in zip(p, t, strict=True)]
                    if all(0 <= qi < size for qi in q):
                        q_flat = 0
                        for qi in q:
                            q_flat = q_flat * size + qi
                        row, col = o * n_out + p_flat, c * n_in + q_flat
                        index[row, col] = (o * cig + c_local) * taps + t_flat
    return index


def loop_conv(image, kernel, bias):
    """Multi-channel cross-correlation, stride 1, no padding, by loops: (C_out, Ho, Wo)."""
    c_out, c_in, kh, kw = kernel.shape
    _, h, w = image.shape
    out = np.zeros((c_out, h - kh + 1, w - kw + 1))
    for o in range(c_out):
        for i in range(h - kh + 1):
            for j in range(w - kw + 1):
                total = bias[o]
                for c in range(c_in):
                    for a in range(kh):
                        for b in range(kw):
                            total += image[c, i + a, j + b] * kernel[o, c, a, b]
                out[o, i, j] = total
    return out


def loop_conv_transpose(y, kernel, size, stride=1):
    """Single-channel transposed convolution by scattering each y times the kernel."""
    k = kernel.shape[0]
    out = np.zeros((size, size))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            for a in range(k):
                for b in range(k):
                    r, c = i * stride + a, j * stride + b
                    if r < size and c < size:
                        out[r, c] += y[i, j] * kernel[a, b]
    return out


# ----------------------------------------------------------------------------------------
# multichannel-matrix
# ----------------------------------------------------------------------------------------


def test_multichannel_matrix_cells_vector_and_biases_are_the_layer(theme=LIGHT):
    # Proves every drawn number is the channels example's: each cell's name and value is
    # the kernel weight a loop over channels and placements puts there, zeros read "0",
    # x is the channels one after another, y a loop convolution, one bias per block row.
    data, fig = render("multichannel-matrix", theme)
    layer = examples.multichannel_example(in_channels=2, out_channels=2, height=3, width=3)
    texts = texts_of(fig)
    expected = loop_conv_index(2, 2, 3, 2)
    flat = layer.kernel.ravel()
    assert data.shape == expected.shape == (8, 18)
    for (i, j), k in np.ndenumerate(expected):
        text = texts[f"m-{i}-{j}"]
        if k < 0:
            assert text == "0"
        else:
            # The cell names the weight's position in its slice; its block (the test
            # below) names the kernel and the channel.
            _, _, a, b = np.unravel_index(k, layer.kernel.shape)
            name = f"w{str(a + 1).translate(SUB)}{str(b + 1).translate(SUB)}"
            assert text == f"{name}\n{examples.format_number(flat[k])}"
    assert [number(texts[f"x-{j}"]) for j in range(18)] == list(layer.image.ravel())
    y = loop_conv(layer.image, layer.kernel, layer.bias).ravel()
    assert [number(texts[f"y-{i}"]) for i in range(8)] == list(y)
    for o in range(2):
        assert texts[f"bias-{o}"] == f"b{o + 1}".translate(SUB) + "\n" + (
            examples.format_number(layer.bias[o])
        )


def test_multichannel_matrix_blocks_enclose_one_kernel_slice_each():
    # Proves the block structure: outline (o, c) encloses exactly the cells of output
    # channel o's rows and input channel c's columns, its label names kernel o and
    # channel c, and every weight inside it belongs to that kernel slice (by the loop's
    # index: the cell's text names only the position in the slice).
    data, fig = render("multichannel-matrix", in_channels=3)
    boxes, texts = boxes_of(fig), texts_of(fig)
    expected = loop_conv_index(2, 3, 3, 2)
    rows_per, cols_per = 4, 9
    for o in range(2):
        for c in range(3):
            outline = boxes[f"block-{o}-{c}"]
            assert outline.get_fill() is False
            assert texts[f"block-label-{o}-{c}"] == f"kernel {o + 1}, slice of channel {c + 1}"
            for i in range(data.shape[0]):
                for j in range(data.shape[1]):
                    mine = i // rows_per == o and j // cols_per == c
                    assert inside(boxes[f"m-{i}-{j}-box"], outline) == mine
                    if mine and texts[f"m-{i}-{j}"] != "0":
                        assert np.unravel_index(expected[i, j], (2, 3, 2, 2))[:2] == (o, c)


@THEMES
def test_multichannel_matrix_colours_follow_the_weights(theme):
    # Proves colour repeats what the names say: one palette colour per kernel weight
    # (by its position in the kernel), the theme's grey and a dashed outline for zeros.
    data, fig = render("multichannel-matrix", theme)
    boxes = boxes_of(fig)
    for (i, j), k in np.ndenumerate(loop_conv_index(2, 2, 3, 2)):
        box = boxes[f"m-{i}-{j}-box"]
        if k < 0:
            assert fill(box) == to_hex(theme.zero) and box.get_linestyle() == "--"
        else:
            assert fill(box) == weight_colour(k) and box.get_linestyle() == "-"


@pytest.mark.parametrize(("c_in", "c_out", "k"), [(2, 2, 2), (3, 2, 2), (1, 3, 3)])
def test_multichannel_matrix_counts_parameters_by_the_formula(c_in, c_out, k):
    # Proves the count under the matrix equals C_out * (C_in * k * k + 1) for several
    # shapes, and the zero count equals the entries a loop leaves empty.
    data, fig = render(
        "multichannel-matrix", in_channels=c_in, out_channels=c_out, kernel=k, height=4, width=4
    )
    count = texts_of(fig)["count"]
    weights = c_out * c_in * k * k
    assert f"{weights} shared weights + {c_out} biases = {weights + c_out} free" in count
    zeros = int((loop_conv_index(c_out, c_in, 4, k) < 0).sum())
    assert f"{zeros:,} of the" in count


def test_large_multichannel_matrix_is_an_image_with_block_outlines():
    # Proves the image mode: one pixel per entry, grey exactly where the loop matrix is
    # zero and the weight's colour elsewhere, one outline per (kernel, channel) block at
    # the channel boundaries, and the alt text says it is drawn as an image.
    data, fig = render(
        "multichannel-matrix", in_channels=3, out_channels=4, height=8, width=8, kernel=3
    )
    expected = loop_conv_index(4, 3, 8, 3)
    image = images_of(fig)["matrix-image"]
    palette = [LIGHT.zero, *WEIGHT_COLOURS]
    categories = np.where(expected < 0, 0, 1 + expected % len(WEIGHT_COLOURS))
    np.testing.assert_array_equal(pixel_categories(image, palette), categories)
    boxes = boxes_of(fig)
    for o in range(4):
        for c in range(3):
            assert corners(boxes[f"block-{o}-{c}"]) == pytest.approx(
                (c * 64, o * 36, (c + 1) * 64, (o + 1) * 36)
            )
    assert "too large to label" in registry.get("multichannel-matrix").alt(data)


# ----------------------------------------------------------------------------------------
# connection-table
# ----------------------------------------------------------------------------------------

#: LeCun et al. (1998), Table I, copied by hand: rows are the maps of S2, columns of C3.
LENET_TABLE = (
    "X...XXX..XXXX.XX",
    "XX...XXX..XXXX.X",
    "XXX...XXX..X.XXX",
    ".XXX..XXXX..X.XX",
    "..XXX..XXXX.XX.X",
    "...XXX..XXXX.XXX",
)


@THEMES
def test_connection_table_marks_the_papers_connections(theme):
    # Proves the grid is Table I of the paper: an X (text) on the kernel colour where an
    # S2 map feeds a C3 map, an empty dashed grey cell where it does not.
    _, fig = render("connection-table", theme)
    texts, boxes = texts_of(fig), boxes_of(fig)
    for i, row in enumerate(LENET_TABLE):
        for j, mark in enumerate(row):
            box = boxes[f"cell-{i}-{j}-box"]
            if mark == "X":
                assert texts[f"cell-{i}-{j}"] == "X"
                assert fill(box) == to_hex(theme.kernel) and box.get_linestyle() == "-"
            else:
                assert texts[f"cell-{i}-{j}"] == ""
                assert fill(box) == to_hex(theme.zero) and box.get_linestyle() == "--"


@pytest.mark.parametrize("kernel", [5, 3])
def test_connection_table_counts_and_parameters_come_from_the_table(kernel):
    # Proves the counts are the table's: X's per column and per row, 60 of 96
    # connections, and parameters = connections * k * k + 16 biases against
    # 96 * k * k + 16 with every map connected (1,516 and 2,416 for LeNet-5's 5x5).
    _, fig = render("connection-table", kernel=kernel)
    texts = texts_of(fig)
    for j in range(16):
        assert int(texts[f"col-count-{j}"]) == sum(row[j] == "X" for row in LENET_TABLE)
    for i, row in enumerate(LENET_TABLE):
        assert texts[f"row-count-{i}"] == f"{row.count('X')} maps"
    connections = sum(row.count("X") for row in LENET_TABLE)
    assert connections == 60
    totals = texts["totals"]
    assert f"{connections} of the 96 possible connections" in totals
    sparse, dense = connections * kernel**2 + 16, 96 * kernel**2 + 16
    assert f"{connections} × {kernel**2} weights + 16 biases = {sparse:,}" in totals
    assert f"96 × {kernel**2} + 16 = {dense:,}" in totals
    if kernel == 5:
        assert (sparse, dense) == (1516, 2416)


def test_connection_table_groups_runs_of_maps_with_one_pattern():
    # Proves the brackets under the table span the runs the paper describes: maps 0-5
    # read 3 neighbours, 6-11 read 4 neighbours, 12-14 read 4 non-neighbours, 15 all 6.
    _, fig = render("connection-table")
    texts = texts_of(fig)
    lines = {line.get_gid(): line for line in fig.findobj(Line2D) if line.get_gid()}
    spans = [(0, 6), (6, 12), (12, 15), (15, 16)]
    labels = ["3 neighbouring", "4 neighbouring", "not neighbours", "all 6"]
    for g, ((start, stop), label) in enumerate(zip(spans, labels, strict=True)):
        xs = lines[f"group-line-{g}"].get_xdata()
        assert start < min(xs) < start + 0.5 and stop - 0.5 < max(xs) < stop
        assert label in texts[f"group-{g}"]
    assert f"group-line-{len(spans)}" not in lines


def test_connection_table_says_its_maps_are_numbered_from_0():
    # Proves the figure states its numbering (review item 15): the drawn map numbers run
    # 0..15 and 0..5 as in the paper, unlike the site's pixels (from 1), and the column
    # title, the caption and the alt text say so.
    data, fig = render("connection-table")
    spec = registry.get("connection-table")
    texts = texts_of(fig)
    n_in, n_out = data.grid.shape
    assert [texts[f"col-{j}"] for j in range(n_out)] == [str(j) for j in range(n_out)]
    assert [texts[f"row-{i}"] for i in range(n_in)] == [str(i) for i in range(n_in)]
    assert "numbered from 0" in texts["col-title"]
    assert "numbered from 0" in spec.caption(data)
    assert f"numbered 0 to {n_in - 1}" in spec.alt(data)


# ----------------------------------------------------------------------------------------
# grouped-conv
# ----------------------------------------------------------------------------------------


@THEMES
def test_grouped_conv_matrices_are_block_diagonal(theme):
    # Proves each image is the loop-built matrix for its number of groups (1, 2 and 4 =
    # depthwise): grey exactly where a kernel cannot reach across groups or past its
    # patch, and each weight's colour elsewhere.
    # The cells wear the colour of the weight's kernel position (index mod 9).
    data, fig = render("grouped-conv", theme)
    boxes = boxes_of(fig)
    for p, groups in enumerate((1, 2, 4)):
        expected = loop_conv_index(4, 4, 3, 3, groups=groups, padding=1)
        for (r, c), k in np.ndenumerate(expected):
            want = theme.zero if k < 0 else theme.weight_identity(int(k) % 9).colour
            assert fill(boxes[f"p{p}-{r}-{c}-box"]) == to_hex(want)
        # Off the diagonal blocks everything is zero.
        rows, cols = expected.shape
        for r in range(rows):
            for c in range(cols):
                if r * groups // rows != c * groups // cols:
                    assert expected[r, c] == -1


def test_grouped_conv_outlines_the_groups_and_counts_their_parameters():
    # Proves the thick outlines sit on the diagonal blocks (group g: rows and columns
    # g/G to (g+1)/G of the image), the counts are C_out * (C_in/G * k * k) + C_out
    # (148, 76, 40), and AlexNet's GPUs and depthwise are named.
    data, fig = render("grouped-conv")
    boxes, texts = boxes_of(fig), texts_of(fig)
    for p, groups in enumerate((1, 2, 4)):
        rows, cols = data.shape
        left, top, *_ = corners(boxes[f"p{p}-0-0-box"])
        *_, right, bottom = corners(boxes[f"p{p}-{rows - 1}-{cols - 1}-box"])
        width, height = right - left, bottom - top
        for g in range(groups):
            assert corners(boxes[f"p{p}-group-{g}"]) == pytest.approx(
                (left + g * width / groups, top + g * height / groups,
                 left + (g + 1) * width / groups, top + (g + 1) * height / groups)
            )  # fmt: skip
        assert f"p{p}-group-{groups}" not in boxes
        weights = 4 * (4 // groups) * 3 * 3
        assert texts[f"p{p}-count"] == (
            f"{weights} shared weights + 4 biases\n= {weights + 4} free parameters"
        )
    assert "AlexNet" in texts["p1-title"] and "depthwise" in texts["p2-title"]
    assert [texts[f"p1-group-label-{g}"] for g in range(2)] == ["GPU 1", "GPU 2"]
    caption = registry.get("grouped-conv").caption(data)
    assert "AlexNet" in caption and "one per GPU" in caption and "depthwise" in caption


def test_small_grouped_conv_labels_every_cell_with_its_weight():
    # Proves the labelled layout: with 2 channels of 2x2 each cell names the weight a
    # loop puts there, with the input channel it really reads, and zeros read "0".
    data, fig = render(
        "grouped-conv", in_channels=2, out_channels=2, height=2, width=2, kernel=2, padding=0
    )
    texts = texts_of(fig)
    assert [p.groups for p in data.panels] == [1, 2]
    for p, groups in enumerate((1, 2)):
        expected = loop_conv_index(2, 2, 2, 2, groups=groups)
        for (i, j), k in np.ndenumerate(expected):
            if k < 0:
                assert texts[f"p{p}-{i}-{j}"] == "0"
                continue
            o, c_local, a, b = np.unravel_index(k, (2, 2 // groups, 2, 2))
            channel = j // 4  # the input channel of column j
            assert channel == (o // (2 // groups)) * (2 // groups) + c_local
            digits = f"{o + 1},{channel + 1},{a + 1}{b + 1}".translate(SUB)
            assert texts[f"p{p}-{i}-{j}"] == f"w{digits}"


def loop_cut_off_taps(c_out, c_in, size, kernel, *, groups, padding):
    """Kernel taps of every output that land on the zero padding, counted by loops."""
    out = size + 2 * padding - kernel + 1
    cut = 0
    for _o, _c in itertools.product(range(c_out), range(c_in // groups)):
        for p in itertools.product(range(out), repeat=2):
            for t in itertools.product(range(kernel), repeat=2):
                q = [pi + ti - padding for pi, ti in zip(p, t, strict=True)]
                cut += not all(0 <= qi < size for qi in q)
    return cut


def test_grouped_conv_tells_zeros_between_groups_from_zeros_inside_and_padding_taps():
    # Proves the counts the alt text quotes come from the loop-built matrix: zeros that
    # join an output to another group's input, zeros inside a group's blocks, and
    # (apart from both) the taps that fall on the padding and have no column; and that
    # the caption states the padding and the alt text no longer promises a colour per
    # weight while the palette repeats.
    data = registry.get("grouped-conv").data()
    alt = registry.get("grouped-conv").alt(data)
    caption = registry.get("grouped-conv").caption(data)
    assert "padding 1" in caption and "padding 1" in alt
    for panel, groups in zip(data.panels, (1, 2, 4), strict=True):
        expected = loop_conv_index(4, 4, 3, 3, groups=groups, padding=1)
        rows, cols = expected.shape
        between = sum(
            r * groups // rows != c * groups // cols for r in range(rows) for c in range(cols)
        )
        inside = int((expected < 0).sum()) - between
        cut = loop_cut_off_taps(4, 4, 3, 3, groups=groups, padding=1)
        assert (panel.between_groups, panel.outside_window, panel.cut_off) == (
            between, inside, cut
        )  # fmt: skip
        assert (
            f"{between + inside:,} untrainable zeros ({between:,} between groups, "
            f"{inside:,} inside the groups"
        ) in alt
    assert f"those taps ({data.panels[0].cut_off:,} in the first matrix) have no column" in alt
    assert "one colour per kernel weight" not in alt
    assert "No names: 3,888 cells are too many to label" in alt
    assert "position (3, 3) orange with back-diagonal lines" in alt
    # Without padding nothing is cut off and the alt text does not mention it.
    small = registry.get("grouped-conv").data({"padding": 0, "height": 4, "width": 4})
    assert all(p.cut_off == 0 for p in small.panels)
    assert "zero padding" not in registry.get("grouped-conv").alt(small)


@pytest.mark.parametrize(
    ("params", "word"),
    [({"out_channels": 6}, "out_channels"), ({"groups": 3}, "groups")],
)
def test_grouped_conv_refuses_what_it_cannot_draw(params, word):
    # Proves impossible parameters stop with one sentence naming the parameter.
    with pytest.raises(ValueError, match=word) as info:
        registry.get("grouped-conv").data(params)
    assert str(info.value).count(". ") == 0 and str(info.value).endswith(".")


# ----------------------------------------------------------------------------------------
# transposed-matrix
# ----------------------------------------------------------------------------------------


@THEMES
def test_transposed_matrix_is_the_same_cells_transposed(theme):
    # Proves Cᵀ is C transposed cell by cell, with the same text and the same colour, and
    # that C is the small example's matrix built by loops.
    data, fig = render("transposed-matrix", theme)
    texts, boxes = texts_of(fig), boxes_of(fig)
    example = examples.small_conv()
    expected = loop_conv_index(1, 1, 3, 2)
    for (i, j), k in np.ndenumerate(expected):
        c_text = texts[f"c-{i}-{j}"]
        want = "0" if k < 0 else f"{GREEK[k]}\n{examples.format_number(example.kernel.ravel()[k])}"
        assert c_text == want
        assert texts[f"ct-{j}-{i}"] == c_text
        assert fill(boxes[f"ct-{j}-{i}-box"]) == fill(boxes[f"c-{i}-{j}-box"])
        assert fill(boxes[f"c-{i}-{j}-box"]) == (to_hex(theme.zero) if k < 0 else weight_colour(k))


def test_transposed_matrix_maps_y_back_to_nine_values():
    # Proves y above Cᵀ is the example's output (loop convolution), and the 9 values
    # beside it equal both the drawn cells times y and a transposed convolution written
    # here as a loop that scatters each y value through the kernel.
    data, fig = render("transposed-matrix")
    texts = texts_of(fig)
    example = examples.small_conv()
    y = loop_conv(example.image, example.kernel, example.bias)[0]
    assert [number(texts[f"y-{j}"]) for j in range(4)] == list(y.ravel())
    expected = loop_conv_transpose(y, example.kernel[0, 0], 3).ravel()
    drawn = [number(texts[f"z-{i}"]) for i in range(9)]
    assert drawn == list(expected)
    cells = np.array(
        [[0.0 if (t := texts[f"ct-{i}-{j}"]) == "0" else number(t.split("\n")[1])
          for j in range(4)] for i in range(9)]
    )  # fmt: skip
    np.testing.assert_allclose(cells @ y.ravel(), drawn)
    assert "equals the transposed convolution" in texts["note"]
    assert "not the inverse" in texts["note"]


def test_strided_transposed_matrix_matches_a_loop_and_large_ones_are_images():
    # Proves a stride-2 layer still maps back to the input's size (the last row and
    # column of a 4x4 input need output_padding), and that a large layer is drawn as two
    # images whose pixels are each other's transpose.
    data, fig = render("transposed-matrix", height=4, width=4, kernel=2, stride=2)
    texts = texts_of(fig)
    y = np.array([number(texts[f"y-{j}"]) for j in range(4)]).reshape(2, 2)
    kernel = data.example.kernel[0, 0]
    expected = loop_conv_transpose(y, kernel, 4, stride=2).ravel()
    assert [number(texts[f"z-{i}"]) for i in range(16)] == list(expected)
    data, fig = render("transposed-matrix", height=12, width=12, kernel=3)
    images = images_of(fig)
    c_pixels = np.asarray(images["c-image"].get_array())
    ct_pixels = np.asarray(images["ct-image"].get_array())
    np.testing.assert_array_equal(ct_pixels, c_pixels.transpose(1, 0, 2))
    assert "too large to label" in registry.get("transposed-matrix").alt(data)


def test_transposed_matrix_refuses_uneven_same_padding():
    # Proves an even kernel with padding='same' (one more zero at the end) is refused in
    # one sentence that names padding, since a transposed convolution crops evenly.
    with pytest.raises(ValueError, match="padding='same'"):
        registry.get("transposed-matrix").data({"padding": "same"})


# ----------------------------------------------------------------------------------------
# avgpool-matrix
# ----------------------------------------------------------------------------------------


def loop_pool_matrix(size, kernel, stride):
    """Average pooling of a size x size image as a matrix, by loops over windows."""
    out = (size - kernel) // stride + 1
    matrix = np.zeros((out * out, size * size))
    for i in range(out):
        for j in range(out):
            for a in range(kernel):
                for b in range(kernel):
                    matrix[i * out + j, (i * stride + a) * size + j * stride + b] = 1 / kernel**2
    return matrix


@THEMES
def test_avgpool_matrix_holds_fixed_quarters_and_averages(theme):
    # Proves the 4x16 matrix: "1/4" with a solid outline at exactly the loop-built
    # window entries, "0" in grey with a dashed outline elsewhere, and y equal to the
    # averages of the drawn x, window by window.
    data, fig = render("avgpool-matrix", theme)
    texts, boxes = texts_of(fig), boxes_of(fig)
    expected = loop_pool_matrix(4, 2, 2)
    assert data.shape == expected.shape == (4, 16)
    for (i, j), value in np.ndenumerate(expected):
        box = boxes[f"m-{i}-{j}-box"]
        if value:
            assert texts[f"m-{i}-{j}"] == "1/4" and f"m-{i}-{j}-fixed" in boxes
            assert to_hex(boxes[f"m-{i}-{j}-fixed"].get_edgecolor()) == to_hex(theme.foreground)
        else:
            assert texts[f"m-{i}-{j}"] == "0" and f"m-{i}-{j}-fixed" not in boxes
            assert fill(box) == to_hex(theme.zero) and box.get_linestyle() == "--"
    x = np.array([number(texts[f"x-{j}"]) for j in range(16)])
    assert [number(texts[f"y-{i}"]) for i in range(4)] == list(expected @ x)


def test_avgpool_matrix_says_max_pooling_is_not_linear():
    # Proves the note names the input max pooling picks in each window (found here by a
    # loop over the window) and the caption says max pooling has no matrix.
    data, fig = render("avgpool-matrix")
    texts = texts_of(fig)
    image = data.example.image[0]
    for i in range(2):
        for j in range(2):
            window = [(2 * i + a, 2 * j + b) for a in range(2) for b in range(2)]
            r, c = max(window, key=lambda rc: (image[rc], -rc[0], -rc[1]))
            name = f"x{r + 1}{c + 1}".translate(SUB)
            assert f"{name} = {examples.format_number(image[r, c])}" in texts["note"]
    caption = registry.get("avgpool-matrix").caption(data)
    assert "Max pooling has no such matrix" in caption and "not linear" in caption


def test_avgpool_matrix_pools_the_pooling_figures_input_without_ties():
    # Proves the pooling page's two figures pool one image (its text says so), and that no
    # window of it holds its maximum twice, so "the input max pooling picks" is one input.
    from diagram_gen.figures import pooling

    data = registry.get("avgpool-matrix").data()
    image = data.example.image[0]
    np.testing.assert_array_equal(image, pooling.compute(pooling.example()).image)
    for i in range(2):
        for j in range(2):
            window = image[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            assert (window == window.max()).sum() == 1, (i, j, window)


def test_avgpool_matrix_with_a_3x3_window():
    # Proves other windows work: a 3x3 window with stride 1 over 5x5 gives a 9x25 matrix
    # of ninths, and every drawn y is the mean of its window.
    data, fig = render("avgpool-matrix", height=5, width=5, kernel=3, stride=1)
    texts = texts_of(fig)
    expected = loop_pool_matrix(5, 3, 1)
    for (i, j), value in np.ndenumerate(expected):
        assert texts[f"m-{i}-{j}"] == ("1/9" if value else "0")
    x = np.array([number(texts[f"x-{j}"]) for j in range(25)])
    np.testing.assert_allclose([number(texts[f"y-{i}"]) for i in range(9)],
                               np.round(expected @ x, 2))  # fmt: skip


# ----------------------------------------------------------------------------------------
# conv-1d-2d-3d
# ----------------------------------------------------------------------------------------

DIMS = ((1, 6, 3), (2, 4, 2), (3, 3, 2))  # (ndim, size, kernel) of the defaults


@THEMES
def test_dimensions_cells_name_the_loop_matrices(theme):
    # Proves all three matrices are the loop-built ones: each weight cell names its
    # kernel weight (α, β, … in kernel order) in its colour, every other cell reads 0.
    data, fig = render("conv-1d-2d-3d", theme)
    texts, boxes = texts_of(fig), boxes_of(fig)
    for ndim, size, kernel in DIMS:
        expected = loop_conv_index(1, 1, size, kernel, ndim=ndim)
        assert data.panels[ndim - 1].shape == expected.shape
        for (i, j), k in np.ndenumerate(expected):
            assert texts[f"d{ndim}-{i}-{j}"] == ("0" if k < 0 else GREEK[k])
            want = to_hex(theme.zero) if k < 0 else weight_colour(k)
            assert fill(boxes[f"d{ndim}-{i}-{j}-box"]) == want


def test_dimensions_show_toeplitz_and_block_toeplitz_structure():
    # Proves the Toeplitz property on the drawn names: in 1D each diagonal holds one name;
    # in 2D each block is Toeplitz and equal blocks repeat along block diagonals; in 3D
    # the outer blocks repeat along their block diagonals too.
    _, fig = render("conv-1d-2d-3d")
    texts = texts_of(fig)

    def grid(ndim, rows, cols):
        return np.array([[texts[f"d{ndim}-{i}-{j}"] for j in range(cols)] for i in range(rows)])

    d1 = grid(1, 4, 6)
    for i in range(3):
        for j in range(5):
            assert d1[i, j] == d1[i + 1, j + 1]
    d2 = grid(2, 9, 16)
    block = lambda m, r, c, br, bc: m[r * br : (r + 1) * br, c * bc : (c + 1) * bc]  # noqa: E731
    for r in range(2):
        for c in range(3):
            np.testing.assert_array_equal(block(d2, r, c, 3, 4), block(d2, r + 1, c + 1, 3, 4))
    for r in range(3):
        for c in range(4):
            b = block(d2, r, c, 3, 4)
            assert all(b[i, j] == b[i + 1, j + 1] for i in range(2) for j in range(3))
    d3 = grid(3, 8, 27)
    np.testing.assert_array_equal(block(d3, 0, 0, 4, 9), block(d3, 1, 1, 4, 9))
    np.testing.assert_array_equal(block(d3, 0, 1, 4, 9), block(d3, 1, 2, 4, 9))


def test_dimensions_outline_the_nested_blocks():
    # Proves the outlines: in 2D, 3x4 thick blocks, block (I, J) enclosing exactly the
    # cells of output row I and input row J; in 3D, 2x3 thick blocks of 4x9 and 8x9 thin
    # ones of 2x3, each enclosing exactly its cells; none in 1D.
    _, fig = render("conv-1d-2d-3d")
    boxes = boxes_of(fig)
    assert not any(gid.startswith("d1-level") for gid in boxes)
    for ndim, rows, cols, levels in ((2, 9, 16, [(3, 4)]), (3, 8, 27, [(4, 9), (2, 3)])):
        for level, (br, bc) in enumerate(levels):
            outlines = [g for g in boxes if g.startswith(f"d{ndim}-level{level}-")]
            assert len(outlines) == (rows // br) * (cols // bc)
            for bi in range(rows // br):
                for bj in range(cols // bc):
                    outline = boxes[f"d{ndim}-level{level}-{bi}-{bj}"]
                    for i in range(rows):
                        for j in range(cols):
                            mine = i // br == bi and j // bc == bj
                            assert inside(boxes[f"d{ndim}-{i}-{j}-box"], outline) == mine
    widths = {boxes["d3-level0-0-0"].get_linewidth(), boxes["d3-level1-0-0"].get_linewidth()}
    assert len(widths) == 2  # outer and inner blocks are told apart by line width


def test_large_dimensions_are_images_of_the_loop_matrices():
    # Proves the image mode: a 6x6x6 input with a 3x3x3 kernel is drawn as pixels that
    # match the loop matrix (27 weights, colours by kernel position), and the alt text
    # says the matrices are images.
    data, fig = render("conv-1d-2d-3d", size_3d=6, kernel_3d=3)
    images = images_of(fig)
    palette = [LIGHT.zero, *WEIGHT_COLOURS]
    expected = loop_conv_index(1, 1, 6, 3, ndim=3)
    categories = np.where(expected < 0, 0, 1 + expected % len(WEIGHT_COLOURS))
    np.testing.assert_array_equal(pixel_categories(images["d3-image"], palette), categories)
    assert "too large to label" in registry.get("conv-1d-2d-3d").alt(data)


def test_dimensions_refuse_a_kernel_larger_than_the_input():
    # Proves a kernel that cannot fit stops with one sentence naming the parameter.
    with pytest.raises(ValueError, match=r"kernel_2d must be at most size_2d \(4\), got 5\."):
        registry.get("conv-1d-2d-3d").data({"kernel_2d": 5})


# ----------------------------------------------------------------------------------------
# All six
# ----------------------------------------------------------------------------------------


def test_alt_texts_state_the_numbers():
    # Proves each alt text is written from the computation: it quotes the outputs,
    # counts and parameters the tests above check against loops.
    def alt(figure_id, **params):
        spec = registry.get(figure_id)
        return spec.alt(spec.data(params))

    layer = examples.multichannel_example(in_channels=2, out_channels=2, height=3, width=3)
    y = loop_conv(layer.image, layer.kernel, layer.bias).ravel()
    text = alt("multichannel-matrix")
    assert "y = (" + ", ".join(examples.format_number(v) for v in y) + ")" in text
    assert "18 free parameters" in text and "80 of the 144 entries" in text
    text = alt("connection-table")
    assert "map 15 reads 0, 1, 2, 3, 4, 5" in text and "1,516 parameters" in text
    assert "2,416" in text
    text = alt("grouped-conv")
    assert all(f"= {n} free parameters" in text for n in (148, 76, 40))
    text = alt("transposed-matrix")
    assert "Cᵀ y = (36, " in text and "α = 2" in text
    text = alt("avgpool-matrix")
    assert "16 entries hold the fixed weight 1/4" in text
    text = alt("conv-1d-2d-3d")
    assert "a 4 by 6 matrix with 12 untrainable zeros" in text and "8 by 27" in text


# ----------------------------------------------------------------------------------------
# Laid out for the page column (issue 11)
# ----------------------------------------------------------------------------------------

#: The matrix figures laid out for the page column (all of this family); each leaves the
#: browser test's list of figures not yet legible there once merged.
FOR_THE_COLUMN = [
    "conv-matrix", "fc-matrix", "fc-vs-conv-matrix", "multichannel-matrix", "transposed-matrix",
    "avgpool-matrix", "connection-table", "grouped-conv", "conv-1d-2d-3d", "padding-modes",
    "equivariance",
]  # fmt: skip


@THEMES
@pytest.mark.parametrize("figure_id", FOR_THE_COLUMN)
def test_page_figure_is_legible_in_the_column(figure_id, theme):
    # Proves goal 1 of issue 11 from the file a page shows: the SVG, shrunk to the
    # 688 px column if it is wider, keeps its smallest text at 11 CSS px or more; and in
    # the drawing no text is under 9 pt, clipped, or on top of another.
    files = registry.render(
        figure_id, {}, themes=(theme.name,), options=export.ExportOptions(formats=("svg",))
    )
    measure = targets.measure_svg(files[f"{figure_id}-{theme.name}.svg"])
    assert measure.shown_in(targets.PAGE.width) >= 11 - 1e-6, measure
    spec = registry.get(figure_id)
    assert_text_legible_unclipped_and_apart(spec.draw(spec.data({}), theme))


def test_unlabelled_conv_matrix_step_frames_its_row():
    # Proves a step of a matrix too tall to label (384 patterned cells, 48 rows) frames
    # the row of its output across the whole matrix, as a step of an image does.
    spec = registry.get("conv-matrix")
    params = {"height": 4, "width": 2, "kernel": 1, "out_channels": 2, "padding": 1}
    data = spec.data(params)
    rows, cols = data.shape
    assert (rows, cols) == (48, 8)
    step = spec.steps(data)[5]
    fig = spec.draw(data, LIGHT, step=step)
    frames = [b for gid, b in boxes_of(fig).items() if gid.startswith("lit-row-")]
    assert [corners(b) for b in frames] == [(0, o, cols, o + 1) for o in step.outputs]
