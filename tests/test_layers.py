"""Tests of ``diagram_gen.layers`` against naive loops, scipy, and the identities between layers.

Every array is float64 and every numerical comparison uses
``np.testing.assert_allclose(actual, expected, rtol=1e-10, atol=1e-10)`` (``assert_close``
below); index arrays and shapes are compared exactly. Random cases are small (1 to 4
channels, spatial sizes 1 to 7, kernels 1 to 4, fewer in 3D so the naive loops stay fast):
hypothesis draws the shapes and parameters plus a seed, and the arrays come from
``np.random.default_rng(seed)``.

The references are written independently of the implementation: plain Python loops over
output positions, channels and kernel taps on an input padded with ``np.pad``; a naive
scatter for the transposed convolution; ``scipy.signal.correlate``; and a dense matrix
built column by column from basis vectors.
"""

from __future__ import annotations

import ast
import itertools
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import signal

from diagram_gen import layers
from diagram_gen.layers import (
    DEFAULT_MAX_ENTRIES,
    avg_pool_matrix,
    check_int,
    check_positive_int,
    conv,
    conv_matrix,
    conv_matrix_index,
    conv_output_size,
    conv_transpose,
    conv_transpose_output_size,
    dense,
    pool,
)

RTOL = 1e-10
ATOL = 1e-10

MAX_CHANNELS = {1: 4, 2: 4, 3: 2}
MAX_SPATIAL = {1: 7, 2: 7, 3: 4}
MAX_KERNEL = {1: 4, 2: 4, 3: 3}
NDIMS = [1, 2, 3]
SEEDS = st.integers(0, 2**32 - 1)


def assert_close(actual: np.ndarray | float, expected: np.ndarray | float) -> None:
    """Compare with the file-wide float64 tolerance."""
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


# ----------------------------------------------------------------------------------------
# Naive references
# ----------------------------------------------------------------------------------------


def naive_conv(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    stride: Sequence[int],
    pad_lo: Sequence[int],
    pad_hi: Sequence[int],
    dilation: Sequence[int],
    groups: int,
) -> np.ndarray:
    """Cross-correlation by explicit loops over outputs, channels and kernel taps."""
    ndim = x.ndim - 1
    xp = np.pad(x, [(0, 0)] + list(zip(pad_lo, pad_hi, strict=True)))
    c_out, cg, kernel = w.shape[0], w.shape[1], w.shape[2:]
    cog = c_out // groups
    # Window starts 0, s, 2s, ... while the last tap still lies inside the padded input.
    out_shape = tuple(
        len(range(0, xp.shape[1 + i] - dilation[i] * (kernel[i] - 1), stride[i]))
        for i in range(ndim)
    )
    y = np.zeros((c_out, *out_shape))
    for co in range(c_out):
        group = co // cog
        for o in itertools.product(*(range(n) for n in out_shape)):
            total = 0.0 if b is None else float(b[co])
            for ci in range(cg):
                for t in itertools.product(*(range(k) for k in kernel)):
                    pos = tuple(o[i] * stride[i] + t[i] * dilation[i] for i in range(ndim))
                    total += w[(co, ci, *t)] * xp[(group * cg + ci, *pos)]
            y[(co, *o)] = total
    return y


def naive_conv_transpose(
    y: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    output_padding: Sequence[int],
    groups: int,
) -> np.ndarray:
    """Scatter every input value times the kernel, then crop ``padding`` from each side."""
    ndim = y.ndim - 1
    c_in, spatial = y.shape[0], y.shape[1:]
    cog, kernel = w.shape[1], w.shape[2:]
    cig = c_in // groups
    full = tuple(
        (spatial[i] - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 + output_padding[i]
        for i in range(ndim)
    )
    buf = np.zeros((cog * groups, *full))
    for ci in range(c_in):
        group = ci // cig
        for i in itertools.product(*(range(n) for n in spatial)):
            for co in range(cog):
                for t in itertools.product(*(range(k) for k in kernel)):
                    pos = tuple(i[d] * stride[d] + t[d] * dilation[d] for d in range(ndim))
                    buf[(group * cog + co, *pos)] += y[(ci, *i)] * w[(ci, co, *t)]
    out = buf[(slice(None), *(slice(p, f - p) for p, f in zip(padding, full, strict=True)))]
    if b is not None:
        out = out + b.reshape((-1,) + (1,) * ndim)
    return out


def naive_pool(
    x: np.ndarray, kind: str, kernel: Sequence[int], stride: Sequence[int], padding: Sequence[int]
) -> np.ndarray:
    """Max (padding -inf) or average (padding 0, divide by the window size) by loops."""
    ndim = x.ndim - 1
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, [(0, 0)] + [(p, p) for p in padding], constant_values=fill)
    out_shape = tuple(
        len(range(0, xp.shape[1 + i] - kernel[i] + 1, stride[i])) for i in range(ndim)
    )
    y = np.zeros((x.shape[0], *out_shape))
    for c in range(x.shape[0]):
        for o in itertools.product(*(range(n) for n in out_shape)):
            values = [
                xp[(c, *(o[i] * stride[i] + t[i] for i in range(ndim)))]
                for t in itertools.product(*(range(k) for k in kernel))
            ]
            y[(c, *o)] = max(values) if kind == "max" else sum(values) / len(values)
    return y


