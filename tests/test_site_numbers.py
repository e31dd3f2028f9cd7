"""The numbers the pages quote (diagram_gen.site_data), recomputed here another way.

Each test recomputes a fact the prose states with a loop or the package's layers, not with
the code that produced the number; each says what it proves.
"""

from __future__ import annotations

import numpy as np
import pytest

from diagram_gen import dcgan, examples, layers, site_data, training


@pytest.fixture(scope="module")
def numbers() -> dict[str, str]:
    return site_data.numbers()


def placements(n: int, k: int) -> int:
    """Where a kernel of side k fits along a side of n, counted (stride 1, no padding)."""
    return sum(1 for start in range(n) if start + k <= n)


def written(*shape: int) -> str:
    """A shape as the pages print it, in the order given: written(3, 32, 32) -> 3x32x32."""
    return "x".join(str(s) for s in shape)


def test_volume_shapes_are_written_channels_first(numbers):
    # Proves the neuron page's shapes are the volume figure's example, channels first
    # (C x H x W; C_in x k x k for one kernel), with the output size counted by placing
    # the kernel rather than by the formula; and that no key uses the channels-last order.
    layer = examples.volume_example()
    c, h, w = layer.image.shape
    m, c_in, kh, kw = layer.kernel.shape
    out = (m, placements(h, kh), placements(w, kw))
    assert c_in == c and c != h  # a channels-last string could not pass by accident
    assert numbers["volume.input"] == written(c, h, w)
    assert numbers["volume.field"] == written(c, kh, kw)
    assert numbers["volume.output"] == written(*out)
    assert numbers["volume.side"] == written(h, w)
    assert numbers["volume.channels"] == str(c)
    assert numbers["volume.kernels"] == str(m)
    assert numbers["volume.neurons"] == f"{out[0] * out[1] * out[2]:,}"
    for key, hwc in (("input", (h, w, c)), ("field", (kh, kw, c)), ("output", (*out[1:], m))):
        assert numbers[f"volume.{key}"] != written(*hwc)


def test_channels_page_shapes_are_written_channels_first(numbers):
    # Proves the channels page's shapes channels first for its example (the spec the page
    # states: 10 maps of 12x12, 16 kernels of side 3): input, one kernel (C_in x k x k),
    # the weight tensor (C_out x C_in x k x k) and the output, sizes counted by placing.
    spec = site_data.CHANNELS
    c, n, k, m = spec["channels"], spec["size"], spec["field"], spec["kernels"]
    side = placements(n, k)
    assert numbers["channels.input"] == numbers["channels.shape_in"] == written(c, n, n)
    assert numbers["channels.field"] == numbers["channels.shape_kernel"] == written(c, k, k)
    assert numbers["channels.shape_weight"] == written(m, c, k, k)
    assert numbers["channels.output"] == numbers["channels.shape_out"] == written(m, side, side)
    assert numbers["channels.colour_in"] == written(3, n, n)
    assert numbers["channels.grey_in"] == written(1, n, n)
    assert numbers["channels.kernel_weights"] == str(c * k * k)


