"""The run store: every run's manifest, timings and result tables in one DuckDB file.

A :class:`RunStore` keeps what a run directory (:mod:`innometrics.runs`) holds that matters
for comparing runs later, even once the directory is gone: the manifest, the recipe and data
fingerprints, the duration and the result tables. ``innometrics runs list | show | diff | add``
read and write it.

**Where.** :func:`default_store_path`: ``$INNOMETRICS_STORE`` if set, else
``$XDG_DATA_HOME/innometrics/runs.duckdb``, else ``~/.local/share/innometrics/runs.duckdb``
(``%LOCALAPPDATA%\\innometrics\\runs.duckdb`` on Windows). ``INNOMETRICS_STORE=off`` (or
``none``, ``false``, ``no``, ``0``) turns automatic recording (:func:`record_quietly`) off.

**Schema** (``store_meta.schema`` = ``innometrics.store/1``)::

    store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)
    runs       (id VARCHAR PRIMARY KEY, seq BIGINT, kind, created, recipe, data_sha256,
                duration_s DOUBLE, path, command, innometrics, recorded, fingerprint,
                manifest VARCHAR)                      -- one row per run, manifest as JSON text
    run_tables (run_id, name, n_rows BIGINT, columns VARCHAR)   -- columns: JSON [[name, type]]
    run_cells  (run_id, tbl, row_no INTEGER, key VARCHAR, col VARCHAR, num DOUBLE, txt VARCHAR)

Tables are stored in *long form*, one row per cell: ``num`` holds numbers (types ``int``,
``num``, ``bool``), ``txt`` text; both NULL is a missing value; ``key`` repeats the row's first
column (``uCode``, ``cluster_id``, claim ``id``) so that SQL can follow one unit across runs::

    SELECT r.id, r.created, c.num AS rank FROM run_cells c JOIN runs r ON r.id = c.run_id
    WHERE c.tbl = 'ranks' AND c.col = 'Index' AND c.key = 'CHN' ORDER BY r.created;

Only result tables are kept (:data:`RESULT_TABLES`, also inside sub-runs such as a demo's
``gii-2021/ranks``); stages, designs and record files stay in the run directory.

**Ids.** A run's id is the first 12 hex digits of the SHA-256 of its manifest (without the
``files`` list, which grows when a report is added), longer only in the unlikely case of a
clash. Recording the same run twice returns the same id. Any unique prefix names a run.

**Safety.** Each record is written in one transaction: a writer killed mid-record (even by
SIGKILL) leaves the runs committed before it intact, and the run it was writing whole or
absent (DuckDB replays its write-ahead log on the next open; large inserts go to free blocks
that only the commit makes part of the database). A file that is not a run store, a corrupt
or truncated store, or one held by another process (DuckDB allows one writing process) gives
one :class:`~innometrics.errors.InputError` line and is never modified. A connection is held
only for the duration of one call.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._places import default_store_path, store_off
from .errors import InputError
from .run_diff import (
    ABSENT,
    DiffResult,
    index_difference,
    inputs_diff,
    rank_diff,
    settings_diff,
)
from .runs import Run, open_file, open_run
from .store_tables import decode_table, encode_table

__all__ = ["STORE_SCHEMA", "RESULT_TABLES", "ABSENT", "RunStore", "StoredRun", "DiffResult",
           "StoreWarning", "default_store_path", "record_quietly", "settings_diff",
           "open_recordable"]

STORE_SCHEMA = "innometrics.store/1"
#: Tables a run's result is recorded with (by file stem, at the top level or in a sub-run).
RESULT_TABLES = ("scores", "ranks", "rank_intervals", "rank_changes", "sensitivity", "clusters",
                 "economies", "intensity", "claims", "flags", "cronbach", "weights_effective",
                 "importance", "removal", "atlas", "trends", "fit", "weights")
_LIST_COLUMNS = ["id", "kind", "created", "recipe", "data_sha256", "duration_s", "path",
                 "recorded"]
_DDL = """
CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE runs (id VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, kind VARCHAR NOT NULL,
    created VARCHAR, recipe VARCHAR, data_sha256 VARCHAR, duration_s DOUBLE, path VARCHAR,
    command VARCHAR, innometrics VARCHAR, recorded VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL, manifest VARCHAR NOT NULL);
