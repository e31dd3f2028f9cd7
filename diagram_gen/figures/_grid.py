"""Grids of numbered cells: an image, a kernel, an output, and the kernel sliding over them.

Shared by the sliding-window, equation and zero-padding figures, and for their cells,
chips, frames and text measurement by the stride-dilation, transposed-upsample, pooling
and receptive-field figures. Two halves, kept apart:

- :func:`slide` is pure computation: every placement of a single-channel kernel over its
  (padded) image, the numbers under it and the result. The results come from
  :func:`diagram_gen.layers.conv`; the windows are cross-checked against
  :func:`diagram_gen.layers.conv_matrix_index`, so these figures and the matrix figure can
  never disagree about which input meets which weight.
- The ``draw_*`` functions draw grids, sums and placement panels on an axes whose unit is
  one cell (:data:`diagram_gen.figures._matrix.CELL_INCHES`), rows going down, and return
  the artists they made.

Nothing depends on colour alone: every cell carries its number, weights carry their name
next to their colour, padding zeros are written ``0`` with a dashed outline, and the patch
under the kernel gets a thick frame and weight names in its corners.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from diagram_gen import layers, linked
from diagram_gen.examples import ConvLayer, subscript
from diagram_gen.figures import _matrix
from diagram_gen.figures._matrix import cell, format_number
from diagram_gen.style import BASE_FONT_SIZE, Theme, text_colour_on

#: Largest side of the (padded) image a sliding-window figure draws; past it the panels
#: would no longer fit a slide at a legible size.
MAX_SIDE = 7
#: Largest kernel side: every product is written out, one line per kernel row.
MAX_KERNEL = 5
#: Largest weight matrix (entries) built to cross-check the windows against.
MAX_CHECKED_ENTRIES = 250_000
#: Font sizes, in points. Nothing is under 11 pt: a figure up to 9.5 in wide keeps its
#: text at 11 CSS px in the 7.17 in page column, and a slide scales it by at most 12/11.
TITLE_FONT = 12
CORNER_FONT = 11
NAME_FONT = 11
#: Height of one line of a sum or an equation, in cell units.
LINE = 0.72
#: Width of the gap between two tokens of a sum, in cell units.
GAP = 0.1
#: Gap between the tokens of one slot (``2`` and ``·3``), in cell units.
JOIN_GAP = 0.03
#: Padding left and right of the text in a chip, in cell units.
CHIP_PAD = 0.1
#: Height of a chip, in cell units.
CHIP_HEIGHT = 0.52


# ----------------------------------------------------------------------------------------
# Computation
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """One position of the kernel: where it lies, what it covers, what it gives."""

    index: tuple[int, int]  # output row, output column
    rows: tuple[int, ...]  # padded-grid row of each kernel row
    cols: tuple[int, ...]  # padded-grid column of each kernel column
    values: np.ndarray  # (kh, kw) the numbers under the kernel, 0 on the padding
    inside: np.ndarray  # (kh, kw) bool: the tap lies on the image, not on the padding
    result: float  # the output at ``index``, bias included, from layers.conv


@dataclass(frozen=True)
class Sliding:
    """A single-channel convolution as a kernel sliding over a (zero-padded) image."""

    image: np.ndarray  # (H, W)
    padded: np.ndarray  # (H + top + bottom, W + left + right)
    pad: tuple[int, int, int, int]  # zeros added at the top, left, bottom, right
    kernel: np.ndarray  # (kh, kw)
    names: tuple[str, ...]  # one per kernel weight, row by row
    bias: float
    output: np.ndarray  # (H_out, W_out)
    stride: tuple[int, int]
    dilation: tuple[int, int]
    placements: tuple[Placement, ...]  # row by row over the output
    example: ConvLayer | None = None  # the layer, for its weight-matrix index

    @property
    def is_padding(self) -> np.ndarray:
        """(H_pad, W_pad) bool: True on the ring of zeros around the image."""
        top, left, _, _ = self.pad
        mask = np.ones(self.padded.shape, dtype=bool)
        mask[top : top + self.image.shape[0], left : left + self.image.shape[1]] = False
        return mask

    @property
    def padding_text(self) -> str:
        """``no padding``, ``zero padding of 1 on every side`` or one number per side."""
        if not any(self.pad):
            return "no padding"
        if len(set(self.pad)) == 1:
            return f"zero padding of {self.pad[0]} on every side"
        top, left, bottom, right = self.pad
        return f"zero padding (top {top}, left {left}, bottom {bottom}, right {right})"


@dataclass(frozen=True)
class Shown:
    """A sliding kernel and the placements a figure draws of it."""

    sliding: Sliding
    shown: tuple[int, ...]  # row-major numbers of the placements drawn

    @property
    def count(self) -> int:
        """How many placements there are in all."""
        return len(self.sliding.placements)


def _pair(value: object) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def padding_sides(
    padding: object, kernel: tuple[int, int], dilation: tuple[int, int]
) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) zeros for a padding argument of :func:`layers.conv`.

    ``"same"`` pads ``dilation * (k - 1)`` in all, half before (rounded down) and the rest
    after, as :func:`layers.conv` (and PyTorch) does.
    """
    if padding == "valid":
        return 0, 0, 0, 0
    if padding == "same":
        total = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        top, left = total[0] // 2, total[1] // 2
        return top, left, total[0] - top, total[1] - left
    rows, cols = _pair(padding)
    return rows, cols, rows, cols


