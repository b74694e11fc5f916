"""Inauthenticity indicators: planted campaigns against organic sets, edge cases, Cresci-2015."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import coordnet
from coordnet.assess import _inauthenticity_thresholds as thresholds
from coordnet.assess import inauthenticity as inauthenticity_module
from coordnet.assess.inauthenticity import ALPHA, FAMILIES, Inauthenticity, inauthenticity
from coordnet.errors import InputError
from coordnet.simulate.run import simulate
from coordnet.store import Store

from .row_order import shuffle_unordered_results

ORGANIC_SETS = 4  # random sets of 30 organic accounts, clusters 100, 101, ...
SET_SIZE = 30


def members_table(clusters: dict[int, list[str]]) -> pa.Table:
    rows = [(cid, a) for cid, actors in clusters.items() for a in actors]
    return pa.table({
        "cluster_id": pa.array([c for c, _ in rows], pa.int64()),
        "actor_id": pa.array([a for _, a in rows], pa.string()),
    })  # fmt: skip


def by_cluster(table: pa.Table) -> dict[int, dict[str, Any]]:
    return {r["cluster_id"]: r for r in table.to_pylist()}


# -- the simulated platform ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, Any]]]:
    """The default scenario (600 organic accounts, 3 days, one campaign per style) in a store,
    with the clusters to assess: one per campaign style, random organic sets, organic groups."""
    out = tmp_path_factory.mktemp("sim")
    simulate(out, scenario="default", accounts=600, days=3, seed=5)
    with open(out / "labels.csv", encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh))
    styles = sorted({r["style"] for r in labels if r["style"]})
    clusters: dict[int, list[str]] = {
        i: [r["actor_id"] for r in labels if r["style"] == s] for i, s in enumerate(styles)
    }
    names = dict(enumerate(styles))
    plain = sorted(r["actor_id"] for r in labels if not r["campaign"] and not r["organic_group"])
    picked = random.Random(7).sample(plain, ORGANIC_SETS * SET_SIZE)
    for j in range(ORGANIC_SETS):
        clusters[100 + j] = picked[j * SET_SIZE : (j + 1) * SET_SIZE]
        names[100 + j] = "organic"
    groups = sorted({r["organic_group"] for r in labels if r["organic_group"]})
    for j, g in enumerate(groups):
        clusters[200 + j] = [r["actor_id"] for r in labels if r["organic_group"] == g]
        names[200 + j] = g
    store = coordnet.open_store()
    coordnet.ingest([out / "tweets.csv", out / "users.csv"], store)
    yield store, {"clusters": clusters, "names": names, "styles": styles}
    store.close()


@pytest.fixture(scope="module")
def assessed(simulated: tuple[Store, dict[str, Any]]) -> Inauthenticity:
    store, info = simulated
    return inauthenticity(store, members_table(info["clusters"]))


def cluster_of(info: dict[str, Any], name: str) -> int:
    return next(c for c, n in info["names"].items() if n == name)


def test_bulk_registered_campaign_shows_every_planted_trait(
    simulated: tuple[Store, dict[str, Any]], assessed: Inauthenticity
) -> None:
    """The creation_burst campaign: 60 accounts registered within 36 hours five days before
    the start, with name+8-digit handles, under 30 followers, no description, one client."""
    _, info = simulated
    fresh = by_cluster(assessed.clusters)[cluster_of(info, "creation_burst")]
    assert fresh["n_members"] == 60
    assert fresh["burst_share"] == fresh["new_share"] == fresh["patterned_share"] == 1.0
    assert fresh["burst_p_value"] < ALPHA and fresh["burst_population_share"] < 0.1
    assert fresh["burst_expected_share"] < 0.2  # a random 60 has a few in its densest 48 h
    assert fresh["median_age_days"] < 10
    assert fresh["creation_score"] == fresh["handles_score"] == 1.0
    assert fresh["followers_score"] > 0.5
    assert fresh["inauthenticity"] >= 0.9
    assert fresh["reasons"][0].startswith(
        "60 of 60 accounts were created within 48 hours, 2019-07-"
    )
    assert "6 % of all accounts were" in fresh["reasons"][0]
    assert any("handles are a name with a long number" in r for r in fresh["reasons"])
    assert fresh["reasons"][-1] == (
        "profile image not available: the data lacks profile_image_hash for these accounts"
    )


def test_every_campaign_lacks_descriptions_and_posts_from_one_client(
    simulated: tuple[Store, dict[str, Any]], assessed: Inauthenticity
) -> None:
    """The simulator gives every campaign persona an empty description and one web client;
    only the bulk-registered campaign is new and patterned."""
    _, info = simulated
    rows = by_cluster(assessed.clusters)
    for cid, style in enumerate(info["styles"]):
        row = rows[cid]
        assert row["no_description_share"] == 1.0 and row["profile_score"] == 1.0, style
        assert row["top_client"] == "Twitter Web App" and row["top_client_share"] == 1.0, style
        assert row["top_client_action_share"] == 1.0 and row["client_score"] == 1.0, style
        assert row["inauthenticity"] >= 0.4, style
        if style != "creation_burst":
            assert row["creation_score"] == row["handles_score"] == 0.0, style


def test_organic_sets_and_hard_negatives_are_not_flagged(
    simulated: tuple[Store, dict[str, Any]], assessed: Inauthenticity
) -> None:
    _, info = simulated
    for cid, row in by_cluster(assessed.clusters).items():
        name = info["names"][cid]
        if cid < 100:
            continue
        assert row["creation_score"] == row["handles_score"] == 0.0, name
        assert row["followers_score"] == row["client_score"] == 0.0, name
        assert row["inauthenticity"] < 0.1, name
        p_values = [v for k, v in row.items() if k.endswith("_p_value") and v is not None]
        if name == "organic":
            assert "no indicator differs from the store's population" in row["reasons"]
            assert min(p_values) >= ALPHA


def test_accounts_are_scored_against_the_population(
    simulated: tuple[Store, dict[str, Any]], assessed: Inauthenticity
) -> None:
    _, info = simulated
    actors = assessed.actors
    assert actors.num_rows == sum(len(a) for a in info["clusters"].values())
    assert actors.column_names[:4] == ["actor_id", "cluster_id", "inauthenticity", "reasons"]
    rows = actors.to_pylist()
    fresh_id = cluster_of(info, "creation_burst")
    fresh = [r for r in rows if r["cluster_id"] == fresh_id]
    organic = [r for r in rows if 100 <= r["cluster_id"] < 200]
    assert min(r["inauthenticity"] for r in fresh) > max(r["inauthenticity"] for r in organic)
    assert all(0.0 <= r["inauthenticity"] <= 1.0 for r in rows)
    one = fresh[0]
    assert one["is_new_account"] and one["is_patterned_handle"] and one["is_follower_shape"]
    assert one["handle_pattern"] == "name_digits" and one["has_profile_image"] is None
    assert (
        one["reasons"][0].startswith("created ") and "before its first action" in one["reasons"][0]
    )
    assert f"handle {one['handle']} is a name and a long number" in one["reasons"][1]
    # a trait shared by most accounts weighs little: no description alone is under 0.2
    plain = [
        r for r in organic if r["reasons"] == ["no description; 49 % of all profiles are this bare"]
    ]
    assert plain and all(r["inauthenticity"] < 0.2 for r in plain)


def test_same_result_whatever_the_row_order_and_no_tables_left(
    simulated: tuple[Store, dict[str, Any]], assessed: Inauthenticity
) -> None:
    store, info = simulated
    before = store.engine.rows("SELECT table_name FROM duckdb_tables() ORDER BY 1")
    table = members_table(info["clusters"])
    shuffled = table.take(random.Random(1).sample(range(table.num_rows), table.num_rows))
    again = inauthenticity(store, shuffled)
    assert again.actors.equals(assessed.actors)
    assert again.clusters.equals(assessed.clusters)
    assert store.engine.rows("SELECT table_name FROM duckdb_tables() ORDER BY 1") == before
    assert not store.engine.rows("SELECT view_name FROM duckdb_views() WHERE NOT internal")


@pytest.mark.parametrize("seed", [0, 1])
def test_sql_row_order_does_not_matter(
    simulated: tuple[Store, dict[str, Any]],
    assessed: Inauthenticity,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
) -> None:
    """Unsorted results (densest windows, shared values, client actions) are read by cluster:
    their order changes nothing."""
    store, info = simulated
    shuffled = shuffle_unordered_results(store.engine, monkeypatch, seed)
    again = inauthenticity(store, members_table(info["clusters"]))
    assert again.actors.equals(assessed.actors) and again.clusters.equals(assessed.clusters)
    assert len(shuffled) >= 6  # the densest windows, four shared values, client actions


# -- hand-made stores ---------------------------------------------------------------------------
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "go", "pu")
CLIENTS = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App")


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def handmade_store(tmp_path: Path, *, n_background: int = 200) -> Store:
    """``n_background`` varied accounts ``b0``... and a planted set ``p0``..``p11``: handles
    news_0001..news_0012 registered within 10 hours 12 days before use, one description and
    one image, 2-9 followers, no location, all posting from BotMaker."""
    rng = random.Random(11)
    users, actions = [], []
    for i in range(n_background):
        handle = "".join(rng.choice(SYLLABLES) for _ in range(3)) + str(rng.randint(0, 99))
        created = f"{rng.randint(2009, 2018)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        followers = int(rng.lognormvariate(5, 1.5))
        image = f"img{i:04d}" if rng.random() < 0.8 else ""
        location = rng.choice(["Paris", "Lagos", "Lima", "Pune"]) if rng.random() < 0.6 else ""
        bio = f"{rng.choice(SYLLABLES)} fan, {rng.choice(SYLLABLES)} lover #{i}"
        users.append(
            [f"b{i}", handle, created, followers, rng.randint(20, 900), bio, location, image]
        )
        actions.append([f"a{i}", f"b{i}", "2019-08-01T12:00:00Z", rng.choice(CLIENTS)])
    for i in range(12):
        users.append([f"p{i}", f"news_{i + 1:04d}", f"2019-07-20 0{i % 10}:30", 2 + i % 8,
                      500 + i, "Proud patriot. Truth seeker.", "", "deadbeef"])  # fmt: skip
        actions.append([f"q{i}", f"p{i}", f"2019-08-0{1 + i % 3}T10:00:00Z", "BotMaker"])
    store = coordnet.open_store()
    header = ["id", "handle", "created", "followers", "following", "bio", "location", "image"]
    fields = ["handle", "created_at", "followers", "following", "description", "location",
              "profile_image_hash"]  # fmt: skip
    mapping = {"actor_id": "id", **dict(zip(fields, header[1:], strict=True))}
    actor_mapping = {"table": "actors", "platform": "twitter", "mapping": mapping}
    action_mapping = {
        "platform": "twitter",
        "mapping": {"action_id": "id", "actor_id": "actor", "time": "time", "client": "client"},
    }
    users_csv = write_csv(tmp_path / "users.csv", header, users)
    posts_csv = write_csv(tmp_path / "posts.csv", ["id", "actor", "time", "client"], actions)
    coordnet.ingest([users_csv], store, format="tabular", mapping=actor_mapping)
    coordnet.ingest([posts_csv], store, format="tabular", mapping=action_mapping)
    return store


def test_counter_handles_reused_profile_and_one_client_are_found(tmp_path: Path) -> None:
    with handmade_store(tmp_path) as store:
        planted = [f"p{i}" for i in range(12)]
        background = [f"b{i}" for i in range(0, 120, 10)]
        result = inauthenticity(store, members_table({1: planted, 2: background}))
    rows = by_cluster(result.clusters)
    p = rows[1]
    assert (p["counter_share"], p["counter_first_handle"], p["counter_last_handle"]) == (
        1.0, "news_0001", "news_0012",
    )  # fmt: skip
    assert p["same_description"] == "proud patriot. truth seeker."
    assert p["same_description_share"] == p["same_profile_image_share"] == 1.0
    assert p["same_profile_image"] == "deadbeef" and p["same_profile_image_p_value"] < ALPHA
    assert p["no_location_share"] == 1.0 and p["no_profile_image_share"] == 0.0
    assert (p["top_client"], p["top_client_share"]) == ("BotMaker", 1.0)
    assert p["burst_share"] == 1.0 and p["burst_start_at"].hour == 0
    assert all(p[f"{f}_score"] > 0.9 for f in FAMILIES), p
    counter = (
        "12 of 12 handles share a prefix with a running number, news_0001 to news_0012; "
        "6 % of all handles have that prefix"
    )
    same = (
        "12 of 12 accounts with a description have the same one "
        "('proud patriot. truth seeker.'); 6 % of all accounts with a description have it"
    )
    assert counter in p["reasons"] and same in p["reasons"]
    b = rows[2]
    assert b["inauthenticity"] == 0.0 and b["reasons"] == [
        "no indicator differs from the store's population"
    ]
    actor = next(r for r in result.actors.to_pylist() if r["actor_id"] == "p0")
    assert actor["is_default_profile"] is False  # it has a description and an image
    assert actor["top_client"] == "BotMaker"


def insert_actors(store: Store, rows: list[tuple[str, str, int]]) -> None:
    """(actor_id, handle, followers) rows, all of one platform and one source file."""
    for actor_id, handle, followers in rows:
        store.engine.execute(
            "INSERT INTO actors (actor_id, platform, handle, followers, source_file) "
            "VALUES (?, 'twitter', ?, ?, 'users.csv')",
            [actor_id, handle, followers],
        )


@pytest.mark.parametrize("swapped", [False, True])
@pytest.mark.parametrize("backwards", [False, True])
def test_ties_do_not_depend_on_the_order_of_rows(swapped: bool, backwards: bool) -> None:
    """Handles alike but for case (news_0001, News_0001) and two profiles of one actor in one
    file: the counter span and the profile used are chosen by value, not by row order."""
    pairs = [("news_0001", "News_0001"), ("news_0003", "News_0003")]
    if swapped:
        pairs = [(b, a) for a, b in pairs]
    counters = [("c0", pairs[0][0], 5), ("c1", pairs[0][1], 5), ("c2", "news_0002", 5),
                ("c3", pairs[1][0], 5), ("c4", pairs[1][1], 5)]  # fmt: skip
    profiles = [("x", "maria", 5000), ("x", "anna48213957", 3)]
    rows = counters + profiles
    members = ["c0", "c1", "c2", "c3", "c4", "x"]
    if backwards:
        rows, members = rows[::-1], members[::-1]
    with coordnet.open_store() as store:
        insert_actors(store, rows)
        result = inauthenticity(store, members_table({1: members}))
    cluster = result.clusters.to_pylist()[0]
    # by (number, handle): upper case sorts first
    assert (cluster["counter_first_handle"], cluster["counter_last_handle"]) == (
        "News_0001", "news_0003",
    )  # fmt: skip
    x = next(r for r in result.actors.to_pylist() if r["actor_id"] == "x")
    assert (x["handle"], x["followers"], x["handle_pattern"]) == ("anna48213957", 3, "name_digits")


def test_a_trait_the_whole_store_shares_is_not_unusual(tmp_path: Path) -> None:
    """Calibration: a store of nothing but the planted accounts has nothing to compare."""
    with handmade_store(tmp_path, n_background=0) as store:
        result = inauthenticity(store, members_table({1: [f"p{i}" for i in range(12)]}))
    row = result.clusters.to_pylist()[0]
    assert row["inauthenticity"] == 0.0
    assert row["follower_shape_population_share"] == row["same_profile_image_population_share"] == 1
    assert all(r["inauthenticity"] == 0.0 for r in result.actors.to_pylist())


def test_missing_fields_are_not_available_never_alarms(tmp_path: Path) -> None:
    """Handles only, no actions: every other indicator says what the data lacked."""
    users = write_csv(tmp_path / "u.csv", ["id", "handle"],
                      [[f"u{i}", f"user{i}"] for i in range(20)])  # fmt: skip
    with coordnet.open_store() as store:
        coordnet.ingest([users], store, format="tabular", mapping={
            "table": "actors", "platform": "twitter",
            "mapping": {"actor_id": "id", "handle": "handle"}})  # fmt: skip
        members = members_table(
            {5: [f"u{i}" for i in range(10)], 6: ["ghost1", "ghost2", "ghost3"]}
        )
        result = inauthenticity(store, members)
    rows = by_cluster(result.clusters)
    assert rows[5]["inauthenticity"] == 0.0
    assert rows[5]["reasons"] == [
        "no indicator differs from the store's population",
        "creation burst not available: the data lacks creation dates (created_at) for these "
        "accounts",
        "account age not available: the data lacks creation dates with actions for these accounts",
        "description not available: the data lacks description for these accounts",
        "profile image not available: the data lacks profile_image_hash for these accounts",
        "location not available: the data lacks location for these accounts",
        "follower shape not available: the data lacks follower counts for these accounts",
        "client homogeneity not available: the data lacks posting clients (actions.client) "
        "for these accounts",
    ]
    assert rows[5]["n_handles"] == 10 and rows[5]["patterned_share"] == 0.0
    assert rows[6]["inauthenticity"] == 0.0 and rows[6]["n_handles"] == 0  # not in the store
    actor = result.actors.to_pylist()[0]
    assert actor["inauthenticity"] == 0.0
    assert actor["reasons"] == [
        "account age not available: the data has no creation date (created_at) for it",
        "profile not available: the data lacks description and profile image",
        "follower counts not available: the data lacks followers for it",
    ]
    ghost = next(r for r in result.actors.to_pylist() if r["actor_id"] == "ghost1")
    assert ghost["handle_pattern"] is None and ghost["inauthenticity"] == 0.0


def test_one_member_cluster_and_no_members(store: Store, tmp_path: Path) -> None:
    with handmade_store(tmp_path) as hand:
        single = inauthenticity(hand, members_table({3: ["p0"]}))
    row = single.clusters.to_pylist()[0]
    assert row["inauthenticity"] == 0.0 and row["reasons"] == [
        "1 account(s): too few to compare with the population (at least 3 needed); "
        "see the accounts' own indicators"
    ]
    assert single.actors.to_pylist()[0]["inauthenticity"] > 0.4  # new, 2 followers
    empty = inauthenticity(store, members_table({}))
    assert empty.actors.num_rows == empty.clusters.num_rows == 0
    assert "inauthenticity" in empty.clusters.column_names
    assert empty.actors.schema.field("reasons").type == pa.list_(pa.string())


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (pa.table({"cluster_id": [1]}), "lacks column\\(s\\) actor_id"),
        (pa.table({"cluster_id": [1, None], "actor_id": ["a", "b"]}), "1 row\\(s\\) have no"),
        (pa.table({"cluster_id": ["x"], "actor_id": ["a"]}), "cluster_id must be integers"),
        (pa.table({"cluster_id": [1, 2], "actor_id": ["a", "a"]}), "a in clusters 1, 2"),
        ({"cluster_id": [1], "actor_id": ["a"]}, "must be a pyarrow.Table"),
    ],
)
def test_bad_members(store: Store, members: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        inauthenticity(store, members)


# -- the public surface -------------------------------------------------------------------------
def test_thresholds_stay_importable_from_inauthenticity() -> None:
    """The thresholds live in their own module; the docstring that explains them, and their
    names, stay in coordnet.assess.inauthenticity."""
    assert all(hasattr(inauthenticity_module, name) for name in inauthenticity_module.__all__)
    for name in thresholds.__all__:
        assert name in inauthenticity_module.__all__, name
        assert getattr(inauthenticity_module, name) is getattr(thresholds, name), name
    assert inauthenticity_module.inauthenticity is inauthenticity


# -- real data ----------------------------------------------------------------------------------
@pytest.mark.shared_data
def test_cresci2015_fake_followers_against_humans(
    store: Store, shared_data: Path, tmp_path: Path
) -> None:
    """Cresci-2015 profiles (no creation dates, descriptions or clients) on a platform where
    bought followers are a minority: all 1,950 verified humans and 150 of the 3,351 fake
    followers. Sets of fake followers have few followers; sets of humans show nothing."""
    source = shared_data / "cresci2015_fame_for_sale" / "cresci2015_users.csv"
    with open(source, encoding="utf-8", newline="") as fh:
        header, *body = list(csv.reader(fh))
    label = header.index("label")
    rng = random.Random(3)
    fake = rng.sample([r for r in body if r[label] == "fake_follower"], 150)
    human = [r for r in body if r[label] == "human"]
    coordnet.ingest([write_csv(tmp_path / "cresci2015_users.csv", header, human + fake)], store)
    picked = rng.sample([r[0] for r in human], 150)
    clusters = {j: [r[0] for r in fake[30 * j : 30 * (j + 1)]] for j in range(5)}
    clusters |= {10 + j: picked[30 * j : 30 * (j + 1)] for j in range(5)}
    rows = by_cluster(inauthenticity(store, members_table(clusters)).clusters)
    for j in range(5):
        fakes, humans = rows[j], rows[10 + j]
        assert fakes["follower_shape_share"] > 0.9 > 0.3 > fakes["follower_shape_population_share"]
        assert fakes["followers_score"] > 0.8, fakes
        # the other four families lack data: they add nothing
        assert fakes["inauthenticity"] == pytest.approx(fakes["followers_score"] / 5, abs=1e-4)
        assert humans["inauthenticity"] == 0.0, humans
        assert humans["reasons"][1] == (
            "creation burst not available: the data lacks creation dates (created_at) for "
            "these accounts"
        )
