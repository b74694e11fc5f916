"""lockstep: a sparse, camouflaged group is found from the objects' side; organic overlap is not."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.network.blocks import block_clusters
from coordnet.network.fuse import FusionParams, fuse_edges
from coordnet.signals import CoRepost, Lockstep
from coordnet.signals.lockstep import MEMBERS_SQL
from coordnet.store import Store

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid,retweet_userid\n"
GROUP = [f"g{i:02d}" for i in range(12)]


def platform_file(path: Path, *, camouflage: int = 20, seed: int = 3) -> Path:
    """300 organic accounts repost 8 random posts each; a 12-account group reposts 4 posts of
    its seed, 10 members each time spread over 50 minutes, and adds ``camouflage`` random
    organic reposts per member. No two group members share more than 4 seed posts."""
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str, str]] = []
    posts = [(f"P{i}", f"author{i % 40}") for i in range(400)]

    def repost(user: str, minute: int, post: tuple[str, str]) -> None:
        hours, mins = divmod(minute, 60)
        day, hours = divmod(hours, 24)
        when = f"2019-01-{day + 1:02d} {hours:02d}:{mins:02d}:00"
        rows.append((str(len(rows) + 1), user, when, post[0], post[1]))

    for u in range(300):
        for post in rng.sample(posts, 8):
            repost(f"u{u:03d}", rng.randrange(6 * 24 * 60), post)
    for k in range(4):
        start = 24 * 60 * (k + 1)
        for j in range(10):
            repost(GROUP[(3 * k + j) % 12], start + 5 * j, (f"S{k}", "seed"))
    for member in GROUP:
        for post in rng.sample(posts, camouflage):
            repost(member, rng.randrange(6 * 24 * 60), post)
    lines = [f"{i},{u},RT,{t},True,{p},{a}" for i, u, t, p, a in rows]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def platform(store: Store, tmp_path: Path) -> Store:
    coordnet.ingest([platform_file(tmp_path / "t.csv")], store)
    return store


def members(store: Store) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for block, actor_id in store.engine.rows("SELECT block, actor_id FROM lockstep_members"):
        found.setdefault(int(block), set()).add(str(actor_id))
    return found


def test_the_group_is_one_block_and_only_it(platform: Store) -> None:
    sig = Lockstep().fit(platform)
    assert list(members(platform).values()) == [set(GROUP)]
    edges = sig.edges_.to_pylist()
    assert edges and all(e["source"] in GROUP and e["target"] in GROUP for e in edges)
    assert all(e["q_value"] <= 0.05 and e["expected"] < 1 for e in edges)
    assert {r["object"] for r in sig.evidence_.to_pylist()} == {f"post:S{k}" for k in range(4)}
    assert all(abs(r["lag_s"]) <= 3600 for r in sig.evidence_.to_pylist())


def test_pairs_alone_do_not_see_it(platform: Store) -> None:
    """The reason for the signal: co-repost pairs of the group are not significant."""
    pairs = CoRepost(window=3600).fit(platform).edges_.to_pylist()
    inside = [e for e in pairs if e["source"] in GROUP and e["target"] in GROUP]
    assert inside and not [e for e in inside if e["q_value"] <= 0.05]


def test_camouflage_does_not_hide_the_group(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([platform_file(tmp_path / "t.csv", camouflage=60)], store)
    Lockstep().fit(store)
    assert list(members(store).values()) == [set(GROUP)]


def test_lift_and_validation(platform: Store) -> None:
    assert Lockstep(min_lift=1e9).fit(platform).edges_.num_rows == 0
    assert members(platform) == {}
    with pytest.raises(InputError, match="min_common must be an integer >= 2"):
        Lockstep(min_common=1).fit(platform)
    with pytest.raises(InputError, match="min_lift must be a number >= 1"):
        Lockstep(min_lift=0.5).fit(platform)


def test_fusion_keeps_lockstep_out_of_pair_strength(platform: Store) -> None:
    Lockstep().fit(platform)
    CoRepost(window=3600).fit(platform)
    # No pair shares more than 4 posts, yet the group's ties pass min_objects=5: that rule
    # is the signal's business (each member's objects in its block), not the pair's.
    fused = fuse_edges(platform, FusionParams(min_objects=5)).to_pylist()
    only = [r for r in fused if r["signals"] == ["lockstep"]]
    assert only and all(r["pair_strength"] == 0 and r["strength"] > 0 for r in only)
    assert max(r["n_objects"] for r in only) <= 4


def test_blocks_become_networks_unless_covered(platform: Store) -> None:
    Lockstep().fit(platform)
    none = pa.table({"actor_id": pa.array([], pa.string()), "cluster_id": pa.array([], pa.int64())})
    added = block_clusters(platform, none, min_size=3).to_pylist()
    assert {r["actor_id"] for r in added} == set(GROUP)
    assert {r["cluster_id"] for r in added} == {1}
    # Covered (half of it in community 7): the rest joins 7, each member having acted on 3
    # or 4 of the group's posts.
    covered = pa.table({"actor_id": GROUP[:6], "cluster_id": [7] * 6})
    joined = block_clusters(platform, covered, min_size=3).to_pylist()
    assert {r["actor_id"] for r in joined} == set(GROUP)
    assert {r["cluster_id"] for r in joined} == {7}
    partly = pa.table({"actor_id": GROUP[:5], "cluster_id": [7] * 5})
    grown = block_clusters(platform, partly, min_size=3).to_pylist()
    assert {r["actor_id"] for r in grown if r["cluster_id"] == 8} == set(GROUP[5:])


def test_covered_block_lends_its_repeat_actors_to_the_community(store: Store) -> None:
    """Outside members join the covering community with at least 2 block objects and a
    quarter of the busiest member's; one-off members (an organic repost) stay out."""
    store.engine.execute(MEMBERS_SQL)
    rows = [(0, "a1", 8), (0, "a2", 4), (0, "a3", 4), (0, "a4", 4), (0, "a5", 4),
            (0, "f1", 2), (0, "f2", 1), (0, "f3", 1),
            (1, "b1", 12), (1, "b2", 12), (1, "f4", 2), (1, "f5", 3)]  # fmt: skip
    for block, actor, n in rows:
        store.engine.execute("INSERT INTO lockstep_members VALUES (?, 'twitter', ?, ?)",
                             [block, actor, n])  # fmt: skip
    members = pa.table({"actor_id": ["a1", "a2", "a3", "a4", "b1", "b2"],
                        "cluster_id": [5, 5, 5, 5, 6, 6]})  # fmt: skip
    placed = {r["actor_id"]: r["cluster_id"]
              for r in block_clusters(store, members, min_size=3).to_pylist()}  # fmt: skip
    assert placed == {"a1": 5, "a2": 5, "a3": 5, "a4": 5, "a5": 5, "f1": 5,
                      "b1": 6, "b2": 6, "f5": 6}  # fmt: skip
