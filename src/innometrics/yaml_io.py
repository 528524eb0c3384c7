"""Strict YAML reading for the files users write by hand (recipes, claims files).

One reader, so every YAML file is refused the same way: a missing path, a directory, text that is
not UTF-8, a syntax error (with its line) and a key written twice in one mapping (plain YAML keeps
the last silently, so ``{method: minmax, method: zscore}`` would build z-scores) are each one
:class:`~innometrics.errors.InputError` naming the file, the line and the fix. Only YAML's safe
constructors are used: a file never runs code.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "r.yaml"
>>> _ = path.write_text("steps:\\n  - normalise: {method: minmax, method: zscore}\\n")
>>> try:
...     read_yaml(path, what="recipe", source="r.yaml")
... except InputError as error:
...     print(error)
r.yaml, line 2: key 'method' appears twice in one mapping (first on line 2). Fix: keep one of them
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

__all__ = ["compose_yaml", "read_yaml"]


def _fail(source: str, line: int | None, problem: str, fix: str) -> InputError:
    return InputError(source if line is None else f"{source}, line {line}", problem, fix)


def compose_yaml(path: str | os.PathLike, *, what: str, example: str = "",
                 source: str | None = None) -> yaml.Node | None:
    """The YAML node tree of the file ``path`` (None for an empty file), every mapping checked
    for keys written twice; nodes keep their lines (``node.start_mark.line + 1``).

    Parameters
    ----------
    path : path-like
        The file.
    what : str
        What the file is, for messages ("recipe", "claims file").
    example : str, optional
        A line of valid YAML of that kind, shown in the fix of a syntax error.
    source : str, optional
        How messages name the file (default: the path as given).

    Raises
    ------
    InputError
        One line naming the file and, where there is one, the line.
    """
    path = Path(path)
    source = str(path) if source is None else source
    if path.is_dir():
        raise _fail(source, None, f"is a directory, not a {what}",
                    f"give the {what}'s YAML file")
    if not path.is_file():
        raise _fail(source, None, "file not found", f"check the path of the {what}")
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        raise _fail(source, None, "is not UTF-8 text",
                    f"save the {what} as UTF-8 YAML") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        fix = "fix the YAML syntax" + (f" (e.g. {example})" if example else "")
        raise _fail(source, mark.line + 1 if mark else None, f"not valid YAML ({problem})",
                    fix) from None
    if node is not None:
        _refuse_repeated_keys(node, source)
    return node


def _refuse_repeated_keys(node: yaml.Node, source: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise _fail(source, line, f"key '{key_node.value}' appears twice in one "
                                f"mapping (first on line {seen[key_node.value]})",
                                "keep one of them")
                seen[key_node.value] = line
            _refuse_repeated_keys(value_node, source)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_repeated_keys(item, source)


def read_yaml(path: str | os.PathLike, *, what: str, example: str = "",
              source: str | None = None) -> Any:
    """The file ``path`` as plain Python data (None for an empty file), read strictly as
    :func:`compose_yaml` says."""
    node = compose_yaml(path, what=what, example=example, source=source)
    if node is None:
        return None
    return yaml.SafeLoader("").construct_document(node)
