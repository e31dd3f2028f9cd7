"""The explorer page's drawings: every small convolution and transposed convolution, linked.

For every combination of the explorer's pickers this writes one HTML fragment holding the
output size rule worked out with its numbers and three (transposed: four) linked views,
written as small inline SVG straight from Python (no matplotlib: there are hundreds of
them, and the clean build has a budget): the sliding window over the input with the
kernel, the weight matrix C (and C-transpose), and the network. A combination that the
layer math refuses gets, instead, the one sentence the command line would print for it:
the message of the :class:`ValueError` that :mod:`diagram_gen.layers` raises.

Every ``data-dg-*`` attribute comes from :func:`diagram_gen.layers.conv_matrix_index`
through :func:`diagram_gen.steps.dg_attributes`; the step texts are
:func:`diagram_gen.steps.placement_steps`'. The drawings' colours are CSS classes
(``docs/assets/explorer.css``), so one SVG serves the light and the dark scheme.

``python -m diagram_gen.explorer OUT DEPS`` writes the fragments and ``index.json`` into
``OUT`` (a file only when its bytes change; files of combinations that went are removed)
and the make dependency line of ``OUT/index.json`` into ``DEPS``.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from diagram_gen import deps, layers, steps
from diagram_gen.examples import MINUS, conv_example, format_number

#: The pickers of the convolution tab (issue 13).
CONV_SIZES = (3, 4, 5, 6, 7)
KERNELS = (1, 2, 3, 4)
STRIDES = (1, 2, 3)
PADDINGS: tuple[int | str, ...] = (0, 1, 2, "same")
DILATIONS = (1, 2)
#: The transposed tab's inputs stay small: its output grows with stride times input,
#: ``(n - 1)s - 2p + d(k - 1) + op + 1``, so a 3x3 input already reaches 15x15 outputs
#: (225 rows of C-transpose) at stride 3 with a dilated 4x4 kernel; a 4x4 input would
#: reach 18x18 (324 rows, 5184 matrix entries).
TRANSPOSED_SIZES = (2, 3)
OUTPUT_PADDINGS = (0, 1, 2)
MODES = ("conv", "transposed")
#: The seed of every example (seed 2 makes the 3x3 input with the 2x2 kernel the site's
#: running example, :func:`diagram_gen.examples.small_conv`).
SEED = 2
#: The page column of Material, in CSS px: wider drawings scroll in their frame.
COLUMN_PX = 688
#: A phone's column, in CSS px (:data:`diagram_gen.targets.PHONE`).
PHONE_COLUMN_PX = 358
#: Sizes in CSS px (the SVGs are shown at their natural size: one unit, one px).
GRID_CELL = 28
MATRIX_CELL = 24
NODE_GAP = 30
NODE_RADIUS = 11
MARGIN = 8
GAP = 36
TITLE = 20
INDEX_FILE = "index.json"
ABOUT_FILE = "about.txt"


@dataclass(frozen=True)
class Combination:
    """One choice of the pickers."""

    mode: str
    n: int
    kernel: int
    stride: int
    padding: int | str
    dilation: int
    output_padding: int = 0

    @property
    def slug(self) -> str:
        """``conv-n5-k3-s1-p1-d1`` or ``transposed-n3-k3-s2-p1-d1-op1``: the file stem
        and the page's URL hash."""
        text = (
            f"{self.mode}-n{self.n}-k{self.kernel}-s{self.stride}-p{self.padding}-d{self.dilation}"
        )
        return text + (f"-op{self.output_padding}" if self.mode == "transposed" else "")


def combinations() -> list[Combination]:
    """Every choice of both tabs, in picker order."""
    found = [
        Combination("conv", n, k, s, p, d)
        for n in CONV_SIZES
        for k in KERNELS
        for s in STRIDES
        for p in PADDINGS
        for d in DILATIONS
    ]
    found += [
        Combination("transposed", n, k, s, p, d, op)
        for n in TRANSPOSED_SIZES
        for k in KERNELS
        for s in STRIDES
        for p in PADDINGS
        for d in DILATIONS
        for op in OUTPUT_PADDINGS
    ]
    return found


