"""Where the claim checker finds GII scores, GII rank intervals and cluster counts.

**GII.** Published scores and ranks come from :func:`innometrics.gii.gii_published`
(the bundled 2011-2022 panel, the bundled GII 2023 data workbook, or a
``datasets/gii_<edition>/scores.csv`` bundle). Rank intervals come from a Monte Carlo over the
edition's recipe (:func:`innometrics.gii.gii_recipe`,
:func:`innometrics.uncertainty.run_uncertainty`): for the panel editions the recipe
recomposes the GII from WIPO's pillar scores (pillar weights ±25%, arithmetic vs geometric
means); for GII 2023 it is the indicator-level rebuild from WIPO's workbook with the JRC
audit's design (:mod:`innometrics.gii.robustness`). :class:`GiiData` is the one place to
change either.

**Clusters.** A clusters run directory (``innometrics clusters rank ... --out DIR``) holds
``clusters.csv`` with columns ``cluster_id, name, economies`` (ISO3 joined by ``;``) ...
``rank`` and ``synthetic``. An economy's count in the top 100 counts a cross-border cluster
for each economy it lists (as ``ClusterRanking.economies``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._params import Integral, Interval, check_params
from ..datasets import GII_EDITIONS, GII_WORKBOOK_EDITIONS, gii_editions
from ..errors import InputError
from ..gii.atlas import SHARED_NODES, atlas_source, run_atlas
from ..gii.bundled import gii_published, gii_recipe
from ..uncertainty import UncertaintyDesign, run_uncertainty

__all__ = ["GiiData", "ClustersRun", "read_clusters_run", "FIRST_GII_EDITION"]

#: The first GII edition (2007): earlier "editions" are input errors, later unbundled ones
#: are unverifiable.
FIRST_GII_EDITION = 2007

_CONSTRAINTS = {"runs": [Interval(Integral, 1, None), None],
                "seed": [Interval(Integral, 0, None), None],
                "monte_carlo": [bool]}


@functools.lru_cache(maxsize=8)
def _rank_intervals(edition: int, runs: int | None, seed: int | None
                    ) -> tuple[pd.DataFrame, str] | None:
    recipe = gii_recipe(edition)
    if not recipe.uncertainty:
        return None
    design = UncertaintyDesign.from_recipe(recipe, runs=runs, seed=seed)
    table = run_uncertainty(recipe, design).rank_intervals()
    parts = []
    if design.noise > 0 and design.levels:
        levels = ", ".join(str(v) for v in design.levels)
        parts.append(f"weights ±{design.noise:.0%} at level {levels}")
    for step, options in design.alternatives.items():
        methods = [str(o.get("method", o)) for o in options]
        parts.append(f"{step} {' vs '.join(methods)}")
    described = f"{design.runs} runs, seed {design.seed}: {'; '.join(parts) or 'fixed'}"
    return table, described


@functools.lru_cache(maxsize=8)
def _rank_changes(before: int, after: int, runs: int | None, seed: int | None
                  ) -> tuple[pd.DataFrame, str]:
    runs, seed = runs or 1000, 1 if seed is None else seed
    atlas = run_atlas([atlas_source(before), atlas_source(after)], runs=runs, seed=seed)
    return atlas, (f"{runs} runs, seed {seed}, each edition's design paired through the "
                   f"pillars {', '.join(SHARED_NODES)}")


@dataclass(frozen=True)
class GiiData:
    """GII scores, ranks and Monte Carlo rank intervals for the claim checker.

    Parameters
    ----------
    monte_carlo : bool, default=True
        Give rank claims a Monte Carlo rank interval (``rank_q05, rank_median, rank_q95``).
    runs, seed : int, optional
        Override the recipe's number of replications and seed.
    """

    monte_carlo: bool = True
    runs: int | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
        check_params("GiiData", {"runs": self.runs, "seed": self.seed,
                                 "monte_carlo": self.monte_carlo}, _CONSTRAINTS)

    def editions(self) -> tuple[int, ...]:
        """Editions with published scores bundled."""
        return gii_editions()

    def published(self, edition: int) -> pd.DataFrame:
        """``uCode, uName, score, rank`` of ``edition`` (see
        :func:`innometrics.gii.gii_published`)."""
        return gii_published(edition)

    def source(self, edition: int) -> str:
        """How the published figures of ``edition`` are cited."""
        where = ("bundled panel 2011-2022" if edition in GII_EDITIONS
                 else "WIPO's data workbook, bundled" if edition in GII_WORKBOOK_EDITIONS
                 else f"bundled datasets/gii_{edition}")
        return f"WIPO Global Innovation Index {edition}, published scores ({where})"

    def rank_intervals(self, edition: int) -> tuple[pd.DataFrame, str] | None:
        """Monte Carlo rank statistics (``uCode, nominal, median, q05, q95, ...``) and a
        description of the design (:func:`innometrics.gii.gii_recipe`: pillar level for
        2011-2022, indicator level with the JRC design for a bundled workbook), or ``None``
        (no recipe for the edition, or turned off). Cached per edition, runs and seed."""
        if not self.monte_carlo or edition not in GII_EDITIONS + GII_WORKBOOK_EDITIONS:
            return None
        return _rank_intervals(edition, self.runs, self.seed)

    def rank_change(self, before: int, after: int, economy: str
                    ) -> tuple[tuple[float, float, float], str] | None:
        """The paired Monte Carlo interval ``(q05, median, q95)`` of ``economy``'s rank
        change from edition ``before`` to ``after`` (:func:`innometrics.gii.atlas.run_atlas`
        on the two editions, paired through the pillars) and a description of the design, or
        ``None`` (an edition without a recipe, the economy not ranked in both, or turned
        off). Cached per editions, runs and seed."""
        bundled = GII_EDITIONS + GII_WORKBOOK_EDITIONS
        if not self.monte_carlo or before not in bundled or after not in bundled:
            return None
        atlas, described = _rank_changes(before, after, self.runs, self.seed)
        row = atlas[(atlas["edition"] == after) & (atlas["uCode"] == economy)]
        if row.empty or row["change_q05"].isna().iloc[0]:
            return None
        r = row.iloc[0]
        return (float(r["change_q05"]), float(r["change_median"]),
                float(r["change_q95"])), described


@dataclass(frozen=True)
class ClustersRun:
    """The ``clusters.csv`` of a clusters run directory."""

    path: Path
    clusters: pd.DataFrame
    synthetic: bool

    def count_top(self, economy: str, top: int = 100) -> int:
        """Clusters ranked ``<= top`` that list ``economy`` (a cross-border cluster counts
        for each economy it lists)."""
        ranked = self.clusters[self.clusters["rank"] <= top]
        lists = ranked["economies"].fillna("").astype(str).str.split(";")
        return int(sum(economy in [c.strip() for c in codes] for codes in lists))


def read_clusters_run(directory: str | Path, *, source: str = "clusters_run") -> ClustersRun:
    """Read and check the ``clusters.csv`` of a clusters run directory."""
    directory = Path(directory)
    path = directory / "clusters.csv" if directory.is_dir() else directory
    if not path.is_file():
        raise InputError(source, f"no clusters.csv in {directory}",
                         "give the directory written by 'innometrics clusters rank --out DIR'")
    try:
        table = pd.read_csv(path, dtype={"economies": str})
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(str(path), f"cannot be read as CSV ({exc})",
                         "give the clusters.csv of a clusters run") from None
    missing = [c for c in ("cluster_id", "economies", "rank") if c not in table.columns]
    if missing:
        raise InputError(str(path), f"columns {missing} are missing",
                         "give the clusters.csv of a clusters run (cluster_id, name, "
                         "economies, ..., rank, synthetic)")
    ranks = pd.to_numeric(table["rank"], errors="coerce")
    if ranks.isna().any():
        row = int(ranks.isna().to_numpy().argmax()) + 2
        raise InputError(str(path), "rank is not a number", "give every cluster a rank",
                         row=row, column="rank")
    table["rank"] = ranks
    synthetic = ("synthetic" in table.columns and table["synthetic"].astype(str).str.strip()
                 .str.lower().isin(["true", "1", "yes"]).any())
    return ClustersRun(path=path, clusters=table, synthetic=bool(synthetic))