def test_group_kernels_are_written_channels_first(numbers):
    # Proves each row of the groups table: a kernel of a layer with g groups reads C_in / g
    # channels, written (C_in / g) x k x k, and the layer has C_out such kernels plus biases.
    spec = site_data.CHANNELS
    c, k, m = spec["channels"], spec["field"], spec["kernels"]
    for name, groups, outputs in (("full", 1, m), ("two", 2, m), ("depthwise", c, c),
                                  ("depthwise2", c, 2 * c)):  # fmt: skip
        assert numbers[f"groups.{name}_kernel"] == written(c // groups, k, k)
        assert numbers[f"groups.{name}_params"] == f"{outputs * (c // groups) * k * k + outputs:,}"


def test_dimension_page_kernels_are_written_channels_first(numbers):
    # Proves /dimensions/'s two kernels: the 2D one is as deep as the channels (C x k x k)
    # and makes one map; the 3D one (depth x k x k) slides along the depth too, so its
    # output has one channel and a depth of its own, counted by placing it.
    spec = site_data.DIMENSIONS
    c, n, k, depth = spec["channels"], spec["size"], spec["kernel"], spec["depth"]
    assert depth < c  # so the 3D kernel really moves along the depth
    assert numbers["dims.input"] == written(c, n, n)
    assert numbers["dims.side"] == written(n, n)
    assert numbers["dims.kernel_2d"] == written(c, k, k)
    assert numbers["dims.kernel_3d"] == written(depth, k, k)
    assert numbers["dims.out_2d"] == written(1, placements(n, k), placements(n, k))
    assert numbers["dims.out_3d"] == written(
        1, placements(c, depth), placements(n, k), placements(n, k)
    )
    assert numbers["dims.params_2d"] == str(c * k * k + 1)
    assert numbers["dims.params_3d"] == str(depth * k * k + 1)


def test_flatten_example_lists_the_channels_last_order(numbers):
    # Proves the legend's example by loops: Keras's vector takes pixel after pixel, with the
    # channels of each pixel side by side; the permuted columns give the same outputs.
    ex = site_data.flatten_example()
    c, h, w = ex["shape"]
    chw = np.arange(1, c * h * w + 1).reshape(c, h, w)
    hwc = [chw[ch, y, x] for y in range(h) for x in range(w) for ch in range(c)]
    assert numbers["flatten.hwc"] == ", ".join(map(str, hwc))
    assert numbers["flatten.columns"] == numbers["flatten.hwc"]  # numbered from 1 as well
    assert ex["difference"] < 1e-12


def influence_field(strides, kernel=3, n=17) -> int:
    """Inputs that change the middle unit of the last layer, found by perturbing each one."""
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(1, 1, kernel)) for _ in strides]

    def run(x):
        for w, s in zip(weights, strides, strict=True):
            x = layers.conv(x, w, stride=s)
        return x[0]

    x = rng.normal(size=(1, n))
    base = run(x)
    middle = base.size // 2
    moved = []
    for i in range(n):
        y = x.copy()
        y[0, i] += 1.0
        if abs(run(y)[middle] - base[middle]) > 1e-9:
            moved.append(i)
    return max(moved) - min(moved) + 1


def test_receptive_fields_quoted_are_what_a_perturbation_finds(numbers):
    # Proves "3, 5 and 7" and "3, 7 and 15" by perturbing inputs of real stacked layers.
    plain = [influence_field((1,) * depth) for depth in (1, 2, 3)]
    strided = [influence_field((2, 2, 1)[:depth]) for depth in (1, 2, 3)]
    assert numbers["rf.plain_fields"] == site_data.spoken_list(plain)
    assert numbers["rf.strided_fields"] == site_data.spoken_list(strided)


def test_same_padding_case_224_k3_s2(numbers, rng):
    # Proves the worked porting case with the package's layers on random numbers: both
    # layers give 112 outputs; TensorFlow's first window reads pixels 1-3 (explicit
    # padding 0 before, 1 after), PyTorch's padding=1 reads a zero and pixels 1-2.
    x, w = rng.normal(size=(1, 224)), rng.normal(size=(1, 1, 3))
    tf = layers.conv(np.pad(x, [(0, 0), (0, 1)]), w, stride=2)[0]
    torch = layers.conv(x, w, stride=2, padding=1)[0]
    assert numbers["same.tf_out"] == numbers["same.torch_out"] == str(tf.size) == "112"
    assert tf[0] == pytest.approx(w[0, 0] @ x[0, 0:3])
    assert torch[0] == pytest.approx(w[0, 0, 1:] @ x[0, 0:2])
    assert numbers["same.tf_first"] == "1, 2, 3" and numbers["same.torch_first"] == "0, 1, 2"
    assert (numbers["same.tf_before"], numbers["same.tf_after"]) == ("0", "1")


