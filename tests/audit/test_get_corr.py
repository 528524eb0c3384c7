"""COINr 1.1.14's ``get_corr`` reproduced by :func:`innometrics.audit.node_correlations`.

The cases are listed in ``tests/reference/coinr-get-corr/cases.csv`` (made, with each case's
output under ``calls/``, by ``make_references.R`` there; see SOURCE.md): COINr's example coin
(``build_example_coin()``, ASEM) and the sweep coin ``four`` (``tests/reference/coinr-sweep``).
Codes and their order must match exactly, correlations to ``rtol=1e-9``; a blanked (NA)
correlation must be NaN here.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_coinr_orders import EXAMPLE_STEPS  # build_example_coin(), call for call
from typer.testing import CliRunner

import innometrics as im
from innometrics.audit import audit, node_correlations
from innometrics.audit.correlations import pair_correlation
from innometrics.cli import app
from innometrics.errors import DataWarning, InvalidParameter

RTOL = 1e-9
REFERENCE = Path(__file__).parents[1] / "reference"
HERE = REFERENCE / "coinr-get-corr"
CASES = pd.read_csv(HERE / "cases.csv", dtype=str, keep_default_na=False)
#: the sweep's build (tests/reference/coinr-sweep/SOURCE.md)
FOUR_STEPS = """
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
"""
#: build_example_coin()'s new_coin(level_names = ...)
LEVEL_NAMES = {"asem": ["Indicator", "Pillar", "Sub-index", "Index"], "four": None}


def _build(tmp: Path, folder: Path, data: str, meta: str, steps: str) -> im.IndexResult:
    recipe = tmp / "recipe.yaml"
    recipe.write_text(f"framework: {folder / meta}\ndata: {folder / data}\n{steps}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return im.build(im.load_recipe(recipe))


@pytest.fixture(scope="module")
def coins(tmp_path_factory) -> dict[str, im.IndexResult]:
    return {"asem": _build(tmp_path_factory.mktemp("asem"),
                           REFERENCE / "coinr-impute-then-screen", "ASEM_iData.csv",
                           "ASEM_iMeta.csv", EXAMPLE_STEPS),
            "four": _build(tmp_path_factory.mktemp("four"), REFERENCE / "coinr-sweep" / "four",
                           "iData.csv", "iMeta.csv", f"steps:\n{FOUR_STEPS}")}


def _arguments(case: pd.Series) -> dict:
    """The COINr call of a case (cases.csv) as node_correlations' arguments."""
    sides = [s.split(";") for s in case.iCodes.split("|")] if case.iCodes else None
    levels = tuple(int(v) for v in case.Levels.split(";"))
    return {"stage": case.dset, "levels": levels[0] if len(levels) == 1 else levels,
            "codes": None if sides is None else tuple(sides),
            "with_parent": {"TRUE": "parent", "FALSE": "none", "family": "family"}[
                case.withparent],
            "group_level": int(case.grouplev) if case.grouplev else None,
            "method": case.cortype, "p_value": float(case.pval),
            "long": case.make_long == "TRUE", "level_names": LEVEL_NAMES[case.coin],
            "group": dict([case.use_group.split("=")]) if case.use_group else None,
            "use_directions": case.use_directions == "TRUE"}


def _applies(case: pd.Series, arguments: dict) -> bool:
    """Whether COINr applied the case's grouplev / withparent (it ignores them silently where
    node_correlations refuses them: one level with two selections, or withparent with one
    level)."""
    sides = arguments["codes"]
    if arguments["group_level"] is not None and sides is not None and set(sides[0]) != set(
            sides[-1]):
        return False
    return not (arguments["with_parent"] == "parent" and isinstance(arguments["levels"], int))


@pytest.mark.parametrize("row", range(len(CASES)),
                         ids=[f"{c.file[6:8]}-{c.coin}-{c.dset}-L{c.Levels}-{c.withparent}-"
                              f"g{c.grouplev}-{c.cortype}-p{c.pval}-{c.make_long}"
                              for c in CASES.itertuples()])
