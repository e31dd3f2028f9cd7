"""Drawing a layer as ``y = M x + b`` on a grid of labelled cells.

The fully connected and the convolutional matrix figures share this layout: the input
vector lies above the matrix, one value over each column, so a reader can follow a column
up to the input value it multiplies; the bias and the output stand to the right of each
row. Cells carry their numbers as text, so nothing depends on colour alone.

Past :data:`MAX_LABELLED_CELLS` cells the matrix is drawn without its numbers and the
vectors are left out: a matrix of shared weights as cells in each weight's colour and
pattern (:func:`draw_weight_pattern`, with a key of the kernel beside it), anything larger
as an image, one pixel per entry. The figure says so in a note, and in its alt text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize, to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from diagram_gen import linked
from diagram_gen.examples import format_number  # noqa: F401 (re-exported)
from diagram_gen.style import Theme, hatch_colour, text_colour_on, weight_identity

#: Larger matrices are drawn as an image: their labels would be too small to read.
MAX_LABELLED_CELLS = 600
MAX_LABELLED_SIDE = 40
#: Inches per grid unit in the labelled layout (one cell is one unit).
CELL_INCHES = 0.62
#: Inches per cell of a matrix laid out for the page column (688 CSS px, about 7.2 in):
#: the matrix figures that pass it keep every text at its size and shrink only the
#: geometry, so that nine columns with their vectors fit the column unscaled.
COLUMN_CELL_INCHES = 0.5
#: Inches of the longer side of a matrix drawn as an image.
IMAGE_INCHES = 7.0


def is_labelled(shape: tuple[int, int]) -> bool:
    """Whether a matrix of this shape is drawn cell by cell with numbers."""
    rows, cols = shape
    return rows * cols <= MAX_LABELLED_CELLS and max(rows, cols) <= MAX_LABELLED_SIDE


def listing(values: np.ndarray, limit: int = 12) -> str:
    """``1, −2, 3, …``: the first ``limit`` values as a reader writes them."""
    values = np.asarray(values).ravel()
    shown = ", ".join(format_number(v) for v in values[:limit])
    return shown + (", …" if values.size > limit else "")


def value_colours(values: np.ndarray, theme: Theme) -> np.ndarray:
    """RGBA colours for signed weights, symmetric around zero (blue +, orange −)."""
    limit = float(np.abs(values).max()) or 1.0
    norm = Normalize(-limit, limit)
    # Keep away from the palest middle so that small weights still look like cells.
    scaled = 0.5 + 0.8 * (norm(values) - 0.5)
    return theme.diverging(scaled)


def value_cells(values: np.ndarray, theme: Theme) -> tuple[np.ndarray, np.ndarray]:
    """Fill colours and labels for a matrix of independent weights."""
    fills = np.array([[to_hex(c) for c in row] for row in value_colours(values, theme)])
    texts = np.vectorize(format_number, otypes=[object])(values)
    return fills, texts


def weight_categories(index: np.ndarray) -> np.ndarray:
    """0 for an untrainable zero, 1 + the weight number for a weight."""
    return np.where(index < 0, 0, 1 + index)


def weight_palette(theme: Theme, weights: int) -> tuple[str, ...]:
    """Colours by :func:`weight_categories`: the zero grey, then the colour of each of
    the kernel's ``weights`` weights (:meth:`Theme.weight_identity`)."""
    return (theme.zero, *(theme.weight_identity(k).colour for k in range(weights)))


def weight_image_palette(index: np.ndarray, theme: Theme) -> tuple[str, ...]:
    """:func:`weight_palette` long enough for every weight number in ``index``."""
    return weight_palette(theme, int(index.max()) + 1 if index.size else 0)


def weight_hatches(index: np.ndarray) -> np.ndarray:
    """The hatch of each cell's weight (:func:`diagram_gen.style.weight_identity`);
    ``""`` for an untrainable zero."""
    hatches = np.full(index.shape, "", dtype=object)
    for position, k in np.ndenumerate(index):
        if k >= 0:
            hatches[position] = weight_identity(int(k)).hatch
    return hatches


