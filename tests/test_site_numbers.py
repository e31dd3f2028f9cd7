"""The numbers the pages quote (diagram_gen.site_data), recomputed here another way.

Each test recomputes a fact the prose states with a loop or the package's layers, not with
the code that produced the number; each says what it proves.
"""

from __future__ import annotations

import numpy as np
import pytest

from diagram_gen import cost, dcgan, examples, layers, site_data, training


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


def test_flatten_example_is_three_channels_of_2x2(numbers):
    # Proves the legend's example is unambiguous about C x H x W (3 channels of 2x2, not a
    # 2x2 colour image) and that Keras's order is PyTorch's 1..12 taken pixel by pixel:
    # entry (y, x, ch) of the channels-last vector is number ch*4 + y*2 + x + 1.
    ex = site_data.flatten_example()
    assert ex["shape"] == (3, 2, 2)
    assert numbers["flatten.shape"] == site_data.shape_text((3, 2, 2))
    assert numbers["flatten.map"] == site_data.shape_text((2, 2))
    assert numbers["flatten.chw"] == ", ".join(str(i) for i in range(1, 13))
    keras = [ch * 4 + y * 2 + x + 1 for y in range(2) for x in range(2) for ch in range(3)]
    assert keras == [1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12]
    assert numbers["flatten.hwc"] == ", ".join(map(str, keras))


def test_conv_matrix_rows_shift_by_one_or_by_the_kernel_width(numbers):
    # Proves the viewpoints page's reading of C: on the small example each row starts one
    # column right of the row above, except where the kernel drops to the next image row,
    # where it jumps by the kernel width (stride 1, no padding), found by loops.
    ex = examples.small_conv()
    _, h, w = ex.image.shape
    k = ex.kernel.shape[-1]
    matrix = layers.conv_matrix(ex.kernel, ex.image.shape)
    starts = [int(np.flatnonzero(row)[0]) for row in matrix]
    out_w = w - k + 1
    expected = [i * w + j for i in range(h - k + 1) for j in range(out_w)]
    assert starts == expected
    shifts = np.diff(starts)
    assert set(shifts.tolist()) == {1, k}
    assert numbers["small.row_shift"] == "1" and numbers["small.row_jump"] == str(k)


def test_lenet_c3_maps_that_read_a_subset_and_the_one_that_reads_all(numbers):
    # Proves the channels page's "15 of its 16 maps read only some of the 6 (3 or 4 of
    # them) and the remaining 1 reads all of them", counting the table's rows by loops.
    table = examples.lenet5_c3_table()
    reads = [sum(bool(v) for v in row) for row in table]
    partial = [r for r in reads if r < table.shape[1]]
    assert numbers["lenet.partial_maps"] == str(len(partial)) == "15"
    assert numbers["lenet.partial_reads"] == " or ".join(map(str, sorted(set(partial))))
    assert numbers["lenet.complete_maps"] == str(reads.count(table.shape[1])) == "1"


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


def test_same_padding_odd_case_is_pytorch_padding_1(numbers, rng):
    # Proves the odd-n sentence with loops: one more pixel (225) and SAME needs 2 zeros,
    # 1 on each side, so TensorFlow and PyTorch's padding=1 read the same windows.
    n = int(numbers["same.n"].replace(",", "")) + 1
    assert numbers["same.odd_n"] == f"{n:,}" and n % 2 == 1
    out = -(-n // 2)
    total = (out - 1) * 2 + 3 - n
    assert numbers["same.odd_total"] == str(total) == "2"
    assert (numbers["same.odd_before"], numbers["same.odd_after"]) == ("1", "1")
    assert numbers["same.tf_total"] == "1"  # the even case, 224
    x, w = rng.normal(size=(1, n)), rng.normal(size=(1, 1, 3))
    tf = layers.conv(np.pad(x, [(0, 0), (1, 1)]), w, stride=2)[0]
    torch = layers.conv(x, w, stride=2, padding=1)[0]
    np.testing.assert_allclose(tf, torch, atol=1e-12)


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


def test_a_depthwise_2x2_stride_2_conv_keeps_the_channels_apart_like_pooling():
    # Proves the pooling page's "a depthwise one keeps them apart, as pooling does": over
    # 2 channels, a depthwise (groups = 2) 2x2 stride-2 convolution has exactly average
    # pooling's zero pattern, block diagonal, while an ordinary one fills every block.
    pool = layers.avg_pool_matrix((2, 4, 4), kernel=2, stride=2) > 0
    depthwise = layers.conv_matrix_index((2, 1, 2, 2), (2, 4, 4), stride=2, groups=2) >= 0
    assert np.array_equal(depthwise, pool)
    ordinary = layers.conv_matrix_index((2, 2, 2, 2), (2, 4, 4), stride=2) >= 0
    assert ordinary[:4, 16:].any() and not np.array_equal(ordinary, pool)


@pytest.mark.parametrize(("side", "k"), [(5, 3), (6, 3), (4, 5)])
def test_im2col_with_padding_multiplies_more_than_the_matrix_has_non_zeros(side, k):
    # Proves the dimensions page's caveat: with same padding, im2col's one product does a
    # multiplication for every (output, tap) pair, padding taps included, which is the
    # matrix's non-zero entries plus the taps that fall on padding (counted by loops).
    c_in, c_out = 2, 3
    x = np.zeros((c_in, side, side))
    pad = k // 2
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(x, [(0, 0), (pad, pad), (pad, pad)]), (k, k), axis=(1, 2)
    )
    multiplications = c_out * c_in * k * k * windows.shape[1] * windows.shape[2]
    index = layers.conv_matrix_index((c_out, c_in, k, k), x.shape, padding="same")
    nonzeros = int((index >= 0).sum())
    on_padding = sum(
        not (0 <= i + a - pad < side and 0 <= j + b - pad < side)
        for i in range(side) for j in range(side) for a in range(k) for b in range(k)
    )  # fmt: skip
    assert multiplications == nonzeros + c_out * c_in * on_padding
    assert on_padding > 0 and multiplications > nonzeros
    assert nonzeros == cost.dense_matrix_nonzeros(c_in, c_out, side, k)


