"""``param-count``: parameters of three layers on an n x n image, as n grows.

Three layers with one input and one output channel and a ``kernel`` x ``kernel`` window,
stride 1 and no padding, so every output sees a full window and there are
``n_out = (n - k + 1)²`` outputs:

- **fully connected**: every input joined to every output by its own weight, plus one
  bias per output: ``n_in·n_out + n_out`` with ``n_in = n²``;
- **locally connected**: only the window's connections, each with its own weight (no
  sharing), plus one bias per output: ``k²·n_out + n_out``;
- **convolution**: the window's connections, all sharing one kernel and one bias:
  ``k² + 1``, whatever the image size.

The counts are taken from the layers' weight matrix, not assumed: for every side whose
matrix has at most :data:`MAX_COUNTED_ENTRIES` entries, :func:`layers.conv_matrix_index`
is built and its entries counted (every entry for the fully connected layer, every
trainable entry for the locally connected one, every distinct weight for the
convolution), and the closed forms above must give the same numbers. Past that size the
matrix would be too large to build, and the verified closed forms give the counts. The
figure draws counted points filled and closed-form points hollow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from diagram_gen import layers
from diagram_gen.figures import _lineplot
from diagram_gen.params import Int
from diagram_gen.style import REDDISH_PURPLE, Theme

FIGURE_ID = "param-count"
TITLE = "Parameters of fully connected, locally connected and convolutional layers"
PARAMETERS = {"smallest": Int(1, 1_000_000), "largest": Int(1, 1_000_000)}

#: Largest weight matrix (rows x columns) whose entries are counted one by one.
MAX_COUNTED_ENTRIES = 2_000_000
#: Largest image side the figure accepts: the counts then still fit comfortably in int64.
MAX_SIDE = 4096
FIGSIZE = (6.9, 5.0)  # the page column (7.17 in) with 12 pt text; a slide scales it up
LAYERS = ("fully_connected", "locally_connected", "convolution")


@dataclass(frozen=True)
class Sizes:
    """The kernel and the image sides the figure counts parameters for."""

    kernel: int
    sides: tuple[int, ...]


def example(*, kernel: int = 3, smallest: int = 4, largest: int = 256) -> Sizes:
    """Image sides from ``smallest`` to ``largest``: powers of two and 1.5 times them.

    Parameters
    ----------
    kernel : int, default 3
        Side of the square window (kernel).
    smallest, largest : int, default 4 and 256
        The first and last image side; ``kernel <= smallest < largest <= MAX_SIDE``.

    Raises
    ------
    ValueError
        For sides or a kernel that break these rules.
    """
    kernel = layers.check_positive_int("kernel", kernel)
    smallest = layers.check_positive_int("smallest", smallest)
    largest = layers.check_positive_int("largest", largest)
    if smallest < kernel:
        raise ValueError(
            f"smallest must be at least kernel ({kernel}) so the window fits the image, "
            f"got {smallest}."
        )
    if largest <= smallest:
        raise ValueError(f"largest must be greater than smallest ({smallest}), got {largest}.")
    if largest > MAX_SIDE:
        raise ValueError(f"largest must be at most {MAX_SIDE}, got {largest}.")
    sides = {smallest, largest}
    power = 1
    while power <= largest:
        sides.update(s for s in (power, 3 * power // 2) if smallest <= s <= largest)
        power *= 2
    return Sizes(kernel, tuple(sorted(sides)))


@dataclass(frozen=True)
class ParamCountData:
    """Parameters of the three layers per image side (biases included)."""

    kernel: int
    sides: np.ndarray  # (S,) image sides n
    fully_connected: np.ndarray  # (S,) int64
    locally_connected: np.ndarray  # (S,) int64
    convolution: np.ndarray  # (S,) int64
    counted: np.ndarray  # (S,) bool: counted entry by entry in the weight matrix

    def counts(self, layer: str) -> np.ndarray:
        return getattr(self, layer)


def closed_forms(side: int, kernel: int) -> tuple[int, int, int]:
    """(fully connected, locally connected, convolution) parameters by the formulas."""
    n_in, n_out = side * side, (side - kernel + 1) ** 2
    return n_in * n_out + n_out, kernel * kernel * n_out + n_out, kernel * kernel + 1


def counted_from_matrix(side: int, kernel: int) -> tuple[int, int, int]:
    """The same three counts, read off the convolution's weight-matrix structure.

    Fully connected: every entry of the ``n_out x n_in`` matrix is a free weight.
    Locally connected: every trainable entry is a free weight. Convolution: the distinct
    kernel weights that appear. Each adds its biases: one per output, one per output,
    one per output channel.
    """
    index = layers.conv_matrix_index((1, 1, kernel, kernel), (1, side, side))
    n_out = index.shape[0]
    trainable = index[index >= 0]
    return index.size + n_out, trainable.size + n_out, np.unique(trainable).size + 1


def compute(sizes: Sizes) -> ParamCountData:
    """Count every layer's parameters; check the closed forms where the matrix is built.

    Raises
    ------
    RuntimeError
        If a closed form disagrees with the count from the weight matrix.
    """
    k = sizes.kernel
    rows, counted = [], []
    for side in sizes.sides:
        formula = closed_forms(side, k)
        small = side * side * (side - k + 1) ** 2 <= MAX_COUNTED_ENTRIES
        if small:
            measured = counted_from_matrix(side, k)
            if measured != formula:
                raise RuntimeError(
                    f"the closed forms give {formula} parameters for side {side}, but the "
                    f"weight matrix has {measured}."
                )
        rows.append(formula)
        counted.append(small)
    table = np.array(rows, dtype=np.int64)
    return ParamCountData(
        kernel=k,
        sides=np.array(sizes.sides, dtype=np.int64),
        fully_connected=table[:, 0],
        locally_connected=table[:, 1],
        convolution=table[:, 2],
        counted=np.array(counted, dtype=bool),
    )


def render(data: ParamCountData, theme: Theme) -> Figure:
    fig = _lineplot.new_figure(theme, FIGSIZE)
    ax = fig.add_axes((0.13, 0.27, 0.66, 0.64))
    draw_param_count(ax, data, theme=theme)
    # Axis labels and tick labels find their places when the figure is drawn; draw it
    # once (without rendering pixels) so the figure that is returned is already laid out.
    fig.draw_without_rendering()
    return fig


def styles(theme: Theme) -> dict[str, dict[str, object]]:
    """Colour, line style and marker per layer: each curve differs in all three."""
    return {
        "fully_connected": {"color": theme.foreground, "linestyle": "-", "marker": "o"},
        "locally_connected": {"color": REDDISH_PURPLE, "linestyle": "--", "marker": "s"},
        "convolution": {"color": theme.kernel, "linestyle": "-.", "marker": "^"},
    }


#: Name and formula of each curve, written next to it.
NAMES = {
    "fully_connected": ("fully connected", r"$n_\mathrm{in}\,n_\mathrm{out} + n_\mathrm{out}$"),
    "locally_connected": ("locally connected", r"$k^2\,n_\mathrm{out} + n_\mathrm{out}$"),
    "convolution": ("convolution", r"$k^2 + 1$"),
}


def draw_param_count(ax, data: ParamCountData, *, theme: Theme) -> dict[str, list]:
    """Three curves on log axes, each named beside it, its last value at its end."""
    _lineplot.style_axes(ax, theme)
    look = styles(theme)
    sides = data.sides
    artists: dict[str, list] = {"lines": [], "markers": [], "labels": [], "values": []}
    for layer in LAYERS:
        counts = data.counts(layer)
        style = look[layer]
        line_style = {k: v for k, v in style.items() if k != "marker"}
        artists["lines"].append(
            ax.plot(sides, counts, linewidth=2.4, gid=f"count-{layer}", **line_style)[0]
        )
        for part, mask, face in (
            ("counted", data.counted, style["color"]),
            ("formula", ~data.counted, theme.background),
        ):
            artists["markers"].append(
                ax.plot(sides[mask], counts[mask], linestyle="none", marker=style["marker"],
                        markersize=8, markeredgewidth=1.8, color=style["color"],
                        markerfacecolor=face, gid=f"count-{layer}-{part}", zorder=3)[0]
            )  # fmt: skip
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlim(sides[0] / 1.15, sides[-1] * 1.15)
    top = float(data.fully_connected.max())
    ax.set_ylim(1, 10 ** np.ceil(np.log10(top) + 0.3))
    powers = [p for p in (2**i for i in range(0, 14)) if sides[0] <= p <= sides[-1]]
    ax.xaxis.set_major_locator(FixedLocator(powers))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([str(p) for p in powers])
    decades = np.arange(0, int(np.log10(ax.get_ylim()[1])) + 1, 2)
    ax.yaxis.set_major_locator(FixedLocator(10.0**decades))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels(["1" if d == 0 else f"$10^{{{d}}}$" for d in decades])
    k = data.kernel
    ax.set_xlabel(
        f"image side n\n(an n×n image, a {k}×{k} window, no padding: "
        rf"$n_\mathrm{{out}}$ = (n − {k - 1})²)",
        fontsize=_lineplot.LABEL_FONT,
    )
    ax.set_ylabel("parameters (weights + biases)", fontsize=_lineplot.LABEL_FONT)
    title = ax.set_title(
        "Parameters as the image grows (log scales)",
        fontsize=_lineplot.TITLE_FONT, loc="left", pad=12,
    )  # fmt: skip
    title.set_gid("title")
    # Each curve's name and formula, above it about two thirds along, where the curves
    # are far apart; its value at the largest side, right of its last point.
    at = int(round((sides.size - 1) * 0.6))
    # Fully connected and convolution above their curves, locally connected under its
    # own, so that no label sits on another curve.
    placement = {
        "fully_connected": {"ha": "right", "va": "bottom", "offset": (-4, 10)},
        "locally_connected": {"ha": "left", "va": "top", "offset": (4, -12)},
        "convolution": {"ha": "right", "va": "bottom", "offset": (-4, 10)},
    }
    for layer in LAYERS:
        counts = data.counts(layer)
        name, formula = NAMES[layer]
        artists["labels"].append(
            _lineplot.curve_label(
                ax, sides[at], counts[at], f"{name}: {formula}", theme,
                gid=f"label-{layer}", **placement[layer],
            )
        )  # fmt: skip
        artists["values"].append(
            _lineplot.curve_label(
                ax, sides[-1], counts[-1], f"{counts[-1]:,}", theme,
                gid=f"value-{layer}", ha="left", va="center", offset=(14, 0),
            )
        )  # fmt: skip
    limit = int(data.sides[data.counted].max()) if data.counted.any() else None
    note = (
        f"filled markers: counted entry by entry in the weight matrix (n ≤ {limit});\n"
        f"hollow: the closed form, checked on the counted sides"
        if limit is not None
        else "hollow markers: the closed forms (every matrix here is too large to build)"
    )
    artists["labels"].append(
        ax.text(-0.12, -0.27, note, transform=ax.transAxes, fontsize=_lineplot.NOTE_FONT,
                color=theme.muted, va="top", ha="left", gid="note")
    )  # fmt: skip
    artists["titles"] = [title]
    return artists


def _at(data: ParamCountData, index: int) -> tuple[int, int, int, int]:
    return (
        int(data.sides[index]),
        int(data.fully_connected[index]),
        int(data.locally_connected[index]),
        int(data.convolution[index]),
    )


def caption(data: ParamCountData) -> str:
    side, fc, local, conv = _at(data, -1)
    k = data.kernel
    return (
        f"Parameters of three layers on an n×n image with a {k}×{k} window, for n from "
        f"{int(data.sides[0])} to {side}. At {side}×{side}: fully connected {fc:,}, "
        f"locally connected {local:,}, convolution {conv:,}. Sharing the weights makes "
        f"the count independent of the image size."
    )


def alt_text(data: ParamCountData) -> str:
    first = _at(data, 0)
    last = _at(data, -1)
    k = data.kernel
    counted = data.sides[data.counted]
    counted_words = (
        f"For sides up to {int(counted.max())} the points are filled: they were counted "
        f"entry by entry in the weight matrix and agree with the formulas; the other "
        f"points are hollow and come from the formulas."
        if counted.size
        else "All points are hollow: they come from the formulas."
    )
    return (
        f"A plot with log scales of the number of parameters (weights and biases) against "
        f"the image side n, for layers with a {k}×{k} window, one channel in and out, "
        f"stride 1 and no padding. Fully connected (solid line, circles), "
        f"n_in·n_out + n_out: {first[1]:,} at n = {first[0]} up to {last[1]:,} at "
        f"n = {last[0]}. Locally connected (dashed, squares), k²·n_out + n_out: "
        f"{first[2]:,} up to {last[2]:,}. Convolution (dash-dotted, triangles), k² + 1: "
        f"{last[3]:,} at every size, a flat line. Each curve is named beside it. "
        f"{counted_words}"
    )
