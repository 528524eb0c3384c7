"""Generalised mean, Copeland, benefit of the doubt and Mazziotta–Pareto: invariants, an
independent linear programme for benefit of the doubt, refusals at load, and Monte Carlo use.
(COINr's outputs for the generalised mean and Copeland are in test_coinr_breadth.py.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from toy_index import write_toy

import innometrics as im
from innometrics.errors import InvalidParameter
from innometrics.steps.aggregate import (
    aggregate,
    benefit_of_the_doubt,
    copeland,
    mazziotta_pareto,
    weighted_mean,
)
from innometrics.uncertainty import run_uncertainty

LP_TOL = 1e-7


def _envelopment(x: np.ndarray) -> np.ndarray:
    """Benefit of the doubt through the dual programme (DEA with one unit input):
    score_i = min Σ_k λ_k  s.t.  Σ_k λ_k x_kj ≥ x_ij for every child j, λ ≥ 0."""
    n = len(x)
    return np.array([linprog(np.ones(n), A_ub=-x.T, b_ub=-x[i], bounds=(0, None),
                             method="highs-ipm").fun for i in range(n)])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bod_matches_the_dual_programme(seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (40, 5)) * (rng.uniform(size=(40, 5)) > 0.1)  # some zeros
    scores, weights = benefit_of_the_doubt(x, np.ones((5, 1)))
    np.testing.assert_allclose(scores[:, 0], _envelopment(x), atol=LP_TOL)
    assert scores.max() == pytest.approx(1.0, abs=LP_TOL)
    assert np.all(x @ weights[:, :, 0].T <= 1 + LP_TOL)  # every unit's weights are feasible


def test_bod_share_bounds_hold_and_cost_score():
    rng = np.random.default_rng(3)
    x = rng.uniform(0.1, 1, (30, 4))
    free, _ = benefit_of_the_doubt(x, np.ones((4, 1)))
    bounded, weights = benefit_of_the_doubt(x, np.ones((4, 1)), share_bounds=[0.1, 0.5])
    shares = weights[:, :, 0] * x / bounded
    assert np.all(shares >= 0.1 - LP_TOL) and np.all(shares <= 0.5 + LP_TOL)
    assert np.all(bounded <= free + LP_TOL)
    same, _ = benefit_of_the_doubt(x, np.ones((4, 1)), share_bounds=[0, 1])
    np.testing.assert_allclose(same, free, atol=LP_TOL)
    with pytest.raises(ValueError, match="cannot hold for a node with 4 children"):
        benefit_of_the_doubt(x, np.ones((4, 1)), share_bounds=[0.3, 0.9])


def test_bod_build_writes_each_units_weights(tmp_path):
    asem = Path(__file__).parents[1] / "reference" / "coinr-breadth" / "asem"
    recipe = tmp_path / "bod.yaml"
    recipe.write_text(f"framework: {asem / 'ASEM_iMeta.csv'}\ndata: {asem / 'ASEM_iData.csv'}\n"
                      "steps:\n  - denominate: {}\n  - impute: {method: mean}\n  - treat: {}\n"
                      "  - normalise: {method: minmax, range: [0, 1]}\n"
                      "  - aggregate: {method: {2: bod, default: arithmetic}}\n")
    with pytest.warns(im.errors.DataWarning):
        result = im.build(im.load_recipe(recipe))
    fw = result.recipe.framework
    normalised = result.stages["Normalised"]
    for pillar in fw.codes_at(2):
        children = [c for c in fw.indicators if fw[c].parent == pillar]
        expected = _envelopment(normalised[children].to_numpy())
        np.testing.assert_allclose(result.scores[pillar].to_numpy(), expected, atol=LP_TOL)
    table = result.bod_weights()
    assert list(table.reset_index().columns) == ["uCode", "iCode", "child", "weight", "share"]
    sums = table.groupby(["uCode", "iCode"])["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-7)
    result.write(tmp_path / "run")
    written = pd.read_csv(tmp_path / "run" / "bod_weights.csv")
    assert len(written) == len(fw.indicators) * len(result.scores)


def test_bod_refuses_negative_scores():
    with pytest.raises(ValueError, match="non-negative"):
        benefit_of_the_doubt(np.array([[-1.0], [1.0]]), np.ones((1, 1)))


def test_generalised_mean_limits_and_missing_child():
    rng = np.random.default_rng(0)
    x = rng.uniform(1, 100, (20, 4))
    w = np.array([[1.0], [2.0], [0.5], [3.0]])
    gap = x.copy()
    gap[3, 1] = np.nan  # as COINr's a_genmean: a missing child makes the parent missing
    assert np.isnan(weighted_mean(gap, w, method="generalised", p=2)[3, 0])
    assert np.isfinite(np.delete(weighted_mean(gap, w, method="generalised", p=2), 3)).all()
    np.testing.assert_allclose(weighted_mean(x, w, method="generalised", p=1),
                               weighted_mean(x, w), rtol=1e-12)
    np.testing.assert_allclose(weighted_mean(x, w, method="generalised", p=-1),
                               weighted_mean(x, w, method="harmonic"), rtol=1e-12)
    np.testing.assert_allclose(weighted_mean(x, w, method="generalised", p=1e-7),
                               weighted_mean(x, w, method="geometric"), rtol=1e-5)


def test_generalised_mean_refusals(tmp_path):
    with pytest.raises(InvalidParameter, match="use method: geometric"):
        aggregate(np.ones((2, 2)), [np.ones((2, 1))], method="generalised", p=0)
    steps = ("steps:\n  - normalise: {method: borda}\n"
             "  - aggregate: {method: generalised, p: {2: -1, default: 2}}\n")
    with pytest.raises(InvalidParameter, match="p = -1 at level 2, which needs positive"):
        im.load_recipe(write_toy(tmp_path, steps=steps))
    steps = "steps:\n  - normalise: {method: minmax}\n  - aggregate: {method: generalised}\n"
    with pytest.raises(InvalidParameter, match="needs 'p'"):
        im.load_recipe(write_toy(tmp_path, steps=steps))
    steps = "steps:\n  - normalise: {method: minmax}\n  - aggregate: {method: arithmetic, p: 2}\n"
    with pytest.raises(InvalidParameter, match="no effect"):
        im.load_recipe(write_toy(tmp_path, steps=steps))
    with pytest.raises(ValueError, match="positive scores"):
        weighted_mean(np.array([[0.0, 1.0]]), np.ones((2, 1)), method="generalised", p=-2)


def test_copeland_missing_rule_is_symmetric_and_order_free():
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=(12, 4)), 1)
    x[rng.uniform(size=x.shape) < 0.2] = np.nan
    x[0] = np.nan
    w = np.array([[1.0], [0.5], [2.0], [1.0]])
    scores = copeland(x, w)[:, 0]
    order = rng.permutation(12)
    np.testing.assert_array_equal(copeland(x[order], w)[:, 0], scores[order])
    assert np.isnan(scores[0]) and np.nansum(scores) == 0  # wins and losses cancel
    # a pair compared on the children both have only
    pair = np.array([[1.0, np.nan, 0.0], [0.0, 5.0, 1.0]])
    assert copeland(pair, np.array([[2.0], [9.0], [1.0]])).ravel().tolist() == [1.0, -1.0]


def test_mpi_equal_weights_is_compinds_formula():
    rng = np.random.default_rng(7)
    x = rng.normal(50, 10, (25, 6))
    frame = pd.DataFrame(x)
    z = 100 + 10 * (frame - frame.mean()) / frame.std(ddof=0)
    mean, sd = z.mean(axis=1), z.std(axis=1, ddof=0)
    expected = mean - sd * (sd / mean)
    np.testing.assert_allclose(mazziotta_pareto(x, np.ones((6, 1)))[:, 0], expected, rtol=1e-12)


def test_new_methods_as_monte_carlo_alternatives(tmp_path):
    """Every new method is a Monte Carlo input, except bod (refused)."""
    steps = """steps:
  - impute: {method: mean}
  - normalise: {method: minmax, range: [1, 100]}
  - aggregate: {method: arithmetic}
