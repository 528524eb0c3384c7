"""The ``results`` and ``profile`` commands: COINr's results tables of a build run, on the
terminal or in a file (see :mod:`innometrics.results`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from ._cli_util import AllowFunctions, Quiet, comma_levels, console, friendly_errors
from .errors import InvalidParameter

__all__ = ["results", "profile"]

RunArg = Annotated[Path, typer.Argument(help="A build run directory.")]


def _whole_ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Rank columns printed as whole numbers (a missing rank stays blank)."""
    ranks = [c for c in table.columns if str(c).startswith("Rank") or str(c).endswith(".Rank")]
    return table.astype({c: "Int64" for c in ranks})


TimeOpt = Annotated[str | None, typer.Option(
    help="Of a panel run, the time to show (default the latest).")]


def _rebuilt(run: Path, allow_functions: bool, time: str | None):
    """The run's result rebuilt; of a panel, one time's (said on the terminal)."""
    from .result import PanelResult
    from .runs import open_run

    result = open_run(run).rebuild(allow_functions=allow_functions)
    if not isinstance(result, PanelResult):
        if time is not None:
            raise InvalidParameter(f"--time {time}: {run} is not a panel run (its data have "
                                   "one time); leave --time out.")
        return result
    one = result.at(time)
    latest = " (the latest; --time picks another)" if time is None else ""
    console.print(f"time {one.recipe.data.time}{latest} of {', '.join(result.times)}")
    return one


@friendly_errors
def results(
    run: RunArg,
    levels: Annotated[str | None, typer.Option(
        help="Levels to show, separated by commas (1 = indicators); default every "
             "aggregate level.")] = None,
    group: Annotated[list[str] | None, typer.Option(
        help="A group column to show, with ranks within its groups (repeatable).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Write the table to this .csv or .xlsx file (new, or one innometrics wrote) "
             "instead of printing it.")] = None,
    time: TimeOpt = None,
    quiet: Quiet = False,
    allow_functions: AllowFunctions = False,
) -> None:
    """Scores and ranks of every unit at the chosen levels, best first (COINr's
    get_results).

    Example: innometrics results results --levels 4,3 --group GDP_group --out table.xlsx
    """
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidParameter(f"--out {out}: the file must end in .csv or .xlsx.")
    result = _rebuilt(run, allow_functions, time)
    table = result.results_table(levels=comma_levels(levels), groups=group or ())
    if out is None:
        console.print(_whole_ranks(table).to_string(float_format="{:.2f}".format),
                      soft_wrap=True)
        return
    from .runs import write_file

    target = write_file(out, _whole_ranks(table).reset_index(), kind="results",
                        settings={"levels": comma_levels(levels), "groups": group or [],
                                  "time": result.recipe.data.time},
                        inputs={"run": str(run / "manifest.json")})
    console.print(f"results → {target}")


@friendly_errors
def profile(
    run: RunArg,
    unit: Annotated[str, typer.Argument(help="The unit's code (uCode).")],
    stage: Annotated[str, typer.Option(
        help="Stage whose indicators are ranked for strengths and weaknesses.")] = "Raw",
    top: Annotated[int, typer.Option(min=1, help="How many strengths and weaknesses.")] = 5,
    time: TimeOpt = None,
    quiet: Quiet = False,
    allow_functions: AllowFunctions = False,
) -> None:
    """A unit's scores and ranks at every aggregate level, with its strengths and
    weaknesses on a stage (COINr's get_unit_summary and get_str_weak).

    Example: innometrics profile results AUT --stage Normalised --top 3
    """
    result = _rebuilt(run, allow_functions, time)
    summary = result.unit_summary(unit)
    sw = result.strengths_weaknesses(unit, stage=stage, top=top)
    console.print(_whole_ranks(summary).to_string(index=False, float_format="{:.2f}".format),
                  soft_wrap=True)
    for kind, title in (("strength", "Strengths"), ("weakness", "Weaknesses")):
        console.print(f"\n{title} on {stage}:")
        console.print(_whole_ranks(sw[sw.Kind == kind].drop(columns="Kind")).to_string(
            index=False), soft_wrap=True)
