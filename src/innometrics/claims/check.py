"""Check claims against the data: a verdict, the value found and its source for every claim.

Verdicts (:data:`VERDICTS`):

- ``consistent``: the value found lies within the claim's stated precision,
  ``|found − claimed| ≤ unit / 2`` (``unit``: the last significant digit the claim states,
  see :mod:`innometrics.claims.parse`; ranks and counts exactly);
- ``differs``: it does not; ``found`` and ``note`` say what the data hold;
- ``unverifiable``: the data needed are not here; ``note`` says what would be needed.

Measures (:data:`CLAIM_MEASURES`): ``gerd``, ``basic_research`` (national currency units, not
millions), ``gerd_ppp`` (PPP US dollars), ``gerd_growth``, ``basic_research_growth`` (% on the
previous year), ``gerd_intensity`` (% of GDP), ``basic_research_share`` (% of GERD), from
the R&D table (:mod:`innometrics.rnd`); ``gii_rank``, ``gii_score`` (``year`` = GII edition);
``clusters_in_top100`` (from a clusters run). Nothing is looked up by claim: every figure is
computed from the series, and the note shows the computation.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, InvalidParameter
from ..rnd.economies import close_economies, currency_of, known_economies
from ..rnd.measures import MEASURES, STATUS_CODES, measure, observations
from .parse import Claim, ClaimsFile, load_claims
from .sources import FIRST_GII_EDITION, ClustersRun, GiiData, read_clusters_run

__all__ = ["CLAIM_COLUMNS", "RANK_COLUMNS", "VERDICTS", "CLAIM_MEASURES", "ClaimsResult",
           "check_claims"]

#: Columns of ``claims.csv``, in order (``tolerance``, ``text`` and the rank interval follow).
CLAIM_COLUMNS = ["id", "measure", "economy", "year", "claimed", "found", "verdict", "source",
                 "note"]
RANK_COLUMNS = ["rank_q05", "rank_median", "rank_q95"]
VERDICTS = ("consistent", "differs", "unverifiable")

#: R&D measures: scale from the table's unit to the claim's (millions → units).
_RND_SCALE = {"gerd": 1e6, "basic_research": 1e6, "gerd_ppp": 1e6, "gerd_growth": 1.0,
              "basic_research_growth": 1.0, "gerd_intensity": 1.0, "basic_research_share": 1.0}
#: Every measure a claim may name, with the unit its value is read in.
CLAIM_MEASURES = {
    "gerd": "national currency units", "basic_research": "national currency units",
    "gerd_ppp": "current PPP US dollars", "gerd_growth": "% on previous year (nominal)",
    "basic_research_growth": "% on previous year (nominal)", "gerd_intensity": "% of GDP",
    "basic_research_share": "% of GERD", "gii_rank": "rank (GII edition = year)",
    "gii_score": "GII score, 0-100 (edition = year)",
    "clusters_in_top100": "clusters in the top 100",
}
#: Where an unverifiable claim's figure would come from (its ``source``, so that every claim
#: names one).
_WANTED = {
    **dict.fromkeys(("gerd", "basic_research", "gerd_ppp", "gerd_growth",
                     "basic_research_growth", "gerd_intensity", "basic_research_share"),
                    "not in the data here: OECD MSTI / NCSES R&D series for {year}"),
    "gii_rank": "not in the data here: WIPO Global Innovation Index {year}, published scores",
    "gii_score": "not in the data here: WIPO Global Innovation Index {year}, published scores",
    "clusters_in_top100": "not in the data here: WIPO Global Innovation Index {year}, S&T "
                          "cluster ranking (or a clusters run on real records)",
}
_NEEDS = {
    "gerd": "GERD in national currency", "basic_research": "GERD and basic research's share",
    "gerd_ppp": "GERD in PPP dollars", "gerd_growth": "GERD in national currency for the year "
    "and the one before", "basic_research_growth": "GERD and basic research's share for the "
    "year and the one before", "gerd_intensity": "GERD as % of GDP",
    "basic_research_share": "basic research as % of GERD",
}


@dataclass(frozen=True)
class ClaimsResult:
    """Verdicts on a claims file.

    Attributes
    ----------
    table : DataFrame
        :data:`CLAIM_COLUMNS`, then ``tolerance``, ``text`` and :data:`RANK_COLUMNS`; one row
        per claim, in the file's order.
    claims : ClaimsFile
    inputs : tuple of Path
        Files read (claims file, bundled data files, clusters.csv), for a run manifest.
    settings : dict
        Settings used (precision rule, Monte Carlo designs, clusters run).
    """

    table: pd.DataFrame
    claims: ClaimsFile
    inputs: tuple[Path, ...] = ()
    settings: dict = field(default_factory=dict)

    def _repr_html_(self) -> str:
        """The verdicts (for Jupyter)."""
        return self.table[CLAIM_COLUMNS].to_html(index=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables of a run directory: ``{"claims.csv": table}``."""
        return {"claims.csv": self.table}

    def to_frame(self) -> pd.DataFrame:
        """The verdict table (a copy)."""
        return self.table.copy()

    def counts(self) -> dict[str, int]:
        """Number of claims per verdict."""
        return {v: int((self.table["verdict"] == v).sum()) for v in VERDICTS}

    def write(self, out: str | os.PathLike, *, force: bool = False,
              started: float | None = None) -> Path:
        """Write a ``check`` run directory (see :mod:`innometrics.runs`): ``claims.csv`` and a
        manifest naming the claims file and every data file read, with the verdict counts."""
        from ..runs import write_run

        data = [p for p in self.inputs if p != self.claims.path]
        inputs = {**({"claims": self.claims.path} if self.claims.path else {}),
                  **({"data": data} if data else {})}
        return write_run(out, kind="check", tables=self.tables(), settings=self.settings,
                         inputs=inputs, force=force, started=started, details=self.counts())


