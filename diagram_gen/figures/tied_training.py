"""``tied-training``: a convolution and its masked, tied dense layer stay one layer in training.

Left, the loss of each layer at every gradient step: the convolution (solid) and the dense
layer whose matrix is masked and tied (dashed, with markers) draw one curve. Right, on a
log axis, the largest difference between the dense matrix and the matrix of the
convolution's current kernel: it stays at the size of a rounding error, at or below
machine epsilon (a reference line), and is exactly 0 at some steps (markers on the floor
of the axis, whose tick reads 0). The negative control, the same dense layer masked but
not tied (which makes it a locally connected layer), is drawn dotted in both panels: its
loss follows another curve and its copies of a weight drift apart.

The numbers come from :mod:`diagram_gen.training`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator, NullLocator

from diagram_gen import targets, training
from diagram_gen.examples import format_number
from diagram_gen.figures import _lineplot
from diagram_gen.figures._lineplot import scientific
from diagram_gen.params import Float, Int
from diagram_gen.style import REDDISH_PURPLE, Theme

FIGURE_ID = "tied-training"
TITLE = "Training a convolution and its tied dense layer side by side"
PARAMETERS = {
    "size": Int(1, 64), "batch": Int(1, 1024), "steps": Int(1, 2000),
    "learning_rate": Float(1e-6, 10.0),
}  # fmt: skip
example = training.setup

#: The unit roundoff scale of float64: the gap between 1 and the next float.
MACHINE_EPSILON = float(np.finfo(np.float64).eps)
#: The largest difference the tests accept; drawn as a second reference line.
TOLERANCE = 1e-12
#: Every how many steps a marker is drawn on a curve.
MARK_EVERY_TARGET = 10
#: Inches, and where each panel's axes go (left, bottom, width, height, in fractions of
#: the figure): in the page column (7.17 in) the two panels stack; on a slide they stand
#: side by side, 9.2 in wide so that the smallest text (the exponents of the tick labels,
#: 8.4 pt) is 12 pt once the figure fills a 16:9 slide. A 4:3 slide (10 in) would need
#: them within 7 in: there it shows one panel at a time (:func:`parts`).
LAYOUTS = {
    "page": ((7.0, 7.8), (0.135, 0.615, 0.8, 0.33), (0.135, 0.105, 0.8, 0.33)),
    "slide": ((9.2, 4.7), (0.09, 0.13, 0.37, 0.74), (0.565, 0.13, 0.37, 0.74)),
}
#: One panel alone (a part): 6.8 in wide, so that its 8.4 pt exponents are 12.4 pt on a
#: 4:3 slide, and the axes where the page layout has them.
PART_LAYOUT = ((6.8, 4.3), (0.14, 0.15, 0.8, 0.7))
#: The panels as parts (``--part``), in drawing order.
PARTS = ("losses", "differences")


@dataclass(frozen=True)
class TiedTrainingData:
    """The tied run and the untied control, from the same start on the same data."""

    tied: training.TrainingRun
    control: training.TrainingRun

    @property
    def steps(self) -> np.ndarray:
        return self.tied.steps

    @property
    def largest_difference(self) -> float:
        """The largest weight difference of the tied run over every step."""
        return float(self.tied.weight_difference.max())

    @property
    def exact_zero_steps(self) -> np.ndarray:
        """Steps at which the dense matrix equals the convolution's matrix exactly."""
        return np.flatnonzero(self.tied.weight_difference == 0)

    @property
    def floor(self) -> float:
        """Where exact zeros are drawn on the log axis: a decade below every other value."""
        values = np.concatenate([self.tied.weight_difference, self.control.weight_difference])
        positive = values[values > 0]
        lowest = min(float(positive.min()) if positive.size else MACHINE_EPSILON, 1e-17)
        return 10.0 ** (math.floor(math.log10(lowest)) - 1)


def compute(setup: training.Setup) -> TiedTrainingData:
    """Train the tied dense layer and the untied control beside the convolution."""
    return TiedTrainingData(training.train(setup), training.train(setup, tie=False))