@dataclass(frozen=True)
class Layer:
    """A valid combination, computed: names, values and the matrix structure.

    ``index`` is the layer's own matrix structure, one row per output and one column
    per input (for a transposed convolution, C-transpose); entries index ``w.ravel()``.
    """

    combination: Combination
    x: np.ndarray  # (n, n)
    w: np.ndarray  # (k, k)
    bias: float | None
    y: np.ndarray  # (out, out), bias included
    index: np.ndarray  # (out * out, n * n)
    pad_lo: int
    pad_hi: int
    x_names: list[str]
    w_names: list[str]
    y_names: list[str]
    step_texts: list[str]


def transposed_data(n: int, k: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """The transposed tab's input and kernel: small integers, weights non-zero (as
    :func:`diagram_gen.examples.conv_example` draws them)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 5, size=(1, n, n)).astype(float)
    w = rng.choice(np.array([-3, -2, -1, 1, 2, 3]), size=(1, 1, k, k)).astype(float)
    return x, w


def compute(combination: Combination) -> Layer | str:
    """The combination's layer, or the sentence the layer math refuses it with."""
    c = combination
    try:
        if c.mode == "conv":
            return _conv_layer(c)
        return _transposed_layer(c)
    except ValueError as error:
        return layers.one_sentence(error)


def _conv_layer(c: Combination) -> Layer:
    example = conv_example(
        height=c.n,
        width=c.n,
        kernel=c.kernel,
        stride=c.stride,
        padding=c.padding,
        dilation=c.dilation,
        seed=SEED,
    )
    index = layers.conv_matrix_index(
        example.kernel.shape, example.image.shape, **example.layer_kwargs
    )
    # The layers' own split of the padding ("same" puts the odd zero at the end): one
    # source for it, though the function is private.
    geometry = layers._conv_geometry(
        example.kernel.shape, example.image.shape, c.stride, c.padding, c.dilation, 1, "w"
    )
    y = example.output()
    return Layer(
        combination=c,
        x=example.image[0],
        w=example.kernel[0, 0],
        bias=float(example.bias[0]),
        y=y[0],
        index=index,
        pad_lo=geometry.pad_lo[0],
        pad_hi=geometry.pad_hi[0],
        x_names=steps.position_names("x", example.image.shape),
        w_names=list(example.weight_names),
        y_names=steps.position_names("y", y.shape),
        step_texts=[step.text for step in steps.layer_steps(example)],
    )


def _transposed_layer(c: Combination) -> Layer:
    x, w = transposed_data(c.n, c.kernel)
    kwargs = {"stride": c.stride, "padding": c.padding, "dilation": c.dilation}
    y = layers.conv_transpose(x, w, output_padding=c.output_padding, **kwargs)
    size = y.shape[1]
    # The forward convolution from the transposed output's size: its matrix C has a row
    # per position it writes; the n x n of them that the transposed input fills (with
    # output_padding at least the stride it writes more) transpose into C-transpose.
    forward = layers.conv_matrix_index(w.shape, y.shape, **kwargs)
    side = layers.conv_output_size(size, c.kernel, c.stride, c.padding, c.dilation)
    rows = np.ravel_multi_index(np.indices((c.n, c.n)).reshape(2, -1), (side, side))
    index = forward[rows].T
    matrix = np.where(index >= 0, w.ravel()[index], 0.0)
    if not np.allclose(matrix @ x.ravel(), y.ravel()):
        raise RuntimeError(f"{c.slug}: C-transpose does not give conv_transpose.")
    y_names = steps.position_names("y", y.shape)
    texts = steps.placement_steps(index, x.ravel(), w, None, y.ravel(), y_names, word="output")
    return Layer(
        combination=c,
        x=x[0],
        w=w[0, 0],
        bias=None,
        y=y[0],
        index=index,
        pad_lo=0,
        pad_hi=0,
        x_names=steps.position_names("x", x.shape),
        w_names=steps.position_names("w", w.shape[1:]),
        y_names=y_names,
        step_texts=[step.text for step in texts],
    )


# ----------------------------------------------------------------------------------------
# SVG
# ----------------------------------------------------------------------------------------


def _attrs(values: dict[str, object]) -> str:
    return "".join(f' {key}="{html.escape(str(value))}"' for key, value in values.items())


def _num(value: float) -> str:
    return format_number(value)


class _Svg:
    """A small SVG written as text; coordinates in CSS px."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.width = 0
        self.height = 0

    def extend(self, right: float, bottom: float) -> None:
        self.width = max(self.width, int(np.ceil(right)))
        self.height = max(self.height, int(np.ceil(bottom)))

    def add(self, text: str) -> None:
        self.parts.append(text)

    def text(self, x: float, y: float, content: str, cls: str = "dgx-h") -> None:
        """A heading, left-aligned; the drawing widens to hold it (bold 12 px text is
        at most 8 px a character)."""
        self.add(f'<text x="{x:g}" y="{y:g}" class="{cls}">{html.escape(content)}</text>')
        self.extend(x + 8 * len(content), y)

    def rect(self, x: float, y: float, w: float, h: float) -> str:
        return f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}"/>'

    def cell(
        self,
        x: float,
        y: float,
        size: float,
        cls: str | None,
        label: str | None,
        dg: dict[str, str],
        name: str | None = None,
    ) -> None:
        """One square with its centred label; a thing of its own (``name``) is focusable.
        ``cls`` None: the class is its parent group's (the matrix's many cells)."""
        extra = {"class": cls} if cls else {}
        extra.update(dg)
        if name is not None:
            extra.update({"tabindex": "0", "role": "button", "aria-label": name})
        inner = self.rect(x, y, size, size)
        if label is not None:
            inner += f'<text x="{x + size / 2:g}" y="{y + size / 2:g}">{html.escape(label)}</text>'
        self.add(f"<g{_attrs(extra)}>{inner}</g>")
        self.extend(x + size, y + size)

    def svg(self, label: str, prefix: str) -> str:
        width, height = self.width + MARGIN, self.height + MARGIN
        return (
            f'<svg class="dgx-svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="group" aria-label="{html.escape(label)}"'
            f' data-dgx-view="{prefix}">' + "".join(self.parts) + "</svg>"
        )


def _aria(kind: str, name: str, value: float) -> str:
    return f"{kind} {name} = {_num(value)}"


def _step(row: int) -> dict[str, str]:
    return steps.dg_attributes(step=row + 1)


def _input(col: int) -> dict[str, str]:
    return steps.dg_attributes(input=col)


def _weight(k: int) -> dict[str, str]:
    return steps.dg_attributes(weight=k)


def _product(row: int, col: int, k: int) -> dict[str, str]:
    return steps.dg_attributes(step=row + 1, input=col, weight=k)


def _entries(index: np.ndarray) -> Iterator[tuple[int, int, int]]:
    """(row, col, weight) of every non-zero entry, in C order."""
    for row, col in zip(*np.nonzero(index >= 0), strict=True):
        yield int(row), int(col), int(index[row, col])


def _kernel(svg: _Svg, layer: Layer, left: float, top: float) -> float:
    k = layer.w.shape[0]
    svg.text(left, top + 14, "kernel w", "dgx-h")
    top += TITLE
    for a in range(k):
        for b in range(k):
            flat = a * k + b
            name = layer.w_names[flat]
            svg.cell(
                left + b * GRID_CELL,
                top + a * GRID_CELL,
                GRID_CELL,
                "dgx-w",
                _num(layer.w[a, b]),
                _weight(flat),
                _aria("weight", name, layer.w[a, b]),
            )
    return top + k * GRID_CELL


def _inputs(svg: _Svg, layer: Layer, left: float, top: float, title: str) -> tuple[float, float]:
    """The input grid (with its padding); returns where input cell (0, 0) sits."""
    n, lo, hi = layer.x.shape[0], layer.pad_lo, layer.pad_hi
    svg.text(left, top + 14, title, "dgx-h")
    top += TITLE
    for r in range(-lo, n + hi):
        for c in range(-lo, n + hi):
            x0, y0 = left + (c + lo) * GRID_CELL, top + (r + lo) * GRID_CELL
            if 0 <= r < n and 0 <= c < n:
                flat = r * n + c
                svg.cell(
                    x0,
                    y0,
                    GRID_CELL,
                    "dgx-x",
                    _num(layer.x[r, c]),
                    _input(flat),
                    _aria("input", layer.x_names[flat], layer.x[r, c]),
                )
            else:  # a padding zero belongs to nothing
                svg.cell(x0, y0, GRID_CELL, "dgx-pad", "0", {})
    return left + lo * GRID_CELL, top + lo * GRID_CELL


def _outputs(svg: _Svg, layer: Layer, left: float, top: float) -> None:
    side = layer.y.shape[0]
    svg.text(left, top + 14, f"output y ({side}×{side})", "dgx-h")
    top += TITLE
    for r in range(side):
        for c in range(side):
            flat = r * side + c
            svg.cell(
                left + c * GRID_CELL,
                top + r * GRID_CELL,
                GRID_CELL,
                "dgx-y",
                _num(layer.y[r, c]),
                _step(flat),
                _aria("output", layer.y_names[flat], layer.y[r, c]),
            )


def window_view(layer: Layer) -> str:
    """The input (with its padding) with every placement's window over it, the kernel,
    and the output; a window cell (hidden until lit) is one product of a placement."""
    svg = _Svg()
    c = layer.combination
    n = layer.x.shape[0]
    if c.mode == "conv":
        padded = n + layer.pad_lo + layer.pad_hi
        title = f"input x ({n}×{n}" + (f", padded to {padded}×{padded})" if padded > n else ")")
        _inputs(svg, layer, MARGIN, MARGIN, title)
        right = MARGIN + padded * GRID_CELL + GAP
        bottom = _kernel(svg, layer, right, MARGIN)
        _outputs(svg, layer, right, bottom + GAP / 2)
    else:
        _inputs(svg, layer, MARGIN, MARGIN, f"input x ({n}×{n})")
        below = MARGIN + TITLE + n * GRID_CELL + GAP / 2
        _kernel(svg, layer, MARGIN, below)
        right = MARGIN + max(n, layer.w.shape[0]) * GRID_CELL + GAP
        _outputs(svg, layer, right, MARGIN)
    return svg.svg("sliding window: input, kernel and output", "window")


def matrix_view(layer: Layer, *, transpose: bool) -> str:
    """The weight matrix: one row per output and a column per input, or (``transpose``
    false on the transposed tab) C, whose rows are the transposed layer's inputs.

    An empty cell is a structural zero; a filled one names its weight.
    """
    svg = _Svg()
    c = layer.combination
    index = layer.index if transpose or c.mode == "conv" else layer.index.T
    # Which side of the matrix is this layer's output.
    rows_are_outputs = c.mode == "conv" or transpose
    row_names = layer.y_names if rows_are_outputs else layer.x_names
    col_names = layer.x_names if rows_are_outputs else layer.y_names
    row_values = (layer.y if rows_are_outputs else layer.x).ravel()
    col_values = (layer.x if rows_are_outputs else layer.y).ravel()
    label_w = 12 + 8 * max(len(name) for name in row_names)
    label_h = 12 + 8 * max(len(name) for name in col_names)
    left, top = MARGIN + label_w, MARGIN + label_h
    n_rows, n_cols = index.shape

    def side(position: int, is_output: bool, values: np.ndarray, names: Sequence[str]) -> tuple:
        dg = _step(position) if is_output else _input(position)
        kind = "output" if is_output else "input"
        return dg, _aria(kind, names[position], values[position])

    for r in range(n_rows):
        dg, name = side(r, rows_are_outputs, row_values, row_names)
        y0 = top + r * MATRIX_CELL + MATRIX_CELL / 2
        svg.add(
            f'<text x="{left - 4:g}" y="{y0:g}" class="dgx-rl" tabindex="0" role="button"'
            f' aria-label="{html.escape(name)}"{_attrs(dg)}>{html.escape(row_names[r])}</text>'
        )
    for q in range(n_cols):
        dg, name = side(q, not rows_are_outputs, col_values, col_names)
        x0 = left + q * MATRIX_CELL + MATRIX_CELL / 2
        svg.add(
            f'<text x="{x0:g}" y="{top - 4:g}" class="dgx-cl" transform="rotate(-90 {x0:g} '
            f'{top - 4:g})" tabindex="0" role="button" aria-label="{html.escape(name)}"'
            f"{_attrs(dg)}>{html.escape(col_names[q])}</text>"
        )
    width, height = n_cols * MATRIX_CELL, n_rows * MATRIX_CELL
    lines = [f"M{left:g} {top + r * MATRIX_CELL:g}h{width}" for r in range(n_rows + 1)]
    lines += [f"M{left + q * MATRIX_CELL:g} {top:g}v{height}" for q in range(n_cols + 1)]
    svg.add(f'<path class="dgx-grid" d="{"".join(lines)}"/>')
    svg.add('<g class="dgx-m" aria-hidden="true">')
    for r, q, k in _entries(index):
        output, inp = (r, q) if rows_are_outputs else (q, r)
        svg.cell(
            left + q * MATRIX_CELL,
            top + r * MATRIX_CELL,
            MATRIX_CELL,
            None,
            layer.w_names[k],
            _product(output, inp, k),
        )
    svg.add("</g>")
    svg.extend(left + width, top + height)
    name = "C-transpose" if transpose else "C"
    what = f"weight matrix {name}, {n_rows} rows by {n_cols} columns"
    return svg.svg(what, "matrix-t" if transpose else "matrix")


def network_view(layer: Layer) -> str:
    """The layer as a network: inputs on top, outputs below, one edge per product."""
    svg = _Svg()
    xs, ys = layer.x.ravel(), layer.y.ravel()
    count = max(xs.size, ys.size)
    width = count * NODE_GAP

    def centres(number: int) -> list[float]:
        start = MARGIN + (width - number * NODE_GAP) / 2 + NODE_GAP / 2
        return [start + i * NODE_GAP for i in range(number)]

    top, bottom = MARGIN + 40, MARGIN + 40 + 150
    x_at, y_at = centres(xs.size), centres(ys.size)
    edges = [
        f'<line x1="{x_at[col]:g}" y1="{top + NODE_RADIUS:g}" x2="{y_at[row]:g}" '
        f'y2="{bottom - NODE_RADIUS:g}"{_attrs(_product(row, col, k))}/>'
        for row, col, k in _entries(layer.index)
    ]
    svg.add('<g class="dgx-e" aria-hidden="true">' + "".join(edges) + "</g>")

    def node(cx: float, cy: float, value: float, name: str, label_y: float, dg, kind: str) -> None:
        shape = "dgx-xn" if kind == "input" else "dgx-yn"
        svg.add(
            f'<g{_attrs(dg)} tabindex="0" role="button" '
            f'aria-label="{html.escape(_aria(kind, name, value))}">'
            f'<circle cx="{cx:g}" cy="{cy:g}" r="{NODE_RADIUS}" class="{shape}"/>'
            f'<text x="{cx:g}" y="{cy:g}">{html.escape(_num(value))}</text>'
            f'<text x="{cx:g}" y="{label_y:g}" class="dgx-nl">{html.escape(name)}</text></g>'
        )

    for i, value in enumerate(xs):
        node(x_at[i], top, value, layer.x_names[i], top - NODE_RADIUS - 8, _input(i), "input")
    for i, value in enumerate(ys):
        node(
            y_at[i], bottom, value, layer.y_names[i], bottom + NODE_RADIUS + 14, _step(i), "output"
        )
    svg.text(MARGIN, MARGIN + 10, "inputs x", "dgx-h")
    svg.text(MARGIN, bottom + NODE_RADIUS + 34, "outputs y", "dgx-h")
    svg.extend(MARGIN + width, bottom + NODE_RADIUS + 38)
    return svg.svg(
        f"network: {xs.size} inputs, {ys.size} outputs, one edge per weight used", "network"
    )


# ----------------------------------------------------------------------------------------
# Fragments
# ----------------------------------------------------------------------------------------


def size_rule(layer: Layer) -> str:
    """The output size rule with the combination's numbers, as HTML."""
    c = layer.combination
    n, k, s, d = c.n, c.kernel, c.stride, c.dilation
    out = layer.y.shape[0]
    m = MINUS
    if c.mode == "conv":
        lo, hi = layer.pad_lo, layer.pad_hi
        rule = f"⌊(n + p<sub>before</sub> + p<sub>after</sub> {m} d·(k {m} 1) {m} 1) / s⌋ + 1"
        numbers = f"⌊({n} + {lo} + {hi} {m} {d}·({k} {m} 1) {m} 1) / {s}⌋ + 1"
        inner = n + lo + hi - d * (k - 1) - 1
        worked = f"⌊{format_number(inner)} / {s}⌋ + 1 = {out}"
        note = ""
        if c.padding == "same":
            note = (
                f" Padding “same” adds d·(k {m} 1) = {lo + hi} zeros in all: {lo} before"
                f" and {hi} after (the odd one at the end)."
            )
    else:
        p, op = c.padding, c.output_padding
        rule = f"(n {m} 1)·s {m} 2p + d·(k {m} 1) + output_padding + 1"
        numbers = f"({n} {m} 1)·{s} {m} 2·{p} + {d}·({k} {m} 1) + {op} + 1"
        worked = f"{out}"
        note = ""
    return (
        f'<p class="dgx-rule">Output size per side: {rule} = {numbers} = {worked}, so '
        f'the output is <strong class="dgx-size" data-output-size="{out}">{out} × {out}'
        f"</strong>.{note}</p>"
    )


