"""``transposed-upsample``: a transposed convolution spreads each input value over a larger
output.

Every input value multiplies the whole kernel, and that copy is placed in the output
``stride`` cells further along than the previous one; where copies overlap they add up.
The figure draws the small input and the kernel, one copy per input value (laid out like
the input, the copy's cells in the weights' colours with the products written in them and
the weights' names in the corners), and the output, which is
:func:`diagram_gen.layers.conv_transpose` itself. One output cell where most copies meet
is traced: framed in every copy and written out as a sum.

Beside it stands the output-size rule, evaluated. Why ``output_padding`` exists is one of
the figure's parts (``--part outputpadding``, for a slide), not in the page figure: with a
stride above 1, several input sizes give the same convolution output size (computed with
:func:`diagram_gen.layers.conv_output_size`), so the transpose has to be told which one
to give back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from diagram_gen import layers, targets
from diagram_gen.figures import _grid, _matrix
from diagram_gen.figures._grid import Slot, Token, slot
from diagram_gen.steps import Step, scatter_steps
from diagram_gen.style import Theme, text_colour_on

FIGURE_ID = "transposed-upsample"
TITLE = "Transposed convolution: each input value spreads a copy of the kernel"

#: At most this many input values: each gets a drawn copy of the kernel.
MAX_INPUTS = 4
#: Largest kernel side.
MAX_KERNEL = 4
#: Largest output grid side (before cropping the padding).
MAX_FULL = 9
#: Horizontal and vertical gaps between copies, in cell units.
SPACE = 1.0
#: Room for the arrow from the copies to the output, in cell units.
ARROW_ROOM = 1.6
#: Size of a cell in the output_padding strips, in cell units.
STRIP = 0.6


@dataclass(frozen=True)
class UpsampleExample:
    y: np.ndarray  # (H, W) the input: distinct small integers
    kernel: np.ndarray  # (k, k)
    names: tuple[str, ...]  # one per kernel weight, row by row
    stride: int
    padding: int
    dilation: int
    output_padding: int


def upsample_example(
    *,
    height: int = 2,
    width: int = 2,
    kernel: int = 3,
    stride: int = 2,
    padding: int = 0,
    dilation: int = 1,
    output_padding: int = 0,
    seed: int = 4,
) -> UpsampleExample:
    """A ``height`` x ``width`` input of distinct small integers and a ``kernel`` x
    ``kernel`` kernel of small non-zero integers, drawn from ``seed`` (seed 004, the
    transposed-convolution source), with the parameters of the convolution being
    transposed. The default, a 2x2 input, a 3x3 kernel and stride 2, gives a 5x5 output.
    """
    for name, value in (
        ("height", height),
        ("width", width),
        ("kernel", kernel),
        ("stride", stride),
        ("dilation", dilation),
    ):
        layers.check_positive_int(name, value)
    layers.check_int("seed", seed)
    for name, value in (("padding", padding), ("output_padding", output_padding)):
        if layers.check_int(name, value) < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value}.")
    if height * width > MAX_INPUTS:
        raise ValueError(
            f"{FIGURE_ID} draws one copy of the kernel per input value: height × width must "
            f"be at most {MAX_INPUTS}, got {height} × {width} = {height * width}."
        )
    if kernel > MAX_KERNEL:
        raise ValueError(
            f"{FIGURE_ID} writes every product of the kernel: kernel must be at most "
            f"{MAX_KERNEL}, got {kernel}."
        )
    for name, n in (("height", height), ("width", width)):
        full = (n - 1) * stride + dilation * (kernel - 1) + 1 + output_padding
        if full > MAX_FULL:
            raise ValueError(
                f"{FIGURE_ID} draws at most {MAX_FULL} cells a side: (n − 1)·stride + "
                f"dilation·(kernel − 1) + 1 + output_padding must be at most {MAX_FULL} for "
                f"the {name}, got {full}."
            )
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(1, height * width + 1)).reshape(height, width).astype(float)
    w = rng.choice(np.array([-2, -1, 1, 2, 3]), size=(kernel, kernel)).astype(float)
    names = tuple(
        _grid.position_name("w", a, b, (kernel, kernel)) for a, b in np.ndindex(kernel, kernel)
    )
    example = UpsampleExample(y, w, names, stride, padding, dilation, output_padding)
    _output(example)  # let the layer math refuse impossible parameters now
    return example


example = upsample_example


def _output(example: UpsampleExample) -> np.ndarray:
    return layers.conv_transpose(
        example.y[np.newaxis],
        example.kernel[np.newaxis, np.newaxis],
        stride=example.stride,
        padding=example.padding,
        dilation=example.dilation,
        output_padding=example.output_padding,
    )[0]


@dataclass(frozen=True)
class Copy:
    """The kernel times one input value, placed in the full (uncropped) output grid."""

    index: tuple[int, int]  # the input value's row and column
    value: float
    rows: tuple[int, ...]  # full-grid row of each kernel row
    cols: tuple[int, ...]  # full-grid column of each kernel column
    products: np.ndarray  # (k, k) value * kernel


@dataclass(frozen=True)
class SizeCase:
    """One convolution input size that gives the transposed convolution's input size."""

    n: int  # input size of the convolution
    windows: tuple[int, ...]  # first input position of each window
    unread: tuple[int, ...]  # positions no window reads
    output_padding: int  # the output_padding that asks the transpose for n


