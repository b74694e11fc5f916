"""Why an account is (or is not) flagged: its network, partners, shared objects and scores.

Reads what ``detect`` left in the store (``cluster_members``, ``clusters``,
``fused_edges``, ``edges``, ``evidence``) and puts one account's part of it in words, so an
investigator can check a finding before acting on it, or answer "why not this one?".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coordnet.errors import InputError
from coordnet.store import Store

__all__ = ["Explanation", "explain"]


@dataclass(frozen=True)
class Explanation:
    """One account's standing: verdict in words, then the figures behind it."""

    actor_id: str
    verdict: str
    profile: dict[str, Any]
    membership: dict[str, Any] | None
    cluster: dict[str, Any] | None
    #: Strongest partners: partner id, strength, signals, whether the tie is kept.
    partners: list[dict[str, Any]] = field(default_factory=list)
    #: Per-signal edges with the top partners: signal, n_objects, lags, q_value.
    edges: list[dict[str, Any]] = field(default_factory=list)
    #: Shared objects with both actions' times and the lag.
    evidence: list[dict[str, Any]] = field(default_factory=list)


def explain(
    store: Store, actor_id: str, *, max_partners: int = 10, max_evidence: int = 20
) -> Explanation:
    """Explain ``actor_id``'s standing in the last ``detect`` run on ``store``."""
    e = store.engine
    for table in ("cluster_members", "clusters", "fused_edges"):
        if not e.rows("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [table]):
            raise InputError(f"{store.path}: no detection results; run coordnet detect first")
    profile_rows = e.arrow(
        """SELECT actor_id, platform, actor_kind, handle, display_name, created_at, followers,
                  following, location, description FROM actors WHERE actor_id = ? LIMIT 1""",
        [actor_id],
    ).to_pylist()
    n_actions = int(e.scalar("SELECT count(*) FROM actions WHERE actor_id = ?", [actor_id]))
    if not profile_rows and n_actions == 0:
        raise InputError(f"account {actor_id!r} is not in the store {store.path}")
    profile = profile_rows[0] if profile_rows else {"actor_id": actor_id}
    profile["n_actions"] = n_actions
    members = e.arrow("SELECT * FROM cluster_members WHERE actor_id = ?", [actor_id]).to_pylist()
    membership = members[0] if members else None
    cluster = None
    if membership:
        found = e.arrow(
            "SELECT * FROM clusters WHERE cluster_id = ?", [membership["cluster_id"]]
        ).to_pylist()
        cluster = found[0] if found else None
    partners = e.arrow(
        """SELECT partner, strength, n_signals, signals, q_min, n_objects, kept FROM (
               SELECT target AS partner, * FROM fused_edges WHERE source = ?
               UNION ALL SELECT source AS partner, * FROM fused_edges WHERE target = ?)
           ORDER BY kept DESC, strength DESC, partner LIMIT ?""",
        [actor_id, actor_id, max_partners],
    ).to_pylist()
    top = [p["partner"] for p in partners]
    edges = e.arrow(
        """SELECT CASE WHEN source = ? THEN target ELSE source END AS partner, signal,
                  n_objects, weight_source, weight_target, lag_min_s, lag_median_s, lag_max_s,
                  expected, p_value, q_value
           FROM edges
           WHERE (source = ? OR target = ?)
             AND (list_contains(?, source) OR list_contains(?, target))
           ORDER BY q_value, n_objects DESC, partner, signal""",
        [actor_id, actor_id, actor_id, top, top],
    ).to_pylist()
    if not edges:
        edges = e.arrow(
            """SELECT CASE WHEN source = ? THEN target ELSE source END AS partner, signal,
                      n_objects, lag_median_s, p_value, q_value
               FROM edges WHERE source = ? OR target = ?
               ORDER BY q_value, n_objects DESC LIMIT ?""",
            [actor_id, actor_id, actor_id, max_partners],
        ).to_pylist()
    evidence = e.arrow(
        """SELECT v.signal, CASE WHEN v.source = ? THEN v.target ELSE v.source END AS partner,
                  v.object, v.action_source, v.action_target, xs.time AS time_source,
                  xt.time AS time_target, v.lag_s
           FROM evidence v
           LEFT JOIN actions xs ON xs.action_id = v.action_source
           LEFT JOIN actions xt ON xt.action_id = v.action_target
           WHERE (v.source = ? OR v.target = ?)
             AND (list_contains(?, v.source) OR list_contains(?, v.target))
           ORDER BY abs(v.lag_s), v.signal, v.object LIMIT ?""",
        [actor_id, actor_id, actor_id, top, top, max_evidence],
    ).to_pylist()
    verdict = _verdict(membership, cluster, partners, edges)
    return Explanation(actor_id, verdict, profile, membership, cluster, partners, edges, evidence)


def _verdict(
    membership: dict[str, Any] | None,
    cluster: dict[str, Any] | None,
    partners: list[dict[str, Any]],
    edges: list[dict[str, Any]],
) -> str:
    if membership and membership.get("reported"):
        decision = cluster["decision"] if cluster else ""
        return (f"flagged: {membership['role']} of network {membership['cluster_id']} "
                f"(score {membership['score']:.2f}); {decision}")  # fmt: skip
    if membership and cluster:
        if cluster.get("reported"):
            return (f"not flagged: member of network {cluster['cluster_id']} but its own "
                    f"coordination is weak (score {membership['score']:.2f})")  # fmt: skip
        return f"not flagged: in candidate cluster {cluster['cluster_id']}, {cluster['decision']}"
    kept = [p for p in partners if p["kept"]]
    if kept:
        return (f"not flagged: {len(kept)} significant tie(s), but its group is smaller than "
                "the minimum network size or split off by the backbone")  # fmt: skip
    if edges:
        best = min(edges, key=lambda r: r["q_value"])
        return (f"not flagged: co-acted with others, but no tie is significant enough (best: "
                f"{best['signal']}, q = {best['q_value']:.3g}, "
                f"{best['n_objects']} object(s))")  # fmt: skip
    return "not flagged: no co-actions with any other account in any signal"