def naive_dense(x: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """y_j = b_j + sum_i W[j, i] x_i, one explicit sum per output."""
    n_out, n_in = W.shape
    y = np.zeros(n_out)
    for j in range(n_out):
        total = 0.0 if b is None else float(b[j])
        for i in range(n_in):
            total += W[j, i] * x[i]
        y[j] = total
    return y


def same_padding(kernel: Sequence[int], dilation: Sequence[int]) -> tuple[tuple, tuple]:
    """PyTorch's 'same': total d*(k-1) per dimension, total // 2 before, the rest after."""
    total = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
    lo = tuple(t // 2 for t in total)
    return lo, tuple(t - left for t, left in zip(total, lo, strict=True))


# ----------------------------------------------------------------------------------------
# Strategies
# ----------------------------------------------------------------------------------------


def _as_param(draw: st.DrawFn, values: tuple[int, ...]) -> int | tuple | list:
    """Pass per-dimension values as a bare int (when they agree), a tuple or a list."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return draw(st.sampled_from([tuple, list]))(values)


@dataclass
class ConvCase:
    """A random convolution: arrays, the keyword arguments as passed, resolved geometry."""

    x: np.ndarray
    w: np.ndarray
    b: np.ndarray | None
    kwargs: dict
    stride: tuple[int, ...]
    pad_lo: tuple[int, ...]
    pad_hi: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int


@st.composite
def conv_cases(
    draw: st.DrawFn,
    ndim: int,
    *,
    groups: bool = True,
    dilation: bool = True,
    string_padding: bool = True,
) -> ConvCase:
    """Small valid convolutions: the input is never smaller than the dilated kernel."""
    c = MAX_CHANNELS[ndim]
    g = draw(st.integers(1, c)) if groups else 1
    cg, cog = draw(st.integers(1, c // g)), draw(st.integers(1, c // g))
    kernel = tuple(draw(st.integers(1, MAX_KERNEL[ndim])) for _ in range(ndim))
    dil = tuple(draw(st.integers(1, 2 if ndim == 3 else 3)) for _ in range(ndim))
    if not dilation:
        dil = (1,) * ndim
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    modes = ["int", "tuple"] + (["same", "valid"] if string_padding else [])
    mode = draw(st.sampled_from(modes))
    if mode == "int":
        p = draw(st.integers(0, 2))
        padding, lo, hi = p, (p,) * ndim, (p,) * ndim
    elif mode == "tuple":
        lo = hi = tuple(draw(st.integers(0, 2)) for _ in range(ndim))
        padding = draw(st.sampled_from([tuple, list]))(lo)
    elif mode == "same":
        stride = (1,) * ndim  # PyTorch only allows 'same' without stride
        padding = "same"
        lo, hi = same_padding(kernel, dil)
    else:
        padding, lo, hi = "valid", (0,) * ndim, (0,) * ndim
    spatial = []
    for i in range(ndim):
        smallest = max(1, dil[i] * (kernel[i] - 1) + 1 - lo[i] - hi[i])
        spatial.append(draw(st.integers(smallest, max(smallest, MAX_SPATIAL[ndim]))))
    rng = np.random.default_rng(draw(SEEDS))
    x = rng.standard_normal((g * cg, *spatial))
    w = rng.standard_normal((g * cog, cg, *kernel))
    b = rng.standard_normal(g * cog) if draw(st.booleans()) else None
    kwargs = {
        "stride": _as_param(draw, stride),
        "padding": padding,
        "dilation": _as_param(draw, dil),
        "groups": g,
    }
    return ConvCase(x, w, b, kwargs, stride, lo, hi, dil, g)


@dataclass
class TransposeCase:
    """A random transposed convolution and the conv it is the adjoint of."""

    y: np.ndarray
    w: np.ndarray
    b: np.ndarray | None
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    output_padding: tuple[int, ...]
    groups: int
    out_spatial: tuple[int, ...]

    @property
    def conv_kwargs(self) -> dict:
        return {
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "groups": self.groups,
        }

    @property
    def kwargs(self) -> dict:
        return {**self.conv_kwargs, "output_padding": self.output_padding}

    @property
    def out_channels(self) -> int:
        return self.w.shape[1] * self.groups


@st.composite
def transpose_cases(draw: st.DrawFn, ndim: int, *, op_below_stride: bool = False) -> TransposeCase:
    """Small transposed convolutions; output_padding obeys op < stride or op < dilation."""
    c = MAX_CHANNELS[ndim]
    g = draw(st.integers(1, c))
    cig, cog = draw(st.integers(1, c // g)), draw(st.integers(1, c // g))
    kernel = tuple(draw(st.integers(1, MAX_KERNEL[ndim])) for _ in range(ndim))
    spatial = tuple(draw(st.integers(1, min(5, MAX_SPATIAL[ndim]))) for _ in range(ndim))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    dil = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(ndim))
    limits = stride if op_below_stride else tuple(map(max, stride, dil))
    op = tuple(draw(st.integers(0, lim - 1)) for lim in limits)
    out = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + o + 1
        for n, k, s, p, d, o in zip(spatial, kernel, stride, padding, dil, op, strict=True)
    )
    assume(all(size >= 1 for size in out))  # too much padding: no output (tested elsewhere)
    rng = np.random.default_rng(draw(SEEDS))
    y = rng.standard_normal((g * cig, *spatial))
    w = rng.standard_normal((g * cig, cog, *kernel))
    b = rng.standard_normal(g * cog) if draw(st.booleans()) else None
    return TransposeCase(y, w, b, stride, padding, dil, op, g, out)


# ----------------------------------------------------------------------------------------
# 1. conv against the naive loops
# ----------------------------------------------------------------------------------------


# Proves conv is PyTorch's cross-correlation in 1D, 2D and 3D for every combination of
# stride, padding (int, per-dimension tuple/list, "same" with its asymmetric split for even
# kernels, "valid"), dilation, groups and bias: it equals explicit loops on np.pad's output.
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_conv_matches_naive_loops(ndim: int, data: st.DataObject) -> None:
    case = data.draw(conv_cases(ndim))
    expected = naive_conv(
        case.x, case.w, case.b, case.stride, case.pad_lo, case.pad_hi, case.dilation, case.groups
    )
    actual = conv(case.x, case.w, case.b, **case.kwargs)
    assert actual.shape == expected.shape
    assert_close(actual, expected)


# ----------------------------------------------------------------------------------------
# 2. conv against scipy.signal.correlate
# ----------------------------------------------------------------------------------------


# Proves conv agrees with an independent library: per output channel, the sum over input
# channels of scipy's "valid" correlation of the padded channel with its kernel, subsampled
# by the stride (groups 1, dilation 1), plus the bias.
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_conv_matches_scipy_correlate(ndim: int, data: st.DataObject) -> None:
    case = data.draw(conv_cases(ndim, groups=False, dilation=False, string_padding=False))
    xp = np.pad(case.x, [(0, 0)] + list(zip(case.pad_lo, case.pad_hi, strict=True)))
    subsample = (slice(None),) + tuple(slice(None, None, s) for s in case.stride)
    expected = np.stack(
        [
            sum(
                signal.correlate(xp[ci], case.w[co, ci], mode="valid")
                for ci in range(case.x.shape[0])
            )
            for co in range(case.w.shape[0])
        ]
    )[subsample]
    if case.b is not None:
        expected = expected + case.b.reshape((-1,) + (1,) * ndim)
    assert_close(conv(case.x, case.w, case.b, **case.kwargs), expected)


# ----------------------------------------------------------------------------------------
# 3. The dense matrix of a convolution
# ----------------------------------------------------------------------------------------


# Proves a convolution is a fully connected layer: conv_matrix(w) @ x.ravel() equals
# conv(x, w).ravel() for every stride/padding/dilation/groups in 1D-3D, and conv_matrix is
# exactly conv_matrix_index with each index replaced by its weight (-1 by 0).
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_conv_matrix_times_x_is_conv(ndim: int, data: st.DataObject) -> None:
    case = data.draw(conv_cases(ndim))
    matrix = conv_matrix(case.w, case.x.shape, **case.kwargs)
    y = conv(case.x, case.w, **case.kwargs)
    assert matrix.shape == (y.size, case.x.size)
    assert_close(matrix @ case.x.ravel(), y.ravel())
    index = conv_matrix_index(case.w.shape, case.x.shape, **case.kwargs)
    assert_close(matrix, np.where(index >= 0, case.w.ravel()[index], 0.0))


# Proves conv_matrix_index marks exactly the entries a convolution can ever make non-zero,
# with the right weight: built column by column, M[:, j] = conv(e_j, w).ravel() with the
# weights replaced by the codes 1..n, is non-zero exactly where the index is >= 0, and the
# code there is index + 1.
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_conv_matrix_index_matches_basis_construction(ndim: int, data: st.DataObject) -> None:
    case = data.draw(conv_cases(ndim))
    codes = np.arange(1, case.w.size + 1, dtype=float).reshape(case.w.shape)
    columns = []
    for j in range(case.x.size):
        basis = np.zeros(case.x.size)
        basis[j] = 1.0
        columns.append(conv(basis.reshape(case.x.shape), codes, **case.kwargs).ravel())
    naive = np.stack(columns, axis=1)
    expected = np.where(naive != 0, np.rint(naive).astype(np.int64) - 1, -1)
    index = conv_matrix_index(case.w.shape, case.x.shape, **case.kwargs)
    assert index.dtype == np.int64
    np.testing.assert_array_equal(index, expected)


# Proves the index is the familiar band structure on the smallest example: a 2-tap kernel
# on a length-3 input gives a 2x3 matrix with the weights on two diagonals.
def test_conv_matrix_index_small_known_value() -> None:
    np.testing.assert_array_equal(
        conv_matrix_index((1, 1, 2), (1, 3)), np.array([[0, 1, -1], [-1, 0, 1]])
    )
    # 2x2 kernel on a 3x3 image (the site's running example): 4 outputs x 9 inputs.
    expected = np.array(
        [
            [0, 1, -1, 2, 3, -1, -1, -1, -1],
            [-1, 0, 1, -1, 2, 3, -1, -1, -1],
            [-1, -1, -1, 0, 1, -1, 2, 3, -1],
            [-1, -1, -1, -1, 0, 1, -1, 2, 3],
        ]
    )
    np.testing.assert_array_equal(conv_matrix_index((1, 1, 2, 2), (1, 3, 3)), expected)


# ----------------------------------------------------------------------------------------
# 4. Adjoint identity
# ----------------------------------------------------------------------------------------


# Proves conv_transpose is the adjoint of conv: <conv(x, w), y> == <x, conv_transpose(y, w)>
# for x of the transpose's output shape. With output_padding < stride, conv maps x back to
# exactly y's shape. output_padding >= stride (allowed when it is below the dilation) makes
# the transpose output so long that conv(x) has output_padding // stride extra trailing
# positions, which no entry of y reaches; the identity then holds with conv(x) cropped to
# y's shape.
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_adjoint_identity(ndim: int, data: st.DataObject) -> None:
    case = data.draw(transpose_cases(ndim))
    rng = np.random.default_rng(data.draw(SEEDS))
    x = rng.standard_normal((case.out_channels, *case.out_spatial))
    cx = conv(x, case.w, **case.conv_kwargs)
    n = case.y.shape[1:]
    extra = tuple(o // s for o, s in zip(case.output_padding, case.stride, strict=True))
    assert cx.shape[1:] == tuple(a + e for a, e in zip(n, extra, strict=True))
    cropped = cx[(slice(None), *(slice(0, size) for size in n))]
    left = np.vdot(cropped, case.y)
    right = np.vdot(x, conv_transpose(case.y, case.w, **case.kwargs))
    assert_close(left, right)


# ----------------------------------------------------------------------------------------
# 5. conv_transpose against a naive scatter and the transposed matrix
# ----------------------------------------------------------------------------------------


# Proves conv_transpose is PyTorch's transposed convolution in 1D-3D: every input value
# scatters value * kernel at stride spacing with dilated taps, padding crops both sides,
# output_padding extends the end, groups block the channels, bias is added everywhere.
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_conv_transpose_matches_naive_scatter(ndim: int, data: st.DataObject) -> None:
    case = data.draw(transpose_cases(ndim))
    expected = naive_conv_transpose(
        case.y,
        case.w,
        case.b,
        case.stride,
        case.padding,
        case.dilation,
        case.output_padding,
        case.groups,
    )
    actual = conv_transpose(case.y, case.w, case.b, **case.kwargs)
    assert actual.shape == (case.out_channels, *case.out_spatial)
    assert_close(actual, expected)


# Proves the site's claim that the transposed convolution is the layer whose matrix is the
# transpose: conv_transpose(y, w).ravel() == conv_matrix(w, out_shape).T @ y.ravel(), with
# the same tensor w read as a conv weight (output_padding < stride, so the shapes match).
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_conv_transpose_is_transposed_conv_matrix(ndim: int, data: st.DataObject) -> None:
    case = data.draw(transpose_cases(ndim, op_below_stride=True))
    matrix = conv_matrix(case.w, (case.out_channels, *case.out_spatial), **case.conv_kwargs)
    actual = conv_transpose(case.y, case.w, **case.kwargs)
    assert_close(actual.ravel(), matrix.T @ case.y.ravel())


# ----------------------------------------------------------------------------------------
# 6. Output sizes
# ----------------------------------------------------------------------------------------


# Proves conv_output_size is the size conv really produces, per dimension, for random
# sizes, strides, paddings and dilations.
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_conv_output_size_matches_conv(ndim: int, data: st.DataObject) -> None:
    case = data.draw(conv_cases(ndim, string_padding=False))
    shape = conv(case.x, case.w, **case.kwargs).shape[1:]
    expected = tuple(
        conv_output_size(n, k, s, p, d)
        for n, k, s, p, d in zip(
            case.x.shape[1:], case.w.shape[2:], case.stride, case.pad_lo, case.dilation, strict=True
        )
    )
    assert shape == expected


# Proves conv_transpose_output_size is the size conv_transpose really produces.
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_conv_transpose_output_size_matches_conv_transpose(ndim: int, data: st.DataObject) -> None:
    case = data.draw(transpose_cases(ndim))
    shape = conv_transpose(case.y, case.w, **case.kwargs).shape[1:]
    expected = tuple(
        conv_transpose_output_size(n, k, s, p, d, o)
        for n, k, s, p, d, o in zip(
            case.y.shape[1:],
            case.w.shape[2:],
            case.stride,
            case.padding,
            case.dilation,
            case.output_padding,
            strict=True,
        )
    )
    assert shape == expected == case.out_spatial


# Proves the two size formulas invert each other: a convolution maps the transposed
# output size back to n whenever output_padding < stride, and output_padding =
# (n + 2p - d(k-1) - 1) mod stride recovers every input size a strided conv collapses.
@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(1, 40),
    k=st.integers(1, 6),
    s=st.integers(1, 5),
    p=st.integers(0, 4),
    d=st.integers(1, 4),
    op=st.integers(0, 4),
)
def test_output_sizes_round_trip(n: int, k: int, s: int, p: int, d: int, op: int) -> None:
    assume(op < s)
    assume((n - 1) * s - 2 * p + d * (k - 1) + op + 1 >= 1)
    assert conv_output_size(conv_transpose_output_size(n, k, s, p, d, op), k, s, p, d) == n
    assume(n + 2 * p >= d * (k - 1) + 1)
    m = conv_output_size(n, k, s, p, d)
    remainder = (n + 2 * p - d * (k - 1) - 1) % s
    assert conv_transpose_output_size(m, k, s, p, d, remainder) == n


# ----------------------------------------------------------------------------------------
# 7. Dense layer and pooling
# ----------------------------------------------------------------------------------------


# Proves dense is y = W @ x + b with W of shape (n_out, n_in) (explicit sums), and that a
# batch of row vectors gives x @ W.T + b, row by row the same layer.
@settings(max_examples=40, deadline=None)
@given(
    n_in=st.integers(1, 7),
    n_out=st.integers(1, 7),
    batch=st.integers(1, 4),
    with_bias=st.booleans(),
    seed=SEEDS,
)
def test_dense_matches_explicit_sums(
    n_in: int, n_out: int, batch: int, with_bias: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n_out, n_in))
    b = rng.standard_normal(n_out) if with_bias else None
    xs = rng.standard_normal((batch, n_in))
    assert_close(dense(xs[0], W, b), naive_dense(xs[0], W, b))
    batched = dense(xs, W, b)
    assert batched.shape == (batch, n_out)
    assert_close(batched, np.stack([naive_dense(row, W, b) for row in xs]))
    assert_close(batched, xs @ W.T + (0.0 if b is None else b))


@st.composite
def pool_cases(draw: st.DrawFn, ndim: int) -> tuple[np.ndarray, dict, tuple, tuple, tuple]:
    """Small pooling problems with padding <= kernel // 2 and a window that fits."""
    kernel = tuple(draw(st.integers(1, MAX_KERNEL[ndim])) for _ in range(ndim))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(ndim))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    spatial = [
        draw(st.integers(max(1, k - 2 * p), max(1, k - 2 * p, MAX_SPATIAL[ndim])))
        for k, p in zip(kernel, padding, strict=True)
    ]
    rng = np.random.default_rng(draw(SEEDS))
    x = rng.standard_normal((draw(st.integers(1, 3)), *spatial))
    default_stride = draw(st.booleans())
    kwargs = {
        "kernel": _as_param(draw, kernel),
        "stride": None if default_stride else _as_param(draw, stride),
        "padding": _as_param(draw, padding),
    }
    return x, kwargs, kernel, kernel if default_stride else stride, padding


# Proves pool is PyTorch's max/avg pooling in floor mode: max ignores padding (-inf), avg
# counts padded zeros (count_include_pad=True), stride defaults to the kernel.
@pytest.mark.parametrize("ndim", NDIMS)
@pytest.mark.parametrize("kind", ["max", "avg"])
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_pool_matches_naive_loops(kind: str, ndim: int, data: st.DataObject) -> None:
    x, kwargs, kernel, stride, padding = data.draw(pool_cases(ndim))
    expected = naive_pool(x, kind, kernel, stride, padding)
    actual = pool(x, kind, **kwargs)
    assert actual.shape == expected.shape
    assert_close(actual, expected)


# Proves average pooling is a fixed fully connected layer: avg_pool_matrix @ x.ravel() ==
# pool(x, "avg").ravel(), the matrix is block diagonal over channels (one channel never
# sees another), and every entry is 0 or 1 / prod(kernel).
@pytest.mark.parametrize("ndim", NDIMS)
@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_avg_pool_matrix_identity(ndim: int, data: st.DataObject) -> None:
    x, kwargs, kernel, _, _ = data.draw(pool_cases(ndim))
    matrix = avg_pool_matrix(x.shape, **kwargs)
    pooled = pool(x, "avg", **kwargs)
    assert matrix.shape == (pooled.size, x.size)
    assert_close(matrix @ x.ravel(), pooled.ravel())
    channels, n_out, n_in = x.shape[0], pooled[0].size, x[0].size
    blocks = matrix.reshape(channels, n_out, channels, n_in)
    off_diagonal = ~np.eye(channels, dtype=bool)
    assert not blocks.transpose(0, 2, 1, 3)[off_diagonal].any()
    assert set(np.unique(matrix)) <= {0.0, 1.0 / math.prod(kernel)}


# ----------------------------------------------------------------------------------------
# 8. Errors
# ----------------------------------------------------------------------------------------

X1 = np.ones((1, 5))
W1 = np.ones((1, 1, 3))
X2 = np.ones((3, 5, 5))
W2 = np.ones((4, 3, 3, 3))

BAD_CALLS = [
    pytest.param(lambda: conv(X2, W2, stride=0), ["stride", "0"], id="stride-zero"),
    pytest.param(lambda: conv(X2, W2, stride=-2), ["stride", "-2"], id="stride-negative"),
    pytest.param(lambda: conv(X2, W2, stride=2.5), ["stride", "2.5"], id="stride-float"),
    pytest.param(lambda: conv(X2, W2, stride=True), ["stride", "True"], id="stride-bool"),
    pytest.param(lambda: conv(X2, W2, stride="2"), ["stride", "'2'"], id="stride-str"),
    pytest.param(lambda: conv(X2, W2, dilation=0), ["dilation", "0"], id="dilation-zero"),
    pytest.param(lambda: conv(X2, W2, dilation=(1, -1)), ["dilation", "(1, -1)"], id="dil-tuple"),
    pytest.param(lambda: conv(X2, W2, padding=-1), ["padding", "-1"], id="padding-negative"),
    pytest.param(lambda: conv(X2, W2, padding="full"), ["padding", "'full'"], id="padding-str"),
    pytest.param(
        lambda: conv(X2, W2, padding="same", stride=2),
        ["padding='same'", "stride", "2"],
        id="same-with-stride",
    ),
    pytest.param(
        lambda: conv(X2, W2, stride=(1, 2, 3)), ["stride", "(1, 2, 3)", "(2)"], id="tuple-length"
    ),
    pytest.param(lambda: conv(X2, W2, padding=[1]), ["padding", "[1]"], id="padding-length"),
    pytest.param(lambda: conv(X2, W2, stride=np.array(2)), ["stride", "array(2)"], id="0d-array"),
    pytest.param(
        lambda: conv(np.ones((1, 3)), np.ones((1, 1, 5))),
        ["kernel size 5", "padded input 3", "dimension 0"],
        id="kernel-too-large",
    ),
    pytest.param(
        lambda: conv(X1, W1, dilation=3),
        ["kernel size 3", "dilation 3", "padded input 5"],
        id="dilated-kernel-too-large",
    ),
    pytest.param(
        lambda: conv(X2, np.ones((4, 1, 3, 3)), groups=2),
        ["groups must divide both in_channels (3) and out_channels (4), got groups=2."],
        id="groups-divide",
    ),
    pytest.param(lambda: conv(X2, W2, groups=0), ["groups", "0"], id="groups-zero"),
    pytest.param(lambda: conv(X2, W2, groups=1.0), ["groups", "1.0"], id="groups-float"),
    pytest.param(
        lambda: conv(np.ones((4, 5)), np.ones((2, 1, 3)), groups=2),
        ["w.shape[1]", "groups", "in_channels (4)", "w.shape[1]=1"],
        id="weight-channels",
    ),
    pytest.param(lambda: conv(X2, W2, np.ones(3)), ["b", "(4,)", "(3,)"], id="bias-shape"),
    pytest.param(lambda: conv(np.ones(5), W1), ["x", "2 to 4", "1"], id="x-rank-low"),
    pytest.param(lambda: conv(np.ones((1,) * 5), W1), ["x", "2 to 4", "5"], id="x-rank-high"),
    pytest.param(lambda: conv(X2, W1), ["w", "4 dimensions", "3"], id="w-rank"),
    pytest.param(
        lambda: conv_output_size(2.5, 3), ["n", "positive integer", "2.5"], id="size-float"
    ),
    pytest.param(lambda: conv_output_size(5, True), ["k", "True"], id="size-bool"),
    pytest.param(lambda: conv_output_size(5, 3, padding=-1), ["padding", "-1"], id="size-pad"),
    pytest.param(lambda: conv_output_size(2, 5), ["kernel size 5", "2"], id="size-kernel"),
    pytest.param(
        lambda: conv_matrix_index((1, 1, 3), (1, 2.5)), ["input_shape", "2.5"], id="shape-float"
    ),
    pytest.param(
        lambda: conv_matrix_index((1, 1, "3"), (1, 5)), ["weight_shape", "'3'"], id="shape-str"
    ),
    pytest.param(
        lambda: conv_matrix_index((1, 1, 3), (1, 5, 5)), ["weight_shape", "4"], id="shape-rank"
    ),
    pytest.param(
        lambda: conv_transpose(X1, W1, stride=2, output_padding=2),
        [
            "output_padding must be smaller than stride or dilation, got output_padding=2 "
            "with stride=2 and dilation=1."
        ],
        id="output-padding",
    ),
    pytest.param(
        lambda: conv_transpose(X1, W1, output_padding=-1), ["output_padding", "-1"], id="op-neg"
    ),
    pytest.param(
        lambda: conv_transpose(np.ones((1, 1)), np.ones((1, 1, 1)), padding=1),
        ["padding 1", "output size", "-1"],
        id="transpose-output-below-1",
    ),
    pytest.param(
        lambda: conv_transpose(X1, W1, padding="same"), ["padding", "'same'"], id="tr-pad-str"
    ),
    pytest.param(
        lambda: conv_transpose(X2, np.ones((3, 1, 3, 3)), groups=2),
        ["groups", "in_channels (3)", "2"],
        id="transpose-groups",
    ),
    pytest.param(
        lambda: conv_transpose(X2, np.ones((2, 1, 3, 3))), ["w.shape[0]", "3", "2"], id="tr-w"
    ),
    pytest.param(lambda: conv_transpose(X1, W1, np.ones(2)), ["b", "(1,)"], id="tr-bias"),
    pytest.param(
        lambda: conv_transpose_output_size(1, 1, padding=1),
        ["padding 1", "output size", "-1"],
        id="transpose-size-below-1",
    ),
    pytest.param(
        lambda: conv_transpose_output_size(4, 3, stride=1, output_padding=1),
        ["output_padding=1", "stride=1", "dilation=1"],
        id="transpose-size-op",
    ),
    pytest.param(lambda: pool(X2, "min"), ["kind", "'min'"], id="pool-kind"),
    pytest.param(
        lambda: pool(X2, kernel=3, padding=2), ["padding", "kernel // 2", "2"], id="pool-pad"
    ),
    pytest.param(lambda: pool(X2, kernel=0), ["kernel", "0"], id="pool-kernel"),
    pytest.param(
        lambda: pool(np.ones((1, 2)), kernel=3), ["kernel size 3", "2"], id="pool-too-small"
    ),
    pytest.param(lambda: pool(X2, stride=0), ["stride", "0"], id="pool-stride"),
    pytest.param(
        lambda: avg_pool_matrix((1, 4), padding=(1, 1)), ["padding", "(1, 1)"], id="pool-matrix-pad"
    ),
    pytest.param(
        lambda: dense(np.ones(3), np.ones((2, 4))), ["x", "n_in=4", "(3,)"], id="dense-size"
    ),
    pytest.param(lambda: dense(np.ones(4), np.ones(4)), ["W", "2-D", "(4,)"], id="dense-W"),
    pytest.param(
        lambda: dense(np.ones(4), np.ones((2, 4)), np.ones(3)), ["b", "(2,)"], id="dense-bias"
    ),
    pytest.param(lambda: check_positive_int("height", 0), ["height", "0"], id="check-positive"),
    pytest.param(lambda: check_int("seed", 2.0), ["seed", "2.0"], id="check-int"),
]


def assert_one_sentence(message: str) -> None:
    """A single line, a single sentence, ending with a period."""
    assert "\n" not in message
    assert message.endswith(".")
    assert ". " not in message, message


# Proves every bad parameter raises ValueError (not TypeError, IndexError, ...) with one
# sentence that names the parameter and repeats the bad value.
@pytest.mark.parametrize(("call", "fragments"), BAD_CALLS)
def test_bad_parameters_raise_one_sentence_value_error(
    call: Callable[[], object], fragments: list[str]
) -> None:
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert_one_sentence(message)


_BAD_SCALAR = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=4),
    st.none(),
)
BAD_POSITIVE = st.one_of(
    st.integers(max_value=0),
    _BAD_SCALAR,
    st.tuples(st.integers(1, 3), st.integers(max_value=0)),
    st.lists(st.integers(1, 3), min_size=3, max_size=4),
    st.tuples(st.floats(allow_nan=False), st.booleans()),
)
BAD_NON_NEGATIVE = st.one_of(
    st.integers(max_value=-1),
    _BAD_SCALAR.filter(lambda v: v not in ("same", "valid")),
    st.tuples(st.integers(0, 1), st.integers(max_value=-1)),
    st.lists(st.integers(0, 1), min_size=1, max_size=1),
)


