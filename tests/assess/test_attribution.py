"""Attribution hints: planted campaigns are placed, organic accounts are not flagged."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pyarrow as pa
import pytest

import coordnet
from coordnet.assess import attribution as attribution_module
from coordnet.assess import random_sets, reference_data, timezone
from coordnet.assess.attribution import (
    ACTOR_SCHEMA,
    CLUSTER_SCHEMA,
    Attribution,
    attribution,
)
from coordnet.errors import InputError
from coordnet.simulate.run import simulate
from coordnet.store import Store

from .row_order import shuffle_unordered_results

ORGANIC, ORGANIC_2, SINGLE = 100, 101, 102


def members_table(rows: list[tuple[int, str]]) -> pa.Table:
    return pa.table(
        {
            "cluster_id": pa.array([c for c, _ in rows], pa.int64()),
            "actor_id": pa.array([a for _, a in rows], pa.string()),
        }
    )


# -- the simulated platform -------------------------------------------------------------------
class Sim(NamedTuple):
    store: Store
    ids: dict[str, int]  # campaign name -> cluster id
    members: pa.Table


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    """The default scenario, 600 organic accounts over 3 days, in one store. Clusters: each
    campaign (ids 0.. in name order), two random organic sets and one organic account."""
    out = tmp_path_factory.mktemp("sim")
    simulate(out, scenario="default", accounts=600, days=3, seed=5)
    with coordnet.open_store() as store:
        coordnet.ingest([out / "tweets.csv", out / "users.csv", out / "sessions.csv"], store)
        labels = list(csv.DictReader((out / "labels.csv").open(encoding="utf-8")))
        ids = {name: i for i, name in enumerate(sorted({r["campaign"] for r in labels} - {""}))}
        rows = [(ids[r["campaign"]], r["actor_id"]) for r in labels if r["campaign"]]
        organic = sorted(r["actor_id"] for r in labels if not r["campaign"])
        random.Random(1).shuffle(organic)
        rows += [(ORGANIC, a) for a in organic[:60]] + [(ORGANIC_2, a) for a in organic[60:100]]
        rows += [(SINGLE, organic[100])]
        yield Sim(store, ids, members_table(rows))


def listed_outlet(sim: Sim) -> dict[str, str]:
    """The outlet the "pages" campaign pushes, listed as an investigator would."""
    pages = [a for c, a in zip(*_cols(sim.members), strict=True) if c == sim.ids["pages"]]
    domain = sim.store.engine.scalar(
        "SELECT d FROM (SELECT unnest(domains) AS d FROM actions WHERE list_contains(?, "
        "actor_id)) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [pages],
    )
    return {domain: "Test outlet"}


@pytest.fixture(scope="module")
def result(sim: Sim) -> Attribution:
    return attribution(sim.store, sim.members, domain_list=listed_outlet(sim))


def _cols(table: pa.Table) -> tuple[list[int], list[str]]:
    return table["cluster_id"].to_pylist(), table["actor_id"].to_pylist()


def cluster(result: Attribution, cluster_id: int) -> dict[str, Any]:
    return next(r for r in result.clusters.to_pylist() if r["cluster_id"] == cluster_id)


def test_shapes(sim: Sim, result: Attribution) -> None:
    assert result.actors.schema == ACTOR_SCHEMA and result.clusters.schema == CLUSTER_SCHEMA
    clusters, actors = _cols(sim.members)
    got_clusters, got_actors = _cols(result.actors)
    assert dict(zip(got_actors, got_clusters, strict=True)) == dict(
        zip(actors, clusters, strict=True)
    )
    assert len(got_actors) == len(actors)
    assert sorted(result.clusters["cluster_id"].to_pylist()) == sorted(set(clusters))
    for table in (result.actors, result.clusters):
        assert all(0.0 <= s <= 1.0 for s in table["attribution_confidence"].to_pylist())
        assert all(reasons for reasons in table["reasons"].to_pylist())
    leftovers = sim.store.engine.rows(
        "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, '_attr')"
    )
    assert leftovers == []


def test_office_hours_campaign_is_placed(sim: Sim, result: Attribution) -> None:
    """Operators in UTC+3 working a 09-18 weekday shift while claiming US/UK/HK places."""
    row = cluster(result, sim.ids["office"])
    assert row["utc_offset"] == 3 and row["time_profile"] == "office_shift"
    assert row["utc_offset_confidence"] >= 0.9
    assert row["office_hours_share"] > 0.9 and row["office_hours_expected"] < 0.5
    assert {"time_zone", "office_hours", "location_mismatch"} <= set(row["hints"])
    assert row["attribution_confidence"] >= 0.8
    assert row["n_claims_inconsistent"] == row["n_members_located"] > 10
    assert any("active as if in UTC+3" in r for r in row["reasons"])
    assert any(r.startswith("profiles claim US") for r in row["reasons"])


def test_waking_campaigns_are_placed_near_utc_plus_3(sim: Sim, result: Attribution) -> None:
    """Campaigns without a shift act in the operators' waking hours (UTC+3); their zone
    differs from the organic platform's, which is mostly in the Americas and Europe."""
    for name in ("ring", "sleepers", "infra", "copypasta"):
        row = cluster(result, sim.ids[name])
        assert 2 <= row["utc_offset"] <= 5, name
        assert "time_zone" in row["hints"], name
        assert row["hours_distance_p"] <= 0.01
        # all write English, as do most of the store's accounts: no language hint
        assert row["language"] == "en" and "language" not in row["hints"]


