"""``make bench``: one convolution computed three ways on this machine, as the image grows.

Times :func:`diagram_gen.cost.conv_dense` (build the dense weight matrix, then one
matrix-vector product), :func:`~diagram_gen.cost.conv_im2col` (patch matrix, then one
matrix product) and :func:`~diagram_gen.cost.conv_direct` (a loop over the kernel's taps,
each a whole-image multiply-add) on a ``side`` x ``side`` float64 image with one input and
one output channel, a 3x3 kernel and same padding, for the sides in :data:`SIDES`.

BLAS runs on one thread (see :data:`BLAS_THREADS`). How each point is measured: one
warm-up call (not counted) gives a first time ``t``; a run repeats the call
``ceil(MIN_RUN_SECONDS / t)`` times (at least once) and gives the time per call; the point
is the median of 7 runs, or of 5 when a run takes over 0.5 s, or of 3 when it takes over
2 s. Every result is checked against :func:`diagram_gen.layers.conv`.

What is not measured, and why (each skipped point records its reason in the file):

- the dense method, at a side whose matrix needs more than :data:`DENSE_MEMORY_FRACTION`
  of this machine's RAM (or half of the memory available when the benchmark starts, if
  that is less): swapping or being killed is not a measurement;
- any method whose next side is predicted to take more than :data:`MAX_SECONDS_PER_CALL`
  for one call (the time at the previous side, scaled by the growth of its work: the
  matrix entries for the dense method, the pixels for the others), or to run the whole
  benchmark past :data:`TOTAL_BUDGET_SECONDS`. Once a method stops, larger sides stop too.

Writes ``benchmarks/data/cost-benchmark.json`` (committed; the site's ``cost-measured``
figure plots it and never runs this) with the machine, the UTC date, the parameters, the
median seconds per method and side (or null and the reason), and the image side from which
the dense matrix no longer fits in this machine's total memory, computed by
:func:`diagram_gen.cost.largest_side_that_fits`.
"""

from __future__ import annotations

import functools
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

#: Threads the BLAS library (behind the dense and im2col matrix products) may use. One by
#: default, like the direct loop (numpy runs it on one core): the benchmark compares the
#: three algorithms, not how many cores one of them can borrow, and a single thread is not
#: thrown off by whatever else the machine runs. ``COST_BENCH_THREADS=2 make bench`` lets
#: BLAS use more; the file records the value. Set before numpy is imported, or it is ignored.
BLAS_THREADS = os.environ.get("COST_BENCH_THREADS", "1")
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = BLAS_THREADS

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diagram_gen import cost, layers  # noqa: E402

OUTPUT = ROOT / "benchmarks" / "data" / "cost-benchmark.json"
SCHEMA = 1

