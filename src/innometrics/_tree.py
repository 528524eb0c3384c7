"""Walking a framework's tree: a node's branch and a code's ancestor at a level."""

from __future__ import annotations

from .framework import Framework

__all__ = ["branch", "ancestor_at"]


def branch(fw: Framework, code: str) -> set[str]:
    """``code`` and every node below it."""
    inside = {code}
    for level in range(fw[code].level - 1, 0, -1):
        inside |= {c for c in fw.codes_at(level) if fw[c].parent in inside}
    return inside


def ancestor_at(fw: Framework, code: str, level: int) -> str | None:
    """The node at ``level`` above ``code`` (``code`` itself at its own level); None when
    ``level`` is below it or above the top."""
    node = fw[code]
    while node.level < level and node.parent is not None:
        node = fw[node.parent]
    return node.code if node.level == level else None
