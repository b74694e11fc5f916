"""Stable network ids across ``detect`` runs on one store, and the history of what changed.

Operations come back: the same network is found again next week, grown by new accounts or
shrunk by suspensions, and an analyst who confirmed "network 12" must find it under that
number again. Clustering numbers its communities afresh on every run, so each run's
candidate clusters are matched to the networks of earlier runs by shared members.

**The matching rule.** A previous network is represented by its members at the last run in
which it was found (a network not found last week but found the week before still counts).
A new cluster ``C`` and a previous network ``P`` *may* match when they share at least
``min_overlap`` (default half) of the smaller of the two:

    ``|C ∩ P| >= min_overlap * min(|C|, |P|)``

so a network that tripled in size still matches (all of its old members are there), and so
does a surviving fragment of one that lost most of its accounts. Among the pairs that may
match, pairs are taken greedily, one to one, strongest first: more shared members first,
then the larger share of the smaller set, then the larger Jaccard index, then the network
seen most recently, then the lower old id, then the cluster whose sorted member list comes
first. Every key is a property of the member sets, so the result does not depend on the
order of rows or on how clustering numbered its clusters. Consequences, by case:

* same or grown or shrunk: keeps its id;
* split: the part sharing most members keeps the id, the other parts get new ids;
* merged: the merged cluster keeps the id of the network it shares most members with; the
  other network is not found in this run (its history simply stops, it can come back);
* new: an id above every id ever used in the store (never reused, even for networks gone).

**History tables** (appended in the same transaction as ``clusters``; see
``docs/monitoring.md``): ``detect_runs`` (one row per run), ``network_history`` (one row per
candidate network per run) and ``member_history`` (per network and account, the first and
the last run in which the account was a member; members exclude outside seeds). A store
whose ``clusters`` were written before history existed is adopted as run 0 on the first
monitored run, so its ids carry on.

Cost: one pass over the members of this run and the members of every earlier network's last
snapshot (``O(members)``, a hash count), plus sorting the candidate pairs, which are few
(each new member votes for the few earlier networks it was in).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from coordnet.errors import InputError
from coordnet.store import Store, utc_now

__all__ = [
    "DETECT_RUNS_SQL",
    "MEMBER_HISTORY_SQL",
    "MIN_OVERLAP",
    "NETWORK_HISTORY_SQL",
    "NetworkChange",
    "RunPlan",
    "confirmed_networks",
    "gone_networks",
    "latest_run",
    "match_clusters",
    "network_changes",
    "plan_run",
    "record_run",
]

#: Default share of the smaller member set two clusters must share to be one network.
MIN_OVERLAP = 0.5

DETECT_RUNS_SQL = """CREATE TABLE IF NOT EXISTS detect_runs (
    run_id BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP, since TIMESTAMP,
    settings JSON)"""
NETWORK_HISTORY_SQL = """CREATE TABLE IF NOT EXISTS network_history (
    run_id BIGINT, cluster_id BIGINT, reported BOOLEAN, size BIGINT, n_new_members BIGINT,
    n_lost_members BIGINT, is_new BOOLEAN)"""
MEMBER_HISTORY_SQL = """CREATE TABLE IF NOT EXISTS member_history (
    cluster_id BIGINT, actor_id VARCHAR, first_run_id BIGINT, last_run_id BIGINT)"""


def match_clusters(
    new: Mapping[int, Iterable[str]],
    previous: Mapping[int, Iterable[str]],
    *,
    min_overlap: float = MIN_OVERLAP,
    last_seen: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Match new clusters to previous networks by shared members, one to one.

    ``new`` and ``previous`` map a cluster key to its member ids; ``last_seen`` maps a
    previous network to the run it was last found in (more recent wins ties). Returns
    ``{new key: previous id}`` for the matched clusters only (module docstring: the rule).

    >>> match_clusters({7: ["a", "b", "c", "d"], 8: ["x", "y", "z"]}, {12: ["a", "b", "c"]})
    {7: 12}
    """
    if not 0 < min_overlap <= 1:
        raise InputError(f"min_overlap must be in (0, 1], not {min_overlap!r}")
    new_sets = {key: frozenset(members) for key, members in new.items()}
    old_sets = {key: frozenset(members) for key, members in previous.items()}
    seen = last_seen or {}
    homes: dict[str, list[int]] = defaultdict(list)
    for old_id, members in old_sets.items():
        for actor in members:
            homes[actor].append(old_id)
    candidates: list[tuple[tuple[Any, ...], int, int]] = []
    for key, members in new_sets.items():
        shared = Counter(old_id for actor in members for old_id in homes.get(actor, ()))
        order = tuple(sorted(members))
        for old_id, k in shared.items():
            smaller = min(len(members), len(old_sets[old_id]))
            if k < min_overlap * smaller:
                continue
            jaccard = k / (len(members) + len(old_sets[old_id]) - k)
            rank = (-k, -k / smaller, -jaccard, -seen.get(old_id, 0), old_id, order)
            candidates.append((rank, key, old_id))
    candidates.sort(key=lambda c: c[0])
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _rank, key, old_id in candidates:
        if key in matched or old_id in taken:
            continue
        matched[key] = old_id
        taken.add(old_id)
    return matched


