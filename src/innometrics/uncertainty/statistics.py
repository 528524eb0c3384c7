"""Rank and score intervals over the replications, and the sensitivity target.

Rank quantiles use numpy's ``inverted_cdf`` method (Hyndman & Fan 1996, definition 1): the
q-quantile is the smallest rank r with ``P(rank ≤ r) ≥ q``, so every interval end and median
is a rank that occurred in some replication, never a mix of two (``[8, 12]``, not
``[8.45, 12]``). Scores are continuous and use numpy's default (linear, R's type 7).

References
----------
Hyndman, R. J. & Fan, Y. (1996). Sample quantiles in statistical packages. The American
Statistician 50(4), 361-365. doi:10.1080/00031305.1996.10473566
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["RANK_QUANTILE_METHOD", "SCORE_QUANTILE_METHOD", "rank_statistics",
           "score_statistics", "mean_rank_shift"]

#: numpy's quantile method for ranks: ranks that occurred.
RANK_QUANTILE_METHOD = "inverted_cdf"
#: numpy's quantile method for scores (R's type 7).
SCORE_QUANTILE_METHOD = "linear"


def rank_statistics(ranks: np.ndarray, nominal: np.ndarray) -> pd.DataFrame:
    """Nominal, mean, median, 5th and 95th percentile rank per unit (COINr ``RankStats``).

    Parameters
    ----------
    ranks : ndarray, shape (runs, units)
    nominal : ndarray, shape (units,)

    Returns
    -------
    DataFrame
        ``nominal, mean, median, q05, q95``, one row per unit; the median and percentiles by
        :data:`RANK_QUANTILE_METHOD`, so each is a rank that occurred.

    Examples
    --------
    >>> ranks = np.array([[1.0, 2.0], [2.0, 1.0], [1.0, 2.0], [2.0, 1.0]])
    >>> rank_statistics(ranks, np.array([1.0, 2.0]))
       nominal  mean  median  q05  q95
    0      1.0   1.5     1.0  1.0  2.0
    1      2.0   1.5     1.0  1.0  2.0
    """
    q05, median, q95 = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0,
                                   method=RANK_QUANTILE_METHOD)
    return pd.DataFrame({"nominal": nominal, "mean": ranks.mean(axis=0), "median": median,
                         "q05": q05, "q95": q95})


def score_statistics(scores: np.ndarray, nominal: np.ndarray) -> pd.DataFrame:
    """``score_nominal, score_q05, score_median, score_q95`` per unit (scores (runs, units);
    percentiles by :data:`SCORE_QUANTILE_METHOD`)."""
    q05, median, q95 = np.quantile(scores, [0.05, 0.5, 0.95], axis=0,
                                   method=SCORE_QUANTILE_METHOD)
    return pd.DataFrame({"score_nominal": nominal, "score_q05": q05, "score_median": median,
                         "score_q95": q95})


def mean_rank_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Mean over units of ``|rank − nominal rank|`` per replication (COINr's SA target)."""
    return np.abs(ranks - nominal).mean(axis=-1)
