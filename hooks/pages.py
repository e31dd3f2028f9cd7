"""MkDocs hook: turn the page macros into figures, numbers and math, from built files only.

In a page's Markdown:

- ``{{ figure("conv-matrix") }}`` becomes a numbered figure: a light and a dark image
  (``#only-light`` / ``#only-dark``, so mkdocs-material shows the one matching the reader's
  palette) with the caption and alt text the registry wrote to
  ``docs/generated/figures/<id>.json``;
- ``{{ n("small.outputs") }}`` becomes a number from ``docs/generated/numbers.json``;
- ``{{ animation("conv-linked") }}`` becomes the figure's animation (APNG), light or dark,
  with a pause button (WCAG 2.2.2) and a link to its step PDF; a reader who prefers
  reduced motion gets the still PNG instead (``<picture>`` with a
  ``prefers-reduced-motion`` source, so no script is needed for that). The alt text
  writes out every step, from ``docs/generated/figures/<id>-animation.json``;
- a figure that the build wrote with ``linked`` elements (its ``links``, see
  :mod:`diagram_gen.linked`), shown by ``figure`` or ``animation``, becomes an inline
  linked view instead: its SVG in both themes, with the elements' ``data-dg-*``
  attributes, inside a ``.dg-linked`` element of its example's group, with step controls
  where it has steps (``docs/assets/linked.js``); an animation keeps its downloads;
- ``{{ gallery() }}`` becomes every figure of ``docs/generated/figures.json`` with its
  parameters and their ranges, its natural size, its downloads and the commands that
  render them;
- ``{{ arithmetic_set() }}`` becomes every preset of ``diagram_gen/presets.py`` (the
  convolution arithmetic guide's cases), animated, with its downloads and its command;
- ``{{ install() }}`` becomes how to install ``diagram-gen`` from a clone, with a link
  to the repository when mkdocs.yml sets ``repo_url``.

Math written as ``$...$`` or ``$$...$$`` (pymdownx.arithmatex, generic mode) becomes
MathML here, at build time: no script and no font is loaded from anywhere. The scripts
that mkdocs-jupyter's template loads from CDNs (MathJax, mermaid) are removed.
Anything missing (a figure that was not built, an unknown number) fails the build.

Notebooks are executed by mkdocs-jupyter, whose cache is keyed by the notebook's own
content; :func:`on_config` adds the package files the notebook imports to that key (as
the cache folder's name), so a notebook runs again exactly when it or its code changed.
Under ``make serve`` (``DIAGRAM_GEN_SERVE`` set) every rebuild first runs ``make
figures``, so that editing a figure module re-renders that figure before the reload.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import html
import json
import os
import posixpath
import re
import subprocess
from pathlib import Path

from latex2mathml.converter import convert as tex_to_mathml
from mkdocs.exceptions import PluginError
from PIL import Image

from diagram_gen import linked, targets

GENERATED = "generated"
FIGURE_DIR = f"{GENERATED}/figures"
THEMES = ("light", "dark")
FORMATS = ("svg", "pdf", "png")

MACRO = re.compile(r"""\{\{\s*(figure|n|gallery|animation|install|arithmetic_set)"""
                   r"""\(\s*(?:["']([^"']+)["'])?\s*\)\s*\}\}""")  # fmt: skip
# Inline math with the punctuation right after it, which must not wrap onto a new line.
INLINE_MATH = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>([.,;:!?)]*)', re.S)
BLOCK_MATH = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)
# What nbconvert's notebook template loads from CDNs: MathJax, and a module script that
# imports mermaid.js from a CDN when a notebook has mermaid diagrams (ours have none).
NOTEBOOK_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->",
                              re.S)  # fmt: skip
CDN_MODULE_SCRIPT = re.compile(r'<script type="module">(?:(?!</script>).)*?https://cdn'
                               r"(?:(?!</script>).)*</script>", re.S)  # fmt: skip


def on_config(config):
    """Key the notebook cache by the package code the notebooks import."""
    from diagram_gen import deps

    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config.get("cache"):
        return config
    docs_dir = Path(config["docs_dir"])
    hasher = hashlib.sha256()
    for path in deps.notebook_dependencies(sorted(docs_dir.rglob("*.ipynb"))):
        hasher.update(path.read_bytes())
    hasher.update((deps.ROOT / "constraints.txt").read_bytes())
    folder = Path(plugin.config["cache_dir"]) / hasher.hexdigest()[:16]
    plugin.config["cache_dir"] = str(folder)
    return config


def on_pre_build(config):
    """Under ``make serve``: bring the figures up to date before each rebuild."""
    if not os.environ.get("DIAGRAM_GEN_SERVE"):
        return
    root = Path(config["config_file_path"]).parent
    command = ["make", "--no-print-directory", "-s", "figures"]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PluginError(f"make figures failed: {result.stderr.strip()}")


def _read_json(docs_dir: Path, relative: str, page_name: str) -> object:
    path = docs_dir / relative
    if not path.is_file():
        raise PluginError(
            f"{page_name} needs {path}, which has not been built: run `make` (is the id "
            f"registered?)."
        )
    return json.loads(path.read_text(encoding="utf-8"))


def on_page_markdown(markdown, page, config, files):
    docs_dir = Path(config["docs_dir"])
    _FIGURE_FILES[0] = docs_dir / FIGURE_DIR
    name = page.file.src_uri
    folder = posixpath.relpath(FIGURE_DIR, posixpath.dirname(name) or ".")
    counter = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal counter
        macro, argument = match.group(1), match.group(2)
        if macro == "figure":
            counter += 1
            meta = _read_json(docs_dir, f"{FIGURE_DIR}/{argument}.json", name)
            if "linked" in meta:
                return linked_html(meta, docs_dir, _url_folder(page), number=counter)
            return figure_markdown(meta, folder, number=counter)
        if macro == "animation":
            counter += 1
            meta = _read_json(docs_dir, f"{FIGURE_DIR}/{argument}.json", name)
            if "linked" in meta:
                downloads = animation_downloads(_url_folder(page), argument, markdown=False)
                return linked_html(
                    meta, docs_dir, _url_folder(page), number=counter, downloads=downloads
                )
            motion = _read_json(docs_dir, f"{FIGURE_DIR}/{argument}-animation.json", name)
            for theme in THEMES:
                for suffix in (".apng", "-steps.pdf", ".png"):
                    if not (docs_dir / FIGURE_DIR / f"{argument}-{theme}{suffix}").is_file():
                        raise PluginError(f"{name} needs {argument}-{theme}{suffix}, which has "
                                          f"not been built: run `make`.")  # fmt: skip
            return animation_html(meta, motion, _url_folder(page), number=counter)
        if macro == "n":
            numbers = _read_json(docs_dir, f"{GENERATED}/numbers.json", name)
            if argument not in numbers:
                raise PluginError(f"{name} quotes the number {argument!r}, which is not "
                                  f"computed in diagram_gen/site_data.py.")  # fmt: skip
            return numbers[argument]
        if macro == "arithmetic_set":
            return arithmetic_set(docs_dir, name, folder, _url_folder(page))
        if macro == "install":
            return install_markdown(config.get("repo_url"))
        manifest = _read_json(docs_dir, f"{GENERATED}/figures.json", name)
        entries = []
        for item in manifest:
            motion_file = f"{FIGURE_DIR}/{item['id']}-animation.json"
            motion = None
            if (docs_dir / motion_file).is_file():
                motion = _read_json(docs_dir, motion_file, name)
            meta = _read_json(docs_dir, f"{FIGURE_DIR}/{item['id']}.json", name)
            entries.append(gallery_entry(meta, folder, animated=motion is not None, motion=motion))
        return "\n\n".join(entries)

    return MACRO.sub(replace, markdown)


#: On a phone, a figure is shown at least this wide (CSS px) relative to its smallest text:
#: the width at which that text is this many CSS px. The goal is 10 (issue 11).
PHONE_TEXT_PX = 10.5
#: The phone's column (390 px screen less the page margins), in CSS px.
PHONE_COLUMN_PX = targets.PHONE.width * targets.CSS_PX_PER_INCH


#: Where the built figures are (set per page build), to measure them for the phone.
_FIGURE_FILES: list[Path] = [Path("docs") / FIGURE_DIR]


def figure_measure(figure_id: str):
    """The light SVG's size and smallest text (:func:`diagram_gen.targets.measure_svg`),
    or None when it has not been built."""
    path = _FIGURE_FILES[0] / f"{figure_id}-light.svg"
    if not path.is_file():
        return None
    return _measure(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _measure(path: Path, mtime: int):
    return targets.measure_svg(path.read_bytes())


def phone_width_px(measure) -> float:
    """How wide (CSS px) a figure is shown on a phone so its smallest text reads at
    :data:`PHONE_TEXT_PX`: wider than the phone's column means it scrolls sideways."""
    natural = measure.width * targets.CSS_PX_PER_INCH
    smallest = measure.min_text * targets.CSS_PX_PER_INCH / targets.POINTS_PER_INCH
    return natural * PHONE_TEXT_PX / smallest


