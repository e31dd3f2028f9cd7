"""Translation equivariance: shift the input and the feature map shifts, and where not.

Random inputs (hypothesis draws sizes, shifts and a seed). The shifts are written here
with plain slicing; the references for the layers are :mod:`diagram_gen.layers` and
:mod:`diagram_gen.padding`, themselves tested against loops and SciPy elsewhere. Each
"fails" test asserts the failure on generic (normally distributed) inputs, where an
accidental equality has probability zero.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from diagram_gen import examples, layers, padding, site_data

SEEDS = st.integers(0, 2**32 - 1)


def shift(x: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Move a (C, H, W) array down by dy and right by dx, filling with zeros."""
    out = np.zeros_like(x)
    h, w = x.shape[1:]
    out[:, dy:, dx:] = x[:, : h - dy, : w - dx]
    return out


@st.composite
def content_on_a_canvas(draw):
    """Random content with empty margins: k - 1 at the top and left (so no window ever
    hangs over the content's edge), k + 3 (3 is the largest shift) at the bottom and right."""
    dy, dx = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    h, w = draw(st.integers(2, 6)), draw(st.integers(2, 6))
    c_in, c_out, k = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(SEEDS))
    x = np.zeros((c_in, k - 1 + h + 3 + k, k - 1 + w + 3 + k))
    x[:, k - 1 : k - 1 + h, k - 1 : k - 1 + w] = rng.normal(size=(c_in, h, w))
    return x, rng.normal(size=(c_out, c_in, k, k)), rng.normal(size=c_out), (dy, dx)


@settings(max_examples=60, deadline=None)
@given(content_on_a_canvas())
def test_shifting_the_input_shifts_the_feature_map(case):
    # Proves weight sharing gives equivariance: with stride 1 and content that stays in
    # the frame, conv(shift(x)) is conv(x) moved by the same amount; the rows and columns
    # it uncovers hold the bias (the output of an all-zero patch).
    x, w, b, (dy, dx) = case
    y, y_shifted = layers.conv(x, w, b), layers.conv(shift(x, dy, dx), w, b)
    h, wd = y.shape[1:]
    np.testing.assert_allclose(y_shifted[:, dy:, dx:], y[:, : h - dy, : wd - dx], atol=1e-12)
    uncovered = np.ones(y.shape[1:], dtype=bool)
    uncovered[dy:, dx:] = False
    np.testing.assert_allclose(y_shifted[:, uncovered], np.repeat(b[:, None], uncovered.sum(), 1))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 7), k=st.integers(1, 3), dy=st.integers(-6, 6), dx=st.integers(-6, 6),
       seed=SEEDS)  # fmt: skip
def test_circular_padding_commutes_with_every_cyclic_shift(n, k, dy, dx, seed):
    # Proves the exact case: with circular padding ("same", stride 1) a cyclic shift of the
    # input cyclically shifts the output, at every position, borders included.
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(2, n, n)), rng.normal(size=(3, 2, k, k)), rng.normal(size=3)
    kwargs = {"padding": "same", "mode": "circular"}
    rolled = padding.conv(np.roll(x, (dy, dx), axis=(1, 2)), w, b, **kwargs)
    np.testing.assert_allclose(rolled, np.roll(padding.conv(x, w, b, **kwargs), (dy, dx), (1, 2)))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(4, 7), half=st.integers(1, 2), seed=SEEDS)
def test_zero_padding_breaks_equivariance_at_the_border_only(n, half, seed):
    # Proves where zero padding fails: after a cyclic shift by one column, outputs whose
    # window never reaches the border or the wrapped column agree with the shifted map,
    # and the column next to the wrap does not.
    k = 2 * half + 1
    if k > n:
        return
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(1, n, n)), rng.normal(size=(1, 1, k, k))
    y = layers.conv(x, w, padding="same")
    y_rolled = layers.conv(np.roll(x, 1, axis=2), w, padding="same")
    expected = np.roll(y, 1, axis=2)
    # Column j of the output reads input columns j - half .. j + half; the rolled input
    # is the old one shifted by one except that column 0 holds the old last column.
    interior = slice(half + 1, n - half)
    np.testing.assert_allclose(y_rolled[..., interior], expected[..., interior], atol=1e-12)
    assert not np.allclose(y_rolled[..., 0], expected[..., 0])