def check_drawable(example: ConvLayer, figure_id: str, *, max_side: int | None = MAX_SIDE) -> None:
    """Refuse, in one sentence, a layer these grid figures cannot draw.

    ``max_side`` limits the padded image (None: any size, for figures that do not draw
    the image cell by cell).
    """
    out_channels, in_channels = example.kernel.shape[:2]
    for name, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value != 1:
            raise ValueError(
                f"{figure_id} draws a single-channel convolution: {name} must be 1, got {value}."
            )
    if example.image.ndim != 3:
        raise ValueError(
            f"{figure_id} draws a 2D image: the image must have 2 spatial dimensions, "
            f"got {example.image.ndim - 1}."
        )
    kh, kw = example.kernel.shape[-2:]
    if max(kh, kw) > MAX_KERNEL:
        raise ValueError(
            f"{figure_id} writes out every product of the kernel: kernel must be at most "
            f"{MAX_KERNEL}, got {max(kh, kw)}."
        )
    if max_side is None:
        return
    dilation = _pair(example.dilation)
    top, left, bottom, right = padding_sides(example.padding, (kh, kw), dilation)
    height, width = example.image.shape[1:]
    for name, size, padded in (
        ("height", height, height + top + bottom),
        ("width", width, width + left + right),
    ):
        if padded > max_side:
            raise ValueError(
                f"{figure_id} draws at most {max_side} cells a side: {name} plus padding "
                f"must be at most {max_side}, got {size} plus {padded - size}."
            )


def slide(example: ConvLayer, *, figure_id: str, max_side: int | None = MAX_SIDE) -> Sliding:
    """Every placement of the example's kernel, with the numbers under it and its result.

    Raises
    ------
    ValueError
        For a layer the grid figures cannot draw (several channels, a large image).
    RuntimeError
        If a window disagrees with :func:`layers.conv` or :func:`layers.conv_matrix_index`
        (a bug, never a reader's mistake). The matrix is only consulted while it is small
        (:data:`MAX_CHECKED_ENTRIES`); the sums are always checked.
    """
    check_drawable(example, figure_id, max_side=max_side)
    image = example.image[0]
    kernel = example.kernel[0, 0]
    kh, kw = kernel.shape
    stride, dilation = _pair(example.stride), _pair(example.dilation)
    pad = padding_sides(example.padding, (kh, kw), dilation)
    top, left, bottom, right = pad
    padded = np.pad(image, ((top, bottom), (left, right)))
    output = example.output()[0]
    bias = float(example.bias[0])
    height, width = image.shape
    index = None
    if output.size * image.size <= MAX_CHECKED_ENTRIES:
        index = layers.conv_matrix_index(
            example.kernel.shape, example.image.shape, **example.layer_kwargs
        )
    placements = []
    for i, j in np.ndindex(*output.shape):
        rows = tuple(i * stride[0] + a * dilation[0] for a in range(kh))
        cols = tuple(j * stride[1] + b * dilation[1] for b in range(kw))
        values = padded[np.ix_(rows, cols)]
        image_rows = np.array(rows) - top
        image_cols = np.array(cols) - left
        inside = ((image_rows >= 0) & (image_rows < height))[:, None] & (
            (image_cols >= 0) & (image_cols < width)
        )[None, :]
        result = float(output[i, j])
        if not np.isclose((values * kernel).sum() + bias, result):
            raise RuntimeError(f"window {i, j} does not add up to the layer's output {result}.")
        if index is not None:
            # This output's matrix row holds weight a*kw+b exactly at the covered pixels.
            expected_row = np.full(height * width, -1)
            for a, b in zip(*np.nonzero(inside), strict=True):
                expected_row[image_rows[a] * width + image_cols[b]] = a * kw + b
            if not np.array_equal(index[i * output.shape[1] + j], expected_row):
                raise RuntimeError(f"window {i, j} disagrees with the convolution's matrix.")
        placements.append(Placement((i, j), rows, cols, values, inside, result))
    return Sliding(
        image=image,
        padded=padded,
        pad=pad,
        kernel=kernel,
        names=tuple(example.weight_names),
        bias=bias,
        output=output,
        stride=stride,
        dilation=dilation,
        placements=tuple(placements),
        example=example,
    )


