"""What the HTML report shows, read from a store that ``detect`` wrote.

Every figure comes from the store's tables with SQL, gathered for all chosen networks at once
(one query per kind of data, not one per network) so that a report of a thousand networks
costs a handful of queries. Nothing here formats or escapes: values are returned as they are
stored (post text, handles and URLs included) and :mod:`coordnet.report.html` escapes them.

The operating time zone is not stored in machine-readable form (only in the attribution
reasons), so it is recomputed here exactly as the attribution does it: the members' active
clock hours fitted by :func:`coordnet.assess.timezone.infer_utc_offset` (seed 0).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa

from coordnet.assess.timezone import MIN_FIT, infer_utc_offset
from coordnet.networks import select_networks
from coordnet.store import Store

__all__ = [
    "LAG_BINS",
    "MIN_ACTIVE_HOURS",
    "NetworkData",
    "ReportData",
    "TimeZone",
    "gather",
    "gather_networks",
]

#: A network needs this many active hours (clock hours with an action) for a time zone; the
#: attribution stage uses the same figure.
MIN_ACTIVE_HOURS = 24
#: Upper edges (seconds) of the lag histogram's bins; lags span seconds to a day across
#: signals, so the bins grow roughly geometrically. The last bin is open.
LAG_BINS: tuple[float, ...] = (
    1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600, 43200, 86400,
)  # fmt: skip
#: Neighbouring accounts outside the network shown in its graph (strongest ties first).
MAX_NEIGHBOURS = 25
#: Rows of each evidence table.
MAX_ROWS = 15


@dataclass(frozen=True)
class TimeZone:
    """The network's inferred operating time zone (``offset`` None when not inferable)."""

    offset: int | None
    label: str
    confidence: float
    profile: str | None
    n_active_hours: int
    note: str


@dataclass
class NetworkData:
    """Everything the report shows about one network."""

    cluster: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    #: Accounts outside the network with kept ties to its members.
    neighbours: list[dict[str, Any]] = field(default_factory=list)
    #: Kept fused ties among members and to neighbours (source, target, strength, signals,
    #: main_signal, n_objects, lag_median_s).
    ties: list[dict[str, Any]] = field(default_factory=list)
    #: Flagged members' actions per time bin: (bin start, count), and the bin ("hour"...).
    timeline: list[tuple[datetime, int]] = field(default_factory=list)
    timeline_unit: str = "hour"
    #: Flagged members' actions per hour of the week, UTC, Monday 00 first (168 counts).
    week_hours: list[int] = field(default_factory=lambda: [0] * 168)
    timezone: TimeZone | None = None
    #: Per signal, counts of |lag_s| of the evidence in :data:`LAG_BINS` (len + 1 bins).
    lags: dict[str, list[int]] = field(default_factory=dict)
    shared_objects: list[dict[str, Any]] = field(default_factory=list)
    example_posts: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReportData:
    """The chosen networks (strongest first) and the run's parameters."""

    store_path: str
    n_actions: int
    n_actors: int
    networks: list[NetworkData]
    signal_runs: list[dict[str, Any]]


def gather(store: Store, networks: Iterable[int] | None = None) -> ReportData:
    """Read everything the report shows for ``networks`` (ids; default all reported ones).

    Raises :class:`~coordnet.errors.InputError` when the store has no detection results or
    an id is not a reported network (:func:`coordnet.networks.select_networks`).
    """
    ids = select_networks(store, networks)
    e = store.engine
    runs = []
    if e.rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'signal_runs'"):
        for row in e.arrow(
            "SELECT signal, params, window_s, stats FROM signal_runs ORDER BY signal"
        ).to_pylist():
            row["params"] = _json(row["params"])
            row["stats"] = _json(row["stats"])
            runs.append(row)
    data = ReportData(
        store_path=str(store.path),
        n_actions=int(e.scalar("SELECT count(*) FROM actions")),
        n_actors=int(e.scalar("SELECT count(DISTINCT actor_id) FROM actions")),
        networks=[],
        signal_runs=runs,
    )
    data.networks = gather_networks(store, ids)
    return data


def gather_networks(store: Store, ids: list[int]) -> list[NetworkData]:
    """The per-network part of :func:`gather` for already chosen network ids (reported
    ones, e.g. from :func:`~coordnet.networks.select_networks`), in the order given.

    Its cost is mostly a few scans of ``actions`` and ``evidence`` whatever the number of
    networks, so asking for several networks at once costs little more than for one
    (``coordnet serve`` fetches a network's neighbours in the queue with it).
    """
    if not ids:
        return []
    e = store.engine
    e.register("cn_report_sel", pa.table({"cluster_id": pa.array(ids, pa.int64())}))
    try:
        return _gather_networks(store, ids)
    finally:
        e.unregister("cn_report_sel")


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


