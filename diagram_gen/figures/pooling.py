"""``pooling``: max pooling and average pooling of the same input, side by side.

Both panels draw the same small input with every pooling window framed, an arrow to the
pooled output, and one written line per window. Max pooling marks the largest number of
each window with a ring and bold type (not by colour alone) and writes ``max(…) = 4``;
average pooling writes the sum divided by the window size. Every output comes from
:func:`diagram_gen.layers.pool`. A closing line says what page 9 builds on: average
pooling is a convolution with fixed weights, max pooling is no weighted sum at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from diagram_gen import layers, targets
from diagram_gen.figures import _grid, _matrix
from diagram_gen.steps import Step, position_names, window_steps
from diagram_gen.style import Theme, text_colour_on

FIGURE_ID = "pooling"
TITLE = "Max pooling and average pooling"

#: Largest input side drawn cell by cell.
MAX_SIDE = 8
#: Largest window side.
MAX_KERNEL = 4
#: Most windows: each gets a written line under its panel.
MAX_WINDOWS = 9
#: Horizontal gap between the two panels, in cell units.
SPACE = 1.6
#: Room for the arrow between an input and its output, in cell units.
ARROW_ROOM = 1.3
#: Room right of the input for the label of a dropped row, in cell units.
DROPPED_ROOM = 1.0
#: Radius of the ring around a window's maximum, in cell units.
RING = 0.36
#: Distance between two written lines, in cell units.
LINE = 0.6
#: How far a window's frame lies inside its cells, so touching windows stay apart.
INSET = 0.07
#: The panels as parts (``--part``): a 4:3 slide holds one with 12 pt text, not both.
PARTS = ("max", "average")
#: Each part's panel kind (the gids' prefix).
_KINDS = {"max": "max", "average": "avg"}


@dataclass(frozen=True)
class PoolExample:
    image: np.ndarray  # (H, W) small integers
    kernel: int
    stride: int


def pooling_example(
    *, height: int = 4, width: int = 4, kernel: int = 2, stride: int = 2, seed: int = 6
) -> PoolExample:
    """A ``height`` x ``width`` input of small integers from ``seed``, pooled by windows of
    ``kernel`` x ``kernel`` with ``stride`` (the default: 4x4, window 2, stride 2).

    Windows may not overlap (``stride >= kernel``): each is framed once on one grid.
    """
    for name, value in (
        ("height", height),
        ("width", width),
        ("kernel", kernel),
        ("stride", stride),
    ):
        layers.check_positive_int(name, value)
    layers.check_int("seed", seed)
    for name, value in (("height", height), ("width", width)):
        if value > MAX_SIDE:
            raise ValueError(
                f"{FIGURE_ID} draws the input cell by cell: {name} must be at most "
                f"{MAX_SIDE}, got {value}."
            )
    if kernel > MAX_KERNEL:
        raise ValueError(
            f"{FIGURE_ID} writes out every window: kernel must be at most {MAX_KERNEL}, "
            f"got {kernel}."
        )
    if stride < kernel:
        raise ValueError(
            f"{FIGURE_ID} frames every window once on one grid, so windows may not overlap: "
            f"stride must be at least kernel ({kernel}), got {stride}."
        )
    if kernel > min(height, width):
        raise ValueError(
            f"kernel must fit in the input (at most {min(height, width)}), got {kernel}."
        )
    windows = ((height - kernel) // stride + 1) * ((width - kernel) // stride + 1)
    if windows > MAX_WINDOWS:
        raise ValueError(
            f"{FIGURE_ID} writes one line per window: the input, kernel and stride must "
            f"give at most {MAX_WINDOWS} windows, got {windows} (height {height}, width "
            f"{width}, kernel {kernel}, stride {stride})."
        )
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 10, size=(height, width)).astype(float)
    return PoolExample(image, kernel, stride)


example = pooling_example


@dataclass(frozen=True)
class Window:
    """One pooling window: where it lies, what it covers, what the two poolings give."""

    index: tuple[int, int]  # output row, output column
    rows: tuple[int, ...]  # input rows it covers
    cols: tuple[int, ...]  # input columns it covers
    values: np.ndarray  # (k, k) the numbers under it
    largest: tuple[tuple[int, int], ...]  # input cells holding the maximum (ties: all)
    max: float  # from layers.pool
    mean: float  # from layers.pool


@dataclass(frozen=True)
class PoolingData:
    image: np.ndarray
    kernel: int
    stride: int
    max_out: np.ndarray  # (H_out, W_out)
    avg_out: np.ndarray
    windows: tuple[Window, ...]  # row-major over the output

    @property
    def unused(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(rows, columns) of the input that lie in no window (0-based)."""
        rows = {r for w in self.windows for r in w.rows}
        cols = {c for w in self.windows for c in w.cols}
        height, width = self.image.shape
        return (
            tuple(r for r in range(height) if r not in rows),
            tuple(c for c in range(width) if c not in cols),
        )


