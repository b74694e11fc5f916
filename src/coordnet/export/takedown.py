"""Takedown summaries: each reported network in the shape of a platform's disclosure.

Platforms announce a removed network in a few set pieces (Twitter's information-operations
disclosures, Meta's quarterly adversarial threat reports): how many accounts, Pages and
Groups; how many accounts followed them; when they were active; what they did; examples of
their content; and, hedged, what the investigation suggests about who is behind them.
:func:`takedown` builds those pieces from the store of a ``detect`` run, one
:class:`Takedown` per network, and :func:`write_takedown` writes them as ``takedown.md``
(to paste) and ``takedown.json`` (for machines).

What each figure is:

- **members**: the flagged members of the network (``cluster_members.reported``), outside
  seeds (accounts the network amplified without being tied to it) included and counted;
  ``actor_kinds`` counts them by ``actors.actor_kind`` (``unknown`` without a profile row).
- **followers**: the sum of the members' follower counts (an account following several
  members counts several times, so this is an upper bound on the audience), and how many
  members had no figure. An id on several platforms counts with its largest figure.
- **periods**: ``active_first_at`` / ``active_last_at``, the members' first and last action
  in the store; ``coordinated_first_at`` / ``coordinated_last_at``, the span of their
  co-actions (``clusters.first_seen`` / ``last_seen``).
- **behaviours**: per signal of the network's kept internal ties: pairs tied by it,
  co-actions and distinct objects in the stored evidence, median absolute lag, the window.
  Evidence keeps at most ``max_evidence`` co-actions per pair, so when a pair reached that
  cap the count is a lower bound and says "at least".
- **shared objects**: the posts, texts, links, domains, hashtags and accounts most members
  co-acted on (from that evidence), with the post text where the store has the post.
- **example posts**: the members' own texts (posts, replies, quotes) posted by most members,
  grouped by the normalised text fingerprint.
- **statements**: coordination, inauthenticity and attribution, each graded on the stated
  confidence scale (:data:`CONFIDENCE_SCALE`) and keeping its reasons. Attribution is worded
  as hints ("consistent with"), never as a finding.

Cost: a handful of grouped queries over the members' actions and the network's edges and
evidence; nothing proportional to the whole store except the ``actors`` group-by.

>>> [band["level"] for band in CONFIDENCE_SCALE]
['none', 'low', 'moderate', 'high']
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from coordnet._version import __version__
from coordnet.export._takedown_figures import (
    behaviour_rows,
    cluster_rows,
    example_posts,
    member_rows,
    member_totals,
    shared_objects,
    signal_runs,
    top_accounts,
)
from coordnet.export._takedown_markdown import render_markdown
from coordnet.export._takedown_wording import (
    CONFIDENCE_SCALE,
    attribution_statements,
    behaviour_sentence,
    behaviour_verb,
    coordination_statement,
    inauthenticity_statement,
)
from coordnet.networks import detect_settings, select_networks
from coordnet.store import Store

__all__ = [
    "CONFIDENCE_SCALE",
    "Takedown",
    "takedown",
    "takedown_document",
    "write_takedown",
]

#: How many shared objects, example posts and strongest members each summary lists.
N_EXAMPLES = 5
N_ACCOUNTS = 10
_NAMED_KINDS = ("account", "page", "group", "channel")

METHOD = (
    "Networks found by coordnet detect: coordination signals (actor pairs acting on the same "
    "objects within a window, tested against an actor-label permutation null model, "
    "Benjamini-Hochberg q-values), fused per pair, clustered with Leiden, then assessed for "
    "coordination, inauthenticity (against the store's own population) and attribution "
    "hints (against random sets of store accounts). A network is reported when it is "
    "coordinated and shows inauthenticity or deception. See docs/detect.md."
)


@dataclass(frozen=True)
class Takedown:
    """One network as a platform would disclose it; see the module docstring for the fields."""

    cluster_id: int
    summary: str
    platforms: list[str]
    n_members: int
    n_accounts: int
    n_pages: int
    n_groups: int
    n_channels: int
    n_outside_seeds: int
    #: Members by ``actor_kind`` (``unknown`` when the store has no profile row).
    actor_kinds: dict[str, int]
    followers_total: int
    n_members_without_followers: int
    n_actions: int
    active_first_at: datetime | None
    active_last_at: datetime | None
    coordinated_first_at: datetime | None
    coordinated_last_at: datetime | None
    score: float
    inauthenticity: float
    attribution_confidence: float
    decision: str
    behaviours: list[dict[str, Any]] = field(default_factory=list)
    shared_objects: list[dict[str, Any]] = field(default_factory=list)
    example_posts: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values: times as ISO 8601 strings (UTC, no zone suffix)."""
        return _plain(asdict(self))


def takedown(store: Store, *, networks: Iterable[int] | None = None) -> list[Takedown]:
    """One :class:`Takedown` per chosen reported network, strongest network first.

    ``networks``: ids of reported networks; all of them when None or empty. Raises
    :class:`~coordnet.errors.InputError` for an id that is not a reported network or a store
    without detection results.
    """
    chosen = select_networks(store, networks)
    if not chosen:
        return []
    clusters = cluster_rows(store, chosen)
    members = member_rows(store, chosen)
    totals = member_totals(store, chosen)
    behaviours = behaviour_rows(store, chosen)
    objects = shared_objects(store, chosen, N_EXAMPLES)
    posts = example_posts(store, chosen, N_EXAMPLES)
    windows = {s: r["window_s"] for s, r in signal_runs(store).items()}
    return [
        _one(c, clusters[c], members.get(c, []), totals[c], behaviours[c], windows,
             objects[c], posts[c])
        for c in chosen
    ]  # fmt: skip