def weight_cells(
    index: np.ndarray, kernel: np.ndarray, names: Sequence[str], theme: Theme
) -> tuple[np.ndarray, np.ndarray]:
    """Fill colours and labels ("α\\n2", or "0") for a matrix of shared weights.

    ``index`` is :func:`diagram_gen.layers.conv_matrix_index`: -1 for an untrainable
    zero, else the position of the weight in ``kernel.ravel()``.
    """
    flat = np.asarray(kernel).ravel()
    fills = np.array(weight_palette(theme, flat.size), dtype=object)[weight_categories(index)]
    texts = np.full(index.shape, "0", dtype=object)
    for (i, j), k in np.ndenumerate(index):
        if k >= 0:
            texts[i, j] = f"{names[k]}\n{format_number(flat[k])}"
    return fills, texts


def draw_cells(
    ax: Axes,
    fills: np.ndarray,
    texts: np.ndarray,
    *,
    theme: Theme,
    origin: tuple[float, float] = (0, 0),
    dashed: np.ndarray | None = None,
    prefix: str = "m",
    hatches: np.ndarray | None = None,
    fontsize: float | None = None,
) -> list:
    """A grid of labelled cells with its top-left corner at ``origin``; returns the texts.

    A cell labelled ``0`` with a dashed outline is an untrainable zero: its text is drawn
    in the theme's zero colour so the weights stand out. ``hatches`` (from
    :func:`weight_hatches`) gives each weight's cells its pattern. Texts are
    ``fontsize`` points if given, else 11 for two lines and the base size for one.
    """
    left, top = origin
    labels = []
    for (i, j), text in np.ndenumerate(texts):
        is_zero = dashed is not None and bool(dashed[i, j])
        labels.append(
            cell(
                ax,
                left + j,
                top + i,
                fills[i, j],
                text,
                theme,
                gid=f"{prefix}-{i}-{j}",
                fontsize=fontsize or (11 if "\n" in text else None),
                dashed=is_zero,
                text_colour=theme.zero_text if is_zero else None,
                hatch="" if hatches is None else hatches[i, j],
            )[1]
        )
    return labels


@dataclass(frozen=True)
class MatrixProduct:
    """What to draw: the cells of M, the vectors around it and their labels."""

    fills: np.ndarray  # (R, C) of colour strings
    texts: np.ndarray  # (R, C) of cell labels
    x: np.ndarray  # (C,)
    bias: np.ndarray | None  # (R,) or None
    y: np.ndarray  # (R,)
    x_names: Sequence[str]
    y_names: Sequence[str]
    matrix_name: str = "W"
    dashed: np.ndarray | None = None  # (R, C) bool: cells drawn with a dashed outline
    hatches: np.ndarray | None = None  # (R, C) hatch of each cell (weight_hatches)


def new_figure(theme: Theme) -> tuple[Figure, Axes]:
    """A figure with one frameless axes filling it, y pointing down like a matrix."""
    fig = Figure()
    FigureCanvasAgg(fig)  # a real canvas, so that text extents can be measured
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_facecolor(theme.background)
    return fig, ax


def fit(
    fig: Figure,
    ax: Axes,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    inches: float = CELL_INCHES,
) -> None:
    """Size the figure so one grid unit is ``inches`` (:data:`CELL_INCHES` unless a
    figure says otherwise) and nothing is clipped."""
    ax.set_xlim(*xlim)
    ax.set_ylim(ylim[1], ylim[0])  # rows go down
    fig.set_size_inches((xlim[1] - xlim[0]) * inches, (ylim[1] - ylim[0]) * inches)


