"""The lecture as a slide deck: PowerPoint and PDF, light or dark, from the registry.

:data:`PLAN` is the lecture: one slide per figure, in the order the site's pages show
them, each with a short title and at most two lines of text whose numbers are computed
from the figure's own data (so ``--set`` changes them with the figure). The speaker notes
come from the registry (:meth:`diagram_gen.registry.FigureSpec.speaker_notes`), like the
captions and alt text.

Every figure is drawn for the 16:9 slide (``diagram-gen render ID --slide 16:9``: the
layout of :mod:`diagram_gen.targets`, text at 12 pt or more). What fits is decided when
the deck is built, from what the slide layout reports: the whole figure if it fits, else
each of its parts on a slide of its own, else the figure is left out with a warning. The
title and the text go above a wide figure or beside a tall one, and the figure is made
smaller only as far as its smallest text stays at 12 pt; where neither leaves room, the
figure is laid out again for the room below the title (the same layout code, a smaller
slide).

The PowerPoint deck holds PNG pictures at twice the slide's resolution (192 dpi), and a
GIF where the figure animates (PowerPoint plays it); the PDF is vector, the figures' own
PDF pages placed on each slide page, and an animation's steps on successive pages. Both
are the same bytes on every build: fixed dates, revision and ids in the PowerPoint
package and its zip entries, no dates and a content-derived id in the PDF.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import json
import pickle
import textwrap
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from diagram_gen import animate, deps, export, registry, targets
from diagram_gen.layers import one_sentence
from diagram_gen.site_data import count, spoken_list
from diagram_gen.style import THEMES, Theme, theme_context

#: The slide every figure is laid out for.
SLIDE = targets.SLIDES["16:9"]
#: PowerPoint's own 16:9 size, in EMU (914,400 per inch): 13.333 x 7.5 in.
SLIDE_EMU = (12_192_000, 6_858_000)
EMU_PER_INCH = 914_400
#: PowerPoint pictures: twice the slide's resolution (a 13.333 in slide is 1280 px at 96).
PNG_DPI = 192
#: The animated GIFs' frames: the slide at 1280 x 720 px.
GIF_DPI = 96
TITLE_PT = 26.0
SIDE_TITLE_PT = 22.0  # in the column beside a tall figure
TITLE_SIZES = (TITLE_PT, SIDE_TITLE_PT)
TEXT_PT = 18.0
MARGIN = 0.3  # inches around the slide's edge
SIDE_COLUMN = 2.7  # inches: the title and text beside a tall figure, at least
#: A fixed date for the PowerPoint package's core properties (the PDF has no dates).
FIXED_DATETIME = datetime.datetime(2000, 1, 1, 0, 0, 0)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
DECK_TITLE = "Convolution is a constrained fully connected layer"


# --- The lecture ------------------------------------------------------------------------


def _fc_matrix(data: Any) -> str:
    n_out, n_in = data.layer.weights.shape
    return (
        f"{n_in} inputs, {n_out} outputs: {count(n_in * n_out)} weights and "
        f"{count(data.layer.bias.size)} biases, every input feeds every output."
    )


def _conv_sliding(data: Any) -> str:
    out = data.example.output()
    if out.size == 1:
        return f"1 placement of the kernel gives {spoken_list(out.ravel())}."
    return f"{count(out.size)} placements of one kernel give {spoken_list(out.ravel())}."


def _edges(data: Any) -> str:
    trainable = int((data.index >= 0).sum())
    kernel = data.example.kernel.size
    return f"Only {count(trainable)} edges, and they carry just {count(kernel)} weights."


def _conv_matrix(data: Any) -> str:
    rows, cols = data.index.shape
    zeros = int((data.index < 0).sum())
    return (
        f"A {rows} by {cols} matrix: {count(zeros)} of its {count(rows * cols)} entries "
        f"are zeros that stay zero,\nthe other {count(rows * cols - zeros)} hold "
        f"{count(data.example.kernel.size)} shared weights."
    )


def _dense_graph(data: Any) -> str:
    rows, cols = data.index.shape
    zeros = int((data.index < 0).sum())
    return f"All {count(rows * cols)} edges of a dense layer; {count(zeros)} of them are zero."


def _weight_sharing(data: Any) -> str:
    n_out, n_in = data.index.shape
    k = data.kernel.size
    return (
        f"Parameters: fully connected {count(n_in * n_out)}, locally connected "
        f"{count(k * n_out)}, convolution {count(k)} (plus biases)."
    )


def _sparse(data: Any) -> str:
    n_out, n_in = data.connected.shape
    who = "The one output" if n_out == 1 else f"Each of the {n_out} outputs"
    return f"{who} sees {data.kernel} of the {n_in} inputs."


def _block_matrix(data: Any) -> str:
    c_out, c_in, *kernel = data.example.kernel.shape
    per = int(np.prod(kernel))
    total = c_out * (c_in * per + 1)
    return (
        f"{c_out} kernels of depth {c_in}: {c_out} × ({c_in} × {per} + 1) = "
        f"{count(total)} parameters."
    )


def _pooling(data: Any) -> str:
    h, w = data.image.shape
    ho, wo = data.max_out.shape
    return (
        f"{h}x{w} input, {data.kernel}x{data.kernel} windows, stride {data.stride}: "
        f"{ho}x{wo} outputs, max or mean."
    )


def _transposed(data: Any) -> str:
    return f"The transpose takes {count(data.y.size)} values back to {count(data.z.size)}."


@dataclass(frozen=True)
class Planned:
    """One slide of the plan: a figure, its short title and its text (from its data)."""

    figure: str
    title: str
    text: Callable[[Any], str] | None = None


#: The lecture, in the order the pages show the figures (home, the fully connected
#: layer, the viewpoints, sparse and shared, the neuron, channels, padding, stride and
#: dilation, transposed, pooling, equivariance, 1D/2D/3D, training, real images, cost).
PLAN: tuple[Planned, ...] = (
    Planned("fc-vs-conv-matrix", "The answer in one picture"),
    Planned("conv-linked", "One placement in three views"),
    Planned("fc-matrix", "A fully connected layer", _fc_matrix),
    Planned("fc-graph", "The same layer as a network"),
    Planned("conv-sliding", "The kernel slides over the image", _conv_sliding),
    Planned("conv-equations", "One equation per output"),
    Planned("conv-network", "A convolution as a network", _edges),
    Planned("conv-matrix", "A convolution as a weight matrix", _conv_matrix),
    Planned("conv-dense-graph", "A convolution as a dense layer", _dense_graph),
    Planned("sparse-connectivity-1d", "Sparse connectivity", _sparse),
    Planned("weight-sharing-1d", "Weight sharing", _weight_sharing),
    Planned("neuron-volume", "A neuron in a CNN"),
    Planned("multichannel-kernel", "A 3D kernel is a stack of 2D kernels"),
    Planned("many-filters", "Many kernels, many feature maps"),
    Planned("multichannel-matrix", "Channels make a block matrix", _block_matrix),
    Planned("connection-table", "LeNet-5's connection table"),
    Planned("grouped-conv", "Grouped and depthwise convolutions"),
    Planned("zero-padding-same", "Zero padding keeps the size"),
    Planned("stride-dilation", "Stride and dilation"),
    Planned("receptive-field-growth", "The receptive field grows with depth"),
    Planned("padding-modes", "Padding modes"),
    Planned("transposed-matrix", "Transposed convolution: the transposed matrix", _transposed),
    Planned("transposed-upsample", "Transposed convolution spreads the kernel"),
    Planned("transposed-direct", "Transposed convolution as a convolution"),
    Planned("pooling", "Max and average pooling", _pooling),
    Planned("avgpool-matrix", "Average pooling is a fixed weight matrix"),
    Planned("equivariance", "Translation equivariance"),
    Planned("conv-1d-2d-3d", "1D, 2D and 3D"),
    Planned("tied-training", "Training shared weights"),
    Planned("real-image-filters", "A photograph through real filters"),
    Planned("param-count", "What it costs: parameters"),
    Planned("cost-measured", "What it costs: time"),
)


# --- Laying out one slide --------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, inches from its top-left corner."""

    x: float
    y: float
    width: float
    height: float


