"""Fusion: per-signal selection by q and objects, strength capped per signal, exclusions."""

from __future__ import annotations

import math

import pytest

from coordnet.errors import InputError
from coordnet.network.fuse import FusionParams, fuse_edges
from coordnet.signals._base import EDGES_SQL
from coordnet.store import Store


def _edges(store: Store, rows: list[tuple[str, str, str, int, float, float]]) -> None:
    """Write signal edges (signal, source, target, n_objects, q_value, lag) as signals do."""
    store.engine.execute(EDGES_SQL)
    for sig, s, t, n, q, lag in rows:
        store.engine.execute(
            "INSERT INTO edges VALUES (?, ?, ?, 1.0, ?, ?, ?, ?, ?, ?, 0.1, 5.0, ?, ?)",
            [sig, s, t, n, n, n, lag, lag, lag, q, q],
        )


def test_keeps_significant_multi_object_edges_and_sums_strength(store: Store) -> None:
    _edges(store, [
        ("co_repost", "a", "b", 5, 1e-5, 10.0),
        ("co_text", "a", "b", 3, 1e-3, 20.0),
        ("co_repost", "a", "c", 1, 1e-9, 10.0),     # one object: coincidence
        ("co_repost", "b", "c", 4, 0.2, 10.0),      # not significant
        ("creation_burst", "c", "d", 9, 1e-9, 1.0),  # not coordination
        ("co_link", "d", "e", 2, 1e-80, 3.0),       # capped
    ])  # fmt: skip
    fused = fuse_edges(store, FusionParams(alpha=0.01)).to_pylist()
    by = {(r["source"], r["target"]): r for r in fused}
    assert set(by) == {("a", "b"), ("d", "e")}
    assert by[("a", "b")]["strength"] == pytest.approx(8.0)
    assert by[("a", "b")]["signals"] == ["co_repost", "co_text"]
    assert by[("a", "b")]["n_signals"] == 2
    assert by[("d", "e")]["strength"] == pytest.approx(30.0)
    assert all(r["kept"] for r in fused)


def test_min_signals_marks_single_behaviour_pairs_not_kept(store: Store) -> None:
    _edges(store, [("co_repost", "a", "b", 5, 1e-5, 1.0), ("co_text", "a", "b", 3, 1e-3, 1.0),
                   ("co_repost", "a", "c", 5, 1e-5, 1.0)])  # fmt: skip
    fused = fuse_edges(store, FusionParams(min_signals=2)).to_pylist()
    kept = {(r["source"], r["target"]): r["kept"] for r in fused}
    assert kept == {("a", "b"): True, ("a", "c"): False}


def test_rerun_replaces_previous_fusion(store: Store) -> None:
    _edges(store, [("co_repost", "a", "b", 5, 1e-5, 1.0)])
    fuse_edges(store)
    fuse_edges(store)
    assert store.engine.scalar("SELECT count(*) FROM fused_edges") == 1
    assert math.isclose(store.engine.scalar("SELECT strength FROM fused_edges"), 5.0)


def test_errors_name_the_problem(store: Store) -> None:
    with pytest.raises(InputError, match="run the signals first"):
        fuse_edges(store)
    _edges(store, [])
    with pytest.raises(InputError, match="alpha"):
        fuse_edges(store, FusionParams(alpha=0))
