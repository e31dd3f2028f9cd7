"""The build: real ``make`` in a temporary copy of the tree, as a reader would run it.

Each test copies the project (with the outputs ``make test`` already built, their dates
kept) into a temporary folder, links the virtual environment, changes one thing and runs
``make`` there. What was rendered is read from the renderer's own lines
(``rendered ID (...)``), and what each figure depends on is checked against what Python
really imports, measured in a fresh interpreter, not against the build's own reading.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from diagram_gen import deps

ROOT = Path(__file__).resolve().parent.parent
COPIED = ["Makefile", "pyproject.toml", "constraints.txt", "mkdocs.yml", "README.md",
          "diagram_gen", "docs", "docs_src", "hooks", "overrides", "scripts",
          "benchmarks", "build", "site"]  # fmt: skip


def make(tree: Path, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(tree), **env)
    environment.pop("MAKEFLAGS", None)
    environment.pop("MAKELEVEL", None)
    result = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
    )
    if check and result.returncode != 0:
        pytest.fail(f"make {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def rendered(result: subprocess.CompletedProcess) -> set[str]:
    """The tasks the renderer says it rendered."""
    return {
        line.split()[1]
        for line in result.stdout.splitlines()
        if line.startswith("rendered ")
    }  # fmt: skip


@pytest.fixture(scope="module")
def built_tree(tmp_path_factory) -> Path:
    """A copy of the project, built; each test then copies this one (fast, dates kept)."""
    tree = tmp_path_factory.mktemp("built") / "project"
    tree.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            skip = shutil.ignore_patterns("__pycache__", "render-queue*")
            shutil.copytree(source, tree / name, symlinks=True, ignore=skip)
        elif source.exists():
            shutil.copy2(source, tree / name)
    (tree / ".venv").symlink_to(ROOT / ".venv")
    make(tree, "site")  # nothing to do after `make test` built; else builds it here
    return tree


@pytest.fixture
def tree(built_tree, tmp_path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(built_tree, copy, symlinks=True)
    return copy


def later(path: Path) -> None:
    """Touch ``path`` a little later than anything built, whatever the clock's grain."""
    stamp = time.time() + 2
    os.utime(path, (stamp, stamp))


def test_nothing_to_do_after_a_build(tree):
    # Proves a second make renders nothing and builds nothing, and `make -q` agrees that
    # the site is up to date (no phony prerequisite keeps it stale).
    result = make(tree)
    assert rendered(result) == set() and "site:" not in result.stdout
    assert make(tree, "-q", "site", check=False).returncode == 0


def test_a_deleted_figure_file_is_rendered_again(tree):
    # Proves a missing output (not only the JSON) re-renders its figure, and only it,
    # and that the site gets the file back.
    (tree / "docs/generated/figures/conv-matrix-light.svg").unlink()
    (tree / "site/generated/figures/conv-matrix-light.svg").unlink()
    assert make(tree, "-q", "site", check=False).returncode != 0
    result = make(tree)
    assert rendered(result) == {"conv-matrix"}
    fresh = (tree / "docs/generated/figures/conv-matrix-light.svg").read_bytes()
    assert (tree / "site/generated/figures/conv-matrix-light.svg").read_bytes() == fresh
    assert fresh == (ROOT / "docs/generated/figures/conv-matrix-light.svg").read_bytes()


def real_imports(tree: Path, module: str) -> set[str]:
    """The package files a fresh interpreter loads when it imports ``module`` (and, for
    the site data, computes it: its modules import some figure modules when they run)."""
    run = "; diagram_gen.site_files.site_files()" if module.endswith("site_files") else ""
    code = (
        f"import json, sys; import {module}{run}; "
        "print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values()) "
        "if m.__name__.startswith('diagram_gen') and getattr(m, '__file__', None))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, capture_output=True, text=True, check=True,
        env=dict(os.environ, PYTHONPATH=str(tree)),
    ).stdout  # fmt: skip
    return {str(Path(path).resolve().relative_to(tree.resolve())) for path in json.loads(out)}


