"""The GII atlas: every economy in every edition with a rank interval, and the change since
the previous edition with the change's interval.

Sources. By default the bundled pillar panel for 2011-2022 (WIPO's published pillar scores
recomposed into the index: pillar weights ±25%, arithmetic against geometric means) and the
bundled 2023 workbook (the indicator-level rebuild with the JRC audit's design,
:func:`innometrics.gii.robustness.with_jrc_design`). Each workbook given adds or replaces an
edition at indicator level; its edition is the year (20xx) in the workbook's file name.

Pairing. The editions' frameworks differ (7 pillars recomposed, or 80 indicators rebuilt), so
the Monte Carlo is paired through the nodes they share: the seven pillars (``IN.1`` ...
``OUT.7``) and the aggregation choice. Replication ``r`` draws one uniform number per pillar
and one for the aggregation choice, used by every edition (a pillar's weight multiplier
``1 + f·(2u − 1)`` is the same wherever the pillar's weight is perturbed, and the same
replications use geometric means); what an edition alone has (sub-pillar weights, the
imputation choice of the indicator-level design) is drawn from the edition's own stream
(``default_rng([seed, edition])``). A rank change in replication ``r`` is the difference of
the two editions' ranks in that replication; its 90% interval ``[q05, q95]`` is taken with
numpy's ``inverted_cdf`` (changes that occurred), and a change is significant when the
interval excludes 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..datasets import GII_EDITIONS, gii_recipe_path, gii_workbook_dir
from ..errors import InputError
from ..ranking import rank_min
from ..recipe import Recipe
from ..uncertainty import UncertaintyDesign
from ..uncertainty.design import noisy_nodes
from ..uncertainty.evaluation import evaluate_design, nominal_build
from ..uncertainty.panel import rank_changes
from ..uncertainty.sampling import design_from_unit
from ..uncertainty.statistics import RANK_QUANTILE_METHOD
from .bundled import gii_published, gii_recipe
from .importer import import_gii
from .robustness import with_jrc_design
from .workbook import read_workbook, read_workbook_tables

__all__ = ["AtlasEdition", "atlas_inputs", "atlas_source", "atlas_sources", "run_atlas",
           "ATLAS_COLUMNS",
           "SHARED_NODES", "DEFAULT_WORKBOOKS"]

#: Bundled workbook editions the atlas uses by default (indicator level).
DEFAULT_WORKBOOKS = (2023,)
#: The nodes every edition shares, through which the replications are paired.
SHARED_NODES = ("IN.1", "IN.2", "IN.3", "IN.4", "IN.5", "OUT.6", "OUT.7")
#: Columns of ``atlas.csv``.
ATLAS_COLUMNS = ["edition", "uCode", "name", "rank", "score", "rank_median", "rank_q05",
                 "rank_q95", "change", "change_q05", "change_median", "change_q95",
                 "significant", "level"]


@dataclass(frozen=True)
class AtlasEdition:
    """One edition of the atlas: the recipe whose Monte Carlo gives its intervals, WIPO's
    published table (``uCode, uName, score, rank``) and the level it is rebuilt at."""

    edition: int
    recipe: Recipe
    published: pd.DataFrame
    level: str  # "indicator" or "pillar"


def _workbook_edition(path: Path) -> int:
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", path.name)
    if not years:
        raise InputError(str(path), "no edition (a year 20xx) in the workbook's name",
                         "name the file after its edition, e.g. GII_2022.xlsx")
    return int(years[-1])


def _workbook_source(path: Path) -> AtlasEdition:
    book = read_workbook_tables(path) if path.is_dir() else read_workbook(path)
    recipe = with_jrc_design(import_gii(book).result.recipe)
    return AtlasEdition(_workbook_edition(path), recipe, book.published_index(), "indicator")


def atlas_source(edition: int) -> AtlasEdition:
    """A bundled edition of the atlas: a panel edition at pillar level, a bundled workbook
    (2023) at indicator level."""
    level = "pillar" if edition in GII_EDITIONS else "indicator"
    return AtlasEdition(edition, gii_recipe(edition), gii_published(edition), level)


def atlas_sources(workbooks: list[Path] | tuple[Path, ...] = ()) -> list[AtlasEdition]:
    """The editions of the atlas, in increasing order: the bundled defaults (see the
    module's docstring), each given workbook adding or replacing its edition."""
    given = {}
    for path in workbooks:
        source = _workbook_source(Path(path))
        given[source.edition] = source
    sources = {e: given.get(e) or atlas_source(e) for e in (*GII_EDITIONS, *DEFAULT_WORKBOOKS)}
    sources.update(given)
    return [sources[e] for e in sorted(sources)]


def atlas_inputs(workbooks: list[Path] | tuple[Path, ...] = ()) -> dict[str, Path]:
    """The files an atlas reads, by role, for its run's provenance: each given workbook, and
    the bundled data of every default edition it does not replace (the pillar panel's
    recipe and data; a bundled workbook's folder, recorded file by file)."""
    given = {_workbook_edition(Path(w)): Path(w) for w in workbooks}
    inputs = {f"workbook_{edition}": path for edition, path in sorted(given.items())}
    panel = [e for e in GII_EDITIONS if e not in given]
    if panel:
        recipe = gii_recipe_path(panel[0])
        inputs["gii_panel"] = recipe.parent.parent / "gii_panel_2011_2022.csv"
        inputs.update({f"recipe_{e}": gii_recipe_path(e) for e in panel})
    inputs.update({f"workbook_{e}": gii_workbook_dir(e) for e in DEFAULT_WORKBOOKS
                   if e not in given})
    return inputs


def _paired_ranks(source: AtlasEdition, runs: int, seed: int, shared: np.ndarray,
                  shared_choice: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """Units and ranks (runs, units) of one edition under the shared draws."""
    recipe = source.recipe
    design = UncertaintyDesign.from_recipe(recipe, runs=runs, seed=seed)
    design.validate(recipe)
    own = np.random.default_rng([seed, source.edition])
    codes = [c for c, noisy in zip(recipe.framework.codes, noisy_nodes(recipe, design),
                                   strict=True) if noisy]
    u_weights = own.random((runs, len(codes)))
    for k, code in enumerate(codes):
        if code in SHARED_NODES:
            u_weights[:, k] = shared[:, SHARED_NODES.index(code)]
    u_choices = {step: shared_choice if step == "aggregate" else own.random(runs)
                 for step in design.alternatives}
    sampled = design_from_unit(recipe, design, u_weights, u_choices)
    scores = evaluate_design(recipe, design, sampled)
    units = tuple(nominal_build(recipe)[2].scores.index)
    return units, rank_min(scores, axis=-1)


def run_atlas(sources: list[AtlasEdition], *, runs: int = 1000, seed: int = 1) -> pd.DataFrame:
    """The atlas table (:data:`ATLAS_COLUMNS`), one row per economy and edition.

    ``rank`` and ``score`` are WIPO's published figures; ``rank_median``, ``rank_q05``,
    ``rank_q95`` the Monte Carlo's (ranks that occurred); ``change`` is ``rank`` minus the
    economy's published rank in the previous edition (negative = moved up; missing in its
    first edition), with the paired interval and ``significant`` as in the module's
    docstring.
    """
    rng = np.random.default_rng(seed)
    shared = rng.random((runs, len(SHARED_NODES)))
    shared_choice = rng.random(runs)
    parts = []
    before: tuple[dict[str, int], np.ndarray, dict[str, float]] | None = None
    for source in sources:
        units, ranks = _paired_ranks(source, runs, seed, shared, shared_choice)
        column = {u: i for i, u in enumerate(units)}
        table = source.published.rename(columns={"uName": "name"}).copy()
        table.insert(0, "edition", source.edition)
        q05, median, q95 = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0,
                                       method=RANK_QUANTILE_METHOD)
        at = [column.get(u, -1) for u in table["uCode"]]
        have = np.array(at) >= 0
        for name, values in (("rank_median", median), ("rank_q05", q05), ("rank_q95", q95)):
            table[name] = np.where(have, values[np.array(at)], np.nan)
        for name in ("change", "change_q05", "change_median", "change_q95"):
            table[name] = np.nan
        table["significant"] = pd.array([pd.NA] * len(table), dtype="boolean")
        if before is not None:
            prev_column, prev_ranks, prev_published = before
            rows = [k for k, u in enumerate(table["uCode"])
                    if have[k] and u in prev_column and u in prev_published]
            if rows:
                now = np.array([at[k] for k in rows])
                then = np.array([prev_column[table["uCode"].iat[k]] for k in rows])
                published_now = table["rank"].to_numpy(float)[rows]
                published_then = np.array([prev_published[table["uCode"].iat[k]]
                                           for k in rows])
                changes = rank_changes(ranks[:, now], prev_ranks[:, then], published_now,
                                       published_then)
                for name in ("change", "change_q05", "change_median", "change_q95"):
                    table.loc[table.index[rows], name] = changes[name].to_numpy()
                table.loc[table.index[rows], "significant"] = changes["significant"].to_numpy()
        table["level"] = source.level
        parts.append(table[ATLAS_COLUMNS])
        before = (column, ranks, dict(zip(table["uCode"], table["rank"].astype(float),
                                          strict=True)))
    return pd.concat(parts, ignore_index=True)
