"""``innometrics runs``: list, show, compare and add runs in the run store
(:mod:`innometrics.store`).

Human output is a rich table; ``--csv`` prints CSV on stdout instead. A missing, locked or
corrupt store, or an unknown or ambiguous id, prints one line and exits with status 2.
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

from ._cli_util import console, err_console, friendly_errors, number_text, rank_text
from ._params import did_you_mean
from .errors import InputError
from .store import ABSENT, RunStore, open_recordable

__all__ = ["app"]

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="The run store: every recorded run, its settings and result tables.")

StoreOpt = Annotated[Path | None, typer.Option(
    "--store", help="Run store file (default: $INNOMETRICS_STORE, else "
                    "~/.local/share/innometrics/runs.duckdb).")]
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
                                                             "as JSON.")] = False) -> None:
    """Show a recorded run: when and how it was made, its tables and a summary.

    Example: innometrics runs show 3f2a
    """
    import yaml

    run = _store(store).show(id_)
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
         store: StoreOpt = None, csv: CsvOpt = False) -> None:
    """Compare two runs: each unit's index rank in both (change = rank in ID2 − rank in ID1;
    positive means the unit fell) and the settings and input files that differ. With --csv,
    the rank table goes to stdout and the differences to stderr.

    Example: innometrics runs diff 3f2a 9b1c
    """
    result = _store(store).diff(id1, id2)
    lines = [f"{key}: {_value(a)} → {_value(b)}" for key, a, b in result.settings]
    lines += [f"input {role}: sha256 {str(a)[:12]} → {str(b)[:12]}"
              for role, a, b in result.inputs]
    if csv:
        _csv(result.table)
        for line in lines:
            err_console.print(f"differs: {line}", soft_wrap=True)
        return
    if result.table.empty:
        which = " and ".join(f"{i} ({r or 'no index ranks'})"
                             for i, r in zip((result.id_a, result.id_b), result.ranked_by,
                                             strict=True))
        console.print(f"no ranks to compare: {which}")
    else:
        moved = int((result.table["change"].fillna(1) != 0).sum())
        console.print(f"a = {result.id_a} ({result.ranked_by[0]}), b = {result.id_b} "
                      f"({result.ranked_by[1]}): {moved} of {len(result.table)} units moved")
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
