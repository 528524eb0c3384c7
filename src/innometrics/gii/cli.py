"""``innometrics gii import | profile | atlas`` (a typer sub-app mounted by the main CLI)."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .._cli_util import (
    Force,
    NoStore,
    OutDir,
    Quiet,
    Report,
    StoreFile,
    TableOut,
    add_report,
    console,
    friendly_errors,
    number_text,
    rank_text,
    record,
    working,
    write_table_out,
)

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="WIPO's Global Innovation Index from its own data workbook.")


class Rules(StrEnum):
    calibrated = "calibrated"
    documented = "documented"


def _read(source: Path):
    from .workbook import read_workbook, read_workbook_tables

    return read_workbook_tables(source) if source.is_dir() else read_workbook(source)


@app.command("import")
@friendly_errors
def import_(
    workbook: Annotated[Path, typer.Argument(
        help="WIPO's GII data workbook (.xlsx: sheets Index Structure, Economies, Data), or a "
             "folder with its tables as CSV.")],
    out: OutDir,
    rules: Annotated[Rules, typer.Option(
        "--rules", help="calibrated: infer from WIPO's scores what the documentation leaves "
                        "open; documented: only WIPO's stated rules.")] = Rules.calibrated,
    report: Report = False,
    force: Force = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """Rebuild every GII score from WIPO's workbook with the engine, into a run directory:
    scores.csv, ranks.csv, agreement.csv (how many published scores each node reproduces),
    rules.csv, profiles.csv (strengths and weaknesses), the generated framework, data and
    recipe, and manifest.json; print the agreement with WIPO; with --report also
    report.html. The run is recorded in the run store (--store, --no-store).

    Example: innometrics gii import GII_2023.xlsx --out gii2023
    """
    from ..runs import RunWriter
    from .importer import import_gii

    started = time.perf_counter()
    RunWriter(kind="gii-import", inputs={"workbook": workbook}).check(out, force=force)
    with working(f"rebuilding the GII from {workbook.name}"):
        book = _read(workbook)
        result = import_gii(book, rules=rules.value)
        target = result.write(out, source=workbook,
                              force=force, started=started)
    console.print(f"GII rebuilt from {workbook.name} with {rules.value} rules → {target}")
    for line in result.summary_lines():
        console.print(f"  {line}")
    differing = result.agreement[result.agreement["reproduced"] < result.agreement["economies"]]
    for row in differing.head(12).itertuples():
        console.print(f"  differs: {row.code} ({row.level}) {row.reproduced}/{row.economies}, "
                      f"max |diff| {row.max_abs_diff:.3g}" + (f" — {row.note}" if row.note
                                                              else ""))
    if report:
        add_report(target)
    record(target)


@app.command()
@friendly_errors
def atlas(
    out: OutDir,
    workbook: Annotated[list[Path] | None, typer.Option(
        "--workbook", help="A GII data workbook (.xlsx or a folder of its tables) adding or "
                           "replacing its edition (the year in its name) at indicator level; "
                           "repeat for several.")] = None,
    runs: Annotated[int, typer.Option(min=1, help="Replications per edition.")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    report: Report = False,
    force: Force = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """Every economy in every GII edition with its rank interval, and the change since the
    previous edition with the change's interval (atlas.csv): the bundled pillar panel
    2011-2022 and 2023 workbook by default, paired through the pillars; manifest.json records
    every file read; with --report also report.html (rank trajectories with their bands and
    the last two editions' moves). The run is recorded in the run store (--store, --no-store).

    Example: innometrics gii atlas --out atlas --runs 1000
    """
    from ..runs import RunWriter
    from .atlas import SHARED_NODES, atlas_inputs, atlas_sources, run_atlas

    started = time.perf_counter()
    given = list(workbook or [])
    writer = RunWriter(kind="gii-atlas", settings={"runs": runs, "seed": seed,
                                                   "paired_through": list(SHARED_NODES)},
                       inputs=atlas_inputs(given))
    writer.started = started
    writer.check(out, force=force)
    with working("building the atlas"):
        sources = atlas_sources(given)
        table = run_atlas(sources, runs=runs, seed=seed)
        target = writer.write(out, {"atlas.csv": table},
                              details={"editions": [s.edition for s in sources],
                                       "levels": {str(s.edition): s.level for s in sources}})
    moves = table[table["significant"].fillna(False).astype(bool)]
    console.print(f"GII atlas: {len(sources)} editions, {len(table):,} economy-editions, "
                  f"{len(moves):,} significant moves ({runs:,} replications each) → {target}")
    if report:
        add_report(target)
    record(target)


def _flag(value: object) -> str:
    """S, W or empty (a CSV gives NaN where there is no flag)."""
    return value if isinstance(value, str) else ""


@app.command()
@friendly_errors
def profile(
    run: Annotated[Path, typer.Argument(help="A gii import run directory.")],
    economy: Annotated[str, typer.Argument(help="Economy, ISO3 (e.g. CHN).")],
    out: TableOut = None,
    quiet: Quiet = False,
) -> None:
    """One economy's scores and ranks at every level, strengths and weaknesses, and the
    income-group comparison, from a gii import run (indicators shown where flagged); --out
    also writes every node to a file.

    Example: innometrics gii profile gii2023 CHN --out china.json
    """
    from ..errors import InputError
    from ..runs import check_out_file, open_run
    from .profile import economy_profile

    opened = open_run(run)
    if opened.kind != "gii-import":
        raise InputError(str(run), f"is a '{opened.kind}' run, not a gii import",
                         "give the --out directory of 'innometrics gii import'")
    if out is not None:
        check_out_file(out, table=True)
    table = economy_profile(opened.table("profiles"), economy,
                            source=str(run / "profiles.csv"))
    view = Table(title=f"{table['uName'].iloc[0]} ({table['uCode'].iloc[0]}): scores, ranks, "
                       "strengths (S) and weaknesses (W)")
    for column in ("code", "level", "score", "rank", "S/W", "income group S/W", "group mean"):
        view.add_column(column, justify="right" if column in ("score", "rank", "group mean")
                        else "left")
    for row in table.itertuples():
        overall, group = _flag(row.strength_weakness), _flag(row.income_group_sw)
        if row.level == "Indicator" and not (overall or group):
            continue
        view.add_row(row.code, row.level, number_text(row.score), rank_text(row.rank),
                     overall, group, number_text(getattr(row, "group_mean", float("nan"))))
    console.print(view)
    console.print("Indicators are listed where flagged; the table written with --out has "
                  "every node.")
    if out is not None:
        write_table_out(out, table, kind="gii-profile", settings={"economy": economy},
                        inputs={"run": run / "manifest.json"})
