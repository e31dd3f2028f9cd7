"""Run the code of the code-views page with PyTorch and Keras, and print what it computed.

Used by test_code_views.py, which starts it in a fresh interpreter (so that the Keras file
picks its own backend at its first ``import keras``), with HOME and KERAS_HOME in a
temporary folder. It refuses any network connection, so code that downloads fails here.
Prints one JSON object: every array the page's code builds, and the shapes the libraries
give, read off the real layers.
"""

from __future__ import annotations

import json
import runpy
import socket
import sys
from pathlib import Path

DOCS_SRC = Path(__file__).resolve().parent.parent / "docs_src"


def refuse_network(*args, **kwargs):
    raise OSError("the code views must not use the network")


socket.socket.connect = refuse_network  # type: ignore[method-assign]
socket.socket.connect_ex = refuse_network  # type: ignore[method-assign]
socket.create_connection = refuse_network
socket.getaddrinfo = refuse_network


def array(value) -> dict[str, object]:
    """A torch tensor, a Keras variable (on the torch backend) or a numpy array as lists."""
    import torch

    value = getattr(value, "value", value)  # a Keras variable holds a torch tensor
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return {"shape": list(value.shape), "values": value.tolist()}


def main() -> None:
    pytorch = runpy.run_path(str(DOCS_SRC / "pytorch_layer.py"))
    keras_file = runpy.run_path(str(DOCS_SRC / "keras_layer.py"))
    import keras  # the one the Keras file imported, on the backend it chose
    import torch

    pt_layer, k_layer = pytorch["layer"], keras_file["layer"]
    # Keras's dense layer of the same size, for the shape of its weight matrix.
    n_in, n_out = pytorch["x"].numel(), pytorch["y"].numel()
    k_dense = keras.layers.Dense(units=n_out)
    k_dense.build((1, n_in))
    result = {
        "pytorch": {
            "x": array(pytorch["x"]),
            "weight": array(pt_layer.weight),
            "bias": array(pt_layer.bias),
            "y": array(pytorch["y"]),
            "matrix": array(pytorch["matrix"]),
            "dense_weight": array(pytorch["dense"].weight),
            "dense_bias": array(pytorch["dense"].bias),
            "dense_y": array(pytorch["dense"](pytorch["x"].flatten())),
        },
        "keras": {
            "backend": keras.backend.backend(),
            "y_is_a_torch_tensor": isinstance(keras_file["y"], torch.Tensor),
            "x": array(keras_file["x"]),
            "kernel": array(k_layer.kernel),
            "bias": array(k_layer.bias),
            "y": array(keras_file["y"]),
            "dense_kernel_shape": list(k_dense.kernel.shape),
        },
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
