"""Build ``site/``: the pages with MkDocs when what they read changed, else only the images.

``make`` runs this whenever anything the site could depend on is newer than its stamp. It
then decides from content, not dates:

- the *page inputs* are everything that can change a page's HTML: ``mkdocs.yml``, the
  pages, hooks, overrides and included code, the figures' captions and alt text (their
  ``.json``), the generated numbers and snippets, and the package files the notebooks
  import. If their digest differs from the last successful build's, ``mkdocs build
  --strict`` runs (and a warning, a dead link say, fails the build);
- otherwise only images changed (a figure module was edited, its caption was not), and
  the changed figure files are copied into ``site/`` as MkDocs would copy them.

MkDocs's informational lines are hidden; its warnings and errors are shown.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from diagram_gen import deps

ROOT = deps.ROOT
DOCS = ROOT / "docs"
SITE = ROOT / "site"
FIGURES = DOCS / "generated" / "figures"
SITE_FIGURES = SITE / "generated" / "figures"
#: The lecture decks (``make slides``), copied verbatim like the figure files.
SLIDES = DOCS / "generated" / "slides"
SITE_SLIDES = SITE / "generated" / "slides"
ASSET_FOLDERS = ((FIGURES, SITE_FIGURES), (SLIDES, SITE_SLIDES))
DIGEST = ROOT / "build" / "site-inputs.sha256"
#: Files under these folders can change a page; so can the package files notebooks import.
PAGE_SOURCES = ("docs", "docs_src", "hooks", "overrides")
#: The figure files MkDocs copies verbatim; their JSON (caption, alt) is a page input.
ASSET_SUFFIXES = {".svg", ".pdf", ".png", ".gif", ".apng", ".pptx"}
#: Noise the notebook kernel prints on every run; it says nothing about the build.
NOISE = ("[IPKernelApp] WARNING | Kernel is running over TCP",)


def is_asset(path: Path) -> bool:
    """A figure file or a deck, copied verbatim into the site (not a figure's caption,
    not a dot file)."""
    for folder, _ in ASSET_FOLDERS:
        try:
            relative = path.relative_to(folder)
        except ValueError:
            continue
        hidden = any(part.startswith(".") for part in relative.parts)
        return not hidden and path.suffix in ASSET_SUFFIXES
    return False


def page_inputs() -> list[Path]:
    """Every file whose content can change a page's HTML."""
    files = [ROOT / "mkdocs.yml", ROOT / "constraints.txt"]
    for folder in PAGE_SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or is_asset(path):
                continue
            if any(part.startswith(".") for part in path.relative_to(ROOT).parts):
                continue
            files.append(path)
    files += deps.notebook_dependencies(sorted(DOCS.rglob("*.ipynb")))
    return files


def digest(files: Iterable[Path]) -> str:
    hasher = hashlib.sha256()
    for path in files:
        hasher.update(str(path.relative_to(ROOT)).encode() + b"\0")
        hasher.update(path.read_bytes() + b"\0")
    return hasher.hexdigest()


def mkdocs_build() -> int:
    """``mkdocs build --strict``, printing its warnings and errors, not its INFO lines."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run(
        [str(mkdocs), "build", "--strict"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith("INFO") or line.startswith(NOISE) or not line.strip():
            continue
        print(line, file=sys.stderr)
    return result.returncode


def sync_assets() -> list[Path]:
    """Copy the figure files and decks whose bytes differ into ``site/``; drop those that
    went. Only a file written since its copy (newer, or of another size) is read and
    compared."""
    copied = []
    for folder, site_folder in ASSET_FOLDERS:
        copied += _sync(folder, site_folder)
    return copied


def _sync(folder: Path, site_folder: Path) -> list[Path]:
    copied = []
    wanted = {p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and is_asset(p)}
    for relative in sorted(wanted):
        source, target = folder / relative, site_folder / relative
        if target.is_file():
            old, new = target.stat(), source.stat()
            unchanged = new.st_size == old.st_size and new.st_mtime_ns <= old.st_mtime_ns
            if unchanged or target.read_bytes() == source.read_bytes():
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(target)
    if site_folder.is_dir():
        for path in site_folder.rglob("*"):
            if path.is_file() and path.suffix in ASSET_SUFFIXES:
                if path.relative_to(site_folder) not in wanted:
                    path.unlink()
    return copied


def main() -> int:
    inputs = digest(page_inputs())
    previous = DIGEST.read_text().strip() if DIGEST.is_file() else None
    if previous == inputs and (SITE / "index.html").is_file():
        copied = sync_assets()
        print(f"site: pages unchanged; copied {len(copied)} figure and deck files")
        return 0
    DIGEST.unlink(missing_ok=True)
    status = mkdocs_build()
    if status != 0:
        print("site: mkdocs build --strict failed (see above).", file=sys.stderr)
        return status
    DIGEST.parent.mkdir(parents=True, exist_ok=True)
    DIGEST.write_text(inputs + "\n")
    print(f"site: built {json.dumps(str(SITE.relative_to(ROOT)))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
