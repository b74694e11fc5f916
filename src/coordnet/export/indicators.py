"""Share a network's indicators with other platforms (STIX 2.1), and match theirs against a store.

Facebook's investigation of the 2019 Hong Kong network started from Twitter's tip. This is
that tip in a standard form: :func:`export_indicators` writes ``indicators.json`` (a STIX 2.1
bundle built with the ``stix2`` library: an Identity for the producer, a Grouping per
network, one Indicator per value) and a flat ``indicators.csv``; :func:`match_indicators`
reads such a bundle (ours or another platform's), finds the accounts of a store that match
and expands them through the coordination graph into a candidate network.

What is shared, and how it is chosen, hashed and matched:
:mod:`coordnet.export._indicators_stix` (patterns, hashing and its weakness),
:mod:`coordnet.export._indicators_select` (only objects that discriminate: used by several
members and rare outside the network) and :mod:`coordnet.export._indicators_match`
(weights, seeds, expansion). Usage is in ``docs/sharing.md``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from coordnet.errors import InputError
from coordnet.export._indicators_match import expand as expand_seeds
from coordnet.export._indicators_match import match_seeds
from coordnet.export._indicators_select import account_indicators, object_indicators
from coordnet.export._indicators_stix import INDICATOR_TYPES, read_bundle, stix_objects
from coordnet.networks import select_networks
from coordnet.store import Store

__all__ = [
    "INDICATOR_TYPES",
    "Candidate",
    "IndicatorReport",
    "MatchResult",
    "export_indicators",
    "match_indicators",
]

_CSV_COLUMNS = (
    "network",
    "type",
    "value",
    "first_seen",
    "last_seen",
    "n_actors",
    "n_outside",
    "share_inside",
    "confidence",
)
_MATCH_COLUMNS = (
    "actor_id",
    "handle",
    "via",
    "hop",
    "weight",
    "n_indicators",
    "matched_indicators",
    "strength",
    "tied_to",
    "reason",
)


@dataclass(frozen=True)
class IndicatorReport:
    """What :func:`export_indicators` wrote."""

    out_dir: str
    files: list[str]
    networks: list[int]
    n_indicators: int
    #: type -> indicators written.
    by_type: dict[str, int]
    #: network -> indicators written.
    by_network: dict[int, int]
    #: "network N type" -> objects several members used but too common outside to share.
    dropped_common: dict[str, int]
    is_salted: bool


def export_indicators(
    store: Store,
    out_dir: str | Path,
    *,
    networks: Iterable[int] | None = None,
    salt: bytes | str | None = None,
    types: Iterable[str] | None = None,
    min_actors: int = 2,
    min_share: float = 0.8,
    max_per_type: int = 200,
    producer: str = "coordnet",
) -> IndicatorReport:
    """Write ``indicators.json`` (STIX 2.1) and ``indicators.csv`` for the reported networks.

    ``types`` limits what is shared (default: all of :data:`INDICATOR_TYPES`). Account ids
    and handles are SHA-256 hashed, or HMAC-SHA256 with ``salt`` (agreed with the receiving
    platform). An object is shared when ``min_actors`` members used it and members are at
    least ``min_share`` of its users in the store; at most ``max_per_type`` per type and
    network, most-used first. Raises :class:`InputError` for a store without results, an
    unknown network or type, or bad thresholds.
    """
    chosen = select_networks(store, networks)
    kinds = _types(types)
    if min_actors < 1 or not 0 < min_share <= 1 or max_per_type < 1:
        raise InputError(
            f"min_actors must be >= 1 (got {min_actors}), min_share in (0, 1] (got "
            f"{min_share}) and max_per_type >= 1 (got {max_per_type})"
        )
    key = salt.encode("utf-8") if isinstance(salt, str) else salt
    selection = object_indicators(
        store, chosen, kinds, min_actors=min_actors, min_share=min_share, max_per_type=max_per_type
    )
    rows = account_indicators(store, chosen, kinds, key or None) + selection.rows
    order = {t: i for i, t in enumerate(INDICATOR_TYPES)}
    rows.sort(key=lambda r: (chosen.index(int(r["network"])), order[r["type"]]))
    nets = _network_summaries(store, chosen)
    bundle = stix_objects(producer, nets, rows, salt_used=bool(key))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "indicators.json"
    # stix2's own pretty printer re-sorts every object (seconds for a few hundred); indent
    # the compact form instead, in the same key order.
    text = json.dumps(json.loads(bundle.serialize()), indent=2, ensure_ascii=False)
    json_path.write_text(text + "\n", encoding="utf-8")
    csv_path = out / "indicators.csv"
    _write_rows(csv_path, _CSV_COLUMNS, [_csv_row(r) for r in rows])
    by_type: dict[str, int] = {}
    by_network: dict[int, int] = {n: 0 for n in chosen}
    for r in rows:
        by_type[r["type"]] = by_type.get(r["type"], 0) + 1
        by_network[int(r["network"])] += 1
    return IndicatorReport(
        out_dir=str(out),
        files=[str(json_path), str(csv_path)],
        networks=chosen,
        n_indicators=len(rows),
        by_type=by_type,
        by_network=by_network,
        dropped_common={f"network {n} {t}": c for (n, t), c in selection.dropped_common.items()},
        is_salted=bool(key),
    )


def _types(types: Iterable[str] | None) -> list[str]:
    kinds = list(types) if types else list(INDICATOR_TYPES)
    unknown = [t for t in kinds if t not in INDICATOR_TYPES]
    if unknown:
        raise InputError(
            f"unknown indicator type {', '.join(unknown)}; choose from {', '.join(INDICATOR_TYPES)}"
        )
    return kinds


def _network_summaries(store: Store, chosen: list[int]) -> list[dict[str, Any]]:
    rows = store.engine.arrow(
        """SELECT cluster_id, size, score, inauthenticity, signals, first_seen, last_seen,
                  decision FROM clusters WHERE list_contains(?::BIGINT[], cluster_id)""",
        [chosen],
    ).to_pylist()
    by_id = {int(r["cluster_id"]): r for r in rows}
    out = []
    for cid in chosen:
        r = by_id[cid]
        out.append(
            {
                "cluster_id": cid,
                "description": (
                    f"{r['size']} accounts active {r['first_seen']:%Y-%m-%d} to "
                    f"{r['last_seen']:%Y-%m-%d}"
                    f"; behaviours: {', '.join(r['signals'])}; coordination {r['score']:.2f}, "
                    f"inauthenticity {r['inauthenticity']:.2f}; {r['decision']}"
                ),
            }
        )
    return out


def _csv_row(r: dict[str, Any]) -> list[Any]:
    return [
        r["network"],
        r["type"],
        r["value"],
        _iso(r["first_seen"]),
        _iso(r["last_seen"]),
        r["n_actors"],
        r["n_outside"],
        round(r["share_inside"], 4),
        r["confidence"],
    ]


def _iso(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ") if t else ""


def _write_rows(path: Path, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(header))
        writer.writerows(rows)


@dataclass(frozen=True)
class Candidate:
    """One account of the candidate network and why it is in."""

    actor_id: str
    handle: str | None
    #: ``seed`` (matched indicators) or ``expansion`` (tied to candidates).
    via: str
    #: 0 for seeds, else the hop at which it joined.
    hop: int
    #: Summed weight of the matched indicators (0 for expansion).
    weight: float
    #: Matched indicators as ``type:value``.
    indicators: list[str]
    #: Summed tie strength: to the other seeds (seeds) or to the candidates it joined through.
    strength: float
    #: Partners it joined through, strongest first (expansion).
    tied_to: list[str]
    reason: str


@dataclass(frozen=True)
class MatchResult:
    """What :func:`match_indicators` found."""

    bundle: str
    n_indicators: int
    #: Usable comparisons by type.
    by_type: dict[str, int]
    #: Comparisons coordnet cannot look up, by reason.
    unsupported: dict[str, int]
    #: ``type:value`` of objects ignored because too many accounts here use them.
    too_common: dict[str, int]
    n_matched_indicators: int
    graph: str
    candidates: list[Candidate] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def n_seeds(self) -> int:
        """Accounts found by their indicators."""
        return sum(1 for c in self.candidates if c.via == "seed")

    @property
    def n_expanded(self) -> int:
        """Accounts added through the coordination graph."""
        return sum(1 for c in self.candidates if c.via == "expansion")


def match_indicators(
    store: Store,
    bundle_path: str | Path,
    *,
    expand: bool = True,
    salt: bytes | str | None = None,
    min_weight: float = 1.0,
    max_object_actors: int = 1000,
    max_hops: int | None = None,
    min_strength: float = 3.0,
    alpha: float = 0.05,
    out_dir: str | Path | None = None,
) -> MatchResult:
    """Match a STIX bundle's indicators against ``store`` and grow a candidate network.

    Seeds are accounts whose matched indicators weigh at least ``min_weight``; with
    ``expand``, their partners in the coordination graph join when tied to the candidates with
    strength ``min_strength`` or more, hop by hop until none is (or ``max_hops``; see
    :mod:`coordnet.export._indicators_match`). ``salt`` is the one the producer hashed
    accounts with, if any. With ``out_dir``, writes ``matches.csv`` there. Raises
    :class:`InputError` naming the path for a bundle that is not valid STIX.
    """
    if min_weight <= 0 or (max_hops or 0) < 0 or max_object_actors < 1 or not 0 < alpha <= 1:
        raise InputError(
            f"min_weight must be > 0 (got {min_weight}), max_hops >= 0 (got {max_hops}), "
            f"max_object_actors >= 1 (got {max_object_actors}), alpha in (0, 1] (got {alpha})"
        )
    comparisons, unsupported, n_indicators = read_bundle(bundle_path)
    key = salt.encode("utf-8") if isinstance(salt, str) else salt
    hits, too_common = match_seeds(
        store, comparisons, salt=key or None, max_object_actors=max_object_actors
    )
    weights = {a: sum(w for _, _, w in h) for a, h in hits.items()}
    seeds = sorted(
        (a for a, w in weights.items() if w >= min_weight), key=lambda a: (-weights[a], a)
    )
    added, seed_strength, graph = (
        expand_seeds(store, seeds, max_hops=max_hops, min_strength=min_strength, alpha=alpha)
        if expand
        else ({}, {}, "not used")
    )
    handles = _handles(store, [*seeds, *added])
    candidates = [_seed(a, hits[a], weights[a], seed_strength.get(a, 0.0), handles) for a in seeds]
    for a, info in sorted(added.items(), key=lambda kv: (kv[1]["hop"], -kv[1]["strength"], kv[0])):
        candidates.append(_expanded(a, info, handles))
    by_type: dict[str, int] = {}
    for c in comparisons:
        by_type[c.kind] = by_type.get(c.kind, 0) + 1
    matched = {(k, v) for h in hits.values() for k, v, _ in h}
    files = []
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        path = out / "matches.csv"
        _write_rows(path, _MATCH_COLUMNS, [_match_row(c) for c in candidates])
        files.append(str(path))
    return MatchResult(
        bundle=str(bundle_path),
        n_indicators=n_indicators,
        by_type=by_type,
        unsupported=unsupported,
        too_common=too_common,
        n_matched_indicators=len(matched),
        graph=graph,
        candidates=candidates,
        files=files,
    )


def _handles(store: Store, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {
        str(a): str(h)
        for a, h in store.engine.rows(
            """SELECT actor_id, min(handle) FROM actors
               WHERE list_contains(?::VARCHAR[], actor_id) AND handle IS NOT NULL
               GROUP BY actor_id""",
            [ids],
        )
    }


def _seed(
    actor_id: str,
    hits: list[tuple[str, str, float]],
    weight: float,
    strength: float,
    handles: dict[str, str],
) -> Candidate:
    hits = sorted(hits, key=lambda h: (-h[2], h[0], h[1]))
    names = [f"{k}:{v}" for k, v, _ in hits]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return Candidate(
        actor_id,
        handles.get(actor_id),
        "seed",
        0,
        weight,
        names,
        strength,
        [],
        f"matched {len(names)} indicator(s), weight {weight:.2f}: {shown}",
    )


def _expanded(actor_id: str, info: dict[str, Any], handles: dict[str, str]) -> Candidate:
    via = info["tied_to"]
    top, top_w, signals = via[0]
    reason = (
        f"tied to {len(via)} candidate(s) at hop {info['hop']}, strength "
        f"{info['strength']:.1f}; strongest {top} ({top_w:.1f}: {', '.join(signals)})"
    )
    return Candidate(
        actor_id,
        handles.get(actor_id),
        "expansion",
        int(info["hop"]),
        0.0,
        [],
        float(info["strength"]),
        [v[0] for v in via],
        reason,
    )


def _match_row(c: Candidate) -> list[Any]:
    return [
        c.actor_id,
        c.handle or "",
        c.via,
        c.hop,
        round(c.weight, 3),
        len(c.indicators),
        "; ".join(c.indicators),
        round(c.strength, 3),
        ";".join(c.tied_to),
        c.reason,
    ]
