"""Every result class exports the same way: ``to_frame()`` (its main table) and, where it
has several tables, ``tables()`` (every file of its run by name)."""

from __future__ import annotations

import pandas as pd
import pytest
from toy_index import write_toy

import innometrics as im
from innometrics.audit import Audit, audit
from innometrics.claims.check import ClaimsResult
from innometrics.clusters.result import ClusterRanking
from innometrics.gii.importer import GiiImport
from innometrics.uncertainty import UncertaintyResult, run_uncertainty
from innometrics.uncertainty.sobol import SensitivityResult

SEVERAL_TABLES = [im.IndexResult, Audit, UncertaintyResult, ClusterRanking, ClaimsResult,
                  GiiImport]


@pytest.mark.parametrize("cls", [*SEVERAL_TABLES, SensitivityResult], ids=lambda c: c.__name__)
def test_every_result_class_has_to_frame(cls):
    assert callable(getattr(cls, "to_frame", None))


@pytest.mark.parametrize("cls", SEVERAL_TABLES, ids=lambda c: c.__name__)
def test_results_with_several_tables_have_tables(cls):
    assert callable(getattr(cls, "tables", None))


def test_build_audit_and_monte_carlo_export_frames(tmp_path):
    steps = """steps:
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: arithmetic}
uncertainty: {runs: 20, seed: 1, weights: {noise: 0.2, levels: [1]}}
"""
    recipe = im.load_recipe(write_toy(tmp_path, steps=steps))
    result = im.build(recipe)
    frame = result.to_frame()
    assert list(frame.index) == list(result.scores.index)
    assert (frame["rank"] == result.ranks[result.index_code]).all()
    for exported in (audit(result), run_uncertainty(recipe)):
        assert isinstance(exported.to_frame(), pd.DataFrame)
        assert all(isinstance(name, str) for name in exported.tables())