def phone_frame(meta: dict, *, markdown: bool) -> tuple[str, str]:
    """The frame around a figure's images and the hint under it (empty for a figure that
    reads in a phone's column as it is): a wide figure keeps, on a phone, the width at
    which its smallest text is legible and scrolls sideways in the frame."""
    span = ' markdown="span"' if markdown else ""
    measure = figure_measure(meta["id"])
    if measure is not None and not markdown:
        # An animation's frames are as wide as its widest step (its text included): the
        # still's smallest text sits in that wider frame.
        frame = _FIGURE_FILES[0] / f"{meta['id']}-light.apng"
        if frame.is_file():
            with Image.open(frame) as image:
                inches = image.width / targets.FRAME_DPI
            measure = dataclasses.replace(measure, width=max(measure.width, inches))
    if measure is None or phone_width_px(measure) <= PHONE_COLUMN_PX:
        return f'<div class="dg-frame"{span}>', ""
    width = round(phone_width_px(measure))
    label = html.escape(f"{meta['title']}: scrolls sideways", quote=True)
    frame = (
        f'<div class="dg-frame dg-wide" style="--dg-phone-width: {width}px" tabindex="0" '
        f'role="group" aria-label="{label}"{span}>'
    )
    hint = (
        '<p class="dg-scroll-hint" aria-hidden="true">Scroll sideways for the whole figure'
        + (", or tap it to enlarge" if markdown else "")
        + ".</p>\n"
    )
    return frame, hint


