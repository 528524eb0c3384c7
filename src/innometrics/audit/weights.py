"""Effective weights: each node's share of the index (COINr's ``get_eff_wts``)."""

from __future__ import annotations

import pandas as pd

from ..framework import Framework

__all__ = ["effective_weights"]


def effective_weights(framework: Framework) -> pd.DataFrame:
    """Effective weight of every node in the index.

    Weights are first normalised within each sibling group, ``w̃_c = w_c / Σ_{s ∈ sib(c)} w_s``
    (the top level counting as one group); the effective weight is the product of the
    normalised weights along the path to the top, ``e_c = w̃_c · e_parent(c)`` (COINr
    ``get_eff_wts``). The effective weights of each level sum to 1.

    Parameters
    ----------
    framework : Framework

    Returns
    -------
    DataFrame
        ``iCode, Level, Parent, Weight, EffWeight``, one row per node in framework order.

    Examples
    --------
    >>> from innometrics.framework import Node
    >>> fw = Framework((Node("a", "a", 1, "P", 1.0), Node("b", "b", 1, "P", 3.0),
    ...                 Node("c", "c", 1, "Q", 1.0), Node("P", "P", 2, "I", 1.0),
    ...                 Node("Q", "Q", 2, "I", 1.0), Node("I", "I", 3, None, 1.0)))
    >>> effective_weights(fw)["EffWeight"].tolist()
    [0.125, 0.375, 0.5, 0.5, 0.5, 1.0]
    """
    nodes = framework.nodes
    eff = framework.effective_weights()
    return pd.DataFrame({
        "iCode": [n.code for n in nodes],
        "Level": [n.level for n in nodes],
        "Parent": [n.parent for n in nodes],
        "Weight": [n.weight for n in nodes],
        "EffWeight": [eff[n.code] for n in nodes],
    })
