"""Output safety: where a run directory or an output file may be written, and what may
never be replaced (the policy in :mod:`innometrics.runs`)."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .._places import default_store_path
from ..errors import InputError
from .encoding import SCHEMA, _read_json, _read_manifest, _sidecar, sha256_file

#: Files no output may replace besides the default run store (``--store PATH``; see
#: :func:`protecting`).
_PROTECTED: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar(
    "innometrics_protected", default=())


@contextlib.contextmanager
def protecting(paths: Iterable[str | os.PathLike]) -> Iterator[None]:
    """Inside the block, no run or output file may replace ``paths`` (the CLI protects the
    run store given with ``--store``)."""
    token = _PROTECTED.set((*_PROTECTED.get(), *(Path(p).expanduser() for p in paths)))
    try:
        yield
    finally:
        _PROTECTED.reset(token)


# --- output safety ------------------------------------------------------------------------------
def _refuse(out: str | os.PathLike, problem: str, fix: str) -> InputError:
    return InputError(f"--out {out}", problem, fix)


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


def _foreign_files(directory: Path, listed: Iterable[str]) -> list[str]:
    """Files (at any depth, hidden ones too) under ``directory`` that a run's manifest does
    not list: a user's own files, which replacing the run would delete."""
    own = set(listed)
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*")
                  if (p.is_file() or p.is_symlink()) and str(p.relative_to(directory)) not in own)


def _protected_places() -> list[Path]:
    """Files innometrics keeps that no output may replace: the run store."""
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


TABLE_FORMATS = (".csv", ".json", ".parquet", ".xlsx")


def check_table_suffix(out: str | os.PathLike) -> None:
    """Refuse a table output whose extension is not one of :data:`TABLE_FORMATS` (a table is
    written in the format its extension names, never CSV under another name)."""
    suffix = Path(out).suffix.lower()
    if suffix not in TABLE_FORMATS:
        what = f"has the extension '{suffix}'" if suffix else "has no extension"
        raise _refuse(out, f"{what}, which names no table format innometrics writes",
                      f"end the file name with {', '.join(TABLE_FORMATS[:-1])} or "
                      f"{TABLE_FORMATS[-1]}")


