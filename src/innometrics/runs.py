"""Run directories: one manifest schema, safe atomic writing, one reader.

Every command that computes something writes a *run directory*: its tables plus a
``manifest.json`` of one schema for every kind of run::

    {
      "schema": "innometrics.run/1",
      "kind": "build",                       # build, audit, uncertainty, clusters-rank, ...
      "command": ["innometrics", "build", "recipe.yaml", "--out", "results"],   # or null
      "settings": {...},                     # the settings actually used, defaults resolved
      "inputs": [{"role": "recipe", "path": "/abs/recipe.yaml", "sha256": "..."}, ...],
      "versions": {"innometrics": "...", "python": "...", "numpy": "...", ...},
      "created": "2026-11-30T09:00:00+00:00",   # UTC, when the run started
      "duration_s": 0.42,
      "files": ["manifest.json", "ranks.csv", "scores.csv", ...],
      "details": {...}                       # what else the kind records (optional)
    }

**Output safety.** A command writes only into a directory it creates, or into one that holds
an earlier innometrics run of the same kind (recognised by its manifest, holding nothing but
the files that manifest lists), which it replaces atomically: the new run is written to a
temporary sibling directory and renamed into place only once complete. Anything else at
``--out`` is refused before any work is done, with one line and nothing touched: an existing
file, device or link, the working directory or an ancestor of it or of an input, the home
directory, ``/``, a non-empty directory that is not an innometrics run, or a run of another
kind. ``force=True`` (``--force``) lets a command replace a non-empty foreign directory or a
run of another kind, never the working directory, an ancestor, the home directory, ``/`` or a
non-directory.

Single output files (records, reports, tables) follow the same rule: they are written through
a temporary file and replaced only when the file at that path is one innometrics wrote, as
its sidecar ``<file>.manifest.json`` proves (the SHA-256 of the file must match).

:func:`open_run` reads any run directory back as a :class:`Run`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
import os
import platform
import re
import shutil
import stat
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["SCHEMA", "MANIFEST", "TABLE_FORMATS", "Run", "RunWriter", "open_run", "write_run",
           "write_file", "add_to_run", "check_out_dir", "check_out_file", "check_table_suffix",
           "sha256_file", "versions", "command_line", "protecting", "final_path", "to_json",
           "enclosing_run", "open_file", "TableValue"]

SCHEMA = "innometrics.run/1"
MANIFEST = "manifest.json"
#: Libraries whose versions every manifest records (when installed).
_LIBRARIES = ("numpy", "pandas", "scipy", "pyarrow", "openpyxl", "pyyaml", "SALib", "numba",
              "dask", "duckdb", "plotly")

#: The command line of the current CLI invocation (set by the CLI; None for library calls).
_COMMAND: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar(
    "innometrics_command", default=None)

#: Files no output may replace besides the default run store (``--store PATH``; see
#: :func:`protecting`).
_PROTECTED: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar(
    "innometrics_protected", default=())

#: What a run may hold: a table, text, bytes, or a function that writes the file itself.
TableValue = pd.DataFrame | str | bytes | Mapping | Callable[[Path], None]


@contextlib.contextmanager
def command_line(argv: Sequence[str]) -> Iterator[None]:
    """Record ``argv`` as the command line of runs written inside the block (used by the CLI)."""
    token = _COMMAND.set(tuple(argv))
    try:
        yield
    finally:
        _COMMAND.reset(token)


@contextlib.contextmanager
def protecting(paths: Iterable[str | os.PathLike]) -> Iterator[None]:
    """Inside the block, no run or output file may replace ``paths`` (the CLI protects the
    run store given with ``--store``)."""
    token = _PROTECTED.set((*_PROTECTED.get(), *(Path(p).expanduser() for p in paths)))
    try:
        yield
    finally:
        _PROTECTED.reset(token)


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions of innometrics, Python and the libraries a result depends on."""
    from . import __version__

    out = {"innometrics": __version__, "python": platform.python_version()}
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


# --- output safety ------------------------------------------------------------------------------
def _refuse(out: str | os.PathLike, problem: str, fix: str) -> InputError:
    return InputError(f"--out {out}", problem, fix)