@dataclass(frozen=True)
class UpsampleData:
    y: np.ndarray  # (H, W)
    kernel: np.ndarray  # (k, k)
    names: tuple[str, ...]
    stride: int
    padding: int
    dilation: int
    output_padding: int
    copies: tuple[Copy, ...]  # row-major over the input
    full: np.ndarray  # (F_h, F_w) the sum of the copies before cropping
    counts: np.ndarray  # (F_h, F_w) how many copies cover each full-grid cell
    output: np.ndarray  # (H_out, W_out) from layers.conv_transpose
    traced: tuple[int, int]  # full-grid cell whose sum is written out
    cases: tuple[SizeCase, ...]  # conv input sizes giving H outputs (output_padding)

    @property
    def kept(self) -> np.ndarray:
        """(F_h, F_w) bool: the cell survives the cropping by ``padding``."""
        mask = np.zeros(self.full.shape, dtype=bool)
        p = self.padding
        height, width = self.output.shape
        mask[p : p + height, p : p + width] = True
        return mask

    def size_rules(self) -> list[tuple[str, str]]:
        """(which side, the evaluated rule) per side; one entry when both are equal."""
        k, s, p, d, op = (
            self.kernel.shape[0],
            self.stride,
            self.padding,
            self.dilation,
            self.output_padding,
        )
        sides = [
            ("rows", self.y.shape[0], self.output.shape[0]),
            ("columns", self.y.shape[1], self.output.shape[1]),
        ]
        if self.y.shape[0] == self.y.shape[1]:
            sides = [("", self.y.shape[0], self.output.shape[0])]
        return [
            (side, f"({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}")
            for side, n, out in sides
        ]


def _cases(example: UpsampleExample) -> tuple[SizeCase, ...]:
    """Every convolution input size n that the same convolution maps to the height H."""
    k, s, p, d = example.kernel.shape[0], example.stride, example.padding, example.dilation
    target = example.y.shape[0]
    cases = []
    n = 1
    while len(cases) < s and n < 4 * MAX_FULL:
        try:
            size = layers.conv_output_size(n, k, s, p, d)
        except ValueError:  # the kernel does not fit yet
            size = 0
        if size == target:
            windows = tuple(j * s - p for j in range(size))
            read = {w + t * d for w in windows for t in range(k)}
            unread = tuple(i for i in range(n) if i not in read)
            op = len(cases)
            if op < max(s, d) and layers.conv_transpose_output_size(target, k, s, p, d, op) != n:
                raise RuntimeError(f"output_padding {op} does not give back {n}.")
            cases.append(SizeCase(n, windows, unread, op))
        elif size > target:
            break
        n += 1
    return tuple(cases)


def compute(example: UpsampleExample) -> UpsampleData:
    """The copies, their sum, the layer's output, and the sizes output_padding picks from."""
    output = _output(example)
    y, w = example.y, example.kernel
    k = w.shape[0]
    s, d, p, op = example.stride, example.dilation, example.padding, example.output_padding
    # Every cell a copy reaches, plus the cells output_padding adds past them (those it
    # does not add back from the cropped padding).
    shape = tuple((n - 1) * s + d * (k - 1) + 1 + max(op - p, 0) for n in y.shape)
    full = np.zeros(shape)
    counts = np.zeros(shape, dtype=int)
    copies = []
    for i, j in np.ndindex(*y.shape):
        rows = tuple(i * s + a * d for a in range(k))
        cols = tuple(j * s + b * d for b in range(k))
        products = y[i, j] * w
        full[np.ix_(rows, cols)] += products
        counts[np.ix_(rows, cols)] += 1
        copies.append(Copy((i, j), float(y[i, j]), rows, cols, products))
    height, width = output.shape
    if not np.allclose(full[p : p + height, p : p + width], output):
        raise RuntimeError("the copies do not add up to the transposed convolution's output.")
    kept = np.zeros(shape, dtype=bool)
    kept[p : p + height, p : p + width] = True
    # Trace the kept cell where most copies meet; among those, the one nearest the centre.
    centre = (np.array(shape) - 1) / 2
    candidates = [(r, c) for r, c in zip(*np.nonzero(kept), strict=True)]
    traced = min(
        candidates,
        key=lambda rc: (-counts[rc], abs(rc[0] - centre[0]) + abs(rc[1] - centre[1]), rc),
    )
    return UpsampleData(
        y=y,
        kernel=w,
        names=example.names,
        stride=s,
        padding=p,
        dilation=d,
        output_padding=op,
        copies=tuple(copies),
        full=full,
        counts=counts,
        output=output,
        traced=(int(traced[0]), int(traced[1])),
        cases=_cases(example),
    )


