"""The explorer's fragments against the layer math they draw.

Every combination's drawn ``data-dg-*`` attributes are read back from the SVG text (a
tokenizer of its tags, not the drawing code) and compared with :func:`layers.conv_matrix_index`
for a convolution, and for a transposed convolution with the products that
:func:`layers.conv_transpose` itself computes from one-hot inputs and kernels; a refused
combination must carry exactly the sentence the command line prints for the layers'
:class:`ValueError`.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

import numpy as np
import pytest

from diagram_gen import explorer, layers
from diagram_gen.examples import conv_example, format_number

KEYS = ("data-dg-step", "data-dg-input", "data-dg-weight")


#: A start tag and its attributes (the fragments quote every value with double quotes).
TAG = re.compile(r'<([a-z0-9]+)((?:\s+[a-zA-Z0-9-]+="[^"]*")*)\s*/?>')
ATTRIBUTE = re.compile(r'([a-zA-Z0-9-]+)="([^"]*)"')
SCRIPT = re.compile(r'<script type="application/json" class="dg-steps">(.*?)</script>', re.S)


@dataclass
class Elements:
    found: list[tuple[str, str, dict[str, str]]]  # (view, tag, attributes), in order
    scripts: list[str]


def parse(text: str) -> Elements:
    """Every start tag of a fragment with its attributes and the SVG view it is in.

    A tokenizer for the fragments' strict markup (faster than html.parser over 30 MB),
    which checks that it understood every tag: any ``<`` it did not read as a start
    tag, an end tag or inside a step script fails.
    """
    scripts = SCRIPT.findall(text)
    rest = SCRIPT.sub("", text)
    found, view, understood = [], "", 0
    for match in TAG.finditer(rest):
        attributes = {k: html.unescape(v) for k, v in ATTRIBUTE.findall(match.group(2))}
        if match.group(1) == "svg":
            view = attributes["data-dgx-view"]
        found.append((view, match.group(1), attributes))
        understood += 1
    assert rest.count("<") == understood + rest.count("</"), "a tag the tokenizer missed"
    return Elements(found, [html.unescape(script) for script in scripts])


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return explorer.build_files()


def reference(
    c: explorer.Combination,
) -> tuple[set[tuple[int, int, int]], np.ndarray, np.ndarray, np.ndarray]:
    """(step, input, weight) of every product (1-based), the output, the input and the
    kernel, from the layer math alone; raises the layers' ValueError for a refused
    choice."""
    if c.mode == "conv":
        example = conv_example(
            height=c.n, width=c.n, kernel=c.kernel, stride=c.stride, padding=c.padding,
            dilation=c.dilation, seed=explorer.SEED,
        )  # fmt: skip
        index = layers.conv_matrix_index(
            example.kernel.shape, example.image.shape, **example.layer_kwargs
        )
        rows, cols = np.nonzero(index >= 0)
        triples = {(r + 1, q + 1, int(index[r, q]) + 1) for r, q in zip(rows, cols, strict=True)}
        return triples, example.output()[0], example.image, example.kernel
    x, w = explorer.transposed_data(c.n, c.kernel)
    kwargs = {"stride": c.stride, "padding": c.padding, "dilation": c.dilation}
    y = layers.conv_transpose(x, w, output_padding=c.output_padding, **kwargs)
    # One input at a time through a kernel of distinct weights 1, 2, ...: one input
    # reaches an output through at most one tap, so the value names the weight.
    taps = np.arange(1, w.size + 1, dtype=float).reshape(w.shape)
    triples = set()
    for j in range(x.size):
        one = np.zeros(x.size)
        one[j] = 1
        z = layers.conv_transpose(
            one.reshape(x.shape), taps, output_padding=c.output_padding, **kwargs
        ).ravel()
        triples |= {(int(o) + 1, j + 1, int(z[o])) for o in np.flatnonzero(z)}
    return triples, y[0], x, w


def test_counts(files: dict[str, bytes]) -> None:
    """480 convolution choices (5 sizes, 4 kernels, 3 strides, 4 paddings, 2 dilations),
    the transposed tab's, one fragment each, plus the index and the page's sentence."""
    combos = explorer.combinations()
    conv = [c for c in combos if c.mode == "conv"]
    transposed = [c for c in combos if c.mode == "transposed"]
    assert len(conv) == 480
    assert len(transposed) == 2 * 4 * 3 * 4 * 2 * 3
    assert len({c.slug for c in combos}) == len(combos)
    fragments = {name for name in files if name.endswith(".html")}
    assert fragments == {f"{c.slug}.html" for c in combos}
    assert set(files) - fragments == {explorer.INDEX_FILE, explorer.ABOUT_FILE}
    index = json.loads(files[explorer.INDEX_FILE])
    assert set(index["combinations"]) == {c.slug for c in combos}


@pytest.mark.parametrize("mode", explorer.MODES)
def test_every_combination_draws_the_layer_math(files: dict[str, bytes], mode: str) -> None:
    index = json.loads(files[explorer.INDEX_FILE])["combinations"]
    for c in (c for c in explorer.combinations() if c.mode == mode):
        text = files[f"{c.slug}.html"].decode()
        entry = index[c.slug]
        try:
            drawn = reference(c)
        except ValueError as error:
            reason = layers.one_sentence(error)
            # The refusal is exactly the layers' sentence, and nothing is drawn.
            assert entry == {"valid": False, "reason": reason}, c.slug
            assert f'role="alert">{reason}</p>' in text.replace("&#x27;", "'"), c.slug
            assert "<svg" not in text, c.slug
            continue
        check_fragment(c, text, entry, *drawn)


def check_fragment(
    c: explorer.Combination,
    text: str,
    entry: dict,
    triples: set[tuple[int, int, int]],
    y: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
) -> None:
    n_out, n_in = y.size, x.size
    side = y.shape[0]
    expected = (
        layers.conv_transpose_output_size(
            c.n, c.kernel, c.stride, c.padding, c.dilation, c.output_padding
        )
        if c.mode == "transposed"
        else (
            c.n
            if c.padding == "same"
            else layers.conv_output_size(c.n, c.kernel, c.stride, c.padding, c.dilation)
        )
    )
    assert side == expected, c.slug
    assert entry == {"valid": True, "output": expected}, c.slug
    assert f'data-output-size="{expected}">{expected} × {expected}<' in text, c.slug
    if c.mode == "conv":  # the worked sum agrees with itself and with the layer
        top, bottom, result = re.search(r"= ⌊(−?\d+) / (\d+)⌋ \+ 1 = (\d+)", text).groups()
        assert int(top.replace("−", "-")) // int(bottom) + 1 == int(result) == expected
    parsed = parse(text)
    assert not any("id" in attributes for _, _, attributes in parsed.found), c.slug
    views: dict[str, dict[str, list]] = {}
    for view, _tag, attributes in parsed.found:
        dg = tuple(attributes.get(key) for key in KEYS)
        present = [key for key, value in zip(KEYS, dg, strict=True) if value is not None]
        if not present:
            continue
        kinds = views.setdefault(view, {"products": [], "step": [], "input": [], "weight": []})
        if len(present) == 3:
            kinds["products"].append(tuple(int(v) for v in dg))
            assert "tabindex" not in attributes, c.slug
            continue
        assert len(present) == 1, (c.slug, attributes)  # a thing carries one attribute
        key = present[0]
        number = int(attributes[key])
        kinds[key.removeprefix("data-dg-")].append(number)
        # Focusable, named with its value: "output y₁₂ = 8".
        assert attributes.get("tabindex") == "0", (c.slug, attributes)
        label = attributes["aria-label"]
        if key == "data-dg-step":
            assert label.startswith("output y"), label
            assert label.endswith(f" = {format_number(y.ravel()[number - 1])}"), (c.slug, label)
        elif key == "data-dg-input":
            assert label.startswith("input x"), label
            assert label.endswith(f" = {format_number(x.ravel()[number - 1])}"), (c.slug, label)
        else:
            assert label.startswith("weight "), label
            assert label.endswith(f" = {format_number(w.ravel()[number - 1])}"), (c.slug, label)
    matrices = ["matrix", "matrix-t"] if c.mode == "transposed" else ["matrix"]
    assert set(views) == {"window", *matrices, "network"}, c.slug
    for name in [*matrices, "network"]:
        kinds = views[name]
        # Every product of the layer, once: the matrix's filled cells, the network's edges.
        assert sorted(kinds["products"]) == sorted(triples), (c.slug, name)
        assert sorted(kinds["step"]) == list(range(1, n_out + 1)), (c.slug, name)
        assert sorted(kinds["input"]) == list(range(1, n_in + 1)), (c.slug, name)
    window = views["window"]
    assert sorted(window["step"]) == list(range(1, n_out + 1)), c.slug
    assert sorted(window["input"]) == list(range(1, n_in + 1)), c.slug
    assert sorted(window["weight"]) == list(range(1, c.kernel**2 + 1)), c.slug
    # One step text per output, and it ends with that output's value.
    (script,) = parsed.scripts
    texts = json.loads(script)
    assert len(texts) == n_out, c.slug
    for number, (step_text, value) in enumerate(zip(texts, y.ravel(), strict=True), 1):
        assert step_text.endswith(f" = {format_number(value)}"), (c.slug, step_text)
        assert f" {number} of {n_out}: " in step_text, (c.slug, step_text)


def test_refusals_cover_each_kind_of_error(files: dict[str, bytes]) -> None:
    """The tabs offer choices the layers refuse for each reason the brief names."""
    reasons = {
        entry["reason"]
        for entry in json.loads(files[explorer.INDEX_FILE])["combinations"].values()
        if not entry["valid"]
    }
    patterns = ("is larger than the padded input", "padding='same' requires stride 1",
                "output_padding must be smaller", "accepts no padding strings")  # fmt: skip
    for pattern in patterns:
        assert any(pattern in reason for reason in reasons), pattern


def test_rebuild_is_byte_identical(files: dict[str, bytes], tmp_path) -> None:
    """A second build gives the same bytes; writing them again rewrites nothing, and the
    file of a combination that is no longer built goes."""
    assert explorer.build_files() == files
    some = dict(list(files.items())[:: len(files) // 20])
    (tmp_path / "conv-n99-k1-s1-p0-d1.html").write_text("stale")
    assert len(explorer.write(tmp_path, some)) == len(some)
    assert not (tmp_path / "conv-n99-k1-s1-p0-d1.html").exists()
    assert explorer.write(tmp_path, some) == []


def test_built_files_are_current(files: dict[str, bytes]) -> None:
    """What `make` wrote into docs/generated/explorer is what the code draws now."""
    out = explorer.deps.ROOT / "docs" / "generated" / "explorer"
    if not (out / explorer.INDEX_FILE).is_file():
        pytest.skip("the explorer is not built (run make)")
    on_disk = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert on_disk == files


def test_svg_text_is_legible(files: dict[str, bytes]) -> None:
    """Text is at least 11 CSS px: the stylesheet's sizes, at the natural size the SVG is
    shown at (width and height equal to its viewBox)."""
    css = (explorer.deps.ROOT / "docs" / "assets" / "explorer.css").read_text()
    sizes = [int(size) for size in re.findall(r"font-size:\s*(\d+)px", css)]
    assert sizes and min(sizes) >= 11
    for name, data in files.items():
        for width, height, box in re.findall(
            rb'<svg class="dgx-svg" width="(\d+)" height="(\d+)" viewBox="0 0 (\d+ \d+)"', data
        ):
            assert box == width + b" " + height, name
