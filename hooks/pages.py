"""MkDocs hook: ``{{ figure("conv-matrix") }}`` in a page becomes a numbered figure.

The figure's files and its ``<id>.json`` (caption and alt text, written by
``diagram-gen render`` from the registry) are read from ``docs/generated/figures``; the
hook only consumes them. A light and a dark image are emitted as Markdown images, marked
``#only-light`` and ``#only-dark`` so that mkdocs-material shows the one that matches the
reader's palette.
Captions are numbered per page. A figure that was not built fails the build.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

FIGURE_DIR = "generated/figures"
PATTERN = re.compile(r"""\{\{\s*figure\(\s*["']([a-z0-9-]+)["']\s*\)\s*\}\}""")


def on_page_markdown(markdown, page, config, files):
    docs_dir = Path(config["docs_dir"])
    page_dir = posixpath.dirname(page.file.src_uri)
    counter = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal counter
        counter += 1
        figure_id = match.group(1)
        meta_path = docs_dir / FIGURE_DIR / f"{figure_id}.json"
        if not meta_path.is_file():
            raise PluginError(
                f"{page.file.src_uri} shows figure {figure_id!r}, but {meta_path} does not "
                f"exist: render it with `make figures` (is the id registered?)."
            )
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return figure_html(meta, counter, posixpath.relpath(FIGURE_DIR, page_dir or "."))

    return PATTERN.sub(replace, markdown)


def figure_html(meta: dict, number: int, folder: str) -> str:
    """Markdown images inside an HTML figure (md_in_html), so that MkDocs rewrites and
    validates their links like any other image on the page."""
    alt = escape_markdown(meta["alt"])
    images = "\n".join(
        f"  ![{alt}]({folder}/{meta['id']}-{theme}.svg#only-{theme}){{ loading=lazy }}"
        for theme in ("light", "dark")
    )
    caption = html.escape(meta["caption"])
    return (
        f'<figure class="diagram" id="figure-{meta["id"]}" markdown="span">\n{images}\n'
        f"  <figcaption><strong>Figure {number}.</strong> {caption}</figcaption>\n"
        f"</figure>"
    )


def escape_markdown(text: str) -> str:
    """Backslash-escape what Markdown would read as syntax inside ``![...]``."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)
