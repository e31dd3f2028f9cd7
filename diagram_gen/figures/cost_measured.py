"""``cost-measured``: one convolution computed three ways, timed on one machine.

Plots the measurement that ``make bench`` (``benchmarks/cost.py``) wrote to the committed
file ``benchmarks/data/cost-benchmark.json``: seconds per convolution against the image
side, on log scales, for the dense weight matrix (built, then multiplied), im2col plus one
matrix product, and a direct loop over the kernel's taps. A dotted vertical line marks the
side from which the dense matrix no longer fits in that machine's memory, recomputed here
with :func:`diagram_gen.cost.largest_side_that_fits` and checked against the file.

This module only reads the file; it never runs the benchmark, so the site build takes the
same time and gives the same bytes on every machine. ``--set path=my-run.json`` plots
another measurement made with the same script.
"""

from __future__ import annotations

import json
import math
import os
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator
from matplotlib.transforms import blended_transform_factory

from diagram_gen import cost
from diagram_gen.figures import _lineplot
from diagram_gen.params import Text
from diagram_gen.style import REDDISH_PURPLE, Theme

FIGURE_ID = "cost-measured"
TITLE = "One convolution three ways: measured time as the image grows"
PARAMETERS = {"path": Text()}

#: The committed measurement, relative to the repository root.
DEFAULT_PATH = "benchmarks/data/cost-benchmark.json"
#: Data files this figure reads, relative to the repository root (for a build rule).
DATA_FILES = (DEFAULT_PATH,)
#: The repository root: the committed file is found from the package, not the working
#: directory.
ROOT = Path(__file__).resolve().parent.parent.parent

METHODS = ("dense", "im2col", "direct")
#: The name written at each curve's end.
NAMES = {
    "dense": "dense matrix (build + multiply)",
    "im2col": "im2col + one matrix product",
    "direct": "direct loop over kernel taps",
}
FIGSIZE = (7.0, 6.2)  # the page column (7.17 in); a slide scales it up
AXES = (0.15, 0.39, 0.45, 0.54)
#: Smallest vertical distance between two end labels, in points.
LABEL_GAP = 30.0
#: Width the memory-limit label needs right of its line, in points.
LIMIT_LABEL_POINTS = 240.0


# ----------------------------------------------------------------------------------------
# Reading the file
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Machine:
    platform: str
    cpu: str
    cores: int
    memory_bytes: int
    python: str
    numpy: str


@dataclass(frozen=True)
class Point:
    side: int
    seconds: float | None  # the median time per call, or None if not measured
    reason: str | None  # why it was not measured


@dataclass(frozen=True)
class Measurement:
    """The contents of one benchmark data file, checked."""

    source: str  # the path as the reader gave it
    measured: datetime  # when, in UTC
    machine: Machine
    in_channels: int
    out_channels: int
    kernel: int
    blas_threads: int | None
    points: dict[str, tuple[Point, ...]]  # method -> its points, by increasing side
    largest_side_that_fits: int


class _Reader:
    """Fields of the JSON record, each checked, with a one-sentence error naming it."""

    def __init__(self, record: object, shown: str) -> None:
        self.record, self.shown = record, shown

    def fail(self, what: str) -> ValueError:
        return ValueError(f"the benchmark data file {self.shown} {what}.")

    def get(self, dotted: str, kind: str) -> Any:
        value = self.record
        for key in dotted.split("."):
            if not isinstance(value, dict) or key not in value:
                raise self.fail(f"has no {dotted!r} field")
            value = value[key]
        return self.check(dotted, value, kind)

    def check(self, name: str, value: Any, kind: str) -> Any:
        ok = {
            "text": isinstance(value, str) and value.strip() != "",
            "count": isinstance(value, int) and not isinstance(value, bool) and value >= 1,
            "count or null": value is None
            or (isinstance(value, int) and not isinstance(value, bool) and value >= 1),
            "list": isinstance(value, list),
            "seconds": isinstance(value, (int, float))
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value > 0,
        }[kind]
        if not ok:
            text = repr(value)
            text = text if len(text) <= 60 else text[:57] + "..."
            rule = {
                "text": "a non-empty string",
                "count": "a positive integer",
                "count or null": "a positive integer or null",
                "list": "a list",
                "seconds": "a positive number of seconds or null",
            }[kind]
            raise self.fail(f"has {name!r} = {text}, which should be {rule}")
        return value