#: Columns of run tables that hold codes: read back as text, so "028" stays "028" (numeric
#: columns such as cluster_id or run stay numbers).
CODE_COLUMNS = frozenset({"uCode", "iCode", "code", "id", "economy", "economies_iso2", "group",
                          "NUM", "Parent", "ISO3", "iso3"})


def _never_replaced(out: str | os.PathLike, real: Path, inputs: Iterable[Path]) -> None:
    """Refuse the places no option may replace: /, home, the working directory, its
    ancestors and the ancestors of an input."""
    cwd = Path.cwd().resolve()
    fix = "give the name of a new directory, e.g. --out results"
    if real == Path(real.anchor):
        raise _refuse(out, "is the root of the file system", fix)
    with contextlib.suppress(RuntimeError, KeyError):
        if real == Path.home().resolve():
            raise _refuse(out, "is your home directory", fix)
    if real == cwd:
        raise _refuse(out, "is the working directory", fix)
    if cwd.is_relative_to(real):
        raise _refuse(out, "contains the working directory", fix)
    for item in inputs:
        source = Path(item).resolve()
        if source.is_relative_to(real):
            what = "is" if source == real else "contains"
            raise _refuse(out, f"{what} the input {item}", fix)


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


def _foreign_files(directory: Path, listed: Iterable[str]) -> list[str]:
    """Files (at any depth, hidden ones too) under ``directory`` that a run's manifest does
    not list: a user's own files, which replacing the run would delete."""
    own = set(listed)
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*")
                  if (p.is_file() or p.is_symlink()) and str(p.relative_to(directory)) not in own)


def _protected_places() -> list[Path]:
    """Files innometrics keeps that no output may replace: the run store."""
    from .store import default_store_path

    places = list(_PROTECTED.get())
    with contextlib.suppress(Exception):
        places.append(default_store_path())
    return [p for p in places if p.exists()]


def _check_writable_parent(out: str | os.PathLike, path: Path) -> None:
    """The nearest existing ancestor of ``path`` must be a directory we may write in."""
    parent = path.parent
    while not parent.exists():
        if parent == parent.parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise _refuse(out, f"cannot be created: {parent} is not a directory",
                      "choose a path inside an existing directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _refuse(out, f"cannot be created: no permission to write in {parent}",
                      "choose a directory you can write to")


def _real_path(out: str | os.PathLike, wanted: str) -> Path:
    """``out`` made absolute; an empty path or a symbolic link is refused (replacing a link
    would replace what it points to, or the link the user made)."""
    if str(out).strip() == "":
        raise _refuse(out, "is empty", f"give {wanted}")
    path = Path(os.path.abspath(os.path.expanduser(out)))
    if path.is_symlink():
        raise _refuse(out, "is a symbolic link", f"give {wanted} that is not a link")
    return path.resolve()


def _no_permission_is_one_line(check: Callable[..., Path]) -> Callable[..., Path]:
    """A directory on the way that we may not look into refuses ``--out`` with one line."""

    @functools.wraps(check)
    def wrapper(out: str | os.PathLike, *args: Any, **kwargs: Any) -> Path:
        try:
            return check(out, *args, **kwargs)
        except PermissionError as exc:
            where = exc.filename or out
            raise _refuse(out, f"cannot be checked: no permission to look into {where}",
                          "choose a directory you can write to") from None

    return wrapper


