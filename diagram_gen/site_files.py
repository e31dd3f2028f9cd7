"""Files the site build consumes besides the figures: numbers, the figure list, the legend.

``diagram-gen site-data --out docs/generated`` writes

- ``numbers.json``: every number the prose quotes (:func:`diagram_gen.site_data.numbers`);
- ``figures.json``: the registered figures in reading order, for the gallery;
- ``snippets/colour-legend.md``: the colour legend, written from :mod:`diagram_gen.style`;
- ``snippets/code-shapes.md``: the array shapes of the code views, from real arrays.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

from diagram_gen import dcgan, examples, export, layers, site_data
from diagram_gen.style import (
    BLUE,
    DARK,
    LIGHT,
    ROLE_CUES,
    ROLE_MEANINGS,
    VERMILLION,
    hatch_colour,
    text_colour_on,
    weight_identity,
)

ROLE_NAMES = {
    "input": "Input",
    "output": "Output",
    "kernel": "Kernel",
    "zero": "Untrainable zero",
    "weight": "Shared weight",
    "signed": "Independent weight",
}


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _swatch(colour: str, label: str = "", *, hatched: bool = False) -> str:
    """A colour box; its label (if any) in black or white, whichever reads on it.

    ``hatched`` draws diagonal lines over it in the figures' hatch colour, as the
    figures draw the fifth to eighth weights of a kernel.
    """
    ink = text_colour_on(colour, LIGHT)
    lines = (
        f"; background-image: repeating-linear-gradient(-45deg, {hatch_colour(colour)} 0 1px, "
        f"transparent 1px 5px)"
        if hatched
        else ""
    )
    return (
        f'<span class="swatch" style="background-color: {colour}{lines}; color: {ink}">'
        f"{html.escape(label)}</span>"
    )


def legend_markdown() -> str:
    """An HTML table: each colour, what it means, and the cue that says it without colour."""
    swatches = {
        "input": _swatch(LIGHT.input),
        "output": _swatch(LIGHT.output),
        "kernel": _swatch(LIGHT.kernel),
        "zero": _swatch(LIGHT.zero, "0") + " " + _swatch(DARK.zero, "0"),
        "weight": " ".join(
            _swatch(weight_identity(k).colour, name, hatched=weight_identity(k).hatch != "")
            for k, name in enumerate("αβγδεζ")
        ),
        "signed": _swatch(BLUE, "+") + " " + _swatch(VERMILLION, "−"),
    }
    rows = "\n".join(
        f"<tr><td>{swatches[role]}</td><td><strong>{ROLE_NAMES[role]}</strong>: "
        f"{html.escape(ROLE_MEANINGS[role])}.</td><td>{html.escape(ROLE_CUES[role])}</td></tr>"
        for role in ROLE_NAMES
    )
    return (
        '<div class="legend" markdown="0">\n<table>\n<thead><tr><th>Colour</th><th>Meaning</th>'
        "<th>Without colour</th></tr></thead>\n<tbody>\n"
        f"{rows}\n</tbody>\n</table>\n</div>\n"
    )


def code_shapes_markdown() -> str:
    """The shapes each library gives for the small example, computed by running it here.

    PyTorch is channels-first with a batch axis, Keras channels-last with a batch axis,
    and this site's numpy layers channels-first without one; the arrays are transposed
    here exactly as the code on the page does, so the shapes are those of real arrays.
    """
    ex = examples.small_conv()
    y = ex.output()
    matrix = layers.conv_matrix(ex.kernel, ex.image.shape)
    batch = np.newaxis
    rows = [
        ("input x", ex.image[batch].shape, ex.image.transpose(1, 2, 0)[batch].shape,
         ex.image.shape),
        ("kernel", ex.kernel.shape, ex.kernel.transpose(2, 3, 1, 0).shape, ex.kernel.shape),
        ("bias", ex.bias.shape, ex.bias.shape, ex.bias.shape),
        ("output y", y[batch].shape, y.transpose(1, 2, 0)[batch].shape, y.shape),
        ("as a dense layer", matrix.shape, matrix.T.shape, matrix.shape),
    ]  # fmt: skip
    lines = [
        "| Array | PyTorch | Keras | `diagram_gen` (numpy) |",
        "| --- | --- | --- | --- |",
        *(f"| {name} | `{a}` | `{b}` | `{c}` |" for name, a, b, c in rows),
    ]
    values = ", ".join(site_data.fmt(v) for v in y.ravel())
    return "\n".join(lines) + f"\n\nIn all three, the output values are {values}.\n"


def output_sizes_markdown() -> str:
    """The worked cases of the output-size rule as a table (see site_data)."""
    lines = [
        "| Case | n, k, s, p, d | The rule | A real layer | The misprint |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in site_data.output_size_rows():
        values = ", ".join(str(row[key]) for key in ("n", "k", "s", "p", "d"))
        rule = f"⌊{row['numerator']}/{row['s']}⌋ + 1 = {row['rule']}"
        lines.append(
            f"| {row['what']} | {values} | {rule} | {row['real']} | "
            f"{site_data.fmt(row['misprint'])} |"
        )
    return "\n".join(lines) + "\n"


def site_files() -> dict[str, bytes]:
    """Relative path -> bytes of every file this module writes."""
    return {
        "numbers.json": _json(site_data.numbers()),
        "snippets/colour-legend.md": legend_markdown().encode(),
        "snippets/code-shapes.md": code_shapes_markdown().encode(),
        "snippets/output-sizes.md": output_sizes_markdown().encode(),
        "snippets/dcgan-generator.md": dcgan.markdown_table(dcgan.generator_shapes()).encode(),
        "snippets/dcgan-discriminator.md": dcgan.markdown_table(
            dcgan.discriminator_shapes()
        ).encode(),
    }


def write_site_files(out: Path) -> list[Path]:
    written = []
    for name, data in site_files().items():
        path = out / name
        export.write_atomic(path, data)
        written.append(path)
    return written