@dataclass
class Slide:
    """One slide as built: its words, its picture and where everything goes."""

    title: str
    lines: list[str]
    notes: str
    figure: str | None = None
    part: str | None = None
    alt: str = ""
    #: "top" (title above the figure), "side" (beside it), or "over-CORNER-ROWS" (the
    #: figure fills the slide; the title, on ROWS rows, is in a top corner it leaves
    #: empty: "over-left-1", "over-right-2").
    layout: str = "top"
    picture: Box | None = None
    png: bytes = b""  # the still (PowerPoint)
    gif: bytes = b""  # the animation (PowerPoint), when the figure animates
    pages: list[bytes] = field(default_factory=list)  # the figure's PDF page(s)
    #: The figure's size (inches) and smallest text (pt) as laid out for the slide; the
    #: picture is that drawing scaled to :attr:`picture`.
    measure: targets.Measure | None = None
    #: What the figure was laid out for: "16:9", or "16:9 below the title".
    laid_out_for: str = "16:9"

    @property
    def smallest_text_pt(self) -> float:
        """The figure's smallest text as shown on the slide."""
        if self.measure is None or self.picture is None:
            return float("inf")
        return self.measure.min_text * self.picture.width / self.measure.width


def _band(lines: int) -> float:
    """Height of the title band (with ``lines`` lines of text) above a wide figure."""
    return MARGIN + TITLE_PT * 1.3 / 72 + lines * TEXT_PT * 1.35 / 72 + 0.1