@_no_permission_is_one_line
def check_out_dir(out: str | os.PathLike, *, kind: str, inputs: Iterable[str | os.PathLike] = (),
                  force: bool = False) -> Path:
    """Check that a run of ``kind`` may be written at ``out`` (module docstring); return the
    absolute path to write.

    Raises
    ------
    InputError
        With one line naming ``--out`` and why it is refused; nothing has been touched.
    """
    real = _real_path(out, "a directory name, e.g. --out results")
    inputs = [Path(p) for p in inputs] + _protected_places()
    _never_replaced(out, real, inputs)
    outer = enclosing_run(real)
    if outer is not None and not force:
        raise _refuse(out, f"lies inside the '{outer[1].get('kind')}' run {outer[0]}, which "
                      "a run written there would change", "give a directory outside that run, "
                      "or --force to write into it (its manifest then lists the new run)")
    if not real.exists():
        _check_writable_parent(out, real)
        return real
    mode = real.stat().st_mode
    if not stat.S_ISDIR(mode):
        what = "a file" if stat.S_ISREG(mode) else "a device or special file"
        raise _refuse(out, f"is {what}, not a directory",
                      "give the name of a new directory; innometrics never replaces a file "
                      "with a run")
    if not os.access(real.parent, os.W_OK | os.X_OK):
        raise _refuse(out, f"cannot be replaced: no permission to write in {real.parent}",
                      "choose a directory you can write to")
    entries = {e.name for e in os.scandir(real)}
    if not entries:
        return real
    manifest = _read_manifest(real)
    if manifest is None:
        if force:
            return real
        raise _refuse(out, "is a non-empty directory that is not an innometrics run",
                      "give a new directory name, or --force to replace it and everything in it")
    foreign = _foreign_files(real, manifest.get("files", []))
    if foreign and not force:
        raise _refuse(out, f"holds files the earlier run did not write ({', '.join(foreign[:3])}"
                      f"{', ...' if len(foreign) > 3 else ''})",
                      "move them out, give a new directory name, or --force to replace all")
    if manifest.get("kind") != kind and not force:
        raise _refuse(out, f"holds a '{manifest.get('kind')}' run, which a '{kind}' run would "
                      "replace", "give another directory, or --force to replace that run")
    return real


def enclosing_run(path: Path) -> tuple[Path, dict] | None:
    """The innometrics run directory that ``path`` lies in (its nearest ancestor with a
    run manifest) and that run's manifest, or None."""
    for parent in Path(path).parents:
        manifest = _read_manifest(parent) if parent.is_dir() else None
        if manifest is not None:
            return parent, manifest
    return None


def _list_in_enclosing_run(target: Path) -> None:
    """Keep the manifest of the run that ``target`` was written into (with ``force``) true:
    its files list names what now lies under ``target``, and nothing that no longer does."""
    outer = enclosing_run(target)
    if outer is None:
        return
    directory, manifest = outer
    inner = target.relative_to(directory).as_posix()
    kept = [f for f in manifest.get("files", []) if not (f == inner or f.startswith(inner + "/"))]
    now = [f"{inner}/{f}" for f in _files_of(target)] if target.is_dir() else [inner]
    _rewrite_manifest(directory, {**manifest, "files": sorted({*kept, *now})})


def _rewrite_manifest(directory: Path, manifest: Mapping) -> None:
    """Replace a run's manifest atomically (written beside it, then renamed)."""
    tmp = directory / f".{MANIFEST}.innometrics-tmp-{uuid.uuid4().hex[:12]}"
    try:
        tmp.write_text(to_json(manifest), encoding="utf-8")
        os.replace(tmp, directory / MANIFEST)
    finally:
        tmp.unlink(missing_ok=True)


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


@_no_permission_is_one_line
def check_out_file(out: str | os.PathLike, *, inputs: Iterable[str | os.PathLike] = (),
                   table: bool = False) -> Path:
    """Check that an output file may be written at ``out``: a new path, or a file innometrics
    wrote (its sidecar manifest records its SHA-256). With ``table=True``, its extension must
    also name a table format (:func:`check_table_suffix`). Returns the absolute path."""
    if table:
        check_table_suffix(out)
    real = _real_path(out, "a file name, e.g. --out records.parquet")
    for item in [*inputs, *_protected_places()]:
        if Path(item).resolve() in (real, _sidecar(real)):
            raise _refuse(out, f"is the input {item}", "give the name of a new file")
    side = _sidecar(real)
    if side.exists() and (not side.is_file()
                          or (_read_json(side) or {}).get("schema") != SCHEMA):
        raise _refuse(out, f"would replace {side.name}, which innometrics did not write",
                      "give another file name, or move that file away")
    if not real.exists():
        _check_writable_parent(out, real)
        return real
    if not real.is_file():
        raise _refuse(out, "exists and is not a regular file", "give the name of a new file")
    sidecar = _read_json(_sidecar(real))
    if (sidecar is None or sidecar.get("schema") != SCHEMA
            or sidecar.get("sha256") != sha256_file(real)):
        raise _refuse(out, "is an existing file that innometrics did not write",
                      "give the name of a new file, or move the existing one away")
    return real


