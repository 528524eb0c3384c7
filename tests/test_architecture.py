"""The layering of docs/architecture.md, checked over src/ with ``ast`` (lazy imports count).

Each module belongs to one layer; it may import its own layer and those below, never above, and the
import graph has no cycle. A new module must be given a layer here (the test names it otherwise).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "innometrics"
PKG = "innometrics"

# Layers from the bottom up; a module is placed by its longest matching prefix (after the package).
LAYERS: dict[str, int] = {}
_ORDER = {
    "base": ["errors", "_params", "io", "cells", "yaml_io", "stats", "ranking", "_html_table",
             "_dask", "_places", "datasets"],
    "kernels": ["steps"],
    "run layer": ["runs"],
    "core": ["framework", "imeta", "data", "stages", "schema", "own_schema", "uncertainty_schema",
             "recipe", "pipeline", "result", "plan", "audit", "uncertainty", "gii", "rnd", "claims",
             "clusters", "weights", "results", "changes", "panel", "trends", "_tree", "plot"],
    "views and store": ["report", "serve", "store", "store_tables", "run_diff", "export"],
    "command line": ["cli", "_cli_util", "store_cli", "demo", "gii.cli", "rnd.cli", "clusters.cli",
                     "results_cli"],
}
LAYER_NAMES = list(_ORDER)
for _rank, _name in enumerate(LAYER_NAMES):
    for _prefix in _ORDER[_name]:
        LAYERS[_prefix] = _rank

# Arrows named in the architecture issue, kept even where the ranks above would allow them.
NEVER = [("runs", ("store", "report", "recipe", "result", "serve")),
         ("result", ("report", "store", "serve")),
         ("recipe", ("report", "store", "serve", "runs")),
         ("datasets", ("gii", "rnd", "claims", "recipe", "clusters")),
         ("store", ("report", "serve", "recipe")),
         ("steps", ("recipe", "result", "runs", "cli"))]


def _modules() -> dict[str, Path]:
    mods = {}
    for f in SRC.rglob("*.py"):
        rel = f.relative_to(SRC.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        mods[".".join(parts)] = f
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        out: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = name.split(".")
                if node.level:
                    keep = len(base) - node.level + (1 if path.name == "__init__.py" else 0)
                    target = ".".join(base[:keep] + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                targets = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for t in targets:
                while t and t not in mods:
                    t = t.rsplit(".", 1)[0] if "." in t else ""
                # a module importing its own package (for a re-exported name) is not an arrow
                if t and t != name and t != PKG and not name.startswith(t + "."):
                    out.add(t)
        edges[name] = out
    return edges


def _short(module: str) -> str:
    return module[len(PKG) + 1:] if module.startswith(PKG + ".") else module


def _layer(module: str) -> int | None:
    short = _short(module)
    best = None
    for prefix, rank in LAYERS.items():
        if (short == prefix or short.startswith(prefix + ".")) and (
                best is None or len(prefix) > len(best[0])):
            best = (prefix, rank)
    return None if best is None else best[1]


MODS = _modules()
EDGES = _imports(MODS)


def test_every_module_has_a_layer():
    unplaced = [m for m in MODS if m != PKG and _layer(m) is None]
    assert not unplaced, f"give these modules a layer in tests/test_architecture.py: {unplaced}"


def test_imports_only_look_down():
    upward = [f"{_short(a)} ({LAYER_NAMES[_layer(a)]}) -> {_short(b)} ({LAYER_NAMES[_layer(b)]})"
              for a, bs in EDGES.items() if a != PKG and _layer(a) is not None
              for b in bs if _layer(b) is not None and _layer(b) > _layer(a)]
    assert not upward, "imports that look up:\n" + "\n".join(sorted(upward))


@pytest.mark.parametrize(("source", "targets"), NEVER, ids=[s for s, _ in NEVER])
def test_forbidden_arrows(source, targets):
    def inside(module, prefix):
        short = _short(module)
        return short == prefix or short.startswith(prefix + ".")
    broken = [f"{_short(a)} -> {_short(b)}" for a, bs in EDGES.items() if inside(a, source)
              for b in bs if any(inside(b, t) for t in targets)]
    assert not broken, broken


def test_no_import_cycle():
    graph = {a: {b for b in bs if b != PKG} for a, bs in EDGES.items() if a != PKG}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(_short(c) for c in component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_no_module_over_500_lines():
    big = {_short(m): n for m, f in MODS.items()
           if (n := sum(1 for _ in f.open(encoding="utf-8"))) > 500}
    assert not big, big
