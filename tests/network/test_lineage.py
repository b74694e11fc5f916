"""Stable network ids: the matching rule on hand-made member sets, and the history tables."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordnet.detect import CLUSTERS_SQL, MEMBERS_SQL
from coordnet.errors import InputError
from coordnet.network.lineage import (
    confirmed_networks,
    gone_networks,
    match_clusters,
    network_changes,
    plan_run,
    record_run,
)
from coordnet.store import Store


def ids(prefix: str, n: int, start: int = 0) -> list[str]:
    return [f"{prefix}{i:02d}" for i in range(start, start + n)]


# -- the matching rule ---------------------------------------------------------------------


def test_same_grown_and_shrunk_networks_keep_their_id() -> None:
    previous = {12: ids("a", 10), 13: ids("b", 10), 14: ids("c", 10)}
    new = {
        1: ids("a", 10),  # the same
        2: ids("b", 10) + ids("n", 31),  # grown: 10 of 41 (Jaccard 0.24) still matches
        3: ids("c", 4),  # shrunk to 4 of 10: all of the smaller set is shared
    }
    assert match_clusters(new, previous) == {1: 12, 2: 13, 3: 14}


def test_split_keeps_the_id_on_the_larger_part() -> None:
    previous = {5: ids("a", 10)}
    new = {1: ids("a", 4), 2: ids("a", 6, start=4)}
    assert match_clusters(new, previous) == {2: 5}


def test_merge_keeps_the_id_of_the_network_sharing_most() -> None:
    previous = {5: ids("a", 4), 6: ids("b", 6)}
    new = {1: ids("a", 4) + ids("b", 6)}
    assert match_clusters(new, previous) == {1: 6}


def test_new_and_gone_networks_are_not_matched() -> None:
    previous = {5: ids("a", 6), 6: ids("g", 6)}
    new = {1: ids("a", 6), 2: ids("z", 5)}
    assert match_clusters(new, previous) == {1: 5}


def test_overlap_below_half_of_the_smaller_set_is_no_match() -> None:
    previous = {5: ids("a", 10)}
    # 4 shared of a smaller set of 10: below half, however many others there are.
    assert match_clusters({1: ids("a", 4) + ids("x", 6)}, previous) == {}
    # Exactly half matches (the boundary is inclusive).
    assert match_clusters({1: ids("a", 5) + ids("x", 5)}, previous) == {1: 5}
    assert match_clusters({1: ids("a", 4) + ids("x", 6)}, previous, min_overlap=0.4) == {1: 5}
    with pytest.raises(InputError, match="min_overlap"):
        match_clusters({}, previous, min_overlap=0)


def test_ties_go_to_the_most_recent_then_the_lowest_id() -> None:
    # The same members were in three earlier networks (a network that came back twice).
    previous = {7: ids("a", 5), 8: ids("a", 5), 9: ids("a", 5)}
    new = {1: ids("a", 5)}
    assert match_clusters(new, previous) == {1: 7}
    assert match_clusters(new, previous, last_seen={7: 1, 8: 3, 9: 3}) == {1: 8}


def test_each_previous_network_goes_to_one_cluster_only() -> None:
    previous = {5: ids("a", 6)}
    # Two new clusters each hold exactly half: the rank falls back to the member lists.
    new = {1: ids("a", 3, start=3) + ids("y", 3), 2: ids("a", 3) + ids("x", 3)}
    assert match_clusters(new, previous) == {2: 5}


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    pool = [f"u{i}" for i in range(40)]
    previous = {}
    for old_id in range(1, draw(st.integers(1, 6)) + 1):
        previous[old_id] = draw(st.lists(st.sampled_from(pool), min_size=3, max_size=12,
                                         unique=True))  # fmt: skip
    # New clusters partition a sample of the pool, as clustering does.
    members = draw(st.lists(st.sampled_from(pool), min_size=3, max_size=40, unique=True))
    cuts = sorted(draw(st.lists(st.integers(1, len(members)), max_size=5, unique=True)))
    new, start = {}, 0
    for key, end in enumerate([*cuts, len(members)], start=1):
        if end > start:
            new[key] = members[start:end]
            start = end
    return new, previous


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_matching_ignores_row_order_and_labels(
    case: tuple[dict[int, list[str]], dict[int, list[str]]], rnd: random.Random
) -> None:
    new, previous = case
    first = match_clusters(new, previous)
    # One to one, and every match clears the overlap rule.
    assert len(set(first.values())) == len(first)
    for key, old_id in first.items():
        shared = len(set(new[key]) & set(previous[old_id]))
        assert shared >= 0.5 * min(len(new[key]), len(previous[old_id]))
    # Shuffle members and the order of clusters, and relabel the new clusters.
    keys = list(new)
    rnd.shuffle(keys)
    relabel = {key: 100 + i for i, key in enumerate(keys)}
    shuffled = {relabel[k]: rnd.sample(new[k], len(new[k])) for k in keys}
    old_keys = list(previous)
    rnd.shuffle(old_keys)
    prev_shuffled = {k: rnd.sample(previous[k], len(previous[k])) for k in old_keys}
    again = match_clusters(shuffled, prev_shuffled)
    assert again == {relabel[k]: v for k, v in first.items()}


# -- history in a store ----------------------------------------------------------------------


def members_table(groups: dict[int, list[str]]) -> pa.Table:
    rows = [(a, c) for c, actors in groups.items() for a in actors]
    return pa.table({"actor_id": pa.array([r[0] for r in rows], pa.string()),
                     "cluster_id": pa.array([r[1] for r in rows], pa.int64())})  # fmt: skip


def run(store: Store, groups: dict[int, list[str]], reported: set[int] | None = None) -> dict:
    """One run as find_networks does it: plan, then record with the clusters' flags."""
    with store.engine.transaction():
        plan = plan_run(store, members_table(groups))
        stable = sorted(set(plan.ids.values()))
        flags = [plan.ids[k] in (reported or set()) for k in sorted(plan.ids)]
        clusters = pa.table({"cluster_id": pa.array([plan.ids[k] for k in sorted(plan.ids)],
                                                    pa.int64()),
                             "reported": pa.array(flags)})  # fmt: skip
        record_run(store, plan, clusters)
    assert sorted(plan.ids.values()) == stable
    return {"run_id": plan.run_id, "ids": plan.ids}