def chosen_placements(shape: tuple[int, int], limit: int) -> tuple[int, ...]:
    """Which placements (row-major numbers) to draw when there is room for ``limit``.

    All of them when they fit; otherwise the first two of the first row (to show the
    step), the first of the second row (to show the jump to the next row) and the last.
    """
    rows, cols = shape
    count = rows * cols
    if count <= limit:
        return tuple(range(count))
    picks = [0, 1 if cols > 1 else None, cols if rows > 1 else None, count - 1]
    chosen = sorted({p for p in picks if p is not None})
    return tuple(chosen[:limit])


def position_name(symbol: str, row: int, col: int, shape: tuple[int, int]) -> str:
    """``x₁₂`` for row 0, column 1 (0-based); ``x₁,₁₀`` once an index has two digits."""
    if max(shape) > 9:
        return f"{symbol}{subscript(row + 1)},{subscript(col + 1)}"
    return f"{symbol}{subscript(row + 1)}{subscript(col + 1)}"


def plain_number(value: float) -> str:
    """A number as a factor in a written sum: negatives in parentheses, ``(−1)``."""
    text = format_number(value)
    return f"({text})" if value < 0 else text


def sum_text(placement: Placement, kernel: np.ndarray, bias: float) -> str:
    """``2·3 + (−1)·1 + 1·0 + 3·4 + 1 = 18``: the weights times what they cover."""
    terms = [
        f"{plain_number(w)}·{plain_number(x)}"
        for w, x in zip(kernel.ravel(), placement.values.ravel(), strict=True)
    ]
    return " + ".join([*terms, plain_number(bias)]) + f" = {format_number(placement.result)}"


def grid_text(values: np.ndarray) -> str:
    """Rows of a grid for alt text: ``3 1 2; 0 4 1; 2 1 0``."""
    return "; ".join(" ".join(format_number(v) for v in row) for row in values)


# ----------------------------------------------------------------------------------------
# Drawing: cells and grids
# ----------------------------------------------------------------------------------------


def place(ax: Axes, artist: Artist) -> Artist:
    """Add a patch or a line to ``ax`` without updating its data limits.

    Grid figures set their limits themselves (:func:`diagram_gen.figures._matrix.fit`),
    and ``add_patch`` recomputing the limits for each of hundreds of cells is most of
    the drawing time. Returns ``artist``.
    """
    return ax.add_artist(artist)


def title(ax: Axes, x: float, y: float, text: str, *, theme: Theme, gid: str, **kwargs) -> Text:
    """A label over a grid, muted, at the bottom-left of ``(x, y)`` by default."""
    options = {"ha": "left", "va": "baseline", "fontsize": TITLE_FONT, "color": theme.muted}
    options.update(kwargs)
    return ax.text(x, y, text, gid=gid, **options)


def corner_label(
    ax: Axes, col: float, row: float, text: str, fill: str, *, theme: Theme, gid: str
) -> Text:
    """A small name in the top-left corner of the cell at ``(col, row)``."""
    return ax.text(
        col + 0.07,
        row + 0.06,
        text,
        ha="left",
        va="top",
        fontsize=CORNER_FONT,
        color=text_colour_on(fill, theme),
        gid=gid,
    )


def draw_image(
    ax: Axes,
    col0: float,
    row0: float,
    values: np.ndarray,
    *,
    theme: Theme,
    gid: str,
    padding: np.ndarray | None = None,
    names: np.ndarray | None = None,
) -> dict[str, list]:
    """An image as a grid of numbered cells; padding cells grey, ``0``, dashed.

    Cell ``(r, c)`` gets the gids ``{gid}-r-c`` (its number) and ``{gid}-r-c-box``.
    ``names`` (same shape) writes a small name in each cell's corner.
    """
    artists: dict[str, list] = {"boxes": [], "texts": [], "names": []}
    padding = np.zeros(values.shape, bool) if padding is None else padding
    for (r, c), value in np.ndenumerate(values):
        if padding[r, c]:
            box, text = cell(
                ax,
                col0 + c,
                row0 + r,
                theme.zero,
                "0",
                theme,
                gid=f"{gid}-{r}-{c}",
                text_colour=theme.zero_text,
                dashed=True,
                edge=theme.zero_text,
            )
            box.set_linewidth(1.0)
        else:
            box, text = cell(
                ax,
                col0 + c,
                row0 + r,
                theme.input,
                format_number(value),
                theme,
                gid=f"{gid}-{r}-{c}",
            )
        artists["boxes"].append(box)
        artists["texts"].append(text)
        if names is not None:
            fill = theme.zero if padding[r, c] else theme.input
            artists["names"].append(
                corner_label(
                    ax,
                    col0 + c,
                    row0 + r,
                    names[r, c],
                    fill,
                    theme=theme,
                    gid=f"{gid}-{r}-{c}-name",
                )
            )
    return artists


