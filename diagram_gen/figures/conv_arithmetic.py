"""``conv-arithmetic``: the shapes of a convolution, placement by placement, labelled.

The convolution arithmetic guide's view, computed: an input grid (with its padding, or
for a transposed convolution its inserted zeros), an output grid, and at each step the
cells one placement reads and the output it writes. There are three readings:

- ``convolution``: the kernel's window slides over the padded input; each placement
  writes one output;
- ``scatter`` (a transposed convolution): each input value adds a copy of the kernel
  into the output, at ``stride`` steps; ``padding`` crops the border of the full output;
- ``zero-inserted`` (the same transposed convolution): a stride-1 convolution over the
  input with ``stride - 1`` zeros between values and ``dilation·(kernel − 1) − padding``
  zeros around it (plus ``output_padding`` at the end).

``channels`` above 1 is a depthwise convolution: each channel has its own kernel and
its own output, one row of grids per channel. One ``height`` of 1 draws a 1D layer. The
cells a step lights come from :func:`diagram_gen.layers.conv_matrix_index`, the window
positions from the same geometry; the tests compare both.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from diagram_gen import layers, params
from diagram_gen.figures import _layout
from diagram_gen.steps import Step, position_names
from diagram_gen.style import Theme

FIGURE_ID = "conv-arithmetic"
TITLE = "Convolution arithmetic: which cells each placement reads and writes"
READINGS = ("convolution", "scatter", "zero-inserted")
PARAMETERS = {
    "height": params.Int(1, 9),
    "width": params.Int(1, 9),
    "kernel": params.Int(1, 5),
    "stride": params.Int(1, 3),
    "padding": params.Int(0, 4),
    "dilation": params.Int(1, 3),
    "output_padding": params.Int(0, 2),
    "channels": params.Int(1, 3),
    "reading": params.Text(*READINGS),
}
#: The steps of the default (animated in the gallery's arithmetic set, not on a page).
BUILD_ANIMATION = False
#: Largest grid side drawn, padding or inserted zeros included.
MAX_GRID = 13
#: One cell, in inches.
CELL = 0.3
#: Between the input and the output grid, and between channel rows, in cells.
GAP = 2.0
TITLE_FONT = 10.0
STEP_FONT = 10.0
#: Rows of text over the grids (the step line and the grid titles), in cells.
HEAD = 2.6


@dataclass(frozen=True)
class ArithmeticExample:
    height: int
    width: int
    kernel: int
    stride: int
    padding: int
    dilation: int
    output_padding: int
    channels: int
    reading: str


def example(
    *,
    height: int = 3,
    width: int = 3,
    kernel: int = 3,
    stride: int = 2,
    padding: int = 1,
    dilation: int = 1,
    output_padding: int = 0,
    channels: int = 1,
    reading: str = "scatter",
) -> ArithmeticExample:
    """By default the transposed counterpart of the guide's "padding and strides" case, read
    as a scatter: a 3x3 input, kernel 3, stride 2, padding 1, gives back the 5x5 input."""
    if reading not in READINGS:
        raise ValueError(f"reading must be {', '.join(READINGS)}, got {reading!r}.")
    if reading == "convolution" and output_padding:
        raise ValueError("output_padding belongs to a transposed reading (scatter or "
                         "zero-inserted), not to a convolution.")  # fmt: skip
    return ArithmeticExample(
        height, width, kernel, stride, padding, dilation, output_padding, channels, reading
    )


@dataclass(frozen=True)
class Grid:
    """A grid as drawn: its side lengths and what each cell is."""

    rows: int
    cols: int
    #: (row, col) of the grid -> flat index into the array's channel, or -1 for a zero.
    cells: np.ndarray


@dataclass(frozen=True)
class ArithmeticData:
    example: ArithmeticExample
    in_shape: tuple[int, int]
    out_shape: tuple[int, int]
    kernel_shape: tuple[int, int]
    #: The input as drawn: padded (convolution), zero-inserted and padded, or plain.
    source: Grid
    #: The output as drawn: the full output before cropping for a scatter.
    target: Grid
    #: conv_matrix_index of the layer (rows: outputs, columns: inputs; for a transposed
    #: reading that of the convolution it transposes, rows its inputs).
    index: np.ndarray
    #: Per step (channel-major): the drawn cells it lights, as (row, col) in source
    #: and in target coordinates.
    windows: tuple[tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]], ...]
    #: The widest step text, so that every frame of an animation has one size.
    longest_step: str = ""


def _dims(e: ArithmeticExample) -> list[tuple[int, int, int, int]]:
    """(size, kernel, padding, output_padding) down and across: a 1D layer (height 1) has
    a kernel of 1 and no padding down its one row."""
    down = (1, 1, 0, 0) if e.height == 1 else (e.height, e.kernel, e.padding, e.output_padding)
    return [down, (e.width, e.kernel, e.padding, e.output_padding)]


def _check(e: ArithmeticExample) -> tuple[tuple[int, int], tuple[int, int]]:
    if e.reading == "convolution":
        out = [layers.conv_output_size(n, k, e.stride, p, e.dilation) for n, k, p, _ in _dims(e)]
        return (e.height, e.width), (out[0], out[1])
    if e.output_padding >= max(e.stride, e.dilation):
        raise ValueError(
            f"output_padding must be smaller than stride or dilation, got "
            f"{e.output_padding} with stride {e.stride} and dilation {e.dilation}."
        )
    extent = e.dilation * (e.kernel - 1)
    if e.reading == "zero-inserted" and e.padding > extent:
        raise ValueError(
            f"the zero-inserted reading pads the input with dilation·(kernel − 1) − padding "
            f"zeros, which must not be negative: padding must be at most {extent}, got "
            f"{e.padding}."
        )
    out = [
        layers.conv_transpose_output_size(n, k, e.stride, p, e.dilation, op)
        for n, k, p, op in _dims(e)
    ]
    return (e.height, e.width), (out[0], out[1])


def _plain(rows: int, cols: int) -> Grid:
    return Grid(rows, cols, np.arange(rows * cols).reshape(rows, cols))


def compute(e: ArithmeticExample) -> ArithmeticData:
    """The grids, the layer's matrix index and every step's lit cells."""
    (h, w), (ho, wo) = _check(e)
    k, s, p, d, c = e.kernel, e.stride, e.padding, e.dilation, e.channels
    kh = 1 if h == 1 else k  # a 1D layer: one row, a kernel along it
    ph = 0 if h == 1 else p
    weight = (c, 1, kh, k)
    padding = (ph, p)
    if e.reading == "convolution":
        index = layers.conv_matrix_index(weight, (c, h, w), stride=s, padding=padding,
                                         dilation=d, groups=c)  # fmt: skip
        cells = np.full((h + 2 * ph, w + 2 * p), -1)
        cells[ph : ph + h, p : p + w] = np.arange(h * w).reshape(h, w)
        source, target = Grid(h + 2 * ph, w + 2 * p, cells), _plain(ho, wo)
        windows = tuple(
            (tuple((i * s + a * d, j * s + b * d) for a in range(kh) for b in range(k)),
             ((i, j),))
            for i in range(ho) for j in range(wo)
        )  # fmt: skip
    else:
        # The convolution this transposes maps the transposed output (ho, wo) to its input.
        index = layers.conv_matrix_index(weight, (c, ho, wo), stride=s, padding=padding,
                                         dilation=d, groups=c)  # fmt: skip
        if index.shape[0] != c * h * w:
            raise ValueError("the transposed sizes do not invert: choose another output_padding.")
        if e.reading == "scatter":
            full = ((h - 1) * s + d * (kh - 1) + 1 + (e.output_padding if h > 1 else 0),
                    (w - 1) * s + d * (k - 1) + 1 + e.output_padding)  # fmt: skip
            cells = np.full(full, -1)
            cells[ph : ph + ho, p : p + wo] = np.arange(ho * wo).reshape(ho, wo)
            source, target = _plain(h, w), Grid(*full, cells)
            windows = tuple(
                (((i, j),),
                 tuple((i * s + a * d, j * s + b * d) for a in range(kh) for b in range(k)))
                for i in range(h) for j in range(w)
            )  # fmt: skip
        else:
            edge = d * (k - 1) - p
            rows = (h - 1) * s + 1 + 2 * edge + e.output_padding
            cols = (w - 1) * s + 1 + 2 * edge + e.output_padding
            cells = np.full((rows, cols), -1)
            cells[edge : edge + (h - 1) * s + 1 : s, edge : edge + (w - 1) * s + 1 : s] = np.arange(
                h * w
            ).reshape(h, w)
            source, target = Grid(rows, cols, cells), _plain(ho, wo)
            windows = tuple(
                (tuple((i + a * d, j + b * d) for a in range(k) for b in range(k)), ((i, j),))
                for i in range(ho) for j in range(wo)
            )  # fmt: skip
    for grid in (source, target):
        if max(grid.rows, grid.cols) > MAX_GRID:
            raise ValueError(
                f"{FIGURE_ID} draws every cell: its grids may have at most {MAX_GRID} "
                f"cells a side, got {grid.rows} x {grid.cols}."
            )
    per_channel = windows
    windows = tuple(per_channel) * c
    data = ArithmeticData(e, (h, w), (ho, wo), (kh, k), source, target, index, windows)
    return dataclasses.replace(data, longest_step=max((s.text for s in steps(data)), key=len))


def _names(data: ArithmeticData) -> tuple[list[str], list[str]]:
    c = data.example.channels
    return (position_names("x", (c, *data.in_shape)), position_names("y", (c, *data.out_shape)))


def _step(
    number: int, total: int, text: str, index: np.ndarray, row: int, *, scatter: bool
) -> Step:
    """Step ``number``: row ``row`` of ``index`` (outputs x inputs, or for a scatter the
    transposed inputs x outputs) read as what the step reads, writes and uses."""
    cols = np.flatnonzero(index[row] >= 0)
    used = tuple(sorted({int(v) for v in index[row, cols]}))
    if scatter:
        triples = tuple((row, int(index[row, col]), int(col)) for col in cols)
        return Step(number, total, text, tuple(int(v) for v in cols), (row,), used, triples)
    triples = tuple((int(col), int(index[row, col]), row) for col in cols)
    return Step(number, total, text, (row,), tuple(int(v) for v in cols), used, triples)


def steps(data: ArithmeticData) -> list[Step]:
    """One step per placement (convolution, zero-inserted) or per copy (scatter), every
    channel in turn; index sets from conv_matrix_index."""
    e = data.example
    x_names, y_names = _names(data)
    scatter = e.reading == "scatter"
    # A transposed convolution's outputs are the columns of the index of the convolution
    # it transposes; read as a convolution over the zero-inserted input, they are rows.
    index = data.index.T if e.reading == "zero-inserted" else data.index
    total = index.shape[0]
    window = f"{data.kernel_shape[0]}×{data.kernel_shape[1]} window"
    found = []
    for row in range(total):
        if scatter:
            count = int((index[row] >= 0).sum())
            outputs = "1 output" if count == 1 else f"{count} outputs"
            text = f"copy {row + 1} of {total}: {x_names[row]} adds the kernel into {outputs}"
        elif e.reading == "convolution":
            text = f"placement {row + 1} of {total}: {y_names[row]} from the {window} on the input"
        else:
            text = (f"placement {row + 1} of {total}: {y_names[row]} from the {window} on "
                    f"the zero-inserted input")  # fmt: skip
        found.append(_step(row + 1, total, text, index, row, scatter=scatter))
    return found


def _describe_source(data: ArithmeticData) -> str:
    e = data.example
    h, w = data.in_shape
    if e.reading == "convolution":
        return f"input {h}×{w}" + (f", padding {e.padding}" if e.padding else "")
    if e.reading == "scatter":
        return f"input {h}×{w}"
    edge = e.dilation * (e.kernel - 1) - e.padding
    between = {1: "no zeros", 2: "1 zero"}.get(e.stride, f"{e.stride - 1} zeros")
    return f"input {h}×{w}, {between} between, {edge} around"


def _describe_target(data: ArithmeticData) -> str:
    ho, wo = data.out_shape
    if data.example.reading == "scatter" and data.example.padding:
        return f"output {ho}×{wo} (dashed border cropped)"
    return f"output {ho}×{wo}"


def _cells(cells, x0: float, y0: float, inset: float = 0.0) -> np.ndarray:
    """The corners of each cell (row, col), as one array for a PolyCollection."""
    at = np.array(cells, dtype=float).reshape(-1, 2)
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float) * (1 - 2 * inset) + inset
    return square[None, :, :] + np.stack([x0 + at[:, 1], y0 + at[:, 0]], axis=1)[:, None, :]


def _text_cells(text: str, fontsize: float) -> float:
    """How many cells wide ``text`` is."""
    return _layout.text_size(_PROBE, text, fontsize)[0] / CELL


_PROBE = Figure()
FigureCanvasAgg(_PROBE)


class _Drawing:
    """The figure with every cell drawn once; :meth:`show` lights one step (or none).

    Each grid is a few collections (real cells, zeros, the kernel's window), so a frame
    of many cells draws fast, and a step only changes the output cells' fill, the window
    outlines and the step line: an animation draws the rest once (:func:`step_layers`).
    """

    def __init__(self, data: ArithmeticData, theme: Theme, *, with_step: bool) -> None:
        e = data.example
        self.data, self.theme = data, theme
        src, dst = data.source, data.target
        first = _describe_source(data)
        first = f"channel 1: {first}" if e.channels > 1 else first
        out_x = max(src.cols + GAP, _text_cells(first, TITLE_FONT) + 0.8)
        width = max(
            out_x + max(dst.cols, _text_cells(_describe_target(data), TITLE_FONT)),
            _text_cells(data.longest_step, STEP_FONT) if with_step else 0.0,
        )
        row_height = max(src.rows, dst.rows)
        height = HEAD + e.channels * row_height + (e.channels - 1) * GAP
        fig = Figure(figsize=(width * CELL + 0.3, height * CELL + 0.2))
        FigureCanvasAgg(fig)
        ax: Axes = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(-0.15 / CELL, width + 0.15 / CELL)
        ax.set_ylim(height + 0.1 / CELL, -0.1 / CELL)
        fig.patch.set_facecolor(theme.background)
        self.fig, self.ax = fig, ax
        self.step_text = None
        if with_step:
            self.step_text = ax.text(0, 0.5, "", fontsize=STEP_FONT, color=theme.foreground,
                                     va="center", gid="step-text")  # fmt: skip
        self.channels = []
        for channel in range(e.channels):
            top = HEAD + channel * (row_height + GAP)
            label = f"channel {channel + 1}: " if e.channels > 1 else ""
            ax.text(0, top - 0.45, label + _describe_source(data), fontsize=TITLE_FONT,
                    color=theme.foreground, gid=f"title-input-{channel}")  # fmt: skip
            ax.text(out_x, top - 0.45, _describe_target(data), fontsize=TITLE_FONT,
                    color=theme.foreground, gid=f"title-output-{channel}")  # fmt: skip
            ax.annotate("", xy=(out_x - 0.3, top + row_height / 2),
                        xytext=(src.cols + 0.3, top + row_height / 2),
                        arrowprops={"arrowstyle": "->", "color": theme.foreground, "lw": 1.2},
                        gid=f"arrow-{channel}")  # fmt: skip
            self._grid(src, 0, top, "input", f"in-{channel}")
            outputs = self._grid(dst, out_x, top, "output", f"out-{channel}")
            windows = (self._window(0, top, f"in-{channel}"),
                       self._window(out_x, top, f"out-{channel}"))  # fmt: skip
            self.channels.append((outputs, windows))

    def _grid(self, grid: Grid, x0: float, y0: float, kind: str, gid: str) -> tuple:
        """Real cells (solid) and zeros (grey, dashed), each group one compound path (one
        path a page in a PDF, however many cells); for the output also the collection of
        lit cells a step fills, and the grid's origin."""
        theme = self.theme
        every = [(r, c) for r in range(grid.rows) for c in range(grid.cols)]
        real = [cell for cell in every if grid.cells[cell] >= 0]
        zeros = [cell for cell in every if grid.cells[cell] < 0]
        for cells, name in ((real, "cells"), (zeros, "zeros")):
            if not cells:
                continue
            if name == "cells":
                face = theme.input if kind == "input" else theme.background
                edge = theme.background if kind == "input" else theme.foreground
                style, width = "-", 0.8
            else:
                face, edge, style, width = theme.zero, theme.foreground, "--", 0.6
            # closed=True drops the last vertex for CLOSEPOLY: repeat the first corner.
            path = Path.make_compound_path(*(Path(np.vstack([square, square[:1]]), closed=True)
                                             for square in _cells(cells, x0, y0)))  # fmt: skip
            self.ax.add_patch(PathPatch(path, facecolor=face, edgecolor=edge, linewidth=width,
                                        linestyle=style, gid=f"{gid}-{name}"))  # fmt: skip
        lit = PolyCollection(np.zeros((0, 4, 2)), facecolors=theme.output, linewidths=0.8,
                             edgecolors=theme.foreground, gid=f"{gid}-lit")  # fmt: skip
        self.ax.add_collection(lit)
        return lit, x0, y0

    def _window(self, x0: float, y0: float, gid: str) -> tuple[PolyCollection, float, float]:
        collection = PolyCollection(np.zeros((0, 4, 2)), facecolors="none",
                                    edgecolors=self.theme.kernel, linewidths=2.6,
                                    gid=f"{gid}-window")  # fmt: skip
        self.ax.add_collection(collection)
        return collection, x0, y0

    def show(self, step: Step | None) -> list:
        """Light ``step`` (None: the still); returns the artists that changed."""
        data = self.data
        reading, per_channel = data.example.reading, len(data.windows) // data.example.channels
        changed: list = []
        if self.step_text is not None:
            self.step_text.set_text(step.text if step is not None else "")
            changed.append(self.step_text)
        for channel, ((lit, out_x, out_y), windows) in enumerate(self.channels):
            reads, writes = (), ()
            if step is not None and (step.index - 1) // per_channel == channel:
                reads, writes = data.windows[step.index - 1]
            lit.set_verts(_cells(sorted(set(writes)), out_x, out_y))
            changed.append(lit)
            framed = (reads, writes if reading == "scatter" else ())
            for (collection, x0, y0), cells in zip(windows, framed, strict=True):
                collection.set_verts(_cells(sorted(set(cells)), x0, y0, 0.08))
                changed.append(collection)
        return changed


def render(data: ArithmeticData, theme: Theme, step: Step | None = None) -> Figure:
    """The input and output grids of every channel; with ``step``, its cells lit and its
    text above them."""
    drawing = _Drawing(data, theme, with_step=step is not None)
    drawing.show(step)
    return drawing.fig


def step_layers(data: ArithmeticData, theme: Theme):
    """The figure drawn for steps, and a function that lights one step on it and returns
    the artists that changed: what :mod:`diagram_gen.animate` redraws frame by frame."""
    drawing = _Drawing(data, theme, with_step=True)
    return drawing.fig, drawing.show


def caption(data: ArithmeticData) -> str:
    e = data.example
    reading = {"convolution": "a convolution", "scatter": "a transposed convolution, read "
               "as copies of the kernel scattered into the output", "zero-inserted":
               "a transposed convolution, read as a convolution over the zero-inserted, "
               "padded input"}[e.reading]  # fmt: skip
    (h, w), (ho, wo) = data.in_shape, data.out_shape
    return (
        f"The shapes of {reading}: a {h}×{w} input, kernel {e.kernel}, stride {e.stride}, "
        f"padding {e.padding}, dilation {e.dilation}, gives a {ho}×{wo} output."
    )


def alt_text(data: ArithmeticData) -> str:
    e = data.example
    return (
        f"Two grids side by side, the input ({_describe_source(data)}) on the left and the "
        f"output ({_describe_target(data)}) on the right"
        + (
            f", once for each of {e.channels} channels, each with its own kernel"
            if e.channels > 1
            else ""
        )
        + f". Padding and inserted zeros are grey cells with dashed outlines. "
        f"{caption(data)}"
    )
