"""co-text: copy-paste by hand, both text forms, and parity with the peer's co_tweet."""

from __future__ import annotations

from pathlib import Path

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals import CoText
from coordnet.simulate import simulate
from coordnet.store import Store

from .peer_cnt import directed, peer_network

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet\n"


@pytest.fixture
def pasted(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "\n".join([
        '1,a,"Stop the  violence https://t.co/x1",2019-01-01 00:00:00,False',
        '2,b,"stop the violence https://t.co/y2",2019-01-01 00:00:20,False',
        '3,c,"@hk Stop the violence",2019-01-01 00:00:30,False',
        '4,d,"stop the violence",2019-01-01 00:05:00,False',
    ]) + "\n", encoding="utf-8")  # fmt: skip
    coordnet.ingest([path], store)
    return store


def test_fingerprint_ignores_links(pasted: Store) -> None:
    edges = CoText(window=60).fit(pasted).edges_.to_pylist()
    assert [(e["source"], e["target"]) for e in edges] == [("a", "b")]


def test_peer_form_ignores_mentions_not_links(pasted: Store) -> None:
    edges = CoText(window=60, text_form="peer").fit(pasted).edges_.to_pylist()
    assert [(e["source"], e["target"]) for e in edges] == []
    edges = CoText(window=600, text_form="peer").fit(pasted).edges_.to_pylist()
    assert [(e["source"], e["target"]) for e in edges] == [("c", "d")]


def test_bad_text_form(store: Store) -> None:
    with pytest.raises(InputError, match="text_form must be one of fingerprint, peer"):
        CoText(text_form="exact").fit(store)


def test_same_edges_and_weights_as_coordination_network_toolkit(
    store: Store, tmp_path: Path
) -> None:
    pytest.importorskip("coordination_network_toolkit")
    simulate(tmp_path, scenario="default", accounts=800, days=2, seed=14)
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    # Texts that normalise to nothing are never matched by coordnet; the peer would.
    non_empty = "trim(regexp_replace(lower(text), '@\\S*', '', 'g')) <> ''"
    peer = peer_network(store, tmp_path, "co_tweet", 60, where=non_empty)
    assert len(peer) > 20
    assert directed(CoText(window=60, text_form="peer").fit(store).edges_.to_pylist()) == peer