def _frame(svg: str, width: int, group: str, heading: str, extra: str = "") -> str:
    hint = ""
    says = "the drawing below scrolls sideways."
    if width > COLUMN_PX:
        hint = f'<p class="dgx-hint">Wider than the page: {says}</p>'
    elif width > PHONE_COLUMN_PX:
        hint = f'<p class="dgx-hint dgx-phone">Wider than a phone: {says}</p>'
    return (
        f'<h3 class="dgx-view">{heading}</h3>{hint}'
        f'<div class="dg-linked dgx-frame" data-dg-group="{group}"{extra}>{svg}</div>'
    )


def _width(svg: str) -> int:
    return int(svg.split('width="', 1)[1].split('"', 1)[0])


def fragment(combination: Combination, layer: Layer | str | None = None) -> str:
    """The HTML fragment the page loads for one combination (``layer``: its
    :func:`compute`, when the caller has it)."""
    c = combination
    layer = compute(c) if layer is None else layer
    head = f'<div class="dgx-result" data-dgx-combination="{c.slug}"'
    if isinstance(layer, str):
        return (
            f'{head} data-dgx-valid="false"><p class="dgx-invalid" role="alert">'
            f"{html.escape(layer)}</p></div>\n"
        )
    group = f"explorer-{c.slug}"
    window = window_view(layer)
    step_json = json.dumps(layer.step_texts, ensure_ascii=False).replace("</", "<\\/")
    script = f'<script type="application/json" class="dg-steps">{step_json}</script>'
    count = layer.index.shape[0]
    views = [
        _frame(
            window.replace("</svg>", "</svg>" + script, 1),
            _width(window),
            group,
            "Sliding window" if c.mode == "conv" else "Input, kernel and output",
            ' data-dg-controls=""',
        )
    ]
    if c.mode == "transposed":
        forward = matrix_view(layer, transpose=False)
        views.append(
            _frame(forward, _width(forward), group, "The matrix C of the convolution it transposes")
        )
    matrix = matrix_view(layer, transpose=c.mode == "transposed")
    views.append(
        _frame(
            matrix,
            _width(matrix),
            group,
            "C-transpose" if c.mode == "transposed" else "Weight matrix C",
        )
    )
    network = network_view(layer)
    views.append(_frame(network, _width(network), group, "Network"))
    return (
        f'{head} data-dgx-valid="true" data-dgx-steps="{count}">{size_rule(layer)}'
        + "".join(views)
        + "</div>\n"
    )


