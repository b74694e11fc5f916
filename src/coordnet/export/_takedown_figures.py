"""The figures of a takedown summary, read from the store with SQL, per network.

Each function takes the chosen network ids and returns plain rows keyed by ``cluster_id``;
:mod:`coordnet.export.takedown` puts them in words. Members are the flagged members of the
networks (``cluster_members.reported``, outside seeds included), the same set the graph
exports draw. Behaviours and shared objects come from the network's *internal kept ties*
only: a kept fused tie between two members, and for it the signal edges that the tie kept
and their evidence rows, so that what is described is exactly what made the network.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from coordnet.store import Store

__all__ = [
    "CONTENT_KINDS",
    "behaviour_rows",
    "cluster_rows",
    "example_posts",
    "member_rows",
    "member_totals",
    "shared_objects",
    "signal_runs",
    "top_accounts",
]

#: What a signal's evidence ``object`` is. Signals missing here (synchrony buckets, creation
#: bursts, infrastructure values) share no content and give no example objects.
CONTENT_KINDS = {
    "co_repost": "post",
    "co_repost_slow": "post",
    "co_reply": "post",
    "near_duplicate_text": "post",
    "co_text": "text",
    "co_link": "link",
    "co_domain": "domain",
    "co_hashtag": "hashtag",
    "hashtag_sequence": "hashtag_sequence",
    "co_mention": "account",
}

_MEMBERS = """m AS (SELECT cluster_id, actor_id, outside FROM cluster_members
                    WHERE reported AND list_contains(?, cluster_id))"""
_ACTORS = """a AS (SELECT actor_id, min(handle) AS handle, min(display_name) AS display_name,
                          min(platform) AS platform, min(actor_kind) AS actor_kind,
                          max(followers) AS followers
                   FROM actors GROUP BY actor_id)"""
# the kept ties inside one network, their kept signal edges and the evidence behind them
_TIES = """ties AS (SELECT ms.cluster_id, f.source, f.target, f.signals FROM fused_edges f
                    JOIN m ms ON ms.actor_id = f.source
                    JOIN m mt ON mt.actor_id = f.target AND mt.cluster_id = ms.cluster_id
                    WHERE f.kept),
    sig AS (SELECT t.cluster_id, e.signal, e.source, e.target, e.n_objects, e.q_value
            FROM ties t JOIN edges e ON e.source = t.source AND e.target = t.target
                                    AND list_contains(t.signals, e.signal)),
    ev AS (SELECT s.cluster_id, v.signal, v.source, v.target, v.object, v.lag_s
           FROM sig s JOIN evidence v ON v.signal = s.signal AND v.source = s.source
                                     AND v.target = s.target)"""


def cluster_rows(store: Store, chosen: list[int]) -> dict[int, dict[str, Any]]:
    """The ``clusters`` rows of the chosen networks."""
    rows = store.engine.arrow(
        "SELECT * FROM clusters WHERE list_contains(?, cluster_id)", [chosen]
    ).to_pylist()
    return {int(r["cluster_id"]): r for r in rows}


def member_rows(store: Store, chosen: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every member with its profile figures, strongest first within each network."""
    rows = store.engine.arrow(
        f"""WITH {_MEMBERS}, {_ACTORS}
            SELECT m.cluster_id, m.actor_id, m.outside, c.role, c.score, a.handle,
                   a.display_name, a.platform, a.actor_kind, a.followers
            FROM m JOIN cluster_members c USING (cluster_id, actor_id)
            LEFT JOIN a USING (actor_id)
            ORDER BY m.cluster_id, c.score DESC, m.actor_id""",
        [chosen],
    ).to_pylist()
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[int(r["cluster_id"])].append(r)
    return out