def _areas(lines: int) -> dict[str, Box]:
    """The room a figure has below its title (``top``) and beside it (``side``)."""
    width, height = SLIDE.width, SLIDE.height
    top = _band(lines)
    side = SIDE_COLUMN + MARGIN
    return {
        "top": Box(0.0, top, width, height - top),
        "side": Box(side, 0.0, width - side, height),
    }


def _placed(measure: targets.Measure, area: Box, layout: str) -> Box:
    """The picture scaled (never enlarged) into ``area``: centred across below the
    title, against the right edge beside it."""
    scale = min(1.0, area.width / measure.width, area.height / measure.height)
    w, h = measure.width * scale, measure.height * scale
    x = area.x + (area.width - w) / 2 if layout == "top" else area.x + area.width - w
    return Box(x, area.y + (area.height - h) / 2, w, h)


def choose_layout(measure: targets.Measure, lines: int) -> tuple[str, Box] | None:
    """Where a figure drawn for the slide goes beside its title: the layout that keeps it
    largest with its text at 12 pt or more; None when neither leaves room."""
    best = None
    for name, area in _areas(lines).items():
        box = _placed(measure, area, name)
        shown = measure.min_text * box.width / measure.width
        if shown + 1e-6 >= SLIDE.min_text and (best is None or box.width > best[1].width):
            best = (name, box)
    return best


def _draw(spec, data, theme: Theme, target, part, step=None):
    """The figure drawn for ``target`` and fitted to it (as ``--slide`` does), and its
    measure; refused with :class:`targets.TooMuchForTarget`."""
    drawing = spec.draw(data, theme, step, target=target, part=part)
    drawing = export.fit(drawing, target, figure_id=spec.id, parts=spec.part_names(data))
    if isinstance(drawing, graphviz.Digraph):
        svg = export.graph_bytes(drawing, "svg", options=export.ExportOptions())
        return drawing, targets.measure_svg(svg)
    return drawing, targets.measure_figure(drawing)


def _bytes(drawing, fmt_: str, *, salt: str, dpi: int = PNG_DPI) -> bytes:
    options = export.ExportOptions(formats=(fmt_,), dpi=dpi)
    return export.drawing_bytes(drawing, fmt_, salt=salt, options=options)


def _close(drawing) -> None:
    if not isinstance(drawing, graphviz.Digraph):
        import matplotlib.pyplot as plt

        plt.close(drawing)


def _room_target(area: Box) -> targets.Target:
    return targets.Target(SLIDE.name, area.width, area.height, SLIDE.min_text,
                          f"{SLIDE.label}, below or beside its title")  # fmt: skip


def _text_width(lines: Sequence[tuple[str, float]]) -> float:
    """A generous estimate of the inches the longest line takes (DejaVu Sans, bold)."""
    return max(len(text) * size * 0.62 / 72 for text, size in lines)


def title_lines(title: str, rows: int) -> list[str]:
    """The title on one row, or on two split at the space nearest its middle."""
    if rows == 1 or " " not in title:
        return [title]
    spaces = [n for n, char in enumerate(title) if char == " "]
    cut = min(spaces, key=lambda n: abs(n - len(title) / 2))
    return [title[:cut], title[cut + 1 :]]


