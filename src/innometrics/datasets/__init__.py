"""Bundled data sets, each with a SOURCE.md beside it.

- ``gii_panel``: WIPO's published GII and pillar scores, editions 2011-2022 (CC BY 4.0 WIPO).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

__all__ = ["GII_EDITIONS", "gii_recipe_path", "load_gii_panel"]

#: Editions in the bundled GII panel.
GII_EDITIONS = tuple(range(2011, 2023))


def _gii_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("gii_panel")))


def gii_recipe_path(edition: int) -> Path:
    """Path of the bundled recipe that recomposes GII ``edition`` from its pillar scores."""
    if edition not in GII_EDITIONS:
        raise ValueError(f"'edition' of gii_recipe_path must be one of {GII_EDITIONS[0]}-"
                         f"{GII_EDITIONS[-1]}; got {edition!r}.")
    return _gii_dir() / "data" / f"gii_{edition}.yaml"


def load_gii_panel() -> pd.DataFrame:
    """WIPO's published GII and pillar scores, one row per economy and edition.

    Columns: uCode (ISO3), uName, edition, IN.1 ... IN.5, OUT.6, OUT.7 (pillar scores),
    GII_published, Income (World Bank income group).
    """
    return pd.read_csv(_gii_dir() / "gii_panel_2011_2022.csv")
