"""The three ways to compute a convolution agree, and the cost counts are exact.

The implementations are checked against :func:`diagram_gen.layers.conv` (itself checked
against loops and SciPy in test_layers.py); the counts against the arrays they describe,
built here (the dense matrix, its index, the patch view) or counted by plain loops.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagram_gen import cost, layers

shapes = st.fixed_dictionaries(
    {
        "c_in": st.integers(1, 3),
        "c_out": st.integers(1, 3),
        "height": st.integers(1, 7),
        "width": st.integers(1, 7),
        "kh": st.integers(1, 4),
        "kw": st.integers(1, 4),
        "seed": st.integers(0, 2**32 - 1),
    }
)


def draw_layer(shape: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(shape["seed"])
    x = rng.standard_normal((shape["c_in"], shape["height"], shape["width"]))
    w = rng.standard_normal((shape["c_out"], shape["c_in"], shape["kh"], shape["kw"]))
    return x, w


@given(shapes)
def test_three_implementations_equal_the_reference_conv(shape):
    # Proves dense matrix, im2col and direct loops compute PyTorch's same-padded conv2d,
    # odd and even kernels (asymmetric padding), kernels larger than the image included.
    x, w = draw_layer(shape)
    expected = layers.conv(x, w, padding="same")
    assert expected.shape == (shape["c_out"], shape["height"], shape["width"])
    for implementation in (cost.conv_dense, cost.conv_im2col, cost.conv_direct):
        got = implementation(x, w)
        assert got.shape == expected.shape and got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)


def test_integer_inputs_give_float64_and_the_same_numbers():
    # Proves the promotion rule is conv's: integers become float64, values unchanged.
    x = np.arange(12).reshape(1, 3, 4)
    w = np.array([[[[1, 0, -1], [2, 0, -2], [1, 0, -1]]]])
    expected = layers.conv(x, w, padding="same")
    for implementation in (cost.conv_dense, cost.conv_im2col, cost.conv_direct):
        got = implementation(x, w)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, expected)


def test_conv_dense_raises_max_entries_exactly_to_the_matrix_and_no_further(monkeypatch):
    # Proves conv_dense asks conv_matrix for exactly the entries its matrix has (so a
    # matrix larger than layers' default limit can be built), and refuses, before
    # building anything, a matrix that does not fit in the memory it was given.
    seen = []
    original = layers.conv_matrix

    def recording(*args, **kwargs):
        seen.append(kwargs["max_entries"])
        return original(*args, **kwargs)

    monkeypatch.setattr(layers, "conv_matrix", recording)
    x, w = np.ones((2, 5, 6)), np.ones((3, 2, 3, 3))
    needed = (3 * 30) * (2 * 30) * 8
    cost.conv_dense(x, w, memory_bytes=needed)
    assert seen == [needed // 8]
    with pytest.raises(ValueError, match=r"needs 43,200 bytes, more than memory_bytes=43,199\."):
        cost.conv_dense(x, w, memory_bytes=needed - 1)
    assert len(seen) == 1  # refused before conv_matrix was called


def test_conv_direct_loops_over_output_channels_and_kernel_offsets(monkeypatch):
    # Proves the documented loop: kh*kw*C_out whole-image multiply-adds, no more.
    calls = []
    original = np.einsum

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(np, "einsum", counting)
    x, w = np.ones((2, 6, 5)), np.ones((4, 2, 3, 2))
    cost.conv_direct(x, w)
    assert len(calls) == 3 * 2 * 4 and set(calls) == {"c,chw->hw"}


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "message"),
    [
        ((4, 4), (1, 1, 3, 3), r"x must have shape \(C_in, H, W\)"),
        ((1, 4, 4), (1, 3, 3), r"w must have shape \(C_out, C_in, kh, kw\)"),
        ((2, 4, 4), (1, 3, 3, 3), r"w.shape\[1\] must equal the input channels C_in = 2"),
        ((1, 0, 4), (1, 1, 3, 3), r"positive sizes"),
    ],
)
def test_bad_shapes_are_refused_in_one_sentence(x_shape, w_shape, message):
    for implementation in (cost.conv_dense, cost.conv_im2col, cost.conv_direct):
        with pytest.raises(ValueError, match=message) as error:
            implementation(np.zeros(x_shape), np.zeros(w_shape))
        assert str(error.value).endswith(".") and "\n" not in str(error.value)


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 9))
def test_dense_matrix_size_is_the_built_matrix(c_in, c_out, side):
    # Proves the counts against the matrix itself: its entries and its bytes, in float64
    # and float32 (the kernel size changes only the non-zeros, never the size).
    for kernel in (1, 3):
        w = np.ones((c_out, c_in, kernel, kernel))
        matrix = layers.conv_matrix(w, (c_in, side, side), padding="same")
        assert cost.dense_matrix_entries(c_in, c_out, side) == matrix.size
        assert cost.dense_matrix_bytes(c_in, c_out, side) == matrix.nbytes
        small = matrix.astype(np.float32)
        assert cost.dense_matrix_bytes(c_in, c_out, side, np.float32) == small.nbytes


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 9), st.integers(1, 6))
def test_dense_matrix_nonzeros_are_the_entries_that_hold_a_weight(c_in, c_out, side, kernel):
    # Proves the closed form for the entries that are not structural zeros against the
    # matrix's own index (taps on the padding vanish), small and large kernels alike.
    w_shape, x_shape = (c_out, c_in, kernel, kernel), (c_in, side, side)
    index = layers.conv_matrix_index(w_shape, x_shape, padding="same")
    assert cost.dense_matrix_nonzeros(c_in, c_out, side, kernel) == int((index >= 0).sum())


@given(st.integers(0, 10**14), st.integers(1, 4), st.integers(1, 4))
def test_largest_side_that_fits_is_the_boundary(memory, c_in, c_out):
    # Proves it is exact: that side's matrix fits and the next one's does not, with the
    # bytes worked out here as (c_out·side²)·(c_in·side²)·8.
    side = cost.largest_side_that_fits(memory, c_in, c_out)

    def explicit(s: int) -> int:
        return (c_out * s * s) * (c_in * s * s) * 8

    assert side == 0 or explicit(side) <= memory
    assert explicit(side + 1) > memory
    if side:
        assert cost.dense_matrix_bytes(c_in, c_out, side) == explicit(side)


def test_largest_side_that_fits_by_search_and_known_values():
    # Proves the closed form equals a plain search, and values worked out by hand: 16 GiB
    # (17,179,869,184 bytes) holds 215⁴·8 = 17,094,005,000 but not 216⁴·8 = 17,414,258,688;
    # with 3 channels in and 64 out, 57⁴·1536 = 16,214,017,536 but not 58⁴·1536.
    for memory in [0, 7, 8, 127, 128, 648, 10**6, 2**33 + 5]:
        side = 0
        while ((side + 1) ** 4) * 8 <= memory:
            side += 1
        assert cost.largest_side_that_fits(memory, 1, 1) == side
    assert cost.largest_side_that_fits(16 * 2**30, 1, 1) == 215
    assert 215**4 * 8 <= 16 * 2**30 < 216**4 * 8
    assert cost.largest_side_that_fits(16 * 2**30, 3, 64) == 57
    assert 57**4 * 1536 <= 16 * 2**30 < 58**4 * 1536


@given(st.integers(1, 3), st.integers(1, 9), st.integers(1, 5))
def test_im2col_bytes_are_the_patch_matrix(c_in, side, kernel):
    # Proves the patch matrix size: one column per output, one row per channel and tap.
    padded = np.zeros((c_in, side + kernel - 1, side + kernel - 1))
    view = np.lib.stride_tricks.sliding_window_view(padded, (kernel, kernel), axis=(1, 2))
    assert cost.im2col_bytes(c_in, side, kernel) == view.size * 8


def count_by_loops(side: int, c_in: int, c_out: int, kernel: int) -> dict[str, tuple]:
    """(weights, biases, multiply-adds) of the three layers, counted one by one.

    A window tap counts when it lands inside the image (same padding puts (k - 1) // 2
    zeros before); a tap on the padding multiplies a zero and is no weight.
    """
    n_in, n_out = c_in * side * side, c_out * side * side
    before = (kernel - 1) // 2
    dense_weights = sum(1 for _ in range(n_out) for _ in range(n_in))
    inside = 0
    for _ in range(c_out):
        for i in range(side):
            for j in range(side):
                for _ in range(c_in):
                    for a in range(kernel):
                        for b in range(kernel):
                            r, c = i - before + a, j - before + b
                            inside += 0 <= r < side and 0 <= c < side
    return {
        "fully_connected": (dense_weights, n_out, dense_weights),
        "locally_connected": (inside, n_out, inside),
        "convolution": (c_out * c_in * kernel * kernel, c_out, inside),
    }


@pytest.mark.parametrize(
    ("side", "c_in", "c_out", "kernel"), [(1, 1, 1, 1), (5, 1, 1, 3), (6, 3, 2, 3), (4, 2, 5, 5)]
)
def test_layer_costs_equal_counts_by_loops(side, c_in, c_out, kernel):
    # Proves parameters (weights + biases), multiply-adds and weight memory of the three
    # layers against counts made one connection at a time.
    costs = cost.layer_costs(side, c_in=c_in, c_out=c_out, kernel=kernel)
    assert tuple(costs) == cost.LAYER_KINDS
    for kind, (weights, biases, macs) in count_by_loops(side, c_in, c_out, kernel).items():
        assert costs[kind] == cost.LayerCost(weights + biases, macs, weights * 8)


def test_layer_costs_agree_with_the_arrays_they_describe():
    # Proves the counts are the sizes of real objects: the dense matrix (fully connected
    # weights), the conv's kernels, and the matrix's non-zeros (locally connected weights
    # and the multiply-adds of both window layers).
    side, c_in, c_out, k = 6, 2, 3, 3
    costs = cost.layer_costs(side, c_in=c_in, c_out=c_out, kernel=k, dtype=np.float32)
    w = np.ones((c_out, c_in, k, k), dtype=np.float32)
    matrix = layers.conv_matrix(w, (c_in, side, side), padding="same")
    nonzeros = int(np.count_nonzero(matrix))
    assert costs["fully_connected"].weight_bytes == matrix.nbytes
    assert costs["fully_connected"].parameters == matrix.size + matrix.shape[0]
    assert costs["convolution"].parameters == w.size + c_out
    assert costs["locally_connected"].parameters == nonzeros + matrix.shape[0]
    assert costs["locally_connected"].weight_bytes == nonzeros * 4
    assert costs["convolution"].multiply_adds == nonzeros


def test_counts_refuse_bad_sizes():
    with pytest.raises(ValueError, match="side must be a positive integer, got 0"):
        cost.dense_matrix_bytes(1, 1, 0)
    with pytest.raises(ValueError, match="memory_bytes must be a non-negative integer"):
        cost.largest_side_that_fits(-1, 1, 1)
    with pytest.raises(ValueError, match="kernel must be a positive integer, got 2.0"):
        cost.layer_costs(4, kernel=2.0)