def draw_kernel(
    ax: Axes,
    col0: float,
    row0: float,
    kernel: np.ndarray,
    names: Sequence[str],
    *,
    theme: Theme,
    gid: str = "kernel",
) -> dict[str, list]:
    """The kernel: each weight in its own colour, with its name above its value.

    Cell ``(a, b)`` has the gid ``{gid}-a-b`` and its text is ``name\\nvalue``.
    """
    artists: dict[str, list] = {"boxes": [], "texts": []}
    kw = kernel.shape[1]
    for (a, b), value in np.ndenumerate(kernel):
        k = a * kw + b
        box, text = cell(
            ax,
            col0 + b,
            row0 + a,
            theme.weight_identity(k).colour,
            f"{names[k]}\n{format_number(value)}",
            theme,
            gid=f"{gid}-{a}-{b}",
            fontsize=NAME_FONT,
            hatch=theme.weight_identity(k).hatch,
        )
        artists["boxes"].append(box)
        artists["texts"].append(text)
    artists["frame"] = [
        frame(
            ax,
            col0,
            row0,
            kernel.shape[1],
            kernel.shape[0],
            colour=theme.kernel,
            gid=f"{gid}-frame",
        )
    ]
    return artists


def draw_bias(
    ax: Axes, col: float, row: float, bias: float, *, theme: Theme, gid: str = "bias"
) -> Text:
    """The bias as an outlined cell (a fill colour would read as one of the weights)."""
    return cell(
        ax,
        col,
        row,
        theme.background,
        format_number(bias),
        theme,
        gid=gid,
        edge=theme.foreground,
        text_colour=theme.foreground,
    )[1]


def draw_output(
    ax: Axes,
    col0: float,
    row0: float,
    output: np.ndarray,
    *,
    theme: Theme,
    gid: str,
    only: tuple[int, int] | None = None,
) -> dict[str, list]:
    """The output grid; with ``only``, just that cell is filled and numbered.

    The filled cells have the gid ``{gid}-i-j``; with ``only`` that one cell has the gid
    ``{gid}`` and also gets the kernel's frame, linking it to the patch that made it.
    """
    artists: dict[str, list] = {"boxes": [], "texts": []}
    for (i, j), value in np.ndenumerate(output):
        if only is None or only == (i, j):
            cell_gid = gid if only is not None else f"{gid}-{i}-{j}"
            box, text = cell(
                ax, col0 + j, row0 + i, theme.output, format_number(value), theme, gid=cell_gid
            )
            artists["texts"].append(text)
        else:
            box = Rectangle(
                (col0 + j, row0 + i),
                1,
                1,
                facecolor=theme.background,
                edgecolor=theme.muted,
                linewidth=0.8,
                gid=f"{gid}-empty-{i}-{j}",
            )
            ax.add_patch(box)
        artists["boxes"].append(box)
    if only is not None:
        artists["frame"] = [
            frame(ax, col0 + only[1], row0 + only[0], 1, 1, colour=theme.kernel, gid=f"{gid}-frame")
        ]
    return artists


def draw_kernel_bias_output(
    ax: Axes,
    col: float,
    top: float,
    sliding: Sliding,
    artists: dict[str, list],
    *,
    space: float,
    theme: Theme,
) -> float:
    """The pieces that follow the image in a first row: kernel, bias b and output y.

    Each is drawn from ``top`` under its title, the first at ``col`` and each next one
    ``space`` cells past the wider of the previous piece and its title. The texts go to
    ``artists`` under ``kernel``, ``bias`` and ``output``, the titles to its ``titles``.
    Returns the right edge of the last piece or its title.
    """
    s = sliding
    kw = s.kernel.shape[1]
    out_w = s.output.shape[1]
    artists["titles"].append(title(ax, col, top - 0.25, "kernel", theme=theme, gid="title-kernel"))
    artists["kernel"] = draw_kernel(ax, col, top, s.kernel, s.names, theme=theme)["texts"]
    col += max(kw, text_width(ax, "kernel", TITLE_FONT)) + space
    artists["titles"].append(title(ax, col, top - 0.25, "bias b", theme=theme, gid="title-bias"))
    artists["bias"] = [draw_bias(ax, col, top, s.bias, theme=theme)]
    col += max(1, text_width(ax, "bias b", TITLE_FONT)) + space
    artists["titles"].append(
        title(ax, col, top - 0.25, "output y", theme=theme, gid="title-output")
    )
    artists["output"] = draw_output(ax, col, top, s.output, theme=theme, gid="output")["texts"]
    return col + max(out_w, text_width(ax, "output y", TITLE_FONT))


