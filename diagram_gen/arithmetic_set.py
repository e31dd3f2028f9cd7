"""The arithmetic set's files: each preset of :mod:`diagram_gen.presets`, animated.

Kept apart from :mod:`diagram_gen.animate` so that the animations of the pages do not
depend on the preset table (the build reads dependencies from the imports).
"""

from __future__ import annotations

import json
from typing import Any

from diagram_gen import export, registry
from diagram_gen.animate import FORMATS, file_names, render_animation
from diagram_gen.style import THEMES


def preset_file_names(preset: Any, theme: str) -> dict[str, str]:
    """Format -> file name of a preset's animation and still: ``preset-SLUG-dark.gif``,
    ``.apng``, ``-steps.pdf``, the still ``.png`` (the reduced-motion fallback) and the
    still ``.svg`` (what the phone layout and the legibility test measure)."""
    names = file_names(preset.file_prefix, theme)
    names["still"] = f"{preset.file_prefix}-{theme}.png"
    names["svg"] = f"{preset.file_prefix}-{theme}.svg"
    return names


def render_preset(slug: str) -> dict[str, bytes]:
    """One preset of :mod:`diagram_gen.presets`, in memory: its animation in every theme
    and format (the bytes ``diagram-gen animate`` writes for the same parameters, under
    the preset's file names), the still PNG of each theme, ``preset-SLUG-animation.json``
    and ``preset-SLUG.json`` (the figure's caption and alt text, the preset's title,
    reading and command)."""
    from diagram_gen import presets

    preset = presets.get(slug)
    files = render_animation(preset.figure, preset.overrides)
    stem = registry.file_stem(preset.figure, preset.overrides)
    stills = registry.render(
        preset.figure, preset.overrides, options=export.ExportOptions(formats=("png", "svg"))
    )
    renamed: dict[str, bytes] = {}
    for theme in THEMES:
        own, theirs = file_names(stem, theme), preset_file_names(preset, theme)
        for fmt in FORMATS:
            renamed[theirs[fmt]] = files[own[fmt]]
        renamed[theirs["still"]] = stills[export.file_name(stem, theme, "png")]
        renamed[theirs["svg"]] = stills[export.file_name(stem, theme, "svg")]
    motion = json.loads(files[f"{stem}-animation.json"])
    motion["id"] = preset.file_prefix
    meta = json.loads(stills[f"{stem}.json"])
    meta.update(
        figure=preset.figure,
        id=preset.file_prefix,
        preset=preset.slug,
        case_title=preset.title,
        reading=preset.reading,
        command=preset.command,
    )
    for name, value in ((f"{preset.file_prefix}-animation.json", motion),
                        (f"{preset.file_prefix}.json", meta)):  # fmt: skip
        text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        renamed[name] = text.encode()
    return renamed