def _read_json(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return value if isinstance(value, dict) else None


# --- writing -------------------------------------------------------------------------------------
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


#: How a table is written, by the extension of its file: the only extensions a table output
#: may have.
_TABLE_WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    ".csv": lambda frame, path: frame.to_csv(path, index=False),
    ".json": lambda frame, path: path.write_text(frame.to_json(
        orient="records", indent=2, double_precision=15, force_ascii=False) + "\n",
        encoding="utf-8"),
    ".parquet": lambda frame, path: frame.to_parquet(path, index=False),
    ".xlsx": lambda frame, path: frame.to_excel(path, index=False),
}
TABLE_FORMATS = tuple(_TABLE_WRITERS)


def check_table_suffix(out: str | os.PathLike) -> None:
    """Refuse a table output whose extension is not one of :data:`TABLE_FORMATS` (a table is
    written in the format its extension names, never CSV under another name)."""
    suffix = Path(out).suffix.lower()
    if suffix not in _TABLE_WRITERS:
        what = f"has the extension '{suffix}'" if suffix else "has no extension"
        raise _refuse(out, f"{what}, which names no table format innometrics writes",
                      f"end the file name with {', '.join(TABLE_FORMATS[:-1])} or "
                      f"{TABLE_FORMATS[-1]}")


def _write_value(path: Path, value: TableValue) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(value, pd.DataFrame):
        check_table_suffix(path)
        _TABLE_WRITERS[path.suffix.lower()](value, path)
    elif isinstance(value, str):
        path.write_text(value, encoding="utf-8")
    elif isinstance(value, bytes):
        path.write_bytes(value)
    elif isinstance(value, Mapping):
        path.write_text(to_json(value), encoding="utf-8")
    else:
        value(path)


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


def _recorded_path(path: Path) -> str:
    """How a manifest names an input: bundled data by its package path
    (``innometrics/datasets/gii_2023/data.csv``, the same on every machine), anything else by
    its final absolute path."""
    real = final_path(path)
    package = Path(__file__).resolve().parent
    if real.is_relative_to(package):
        return real.relative_to(package.parent).as_posix()
    return str(real)


def _inputs(inputs: Mapping[str, str | os.PathLike | Sequence]) -> list[dict]:
    """Every input file with its SHA-256; a folder is recorded file by file (every file in
    it, at any depth, hidden ones aside), so a changed CSV of a folder input shows."""
    rows = []
    for role, paths in inputs.items():
        items = paths if isinstance(paths, list | tuple) else [paths]
        for item in items:
            p = Path(item)
            files = sorted(f for f in p.rglob("*") if f.is_file() and not any(
                part.startswith(".") for part in f.relative_to(p).parts)) if p.is_dir() else [p]
            rows += [{"role": role, "path": _recorded_path(f),
                      "sha256": sha256_file(f) if f.is_file() else None} for f in files]
    return rows


