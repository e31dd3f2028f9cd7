"""``many-filters``: C_out kernels make C_out feature maps, stacked into the next volume.

On the left the input volume, a stack of its channels. Each kernel is a stack of as many
slices as the input has channels, in its own colour and named; the input goes through
every kernel, and each kernel gives one feature map (its numbers written when the maps are
small). Under the maps (right of them on a slide) they are stacked, map 1 in front, into
the output volume, whose shape is written under it: C_out maps deep.

The maps come from :func:`diagram_gen.layers.conv`, one kernel at a time, and
:func:`compute` checks that they are the channels of the whole layer's output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from diagram_gen import examples, layers, targets
from diagram_gen.examples import ConvLayer, format_number
from diagram_gen.figures import _grid, _matrix, _network, _volume
from diagram_gen.figures._volume import Oblique, Stack
from diagram_gen.style import Theme, text_colour_on

FIGURE_ID = "many-filters"
TITLE = "Many kernels make many feature maps: the next volume"
example = examples.multichannel_example

#: Largest drawable layer: one row per kernel, one slice per channel.
MAX_OUT_CHANNELS = 6
MAX_IN_CHANNELS = 6
MAX_SIDE = 12
#: The largest map side drawn at full cell size; larger layers are drawn smaller.
FULL_SIZE_SIDE = 3
#: Numbers are written in cells of at least this size (in cell units).
NUMBERED_UNIT = 0.55
#: Depth step of the stacks, in cell units along the receding direction.
DEPTH_UNIT = 0.5
#: Cells are drawn this much smaller than the grid figures' (their numbers keep their
#: size): the input, the kernels and the maps then fit across the page column.
CELL_SCALE = 0.85
#: Room between the columns (input, kernels, maps, volume) and between rows, in cells.
FAN_ROOM = 1.2
ARROW_ROOM = 1.0
ROW_GAP = 0.55
#: Under the rows, in the page column: room above the output volume's title, and
#: between the lines that turn down into it, in cells.
VOLUME_DROP = 0.5
LEG_GAP = 0.3
SIZE_FONT = 12
#: The parts (``--part``): the input through the kernels into the maps, and the maps
#: stacked into the output volume. A 4:3 slide holds either with 12 pt text, not both.
PARTS = ("kernels", "volume")


@dataclass(frozen=True)
class ManyFiltersData:
    """The layer's input, its kernels and biases, and one feature map per kernel."""

    image: np.ndarray  # (C_in, H, W)
    kernels: np.ndarray  # (C_out, C_in, kh, kw)
    bias: np.ndarray  # (C_out,)
    maps: np.ndarray  # (C_out, H_out, W_out): kernel k's map, bias included

    @property
    def out_channels(self) -> int:
        return self.kernels.shape[0]

    @property
    def unit(self) -> float:
        """Cell size of the drawing, in cell units: 1 for small maps, smaller for large."""
        return min(1.0, FULL_SIZE_SIDE / max(self.maps.shape[1:]))

    @property
    def numbered(self) -> bool:
        """Whether the cells are large enough to carry their numbers."""
        return self.unit >= NUMBERED_UNIT


def compute(example: ConvLayer) -> ManyFiltersData:
    """One feature map per kernel, each from :func:`layers.conv` with that kernel alone.

    Raises
    ------
    ValueError
        For a layer too large to draw.
    RuntimeError
        If the maps differ from the channels of the whole layer's output (a bug).
    """
    out_channels, in_channels = example.kernel.shape[:2]
    height, width = example.image.shape[1:]
    for name, value, limit in (
        ("out_channels", out_channels, MAX_OUT_CHANNELS),
        ("in_channels", in_channels, MAX_IN_CHANNELS),
        ("height", height, MAX_SIDE),
        ("width", width, MAX_SIDE),
    ):
        if value > limit:
            raise ValueError(
                f"{FIGURE_ID} draws one row per kernel and one slice per channel: {name} "
                f"must be at most {limit}, got {value}."
            )
    kwargs = example.layer_kwargs
    maps = np.stack(
        [
            layers.conv(
                example.image, example.kernel[k : k + 1], example.bias[k : k + 1], **kwargs
            )[0]
            for k in range(out_channels)
        ]
    )
    if not np.allclose(maps, example.output()):
        raise RuntimeError("the maps of the kernels one by one are not the layer's output.")
    return ManyFiltersData(
        image=example.image.copy(),
        kernels=example.kernel.copy(),
        bias=example.bias.copy(),
        maps=maps,
    )


