"""What the network and account pages show, gathered from the store.

The network page reuses the HTML report's components, not a copy of them: the data comes
from :func:`coordnet.report.data.gather`, the per-network JSON (graph with positions, SVG
charts, evidence tables, reasons) from :func:`coordnet.report.detail.network_detail`, and the
browser renders it with the report's own ``report.js``. Around it the app adds what only a
live store has: the analyst decisions on the network and on each member, the members that
are new since the previous monitoring run, and the network's history across runs.

The account page is the ``coordnet explain`` view (:func:`coordnet.explain.explain`) with the
account's decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from coordnet.errors import InputError
from coordnet.explain import Explanation, explain
from coordnet.report.data import gather_networks
from coordnet.report.detail import network_detail
from coordnet.serve.decisions import Decision, current_decisions, decision_history
from coordnet.serve.history import RunInfo, change_text, latest_run, network_runs, new_members
from coordnet.store import Store

__all__ = [
    "MAX_MEMBERS",
    "AccountView",
    "NetworkView",
    "UnknownTarget",
    "account_exists",
    "account_view",
    "network_details",
    "network_static",
    "network_view",
]

#: Members listed on a network page (all of them are in its graph).
MAX_MEMBERS = 500


class UnknownTarget(InputError):
    """The network or account asked for is not in the store (the web app answers 404)."""


@dataclass
class NetworkView:
    """A network page: the cluster row, its members with decisions, history and the report's
    per-network detail (``detail``, the JSON ``report.js`` renders)."""

    cluster: dict[str, Any]
    detail: dict[str, Any]
    members: list[dict[str, Any]]
    n_members: int
    decisions: list[Decision]
    current: Decision | None
    runs: list[dict[str, Any]]
    run: RunInfo
    change: str


@dataclass
class AccountView:
    """An account page: the explanation, handles of its partners, its decisions."""

    explanation: Explanation
    decisions: list[Decision]
    current: Decision | None
    handles: dict[str, str] = field(default_factory=dict)
    network_decision: Decision | None = None


def _cluster(store: Store, cluster_id: int) -> dict[str, Any]:
    if not 0 <= cluster_id < 2**63:
        raise UnknownTarget(f"network {cluster_id} is not in the store")
    rows = store.engine.arrow(
        "SELECT * FROM clusters WHERE cluster_id = ?", [int(cluster_id)]
    ).to_pylist()
    if not rows:
        raise UnknownTarget(f"network {cluster_id} is not in the store")
    if not rows[0]["reported"]:
        raise UnknownTarget(
            f"cluster {cluster_id} is a candidate cluster that detect did not report "
            f"({rows[0]['decision']})"
        )
    return rows[0]


def network_details(store: Store, cluster_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The report's per-network JSON of reported networks (the costly part of a page: it
    reads the members' actions, evidence and ties; several networks cost about as much as
    one, so the app fetches a few at a time and caches them). :class:`UnknownTarget` for an
    id that is not a reported network."""
    for cid in cluster_ids:
        _cluster(store, cid)
    return {int(n.cluster["cluster_id"]): network_detail(n)
            for n in gather_networks(store, [int(c) for c in cluster_ids])}  # fmt: skip


