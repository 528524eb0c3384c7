"""The screening table shows the zero share the screen step screens on (issue 20), as COINr's
data summary does (``tests/reference/coinr-screen-summary``, see its SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from conftest import write_asem_recipe

import innometrics as im

HERE = Path(__file__).parent / "reference" / "coinr-screen-summary"


def test_screening_shows_coinrs_zero_share(tmp_path):
    recipe = im.load_recipe(write_asem_recipe(tmp_path, "steps:\n  - screen: "
                                                        "{max_zero_share: 0.05}\n"))
    result = im.build(recipe)
    table = result.screening()
    assert list(table.columns) == ["coverage", "zero_share", "kept"]
    ref = pd.read_csv(HERE / "summary.csv", dtype={"uCode": str}).set_index("uCode")
    ref = ref.loc[table.index]
    np.testing.assert_allclose(table["coverage"], ref["Dat_Avail"], rtol=1e-12)
    np.testing.assert_allclose(table["zero_share"], 1 - ref["Non_Zero"], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(table["kept"], ref["Included"])
    run = result.write(tmp_path / "run")
    written = pd.read_csv(run / "screening.csv")
    assert list(written.columns) == ["uCode", "coverage", "zero_share", "kept"]
    np.testing.assert_allclose(written["zero_share"], table["zero_share"])
