"""``innometrics rnd show``: R&D statistics of one economy, per year, from the bundled OECD
and NCSES series (a typer sub-app mounted by the main CLI)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from .._cli_util import Quiet, TableOut, console, friendly_errors, number_text, write_table_out

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="R&D statistics from the official series (OECD MSTI, NCSES).")

_DIGITS = {"gerd_nc": 0, "gerd_ppp": 0, "basic_research": 0, "ppp_rate": 3}
#: Short headers for the terminal; the legend under the table gives each in full.
_SHORT = {"gerd_nc": "GERD", "gerd_growth": "GERD %y", "gerd_ppp": "GERD PPP$",
          "ppp_rate": "PPP rate", "gerd_intensity": "% GDP", "basic_research": "basic",
          "basic_research_growth": "basic %y", "basic_research_share": "basic % GERD",
          "currency": "cur", "status": "flags"}


@app.command()
@friendly_errors
def show(
    economy: Annotated[str, typer.Argument(help="Economy, ISO3 (e.g. CHN) or its name.")],
    start: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    out: TableOut = None,
    quiet: Quiet = False,
) -> None:
    """GERD, growth, PPP, intensity and basic research per year, with the source of every
    figure; --out also writes the table (with its sources) to a file.

    Example: innometrics rnd show CHN --from 2015 --to 2024 --out china.csv
    """
    from ..datasets import OECD_RND_FILES, oecd_rnd_dir
    from ..runs import check_out_file
    from . import ECONOMY_TABLE_COLUMNS, economy_table

    if out is not None:
        check_out_file(out, table=True)
    table = economy_table(economy, start, end)
    columns = [c for c in ECONOMY_TABLE_COLUMNS
               if c in table.columns and c not in ("source", "currency")]
    view = Table(title=f"R&D statistics, {economy.upper()} (national currency: "
                       f"{table['currency'].iloc[0] if 'currency' in table else '?'})")
    for column in columns:
        view.add_column(_SHORT.get(column, column),
                        justify="left" if column in ("currency", "status") else "right")
    for _, row in table.iterrows():
        view.add_row(*[(str(int(row[c])) if c == "year" else
                        number_text(row[c], _DIGITS.get(c, 2)) if isinstance(row[c], float)
                        else str(row[c])) for c in columns])
    console.print(view)
    for c in columns[1:]:
        console.print(f"  {_SHORT.get(c, c)}: {ECONOMY_TABLE_COLUMNS[c]} [{c}]")
    console.print("Source: " + "; ".join(sorted(set(table["source"].dropna()))))
    if out is not None:
        write_table_out(out, table, kind="rnd-show",
                        settings={"economy": economy, "from": start, "to": end},
                        inputs={"data": [oecd_rnd_dir() / f for f in OECD_RND_FILES]})
