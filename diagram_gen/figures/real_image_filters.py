"""``real-image-filters``: a photograph through real 3x3 filters, and one pixel traced back.

Top row: the photograph that matplotlib ships (Grace Hopper, ``grace_hopper.jpg`` in its
sample data, so nothing is downloaded), in greyscale, then the feature maps of four
classic filters, all computed at once by one :func:`layers.conv` with four output
channels: a Gaussian blur, a sharpen, a Sobel filter for vertical edges and a Laplacian
for edges in every direction. Each kernel's numbers are printed under its map, in the
kernel's colour.

Bottom row: one output pixel of the edge map traced back to the 3x3 patch of the input it
comes from. The patch is outlined in the zoomed input with its nine grey values written
in, the kernel stands beside it, and the sum of the nine products is written out term by
term, so a reader can check the pixel's value by hand.

How the photograph becomes the input, deterministically (nothing here is random):

1. read with :func:`matplotlib.image.imread` (RGB, values 0-255);
2. greyscale as luma with ITU-R BT.601 weights, ``0.299 R + 0.587 G + 0.114 B``, on the
   stored (gamma-encoded) values, as JPEG and Pillow's "L" mode do;
3. keep the top square of side ``size * f`` (``f = 512 // size``), centred left to right,
   which holds the face and the flag;
4. downsample by averaging each ``f`` x ``f`` block into one pixel;
5. round half up to whole grey levels 0-255, so every product in the traced sum is a
   whole number and the sum can be checked exactly. Steps 2-5 run in integers (luma
   times 1000), so no float summation order can move a value that ends in exactly .5.

The filters run with stride 1 and no padding, so each map is ``size - 2`` pixels wide and
every output pixel has a full 3x3 patch (no zero padding at the border).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from matplotlib import cbook
from matplotlib import image as mpl_image
from matplotlib.colors import Normalize, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from diagram_gen import layers
from diagram_gen.examples import MINUS, format_number
from diagram_gen.figures import _lineplot, _matrix
from diagram_gen.params import Int
from diagram_gen.style import Theme, text_colour_on

FIGURE_ID = "real-image-filters"
TITLE = "A photograph through real filters, and one pixel traced back"
PARAMETERS = {"size": Int(1, 4096)}

PHOTOGRAPH = "grace_hopper.jpg"
#: ITU-R BT.601 luma weights for R, G and B (0.299, 0.587, 0.114), times 1000.
LUMA_WEIGHTS_1000 = (299, 587, 114)
#: Side of the square of the photograph the input is cut from.
CROP = 512
MIN_SIZE, MAX_SIZE = 16, 512


@dataclass(frozen=True)
class Filter:
    """A 3x3 filter written as whole numbers over a divisor: ``numerators / divisor``."""

    key: str
    title: str
    numerators: tuple[tuple[int, ...], ...]
    divisor: int = 1
    signed: bool = False  # its output has both signs (drawn with the diverging map)

    @property
    def kernel(self) -> np.ndarray:
        return np.array(self.numerators, dtype=float) / self.divisor


FILTERS = (
    Filter("blur", "Blur\n(Gaussian)", ((1, 2, 1), (2, 4, 2), (1, 2, 1)), 16),
    Filter("sharpen", "Sharpen", ((0, -1, 0), (-1, 5, -1), (0, -1, 0))),
    Filter("sobel", "Vertical edges\n(Sobel)", ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)),
           signed=True),
    Filter("laplacian", "All edges\n(Laplacian)", ((0, 1, 0), (1, -4, 1), (0, 1, 0)),
           signed=True),
)  # fmt: skip
#: The filter whose strongest output pixel is traced back to its patch.
TRACED = "sobel"


@dataclass(frozen=True)
class Photograph:
    """The greyscale input and how it was made."""

    image: np.ndarray  # (size, size) whole grey levels 0-255, as float64
    factor: int  # side of the averaged blocks
    crop: tuple[int, int, int, int]  # top, left, height, width in the photograph


@cache
def _photograph_rgb() -> np.ndarray:
    """The photograph's RGB values as stored, (600, 512, 3) uint8, read once."""
    path = cbook.get_sample_data(PHOTOGRAPH, asfileobj=False)
    rgb = mpl_image.imread(path)
    rgb.setflags(write=False)
    return rgb


