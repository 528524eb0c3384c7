"""EM imputation: the ML estimates of a multivariate normal, checked against closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from toy_index import write_toy

import innometrics as im
from innometrics.steps.impute import em_normal, impute
from innometrics.uncertainty import run_uncertainty


def test_em_reaches_the_closed_form_ml_estimates_of_a_monotone_bivariate_sample():
    # x1 complete, x2 missing for the last 150 of 400 units: the ML estimates are known in
    # closed form (Anderson 1957; Little & Rubin 2002, §7.2), EM must converge to them
    rng = np.random.default_rng(0)
    x = rng.multivariate_normal([1.0, 2.0], [[1.0, 0.6], [0.6, 2.0]], size=400)
    x[250:, 1] = np.nan
    filled, mu, sigma, n_iter = em_normal(x)
    cc = x[:250]
    s11_cc = np.var(cc[:, 0])
    beta = np.mean((cc[:, 0] - cc[:, 0].mean()) * (cc[:, 1] - cc[:, 1].mean())) / s11_cc
    resid = np.var(cc[:, 1]) - beta**2 * s11_cc
    s11 = np.var(x[:, 0])
    assert mu[0] == pytest.approx(x[:, 0].mean(), abs=1e-12)
    assert mu[1] == pytest.approx(cc[:, 1].mean() + beta * (x[:, 0].mean() - cc[:, 0].mean()),
                                  abs=1e-9)
    assert sigma[0, 1] == pytest.approx(beta * s11, abs=1e-9)
    assert sigma[1, 1] == pytest.approx(resid + beta**2 * s11, abs=1e-9)
    # each imputed x2 is the regression prediction from its x1
    np.testing.assert_allclose(filled[250:, 1], mu[1] + beta * (x[250:, 0] - mu[0]), atol=1e-9)
    np.testing.assert_array_equal(filled[:250], x[:250])
    assert n_iter < 1000


def test_em_step_fills_every_cell_and_leaves_complete_data_alone():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4)) @ rng.normal(size=(4, 4))
    res = impute(x, method="em")
    np.testing.assert_array_equal(res.values, x)
    holes = x.copy()
    holes[rng.random(x.shape) < 0.15] = np.nan
    holes[:, 3] = np.nan  # an indicator with no value at all stays missing
    res = impute(holes, method="em")
    assert not np.isnan(res.values[:, :3]).any() and np.isnan(res.values[:, 3]).all()
    np.testing.assert_array_equal(res.info["imputed"], np.isnan(holes) & ~np.isnan(res.values))
    # more indicators than units (GII-like): still runs, using the pseudo-inverse
    wide = rng.normal(size=(6, 10))
    wide[0, 0] = np.nan
    assert np.isfinite(impute(wide, method="em").values).all()


def test_em_in_a_recipe_and_as_a_monte_carlo_alternative(tmp_path):
    steps = """steps:
  - denominate: {}
  - impute: {method: em, max_iter: 500}
  - normalise: {method: minmax, range: [0, 100]}
  - aggregate: {method: arithmetic}
uncertainty:
  runs: 20
  seed: 2
  alternatives:
    impute: [{method: none}, {method: em}]
"""
    recipe = im.load_recipe(write_toy(tmp_path, steps=steps))
    result = im.build(recipe)
    assert result.scores.notna().all().all()
    mc = run_uncertainty(recipe)
    assert set(mc.rank_intervals()["uCode"]) == set(result.scores.index)
    with pytest.raises(im.InvalidParameter, match="max_iter"):
        im.build(im.load_recipe(write_toy(tmp_path, steps=steps.replace("500", "0"))))