def title_box(title: str, lines: Sequence[str], corner: str = "left", rows: int = 1) -> Box:
    """Where the title (on ``rows`` rows) and the text go on a slide whose figure leaves
    a top corner empty."""
    words = [(row, TITLE_PT) for row in title_lines(title, rows)]
    words += [(line, TEXT_PT) for line in lines]
    width = _text_width(words) + 0.2
    x = MARGIN if corner == "left" else SLIDE.width - MARGIN - width
    extra = (len(words) - len(lines) - 1) * TITLE_PT * 1.3 / 72
    return Box(x, MARGIN * 0.6, width, _band(len(lines)) - MARGIN * 0.6 + extra)


#: Where a title may go over a figure that fills the slide: corner and rows.
OVER_PLACES = (("left", 1), ("right", 1), ("left", 2), ("right", 2))


def _clear(pngs: Sequence[bytes], picture: Box, region: Box, background: str) -> bool:
    """Whether every frame is the bare background where ``region`` overlaps ``picture``
    (so that the title can be written there without covering anything)."""
    from PIL import Image, ImageChops

    left, top = max(region.x, picture.x), max(region.y, picture.y)
    right = min(region.x + region.width, picture.x + picture.width)
    bottom = min(region.y + region.height, picture.y + picture.height)
    if right <= left or bottom <= top:
        return True
    for png in pngs:
        image = Image.open(io.BytesIO(png)).convert("RGB")
        per_inch = image.width / picture.width
        crop = image.crop((
            int((left - picture.x) * per_inch), int((top - picture.y) * per_inch),
            int(np.ceil((right - picture.x) * per_inch)),
            int(np.ceil((bottom - picture.y) * per_inch)),
        ))  # fmt: skip
        plain = Image.new("RGB", crop.size, background[:7])
        if max(high for _, high in ImageChops.difference(crop, plain).getextrema()) > 8:
            return False
    return True


def build_unit(
    spec, data, theme: Theme, part: str | None, title: str, lines: list[str], animated: bool
):
    """Lay one figure (or part) out for a slide with its title and render it.

    The figure is drawn for the 16:9 slide; it goes below or beside the title if it can
    keep its text at 12 pt there; else it is laid out again for the room below or beside
    the title; else it fills the slide and the title is written in its top-left corner,
    if the figure leaves that corner empty in every frame. Otherwise
    :class:`targets.TooMuchForTarget` says why.
    """
    salt = f"{spec.id}-{theme.name}"
    steps = spec.steps(data) if animated else [None]
    with theme_context(theme, salt=salt):
        # An animation is measured at its first step (a step adds its own line of text).
        drawing, measure = _draw(spec, data, theme, SLIDE, part, steps[0])
        chosen = choose_layout(measure, len(lines))
        target, laid_out_for = SLIDE, SLIDE.name
        if chosen is None:  # lay it out again for the room the title leaves
            for name, area in _areas(len(lines)).items():
                try:
                    again, again_measure = _draw(
                        spec, data, theme, _room_target(area), part, steps[0]
                    )
                except targets.TooMuchForTarget:
                    continue
                _close(drawing)
                drawing, measure = again, again_measure
                target, laid_out_for = _room_target(area), f"{SLIDE.name} {name} room"
                chosen = (name, _placed(measure, area, name))
                break
        if chosen is None:  # the whole slide, the title in a corner the figure leaves empty
            box = Box(SLIDE.width - measure.width, SLIDE.height - measure.height,
                      measure.width, measure.height)  # fmt: skip
            chosen = ("over", box)
        layout, box = chosen
        png = gif = b""
        pages: list[bytes] = []
        frames = []
        if animated:
            _close(drawing)
            for step in steps:
                frame, _ = _draw(spec, data, theme, target, part, step)
                frames.append(_bytes(frame, "png", salt=salt, dpi=GIF_DPI))
                pages.append(_bytes(frame, "pdf", salt=salt))
                _close(frame)
            gif = _gif(frames, theme)
        else:
            png = _bytes(drawing, "png", salt=salt)
            frames.append(png)
            pages.append(_bytes(drawing, "pdf", salt=salt))
            _close(drawing)
    if layout == "over":
        places = [(corner, rows) for corner, rows in OVER_PLACES
                  if _clear(frames, box, title_box(title, lines, corner, rows),
                            theme.background)]  # fmt: skip
        if not places:
            raise targets.TooMuchForTarget(
                f"{spec.id} fills the slide and leaves no empty top corner for its title"
            )
        layout = "over-{}-{}".format(*places[0])
    return dict(layout=layout, picture=box, png=png, gif=gif, pages=pages, measure=measure,
                laid_out_for=laid_out_for)  # fmt: skip