_ACTORS = """(SELECT actor_id, arg_min(handle, platform) AS handle,
                     arg_min(display_name, platform) AS display_name,
                     arg_min(followers, platform) AS followers,
                     arg_min(created_at, platform) AS created_at,
                     min(platform) AS platform, arg_min(actor_kind, platform) AS actor_kind
              FROM actors GROUP BY actor_id)"""
# The chosen networks' members; ``flagged`` are the ones reported (the network proper).
_MEMBERS = """(SELECT m.* FROM cluster_members m JOIN cn_report_sel USING (cluster_id))"""
_FLAGGED = """(SELECT cluster_id, actor_id FROM cluster_members
               JOIN cn_report_sel USING (cluster_id) WHERE reported AND NOT outside)"""


def _gather_networks(store: Store, ids: list[int]) -> list[NetworkData]:
    e = store.engine
    nets: dict[int, NetworkData] = {}
    for row in e.arrow(
        "SELECT c.* FROM clusters c JOIN cn_report_sel USING (cluster_id)"
    ).to_pylist():
        nets[int(row["cluster_id"])] = NetworkData(cluster=row)
    members = e.arrow(
        f"""SELECT m.cluster_id, m.actor_id, m.reported, m.role, m.score, m.inauthenticity,
                   m.strength, m.ties, m.n_actions, m.outside, m.reasons,
                   m.inauthenticity_reasons, a.handle, a.display_name, a.followers,
                   a.created_at, a.platform, a.actor_kind
            FROM {_MEMBERS} m LEFT JOIN {_ACTORS} a USING (actor_id)
            ORDER BY m.cluster_id, m.reported DESC, m.score DESC, m.actor_id"""
    ).to_pylist()
    for row in members:
        nets[int(row["cluster_id"])].members.append(row)
    for row in nets.values():
        row.cluster["n_flagged"] = sum(1 for m in row.members if m["reported"])
    _gather_graph(store, nets)
    _gather_times(store, nets)
    _gather_timezones(store, nets)
    _gather_lags(store, nets)
    _gather_evidence(store, nets)
    return [nets[i] for i in ids]


def _gather_graph(store: Store, nets: dict[int, NetworkData]) -> None:
    """Kept fused ties inside each network and to its strongest outside neighbours."""
    rows = store.engine.arrow(
        f"""WITH mem AS (SELECT cluster_id, actor_id FROM {_MEMBERS}),
            half AS (SELECT source AS a, target AS b, source, target, strength, signals,
                            n_objects, lag_median_s FROM fused_edges WHERE kept
                     UNION ALL
                     SELECT target, source, source, target, strength, signals, n_objects,
                            lag_median_s FROM fused_edges WHERE kept),
            touching AS (SELECT m.cluster_id, h.*, (o.actor_id IS NOT NULL) AS inside
                         FROM half h JOIN mem m ON m.actor_id = h.a
                         LEFT JOIN mem o ON o.actor_id = h.b AND o.cluster_id = m.cluster_id),
            nb AS (SELECT cluster_id, b, row_number() OVER (PARTITION BY cluster_id
                          ORDER BY sum(strength) DESC, b) AS rk
                   FROM touching WHERE NOT inside GROUP BY cluster_id, b),
            chosen AS (SELECT t.* FROM touching t
                       WHERE (t.inside AND t.a = t.source)
                          OR (NOT t.inside AND EXISTS (SELECT 1 FROM nb WHERE
                              nb.cluster_id = t.cluster_id AND nb.b = t.b AND nb.rk <= ?)))
            SELECT c.cluster_id, c.source, c.target, c.strength, c.signals, c.n_objects,
                   c.lag_median_s, c.inside, c.b AS other,
                   (SELECT arg_min(g.signal, g.q_value) FROM edges g
                    WHERE g.source = c.source AND g.target = c.target
                      AND list_contains(c.signals, g.signal)) AS main_signal
            FROM chosen c ORDER BY c.cluster_id, c.source, c.target""",
        [MAX_NEIGHBOURS],
    ).to_pylist()
    outside: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        cid = int(row.pop("cluster_id"))
        inside, other = row.pop("inside"), row.pop("other")
        if not row["main_signal"] and row["signals"]:
            row["main_signal"] = sorted(row["signals"])[0]
        nets[cid].ties.append(row)
        if not inside:
            outside[cid].add(other)
    wanted = sorted({a for s in outside.values() for a in s})
    if not wanted:
        return
    info = {
        r["actor_id"]: r
        for r in store.engine.arrow(
            f"""SELECT a.actor_id, a.handle, a.display_name, a.followers,
                       (SELECT min(m.cluster_id) FROM cluster_members m
                        WHERE m.actor_id = a.actor_id AND NOT m.outside) AS cluster_id,
                       (SELECT bool_or(c.reported) FROM cluster_members m
                        JOIN clusters c USING (cluster_id)
                        WHERE m.actor_id = a.actor_id AND NOT m.outside) AS in_reported
                FROM {_ACTORS} a WHERE list_contains(?, a.actor_id)""",
            [wanted],
        ).to_pylist()
    }
    for cid, accounts in outside.items():
        nets[cid].neighbours = [
            info.get(a, {"actor_id": a, "handle": None, "display_name": None,
                         "followers": None, "cluster_id": None, "in_reported": None})
            for a in sorted(accounts)
        ]  # fmt: skip