def parts(data: ManyFiltersData) -> list[str]:
    """The kernels and the volume: a 4:3 slide shows one at a time."""
    return list(PARTS)


def render(
    data: ManyFiltersData,
    theme: Theme,
    target: targets.Target | None = None,
    part: str | None = None,
) -> Figure:
    """In the page column the output volume lies under the maps; on a slide, whichever
    of that and the one-row flow (input, kernels, maps, volume) reads larger. ``part``
    draws the input, kernels and maps, or the maps and the volume (in a row)."""

    def build(in_a_row: bool) -> Figure:
        fig, ax = _matrix.new_figure(theme)
        draw_many_filters(ax, data, theme=theme, in_a_row=in_a_row, part=part)
        return fig

    if part is not None:
        return build(part == "volume")
    return _network.for_target(build, target)


def draw_many_filters(
    ax: Axes,
    data: ManyFiltersData,
    *,
    theme: Theme,
    in_a_row: bool = False,
    part: str | None = None,
) -> dict[str, list]:
    """Draw the input stack, one row per kernel with its map, and the output volume.

    The volume lies under the maps, the arrows from the maps turning down into it (the
    page column, which has no room for a fourth column); ``in_a_row`` sets it right of
    the maps instead. ``part`` (:data:`PARTS`) leaves out the volume (``kernels``) or
    the input and the kernels (``volume``).

    Gids: ``input-{s}-front|top|side`` (channel s of the input stack), ``input-value-r-c``
    (channel 1's numbers), ``kernel-{k}-{s}-…`` (slice s of kernel k),
    ``kernel-{k}-title``, ``map-{k}-i-j`` (map k's cells, with ``-box``),
    ``map-{k}-title``, ``volume-{k}-…`` (map k in the output volume),
    ``volume-value-i-j``, ``volume-label-{k}``, ``volume-size``, ``input-size``, and the
    arrows ``to-kernel-{k}``, ``to-map-{k}``, ``to-volume-{k}``.
    """
    c_in, height, width = data.image.shape
    c_out, _, kh, kw = data.kernels.shape
    out_h, out_w = data.maps.shape[1:]
    u = data.unit * CELL_SCALE
    proj = Oblique(unit=u, depth_unit=DEPTH_UNIT)
    dx, dy = proj.step
    font = 11 if data.unit >= 0.9 else 9.5
    title_room = _grid.TITLE_ROOM
    artists: dict[str, list] = {"maps": [], "titles": [], "arrows": [], "volume": []}
    with_kernels, with_volume = part != "volume", part != "kernels"

    in_stack = Stack(height, width, c_in, thickness=0.3)
    k_stack = Stack(kh, kw, c_in, thickness=0.3)
    out_stack = Stack(out_h, out_w, c_out, thickness=0.3)
    rise_in, rise_k, rise_out = (-s.depth * dy for s in (in_stack, k_stack, out_stack))

    # Rows: kernel k's stack (title above its top face) beside map k (title above it).
    map_h = out_h * u
    k_h = kh * u
    body = max(map_h, k_h)
    row_h = max(title_room + map_h, rise_k + title_room + k_h) + ROW_GAP
    in_w = width * u + in_stack.depth * dx
    k_x = in_w + FAN_ROOM
    k_w = kw * u + k_stack.depth * dx
    titles = [f"kernel {k + 1}, b = {format_number(data.bias[k])}" for k in range(c_out)]
    title_w = max(_grid.text_width(ax, t, _grid.TITLE_FONT) for t in titles)
    map_x = k_x + max(k_w + ARROW_ROOM, title_w + 0.4)
    map_titles = [f"map {k + 1} = x ∗ kernel {k + 1}" for k in range(c_out)]
    map_w = max(out_w * u, max(_grid.text_width(ax, t, _grid.TITLE_FONT) for t in map_titles))
    top0 = rise_k + title_room  # the first row's body top
    centres = []
    for k in range(c_out):
        body_top = top0 + k * row_h
        mid = body_top + body / 2
        centres.append(mid)
        # The kernel: a stack of c_in slices in the kernel's colour.
        k_origin = (k_x, mid - k_h / 2)
        if with_kernels:
            _volume.draw_stack(
                ax,
                proj,
                k_origin,
                k_stack,
                fills=[theme.weight_colour(k)] * c_in,
                theme=theme,
                gid=f"kernel-{k}",
            )
            artists["titles"].append(
                _grid.title(
                    ax,
                    k_x,
                    k_origin[1] - rise_k - 0.25,
                    titles[k],
                    theme=theme,
                    gid=f"kernel-{k}-title",
                )
            )
        # The map, numbered when the cells are large enough.
        m_top = mid - map_h / 2
        artists["titles"].append(
            _grid.title(ax, map_x, m_top - 0.25, map_titles[k], theme=theme, gid=f"map-{k}-title")
        )
        artists["maps"] += _draw_map(ax, map_x, m_top, data.maps[k], u, font, theme, f"map-{k}")
        if with_kernels:
            artists["arrows"].append(
                _arrow(ax, (k_x + k_w + 0.15, mid), (map_x - 0.15, mid), theme, f"to-map-{k}")
            )
    rows_bottom = top0 + (c_out - 1) * row_h + body
    block_mid = (top0 + rows_bottom) / 2
    in_origin = (0.0, block_mid - height * u / 2)
    if with_kernels:
        _draw_input(ax, proj, data, in_origin, in_stack, centres, (in_w, k_x), font, artists, theme)
    left = 0.0 if with_kernels else map_x
    bottom = max(rows_bottom, in_origin[1] + height * u + 1.3) if with_kernels else rows_bottom
    right = 0.0
    if with_volume:
        right, volume_bottom = _draw_volume(
            ax, proj, data, (map_x, map_w), centres, rows_bottom, in_a_row, artists, theme
        )
        bottom = max(bottom, volume_bottom)
    for text in artists["titles"]:
        for line in text.get_text().split("\n"):
            width = _grid.text_width(ax, line, text.get_fontsize())
            right = max(right, text.get_position()[0] + width)
    right = max(right, map_x + out_w * u)
    top = min(text.get_position()[1] for text in artists["titles"]) - 0.55  # cap height
    _matrix.fit(ax.figure, ax, (left - 0.35, right + 0.35), (top - 0.1, bottom + 0.2))
    return artists


