"""``innometrics gii import``: WIPO's data workbook in, the GII rebuilt by the engine out.

:func:`import_gii` reads a workbook (any edition in WIPO's layout), works out the rules —
*calibrated* (inferred from WIPO's own scores where the documentation leaves them open: tails,
points, bounds, weights) or *documented* (only what WIPO's methodology states, applied to
``VALUE_SCREEN`` without looking at ``SCORE``; directions, which the workbook does not give,
are the one thing taken from the scores, or from documented evidence where the scores cannot
show them: :mod:`~innometrics.gii.directions`) — turns them into a framework, a data table and a
recipe, and runs that recipe with the engine like ``innometrics build`` would. It then
compares every score and rank with WIPO's, and derives the strengths and weaknesses, the
income-group comparison and the Innovation Efficiency Ratio.

Run directory (kind ``gii-import``): everything a build run holds (``scores.csv``,
``ranks.csv``: ``uCode`` = ISO3, one column per node named by WIPO's ``NUM``, the index
``GII``; ``data/<Stage>.csv``; ``recipe.yaml``, ``framework.csv``, ``data.csv``, from which
``innometrics build DIR/recipe.yaml`` reproduces the run; ``dmc.csv``; ``derived.csv`` with
the IER), plus ``agreement.csv`` (per node), ``rules.csv`` (per indicator), ``profiles.csv``
(per economy and node: scores, ranks, strengths and weaknesses, WIPO's values beside ours),
``income_groups.csv`` (group statistics per node) and, in documented mode,
``differences.csv`` (per indicator: the documented rule against the calibrated one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._params import one_of
from ..data import load_data
from ..errors import InputError, InvalidParameter
from ..framework import load_framework
from ..recipe import Recipe
from ..result import IndexResult, build
from ..runs import write_run
from .calibrate import calibrated_rules, documented_rules, rule_differences
from .coverage import infer_dmc_rule
from .profile import (
    comparison_groups,
    data_age,
    economy_profile,
    flag_agreement,
    group_statistics,
    income_group_comparison,
    income_group_strengths_weaknesses,
    overall_strengths_weaknesses,
)
from .recipe import data_table, framework_table, recipe_dict
from .weights import infer_weights, weights_of
from .workbook import SHEETS, Workbook, read_workbook

__all__ = ["GiiImport", "import_gii", "RULE_MODES", "AGREEMENT_TOLERANCE"]

RULE_MODES = ("calibrated", "documented")
#: A score reproduces WIPO's when within this (the workbook stores 15 significant digits).
AGREEMENT_TOLERANCE = 1e-6
_LEVEL_NAMES = {1: "Indicator", 2: "SubPillar", 3: "Pillar", 4: "SubIndex", 5: "Index"}


@dataclass(frozen=True)
class GiiImport:
    """A GII rebuilt from WIPO's workbook by the engine, compared with WIPO's values.

    Attributes
    ----------
    workbook : Workbook
    mode : str
        ``calibrated`` or ``documented``.
    rules : DataFrame
        One row per indicator (:data:`~innometrics.gii.calibrate.RULE_COLUMNS`).
    result : IndexResult
        The engine's run of the generated recipe.
    agreement : DataFrame
        One row per node: ``code, name, level, economies, reproduced, max_abs_diff,
        ranks_equal, rank_mismatches, note`` (why a node differs). Only what the workbook
        publishes is checked: ``economies`` counts WIPO's scores present; ``max_abs_diff``
        and ``ranks_equal`` are empty where WIPO publishes no score or no rank.
    profiles : DataFrame
        Long: one row per economy and node.
    income_groups : DataFrame
        Statistics per comparison group and node.
    differences : DataFrame or None
        Documented mode: per indicator, the documented rule against the calibrated one.
    flags : dict
        Agreement of our strengths and weaknesses with WIPO's ``SW_OVERALL`` and
        ``SW_INCGRP`` (cells, agree, ...; only the published flags are counted, see
        :func:`~innometrics.gii.profile.flag_agreement`).
    """

    workbook: Workbook
    mode: str
    rules: pd.DataFrame
    result: IndexResult
    agreement: pd.DataFrame
    profiles: pd.DataFrame
    income_groups: pd.DataFrame
    differences: pd.DataFrame | None
    flags: dict

    def _repr_html_(self) -> str:
        """Agreement with WIPO per level (for Jupyter)."""
        per_level = self.agreement.groupby("level", sort=False)[["economies", "reproduced",
                                                                  "rank_mismatches"]].sum()
        return per_level.to_html()

    def to_frame(self) -> pd.DataFrame:
        """Agreement with WIPO's published values per node (``agreement.csv``); every table
        of the run is in :meth:`tables`."""
        return self.agreement

    def tables(self) -> dict[str, pd.DataFrame | str]:
        """Every file of the run (module docstring)."""
        out = dict(self.result.tables())
        out.update({"agreement.csv": self.agreement, "rules.csv": self.rules,
                    "profiles.csv": self.profiles, "income_groups.csv": self.income_groups})
        if self.differences is not None:
            out["differences.csv"] = self.differences
        return out

    def summary(self) -> dict:
        """Counts for the console and the manifest."""
        a = self.agreement
        indicators = a[a["level"] == "Indicator"]
        return {"mode": self.mode, "economies": int(len(self.result.scores)),
                "indicators": int(len(indicators)),
                "scores": int(a["economies"].sum()), "reproduced": int(a["reproduced"].sum()),
                "indicator_scores": int(indicators["economies"].sum()),
                "indicator_reproduced": int(indicators["reproduced"].sum()),
                "max_abs_diff": float(a["max_abs_diff"].max()),
                "index_ranks_equal": _all_or_none(a.loc[a["level"] == "Index",
                                                        "ranks_equal"]),
                "sw_overall": self.flags["overall"], "sw_incgrp": self.flags["incgrp"]}

    def summary_lines(self) -> list[str]:
        """The agreement with WIPO in a few lines (what ``gii import`` prints); only what
        the workbook publishes is counted, and what it does not is said to be unpublished."""
        s = self.summary()
        if s["scores"]:
            within = np.format_float_scientific(AGREEMENT_TOLERANCE, trim="-", exp_digits=1)
            scores = (f"scores reproduced within {within}: {s['reproduced']:,} "
                      f"of {s['scores']:,} ({s['reproduced'] / s['scores']:.2%}); indicators "
                      f"{s['indicator_reproduced']:,} of {s['indicator_scores']:,}; largest "
                      f"difference {s['max_abs_diff']:.2g}")
        else:
            scores = "scores: none published in the workbook, none checked"
        ranks = {True: "yes", False: "no", None: "not published"}[s["index_ranks_equal"]]
        flags = [f"{f['agree']:,} of {f['cells']:,}" if f["cells"] else "not published"
                 for f in (s["sw_overall"], s["sw_incgrp"])]
        return [scores, f"index ranks equal to WIPO's: {ranks}; strengths/weaknesses agree "
                        f"on {flags[0]} (overall), {flags[1]} (income group)"]

    def write(self, out: str | os.PathLike, *, source: str | os.PathLike | None = None,
              force: bool = False, started: float | None = None) -> Path:
        """Write a ``gii-import`` run directory (see :mod:`innometrics.runs`)."""
        settings = {"rules": self.mode, "tolerance": AGREEMENT_TOLERANCE,
                    "recipe": self.result.recipe.to_dict()}
        inputs = {"workbook": source} if source is not None else {}
        return write_run(out, kind="gii-import", tables=self.tables(), settings=settings,
                         inputs=inputs, force=force, started=started, details=self.summary())

    def profile(self, economy: str) -> pd.DataFrame:
        """One economy's scores and ranks at every level, strengths and weaknesses and the
        income-group comparison (:func:`~innometrics.gii.profile.economy_profile`)."""
        return economy_profile(self.profiles, economy)


def _all_or_none(flags: pd.Series) -> bool | None:
    """Whether every published flag is true; None when none is published."""
    present = flags.dropna()
    return bool(present.all()) if len(present) else None


def _sub_index_ratio(workbook: Workbook) -> dict[str, list[str]]:
    """The Innovation Efficiency Ratio (Output / Input Sub-Index) when the workbook's
    sub-indices are coded like WIPO's (``IN``, ``OUT``)."""
    children = workbook.children(workbook.index_code)
    inputs = [c for c in children if c.upper().startswith("IN")]
    outputs = [c for c in children if c.upper().startswith("OUT")]
    return {"IER": [outputs[0], inputs[0]]} if len(inputs) == len(outputs) == 1 else {}