def test_each_figure_depends_on_what_its_module_really_imports(tree):
    # Proves the dependency file written by each render lists every package file that
    # importing the figure's module loads (measured in a fresh interpreter), and no other
    # figure's module it does not import.
    figures = deps.figure_ids()
    for figure_id, module in figures.items():
        line = (tree / deps.deps_file("docs/generated/figures", figure_id)).read_text()
        listed = set(line.splitlines()[0].split(":", 1)[1].split())
        imported = real_imports(tree, module)
        assert imported <= listed, (figure_id, imported - listed)
        others = {f"diagram_gen/figures/{m.rsplit('.', 1)[1]}.py" for m in figures.values()}
        own = f"diagram_gen/figures/{module.rsplit('.', 1)[1]}.py"
        # A composite figure (conv-linked) imports the views it draws; no other.
        assert not ((others - {own}) & listed) - imported, figure_id


def test_touching_a_shared_helper_renders_exactly_the_figures_that_import_it(tree):
    # Proves the rebuild set follows real imports: every figure whose module loads
    # _lineplot.py is re-rendered, and no other.
    helper = "diagram_gen/figures/_lineplot.py"
    modules = {**deps.figure_ids(), deps.SITE_DATA_TASK: "diagram_gen.site_files"}
    users = {task for task, module in modules.items() if helper in real_imports(tree, module)}
    assert users, "some figure draws with the line-plot helper"
    later(tree / helper)
    assert rendered(make(tree, "figures")) == users


def test_touching_the_presets_queues_every_preset_and_nothing_else(tree):
    # Proves each preset's task depends on diagram_gen/presets.py: after touching it, make
    # (a dry run: rendering the whole set takes minutes) would queue exactly the presets.
    later(tree / "diagram_gen/presets.py")
    result = make(tree, "-n", "figures")
    queued = set(re.findall(r"echo (\S+) >> build/render-queue", result.stdout))
    from diagram_gen import presets

    # (and the site data, whose task runs through render.py, which imports the presets'
    # renderer); no figure and no page animation.
    expected = {deps.PRESET_TASK + preset.slug for preset in presets.PRESETS}
    assert queued == expected | {deps.SITE_DATA_TASK}


def test_a_new_import_becomes_a_dependency_from_the_next_render_on(tree):
    # Proves dependencies are not a list anyone maintains: fc-matrix starts importing the
    # line-plot helper; after one make, touching that helper re-renders fc-matrix.
    module = tree / "diagram_gen/figures/fc_matrix.py"
    module.write_text(module.read_text() + "\nfrom diagram_gen.figures import _lineplot  # noqa\n")
    later(module)
    assert "fc-matrix" in rendered(make(tree, "figures"))
    later(tree / "diagram_gen/figures/_lineplot.py")
    assert "fc-matrix" in rendered(make(tree, "figures"))


def test_the_numbers_follow_the_modules_they_are_computed_from(tree):
    # Proves the site data is re-rendered when a module it reads numbers from changes
    # (the cost figure's module words the machine and date for the cost page), and not
    # when an unrelated figure module changes.
    later(tree / "diagram_gen/figures/cost_measured.py")
    assert "site-data" in rendered(make(tree, "figures"))
    later(tree / "diagram_gen/figures/fc_graph.py")
    assert "site-data" not in rendered(make(tree, "figures"))