def cell(
    ax: Axes,
    col: float,
    row: float,
    fill: str,
    text: str,
    theme: Theme,
    *,
    gid: str,
    fontsize: float | None = None,
    text_colour: str | None = None,
    dashed: bool = False,
    edge: str | None = None,
    hatch: str = "",
) -> tuple[Rectangle, object]:
    """One unit square at (col, row) with centred text; returns (square, text).

    A ``hatch`` (a shared weight's pattern) is drawn in :func:`~diagram_gen.style.hatch_colour`
    of the fill, and the text gets a small box of the plain fill, so the lines never cross
    the letters.
    """
    square = Rectangle(
        (col, row),
        1,
        1,
        facecolor=fill,
        edgecolor=edge or theme.background,
        linewidth=1.5,
        linestyle="--" if dashed else "-",
        gid=f"{gid}-box",
        **hatch_style(fill, hatch),
    )
    ax.add_patch(square)
    label = ax.text(
        col + 0.5,
        row + 0.5,
        text,
        ha="center",
        va="center",
        gid=gid,
        color=text_colour or text_colour_on(fill, theme),
        fontsize=fontsize,
        linespacing=1.0,
        **text_backing(fill, hatch),
    )
    return square, label


def hatch_style(fill: str, hatch: str) -> dict[str, object]:
    """Keyword arguments that give a patch of colour ``fill`` a weight's ``hatch``."""
    return {"hatch": hatch, "hatchcolor": hatch_colour(fill)} if hatch else {}


def text_backing(fill: str, hatch: str) -> dict[str, object]:
    """Keyword arguments of a text on a hatched ``fill``: a box of the plain fill behind it."""
    if not hatch:
        return {}
    return {"bbox": {"boxstyle": "square,pad=0.12", "facecolor": fill, "edgecolor": "none"}}


@dataclass(frozen=True)
class ProductLayout:
    """How large :func:`draw_matrix_product` draws: inches per cell, the grid units left
    of the matrix (for its symbol) and from the outputs' ``=`` signs to the right edge
    (for the output cells and their names)."""

    inches: float = CELL_INCHES
    left: float = 1.2
    right: float = 2.9
    #: Points of the numbers in the cells; None: the base size (11 for a name and value).
    fontsize: float | None = None
    #: Inches of the longer side of a matrix too large to label, drawn as patterned cells.
    pattern_inches: float = IMAGE_INCHES


#: The page column's layout: smaller cells, the same text, margins trimmed to the texts
#: they hold.
COLUMN_LAYOUT = ProductLayout(
    inches=COLUMN_CELL_INCHES, left=0.8, right=2.4, fontsize=11, pattern_inches=5.0
)


