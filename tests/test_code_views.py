"""The code shown on the code-views page is the small example, and gives the shapes shown.

Neither PyTorch nor Keras is installed here (each is hundreds of megabytes), so the files
are checked in two ways that need neither: their literal arrays and layer arguments are
read with ``ast`` and compared with the example the figures are drawn from, and the Keras
file is run against a small stand-in layer built on ``diagram_gen.conv`` that follows
Keras's channels-last layout, so its output must equal the example's.
"""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import numpy as np

from diagram_gen import conv, examples
from diagram_gen.site_files import code_shapes_markdown

DOCS_SRC = Path(__file__).resolve().parent.parent / "docs_src"


def calls(path: Path, name: str) -> list[ast.Call]:
    """Every call of ``name`` (e.g. "torch.tensor", "nn.Conv2d"), in source order."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == name
    ]
    return sorted(found, key=lambda node: (node.lineno, node.col_offset))


def keywords(call: ast.Call) -> dict[str, object]:
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords}


def test_pytorch_code_holds_the_small_example():
    # Proves the PyTorch snippet builds the example's layer: its Conv2d arguments, the
    # kernel, bias and input tensors equal examples.small_conv() in PyTorch's layout.
    ex = examples.small_conv()
    path = DOCS_SRC / "pytorch_layer.py"
    (layer,) = calls(path, "nn.Conv2d")
    assert keywords(layer) == {
        "in_channels": 1, "out_channels": 1, "kernel_size": 2, "stride": 1, "padding": 0,
    }  # fmt: skip
    tensors = [np.array(ast.literal_eval(c.args[0])) for c in calls(path, "torch.tensor")]
    weight, bias, x = tensors
    np.testing.assert_array_equal(weight, ex.kernel)
    np.testing.assert_array_equal(bias, ex.bias)
    np.testing.assert_array_equal(x, ex.image[np.newaxis])
    (dense,) = calls(path, "nn.Linear")
    n_in, n_out = ex.image.size, ex.output().size
    assert keywords(dense) == {"in_features": n_in, "out_features": n_out}


class _Conv2D:
    """Keras's Conv2D for the arguments the page uses, computed with diagram_gen.conv."""

    def __init__(self, filters, kernel_size, strides, padding):
        assert padding == "valid"
        self.filters, self.kernel_size, self.strides = filters, kernel_size, strides

    def build(self, input_shape):
        self.input_shape = input_shape

    def set_weights(self, weights):
        kernel, bias = weights
        assert kernel.shape == (self.kernel_size, self.kernel_size, 1, self.filters)
        self.kernel, self.bias = kernel, bias

    def __call__(self, x):
        # channels-last (N, H, W, C) -> channels-first, and the kernel to (out, in, kh, kw).
        y = conv(x[0].transpose(2, 0, 1), self.kernel.transpose(3, 2, 0, 1), self.bias,
                 stride=self.strides)  # fmt: skip
        return y.transpose(1, 2, 0)[np.newaxis]


def test_keras_code_runs_and_gives_the_example_output(monkeypatch):
    # Proves the Keras snippet, run as written, feeds the example's numbers to the layer
    # in Keras's layout and gets the example's outputs with the shape the page shows.
    fake = types.ModuleType("keras")
    fake.layers = types.SimpleNamespace(Conv2D=_Conv2D)
    monkeypatch.setitem(sys.modules, "keras", fake)
    namespace: dict[str, object] = {}
    source = (DOCS_SRC / "keras_layer.py").read_text(encoding="utf-8")
    exec(compile(source, "keras_layer.py", "exec"), namespace)
    ex = examples.small_conv()
    y = namespace["y"]
    assert y.shape == (1, 2, 2, 1)
    np.testing.assert_array_equal(y[0, :, :, 0], ex.output()[0])
    assert f"`{y.shape}`" in code_shapes_markdown()


def test_shapes_table_matches_the_layouts():
    # Proves the generated table gives each library's real layout of the example arrays.
    table = code_shapes_markdown()
    assert "| input x | `(1, 1, 3, 3)` | `(1, 3, 3, 1)` | `(1, 3, 3)` |" in table
    assert "| kernel | `(1, 1, 2, 2)` | `(2, 2, 1, 1)` | `(1, 1, 2, 2)` |" in table
    outputs = ", ".join(str(int(v)) for v in examples.small_conv().output().ravel())
    assert outputs in table
