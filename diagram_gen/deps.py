"""What each build output depends on, read from the source: imports and data files.

This module imports nothing heavy (only :mod:`ast`), so ``make`` can ask it for the rules
in a few milliseconds. Two things use it:

- ``python -m diagram_gen.deps rules`` prints ``build/figures.mk``: the outputs of every
  registered figure and of the site data, read from ``registry.ORDER`` and each figure
  module's ``FIGURE_ID`` without importing them;
- every render writes a dependency file (as a compiler writes ``.d`` files) listing the
  package files the output's code really imports, directly or not, and the data files
  they declare (``DATA_FILES``). A figure module that starts importing another helper
  therefore depends on it from its next render on, without a list anyone maintains.

The registry imports every figure module at run time (``pkgutil``), which the source of
``registry.py`` does not show as imports; so code that imports the registry depends on
every figure module too.
"""

from __future__ import annotations

import ast
import atexit
import functools
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

PACKAGE = "diagram_gen"
ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / PACKAGE
FIGURES_DIR = PACKAGE_DIR / "figures"
#: Modules every render goes through, whatever the figure imports (with what they import).
ENGINE = ("registry", "export", "style", "params")
#: The command line and the renderer every render starts from: their files only, since
#: what they import for their other tasks (the site data) plays no part in a figure.
ENTRY = ("cli", "render", "deps")
THEMES = ("light", "dark")
FORMATS = ("svg", "pdf", "png")
#: What ``diagram-gen site-data`` writes, relative to its output folder.
SITE_DATA_FILES = (
    "numbers.json",
    "snippets/colour-legend.md",
    "snippets/code-shapes.md",
    "snippets/output-sizes.md",
    "snippets/dcgan-generator.md",
    "snippets/dcgan-discriminator.md",
)
SITE_DATA_TASK = "site-data"
#: An animation's task is its figure's id after this prefix: ``animate:conv-sliding``.
ANIMATION_TASK = "animate:"
ANIMATION_FORMATS = {"gif": "{id}-{theme}.gif", "apng": "{id}-{theme}.apng",
                     "pdf": "{id}-{theme}-steps.pdf"}  # fmt: skip
#: A preset's task is its slug after this prefix: ``preset:full-padding``
#: (:mod:`diagram_gen.presets`); its files start with ``preset-SLUG``.
PRESET_TASK = "preset:"
PRESET_FORMATS = {**ANIMATION_FORMATS, "still": "{id}-{theme}.png", "svg": "{id}-{theme}.svg"}
#: Dependency files live beside the outputs, in a folder MkDocs ignores (a dot folder).
DEPS_FOLDER = ".deps"


def module_path(name: str) -> Path | None:
    """The file of package module ``name``, or None for anything outside the package."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    base = PACKAGE_DIR.joinpath(*name.split(".")[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def _parse_cached(path: Path, mtime_ns: int) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _parse(path: Path) -> ast.Module:
    """The module's syntax tree, parsed once per process (and again if the file changed)."""
    return _parse_cached(path, path.stat().st_mtime_ns)


#: What was read from each package file, kept between runs (by size and date), so that
#: make's light steps need not parse some fifty modules every time.
FACTS_CACHE = ROOT / "build" / "module-facts.json"
_FACTS: dict[str, dict] | None = None
_FACTS_CHANGED = False


def facts(name: str) -> dict:
    """Module ``name``'s imports (resolved), ``DATA_FILES``, ``FIGURE_ID`` and whether it
    defines ``steps``, read from its source, or from the cache when the file is unchanged."""
    global _FACTS, _FACTS_CHANGED
    if _FACTS is None:
        _FACTS = _load_facts()
        atexit.register(_save_facts)
    path = module_path(name)
    stat = path.stat()
    key = f"{stat.st_size}:{stat.st_mtime_ns}"
    known = _FACTS.get(name)
    if known is None or known["key"] != key:
        tree = _parse(path)
        declared = _literal(tree, "DATA_FILES") or ()
        known = {
            "key": key,
            "imports": _imports(tree, name),
            "data": [item for item in declared if isinstance(item, str)],
            "figure_id": _literal(tree, "FIGURE_ID"),
            "steps": any(isinstance(n, ast.FunctionDef) and n.name == "steps" for n in tree.body),
            "build_animation": _literal(tree, "BUILD_ANIMATION") is not False,
        }
        _FACTS[name] = known
        _FACTS_CHANGED = True
    return known


