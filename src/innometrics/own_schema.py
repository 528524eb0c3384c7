"""Where a recipe may name an own function, and how (see :mod:`innometrics.steps.own`).

An own function stands as a whole step's ``method`` (impute, normalise, aggregate; its
arguments in ``params``), as one level's method of aggregate (``method: {2: f, default:
arithmetic}``, arguments in ``params``), or as treat's ``pass_check``, ``treatment`` and
``fallback`` (COINr's ``f_pass``, ``f1``, ``f2``; arguments in ``pass_check_params``, ...).
A recipe names it by a name given in ``functions=`` or by ``"package.module:function"``,
which is imported only when allowed (``--allow-functions``): a recipe file runs no code
unasked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from .errors import InvalidParameter
from .steps.treat import FUNCTIONS as TREAT_FUNCTIONS

__all__ = ["OWN_FUNCTION_STEPS", "FUNCTION_KEYS", "is_function_reference", "is_own",
           "map_functions", "function_names", "check_own_function", "own_settings"]

#: Steps whose whole ``method`` may be an own function.
OWN_FUNCTION_STEPS = ("impute", "normalise", "aggregate")
#: Settings that may name an own function (``method`` also per level, in aggregate).
FUNCTION_KEYS = ("method", *TREAT_FUNCTIONS)


def is_function_reference(value: Any) -> bool:
    """Whether a setting names a Python function, ``"package.module:function"``."""
    return isinstance(value, str) and ":" in value


def is_own(value: Any, functions: Collection[str]) -> bool:
    """Whether a setting is an own function: a callable, or a name or reference in
    ``functions``."""
    return callable(value) or (isinstance(value, str) and value in functions)


def map_functions(settings: Mapping, replace: Callable[[Any], Any]) -> dict:
    """``settings`` with every value that may name an own function passed through
    ``replace`` (each level's method of a per-level ``method`` too)."""
    out = dict(settings)
    for key in FUNCTION_KEYS:
        if key in out:
            value = out[key]
            out[key] = ({level: replace(v) for level, v in value.items()}
                        if isinstance(value, Mapping) else replace(value))
    return out


def function_names(settings: Any) -> list[str]:
    """The text values of ``settings`` that may name an own function."""
    if not isinstance(settings, Mapping):
        return []
    found: list[str] = []
    map_functions(settings, lambda v: found.append(v) if isinstance(v, str) else None)
    return found


def _refuse_unasked(value: Any, name: str, where: str) -> None:
    if is_function_reference(value):
        raise InvalidParameter(f"'{name}' of {where} is '{value}', a Python function, and a "
                               "recipe file runs no code unless asked; if you trust it, run "
                               "with --allow-functions (allow_functions=True in load_recipe).")


def _params_of(settings: Mapping, name: str, where: str) -> dict:
    params = settings.get(name) or {}
    if not isinstance(params, Mapping) or not all(isinstance(k, str) for k in params):
        raise InvalidParameter(f"'{name}' of {where} must be a mapping of argument names to "
                               f"values; got {params!r}.")
    return dict(params)


def check_own_function(step: str, settings: Mapping, where: str) -> dict:
    """A whole step's own function: ``method`` and its keyword arguments ``params``."""
    if step not in OWN_FUNCTION_STEPS:
        raise InvalidParameter(f"'method' of {where} is a function; own functions serve "
                               f"{', '.join(OWN_FUNCTION_STEPS)} as method, and treat as "
                               f"{', '.join(TREAT_FUNCTIONS)}.")
    for name in settings:
        if name not in ("method", "params"):
            raise InvalidParameter(f"'{name}' of {where} has no effect with an own function "
                                   "as method; pass its arguments as params: {name: value}.")
    return {"method": settings["method"], "params": _params_of(settings, "params", where)}


def own_settings(step: str, settings: Mapping, where: str,
                 functions: Collection[str]) -> tuple[dict, dict]:
    """``settings`` split in two: without the own functions they name besides a whole-step
    ``method`` (treat's functions; aggregate's per-level methods, which give way to a
    placeholder, and their ``params``), to be checked as built-in settings; and those.
    A ``"package.module:function"`` not in ``functions`` is refused."""
    plain, own = dict(settings), {}
    for name in FUNCTION_KEYS:
        value = settings.get(name)
        for v in value.values() if isinstance(value, Mapping) else [value]:
            if not is_own(v, functions):
                _refuse_unasked(v, name, where)
    for name in TREAT_FUNCTIONS if step == "treat" else ():
        if is_own(settings.get(name), functions):
            own[name] = plain.pop(name)
    method = settings.get("method")
    if step == "aggregate" and isinstance(method, Mapping) and any(
            is_own(value, functions) for value in method.values()):
        own["method"] = method
        plain["method"] = {level: "arithmetic" if is_own(value, functions) else value
                           for level, value in method.items()}
        own["params"] = _params_of(plain, "params", where)
        plain.pop("params", None)
    return plain, own
