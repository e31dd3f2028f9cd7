"""Whether the tests run in CI: ``CI`` set to a true value (``CI=false`` is not CI)."""

from __future__ import annotations

import os

TRUE = {"1", "true", "yes", "on"}


def is_ci() -> bool:
    """``CI=true`` (or 1, yes, on) is CI; unset, empty, ``false`` or ``0`` is not."""
    return os.environ.get("CI", "").strip().lower() in TRUE