def figure_markdown(meta: dict, folder: str, *, number: int | None = None) -> str:
    """Markdown images inside an HTML figure (md_in_html), so that MkDocs rewrites and
    validates their links like any other image on the page.

    Each image opens full screen and zoomable on a tap or click (glightbox, from the
    site's own files); on a phone, a wide figure scrolls sideways at a legible size
    (:func:`phone_frame`).
    """
    alt = escape_markdown(meta["alt"])
    images = "\n".join(
        f"  ![{alt}]({folder}/{meta['id']}-{theme}.svg#only-{theme}){{ loading=lazy .on-glb }}"
        for theme in THEMES
    )
    label = f"<strong>Figure {number}.</strong> " if number is not None else ""
    caption = html.escape(meta["caption"])
    frame, hint = phone_frame(meta, markdown=True)
    return (
        f'<figure class="diagram" id="figure-{meta["id"]}" markdown>\n{frame}\n{images}\n'
        f"</div>\n{hint}"
        f"  <figcaption>{label}{caption}</figcaption>\n"
        f"</figure>"
    )


def linked_html(
    meta: dict, docs_dir: Path, folder: str, *, number: int | None = None, downloads: str = ""
) -> str:
    """A linked figure: its SVG inline in both themes (:func:`diagram_gen.linked.inline_svg`)
    inside a ``.dg-linked`` element of its example's group, step controls under it when
    it has steps (``docs/assets/linked.js`` fills them), a link that opens the figure full
    screen (glightbox), and, for an animation, its downloads."""
    figure_id, links = meta["id"], meta["linked"]
    copies, enlarge = [], []
    for theme in THEMES:
        svg = (docs_dir / FIGURE_DIR / f"{figure_id}-{theme}.svg").read_text(encoding="utf-8")
        view = linked.inline_svg(
            svg, links["elements"], prefix=f"{theme}-{figure_id}-", label=meta["alt"]
        )
        href = f"{folder}/{figure_id}-{theme}.svg"
        copies.append(f'<div class="dg-theme-{theme}" data-dg-src="{href}">{view}</div>')
        enlarge.append(
            f'<a class="glightbox dg-theme-{theme}" data-type="image" data-width="auto" '
            f'data-height="auto" data-gallery="{theme}" href="{href}">Open the figure full '
            f"size</a>"
        )
    steps = links["steps"]
    script = ""
    if steps:
        script = f'<script type="application/json" class="dg-steps">{_json_script(steps)}</script>'
    frame, hint = phone_frame(meta, markdown=False)
    group = html.escape(links["group"], quote=True)
    controls = " data-dg-controls" if steps else ""
    if steps and downloads:
        # It stands where the animation stood: it plays by itself, unless the reader
        # prefers reduced motion (docs/assets/linked.js), and pauses on its button.
        controls += " data-dg-autoplay"
    frame = frame.replace(
        'class="dg-frame', f'data-dg-group="{group}"{controls} class="dg-linked dg-frame', 1
    )
    label = f"<strong>Figure {number}.</strong> " if number is not None else ""
    anchor = "animation" if downloads else "figure"  # the anchor the pages link to
    weighted = any("data-dg-weight" in e for e in links["elements"].values())
    things = "an output, a weight or an input" if weighted else "an output or an input"
    more = " · ".join(filter(None, [" ".join(enlarge), downloads]))
    return (
        f'<figure class="diagram dg-linked-figure" id="{anchor}-{figure_id}" '
        f'data-dg-figure="{figure_id}">\n'
        f"{frame}{''.join(copies)}{script}</div>\n{hint}"
        f'<p class="dg-linked-more">{more}</p>\n'
        f"<figcaption>{label}{html.escape(meta['caption'])} Point at {things} to see it "
        f"in every view of this example.</figcaption>\n"
        f"</figure>"
    )


