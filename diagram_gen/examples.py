"""The running examples of the site, defined once.

Every figure and every number in the prose starts here, so the sliding window, the
equations, the graphs and the weight matrices all show the same values. Values are small
integers (or one-decimal weights for the fully connected layer) so that a reader can redo
each sum by hand; anything random is drawn from a fixed seed.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from diagram_gen import layers

#: Names of the four weights of the 2x2 kernel, in row-major kernel order.
GREEK_WEIGHT_NAMES = ("α", "β", "γ", "δ")

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


MINUS = "\u2212"


def format_number(value: float) -> str:
    """A number as a reader writes it: ``3``, ``−1``, ``0.4``, ``−12.25`` (no ``-0``)."""
    value = float(value)
    if value == 0:
        return "0"
    if value == round(value):
        text = str(int(round(value)))
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def subscript(number: int) -> str:
    """``12`` -> ``₁₂``, for labels such as x₁₂."""
    return str(number).translate(_SUBSCRIPTS)


@dataclass(frozen=True)
class ConvLayer:
    """One convolution with named weights: the small example, or the reader's own.

    Attributes
    ----------
    image : ndarray, shape (C_in, *spatial)
    kernel : ndarray, shape (C_out, C_in, *kernel)
    bias : ndarray, shape (C_out,)
    weight_names : tuple of str, one per entry of ``kernel.ravel()``
    stride, padding, dilation : the layer's parameters, as given to :func:`layers.conv`
    """

    image: np.ndarray
    kernel: np.ndarray
    bias: np.ndarray
    weight_names: tuple[str, ...]
    stride: int | tuple[int, ...] = 1
    padding: int | str | tuple[int, ...] = 0
    dilation: int | tuple[int, ...] = 1

    @property
    def layer_kwargs(self) -> dict[str, object]:
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation}

    def output(self) -> np.ndarray:
        """The layer's output, shape (C_out, H_out, W_out), bias included."""
        return layers.conv(self.image, self.kernel, self.bias, **self.layer_kwargs)


def without(function: Callable[..., Any], *names: str) -> Callable[..., Any]:
    """``function`` offering all its keyword parameters but ``names`` (their defaults apply).

    The registry reads a figure's parameters from its example's signature; a figure that
    draws one channel only, say, should not offer a channel count.
    """
    signature = inspect.signature(function)
    kept = [p for name, p in signature.parameters.items() if name not in names]

    @functools.wraps(function)
    def offered(**params: Any) -> Any:
        return function(**params)

    offered.__signature__ = signature.replace(parameters=kept)  # type: ignore[attr-defined]
    del offered.__wrapped__  # inspect.signature must read __signature__, not the original
    return offered


def small_conv() -> ConvLayer:
    """The 3x3 image, the 2x2 kernel alpha, beta, gamma, delta and the bias b."""
    image = np.array([[3, 1, 2], [0, 4, 1], [2, 1, 0]], dtype=float)[np.newaxis]
    kernel = np.array([[2, -1], [1, 3]], dtype=float)[np.newaxis, np.newaxis]
    return ConvLayer(image, kernel, np.array([1.0]), GREEK_WEIGHT_NAMES)


def conv_example(
    *,
    height: int = 3,
    width: int = 3,
    kernel: int = 2,
    in_channels: int = 1,
    out_channels: int = 1,
    stride: int = 1,
    padding: int | str = 0,
    dilation: int = 1,
    seed: int = 2,
) -> ConvLayer:
    """The small example, or a layer of the same kind with the reader's own sizes.

    With the default sizes and seed this is exactly :func:`small_conv` (seed 002's
    numbers). Otherwise the image and the kernel hold small integers drawn from ``seed``
    (weights non-zero: a zero weight would look like an untrainable zero), and weights are
    named w with their indices.
    """
    for name, value in (("height", height), ("width", width), ("kernel", kernel)):
        layers.check_positive_int(name, value)
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        layers.check_positive_int(name, value)
    defaults = (height, width, kernel, in_channels, out_channels, seed) == (3, 3, 2, 1, 1, 2)
    if defaults:
        base = small_conv()
        image, weights, bias, names = base.image, base.kernel, base.bias, base.weight_names
    else:
        rng = np.random.default_rng(seed)
        image = rng.integers(0, 5, size=(in_channels, height, width)).astype(float)
        shape = (out_channels, in_channels, kernel, kernel)
        weights = rng.choice(np.array([-3, -2, -1, 1, 2, 3]), size=shape).astype(float)
        bias = rng.integers(-2, 3, size=out_channels).astype(float)
        names = tuple(_weight_name(index, shape) for index in np.ndindex(*shape))
    example = ConvLayer(image, weights, bias, names, stride, padding, dilation)
    example.output()  # let the layer math reject impossible parameters now, in one place
    return example


def _weight_name(index: tuple[int, ...], shape: tuple[int, ...]) -> str:
    """w₁₂ for a single-channel kernel, w₁,₂,₁₂ (out, in, row col) otherwise."""
    out_c, in_c, row, col = index
    position = subscript(row + 1) + subscript(col + 1)
    if shape[0] == 1 and shape[1] == 1:
        return "w" + position
    return f"w{subscript(out_c + 1)},{subscript(in_c + 1)},{position}"


@dataclass(frozen=True)
class Dense:
    """A fully connected layer ``y = W @ x + b`` with ``W`` of shape (n_out, n_in)."""

    x: np.ndarray
    weights: np.ndarray
    bias: np.ndarray

    def output(self) -> np.ndarray:
        return layers.dense(self.x, self.weights, self.bias)


