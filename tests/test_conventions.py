"""diagram_gen.conventions against naive loops and the package's own layers.

hypothesis draws sizes, kernels, strides and a seed; each assertion says what it proves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagram_gen import conventions, layers


def naive_conv_1d(x: np.ndarray, w: np.ndarray, stride: int, before: int, n_out: int):
    """y[i] = sum_t w[t] x[i*stride - before + t], with zeros outside the input."""
    out = np.zeros(n_out)
    for i in range(n_out):
        for t, weight in enumerate(w):
            j = i * stride - before + t
            if 0 <= j < x.size:
                out[i] += weight * x[j]
    return out


@given(n=st.integers(1, 40), k=st.integers(1, 7), s=st.integers(1, 4), d=st.integers(1, 3))
def test_tf_same_padding_is_the_fewest_zeros_for_ceil_n_over_s_outputs(n, k, s, d):
    # Proves the output size is ceil(n / s) and the total padding is the smallest number
    # of zeros that lets the last of those windows fit, split with the extra one after.
    out, before, after = conventions.tf_same_padding(n, k, s, d)
    assert out == math.ceil(n / s)
    total = 0
    while (out - 1) * s + d * (k - 1) > n - 1 + total:
        total += 1
    assert before + after == total and after - before in (0, 1)


@given(n=st.integers(1, 30), k=st.integers(1, 6), s=st.integers(1, 3), seed=st.integers(0, 99))
def test_conv_tf_same_matches_a_loop_with_uneven_padding(n, k, s, seed):
    # Proves conv_tf_same computes TensorFlow's SAME: windows start at i*s - before.
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=n), rng.normal(size=k)
    out, before, _ = conventions.tf_same_padding(n, k, s)
    got = conventions.conv_tf_same(x[np.newaxis], w[np.newaxis, np.newaxis], stride=s)[0]
    np.testing.assert_allclose(got, naive_conv_1d(x, w, s, before, out), atol=1e-12)


@given(h=st.integers(1, 9), wd=st.integers(1, 9), k=st.integers(1, 4), seed=st.integers(0, 99))
def test_at_stride_1_tf_same_equals_pytorch_same(h, wd, k, seed):
    # Proves that at stride 1 TensorFlow's SAME and PyTorch's padding="same" (the package's
    # layers follow PyTorch) give the same outputs, even kernels included.
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(2, h, wd)), rng.normal(size=(3, 2, k, k))
    np.testing.assert_allclose(
        conventions.conv_tf_same(x, w), layers.conv(x, w, padding="same"), atol=1e-12
    )


def test_tf_same_at_stride_2_shifts_every_window_against_pytorch_padding_k_over_2(rng):
    # Proves the porting trap on 224, k=3, s=2: both give 112 outputs, but PyTorch's
    # padding=1 windows start one pixel earlier than TensorFlow's SAME windows.
    n, k, s = 224, 3, 2
    x, w = rng.normal(size=n), rng.normal(size=k)
    tf = conventions.conv_tf_same(x[np.newaxis], w[np.newaxis, np.newaxis], stride=s)[0]
    torch = layers.conv(x[np.newaxis], w[np.newaxis, np.newaxis], stride=s, padding=k // 2)[0]
    assert tf.shape == torch.shape == (112,)
    np.testing.assert_allclose(tf, naive_conv_1d(x, w, s, 0, 112), atol=1e-12)
    np.testing.assert_allclose(torch, naive_conv_1d(x, w, s, 1, 112), atol=1e-12)
    assert np.abs(tf - torch).max() > 0.1  # a different layer, with the same shapes
    np.testing.assert_array_equal(
        conventions.window_starts(112, s, 0) - conventions.window_starts(112, s, 1), 1
    )


@given(n=st.integers(1, 400), seed=st.integers(0, 99))
def test_tf_same_padding_for_k3_s2_depends_on_the_parity_of_n(n, seed):
    # Proves the conventions page's rule of thumb by loops: for k=3 at stride 2, SAME puts
    # 0 zeros before and 1 after an even n (every window one pixel later than PyTorch's
    # padding=1), and 1 before and 1 after an odd n (the same layer as padding=1).
    out, before, after = conventions.tf_same_padding(n, 3, 2)
    assert (before, after) == ((0, 1) if n % 2 == 0 else (1, 1))
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=n), rng.normal(size=3)
    torch = layers.conv(x[np.newaxis], w[np.newaxis, np.newaxis], stride=2, padding=1)[0]
    np.testing.assert_allclose(torch, naive_conv_1d(x, w, 2, 1, out), atol=1e-12)
    tf = naive_conv_1d(x, w, 2, before, out)
    if n % 2:
        np.testing.assert_allclose(tf, torch, atol=1e-12)
    elif n > 2:  # n = 2 has one window, and it may differ or not; larger n differ
        assert np.abs(tf - torch).max() > 1e-9


@given(c=st.integers(1, 4), h=st.integers(1, 4), w=st.integers(1, 4), seed=st.integers(0, 99))
def test_flatten_permutation_is_the_channels_last_order(c, h, w, seed):
    # Proves perm by loops (entry (y, x, ch) of HWC comes from (ch, y, x) of CHW), and that
    # a dense layer after an HWC flatten needs the CHW layer's columns W[:, perm].
    perm = conventions.flatten_permutation(c, h, w)
    for y in range(h):
        for x in range(w):
            for ch in range(c):
                assert perm[(y * w + x) * c + ch] == (ch * h + y) * w + x
    rng = np.random.default_rng(seed)
    image, weights = rng.normal(size=(c, h, w)), rng.normal(size=(3, c * h * w))
    hwc = image.transpose(1, 2, 0).ravel()
    np.testing.assert_allclose(weights[:, perm] @ hwc, weights @ image.ravel(), atol=1e-12)


@given(n=st.integers(1, 30), half=st.integers(0, 3), d=st.integers(1, 4), seed=st.integers(0, 9))
def test_dilation_with_padding_d_k_minus_1_over_2_keeps_the_size(n, half, d, seed):
    # Proves the padding page's "with padding d(k - 1)/2 the map keeps its size" (odd k,
    # stride 1) on the package's layer, and that without padding the map shrinks by d(k - 1).
    k = 2 * half + 1
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(1, n)), rng.normal(size=(1, 1, k))
    assert layers.conv(x, w, padding=d * (k - 1) // 2, dilation=d).shape[-1] == n
    if n > d * (k - 1):
        assert layers.conv(x, w, dilation=d).shape[-1] == n - d * (k - 1)


def measured_field(kernels, strides, dilations) -> int:
    """Span of the inputs one unit of the last layer depends on, from the layers' matrices."""
    n = 1 + sum(d * (k - 1) for k, d in zip(kernels, dilations, strict=True)) * math.prod(strides)
    n = n + 4
    depends = np.eye(n, dtype=np.int64)
    size = n
    for k, s, d in zip(kernels, strides, dilations, strict=True):
        index = layers.conv_matrix_index((1, 1, k), (1, size), stride=s, dilation=d)
        depends = ((index >= 0).astype(np.int64) @ depends) > 0
        depends = depends.astype(np.int64)
        size = index.shape[0]
    reached = np.flatnonzero(depends[0])
    return int(reached.max() - reached.min() + 1)


