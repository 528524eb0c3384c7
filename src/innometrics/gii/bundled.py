"""The GII data bundled with innometrics, loaded (:mod:`innometrics.datasets` locates it):
WIPO's 2023 data workbook, published scores and ranks of every bundled edition, and the
recipes whose Monte Carlo tells how robust an edition's ranks are."""

from __future__ import annotations

import pandas as pd

from .._params import one_of
from ..datasets import (
    GII_EDITIONS,
    GII_WORKBOOK_EDITIONS,
    gii_bundle_dir,
    gii_editions,
    gii_recipe_path,
    gii_workbook_dir,
    load_gii_panel,
)
from ..ranking import rank_min
from ..recipe import load_recipe
from .importer import import_gii
from .robustness import with_jrc_design
from .workbook import read_workbook_tables

__all__ = ["GII_ERRATA", "gii_published", "gii_recipe", "gii_workbook"]

#: Known transcription errors in the compiled GII panel, corrected in :func:`gii_published`:
#: (edition, uCode) → WIPO's published score. Malaysia 2018: the panel lists 43.0; its pillar
#: scores recompose to 43.155 and WIPO's GII 2018 report gives 43.16 (rank 35).
GII_ERRATA = {(2018, "MYS"): 43.16}


def gii_workbook(edition: int = 2023):
    """WIPO's GII data workbook of ``edition``, as bundled (a
    :class:`~innometrics.gii.workbook.Workbook`)."""
    return read_workbook_tables(gii_workbook_dir(edition))


def gii_recipe(edition: int):
    """The recipe whose Monte Carlo tells how robust GII ``edition``'s ranks are: for the panel
    editions the pillar-level recomposition (:func:`gii_recipe_path`), for a bundled workbook
    the indicator-level rebuild with the JRC audit's design
    (:func:`innometrics.gii.robustness.with_jrc_design`)."""
    if edition in GII_EDITIONS:
        return load_recipe(gii_recipe_path(edition))
    return with_jrc_design(import_gii(gii_workbook(edition)).result.recipe)


def gii_published(edition: int) -> pd.DataFrame:
    """WIPO's published GII scores and ranks for one edition.

    Returns
    -------
    DataFrame
        ``uCode, uName, score, rank``, best first. A bundled workbook gives WIPO's own score
        and rank of the index. For the panel editions (2011-2022) ``rank`` is WIPO's order by
        published score, ties sharing the best rank (published scores are rounded, so
        economies WIPO separated by unrounded scores may tie here); :data:`GII_ERRATA` are
        applied. A ``gii_<edition>/scores.csv`` bundle gives its own ``rank`` column if it has
        one (WIPO's rank), else the same rule.
    """
    if edition not in gii_editions():
        raise ValueError(one_of("edition", gii_editions(), edition, owner="gii_published",
                                why=f"GII {edition} data not bundled"))
    if edition in GII_WORKBOOK_EDITIONS:
        table = gii_workbook(edition).published_index()
    elif edition in GII_EDITIONS:
        panel = load_gii_panel()
        table = panel.loc[panel["edition"] == edition, ["uCode", "uName", "GII_published"]]
        table = table.rename(columns={"GII_published": "score"}).reset_index(drop=True)
        for (year, code), value in GII_ERRATA.items():
            if year == edition:
                table.loc[table["uCode"] == code, "score"] = value
    else:
        table = pd.read_csv(gii_bundle_dir(edition) / "scores.csv")
        missing = {"uCode", "uName", "score"} - set(table.columns)
        if missing:
            raise ValueError(f"gii_{edition}/scores.csv lacks columns {sorted(missing)}.")
    if "rank" not in table or table["rank"].isna().any():
        table["rank"] = rank_min(table["score"].to_numpy(float)[:, None])[:, 0]
    table["rank"] = table["rank"].astype("int64")
    return (table[["uCode", "uName", "score", "rank"]]
            .sort_values(["rank", "uCode"], ignore_index=True))