def _dmc_thresholds(workbook: Workbook) -> dict[int, float] | None:
    """DMC thresholds per framework level (2 = sub-pillars, 3 = pillars) that reproduce the
    workbook's flags; None when the workbook has no DMC flags."""
    # the engine's rule: indicators present at level 2, children passing above
    basis = {("SubPillar", "share of indicators present"): 2,
             ("Pillar", "share of sub-pillars passing DMC"): 3}
    rule = infer_dmc_rule(workbook)
    found = {basis[(r.LEVEL, r.basis)]: float(r.threshold) for r in rule.itertuples()
             if (r.LEVEL, r.basis) in basis and r.separable and r.n_checked > 0
             and r.n_agree == r.n_checked and 0 <= r.threshold <= 1}
    return found or None


def build_recipe(workbook: Workbook, rules: pd.DataFrame, node_weights, *,
                 documented: pd.DataFrame | None, name: str) -> Recipe:
    """The engine recipe for ``rules`` (framework, data and steps in memory)."""
    spec = recipe_dict(rules, documented=documented)
    steps = [(step, settings) for entry in spec["steps"] for step, settings in entry.items()]
    aggregate = dict(steps[-1][1])
    dmc = _dmc_thresholds(workbook)
    if dmc:
        aggregate["dmc"] = dmc
    ratios = _sub_index_ratio(workbook)
    if ratios:
        aggregate["ratios"] = ratios
    steps[-1] = ("aggregate", aggregate)
    try:  # checked again by the engine's loaders; a refusal names the user's sheets
        framework = load_framework(framework_table(workbook, rules, node_weights),
                                   source="framework.csv")
        data = load_data(data_table(workbook), framework, source="data.csv")
    except InputError as exc:
        table = "structure" if exc.source == "framework.csv" else "economies"
        raise InputError(workbook.place(table), f"the engine cannot use the "
                         f"{SHEETS[table]} table: {exc.problem}", exc.fix) from None
    rules_used = ("WIPO's documented rules only" if documented is None
                  else "WIPO's documented rules and what its scores show")
    return Recipe(framework=framework, data=data, steps=tuple(steps), name=name,
                  description=f"Rebuilt by innometrics from {Path(workbook.source).name} "
                              f"with {rules_used}")


