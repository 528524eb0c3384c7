"""Where innometrics keeps its own files: the run store (base layer, no innometrics imports).

The run layer protects the store from every output and the store opens it, so the place is
decided here, below both.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["STORE_OFF", "default_store_path", "store_off"]

#: Values of ``$INNOMETRICS_STORE`` that turn automatic recording off.
STORE_OFF = frozenset({"off", "none", "false", "no", "0"})


def store_off() -> bool:
    """Whether ``$INNOMETRICS_STORE`` turns automatic recording off."""
    return os.environ.get("INNOMETRICS_STORE", "").strip().lower() in STORE_OFF


def default_store_path() -> Path:
    """The run store used when none is given: ``$INNOMETRICS_STORE`` if set (and not
    ``off``), else ``$XDG_DATA_HOME/innometrics/runs.duckdb``, else
    ``~/.local/share/innometrics/runs.duckdb`` (``%LOCALAPPDATA%\\innometrics\\runs.duckdb``
    on Windows)."""
    env = os.environ.get("INNOMETRICS_STORE", "").strip()
    if env and env.lower() not in STORE_OFF:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if xdg and Path(xdg).is_absolute():
        base = Path(xdg)
    elif os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path.home() / ".local" / "share"
    return base / "innometrics" / "runs.duckdb"