def frame(
    ax: Axes,
    col: float,
    row: float,
    width: float,
    height: float,
    *,
    colour: str,
    gid: str,
    linewidth: float = 4.0,
) -> Rectangle:
    """A thick unfilled outline drawn over the cells it surrounds."""
    rect = Rectangle(
        (col, row),
        width,
        height,
        fill=False,
        edgecolor=colour,
        linewidth=linewidth,
        joinstyle="miter",
        zorder=3,
        gid=gid,
    )
    ax.add_patch(rect)
    return rect


# ----------------------------------------------------------------------------------------
# Drawing: sums and equations, token by token, in aligned columns
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One piece of a written sum.

    ``kind`` is ``text`` (plain), ``muted`` (a padding zero), ``weight`` (a chip in the
    colour of weight number ``weight``), ``bias`` (an outlined chip) or ``output`` (a chip
    in the output colour).
    """

    text: str
    kind: str = "text"
    weight: int = -1

    @property
    def is_chip(self) -> bool:
        return self.kind in ("weight", "bias", "output")


@dataclass(frozen=True)
class Slot:
    """A few tokens drawn together, aligned in their column of a table of rows.

    Rows drawn together by :func:`draw_rows` share their column widths, so slot ``c`` of
    every row lines up: each weight under the same weight, each ``+`` under a ``+``.
    ``tight`` slots sit close to the column before them (``·3`` after the weight ``2``).
    """

    tokens: tuple[Token, ...] = ()
    align: str = "center"  # left, center or right in the column
    tight: bool = False


def slot(*texts: str | Token, align: str = "center", tight: bool = False) -> Slot:
    """A slot of plain texts or tokens: ``slot("+")``, ``slot(Token("2", "weight", 0))``."""
    tokens = tuple(t if isinstance(t, Token) else Token(t) for t in texts)
    return Slot(tokens, align, tight)


#: Measured text widths in inches, by (text, font size, dpi, font family): figures measure
#: the same labels many times while laying out, and each measurement lays the text out anew.
_WIDTHS: dict[tuple[str, float, float, tuple[str, ...]], float] = {}
_MAX_WIDTHS = 20_000


def text_width(ax: Axes, text: str, fontsize: float = BASE_FONT_SIZE) -> float:
    """Width of ``text`` in cell units, measured with the figure's renderer (memoised)."""
    fig = ax.figure
    family = mpl.rcParams["font.family"]
    key = (text, float(fontsize), float(fig.dpi), tuple(family))
    inches = _WIDTHS.get(key)
    if inches is None:
        renderer = fig.canvas.get_renderer()
        width, _, _ = renderer.get_text_width_height_descent(
            text, FontProperties(size=fontsize), ismath=False
        )
        if len(_WIDTHS) >= _MAX_WIDTHS:
            _WIDTHS.clear()
        inches = _WIDTHS[key] = width / fig.dpi
    return inches / _matrix.CELL_INCHES


def token_width(ax: Axes, token: Token) -> float:
    width = text_width(ax, token.text)
    return width + 2 * CHIP_PAD if token.is_chip else width


def slot_width(ax: Axes, item: Slot) -> float:
    return sum(token_width(ax, t) for t in item.tokens) + JOIN_GAP * max(len(item.tokens) - 1, 0)


@dataclass(frozen=True)
class Columns:
    """Widths of the columns of a table of rows, and the gap before each column."""

    widths: tuple[float, ...]
    gaps: tuple[float, ...]  # gaps[0] is 0

    @property
    def width(self) -> float:
        return sum(self.widths) + sum(self.gaps)

    def left(self, c: int) -> float:
        return sum(self.widths[:c]) + sum(self.gaps[: c + 1])


def columns(ax: Axes, rows: Sequence[Sequence[Slot]]) -> Columns:
    """The columns of ``rows``: each as wide as its widest slot."""
    widths: list[float] = []
    tight: list[bool] = []
    for row in rows:
        for c, item in enumerate(row):
            if c == len(widths):
                widths.append(0.0)
                tight.append(False)
            widths[c] = max(widths[c], slot_width(ax, item))
            tight[c] = tight[c] or item.tight
    gaps = [0.0] + [JOIN_GAP if t else GAP for t in tight[1:]]
    return Columns(tuple(widths), tuple(gaps))


def baseline(y: float) -> float:
    """The baseline that centres capitals and digits on the line at ``y``."""
    em = BASE_FONT_SIZE / 72 / _matrix.CELL_INCHES
    return y + 0.36 * em


