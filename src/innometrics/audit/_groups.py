"""The framework's groups: each aggregate with its children, the unit every coherence check
runs over."""

from __future__ import annotations

from ..framework import Framework


def children_of(fw: Framework) -> dict[str, list[str]]:
    """Each aggregate's children in framework order (aggregates in ``fw.codes`` order)."""
    kids: dict[str, list[str]] = {}
    for node in fw.nodes:
        if node.parent is not None:
            kids.setdefault(node.parent, []).append(node.code)
    return {code: kids[code] for code in fw.codes if code in kids}
