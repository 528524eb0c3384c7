"""The command line: ``innometrics build | demo | ...``.

Every command validates its input first; a bad input prints one line naming the file, row,
column and fix, and exits with status 2 without touching ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._cli_util import console, friendly_errors, progress_bar
from .clusters.cli import app as clusters_app

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="innometrics: open, reproducible innovation measurement.")
app.add_typer(clusters_app, name="clusters",
              help="S&T clusters: synthetic records, weighted DBSCAN on the sphere, ranking.")


@app.command()
@friendly_errors
def build(
    recipe: Annotated[Path, typer.Argument(help="Recipe file (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Output directory (replaced atomically).")],
) -> None:
    """Build a composite index: scores.csv, ranks.csv, data/<Stage>.csv, manifest.json."""
    from .recipe import load_recipe

    result = load_recipe(recipe).run()
    result.write(out)
    top = result.top(5)
    console.print(f"built {result.index_code} for {len(result.scores)} units → {out}")
    for code, row in top.iterrows():
        console.print(f"  {int(row['rank']):>3}  {code:<6} {row['uName']:<30} {row['score']:.2f}")


@app.command()
@friendly_errors
def audit(
    recipe: Annotated[Path, typer.Argument(help="Recipe file (YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Output directory (replaced atomically).")],
    collinear: Annotated[float, typer.Option(help="Flag pairs correlated above this.")] = 0.9,
) -> None:
    """Statistical audit: statistics per stage, correlations, Cronbach's alpha, PCA,
    effective weights and correlation-ratio importance."""
    from .audit import audit as run_audit
    from .recipe import load_recipe

    report = run_audit(load_recipe(recipe).run(), collinear=collinear)
    report.write(out)
    flagged = report.flags
    console.print(f"audit written to {out}: {len(flagged)} flags")
    for name, table in (("collinear", flagged[flagged["Flag"] == "collinear"]),
                        ("low alpha", report.cronbach[report.cronbach["Flag"] == "LOW"])):
        if len(table):
            console.print(f"  {name}: {len(table)}")


@app.command()
@friendly_errors
def uncertainty(
    recipe: Annotated[Path, typer.Argument(help="Recipe file (YAML) with an uncertainty "
                                                "section.")],
    out: Annotated[Path, typer.Option("--out", help="Output directory (replaced atomically).")],
    runs: Annotated[int | None, typer.Option(help="Replications (overrides the recipe).")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (overrides the recipe).")] = None,
    sensitivity: Annotated[bool, typer.Option(
        "--sensitivity", help="Also compute Sobol indices (runs = base sample N).")] = False,
    engine: Annotated[str, typer.Option(help="local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(
        help="Dask scheduler address; default: a LocalCluster on this machine.")] = None,
) -> None:
    """Monte Carlo rank intervals (rank_intervals.csv, design.csv) and, with --sensitivity,
    Sobol indices (sensitivity.csv)."""
    import contextlib

    from .recipe import load_recipe
    from .uncertainty import UncertaintyDesign, run_sensitivity, run_uncertainty

    loaded = load_recipe(recipe)
    design = UncertaintyDesign.from_recipe(loaded, runs=runs, seed=seed)
    with contextlib.ExitStack() as stack:
        client = None
        if engine == "dask":
            from dask.distributed import Client, LocalCluster

            cluster = None if scheduler else stack.enter_context(
                LocalCluster(n_workers=2, threads_per_worker=1, processes=True))
            client = stack.enter_context(Client(scheduler or cluster))
        with progress_bar("replications") as progress:
            result = run_uncertainty(loaded, design, engine=engine, client=client,
                                     progress=progress)
            sa = (run_sensitivity(loaded, design, engine=engine, client=client,
                                  progress=progress) if sensitivity else None)
    result.write(out, sensitivity=sa)
    table = result.rank_intervals()
    console.print(f"{design.runs} replications ({', '.join(design.factors)}) → {out}")
    for _, row in table.head(10).iterrows():
        console.print(f"  {int(row['nominal']):>3}  {row['uCode']:<6} median {row['median']:>5.1f}"
                      f"  90% interval [{row['q05']:.0f}, {row['q95']:.0f}]")
    if sa is not None:
        for _, row in sa.table.iterrows():
            console.print(f"  {row['input']:<10} S1 {row['S1']:.3f}  ST {row['ST']:.3f}")


@app.command()
@friendly_errors
def demo(
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out"),
) -> None:
    """Rebuild GII 2021 and 2022 from WIPO's published pillar scores (bundled data)."""
    from .demo import run_demo

    run_demo(out, console)


def main() -> None:  # pragma: no cover - console entry point
    app()
