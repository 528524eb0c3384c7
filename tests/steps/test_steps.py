"""Step kernels: exact toy outputs, invariants, batch axis ≡ loop, inputs not modified."""

from __future__ import annotations

import numpy as np
import pytest

from innometrics import InvalidParameter
from innometrics.ranking import rank_min
from innometrics.stats import kurtosis, skewness
from innometrics.steps import aggregate, denominate, impute, normalise, screen, treat
from innometrics.steps.aggregate import weighted_mean
from innometrics.steps.treat import winsorise

rng = np.random.default_rng(0)


def test_rank_min_ties_and_nan():
    x = np.array([[3.0, 1.0], [5.0, 1.0], [3.0, np.nan], [1.0, 2.0]])
    np.testing.assert_array_equal(rank_min(x), [[2, 2], [1, 2], [2, np.nan], [4, 1]])
    np.testing.assert_array_equal(rank_min(x, descending=False)[:, 0], [2, 4, 2, 1])


def test_rank_min_batch_equals_loop():
    x = rng.integers(0, 5, size=(7, 11, 3)).astype(float)
    batch = rank_min(x)
    for r in range(7):
        np.testing.assert_array_equal(batch[r], rank_min(x[r]))


def test_skew_kurt_match_excel():
    from scipy import stats as st

    x = rng.lognormal(size=(40, 3))
    x[5, 1] = np.nan
    for j in range(3):
        col = x[~np.isnan(x[:, j]), j]  # Excel SKEW/KURT = scipy's bias-corrected G1/G2
        assert skewness(x)[j] == pytest.approx(st.skew(col, bias=False), rel=1e-12)
        assert kurtosis(x)[j] == pytest.approx(st.kurtosis(col, bias=False), rel=1e-12)


def test_denominate():
    out = denominate(np.array([[10.0, 3.0], [np.nan, 4.0]]),
                     np.array([[2.0, np.nan], [5.0, np.nan]]))
    np.testing.assert_array_equal(out.values, [[5.0, 3.0], [np.nan, 4.0]])
    np.testing.assert_array_equal(out.info["denominated"], [True, False])


def test_screen_keeps_units_at_threshold():
    x = np.array([[1.0, 2.0], [np.nan, 1.0], [np.nan, np.nan], [0.0, 0.0]])
    out = screen(x, min_coverage=0.5, max_zero_share=0.5)
    np.testing.assert_array_equal(out.info["kept"], [True, True, False, False])
    assert out.values.shape == (2, 2)


@pytest.mark.parametrize(("method", "expected"), [
    ("mean", [1.0, 8 / 3, 3.0, 8 / 3, 4.0]),
    ("median", [1.0, 3.0, 3.0, 3.0, 4.0]),
    ("group_mean", [1.0, 2.0, 3.0, 3.5, 4.0]),
    ("none", [1.0, np.nan, 3.0, np.nan, 4.0]),
])
def test_impute(method, expected):
    x = np.array([[1.0], [np.nan], [3.0], [np.nan], [4.0]])
    groups = ["a", "a", "a", "b", "b"] if method.startswith("group") else None
    if method == "group_mean":
        expected = [1.0, 2.0, 3.0, 4.0, 4.0]
    before = x.copy()
    out = impute(x, method=method, groups=groups)
    np.testing.assert_array_equal(out.values.ravel(), expected)
    np.testing.assert_array_equal(x, before)
    assert out.info["imputed"].sum() == (0 if method == "none" else 2)


def test_winsorise_coinr_example():
    # COINr's winsorise() example: 1..10 plus two outliers, thresholds 2 / 3.5
    x = np.array([*range(1, 11), 30.0, 100.0])
    out, n_win, codes = winsorise(x, skew=2.0, kurtosis=3.5, max_winsorised=5)
    assert n_win == 1
    assert out[-1] == 30.0 and codes[-1] == "winhi" and (codes[:-1] == "").all()


