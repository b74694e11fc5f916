"""The null model, p-values and q-values: formulas by hand, and the null against real shuffles."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import coordnet
from coordnet.signals import CoRepost
from coordnet.signals.significance import bh_qvalues, pair_significance, poisson_pvalues
from coordnet.store import Store

from .test_co_repost import io_file


def test_poisson_tail_by_hand() -> None:
    lam = 0.7
    # P(X >= 3) = 1 - e^-lam (1 + lam + lam^2 / 2)
    by_hand = 1 - math.exp(-lam) * (1 + lam + lam**2 / 2)
    assert poisson_pvalues([3], [lam])[0] == pytest.approx(by_hand, rel=1e-12)
    assert poisson_pvalues([0, 1], [2.0, 0.0]).tolist() == [1.0, 0.0]


def test_benjamini_hochberg_by_hand() -> None:
    # Four observed p-values among m = 10 tests (the six others have p = 1).
    q = bh_qvalues([0.001, 0.04, 0.008, 0.2], 10)
    # sorted: .001 (r1) .008 (r2) .04 (r3) .2 (r4) -> .01, .04, .1333, .5; monotone from the top
    assert q.tolist() == pytest.approx([0.01, 0.4 / 3, 0.04, 0.5])
    assert bh_qvalues([0.9], 1).tolist() == [0.9]
    assert len(bh_qvalues([], 5)) == 0


def test_pair_keeps_the_weaker_direction() -> None:
    out = pair_significance([5], [0.1], [1], [2.0], n_tests=1)
    assert out["p_value"][0] == pytest.approx(poisson_pvalues([1], [2.0])[0])
    assert out["expected"][0] == 2.0 and out["z"][0] == pytest.approx((1 - 2) / math.sqrt(2))


def test_expectation_bounds_real_shuffles(store: Store, tmp_path: Path) -> None:
    """Permuting actor labels for real: the mean matched count stays under `expected`."""
    rng = np.random.default_rng(7)
    n, posts = 400, 25
    actors = [f"u{i}" for i in rng.integers(0, 20, n)]
    parents = [f"P{i}" for i in rng.integers(0, posts, n)]
    secs = rng.integers(0, 900, n)
    rows = [(str(i + 1), actors[i], f"2019-01-01 00:{s // 60:02d}:{s % 60:02d}", parents[i])
            for i, s in enumerate(secs)]  # fmt: skip
    coordnet.ingest([io_file(tmp_path / "t.csv", rows)], store)
    edges = CoRepost(window=30).fit(store).edges_.to_pylist()
    expected = {(e["source"], e["target"]): e for e in edges}
    pair = max(expected, key=lambda k: expected[k]["weight_source"])
    # The pair's expectation in the source direction, recomputed from the definition.
    by_actor = {a: [i for i in range(n) if actors[i] == a] for a in set(actors)}
    src, tgt = pair

    def matched(labels: list[str]) -> int:
        mine = [i for i in range(n) if labels[i] == src]
        theirs = [i for i in range(n) if labels[i] == tgt]
        return sum(any(parents[j] == parents[i] and abs(int(secs[j]) - int(secs[i])) <= 30
                       for j in theirs) for i in mine)  # fmt: skip

    def bound(me: str, other: str) -> float:
        crowd = sum(
            sum(1 for j in range(n) if actors[j] != me and parents[j] == parents[i]
                and abs(int(secs[j]) - int(secs[i])) <= 30)
            for i in by_actor[me]
        )  # fmt: skip
        return len(by_actor[other]) * crowd / (n - len(by_actor[me]))

    stored = expected[pair]["expected"]
    assert stored in (pytest.approx(bound(src, tgt)), pytest.approx(bound(tgt, src)))
    # Shuffle labels of every action except src's (its rows and their crowds stay fixed).
    others = [i for i in range(n) if actors[i] != src]
    counts = []
    for _ in range(300):
        labels = list(actors)
        perm = rng.permutation([actors[i] for i in others])
        for i, a in zip(others, perm, strict=True):
            labels[i] = a
        counts.append(matched(labels))
    assert np.mean(counts) <= bound(src, tgt) * 1.05
    assert matched(actors) == expected[pair]["weight_source"]


def test_q_values_in_sql_equal_numpy_and_batches_change_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The BH step-up runs in SQL over p-values computed in batches; neither changes a value."""
    import coordnet.signals._base as base
    from coordnet.simulate import simulate

    simulate(tmp_path, scenario="demo", seed=5)
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    one = CoRepost(window=600).fit(store)
    edges = one.edges_
    assert edges.num_rows > 100
    runs = store.engine.rows("SELECT CAST(stats AS VARCHAR) FROM signal_runs WHERE signal = ?",
                             ["co_repost"])  # fmt: skip
    n_tests = int(json.loads(runs[0][0])["tests"])
    expected_q = bh_qvalues(edges.column("p_value").to_numpy(), n_tests)
    assert np.array_equal(edges.column("q_value").to_numpy(), expected_q)
    monkeypatch.setattr(base, "EDGE_BATCH", 37)
    monkeypatch.setattr(base, "EAGER_EDGES", 0)  # and edges_ read on first use
    batched = CoRepost(window=600).fit(store)
    assert batched._edges is None
    assert batched.edges_.equals(edges)
    assert batched.n_significant(0.05) == sum(q <= 0.05 for q in expected_q)