def test_shared_infrastructure_campaign(sim: Sim, result: Attribution) -> None:
    """A few Russian addresses and VPN exits for everyone: country, ASN, shared IPs."""
    row = cluster(result, sim.ids["infra"])
    assert row["session_country"] == "RU" and row["session_country_share"] > 0.5
    assert row["store_session_country_share"] < 0.05
    assert {"session_country", "shared_infrastructure"} <= set(row["hints"])
    assert row["ips_per_member"] < 0.5 and row["devices_per_member"] < 0.5
    assert any(a.startswith(("AS12389", "AS8359", "AS31213")) for a in row["top_asns"])
    members = [a for a in result.actors.to_pylist() if a["cluster_id"] == sim.ids["infra"]]
    assert sum(a["top_session_country"] == "RU" for a in members) > len(members) / 2
    assert sum("session_country" in a["hints"] for a in members) > len(members) / 2


def test_listed_domains(sim: Sim, result: Attribution) -> None:
    row = cluster(result, sim.ids["pages"])
    assert row["listed_share"] > 0.9 and "listed_domains" in row["hints"]
    assert row["listed_domains"][0].endswith(f"links by {row['n_members']} members")
    for name in ("ring", "links"):
        assert "listed_domains" not in cluster(result, sim.ids[name])["hints"]


def test_organic_sets_are_not_flagged(result: Attribution) -> None:
    for cid in (ORGANIC, ORGANIC_2):
        row = cluster(result, cid)
        assert row["hints"] == [] and row["attribution_confidence"] == 0.0, row["reasons"]
        # the comparisons were made, not skipped
        assert row["hours_distance_p"] is not None and row["hours_distance_p"] > 0.01
    organic = [a for a in result.actors.to_pylist() if a["cluster_id"] == ORGANIC]
    assert np.mean([a["attribution_confidence"] for a in organic]) < 0.2


def test_single_member_cluster(result: Attribution) -> None:
    row = cluster(result, SINGLE)
    assert row["n_members"] == 1 and 0.0 <= row["attribution_confidence"] <= 1.0


def test_member_order_does_not_matter(sim: Sim, result: Attribution) -> None:
    shuffled = sim.members.take(list(reversed(range(sim.members.num_rows))))
    again = attribution(sim.store, shuffled, domain_list=listed_outlet(sim))
    assert again.clusters.equals(result.clusters)
    assert again.actors.sort_by("actor_id").equals(result.actors.sort_by("actor_id"))