SIDES = (8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
C_IN, C_OUT, KERNEL = 1, 1, 3
SEED = 0

#: The dense matrix may take at most this fraction of the machine's total memory.
DENSE_MEMORY_FRACTION = 0.25
#: ... and at most this fraction of the memory available when the benchmark starts.
AVAILABLE_MEMORY_FRACTION = 0.5
#: A method stops before a side at which one call is predicted to take longer than this.
MAX_SECONDS_PER_CALL = 10.0
#: Nothing new starts if it is predicted to end the benchmark later than this.
TOTAL_BUDGET_SECONDS = 100.0
#: A run repeats a fast call until it has taken at least this long.
MIN_RUN_SECONDS = 0.02

METHODS: dict[str, tuple[str, Callable[..., np.ndarray]]] = {
    "dense": ("dense weight matrix, built then multiplied", cost.conv_dense),
    "im2col": ("im2col patch matrix, then one matrix product", cost.conv_im2col),
    "direct": ("direct loop over the 9 kernel taps with numpy", cost.conv_direct),
}


# ----------------------------------------------------------------------------------------
# The machine
# ----------------------------------------------------------------------------------------


def meminfo() -> dict[str, int]:
    """``/proc/meminfo`` in bytes (empty where there is no such file)."""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        name, _, rest = line.partition(":")
        words = rest.split()
        if words and words[0].isdigit():
            values[name] = int(words[0]) * (1024 if words[1:] == ["kB"] else 1)
    return values


def total_memory_bytes() -> int:
    """The machine's RAM: MemTotal, or the page count times the page size."""
    total = meminfo().get("MemTotal")
    if total:
        return total
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def cgroup_limit_bytes() -> int | None:
    """A memory limit set on this process's control group, if there is one."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            return int(text)
    return None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages: how busy the machine was while measuring."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def blas() -> str:
    """The BLAS library numpy was built with, e.g. ``scipy-openblas 0.3.31``."""
    try:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{config['name']} {config['version']}"
    except (TypeError, KeyError):  # numpy before 1.26 has no mode="dicts"
        return "unknown"


def machine() -> dict[str, object]:
    return {
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "memory_bytes": total_memory_bytes(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas(),
    }


# ----------------------------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------------------------


def work(method: str, side: int) -> int:
    """What a method's time grows with: matrix entries (dense) or pixels (the others)."""
    if method == "dense":
        return cost.dense_matrix_entries(C_IN, C_OUT, side)
    return side * side


def runs_for(seconds_per_run: float) -> int:
    """Fewer runs for slow cases: 7, 5 over 0.5 s, 3 over 2 s."""
    return 7 if seconds_per_run <= 0.5 else 5 if seconds_per_run <= 2.0 else 3


def measure(call: Callable[[], np.ndarray]) -> dict[str, object]:
    """Median seconds per call, with the runs and calls per run it came from."""
    start = time.perf_counter()
    call()  # warm-up: first-touch page faults, caches, BLAS threads
    first = time.perf_counter() - start
    calls = max(1, math.ceil(MIN_RUN_SECONDS / max(first, 1e-9)))
    per_call = []
    for _ in range(runs_for(first * calls)):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        per_call.append((time.perf_counter() - start) / calls)
    return {
        "seconds": float(f"{statistics.median(per_call):.4g}"),
        "runs": len(per_call),
        "calls_per_run": calls,
        "fastest": float(f"{min(per_call):.4g}"),
        "slowest": float(f"{max(per_call):.4g}"),
    }


def gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB"


def memory_reason(name: str, side: int, total: int, limit: int, limit_words: str) -> str | None:
    """Why the dense method is not run at ``side``, if its matrix is too large."""
    if name != "dense":
        return None
    matrix_bytes = cost.dense_matrix_bytes(C_IN, C_OUT, side)
    if matrix_bytes > total:
        return (
            f"its matrix would need {gib(matrix_bytes)}, more than the {gib(total)} of "
            f"memory this machine has"
        )
    if matrix_bytes > limit:
        return (
            f"its matrix would need {gib(matrix_bytes)}, more than the {gib(limit)} safety "
            f"limit ({limit_words})"
        )
    return None


def time_reason(name: str, side: int, last: tuple[int, float] | None, began: float) -> str | None:
    """Why a method is not run at ``side``, if it is predicted to take too long."""
    if last is None:
        return None
    previous_side, previous = last
    predicted = previous * work(name, side) / work(name, previous_side)
    if predicted > MAX_SECONDS_PER_CALL:
        return (
            f"predicted {predicted:.1f} s per call (from {previous:.3g} s at side "
            f"{previous_side}), more than the {MAX_SECONDS_PER_CALL:g} s limit"
        )
    elapsed = time.perf_counter() - began
    if elapsed + predicted * (runs_for(predicted) + 1) > TOTAL_BUDGET_SECONDS:
        return f"predicted to run the benchmark past its {TOTAL_BUDGET_SECONDS:g} s budget"
    return None


def main() -> None:
    began = time.perf_counter()
    info = machine()
    total = int(info["memory_bytes"])
    available = meminfo().get("MemAvailable", total)
    cgroup = cgroup_limit_bytes()
    usable = min(total, cgroup) if cgroup else total
    dense_limit = int(min(DENSE_MEMORY_FRACTION * usable, AVAILABLE_MEMORY_FRACTION * available))
    fits = cost.largest_side_that_fits(total, C_IN, C_OUT)
    if dense_limit < DENSE_MEMORY_FRACTION * usable:
        limit_words = f"{AVAILABLE_MEMORY_FRACTION:.0%} of the {gib(available)} available"
    else:
        limit_words = f"{DENSE_MEMORY_FRACTION:.0%} of the {gib(usable)} of memory"
    load_before = load_average()

    rng = np.random.default_rng(SEED)
    w = rng.standard_normal((C_OUT, C_IN, KERNEL, KERNEL))
    results: dict[str, list[dict[str, object]]] = {name: [] for name in METHODS}
    last: dict[str, tuple[int, float]] = {}  # method -> (side, seconds) last measured
    stopped: dict[str, str] = {}  # method -> why it stopped for good

    for side in SIDES:
        x = rng.standard_normal((C_IN, side, side))
        reference = layers.conv(x, w, padding="same")
        for name, (_, function) in METHODS.items():
            point: dict[str, object] = {"side": side}
            reason = memory_reason(name, side, total, dense_limit, limit_words)
            if reason is None:
                reason = stopped.get(name) or time_reason(name, side, last.get(name), began)
                if reason is not None and name not in stopped:
                    stopped[name] = f"stopped at side {side}: {reason}"
            if reason is not None:
                point.update(seconds=None, reason=reason)
                print(f"{name:>7} side {side:5}: skipped, {reason}")
            else:
                options = {"memory_bytes": dense_limit} if name == "dense" else {}
                call = functools.partial(function, x, w, **options)
                error = float(np.abs(call() - reference).max())
                if error > 1e-10 * max(1.0, float(np.abs(reference).max())):
                    raise RuntimeError(f"{name} differs from layers.conv by {error} at {side}")
                point.update(measure(call))
                point["max_abs_difference"] = float(f"{error:.2g}")
                last[name] = (side, float(point["seconds"]))
                print(
                    f"{name:>7} side {side:5}: {point['seconds']:.3g} s "
                    f"(median of {point['runs']} runs of {point['calls_per_run']} calls)"
                )
            results[name].append(point)

    seconds = time.perf_counter() - began
    record = {
        "schema": SCHEMA,
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "load_average": {"before": load_before, "after": load_average()},
        "parameters": {
            "in_channels": C_IN,
            "out_channels": C_OUT,
            "kernel": KERNEL,
            "padding": "same",
            "stride": 1,
            "dtype": "float64",
            "blas_threads": int(BLAS_THREADS),
            "seed": SEED,
            "sides": list(SIDES),
            "runs": "median of 7 runs; 5 when a run takes over 0.5 s, 3 over 2 s",
            "min_run_seconds": MIN_RUN_SECONDS,
            "dense_memory_limit_bytes": dense_limit,
            "dense_memory_rule": (
                f"the dense matrix may take at most {DENSE_MEMORY_FRACTION:.0%} of the memory "
                f"and {AVAILABLE_MEMORY_FRACTION:.0%} of the memory available at the start"
            ),
            "time_rule": (
                f"a method stops before a side where one call is predicted (from the "
                f"previous side, scaled by matrix entries for dense and pixels otherwise) "
                f"to take over {MAX_SECONDS_PER_CALL:g} s, or to end the benchmark past "
                f"{TOTAL_BUDGET_SECONDS:g} s"
            ),
        },
        "methods": {name: label for name, (label, _) in METHODS.items()},
        "results": results,
        "dense_memory": {
            "memory_bytes": total,
            "largest_side_that_fits": fits,
            "first_side_that_does_not_fit": fits + 1,
            "bytes_at_largest_side": cost.dense_matrix_bytes(C_IN, C_OUT, fits) if fits else 0,
            "bytes_at_first_side": cost.dense_matrix_bytes(C_IN, C_OUT, fits + 1),
        },
        "benchmark_seconds": round(seconds, 1),
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    temporary = OUTPUT.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    temporary.replace(OUTPUT)
    print(
        f"the dense matrix fits in {gib(total)} up to side {fits}, not from side {fits + 1}; "
        f"benchmark took {seconds:.1f} s; saved {OUTPUT.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
