"""The command line: ``innometrics build | audit | uncertainty | validate | demo | clusters``.

Every command validates its input first; a bad input prints one line naming the file, row,
column and fix, and exits with status 2. ``--out`` is checked before any work: a command
writes only a new directory or an earlier run of its own kind (see :mod:`innometrics.runs`).

Commands import the engines they run inside their own functions: that keeps
``innometrics --help`` and a mistyped command fast (no plotly, Dask, DuckDB or SALib to load).
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ._cli_util import (
    AllowFunctions,
    Force,
    NoStore,
    OutDir,
    Quiet,
    Report,
    StoreFile,
    add_report,
    argv,
    comma_levels,
    console,
    friendly_errors,
    number_text,
    progress_bar,
    rank_text,
    record,
    working,
)
from ._dask import dask_client
from .clusters.cli import app as clusters_app
from .errors import InputError, InvalidParameter
from .gii.cli import app as gii_app
from .results_cli import profile as profile_command
from .results_cli import results as results_command
from .rnd.cli import app as rnd_app
from .store_cli import app as runs_app

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="innometrics: open, reproducible innovation measurement.")
app.add_typer(clusters_app, name="clusters",
              help="S&T clusters: synthetic records, weighted DBSCAN on the sphere, ranking.")
app.add_typer(rnd_app, name="rnd", help="R&D statistics from the official series (OECD, NCSES).")
app.add_typer(gii_app, name="gii",
              help="WIPO's Global Innovation Index from its own data workbook.")
app.add_typer(runs_app, name="runs",
              help="The run store: list, show, diff and add recorded runs.")
app.command("results")(results_command)
app.command("profile")(profile_command)

RecipeArg = Annotated[Path, typer.Argument(help="Recipe file (YAML).")]


class Engine(StrEnum):
    local = "local"
    dask = "dask"


def _version(value: bool) -> None:
    if value:
        from . import __version__

        console.print(f"innometrics {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and "
                                                                "warnings.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """innometrics: open, reproducible innovation measurement."""
    console.quiet = quiet


@app.command()
@friendly_errors
def build(recipe: RecipeArg, out: OutDir, force: Force = False, report: Report = False,
          store: StoreFile = None, no_store: NoStore = False, quiet: Quiet = False,
          allow_functions: AllowFunctions = False) -> None:
    """Build a composite index into a run directory: scores.csv, ranks.csv, every stage's
    data (data/<Stage>.csv), the framework, data and recipe used, and manifest.json (settings,
    inputs with SHA-256, versions); print the top 5; with --report also report.html. The run
    is recorded in the run store (--store, --no-store).

    Example: innometrics build recipe.yaml --out results
    """
    from .recipe import load_recipe
    from .result import build as build_index  # this command is named build
    from .runs import check_out_dir

    started = time.perf_counter()
    loaded = load_recipe(recipe, allow_functions=allow_functions)
    check_out_dir(out, kind="build", inputs=loaded.input_files().values(), force=force)
    result = build_index(loaded)
    target = result.write(out, force=force, started=started)
    if "aggregate" not in result.records:
        console.print(f"built {len(result.scores.columns)} indicator scores for "
                      f"{len(result.scores)} units (no aggregate step, so no index) → {target}")
        record(target)
        return
    times = getattr(result, "times", None)  # a panel: long scores, one row per unit and time
    size = (f"{result.scores['uCode'].nunique()} units × {len(times)} times" if times
            else f"{len(result.scores)} units")
    console.print(f"built {result.index_code} for {size} → {target}")
    for code, row in result.top(5).iterrows():
        console.print(f"  {rank_text(row['rank']):>3}  {code:<6} {row['uName']:<30} "
                      f"{number_text(row['score'])}")
    if report:
        add_report(target)
    record(target)


@app.command()
@friendly_errors
def validate(recipe: RecipeArg, quiet: Quiet = False,
             allow_functions: AllowFunctions = False) -> None:
    """Check a recipe and print the plan without building: steps with every default,
    directions, denominators, what will be imputed or screened, warnings.

    Example: innometrics validate recipe.yaml
    """
    from .plan import describe_plan
    from .recipe import load_recipe
    from .uncertainty import UncertaintyDesign

    loaded = load_recipe(recipe, allow_functions=allow_functions)
    if loaded.uncertainty:
        # what `innometrics uncertainty` would refuse, refused before anything runs
        UncertaintyDesign.from_recipe(loaded)
    for line in describe_plan(loaded):
        console.print(line)


@app.command()
@friendly_errors
def audit(
    recipe: RecipeArg,
    out: OutDir,
    collinear: Annotated[float, typer.Option(min=0.0, max=1.0,
                                             help="Flag pairs correlated above this.")] = 0.9,
    force: Force = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
    stage: Annotated[str | None, typer.Option(
        help="Analyse this stage (Raw, Treated, ...) instead of the last one.")] = None,
    node: Annotated[str | None, typer.Option(
        help="Analyse only this node and what lies under it.")] = None,
    low: Annotated[float | None, typer.Option(
        min=-1.0, max=1.0, help="Flag indicator pairs of a pillar correlated below this.")
    ] = None,
    high: Annotated[float | None, typer.Option(
        min=-1.0, max=1.0, help="Flag indicator pairs of a pillar correlated above this "
                                "(default: --collinear).")] = None,
    group_level: Annotated[int, typer.Option(
        help="--low/--high pair indicators under one node of this level (COINr's grouplev).")] = 2,
    levels: Annotated[str | None, typer.Option(
        help="A,B: also correlations_levels.csv, level A's nodes against B's (get_corr).")] = None,
    allow_functions: AllowFunctions = False,
) -> None:
    """Statistical audit of a recipe's build, into a run directory: statistics per stage,
    correlations with p-values, Cronbach's alpha, PCA, effective weights, correlation-ratio
    importance, element removal, data availability, correlations with the denominators and
    flags (collinear and low-correlation pairs, low alpha), with manifest.json; of the whole
    index or of one stage (--stage) and node (--node); print the flag counts. The run is
    recorded in the run store (--store, --no-store).

    Example: innometrics audit recipe.yaml --out audit --stage Raw --node P2P --levels 1,2
    """
    from .audit import audit as run_audit
    from .audit.result import check_levels
    from .recipe import load_recipe
    from .result import build as build_index  # the build command shadows the name
    from .runs import check_out_dir

    started = time.perf_counter()
    loaded = load_recipe(recipe, allow_functions=allow_functions)
    level_pair = check_levels(loaded.framework, group_level, comma_levels(levels), cli=True)
    check_out_dir(out, kind="audit", inputs=loaded.input_files().values(), force=force)
    with working("auditing"):
        report = run_audit(build_index(loaded), collinear=collinear, stage=stage, node=node,
                           low=low, high=high, group_level=group_level, levels=level_pair)
    target = report.write(out, force=force, started=started)
    flagged = report.flags
    console.print(f"audit written to {target}: {len(flagged)} flags")
    for name, table in (("collinear", flagged[flagged["Flag"] == "collinear"]),
                        ("low alpha", report.cronbach[report.cronbach["Flag"] == "LOW"])):
        if len(table):
            console.print(f"  {name}: {len(table)}")
    record(target)


@app.command()
@friendly_errors
def uncertainty(
    recipe: Annotated[Path, typer.Argument(help="Recipe file (YAML) with an uncertainty "
                                                "section.")],
    out: OutDir,
    runs: Annotated[int | None, typer.Option(min=1, help="Replications (overrides the "
                                                         "recipe).")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Random seed (overrides the "
                                                         "recipe).")] = None,
    sensitivity: Annotated[bool, typer.Option(
        "--sensitivity", help="Also compute Sobol indices (runs = base sample N).")] = False,
    engine: Annotated[Engine, typer.Option(help="local or dask.")] = Engine.local,
    target: Annotated[str | None, typer.Option(
        help="Code of the node whose ranks are analysed (default: the index).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address; default: a LocalCluster on this machine.")] = None,
    force: Force = False,
    report: Report = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
    allow_functions: AllowFunctions = False,
) -> None:
    """Monte Carlo rank intervals of a recipe's index, into a run directory:
    rank_intervals.csv (nominal rank, median, 90% interval, score quantiles), design.csv
    (each replication's draws) and, with --sensitivity, Sobol indices (sensitivity.csv); print
    the top 10 intervals; locally or on Dask; with --report also the nominal build and
    report.html. The run is recorded in the run store (--store, --no-store).

    Example: innometrics uncertainty recipe.yaml --out mc --runs 1000 --seed 1
    """
    import contextlib

    from .recipe import load_recipe
    from .runs import check_out_dir
    from .uncertainty import UncertaintyDesign, run_sensitivity, run_uncertainty

    started = time.perf_counter()
    loaded = load_recipe(recipe, allow_functions=allow_functions)
    design = UncertaintyDesign.from_recipe(loaded, runs=runs, seed=seed, target=target)
    check_out_dir(out, kind="uncertainty", inputs=loaded.input_files().values(), force=force)
    if not design.factors:
        raise InvalidParameter(f"{recipe}: nothing in the design is uncertain, so every "
                               "replication would equal the nominal result. Fix: give the "
                               "recipe an 'uncertainty:' section with weights (noise, levels), "
                               "or alternatives or parameters")
    with contextlib.ExitStack() as stack:
        client = None
        if engine is Engine.dask:
            client = stack.enter_context(dask_client(scheduler))
        with progress_bar("replications") as progress:
            result = run_uncertainty(loaded, design, engine=engine.value, client=client,
                                     progress=progress)
            sa = (run_sensitivity(loaded, design, engine=engine.value, client=client,
                                  progress=progress) if sensitivity else None)
    written = result.write(out, sensitivity=sa, force=force, started=started,
                           engine=engine.value, with_nominal=report)
    table = result.rank_intervals()
    console.print(f"{design.runs} replications ({', '.join(design.factors) or 'nothing'} "
                  f"uncertain) → {written}")
    for note in result.notes():
        console.print(f"  note: {note}")
    for _, row in table.head(10).iterrows():
        console.print(f"  {rank_text(row['nominal']):>3}  {row['uCode']:<6} median "
                      f"{number_text(row['median'], 1):>5}  90% interval "
                      f"[{number_text(row['q05'], 0)}, {number_text(row['q95'], 0)}]")
    if sa is not None:
        for _, row in sa.table.iterrows():
            console.print(f"  {row['input']:<10} S1 {row['S1']:.3f}  ST {row['ST']:.3f}")
    if report:
        add_report(written, written / "nominal")
    record(written)


@app.command()
@friendly_errors
def report(
    runs: Annotated[list[Path], typer.Argument(
        help="Run directories: a build or gii import, with its audit and uncertainty runs; "
             "clusters runs.")],
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write (new, or one "
                                                    "innometrics wrote).")],
    title: Annotated[str | None, typer.Option(help="Title of the report.")] = None,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """One self-contained HTML report (opens with no network) of finished runs: ranking,
    charts, world map, framework, rank intervals, correlations, unit profiles, clusters and
    each run's provenance; audit and uncertainty runs are matched to their build by data
    SHA-256; a demo run stands for the runs it holds. The report file (with its sidecar
    manifest) is recorded in the run store (--store, --no-store).

    Example: innometrics report results audit mc --out report.html
    """
    from .report import write_report
    from .runs import check_out_file

    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out {out}", "is not an .html file (the report is one HTML page)",
                         "end the file name with .html, e.g. --out report.html")
    check_out_file(out, inputs=[run / "manifest.json" for run in runs])
    with working("rendering the report"):
        target = write_report(runs, out, title=title)
    console.print(f"report → {target}")
    record(target)


@app.command()
@friendly_errors
def export(
    run: Annotated[Path, typer.Argument(help="A run directory of any kind.")],
    out: Annotated[Path, typer.Option("--out", help="The .xlsx file to write (new, or one "
                                                    "innometrics wrote).")],
    quiet: Quiet = False,
) -> None:
    """An Excel workbook of a run: one sheet per table (same values as its CSV; codes stay
    text) and a provenance sheet (the manifest, flattened).

    Example: innometrics export results --out results.xlsx
    """
    from .export import export_run

    target = export_run(run, out)
    console.print(f"workbook → {target}")


weights_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None)
app.add_typer(weights_app, name="weights",
              help="Weights: optimise one level's weights against target correlation shares.")


@weights_app.command("optimise")
@friendly_errors
def weights_optimise(
    recipe: RecipeArg,
    level: Annotated[int, typer.Option("--level", help="The level whose weights are optimised "
                                                       "(1 = indicators).")],
    target: Annotated[str, typer.Option("--target", help="equal, infomax, or W1,W2,... (target "
                                                         "correlation shares, one per node).")],
    out: OutDir,
    force: Force = False,
    report: Report = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
    allow_functions: AllowFunctions = False,
) -> None:
    """Weights of one level whose correlations with the index meet target shares (COINr's
    get_opt_weights): weights.csv, fit.csv, recipe.yaml with the weights replaced (with its
    framework and data, so it rebuilds) and manifest.json; with --report also report.html.
    The run is recorded in the run store (--store, --no-store).

    Example: innometrics weights optimise recipe.yaml --level 2 --target equal --out w
    """
    from .recipe import load_recipe
    from .runs import check_out_dir
    from .weights import optimise_weights

    started = time.perf_counter()
    loaded = load_recipe(recipe, allow_functions=allow_functions)
    inputs = loaded.input_files()
    check_out_dir(out, kind="weights-optimise", inputs=inputs.values(), force=force)
    with working("optimising the weights"):
        fit = optimise_weights(loaded, level, target)
    target_dir = fit.write(out, inputs=inputs, force=force, started=started)
    console.print(f"objective {fit.objective:.6g} (at the recipe's weights "
                  f"{fit.start_objective:.6g}) → {target_dir}")
    if report:
        add_report(target_dir)
    record(target_dir)


@app.command()
@friendly_errors
def serve(
    recipe: RecipeArg,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8050,
    host: Annotated[str, typer.Option(help="Interface; the default keeps the dashboard on "
                                           "this machine.")] = "127.0.0.1",
    quiet: Quiet = False,
) -> None:
    """A local what-if dashboard: weights and methods changed in the browser, ranks, map and
    profiles updated at once (GET /api/ranks?w.CODE=WEIGHT answers in JSON).

    Example: innometrics serve recipe.yaml --port 8050
    """
    from .serve import serve as run_server
    from .serve import url

    run_server(recipe, host=host, port=port, on_ready=lambda: console.print(
        f"dashboard on {url(host, port)} (Ctrl+C to stop)"))


@app.command()
@friendly_errors
def check(
    claims: Annotated[Path, typer.Argument(help="Claims file (YAML).")],
    out: OutDir,
    clusters_run: Annotated[Path | None, typer.Option(
        "--clusters-run", help="A clusters rank run to check clusters_in_top100 claims.")] = None,
    runs: Annotated[int | None, typer.Option(
        min=1, help="Monte Carlo replications for rank intervals (default: the GII recipe's)."
    )] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Monte Carlo seed.")] = None,
    force: Force = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """Check headline figures against the official series (bundled OECD, NCSES and GII
    data; GII rank claims with a Monte Carlo rank interval; cluster claims against a clusters
    run), into a run directory: claims.csv with a verdict (consistent, differs, unverifiable),
    the value found, its source and a note for every claim; print them. The run is recorded
    in the run store (--store, --no-store).

    Example: innometrics check claims.yaml --out checked
    """
    from rich.table import Table

    from .claims import GiiData, check_claims, load_claims
    from .runs import RunWriter

    started = time.perf_counter()
    linked = clusters_run or load_claims(claims).clusters_run
    RunWriter(kind="check", inputs={"claims": claims, **(
        {"clusters_run": linked} if linked is not None else {})}).check(out, force=force)
    with working("checking claims (GII rank claims run a Monte Carlo)"):
        result = check_claims(claims, clusters_run=clusters_run,
                              gii=GiiData(runs=runs, seed=seed))
    target = result.write(out, force=force, started=started)
    counts = ", ".join(f"{n} {verdict}" for verdict, n in result.counts().items())
    table = Table(title=f"Claims checked ({counts})")
    for column in ("id", "claimed", "found", "verdict"):
        table.add_column(column, no_wrap=column != "id")
    for row in result.table.itertuples():
        table.add_row(str(row.id), _figure(row.claimed), _figure(row.found), row.verdict)
    console.print(table)
    for row in result.table.itertuples():
        console.print(f"  {row.id}: {row.note}" + (f" [{row.source}]" if row.source else ""))
    console.print(f"→ {target / 'claims.csv'}")
    record(target)


def _figure(value: float) -> str:
    """A claimed or found figure: up to 4 decimals for small numbers, 6 digits for large."""
    if value != value or abs(value) < 1e4:  # NaN prints as a dash
        return number_text(value, 4).rstrip("0").rstrip(".") if value == value else "–"
    return f"{value:.6g}"


@app.command()
@friendly_errors
def demo(
    out: Annotated[Path, typer.Option("--out", help="Output directory (a demo run).")]
    = Path("out/demo"),
    force: Force = False,
    store: StoreFile = None,
    no_store: NoStore = False,
    quiet: Quiet = False,
) -> None:
    """The demo, on bundled data only, into one demo run directory whose sub-directories are
    runs of their own: (1) GII 2023 rebuilt at indicator level from WIPO's data workbook,
    compared with WIPO's scores, ranks and strengths/weaknesses, with an offline report.html
    and China's rank interval from a 1,000-run Monte Carlo in the JRC audit's design;
    (2) GII 2021 and 2022 recomposed from WIPO's published pillar scores, each with a Monte
    Carlo rank interval; (3) the GII atlas: China's rank 2011-2023 with each edition's
    interval and each change's paired interval, significant moves named, with a report.html of
    the rank trajectories; (4) a press report's claims checked against the official series as
    of the report's date, with their revisions; (5) S&T clusters ranked in 200,000 synthetic
    records. Prints each part's headline figures; the demo run is recorded in the run store
    (--store, --no-store).

    Example: innometrics demo --out out/demo
    """
    from .demo import run_demo

    record(run_demo(out, console, force=force))


def main() -> None:  # pragma: no cover - console entry point
    import os
    import sys

    from .runs import command_line

    try:
        with command_line(argv()):
            app()
    except BrokenPipeError:  # the reader of a pipe (e.g. `| head`) has gone: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
