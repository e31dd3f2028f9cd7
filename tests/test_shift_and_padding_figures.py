"""The equivariance and padding-modes figures draw what loops compute.

Each test reads the drawn artists back (cell texts, fill colours, outline positions) and
compares them with references written here: a cross-correlation by loops for the shifted
image, a max pool by loops, and the padded line of ``numpy.pad`` (its own mode names)
for the padding modes. Nothing is compared with the code the figures call.
"""

from __future__ import annotations

import numpy as np
import pytest
from figure_checks import assert_refused_in_one_sentence, assert_text_legible_unclipped_and_apart
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from diagram_gen import examples, registry
from diagram_gen.style import DARK, LIGHT, WEIGHT_COLOURS

THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
MINUS = "\u2212"
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def render(figure_id, theme=LIGHT, **overrides):
    spec = registry.get(figure_id)
    data = spec.data(overrides)
    return data, spec.draw(data, theme)


def texts_of(fig) -> dict[str, str]:
    return {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}


def boxes_of(fig) -> dict[str, Rectangle]:
    return {p.get_gid(): p for p in fig.findobj(Rectangle) if p.get_gid()}


def grid(texts, prefix, shape) -> np.ndarray:
    return np.array(
        [[float(texts[f"{prefix}-{i}-{j}"].replace(MINUS, "-")) for j in range(shape[1])]
         for i in range(shape[0])]
    )  # fmt: skip


def loop_conv(image, kernel, bias):
    h, w = image.shape
    kh, kw = kernel.shape
    return np.array(
        [[bias + sum(kernel[a, b] * image[i + a, j + b] for a in range(kh) for b in range(kw))
          for j in range(w - kw + 1)] for i in range(h - kh + 1)]
    )  # fmt: skip


def loop_max_pool(y, k):
    n = y.shape[0] // k
    return np.array([[y[i * k:(i + 1) * k, j * k:(j + 1) * k].max() for j in range(n)]
                     for i in range(n)])  # fmt: skip


# ----------------------------------------------------------------------------------------
# equivariance
# ----------------------------------------------------------------------------------------


