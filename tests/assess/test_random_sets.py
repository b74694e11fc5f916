"""Random sets of store accounts drawn in SQL, and the Monte Carlo p-values against them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

import coordnet
from coordnet.assess.random_sets import (
    N_RANDOM_SETS,
    RandomSets,
    draw_random_sets,
    is_unusual,
    p_lower,
    p_upper,
    pct,
)
from coordnet.store import Store


def test_p_values() -> None:
    null = np.arange(200.0)
    assert p_upper(1000, null) == round(1 / 201, 4) and is_unusual(p_upper(1000, null), null)
    assert p_upper(195, null) == round(6 / 201, 4) and not is_unusual(p_upper(195, null), null)
    assert p_lower(-1, null) == round(1 / 201, 4) and p_lower(4, null) == round(6 / 201, 4)
    # sets without the data (NaN) do not count; fewer than 99 that have it give no p-value
    short = np.concatenate([np.arange(98.0), np.full(102, np.nan)])
    assert p_upper(1000, short) is None and p_lower(-1, short) is None
    assert not is_unusual(None, short)


def test_pct() -> None:
    assert [pct(x) for x in (None, float("nan"), 0.0, 0.001, 0.124, 1.0)] == [
        "n/a", "n/a", "0 %", "<1 %", "12 %", "100 %",
    ]  # fmt: skip


def make_store(store: Store, *, reverse: bool = False) -> None:
    """100 baseline accounts u00..u99 with a value each; clusters 1 (c0..c9) and 2 (d0..d2)."""
    ids = [f"u{i:02d}" for i in range(100)]
    members = [(1, f"c{i}") for i in range(10)] + [(2, f"d{i}") for i in range(3)]
    e = store.engine
    e.execute("CREATE TEMP TABLE t_data (actor_id VARCHAR, v BIGINT)")
    rows = [(a, int(a[1:])) for a in ids] + [(a, 0) for _, a in members]
    for a, v in reversed(rows) if reverse else rows:
        e.execute("INSERT INTO t_data VALUES (?, ?)", [a, v])
    e.execute("CREATE TEMP TABLE t_pop AS SELECT actor_id FROM t_data WHERE actor_id LIKE 'u%'")
    e.execute("CREATE TEMP TABLE t_m (cluster_id BIGINT, actor_id VARCHAR)")
    for c, a in members:
        e.execute("INSERT INTO t_m VALUES (?, ?)", [c, a])


def draw(store: Store, seed: int = 0) -> tuple[RandomSets, list[tuple[Any, ...]]]:
    def create(name: str, sql: str, params: Sequence[Any] | None) -> None:
        store.engine.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", params)

    sets = draw_random_sets(
        store.engine, create, name="t", who="test accounts",
        data_sql="SELECT actor_id FROM t_data", members="t_m", population="t_pop", seed=seed,
    )  # fmt: skip
    return sets, store.engine.rows(f"SELECT m, s, actor_id FROM {sets.table} ORDER BY ALL")


def test_sets_are_uniform_draws_of_the_baseline(store: Store) -> None:
    make_store(store)
    sets, rows = draw(store)
    assert sets.size == {1: 10, 2: 3}
    assert sets.n_sets == {10: N_RANDOM_SETS, 3: N_RANDOM_SETS}
    by_set = Counter((m, s) for m, s, _ in rows)
    assert set(by_set) == {(m, s) for m in (10, 3) for s in range(N_RANDOM_SETS)}
    assert all(n == m for (m, _), n in by_set.items())
    assert len(set(rows)) == len(rows)  # no account twice in a set
    assert {a for *_, a in rows} <= {f"u{i:02d}" for i in range(100)}  # never a member
    # consecutive runs of whole permutations: each account is in exactly 200 x 10 / 100 sets
    assert set(Counter(a for m, _, a in rows if m == 10).values()) == {20}


def test_sets_depend_on_ids_and_seed_only(store: Store) -> None:
    make_store(store)
    _, first = draw(store, seed=3)
    assert draw(store, seed=3)[1] == first
    assert draw(store, seed=4)[1] != first
    with coordnet.open_store() as other:  # the same accounts inserted in the other order
        make_store(other, reverse=True)
        assert draw(other, seed=3)[1] == first


def test_sums_and_comparison(store: Store) -> None:
    make_store(store)
    sets, rows = draw(store)
    values = sets.sums("SELECT z.m, z.s, sum(d.v) FROM {sets} z JOIN t_data d USING (actor_id) "
                       "GROUP BY ALL", 1)  # fmt: skip
    expected = Counter[tuple[int, int]]()
    for m, s, a in rows:
        expected[m, s] += int(a[1:])
    assert all(values[m][s, 0] == v for (m, s), v in expected.items())
    long = sets.sums_long("SELECT z.m, z.s, 0, sum(d.v) FROM {sets} z JOIN t_data d "
                          "USING (actor_id) GROUP BY ALL", 1)  # fmt: skip
    assert all(np.array_equal(long[m], values[m]) for m in values)
    null = sets.null(values, 1, 1)[:, 0]
    assert null.shape == (N_RANDOM_SETS,) and sets.null(values, 99, 1).shape == (0, 1)
    assert sets.compare(1000.0, null, 1, fmt=str).startswith(
        "more than in 200 of 200 random sets of 10 test accounts (median "
    )
    assert sets.compare(0.0, sets.null(values, 99, 1), 99) == (
        "no baseline: 0 random sets of 0 test accounts (99 needed)"
    )


def test_no_sets_larger_than_the_baseline(store: Store) -> None:
    make_store(store)
    store.engine.execute("INSERT INTO t_m SELECT 3, 'big' || i FROM range(150) t(i)")
    store.engine.execute("INSERT INTO t_data SELECT 'big' || i, 0 FROM range(150) t(i)")
    sets, _ = draw(store)
    assert sets.size[3] == 150 and 150 not in sets.n_sets