def compute(example: PoolExample) -> PoolingData:
    """Both poolings from :func:`layers.pool`, and each window's cells and maximum."""
    x = example.image[np.newaxis]
    k, s = example.kernel, example.stride
    max_out = layers.pool(x, "max", kernel=k, stride=s)[0]
    avg_out = layers.pool(x, "avg", kernel=k, stride=s)[0]
    windows = []
    for i, j in np.ndindex(*max_out.shape):
        rows = tuple(range(i * s, i * s + k))
        cols = tuple(range(j * s, j * s + k))
        values = example.image[np.ix_(rows, cols)]
        if values.max() != max_out[i, j] or not np.isclose(values.mean(), avg_out[i, j]):
            raise RuntimeError(f"window {i, j} disagrees with the pooling layer.")
        largest = tuple(
            (rows[a], cols[b]) for a, b in zip(*np.nonzero(values == max_out[i, j]), strict=True)
        )
        windows.append(
            Window((i, j), rows, cols, values, largest, float(max_out[i, j]), float(avg_out[i, j]))
        )
    return PoolingData(example.image, k, s, max_out, avg_out, tuple(windows))


def steps(data: PoolingData) -> list[Step]:
    """One step per window, read from the average-pooling matrix's rows."""
    matrix = layers.avg_pool_matrix((1, *data.image.shape), data.kernel, data.stride)
    return window_steps(
        matrix,
        data.image.ravel(),
        position_names("y", (1, *data.max_out.shape)),
        {"max": data.max_out.ravel(), "mean": data.avg_out.ravel()},
    )


def parts(data: PoolingData) -> list[str]:
    """Each panel is a part: a 4:3 slide shows one at a time."""
    return list(PARTS)


def render(
    data: PoolingData,
    theme: Theme,
    step: Step | None = None,
    target: targets.Target | None = None,
    part: str | None = None,
) -> Figure:
    """The still figure, or with ``step`` its window's cells and output lit in both panels.

    The panels stand one under the other in the page column, side by side on a slide;
    ``part`` draws one panel alone, under the same sentence.
    """
    fig, ax = _matrix.new_figure(theme)
    kinds = (_KINDS[part],) if part is not None else ("max", "avg")
    beside = part is None and target is not None and target.is_slide
    draw_pooling(ax, data, theme=theme, beside=beside, kinds=kinds)
    if step is not None:
        width = data.image.shape[1]
        out_w = data.max_out.shape[1]
        gids = []
        for kind in kinds:
            gids += [f"{kind}-x-{c // width}-{c % width}-box" for c in step.inputs]
            gids += [f"{kind}-y-{o // out_w}-{o % out_w}-box" for o in step.outputs]
        _matrix.light(ax, gids, theme)
        _matrix.step_heading(fig, ax, step.text, theme)
    return fig


# ----------------------------------------------------------------------------------------
# Words shared by the drawing and the alt text
# ----------------------------------------------------------------------------------------


def _number(value: float) -> str:
    return _matrix.format_number(value)


def _mean_text(value: float) -> str:
    """``= 2.5``, or ``≈ 2.33`` when two decimals do not say it exactly."""
    exact = math.isclose(round(value, 2), value, abs_tol=1e-12)
    return f"{'=' if exact else '≈'} {_number(value)}"


def max_line(window: Window) -> str:
    """``max(3, 1, 0, 4) = 4``."""
    listed = ", ".join(_number(v) for v in window.values.ravel())
    return f"max({listed}) = {_number(window.max)}"


def avg_line(window: Window) -> str:
    """``(3 + 1 + 0 + 4) / 4 = 2``."""
    listed = " + ".join(_number(v) for v in window.values.ravel())
    return f"({listed}) / {window.values.size} {_mean_text(window.mean)}"


