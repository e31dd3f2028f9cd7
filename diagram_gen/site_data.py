"""Numbers the pages quote, computed from the running examples (never typed by hand).

:func:`numbers` returns a flat mapping ``name -> text``; the build writes it to
``docs/generated/numbers.json`` and the pages say ``{{ n("small.outputs") }}``. A name the
pages use that is not here fails the build. Shapes are obtained by running the layers on
arrays of the right shape, not from the output-size formula alone.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from diagram_gen import conventions, dcgan, examples, layers, padding, training
from diagram_gen.examples import format_number as fmt

#: Page-friendly keys for the weights α, β, γ, δ.
GREEK_KEYS = ("alpha", "beta", "gamma", "delta")


def factor(value: float) -> str:
    """A number inside a product: negative ones in parentheses, ``(−1)``."""
    return f"({fmt(value)})" if value < 0 else fmt(value)


def count(value: int) -> str:
    """``1456`` -> ``1,456``."""
    return f"{int(value):,}"


def spoken_list(values, conjunction: str = "and") -> str:
    """``[18, 8, 2, 9]`` -> ``18, 8, 2 and 9`` (or ``... 2 or 9``)."""
    items = [fmt(v) for v in values]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(value: float) -> str:
    """``9.4e-16`` -> ``9.4 × 10⁻¹⁶``; exactly zero stays ``0``."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


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
        "small.image_size": shape_text(image.shape),
        "small.kernel_size": shape_text(kernel.shape),
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
    # Review item 7: how far each row of C sits right of the one above (the column of its
    # first weight): one column along an image row, more when the kernel drops a row.
    shifts = row_shifts(index)
    values["small.row_shift"] = count(shifts.min())
    values["small.row_jump"] = count(shifts.max())
    return values


def row_shifts(index: np.ndarray) -> np.ndarray:
    """How many columns each row of a conv matrix starts right of the row above.

    ``index`` is :func:`layers.conv_matrix_index`'s structure (``-1`` for a zero); the
    start of a row is the column of its first weight.
    """
    starts = np.argmax(index >= 0, axis=1)
    return np.diff(starts)


def flatten_example() -> dict[str, object]:
    """A 3-channel 2x2 input flattened channels first (PyTorch) and channels last (Keras).

    The entries are numbered 1, 2, ... in channels-first order; the channels-last vector
    lists the same entries in another order, and a dense layer reading it needs its
    weight matrix's columns permuted the same way (checked on random numbers).
    """
    # Three channels of 2x2 (review item 1): 2x2x3 read like an H x W x C colour image.
    c, h, w = 3, 2, 2
    x = np.arange(1, c * h * w + 1, dtype=float).reshape(c, h, w)
    perm = conventions.flatten_permutation(c, h, w)
    hwc = x.transpose(1, 2, 0).ravel()
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(4, x.size))
    values = rng.normal(size=x.shape)
    difference = np.abs(
        weights @ values.ravel() - weights[:, perm] @ values.transpose(1, 2, 0).ravel()
    )
    return {"shape": (c, h, w), "chw": x.ravel(), "hwc": hwc, "perm": perm,
            "difference": float(difference.max())}  # fmt: skip


def _flatten() -> dict[str, str]:
    ex = flatten_example()
    c, h, w = ex["shape"]
    return {
        "flatten.shape": shape_text(ex["shape"]),
        "flatten.channels": count(c),
        "flatten.map": shape_text((h, w)),
        "flatten.chw": ", ".join(fmt(v) for v in ex["chw"]),
        "flatten.hwc": ", ".join(fmt(v) for v in ex["hwc"]),
        "flatten.columns": ", ".join(str(int(j) + 1) for j in ex["perm"]),
        "flatten.difference": scientific(ex["difference"]),
    }


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


#: The volume example of seed 000: a 3x32x32 input, 3x5x5 receptive fields, k = 5 kernels.
VOLUME = {"channels": 3, "size": 32, "field": 5, "kernels": 5}
#: The channels example of seed 003: 10 pooled maps as channels, 3x3 kernels of depth 10.
CHANNELS = {"channels": 10, "size": 12, "field": 3, "kernels": 16}


def _volume(prefix: str, spec: dict[str, int]) -> dict[str, str]:
    c, n, k, m = spec["channels"], spec["size"], spec["field"], spec["kernels"]
    x = np.zeros((c, n, n))
    w = np.zeros((m, c, k, k))
    out = layers.conv(x, w, np.zeros(m))  # the real layer gives the output shape
    per_kernel = c * k * k
    return {  # shapes channels first, C x H x W, as everywhere on the site
        f"{prefix}.input": shape_text(x.shape),
        f"{prefix}.side": shape_text(x.shape[1:]),
        f"{prefix}.field": shape_text(w.shape[1:]),
        f"{prefix}.kernels": count(m),
        f"{prefix}.channels": count(c),
        f"{prefix}.kernel_weights": count(per_kernel),
        f"{prefix}.kernel_params": count(per_kernel + 1),
        f"{prefix}.layer_params": count(m * (per_kernel + 1)),
        f"{prefix}.output": shape_text(out.shape),
        f"{prefix}.neurons": count(out.size),
        f"{prefix}.fc_params": count(x.size * out.size + out.size),
    }


