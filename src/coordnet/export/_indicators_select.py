"""Which objects of a network are worth sharing: used by several members, rare outside it.

An indicator is only useful to another platform if finding it points at the network and not
at everybody. For each URL, domain, hashtag, text fingerprint and IP the members used, the
store's whole population says how specific it is: ``n_actors`` members used it,
``n_outside`` other accounts did. It is kept when at least ``min_actors`` members used it and
the members are at least ``min_share`` of all its users; a popular news domain or a trending
hashtag fails the share test however many members used it. Confidence (0-100) is the inside
share with one imaginary outside user added (``n_actors / (n_actors + n_outside + 1)``), so two
members alone give 67, twelve give 92. Account indicators carry the member's own score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coordnet.export._indicators_stix import hash_identifier, normalise_handle
from coordnet.ingest.normalize import SHORTENER_HOSTS
from coordnet.store import Store

__all__ = ["Selection", "account_indicators", "object_indicators"]

_SHORTENERS_SQL = ", ".join(f"'{h}'" for h in SHORTENER_HOSTS)

#: Per type: SQL giving (actor_id, value, time) for every use of an object.
_USES: dict[str, str] = {
    "url": "SELECT actor_id, unnest(urls) AS value, time FROM actions",
    "domain": f"""SELECT actor_id, value, time FROM (
                      SELECT actor_id, unnest(domains) AS value, time FROM actions)
                  WHERE value NOT IN ({_SHORTENERS_SQL})""",
    "hashtag": "SELECT actor_id, unnest(hashtags) AS value, time FROM actions",
    # A repost carries its original's text: the fingerprint of what members wrote themselves.
    "text": """SELECT actor_id, text_hash AS value, time FROM actions
               WHERE kind <> 'repost' AND text_hash IS NOT NULL""",
    "ip": "SELECT actor_id, ip AS value, time FROM sessions WHERE ip IS NOT NULL",
}


@dataclass(frozen=True)
class Selection:
    """The kept indicator rows and, per network and type, how many candidates failed."""

    rows: list[dict[str, Any]]
    #: (network, type) -> objects used by enough members but too common outside.
    dropped_common: dict[tuple[int, str], int]


def object_indicators(
    store: Store,
    networks: list[int],
    types: list[str],
    *,
    min_actors: int,
    min_share: float,
    max_per_type: int,
) -> Selection:
    """Shared objects of ``networks`` that discriminate (see the module docstring)."""
    e = store.engine
    rows: list[dict[str, Any]] = []
    dropped: dict[tuple[int, str], int] = {}
    for kind in (t for t in types if t in _USES):
        found = e.arrow(
            f"""WITH mem AS (SELECT cluster_id, actor_id FROM cluster_members
                             WHERE reported AND list_contains(?::BIGINT[], cluster_id)),
                    per AS (SELECT value, actor_id, min(time) AS f, max(time) AS l
                            FROM ({_USES[kind]}) WHERE value IS NOT NULL AND value <> ''
                            GROUP BY ALL),
                    tot AS (SELECT value, count(*) AS n_all FROM per
                            WHERE value IN (SELECT p.value FROM per p JOIN mem USING (actor_id))
                            GROUP BY value)
                SELECT m.cluster_id AS network, p.value, count(*) AS n_actors,
                       any_value(t.n_all) - count(*) AS n_outside,
                       min(p.f) AS first_seen, max(p.l) AS last_seen
                FROM per p JOIN mem m USING (actor_id) JOIN tot t USING (value)
                GROUP BY m.cluster_id, p.value HAVING count(*) >= ?
                ORDER BY network, n_actors DESC, n_outside, p.value""",
            [networks, min_actors],
        ).to_pylist()
        kept: dict[int, int] = {}
        for r in found:
            n_all = r["n_actors"] + r["n_outside"]
            share = r["n_actors"] / n_all
            if share < min_share:
                key = (int(r["network"]), kind)
                dropped[key] = dropped.get(key, 0) + 1
                continue
            if kept.get(r["network"], 0) >= max_per_type:
                continue
            kept[r["network"]] = kept.get(r["network"], 0) + 1
            conf = round(100 * r["n_actors"] / (n_all + 1))
            rows.append({**r, "type": kind, "share_inside": share, "confidence": conf})
    return Selection(rows, dropped)


def account_indicators(
    store: Store, networks: list[int], types: list[str], salt: bytes | None
) -> list[dict[str, Any]]:
    """Hashed id and handle of every reported member, with its score as confidence."""
    wanted = [t for t in ("user_id", "handle") if t in types]
    if not wanted:
        return []
    members = store.engine.arrow(
        """SELECT m.cluster_id AS network, m.actor_id, a.handle, m.score,
                  coalesce(min(x.time), any_value(c.first_seen)) AS first_seen,
                  coalesce(max(x.time), any_value(c.last_seen)) AS last_seen
           FROM cluster_members m
           JOIN clusters c USING (cluster_id)
           LEFT JOIN (SELECT actor_id, min(handle) AS handle FROM actors GROUP BY actor_id) a
                USING (actor_id)
           LEFT JOIN actions x ON x.actor_id = m.actor_id
           WHERE m.reported AND list_contains(?::BIGINT[], m.cluster_id)
           GROUP BY m.cluster_id, m.actor_id, a.handle, m.score
           ORDER BY m.cluster_id, m.score DESC, m.actor_id""",
        [networks],
    ).to_pylist()
    rows = []
    for m in members:
        conf = max(1, min(100, round(100 * float(m["score"] or 0))))
        common = {
            "network": m["network"],
            "first_seen": m["first_seen"],
            "last_seen": m["last_seen"],
            "n_actors": 1,
            "n_outside": 0,
            "share_inside": 1.0,
            "confidence": conf,
        }
        if "user_id" in wanted:
            rows.append(
                {**common, "type": "user_id", "value": hash_identifier(m["actor_id"].strip(), salt)}
            )
        if "handle" in wanted and m["handle"] and normalise_handle(m["handle"]):
            value = hash_identifier(normalise_handle(m["handle"]), salt)
            rows.append({**common, "type": "handle", "value": value})
    return rows
