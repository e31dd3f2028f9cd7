"""``avgpool-matrix``: average pooling is a convolution with fixed weights, so it has a matrix.

Each row of the matrix is one pooling window: ``1/k²`` at the inputs of the window, zero
elsewhere. Nothing in it is trained: the entries are outlined, not coloured like weights.
Max pooling of the same windows has no such matrix: it picks one input per window, and
which one depends on the values, so it is not linear. The figure names the inputs it picks.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from matplotlib.figure import Figure

from diagram_gen import layers
from diagram_gen.figures import _blocks, _matrix
from diagram_gen.style import Theme

FIGURE_ID = "avgpool-matrix"
TITLE = "Average pooling as a fixed weight matrix"

#: Inches per cell when labelled, and points of every text but the symbols: 16 columns
#: and y are 8 in wide, shown in the 7.2 in page column with 10 pt text at 9 pt.
LABELLED_INCHES = 0.4
TEXT_FONT = 11
#: The averages (5.25) are the widest numbers in a cell.
AVERAGE_FONT = 10


@dataclass(frozen=True)
class PoolExample:
    image: np.ndarray  # (C, H, W)
    kernel: int
    stride: int
    padding: int

    @property
    def pool_kwargs(self) -> dict[str, int]:
        return {"kernel": self.kernel, "stride": self.stride, "padding": self.padding}


def example(
    *,
    height: int = 4,
    width: int = 4,
    kernel: int = 2,
    stride: int = 2,
    padding: int = 0,
    channels: int = 1,
    seed: int = 6,
) -> PoolExample:
    """A 4x4 image of small integers from ``seed``, pooled 2x2 with stride 2.

    The default is the input of the ``pooling`` figure (the same draw from the same seed),
    so the page's two figures pool one image, and no window of it holds its maximum twice:
    the input max pooling picks is unambiguous.
    """
    for name, value in (("height", height), ("width", width), ("channels", channels)):
        layers.check_positive_int(name, value)
    layers.check_int("seed", seed)
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 10, size=(channels, height, width)).astype(float)
    pooled = PoolExample(image, kernel, stride, padding)
    layers.pool(image, "avg", **pooled.pool_kwargs)  # let the layer math refuse bad sizes
    return pooled


@dataclass(frozen=True)
class PoolMatrix:
    example: PoolExample
    matrix: np.ndarray  # (R, C): 1/k² in each window, 0 elsewhere
    x: np.ndarray  # (C,)
    y: np.ndarray  # (R,) average pooling, computed by layers.pool
    y_max: np.ndarray  # (R,) max pooling of the same windows
    picked: np.ndarray  # (R,) the column max pooling takes in each row (first on a tie)

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def weight_text(self) -> str:
        """The fixed weight as a fraction, read from the matrix: ``1/4``."""
        return fraction(self.matrix[self.matrix > 0][0])

    @property
    def window(self) -> int:
        return self.example.kernel**2


def fraction(value: float) -> str:
    """``0.25`` -> ``1/4``."""
    exact = Fraction(float(value)).limit_denominator(10_000)
    return str(exact.numerator) if exact.denominator == 1 else f"{exact}"


def compute(example: PoolExample) -> PoolMatrix:
    """The pooling matrix, both poolings of the image and the inputs max pooling picks."""
    kwargs = example.pool_kwargs
    matrix = layers.avg_pool_matrix(example.image.shape, **kwargs)
    x = example.image.ravel()
    y_max = layers.pool(example.image, "max", **kwargs).ravel()
    picked = []
    for row, best in zip(matrix, y_max, strict=True):
        window = np.flatnonzero(row)
        picked.append(window[np.flatnonzero(x[window] == best)[0]])
    return PoolMatrix(
        example=example,
        matrix=matrix,
        x=x,
        y=layers.pool(example.image, "avg", **kwargs).ravel(),
        y_max=y_max,
        picked=np.array(picked),
    )


def render(data: PoolMatrix, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_pool_matrix(ax, data, theme=theme)
    return fig


def draw_pool_matrix(ax, data: PoolMatrix, *, theme: Theme) -> dict[str, list]:
    """x above P, = y beside it, and a note on max pooling below."""
    if not _matrix.is_labelled(data.shape):
        return _draw_image(ax, data, theme=theme)
    rows, cols = data.shape
    fixed = data.matrix > 0
    fills = np.where(fixed, theme.background, theme.zero).astype(object)
    texts = np.array(
        [[fraction(v) if v > 0 else "0" for v in row] for row in data.matrix], dtype=object
    )
    artists: dict[str, list] = {}
    artists["cells"] = _blocks.draw_cell_grid(
        ax, fills, texts, theme=theme, lefts=list(range(cols)), tops=list(range(rows)),
        dashed=~fixed, prefix="m", fontsize=TEXT_FONT,
    )  # fmt: skip
    # A solid outline on top of every fixed weight: a weight, but not a trainable one.
    artists["outlines"] = [
        _blocks.outline(ax, j + 0.08, i + 0.08, 0.84, 0.84, theme=theme, gid=f"m-{i}-{j}-fixed",
                        linewidth=1.5)
        for i, j in zip(*np.nonzero(fixed), strict=True)
    ]  # fmt: skip
    x_names = _blocks.position_names("x", data.example.image.shape)
    out_shape = (data.example.image.shape[0], *_out_spatial(data))
    y_names = _blocks.position_names("y", out_shape)
    artists["x"] = _blocks.draw_vector(
        ax, data.x, theme=theme, fill=theme.input, positions=list(range(cols)), across=-1.4,
        vertical=False, prefix="x", fontsize=TEXT_FONT,
    )  # fmt: skip
    for j, name in enumerate(x_names):
        _blocks.text(ax, j + 0.5, -1.75, name, theme=theme, gid=f"x-name-{j}",
                     color=theme.muted, fontsize=TEXT_FONT)  # fmt: skip
    for symbol, y in (("x", -0.9), ("P", rows / 2)):
        _blocks.text(ax, -0.3, y, symbol, theme=theme, gid=f"{symbol}-symbol", ha="right",
                     fontsize=15, style="italic")  # fmt: skip
    y_left = cols + 0.7
    for i in range(rows):
        _blocks.text(ax, cols + 0.35, i + 0.5, "=", theme=theme, gid=f"equals-{i}")
        _blocks.text(ax, y_left + 1.2, i + 0.5, y_names[i], theme=theme, gid=f"y-name-{i}",
                     ha="left", color=theme.muted, fontsize=TEXT_FONT)  # fmt: skip
    artists["y"] = _blocks.draw_vector(
        ax, data.y, theme=theme, fill=theme.output, positions=list(range(rows)),
        across=y_left, vertical=True, prefix="y", fontsize=AVERAGE_FONT,
    )  # fmt: skip
    _blocks.text(ax, y_left + 0.5, -0.4, "y", theme=theme, gid="y-symbol", fontsize=15,
                 style="italic")  # fmt: skip
    artists["note"] = [
        _blocks.text(ax, -1.0, rows + 0.6, _note(data, x_names), theme=theme, gid="note",
                     ha="left", va="top", fontsize=TEXT_FONT, linespacing=1.4)
    ]  # fmt: skip
    _blocks.fit(ax, (-1.0, y_left + 2.0), (-2.3, rows + 2.9), LABELLED_INCHES)
    return artists


def _out_spatial(data: PoolMatrix) -> tuple[int, ...]:
    ex = data.example
    return tuple((n + 2 * ex.padding - ex.kernel) // ex.stride + 1 for n in ex.image.shape[1:])


def _picked_words(data: PoolMatrix, x_names: list[str], limit: int = 6) -> str:
    words = [f"{x_names[c]} = {_matrix.format_number(data.x[c])}" for c in data.picked[:limit]]
    return ", ".join(words) + (", …" if data.picked.size > limit else "")


def _note(data: PoolMatrix, x_names: list[str]) -> str:
    look = "outlined" if _matrix.is_labelled(data.shape) else "the bands"
    return (
        f"Fixed weights {data.weight_text} ({look}, never trained) and untrainable zeros "
        f"(grey):\nP x averages each window.\n"
        f"Max pooling has no such matrix: here it picks {_picked_words(data, x_names)};\n"
        f"with other values it picks other inputs, so it is not linear."
    )


def _draw_image(ax, data: PoolMatrix, *, theme: Theme) -> dict[str, list]:
    """Too large to label: one pixel per entry, the fixed weights dark, zeros grey."""
    rows, cols = data.shape
    inches = _matrix.IMAGE_INCHES / max(rows, cols)
    unit = _matrix.CELL_INCHES / inches
    categories = (data.matrix > 0).astype(int)
    artists = {"image": _blocks.draw_image(ax, categories, (theme.zero, theme.muted),
                                           theme=theme)}  # fmt: skip
    artists["labels"] = [
        _blocks.text(ax, cols / 2, -0.4 * unit,
                     f"{rows} rows (one per window) × {cols} columns (one per input)",
                     theme=theme, gid="col-label", va="bottom"),
    ]  # fmt: skip
    x_names = _blocks.position_names("x", data.example.image.shape)
    artists["note"] = [
        _blocks.text(ax, -1.6 * unit, rows + 0.8 * unit, _note(data, x_names), theme=theme,
                     gid="note", ha="left", va="top", linespacing=1.4)
    ]  # fmt: skip
    right = max(cols + 0.3 * unit, 20 * unit)
    _blocks.fit(ax, (-1.8 * unit, right), (-1.4 * unit, rows + 2.6 * unit), inches)
    return artists


def _sizes(data: PoolMatrix) -> str:
    ex = data.example
    channels, *spatial = ex.image.shape
    size = "x".join(str(s) for s in spatial)
    image = size if channels == 1 else f"{channels}-channel {size}"
    return f"{image} input, {ex.kernel}x{ex.kernel} windows with stride {ex.stride}"


def caption(data: PoolMatrix) -> str:
    rows, cols = data.shape
    return (
        f"Average pooling ({_sizes(data)}) as a {rows} by {cols} matrix: each row holds the "
        f"fixed weight {data.weight_text} at the {data.window} inputs of one window, so "
        f"average pooling is a convolution whose weights are never trained. Max pooling has "
        f"no such matrix: it is not linear, because the input it picks depends on the values."
    )


def alt_text(data: PoolMatrix) -> str:
    rows, cols = data.shape
    fixed = int((data.matrix > 0).sum())
    x_names = _blocks.position_names("x", data.example.image.shape)
    text = (
        f"{_blocks.a_or_an(rows).capitalize()} {rows} by {cols} matrix P for average "
        f"pooling of a {_sizes(data)}. {fixed} "
        f"entries hold the fixed weight {data.weight_text}, outlined and not trained; the "
        f"other {rows * cols - fixed} are zeros drawn grey. "
    )
    if not _matrix.is_labelled(data.shape):
        text += (
            "It is too large to label, drawn as an image: one pixel per entry, dark for "
            f"{data.weight_text}, grey for zero. "
        )
    else:
        text += (
            f"Above the columns is the input x = ({_blocks.join(data.x, 100)}); P x gives the "
            f"window averages y = ({_blocks.join(data.y, 100)}). "
        )
    return text + (
        f"Max pooling of the same windows gives ({_blocks.join(data.y_max, 100)}), picking "
        f"{_picked_words(data, x_names, 100)}: which input it picks depends on the values, "
        f"so max pooling is not linear and has no matrix."
    )
