"""Weight matrices with a block structure: cells or pixels, block outlines, vectors, counts.

Shared by the figures of the channels, transposed-convolution, pooling and dimensions
pages. They all draw one or more matrices whose structure matters more than any single
entry: the blocks of several channels, the diagonal blocks of a grouped convolution, the
nested blocks of a 2D or 3D convolution. Layout is in *grid units*: in the labelled layout
one unit is one cell (:data:`diagram_gen.figures._matrix.CELL_INCHES` unless a figure says
otherwise); past :func:`diagram_gen.figures._matrix.is_labelled` a matrix becomes an image
with one pixel per entry and the same outlines, so a figure keeps its shape at any size.

Every ``draw_*`` function returns the artists it made and sets ``gid`` on those a test reads
back. Nothing here computes layer math: the figures pass in what :mod:`diagram_gen.layers`
computed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from diagram_gen.examples import subscript
from diagram_gen.figures import _matrix
from diagram_gen.figures._matrix import format_number
from diagram_gen.style import Theme

#: Font sizes in points: nothing under 9 pt, so the text stays legible on a slide.
TITLE_FONT = 14
HEADER_FONT = 12
LABEL_FONT = 11
NAME_FONT = 10
#: Line width of a block outline and of the thinner outline of a nested block, in points.
BLOCK_LINE = 2.6
INNER_LINE = 1.2
#: Rough width of one character, as a fraction of the font size (DejaVu Sans averages
#: about 0.6 em); used to decide whether a label fits before drawing it.
CHAR_EM = 0.62

GREEK = "αβγδεζηθικλμνξοπρστυφχψω"


def greek_names(count: int) -> tuple[str, ...]:
    """α, β, γ, … for up to 24 weights, else w₁, w₂, … (names that fit in one cell)."""
    if count <= len(GREEK):
        return tuple(GREEK[:count])
    return tuple(f"w{subscript(i + 1)}" for i in range(count))


def channel_weight_names(shape: tuple[int, ...], in_channel_of: Sequence[int]) -> tuple[str, ...]:
    """w₁,₂,₁₂ (output channel, input channel, position) for every entry of a kernel tensor.

    ``shape`` is ``(C_out, C_in // groups, kh, kw)``; ``in_channel_of[o][c]`` gives the
    input channel that slice ``c`` of kernel ``o`` reads (it differs from ``c`` when the
    convolution has groups).
    """
    names = []
    for o, c, row, col in np.ndindex(*shape):
        channel = in_channel_of[o][c]
        position = subscript(row + 1) + subscript(col + 1)
        names.append(f"w{subscript(o + 1)},{subscript(channel + 1)},{position}")
    return tuple(names)


def position_names(symbol: str, shape: tuple[int, ...]) -> list[str]:
    """Names of every entry of a ``(C, *spatial)`` array read row by row: x₁₂, or x₂,₁₂
    (channel 2, row 1, column 2) when there are several channels; x₁₀,₂ past 9."""
    names = []
    # Past 9 a position needs a comma: x₁,₁₂ could be row 1, column 12 or row 11, column 2.
    sep = "," if max(shape[1:]) > 9 else ""
    for channel, *position in np.ndindex(*shape):
        where = sep.join(subscript(p + 1) for p in position)
        prefix = f"{symbol}{subscript(channel + 1)}," if shape[0] > 1 else symbol
        names.append(prefix + where)
    return names


def a_or_an(n: int) -> str:
    """``a 4`` but ``an 8``, ``an 11``, ``an 18``, ``an 80``: the article before a number."""
    digits = str(n)
    spoken_with_vowel = digits.startswith("8") or (
        len(digits) % 3 == 2 and digits[:2] in ("11", "18")
    )
    return "an" if spoken_with_vowel else "a"


def trainable_count(index: np.ndarray) -> int:
    """Distinct trainable weights a matrix holds: its distinct non-negative entries."""
    return int(np.unique(index[index >= 0]).size)


def count_text(weights: int, biases: int, *, shared: bool = True) -> str:
    """``16 shared weights + 2 biases\\n= 18 free parameters``."""
    kind = "shared weights" if shared else "weights"
    bias = "bias" if biases == 1 else "biases"
    return f"{weights:,} {kind} + {biases:,} {bias}\n= {weights + biases:,} free parameters"


def text_inches(text: str, fontsize: float) -> float:
    """About how wide the longest line of ``text`` is at ``fontsize`` points, in inches."""
    return max(len(line) for line in text.split("\n")) * CHAR_EM * fontsize / 72


def measured_inches(text: str, fontsize: float) -> float:
    """How wide the longest line of ``text`` is drawn at ``fontsize`` points, in inches:
    measured from the glyphs of the current font, where :func:`text_inches` guesses."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    prop = FontProperties(size=fontsize)
    return max(
        TextPath((0, 0), line, prop=prop).get_extents().width / 72 if line else 0.0
        for line in text.split("\n")
    )


def fits(text: str, inches: float, fontsize: float) -> bool:
    """Whether the longest line of ``text`` fits in ``inches`` at ``fontsize`` points."""
    return text_inches(text, fontsize) <= inches


def fit(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float], inches: float) -> None:
    """Set the limits (rows going down) and size the figure at ``inches`` per grid unit.

    The limits are the layout's; where a text reaches past them (a long title over a
    small matrix, a reader's unusual sizes) they grow to take it in, plus a small margin,
    so no text is ever clipped. Text sizes are in points, so growing the canvas at a
    fixed scale leaves every text where it was.
    """
    _set_limits(ax, xlim, ylim, inches)
    renderer = ax.figure.canvas.get_renderer()
    to_data = ax.transData.inverted()
    margin = 0.12 / inches  # grid units in 0.12 inch
    (x0, x1), (y0, y1) = xlim, ylim
    for label in ax.texts:
        if not label.get_text() or not label.get_visible():
            continue
        (left, top), (right, bottom) = to_data.transform(label.get_window_extent(renderer))
        top, bottom = min(top, bottom), max(top, bottom)
        x0, x1 = min(x0, left - margin), max(x1, right + margin)
        y0, y1 = min(y0, top - margin), max(y1, bottom + margin)
    if (x0, x1, y0, y1) != (*xlim, *ylim):
        _set_limits(ax, (x0, x1), (y0, y1), inches)


