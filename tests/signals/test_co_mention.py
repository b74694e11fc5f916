"""co-mention: a hand-checkable swarm, the window edge, parameters, and a planted swarm."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals.co_mention import CoMention
from coordnet.simulate import simulate
from coordnet.store import Store

HEADER = (
    "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid,retweet_userid,"
    "in_reply_to_tweetid,in_reply_to_userid,quoted_tweet_tweetid,user_mentions\n"
)


def io_file(path: Path, rows: list[str]) -> Path:
    """Tweets in the information-operations archive format (``user_mentions`` are ids)."""
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_swarm_by_hand(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "m.csv", [
        "1,a,@t liar,2019-01-01 00:00:00,False,,,T1,T,,[T]",
        "2,b,@T shame,2019-01-01 00:04:00,False,,,,,,['t']",        # a post; T folded to t
        "3,c,RT @t: x,2019-01-01 00:01:00,True,T1,T,,,,[t]",         # a repost: left out
        "4,d,look,2019-01-01 00:02:00,False,,,,,Q9,\"[t, x, X]\"",  # a quote; x twice
        "5,e,hi @x,2019-01-01 00:03:00,False,,,,,,[x]",
        "6,f,@t late,2019-01-01 00:10:00,False,,,T1,T,,[t]",        # 6 min after b
    ])], store)  # fmt: skip
    sig = CoMention(window=300).fit(store, evidence_q=1.0)
    edges = sig.edges_.to_pylist()
    assert [(e["source"], e["target"], e["n_objects"]) for e in edges] == [
        ("a", "b", 1), ("a", "d", 1), ("b", "d", 1), ("d", "e", 1),
    ]  # fmt: skip
    evidence = {(r["source"], r["target"], r["object"], r["action_source"], r["action_target"],
                 r["lag_s"]) for r in sig.evidence_.to_pylist()}  # fmt: skip
    assert evidence == {
        ("a", "b", "t", "1", "2", 240.0), ("a", "d", "t", "1", "4", 120.0),
        ("b", "d", "t", "2", "4", -120.0), ("d", "e", "x", "4", "5", 60.0),
    }  # fmt: skip


def test_several_targets_and_min_shared(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "m.csv", [
        "1,a,x,2019-01-01 00:00:00,False,,,,,,\"[t, u]\"",
        "2,b,x,2019-01-01 00:01:00,False,,,,,,[t]",
        "3,b,x,2019-01-01 00:02:00,False,,,,,,[u]",
        "4,c,x,2019-01-01 00:01:00,False,,,,,,[u]",
    ])], store)  # fmt: skip
    pairs = {(e["source"], e["target"]): e["n_objects"]
             for e in CoMention(window=300).fit(store).edges_.to_pylist()}  # fmt: skip
    assert pairs == {("a", "b"): 2, ("a", "c"): 1, ("b", "c"): 1}
    kept = CoMention(window=300, min_shared=2).fit(store, evidence_q=1.0).edges_.to_pylist()
    assert [(e["source"], e["target"]) for e in kept] == [("a", "b")]


def test_window_edge_is_inclusive(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "m.csv", [
        "1,a,x,2019-01-01 00:00:00,False,,,,,,[t]",
        "2,b,x,2019-01-01 00:05:00,False,,,,,,[t]",
        "3,c,x,2019-01-01 00:10:00.001,False,,,,,,[t]",
    ])], store)  # fmt: skip
    edges = CoMention(window=300).fit(store, evidence_q=1.0).edges_.to_pylist()
    # a-b are exactly 300 s apart (kept); b-c are 300.001 s apart (dropped).
    assert [(e["source"], e["target"]) for e in edges] == [("a", "b")]


def test_bad_parameters(store: Store) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"window": -1}, "co_mention: window must be 'auto' or a number of seconds >= 0, not -1"),
        ({"window": "soon"}, "co_mention: window must be 'auto' or a number"),
        ({"min_shared": 0}, "co_mention: min_shared must be an integer >= 1, not 0"),
        ({"max_evidence": 0}, "co_mention: max_evidence must be an integer >= 1, not 0"),
    ]
    for params, match in cases:
        with pytest.raises(InputError, match=match):
            CoMention(**params).fit(store, evidence_q=1.0)


def _auc(score: dict[str, int], pos: list[str], neg: list[str]) -> float:
    """Chance that a planted account outscores an organic one (ties count half)."""
    wins = sum((score.get(p, 0) > score.get(n, 0)) + 0.5 * (score.get(p, 0) == score.get(n, 0))
               for p in pos for n in neg)  # fmt: skip
    return wins / (len(pos) * len(neg))


def test_planted_swarm_ranks_above_organic(store: Store, tmp_path: Path) -> None:
    """The default scenario's reply swarm against fans, news crowds and ordinary replies."""
    simulate(tmp_path, scenario="default", accounts=800, days=2, seed=1)
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    degree: dict[str, int] = {}
    for e in CoMention(window=300).fit(store, evidence_q=1.0).edges_.to_pylist():
        for actor in (e["source"], e["target"]):
            degree[actor] = degree.get(actor, 0) + 1
    with open(tmp_path / "labels.csv", encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh))
    swarm = [r["actor_id"] for r in labels if r["style"] == "reply_swarm"]
    organic = [r["actor_id"] for r in labels if not r["campaign"]]
    assert swarm and all(degree.get(a, 0) >= 5 for a in swarm)
    # Fan communities answering their idol within seconds are the hard negatives here.
    assert _auc(degree, swarm, organic) > 0.9