def draw_matrix_product(
    ax: Axes, data: MatrixProduct, *, theme: Theme, layout: ProductLayout = COLUMN_LAYOUT
) -> dict[str, list]:
    """Draw ``y = M x + b`` with every entry labelled; returns the artists by part.

    ``layout`` sets the cell size and margins (:data:`COLUMN_LAYOUT` for the page).
    """
    rows, cols = data.fills.shape
    artists: dict[str, list] = {"cells": [], "x": [], "bias": [], "y": [], "labels": []}
    # The input, one value above each column, with its name above it.
    for j in range(cols):
        artists["labels"].append(
            ax.text(
                j + 0.5,
                -1.75,
                data.x_names[j],
                ha="center",
                va="center",
                color=theme.muted,
                fontsize=10,
                gid=f"x-name-{j}",
            )
        )
        artists["x"].append(
            cell(
                ax,
                j,
                -1.4,
                theme.input,
                format_number(data.x[j]),
                theme,
                gid=f"x-{j}",
                fontsize=layout.fontsize,
            )[1]
        )
    artists["labels"].append(
        ax.text(
            -0.3, -0.9, "x", ha="right", va="center", fontsize=15, style="italic", gid="x-symbol"
        )
    )
    artists["labels"].append(
        ax.text(
            -0.3,
            rows / 2,
            data.matrix_name,
            ha="right",
            va="center",
            fontsize=15,
            style="italic",
            gid="matrix-symbol",
        )
    )
    artists["cells"] = draw_cells(
        ax,
        data.fills,
        data.texts,
        theme=theme,
        dashed=data.dashed,
        hatches=data.hatches,
        fontsize=layout.fontsize,
    )
    # Right of each row: + b_i = y_i.
    col = cols + 0.4
    if data.bias is not None:
        for i in range(rows):
            ax.text(col + 0.3, i + 0.5, "+", ha="center", va="center", gid=f"plus-{i}")
            # Outlined, not filled: a fill colour would read as one of the weights.
            artists["bias"].append(
                cell(
                    ax,
                    col + 0.7,
                    i,
                    theme.background,
                    format_number(data.bias[i]),
                    theme,
                    gid=f"b-{i}",
                    edge=theme.foreground,
                    text_colour=theme.foreground,
                    fontsize=layout.fontsize,
                )[1]
            )
        ax.text(
            col + 1.2,
            -0.4,
            "b",
            ha="center",
            va="center",
            style="italic",
            fontsize=15,
            gid="b-symbol",
        )
        col += 1.7
    for i in range(rows):
        ax.text(col + 0.3, i + 0.5, "=", ha="center", va="center", gid=f"equals-{i}")
        artists["y"].append(
            cell(
                ax,
                col + 0.7,
                i,
                theme.output,
                format_number(data.y[i]),
                theme,
                gid=f"y-{i}",
                fontsize=layout.fontsize,
            )[1]
        )
        artists["labels"].append(
            ax.text(
                col + 1.85,
                i + 0.5,
                data.y_names[i],
                ha="left",
                va="center",
                color=theme.muted,
                fontsize=10,
                gid=f"y-name-{i}",
            )
        )
    ax.text(
        col + 1.2, -0.4, "y", ha="center", va="center", style="italic", fontsize=15, gid="y-symbol"
    )
    fit(ax.figure, ax, (-layout.left, col + layout.right), (-2.3, rows + 0.3), layout.inches)
    return artists


def category_image(categories: np.ndarray, palette: Sequence[str]) -> np.ndarray:
    """RGBA pixels for an integer array: pixel = ``palette[category]`` (vectorised)."""
    table = np.array([to_rgba(colour) for colour in palette])
    return table[categories]


def draw_matrix_image(
    ax: Axes, pixels: np.ndarray, *, theme: Theme, row_label: str, col_label: str
) -> dict[str, list]:
    """Draw a large matrix as an image, one pixel per entry; returns the artists."""
    rows, cols = pixels.shape[:2]
    image = ax.imshow(
        pixels,
        interpolation="nearest",
        extent=(0, cols, rows, 0),
        aspect="equal",
        gid="matrix-image",
    )
    frame = Rectangle(
        (0, 0),
        cols,
        rows,
        fill=False,
        edgecolor=theme.foreground,
        linewidth=0.8,
        gid="matrix-frame",
    )
    ax.add_patch(frame)
    side = max(rows, cols)
    top = ax.text(cols / 2, -0.03 * side, col_label, ha="center", va="bottom", gid="col-label")
    left = ax.text(
        -0.03 * side, rows / 2, row_label, ha="right", va="center", rotation=90, gid="row-label"
    )
    ax.set_xlim(-0.1 * side, cols + 0.02 * side)
    ax.set_ylim(rows + 0.02 * side, -0.1 * side)
    ax.figure.set_size_inches(
        IMAGE_INCHES * (cols + 0.12 * side) / side, IMAGE_INCHES * (rows + 0.12 * side) / side
    )
    return {"image": [image], "labels": [top, left]}


#: Matrices of shared weights up to this many rows and columns are drawn cell by cell in
#: their weights' colours and patterns when too large for names; larger ones as an image.
MAX_PATTERN_SIDE = 64
#: Side of one swatch of the key beside an unlabelled matrix, in inches, and the distance
#: from one swatch to the next across, in swatches (room for "w₂₃ = −2" under each).
KEY_INCHES = 0.5
KEY_PITCH = 1.8


