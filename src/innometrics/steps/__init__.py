"""Pipeline steps, one module each, in COINr's vocabulary.

Every step is a pure function over a units × indicators float array (NaN = missing) plus
keyword settings. It returns a :class:`StepResult`: the new array and a dict of what it did.
Normalise and aggregate also accept leading batch axes (replications × units × indicators),
which is what the Monte Carlo uses.
"""

from ._result import StepResult
from .aggregate import aggregate
from .denominate import denominate
from .impute import impute
from .normalise import normalise
from .screen import screen
from .treat import treat

__all__ = ["StepResult", "aggregate", "denominate", "impute", "normalise", "screen", "treat"]
