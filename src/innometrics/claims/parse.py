"""Claims files: strict YAML reading, and the precision a stated number carries.

A claims file::

    title: Press report on China's R&D, 2024     # optional, free text
    as_of: 2024-04-25                             # optional: the date the claims were made
    vintages: releases.csv                        # optional: release file(s), relative here
    clusters_run: runs/clusters-2023              # optional, relative to this file
    claims:
      - {id: cn-gerd-2023, measure: gerd, economy: CHN, year: 2023, value: 3.3e12,
         text: "R&D spending reached 3.3 trillion yuan"}
      - {id: cn-gerd-growth-2023, measure: gerd_growth, economy: CHN, year: 2023, value: 8.1,
         as_of: 2024-03-01}

Claim keys: ``id``, ``measure``, ``economy`` (ISO3), ``year``, ``value`` (required), ``text``,
``precision``, ``as_of`` (optional). A change of GII rank (``measure: gii_rank_change``) gives
``from`` and ``to`` (editions) instead of ``year``, and as ``value`` the change, rank in ``to``
minus rank in ``from`` (negative = rose): "rose from 14th in 2019 to 12th in 2023" is
``{measure: gii_rank_change, from: 2019, to: 2023, value: -2}``. Any other key, a duplicate
id or key, a value that is not a number, a date that is not ``YYYY-MM-DD`` is an
:class:`~innometrics.errors.InputError` naming the file, line, claim and fix.

**Dates.** ``as_of`` at the top applies to every claim, on a claim to that claim alone: the
claim is judged against the figures released on or before that date
(:mod:`innometrics.rnd.vintages`); without one, against the latest. ``vintages`` names release
files (:func:`innometrics.rnd.read_releases`) added to the bundled releases.

**Precision.** A claim is read at the precision it states: half a unit of its last
significant digit. The digits are read from the text as written in the file (PyYAML would
read ``3.3e12`` as a string and ``3.3e+12`` as a float; both are read here as 3.3 × 10¹²,
unit 10¹¹, tolerance ± 0.5 × 10¹¹):

============================  ==========  ==================================================
value as written              unit        rule
============================  ==========  ==================================================
``8.1``                       0.1         digits after the decimal point count
``3.3e12``, ``"3.3e12"``      1e11        mantissa digits, shifted by the exponent
``3300000000000``             1e11        trailing zeros of a whole number do not count
``3300000000000.0``           0.1         a decimal point makes every digit count
``12`` (gii_rank)             exact       ranks and counts are compared exactly
============================  ==========  ==================================================

``precision: 1e10`` overrides the unit (tolerance ± half of it; ``precision: 0`` = exact).
A float given in a Python mapping is read through its shortest repr (``3.3e12`` → 3.3 × 10¹²).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..rnd.vintages import parse_date
from ..yaml_io import compose_yaml

__all__ = ["Claim", "ClaimsFile", "load_claims", "stated_unit", "CLAIM_KEYS", "TOP_KEYS",
           "REQUIRED_KEYS"]

#: Keys a claim may have, and those it must have.
CLAIM_KEYS = ("id", "measure", "economy", "year", "value", "text", "precision", "as_of",
              "from", "to")
REQUIRED_KEYS = ("id", "measure", "economy", "year", "value")
#: Keys of the file's top level.
TOP_KEYS = ("title", "as_of", "vintages", "clusters_run", "claims")
_NUMBER = re.compile(r"^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Claim:
    """One claim as stated.

    Attributes
    ----------
    id, measure, economy : str
    year : int
    value : float
    stated : str
        The value as written (its digits give the precision).
    unit : float
        Unit of the last significant digit (0 = exact); the tolerance is ``unit / 2``.
    text : str
    line : int or None
        Line of the claim in its file.
    as_of : str or None
        Date the claim was made (YYYY-MM-DD: its own, else the file's), or ``None``.
    from_year : int or None
        ``gii_rank_change`` only: the edition the change is counted from (``year`` is the
        edition it is counted to).
    """

    id: str
    measure: str
    economy: str
    year: int
    value: float
    stated: str
    unit: float
    text: str = ""
    line: int | None = None
    explicit_precision: bool = False
    as_of: str | None = None
    from_year: int | None = None  # gii_rank_change: the earlier edition (``year`` = ``to``)

    @property
    def tolerance(self) -> float:
        return self.unit / 2.0


@dataclass(frozen=True)
class ClaimsFile:
    """Claims read from a file or mapping: ``source`` names it in messages, ``folder`` is
    where relative paths (``clusters_run``, ``vintages``) start."""

    claims: tuple[Claim, ...]
    source: str
    folder: Path
    title: str = ""
    clusters_run: Path | None = None
    path: Path | None = None
    as_of: str | None = None
    vintages: tuple[Path, ...] = ()

    def where(self, claim: Claim) -> str:
        """File, line and claim id, for messages."""
        line = f", line {claim.line}" if claim.line is not None else ""
        return f"{self.source}{line}, claim '{claim.id}'"


def stated_unit(stated: str) -> float:
    """Unit of the last significant digit of a number written as ``stated``.

    Examples
    --------
    >>> stated_unit("8.1"), stated_unit("3.3e12"), stated_unit("3300000000000")
    (0.1, 100000000000.0, 100000000000.0)
    >>> stated_unit("221.2e9"), stated_unit("12"), stated_unit("3300000000000.0")
    (100000000.0, 1.0, 0.1)
    """
    text = stated.strip().lower().replace("_", "").lstrip("+-")
    mantissa, _, exponent = text.partition("e")
    shift = int(exponent) if exponent else 0
    if "." in mantissa:
        return float(Decimal(1).scaleb(shift - len(mantissa.split(".")[1])))
    digits = mantissa.lstrip("0")
    zeros = len(digits) - len(digits.rstrip("0")) if digits else 0
    return float(Decimal(1).scaleb(shift + zeros))


def _stated(value: Any) -> str | None:
    """A claim value as text (``None`` if it is not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e300 else repr(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None


class _Reader:
    """Walks a YAML node tree (or a mapping), keeping lines for messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def where(self, line: int | None, claim: str | None = None) -> str:
        place = [self.source]
        if line is not None:
            place.append(f"line {line}")
        if claim is not None:
            place.append(f"claim '{claim}'")
        return ", ".join(place)

    def fail(self, line: int | None, problem: str, fix: str, claim: str | None = None):
        raise InputError(self.where(line, claim), problem, fix)


def _node_to_plain(node: yaml.Node, reader: _Reader) -> Any:
    """A YAML node as (value, line) trees: mappings → dict of key → (value, line), sequences →
    list of (value, line), scalars → their text (tagged strings stay text)."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, tuple[Any, int]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                reader.fail(key_node.start_mark.line + 1, "a key is not a plain name",
                            "write keys as names")
            key = key_node.value  # written once: compose_yaml refuses a repeated key
            out[key] = (_node_to_plain(value_node, reader), key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [(_node_to_plain(item, reader), item.start_mark.line + 1) for item in node.value]
    return _Scalar(node.value, line)


@dataclass(frozen=True)
class _Scalar:
    text: str
    line: int


def _from_mapping(data: Any) -> Any:
    """A Python mapping in the (value, line) layout of :func:`_node_to_plain`."""
    if isinstance(data, Mapping):
        return {str(k): (_from_mapping(v), None) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [(_from_mapping(v), None) for v in data]
    return data


def load_claims(path_or_mapping: str | os.PathLike | Mapping) -> ClaimsFile:
    """Read and validate a claims file (YAML) or an equivalent mapping.

    Parameters
    ----------
    path_or_mapping : path-like or mapping
        A YAML file, or ``{"claims": [{...}, ...], "clusters_run": ...}``.

    Returns
    -------
    ClaimsFile
    """
    if isinstance(path_or_mapping, Mapping):
        reader, folder, path = _Reader("claims"), Path.cwd(), None
        tree = _from_mapping(path_or_mapping)
    else:
        path = Path(path_or_mapping)
        reader, folder = _Reader(path.name), path.parent
        node = compose_yaml(path, what="claims file", source=path.name,
                            example="a claim per line: '- {id: ..., value: ...}'")
        if node is None:
            reader.fail(None, "the file is empty", "list claims under 'claims:'")
        tree = _node_to_plain(node, reader)
    if not isinstance(tree, dict):
        reader.fail(1, "the file is not a mapping", "start with 'claims:'")
    unknown = [k for k in tree if k not in TOP_KEYS]
    if unknown:
        reader.fail(tree[unknown[0]][1], f"unknown key '{unknown[0]}'",
                    f"use only {', '.join(TOP_KEYS)}")
    if "claims" not in tree:
        reader.fail(None, "no 'claims' list", "list claims under 'claims:'")
    items, line = tree["claims"]
    if not isinstance(items, list) or not items:
        reader.fail(line, "'claims' is not a non-empty list", "write 'claims:' then one "
                    "'- {id: ..., measure: ..., ...}' per claim")
    as_of = _date_of(tree.get("as_of"), reader, None)
    claims, seen = [], {}
    for index, (item, item_line) in enumerate(items, 1):
        claim = _claim(item, item_line, index, reader, as_of)
        if claim.id in seen:
            reader.fail(claim.line, f"duplicate id '{claim.id}' (first on line "
                        f"{seen[claim.id]})" if seen[claim.id] else f"duplicate id "
                        f"'{claim.id}'", "give every claim its own id", claim.id)
        seen[claim.id] = claim.line
        claims.append(claim)
    title = _text_of(tree.get("title"), "title", reader, None)
    run = _text_of(tree.get("clusters_run"), "clusters_run", reader, None)
    return ClaimsFile(claims=tuple(claims), source=reader.source, folder=folder, title=title,
                      clusters_run=(folder / run) if run else None, path=path, as_of=as_of,
                      vintages=_vintage_files(tree.get("vintages"), reader, folder))


def _date_of(entry: tuple[Any, int | None] | None, reader: _Reader,
             claim: str | None) -> str | None:
    """An ``as_of`` date as YYYY-MM-DD (a YAML date is read from its text)."""
    if entry is None:
        return None
    value, line = entry
    text = value.text if isinstance(value, _Scalar) else value
    try:
        if isinstance(text, bool | int | float):
            raise ValueError
        return parse_date(text)
    except ValueError:
        reader.fail(line, f"as_of '{text}' is not a date", "write the date the claim was "
                    "made as YYYY-MM-DD, e.g. as_of: 2024-04-25", claim)
    return None  # unreachable


def _vintage_files(entry: tuple[Any, int | None] | None, reader: _Reader,
                   folder: Path) -> tuple[Path, ...]:
    """The release files named by ``vintages`` (one path or a list), relative to ``folder``."""
    if entry is None:
        return ()
    value, line = entry
    items = value if isinstance(value, list) else [(value, line)]
    paths = []
    for item in items:
        text = _text_of(item, "vintages", reader, None).strip()
        if not text:
            reader.fail(item[1], "an empty 'vintages' entry", "name a release file (CSV), "
                        "e.g. vintages: releases.csv")
        path = folder / text
        if not path.is_file():
            reader.fail(item[1], f"vintages file '{text}' not found (looked in {folder})",
                        "give a release file's path relative to the claims file")
        paths.append(path)
    return tuple(paths)


def _text_of(entry: tuple[Any, int | None] | None, key: str, reader: _Reader,
             claim: str | None) -> str:
    if entry is None:
        return ""
    value, line = entry
    if isinstance(value, _Scalar):
        return value.text
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    reader.fail(line, f"'{key}' is not a text", f"write {key}: followed by text", claim)
    return ""  # unreachable


def _claim(item: Any, line: int | None, index: int, reader: _Reader,
           as_of: str | None) -> Claim:
    if not isinstance(item, dict):
        reader.fail(line, f"claim {index} is not a mapping", "write "
                    "'- {id: ..., measure: ..., economy: ..., year: ..., value: ...}'")
    name = _text_of(item.get("id"), "id", reader, None).strip() or None
    label = name or f"#{index}"
    unknown = [k for k in item if k not in CLAIM_KEYS]
    if unknown:
        reader.fail(item[unknown[0]][1], f"unknown key '{unknown[0]}'",
                    f"use only {', '.join(CLAIM_KEYS)}", label)
    change = ("measure" in item and _text_of(item["measure"], "measure", reader,
                                             label).strip() == _CHANGE)
    required = ([k for k in REQUIRED_KEYS if k != "year"] + ["from", "to"] if change
                else REQUIRED_KEYS)
    missing = [k for k in required if k not in item]
    if missing:
        reader.fail(line, f"missing key(s) {', '.join(missing)}",
                    f"give every {'gii_rank_change ' if change else ''}claim "
                    f"{', '.join(required)}", label)
    if not change:
        for key in ("from", "to"):
            if key in item:
                reader.fail(item[key][1], f"'{key}' applies to measure {_CHANGE} only",
                            "give the edition as 'year', or use measure gii_rank_change",
                            label)
    if name is None:
        reader.fail(item["id"][1], "empty id", "give the claim an id", label)
    measure = _text_of(item["measure"], "measure", reader, label).strip()
    economy = _text_of(item["economy"], "economy", reader, label).strip()
    years = {key: _year_of(item[key], key, reader, label)
             for key in (("from", "to") if change else ("year",))}
    from_year = years.get("from")
    year = years.get("to", years.get("year"))
    if change:
        if "year" in item and _year_of(item["year"], "year", reader, label) != year:
            reader.fail(item["year"][1], "'year' differs from 'to'", "leave 'year' out of a "
                        "gii_rank_change claim (its edition is 'to')", label)
        if not from_year < year:
            reader.fail(item["from"][1], f"from {from_year} is not before to {year}",
                        "give the earlier edition as 'from' and the later as 'to'", label)
    stated, value = _number(item["value"], "value", reader, label, measure)
    text = _text_of(item.get("text"), "text", reader, label)
    explicit = "precision" in item
    if explicit:
        _, unit = _number(item["precision"], "precision", reader, label, measure)
        if unit < 0:
            reader.fail(item["precision"][1], "precision is negative", "give the unit of "
                        "the last stated digit, e.g. 0.1 (0 = exact)", label)
    elif measure in ("gii_rank", "clusters_in_top100", _CHANGE):
        unit = 0.0
    else:
        unit = stated_unit(stated)
    if measure in ("gii_rank", "clusters_in_top100", _CHANGE) and not float(value).is_integer():
        reader.fail(item["value"][1], f"{measure} value '{stated}' is not a whole number",
                    "give the rank or count as a whole number", label)
    own = _date_of(item.get("as_of"), reader, label)
    return Claim(id=name, measure=measure, economy=economy, year=year, value=value,
                 stated=stated, unit=unit, text=text, line=line, explicit_precision=explicit,
                 as_of=own or as_of, from_year=from_year)


def _year_of(entry: tuple[Any, int | None], key: str, reader: _Reader, claim: str) -> int:
    text = _text_of(entry, key, reader, claim).strip()
    if not re.fullmatch(r"\d{4}", text):
        reader.fail(entry[1], f"{key} '{text}' is not a year",
                    "write the year as four digits, e.g. 2023", claim)
    return int(text)


def _number(entry: tuple[Any, int | None], key: str, reader: _Reader, claim: str,
            measure: str) -> tuple[str, float]:
    raw, line = entry
    stated = _stated(raw.text if isinstance(raw, _Scalar) else raw)
    if stated is None or not _NUMBER.match(stated):
        shown = raw.text if isinstance(raw, _Scalar) else raw
        hint = (" without the % sign (percent is implied)" if isinstance(shown, str)
                and shown.strip().endswith("%") else
                " in units, not words (3.3 trillion → 3.3e12)")
        reader.fail(line, f"{key} '{shown}' is not a number", f"write the {key} as a "
                    f"number{hint}", claim)
    try:
        value = float(Decimal(stated.replace("_", "")))
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        reader.fail(line, f"{key} '{stated}' is not a number", "write a number", claim)
    if not math.isfinite(value):
        reader.fail(line, f"{key} '{stated}' is not finite", "write a finite number", claim)
    if key == "value" and measure in _WHOLE and value < _WHOLE[measure]:
        reader.fail(line, f"a {measure} of {stated} is impossible", f"write a whole number "
                    f"from {_WHOLE[measure]}", claim)
    if key == "value" and measure in _NON_NEGATIVE and value < 0:
        reader.fail(line, f"a {measure} of {stated} is impossible", "write a value of zero or "
                    "more (growth rates may be negative)", claim)
    return stated, value


#: The measure of a change of GII rank between two editions (``from``, ``to``).
_CHANGE = "gii_rank_change"
#: Measures whose value is a whole number from the given minimum (ranks, counts).
_WHOLE = {"gii_rank": 1, "clusters_in_top100": 0}
#: Measures that cannot be negative (amounts, shares, scores).
_NON_NEGATIVE = ("gerd", "basic_research", "gerd_ppp", "gerd_intensity", "basic_research_share",
                 "gii_score")
