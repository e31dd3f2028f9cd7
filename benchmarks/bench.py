"""``make bench``: how long the builds take, each the median of several runs.

Measures a clean build (``make -j2`` after ``make clean``: every figure, animation and the
site), a one-figure rebuild after touching one figure module (to the rebuilt site), a
no-op ``make``, a site build (``mkdocs build``), each against the build's goals, the lecture decks
(``make slides``: from nothing, after one figure changed, and a no-op), and the
largest matrix figure (``conv-matrix`` for a
32x32 input, 3x3 kernel, same padding: a 1024x1024 matrix). Prints a table and saves it
as JSON to ``build/bench/results.json``. Speed goals live here, never in a timed test.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURE_DIR = ROOT / "docs" / "generated" / "figures"
RESULTS = ROOT / "build" / "bench" / "results.json"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def make(*args: str) -> None:
    subprocess.run(
        ["make", "--no-print-directory", "-s", *args],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def timed(
    action: Callable[[], None], prepare: Callable[[], None] = lambda: None, runs: int = RUNS
) -> list[float]:
    seconds = []
    for _ in range(runs):
        prepare()
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def clean_build() -> None:
    """What ``make clean`` removes (the virtual environment stays)."""
    for folder in ("docs/generated", "site", "build"):
        shutil.rmtree(ROOT / folder, ignore_errors=True)


def touch(module: str):
    def prepare() -> None:
        (ROOT / "diagram_gen" / "figures" / module).touch()

    return prepare


#: The explorer's drawings, and the file whose rule writes them all (the Makefile's).
EXPLORER_DIR = "docs/generated/explorer"
EXPLORER = f"{EXPLORER_DIR}/index.json"

#: The build's speed goals (issues 9 and 13), in seconds on the 2-core machine.
GOALS = {
    "explorer from scratch (every combination, issue 13)": 15.0,
    "clean build (make -j2: figures, animations, site)": 12.0,
    "one figure module touched (fc_graph.py; make -j2, site page rebuilt)": 1.5,
    "no-op build (make)": 0.1,
}


def clean_slides() -> None:
    """The decks and their cache of figure slides: the next ``make slides`` draws all."""
    shutil.rmtree(ROOT / "build" / "slides", ignore_errors=True)


def slides() -> dict[str, list[float]]:
    """``make slides``: the lecture decks from nothing, after one figure module changed
    (that figure's slide is drawn again, the decks put together again), and a no-op."""
    return {
        "slides, clean (make -j2 slides: both themes, PowerPoint and PDF)": timed(
            lambda: make("-j2", "slides"), clean_slides, runs=1
        ),
        "slides, one figure module touched (fc_graph.py; make -j2 slides)": timed(
            lambda: make("-j2", "slides"), touch("fc_graph.py")
        ),
        "slides, no-op (make slides)": timed(lambda: make("slides"), runs=max(RUNS, 5)),
    }


def site_build() -> None:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [str(ROOT / ".venv/bin/mkdocs"), "build", "--strict", "--site-dir", folder],
            capture_output=True,
            cwd=ROOT,
            check=True,
        )


def large_matrix() -> tuple[list[float], int]:
    """Render the 1024x1024 conv-matrix in memory; returns times and the SVG size."""
    sys.path.insert(0, str(ROOT))
    from diagram_gen import export, registry

    options = export.ExportOptions(formats=("svg",))
    params = {"height": 32, "width": 32, "kernel": 3, "padding": "same"}
    files: dict[str, bytes] = {}

    def render() -> None:
        files.update(registry.render("conv-matrix", params, themes=["light"], options=options))

    seconds = timed(render)
    return seconds, len(files[f"{registry.file_stem('conv-matrix', params)}-light.svg"])


def layer_math() -> dict[str, list[float]]:
    """The layer math is vectorised: these stay in milliseconds (loops would take ~100x)."""
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from diagram_gen import layers

    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 32, 32)), rng.standard_normal((16, 3, 3, 3))
    from diagram_gen import training

    experiment = training.setup()
    return {
        "tied-training experiment (50 steps, tied and untied)": timed(
            lambda: (training.train(experiment), training.train(experiment, tie=False))
        ),
        "conv: 3x32x32 input, 16 kernels 3x3, padding 1": timed(
            lambda: layers.conv(x, w, padding=1), runs=max(RUNS, 5)
        ),
        "conv_matrix_index: 32x32 input, 3x3 kernel, same (1024x1024)": timed(
            lambda: layers.conv_matrix_index((1, 1, 3, 3), (1, 32, 32), padding="same"),
            runs=max(RUNS, 5),
        ),
    }


def figure_renders() -> dict[str, list[float]]:
    """Each registered figure rendered in memory: SVG, PDF and PNG, light and dark."""
    sys.path.insert(0, str(ROOT))
    from diagram_gen import registry

    return {
        f"render {figure_id} (3 formats x 2 themes)": timed(
            lambda figure_id=figure_id: registry.render(figure_id)
        )
        for figure_id in registry.FIGURES
    }


def main() -> None:
    make("-j2")  # the rules and the virtual environment exist before timing starts
    results = {
        "clean build (make -j2: figures, animations, site)": timed(
            lambda: make("-j2"), clean_build
        ),
        "one figure module touched (fc_graph.py; make -j2, site page rebuilt)": timed(
            lambda: make("-j2"), touch("fc_graph.py"), runs=max(RUNS, 5)
        ),
        "one figure module with steps touched (conv_matrix.py: still, animation, conv-linked)": (
            timed(lambda: make("-j2"), touch("conv_matrix.py"))
        ),
        "explorer from scratch (every combination, issue 13)": timed(
            lambda: make(EXPLORER), lambda: shutil.rmtree(ROOT / EXPLORER_DIR, ignore_errors=True)
        ),
        "no-op build (make)": timed(lambda: make(), runs=max(RUNS, 5)),
        "site build (mkdocs build --strict, notebook cached)": timed(site_build),
    }
    make()  # leave everything built
    results.update(slides())
    seconds, svg_bytes = large_matrix()
    results["conv-matrix 32x32, 3x3 kernel, same padding (1024x1024), SVG"] = seconds
    results.update(layer_math())
    results.update(figure_renders())

    width = max(len(name) for name in results)
    print(f"{'benchmark':<{width}}  median     runs  goal")
    for name, values in results.items():
        median = statistics.median(values)
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"  {'met' if median <= goal else 'MISSED'}: {goal:g} s"
        print(f"{name:<{width}}  {median:9.5f} s  {len(values)}{verdict}")
    timings = json.loads((ROOT / "build" / "render-timings.json").read_text())
    stills = sum(v for k, v in timings.items() if ":" not in k and k != "site-data")
    moving = sum(v for k, v in timings.items() if k.startswith("animate:"))
    print(f"renderer CPU per task, summed: still figures {stills:.1f} s, animations {moving:.1f} s")
    print(f"SVG size of the 1024x1024 conv-matrix: {svg_bytes / 1000:.1f} KB")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "seconds": {
            name: {"median": statistics.median(v), "runs": v} for name, v in results.items()
        },
        "goals": GOALS,
        "conv_matrix_1024_svg_bytes": svg_bytes,
    }
    RESULTS.write_text(json.dumps(record, indent=2) + "\n")
    print(f"saved {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
