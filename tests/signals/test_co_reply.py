"""co-reply: a hand-checkable swarm, and parity with the peer's co_reply network."""

from __future__ import annotations

from pathlib import Path

import pytest

import coordnet
from coordnet.signals import CoReply
from coordnet.simulate import simulate
from coordnet.store import Store

from .peer_cnt import directed, peer_network

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet,in_reply_to_tweetid,in_reply_to_userid\n"


def test_swarm_by_hand(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "\n".join([
        "1,a,you lie,2019-01-01 00:00:00,False,T1,target",
        "2,b,shame,2019-01-01 00:00:30,False,T1,target",
        "3,c,shame!,2019-01-01 00:03:00,False,T1,target",
        "4,a,again,2019-01-02 00:00:00,False,T2,target",
        "5,c,again!,2019-01-02 00:00:45,False,T2,target",
        "6,b,a post,2019-01-02 00:00:45,False,,",
    ]) + "\n", encoding="utf-8")  # fmt: skip
    coordnet.ingest([path], store)
    edges = CoReply(window=60).fit(store).edges_.to_pylist()
    assert [(e["source"], e["target"], e["n_objects"]) for e in edges] == [
        ("a", "b", 1), ("a", "c", 1),
    ]  # fmt: skip


def test_same_edges_and_weights_as_coordination_network_toolkit(
    store: Store, tmp_path: Path
) -> None:
    pytest.importorskip("coordination_network_toolkit")
    simulate(tmp_path, scenario="default", accounts=800, days=2, seed=12)
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    peer = peer_network(store, tmp_path, "co_reply", 300)
    assert len(peer) > 20
    assert directed(CoReply(window=300).fit(store).edges_.to_pylist()) == peer
