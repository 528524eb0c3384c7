"""A GII workbook and its rules as an engine recipe: framework, data and steps.

- :func:`framework_table`: COINr ``iMeta`` layout (``iCode, iName, Level, Parent, Direction,
  Weight, Type``): iCode = WIPO's ``NUM``, the index coded as in the workbook (``GII``),
  indicators at level 1 up to the index at level 5, plus ``Group`` rows for the income group
  and region columns of the data.
- :func:`data_table`: ``uCode`` (ISO3), ``uName``, the group columns and one column per
  indicator holding ``VALUE_SCREEN``.
- :func:`recipe_dict`: the steps, with the rule of every indicator (or only of those where the
  calibrated rule differs from the documented one) as per-indicator overrides.
- :func:`write_recipe`: the three files (``framework.csv``, ``data.csv``, ``recipe.yaml``).

The engine flips direction −1 indicators before normalising (min-max of ``−x`` is
``100·(max − x)/(max − min)``), so the rules' directions go in the framework and goalposts are
given in the indicator's own units.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .workbook import Workbook

__all__ = ["framework_table", "data_table", "recipe_dict", "write_recipe", "treat_override",
           "GROUP_COLUMNS", "DOCUMENTED_TREAT"]

#: Economy columns carried as groups, when the workbook has them.
GROUP_COLUMNS = ("INCOME", "REG_UN")
#: The outlier rule WIPO documents (engine ``treat`` settings).
DOCUMENTED_TREAT = {"method": "default", "skew": 2.25, "kurtosis": 3.5, "max_winsorised": 5,
                    "fallback": "log_gii"}
FRAMEWORK_COLUMNS = ("iCode", "iName", "Level", "Parent", "Direction", "Weight", "Type")


def _weights(node_weights: Mapping[str, float] | pd.DataFrame | None) -> dict[str, float]:
    if node_weights is None:
        return {}
    if isinstance(node_weights, pd.DataFrame):
        return dict(zip(node_weights["NUM"], node_weights["weight"].astype(float), strict=True))
    return {str(k): float(v) for k, v in node_weights.items()}


def framework_table(workbook: Workbook, rules: pd.DataFrame,
                    node_weights: Mapping[str, float] | pd.DataFrame | None = None, *,
                    groups: Sequence[str] = GROUP_COLUMNS) -> pd.DataFrame:
    """The workbook's tree as a COINr-style framework table.

    Parameters
    ----------
    workbook : Workbook
    rules : DataFrame
        A rules table (``iCode``, ``direction``, ``weight``), one row per indicator.
    node_weights : mapping or DataFrame, optional
        Weights of the aggregates within their parents (e.g.
        :func:`~innometrics.gii.weights.infer_weights`); 1 where not given.
    groups : sequence of str
        Economy columns to declare as ``Group`` rows (those present in the workbook).

    Returns
    -------
    DataFrame with columns ``iCode, iName, Level, Parent, Direction, Weight, Type``.
    """
    by_code = rules.set_index("iCode")
    missing = [c for c in workbook.indicators if c not in by_code.index]
    if missing:
        raise ValueError(f"framework_table: no rule for indicator(s) {missing[:5]}")
    weights = _weights(node_weights)
    rows = []
    structure = workbook.structure.sort_values("DEPTH", kind="stable")
    for _, node in structure.iterrows():
        code, depth = node["NUM"], int(node["DEPTH"])
        is_indicator = depth == 1
        rows.append({
            "iCode": code, "iName": code if pd.isna(node["NAME"]) else node["NAME"],
            "Level": depth,
            "Parent": node["PARENT"],
            "Direction": int(by_code.loc[code, "direction"]) if is_indicator else None,
            "Weight": float(by_code.loc[code, "weight"]) if is_indicator
            else weights.get(code, 1.0),
            "Type": "Indicator" if is_indicator else "Aggregate"})
    for column in _group_columns(workbook, groups):
        rows.append({"iCode": column, "iName": column, "Level": None, "Parent": None,
                     "Direction": None, "Weight": None, "Type": "Group"})
    frame = pd.DataFrame(rows, columns=list(FRAMEWORK_COLUMNS))
    return frame.astype({"Level": "Int64", "Direction": "Int64"})


def _group_columns(workbook: Workbook, groups: Sequence[str]) -> list[str]:
    economies = workbook.economies
    return [c for c in groups if c in economies.columns and economies[c].notna().any()]


def data_table(workbook: Workbook, *, groups: Sequence[str] = GROUP_COLUMNS) -> pd.DataFrame:
    """Economies × indicators of ``VALUE_SCREEN`` with ``uCode``, ``uName`` and the group
    columns first (COINr ``iData`` layout)."""
    values = workbook.wide("VALUE_SCREEN", workbook.indicators)
    economies = workbook.economies.set_index("ISO3")
    front = pd.DataFrame({"uCode": values.index,
                          "uName": economies.loc[values.index, "ECONOMY_NAME"].to_numpy()})
    for column in _group_columns(workbook, groups):
        front[column] = economies.loc[values.index, column].to_numpy()
    return pd.concat([front, values.reset_index(drop=True)], axis=1)


def treat_override(rule: Mapping) -> dict:
    """The engine's per-indicator ``treat`` settings for one rule.

    ``none`` → ``{method: none}``; ``winsorised`` → ``{method: winsorise, high, low}``;
    ``log`` → ``{method: log_gii}`` (the GII log of the original values).

    Examples
    --------
    >>> treat_override({"treatment": "winsorised", "points_high": 3, "points_low": 0})
    {'method': 'winsorise', 'high': 3, 'low': 0}
    """
    treatment = rule["treatment"]
    high, low = int(rule["points_high"]), int(rule["points_low"])
    if treatment == "none":
        return {"method": "none"}
    if treatment == "winsorised":
        return {"method": "winsorise", "high": high, "low": low}
    if treatment == "log" and not (high or low):
        return {"method": "log_gii"}
    raise ValueError(f"rule of '{rule.get('iCode', '?')}' ({treatment}, {high} high, {low} "
                     "low) has no engine equivalent: the engine's log_gii override transforms "
                     "the original values")


def _normalise_override(rule: Mapping) -> dict | None:
    if rule["normalisation"] != "goalposts":
        return None
    truncate = rule.get("truncate")
    override = {"method": "goalposts",
                "goalposts": [float(rule["bound_low"]), float(rule["bound_high"])],
                "truncate": bool(truncate) if truncate is not None
                and not (isinstance(truncate, float) and np.isnan(truncate)) else False}
    return override


def _same_rule(a: Mapping, b: Mapping) -> bool:
    keys = ("treatment", "points_high", "points_low", "normalisation")
    if any(a[k] != b[k] for k in keys):
        return False
    if a["normalisation"] == "goalposts":
        return bool(np.isclose(a["bound_low"], b["bound_low"])
                    and np.isclose(a["bound_high"], b["bound_high"]))
    return True


def recipe_dict(rules: pd.DataFrame, *, documented: pd.DataFrame | None = None,
                framework: str = "framework.csv", data: str = "data.csv") -> dict:
    """The recipe (engine YAML schema) applying ``rules``.

    Parameters
    ----------
    rules : DataFrame
        The rules to reproduce (usually :func:`~innometrics.gii.calibrate.calibrated_rules`).
    documented : DataFrame, optional
        The documented rules (:func:`~innometrics.gii.calibrate.documented_rules`). When
        given, only indicators whose rule differs from the documented one get a ``treat``
        override and the step's default outlier rule does the rest; otherwise every indicator
        is pinned.
    framework, data : str
        File names written into the recipe.

    Returns
    -------
    dict with ``framework``, ``data`` and ``steps`` (treat, normalise, aggregate).
    """
    reference = None if documented is None else documented.set_index("iCode")
    treat_overrides, normalise_overrides = {}, {}
    for _, rule in rules.iterrows():
        code = rule["iCode"]
        if reference is None or not _same_rule(rule, reference.loc[code]):
            treat_overrides[code] = treat_override(rule)
        override = _normalise_override(rule)
        if override is not None:
            normalise_overrides[code] = override
    treat = dict(DOCUMENTED_TREAT)
    if treat_overrides:
        treat["indicators"] = treat_overrides
    normalise: dict = {"method": "minmax", "range": [0, 100]}
    if normalise_overrides:
        normalise["indicators"] = normalise_overrides
    return {"framework": framework, "data": data,
            "steps": [{"treat": treat}, {"normalise": normalise},
                      {"aggregate": {"method": "arithmetic"}}]}


def write_recipe(directory: str | os.PathLike, workbook: Workbook, rules: pd.DataFrame, *,
                 node_weights: Mapping[str, float] | pd.DataFrame | None = None,
                 documented: pd.DataFrame | None = None) -> Path:
    """Write ``framework.csv``, ``data.csv`` and ``recipe.yaml`` into ``directory``; return
    the recipe's path. Values are written with 17 significant digits (exact round trip)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    framework_table(workbook, rules, node_weights).to_csv(directory / "framework.csv",
                                                          index=False)
    data_table(workbook).to_csv(directory / "data.csv", index=False, float_format="%.17g")
    recipe = directory / "recipe.yaml"
    recipe.write_text(yaml.safe_dump(recipe_dict(rules, documented=documented),
                                     sort_keys=False, allow_unicode=True))
    return recipe
