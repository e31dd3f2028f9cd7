"""The arithmetic figures (stride and dilation, transposed convolution, pooling, receptive
fields) draw what the layers compute.

Every test reads back what was drawn (texts, fill colours, positions of chips, frames,
rings, nodes and edges) and compares it with a computation written out here with explicit
loops, never with the functions the figures call. Colours come from the theme.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
from figure_checks import assert_refused_in_one_sentence, assert_text_legible_unclipped_and_apart
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle
from matplotlib.text import Text

from diagram_gen import export, registry, targets
from diagram_gen.figures import _matrix
from diagram_gen.style import DARK, LIGHT

MINUS = "\u2212"
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
THEME_BY_NAME = {LIGHT.name: LIGHT, DARK.name: DARK}
IDS = ("stride-dilation", "transposed-upsample", "pooling", "receptive-field-growth")


# ----------------------------------------------------------------------------------------
# Reading figures back
# ----------------------------------------------------------------------------------------


@functools.cache
def _render(figure_id: str, theme_name: str, overrides: tuple) -> tuple:
    spec = registry.get(figure_id)
    data = spec.data(dict(overrides))
    return data, spec.draw(data, THEME_BY_NAME[theme_name])


def render(figure_id, theme=LIGHT, **overrides):
    """(data, figure), drawn once per figure, theme and parameters: the tests only read
    the figures, so they share them (and the file stays fast)."""
    return _render(figure_id, theme.name, tuple(sorted(overrides.items())))


def texts(fig) -> dict[str, Text]:
    return {t.get_gid(): t for t in fig.findobj(Text) if t.get_gid()}


def boxes(fig) -> dict[str, Rectangle]:
    return {p.get_gid(): p for p in fig.findobj(Rectangle) if p.get_gid()}


def circles(fig) -> dict[str, Circle]:
    return {p.get_gid(): p for p in fig.findobj(Circle) if p.get_gid()}


def lines(fig) -> dict[str, Line2D]:
    return {line.get_gid(): line for line in fig.findobj(Line2D) if line.get_gid()}


def number(value: float) -> str:
    """How a reader writes a number: ``3``, ``−1``, ``2.5``."""
    value = float(value)
    if value == int(value):
        text = str(int(value))
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text.replace("-", MINUS)


def parse(text: str) -> float:
    return float(text.replace(MINUS, "-"))


def inside(x: float, y: float, box: Rectangle) -> bool:
    return (
        box.get_x() <= x <= box.get_x() + box.get_width()
        and box.get_y() <= y <= box.get_y() + box.get_height()
    )


def token_rows(fig, prefix: str) -> list[str]:
    """Rows of tokens with gids ``{prefix}-{row}-{col}-{token}``, joined without spaces."""
    pattern = re.compile(re.escape(prefix) + r"-(\d+)-(\d+)-(\d+)$")
    found = sorted(
        (tuple(int(g) for g in m.groups()), t.get_text())
        for gid, t in texts(fig).items()
        if (m := pattern.match(gid))
    )
    rows: dict[int, list[str]] = {}
    for (row, _, _), text in found:
        rows.setdefault(row, []).append(text)
    return ["".join(rows[r]).replace(" ", "") for r in sorted(rows)]


# ----------------------------------------------------------------------------------------
# Independent references: explicit loops
# ----------------------------------------------------------------------------------------


def loop_conv1d(x, w, bias, *, stride, padding, dilation):
    """1D cross-correlation by loops; returns (outputs, taps) with taps[j] the padded
    positions read by output j."""
    padded = [0.0] * padding + list(x) + [0.0] * padding
    outputs, taps = [], []
    j = 0
    while j * stride + dilation * (len(w) - 1) < len(padded):
        where = [j * stride + t * dilation for t in range(len(w))]
        outputs.append(sum(w[t] * padded[p] for t, p in enumerate(where)) + bias)
        taps.append(where)
        j += 1
    return outputs, taps


def floor_rule(n, k, s, p, d):
    """The output size, floor((n + 2p − d(k − 1) − 1) / s) + 1, with integer division."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def loop_conv_transpose2d(y, w, *, stride, padding, dilation, output_padding):
    """Transposed convolution by scattering: y[i, j] * w[a, b] lands at
    (i·s + a·d − p, j·s + b·d − p); returns (output, counts) cropped to the output."""
    k = w.shape[0]
    out_shape = [
        (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1 for n in y.shape
    ]
    out = np.zeros(out_shape)
    counts = np.zeros(out_shape, dtype=int)
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            for a in range(k):
                for b in range(k):
                    r = i * stride + a * dilation - padding
                    c = j * stride + b * dilation - padding
                    if 0 <= r < out_shape[0] and 0 <= c < out_shape[1]:
                        out[r, c] += y[i, j] * w[a, b]
                        counts[r, c] += 1
    return out, counts


def loop_conv_matrix2d(w, height, width, *, stride, padding, dilation):
    """The dense matrix of a single-channel 2D convolution on a height x width input."""
    k = w.shape[0]
    out_h = floor_rule(height, k, stride, padding, dilation)
    out_w = floor_rule(width, k, stride, padding, dilation)
    matrix = np.zeros((out_h * out_w, height * width))
    for i in range(out_h):
        for j in range(out_w):
            for a in range(k):
                for b in range(k):
                    r = i * stride + a * dilation - padding
                    c = j * stride + b * dilation - padding
                    if 0 <= r < height and 0 <= c < width:
                        matrix[i * out_w + j, r * width + c] += w[a, b]
    return matrix


def loop_pool(image, kernel, stride):
    """{(i, j): (window values, max, mean)} for non-overlapping windows, by loops."""
    height, width = image.shape
    windows = {}
    for i in range((height - kernel) // stride + 1):
        for j in range((width - kernel) // stride + 1):
            cells = [(i * stride + a, j * stride + b) for a in range(kernel) for b in range(kernel)]
            values = [image[r, c] for r, c in cells]
            windows[i, j] = (cells, max(values), sum(values) / len(values))
    return windows


# ----------------------------------------------------------------------------------------
# stride-dilation
# ----------------------------------------------------------------------------------------

PANELS = (("plain", 1, 1), ("strided", None, 1), ("dilated", 1, None))


def panels(params: dict) -> list[tuple[str, int, int]]:
    stride, dilation = params.get("stride", 2), params.get("dilation", 2)
    return [(key, s or stride, d or dilation) for key, s, d in PANELS]


@THEMES
@pytest.mark.parametrize(
    "params",
    [{}, {"n_in": 9, "kernel": 2, "stride": 3, "dilation": 3, "padding": 1}],
    ids=["default", "custom"],
)
def test_stride_dilation_chips_sit_on_the_inputs_each_tap_reads(theme, params):
    # Proves each panel has one row per placement (as many as a loop conv finds) and that
    # tap t of placement j is a chip in weight t's colour, named w_{t+1}, lying on the input
    # cell at j·stride + t·dilation (padded numbering), for stride 1, the stride and the
    # dilation, with and without padding.
    data, fig = render("stride-dilation", theme, **params)
    layer = registry.get("stride-dilation").example(**params).layer
    x, w, bias = layer.image[0], layer.kernel[0, 0], float(layer.bias[0])
    p = params.get("padding", 0)
    all_boxes, drawn = boxes(fig), texts(fig)
    for key, s, d in panels(params):
        outputs, taps = loop_conv1d(x, w, bias, stride=s, padding=p, dilation=d)
        assert f"{key}-tap-{len(taps)}-0" not in drawn
        for j, where in enumerate(taps):
            for t, position in enumerate(where):
                chip = all_boxes[f"{key}-tap-{j}-{t}-chip"]
                cell = all_boxes[f"{key}-x-0-{position}-box"]
                centre = chip.get_x() + chip.get_width() / 2
                assert cell.get_x() < centre < cell.get_x() + 1
                assert to_hex(chip.get_facecolor()) == to_hex(theme.weight_colour(t))
                assert drawn[f"{key}-tap-{j}-{t}"].get_text() == f"w{t + 1}".translate(SUB)
        # The padding is drawn as dashed zeros, the image as its numbers.
        for c in range(len(x) + 2 * p):
            cell = all_boxes[f"{key}-x-0-{c}-box"]
            if p <= c < p + len(x):
                assert drawn[f"{key}-x-0-{c}"].get_text() == number(x[c - p])
            else:
                assert drawn[f"{key}-x-0-{c}"].get_text() == "0"
                assert cell.get_linestyle() == "--"


@pytest.mark.parametrize(
    "params", [{}, {"n_in": 9, "kernel": 2, "stride": 3, "dilation": 3, "padding": 1}]
)
def test_stride_dilation_outputs_and_sizes_follow_the_floor_rule(params):
    # Proves the drawn outputs are the loop conv's, their number equals the floor rule
    # evaluated here, and each panel writes that rule with its own numbers and result
    # (8 inputs, k = 3, stride 2: ⌊5 / 2⌋ + 1 = 3, where seed 004's misprint, n + 2p −
    # k/s + 1, would say 7.5).
    data, fig = render("stride-dilation", **params)
    layer = registry.get("stride-dilation").example(**params).layer
    x, w, bias = layer.image[0], layer.kernel[0, 0], float(layer.bias[0])
    n, k, p = len(x), len(w), params.get("padding", 0)
    drawn = texts(fig)
    for key, s, d in panels(params):
        outputs, _ = loop_conv1d(x, w, bias, stride=s, padding=p, dilation=d)
        size = floor_rule(n, k, s, p, d)
        assert len(outputs) == size
        assert [drawn[f"{key}-y-{j}"].get_text() for j in range(size)] == [
            number(v) for v in outputs
        ]
        assert f"{key}-y-{size}" not in drawn
        first = drawn[f"{key}-rule-0"].get_text()
        second = drawn[f"{key}-rule-1"].get_text()
        assert first == f"size = ⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1"
        top = n + 2 * p - d * (k - 1) - 1
        assert second == f"= ⌊{top} / {s}⌋ + 1 = {top // s} + 1 = {size}"
        assert drawn[f"{key}-title"].get_text().endswith(f"{size} outputs")
    if not params:
        assert floor_rule(8, 3, 2, 0, 1) == 3 and 8 + 0 - 3 / 2 + 1 == 7.5


def test_stride_dilation_labels_the_inputs_no_placement_reads():
    # Proves the floor is visible: with 8 inputs, a kernel of 3 and stride 2 the loop conv
    # never reads x₈, which alone is labelled "unread", and stride 1 and dilation 2 read
    # everything; the alt text says so.
    data, fig = render("stride-dilation")
    layer = registry.get("stride-dilation").example().layer
    x, w = layer.image[0], layer.kernel[0, 0]
    drawn = texts(fig)
    for key, s, d in panels({}):
        _, taps = loop_conv1d(x, w, 0.0, stride=s, padding=0, dilation=d)
        read = {position for where in taps for position in where}
        unread = [i for i in range(len(x)) if i not in read]
        labelled = sorted(
            int(m.group(1)) for g in drawn if (m := re.fullmatch(rf"{key}-unread-(\d+)", g))
        )
        assert labelled == unread
        assert all(drawn[f"{key}-unread-{i}"].get_text() == "unread" for i in unread)
    assert "x₈ is never read" in registry.get("stride-dilation").alt(data)


def slide_svg_measure(figure_id: str, part: str | None = None, **overrides):
    """The smallest text and size of ``--slide 16:9`` (with ``part``), read from its SVG."""
    options = export.ExportOptions(("svg",), slide="16:9", part=part)
    files = registry.render(figure_id, overrides, themes=("light",), options=options)
    stem = registry.file_stem(figure_id, overrides) + registry.layout_suffix(options)
    return targets.measure_svg(files[f"{stem}-light.svg"])


@pytest.mark.parametrize(
    "figure_id",
    ["stride-dilation", "transposed-upsample", "zero-padding-same", "conv-sliding", "pooling"],
)
def test_laid_out_for_the_column_its_text_reads_at_11_px_there(figure_id):
    # Proves goal 1 of issue 11 from the SVG the site serves: shown at most 688 CSS px
    # wide (the browser shrinks a wider image), the smallest text is 11 CSS px or more.
    options = export.ExportOptions(("svg",))
    files = registry.render(figure_id, {}, themes=("light",), options=options)
    measure = targets.measure_svg(files[f"{figure_id}-light.svg"])
    assert measure.shown_in(targets.PAGE.width) >= 11 - 0.01


def test_pooling_stacks_its_panels_for_the_page_and_sets_them_side_by_side_on_a_slide():
    # Proves the two layouts of one drawing: the average panel starts under the max panel
    # in the page column and beside it on a slide, and the slide render fills a 16:9 slide
    # with no text under 12 pt.
    spec = registry.get("pooling")
    data = spec.data({})
    for target, beside in ((None, False), (targets.SLIDES["16:9"], True)):
        drawn = boxes(spec.draw(data, LIGHT, target=target))
        first, second = drawn["max-x-0-0-box"], drawn["avg-x-0-0-box"]
        if beside:
            assert second.get_x() > first.get_x() and second.get_y() == first.get_y()
        else:
            assert second.get_x() == first.get_x() and second.get_y() > first.get_y()
    measure = slide_svg_measure("pooling")
    assert measure.width <= 13.333 + 0.01 and measure.height <= 7.5 + 0.01
    assert measure.min_text >= 12 - 0.01


def test_pooling_parts_are_one_panel_each_and_fit_a_4_3_slide():
    # Proves --part for a 4:3 slide: the max part draws the max panel's cells and rings and
    # none of the average panel's, the average part the reverse; both keep the sentence
    # on the windows, no two texts overlap, and each fills a 4:3 slide with no text under 12 pt.
    spec = registry.get("pooling")
    data = spec.data({})
    assert spec.part_names(data) == ["max", "average"]
    page = texts(spec.draw(data, LIGHT))
    for part, own, other in (("max", "max-", "avg-"), ("average", "avg-", "max-")):
        fig = spec.draw(data, LIGHT, target=targets.SLIDES["4:3"], part=part)
        drawn = {**texts(fig), **boxes(fig)}
        assert any(g.startswith(own) for g in drawn)
        assert not any(g.startswith(other) for g in drawn)
        assert texts(fig)["summary"].get_text() == page["summary"].get_text()
        assert_text_legible_unclipped_and_apart(fig)
        fitted = targets.fit_figure(fig, targets.SLIDES["4:3"], figure_id="pooling", parts=[])
        assert fitted.width <= 10 + 1e-6 and fitted.height <= 7.5 + 1e-6
        assert fitted.min_text >= 12 - 1e-6


def test_stride_dilation_fits_the_column_and_puts_each_reading_on_its_own_slide():
    # Proves the layout for where it is read: the page figure is one panel wide, at most
    # 7.17 in (the column), so nothing is shrunk there and no text is under 11 pt; the
    # three readings do not fit one slide at 12 pt, so the slide is refused with a sentence
    # offering the parts; each part is one reading (its cells and none of the others') or
    # the rule in words, and fits a 16:9 slide with its text at 12 pt or more.
    data, fig = render("stride-dilation")
    page = targets.measure_figure(fig)
    assert page.width <= targets.PAGE.width and page.min_text >= 11
    with pytest.raises(
        targets.TooMuchForTarget, match="--part \\(plain, strided, dilated, rule\\)"
    ):
        slide_svg_measure("stride-dilation")
    spec = registry.get("stride-dilation")
    for part in spec.part_names(data):
        drawn = texts(spec.draw(data, LIGHT, part=part))
        keys = {g.split("-")[0] for g in drawn if re.fullmatch(r"\w+-y-\d+", g)}
        assert keys == (set() if part == "rule" else {part})
        assert ("explanation" in drawn) == (part == "rule")
        measure = slide_svg_measure("stride-dilation", part)
        assert measure.width <= 13.333 + 0.01 and measure.height <= 7.5 + 0.01
        assert measure.min_text >= 12 - 0.01


def test_stride_dilation_step_frames_show_their_own_panel_and_fit_a_laptop_screen():
    # Proves the animation frames are the step's reading only: each frame draws that
    # panel's outputs and none of the others', lights exactly the inputs the step reads
    # and the output it writes in that panel, and is short enough to be seen whole in the
    # page column of a 1280x900 laptop (shown 688 CSS px wide, at most 800 px tall).
    spec = registry.get("stride-dilation")
    data = spec.data({})
    p = data.padding
    for step in spec.steps(data):
        fig = spec.draw(data, LIGHT, step=step)
        drawn = texts(fig)
        key = next(r.key for r in data.readings if step.text.startswith(r.heading.split(":")[0]))
        assert {g.split("-")[0] for g in drawn if re.fullmatch(r"\w+-y-\d+", g)} == {key}
        lit = {
            g for g, box in boxes(fig).items() if np.isclose(box.get_linewidth(), _matrix.LIT_WIDTH)
        }
        expected = {f"{key}-x-0-{i + p}-box" for i in step.inputs}
        assert lit == expected | {f"{key}-y-{o}-box" for o in step.outputs}
        width, height = fig.get_size_inches()
        assert height * min(1.0, targets.PAGE.width / width) * 96 <= 800


# ----------------------------------------------------------------------------------------
# transposed-upsample
# ----------------------------------------------------------------------------------------

UPSAMPLE_CASES = [{}, {"kernel": 4, "padding": 1, "output_padding": 1}, {"width": 1, "dilation": 2}]


@pytest.mark.parametrize("params", UPSAMPLE_CASES)
def test_transposed_upsample_step_frames_show_one_copy_and_fit_a_laptop_screen(params):
    # Proves each animation frame draws the step's copy only, lights the input value, the
    # cells of its copy and the outputs a naive scatter puts them on, and nothing else,
    # and is short enough to be seen whole in the page column of a 1280x900 laptop.
    spec = registry.get("transposed-upsample")
    data = spec.data(params)
    y, k = data.y, data.kernel.shape[0]
    s, p, d = data.stride, data.padding, data.dilation
    out_h, out_w = data.output.shape
    for step in spec.steps(data):
        fig = spec.draw(data, LIGHT, step=step)
        n = step.inputs[0]
        i, j = divmod(n, y.shape[1])
        copies = {g.split("-")[1] for g in texts(fig) if re.fullmatch(r"copy-\d+-title", g)}
        assert copies == {str(n)}
        expected = {f"y-{i}-{j}-box"}
        for a in range(k):
            for b in range(k):
                r, c = i * s + a * d - p, j * s + b * d - p
                if 0 <= r < out_h and 0 <= c < out_w:
                    expected |= {f"copy-{n}-{r + p}-{c + p}-box", f"z-{r}-{c}-box"}
        lit = {
            g for g, box in boxes(fig).items() if np.isclose(box.get_linewidth(), _matrix.LIT_WIDTH)
        }
        assert lit == expected
        width, height = fig.get_size_inches()
        assert height * min(1.0, targets.PAGE.width / width) * 96 <= 800


@pytest.mark.parametrize("params", UPSAMPLE_CASES)
def test_transposed_upsample_step_frames_on_a_16_9_slide_are_one_row_that_fits(params):
    # Proves a wide slide's step frame is the page frame rearranged: the same texts and
    # lit cells, the kernel left of the copy (not over it), and it fits a 16:9 slide with
    # no text under 12 pt, without overlaps.
    spec = registry.get("transposed-upsample")
    data = spec.data(params)
    slide = targets.SLIDES["16:9"]
    for step in spec.steps(data):
        page, wide = spec.draw(data, LIGHT, step=step), spec.draw(data, LIGHT, step, target=slide)
        assert {g: t.get_text() for g, t in texts(wide).items()} == {
            g: t.get_text() for g, t in texts(page).items()
        }
        for fig in (page, wide):
            fig.lit = {
                g for g, b in boxes(fig).items() if np.isclose(b.get_linewidth(), _matrix.LIT_WIDTH)
            }
        assert wide.lit == page.lit
        cells = boxes(wide)
        kernel_right = max(b.get_x() + b.get_width() for g, b in cells.items()
                           if re.fullmatch(r"kernel-\d+-\d+-box", g))  # fmt: skip
        n = step.inputs[0]
        assert kernel_right < min(b.get_x() for g, b in cells.items() if g.startswith(f"copy-{n}-"))
        assert_text_legible_unclipped_and_apart(wide)
        fitted = targets.fit_figure(wide, slide, figure_id="transposed-upsample", parts=[])
        assert fitted.min_text >= 12 - 1e-6


def test_transposed_upsample_step_of_a_part_lights_what_the_part_draws_of_it():
    # Proves an animation of one part (--part) lights, per step, exactly the cells of the
    # step's frame that the part draws: the copy in its copies part, the outputs in the
    # output part, the input value in the rule part, nothing in the others.
    spec = registry.get("transposed-upsample")
    data = spec.data({})

    def lit(fig) -> set[str]:
        return {
            g for g, b in boxes(fig).items() if np.isclose(b.get_linewidth(), _matrix.LIT_WIDTH)
        }

    for step in spec.steps(data):
        whole = lit(spec.draw(data, LIGHT, step=step))
        n = step.inputs[0]
        for part in spec.part_names(data):
            fig = spec.draw(data, LIGHT, step, part=part)
            assert texts(fig)["step-text"].get_text() == step.text
            expected = {
                "rule": {g for g in whole if g.startswith("y-")},
                "copies1": {g for g in whole if g.startswith("copy-")} if n < 2 else set(),
                "copies2": {g for g in whole if g.startswith("copy-")} if n >= 2 else set(),
                "output": {g for g in whole if g.startswith("z-")},
            }.get(part, set())
            assert lit(fig) == expected
            # The part that draws the step's copy lights it: the expectation is not empty.
            assert bool(expected) == (part in ("rule", "output", f"copies{n // 2 + 1}"))


@THEMES
def test_transposed_upsample_parts_are_pieces_of_the_page_figure_each_fitting_a_slide(theme):
    # Proves the parts a slide shows one at a time hold the page figure's texts (same
    # gids and words) and together all of them, each copies part two copies, and each
    # part fits a 16:9 and a 4:3 slide with no text under 12 pt, without overlaps.
    spec = registry.get("transposed-upsample")
    data = spec.data({})

    def words(fig) -> dict[str, str]:
        return {g: " ".join(t.get_text().split()) for g, t in texts(fig).items()}

    page = words(spec.draw(data, theme))
    names = spec.part_names(data)
    # Why output_padding exists is a slide's part only; the page explains it in words.
    page |= words(spec.draw(data, theme, part="outputpadding"))
    assert names == ["rule", "copies1", "copies2", "output", "outputpadding"]
    seen: dict[str, str] = {}
    for part in names:
        fig = spec.draw(data, theme, part=part)
        drawn = words(fig)
        assert drawn.items() <= page.items()
        copies = {g for g in drawn if re.fullmatch(r"copy-\d+-title", g)}
        expected = {"copies1": {"copy-0-title", "copy-1-title"},
                    "copies2": {"copy-2-title", "copy-3-title"}}  # fmt: skip
        assert copies == expected.get(part, set())
        assert ("z-0-0" in drawn) == (part == "output")
        assert ("padding-why" in drawn) == (part == "outputpadding")
        seen |= drawn
        assert_text_legible_unclipped_and_apart(fig)
        for slide in targets.SLIDES.values():
            fitted = targets.fit_figure(
                spec.draw(data, theme, part=part), slide, figure_id="transposed-upsample",
                parts=[],
            )  # fmt: skip
            assert fitted.min_text >= 12 - 1e-6
    # The arrow between the copies and the output, and its label, belong to no part.
    assert seen == {g: t for g, t in page.items() if g not in ("sum-arrow", "sum-label")}


def upsample_params(params: dict) -> dict:
    defaults = {"stride": 2, "padding": 0, "dilation": 1, "output_padding": 0}
    return {**defaults, **{k: v for k, v in params.items() if k in defaults}}


@THEMES
@pytest.mark.parametrize("params", UPSAMPLE_CASES, ids=["default", "dcgan-like", "dilated"])
def test_transposed_output_is_the_sum_of_the_scattered_copies(theme, params):
    # Proves the drawn output is the transposed convolution computed by scattering every
    # y[i, j]·w[a, b] to (i·s + a·d − p, j·s + b·d − p) in a loop: same size as the rule
    # (n − 1)s − 2p + d(k − 1) + output_padding + 1, same numbers, and every cell where
    # more than one copy lands says how many ("2×").
    data, fig = render("transposed-upsample", theme, **params)
    example = registry.get("transposed-upsample").example(**params)
    settings = upsample_params(params)
    expected, counts = loop_conv_transpose2d(example.y, example.kernel, **settings)
    drawn = texts(fig)
    s, p, d, op = (settings[k] for k in ("stride", "padding", "dilation", "output_padding"))
    k = example.kernel.shape[0]
    height = (example.y.shape[0] - 1) * s - 2 * p + d * (k - 1) + op + 1
    assert expected.shape[0] == height
    for (i, j), value in np.ndenumerate(expected):
        assert drawn[f"z-{i}-{j}"].get_text() == number(value)
        label = drawn.get(f"z-{i}-{j}-count")
        assert (label.get_text() if label else None) == (
            f"{counts[i, j]}×" if counts[i, j] > 1 else None
        )
    assert f"z-{expected.shape[0]}-0" not in drawn
    width = (example.y.shape[1] - 1) * s - 2 * p + d * (k - 1) + op + 1
    assert expected.shape == (height, width)
    rules = drawn["size-rule"].get_text().splitlines()[2:]
    if height == width:
        assert rules == [
            f"= ({example.y.shape[0]} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {height}"
        ]
    else:
        assert rules[0].startswith("rows: ") and rules[0].endswith(f" = {height}")
        assert rules[1].startswith("columns: ") and rules[1].endswith(f" = {width}")


@THEMES
def test_transposed_copies_are_the_kernel_times_each_input_value(theme):
    # Proves copy n holds y[i, j]·w[a, b] at (i·2 + a, j·2 + b), filled with weight
    # (a, b)'s colour and named after it, framed in the kernel colour; nothing else of the
    # copy is filled or numbered.
    data, fig = render("transposed-upsample", theme)
    example = registry.get("transposed-upsample").example()
    y, w = example.y, example.kernel
    drawn, all_boxes = texts(fig), boxes(fig)
    for n, (i, j) in enumerate(np.ndindex(*y.shape)):
        placed = {}
        for a in range(3):
            for b in range(3):
                placed[i * 2 + a, j * 2 + b] = (y[i, j] * w[a, b], a * 3 + b, a, b)
        for r in range(5):
            for c in range(5):
                if (r, c) in placed:
                    value, weight, a, b = placed[r, c]
                    assert drawn[f"copy-{n}-{r}-{c}"].get_text() == number(value)
                    fill = all_boxes[f"copy-{n}-{r}-{c}-box"].get_facecolor()
                    assert to_hex(fill) == to_hex(theme.weight_colour(weight))
                    assert drawn[f"copy-{n}-{r}-{c}-name"].get_text() == (
                        f"w{a + 1}{b + 1}".translate(SUB)
                    )
                else:
                    assert f"copy-{n}-{r}-{c}" not in drawn
        frame = all_boxes[f"copy-{n}-frame"]
        first = all_boxes[f"copy-{n}-{i * 2}-{j * 2}-box"]
        assert (frame.get_x(), frame.get_y()) == pytest.approx((first.get_x(), first.get_y()))
        assert (frame.get_width(), frame.get_height()) == pytest.approx((3, 3))
        assert to_hex(frame.get_edgecolor()) == to_hex(theme.kernel)


def test_transposed_output_is_the_transposed_matrix_times_the_input():
    # Proves page 8's claim on the drawn numbers: the output, read row by row, is Mᵀ y
    # for M the 4x25 matrix of the stride-2 convolution with the same kernel on a 5x5
    # input (built here by loops), and the traced cell's written sum adds exactly the
    # copies that land on it.
    data, fig = render("transposed-upsample")
    example = registry.get("transposed-upsample").example()
    drawn = texts(fig)
    matrix = loop_conv_matrix2d(example.kernel, 5, 5, stride=2, padding=0, dilation=1)
    assert matrix.shape == (4, 25)
    expected = (matrix.T @ example.y.ravel()).reshape(5, 5)
    for (i, j), value in np.ndenumerate(expected):
        assert parse(drawn[f"z-{i}-{j}"].get_text()) == pytest.approx(value)
    # The centre (2, 2) gets all four copies: y₁₁·w₃₃ + y₁₂·w₃₁ + y₂₁·w₁₃ + y₂₂·w₁₁.
    y, w = example.y, example.kernel
    terms = [(y[0, 0], w[2, 2]), (y[0, 1], w[2, 0]), (y[1, 0], w[0, 2]), (y[1, 1], w[0, 0])]
    total = sum(a * b for a, b in terms)

    def factor(v):
        return f"({number(v)})" if v < 0 else number(v)

    numbers = "=" + "+".join(f"{factor(a)}·{number(b)}" for a, b in terms) + f"={number(total)}"
    assert token_rows(fig, "traced") == [
        "z₃₃=y₁₁·w₃₃+y₁₂·w₃₁+y₂₁·w₁₃+y₂₂·w₁₁",
        numbers,
    ]
    assert drawn["z-2-2"].get_text() == number(total)
    assert drawn["z-2-2-count"].get_text() == "4×"


def test_transposed_explains_output_padding_with_two_input_sizes():
    # Proves the output_padding note (a part, for a slide; the page explains it in its own
    # section): the stride-2 convolution with k = 3 maps exactly the sizes 5 and 6 (found
    # here by the floor rule) to 2 outputs; the strips are those sizes with their rules, 6
    # leaves its last input unread, and the scatter loop with output_padding 0 and 1
    # gives back 5 and 6. The page figure leaves it out.
    data, page = render("transposed-upsample")
    assert not {"padding-why", "padding-answer"} & set(texts(page))
    fig = registry.get("transposed-upsample").draw(data, LIGHT, part="outputpadding")
    drawn = texts(fig)
    sizes = [n for n in range(3, 20) if floor_rule(n, 3, 2, 0, 1) == 2]
    assert sizes == [5, 6]
    for m, n in enumerate(sizes):
        assert drawn[f"case-{m}-label"].get_text() == f"n = {n}"
        assert drawn[f"case-{m}-rule"].get_text().endswith("= 2")
        assert f"case-{m}-cell-{n - 1}-box" in boxes(fig)
        assert f"case-{m}-cell-{n}-box" not in boxes(fig)
    assert [g for g in drawn if g.startswith("case-0-unread")] == []
    assert drawn["case-1-unread-5"].get_text() == "unread"
    y = np.ones((2, 2))
    for op, n in enumerate(sizes):
        out, _ = loop_conv_transpose2d(
            y, np.ones((3, 3)), stride=2, padding=0, dilation=1, output_padding=op
        )
        assert out.shape == (n, n)
    why = drawn["padding-why"].get_text().replace("\n", " ")
    assert "gives 2 outputs from 5 and 6 inputs" in why
    answer = drawn["padding-answer"].get_text().replace("\n", " ")
    assert "5 with output_padding 0" in answer and "output_padding 1 gives 6" in answer


def test_transposed_padding_crops_the_dashed_ring():
    # Proves padding 1 with output_padding 1 (kernel 4): the cells the loop crops (top row
    # and left column of the 6x6 sum) are drawn dashed in the zero grey, and the 5x5 cells
    # kept are the output.
    data, fig = render("transposed-upsample", kernel=4, padding=1, output_padding=1)
    all_boxes = boxes(fig)
    cropped = sorted(g for g in all_boxes if re.fullmatch(r"cropped-\d+-\d+-box", g))
    expected = sorted(
        f"cropped-{r}-{c}-box" for r in range(6) for c in range(6) if r == 0 or c == 0
    )
    assert cropped == expected
    for gid in cropped:
        assert all_boxes[gid].get_linestyle() == "--"
        assert to_hex(all_boxes[gid].get_facecolor()) == to_hex(LIGHT.zero)


# ----------------------------------------------------------------------------------------
# pooling
# ----------------------------------------------------------------------------------------

POOL_CASES = [
    {},
    {"height": 5, "width": 5, "seed": 1},
    {"height": 6, "width": 5, "kernel": 3, "stride": 3, "seed": 1},
]


@THEMES
@pytest.mark.parametrize("params", POOL_CASES, ids=["default", "dropped", "window-3"])
def test_pooling_outputs_and_written_lines_are_the_window_max_and_mean(theme, params):
    # Proves both outputs are the loop's window maxima and means, and each window's line
    # writes its numbers in order: "y₁₁ = max(4, 5, 9, 3) = 9" and
    # "y₁₁ = (4 + 5 + 9 + 3) / 4 = 5.25" (≈ when two decimals are not exact).
    data, fig = render("pooling", theme, **params)
    example = registry.get("pooling").example(**params)
    windows = loop_pool(example.image, example.kernel, example.stride)
    drawn = texts(fig)
    for n, ((i, j), (cells, largest, mean)) in enumerate(sorted(windows.items())):
        name = f"y{i + 1}{j + 1}".translate(SUB)
        values = [number(example.image[r, c]) for r, c in cells]
        assert drawn[f"max-y-{i}-{j}"].get_text() == number(largest)
        assert drawn[f"avg-y-{i}-{j}"].get_text() == number(mean)
        assert drawn[f"max-line-{n}"].get_text() == f"{name} = max({', '.join(values)}) = " + (
            number(largest)
        )
        sign = "=" if round(mean, 2) == mean else "≈"
        assert drawn[f"avg-line-{n}"].get_text() == (
            f"{name} = ({' + '.join(values)}) / {len(cells)} {sign} {number(mean)}"
        )
    assert f"max-line-{len(windows)}" not in drawn


@THEMES
@pytest.mark.parametrize("params", POOL_CASES, ids=["default", "dropped", "window-3"])
def test_pooling_frames_each_window_and_rings_its_maximum(theme, params):
    # Proves the marks: every window's frame (kernel colour) lies on exactly its k×k
    # cells in both panels, and in the max panel the cells holding their window's maximum
    # (all of them on a tie) are ringed and bold, while no other cell is.
    data, fig = render("pooling", theme, **params)
    example = registry.get("pooling").example(**params)
    windows = loop_pool(example.image, example.kernel, example.stride)
    all_boxes, drawn, rings = boxes(fig), texts(fig), circles(fig)
    k = example.kernel
    maxima = set()
    for (i, j), (cells, largest, _) in windows.items():
        maxima |= {(r, c) for r, c in cells if example.image[r, c] == largest}
        for kind in ("max", "avg"):
            frame = all_boxes[f"{kind}-window-{i}-{j}"]
            first = all_boxes[f"{kind}-x-{cells[0][0]}-{cells[0][1]}-box"]
            assert to_hex(frame.get_edgecolor()) == to_hex(theme.kernel)
            assert frame.get_x() == pytest.approx(first.get_x(), abs=0.1)
            assert frame.get_y() == pytest.approx(first.get_y(), abs=0.1)
            assert frame.get_width() == pytest.approx(k, abs=0.2)
    ringed = {tuple(map(int, g.split("-")[2:])) for g in rings if g.startswith("max-ring-")}
    assert ringed == maxima
    height, width = example.image.shape
    for r in range(height):
        for c in range(width):
            weight = drawn[f"max-x-{r}-{c}"].get_fontweight()
            assert (weight == "bold") == ((r, c) in maxima)
            assert drawn[f"avg-x-{r}-{c}"].get_fontweight() != "bold"
    for r, c in maxima:
        x, y = rings[f"max-ring-{r}-{c}"].center
        assert inside(x, y, all_boxes[f"max-x-{r}-{c}-box"])


def test_pooling_labels_rows_and_columns_in_no_window():
    # Proves the floor of pooling is shown: a 5x5 input with 2x2 windows and stride 2
    # leaves row 5 and column 5 out (the loop's windows never reach index 4), and both
    # panels label exactly those "dropped".
    data, fig = render("pooling", height=5, width=5, seed=1)
    windows = loop_pool(registry.get("pooling").example(height=5, width=5, seed=1).image, 2, 2)
    used = {cell for cells, _, _ in windows.values() for cell in cells}
    assert max(r for r, _ in used) == 3 and max(c for _, c in used) == 3
    drawn = texts(fig)
    for kind in ("max", "avg"):
        dropped = sorted(g for g in drawn if g.startswith(f"{kind}-dropped-"))
        assert dropped == [f"{kind}-dropped-col-4", f"{kind}-dropped-row-4"]
    summary = drawn["summary"].get_text().replace("\n", " ")
    assert "row 5 and column 5 lie in no window" in summary


# ----------------------------------------------------------------------------------------
# receptive-field-growth
# ----------------------------------------------------------------------------------------


def recurrence(kernel: int, strides: tuple[int, ...]) -> list[int]:
    """The textbook rule: r_l = r_{l−1} + (k − 1) · (product of the strides before l)."""
    fields, r, jump = [], 1, 1
    for s in strides:
        r += (kernel - 1) * jump
        fields.append(r)
        jump *= s
    return fields


def loop_cone(n_in: int, kernel: int, strides: tuple[int, ...]) -> tuple[list[int], list[set]]:
    """Units per row and, walking back from the middle unit of the last layer, the units
    of each row it depends on (unit v of a layer with stride s reads v·s … v·s + k − 1)."""
    sizes = [n_in]
    for s in strides:
        sizes.append((sizes[-1] - kernel) // s + 1)
    cone = [{sizes[-1] // 2}]
    for s in reversed(strides):
        cone.insert(0, {v * s + t for v in cone[0] for t in range(kernel)})
    return sizes, cone


GROWTH_CASES = [
    ({}, 3, (1, 1, 1), (2, 2, 1)),
    (
        {"n_layers": 4, "kernel": 2, "stride": 3, "strided_layers": 3, "n_in": 41},
        2,
        (1, 1, 1, 1),
        (3, 3, 3, 1),
    ),
]


@THEMES
@pytest.mark.parametrize(
    ("params", "kernel", "plain", "strided"), GROWTH_CASES, ids=["default", "custom"]
)
def test_receptive_fields_follow_the_textbook_recurrence(theme, params, kernel, plain, strided):
    # Proves the bracketed fields, measured by the figure from products of weight-matrix
    # patterns, equal r_l = r_{l−1} + (k − 1)·prod(strides before): 3, 5, 7 without
    # stride and 3, 7, 15 with stride 2 in layers 1 and 2 (and a custom stack), and that
    # each bracket spans that many input nodes.
    data, fig = render("receptive-field-growth", theme, **params)
    drawn, drawn_lines, nodes = texts(fig), lines(fig), circles(fig)
    if not params:
        assert recurrence(3, plain) == [3, 5, 7] and recurrence(3, strided) == [3, 7, 15]
    for key, strides in (("plain", plain), ("strided", strided)):
        for layer, r in enumerate(recurrence(kernel, strides), start=1):
            assert (
                drawn[f"{key}-field-{layer}"].get_text() == f"r{layer}".translate(SUB) + f" = {r}"
            )
            bracket = drawn_lines[f"{key}-bracket-{layer}"]
            left, right = min(bracket.get_xdata()), max(bracket.get_xdata())
            spanned = [
                g
                for g, node in nodes.items()
                if g.startswith(f"{key}-node-0-") and left < node.center[0] < right
            ]
            assert len(spanned) == r
            assert to_hex(bracket.get_color()) == to_hex(theme.kernel)


@THEMES
@pytest.mark.parametrize(
    ("params", "kernel", "plain", "strided"), GROWTH_CASES, ids=["default", "custom"]
)
def test_receptive_field_cone_fills_exactly_the_units_the_output_depends_on(
    theme, params, kernel, plain, strided
):
    # Proves the cone: the units filled in each row are those a loop walking back from the
    # middle unit of the last layer reaches (inputs in the input colour, layer units in
    # the output colour), every other unit is hollow, the edges drawn are exactly the
    # connections inside the cone, and the chosen unit is ringed.
    data, fig = render("receptive-field-growth", theme, **params)
    nodes, drawn_lines, drawn = circles(fig), lines(fig), texts(fig)
    n_in = params.get("n_in", 17)
    for key, strides in (("plain", plain), ("strided", strided)):
        sizes, cone = loop_cone(n_in, kernel, strides)
        expected_edges = set()
        for row, size in enumerate(sizes):
            colour = theme.input if row == 0 else theme.output
            for i in range(size):
                fill = to_hex(nodes[f"{key}-node-{row}-{i}"].get_facecolor())
                assert fill == to_hex(colour if i in cone[row] else theme.background)
            assert f"{key}-node-{row}-{size}" not in nodes
            if row:
                for v in cone[row]:
                    for t in range(kernel):
                        expected_edges.add(f"{key}-edge-{row}-{v}-{v * strides[row - 1] + t}")
        edges = {g for g in drawn_lines if g.startswith(f"{key}-edge-")}
        assert edges == expected_edges
        chosen = nodes[f"{key}-chosen"]
        assert chosen.center == pytest.approx(
            nodes[f"{key}-node-{len(strides)}-{sizes[-1] // 2}"].center
        )
        assert drawn[f"{key}-count-0"].get_text() == (f"depends on {len(cone[0])} of {n_in} inputs")


@pytest.mark.parametrize("slide", ["16:9", "4:3"])
@pytest.mark.parametrize(
    ("params", "kernel", "plain", "strided"), GROWTH_CASES[:1], ids=["default"]
)
def test_receptive_field_stacks_sit_side_by_side_on_a_slide_and_keep_their_cones(
    slide, params, kernel, plain, strided
):
    # Proves the slide layout of issue 11: the stack with stride starts beside the one
    # without (on the page it starts under it), each row's count still equals the cone a
    # loop walks back, in its short form, and the render fits the slide with no text
    # under 12 pt, legible and apart.
    spec = registry.get("receptive-field-growth")
    data = spec.data(params)
    target = targets.slide(slide)
    page, side = spec.draw(data, LIGHT), spec.draw(data, LIGHT, target=target)
    for fig, beside in ((page, False), (side, True)):
        nodes = circles(fig)
        plain_x = max(c.center[0] for g, c in nodes.items() if g.startswith("plain-node-"))
        strided_x = min(c.center[0] for g, c in nodes.items() if g.startswith("strided-node-"))
        assert (strided_x > plain_x) == beside
    drawn = texts(side)
    for key, strides in (("plain", plain), ("strided", strided)):
        sizes, cone = loop_cone(17, kernel, strides)
        for row in range(len(strides)):
            assert drawn[f"{key}-count-{row}"].get_text() == f"{len(cone[row])} of {sizes[row]}"
    assert_text_legible_unclipped_and_apart(side)
    options = export.ExportOptions(("svg",), slide=slide)
    files = registry.render(spec.id, params, themes=("light",), options=options)
    stem = registry.file_stem(spec.id, params) + registry.layout_suffix(options)
    measure = targets.measure_svg(files[f"{stem}-light.svg"])
    assert measure.width <= target.width + 0.01 and measure.height <= target.height + 0.01
    assert measure.min_text >= 12 - 0.01


# ----------------------------------------------------------------------------------------
# All four: refusals, alt text, legibility, reproducibility
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure_id", "overrides", "words"),
    [
        ("stride-dilation", {"stride": 1}, ("stride", "at least 2", "1")),
        ("stride-dilation", {"n_in": 13}, ("n_in", "at most 12", "13")),
        ("stride-dilation", {"n_in": 5, "dilation": 3}, ("kernel", "dilation 3", "5")),
        ("transposed-upsample", {"height": 3, "width": 3}, ("height × width", "at most 4", "9")),
        ("transposed-upsample", {"output_padding": 2}, ("output_padding", "smaller", "2")),
        ("pooling", {"stride": 1}, ("stride", "at least kernel", "1")),
        ("pooling", {"height": 9}, ("height", "at most 8", "9")),
        ("receptive-field-growth", {"n_in": 12}, ("n_in", "at least 15", "12")),
        ("receptive-field-growth", {"strided_layers": 4}, ("strided_layers", "at most", "4")),
        (
            "receptive-field-growth",
            {"n_layers": 5, "stride": 4, "strided_layers": 5},
            ("at most 48 inputs", "stride", "4"),
        ),
    ],
)
def test_parameters_that_cannot_be_drawn_are_refused_in_one_sentence(figure_id, overrides, words):
    # Proves a layer these figures cannot draw stops early with one sentence naming the
    # parameter, the rule and the value given.
    assert_refused_in_one_sentence(figure_id, overrides, words)


def test_alt_texts_state_the_numbers():
    # Proves each alt text is written from the computation: the loop's outputs, sizes and
    # fields appear in it.
    spec = registry.get("stride-dilation")
    alt = spec.alt(spec.data())
    layer = spec.example().layer
    outputs, _ = loop_conv1d(
        layer.image[0], layer.kernel[0, 0], 1.0, stride=2, padding=0, dilation=1
    )
    assert "giving 3 outputs (" + ", ".join(number(v) for v in outputs) + ")" in alt
    assert "⌊5 / 2⌋ + 1 = 2 + 1 = 3" in alt
    spec = registry.get("transposed-upsample")
    alt = spec.alt(spec.data())
    example = spec.example()
    expected, _ = loop_conv_transpose2d(
        example.y, example.kernel, stride=2, padding=0, dilation=1, output_padding=0
    )
    assert "; ".join(" ".join(number(v) for v in row) for row in expected) in alt
    assert "(2 − 1)·2 − 2·0 + 1·(3 − 1) + 0 + 1 = 5" in alt
    spec = registry.get("pooling")
    alt = spec.alt(spec.data())
    windows = loop_pool(spec.example().image, 2, 2)
    for _, largest, mean in windows.values():
        assert f"= {number(largest)} and (" in alt and f"= {number(mean)}" in alt
    spec = registry.get("receptive-field-growth")
    alt = spec.alt(spec.data())
    assert "sees 3, 5, 7 inputs" in alt and "sees 3, 7, 15 inputs" in alt


CASES = [
    ("stride-dilation", {}),
    ("stride-dilation", {"n_in": 9, "kernel": 2, "stride": 3, "dilation": 3, "padding": 1}),
    ("transposed-upsample", {}),
    ("transposed-upsample", {"kernel": 4, "padding": 1, "output_padding": 1}),
    ("transposed-upsample", {"height": 1, "width": 3, "stride": 3}),
    ("pooling", {}),
    ("pooling", {"height": 6, "width": 5, "kernel": 3, "stride": 3, "seed": 1}),
    ("receptive-field-growth", {}),
    (
        "receptive-field-growth",
        {"n_layers": 4, "kernel": 2, "stride": 3, "strided_layers": 3, "n_in": 41},
    ),
]


@THEMES
@pytest.mark.parametrize(("figure_id", "overrides"), CASES)
def test_text_is_legible_unclipped_and_never_overlaps(figure_id, overrides, theme):
    # Proves what a reader would stumble on does not happen: no text under 9 pt, none
    # outside the canvas, and no two texts on top of each other, at the defaults and with
    # other parameters.
    _, fig = render(figure_id, theme, **overrides)
    assert_text_legible_unclipped_and_apart(fig)