@THEMES
@pytest.mark.parametrize("shift", [1, 2])
def test_equivariance_draws_the_shifted_map_the_loops_compute(theme, shift):
    # Proves both rows: the canvas holds the small example's image at the drawn corner,
    # the feature map is the loop convolution of it, the second map is the first moved by
    # the shift with the bias in the uncovered cells, and the pooled maps are loop max
    # pools; with a shift of 2 (the pool's stride) the pooled map moves by one cell.
    data, fig = render("equivariance", theme, shift=shift)
    texts, boxes = texts_of(fig), boxes_of(fig)
    ex = examples.small_conv()
    maps = []
    for r, corner in enumerate((1, 1 + shift)):
        canvas = np.zeros((6, 6))
        canvas[corner:corner + 3, corner:corner + 3] = ex.image[0]  # fmt: skip
        np.testing.assert_array_equal(grid(texts, f"x{r}", (6, 6)), canvas)
        y = loop_conv(canvas, ex.kernel[0, 0], ex.bias[0])
        np.testing.assert_array_equal(grid(texts, f"y{r}", y.shape), y)
        np.testing.assert_array_equal(grid(texts, f"p{r}", (2, 2)), loop_max_pool(y, 2))
        assert boxes[f"x{r}-image"].get_xy()[0] == corner
        assert (boxes[f"y{r}-valid"].get_width(), boxes[f"y{r}-valid"].get_height()) == (2, 2)
        maps.append(y)
        # Every input pixel has the input colour and a solid edge, the zeros of the image
        # and of the canvas included: none of them is padding or a missing connection.
        for (i, j), _ in np.ndenumerate(canvas):
            box = boxes[f"x{r}-{i}-{j}-box"]
            assert to_hex(box.get_facecolor()) == to_hex(theme.input)
            assert box.get_linestyle() == "-"
    np.testing.assert_array_equal(maps[1][shift:, shift:], maps[0][:-shift, :-shift])
    assert np.all(maps[1][:shift, :] == ex.bias[0]) and np.all(maps[1][:, :shift] == ex.bias[0])
    pooled = [loop_max_pool(m, 2) for m in maps]
    kept = int((pooled[0] == pooled[1]).sum())
    assert texts["title-1-2"] == f"{kept} of 4 values kept"
    if shift == 2:
        np.testing.assert_array_equal(pooled[1][1:, 1:], pooled[0][:-1, :-1])
    alt = registry.get("equivariance").alt(data)
    assert f"{kept} of 4 pooled values unchanged" in alt
    # The 2x2 stride-2 pool of the 5x5 map reads rows and columns 1-4 only (floor), and the
    # outlines are the outputs whose window lies entirely on the image.
    caption = registry.get("equivariance").caption(data)
    covered = 2 * (maps[0].shape[0] // 2)
    assert covered == 4 and maps[0].shape[0] - covered == 1
    for text in (caption, alt):
        assert f"cover rows and columns 1 to {covered} of the 5x5 map only" in text
        assert "row and column 5 of the map are left out" in text
        assert "whose window lies entirely on it" in text
    assert_text_legible_unclipped_and_apart(fig)


def test_equivariance_refuses_a_shift_off_the_canvas():
    # Proves an impossible setup stops with one sentence naming the rule and the values.
    assert_refused_in_one_sentence("equivariance", {"shift": 3}, ["canvas=6", "shift=3"])


# ----------------------------------------------------------------------------------------
# padding-modes
# ----------------------------------------------------------------------------------------


def loop_taps(n, k, p, mode):
    """counts[row, col, t]: how often weight t reads input col in output row, by loops over
    the line numpy.pad builds from the input positions (-1 marks a zero)."""
    positions = np.arange(n)
    if mode == "zeros":
        padded = np.pad(positions, p, mode="constant", constant_values=-1)
    else:
        padded = np.pad(positions, p, mode=NUMPY_MODE[mode])
    out = n + 2 * p - k + 1
    counts = np.zeros((out, n, k), dtype=int)
    for i in range(out):
        for t in range(k):
            if padded[i + t] >= 0:
                counts[i, padded[i + t], t] += 1
    return padded, counts


def name(t):
    return f"w{t + 1}".translate(SUB)


@THEMES
@pytest.mark.parametrize(("n", "k", "p"), [(5, 3, 1), (6, 5, 2), (4, 2, 1)])
def test_padding_modes_draw_the_padded_line_and_the_matrix_of_each_mode(theme, n, k, p):
    # Proves every panel: the padded line is numpy.pad's for that mode, each matrix cell
    # names the weights a loop puts there (a sum where several land, "0" where none), a
    # cell with one weight has that weight's colour, the counts under it are the loop's,
    # and the circular matrix is circulant (each row the row above shifted by one).
    data, fig = render("padding-modes", theme, n=n, kernel=k, padding=p)
    texts, boxes = texts_of(fig), boxes_of(fig)
    for mode in ("zeros", "reflect", "replicate", "circular"):
        padded, counts = loop_taps(n, k, p, mode)
        drawn_line = [texts[f"{mode}-in-{i}"] for i in range(n + 2 * p)]
        assert drawn_line == ["0" if s < 0 else f"x{s + 1}".translate(SUB) for s in padded]
        for (i, j), _ in np.ndenumerate(counts[:, :, 0]):
            want = "+".join((f"{c}" if c > 1 else "") + name(t)
                            for t, c in enumerate(counts[i, j]) if c) or "0"  # fmt: skip
            # A sum is drawn on two lines (one is wider than a cell): read it whole.
            assert texts[f"{mode}-{i}-{j}"].replace("\n", "") == want
            fill = to_hex(boxes[f"{mode}-{i}-{j}-box"].get_facecolor())
            if counts[i, j].sum() == 1:
                t = int(np.argmax(counts[i, j]))
                assert fill == to_hex(WEIGHT_COLOURS[t % len(WEIGHT_COLOURS)])
            elif counts[i, j].sum() == 0:
                assert fill == to_hex(theme.zero)
            else:
                assert f"{mode}-{i}-{j}-sum" in boxes
        zeros = int((counts.sum(axis=2) == 0).sum())
        kept = int(counts.sum())
        assert texts[f"{mode}-count"] == (
            f"{kept} of {counts.shape[0] * k} taps on inputs, {zeros} zeros"
        )
        if mode == "circular" and 2 * p == k - 1:
            rows = [[texts[f"circular-{i}-{j}"] for j in range(n)] for i in range(n)]
            for i in range(1, n):
                assert rows[i] == rows[i - 1][-1:] + rows[i - 1][:-1]
    assert_text_legible_unclipped_and_apart(fig)


def test_padding_modes_alt_text_states_each_modes_border_rows():
    # Proves the alt text quotes, per mode, the padded line and the first and last rows
    # a loop gives, and the counts.
    data = registry.get("padding-modes").data()
    alt = registry.get("padding-modes").alt(data)
    for mode in ("zeros", "reflect", "replicate", "circular"):
        padded, counts = loop_taps(5, 3, 1, mode)
        line = " ".join("0" if s < 0 else f"x{s + 1}".translate(SUB) for s in padded)
        assert f"{mode}: padded input {line}; first row " in alt
    assert "w₁+w₂" in alt and "w₁+w₃" in alt


def test_padding_modes_refuses_a_padding_reflect_cannot_fill():
    # Proves padding at least n stops with one sentence naming it.
    assert_refused_in_one_sentence("padding-modes", {"n": 3, "padding": 3}, ["padding", "n=3"])
