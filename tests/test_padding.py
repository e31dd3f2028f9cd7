"""Tests of ``diagram_gen.padding`` against numpy.pad, SciPy's filters and naive loops.

The references are independent of the implementation: ``numpy.pad`` with its own mode
names, ``scipy.ndimage.correlate`` with SciPy's mode names, plain loops over output
positions and kernel taps on an input padded by ``numpy.pad``, and a dense matrix built
column by column from basis vectors. Hypothesis draws shapes, paddings and a seed; the
arrays come from ``np.random.default_rng(seed)``. Float comparisons use a tolerance of
1e-10 (every value is a short sum of products of standard normals).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from diagram_gen import layers, padding

#: Our (PyTorch's) mode name -> numpy.pad's and scipy.ndimage's names for the same rule.
NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
SCIPY_MODE = {"zeros": "constant", "reflect": "mirror", "replicate": "nearest", "circular": "wrap"}
MODES = st.sampled_from(padding.MODES)
SEEDS = st.integers(0, 2**32 - 1)


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-10)


def largest_pad(mode: str, n: int) -> int:
    """The largest padding each mode accepts on a line of n (PyTorch's rules)."""
    return {"zeros": 4, "replicate": 4, "reflect": n - 1, "circular": n}[mode]


@st.composite
def padded_inputs(draw, max_ndim=3):
    ndim = draw(st.integers(1, max_ndim))
    mode = draw(MODES)
    spatial = tuple(draw(st.integers(1, 6)) for _ in range(ndim))
    pads = tuple(draw(st.integers(0, min(largest_pad(mode, n), 4))) for n in spatial)
    channels = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(SEEDS))
    return rng.normal(size=(channels, *spatial)), pads, mode


def loop_conv(xp: np.ndarray, w: np.ndarray, stride: int, dilation: int) -> np.ndarray:
    """Unpadded cross-correlation of an already padded (C, *spatial) input, by loops."""
    c_out, c_in = w.shape[:2]
    kernel = w.shape[2:]
    out = [
        (n - dilation * (k - 1) - 1) // stride + 1
        for n, k in zip(xp.shape[1:], kernel, strict=True)
    ]
    y = np.zeros((c_out, *out))
    for o in range(c_out):
        for p in itertools.product(*(range(s) for s in out)):
            total = 0.0
            for c in range(c_in):
                for t in itertools.product(*(range(k) for k in kernel)):
                    q = tuple(pi * stride + ti * dilation for pi, ti in zip(p, t, strict=True))
                    total += w[(o, c, *t)] * xp[(c, *q)]
            y[(o, *p)] = total
    return y