def steps(data: UpsampleData) -> list[Step]:
    """One step per input value: its copy of the kernel, scattered into the output.

    Read from the weight matrix of the convolution this one transposes (output size to
    input size, the same kernel, stride, padding and dilation): row ``j`` of that matrix
    is where input value ``j`` lands, and through which weight.
    """
    height, width = data.output.shape
    index = layers.conv_matrix_index(
        (1, 1, *data.kernel.shape),
        (1, height, width),
        stride=data.stride,
        padding=data.padding,
        dilation=data.dilation,
    )
    # With output_padding, that convolution can have more outputs than this layer has
    # inputs (when the padding is at least the stride, as a dilation allows): the extra
    # rows and columns of the grid are positions no input value scatters from.
    h_in, w_in = data.y.shape
    forward = tuple(
        layers.conv_output_size(n, k, data.stride, data.padding, data.dilation)
        for n, k in zip((height, width), data.kernel.shape, strict=True)
    )
    rows = np.arange(index.shape[0]).reshape(forward)[:h_in, :w_in].ravel()
    names = [input_name(data, i, j) for i, j in np.ndindex(*data.y.shape)]
    out_names = [output_name(data, r, c) for r, c in np.ndindex(height, width)]
    return scatter_steps(index[rows], data.y.ravel(), names, out_names)


def render(
    data: UpsampleData,
    theme: Theme,
    step: Step | None = None,
    target: targets.Target | None = None,
    part: str | None = None,
) -> Figure:
    """The still figure (or one of its :func:`parts`), or with ``step`` its frame
    (:func:`draw_step`): its input value, its copy and the outputs it adds to lit.

    On a wide slide a step's input and kernel stand left of the copy instead of over it;
    a step of a part shows that part with the step's text, and lights what the part
    draws of it (its input value, its copy or the outputs it adds to).
    """
    fig, ax = _matrix.new_figure(theme)
    if step is None or part is not None:
        draw_transposed_upsample(ax, data, theme=theme, part=part)
    else:
        draw_step(ax, data, step.inputs[0], theme=theme, beside=_wide(target))
    if step is None:
        return fig
    p, width = data.padding, data.y.shape[1]
    out_w = data.output.shape[1]
    n = step.inputs[0]
    gids = [f"y-{n // width}-{n % width}-box"]
    for o in step.outputs:
        r, c = divmod(o, out_w)
        gids += [f"copy-{n}-{r + p}-{c + p}-box", f"z-{r}-{c}-box"]
    if part is not None:  # a part lights what it draws of the step
        drawn = {patch.get_gid() for patch in ax.patches}
        gids = [gid for gid in gids if gid in drawn]
    _matrix.light(ax, gids, theme)
    _matrix.step_heading(fig, ax, step.text, theme)
    return fig


def _wide(target: targets.Target | None) -> bool:
    """A slide wider than it is tall by half again (16:9, not 4:3): a step's frame is laid
    out in one row there."""
    return target is not None and target.is_slide and target.width >= 1.5 * target.height


# ----------------------------------------------------------------------------------------
# Words shared by the drawing and the alt text
# ----------------------------------------------------------------------------------------


