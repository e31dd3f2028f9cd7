"""Shared test setup: seeded randomness, hypothesis profiles, no figure left open."""

from __future__ import annotations

import sys

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