@settings(max_examples=60, deadline=None)
@given(padded_inputs())
def test_pad_matches_numpy_pad(case):
    # Proves each of our modes fills the border exactly as numpy.pad's equivalent does,
    # in 1 to 3 dimensions, with a different padding per dimension.
    x, pads, mode = case
    expected = np.pad(x, [(0, 0)] + [(p, p) for p in pads], mode=NUMPY_MODE[mode])
    np.testing.assert_array_equal(padding.pad(x, pads, mode), expected)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_same_convolution_matches_scipy_filters(data):
    # Proves an odd kernel with "same" padding in each mode is SciPy's correlate with the
    # corresponding boundary mode (its "mirror" is our "reflect", "nearest" our
    # "replicate"), in 1 to 3 dimensions.
    ndim = data.draw(st.integers(1, 3))
    mode = data.draw(MODES)
    kernel = tuple(data.draw(st.sampled_from([1, 3])) for _ in range(ndim))
    # reflect needs the padding (k // 2) below the size; SciPy wraps any size.
    spatial = tuple(data.draw(st.integers(2 if k == 3 else 1, 6)) for k in kernel)
    rng = np.random.default_rng(data.draw(SEEDS))
    x = rng.normal(size=(1, *spatial))
    w = rng.normal(size=(1, 1, *kernel))
    ours = padding.conv(x, w, padding="same", mode=mode)[0]
    theirs = ndimage.correlate(x[0], w[0, 0], mode=SCIPY_MODE[mode], cval=0.0)
    assert_close(ours, theirs)


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_conv_and_its_matrix_match_loops_over_numpy_padding(data):
    # Proves conv in every mode, with strides, dilations and channels, is a loop over the
    # numpy-padded input, and that conv_matrix is the layer's matrix: its columns are the
    # outputs for the basis vectors (so M @ x is the convolution, bias aside).
    ndim = data.draw(st.integers(1, 2))
    mode = data.draw(MODES)
    spatial = tuple(data.draw(st.integers(2, 6)) for _ in range(ndim))
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in range(ndim))
    pads = tuple(data.draw(st.integers(0, min(largest_pad(mode, n), 2))) for n in spatial)
    stride, dilation = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    c_in, c_out = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    for n, k, p in zip(spatial, kernel, pads, strict=True):
        if dilation * (k - 1) + 1 > n + 2 * p:
            return  # the kernel does not fit: nothing to compare
    rng = np.random.default_rng(data.draw(SEEDS))
    x = rng.normal(size=(c_in, *spatial))
    w = rng.normal(size=(c_out, c_in, *kernel))
    b = rng.normal(size=c_out)
    kwargs = {"padding": pads, "mode": mode, "stride": stride, "dilation": dilation}
    xp = np.pad(x, [(0, 0)] + [(p, p) for p in pads], mode=NUMPY_MODE[mode])
    expected = loop_conv(xp, w, stride, dilation)
    assert_close(padding.conv(x, w, b, **kwargs), expected + b.reshape((-1,) + (1,) * ndim))
    matrix = padding.conv_matrix(w, x.shape, **kwargs)
    columns = []
    for j in range(x.size):
        basis = np.zeros(x.size)
        basis[j] = 1.0
        columns.append(padding.conv(basis.reshape(x.shape), w, **kwargs).ravel())
    assert_close(matrix, np.stack(columns, axis=1))
    assert_close(matrix @ x.ravel(), expected.ravel())


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_zeros_mode_is_the_layer_math(data):
    # Proves mode "zeros" is layers.conv and its matrix layers.conv_matrix, entry for
    # entry, with at most one tap per entry.
    n = data.draw(st.integers(1, 7))
    k = data.draw(st.integers(1, min(n + 2, 4)))
    p = data.draw(st.integers(0, 2))
    rng = np.random.default_rng(data.draw(SEEDS))
    x, w = rng.normal(size=(2, n, n)), rng.normal(size=(3, 2, k, k))
    if k > n + 2 * p:
        return
    assert_close(padding.conv(x, w, padding=p), layers.conv(x, w, padding=p))
    assert_close(
        padding.conv_matrix(w, x.shape, padding=p), layers.conv_matrix(w, x.shape, padding=p)
    )
    assert padding.conv_matrix_taps(w.shape, x.shape, padding=p).sum(axis=2).max() <= 1


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 12), half=st.integers(1, 2), seed=SEEDS)
def test_circular_padding_makes_the_matrix_circulant(n, half, seed):
    # Proves that with circular padding (k // 2 each side, stride 1) every row of the
    # n-by-n matrix is the row above shifted cyclically by one: a circulant matrix, with
    # exactly k non-zeros in every row and column (no entry loses a tap at the border).
    k = 2 * half + 1
    if k > n:
        return
    w = np.random.default_rng(seed).normal(size=(1, 1, k))
    matrix = padding.conv_matrix(w, (1, n), padding=half, mode="circular")
    for i in range(1, n):
        np.testing.assert_array_equal(matrix[i], np.roll(matrix[i - 1], 1))
    taps = padding.conv_matrix_taps(w.shape, (1, n), padding=half, mode="circular")
    np.testing.assert_array_equal(taps.sum(axis=(1, 2)), np.full(n, k))
    np.testing.assert_array_equal((taps.sum(axis=2) > 0).sum(axis=0), np.full(n, k))
    # The zero-padded matrix is the same band with the wrapped corners cut off.
    zeros = padding.conv_matrix(w, (1, n), padding=half)
    corner = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for t in range(k):
            corner[i, (i + t - half) % n] = not 0 <= i + t - half < n
    np.testing.assert_array_equal(zeros[corner], 0)
    assert_close(zeros[~corner], matrix[~corner])


def test_reflect_and_replicate_fold_border_taps_onto_real_inputs():
    # Proves what the page says about the border row of a 1D layer with k = 3, padding 1:
    # replicate puts w1 + w2 on the first input, reflect puts w1 + w3 on the second.
    w = np.array([[[1.0, 10.0, 100.0]]])
    first = {m: padding.conv_matrix(w, (1, 5), padding=1, mode=m)[0] for m in padding.MODES}
    np.testing.assert_array_equal(first["zeros"], [10, 100, 0, 0, 0])
    np.testing.assert_array_equal(first["replicate"], [11, 100, 0, 0, 0])
    np.testing.assert_array_equal(first["reflect"], [10, 101, 0, 0, 0])
    np.testing.assert_array_equal(first["circular"], [10, 100, 0, 0, 1])


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: padding.pad(np.zeros((1, 3)), 3, "reflect"), ["reflect", "3"]),
        (lambda: padding.pad(np.zeros((1, 3)), 4, "circular"), ["circular", "4"]),
        (lambda: padding.pad(np.zeros((1, 3)), 1, "mirror"), ["mode", "'mirror'"]),
        (lambda: padding.pad(np.zeros((1, 3)), "same"), ["padding", "'same'"]),
        (lambda: padding.conv(np.zeros((1, 4)), np.zeros((1, 1, 3)), padding=-1), ["padding"]),
        (
            lambda: padding.conv(np.zeros((1, 4)), np.zeros((1, 1, 3)), padding="same", stride=2),
            ["same", "stride"],
        ),
    ],
)
def test_bad_input_is_refused_in_one_sentence(call, words):
    # Proves impossible paddings and unknown modes stop with one sentence naming them.
    with pytest.raises(ValueError) as error:
        call()
    message = str(error.value)
    assert message.count(". ") == 0 and message.endswith(".")
    for word in words:
        assert word in message
