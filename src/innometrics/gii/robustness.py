"""How robust is a GII rank? The JRC audit's Monte Carlo design, on the indicator-level
rebuild.

The JRC's statistical audits of the GII vary three modelling choices (methodology.md §C2;
the 2023 audit text was not available, so the design follows the audits' described practice
and COINr's conventions):

- **weights**: every sub-pillar's weight within its pillar and every pillar's weight within
  its sub-index becomes ``w·(1 + U(−0.25, 0.25))`` (levels 2 and 3 of the framework);
- **missing data**: no imputation (the GII's rule: averages over the values present) vs EM
  imputation, run within each pillar (level 3) so that EM estimates covariance matrices of a
  pillar's 7-15 indicators rather than all 80 at once;
- **aggregation** of pillars into the sub-indices: arithmetic vs geometric mean.

Each replication draws one option per choice; ranks are summarised as the median and the
90% interval [q05, q95] (COINr ``RankStats``).
"""

from __future__ import annotations

from dataclasses import replace

from ..recipe import Recipe

__all__ = ["jrc_design", "with_jrc_design", "EM_SETTINGS"]

#: EM imputation as the design runs it (within pillars; tolerance in standard deviations).
EM_SETTINGS = {"method": "em", "within": 3, "max_iter": 1000, "tol": 1e-6}


def jrc_design(recipe: Recipe, *, runs: int = 1000, seed: int = 1, noise: float = 0.25) -> dict:
    """The design as a recipe's ``uncertainty:`` section, for a GII recipe whose levels are
    1 indicators, 2 sub-pillars, 3 pillars, 4 sub-indices, 5 index.

    The aggregation alternatives keep the recipe's other aggregate settings (coverage flags,
    ratios) and change only the method at level 4 (pillars → sub-indices).
    """
    base = recipe.settings("aggregate") or {"method": "arithmetic"}
    geometric = {**base, "method": {4: "geometric", "default": "arithmetic"}}
    return {"runs": runs, "seed": seed, "weights": {"noise": noise, "levels": [2, 3]},
            "alternatives": {"impute": [{"method": "none"}, dict(EM_SETTINGS)],
                             "aggregate": [dict(base), geometric]}}


def with_jrc_design(recipe: Recipe, **design: float) -> Recipe:
    """``recipe`` with :func:`jrc_design` as its uncertainty section."""
    return replace(recipe, uncertainty=jrc_design(recipe, **design))
