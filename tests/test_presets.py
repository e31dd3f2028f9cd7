"""The arithmetic set: every preset against the guide's size relationships and the layer
math, what its frames light, its built files and its place in the gallery.

Sizes are checked against the relationships of Dumoulin and Visin's guide, written out
here (not the figures' or the layer library's code); the cells a frame lights against
:func:`diagram_gen.layers.conv_matrix_index` or a naive scatter loop, read back from the
drawn squares.
"""

from __future__ import annotations

import io
import re
import subprocess
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from diagram_gen import animate, arithmetic_set, cli, export, layers, presets, registry
from diagram_gen.style import DARK, LIGHT

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "docs" / "generated" / "figures"
SITE = ROOT / "site"
PRESETS = presets.PRESETS
IDS = [preset.slug for preset in PRESETS]


def guide_conv_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """Relationship 15 of the guide: o = ⌊(i + 2p − k − (k − 1)(d − 1)) / s⌋ + 1."""
    return (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1


def guide_transposed_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1, a: int = 0) -> int:
    """Relationship 14 of the guide, dilated: o' = s(i' − 1) + a + d(k − 1) + 1 − 2p."""
    return s * (i - 1) + a + d * (k - 1) + 1 - 2 * p


def test_the_set_has_every_case_of_the_guide_and_the_three_it_lacks():
    cases = dict(presets.cases())
    direct = [c for c, members in cases.items() if not c.startswith("transposed-")
              and c not in ("one-dimensional", "depthwise")]  # fmt: skip
    assert len(direct) == 8
    for case in direct:
        readings = {p.reading for p in cases[f"transposed-{case}"]}
        assert readings == {"scatter", "zero-inserted"}
    assert {"transposed-kernel-2-stride-2", "one-dimensional", "depthwise"} <= set(cases)
    assert cases["one-dimensional"][0].overrides["height"] == 1
    assert cases["depthwise"][0].overrides["channels"] > 1
    assert len(set(IDS)) == len(IDS)
    # The preset's files never take a figure's name.
    assert not {p.file_prefix for p in PRESETS} & set(registry.FIGURES)


@pytest.mark.parametrize("preset", PRESETS, ids=IDS)
def test_output_size_follows_the_guide(preset):
    # Proves the size the figure computes is the guide's relationship, and (transposed)
    # that it equals the input size of the convolution it transposes.
    o = preset.overrides
    data = registry.get(preset.figure).data(o)
    k, s, p, d, a = o["kernel"], o["stride"], o["padding"], o["dilation"], o["output_padding"]
    if o["reading"] == "convolution":
        expected = guide_conv_size(o["width"], k, s, p, d)
        assert expected == layers.conv_output_size(o["width"], k, s, p, d)
    else:
        expected = guide_transposed_size(o["width"], k, s, p, d, a)
        assert expected == layers.conv_transpose_output_size(o["width"], k, s, p, d, a)
        assert layers.conv_output_size(expected, k, s, p, d) == o["width"]
        if preset.direct:
            direct = presets.get(preset.direct).overrides
            assert direct["width"] == expected
            assert [direct[key] for key in ("kernel", "stride", "padding", "dilation")] == [
                k, s, p, d]  # fmt: skip
    down = 1 if o["height"] == 1 else expected
    assert data.out_shape == (down, expected)


def drawn_cells(fig, gid: str, x0: float, y0: float) -> set[tuple[int, int]]:
    """The (row, col) cells of the collection ``gid``, read from its drawn squares."""
    (collection,) = [c for ax in fig.axes for c in ax.collections if c.get_gid() == gid]
    found = set()
    for path in collection.get_paths():
        x, y = path.vertices[:4].min(axis=0)
        found.add((round(y - y0), round(x - x0)))
    return found


def origin(fig, gid: str) -> tuple[float, float]:
    """Top-left of a grid, from the compound path of its real cells."""
    (patch,) = [a for ax in fig.axes for a in ax.patches if a.get_gid() == gid]
    x, y = patch.get_path().vertices.min(axis=0)
    return float(x), float(y)