def draw_token(
    ax: Axes,
    x: float,
    y: float,
    token: Token,
    *,
    theme: Theme,
    gid: str,
    width: float | None = None,
) -> list:
    """Draw ``token`` from ``x`` on the line at ``y``; a chip behind it is ``{gid}-chip``.

    ``width`` widens a chip (its text stays centred), so chips in one column match.
    """
    artists: list = []
    colour = theme.zero_text if token.kind == "muted" else theme.foreground
    width = max(token_width(ax, token), width or 0.0)
    if token.is_chip:
        fill = {"output": theme.output, "bias": theme.background}.get(token.kind) or (
            theme.weight_identity(token.weight).colour
        )
        chip = Rectangle(
            (x, y - CHIP_HEIGHT / 2),
            width,
            CHIP_HEIGHT,
            facecolor=fill,
            edgecolor=theme.foreground if token.kind == "bias" else fill,
            linewidth=1.2,
            gid=f"{gid}-chip",
            **_matrix.hatch_style(
                fill, theme.weight_identity(token.weight).hatch if token.kind == "weight" else ""
            ),
        )
        ax.add_patch(chip)
        artists.append(chip)
        colour = theme.foreground if token.kind == "bias" else text_colour_on(fill, theme)
    artists.append(
        ax.text(
            x + width / 2,
            baseline(y),
            token.text,
            ha="center",
            va="baseline",
            color=colour,
            gid=gid,
            **(
                _matrix.text_backing(fill, theme.weight_identity(token.weight).hatch)
                if token.is_chip and token.kind == "weight"
                else {}
            ),
        )
    )
    return artists


def draw_rows(
    ax: Axes,
    x: float,
    y: float,
    rows: Sequence[Sequence[Slot]],
    *,
    theme: Theme,
    gid: str,
    table: Columns | None = None,
) -> list:
    """Draw ``rows`` of slots in aligned columns, the first line centred at height ``y``.

    Token ``t`` of slot ``c`` in row ``n`` has the gid ``{gid}-{n}-{c:02d}-{t}``. ``table``
    gives the columns when several blocks must line up; by default they fit ``rows``.
    Returns the artists.
    """
    table = columns(ax, rows) if table is None else table
    artists: list = []
    for n, row in enumerate(rows):
        for c, item in enumerate(row):
            spare = table.widths[c] - slot_width(ax, item)
            shift = {"left": 0.0, "center": spare / 2, "right": spare}[item.align]
            start = x + table.left(c) + shift
            # A lone chip fills its column, so stacked chips (α over 2) match in size.
            lone_chip = len(item.tokens) == 1 and item.tokens[0].is_chip
            if lone_chip:
                start = x + table.left(c)
            for t, token in enumerate(item.tokens):
                artists += draw_token(
                    ax,
                    start,
                    y + n * LINE,
                    token,
                    theme=theme,
                    gid=f"{gid}-{n}-{c:02d}-{t}",
                    width=table.widths[c] if lone_chip else None,
                )
                start += token_width(ax, token) + JOIN_GAP
    return artists


