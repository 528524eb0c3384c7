"""R&D measures derived from the tidy table: levels, growth, intensity, basic research, PPP.

Every measure is a pure function of the tidy table (:data:`~innometrics.rnd.sdmx.TIDY_COLUMNS`)
returning a Series indexed by (economy, year). When several sources hold the same variable for
the same economy and year, the first source in ``prefer`` (matched by prefix: "OECD" before
"NCSES" by default) gives the value. OECD variables used:

===========  ==============================================  ===================
variable     meaning                                          unit
===========  ==============================================  ===================
G_NC         GERD, national currency                          millions
G_PPP        GERD, current PPP US dollars                     millions
G_XGDP       GERD as a percentage of GDP                      % of GDP
G_BRXG       basic research as a percentage of GERD           % of GERD
===========  ==============================================  ===================

Growth is computed only between consecutive years (a gap gives no growth).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError, InvalidParameter
from ..ranking import rank_min
from .economies import AGGREGATES, close_economies, currency_of, iso3_of

__all__ = ["DEFAULT_PREFERENCE", "STATUS_CODES", "Measure", "MEASURES",
           "ECONOMY_TABLE_COLUMNS", "observations", "series", "gerd", "gerd_ppp",
           "gerd_intensity", "basic_research_share", "basic_research", "ppp_rate", "growth",
           "gerd_growth", "basic_research_growth", "real_growth", "to_ppp", "cagr",
           "rank_economies", "measure", "economy_table"]

#: Source preference: a source whose name starts with an earlier entry wins.
DEFAULT_PREFERENCE = ("OECD", "NCSES")

#: SDMX observation status codes (cross-domain code list CL_OBS_STATUS) met in OECD files.
STATUS_CODES = {"A": "normal", "B": "break in series", "D": "definition differs",
                "E": "estimated", "F": "forecast", "I": "imputed", "M": "missing",
                "P": "provisional", "U": "low reliability", "V": "unvalidated",
                "W": "includes data from another category"}

_KEY = ["economy", "year"]


def _index(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([frame["economy"].astype(str).to_numpy(),
                                      frame["year"].astype("int64").to_numpy()], names=_KEY)


def observations(table: pd.DataFrame, variable: str, *,
                 prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.DataFrame:
    """The observations of ``variable``, one per (economy, year): ``value, unit, source,
    status``, indexed by (economy, year). "Latest year" rows (``latest``) are left out."""
    rows = table[table["variable"] == variable]
    if "latest" in rows:
        rows = rows[~rows["latest"].astype(bool)]
    rows = rows[rows["year"].notna()]
    rank = np.full(len(rows), len(prefer))
    for i, prefix in reversed(list(enumerate(prefer))):
        rank[rows["source"].astype(str).str.startswith(prefix).to_numpy()] = i
    rows = (rows.assign(_rank=rank).sort_values([*_KEY, "_rank"], kind="stable")
            .drop_duplicates(_KEY))
    status = rows["status"] if "status" in rows else pd.Series("", index=rows.index)
    out = pd.DataFrame({"value": rows["value"].to_numpy(float),
                        "unit": rows["unit"].to_numpy(object),
                        "source": rows["source"].to_numpy(object),
                        "status": status.fillna("").to_numpy(object)}, index=_index(rows))
    return out.sort_index()


def series(table: pd.DataFrame, variable: str, *,
           prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """Values of ``variable`` indexed by (economy, year) (see :func:`observations`)."""
    return observations(table, variable, prefer=prefer)["value"].rename(variable)


def gerd(table: pd.DataFrame, *, prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """GERD in national currency, millions: ``G_NC``."""
    return series(table, "G_NC", prefer=prefer).rename("gerd")


def gerd_ppp(table: pd.DataFrame, *, prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """GERD in current PPP US dollars, millions: ``G_PPP``."""
    return series(table, "G_PPP", prefer=prefer).rename("gerd_ppp")


def gerd_intensity(table: pd.DataFrame, *,
                   prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """R&D intensity, GERD as % of GDP: ``G_XGDP`` (the OECD's ratio, not recomputed)."""
    return series(table, "G_XGDP", prefer=prefer).rename("gerd_intensity")


def basic_research_share(table: pd.DataFrame, *,
                         prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """Basic research as % of GERD: ``G_BRXG``."""
    return series(table, "G_BRXG", prefer=prefer).rename("basic_research_share")


def basic_research(table: pd.DataFrame, *,
                   prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """Basic research expenditure in national currency, millions.

    ``basic_research = G_NC · G_BRXG / 100`` (GERD times basic research's share of GERD),
    for the economies and years that have both.
    """
    nc, share = gerd(table, prefer=prefer), basic_research_share(table, prefer=prefer)
    nc, share = nc.align(share, join="inner")
    return (nc * share / 100.0).rename("basic_research")


def ppp_rate(table: pd.DataFrame, *, prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """The PPP rate implied by the two GERD series, national currency per PPP dollar.

    ``ppp_rate = G_NC / G_PPP`` (both in millions).
    """
    nc, ppp = gerd(table, prefer=prefer).align(gerd_ppp(table, prefer=prefer), join="inner")
    return (nc / ppp).rename("ppp_rate")


def to_ppp(amount: pd.Series, table: pd.DataFrame, *,
           prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """Convert national-currency amounts (indexed by economy, year) to PPP dollars:
    ``amount / ppp_rate`` (same unit multiplier as ``amount``)."""
    rate = ppp_rate(table, prefer=prefer)
    amount, rate = amount.align(rate, join="inner")
    return (amount / rate).rename(f"{amount.name}_ppp" if amount.name else "ppp")


def growth(values: pd.Series) -> pd.Series:
    """Growth on the previous year, in percent.

    ``growth[e, t] = 100 · (x[e, t] / x[e, t − 1] − 1)``; NaN where year t − 1 is missing.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("A", 2020), ("A", 2021), ("A", 2023)],
    ...                                 names=["economy", "year"])
    >>> growth(pd.Series([100.0, 110.0, 120.0], index=idx)).tolist()
    [nan, 10.000000000000009, nan]
    """
    previous = values.copy()
    previous.index = pd.MultiIndex.from_arrays(
        [values.index.get_level_values(0), values.index.get_level_values(1) + 1],
        names=values.index.names)
    before = previous.reindex(values.index)
    name = f"{values.name}_growth" if values.name else "growth"
    return (100.0 * (values / before - 1.0)).rename(name)


def gerd_growth(table: pd.DataFrame, *,
                prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """Nominal GERD growth in national currency, % on the previous year:
    ``100 · (G_NC[t] / G_NC[t − 1] − 1)``."""
    return growth(gerd(table, prefer=prefer)).rename("gerd_growth")


def basic_research_growth(table: pd.DataFrame, *,
                          prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """Nominal growth of basic research expenditure, % on the previous year:
    ``100 · (G_NC[t]·G_BRXG[t] / (G_NC[t − 1]·G_BRXG[t − 1]) − 1)``."""
    return growth(basic_research(table, prefer=prefer)).rename("basic_research_growth")


def real_growth(nominal: pd.Series, deflator: pd.Series) -> pd.Series:
    """Real growth, % on the previous year, given a price index (any base year).

    ``real_growth[t] = 100 · ((x[t] / p[t]) / (x[t − 1] / p[t − 1]) − 1)``, with ``x`` the
    nominal values and ``p`` the deflator, both indexed by (economy, year).
    """
    x, p = nominal.align(deflator, join="inner")
    if (p <= 0).any():
        raise InvalidParameter("'deflator' of real_growth must be positive; got "
                               f"{float(p.min())!r}.")
    return growth((x / p).rename(nominal.name)).rename(
        f"{nominal.name}_real_growth" if nominal.name else "real_growth")


def cagr(values: pd.Series, start: int, end: int) -> pd.Series:
    """Compound annual growth rate between two years, in percent, per economy.

    ``cagr = 100 · ((x[end] / x[start]) ^ (1 / (end − start)) − 1)``; NaN where either year
    is missing.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("A", 2000), ("A", 2010)], names=["economy", "year"])
    >>> cagr(pd.Series([100.0, 200.0], index=idx), 2000, 2010).round(4).tolist()
    [7.1773]
    """
    if not end > start:
        raise InvalidParameter(f"'end' of cagr must be after 'start' ({start}); got {end!r}.")
    wide = values.unstack("year")
    first = wide[start] if start in wide else pd.Series(np.nan, index=wide.index)
    last = wide[end] if end in wide else pd.Series(np.nan, index=wide.index)
    name = f"{values.name}_cagr" if values.name else "cagr"
    return (100.0 * ((last / first) ** (1.0 / (end - start)) - 1.0)).rename(name)


def rank_economies(values: pd.Series, year: int, *, descending: bool = True) -> pd.Series:
    """Rank of each economy (aggregates such as OECD left out) for ``year``, 1 = highest
    (``descending=False``: 1 = lowest); ties share the best rank."""
    at = values[values.index.get_level_values("year") == year].droplevel("year")
    at = at[~at.index.isin(list(AGGREGATES))].dropna()
    ranks = rank_min(at.to_numpy()[:, None], descending=descending)[:, 0]
    return pd.Series(ranks.astype(np.int64), index=at.index,
                     name=f"{values.name}_rank" if values.name else "rank").sort_values()


@dataclass(frozen=True)
class Measure:
    """A named measure: its function, unit, the variables it reads and its formula."""

    name: str
    function: Callable[..., pd.Series]
    unit: str
    variables: tuple[str, ...]
    formula: str


#: Measures by name (the names the claim checker and ``rnd show`` use).
MEASURES = {m.name: m for m in (
    Measure("gerd", gerd, "national currency, millions", ("G_NC",), "G_NC"),
    Measure("gerd_growth", gerd_growth, "% on previous year", ("G_NC",),
            "100·(G_NC[t]/G_NC[t−1] − 1)"),
    Measure("gerd_ppp", gerd_ppp, "US dollars, current PPP, millions", ("G_PPP",), "G_PPP"),
    Measure("ppp_rate", ppp_rate, "national currency per PPP dollar", ("G_NC", "G_PPP"),
            "G_NC / G_PPP"),
    Measure("gerd_intensity", gerd_intensity, "% of GDP", ("G_XGDP",), "G_XGDP"),
    Measure("basic_research", basic_research, "national currency, millions",
            ("G_NC", "G_BRXG"), "G_NC·G_BRXG/100"),
    Measure("basic_research_growth", basic_research_growth, "% on previous year",
            ("G_NC", "G_BRXG"), "100·(BR[t]/BR[t−1] − 1), BR = G_NC·G_BRXG/100"),
    Measure("basic_research_share", basic_research_share, "% of GERD", ("G_BRXG",), "G_BRXG"),
)}

#: Columns of :func:`economy_table` with their units.
ECONOMY_TABLE_COLUMNS = {
    "year": "year",
    "gerd_nc": "GERD, national currency, millions (G_NC)",
    "gerd_growth": "GERD growth, % on previous year (nominal, national currency)",
    "gerd_ppp": "GERD, current PPP US dollars, millions (G_PPP)",
    "ppp_rate": "implied PPP rate, national currency per PPP dollar (G_NC / G_PPP)",
    "gerd_intensity": "GERD, % of GDP (G_XGDP)",
    "basic_research": "basic research, national currency, millions (G_NC·G_BRXG/100)",
    "basic_research_growth": "basic research growth, % on previous year (nominal)",
    "basic_research_share": "basic research, % of GERD (G_BRXG)",
    "currency": "national currency (ISO 4217)",
    "status": "OBS_STATUS flags of G_NC (B break, D definition differs, E estimated, "
              "P provisional)",
    "source": "source of G_NC",
}


def measure(table: pd.DataFrame, name: str, *,
            prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """The measure called ``name`` (a key of :data:`MEASURES`)."""
    if name not in MEASURES:
        raise InvalidParameter(f"'measure' must be one of {{{', '.join(MEASURES)}}}; "
                               f"got {name!r}.")
    return MEASURES[name].function(table, prefer=prefer)


def _economy_code(economy: str, table: pd.DataFrame) -> str:
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
                  table: pd.DataFrame | None = None,
                  prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.DataFrame:
    """Every measure of one economy, one row per year (what ``innometrics rnd show`` prints).

    Parameters
    ----------
    economy : str
        ISO3 code (any case) or a name known to :func:`~innometrics.rnd.economies.iso3_of`.
    start, end : int, optional
        First and last year shown (default: the economy's whole span).
    table : DataFrame, optional
        Tidy R&D table; default :func:`innometrics.rnd.load_rnd` (bundled OECD and
        NCSES data).
    prefer : sequence of str
        Source preference (see :func:`observations`).

    Returns
    -------
    DataFrame
        Columns :data:`ECONOMY_TABLE_COLUMNS` (units there), one row per year with any data.
    """
    if table is None:
        from .bundled import load_rnd

        table = load_rnd()
    code = _economy_code(economy, table)
    sub = table[table["economy"] == code]
    columns = {"gerd_nc": gerd, "gerd_growth": gerd_growth, "gerd_ppp": gerd_ppp,
               "ppp_rate": ppp_rate, "gerd_intensity": gerd_intensity,
               "basic_research": basic_research, "basic_research_growth": basic_research_growth,
               "basic_research_share": basic_research_share}
    frame = pd.DataFrame({k: f(sub, prefer=prefer) for k, f in columns.items()})
    if frame.empty:
        raise InputError("economy", f"'{code}' has no GERD data", "choose another economy")
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
    frame["status"] = nc["status"].reindex(frame.index).fillna("")
    frame["source"] = nc["source"].reindex(frame.index).fillna("")
    return frame.rename_axis("year").reset_index()[list(ECONOMY_TABLE_COLUMNS)]
