"""COINr 1.1.14's ``get_corr`` reproduced by :func:`innometrics.audit.node_correlations`.

The cases are listed in ``tests/reference/coinr-get-corr/cases.csv`` (made, with each case's
output under ``out/``, by ``make_references.R`` there; see SOURCE.md): COINr's example coin
(``build_example_coin()``, ASEM) and the sweep coin ``four`` (``tests/reference/coinr-sweep``).
Codes and their order must match exactly, correlations to ``rtol=1e-9``; a blanked (NA)
correlation must be NaN here.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import innometrics as im
from innometrics.audit import node_correlations
from innometrics.errors import DataWarning, InvalidParameter

RTOL = 1e-9
REFERENCE = Path(__file__).parents[1] / "reference"
HERE = REFERENCE / "coinr-get-corr"
CASES = pd.read_csv(HERE / "cases.csv", dtype=str, keep_default_na=False)
#: build_example_coin(), call for call (tests/reference/coinr-impute-then-screen/SOURCE.md)
ASEM_STEPS = """
  - denominate: {}
  - impute: {method: group_mean, group: EurAsia_group}
  - screen: {min_coverage: 0.9}
  - treat: {max_winsorised: 5}
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
"""
#: the sweep's build (tests/reference/coinr-sweep/SOURCE.md)
FOUR_STEPS = """
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
"""
#: build_example_coin()'s new_coin(level_names = ...)
LEVEL_NAMES = {"asem": ["Indicator", "Pillar", "Sub-index", "Index"], "four": None}


def _build(tmp: Path, folder: Path, data: str, meta: str, steps: str) -> im.IndexResult:
    recipe = tmp / "recipe.yaml"
    recipe.write_text(f"framework: {folder / meta}\ndata: {folder / data}\nsteps:\n{steps}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return im.build(im.load_recipe(recipe))


@pytest.fixture(scope="module")
def coins(tmp_path_factory) -> dict[str, im.IndexResult]:
    return {"asem": _build(tmp_path_factory.mktemp("asem"),
                           REFERENCE / "coinr-impute-then-screen", "ASEM_iData.csv",
                           "ASEM_iMeta.csv", ASEM_STEPS),
            "four": _build(tmp_path_factory.mktemp("four"), REFERENCE / "coinr-sweep" / "four",
                           "iData.csv", "iMeta.csv", FOUR_STEPS)}


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
            "long": case.make_long == "TRUE", "level_names": LEVEL_NAMES[case.coin]}


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
                         ids=[f"{c.file[4:6]}-{c.coin}-{c.dset}-L{c.Levels}-{c.withparent}-"
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
