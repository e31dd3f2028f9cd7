"""What one convolution costs, computed three ways, and what the layers cost as images grow.

Three implementations of the same layer, a 2D convolution (cross-correlation, as in
PyTorch's ``conv2d``) of an input ``x`` of shape ``(C_in, H, W)`` with kernels ``w`` of
shape ``(C_out, C_in, kh, kw)``, stride 1 and "same" padding (``k - 1`` zeros per
dimension, ``(k - 1) // 2`` before and the rest after, as PyTorch pads), no bias:

- :func:`conv_dense` builds the convolution's dense weight matrix
  (:func:`diagram_gen.layers.conv_matrix`) and multiplies the flattened input by it: the
  convolution as a fully connected layer, structural zeros and all;
- :func:`conv_im2col` gathers every window of the padded input into one
  ``(C_in·kh·kw, H·W)`` patch matrix ("im2col") and does one matrix product with the
  kernels, as most libraries do on a CPU;
- :func:`conv_direct` computes the sums directly: a Python loop over output channels and
  kernel offsets, each one whole-image multiply-add by numpy.

They return the same numbers (the tests check them against :func:`diagram_gen.layers.conv`
to 1e-10); ``benchmarks/cost.py`` times them. The counting functions give the sizes those
timings depend on: :func:`dense_matrix_bytes`, :func:`largest_side_that_fits`,
:func:`im2col_bytes` and :func:`layer_costs` (parameters, multiply-adds and weight memory
of fully connected, locally connected and convolutional layers on a ``side`` x ``side``
image).

Numpy only: nothing here imports matplotlib.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from diagram_gen import layers

__all__ = [
    "DEFAULT_MEMORY_BYTES",
    "LAYER_KINDS",
    "LayerCost",
    "conv_dense",
    "conv_direct",
    "conv_im2col",
    "dense_matrix_bytes",
    "dense_matrix_entries",
    "dense_matrix_nonzeros",
    "im2col_bytes",
    "largest_side_that_fits",
    "layer_costs",
    "same_padding",
]

#: The memory :func:`conv_dense` may use for its matrix unless told otherwise: the same
#: 400 MB that :data:`diagram_gen.layers.DEFAULT_MAX_ENTRIES` allows (50 million float64).
DEFAULT_MEMORY_BYTES = layers.DEFAULT_MAX_ENTRIES * 8

#: The three layers :func:`layer_costs` compares, in the site's order.
LAYER_KINDS = ("fully_connected", "locally_connected", "convolution")


# ----------------------------------------------------------------------------------------
# Checks shared by the three implementations
# ----------------------------------------------------------------------------------------


def same_padding(kernel: int) -> tuple[int, int]:
    """Zeros before and after one dimension for "same" padding with stride 1.

    Parameters
    ----------
    kernel : int
        Kernel length along the dimension (positive).

    Returns
    -------
    (int, int)
        ``((k - 1) // 2, k - 1 - (k - 1) // 2)``: an even kernel gets its extra zero at
        the end, as in PyTorch.
    """
    kernel = layers.check_positive_int("kernel", kernel)
    before = (kernel - 1) // 2
    return before, kernel - 1 - before


def _check_layer(x: object, w: object) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (C_in, H, W) and ``w`` (C_out, C_in, kh, kw) as arrays of one float dtype."""
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 3 or 0 in x.shape:
        raise ValueError(
            f"x must have shape (C_in, H, W) with positive sizes, got shape {x.shape}."
        )
    if w.ndim != 4 or 0 in w.shape:
        raise ValueError(
            f"w must have shape (C_out, C_in, kh, kw) with positive sizes, got shape {w.shape}."
        )
    if w.shape[1] != x.shape[0]:
        raise ValueError(
            f"w.shape[1] must equal the input channels C_in = {x.shape[0]}, got w.shape {w.shape}."
        )
    dtype = np.result_type(x, w)
    if not np.issubdtype(dtype, np.inexact):
        dtype = np.dtype(np.float64)
    return x.astype(dtype, copy=False), w.astype(dtype, copy=False)


def _pad_same(x: np.ndarray, kh: int, kw: int) -> np.ndarray:
    """``x`` with "same" zero padding for a ``kh`` x ``kw`` kernel."""
    return np.pad(x, [(0, 0), same_padding(kh), same_padding(kw)])


# ----------------------------------------------------------------------------------------
# Three ways to compute one convolution
# ----------------------------------------------------------------------------------------


def conv_dense(
    x: np.ndarray, w: np.ndarray, *, memory_bytes: int = DEFAULT_MEMORY_BYTES
) -> np.ndarray:
    """Convolution as a fully connected layer: build the dense matrix, then multiply.

    Parameters
    ----------
    x : ndarray, shape (C_in, H, W)
        Input, channel first.
    w : ndarray, shape (C_out, C_in, kh, kw)
        Kernels.
    memory_bytes : int, default DEFAULT_MEMORY_BYTES
        Most bytes the dense matrix may take. :func:`diagram_gen.layers.conv_matrix`'s
        ``max_entries`` is raised to exactly the entries this matrix has, and only after
        checking that they fit in ``memory_bytes``.

    Returns
    -------
    ndarray, shape (C_out, H, W)
        ``M @ x.ravel()`` reshaped, where ``M`` is the ``(C_out·H·W, C_in·H·W)`` matrix.

    Raises
    ------
    ValueError
        For wrong shapes, or when the matrix would need more than ``memory_bytes``
        (checked before anything large is allocated).

    Notes
    -----
    The time includes building the matrix, because that is what computing a convolution
    this way takes: its weights are the kernel's, scattered into a mostly-zero matrix of
    ``(C_out·H·W)·(C_in·H·W)`` entries.
    """
    x, w = _check_layer(x, w)
    memory_bytes = layers.check_positive_int("memory_bytes", memory_bytes)
    c_in, height, width = x.shape
    c_out = w.shape[0]
    entries = (c_out * height * width) * (c_in * height * width)
    needed = entries * x.dtype.itemsize
    if needed > memory_bytes:
        raise ValueError(
            f"the dense matrix of a {c_in}x{height}x{width} input with {c_out} output "
            f"channels needs {needed:,} bytes, more than memory_bytes={memory_bytes:,}."
        )
    matrix = layers.conv_matrix(w, x.shape, padding="same", max_entries=entries)
    return (matrix @ x.ravel()).reshape(c_out, height, width)


def conv_im2col(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Convolution as im2col plus one matrix product.

    The padded input is viewed as all its ``kh`` x ``kw`` windows
    (``np.lib.stride_tricks.sliding_window_view``, no copy), and the windows are copied
    into one patch matrix with a column per output position and a row per (input
    channel, kernel offset). The kernels, flattened the same way, multiply it once.

    Parameters
    ----------
    x : ndarray, shape (C_in, H, W)
        Input, channel first.
    w : ndarray, shape (C_out, C_in, kh, kw)
        Kernels.

    Returns
    -------
    ndarray, shape (C_out, H, W)

    Raises
    ------
    ValueError
        For wrong shapes.

    Notes
    -----
    The patch matrix holds every input value ``kh·kw`` times: its memory is
    :func:`im2col_bytes`, the price paid for doing all the work in one matrix product.
    """
    x, w = _check_layer(x, w)
    c_in, height, width = x.shape
    c_out, _, kh, kw = w.shape
    windows = np.lib.stride_tricks.sliding_window_view(_pad_same(x, kh, kw), (kh, kw), axis=(1, 2))
    # (C_in, H, W, kh, kw) -> rows (C_in, kh, kw), columns (H, W): the layout of w's rows.
    patches = windows.transpose(0, 3, 4, 1, 2).reshape(c_in * kh * kw, height * width)
    return (w.reshape(c_out, c_in * kh * kw) @ patches).reshape(c_out, height, width)


def conv_direct(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Convolution by direct loops: one whole-image multiply-add per kernel offset.

    For each output channel ``o`` and kernel offset ``(a, b)``, the input shifted by
    ``(a, b)`` (a view of the padded input) is weighted by ``w[o, :, a, b]``, summed over
    the input channels, and added to output ``o``: ``kh·kw·C_out`` Python iterations.

    Parameters
    ----------
    x : ndarray, shape (C_in, H, W)
        Input, channel first.
    w : ndarray, shape (C_out, C_in, kh, kw)
        Kernels.

    Returns
    -------
    ndarray, shape (C_out, H, W)

    Raises
    ------
    ValueError
        For wrong shapes.

    Notes
    -----
    This is the classic "loop over taps" direct convolution. It does exactly the
    convolution's multiply-adds, no more, and needs no memory beyond the output (no patch
    matrix, no dense matrix). The loop over output pixels, the innermost loop of the
    textbook formula, is left to numpy: a Python loop over every pixel would time the
    interpreter (about a million interpreted steps for a 256x256 image and a 3x3 kernel),
    not the algorithm.
    """
    x, w = _check_layer(x, w)
    _, height, width = x.shape
    c_out, _, kh, kw = w.shape
    padded = _pad_same(x, kh, kw)
    y = np.zeros((c_out, height, width), dtype=x.dtype)
    for o in range(c_out):
        for a in range(kh):
            for b in range(kw):
                shifted = padded[:, a : a + height, b : b + width]  # (C_in, H, W) view
                y[o] += np.einsum("c,chw->hw", w[o, :, a, b], shifted)
    return y


# ----------------------------------------------------------------------------------------
# Sizes: the dense matrix, the patch matrix, the three layers
# ----------------------------------------------------------------------------------------


def _check_sizes(c_in: int, c_out: int, side: int) -> tuple[int, int, int]:
    return (
        layers.check_positive_int("c_in", c_in),
        layers.check_positive_int("c_out", c_out),
        layers.check_positive_int("side", side),
    )


def dense_matrix_entries(c_in: int, c_out: int, side: int) -> int:
    """Entries of the dense matrix of a same-padded convolution on a ``side``² image.

    Parameters
    ----------
    c_in, c_out : int
        Input and output channels.
    side : int
        Height and width of the square image (and, with same padding, of the output).

    Returns
    -------
    int
        ``(c_out·side²)·(c_in·side²)``: one row per output value, one column per input.
    """
    c_in, c_out, side = _check_sizes(c_in, c_out, side)
    return (c_out * side * side) * (c_in * side * side)


def dense_matrix_bytes(c_in: int, c_out: int, side: int, dtype: DTypeLike = np.float64) -> int:
    """Bytes of the dense matrix of a same-padded convolution on a ``side``² image.

    Parameters
    ----------
    c_in, c_out : int
        Input and output channels.
    side : int
        Height and width of the square image.
    dtype : numpy dtype, default float64
        Type of the entries (8 bytes for float64).

    Returns
    -------
    int
        :func:`dense_matrix_entries` times the entry size. Whatever the kernel, the matrix
        has this many entries: the kernel only decides how few of them are not zero.

    Examples
    --------
    >>> dense_matrix_bytes(1, 1, 256)  # a 256x256 grey image: 34 GB of float64
    34359738368
    """
    return dense_matrix_entries(c_in, c_out, side) * np.dtype(dtype).itemsize


def largest_side_that_fits(
    memory_bytes: int, c_in: int, c_out: int, dtype: DTypeLike = np.float64
) -> int:
    """The largest square image side whose dense matrix fits in ``memory_bytes``.

    Parameters
    ----------
    memory_bytes : int
        The memory available for the matrix (e.g. the machine's total RAM).
    c_in, c_out : int
        Input and output channels.
    dtype : numpy dtype, default float64
        Type of the entries.

    Returns
    -------
    int
        The largest ``side`` with ``dense_matrix_bytes(c_in, c_out, side) <=
        memory_bytes``; 0 if not even a 1x1 image fits. ``side + 1`` does not fit.

    Notes
    -----
    Exact, in integers: the matrix takes ``side⁴·c_in·c_out·itemsize`` bytes, so ``side``
    is the integer fourth root of ``memory_bytes // (c_in·c_out·itemsize)``, computed as
    ``isqrt(isqrt(n))`` (for integers, ``⌊√⌊√n⌋⌋ = ⌊n^¼⌋``).

    Examples
    --------
    >>> largest_side_that_fits(16 * 2**30, 1, 1)  # 16 GiB of float64
    215
    """
    memory_bytes = layers._check_int("memory_bytes", memory_bytes, 0)
    c_in = layers.check_positive_int("c_in", c_in)
    c_out = layers.check_positive_int("c_out", c_out)
    per_pixel4 = c_in * c_out * np.dtype(dtype).itemsize
    return math.isqrt(math.isqrt(memory_bytes // per_pixel4))


def dense_matrix_nonzeros(c_in: int, c_out: int, side: int, kernel: int) -> int:
    """Entries of the dense matrix that hold a kernel weight (not a structural zero).

    Parameters
    ----------
    c_in, c_out : int
        Input and output channels.
    side : int
        Height and width of the square image, same padding, stride 1.
    kernel : int
        Side of the square kernel.

    Returns
    -------
    int
        ``c_in·c_out·t²``, where ``t`` counts, along one dimension, the (output position,
        kernel offset) pairs that land inside the image: ``side·k`` minus those that land
        on the padding zeros (``p(p+1)/2`` for ``p`` zeros on one side when ``p < side``).
    """
    c_in, c_out, side = _check_sizes(c_in, c_out, side)
    kernel = layers.check_positive_int("kernel", kernel)
    outside = 0
    for pad in same_padding(kernel):
        # The padding zero j places from the image's edge (j = 1..pad) sits under
        # pad - j + 1 windows near that edge, or under all `side` windows if fewer.
        outside += sum(min(pad - j + 1, side) for j in range(1, pad + 1))
    inside = side * kernel - outside
    return c_in * c_out * inside * inside


def im2col_bytes(c_in: int, side: int, kernel: int, dtype: DTypeLike = np.float64) -> int:
    """Bytes of :func:`conv_im2col`'s patch matrix: ``(c_in·k², side²)`` entries."""
    c_in = layers.check_positive_int("c_in", c_in)
    side = layers.check_positive_int("side", side)
    kernel = layers.check_positive_int("kernel", kernel)
    return c_in * kernel * kernel * side * side * np.dtype(dtype).itemsize


@dataclass(frozen=True)
class LayerCost:
    """What one layer costs on one image size."""

    parameters: int  # weights plus biases, all trainable
    multiply_adds: int  # per image; taps on the zero padding are left out
    weight_bytes: int  # memory of the weights (biases left out)


def layer_costs(
    side: int,
    *,
    c_in: int = 1,
    c_out: int = 1,
    kernel: int = 3,
    dtype: DTypeLike = np.float64,
) -> dict[str, LayerCost]:
    """Parameters, multiply-adds and weight memory of three layers on a ``side``² image.

    All three map ``c_in`` channels of ``side`` x ``side`` to ``c_out`` channels of the same
    size (stride 1, same padding), with ``n_in = c_in·side²`` inputs and
    ``n_out = c_out·side²`` outputs. A tap of a window that lies on the zero padding
    multiplies a zero: it is neither a weight nor a multiply-add the layer needs (im2col
    and the direct loop do it anyway), so the window layers count only the taps inside
    the image, :func:`dense_matrix_nonzeros` of them in all:

    - ``"fully_connected"``: a weight for every (output, input) pair and a bias per
      output; every weight is used once per image;
    - ``"locally_connected"``: a weight of its own for every tap inside the image (the
      non-zero entries of the convolution's matrix, untied), and a bias per output;
    - ``"convolution"``: one ``c_in·k·k`` kernel per output channel, shared by every
      position, and a bias per output channel; the same multiply-adds as the locally
      connected layer.

    Parameters
    ----------
    side : int
        Height and width of the square image.
    c_in, c_out : int, default 1
        Input and output channels.
    kernel : int, default 3
        Side of the square window.
    dtype : numpy dtype, default float64
        Type of the weights, for ``weight_bytes``.

    Returns
    -------
    dict
        ``{kind: LayerCost}`` for each kind of :data:`LAYER_KINDS`.
    """
    c_in, c_out, side = _check_sizes(c_in, c_out, side)
    kernel = layers.check_positive_int("kernel", kernel)
    itemsize = np.dtype(dtype).itemsize
    n_in, n_out = c_in * side * side, c_out * side * side
    taps = dense_matrix_nonzeros(c_in, c_out, side, kernel)
    weights = {
        "fully_connected": (n_in * n_out, n_out),
        "locally_connected": (taps, n_out),
        "convolution": (c_out * c_in * kernel * kernel, c_out),
    }
    multiply_adds = {
        "fully_connected": n_in * n_out,
        "locally_connected": taps,
        "convolution": taps,
    }
    return {
        kind: LayerCost(
            parameters=count + biases,
            multiply_adds=multiply_adds[kind],
            weight_bytes=count * itemsize,
        )
        for kind, (count, biases) in weights.items()
    }