def _gif(frames: Sequence[bytes], theme: Theme) -> bytes:
    """An endless GIF of the step frames, as ``diagram-gen animate`` writes its GIFs."""
    from PIL import Image

    images = [Image.open(io.BytesIO(png)).convert("RGB") for png in frames]
    palette, transparency = animate._palette_frames(images, theme.background, False)
    return animate._gif(palette, animate._durations(len(palette), animate.DEFAULT_FPS),
                        transparency)  # fmt: skip


def select(figure_ids: Sequence[str]) -> tuple[Planned, ...]:
    """The slides of these figures only, in the deck's order; an id that is not in the
    deck is refused in one sentence."""
    wanted = [figure_id.strip() for figure_id in figure_ids if figure_id.strip()]
    in_deck = [planned.figure for planned in PLAN]
    for figure_id in wanted:
        if figure_id not in in_deck:
            raise ValueError(
                f"{figure_id!r} is not a figure of the deck; they are {', '.join(in_deck)}."
            )
    if not wanted:
        raise ValueError("--only needs at least one figure id.")
    return tuple(planned for planned in PLAN if planned.figure in wanted)


def check_overrides(overrides: Mapping[str, Any], plan: Sequence[Planned] = PLAN) -> None:
    """Refuse, in one sentence, a ``--set`` key that no figure of the deck has."""
    known: set[str] = set()
    for planned in plan:
        known |= set(registry.get(planned.figure).defaults)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(
            f"no figure of the deck has a parameter {unknown[0]!r}; "
            f"they have {', '.join(sorted(known))}."
        )