def _groups(spec: dict[str, int]) -> dict[str, str]:
    """The channels example as an ordinary, a 2-group, a depthwise and a separable layer.

    ``groups`` must divide both channel counts, so with 10 inputs and 16 outputs only 1
    and 2 are possible; a depthwise layer (10 groups) has a multiple of 10 outputs, 10 with
    a channel multiplier of 1, 20 with 2. Every shape is checked by running the real layer.
    """
    c, n, k, m = spec["channels"], spec["size"], spec["field"], spec["kernels"]
    x = np.zeros((c, n, n))
    values = {
        "groups.possible": spoken_list([g for g in range(1, c + 1) if c % g == 0 and m % g == 0]),
        "groups.depthwise_maps": count(c),
        "groups.in": count(c),
        "groups.out": count(m),
    }
    rows = (("full", 1, m), ("two", 2, m), ("depthwise", c, c), ("depthwise2", c, 2 * c))
    for name, groups, out in rows:
        w = np.zeros((out, c // groups, k, k))
        y = layers.conv(x, w, np.zeros(out), groups=groups)  # the layer accepts this shape
        values[f"groups.{name}_params"] = count(w.size + out)
        values[f"groups.{name}_kernel"] = shape_text(w.shape[1:])
        values[f"groups.{name}_maps"] = count(y.shape[0])
    values["groups.multiplier"] = count(2)
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
        # Review item 16: all but the last map read a subset; the last reads every map.
        "lenet.partial_maps": count((table.sum(axis=1) < inputs).sum()),
        "lenet.partial_reads": spoken_list(
            sorted({int(r) for r in table.sum(axis=1) if r < inputs}), conjunction="or"
        ),
        "lenet.complete_maps": count((table.sum(axis=1) == inputs).sum()),
    }


#: Worked cases of the output-size rule: (what, n, k, stride, padding, dilation).
OUTPUT_SIZE_CASES = (
    ("valid, the small example", 3, 2, 1, 0, 1),
    ("same: 3x3 kernel, padding 1", 3, 3, 1, 1, 1),
    ("full: padding k − 1", 3, 2, 1, 1, 1),
    ("stride 2, division exact", 7, 3, 2, 0, 1),
    ("stride 2, division not exact", 8, 3, 2, 0, 1),
    ("dilation 2", 7, 3, 1, 0, 2),
    ("DCGAN discriminator, first layer", 64, 4, 2, 1, 1),
    ("a 224-pixel image, 7x7 kernel, stride 2", 224, 7, 2, 3, 1),
)


def output_size_rows() -> list[dict[str, object]]:
    """Each worked case: the size a real layer produces, the rule, and the misprint.

    The size comes from running :func:`layers.conv` on an input of that size; the rule is
    evaluated separately so the page shows both agree. The misprinted rule is
    ``n + 2p − k/s + 1`` read literally (only k divided by s), as printed in seed 004.
    """
    rows = []
    for what, n, k, s, p, d in OUTPUT_SIZE_CASES:
        real = layers.conv(np.zeros((1, n)), np.zeros((1, 1, k)), stride=s, padding=p,
                           dilation=d).shape[-1]  # fmt: skip
        numerator = n + 2 * p - d * (k - 1) - 1
        rows.append({
            "what": what, "n": n, "k": k, "s": s, "p": p, "d": d,
            "numerator": numerator, "exact": numerator % s == 0,
            "rule": numerator // s + 1, "real": real, "misprint": n + 2 * p - k / s + 1,
            "unused": numerator % s,
        })  # fmt: skip
    return rows


def _receptive_field() -> dict[str, str]:
    """The receptive fields the growth figure draws, and the rule that predicts them."""
    from diagram_gen.figures import receptive_field_growth as growth

    data = growth.compute(growth.example())
    values = {"rf.kernel": count(data.kernel)}
    for stack in data.stacks:
        drawn = [stack.field(row) for row in range(1, stack.depth + 1)]
        rule = conventions.receptive_fields([data.kernel] * stack.depth, list(stack.strides))
        if drawn != rule:
            raise RuntimeError(f"the figure draws fields {drawn}, the rule gives {rule}.")
        values[f"rf.{stack.key}_fields"] = spoken_list(drawn)
        values[f"rf.{stack.key}_strides"] = spoken_list(stack.strides)
    # The same three 3-tap layers with dilation 1, 2 and 4 (no stride): WaveNet's growth.
    dilations = (1, 2, 4)
    values["rf.dilations"] = spoken_list(dilations)
    values["rf.dilated_fields"] = spoken_list(
        conventions.receptive_fields([data.kernel] * 3, [1] * 3, dilations)
    )
    return values


#: TensorFlow's SAME against PyTorch's padding=k//2: one worked case (n, k, stride).
SAME_CASE = (224, 3, 2)


def same_padding_case() -> dict[str, object]:
    """Both layers on the same input: output sizes, zeros on each side, window starts."""
    n, k, s = SAME_CASE
    tf_out, before, after = conventions.tf_same_padding(n, k, s)
    torch_out = layers.conv(np.zeros((1, n)), np.zeros((1, 1, k)), stride=s,
                            padding=k // 2).shape[-1]  # fmt: skip
    tf_starts = conventions.window_starts(tf_out, s, before)
    torch_starts = conventions.window_starts(torch_out, s, k // 2)
    # An even kernel at stride 1: TensorFlow's SAME and PyTorch's padding="same" agree.
    even = 4
    _, even_before, even_after = conventions.tf_same_padding(n, even, 1)
    rng = np.random.default_rng(5)
    x, w = rng.normal(size=(1, 9)), rng.normal(size=(1, 1, even))
    agree = np.abs(conventions.conv_tf_same(x, w) - layers.conv(x, w, padding="same")).max()
    # Review item 2: the zeros depend on n. One more pixel (odd n) and SAME needs two,
    # one on each side: exactly PyTorch's padding=k//2, on random inputs.
    odd = n + 1
    _, odd_before, odd_after = conventions.tf_same_padding(odd, k, s)
    x_odd, w_odd = rng.normal(size=(1, odd)), rng.normal(size=(1, 1, k))
    odd_agree = np.abs(conventions.conv_tf_same(x_odd, w_odd, stride=s)
                       - layers.conv(x_odd, w_odd, stride=s, padding=k // 2)).max()  # fmt: skip
    return {"n": n, "k": k, "s": s, "tf_out": tf_out, "before": before, "after": after,
            "torch_out": torch_out, "torch_pad": k // 2, "tf_starts": tf_starts,
            "torch_starts": torch_starts, "even": even, "even_before": even_before,
            "even_after": even_after, "even_difference": float(agree), "odd": odd,
            "odd_before": odd_before, "odd_after": odd_after,
            "odd_difference": float(odd_agree)}  # fmt: skip


def _same_padding() -> dict[str, str]:
    case = same_padding_case()
    k = case["k"]

    def covers(start: int) -> str:  # 1-based pixels, "0" for a padding zero
        n = case["n"]
        return ", ".join(str(i + 1) if 0 <= i < n else "0" for i in range(start, start + k))

    return {
        "same.n": count(case["n"]),
        "same.k": count(k),
        "same.s": count(case["s"]),
        "same.tf_out": count(case["tf_out"]),
        "same.tf_before": count(case["before"]),
        "same.tf_after": count(case["after"]),
        "same.torch_pad": count(case["torch_pad"]),
        "same.torch_out": count(case["torch_out"]),
        "same.tf_first": covers(int(case["tf_starts"][0])),
        "same.torch_first": covers(int(case["torch_starts"][0])),
        "same.tf_last": covers(int(case["tf_starts"][-1])),
        "same.torch_last": covers(int(case["torch_starts"][-1])),
        "same.shift": count(int((case["tf_starts"] - case["torch_starts"])[0])),
        "same.even_k": count(case["even"]),
        "same.even_before": count(case["even_before"]),
        "same.even_after": count(case["even_after"]),
        "same.even_difference": scientific(case["even_difference"]),
        "same.tf_total": count(case["before"] + case["after"]),
        "same.odd_n": count(case["odd"]),
        "same.odd_total": count(case["odd_before"] + case["odd_after"]),
        "same.odd_before": count(case["odd_before"]),
        "same.odd_after": count(case["odd_after"]),
        "same.odd_difference": scientific(case["odd_difference"]),
    }


def _transposed() -> dict[str, str]:
    """Why output_padding exists: two input sizes that a stride-2 layer maps to one size."""
    k, s, p = 3, 2, 1
    sizes = [n for n in range(4, 9) if layers.conv_output_size(n, k, s, p) == 3]
    small, large = sizes[0], sizes[-1]
    y = np.zeros((1, 3))
    w = np.zeros((1, 1, k))
    plain = layers.conv_transpose(y, w, stride=s, padding=p).shape[-1]
    padded = layers.conv_transpose(y, w, stride=s, padding=p, output_padding=1).shape[-1]
    return {
        "transposed.small": count(small),
        "transposed.large": count(large),
        "transposed.both_to": count(3),
        "transposed.plain": count(plain),
        "transposed.padded": count(padded),
    }


def _transposed_direct() -> dict[str, str]:
    """The second reading of the upsampling figure: how its input is spread out."""
    from diagram_gen.figures import transposed_direct as direct

    figure = direct.compute(direct.example())
    return {
        "tdirect.inserted": direct.zeros_text(figure.stride - 1),
        "tdirect.pad": direct.zeros_text(figure.pad),
        "tdirect.input": shape_text(figure.y.shape),
        "tdirect.padded": shape_text(figure.padded.shape),
        "tdirect.output": shape_text(figure.output.shape),
    }


#: Layers of the PyTorch DCGAN example followed by BatchNorm (1-based), and its bias choice:
#: every convolution there has ``bias=False``.
DCGAN_BATCHNORM = {"generator": (1, 2, 3, 4), "discriminator": (2, 3, 4)}
#: The paper's figure 1 (Radford et al., 2016): the code projected to 1024 maps of 4x4,
#: then four fractionally-strided convolutions to the image, with these channel counts.
DCGAN_PAPER_PROJECTION = (1024, 4, 4)
DCGAN_PAPER_CHANNELS = (1024, 512, 256, 128, 3)
DCGAN_PAPER_TRANSPOSED_LAYERS = len(DCGAN_PAPER_CHANNELS) - 1


def dcgan_reference_parameters(rows, batchnorm: tuple[int, ...]) -> int:
    """Trainable numbers as the PyTorch example has them: no biases, BatchNorm's 2 per map."""
    weights = sum(row.weights for row in rows)
    norm = sum(2 * rows[number - 1].output_shape[0] for number in batchnorm)
    return weights + norm


def _dcgan() -> dict[str, str]:
    values = {}
    for name, rows in (("generator", dcgan.generator_shapes()),
                       ("discriminator", dcgan.discriminator_shapes())):  # fmt: skip
        values[f"dcgan.{name}_table_total"] = count(dcgan.total_parameters(rows))
        values[f"dcgan.{name}_reference_total"] = count(
            dcgan_reference_parameters(rows, DCGAN_BATCHNORM[name])
        )
        values[f"dcgan.{name}_biases"] = count(sum(row.biases for row in rows))
    last = dcgan.discriminator_shapes()[-1]
    values["dcgan.last_stride"] = count(last.stride)
    values["dcgan.last_padding"] = count(last.padding)
    values["dcgan.last_in"] = shape_text(last.input_shape)
    values["dcgan.strided_layers"] = count(sum(r.stride == 2 for r in dcgan.discriminator_shapes()))
    values["dcgan.image"] = shape_text(dcgan.generator_shapes()[-1].output_shape)
    values["dcgan.paper_projection"] = shape_text(DCGAN_PAPER_PROJECTION)
    values["dcgan.paper_transposed_layers"] = count(DCGAN_PAPER_TRANSPOSED_LAYERS)
    # Review item 18: only the first three halve the channels; the last makes 3 colours.
    pairs = list(zip(DCGAN_PAPER_CHANNELS[:-1], DCGAN_PAPER_CHANNELS[1:], strict=True))
    values["dcgan.paper_channels"] = "-".join(str(c) for c in DCGAN_PAPER_CHANNELS)
    values["dcgan.paper_halvings"] = count(sum(b * 2 == a for a, b in pairs))
    values["dcgan.paper_colours"] = count(DCGAN_PAPER_CHANNELS[-1])
    first = dcgan.generator_shapes()[0]
    values["dcgan.code"] = shape_text(first.input_shape)
    values["dcgan.first_out"] = shape_text(first.output_shape)
    values["dcgan.widths"] = "-".join(str(r.output_shape[0]) for r in dcgan.generator_shapes()[:-1])
    return values


def overlap_counts(k: int, stride: int, padding: int, n: int = 6) -> np.ndarray:
    """How many input values a transposed convolution adds into each output value.

    A transposed convolution of an ``n`` x ``n`` input of ones with a kernel of ones:
    every contribution is 1, so each output counts its contributions.
    """
    return layers.conv_transpose(np.ones((1, n, n)), np.ones((1, 1, k, k)), stride=stride,
                                 padding=padding)[0].astype(int)  # fmt: skip


def resize_conv_counts(k: int, stride: int, n: int = 6) -> np.ndarray:
    """Kernel taps that read the image at each output of resize-then-convolve.

    Nearest-neighbour resizing by ``stride`` and a same-padded ``k`` x ``k`` convolution
    (a kernel of ones over an image of ones): every output away from the border reads k²
    image values, however the stride and the kernel compare.
    """
    big = np.kron(np.ones((n, n)), np.ones((stride, stride)))[np.newaxis]
    return layers.conv(big, np.ones((1, 1, k, k)), padding="same")[0].astype(int)


def _checkerboard() -> dict[str, str]:
    """The uneven overlap of the upsampling figure, in its interior and after the fix."""
    from diagram_gen.figures import transposed_upsample as upsample

    figure = upsample.compute(upsample.example())
    k, s = figure.kernel.shape[0], figure.stride
    interior = overlap_counts(k, s, 0)[k:-k, k:-k]
    _, even_k, even_s, even_p = examples.DCGAN_GENERATOR[1]  # a DCGAN upsampling layer
    even = overlap_counts(even_k, even_s, even_p)[1:-1, 1:-1]
    resized = resize_conv_counts(k, s)[1:-1, 1:-1]
    return {
        "checker.k": count(k),
        "checker.s": count(s),
        "checker.figure_counts": spoken_list(np.unique(figure.counts)),
        "checker.interior_counts": spoken_list(np.unique(interior)),
        "checker.interior_ratio": count(interior.max() // interior.min()),
        "checker.even_k": count(even_k),
        "checker.even_s": count(even_s),
        "checker.even_counts": spoken_list(np.unique(even)),
        "checker.resize_counts": spoken_list(np.unique(resized)),
    }


def _pooling() -> dict[str, str]:
    """Max pooling is not linear: two windows of the pooling figure's input, added."""
    from diagram_gen.figures import pooling

    image = pooling.compute(pooling.example()).image
    windows = [image[r : r + 2, c : c + 2].ravel() for r in (0, 2) for c in (0, 2)]
    a, b = next(
        (a, b) for i, a in enumerate(windows) for b in windows[i + 1 :]
        if (a + b).max() != a.max() + b.max()
    )  # fmt: skip
    return {
        "pool.a": ", ".join(fmt(v) for v in a),
        "pool.b": ", ".join(fmt(v) for v in b),
        "pool.sum": ", ".join(fmt(v) for v in a + b),
        "pool.max_a": fmt(a.max()),
        "pool.max_b": fmt(b.max()),
        "pool.max_sum": fmt((a + b).max()),
        "pool.sum_of_max": fmt(a.max() + b.max()),
        "pool.mean_sum": fmt((a + b).mean()),
        "pool.sum_of_mean": fmt(a.mean() + b.mean()),
    }


#: /dimensions/'s example: a 3-channel 8x8 input, 3x3 kernels, a 3D kernel 2 deep.
DIMENSIONS = {"channels": 3, "size": 8, "kernel": 3, "depth": 2}


def _dimensions() -> dict[str, str]:
    """A 3-channel 8x8 input read by a 2D convolution and by a 3D convolution.

    Shapes channels first: the 2D kernel is C x k x k (as deep as the channels), the 3D
    kernel depth x k x k on the same numbers read as a one-channel volume.
    """
    c, n, k, d = (DIMENSIONS[key] for key in ("channels", "size", "kernel", "depth"))
    x = np.zeros((c, n, n))
    w_2d = np.zeros((1, c, k, k))  # kernel as deep as the channels
    w_3d = np.zeros((1, 1, d, k, k))  # slides along depth too
    out_2d = layers.conv(x, w_2d)
    out_3d = layers.conv(x[np.newaxis], w_3d)
    return {
        "dims.input": shape_text(x.shape),
        "dims.channels": count(c),
        "dims.side": shape_text(x.shape[1:]),
        "dims.kernel_2d": shape_text(w_2d.shape[1:]),
        "dims.kernel_3d": shape_text(w_3d.shape[2:]),
        "dims.out_2d": shape_text(out_2d.shape),
        "dims.out_3d": shape_text(out_3d.shape),
        "dims.params_2d": count(w_2d.size + 1),
        "dims.params_3d": count(w_3d.size + 1),
    }


def _other_way() -> dict[str, str]:
    """A dense layer as a convolution with a kernel the size of the input, and 1x1 convs."""
    rng = np.random.default_rng(12)
    x = rng.normal(size=(3, 4, 4))
    weights = rng.normal(size=(10, x.size))
    bias = rng.normal(size=10)
    dense_out = layers.dense(x.ravel(), weights, bias)
    conv_out = layers.conv(x, weights.reshape(10, *x.shape), bias)  # one kernel per output
    # A 1x1 convolution is the same dense layer applied to every pixel's channel vector.
    w1 = rng.normal(size=(8, 3))
    per_pixel = np.einsum("oc,chw->ohw", w1, x)
    w1x1 = w1.reshape(8, 3, 1, 1)
    one_by_one = layers.conv(x, w1x1)
    return {
        "other.input": shape_text(x.shape),
        "other.channels": count(x.shape[0]),
        "other.side": shape_text(x.shape[1:]),
        "other.one_by_one_kernels": count(w1x1.shape[0]),
        "other.one_by_one_kernel": shape_text(w1x1.shape[1:]),
        "other.outputs": count(weights.shape[0]),
        "other.kernel": shape_text(x.shape),
        "other.conv_out": shape_text(conv_out.shape),
        "other.max_difference": scientific(np.abs(conv_out.ravel() - dense_out).max()),
        "other.one_by_one_difference": scientific(np.abs(per_pixel - one_by_one).max()),
        "other.one_by_one_params": count(w1.size + 8),
        "other.one_by_one_out": shape_text(one_by_one.shape),
    }


def unet_sizes(n: int = 572, depth: int = 4) -> list[int]:
    """Side lengths through U-Net (Ronneberger et al., 2015), computed by the layer math.

    Each level runs two unpadded 3x3 convolutions; going down, a 2x2 max pooling with
    stride 2 halves the map; going up, a 2x2 transposed convolution with stride 2 doubles
    it. Returns the side after every step, input first and output last.
    """
    sizes = [n]

    def two_convs() -> None:
        for _ in range(2):
            sizes.append(layers.conv_output_size(sizes[-1], 3))

    for _ in range(depth):
        two_convs()
        sizes.append(layers.pool(np.zeros((1, sizes[-1], sizes[-1])), "max", kernel=2,
                                 stride=2).shape[-1])  # fmt: skip
    two_convs()
    for _ in range(depth):
        sizes.append(layers.conv_transpose_output_size(sizes[-1], 2, 2))
        two_convs()
    return sizes


def _unet() -> dict[str, str]:
    sizes = unet_sizes()
    return {"unet.input": count(sizes[0]), "unet.output": count(sizes[-1]),
            "unet.bottom": count(min(sizes))}  # fmt: skip


def binary_size(n_bytes: float) -> str:
    """``134217728`` -> ``128 MiB``."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n_bytes < 1024 or unit == "PiB":
            return f"{fmt(round(n_bytes, 1))} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")


#: The side at which the cost page quotes its counts.
COST_SIDE = 64


def _cost() -> dict[str, str]:
    """Counts for one channel in and out, a 3x3 kernel and no padding, side COST_SIDE.

    No padding, as the ``param-count`` figure under the page's table counts.

    The counts are read off the layers' structure at this size: the convolution's matrix
    index gives its trainable entries; the dense and locally connected layers have one
    weight per input-output pair and per structural non-zero respectively.
    """
    n = COST_SIDE
    index = layers.conv_matrix_index((1, 1, 3, 3), (1, n, n), max_entries=n**4)
    outputs, inputs = index.shape
    taps = int((index >= 0).sum())
    return {
        "cost.side_example": count(n),
        "cost.fc_params": count(outputs * inputs + outputs),
        "cost.local_params": count(taps + outputs),
        "cost.conv_params": count(np.unique(index[index >= 0]).size + 1),
        "cost.fc_macs": count(outputs * inputs),
        "cost.conv_macs": count(taps),
        "cost.dense_bytes": binary_size(index.size * 8),
        "cost.kernel_bytes": binary_size(np.zeros((3, 3)).nbytes),
    }


#: A real layer: VGG-16's second convolution (Simonyan and Zisserman, 2015), 64 channels in
#: and out, 3x3, stride 1, padding 1, on a 224x224 image; and the batch quoted with it.
REAL_LAYER = {"c_in": 64, "c_out": 64, "k": 3, "side": 224, "padding": 1}
REAL_BATCH = 32
#: Bytes of one float32, the usual training precision.
FLOAT32 = np.dtype(np.float32).itemsize


def _real_layer() -> dict[str, str]:
    """MACs, FLOPs, parameters and activation memory of one real layer."""
    spec = REAL_LAYER
    cost = conventions.layer_cost(spec["c_in"], spec["c_out"], spec["k"], spec["side"],
                                  spec["side"], padding=spec["padding"])  # fmt: skip
    return {
        "real.c_in": count(spec["c_in"]),
        "real.c_out": count(spec["c_out"]),
        "real.k": count(spec["k"]),
        "real.side": count(spec["side"]),
        "real.out": f"{spec['c_out']}x{cost.out_height}x{cost.out_width}",
        "real.params": count(cost.parameters),
        "real.macs": count(cost.macs),
        "real.gmacs": fmt(round(cost.macs / 1e9, 2)),
        "real.gflops": fmt(round(cost.flops / 1e9, 2)),
        "real.param_bytes": binary_size(cost.parameters * FLOAT32),
        "real.output_bytes": binary_size(cost.output_values * FLOAT32),
        "real.batch": count(REAL_BATCH),
        "real.batch_bytes": binary_size(REAL_BATCH * cost.output_values * FLOAT32),
        "real.ratio": count(round(REAL_BATCH * cost.output_values / cost.parameters)),
    }


def _training() -> dict[str, str]:
    """The tied-training experiment, run here with the figure's default setup."""
    data = training.setup()
    tied = training.train(data)
    untied = training.train(data, tie=False)
    return {
        "training.steps": count(data.steps),
        "training.loss_first": fmt_sig(tied.conv_loss[0]),
        "training.loss_last": fmt_sig(tied.conv_loss[-1]),
        "training.max_difference": scientific(tied.weight_difference.max()),
        "training.untied_difference": fmt_sig(untied.weight_difference.max()),
    }


def untied_control(data: training.Setup, learning_rate: float) -> float:
    """Final loss of the masked, untied dense layer trained alone at ``learning_rate``."""
    run = training.train(dataclasses.replace(data, learning_rate=learning_rate), tie=False)
    return float(run.dense_loss[-1])


def _training_steps() -> dict[str, str]:
    """Why the untied control lags: each tied weight's step sums all its copies' gradients."""
    data = training.setup()
    index = layers.conv_matrix_index(data.kernel.shape, data.input_shape)
    copies = int((index == 0).sum())  # every kernel weight has one copy per placement
    return {
        "training.copies": count(copies),
        "training.rate": fmt(data.learning_rate),
        "training.untied_loss": fmt_sig(untied_control(data, data.learning_rate)),
        "training.equal_rate": fmt(data.learning_rate * copies),
        "training.equal_loss": f"{untied_control(data, data.learning_rate * copies):.3g}",
    }


def fmt_sig(value: float, digits: int = 3) -> str:
    """A positive number to ``digits`` significant figures: ``0.00612``, ``8.55``."""
    return fmt(float(f"{value:.{digits}g}")) if abs(value) >= 0.01 else f"{value:.{digits}g}"


#: A 12-megapixel phone photograph is 4032 x 3024 pixels (review item 30).
PHONE_PHOTO_WIDTH = 4032


def _measured() -> dict[str, str]:
    """The committed cost measurement (``make bench`` writes it; the build only reads it).

    Read through the figure module so that the page and the figure's caption word the
    machine and the date the same way.
    """
    from diagram_gen.figures import cost_measured

    measurement = cost_measured.read_measurement()
    limit = measurement.largest_side_that_fits + 1  # the first side that does not fit
    return {
        "cost.machine": cost_measured.machine_words(measurement),
        "cost.date": cost_measured.date_words(measurement),
        "cost.side_limit": count(limit),
        "cost.phone_width": count(PHONE_PHOTO_WIDTH),
        "cost.phone_ratio": count(round(PHONE_PHOTO_WIDTH / limit)),
    }


def _channel_shapes(spec: dict[str, int]) -> dict[str, str]:
    """The channels example's shapes channels first (C x H x W), as the site writes them."""
    c, n, k, m = spec["channels"], spec["size"], spec["field"], spec["kernels"]
    x = np.zeros((c, n, n))
    w = np.zeros((m, c, k, k))
    y = layers.conv(x, w, np.zeros(m))
    return {
        "channels.shape_in": shape_text(x.shape),
        "channels.shape_kernel": shape_text(w.shape[1:]),
        "channels.shape_weight": shape_text(w.shape),
        "channels.shape_out": shape_text(y.shape),
        "channels.colour_in": shape_text((3, n, n)),
        "channels.grey_in": shape_text((1, n, n)),
    }


def separable_layers(spec: dict[str, int], *, seed: int = 5):
    """The channels example as depthwise (k x k, one map per channel) then 1x1 convolution.

    Returns ``(x, depthwise weight, depthwise bias, pointwise weight, pointwise bias)``
    with small random values; the page and the tests use the same layer.
    """
    c, n, k, m = spec["channels"], spec["size"], spec["field"], spec["kernels"]
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(c, n, n))
    return (x, rng.normal(size=(c, 1, k, k)), rng.normal(size=c), rng.normal(size=(m, c, 1, 1)),
            rng.normal(size=m))  # fmt: skip


#: Padding of the separable example: none, like the ordinary layer it is compared with
#: (review item 13), so both produce the same 16 maps of the same size.
SEPARABLE_PADDING = 0


def _separable(spec: dict[str, int]) -> dict[str, str]:
    """Depthwise separable convolution: parameters, and its matrix as a product of two."""
    c, k, m = spec["channels"], spec["field"], spec["kernels"]
    x, wd, bd, wp, bp = separable_layers(spec)
    depthwise = layers.conv(x, wd, bd, padding=SEPARABLE_PADDING, groups=c)
    both = layers.conv(depthwise, wp, bp)
    # As one fully connected layer: M = P D, P the 1x1 matrix, D the block-diagonal one.
    d = layers.conv_matrix(wd, x.shape, padding=SEPARABLE_PADDING, groups=c)
    p = layers.conv_matrix(wp, depthwise.shape)
    product = p @ d
    bias = np.repeat(wp[:, :, 0, 0] @ bd + bp, depthwise[0].size)
    rows, cols = depthwise[0].size, x[0].size  # one block: an output map by an input map
    # Block (o, c) of the product is wp[o, c] times channel c's banded block of D.
    block_error = max(
        np.abs(product[o * rows:(o + 1) * rows, i * cols:(i + 1) * cols]
               - wp[o, i, 0, 0] * d[i * rows:(i + 1) * rows, i * cols:(i + 1) * cols]).max()
        for o in range(m) for i in range(c)
    )  # fmt: skip
    full = m * (c * k * k + 1)
    ours = (c * k * k + c) + (m * c + m)
    keras = c * k * k + m * c + m  # SeparableConv2D keeps only the pointwise bias
    return {
        "separable.depthwise_params": count(c * k * k + c),
        "separable.depthwise_weights": count(wd.size),
        "separable.pointwise_params": count(wp.size + m),
        "separable.pointwise_weights": count(wp.size),
        "separable.params": count(ours),
        "separable.keras_params": count(keras),
        "separable.full_params": count(full),
        "separable.ratio": fmt(round(full / ours, 1)),
        "separable.full_weights": count(m * c * k * k),
        "separable.weights": count(wd.size + wp.size),
        "separable.matrix_shape": f"{product.shape[0]:,} x {product.shape[1]:,}",
        "separable.depthwise_shape": f"{d.shape[0]:,} x {d.shape[1]:,}",
        "separable.pointwise_shape": f"{p.shape[0]:,} x {p.shape[1]:,}",
        "separable.max_difference": scientific(
            np.abs(product @ x.ravel() + bias - both.ravel()).max()
        ),
        "separable.block_error": scientific(block_error),
        "separable.slice": shape_text(wd.shape[2:]),
        "separable.padding": count(SEPARABLE_PADDING),
        "separable.shape_out": shape_text(both.shape),
    }


def equivariance_canvas(offset: tuple[int, int], *, size: int = 6) -> np.ndarray:
    """The small example's 3x3 image placed at ``offset`` on a ``size`` x ``size`` zero canvas."""
    image = examples.small_conv().image[0]
    canvas = np.zeros((1, size, size))
    canvas[0, offset[0]:offset[0] + 3, offset[1]:offset[1] + 3] = image  # fmt: skip
    return canvas


def rows_text(values: np.ndarray) -> str:
    """A small 2D array row by row: ``10 8 1; 7 9 1; 1 1 1``."""
    return "; ".join(" ".join(fmt(v) for v in row) for row in values)


def _equivariance() -> dict[str, str]:
    """Shift the small example's image, and its feature map shifts: numbers for the page."""
    ex = examples.small_conv()

    def run(offset, **kwargs):
        return layers.conv(equivariance_canvas(offset), ex.kernel, ex.bias, **kwargs)[0]

    before, after = run((1, 1)), run((2, 2))
    moved = np.abs(after[1:, 1:] - before[:-1, :-1]).max()
    pooled = [layers.pool(y[np.newaxis], "max", 2)[0] for y in (before, after, run((3, 3)))]
    kept = int((pooled[0] == pooled[1]).sum())
    by_two = np.abs(pooled[2][1:, 1:] - pooled[0][:-1, :-1]).max()
    strided = [run(offset, stride=2) for offset in ((1, 1), (2, 2), (3, 3))]
    # On its own 3x3 frame, shifted one column to the right with wrap-around: zero padding
    # changes outputs near the border, circular padding none.
    image = ex.image
    rolled = np.roll(image, 1, axis=2)
    changed = {}
    for mode in ("zeros", "circular"):
        y = padding.conv(image, ex.kernel, ex.bias, padding="same", mode=mode)
        y_rolled = padding.conv(rolled, ex.kernel, ex.bias, padding="same", mode=mode)
        changed[mode] = int((np.abs(y_rolled - np.roll(y, 1, axis=2)) > 1e-12).sum())
    return {
        "equi.canvas": shape_text(equivariance_canvas((1, 1)).shape[1:]),
        "equi.map": shape_text(before.shape),
        "equi.moved_difference": fmt(moved),
        "equi.bias": fmt(ex.bias[0]),
        "equi.row_before": ", ".join(fmt(v) for v in before[1]),
        "equi.row_after": ", ".join(fmt(v) for v in after[2]),
        "equi.pool_before": spoken_list(pooled[0].ravel()),
        "equi.pool_after": spoken_list(pooled[1].ravel()),
        "equi.pool_kept": count(kept),
        "equi.pool_cells": count(pooled[0].size),
        "equi.global_max": fmt(before.max()),
        "equi.global_max_after": fmt(after.max()),
        "equi.pool_by_two": fmt(by_two),
        "equi.stride_before": rows_text(strided[0]),
        "equi.stride_after": rows_text(strided[1]),
        "equi.stride_new": spoken_list(sorted(set(strided[1].ravel()) - set(strided[0].ravel()))),
        "equi.stride_by_two": fmt(np.abs(strided[2][1:, 1:] - strided[0][:-1, :-1]).max()),
        "equi.stride_map": shape_text(strided[0].shape),
        "equi.border_outputs": count(image[0].size),
        "equi.border_zeros_changed": count(changed["zeros"]),
        "equi.border_circular_changed": count(changed["circular"]),
        # Review item 26: the 2x2 stride-2 pool of the 5x5 map reads rows/columns 1-4 only;
        # after the shift the left-out last row and column hold real responses.
        "equi.pool_covered": count(pooled[0].shape[0] * 2),
        "equi.map_side": count(before.shape[0]),
        "equi.dropped_row": ", ".join(fmt(v) for v in after[pooled[0].shape[0] * 2 :].ravel()),
        "equi.dropped_column": ", ".join(
            fmt(v) for v in after[:, pooled[0].shape[1] * 2 :].ravel()
        ),
    }


def _padding_modes() -> dict[str, str]:
    """The 1D example (seed 000) with padding 1 in each mode: outputs and matrix zeros."""
    ex = examples.line_example()
    n = ex.image.shape[-1]
    values = {"pmodes.n": count(n), "pmodes.entries": count(n * n)}
    for mode in padding.MODES:
        y = padding.conv(ex.image, ex.kernel, ex.bias, padding=1, mode=mode)[0]
        taps = padding.conv_matrix_taps(ex.kernel.shape, ex.image.shape, padding=1, mode=mode)
        values[f"pmodes.{mode}_outputs"] = spoken_list(y)
        values[f"pmodes.{mode}_first"] = fmt(y[0])
        values[f"pmodes.{mode}_last"] = fmt(y[-1])
        values[f"pmodes.{mode}_zeros"] = count((taps.sum(axis=2) == 0).sum())
        values[f"pmodes.{mode}_taps"] = count(taps.sum())
    values["pmodes.inner"] = spoken_list(
        padding.conv(ex.image, ex.kernel, ex.bias, padding=1)[0][1:-1]
    )
    values["pmodes.all_taps"] = count(n * ex.kernel.size)
    return values


def _lenet_subsampling() -> dict[str, str]:
    """LeNet-5's subsampling layers S2 and S4: a trainable coefficient and bias per map."""
    table = examples.lenet5_c3_table()
    outputs, inputs = table.shape  # S2 has as many maps as C3 reads, S4 as C3 writes
    return {
        "lenet.s2_maps": count(inputs),
        "lenet.s2_params": count(2 * inputs),
        "lenet.s4_maps": count(outputs),
        "lenet.s4_params": count(2 * outputs),
        "lenet.mask_slices": count(table.sum()),
        "lenet.mask_zero_slices": count((~table).sum()),
        "lenet.feeds": spoken_list(sorted(set(table.sum(axis=0).tolist()))),
    }


def numbers() -> dict[str, str]:
    """Every number the pages quote, by name."""
    values: dict[str, str] = {}
    for part in (_small(), _fully_connected(), _line(), _volume("volume", VOLUME),
                 _volume("channels", CHANNELS), _groups(CHANNELS), _lenet(), _transposed(),
                 _dimensions(), _other_way(), _cost(), _training(),
                 _measured(), _flatten(), _receptive_field(), _same_padding(), _dcgan(),
                 _checkerboard(), _pooling(), _unet(), _real_layer(),
                 _training_steps(), _transposed_direct()):  # fmt: skip
        values.update(part)
    # Issue 10, items 7, 10, 19 to 21: the channels page, equivariance and padding modes.
    for part in (_channel_shapes(CHANNELS), _separable(CHANNELS), _equivariance(),
                 _padding_modes(), _lenet_subsampling()):  # fmt: skip
        values.update(part)
    dcgan = next(r for r in output_size_rows() if r["what"].startswith("DCGAN"))
    values["size.dcgan_real"] = count(dcgan["real"])
    values["size.dcgan_misprint"] = fmt(dcgan["misprint"])
    inexact = next(r for r in output_size_rows() if not r["exact"])
    values["size.inexact_n"] = count(inexact["n"])
    values["size.inexact_out"] = count(inexact["real"])
    values["size.inexact_unused"] = count(inexact["unused"])
    return dict(sorted(values.items()))
