"""The smallest text of every figure where it is read: the table of issue 11.

For each figure (or the ids given): its natural size, its smallest text, that text in CSS
px in the page column at 1280 x 900 and in a 390 x 844 phone's column, and whether
``--slide 16:9`` and ``--slide 4:3`` lay it out legibly or refuse it. Read from the SVG the
exporter writes (:func:`diagram_gen.targets.measure_svg`), like the tests.

    .venv/bin/python benchmarks/legibility.py [ID ...]
"""

from __future__ import annotations

import sys

from diagram_gen import export, registry, targets


def row(figure_id: str) -> str:
    svg = export.ExportOptions(formats=("svg",))
    files = registry.render(figure_id, {}, themes=("light",), options=svg)
    measure = targets.measure_svg(files[f"{figure_id}-light.svg"])
    laptop = measure.shown_in(targets.PAGE.width)
    slides = []
    for name in targets.SLIDES:
        try:
            registry.render(
                figure_id, {}, themes=("light",), options=export.ExportOptions(("svg",), slide=name)
            )
            slides.append(f"{name} ok")
        except targets.TooMuchForTarget:
            slides.append(f"{name} too much")
    mark = "ok " if laptop >= 11 else "LOW"
    return (
        f"{figure_id:24s} {measure.width:5.2f} x {measure.height:5.2f} in  "
        f"min {measure.min_text:5.2f} pt  laptop {laptop:5.1f} px {mark}  "
        f"{', '.join(slides)}"
    )


def main(ids: list[str]) -> int:
    for figure_id in ids or list(registry.FIGURES):
        print(row(figure_id), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
