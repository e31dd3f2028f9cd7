"""The layer math behind every figure: convolution, its matrix, and its relatives.

Plain numpy reference implementations of the layers the site draws, with exactly
PyTorch's semantics (``conv1d/2d/3d``, ``conv_transpose1d/2d/3d``, ``max_pool`` and
``avg_pool`` in floor mode, ``nn.Linear``), but without a batch dimension: inputs are
channel-first arrays of shape ``(C, *spatial)`` with 1, 2 or 3 spatial dimensions.

The central object of the site is :func:`conv_matrix`: a convolution is a fully connected
layer whose dense weight matrix is mostly structural zeros, and whose non-zero entries are
copies of the few kernel weights. :func:`conv_matrix_index` gives that structure (which
kernel weight sits in which entry), and :func:`conv_transpose` is the layer whose matrix
is the transpose of it.

Parameters that may differ per spatial dimension (``stride``, ``padding``, ``dilation``,
``output_padding``, pooling ``kernel``) take an int or a tuple/list with one int per
spatial dimension. Every bad parameter raises :class:`ValueError` with a one-sentence
message that names the parameter, the rule and the value given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = [
    "DEFAULT_MAX_ENTRIES",
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

#: Largest number of entries (rows * cols) a dense layer matrix may have before
#: :func:`conv_matrix`, :func:`conv_matrix_index` and :func:`avg_pool_matrix` refuse to
#: build it (50 million int64 entries are 400 MB).
DEFAULT_MAX_ENTRIES = 50_000_000

IntOrSeq = int | Sequence[int]
PaddingArg = int | Sequence[int] | str


# ----------------------------------------------------------------------------------------
# Validation helpers
# ----------------------------------------------------------------------------------------


def _fmt(value: object) -> str:
    """Format a user value for an error message, on one line, numpy scalars as plain."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, np.integer):
        return str(int(value))
    if isinstance(value, np.floating):
        return repr(float(value))
    if isinstance(value, tuple):
        items = [_fmt(item) for item in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(item) for item in value) + "]"
    if isinstance(value, np.ndarray):
        return f"array({_fmt(value.tolist())})"
    text = repr(value)
    if len(text) > 200:
        text = text[:200] + "..."
    return " ".join(text.split())


def one_sentence(message: object) -> str:
    """An error message as the command line prints it: one line, ending in a full stop."""
    text = " ".join(str(message).split())
    return text if text.endswith(".") else text + "."


def _is_int(value: object) -> bool:
    """Tell Python and numpy integers (True) from bools and everything else (False)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _int_rule(minimum: int | None) -> str:
    if minimum is None:
        return "an integer"
    if minimum == 1:
        return "a positive integer"
    if minimum == 0:
        return "a non-negative integer"
    return f"an integer of at least {minimum}"


def _check_int(name: str, value: object, minimum: int | None = None) -> int:
    if not _is_int(value) or (minimum is not None and value < minimum):
        raise ValueError(f"{name} must be {_int_rule(minimum)}, got {_fmt(value)}.")
    return int(value)


def check_int(name: str, value: object) -> int:
    """Check that ``value`` is an integer (not a bool, not a float) and return it.

    Parameters
    ----------
    name : str
        The parameter's name, used in the error message.
    value : object
        The value to check. Python ints and numpy integers are accepted; bools, floats
        (even ``2.0``) and strings are not.

    Returns
    -------
    int
        ``value`` as a Python int.

    Raises
    ------
    ValueError
        If ``value`` is not an integer, e.g. "seed must be an integer, got 2.5.".
    """
    return _check_int(name, value)


def check_positive_int(name: str, value: object) -> int:
    """Check that ``value`` is an integer of at least 1 and return it.

    Parameters
    ----------
    name : str
        The parameter's name, used in the error message.
    value : object
        The value to check. Python ints and numpy integers are accepted; bools, floats
        and strings are not.

    Returns
    -------
    int
        ``value`` as a Python int.

    Raises
    ------
    ValueError
        If ``value`` is not a positive integer, e.g. "stride must be a positive
        integer, got 0.".
    """
    return _check_int(name, value, 1)


def _per_dim(name: str, value: object, ndim: int, minimum: int) -> tuple[int, ...]:
    """Expand an int or one int per spatial dimension (each >= ``minimum``) to a tuple."""
    if isinstance(value, (tuple, list, np.ndarray)):
        flat = not isinstance(value, np.ndarray) or value.ndim == 1
        items = (value.tolist() if isinstance(value, np.ndarray) else list(value)) if flat else []
        if not flat or len(items) != ndim:
            raise ValueError(
                f"{name} must be an int or have one entry per spatial dimension ({ndim}), "
                f"got {_fmt(value)}."
            )
        for item in items:
            if not _is_int(item) or item < minimum:
                raise ValueError(
                    f"{name} must be {_int_rule(minimum)} in every dimension, got {_fmt(value)}."
                )
        return tuple(int(item) for item in items)
    return (_check_int(name, value, minimum),) * ndim


def _check_shape(name: str, shape: object, min_len: int, max_len: int) -> tuple[int, ...]:
    """Check a shape: a sequence of positive ints, with a length in [min_len, max_len]."""
    if (
        not isinstance(shape, (tuple, list, np.ndarray))
        or (isinstance(shape, np.ndarray) and shape.ndim != 1)
        or any(not _is_int(size) or size < 1 for size in shape)
    ):
        raise ValueError(f"{name} must be a sequence of positive integers, got {_fmt(shape)}.")
    if not min_len <= len(shape) <= max_len:
        raise ValueError(
            f"{name} must have {min_len} to {max_len} entries, got {len(shape)} in {_fmt(shape)}."
        )
    return tuple(int(size) for size in shape)


def _check_array_rank(name: str, array: np.ndarray, what: str) -> None:
    """Channel-first array with 1 to 3 spatial dimensions and no empty dimension."""
    if not 2 <= array.ndim <= 4:
        raise ValueError(
            f"{name} must have 2 to 4 dimensions ({what} plus 1 to 3 spatial dimensions), "
            f"got {array.ndim} dimensions with shape {_fmt(array.shape)}."
        )
    if 0 in array.shape:
        raise ValueError(
            f"{name} must have a positive size in every dimension, got shape {_fmt(array.shape)}."
        )


def _check_weight_rank(name: str, weight_shape: tuple[int, ...], input_rank: int) -> None:
    if len(weight_shape) != input_rank + 1:
        raise ValueError(
            f"{name} must have {input_rank + 1} dimensions (one more than the input), "
            f"got {len(weight_shape)} with shape {_fmt(tuple(weight_shape))}."
        )
    if 0 in weight_shape:
        raise ValueError(
            f"{name} must have a positive size in every dimension, "
            f"got shape {_fmt(tuple(weight_shape))}."
        )


def _check_bias(b: object, out_channels: int) -> np.ndarray | None:
    if b is None:
        return None
    bias = np.asarray(b)
    if bias.shape != (out_channels,):
        raise ValueError(
            f"b must have shape ({out_channels},) (one bias per output channel), "
            f"got shape {_fmt(bias.shape)}."
        )
    return bias


def _float_dtype(*arrays: np.ndarray | None) -> np.dtype:
    """Return the arrays' common dtype, promoted to float64 unless floating or complex."""
    dtype = np.result_type(*[a for a in arrays if a is not None])
    return dtype if np.issubdtype(dtype, np.inexact) else np.dtype(np.float64)