def _notes(agreement: pd.DataFrame, workbook: Workbook, weights: dict[str, float]) -> list[str]:
    """Why a node differs from WIPO: an undocumented weight among its children, or a child
    that differs (indicators: see rules.csv and differences.csv)."""
    differs = set(agreement.loc[agreement["reproduced"] < agreement["economies"], "code"])
    notes = []
    for code in agreement["code"]:
        kids = workbook.children(code) if code in set(workbook.structure["NUM"]) else []
        halves = [k for k in kids if weights.get(k, 1.0) != 1.0]
        if code not in differs:
            notes.append("")
        elif not kids and np.isinf(agreement.set_index("code").loc[code, "max_abs_diff"]):
            notes.append("WIPO has scores where VALUE_SCREEN is empty (values missing from "
                         "the workbook's data)")
        elif not kids:
            notes.append("the indicator's rule does not reproduce WIPO's scores: see the "
                          "evidence in rules.csv (and differences.csv with --rules documented)")
        elif halves:
            notes.append("WIPO weights " + ", ".join(f"{k} {weights[k]:g}" for k in halves)
                         + "; the documentation does not say which (equal weights used)")
        else:
            notes.append("follows from " + ", ".join(k for k in kids if k in differs))
    return notes


def _agreement(workbook: Workbook, result: IndexResult) -> pd.DataFrame:
    wipo_scores, wipo_ranks = workbook.wide("SCORE"), workbook.wide("RANK")
    ours, our_ranks = result.scores, result.ranks
    names = workbook.structure.set_index("NUM")["NAME"]
    depth = workbook.structure.set_index("NUM")["DEPTH"]
    rows = []
    for code in result.recipe.framework.codes:
        theirs = wipo_scores[code].reindex(ours.index).to_numpy(dtype=np.float64)
        mine = ours[code].to_numpy(dtype=np.float64)
        both = ~np.isnan(theirs)
        diff = np.abs(mine - theirs)[both]
        diff = np.where(np.isnan(diff), np.inf, diff)  # a score WIPO has and we lack
        their_rank = wipo_ranks[code].reindex(ours.index).to_numpy(dtype=np.float64)
        ranked = ~np.isnan(their_rank)
        mismatches = int(np.sum(our_ranks[code].to_numpy()[ranked] != their_rank[ranked]))
        rows.append({"code": code, "name": names.get(code, code),
                     "level": _LEVEL_NAMES.get(int(depth.get(code, 0)), str(depth.get(code))),
                     "economies": int(both.sum()),
                     "reproduced": int(np.sum(diff <= AGREEMENT_TOLERANCE)),
                     # nothing published, nothing checked: empty, not a perfect match
                     "max_abs_diff": float(diff.max()) if diff.size else np.nan,
                     "ranks_equal": mismatches == 0 if ranked.any() else pd.NA,
                     "rank_mismatches": mismatches})
    return pd.DataFrame(rows).astype({"ranks_equal": "boolean"})