def load_photograph(*, size: int = 128) -> Photograph:
    """The photograph as a ``size`` x ``size`` greyscale image (see the module's steps).

    Parameters
    ----------
    size : int, default 128
        Side of the result, from 16 to 512.

    Raises
    ------
    ValueError
        If ``size`` is not an integer from 16 to 512.
    """
    size = layers.check_positive_int("size", size)
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"size must be from {MIN_SIZE} to {MAX_SIZE} pixels, got {size}.")
    rgb = _photograph_rgb().astype(np.int64)
    factor = CROP // size
    side = size * factor
    left = (rgb.shape[1] - side) // 2
    # In whole numbers, so the result does not depend on the order of a float sum: luma
    # times 1000, summed over each block, then divided by 1000 f² and rounded half up.
    luma_1000 = rgb[:side, left : left + side] @ np.array(LUMA_WEIGHTS_1000)
    sums = luma_1000.reshape(size, factor, size, factor).sum(axis=(1, 3))
    divisor = 1000 * factor * factor
    grey = (2 * sums + divisor) // (2 * divisor)
    return Photograph(grey.astype(np.float64), factor, (0, left, side, side))


example = load_photograph


@dataclass(frozen=True)
class FilterData:
    """The input, every feature map, and the traced pixel with its patch."""

    photograph: Photograph
    kernels: np.ndarray  # (F, 3, 3) the kernels as applied
    maps: np.ndarray  # (F, size - 2, size - 2) one feature map per filter
    traced: int  # index of the traced filter
    pixel: tuple[int, int]  # (row, col) of the traced output pixel

    @property
    def image(self) -> np.ndarray:
        return self.photograph.image

    @property
    def patch(self) -> np.ndarray:
        """The 3x3 input patch the traced pixel comes from."""
        r, c = self.pixel
        return self.image[r : r + 3, c : c + 3]

    @property
    def value(self) -> float:
        """The traced pixel's value, as the convolution computed it."""
        return float(self.maps[(self.traced, *self.pixel)])


def compute(photograph: Photograph) -> FilterData:
    """All four feature maps from one convolution with four output channels."""
    kernels = np.stack([f.kernel for f in FILTERS])
    maps = layers.conv(photograph.image[np.newaxis], kernels[:, np.newaxis])
    traced = [f.key for f in FILTERS].index(TRACED)
    strongest = np.unravel_index(np.argmax(np.abs(maps[traced])), maps.shape[1:])
    return FilterData(photograph, kernels, maps, traced, (int(strongest[0]), int(strongest[1])))


# ----------------------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------------------

#: Laid out for the page column: 8.2 in with text of 10 pt and up is 11.7 CSS px in the
#: 7.17 in column, and 12.2 pt once scaled to a 4:3 slide's 10 in (12.5 pt on 16:9).
FIG_WIDTH, FIG_HEIGHT = 8.2, 5.99
MAP_INCHES = 1.35
MAP_GAP = 0.28
MAP_TOP = 0.58  # inches from the top of the figure to the top of the maps
KERNEL_CELL = 0.24  # inches per kernel cell under a map
ZOOM = 5  # side of the zoomed input around the patch, in pixels
ZOOM_CELL = 0.36  # inches per zoomed pixel
TRACE_CELL = 0.32  # inches per cell of the kernel in the traced sum
PIXEL_CELL = 0.46  # inches per cell of the output pixel's neighbourhood
MAP_FONT = 10.5
CELL_FONT = 10.0
SUM_FONT = 10.0
NOTE_FONT = 10.0
#: Inches from the top of the maps to the top of the notes under them (under the kernel).
NOTE_DROP = 3 * KERNEL_CELL + 0.3
#: Inches from the top of the figure to the traced pixel's row.
TRACE_TOP = MAP_TOP + MAP_INCHES + NOTE_DROP + 0.8
#: Percentile of |value| at which the colours of a signed map saturate.
SATURATE_PERCENTILE = 95


def render(data: FilterData, theme: Theme) -> Figure:
    fig = _lineplot.new_figure(theme, (FIG_WIDTH, FIG_HEIGHT))
    draw_real_image_filters(fig, data, theme=theme)
    return fig


