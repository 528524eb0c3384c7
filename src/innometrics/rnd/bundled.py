"""The R&D series bundled with innometrics, loaded (:mod:`innometrics.datasets` locates
them): the OECD's MSTI series (SDMX) and NCSES tables, as one tidy table."""

from __future__ import annotations

import pandas as pd

from ..datasets import NCSES_RND_FILES, OECD_RND_FILES, ncses_rnd_dir, oecd_rnd_dir
from .ncses import read_ncses
from .sdmx import combine, read_sdmx

__all__ = ["load_ncses_rnd", "load_oecd_rnd", "load_rnd"]


def load_oecd_rnd(*, latest: str = "drop") -> pd.DataFrame:
    """The bundled OECD R&D series as one tidy table (see :mod:`innometrics.rnd`).

    ``latest="keep"`` also keeps the OECD's "latest available year" rows (``year`` <NA>).
    """
    return combine([read_sdmx(oecd_rnd_dir() / name, latest=latest) for name in OECD_RND_FILES],
                   names=OECD_RND_FILES)


def load_ncses_rnd() -> pd.DataFrame:
    """The bundled NCSES R&D tables as one tidy table (PPP dollars in millions)."""
    folder = ncses_rnd_dir()
    return combine([read_ncses(folder / name) for name in NCSES_RND_FILES],
                   names=NCSES_RND_FILES)


def load_rnd() -> pd.DataFrame:
    """OECD and NCSES R&D data in one tidy table (the OECD's first where both have a value:
    measures prefer sources in the order OECD, NCSES)."""
    return combine([load_oecd_rnd(), load_ncses_rnd()])