def _files_of(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


def _manifest(kind: str, settings: Mapping, inputs: list[dict], started: float,
              created: str, details: Mapping | None) -> dict:
    command = _COMMAND.get()
    return {"schema": SCHEMA, "kind": kind, "command": list(command) if command else None,
            "settings": dict(settings), "inputs": inputs, "versions": versions(),
            "created": created, "duration_s": round(time.perf_counter() - started, 6),
            "files": [], "details": dict(details or {})}


@dataclass
class RunWriter:
    """Collects what a run writes; :func:`write_run` is the usual way to use it.

    Parameters
    ----------
    kind : str
        The kind of run (``build``, ``audit``, ``uncertainty``, ``clusters-rank`` ...).
    settings : mapping
        The settings actually used, every default resolved.
    inputs : mapping of role → path or list of paths
        Input files; each is recorded with its SHA-256.
    """

    kind: str
    settings: Mapping = field(default_factory=dict)
    inputs: Mapping = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(
        timespec="seconds"))

    def input_paths(self) -> list[Path]:
        out = []
        for paths in self.inputs.values():
            out.extend(Path(p) for p in (paths if isinstance(paths, list | tuple) else [paths]))
        return out

    def check(self, out: str | os.PathLike, *, force: bool = False) -> Path:
        """:func:`check_out_dir` for this run (call it before doing the work)."""
        return check_out_dir(out, kind=self.kind, inputs=self.input_paths(), force=force)

    def write(self, out: str | os.PathLike, tables: Mapping[str, TableValue], *,
              details: Mapping | None = None, force: bool = False) -> Path:
        """Write ``tables`` (file name relative to the run → value) and the manifest into
        ``out``, atomically; see :func:`write_run`."""
        target = self.check(out, force=force)
        with _staging_dir(out, target) as tmp:
            for name, value in tables.items():
                if Path(name).is_absolute() or ".." in Path(name).parts or name == MANIFEST:
                    raise ValueError(f"table name {name!r} must be a relative path inside the "
                                     "run and not the manifest")
                _write_value(tmp / name, value)
            manifest = _manifest(self.kind, self.settings, _inputs(self.inputs), self.started,
                                 self.created, details)
            manifest["files"] = sorted([*_files_of(tmp), MANIFEST])
            (tmp / MANIFEST).write_text(to_json(manifest), encoding="utf-8")
        _list_in_enclosing_run(target)
        return target


def write_run(out: str | os.PathLike, *, kind: str, tables: Mapping[str, TableValue],
              settings: Mapping | None = None, inputs: Mapping | None = None,
              details: Mapping | None = None, force: bool = False,
              started: float | None = None) -> Path:
    """Write a run directory: ``tables`` plus ``manifest.json``, replacing ``out`` only once all
    is written and only where :func:`check_out_dir` allows.

    Parameters
    ----------
    out : path
    kind : str
    tables : mapping of str → DataFrame, str, bytes, mapping or callable
        File name inside the run (``"scores.csv"``, ``"data/Raw.csv"``) → what to write:
        a DataFrame (by extension: CSV, JSON records, Parquet or Excel; no index), text,
        bytes, a mapping
        (JSON) or a function that writes the file at the path it is given.
    settings, inputs, details : mapping, optional
        See the module docstring.
    force : bool, default=False
        Replace a non-empty foreign directory or a run of another kind.
    started : float, optional
        ``time.perf_counter()`` when the work began (for ``duration_s``).

    Returns
    -------
    Path
        The absolute path of the run.
    """
    writer = RunWriter(kind=kind, settings=settings or {}, inputs=inputs or {})
    if started is not None:
        writer.started = started
    return writer.write(out, tables, details=details, force=force)


