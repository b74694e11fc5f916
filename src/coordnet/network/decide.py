"""Which candidate clusters are reported as networks, and why (or why not).

Coordinated *inauthentic* behaviour needs both parts. Fan communities, breaking-news crowds
and genuine hashtag movements coordinate for real (they react to the same posts within
seconds, again and again), so coordination alone cannot tell them from an operation; what
they lack is the operation's fingerprints: accounts made in bulk, patterned or default
profiles, one client, one operating time zone behind claimed locations elsewhere. A
candidate cluster is reported when

* its coordination score is at least ``min_score`` and either its inauthenticity score
  reaches ``min_inauthenticity`` or attribution found a sign of deception
  (:data:`DECEPTION_HINTS`: profiles claiming places where the accounts sleep, shared IPs or
  devices, VPN exits, office-shift schedules), or
* ``strong_score`` is set and its coordination score alone reaches it. It is off by
  default: however strong, coordination alone is what a fan community does. Measured on the
  four-week ``slow_burn`` scenario (held out), both fan communities scored 0.86 and would
  have been reported at the 0.85 first tried here.

A member of a reported cluster is reported when its own coordination score reaches
``min_actor_score`` (outside seeds: accounts the network amplifies, see
:mod:`coordnet.assess.coordination`, are reported with their role). Each decision is written
out in words, with the figures and thresholds that made it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

import pyarrow as pa

from coordnet.assess.coordination import outside_seeds_reason
from coordnet.errors import InputError

__all__ = ["DECEPTION_HINTS", "NOT_ASSESSED", "Assessment", "Decided", "DecisionParams", "decide"]

#: The reasons of clusters (and their members) below the lowest reportable score.
NOT_ASSESSED = ("inauthenticity and attribution not assessed: coordination is below the "
                "reporting threshold")  # fmt: skip
#: Attribution hints that are signs of deception, not just of a place: a fan community
#: whose activity follows its idol's day has a time zone too, but it does not claim to be
#: elsewhere, share IP addresses or work shifts.
DECEPTION_HINTS = ("location_mismatch", "shared_infrastructure", "vpn", "office_hours")


@dataclass(frozen=True)
class DecisionParams:
    """Thresholds of the reporting rule (module docstring)."""

    min_score: float = 0.2
    strong_score: float | None = None
    min_inauthenticity: float = 0.3
    min_actor_score: float = 0.05

    def lowest_reportable(self) -> float:
        """The lowest coordination score a cluster can be reported with: clusters below it
        are not assessed for inauthenticity and attribution (no outcome could change)."""
        if self.strong_score is None:
            return self.min_score
        return min(self.min_score, self.strong_score)

    def validate(self) -> None:
        """Raise :class:`InputError` naming the first threshold outside [0, 1]."""
        for name in ("min_score", "strong_score", "min_inauthenticity", "min_actor_score"):
            value = getattr(self, name)
            if name == "strong_score" and value is None:
                continue
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise InputError(f"decision {name} must be a number in [0, 1], not {value!r}")


class Assessment(Protocol):
    """What each assessment returns: a per-cluster and a per-actor table."""

    @property
    def clusters(self) -> pa.Table: ...

    @property
    def actors(self) -> pa.Table: ...


@dataclass(frozen=True)
class Decided:
    """Clusters and members with the three assessments joined and ``reported`` set."""

    #: ``None`` when there are no candidate clusters.
    clusters: pa.Table | None
    actors: pa.Table | None


def decide(
    coord: Assessment, inauth: Assessment, attrib: Assessment, params: DecisionParams
) -> Decided:
    """Join the assessments (each with ``clusters`` and ``actors`` tables) and decide."""
    c_in = _by_key(inauth.clusters, "cluster_id")
    c_at = _by_key(attrib.clusters, "cluster_id")
    a_in = _by_key(inauth.actors, "actor_id")
    clusters = coord.clusters.to_pylist()
    reported: dict[int, bool] = {}
    for row in clusters:
        cid = row["cluster_id"]
        ins = c_in.get(cid, {})
        att = c_at.get(cid, {})
        row["inauthenticity"] = float(ins.get("inauthenticity") or 0.0)
        row["inauthenticity_reasons"] = list(ins.get("reasons") or [])
        if row["score"] < params.lowest_reportable():
            row["inauthenticity_reasons"] = [NOT_ASSESSED]
        row["attribution_confidence"] = float(att.get("attribution_confidence") or 0.0)
        row["attribution_reasons"] = list(att.get("reasons") or [])
        row["attribution_hints"] = list(att.get("hints") or [])
        ok, why = _rule(row, params)
        row["reported"] = ok
        row["decision"] = why
        reported[cid] = ok
    actors = _place_seeds(coord.actors.to_pylist(), clusters, reported)
    for row in actors:
        ins = a_in.get(row["actor_id"], {})
        row["inauthenticity"] = float(ins.get("inauthenticity") or 0.0)
        row["inauthenticity_reasons"] = list(ins.get("reasons") or []) if ins else [NOT_ASSESSED]
        row["reported"] = bool(reported.get(row["cluster_id"])) and (
            row["outside"] or row["score"] >= params.min_actor_score
        )
    return Decided(clusters=_table(clusters), actors=_table(actors))


def _place_seeds(
    actors: list[dict[str, Any]], clusters: list[dict[str, Any]], reported: dict[int, bool]
) -> list[dict[str, Any]]:
    """Give each account one row: an outside seed that is also a member of another cluster
    stays a member unless only the cluster it seeds is reported; then it moves there."""
    home = {r["actor_id"]: r["cluster_id"] for r in actors if not r["outside"]}
    moved = {
        r["actor_id"]: r["cluster_id"]
        for r in actors
        if r["outside"] and r["actor_id"] in home
        and reported[r["cluster_id"]] and not reported[home[r["actor_id"]]]
    }  # fmt: skip

    def keep(r: dict[str, Any]) -> bool:
        if r["actor_id"] in moved:
            return r["outside"] and moved[r["actor_id"]] == r["cluster_id"]
        return not (r["outside"] and r["actor_id"] in home)

    gained = Counter(moved.values())
    lost = Counter(home[a] for a in moved)
    for row in clusters:
        cid, reasons = row["cluster_id"], row["reasons"]
        if gained[cid]:
            old = outside_seeds_reason(row["n_outside_seeds"])
            row["n_outside_seeds"] += gained[cid]
            new = outside_seeds_reason(row["n_outside_seeds"])
            reasons = [new if x == old else x for x in reasons] if old in reasons else [
                *reasons, new]  # fmt: skip
        if lost[cid]:
            row["size"] -= lost[cid]
            reasons = [*reasons, f"{lost[cid]} member(s) moved out: they are seeds of reported "
                       "networks that give them most of their amplification"]  # fmt: skip
        row["reasons"] = reasons
    return [r for r in actors if keep(r)]


def _rule(row: dict[str, Any], p: DecisionParams) -> tuple[bool, str]:
    score, ina = row["score"], row["inauthenticity"]
    deception = [h for h in row["attribution_hints"] if h in DECEPTION_HINTS]
    figures = (f"coordination {score:.2f}, inauthenticity {ina:.2f}, deception hints: "
               f"{', '.join(deception) or 'none'}")  # fmt: skip
    if p.strong_score is not None and score >= p.strong_score:
        return True, f"reported: coordination {score:.2f} >= {p.strong_score} ({figures})"
    if score < p.min_score:
        return False, f"not reported: coordination {score:.2f} < {p.min_score} ({figures})"
    if ina >= p.min_inauthenticity:
        return True, (f"reported: coordination {score:.2f} >= {p.min_score} and "
                      f"inauthenticity {ina:.2f} >= {p.min_inauthenticity}")  # fmt: skip
    if deception:
        return True, (f"reported: coordination {score:.2f} >= {p.min_score} and signs of "
                      f"deception ({', '.join(deception)})")  # fmt: skip
    return False, (
        f"not reported: coordinated (score {score:.2f}) but the accounts look authentic "
        f"(inauthenticity {ina:.2f} < {p.min_inauthenticity}, no sign of deception): a "
        "community or audience rather than an operation"
    )


def _by_key(table: pa.Table | None, key: str) -> dict[Any, dict[str, Any]]:
    if table is None or table.num_rows == 0 or key not in table.column_names:
        return {}
    return {row[key]: row for row in table.to_pylist()}


def _table(rows: list[dict[str, Any]]) -> pa.Table | None:
    return pa.Table.from_pylist(rows) if rows else None
