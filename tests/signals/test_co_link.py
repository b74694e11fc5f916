"""co-link: normalised URLs, reposts left out, and parity with the peer's co_link network."""

from __future__ import annotations

from pathlib import Path

import pytest

import coordnet
from coordnet.signals import CoLink
from coordnet.simulate import simulate
from coordnet.store import Store

from .peer_cnt import directed, peer_network

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid,urls\n"


def test_normalised_urls_match_and_reposts_do_not(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(HEADER + "\n".join([
        "1,a,read,2019-01-01 00:00:00,False,,[https://www.News.example/a?utm_source=x]",
        "2,b,read,2019-01-01 00:00:20,False,,[https://news.example/a/]",
        "3,c,rt,2019-01-01 00:00:30,True,1,[https://news.example/a]",
        "4,d,other,2019-01-01 00:00:40,False,,[https://news.example/b]",
    ]) + "\n", encoding="utf-8")  # fmt: skip
    coordnet.ingest([path], store)
    sig = CoLink(window=60).fit(store, evidence_q=1.0)
    assert [(e["source"], e["target"]) for e in sig.edges_.to_pylist()] == [("a", "b")]
    assert sig.evidence_.to_pylist()[0]["object"] == "https://news.example/a"


def test_same_edges_and_weights_as_coordination_network_toolkit(
    store: Store, tmp_path: Path
) -> None:
    pytest.importorskip("coordination_network_toolkit")
    simulate(tmp_path, scenario="default", accounts=800, days=2, seed=13)
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    # Only posts with URLs: the peer links URL-less posts through an empty URL.
    peer = peer_network(store, tmp_path, "co_link", 60, where="len(urls) > 0")
    assert len(peer) > 20
    assert directed(CoLink(window=60).fit(store, evidence_q=1.0).edges_.to_pylist()) == peer
