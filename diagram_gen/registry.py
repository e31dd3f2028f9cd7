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

import dataclasses
import hashlib
import importlib
import inspect
import json
import pkgutil
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import graphviz

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
    #: ``links(data) -> Links`` (diagram_gen.linked): which drawn element is which output,
    #: input and weight, for the page's linked views; None for a figure not linked.
    links: Callable[[Any], Any] | None = None
    #: ``notes(data) -> str``: what a lecturer points at, for a slide's speaker notes; None
    #: builds them from the caption and the alt text (:meth:`speaker_notes`).
    notes: Callable[[Any], str] | None = None

    def speaker_notes(self, data: Any) -> str:
        """The speaker notes of this figure's slide: the module's ``notes(data)`` if it has
        one, else its caption, then what to point at, which is what the alt text says."""
        if self.notes is not None:
            return self.notes(data)
        return f"{self.caption(data)}\n\nPoint at: {self.alt(data)}"

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
        links=getattr(module, "links", None),
        notes=getattr(module, "notes", None),
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


def file_stem(figure_id: str, overrides: Mapping[str, Any] | None = None) -> str:
    """The start of every file name of a render: the figure id, then each parameter whose
    value differs from its default, in the figure's order of parameters.

    ``conv-sliding`` with ``stride=2`` -> ``conv-sliding-stride2``, so that two variants
    rendered into one folder do not overwrite each other; the defaults keep the plain id
    (the names the site uses). Text that is not a plain word (a file path) is written
    with its unsafe characters replaced and a short hash of the whole value.
    """
    spec = get(figure_id)
    values, defaults = spec.resolve(overrides or {}), spec.defaults
    changed = [
        f"{name}{_name_part(value)}" for name, value in values.items() if value != defaults[name]
    ]
    return "-".join([figure_id, *changed])


def _name_part(value: Any) -> str:
    if isinstance(value, float):
        return _number_text(value)
    text = str(value)
    safe = re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_")[:40]
    if safe == text:
        return text
    return f"{safe}_{hashlib.sha256(text.encode()).hexdigest()[:6]}"


def _number_text(value: float) -> str:
    """``8.0`` -> ``8``, ``0.05`` -> ``0.05``: the shortest text that reads back the same."""
    short = format(value, "g")
    return short if float(short) == value else repr(value)


def theme_label(theme: str, *, transparent: bool = False) -> str:
    """``dark`` or, for a transparent background, ``dark-transparent`` (in file names)."""
    return f"{theme}-transparent" if transparent else theme


def command_for(
    figure_id: str,
    overrides: Mapping[str, Any],
    *,
    themes: Iterable[str] | None = None,
    options: export.ExportOptions | None = None,
    verb: str = "render",
) -> str:
    """The ``diagram-gen`` command that reproduces a render: the same parameters and,
    when they were not the defaults, the same themes, formats, width, dpi and
    background, so that running it writes the same files, byte for byte.

    Parameters
    ----------
    figure_id : str
        A registered figure.
    overrides : mapping
        The parameters as the reader set them (``--set KEY=VALUE``), in their order.
    themes : iterable of str, optional
        The themes rendered; both (the default) adds no ``--theme``.
    options : ExportOptions, optional
        The formats, dpi, background and width; the defaults add nothing.
    verb : str
        ``render``, or ``animate`` for the animation of the same figure.

    Returns
    -------
    str
        The command, quoted for a POSIX shell.
    """
    words = ["diagram-gen", verb, figure_id]
    for key, value in overrides.items():
        text = _number_text(value) if isinstance(value, float) else str(value)
        words += ["--set", f"{key}={text}"]
    default = export.ExportOptions()
    options = options or default
    if tuple(options.formats) != default.formats:
        words += ["--format", ",".join(options.formats)]
    themes = tuple(themes) if themes is not None else tuple(THEMES)
    if set(themes) != set(THEMES):
        words += ["--theme", ",".join(themes)]
    if options.width is not None:
        words += ["--width", _number_text(float(options.width))]
    if options.dpi != default.dpi:
        words += ["--dpi", str(options.dpi)]
    if options.transparent:
        words.append("--transparent")
    if options.slide:
        words += ["--slide", options.slide]
    if options.part:
        words += ["--part", options.part]
    return shlex.join(words)


