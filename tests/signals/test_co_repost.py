"""co-repost: hand-checkable cases, the window edge, invariants, and parity with the peer."""

from __future__ import annotations

from pathlib import Path

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals import CoRepost
from coordnet.simulate import simulate
from coordnet.store import Store

from .peer_cnt import directed, peer_network

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid,retweet_userid\n"


def io_file(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """Retweets (id, user, time, parent) in the archive format."""
    lines = [f"{i},{u},rt,{t},True,{p},seed" for i, u, t, p in rows]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_toy_case_by_hand(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        ("1", "a", "2019-01-01 00:00:00", "P1"),
        ("2", "b", "2019-01-01 00:00:10", "P1"),
        ("3", "c", "2019-01-01 00:05:00", "P1"),   # too late for a and b
        ("4", "a", "2019-01-01 01:00:00", "P2"),
        ("5", "b", "2019-01-01 01:00:59", "P2"),
        ("6", "b", "2019-01-01 01:00:30", "P2"),   # b reposted P2 twice
    ])], store)  # fmt: skip
    sig = CoRepost(window=60).fit(store, evidence_q=1.0)
    edges = sig.edges_.to_pylist()
    assert [(e["source"], e["target"], e["n_objects"], e["weight_source"], e["weight_target"])
            for e in edges] == [("a", "b", 2, 2, 3)]  # fmt: skip
    assert (edges[0]["lag_min_s"], edges[0]["lag_max_s"]) == (10.0, 59.0)
    evidence = {(r["object"], r["action_source"], r["action_target"], r["lag_s"])
                for r in sig.evidence_.to_pylist()}  # fmt: skip
    assert evidence == {("P1", "1", "2", 10.0), ("P2", "4", "5", 59.0), ("P2", "4", "6", 30.0)}


def test_window_edge_is_inclusive(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "t.csv", [
        ("1", "a", "2019-01-01 00:00:00", "P1"),
        ("2", "b", "2019-01-01 00:01:00", "P1"),
        ("3", "c", "2019-01-01 00:02:00.001", "P1"),
    ])], store)  # fmt: skip
    pairs = [
        (e["source"], e["target"])
        for e in CoRepost(window=60).fit(store, evidence_q=1.0).edges_.to_pylist()
    ]
    # a-b are exactly 60 s apart (kept); b-c are 60.001 s apart (dropped).
    assert pairs == [("a", "b")]


def test_invariants_on_simulated_data(store: Store, tmp_path: Path) -> None:
    simulate(tmp_path, scenario="demo")
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    sig = CoRepost(window=60, min_shared=2).fit(store, evidence_q=1.0)
    edges = sig.edges_.to_pylist()
    assert edges and all(e["source"] < e["target"] for e in edges)
    assert all(e["n_objects"] >= 2 for e in edges)
    with_evidence = {(r["source"], r["target"]) for r in sig.evidence_.to_pylist()}
    assert {(e["source"], e["target"]) for e in edges} == with_evidence
    assert all(abs(r["lag_s"]) <= 60 for r in sig.evidence_.to_pylist())


def test_bad_parameters(store: Store) -> None:
    with pytest.raises(InputError, match="window"):
        CoRepost(window=-1).fit(store, evidence_q=1.0)
    with pytest.raises(InputError, match="min_shared"):
        CoRepost(min_shared=0).fit(store, evidence_q=1.0)


def test_same_edges_and_weights_as_coordination_network_toolkit(
    store: Store, tmp_path: Path
) -> None:
    """The peer's co_retweet network (directed, self-pairs dropped) equals ours."""
    pytest.importorskip("coordination_network_toolkit")
    simulate(tmp_path, scenario="demo", seed=11)
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    peer = peer_network(store, tmp_path, "co_retweet", 60)
    assert len(peer) > 100
    assert (
        directed(CoRepost(window=60, max_actors=None).fit(store, evidence_q=1.0).edges_.to_pylist())
        == peer
    )
