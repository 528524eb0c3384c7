"""Statistical audit: COINr ASEM reference tables, toy cases with known answers, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ASEM, ASEM_MAIN_STEPS, write_asem_recipe

import innometrics as im
from innometrics.audit import (
    STATS_COLUMNS,
    Audit,
    audit,
    correlation_ratio,
    cronbach_alpha,
    describe,
    effective_weights,
    pca,
)
from innometrics.errors import InvalidParameter
from innometrics.framework import Framework, Node

RTOL, ATOL = 1e-9, 1e-12
STAGES = ("Raw", "Denominated", "Imputed", "Treated", "Normalised")


@pytest.fixture(scope="module")
def asem_result(tmp_path_factory):
    path = write_asem_recipe(tmp_path_factory.mktemp("asem"), ASEM_MAIN_STEPS)
    return im.build(im.load_recipe(path))


@pytest.fixture(scope="module")
def asem_audit(asem_result) -> Audit:
    return audit(asem_result)


# --- COINr reference ----------------------------------------------------------------------------
@pytest.mark.parametrize("stage", STAGES)
def test_stats_match_coinr(asem_audit, stage):
    ref = pd.read_csv(ASEM / f"stats_{stage}.csv")
    got = asem_audit.stats[stage]
    assert got["iCode"].tolist() == ref["iCode"].tolist()
    for col in STATS_COLUMNS:
        if col.startswith("Flag") or col.startswith("N."):
            assert got[col].tolist() == ref[col].tolist(), col
        else:
            np.testing.assert_allclose(got[col].to_numpy(float), ref[col].to_numpy(float),
                                       rtol=RTOL, atol=ATOL, err_msg=col)


def test_corr_indicator_vs_pillar_matches_coinr(asem_audit):
    ref = pd.read_csv(ASEM / "corr_indicator_vs_pillar.csv")
    got = asem_audit.correlations.query("Kind == 'parent' and Level == 1")
    assert got["Var1"].tolist() == ref["Var1"].tolist()
    assert got["Var2"].tolist() == ref["Var2"].tolist()
    np.testing.assert_allclose(got["Pearson"], ref["Correlation"], rtol=RTOL, atol=ATOL)


def test_effective_weights_match_coinr(asem_audit):
    ref = pd.read_csv(ASEM / "weights_effective.csv")
    got = asem_audit.weights.set_index("iCode").loc[ref["iCode"]]
    assert got["Level"].tolist() == ref["Level"].tolist()
    np.testing.assert_allclose(got["Weight"], ref["Weight"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got["EffWeight"], ref["EffWeight"], rtol=RTOL, atol=ATOL)


def test_asem_tables_are_consistent(asem_result, asem_audit):
    fw = asem_result.recipe.framework
    eff = asem_audit.weights
    for level in range(1, fw.n_levels + 1):
        assert eff.loc[eff["Level"] == level, "EffWeight"].sum() == pytest.approx(1.0)
    aggregates = [c for c in fw.codes if fw[c].level > 1]
    assert asem_audit.cronbach["iCode"].tolist() == aggregates
    assert asem_audit.pca["PC1.Share"].between(0, 1).all()
    corr = asem_audit.correlations
    assert set(corr.loc[corr["Pearson"] > 0.9, "Flag"]) == {"collinear"}
    assert set(corr.loc[corr["Pearson"] < 0, "Flag"]) == {"negative"}
    # IGOs vs Political: 0.9486 in COINr's table, so flagged collinear
    row = corr.query("Kind == 'parent' and Var2 == 'IGOs'")
    assert row["Flag"].item() == "collinear"
    imp = asem_audit.importance
    assert len(imp) == len(fw.codes) - 1
    assert imp.groupby("Parent")["S.Parent.Norm"].sum().to_numpy() == pytest.approx(1.0)
    top = imp[imp["Level"] == fw.n_levels - 1]
    np.testing.assert_allclose(top["S.Parent"], top["S.Index"])  # parent is the index
    assert imp["S.Parent"].between(0, 1).all()


def test_audit_does_not_modify_result(asem_result):
    before = {k: v.copy() for k, v in asem_result.stages.items()}
    audit(asem_result)
    for name, frame in asem_result.stages.items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_write(asem_audit, tmp_path):
    out = asem_audit.write(tmp_path / "audit")
    names = {p.name for p in out.iterdir()}
    assert {f"stats_{s}.csv" for s in STAGES} <= names
    assert {"correlations.csv", "cronbach.csv", "pca.csv", "pca_loadings.csv",
            "weights_effective.csv", "importance.csv", "flags.csv"} <= names
    back = pd.read_csv(out / "stats_Raw.csv")
    pd.testing.assert_frame_equal(back, asem_audit.stats["Raw"], check_dtype=False)


def test_audit_needs_aggregates(tmp_path):
    path = write_asem_recipe(tmp_path, "steps:\n  - normalise: {method: minmax}\n")
    with pytest.raises(ValueError, match="aggregate"):
        audit(im.build(im.load_recipe(path)))


# --- kernels: toy cases -------------------------------------------------------------------------
def test_describe_toy():
    frame = pd.DataFrame({"a": [0.0, 1.0, 1.0, np.nan], "b": [np.nan, np.nan, np.nan, 5.0],
                          "c": [0.1 + 0.2, 0.3, 2.0, 0.0]})
    t = describe(frame).set_index("iCode")
    assert t.loc["a", ["N.Avail", "N.NonZero", "N.Unique", "N.Same"]].tolist() == [3, 2, 2, 2]
    assert t.loc["a", "Frc.Avail"] == 0.75 and t.loc["a", "Frc.NonZero"] == 2 / 3
    assert t.loc["a", "Std"] == pytest.approx(np.std([0, 1, 1], ddof=1), rel=1e-15)
    assert t.loc["b", "Flag.Avail"] == "LOW"  # 1/4 < 0.65
    assert t.loc["b", "Flag.Unique"] == "LOW"  # 1/4 < 0.5 (over all rows, as COINr)
    assert t.loc["b", "Flag.NonZero"] == "LOW"
    # 0.1 + 0.2 and 0.3 are distinct values but equal at R's 15 significant digits
    assert t.loc["c", "N.Unique"] == 4 and t.loc["c", "N.Same"] == 2
    assert (t["Flag.SkewKurt"] == "ok").all()


def test_describe_skewkurt_flag():
    x = np.r_[np.zeros(30), 100.0]
    t = describe(pd.DataFrame({"x": x}))
    assert t["Flag.SkewKurt"].item() == "OUT"
    assert describe(pd.DataFrame({"x": x}), t_kurt=1e6)["Flag.SkewKurt"].item() == "ok"


def test_cronbach_perfectly_correlated_items_is_one():
    x = np.linspace(0, 1, 20)
    assert cronbach_alpha(np.c_[x, x + 1, x - 3]) == pytest.approx(1.0, abs=1e-14)


def test_cronbach_covariance_form():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4)) + rng.normal(size=(40, 1))
    c = np.cov(x, rowvar=False)
    k = 4
    mean_cov = (c.sum() - np.trace(c)) / (k * (k - 1))
    expected = k * mean_cov / (np.trace(c) / k + (k - 1) * mean_cov)
    assert cronbach_alpha(x) == pytest.approx(expected, rel=1e-12)


def test_cronbach_listwise_deletion_and_degenerate():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(10, 3))
    y = x.copy()
    y[2, 1] = np.nan
    assert cronbach_alpha(y, complete_cases=True) == pytest.approx(
        cronbach_alpha(np.delete(x, 2, axis=0)))
    assert cronbach_alpha(y) != pytest.approx(cronbach_alpha(y, complete_cases=True))
    assert np.isnan(cronbach_alpha(x[:, :1]))
    assert np.isnan(cronbach_alpha(np.ones((5, 3))))


def test_pca_toy():
    x = np.linspace(0, 1, 10)
    shares, loadings = pca(np.c_[x, 3 * x + 2])
    assert shares[0] == pytest.approx(1.0)
    np.testing.assert_allclose(loadings[:, 0], [2 ** -0.5, 2 ** -0.5])
    rng = np.random.default_rng(2)
    z = rng.normal(size=(50, 4))
    shares, loadings = pca(z)
    assert shares.sum() == pytest.approx(1.0)
    assert np.all(np.diff(shares) <= 0)
    np.testing.assert_allclose(loadings.T @ loadings, np.eye(4), atol=1e-12)
    zs = (z - z.mean(0)) / z.std(0, ddof=1)
    sv = np.linalg.svd(zs, compute_uv=False)
    np.testing.assert_allclose(shares, sv**2 / np.sum(sv**2), rtol=1e-10)


def _tree() -> Framework:
    return Framework((Node("a", "a", 1, "P", 1.0), Node("b", "b", 1, "P", 3.0),
                      Node("c", "c", 1, "Q", 2.0), Node("P", "P", 2, "I", 1.0),
                      Node("Q", "Q", 2, "I", 3.0), Node("I", "I", 3, None, 1.0)))


def test_effective_weights_simple_tree():
    eff = effective_weights(_tree()).set_index("iCode")["EffWeight"]
    expected = {"a": 0.25 * 0.25, "b": 0.75 * 0.25, "c": 0.75, "P": 0.25, "Q": 0.75, "I": 1.0}
    for code, value in expected.items():
        assert eff[code] == pytest.approx(value, rel=1e-15)


def test_correlation_ratio_known_cases():
    x = np.linspace(-1, 1, 101)
    assert correlation_ratio(x, x) == pytest.approx(1.0, abs=1e-12)
    assert correlation_ratio(x, 5 - 2 * x) == pytest.approx(1.0, abs=1e-12)
    # nonlinear dependence Pearson misses: y = x², corr(x, y) = 0
    assert correlation_ratio(x, x**2) > 0.99
    rng = np.random.default_rng(3)
    u, noise = rng.uniform(size=300), rng.normal(size=300)
    assert 0 <= correlation_ratio(u, noise) < 0.05
    # additive model: S_i = b_i² var(x_i) / var(y)
    x1, x2 = rng.uniform(size=400), rng.uniform(size=400)
    y = x1 + 2 * x2
    assert correlation_ratio(x1, y) == pytest.approx(0.2, abs=0.05)
    assert correlation_ratio(x2, y) == pytest.approx(0.8, abs=0.05)


def test_correlation_ratio_missing_and_degenerate():
    x = np.linspace(0, 1, 20)
    y = x.copy()
    y[3] = np.nan
    assert correlation_ratio(x, y) == pytest.approx(1.0)
    assert np.isnan(correlation_ratio(np.ones(10), x[:10]))
    assert np.isnan(correlation_ratio(x[:2], x[:2]))


def test_kernels_do_not_modify_input():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(30, 3))
    x[0, 0] = np.nan
    keep = x.copy()
    cronbach_alpha(x)
    pca(x)
    correlation_ratio(x[:, 0], x[:, 1])
    frame = pd.DataFrame(x)
    describe(frame)
    np.testing.assert_array_equal(x, keep)
    np.testing.assert_array_equal(frame.to_numpy(), keep)


@pytest.mark.parametrize(("name", "value"), [("t_avail", 1.5), ("t_zero", -0.1),
                                             ("t_unq", "half"), ("t_skew", -1.0)])
def test_describe_invalid(name, value):
    with pytest.raises(InvalidParameter, match=f"'{name}' of audit.describe"):
        describe(pd.DataFrame({"a": [1.0, 2.0]}), **{name: value})


@pytest.mark.parametrize(("name", "value"), [("collinear", 1.5), ("alpha_min", 2.0),
                                             ("collinear", None)])
def test_audit_invalid(name, value):
    with pytest.raises(InvalidParameter, match=f"'{name}' of audit must be"):
        audit(None, **{name: value})


def test_cli_audit_writes_tables(asem_main_recipe, tmp_path):
    from typer.testing import CliRunner

    from innometrics.cli import app

    out = tmp_path / "audit"
    run = CliRunner().invoke(app, ["audit", str(asem_main_recipe), "--out", str(out)])
    assert run.exit_code == 0, run.output
    for name in ("stats_Raw.csv", "correlations.csv", "cronbach.csv", "pca.csv",
                 "weights_effective.csv", "importance.csv", "flags.csv"):
        assert (out / name).exists(), name