def _calls_with(name: str, value: object) -> list[Callable[[], object]]:
    """Every public function that takes parameter ``name``, called with ``value``."""
    x, w = np.ones((2, 6, 6)), np.ones((2, 2, 2, 2))
    kw = {name: value}
    calls = [
        lambda: conv(x, w, **kw),
        lambda: conv_matrix(w, x.shape, **kw),
        lambda: conv_matrix_index(w.shape, x.shape, **kw),
        lambda: conv_transpose(x, w, **kw),
        lambda: conv_output_size(6, 2, **kw),
        lambda: conv_transpose_output_size(6, 2, **kw),
    ]
    if name == "padding" or (name == "stride" and value is not None):  # None: stride = kernel
        calls.append(lambda: pool(x, "max", **kw))
        calls.append(lambda: avg_pool_matrix(x.shape, **kw))
    return calls


# Proves no bad stride, dilation or padding (zero/negative ints, floats, bools, strings,
# None, tuples with a bad entry or of the wrong length) escapes as another exception type:
# every public function that takes the parameter raises ValueError with one sentence.
@settings(max_examples=60, deadline=None)
@given(
    stride=BAD_POSITIVE,
    dilation=BAD_POSITIVE,
    padding=BAD_NON_NEGATIVE,
)
def test_bad_values_always_raise_value_error(
    stride: object, dilation: object, padding: object
) -> None:
    for name, value in (("stride", stride), ("dilation", dilation), ("padding", padding)):
        for call in _calls_with(name, value):
            with pytest.raises(ValueError) as info:
                call()
            assert_one_sentence(str(info.value))