def _draw_input(ax, proj, data, in_origin, in_stack, centres, xs, font, artists, theme) -> None:
    """The input, centred on the rows, and an arrow from it to every kernel."""
    c_in, height, _ = data.image.shape
    u = proj.unit
    in_w, k_x = xs
    rise_in = -in_stack.depth * proj.step[1]
    block_mid = in_origin[1] + height * u / 2
    _volume.draw_stack(
        ax,
        proj,
        in_origin,
        in_stack,
        fills=[theme.input] * c_in,
        theme=theme,
        gid="input",
        values=data.image[0] if data.numbered else None,
        fontsize=font,
    )
    artists["titles"].append(
        _grid.title(ax, 0, in_origin[1] - rise_in - 0.25, "input x", theme=theme, gid="input-title")
    )
    artists["titles"].append(
        _size_text(
            ax,
            0,
            in_origin[1] + height * u + 0.3,
            data.image.shape,
            theme,
            "input-size",
            "channels",
        )
    )
    for k, mid in enumerate(centres):
        artists["arrows"].append(
            _arrow(ax, (in_w + 0.15, block_mid), (k_x - 0.15, mid), theme, f"to-kernel-{k}")
        )


def _draw_volume(
    ax, proj, data, maps_x, centres, rows_bottom, in_a_row, artists, theme
) -> tuple[float, float]:
    """The output volume: the maps stacked, map 1 in front, with its shape, and the
    arrows from the maps into it; returns its right edge and its bottom."""
    c_out = data.kernels.shape[0]
    out_h, out_w = data.maps.shape[1:]
    u = proj.unit
    map_x, map_w = maps_x
    map_h = out_h * u
    title_room = _grid.TITLE_ROOM
    font = 11 if data.unit >= 0.9 else 9.5
    out_stack = Stack(out_h, out_w, c_out, thickness=0.3)
    rise_out = -out_stack.depth * proj.step[1]
    dx = proj.step[0]
    block_mid = (min(centres) + max(centres)) / 2
    if in_a_row:
        vol_x = map_x + map_w + FAN_ROOM - 0.3
        vol_origin = (vol_x, block_mid - map_h / 2)
    else:  # under the maps, its top under the lines that turn down into it
        outer_leg = map_x + max(out_w * u, map_w) + 0.3 + (c_out - 1) * LEG_GAP
        vol_x = outer_leg + 0.3 - out_w * u - out_stack.depth * dx
        vol_origin = (vol_x, rows_bottom + VOLUME_DROP + title_room + rise_out)
    artists["volume"] = _volume.draw_stack(
        ax,
        proj,
        vol_origin,
        out_stack,
        fills=[theme.output] * c_out,
        theme=theme,
        gid="volume",
        values=data.maps[0] if data.numbered else None,
        fontsize=font,
    )
    for k, mid in enumerate(centres):
        start = (map_x + out_w * u + 0.15, mid)
        if in_a_row:
            end, turn = (vol_x - 0.15, block_mid), None
        else:  # right, then down onto the volume's top, the first map's line outermost
            leg = map_x + max(out_w * u, map_w) + 0.3 + (c_out - 1 - k) * LEG_GAP
            end, turn = (leg, vol_origin[1] - rise_out - title_room + 0.2), "angle"
        artists["arrows"].append(_arrow(ax, start, end, theme, f"to-volume-{k}", turn=turn))
    right = _label_maps(ax, proj, vol_origin, out_stack, theme, left=not in_a_row)
    artists["titles"].append(
        _grid.title(
            ax,
            vol_x,
            vol_origin[1] - rise_out - 0.25,
            "output volume",
            theme=theme,
            gid="volume-title",
        )
    )
    artists["titles"].append(
        _size_text(
            ax,
            vol_x,
            vol_origin[1] + map_h + 0.3,
            data.maps.shape,
            theme,
            "volume-size",
            "feature maps",
        )
    )
    return right, vol_origin[1] + map_h + 1.3