def test_max_pooling_example_is_not_additive_and_average_pooling_is(numbers):
    # Proves max(a + b) != max(a) + max(b) on the quoted windows, with the package's pool.
    a = np.array([float(v) for v in numbers["pool.a"].replace(" and", ",").split(", ")])
    b = np.array([float(v) for v in numbers["pool.b"].replace(" and", ",").split(", ")])

    def pooled(v, kind):
        return layers.pool(v.reshape(1, 2, 2), kind)[0, 0, 0]

    assert pooled(a + b, "max") != pooled(a, "max") + pooled(b, "max")
    assert numbers["pool.max_sum"] == site_data.fmt(pooled(a + b, "max"))
    assert pooled(a + b, "avg") == pytest.approx(pooled(a, "avg") + pooled(b, "avg"))


def test_pooling_is_block_diagonal_and_matches_a_stride_2_conv_only_for_2x2():
    # Proves the pooling page: over 2 channels the average-pooling matrix is zero off the
    # diagonal channel blocks, while a 2-channel convolution fills every block; per
    # channel, a 2x2 stride-2 convolution has pooling's zero pattern and a 3x3 one has not.
    pool = layers.avg_pool_matrix((2, 4, 4), kernel=2, stride=2)
    assert not pool[:4, 16:].any() and not pool[4:, :16].any()
    conv = layers.conv_matrix_index((2, 2, 2, 2), (2, 4, 4), stride=2)
    assert (conv[:4, 16:] >= 0).any() and (conv[4:, :16] >= 0).any()
    one = layers.avg_pool_matrix((1, 4, 4), kernel=2, stride=2) > 0
    assert np.array_equal(layers.conv_matrix_index((1, 1, 2, 2), (1, 4, 4), stride=2) >= 0, one)
    three = layers.conv_matrix_index((1, 1, 3, 3), (1, 4, 4), stride=2, padding=1) >= 0
    assert three.shape == one.shape and not np.array_equal(three, one)


def scatter_counts(n: int, k: int, s: int) -> np.ndarray:
    """Copies of the kernel that land on each cell of a transposed convolution, by loops."""
    size = (n - 1) * s + k
    counts = np.zeros((size, size), dtype=int)
    for i in range(n):
        for j in range(n):
            counts[i * s : i * s + k, j * s : j * s + k] += 1
    return counts


def test_checkerboard_counts(numbers):
    # Proves the overlap counts: a 3-wide kernel at stride 2 gives 1, 2 and 4 copies in a
    # repeating pattern; a 4-wide one is even inside; resize-then-convolve reads 9 values
    # at every output away from the border.
    counts = scatter_counts(6, 3, 2)
    assert sorted(set(counts[3:-3, 3:-3].ravel())) == [1, 2, 4]
    assert numbers["checker.interior_counts"] == "1, 2 and 4"
    np.testing.assert_array_equal(counts, site_data.overlap_counts(3, 2, 0))
    even = scatter_counts(6, 4, 2)[1:-1, 1:-1][1:-1, 1:-1]  # padding 1 crops one more
    assert set(even.ravel()) == {4} and numbers["checker.even_counts"] == "4"
    resized = site_data.resize_conv_counts(3, 2)
    assert set(resized[1:-1, 1:-1].ravel()) == {9} and resized[0, 0] < 9