@functools.lru_cache(maxsize=1)
def _bundled_rnd() -> pd.DataFrame:
    from ..rnd.bundled import load_rnd

    return load_rnd()


def _bundled_rnd_files() -> list[Path]:
    from ..datasets import NCSES_RND_FILES, OECD_RND_FILES, oecd_rnd_dir

    folder = oecd_rnd_dir()
    return ([folder / f for f in OECD_RND_FILES]
            + [folder.parent / "ncses_rnd" / f for f in NCSES_RND_FILES])


def check_claims(path_or_mapping: str | os.PathLike | Mapping, *, gii: GiiData | None = None,
                 clusters_run: str | os.PathLike | None = None,
                 rnd: pd.DataFrame | None = None) -> ClaimsResult:
    """Check every claim of a claims file against the data.

    Parameters
    ----------
    path_or_mapping : path-like or mapping
        Claims file (YAML, see :mod:`innometrics.claims.parse`) or the same as a mapping.
    gii : GiiData, default=GiiData()
        GII scores and Monte Carlo rank intervals (runs, seed; ``monte_carlo=False`` skips
        the intervals).
    clusters_run : path-like, optional
        Clusters run directory (or its clusters.csv); overrides the file's ``clusters_run``.
    rnd : DataFrame, optional
        Tidy R&D table; default :func:`innometrics.rnd.load_rnd` (bundled OECD + NCSES).

    Returns
    -------
    ClaimsResult
    """
    if gii is not None and not isinstance(gii, GiiData):
        raise InvalidParameter(f"'gii' of check_claims must be a GiiData or None; got {gii!r}.")
    claims = load_claims(path_or_mapping)
    table = _bundled_rnd() if rnd is None else rnd
    gii = gii or GiiData()
    for claim in claims.claims:
        _validate(claim, claims, table, gii)
    run_path = Path(clusters_run) if clusters_run is not None else claims.clusters_run
    run = None
    if run_path is not None and any(c.measure == "clusters_in_top100" for c in claims.claims):
        run = read_clusters_run(run_path, source=f"{claims.source}: clusters_run")
    cache: dict[str, pd.Series] = {}
    settings: dict[str, Any] = {"precision": "half a unit of the last stated digit",
                                "clusters_run": str(run_path) if run_path else None,
                                "rnd_data": "bundled OECD + NCSES" if rnd is None else "given",
                                "gii_monte_carlo": {}}
    rows = []
    for claim in claims.claims:
        if claim.measure in _RND_SCALE:
            rows.append(_check_rnd(claim, table, cache))
        elif claim.measure in ("gii_rank", "gii_score"):
            rows.append(_check_gii(claim, gii, settings["gii_monte_carlo"]))
        else:
            rows.append(_check_clusters(claim, run, run_path))
    frame = pd.DataFrame(rows, columns=[*CLAIM_COLUMNS, "tolerance", "text", *RANK_COLUMNS])
    frame["year"] = frame["year"].astype("int64")
    inputs = [claims.path] if claims.path else []
    if rnd is None and any(c.measure in _RND_SCALE for c in claims.claims):
        inputs += _bundled_rnd_files()
    if run is not None:
        inputs.append(run.path)
    return ClaimsResult(table=frame, claims=claims, inputs=tuple(inputs), settings=settings)