def _draw_map(
    ax: Axes,
    x: float,
    y: float,
    values: np.ndarray,
    u: float,
    font: float,
    theme: Theme,
    gid: str,
) -> list:
    """A feature map as output cells of side ``u``, numbered when they are large enough."""
    texts = []
    numbered = u >= NUMBERED_UNIT * CELL_SCALE  # as data.numbered, at the drawn scale
    for (i, j), value in np.ndenumerate(values):
        box = Rectangle(
            (x + j * u, y + i * u),
            u,
            u,
            facecolor=theme.output,
            edgecolor=theme.background,
            linewidth=1.5 if numbered else 0.8,
            gid=f"{gid}-{i}-{j}-box",
        )
        ax.add_patch(box)
        if numbered:
            texts.append(
                ax.text(
                    x + (j + 0.5) * u,
                    y + (i + 0.5) * u,
                    format_number(value),
                    ha="center",
                    va="center",
                    fontsize=font,
                    color=text_colour_on(theme.output, theme),
                    gid=f"{gid}-{i}-{j}",
                )
            )
    return texts


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    theme: Theme,
    gid: str,
    *,
    turn: str | None = None,
) -> FancyArrowPatch:
    """A straight arrow, or with ``turn="angle"`` one that leaves ``start`` across and
    reaches ``end`` going down."""
    arrow = FancyArrowPatch(
        start,
        end,
        connectionstyle="angle,angleA=0,angleB=90,rad=0" if turn == "angle" else "arc3",
        arrowstyle="-|>,head_length=0.5,head_width=0.25",
        mutation_scale=14,
        color=theme.foreground,
        linewidth=1.3,
        shrinkA=0,
        shrinkB=0,
        zorder=3,
        gid=gid,
    )
    ax.add_patch(arrow)
    return arrow


