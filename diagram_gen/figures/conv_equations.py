"""``conv-equations``: one equation per output, all with the same weights and the same bias.

Each equation is written twice: with names (``y₁₁ = α·x₁₁ + β·x₁₂ + γ·x₂₁ + δ·x₂₂ + b``)
and, under it, with the numbers and the result. The equations are set as one table, so the
same weight stands in the same column in every equation; each weight is a chip in its own
colour *and* carries its name or value, so the sharing shows both ways. The bias is an
outlined chip, the same in every equation: it belongs to the kernel like its weights.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from diagram_gen import examples, linked
from diagram_gen.examples import ConvLayer
from diagram_gen.figures import _grid, _matrix
from diagram_gen.figures._grid import Slot, Token, slot
from diagram_gen.steps import layer_steps
from diagram_gen.style import Theme

FIGURE_ID = "conv-equations"
TITLE = "One equation per output, the same weights in each"
#: One channel in and out: the figure draws single grids.
example = examples.without(examples.conv_example, "in_channels", "out_channels")

#: At most this many equations; the others are left out and the figure and alt text say so.
MAX_EQUATIONS = 4
#: Vertical gap between two equations, in cell units.
EQUATION_GAP = 0.5
#: Horizontal gap between two columns of equations, in cell units.
COLUMN_GAP = 1.2


@dataclass(frozen=True)
class EquationsData(_grid.Shown):
    """The placements of the kernel; ``shown`` are the outputs that get their equation."""


def compute(example: ConvLayer) -> EquationsData:
    """Every placement's terms, and which equations to write."""
    sliding = _grid.slide(example, figure_id=FIGURE_ID, max_side=None)
    return EquationsData(sliding, _grid.chosen_placements(sliding.output.shape, MAX_EQUATIONS))


def render(data: EquationsData, theme: Theme) -> Figure:
    fig, ax = _matrix.new_figure(theme)
    draw_conv_equations(ax, data, theme=theme)
    return fig


def input_name(s: _grid.Sliding, row: int, col: int) -> str | None:
    """``x₁₂`` for the pixel at padded-grid ``(row, col)``; None on the padding."""
    top, left, _, _ = s.pad
    if s.is_padding[row, col]:
        return None
    return _grid.position_name("x", row - top, col - left, s.image.shape)


def output_name(s: _grid.Sliding, p: int) -> str:
    i, j = s.placements[p].index
    return _grid.position_name("y", i, j, s.output.shape)


def equation_rows(s: _grid.Sliding, p: int) -> tuple[list[list[Slot]], list[list[Slot]]]:
    """(symbolic rows, numeric rows) of the equation of output ``p``.

    Symbolic: ``y₁₁ = α·x₁₁ + … + b``; numeric: ``= 2·3 + … + 1 = 18``. A tap on the
    padding is written ``·0``, muted, in both.
    """
    placement = s.placements[p]
    kh, kw = s.kernel.shape
    per_line = _grid.terms_per_line((kh, kw))
    sym_w, sym_x, num_w, num_x = [], [], [], []
    for k, (a, b) in enumerate((a, b) for a in range(kh) for b in range(kw)):
        name = input_name(s, placement.rows[a], placement.cols[b])
        kind = "text" if name is not None else "muted"
        sym_w.append(slot(Token(s.names[k], "weight", k), align="right"))
        sym_x.append(slot(Token("·" + (name or "0"), kind), align="left", tight=True))
        value = placement.values[a, b]
        num_w.append(slot(Token(_matrix.format_number(s.kernel[a, b]), "weight", k), align="right"))
        num_x.append(slot(Token("·" + _grid.plain_number(value), kind), align="left", tight=True))
    lead_next = [slot(), slot("+")]
    symbolic = _grid.term_rows(
        sym_w,
        sym_x,
        per_line=per_line,
        lead=[slot(output_name(s, p), align="right"), slot("=")],
        lead_next=lead_next,
        tail=[slot("+"), slot(Token("b", "bias"))],
    )
    numeric = _grid.term_rows(
        num_w,
        num_x,
        per_line=per_line,
        lead=[slot(), slot("=")],
        lead_next=lead_next,
        tail=[
            slot("+"),
            slot(Token(_matrix.format_number(s.bias), "bias")),
            slot("="),
            slot(Token(_matrix.format_number(placement.result), "output")),
        ],
    )
    return symbolic, numeric