def test_winsorise_moves_ties_together_and_counts_them():
    x = np.array([*range(1, 21), 200.0, 200.0])
    out, n_win, codes = winsorise(x, skew=2.0, kurtosis=3.5, max_winsorised=5)
    assert n_win == 2 and list(out[-2:]) == [20.0, 20.0]
    assert list(codes[-2:]) == ["winhi", "winhi"]


def test_treat_falls_back_to_log_on_original_values():
    x = np.exp(rng.normal(size=(60, 1)) * 2)  # log-normal: fails even after one point
    out = treat(x, max_winsorised=1)
    assert out.info["transformed"][0]
    lo, hi = x.min(), x.max()
    np.testing.assert_allclose(out.values[:, 0], np.log(x[:, 0] - lo + 0.01 * (hi - lo)))


def test_treat_none_is_identity():
    x = rng.normal(size=(10, 3))
    np.testing.assert_array_equal(treat(x, method="none").values, x)


def test_minmax_hits_bounds_and_flips_direction():
    x = rng.normal(size=(20, 3))
    out = normalise(x, directions=np.array([1, -1, 1]), method="minmax", range=[1, 100]).values
    np.testing.assert_allclose(out.min(axis=0), 1)
    np.testing.assert_allclose(out.max(axis=0), 100)
    assert out[np.argmax(x[:, 1]), 1] == pytest.approx(1)


def test_zscore_moments():
    x = rng.normal(size=(30, 2)) * 5 + 3
    out = normalise(x, method="zscore", mean=10, sd=2).values
    np.testing.assert_allclose(out.mean(axis=0), 10)
    np.testing.assert_allclose(out.std(axis=0, ddof=1), 2)


def test_goalposts_with_direction():
    x = np.array([[0.0, 0.0], [5.0, 5.0], [20.0, 20.0]])
    out = normalise(x, directions=np.array([1, -1]), method="goalposts",
                    goalposts=[0, 10]).values
    np.testing.assert_allclose(out, [[0, 100], [50, 50], [100, 0]])


@pytest.mark.parametrize("method", ["minmax", "zscore", "rank", "prank", "dist2max",
                                    "fracmax"])
def test_normalise_batch_equals_loop(method):
    x = rng.normal(size=(4, 15, 3)) + 5
    x[1, 3, 2] = np.nan
    directions = np.array([1, -1, 1])
    batch = normalise(x, directions=directions, method=method).values
    for r in range(4):
        np.testing.assert_allclose(batch[r],
                                   normalise(x[r], directions=directions, method=method).values)


def test_weighted_mean_renormalises_over_present():
    x = np.array([[50.0, np.nan, 100.0], [np.nan, np.nan, np.nan]])
    w = np.array([[1.0], [1.0], [3.0]])
    np.testing.assert_array_equal(weighted_mean(x, w), [[87.5], [np.nan]])


def test_weighted_geometric_and_harmonic():
    x = np.array([[1.0, 100.0]])
    w = np.array([[1.0], [1.0]])
    assert weighted_mean(x, w, method="geometric")[0, 0] == pytest.approx(10.0)
    assert weighted_mean(x, w, method="harmonic")[0, 0] == pytest.approx(200 / 101)
    with pytest.raises(ValueError, match="positive"):
        weighted_mean(np.array([[0.0, 1.0]]), w, method="geometric")


def test_min_coverage_blanks_thin_aggregates():
    x = np.array([[50.0, np.nan, np.nan]])
    w = np.ones((3, 1))
    assert np.isnan(weighted_mean(x, w, min_coverage=0.5)[0, 0])
    assert weighted_mean(x, w, min_coverage=0.3)[0, 0] == 50.0


def test_aggregate_batch_weights():
    x = rng.uniform(1, 100, size=(12, 4))
    w2 = np.array([[1.0, 0], [1, 0], [0, 1], [0, 1]])
    w3 = np.array([[1.0], [1.0]])
    batch_w2 = np.stack([w2, w2 * [[2.0, 1]]])
    batch = aggregate(x, [batch_w2, w3]).values
    for r in range(2):
        single = aggregate(x, [batch_w2[r], w3]).values
        np.testing.assert_allclose(batch[r], single)


