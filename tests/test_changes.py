"""Changing the index (without, with_directions) and selecting from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_coinr_daily import aggregated  # noqa: F401 (the fixture, shared)

import innometrics as im


@pytest.fixture
def result(aggregated):  # noqa: F811
    return aggregated


def test_without_drops_indicators_and_their_empty_parents(result):
    fw = result.recipe.framework
    p2p = [c for c in fw.indicators if fw[c].parent == "P2P"]
    smaller = result.without(["Goods", *p2p])
    assert "Goods" not in smaller.scores and "P2P" not in smaller.scores
    assert len(smaller.recipe.framework.indicators) == len(fw.indicators) - 1 - len(p2p)
    # the pillar without Goods is the mean of its other normalised indicators
    rest = [c for c in fw.indicators if fw[c].parent == "ConEcFin" and c != "Goods"]
    np.testing.assert_allclose(smaller.scores["ConEcFin"],
                               smaller.stages["Normalised"][rest].mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(smaller.scores["Sust"], result.scores["Sust"], rtol=1e-12)
    same = result.without(["Conn"])
    assert "Conn" not in same.scores and "Physical" not in same.scores
    for bad, message in ((["Index"], "is the index"), (["XX"], "not in the framework")):
        with pytest.raises(im.InvalidParameter, match=message):
            result.without(bad)


def test_with_directions_flips_an_indicator(result):
    flipped = result.with_directions({"Goods": -1})
    np.testing.assert_allclose(flipped.stages["Normalised"]["Goods"],
                               100 - result.stages["Normalised"]["Goods"], atol=1e-12)
    assert flipped.recipe.framework["Goods"].direction == -1
    with pytest.raises(im.InvalidParameter, match="indicator codes with 1 or -1"):
        result.with_directions({"Goods": 2})
    with pytest.raises(im.InvalidParameter, match="indicator codes with 1 or -1"):
        result.with_directions({"Conn": -1})


def test_select_under_a_node_at_a_level_for_a_group(result):
    fw = result.recipe.framework
    pillars = result.select(under="Conn", level=2)
    assert pillars.columns.tolist() == [c for c in fw.codes_at(2) if fw[c].parent == "Conn"]
    raw = result.select(stage="Raw", under="P2P", group={"GDP_group": ["L", "XL"]})
    groups = result.recipe.data.groups.set_axis(list(result.recipe.data.units))["GDP_group"]
    assert set(raw.index) == set(groups.index[groups.isin(["L", "XL"])])
    assert raw.columns.tolist() == [c for c in fw.indicators if fw[c].parent == "P2P"]
    pd.testing.assert_frame_equal(raw, result.stages["Raw"].loc[raw.index, raw.columns])
    with pytest.raises(im.InvalidParameter, match="'Income' is not a group column"):
        result.select(group={"Income": "L"})


def test_select_refuses_an_empty_selection_and_unknown_group_values(result):
    """COINr's get_data stops when the codes are not in the data set ("If Level > 1 you need
    to target an aggregated data set"); an empty frame would pass silently down a notebook."""
    with pytest.raises(im.InvalidParameter, match="stage 'Raw' holds no code under 'Conn' at "
                                                  "level 2; an aggregate"):
        result.select(stage="Raw", under="Conn", level=2)
    with pytest.raises(im.InvalidParameter, match=r"\['XXL'\] are not values of group column "
                                                  "'GDP_group'; its values are"):
        result.select(stage="Raw", group={"GDP_group": ["L", "XXL"]})


def test_select_units_and_peers_refuse_what_they_cannot_mean(result):
    with pytest.raises(im.InvalidParameter, match=r"units \['ZZZ'\] are not in the stage"):
        result.select(stage="Raw", units=["KHM", "ZZZ"])
    with pytest.raises(im.InvalidParameter, match="give units with a group column's name"):
        result.select(stage="Raw", units="KHM", group={"GDP_group": "L"})
    with pytest.raises(im.InvalidParameter, match="group='GDP_group' names a column, which "
                                                  "selects the peers of units"):
        result.select(stage="Raw", group="GDP_group")
    with pytest.raises(im.InvalidParameter, match="'Income' is not a group column"):
        result.select(stage="Raw", units="KHM", group="Income")
    peers = result.select(stage="Raw", units="KHM", group="GDP_group")
    groups = result.recipe.data.groups.set_axis(list(result.recipe.data.units))["GDP_group"]
    assert set(peers.index) == set(groups.index[groups == groups["KHM"]])
