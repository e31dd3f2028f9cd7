"""``zero-padding-same``: a ring of zeros lets a 3x3 kernel keep the image's size.

Without padding a 3x3 kernel fits a 3x3 image once, centred on the middle pixel, and the
output is 1x1. With one zero on every side ("same" padding) it can centre on every pixel,
so the output is 3x3 again. The figure shows the padded image (the zeros grey, written
``0``, with a dashed outline), the kernel and the output, then the kernel at a corner,
where most of it lies on zeros, and at the centre, where it needs none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from diagram_gen import examples, layers
from diagram_gen.examples import ConvLayer
from diagram_gen.figures import _grid, _matrix
from diagram_gen.style import Theme

FIGURE_ID = "zero-padding-same"
TITLE = "Zero padding keeps the image size"

#: Horizontal gap between the pieces of the first row.
SPACE = 0.8
#: The same gap in the part that draws the first row alone, for a 4:3 slide's width.
PART_SPACE = 0.6


def padding_example(
    *, height: int = 3, width: int = 3, kernel: int = 3, seed: int = 2
) -> ConvLayer:
    """A single-channel convolution with "same" zero padding (seed 002's bonus).

    The image and the kernel are :func:`examples.conv_example`'s seeded small integers;
    the default is a 3x3 image and a 3x3 kernel with weights w₁₁ … w₃₃. Defined here
    because :mod:`diagram_gen.examples` has no padded example, and a
    ``functools.partial`` would hide the parameters from the registry.
    """
    return examples.conv_example(
        height=height, width=width, kernel=kernel, padding="same", seed=seed
    )


example = padding_example


@dataclass(frozen=True)
class PaddingData(_grid.Shown):
    """The placements over the padded image; ``shown`` are the corner one, then the centre."""

    valid_shape: tuple[int, int] | None  # the output without padding; None if it cannot fit


def compute(example: ConvLayer) -> PaddingData:
    """The placements over the padded image, and the output size without the padding."""
    sliding = _grid.slide(example, figure_id=FIGURE_ID)
    kh, kw = sliding.kernel.shape
    height, width = sliding.image.shape
    try:
        valid = (
            layers.conv_output_size(height, kh, sliding.stride[0], 0, sliding.dilation[0]),
            layers.conv_output_size(width, kw, sliding.stride[1], 0, sliding.dilation[1]),
        )
    except ValueError:  # the kernel is larger than the unpadded image
        valid = None
    out_h, out_w = sliding.output.shape
    # The corner that lies most on the zeros ("same" padding of an even kernel is
    # one-sided), and the centre.
    corners = (0, out_w - 1, (out_h - 1) * out_w, out_h * out_w - 1)
    corner = max(corners, key=lambda p: (~sliding.placements[p].inside).sum())
    centre = ((out_h - 1) // 2) * out_w + (out_w - 1) // 2
    return PaddingData(sliding, tuple(dict.fromkeys((corner, centre))), valid)


def render(data: PaddingData, theme: Theme, part: str | None = None) -> Figure:
    """The still figure, or one of its :func:`parts` alone (for a slide)."""
    fig, ax = _matrix.new_figure(theme)
    draw_zero_padding(ax, data, theme=theme, part=part)
    return fig


def _where(data: PaddingData, p: int) -> str:
    return "corner" if p == data.shown[0] else "centre"


def parts(data: PaddingData) -> list[str]:
    """The padded image with the kernel, bias and output, then each placement drawn: the
    three one under the other are about 15 in tall, and the placements side by side wider
    than a slide, so a slide shows one at a time."""
    return ["pieces"] + [_where(data, p) for p in data.shown]


def _heading(data: PaddingData, p: int) -> str:
    s = data.sliding
    placement = s.placements[p]
    i, j = placement.index
    on_padding = int((~placement.inside).sum())
    where = _where(data, p)
    taps = placement.inside.size
    if on_padding:
        detail = f"{on_padding} of {taps} weights on zeros"
    else:
        detail = "no weight on a zero"
    return f"{_grid.position_name('y', i, j, s.output.shape)}, {where}: {detail}"


def draw_zero_padding(
    ax: Axes, data: PaddingData, *, theme: Theme, part: str | None = None
) -> dict[str, list]:
    """Draw the padded image, kernel, bias and output, then the corner and centre panels.

    ``part`` draws one of :func:`parts` only: ``pieces`` (the first row and the sentence
    under it, its pieces closer together so that a 4:3 slide holds it), or one panel.
    """
    s = data.sliding
    if part not in (None, "pieces"):
        (p,) = [p for p in data.shown if _where(data, p) == part]
        size = _grid.panel_size(ax, s, s.placements[p])
        artists = {
            "panels": [_grid.draw_placement(ax, 0, 0, s, p, theme=theme, heading=_heading(data, p))]
        }
        _matrix.fit(ax.figure, ax, (-0.35, size[0] + 0.35), (-0.1, size[1] + 0.25))
        return artists
    space = SPACE if part is None else PART_SPACE
    rows, cols = s.padded.shape
    kh = s.kernel.shape[0]
    out_h = s.output.shape[0]
    top = _grid.TITLE_ROOM
    artists: dict[str, list] = {"titles": [], "panels": []}
    names = np.full(s.padded.shape, "", dtype=object)
    pad_top, pad_left, _, _ = s.pad
    for r, c in zip(*np.nonzero(~s.is_padding), strict=True):
        names[r, c] = _grid.position_name("x", r - pad_top, c - pad_left, s.image.shape)
    col = 0.0
    heading = "image x, zero-padded"
    artists["titles"].append(
        _grid.title(ax, col, top - 0.25, heading, theme=theme, gid="title-image")
    )
    artists["padded"] = _grid.draw_image(
        ax, col, top, s.padded, theme=theme, gid="padded", padding=s.is_padding, names=names
    )["texts"]
    col += max(cols, _grid.text_width(ax, heading, _grid.TITLE_FONT)) + space
    right = _grid.draw_kernel_bias_output(ax, col, top, s, artists, space=space, theme=theme)
    row = top + max(rows, kh, out_h) + 0.3
    # Why the zeros are there, in numbers, wrapped to the width of the first row.
    lines = _grid.wrap(ax, _summary(data), max(right, 8.0))
    artists["titles"].append(
        ax.text(0, row, "\n".join(lines), ha="left", va="top", linespacing=1.3, gid="summary")
    )
    right = max([right] + [_grid.text_width(ax, line) for line in lines])
    row += 0.5 * len(lines) + 0.1
    if part == "pieces":
        _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, row + 0.15))
        return artists
    # The corner and the centre one under the other: side by side they are wider than
    # the page column.
    sizes = [_grid.panel_size(ax, s, s.placements[p]) for p in data.shown]
    for (panel_w, panel_h), p in zip(sizes, data.shown, strict=True):
        artists["panels"].append(
            _grid.draw_placement(ax, 0, row, s, p, theme=theme, heading=_heading(data, p))
        )
        right = max(right, panel_w)
        row += panel_h + 0.4
    bottom = row - 0.4
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
    return artists


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def _summary(data: PaddingData) -> str:
    s = data.sliding
    kernel = _shape(s.kernel.shape)
    if data.valid_shape is None:
        without = f"without the zeros the {kernel} kernel would not fit in the image at all"
    else:
        count = data.valid_shape[0] * data.valid_shape[1]
        times = "once" if count == 1 else f"{count} times"
        without = (
            f"without the zeros the {kernel} kernel fits only {times}, "
            f"an output of {_shape(data.valid_shape)}"
        )
    return (
        f"With {s.padding_text}, the output is {_shape(s.output.shape)}, "
        f"the size of the {_shape(s.image.shape)} image; {without}."
    )


def caption(data: PaddingData) -> str:
    s = data.sliding
    return (
        f"Zero padding: a ring of zeros around the {_shape(s.image.shape)} image lets the "
        f"{_shape(s.kernel.shape)} kernel centre on every pixel, so the output keeps the "
        f"image's size, {_shape(s.output.shape)}."
    )


def alt_text(data: PaddingData) -> str:
    s = data.sliding
    weights = ", ".join(
        f"{name} = {_matrix.format_number(w)}"
        for name, w in zip(s.names, s.kernel.ravel(), strict=True)
    )
    panels = "; ".join(
        f"at the {'corner' if p == data.shown[0] else 'centre'}, "
        f"{int((~s.placements[p].inside).sum())} of the kernel's {s.kernel.size} weights lie "
        f"on zeros and y{_grid.position_name('', *s.placements[p].index, s.output.shape)} = "
        f"{_grid.sum_text(s.placements[p], s.kernel, s.bias)}"
        for p in data.shown
    )
    return (
        f"A {_shape(s.image.shape)} image with the rows {_grid.grid_text(s.image)}, surrounded "
        f"by zeros ({s.padding_text}) into a {_shape(s.padded.shape)} grid whose zeros are "
        f"grey, written 0 and outlined with dashes. A {_shape(s.kernel.shape)} kernel with the "
        f"weights {weights} and the bias b = {_matrix.format_number(s.bias)} gives a "
        f"{_shape(s.output.shape)} output with the rows {_grid.grid_text(s.output)}. "
        f"{_summary(data)} The kernel is drawn at {len(data.shown)} of its {data.count} "
        f"placements: {panels}."
    )
