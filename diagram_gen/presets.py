"""The arithmetic set: the cases of the convolution arithmetic guide, as figure presets.

Dumoulin and Visin's "A guide to convolution arithmetic for deep learning" (2016) draws
eight cases of a convolution (no padding and unit strides, arbitrary padding, half or
"same" padding, full padding, strides without and with padding, padding with strides on
an odd input, dilation) and the transposed convolution of each. Its readers kept asking
for a few it does not have: a transposed convolution with kernel 2 and stride 2, a 1D
convolution and a depthwise one. Each case here is one or two :class:`Preset`: a
registered figure with fixed parameters. A transposed case has two, one per reading (the
scatter of kernel copies, and the direct convolution over the zero-inserted, padded
input), shown side by side in the gallery.

This table is the one source of truth: the build renders each preset's animation
(``preset:SLUG``, :mod:`diagram_gen.deps`), the gallery shows them (``hooks/pages.py``)
and the tests check every one against the layer math. It imports nothing but the
standard library, so that ``make`` can read it without loading numpy or matplotlib.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

#: The readings a preset can be, and how the gallery labels them.
READINGS = {
    "convolution": "Convolution",
    "scatter": "Reading 1: each input value scatters a copy of the kernel",
    "zero-inserted": "Reading 2: a convolution over the zero-inserted, padded input",
}


@dataclass(frozen=True)
class Preset:
    """One figure with fixed parameters, animated for the gallery.

    Attributes
    ----------
    slug : str
        The preset's name in file names and task names: ``full-padding``.
    case : str
        The case it belongs to; the two readings of a transposed case share it.
    title : str
        The case's short title.
    figure : str
        A registered figure with steps.
    params : tuple of (str, value)
        The figure's parameters, as ``diagram-gen animate --set KEY=VALUE``.
    reading : str
        A key of :data:`READINGS`.
    direct : str or None
        For a transposed case, the case of the convolution it transposes: its output
        has that convolution's input size.
    """

    slug: str
    case: str
    title: str
    figure: str
    params: tuple[tuple[str, int | str], ...]
    reading: str = "convolution"
    direct: str | None = None

    @property
    def overrides(self) -> dict[str, int | str]:
        return dict(self.params)

    @property
    def command(self) -> str:
        """The ``diagram-gen animate`` command that makes the same animation."""
        words = ["diagram-gen", "animate", self.figure]
        for key, value in self.params:
            words += ["--set", f"{key}={value}"]
        return shlex.join(words)

    @property
    def file_prefix(self) -> str:
        """What the preset's files start with: never a figure id, so they never overwrite
        the default figure's files."""
        return f"preset-{self.slug}"


#: The figure every preset draws: the arithmetic guide's view of a layer.
FIGURE = "conv-arithmetic"

#: The guide's convolutions: (case, title, input side, kernel, stride, padding, dilation).
_DIRECT = (
    ("no-padding-no-strides", "No padding, no strides", 4, 3, 1, 0, 1),
    ("arbitrary-padding", "Arbitrary padding", 5, 4, 1, 2, 1),
    ("same-padding", "Half (same) padding", 5, 3, 1, 1, 1),
    ("full-padding", "Full padding", 5, 3, 1, 2, 1),
    ("no-padding-strides", "No padding, strides", 5, 3, 2, 0, 1),
    ("padding-strides", "Padding and strides", 5, 3, 2, 1, 1),
    ("padding-strides-odd", "Padding and strides, odd input", 6, 3, 2, 1, 1),
    ("dilation", "Dilation", 7, 3, 1, 0, 2),
)


def _params(height: int, width: int, k: int, s: int, p: int, d: int, *, reading: str,
            output_padding: int = 0, channels: int = 1) -> tuple:  # fmt: skip
    """conv-arithmetic's parameters, every one written out (the command says it all)."""
    return (("height", height), ("width", width), ("kernel", k), ("stride", s),
            ("padding", p), ("dilation", d), ("output_padding", output_padding),
            ("channels", channels), ("reading", reading))  # fmt: skip


def _transposed_input(n: int, k: int, s: int, p: int, d: int) -> tuple[int, int]:
    """The transposed counterpart's input size (the convolution's output size) and the
    output_padding that gives back ``n``: the guide's relationships, written out here
    without the layer library (the tests compare them with it)."""
    out = (n + 2 * p - d * (k - 1) - 1) // s + 1
    return out, n - ((out - 1) * s - 2 * p + d * (k - 1) + 1)


_READINGS = ("scatter", "zero-inserted")


def _transposed(case: str, title: str, size: int, k: int, s: int, p: int, d: int,
                output_padding: int, direct: str | None = None) -> list[Preset]:  # fmt: skip
    """A transposed case's two presets, one per reading."""
    return [
        Preset(
            f"{case}-{reading}",
            case,
            title,
            FIGURE,
            _params(size, size, k, s, p, d, reading=reading, output_padding=output_padding),
            reading,
            direct=direct,
        )  # fmt: skip
        for reading in _READINGS
    ]


def _build() -> tuple[Preset, ...]:
    presets = []
    for case, title, n, k, s, p, d in _DIRECT:
        params = _params(n, n, k, s, p, d, reading="convolution")
        presets.append(Preset(case, case, title, FIGURE, params))
    for case, title, n, k, s, p, d in _DIRECT:
        size, output_padding = _transposed_input(n, k, s, p, d)
        presets += _transposed(f"transposed-{case}", f"Transposed: {title.lower()}", size,
                               k, s, p, d, output_padding, case)  # fmt: skip
    # What the guide's readers asked for.
    presets += _transposed("transposed-kernel-2-stride-2", "Transposed: kernel 2, stride 2",
                           3, 2, 2, 0, 1, 0)  # fmt: skip
    one_d = _params(1, 7, 3, 2, 1, 1, reading="convolution")
    presets.append(Preset("one-dimensional", "one-dimensional", "1D: kernel 3, stride 2, "
                          "padding 1", FIGURE, one_d))  # fmt: skip
    depthwise = _params(4, 4, 3, 1, 0, 1, reading="convolution", channels=2)
    presets.append(Preset("depthwise", "depthwise", "Depthwise: 2 channels, a kernel each",
                          FIGURE, depthwise))  # fmt: skip
    return tuple(presets)


#: Every preset, in the gallery's order.
PRESETS: tuple[Preset, ...] = _build()
BY_SLUG: dict[str, Preset] = {preset.slug: preset for preset in PRESETS}


def cases() -> list[tuple[str, list[Preset]]]:
    """(case, its presets) in order: one preset, or a transposed case's two readings."""
    grouped: dict[str, list[Preset]] = {}
    for preset in PRESETS:
        grouped.setdefault(preset.case, []).append(preset)
    return list(grouped.items())


def get(slug: str) -> Preset:
    """The preset called ``slug``, or a one-sentence error listing them."""
    try:
        return BY_SLUG[slug]
    except KeyError:
        raise ValueError(
            f"unknown preset {slug!r}; the presets are {', '.join(BY_SLUG)}."
        ) from None
