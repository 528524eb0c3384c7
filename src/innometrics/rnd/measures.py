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
BR_NC        basic research, national currency (a release's   millions
             own figure, e.g. China's communiqués)
===========  ==============================================  ===================

Growth is computed only between consecutive years (a gap gives no growth).

**Vintages.** A table with ``vintage`` and ``released`` columns (release date, YYYY-MM-DD;
see :mod:`innometrics.rnd.vintages`) may hold several releases of one observation: the newest
release gives the value (then source preference among releases of the same day), so a
measure computed on the releases out by a date (:func:`~innometrics.rnd.vintages.as_of`) uses
the newest vintage of each input available then. A growth rate may thus combine last year's
final figure with this year's preliminary one; :func:`measure_inputs` says which.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._params import one_of
from ..errors import InvalidParameter
from ..ranking import rank_min
from .economies import AGGREGATES

__all__ = ["DEFAULT_PREFERENCE", "STATUS_CODES", "Measure", "MEASURES",
           "observations", "series", "gerd", "gerd_ppp",
           "gerd_intensity", "basic_research_share", "basic_research", "ppp_rate", "growth",
           "gerd_growth", "basic_research_growth", "real_growth", "to_ppp", "cagr",
           "rank_economies", "measure", "measure_inputs", "OBSERVATION_COLUMNS"]

#: Source preference: a source whose name starts with an earlier entry wins.
DEFAULT_PREFERENCE = ("OECD", "NCSES")

#: SDMX observation status codes (cross-domain code list CL_OBS_STATUS) met in OECD files.
STATUS_CODES = {"A": "normal", "B": "break in series", "D": "definition differs",
                "E": "estimated", "F": "forecast", "I": "imputed", "M": "missing",
                "P": "provisional", "U": "low reliability", "V": "unvalidated",
                "W": "includes data from another category"}

_KEY = ["economy", "year"]
#: Columns of :func:`observations` (``vintage`` and ``released`` empty for a table without).
OBSERVATION_COLUMNS = ["value", "unit", "source", "status", "vintage", "released"]


def _index(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([frame["economy"].astype(str).to_numpy(),
                                      frame["year"].astype("int64").to_numpy()], names=_KEY)


def observations(table: pd.DataFrame, variable: str, *,
                 prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.DataFrame:
    """The observations of ``variable``, one per (economy, year): :data:`OBSERVATION_COLUMNS`,
    indexed by (economy, year). "Latest year" rows (``latest``) are left out.

    Of several rows for one economy and year, the newest release wins (``released``; a row
    without a date is older than any dated one), then the first source in ``prefer``.
    """
    rows = table[table["variable"] == variable]
    if "latest" in rows:
        rows = rows[~rows["latest"].astype(bool)]
    rows = rows[rows["year"].notna()]
    rank = np.full(len(rows), len(prefer))
    for i, prefix in reversed(list(enumerate(prefer))):
        rank[rows["source"].astype(str).str.startswith(prefix).to_numpy()] = i
    released = _text(rows, "released")
    rows = (rows.assign(_rank=rank, _released=released)
            .sort_values([*_KEY, "_released", "_rank"], ascending=[True, True, False, True],
                         kind="stable")
            .drop_duplicates(_KEY))
    out = pd.DataFrame({"value": rows["value"].to_numpy(float),
                        "unit": rows["unit"].to_numpy(object),
                        "source": rows["source"].to_numpy(object),
                        "status": _text(rows, "status"), "vintage": _text(rows, "vintage"),
                        "released": rows["_released"].to_numpy(object)}, index=_index(rows))
    return out.sort_index()


def _text(rows: pd.DataFrame, column: str) -> np.ndarray:
    """A text column of ``rows`` with missing cells (or a missing column) as ""."""
    if column not in rows:
        return np.full(len(rows), "", dtype=object)
    return rows[column].fillna("").astype(str).to_numpy(object)


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
    """Basic research as % of GERD: ``G_BRXG``, or ``100 · BR_NC / G_NC`` from a release's own
    basic research figure where that is newer (:func:`_stated_or_derived`)."""
    return _stated_or_derived(table, "basic_research_share", prefer)[0]


def basic_research(table: pd.DataFrame, *,
                   prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """Basic research expenditure in national currency, millions.

    ``basic_research = G_NC · G_BRXG / 100`` (GERD times basic research's share of GERD), for
    the economies and years that have both; a release's own figure (``BR_NC``) where it is at
    least as new as both (:func:`_stated_or_derived`).
    """
    return _stated_or_derived(table, "basic_research", prefer)[0]


#: Measures a release may state or that derive from two other figures: measure → (the stated
#: variable, the two variables and the formula deriving it from them).
_STATED_OR_DERIVED = {
    "basic_research": ("BR_NC", ("G_NC", "G_BRXG"), lambda nc, share: nc * share / 100.0),
    "basic_research_share": ("G_BRXG", ("BR_NC", "G_NC"), lambda br, nc: 100.0 * br / nc),
}


def _stated_or_derived(table: pd.DataFrame, name: str, prefer: Sequence[str]
                       ) -> tuple[pd.Series, pd.Series]:
    """The measure ``name`` of :data:`_STATED_OR_DERIVED`, and where it is the stated figure.

    The stated figure is used where it was released no earlier than the newer of the two it
    could be derived from (the figure a release states wins a tie), and where they are
    missing; elsewhere the figure is derived from the two (newest vintage of each).
    """
    variable, (a, b), formula = _STATED_OR_DERIVED[name]
    stated = observations(table, variable, prefer=prefer)
    first, second = (observations(table, v, prefer=prefer) for v in (a, b))
    first, second = first.align(second, join="inner")
    derived = formula(first["value"], second["value"])
    newer = pd.Series([max(x, y) for x, y in zip(first["released"], second["released"],
                                                 strict=True)], index=first.index, dtype=object)
    against = newer.reindex(stated.index)
    use = (against.isna() | (stated["released"] >= against.fillna(""))).astype(bool)
    chosen = stated.loc[use, "value"]
    values = pd.concat([derived[~derived.index.isin(chosen.index)], chosen]).sort_index()
    return values.rename(name), use


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
            ("G_NC", "G_BRXG", "BR_NC"), "G_NC·G_BRXG/100 (or BR_NC as released)"),
    Measure("basic_research_growth", basic_research_growth, "% on previous year",
            ("G_NC", "G_BRXG", "BR_NC"),
            "100·(BR[t]/BR[t−1] − 1), BR = G_NC·G_BRXG/100 (or BR_NC as released)"),
    Measure("basic_research_share", basic_research_share, "% of GERD",
            ("G_BRXG", "BR_NC", "G_NC"), "G_BRXG (or 100·BR_NC/G_NC as released)"),
)}

def measure(table: pd.DataFrame, name: str, *,
            prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.Series:
    """The measure called ``name`` (a key of :data:`MEASURES`)."""
    if name not in MEASURES:
        raise InvalidParameter(one_of("measure", MEASURES, name))
    return MEASURES[name].function(table, prefer=prefer)


def measure_inputs(table: pd.DataFrame, name: str, economy: str, year: int, *,
                   prefer: Sequence[str] = DEFAULT_PREFERENCE) -> pd.DataFrame:
    """The observations the measure ``name`` of ``economy`` in ``year`` is computed from.

    Returns
    -------
    DataFrame
        ``variable, year`` then :data:`OBSERVATION_COLUMNS`, one row per observation used (the
        year and, for a growth rate, the year before); empty where an input is missing.
    """
    if name not in MEASURES:
        raise InvalidParameter(one_of("measure", MEASURES, name))
    rows = table[table["economy"] == economy]
    years = [year - 1, year] if name.endswith("_growth") else [year]
    obs = {v: observations(rows, v, prefer=prefer) for v in MEASURES[name].variables}
    base = "basic_research" if name == "basic_research_growth" else name
    used = []
    for y in years:
        variables = list(MEASURES[name].variables)
        if base in _STATED_OR_DERIVED:
            stated, parts, _ = _STATED_OR_DERIVED[base]
            use = _stated_or_derived(rows, base, prefer)[1]
            variables = [stated] if use.get((economy, y), False) else list(parts)
        for v in variables:
            if (economy, y) not in obs[v].index:
                return pd.DataFrame(columns=["variable", "year", *OBSERVATION_COLUMNS])
            used.append({"variable": v, "year": y, **obs[v].loc[(economy, y)].to_dict()})
    return pd.DataFrame(used, columns=["variable", "year", *OBSERVATION_COLUMNS])
