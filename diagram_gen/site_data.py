"""Numbers the pages quote, computed from the running examples (never typed by hand).

:func:`numbers` returns a flat mapping ``name -> text``; the build writes it to
``docs/generated/numbers.json`` and the pages say ``{{ n("small.outputs") }}``. A name the
pages use that is not here fails the build. Shapes are obtained by running the layers on
arrays of the right shape, not from the output-size formula alone.
"""

from __future__ import annotations

import numpy as np

from diagram_gen import examples, layers
from diagram_gen.examples import format_number as fmt

#: Page-friendly keys for the weights α, β, γ, δ.
GREEK_KEYS = ("alpha", "beta", "gamma", "delta")


def factor(value: float) -> str:
    """A number inside a product: negative ones in parentheses, ``(−1)``."""
    return f"({fmt(value)})" if value < 0 else fmt(value)


def count(value: int) -> str:
    """``1456`` -> ``1,456``."""
    return f"{int(value):,}"


def spoken_list(values) -> str:
    """``[18, 8, 2, 9]`` -> ``18, 8, 2 and 9``."""
    items = [fmt(v) for v in values]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def shape_text(shape) -> str:
    """``(5, 28, 28)`` -> ``5x28x28``."""
    return "x".join(str(s) for s in shape)


def _small() -> dict[str, str]:
    ex = examples.small_conv()
    image = ex.image[0]
    kernel = ex.kernel[0, 0]
    out = ex.output()[0]
    values: dict[str, str] = {
        "small.outputs": spoken_list(out.ravel()),
        "small.bias": fmt(ex.bias[0]),
        "small.image_rows": "; ".join(" ".join(fmt(v) for v in row) for row in image),
        "small.out_size": shape_text(out.shape),
        "small.placements": count(out.size),
        "small.weights": count(kernel.size),
        "small.params": count(kernel.size + ex.bias.size),
    }
    for name, value in zip(GREEK_KEYS, kernel.ravel(), strict=True):
        values[f"small.{name}"] = fmt(value)
    for (i, j), value in np.ndenumerate(out):
        values[f"small.y{i + 1}{j + 1}"] = fmt(value)
    # The first output written out, term by term, as the reader would redo it.
    terms = " + ".join(
        f"{factor(w)}·{factor(x)}"
        for w, x in zip(kernel.ravel(), image[:2, :2].ravel(), strict=True)
    )
    values["small.first_sum"] = f"{terms} + {fmt(ex.bias[0])} = {fmt(out[0, 0])}"
    # True convolution flips the kernel; deep learning libraries do not (cross-correlation).
    flipped = ex.kernel[:, :, ::-1, ::-1]
    values["small.flipped_rows"] = "; ".join(" ".join(fmt(v) for v in row) for row in flipped[0, 0])
    values["small.true_conv_outputs"] = spoken_list(layers.conv(ex.image, flipped, ex.bias).ravel())
    index = layers.conv_matrix_index(ex.kernel.shape, ex.image.shape)
    values["small.matrix_shape"] = f"{index.shape[0]}x{index.shape[1]}"
    values["small.matrix_entries"] = count(index.size)
    values["small.zeros"] = count((index < 0).sum())
    values["small.nonzeros"] = count((index >= 0).sum())
    values["small.per_weight_uses"] = count((index == 0).sum())
    return values


def _fully_connected() -> dict[str, str]:
    layer = examples.fully_connected()
    n_out, n_in = layer.weights.shape
    return {
        "fc.n_in": count(n_in),
        "fc.n_out": count(n_out),
        "fc.weights": count(layer.weights.size),
        "fc.biases": count(layer.bias.size),
        "fc.params": count(layer.weights.size + layer.bias.size),
        "fc.outputs": spoken_list(layer.output()),
        "fc.first_row": spoken_list(layer.weights[0]),
    }