def parts(data: TiedTrainingData) -> list[str]:
    """Each panel is a part: a 4:3 slide shows one at a time."""
    return list(PARTS)


def render(
    data: TiedTrainingData,
    theme: Theme,
    target: targets.Target | None = None,
    part: str | None = None,
) -> Figure:
    """Both panels, stacked for the page column, side by side for a slide; or the panel
    named ``part`` alone."""
    if part is not None:
        size, at = PART_LAYOUT
        fig = _lineplot.new_figure(theme, size)
        draw = draw_losses if part == PARTS[0] else draw_differences
        draw(fig.add_axes(at), data, theme=theme)
    else:
        layout = "slide" if target is not None and target.is_slide else "page"
        size, *_ = LAYOUTS[layout]
        fig = _lineplot.new_figure(theme, size)
        draw_tied_training(fig, data, theme=theme, layout=layout)
    # Axis labels and tick labels find their places when the figure is drawn; draw it
    # once (without rendering pixels) so the figure that is returned is already laid out.
    fig.draw_without_rendering()
    return fig


def _mark_every(steps: int) -> int:
    return max(1, round(steps / MARK_EVERY_TARGET))


def styles(theme: Theme) -> dict[str, dict[str, object]]:
    """Colour, line style and marker of each curve: each differs in more than colour."""
    every = {"markersize": 7, "markeredgewidth": 1.6}
    return {
        "conv": {"color": theme.kernel, "linestyle": "-", "linewidth": 3.2},
        "dense": {"color": theme.foreground, "linestyle": "--", "linewidth": 1.8,
                  "marker": "o", "markerfacecolor": "none", **every},
        "control": {"color": REDDISH_PURPLE, "linestyle": ":", "linewidth": 2.4,
                    "marker": "x", **every},
        "epsilon": {"color": theme.muted, "linestyle": "-.", "linewidth": 1.4},
        "tolerance": {"color": theme.muted, "linestyle": (0, (5, 4)), "linewidth": 1.2},
    }  # fmt: skip


def draw_tied_training(
    fig: Figure, data: TiedTrainingData, *, theme: Theme, layout: str = "page"
) -> dict[str, list]:
    """Both panels: losses (first: above, or left on a slide), largest weight difference
    (second); returns the artists."""
    _, loss_at, diff_at = LAYOUTS[layout]
    loss_ax = fig.add_axes(loss_at)
    diff_ax = fig.add_axes(diff_at)
    artists = draw_losses(loss_ax, data, theme=theme)
    for key, value in draw_differences(diff_ax, data, theme=theme).items():
        artists.setdefault(key, []).extend(value)
    return artists


def draw_losses(ax, data: TiedTrainingData, *, theme: Theme) -> dict[str, list]:
    """The three loss curves on a log axis, each labelled where it ends."""
    _lineplot.style_axes(ax, theme)
    look = styles(theme)
    steps = data.steps
    every = _mark_every(steps[-1])
    lines = [
        ax.plot(steps, data.tied.conv_loss, gid="loss-conv", zorder=2, **look["conv"])[0],
        ax.plot(steps, data.tied.dense_loss, gid="loss-dense", markevery=every, zorder=3,
                **look["dense"])[0],
        ax.plot(steps, data.control.dense_loss, gid="loss-control", markevery=every, zorder=2,
                **look["control"])[0],
    ]  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlim(0, steps[-1])
    every_loss = np.concatenate([data.tied.conv_loss, data.tied.dense_loss,
                                 data.control.dense_loss])  # fmt: skip
    low, high = float(every_loss.min()) / 1.6, float(every_loss.max()) * 1.6
    ax.set_ylim(low, high)
    # Only values inside the axes get a tick (and so a tick label).
    ticks, tick_labels = _loss_ticks(low, high)
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels(tick_labels)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.set_xlabel("gradient step", fontsize=_lineplot.LABEL_FONT)
    ax.set_ylabel("loss (mean squared error)", fontsize=_lineplot.LABEL_FONT)
    title = ax.set_title(
        "The two layers draw one loss curve", fontsize=_lineplot.TITLE_FONT, pad=12, loc="left"
    )
    title.set_gid("loss-title")
    # The conv and the tied dense layer share one curve, so one label names both. It
    # stands under the curve, where the axes are empty, and points at it.
    at = int(steps[-1] * 0.3)
    mid = int(steps[-1] * 0.5)
    labels = [
        _lineplot.curve_label(
            ax, steps[at], data.tied.conv_loss[at],
            "convolution (solid)\n= tied dense layer (dashed, ○)",
            theme, gid="label-loss-shared", ha="left", va="bottom", arrow=True,
            text_at=(0.03, 0.04),
        ),
        _lineplot.curve_label(
            ax, steps[mid], data.control.dense_loss[mid], "masked, not tied (dotted, ×)",
            theme, gid="label-loss-control", ha="center", va="bottom", offset=(0, 16),
        ),
    ]  # fmt: skip
    return {"loss": lines, "labels": labels, "titles": [title]}


