"""Check claims against the data: a verdict, the value found and its source for every claim.

Verdicts (:data:`VERDICTS`):

- ``consistent``: the value found lies within the claim's stated precision,
  ``|found − claimed| ≤ unit / 2`` (``unit``: the last significant digit the claim states,
  see :mod:`innometrics.claims.parse`; ranks and counts exactly);
- ``differs``: it does not; ``found`` and ``note`` say what the data hold;
- ``unverifiable``: the data needed are not here, or were not yet released on the claim's
  date; ``note`` says what would be needed, or names the first release.

**Dates.** An R&D claim with a date (``as_of``, :mod:`innometrics.claims.parse`) is judged
against the figures released on or before it: the newest vintage of each input then
(:func:`innometrics.rnd.vintages.timeline`); without a date, against the latest. ``vintage``
and ``released`` give the figure used and its release date; the note says which vintages were
combined and how later releases revised the figure. GII and clusters claims are judged as
published (their figures are not revised).

Measures (:data:`CLAIM_MEASURES`): ``gerd``, ``basic_research`` (national currency units, not
millions), ``gerd_ppp`` (PPP US dollars), ``gerd_growth``, ``basic_research_growth`` (% on the
previous year), ``gerd_intensity`` (% of GDP), ``basic_research_share`` (% of GERD), from
the R&D table (:mod:`innometrics.rnd`); ``gii_rank``, ``gii_score`` (``year`` = GII edition);
``gii_rank_change`` (``from``, ``to``: editions; the paired interval of the change in the
rank-interval columns);
``clusters_in_top100`` (from a clusters run). Nothing is looked up by claim: every figure is
computed from the series, and the note shows the computation.
"""

from __future__ import annotations

import datetime
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..datasets import (
    GII_WORKBOOK_EDITIONS,
    NCSES_RND_FILES,
    OECD_RND_FILES,
    oecd_rnd_dir,
    rnd_release_paths,
)
from ..errors import InputError, InvalidParameter
from ..rnd.economies import close_economies, known_economies
from ..rnd.measures import MEASURES
from ..rnd.vintages import Figure, add_releases, load_rnd_vintages, read_releases
from ..runs import write_run
from .parse import Claim, ClaimsFile, load_claims
from .rnd_check import RND_SCALE, RND_WANTED, check_rnd
from .sources import FIRST_GII_EDITION, ClustersRun, GiiData, read_clusters_run
from .verdicts import (
    CLAIM_COLUMNS,
    RANK_COLUMNS,
    TIMELINE_COLUMNS,
    VERDICTS,
    claim_text,
    make_row,
)

__all__ = ["CLAIM_COLUMNS", "RANK_COLUMNS", "TIMELINE_COLUMNS", "VERDICTS", "CLAIM_MEASURES",
           "ClaimsResult", "check_claims"]