def test_get_corr_like_coinr(coins, row):
    case = CASES.iloc[row]
    arguments = _arguments(case)
    if not _applies(case, arguments):
        with pytest.raises(InvalidParameter):
            node_correlations(coins[case.coin], **arguments)
        arguments.update(group_level=None, with_parent="none")
    mine = node_correlations(coins[case.coin], **arguments)
    expected = pd.read_csv(HERE / case.file, keep_default_na=False, na_values=[""])
    if arguments["long"]:
        assert list(zip(mine.Var1, mine.Var2, strict=True)) == list(
            zip(expected.Var1, expected.Var2, strict=True))
        np.testing.assert_allclose(mine.Correlation.to_numpy(np.float64),
                                   expected.Correlation.to_numpy(np.float64), rtol=RTOL)
    else:
        expected = expected.set_index("Row")
        assert list(mine.index) == list(expected.index)
        assert list(mine.columns) == list(expected.columns)
        np.testing.assert_allclose(mine.to_numpy(), expected.to_numpy(), rtol=RTOL)


def _values(text: str) -> np.ndarray:
    return np.array([float(v) if v else np.nan for v in text.split(";")])


def test_pair_correlation_and_p_value_like_cor_test():
    """r and p of 240 seeded pairs against R's ``cor`` and ``cor.test`` (what ``get_pvals``
    calls): Kendall exact below n = 50 without ties, normal otherwise; gaps pairwise."""
    table = pd.read_csv(HERE / "pvalues.csv", keep_default_na=False, na_values=[""])
    for row in table.itertuples():
        r, p = pair_correlation(_values(row.x), _values(row.y), row.method)
        np.testing.assert_allclose([r, p], [row.r, row.p], rtol=RTOL, err_msg=str(row))


@pytest.fixture(scope="module")
def four(coins) -> im.IndexResult:
    return coins["four"]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"method": "pearsons"}, "'method' of node_correlations must be one of"),
    ({"with_parent": True}, "'with_parent' of node_correlations must be one of"),
    ({"p_value": 1.5}, "'p_value' of node_correlations must be"),
    ({"levels": (1, 5)}, "'levels' of node_correlations must be one level or two, each from 1 "
                         "to 4"),
    ({"levels": (1, 2, 3)}, "'levels'"),
    ({"stage": "Treated"}, "'stage' of node_correlations must be one of"),
    ({"codes": ["Tech", "t_pat"], "levels": 1}, None),
    ({"codes": (["Tech", "t_pat"],)}, "are from different levels"),
    ({"codes": "Nope"}, "['Nope'] not in the framework"),
    ({"group_level": 2, "levels": 2}, "'group_level' of node_correlations groups one level's"),
    ({"group_level": 3, "levels": (1, 2)}, "'group_level'"),
    ({"group_level": 2, "long": False}, "'group_level'"),
    ({"group_level": 2, "codes": ("Tech", "eco")}, "'group_level'"),
    ({"with_parent": "parent", "levels": 2}, "with_parent='parent' of node_correlations needs "
                                             "two different levels"),
    ({"with_parent": "family", "levels": 4}, "with_parent='family' of node_correlations needs a "
                                             "level below the top (4)"),
    ({"with_parent": "family", "long": False}, "with_parent='family'"),
    ({"use_directions": True, "levels": (1, 2)}, "use_directions of node_correlations turns "
                                                 "indicators only (level 1); got levels [1, 2]"),
    ({"use_directions": True, "with_parent": "family"}, "use_directions"),
    ({"use_directions": 1}, "'use_directions' of node_correlations must be true or false"),
    ({"group": {"Nope": "H"}}, "'Nope' is not a group column"),
    ({"group": {"Income": "Z"}}, "['Z'] are not values of group column 'Income'"),
    ({"with_parent": "family", "level_names": ["a", "b"]}, "'level_names' of node_correlations "
                                                          "must name the 4 levels; got 2."),
])
def test_node_correlations_refuses_what_it_cannot_do(four, arguments, message):
    if message is None:  # COINr's character vector: two selections (Tech's indicators, t_pat)
        table = node_correlations(four, **arguments)
        assert list(table.Var1) == ["t_hitech", "t_pat", "t_rnd", "t_score"]  # Lineage order
        assert set(table.Var2) == {"t_pat"}
        return
    with pytest.raises(InvalidParameter) as caught:
        node_correlations(four, **arguments)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_node_absent_from_the_stage_is_an_error(four):
    with pytest.raises(ValueError, match="not in this stage"):
        node_correlations(four, "Raw", levels=(1, 2))


