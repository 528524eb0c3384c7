"""Strict readers for SDMX data files: SDMX-ML structure-specific data (2.1 and 3.0) and
SDMX-CSV (1.0 and 2.0), into one tidy table.

The reader knows each file's *structure* (:class:`Structure`: which dimension holds the economy,
which the variable, which attributes may appear and the unit of every variable). It refuses,
with an :class:`~innometrics.errors.InputError` naming the file, the place and the fix:

- XML that is not well formed (a truncated download) or a root that is not a structure-specific
  data message; a CSV whose header is not SDMX-CSV;
- a data structure it does not know (pass ``structure=`` to describe another one);
- a series or observation without a dimension, ``TIME_PERIOD`` or ``OBS_VALUE``; an attribute
  or column the structure does not declare; a variable without a known unit;
- an ``OBS_VALUE`` that is not a decimal number (``NaN`` included: a missing observation is
  left out of a file, not written as ``NaN``); a period that is not a year;
- the same observation (economy, variable, period) twice.

``TIME_PERIOD="2999"`` is the OECD's "latest available year" (a copy of the last yearly value).
It is never mixed into the yearly series: by default (``latest="drop"``) those rows are
validated and left out; with ``latest="keep"`` they are kept with ``year`` = <NA> and
``latest`` = True.

Why not ``sdmx1``? It reads these OECD files only after rewriting them: even with a data
structure definition it stops at the OECD's namespace-qualified ``<ns1:Series>`` elements
(``NotImplementedError``), and once they are rewritten it accepts a missing ``OBS_VALUE``
(NaN), a missing dimension (empty key) and duplicate observations without a word. The checks
above would have to be written anyway; the layout itself is a few attributes per element.
"""

from __future__ import annotations

import csv
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._params import Options, check_params
from ..errors import InputError
from ..io import check_unique_header

__all__ = ["Structure", "OECD_SBRD", "STRUCTURES", "TIDY_COLUMNS", "LATEST_PERIOD",
           "read_sdmx", "read_sdmx_ml", "read_sdmx_csv", "combine"]

#: Columns of the tidy table, in order (``status`` and ``latest`` follow them).
TIDY_COLUMNS = ["economy", "year", "variable", "value", "unit", "source"]
_COLUMNS = [*TIDY_COLUMNS, "status", "latest"]
#: The OECD's code for "latest available year".
LATEST_PERIOD = "2999"

_MESSAGE_NS = {"http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message": "2.1",
               "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message": "3.0"}
_ROOTS = ("StructureSpecificData", "StructureSpecificTimeSeriesData")
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_URN = re.compile(r"(DataStructure|Dataflow)=([^:=\s]+):([^(\s]+)\(([^)]*)\)")
_REF = re.compile(r"^([^:\s]+):([^(\s]+)\(([^)]*)\)")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_YEAR = re.compile(r"^(\d{4})(-A1)?$")
_OPTIONS = {"latest": [Options({"drop", "keep"})]}


@dataclass(frozen=True)
class Structure:
    """What a reader needs to know of an SDMX data structure (a minimal DSD).

    Parameters
    ----------
    agency, id : str
        The data structure's maintainer and ID, e.g. ``"OECD.STI.STP"``, ``"DSD_SBRD"``.
    label : str
        Name of the source in the tidy table's ``source`` column (the version is appended).
    units : mapping of str to str
        Unit of every variable the reader accepts (the ``variable`` dimension's codes).
    economy, variable, time, measure : str
        Component IDs of the economy and variable dimensions, the time dimension and the
        primary measure.
    status : tuple of str
        Attributes whose values form the ``status`` column (joined by ``;``).
    attributes : tuple of str
        Other attributes that may appear (accepted, not kept).
    dataflows : tuple of str
        IDs of dataflows that use this structure (SDMX-CSV 1.0 names a dataflow).
    """

    agency: str
    id: str
    label: str
    units: Mapping[str, str]
    economy: str = "LOCATION"
    variable: str = "VAR"
    time: str = "TIME_PERIOD"
    measure: str = "OBS_VALUE"
    status: tuple[str, ...] = ("OBS_STATUS", "OBS_STATUS_2", "OBS_STATUS_3")
    attributes: tuple[str, ...] = ()
    dataflows: tuple[str, ...] = field(default_factory=tuple)

    @property
    def code(self) -> str:
        return f"{self.agency}:{self.id}"

    @property
    def dimensions(self) -> tuple[str, str, str]:
        return (self.economy, self.variable, self.time)

    def known(self, name: str) -> bool:
        """Whether ``name`` is a component of this structure."""
        return name in (*self.dimensions, self.measure, *self.status, *self.attributes)