def naive_layer(o: dict) -> list[tuple[set, set]]:
    """Per step: (input cells read, output cells written), by plain loops over the
    guide's definitions, in the grids as drawn (padded input; a scatter's full output)."""
    k, s, p, d = o["kernel"], o["stride"], o["padding"], o["dilation"]
    h, w = o["height"], o["width"]
    kh, ph = (1, 0) if h == 1 else (k, p)
    found = []
    if o["reading"] == "convolution":
        ho = (h + 2 * ph - d * (kh - 1) - 1) // s + 1
        wo = (w + 2 * p - d * (k - 1) - 1) // s + 1
        for i in range(ho):
            for j in range(wo):
                window = {(i * s + a * d, j * s + b * d) for a in range(kh) for b in range(k)}
                found.append((window, {(i, j)}))
    elif o["reading"] == "scatter":
        for i in range(h):
            for j in range(w):
                copy = {(i * s + a * d, j * s + b * d) for a in range(kh) for b in range(k)}
                found.append(({(i, j)}, copy))
    else:
        ho = (h - 1) * s + d * (kh - 1) + 1 - 2 * ph + (o["output_padding"] if h > 1 else 0)
        wo = (w - 1) * s + d * (k - 1) + 1 - 2 * p + o["output_padding"]
        for i in range(ho):
            for j in range(wo):
                window = {(i + a * d, j + b * d) for a in range(kh) for b in range(k)}
                found.append((window, {(i, j)}))
    return found * o["channels"]