def test_defaults_are_coinr_defaults(four):
    """levels 1, p-values above 0.05 blanked, long, Pearson, on the last stage."""
    assert node_correlations(four).equals(node_correlations(
        four, "Aggregated", levels=(1, 1), method="pearson", p_value=0.05, long=True))
    every = node_correlations(four, p_value=None)
    assert len(every) == 12 * 12 and every.Correlation.notna().all()
    assert node_correlations(four).Correlation.isna().sum() > 0


def test_the_input_is_not_modified(four):
    before = four.stages["Raw"].copy()
    node_correlations(four, "Raw", group_level=2, method="kendall")
    pd.testing.assert_frame_equal(four.stages["Raw"], before)


def test_audit_levels_and_cli_group_level(four, tmp_path):
    recipe = tmp_path / "four.yaml"
    folder = REFERENCE / "coinr-sweep" / "four"
    recipe.write_text(f"framework: {folder / 'iMeta.csv'}\ndata: {folder / 'iData.csv'}\n"
                      f"steps:\n{FOUR_STEPS}")
    runner = CliRunner()
    out = tmp_path / "audit"
    done = runner.invoke(app, ["audit", str(recipe), "--out", str(out), "--group-level", "3",
                               "--levels", "2,1", "--low", "0", "--no-store"])
    assert done.exit_code == 0, done.output
    written = pd.read_csv(out / "correlations_levels.csv")
    expected = node_correlations(four, levels=(2, 1), p_value=None)
    assert list(written.Var1) == list(expected.Var1)
    np.testing.assert_allclose(written.Correlation, expected.Correlation, rtol=1e-12)
    flags = pd.read_csv(out / "correlation_flags.csv")
    in_python = audit(four, low=0, group_level=3).correlation_flags
    assert len(flags) == len(in_python) and set(flags.Group) <= {"Outputs", "Inputs"}
    assert json.loads((out / "manifest.json").read_text())["settings"]["audit"][
        "group_level"] == 3
    assert audit(four, node="Tech", levels=(1, 2)).level_correlations.isin(
        ["Tech", "t_pat", "t_rnd", "t_hitech", "t_score"]).iloc[:, :2].all().all()
    assert audit(four).level_correlations is None
    within = audit(four, levels=2).level_correlations
    assert len(within) == 16 and within.equals(node_correlations(four, levels=2, p_value=None))
    for bad in [(1, 9), (1, 2, 3), "12", (True, 1)]:
        with pytest.raises(InvalidParameter, match="'levels' of audit must be one level or two"):
            audit(four, levels=bad)
    for option, value, message in [("--group-level", "5", "--group-level must be a level"),
                                   ("--group-level", "1", "--group-level must be a level"),
                                   ("--levels", "1,2,3", "--levels must be one level or two"),
                                   ("--levels", "0", "--levels must be one level or two"),
                                   ("--levels", "1,x", "--levels must be levels separated")]:
        bad = runner.invoke(app, ["audit", str(recipe), "--out", str(tmp_path / "bad"), option,
                                  value, "--no-store"])
        assert bad.exit_code != 0 and message in bad.output, bad.output
        assert not (tmp_path / "bad").exists()