#: The OECD STI Scoreboard's structure (dataflow OECD.STI.STP:DSD_SBRD), R&D variables.
OECD_SBRD = Structure(
    agency="OECD.STI.STP", id="DSD_SBRD", label="OECD MSTI via STI Scoreboard",
    units={"G_NC": "national currency, millions",
           "G_PPP": "US dollars, current PPP, millions",
           "G_XGDP": "% of GDP",
           "G_BRXG": "% of GERD",
           "G_BRXGDP": "% of GDP"},
    attributes=("AUX_OBS_STATUS", "AUX_OBS_STATUS_2"),
    dataflows=("DSD_SBRD",),
)

#: Structures the readers recognise without ``structure=``.
STRUCTURES: tuple[Structure, ...] = (OECD_SBRD,)


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _resolve(refs: set[tuple[str, str, str, str]], structure: Structure | None,
             name: str) -> tuple[Structure, str]:
    """The structure a file refers to (``refs``: (kind, agency, id, version) with kind
    "DataStructure" or "Dataflow"), and the version it names."""
    dsds = {(a, i, v) for k, a, i, v in refs if k == "DataStructure"}
    flows = {(a, i, v) for k, a, i, v in refs if k == "Dataflow"}
    if not dsds and not flows:
        raise InputError(name, "the file does not name its data structure",
                         "export it with its structure reference (SDMX-ML header or namespace; "
                         "SDMX-CSV first column)")
    if len({(a, i) for a, i, _ in dsds}) > 1:
        named = ", ".join(sorted({f"{a}:{i}" for a, i, _ in dsds}))
        raise InputError(name, f"the file names more than one data structure ({named})",
                         "give one data structure per file")
    candidates = [structure] if structure is not None else list(STRUCTURES)
    for cand in candidates:
        hits = ([v for a, i, v in dsds if (a, i) == (cand.agency, cand.id)] if dsds else
                [v for a, i, v in flows if a == cand.agency and i in cand.dataflows])
        if hits:
            return cand, hits[0]
    named = ", ".join(sorted({f"{a}:{i}" for a, i, _ in (dsds or flows)}))
    known = ", ".join(c.code for c in candidates)
    raise InputError(name, f"unknown data structure {named}",
                     f"read files of {known}, or pass structure=Structure(...) describing it")