def _gather_times(store: Store, nets: dict[int, NetworkData]) -> None:
    """Flagged members' actions over time (hour, day or week bins by span) and per hour of
    the week (UTC)."""
    e = store.engine
    for cid, unit, start, n in e.rows(
        f"""WITH acts AS (SELECT f.cluster_id, a.time FROM actions a
                          JOIN {_FLAGGED} f USING (actor_id)),
            span AS (SELECT cluster_id, CASE
                         WHEN max(time) - min(time) <= INTERVAL 10 DAY THEN 'hour'
                         WHEN max(time) - min(time) <= INTERVAL 400 DAY THEN 'day'
                         ELSE 'week' END AS unit
                     FROM acts GROUP BY cluster_id)
            SELECT cluster_id, unit, date_trunc(unit, time) AS start, count(*) AS n
            FROM acts JOIN span USING (cluster_id) GROUP BY ALL ORDER BY cluster_id, start"""
    ):
        net = nets[int(cid)]
        net.timeline_unit = str(unit)
        net.timeline.append((start, int(n)))
    for cid, how, n in e.rows(
        f"""SELECT f.cluster_id, ((isodow(a.time) - 1) * 24 + hour(a.time))::INTEGER,
                   count(*) FROM actions a JOIN {_FLAGGED} f USING (actor_id) GROUP BY ALL"""
    ):
        nets[int(cid)].week_hours[int(how)] = int(n)


def _gather_timezones(store: Store, nets: dict[int, NetworkData]) -> None:
    """The operating time zone of each network, computed as the attribution stage does: on
    every assessed member's active clock hours, per member, seed 0."""
    per: dict[int, dict[str, np.ndarray]] = defaultdict(dict)
    for cid, actor, hour, n in store.engine.rows(
        f"""SELECT cluster_id, actor_id, hour(slot)::INTEGER, count(*) FROM (
                SELECT DISTINCT m.cluster_id, m.actor_id, date_trunc('hour', a.time) AS slot
                FROM actions a JOIN {_MEMBERS} m USING (actor_id))
            GROUP BY ALL"""
    ):
        row = per[int(cid)].setdefault(str(actor), np.zeros(24))
        row[int(hour)] = float(n)
    for cid, net in nets.items():
        rows = per.get(cid)
        n_active = int(sum(r.sum() for r in rows.values())) if rows else 0
        if n_active < MIN_ACTIVE_HOURS or not rows:
            note = (f"not available: {n_active} active hours (clock hours with an action); "
                    f"at least {MIN_ACTIVE_HOURS} are needed to outline a day")  # fmt: skip
            net.timezone = TimeZone(None, "unknown", 0.0, None, n_active, note)
            continue
        fit = infer_utc_offset(np.stack([rows[a] for a in sorted(rows)]), seed=0)
        if fit.confidence == 0 and fit.correlation < MIN_FIT:
            note = (f"no day-night rhythm: the {n_active} active hours fit no human day "
                    f"(correlation {fit.correlation:.2f})")  # fmt: skip
            net.timezone = TimeZone(None, "unknown", 0.0, fit.profile, n_active, note)
            continue
        shape = "an office shift 09-18" if fit.profile == "office_shift" else "a waking day"
        note = (f"active as if in {fit.label} (confidence {fit.confidence:.2f}); "
                f"{n_active} active hours fit {shape}")  # fmt: skip
        net.timezone = TimeZone(fit.offset, fit.label, fit.confidence, fit.profile, n_active, note)


