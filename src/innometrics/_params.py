"""Declarative parameter checks: one constraints dict per function, one message template.

Every number must be finite (NaN and ±inf are refused wherever a number is expected), and the
message names the setting as the user wrote it (``'method' of steps[4].aggregate``).

Example
-------
>>> check_params("normalise.minmax", {"lower": 0, "upper": 1},
...              {"lower": [Real], "upper": [Real]})
>>> check_params("minmax", {"lower": float("nan")}, {"lower": [Real]})
Traceback (most recent call last):
...
innometrics.errors.InvalidParameter: 'lower' of minmax must be a finite real number; got nan.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from .errors import InvalidParameter

__all__ = ["Interval", "Options", "Real", "Integral", "check_params", "RealPair", "LevelMap",
           "Setting", "constraints_of", "level_key", "unknown_message", "did_you_mean",
           "CodeMap", "describe_forms", "accepts", "is_number", "one_of", "options_text"]


def is_number(value: Any, kind: type = Real) -> bool:
    """A finite number of ``kind`` (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, kind):
        return False
    return math.isfinite(value)


@dataclass(frozen=True)
class Interval:
    """A closed or open interval of finite numbers; ``None`` means unbounded."""

    kind: type
    low: float | None = None
    high: float | None = None
    closed: str = "both"  # "both" | "left" | "right" | "neither"

    def accepts(self, value: Any) -> bool:
        if not is_number(value, self.kind):
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
        kind = "an integer" if self.kind is Integral else "a number"
        return f"{kind} in {left}{low}, {high}{right}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values."""

    values: frozenset

    def __init__(self, values: Iterable) -> None:
        object.__setattr__(self, "values", frozenset(values))

    def accepts(self, value: Any) -> bool:
        try:
            return not isinstance(value, bool) and value in self.values
        except TypeError:
            return False

    def __str__(self) -> str:
        return options_text(sorted(self.values, key=str))


def options_text(options: Iterable) -> str:
    """``one of {'a', 'b'}``: the accepted values, in the order given."""
    return "one of {" + ", ".join(repr(v) for v in options) + "}"


def one_of(name: str, options: Iterable, value: Any, *, owner: str | None = None,
           why: str = "") -> str:
    """The one message for a value outside a fixed set of options (``why``: what the value
    lacks, in brackets after it).

    >>> one_of("engine", ("local", "dask"), "spark", owner="evaluate_design")
    "'engine' of evaluate_design must be one of {'local', 'dask'}; got 'spark'."
    """
    where = f" of {owner}" if owner else ""
    because = f" ({why})" if why else ""
    return f"'{name}'{where} must be {options_text(options)}; got {value!r}{because}."


class _RealPair:
    """A sequence of two finite reals ``[low, high]`` with ``low < high``."""

    def accepts(self, value: Any) -> bool:
        return (
            isinstance(value, Sequence)
            and not isinstance(value, str)
            and len(value) == 2
            and all(is_number(v) for v in value)
            and value[0] < value[1]
        )

    def __str__(self) -> str:
        return "a pair [low, high] of finite numbers with low < high"


RealPair = _RealPair()


@dataclass(frozen=True)
class LevelMap:
    """A mapping ``{level: value, "default": value}`` (framework levels ≥ 2), each value
    accepted by ``forms``. Which levels exist is checked once the framework is known."""

    forms: tuple

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, Mapping) or not value:
            return False
        for key, item in value.items():
            if not (key == "default" or level_key(key) is not None):
                return False
            if not any(accepts(form, item) for form in self.forms):
                return False
        return True

    def __str__(self) -> str:
        return ("a mapping {level: value, default: value} with levels ≥ 2 and values "
                + " or ".join(describe_forms(self.forms)))


def level_key(key: Any) -> int | None:
    """``key`` as a framework level (int ≥ 2, or its text), else None."""
    if isinstance(key, bool):
        return None
    if isinstance(key, Integral):
        return int(key) if key >= 2 else None
    if isinstance(key, str) and key.strip().isdigit():
        return int(key) if int(key) >= 2 else None
    return None


