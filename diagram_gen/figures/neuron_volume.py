"""``neuron-volume``: what a neuron is in a CNN, drawn in the volumes a layer works on.

The input volume (3x32x32 by default, channels first) carries one receptive field
(3x5x5), filled in the kernel colour. Above, the layer's k kernels, each exactly as
large as the field, each in its own colour and named. Lines run from the field through
every kernel to one neuron of the output volume: the k neurons at the same place in the
k feature maps, the *depth column*, all look at the same field through different
kernels. The front face of the output volume is hatched: it is the first feature map,
the plane of neurons that all share the first kernel.

The output's shape comes from running :func:`diagram_gen.layers.conv`, and the numbers in
the neurons are the activations it computed there (bias included). Depth is drawn on its
own scale so that the column's neurons have room; every edge is labelled with its size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Polygon

from diagram_gen import examples, targets
from diagram_gen.examples import ConvLayer, format_number
from diagram_gen.figures import _network, _volume
from diagram_gen.figures._volume import Oblique
from diagram_gen.params import Int
from diagram_gen.style import Theme, text_colour_on

FIGURE_ID = "neuron-volume"
TITLE = "A neuron, a depth column and a feature map in the output volume"
PARAMETERS = {
    "size": Int(1, 256),
    "channels": Int(1, 64),
    "field": Int(1, 64),
    "kernels": Int(1, 64),
}
example = examples.volume_example

#: Largest drawable sizes: past them the volumes, or the row of kernels, outgrow a slide.
MAX_SIZE = 64
MAX_CHANNELS = 6
MAX_KERNELS = 6
#: Inches of the input volume's front face; the output is drawn to the same scale. The
#: figure is laid out for the page column (7.17 in): two volumes, the gap between them
#: and the column's label fit across it with text of 9 pt or more.
VOLUME_INCHES = 1.6
#: Inches per channel (or feature map) along the receding direction, at most and at least.
DEPTH_INCHES = 0.38
MIN_DEPTH_INCHES = 0.2
#: Widest row of kernels, in inches.
MAX_ROW_INCHES = 6.2
#: Radius of a neuron of the depth column, in inches; from VALUE_RADIUS up, the neuron's
#: activation is written in it, otherwise beside the column.
NEURON_RADIUS = 0.17
VALUE_RADIUS = 0.15
#: Space between the input and the output volume, and between kernels, in inches.
VOLUME_GAP = 0.7
KERNEL_GAP = 0.15
#: Font sizes in points: at 10.5 pt and up, the 8.7 in figure is 11.6 CSS px in the page
#: column and 12 pt on a 4:3 slide.
LABEL_FONT = 11
NOTE_FONT = 10.5
VALUE_FONT = 10.5


@dataclass(frozen=True)
class NeuronVolumeData:
    """What the figure draws, all from the example and :func:`layers.conv`."""

    input_shape: tuple[int, int, int]  # (C, H, W)
    kernel_shape: tuple[int, int, int, int]  # (K, C, kh, kw)
    output_shape: tuple[int, int, int]  # (K, H_out, W_out), from layers.conv
    position: tuple[int, int]  # (row, column) of the depth column in the output
    field_start: tuple[int, int]  # (row, column) of the field's top-left input pixel
    column: np.ndarray  # (K,) the depth column's activations, bias included
    bias: np.ndarray  # (K,)

    @property
    def kernels(self) -> int:
        return self.kernel_shape[0]


def compute(example: ConvLayer) -> NeuronVolumeData:
    """Run the layer and pick the depth column: top row, middle column of the output.

    The top row keeps the column on the output's top face, where it is visible, and the
    field on the input's top face.
    """
    channels, height, width = example.image.shape
    kernels, _, kh, kw = example.kernel.shape
    for name, noun, value, limit in (
        ("size", "cells a side", max(height, width), MAX_SIZE),
        ("channels", "channels", channels, MAX_CHANNELS),
        ("kernels", "kernels", kernels, MAX_KERNELS),
    ):
        if value > limit:
            raise ValueError(
                f"{FIGURE_ID} draws at most {limit} {noun}: {name} must be at most "
                f"{limit}, got {value}."
            )
    output = example.output()  # layers.conv: the shape is measured, not predicted
    row, col = 0, output.shape[2] // 2
    stride = example.stride if isinstance(example.stride, int) else example.stride[0]
    return NeuronVolumeData(
        input_shape=(channels, height, width),
        kernel_shape=(kernels, channels, kh, kw),
        output_shape=tuple(int(n) for n in output.shape),
        position=(row, col),
        field_start=(row * stride, col * stride),
        column=output[:, row, col].copy(),
        bias=example.bias.copy(),
    )


def render(data: NeuronVolumeData, theme: Theme, target: targets.Target | None = None) -> Figure:
    """The notes under the volumes in the page column; on a slide, whichever of that
    and the notes in a column on the right reads larger."""

    def build(notes_beside: bool) -> Figure:
        fig, ax = _volume.new_canvas(theme)
        draw_neuron_volume(ax, data, theme=theme, notes_beside=notes_beside)
        _volume.fit(fig, ax)
        return fig

    return _network.for_target(build, target)


def projection(data: NeuronVolumeData) -> Oblique:
    """One scale for both volumes and the kernels.

    The input's side is VOLUME_INCHES and a layer of depth DEPTH_INCHES, unless the row
    of kernels (each as large as the field) would then be wider than MAX_ROW_INCHES:
    depth shrinks first (down to MIN_DEPTH_INCHES), then the whole drawing, to half its
    scale at most.
    """
    channels, height, width = data.input_shape
    kernels, _, _, kw = data.kernel_shape
    unit = VOLUME_INCHES / max(height, width)
    cos = math.cos(math.radians(Oblique().angle))
    gaps = (kernels - 1) * KERNEL_GAP
    depth = DEPTH_INCHES
    if kernels * (kw * unit + channels * depth * cos) + gaps > MAX_ROW_INCHES:
        room = MAX_ROW_INCHES - gaps - kernels * kw * unit
        depth = max(MIN_DEPTH_INCHES, room / (kernels * channels * cos))
    if kernels * (kw * unit + channels * depth * cos) + gaps > MAX_ROW_INCHES:
        # Never under half the volume's own scale: a row of many deep kernels is then
        # wider than the column, and the browser shrinks the figure to fit.
        fitted = (MAX_ROW_INCHES - gaps - kernels * channels * depth * cos) / (kernels * kw)
        unit = max(fitted, unit / 2)
    return Oblique(unit=unit, depth_unit=depth)


def neuron_radius(proj: Oblique) -> float:
    """Neurons as large as NEURON_RADIUS, or smaller so that neighbours never touch."""
    return min(NEURON_RADIUS, 0.45 * proj.depth_unit)


def draw_neuron_volume(
    ax: Axes, data: NeuronVolumeData, *, theme: Theme, notes_beside: bool = False
) -> dict[str, list]:
    """Draw the input with its field, the kernels, the output with its column and map.

    Gids: faces ``input-front|top|side``, ``field-…``, ``output-…``, ``kernel-{k}-…``;
    the neurons ``neuron-{k}`` (circles) and ``neuron-{k}-value``; the connections
    ``path-{k}-in`` (field to kernel) and ``path-{k}-out`` (kernel to neuron); the
    hatched map ``feature-map``; dimension texts ``input-dim-…``, ``output-dim-…``.
    """
    proj = projection(data)
    dx, dy = proj.step
    channels, height, width = data.input_shape
    kernels, _, kh, kw = data.kernel_shape
    _, out_h, out_w = data.output_shape
    artists: dict[str, list] = {"faces": [], "paths": [], "neurons": [], "texts": []}

    # Vertical layout: kernel labels, kernels, then the volumes' top faces and fronts.
    label_h = _volume.text_size(ax, "kernel 1", LABEL_FONT)[1]
    kernel_y = label_h + 0.6 + channels * -dy  # the top of the kernels' front faces
    kernel_bottom = kernel_y + kh * proj.unit
    volume_y = kernel_bottom + 0.7 + max(channels, kernels) * -dy
    in_origin = (0.0, volume_y)
    out_origin = (width * proj.unit + channels * dx + VOLUME_GAP, volume_y)

    # The input volume, its channel boundaries and the receptive field on its surface.
    artists["faces"] += _volume.draw_box(
        ax,
        proj,
        in_origin,
        (width, height, channels),
        fill=theme.input,
        edge=theme.foreground,
        gid="input",
    ).values()
    _volume.face_lines(
        ax,
        proj,
        in_origin,
        (width, height, channels),
        depths=range(1, channels),
        colour=theme.foreground,
        gid="input-channel",
    )
    r0, c0 = data.field_start
    field_size = (kw, kh, channels)
    field_faces = _volume.visible_faces((c0, r0, 0), field_size, (width, height, channels))
    artists["faces"] += _volume.draw_box(
        ax,
        proj,
        in_origin,
        field_size,
        start=(c0, r0, 0),
        faces=field_faces,
        fill=theme.kernel,
        edge=theme.foreground,
        linewidth=1.8,
        gid="field",
        zorder=2,
    ).values()

    # The output volume: feature-map boundaries, and the first map (the front) hatched.
    out_size = (out_w, out_h, kernels)
    artists["faces"] += _volume.draw_box(
        ax,
        proj,
        out_origin,
        out_size,
        fill=theme.output,
        edge=theme.foreground,
        gid="output",
    ).values()
    _volume.face_lines(
        ax,
        proj,
        out_origin,
        out_size,
        depths=range(1, kernels),
        colour=theme.foreground,
        gid="output-map",
    )
    front = _volume.box_faces(proj, out_origin, out_size)["front"]
    hatch = Polygon(
        front,
        closed=True,
        fill=False,
        hatch="//",
        hatchcolor=text_colour_on(theme.output, theme),
        edgecolor=theme.foreground,
        linewidth=1.2,
        zorder=1.2,
        gid="feature-map",
    )
    hatch.set_hatch_linewidth(0.7)
    ax.add_patch(hatch)
    artists["faces"].append(hatch)

    # The kernels in a row above. One line carries the field up and over the row and
    # drops into every kernel; from each kernel a line in its colour runs to its neuron.
    # Lines in run above the kernels and lines out below them, so none cross.
    field_top = proj.point(in_origin, c0 + kw / 2, r0, channels / 2)
    row, col = data.position
    neurons = [proj.point(out_origin, col + 0.5, row, k + 0.5) for k in range(kernels)]
    radius = neuron_radius(proj)
    kernel_w = kw * proj.unit + channels * dx
    label_w = _volume.text_size(ax, f"kernel {kernels}", LABEL_FONT)[0]
    pitch = max(kernel_w + KERNEL_GAP, label_w + 0.25)  # labels never touch
    span = (kernels - 1) * pitch + kernel_w
    left = max((field_top[0] + neurons[-1][0]) / 2 - span / 2, field_top[0] + 0.4)
    bus_y = kernel_y + channels * dy - 0.4
    drops = []
    for k in range(kernels):
        origin = (left + k * pitch, kernel_y)
        colour = theme.weight_colour(k)
        artists["faces"] += _volume.draw_box(
            ax,
            proj,
            origin,
            field_size,
            fill=colour,
            edge=theme.foreground,
            gid=f"kernel-{k}",
        ).values()
        _volume.face_lines(
            ax,
            proj,
            origin,
            field_size,
            depths=range(1, channels),
            colour=theme.foreground,
            gid=f"kernel-{k}-slice",
            linewidth=0.6,
        )
        top_mid = proj.point(origin, kw / 2, 0, channels / 2)
        drops.append(top_mid)
        artists["texts"].append(
            ax.text(
                top_mid[0],
                bus_y - 0.08,
                f"kernel {k + 1}",
                ha="center",
                va="baseline",
                fontsize=LABEL_FONT,
                color=theme.foreground,
                gid=f"kernel-{k}-label",
            )
        )
        artists["paths"].append(
            _arrow(
                ax, (top_mid[0], bus_y), top_mid, theme.foreground, f"path-{k}-in", theme, width=1.4
            )
        )
        bottom_mid = proj.point(origin, kw / 2, kh, 0)
        artists["paths"].append(
            _arrow(
                ax,
                bottom_mid,
                neurons[k],
                colour,
                f"path-{k}-out",
                theme,
                shrink=radius,
                casing=True,
            )
        )
    (bus,) = ax.plot(
        [field_top[0], field_top[0], drops[-1][0]],
        [field_top[1], bus_y, bus_y],
        color=theme.foreground,
        linewidth=1.4,
        zorder=4,
        solid_joinstyle="miter",
        gid="field-bus",
    )
    artists["paths"].append(bus)

    # The depth column: one neuron per feature map, each with its activation (in it when
    # it fits, otherwise listed beside the column).
    for k, (x, y) in enumerate(neurons):
        fill = theme.weight_colour(k)
        circle = Circle(
            (x, y),
            radius,
            facecolor=fill,
            edgecolor=theme.foreground,
            linewidth=1.4,
            zorder=5,
            gid=f"neuron-{k}",
        )
        ax.add_patch(circle)
        artists["neurons"].append(circle)
        if radius < VALUE_RADIUS:
            continue
        artists["texts"].append(
            ax.text(
                x,
                y,
                format_number(data.column[k]),
                ha="center",
                va="center",
                fontsize=VALUE_FONT,
                color=text_colour_on(fill, theme),
                zorder=6,
                gid=f"neuron-{k}-value",
            )
        )

    artists["texts"] += _labels(
        ax, data, proj, in_origin, out_origin, neurons, theme=theme, beside=notes_beside
    )
    return artists


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: str,
    gid: str,
    theme: Theme,
    *,
    width: float = 2.0,
    shrink: float = 0.0,
    casing: bool = False,
) -> FancyArrowPatch:
    """An arrow from ``start`` to ``end`` stopping ``shrink`` inches short of it.

    ``casing`` outlines it in the muted colour on the light page, where yellow and sky
    blue lines are too pale to follow on their own.
    """
    points_per_inch = 72.0
    arrow = FancyArrowPatch(
        start,
        end,
        arrowstyle="-|>,head_length=0.5,head_width=0.25",
        mutation_scale=14,
        color=colour,
        linewidth=width,
        shrinkA=0,
        shrinkB=shrink * points_per_inch,
        zorder=4,
        gid=gid,
        joinstyle="miter",
    )
    if casing and theme.name == "light":
        arrow.set_path_effects(
            [
                patheffects.Stroke(linewidth=width + 1.6, foreground=theme.muted),
                patheffects.Normal(),
            ]
        )
    ax.add_patch(arrow)
    return arrow


def _labels(
    ax: Axes,
    data: NeuronVolumeData,
    proj: Oblique,
    in_origin: tuple[float, float],
    out_origin: tuple[float, float],
    neurons: list[tuple[float, float]],
    *,
    theme: Theme,
    beside: bool = False,
) -> list:
    """Dimensions on every edge, the names of the volumes, the field, column and map."""
    channels, height, width = data.input_shape
    kernels, _, kh, kw = data.kernel_shape
    _, out_h, out_w = data.output_shape
    texts: list = []
    texts += _volume.dimension_labels(
        ax,
        proj,
        in_origin,
        (width, height, channels),
        theme=theme,
        gid="input-dim",
        fontsize=LABEL_FONT,
    ).values()
    texts += _volume.dimension_labels(
        ax,
        proj,
        out_origin,
        (out_w, out_h, kernels),
        theme=theme,
        gid="output-dim",
        fontsize=LABEL_FONT,
    ).values()
    below = out_origin[1] + max(height, out_h) * proj.unit + 0.45
    texts.append(
        ax.text(
            in_origin[0],
            below,
            f"input volume {_volume.shape_text(data.input_shape, ' × ')}",
            ha="left",
            va="top",
            fontsize=LABEL_FONT,
            color=theme.foreground,
            gid="input-title",
        )
    )
    output_title = ax.text(
        out_origin[0],
        below,
        f"output volume {_volume.shape_text(data.output_shape, ' × ')}\n"
        f"(stride 1, no padding:\none {out_h} × {out_w} map per kernel)",
        ha="left",
        va="top",
        fontsize=LABEL_FONT,
        color=theme.foreground,
        linespacing=1.3,
        gid="output-title",
    )
    texts.append(output_title)
    renderer = ax.figure.canvas.get_renderer()
    # The field: named above the input, right of the line that rises from it (the
    # kernels' row starts further right, and their lines run down to the right).
    r0, c0 = data.field_start
    x = proj.point(in_origin, c0 + kw / 2, r0, channels / 2)[0]
    back = proj.point(in_origin, 0, 0, channels)[1]
    texts.append(
        ax.text(
            x + 0.12,
            back - 0.12,
            f"receptive field\n{_volume.shape_text(data.kernel_shape[1:], ' × ')}",
            ha="left",
            va="bottom",
            fontsize=NOTE_FONT,
            color=theme.foreground,
            linespacing=1.2,
            gid="field-label",
        )
    )
    # The column: named right of the output volume, below the corner where lines from
    # kernels further right pass, with a leader to its last neuron.
    x, y = neurons[-1]
    right, corner = proj.point(out_origin, out_w, 0, kernels)
    right += 0.3
    text = f"depth column:\n{kernels} neurons,\none per kernel,\nall seeing\nthe same field"
    if neuron_radius(proj) < VALUE_RADIUS:  # too small to hold their numbers
        text += "\nactivations " + ", ".join(format_number(v) for v in data.column)
    label = ax.text(
        right,
        corner + 0.1,
        text,
        ha="left",
        va="top",
        fontsize=NOTE_FONT,
        color=theme.foreground,
        linespacing=1.2,
        gid="column-label",
    )
    texts.append(label)
    first_line = corner + 0.1 + _volume.text_size(ax, "depth column:", NOTE_FONT)[1] / 2
    ax.plot(
        [x + neuron_radius(proj), right - 0.08],
        [y, first_line],
        color=theme.muted,
        linewidth=1.0,
        linestyle=(0, (3, 2)),
        zorder=4.5,
        gid="column-leader",
    )
    # The hatched feature map, named beside the output's title: under it the figure
    # would be too tall for a 4:3 slide.
    title_width = output_title.get_window_extent(renderer).width / ax.figure.dpi
    texts.append(
        ax.text(
            out_origin[0] + title_width + 0.35,
            below,
            f"hatched front: feature map 1,\n{out_h} × {out_w} = {out_h * out_w} neurons\n"
            f"that all share kernel 1",
            ha="left",
            va="top",
            fontsize=NOTE_FONT,
            color=theme.foreground,
            linespacing=1.2,
            gid="map-label",
        )
    )
    if beside:
        # A column of the three notes right of the depth column's label, from its top:
        # a slide is wide and short, and the notes under the volumes would make it tall.
        notes_x = right + max(
            _volume.text_size(ax, line, NOTE_FONT)[0] for line in label.get_text().split("\n")
        )
        notes_x += 0.35
        y = corner + 0.1
        by_gid = {text.get_gid(): text for text in texts}
        for gid in ("input-title", "output-title", "map-label"):
            text = by_gid[gid]
            text.set_position((notes_x, y))
            y += text.get_window_extent(renderer).height / ax.figure.dpi + 0.2
    return texts


def caption(data: NeuronVolumeData) -> str:
    kernels = data.kernels
    field = _volume.shape_text(data.kernel_shape[1:])
    return (
        f"A {_volume.shape_text(data.input_shape)} input volume (channels x height x width) "
        f"and {kernels} kernels of {field} give a {_volume.shape_text(data.output_shape)} "
        f"output volume. The {kernels} neurons of a depth column look at the same {field} "
        f"receptive field through {kernels} different kernels; the neurons of one feature "
        f"map (hatched) all share one kernel."
    )


def alt_text(data: NeuronVolumeData) -> str:
    channels, height, width = data.input_shape
    kernels, _, kh, kw = data.kernel_shape
    _, out_h, out_w = data.output_shape
    row, col = data.position
    r0, c0 = data.field_start
    values = ", ".join(f"{format_number(v)} (kernel {k + 1})" for k, v in enumerate(data.column))
    biases = ", ".join(format_number(b) for b in data.bias)
    field = _volume.shape_text(data.kernel_shape[1:], " × ")
    return (
        f"Two boxes drawn in perspective. On the left, the input volume, {height} high, "
        f"{width} wide and {channels} channels deep, with one receptive field of "
        f"{field} (channels × height × width) marked on its top edge (rows {r0 + 1} to "
        f"{r0 + kh}, columns {c0 + 1} to {c0 + kw}, all {channels} channels). Above, "
        f"{kernels} kernels, each a box of the same {field} size in its own colour and "
        f"named kernel 1 to kernel {kernels}. Lines run from the field through each kernel to one "
        f"of {kernels} neurons on the top of the output volume, at row {row + 1}, column "
        f"{col + 1}, one in each feature map: this depth column's weighted sums "
        f"(pre-activations) are {values} (the biases are {biases}). On the right, the output "
        f"volume, {out_h} high, "
        f"{out_w} wide and {kernels} feature maps deep, as computed by the convolution with "
        f"stride 1 and no padding. Its hatched front face is feature map 1: {out_h} × "
        f"{out_w} = {out_h * out_w} neurons that all share kernel 1."
    )