def _set_limits(
    ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float], inches: float
) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(ylim[1], ylim[0])
    ax.figure.set_size_inches((xlim[1] - xlim[0]) * inches, (ylim[1] - ylim[0]) * inches)


def text(ax: Axes, x: float, y: float, label: str, *, gid: str, theme: Theme, **kwargs) -> Text:
    """A text in the theme's foreground (or ``color``), centred unless told otherwise."""
    kwargs.setdefault("ha", "center")
    kwargs.setdefault("va", "center")
    kwargs.setdefault("color", theme.foreground)
    return ax.text(x, y, label, gid=gid, **kwargs)


def draw_cell_grid(
    ax: Axes,
    fills: np.ndarray,
    texts: np.ndarray,
    *,
    theme: Theme,
    lefts: Sequence[float],
    tops: Sequence[float],
    dashed: np.ndarray | None = None,
    edges: np.ndarray | None = None,
    prefix: str = "m",
    fontsize: float | None = None,
    hatches: np.ndarray | None = None,
) -> list[Text]:
    """Labelled unit cells at column ``lefts[j]`` and row ``tops[i]``; returns the texts.

    Unlike :func:`diagram_gen.figures._matrix.draw_cells` the columns and rows need not be
    contiguous, so blocks can stand apart. Gids are ``{prefix}-{i}-{j}`` for the text and
    ``{prefix}-{i}-{j}-box`` for the square, with the matrix's own row and column. A
    dashed cell is an untrainable zero (its text in the theme's zero colour); ``edges``
    gives a solid outline colour per cell (``None`` for none); ``hatches`` a shared
    weight's pattern per cell (:func:`diagram_gen.figures._matrix.weight_hatches`).
    """
    labels = []
    for (i, j), label in np.ndenumerate(texts):
        is_zero = dashed is not None and bool(dashed[i, j])
        edge = None if edges is None else edges[i, j]
        size = fontsize if fontsize is not None else (11 if "\n" in label else None)
        labels.append(
            _matrix.cell(
                ax,
                lefts[j],
                tops[i],
                fills[i, j],
                label,
                theme,
                gid=f"{prefix}-{i}-{j}",
                fontsize=size,
                dashed=is_zero,
                edge=edge,
                text_colour=theme.zero_text if is_zero else None,
                hatch="" if hatches is None else hatches[i, j],
            )[1]
        )
    return labels