@pytest.mark.parametrize("preset", PRESETS, ids=IDS)
def test_frames_light_what_the_layer_math_says(preset):
    # Proves each step lights the cells the layer reads and writes: the drawn squares
    # (read back from the figure) equal plain loops over the guide's definitions, and the
    # real inputs among them are the ones conv_matrix_index says the step reads.
    o = preset.overrides
    spec = registry.get(preset.figure)
    data = spec.data(o)
    steps = spec.steps(data)
    naive = naive_layer(o)
    assert len(steps) == len(naive)
    per_channel = len(steps) // o["channels"]
    for step in {steps[0], steps[len(steps) // 2], steps[-1]}:
        fig = spec.draw(data, LIGHT, step)
        channel = (step.index - 1) // per_channel
        reads, writes = naive[step.index - 1]
        in_x, in_y = origin(fig, f"in-{channel}-cells")
        src = data.source
        # The padded input's origin is its first cell, real or not.
        first_real = np.argwhere(src.cells >= 0)[0]
        in_x, in_y = in_x - first_real[1], in_y - first_real[0]
        out_grid = data.target
        out_x, out_y = origin(fig, f"out-{channel}-cells")
        first_out = np.argwhere(out_grid.cells >= 0)[0]
        out_x, out_y = out_x - first_out[1], out_y - first_out[0]
        if o["reading"] == "scatter":
            assert drawn_cells(fig, f"in-{channel}-window", in_x - 0.08, in_y - 0.08) == reads
            assert drawn_cells(fig, f"out-{channel}-window", out_x - 0.08, out_y - 0.08) == writes
            assert drawn_cells(fig, f"out-{channel}-lit", out_x, out_y) == writes
            offset = channel * (out_grid.cells.max() + 1)
            real = {int(out_grid.cells[c]) + offset for c in writes if out_grid.cells[c] >= 0}
            assert real == set(step.outputs)
        else:
            assert drawn_cells(fig, f"in-{channel}-window", in_x - 0.08, in_y - 0.08) == reads
            assert drawn_cells(fig, f"out-{channel}-lit", out_x, out_y) == writes
            offset = channel * (src.cells.max() + 1)
            real = {int(src.cells[c]) + offset for c in reads if src.cells[c] >= 0}
            assert real == set(step.inputs)
        texts = [t.get_text() for ax in fig.axes for t in ax.texts]
        assert step.text in texts
        words = " ".join(texts)
        assert re.search(r"\binput\b", words) and re.search(r"\boutput\b", words)


@pytest.mark.parametrize("slug", ["full-padding", "transposed-dilation-scatter", "depthwise"])
def test_the_fast_frames_are_the_pixels_render_draws(slug):
    # Proves the animation's shortcut (draw what no step changes once, redraw what a step
    # lights) changes nothing: each frame equals the figure rendered at that step.
    preset = presets.get(slug)
    spec, data, steps = animate.figure_steps(preset.figure, preset.overrides)
    for theme in (LIGHT, DARK):
        fast = animate.blitted_frames(spec, data, steps, theme)
        options = export.ExportOptions(formats=("png",), dpi=animate.FRAME_DPI)
        for k in (0, len(steps) - 1):
            fig = spec.draw(data, theme, steps[k])
            png = export.figure_bytes(fig, "png", salt="t", options=options)
            slow = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
            assert np.array_equal(slow, np.asarray(fast[k]))


def frames(data: bytes) -> int:
    return getattr(Image.open(io.BytesIO(data)), "n_frames", 1)


@pytest.fixture(scope="module")
def built() -> Path:
    subprocess.run(
        ["make", "--no-print-directory", "site"], cwd=ROOT, check=True, capture_output=True
    )
    return FIGURES


@pytest.mark.parametrize("preset", PRESETS, ids=IDS)
def test_built_files_have_one_frame_and_one_page_per_step(built, preset):
    spec = registry.get(preset.figure)
    steps = spec.steps(spec.data(preset.overrides))
    for theme in ("light", "dark"):
        names = arithmetic_set.preset_file_names(preset, theme)
        assert frames((built / names["gif"]).read_bytes()) == len(steps)
        assert frames((built / names["apng"]).read_bytes()) == len(steps)
        assert len(PdfReader(built / names["pdf"]).pages) == len(steps)
        assert (built / names["still"]).is_file()
    motion = (built / f"{preset.file_prefix}-animation.json").read_text(encoding="utf-8")
    assert all(step.text in motion for step in steps)


def test_the_gallery_command_makes_the_same_bytes(built, tmp_path):
    # Proves the command printed under a preset reproduces its files (the cheapest one).
    preset = presets.get("one-dimensional")
    argv = preset.command.split()[1:] + ["--out", str(tmp_path)]
    assert cli.main(argv) == 0
    for theme in ("light", "dark"):
        theirs = arithmetic_set.preset_file_names(preset, theme)
        stem = registry.file_stem(preset.figure, preset.overrides)
        for fmt, name in animate.file_names(stem, theme).items():
            assert (tmp_path / name).read_bytes() == (built / theirs[fmt]).read_bytes()


def test_the_gallery_shows_every_preset_with_working_links(built):
    html = (SITE / "gallery" / "index.html").read_text(encoding="utf-8")
    assert 'id="arithmetic-set"' in html
    # The page's text without its markup (code blocks are highlighted token by token).
    text = unescape(re.sub(r"<[^>]+>", "", html))
    for case, members in presets.cases():
        assert f'id="{case}"' in html
        for preset in members:
            assert f'id="animation-{preset.file_prefix}"' in html
            assert presets.READINGS[preset.reading] in html
            assert preset.command in text
    links = re.findall(
        r'(?:src|href|srcset|data-still)="([^"#]*generated/figures/preset-[^"#]*)', html
    )
    assert len(links) >= len(PRESETS) * 8
    for link in links:
        assert (SITE / "gallery" / link).resolve().is_file(), link
    for page in ("transposed", "padding-stride-dilation"):
        text = (SITE / page / "index.html").read_text(encoding="utf-8")
        assert "../gallery/#arithmetic-set" in text


def test_every_cell_is_drawn_as_a_whole_square():
    # Proves the grids' compound paths hold squares (a closed path drops its last vertex:
    # a cell of four listed corners would be drawn as a triangle).
    spec = registry.get("conv-arithmetic")
    data = spec.data({"reading": "zero-inserted", "height": 3, "width": 3})
    fig = spec.draw(data, LIGHT)
    patches = [a for ax in fig.axes for a in ax.patches if (a.get_gid() or "").startswith("in-")]
    assert patches
    for patch in patches:
        squares = patch.get_path().vertices.reshape(-1, 5, 2)
        for square in squares:
            corners = {tuple(np.round(v, 6)) for v in square[:4]}
            assert len(corners) == 4
            (x0, y0), (x1, y1) = square[:4].min(axis=0), square[:4].max(axis=0)
            assert np.isclose(x1 - x0, 1) and np.isclose(y1 - y0, 1)
    counts = {p.get_gid(): len(p.get_path().vertices) // 5 for p in patches}
    assert counts == {"in-0-cells": 9, "in-0-zeros": 7 * 7 - 9}