def member_totals(store: Store, chosen: list[int]) -> dict[int, dict[str, Any]]:
    """Per network: members' actions (count, first and last time) and follower sums."""
    e = store.engine
    out: dict[int, dict[str, Any]] = {c: {} for c in chosen}
    for c, n, first, last in e.rows(
        f"""WITH {_MEMBERS}
            SELECT m.cluster_id, count(x.action_id), min(x.time), max(x.time)
            FROM m LEFT JOIN actions x USING (actor_id) GROUP BY 1""",
        [chosen],
    ):
        out[int(c)].update(n_actions=int(n), active_first_at=first, active_last_at=last)
    for c, total, missing in e.rows(
        f"""WITH {_MEMBERS}, {_ACTORS}
            SELECT m.cluster_id, coalesce(sum(a.followers), 0),
                   count(*) FILTER (WHERE a.followers IS NULL)
            FROM m LEFT JOIN a USING (actor_id) GROUP BY 1""",
        [chosen],
    ):
        out[int(c)].update(followers_total=int(total), n_members_without_followers=int(missing))
    return out


def signal_runs(store: Store) -> dict[str, dict[str, Any]]:
    """Each signal's parameters (parsed) and the window it used."""
    runs = {}
    for signal, params, window_s in store.engine.rows(
        "SELECT signal, params, window_s FROM signal_runs ORDER BY signal"
    ):
        try:
            parsed = json.loads(params) if isinstance(params, str) else dict(params or {})
        except ValueError:
            parsed = {}
        runs[str(signal)] = {"params": parsed, "window_s": window_s}
    return runs