CREATE TABLE run_tables (run_id VARCHAR NOT NULL, name VARCHAR NOT NULL, n_rows BIGINT,
    columns VARCHAR, PRIMARY KEY (run_id, name));
CREATE TABLE run_cells (run_id VARCHAR NOT NULL, tbl VARCHAR NOT NULL, row_no INTEGER,
    key VARCHAR, col VARCHAR, num DOUBLE, txt VARCHAR);
"""
_FIX = "move the file away, or give another store with --store or $INNOMETRICS_STORE"


class StoreWarning(UserWarning):
    """A run could not be recorded in the run store (locked, corrupt, unwritable); the run
    directory itself is complete."""


def open_recordable(path: str | os.PathLike) -> Run:
    """A run directory (:func:`~innometrics.runs.open_run`), or a single output file with its
    sidecar ``<file>.manifest.json`` (:func:`~innometrics.runs.open_file`, recorded without
    tables; a file whose SHA-256 no longer matches its sidecar is refused)."""
    return open_file(path) if Path(path).is_file() else open_run(path)


def record_quietly(run: Run | str | os.PathLike, store_path: str | os.PathLike | None = None,
                   *, timeout: float = 2.0) -> str | None:
    """Record ``run`` and return its id, or warn (:class:`StoreWarning`) and return None when
    the store cannot take it: recording never makes a command fail. Without ``store_path``,
    does nothing when ``$INNOMETRICS_STORE`` is ``off``."""
    if store_path is None and store_off():
        return None
    try:
        return RunStore(store_path, timeout=timeout).record(run)
    except Exception as exc:  # noqa: BLE001 - a store problem must never fail the command
        warnings.warn(f"the run was not recorded in the run store: {' '.join(str(exc).split())}",
                      StoreWarning, stacklevel=2)
        return None


@dataclass(frozen=True)
class StoredRun:
    """A run as the store holds it (:meth:`RunStore.show`).

    Attributes
    ----------
    id, kind, created, recipe, data_sha256, path, recorded : str or None
    duration_s : float or None
    manifest : dict
        The manifest as recorded.
    tables : dict of str → (rows, columns)
        The tables recorded with the run.
    summary : dict
        A few facts by kind: units, index and top 5 (ranked runs), clusters and top 3,
        claims per verdict.
    """

    id: str
    kind: str
    created: str | None
    recipe: str | None
    data_sha256: str | None
    duration_s: float | None
    path: str | None
    recorded: str
    manifest: dict
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Everything as plain data (for JSON)."""
        return asdict(self)


