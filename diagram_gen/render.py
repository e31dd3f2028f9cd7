"""One renderer process for the build: import once, render every stale output in parallel.

``make`` knows each output and what it depends on (``build/figures.mk`` and the dependency
files), but starting a Python process per figure would import matplotlib, numpy and every
figure module 28 times. Instead each stale output's rule only queues its task's name, and
``diagram-gen build`` renders the whole queue here: the imports happen once, then a pool
of worker processes forked after them renders the tasks, longest first. Every task writes
its files atomically (:mod:`diagram_gen.export`) and then its dependency file, so a failed
or interrupted task leaves its old outputs in place and stays out of date for the next
``make``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from diagram_gen import deps, export, registry

#: How long each task took last time, so the pool can start the longest first (kept in
#: build/, which outlives a deleted docs/generated).
TIMINGS = deps.ROOT / "build" / "render-timings.json"
#: A guess for a task never timed: animations draw the figure once per step.
FIRST_GUESS = {"animation": 8.0, "figure": 1.0}


@dataclass(frozen=True)
class Outcome:
    task: str
    seconds: float
    error: str | None = None


@dataclass(frozen=True)
class Plan:
    """Where the tasks write: figures into ``figures``, the site data into ``site_data``."""

    figures: Path
    site_data: Path

    def run(self, task: str) -> None:
        if task == deps.SITE_DATA_TASK:
            from diagram_gen.site_files import write_site_files

            write_site_files(self.site_data)
            targets = [str(self.site_data / name) for name in deps.SITE_DATA_FILES]
        elif task.startswith(deps.PRESET_TASK):
            from diagram_gen import arithmetic_set

            files = arithmetic_set.render_preset(task.removeprefix(deps.PRESET_TASK))
            export.write_all(self.figures, files)
            targets = [str(self.figures / name) for name in files]
        elif task.startswith(deps.ANIMATION_TASK):
            from diagram_gen import animate

            files = animate.render_animation(task.removeprefix(deps.ANIMATION_TASK), {})
            export.write_all(self.figures, files)
            targets = [str(self.figures / name) for name in files]
        else:
            files = registry.render(task, {}, transparent_dark_png=True)
            export.write_all(self.figures, files)
            targets = [str(self.figures / name) for name in files]
        figure_id = task.removeprefix(deps.ANIMATION_TASK)
        if task.startswith(deps.PRESET_TASK):
            figure_id = deps.preset_figures()[task.removeprefix(deps.PRESET_TASK)]
        figure = registry.FIGURES.get(figure_id)
        module = figure.module.__name__ if figure else None
        line = deps.make_dependency_line(targets, deps.task_dependencies(task, module))
        export.write_atomic(deps.deps_file(self.figures, task), line.encode())


def read_queue(path: Path) -> list[str]:
    """The task names queued in ``path`` (one per line, repeats dropped), emptying it."""
    if not path.is_file():
        return []
    taken = path.with_name(f"{path.name}.{os.getpid()}")
    os.replace(path, taken)  # a rule that queues now starts a new file
    try:
        names = taken.read_text(encoding="utf-8").split()
    finally:
        taken.unlink()
    return list(dict.fromkeys(names))


def check_tasks(tasks: Iterable[str]) -> list[str]:
    tasks = list(dict.fromkeys(tasks))
    known = {*registry.FIGURES, deps.SITE_DATA_TASK}
    known |= {deps.ANIMATION_TASK + s.id for s in registry.FIGURES.values() if s.steps}
    known |= {deps.PRESET_TASK + slug for slug in deps.preset_figures()}
    unknown = [task for task in tasks if task not in known]
    if unknown:
        raise ValueError(
            f"unknown build task {unknown[0]!r}; the tasks are the figure ids, "
            f"{deps.ANIMATION_TASK}ID for a figure with steps, {deps.PRESET_TASK}SLUG for a "
            f"preset of diagram_gen/presets.py, and {deps.SITE_DATA_TASK}."
        )
    return tasks


def _timings() -> dict[str, float]:
    try:
        return json.loads(TIMINGS.read_text())
    except (OSError, ValueError):
        return {}


def _save_timings(outcomes: Sequence[Outcome]) -> None:
    timings = _timings()
    timings.update({o.task: round(o.seconds, 3) for o in outcomes if o.error is None})
    text = json.dumps(dict(sorted(timings.items())), indent=1) + "\n"
    export.write_atomic(TIMINGS, text.encode())


def _expected_seconds(task: str, past: dict[str, float]) -> float:
    kind = "animation" if task.startswith((deps.ANIMATION_TASK, deps.PRESET_TASK)) else "figure"
    return past.get(task, FIRST_GUESS[kind])


_PLAN: Plan | None = None


def _run_task(task: str) -> Outcome:
    start = time.perf_counter()
    try:
        assert _PLAN is not None
        _PLAN.run(task)
    except (ValueError, OSError, RuntimeError) as error:
        return Outcome(task, time.perf_counter() - start, _one_line(error))
    return Outcome(task, time.perf_counter() - start)


def _one_line(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"cannot write {error.filename}: {error.strerror or error}"
    return " ".join(str(error).split())


def warm_up() -> None:
    """Load what every render needs (the backends, fontTools, the fonts) once, before
    the workers fork, so that no worker loads it again."""
    from fontTools import subset  # noqa: F401  (the PDF writer imports it on first use)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    fig.text(0.5, 0.5, "x₁ α·β")
    for fmt in export.FORMATS:
        export.figure_bytes(fig, fmt, salt="warm-up", options=export.ExportOptions(dpi=50))


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C, once


def default_jobs() -> int:
    """``make -jN`` passes N in MAKEFLAGS; without it, every core."""
    for word in os.environ.get("MAKEFLAGS", "").split():
        if word.startswith("-j") and word[2:].isdigit():
            return int(word[2:])
    return os.cpu_count() or 1


def build(tasks: Sequence[str], plan: Plan, *, jobs: int, log=sys.stdout) -> list[Outcome]:
    """Render ``tasks`` with ``jobs`` processes; returns each task's outcome.

    Raises ``KeyboardInterrupt`` after stopping the workers when interrupted.
    """
    global _PLAN
    tasks = check_tasks(tasks)
    if not tasks:
        return []
    _PLAN = plan
    past = _timings()
    tasks = sorted(tasks, key=lambda t: -_expected_seconds(t, past))  # longest first
    outcomes: list[Outcome] = []
    if jobs <= 1 or len(tasks) == 1:
        for task in tasks:
            outcomes.append(_report(_run_task(task), log))
    else:
        warm_up()
        context = multiprocessing.get_context("fork")
        pool = context.Pool(min(jobs, len(tasks)), initializer=_worker_init)
        try:
            for outcome in pool.imap_unordered(_run_task, tasks):
                outcomes.append(_report(outcome, log))
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
    _save_timings(outcomes)
    return outcomes


def _report(outcome: Outcome, log) -> Outcome:
    if outcome.error is None:
        print(f"rendered {outcome.task} ({outcome.seconds:.2f} s)", file=log, flush=True)
    return outcome
