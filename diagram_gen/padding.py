"""Padding modes: what a convolution reads past the border, and its weight matrix.

:mod:`diagram_gen.layers` pads with zeros, as PyTorch does by default. PyTorch's
``padding_mode`` offers three more ways to invent the values outside the image, and this
module computes all four (numpy only, no batch dimension, channels first):

``"zeros"``
    ``0`` outside: ``0 0 | a b c d | 0 0``.
``"reflect"``
    mirror without repeating the edge: ``c b | a b c d | c b`` (numpy's ``reflect``,
    SciPy's ``mirror``).
``"replicate"``
    repeat the edge: ``a a | a b c d | d d`` (numpy's ``edge``, SciPy's ``nearest``).
``"circular"``
    wrap around: ``c d | a b c d | a b`` (numpy's ``wrap``, SciPy's ``wrap``).

Padding is itself a linear map: the padded input is a selection matrix ``P`` times the
input (each padded position copies one input position, or is zero). A convolution with any
of these modes is therefore a fully connected layer too, with matrix ``C P``, where ``C``
is the matrix of the unpadded convolution of the padded input. With ``"zeros"`` the
padded positions are dropped and ``C P`` is :func:`diagram_gen.layers.conv_matrix`. With
the other modes they land on real input columns: near the border one entry of the matrix
can receive several taps (it holds a *sum* of weights), and with ``"circular"`` the taps
cut off at one border reappear at the other, so the matrix of a stride-1 convolution is
circulant. :func:`conv_matrix_taps` counts, for every entry, how often each kernel weight
lands there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from diagram_gen import layers

__all__ = ["MODES", "conv", "conv_matrix", "conv_matrix_taps", "pad", "source_index"]

#: The padding modes, in PyTorch's ``padding_mode`` spelling.
MODES = ("zeros", "reflect", "replicate", "circular")

PaddingArg = int | Sequence[int] | str


def _check_mode(mode: object) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, got {mode!r}.")
    return str(mode)


def source_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """Which input position each position of a padded line copies (-1: a zero).

    Parameters
    ----------
    n : int
        Length of the unpadded line (positive).
    before, after : int
        Positions added before and after it (non-negative).
    mode : {"zeros", "reflect", "replicate", "circular"}
        How the added positions are filled.

    Returns
    -------
    ndarray of int64, shape (before + n + after,)
        Entry ``i`` is the input position that padded position ``i`` holds, or ``-1``
        where it holds a zero (only in mode ``"zeros"``).

    Raises
    ------
    ValueError
        For an unknown mode or a bad size; for ``"reflect"`` padding of ``n`` or more,
        and ``"circular"`` padding of more than ``n``, which PyTorch refuses too.

    Examples
    --------
    >>> source_index(4, 2, 2, "reflect")
    array([2, 1, 0, 1, 2, 3, 2, 1])
    >>> source_index(4, 2, 2, "circular")
    array([2, 3, 0, 1, 2, 3, 0, 1])
    """
    mode = _check_mode(mode)
    n = layers.check_positive_int("n", n)
    for name, value in (("before", before), ("after", after)):
        if layers.check_int(name, value) < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value}.")
    largest = max(before, after)
    if mode == "reflect" and largest >= n:
        raise ValueError(f"reflect padding must be smaller than the input size {n}, got {largest}.")
    if mode == "circular" and largest > n:
        raise ValueError(f"circular padding must be at most the input size {n}, got {largest}.")
    position = np.arange(-before, n + after, dtype=np.int64)
    if mode == "zeros":
        return np.where((position >= 0) & (position < n), position, -1)
    if mode == "replicate":
        return np.clip(position, 0, n - 1)
    if mode == "circular":
        return position % n
    mirrored = np.abs(position)  # reflect: -1 -> 1, -2 -> 2, ...
    return np.where(mirrored > n - 1, 2 * (n - 1) - mirrored, mirrored)


def _per_side(
    padding: PaddingArg, kernel: tuple[int, ...], dilation: tuple[int, ...], stride: object
) -> tuple[tuple[int, int], ...]:
    """(before, after) per spatial dimension; "same" as in :func:`diagram_gen.layers.conv`."""
    ndim = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * ndim
        if padding == "same":
            strides = stride if isinstance(stride, (tuple, list)) else (stride,) * ndim
            if any(s != 1 for s in strides):
                raise ValueError(f"padding='same' requires stride 1, got stride={stride}.")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(
            f"padding must be an int, one int per dimension, 'valid' or 'same', got {padding!r}."
        )
    values = padding if isinstance(padding, (tuple, list)) else (padding,) * ndim
    if len(values) != ndim:
        raise ValueError(
            f"padding must be an int or have one entry per spatial dimension ({ndim}), "
            f"got {padding!r}."
        )
    for value in values:
        if layers.check_int("padding", value) < 0:
            raise ValueError(f"padding must be non-negative, got {padding!r}.")
    return tuple((int(p), int(p)) for p in values)


def _padded_source(input_shape: tuple[int, ...], sides, mode: str) -> np.ndarray:
    """Flat index into ``x.ravel()`` for every entry of the padded input (-1: a zero)."""
    channels, spatial = input_shape[0], input_shape[1:]
    lines = [source_index(n, lo, hi, mode) for n, (lo, hi) in zip(spatial, sides, strict=True)]
    grids = np.meshgrid(*lines, indexing="ij")
    missing = np.zeros(grids[0].shape, dtype=bool)
    for grid in grids:
        missing |= grid < 0
    flat = np.ravel_multi_index(tuple(np.maximum(g, 0) for g in grids), spatial)
    per_channel = math.prod(spatial)
    source = flat[np.newaxis] + per_channel * np.arange(channels).reshape(
        (-1,) + (1,) * len(spatial)
    )
    return np.where(missing[np.newaxis], -1, source)


def pad(x: np.ndarray, padding: int | Sequence[int], mode: str = "zeros") -> np.ndarray:
    """Pad every spatial dimension of a channels-first array on both sides.

    Parameters
    ----------
    x : ndarray, shape (C, *spatial)
        Input, 1 to 3 spatial dimensions, no batch dimension.
    padding : int or sequence of int
        Positions added on each side, one value for every spatial dimension or one each.
    mode : {"zeros", "reflect", "replicate", "circular"}, default "zeros"
        How the added positions are filled (see the module docstring).

    Returns
    -------
    ndarray, shape (C, *(spatial + 2 * padding))
        The padded array, same dtype as ``x``.

    Raises
    ------
    ValueError
        For a wrong rank, an unknown mode or a padding the mode cannot fill.

    Examples
    --------
    >>> pad(np.array([[1, 2, 3]]), 2, "replicate")
    array([[1, 1, 1, 2, 3, 3, 3]])
    """
    x = np.asarray(x)
    if not 2 <= x.ndim <= 4 or 0 in x.shape:
        raise ValueError(
            f"x must have a channel and 1 to 3 non-empty spatial dimensions, got shape {x.shape}."
        )
    if isinstance(padding, str):
        raise ValueError(f"padding must be an int or one int per dimension, got {padding!r}.")
    sides = _per_side(padding, (1,) * (x.ndim - 1), (1,) * (x.ndim - 1), 1)
    source = _padded_source(x.shape, sides, _check_mode(mode))
    return np.where(source >= 0, x.ravel()[np.maximum(source, 0)], np.zeros((), dtype=x.dtype))


def conv(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    *,
    padding: PaddingArg = 0,
    mode: str = "zeros",
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    groups: int = 1,
) -> np.ndarray:
    """A convolution that pads with ``mode``, like PyTorch's ``padding_mode``.

    Parameters
    ----------
    x : ndarray, shape (C_in, *spatial)
        Input, channels first, 1 to 3 spatial dimensions.
    w : ndarray, shape (C_out, C_in // groups, *kernel)
        Kernels, in PyTorch's layout.
    b : ndarray, shape (C_out,), optional
        One bias per output channel.
    padding : int, sequence of int, "valid" or "same", default 0
        Positions added on each side; "same" (stride 1) splits ``dilation * (k - 1)``
        as :func:`diagram_gen.layers.conv` does, the extra one at the end.
    mode : {"zeros", "reflect", "replicate", "circular"}, default "zeros"
        How the padded positions are filled.
    stride, dilation, groups
        As in :func:`diagram_gen.layers.conv`.

    Returns
    -------
    ndarray, shape (C_out, *out_spatial)
        The pad-then-convolve result; with ``mode="zeros"`` exactly
        :func:`diagram_gen.layers.conv` with the same padding.

    Raises
    ------
    ValueError
        For anything :func:`diagram_gen.layers.conv` refuses, an unknown mode, or a
        padding the mode cannot fill.

    Examples
    --------
    >>> conv(np.array([[1.0, 2.0, 3.0]]), np.array([[[1.0, 1.0, 1.0]]]), padding=1,
    ...      mode="circular")
    array([[6., 6., 6.]])
    """
    x = np.asarray(x)
    w = np.asarray(w)
    if not 2 <= x.ndim <= 4 or w.ndim != x.ndim + 1:
        raise ValueError(
            f"x must have 2 to 4 dimensions and w one more, got shapes {x.shape} and {w.shape}."
        )
    ndim = x.ndim - 1
    dil = dilation if isinstance(dilation, (tuple, list)) else (dilation,) * ndim
    sides = _per_side(padding, tuple(w.shape[2:]), tuple(dil), stride)
    source = _padded_source(x.shape, sides, _check_mode(mode))
    padded = np.where(source >= 0, x.ravel()[np.maximum(source, 0)], 0).astype(
        np.result_type(x.dtype, np.float64) if not np.issubdtype(x.dtype, np.inexact) else x.dtype
    )
    return layers.conv(padded, w, b, stride=stride, dilation=dilation, groups=groups)


def conv_matrix_taps(
    weight_shape: Sequence[int],
    input_shape: Sequence[int],
    *,
    padding: PaddingArg = 0,
    mode: str = "zeros",
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    groups: int = 1,
) -> np.ndarray:
    """How often each kernel weight lands on each entry of the layer's weight matrix.

    Parameters
    ----------
    weight_shape : sequence of int
        ``(C_out, C_in // groups, *kernel)``.
    input_shape : sequence of int
        ``(C_in, *spatial)``.
    padding, mode, stride, dilation, groups
        As in :func:`conv`.

    Returns
    -------
    ndarray of int64, shape (rows, cols, prod(weight_shape))
        ``taps[r, c, k]`` is the number of times weight ``k`` (of ``w.ravel()``) multiplies
        input ``c`` in output ``r``; ``rows`` and ``cols`` as in
        :func:`diagram_gen.layers.conv_matrix`. An entry with no taps is a structural
        zero; with ``"zeros"`` every entry has at most one tap.

    Raises
    ------
    ValueError
        As :func:`conv`, or when the array would exceed
        :data:`diagram_gen.layers.DEFAULT_MAX_ENTRIES` entries.
    """
    in_shape = tuple(int(s) for s in input_shape)
    w_shape = tuple(int(s) for s in weight_shape)
    ndim = len(in_shape) - 1
    dil = dilation if isinstance(dilation, (tuple, list)) else (dilation,) * ndim
    sides = _per_side(padding, w_shape[2:], tuple(dil), stride)
    source = _padded_source(in_shape, sides, _check_mode(mode)).ravel()
    padded_shape = (in_shape[0],) + tuple(
        n + lo + hi for n, (lo, hi) in zip(in_shape[1:], sides, strict=True)
    )
    index = layers.conv_matrix_index(w_shape, padded_shape, stride=stride, dilation=dilation,
                                     groups=groups)  # fmt: skip
    rows, n_weights = index.shape[0], math.prod(w_shape)
    n_in = math.prod(in_shape)
    if rows * n_in * n_weights > layers.DEFAULT_MAX_ENTRIES:
        raise ValueError(
            f"conv_matrix_taps would have {rows * n_in * n_weights} entries, more than "
            f"{layers.DEFAULT_MAX_ENTRIES}."
        )
    taps = np.zeros((rows, n_in, n_weights), dtype=np.int64)
    r, j = np.nonzero((index >= 0) & (source[np.newaxis, :] >= 0))
    np.add.at(taps, (r, source[j], index[r, j]), 1)
    return taps


def conv_matrix(
    w: np.ndarray,
    input_shape: Sequence[int],
    *,
    padding: PaddingArg = 0,
    mode: str = "zeros",
    stride: int | Sequence[int] = 1,
    dilation: int | Sequence[int] = 1,
    groups: int = 1,
) -> np.ndarray:
    """The dense weight matrix of a convolution that pads with ``mode``.

    Parameters
    ----------
    w : ndarray, shape (C_out, C_in // groups, *kernel)
        Kernels.
    input_shape : sequence of int
        ``(C_in, *spatial)``.
    padding, mode, stride, dilation, groups
        As in :func:`conv`.

    Returns
    -------
    ndarray of float64, shape (rows, cols)
        ``M`` with ``M @ x.ravel() == conv(x, w, ...).ravel()`` (no bias): each entry
        the sum of the weights that :func:`conv_matrix_taps` puts there.

    Raises
    ------
    ValueError
        As :func:`conv_matrix_taps`.

    Examples
    --------
    >>> conv_matrix(np.array([[[1.0, 2.0, 3.0]]]), (1, 4), padding=1, mode="circular")
    array([[2., 3., 0., 1.],
           [1., 2., 3., 0.],
           [0., 1., 2., 3.],
           [3., 0., 1., 2.]])
    """
    w = np.asarray(w, dtype=np.float64)
    taps = conv_matrix_taps(w.shape, input_shape, padding=padding, mode=mode, stride=stride,
                            dilation=dilation, groups=groups)  # fmt: skip
    return taps @ w.ravel()
