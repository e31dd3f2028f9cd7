"""The code on the code-views page runs in PyTorch and Keras and computes what the site says.

Both files of ``docs_src/`` are run as written, with the real libraries (the ``frameworks``
extra: PyTorch on the CPU, Keras 3 on its torch backend), in a fresh interpreter started by
``docs_src_runner.py``. What they computed is compared with ``diagram_gen``: the layer's
weights and input are the small example's, its outputs are ``conv``'s, the weight matrix
read off the PyTorch layer is ``conv_matrix``'s, and the shapes and values of the page's
generated table are those of the real tensors. The run has HOME and KERAS_HOME in a
temporary folder and no network, and the Keras file must choose its backend itself.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from diagram_gen import conv, conv_matrix, examples
from diagram_gen.site_files import code_shapes_markdown

RUNNER = Path(__file__).resolve().parent / "docs_src_runner.py"


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """What the two files computed, run once for the module, plus the folder it ran in."""
    missing = [name for name in ("torch", "keras") if importlib.util.find_spec(name) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} missing: install the frameworks extra "
            "(pip install -c constraints.txt -e '.[dev,frameworks]')"
        )
    folder = tmp_path_factory.mktemp("code-views")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KERAS_", "TORCH_"))}
    env.update(HOME=str(folder / "home"), KERAS_HOME=str(folder / "keras-home"))
    env.pop("XDG_CACHE_HOME", None)
    env.pop("XDG_CONFIG_HOME", None)
    done = subprocess.run(
        [sys.executable, "-W", "error", str(RUNNER)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {"result": json.loads(done.stdout), "folder": folder}


def array(entry: dict) -> np.ndarray:
    values = np.array(entry["values"], dtype=float)
    assert list(values.shape) == entry["shape"]
    return values


def table_rows() -> dict[str, tuple[tuple[int, ...], ...]]:
    """The page's shapes table: array name -> (PyTorch, Keras, diagram_gen) shapes."""
    rows = {}
    for line in code_shapes_markdown().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[1].startswith("`("):
            rows[cells[0]] = tuple(ast.literal_eval(cell.strip("`")) for cell in cells[1:])
    return rows


def test_pytorch_code_runs_the_small_example(run):
    # Proves the PyTorch layer, as the page builds it, holds the example's kernel, bias and
    # input (in PyTorch's (out, in, kh, kw) and (N, C, H, W) layouts) and outputs conv's.
    ex = examples.small_conv()
    pytorch = run["result"]["pytorch"]
    np.testing.assert_array_equal(array(pytorch["weight"]), ex.kernel)
    np.testing.assert_array_equal(array(pytorch["bias"]), ex.bias)
    np.testing.assert_array_equal(array(pytorch["x"]), ex.image[np.newaxis])
    y = array(pytorch["y"])
    np.testing.assert_allclose(y, conv(ex.image, ex.kernel, ex.bias)[np.newaxis])
    np.testing.assert_allclose(y[0], ex.output())


def test_pytorch_dense_layer_is_diagram_gens_matrix(run):
    # Proves the weight matrix the page reads off the PyTorch layer, column by column, is
    # conv_matrix's, and that the nn.Linear holding it gives the convolution's outputs.
    ex = examples.small_conv()
    pytorch = run["result"]["pytorch"]
    expected = conv_matrix(ex.kernel, ex.image.shape)
    np.testing.assert_allclose(array(pytorch["matrix"]), expected)
    np.testing.assert_allclose(array(pytorch["dense_weight"]), expected)
    np.testing.assert_allclose(array(pytorch["dense_bias"]), np.full(expected.shape[0], 1.0))
    np.testing.assert_allclose(array(pytorch["dense_y"]), ex.output().ravel())


def test_keras_code_runs_on_torch_and_gives_the_example_output(run):
    # Proves the Keras file picks the torch backend itself (the run sets no KERAS_BACKEND)
    # and that its layer holds the example in Keras's channels-last layouts, outputs included.
    ex = examples.small_conv()
    keras = run["result"]["keras"]
    assert keras["backend"] == "torch"
    assert keras["y_is_a_torch_tensor"]
    np.testing.assert_array_equal(array(keras["kernel"]), ex.kernel.transpose(2, 3, 1, 0))
    np.testing.assert_array_equal(array(keras["bias"]), ex.bias)
    np.testing.assert_array_equal(array(keras["x"]), ex.image.transpose(1, 2, 0)[np.newaxis])
    y = array(keras["y"])
    np.testing.assert_allclose(y[0].transpose(2, 0, 1), ex.output(), rtol=1e-6)


def test_shapes_table_is_what_the_libraries_give(run):
    # Proves each PyTorch and Keras shape in the page's table is that of the real tensor,
    # and the diagram_gen column that of the package's arrays.
    ex = examples.small_conv()
    pytorch, keras = run["result"]["pytorch"], run["result"]["keras"]
    real = {
        "input x": (pytorch["x"], keras["x"], ex.image.shape),
        "kernel": (pytorch["weight"], keras["kernel"], ex.kernel.shape),
        "bias": (pytorch["bias"], keras["bias"], ex.bias.shape),
        "output y": (pytorch["y"], keras["y"], ex.output().shape),
        "as a dense layer": (
            pytorch["dense_weight"],
            {"shape": keras["dense_kernel_shape"]},
            conv_matrix(ex.kernel, ex.image.shape).shape,
        ),
    }
    expected = {
        name: (tuple(pt["shape"]), tuple(k["shape"]), tuple(numpy_shape))
        for name, (pt, k, numpy_shape) in real.items()
    }
    assert table_rows() == expected


def test_output_values_on_the_page_are_those_of_all_three(run):
    # Proves "In all three, the output values are ..." under the table: PyTorch's, Keras's
    # (back in channels-first order) and diagram_gen's outputs are those values.
    match = re.search(r"In all three, the output values are ([-\d., ]+)\.", code_shapes_markdown())
    assert match, "the sentence under the shapes table is missing"
    quoted = np.array([float(v) for v in match.group(1).split(", ")])
    pytorch, keras = run["result"]["pytorch"], run["result"]["keras"]
    np.testing.assert_allclose(array(pytorch["y"]).ravel(), quoted)
    np.testing.assert_allclose(array(keras["y"])[0].transpose(2, 0, 1).ravel(), quoted)
    np.testing.assert_allclose(examples.small_conv().output().ravel(), quoted)


def test_keras_config_goes_to_keras_home_only(run):
    # Proves the run wrote Keras's config where KERAS_HOME says, not in the home folder,
    # so the tests never write into a developer's ~/.keras.
    folder = run["folder"]
    assert (folder / "keras-home" / "keras.json").is_file()
    assert not (folder / "home" / ".keras").exists()