# Proves the structural-zero matrices are refused before anything is allocated: a 1e5 x
# 1e5 image would need 1e20 entries (allocating would raise MemoryError, not ValueError),
# the message names max_entries, the shape and the entry count, and the limit is inclusive.
def test_matrix_size_limit_refuses_before_allocating() -> None:
    huge = (1, 100_000, 100_000)
    for call in (
        lambda: conv_matrix_index((1, 1, 3, 3), huge),
        lambda: conv_matrix(np.ones((1, 1, 3, 3)), huge),
        lambda: avg_pool_matrix(huge),
    ):
        with pytest.raises(ValueError, match="max_entries=50000000"):
            call()
    with pytest.raises(ValueError) as info:
        conv_matrix(np.ones((1, 1, 3)), (1, 6), max_entries=10)
    message = str(info.value)
    for fragment in ("max_entries=10", "(4, 6)", "24 entries"):
        assert fragment in message
    assert_one_sentence(message)
    assert conv_matrix_index((1, 1, 3), (1, 6), max_entries=24).shape == (4, 6)
    with pytest.raises(ValueError, match="max_entries"):
        avg_pool_matrix((1, 4), max_entries=7)
    with pytest.raises(ValueError, match="max_entries must be a positive integer, got 0"):
        conv_matrix_index((1, 1, 3), (1, 6), max_entries=0)
    assert DEFAULT_MAX_ENTRIES == 50_000_000


