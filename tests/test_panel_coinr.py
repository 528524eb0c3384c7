"""COINr 1.1.14 purses (panels) reproduced to 1e-9, with their CAGR trends.

References in ``tests/reference/coinr-panel/`` (see its SOURCE.md and make_references.R):
the ASEM panel normalised across years (``global = TRUE``); the ASEM panel with gaps filled by
the latest earlier value (``max_time = 2``) normalised per year; a random panel with gaps,
absent unit-years and a group column, filled by linear panel imputation then group means,
normalised across years. Tolerance ``rtol=1e-9``, ``atol=1e-12``; missing cells must be missing
in both, infinite CAGRs (a series starting at 0) infinite in both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import innometrics as im
from innometrics.recipe import load_recipe

RTOL, ATOL = 1e-9, 1e-12
HERE = Path(__file__).parent / "reference" / "coinr-panel"
ASEM_META = Path(__file__).parent / "reference" / "coinr-breadth" / "asem" / "ASEM_iMeta.csv"

#: folder → (framework, steps)
CASES = {
    "asem-panel-global": (ASEM_META, [
        "normalise: {method: minmax, range: [0, 100], across_time: true}",
        "aggregate: {method: arithmetic}"]),
    "asem-panel-latest": (ASEM_META, [
        "impute: {method: panel, fill: latest, max_time: 2}",
        "normalise: {method: minmax, range: [0, 100]}",
        "aggregate: {method: arithmetic}"]),
    "random-panel-linear": (HERE / "random-panel-linear" / "iMeta.csv", [
        "impute: {method: panel, fill: linear}",
        "impute: {method: group_mean, group: Grp}",
        "normalise: {method: minmax, range: [0, 100], across_time: true}",
        "aggregate: {method: arithmetic}"]),
}


def _build(tmp_path: Path, folder: str) -> im.PanelResult:
    framework, steps = CASES[folder]
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(f"framework: {framework}\ndata: {HERE / folder / 'iData_p.csv'}\n"
                      "steps:\n" + "".join(f"  - {s}\n" for s in steps))
    return im.build(load_recipe(recipe))


def _close(ours: pd.DataFrame, ref: pd.DataFrame, keys: list[str]) -> None:
    ref = ref.copy()
    for key in ("Time", "t_first", "t_latest"):
        if key in ref:
            ref[key] = ref[key].map(lambda v: None if pd.isna(v) else str(int(v)))
    merged = ours.merge(ref, on=keys, how="outer", suffixes=("", "_ref"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"][keys].head()
    for col in ref.columns:
        if col in keys:
            continue
        mine, theirs = merged[col], merged[f"{col}_ref"]
        if col in ("t_first", "t_latest"):
            assert (mine.fillna("") == theirs.fillna("")).all(), col
            continue
        np.testing.assert_allclose(mine.to_numpy(float), theirs.to_numpy(float), rtol=RTOL,
                                   atol=ATOL, err_msg=col)


@pytest.fixture(scope="module", params=list(CASES))
def case(request, tmp_path_factory):
    return request.param, _build(tmp_path_factory.mktemp(request.param), request.param)


def test_scores_match_coinr(case):
    folder, result = case
    _close(result.scores, pd.read_csv(HERE / folder / "dset_Aggregated.csv"), ["Time", "uCode"])


def test_cagr_trends_match_coinr(case):
    folder, result = case
    ref = pd.read_csv(HERE / folder / "trends_CAGR.csv")
    ref.columns = [c.removeprefix("Trends.") for c in ref.columns]
    _close(result.trends(), ref, ["uCode", "iCode"])


def test_ranks_are_within_each_time(case):
    _, result = case
    ranks = result.ranks
    for time, r in result.results.items():
        mine = ranks[ranks["Time"] == time].set_index("uCode")[result.index_code]
        assert (mine.to_numpy() == r.ranks[result.index_code].to_numpy()).all()
        assert mine.min() == 1


def test_imputed_data_match_coinr():
    result = _build_cached("asem-panel-latest")
    _close(result.stage("Imputed"), pd.read_csv(HERE / "asem-panel-latest" /
                                                "dset_Imputed.csv"), ["Time", "uCode"])
    linear = _build_cached("random-panel-linear")
    folder = HERE / "random-panel-linear"
    _close(linear.stage("PanelImputed"), pd.read_csv(folder / "dset_PanelImputed.csv"),
           ["Time", "uCode"])
    _close(linear.stage("Imputed"), pd.read_csv(folder / "dset_Imputed.csv"), ["Time", "uCode"])


def test_imputed_points_name_coinrs_source_time():
    """``imputed_points.csv``'s from_time is COINr's DataT where a point was filled."""
    result = _build_cached("asem-panel-latest")
    points = result.imputed_points()
    datat = pd.read_csv(HERE / "asem-panel-latest" / "DataT.csv").melt(
        id_vars=["Time", "uCode"], var_name="iCode", value_name="from")
    datat = datat[datat["from"].notna() & (datat["from"] != datat["Time"])]
    expected = {(str(t), u, i, str(int(f))) for t, u, i, f in datat.itertuples(index=False)}
    assert set(points[["Time", "uCode", "iCode", "from_time"]].itertuples(index=False,
                                                                        name=None)) == expected
    assert (points["method"] == "panel latest").all()


def test_prc_change_trends_match_coinr():
    ref = pd.read_csv(HERE / "random-panel-linear" / "trends_prc_change.csv")
    ref.columns = [c.removeprefix("Trends.") for c in ref.columns]
    _close(_build_cached("random-panel-linear").trends("prc_change"), ref, ["uCode", "iCode"])


_BUILT: dict[str, im.PanelResult] = {}


def _build_cached(folder: str) -> im.PanelResult:
    if folder not in _BUILT:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            _BUILT[folder] = _build(Path(tmp), folder)
    return _BUILT[folder]
