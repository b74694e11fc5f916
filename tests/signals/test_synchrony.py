"""synchrony by hand: buckets, their boundaries, the window inside them, the guards."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals.synchrony import Synchrony
from coordnet.simulate import simulate
from coordnet.store import Store

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid\n"
# 30 s buckets start at :00 and :30. a, b and c act three times each, d once.
TWEETS = [
    ("1", "a", "2019-01-01 00:00:01", ""),  # bucket 00:00:00
    ("2", "b", "2019-01-01 00:00:29.999", ""),  # bucket 00:00:00, 28.999 s after a
    ("3", "c", "2019-01-01 00:00:30", ""),  # bucket 00:00:30: 1 ms after b, but alone
    ("4", "d", "2019-01-01 00:01:00", ""),  # bucket 00:01:00 with a, b, c
    ("5", "a", "2019-01-01 00:01:05", ""),
    ("6", "c", "2019-01-01 00:01:10", ""),
    ("7", "b", "2019-01-01 00:01:20", ""),
    ("8", "a", "2019-01-01 00:02:10", "P"),  # bucket 00:02:00, a repost
    ("9", "c", "2019-01-01 00:02:11", "P"),  # bucket 00:02:00, a repost
    ("10", "b", "2019-01-01 00:02:35", ""),  # bucket 00:02:30
]


def io_file(path: Path) -> Path:
    """The toy tweets in the information-operations archive format."""
    lines = [f"{i},{u},x,{t},{bool(p)},{p}" for i, u, t, p in TWEETS]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def edge_list(sig: Synchrony) -> list[tuple[str, str, int]]:
    return [(e["source"], e["target"], e["n_objects"]) for e in sig.edges_.to_pylist()]


def test_shared_buckets_by_hand(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "t.csv")], store)
    sig = Synchrony(window=30, bucket=30, min_shared=2).fit(store, evidence_q=1.0)
    # a-b share 00:00:00 and 00:01:00; a-c 00:01:00 and 00:02:00; b-c only 00:01:00; d acts
    # in one bucket and is dropped before pairing
    assert edge_list(sig) == [("a", "b", 2), ("a", "c", 2)]
    # the actions alone in their bucket stay in: the null model needs all of a, b and c's
    assert sig.stats_["rows"] == 9
    evidence = sorted(
        (r["source"], r["target"], r["object"], r["action_source"], r["action_target"], r["lag_s"])
        for r in sig.evidence_.to_pylist()
    )
    assert evidence == [
        ("a", "b", "bucket:2019-01-01 00:00:00", "1", "2", 28.999),
        ("a", "b", "bucket:2019-01-01 00:01:00", "5", "7", 15.0),
        ("a", "c", "bucket:2019-01-01 00:01:00", "5", "6", 5.0),
        ("a", "c", "bucket:2019-01-01 00:02:00", "8", "9", 1.0),
    ]
    # a window at least as long as the bucket has no role: "auto" is 60 s here
    auto = Synchrony(bucket=30, min_shared=2).fit(store, evidence_q=1.0)
    assert (auto.window_, edge_list(auto)) == (60.0, edge_list(sig))
    minutes = Synchrony(window=60, bucket=60, min_shared=3).fit(store, evidence_q=1.0)
    assert edge_list(minutes) == [("a", "b", 3), ("a", "c", 3), ("b", "c", 3)]


def test_window_inside_the_bucket_is_inclusive(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "t.csv")], store)
    sig = Synchrony(window=10, bucket=30, min_shared=1).fit(store, evidence_q=1.0)
    # a-b are 28.999 s and 15 s apart: too far; b-c and c-d exactly 10 s apart: kept
    assert edge_list(sig) == [("a", "c", 2), ("a", "d", 1), ("b", "c", 1), ("c", "d", 1)]


def test_kinds_and_the_crowd_limit(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([io_file(tmp_path / "t.csv")], store)
    reposts = Synchrony(window=30, bucket=30, min_shared=1, kinds=("repost",)).fit(
        store, evidence_q=1.0
    )
    assert edge_list(reposts) == [("a", "c", 1)]
    # a string is a comma-separated list (the CLI's -p synchrony.kinds=post,repost)
    both = Synchrony(window=30, bucket=30, min_shared=2, kinds="post, repost").fit(
        store, evidence_q=1.0
    )
    assert edge_list(both) == [("a", "b", 2), ("a", "c", 2)]
    crowded = Synchrony(window=30, bucket=30, min_shared=1, max_actors=3).fit(store, evidence_q=1.0)
    # the bucket 00:01:00 has four actors: skipped and listed
    assert edge_list(crowded) == [("a", "b", 1), ("a", "c", 1)]
    assert crowded.skipped_.to_pylist() == [
        {"platform": "twitter", "object": "bucket:2019-01-01 00:01:00", "n_actors": 4}
    ]
    twice = Synchrony(window=30, bucket=30, min_shared=2, max_actors=3).fit(store, evidence_q=1.0)
    assert twice.edges_.num_rows == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bucket": 0}, "bucket must be a number of seconds >= 0.001, not 0"),
        ({"bucket": "30"}, "bucket must be a number of seconds >= 0.001, not '30'"),
        ({"bucket": float("nan")}, "bucket must be a number"),
        ({"kinds": ()}, r"kinds must be None \(every kind\) or a non-empty list"),
        ({"kinds": ("post", "x' OR 1=1")}, "kinds must be None"),
        ({"kinds": "post,"}, "kinds must be None"),
        ({"kinds": ("post", 1)}, "kinds must be None"),
        ({"max_actors": 1}, r"max_actors must be an integer >= 2 or None \(no limit\), not 1"),
        ({"window": -1}, "window"),
        ({"min_shared": 0}, "min_shared"),
    ],
)
def test_bad_parameters(store: Store, params: dict, message: str) -> None:
    with pytest.raises(InputError, match=f"synchrony: {message}"):
        Synchrony(**{"window": 30, **params}).fit(store, evidence_q=1.0)


def test_lockstep_campaigns_rank_above_organic_accounts(store: Store, tmp_path: Path) -> None:
    """Amplification rings repost within seconds and page networks share in one-minute waves:
    their members share more minutes with someone than chance (the null model's z) allows,
    more often than organic accounts do."""
    simulate(tmp_path, scenario="default", accounts=600, days=2, seed=21)
    coordnet.ingest([tmp_path / "tweets.csv"], store)
    with open(tmp_path / "labels.csv", encoding="utf-8") as fh:
        style = {r["actor_id"]: r["style"] for r in csv.DictReader(fh)}
    best: dict[str, float] = {}
    for e in Synchrony(window=60).fit(store, evidence_q=1.0).edges_.to_pylist():
        for actor in (e["source"], e["target"]):
            best[actor] = max(best.get(actor, 0.0), e["z"])
    organic = [best.get(a, 0.0) for a, s in style.items() if not s]
    for lockstep in ("amplification_ring", "pages_groups"):
        planted = [best.get(a, 0.0) for a, s in style.items() if s == lockstep]
        # the chance that a planted account outranks an organic one (ties count half)
        auc = sum((o < p) + (o == p) / 2 for p in planted for o in organic)
        assert auc / (len(planted) * len(organic)) > 0.9, lockstep