def fully_connected(*, n_in: int = 9, n_out: int = 4, seed: int = 4) -> Dense:
    """The 9-to-4 fully connected layer (seed 004), or one of the reader's size.

    Its 9 inputs are the small example's image read row by row, so that the fully
    connected and the convolutional layer can be compared on the same input. Weights and
    biases have one decimal, drawn from ``seed``.
    """
    layers.check_positive_int("n_in", n_in)
    layers.check_positive_int("n_out", n_out)
    layers.check_int("seed", seed)
    rng = np.random.default_rng(seed)
    image = small_conv().image.ravel()
    x = image if n_in == image.size else rng.integers(0, 5, size=n_in).astype(float)
    weights = np.round(rng.normal(0.0, 0.6, size=(n_out, n_in)), 1)
    weights[weights == 0] = 0.1  # a weight of exactly zero would read as a missing edge
    bias = np.round(rng.normal(0.0, 0.5, size=n_out), 1)
    return Dense(x, weights, bias)


def line_example(*, n_in: int = 8, kernel: int = 3, seed: int = 0) -> ConvLayer:
    """The 1D example (seed 000): ``n_in`` inputs, a kernel of ``kernel`` weights w₁, w₂, …

    Used by the sparse-connectivity and weight-sharing figures. Inputs and weights are
    small non-zero integers drawn from ``seed``.
    """
    layers.check_positive_int("n_in", n_in)
    layers.check_positive_int("kernel", kernel)
    layers.check_int("seed", seed)
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(1, n_in)).astype(float)
    weights = rng.choice(np.array([-3, -2, -1, 1, 2, 3]), size=(1, 1, kernel)).astype(float)
    names = tuple(f"w{subscript(i + 1)}" for i in range(kernel))
    example = ConvLayer(x, weights, np.array([1.0]), names)
    example.output()
    return example


def locally_connected_weights(example: ConvLayer, *, seed: int = 0) -> np.ndarray:
    """Independent weights for the same connections as ``example`` (no sharing).

    A locally connected layer has the sparse connections of the 1D convolution but every
    edge owns its weight: shape (n_out, kernel), all different, drawn from ``seed``.
    """
    n_out = example.output().shape[-1]
    k = example.kernel.shape[-1]
    rng = np.random.default_rng(seed + 1)
    values = rng.permutation(np.arange(1, n_out * k + 1)) / 2.0
    signs = rng.choice(np.array([-1.0, 1.0]), size=n_out * k)
    return (values * signs).reshape(n_out, k)


def lenet5_c3_table() -> np.ndarray:
    """LeNet-5's table of which of the 6 maps of S2 feed each of the 16 maps of C3.

    From LeCun et al., "Gradient-based learning applied to document recognition" (1998),
    Table I: maps 0-5 read 3 neighbouring input maps, maps 6-11 read 4 neighbouring
    ones, maps 12-14 read 4 maps in two pairs, and map 15 reads all 6 (neighbours wrap
    around). Returns a bool array of shape (16, 6): ``table[out, in]``.
    """
    table = np.zeros((16, 6), dtype=bool)
    for out in range(6):
        table[out, [(out + i) % 6 for i in range(3)]] = True
    for out in range(6, 12):
        table[out, [(out - 6 + i) % 6 for i in range(4)]] = True
    for out, start in zip(range(12, 15), range(3), strict=True):
        table[out, [start, start + 1, (start + 3) % 6, (start + 4) % 6]] = True
    table[15, :] = True
    return table


def volume_example(
    *, size: int = 32, channels: int = 3, field: int = 5, kernels: int = 5, seed: int = 0
) -> ConvLayer:
    """The volume example (seed 000): a 3x32x32 input (C x H x W) and k = 5 kernels of 3x5x5.

    Every output neuron sees one 3x5x5 receptive field; the 5 neurons at the same place
    in the 5 feature maps form a depth column. Values are small integers from ``seed``.
    """
    for name, value in (("size", size), ("channels", channels), ("field", field),
                        ("kernels", kernels)):  # fmt: skip
        layers.check_positive_int(name, value)
    return conv_example(height=size, width=size, kernel=field, in_channels=channels,
                        out_channels=kernels, seed=seed)  # fmt: skip


def multichannel_example(
    *,
    in_channels: int = 3,
    out_channels: int = 2,
    height: int = 4,
    width: int = 4,
    kernel: int = 2,
    seed: int = 3,
) -> ConvLayer:
    """A colour-sized example small enough to print: 3 channels of 4x4, kernels 3x2x2.

    The channels example of seed 003: each kernel has one 2D slice per input channel,
    with different weights in each slice; C_out kernels give C_out feature maps.
    """
    return conv_example(height=height, width=width, kernel=kernel, in_channels=in_channels,
                        out_channels=out_channels, seed=seed)  # fmt: skip


#: DCGAN (Radford et al., 2016) as in seed 004: the discriminator maps a 3x64x64 image to
#: 1x1 with 4x4 kernels of stride 2 (the first with padding 1 gives 32x32); the generator
#: maps a 100x1x1 code to 3x64x64 with transposed convolutions. Each entry:
#: (out_channels, kernel, stride, padding).
DCGAN_DISCRIMINATOR = ((64, 4, 2, 1), (128, 4, 2, 1), (256, 4, 2, 1), (512, 4, 2, 1),
                       (1, 4, 1, 0))  # fmt: skip
DCGAN_GENERATOR = ((512, 4, 1, 0), (256, 4, 2, 1), (128, 4, 2, 1), (64, 4, 2, 1),
                   (3, 4, 2, 1))  # fmt: skip
DCGAN_IMAGE = (3, 64, 64)
DCGAN_CODE = (100, 1, 1)
