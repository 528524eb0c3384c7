"""The shape every bad-input error must have: one line, starting with the file's name, with a
fix, and naming what is wrong."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from innometrics.errors import InputError


def assert_one_line_error(read: Callable[[Path], object], path: Path, text: str,
                          words: Sequence[str]) -> None:
    """Write ``text`` to ``path``, read it with ``read`` and check the InputError raised."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    message = str(info.value)
    assert message.startswith(path.name) and "Fix:" in message and "\n" not in message
    for word in words:
        assert word in message, message