def _json_script(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def gallery_entry(
    meta: dict, folder: str, *, animated: bool = False, motion: dict | None = None
) -> str:
    """One figure of the gallery, for a lecturer: title, both previews, the parameters
    with their defaults and ranges, the natural size, the downloads (the dark PNG without
    a background among them) and the commands that render them again.

    An animated figure also offers its GIF, APNG and step PDF, and the command for them
    (from ``motion``, its ``-animation.json``, when given).
    """
    figure_id = meta["id"]
    downloads = " · ".join(
        f"{theme}: "
        + ", ".join(
            f"[{fmt.upper()}]({folder}/{figure_id}-{theme}.{fmt}){{ download }}" for fmt in FORMATS
        )
        for theme in THEMES
    )
    commands = ["# every file above", meta["command"]]
    clear = meta.get("transparent_dark_png")
    if clear:
        downloads += (
            f", [PNG without a background]({folder}/{clear['file']}){{ download }} for dark slides"
        )
        commands = [
            "# every file above but the PNG without a background",
            meta["command"],
            "# the dark PNG without a background",
            clear["command"],
        ]
    parts = [
        f"## {meta['title']} {{ #{figure_id} }}",
        figure_markdown(meta, folder),
        parameters_table(meta),
        size_line(meta),
        slides_markdown(meta),
        f"Download {downloads}.",
        "```bash\n" + "\n".join(commands) + "\n```",
    ]
    entry = "\n\n".join(part for part in parts if part)
    if not animated:
        return entry
    files = animation_downloads(folder, figure_id)
    if motion and motion.get("command"):
        command = motion["command"]
    else:
        command = meta["command"].replace("diagram-gen render", "diagram-gen animate", 1)
    return f"{entry}\n\nAnimated, step by step: {files}.\n\n```bash\n{command}\n```"


def parameters_table(meta: dict) -> str:
    """The figure's parameters as the registry describes them: name, default, range.

    Each range is :class:`diagram_gen.params.Param`'s own description, written into the
    figure's JSON by the build; nothing here is typed by hand.
    """
    ranges = meta.get("parameter_ranges", [])
    if not ranges:
        return "This figure has no parameters."
    rows = [
        f"| `{item['name']}` | `{_cell(item['default'])}` | {_cell(item['allowed'])} |"
        for item in ranges
    ]
    return "\n".join(
        [
            "| Parameter (`--set`) | Default | Allowed values |",
            "| --- | --- | --- |",
            *rows,
        ]
    )


def _cell(value: object) -> str:
    return html.escape(str(value)).replace("|", "\\|")


CM_PER_INCH = 2.54


def size_line(meta: dict) -> str:
    """``Natural size: 7.2 × 3.1 in (18.3 × 7.9 cm); --width INCHES scales it...``."""
    size = meta.get("size_in")
    if not size:
        return ""
    width, height = size["width"], size["height"]
    return (
        f"Natural size: {width:.2f} × {height:.2f} in ({width * CM_PER_INCH:.1f} × "
        f"{height * CM_PER_INCH:.1f} cm). `--width INCHES` scales it, text included."
    )


def animation_downloads(folder: str, stem: str, *, markdown: bool = True) -> str:
    """An animation's download links (GIF, APNG, step PDF) in each theme, as Markdown
    (or HTML, for raw HTML that MkDocs does not read)."""

    def link(label: str, href: str) -> str:
        if markdown:
            return f"[{label}]({href}){{ download }}"
        return f'<a href="{href}" download>{label}</a>'

    return " · ".join(
        f"{theme}: "
        + ", ".join(
            link(label, f"{folder}/{stem}-{theme}{suffix}") for label, suffix in ANIMATION_FILES
        )
        for theme in THEMES
    )


def slides_markdown(meta: dict) -> str:
    """The figure's slide layouts, as the build measured them (``meta["slides"]``,
    :func:`diagram_gen.registry.slide_layouts`): each layout's size, smallest text and
    command, or, for a figure with too much for one slide, its parts' commands."""
    slides = meta.get("slides") or []
    if not slides:
        return ""
    lines = ["For slides (every text 12 pt or more):", ""]
    for slide in slides:
        layout = slide["layout"]
        if slide.get("size_in"):
            size = slide["size_in"]
            lines.append(
                f"- {layout}: {size['width']:.2f} × {size['height']:.2f} in, smallest text "
                f"{slide['min_text_pt']:g} pt: `{slide['command']}`"
            )
        elif slide.get("parts") and all(part["fits"] for part in slide["parts"]):
            lines.append(f"- {layout}: too much for one slide; one part a slide:")
            lines += [f"    - {part['part']}: `{part['command']}`" for part in slide["parts"]]
        else:
            lines.append(f"- {layout}: not laid out for this slide yet.")
    return "\n".join(lines)


def install_markdown(repo_url: str | None) -> str:
    """How to install ``diagram-gen`` from a clone, as the README says; with a link to the
    repository (and its clone command) when mkdocs.yml sets ``repo_url``."""
    if repo_url:
        folder = posixpath.basename(repo_url.rstrip("/")).removesuffix(".git")
        where = f"From a clone of [the repository]({repo_url}):"
        lines = [f"git clone {repo_url}", f"cd {folder}"]
    else:
        where = "In a clone of the project's repository:"
        lines = []
    lines += [
        "# once: creates .venv with the pinned packages, renders every figure",
        "make figures",
        "# every figure and its parameters",
        ".venv/bin/diagram-gen list",
    ]
    commands = "\n".join(lines)
    return (
        f"{where}\n\n```bash\n{commands}\n```\n\n"
        "The first `make` installs the pinned Python packages into `.venv` (a few minutes). "
        "It needs Python 3.11 or newer, GNU make 4.3 or newer and Graphviz's `dot` "
        "(Debian: `sudo apt-get install graphviz`). Then `.venv/bin/diagram-gen` renders "
        "any figure below: its command is under it."
    )


ANIMATION_FILES = (("GIF", ".gif"), ("APNG", ".apng"), ("step PDF", "-steps.pdf"))


def _url_folder(page) -> str:
    """The figure folder relative to the page's URL (raw HTML is not rewritten by MkDocs)."""
    url_dir = posixpath.dirname(page.url.rstrip("/") + "/") if page.url else ""
    return posixpath.relpath(FIGURE_DIR, url_dir or ".")


def animation_html(meta: dict, motion: dict, folder: str, *, number: int | None = None) -> str:
    """The animation in both themes, each a ``<picture>`` whose reduced-motion source is
    the still PNG, a pause button (docs/assets/a11y.js swaps the still in) and the link
    to the step PDF."""
    figure_id = meta["id"]
    alt = html.escape(motion["alt"], quote=True)
    pictures = []
    for theme in THEMES:
        base = f"{folder}/{figure_id}-{theme}"
        pictures.append(
            f'<picture class="dg-animation-{theme}">'
            f'<source srcset="{base}.png" media="(prefers-reduced-motion: reduce)">'
            f'<img src="{base}.apng#only-{theme}" data-still="{base}.png#only-{theme}" '
            f'data-moving="{base}.apng#only-{theme}" alt="{alt}" class="dg-animated">'
            f"</picture>"
        )
    label = f"<strong>Figure {number}.</strong> " if number is not None else ""
    caption = html.escape(meta["caption"])
    links = " · ".join(
        f'<a href="{folder}/{figure_id}-{theme}-steps.pdf" download>step PDF ({theme})</a>'
        for theme in THEMES
    )
    frame, hint = phone_frame(meta, markdown=False)
    return (
        f'<figure class="diagram dg-animation" id="animation-{figure_id}">\n'
        f"{frame}{''.join(pictures)}</div>\n{hint}"
        f'<div class="dg-animation-controls">'
        f'<button type="button" class="dg-pause md-button" aria-pressed="false" hidden>'
        f"Pause animation</button> "
        f'<span class="dg-steps-link">{len(motion["steps"])} steps, one page each: {links}</span>'
        f"</div>\n"
        f"<figcaption>{label}{caption}</figcaption>\n"
        f"</figure>"
    )


def arithmetic_set(docs_dir: Path, page_name: str, folder: str, url_folder: str) -> str:
    """The presets of ``diagram_gen/presets.py``, case by case: each animation (through
    :func:`animation_html`: its reduced-motion still and pause control), a transposed
    case's two readings side by side with their labels, the downloads and the command."""
    from diagram_gen import presets

    sections = []
    for case, members in presets.cases():
        first = members[0]
        readings = []
        for preset in members:
            prefix = preset.file_prefix
            meta = _read_json(docs_dir, f"{FIGURE_DIR}/{prefix}.json", page_name)
            motion = _read_json(docs_dir, f"{FIGURE_DIR}/{prefix}-animation.json", page_name)
            files = animation_downloads(folder, prefix)
            label = presets.READINGS[preset.reading]
            readings.append(
                f'<div class="dg-preset" markdown="block">\n\n'
                f"**{html.escape(label)}** ({html.escape(meta['figure'])})\n\n"
                f"{animation_html(meta, motion, url_folder)}\n\n"
                f"Download {files}.\n\n```bash\n{preset.command}\n```\n\n</div>"
            )
        body = "\n\n".join(readings)
        if len(members) > 1:
            # Side by side where there is room (an inline style: the stylesheets are shared).
            grid = "display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem"
            body = f'<div class="dg-readings" style="{grid}" markdown="block">\n\n{body}\n\n</div>'
        sections.append(f"### {first.title} {{ #{case} }}\n\n{body}")
    return "\n\n".join(sections)


def escape_markdown(text: str) -> str:
    """Backslash-escape what Markdown would read as syntax inside ``![...]``."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def on_page_content(content, page, config, files):
    """Math to MathML, rendered once at build time."""

    def inline(match: re.Match[str]) -> str:
        math = tex_to_mathml(html.unescape(match.group(1)).strip())
        punctuation = match.group(2)
        if not punctuation:
            return math
        return f'<span class="nowrap">{math}{punctuation}</span>'

    def block(match: re.Match[str]) -> str:
        return tex_to_mathml(html.unescape(match.group(1)).strip(), display="block")

    return INLINE_MATH.sub(inline, BLOCK_MATH.sub(block, content))


def on_post_page(output, page, config):
    """Drop the CDN loaders that notebook pages get from their template."""
    return CDN_MODULE_SCRIPT.sub("", NOTEBOOK_MATHJAX.sub("", output))
