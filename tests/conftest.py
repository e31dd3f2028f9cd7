"""Shared test setup: seeded randomness, hypothesis profiles, no figure left open."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from ci import is_ci
from hypothesis import HealthCheck, settings

# The shared figure checks are plain asserts; rewrite them so a failure shows the values.
pytest.register_assert_rewrite("figure_checks")

# In CI the examples are derandomized, so a red run can be reproduced exactly.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if is_ci() else "dev")


@pytest.fixture
def rng() -> np.random.Generator:
    """A generator with a fixed seed, so a failure reproduces."""
    return np.random.default_rng(20261121)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every pyplot figure a test opened (the layer tests never import matplotlib)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


#: The slowest test files (pytest --durations), run first: make test gives each worker
#: whole files (pytest-xdist, --dist loadfile), and a long file handed out last would
#: leave the other worker idle at the end.
SLOW_FIRST = (
    "tests/test_build.py",
    "tests/browser/test_legibility.py",
    "tests/test_parameters.py",
    "tests/test_animate.py",
    "tests/test_deck.py",
    "tests/browser/test_browser.py",
    "tests/browser/test_linked.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    """Slow files first, each keeping its own order (the same order in every worker)."""
    rank = {path: n for n, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


#: What the browser test saw, one file per test process (tests/browser/conftest.py).
SCREENSHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_configure(config) -> None:
    """Before any test process starts: no picture or count of the last run lingers."""
    if not _is_worker(config) and SCREENSHOTS.is_dir():
        for old in [*SCREENSHOTS.glob("*.png"), *SCREENSHOTS.glob("summary*.json")]:
            old.unlink()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """The browser test's visits, added up over the test processes."""
    parts = [json.loads(p.read_text()) for p in sorted(SCREENSHOTS.glob("summary-*.json"))]
    if _is_worker(config) or not parts:
        return
    pages = {page for part in parts for page in part["pages"]}
    total = {k: sum(part[k] for part in parts) for k in parts[0] if k != "pages"}
    numbers = {"pages": len(pages), **total, "screenshots": "build/screenshots"}
    (SCREENSHOTS / "summary.json").write_text(json.dumps(numbers, indent=2) + "\n")
    terminalreporter.write_sep("-", "browser test")
    terminalreporter.write_line(f"screenshots: {SCREENSHOTS}")
    terminalreporter.write_line(
        f"{numbers['pages']} pages ({numbers['visits']} visits, light and dark), "
        f"{numbers['images_loaded']} images loaded, {numbers['requests']} requests seen, "
        f"{numbers['foreign_requests']} to another host"
    )