@given(
    layers_=st.lists(
        st.tuples(st.integers(1, 4), st.integers(1, 2), st.integers(1, 3)), min_size=1, max_size=3
    )
)
def test_receptive_field_rule_matches_the_product_of_the_layers_matrices(layers_):
    # Proves r_l = r_{l-1} + d_l (k_l - 1) * prod(earlier strides) against the span of the
    # non-zero pattern of the product of the layers' weight matrices.
    kernels, strides, dilations = (list(t) for t in zip(*layers_, strict=True))
    rule = conventions.receptive_fields(kernels, strides, dilations)
    for depth in range(1, len(kernels) + 1):
        assert rule[depth - 1] == measured_field(
            kernels[:depth], strides[:depth], dilations[:depth]
        )


def test_receptive_fields_refuses_lists_of_different_lengths():
    with pytest.raises(ValueError, match="one entry per layer"):
        conventions.receptive_fields([3, 3], [1])


@given(
    c_in=st.integers(1, 3),
    c_out=st.integers(1, 3),
    k=st.integers(1, 3),
    side=st.integers(3, 7),
    s=st.integers(1, 2),
    p=st.integers(0, 1),
)
def test_layer_cost_counts_every_tap_of_every_output(c_in, c_out, k, side, s, p):
    # Proves the MAC count is one per kernel tap per output (padding taps included, as an
    # im2col product computes them): counted by loops over windows, and without padding
    # equal to the structural non-zeros of the weight matrix. The output size is the real
    # layer's.
    cost = conventions.layer_cost(c_in, c_out, k, side, side, stride=s, padding=p)
    y = layers.conv(np.zeros((c_in, side, side)), np.zeros((c_out, c_in, k, k)), stride=s,
                    padding=p)  # fmt: skip
    assert y.shape == (c_out, cost.out_height, cost.out_width)
    taps = 0
    for _o in range(c_out):
        for _i in range(cost.out_height):
            for _j in range(cost.out_width):
                taps += c_in * k * k
    assert cost.macs == taps and cost.flops == 2 * taps
    assert cost.parameters == c_out * c_in * k * k + c_out
    assert cost.output_values == y.size and cost.input_values == c_in * side * side
    if p == 0:
        index = layers.conv_matrix_index((c_out, c_in, k, k), (c_in, side, side), stride=s)
        assert cost.macs == (index >= 0).sum()
