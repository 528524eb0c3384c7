"""Statistical audit of a composite index: statistics, coherence, weights and importance.

The audit follows the JRC's checks (OECD/JRC 2008 Handbook, COINr's ``get_stats``,
``get_corr``, ``get_cronbach``, ``get_PCA``, ``get_eff_wts``, ``remove_elements``) and adds
the correlation-ratio importance of Paruolo, Saisana & Saltelli (2013). :func:`audit` runs them
all on an :class:`~innometrics.result.IndexResult` and returns an :class:`Audit`; the kernels
below it (:func:`describe`, :func:`cronbach_alpha`, :func:`pca`, :func:`effective_weights`,
:func:`correlation_ratio`, :func:`~.removal.removal_scores`) are pure functions usable on their
own.

Coherence checks (correlations, alpha, PCA, importance) use the scores of the last stage
(``Aggregated``): normalised indicators, oriented so that more is better, and the aggregates.

One measure per module: :mod:`.statistics` (:func:`describe`), :mod:`.correlations`,
:mod:`.cronbach`, :mod:`.pca`, :mod:`.weights` (effective weights), :mod:`.importance`
(correlation ratios), :mod:`.removal` (:func:`remove_elements`), :mod:`.level_corr`
(:func:`node_correlations`: COINr's ``get_corr`` between any levels of any stage);
:mod:`.result` holds :func:`audit` and the :class:`Audit` it returns.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
Psychometrika 16, 297-334. doi:10.1007/BF02310555
OECD/JRC (2008). Handbook on Constructing Composite Indicators. doi:10.1787/9789264043466-en
Paruolo, P., Saisana, M. & Saltelli, A. (2013). Ratings and rankings: voodoo or science?
JRSS-A 176(3), 609-634. doi:10.1111/j.1467-985X.2012.01059.x
"""

from __future__ import annotations

from .cronbach import cronbach_alpha
from .importance import correlation_ratio
from .level_corr import node_correlations
from .pca import pca
from .removal import remove_elements
from .result import Audit, audit
from .statistics import STATS_COLUMNS, describe
from .weights import effective_weights

__all__ = ["Audit", "audit", "describe", "cronbach_alpha", "pca", "effective_weights",
           "correlation_ratio", "remove_elements", "node_correlations", "STATS_COLUMNS"]