def _size(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


# ----------------------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------------------


def draw_pool_panel(
    ax: Axes, x0: float, y0: float, data: PoolingData, kind: str, *, theme: Theme
) -> dict[str, list]:
    """The input with its windows framed, an arrow, the output, then one line per window.

    Gids (``kind`` is ``max`` or ``avg``): ``{kind}-title``, ``{kind}-x-r-c`` (input
    cells, with ``-box``), ``{kind}-window-i-j`` (a window's frame), ``{kind}-y-i-j`` (the
    output cells), ``{kind}-line-n`` (the written line of window ``n``), and for max
    pooling ``max-ring-r-c`` (the ring around a maximum, whose number is also bold).
    """
    height, width = data.image.shape
    out = data.max_out if kind == "max" else data.avg_out
    out_h, out_w = out.shape
    heading = "max pooling" if kind == "max" else "average pooling"
    artists: dict[str, list] = {"windows": [], "rings": [], "lines": []}
    grid_row = y0 + _grid.TITLE_ROOM
    artists["title"] = [
        _grid.title(
            ax,
            x0,
            grid_row - 0.25,
            heading,
            theme=theme,
            gid=f"{kind}-title",
            fontsize=_grid.BASE_FONT_SIZE,
            color=theme.foreground,
        )
    ]
    image = _grid.draw_image(ax, x0, grid_row, data.image, theme=theme, gid=f"{kind}-x")
    artists["input"] = image["texts"]
    texts = {t.get_gid(): t for t in image["texts"]}
    for window in data.windows:
        i, j = window.index
        artists["windows"].append(
            _grid.frame(
                ax,
                x0 + window.cols[0] + INSET,
                grid_row + window.rows[0] + INSET,
                data.kernel - 2 * INSET,
                data.kernel - 2 * INSET,
                colour=theme.kernel,
                gid=f"{kind}-window-{i}-{j}",
                linewidth=3.5,
            )
        )
        if kind == "max":
            for r, c in window.largest:
                texts[f"max-x-{r}-{c}"].set_fontweight("bold")
                ring = Circle(
                    (x0 + c + 0.5, grid_row + r + 0.5),
                    RING,
                    fill=False,
                    edgecolor=text_colour_on(theme.input, theme),
                    linewidth=2.0,
                    zorder=3,
                    gid=f"max-ring-{r}-{c}",
                )
                _grid.place(ax, ring)
                artists["rings"].append(ring)
    # Rows and columns in no window: labelled, since nothing else marks them.
    artists["dropped"] = []
    rows, cols = data.unused
    # One label under each run of dropped columns: one per column would overlap.
    runs: list[list[int]] = []
    for c in cols:
        if runs and runs[-1][-1] == c - 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    for run in runs:
        c = run[0]
        artists["dropped"].append(
            ax.text(
                x0 + (run[0] + run[-1] + 1) / 2,
                grid_row + height + 0.08,
                "dropped",
                ha="center",
                va="top",
                color=theme.muted,
                fontsize=_grid.CORNER_FONT,
                style="italic",
                gid=f"{kind}-dropped-col-{c}",
            )
        )
    for r in rows:
        artists["dropped"].append(
            ax.text(
                x0 + width + 0.08,
                grid_row + r + 0.5,
                "dropped",
                ha="left",
                va="center",
                color=theme.muted,
                fontsize=_grid.CORNER_FONT,
                style="italic",
                gid=f"{kind}-dropped-row-{r}",
            )
        )
    body = max(height, out_h) + (0.3 if cols else 0.0)
    label_room = DROPPED_ROOM if rows else 0.0
    out_col = x0 + width + label_room + ARROW_ROOM
    out_row = grid_row + (height - out_h) / 2
    artists["arrow"] = [
        ax.annotate(
            "",
            xy=(out_col - 0.15, grid_row + height / 2),
            xytext=(x0 + width + label_room + 0.15, grid_row + height / 2),
            arrowprops={"arrowstyle": "-|>", "color": theme.foreground, "linewidth": 1.6},
            gid=f"{kind}-arrow",
        )
    ]
    output = _grid.draw_output(ax, out_col, out_row, out, theme=theme, gid=f"{kind}-y")
    artists["output"] = output["texts"]
    names = []
    for i, j in np.ndindex(out_h, out_w):
        names.append(
            _grid.corner_label(
                ax,
                out_col + j,
                out_row + i,
                _grid.position_name("y", i, j, out.shape),
                theme.output,
                theme=theme,
                gid=f"{kind}-y-{i}-{j}-name",
            )
        )
    artists["names"] = names
    row = grid_row + body + 0.35 + LINE / 2
    for n, window in enumerate(data.windows):
        i, j = window.index
        name = _grid.position_name("y", i, j, out.shape)
        text = max_line(window) if kind == "max" else avg_line(window)
        artists["lines"].append(
            ax.text(
                x0,
                _grid.baseline(row + n * LINE),
                f"{name} = {text}",
                ha="left",
                va="baseline",
                gid=f"{kind}-line-{n}",
            )
        )
    return artists


def _notes(data: PoolingData) -> tuple[str, str]:
    """What each panel means for page 9, with the window's numbers."""
    size = data.kernel * data.kernel
    return (
        "Not a weighted sum: which input counts depends on the values, so max pooling has "
        "no weight matrix.",
        f"A convolution whose {size} weights are all 1/{size}, fixed, never trained: "
        f"average pooling has a weight matrix.",
    )


def panel_width(ax: Axes, data: PoolingData) -> float:
    label_room = DROPPED_ROOM if data.unused[0] else 0.0
    width = data.image.shape[1] + label_room + ARROW_ROOM + data.max_out.shape[1]
    lines = []
    for window in data.windows:
        name = _grid.position_name("y", *window.index, data.max_out.shape)
        lines += [f"{name} = {max_line(window)}", f"{name} = {avg_line(window)}"]
    return max([width, 8.0] + [_grid.text_width(ax, line) for line in lines])


def draw_pooling(
    ax: Axes,
    data: PoolingData,
    *,
    theme: Theme,
    beside: bool = False,
    kinds: tuple[str, ...] = ("max", "avg"),
) -> dict[str, list]:
    """A sentence on the windows, then the max panel and the average panel (or only
    ``kinds``), a note under each: one under the other (the page column has room for
    one), or ``beside``."""
    height = data.image.shape[0]
    out_h = data.max_out.shape[0]
    panel = panel_width(ax, data)
    right = len(kinds) * panel + (len(kinds) - 1) * SPACE if beside else panel
    artists: dict[str, list] = {}
    lines = _grid.wrap(ax, _summary(data), right)
    artists["summary"] = [
        ax.text(0, 0.1, "\n".join(lines), ha="left", va="top", linespacing=1.3, gid="summary")
    ]
    # One panel alone (a part) sits closer under the sentence: a 4:3 slide holds it and
    # a step's text above it with 12 pt text only just.
    y0 = 0.1 + 0.5 * len(lines) + (0.2 if len(kinds) > 1 else 0.0)
    body = max(height, out_h) + (0.3 if data.unused[1] else 0.0)
    notes_at = _grid.TITLE_ROOM + body + 0.35 + LINE * len(data.windows) + 0.2
    artists["notes"] = []
    bottom = y0
    notes = dict(zip(("max", "avg"), _notes(data), strict=True))
    for n, kind in enumerate(kinds):
        note = notes[kind]
        x, y = (n * (panel + SPACE), y0) if beside else (0.0, bottom + (0.4 if n else 0.0))
        artists[kind] = draw_pool_panel(ax, x, y, data, kind, theme=theme)
        wrapped = _grid.wrap(ax, note, panel, _grid.TITLE_FONT)
        artists["notes"].append(
            ax.text(
                x,
                y + notes_at,
                "\n".join(wrapped),
                ha="left",
                va="top",
                color=theme.muted,
                fontsize=_grid.TITLE_FONT,
                linespacing=1.3,
                gid=f"note-{kind}",
            )
        )
        bottom = max(bottom, y + notes_at + 0.47 * len(wrapped))
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
    return artists


def _summary(data: PoolingData) -> str:
    k, s = data.kernel, data.stride
    count = len(data.windows)
    text = (
        f"The same {_size(data.image.shape)} input, cut into {count} windows of {k}x{k} "
        f"(stride {s}): each window gives one output, {_size(data.max_out.shape)} in all."
    )
    rows, cols = data.unused
    if rows or cols:
        parts = []
        if rows:
            parts.append(
                f"row{'s' if len(rows) > 1 else ''} " + ", ".join(str(r + 1) for r in rows)
            )
        if cols:
            parts.append(
                f"column{'s' if len(cols) > 1 else ''} " + ", ".join(str(c + 1) for c in cols)
            )
        text += f" Input {' and '.join(parts)} lie in no window and are dropped."
    return text


# ----------------------------------------------------------------------------------------
# Words
# ----------------------------------------------------------------------------------------


def caption(data: PoolingData) -> str:
    k = data.kernel
    return (
        f"Max and average pooling of the same {_size(data.image.shape)} input with "
        f"{k}x{k} windows, stride {data.stride}: max pooling keeps each window's largest "
        f"number (ringed and bold), average pooling its mean, a convolution with fixed "
        f"weights 1/{k * k}."
    )


def alt_text(data: PoolingData) -> str:
    windows = "; ".join(
        f"Window {_grid.position_name('y', *w.index, data.max_out.shape)} covers rows "
        f"{w.rows[0] + 1} to {w.rows[-1] + 1} and columns {w.cols[0] + 1} to {w.cols[-1] + 1}: "
        f"{max_line(w)} and {avg_line(w)}"
        for w in data.windows
    )
    return (
        f"Two copies of a {_size(data.image.shape)} input with the rows "
        f"{_grid.grid_text(data.image)}, each cut into {len(data.windows)} framed windows of "
        f"{data.kernel}x{data.kernel} (stride {data.stride}). On the left, max pooling rings "
        f"the largest number of each window and gives the output rows "
        f"{_grid.grid_text(data.max_out)}; on the right, average pooling gives the rows "
        f"{_grid.grid_text(data.avg_out)}. {windows}. {_summary(data)} {' '.join(_notes(data))}"
    )