def figure_overrides(figure_id: str, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The ``--set`` values this figure has a parameter for."""
    own = registry.get(figure_id).defaults
    return {key: value for key, value in overrides.items() if key in own}


def plan_slides(
    theme_name: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    plan: Sequence[Planned] = PLAN,
    warn: Callable[[str], None] | None = None,
    cache: Path | None = None,
) -> list[Slide]:
    """Every slide of the deck, rendered for ``theme_name``: the title slide, then each
    planned figure, whole, by parts, or (with a warning) not at all.

    With ``cache`` (a folder), a figure's slides whose sources, parameters and text did
    not change since the last build are read from there instead of drawn again.
    Raises ``ValueError`` (one sentence) for a bad theme or parameter, before drawing.
    """
    if theme_name not in THEMES:
        raise ValueError(f"theme must be light or dark, got {theme_name!r}.")
    overrides = dict(overrides or {})
    check_overrides(overrides, plan)
    theme = THEMES[theme_name]
    animated_ids = set(animate.animated_ids())
    # Every value is checked before anything is drawn. A figure that refuses the
    # reader's values (a pooling window's kernel is not a convolution's) keeps its own
    # example, with a warning; a value that every figure with that parameter refuses is
    # bad input.
    resolved, accepted, refusals, kept = [], set(), [], []
    for planned in plan:
        spec = registry.get(planned.figure)
        own = figure_overrides(spec.id, overrides)
        try:
            data = spec.data(own)
            accepted |= set(own)
        except ValueError as refusal:
            if not own:
                raise
            refusals.append(refusal)
            kept.append(f"{spec.id} keeps its own example: {one_sentence(refusal)}")
            own = {}
            data = spec.data({})
        resolved.append((planned, spec, data, own))
    if refusals and not set(overrides) <= accepted:
        raise refusals[0]
    for message in kept:
        _warn(warn, message)
    slides = [title_slide(overrides)]
    for planned, spec, data, own in resolved:
        text = planned.text(data) if planned.text else ""
        lines = [line for line in text.split("\n") if line]
        animated = spec.id in animated_ids and spec.steps is not None

        def unit(part, spec=spec, data=data, lines=lines, own=own):
            key = [spec.id, part, theme_name, own, lines]
            return _cached(cache, key, spec.id, lambda: draw_unit(part))

        def draw_unit(part, spec=spec, data=data, lines=lines, animated=animated,
                      planned=planned):  # fmt: skip
            title = planned.title + (" (9/9)" if part else "")  # the longest it becomes
            # With the text, then without it (it goes to the notes): the animation, then
            # the still (each step adds a line of text to the figure, so may not fit).
            # A part is a still: a figure's steps run through all its parts, and a part
            # shows only its own, so most of its frames would change nothing but a line.
            moving = animated and part is None
            tries = [(lines, moving), ([], moving), (lines, False), ([], False)]
            tries = list(dict.fromkeys((tuple(t), a) for t, a in tries))
            for n, (shown, moving) in enumerate(tries):
                try:
                    done = build_unit(spec, data, theme, part, title, list(shown), moving)
                except targets.TooMuchForTarget:
                    if n == len(tries) - 1:
                        raise
                    continue
                return list(shown), done

        try:
            built = [(None, unit(None))]
        except targets.TooMuchForTarget as refusal:
            parts = spec.part_names(data)
            if not parts:
                _warn(warn, f"{spec.id} is left out: {one_sentence(refusal)}")
                continue
            built = []
            for part in parts:
                try:
                    built.append((part, unit(part)))
                except targets.TooMuchForTarget as why:
                    _warn(warn, f"{spec.id}'s part {part} is left out: {one_sentence(why)}")
        for n, (part, (shown, done)) in enumerate(built, 1):
            title = planned.title if part is None else f"{planned.title} ({n}/{len(built)})"
            notes = spec.speaker_notes(data)
            if shown != lines:  # no room for the text on the slide: it opens the notes
                notes = "\n".join(lines) + "\n\n" + notes
            slides.append(Slide(title=title, lines=shown, notes=notes, figure=spec.id,
                                part=part, alt=spec.alt(data), **done))  # fmt: skip
    return slides


def _cached(cache: Path | None, key: list, figure_id: str, draw: Callable[[], Any]):
    """``draw()``'s result (or its refusal), from ``cache`` when the same key and the
    same sources drew it before; stored there otherwise."""
    if cache is None:
        return draw()
    hasher = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode())
    ours = [Path(__file__), Path(animate.__file__), deps.PACKAGE_DIR / "steps.py"]
    for path in [*ours, *deps.task_dependencies(figure_id)]:  # named from the root, so
        name = path.resolve().relative_to(deps.ROOT)  # a copy of the tree hits the cache
        hasher.update(str(name).encode() + b"\0" + path.read_bytes() + b"\0")
    path = cache / f"{figure_id}-{key[2]}-{hasher.hexdigest()[:24]}.pickle"
    if path.is_file():
        result = pickle.loads(path.read_bytes())
    else:
        try:
            result = ("done", draw())
        except targets.TooMuchForTarget as refusal:
            result = ("refused", str(refusal))
        export.write_atomic(path, pickle.dumps(result, protocol=5))
    _USED.add(path)
    if result[0] == "refused":
        raise targets.TooMuchForTarget(result[1])
    return result[1]


#: The cache files this process read or wrote (the others of its theme are stale).
_USED: set[Path] = set()


def prune_cache(cache: Path, theme_name: str) -> None:
    """Remove the cache files of ``theme_name`` that the last build did not use."""
    for path in cache.glob(f"*-{theme_name}-*.pickle"):
        if path not in _USED:
            path.unlink(missing_ok=True)


def _warn(warn: Callable[[str], None] | None, message: str) -> None:
    if warn is not None:
        warn(message)


def title_slide(overrides: Mapping[str, Any]) -> Slide:
    """The opening slide: the lecture's one-sentence answer, and the example's changes."""
    example = (
        "Running example changed: " + ", ".join(f"{k}={v}" for k, v in overrides.items()) + "."
        if overrides
        else "Every figure computed from real weights by diagram-gen."
    )
    notes = (
        "The whole lecture answers one question: how is a convolutional layer related to a "
        "fully connected layer? A convolution is a fully connected layer with two "
        "constraints: sparse connectivity and weight sharing."
    )
    lines = ["A convolution is a fully connected layer with two constraints:",
             "sparse connectivity and weight sharing. " + example]  # fmt: skip
    return Slide(title=DECK_TITLE, lines=lines, notes=notes)


# --- PowerPoint ------------------------------------------------------------------------


def _emu(inches: float) -> int:
    return round(inches * EMU_PER_INCH)


def _rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#")[:6].upper())


def _text_boxes(slide: Slide) -> list[tuple[Box, list[tuple[str, float]]]]:
    """Where the title and the text go, and their lines with their sizes (points)."""
    title = [(slide.title, TITLE_PT)]
    text = [(line, TEXT_PT) for line in slide.lines]
    width = SLIDE.width - 2 * MARGIN
    if slide.picture is None:  # the title slide
        return [(Box(MARGIN, 2.4, width, 1.2), title), (Box(MARGIN, 3.8, width, 1.2), text)]
    if slide.layout.startswith("over-"):
        _, corner, rows = slide.layout.split("-")
        title = [(row, TITLE_PT) for row in title_lines(slide.title, int(rows))]
        return [(title_box(slide.title, slide.lines, corner, int(rows)), title + text)]
    if slide.layout == "side":
        column = slide.picture.x - MARGIN - 0.2
        title = [(slide.title, SIDE_TITLE_PT)]
        return [(Box(MARGIN, MARGIN, column, SLIDE.height - 2 * MARGIN), title + text)]
    band = Box(MARGIN, MARGIN * 0.6, width, _band(len(slide.lines)) - MARGIN * 0.6)
    return [(band, title + text)]


def write_pptx(slides: Sequence[Slide], theme: Theme) -> bytes:
    """The deck as a PowerPoint file, the same bytes on every build."""
    from pptx import Presentation
    from pptx.util import Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_EMU
    blank = deck.slide_layouts[6]
    for slide in slides:
        page = deck.slides.add_slide(blank)
        page.background.fill.solid()
        page.background.fill.fore_color.rgb = _rgb(theme.background)
        for box, lines in _text_boxes(slide):
            shape = page.shapes.add_textbox(_emu(box.x), _emu(box.y), _emu(box.width),
                                            _emu(box.height))  # fmt: skip
            frame = shape.text_frame
            frame.word_wrap = True
            for n, (line, size) in enumerate(lines):
                paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
                run = paragraph.add_run()
                run.text = line
                run.font.size = Pt(size)
                run.font.bold = size in TITLE_SIZES
                run.font.color.rgb = _rgb(theme.foreground)
        if slide.picture is not None:
            box = slide.picture
            image = slide.gif or slide.png
            picture = page.shapes.add_picture(io.BytesIO(image), _emu(box.x), _emu(box.y),
                                              _emu(box.width), _emu(box.height))  # fmt: skip
            picture.name = slide.figure + (f" ({slide.part})" if slide.part else "")
            picture._element.nvPicPr.cNvPr.set("descr", slide.alt)
        page.notes_slide.notes_text_frame.text = slide.notes
    props = deck.core_properties
    props.title = DECK_TITLE
    props.author = props.last_modified_by = "diagram-gen"
    props.created = props.modified = props.last_printed = FIXED_DATETIME
    props.revision = 1
    buffer = io.BytesIO()
    deck.save(buffer)
    return fixed_zip(buffer.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """A zip's entries again, in the same order, with one fixed date and no extras; the
    pictures stored as they are (PNG and GIF are compressed already)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            packed = info.filename.endswith((".png", ".gif", ".jpeg"))
            entry.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------


def _text_pages(slides: Sequence[Slide], theme: Theme) -> bytes:
    """One PDF page per slide and step with its title and text only, on no background
    (matplotlib, fonts embedded once for the whole deck); the figures go under them."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    metadata = {"Producer": None, "Creator": None, "CreationDate": None, "ModDate": None}
    with export.fixed_date(), theme_context(theme, salt="deck"):
        with PdfPages(buffer, metadata=metadata) as document:
            for slide in slides:
                fig = Figure(figsize=(SLIDE.width, SLIDE.height))
                for box, lines in _text_boxes(slide):
                    y = box.y
                    for line, size in lines:
                        chars = max(10, int(box.width * 72 / (size * 0.55)))
                        weight = "bold" if size in TITLE_SIZES else "normal"
                        for piece in textwrap.wrap(line, chars, break_long_words=False) or [""]:
                            top = 1 - (y + size / 72) / SLIDE.height
                            fig.text(box.x / SLIDE.width, top, piece, fontsize=size,
                                     color=theme.foreground, fontweight=weight)  # fmt: skip
                            y += size * 1.3 / 72
                for _ in slide.pages or [b""]:
                    document.savefig(fig, transparent=True)
    return buffer.getvalue()


def _under(writer, page, figure_pdf: bytes | None, box: Box | None, background: str) -> None:
    """Draw the slide's background and its figure's PDF page (a form XObject scaled into
    ``box``) under what ``page`` already shows."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    red, green, blue = (int(background.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    width, height = SLIDE.width * 72, SLIDE.height * 72
    drawn = f"q {red:.4f} {green:.4f} {blue:.4f} rg 0 0 {width:.3f} {height:.3f} re f Q\n"
    # The text pages share one resource dictionary: give this page its own.
    resources = DictionaryObject(page["/Resources"].get_object())
    page[NameObject("/Resources")] = resources
    if figure_pdf:
        figure = PdfReader(io.BytesIO(figure_pdf)).pages[0]
        contents = figure["/Contents"].get_object()
        parts = contents if isinstance(contents, ArrayObject) else [contents]
        form = DecodedStreamObject()
        form.set_data(b"\n".join(part.get_object().get_data() for part in parts))
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): figure.mediabox,
            NameObject("/Resources"): figure["/Resources"].get_object().clone(writer),
        })  # fmt: skip
        scale = box.width * 72 / float(figure.mediabox.width)
        x = box.x * 72  # the top-left corners meet (a step's page may be taller)
        y = height - box.y * 72 - float(figure.mediabox.height) * scale
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/DGFigure")] = writer._add_object(form.flate_encode())
        resources[NameObject("/XObject")] = xobjects
        drawn += f"q {scale:.6f} 0 0 {scale:.6f} {x:.3f} {y:.3f} cm /DGFigure Do Q\n"
    under = DecodedStreamObject()
    under.set_data(drawn.encode())
    existing = page["/Contents"]
    above = (
        list(existing.get_object())
        if isinstance(existing.get_object(), ArrayObject)
        else [existing]
    )
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(under), *above])


