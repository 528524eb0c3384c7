"""Monte Carlo uncertainty and variance-based sensitivity of ranks.

Uncertain inputs, as in COINr's ``get_sensitivity`` and the JRC's GII audits:

- **weights**: each weight at the chosen levels becomes ``w·(1 + U(−f, f))`` (COINr's
  ``get_noisy_weights`` convention); aggregation renormalises over siblings;
- **alternatives**: for the steps impute, treat, normalise and aggregate, a list of settings;
  each replication picks one per step, uniformly;
- **parameters**: one setting of a step, ``step.setting: [values]`` (COINr's ``SA_specs`` with
  an ``Address`` into a step's parameters), each value an option, set on top of the step's
  settings (or of its alternative); each is one input of its own.

The ranks analysed are the index's, or those of ``target`` (any node code; ``--target``).

The design lives in the recipe::

    uncertainty:
      runs: 500
      seed: 1
      weights: {noise: 0.25, levels: [2, 3]}
      alternatives:
        normalise: [{method: minmax, range: [0, 100]}, {method: zscore, mean: 10, sd: 2}]
        aggregate: [{method: arithmetic}, {method: geometric}]
      parameters:
        treat.max_winsorised: [3, 5]
      target: Conn

Replications are not rebuilt one by one. Everything before aggregation is computed once per
distinct combination of alternatives and parameter values; the aggregation then runs for a
whole chunk of replications at once, with a leading replication axis on the weight matrices.
Chunks go through numpy locally or through Dask (``engine="dask"``) with identical results.

One job per module: :mod:`.design` (what is uncertain), :mod:`.sampling` (the replications
drawn), :mod:`.evaluation` (index scores of every replication, memory check),
:mod:`.statistics` (rank and score intervals), :mod:`.result` (:func:`run_uncertainty` and its
result), :mod:`.sobol` (:func:`run_sensitivity`), :mod:`.panel` (the paired Monte Carlo of a
panel: one draw per replication applied to every time, rank changes with intervals).

References
----------
Saisana, M., Saltelli, A. & Tarantola, S. (2005). Uncertainty and sensitivity analysis
techniques as tools for the quality assessment of composite indicators. JRSS-A 168(2),
307-323. doi:10.1111/j.1467-985X.2005.00350.x
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Computer
Physics Communications 181(2), 259-270. doi:10.1016/j.cpc.2009.09.018
"""

from __future__ import annotations

from .design import UncertaintyDesign
from .evaluation import evaluate_design
from .panel import PanelUncertaintyResult
from .result import UncertaintyResult, run_uncertainty
from .sampling import sample_design
from .sobol import SensitivityResult, run_sensitivity
from .statistics import rank_statistics

__all__ = ["UncertaintyDesign", "UncertaintyResult", "PanelUncertaintyResult",
           "SensitivityResult", "run_uncertainty", "run_sensitivity", "sample_design",
           "evaluate_design", "rank_statistics"]
