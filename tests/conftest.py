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