def test_dcgan_reference_counts(numbers):
    # Proves the reference totals from the architecture table: weights only (bias=False),
    # plus BatchNorm's scale and shift per channel after generator layers 1-4 and
    # discriminator layers 2-4; the tables' totals add one bias per output channel.
    def total(arch, channels_in, norm):
        weights, c = 0, channels_in
        norm_params = 0
        for number, (out, k, _, _) in enumerate(arch, start=1):
            weights += c * out * k * k
            if number in norm:
                norm_params += 2 * out
            c = out
        return weights, norm_params, sum(out for out, *_ in arch)

    w, bn, biases = total(examples.DCGAN_GENERATOR, 100, (1, 2, 3, 4))
    assert numbers["dcgan.generator_reference_total"] == f"{w + bn:,}"
    assert numbers["dcgan.generator_table_total"] == f"{w + biases:,}"
    w, bn, biases = total(examples.DCGAN_DISCRIMINATOR, 3, (2, 3, 4))
    assert numbers["dcgan.discriminator_reference_total"] == f"{w + bn:,}"
    last = dcgan.discriminator_shapes()[-1]
    assert (last.stride, last.padding, last.output_shape) == (1, 0, (1, 1, 1))
    assert numbers["dcgan.last_stride"] == "1" and numbers["dcgan.last_padding"] == "0"


def test_unet_output_size(numbers):
    # Proves U-Net's 572 -> 388 by plain arithmetic: two unpadded 3x3 convolutions cost 4
    # pixels per level, pooling halves, up-convolution doubles (the paper's Fig. 1 says 388).
    n = 572
    for _ in range(4):
        n = (n - 4) // 2
    n -= 4
    for _ in range(4):
        n = 2 * n - 4
    assert n == 388 and numbers["unet.output"] == "388" and numbers["unet.input"] == "572"


def test_real_layer_cost(numbers):
    # Proves the VGG-16 layer's numbers by the textbook products.
    c_in = c_out = 64
    macs = c_out * 224 * 224 * c_in * 3 * 3
    assert numbers["real.macs"] == f"{macs:,}"
    assert numbers["real.params"] == f"{c_out * (c_in * 9 + 1):,}"
    assert numbers["real.gflops"] == site_data.fmt(round(2 * macs / 1e9, 2))
    assert numbers["real.batch_bytes"] == site_data.binary_size(32 * 64 * 224 * 224 * 4)


def test_tied_weights_sum_one_gradient_per_placement(numbers):
    # Proves the training page's explanation: each kernel weight has one copy per output
    # placement (4x4 = 16 for a 6x6 image and a 3x3 kernel), the tied layer's step for a
    # weight is the sum of its copies' gradients, and giving the untied control a
    # learning rate that many times larger closes most of its gap.
    data = training.setup()
    placements = (data.images.shape[-1] - data.kernel.shape[-1] + 1) ** 2
    assert numbers["training.copies"] == str(placements) == "16"
    rng = np.random.default_rng(1)
    errors = rng.normal(size=data.targets.shape)
    index = layers.conv_matrix_index(data.kernel.shape, data.input_shape)
    tied, _ = training.dense_gradient(data.images, errors, index)
    untied, _ = training.dense_gradient(data.images, errors, index, tie=False)
    for k in range(index.max() + 1):
        copies = index == k
        assert copies.sum() == placements
        np.testing.assert_allclose(tied[copies], untied[copies].sum(), atol=1e-12)
    slow = float(numbers["training.untied_loss"])
    fast = float(numbers["training.equal_loss"])
    assert fast < slow / 10 and float(numbers["training.loss_last"]) < fast


def test_other_way_shapes_are_written_channels_first(numbers):
    # Proves /other-way/'s shapes agree with each other channels first: the full-size
    # kernel is the input's C x H x W and fits once (output outputs x 1 x 1, by placing it);
    # a 1x1 kernel is C x 1 x 1 and keeps the height and width (one map per kernel).
    c = int(numbers["other.channels"])
    h, w = (int(s) for s in numbers["other.side"].split("x"))
    outputs = int(numbers["other.outputs"])
    kernels = int(numbers["other.one_by_one_kernels"])
    assert numbers["other.input"] == numbers["other.kernel"] == written(c, h, w)
    assert numbers["other.conv_out"] == written(outputs, placements(h, h), placements(w, w))
    assert numbers["other.one_by_one_kernel"] == written(c, 1, 1)
    assert numbers["other.one_by_one_out"] == written(kernels, placements(h, 1), placements(w, 1))
    assert numbers["other.one_by_one_params"] == str(kernels * c + kernels)
