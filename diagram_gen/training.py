"""Training shared weights: a convolution and its masked, tied dense layer, side by side.

The experiment of the "training shared weights" page. A convolution (one input channel of
``size`` x ``size``, one ``kernel`` x ``kernel`` kernel and one bias, no padding) and a
fully connected layer are trained by plain gradient descent, from the same start, on the
same seeded data, with the same learning rate. The dense layer's matrix starts as
:func:`layers.conv_matrix` of the convolution's kernel and is constrained in two ways:

- **masked**: the gradient is multiplied by the mask ``conv_matrix_index >= 0``, so the
  structural zeros stay exactly zero;
- **tied**: entries that hold the same kernel weight (one group of
  :func:`layers.conv_matrix_index`) get one common gradient, the SUM of the gradients of
  their copies, because that is the derivative of the loss with respect to the one
  weight they all are. The dense layer's biases (one per output) are tied the same way, to the
  convolution's single bias.

The two gradients are computed independently. The convolution's is a correlation of the
input with the output error (:func:`layers.conv` with the error as the kernel); the dense
layer's is the matrix formula, the outer product of the error and the input, summed over
the batch, then masked and tied. Both are gradients of the same loss (the mean squared
error over all outputs of the batch), so both layers take the same step and stay the same
layer: the largest difference between the dense matrix and the convolution's matrix stays
at rounding level. Switching the tying off (the negative control) lets the copies drift
apart.

The data: ``batch`` images of standard normal noise, and as target the output of a hidden
"teacher" convolution with its own kernel and bias. Everything is drawn from ``seed``.
Numpy only: nothing here draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from diagram_gen import layers

__all__ = [
    "MAX_SIZE",
    "MAX_STEPS",
    "Setup",
    "TrainingRun",
    "conv_gradient",
    "dense_gradient",
    "mse",
    "setup",
    "stable_rate",
    "train",
]

#: Largest image side and number of steps: beyond them the figure takes too long to draw.
MAX_SIZE = 32
MAX_STEPS = 2000


@dataclass(frozen=True)
class Setup:
    """What both layers are trained on, and where they start.

    Attributes
    ----------
    images : ndarray, shape (batch, 1, size, size)
        The inputs.
    targets : ndarray, shape (batch, 1, out, out)
        The teacher's outputs for them.
    teacher_kernel : ndarray, shape (1, 1, kernel, kernel)
    teacher_bias : ndarray, shape (1,)
    kernel : ndarray, shape (1, 1, kernel, kernel)
        The start of the student convolution (and, through ``conv_matrix``, of the
        dense layer).
    bias : ndarray, shape (1,)
    steps : int
        Number of gradient steps.
    learning_rate : float
    """

    images: np.ndarray
    targets: np.ndarray
    teacher_kernel: np.ndarray
    teacher_bias: np.ndarray
    kernel: np.ndarray
    bias: np.ndarray
    steps: int
    learning_rate: float

    @property
    def input_shape(self) -> tuple[int, ...]:
        """``(1, size, size)``, the shape of one image."""
        return tuple(self.images.shape[1:])


def setup(
    *,
    size: int = 6,
    kernel: int = 3,
    batch: int = 8,
    steps: int = 50,
    learning_rate: float = 0.05,
    seed: int = 11,
) -> Setup:
    """Seeded data and a seeded start for the experiment.

    Parameters
    ----------
    size : int, default 6
        Side of the square single-channel input images.
    kernel : int, default 3
        Side of the square kernel (at most ``size``).
    batch : int, default 8
        Number of training images (full-batch gradient descent).
    steps : int, default 50
        Number of gradient steps.
    learning_rate : float, default 0.05
        Step size of plain gradient descent, shared by both layers.
    seed : int, default 11
        Seed of everything random: images, teacher, start.

    Returns
    -------
    Setup

    Raises
    ------
    ValueError
        For a parameter that is not a positive integer (``learning_rate``: a positive
        number), a kernel larger than the image, a size above :data:`MAX_SIZE`, more
        than :data:`MAX_STEPS` steps, or a learning rate at or above
        :func:`stable_rate`, with which gradient descent diverges.
    """
    size = layers.check_positive_int("size", size)
    kernel = layers.check_positive_int("kernel", kernel)
    batch = layers.check_positive_int("batch", batch)
    steps = layers.check_positive_int("steps", steps)
    seed = layers.check_int("seed", seed)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")
    if not 0 < learning_rate < float("inf"):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}.")
    if kernel > size:
        raise ValueError(f"kernel must be at most size ({size}), got {kernel}.")
    if size > MAX_SIZE:
        raise ValueError(f"size must be at most {MAX_SIZE}, got {size}.")
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be at most {MAX_STEPS}, got {steps}.")
    rng = np.random.default_rng(seed)
    images = rng.normal(size=(batch, 1, size, size))
    teacher_kernel = rng.normal(size=(1, 1, kernel, kernel))
    teacher_bias = rng.normal(size=1)
    targets = np.stack([layers.conv(x, teacher_kernel, teacher_bias) for x in images])
    start = rng.normal(scale=0.5, size=(1, 1, kernel, kernel))
    limit = stable_rate(images, kernel)
    if learning_rate >= limit:
        raise ValueError(
            f"learning_rate must be below {limit:.3g} for this data (larger steps make "
            f"gradient descent diverge), got {learning_rate!r}."
        )
    return Setup(
        images=images,
        targets=targets,
        teacher_kernel=teacher_kernel,
        teacher_bias=teacher_bias,
        kernel=start,
        bias=np.zeros(1),
        steps=steps,
        learning_rate=float(learning_rate),
    )


def stable_rate(images: np.ndarray, kernel: int) -> float:
    """The largest learning rate for which gradient descent on this data converges.

    The loss is a quadratic in the kernel weights and the bias, with Hessian
    ``H = 2 AᵀA / count``, where each row of ``A`` is one output's input patch followed
    by a 1 (for the bias). Plain gradient descent converges exactly when the learning
    rate is below ``2 / λ_max(H)``.

    Parameters
    ----------
    images : ndarray, shape (batch, 1, H, W)
    kernel : int
        Side of the square kernel.

    Returns
    -------
    float
    """
    windows = np.lib.stride_tricks.sliding_window_view(images[:, 0], (kernel, kernel), (1, 2))
    patches = windows.reshape(-1, kernel * kernel)
    design = np.hstack([patches, np.ones((patches.shape[0], 1))])
    hessian = 2.0 * design.T @ design / patches.shape[0]
    return float(2.0 / np.linalg.eigvalsh(hessian)[-1])


def mse(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Mean squared error over every output of the batch."""
    return float(np.mean((outputs - targets) ** 2))


