"""Result tables in the run store's long form: one row per cell (``run_cells``), with each
table's column names and types (``run_tables``); see :mod:`innometrics.store`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["encode_table", "decode_table"]


def _column_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    return "num" if pd.api.types.is_numeric_dtype(series) else "text"


def encode_table(frame: pd.DataFrame, name: str) -> tuple[list[list[str]], Any]:
    """Table ``name`` in long form, one row per cell (an Arrow table, which every DuckDB
    version scans), and its column names and types."""
    import pyarrow as pa

    n, names = len(frame), [str(c) for c in frame.columns]
    types = [_column_type(frame[c]) for c in frame.columns]

    def text(values: pd.Series) -> list:
        return [None if pd.isna(v) else str(v) for v in values]

    key = text(frame.iloc[:, 0]) if names else []
    num, txt = [], []
    for column, kind in zip(frame.columns, types, strict=True):
        values = frame[column]
        if kind == "text":
            num.append(np.full(n, np.nan))
            txt += text(values)
        else:
            num.append(pd.to_numeric(values).astype("Float64").to_numpy(float, na_value=np.nan))
            txt += [None] * n
    cells = pa.table({
        "tbl": pa.array([name] * (n * len(names)), pa.string()),
        "row_no": pa.array(np.tile(np.arange(n, dtype=np.int32), len(names))),
        "key": pa.array(key * len(names), pa.string()),
        "col": pa.array([c for c in names for _ in range(n)], pa.string()),
        "num": pa.array(np.concatenate(num) if num else np.empty(0), pa.float64()),
        "txt": pa.array(txt, pa.string())})
    return [[c, t] for c, t in zip(names, types, strict=True)], cells


def decode_table(cells: pd.DataFrame, n_rows: int, columns: list[list[str]]) -> pd.DataFrame:
    """The table :func:`encode_table` stored, from its cells (``row_no, col, num, txt``):
    ``n_rows`` rows, the columns in order with their types (``Int64``/``boolean`` where a
    value is missing)."""
    out = {}
    rows = pd.RangeIndex(n_rows)
    for name, kind in columns:
        part = cells[cells["col"] == name].set_index("row_no")
        if kind == "text":
            text = part["txt"].reindex(rows)
            out[name] = pd.Series(text.where(text.notna(), None).tolist(), index=rows)
        else:
            values = part["num"].reindex(rows).astype(float)
            missing = values.isna().any()
            out[name] = (values if kind == "num" else values.astype(
                {"int": "Int64" if missing else "int64", "bool": "boolean" if missing
                 else bool}[kind]))
    return pd.DataFrame(out, index=rows)