def history(store: Store) -> list[tuple[object, ...]]:
    return store.engine.rows(
        """SELECT run_id, cluster_id, reported, size, n_new_members, n_lost_members, is_new
           FROM network_history ORDER BY ALL"""
    )


def test_first_run_keeps_clustering_ids_and_records_everything(store: Store) -> None:
    first = run(store, {1: ids("a", 5), 2: ids("b", 3)}, reported={1})
    assert first == {"run_id": 1, "ids": {1: 1, 2: 2}}
    assert history(store) == [(1, 1, True, 5, 5, 0, True), (1, 2, False, 3, 3, 0, True)]
    assert store.engine.rows("SELECT run_id, since FROM detect_runs") == [(1, None)]
    assert store.engine.scalar("SELECT count(*) FROM member_history WHERE first_run_id = 1") == 8


def test_later_runs_keep_ids_count_gains_and_never_reuse_ids(store: Store) -> None:
    run(store, {1: ids("a", 5), 2: ids("b", 3), 3: ids("c", 4)})
    # Run 2: a grows by 3 and loses 1, b is gone, c is the same, d is new.
    second = run(store, {1: ids("a", 4, start=1) + ids("n", 3), 2: ids("c", 4), 3: ids("d", 3)})
    assert second["run_id"] == 2
    assert second["ids"] == {1: 1, 2: 3, 3: 4}  # d gets 4: id 2 was used, though gone
    assert history(store)[3:] == [
        (2, 1, False, 7, 3, 1, False),
        (2, 3, False, 4, 0, 0, False),
        (2, 4, False, 3, 3, 0, True),
    ]
    assert gone_networks(store, 2) == []  # 2 was not reported, so it is not "gone"
    # Run 3: b comes back (matched to its last snapshot, from run 1) and gets its id.
    third = run(store, {1: ids("b", 3), 2: ids("a", 4, start=1) + ids("n", 3)})
    assert third["ids"] == {1: 2, 2: 1}
    changes = {c.cluster_id: c for c in network_changes(store)}
    assert changes[2].previous_run_id == 1 and changes[2].n_new_members == 0
    assert changes[2].change == "network 2 unchanged since run 1"
    assert changes[1].change == "network 1 unchanged since run 2"
    assert store.engine.rows(
        "SELECT first_run_id, last_run_id FROM member_history WHERE actor_id = 'a00'"
    ) == [(1, 1)]
    assert store.engine.rows(
        "SELECT first_run_id, last_run_id FROM member_history WHERE actor_id = 'n00'"
    ) == [(2, 3)]