def layout_suffix(options: export.ExportOptions) -> str:
    """What a slide layout or a part adds to the file names, so that a slide render and
    the page figure (or two parts) in one folder never overwrite each other:
    ``-slide16x9``, ``-part-matrix``."""
    suffix = f"-slide{options.slide.replace(':', 'x')}" if options.slide else ""
    return suffix + (f"-part-{_name_part(options.part)}" if options.part else "")


#: The build's extra file per figure: the dark theme's PNG without a background, for
#: dark slides (``render(..., transparent_dark_png=True)``).
TRANSPARENT_DARK_PNG = export.ExportOptions(formats=("png",), transparent=True)


def render(
    figure_id: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    themes: Iterable[str] = tuple(THEMES),
    options: export.ExportOptions | None = None,
    transparent_dark_png: bool = False,
) -> dict[str, bytes]:
    """Render one figure in every requested theme and format, entirely in memory.

    Returns file name -> bytes, including ``<stem>.json`` with the caption, alt text,
    parameters, size and command (names start with :func:`file_stem`). Raises
    ``ValueError`` (one sentence) for bad parameters before anything is drawn, so the
    caller can write all files or none. With ``transparent_dark_png`` (the site build),
    the dark drawing is also written as a PNG without a background, the very file that
    ``diagram-gen render ID --format png --theme dark --transparent`` writes.
    """
    spec = get(figure_id)
    options = options or export.ExportOptions()
    overrides = dict(overrides or {})
    themes = tuple(themes)
    data = spec.data(overrides)
    spec.check_part(data, options.part)
    target = targets.slide(options.slide) if options.slide else None
    stem = file_stem(figure_id, overrides) + layout_suffix(options)
    files: dict[str, bytes] = {}
    size: tuple[float, float] | None = None
    for theme_name in themes:
        theme = THEMES[theme_name]
        salt = f"{figure_id}-{theme_name}"
        label = theme_label(theme_name, transparent=options.transparent)
        extra = transparent_dark_png and theme_name == "dark" and not options.transparent
        with theme_context(theme, salt=salt):
            drawing = spec.draw(data, theme, target=target, part=options.part)
            drawing = export.fit(drawing, target, figure_id=figure_id, parts=spec.part_names(data))
            for fmt in options.formats:
                name = export.file_name(stem, label, fmt)
                files[name] = export.drawing_bytes(
                    drawing, fmt, salt=salt, options=options, name=figure_id
                )
            if size is None:
                size = export.drawing_size(drawing, options)
            if extra:
                name = export.file_name(stem, theme_label("dark", transparent=True), "png")
                files[name] = export.drawing_bytes(
                    drawing, "png", salt=salt, options=_transparent_png(options), name=figure_id
                )
    command = command_for(figure_id, overrides, themes=themes, options=options)
    extras = {}
    if transparent_dark_png and "dark" in themes and not options.transparent:
        dark_options = _transparent_png(options)
        extras["transparent_dark_png"] = {
            "file": export.file_name(stem, theme_label("dark", transparent=True), "png"),
            "command": command_for(figure_id, overrides, themes=("dark",), options=dark_options),
        }
        light_svg = files.get(export.file_name(stem, "light", "svg"))
        extras["slides"] = slide_layouts(spec, data, overrides, light_svg)
        if spec.links is not None:
            extras["linked"] = spec.links(data).as_json()
    files[f"{stem}.json"] = metadata_json(
        spec, data, overrides, command=command, size=size, extras=extras
    )
    return files