@settings(max_examples=40, deadline=None)
@given(size=st.integers(3, 6), k=st.integers(1, 3), seed=SEEDS)
def test_stride_two_is_equivariant_to_even_shifts_only(size, k, seed):
    # Proves stride breaks equivariance: a shift by 2 moves a stride-2 map by one cell
    # exactly, a shift by 1 gives a map that is no shifted copy of the original at all
    # (it samples the other positions).
    rng = np.random.default_rng(seed)
    x = np.zeros((1, size + 2 + k, size + 2 + k))
    x[:, :size, :size] = rng.normal(size=(1, size, size))
    w = rng.normal(size=(1, 1, k, k))
    y = layers.conv(x, w, stride=2)
    by_two = layers.conv(shift(x, 2, 2), w, stride=2)
    np.testing.assert_allclose(by_two[:, 1:, 1:], y[:, :-1, :-1], atol=1e-12)
    by_one = layers.conv(shift(x, 1, 1), w, stride=2)
    h, wd = y.shape[1:]
    for dy in range(h):
        for dx in range(wd):
            assert not np.allclose(by_one[:, dy:, dx:], y[:, : h - dy, : wd - dx])


@settings(max_examples=40, deadline=None)
@given(content_on_a_canvas())
def test_pooling_is_invariant_only_to_shifts_by_its_stride_or_globally(case):
    # Proves what pooling adds: a global maximum ignores any shift that keeps the content
    # in the frame; a 2x2 max pool with stride 2 moves by exactly one cell when the input
    # moves by 2 (so it is equivariant on its coarser grid, no more).
    x, w, b, _ = case
    y = layers.conv(x, w, b)
    y2 = layers.conv(shift(x, 2, 2), w, b)
    if min(y.shape[1:]) < 4:
        return
    np.testing.assert_allclose(y2.max(axis=(1, 2)), np.maximum(y.max(axis=(1, 2)), b))
    pooled, pooled2 = layers.pool(y, "max", 2), layers.pool(y2, "max", 2)
    np.testing.assert_allclose(pooled2[:, 1:, 1:], pooled[:, :-1, :-1])


def test_the_page_numbers_are_the_running_example_shifted():
    # Proves the equivariance page's numbers: the small example's 3x3 image on a 6x6
    # canvas, moved by (1, 1), gives the same 5x5 map moved by (1, 1) (checked here by
    # a loop over every output), and the pooled and strided maps it quotes.
    ex = examples.small_conv()
    numbers = site_data.numbers()

    def loop(offset, stride=1):
        x = site_data.equivariance_canvas(offset)[0]
        kernel = ex.kernel[0, 0]
        n = (x.shape[0] - 2) // stride + 1
        return np.array([[ex.bias[0] + (kernel * x[i * stride:i * stride + 2,
                                                   j * stride:j * stride + 2]).sum()
                          for j in range(n)] for i in range(n)])  # fmt: skip

    before, after = loop((1, 1)), loop((2, 2))
    assert np.array_equal(after[1:, 1:], before[:-1, :-1])
    assert np.all(after[0, :] == ex.bias[0]) and np.all(after[:, 0] == ex.bias[0])
    assert numbers["equi.row_before"] == ", ".join(examples.format_number(v) for v in before[1])
    pooled = [np.array([[m[2 * i:2 * i + 2, 2 * j:2 * j + 2].max() for j in range(2)]
                        for i in range(2)]) for m in (before, after)]  # fmt: skip
    assert numbers["equi.pool_before"] == site_data.spoken_list(pooled[0].ravel())
    assert numbers["equi.pool_after"] == site_data.spoken_list(pooled[1].ravel())
    assert numbers["equi.pool_kept"] == str(int((pooled[0] == pooled[1]).sum()))
    assert numbers["equi.stride_before"] == site_data.rows_text(loop((1, 1), 2))
    assert numbers["equi.stride_after"] == site_data.rows_text(loop((2, 2), 2))
    assert numbers["equi.border_circular_changed"] == "0"
    assert int(numbers["equi.border_zeros_changed"]) > 0