def _load_facts() -> dict[str, dict]:
    try:
        return json.loads(FACTS_CACHE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_facts() -> None:
    if not _FACTS_CHANGED or not FACTS_CACHE.parent.is_dir():
        return
    temporary = FACTS_CACHE.with_name(f".{FACTS_CACHE.name}.{os.getpid()}")
    try:
        temporary.write_text(json.dumps(_FACTS, sort_keys=True), encoding="utf-8")
        temporary.replace(FACTS_CACHE)
    except OSError:  # a cache: losing it costs time, never correctness
        temporary.unlink(missing_ok=True)


def figure_module_names() -> list[str]:
    """Every public module of ``diagram_gen/figures`` (as the registry discovers them)."""
    return sorted(
        f"{PACKAGE}.figures.{path.stem}"
        for path in FIGURES_DIR.glob("*.py")
        if not path.stem.startswith("_")
    )


def _imports(tree: ast.Module, name: str) -> list[str]:
    """Every module an import statement anywhere in ``tree`` may bring in."""
    found: list[str] = []
    package = name if name.endswith("__init__") else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def _literal(tree: ast.Module, variable: str) -> object | None:
    """The value of a module-level ``variable = <literal>``, or None."""
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == variable for t in targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return _resolve_names(tree, node.value)
    return None


def _resolve_names(tree: ast.Module, value: ast.expr) -> object | None:
    """A tuple of module-level string constants, e.g. ``DATA_FILES = (DEFAULT_PATH,)``."""
    if not isinstance(value, ast.Tuple | ast.List):
        return None
    items = []
    for element in value.elts:
        if isinstance(element, ast.Name):
            item = _literal(tree, element.id)
        elif isinstance(element, ast.Constant):
            item = element.value
        else:
            return None
        if not isinstance(item, str):
            return None
        items.append(item)
    return tuple(items)


def closure(names: Iterable[str], *, every_figure: bool = True) -> tuple[list[Path], list[Path]]:
    """The package files that modules ``names`` import, directly or not, themselves
    included, and the data files those modules declare in ``DATA_FILES``.

    With ``every_figure`` false, the registry's run-time import of every figure module is
    left out: a figure's render goes through the registry but uses no other figure.
    """
    seen: dict[str, Path] = {}
    data: set[Path] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        path = module_path(name)
        if path is None:
            continue
        seen[name] = path
        known = facts(name)
        pending += known["imports"]
        if every_figure and name == f"{PACKAGE}.registry":  # imports them at run time
            pending += figure_module_names()
        data.update(ROOT / item for item in known["data"])
    return sorted(set(seen.values())), sorted(data)


def engine_modules() -> list[str]:
    return [f"{PACKAGE}.{name}" for name in ENGINE if module_path(f"{PACKAGE}.{name}")]


def figure_ids() -> dict[str, str]:
    """Figure id -> module name, in the registry's reading order, without importing."""
    registry = _parse(PACKAGE_DIR / "registry.py")
    order = _literal(registry, "ORDER")
    if not isinstance(order, tuple):
        raise RuntimeError("diagram_gen/registry.py has no literal ORDER tuple.")
    modules = {}
    for name in figure_module_names():
        figure_id = facts(name)["figure_id"]
        if isinstance(figure_id, str):
            modules[figure_id] = name
    return {figure_id: modules[figure_id] for figure_id in order if figure_id in modules}


def animated_ids() -> list[str]:
    """The figures whose animation the build makes: their module defines ``steps`` (and
    does not set ``BUILD_ANIMATION = False``); in reading order, without importing."""
    found = []
    for figure_id, name in figure_ids().items():
        known = facts(name)
        if known["steps"] and known.get("build_animation", True):
            found.append(figure_id)
    return found


def animation_outputs(figure_id: str, out: str) -> list[str]:
    """Every file one animation task writes into ``out``, its JSON last."""
    files = [
        f"{out}/{pattern.format(id=figure_id, theme=theme)}"
        for theme in THEMES
        for pattern in ANIMATION_FORMATS.values()
    ]
    return files + [f"{out}/{figure_id}-animation.json"]


def preset_outputs(slug: str, out: str) -> list[str]:
    """Every file one preset task writes into ``out``, its JSON last."""
    prefix = f"preset-{slug}"
    files = [
        f"{out}/{pattern.format(id=prefix, theme=theme)}"
        for theme in THEMES
        for pattern in PRESET_FORMATS.values()
    ]
    return files + [f"{out}/{prefix}-animation.json", f"{out}/{prefix}.json"]


def preset_figures() -> dict[str, str]:
    """Preset slug -> figure id, from :mod:`diagram_gen.presets` (standard library only)."""
    from diagram_gen import presets

    return {preset.slug: preset.figure for preset in presets.PRESETS}


def figure_outputs(figure_id: str, out: str) -> list[str]:
    """Every file one render of a figure writes into ``out``, its JSON last."""
    files = [f"{out}/{figure_id}-{theme}.{fmt}" for theme in THEMES for fmt in FORMATS]
    # The dark PNG without a background, for dark slides (registry.render's build path).
    return files + [f"{out}/{figure_id}-dark-transparent.png", f"{out}/{figure_id}.json"]


def deps_file(out: str | Path, task: str) -> Path:
    # No colon in a make target.
    name = task.replace(ANIMATION_TASK, "animation-").replace(PRESET_TASK, "preset-")
    return Path(out) / DEPS_FOLDER / f"{name}.d"


def task_dependencies(task: str, module: str | None = None) -> list[Path]:
    """The files one build task reads: a figure, an animation, a preset, or the site data
    (:data:`SITE_DATA_TASK`).

    A figure depends on its module's import closure, the engine every render goes
    through, and declared data files; the site data on what ``site_files`` imports (the
    figure modules it reads numbers from among them) and the writer. ``module`` is the
    figure's module when the caller knows it (saves reading every figure module).
    """
    if task == SITE_DATA_TASK:
        names = [f"{PACKAGE}.site_files", f"{PACKAGE}.render", f"{PACKAGE}.export"]
        sources, data = closure(names, every_figure=False)
    else:
        figure_id = task.removeprefix(ANIMATION_TASK)
        if task.startswith(PRESET_TASK):
            figure_id = preset_figures()[task.removeprefix(PRESET_TASK)]
        names = [module or figure_ids()[figure_id], *engine_modules()]
        if task.startswith((ANIMATION_TASK, PRESET_TASK)):
            names += [f"{PACKAGE}.animate", f"{PACKAGE}.steps"]
        if task.startswith(PRESET_TASK):
            names += [f"{PACKAGE}.presets", f"{PACKAGE}.arithmetic_set"]
        sources, data = closure(names, every_figure=False)
        sources += [PACKAGE_DIR / f"{name}.py" for name in ENTRY]
    return sorted(set(sources) | set(data))


def make_dependency_line(targets: Sequence[str], sources: Iterable[Path]) -> str:
    """``targets: sources`` with paths relative to the project root, as make reads them.

    Each source also gets an empty rule of its own (as ``gcc -MP`` writes), so that a
    source that is deleted or renamed makes the targets stale instead of stopping make.
    """
    relative = [_relative(path) for path in sources]
    lines = [f"{' '.join(targets)}: {' '.join(relative)}"]
    lines += [f"{path}:" for path in relative]
    return "\n".join(lines) + "\n"


def notebook_dependencies(notebooks: Iterable[Path]) -> list[Path]:
    """The package files that the code cells of ``notebooks`` import, directly or not."""
    names: list[str] = []
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", ""))
            # IPython magics and shell escapes are not Python.
            magic = ("%", "!")
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(magic)]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue
            names += _imports(tree, "__main__")
    sources, data = closure(names)
    return sorted(set(sources) | set(data))


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def make_rules(out: str, site_out: str, queue: str) -> str:
    """``build/figures.mk``: each task's output group, with a recipe that only queues it.

    The recipe writes the task's name to ``queue`` and deletes the task's dependency file,
    a member of the group; one renderer process then renders everything queued
    (``diagram-gen build``), importing matplotlib once, and writes the dependency file
    last. The deleted member tells make that the group changed (so the render runs), and
    a task that failed stays out of date: its dependency file is missing.
    """
    lines = [
        "# Generated by `python -m diagram_gen.deps rules` from the figure registry; do not edit.",
        f"FIGURE_IDS := {' '.join(figure_ids())}",
        "FIGURE_OUTPUTS :=",
    ]
    groups = {task: figure_outputs(task, out) for task in figure_ids()}
    for figure_id in animated_ids():
        groups[ANIMATION_TASK + figure_id] = animation_outputs(figure_id, out)
    for slug in preset_figures():
        groups[PRESET_TASK + slug] = preset_outputs(slug, out)
    groups[SITE_DATA_TASK] = [f"{site_out}/{name}" for name in SITE_DATA_FILES]
    for task, targets in groups.items():
        deps = _relative(deps_file(out, task))
        variable = "SITE_DATA :=" if task == SITE_DATA_TASK else "FIGURE_OUTPUTS +="
        lines += [
            "",
            f"{variable} {' '.join(targets)} {deps}",
            f"{' '.join(targets)} {deps} &: | $(VENV_OK)",
            f"\t@echo {task} >> {queue} && rm -f {deps}",
        ]
    return "\n".join(lines) + "\n"


def figure_list() -> str:
    """``figures.json``: the figures in reading order and their files, for the gallery."""
    manifest = [
        {"id": figure_id, "files": {
            theme: {fmt: f"{figure_id}-{theme}.{fmt}" for fmt in FORMATS} for theme in THEMES
        }}
        for figure_id in figure_ids()
    ]  # fmt: skip
    return json.dumps(manifest, indent=2, sort_keys=True) + "\n"


USAGE = """usage: python -m diagram_gen.deps rules FIGURE_DIR SITE_DATA_DIR QUEUE FIGURE_LIST
       python -m diagram_gen.deps figure-list"""


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (atomically) unless it already holds exactly that."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def main(argv: Sequence[str]) -> int:
    if len(argv) == 5 and argv[0] == "rules":  # the rules on stdout, the figure list to a file
        sys.stdout.write(make_rules(argv[1], argv[2], argv[3]))
        _write_if_changed(Path(argv[4]), figure_list())
        return 0
    if argv == ["figure-list"]:
        sys.stdout.write(figure_list())
        return 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
