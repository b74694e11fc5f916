"""What the monitoring runs say about a network: new since the last run, members gained.

``coordnet detect`` run again on a growing store keeps each network's id stable and appends
one row per run to ``detect_runs``, one row per network to ``network_history`` and keeps
each member's first and last run in ``member_history`` (the monitoring stage owns those
tables; see ``docs/serve.md``). The web app reads them to say "network 12 gained 31 accounts
since the previous run" and to put confirmed networks with new members first.

Every function here works on a store from a single plain run, which has none of those
tables (or one run only): then nothing is "new" or "gained", because there is no earlier run
to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coordnet.store import Store

__all__ = [
    "RunInfo",
    "change_text",
    "has_table",
    "history_sql",
    "latest_run",
    "network_runs",
    "new_members",
]


@dataclass(frozen=True)
class RunInfo:
    """The latest monitoring run: its id, how many runs the store has seen, and which
    monitoring tables it has (looked up once: the web app holds the store, so they cannot
    change while it runs)."""

    run_id: int | None
    n_runs: int
    has_detect_runs: bool = False
    has_member_history: bool = False

    @property
    def has_previous(self) -> bool:
        """Whether there is an earlier run to compare the latest one with."""
        return self.run_id is not None and self.n_runs >= 2


def has_table(store: Store, name: str) -> bool:
    """Whether the store has table ``name``."""
    return bool(
        store.engine.rows("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name])
    )


def latest_run(store: Store) -> RunInfo:
    """The latest run with network history, or ``RunInfo(None, 0)`` without history."""
    tables = {
        str(r[0])
        for r in store.engine.rows(
            """SELECT table_name FROM information_schema.tables
               WHERE table_name IN ('network_history', 'member_history', 'detect_runs')"""
        )
    }
    if "network_history" not in tables:
        return RunInfo(None, 0)
    run_id, n = store.engine.rows(
        "SELECT max(run_id), count(DISTINCT run_id) FROM network_history"
    )[0]
    return RunInfo(None if run_id is None else int(run_id), int(n or 0),
                   "detect_runs" in tables, "member_history" in tables)  # fmt: skip


def history_sql(run: RunInfo) -> str:
    """A relation ``(cluster_id, is_new, n_new_members, n_lost_members)`` for the latest run
    (empty, with those columns, when there is no earlier run to compare with)."""
    if not run.has_previous:
        return """(SELECT NULL::BIGINT AS cluster_id, NULL::BOOLEAN AS is_new,
                          NULL::BIGINT AS n_new_members, NULL::BIGINT AS n_lost_members
                   WHERE false)"""
    return f"""(SELECT cluster_id, bool_or(is_new) AS is_new,
                       max(n_new_members) AS n_new_members,
                       max(n_lost_members) AS n_lost_members
                FROM network_history WHERE run_id = {int(run.run_id or 0)}
                GROUP BY cluster_id)"""


def change_text(is_new: bool | None, n_new_members: int | None, n_lost_members: int | None) -> str:
    """The change since the previous run in words ("" when nothing changed or unknown)."""
    if is_new:
        return "new since the previous run"
    parts = []
    if n_new_members:
        parts.append(f"gained {n_new_members:,} account{'s' if n_new_members != 1 else ''}")
    if n_lost_members:
        parts.append(f"lost {n_lost_members:,}")
    return (" and ".join(parts) + " since the previous run") if parts else ""


def network_runs(store: Store, cluster_id: int, run: RunInfo | None = None) -> list[dict[str, Any]]:
    """One row per run in which the network was a candidate: run, time, reported, size,
    members gained and lost, new (oldest run first); empty without history. ``run``: the
    store's :func:`latest_run`, when the caller has it."""
    run = run or latest_run(store)
    if run.run_id is None:
        return []
    started = "NULL::TIMESTAMP"
    join = ""
    if run.has_detect_runs:
        started = "r.started_at"
        join = "LEFT JOIN detect_runs r USING (run_id)"
    return store.engine.arrow(
        f"""SELECT h.run_id, {started} AS started_at, h.reported, h.size, h.n_new_members,
                   h.n_lost_members, h.is_new
            FROM network_history h {join} WHERE h.cluster_id = ? ORDER BY h.run_id""",
        [int(cluster_id)],
    ).to_pylist()


def new_members(store: Store, cluster_id: int, run: RunInfo) -> set[str]:
    """Members first seen in the network in the latest run (empty when the network itself
    is new, or without an earlier run)."""
    if not run.has_previous or not run.has_member_history:
        return set()
    rows = store.engine.rows(
        """SELECT m.actor_id FROM member_history m
           WHERE m.cluster_id = ? AND m.first_run_id = ? AND m.last_run_id = ?
             AND m.first_run_id > (SELECT min(first_run_id) FROM member_history
                                   WHERE cluster_id = ?)""",
        [int(cluster_id), run.run_id, run.run_id, int(cluster_id)],
    )
    return {str(r[0]) for r in rows}