def conv_gradient(images: np.ndarray, errors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of the loss for the convolution's kernel and bias.

    ``dL/dw[a, b] = sum over n, i, j of e[n, i, j] * x[n, i + a, j + b]``: the input
    correlated with the output error ``e = dL/dy``. The batch is treated as channels, so
    one call of :func:`layers.conv` (the error as a one-output, ``batch``-channel kernel)
    sums over images and positions at once.

    Parameters
    ----------
    images : ndarray, shape (batch, 1, H, W)
    errors : ndarray, shape (batch, 1, H_out, W_out)
        ``dL/dy`` for every output.

    Returns
    -------
    (ndarray of shape (1, 1, k, k), ndarray of shape (1,))
    """
    x = images[:, 0]  # (batch, H, W): the batch as input channels
    e = errors[:, 0][np.newaxis]  # (1, batch, H_out, W_out): one output channel
    grad_w = layers.conv(x, e)  # (1, k, k)
    return grad_w[np.newaxis], np.array([errors.sum()])


def dense_gradient(
    images: np.ndarray,
    errors: np.ndarray,
    index: np.ndarray,
    *,
    mask: bool = True,
    tie: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient of the loss for the dense layer's matrix and biases, masked and tied.

    The unconstrained gradient is ``dL/dW = sum over n of outer(e_n, x_n)`` and
    ``dL/db = sum over n of e_n``. Masking zeroes it on the structural zeros of
    ``index``; tying replaces every entry of a group (one kernel weight) by the group's
    sum, and every bias by the sum over all outputs (one shared bias).

    Parameters
    ----------
    images : ndarray, shape (batch, 1, H, W)
    errors : ndarray, shape (batch, 1, H_out, W_out)
    index : ndarray of int, shape (n_out, n_in)
        :func:`layers.conv_matrix_index`: the kernel weight each entry holds, -1 for a
        structural zero.
    mask, tie : bool, default True
        Apply the mask; tie the copies of each shared weight (and the biases).

    Returns
    -------
    (ndarray of shape (n_out, n_in), ndarray of shape (n_out,))
    """
    x = images.reshape(images.shape[0], -1)  # (batch, n_in)
    e = errors.reshape(errors.shape[0], -1)  # (batch, n_out)
    grad_w = e.T @ x  # sum of the outer products e_n x_n^T
    grad_b = e.sum(axis=0)
    trainable = index >= 0
    if mask:
        grad_w = np.where(trainable, grad_w, 0.0)
    if tie:
        sums = np.bincount(index[trainable], weights=grad_w[trainable])
        grad_w = np.where(trainable, sums[np.where(trainable, index, 0)], grad_w)
        grad_b = np.full_like(grad_b, grad_b.sum())
    return grad_w, grad_b


@dataclass(frozen=True)
class TrainingRun:
    """What happened at each step, step 0 being the common start.

    Attributes
    ----------
    conv_loss, dense_loss : ndarray, shape (steps + 1,)
        The loss of each layer before step 1, after step 1, ..., after the last step.
    weight_difference : ndarray, shape (steps + 1,)
        ``max |W - conv_matrix(w)|``: the dense matrix against the matrix of the
        convolution's current kernel.
    bias_difference : ndarray, shape (steps + 1,)
        ``max |b_dense - b_conv|`` over the dense layer's biases.
    kernel, bias : ndarray
        The convolution's final kernel and bias.
    dense_weights, dense_bias : ndarray
        The dense layer's final matrix and biases.
    index : ndarray
        :func:`layers.conv_matrix_index` of the convolution.
    """

    setup: Setup
    tied: bool
    conv_loss: np.ndarray
    dense_loss: np.ndarray
    weight_difference: np.ndarray
    bias_difference: np.ndarray
    kernel: np.ndarray
    bias: np.ndarray
    dense_weights: np.ndarray
    dense_bias: np.ndarray
    index: np.ndarray

    @property
    def steps(self) -> np.ndarray:
        """0, 1, ..., steps: the x values of every recorded quantity."""
        return np.arange(self.conv_loss.size)


def train(data: Setup, *, tie: bool = True) -> TrainingRun:
    """Train the convolution and the masked (and, unless ``tie=False``, tied) dense layer.

    Parameters
    ----------
    data : Setup
        From :func:`setup`.
    tie : bool, default True
        Tie the dense layer's shared entries. ``False`` is the negative control: masked
        but not tied, the copies of a weight get different updates and drift apart.

    Returns
    -------
    TrainingRun
    """
    shape = data.input_shape
    index = layers.conv_matrix_index(data.kernel.shape, shape)
    n_out = index.shape[0]
    per_output = data.targets.shape[1:]
    count = data.targets.size  # the mean is over every output of the batch
    flat_x = data.images.reshape(data.images.shape[0], -1)
    flat_t = data.targets.reshape(data.targets.shape[0], -1)

    kernel, bias = data.kernel.copy(), data.bias.copy()
    weights = layers.conv_matrix(kernel, shape)
    dense_bias = np.full(n_out, bias[0])
    records: dict[str, list[float]] = {k: [] for k in ("conv", "dense", "weight", "bias")}
    for step in range(data.steps + 1):
        conv_out = np.stack([layers.conv(x, kernel, bias) for x in data.images])
        dense_out = layers.dense(flat_x, weights, dense_bias)
        records["conv"].append(mse(conv_out, data.targets))
        records["dense"].append(mse(dense_out, flat_t))
        records["weight"].append(float(np.max(np.abs(weights - layers.conv_matrix(kernel, shape)))))
        records["bias"].append(float(np.max(np.abs(dense_bias - bias[0]))))
        if step == data.steps:
            break
        conv_error = 2.0 * (conv_out - data.targets) / count
        dense_error = (2.0 * (dense_out - flat_t) / count).reshape((-1,) + per_output)
        grad_k, grad_b = conv_gradient(data.images, conv_error)
        grad_w, grad_db = dense_gradient(data.images, dense_error, index, tie=tie)
        kernel = kernel - data.learning_rate * grad_k
        bias = bias - data.learning_rate * grad_b
        weights = weights - data.learning_rate * grad_w
        dense_bias = dense_bias - data.learning_rate * grad_db
    return TrainingRun(
        setup=data,
        tied=tie,
        conv_loss=np.array(records["conv"]),
        dense_loss=np.array(records["dense"]),
        weight_difference=np.array(records["weight"]),
        bias_difference=np.array(records["bias"]),
        kernel=kernel,
        bias=bias,
        dense_weights=weights,
        dense_bias=dense_bias,
        index=index,
    )
