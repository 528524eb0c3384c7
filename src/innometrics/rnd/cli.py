"""``innometrics rnd show``: R&D statistics of one economy, per year, from the bundled OECD
and NCSES series (a typer sub-app mounted by the main CLI)."""

from __future__ import annotations

from pathlib import Path
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
          "currency": "cur", "status": "flags", "released": "released"}


@app.command()
@friendly_errors
def show(
    economy: Annotated[str, typer.Argument(help="Economy, ISO3 (e.g. CHN) or its name.")],
    start: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    out: TableOut = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Show the series as known on this date (YYYY-MM-DD): from the "
                        "releases out by then, the newest vintage of each figure.")] = None,
    vintages: Annotated[bool, typer.Option(
        "--vintages", help="List every release of each figure (value, vintage, release date, "
                           "source) instead of the yearly measures.")] = False,
    vintages_file: Annotated[list[Path] | None, typer.Option(
        "--vintages-file", help="A release file (CSV: economy, measure, year, value, unit, "
                                "vintage, released, source) added to the bundled releases; "
                                "repeatable.")] = None,
    quiet: Quiet = False,
) -> None:
    """GERD, growth, PPP, intensity and basic research per year, as known today or on a
    date (--as-of); --vintages lists every release of each figure.

    Example: innometrics rnd show CHN --from 2015 --to 2024 --out china.csv
    Example: innometrics rnd show CHN --from 2022 --as-of 2024-04-25 --vintages
    """
    from ..runs import check_out_file
    from . import ECONOMY_TABLE_COLUMNS, economy_table
    from .economy_table import economy_code
    from .vintages import as_of as released_by
    from .vintages import load_rnd_vintages, parse_date, releases

    if out is not None:
        check_out_file(out, table=True)
    day = parse_date(as_of, "--as-of") if as_of is not None else None
    data = load_rnd_vintages(vintages_file or ())
    if vintages:
        code = economy_code(economy, data)
        known = data if day is None else released_by(data, day)
        listing = releases(known, code, start, end)
        _print_releases(listing, code, day)
        if out is not None:
            _write(out, listing, economy, start, end, day, vintages_file, True)
        return
    table = economy_table(economy, start, end, table=data, as_of=day)
    columns = [c for c in ECONOMY_TABLE_COLUMNS
               if c in table.columns and c not in ("source", "currency", "vintage")]
    known = f", as known on {day}" if day else ""
    view = Table(title=f"R&D statistics, {economy.upper()}{known} (national currency: "
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
    sources = sorted(set(table["source"].dropna()) - {""})
    console.print("Source: " + ("; ".join(sources) or "no GERD in national currency"
                                f"{' released by ' + day if day else ''}"))
    for line in _span_growth(table):
        console.print(line)
    if out is not None:
        _write(out, table, economy, start, end, day, vintages_file, False)


#: Amounts whose compound annual growth over the span is printed, with their names.
_CAGR_COLUMNS = {"gerd_nc": "GERD (national currency)", "gerd_ppp": "GERD (PPP dollars)",
                 "basic_research": "basic research (national currency)"}


def _span_growth(table) -> list[str]:
    """Compound annual growth of each amount between its first and last year with a value
    in the table (:func:`innometrics.trends.cagr`, COINr's ``CAGR``), one line each."""
    import numpy as np  # here, not at the top: the command line starts without numpy

    from ..trends import cagr

    lines = []
    years = table["year"].to_numpy(float)
    for column, name in _CAGR_COLUMNS.items():
        if column not in table:
            continue
        values = table[column].to_numpy(float)
        known = years[~np.isnan(values)]
        if len(known) < 2:
            continue
        growth = cagr(values, years)
        lines.append(f"CAGR {int(known[0])}-{int(known[-1])} of {name}: {100 * growth:.2f}% "
                     "a year (compound annual growth between the first and last value)")
    return lines


def _write(out: Path, table, economy: str, start: int | None, end: int | None,
           day: str | None, vintages_file: list[Path] | None, listing: bool) -> None:
    from ..datasets import OECD_RND_FILES, oecd_rnd_dir, rnd_release_paths

    files = [oecd_rnd_dir() / f for f in OECD_RND_FILES] + rnd_release_paths()
    write_table_out(out, table, kind="rnd-show",
                    settings={"economy": economy, "from": start, "to": end, "as_of": day,
                              "vintages": listing},
                    inputs={"data": files, **({"vintages": list(vintages_file)}
                                              if vintages_file else {})})


def _print_releases(listing, economy: str, day: str | None) -> None:
    """Every release of each figure, one line each."""
    known = f" out by {day}" if day else ""
    view = Table(title=f"Releases of R&D figures, {economy}{known}")
    for column in ("measure", "year", "value", "unit", "vintage", "released", "source"):
        view.add_column(column, justify="right" if column in ("year", "value") else "left",
                        overflow="fold")
    for row in listing.itertuples():
        view.add_row(row.measure, str(int(row.year)), number_text(row.value, 2), row.unit,
                     row.vintage, row.released, row.source)
    console.print(view)
    if listing.empty:
        console.print(f"No release of {economy}'s figures{known} in the years asked.")