def wrap(ax: Axes, text: str, width: float, fontsize: float = BASE_FONT_SIZE) -> list[str]:
    """Split ``text`` into lines of at most ``width`` cell units (a long word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(ax, f"{lines[-1]} {word}", fontsize) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def term_rows(
    weights: Sequence[Slot],
    inputs: Sequence[Slot],
    *,
    per_line: int,
    lead: Sequence[Slot],
    lead_next: Sequence[Slot],
    tail: Sequence[Slot],
) -> list[list[Slot]]:
    """The rows of ``lead w₁·x₁ + w₂·x₂ + … tail``, ``per_line`` terms to a row.

    A weight and its input are two slots, so that weights line up in a column and inputs
    in the next; later rows start with ``lead_next`` (which should be as many slots as
    ``lead``, e.g. an empty slot and ``+``).
    """
    rows: list[list[Slot]] = []
    for k, (w, x) in enumerate(zip(weights, inputs, strict=True)):
        if k % per_line == 0:
            rows.append(list(lead if k == 0 else lead_next))
        else:
            rows[-1].append(slot("+"))
        rows[-1] += [w, x]
    rows[-1] += list(tail)
    return rows


def terms_per_line(kernel_shape: tuple[int, int]) -> int:
    """All terms on one line for up to four of them, otherwise one kernel row a line."""
    kh, kw = kernel_shape
    return kh * kw if kh * kw <= 4 else kw


def sum_rows(placement: Placement, kernel: np.ndarray, bias: float) -> list[list[Slot]]:
    """The written sum of one placement: ``2·3 + −1·1 + 1·0 + 3·4 + 1 = 18``.

    Each weight is a chip in its colour, times the number it covers (muted when that
    number is a padding zero); the bias (outlined) closes the sum, then ``= result``.
    """
    weights = [
        slot(Token(format_number(w), "weight", k), align="right")
        for k, w in enumerate(kernel.ravel())
    ]
    inputs = [
        slot(Token("·" + plain_number(x), "text" if inside else "muted"), align="left", tight=True)
        for x, inside in zip(placement.values.ravel(), placement.inside.ravel(), strict=True)
    ]
    per_line = terms_per_line(kernel.shape)
    wrapped = per_line < kernel.size
    return term_rows(
        weights,
        inputs,
        per_line=per_line,
        lead=[slot()] if wrapped else [],
        lead_next=[slot("+")],
        tail=[
            slot("+"),
            slot(Token(format_number(bias), "bias")),
            slot("="),
            slot(Token(format_number(placement.result), "output")),
        ],
    )


# ----------------------------------------------------------------------------------------
# Drawing: one placement of the kernel
# ----------------------------------------------------------------------------------------

#: Horizontal room between the image and the output grid of a panel (the arrow).
ARROW_ROOM = 1.3
#: Vertical room above a grid for its title.
TITLE_ROOM = 0.75


def panel_size(ax: Axes, sliding: Sliding, placement: Placement) -> tuple[float, float]:
    """(width, height) in cell units of :func:`draw_placement` for this placement."""
    rows, cols = sliding.padded.shape
    out_rows, out_cols = sliding.output.shape
    lines = sum_rows(placement, sliding.kernel, sliding.bias)
    width = max(cols + ARROW_ROOM + out_cols, columns(ax, lines).width)
    height = TITLE_ROOM + max(rows, out_rows) + 0.35 + LINE * len(lines)
    return width, height


def draw_placement(
    ax: Axes,
    col0: float,
    row0: float,
    sliding: Sliding,
    p: int,
    *,
    theme: Theme,
    heading: str,
) -> dict[str, list]:
    """The kernel at placement ``p``: the padded image with the covered patch framed and
    named, an arrow to the output grid with this one result, and the written sum.

    Gids: ``placement-{p}-title``, ``placement-{p}-cell-r-c`` (padded-grid numbers, with
    ``-box``), ``placement-{p}-patch`` (the kernel's frame), ``placement-{p}-tap-a-b``
    (weight names in the covered cells), ``result-{p}`` (the output cell) and
    ``sum-{p}-{line}-{t:02d}`` (the tokens of the sum).
    """
    placement = sliding.placements[p]
    kernel = sliding.kernel
    kh, kw = kernel.shape
    rows, cols = sliding.padded.shape
    out_rows, out_cols = sliding.output.shape
    grid_row = row0 + TITLE_ROOM
    body = max(rows, out_rows)
    image_row = grid_row + (body - rows) / 2
    artists: dict[str, list] = {"title": [], "patch": [], "taps": [], "sum": []}
    artists["title"].append(
        title(ax, col0, grid_row - 0.25, heading, theme=theme, gid=f"placement-{p}-title")
    )
    image = draw_image(
        ax,
        col0,
        image_row,
        sliding.padded,
        theme=theme,
        gid=f"placement-{p}-cell",
        padding=sliding.is_padding,
    )
    artists["cells"] = image["texts"]
    boxes = {box.get_gid(): box for box in image["boxes"]}
    # The covered cells: a dark border each and the name of the weight over them.
    for a, r in enumerate(placement.rows):
        for b, c in enumerate(placement.cols):
            box = boxes[f"placement-{p}-cell-{r}-{c}-box"]
            box.set_edgecolor(theme.foreground)
            box.set_linewidth(2.2)
            box.set_linestyle("-")
            box.set_zorder(2)
            fill = theme.zero if sliding.is_padding[r, c] else theme.input
            artists["taps"].append(
                corner_label(
                    ax,
                    col0 + c,
                    image_row + r,
                    sliding.names[a * kw + b],
                    fill,
                    theme=theme,
                    gid=f"placement-{p}-tap-{a}-{b}",
                )
            )
    top, left = placement.rows[0], placement.cols[0]
    artists["patch"].append(
        frame(
            ax,
            col0 + left,
            image_row + top,
            placement.cols[-1] - left + 1,
            placement.rows[-1] - top + 1,
            colour=theme.kernel,
            gid=f"placement-{p}-patch",
        )
    )
    # An arrow to the output grid, where this placement's result goes.
    out_col = col0 + cols + ARROW_ROOM
    out_row = grid_row + (body - out_rows) / 2
    artists["arrow"] = [
        ax.annotate(
            "",
            xy=(out_col - 0.15, grid_row + body / 2),
            xytext=(col0 + cols + 0.15, grid_row + body / 2),
            arrowprops={"arrowstyle": "-|>", "color": theme.foreground, "linewidth": 1.6},
            gid=f"placement-{p}-arrow",
        )
    ]
    output = draw_output(
        ax, out_col, out_row, sliding.output, theme=theme, gid=f"result-{p}", only=placement.index
    )
    artists["result"] = output["texts"]
    # The sum, one line per kernel row when long, under the grids.
    lines = sum_rows(placement, kernel, sliding.bias)
    line_y = grid_row + body + 0.35 + LINE / 2
    artists["sum"] = draw_rows(ax, col0, line_y, lines, theme=theme, gid=f"sum-{p}")
    return artists


# ----------------------------------------------------------------------------------------
# Linked views: which drawn cell is which output, input and weight
# ----------------------------------------------------------------------------------------


def term_links(
    elements: dict[str, linked.Link],
    rows: Sequence[Sequence[Slot]],
    gid: str,
    step: int,
    reads: dict[int, int],
) -> None:
    """Link a written sum drawn by :func:`draw_rows` with ``gid``: each weight's chip and
    the input after it are the product of that weight (``reads``: weight -> the input it
    meets at this placement, from the layer's matrix); every other token is the output."""
    for n, row in enumerate(rows):
        term = None
        for c, item in enumerate(row):
            weight = next((t.weight for t in item.tokens if t.kind == "weight"), None)
            link = linked.Link(step=step)
            if weight is not None:
                term = linked.Link(step=step, weight=weight, input=reads.get(weight))
                link = term
            elif term is not None:  # the input the weight multiplies
                link, term = term, None
            for t in range(len(item.tokens)):
                token = f"{gid}-{n}-{c:02d}-{t}"
                linked.tag(elements, (token, f"{token}-chip"), link)


def sliding_links(
    s: Sliding,
    shown: Sequence[int],
    *,
    pieces: bool,
    written: Callable[[int], Sequence[tuple[str, Sequence[Sequence[Slot]]]]] | None = None,
) -> dict[str, linked.Link]:
    """The linked elements of the grid figures, from the layer's weight-matrix index.

    ``pieces``: the figure draws the image (gid ``image``), the kernel and the output
    grid (``output``). Each drawn placement ``p`` of ``shown`` has its covered cells as
    products and its other image cells as inputs (``placement-{p}-cell``), its weight
    names as products (``placement-{p}-tap``) and its result as its output.
    ``written(p)`` gives the written sums of placement ``p`` as ``(gid, rows)`` (by
    default its sum, ``sum-{p}``, :func:`sum_rows`), linked term by term.
    """
    example = s.example
    index = layers.conv_matrix_index(
        example.kernel.shape, example.image.shape, **example.layer_kwargs
    )
    height, width = s.image.shape
    kh, kw = s.kernel.shape
    top, left, _, _ = s.pad
    out_w = s.output.shape[1]
    elements: dict[str, linked.Link] = {}
    if pieces:
        x_names = [position_name("x", r, c, s.image.shape) for r, c in np.ndindex(height, width)]
        y_names = [position_name("y", r, c, s.output.shape) for r, c in np.ndindex(*s.output.shape)]
        linked.tag_each(
            elements,
            "input",
            x_names,
            s.image.ravel(),
            lambda j: [f"image-{j // width}-{j % width}{end}" for end in ("-box", "", "-name")],
        )
        linked.tag_each(
            elements,
            "weight",
            s.names,
            s.kernel.ravel(),
            lambda k: [f"kernel-{k // kw}-{k % kw}{end}" for end in ("-box", "")],
        )
        linked.tag_each(
            elements,
            "output",
            y_names,
            s.output.ravel(),
            lambda i: [f"output-{i // out_w}-{i % out_w}{end}" for end in ("-box", "")],
        )
    for p in shown:
        reads = {int(k): int(j) for j, k in enumerate(index[p]) if k >= 0}
        for j in range(height * width):
            link = linked.Link(input=j)
            if index[p, j] >= 0:
                link = linked.Link(step=p, weight=int(index[p, j]), input=j)
            cell = f"placement-{p}-cell-{j // width + top}-{j % width + left}"
            linked.tag(elements, (cell, f"{cell}-box"), link)
        for k in range(kh * kw):
            link = linked.Link(step=p, weight=k, input=reads.get(k))
            linked.tag(elements, [f"placement-{p}-tap-{k // kw}-{k % kw}"], link)
        output = linked.Link(step=p)
        linked.tag(elements, [f"result-{p}", f"result-{p}-box", f"placement-{p}-title"], output)
        sums = (
            written(p) if written else [(f"sum-{p}", sum_rows(s.placements[p], s.kernel, s.bias))]
        )
        for gid, rows in sums:
            term_links(elements, rows, gid, p, reads)
    return elements
