"""Figures that show how a convolutional layer relates to a fully connected layer.

The layer math is public from the package top level (numpy only; importing it does not
import matplotlib)::

    from diagram_gen import conv, conv_matrix
"""

from diagram_gen.layers import (
    avg_pool_matrix,
    conv,
    conv_matrix,
    conv_matrix_index,
    conv_output_size,
    conv_transpose,
    conv_transpose_output_size,
    dense,
    pool,
)

__all__ = [
    "avg_pool_matrix",
    "conv",
    "conv_matrix",
    "conv_matrix_index",
    "conv_output_size",
    "conv_transpose",
    "conv_transpose_output_size",
    "dense",
    "pool",
]