def _profiles(workbook: Workbook, result: IndexResult) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                 dict]:
    scores, ranks = result.scores, result.ranks
    codes = list(scores.columns)
    age = data_age(workbook.wide("DATAYR", workbook.indicators))
    dmc_frame = result.coverage()
    dmc = dmc_frame.astype(float) if dmc_frame is not None else None
    overall = overall_strengths_weaknesses(scores, ranks, workbook.indicators, data_age=age,
                                           dmc=dmc)
    income = workbook.economies.set_index("ISO3")["INCOME"].reindex(scores.index)
    groups = comparison_groups(income, ranks[result.index_code])
    incgrp = income_group_strengths_weaknesses(scores, groups, data_age=age, dmc=dmc)
    comparison = income_group_comparison(scores, groups)
    flags = {"overall": flag_agreement(overall, workbook.wide("SW_OVERALL")),
             "incgrp": flag_agreement(incgrp, workbook.wide("SW_INCGRP"))}

    def long(frame: pd.DataFrame, name: str) -> pd.Series:
        return frame.reindex(index=scores.index, columns=codes).stack(future_stack=True) \
            .rename(name)

    depth = workbook.structure.set_index("NUM")["DEPTH"]
    table = pd.concat([long(scores, "score"), long(ranks, "rank"),
                       long(workbook.wide("SCORE"), "wipo_score"),
                       long(workbook.wide("RANK"), "wipo_rank"),
                       long(overall, "strength_weakness"),
                       long(workbook.wide("SW_OVERALL"), "wipo_strength_weakness"),
                       long(incgrp, "income_group_sw"),
                       long(workbook.wide("SW_INCGRP"), "wipo_income_group_sw")], axis=1)
    table.index.names = ["uCode", "code"]
    table = table.reset_index()
    table.insert(2, "level", table["code"].map(lambda c: _LEVEL_NAMES.get(int(depth[c]))))
    names = dict(zip(result.recipe.data.units, result.recipe.data.names, strict=True))
    table.insert(1, "uName", table["uCode"].map(names))
    if dmc_frame is not None:
        table["dmc_fails"] = long(dmc_frame.astype("boolean"), "dmc").to_numpy()
    table["compared_with"] = table["uCode"].map(groups["compared_with"])
    table = table.merge(comparison.drop(columns=["score", "group"])
                        .rename(columns={"ISO3": "uCode", "NUM": "code"}),
                        on=["uCode", "code"], how="left")
    return table, group_statistics(scores, groups), flags


def _check_income_groups(workbook: Workbook) -> None:
    """The income-group profiles need WIPO's income groups: refuse before any work."""
    if workbook.economies["INCOME"].notna().any():
        return
    raise InputError(workbook.place("economies"), "column 'INCOME' is missing or empty",
                     "add WIPO's income group of every economy (HI, UM, LM, LI): the "
                     "income-group strengths and weaknesses need it", column="INCOME")


def import_gii(source: str | os.PathLike | Workbook, *, rules: str = "calibrated"
               ) -> GiiImport:
    """Rebuild the GII from WIPO's data workbook with the engine (module docstring).

    Parameters
    ----------
    source : path or Workbook
        The workbook (.xlsx, sheets ``Index Structure``, ``Economies``, ``Data``), or one read
        already (e.g. the bundled GII 2023 copy, :func:`innometrics.gii.gii_workbook`).
    rules : {"calibrated", "documented"}, default "calibrated"

    Returns
    -------
    GiiImport
    """
    if rules not in RULE_MODES:
        raise InvalidParameter(one_of("--rules", RULE_MODES, rules))
    workbook = source if isinstance(source, Workbook) else read_workbook(source)
    _check_income_groups(workbook)
    node_weights = infer_weights(workbook)  # the slow inference: done once, passed on
    weights = weights_of(node_weights)
    calibrated = calibrated_rules(workbook, weights=weights)
    directions = dict(zip(calibrated["iCode"], calibrated["direction"], strict=True))
    documented = documented_rules(workbook, directions=directions, weights=weights)
    edition = Path(workbook.source).stem
    if rules == "calibrated":
        chosen = calibrated.assign(weight=calibrated["iCode"].map(weights).fillna(1.0))
        recipe = build_recipe(workbook, chosen, node_weights, documented=documented,
                              name=f"{edition}, calibrated rules")
        differences = None
    else:
        chosen = documented.assign(weight=1.0)
        recipe = build_recipe(workbook, chosen, None, documented=None,
                              name=f"{edition}, documented rules")
        differences = rule_differences(documented, calibrated)
    result = build(recipe)
    agreement = _agreement(workbook, result)
    agreement["note"] = _notes(agreement, workbook, weights)
    per_indicator = agreement.set_index("code")
    chosen = chosen.assign(
        max_abs_error=chosen["iCode"].map(per_indicator["max_abs_diff"]),
        n_reproduced=chosen["iCode"].map(per_indicator["reproduced"]),
        n_present=chosen["iCode"].map(per_indicator["economies"]))
    profiles, groups, flags = _profiles(workbook, result)
    return GiiImport(workbook=workbook, mode=rules, rules=chosen, result=result,
                     agreement=agreement, profiles=profiles, income_groups=groups,
                     differences=differences, flags=flags)