def _axes(fig: Figure, left: float, top: float, width: float, height: float):
    """Axes placed in inches from the figure's top-left corner, without frame."""
    ax = fig.add_axes(
        (left / FIG_WIDTH, 1 - (top + height) / FIG_HEIGHT, width / FIG_WIDTH, height / FIG_HEIGHT)
    )
    ax.set_axis_off()
    return ax


def _grey(value: float) -> str:
    """The fill of a grey level 0-255, as the input image shows it."""
    level = min(max(value / 255.0, 0.0), 1.0)
    return to_hex((level, level, level))


def _norm(data: FilterData, index: int) -> tuple[str, Normalize]:
    """Colour map and range of feature map ``index`` (grey 0-255, or symmetric signed)."""
    if FILTERS[index].signed:
        return "signed", Normalize(-_signed_limit(data, index), _signed_limit(data, index))
    return "grey", Normalize(0, 255)


def _signed_limit(data: FilterData, index: int) -> float:
    """Where a signed map's colours saturate: a high percentile of its |values|.

    Strong edges are rare, so with the largest value as the limit nearly every pixel
    would be pale; the strongest few percent share the full colour instead. Rounded to
    a whole number so the note under the map can state it exactly.
    """
    limit = float(np.round(np.percentile(np.abs(data.maps[index]), SATURATE_PERCENTILE)))
    return max(limit, 1.0)


def draw_real_image_filters(fig: Figure, data: FilterData, *, theme: Theme) -> dict[str, list]:
    """The row of feature maps with their kernels, then the traced pixel."""
    artists = draw_feature_maps(fig, data, theme=theme)
    for key, value in draw_trace(fig, data, theme=theme).items():
        artists.setdefault(key, []).extend(value)
    return artists


def draw_feature_maps(fig: Figure, data: FilterData, *, theme: Theme) -> dict[str, list]:
    """Input and the four maps in a row; the kernel's numbers under each map."""
    artists: dict[str, list] = {"images": [], "titles": [], "kernels": [], "notes": [],
                                "marks": []}  # fmt: skip
    row_width = 5 * MAP_INCHES + 4 * MAP_GAP
    left0 = (FIG_WIDTH - row_width) / 2
    size = data.image.shape[0]
    r, c = data.pixel
    for panel in range(5):
        left = left0 + panel * (MAP_INCHES + MAP_GAP)
        ax = _axes(fig, left, MAP_TOP, MAP_INCHES, MAP_INCHES)
        if panel == 0:
            picture = data.image
            image = ax.imshow(picture, cmap="gray", vmin=0, vmax=255, gid="map-input")
            title = f"Input, {size}×{size}\ngrey values 0–255"
            factor = data.photograph.factor
            note = f"from the photograph,\n{factor}×{factor} blocks averaged"
            # The patch of the traced pixel, drawn larger than 3 pixels so it can be seen.
            mark = _location_mark(ax, r + 1, c + 1, size, theme, gid="mark-input", least=1.5)
        else:
            index = panel - 1
            kind, norm = _norm(data, index)
            cmap = theme.diverging if kind == "signed" else "gray"
            picture = data.maps[index]
            image = ax.imshow(picture, cmap=cmap, norm=norm, gid=f"map-{FILTERS[index].key}")
            out = picture.shape[0]
            title = FILTERS[index].title
            low, high = float(picture.min()), float(picture.max())
            note = (
                f"{out}×{out},\nvalues {format_number(round(low))} to {format_number(round(high))}"
            )
            if kind == "grey" and (low < 0 or high > 255):
                note += "\nclipped to 0–255"
            if kind == "signed":
                note += f"\nblue +, orange −;\nfull colour at ±{format_number(norm.vmax)}"
            mark = (
                _location_mark(
                    ax, r, c, out, theme, gid="mark-output", least=0.5, colour=theme.output
                )
                if index == data.traced
                else None
            )
            artists["kernels"] += _kernel_grid(fig, left, index, data, theme)
        ax.set_xlim(-0.5, picture.shape[1] - 0.5)
        ax.set_ylim(picture.shape[0] - 0.5, -0.5)
        frame = Rectangle((-0.5, -0.5), picture.shape[1], picture.shape[0], fill=False,
                          edgecolor=theme.muted, linewidth=0.8)  # fmt: skip
        ax.add_patch(frame)
        artists["images"].append(image)
        artists["titles"].append(
            ax.text(0.5, 1.04, title, transform=ax.transAxes, ha="center", va="bottom",
                    fontsize=MAP_FONT, gid=f"title-{panel}", linespacing=1.15)
        )  # fmt: skip
        artists["notes"].append(
            fig.text(
                (left + MAP_INCHES / 2) / FIG_WIDTH,
                1 - (MAP_TOP + MAP_INCHES + (0.12 if panel == 0 else NOTE_DROP)) / FIG_HEIGHT,
                note, ha="center", va="top", fontsize=NOTE_FONT,
                color=theme.muted, gid=f"note-{panel}",
            )
        )  # fmt: skip
        if mark is not None:
            artists["marks"].append(mark)
    return artists


