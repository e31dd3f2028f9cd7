"""DCGAN's shape tables come from running the layers, and agree with the size formulas.

The tables are made by feeding zeros through ``layers.conv`` and ``layers.conv_transpose``.
Here they are checked against the output-size formulas written out independently (the
floor rule of CONTENT.md page 7 and the transposed rule of page 8), against the shapes
quoted by seed 004 and by the DCGAN paper, and against parameter counts worked out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from diagram_gen import dcgan, examples


def conv_size(n: int, k: int, s: int, p: int) -> int:
    """floor((n + 2p - k) / s) + 1, the convolution's output size."""
    return (n + 2 * p - k) // s + 1


def transposed_size(n: int, k: int, s: int, p: int, output_padding: int = 0) -> int:
    """(n - 1)s - 2p + k + output_padding, the transposed convolution's output size."""
    return (n - 1) * s - 2 * p + k + output_padding


def test_discriminator_runs_from_3x64x64_down_to_1x1x1():
    # Proves the known values: each stride-2 layer halves the side and the last 4x4
    # kernel without padding reduces 4x4 to 1x1 (seed 004: 3x64x64 in, 1x1 out).
    rows = dcgan.discriminator_shapes()
    chain = [rows[0].input_shape] + [row.output_shape for row in rows]
    assert chain == [(3, 64, 64), (64, 32, 32), (128, 16, 16), (256, 8, 8), (512, 4, 4),
                     (1, 1, 1)]  # fmt: skip
    # Seed 004's example: the first layer, kernel 4, stride 2, padding 1, gives 32x32.
    first = rows[0]
    assert (first.kernel, first.stride, first.padding) == (4, 2, 1)
    assert first.output_shape[1:] == (32, 32)


def test_generator_runs_from_100x1x1_up_to_3x64x64():
    # Proves the known values of the generator, layer by layer.
    rows = dcgan.generator_shapes()
    chain = [rows[0].input_shape] + [row.output_shape for row in rows]
    assert chain == [(100, 1, 1), (512, 4, 4), (256, 8, 8), (128, 16, 16), (64, 32, 32),
                     (3, 64, 64)]  # fmt: skip
    assert all(row.transposed for row in rows)


@pytest.mark.parametrize("table", ["discriminator", "generator"])
def test_every_row_obeys_the_output_size_formula(table):
    # Proves the shapes the layers produced agree with the formulas, written out here,
    # for every layer, and that each layer's output is the next layer's input.
    rows = getattr(dcgan, f"{table}_shapes")()
    for row in rows:
        c_in, h, w = row.input_shape
        if row.transposed:
            size = transposed_size(h, row.kernel, row.stride, row.padding, row.output_padding)
            assert transposed_size(w, row.kernel, row.stride, row.padding) == size
        else:
            size = conv_size(h, row.kernel, row.stride, row.padding)
            assert conv_size(w, row.kernel, row.stride, row.padding) == size
        assert row.output_shape[1:] == (size, size), row.layer
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.input_shape == before.output_shape


@pytest.mark.parametrize(
    ("table", "architecture", "start"),
    [("discriminator", examples.DCGAN_DISCRIMINATOR, examples.DCGAN_IMAGE),
     ("generator", examples.DCGAN_GENERATOR, examples.DCGAN_CODE)],
)  # fmt: skip
def test_rows_follow_the_architecture_and_count_weights_and_biases(table, architecture, start):
    # Proves the table is the architecture of examples.py, and the parameter count is
    # C_out * C_in * k * k weights plus C_out biases, computed here from the shapes.
    rows = getattr(dcgan, f"{table}_shapes")()
    assert len(rows) == len(architecture)
    assert rows[0].input_shape == start
    for row, (c_out, k, s, p) in zip(rows, architecture, strict=True):
        assert (row.kernel, row.stride, row.padding) == (k, s, p)
        assert row.output_shape[0] == c_out
        c_in = row.input_shape[0]
        assert row.weights == c_in * c_out * k * k
        assert row.parameters == c_in * c_out * k * k + c_out
    assert dcgan.total_parameters(rows) == sum(r.parameters for r in rows)


def test_known_parameter_counts():
    # Proves two counts against the numbers worked out by hand: the first discriminator
    # layer has 64 kernels of 3x4x4 = 48 weights plus 64 biases; the generator's first
    # layer 100 x 512 x 16 weights plus 512 biases.
    assert dcgan.discriminator_shapes()[0].parameters == 64 * 48 + 64 == 3136
    assert dcgan.generator_shapes()[0].parameters == 100 * 512 * 16 + 512 == 819_712


def test_markdown_table_lists_every_layer_with_its_shapes():
    # Proves the site's table is the computed one: one line per layer with the shapes in
    # C×H×W form, a header and separator with the same number of columns, and the total.
    rows = dcgan.discriminator_shapes()
    text = dcgan.markdown_table(rows)
    lines = text.strip().split("\n")
    assert len(lines) == 2 + len(rows) + 1
    columns = lines[0].count("|")
    assert all(line.count("|") == columns for line in lines)
    assert lines[2] == "| conv 1 | 3×64×64 | 4×4 | 2 | 1 | 64×32×32 | 3,136 |"
    assert lines[-2].startswith("| conv 5 | 512×4×4 | 4×4 | 1 | 0 | 1×1×1 |")
    assert f"**{dcgan.total_parameters(rows):,}**" in lines[-1]
    generator = dcgan.markdown_table(dcgan.generator_shapes(), total=False)
    assert "| transposed conv 1 | 100×1×1 | 4×4 | 1 | 0 | 512×4×4 | 819,712 |" in generator
    assert "total" not in generator
    assert generator.endswith("|\n")


def test_a_layer_that_cannot_run_is_refused_by_the_layer_math():
    # Proves the table really runs the layers: an impossible architecture (a 4x4 kernel
    # on a 2x2 input without padding) fails in the layer code with a one-sentence error.
    with pytest.raises(ValueError, match=r"^kernel size 4 .* larger than the padded input"):
        dcgan.run_shapes((3, 2, 2), ((8, 4, 1, 0),), transposed=False, name="conv")


def test_output_padding_rule_of_the_formula_matches_the_layer():
    # Proves the formula's "+ output_padding" term on a case where it matters: the layer
    # math (conv_transpose) gives 65 instead of 64 with output_padding 1, as the formula.
    from diagram_gen import layers

    y = layers.conv_transpose(np.zeros((1, 32, 32)), np.zeros((1, 1, 4, 4)), stride=2,
                              padding=1, output_padding=1)  # fmt: skip
    assert y.shape[1:] == (transposed_size(32, 4, 2, 1, 1),) * 2 == (65, 65)
