"""Depthwise separable convolution: its counts, its composition and its matrix.

The references are plain loops: a depthwise convolution computed channel by channel over
an input padded with ``np.pad``, a 1x1 convolution as a loop over pixels and channels,
and parameter counts from the weight tensors the layers accept. What the channels page
quotes (``site_data``) is checked against the same loops.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from diagram_gen import layers, site_data


def loop_depthwise(x, w, b, pad):
    """Each channel c filtered by its own k x k kernel w[c, 0], by loops (stride 1)."""
    c, h, wd = x.shape
    k = w.shape[-1]
    xp = np.pad(x, [(0, 0), (pad, pad), (pad, pad)])
    out = np.zeros((c, h + 2 * pad - k + 1, wd + 2 * pad - k + 1))
    for ch in range(c):
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                total = b[ch]
                for a in range(k):
                    for e in range(k):
                        total += w[ch, 0, a, e] * xp[ch, i + a, j + e]
                out[ch, i, j] = total
    return out


def loop_pointwise(x, w, b):
    """A 1x1 convolution: every pixel's channel vector times the C_out x C_in matrix."""
    out = np.zeros((w.shape[0], *x.shape[1:]))
    for o in range(w.shape[0]):
        for i in range(x.shape[1]):
            for j in range(x.shape[2]):
                out[o, i, j] = b[o] + sum(w[o, c, 0, 0] * x[c, i, j] for c in range(x.shape[0]))
    return out


@settings(max_examples=30, deadline=None)
@given(
    c_in=st.integers(1, 4),
    c_out=st.integers(1, 5),
    size=st.integers(3, 6),
    half=st.integers(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_depthwise_then_one_by_one_is_their_composition(c_in, c_out, size, half, seed):
    # Proves a depthwise layer (groups = C_in) followed by a 1x1 layer equals the two loops
    # above run one after the other, and that their matrices multiply to the matrix of
    # the pair: block (o, c) of P D is p[o, c] times channel c's block of D, so every
    # kernel slice of the equivalent ordinary convolution is p[o, c] d[c].
    k = 2 * half + 1
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(c_in, size, size))
    wd, bd = rng.normal(size=(c_in, 1, k, k)), rng.normal(size=c_in)
    wp, bp = rng.normal(size=(c_out, c_in, 1, 1)), rng.normal(size=c_out)
    depthwise = layers.conv(x, wd, bd, padding=half, groups=c_in)
    np.testing.assert_allclose(depthwise, loop_depthwise(x, wd, bd, half), atol=1e-10)
    pair = layers.conv(depthwise, wp, bp)
    expected = loop_pointwise(loop_depthwise(x, wd, bd, half), wp, bp)
    np.testing.assert_allclose(pair, expected, atol=1e-10)
    d = layers.conv_matrix(wd, x.shape, padding=half, groups=c_in)
    p = layers.conv_matrix(wp, depthwise.shape)
    bias = np.repeat(wp[:, :, 0, 0] @ bd + bp, size * size)
    np.testing.assert_allclose((p @ d) @ x.ravel() + bias, expected.ravel(), atol=1e-10)
    # The same layer as one ordinary convolution with kernel w[o, c] = p[o, c] * d[c].
    combined = wp[:, :, 0, 0][:, :, None, None] * wd[:, 0][None]
    np.testing.assert_allclose(
        p @ d, layers.conv_matrix(combined, x.shape, padding=half), atol=1e-10
    )
    side = size * size
    for o in range(c_out):
        for c in range(c_in):
            block = (p @ d)[o * side : (o + 1) * side, c * side : (c + 1) * side]
            own = d[c * side : (c + 1) * side, c * side : (c + 1) * side]
            np.testing.assert_allclose(block, wp[o, c, 0, 0] * own, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(c_in=st.integers(1, 16), c_out=st.integers(1, 32), k=st.integers(1, 5))
def test_parameter_counts_follow_the_weight_tensors(c_in, c_out, k):
    # Proves the counts the page states: depthwise C_in k^2 + C_in, 1x1 C_out C_in + C_out,
    # against the sizes of the weight tensors the layers accept; and that the separable
    # pair never has more weights than the ordinary layer once C_out k^2 >= k^2 + C_out.
    x = np.zeros((c_in, k, k))
    wd, wp = np.zeros((c_in, 1, k, k)), np.zeros((c_out, c_in, 1, 1))
    y = layers.conv(layers.conv(x, wd, np.zeros(c_in), groups=c_in), wp, np.zeros(c_out))
    assert y.shape[0] == c_out
    separable = wd.size + c_in + wp.size + c_out
    assert separable == c_in * k * k + c_in + c_out * c_in + c_out
    assert wd.size + wp.size == c_in * (k * k + c_out)
    full = np.zeros((c_out, c_in, k, k)).size
    if c_out * k * k >= k * k + c_out:
        assert wd.size + wp.size <= full


def test_the_page_numbers_match_the_loops():
    # Proves the channels page's numbers for its example (10 channels of 12x12, 3x3
    # kernels, 16 outputs) are the counts of the real tensors and the composition above.
    spec = site_data.CHANNELS
    numbers = site_data.numbers()
    c, k, m = spec["channels"], spec["field"], spec["kernels"]
    assert numbers["separable.depthwise_params"] == f"{c * k * k + c:,}"
    assert numbers["separable.pointwise_params"] == f"{m * c + m:,}"
    assert numbers["separable.params"] == f"{c * k * k + c + m * c + m:,}"
    assert numbers["separable.keras_params"] == f"{c * k * k + m * c + m:,}"
    assert numbers["separable.full_params"] == f"{m * (c * k * k + 1):,}"
    assert numbers["separable.block_error"] == "0"
    x, wd, bd, wp, bp = site_data.separable_layers(spec)
    pad = site_data.SEPARABLE_PADDING
    expected = loop_pointwise(loop_depthwise(x, wd, bd, pad), wp, bp)
    np.testing.assert_allclose(
        layers.conv(layers.conv(x, wd, bd, padding=pad, groups=c), wp, bp), expected,
        atol=1e-10,
    )  # fmt: skip
    # Review item 13: the separable pair and the ordinary layer it is compared with give
    # the same maps of the same size (the ordinary layer run here, unpadded, by loops'
    # output-size rule), so the table compares like with like.
    ordinary = layers.conv(x, np.zeros((m, c, k, k)))
    assert expected.shape == ordinary.shape
    assert numbers["separable.shape_out"] == numbers["channels.shape_out"]
    assert numbers["separable.shape_out"] == site_data.shape_text(expected.shape)
    n_out = x.shape[1] - k + 1
    assert numbers["separable.matrix_shape"] == f"{m * n_out * n_out:,} x {x.size:,}"
    # The groups table: only divisors of both channel counts, depthwise in multiples.
    divisors = [g for g in range(1, math.gcd(c, m) + 1) if math.gcd(c, m) % g == 0]
    assert numbers["groups.possible"] == site_data.spoken_list(divisors)
    assert numbers["groups.depthwise_maps"] == f"{c}"
    assert numbers["groups.depthwise2_maps"] == f"{2 * c}"
    assert numbers["groups.full_maps"] == numbers["groups.two_maps"] == f"{m}"
