"""report.data against the store that detect wrote (the ``detected`` fixture), values
recomputed independently from the store's tables and detect's output files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from coordnet.errors import InputError
from coordnet.networks import reported_networks
from coordnet.report.data import LAG_BINS, gather
from coordnet.store import open_store


@pytest.fixture(scope="module")
def gathered(detected: Path):  # type: ignore[no-untyped-def]
    with open_store(detected / "store.duckdb") as st:
        yield st, gather(st)


def test_networks_are_the_reported_ones_strongest_first(gathered) -> None:  # type: ignore[no-untyped-def]
    st, data = gathered
    assert [n.cluster["cluster_id"] for n in data.networks] == reported_networks(st)
    assert len(data.networks) == 2
    for net in data.networks:
        rows = st.engine.rows(
            "SELECT count(*), count(*) FILTER (WHERE reported) FROM cluster_members "
            "WHERE cluster_id = ?", [net.cluster["cluster_id"]])  # fmt: skip
        assert (len(net.members), net.cluster["n_flagged"]) == rows[0]


def test_activity_counts_match_the_actions(gathered) -> None:  # type: ignore[no-untyped-def]
    st, data = gathered
    for net in data.networks:
        flagged = [m["actor_id"] for m in net.members if m["reported"] and not m["outside"]]
        times = [r[0] for r in st.engine.rows(
            "SELECT time FROM actions WHERE list_contains(?, actor_id)", [flagged])]  # fmt: skip
        assert sum(n for _, n in net.timeline) == len(times)
        expected = Counter(t.weekday() * 24 + t.hour for t in times)
        assert net.week_hours == [expected.get(h, 0) for h in range(168)]


def test_time_zone_is_the_one_the_attribution_stated(gathered) -> None:  # type: ignore[no-untyped-def]
    _, data = gathered
    for net in data.networks:
        stated = [r for r in net.cluster["attribution_reasons"] if r.startswith("time zone:")]
        found = re.search(r"active as if in (UTC[+-]\d+)", stated[0])
        assert found and net.timezone is not None
        assert net.timezone.label == found.group(1)


def test_lags_and_ties_match_detect_outputs(gathered, detected: Path) -> None:  # type: ignore[no-untyped-def]
    st, data = gathered
    evidence = pq.read_table(detected / "evidence.parquet").to_pylist()
    for net in data.networks:
        cid = net.cluster["cluster_id"]
        counts = Counter(r["signal"] for r in evidence if r["cluster_id"] == cid)
        assert {s: sum(h) for s, h in net.lags.items()} == dict(counts)
        for signal, hist in net.lags.items():
            lags = [abs(r["lag_s"]) for r in evidence
                    if r["cluster_id"] == cid and r["signal"] == signal]  # fmt: skip
            assert hist[0] == sum(1 for x in lags if x < LAG_BINS[0])
        members = {m["actor_id"] for m in net.members}
        inner = st.engine.rows(
            "SELECT count(*) FROM fused_edges WHERE kept AND list_contains(?, source) "
            "AND list_contains(?, target)", [sorted(members), sorted(members)])[0][0]  # fmt: skip
        assert (
            sum(1 for t in net.ties if t["source"] in members and t["target"] in members) == inner
        )
        for pair in net.pairs:
            lag = (pair["time_target"] - pair["time_source"]).total_seconds()
            assert lag == pytest.approx(pair["lag_s"], abs=0.002)
        assert net.shared_objects and net.example_posts


def test_named_networks_and_errors(detected: Path) -> None:
    with open_store(detected / "store.duckdb") as st:
        last = reported_networks(st)[-1]
        assert [n.cluster["cluster_id"] for n in gather(st, [last]).networks] == [last]
        with pytest.raises(InputError, match="not a reported network"):
            gather(st, [987654])
    with open_store() as empty, pytest.raises(InputError, match="no detection results"):
        gather(empty)
