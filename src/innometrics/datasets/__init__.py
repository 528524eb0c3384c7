"""Bundled data sets, each with a SOURCE.md beside it.

- ``gii_panel``: WIPO's published GII and pillar scores, editions 2011-2022 (CC BY 4.0 WIPO).
- ``gii_2023``: WIPO's GII 2023 data workbook (every indicator's value, every published score,
  rank and flag; CC BY 4.0 WIPO), read by :func:`gii_workbook`; the GII is rebuilt from it at
  indicator level by :func:`innometrics.gii.import_gii` (:func:`gii_recipe`).
- ``gii_<edition>`` with a ``scores.csv`` (uCode, uName, score, optionally rank): published
  scores of another edition for :func:`gii_published`.
- ``oecd_rnd``: OECD MSTI R&D series via the STI Scoreboard, SDMX-ML 3.0 (cite the OECD).
- ``ncses_rnd``: NCSES Science & Engineering Indicators R&D tables (cite NCSES and the OECD).
- ``nbs_rnd``: China's R&D figures by release (preliminary and final), with their dates: the
  statistical vintages the claim checker judges dated claims against (cite NBS).
- ``claims``: example claims files for ``innometrics check``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from .._params import one_of

__all__ = ["GII_EDITIONS", "GII_WORKBOOK_EDITIONS", "OECD_RND_FILES", "NCSES_RND_FILES",
           "claims_example_path", "gii_bundle_dir", "gii_editions", "gii_published",
           "gii_recipe", "gii_recipe_path", "gii_workbook", "gii_workbook_dir",
           "load_gii_panel", "load_ncses_rnd", "load_oecd_rnd", "load_rnd", "oecd_rnd_dir",
           "RND_RELEASE_FILES", "rnd_release_paths"]

#: Editions in the bundled GII panel.
GII_EDITIONS = tuple(range(2011, 2023))
#: Editions whose whole data workbook is bundled (``gii_<edition>/``).
GII_WORKBOOK_EDITIONS = (2023,)


#: The OECD R&D files bundled in ``oecd_rnd/`` (one variable each).
OECD_RND_FILES = ("G_NC_V8.txt", "G_PPP_V8.txt", "G_XGDP_V8.txt", "G_BRXG_V8.txt",
                  "G_BRXGDP_V8.txt")
#: The NCSES tables bundled in ``ncses_rnd/``.
NCSES_RND_FILES = ("ncses_10978.csv", "ncses_10946.csv", "ncses_6307_gerd_by_type_wide.csv")
#: Release files (one row per figure and release, with its date), relative to this package.
RND_RELEASE_FILES = ("nbs_rnd/china_rd_releases.csv",)

#: Known transcription errors in the compiled GII panel, corrected in :func:`gii_published`:
#: (edition, uCode) → WIPO's published score. Malaysia 2018: the panel lists 43.0; its pillar
#: scores recompose to 43.155 and WIPO's GII 2018 report gives 43.16 (rank 35).
GII_ERRATA = {(2018, "MYS"): 43.16}


def _here() -> Path:
    return Path(str(resources.files(__package__)))


def _gii_dir() -> Path:
    return _here() / "gii_panel"


def gii_recipe_path(edition: int) -> Path:
    """Path of the bundled recipe that recomposes GII ``edition`` from its pillar scores."""
    if edition not in GII_EDITIONS:
        raise ValueError(one_of("edition", GII_EDITIONS, edition, owner="gii_recipe_path"))
    return _gii_dir() / "data" / f"gii_{edition}.yaml"


def load_gii_panel() -> pd.DataFrame:
    """WIPO's published GII and pillar scores, one row per economy and edition.

    Columns: uCode (ISO3), uName, edition, IN.1 ... IN.5, OUT.6, OUT.7 (pillar scores),
    GII_published, Income (World Bank income group).
    """
    return pd.read_csv(_gii_dir() / "gii_panel_2011_2022.csv")


def gii_workbook_dir(edition: int) -> Path:
    """Folder of a bundled GII data workbook (:data:`GII_WORKBOOK_EDITIONS`)."""
    if edition not in GII_WORKBOOK_EDITIONS:
        raise ValueError(one_of("edition", GII_WORKBOOK_EDITIONS, edition,
                                owner="gii_workbook"))
    return _here() / f"gii_{int(edition)}"


def gii_workbook(edition: int = 2023):
    """WIPO's GII data workbook of ``edition``, as bundled (a
    :class:`~innometrics.gii.workbook.Workbook`)."""
    from ..gii.workbook import read_workbook_tables

    return read_workbook_tables(gii_workbook_dir(edition))


def gii_recipe(edition: int):
    """The recipe whose Monte Carlo tells how robust GII ``edition``'s ranks are: for the panel
    editions the pillar-level recomposition (:func:`gii_recipe_path`), for a bundled workbook
    the indicator-level rebuild with the JRC audit's design
    (:func:`innometrics.gii.robustness.with_jrc_design`)."""
    from ..recipe import load_recipe

    if edition in GII_EDITIONS:
        return load_recipe(gii_recipe_path(edition))
    from ..gii import import_gii
    from ..gii.robustness import with_jrc_design

    return with_jrc_design(import_gii(gii_workbook(edition)).result.recipe)


def gii_bundle_dir(edition: int) -> Path | None:
    """Folder ``gii_<edition>/`` of a separately bundled GII edition holding a ``scores.csv``,
    or ``None``."""
    folder = _here() / f"gii_{int(edition)}"
    return folder if (folder / "scores.csv").is_file() else None


def gii_editions() -> tuple[int, ...]:
    """GII editions whose published scores are bundled: the panel's and any ``gii_<edition>``
    bundle with a ``scores.csv``."""
    extra = sorted(int(p.name[4:]) for p in _here().glob("gii_[0-9][0-9][0-9][0-9]")
                   if gii_bundle_dir(int(p.name[4:])) is not None)
    return tuple(sorted(set(GII_EDITIONS) | set(GII_WORKBOOK_EDITIONS) | set(extra)))


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
    from ..ranking import rank_min

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


def oecd_rnd_dir() -> Path:
    """Folder of the bundled OECD R&D files (:data:`OECD_RND_FILES`)."""
    return _here() / "oecd_rnd"


def load_oecd_rnd(*, latest: str = "drop") -> pd.DataFrame:
    """The bundled OECD R&D series as one tidy table (see :mod:`innometrics.rnd`).

    ``latest="keep"`` also keeps the OECD's "latest available year" rows (``year`` <NA>).
    """
    from ..rnd.sdmx import combine, read_sdmx

    return combine([read_sdmx(oecd_rnd_dir() / name, latest=latest) for name in OECD_RND_FILES],
                   names=OECD_RND_FILES)


def rnd_release_paths() -> list[Path]:
    """Paths of the bundled release files (:data:`RND_RELEASE_FILES`), read by
    :func:`innometrics.rnd.read_releases`."""
    return [_here() / name for name in RND_RELEASE_FILES]


def load_ncses_rnd() -> pd.DataFrame:
    """The bundled NCSES R&D tables as one tidy table (PPP dollars in millions)."""
    from ..rnd.ncses import read_ncses
    from ..rnd.sdmx import combine

    folder = _here() / "ncses_rnd"
    return combine([read_ncses(folder / name) for name in NCSES_RND_FILES],
                   names=NCSES_RND_FILES)


def load_rnd() -> pd.DataFrame:
    """OECD and NCSES R&D data in one tidy table (the OECD's first where both have a value:
    measures prefer sources in the order OECD, NCSES)."""
    from ..rnd.sdmx import combine

    return combine([load_oecd_rnd(), load_ncses_rnd()])


def claims_example_path(name: str = "press_report_2023") -> Path:
    """Path of a bundled claims file, e.g. ``press_report_2023`` (the press report's claims
    on China's R&D, GII rank and S&T clusters)."""
    path = _here() / "claims" / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (_here() / "claims").glob("*.yaml"))
        raise ValueError(one_of("name", known, name, owner="claims_example_path"))
    return path
