"""Claim checker: figures from a text (a press report, a speech) checked against the official
series, each with a verdict, the value found, its source and the computation.

>>> from innometrics.claims import check_claims
>>> from innometrics.datasets import claims_example_path
>>> result = check_claims(claims_example_path("press_report_2023"))   # doctest: +SKIP
>>> result.table[["id", "verdict", "found"]]                           # doctest: +SKIP

Modules: :mod:`~innometrics.claims.parse` (claims files, stated precision, dates),
:mod:`~innometrics.claims.sources` (GII data and rank intervals, clusters runs),
:mod:`~innometrics.claims.verdicts` (rows of the verdict table),
:mod:`~innometrics.claims.rnd_check` (R&D claims as of their date, with their vintages),
:mod:`~innometrics.claims.check` (verdicts).
"""

from .check import (
    CLAIM_COLUMNS,
    CLAIM_MEASURES,
    RANK_COLUMNS,
    TIMELINE_COLUMNS,
    VERDICTS,
    ClaimsResult,
    check_claims,
)
from .parse import Claim, ClaimsFile, load_claims, stated_unit
from .sources import ClustersRun, GiiData, read_clusters_run

__all__ = ["CLAIM_COLUMNS", "CLAIM_MEASURES", "RANK_COLUMNS", "TIMELINE_COLUMNS", "VERDICTS",
           "Claim", "ClaimsFile", "ClaimsResult", "ClustersRun", "GiiData", "check_claims",
           "load_claims", "read_clusters_run", "stated_unit"]