def network_static(
    store: Store,
    cluster_id: int,
    *,
    detail: dict[str, Any] | None = None,
    run: RunInfo | None = None,
) -> NetworkView:
    """The part of a network page that only a new detect run changes: everything but the
    decisions (``members[...]["decision"]`` None, ``decisions`` empty). The web app caches
    it; :func:`network_view` adds the decisions."""
    cluster = _cluster(store, cluster_id)
    if detail is None:
        detail = network_details(store, [cluster_id])[cluster_id]
    run = run or latest_run(store)
    fresh = new_members(store, cluster_id, run)
    members = store.engine.arrow(
        """SELECT m.actor_id, a.handle, a.display_name, m.role, m.score, m.reported,
                  m.outside, m.n_actions
           FROM cluster_members m
           LEFT JOIN (SELECT actor_id, arg_min(handle, platform) AS handle,
                             arg_min(display_name, platform) AS display_name
                      FROM actors WHERE actor_id IN (SELECT actor_id FROM cluster_members
                                                     WHERE cluster_id = ?)
                      GROUP BY actor_id) a USING (actor_id)
           WHERE m.cluster_id = ?
           ORDER BY m.reported DESC, m.score DESC, m.actor_id""",
        [int(cluster_id), int(cluster_id)],
    ).to_pylist()
    n_members = len(members)
    for m in members:
        m["is_new_member"] = m["actor_id"] in fresh
        m["decision"] = None
    members.sort(key=lambda m: not m["is_new_member"])  # stable: new members first
    runs = network_runs(store, cluster_id, run)
    change = ""
    if run.has_previous:
        latest = next((r for r in runs if r["run_id"] == run.run_id), None)
        if latest:
            change = change_text(latest["is_new"], latest["n_new_members"],
                                 latest["n_lost_members"])  # fmt: skip
    return NetworkView(
        cluster=cluster,
        detail=detail,
        members=members[:MAX_MEMBERS],
        n_members=n_members,
        decisions=[],
        current=None,
        runs=runs,
        run=run,
        change=change,
    )


def network_view(
    store: Store,
    cluster_id: int,
    *,
    static: NetworkView | None = None,
    run: RunInfo | None = None,
) -> NetworkView:
    """Everything the page of reported network ``cluster_id`` shows.

    ``static``: :func:`network_static` of the network when the caller has it cached;
    ``run``: the store's :func:`~coordnet.serve.history.latest_run`, when the caller has
    it. Raises :class:`UnknownTarget` for an id that is not a reported network.
    """
    base = static or network_static(store, cluster_id, run=run)
    current = current_decisions(store, "account", [m["actor_id"] for m in base.members])
    members = [{**m, "decision": current.get(m["actor_id"])} for m in base.members]
    history = decision_history(store, target_kind="network", target_id=str(cluster_id))
    return replace(base, members=members, decisions=history,
                   current=history[0] if history else None)  # fmt: skip


def account_exists(store: Store, actor_id: str) -> bool:
    """Whether ``actor_id`` has a profile or an action in the store."""
    return bool(
        store.engine.rows(
            """SELECT 1 WHERE EXISTS (SELECT 1 FROM actors WHERE actor_id = ?)
                           OR EXISTS (SELECT 1 FROM actions WHERE actor_id = ?)""",
            [actor_id, actor_id],
        )
    )


def account_view(store: Store, actor_id: str) -> AccountView:
    """The explain view of ``actor_id`` with its decisions; :class:`UnknownTarget` when the
    account is not in the store."""
    if not actor_id or len(actor_id) > 512 or not account_exists(store, actor_id):
        raise UnknownTarget(f"account {actor_id!r} is not in the store")
    ex = explain(store, actor_id)
    ids = sorted({p["partner"] for p in ex.partners} | {v["partner"] for v in ex.evidence})
    handles = {}
    if ids:
        handles = {
            str(r[0]): str(r[1])
            for r in store.engine.rows(
                """SELECT actor_id, arg_min(handle, platform) FROM actors
                   WHERE list_contains(?, actor_id) AND handle IS NOT NULL GROUP BY actor_id""",
                [ids],
            )
        }
    history = decision_history(store, target_kind="account", target_id=actor_id)
    network_decision = None
    if ex.cluster is not None:
        found = current_decisions(store, "network", [str(ex.cluster["cluster_id"])])
        network_decision = found.get(str(ex.cluster["cluster_id"]))
    return AccountView(
        explanation=ex,
        decisions=history,
        current=history[0] if history else None,
        handles=handles,
        network_decision=network_decision,
    )
