"""Ranking: merge rule, names, economies, order of synthetic clusters by their true size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from innometrics.clusters.gazetteer import load_gazetteer
from innometrics.clusters.ranking import (
    CLUSTER_COLUMNS,
    RankingSettings,
    merge_overlapping,
    rank_clusters,
)
from innometrics.clusters.records import validate_records
from innometrics.clusters.synth import synthesize
from innometrics.errors import InvalidParameter


def _records(rows):
    return validate_records(pd.DataFrame(rows, columns=["id", "lat", "lon", "kind", "weight",
                                                        "country"]))


def test_merge_rule():
    pat = pd.DataFrame({"lat": [0.0, 10.0, 20.0], "lon": [0.0, 10.0, 20.0], "label": [0, 1, 2]})
    pub = pd.DataFrame({"lat": [0.0, 10.05, 40.0], "lon": [0.0, 10.0, 40.0], "label": [0, 0, 1]})
    pmap, qmap, n = merge_overlapping(pat, pub, merge_km=10.0)
    # P0 shares a location with Q0, P1 lies 5.6 km from Q0: one chain; P2 and Q1 alone
    assert pmap[0] == pmap[1] == qmap[0]
    assert len({pmap[0], pmap[2], qmap[1]}) == 3 and n == 3


def _city_block(prefix, lat, lon, n, kind, country):
    rng = np.random.default_rng(abs(hash(prefix)) % 2**32)
    return [(f"{prefix}{i}", lat + rng.normal(0, 0.02), lon + rng.normal(0, 0.02), kind, 1.0,
             country) for i in range(n)]


def test_names_economies_and_shares():
    rows = (_city_block("tp", 35.6895, 139.6917, 80, "patent", "JP")       # Tokyo
            + _city_block("tq", 35.6895, 139.6917, 10, "publication", "JP")
            + _city_block("yq", 35.4437, 139.6380, 30, "publication", "JP")  # Yokohama
            + _city_block("yp", 35.4437, 139.6380, 30, "patent", "JP")
            + _city_block("bp", 47.5584, 7.5733, 20, "patent", "CH")           # Basel
            + _city_block("bq", 47.5584, 7.5900, 20, "publication", "DE")
            + [("far", -45.0, 170.0, "patent", 1.0, "NZ")])
    settings = RankingSettings(patent_eps_km=25, patent_min_weight=5, publication_eps_km=25,
                               publication_min_weight=5, top_n=5)
    res = rank_clusters(_records(rows), settings)
    c = res.clusters
    assert list(c.columns[:len(CLUSTER_COLUMNS)]) == CLUSTER_COLUMNS
    assert c["name"].tolist()[0] == "Tokyo\u2013Yokohama"
    assert c.loc[1, "economies"] in ("CHE;DEU", "DEU;CHE")
    assert c.loc[0, "patents"] == 110 and c.loc[0, "publications"] == 40
    assert c.loc[0, "patent_share"] == pytest.approx(110 / 131)
    assert c.loc[0, "score"] == pytest.approx((110 / 131 + 40 / 60) / 2)
    assert c["rank"].tolist() == [1, 2]
    assert res.economies().set_index("economy")["clusters"].to_dict() == {"JPN": 1, "CHE": 1,
                                                                          "DEU": 1}
    a = res.assignments.set_index("id")
    assert a.loc["far", "cluster_id"] == -1 and a.loc["tp0", "cluster_id"] == 0
    assert c["intensity_rank"].notna().all()
    # population = the named places' own populations, each once: Tokyo's wards and the
    # suburbs within place_km are absorbed into Tokyo and Yokohama, not added on top
    gaz = load_gazetteer()
    places = c.loc[0, "places"].split(";")
    assert set(places) >= {"Tokyo", "Yokohama"}
    own = sum(gaz.population[list(gaz.name).index(p)] for p in places)
    assert c.loc[0, "population"] == own
    assert c.loc[0, "intensity"] == pytest.approx(150 / own * 1e6)


def test_ranking_follows_true_sizes():
    df = synthesize(40000, seed=7, n_cities=25, background=0.02, spread_km=4.0)
    settings = RankingSettings(patent_eps_km=10, patent_min_weight=15, publication_eps_km=10,
                               publication_min_weight=15, top_n=10)
    res = rank_clusters(validate_records(df), settings)
    assert res.synthetic
    assign = res.assignments.assign(true=df["true_cluster"].to_numpy(), w=df["weight"],
                                    kind=df["kind"])
    # true score of each detected cluster: shares of the true cities it holds
    tot = df.groupby("kind")["weight"].sum()
    df2 = df.assign(c=assign["cluster_id"])
    main = df2[df2["true_cluster"] >= 0].groupby("c")["true_cluster"].agg(
        lambda s: s.mode().iloc[0])
    cities = df2[df2["true_cluster"] >= 0].groupby("true_cluster")["c"].agg(
        lambda s: s.mode().iloc[0])
    truth = df[df["true_cluster"] >= 0].assign(share=lambda d: d["weight"] / d["kind"].map(tot))
    truth["c"] = truth["true_cluster"].map(cities)
    true_score = truth.groupby("c")["share"].sum() / 2
    top = res.top(8)
    assert len(main) >= 8
    expected = true_score.sort_values(ascending=False).index[:8].tolist()
    assert top["cluster_id"].tolist() == expected


def test_settings_are_validated():
    with pytest.raises(InvalidParameter, match="'top_n' of clusters.RankingSettings"):
        RankingSettings(top_n=0)
    with pytest.raises(InvalidParameter, match="gazetteer_min_population"):
        RankingSettings(gazetteer_min_population=100)
    assert RankingSettings().overlap_km == 13.0


def test_second_pass_splits_without_losing_records():
    # two dense towns 16 km apart joined by a sparse corridor: one cluster at eps 13 km,
    # two after a stricter pass; the corridor's records join the nearer town
    rng = np.random.default_rng(5)
    town_a = [(f"a{i}", 48.0 + rng.normal(0, 0.01), 11.0 + rng.normal(0, 0.01)) for i in range(60)]
    town_b = [(f"b{i}", 48.0 + rng.normal(0, 0.01), 11.215 + rng.normal(0, 0.01))
              for i in range(40)]
    corridor = [(f"c{i}", 48.0, 11.0 + 0.215 * i / 10) for i in range(1, 10)]
    rows = [(i, la, lo, "patent", 1.0, "DE") for i, la, lo in town_a + town_b + corridor]
    base = RankingSettings(patent_eps_km=13, patent_min_weight=5, publication_eps_km=13,
                           publication_min_weight=5)
    one = rank_clusters(_records(rows), base)
    assert len(one.clusters) == 1
    two = rank_clusters(_records(rows), base.with_(refine_eps_km=3.0, refine_min_weight=10))
    c = two.clusters
    assert len(c) == 2 and c["patents"].sum() == one.clusters["patents"].sum() == 109
    a = two.assignments.set_index("id")["cluster_id"]
    assert a["a0"] != a["b0"] and a["c1"] == a["a0"] and a["c9"] == a["b0"]
    assert c.loc[0, "patents"] > 60  # town A and the corridor's near half


def test_refine_weight_without_its_radius_is_refused():
    with pytest.raises(InvalidParameter, match="'refine_min_weight' .* needs 'refine_eps_km'"):
        RankingSettings(refine_min_weight=10)