def _size_text(
    ax: Axes,
    x: float,
    y: float,
    shape: tuple[int, int, int],
    theme: Theme,
    gid: str,
    depth_word: str,
):
    """``3 × 4 × 4`` (channels first) and what the depth counts, under a stack."""
    d = shape[0]
    return ax.text(
        x,
        y,
        f"{_volume.shape_text(shape, ' × ')}\n({d} {depth_word if d != 1 else depth_word[:-1]})",
        ha="left",
        va="top",
        fontsize=SIZE_FONT,
        color=theme.foreground,
        linespacing=1.25,
        gid=gid,
    )


def _label_maps(
    ax: Axes,
    proj: Oblique,
    origin: tuple[float, float],
    stack: Stack,
    theme: Theme,
    *,
    left: bool = False,
) -> float:
    """Name each slice of the output volume ("map k") right of its top corner, or with
    ``left`` left of its top-left corner.

    Returns the right edge of the labels (of the volume, with ``left``).
    """
    count = stack.count
    dx, _ = proj.step
    edge = origin[0] + stack.cols * proj.unit + stack.depth * dx
    label_x = origin[0] - 0.45 if left else edge + 0.45
    right = edge if left else label_x
    for k in range(count):
        corner = proj.point(origin, 0 if left else stack.cols, 0, k * stack.pitch)
        ax.plot(
            [corner[0] - 0.05, label_x + 0.08] if left else [corner[0] + 0.05, label_x - 0.08],
            [corner[1], corner[1]],
            color=theme.muted,
            linewidth=0.9,
            linestyle=(0, (2, 2)),
            zorder=5,
            gid=f"volume-leader-{k}",
        )
        ax.text(
            label_x,
            _grid.baseline(corner[1]),
            f"map {k + 1}",
            ha="right" if left else "left",
            va="baseline",
            fontsize=_volume.MIN_FONT + 1,
            color=theme.foreground,
            gid=f"volume-label-{k}",
        )
        if not left:
            width = _grid.text_width(ax, f"map {k + 1}", _volume.MIN_FONT + 1)
            right = max(right, label_x + width)
    return right


def caption(data: ManyFiltersData) -> str:
    c_out = data.kernels.shape[0]
    out_h, out_w = data.maps.shape[1:]
    return (
        f"{c_out} kernels of {_volume.shape_text(data.kernels.shape[1:])} on a "
        f"{_volume.shape_text(data.image.shape)} input (channels x height x width) make "
        f"{c_out} feature maps of {out_h}x{out_w}, stacked into a "
        f"{_volume.shape_text(data.maps.shape)} output volume: one map, and one output "
        f"channel, per kernel. The layer's weights are one "
        f"{_volume.shape_text(data.kernels.shape)} tensor (C_out x C_in x k x k)."
    )


def alt_text(data: ManyFiltersData) -> str:
    c_in = data.image.shape[0]
    c_out, _, kh, kw = data.kernels.shape
    maps = "; ".join(
        f"kernel {k + 1} (bias {format_number(data.bias[k])}) gives map {k + 1} with the "
        f"rows {_grid.grid_text(data.maps[k])}"
        for k in range(c_out)
    )
    front = f" with the rows {_grid.grid_text(data.image[0])}" if data.numbered else ""
    drawn = (
        "Each map's numbers are written in its cells"
        if data.numbered
        else "The maps are too large to number, so their cells are drawn without numbers"
    )
    return (
        f"On the left, the {_volume.shape_text(data.image.shape)} input (channels x height "
        f"x width) drawn as a stack of {c_in} "
        f"channels, channel 1 in front{front}. In the middle, {c_out} kernels, each a "
        f"stack of {c_in} slices of {kh}x{kw} in its own colour; an arrow runs from the "
        f"input to every kernel and from every kernel to its feature map: {maps}. "
        f"{drawn}. Under them, the {c_out} maps stacked, map 1 in front, into the output "
        f"volume of {_volume.shape_text(data.maps.shape)}."
    )
