"""Declarative parameter checks: one constraints dict per function, one message template.

Example
-------
>>> check_params("normalise.minmax", {"lower": 0, "upper": 1},
...              {"lower": [Real], "upper": [Real]})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from .errors import InvalidParameter

__all__ = ["Interval", "Options", "Real", "Integral", "check_params", "RealPair"]


@dataclass(frozen=True)
class Interval:
    """A closed or open numeric interval; ``None`` means unbounded."""

    kind: type
    low: float | None = None
    high: float | None = None
    closed: str = "both"  # "both" | "left" | "right" | "neither"

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, self.kind):
            return False
        open_low = self.closed in ("right", "neither")
        open_high = self.closed in ("left", "neither")
        below = self.low is not None and (value < self.low or (open_low and value == self.low))
        above = self.high is not None and (value > self.high or (open_high and value == self.high))
        return not (below or above)

    def __str__(self) -> str:
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        low = "-inf" if self.low is None else self.low
        high = "inf" if self.high is None else self.high
        return f"a {self.kind.__name__.lower()} in {left}{low}, {high}{right}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values."""

    values: frozenset

    def __init__(self, values: Iterable) -> None:
        object.__setattr__(self, "values", frozenset(values))

    def accepts(self, value: Any) -> bool:
        try:
            return value in self.values
        except TypeError:
            return False

    def __str__(self) -> str:
        return "one of {" + ", ".join(repr(v) for v in sorted(self.values, key=str)) + "}"


class _RealPair:
    """A sequence of two finite reals ``[low, high]`` with ``low < high``."""

    def accepts(self, value: Any) -> bool:
        return (
            isinstance(value, Sequence)
            and not isinstance(value, str)
            and len(value) == 2
            and all(isinstance(v, Real) and not isinstance(v, bool) for v in value)
            and value[0] < value[1]
        )

    def __str__(self) -> str:
        return "a pair [low, high] of numbers with low < high"


RealPair = _RealPair()


def _describe(constraint: Any) -> str:
    if constraint is None:
        return "None"
    if isinstance(constraint, type):
        return f"of type {constraint.__name__}"
    return str(constraint)


def _accepts(constraint: Any, value: Any) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, type):
        if constraint in (Real, Integral) and isinstance(value, bool):
            return False
        return isinstance(value, constraint)
    return constraint.accepts(value)


def check_params(owner: str, params: Mapping[str, Any], constraints: Mapping[str, list]) -> None:
    """Raise :class:`InvalidParameter` for an unknown name or a value outside its constraints.

    Parameters
    ----------
    owner : str
        Name of the function or step, used in the message.
    params : mapping
        The settings as given.
    constraints : mapping
        For each accepted name, a list of acceptable forms (types, :class:`Interval`,
        :class:`Options`, ``None``); a value passes if any form accepts it.
    """
    for name, value in params.items():
        if name not in constraints:
            accepted = ", ".join(sorted(constraints)) or "none"
            raise InvalidParameter(
                f"'{name}' is not a setting of {owner}; accepted settings: {accepted}."
            )
        forms = constraints[name]
        if not any(_accepts(form, value) for form in forms):
            wanted = " or ".join(_describe(form) for form in forms)
            raise InvalidParameter(f"'{name}' of {owner} must be {wanted}; got {value!r}.")
