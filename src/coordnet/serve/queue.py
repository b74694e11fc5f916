"""The triage queue: reported networks, ranked, filtered, with decisions and changes.

Ranking: confirmed networks that gained members since the previous monitoring run come first
(an operation that comes back with new accounts is the most urgent thing to act on), then
every other network by coordination score, size and id, the order of
:func:`coordnet.networks.reported_networks`.

Filters: a signal the network shows, its size (accounts in the cluster), its active period
(networks whose coordinated span overlaps the chosen days) and the current analyst decision
(``undecided`` for none yet). One SQL query over ``clusters``, ``cluster_members``,
``decisions`` and the latest monitoring run; nothing proportional to the number of actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from coordnet.errors import InputError
from coordnet.serve.decisions import DECISIONS
from coordnet.serve.history import RunInfo, change_text, history_sql, latest_run
from coordnet.store import Store

__all__ = ["DECISION_FILTERS", "QueueFilters", "QueuePage", "network_signals", "queue"]

#: Values of the decision filter: a decision, or ``undecided``.
DECISION_FILTERS: tuple[str, ...] = ("undecided", *DECISIONS)


@dataclass(frozen=True)
class QueueFilters:
    """What to show: ``None`` means no filter on that field."""

    signal: str | None = None
    min_size: int | None = None
    max_size: int | None = None
    since: date | None = None
    until: date | None = None
    decision: str | None = None

    def validated(self) -> QueueFilters:
        """Self, or :class:`InputError` naming the bad value."""
        if self.decision is not None and self.decision not in DECISION_FILTERS:
            raise InputError(
                f"decision filter {self.decision!r} is not one of {', '.join(DECISION_FILTERS)}"
            )
        for name in ("min_size", "max_size"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 2**62:
                raise InputError(f"{name} {value} is not a size between 0 and 2^62")
        if self.since and self.until and self.since > self.until:
            raise InputError(f"since {self.since} is after until {self.until}")
        if self.signal is not None and len(self.signal) > 100:
            raise InputError("signal name is too long")
        return self


@dataclass
class QueuePage:
    """One page of the queue and what the filter form needs."""

    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    run: RunInfo
    signals: list[str] = field(default_factory=list)


def network_signals(store: Store) -> list[str]:
    """The signals that appear in any reported network (for the filter's choices)."""
    return [
        str(r[0])
        for r in store.engine.rows(
            "SELECT DISTINCT unnest(signals) AS s FROM clusters WHERE reported ORDER BY s"
        )
    ]


def queue(
    store: Store,
    filters: QueueFilters | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
    run: RunInfo | None = None,
) -> QueuePage:
    """The reported networks matching ``filters``, ranked (see the module docstring).

    Each row has the cluster's figures (``cluster_id``, ``size``, ``n_flagged``, ``score``,
    ``inauthenticity``, ``attribution_confidence``, ``signals``, ``first_seen``,
    ``last_seen``), the current decision (``decision``, ``analyst``, ``decided_at``, None
    when undecided), the change since the previous run (``is_new``, ``n_new_members``,
    ``n_lost_members``, ``change``) and ``is_priority`` (confirmed and gained members).
    ``run``: the store's :func:`~coordnet.serve.history.latest_run`, when the caller has it.
    """
    f = (filters or QueueFilters()).validated()
    if not 1 <= limit <= 1000 or not 0 <= offset <= 2**62:
        raise InputError("limit must be 1 to 1000 and offset at least 0")
    run = run or latest_run(store)
    where = ["c.reported"]
    params: list[Any] = []
    if f.signal:
        where.append("list_contains(c.signals, ?)")
        params.append(f.signal)
    if f.min_size is not None:
        where.append("c.size >= ?")
        params.append(f.min_size)
    if f.max_size is not None:
        where.append("c.size <= ?")
        params.append(f.max_size)
    if f.since is not None:
        where.append("c.last_seen >= ?")
        params.append(f.since)
    if f.until is not None:
        where.append("c.first_seen < ?")
        params.append(f.until + timedelta(days=1))
    if f.decision == "undecided":
        where.append("cur.decision IS NULL")
    elif f.decision:
        where.append("cur.decision = ?")
        params.append(f.decision)
    table = store.engine.arrow(
        f"""WITH cur AS (SELECT target_id, decision, analyst, decided_at FROM decisions
                         WHERE target_kind = 'network'
                         QUALIFY row_number() OVER (PARTITION BY target_id
                                                    ORDER BY decision_id DESC) = 1),
                 nf AS (SELECT cluster_id, count(*) FILTER (WHERE reported) AS n_flagged
                        FROM cluster_members GROUP BY cluster_id),
                 h AS {history_sql(run)}
            SELECT c.cluster_id, c.size, coalesce(nf.n_flagged, 0) AS n_flagged, c.score,
                   c.inauthenticity, c.attribution_confidence, c.signals, c.first_seen,
                   c.last_seen, cur.decision, cur.analyst, cur.decided_at,
                   h.is_new, h.n_new_members, h.n_lost_members,
                   coalesce(cur.decision = 'confirmed' AND h.n_new_members > 0, false)
                       AS is_priority,
                   count(*) OVER () AS n_total
            FROM clusters c
            LEFT JOIN cur ON cur.target_id = CAST(c.cluster_id AS VARCHAR)
            LEFT JOIN nf USING (cluster_id)
            LEFT JOIN h USING (cluster_id)
            WHERE {" AND ".join(where)}
            ORDER BY is_priority DESC, c.score DESC NULLS LAST, c.size DESC, c.cluster_id
            LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    ).to_pylist()
    total = int(table[0]["n_total"]) if table else 0
    if not table and offset:
        total = int(
            store.engine.scalar(
                f"""SELECT count(*) FROM clusters c LEFT JOIN (
                        SELECT target_id, decision FROM decisions WHERE target_kind = 'network'
                        QUALIFY row_number() OVER (PARTITION BY target_id
                                                   ORDER BY decision_id DESC) = 1) cur
                    ON cur.target_id = CAST(c.cluster_id AS VARCHAR)
                    WHERE {" AND ".join(where)}""",
                params,
            )
        )
    for row in table:
        row.pop("n_total")
        row["signals"] = list(row["signals"] or [])
        row["change"] = change_text(row["is_new"], row["n_new_members"], row["n_lost_members"])
    return QueuePage(table, total, limit, offset, run, network_signals(store))
