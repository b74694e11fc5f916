"""Monitoring end to end: ingest week by week into one store, detect, see what changed.

The demo scenario over six days, split in two "weeks" at day 4. Four of the ring
campaign's amplifiers stay silent in the first week, as an operation adding accounts would:
the second run must find the ring under the same id, count the accounts it gained, and flag
them because an analyst confirmed the network in between.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import coordnet
from coordnet.cli import main
from coordnet.detect import DetectConfig, detect, find_networks, only_since
from coordnet.network import FusionParams
from coordnet.simulate import simulate

SPLIT = "2019-08-04"
N_LATE = 4


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), prog_name="coordnet")
    return result.exit_code, result.output


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write(path: Path, records: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return path


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Two weekly files, the profiles, the ring's accounts and the four late ones."""
    sim = tmp_path_factory.mktemp("monitor_sim")
    simulate(sim, scenario="demo", seed=11, days=6)
    labels = rows(sim / "labels.csv")
    ring = sorted(r["actor_id"] for r in labels if r["campaign"] == "ring")
    late = sorted(r["actor_id"] for r in labels if r["campaign"] == "ring"
                  and r["role"] == "amplifier")[:N_LATE]  # fmt: skip
    tweets = rows(sim / "tweets.csv")
    first = [t for t in tweets if t["tweet_time"] < SPLIT and t["userid"] not in late]
    second = [t for t in tweets if t["tweet_time"] >= SPLIT]
    return {
        "week1": write(sim / "week1.csv", first),
        "week2": write(sim / "week2.csv", second),
        "users": sim / "users.csv",
        "ring": set(ring),
        "late": set(late),
    }


def ring_network(accounts_csv: Path, ring: set[str]) -> tuple[int, set[str]]:
    """The reported network holding most ring accounts, and its members."""
    accounts = rows(accounts_csv)
    votes = Counter(a["cluster_id"] for a in accounts if a["account_id"] in ring)
    cluster_id = votes.most_common(1)[0][0]
    return int(cluster_id), {a["account_id"] for a in accounts if a["cluster_id"] == cluster_id}