def _location_mark(
    ax,
    row: int,
    col: int,
    side: int,
    theme: Theme,
    *,
    gid: str,
    least: float,
    colour: str | None = None,
) -> Rectangle:
    """A square centred on (row, col): the kernel's colour around the patch on the input,
    the output colour around the pixel on its map. It is exactly the patch (``least`` =
    1.5) or the pixel (0.5) on a small image, and grows with the image so it stays
    visible on a large one."""
    half = max(least, side / 40)
    mark = Rectangle((col - half, row - half), 2 * half, 2 * half, fill=False,
                     edgecolor=colour or theme.kernel, linewidth=2.4, gid=gid)  # fmt: skip
    ax.add_patch(mark)
    return mark


def _kernel_grid(fig: Figure, map_left: float, index: int, data: FilterData, theme: Theme):
    """The kernel's whole-number entries as 3x3 orange cells under map ``index``."""
    flt = FILTERS[index]
    grid = 3 * KERNEL_CELL
    left = map_left + (MAP_INCHES - grid) / 2 + (0.22 if flt.divisor != 1 else 0)
    top = MAP_TOP + MAP_INCHES + 0.15
    ax = _axes(fig, left, top, grid, grid)
    ax.set_xlim(0, 3)
    ax.set_ylim(3, 0)
    texts = []
    for (i, j), value in np.ndenumerate(np.array(flt.numerators)):
        texts.append(
            _matrix.cell(ax, j, i, theme.kernel, format_number(value), theme,
                         gid=f"kernel-{flt.key}-{i}-{j}", fontsize=CELL_FONT)[1]
        )  # fmt: skip
    if flt.divisor != 1:
        texts.append(
            ax.text(-0.15, 1.5, f"1/{flt.divisor} ×", ha="right", va="center",
                    fontsize=CELL_FONT + 1, gid=f"kernel-{flt.key}-divisor")
        )  # fmt: skip
    return texts


