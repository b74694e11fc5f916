"""The queue: ranking, filters, decisions and the changes since the previous run."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from coordnet.errors import InputError
from coordnet.networks import reported_networks
from coordnet.serve.decisions import ensure_decisions_table, record_decision
from coordnet.serve.history import latest_run
from coordnet.serve.queue import QueueFilters, queue
from coordnet.serve.views import network_view
from coordnet.store import open_store

from .monitoring import add_two_runs


def test_plain_store_ranks_by_score_without_history(store_copy: Path) -> None:
    with open_store(store_copy) as st:
        ensure_decisions_table(st)
        page = queue(st)
        assert [r["cluster_id"] for r in page.rows] == reported_networks(st)
        assert page.total == len(page.rows) == 2
        assert not page.run.has_previous
        assert all(r["change"] == "" and not r["is_priority"] for r in page.rows)
        assert all(r["decision"] is None for r in page.rows)
        for r in page.rows:
            assert 0 < r["n_flagged"] <= r["size"]
        assert set(page.signals) >= {s for r in page.rows for s in r["signals"]}


def test_filters(store_copy: Path) -> None:
    with open_store(store_copy) as st:
        ensure_decisions_table(st)
        rows = queue(st).rows
        only = {s for s in rows[0]["signals"]} - set(rows[1]["signals"])
        assert only, "the two demo networks differ in a signal"
        signal = sorted(only)[0]
        assert [r["cluster_id"] for r in queue(st, QueueFilters(signal=signal)).rows] == [
            rows[0]["cluster_id"]
        ]
        small = min(r["size"] for r in rows)
        assert all(r["size"] <= small for r in queue(st, QueueFilters(max_size=small)).rows)
        assert queue(st, QueueFilters(min_size=small + 1000)).rows == []
        first = min(r["first_seen"] for r in rows).date()
        last = max(r["last_seen"] for r in rows).date()
        assert queue(st, QueueFilters(since=first, until=last)).total == 2
        assert queue(st, QueueFilters(since=last + timedelta(days=1))).total == 0
        assert queue(st, QueueFilters(until=first - timedelta(days=1))).total == 0
        target = rows[1]["cluster_id"]
        record_decision(st, "network", str(target), "dismissed", analyst="ann")
        assert [r["cluster_id"] for r in queue(st, QueueFilters(decision="dismissed")).rows] == [
            target
        ]
        undecided = queue(st, QueueFilters(decision="undecided")).rows
        assert [r["cluster_id"] for r in undecided] == [rows[0]["cluster_id"]]
        assert queue(st, QueueFilters(decision="confirmed")).rows == []
        page = queue(st, limit=1, offset=1)
        assert page.total == 2 and [r["cluster_id"] for r in page.rows] == [target]
        assert queue(st, limit=1, offset=5).total == 2


@pytest.mark.parametrize(
    "filters",
    [
        QueueFilters(decision="maybe"),
        QueueFilters(min_size=-1),
        QueueFilters(since=date(2024, 2, 1), until=date(2024, 1, 1)),
        QueueFilters(signal="x" * 200),
    ],
)
def test_bad_filters(store_copy: Path, filters: QueueFilters) -> None:
    with open_store(store_copy) as st, pytest.raises(InputError):
        queue(st, filters)


def test_confirmed_network_with_new_members_comes_first(store_copy: Path) -> None:
    with open_store(store_copy) as st:
        ensure_decisions_table(st)
        strongest, weaker = reported_networks(st)[:2]
        new = add_two_runs(st, weaker, 3)
        run = latest_run(st)
        assert run.run_id == 2 and run.has_previous
        page = queue(st)
        # gained members, but not confirmed yet: the score order holds
        assert [r["cluster_id"] for r in page.rows] == [strongest, weaker]
        grown = page.rows[1]
        assert grown["n_new_members"] == 3 and not grown["is_priority"]
        assert grown["change"] == "gained 3 accounts since the previous run"
        assert page.rows[0]["change"] == ""
        record_decision(st, "network", str(weaker), "confirmed", analyst="ann")
        record_decision(st, "network", str(strongest), "confirmed", analyst="ann")
        page = queue(st)
        assert [r["cluster_id"] for r in page.rows] == [weaker, strongest]
        assert page.rows[0]["is_priority"] and not page.rows[1]["is_priority"]
        view = network_view(st, weaker)
        assert {m["actor_id"] for m in view.members[:3]} == set(new)
        assert all(m["is_new_member"] for m in view.members[:3])
        assert not any(m["is_new_member"] for m in view.members[3:])
        assert view.change == "gained 3 accounts since the previous run"
        assert [r["run_id"] for r in view.runs] == [1, 2]
        assert view.current is not None and view.current.decision == "confirmed"
