"""The verdict table's rows: columns, the comparison at a claim's stated precision, and how
a claim's precision and a figure are written in notes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from ..rnd.vintages import Figure
from .parse import Claim

__all__ = ["CLAIM_COLUMNS", "RANK_COLUMNS", "TIMELINE_COLUMNS", "VERDICTS", "claim_text",
           "verdict_of", "make_row", "sci", "short"]

#: Columns of ``claims.csv``, in order (``tolerance``, ``text`` and the rank interval follow).
CLAIM_COLUMNS = ["id", "measure", "economy", "year", "claimed", "found", "verdict", "source",
                 "note", "as_of", "vintage", "released"]
RANK_COLUMNS = ["rank_q05", "rank_median", "rank_q95"]
#: Columns of ``timelines.csv``: an R&D claim's figure after each release (claim units).
TIMELINE_COLUMNS = ["id", "released", "value", "vintage", "source"]
VERDICTS = ("consistent", "differs", "unverifiable")


def _decimal(x: float) -> Decimal:
    """``x`` as the shortest decimal that reads back as it."""
    return Decimal(repr(float(x))).normalize()


def claim_text(claim: Claim) -> str:
    """'claim 3.3e12 ± 0.05e12' in the claim's own notation."""
    if claim.unit == 0:
        return f"claim {claim.stated} (exact)"
    tol = _decimal(claim.tolerance)
    mantissa, _, exponent = claim.stated.lower().partition("e")
    if exponent:
        shown = f"{(tol.scaleb(-int(exponent))).normalize():f}e{int(exponent)}"
    else:
        shown = f"{tol:f}" if Decimal("1e-6") <= tol < Decimal("1e9") else f"{float(tol):g}"
    rule = "" if claim.explicit_precision else " (half a unit of its last stated digit)"
    return f"claim {claim.stated} ± {shown}{rule}"


def verdict_of(claim: Claim, found: float, tolerance: float) -> str:
    """``consistent`` if ``|found − claimed| ≤ tolerance`` (with a relative 1e-9 slack for
    floating point), else ``differs``."""
    slack = 1e-9 * max(abs(found), abs(claim.value), 1.0) if tolerance else 1e-9
    return "consistent" if abs(found - claim.value) <= tolerance + slack else "differs"


def make_row(claim: Claim, found: float | None, source: str, note: str,
         ranks: tuple[float, float, float] | None = None, *,
         tolerance: float | None = None, verdict: str | None = None,
         figure: Figure | None = None) -> dict[str, Any]:
    """One row of the verdict table; ``verdict`` overrides the comparison within the
    tolerance (a rank within a tie), ``figure`` gives an R&D figure's vintage."""
    tolerance = claim.tolerance if tolerance is None else tolerance
    if verdict is None:
        verdict = "unverifiable" if found is None else verdict_of(claim, found, tolerance)
    if verdict == "differs":
        note += f"; found − claimed = {short(found - claim.value)}"
    q05, q50, q95 = ranks if ranks else (np.nan, np.nan, np.nan)
    return {"id": claim.id, "measure": claim.measure, "economy": claim.economy,
            "year": claim.year, "claimed": claim.value,
            "found": np.nan if found is None else found, "verdict": verdict,
            "source": source, "note": note, "as_of": claim.as_of or "",
            "vintage": figure.vintage if figure else "",
            "released": figure.released if figure else "",
            "tolerance": tolerance, "text": claim.text,
            "rank_q05": q05, "rank_median": q50, "rank_q95": q95}


def sci(x: float) -> str:
    """3.3357e12 rather than 3.3357e+12."""
    mantissa, _, exponent = f"{x:.5g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def short(x: float) -> str:
    """A difference for notes: 2 decimals, or 5 significant digits when large or tiny."""
    return sci(x) if abs(x) >= 1e5 or (x != 0 and abs(x) < 1e-3) else f"{x:.2f}"
