"""Find a shared network in a store: accounts matching indicators, then their partners.

**Matching.** Account indicators (hashed ids and handles) are compared with every actor of
the store as given, as SHA-256 and, with a salt, as HMAC-SHA256 of the normalised value, so
a bundle may carry plain or hashed values. Object indicators are normalised the way ingest
normalises the store's objects (URLs, hosts, hashtags) and looked up in the actions (and
``sessions`` for IPs). Each indicator an actor matches adds a weight: 1 for an account
indicator (it names the account), the indicator's confidence / 100 (0.5 when it gives none)
for an object. An actor whose weight reaches ``min_weight`` (default 1) is a **seed**: one
account match, or two confident objects; a single hashtag is not enough. An object that
matches more than ``max_object_actors`` accounts here is ignored as too common (the crowd
guard the signals use), and reported. Cost: account indicators hash every actor of the
store in Python (measured: 6 s per million actors, 17 s with a salt); objects are one SQL
join per type.

**Expansion.** From the seeds, through the coordination graph of the last ``detect`` run
(``fused_edges`` kept ties) or, when detect has not run, the signals' ``edges`` with
``q_value <= alpha`` (strength summed over signals as fusion does), hop by hop: an account
joins when its summed tie strength to the candidates found so far reaches ``min_strength``,
until no account does (or ``max_hops`` hops). Each candidate keeps why it is in: the
indicators it matched, or the candidates it is tied to.

The default ``min_strength`` of 3 (about ``q <= 0.001`` on one behaviour, or two behaviours
at ``q <= 0.03``) was measured: on the ``default`` scenario (seed 1, 311 flagged accounts) the
kept ties under 3 that reach out of a matched network are mostly fan-community accounts (5 of
7); with 0 and one hop the full bundle's candidates had precision 0.98 against the flagged
accounts, with 3 and no hop limit 1.00 at recall 1.00. A tip of three account hashes on the
demo scenario (seed 11) grows to all 15 ring members with 3 and no hop limit, against 13 with
one hop and no strength threshold.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from coordnet.export._indicators_stix import (
    IDENTITY_TYPES,
    Comparison,
    hash_identifier,
    normalise_handle,
)
from coordnet.networks import has_results
from coordnet.store import Store

__all__ = ["expand", "graph_source", "match_seeds"]

#: How each object type is normalised before lookup, and where it is looked up.
_NORMALISE = {
    "url": "cn_norm_url(value)",
    "domain": "nullif(cn_norm_host(trim(value)), '')",
    "hashtag": "cn_fold_tag(value)",
    "text": "lower(trim(value))",
    "ip": "trim(value)",
}
_LOOKUP = {
    "url": "SELECT actor_id, unnest(urls) AS o FROM actions",
    "domain": "SELECT actor_id, unnest(domains) AS o FROM actions",
    "hashtag": "SELECT actor_id, unnest(hashtags) AS o FROM actions",
    "text": "SELECT actor_id, text_hash AS o FROM actions WHERE text_hash IS NOT NULL",
    "ip": "SELECT actor_id, ip AS o FROM sessions WHERE ip IS NOT NULL",
}


def _weight(c: Comparison) -> float:
    if c.kind in IDENTITY_TYPES:
        return 1.0
    return 0.5 if c.confidence is None else max(0.0, min(100, c.confidence)) / 100


def match_seeds(
    store: Store,
    comparisons: list[Comparison],
    *,
    salt: bytes | None,
    max_object_actors: int,
) -> tuple[dict[str, list[tuple[str, str, float]]], dict[str, int]]:
    """Actors matching the comparisons: actor -> [(type, value, weight)], and too-common ones.

    Duplicate values (one URL in two networks' groupings) count once, at their highest
    weight.
    """
    best: dict[tuple[str, str], float] = {}
    for c in comparisons:
        key = (c.kind, c.value)
        best[key] = max(best.get(key, 0.0), _weight(c))
    hits: dict[str, list[tuple[str, str, float]]] = {}
    too_common: dict[str, int] = {}
    identities = {k: w for k, w in best.items() if k[0] in IDENTITY_TYPES}
    for actor_id, (kind, value) in _identity_hits(store, identities, salt):
        hits.setdefault(actor_id, []).append((kind, value, identities[(kind, value)]))
    objects = [(k, v, w) for (k, v), w in best.items() if k not in IDENTITY_TYPES]
    if not objects:
        return hits, too_common
    e = store.engine
    table = pa.table(
        {
            "idx": list(range(len(objects))),
            "kind": [o[0] for o in objects],
            "value": [o[1] for o in objects],
        }
    )
    e.register("cn_match_objects", table)
    try:
        found: dict[int, set[str]] = {}
        for kind in sorted({o[0] for o in objects}):
            for idx, actor_id in e.rows(
                f"""WITH ind AS (SELECT idx, {_NORMALISE[kind]} AS v FROM cn_match_objects
                                 WHERE kind = ?)
                    SELECT DISTINCT ind.idx, u.actor_id FROM ({_LOOKUP[kind]}) u
                    JOIN ind ON ind.v = u.o""",
                [kind],
            ):
                found.setdefault(int(idx), set()).add(str(actor_id))
    finally:
        e.unregister("cn_match_objects")
    for idx, actors in sorted(found.items()):
        kind, value, weight = objects[idx]
        if len(actors) > max_object_actors:
            too_common[f"{kind}:{value}"] = len(actors)
            continue
        for actor_id in actors:
            hits.setdefault(actor_id, []).append((kind, value, weight))
    return hits, too_common


def _identity_hits(
    store: Store, identities: dict[tuple[str, str], float], salt: bytes | None
) -> Iterable[tuple[str, tuple[str, str]]]:
    """(actor, (type, value)) for account indicators matching an actor's id or handle."""
    if not identities:
        return []
    wanted: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, value in identities:
        # As given (a raw id, or a handle in any case), or a hash in either hex case.
        plain = normalise_handle(value) if kind == "handle" else value.strip()
        wanted[(kind, plain)] = wanted[(kind, plain.lower())] = (kind, value)
    out = []
    for actor_id, handle in store.engine.rows("SELECT DISTINCT actor_id, handle FROM actors"):
        keys = [("user_id", str(actor_id))]
        if handle and normalise_handle(str(handle)):
            keys.append(("handle", normalise_handle(str(handle))))
        for kind, raw in keys:
            forms = {raw, hash_identifier(raw)}
            if salt:
                forms.add(hash_identifier(raw, salt))
            for form in forms:
                hit = wanted.get((kind, form))
                if hit is not None:
                    out.append((str(actor_id), hit))
    return sorted(set(out))


def graph_source(store: Store) -> str:
    """Which coordination graph expansion uses, in words."""
    if has_results(store):
        return "fused_edges (kept ties of the last detect run)"
    if store.engine.rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'edges'"):
        return "edges"
    return "none"


def expand(
    store: Store,
    seeds: list[str],
    *,
    max_hops: int | None,
    min_strength: float,
    alpha: float,
) -> tuple[dict[str, dict[str, Any]], dict[str, float], str]:
    """Partners of the seeds, hop by hop (until none qualifies, or ``max_hops``); also each
    seed's tie strength to the other seeds.

    Returns ``(added, seed_strength, graph)`` where ``added`` maps an actor to its hop,
    summed strength to the candidates it joined through, and those partners (strongest
    first) with their signals.
    """
    graph = graph_source(store)
    if graph == "none" or not seeds:
        return {}, {}, graph
    e = store.engine
    if graph.startswith("fused"):
        ties_sql = "SELECT source, target, strength, signals FROM fused_edges WHERE kept"
        params: list[Any] = []
    else:
        graph = f"edges (q <= {alpha:g}; detect has not run)"
        ties_sql = """SELECT source, target, sum(least(-log10(greatest(q_value, 1e-300)), 30))
                             AS strength, list(signal ORDER BY signal) AS signals
                      FROM edges WHERE q_value <= ? GROUP BY source, target"""
        params = [alpha]
    ties = e.arrow(
        f"""WITH t AS ({ties_sql})
            SELECT source AS a, target AS b, strength, signals FROM t
            UNION ALL SELECT target, source, strength, signals FROM t""",
        params,
    ).to_pylist()
    neighbours: dict[str, list[tuple[str, float, list[str]]]] = {}
    for t in ties:
        neighbours.setdefault(t["a"], []).append((t["b"], float(t["strength"]), t["signals"]))
    seed_set = set(seeds)
    seed_strength = {s: sum(w for b, w, _ in neighbours.get(s, []) if b in seed_set) for s in seeds}
    inside = set(seeds)
    frontier = set(seeds)
    added: dict[str, dict[str, Any]] = {}
    hop = 0
    while frontier and (max_hops is None or hop < max_hops):
        hop += 1
        reach: dict[str, list[tuple[str, float, list[str]]]] = {}
        for a in sorted(frontier):
            for b, w, signals in neighbours.get(a, []):
                if b not in inside:
                    reach.setdefault(b, []).append((a, w, signals))
        frontier = set()
        for b, via in sorted(reach.items()):
            total = sum(w for _, w, _ in via)
            if total < min_strength:
                continue
            via.sort(key=lambda v: (-v[1], v[0]))
            added[b] = {"hop": hop, "strength": total, "tied_to": via}
            frontier.add(b)
        inside |= frontier
    return added, seed_strength, graph
