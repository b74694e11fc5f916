"""creation-burst: handle shapes by hand, creation dates at the window edge, parameters, and a
planted sign-up burst."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.signals.creation_burst import CreationBurst
from coordnet.simulate import simulate
from coordnet.store import Store

HEADER = "userid,user_screen_name,account_creation_date,follower_count\n"
HASHED_1 = "1234" + "a" * 60  # the archives' hash of a small account's handle
HASHED_2 = "5678" + "b" * 60  # (same shape as HASHED_1 if it were not recognised)


def users_file(path: Path, rows: list[str]) -> Path:
    """Accounts in the information-operations archive's user-file format."""
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def accounts(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([users_file(tmp_path / "u.csv", [
        "u1,anna12345678,2019-03-01,3",
        "u2,Boris87654321,2019-03-01,0",
        "u3,news_0001,2019-03-02,1",
        "u4,news_0002,2019-03-02,1",
        "u5,news_0003,2019-03-04,1",       # two days after u4
        "u6,carla23456789,2019-03-02,7",   # one day after u1 and u2: inside a day's window
        "u7,john_smith,2019-03-01,120",    # no digits: no shape
        "u8,mike42,2019-03-01,80",         # two digits only
        "u9,lisa77,2019-03-01,95",
        f"h1,{HASHED_1},2019-03-01,10",
        f"h2,{HASHED_2},2019-03-01,10",
        "u10,olga98765432,,4",             # no creation date
    ])], store)  # fmt: skip


def test_shapes_and_dates_by_hand(store: Store, tmp_path: Path) -> None:
    accounts(store, tmp_path)
    sig = CreationBurst().fit(store, evidence_q=1.0)
    assert sig.window_ == 86400.0  # the default, not estimated from activity
    edges = [(e["source"], e["target"]) for e in sig.edges_.to_pylist()]
    assert edges == [("u1", "u2"), ("u1", "u6"), ("u2", "u6"), ("u3", "u4")]
    evidence = {(r["source"], r["target"], r["object"], r["action_source"], r["lag_s"])
                for r in sig.evidence_.to_pylist()}  # fmt: skip
    assert evidence == {
        ("u1", "u2", "a99999999", "u1", 0.0), ("u1", "u6", "a99999999", "u1", 86400.0),
        ("u2", "u6", "a99999999", "u2", 86400.0), ("u3", "u4", "a_9999", "u3", 0.0),
    }  # fmt: skip


def test_min_digits(store: Store, tmp_path: Path) -> None:
    accounts(store, tmp_path)
    short = CreationBurst(window=0, min_digits=2).fit(store, evidence_q=1.0).edges_.to_pylist()
    assert ("u8", "u9") in [(e["source"], e["target"]) for e in short]
    strict = CreationBurst(window=86400, min_digits=8).fit(store, evidence_q=1.0).edges_.to_pylist()
    assert [(e["source"], e["target"]) for e in strict] == [
        ("u1", "u2"), ("u1", "u6"), ("u2", "u6"),
    ]  # fmt: skip


def test_window_edge_is_inclusive(store: Store, tmp_path: Path) -> None:
    coordnet.ingest([users_file(tmp_path / "u.csv", [
        "a,bot_0001,2019-03-01 00:00:00,0",
        "b,bot_0002,2019-03-01 01:00:00,0",
        "c,bot_0003,2019-03-01 02:00:00.001,0",
    ])], store)  # fmt: skip
    edges = CreationBurst(window=3600).fit(store, evidence_q=1.0).edges_.to_pylist()
    # a-b were created exactly an hour apart (kept); b-c an hour and 1 ms apart (dropped).
    assert [(e["source"], e["target"]) for e in edges] == [("a", "b")]


def test_bad_parameters(store: Store) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"min_digits": -1}, "creation_burst: min_digits must be an integer >= 0, not -1"),
        ({"min_digits": 4.0}, "min_digits must be an integer >= 0, not 4.0"),
        ({"min_digits": False}, "min_digits must be an integer >= 0, not False"),
        ({"min_shared": 2}, "creation_burst: min_shared must be 1, not 2"),
        ({"window": -1}, "creation_burst: window"),
    ]
    for params, match in cases:
        with pytest.raises(InputError, match=match):
            CreationBurst(**params).fit(store, evidence_q=1.0)


def test_planted_burst_ranks_above_organic(store: Store, tmp_path: Path) -> None:
    """The default scenario's bulk-registered accounts against organic sign-ups."""
    simulate(tmp_path, scenario="default", accounts=800, days=2, seed=1)
    coordnet.ingest([tmp_path / "users.csv"], store)
    degree: dict[str, int] = {}
    for e in CreationBurst().fit(store, evidence_q=1.0).edges_.to_pylist():
        for actor in (e["source"], e["target"]):
            degree[actor] = degree.get(actor, 0) + 1
    with open(tmp_path / "labels.csv", encoding="utf-8") as fh:
        labels = list(csv.DictReader(fh))
    burst = sorted(degree.get(r["actor_id"], 0) for r in labels if r["style"] == "creation_burst")
    organic = sorted(degree.get(r["actor_id"], 0) for r in labels if not r["campaign"])
    # 60 accounts registered within 36 hours, on two or three dates: each pairs with most.
    assert len(burst) == 60 and burst[0] >= 30
    assert organic[-1] < burst[0] and organic[int(0.99 * len(organic))] <= 2