class RunStore:
    """A run store in one DuckDB file (module docstring).

    Parameters
    ----------
    path : path-like, default=default_store_path()
        The store file; created with its directory on the first record.
    timeout : float, default=2.0
        Seconds to wait for another process that holds the store before giving up.

    Examples
    --------
    >>> store = RunStore("runs.duckdb")                               # doctest: +SKIP
    >>> a, b = store.record("results"), store.record("variant")       # doctest: +SKIP
    >>> store.diff(a, b).table                                        # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike | None = None, *, timeout: float = 2.0) -> None:
        self.path = Path(path).expanduser() if path is not None else default_store_path()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    # --- connections ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connect(self, *, write: bool) -> Iterator[Any]:
        """A connection for one call (None when reading a store that does not exist yet)."""
        import duckdb

        if self.path.exists() and not self.path.is_file():
            raise InputError(str(self.path), "is not a file", _FIX)
        if not write and not self.path.exists():
            yield None
            return
        if write:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(str(self.path), f"cannot be created ({exc.strerror})",
                                 "give a store in a directory you can write to") from None
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=not write)
                break
            except duckdb.Error as exc:
                if _is_lock(str(exc)) and time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise self._error(exc) from None
        try:
            self._check_schema(con, write)
            yield con
        except duckdb.Error as exc:
            raise self._error(exc) from None
        finally:
            con.close()

    def _error(self, exc: Exception) -> InputError:
        text = " ".join(str(exc).split())
        if _is_lock(text):
            pid = re.search(r"PID (\d+)", text)
            who = f" (PID {pid.group(1)})" if pid else ""
            return InputError(str(self.path), f"is locked by another process{who}",
                              "wait for the other innometrics command or DuckDB session to "
                              "finish, or give another store with --store")
        if "not a valid DuckDB database" in text:
            return InputError(str(self.path), "is not a run store (not a DuckDB database "
                              "file); it was left untouched", _FIX)
        if "Corrupt database file" in text or "Could not read enough bytes" in text:
            what = "truncated" if "enough bytes" in text else "corrupt (a checksum differs)"
            return InputError(str(self.path), f"is {what}; it was left as it is",
                              "restore it from a backup, or " + _FIX)
        text = re.sub(r"^[A-Za-z ]*Error: ", "", text)
        return InputError(str(self.path), f"cannot be used as a run store ({text[:200]}); it "
                          "was left as it is", _FIX)

    def _check_schema(self, con: Any, write: bool) -> None:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()}
        if not tables and write:
            con.execute("BEGIN TRANSACTION")
            con.execute(_DDL)
            con.execute("INSERT INTO store_meta VALUES ('schema', ?)", [STORE_SCHEMA])
            con.execute("COMMIT")
            return
        if not tables:
            return
        schema = None
        if {"store_meta", "runs", "run_tables", "run_cells"} <= tables:
            row = con.execute("SELECT value FROM store_meta WHERE key = 'schema'").fetchone()
            schema = row[0] if row else None
        if schema == STORE_SCHEMA:
            return
        if schema and schema.startswith("innometrics.store/"):
            raise InputError(str(self.path), f"is a run store of another version ({schema})",
                             "use the innometrics version that wrote it, or another --store")
        raise InputError(str(self.path), "is a DuckDB database but not an innometrics run "
                         "store; it was left untouched", _FIX)

    # --- writing -----------------------------------------------------------------------------
    def record(self, run: Run | str | os.PathLike, *,
               tables: Iterable[str] | None = None) -> str:
        """Record a run (its manifest and result tables) in one transaction; return its id.

        Parameters
        ----------
        run : Run or path-like
            A run read back with :func:`~innometrics.runs.open_run`, or its directory.
        tables : iterable of str, optional
            Table stems to record; default :data:`RESULT_TABLES`.

        Returns
        -------
        str
            The run's id (the existing one if the run was recorded before).
        """
        run = run if isinstance(run, Run) else open_recordable(run)
        manifest = run.manifest
        fingerprint = _fingerprint(manifest)
        wanted = set(RESULT_TABLES if tables is None else tables)
        encoded = []
        for file in run.tables() if run.path.is_dir() else []:
            name = _table_name(file)
            if Path(name).name in wanted:
                encoded.append((name, len(table := run.table(file)), *encode_table(table, name)))
        inputs = {i.get("role"): i for i in reversed(manifest.get("inputs") or [])}
        data = next((inputs[r] for r in ("data", "records", "workbook") if r in inputs),
                    next((i for r, i in inputs.items() if r not in ("recipe", "framework")),
                         {}))
        command = manifest.get("command")
        with self._connect(write=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                found = con.execute("SELECT id FROM runs WHERE fingerprint = ?",
                                    [fingerprint]).fetchone()
                if found:
                    con.execute("ROLLBACK")
                    return found[0]
                taken = {r[0] for r in con.execute(
                    "SELECT id FROM runs WHERE starts_with(?, id)", [fingerprint]).fetchall()}
                run_id = next(fingerprint[:n] for n in range(12, 65, 4)
                              if fingerprint[:n] not in taken)
                seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM runs").fetchone()[0]
                con.execute(
                    "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, seq, str(manifest.get("kind")), manifest.get("created"),
                     inputs.get("recipe", {}).get("path"), data.get("sha256"),
                     manifest.get("duration_s"), str(run.path),
                     " ".join(command) if isinstance(command, list) else None,
                     (manifest.get("versions") or {}).get("innometrics"),
                     datetime.now(UTC).isoformat(timespec="seconds"), fingerprint,
                     json.dumps(manifest, default=str)])
                for name, n_rows, columns, cells in encoded:
                    con.execute("INSERT INTO run_tables VALUES (?, ?, ?, ?)",
                                [run_id, name, n_rows, json.dumps(columns)])
                    con.register("_innometrics_cells", cells)
                    con.execute("INSERT INTO run_cells SELECT ?, tbl, row_no, key, col, "
                                "CASE WHEN isnan(num) THEN NULL ELSE num END, txt "
                                "FROM _innometrics_cells", [run_id])
                    con.unregister("_innometrics_cells")
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):
                    con.execute("ROLLBACK")
                raise
        return run_id

    # --- reading -----------------------------------------------------------------------------
    def list(self, kind: str | None = None) -> pd.DataFrame:
        """The recorded runs, oldest first: ``id, kind, created, recipe, data_sha256``, then
        ``duration_s, path, recorded``. An absent store has no runs."""
        with self._connect(write=False) as con:
            if con is None or not _has_runs_table(con):
                return pd.DataFrame({c: pd.Series(dtype=object) for c in _LIST_COLUMNS})
            where, args = ("WHERE kind = ?", [kind]) if kind else ("", [])
            return con.execute(f"SELECT {', '.join(_LIST_COLUMNS)} FROM runs {where} "
                               "ORDER BY created, seq", args).df()

    def resolve(self, ref: str) -> str:
        """The full id of the run named by ``ref`` (an id or a unique prefix of one)."""
        with self._connect(write=False) as con:
            return self._resolve(con, ref)

    def _resolve(self, con: Any, ref: str) -> str:
        ref = str(ref).strip().lower()
        found = [] if con is None or not ref or not _has_runs_table(con) else [
            r[0] for r in con.execute("SELECT id FROM runs WHERE starts_with(id, ?) "
                                      "ORDER BY id", [ref]).fetchall()]
        if ref in found:
            return ref
        if not found:
            raise InputError(f"run '{ref}'", f"is not in the run store {self.path}",
                             "see the ids with: innometrics runs list")
        if len(found) > 1:
            shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
            raise InputError(f"run '{ref}'", f"is ambiguous: {len(found)} runs start with it "
                             f"({shown})", "give more characters of the id")
        return found[0]

    def show(self, ref: str) -> StoredRun:
        """A recorded run: its manifest, tables and a short summary (see :class:`StoredRun`)."""
        with self._connect(write=False) as con:
            run_id = self._resolve(con, ref)
            row = con.execute("SELECT id, kind, created, recipe, data_sha256, duration_s, "
                              "path, recorded, manifest FROM runs WHERE id = ?",
                              [run_id]).fetchone()
            tables = {name: (int(n), len(json.loads(cols))) for name, n, cols in con.execute(
                "SELECT name, n_rows, columns FROM run_tables WHERE run_id = ? ORDER BY name",
                [run_id]).fetchall()}
            summary = self._summary(con, run_id, tables)
        return StoredRun(*row[:8], manifest=json.loads(row[8]), tables=tables, summary=summary)

    def table(self, ref: str, name: str) -> pd.DataFrame:
        """A table recorded with a run (``"ranks"``, ``"rank_intervals"``, ``"clusters"``),
        with its columns, order and types as in the run directory."""
        with self._connect(write=False) as con:
            return self._table(con, self._resolve(con, ref), name.removesuffix(".csv"))

    def _table(self, con: Any, run_id: str, name: str) -> pd.DataFrame:
        spec = con.execute("SELECT n_rows, columns FROM run_tables WHERE run_id = ? AND "
                           "name = ?", [run_id, name]).fetchone()
        if spec is None:
            held = [r[0] for r in con.execute("SELECT name FROM run_tables WHERE run_id = ? "
                                              "ORDER BY name", [run_id]).fetchall()]
            raise InputError(f"run '{run_id}'", f"has no recorded table '{name}'",
                             f"use one of {held}")
        cells = con.execute("SELECT row_no, col, num, txt FROM run_cells WHERE run_id = ? AND "
                            "tbl = ?", [run_id, name]).df()
        return decode_table(cells, int(spec[0]), json.loads(spec[1]))

    def diff(self, ref_a: str, ref_b: str) -> DiffResult:
        """Compare two runs: the index rank of each unit ranked in both, the units ranked in
        one only, whether the runs rank different indices, and the settings and input files
        that differ (see :class:`DiffResult`; ``change = rank_b - rank_a``)."""
        with self._connect(write=False) as con:
            ids = (self._resolve(con, ref_a), self._resolve(con, ref_b))
            manifests = [json.loads(con.execute("SELECT manifest FROM runs WHERE id = ?",
                                                [i]).fetchone()[0]) for i in ids]
            ranked = [_index_ranks(con, i) for i in ids]
            nodes = tuple(_score_nodes(con, i) for i in ids)
        table, only_a, only_b = rank_diff(ranked[0][1], ranked[1][1])
        ranked_by = (ranked[0][0], ranked[1][0])
        return DiffResult(ids[0], ids[1], table,
                          settings_diff(manifests[0].get("settings", {}),
                                        manifests[1].get("settings", {})),
                          inputs_diff(*manifests), ranked_by, only_a, only_b,
                          index_difference(ranked_by, nodes))

    def _summary(self, con: Any, run_id: str, tables: Mapping[str, tuple]) -> dict[str, Any]:
        source, ranks = _index_ranks(con, run_id)
        out: dict[str, Any] = {}
        if ranks is not None:
            out.update(units=len(ranks), ranked_by=source,
                       top=[str(u) for u in ranks.sort_values(kind="stable").index[:5]])
        if "clusters" in tables:
            clusters = self._table(con, run_id, "clusters")
            out["clusters"] = len(clusters)
            if {"name", "rank"} <= set(clusters.columns):
                out["top"] = list(clusters.sort_values("rank", kind="stable")["name"][:3])
        if "claims" in tables:
            verdicts = self._table(con, run_id, "claims").get("verdict")
            if verdicts is not None:
                out["claims"] = {str(k): int(v) for k, v in verdicts.value_counts().items()}
        return out


# --- helpers ---------------------------------------------------------------------------------
def _fingerprint(manifest: Mapping) -> str:
    core = {k: v for k, v in manifest.items() if k != "files"}
    text = json.dumps(core, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_lock(message: str) -> bool:
    return "Could not set lock" in message or "Conflicting lock" in message


def _table_name(file: str) -> str:
    return re.sub(r"\.(csv|parquet)$", "", file)


def _has_runs_table(con: Any) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                            "table_schema = 'main' AND table_name = 'runs'").fetchone()[0])


#: Columns of a scores table that are not nodes of the framework.
_NOT_NODES = frozenset({"uCode", "uName", "Group", "group"})


def _score_nodes(con: Any, run_id: str) -> frozenset[str] | None:
    """The framework's nodes as the run's recorded scores table names them (its columns), or
    None when no scores table was recorded."""
    row = con.execute("SELECT columns FROM run_tables WHERE run_id = ? AND name = 'scores'",
                      [run_id]).fetchone()
    if row is None:
        return None
    return frozenset(c for c, _ in json.loads(row[0]) if c not in _NOT_NODES)


def _index_ranks(con: Any, run_id: str) -> tuple[str | None, pd.Series | None]:
    """Where the run's index ranks are (``ranks.<index>`` or ``rank_intervals.nominal``) and
    the ranks by uCode; ``(None, None)`` for a run without them."""
    specs = dict(con.execute("SELECT name, columns FROM run_tables WHERE run_id = ? AND name "
                             "IN ('ranks', 'rank_intervals')", [run_id]).fetchall())
    if "ranks" in specs:
        table, column = "ranks", json.loads(specs["ranks"])[-1][0]
    elif "rank_intervals" in specs:
        table, column = "rank_intervals", "nominal"
    else:
        return None, None
    rows = con.execute("SELECT key, num FROM run_cells WHERE run_id = ? AND tbl = ? AND "
                       "col = ? AND key IS NOT NULL", [run_id, table, column]).fetchall()
    ranks = pd.Series({k: v for k, v in rows}, dtype=float)
    ranks = ranks.round().astype("Int64") if np.allclose(ranks.dropna() % 1, 0) else ranks
    return f"{table}.{column}", ranks