def draw_differences(ax, data: TiedTrainingData, *, theme: Theme) -> dict[str, list]:
    """Largest |W − conv_matrix(w)| per step on a log axis, exact zeros on its floor."""
    _lineplot.style_axes(ax, theme)
    look = styles(theme)
    steps = data.steps
    every = _mark_every(steps[-1])
    floor = data.floor
    tied = data.tied.weight_difference
    zero = tied == 0
    # Exact zeros cannot sit on a log axis: the curve breaks there, and a marker on the
    # floor of the axis (whose tick reads 0) shows them.
    shown = np.where(zero, np.nan, tied)
    lines = [
        ax.plot(steps, shown, gid="difference-tied", markevery=every, zorder=3,
                **{**look["dense"], "linestyle": "-", "marker": "o"})[0],
        ax.plot(steps[zero], np.full(int(zero.sum()), floor), gid="difference-tied-zero",
                linestyle="none", marker="v", markersize=8, color=theme.foreground,
                clip_on=False, zorder=4)[0],
        ax.plot(steps, np.where(data.control.weight_difference == 0, np.nan,
                                data.control.weight_difference),
                gid="difference-control", markevery=every, zorder=2, **look["control"])[0],
    ]  # fmt: skip
    references = [
        ax.axhline(MACHINE_EPSILON, gid="reference-epsilon", zorder=1, **look["epsilon"]),
        ax.axhline(TOLERANCE, gid="reference-tolerance", zorder=1, **look["tolerance"]),
    ]
    ax.set_yscale("log")
    top = max(1.0, float(np.nanmax(data.control.weight_difference)) * 3)
    ax.set_ylim(floor, 10.0 ** math.ceil(math.log10(top)))
    ax.set_xlim(0, steps[-1])
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    decades = _decade_ticks(floor, ax.get_ylim()[1])
    ax.yaxis.set_major_locator(FixedLocator([floor, *decades]))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels(["0"] + [_power_label(value) for value in decades])
    ax.set_xlabel("gradient step", fontsize=_lineplot.LABEL_FONT)
    ax.set_ylabel("largest |W − C(w)|", fontsize=_lineplot.LABEL_FONT)
    title = ax.set_title(
        "Dense W minus the conv's matrix C(w)",
        fontsize=_lineplot.TITLE_FONT, pad=12, loc="left",
    )  # fmt: skip
    title.set_gid("difference-title")
    labels = [
        _lineplot.curve_label(
            ax, steps[-1], MACHINE_EPSILON,
            f"machine epsilon {scientific(MACHINE_EPSILON)}", theme,
            gid="label-epsilon", ha="right", va="bottom", offset=(-2, 3), colour=theme.muted,
        ),
        _lineplot.curve_label(
            ax, steps[-1], TOLERANCE, f"test tolerance {scientific(TOLERANCE)}", theme,
            gid="label-tolerance", ha="right", va="bottom", offset=(-2, 3), colour=theme.muted,
        ),
        _lineplot.curve_label(
            ax, steps[0], MACHINE_EPSILON,
            f"masked and tied (○): ≤ {scientific(data.largest_difference)}"
            + ("\n▼ on the floor: exactly 0" if zero.any() else ""),
            theme, gid="label-difference-tied", ha="left", va="bottom", offset=(4, 22),
        ),
        _lineplot.curve_label(
            ax, steps[steps.size // 2], data.control.weight_difference[steps.size // 2],
            f"masked, not tied (×): up to {scientific(data.control.weight_difference.max())}",
            theme, gid="label-difference-control", ha="center", va="top", offset=(0, -12),
        ),
    ]  # fmt: skip
    return {"difference": lines, "references": references, "labels": labels, "titles": [title]}


def _decade_ticks(low: float, high: float, *, inside: bool = False) -> list[float]:
    """Powers of ten strictly above ``low`` up to ``high`` (rounded up to a power of ten
    unless ``inside``), about six of them."""
    first = math.floor(math.log10(low)) + 1
    last = math.floor(math.log10(high)) if inside else math.ceil(math.log10(high))
    stride = max(1, math.ceil((last - first) / 6))
    return [10.0**p for p in range(last, first - 1, -stride)][::-1]


def _loss_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Ticks inside (low, high) for a log axis: powers of ten, or 1-2-5 steps when the
    axis spans less than two decades (so it never has a single tick)."""
    decades = _decade_ticks(low, high, inside=True)
    if len(decades) >= 2:
        return decades, [_power_label(v) for v in decades]
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    values = [m * 10.0**p for p in range(first, last + 1) for m in (1, 2, 5)]
    values = [v for v in values if low <= v <= high]
    return values, [format_number(v) for v in values]


def _power_label(value: float) -> str:
    exponent = round(math.log10(value))
    return "1" if exponent == 0 else f"$10^{{{exponent}}}$"


def caption(data: TiedTrainingData) -> str:
    setup = data.tied.setup
    steps = int(data.steps[-1])
    return (
        f"A convolution and a dense layer whose matrix is masked and tied, trained side by "
        f"side for {steps} steps of gradient descent from the same start: one loss curve, "
        f"and a largest weight difference of at most {scientific(data.largest_difference)}, "
        f"a rounding error. Masked but not tied, the copies of each weight drift apart "
        f"(learning rate {setup.learning_rate:g})."
    )


def alt_text(data: TiedTrainingData) -> str:
    setup = data.tied.setup
    tied, control = data.tied, data.control
    steps = int(data.steps[-1])
    size = setup.images.shape[-1]
    k = setup.kernel.shape[-1]
    zeros = data.exact_zero_steps
    zero_words = (
        f" It is exactly 0 at {zeros.size} of the {steps + 1} recorded steps "
        f"(markers on the axis floor)."
        if zeros.size
        else ""
    )
    return (
        f"Two plots, one above the other, over {steps} gradient steps. A convolution on "
        f"{size}x{size} single-channel "
        f"images with a {k}x{k} kernel and a bias, and a dense layer whose matrix is masked and "
        f"tied to it, are trained from the same start on the same {setup.images.shape[0]} "
        f"images with learning rate {setup.learning_rate:g}. Above, their losses on a log "
        f"axis fall on one curve, from {scientific(tied.conv_loss[0], 3)} to "
        f"{scientific(tied.conv_loss[-1], 3)} for the convolution (solid) and "
        f"{scientific(tied.dense_loss[-1], 3)} for the dense layer (dashed, circles); the "
        f"dense layer masked but not tied (dotted, crosses) ends at "
        f"{scientific(control.dense_loss[-1], 3)}. Below, on a log axis, the largest "
        f"absolute difference between the dense matrix and the convolution's matrix at "
        f"each step: at most {scientific(data.largest_difference)} for the tied layer, at "
        f"or below machine epsilon {scientific(MACHINE_EPSILON)} (a dash-dotted line) and "
        f"far below the test tolerance {scientific(TOLERANCE)} (a dashed line).{zero_words} "
        f"Without tying it grows to {scientific(control.weight_difference[-1])}."
    )