def _validate(claim: Claim, claims: ClaimsFile, table: pd.DataFrame, gii: GiiData) -> None:
    """Input errors before any computation: unknown measure or economy, impossible year."""
    where = claims.where(claim)
    if claim.measure not in CLAIM_MEASURES:
        close = difflib.get_close_matches(claim.measure, list(CLAIM_MEASURES), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise InputError(where, f"unknown measure '{claim.measure}'{hint}",
                         f"use one of {', '.join(CLAIM_MEASURES)}")
    known = known_economies()
    if claim.economy not in known:
        close = close_economies(claim.economy, known)
        example = f", e.g. {', '.join(close)}" if close else ""
        raise InputError(where, f"economy '{claim.economy}' is not an ISO3 code",
                         f"write the economy's ISO3 code{example}")
    if claim.measure in _RND_SCALE:
        variables = MEASURES[claim.measure].variables
        lo, hi = _year_span(table, variables)
        if lo is None:
            raise InputError(where, f"the R&D table has no {', '.join(variables)}",
                             "give an R&D table with OECD variables")
        if not lo <= claim.year <= hi:
            raise InputError(where, f"year {claim.year} is outside the R&D data ({lo}-{hi})",
                             f"claim a year from {lo} to {hi}")
    elif claim.measure.startswith("gii_"):
        last = datetime.date.today().year
        if not FIRST_GII_EDITION <= claim.year <= last:
            raise InputError(where, f"there is no GII edition {claim.year}",
                             f"give an edition from {FIRST_GII_EDITION} to {last} as 'year'")


def _year_span(table: pd.DataFrame, variables: tuple[str, ...]) -> tuple[int | None, int | None]:
    years = table.loc[table["variable"].isin(variables), "year"].dropna()
    return (int(years.min()), int(years.max())) if len(years) else (None, None)


def _decimal(x: float) -> Decimal:
    return Decimal(repr(float(x))).normalize()


def _claim_text(claim: Claim) -> str:
    """'claim 3.3e12 ± 0.05e12' in the claim's own notation."""
    if claim.unit == 0:
        return f"claim {claim.stated} (exact)"
    tol = _decimal(claim.tolerance)
    mantissa, _, exponent = claim.stated.lower().partition("e")
    if exponent:
        shown = f"{(tol.scaleb(-int(exponent))).normalize():f}e{int(exponent)}"
    else:
        shown = f"{tol:f}" if Decimal("1e-6") <= tol < Decimal("1e9") else f"{float(tol):g}"
    rule = "" if claim.explicit_precision else " (half a unit of its last stated digit)"
    return f"claim {claim.stated} ± {shown}{rule}"


def _verdict(claim: Claim, found: float, tolerance: float) -> str:
    slack = 1e-9 * max(abs(found), abs(claim.value), 1.0) if tolerance else 1e-9
    return "consistent" if abs(found - claim.value) <= tolerance + slack else "differs"


def _row(claim: Claim, found: float | None, source: str, note: str,
         ranks: tuple[float, float, float] | None = None, *,
         tolerance: float | None = None) -> dict[str, Any]:
    tolerance = claim.tolerance if tolerance is None else tolerance
    verdict = "unverifiable" if found is None else _verdict(claim, found, tolerance)
    if verdict == "differs":
        note += f"; found − claimed = {_short(found - claim.value)}"
    q05, q50, q95 = ranks if ranks else (np.nan, np.nan, np.nan)
    return {"id": claim.id, "measure": claim.measure, "economy": claim.economy,
            "year": claim.year, "claimed": claim.value,
            "found": np.nan if found is None else found, "verdict": verdict,
            "source": source, "note": note, "tolerance": tolerance, "text": claim.text,
            "rank_q05": q05, "rank_median": q50, "rank_q95": q95}


def _sci(x: float) -> str:
    """3.3357e12 rather than 3.3357e+12."""
    mantissa, _, exponent = f"{x:.5g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def _short(x: float) -> str:
    return _sci(x) if abs(x) >= 1e5 or (x != 0 and abs(x) < 1e-3) else f"{x:.2f}"


def _flags(status: dict[tuple[str, int], str]) -> str:
    """'; flags: G_NC 2023 P (provisional)' for the observations used, if flagged."""
    out = []
    for (variable, year), codes in sorted(status.items()):
        for code in filter(None, (codes or "").split(";")):
            out.append(f"{variable} {year} {code} ({STATUS_CODES.get(code, 'see OECD')})")
    return f"; flags: {', '.join(out)}" if out else ""


def _check_rnd(claim: Claim, table: pd.DataFrame, cache: dict[str, pd.Series]
               ) -> dict[str, Any]:
    info = MEASURES[claim.measure]
    if claim.measure not in cache:
        cache[claim.measure] = measure(table, claim.measure)
    values = cache[claim.measure]
    economy, year = claim.economy, claim.year
    value = values.get((economy, year), np.nan)
    growth = claim.measure.endswith("_growth")
    years = [year - 1, year] if growth else [year]
    obs = {var: observations(table[table["economy"] == economy], var)
           for var in info.variables}
    if not np.isfinite(value):
        held = values[values.index.get_level_values("economy") == economy].dropna()
        first, last = (int(held.index.get_level_values("year").min()),
                       int(held.index.get_level_values("year").max())) if len(held) else (0, 0)
        span = (f"it covers {economy} {first}{'' if first == last else f'-{last}'}"
                if len(held) else f"{economy} is not covered (OECD MSTI and NCSES: ~50 "
                "economies)")
        note = (f"no {info.formula} for {economy} {year} in the R&D data ({span}); needs "
                f"{_NEEDS[claim.measure]} for {economy} {year} (e.g. the national statistical "
                "office or UNESCO UIS)")
        return _row(claim, None, _WANTED.get(claim.measure, "").format(year=claim.year), note)
    found = float(value) * _RND_SCALE[claim.measure]
    sources = sorted({o.loc[(economy, y), "source"] for o in obs.values() for y in years
                      if (economy, y) in o.index})
    source = f"{'; '.join(sources)}: {' × '.join(info.variables)}"
    status = {(v, y): o.loc[(economy, y), "status"] for v, o in obs.items() for y in years
              if (economy, y) in o.index}
    currency = currency_of(economy) or "national currency"
    get = {(v, y): float(o.loc[(economy, y), "value"]) for v, o in obs.items() for y in years
           if (economy, y) in o.index}
    if claim.measure in ("gerd", "gerd_ppp"):
        var = info.variables[0]
        unit = f"million {currency}" if claim.measure == "gerd" else "million PPP US$"
        computed = f"{var} {year} = {get[(var, year)]:,.1f} {unit} = {_sci(found)}"
    elif claim.measure == "basic_research":
        nc, share = get[("G_NC", year)], get[("G_BRXG", year)]
        computed = (f"G_NC {nc:,.1f} million {currency} × G_BRXG {share:.3f}% ({year}) = "
                    f"{nc * share / 100:,.1f} million {currency} = {_sci(found)}")
    elif claim.measure == "gerd_growth":
        computed = (f"100·(G_NC {year} {get[('G_NC', year)]:,.1f} / G_NC {year - 1} "
                    f"{get[('G_NC', year - 1)]:,.1f} − 1) = {found:.2f}%")
    elif claim.measure == "basic_research_growth":
        now = get[("G_NC", year)] * get[("G_BRXG", year)] / 100
        before = get[("G_NC", year - 1)] * get[("G_BRXG", year - 1)] / 100
        computed = (f"basic research (G_NC × G_BRXG) {year} {now:,.1f} / {year - 1} "
                    f"{before:,.1f} million {currency}: {found:+.2f}%")
    else:
        var = info.variables[0]
        computed = f"{var} {year} = {found:.3f} ({info.unit})"
    note = f"found {economy} {computed}; {_claim_text(claim)}{_flags(status)}"
    return _row(claim, found, source, note)


def _check_gii(claim: Claim, gii: GiiData, designs: dict) -> dict[str, Any]:
    edition, economy = claim.year, claim.economy
    editions = gii.editions()
    if edition not in editions:
        bundled = f"bundled editions {editions[0]}-{editions[-1]}"
        state = "not bundled yet" if edition > editions[-1] else f"not bundled ({bundled})"
        note = (f"GII {edition} data {state}; needs WIPO's published GII {edition} scores "
                f"(a datasets/gii_{edition}/scores.csv bundle)")
        return _row(claim, None, _WANTED.get(claim.measure, "").format(year=claim.year), note)
    table = gii.published(edition)
    row = table[table["uCode"] == economy]
    source = gii.source(edition)
    if row.empty:
        return _row(claim, None, source, f"{economy} is not in GII {edition} "
                    f"({len(table)} economies); needs a GII edition that covers it")
    rank, score, name = int(row["rank"].iloc[0]), float(row["score"].iloc[0]), row["uName"].iloc[0]
    ties = int((table["rank"] == rank).sum())
    tie_note = f", tied with {ties - 1} other(s) at the published rounding" if ties > 1 else ""
    found = float(rank) if claim.measure == "gii_rank" else score
    from ..datasets import GII_WORKBOOK_EDITIONS

    how = ("WIPO's published rank" if edition in GII_WORKBOOK_EDITIONS
           else f"rank by published score, ties share the best rank{tie_note}")
    note = (f"found {name} rank {rank} of {len(table)} with published score {score:g} "
            f"({how}); {_claim_text(claim)}")
    tolerance = None
    if claim.measure == "gii_score":
        decimals = max(len(f"{v:.10g}".partition(".")[2]) for v in table["score"])
        published = 10.0 ** -decimals
        if published / 2 > claim.tolerance:
            tolerance = published / 2
            note += (f"; WIPO's scores are given here to {published:g}, so the claim is "
                     f"compared at ± {tolerance:g}")
    ranks = None
    if claim.measure == "gii_rank":
        intervals = gii.rank_intervals(edition)
        if intervals is not None:
            frame, described = intervals
            designs[str(edition)] = described
            hit = frame[frame["uCode"] == economy]
            if len(hit):
                r = hit.iloc[0]
                ranks = (float(r["q05"]), float(r["median"]), float(r["q95"]))
                note += (f"; Monte Carlo rank ({described}): median {ranks[1]:g}, 90% interval "
                         f"[{ranks[0]:g}, {ranks[2]:g}]")
    return _row(claim, found, source, note, ranks, tolerance=tolerance)


def _check_clusters(claim: Claim, run: ClustersRun | None, run_path: Path | None
                    ) -> dict[str, Any]:
    needs = ("needs WIPO's S&T cluster table for the edition, or a clusters run on real PCT "
             "and publication records (clusters_run: DIR in the claims file)")
    if run is None:
        return _row(claim, None, _WANTED["clusters_in_top100"].format(year=claim.year),
                    f"no clusters run given; {needs}")
    if run.synthetic:
        return _row(claim, None, f"clusters run {run.path.parent}",
                    f"the clusters run {run.path.parent} is synthetic (records drawn around "
                    f"cities, not real patents or articles); {needs}")
    found = float(run.count_top(claim.economy))
    note = (f"found {int(found)} clusters listing {claim.economy} among the top 100 of the "
            f"clusters run {run.path.parent} (a cross-border cluster counts for each economy; "
            f"the run's period is not checked against {claim.year}); {_claim_text(claim)}")
    return _row(claim, found, f"clusters run {run.path}", note)