def test_a_failed_render_stays_out_of_date_and_keeps_the_old_files(tree):
    # Proves a figure whose code fails makes `make` fail with one line for it, leaves its
    # earlier files in place, and is rendered again once fixed.
    module = tree / "diagram_gen/figures/fc_matrix.py"
    good = module.read_text()
    old = (tree / "docs/generated/figures/fc-matrix-light.svg").read_bytes()
    module.write_text(
        good.replace(
            "def compute(",
            "def compute(*_):\n    raise ValueError('broken on purpose.')\n\n\ndef _unused(",
            1,
        )
    )
    later(module)
    result = make(tree, "figures", check=False)
    assert result.returncode != 0
    assert "fc-matrix: broken on purpose." in result.stderr
    assert (tree / "docs/generated/figures/fc-matrix-light.svg").read_bytes() == old
    module.write_text(good)
    later(module)
    assert "fc-matrix" in rendered(make(tree, "figures"))


def test_a_dead_link_fails_make_itself(tree):
    # Proves strict is strict: a broken link in a page makes `make` exit non-zero and
    # shows MkDocs's warning (mkdocs --quiet used to hide and not count it).
    page = tree / "docs/legend.md"
    page.write_text(page.read_text() + "\n\nSee [nowhere](no-such-page.md).\n")
    result = make(tree, check=False)
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr


def test_a_deleted_page_leaves_the_site(tree):
    # Proves the site is rebuilt when a page goes (its folder must not linger in site/),
    # and that no build stamp is published inside site/.
    (tree / "docs/real-images.md").unlink()
    config = tree / "mkdocs.yml"
    config.write_text(
        "\n".join(line for line in config.read_text().splitlines() if "real-images.md" not in line)
        + "\n"
    )
    for page in (tree / "docs").glob("*.md"):  # links to it would now be dead
        page.write_text(page.read_text().replace("real-images.md", "index.md"))
    make(tree)
    assert not (tree / "site/real-images").exists()
    assert not [p for p in (tree / "site").rglob(".*")], "no hidden stamp is published"


def test_an_image_only_change_copies_the_image_without_rebuilding_pages(tree):
    # Proves the fast path: a figure whose caption did not change is re-rendered and its
    # files copied into site/, while the pages stay as they were.
    page = tree / "site/fully-connected/index.html"
    before = page.stat().st_mtime_ns
    later(tree / "diagram_gen/figures/fc_graph.py")  # no steps, no other figure uses it
    result = make(tree)
    assert rendered(result) == {"fc-graph"}
    assert "pages unchanged" in result.stdout
    assert page.stat().st_mtime_ns == before


def test_an_old_python_is_named_in_one_sentence(tree, tmp_path):
    # Proves `make` on a machine whose python3 is too old stops with one sentence that
    # says what to install, before creating anything.
    fake = tmp_path / "python3.10"
    fake.write_text(
        '#!/bin/sh\ncase "$*" in *--version*) echo "Python 3.10.12";; *) exit 1;; esac\n'
    )
    fake.chmod(0o755)
    result = make(tree, "figures", f"PYTHON={fake}", "VENV=.venv-old", check=False)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if not line.startswith("make:")]
    assert errors == [
        f"Python 3.11 or newer is needed, but {fake} is 3.10.12: install Python 3.11 or "
        f"newer (or run make PYTHON=python3.11) and run make again."
    ]
    assert not (tree / ".venv-old").exists()


def test_make_serve_re_renders_an_edited_figure_module_and_serves_the_new_page(tree):
    # Proves `make serve` watches the package: editing a figure module (here the caption
    # function of fc-graph) re-renders that figure and the page served shows the change.
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = dict(os.environ, PYTHONPATH=str(tree))
    environment.pop("MAKEFLAGS", None)
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=tree, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/fully-connected/"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            return ""

    def wait_for(condition, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.5)
        return False

    try:
        assert wait_for(lambda: "fc-graph" in page(), 120), "make serve never served the page"
        module = tree / "diagram_gen/figures/fc_graph.py"
        source = module.read_text()
        marker = "Edited while serving."
        opening = 'return (\n        f"The same fully connected layer as a network'
        assert opening in source
        module.write_text(source.replace(opening, f"return {marker!r} + {opening[7:]}", 1))
        assert wait_for(lambda: marker in page(), 120), "the edit never reached the page"
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