@contextlib.contextmanager
def _staging_dir(out: str | os.PathLike, target: Path) -> Iterator[Path]:
    """A fresh sibling directory of ``target`` that replaces it once the block succeeds."""
    created = _make_parents(target.parent, out)
    tmp = target.parent / f".{target.name}.innometrics-tmp-{uuid.uuid4().hex[:12]}"
    try:
        os.mkdir(tmp)  # os.mkdir honours the umask (mkdtemp would give 0700)
        token = _STAGED.set((*_STAGED.get(), (tmp.resolve(), final_path(target))))
        try:
            yield tmp
        finally:
            _STAGED.reset(token)
        _swap_into_place(tmp, target, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for directory in reversed(created):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


def _make_parents(parent: Path, out: str | os.PathLike) -> list[Path]:
    missing = []
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    created = []
    try:
        for directory in reversed(missing):
            directory.mkdir()
            created.append(directory)
    except OSError as exc:
        for directory in reversed(created):
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise _refuse(out, f"cannot be created ({exc.strerror})",
                      "choose a directory you can write to") from None
    return created


def _swap_into_place(tmp: Path, target: Path, out: str | os.PathLike) -> None:
    backup = None
    try:
        if target.exists():
            backup = target.parent / f".{target.name}.innometrics-old-{uuid.uuid4().hex[:12]}"
            target.rename(backup)
        tmp.rename(target)
    except OSError as exc:
        if backup is not None and not target.exists():
            backup.rename(target)
        raise _refuse(out, f"could not be written ({exc.strerror})",
                      "check the permissions of the directory") from None
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def write_file(out: str | os.PathLike, value: TableValue, *, kind: str,
               settings: Mapping | None = None, inputs: Mapping | None = None,
               details: Mapping | None = None, started: float | None = None) -> Path:
    """Write one output file through a temporary sibling, with a sidecar manifest
    ``<file>.manifest.json`` (same schema as a run's, plus the file's ``sha256``); replace an
    existing file only if innometrics wrote it (:func:`check_out_file`)."""
    started = time.perf_counter() if started is None else started
    created = datetime.now(UTC).isoformat(timespec="seconds")
    inputs = inputs or {}
    writer = RunWriter(kind=kind, settings=settings or {}, inputs=inputs)
    target = check_out_file(out, inputs=writer.input_paths(),
                            table=isinstance(value, pd.DataFrame))
    made = _make_parents(target.parent, out)
    tmp = target.parent / f".{target.name}.innometrics-tmp-{uuid.uuid4().hex[:12]}"
    # keep the real suffix last so that writers choosing a format by suffix still work
    tmp = tmp.with_name(tmp.name + target.suffix)
    try:
        _write_value(tmp, value)
        manifest = _manifest(kind, settings or {}, _inputs(inputs), started, created, details)
        manifest["files"] = [target.name]
        manifest["sha256"] = sha256_file(tmp)
        side_tmp = _sidecar(tmp)
        side_tmp.write_text(to_json(manifest), encoding="utf-8")
        os.replace(tmp, target)
        os.replace(side_tmp, _sidecar(target))
    except OSError as exc:
        raise _refuse(out, f"could not be written ({exc.strerror})",
                      "check the permissions of the directory") from None
    finally:
        tmp.unlink(missing_ok=True)
        _sidecar(tmp).unlink(missing_ok=True)
        if not target.exists():
            for directory in reversed(made):
                with contextlib.suppress(OSError):
                    directory.rmdir()
    return target


# --- reading -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """A run directory read back: its manifest and its tables.

    Attributes
    ----------
    path : Path
    manifest : dict
    """

    path: Path
    manifest: dict

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def files(self) -> list[str]:
        return list(self.manifest.get("files", []))

    @property
    def settings(self) -> dict:
        return dict(self.manifest.get("settings", {}))

    def has(self, name: str) -> bool:
        """Whether the run holds the table ``name`` (file name with or without ``.csv``)."""
        return self._file(name) is not None

    def _file(self, name: str) -> str | None:
        for candidate in (name, f"{name}.csv", f"{name}.parquet"):
            if candidate in self.manifest.get("files", []):
                return candidate
        return None

    def table(self, name: str) -> pd.DataFrame:
        """Read the table ``name`` (``"scores"``, ``"data/Raw"``, ``"assignments.parquet"``)."""
        found = self._file(name)
        if found is None:
            tables = [f for f in self.files if f.endswith((".csv", ".parquet"))]
            raise InputError(str(self.path), f"the {self.kind} run has no table '{name}'",
                             f"use one of {tables}")
        path = self.path / found
        try:
            if found.endswith(".parquet"):
                table = pd.read_parquet(path)
            else:
                header = pd.read_csv(path, nrows=0).columns
                table = pd.read_csv(path, keep_default_na=True, na_values=[""],
                                    dtype={c: str for c in header if c in CODE_COLUMNS})
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError,
                OSError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(str(path), f"cannot be read as a table ({first})",
                             "rerun the command that wrote the run") from None
        _check_columns(path, table, self.kind)
        if found.startswith(("scores.", "ranks.")) and self._file("framework.csv"):
            self._check_nodes(path, table)
        return table

    def _check_nodes(self, path: Path, table: pd.DataFrame) -> None:
        """A scores or ranks table holds a column for every indicator and aggregate of the
        run's framework (a column deleted by hand would make another node the index)."""
        framework = self.table("framework.csv")
        nodes = (framework.loc[framework["Type"].isin(["Indicator", "Aggregate"]), "iCode"]
                 if "Type" in framework else framework["iCode"])
        missing = [str(c) for c in nodes if str(c) not in table.columns]
        if missing:
            raise InputError(str(path), f"lacks the column '{missing[0]}', a node of the "
                             "run's framework.csv", "rerun the command that wrote the run; "
                             "do not edit its tables by hand")

    def _indexed(self, name: str) -> pd.DataFrame:
        table = self.table(name)
        if "uCode" not in table.columns:
            raise InputError(str(self.path / f"{name}.csv"), "has no uCode column",
                             "rerun the command that wrote the run")
        return table.set_index("uCode")

    def tables(self) -> list[str]:
        """Names of the tables the run holds."""
        return [f for f in self.files if f.endswith((".csv", ".parquet"))]

    @property
    def scores(self) -> pd.DataFrame:
        """``scores.csv`` indexed by ``uCode`` (build and GII import runs)."""
        return self._indexed("scores")

    @property
    def ranks(self) -> pd.DataFrame:
        """``ranks.csv`` indexed by ``uCode``."""
        return self._indexed("ranks")

    def recipe(self):
        """The recipe recorded in the run (``recipe.yaml``), loaded and validated."""
        from .recipe import load_recipe

        if "recipe.yaml" not in self.files:
            raise InputError(str(self.path), f"the {self.kind} run holds no recipe.yaml",
                             "open a build or GII import run")
        return load_recipe(self.path / "recipe.yaml")

    def rebuild(self):
        """Run the recorded recipe again (an :class:`~innometrics.result.IndexResult`)."""
        return self.recipe().run()

    def _repr_html_(self) -> str:
        """Kind, provenance and the top units as HTML (for Jupyter)."""
        from .report import summary_html

        return summary_html(self)


#: What the readers of run tables rely on, by file stem (``kind:stem`` for a table of one
#: kind of run only): the columns that must be there, the
#: columns that hold numbers (``None``: every column but uCode and uName) and the key
#: columns that may not be empty. A table edited by hand is checked against it
#: (:meth:`Run.table`).
_TABLE_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None, tuple[str, ...]]] = {
    "scores": (("uCode",), None, ("uCode",)),
    "ranks": (("uCode",), None, ("uCode",)),
    "rank_intervals": (("uCode", "nominal"), None, ("uCode",)),
    "gii-import:profiles": (("uCode", "uName", "code", "level", "score", "rank",
                             "strength_weakness", "income_group_sw"),
                            ("score", "rank", "wipo_score", "wipo_rank", "group_n",
                             "group_mean", "group_sd", "z"), ("uCode", "code", "level")),
    "agreement": (("code", "level", "economies", "reproduced"),
                  ("economies", "reproduced", "max_abs_diff", "rank_mismatches"), ("code",)),
    "clusters": (("name", "rank"),
                 ("cluster_id", "patents", "publications", "patent_share", "publication_share",
                  "score", "rank", "population", "intensity", "intensity_rank", "lat", "lon"),
                 ()),
    "economies": (("economy", "clusters"), ("clusters",), ("economy",)),
    "intensity": ((), ("intensity_rank", "cluster_id", "population", "patents",
                       "publications", "intensity", "rank"), ()),
    "claims": (("id", "verdict"), ("year", "claimed", "found", "tolerance", "rank_q05",
                                  "rank_median", "rank_q95"), ("id", "verdict")),
    "framework": (("iCode", "Level"), ("Level", "Weight", "Direction"), ("iCode",)),
}
_TEXT_COLUMNS = frozenset({"uCode", "uName"})


