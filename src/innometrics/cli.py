"""The command line: ``innometrics build | demo | ...``.

Every command validates its input first; a bad input prints one line naming the file, row,
column and fix, and exits with status 2 without touching ``--out``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from .errors import InputError, InvalidParameter

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="innometrics: open, reproducible innovation measurement.")
console = Console()
err_console = Console(stderr=True)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn input and parameter errors into one line on stderr and exit status 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (InputError, InvalidParameter, ValueError) as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            sys.exit(2)

    return wrapper


@app.command()
@friendly_errors
def build(
    recipe: Path = typer.Argument(..., help="Recipe file (YAML)."),
    out: Path = typer.Option(..., "--out", help="Output directory (replaced atomically)."),
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
def demo(
    out: Path = typer.Option(Path("out"), "--out", help="Output directory."),
) -> None:
    """Rebuild GII 2021 and 2022 from WIPO's published pillar scores (bundled data)."""
    from .demo import run_demo

    run_demo(out, console)


def main() -> None:  # pragma: no cover - console entry point
    app()
