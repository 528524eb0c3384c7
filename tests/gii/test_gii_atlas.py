"""``innometrics gii atlas``: WIPO's published rank in every row, changes equal to the published
changes, significance consistent with the paired intervals, editions paired through the
pillars."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from innometrics.cli import app
from innometrics.datasets import gii_workbook_dir
from innometrics.errors import InputError
from innometrics.gii import gii_published
from innometrics.gii.atlas import ATLAS_COLUMNS, _workbook_edition, atlas_sources, run_atlas

runner = CliRunner()


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas") / "atlas"
    # the bundled 2023 workbook given as a workbook replaces the default 2023 edition
    result = runner.invoke(app, ["gii", "atlas", "--out", str(out), "--runs", "60",
                                 "--workbook", str(gii_workbook_dir(2023))])
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "atlas.csv")


def test_published_rank_in_every_row(atlas):
    assert list(atlas.columns) == ATLAS_COLUMNS
    assert sorted(atlas["edition"].unique()) == list(range(2011, 2024))
    for edition, rows in atlas.groupby("edition"):
        published = gii_published(edition).set_index("uCode")
        assert set(rows["uCode"]) == set(published.index)
        assert (rows.set_index("uCode")["rank"] == published.loc[rows["uCode"], "rank"]).all()
    assert set(atlas.loc[atlas["edition"] == 2023, "level"]) == {"indicator"}
    assert set(atlas.loc[atlas["edition"] < 2023, "level"]) == {"pillar"}


def test_changes_are_published_changes_with_consistent_intervals(atlas):
    ranks = atlas.set_index(["edition", "uCode"])["rank"]
    changes = atlas.dropna(subset=["change"])
    for row in changes.itertuples():
        assert row.change == ranks[(row.edition, row.uCode)] - ranks[(row.edition - 1,
                                                                       row.uCode)]
    first = atlas[atlas["edition"] == 2011]
    assert first["change"].isna().all()
    significant = changes["significant"].astype(bool)
    assert (significant == ((changes["change_q05"] > 0) | (changes["change_q95"] < 0))).all()
    assert (changes["change_q05"] <= changes["change_median"]).all()
    assert (changes["change_median"] <= changes["change_q95"]).all()
    big = changes[changes["change"].abs() >= 8]
    still = changes[changes["change"] == 0]
    assert big["significant"].astype(bool).mean() > 0.5
    assert still["significant"].astype(bool).mean() < 0.5


def test_paired_through_the_pillars():
    """The same pillar data as two editions: every replication draws the same pillar weights
    and aggregation for both, so every rank change is 0 with interval [0, 0]; the same seed
    gives the same atlas, another seed another."""
    from dataclasses import replace

    source = next(s for s in atlas_sources() if s.edition == 2022)
    again = replace(source, edition=2023)
    table = run_atlas([source, again], runs=40, seed=4)
    second = table[table["edition"] == 2023]
    assert (second[["change", "change_q05", "change_median", "change_q95"]] == 0).all().all()
    assert not second["significant"].astype(bool).any()
    pd.testing.assert_frame_equal(table, run_atlas([source, again], runs=40, seed=4))
    other = run_atlas([source, again], runs=40, seed=5)
    assert not np.array_equal(table["rank_q95"].to_numpy(), other["rank_q95"].to_numpy())


def test_workbook_edition_comes_from_its_name(tmp_path):
    assert _workbook_edition(tmp_path / "GII_2022_data.xlsx") == 2022
    with pytest.raises(InputError, match="no edition"):
        _workbook_edition(tmp_path / "book.xlsx")