# ----------------------------------------------------------------------------------------
# 9. Known values
# ----------------------------------------------------------------------------------------


# Proves the first layer of the DCGAN discriminator (Radford et al. 2016; PyTorch's DCGAN
# example: Conv2d(3, 64, 4, 2, 1) on 64x64 images) halves 64x64 to 32x32, that the
# generator's matching ConvTranspose2d(·, ·, 4, 2, 1) doubles it back, and the top-left
# output value: padding 1 leaves only the lower-right 3x3 of the kernel on the image.
def test_dcgan_discriminator_first_layer() -> None:
    rng = np.random.default_rng(64)
    x = rng.standard_normal((3, 64, 64))
    w = rng.standard_normal((64, 3, 4, 4))
    y = conv(x, w, stride=2, padding=1)
    assert y.shape == (64, 32, 32)
    assert conv_output_size(64, 4, stride=2, padding=1) == 32
    assert conv_transpose_output_size(32, 4, stride=2, padding=1) == 64
    assert conv_transpose(y, np.ones((64, 3, 4, 4)), stride=2, padding=1).shape == (3, 64, 64)
    assert_close(y[:, 0, 0], np.einsum("ocij,cij->o", w[:, :, 1:, 1:], x[:, :3, :3]))


# Proves "same" with an even kernel pads exactly like PyTorch: total d*(k-1) = 3 zeros,
# 3 // 2 = 1 before and 2 after (torch/nn/modules/conv.py and at::native::_convolution_mode
# put the extra zero at the end). Weights 1, 10, 100, 1000 make each digit show which
# input sits under which tap; padding 2 before / 1 after would give 2100 first instead.
def test_same_padding_even_kernel_pads_extra_zero_at_the_end() -> None:
    x = np.array([[1.0, 2.0, 3.0, 4.0, 5.0]])
    w = np.array([[[1.0, 10.0, 100.0, 1000.0]]])
    assert_close(conv(x, w, padding="same"), [[3210.0, 4321.0, 5432.0, 543.0, 54.0]])
    # 2x2 kernel on a 3x3 image: total 1 per dimension, all of it after (bottom and right).
    image = np.arange(1.0, 10.0).reshape(1, 3, 3)
    ones = np.ones((1, 1, 2, 2))
    expected = [[[12.0, 16.0, 9.0], [24.0, 28.0, 15.0], [15.0, 17.0, 9.0]]]
    assert_close(conv(image, ones, padding="same"), expected)
    # Dilation 2 makes the total even again (2 * (2 - 1) = 2): symmetric, one each side.
    assert_close(
        conv(x, np.array([[[1.0, 10.0]]]), padding="same", dilation=2),
        [[20.0, 31.0, 42.0, 53.0, 4.0]],
    )