@dataclass
class _Rows:
    """Observations being collected, with their places for duplicate messages."""

    name: str
    structure: Structure
    source: str
    rows: list[tuple] = field(default_factory=list)
    seen: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def add(self, values: Mapping[str, str], place: str, *, row: int | None = None) -> None:
        st, name = self.structure, self.name
        for dim in (*st.dimensions, st.measure):
            if not values.get(dim, "").strip():
                raise InputError(name, f"{place}: no {dim}",
                                 f"give every observation its {', '.join(st.dimensions)} and "
                                 f"{st.measure}", row=row, column=dim if row else None)
        economy, variable = values[st.economy].strip(), values[st.variable].strip()
        period, text = values[st.time].strip(), values[st.measure].strip()
        if variable not in st.units:
            raise InputError(name, f"{place}: {st.variable} '{variable}' has no known unit",
                             f"keep variables {', '.join(st.units)}, or add it to "
                             "Structure.units", row=row, column=st.variable if row else None)
        if not _NUMBER.match(text):
            raise InputError(name, f"{place}: {st.measure} '{text}' is not a number",
                             "write a decimal number (leave a missing observation out)",
                             row=row, column=st.measure if row else None)
        year = _YEAR.match(period)
        if not year:
            raise InputError(name, f"{place}: {st.time} '{period}' is not a year",
                             "keep annual data (YYYY)", row=row, column=st.time if row else None)
        key = (economy, variable, year.group(1))
        if key in self.seen:
            raise InputError(name, f"{place}: duplicate observation {st.economy}={economy} "
                             f"{st.variable}={variable} {st.time}={year.group(1)} (first at "
                             f"{self.seen[key]})", "keep one observation per key",
                             row=row, column=st.time if row else None)
        self.seen[key] = place
        status = ";".join(values[a].strip() for a in st.status if values.get(a, "").strip())
        self.rows.append((economy, year.group(1), variable, float(text), st.units[variable],
                          self.source, status))

    def frame(self, latest: str) -> pd.DataFrame:
        table = pd.DataFrame(self.rows, columns=[c for c in _COLUMNS if c != "latest"])
        table["latest"] = table["year"] == LATEST_PERIOD
        if latest == "drop":
            table = table[~table["latest"]]
        table["year"] = pd.array([None if p == LATEST_PERIOD else int(p) for p in table["year"]],
                                 dtype="Int64")
        return (table.sort_values(["variable", "economy", "latest", "year"], kind="stable")
                .reset_index(drop=True)[_COLUMNS])


def _parse_xml(path: Path, name: str) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(name, f"not well-formed XML ({exc})",
                         "download or export the file again: it may be truncated") from None


def read_sdmx_ml(path: str | os.PathLike, *, structure: Structure | None = None,
                 latest: str = "drop", source: str | None = None) -> pd.DataFrame:
    """Read an SDMX-ML structure-specific data message (2.1 or 3.0) into the tidy table.

    Parameters
    ----------
    path : path-like
    structure : Structure, optional
        The file's structure; default: the one among :data:`STRUCTURES` the file names.
    latest : {"drop", "keep"}, default="drop"
        What to do with ``TIME_PERIOD="2999"`` ("latest available year") observations:
        leave them out, or keep them with ``year`` = <NA> and ``latest`` = True.
    source : str, optional
        Name of the file in messages (default: its file name).

    Returns
    -------
    DataFrame
        :data:`TIDY_COLUMNS` then ``status`` and ``latest``; one row per observation.
    """
    check_params("read_sdmx_ml", {"latest": latest}, _OPTIONS)
    path = Path(path)
    name = source or path.name
    if not path.is_file():
        raise InputError(name, "file not found", "check the path")
    root = _parse_xml(path, name)
    ns, local = _local(root.tag)
    if ns not in _MESSAGE_NS or local not in _ROOTS:
        raise InputError(name, f"the root element is <{local}>"
                         f"{f' of {ns}' if ns else ''}, not an SDMX-ML structure-specific data "
                         "message", "export the data as SDMX-ML 2.1/3.0 structure-specific "
                         "data or as SDMX-CSV")
    datasets = [el for el in root if _local(el.tag)[1] == "DataSet"]
    if not datasets:
        raise InputError(name, "the message has no DataSet", "export a message with data")
    refs = _structure_refs(root, datasets)
    structure, version = _resolve(refs, structure, name)
    rows = _Rows(name, structure, f"{structure.label} ({structure.code}({version}))")
    for ds in datasets:
        for s_no, series in enumerate(ds, 1):
            kind = _local(series.tag)[1]
            if kind == "Series":
                key = _components(series, structure, name, f"Series {s_no}")
                where = f"Series {s_no} ({' '.join(f'{k}={v}' for k, v in key.items())})"
                for o_no, obs in enumerate(series, 1):
                    if _local(obs.tag)[1] != "Obs":
                        raise InputError(name, f"{where}: unexpected <{_local(obs.tag)[1]}>",
                                         "keep only Obs elements in a Series")
                    place = f"{where} Obs {o_no}"
                    rows.add({**key, **_components(obs, structure, name, place)}, place)
            elif kind == "Obs":
                place = f"Obs {s_no} of the DataSet"
                rows.add(_components(series, structure, name, place), place)
            else:
                raise InputError(name, f"DataSet element {s_no} is a <{kind}>",
                                 "keep Series and Obs elements only (Group attributes are not "
                                 "supported)")
    return rows.frame(latest)


