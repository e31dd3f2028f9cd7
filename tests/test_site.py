"""The built site: figures embedded with alt text in both themes, nothing orphaned,
nothing loaded from another host. The site is built with `make site` (a no-op when it is
up to date, as it is under `make test`)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from diagram_gen import export, registry
from diagram_gen.style import THEMES

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
FIGURES = ROOT / "docs" / "generated" / "figures"


class Collector(HTMLParser):
    """Every tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def parse(path: Path) -> list[tuple[str, dict[str, str]]]:
    collector = Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector.tags


@pytest.fixture(scope="module")
def site() -> Path:
    subprocess.run(
        ["make", "--no-print-directory", "site"], cwd=ROOT, check=True, capture_output=True
    )
    return SITE


@pytest.fixture(scope="module")
def pages(site) -> dict[Path, list[tuple[str, dict[str, str]]]]:
    return {path: parse(path) for path in sorted(site.rglob("*.html"))}


def images(pages):
    for path, tags in pages.items():
        for tag, attrs in tags:
            if tag == "img":
                yield path, attrs


def test_every_image_resolves_and_has_alt_text(pages):
    # Proves no page shows a broken image or an image without a description.
    found = 0
    for path, attrs in images(pages):
        src = urlsplit(attrs["src"])
        assert not src.scheme and not src.netloc, attrs["src"]
        assert (path.parent / src.path).resolve().is_file(), (path, attrs["src"])
        assert attrs.get("alt", "").strip(), (path, attrs["src"])
        found += 1
    assert found >= 2 * len(registry.FIGURES)


def test_figures_come_in_both_themes_with_registry_alt_text(pages):
    # Proves each figure on a page is a light and a dark SVG marked for mkdocs-material's
    # palette switch, with the alt text the registry computed for it.
    shown: dict[str, set[str]] = {}
    for _, attrs in images(pages):
        src = urlsplit(attrs["src"])
        name = Path(src.path).name
        for figure_id in registry.FIGURES:
            for theme in THEMES:
                if name == export.file_name(figure_id, theme, "svg"):
                    assert src.fragment == f"only-{theme}"
                    meta = json.loads((FIGURES / f"{figure_id}.json").read_text())
                    assert attrs["alt"] == meta["alt"]
                    shown.setdefault(figure_id, set()).add(theme)
    assert shown == {figure_id: set(THEMES) for figure_id in registry.FIGURES}


def test_captions_are_numbered_in_page_order(site):
    # Proves each figure gets a numbered caption with the registry's text, numbered in
    # the order the page source names the figures.
    import re

    source = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    order = re.findall(r'\{\{ figure\("([a-z0-9-]+)"\) \}\}', source)
    assert len(order) >= 2
    html = (site / "index.html").read_text(encoding="utf-8")
    for number, figure_id in enumerate(order, start=1):
        meta = json.loads((FIGURES / f"{figure_id}.json").read_text())
        assert f"<strong>Figure {number}.</strong> {meta['caption']}" in html


def test_nothing_is_loaded_from_another_host(pages):
    # Proves the markup asks no other host for a script, stylesheet, font or image (the
    # browser test of a later issue watches the real requests too).
    for path, tags in pages.items():
        for tag, attrs in tags:
            url = attrs.get("src") if tag in {"script", "img", "iframe"} else None
            if tag == "link" and attrs.get("rel") not in {"canonical"}:
                url = attrs.get("href")
            if url:
                parts = urlsplit(url)
                assert not parts.netloc and parts.scheme in {"", "data"}, (path, tag, url)


def test_no_orphaned_figures(site, pages):
    # Proves every file in the generated figure folder belongs to a registered figure and
    # every registered figure is shown on some page.
    expected = {f"{fid}.json" for fid in registry.FIGURES} | {
        export.file_name(fid, theme, fmt)
        for fid in registry.FIGURES
        for theme in THEMES
        for fmt in export.FORMATS
    }
    assert {p.name for p in FIGURES.iterdir()} == expected
    used = {Path(urlsplit(a["src"]).path).name for _, a in images(pages)}
    for figure_id in registry.FIGURES:
        assert export.file_name(figure_id, "light", "svg") in used, figure_id


def load_hook():
    spec = importlib.util.spec_from_file_location("figures_hook", ROOT / "hooks/figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hook_fails_the_build_for_a_figure_that_was_not_built():
    # Proves a page that names an unknown or unbuilt figure stops the build.
    from mkdocs.exceptions import PluginError

    hook = load_hook()
    page = SimpleNamespace(file=SimpleNamespace(src_uri="index.md"))
    config = {"docs_dir": str(ROOT / "docs")}
    with pytest.raises(PluginError, match="no-such-figure"):
        hook.on_page_markdown('{{ figure("no-such-figure") }}', page, config, None)


def test_hook_links_relative_to_nested_pages():
    # Proves a page in a sub-folder gets image paths that climb back to the figures.
    hook = load_hook()
    page = SimpleNamespace(file=SimpleNamespace(src_uri="guide/page.md"))
    config = {"docs_dir": str(ROOT / "docs")}
    out = hook.on_page_markdown('{{ figure("fc-matrix") }}', page, config, None)
    assert "(../generated/figures/fc-matrix-light.svg#only-light)" in out
