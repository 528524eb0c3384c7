"""GII editions 2013-2022 recomposed from WIPO's published pillar scores (bundled data).

Input Sub-Index = mean of pillars 1-5, Output = mean of pillars 6-7, GII = mean of the two.
Published scores are rounded (to 0.1 in most editions), so the recomposed GII must lie within
0.1 of the published one, and must order every pair of economies whose published scores differ
by more than that rounding exactly as WIPO did.
"""

from __future__ import annotations

import numpy as np
import pytest

import innometrics as im
from innometrics.datasets import gii_recipe_path, load_gii_panel

TOLERANCE = 0.1
#: Known transcription errors in the compiled panel, with the evidence. Not tolerance changes:
#: these rows are checked against the corrected published value instead.
ERRATA = {
    # The compiled panel lists Malaysia's GII 2018 as 43.0; its pillar scores recompose to
    # 43.155, and WIPO's GII 2018 report gives 43.16 (rank 35).
    (2018, "MYS"): 43.16,
}


@pytest.fixture(scope="module")
def panel():
    return load_gii_panel()


@pytest.mark.parametrize("edition", range(2013, 2023))
def test_recomposed_gii_matches_published(panel, edition):
    result = im.build(im.load_recipe(gii_recipe_path(edition)))
    published = panel[panel.edition == edition].set_index("uCode")["GII_published"].copy()
    for (year, unit), value in ERRATA.items():
        if year == edition:
            published[unit] = value
    recomposed = result.scores.loc[published.index, "GII"]
    worst = (recomposed - published).abs().idxmax()
    assert (recomposed - published).abs().max() <= TOLERANCE, (
        f"{edition} {worst}: {recomposed[worst]} vs published {published[worst]}")


@pytest.mark.parametrize("edition", range(2013, 2023))
def test_published_order_kept_beyond_rounding(panel, edition):
    result = im.build(im.load_recipe(gii_recipe_path(edition)))
    published = panel[panel.edition == edition].set_index("uCode")["GII_published"]
    ours = result.scores.loc[published.index, "GII"].to_numpy()
    pub = published.to_numpy()
    beyond = (pub[:, None] - pub[None, :]) > TOLERANCE + 1e-9  # WIPO ranks i above j
    assert not np.any(beyond & (ours[:, None] <= ours[None, :]))
    # where an economy's published score is clear of every other's, its rank is WIPO's
    gap = np.abs(pub[:, None] - pub[None, :])
    np.fill_diagonal(gap, np.inf)
    clear = gap.min(axis=1) > TOLERANCE + 1e-9
    published_rank = published.rank(ascending=False, method="min").to_numpy()
    ours_rank = result.ranks.loc[published.index, "GII"].to_numpy()
    np.testing.assert_array_equal(ours_rank[clear], published_rank[clear])


@pytest.mark.parametrize(("edition", "rank"), [(2021, 12), (2022, 11)])
def test_china_rank_as_published(edition, rank):
    result = im.build(im.load_recipe(gii_recipe_path(edition)))
    assert result.ranks.loc["CHN", "GII"] == rank


def test_bundled_panel_matches_reference(panel, gii_panel_dir):
    """The package data carries the reference panel's published figures unchanged."""
    import pandas as pd

    ref = pd.read_csv(gii_panel_dir / "gii_panel_2011_2022.csv").dropna(
        subset=["Global Innovation Index"])
    assert len(ref) == len(panel)
    ours = panel.sort_values(["edition", "uName"])["GII_published"].sum()
    assert ours == pytest.approx(ref["Global Innovation Index"].sum(), abs=1e-9)