def _size(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def input_name(data: UpsampleData, i: int, j: int) -> str:
    return _grid.position_name("y", i, j, data.y.shape)


def output_name(data: UpsampleData, r: int, c: int) -> str:
    """``z₃₃`` for the full-grid cell (r, c), in the output's (cropped) numbering."""
    p = data.padding
    return _grid.position_name("z", r - p, c - p, data.output.shape)


def traced_terms(data: UpsampleData) -> list[tuple[Copy, int]]:
    """(copy, kernel weight number) of every copy that covers the traced cell."""
    r, c = data.traced
    k = data.kernel.shape[1]
    terms = []
    for copy in data.copies:
        if r in copy.rows and c in copy.cols:
            terms.append((copy, copy.rows.index(r) * k + copy.cols.index(c)))
    return terms


def traced_text(data: UpsampleData) -> str:
    """``z₃₃ = 1·(−1) + 3·2 + … = 9``, for the alt text."""
    r, c = data.traced
    terms = " + ".join(
        f"{_grid.plain_number(copy.value)}·{_grid.plain_number(data.kernel.ravel()[t])}"
        for copy, t in traced_terms(data)
    )
    return f"{output_name(data, r, c)} = {terms} = {_matrix.format_number(data.full[r, c])}"


def _case_rule(data: UpsampleData, case: SizeCase) -> str:
    k, s, p, d = data.kernel.shape[0], data.stride, data.padding, data.dilation
    top = case.n + 2 * p - d * (k - 1) - 1
    return f"⌊({case.n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = {top // s + 1}"


def _outputs(count: int) -> str:
    return "1 output" if count == 1 else f"{count} outputs"


def padding_sentences(data: UpsampleData) -> list[str]:
    """Why output_padding exists, with this layer's numbers."""
    k, s, p = data.kernel.shape[0], data.stride, data.padding
    target = data.y.shape[0]
    sizes = [case.n for case in data.cases]
    conv = f"a stride-{s} convolution (k = {k}, p = {p}"
    conv += f", d = {data.dilation})" if data.dilation != 1 else ")"
    if len(sizes) == 1:
        return [
            f"With stride {s}, only {sizes[0]} inputs give {conv} {_outputs(target)}, so the "
            f"transpose knows its size and output_padding stays 0."
        ]
    listed = ", ".join(str(n) for n in sizes[:-1]) + f" and {sizes[-1]}"
    return [
        f"Why output_padding exists: {conv} gives {_outputs(target)} from {listed} inputs.",
        f"Going back from {target}, the transpose gives {sizes[0]} with output_padding 0; "
        + ", ".join(
            f"output_padding {case.output_padding} gives {case.n}" for case in data.cases[1:]
        )
        + ".",
    ]


# ----------------------------------------------------------------------------------------
# Drawing
# ----------------------------------------------------------------------------------------


def draw_copy(
    ax: Axes, x0: float, y0: float, data: UpsampleData, n: int, *, theme: Theme
) -> dict[str, list]:
    """Copy ``n``: the full output grid, the kernel times one input value in it.

    Gids: ``copy-n-title``, ``copy-n-r-c`` (the product in full-grid cell (r, c), with
    ``-box`` and ``-name``, the weight's name), ``copy-n-frame`` (around the copy),
    ``copy-n-trace`` (around the traced cell, when the copy covers it).
    """
    copy = data.copies[n]
    i, j = copy.index
    k = data.kernel.shape[1]
    heading = f"{input_name(data, i, j)} · w  ({input_name(data, i, j)} = "
    heading += f"{_matrix.format_number(copy.value)})"
    artists: dict[str, list] = {"cells": [], "names": []}
    grid_row = y0 + _grid.TITLE_ROOM
    artists["title"] = [
        _grid.title(ax, x0, grid_row - 0.25, heading, theme=theme, gid=f"copy-{n}-title")
    ]
    kept = data.kept
    for r, c in np.ndindex(*data.full.shape):
        if r in copy.rows and c in copy.cols:
            a, b = copy.rows.index(r), copy.cols.index(c)
            fill = theme.weight_colour(a * k + b)
            box, text = _matrix.cell(
                ax,
                x0 + c,
                grid_row + r,
                fill,
                _matrix.format_number(copy.products[a, b]),
                theme,
                gid=f"copy-{n}-{r}-{c}",
            )
            artists["cells"].append(text)
            artists["names"].append(
                _grid.corner_label(
                    ax,
                    x0 + c,
                    grid_row + r,
                    data.names[a * k + b],
                    fill,
                    theme=theme,
                    gid=f"copy-{n}-{r}-{c}-name",
                )
            )
        else:
            _grid.place(
                ax,
                Rectangle(
                    (x0 + c + 0.04, grid_row + r + 0.04),
                    0.92,
                    0.92,
                    fill=False,
                    edgecolor=theme.muted if kept[r, c] else theme.zero,
                    linewidth=0.8,
                    linestyle="-" if kept[r, c] else "--",
                    gid=f"copy-{n}-{r}-{c}-empty",
                ),
            )
    artists["frame"] = [
        _grid.frame(
            ax,
            x0 + copy.cols[0],
            grid_row + copy.rows[0],
            copy.cols[-1] - copy.cols[0] + 1,
            copy.rows[-1] - copy.rows[0] + 1,
            colour=theme.kernel,
            gid=f"copy-{n}-frame",
            linewidth=3.0,
        )
    ]
    r, c = data.traced
    if r in copy.rows and c in copy.cols:
        a, b = copy.rows.index(r), copy.cols.index(c)
        under = theme.weight_colour(a * k + b)
        artists["trace"] = [
            _grid.frame(
                ax,
                x0 + c + 0.1,
                grid_row + r + 0.1,
                0.8,
                0.8,
                colour=text_colour_on(under, theme),
                gid=f"copy-{n}-trace",
                linewidth=2.2,
            )
        ]
    return artists


def draw_output_grid(
    ax: Axes, x0: float, y0: float, data: UpsampleData, *, theme: Theme
) -> dict[str, list]:
    """The output: the sum of the copies, cropped by the padding.

    Gids: ``output-title``, ``z-i-j`` (output cell, output numbering, with ``-box``),
    ``z-i-j-count`` (how many copies overlap there, when more than one), ``cropped-r-c``
    (a full-grid cell the padding crops away), ``z-trace`` (the traced cell's frame).
    """
    p = data.padding
    artists: dict[str, list] = {"cells": [], "counts": [], "cropped": []}
    grid_row = y0 + _grid.TITLE_ROOM
    heading = f"output z ({_size(data.output.shape)})"
    artists["title"] = [
        _grid.title(ax, x0, grid_row - 0.25, heading, theme=theme, gid="output-title")
    ]
    kept = data.kept
    for r, c in np.ndindex(*data.full.shape):
        if kept[r, c]:
            i, j = r - p, c - p
            _, text = _matrix.cell(
                ax,
                x0 + c,
                grid_row + r,
                theme.output,
                _matrix.format_number(data.output[i, j]),
                theme,
                gid=f"z-{i}-{j}",
            )
            artists["cells"].append(text)
            if data.counts[r, c] > 1:
                artists["counts"].append(
                    _grid.corner_label(
                        ax,
                        x0 + c,
                        grid_row + r,
                        f"{data.counts[r, c]}×",
                        theme.output,
                        theme=theme,
                        gid=f"z-{i}-{j}-count",
                    )
                )
        else:
            box, text = _matrix.cell(
                ax,
                x0 + c,
                grid_row + r,
                theme.zero,
                _matrix.format_number(data.full[r, c]),
                theme,
                gid=f"cropped-{r}-{c}",
                text_colour=theme.zero_text,
                dashed=True,
                edge=theme.zero_text,
            )
            box.set_linewidth(1.0)
            artists["cropped"].append(text)
    r, c = data.traced
    artists["trace"] = [
        _grid.frame(ax, x0 + c, grid_row + r, 1, 1, colour=theme.kernel, gid="z-trace")
    ]
    return artists


def traced_rows(data: UpsampleData) -> list[list[Slot]]:
    """``z₃₃ = 1·w₃₃ + …`` over ``= 1·(−1) + … = 9``, weights as coloured chips."""
    r, c = data.traced
    terms = traced_terms(data)
    flat = data.kernel.ravel()
    symbols: list[Slot] = [slot(output_name(data, r, c)), slot("=")]
    numbers: list[Slot] = [slot(), slot("=")]
    for n, (copy, t) in enumerate(terms):
        if n:
            symbols.append(slot("+"))
            numbers.append(slot("+"))
        symbols += [
            slot(input_name(data, *copy.index) + "·", align="right"),
            slot(Token(data.names[t], "weight", t), tight=True),
        ]
        numbers += [
            slot(_grid.plain_number(copy.value) + "·", align="right"),
            slot(Token(_matrix.format_number(flat[t]), "weight", t), tight=True),
        ]
    numbers += [slot("="), slot(Token(_matrix.format_number(data.full[r, c]), "output"))]
    return [symbols, numbers]


def draw_strips(
    ax: Axes, x0: float, y0: float, data: UpsampleData, *, theme: Theme
) -> dict[str, list]:
    """One strip per convolution input size that gives H outputs, with its windows.

    Gids: ``case-m-label``, ``case-m-cell-i`` (with ``-box``), ``case-m-window-j`` (a
    window's bracket), ``case-m-unread-i``, ``case-m-rule``.
    """
    k, d = data.kernel.shape[0], data.dilation
    artists: dict[str, list] = {"labels": [], "windows": [], "unread": [], "rules": []}
    row = y0
    label_width = max(_grid.text_width(ax, f"n = {case.n}") for case in data.cases) + 0.3
    longest = max(case.n for case in data.cases)
    for m, case in enumerate(data.cases):
        levels = min(len(case.windows), 2)
        strip_top = row + 0.3 * levels + 0.1
        artists["labels"].append(
            ax.text(
                x0,
                strip_top + STRIP / 2,
                f"n = {case.n}",
                ha="left",
                va="center",
                gid=f"case-{m}-label",
            )
        )
        left = x0 + label_width
        for i in range(case.n):
            unread = i in case.unread
            _grid.place(
                ax,
                Rectangle(
                    (left + i * STRIP, strip_top),
                    STRIP,
                    STRIP,
                    facecolor=theme.background if unread else theme.input,
                    edgecolor=theme.muted if unread else theme.background,
                    linestyle="--" if unread else "-",
                    linewidth=1.2,
                    gid=f"case-{m}-cell-{i}-box",
                ),
            )
        # One label under each run of unread inputs, which are also drawn hollow and dashed.
        for run in _runs(case.unread):
            middle = left + (run[0] + run[-1] + 1) / 2 * STRIP
            artists["unread"].append(
                ax.text(
                    middle,
                    strip_top + STRIP + 0.05,
                    "unread",
                    ha="center",
                    va="top",
                    fontsize=_grid.CORNER_FONT,
                    style="italic",
                    color=theme.muted,
                    gid=f"case-{m}-unread-{run[0]}",
                )
            )
        for j, start in enumerate(case.windows):
            first = max(start, 0)
            last = min(start + d * (k - 1), case.n - 1)
            level = strip_top - 0.15 - 0.3 * (j % 2)
            xs = [left + first * STRIP + 0.06, left + (last + 1) * STRIP - 0.06]
            bracket = Line2D(
                [xs[0], xs[0], xs[1], xs[1]],
                [strip_top - 0.04, level, level, strip_top - 0.04],
                color=theme.kernel,
                linewidth=2.6,
                solid_joinstyle="miter",
                gid=f"case-{m}-window-{j}",
            )
            _grid.place(ax, bracket)
            artists["windows"].append(bracket)
        artists["rules"].append(
            ax.text(
                x0 + label_width + longest * STRIP + 0.4,
                strip_top + STRIP / 2,
                _case_rule(data, case),
                ha="left",
                va="center",
                gid=f"case-{m}-rule",
            )
        )
        row = strip_top + STRIP + (0.45 if case.unread else 0.2)
    return artists


def _runs(positions: tuple[int, ...]) -> list[list[int]]:
    """Consecutive positions grouped: (5, 6, 9) -> [[5, 6], [9]]."""
    runs: list[list[int]] = []
    for i in positions:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def strips_height(data: UpsampleData) -> float:
    total = 0.0
    for case in data.cases:
        total += 0.3 * min(len(case.windows), 2) + 0.1 + STRIP + (0.45 if case.unread else 0.2)
    return total


#: Between the copy and the output in a step's frame, in cell units.
STEP_GAP = 0.9


def _draw_input_and_kernel(
    ax, data, top: float, artists: dict, theme: Theme, *, below: bool = False
) -> float:
    """The input y (its cells named) and the kernel w beside it (or with ``below``, under
    it), titled; returns the kernel's left edge."""
    height, width = data.y.shape
    artists["titles"].append(
        _grid.title(ax, 0, top - 0.25, "input y", theme=theme, gid="title-input")
    )
    names = np.empty(data.y.shape, dtype=object)
    for i, j in np.ndindex(*data.y.shape):
        names[i, j] = input_name(data, i, j)
    artists["input"] = _grid.draw_image(ax, 0, top, data.y, theme=theme, gid="y", names=names)[
        "texts"
    ]
    if below:
        col, top = 0.0, top + height + _grid.TITLE_ROOM
    else:
        col = max(width, _grid.text_width(ax, "input y", _grid.TITLE_FONT)) + 1.2
    artists["titles"].append(
        _grid.title(ax, col, top - 0.25, "kernel w", theme=theme, gid="title-kernel")
    )
    artists["kernel"] = _grid.draw_kernel(ax, col, top, data.kernel, data.names, theme=theme)[
        "texts"
    ]
    return col


def draw_step(
    ax: Axes, data: UpsampleData, n: int, *, theme: Theme, beside: bool = False
) -> dict[str, list]:
    """A step's frame, a few inches tall so an animation is seen whole on a laptop: the
    input and the kernel, then copy ``n`` (input value ``n`` times the kernel) with an
    arrow to the output it adds to. The gids are the still figure's. With ``beside`` (a
    wide slide), the input stands over the kernel, left of the copy."""
    height, width = data.y.shape
    k = data.kernel.shape[0]
    full_h, full_w = data.full.shape
    top = _grid.TITLE_ROOM
    artists: dict[str, list] = {"titles": []}
    if beside:
        col = _draw_input_and_kernel(ax, data, top, artists, theme, below=True)
        left = col + max(k, _grid.text_width(ax, "kernel w", _grid.TITLE_FONT)) + STEP_GAP
        right = left
        row = 0.0
        bottom = top + height + _grid.TITLE_ROOM + k
    else:
        col = _draw_input_and_kernel(ax, data, top, artists, theme)
        right = col + max(k, _grid.text_width(ax, "kernel w", _grid.TITLE_FONT))
        row = top + max(height, k) + 0.4
        left = 0.0
        bottom = 0.0
    copy = draw_copy(ax, left, row, data, n, theme=theme)
    artists["copies"] = [copy]
    copy_w = max(full_w, _grid.text_width(ax, copy["title"][0].get_text(), _grid.TITLE_FONT))
    out_x = left + copy_w + STEP_GAP
    middle = row + _grid.TITLE_ROOM + full_h / 2
    artists["arrow"] = [
        ax.annotate(
            "",
            xy=(out_x - 0.15, middle),
            xytext=(left + full_w + 0.15, middle),
            arrowprops={"arrowstyle": "-|>", "color": theme.foreground, "linewidth": 1.6},
            gid="sum-arrow",
        )
    ]
    artists["output"] = draw_output_grid(ax, out_x, row, data, theme=theme)
    heading = artists["output"]["title"][0].get_text()
    right = max(right, out_x + max(full_w, _grid.text_width(ax, heading, _grid.TITLE_FONT)))
    bottom = max(bottom, row + _grid.TITLE_ROOM + full_h)
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
    return artists


def copy_groups(data: UpsampleData) -> list[tuple[int, ...]]:
    """The copies a slide shows together, in input order: two at a time (two copies side
    by side fit a slide; the page's grid of them does not)."""
    count = len(data.copies)
    return [tuple(range(n, min(n + 2, count))) for n in range(0, count, 2)]


def parts(data: UpsampleData) -> list[str]:
    """The input, kernel and size rule; the copies two at a time (``copies1``, …); the
    output with the traced sum; and, not in the page figure, why output_padding exists.
    (Part names are letters and digits: they go into file names.) The page figure is
    about 18 in tall, its copies 8 in of it."""
    copies = [f"copies{m + 1}" for m in range(len(copy_groups(data)))]
    return ["rule", *copies, "output", "outputpadding"]


def draw_transposed_upsample(
    ax: Axes, data: UpsampleData, *, theme: Theme, part: str | None = None
) -> dict[str, list]:
    """Input, kernel and the size rule; the copies; the output and a traced sum. ``part``
    draws one of :func:`parts` alone, among them why output_padding exists (a slide's
    part only)."""
    width = data.y.shape[1]
    full_h, full_w = data.full.shape
    artists: dict[str, list] = {"titles": [], "copies": []}
    if part is not None and part.startswith("copies"):
        shown = copy_groups(data)[int(part.removeprefix("copies")) - 1]
        across = min(2, len(shown)) * (full_w + SPACE) - SPACE
        right, bottom = _draw_copies(ax, data, 0.6, across, shown, artists, theme, columns=2)
        return _fitted(ax, artists, right, bottom)
    if part == "output":
        right, bottom = _draw_output_and_trace(ax, data, 0.0, 0.0, 0.0, artists, theme, beside=True)
        bottom = max(bottom - 0.2 - _grid.LINE / 2, _grid.TITLE_ROOM + full_h)
        return _fitted(ax, artists, right, bottom)
    if part == "outputpadding":
        right, bottom = _draw_output_padding(ax, data, 0.0, 0.1, 0.0, artists, theme)
        return _fitted(ax, artists, right, bottom)
    right, row = _draw_rule(ax, data, artists, theme)
    if part == "rule":
        return _fitted(ax, artists, right, row - 0.5)
    # The copies, laid out like the input while it is at most two wide; a longer row of
    # copies would not fit a slide, so then they go one under the other.
    columns = width if width <= 2 else 1
    right, copies_bottom = _draw_copies(
        ax, data, row, right, range(len(data.copies)), artists, theme, columns=columns
    )
    copies_right = columns * (full_w + SPACE) - SPACE
    # The copies add up to the output, drawn under them (the column has no room beside).
    out_x = 0.0
    out_row = copies_bottom + ARROW_ROOM
    middle = copies_right / 2
    artists["arrow"] = [
        ax.annotate(
            "",
            xy=(middle, out_row + 0.15),
            xytext=(middle, copies_bottom + 0.15),
            arrowprops={"arrowstyle": "-|>", "color": theme.foreground, "linewidth": 1.6},
            gid="sum-arrow",
        ),
        ax.text(
            middle + 0.3,
            _grid.baseline(copies_bottom + ARROW_ROOM / 2 + 0.15),
            "sum",
            ha="left",
            va="baseline",
            color=theme.muted,
            fontsize=_grid.TITLE_FONT,
            gid="sum-label",
        ),
    ]
    right, line = _draw_output_and_trace(ax, data, out_x, out_row, right, artists, theme)
    # Why output_padding exists is a part of its own: under the output it made the page
    # figure 22 in tall, and the page explains it in its own section.
    return _fitted(ax, artists, right, line - 0.2 - _grid.LINE / 2)


def _fitted(ax: Axes, artists: dict, right: float, bottom: float) -> dict:
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.1, bottom + 0.25))
    return artists