def test_equivariance_pool_leaves_out_the_last_row_and_column(numbers):
    # Proves the equivariance page's floor sentence by loops: the shifted 6x6 canvas gives
    # a 5x5 map, 2x2 windows at stride 2 start at 0 and 2 only (rows 1-4), and row and
    # column 5 of the map, which no window reads, hold responses other than the bias.
    ex = examples.small_conv()
    canvas = np.zeros((6, 6))
    canvas[2:5, 2:5] = ex.image[0]
    k = ex.kernel.shape[-1]
    side = 6 - k + 1
    y = np.array([[ex.bias[0] + (ex.kernel[0, 0] * canvas[i:i + k, j:j + k]).sum()
                   for j in range(side)] for i in range(side)])  # fmt: skip
    read = {r for start in range(0, side - 1, 2) for r in (start, start + 1)}
    assert read == {0, 1, 2, 3} and numbers["equi.pool_covered"] == str(len(read))
    assert numbers["equi.map_side"] == str(side)
    assert numbers["equi.dropped_row"] == ", ".join(site_data.fmt(v) for v in y[side - 1])
    assert numbers["equi.dropped_column"] == ", ".join(site_data.fmt(v) for v in y[:, side - 1])
    assert (y[side - 1] != ex.bias[0]).any() and (y[:, side - 1] != ex.bias[0]).any()


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


@pytest.mark.parametrize("factor", [2, 3, 4])
def test_resize_then_convolve_reads_k_squared_values_for_any_factor(numbers, factor):
    # Proves "9 for a 3x3 kernel, whatever the upsampling factor" by loops: after
    # nearest-neighbour resizing by the factor, a same-padded 3x3 window away from the
    # border covers 9 image values, and the package's count agrees.
    n, k = 4, 3
    side = n * factor
    inside = np.zeros((side, side), dtype=int)
    for i in range(side):
        for j in range(side):
            inside[i, j] = sum(
                0 <= i + a - 1 < side and 0 <= j + b - 1 < side for a in range(k) for b in range(k)
            )
    np.testing.assert_array_equal(site_data.resize_conv_counts(k, factor, n), inside)
    assert set(inside[1:-1, 1:-1].ravel()) == {k * k}
    assert numbers["checker.resize_counts"] == str(k * k)


def test_dcgan_paper_channels_halve_three_times(numbers):
    # Proves the corrected sentence on the paper's generator (Radford et al., 2016, Fig. 1:
    # 1024 -> 512 -> 256 -> 128 -> 3): four transposed convolutions, of which only the
    # first three halve the channels; the last one makes the 3 colours.
    channels = [int(c) for c in numbers["dcgan.paper_channels"].split("-")]
    assert channels == [1024, 512, 256, 128, 3]
    steps = list(zip(channels[:-1], channels[1:], strict=True))
    assert numbers["dcgan.paper_transposed_layers"] == str(len(steps)) == "4"
    assert numbers["dcgan.paper_halvings"] == str(sum(b == a // 2 for a, b in steps)) == "3"
    assert numbers["dcgan.paper_colours"] == str(channels[-1])
    assert site_data.DCGAN_PAPER_PROJECTION[0] == channels[0]


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


def test_phone_photograph_ratio(numbers):
    # Proves the cost page's "about 17 times wider" from its two generated numbers: a
    # 4032-pixel-wide photograph over the first side whose dense matrix does not fit
    # (238 on the committed machine), rounded, and more than ten times in any case.
    width = int(numbers["cost.phone_width"].replace(",", ""))
    limit = int(numbers["cost.side_limit"].replace(",", ""))
    assert width == 4032
    assert numbers["cost.phone_ratio"] == str(int(width / limit + 0.5))
    assert width / limit > 10


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


def test_the_small_example_sizes_are_those_of_its_arrays(numbers):
    # Proves the prose's "3x3 image with a 2x2 kernel" comes from the example's arrays:
    # the image is what the kernel slides over, and placements follow from both sizes.
    ex = examples.small_conv()
    _, height, width = ex.image.shape
    kh, kw = ex.kernel.shape[-2:]
    assert numbers["small.image_size"] == written(height, width)
    assert numbers["small.kernel_size"] == written(kh, kw)
    assert int(numbers["small.placements"]) == placements(height, kh) * placements(width, kw)