def _slide_layout(spec: FigureSpec, data: Any, target, page_svg: bytes | None, part=None):
    """The measure of the figure laid out and fitted for ``target``, or the sentence that
    refuses it. A figure that lays itself out for a target (or a part) is drawn for it;
    any other is the page figure scaled, so its page SVG's measure says it all."""
    from diagram_gen.style import LIGHT

    adapts = "target" in inspect.signature(spec.module.render).parameters
    if page_svg is not None and not adapts and part is None:
        measure = targets.measure_svg(page_svg)
        measure = measure.scaled(targets.fitting_factor(measure, target))
        try:
            targets.check_fit(measure, target, figure_id=spec.id, parts=spec.part_names(data))
        except targets.TooMuchForTarget as refusal:
            return None, str(refusal)
        return measure, None
    try:
        with theme_context(LIGHT, salt=spec.id):
            drawing = spec.draw(data, LIGHT, target=target, part=part)
            fitted = export.fit(drawing, target, figure_id=spec.id, parts=spec.part_names(data))
            if isinstance(fitted, graphviz.Digraph):
                measure = targets.measure_svg(export.graph_bytes(fitted, "svg",
                                              options=export.ExportOptions()))  # fmt: skip
            else:
                measure = targets.measure_figure(fitted)
    except targets.TooMuchForTarget as refusal:
        return None, str(refusal)
    return measure, None


def slide_layouts(spec: FigureSpec, data: Any, overrides: Mapping[str, Any], page_svg):
    """For the gallery: each slide layout's size and smallest text and its command, or,
    for a figure with too much for the slide, each part's (or that it is not laid out
    for it yet)."""
    found = []
    for name, target in targets.SLIDES.items():
        options = export.ExportOptions(slide=name)
        measure, refusal = _slide_layout(spec, data, target, page_svg)
        entry: dict[str, Any] = {"layout": name, "command": command_for(spec.id, overrides,
                                 options=options)}  # fmt: skip
        if measure is not None:
            entry.update(size_in=_size(measure), min_text_pt=round(measure.min_text, 1))
        else:
            entry["refused"] = refusal
            entry["parts"] = []
            for part in spec.part_names(data):
                part_measure, _ = _slide_layout(spec, data, target, None, part)
                part_options = dataclasses.replace(options, part=part)
                entry["parts"].append({
                    "part": part,
                    "fits": part_measure is not None,
                    "size_in": _size(part_measure) if part_measure else None,
                    "command": command_for(spec.id, overrides, options=part_options),
                })  # fmt: skip
        found.append(entry)
    return found


def _size(measure) -> dict[str, float]:
    return {"width": round(measure.width, 2), "height": round(measure.height, 2)}


def _transparent_png(options: export.ExportOptions) -> export.ExportOptions:
    return dataclasses.replace(options, formats=("png",), transparent=True)


def metadata_json(
    spec: FigureSpec,
    data: Any,
    overrides: Mapping[str, Any],
    *,
    command: str | None = None,
    size: tuple[float, float] | None = None,
    extras: Mapping[str, Any] | None = None,
) -> bytes:
    """What the site and a lecturer need to reuse a figure, as JSON.

    Title, caption and alt text; ``parameters``, the values drawn; ``parameter_ranges``,
    each parameter's default and what it may be (:meth:`FigureSpec.parameters`, in
    words), in the figure's order; ``size_in``, the
    width and height in inches of the files written (their natural size unless
    ``--width`` scaled them); ``command``, what reproduces them (:func:`command_for`);
    and ``extras``, more files of the same render (the build's transparent dark PNG, and
    the place for slide layouts: ``slides``), each with the command that writes it, and
    ``linked``, a linked figure's elements (:meth:`diagram_gen.linked.Links.as_json`).
    """
    meta = {
        "id": spec.id,
        "title": spec.title,
        "caption": spec.caption(data),
        "alt": spec.alt(data),
        "parameters": spec.resolve(overrides),
        # In the figure's own order (a list: the keys of this JSON are sorted).
        "parameter_ranges": [
            {"name": name, "default": default, "allowed": _allowed(spec, name)}
            for name, default in spec.defaults.items()
        ],
        "command": command or command_for(spec.id, overrides),
    }
    if size is not None:
        meta["size_in"] = {"width": round(size[0], 2), "height": round(size[1], 2)}
    meta.update(extras or {})
    return (json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _allowed(spec: FigureSpec, name: str) -> str:
    param = spec.parameters.get(name)
    return param.describe() if param is not None else "any value"