def test_aggregate_method_per_level():
    x = np.array([[1.0, 100.0, 4.0, 4.0]])
    w2 = np.array([[1.0, 0], [1, 0], [0, 1], [0, 1]])
    out = aggregate(x, [w2, np.ones((2, 1))],
                    method={2: "geometric", "default": "arithmetic"})
    np.testing.assert_allclose(out.values[0, 4:], [10.0, 4.0, 7.0])


def test_parameter_errors_follow_one_template():
    with pytest.raises(InvalidParameter, match=r"'method' of impute must be one of .*got 'x'"):
        impute(np.zeros((2, 2)), method="x")
    with pytest.raises(InvalidParameter, match=r"'sd' of normalise must be a number in \(0"):
        normalise(np.zeros((2, 2)), method="zscore", sd=0)
    with pytest.raises(InvalidParameter, match="'foo' is not a setting of screen"):
        from innometrics._params import check_params
        check_params("screen", {"foo": 1}, {"min_coverage": []})


def test_per_indicator_treatment_overrides():
    from innometrics.steps import treat

    x = np.column_stack([np.r_[np.arange(1.0, 11), 50, 100]] * 4)
    out = treat(x, codes=["a", "b", "c", "d"], fallback="none", indicators={
        "b": {"method": "none"}, "c": {"method": "winsorise", "high": 2, "low": 1},
        "d": {"method": "log_gii"}})
    np.testing.assert_array_equal(out.values[:, 1], x[:, 1])
    assert out.values[-2:, 0].tolist() == [50.0, 50.0]  # the rule: one point
    assert out.values[-2:, 2].tolist() == [10.0, 10.0] and out.values[0, 2] == 2.0
    assert out.info["points"][-1, 2] == "winhi" and out.info["points"][0, 2] == "winlo"
    lo, hi = 1.0, 100.0
    np.testing.assert_allclose(out.values[:, 3], np.log((hi - 1) * (x[:, 3] - lo) / (hi - lo) + 1))
    assert out.info["rule"].tolist() == ["default", "none", "winsorise", "log_gii"]


def test_per_indicator_goalposts_with_a_bad_direction():
    from innometrics.steps import normalise

    x = np.array([[1.0, 1.0], [4.0, 4.0], [7.0, 7.0]])
    out = normalise(x, directions=np.array([1.0, -1.0]), codes=["a", "b"],
                    indicators={"b": {"method": "goalposts", "goalposts": [1, 7]}})
    np.testing.assert_allclose(out.values[:, 0], [0, 50, 100])
    np.testing.assert_allclose(out.values[:, 1], [100, 50, 0])


def test_per_indicator_override_leaves_the_other_columns_to_the_step_method():
    """Targets given as one array over all indicators are sliced, not broadcast, when one
    indicator has its own method (it must not depend on the others' targets)."""
    from innometrics.steps import normalise

    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]])
    targets = np.array([10.0, 10.0, 12.0])
    whole = normalise(x, method="dist2target", targets=targets, codes=["a", "b", "c"])
    mixed = normalise(x, method="dist2target", targets=targets, codes=["a", "b", "c"],
                      indicators={"b": {"method": "minmax"}})
    np.testing.assert_allclose(mixed.values[:, [0, 2]], whole.values[:, [0, 2]])
    np.testing.assert_allclose(mixed.values[:, 1], [0, 50, 100])
    with pytest.raises(ValueError, match="2 target values for 3 indicators"):
        normalise(x, method="dist2target", targets=targets[:2], codes=["a", "b", "c"])


def test_every_normalisation_the_schema_accepts_is_dispatched_and_nothing_else():
    import importlib

    module = importlib.import_module("innometrics.steps.normalise")
    assert tuple(module._METHOD_TABLE) == module.METHODS
