"""Panels (COINr's purses): a dataset with several times, built one index per time.

A panel is a :class:`~innometrics.data.Dataset` whose rows are ``(uCode, Time)`` pairs
(``Dataset.times``). One recipe builds every time; the steps that look across time (panel
imputation, normalisation fitted across times or on a reference time) see the whole panel, the
others run on each time alone (see :func:`innometrics.pipeline.run_panel_steps`). A framework
changes between times only by leaving indicators missing: an indicator with no data at one
time is missing for every unit there, and the aggregation skips it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .data import Dataset

__all__ = ["panel_times", "same_time", "slice_time", "time_values"]


def panel_times(data: Dataset) -> list[str]:
    """A panel's times, in increasing numeric order (as written in the data)."""
    return sorted(set(data.times), key=float)


def time_values(times: list[str]) -> np.ndarray:
    """Times as numbers (the time spans of trends and interpolation)."""
    return np.array([float(t) for t in times], dtype=np.float64)


def same_time(time: str, asked: object) -> bool:
    """Whether ``asked`` names the panel time ``time`` (``2022``, ``"2022"``, ``2022.0``)."""
    if str(time) == str(asked):
        return True
    try:
        return float(time) == float(asked)
    except (TypeError, ValueError):
        return False


def slice_time(data: Dataset, time: str) -> Dataset:
    """The rows of one time of a panel, as a single-edition dataset (file order kept)."""
    rows = np.flatnonzero(np.array(data.times, dtype=object) == time)
    units = tuple(data.units[i] for i in rows)

    def frame_rows(frame):
        return frame.iloc[rows].set_axis(list(units)).rename_axis("uCode")

    return replace(data, units=units, names=tuple(data.names[i] for i in rows),
                   values=data.values[rows], groups=frame_rows(data.groups),
                   denominators=frame_rows(data.denominators), others=frame_rows(data.others),
                   time=time, times=())