def draw_vector(
    ax: Axes,
    values: np.ndarray,
    *,
    theme: Theme,
    fill: str,
    positions: Sequence[float],
    across: float,
    vertical: bool,
    prefix: str,
    fontsize: float | None = None,
) -> list[Text]:
    """One labelled cell per value: a column (``vertical``) or a row of cells.

    ``positions`` are the tops (column) or lefts (row) of the cells; ``across`` is the
    left (column) or top (row) they share. Gids ``{prefix}-{i}``. Texts are ``fontsize``
    points (the base size if None).
    """
    labels = []
    for i, (value, pos) in enumerate(zip(values, positions, strict=True)):
        col, row = (across, pos) if vertical else (pos, across)
        labels.append(
            _matrix.cell(
                ax,
                col,
                row,
                fill,
                format_number(value),
                theme,
                gid=f"{prefix}-{i}",
                fontsize=fontsize,
            )[1]
        )
    return labels


def outline(
    ax: Axes,
    left: float,
    top: float,
    width: float,
    height: float,
    *,
    theme: Theme,
    gid: str,
    linewidth: float = BLOCK_LINE,
    colour: str | None = None,
    linestyle: str = "-",
) -> Rectangle:
    """An unfilled rectangle drawn over the cells, e.g. the outline of one block."""
    box = Rectangle(
        (left, top),
        width,
        height,
        fill=False,
        edgecolor=colour or theme.foreground,
        linewidth=linewidth,
        linestyle=linestyle,
        gid=gid,
        zorder=3,
    )
    ax.add_patch(box)
    return box


def outline_blocks(
    ax: Axes,
    row_edges: Sequence[float],
    col_edges: Sequence[float],
    *,
    theme: Theme,
    prefix: str,
    linewidth: float = BLOCK_LINE,
    colour: str | None = None,
) -> list[Rectangle]:
    """One outline per block of the grid cut at ``row_edges`` and ``col_edges``.

    Gids ``{prefix}-{i}-{j}`` for block row ``i``, block column ``j``; edges are grid
    coordinates, so the first is the matrix's top (left) and the last its bottom (right).
    """
    boxes = []
    for i in range(len(row_edges) - 1):
        for j in range(len(col_edges) - 1):
            boxes.append(
                outline(
                    ax,
                    col_edges[j],
                    row_edges[i],
                    col_edges[j + 1] - col_edges[j],
                    row_edges[i + 1] - row_edges[i],
                    theme=theme,
                    gid=f"{prefix}-{i}-{j}",
                    linewidth=linewidth,
                    colour=colour,
                )
            )
    return boxes


def draw_image(
    ax: Axes,
    categories: np.ndarray,
    palette: Sequence[str],
    *,
    theme: Theme,
    origin: tuple[float, float] = (0.0, 0.0),
    scale: float = 1.0,
    gid: str = "matrix-image",
) -> list:
    """A matrix as an image, one pixel per entry coloured ``palette[category]``, framed.

    One entry is ``scale`` grid units wide. Returns ``[image, frame]``; the image's gid
    is ``gid`` and the frame's ``gid-frame``.
    """
    rows, cols = categories.shape[0] * scale, categories.shape[1] * scale
    left, top = origin
    image: AxesImage = ax.imshow(
        _matrix.category_image(categories, palette),
        interpolation="nearest",
        extent=(left, left + cols, top + rows, top),
        aspect="auto",
        gid=gid,
    )
    frame = outline(
        ax, left, top, cols, rows, theme=theme, gid=f"{gid}-frame", linewidth=INNER_LINE
    )
    return [image, frame]


def weight_grid(
    index: np.ndarray, kernel: np.ndarray | None, names: Sequence[str], theme: Theme
) -> tuple[np.ndarray, np.ndarray]:
    """Fills and labels of shared weights: ``name\\nvalue`` with a kernel, ``name`` without.

    With a kernel this is :func:`diagram_gen.figures._matrix.weight_cells`; without one
    (a figure about structure only) the cells carry the weight's name alone.
    """
    if kernel is not None:
        return _matrix.weight_cells(index, kernel, names, theme)
    palette = _matrix.weight_image_palette(index, theme)
    fills = np.array(palette, dtype=object)[_matrix.weight_categories(index)]
    texts = np.full(index.shape, "0", dtype=object)
    for (i, j), k in np.ndenumerate(index):
        if k >= 0:
            texts[i, j] = names[k]
    return fills, texts


def weight_image(index: np.ndarray, theme: Theme) -> tuple[np.ndarray, tuple[str, ...]]:
    """Categories and palette of :func:`draw_image` for a matrix of shared weights."""
    return _matrix.weight_categories(index), _matrix.weight_image_palette(index, theme)


def join(values: np.ndarray, limit: int = 12) -> str:
    """``1, −2, 3`` (with ``, …`` past ``limit`` values)."""
    return _matrix.listing(values, limit)
