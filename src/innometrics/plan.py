"""The plan of a recipe, as ``innometrics validate`` prints it: what will run, on what, with
which settings, before anything is built."""

from __future__ import annotations

import json

import numpy as np

from .imeta import FLAG_COLUMNS, NUMBER_COLUMNS, PARAMETER_COLUMNS
from .recipe import Recipe
from .schema import kernel_settings
from .stages import lineage
from .steps import screen as screen_step

__all__ = ["describe_plan"]


def _short(values: list[str], n: int = 8) -> str:
    return ", ".join(values[:n]) + (f", ... ({len(values)} in all)" if len(values) > n else "")


def describe_plan(recipe: Recipe) -> list[str]:
    """Lines describing the recipe: inputs, steps with every default resolved, directions,
    denominators, missing data and what happens to it, screening, the uncertainty design."""
    fw, data = recipe.framework, recipe.data
    lines = [f"recipe {recipe.source or '(in memory)'}" + (f": {recipe.name}" if recipe.name
                                                          else ""),
             f"framework {fw.source}: {len(fw.indicators)} indicators, {fw.n_levels} levels "
             f"({', '.join(str(len(fw.codes_at(lv))) for lv in range(1, fw.n_levels + 1))} "
             f"nodes), index '{fw.codes_at(fw.n_levels)[0]}'",
             f"data {data.source}: {len(data.units)} units"
             + (f", edition {data.time}" if data.time else "")]
    lines.append("steps (in order, every setting resolved):")
    for i, (name, settings) in enumerate(recipe.steps):
        lines.append(f"  steps[{i}].{name}: {json.dumps(settings, default=str)}")
    bad = [c for c in fw.indicators if fw[c].direction < 0]
    lines.append(f"direction -1 (less is better): {_short(bad) if bad else 'none'}")
    denominated = [f"{c}/{fw[c].denominator}" for c in fw.indicators if fw[c].denominator]
    names = [n for n, _ in recipe.steps]
    if denominated:
        used = "divided" if "denominate" in names else "NOT divided (no denominate step)"
        lines.append(f"denominators ({used}): {_short(denominated)}")
    missing = np.isnan(data.values)
    lines.append(f"missing values: {int(missing.sum())} of {missing.size} "
                 f"({missing.mean():.1%})")
    impute = recipe.settings("impute")
    if missing.any():
        if impute is None or impute.get("method") == "none":
            lines.append("  left missing: aggregation averages over the values present")
        else:
            lines.append(f"  imputed with method '{impute['method']}'")
    screen = recipe.settings("screen")
    if screen is not None:
        kept = screen_step(data.values, **kernel_settings(screen)).info["kept"]
        dropped = [u for u, k in zip(data.units, kept, strict=True) if not k]
        listed = f": {_short(dropped)}" if dropped else ""
        if "impute" in lineage(recipe.steps)[names.index("screen")]:
            # what imputation fills is known only once it has run: say what the data show
            lines.append(f"screening comes after imputing and counts imputed values as "
                         f"present; before imputing, {len(dropped)} unit(s) fall below it"
                         f"{listed}")
        else:
            lines.append(f"screening drops {len(dropped)} unit(s){listed}")
    unused = _unused_parameter_columns(recipe)
    if unused:
        lines.append(f"framework parameter columns this recipe does not use: {_short(unused)} "
                     "(normalise: {method: M, from_framework: true} reads those of method M, "
                     "as COINr's f_n_para = \"use_iMeta\")")
    if recipe.uncertainty:
        lines += _uncertainty_lines(recipe)
    if "aggregate" not in names:
        lines.append("note: no aggregate step: a build gives indicator scores, no index")
    lines.append("valid: nothing was built or written")
    return lines


def _unused_parameter_columns(recipe: Recipe) -> list[str]:
    """COINr's iMeta parameter columns the framework fills but no normalisation of the recipe
    (its step, or an uncertainty alternative) reads: read and validated, yet without effect,
    which the plan says rather than leave unnoticed."""
    fw = recipe.framework
    given = [c for c in (*NUMBER_COLUMNS, *FLAG_COLUMNS)
             if any(getattr(fw[code], c.lower()) is not None for code in fw.indicators)]
    options = [s for n, s in recipe.steps if n == "normalise"] + list(
        (recipe.uncertainty or {}).get("alternatives", {}).get("normalise", []))
    used = {"Target"}  # dist2target reads the targets column whether or not from_framework
    for settings in options:
        if settings.get("from_framework"):
            needed, optional = PARAMETER_COLUMNS.get(settings.get("method"), ({}, {}))
            used |= {*needed, *optional}
    return [c for c in given if c not in used]


def _uncertainty_lines(recipe: Recipe) -> list[str]:
    """The Monte Carlo design: runs, weight noise, what else varies (alternatives, each
    varied step setting with its values) and the node whose ranks are analysed."""
    u = recipe.uncertainty
    weights = u["weights"]
    alternatives = ", ".join(f"{k} ({len(v)} options)" for k, v in u["alternatives"].items())
    sets = f" ({weights['sets']} pre-drawn weight sets)" if "sets" in weights else ""
    lines = [f"uncertainty: {u['runs']} runs, seed {u['seed']}, weights noise "
             f"{weights['noise']} at levels {weights['levels']}{sets}"
             + (f", alternatives: {alternatives}" if alternatives else "")]
    for factor, values in (u.get("parameters") or {}).items():
        lines.append(f"  varies {factor} over {json.dumps(values, default=str)}")
    target = u.get("target")
    index = recipe.framework.codes[-1]
    lines.append(f"  analyses the ranks of {target} (uncertainty.target; --target overrides it)"
                 if target else
                 f"  analyses the ranks of the index {index} (another node: uncertainty.target "
                 "or --target)")
    return lines