def _draw_rule(ax: Axes, data: UpsampleData, artists: dict, theme: Theme) -> tuple[float, float]:
    """The input, the kernel and, under them, the size rule evaluated; returns the right
    edge and the row where the copies' introduction goes."""
    height = data.y.shape[0]
    k = data.kernel.shape[0]
    top = _grid.TITLE_ROOM
    col = _draw_input_and_kernel(ax, data, top, artists, theme)
    col += max(k, _grid.text_width(ax, "kernel w", _grid.TITLE_FONT)) + 1.2
    params = (
        f"stride {data.stride}, padding {data.padding}, dilation {data.dilation}, "
        f"output_padding {data.output_padding}, no bias"
    )
    lines = [params, "output size = (n − 1)s − 2p + d(k − 1) + output_padding + 1"]
    for side, rule in data.size_rules():
        lines.append(f"{side}: {rule}" if side else f"= {rule}")
    # Under the input and the kernel: beside them it would make the figure too wide for
    # the page column.
    rule_row = top + max(height, k) + 0.35
    artists["rule"] = [
        ax.text(
            0, rule_row, "\n".join(lines), ha="left", va="top", linespacing=1.5, gid="size-rule"
        )
    ]
    right = max(col, max(_grid.text_width(ax, line) for line in lines))
    return right, rule_row + 0.55 * len(lines) + 0.5


