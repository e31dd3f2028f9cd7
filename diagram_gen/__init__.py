"""Figures that show how a convolutional layer relates to a fully connected layer.

The layer math is public from the package top level (numpy only; importing it does not
import matplotlib)::

    from diagram_gen import conv, conv_matrix
"""

import importlib
from typing import Any

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


def __getattr__(name: str) -> Any:
    """The layer math, imported on first use: the build's light commands
    (``python -m diagram_gen.deps``) then start without numpy."""
    if name in __all__:
        return getattr(importlib.import_module("diagram_gen.layers"), name)
    raise AttributeError(f"module 'diagram_gen' has no attribute {name!r}")