def _gather_lags(store: Store, nets: dict[int, NetworkData]) -> None:
    """Histogram of |lag_s| per signal over the evidence between flagged members."""
    edges = ", ".join(str(b) for b in LAG_BINS)
    for cid, signal, b, n in store.engine.rows(
        f"""SELECT s.cluster_id, v.signal,
                   len(list_filter([{edges}], lambda x: x <= abs(v.lag_s))) AS bin, count(*)
            FROM evidence v JOIN {_FLAGGED} s ON s.actor_id = v.source
            JOIN {_FLAGGED} t ON t.actor_id = v.target AND t.cluster_id = s.cluster_id
            WHERE v.lag_s IS NOT NULL GROUP BY ALL ORDER BY 1, 2, 3"""
    ):
        hist = nets[int(cid)].lags.setdefault(str(signal), [0] * (len(LAG_BINS) + 1))
        hist[int(b)] = int(n)


def _gather_evidence(store: Store, nets: dict[int, NetworkData]) -> None:
    """Most shared objects, example posts and closest co-actions of the strongest pairs."""
    e = store.engine
    ev = f"""(SELECT s.cluster_id, v.* FROM evidence v
              JOIN {_FLAGGED} s ON s.actor_id = v.source
              JOIN {_FLAGGED} t ON t.actor_id = v.target AND t.cluster_id = s.cluster_id)"""
    for row in e.arrow(
        f"""WITH o AS (SELECT cluster_id, signal, object, count(*) AS n_pairs,
                              count(DISTINCT actor) AS n_accounts,
                              median(abs(lag_s)) AS lag_median_s
                       FROM (SELECT *, unnest([source, target]) AS actor FROM {ev})
                       GROUP BY ALL),
                r AS (SELECT *, row_number() OVER (PARTITION BY cluster_id
                             ORDER BY n_accounts DESC, n_pairs DESC, signal, object) AS rk
                      FROM o),
                top AS (SELECT * FROM r WHERE rk <= ?),
                texts AS (SELECT action_id, arg_min(text, platform) AS text FROM actions
                          WHERE action_id IN (SELECT object FROM top) GROUP BY action_id)
            SELECT t.cluster_id, t.signal, t.object, t.n_accounts, t.lag_median_s,
                   p.text AS object_text
            FROM top t LEFT JOIN texts p ON p.action_id = t.object
            ORDER BY t.cluster_id, t.rk""",
        [MAX_ROWS],
    ).to_pylist():
        nets[int(row.pop("cluster_id"))].shared_objects.append(row)
    for row in e.arrow(
        f"""WITH acts AS (SELECT DISTINCT cluster_id, unnest([action_source, action_target])
                                 AS action_id FROM {ev}),
                t AS (SELECT acts.cluster_id, a.text, a.kind, a.actor_id, a.time
                      FROM acts JOIN actions a USING (action_id)
                      WHERE a.text IS NOT NULL AND a.text <> ''),
                g AS (SELECT cluster_id, text, count(*) AS n_posts,
                             count(DISTINCT actor_id) AS n_accounts, min(time) AS first_at,
                             arg_min(actor_id, time) AS first_actor, mode(kind) AS kind
                      FROM t GROUP BY ALL),
                r AS (SELECT *, row_number() OVER (PARTITION BY cluster_id
                             ORDER BY n_posts DESC, first_at, text) AS rk FROM g)
            SELECT cluster_id, text, n_posts, n_accounts, first_at, first_actor, kind
            FROM r WHERE rk <= ? ORDER BY cluster_id, rk""",
        [MAX_ROWS],
    ).to_pylist():
        nets[int(row.pop("cluster_id"))].example_posts.append(row)
    for row in e.arrow(
        f"""WITH best AS (SELECT cluster_id, source, target,
                                 arg_min({{'signal': signal, 'object': object,
                                          'a': action_source, 'b': action_target,
                                          'lag_s': lag_s}},
                                         (abs(lag_s), signal, object)) AS ev
                          FROM {ev} GROUP BY ALL),
                top AS (SELECT b.*, f.strength, row_number() OVER (PARTITION BY b.cluster_id
                               ORDER BY f.strength DESC, b.source, b.target) AS rk
                        FROM best b JOIN fused_edges f USING (source, target)),
                chosen AS (SELECT * FROM top WHERE rk <= ?),
                times AS (SELECT action_id, min(time) AS time FROM actions
                          WHERE action_id IN (SELECT ev.a FROM chosen UNION
                                              SELECT ev.b FROM chosen)
                          GROUP BY action_id)
            SELECT c.cluster_id, c.source, c.target, c.strength, c.ev.signal AS signal,
                   c.ev.object AS object, xs.time AS time_source, xt.time AS time_target,
                   c.ev.lag_s AS lag_s
            FROM chosen c
            LEFT JOIN times xs ON xs.action_id = c.ev.a
            LEFT JOIN times xt ON xt.action_id = c.ev.b
            ORDER BY c.cluster_id, c.rk""",
        [MAX_ROWS],
    ).to_pylist():
        nets[int(row.pop("cluster_id"))].pairs.append(row)