def _structure_refs(root: ET.Element, datasets: list[ET.Element]) -> set[tuple]:
    """(kind, agency, id, version) of every structure the message names: in the namespaces of
    its DataSet and first Series, in the header's ``namespace`` attributes, URNs and ``Ref``
    elements."""
    header = [el for el in root if _local(el.tag)[1] == "Header"]
    texts = [el.tag for ds in datasets for el in (ds, *list(ds)[:1])]
    refs = set()
    for parent in (el for h in header for el in h.iter()):
        texts.extend(v for k, v in parent.attrib.items() if _local(k)[1] == "namespace")
        if parent.text and "=" in parent.text:
            texts.append(parent.text)
        for child in parent:
            if _local(child.tag)[1] == "Ref" and child.get("id"):
                flow = (child.get("class") == "Dataflow"
                        or _local(parent.tag)[1] == "StructureUsage")
                refs.add(("Dataflow" if flow else "DataStructure", child.get("agencyID", ""),
                          child.get("id", ""), child.get("version", "")))
    return refs | {m.groups() for t in texts for m in _URN.finditer(t)}


def _components(el: ET.Element, structure: Structure, name: str, place: str) -> dict[str, str]:
    out = {}
    for key, value in el.attrib.items():
        ns, local = _local(key)
        if ns == _XSI:
            continue
        if ns or not structure.known(local):
            raise InputError(name, f"{place}: attribute '{local}' is not a component of "
                             f"{structure.code}", "remove it, or describe it in "
                             "Structure.attributes")
        out[local] = value
    return out


def _code_of(label: str) -> str:
    """``"LOCATION: Reference area"`` → ``"LOCATION"`` (SDMX-CSV may label codes)."""
    return label.split(": ", 1)[0].strip()


