"""The notebooks of docs/ survive being re-run, the way a reader runs them in Jupyter.

The site build executes each notebook once, top to bottom; a reader also runs it twice
("Run All" again), or goes back and re-runs an earlier cell after the later ones. That
breaks when two cells bind the same name to different things (a later cell's function
called ``image`` replacing the image an earlier cell reads), so the tests check that each
name is bound in one cell only, and run the cells in order twice and then backwards.
"""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "docs").rglob("*.ipynb"))
NEW_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Lambda,
    ast.GeneratorExp,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
)


def code_cells(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def bindings(source: str) -> dict[str, str]:
    """Each name a cell binds at the notebook's top level -> the statement binding it.

    Names local to a function, class or comprehension are not the notebook's and are left
    out; a function or class binds its own name.
    """
    found: dict[str, str] = {}

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = f"def {node.name}"
        if isinstance(node, NEW_SCOPES):
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                found[(alias.asname or alias.name).split(".")[0]] = ast.unparse(node)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found[node.id] = f"{node.id} = ..."
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def test_there_are_notebooks():
    # Proves the glob finds the site's notebook, so the tests below run on something.
    assert NOTEBOOKS, "no notebook found under docs/"


def test_bindings_sees_what_a_cell_binds():
    # Proves the name collector used below: assignments, loop targets, imports and
    # function names count; a function's locals and a comprehension's variable do not.
    source = (
        "import numpy as np\nfrom os import path as p\nx, (y, z) = 1, (2, 3)\n"
        "for i in range(2):\n    k = i\ndef f(a):\n    inner = a\n    return inner\n"
        "total = sum(j for j in range(3))\n"
    )
    assert set(bindings(source)) == {"np", "p", "x", "y", "z", "i", "k", "f", "total"}


def same_import(statements) -> bool:
    """Whether the statements are one and the same import (repeating it rebinds nothing)."""
    distinct = set(statements)
    return len(distinct) == 1 and distinct.pop().startswith(("import ", "from "))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_name_is_bound_in_one_cell(path):
    # Proves no cell rebinds a name that another cell binds (the same import repeated is
    # harmless and allowed), so re-running any cell leaves the others' names alone.
    cells_by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for number, source in enumerate(code_cells(path), start=1):
        for name, statement in bindings(source).items():
            cells_by_name[name].append((number, statement))
    clashes = {
        name: [number for number, _ in found]
        for name, found in cells_by_name.items()
        if len(found) > 1 and not same_import(statement for _, statement in found)
    }
    assert not clashes, f"names bound in more than one code cell: {clashes}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_run_twice_in_order_then_backwards(path):
    # Proves the notebook runs top to bottom twice in one namespace (Run All, then Run All
    # again) and that, after that, every cell still runs when re-run from the last back to
    # the first: an earlier cell re-run after the later ones finds its names intact.
    cells = code_cells(path)
    namespace: dict[str, object] = {"__name__": "__main__"}
    runs = [*enumerate(cells, 1), *enumerate(cells, 1), *reversed(list(enumerate(cells, 1)))]
    for number, source in runs:
        try:
            exec(compile(source, f"{path.name}, cell {number}", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"{path.name}: code cell {number} fails on re-run: {error!r}")
