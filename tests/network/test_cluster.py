"""Backbone and Leiden: cliques survive whole, weak hub ties go, results are deterministic."""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa

from coordnet.network.cluster import ClusterParams, backbone_mask, leiden_clusters


def _table(edges: list[tuple[str, str, float]]) -> pa.Table:
    s, t, w = zip(*edges, strict=True)
    return pa.table({"source": list(s), "target": list(t), "strength": list(w)})


def _clique(prefix: str, n: int, w: float) -> list[tuple[str, str, float]]:
    names = [f"{prefix}{i:02d}" for i in range(n)]
    return [(a, b, w) for a, b in itertools.combinations(names, 2)]


def test_backbone_keeps_an_even_clique_whole() -> None:
    t = _table(_clique("r", 8, 5.0))
    assert backbone_mask(t["source"], t["target"], t["strength"]).all()


def test_backbone_drops_ties_weak_for_both_ends() -> None:
    edges = _clique("a", 5, 10.0) + _clique("b", 5, 10.0)
    edges += [("a00", "b00", 2.0)]  # weak for both: each end's median is 10
    t = _table(edges)
    mask = backbone_mask(t["source"], t["target"], t["strength"])
    assert not mask[-1]
    assert mask[:-1].all()
    # A hub's only strong tie stays even when the other end has weak ones.
    t2 = _table([("h", "x", 2.0), ("h", "y", 2.0), ("h", "z", 9.0)])
    assert backbone_mask(t2["source"], t2["target"], t2["strength"]).tolist() == [
        True, True, True]  # fmt: skip


def test_leiden_separates_cliques_and_is_deterministic() -> None:
    edges = _clique("a", 6, 8.0) + _clique("b", 5, 8.0) + [("a00", "b00", 1.0), ("x", "y", 9.0)]
    rng = np.random.default_rng(0)
    order = rng.permutation(len(edges))
    first = leiden_clusters(_table(edges)).to_pylist()
    again = leiden_clusters(_table([edges[i] for i in order])).to_pylist()
    assert first == again
    clusters: dict[int, set[str]] = {}
    for row in first:
        clusters.setdefault(row["cluster_id"], set()).add(row["actor_id"])
    assert clusters[1] == {f"a{i:02d}" for i in range(6)}
    assert clusters[2] == {f"b{i:02d}" for i in range(5)}
    assert len(clusters) == 2  # the pair x-y is below min_size


def test_min_size_and_empty_input() -> None:
    edges = _clique("a", 3, 5.0)
    assert leiden_clusters(_table(edges), ClusterParams(min_size=4)).num_rows == 0
    empty = pa.table({"source": pa.array([], pa.string()), "target": pa.array([], pa.string()),
                      "strength": pa.array([], pa.float64())})  # fmt: skip
    assert leiden_clusters(empty).num_rows == 0