uncertainty:
  runs: 40
  seed: 3
  weights: {noise: 0.2, levels: [1, 2]}
  alternatives:
    normalise: [{method: minmax, range: [1, 100]}, {method: borda},
                {method: scaled, bounds: [-20, 120]}, {method: dist2ref, reference: DDD}]
    aggregate: [{method: arithmetic}, {method: copeland}, {method: mpi},
                {method: {3: copeland, default: arithmetic}}]
"""
    recipe = im.load_recipe(write_toy(tmp_path, steps=steps))
    result = run_uncertainty(recipe)
    assert np.isfinite(result.scores).all()
    for refused, why in (("{method: {2: bod, default: arithmetic}}", "linear programme"),):
        alternative = steps.replace("{method: mpi}", refused)
        with pytest.raises(InvalidParameter, match=f"aggregate\\[2\\] uses .*{why}"):
            im.load_recipe(write_toy(tmp_path, steps=alternative))
        nominal = steps.replace("aggregate: {method: arithmetic}", f"aggregate: {refused}")
        with pytest.raises(InvalidParameter, match="steps\\[2\\].aggregate uses"):
            im.load_recipe(write_toy(tmp_path, steps=nominal))


def test_generalised_mean_alternative_reaches_the_monte_carlo_with_its_p(tmp_path):
    """Each replication with the generalised alternative scores exactly as a build with that
    p: the exponent reaches the vectorised aggregation, per level too."""
    alternative = "{method: generalised, p: {2: -1.5, default: 3}}"
    steps = f"""steps:
  - impute: {{method: mean}}
  - normalise: {{method: minmax, range: [1, 100]}}
  - aggregate: {{method: arithmetic}}
