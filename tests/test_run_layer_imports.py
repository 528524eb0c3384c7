"""The run layer, the store and the package data import only downward, lazy (function-level)
imports included: checked with ``ast`` over their source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "innometrics"

#: module or package (relative to innometrics) → what it may never import.
NEVER = {
    "runs": ("store", "report", "recipe", "result", "serve", "cli"),
    "store.py": ("report", "serve", "cli", "recipe"),
    "datasets": ("gii", "rnd", "claims", "clusters", "recipe"),
    "result.py": ("report", "store", "serve"),
}


def _imports(path: Path) -> set[str]:
    """innometrics modules ``path`` imports (relative imports resolved), at any depth."""
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    package = parts[:-1]  # the package a module's relative imports start from
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found |= {module, *(f"{module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m.removeprefix("innometrics.") for m in found if m.startswith("innometrics.")}


@pytest.mark.parametrize("where", sorted(NEVER))
def test_no_upward_import(where):
    root = SRC / where
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    bad = [f"{f.relative_to(SRC)} imports {m}" for f in files for m in _imports(f)
           if any(m == n or m.startswith(n + ".") for n in NEVER[where])]
    assert not bad, bad
