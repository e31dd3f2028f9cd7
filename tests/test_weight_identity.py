"""Every kernel weight has a look of its own: in colour, in greyscale, with colour blindness.

The identities come from :func:`diagram_gen.style.weight_identity`; the tests here judge
them with colour science written out in the test (no new dependency), and read the drawn
SVG of figures with nine or more weights back, cell by cell, against the weight indices
the layer math computes.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgb

from diagram_gen import layers, registry
from diagram_gen.export import ExportOptions, figure_bytes
from diagram_gen.style import DARK, LIGHT, text_colour_on, weight_identity

THEMES = pytest.mark.parametrize("theme", [LIGHT, DARK], ids=lambda t: t.name)
SVG = "{http://www.w3.org/2000/svg}"

# Machado, Oliveira and Fernandes (2009), severity 1.0, applied to linear RGB.
PROTANOPIA = np.array(
    [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
     [-0.003882, -0.048116, 1.051998]]
)  # fmt: skip
DEUTERANOPIA = np.array(
    [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
     [-0.011820, 0.042940, 0.968881]]
)  # fmt: skip

#: Least CIE lightness difference two colours with the same pattern must have: about the
#: step between neighbouring greys that readers tell apart in print without hesitation.
MIN_LIGHTNESS_GAP = 15.0
#: Least CIELAB distance (CIE76) between two same-pattern colours under simulated CVD.
MIN_CVD_DISTANCE = 15.0


def linear(rgb) -> np.ndarray:
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(lin_rgb) -> np.ndarray:
    """CIELAB (D65) of a linear sRGB colour."""
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(lin_rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def lightness(colour: str) -> float:
    return float(lab(linear(to_rgb(colour)))[0])


def simulated(colour: str, matrix: np.ndarray) -> np.ndarray:
    return lab(matrix @ linear(to_rgb(colour)))


def contrast(a: str, b: str) -> float:
    ya, yb = (float(np.array([0.2126, 0.7152, 0.0722]) @ linear(to_rgb(c))) for c in (a, b))
    return (max(ya, yb) + 0.05) / (min(ya, yb) + 0.05)


# ----------------------------------------------------------------------------------------
# The identities themselves
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 28))
def test_every_weight_of_a_kernel_looks_different(n):
    """Up to 27 weights: no two share colour and hatch (cells) or colour and dashes
    (lines); and where two share a hatch or a line style, their colours differ in
    greyscale and under simulated protanopia and deuteranopia (colour or pattern always
    tells them apart)."""
    looks = [weight_identity(k) for k in range(n)]
    assert len({(w.colour, w.hatch) for w in looks}) == n
    assert len({(w.colour, str(w.line)) for w in looks}) == n
    assert len({w.words for w in looks}) == n  # the alt text names them apart too
    for a, b in itertools.combinations(looks, 2):
        if a.hatch != b.hatch and a.line != b.line:
            continue
        assert abs(lightness(a.colour) - lightness(b.colour)) >= MIN_LIGHTNESS_GAP, (a, b)
        for matrix in (PROTANOPIA, DEUTERANOPIA):
            gap = np.linalg.norm(simulated(a.colour, matrix) - simulated(b.colour, matrix))
            assert gap >= MIN_CVD_DISTANCE, (a, b, gap)


def test_weight_colours_are_not_the_role_or_sign_colours():
    """Blue and vermillion mean + and − of a weight of its own; sky blue and bluish green
    are input and output: no kernel weight may wear them."""
    taken = {to_hex(c) for c in ("#0072B2", "#D55E00", "#56B4E9", "#009E73")}
    assert not taken & {to_hex(weight_identity(k).colour) for k in range(40)}


@THEMES
@pytest.mark.parametrize("k", range(27))
def test_text_and_hatch_on_every_weight_colour_read(k, theme):
    """The text on a weight cell has WCAG AA contrast; the hatch is visible on its fill
    but weaker than the text, so the text stays the strongest mark in the cell."""
    look = theme.weight_identity(k)
    ink = text_colour_on(look.colour, theme)
    assert contrast(ink, look.colour) >= 4.5
    if look.hatch:
        assert 1.5 <= contrast(look.hatch_colour, look.colour) < contrast(ink, look.colour)


# ----------------------------------------------------------------------------------------
# What the SVG draws
# ----------------------------------------------------------------------------------------


def svg_of(figure_id: str, theme, overrides: dict):
    spec = registry.get(figure_id)
    data = spec.data(overrides)
    fig = spec.draw(data, theme)
    svg = figure_bytes(fig, "svg", salt=figure_id, options=ExportOptions(formats=("svg",)))
    return data, ET.fromstring(svg)


def drawn_looks(root) -> dict[str, tuple[str, str]]:
    """gid of each patch group -> (fill, hatch path data, or "" for a plain fill)."""
    patterns = {}
    for pattern in root.iter(f"{SVG}pattern"):
        rect = pattern.find(f"{SVG}rect")
        path = pattern.find(f"{SVG}path")
        patterns[pattern.get("id")] = (rect.get("fill").lower(), " ".join(path.get("d").split()))
    looks = {}
    for group in root.iter(f"{SVG}g"):
        path = group.find(f"{SVG}path")
        if path is None or not group.get("id"):
            continue
        fill = re.search(r"fill: ([^;]+)", path.get("style", ""))
        if fill is None:
            continue
        ref = re.fullmatch(r"url\(#(\w+)\)", fill.group(1))
        looks[group.get("id")] = patterns[ref.group(1)] if ref else (fill.group(1).lower(), "")
    return looks


def texts_by_gid(root) -> set[str]:
    return {g.get("id") for g in root.iter(f"{SVG}g") if g.get("id")}


README = {"height": 5, "width": 5, "kernel": 3, "padding": "same"}


@THEMES
def test_readme_example_draws_one_look_per_weight(theme):
    """The README's 5x5 input, 3x3 kernel, same padding: the 625 cells show exactly 9
    looks, one per weight of the layer math's index (same index, same look; different
    index, different look), and the zeros share the zero grey."""
    data, root = svg_of("conv-matrix", theme, README)
    index = layers.conv_matrix_index((1, 1, 3, 3), (1, 5, 5), padding="same")
    looks = drawn_looks(root)
    by_weight: dict[int, set] = {}
    for (i, j), k in np.ndenumerate(index):
        by_weight.setdefault(int(k), set()).add(looks[f"m-{i}-{j}-box"])
    assert by_weight.pop(-1) == {(theme.zero.lower(), "")}
    assert sorted(by_weight) == list(range(9))
    assert all(len(seen) == 1 for seen in by_weight.values())
    assert len({next(iter(seen)) for seen in by_weight.values()}) == 9
    # The key shows each weight's look beside the matrix, the same as its cells.
    for k, seen in by_weight.items():
        assert looks[f"key-{k}-box"] in seen


def test_readme_example_says_what_it_leaves_out():
    """Too many cells for names: the figure, its caption and its alt text all say so and
    why; none promises names in the cells; the key names every weight with its value."""
    spec = registry.get("conv-matrix")
    data = spec.data(README)
    fig = spec.draw(data, LIGHT)
    texts = {t.get_gid(): t.get_text() for t in fig.texts + fig.axes[0].texts if t.get_gid()}
    note = texts["omission-note"]
    assert "too many to label" in note and "625 cells" in note
    assert not any(gid.startswith("m-") and not gid.endswith("-box") for gid in texts)
    names = data.example.weight_names
    values = data.example.kernel.ravel()
    for k, (name, value) in enumerate(zip(names, values, strict=True)):
        assert texts[f"key-{k}"].startswith(f"{name} = ")
        assert float(texts[f"key-{k}"].split(" = ")[1].replace("\u2212", "-")) == value
    alt, caption = spec.alt(data), spec.caption(data)
    assert " ".join(note.split()) in alt
    for name, k in zip(names, range(9), strict=True):
        assert f"{name} = " in alt and weight_identity(k).words in alt
    assert "colour, pattern and name" not in caption and "the key" in caption


@THEMES
def test_grouped_conv_draws_each_weight_distinctly_in_its_block(theme):
    """grouped-conv (144 weights in its first matrix): within each channel block every
    weight has its own look (its kernel position's), so (block, look) pairs are exactly
    as many as the layer math's distinct weights, and one weight is always one look."""
    data, root = svg_of("grouped-conv", theme, {})
    layer = data.layer
    looks = drawn_looks(root)
    for p, groups in enumerate(layer.panel_groups):
        shape = (layer.out_channels, layer.in_channels // groups, layer.kernel, layer.kernel)
        index = layers.conv_matrix_index(
            shape, (layer.in_channels, layer.height, layer.width),
            padding=layer.padding, groups=groups,
        )  # fmt: skip
        block_rows = index.shape[0] // layer.out_channels
        block_cols = index.shape[1] // layer.in_channels
        seen: dict[int, set] = {}
        for (i, j), k in np.ndenumerate(index):
            if k >= 0:
                block = (i // block_rows, j // block_cols)
                seen.setdefault(int(k), set()).add((block, looks[f"p{p}-{i}-{j}-box"]))
        assert all(len(s) == 1 for s in seen.values())
        assert len({next(iter(s)) for s in seen.values()}) == len(np.unique(index[index >= 0]))
        # Inside one block, as many looks as the kernel has positions.
        first = {next(iter(s))[1] for k, s in seen.items() if next(iter(s))[0] == (0, 0)}
        assert len(first) == layer.kernel**2
