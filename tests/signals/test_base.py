"""What every signal shares: the estimated window, capped evidence, output-sensitive pairing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals import CoRepost
from coordnet.store import Store

from .test_co_repost import io_file


def _t(seconds: int) -> str:
    return f"2019-01-01 {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def test_auto_window_follows_coornet(store: Store, tmp_path: Path) -> None:
    """20 posts shared 4 times: the quickest 10 % by second share set the window."""
    rows, n = [], 0
    for post in range(20):
        # Second share after 5 s for posts 0-1 (the quickest 10 %), 100 s for the others;
        # half of the shares (the 2nd) arrive at that time, the rest an hour later.
        second = 5 if post < 2 else 100
        for k, offset in enumerate([0, second, 3600, 3700]):
            n += 1
            rows.append((str(n), f"u{k}", _t(post * 7200 + offset), f"P{post}"))
    coordnet.ingest([io_file(tmp_path / "t.csv", rows)], store)
    sig = CoRepost().fit(store, evidence_q=1.0)
    assert sig.window_ == 5.0
    run = store.engine.rows("SELECT params, window_s FROM signal_runs WHERE signal = 'co_repost'")
    assert json.loads(run[0][0])["window"] == "auto" and run[0][1] == 5.0


def test_auto_window_is_capped(store: Store, tmp_path: Path) -> None:
    """Objects whose shares trickle in over days give the cap, not a window of days."""
    rows, n = [], 0
    for post in range(12):
        for k in range(3):
            n += 1
            rows.append((str(n), f"u{k}", f"2019-01-{1 + post * 2 + k:02d} 00:00:00", f"P{post}"))
    coordnet.ingest([io_file(tmp_path / "t.csv", rows)], store)
    assert CoRepost().fit(store, evidence_q=1.0).window_ == 3600.0


def test_auto_window_falls_back_on_little_data(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        ("1", "a", _t(0), "P1"), ("2", "b", _t(30), "P1"),
    ])], store)  # fmt: skip
    assert CoRepost().fit(store, evidence_q=1.0).window_ == CoRepost.default_window


def test_evidence_capped_at_closest(store: Store, tmp_path: Path) -> None:
    rows = []
    for i in range(10):  # a and b co-repost 10 posts, b lagging i + 1 seconds
        rows += [(f"a{i}", "a", _t(i * 600), f"P{i}"), (f"b{i}", "b", _t(i * 600 + i + 1), f"P{i}")]
    coordnet.ingest([io_file(tmp_path / "t.csv", rows)], store)
    sig = CoRepost(window=60, max_evidence=3).fit(store, evidence_q=1.0)
    assert [r["lag_s"] for r in sig.evidence_.to_pylist()] == [1.0, 2.0, 3.0]
    (edge,) = sig.edges_.to_pylist()
    assert (edge["n_objects"], edge["lag_min_s"], edge["lag_max_s"]) == (10, 1.0, 10.0)
    assert edge["lag_median_s"] == 5.5
    assert CoRepost(window=60).fit(store, evidence_q=1.0).evidence_.num_rows == 10


def test_viral_object_costs_what_it_outputs(store: Store, tmp_path: Path) -> None:
    """2,000 reposts of one post, one every 10 s: 6 later rows inside a 60 s window each."""
    rows = [(str(i), f"u{i % 500}", _t(i * 10), "VIRAL") for i in range(2000)]
    coordnet.ingest([io_file(tmp_path / "t.csv", rows)], store)
    stats = CoRepost(window=60).fit(store, evidence_q=1.0).stats_
    assert stats["pairs_generated"] == sum(min(6, 1999 - i) for i in range(2000))
    assert stats["co_actions"] == stats["pairs_generated"]  # no pair of one actor's rows
    assert stats["edges"] == 500 * 6  # actors k apart, k = 1..6, around the circle of 500


def test_parameters_are_validated() -> None:
    for bad in ({"window": -1}, {"window": "soon"}, {"max_evidence": 0}, {"min_shared": True}):
        with pytest.raises(InputError, match="co_repost: "):
            CoRepost(**bad)._validate()
    assert CoRepost(window=5).get_params() == {
        "window": 5, "min_shared": 1, "max_evidence": 20, "max_actors": 1000
    }  # fmt: skip