def takedown_document(store: Store, takedowns: list[Takedown]) -> dict[str, Any]:
    """The JSON document: version, method and parameters, the scale, then the networks."""

    return {
        "coordnet_version": __version__,
        "method": {
            "description": METHOD,
            "signals": signal_runs(store),
            "detect": detect_settings(store),
            "examples_per_network": N_EXAMPLES,
            "accounts_per_network": N_ACCOUNTS,
        },
        "confidence_scale": [dict(band) for band in CONFIDENCE_SCALE],
        "networks": [t.as_dict() for t in takedowns],
    }


def write_takedown(
    store: Store, out: str | Path, *, networks: Iterable[int] | None = None
) -> list[Path]:
    """Write ``takedown.md`` and ``takedown.json`` for the chosen networks into folder
    ``out`` (created if needed); return both paths. Errors as :func:`takedown`."""
    found = takedown(store, networks=networks)
    doc = takedown_document(store, found)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    md_path, json_path = folder / "takedown.md", folder / "takedown.json"
    md_path.write_text(render_markdown(doc, found), encoding="utf-8")
    json_path.write_text(
        json.dumps(_plain(doc), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    return [md_path, json_path]


def _one(
    c: int,
    cluster: dict[str, Any],
    members: list[dict[str, Any]],
    totals: dict[str, Any],
    behaviours: dict[str, dict[str, Any]],
    windows: dict[str, float | None],
    objects: list[dict[str, Any]],
    posts: list[dict[str, Any]],
) -> Takedown:
    kinds: dict[str, int] = {}
    for m in members:
        kind = str(m["actor_kind"] or "unknown")
        kinds[kind] = kinds.get(kind, 0) + 1
    ordered = {k: kinds[k] for k in _NAMED_KINDS if k in kinds}
    ordered.update({k: kinds[k] for k in sorted(kinds) if k not in ordered})
    # the network's behaviours in the order detect ranked its signals (most ties first)
    order = [s for s in cluster.get("signals") or [] if s in behaviours]
    order += sorted(s for s in behaviours if s not in order)
    described = [
        {"signal": s, "description": behaviour_sentence(s, behaviours[s], windows.get(s)),
         "window_s": windows.get(s), **behaviours[s]}
        for s in order
    ]  # fmt: skip
    statements = [
        coordination_statement(cluster),
        inauthenticity_statement(cluster),
        *attribution_statements(cluster),
    ]
    platforms = sorted({str(m["platform"]) for m in members if m["platform"]})
    fields = {
        "cluster_id": c,
        "platforms": platforms,
        "n_members": len(members),
        "n_accounts": kinds.get("account", 0),
        "n_pages": kinds.get("page", 0),
        "n_groups": kinds.get("group", 0),
        "n_channels": kinds.get("channel", 0),
        "n_outside_seeds": sum(1 for m in members if m["outside"]),
        "actor_kinds": ordered,
        "followers_total": totals.get("followers_total", 0),
        "n_members_without_followers": totals.get("n_members_without_followers", 0),
        "n_actions": totals.get("n_actions", 0),
        "active_first_at": totals.get("active_first_at"),
        "active_last_at": totals.get("active_last_at"),
        "coordinated_first_at": cluster.get("first_seen"),
        "coordinated_last_at": cluster.get("last_seen"),
        "score": float(cluster.get("score") or 0.0),
        "inauthenticity": float(cluster.get("inauthenticity") or 0.0),
        "attribution_confidence": float(cluster.get("attribution_confidence") or 0.0),
        "decision": str(cluster.get("decision") or ""),
    }
    return Takedown(
        summary=_summary(fields, described, statements),
        behaviours=described,
        shared_objects=objects,
        example_posts=posts,
        accounts=top_accounts(members, N_ACCOUNTS),
        statements=statements,
        **fields,
    )


def _summary(
    f: dict[str, Any], behaviours: list[dict[str, Any]], statements: list[dict[str, Any]]
) -> str:
    """The disclosure paragraph, in plain text (the Markdown writer escapes it whole)."""
    parts = [_plural(n, k) for k, n in f["actor_kinds"].items()]
    where = " and ".join(f["platforms"]) or "an unknown platform"
    text = [f"We found {_join(parts)} on {where} that worked together (network {f['cluster_id']})."]
    if f["n_outside_seeds"]:
        text.append(f"{_plural(f['n_outside_seeds'], 'member')} are accounts outside the "
                    "coordinated core whose posts the network amplified.")  # fmt: skip
    missing = f["n_members_without_followers"]
    text.append(
        f"Together they had {f['followers_total']:,} followers (a sum over members, so an "
        "account following several of them counts several times"
        + (f"; {_plural(missing, 'member')} had no follower figure" if missing else "")
        + ")."
    )
    if f["active_first_at"] is not None:
        text.append(f"The members were active from {_day(f['active_first_at'])} to "
                    f"{_day(f['active_last_at'])}; their coordinated activity spans "
                    f"{_day(f['coordinated_first_at'])} to "
                    f"{_day(f['coordinated_last_at'])}.")  # fmt: skip
    if behaviours:
        verbs = list(dict.fromkeys(behaviour_verb(b["signal"]) for b in behaviours[:3]))
        text.append(f"They {_join(verbs)}.")
    text += [s["statement"] for s in statements if s["kind"] != "attribution"]
    hints = [_lower_first(s["statement"].rstrip(".")) for s in statements if s["hint"]]
    if hints:
        text.append("Hints to who may run it: " + "; ".join(hints) + ".")
    text += [s["statement"] for s in statements if s["kind"] == "attribution" and not s["hint"]]
    return " ".join(text)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _join(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, datetime) else "unknown"


def _plain(value: Any) -> Any:
    """JSON-ready copy: datetimes as ISO strings, tuples as lists, NaN as None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    return value