def _fit_check(kernel: int, dilation: int, padded: int, dim: int | None) -> None:
    """Check that the dilated kernel fits in the padded input, as PyTorch requires."""
    if dilation * (kernel - 1) + 1 > padded:
        where = "" if dim is None else f" in dimension {dim}"
        raise ValueError(
            f"kernel size {kernel} (with dilation {dilation}) is larger than "
            f"the padded input {padded}{where}."
        )


def _check_max_entries(max_entries: object, rows: int, cols: int, what: str) -> None:
    limit = _check_int("max_entries", max_entries, 1)
    if rows * cols > limit:
        raise ValueError(
            f"{what} would have shape ({rows}, {cols}) with {rows * cols} entries, "
            f"more than max_entries={limit}."
        )


# ----------------------------------------------------------------------------------------
# Geometry
# ----------------------------------------------------------------------------------------


class _ConvGeometry(NamedTuple):
    """Everything about a convolution except the numbers in x and w."""

    in_channels: int
    out_channels: int
    groups: int
    spatial: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    pad_lo: tuple[int, ...]
    pad_hi: tuple[int, ...]
    out: tuple[int, ...]


def _conv_padding(
    padding: object,
    stride_arg: object,
    stride: tuple[int, ...],
    geo_kernel: tuple[int, ...],
    dilation: tuple[int, ...],
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Per-side padding (lo, hi) for conv; 'same' is asymmetric for even total padding."""
    ndim = len(geo_kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return (0,) * ndim, (0,) * ndim
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(
                    f"padding='same' requires stride 1 in every dimension, "
                    f"got stride={_fmt(stride_arg)}."
                )
            total = tuple(d * (k - 1) for k, d in zip(geo_kernel, dilation, strict=True))
            lo = tuple(t // 2 for t in total)
            return lo, tuple(t - left for t, left in zip(total, lo, strict=True))
        raise ValueError(
            f"padding must be an int, a tuple of ints, 'valid' or 'same', got {_fmt(padding)}."
        )
    pad = _per_dim("padding", padding, ndim, 0)
    return pad, pad


def _conv_geometry(
    weight_shape: tuple[int, ...],
    input_shape: tuple[int, ...],
    stride: object,
    padding: object,
    dilation: object,
    groups: object,
    w_name: str,
) -> _ConvGeometry:
    """Validate a convolution's parameters against the shapes and compute its output size."""
    ndim = len(input_shape) - 1
    in_channels, spatial = input_shape[0], tuple(input_shape[1:])
    out_channels, kernel = weight_shape[0], tuple(weight_shape[2:])
    stride_t = _per_dim("stride", stride, ndim, 1)
    dilation_t = _per_dim("dilation", dilation, ndim, 1)
    pad_lo, pad_hi = _conv_padding(padding, stride, stride_t, kernel, dilation_t)
    g = _check_int("groups", groups, 1)
    if in_channels % g or out_channels % g:
        raise ValueError(
            f"groups must divide both in_channels ({in_channels}) and "
            f"out_channels ({out_channels}), got groups={g}."
        )
    if weight_shape[1] * g != in_channels:
        raise ValueError(
            f"{w_name}[1] * groups must equal in_channels ({in_channels}), "
            f"got {w_name}[1]={weight_shape[1]} and groups={g}."
        )
    out = []
    for i in range(ndim):
        padded = spatial[i] + pad_lo[i] + pad_hi[i]
        _fit_check(kernel[i], dilation_t[i], padded, i)
        out.append((padded - dilation_t[i] * (kernel[i] - 1) - 1) // stride_t[i] + 1)
    return _ConvGeometry(
        in_channels,
        out_channels,
        g,
        spatial,
        kernel,
        stride_t,
        dilation_t,
        pad_lo,
        pad_hi,
        tuple(out),
    )


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length of a convolution along one spatial dimension.

    Parameters
    ----------
    n : int
        Input length (positive).
    k : int
        Kernel length (positive).
    stride : int, default 1
        Step between consecutive windows (positive).
    padding : int, default 0
        Zeros added on *each* side of the input (non-negative).
    dilation : int, default 1
        Spacing between kernel taps (positive); the dilated kernel spans
        ``dilation * (k - 1) + 1`` input positions.

    Returns
    -------
    int
        ``floor((n + 2 * padding - dilation * (k - 1) - 1) / stride) + 1``, as in the
        PyTorch ``Conv1d``/``Conv2d``/``Conv3d`` documentation.

    Raises
    ------
    ValueError
        If a size is not a positive integer, padding is negative, or the dilated kernel
        is larger than the padded input.

    Examples
    --------
    >>> conv_output_size(64, 4, stride=2, padding=1)  # first layer of DCGAN's critic
    32
    """
    n = check_positive_int("n", n)
    k = check_positive_int("k", k)
    stride = check_positive_int("stride", stride)
    padding = _check_int("padding", padding, 0)
    dilation = check_positive_int("dilation", dilation)
    _fit_check(k, dilation, n + 2 * padding, None)
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def conv_transpose_output_size(
    n: int,
    k: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    output_padding: int = 0,
) -> int:
    """Output length of a transposed convolution along one spatial dimension.

    Parameters
    ----------
    n : int
        Input length (positive).
    k : int
        Kernel length (positive).
    stride : int, default 1
        Stride of the convolution being transposed (positive).
    padding : int, default 0
        Padding of the convolution being transposed; it crops ``padding`` positions
        from each side of the full output (non-negative).
    dilation : int, default 1
        Spacing between kernel taps (positive).
    output_padding : int, default 0
        Extra positions added at the end (bottom/right) of the output to pick one of the
        several input sizes a strided convolution maps to the same output size. Must be
        smaller than ``stride`` or smaller than ``dilation`` (PyTorch's rule).

    Returns
    -------
    int
        ``(n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.

    Raises
    ------
    ValueError
        If a parameter is invalid, ``output_padding`` breaks PyTorch's rule, or the
        result would be below 1.

    Examples
    --------
    >>> conv_transpose_output_size(32, 4, stride=2, padding=1)
    64
    """
    n = check_positive_int("n", n)
    k = check_positive_int("k", k)
    stride = check_positive_int("stride", stride)
    padding = _check_int("padding", padding, 0)
    dilation = check_positive_int("dilation", dilation)
    output_padding = _check_int("output_padding", output_padding, 0)
    _output_padding_check(output_padding, stride, dilation, None)
    out = (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    _transpose_size_check(out, padding, None)
    return out


def _output_padding_check(op: int, stride: int, dilation: int, dim: int | None) -> None:
    if not (op < stride or op < dilation):
        where = "" if dim is None else f" in dimension {dim}"
        raise ValueError(
            f"output_padding must be smaller than stride or dilation, got output_padding={op} "
            f"with stride={stride} and dilation={dilation}{where}."
        )


def _transpose_size_check(out: int, padding: int, dim: int | None) -> None:
    if out < 1:
        where = "" if dim is None else f" in dimension {dim}"
        raise ValueError(
            f"padding {padding} is too large: the conv_transpose output size would be "
            f"{out}{where}, and it must be at least 1."
        )


# ----------------------------------------------------------------------------------------
# Convolution
# ----------------------------------------------------------------------------------------


def _windows(
    xp: np.ndarray,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    out: tuple[int, ...],
) -> np.ndarray:
    """View of shape (C, *out, *kernel): the input taps under every output position."""
    eff = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    axes = tuple(range(1, xp.ndim))
    view = np.lib.stride_tricks.sliding_window_view(xp, eff, axis=axes)
    # Take exactly `count` elements `step` apart; a single element gets step 1 so that a
    # huge (valid) stride or dilation never reaches numpy's slicing.
    index = (slice(None),) + tuple(
        slice(0, (count - 1) * step + 1, step if count > 1 else 1)
        for step, count in zip(stride + dilation, out + kernel, strict=True)
    )
    return view[index]


def conv(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    *,
    stride: IntOrSeq = 1,
    padding: PaddingArg = 0,
    dilation: IntOrSeq = 1,
    groups: int = 1,
) -> np.ndarray:
    """Convolution (cross-correlation) with PyTorch's ``conv1d``/``conv2d``/``conv3d`` semantics.

    ``y[o, *p] = b[o] + sum over c, *t of w[o, c, *t] * x_pad[g * C_in/groups + c,
    *(p * stride + t * dilation)]`` where ``g = o // (C_out / groups)`` is the group of
    output channel ``o``. Like every deep-learning "convolution" the kernel is not
    flipped.

    Parameters
    ----------
    x : ndarray, shape (C_in, *spatial)
        Input, channel first, 1 to 3 spatial dimensions, no batch dimension.
    w : ndarray, shape (C_out, C_in // groups, *kernel)
        Kernels, in PyTorch's layout.
    b : ndarray, shape (C_out,), optional
        One bias per output channel.
    stride : int or sequence of int, default 1
        Step between windows, per spatial dimension.
    padding : int, sequence of int, "valid" or "same", default 0
        Zeros added on each side. "valid" is 0. "same" (stride 1 only) pads a total of
        ``dilation * (k - 1)`` per dimension, ``total // 2`` before and the rest after,
        so an even kernel gets one more zero at the end, exactly as PyTorch does.
    dilation : int or sequence of int, default 1
        Spacing between kernel taps.
    groups : int, default 1
        Number of groups: input and output channels are split into ``groups`` blocks and
        block ``g`` of the output only sees block ``g`` of the input.

    Returns
    -------
    ndarray, shape (C_out, *out_spatial)
        ``out_spatial[i] == conv_output_size(spatial[i], kernel[i], ...)`` (with
        asymmetric padding for "same"). Integer inputs give float64.

    Raises
    ------
    ValueError
        For wrong array ranks or shapes, bad stride/padding/dilation/groups, a kernel
        larger than the padded input, or a bias of the wrong shape.

    Notes
    -----
    Vectorised: the padded input is viewed as sliding windows, gathered into one
    ``(groups, C_in/groups * prod(kernel), prod(out))`` patch matrix and multiplied with
    the kernels reshaped to ``(groups, C_out/groups, C_in/groups * prod(kernel))``.

    Examples
    --------
    >>> x = np.arange(5.0)[np.newaxis]
    >>> conv(x, np.array([[[1.0, 10.0]]]))
    array([[10., 21., 32., 43.]])
    """
    x = np.asarray(x)
    w = np.asarray(w)
    _check_array_rank("x", x, "channels")
    _check_weight_rank("w", w.shape, x.ndim)
    geo = _conv_geometry(w.shape, x.shape, stride, padding, dilation, groups, "w.shape")
    bias = _check_bias(b, geo.out_channels)
    dtype = _float_dtype(x, w, bias)
    pads = [(0, 0)] + list(zip(geo.pad_lo, geo.pad_hi, strict=True))
    xp = np.pad(x.astype(dtype, copy=False), pads)
    win = _windows(xp, geo.kernel, geo.stride, geo.dilation, geo.out)  # (C_in, *out, *k)
    ndim = len(geo.spatial)
    g, cg = geo.groups, geo.in_channels // geo.groups
    n_out, n_taps = math.prod(geo.out), math.prod(geo.kernel)
    win = win.reshape((g, cg) + geo.out + geo.kernel)
    order = (0, 1) + tuple(range(2 + ndim, 2 + 2 * ndim)) + tuple(range(2, 2 + ndim))
    patches = win.transpose(order).reshape(g, cg * n_taps, n_out)
    kernels = w.astype(dtype, copy=False).reshape(g, geo.out_channels // g, cg * n_taps)
    y = np.matmul(kernels, patches).reshape((geo.out_channels,) + geo.out)
    if bias is not None:
        y += bias.astype(dtype, copy=False).reshape((-1,) + (1,) * ndim)
    return y


# ----------------------------------------------------------------------------------------
# The dense matrix of a convolution
# ----------------------------------------------------------------------------------------


def _taps(
    geo: _ConvGeometry,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, col, weight index) of every non-structural entry of the conv matrix."""
    ndim = len(geo.spatial)
    n_in, n_out, n_taps = math.prod(geo.spatial), math.prod(geo.out), math.prod(geo.kernel)
    g = geo.groups
    cg, cog = geo.in_channels // g, geo.out_channels // g
    stride, dilation, pad_lo, size = (
        np.array(values, dtype=np.int64).reshape(ndim, 1, 1)
        for values in (geo.stride, geo.dilation, geo.pad_lo, geo.spatial)
    )
    out_pos = np.indices(geo.out, dtype=np.int64).reshape(ndim, n_out, 1)
    tap_pos = np.indices(geo.kernel, dtype=np.int64).reshape(ndim, 1, n_taps)
    pos = out_pos * stride - pad_lo + tap_pos * dilation  # (ndim, n_out, n_taps)
    inside = np.all((pos >= 0) & (pos < size), axis=0)  # taps in the padding vanish
    o_idx, t_idx = np.nonzero(inside)
    flat_in = np.ravel_multi_index(tuple(pos[:, o_idx, t_idx]), geo.spatial)
    co = np.arange(geo.out_channels, dtype=np.int64)[:, None, None]
    ci = np.arange(cg, dtype=np.int64)[None, :, None]
    shape = (geo.out_channels, cg, o_idx.size)
    rows = np.broadcast_to(co * n_out + o_idx, shape)
    cols = ((co // cog) * cg + ci) * n_in + flat_in
    widx = (co * cg + ci) * n_taps + t_idx
    return rows, cols, widx


def _matrix_geometry(
    weight_shape: object,
    input_shape: object,
    stride: object,
    padding: object,
    dilation: object,
    groups: object,
    max_entries: object,
    w_name: str,
    what: str,
) -> _ConvGeometry:
    in_shape = _check_shape("input_shape", input_shape, 2, 4)
    w_shape = _check_shape(w_name, weight_shape, 3, 5)
    _check_weight_rank(w_name, w_shape, len(in_shape))
    geo = _conv_geometry(w_shape, in_shape, stride, padding, dilation, groups, w_name)
    rows = geo.out_channels * math.prod(geo.out)
    cols = geo.in_channels * math.prod(geo.spatial)
    _check_max_entries(max_entries, rows, cols, what)
    return geo


def conv_matrix_index(
    weight_shape: Sequence[int],
    input_shape: Sequence[int],
    *,
    stride: IntOrSeq = 1,
    padding: PaddingArg = 0,
    dilation: IntOrSeq = 1,
    groups: int = 1,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> np.ndarray:
    """Structure of the dense weight matrix of a convolution: which kernel weight is where.

    Parameters
    ----------
    weight_shape : sequence of int
        ``(C_out, C_in // groups, *kernel)``, the shape of the conv weight ``w``.
    input_shape : sequence of int
        ``(C_in, *spatial)``, the shape of the input ``x``.
    stride, padding, dilation, groups
        As in :func:`conv`.
    max_entries : int, default DEFAULT_MAX_ENTRIES
        Refuse (before allocating anything large) to build a matrix with more entries.

    Returns
    -------
    ndarray of int64, shape (C_out * prod(out_spatial), C_in * prod(spatial))
        Entry ``[r, c]`` is ``-1`` where the matrix has a structural zero (a weight the
        layer can never train), otherwise the index into ``w.ravel()`` of the kernel
        weight it holds. Rows are in C order of ``(C_out, *out_spatial)``, columns in C
        order of ``(C_in, *spatial)``, so ``M @ x.ravel()`` is ``conv(x, w).ravel()``.
        Taps that fall into the zero padding do not appear.

    Raises
    ------
    ValueError
        For invalid shapes or parameters (as :func:`conv`), or when rows * cols would
        exceed ``max_entries``.

    Examples
    --------
    >>> conv_matrix_index((1, 1, 2), (1, 3))
    array([[ 0,  1, -1],
           [-1,  0,  1]])
    """
    geo = _matrix_geometry(
        weight_shape,
        input_shape,
        stride,
        padding,
        dilation,
        groups,
        max_entries,
        "weight_shape",
        "conv_matrix_index",
    )
    rows, cols, widx = _taps(geo)
    index = np.full(
        (geo.out_channels * math.prod(geo.out), geo.in_channels * math.prod(geo.spatial)),
        -1,
        dtype=np.int64,
    )
    index[rows, cols] = widx
    return index


def conv_matrix(
    w: np.ndarray,
    input_shape: Sequence[int],
    *,
    stride: IntOrSeq = 1,
    padding: PaddingArg = 0,
    dilation: IntOrSeq = 1,
    groups: int = 1,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> np.ndarray:
    """Build the dense weight matrix that makes a convolution a fully connected layer.

    Parameters
    ----------
    w : ndarray, shape (C_out, C_in // groups, *kernel)
        Kernels, as in :func:`conv`.
    input_shape : sequence of int
        ``(C_in, *spatial)``, the shape of the input the matrix applies to.
    stride, padding, dilation, groups
        As in :func:`conv`.
    max_entries : int, default DEFAULT_MAX_ENTRIES
        Refuse (before allocating anything large) to build a matrix with more entries.

    Returns
    -------
    ndarray, shape (C_out * prod(out_spatial), C_in * prod(spatial))
        ``M`` with ``M @ x.ravel() == conv(x, w, ...).ravel()`` (no bias): the entries
        of :func:`conv_matrix_index` replaced by the weights they point at, structural
        zeros by 0. Integer weights give float64.

    Raises
    ------
    ValueError
        For invalid shapes or parameters (as :func:`conv`), or when rows * cols would
        exceed ``max_entries``.

    Examples
    --------
    >>> conv_matrix(np.array([[[1.0, 10.0]]]), (1, 3))
    array([[ 1., 10.,  0.],
           [ 0.,  1., 10.]])
    """
    w = np.asarray(w)
    geo = _matrix_geometry(
        w.shape,
        input_shape,
        stride,
        padding,
        dilation,
        groups,
        max_entries,
        "w.shape",
        "conv_matrix",
    )
    rows, cols, widx = _taps(geo)
    dtype = _float_dtype(w)
    matrix = np.zeros(
        (geo.out_channels * math.prod(geo.out), geo.in_channels * math.prod(geo.spatial)),
        dtype=dtype,
    )
    matrix[rows, cols] = w.astype(dtype, copy=False).ravel()[widx]
    return matrix


# ----------------------------------------------------------------------------------------
# Transposed convolution
# ----------------------------------------------------------------------------------------


def conv_transpose(
    y: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    *,
    stride: IntOrSeq = 1,
    padding: IntOrSeq = 0,
    dilation: IntOrSeq = 1,
    output_padding: IntOrSeq = 0,
    groups: int = 1,
) -> np.ndarray:
    """Transposed convolution with PyTorch's ``conv_transpose1d/2d/3d`` semantics.

    Every input value ``y[c, *i]`` adds ``y[c, *i] * w[c, o, *t]`` to output position
    ``i * stride + t * dilation - padding`` of output channel ``g * C_out/groups + o``
    (``g`` the group of ``c``). This is the adjoint of :func:`conv`: with
    ``output_padding`` smaller than ``stride``,
    ``conv_transpose(y, w, ...).ravel() == conv_matrix(w, (C_out, *out_spatial),
    ...).T @ y.ravel()``, the same tensor ``w`` read as a conv weight of shape
    ``(C_in, C_out // groups, *kernel)``.

    Parameters
    ----------
    y : ndarray, shape (C_in, *spatial)
        Input, channel first, 1 to 3 spatial dimensions, no batch dimension.
    w : ndarray, shape (C_in, C_out // groups, *kernel)
        Kernels in PyTorch's ``ConvTranspose`` layout (input channels first).
    b : ndarray, shape (C_out,), optional
        One bias per output channel.
    stride : int or sequence of int, default 1
        Stride of the convolution being transposed (spacing of the scattered copies).
    padding : int or sequence of int, default 0
        Padding of the convolution being transposed: ``padding`` positions are cropped
        from each side of the full output. Strings are not accepted.
    dilation : int or sequence of int, default 1
        Spacing between kernel taps.
    output_padding : int or sequence of int, default 0
        Extra positions at the end (bottom/right) of each output dimension; per
        dimension it must be smaller than ``stride`` or smaller than ``dilation``.
    groups : int, default 1
        Number of blocked connections from input to output channels.

    Returns
    -------
    ndarray, shape (C_out, *out_spatial)
        With ``out_spatial[i] == conv_transpose_output_size(spatial[i], kernel[i], ...)``.
        Integer inputs give float64.

    Raises
    ------
    ValueError
        For wrong ranks or shapes, bad parameters, ``output_padding`` breaking PyTorch's
        rule, an output size below 1, or a bias of the wrong shape.

    Examples
    --------
    >>> conv_transpose(np.array([[1.0, 2.0]]), np.array([[[1.0, 10.0]]]), stride=2)
    array([[ 1., 10.,  2., 20.]])
    """
    y = np.asarray(y)
    w = np.asarray(w)
    _check_array_rank("y", y, "channels")
    _check_weight_rank("w", w.shape, y.ndim)
    ndim = y.ndim - 1
    in_channels, spatial, kernel = y.shape[0], y.shape[1:], w.shape[2:]
    stride_t = _per_dim("stride", stride, ndim, 1)
    dilation_t = _per_dim("dilation", dilation, ndim, 1)
    if isinstance(padding, str):
        raise ValueError(
            f"padding must be a non-negative integer or one per spatial dimension "
            f"(conv_transpose accepts no padding strings), got {_fmt(padding)}."
        )
    pad_t = _per_dim("padding", padding, ndim, 0)
    op_t = _per_dim("output_padding", output_padding, ndim, 0)
    g = _check_int("groups", groups, 1)
    if in_channels % g:
        raise ValueError(f"groups must divide in_channels ({in_channels}), got groups={g}.")
    if w.shape[0] != in_channels:
        raise ValueError(
            f"w.shape[0] must equal in_channels ({in_channels}) of y, got w.shape[0]={w.shape[0]}."
        )
    out_channels = w.shape[1] * g
    full, out = [], []
    for i in range(ndim):
        _output_padding_check(op_t[i], stride_t[i], dilation_t[i], i if ndim > 1 else None)
        full.append((spatial[i] - 1) * stride_t[i] + dilation_t[i] * (kernel[i] - 1) + 1)
        out.append(full[i] - 2 * pad_t[i] + op_t[i])
        _transpose_size_check(out[i], pad_t[i], i if ndim > 1 else None)
    bias = _check_bias(b, out_channels)
    dtype = _float_dtype(y, w, bias)

    cig, cog = in_channels // g, w.shape[1]
    n_in, n_taps = math.prod(spatial), math.prod(kernel)
    # (g, cog * taps, cig) @ (g, cig, n_in): every output channel and tap, every input position
    kernels = w.astype(dtype, copy=False).reshape(g, cig, cog * n_taps).transpose(0, 2, 1)
    z = np.matmul(kernels, y.astype(dtype, copy=False).reshape(g, cig, n_in))
    z = z.reshape((out_channels,) + tuple(kernel) + tuple(spatial))
    # The full (uncropped) output, plus output_padding zeros at the end of each dimension.
    buffer = np.zeros(
        (out_channels,) + tuple(f + p for f, p in zip(full, op_t, strict=True)), dtype=dtype
    )
    for tap in np.ndindex(*kernel):
        target = tuple(
            slice(t * d, t * d + s * (n - 1) + 1, s)
            for t, d, s, n in zip(tap, dilation_t, stride_t, spatial, strict=True)
        )
        buffer[(slice(None),) + target] += z[(slice(None),) + tap]
    crop = tuple(slice(p, p + o) for p, o in zip(pad_t, out, strict=True))
    result = buffer[(slice(None),) + crop]
    if bias is not None:
        result = result + bias.astype(dtype, copy=False).reshape((-1,) + (1,) * ndim)
    return np.ascontiguousarray(result)


# ----------------------------------------------------------------------------------------
# Fully connected layer
# ----------------------------------------------------------------------------------------


def dense(x: np.ndarray, W: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Fully connected (dense, linear) layer ``y = W @ x + b``.

    Convention: ``W`` has shape ``(n_out, n_in)``, like the ``weight`` of PyTorch's
    ``nn.Linear``, so row ``j`` of ``W`` holds the weights of output ``j``. The same
    layer written with a row vector is ``x (1 x n_in) @ W.T (n_in x n_out) + b``; for a
    batch of row vectors ``x`` of shape ``(batch, n_in)`` this function returns
    ``x @ W.T + b``.

    Parameters
    ----------
    x : ndarray, shape (n_in,) or (batch, n_in)
        One input vector, or a batch of them as rows.
    W : ndarray, shape (n_out, n_in)
        Weights.
    b : ndarray, shape (n_out,), optional
        Biases.

    Returns
    -------
    ndarray, shape (n_out,) or (batch, n_out)
        ``W @ x + b`` for one vector, ``x @ W.T + b`` for a batch. Integer inputs give
        float64.

    Raises
    ------
    ValueError
        If ``W`` is not 2-D, ``x`` is not 1-D or 2-D, their sizes do not match, or ``b``
        has the wrong shape.

    Examples
    --------
    >>> dense(np.array([1.0, 2.0]), np.array([[1.0, 1.0], [0.0, 3.0]]), np.array([0.5, 0.0]))
    array([3.5, 6. ])
    """
    x = np.asarray(x)
    W = np.asarray(W)
    if W.ndim != 2:
        raise ValueError(
            f"W must be a 2-D array of shape (n_out, n_in), got shape {_fmt(W.shape)}."
        )
    if x.ndim not in (1, 2):
        raise ValueError(f"x must have shape (n_in,) or (batch, n_in), got shape {_fmt(x.shape)}.")
    if x.shape[-1] != W.shape[1]:
        raise ValueError(
            f"x must have n_in={W.shape[1]} entries in its last dimension to match W of shape "
            f"{_fmt(W.shape)}, got shape {_fmt(x.shape)}."
        )
    bias = _check_bias(b, W.shape[0])
    dtype = _float_dtype(x, W, bias)
    result = x.astype(dtype, copy=False) @ W.astype(dtype, copy=False).T
    if bias is not None:
        result = result + bias.astype(dtype, copy=False)
    return result


# ----------------------------------------------------------------------------------------
# Pooling
# ----------------------------------------------------------------------------------------


class _PoolGeometry(NamedTuple):
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    out: tuple[int, ...]


def _pool_geometry(
    spatial: tuple[int, ...], kernel: object, stride: object, padding: object
) -> _PoolGeometry:
    ndim = len(spatial)
    kernel_t = _per_dim("kernel", kernel, ndim, 1)
    stride_t = kernel_t if stride is None else _per_dim("stride", stride, ndim, 1)
    pad_t = _per_dim("padding", padding, ndim, 0)
    out = []
    for i in range(ndim):
        if pad_t[i] > kernel_t[i] // 2:
            raise ValueError(
                f"padding must be at most half the kernel size (kernel // 2 = "
                f"{kernel_t[i] // 2}), got padding={pad_t[i]} with kernel={kernel_t[i]} "
                f"in dimension {i}."
            )
        padded = spatial[i] + 2 * pad_t[i]
        _fit_check(kernel_t[i], 1, padded, i)
        out.append((padded - kernel_t[i]) // stride_t[i] + 1)
    return _PoolGeometry(kernel_t, stride_t, pad_t, tuple(out))


def pool(
    x: np.ndarray,
    kind: str = "max",
    kernel: IntOrSeq = 2,
    stride: IntOrSeq | None = None,
    padding: IntOrSeq = 0,
) -> np.ndarray:
    """Max or average pooling with PyTorch's ``max_pool``/``avg_pool`` semantics.

    Each channel is pooled separately, floor mode (windows never start past the padded
    input), no dilation.

    Parameters
    ----------
    x : ndarray, shape (C, *spatial)
        Input, channel first, 1 to 3 spatial dimensions, no batch dimension.
    kind : {"max", "avg"}, default "max"
        Maximum or mean of each window.
    kernel : int or sequence of int, default 2
        Window size per spatial dimension.
    stride : int or sequence of int, optional
        Step between windows; defaults to ``kernel`` (non-overlapping windows).
    padding : int or sequence of int, default 0
        Padding on each side, at most ``kernel // 2`` (PyTorch's rule). Max pooling pads
        with -inf (padding never wins); average pooling pads with zeros and counts them
        (``count_include_pad=True``), so every window is divided by ``prod(kernel)``.

    Returns
    -------
    ndarray, shape (C, *out_spatial)
        ``out_spatial[i] == (spatial[i] + 2 * padding[i] - kernel[i]) // stride[i] + 1``.
        Integer inputs give float64.

    Raises
    ------
    ValueError
        For an unknown ``kind``, a wrong rank, bad kernel/stride/padding, padding above
        ``kernel // 2``, or a kernel larger than the padded input.

    Examples
    --------
    >>> pool(np.array([[1.0, 5.0, 2.0, 0.0]]), "max")
    array([[5., 2.]])
    >>> pool(np.array([[1.0, 5.0, 2.0, 0.0]]), "avg")
    array([[3., 1.]])
    """
    if kind not in ("max", "avg"):
        raise ValueError(f"kind must be 'max' or 'avg', got {_fmt(kind)}.")
    x = np.asarray(x)
    _check_array_rank("x", x, "channels")
    geo = _pool_geometry(x.shape[1:], kernel, stride, padding)
    dtype = _float_dtype(x)
    fill = -np.inf if kind == "max" else 0.0
    pads = [(0, 0)] + [(p, p) for p in geo.padding]
    xp = np.pad(x.astype(dtype, copy=False), pads, constant_values=fill)
    win = _windows(xp, geo.kernel, geo.stride, (1,) * len(geo.kernel), geo.out)
    axes = tuple(range(x.ndim, 2 * x.ndim - 1))
    if kind == "max":
        return win.max(axis=axes)
    return win.sum(axis=axes) / math.prod(geo.kernel)


def avg_pool_matrix(
    input_shape: Sequence[int],
    kernel: IntOrSeq = 2,
    stride: IntOrSeq | None = None,
    padding: IntOrSeq = 0,
    *,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> np.ndarray:
    """Average pooling as a fully connected layer: its dense (fixed, untrained) matrix.

    Parameters
    ----------
    input_shape : sequence of int
        ``(C, *spatial)``, the shape of the pooled input.
    kernel, stride, padding
        As in :func:`pool`.
    max_entries : int, default DEFAULT_MAX_ENTRIES
        Refuse (before allocating anything large) to build a matrix with more entries.

    Returns
    -------
    ndarray of float64, shape (C * prod(out_spatial), C * prod(spatial))
        ``M`` with ``M @ x.ravel() == pool(x, "avg", ...).ravel()``: block diagonal over
        channels, each row holding ``1 / prod(kernel)`` at the inputs of its window
        (padded zeros count in the divisor but have no column).

    Raises
    ------
    ValueError
        For invalid shapes or parameters (as :func:`pool`), or when rows * cols would
        exceed ``max_entries``.

    Examples
    --------
    >>> avg_pool_matrix((1, 4))
    array([[0.5, 0.5, 0. , 0. ],
           [0. , 0. , 0.5, 0.5]])
    """
    in_shape = _check_shape("input_shape", input_shape, 2, 4)
    channels, spatial = in_shape[0], in_shape[1:]
    pgeo = _pool_geometry(spatial, kernel, stride, padding)
    ndim = len(spatial)
    rows, cols = channels * math.prod(pgeo.out), channels * math.prod(spatial)
    _check_max_entries(max_entries, rows, cols, "avg_pool_matrix")
    geo = _ConvGeometry(
        channels,
        channels,
        channels,
        spatial,
        pgeo.kernel,
        pgeo.stride,
        (1,) * ndim,
        pgeo.padding,
        pgeo.padding,
        pgeo.out,
    )
    row_idx, col_idx, _ = _taps(geo)
    matrix = np.zeros((rows, cols))
    matrix[row_idx, col_idx] = 1.0 / math.prod(pgeo.kernel)
    return matrix