@dataclass(frozen=True)
class RunPlan:
    """This run's number and stable ids, decided before the assessments run.

    ``members`` is the clustering's ``(actor_id, cluster_id)`` table renumbered with the
    stable ids; ``previous`` holds, per matched or earlier network, the members of its last
    snapshot and ``last_run`` the run of that snapshot.
    """

    run_id: int
    members: pa.Table
    ids: dict[int, int]
    previous: dict[int, frozenset[str]] = field(default_factory=dict)
    last_run: dict[int, int] = field(default_factory=dict)


def _has_table(store: Store, name: str) -> bool:
    return bool(
        store.engine.rows("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [name])
    )


def _ensure_tables(store: Store) -> None:
    """Create the history tables; adopt a store's pre-history results as run 0."""
    adopt = not _has_table(store, "detect_runs") and _has_table(store, "cluster_members")
    for ddl in (DETECT_RUNS_SQL, NETWORK_HISTORY_SQL, MEMBER_HISTORY_SQL):
        store.engine.execute(ddl)
    if not adopt:
        return
    e = store.engine
    settings, finished = None, None
    if _has_table(store, "detect_settings"):
        found = e.rows("SELECT CAST(settings AS VARCHAR), finished_at FROM detect_settings")
        if found:
            settings, finished = found[0]
    e.execute("INSERT INTO detect_runs VALUES (0, NULL, ?, NULL, ?)", [finished, settings])
    e.execute(
        """INSERT INTO member_history
           SELECT DISTINCT cluster_id, actor_id, 0, 0 FROM cluster_members WHERE NOT outside"""
    )
    e.execute(
        """INSERT INTO network_history
           SELECT 0, c.cluster_id, c.reported, count(m.actor_id), count(m.actor_id), 0, true
           FROM clusters c LEFT JOIN member_history m USING (cluster_id)
           GROUP BY c.cluster_id, c.reported"""
    )


def latest_run(store: Store) -> dict[str, Any] | None:
    """The latest row of ``detect_runs`` as a dict (``settings`` parsed), or None."""
    if not _has_table(store, "detect_runs"):
        return None
    rows = store.engine.rows(
        """SELECT run_id, started_at, finished_at, since, CAST(settings AS VARCHAR)
           FROM detect_runs ORDER BY run_id DESC LIMIT 1"""
    )
    if not rows:
        return None
    run_id, started_at, finished_at, since, settings = rows[0]
    return {
        "run_id": int(run_id),
        "started_at": started_at,
        "finished_at": finished_at,
        "since": since,
        "settings": json.loads(settings) if settings else None,
    }


def plan_run(store: Store, members: pa.Table, *, min_overlap: float = MIN_OVERLAP) -> RunPlan:
    """Number this run and give each cluster of ``members`` its stable id.

    ``members`` has ``actor_id`` and ``cluster_id`` (clustering's own numbering). Creates the
    history tables when missing (call inside the run's transaction). Matched clusters take
    the earlier network's id; the others get ids above every id the store ever used, in the
    order of clustering's numbering (largest first), so a store's first run keeps it.
    """
    _ensure_tables(store)
    e = store.engine
    run_id = int(e.scalar("SELECT coalesce(max(run_id) + 1, 1) FROM detect_runs"))
    used = [
        e.scalar("SELECT max(cluster_id) FROM member_history"),
        e.scalar("SELECT max(cluster_id) FROM network_history"),
    ]
    if _has_table(store, "clusters"):
        used.append(e.scalar("SELECT max(cluster_id) FROM clusters"))
    next_id = max((int(u) for u in used if u is not None), default=0) + 1
    # Each earlier network's last snapshot: members whose last run is the network's last.
    previous: dict[int, set[str]] = defaultdict(set)
    last_run: dict[int, int] = {}
    for cluster_id, actor_id, last in e.rows(
        """SELECT cluster_id, actor_id, last_run_id FROM (
               SELECT *, max(last_run_id) OVER (PARTITION BY cluster_id) AS seen
               FROM member_history)
           WHERE last_run_id = seen"""
    ):
        previous[int(cluster_id)].add(str(actor_id))
        last_run[int(cluster_id)] = int(last)
    groups: dict[int, list[str]] = defaultdict(list)
    for actor_id, cluster_id in zip(
        members.column("actor_id").to_pylist(), members.column("cluster_id").to_pylist(),
        strict=True,
    ):  # fmt: skip
        groups[int(cluster_id)].append(str(actor_id))
    matched = match_clusters(groups, previous, min_overlap=min_overlap, last_seen=last_run)
    ids: dict[int, int] = {}
    for key in sorted(groups):
        if key in matched:
            ids[key] = matched[key]
        else:
            ids[key] = next_id
            next_id += 1
    stable = pa.array([ids[int(c)] for c in members.column("cluster_id").to_pylist()], pa.int64())
    renumbered = members.set_column(
        members.schema.get_field_index("cluster_id"), "cluster_id", stable
    )
    frozen = {k: frozenset(v) for k, v in previous.items()}
    return RunPlan(run_id=run_id, members=renumbered, ids=ids, previous=frozen,
                   last_run=last_run)  # fmt: skip


def record_run(
    store: Store,
    plan: RunPlan,
    clusters: pa.Table | None,
    *,
    started_at: datetime | None = None,
    since: datetime | None = None,
    settings: str | None = None,
) -> None:
    """Append this run to ``detect_runs``, ``network_history`` and ``member_history``.

    ``clusters`` is the run's candidate table (``cluster_id``, ``reported``; stable ids).
    Call inside the transaction that writes ``clusters``, after :func:`plan_run`.
    """
    e = store.engine
    reported: dict[int, bool] = {}
    if clusters is not None:
        reported = dict(
            zip((int(c) for c in clusters.column("cluster_id").to_pylist()),
                (bool(r) for r in clusters.column("reported").to_pylist()), strict=True)
        )  # fmt: skip
    groups: dict[int, set[str]] = defaultdict(set)
    for actor_id, cluster_id in zip(
        plan.members.column("actor_id").to_pylist(),
        plan.members.column("cluster_id").to_pylist(),
        strict=True,
    ):
        groups[int(cluster_id)].add(str(actor_id))
    known: dict[int, set[str]] = defaultdict(set)
    if groups:
        ids = ", ".join(str(i) for i in sorted(groups))
        for cluster_id, actor_id in e.rows(
            f"SELECT cluster_id, actor_id FROM member_history WHERE cluster_id IN ({ids})"
        ):
            known[int(cluster_id)].add(str(actor_id))
    history = []
    for cluster_id in sorted(groups):
        now = groups[cluster_id]
        before = plan.previous.get(cluster_id)
        history.append({
            "run_id": plan.run_id,
            "cluster_id": cluster_id,
            "reported": reported.get(cluster_id, False),
            "size": len(now),
            "n_new_members": len(now - known[cluster_id]),
            "n_lost_members": len(before - now) if before is not None else 0,
            "is_new": before is None,
        })  # fmt: skip
    e.execute(
        "INSERT INTO detect_runs VALUES (?, ?, ?, ?, ?)",
        [plan.run_id, started_at, utc_now(), since, settings],
    )
    if not history:
        return
    e.register("cn_history_in", pa.Table.from_pylist(history))
    rows = [(c, a) for c in sorted(groups) for a in sorted(groups[c])]
    e.register("cn_members_in", pa.table({
        "cluster_id": pa.array([r[0] for r in rows], pa.int64()),
        "actor_id": pa.array([r[1] for r in rows], pa.string()),
    }))  # fmt: skip
    try:
        e.execute(
            """INSERT INTO network_history SELECT run_id, cluster_id, reported, size,
                      n_new_members, n_lost_members, is_new FROM cn_history_in"""
        )
        e.execute(
            """UPDATE member_history h SET last_run_id = ?
               FROM cn_members_in m
               WHERE h.cluster_id = m.cluster_id AND h.actor_id = m.actor_id""",
            [plan.run_id],
        )
        e.execute(
            """INSERT INTO member_history
               SELECT m.cluster_id, m.actor_id, ?, ? FROM cn_members_in m
               WHERE NOT EXISTS (SELECT 1 FROM member_history h
                                 WHERE h.cluster_id = m.cluster_id AND h.actor_id = m.actor_id)""",
            [plan.run_id, plan.run_id],
        )
    finally:
        e.unregister("cn_history_in")
        e.unregister("cn_members_in")


def confirmed_networks(store: Store) -> set[int]:
    """Networks whose current analyst decision is ``confirmed``.

    Reads the ``decisions`` audit trail (written by ``coordnet serve``) when the store has
    one: the latest row per network (by ``decided_at``, then ``decision_id``) decides.
    """
    if not _has_table(store, "decisions"):
        return set()
    rows = store.engine.rows(
        """SELECT target_id FROM (
               SELECT target_id, decision, row_number() OVER (
                   PARTITION BY target_id ORDER BY decided_at DESC, decision_id DESC) AS rn
               FROM decisions WHERE target_kind = 'network')
           WHERE rn = 1 AND decision = 'confirmed'"""
    )
    found = set()
    for (target,) in rows:
        try:
            found.add(int(str(target).strip()))
        except ValueError:
            continue  # a decision about something that is not a network id
    return found


@dataclass(frozen=True)
class NetworkChange:
    """How one network of a run compares with the last run it was found in."""

    cluster_id: int
    run_id: int
    reported: bool
    size: int
    is_new: bool
    n_new_members: int
    n_lost_members: int
    #: The last earlier run in which this network was found (None when new).
    previous_run_id: int | None
    #: Whether an analyst's current decision on this network is ``confirmed``.
    is_confirmed: bool
    #: Accounts that are members of this network for the first time, sorted.
    new_members: tuple[str, ...] = ()

    @property
    def change(self) -> str:
        """One line for an analyst: ``network 12 gained 31 accounts (lost 2) since run 3``."""
        if self.is_new or self.previous_run_id is None:
            return f"network {self.cluster_id} is new"
        if not self.n_new_members and not self.n_lost_members:
            return f"network {self.cluster_id} unchanged since run {self.previous_run_id}"
        plural = "account" if self.n_new_members == 1 else "accounts"
        lost = f" (lost {self.n_lost_members})" if self.n_lost_members else ""
        return (
            f"network {self.cluster_id} gained {self.n_new_members} {plural}{lost} "
            f"since run {self.previous_run_id}"
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly view, with ``change`` spelled out."""
        out = dict(self.__dict__)
        out["new_members"] = list(self.new_members)
        out["change"] = self.change
        return out


def network_changes(store: Store, run_id: int | None = None) -> list[NetworkChange]:
    """Every candidate network of run ``run_id`` (default: the latest) with what changed.

    Empty for a store without history. New members of confirmed networks come first, then
    networks by id.
    """
    if not _has_table(store, "network_history"):
        return []
    e = store.engine
    if run_id is None:
        run_id = e.scalar("SELECT max(run_id) FROM network_history")
        if run_id is None:
            return []
    run_id = int(run_id)
    rows = e.rows(
        """SELECT h.cluster_id, h.reported, h.size, h.is_new, h.n_new_members,
                  h.n_lost_members,
                  (SELECT max(p.run_id) FROM network_history p
                   WHERE p.cluster_id = h.cluster_id AND p.run_id < h.run_id) AS previous
           FROM network_history h WHERE h.run_id = ? ORDER BY h.cluster_id""",
        [run_id],
    )
    fresh: dict[int, list[str]] = defaultdict(list)
    for cluster_id, actor_id in e.rows(
        """SELECT cluster_id, actor_id FROM member_history
           WHERE first_run_id = ? ORDER BY cluster_id, actor_id""",
        [run_id],
    ):
        fresh[int(cluster_id)].append(str(actor_id))
    confirmed = confirmed_networks(store)
    changes = []
    for cid, rep, size, is_new, n_new, n_lost, prev in rows:
        changes.append(NetworkChange(
            cluster_id=int(cid), run_id=run_id, reported=bool(rep), size=int(size),
            is_new=bool(is_new), n_new_members=int(n_new), n_lost_members=int(n_lost),
            previous_run_id=None if prev is None else int(prev),
            is_confirmed=int(cid) in confirmed, new_members=tuple(fresh.get(int(cid), ())),
        ))  # fmt: skip
    changes.sort(key=lambda c: (not (c.is_confirmed and c.n_new_members), c.cluster_id))
    return changes


def gone_networks(store: Store, run_id: int) -> list[int]:
    """Networks reported by the run before ``run_id`` and not found at all (not even as an
    unreported candidate) by ``run_id`` itself, by id."""
    if not _has_table(store, "network_history"):
        return []
    rows = store.engine.rows(
        """SELECT cluster_id FROM network_history
           WHERE reported AND run_id = (SELECT max(run_id) FROM network_history WHERE run_id < ?)
           EXCEPT SELECT cluster_id FROM network_history WHERE run_id = ?
           ORDER BY cluster_id""",
        [run_id, run_id],
    )
    return [int(r[0]) for r in rows]
