"""The command line: ``innometrics build | demo | ...``.

Every command validates its input first; a bad input prints one line naming the file, row,
column and fix, and exits with status 2 without touching ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._cli_util import console, friendly_errors

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="innometrics: open, reproducible innovation measurement.")


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
def demo(
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out"),
) -> None:
    """Rebuild GII 2021 and 2022 from WIPO's published pillar scores (bundled data)."""
    from .demo import run_demo

    run_demo(out, console)


def main() -> None:  # pragma: no cover - console entry point
    app()