#: Every measure a claim may name, with the unit its value is read in.
CLAIM_MEASURES = {
    "gerd": "national currency units", "basic_research": "national currency units",
    "gerd_ppp": "current PPP US dollars", "gerd_growth": "% on previous year (nominal)",
    "basic_research_growth": "% on previous year (nominal)", "gerd_intensity": "% of GDP",
    "basic_research_share": "% of GERD", "gii_rank": "rank (GII edition = year)",
    "gii_score": "GII score, 0-100 (edition = year)",
    "gii_rank_change": "change of GII rank, rank in 'to' − rank in 'from' (negative = rose)",
    "clusters_in_top100": "clusters in the top 100",
}
#: Where an unverifiable claim's figure would come from (its ``source``, so that every claim
#: names one).
_WANTED = {
    **dict.fromkeys(RND_SCALE, RND_WANTED),
    "gii_rank": "not in the data here: WIPO Global Innovation Index {year}, published scores",
    "gii_score": "not in the data here: WIPO Global Innovation Index {year}, published scores",
    "gii_rank_change": "not in the data here: WIPO Global Innovation Index {year}, published "
                       "scores",
    "clusters_in_top100": "not in the data here: WIPO Global Innovation Index {year}, S&T "
                          "cluster ranking (or a clusters run on real records)",
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
        Files read (claims file, bundled data files, release files, clusters.csv), for a run
        manifest.
    settings : dict
        Settings used (precision rule, Monte Carlo designs, clusters run).
    timelines : DataFrame
        :data:`TIMELINE_COLUMNS`: each R&D claim's figure after every release that changed
        it (:func:`innometrics.rnd.vintages.timeline`), in the claim's units.
    """

    table: pd.DataFrame
    claims: ClaimsFile
    inputs: tuple[Path, ...] = ()
    settings: dict = field(default_factory=dict)
    timelines: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=TIMELINE_COLUMNS))

    def _repr_html_(self) -> str:
        """The verdicts (for Jupyter)."""
        return self.table[CLAIM_COLUMNS].to_html(index=False)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables of a run directory: ``claims.csv`` (the verdicts) and ``timelines.csv``
        (each R&D claim's figure release by release)."""
        return {"claims.csv": self.table, "timelines.csv": self.timelines}

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
        data = [p for p in self.inputs if p != self.claims.path]
        inputs = {**({"claims": self.claims.path} if self.claims.path else {}),
                  **({"data": data} if data else {})}
        return write_run(out, kind="check", tables=self.tables(), settings=self.settings,
                         inputs=inputs, force=force, started=started, details=self.counts())


def _bundled_rnd_files() -> list[Path]:
    folder = oecd_rnd_dir()
    return ([folder / f for f in OECD_RND_FILES]
            + [folder.parent / "ncses_rnd" / f for f in NCSES_RND_FILES]
            + rnd_release_paths())


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
        Tidy R&D table; default :func:`innometrics.rnd.load_rnd_vintages` (bundled OECD,
        NCSES and national releases, every vintage). The claims file's ``vintages`` are
        added to it.

    Returns
    -------
    ClaimsResult
    """
    if gii is not None and not isinstance(gii, GiiData):
        raise InvalidParameter(f"'gii' of check_claims must be a GiiData or None; got {gii!r}.")
    claims = load_claims(path_or_mapping)
    if rnd is None:
        table = load_rnd_vintages(claims.vintages)
    elif claims.vintages:
        table = add_releases(rnd, [(str(f), read_releases(f)) for f in claims.vintages])
    else:
        table = rnd
    gii = gii or GiiData()
    for claim in claims.claims:
        _validate(claim, claims, table, gii)
    run_path = Path(clusters_run) if clusters_run is not None else claims.clusters_run
    run = None
    if run_path is not None and any(c.measure == "clusters_in_top100" for c in claims.claims):
        run = read_clusters_run(run_path, source=f"{claims.source}: clusters_run")
    cache: dict[tuple, list[Figure]] = {}
    settings: dict[str, Any] = {"precision": "half a unit of the last stated digit",
                                "clusters_run": str(run_path) if run_path else None,
                                "rnd_data": ("bundled OECD + NCSES + national releases"
                                             if rnd is None else "given"),
                                "as_of": claims.as_of,
                                "vintages": [str(f) for f in claims.vintages],
                                "gii_monte_carlo": {}}
    rows = []
    for claim in claims.claims:
        if claim.measure in RND_SCALE:
            rows.append(check_rnd(claim, table, cache))
        elif claim.measure in ("gii_rank", "gii_score"):
            rows.append(_check_gii(claim, gii, settings["gii_monte_carlo"]))
        elif claim.measure == "gii_rank_change":
            rows.append(_check_gii_change(claim, gii, settings["gii_monte_carlo"]))
        else:
            rows.append(_check_clusters(claim, run, run_path))
    frame = pd.DataFrame(rows, columns=[*CLAIM_COLUMNS, "tolerance", "text", *RANK_COLUMNS])
    frame["year"] = frame["year"].astype("int64")
    inputs = [claims.path] if claims.path else []
    if rnd is None and any(c.measure in RND_SCALE for c in claims.claims):
        inputs += _bundled_rnd_files()
    inputs += claims.vintages
    if run is not None:
        inputs.append(run.path)
    timelines = pd.DataFrame(
        [(c.id, f.released, f.value * RND_SCALE[c.measure], f.vintage, "; ".join(f.sources))
         for c in claims.claims if c.measure in RND_SCALE
         for f in cache.get((c.measure, c.economy, c.year), [])], columns=TIMELINE_COLUMNS)
    return ClaimsResult(table=frame, claims=claims, inputs=tuple(inputs), settings=settings,
                        timelines=timelines)


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
    if claim.measure in RND_SCALE:
        if claim.as_of and "released" not in table:
            raise InputError(where, f"as_of {claim.as_of} needs release dates, and the R&D "
                             "table given has none", "give a table with vintages "
                             "(innometrics.rnd.load_rnd_vintages), or drop as_of")
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
        for key, year in (("year", claim.year), ("from", claim.from_year)):
            if year is not None and not FIRST_GII_EDITION <= year <= last:
                key = "to" if key == "year" and claim.from_year is not None else key
                raise InputError(where, f"there is no GII edition {year}",
                                 f"give an edition from {FIRST_GII_EDITION} to {last} as "
                                 f"'{key}'")


def _year_span(table: pd.DataFrame, variables: tuple[str, ...]) -> tuple[int | None, int | None]:
    years = table.loc[table["variable"].isin(variables), "year"].dropna()
    return (int(years.min()), int(years.max())) if len(years) else (None, None)


def _check_gii(claim: Claim, gii: GiiData, designs: dict) -> dict[str, Any]:
    edition, economy = claim.year, claim.economy
    editions = gii.editions()
    if edition not in editions:
        bundled = f"bundled editions {editions[0]}-{editions[-1]}"
        state = "not bundled yet" if edition > editions[-1] else f"not bundled ({bundled})"
        note = (f"GII {edition} data {state}; needs WIPO's published GII {edition} scores "
                f"(a datasets/gii_{edition}/scores.csv bundle)")
        return make_row(claim, None, _WANTED.get(claim.measure, "").format(year=claim.year), note)
    table = gii.published(edition)
    row = table[table["uCode"] == economy]
    source = gii.source(edition)
    if row.empty:
        return make_row(claim, None, source, f"{economy} is not in GII {edition} "
                    f"({len(table)} economies); needs a GII edition that covers it")
    rank, score, name = int(row["rank"].iloc[0]), float(row["score"].iloc[0]), row["uName"].iloc[0]
    tied = table[table["rank"] == rank]
    ties = len(tied)
    tie_note = f", tied with {ties - 1} other(s) at the published rounding" if ties > 1 else ""
    found = float(rank) if claim.measure == "gii_rank" else score

    how = ("WIPO's published rank" if edition in GII_WORKBOOK_EDITIONS
           else f"rank by published score, ties share the best rank{tie_note}")
    note = (f"found {name} rank {rank} of {len(table)} with published score {score:g} "
            f"({how}); {claim_text(claim)}")
    tolerance = None
    if claim.measure == "gii_score":
        decimals = max(len(f"{v:.10g}".partition(".")[2]) for v in table["score"])
        published = 10.0 ** -decimals
        if published / 2 > claim.tolerance:
            tolerance = published / 2
            note += (f"; WIPO's scores are given here to {published:g}, so the claim is "
                     f"compared at ± {tolerance:g}")
    verdict = None
    if claim.measure == "gii_rank" and ties > 1:
        # economies sharing a published score share the ranks from the best to the worst
        # of them: any rank in that range is right at the precision WIPO publishes
        last = rank + ties - 1
        names = ", ".join(f"{n} ({c})" for c, n in zip(tied["uCode"], tied["uName"],
                                                      strict=True))
        note += (f"; ranks {rank}–{last} tied at the published precision ({names}: "
                 f"{score:g})")
        if rank <= claim.value <= last:
            verdict = "consistent"
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
    return make_row(claim, found, source, note, ranks, tolerance=tolerance, verdict=verdict)


def _check_gii_change(claim: Claim, gii: GiiData, designs: dict) -> dict[str, Any]:
    """A change of published GII rank between editions ``from`` and ``to``, with the paired
    Monte Carlo interval of the change (:mod:`innometrics.gii.atlas`)."""
    economy, editions = claim.economy, gii.editions()
    ranks = {}
    for edition in (claim.from_year, claim.year):
        if edition not in editions:
            note = (f"GII {edition} data not bundled (bundled editions {editions[0]}-"
                    f"{editions[-1]}); needs WIPO's published GII {edition} scores")
            return make_row(claim, None, _WANTED[claim.measure].format(year=edition), note)
        table = gii.published(edition)
        row = table[table["uCode"] == economy]
        if row.empty:
            return make_row(claim, None, gii.source(edition), f"{economy} is not in GII "
                            f"{edition} ({len(table)} economies)")
        ranks[edition] = int(row["rank"].iloc[0])
    before, after = ranks[claim.from_year], ranks[claim.year]
    found = float(after - before)
    note = (f"found rank {before} in GII {claim.from_year} and {after} in GII {claim.year} "
            f"(published), a change of {found:+.0f}; {claim_text(claim)}")
    interval = gii.rank_change(claim.from_year, claim.year, economy)
    if interval is not None:
        (q05, median, q95), described = interval
        designs[f"{claim.from_year}-{claim.year}"] = described
        moved = "significant" if q05 > 0 or q95 < 0 else "not significant (it includes 0)"
        note += (f"; paired Monte Carlo change ({described}): median {median:+.0f}, 90% "
                 f"interval [{q05:+.0f}, {q95:+.0f}], {moved}")
        return make_row(claim, found, f"{gii.source(claim.from_year)}; "
                        f"{gii.source(claim.year)}", note, (q05, median, q95))
    return make_row(claim, found, f"{gii.source(claim.from_year)}; {gii.source(claim.year)}",
                    note)


def _check_clusters(claim: Claim, run: ClustersRun | None, run_path: Path | None
                    ) -> dict[str, Any]:
    needs = ("needs WIPO's S&T cluster table for the edition, or a clusters run on real PCT "
             "and publication records (clusters_run: DIR in the claims file)")
    if run is None:
        return make_row(claim, None, _WANTED["clusters_in_top100"].format(year=claim.year),
                    f"no clusters run given; {needs}")
    if run.synthetic:
        return make_row(claim, None, f"clusters run {run.path.parent}",
                    f"the clusters run {run.path.parent} is synthetic (records drawn around "
                    f"cities, not real patents or articles); {needs}")
    found = float(run.count_top(claim.economy))
    note = (f"found {int(found)} clusters listing {claim.economy} among the top 100 of the "
            f"clusters run {run.path.parent} (a cross-border cluster counts for each economy; "
            f"the run's period is not checked against {claim.year}); {claim_text(claim)}")
    return make_row(claim, found, f"clusters run {run.path}", note)