@pytest.mark.parametrize("seed", [0, 1])
def test_sql_row_order_does_not_matter(
    sim: Sim, result: Attribution, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Ties (two ASNs with as many sessions...) must not be broken by the order of rows."""
    listed = listed_outlet(sim)
    shuffle_unordered_results(sim.store.engine, monkeypatch, seed)
    again = attribution(sim.store, sim.members, domain_list=listed)
    assert again.clusters.equals(result.clusters) and again.actors.equals(result.actors)


# -- hand-made stores -------------------------------------------------------------------------
START = datetime(2019, 8, 5)  # a Monday


def add_actions(store: Store, actor: str, times: list[datetime], **fields: object) -> None:
    for k, t in enumerate(times):
        store.engine.execute(
            "INSERT INTO actions (action_id, actor_id, platform, time, kind, lang, domains) "
            "VALUES (?, ?, 'twitter', ?, 'post', ?, ?)",
            [f"{actor}-{k}", actor, t, fields.get("lang"), fields.get("domains")],
        )


def add_actor(store: Store, actor: str, location: str | None = None) -> None:
    store.engine.execute(
        "INSERT INTO actors (actor_id, platform, location) VALUES (?, 'twitter', ?)",
        [actor, location],
    )


def workday(offset: int, days: int = 5) -> list[datetime]:
    """One action an hour from 09 to 17 local on weekdays, for someone at UTC+offset."""
    return [START + timedelta(days=d, hours=h - offset) for d in range(days) for h in range(9, 18)]


def test_empty_members(store: Store) -> None:
    out = attribution(store, members_table([]))
    assert out.actors.num_rows == out.clusters.num_rows == 0
    assert out.actors.schema == ACTOR_SCHEMA and out.clusters.schema == CLUSTER_SCHEMA


def test_missing_data_is_not_available(store: Store) -> None:
    """Actions only: no sessions, languages, locations or links; a member with nothing."""
    add_actions(store, "a", workday(3))
    add_actions(store, "b", workday(3)[:10])
    out = attribution(store, members_table([(1, "a"), (1, "b"), (2, "ghost")]))
    one, ghost = out.clusters.to_pylist()
    assert one["hints"] == [] and one["attribution_confidence"] == 0.0
    text = " | ".join(one["reasons"])
    for part in ("sessions", "languages", "claimed locations", "listed domains"):
        assert f"{part}: not available" in text
    assert one["utc_offset"] == 3 and one["time_profile"] == "office_shift"
    assert "no baseline" in text  # two accounts cannot make random sets
    assert ghost["n_actions"] == 0 and "time zone: not available" in ghost["reasons"][0]
    a, b, g = out.actors.to_pylist()
    assert a["utc_offset"] == 3 and b["utc_offset"] is None
    assert g["attribution_confidence"] == 0.0
    assert any("sessions: not available" in r for r in g["reasons"])


def test_claimed_places_are_matched(store: Store) -> None:
    places = {
        "p1": "Atlanta, GA",
        "p2": "Springfield, IL",
        "p3": "São Paulo",
        "p4": "MOSCOW",
        "p5": "somewhere nice",
        "p6": "Texas, USA",
    }
    for actor, where in places.items():
        add_actor(store, actor, where)
    add_actions(store, "p6", workday(3))
    out = attribution(store, members_table([(1, a) for a in places]))
    got = {
        r["actor_id"]: (
            r["claimed_country"],
            r["claimed_utc_offset_min"],
            r["claimed_utc_offset_max"],
        )
        for r in out.actors.to_pylist()
    }
    assert got == {
        "p1": ("US", -5, -4),
        "p2": ("US", -6, -5),
        "p3": ("BR", -3, -2),
        "p4": ("RU", 3, 4),
        "p5": (None, None, None),
        "p6": ("US", -7, -5),
    }
    texan = next(r for r in out.actors.to_pylist() if r["actor_id"] == "p6")
    assert any("but it is active as if in UTC+3" in r for r in texan["reasons"])


def test_listed_domains_match_subdomains(store: Store) -> None:
    add_actions(store, "x", workday(0, 1), domains=["de.rt.com"])
    add_actions(store, "y", workday(0, 1), domains=["example.org"])
    out = attribution(store, members_table([(1, "x"), (2, "y")]))
    x, y = out.clusters.to_pylist()
    assert x["listed_share"] == 1.0 and x["listed_domains"][0].startswith("rt.com (Russia")
    assert y["listed_share"] == 0.0 and y["listed_domains"] == []
    own = attribution(
        store, members_table([(1, "x"), (2, "y")]), domain_list={"www.Example.org": "mine"}
    )
    assert [r["listed_share"] for r in own.clusters.to_pylist()] == [0.0, 1.0]


def test_a_rare_language_is_a_hint_a_common_one_is_not(store: Store) -> None:
    """150 accounts write English, 10 Russian; clusters of the 10 and of 10 English ones."""
    store.engine.execute(
        "INSERT INTO actions (action_id, actor_id, platform, time, kind, lang) "
        "SELECT a || '-' || k, 'u' || a, 'twitter', TIMESTAMP '2019-08-05' + "
        "to_minutes(a * 37 + k * 301), 'post', CASE WHEN a < 10 THEN 'ru' ELSE 'en' END "
        "FROM range(160) t(a), range(5) s(k)"
    )
    rows = [(1, f"u{a}") for a in range(10)] + [(2, f"u{a}") for a in range(10, 20)]
    ru, en = attribution(store, members_table(rows)).clusters.to_pylist()
    assert (ru["language"], ru["language_share"], ru["store_language_share"]) == ("ru", 1.0, 0.0)
    assert ru["hints"] == ["language"] and ru["language_p"] <= 0.005
    assert en["language"] == "en" and en["hints"] == []
    assert any("places no one" in r for r in en["reasons"])


def test_bad_members(store: Store) -> None:
    with pytest.raises(InputError, match="lacks column"):
        attribution(store, pa.table({"actor_id": ["a"]}))
    with pytest.raises(InputError, match="one cluster only"):
        attribution(store, members_table([(1, "a"), (2, "a")]))
    with pytest.raises(InputError, match=r"pyarrow\.Table"):
        attribution(store, [(1, "a")])  # type: ignore[arg-type]


# -- the public surface ------------------------------------------------------------------------
def test_public_names_stay_importable_from_attribution() -> None:
    """The time-zone fit, the random sets and the reference data live in their own modules;
    their public names stay importable from coordnet.assess.attribution."""
    assert all(hasattr(attribution_module, name) for name in attribution_module.__all__)
    for module in (timezone, reference_data, random_sets):
        for name in set(attribution_module.__all__) & set(module.__all__):
            assert getattr(attribution_module, name) is getattr(module, name), name
    assert attribution_module.infer_utc_offset is timezone.infer_utc_offset
    assert attribution_module.load_places is reference_data.load_places


# -- real data ----------------------------------------------------------------------------------
@pytest.mark.shared_data
def test_italian_humans_are_placed_in_central_european_time(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    """Cresci-2015 humans (Italian election, Feb-Mar 2013, CET = UTC+1)."""
    folder = shared_data / "cresci2015_fame_for_sale"
    subset = tmp_path / "humans.csv"
    store.engine.execute(
        f"COPY (SELECT * FROM read_csv('{folder / 'cresci2015_tweets.csv.gz'}', "
        "all_varchar = true) WHERE user_id IN (SELECT user_id FROM read_csv("
        f"'{folder / 'cresci2015_users.csv'}', all_varchar = true) WHERE label = 'human' "
        f"ORDER BY user_id LIMIT 120)) TO '{subset}' (HEADER)"
    )
    coordnet.ingest([subset], store)
    ids = [a for (a,) in store.engine.rows("SELECT DISTINCT actor_id FROM actions ORDER BY 1")]
    out = attribution(store, members_table([(1, a) for a in ids[:80]]))
    row = out.clusters.to_pylist()[0]
    assert row["utc_offset"] == 1 and row["time_profile"] == "waking_day"
    assert row["utc_offset_confidence"] > 0.9 and row["time_fit"] > 0.9
    assert "languages: not available: no action has a language code" in row["reasons"]
    assert row["hints"] == []