def behaviour_rows(store: Store, chosen: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """Per network and signal: pairs tied by it, co-actions in the evidence, distinct
    objects, median absolute lag, and whether any pair's evidence hit the signal's
    ``max_evidence`` cap (then the co-action count is a lower bound)."""
    e = store.engine
    caps = {s: r["params"].get("max_evidence") for s, r in signal_runs(store).items()}
    out: dict[int, dict[str, dict[str, Any]]] = {c: {} for c in chosen}
    for c, signal, n_pairs, n_objects_pair, q_median in e.rows(
        f"""WITH {_MEMBERS}, {_TIES}
            SELECT cluster_id, signal, count(*), median(n_objects), median(q_value)
            FROM sig GROUP BY ALL ORDER BY ALL""",
        [chosen],
    ):
        out[int(c)][str(signal)] = {
            "n_pairs": int(n_pairs),
            "median_objects_per_pair": float(n_objects_pair),
            "median_q_value": None if q_median is None else float(q_median),
            "n_coactions": 0,
            "n_objects": 0,
            "median_lag_s": None,
            "is_lower_bound": False,
        }
    for c, signal, n, n_obj, lag, most in e.rows(
        f"""WITH {_MEMBERS}, {_TIES},
            per_pair AS (SELECT cluster_id, signal, source, target, count(*) AS n
                         FROM ev GROUP BY ALL),
            most AS (SELECT cluster_id, signal, max(n) AS most FROM per_pair GROUP BY ALL)
            SELECT v.cluster_id, v.signal, count(*), count(DISTINCT v.object),
                   median(abs(v.lag_s)), any_value(most.most)
            FROM ev v JOIN most USING (cluster_id, signal) GROUP BY ALL ORDER BY ALL""",
        [chosen],
    ):
        row = out[int(c)].setdefault(str(signal), {"n_pairs": 0})
        cap = caps.get(str(signal))
        row.update(
            n_coactions=int(n),
            n_objects=int(n_obj),
            median_lag_s=None if lag is None else float(lag),
            is_lower_bound=bool(isinstance(cap, int) and most is not None and most >= cap),
        )
    return out


def shared_objects(store: Store, chosen: list[int], limit: int) -> dict[int, list[dict[str, Any]]]:
    """The objects most members co-acted on, ``limit`` per network, with a preview: the post
    text for posts (when the store has the post), a text for a text fingerprint, the handle
    for a mentioned account, the object itself for links, domains and hashtags."""
    kinds = ", ".join(f"('{s}', '{k}')" for s, k in CONTENT_KINDS.items())
    rows = store.engine.arrow(
        f"""WITH {_MEMBERS}, {_TIES},
            kinds(signal, kind) AS (VALUES {kinds}),
            hits AS (SELECT ev.cluster_id, k.kind, ev.object, ev.signal, ev.source, ev.target
                     FROM ev JOIN kinds k USING (signal)),
            agg AS (SELECT cluster_id, kind, object, list_sort(list(DISTINCT signal)) AS signals,
                           count(*) AS n_coactions
                    FROM hits GROUP BY ALL),
            ends AS (SELECT cluster_id, kind, object, unnest([source, target]) AS actor_id
                     FROM hits),
            mem AS (SELECT cluster_id, kind, object, count(DISTINCT actor_id) AS n_members
                    FROM ends GROUP BY ALL),
            ranked AS (
                SELECT * FROM agg JOIN mem USING (cluster_id, kind, object)
                QUALIFY row_number() OVER (PARTITION BY cluster_id
                                           ORDER BY n_members DESC, n_coactions DESC,
                                                    kind, object) <= ?)
            SELECT r.*,
                   CASE r.kind
                       WHEN 'post' THEN (SELECT min(x.text) FROM actions x
                                         WHERE x.action_id = r.object)
                       WHEN 'text' THEN (SELECT arg_min(x.text, x.time) FROM actions x
                                         WHERE x.text_hash = r.object)
                       WHEN 'account' THEN (SELECT min(a.handle) FROM actors a
                                            WHERE a.actor_id = r.object)
                       ELSE r.object END AS preview
            FROM ranked r
            ORDER BY r.cluster_id, r.n_members DESC, r.n_coactions DESC, r.kind, r.object""",
        [chosen, limit],
    ).to_pylist()
    out: dict[int, list[dict[str, Any]]] = {c: [] for c in chosen}
    for r in rows:
        c = int(r.pop("cluster_id"))
        r["signals"] = list(r["signals"])
        out[c].append(r)
    return out


def example_posts(store: Store, chosen: list[int], limit: int) -> dict[int, list[dict[str, Any]]]:
    """The members' texts posted by most members (grouped by the normalised text
    fingerprint), ``limit`` per network: original posts, replies and quotes, not reposts
    (a repost's text is someone else's)."""
    rows = store.engine.arrow(
        f"""WITH {_MEMBERS},
            posts AS (SELECT m.cluster_id, x.actor_id, x.action_id, x.time, x.text,
                             coalesce(x.text_hash, md5(x.text)) AS fingerprint
                      FROM m JOIN actions x USING (actor_id)
                      WHERE x.kind IN ('post', 'reply', 'quote')
                        AND x.text IS NOT NULL AND trim(x.text) <> ''),
            texts AS (SELECT cluster_id, arg_min(text, (time, action_id)) AS text,
                             count(DISTINCT actor_id) AS n_members, count(*) AS n_posts,
                             min(time) AS first_at
                      FROM posts GROUP BY cluster_id, fingerprint)
            SELECT * FROM texts
            QUALIFY row_number() OVER (PARTITION BY cluster_id
                                       ORDER BY n_members DESC, n_posts DESC, first_at,
                                                text) <= ?
            ORDER BY cluster_id, n_members DESC, n_posts DESC, first_at, text""",
        [chosen, limit],
    ).to_pylist()
    out: dict[int, list[dict[str, Any]]] = {c: [] for c in chosen}
    for r in rows:
        out[int(r.pop("cluster_id"))].append(r)
    return out


def top_accounts(members: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The ``limit`` strongest members (``members`` come strongest first)."""
    keys = ("actor_id", "handle", "display_name", "platform", "actor_kind", "role", "score",
            "followers", "outside")  # fmt: skip
    return [{k: m[k] for k in keys} for m in members[:limit]]
