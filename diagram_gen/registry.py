"""Every figure the project draws: id -> builder, parameters, caption and alt text.

This table is the manifest that drives everything else: the CLI renders from it, the
Makefile's rules are read from it (:mod:`diagram_gen.deps`, without importing it), and the
site reads the caption and alt text it writes next to each figure.

A figure's parameters are the keyword arguments of its ``example`` function, and their
defaults are its running example. The running examples the pages share (the small 3x3
convolution, the 1D layer, the 9-to-4 layer, the volumes, DCGAN) live in
:mod:`diagram_gen.examples`; a figure whose parameters are its own (a pooling window, a
stack of layers) defines its ``example`` beside it. ``compute`` turns them into arrays,
``draw`` turns arrays into a matplotlib figure or a Graphviz graph for a theme, and
``caption`` and ``alt`` describe the same arrays in words.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from diagram_gen import export, figures, params, targets
from diagram_gen.style import THEMES, Theme, theme_context


@dataclass(frozen=True)
class FigureSpec:
    """One registered figure."""

    id: str
    title: str
    module: ModuleType
    example: Callable[..., Any]
    compute: Callable[..., Any]
    draw: Callable[[Any, Theme], Any]
    caption: Callable[[Any], str]
    alt: Callable[[Any], str]
    #: ``steps(data) -> list[Step]`` (diagram_gen.steps); None for a figure without steps.
    steps: Callable[[Any], list] | None = None
    #: ``parts(data) -> list[str]``: the names of the parts a slide can show one at a time
    #: (``--part``); None for a figure that is one piece.
    parts: Callable[[Any], list[str]] | None = None

    def part_names(self, data: Any) -> list[str]:
        """The figure's parts for this data (none for a figure in one piece)."""
        return list(self.parts(data)) if self.parts is not None else []

    def check_part(self, data: Any, part: str | None) -> None:
        """Refuse, in one sentence, a part the figure does not have."""
        if part is None:
            return
        names = self.part_names(data)
        if part not in names:
            offer = f"its parts are {', '.join(names)}" if names else "it has no parts"
            raise ValueError(f"{self.id} has no part {part!r}; {offer}.")

    @property
    def defaults(self) -> dict[str, Any]:
        """The figure's parameters and their default values, from the example function."""
        signature = inspect.signature(self.example)
        return {name: p.default for name, p in signature.parameters.items()}

    @property
    def parameters(self) -> dict[str, params.Param]:
        """Each parameter's kind and range: the module's ``PARAMETERS``, else the common
        ones of :mod:`diagram_gen.params` (a test checks that every parameter has one)."""
        own = getattr(self.module, "PARAMETERS", {})
        found = {name: params.spec_for(name, own) for name in self.defaults}
        return {name: spec for name, spec in found.items() if spec is not None}

    @property
    def source(self) -> Path:
        """The module that draws this figure (the Makefile rebuilds it when it changes)."""
        return Path(inspect.getsourcefile(self.module) or "")

    def resolve(self, overrides: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults updated with ``overrides``, each checked against its kind and range;
        an unknown key or a wrong value is refused in one sentence."""
        values = self.defaults
        unknown = sorted(set(overrides) - set(values))
        if unknown:
            known = ", ".join(values) or "none"
            raise ValueError(
                f"{self.id} has no parameter {unknown[0]!r}; its parameters are {known}."
            )
        specs = self.parameters
        for name, value in overrides.items():
            spec = specs.get(name)
            values[name] = spec.check(f"{self.id}'s {name}", value) if spec else value
        return values

    def data(self, overrides: Mapping[str, Any] | None = None) -> Any:
        """Compute the arrays this figure draws, with the reader's overrides."""
        return self.compute(self.example(**self.resolve(overrides or {})))


def _themed(draw: Callable[..., Any], figure_id: str) -> Callable[..., Any]:
    """``draw`` with the theme's matplotlib settings applied while it draws.

    ``step`` (a figure with steps only) draws the figure with that step highlighted;
    ``target`` (:mod:`diagram_gen.targets`) is where it will be read, for a figure that
    lays itself out for it, and ``part`` one of its parts. A figure's ``render`` declares
    only the keywords it uses; ``target`` goes only to one that takes it (the others are
    laid out once, and :func:`diagram_gen.export.fit` sizes them for the target).
    """
    accepted = set(inspect.signature(draw).parameters)

    def themed(
        data: Any, theme: Theme, step: Any = None, *, target: Any = None, part: Any = None
    ) -> Any:
        given = {"step": step, "target": target, "part": part}
        keywords = {
            key: value
            for key, value in given.items()
            if value is not None and (key != "target" or key in accepted)
        }
        with theme_context(theme, salt=f"{figure_id}-{theme.name}"):
            return draw(data, theme, **keywords)

    return themed


def _spec(module: ModuleType) -> FigureSpec:
    return FigureSpec(
        id=module.FIGURE_ID,
        title=module.TITLE,
        module=module,
        example=module.example,
        compute=module.compute,
        draw=_themed(module.render, module.FIGURE_ID),
        caption=module.caption,
        alt=module.alt_text,
        steps=getattr(module, "steps", None),
        parts=getattr(module, "parts", None),
    )


#: Every figure id of the site, in reading order (CONTENT.md). A figure module in
#: ``diagram_gen/figures`` is registered by its ``FIGURE_ID``, which must be listed here.
ORDER = (
    "fc-matrix", "fc-graph", "conv-sliding", "conv-equations", "conv-network",
    "conv-matrix", "conv-dense-graph", "fc-vs-conv-matrix", "conv-linked", "sparse-connectivity-1d",
    "weight-sharing-1d", "zero-padding-same", "neuron-volume", "multichannel-kernel",
    "many-filters", "multichannel-matrix", "connection-table", "grouped-conv",
    "stride-dilation", "transposed-matrix", "transposed-upsample", "transposed-direct",
    "conv-arithmetic",
    "pooling", "avgpool-matrix", "conv-1d-2d-3d", "receptive-field-growth", "real-image-filters",
    "param-count", "tied-training", "cost-measured", "equivariance", "padding-modes",
)  # fmt: skip


def figure_modules() -> list[ModuleType]:
    """The figure modules: every public module of ``diagram_gen.figures``."""
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(figures.__path__)
        if not info.name.startswith("_")
    )
    return [importlib.import_module(f"{figures.__name__}.{name}") for name in names]


