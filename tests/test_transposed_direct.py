"""transposed-direct: the drawn equivalence, read back from the figure, against naive loops.

The references here never use the figure module: the zero-inserted, padded input and the
windows are built by explicit loops, the output is ``layers.conv_transpose`` of the
example's input (itself tested against naive loops and SciPy in test_layers.py), and
what the figure drew is read back from its texts, outlines and lines.
"""

from __future__ import annotations

import numpy as np
import pytest
from figure_checks import (
    assert_refused_in_one_sentence,
    assert_text_legible_unclipped_and_apart,
    token_rows,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from diagram_gen import export, layers, registry, targets
from diagram_gen.figures import _matrix
from diagram_gen.style import DARK, LIGHT

MINUS = "\u2212"
FIGURE = "transposed-direct"
SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def parameters(draw) -> dict[str, int]:
    """Random small parameters of the figure: stride 1-3, kernel 1-4, dilation 1-2,
    output_padding below the stride, at most four input values."""
    stride = draw(st.integers(1, 3))
    height = draw(st.integers(1, 4))
    return {
        "height": height,
        "width": draw(st.integers(1, 4 // height)),
        "kernel": draw(st.integers(1, 4)),
        "stride": stride,
        "padding": draw(st.integers(0, 3)),
        "dilation": draw(st.integers(1, 2)),
        "output_padding": draw(st.integers(0, stride - 1)),
        "seed": draw(st.integers(0, 20)),
    }


def drawable(params):
    """The figure's arrays, or skip this example when the figure refuses its parameters."""
    try:
        return registry.get(FIGURE).data(params)
    except ValueError:
        assume(False)


def number(value: float) -> str:
    return str(int(value)).replace("-", MINUS)


def texts(fig) -> dict[str, Text]:
    return {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}


def boxes(fig) -> dict[str, Rectangle]:
    return {p.get_gid(): p for p in fig.findobj(Rectangle) if p.get_gid()}


def transposed(example) -> np.ndarray:
    return layers.conv_transpose(
        example.y[np.newaxis],
        example.kernel[np.newaxis, np.newaxis],
        stride=example.stride,
        padding=example.padding,
        dilation=example.dilation,
        output_padding=example.output_padding,
    )[0]


def loop_dilated(example) -> tuple[np.ndarray, np.ndarray, int]:
    """The zero-inserted, padded input by explicit loops, and per cell its kind:
    "value", "inserted" (between values) or "padding" (around them, output_padding
    included). Returns (grid, kinds, pad)."""
    y, k = example.y, example.kernel.shape[0]
    s, d, p, op = example.stride, example.dilation, example.padding, example.output_padding
    pad = d * (k - 1) - p
    height, width = y.shape
    core_h, core_w = (height - 1) * s + 1, (width - 1) * s + 1
    rows, cols = core_h + 2 * pad + op, core_w + 2 * pad + op
    grid = np.zeros((rows, cols))
    kinds = np.empty((rows, cols), dtype=object)
    for r in range(rows):
        for c in range(cols):
            inside = pad <= r < pad + core_h and pad <= c < pad + core_w
            kinds[r, c] = "inserted" if inside else "padding"
    for i in range(height):
        for j in range(width):
            grid[pad + i * s, pad + j * s] = y[i, j]
            kinds[pad + i * s, pad + j * s] = "value"
    return grid, kinds, pad


def loop_windows(example, shape: tuple[int, int]) -> list[list[tuple[int, int, int]]]:
    """Per output, row by row: (padded-input row, column, original weight number) of each
    tap of the flipped kernel, by explicit loops (stride 1)."""
    k, d = example.kernel.shape[0], example.dilation
    rows, cols = shape
    out_h, out_w = rows - d * (k - 1), cols - d * (k - 1)
    windows = []
    for i in range(out_h):
        for j in range(out_w):
            taps = []
            for a in range(k):
                for b in range(k):
                    taps.append((i + a * d, j + b * d, (k - 1 - a) * k + (k - 1 - b)))
            windows.append(taps)
    return windows


def lit(fig) -> set[str]:
    return {
        patch.get_gid()
        for patch in fig.findobj(Rectangle)
        if np.isclose(patch.get_linewidth(), _matrix.LIT_WIDTH) and patch.get_gid()
    }


@SETTINGS
@given(parameters())
def test_drawn_output_is_the_transposed_convolution_and_the_scatter_figures(params):
    # Proves the output grid drawn is layers.conv_transpose of the example's input, cell
    # for cell, and shows the same numbers as transposed-upsample with the same parameters.
    data = drawable(params)
    spec = registry.get(FIGURE)
    expected = transposed(spec.example(**params))
    drawn = texts(spec.draw(data, LIGHT))
    upsample = registry.get("transposed-upsample")
    scatter = texts(upsample.draw(upsample.data(params), LIGHT))
    for (i, j), value in np.ndenumerate(expected):
        assert drawn[f"z-{i}-{j}"].get_text() == number(value)
        assert scatter[f"z-{i}-{j}"].get_text() == number(value)
    assert f"z-{expected.shape[0]}-0" not in drawn and f"z-0-{expected.shape[1]}" not in drawn


@SETTINGS
@given(parameters())
def test_drawn_input_has_the_inserted_zeros_and_padding_where_a_loop_puts_them(params):
    # Proves every cell of the drawn zero-inserted input holds the loop's number, that
    # exactly the zeros are dashed (the legend's mark), that the input values carry their
    # names, and that the frame and brackets mark the inserted part and the padding.
    data = drawable(params)
    spec = registry.get(FIGURE)
    example = spec.example(**params)
    grid, kinds, pad = loop_dilated(example)
    fig = spec.draw(data, LIGHT)
    drawn, cells = texts(fig), boxes(fig)
    assert f"x-{grid.shape[0]}-0" not in drawn and f"x-0-{grid.shape[1]}" not in drawn
    x0, y0 = cells["x-0-0-box"].get_x(), cells["x-0-0-box"].get_y()
    for (r, c), value in np.ndenumerate(grid):
        box = cells[f"x-{r}-{c}-box"]
        assert (box.get_x() - x0, box.get_y() - y0) == pytest.approx((c, r))
        if kinds[r, c] == "value":
            assert drawn[f"x-{r}-{c}"].get_text() == number(value)
            assert box.get_linestyle() == "-"
            i, j = (r - pad) // example.stride, (c - pad) // example.stride
            assert drawn[f"x-{r}-{c}-name"].get_text() == f"y{chr(0x2081 + i)}{chr(0x2081 + j)}"
        else:
            assert drawn[f"x-{r}-{c}"].get_text() == "0"
            assert box.get_linestyle() == "--"
            assert f"x-{r}-{c}-name" not in drawn
    inserted_rows, inserted_cols = np.nonzero(kinds != "padding")
    frame = cells["inserted-frame"]
    assert (frame.get_x() - x0, frame.get_y() - y0) == pytest.approx(
        (inserted_cols.min(), inserted_rows.min())
    )
    assert frame.get_width() == inserted_cols.max() - inserted_cols.min() + 1
    assert frame.get_height() == inserted_rows.max() - inserted_rows.min() + 1
    # The brackets over the columns: runs of padding, the inserted part, padding and
    # output_padding, which together cover every column once.
    labels = {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}
    runs = []
    for line in fig.findobj(Line2D):
        gid = line.get_gid() or ""
        if gid.startswith("bracket-"):
            xs = line.get_xdata()
            runs.append((round(min(xs) - x0), round(max(xs) - x0), labels[f"{gid}-label"]))
    runs.sort()
    assert [first for first, _, _ in runs] == sorted({0, *[last for _, last, _ in runs[:-1]]})
    assert runs[-1][1] == grid.shape[1]
    inside = [(first, last) for first, last, label in runs if label.startswith("y")]
    assert inside == [(inserted_cols.min(), inserted_cols.max() + 1)]


@SETTINGS
@given(parameters(), st.data())
def test_steps_read_the_windows_a_loop_finds_and_light_exactly_them(params, chosen):
    # Proves each step reads the loop's window of the zero-inserted, padded input (flat
    # indices into it) through the flipped kernel's weights, that those products add up
    # to the transposed convolution's output, and that drawing a step lights exactly its
    # window's cells and its output.
    data = drawable(params)
    spec = registry.get(FIGURE)
    example = spec.example(**params)
    grid, _, _ = loop_dilated(example)
    expected = transposed(example).ravel()
    windows = loop_windows(example, grid.shape)
    steps = spec.steps(data)
    assert len(steps) == len(windows) == expected.size
    width = grid.shape[1]
    weights = example.kernel.ravel()
    for n, (step, window) in enumerate(zip(steps, windows, strict=True)):
        assert step.index == n + 1 and step.outputs == (n,)
        assert set(step.inputs) == {r * width + c for r, c, _ in window}
        assert set(step.triples) == {(r * width + c, t, n) for r, c, t in window}
        total = sum(grid.ravel()[i] * weights[t] for i, t, _ in step.triples)
        assert np.isclose(total, expected[n])
        assert step.text.startswith(f"placement {n + 1} of {len(steps)}: z")
        assert step.text.split(" (")[0].endswith(f"= {number(expected[n])}")
    step = steps[chosen.draw(st.integers(0, len(steps) - 1), label="step")]
    out_w = data.output.shape[1]
    o = step.outputs[0]
    window = windows[o]
    gids = {f"x-{r}-{c}-box" for r, c, _ in window} | {f"z-{o // out_w}-{o % out_w}-box"}
    fig = spec.draw(data, LIGHT, step=step)
    assert lit(fig) == gids
    assert texts(fig)["step-text"].get_text() == step.text


def test_the_still_figure_frames_the_scatter_figures_traced_output_with_its_sum():
    # Proves the default figure frames the output the scatter figure traces, with a
    # window as wide as the dilated kernel, and writes its value as the sum's result.
    spec = registry.get(FIGURE)
    data = spec.data({})
    scatter = registry.get("transposed-upsample").data({})
    r, c = scatter.traced
    i, j = r - scatter.padding, c - scatter.padding
    fig = spec.draw(data, LIGHT)
    cells = boxes(fig)
    focus, z = cells["z-focus"], cells[f"z-{i}-{j}-box"]
    assert (focus.get_x(), focus.get_y()) == pytest.approx((z.get_x(), z.get_y()))
    window, origin = cells["window"], cells[f"x-{i}-{j}-box"]
    assert (window.get_x(), window.get_y()) == pytest.approx((origin.get_x(), origin.get_y()))
    k, d = data.kernel.shape[0], data.dilation
    assert window.get_width() == d * (k - 1) + 1
    assert token_rows(fig, "sum")[1].endswith("=" + number(transposed(spec.example())[i, j]))


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_flipped_kernel_holds_each_weight_turned_half_a_circle(theme):
    # Proves cell (a, b) of the flipped kernel shows weight (k−1−a, k−1−b), name and value.
    spec = registry.get(FIGURE)
    data = spec.data({})
    drawn = texts(spec.draw(data, theme))
    k = data.kernel.shape[0]
    for a in range(k):
        for b in range(k):
            t = (k - 1 - a) * k + (k - 1 - b)
            value = number(data.kernel.ravel()[t])
            assert drawn[f"flipped-{a}-{b}"].get_text() == f"{data.names[t]}\n{value}"


@pytest.mark.parametrize(
    "overrides",
    [{}, {"kernel": 4, "padding": 1, "output_padding": 1}, {"height": 1, "width": 3, "stride": 3}],
)
@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_text_is_legible_unclipped_and_never_overlaps(overrides, theme):
    spec = registry.get(FIGURE)
    data = spec.data(overrides)
    assert_text_legible_unclipped_and_apart(spec.draw(data, theme))
    step = spec.steps(data)[0]
    assert_text_legible_unclipped_and_apart(spec.draw(data, theme, step=step))


def test_padding_past_the_kernel_span_is_refused_in_one_sentence():
    # Proves the figure refuses, in one sentence naming the rule and the value, padding
    # that the direct reading would have to crop (here 1 > 1·(1 − 1) = 0).
    assert_refused_in_one_sentence(
        FIGURE, {"kernel": 1, "stride": 3, "padding": 1}, ("padding", "at most", "got 1")
    )


def test_laid_out_for_the_column_its_text_reads_at_11_px_there():
    # Proves goal 1 of issue 11 from the SVG the site serves: the default figure is at
    # most the page column wide, so nothing is shrunk, and its smallest text reads at
    # 11 CSS px or more there.
    options = export.ExportOptions(("svg",))
    files = registry.render(FIGURE, {}, themes=("light",), options=options)
    measure = targets.measure_svg(files[f"{FIGURE}-light.svg"])
    assert measure.width <= targets.PAGE.width + 0.01
    assert measure.shown_in(targets.PAGE.width) >= 11 - 0.01


def words(text: Text) -> str:
    """A text's words, whatever lines they were wrapped to."""
    return " ".join(text.get_text().split())


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
def test_parts_are_pieces_of_the_page_figure_and_each_fits_both_slides(theme):
    # Proves the parts a slide shows one at a time hold the page figure's texts (same
    # gids, same words) and together all of them, no part draws another's cells, the
    # convolution part puts the output right of the padded input (a slide is wide), and
    # each part fits a 16:9 and a 4:3 slide with no text under 12 pt, without overlaps.
    spec = registry.get(FIGURE)
    data = spec.data({})
    page = {g: words(t) for g, t in texts(spec.draw(data, theme)).items()}
    assert spec.part_names(data) == ["rule", "convolution", "sum"]
    seen: dict[str, str] = {}
    for part, own, others in (
        ("rule", "flipped-", ("x-", "z-", "sum-")),
        ("convolution", "x-", ("flipped-", "y-", "sum-")),
        ("sum", "sum-", ("x-", "z-", "flipped-")),
    ):
        fig = spec.draw(data, theme, part=part)
        drawn = {g: words(t) for g, t in texts(fig).items()}
        assert drawn.items() <= page.items()
        assert any(g.startswith(own) for g in drawn)
        assert not any(g.startswith(o) for g in drawn for o in others)
        seen |= drawn
        assert_text_legible_unclipped_and_apart(fig)
        if part == "convolution":
            cells = boxes(fig)
            padded_right = max(b.get_x() + b.get_width() for g, b in cells.items()
                               if g.startswith("x-") and g.endswith("-box"))  # fmt: skip
            assert padded_right < min(b.get_x() for g, b in cells.items() if g.startswith("z-"))
        for slide in targets.SLIDES.values():
            fitted = targets.fit_figure(
                spec.draw(data, theme, part=part), slide, figure_id=FIGURE, parts=[]
            )
            assert fitted.min_text >= 12 - 1e-6
    assert seen == page


def test_a_step_on_a_slide_lights_the_same_cells_beside_and_fits_16_9():
    # Proves a slide's step frame is the page frame rearranged: the same texts and lit
    # cells, the output right of the padded input, and it fits a 16:9 slide at 12 pt.
    spec = registry.get(FIGURE)
    data = spec.data({})
    slide = targets.SLIDES["16:9"]
    for step in spec.steps(data)[::6]:
        page, beside = spec.draw(data, LIGHT, step=step), spec.draw(data, LIGHT, step, target=slide)
        assert lit(beside) == lit(page)
        assert {g: words(t) for g, t in texts(beside).items()} == {
            g: words(t) for g, t in texts(page).items()
        }
        cells = boxes(beside)
        assert cells["x-0-6-box"].get_x() < cells["z-0-0-box"].get_x()
        assert_text_legible_unclipped_and_apart(beside)
        fitted = targets.fit_figure(beside, slide, figure_id=FIGURE, parts=[])
        assert fitted.min_text >= 12 - 1e-6