def pickers() -> dict[str, object]:
    """What each tab offers, for the page's pickers."""
    return {
        "conv": {"n": list(CONV_SIZES), "k": list(KERNELS), "s": list(STRIDES),
                 "p": [str(p) for p in PADDINGS], "d": list(DILATIONS)},
        "transposed": {"n": list(TRANSPOSED_SIZES), "k": list(KERNELS), "s": list(STRIDES),
                       "p": [str(p) for p in PADDINGS], "d": list(DILATIONS),
                       "op": list(OUTPUT_PADDINGS)},
    }  # fmt: skip


def build_files() -> dict[str, bytes]:
    """Every file of the explorer, by name: the fragments, ``index.json`` and the
    page's sentence of numbers (``about.txt``, a snippet)."""
    files: dict[str, bytes] = {}
    entries: dict[str, dict[str, object]] = {}
    for combination in combinations():
        layer = compute(combination)
        files[f"{combination.slug}.html"] = fragment(combination, layer).encode()
        if isinstance(layer, str):
            entries[combination.slug] = {"valid": False, "reason": layer}
        else:
            entries[combination.slug] = {"valid": True, "output": int(layer.y.shape[0])}
    index = {"pickers": pickers(), "combinations": entries}
    files[INDEX_FILE] = (json.dumps(index, ensure_ascii=False, sort_keys=True) + "\n").encode()
    files[ABOUT_FILE] = about(entries).encode()
    return files


