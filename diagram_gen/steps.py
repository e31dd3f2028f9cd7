"""The steps of a computation: one placement of a kernel, one scattered copy, one window.

A figure that shows a computation piece by piece says what its pieces are by defining
``steps(data) -> list[Step]``, and draws itself with one of them highlighted through
``render(data, theme, step=step)``; ``step=None`` is the still figure, unchanged. The
animations (:mod:`diagram_gen.animate`) play the steps; the linked views of the pages
light the same index sets.

Every step is computed here from the layer math, never from drawing code: which outputs
it writes, which inputs it reads and which kernel weights it uses all come from
:func:`diagram_gen.layers.conv_matrix_index` (or :func:`diagram_gen.layers.avg_pool_matrix`
for a pooling window). Indices in a :class:`Step` are flat and 0-based, in the C order of
the arrays they index (the input ``x.ravel()``, the kernel ``w.ravel()``, the output
``y.ravel()``), as in ``conv_matrix_index``; :func:`dg_attributes` turns them into the
1-based ``data-dg-*`` attributes of the page's linked views.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from diagram_gen import layers
from diagram_gen.examples import ConvLayer, format_number, subscript


@dataclass(frozen=True)
class Step:
    """One step of a computation, as index sets into the arrays it touches.

    Attributes
    ----------
    index : int
        The step's number, 1-based.
    total : int
        How many steps the computation has.
    text : str
        What the frame writes: ``placement 3 of 9: y₂₁ = 2·1 + (−1)·2 + … = 8``.
    outputs : tuple of int
        Flat indices of the outputs this step writes (or adds to).
    inputs : tuple of int
        Flat indices of the inputs it reads.
    weights : tuple of int
        Flat indices into ``w.ravel()`` of the kernel weights it uses (empty for pooling).
    triples : tuple of (int, int, int)
        ``(input, weight, output)`` for every product of the step; weight is -1 where
        no weight is involved (pooling).
    """

    index: int
    total: int
    text: str
    outputs: tuple[int, ...]
    inputs: tuple[int, ...]
    weights: tuple[int, ...]
    triples: tuple[tuple[int, int, int], ...]

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.total:
            raise ValueError(f"step index must be 1 to {self.total}, got {self.index}.")


def dg_attributes(
    *, step: int | None = None, weight: int | None = None, input: int | None = None
) -> dict[str, str]:
    """The linked views' attributes of one drawn element, 1-based.

    ``step`` is a :attr:`Step.index` (already 1-based); ``weight`` and ``input`` are the
    flat 0-based indices a :class:`Step` holds.
    """
    attributes = {}
    if step is not None:
        attributes["data-dg-step"] = str(step)
    if weight is not None and weight >= 0:
        attributes["data-dg-weight"] = str(weight + 1)
    if input is not None:
        attributes["data-dg-input"] = str(input + 1)
    return attributes


def factor(value: float) -> str:
    """A number as a factor in a written sum: negatives in parentheses, ``(−1)``."""
    text = format_number(value)
    return f"({text})" if value < 0 else text


def placement_step(
    row: int, total: int, text: str, inputs: Sequence[int], weights: Sequence[int]
) -> Step:
    """Step ``row`` of ``total``: output ``row`` reads ``inputs[i]`` through kernel weight
    ``weights[i]`` (flat indices, as in a row of :func:`layers.conv_matrix_index`)."""
    return Step(
        index=row + 1,
        total=total,
        text=text,
        outputs=(row,),
        inputs=tuple(int(c) for c in inputs),
        weights=tuple(sorted({int(k) for k in weights})),
        triples=tuple((int(c), int(k), row) for c, k in zip(inputs, weights, strict=True)),
    )


def placement_steps(
    index: np.ndarray,
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None,
    y: np.ndarray,
    y_names: Sequence[str],
    *,
    word: str = "placement",
) -> list[Step]:
    """One step per output of a convolution: the kernel placement that writes it.

    Parameters
    ----------
    index : ndarray of int, shape (n_out, n_in)
        :func:`diagram_gen.layers.conv_matrix_index` of the layer.
    x : ndarray, shape (n_in,)
        The flattened input.
    kernel : ndarray
        The kernel weights; ``kernel.ravel()[k]`` is weight ``k`` of ``index``.
    bias : ndarray of shape (n_out,), or None
        The bias each output adds.
    y : ndarray, shape (n_out,)
        The flattened output, bias included (written in the step's text).
    y_names : sequence of str
        The name of each output (``y₂₁``).
    word : str
        What a step is called in its text.
    """
    weights = np.asarray(kernel, dtype=float).ravel()
    total = index.shape[0]
    steps = []
    for row in range(total):
        cols = np.flatnonzero(index[row] >= 0)
        used = index[row, cols]
        terms = [f"{factor(weights[k])}·{factor(x[c])}" for c, k in zip(cols, used, strict=True)]
        if bias is not None:
            terms.append(factor(bias[row]))
        text = f"{word} {row + 1} of {total}: {y_names[row]} = "
        text += " + ".join(terms or ["0"]) + f" = {format_number(y[row])}"
        steps.append(placement_step(row, total, text, cols, used))
    return steps


def scatter_steps(
    index: np.ndarray,
    values: np.ndarray,
    names: Sequence[str],
    out_names: Sequence[str],
) -> list[Step]:
    """One step per input of a transposed convolution: its copy of the kernel, scattered.

    Parameters
    ----------
    index : ndarray of int, shape (n_in, n_out)
        :func:`diagram_gen.layers.conv_matrix_index` of the *forward* convolution whose
        transpose this is: row ``j`` (a transposed input) holds, at column ``c`` (a
        transposed output), the weight that carries input ``j`` to output ``c``.
    values : ndarray, shape (n_in,)
        The transposed convolution's (flattened) input.
    names, out_names : sequence of str
        The names of the inputs and of the outputs.
    """
    total = index.shape[0]
    steps = []
    for j in range(total):
        cols = np.flatnonzero(index[j] >= 0)
        used = index[j, cols]
        if cols.size:
            where = f"{out_names[cols[0]]} … {out_names[cols[-1]]}" if cols.size > 1 else ""
            where = where or out_names[cols[0]]
            text = (
                f"copy {j + 1} of {total}: {names[j]} = {format_number(values[j])} times the "
                f"kernel, added into {where}"
            )
        else:
            text = f"copy {j + 1} of {total}: {names[j]} reaches no output"
        steps.append(
            Step(
                index=j + 1,
                total=total,
                text=text,
                outputs=tuple(int(c) for c in cols),
                inputs=(j,),
                weights=tuple(sorted({int(k) for k in used})),
                triples=tuple((j, int(k), int(c)) for c, k in zip(cols, used, strict=True)),
            )
        )
    return steps


def window_steps(
    matrix: np.ndarray,
    x: np.ndarray,
    y_names: Sequence[str],
    results: Mapping[str, np.ndarray],
) -> list[Step]:
    """One step per pooling window, from :func:`diagram_gen.layers.avg_pool_matrix`.

    The average-pooling matrix has a row per output holding ``1 / window size`` at the
    inputs of its window, so its non-zero columns are the window for max pooling too.
    ``results`` maps a pooling's name (``max``, ``mean``) to its flattened output, each
    written in the step's text: ``window 2 of 4: y₁₂ = max(1, 2, 4, 1) = 4``.
    """
    total = matrix.shape[0]
    steps = []
    for row in range(total):
        cols = np.flatnonzero(matrix[row])
        read = ", ".join(format_number(x[c]) for c in cols)
        pooled = ", ".join(
            f"{name}({read}) = {format_number(values[row])}" for name, values in results.items()
        )
        steps.append(
            Step(
                index=row + 1,
                total=total,
                text=f"window {row + 1} of {total}: {y_names[row]} = {pooled}",
                outputs=(row,),
                inputs=tuple(int(c) for c in cols),
                weights=(),
                triples=tuple((int(c), -1, row) for c in cols),
            )
        )
    return steps


def position_names(symbol: str, shape: Sequence[int]) -> list[str]:
    """``y₂₁`` for every position of a ``(C, *spatial)`` array, in C order.

    Indices get commas past nine (``y₁,₁₀``), and a channel number leads when there is
    more than one channel (``y₂,₁₁``), as the figures write them.
    """
    channels, *spatial = shape
    separator = "," if spatial and max(spatial) > 9 else ""
    names = []
    for channel, *position in np.ndindex(*shape):
        text = separator.join(subscript(p + 1) for p in position)
        if channels > 1:
            text = f"{subscript(channel + 1)},{text}"
        names.append(symbol + text)
    return names


def layer_steps(example: ConvLayer, *, word: str = "placement") -> list[Step]:
    """The placements of a convolution layer, from its :func:`layers.conv_matrix_index`."""
    index = layers.conv_matrix_index(
        example.kernel.shape, example.image.shape, **example.layer_kwargs
    )
    output = example.output()
    per_channel = int(np.prod(output.shape[1:]))
    return placement_steps(
        index,
        example.image.ravel(),
        example.kernel,
        np.repeat(example.bias, per_channel),
        output.ravel(),
        position_names("y", output.shape),
        word=word,
    )


def connection_steps(
    index: np.ndarray,
    in_names: Sequence[str],
    out_names: Sequence[str],
    weight_names: Sequence[str],
    *,
    word: str = "placement",
) -> list[Step]:
    """One step per output, written with names, not numbers: ``y₂ = w₁·x₂ + w₂·x₃``.

    For figures that draw which weight joins which input, not the values (``index`` is
    :func:`layers.conv_matrix_index`, as in :func:`placement_steps`).
    """
    total = index.shape[0]
    steps = []
    for row in range(total):
        cols = np.flatnonzero(index[row] >= 0)
        used = index[row, cols]
        terms = " + ".join(
            f"{weight_names[k]}·{in_names[c]}" for c, k in zip(cols, used, strict=True)
        )
        steps.append(
            Step(
                index=row + 1,
                total=total,
                text=f"{word} {row + 1} of {total}: {out_names[row]} = {terms or '0'}",
                outputs=(row,),
                inputs=tuple(int(c) for c in cols),
                weights=tuple(sorted({int(k) for k in used})),
                triples=tuple((int(c), int(k), row) for c, k in zip(cols, used, strict=True)),
            )
        )
    return steps