uncertainty:
  runs: 30
  seed: 5
  weights: {{noise: 0.0, levels: [1]}}
  alternatives:
    aggregate: [{alternative}, {alternative}]
"""
    recipe = im.load_recipe(write_toy(tmp_path, steps=steps))
    mc = run_uncertainty(recipe)
    nominal = im.build(recipe.with_step("aggregate", method="generalised",
                                        p={2: -1.5, "default": 3}))
    top = recipe.framework.codes[-1]
    expected = nominal.scores[top].to_numpy()
    np.testing.assert_allclose(mc.scores, np.broadcast_to(expected, mc.scores.shape), rtol=1e-12)


def test_batch_axis_matches_one_at_a_time():
    rng = np.random.default_rng(9)
    x = rng.uniform(1, 10, (3, 8, 4))
    w = rng.uniform(0.5, 2, (3, 4, 2)) * np.array([[1, 0], [1, 0], [0, 1], [0, 1]])
    for method in ("copeland", "mpi", "bod", "generalised"):
        batched = aggregate(x, [w], method=method, p=0.5 if method == "generalised" else None)
        for b in range(3):
            single = aggregate(x[b], [w[b]], method=method,
                               p=0.5 if method == "generalised" else None)
            np.testing.assert_allclose(batched.values[b], single.values, rtol=1e-9,
                                       err_msg=method)


def test_means_that_need_positive_scores_are_refused_above_copeland(tmp_path):
    steps = ("steps:\n  - normalise: {method: minmax, range: [1, 100]}\n"
             "  - aggregate: {method: {2: copeland, default: geometric}}\n")
    with pytest.raises(InvalidParameter, match="level 2 is copeland"):
        im.load_recipe(write_toy(tmp_path, steps=steps))
    steps = ("steps:\n  - normalise: {method: dist2target, targets: {a: 5, b: 5, c: 5, d: 1}}\n"
             "  - aggregate: {method: harmonic}\n")
    with pytest.raises(InvalidParameter, match="lowest distance score is 0"):
        im.load_recipe(write_toy(tmp_path, steps=steps))


def test_mpi_child_without_spread_sits_at_the_mean():
    x = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    both = mazziotta_pareto(x, np.ones((2, 1)))[:, 0]
    z = 100 + 10 * (x[:, 0] - 2) / np.std(x[:, 0])
    mean, spread = (z + 100) / 2, np.abs(z - 100) / 2
    np.testing.assert_allclose(both, mean - spread ** 2 / mean, rtol=1e-12)
