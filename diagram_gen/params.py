"""What each figure parameter may be: its kind and range, checked before anything is drawn.

A figure's parameters are the keyword arguments of its ``example`` function (see
:mod:`diagram_gen.registry`). Each has a :class:`Param` here, found by name in
:data:`COMMON`, unless the figure module's ``PARAMETERS`` mapping narrows or adds one. The
registry checks every value a reader sets against it and refuses a wrong one in one
sentence, so that ``--set seed=banana`` or ``--set height=1.5`` never reaches numpy. The
ranges also keep a figure drawable: a graph of a million edges is refused, not attempted.
Relations between parameters (a kernel larger than the padded input) are checked by the
layer math itself, also in one sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    """One parameter's kind (``int``, ``float`` or ``str``), range and allowed words.

    An ``int`` parameter with ``words`` also takes those strings (``padding=same``); a
    ``str`` parameter without ``words`` takes any text (a file path).
    """

    kind: type
    low: float | None = None
    high: float | None = None
    words: tuple[str, ...] = ()

    def describe(self) -> str:
        """``an integer from 1 to 16``, ``an integer from 0 to 4, valid or same``."""
        noun = {int: "an integer", float: "a number", str: "text"}[self.kind]
        if self.low is not None and self.high is not None:
            noun += f" from {_number(self.low)} to {_number(self.high)}"
        if self.words:
            choices = ", ".join(self.words[:-1]) + f" or {self.words[-1]}"
            noun = f"{noun}, {choices}" if self.kind is not str else choices
        return noun

    def check(self, name: str, value: Any) -> Any:
        """``value`` if it is allowed, else ``ValueError`` with one sentence."""
        if isinstance(value, str) and value in self.words:
            return value
        ok = False
        if self.kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif self.kind is float:
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            ok = ok and value == value and abs(value) != float("inf")
        elif self.kind is str:
            ok = isinstance(value, str) and not self.words
        if ok and self.kind is not str:
            ok = (self.low is None or value >= self.low) and (
                self.high is None or value <= self.high
            )
        if not ok:
            raise ValueError(f"{name} must be {self.describe()}, got {value!r}.")
        return float(value) if self.kind is float else value


def _number(value: float) -> str:
    """``4294967295`` -> ``4,294,967,295``; ``0.0001`` -> ``0.0001``."""
    return f"{value:,}" if float(value).is_integer() else f"{value:g}"


def Int(low: int, high: int, *words: str) -> Param:  # noqa: N802 (reads like a type)
    return Param(int, low, high, words)


def Float(low: float, high: float) -> Param:  # noqa: N802
    return Param(float, low, high)


def Text(*words: str) -> Param:  # noqa: N802
    return Param(str, words=words)


#: A seed for numpy's random generator.
SEED = Int(0, 2**32 - 1)
#: Generous bounds by name: they keep a value from reaching numpy as the wrong kind or as
#: something absurd (a million-row matrix). What a figure can draw legibly it checks itself
#: (a graph refuses more edges than it can lay out), each in one sentence.
COMMON: dict[str, Param] = {
    "seed": SEED,
    "height": Int(1, 64),
    "width": Int(1, 64),
    "kernel": Int(1, 15),
    "in_channels": Int(1, 16),
    "out_channels": Int(1, 16),
    "channels": Int(1, 16),
    "stride": Int(1, 8),
    "padding": Int(0, 16, "valid", "same"),
    "dilation": Int(1, 8),
    "output_padding": Int(0, 7),
    "groups": Int(1, 16),
    "n_in": Int(1, 64),
    "n_out": Int(1, 64),
}


def spec_for(name: str, figure_params: Mapping[str, Param]) -> Param | None:
    """The figure's own range for ``name``, else the common one, else None."""
    return figure_params.get(name, COMMON.get(name))