def read_sdmx_csv(path: str | os.PathLike, *, structure: Structure | None = None,
                  latest: str = "drop", source: str | None = None) -> pd.DataFrame:
    """Read an SDMX-CSV file (1.0: first column ``DATAFLOW``; 2.0: ``STRUCTURE``,
    ``STRUCTURE_ID`` and an optional ``ACTION``) into the tidy table.

    One column per component, one row per observation. Headers and codes written with their
    labels (``LOCATION: Reference area``, ``CHN: China``) are read by their codes. Parameters
    and result as :func:`read_sdmx_ml`; messages give the row as a spreadsheet shows it.
    """
    check_params("read_sdmx_csv", {"latest": latest}, _OPTIONS)
    path = Path(path)
    name = source or path.name
    if not path.is_file():
        raise InputError(name, "file not found", "check the path")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle, strict=True))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(name, f"cannot be read as CSV ({exc})", "save it as UTF-8 SDMX-CSV") \
            from None
    if not lines or not lines[0]:
        raise InputError(name, "the file is empty", "export the data as SDMX-CSV")
    check_unique_header(lines[0], name, same=_code_of,
                        note=" (a column is known by its code, before ': ')")
    header = [_code_of(h) for h in lines[0]]
    if header[0] == "DATAFLOW":
        lead, ref, kind_of = 1, 0, lambda row: "Dataflow"
    elif header[:2] == ["STRUCTURE", "STRUCTURE_ID"]:
        lead, ref = (3 if len(header) > 2 and header[2] == "ACTION" else 2), 1
        kinds = {"datastructure": "DataStructure", "dataflow": "Dataflow"}
        kind_of = lambda row: kinds.get(row[0].strip().lower(), row[0])  # noqa: E731
    else:
        raise InputError(name, f"the first column is '{lines[0][0]}', not DATAFLOW or "
                         "STRUCTURE", "export the data as SDMX-CSV", row=1)
    refs = set()
    for r_no, row in enumerate(lines[1:], 2):
        if row:
            m = _REF.match(row[ref].strip()) if len(row) > ref else None
            if not m:
                shown = row[ref] if len(row) > ref else ""
                raise InputError(name, f"'{shown}' is not a structure reference "
                                 "AGENCY:ID(VERSION)", "write e.g. OECD.STI.STP:DSD_SBRD(1.2)",
                                 row=r_no, column=header[ref])
            refs.add((kind_of(row), *m.groups()))
    structure, version = _resolve(refs, structure, name)
    for column in header[lead:]:
        if not structure.known(column):
            raise InputError(name, f"column '{column}' is not a component of {structure.code}",
                             "remove the column, or describe it in Structure.attributes",
                             row=1, column=column)
    for needed in (*structure.dimensions, structure.measure):
        if needed not in header:
            raise InputError(name, f"no column {needed}", f"give columns "
                             f"{', '.join((*structure.dimensions, structure.measure))}", row=1)
    rows = _Rows(name, structure, f"{structure.label} ({structure.code}({version}))")
    for r_no, row in enumerate(lines[1:], 2):
        if not row:
            continue
        if len(row) != len(header):
            raise InputError(name, f"{len(row)} fields where the header has {len(header)}",
                             "give every row one field per column", row=r_no)
        if lead == 3 and row[2].strip().upper() == "D":
            raise InputError(name, "ACTION 'D' (delete) is not supported", "export the data "
                             "set as it is (ACTION I, A or R)", row=r_no, column="ACTION")
        values = {h: v.split(": ", 1)[0] if h != structure.measure else v
                  for h, v in zip(header[lead:], row[lead:], strict=True)}
        rows.add(values, f"row {r_no}", row=r_no)
    return rows.frame(latest)


def read_sdmx(path: str | os.PathLike, *, structure: Structure | None = None,
              latest: str = "drop", source: str | None = None) -> pd.DataFrame:
    """Read an SDMX-ML or SDMX-CSV file (told apart by its first character: ``<`` is XML).

    See :func:`read_sdmx_ml` and :func:`read_sdmx_csv`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(source or path.name, "file not found", "check the path")
    with open(path, "rb") as handle:
        start = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    reader = read_sdmx_ml if start.startswith(b"<") else read_sdmx_csv
    return reader(path, structure=structure, latest=latest, source=source)


def combine(tables: Iterable[pd.DataFrame], *, names: Sequence[str] | None = None
            ) -> pd.DataFrame:
    """Stack tidy tables; the same (economy, year, variable, source) twice is an error.

    Different sources may hold the same economy, year and variable (e.g. the OECD's and
    NCSES's GERD in PPP dollars): measures pick one by source preference.
    """
    tables = list(tables)
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
    for t in tables:
        missing = [c for c in TIDY_COLUMNS if c not in t.columns]
        if missing:
            raise InputError("tidy table", f"columns {missing} are missing",
                             f"give columns {', '.join(TIDY_COLUMNS)}")
    out = pd.concat([t.assign(**{c: t.get(c, d) for c, d in
                                 (("status", ""), ("latest", False))})[_COLUMNS]
                     for t in tables], ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    key = ["economy", "year", "variable", "source", "latest"]
    dup = out.duplicated(key, keep=False)
    if dup.any():
        first = out[dup].iloc[0]
        where = f" ({', '.join(names)})" if names else ""
        raise InputError(f"combined R&D tables{where}", f"{first['source']} has "
                         f"{first['variable']} for {first['economy']} {first['year']} twice",
                         "read each file once")
    return (out.sort_values(["variable", "economy", "latest", "year", "source"], kind="stable")
            .reset_index(drop=True))