def _collect() -> dict[str, FigureSpec]:
    specs = [_spec(module) for module in figure_modules()]
    for spec in specs:
        if spec.id not in ORDER:
            raise RuntimeError(f"figure {spec.id!r} ({spec.module.__name__}) is not in ORDER.")
    return {spec.id: spec for spec in sorted(specs, key=lambda s: ORDER.index(s.id))}


FIGURES: dict[str, FigureSpec] = _collect()


def get(figure_id: str) -> FigureSpec:
    """The figure registered as ``figure_id``, or a one-sentence error listing the ids."""
    try:
        return FIGURES[figure_id]
    except KeyError:
        raise ValueError(
            f"unknown figure {figure_id!r}; the figures are {', '.join(FIGURES)}."
        ) from None


def command_for(figure_id: str, overrides: Mapping[str, Any]) -> str:
    """The ``diagram-gen render`` command that reproduces a figure with these values."""
    words = ["diagram-gen", "render", figure_id]
    for key, value in overrides.items():
        words += ["--set", f"{key}={value}"]
    return shlex.join(words)


def render(
    figure_id: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    themes: Iterable[str] = tuple(THEMES),
    options: export.ExportOptions | None = None,
) -> dict[str, bytes]:
    """Render one figure in every requested theme and format, entirely in memory.

    Returns file name -> bytes, including ``<id>.json`` with the caption, alt text,
    parameters and command. Raises ``ValueError`` (one sentence) for bad parameters
    before anything is drawn, so the caller can write all files or none.
    """
    spec = get(figure_id)
    options = options or export.ExportOptions()
    overrides = dict(overrides or {})
    data = spec.data(overrides)
    spec.check_part(data, options.part)
    target = targets.slide(options.slide) if options.slide else None
    files: dict[str, bytes] = {}
    for theme_name in themes:
        theme = THEMES[theme_name]
        salt = f"{figure_id}-{theme_name}"
        with theme_context(theme, salt=salt):
            drawing = spec.draw(data, theme, target=target, part=options.part)
            fitted = export.fit(drawing, target, figure_id=figure_id, parts=spec.part_names(data))
            for fmt in options.formats:
                name = export.file_name(figure_id, theme_name, fmt)
                files[name] = export.drawing_bytes(
                    fitted, fmt, salt=salt, options=options, name=figure_id
                )
    files[f"{figure_id}.json"] = metadata_json(spec, data, overrides)
    return files


def metadata_json(spec: FigureSpec, data: Any, overrides: Mapping[str, Any]) -> bytes:
    """What the site needs to show a figure: title, caption, alt text and its command."""
    meta = {
        "id": spec.id,
        "title": spec.title,
        "caption": spec.caption(data),
        "alt": spec.alt(data),
        "parameters": spec.resolve(overrides),
        "command": command_for(spec.id, overrides),
    }
    return (json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
