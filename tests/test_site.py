"""The built site: figures embedded with alt text in both themes, nothing orphaned,
nothing loaded from another host. The site is built with `make site` (a no-op when it is
up to date, as it is under `make test`)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from mkdocs.utils.yaml import yaml_load  # MkDocs's own reader of mkdocs.yml (its !ENV tags)

from diagram_gen import animate, arithmetic_set, deps, export, presets, registry
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
        assert attrs.get("alt", "").strip(), (path, attrs["src"][:80])
        if src.scheme == "data":  # a notebook's output image, embedded in the page
            continue
        assert not src.scheme and not src.netloc, attrs["src"][:80]
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

    source = (ROOT / "docs" / "viewpoints.md").read_text(encoding="utf-8")
    # An animation is a numbered figure too, in the same sequence.
    order = re.findall(r'\{\{ (?:figure|animation)\("([a-z0-9-]+)"\) \}\}', source)
    assert len(order) >= 2
    html = (site / "viewpoints" / "index.html").read_text(encoding="utf-8")
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
    # The dark PNG without a background that the build adds for dark slides (the gallery).
    expected |= {f"{fid}-dark-transparent.png" for fid in registry.FIGURES}
    # The animations of the figures with steps (the pages and the gallery use them all).
    for fid in animate.animated_ids():
        expected.add(f"{fid}-animation.json")
        expected |= {name for theme in THEMES for name in animate.file_names(fid, theme).values()}
    # The animations and stills of the arithmetic set's presets (the gallery shows them).
    for preset in presets.PRESETS:
        expected |= {f"{preset.file_prefix}.json", f"{preset.file_prefix}-animation.json"}
        expected |= {
            name
            for theme in THEMES
            for name in arithmetic_set.preset_file_names(preset, theme).values()
        }
    # The build's own dependency records (deps.DEPS_FOLDER, a hidden folder MkDocs does not
    # publish) are bookkeeping, not figures; anything else in the folder must be a figure.
    shown = {p.name for p in FIGURES.iterdir() if p.name != deps.DEPS_FOLDER}
    assert shown == expected
    used = {Path(urlsplit(a["src"]).path).name for _, a in images(pages)}
    for figure_id in registry.FIGURES:
        assert export.file_name(figure_id, "light", "svg") in used, figure_id


def load_hook():
    spec = importlib.util.spec_from_file_location("figures_hook", ROOT / "hooks/pages.py")
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
    page = SimpleNamespace(file=SimpleNamespace(src_uri="guide/page.md"), url="guide/page/")
    config = {"docs_dir": str(ROOT / "docs")}
    out = hook.on_page_markdown('{{ figure("neuron-volume") }}', page, config, None)
    assert "(../generated/figures/neuron-volume-light.svg#only-light)" in out
    # A linked figure is raw HTML, which MkDocs leaves alone: relative to the page's URL.
    out = hook.on_page_markdown('{{ figure("fc-matrix") }}', page, config, None)
    assert 'href="../../generated/figures/fc-matrix-light.svg"' in out


def test_no_macro_or_raw_tex_is_left_in_a_page(pages):
    # Proves every {{ ... }} macro was expanded and every formula became MathML: no page
    # shows a raw macro, a TeX delimiter, or a TeX alignment character as text.
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text, path
        assert "arithmatex" not in text, path
        assert "<mi>&amp;</mi>" not in text and "<mi>&</mi>" not in text, path
        assert "cdnjs" not in text and "mathjax" not in text.lower(), path


def test_math_is_mathml(site):
    # Proves formulas are rendered at build time into MathML that the browser draws.
    html = (site / "viewpoints" / "index.html").read_text(encoding="utf-8")
    assert html.count('<math xmlns="http://www.w3.org/1998/Math/MathML"') >= 5
    assert "<mtable" in html  # the four aligned equations


def anchors_of(path: Path) -> set[str]:
    return {attrs["id"] for _, attrs in parse(path) if attrs.get("id")}


def test_every_link_and_anchor_resolves(site, pages):
    # Proves the link check over the built HTML (notebook pages included): every local
    # href and src points at a file of the site, and every #fragment at an element id.
    checked = 0
    cache: dict[Path, set[str]] = {}
    for path, tags in pages.items():
        for tag, attrs in tags:
            url = attrs.get("href") if tag in {"a", "link"} else attrs.get("src")
            if not url or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:
                continue  # links to other sites are not loaded; test_nothing_is_loaded...
            if parts.path.startswith("/"):  # 404.html links from the site root
                target = (site / parts.path.lstrip("/")).resolve()
            else:
                target = (path.parent / parts.path).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), (path.relative_to(site), url)
            if parts.fragment and target.suffix == ".html" and tag == "a":
                ids = cache.setdefault(target, anchors_of(target))
                assert parts.fragment in ids, (path.relative_to(site), url)
            checked += 1
    assert checked > 100


def test_numbers_in_prose_are_the_computed_ones(site):
    # Proves a quoted number is the computation's: the outputs of the small example on
    # the viewpoints page equal a direct loop over the image, here.
    from diagram_gen import examples

    ex = examples.small_conv()
    image, kernel = ex.image[0], ex.kernel[0, 0]
    outputs = [
        sum(image[i + a, j + b] * kernel[a, b] for a in range(2) for b in range(2)) + ex.bias[0]
        for i in range(2)
        for j in range(2)
    ]
    spoken = ", ".join(str(int(v)) for v in outputs[:-1]) + f" and {int(outputs[-1])}"
    html = (site / "viewpoints" / "index.html").read_text(encoding="utf-8")
    assert (
        f"the four\noutputs come out as {spoken}" in html or f"outputs come out as {spoken}" in html
    )


def test_an_unknown_number_fails_the_build():
    # Proves a page quoting a number the package does not compute stops the build.
    from mkdocs.exceptions import PluginError

    hook = load_hook()
    page = SimpleNamespace(file=SimpleNamespace(src_uri="index.md"))
    config = {"docs_dir": str(ROOT / "docs")}
    with pytest.raises(PluginError, match="small.nonsense"):
        hook.on_page_markdown('{{ n("small.nonsense") }}', page, config, None)
    assert hook.on_page_markdown('{{ n("small.bias") }}', page, config, None) == "1"


def test_pages_workflow_builds_with_make_and_publishes_the_site():
    # Proves the publishing workflow runs what .ci/run runs (`make test`, in CI mode: the
    # build and every test, browser included) before it uploads the folder mkdocs writes,
    # with the site URL handed to mkdocs.yml, so a red build is never published.
    import yaml

    workflow = yaml.safe_load((ROOT / ".github/workflows/pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    build = next(step for step in steps if "make" in step.get("run", ""))
    ci_run = (ROOT / ".ci/run").read_text().strip().splitlines()[-1]
    assert build["run"] == ci_run and ci_run.split()[-1] == "test"
    assert build["env"]["CI"] == "true" and "SITE_URL" in build["env"]
    assert steps.index(build) < steps.index(
        next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))
    )
    upload = next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"
    assert "SITE_URL" in (ROOT / "mkdocs.yml").read_text()
    assert workflow["jobs"]["deploy"]["needs"] == "build"


def nav_pages(entries) -> list[tuple[str, str]]:
    """``(title, file)`` of every page in a mkdocs ``nav``, sections flattened, in order."""
    found: list[tuple[str, str]] = []
    for entry in entries:
        ((title, target),) = entry.items()
        if isinstance(target, list):
            found += nav_pages(target)
        else:
            found.append((title, target))
    return found


def test_home_page_map_lists_the_nav_in_its_order():
    # Proves the home page's site map is the nav: every page after Home, with the nav's
    # title and file, in the nav's order, and no page the nav does not have. A page added
    # to mkdocs.yml but not to the map (or the other way round) fails here.
    nav = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    expected = [(title, target) for title, target in nav_pages(nav) if target != "index.md"]
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    section = home.split("## A map of the site", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| \[([^\]]+)\]\(([^)]+)\) \|", section, flags=re.MULTILINE)
    assert rows == expected