def draw_trace(fig: Figure, data: FilterData, *, theme: Theme) -> dict[str, list]:
    """Zoomed input with the patch outlined, × the kernel, = the sum, = the pixel."""
    artists: dict[str, list] = {"patch": [], "trace_kernel": [], "sum": [], "pixel": [],
                                "titles": []}  # fmt: skip
    r, c = data.pixel
    flt = FILTERS[data.traced]
    size = data.image.shape[0]
    top = TRACE_TOP
    # Zoomed input: ZOOM x ZOOM pixels with the patch in the middle (clamped at borders).
    zoom_top = min(max(r + 1 - ZOOM // 2, 0), size - ZOOM)
    zoom_left = min(max(c + 1 - ZOOM // 2, 0), size - ZOOM)
    zoom_inches = ZOOM * ZOOM_CELL
    left = 0.3
    ax = _axes(fig, left, top + 0.35, zoom_inches, zoom_inches)
    ax.set_xlim(zoom_left, zoom_left + ZOOM)
    ax.set_ylim(zoom_top + ZOOM, zoom_top)
    for i in range(zoom_top, zoom_top + ZOOM):
        for j in range(zoom_left, zoom_left + ZOOM):
            inside = r <= i < r + 3 and c <= j < c + 3
            fill = _grey(data.image[i, j])
            square, text = _matrix.cell(
                ax, j, i, fill, format_number(data.image[i, j]) if inside else "", theme,
                gid=f"patch-{i - r}-{j - c}" if inside else f"zoom-{i}-{j}",
                fontsize=CELL_FONT, edge=theme.background,
            )  # fmt: skip
            square.set_linewidth(0.6)
            if inside:
                artists["patch"].append(text)
    ax.add_patch(Rectangle((zoom_left, zoom_top), ZOOM, ZOOM, fill=False, linewidth=0.8,
                           edgecolor=theme.muted, clip_on=False, gid="zoom-frame"))  # fmt: skip
    outline = Rectangle((c, r), 3, 3, fill=False, edgecolor=theme.kernel, linewidth=3.5,
                        gid="patch-outline", clip_on=False)  # fmt: skip
    ax.add_patch(outline)
    artists["patch"].append(outline)
    artists["titles"].append(
        fig.text(left / FIG_WIDTH, 1 - top / FIG_HEIGHT,
                 f"Input, rows {r + 1}–{r + 3}, columns {c + 1}–{c + 3}",
                 ha="left", va="top", fontsize=MAP_FONT, gid="trace-title-input")
    )  # fmt: skip

    # × the kernel, in cells of the kernel's colour.
    times_x = left + zoom_inches + 0.15
    middle = top + 0.35 + zoom_inches / 2
    fig.text(times_x / FIG_WIDTH, 1 - middle / FIG_HEIGHT, "×", ha="left", va="center",
             fontsize=16, gid="trace-times")  # fmt: skip
    kernel_left = times_x + 0.3
    grid = 3 * TRACE_CELL
    kax = _axes(fig, kernel_left, middle - grid / 2, grid, grid)
    kax.set_xlim(0, 3)
    kax.set_ylim(3, 0)
    for (i, j), value in np.ndenumerate(np.array(flt.numerators)):
        artists["trace_kernel"].append(
            _matrix.cell(kax, j, i, theme.kernel, format_number(value), theme,
                         gid=f"trace-kernel-{i}-{j}", fontsize=CELL_FONT + 1)[1]
        )  # fmt: skip
    artists["titles"].append(
        kax.text(1.5, -0.25, flt.title.replace("\n", " "), ha="center", va="bottom",
                 fontsize=CELL_FONT + 1, gid="trace-title-kernel")
    )  # fmt: skip

    # = the nine products, one kernel row per line, and their sum.
    sum_left = kernel_left + grid + 0.25
    lines = []
    for i in range(3):
        terms = [
            f"{format_number(data.patch[i, j])}·{_signed(flt.numerators[i][j])}" for j in range(3)
        ]
        lines.append(("= " if i == 0 else "+ ") + " + ".join(terms))
    total = (
        sum(data.patch[i, j] * flt.numerators[i][j] for i in range(3) for j in range(3))
        / flt.divisor
    )
    lines.append(f"= {format_number(total)}")
    sum_text = fig.text(sum_left / FIG_WIDTH, 1 - middle / FIG_HEIGHT, "\n".join(lines),
                        ha="left", va="center", fontsize=SUM_FONT + 1, linespacing=1.6,
                        gid="trace-sum")  # fmt: skip
    artists["sum"].append(sum_text)
    artists["titles"].append(
        fig.text(sum_left / FIG_WIDTH, 1 - top / FIG_HEIGHT,
                 "Patch value · kernel weight, added up", ha="left", va="top",
                 fontsize=MAP_FONT, gid="trace-title-sum")
    )  # fmt: skip

    # = the output pixel, in the middle of its 3x3 neighbourhood of the edge map.
    out = data.maps[data.traced]
    pixel_left = FIG_WIDTH - 0.35 - 3 * PIXEL_CELL
    cell_inches = PIXEL_CELL
    pax = _axes(fig, pixel_left, middle - 1.5 * cell_inches, 3 * cell_inches, 3 * cell_inches)
    kind, norm = _norm(data, data.traced)
    rows = range(max(r - 1, 0), min(r + 2, out.shape[0]))
    cols = range(max(c - 1, 0), min(c + 2, out.shape[1]))
    pax.set_xlim(c - 1, c + 2)
    pax.set_ylim(r + 2, r - 1)
    for i in rows:
        for j in cols:
            fill = to_hex(theme.diverging(norm(out[i, j])))
            centre = (i, j) == (r, c)
            square, text = _matrix.cell(
                pax, j, i, fill, format_number(out[i, j]) if centre else "", theme,
                gid="pixel-value" if centre else f"pixel-around-{i}-{j}",
                fontsize=CELL_FONT + 1, edge=theme.muted,
            )  # fmt: skip
            square.set_linewidth(0.6)
            if centre:
                text.set_color(text_colour_on(fill, theme))
                artists["pixel"].append(text)
    pixel_outline = Rectangle((c, r), 1, 1, fill=False, edgecolor=theme.output, linewidth=3.5,
                              gid="pixel-outline", clip_on=False)  # fmt: skip
    pax.add_patch(pixel_outline)
    # An arrow from the end of the sum to the pixel it computes.
    sum_right = sum_text.get_window_extent(fig.canvas.get_renderer()).x1 / fig.dpi
    arrow_y = 1 - middle / FIG_HEIGHT
    artists["pixel"].append(
        fig.add_artist(
            FancyArrowPatch(
                ((sum_right + 0.25) / FIG_WIDTH, arrow_y),
                ((pixel_left - 0.15) / FIG_WIDTH, arrow_y),
                transform=fig.transFigure, arrowstyle="-|>", mutation_scale=20,
                linewidth=1.8, color=theme.foreground, gid="trace-arrow",
            )
        )
    )  # fmt: skip
    artists["pixel"].append(pixel_outline)
    artists["titles"].append(
        fig.text((pixel_left + 1.5 * cell_inches) / FIG_WIDTH, 1 - top / FIG_HEIGHT,
                 f"Output pixel\n(row {r + 1}, column {c + 1})\nof the edge map",
                 ha="center", va="top", fontsize=MAP_FONT, gid="trace-title-pixel")
    )  # fmt: skip
    return artists


def _signed(value: int) -> str:
    """A weight in a product: ``2``, ``(−1)``."""
    text = format_number(value)
    return f"({text})" if text.startswith(MINUS) else text


def caption(data: FilterData) -> str:
    r, c = data.pixel
    size = data.image.shape[0]
    return (
        f"A {size}×{size} greyscale photograph through four 3×3 filters computed by one "
        f"convolution with four output channels: blur, sharpen, vertical edges and all "
        f"edges. Below, the edge map's pixel at row {r + 1}, column {c + 1} is traced back "
        f"to its 3×3 patch: nine products that add up to {format_number(data.value)}."
    )


def alt_text(data: FilterData) -> str:
    r, c = data.pixel
    size = data.image.shape[0]
    out = data.maps.shape[-1]
    flt = FILTERS[data.traced]

    def grid(values) -> str:
        return "; ".join(", ".join(format_number(v) for v in row) for row in values)

    maps = ". ".join(
        f"{f.title.replace(chr(10), ' ')}, kernel "
        f"{'1/' + str(f.divisor) + ' times ' if f.divisor != 1 else ''}"
        f"({grid(f.numerators)}), values {format_number(round(float(m.min())))} to "
        f"{format_number(round(float(m.max())))}"
        for f, m in zip(FILTERS, data.maps, strict=True)
    )
    return (
        f"Top row: the photograph of Grace Hopper that matplotlib ships, in greyscale, "
        f"{size}×{size} pixels with values 0 to 255, and four {out}×{out} feature maps "
        f"with the kernel's numbers under each (rows separated by semicolons). {maps}. "
        f"Bottom row: the edge map's pixel at row {r + 1}, column {c + 1}, traced back to "
        f"the input patch at rows {r + 1} to {r + 3}, columns {c + 1} to {c + 3}, outlined "
        f"in the zoomed input, with grey values ({grid(data.patch)}). Multiplied by the "
        f"{flt.title.replace(chr(10), ' ')} kernel ({grid(flt.numerators)}) entry by "
        f"entry and added up, they give {format_number(data.value)}, the value of the "
        f"output pixel, shown outlined in its neighbourhood of the edge map."
    )
