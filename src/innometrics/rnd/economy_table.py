"""One economy's R&D measures per year, as known on a date: what ``innometrics rnd show``
prints."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..errors import InputError
from .economies import close_economies, currency_of, iso3_of
from .measures import (
    DEFAULT_PREFERENCE,
    basic_research,
    basic_research_growth,
    basic_research_share,
    gerd,
    gerd_growth,
    gerd_intensity,
    gerd_ppp,
    observations,
    ppp_rate,
)
from .vintages import as_of as released_by
from .vintages import load_rnd_vintages

__all__ = ["ECONOMY_TABLE_COLUMNS", "economy_table", "economy_code"]

#: Columns of :func:`economy_table` with their units.
ECONOMY_TABLE_COLUMNS = {
    "year": "year",
    "gerd_nc": "GERD, national currency, millions (G_NC)",
    "gerd_growth": "GERD growth, % on previous year (nominal, national currency)",
    "gerd_ppp": "GERD, current PPP US dollars, millions (G_PPP)",
    "ppp_rate": "implied PPP rate, national currency per PPP dollar (G_NC / G_PPP)",
    "gerd_intensity": "GERD, % of GDP (G_XGDP)",
    "basic_research": "basic research, national currency, millions (G_NC·G_BRXG/100, or "
                      "as released)",
    "basic_research_growth": "basic research growth, % on previous year (nominal)",
    "basic_research_share": "basic research, % of GERD (G_BRXG, or 100·BR_NC/G_NC as "
                            "released)",
    "currency": "national currency (ISO 4217)",
    "status": "OBS_STATUS flags of G_NC (B break, D definition differs, E estimated, "
              "P provisional)",
    "vintage": "vintage of G_NC (e.g. preliminary, final, OECD extract)",
    "released": "release date of G_NC",
    "source": "source of G_NC",
}
_COLUMN_MEASURES = {"gerd_nc": gerd, "gerd_growth": gerd_growth, "gerd_ppp": gerd_ppp,
                    "ppp_rate": ppp_rate, "gerd_intensity": gerd_intensity,
                    "basic_research": basic_research,
                    "basic_research_growth": basic_research_growth,
                    "basic_research_share": basic_research_share}


def economy_code(economy: str, table: pd.DataFrame) -> str:
    """The code of ``economy`` (ISO3 in any case, or a name) in ``table``; an
    :class:`~innometrics.errors.InputError` with close codes if it has no rows."""
    present = set(table["economy"].astype(str))
    text = str(economy).strip()
    for code in (text, text.upper(), iso3_of(text)):
        if code in present:
            return code
    names = {c: c for c in present}
    close = close_economies(text, names) or sorted(present)[:8]
    raise InputError("economy", f"'{economy}' is not in the R&D data ({len(present)} "
                     "economies)", f"use an ISO3 code such as {', '.join(close)}")


def economy_table(economy: str, start: int | None = None, end: int | None = None, *,
                  table: pd.DataFrame | None = None, as_of: object = None,
                  prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.DataFrame:
    """Every measure of one economy, one row per year (what ``innometrics rnd show`` prints).

    Parameters
    ----------
    economy : str
        ISO3 code (any case) or a name known to :func:`~innometrics.rnd.economies.iso3_of`.
    start, end : int, optional
        First and last year shown (default: the economy's whole span).
    table : DataFrame, optional
        Tidy R&D table; default :func:`~innometrics.rnd.vintages.load_rnd_vintages` (bundled
        OECD, NCSES and national releases, every vintage).
    as_of : date or str YYYY-MM-DD, optional
        Show the series as known on that date: from the releases out by then, the newest
        vintage of each figure (:func:`~innometrics.rnd.vintages.as_of`). Default: the latest.
    prefer : sequence of str
        Source preference (see :func:`~innometrics.rnd.measures.observations`).

    Returns
    -------
    DataFrame
        Columns :data:`ECONOMY_TABLE_COLUMNS` (units there), one row per year with any data.
    """
    table = load_rnd_vintages() if table is None else table
    code = economy_code(economy, table)
    sub = table[table["economy"] == code]
    if as_of is not None:
        sub = released_by(sub, as_of)
    frame = pd.DataFrame({k: f(sub, prefer=prefer) for k, f in _COLUMN_MEASURES.items()})
    if frame.empty:
        when = f" released by {as_of}" if as_of is not None else ""
        raise InputError("economy", f"'{code}' has no GERD data{when}",
                         "choose another economy" + (" or a later date" if when else ""))
    frame = frame.droplevel("economy").sort_index()
    first, last = int(frame.index.min()), int(frame.index.max())
    for label, year in (("--from", start), ("--to", end)):
        if year is not None and not first <= year <= last:
            raise InputError("year", f"{label} {year} is outside the data for {code} "
                             f"({first}-{last})", f"choose years from {first} to {last}")
    if start is not None and end is not None and start > end:
        raise InputError("year", f"--from {start} is after --to {end}", "swap them")
    frame = frame.loc[(start or first):(end or last)]
    nc = observations(sub, "G_NC", prefer=prefer).droplevel("economy")
    frame["currency"] = currency_of(code) or ""
    for column in ("status", "vintage", "released", "source"):
        frame[column] = nc[column].reindex(frame.index).fillna("")
    return frame.rename_axis("year").reset_index()[list(ECONOMY_TABLE_COLUMNS)]