@dataclass(frozen=True)
class CodeMap:
    """A mapping ``{indicator code: value}``, each value accepted by ``forms``. Whether the
    codes exist is checked once the framework is known."""

    forms: tuple
    what: str = "value"

    def accepts(self, value: Any) -> bool:
        return (isinstance(value, Mapping) and bool(value)
                and all(isinstance(k, str) for k in value)
                and all(any(accepts(f, v) for f in self.forms) for v in value.values()))

    def __str__(self) -> str:
        return f"a mapping {{indicator code: {self.what}}}"


def _describe(constraint: Any) -> str:
    if constraint is None:
        return "None"
    if constraint is Real:
        return "a finite real number"
    if constraint is Integral:
        return "an integer"
    if constraint is bool:
        return "true or false"
    if constraint is str:
        return "a text"
    if isinstance(constraint, type):
        return f"of type {constraint.__name__}"
    return str(constraint)


def describe_forms(forms: Iterable) -> list[str]:
    """Human descriptions of constraint forms."""
    return [_describe(form) for form in forms]


def accepts(constraint: Any, value: Any) -> bool:
    """Whether one constraint form accepts ``value``."""
    if constraint is None:
        return value is None
    if constraint in (Real, Integral):
        return is_number(value, constraint)
    if constraint is bool:
        return isinstance(value, bool)
    if isinstance(constraint, type):
        return isinstance(value, constraint)
    return constraint.accepts(value)


def check_params(owner: str, params: Mapping[str, Any], constraints: Mapping[str, list]) -> None:
    """Raise :class:`InvalidParameter` for an unknown name or a value outside its constraints.

    Parameters
    ----------
    owner : str
        Where the settings were written (``steps[4].aggregate``, ``--eps-km``, a function
        name), used in the message.
    params : mapping
        The settings as given.
    constraints : mapping
        For each accepted name, a list of acceptable forms (types, :class:`Interval`,
        :class:`Options`, :class:`LevelMap`, :class:`CodeMap`, ``None``); a value passes if any
        form accepts it.
    """
    for name, value in params.items():
        if name not in constraints:
            raise InvalidParameter(unknown_message(name, owner, constraints))
        forms = constraints[name]
        if not any(accepts(form, value) for form in forms):
            wanted = " or ".join(describe_forms(forms))
            raise InvalidParameter(f"'{name}' of {owner} must be {wanted}; got {value!r}.")


def did_you_mean(name: Any, options: Iterable[Any]) -> str:
    """`` Did you mean 'x'?`` for the closest of ``options`` (case-insensitive), or ``""``."""
    import difflib

    by_folded = {str(o).casefold(): str(o) for o in options}
    close = difflib.get_close_matches(str(name).casefold(), list(by_folded), n=1, cutoff=0.6)
    return f" Did you mean '{by_folded[close[0]]}'?" if close else ""


def unknown_message(name: Any, owner: str, accepted: Iterable[str]) -> str:
    """"'x' is not a setting of owner; did you mean ...?" with the accepted names."""
    names = sorted(str(a) for a in accepted)
    return (f"'{name}' is not a setting of {owner}.{did_you_mean(name, names)} Accepted "
            f"settings: {', '.join(names) or 'none'}.")


@dataclass(frozen=True)
class Setting:
    """A setting a recipe may give a step: its accepted forms and, where it only means
    something for some of the step's methods, those methods (None: every method)."""

    forms: tuple
    methods: frozenset | None = None

    def __init__(self, forms: Iterable, methods: Iterable[str] | None = None) -> None:
        object.__setattr__(self, "forms", tuple(forms))
        object.__setattr__(self, "methods", None if methods is None else frozenset(methods))


def constraints_of(settings: Mapping[str, Setting]) -> dict[str, list]:
    """The constraints dict of a :class:`Setting` table (for :func:`check_params`)."""
    return {name: list(setting.forms) for name, setting in settings.items()}