def _check_columns(path: Path, table: pd.DataFrame, kind: str) -> None:
    """Refuse a run table that lacks a column its readers rely on, has an empty key, or holds
    text where they expect numbers (a table edited by hand): one line naming the file, the
    column and the row (counted as in a spreadsheet, the header being row 1)."""
    stem = re.sub(r"\.(csv|parquet)$", "", path.name)
    rule = _TABLE_RULES.get(f"{kind}:{stem}", _TABLE_RULES.get(stem))
    if rule is None:
        return
    fix = "rerun the command that wrote the run; do not edit its tables by hand"
    required, numeric, keys = rule
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(str(path), f"lacks the column '{missing[0]}'", fix)
    for column in keys:
        empty = table[column].isna().to_numpy()
        if empty.any():
            raise InputError(str(path), f"column '{column}', row "
                             f"{int(np.flatnonzero(empty)[0]) + 2}: is empty", fix)
    columns = ([c for c in table.columns if c not in _TEXT_COLUMNS] if numeric is None
               else [c for c in numeric if c in table.columns])
    for column in columns:
        values = table[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        bad = (values.notna() & pd.to_numeric(values, errors="coerce").isna()).to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(str(path), f"column '{column}', row {row + 2}: "
                             f"{str(values.iloc[row])[:40]!r} is not a number", fix)


def open_run(path: str | os.PathLike) -> Run:
    """Read a run directory written by any innometrics command.

    Raises
    ------
    InputError
        If ``path`` is not a directory, has no valid manifest, or lacks a file its manifest
        lists (an incomplete or altered run).
    """
    directory = Path(path)
    if not directory.is_dir():
        raise InputError(str(path), "is not a directory", "give the --out directory of a run")
    manifest = _read_json(directory / MANIFEST)
    if manifest is None or manifest.get("schema") != SCHEMA:
        raise InputError(str(path), f"has no innometrics {MANIFEST}",
                         "give a directory written by an innometrics command")
    files = manifest.get("files")
    if (not isinstance(manifest.get("kind"), str) or not manifest["kind"]
            or not isinstance(files, list) or not all(isinstance(f, str) for f in files)
            or not isinstance(manifest.get("settings", {}), dict)):
        raise InputError(str(directory / MANIFEST), "is not a valid manifest (kind, files or "
                         "settings is missing or of the wrong type)",
                         "rerun the command that wrote the run; do not edit manifest.json")
    missing = [f for f in files if not (directory / f).is_file()]
    if missing:
        raise InputError(str(path), f"lacks {missing[0]}, which its manifest lists",
                         "rerun the command that wrote it")
    return Run(path=directory.resolve(), manifest=manifest)


def open_file(path: str | os.PathLike) -> Run:
    """Read back a single output file written by innometrics, by its sidecar
    ``<file>.manifest.json`` (a :class:`Run` whose ``path`` is the file).

    Raises
    ------
    InputError
        If the file or its sidecar is missing or not valid, or the file's SHA-256 differs
        from the one its sidecar records (the file was changed after it was written).
    """
    file = Path(path)
    side = _sidecar(file)
    if not file.is_file():
        raise InputError(str(path), "is not a file", "give an output file of innometrics")
    manifest = _read_json(side)
    if manifest is None or manifest.get("schema") != SCHEMA or not isinstance(
            manifest.get("kind"), str):
        raise InputError(str(path), f"has no valid innometrics sidecar {side.name}",
                         "give a file written by an innometrics command, with its "
                         "<file>.manifest.json beside it")
    if manifest.get("sha256") != sha256_file(file):
        raise InputError(str(path), f"does not match the SHA-256 recorded in {side.name}: it "
                         "was changed after innometrics wrote it",
                         "rerun the command that wrote it, or restore the original file")
    return Run(path=file.resolve(), manifest=manifest)


def add_to_run(run: Run | str | os.PathLike, files: Mapping[str, TableValue]) -> Run:
    """Add files to an existing run (e.g. its ``report.html``): each is written through a
    temporary file and renamed into place, then the manifest is rewritten the same way with
    the new files listed. A file the run already holds is replaced."""
    run = run if isinstance(run, Run) else open_run(run)
    for name in files:
        if Path(name).is_absolute() or ".." in Path(name).parts or name == MANIFEST:
            raise ValueError(f"file name {name!r} must be a relative path inside the run")
    for name, value in files.items():
        target = run.path / name
        tmp = target.with_name(f".{target.name}.innometrics-tmp-{uuid.uuid4().hex[:12]}"
                               f"{target.suffix}")
        try:
            _write_value(tmp, value)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    manifest = dict(run.manifest)
    manifest["files"] = sorted(set(manifest.get("files", [])) | set(files))
    _rewrite_manifest(run.path, manifest)
    _list_in_enclosing_run(run.path)
    return Run(path=run.path, manifest=manifest)