def _resolve(path: object) -> tuple[Path, str]:
    """The file to read and how to name it in a message."""
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike, int)):
        raise ValueError(f"path must be the path of a benchmark data file, got {path!r}.")
    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    if text == DEFAULT_PATH:
        return ROOT / DEFAULT_PATH, DEFAULT_PATH
    return Path(text), text


def read_measurement(path: str = DEFAULT_PATH) -> Measurement:
    """Read and check a benchmark data file written by ``benchmarks/cost.py``.

    Parameters
    ----------
    path : str, default DEFAULT_PATH
        The file. The default is the committed measurement, found from the package's
        location; any other relative path is taken from the current directory.

    Returns
    -------
    Measurement

    Raises
    ------
    ValueError
        In one sentence, if the file is missing or unreadable, is not JSON, lacks a field,
        holds a value of the wrong kind, or states a memory-limit side that its own
        memory size contradicts.
    """
    file, shown = _resolve(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(
            f"the benchmark data file {shown} does not exist; `make bench` writes it."
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise ValueError(f"the benchmark data file {shown} cannot be read ({reason}).") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"the benchmark data file {shown} is not valid JSON "
            f"({error.msg} at line {error.lineno}, column {error.colno})."
        ) from None
    read = _Reader(record, shown)
    stamp = read.get("measured", "text")
    try:
        measured = datetime.fromisoformat(stamp)
    except ValueError:
        measured = None
    if measured is None or measured.utcoffset() is None:
        raise read.fail(f"has 'measured' = {stamp!r}, which should be an ISO date with a zone")
    machine = Machine(
        platform=read.get("machine.platform", "text"),
        cpu=read.get("machine.cpu", "text"),
        cores=read.get("machine.cores", "count"),
        memory_bytes=read.get("machine.memory_bytes", "count"),
        python=read.get("machine.python", "text"),
        numpy=read.get("machine.numpy", "text"),
    )
    in_channels = read.get("parameters.in_channels", "count")
    out_channels = read.get("parameters.out_channels", "count")
    kernel = read.get("parameters.kernel", "count")
    threads = record["parameters"].get("blas_threads")
    threads = read.check("parameters.blas_threads", threads, "count or null")
    points = {method: _points(read, method) for method in METHODS}
    fits = read.get("dense_memory.largest_side_that_fits", "count")
    first = read.get("dense_memory.first_side_that_does_not_fit", "count")
    expected = cost.largest_side_that_fits(machine.memory_bytes, in_channels, out_channels)
    if (fits, first) != (expected, expected + 1):
        raise read.fail(
            f"says the dense matrix fits up to side {fits} (not from {first}), but "
            f"{machine.memory_bytes} bytes hold it up to side {expected}"
        )
    return Measurement(
        source=shown,
        measured=measured,
        machine=machine,
        in_channels=in_channels,
        out_channels=out_channels,
        kernel=kernel,
        blas_threads=threads,
        points=points,
        largest_side_that_fits=fits,
    )


def _points(read: _Reader, method: str) -> tuple[Point, ...]:
    entries = read.get(f"results.{method}", "list")
    points = []
    for i, entry in enumerate(entries):
        where = f"results.{method}[{i}]"
        if not isinstance(entry, dict):
            raise read.fail(f"has {where} = {entry!r}, which should be an object")
        side = read.check(f"{where}.side", entry.get("side"), "count")
        seconds = entry.get("seconds")
        if seconds is None:
            reason = read.check(f"{where}.reason", entry.get("reason"), "text")
        else:
            read.check(f"{where}.seconds", seconds, "seconds")
            reason = None
        if points and side <= points[-1].side:
            raise read.fail(f"has {where}.side = {side}, not larger than the side before it")
        points.append(Point(side, None if seconds is None else float(seconds), reason))
    if not any(point.seconds is not None for point in points):
        raise read.fail(f"has no measured time for the {method} method")
    return tuple(points)


def example(*, path: str = DEFAULT_PATH) -> Measurement:
    """The measurement to plot: by default the committed one, found from the package.

    Parameters
    ----------
    path : str, default "benchmarks/data/cost-benchmark.json"
        A file written by ``benchmarks/cost.py`` (``make bench``), so a reader can plot
        their own machine's measurement; see :func:`read_measurement`.
    """
    return read_measurement(path)


# ----------------------------------------------------------------------------------------
# Compute
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    method: str
    sides: np.ndarray  # (S,) int64: the sides that were measured
    seconds: np.ndarray  # (S,) float64: median seconds per call
    skipped: tuple[Point, ...]  # the sides that were not, with the reason


@dataclass(frozen=True)
class CostData:
    measurement: Measurement
    series: tuple[Series, ...]
    limit_side: int  # first side whose dense matrix does not fit in the machine's memory
    limit_bytes: int  # bytes of that matrix
    common_side: int | None  # the largest side at which all three methods were measured

    def series_of(self, method: str) -> Series:
        return next(s for s in self.series if s.method == method)

    def seconds_at(self, method: str, side: int) -> float:
        s = self.series_of(method)
        return float(s.seconds[np.flatnonzero(s.sides == side)[0]])


def compute(measurement: Measurement) -> CostData:
    """The curves to draw and the memory-limit side, from a checked measurement."""
    series = []
    for method in METHODS:
        points = measurement.points[method]
        measured = [p for p in points if p.seconds is not None]
        series.append(
            Series(
                method=method,
                sides=np.array([p.side for p in measured], dtype=np.int64),
                seconds=np.array([p.seconds for p in measured], dtype=np.float64),
                skipped=tuple(p for p in points if p.seconds is None),
            )
        )
    common = set.intersection(*(set(s.sides.tolist()) for s in series))
    limit = measurement.largest_side_that_fits + 1
    return CostData(
        measurement=measurement,
        series=tuple(series),
        limit_side=limit,
        limit_bytes=cost.dense_matrix_bytes(
            measurement.in_channels, measurement.out_channels, limit
        ),
        common_side=max(common) if common else None,
    )


# ----------------------------------------------------------------------------------------
# Words and numbers
# ----------------------------------------------------------------------------------------


def format_seconds(seconds: float) -> str:
    """``0.868`` -> ``868 ms``; three significant digits in s, ms or µs."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale or unit == "µs":
            return f"{seconds / scale:.3g} {unit}"
    raise AssertionError("unreachable")


def gib(n: int) -> str:
    """``25276502016`` -> ``23.5 GiB``; whole GiB from 100 on (``8,224 GiB``)."""
    value = n / 2**30
    return f"{value:.1f} GiB" if value < 100 else f"{value:,.0f} GiB"


def machine_words(m: Measurement) -> str:
    """``AMD EPYC (2 cores, 23.5 GiB RAM, Linux)``."""
    system = m.machine.platform.split("-")[0]
    memory = gib(m.machine.memory_bytes)
    return f"{m.machine.cpu} ({m.machine.cores} cores, {memory} RAM, {system})"


def date_words(m: Measurement) -> str:
    """``2026-11-21 10:59 UTC``."""
    return m.measured.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _layer_words(m: Measurement) -> str:
    channels = (
        "one channel in and out"
        if (m.in_channels, m.out_channels) == (1, 1)
        else f"{m.in_channels} channels in, {m.out_channels} out"
    )
    return f"a {m.kernel}×{m.kernel} kernel, same padding, {channels}, float64"


def _skip_notes(data: CostData) -> list[str]:
    """One sentence per method that was not measured at every side."""
    notes = []
    for s in data.series:
        if s.skipped:
            first = s.skipped[0]
            notes.append(
                f"{NAMES[s.method].capitalize()} not measured from n = {first.side} on: "
                f"{first.reason}."
            )
    return notes


# ----------------------------------------------------------------------------------------
# Draw
# ----------------------------------------------------------------------------------------


def styles(theme: Theme) -> dict[str, dict[str, object]]:
    """Colour, line style and marker per method: each curve differs in all three."""
    return {
        "dense": {"color": theme.foreground, "linestyle": "-", "marker": "o"},
        "im2col": {"color": theme.kernel, "linestyle": "--", "marker": "s"},
        "direct": {"color": REDDISH_PURPLE, "linestyle": "-.", "marker": "^"},
    }


def render(data: CostData, theme: Theme) -> Figure:
    fig = _lineplot.new_figure(theme, FIGSIZE)
    ax = fig.add_axes(AXES)
    draw_cost(ax, data, theme=theme)
    fig.draw_without_rendering()  # lay out the axis labels, so their extents are final
    return fig


def _time_label(seconds: float) -> str:
    return format_seconds(seconds).replace(".0 ", " ")


def draw_cost(ax, data: CostData, *, theme: Theme) -> dict[str, list]:
    """The three timed curves, their names at their ends, and the memory limit."""
    _lineplot.style_axes(ax, theme)
    look = styles(theme)
    artists: dict[str, list] = {"lines": [], "labels": [], "limit": [], "notes": []}
    for s in data.series:
        artists["lines"].append(
            ax.plot(s.sides, s.seconds, linewidth=2.4, markersize=8, markeredgewidth=1.6,
                    gid=f"time-{s.method}", zorder=3, **look[s.method])[0]
        )  # fmt: skip
    all_sides = np.concatenate([s.sides for s in data.series])
    all_seconds = np.concatenate([s.seconds for s in data.series])
    left = float(all_sides.min()) / 1.2
    right = max(float(all_sides.max()), float(data.limit_side)) * 1.2
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlim(left, right)
    low = 10.0 ** math.floor(math.log10(all_seconds.min() / 1.5))
    # Half a decade at least above the slowest point, for the name written above it.
    high = 10.0 ** math.ceil(math.log10(all_seconds.max()) + 0.5)
    ax.set_ylim(low, high)
    powers = [2**i for i in range(0, 31) if left <= 2**i <= right]
    if len(powers) > 6:  # every other power, ending on the largest: the column is narrow
        powers = powers[(len(powers) - 1) % 2 :: 2]
    ax.xaxis.set_major_locator(FixedLocator(powers))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels([f"{p:,}" for p in powers])
    decades = 10.0 ** np.arange(round(math.log10(low)), round(math.log10(high)) + 1)
    ax.yaxis.set_major_locator(FixedLocator(decades))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels([_time_label(d) for d in decades])
    m = data.measurement
    ax.set_xlabel("image side n\n(an n×n image: n² inputs, n² outputs per channel)",
                  fontsize=_lineplot.LABEL_FONT)  # fmt: skip
    ax.set_ylabel("time per convolution (median)", fontsize=_lineplot.LABEL_FONT)
    title = ax.set_title(
        f"One convolution, three ways, on {m.machine.cpu} (log scales)",
        fontsize=_lineplot.TITLE_FONT, loc="left", pad=12,
    )  # fmt: skip
    title.set_gid("title")
    artists["titles"] = [title]
    artists["limit"] = _draw_limit(ax, data, theme)
    artists["labels"] = _draw_end_labels(ax, data, theme)
    notes = [
        f"Measured {date_words(m)} on {machine_words(m)}, Python {m.machine.python}, "
        f"numpy {m.machine.numpy}"
        + (f", {m.blas_threads} BLAS thread{'s' if m.blas_threads != 1 else ''}"
           if m.blas_threads else "")
        + f"; {_layer_words(m)}; each point the median of several runs.",
        *_skip_notes(data),
    ]  # fmt: skip
    text = "\n".join(textwrap.fill(note, 76) for note in notes)
    artists["notes"].append(
        ax.text(-0.2, -0.3, text, transform=ax.transAxes, fontsize=_lineplot.NOTE_FONT,
                color=theme.muted, va="top", ha="left", gid="note", linespacing=1.35)
    )  # fmt: skip
    return artists


def _draw_limit(ax, data: CostData, theme: Theme) -> list:
    """The dotted line at the first side whose dense matrix does not fit, and its label."""
    side = data.limit_side
    line = ax.axvline(side, color=theme.muted, linestyle=":", linewidth=2.2, gid="memory-limit",
                      zorder=2)  # fmt: skip
    # Right of the line, above the fast curves, unless the label would run off the figure.
    fig = ax.figure
    line_x = ax.transData.transform((side, 1.0))[0] * 72.0 / fig.dpi
    to_the_left = fig.get_figwidth() * 72.0 - line_x < LIMIT_LABEL_POINTS
    text = (
        f"from n = {side:,} the dense matrix\n"
        f"({gib(data.limit_bytes)}) no longer fits in\n"
        f"this machine's {gib(data.measurement.machine.memory_bytes)}"
    )
    label = ax.annotate(
        text, (side, 0.98), xycoords=blended_transform_factory(ax.transData, ax.transAxes),
        xytext=(-8 if to_the_left else 8, 0), textcoords="offset points",
        ha="right" if to_the_left else "left", va="top", fontsize=_lineplot.CURVE_FONT,
        color=theme.foreground, gid="memory-limit-label", annotation_clip=False,
        bbox={"boxstyle": "round,pad=0.2", "facecolor": theme.background, "edgecolor": "none"},
    )  # fmt: skip
    return [line, label]


def _draw_end_labels(ax, data: CostData, theme: Theme) -> list:
    """Each curve's name and last time at its end, never on top of one another.

    A curve that runs to the right edge is named right of its end; labels there are
    spread apart vertically (a thin line then joins each to its end). A curve that stops
    earlier (the dense matrix, past the memory limit) is named above and left of its end,
    where its own steep rise leaves the plot empty. That assumes the early curve is the
    slowest one, as it is whenever the benchmark's rules stop only the dense method; a
    file in which im2col or the direct loop stops early may get a label over a curve.
    """
    last = max(int(s.sides[-1]) for s in data.series)
    to_points = 72.0 / ax.figure.dpi
    right = [s for s in data.series if int(s.sides[-1]) == last]
    ends = {
        s.method: ax.transData.transform((s.sides[-1], s.seconds[-1]))[1] * to_points for s in right
    }
    order = sorted(ends, key=ends.get)
    placed = [ends[order[0]]]
    for method in order[1:]:
        placed.append(max(ends[method], placed[-1] + LABEL_GAP))
    shift = np.mean([p - ends[m] for p, m in zip(placed, order, strict=True)])
    wanted = {m: p - shift for p, m in zip(placed, order, strict=True)}
    labels = []
    for s in data.series:
        time = format_seconds(float(s.seconds[-1]))
        x, y = s.sides[-1], s.seconds[-1]
        if s.method in wanted:  # right of the plot, where the column is narrow: two lines
            text = f"{NAMES[s.method]}:\n{time}"
            dy = wanted[s.method] - ends[s.method]
            label = _lineplot.curve_label(
                ax, x, y, text, theme, gid=f"label-{s.method}", ha="left", va="center",
                offset=(16, dy), arrow=abs(dy) > 3,
            )  # fmt: skip
        else:
            name = NAMES[s.method]  # top left, in two lines, pointing at its end
            cut = name.rfind(" ", 0, len(name) // 2 + 4)
            text = f"{name[:cut]}\n{name[cut + 1 :]}:\n{time}"
            label = _lineplot.curve_label(
                ax, x, y, text, theme, gid=f"label-{s.method}", ha="left", va="top",
                arrow=True, text_at=(0.03, 0.97),
            )  # fmt: skip
        labels.append(label)
    return labels


# ----------------------------------------------------------------------------------------
# Caption and alt text
# ----------------------------------------------------------------------------------------


def _times_at(data: CostData, side: int) -> str:
    return ", ".join(
        f"{NAMES[method]} {format_seconds(data.seconds_at(method, side))}" for method in METHODS
    )


def caption(data: CostData) -> str:
    m = data.measurement
    text = (
        f"Time for one convolution ({_layer_words(m)}) computed three ways, measured on "
        f"{machine_words(m)} on {date_words(m)}."
    )
    if data.common_side is not None:
        text += (
            f" At n = {data.common_side}, the largest side all three ran: "
            f"{_times_at(data, data.common_side)}."
        )
    text += (
        f" From n = {data.limit_side} the dense matrix no longer fits in the machine's "
        f"{gib(m.machine.memory_bytes)} (dotted line)."
    )
    return text


def alt_text(data: CostData) -> str:
    m = data.measurement
    look = {
        "dense": "solid line, circles",
        "im2col": "dashed line, squares",
        "direct": "dash-dotted line, triangles",
    }
    curves = []
    for s in data.series:
        first, last = int(s.sides[0]), int(s.sides[-1])
        curves.append(
            f"{NAMES[s.method]} ({look[s.method]}): {format_seconds(float(s.seconds[0]))} "
            f"at n = {first} up to {format_seconds(float(s.seconds[-1]))} at n = {last}"
        )
    text = (
        f"A plot with log scales of the time for one convolution ({_layer_words(m)}) "
        f"against the image side n, measured on {machine_words(m)} on {date_words(m)}. "
        + "; ".join(curves)
        + "."
    )
    if data.common_side is not None:
        text += f" At n = {data.common_side}, the largest side all three ran: "
        text += f"{_times_at(data, data.common_side)}."
    text += (
        f" A dotted vertical line at n = {data.limit_side} marks where the dense matrix "
        f"({gib(data.limit_bytes)}) no longer fits in the machine's "
        f"{gib(m.machine.memory_bytes)} of memory."
    )
    notes = _skip_notes(data)
    if notes:
        text += " " + " ".join(notes)
    return text