def test_changes_flag_new_members_of_confirmed_networks_first(store: Store) -> None:
    run(store, {1: ids("a", 5), 2: ids("b", 5)}, reported={1, 2})
    store.engine.execute(
        """CREATE TABLE decisions (decision_id BIGINT, target_kind VARCHAR, target_id VARCHAR,
           decision VARCHAR, note VARCHAR, analyst VARCHAR, decided_at TIMESTAMP)"""
    )
    decide = "INSERT INTO decisions VALUES (?, ?, ?, ?, '', 'ana', ?)"
    store.engine.execute(decide, [1, "network", "1", "confirmed", "2024-05-01 10:00"])
    store.engine.execute(decide, [2, "network", "1", "dismissed", "2024-05-02 10:00"])
    store.engine.execute(decide, [3, "network", "2", "dismissed", "2024-05-01 10:00"])
    store.engine.execute(decide, [4, "network", "2", "confirmed", "2024-05-02 10:00"])
    store.engine.execute(decide, [5, "account", "1", "confirmed", "2024-05-03 10:00"])
    store.engine.execute(decide, [6, "network", "<script>", "confirmed", "2024-05-03 10:00"])
    assert confirmed_networks(store) == {2}
    run(store, {1: ids("a", 5) + ids("x", 2), 2: [*ids("b", 5), "z9", "y9", "w9"]}, {1, 2})
    changes = network_changes(store)
    assert [c.cluster_id for c in changes] == [2, 1]  # confirmed and grown first
    assert changes[0].is_confirmed and changes[0].new_members == ("w9", "y9", "z9")
    assert changes[0].change == "network 2 gained 3 accounts since run 1"
    assert not changes[1].is_confirmed and changes[1].n_new_members == 2


def test_a_store_from_before_history_is_adopted_as_run_0(store: Store) -> None:
    store.engine.execute(CLUSTERS_SQL)
    store.engine.execute(MEMBERS_SQL)
    store.engine.execute(
        "INSERT INTO clusters (cluster_id, reported, size) VALUES (1, true, 3), (2, false, 3)"
    )
    for cluster_id, actor, outside in [(1, "a", False), (1, "b", False), (1, "c", False),
                                       (1, "seed", True), (2, "x", False), (2, "y", False),
                                       (2, "z", False)]:  # fmt: skip
        store.engine.execute(
            "INSERT INTO cluster_members (cluster_id, actor_id, outside) VALUES (?, ?, ?)",
            [cluster_id, actor, outside],
        )
    # Clustering numbers the continuing network 1 this time; it must become 2 again.
    result = run(store, {1: ["x", "y", "z", "w"], 2: ["p", "q", "r"]})
    assert result == {"run_id": 1, "ids": {1: 2, 2: 3}}
    assert history(store)[:2] == [(0, 1, True, 3, 3, 0, True), (0, 2, False, 3, 3, 0, True)]
    assert store.engine.scalar("SELECT count(*) FROM member_history WHERE actor_id = 'seed'") == 0
    assert gone_networks(store, 1) == [1]