def has_patterns(shape: tuple[int, int]) -> bool:
    """Whether an unlabelled matrix of shared weights is drawn as patterned cells."""
    return max(shape) <= MAX_PATTERN_SIDE


def omission_note(shape: tuple[int, int], weights: int) -> str:
    """What an unlabelled matrix of shared weights leaves out, and why, in two sentences.

    The same words go into the figure and its alt text, so neither drops them silently.
    """
    rows, cols = shape
    text = (
        f"No numbers or names in the cells: {rows * cols:,} cells are too many to label "
        f"at a readable size."
    )
    if not has_patterns(shape):
        return text + (
            " The cells are too small for patterns too: each weight is shown by its "
            "colour alone, and colours repeat every four weights."
        )
    if weights > 1:
        text += " Each weight has its own colour and pattern, named in the key."
    return text


def draw_weight_pattern(
    ax: Axes,
    index: np.ndarray,
    kernel: np.ndarray,
    names: Sequence[str],
    *,
    theme: Theme,
    row_label: str,
    col_label: str,
    inches: float = IMAGE_INCHES,
) -> dict[str, list]:
    """Draw a matrix of shared weights too large to label, with a key of its weights.

    Up to :data:`MAX_PATTERN_SIDE` a side, every cell is a square (gid ``m-i-j-box``) in
    its weight's colour and pattern, zeros grey; the key beside it draws each weight's
    swatch (``key-k-box``) over its name and value, laid out like the kernel's last axis.
    Larger matrices are an image in the weights' colours. Below the matrix a note
    (``omission-note``) says what is left out and why.
    """
    rows, cols = index.shape
    flat = np.asarray(kernel).ravel()
    if not has_patterns(index.shape):
        artists = draw_matrix_image(
            ax,
            category_image(weight_categories(index), weight_palette(theme, flat.size)),
            theme=theme,
            row_label=row_label,
            col_label=col_label,
        )
        side = max(rows, cols)
        artists["labels"].append(_note(ax, rows + 0.03 * side, index, flat.size, theme, cols))
        ax.set_ylim(rows + 0.16 * side, -0.1 * side)
        width, height = ax.figure.get_size_inches()
        ax.figure.set_size_inches(width, height + 0.14 * IMAGE_INCHES)
        return artists
    side = max(rows, cols)
    unit = inches / side  # inches per cell: the longer side is ``inches``
    artists: dict[str, list] = {"cells": pattern_cells(ax, index, theme=theme, inches=unit)}
    artists["key"], artists["labels"] = [], []
    palette = weight_palette(theme, flat.size)
    ax.add_patch(
        Rectangle(
            (0, 0),
            cols,
            rows,
            fill=False,
            edgecolor=theme.foreground,
            linewidth=0.8,
            gid="matrix-frame",
        )
    )
    per_inch = 1 / unit
    artists["labels"] += [
        ax.text(cols / 2, -0.12 * per_inch, col_label, ha="center", va="bottom", gid="col-label"),
        ax.text(
            -0.12 * per_inch,
            rows / 2,
            row_label,
            ha="right",
            va="center",
            rotation=90,
            gid="row-label",
        ),
    ]
    # The key: the kernel's weights as swatches, one row per run of its last axis.
    per_row = np.asarray(kernel).shape[-1] if np.ndim(kernel) else 1
    key_left = cols + 0.45 * per_inch
    swatch = KEY_INCHES * per_inch
    pitch = 1.9 * swatch
    key_top = 0.35 * per_inch
    artists["labels"].append(
        ax.text(key_left, key_top - 0.12 * per_inch, "Key", ha="left", va="bottom", gid="key-title")
    )
    for k, value in enumerate(flat):
        r, c = divmod(k, per_row)
        x, y = key_left + c * KEY_PITCH * swatch, key_top + r * pitch
        fill = palette[1 + k]
        box = Rectangle(
            (x, y),
            swatch,
            swatch,
            facecolor=fill,
            edgecolor=theme.foreground,
            linewidth=0.6,
            gid=f"key-{k}-box",
            **hatch_style(fill, weight_identity(k).hatch),
        )
        ax.add_patch(box)
        artists["key"].append(box)
        artists["labels"].append(
            ax.text(
                x + swatch / 2,
                y + swatch + 0.05 * per_inch,
                f"{names[k]} = {format_number(value)}",
                ha="center",
                va="top",
                fontsize=11,
                color=theme.foreground,
                gid=f"key-{k}",
            )
        )
    key_rows = -(-flat.size // per_row)
    key_right = (
        key_left + (min(per_row, flat.size) - 1) * KEY_PITCH * swatch + swatch + 0.6 * per_inch
    )
    bottom = max(rows, key_top + key_rows * pitch)
    artists["labels"].append(_note(ax, bottom + 0.15 * per_inch, index, flat.size, theme, cols))
    xlim = (-0.45 * per_inch, max(key_right, cols + 0.2 * per_inch))
    ylim = (-0.5 * per_inch, bottom + 0.75 * per_inch)
    ax.set_xlim(*xlim)
    ax.set_ylim(ylim[1], ylim[0])
    ax.figure.set_size_inches((xlim[1] - xlim[0]) * unit, (ylim[1] - ylim[0]) * unit)
    return artists


def pattern_cells(
    ax: Axes,
    identity: np.ndarray,
    *,
    theme: Theme,
    inches: float,
    origin: tuple[float, float] = (0.0, 0.0),
    scale: float = 1.0,
    prefix: str = "m",
) -> list[Rectangle]:
    """Unlabelled cells, each in the colour and pattern of weight ``identity[i, j]``.

    ``identity`` holds the weight number that decides each cell's look (-1: an
    untrainable zero, drawn in the theme's zero grey). One cell is ``scale`` grid units
    and ``inches`` inches wide (for the width of the gaps between cells). Gids are
    ``{prefix}-{i}-{j}-box``.
    """
    left, top = origin
    gap = min(1.0, 0.06 * inches * 72)
    cells = []
    for (i, j), k in np.ndenumerate(identity):
        look = None if k < 0 else weight_identity(int(k))
        fill = theme.zero if look is None else look.colour
        square = Rectangle(
            (left + j * scale, top + i * scale),
            scale,
            scale,
            facecolor=fill,
            edgecolor=theme.background,
            linewidth=gap,
            gid=f"{prefix}-{i}-{j}-box",
            **hatch_style(fill, "" if look is None else look.hatch),
        )
        ax.add_patch(square)
        cells.append(square)
    return cells


def _note(ax: Axes, y: float, index: np.ndarray, weights: int, theme: Theme, cols: int):
    """The omission note under a matrix (gid ``omission-note``), wrapped to two lines."""
    first, _, rest = omission_note(index.shape, weights).partition(": ")
    return ax.text(
        0,
        y,
        f"{first}: {rest}".replace(" readable size. ", " readable size.\n", 1),
        ha="left",
        va="top",
        fontsize=11,
        color=theme.muted,
        gid="omission-note",
    )


# ----------------------------------------------------------------------------------------
# Steps: the cells one step of a computation reads and writes, lit
# ----------------------------------------------------------------------------------------

#: Outline of a lit cell, in points: a step is seen by its thick outline, not by colour.
LIT_WIDTH = 3.6


def light(ax: Axes, gids: Sequence[str], theme: Theme) -> list[Rectangle]:
    """Give the cells (squares with these gids) a thick solid outline in the text colour.

    Returns the lit squares in the order of ``gids``. A gid that names no square is a
    bug in the figure (its step and its drawing disagree), so it raises RuntimeError.
    """
    by_gid = {patch.get_gid(): patch for patch in ax.patches}
    lit = []
    for gid in gids:
        patch = by_gid.get(gid)
        if patch is None:
            raise RuntimeError(f"no cell {gid!r} to light.")
        patch.set_edgecolor(theme.foreground)
        patch.set_linewidth(LIT_WIDTH)
        patch.set_linestyle("-")
        patch.set_zorder(2.5)  # over the cells around it, under the texts (3)
        lit.append(patch)
    return lit


def step_heading(fig: Figure, ax: Axes, text: str, theme: Theme, *, fontsize: float = 12):
    """Write a step's text in a band added above the drawing, which keeps its scale.

    Works on any figure whose one axes fills it with equal units on both axes, rows
    going down (the grid, matrix and network canvases). The figure grows to the right
    when the text is wider than the drawing. Returns the text (gid ``step-text``).
    """
    x0, x1 = ax.get_xlim()
    bottom, top = ax.get_ylim()
    width, height = fig.get_size_inches()
    per_inch = (x1 - x0) / width
    band = 0.5
    ax.set_ylim(bottom, top - band * per_inch)
    label = ax.text(
        x0 + 0.15 * per_inch,
        top - band / 2 * per_inch,
        text,
        ha="left",
        va="center",
        fontsize=fontsize,
        color=theme.foreground,
        gid="step-text",
    )
    renderer = fig.canvas.get_renderer()
    text_inches = label.get_window_extent(renderer).width / fig.dpi + 0.3
    extra = max(0.0, text_inches - width)
    ax.set_xlim(x0, x1 + extra * per_inch)
    fig.set_size_inches(width + extra, height + band)
    return label


def light_product_step(ax: Axes, step, theme: Theme, *, labelled: bool = True) -> list:
    """Light one step of ``y = M x + b`` (:func:`draw_matrix_product`): the matrix
    entries of its ``(input, weight, output)`` triples, the inputs it reads and the
    output (and bias) of its row.

    A matrix drawn without labels (an image, or cells too small to outline one by one)
    gets a thick frame around each of its rows instead (gid ``lit-row-{row}``), as wide
    as the matrix's frame (gid ``matrix-frame``).
    """
    if not labelled:
        frame = next(p for p in ax.patches if p.get_gid() == "matrix-frame")
        cols = frame.get_width()
        frames = []
        for row in step.outputs:
            rect = Rectangle(
                (0, row),
                cols,
                1,
                fill=False,
                edgecolor=theme.foreground,
                linewidth=LIT_WIDTH / 2,
                zorder=4,
                gid=f"lit-row-{row}",
            )
            ax.add_patch(rect)
            frames.append(rect)
        return frames
    gids = [f"m-{o}-{i}-box" for i, _, o in step.triples]
    gids += [f"x-{i}-box" for i in step.inputs]
    gids += [f"y-{o}-box" for o in step.outputs]
    gids += [
        f"b-{o}-box" for o in step.outputs if any(p.get_gid() == f"b-{o}-box" for p in ax.patches)
    ]
    return light(ax, gids, theme)


def product_links(
    index: np.ndarray,
    x: Sequence[float],
    y: Sequence[float],
    x_names: Sequence[str],
    y_names: Sequence[str],
) -> dict[str, linked.Link]:
    """The linked elements of :func:`draw_matrix_product` (or, for a matrix too large to
    label, of its entries' squares): entry ``(i, j)`` holds weight ``index[i, j]``
    (-1: an untrainable zero), x's cells are the inputs and y's (with b's) the outputs."""
    elements = linked.product_elements(index, "m-{row}-{col}")
    if is_labelled(index.shape):
        linked.tag_each(
            elements, "input", x_names, x, lambda j: (f"x-{j}-box", f"x-{j}", f"x-name-{j}")
        )
        linked.tag_each(
            elements,
            "output",
            y_names,
            y,
            lambda i: (f"y-{i}-box", f"y-{i}", f"y-name-{i}", f"b-{i}-box", f"b-{i}"),
        )
    return elements