def write_pdf(slides: Sequence[Slide], theme: Theme) -> bytes:
    """The deck as one vector PDF: a page per slide, and per step of an animation."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    text = _text_pages(slides, theme)
    hasher = hashlib.sha256(text)
    writer = PdfWriter()
    pages = iter(PdfReader(io.BytesIO(text)).pages)
    for slide in slides:
        for figure_pdf in slide.pages or [b""]:
            hasher.update(figure_pdf)
            page = writer.add_page(next(pages))
            _under(writer, page, figure_pdf, slide.picture, theme.background)
    writer.add_metadata({"/Title": f"{DECK_TITLE} ({theme.name})", "/Producer": "diagram-gen"})
    identifier = ByteStringObject(bytes.fromhex(hasher.hexdigest()[:32]))
    writer._ID = ArrayObject([identifier, identifier])
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- The deck ---------------------------------------------------------------------------


def deck_stem(theme_name: str) -> str:
    return f"convolution-{theme_name}"


def manifest(slides: Sequence[Slide], theme_name: str, overrides, warnings: Sequence[str]):
    """What each slide holds, for the tests and the reader: titles, figures, parts, the
    picture's place and its smallest text as shown, and what was left out."""
    entries = []
    for slide in slides:
        entry: dict[str, Any] = {"title": slide.title, "lines": slide.lines}
        if slide.figure is not None:
            entry.update(
                figure=slide.figure,
                part=slide.part,
                layout=slide.layout,
                laid_out_for=slide.laid_out_for,
                picture_in=dataclasses.asdict(slide.picture),
                figure_in={"width": slide.measure.width, "height": slide.measure.height},
                figure_min_text_pt=slide.measure.min_text,
                shown_min_text_pt=round(slide.smallest_text_pt, 2),
                steps=len(slide.pages) if slide.gif else 0,
            )
        entries.append(entry)
    meta = {"theme": theme_name, "parameters": dict(overrides), "slides": entries,
            "left_out": list(warnings)}  # fmt: skip
    return (json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def build(
    theme_name: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    plan: Sequence[Planned] = PLAN,
    warn: Callable[[str], None] | None = None,
    cache: Path | None = None,
) -> dict[str, bytes]:
    """The deck in one theme, in memory: ``convolution-THEME.pptx``, ``.pdf`` and
    ``.json`` (what each slide holds). Raises ``ValueError`` (one sentence) for bad input
    before anything is drawn."""
    warnings: list[str] = []

    def collect(message: str) -> None:
        warnings.append(message)
        _warn(warn, message)

    slides = plan_slides(theme_name, overrides, plan=plan, warn=collect, cache=cache)
    if cache is not None and tuple(plan) == PLAN:
        prune_cache(cache, theme_name)
    theme = THEMES[theme_name]
    stem = deck_stem(theme_name)
    return {
        f"{stem}.pptx": write_pptx(slides, theme),
        f"{stem}.pdf": write_pdf(slides, theme),
        f"{stem}.json": manifest(slides, theme_name, overrides or {}, warnings),
    }
