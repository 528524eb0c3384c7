"""``innometrics runs``: list, show, compare and add runs in the run store
(:mod:`innometrics.store`).

Human output is a rich table; ``--csv`` prints CSV on stdout instead. A missing, locked or
corrupt store, or an unknown or ambiguous id, prints one line and exits with status 2.

Commands import the engines they run inside their own functions: that keeps
``innometrics --help`` and a mistyped command fast (no plotly, Dask, DuckDB or SALib to load).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from ._cli_util import (
    StoreFile,
    TableOut,
    console,
    err_console,
    friendly_errors,
    number_text,
    rank_text,
    write_table_out,
)
from ._params import did_you_mean
from .errors import InputError
from .runs import check_out_file
from .store import ABSENT, RunStore, open_recordable

__all__ = ["app"]

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="The run store: every recorded run, its settings and result tables.")

StoreOpt = StoreFile
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV on stdout instead of a table.")]


def _store(path: Path | None) -> RunStore:
    return RunStore(path)  # None: default_store_path()


def _value(value: Any) -> str:
    if value is ABSENT:
        return "(absent)"
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _short_path(path: str | None) -> str:
    """A recipe path as the list shows it: ``~`` for home, the last three parts if long."""
    if not isinstance(path, str) or not path:
        return "–"
    text = path
    with contextlib.suppress(RuntimeError, KeyError):
        home = str(Path.home())
        if text.startswith(home + os.sep):
            text = "~" + text[len(home):]
    parts = Path(text).parts
    return text if len(text) <= 40 or len(parts) <= 3 else str(Path("…", *parts[-3:]))


def _csv(frame: pd.DataFrame) -> None:
    typer.echo(frame.to_csv(index=False), nl=False)


@app.command("list")
@friendly_errors
def list_runs(store: StoreOpt = None, csv: CsvOpt = False,
              kind: Annotated[str | None, typer.Option(help="Only runs of this kind (build, "
                                                            "uncertainty, ...).")] = None
              ) -> None:
    """List the recorded runs, oldest first: id, kind, created, recipe, data SHA-256.

    Example: innometrics runs list --csv
    """
    rs = _store(store)
    runs = rs.list(kind=kind)
    known = set(rs.list()["kind"])
    if kind is not None and kind not in known:
        raise InputError("--kind", f"no run of kind '{kind}' is recorded."
                         f"{did_you_mean(kind, known)}",
                         f"use one of {sorted(known) or 'the kinds recorded (none yet)'}")
    if csv:
        _csv(runs)
        return
    if runs.empty:
        console.print(f"no runs recorded in {rs.path}")
        return
    console.print(f"{len(runs)} runs in {rs.path}")
    table = Table()
    for column in ("id", "kind", "created (UTC)", "recipe", "data", "seconds"):
        table.add_column(column, no_wrap=column != "recipe", overflow="fold",
                         justify="right" if column == "seconds" else "left")
    for row in runs.itertuples():
        table.add_row(row.id, row.kind, str(row.created or "")[:16].replace("T", " "),
                      _short_path(row.recipe),
                      row.data_sha256[:8] if isinstance(row.data_sha256, str) else "–",
                      number_text(row.duration_s))
    console.print(table)


@app.command()
@friendly_errors
def show(id_: Annotated[str, typer.Argument(metavar="ID", help="Run id or a unique prefix "
                                                              "of one.")],
         store: StoreOpt = None,
         as_json: Annotated[bool, typer.Option("--json", help="Print everything recorded "
                                                             "as JSON.")] = False,
         out: TableOut = None,
         table: Annotated[str | None, typer.Option(
             "--table", help="The recorded table --out writes (default: ranks, else "
                             "rank_intervals, clusters or claims, the first recorded).")] = None
         ) -> None:
    """Show a recorded run: when and how it was made, its inputs with their SHA-256, its
    tables and a summary; --json prints everything recorded; --out also writes one of its
    recorded tables (--table) to a file.

    Example: innometrics runs show 3f2a
    """
    import yaml

    if out is not None:
        check_out_file(out, table=True)
    rs = _store(store)
    run = rs.show(id_)
    if out is not None:
        name = table or next((t for t in ("ranks", "rank_intervals", "clusters", "claims")
                              if t in run.tables), None)
        if name is None:
            raise InputError(f"run '{run.id}'", "has no recorded table to write",
                             f"give --table with one of {sorted(run.tables) or '(none)'}")
        write_table_out(out, rs.table(run.id, name), kind="runs-show",
                        settings={"run": run.id, "table": name}, on_stderr=as_json)
    if as_json:
        typer.echo(json.dumps(run.to_dict(), indent=2, default=str))
        return
    versions = run.manifest.get("versions") or {}
    command = run.manifest.get("command")
    for label, value in (("run", run.id), ("kind", run.kind), ("created", run.created),
                         ("duration", f"{number_text(run.duration_s)} s"),
                         ("recipe", run.recipe), ("data sha256", run.data_sha256),
                         ("directory", run.path), ("recorded", run.recorded),
                         ("command", " ".join(command) if command else None),
                         ("innometrics", versions.get("innometrics"))):
        console.print(f"{label:<12} {value if value is not None else '–'}")
    for item in run.manifest.get("inputs") or []:
        console.print(f"{'input':<12} {item.get('role')}: {item.get('path')} "
                      f"(sha256 {str(item.get('sha256'))[:12]})")
    for name, (rows, columns) in run.tables.items():
        console.print(f"{'table':<12} {name} ({rows} rows × {columns} columns)")
    for key, value in run.summary.items():
        text = ", ".join(value) if isinstance(value, list) else _value(value)
        console.print(f"{key:<12} {text}")
    if run.manifest.get("settings"):
        console.print("settings:")
        console.print(yaml.safe_dump(run.manifest["settings"], sort_keys=False,
                                     allow_unicode=True, default_flow_style=None).rstrip())


@app.command()
@friendly_errors
def diff(id1: Annotated[str, typer.Argument(help="First run (a): an id or a unique "
                                                 "prefix.")],
         id2: Annotated[str, typer.Argument(help="Second run (b).")],
         store: StoreOpt = None, csv: CsvOpt = False, out: TableOut = None) -> None:
    """Compare two runs: the index rank of each unit ranked in both (change = rank in ID2 −
    rank in ID1; positive means the unit fell; counts refer to these shared units), the units
    ranked in one run only, a warning when the runs rank different indices (another top node
    or framework), and the settings and input files that differ. With --csv, the rank table
    goes to stdout and the rest to stderr; --out also writes the rank table to a file.

    Example: innometrics runs diff 3f2a 9b1c
    """
    if out is not None:
        check_out_file(out, table=True)
    result = _store(store).diff(id1, id2)
    if out is not None:
        write_table_out(out, result.table, kind="runs-diff",
                        settings={"a": result.id_a, "b": result.id_b}, on_stderr=csv)
    lines = [f"{key}: {_value(a)} → {_value(b)}" for key, a, b in result.settings]
    lines += [f"input {role}: sha256 {str(a)[:12]} → {str(b)[:12]}"
              for role, a, b in result.inputs]
    notes = [f"warning: {result.different_index}"] if result.different_index else []
    notes += [f"only in {side} ({len(units)}): {_some(units)}"
              for side, units in (("a", result.only_a), ("b", result.only_b)) if units]
    if csv:
        _csv(result.table)
        for line in [*notes, *(f"differs: {line}" for line in lines)]:
            err_console.print(line, soft_wrap=True)
        return
    if result.table.empty:
        which = " and ".join(f"{i} ({r or 'no index ranks'})"
                             for i, r in zip((result.id_a, result.id_b), result.ranked_by,
                                             strict=True))
        console.print(f"no ranks to compare: {which}" + (
            "; no unit is ranked in both" if all(result.ranked_by) else ""))
    else:
        console.print(f"a = {result.id_a} ({result.ranked_by[0]}), b = {result.id_b} "
                      f"({result.ranked_by[1]}): {result.moved} of {len(result.table)} units "
                      "ranked in both moved")
    for note in notes:
        console.print(note, soft_wrap=True)
    if not result.table.empty:
        table = Table()
        for column in ("uCode", "rank a", "rank b", "change"):
            table.add_column(column, justify="left" if column == "uCode" else "right")
        for row in result.table.itertuples():
            change = "–" if pd.isna(row.change) else f"{int(row.change):+d}" \
                if row.change else "0"
            table.add_row(str(row.uCode), rank_text(_na(row.rank_a)), rank_text(_na(row.rank_b)),
                          change)
        console.print(table)
    console.print("settings and inputs that differ:" if lines else
                  "settings and inputs: identical")
    for line in lines:
        console.print(f"  {line}", soft_wrap=True)


def _some(units: list[str], n: int = 10) -> str:
    return ", ".join(units[:n]) + (f" and {len(units) - n} more" if len(units) > n else "")


def _na(value: Any) -> float:
    return float("nan") if pd.isna(value) else float(value)


@app.command()
@friendly_errors
def add(run_dir: Annotated[list[Path], typer.Argument(
            help="Run directories (or output files with a "
                                      "<file>.manifest.json).")],
        store: StoreOpt = None) -> None:
    """Record existing run directories in the store (a run recorded before keeps its id).

    Example: innometrics runs add results
    """
    rs = _store(store)
    runs = [open_recordable(path) for path in run_dir]  # check all before recording any
    known = set(rs.list()["id"])
    for path, run in zip(run_dir, runs, strict=True):
        run_id = rs.record(run)
        state = "already recorded as" if run_id in known else "recorded as"
        known.add(run_id)
        console.print(f"{path}: {state} {run_id} ({run.kind}, {run.manifest.get('created')})")