# Proves output_padding adds its positions at the end (bottom/right), where taps cropped by
# padding land, as in PyTorch: length 2, stride 2, kernel 3, padding 1, output_padding 1.
def test_conv_transpose_known_values() -> None:
    y = np.array([[1.0, 2.0]])
    w = np.array([[[1.0, 10.0, 100.0]]])
    # Full scatter: [1, 10, 100+2, 20, 200]; crop 1 on the left and (1 - 1) on the right.
    assert_close(
        conv_transpose(y, w, stride=2, padding=1, output_padding=1), [[10.0, 102.0, 20.0, 200.0]]
    )
    assert_close(conv_transpose(y, w, stride=2, padding=1), [[10.0, 102.0, 20.0]])
    assert_close(conv_transpose(y, w, np.array([0.5]), stride=2), [[1.5, 10.5, 102.5, 20.5, 200.5]])


# Proves the small examples the site quotes, and numpy integer parameters and integer
# arrays are accepted (the result is float64).
def test_small_known_values_and_integer_inputs() -> None:
    image = np.array([[[3, 1, 2], [0, 4, 1], [2, 1, 0]]])
    kernel = np.array([[[[2, -1], [1, 3]]]])
    y = conv(image, kernel, np.array([1]), stride=np.int64(1), padding=np.int32(0))
    assert y.dtype == np.float64
    assert_close(y, [[[18.0, 8.0], [2.0, 9.0]]])
    assert_close(conv_matrix(kernel, image.shape) @ image.ravel() + 1.0, y.ravel())
    assert_close(pool(image, "max", kernel=2, stride=1), [[[4.0, 4.0], [4.0, 4.0]]])
    assert_close(pool(image, "avg", kernel=3, padding=1), [[[1.0 / 9.0 * 8.0]]])
    assert check_positive_int("n", np.int64(3)) == 3
    assert check_int("seed", -2) == -2


# ----------------------------------------------------------------------------------------
# API and imports
# ----------------------------------------------------------------------------------------


PUBLIC_FUNCTIONS = [
    "avg_pool_matrix",
    "check_int",
    "check_positive_int",
    "conv",
    "conv_matrix",
    "conv_matrix_index",
    "conv_output_size",
    "conv_transpose",
    "conv_transpose_output_size",
    "dense",
    "pool",
]


# Proves every public function exists, is listed in __all__, is type hinted and has a
# numpydoc docstring with Parameters and Returns sections.
@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_public_api_is_documented(name: str) -> None:
    function = getattr(layers, name)
    assert name in layers.__all__
    doc = function.__doc__ or ""
    for section in ("Parameters\n    ----------", "Returns\n    -------"):
        assert section in doc, f"{name} lacks {section.split()[0]}"
    assert "return" in function.__annotations__


# Proves layers.py depends on numpy and the standard library only (no scipy, matplotlib).
def test_layers_imports_only_numpy_and_stdlib() -> None:
    tree = ast.parse(Path(layers.__file__).read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert modules <= set(sys.stdlib_module_names) | {"numpy"}, modules