def draw_conv_equations(ax: Axes, data: EquationsData, *, theme: Theme) -> dict[str, list]:
    """Write the chosen equations as one table, then a note on what they share.

    The tokens of equation ``p`` have the gids ``equation-{p}-sym-{row}-{column}-{token}``
    (with names) and ``equation-{p}-num-{row}-{column}-{token}`` (with numbers).
    """
    s = data.sliding
    blocks = {p: equation_rows(s, p) for p in data.shown}
    table = _grid.columns(ax, [row for pair in blocks.values() for rows in pair for row in rows])
    sym_lines = len(blocks[data.shown[0]][0])
    wrapped = sym_lines > 1
    # A long equation takes several lines: a little air between its names and its numbers.
    split = 0.15 if wrapped else 0.0
    block_columns = 2 if wrapped and len(data.shown) > 1 else 1
    block_h = 2 * sym_lines * _grid.LINE + split
    artists: dict[str, list] = {"equations": [], "notes": []}
    for n, p in enumerate(data.shown):
        symbolic, numeric = blocks[p]
        x = (n % block_columns) * (table.width + COLUMN_GAP)
        y = (n // block_columns) * (block_h + EQUATION_GAP) + _grid.LINE / 2
        artists["equations"] += _grid.draw_rows(
            ax, x, y, symbolic, theme=theme, gid=f"equation-{p}-sym", table=table
        )
        y += sym_lines * _grid.LINE + split
        artists["equations"] += _grid.draw_rows(
            ax, x, y, numeric, theme=theme, gid=f"equation-{p}-num", table=table
        )
    block_rows = -(-len(data.shown) // block_columns)
    y = block_rows * block_h + (block_rows - 1) * EQUATION_GAP + 0.35
    right = block_columns * table.width + (block_columns - 1) * COLUMN_GAP
    # Notes under the equations, wrapped to their width (a narrow table gets 8 units).
    width = max(right, 8.0)
    for k, note in enumerate(_notes(data)):
        lines = _grid.wrap(ax, note, width, _grid.TITLE_FONT)
        artists["notes"].append(
            _grid.title(
                ax, 0, y, "\n".join(lines), theme=theme, gid=f"note-{k}", va="top", linespacing=1.3
            )
        )
        right = max([right] + [_grid.text_width(ax, line, _grid.TITLE_FONT) for line in lines])
        y += 0.45 * len(lines) + 0.15
    _matrix.fit(ax.figure, ax, (-0.35, right + 0.35), (-0.3, y + 0.1))
    return artists


def _weights_listing(s: _grid.Sliding) -> str:
    names = s.names
    if len(names) <= 4:
        return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return f"{names[0]} … {names[-1]}"


def _notes(data: EquationsData) -> list[str]:
    s = data.sliding
    notes = [
        f"Every equation uses the same {s.kernel.size} weights {_weights_listing(s)} "
        f"and the same bias b: one kernel, one bias."
    ]
    if any((~s.placements[p].inside).any() for p in data.shown):
        notes.append("A muted ·0 is a padding zero: the weight meets no pixel there.")
    if len(data.shown) < data.count:
        notes.append(
            f"{len(data.shown)} of the {data.count} equations are shown, one per output "
            f"({', '.join(output_name(s, p) for p in data.shown)})."
        )
    return notes


def caption(data: EquationsData) -> str:
    s = data.sliding
    return (
        f"The {data.count} outputs as equations: each is a weighted sum of the pixels under "
        f"the kernel plus the bias. The weights {_weights_listing(s)} and the bias b are the "
        f"same in every equation; the bias belongs to the kernel like its weights."
    )


def _symbolic_text(s: _grid.Sliding, p: int) -> str:
    placement = s.placements[p]
    kh, kw = s.kernel.shape
    terms = [
        f"{s.names[a * kw + b]}·{input_name(s, placement.rows[a], placement.cols[b]) or '0'}"
        for a in range(kh)
        for b in range(kw)
    ]
    return f"{output_name(s, p)} = " + " + ".join([*terms, "b"])


def alt_text(data: EquationsData) -> str:
    s = data.sliding
    weights = ", ".join(
        f"{name} = {_matrix.format_number(w)}"
        for name, w in zip(s.names, s.kernel.ravel(), strict=True)
    )
    if len(data.shown) < data.count:
        head = f"{len(data.shown)} of the {data.count} equations of a convolution, one per output"
    else:
        head = f"The {data.count} equations of a convolution, one per output"
    equations = "; ".join(
        f"{_symbolic_text(s, p)}, that is {_grid.sum_text(s.placements[p], s.kernel, s.bias)}"
        for p in data.shown
    )
    return (
        f"{head}, each written with names and then with numbers: {equations}. Every equation "
        f"uses the same weights ({weights}), each shown in its own colour with its name, and "
        f"the same bias b = {_matrix.format_number(s.bias)}."
    )


def links(data) -> linked.Links:
    """The drawn cells, weights, results and sums as outputs, inputs, weights and products."""
    s = data.sliding

    def written(p: int) -> list[tuple[str, list]]:
        symbolic, numeric = equation_rows(s, p)
        return [(f"equation-{p}-sym", symbolic), (f"equation-{p}-num", numeric)]

    elements = _grid.sliding_links(s, data.shown, pieces=False, written=written)
    texts = linked.step_texts(layer_steps(s.example))
    return linked.Links(linked.conv_group(s.example), elements, texts)