@pytest.fixture(scope="module")
def monitored(weeks: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Week 1 ingested and detected; the ring confirmed; week 2 ingested and detected."""
    base = tmp_path_factory.mktemp("monitor")
    store = base / "store.duckdb"
    code, text = cli("ingest", str(weeks["week1"]), str(weeks["users"]), "--store", str(store),
                     "--no-progress")  # fmt: skip
    assert code == 0, text
    first = detect([store], base / "run1")
    ring_id, ring_before = ring_network(base / "run1" / "accounts.csv", weeks["ring"])
    with coordnet.open_store(store) as st:
        # The analyst's decision, as `coordnet serve` records it (decisions contract).
        st.engine.execute(
            """CREATE TABLE IF NOT EXISTS decisions (decision_id BIGINT, target_kind VARCHAR,
               target_id VARCHAR, decision VARCHAR, note VARCHAR, analyst VARCHAR,
               decided_at TIMESTAMP)"""
        )
        st.engine.execute(
            "INSERT INTO decisions VALUES (1, 'network', ?, 'confirmed', 'ring', 'ana', now())",
            [str(ring_id)],
        )
    code, text = cli("ingest", str(weeks["week2"]), "--store", str(store), "--no-progress")
    assert code == 0, text
    shutil.copy(store, base / "after_ingest.duckdb")
    code, text = cli("detect", str(store), "--out", str(base / "run2"), "--no-progress")
    assert code == 0, text
    return {"base": base, "store": store, "first": first, "ring_id": ring_id,
            "ring_before": ring_before, "text2": text}  # fmt: skip


def test_weekly_ingest_appends_and_is_idempotent(
    weeks: dict, monitored: dict, tmp_path: Path
) -> None:
    with coordnet.open_store(monitored["store"]) as st:
        n = st.engine.scalar("SELECT count(*) FROM actions")
    assert n == len(rows(weeks["week1"])) + len(rows(weeks["week2"]))
    store = tmp_path / "store.duckdb"
    shutil.copy(monitored["base"] / "after_ingest.duckdb", store)
    code, text = cli("ingest", str(weeks["week2"]), "--store", str(store), "--no-progress")
    assert code == 0 and "already ingested" in text
    # An export overlapping what the store holds adds only the actions it lacks.
    overlap = rows(weeks["week1"])[-10:] + rows(weeks["week2"])
    write(tmp_path / "overlap.csv", overlap)
    code, text = cli("ingest", str(tmp_path / "overlap.csv"), "--store", str(store),
                     "--no-progress")  # fmt: skip
    assert code == 0 and f"-> 0 new actions ({len(overlap):,} already in store)" in text, text


def test_second_run_keeps_ids_and_flags_new_members_of_the_confirmed_network(
    weeks: dict, monitored: dict
) -> None:
    base, ring_id = monitored["base"], monitored["ring_id"]
    first_ids = {n["cluster_id"] for n in monitored["first"].networks}
    second_id, ring_after = ring_network(base / "run2" / "accounts.csv", weeks["ring"])
    assert second_id == ring_id
    gained = ring_after - monitored["ring_before"]
    assert gained and gained <= weeks["late"]  # the silent accounts joined, nobody else
    with coordnet.open_store(monitored["store"]) as st:
        runs = st.engine.rows("SELECT run_id, since FROM detect_runs ORDER BY run_id")
        hist = st.engine.rows(
            "SELECT run_id, size, n_new_members, is_new FROM network_history "
            "WHERE cluster_id = ? ORDER BY run_id",
            [ring_id],
        )
        second_ids = {
            r[0] for r in st.engine.rows("SELECT cluster_id FROM clusters WHERE reported")
        }
    assert runs == [(1, None), (2, None)]
    assert hist[0] == (1, len(monitored["ring_before"]), len(monitored["ring_before"]), True)
    assert hist[1][0] == 2 and hist[1][2] == len(gained) and hist[1][3] is False
    assert second_ids & first_ids, "no network found twice"
    text = monitored["text2"]
    flagged = f"! confirmed network {ring_id} gained {len(gained)} account"
    assert flagged in text, text
    assert all(a in text for a in sorted(gained)[:5])
    assert "run 2:" in text


def test_since_analyses_only_the_window_and_links_to_earlier_runs(
    weeks: dict, monitored: dict, tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(monitored["store"], store)
    code, text = cli("detect", str(store), "--out", str(tmp_path / "w"), "--since", SPLIT,
                     "--no-progress", "--json")  # fmt: skip
    assert code == 0, text
    result = json.loads(text)
    with coordnet.open_store(store) as st:
        in_window = st.engine.scalar("SELECT count(*) FROM actions WHERE time >= ?", [SPLIT])
        total = st.engine.scalar("SELECT count(*) FROM actions")
        # Every co-action behind an edge of this run lies in the window.
        evidence_times = st.engine.rows(
            """SELECT min(a.time), count(*) FROM evidence v
               JOIN actions a ON a.action_id = v.action_source"""
        )[0]
        run = st.engine.rows("SELECT run_id, since FROM detect_runs ORDER BY run_id DESC")[0]
    assert result["n_actions"] == in_window == len(rows(weeks["week2"])) < total
    assert result["since"] == f"{SPLIT}T00:00:00" and result["run_id"] == 3
    assert run[0] == 3 and str(run[1]) == f"{SPLIT} 00:00:00"
    assert evidence_times[1] > 0 and str(evidence_times[0]) >= SPLIT
    for cluster in rows(tmp_path / "w" / "clusters.csv"):
        assert cluster["first_seen"] >= SPLIT
    ring_id, _members = ring_network(tmp_path / "w" / "accounts.csv", weeks["ring"])
    assert ring_id == monitored["ring_id"]
    ring = next(n for n in result["networks"] if n["cluster_id"] == ring_id)
    assert ring["previous_run_id"] == 2 and not ring["is_new"]
    # Reusing the window's edges needs the same window.
    code, text = cli("detect", str(store), "--out", str(tmp_path / "r"), "--reuse-signals",
                     "--no-progress")  # fmt: skip
    assert code == 2 and "since 2019-08-04" in text, text
    code, text = cli("detect", str(store), "--out", str(tmp_path / "r"), "--reuse-signals",
                     "--since", SPLIT, "--no-progress", "--json")  # fmt: skip
    assert code == 0, text
    assert json.loads(text)["n_actions"] == in_window


def test_bad_since_exits_2(monitored: dict, tmp_path: Path) -> None:
    store = str(monitored["base"] / "after_ingest.duckdb")
    code, text = cli("detect", store, "--out", str(tmp_path / "o"), "--since", "last week")
    assert code == 2 and "'last week' is not a date" in text
    code, text = cli("detect", store, "--out", str(tmp_path / "o"), "--since", "2030-01-01")
    assert code == 2 and "no actions at or after 2030-01-01" in text
    # A time with an offset is converted to UTC.
    code, text = cli("detect", store, "--out", str(tmp_path / "o"), "--since",
                     "2019-08-06T23:00:00+02:00", "--no-progress", "--json")  # fmt: skip
    assert code == 0, text
    with coordnet.open_store(store) as st:
        expected = st.engine.scalar(
            "SELECT count(*) FROM actions WHERE time >= '2019-08-06 21:00:00'"
        )
        assert st.engine.scalar("SELECT CAST(max(since) AS VARCHAR) FROM detect_runs") == (
            "2019-08-06 21:00:00"
        )
    assert json.loads(text)["n_actions"] == expected


def test_interrupted_run_leaves_results_and_history_whole(
    monitored: dict, tmp_path: Path, interrupt_network_stage: Callable[..., Any]
) -> None:
    store_path = tmp_path / "copy.duckdb"
    shutil.copy(monitored["store"], store_path)
    tables = ("clusters", "cluster_members", "detect_runs", "network_history", "member_history")
    with coordnet.open_store(store_path) as st:
        strict = DetectConfig(fusion=FusionParams(alpha=0.0001))
        interrupt_network_stage(st, strict, 80, tables)
        assert find_networks(st, strict) == 3
        assert st.engine.scalar("SELECT max(run_id) FROM network_history") == 3


@pytest.mark.slow
def test_spark_signals_see_the_same_window(monitored: dict, tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="the Spark engine needs pyspark (the spark extra)")
    pytest.importorskip("sqlglot", reason="the Spark engine needs sqlglot (the spark extra)")
    if not shutil.which("java"):
        pytest.skip("the Spark engine needs Java")
    from coordnet.engine.spark_engine import SparkEngine
    from coordnet.signals import SIGNALS

    store_path = tmp_path / "store.duckdb"
    shutil.copy(monitored["base"] / "after_ingest.duckdb", store_path)
    since = datetime(2019, 8, 4)
    conf = {"spark.sql.adaptive.enabled": "false", "spark.sql.shuffle.partitions": "1"}
    with coordnet.open_store(store_path) as st, only_since(st, since):
        n_window = st.engine.scalar("SELECT count(*) FROM actions")
        duck = SIGNALS["co_repost"]().fit(st)
        with SparkEngine.from_store(st, master="local[2]", conf=conf) as spark:
            assert spark.rows(
                "SELECT count(*), min(time) >= TIMESTAMP '2019-08-04' FROM actions"
            ) == [(n_window, True)]
            on_spark = SIGNALS["co_repost"]().fit(st, engine=spark)
    assert duck.edges_.num_rows > 0
    assert on_spark.edges_.equals(duck.edges_)
