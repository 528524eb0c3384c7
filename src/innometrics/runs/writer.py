"""Writing runs: a run directory staged beside its place and swapped in atomically, single
files with a sidecar manifest, files added to a finished run (:mod:`innometrics.runs`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from .encoding import (
    _COMMAND,
    _STAGED,
    MANIFEST,
    SCHEMA,
    _sidecar,
    final_path,
    sha256_file,
    to_json,
    versions,
)
from .reader import Run, open_run
from .safety import _refuse, check_out_dir, check_out_file, check_table_suffix, enclosing_run

#: What a run may hold: a table, text, bytes, or a function that writes the file itself.
TableValue = pd.DataFrame | str | bytes | Mapping | Callable[[Path], None]


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


def _recorded_path(path: Path) -> str:
    """How a manifest names an input: bundled data by its package path
    (``innometrics/datasets/gii_2023/data.csv``, the same on every machine), anything else by
    its final absolute path."""
    real = final_path(path)
    package = Path(__file__).resolve().parents[1]  # the innometrics package
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