def _draw_copies(
    ax: Axes,
    data: UpsampleData,
    row: float,
    right: float,
    shown,
    artists: dict,
    theme: Theme,
    *,
    columns: int,
) -> tuple[float, float]:
    """The introduction at ``row``, then the copies ``shown``: in the input's layout when
    it is ``columns`` wide, else ``columns`` to a row in order. Returns the right edge and
    the copies' bottom."""
    width = data.y.shape[1]
    full_h, full_w = data.full.shape
    intro = (
        f"Each input value times the kernel, placed {data.stride} cells apart "
        f"(the stride); where copies overlap they add up:"
    )
    intro_lines = _grid.wrap(ax, intro, max(right, (full_w + SPACE) * min(width, 2) - SPACE))
    artists["titles"].append(
        ax.text(
            0,
            _grid.baseline(row),
            "\n".join(intro_lines),
            ha="left",
            va="baseline",
            linespacing=1.3,
            gid="intro",
        )
    )
    right = max([right] + [_grid.text_width(ax, line) for line in intro_lines])
    row += 0.3 + 0.5 * (len(intro_lines) - 1)
    copy_w = full_w + SPACE
    copy_h = _grid.TITLE_ROOM + full_h + SPACE * 0.6
    shown = list(shown)
    for m, n in enumerate(shown):
        if width == columns:
            i, j = data.copies[n].index
            i -= data.copies[shown[0]].index[0]
        else:
            i, j = divmod(m, columns)
        artists["copies"].append(draw_copy(ax, j * copy_w, row + i * copy_h, data, n, theme=theme))
    used = min(columns, len(shown)) if width != columns else columns
    rows = -(-len(shown) // columns)
    right = max(right, used * copy_w - SPACE)
    return right, row + rows * copy_h - SPACE * 0.6


def _draw_output_and_trace(
    ax: Axes,
    data: UpsampleData,
    out_x: float,
    out_row: float,
    right: float,
    artists: dict,
    theme: Theme,
    *,
    beside: bool = False,
) -> tuple[float, float]:
    """The output at ``(out_x, out_row)``, what its marks mean and the traced sum under
    it (with ``beside``, right of it: a slide is wide); returns the right edge and the
    line under the sum."""
    full_h, full_w = data.full.shape
    artists["output"] = draw_output_grid(ax, out_x, out_row, data, theme=theme)
    right = max(
        right,
        out_x + full_w,
        out_x + _grid.text_width(ax, artists["output"]["title"][0].get_text(), _grid.TITLE_FONT),
    )
    line = out_row + _grid.TITLE_ROOM + full_h + 0.3
    if beside:
        out_x, line = right + SPACE, out_row + _grid.TITLE_ROOM
    if data.counts.max() > 1:
        legend = ["n×: that many copies add up in the cell."]
    else:
        legend = [f"No copies overlap: stride {data.stride} ≥ the kernel's span."]
    if data.padding:
        crop = f"Dashed: cropped by padding {data.padding} on each side"
        if data.output_padding:
            crop += (
                f", but output_padding {data.output_padding} adds as many back at the "
                f"bottom and right"
            )
        legend += _grid.wrap(ax, crop + ".", max(right - out_x, 8.0), _grid.TITLE_FONT)
    legend.append("The framed cell:")
    artists["titles"].append(
        ax.text(
            out_x,
            line,
            "\n".join(legend),
            ha="left",
            va="top",
            color=theme.muted,
            fontsize=_grid.TITLE_FONT,
            linespacing=1.3,
            gid="legend",
        )
    )
    right = max([right] + [out_x + _grid.text_width(ax, t, _grid.TITLE_FONT) for t in legend])
    line += 0.42 * (len(legend) - 1)
    sums = traced_rows(data)
    line += 0.55 + _grid.LINE / 2
    artists["traced"] = _grid.draw_rows(ax, out_x, line, sums, theme=theme, gid="traced")
    right = max(right, out_x + _grid.columns(ax, sums).width)
    line += _grid.LINE * len(sums) + 0.2
    return right, line


def _draw_output_padding(
    ax: Axes,
    data: UpsampleData,
    out_x: float,
    line: float,
    right: float,
    artists: dict,
    theme: Theme,
) -> tuple[float, float]:
    """Why output_padding exists, from ``line`` down: as wide as the strips and their
    rules, or ``right``. Returns the right edge and the bottom."""
    words = padding_sentences(data)
    note_w = max(right - out_x, 8.0)
    if len(data.cases) > 1:
        longest = max(case.n for case in data.cases)
        label_width = max(_grid.text_width(ax, f"n = {case.n}") for case in data.cases) + 0.3
        rules = max(_grid.text_width(ax, _case_rule(data, case)) for case in data.cases)
        note_w = max(note_w, label_width + longest * STRIP + 0.4 + rules)
    wrapped = _grid.wrap(ax, words[0], note_w)
    artists["padding"] = [
        ax.text(
            out_x, line, "\n".join(wrapped), ha="left", va="top", linespacing=1.3, gid="padding-why"
        )
    ]
    line += 0.5 * len(wrapped) + 0.15
    bottom = line
    if len(data.cases) > 1:
        artists["strips"] = draw_strips(ax, out_x, line, data, theme=theme)
        line += strips_height(data) + 0.1
        wrapped = _grid.wrap(ax, words[1], note_w)
        artists["padding"].append(
            ax.text(
                out_x,
                line,
                "\n".join(wrapped),
                ha="left",
                va="top",
                linespacing=1.3,
                gid="padding-answer",
            )
        )
        bottom = line + 0.5 * len(wrapped)
    right = max(
        right,
        out_x
        + max(
            _grid.text_width(ax, t)
            for t in [
                *_grid.wrap(ax, words[0], note_w),
                *(_grid.wrap(ax, words[1], note_w) if len(words) > 1 else []),
            ]
        ),
    )
    right = max(right, out_x + note_w if len(data.cases) > 1 else right)
    return right, bottom


# ----------------------------------------------------------------------------------------
# Words
# ----------------------------------------------------------------------------------------


def caption(data: UpsampleData) -> str:
    return (
        f"A transposed convolution with stride {data.stride}: each of the "
        f"{data.y.size} input values multiplies the {_size(data.kernel.shape)} kernel, the "
        f"copies are placed {data.stride} cells apart and add up where they overlap, giving "
        f"a {_size(data.output.shape)} output from a {_size(data.y.shape)} input."
    )


def alt_text(data: UpsampleData) -> str:
    weights = ", ".join(
        f"{name} = {_matrix.format_number(w)}"
        for name, w in zip(data.names, data.kernel.ravel(), strict=True)
    )
    copies = "; ".join(
        f"{input_name(data, *copy.index)} = {_matrix.format_number(copy.value)} times the "
        f"kernel at rows {copy.rows[0] + 1} to {copy.rows[-1] + 1} and columns "
        f"{copy.cols[0] + 1} to {copy.cols[-1] + 1} gives the rows {_grid.grid_text(copy.products)}"
        for copy in data.copies
    )
    rules = "; ".join(f"{side + ': ' if side else ''}{rule}" for side, rule in data.size_rules())
    cropped = ""
    if data.padding:
        cropped = (
            f" The padding of {data.padding} crops that many cells from every side of "
            f"the {_size(data.full.shape)} sum."
        )
    overlaps = int((data.counts > 1).sum())
    return (
        f"A {_size(data.y.shape)} input y with the rows {_grid.grid_text(data.y)} and a "
        f"{_size(data.kernel.shape)} kernel with the weights {weights}; stride {data.stride}, "
        f"padding {data.padding}, dilation {data.dilation}, output_padding "
        f"{data.output_padding}, no bias. The output size is (n − 1)s − 2p + d(k − 1) + "
        f"output_padding + 1, here {rules}. Copies: {copies}. They add up, overlapping in "
        f"{overlaps} cells, to the {_size(data.output.shape)} output with the rows "
        f"{_grid.grid_text(data.output)}.{cropped} Traced: {traced_text(data)}."
    )
