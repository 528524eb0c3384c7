"""Comparing a stage with a COINr reference table (``uCode`` + one column per code)."""

from pathlib import Path

import numpy as np
import pandas as pd


def assert_like_coinr(mine: pd.DataFrame, reference: Path, *, rtol: float = 1e-12,
                      atol: float = 1e-12) -> None:
    """The same units, and every column of ``mine`` equal to COINr's to ``rtol`` (``atol``
    so that exact zeros compare); missing cells must be missing in both."""
    ref = pd.read_csv(reference).set_index("uCode")
    assert sorted(ref.index) == sorted(mine.index), reference
    columns = list(mine.columns)
    np.testing.assert_allclose(mine.loc[ref.index, columns].to_numpy(float),
                               ref[columns].to_numpy(float), rtol=rtol, atol=atol,
                               err_msg=str(reference))