def _line() -> dict[str, str]:
    ex = examples.line_example()
    n_in, k = ex.image.shape[-1], ex.kernel.shape[-1]
    n_out = ex.output().shape[-1]
    index = layers.conv_matrix_index(ex.kernel.shape, ex.image.shape)
    return {
        "line.n_in": count(n_in),
        "line.kernel": count(k),
        "line.n_out": count(n_out),
        "line.fc_edges": count(n_in * n_out),
        "line.sparse_edges": count((index >= 0).sum()),
        "line.local_weights": count((index >= 0).sum()),
        "line.conv_weights": count(np.unique(index[index >= 0]).size),
        "line.local_params": count((index >= 0).sum() + n_out),
        "line.conv_params": count(np.unique(index[index >= 0]).size + ex.bias.size),
        "line.fc_params": count(n_in * n_out + n_out),
    }


#: The volume example of seed 000: a 32x32x3 input, 5x5 receptive fields, k = 5 kernels.
VOLUME = {"channels": 3, "size": 32, "field": 5, "kernels": 5}
#: The channels example of seed 003: 10 pooled maps as channels, 3x3 kernels of depth 10.
CHANNELS = {"channels": 10, "size": 12, "field": 3, "kernels": 16}


def _volume(prefix: str, spec: dict[str, int]) -> dict[str, str]:
    c, n, k, m = spec["channels"], spec["size"], spec["field"], spec["kernels"]
    x = np.zeros((c, n, n))
    w = np.zeros((m, c, k, k))
    out = layers.conv(x, w, np.zeros(m))  # the real layer gives the output shape
    per_kernel = c * k * k
    return {
        f"{prefix}.input": f"{n}x{n}x{c}",
        f"{prefix}.field": f"{k}x{k}x{c}",
        f"{prefix}.kernels": count(m),
        f"{prefix}.channels": count(c),
        f"{prefix}.kernel_weights": count(per_kernel),
        f"{prefix}.kernel_params": count(per_kernel + 1),
        f"{prefix}.layer_params": count(m * (per_kernel + 1)),
        f"{prefix}.output": f"{out.shape[1]}x{out.shape[2]}x{out.shape[0]}",
        f"{prefix}.neurons": count(out.size),
        f"{prefix}.fc_params": count(x.size * out.size + out.size),
    }


def _groups(spec: dict[str, int]) -> dict[str, str]:
    """Parameters of the channels example as a full, a 2-group and a depthwise layer."""
    c, n, k, m = spec["channels"], spec["size"], spec["field"], spec["kernels"]
    x = np.zeros((c, n, n))
    values = {}
    for name, groups, out in (("full", 1, m), ("two", 2, m), ("depthwise", c, c)):
        w = np.zeros((out, c // groups, k, k))
        layers.conv(x, w, np.zeros(out), groups=groups)  # the layer accepts this shape
        values[f"groups.{name}_params"] = count(w.size + out)
        values[f"groups.{name}_kernel"] = f"{k}x{k}x{c // groups}"
    values["groups.depthwise_maps"] = count(c)
    return values


def _lenet() -> dict[str, str]:
    """LeNet-5's third layer: 16 maps of 5x5 kernels over some of S2's 6 maps."""
    table = examples.lenet5_c3_table()
    outputs, inputs = table.shape
    area = 5 * 5
    return {
        "lenet.inputs": count(inputs),
        "lenet.outputs": count(outputs),
        "lenet.connections": count(table.sum()),
        "lenet.all_connections": count(table.size),
        "lenet.params": count(table.sum() * area + outputs),
        "lenet.full_params": count(table.size * area + outputs),
        "lenet.reads": spoken_list(sorted(set(table.sum(axis=1).tolist()))),
    }


def numbers() -> dict[str, str]:
    """Every number the pages quote, by name."""
    values: dict[str, str] = {}
    for part in (_small(), _fully_connected(), _line(), _volume("volume", VOLUME),
                 _volume("channels", CHANNELS), _groups(CHANNELS), _lenet()):  # fmt: skip
        values.update(part)
    return dict(sorted(values.items()))
