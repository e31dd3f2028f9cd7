"""DCGAN's layer shapes, found by running the layers rather than by the formula alone.

The DCGAN running example (seed 004; Radford et al., 2016) has a discriminator that maps a
3x64x64 image down to 1x1x1 with 4x4 convolutions, and a generator that maps a 100x1x1 code
up to a 3x64x64 image with 4x4 transposed convolutions. The architecture lives in
:mod:`diagram_gen.examples` (``DCGAN_DISCRIMINATOR``, ``DCGAN_GENERATOR``, ``DCGAN_IMAGE``,
``DCGAN_CODE``); this module feeds an array of zeros of the right shape through
:func:`diagram_gen.layers.conv` or :func:`diagram_gen.layers.conv_transpose`, layer after
layer, and records the shape that comes out of each. The output-size formulas are checked
against these shapes in the tests, not used to make them.

Parameters are counted as the layer's weights plus one bias per output channel, as a plain
``nn.Conv2d``/``nn.ConvTranspose2d`` has them. (DCGAN's reference code leaves out the bias
of layers followed by batch normalisation, which has its own shift; the table counts the
convolution alone.) Numpy only: nothing here draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from diagram_gen import examples, layers

__all__ = [
    "ShapeRow",
    "discriminator_shapes",
    "generator_shapes",
    "markdown_table",
    "run_shapes",
    "total_parameters",
]


@dataclass(frozen=True)
class ShapeRow:
    """One layer of a shape table: what goes in, the layer's settings, what comes out.

    Attributes
    ----------
    layer : str
        The layer's name in the table, e.g. ``"conv 1"`` or ``"transposed conv 3"``.
    transposed : bool
        Whether the layer is a transposed convolution.
    input_shape, output_shape : tuple of int
        ``(C, H, W)`` before and after the layer, the output as the layer computed it.
    kernel, stride, padding, output_padding : int
        The layer's settings (the same in both spatial dimensions).
    weights, biases : int
        The sizes of the weight tensor the layer ran with and of its bias.
    """

    layer: str
    transposed: bool
    input_shape: tuple[int, ...]
    kernel: int
    stride: int
    padding: int
    output_padding: int
    output_shape: tuple[int, ...]
    weights: int
    biases: int

    @property
    def parameters(self) -> int:
        """Trainable numbers of the layer: its weights plus its biases."""
        return self.weights + self.biases


def run_shapes(
    input_shape: Sequence[int],
    architecture: Sequence[tuple[int, int, int, int]],
    *,
    transposed: bool,
    name: str,
) -> tuple[ShapeRow, ...]:
    """Run each layer of ``architecture`` on zeros and record the shapes it produces.

    Parameters
    ----------
    input_shape : sequence of int
        ``(C, H, W)`` of the first layer's input.
    architecture : sequence of (out_channels, kernel, stride, padding)
        One entry per layer, as ``examples.DCGAN_DISCRIMINATOR``.
    transposed : bool
        Run :func:`layers.conv_transpose` (True) or :func:`layers.conv` (False).
    name : str
        Prefix of the layer names, numbered from 1: ``"conv"`` gives ``"conv 1"``, ...

    Returns
    -------
    tuple of ShapeRow
        One row per layer, each output shape being the shape of the array the layer
        returned (and the next layer's input).

    Raises
    ------
    ValueError
        If a layer cannot run on the shape it receives (the layer math says why).
    """
    shape = tuple(int(s) for s in input_shape)
    rows = []
    for number, (out_channels, kernel, stride, padding) in enumerate(architecture, start=1):
        in_channels = shape[0]
        x = np.zeros(shape)
        bias = np.zeros(out_channels)
        if transposed:
            # ConvTranspose layout: (C_in, C_out, k, k).
            w = np.zeros((in_channels, out_channels, kernel, kernel))
            y = layers.conv_transpose(x, w, bias, stride=stride, padding=padding)
        else:
            w = np.zeros((out_channels, in_channels, kernel, kernel))
            y = layers.conv(x, w, bias, stride=stride, padding=padding)
        rows.append(
            ShapeRow(
                layer=f"{name} {number}",
                transposed=transposed,
                input_shape=shape,
                kernel=kernel,
                stride=stride,
                padding=padding,
                output_padding=0,
                output_shape=tuple(int(s) for s in y.shape),
                weights=w.size,
                biases=bias.size,
            )
        )
        shape = tuple(int(s) for s in y.shape)
    return tuple(rows)


def discriminator_shapes() -> tuple[ShapeRow, ...]:
    """The discriminator: 3x64x64 through five 4x4 convolutions down to 1x1x1."""
    return run_shapes(
        examples.DCGAN_IMAGE, examples.DCGAN_DISCRIMINATOR, transposed=False, name="conv"
    )


def generator_shapes() -> tuple[ShapeRow, ...]:
    """The generator: 100x1x1 through five 4x4 transposed convolutions up to 3x64x64."""
    return run_shapes(
        examples.DCGAN_CODE, examples.DCGAN_GENERATOR, transposed=True, name="transposed conv"
    )


def total_parameters(rows: Sequence[ShapeRow]) -> int:
    """Sum of the parameters of every row."""
    return sum(row.parameters for row in rows)


def _shape_text(shape: Sequence[int]) -> str:
    return "×".join(str(s) for s in shape)


def markdown_table(rows: Sequence[ShapeRow], *, total: bool = True) -> str:
    """A shape table as Markdown, for the site's pages.

    Parameters
    ----------
    rows : sequence of ShapeRow
        As returned by :func:`discriminator_shapes` or :func:`generator_shapes`.
    total : bool, default True
        Add a last row with the sum of the parameters.

    Returns
    -------
    str
        A pipe table (ending with a newline) with the columns layer, input (C×H×W),
        kernel, stride, padding, output (C×H×W) and parameters (weights + biases, with
        thousands separators). Shapes are written like ``3×64×64``.

    Examples
    --------
    >>> print(markdown_table(discriminator_shapes()[:1], total=False))
    | Layer | Input (C×H×W) | Kernel | Stride | Padding | Output (C×H×W) | Parameters |
    |:--|--:|--:|--:|--:|--:|--:|
    | conv 1 | 3×64×64 | 4×4 | 2 | 1 | 64×32×32 | 3,136 |
    <BLANKLINE>
    """
    header = (
        "| Layer | Input (C×H×W) | Kernel | Stride | Padding | Output (C×H×W) | Parameters |",
        "|:--|--:|--:|--:|--:|--:|--:|",
    )
    lines = list(header)
    for row in rows:
        lines.append(
            f"| {row.layer} | {_shape_text(row.input_shape)} | {row.kernel}×{row.kernel} | "
            f"{row.stride} | {row.padding} | {_shape_text(row.output_shape)} | "
            f"{row.parameters:,} |"
        )
    if total:
        lines.append(f"| **total** | | | | | | **{total_parameters(rows):,}** |")
    return "\n".join(lines) + "\n"
