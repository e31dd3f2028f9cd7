"""The gallery, for lecturers: how to install, every parameter with its range, the natural
size, the dark PNG without a background, and the commands, all from what was built."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from diagram_gen import animate, registry

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
FIGURES = ROOT / "docs" / "generated" / "figures"


def load_hook():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gallery_hook", ROOT / "hooks/pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gallery() -> str:
    subprocess.run(
        ["make", "--no-print-directory", "site"], cwd=ROOT, check=True, capture_output=True
    )
    return (SITE / "gallery" / "index.html").read_text(encoding="utf-8")


def section(page: str, figure_id: str) -> str:
    """The gallery's HTML from a figure's heading to the next heading."""
    start = page.index(f'<h2 id="{figure_id}">')
    end = page.find("<h2 ", start + 1)
    return page[start : end if end > 0 else None]


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("figure_id", list(registry.FIGURES))
def test_each_figure_lists_its_parameters_with_defaults_and_ranges(gallery, figure_id):
    # Proves every parameter the registry accepts is in the figure's table, in the
    # figure's order, with its default and the range the registry checks values against.
    part = section(gallery, figure_id)
    spec = registry.get(figure_id)
    rows = re.findall(r"<tr>\s*<td><code>([^<]+)</code></td>\s*<td><code>([^<]*)</code></td>"
                      r"\s*<td>([^<]*)</td>", part)  # fmt: skip
    assert [name for name, _, _ in rows] == list(spec.defaults)
    for name, default, allowed in rows:
        assert html.unescape(default) == str(spec.defaults[name])
        assert html.unescape(allowed) == spec.parameters[name].describe()


@pytest.mark.parametrize("figure_id", list(registry.FIGURES))
def test_each_figure_gives_its_natural_size_and_a_transparent_dark_png(gallery, figure_id):
    # Proves the size quoted is the size of the built file (its PNG's pixels at 200 dpi),
    # and that the dark PNG without a background is offered, built and see-through.
    part = section(gallery, figure_id)
    with Image.open(FIGURES / f"{figure_id}-light.png") as png:
        width, height = (pixels / 200 for pixels in png.size)
    match = re.search(r"Natural size: ([0-9.]+) × ([0-9.]+) in", text_of(part))
    assert match, figure_id
    assert float(match.group(1)) == pytest.approx(width, abs=0.051)
    assert float(match.group(2)) == pytest.approx(height, abs=0.051)
    name = f"{figure_id}-dark-transparent.png"
    assert f'href="../generated/figures/{name}"' in part
    with Image.open(SITE / "generated" / "figures" / name) as clear:
        assert clear.convert("RGBA").getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("figure_id", list(registry.FIGURES))
def test_each_figure_shows_the_commands_its_json_saved(gallery, figure_id):
    # Proves the commands shown are the ones the build saved (which the CLI tests run
    # again byte for byte), the animation's included.
    part = text_of(section(gallery, figure_id))
    meta = json.loads((FIGURES / f"{figure_id}.json").read_text())
    assert meta["command"] in part
    assert meta["transparent_dark_png"]["command"] in part
    if figure_id in animate.animated_ids():
        motion = json.loads((FIGURES / f"{figure_id}-animation.json").read_text())
        assert motion["command"] in part


def test_install_links_the_repository_only_when_mkdocs_sets_it():
    # Proves the install section reads repo_url from the MkDocs config: a link and the
    # clone command when it is set, neither when it is not; the steps are the README's.
    hook = load_hook()
    page = SimpleNamespace(file=SimpleNamespace(src_uri="gallery.md"))
    url = "https://github.com/example/conv-as-fc"
    config = {"docs_dir": str(ROOT / "docs"), "repo_url": url}
    with_url = hook.on_page_markdown("{{ install() }}", page, config, None)
    assert f"[the repository]({url})" in with_url
    assert f"git clone {url}\ncd conv-as-fc\n" in with_url
    without = hook.on_page_markdown("{{ install() }}", page, {**config, "repo_url": None}, None)
    assert "git clone" not in without and "](http" not in without
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for step in ("make figures", ".venv/bin/diagram-gen list"):
        assert step in with_url and step in without and step in readme


def test_the_built_gallery_follows_mkdocs_yml(gallery):
    # Proves the page as built matches the config: a repository link only with repo_url.
    from mkdocs.utils.yaml import yaml_load

    repo_url = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).get("repo_url")
    install = text_of(section(gallery, "install"))
    assert ("git clone" in install) == bool(repo_url)
    assert "make figures" in install


def test_slide_layouts_are_written_from_the_build_s_measure():
    # Proves the gallery's slide lines come from the figure's JSON (registry.slide_layouts,
    # which test_targets checks against real --slide renders): each layout's size and
    # command, or its parts' commands, and nothing for a JSON without them.
    hook = load_hook()
    for figure_id in ("conv-matrix", "conv-linked"):
        meta = json.loads((FIGURES / f"{figure_id}.json").read_text())
        text = hook.slides_markdown(meta)
        for slide in meta["slides"]:
            if "size_in" in slide:
                size = slide["size_in"]
                assert f"{size['width']:.2f} × {size['height']:.2f} in" in text
                assert f"`{slide['command']}`" in text
            elif slide["parts"] and all(part["fits"] for part in slide["parts"]):
                for part in slide["parts"]:
                    assert f"`{part['command']}`" in text
            else:
                assert f"{slide['layout']}: not laid out for this slide yet." in text
        assert hook.slides_markdown({k: v for k, v in meta.items() if k != "slides"}) == ""
