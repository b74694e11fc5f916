"""hashtag-sequence: order matters, case does not; the window edge; parameters; a planted flood."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals.hashtag_sequence import HashtagSequence
from coordnet.simulate import simulate
from coordnet.store import Store

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid,hashtags\n"


def io_file(path: Path, rows: list[str]) -> Path:
    """Tweets in the information-operations archive format."""
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def tweets(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "h.csv", [
        '1,a,x,2019-01-01 00:00:00,False,,"[StopViolence, SaveHK]"',
        "2,b,x,2019-01-01 00:10:00,False,,\"['stopviolence', 'savehk']\"",
        '3,c,x,2019-01-01 00:05:00,False,,"[SaveHK, StopViolence]"',         # other order
        '4,d,x,2019-01-01 00:06:00,True,1,"[StopViolence, SaveHK]"',         # a repost
        "5,e,x,2019-01-01 00:07:00,False,,[StopViolence]",                   # one tag
        '6,f,x,2019-01-01 00:08:00,False,,"[StopViolence, SaveHK, Extra]"',  # longer
        '7,g,x,2019-01-01 00:09:00,False,,"[StopViolence, SaveHK, extra]"',
        '8,h,x,2019-01-01 00:01:00,False,,"[Go, go]"',                        # one distinct tag
        '9,i,x,2019-01-01 00:02:00,False,,"[go, Go]"',
    ])], store)  # fmt: skip


def test_sequences_by_hand(store: Store, tmp_path: Path) -> None:
    tweets(store, tmp_path)
    sig = HashtagSequence(window=3600).fit(store, evidence_q=1.0)
    assert [(e["source"], e["target"]) for e in sig.edges_.to_pylist()] == [("a", "b"), ("f", "g")]
    evidence = {(r["source"], r["object"], r["lag_s"]) for r in sig.evidence_.to_pylist()}
    assert evidence == {
        ("a", "#stopviolence #savehk", 600.0), ("f", "#stopviolence #savehk #extra", 60.0),
    }  # fmt: skip


def test_min_hashtags(store: Store, tmp_path: Path) -> None:
    tweets(store, tmp_path)
    edges = (
        HashtagSequence(window=3600, min_hashtags=3).fit(store, evidence_q=1.0).edges_.to_pylist()
    )
    assert [(e["source"], e["target"]) for e in edges] == [("f", "g")]


def test_window_edge_is_inclusive(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "h.csv", [
        '1,a,x,2019-01-01 00:00:00,False,,"[a, b]"',
        '2,b,x,2019-01-01 00:10:00,False,,"[a, b]"',
        '3,c,x,2019-01-01 00:20:00.001,False,,"[a, b]"',
    ])], store)  # fmt: skip
    edges = HashtagSequence(window=600).fit(store, evidence_q=1.0).edges_.to_pylist()
    # a-b are exactly 600 s apart (kept); b-c are 600.001 s apart (dropped).
    assert [(e["source"], e["target"]) for e in edges] == [("a", "b")]


def test_bad_parameters(store: Store) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"min_hashtags": 1}, "hashtag_sequence: min_hashtags must be an integer >= 2, not 1"),
        ({"min_hashtags": 2.5}, "min_hashtags must be an integer >= 2, not 2.5"),
        ({"min_hashtags": True}, "min_hashtags must be an integer >= 2, not True"),
        ({"min_hashtags": "3"}, "min_hashtags must be an integer >= 2, not '3'"),
        ({"window": -5}, "hashtag_sequence: window"),
        ({"min_shared": 0}, "hashtag_sequence: min_shared"),
    ]
    for params, match in cases:
        with pytest.raises(InputError, match=match):
            HashtagSequence(**params).fit(store, evidence_q=1.0)


def test_planted_flood_ranks_above_organic(store: Store, tmp_path: Path) -> None:
    """The default scenario's hashtag flood against organic two-tag posts and movements."""
    simulate(tmp_path, scenario="default", accounts=800, days=2, seed=1)
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    degree: dict[str, int] = {}
    for e in HashtagSequence(window=3600).fit(store, evidence_q=1.0).edges_.to_pylist():
        for actor in (e["source"], e["target"]):
            degree[actor] = degree.get(actor, 0) + 1
    with open(tmp_path / "labels.csv", encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh))
    flood = sorted(degree.get(r["actor_id"], 0) for r in labels if r["style"] == "hashtag_flood")
    organic = sorted(degree.get(r["actor_id"], 0) for r in labels if not r["campaign"])
    assert flood[0] >= 10
    # Organic accounts share a two-tag habit with a few others at most.
    assert organic[-1] < flood[0] and organic[int(0.99 * len(organic))] <= 2