def about(entries: dict[str, dict[str, object]]) -> str:
    """The page's sentence of numbers: how many combinations, how many the math refuses."""
    counts = {}
    for mode in MODES:
        mine = [e for slug, e in entries.items() if slug.startswith(mode + "-")]
        counts[mode] = (len(mine), sum(1 for e in mine if e["valid"]))
    largest = max(
        int(e["output"])
        for slug, e in entries.items()
        if slug.startswith("transposed-") and e["valid"]
    )
    conv_total, conv_valid = counts["conv"]
    t_total, t_valid = counts["transposed"]
    beyond = layers.conv_transpose_output_size(
        max(TRANSPOSED_SIZES) + 1,
        max(KERNELS),
        max(STRIDES),
        0,
        max(DILATIONS),
        max(OUTPUT_PADDINGS),
    )
    return (
        f"The convolution tab has {conv_total} combinations, of which the layer math "
        f"draws {conv_valid} and refuses {conv_total - conv_valid}; the transposed tab has "
        f"{t_total}, of which it draws {t_valid}. The transposed tab's input stops at "
        f"{max(TRANSPOSED_SIZES)}×{max(TRANSPOSED_SIZES)} because its output grows with the "
        f"stride times the input: the largest it draws is {largest}×{largest} "
        f"({largest * largest} outputs, as many rows of C-transpose), and one more row and "
        f"column of input would make it {beyond}×{beyond} ({beyond * beyond} outputs).\n"
    )


def write(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Write each file whose bytes differ (atomically), remove the explorer's files that
    are no longer built; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        target = out / name
        if target.is_file() and target.read_bytes() == data:
            continue
        temporary = target.with_name(f".{name}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
        written.append(target)
    for old in out.iterdir():
        if old.is_file() and not old.name.startswith(".") and old.name not in files:
            old.unlink()
    return written


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m diagram_gen.explorer OUT_DIR DEPS_FILE", file=sys.stderr)
        return 2
    out, deps_path = Path(argv[0]), Path(argv[1])
    write(out, build_files())
    (out / INDEX_FILE).touch()  # make compares dates: the index is the build's target
    sources, data = deps.closure([f"{deps.PACKAGE}.explorer"], every_figure=False)
    line = deps.make_dependency_line([str(out / INDEX_FILE)], [*sources, *data])
    deps_path.parent.mkdir(parents=True, exist_ok=True)
    deps_path.write_text(line, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
