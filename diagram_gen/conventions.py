"""Layer arithmetic where conventions differ: TensorFlow's SAME padding, flatten orders,
receptive fields, and the cost of a real convolutional layer.

Numpy only; everything here is checked in ``tests/test_conventions.py`` against naive
loops and :mod:`diagram_gen.layers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from diagram_gen import layers

__all__ = [
    "LayerCost",
    "conv_tf_same",
    "flatten_permutation",
    "layer_cost",
    "receptive_fields",
    "tf_same_padding",
    "window_starts",
]


def tf_same_padding(n: int, k: int, stride: int = 1, dilation: int = 1) -> tuple[int, int, int]:
    """TensorFlow's ``padding="SAME"`` along one dimension: output size and the zeros.

    The output has ``ceil(n / stride)`` entries; the zeros needed for that are split with
    the smaller half before the input and the larger half after it.

    Parameters
    ----------
    n, k : int
        Input size and kernel size.
    stride, dilation : int, default 1

    Returns
    -------
    (out, before, after) : tuple of int
        Output size, zeros before the first input, zeros after the last.

    Raises
    ------
    ValueError
        If an argument is not a positive integer.
    """
    for name, value in (("n", n), ("k", k), ("stride", stride), ("dilation", dilation)):
        layers.check_positive_int(name, value)
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return out, total // 2, total - total // 2


def conv_tf_same(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, *,
                 stride: int = 1) -> np.ndarray:  # fmt: skip
    """A convolution with TensorFlow's SAME padding, in this package's (C, H, W) layout.

    The input is padded with :func:`tf_same_padding`'s zeros in every spatial dimension
    (unevenly when the total is odd), then convolved without padding by
    :func:`layers.conv`.

    Parameters
    ----------
    x : ndarray, shape (C_in, *spatial)
    w : ndarray, shape (C_out, C_in, *kernel)
    b : ndarray, shape (C_out,), optional
    stride : int, default 1

    Returns
    -------
    ndarray, shape (C_out, *ceil(spatial / stride))
    """
    pads = [(0, 0)]
    for n, k in zip(x.shape[1:], w.shape[2:], strict=True):
        _, before, after = tf_same_padding(n, k, stride)
        pads.append((before, after))
    return layers.conv(np.pad(x, pads), w, b, stride=stride)


def window_starts(n_out: int, stride: int, before: int) -> np.ndarray:
    """Input index of the first tap of each window (negative: on a padding zero)."""
    return np.arange(n_out) * stride - before


def flatten_permutation(channels: int, height: int, width: int) -> np.ndarray:
    """Where each entry of a channels-last flatten comes from in a channels-first flatten.

    ``x_hwc.ravel() == x_chw.ravel()[perm]`` for ``x_hwc = x_chw.transpose(1, 2, 0)``, so
    a dense layer after the channels-last flatten needs the columns ``W[:, perm]`` of the
    channels-first one to compute the same outputs.

    Parameters
    ----------
    channels, height, width : int

    Returns
    -------
    ndarray of int, shape (channels * height * width,)
    """
    for name, value in (("channels", channels), ("height", height), ("width", width)):
        layers.check_positive_int(name, value)
    order = np.arange(channels * height * width).reshape(channels, height, width)
    return order.transpose(1, 2, 0).ravel()


def receptive_fields(kernels: Sequence[int], strides: Sequence[int],
                     dilations: Sequence[int] | None = None) -> list[int]:  # fmt: skip
    """Receptive field of one unit of each layer of a stack, in input positions.

    Layer ``l`` adds ``d_l (k_l - 1)`` times the product of the strides of the layers
    before it: ``r_l = r_{l-1} + d_l (k_l - 1) s_1 ... s_{l-1}``, with ``r_0 = 1``.

    Parameters
    ----------
    kernels, strides : sequence of int
        One entry per layer, first layer first.
    dilations : sequence of int, optional
        One per layer; 1 everywhere when left out.

    Returns
    -------
    list of int
        ``[r_1, r_2, ...]``.
    """
    dilations = [1] * len(kernels) if dilations is None else list(dilations)
    if not len(kernels) == len(strides) == len(dilations):
        raise ValueError("kernels, strides and dilations must have one entry per layer.")
    fields, field, jump = [], 1, 1
    for k, s, d in zip(kernels, strides, dilations, strict=True):
        field += d * (k - 1) * jump
        jump *= s
        fields.append(field)
    return fields


@dataclass(frozen=True)
class LayerCost:
    """What one 2D convolutional layer costs for one image.

    Attributes
    ----------
    out_height, out_width : int
        Output size.
    weights, biases : int
        Trainable parameters.
    macs : int
        Multiply-accumulates: one per kernel tap per output value, padding taps included
        (a library multiplies them too).
    input_values, output_values : int
        Numbers in the input and the output activations.
    """

    out_height: int
    out_width: int
    weights: int
    biases: int
    macs: int
    input_values: int
    output_values: int

    @property
    def flops(self) -> int:
        """Floating-point operations: a multiply and an add per MAC."""
        return 2 * self.macs

    @property
    def parameters(self) -> int:
        return self.weights + self.biases


def layer_cost(c_in: int, c_out: int, k: int, height: int, width: int, *, stride: int = 1,
               padding: int = 0) -> LayerCost:  # fmt: skip
    """Parameters, multiply-accumulates and activation sizes of a 2D convolution.

    Parameters
    ----------
    c_in, c_out, k, height, width : int
        Channels in and out, square kernel side, input height and width.
    stride, padding : int
        As in :func:`layers.conv` (padding per side).

    Returns
    -------
    LayerCost
    """
    out_h = layers.conv_output_size(height, k, stride, padding)
    out_w = layers.conv_output_size(width, k, stride, padding)
    weights = c_out * c_in * k * k
    return LayerCost(
        out_height=out_h,
        out_width=out_w,
        weights=weights,
        biases=c_out,
        macs=c_out * out_h * out_w * c_in * k * k,
        input_values=c_in * height * width,
        output_values=c_out * out_h * out_w,
    )
