"""Animations of a figure's steps: a GIF, an animated PNG and a PDF with a page per step.

Each frame is the figure drawn at one of its steps (:mod:`diagram_gen.steps`), nothing
else: no opening or closing frame; the last step is held :data:`HOLD_LAST` times as long
so that the loop reads as finished before it starts over. All frames are rendered in
memory, padded to one size (top-left aligned, on the theme's background) and reduced to
one shared palette of flat colours without dithering, so the files are small and the
same bytes on every build: Pillow's GIF and APNG writers get fixed parameters (each
later frame stores only the rectangle, and in a GIF only the pixels, that changed), and the
step PDF is joined from single-page PDFs (fonts embedded, fixed dates) with pypdf, its
metadata and document id fixed.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import graphviz
from PIL import Image

from diagram_gen import export, registry, targets
from diagram_gen.style import THEMES, theme_context

FORMATS = ("gif", "apng", "pdf")
#: Frames per second by default: one step a second is slow enough to read each sum.
DEFAULT_FPS = 1.0
FPS_RANGE = (0.1, 10.0)
#: Resolution of the GIF and APNG frames; the step PDF is vector.
FRAME_DPI = targets.FRAME_DPI
#: The last frame stays this many frame times.
HOLD_LAST = 3
#: Colours in the shared palette: the flat colours plus the anti-aliased edges of text.
PALETTE_COLOURS = 32


def file_names(stem: str, theme: str) -> dict[str, str]:
    """Format -> file name: ``conv-sliding-dark.gif``, ``.apng``, ``-steps.pdf``.

    ``stem`` is the figure id, with the parameters that differ from the defaults
    (:func:`diagram_gen.registry.file_stem`); ``theme`` may say ``dark-transparent``.
    """
    return {
        "gif": f"{stem}-{theme}.gif",
        "apng": f"{stem}-{theme}.apng",
        "pdf": f"{stem}-{theme}-steps.pdf",
    }


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """``"gif,pdf"`` -> ``("gif", "pdf")``; anything else refused in one sentence."""
    items = text.split(",") if isinstance(text, str) else list(text)
    formats = tuple(dict.fromkeys(item.strip().lower() for item in items if item.strip()))
    if not formats or any(fmt not in FORMATS for fmt in formats):
        raise ValueError(
            f"animation format must be a comma-separated list of {', '.join(FORMATS)}, "
            f"got {text!r}."
        )
    return formats


def stepped_ids() -> list[str]:
    """The ids of the figures that have steps (``diagram-gen animate`` takes them all)."""
    return [spec.id for spec in registry.FIGURES.values() if spec.steps is not None]


def animated_ids() -> list[str]:
    """The figures whose animation the build makes for the site, in reading order: those
    with steps, but for a module that sets ``BUILD_ANIMATION = False``."""
    return [
        figure_id
        for figure_id in stepped_ids()
        if getattr(registry.get(figure_id).module, "BUILD_ANIMATION", True)
    ]


def figure_steps(figure_id: str, overrides: Mapping[str, Any] | None = None):
    """(spec, data, steps) of a figure with steps; a figure without is refused."""
    spec = registry.get(figure_id)
    if spec.steps is None:
        raise ValueError(
            f"{figure_id} has no steps to animate; the figures with steps are "
            f"{', '.join(stepped_ids())}."
        )
    data = spec.data(dict(overrides or {}))
    return spec, data, spec.steps(data)


def render_animation(
    figure_id: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    themes: Iterable[str] = tuple(THEMES),
    formats: Sequence[str] = FORMATS,
    fps: float = DEFAULT_FPS,
    transparent: bool = False,
    slide: str | None = None,
    part: str | None = None,
) -> dict[str, bytes]:
    """Render the animation of one figure in every requested theme and format, in memory.

    Parameters
    ----------
    figure_id : str
        A registered figure with steps.
    overrides : mapping, optional
        The figure's parameters, as ``diagram-gen render --set``.
    themes : iterable of str
        ``light`` and/or ``dark``.
    formats : sequence of str
        Any of ``gif``, ``apng`` and ``pdf`` (the step PDF).
    fps : float
        Frames (steps) per second, 0.1 to 10.
    transparent : bool
        Make the background transparent (GIF and APNG: the background colour is the
        transparent palette entry; PDF: no background).
    slide : str, optional
        ``16:9`` or ``4:3``: every frame laid out and sized for that slide, its text at
        12 pt or more (:mod:`diagram_gen.targets`); a figure with too much for the slide
        is refused in one sentence.
    part : str, optional
        One of the figure's parts (``FigureSpec.part_names``), animated alone.

    Returns
    -------
    dict of str to bytes
        File name -> bytes (names from :func:`file_names`), plus ``ID-animation.json``
        with the step texts and the alt text the site shows with the animation.

    Raises
    ------
    ValueError
        In one sentence, before anything is drawn: a figure without steps, bad
        parameters, a bad format, theme or fps, or a slide layout.
    """
    target = targets.slide(slide) if slide is not None else None
    formats = parse_formats(formats)
    themes = tuple(themes)
    for name in themes:
        if name not in THEMES:
            raise ValueError(f"theme must be light, dark or light,dark, got {name!r}.")
    if not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise ValueError(f"fps must be between {FPS_RANGE[0]:g} and {FPS_RANGE[1]:g}, got {fps:g}.")
    spec, data, steps = figure_steps(figure_id, overrides)
    spec.check_part(data, part)
    stem = registry.file_stem(figure_id, overrides)
    files: dict[str, bytes] = {}
    for theme_name in themes:
        theme = THEMES[theme_name]
        names = file_names(stem, registry.theme_label(theme_name, transparent=transparent))
        title = f"{spec.title} ({theme_name})"
        want_frames = "gif" in formats or "apng" in formats
        if target is None and part is None and hasattr(spec.module, "step_layers"):
            frames = blitted_frames(spec, data, steps, theme) if want_frames else []
            document = (
                layered_pdf(spec, data, steps, theme, transparent, title=title)
                if "pdf" in formats
                else b""
            )
        else:
            frames, pages = _render_steps(
                spec, data, steps, theme, formats, transparent, target, part
            )
            document = join_pdf(pages, title=title) if pages else b""
        if want_frames:
            images, transparency = _palette_frames(frames, theme.background, transparent)
            durations = _durations(len(images), fps)
            if "gif" in formats:
                files[names["gif"]] = _gif(images, durations, transparency)
            if "apng" in formats:
                files[names["apng"]] = _apng(images, durations, transparency)
        if "pdf" in formats:
            files[names["pdf"]] = document
    command = command_for(figure_id, overrides or {}, themes, formats, fps, transparent)
    files[f"{stem}-animation.json"] = metadata_json(spec, data, steps, fps, command=command)
    return files


def command_for(
    figure_id: str,
    overrides: Mapping[str, Any],
    themes: Sequence[str],
    formats: Sequence[str],
    fps: float,
    transparent: bool,
) -> str:
    """The ``diagram-gen animate`` command that writes these files again, byte for byte."""
    options = export.ExportOptions(transparent=transparent)
    words = [registry.command_for(figure_id, overrides, themes=themes, options=options,
                                  verb="animate")]  # fmt: skip
    if tuple(formats) != FORMATS:
        words.append(f"--format {','.join(formats)}")
    if fps != DEFAULT_FPS:
        words.append(f"--fps {fps:g}" if float(f"{fps:g}") == fps else f"--fps {fps!r}")
    return " ".join(words)


def alt_text(title: str, steps: Sequence[Any]) -> str:
    """What the animation shows, step by step, for its alt text."""
    return (
        f"An animation in {len(steps)} steps, one frame each, of the figure "
        f"“{title}”: " + "; ".join(step.text for step in steps) + "."
    )


def metadata_json(
    spec: Any, data: Any, steps: Sequence[Any], fps: float, *, command: str | None = None
) -> bytes:
    """The animation's title, alt text and step texts, for the site, and the command
    that writes it again."""
    meta = {
        "id": spec.id,
        "title": spec.title,
        "alt": alt_text(spec.title, steps),
        "steps": [step.text for step in steps],
        "fps": fps,
        "command": command or registry.command_for(spec.id, {}, verb="animate"),
    }
    return (json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def blitted_frames(spec, data, steps, theme) -> list[Image.Image]:
    """Every step's frame from one drawing, for a figure whose module has
    ``step_layers(data, theme) -> (figure, show)``: the parts no step changes are drawn
    once, and each frame redraws only the artists ``show(step)`` returns (matplotlib's
    blitting). The frames are the pixels ``render(data, theme, step)`` draws (tested)."""
    with theme_context(theme, salt=f"{spec.id}-{theme.name}"):
        fig, show = spec.module.step_layers(data, theme)
        fig.set_dpi(FRAME_DPI)
        for artist in show(steps[0]):
            artist.set_animated(True)
        canvas = fig.canvas
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
        frames = []
        for step in steps:
            canvas.restore_region(background)
            for artist in show(step):
                fig.draw_artist(artist)
            size = canvas.get_width_height()
            frames.append(
                Image.frombuffer("RGBA", size, bytes(canvas.buffer_rgba())).convert("RGB")
            )
    return frames


def layered_pdf(spec, data, steps, theme, transparent: bool, *, title: str) -> bytes:
    """The step PDF of a figure with ``step_layers``: one drawing, a page per step, in
    one document (fonts embedded once, fixed dates, the same bytes every build)."""
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    metadata = {"Title": title, "Producer": "diagram-gen", "Creator": None,
                "CreationDate": None, "ModDate": None}  # fmt: skip
    with export.fixed_date(), theme_context(theme, salt=f"{spec.id}-{theme.name}"):
        fig, show = spec.module.step_layers(data, theme)
        with PdfPages(buffer, metadata=metadata) as document:
            for step in steps:
                show(step)
                document.savefig(fig, transparent=transparent)
    return buffer.getvalue()


def _render_steps(spec, data, steps, theme, formats, transparent, target=None, part=None):
    """PNG frames (RGB images) and single-page PDFs of every step, for ``target``."""
    want_frames = "gif" in formats or "apng" in formats
    frames: list[Image.Image] = []
    frame_options = export.ExportOptions(formats=("png",), dpi=FRAME_DPI)
    pdf_options = export.ExportOptions(formats=("pdf",), transparent=transparent)
    pages: list[bytes] = []
    salt = f"{spec.id}-{theme.name}"
    for step in steps:
        with theme_context(theme, salt=salt):
            drawing = spec.draw(data, theme, step, target=target, part=part)
            drawing = export.fit(drawing, target, figure_id=spec.id, parts=spec.part_names(data))
            if isinstance(drawing, graphviz.Digraph):
                png = (
                    export.graph_bytes(drawing, "png", options=frame_options)
                    if want_frames
                    else b""
                )
                pdf = (
                    export.graph_bytes(drawing, "pdf", options=pdf_options)
                    if "pdf" in formats
                    else b""
                )
            else:
                png = (
                    export.figure_bytes(drawing, "png", salt=salt, options=frame_options)
                    if want_frames
                    else b""
                )
                pdf = (
                    export.figure_bytes(drawing, "pdf", salt=salt, options=pdf_options)
                    if "pdf" in formats
                    else b""
                )
        if want_frames:
            frames.append(Image.open(io.BytesIO(png)).convert("RGB"))
        if pdf:
            pages.append(pdf)
    return frames, pages


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _palette_frames(
    frames: Sequence[Image.Image], background: str, transparent: bool
) -> tuple[list[Image.Image], int | None]:
    """Frames padded to one size and mapped, without dithering, onto one shared palette.

    Returns the palette images and, with ``transparent``, the palette index of the
    background colour (None otherwise).
    """
    width = max(frame.width for frame in frames)
    height = max(frame.height for frame in frames)
    bg = _hex_rgb(background)
    padded = []
    for frame in frames:
        canvas = Image.new("RGB", (width, height), bg)
        canvas.paste(frame, (0, 0))
        padded.append(canvas)
    # One palette from every frame at once (stacked), so that colours never flicker.
    sheet = Image.new("RGB", (width, height * len(padded)))
    for n, frame in enumerate(padded):
        sheet.paste(frame, (0, n * height))
    palette = sheet.quantize(
        colors=PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    images = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in padded]
    transparency = None
    if transparent:
        # The palette entry nearest the background: every background pixel maps to it.
        probe = Image.new("RGB", (1, 1), bg).quantize(palette=palette, dither=Image.Dither.NONE)
        transparency = probe.getpixel((0, 0))
    return images, transparency


def _durations(count: int, fps: float) -> list[int]:
    """Milliseconds per frame; the last one held longer."""
    frame = round(1000 / fps)
    return [frame] * (count - 1) + [frame * HOLD_LAST]


def _gif(images: list[Image.Image], durations: list[int], transparency: int | None) -> bytes:
    """An endless GIF loop. Opaque: each frame after the first stores only what changed
    (Pillow's optimize marks unchanged pixels transparent over the kept previous frame).
    Transparent: whole frames, each replacing the last (disposal 2)."""
    buffer = io.BytesIO()
    options: dict[str, Any] = {"disposal": 1, "optimize": True}
    if transparency is not None:
        options = {"disposal": 2, "optimize": False, "transparency": transparency}
    images[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        **options,
    )
    return buffer.getvalue()


def _apng(images: list[Image.Image], durations: list[int], transparency: int | None) -> bytes:
    """An endless APNG loop; Pillow stores each later frame's changed rectangle only."""
    buffer = io.BytesIO()
    options: dict[str, Any] = {}
    if transparency is not None:
        options["transparency"] = transparency
    frames = images
    frames[0].save(
        buffer,
        format="PNG",
        save_all=True,
        append_images=frames[1:],
        duration=durations,
        loop=0,
        disposal=0,
        blend=0,
        default_image=False,
        optimize=False,
        compress_level=9,
        **options,
    )
    return buffer.getvalue()


def join_pdf(pages: Sequence[bytes], *, title: str) -> bytes:
    """One PDF with the pages of ``pages`` in order: fixed metadata and document id."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in pages:
        for pdf_page in PdfReader(io.BytesIO(page)).pages:
            writer.add_page(pdf_page)
    # No dates at all (like the still figures' PDFs): nothing that changes with the clock.
    writer.add_metadata({"/Title": title, "/Producer": "diagram-gen"})
    # The document id from the content, so that it is the same bytes on every build.
    digest = hashlib.sha256(b"".join(pages)).hexdigest()[:32]
    from pypdf.generic import ArrayObject, ByteStringObject

    identifier = ByteStringObject(bytes.fromhex(digest))
    writer._ID = ArrayObject([identifier, identifier])
    # Pages drawn alike embed the same font programs: keep one copy of each.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
