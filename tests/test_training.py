"""The tied-training experiment: a masked, tied dense layer stays the convolution.

The gradients are checked against explicit loops and central finite differences, the
training run against a gradient descent written here from scratch with loops, and the
claim of the page (the dense matrix equals the convolution's matrix at every step, to
rounding) against a negative control that can fail: without tying, the same test sees
the difference grow far above rounding.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from diagram_gen import layers, training

ROUNDING = 1e-12


@pytest.fixture(scope="module")
def setup() -> training.Setup:
    return training.setup()


@pytest.fixture(scope="module")
def tied(setup) -> training.TrainingRun:
    return training.train(setup)


@pytest.fixture(scope="module")
def untied(setup) -> training.TrainingRun:
    return training.train(setup, tie=False)


def loop_conv(image: np.ndarray, kernel: np.ndarray, bias: float) -> np.ndarray:
    """Single-channel cross-correlation, no padding, stride 1, by explicit loops."""
    k = kernel.shape[0]
    n = image.shape[0] - k + 1
    out = np.full((n, n), float(bias))
    for i in range(n):
        for j in range(n):
            for a in range(k):
                for b in range(k):
                    out[i, j] += kernel[a, b] * image[i + a, j + b]
    return out


def loop_loss(images, targets, kernel, bias) -> float:
    """Mean squared error of the convolution over every output of the batch, by loops."""
    errors = [loop_conv(x[0], kernel, bias) - t[0] for x, t in zip(images, targets, strict=True)]
    return float(np.mean(np.square(errors)))


def loop_gradient(images, errors, k: int) -> tuple[np.ndarray, float]:
    """dL/dw[a, b] = sum over n, i, j of e[n, i, j] x[n, i + a, j + b], by loops."""
    grad = np.zeros((k, k))
    for x, e in zip(images[:, 0], errors[:, 0], strict=True):
        for i in range(e.shape[0]):
            for j in range(e.shape[1]):
                for a in range(k):
                    for b in range(k):
                        grad[a, b] += e[i, j] * x[i + a, j + b]
    return grad, float(errors.sum())


def test_setup_is_seeded_and_its_targets_come_from_the_teacher(setup):
    # Proves the data are reproducible (same seed, same arrays; other seed, other
    # arrays) and the targets are the teacher convolution's outputs, checked by loops.
    again = training.setup()
    for field in ("images", "targets", "kernel", "teacher_kernel"):
        np.testing.assert_array_equal(getattr(setup, field), getattr(again, field))
    assert not np.array_equal(training.setup(seed=12).images, setup.images)
    for x, t in zip(setup.images, setup.targets, strict=True):
        expected = loop_conv(x[0], setup.teacher_kernel[0, 0], setup.teacher_bias[0])
        np.testing.assert_allclose(t[0], expected, rtol=0, atol=1e-12)
    assert setup.images.shape == (8, 1, 6, 6) and setup.targets.shape == (8, 1, 4, 4)


def test_conv_gradient_equals_loops_and_finite_differences(setup, rng):
    # Proves the convolution's gradient (a correlation through layers.conv) is the
    # derivative of the loss: equal to explicit loops, and to central differences of a
    # loss computed by loops at a random point.
    kernel = rng.normal(size=(1, 1, 3, 3))
    bias = float(rng.normal())
    outputs = np.stack([loop_conv(x[0], kernel[0, 0], bias)[None] for x in setup.images])
    errors = 2 * (outputs - setup.targets) / setup.targets.size
    grad_k, grad_b = training.conv_gradient(setup.images, errors)
    expected_k, expected_b = loop_gradient(setup.images, errors, 3)
    np.testing.assert_allclose(grad_k[0, 0], expected_k, rtol=1e-12, atol=1e-14)
    assert grad_b[0] == pytest.approx(expected_b, rel=1e-12)
    h = 1e-6
    for a in range(3):
        for b in range(3):
            step = np.zeros_like(kernel)
            step[0, 0, a, b] = h
            plus = loop_loss(setup.images, setup.targets, kernel[0, 0] + step[0, 0], bias)
            minus = loop_loss(setup.images, setup.targets, kernel[0, 0] - step[0, 0], bias)
            assert grad_k[0, 0, a, b] == pytest.approx((plus - minus) / (2 * h), rel=1e-6)
    plus = loop_loss(setup.images, setup.targets, kernel[0, 0], bias + h)
    minus = loop_loss(setup.images, setup.targets, kernel[0, 0], bias - h)
    assert grad_b[0] == pytest.approx((plus - minus) / (2 * h), rel=1e-6)


def test_dense_gradient_masks_then_sums_each_group(setup, rng):
    # Proves the dense gradient is the outer-product formula, zero on the structural
    # zeros after masking, and after tying every copy of weight k holds the SUM of the
    # copies' gradients, which equals the convolution's gradient for k.
    errors = rng.normal(size=setup.targets.shape)
    index = layers.conv_matrix_index((1, 1, 3, 3), (1, 6, 6))
    raw, raw_b = training.dense_gradient(setup.images, errors, index, mask=False, tie=False)
    expected = np.zeros((16, 36))
    for x, e in zip(setup.images, errors, strict=True):
        for r in range(16):
            for c in range(36):
                expected[r, c] += e.ravel()[r] * x.ravel()[c]
    np.testing.assert_allclose(raw, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(raw_b, errors.reshape(8, 16).sum(axis=0), rtol=1e-12)
    masked, _ = training.dense_gradient(setup.images, errors, index, tie=False)
    assert np.all(masked[index < 0] == 0)
    np.testing.assert_array_equal(masked[index >= 0], raw[index >= 0])
    tied, tied_b = training.dense_gradient(setup.images, errors, index)
    conv_k, conv_b = loop_gradient(setup.images, errors, 3)
    assert np.all(tied[index < 0] == 0)
    for k in range(9):
        group = index == k
        assert group.sum() == 16  # every output uses every weight once (no padding)
        assert np.all(tied[group] == tied[group][0])
        assert tied[group][0] == pytest.approx(expected[group].sum(), rel=1e-12)
        assert tied[group][0] == pytest.approx(conv_k.ravel()[k], rel=1e-12)
    assert np.all(tied_b == tied_b[0]) and tied_b[0] == pytest.approx(conv_b, rel=1e-12)


def test_tied_dense_layer_stays_the_convolution_at_every_step(tied):
    # Proves the page's claim: at every one of the 51 recorded steps the dense matrix
    # equals conv_matrix of the conv's current kernel to rounding, the biases too, and
    # the two losses agree; the structural zeros are still exactly zero at the end.
    assert tied.weight_difference.shape == (51,)
    assert np.all(tied.weight_difference < ROUNDING)
    assert np.all(tied.bias_difference < ROUNDING)
    np.testing.assert_allclose(tied.dense_loss, tied.conv_loss, rtol=1e-12, atol=0)
    assert np.all(tied.dense_weights[tied.index < 0] == 0)
    recomputed = layers.conv_matrix(tied.kernel, (1, 6, 6))
    assert np.max(np.abs(tied.dense_weights - recomputed)) == tied.weight_difference[-1]


def test_negative_control_without_tying_drifts_far_above_rounding(tied, untied):
    # Proves the test above can fail: the same run without tying (masked only) breaks
    # the equality at the first step and ends far above rounding, and its loss curve is
    # no longer the convolution's. The mask alone still keeps the zeros at zero.
    assert untied.weight_difference[0] == 0  # the same start
    assert untied.weight_difference[1] > 1e6 * ROUNDING
    assert untied.weight_difference[-1] > 1e-3
    assert untied.weight_difference.max() > 1e9 * tied.weight_difference.max()
    assert abs(untied.dense_loss[-1] - untied.conv_loss[-1]) > 0.1
    assert np.all(untied.dense_weights[untied.index < 0] == 0)
    np.testing.assert_array_equal(untied.conv_loss, tied.conv_loss)  # the conv is the same


def test_training_equals_gradient_descent_written_with_loops(setup, tied):
    # Proves the recorded losses are those of plain gradient descent on the convolution,
    # re-run here with loop convolutions and loop gradients for the first 10 steps, and
    # that the loss falls while the kernel approaches the teacher's.
    kernel, bias = setup.kernel[0, 0].copy(), float(setup.bias[0])
    for step in range(11):
        loss = loop_loss(setup.images, setup.targets, kernel, bias)
        assert tied.conv_loss[step] == pytest.approx(loss, rel=1e-10)
        assert tied.dense_loss[step] == pytest.approx(loss, rel=1e-10)
        outputs = np.stack([loop_conv(x[0], kernel, bias)[None] for x in setup.images])
        errors = 2 * (outputs - setup.targets) / setup.targets.size
        grad_k, grad_b = loop_gradient(setup.images, errors, 3)
        kernel -= setup.learning_rate * grad_k
        bias -= setup.learning_rate * grad_b
    assert np.all(np.diff(tied.conv_loss) < 0)
    assert tied.conv_loss[-1] < 1e-2 * tied.conv_loss[0]
    start = np.abs(setup.kernel - setup.teacher_kernel).max()
    assert np.abs(tied.kernel - setup.teacher_kernel).max() < 0.2 * start


def test_stable_rate_is_the_divergence_threshold(setup):
    # Proves the learning-rate limit that setup() enforces is real: just below it the
    # loss still falls over a long run, just above it the loss grows.
    limit = training.stable_rate(setup.images, 3)
    below = training.train(dataclasses.replace(setup, learning_rate=0.95 * limit, steps=200))
    above = training.train(dataclasses.replace(setup, learning_rate=1.05 * limit, steps=200))
    assert below.conv_loss[-1] < below.conv_loss[0]
    assert above.conv_loss[-1] > 10 * above.conv_loss[0]
    with pytest.raises(ValueError, match=r"^learning_rate must be below .* got 5\.$"):
        training.setup(learning_rate=5)


@pytest.mark.parametrize(
    ("overrides", "words"),
    [({"steps": 0}, "steps must be a positive integer, got 0."),
     ({"kernel": 7}, "kernel must be at most size (6), got 7."),
     ({"learning_rate": -0.1}, "learning_rate must be a positive number, got -0.1."),
     ({"size": 33}, "size must be at most 32, got 33."),
     ({"seed": 1.5}, "seed must be an integer, got 1.5.")],
)  # fmt: skip
def test_bad_parameters_are_refused_in_one_sentence(overrides, words):
    # Proves a parameter the experiment cannot run with is named with its rule and value.
    with pytest.raises(ValueError) as error:
        training.setup(**overrides)
    assert str(error.value) == words


def test_other_sizes_stay_tied_too():
    # Proves the result is not a property of one example: a 9x9 input with a 4x4 kernel
    # and another seed stays at rounding level too, and the untied control does not.
    setup = training.setup(size=9, kernel=4, batch=5, steps=30, seed=3)
    assert np.all(training.train(setup).weight_difference < ROUNDING)
    assert training.train(setup, tie=False).weight_difference[-1] > 1e-3
