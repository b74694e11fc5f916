"""Coordination scores and roles: how strongly, and how, a network's members act together.

Per **cluster**, five figures, each mapped to [0, 1] and averaged with the weights below:

==================  ==================================================  ======  ===========
part                figure                                              weight  1/2 at
==================  ==================================================  ======  ===========
improbability       median strength of internal ties (sum of -log10 q)    0.30   6.9
breadth             median distinct shared objects per tie                0.20   3.5
tightness           median co-action lag (signals with a time lag)        0.15   83 s
share               members' actions among the internal evidence          0.20   linear
density             internal ties / possible pairs                        0.15   linear
==================  ==================================================  ======  ===========

The saturating maps ``1 - exp(-x / s)`` (and ``exp(-lag / s)``) make each part rise fast at
first and then stop paying for more of the same: ten times the evidence is not ten times
the certainty. Per **actor**, the score is ``1 - exp(-S / 20)`` with ``S`` the summed
strength of its ties inside its cluster: a member with one tie at q = 0.01 scores 0.1, one
with ten ties at q = 1e-10 scores 0.99.

**Roles.** ``seed``: an account whose posts at least two other members amplified (repost,
reply, quote), the operation's own voices; accounts outside the cluster count too when at
least three members (and a fifth of them) amplified them, on at least two of their posts, and
the cluster gave them at least half of all the amplification they got anywhere in the data.
(Operations also repost popular organic posts as camouflage: in the simulator's default
scenarios every organic account that passed the other tests had one post amplified, every
campaign seed two or more.) Such an account may be a member
of another candidate cluster (a seed caught up in some weak organic block); the decision
(:mod:`coordnet.network.decide`) keeps it where it is reported. ``core``: members in the top
quarter of internal strength, the tightest coordinators. ``amplifier``: everyone else.

Evidence rows are capped per tie (``max_evidence``), so ``share`` counts at least that many
co-actions per tie and under-counts only very busy pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from coordnet.store import Store

__all__ = ["LAG_SIGNALS_EXCLUDED", "Coordination", "coordination", "outside_seeds_reason"]

#: Signals whose lags are not reaction times (infrastructure spans hours, buckets are set).
LAG_SIGNALS_EXCLUDED: tuple[str, ...] = ("shared_infrastructure", "creation_burst")
#: Weights of the cluster score parts (they sum to 1).
WEIGHTS = {"improbability": 0.30, "breadth": 0.20, "tightness": 0.15, "share": 0.20,
           "density": 0.15}  # fmt: skip
#: Scales of the saturating maps.
STRENGTH_SCALE = 10.0
OBJECTS_SCALE = 5.0
LAG_SCALE_S = 120.0
ACTOR_SCALE = 20.0
SIGNAL_WORDS = {
    "co_repost": "reposted the same posts",
    "co_repost_slow": "reposted the same posts within the hour",
    "co_link": "shared the same links",
    "co_domain": "linked to the same sites",
    "co_text": "posted identical text",
    "near_duplicate_text": "posted near-identical text",
    "co_hashtag": "used the same hashtags",
    "hashtag_sequence": "used the same hashtag sequences",
    "co_reply": "replied to the same posts",
    "co_mention": "mentioned the same accounts",
    "synchrony": "acted in the same minutes",
    "shared_infrastructure": "shared IP addresses, devices or profile images",
    "lockstep": "acted as one group on posts, links or texts whose audiences overlap improbably",
}


@dataclass(frozen=True)
class Coordination:
    """Per-actor and per-cluster coordination figures, scores, roles and reasons."""

    actors: pa.Table
    clusters: pa.Table


def coordination(store: Store, members: pa.Table) -> Coordination:
    """Score each cluster of ``members`` (``cluster_id``, ``actor_id``) from the fused graph.

    Reads ``fused_edges`` (kept ties), ``edges``, ``evidence`` and ``actions``; adds outside
    seed accounts to ``actors`` with role ``seed`` (see the module docstring).
    """
    e = store.engine
    e.register("cn_members_in", members.select(["cluster_id", "actor_id"]))
    try:
        for sql in _statements():
            e.execute(sql)
        actors = e.arrow("SELECT * FROM cn_actor_score ORDER BY cluster_id, score DESC, actor_id")
        clusters = e.arrow("SELECT * FROM cn_cluster_score ORDER BY cluster_id")
    finally:
        e.unregister("cn_members_in")
        for t in _TEMP:
            e.execute(f"DROP TABLE IF EXISTS {t}")
    clusters = _add_cluster_reasons(clusters)
    return Coordination(actors=_add_actor_reasons(actors), clusters=clusters)


_TEMP = ("cn_members", "cn_int", "cn_int_sig", "cn_coord", "cn_member_stats", "cn_amp",
         "cn_seed_out", "cn_actor_score", "cn_cluster_score")  # fmt: skip


def _statements() -> list[str]:
    w = WEIGHTS
    excluded = ", ".join(f"'{s}'" for s in LAG_SIGNALS_EXCLUDED)
    return [
        """CREATE OR REPLACE TEMP TABLE cn_members AS
           SELECT CAST(cluster_id AS BIGINT) AS cluster_id, CAST(actor_id AS VARCHAR) AS actor_id
           FROM cn_members_in""",
        """CREATE OR REPLACE TEMP TABLE cn_int AS
           SELECT ms.cluster_id, f.source, f.target, f.strength, f.signals
           FROM fused_edges f
           JOIN cn_members ms ON ms.actor_id = f.source
           JOIN cn_members mt ON mt.actor_id = f.target AND mt.cluster_id = ms.cluster_id
           WHERE f.kept""",
        """CREATE OR REPLACE TEMP TABLE cn_int_sig AS
           SELECT i.cluster_id, e.signal, e.source, e.target, e.n_objects, e.lag_median_s
           FROM cn_int i JOIN edges e ON e.source = i.source AND e.target = i.target
           WHERE list_contains(i.signals, e.signal)""",
        # Actions of members that appear in the evidence of internal ties.
        """CREATE OR REPLACE TEMP TABLE cn_coord AS
           SELECT DISTINCT s.cluster_id, x.action_id
           FROM evidence v JOIN cn_int_sig s
             ON s.signal = v.signal AND s.source = v.source AND s.target = v.target,
           LATERAL (SELECT unnest([v.action_source, v.action_target]) AS action_id) x""",
        """CREATE OR REPLACE TEMP TABLE cn_member_stats AS
           SELECT m.cluster_id, m.actor_id,
                  coalesce(t.strength, 0) AS strength, coalesce(t.ties, 0) AS ties,
                  coalesce(a.n_actions, 0) AS n_actions
           FROM cn_members m
           LEFT JOIN (SELECT cluster_id, a AS actor_id, sum(strength) AS strength,
                             count(*) AS ties
                      FROM (SELECT cluster_id, source AS a, strength FROM cn_int
                            UNION ALL SELECT cluster_id, target, strength FROM cn_int)
                      GROUP BY ALL) t USING (cluster_id, actor_id)
           LEFT JOIN (SELECT actor_id, count(*) AS n_actions FROM actions
                      WHERE actor_id IN (SELECT actor_id FROM cn_members) GROUP BY ALL) a
             USING (actor_id)""",
        # Amplification received: who reposted / replied to / quoted whose posts.
        """CREATE OR REPLACE TEMP TABLE cn_amp AS
           SELECT m.cluster_id, x.parent_actor_id AS seed, count(DISTINCT x.actor_id) AS n_amp,
                  count(*) AS n_from_cluster, count(DISTINCT x.parent_id) AS n_posts
           FROM actions x JOIN cn_members m ON m.actor_id = x.actor_id
           WHERE x.kind IN ('repost', 'reply', 'quote') AND x.parent_actor_id IS NOT NULL
             AND x.parent_actor_id <> x.actor_id
           GROUP BY ALL""",
        """CREATE OR REPLACE TEMP TABLE cn_seed_out AS
           WITH sizes AS (SELECT cluster_id, count(*) AS size FROM cn_members GROUP BY ALL),
           total AS (SELECT parent_actor_id AS seed, count(*) AS n_all FROM actions
                     WHERE kind IN ('repost', 'reply', 'quote')
                       AND parent_actor_id IN (SELECT seed FROM cn_amp)
                     GROUP BY ALL)
           SELECT a.cluster_id, a.seed AS actor_id, a.n_amp,
                  a.n_from_cluster * 1.0 / t.n_all AS amp_share
           FROM cn_amp a JOIN sizes s USING (cluster_id) JOIN total t USING (seed)
           WHERE NOT EXISTS (SELECT 1 FROM cn_members m
                             WHERE m.actor_id = a.seed AND m.cluster_id = a.cluster_id)
             AND a.n_amp >= greatest(3, s.size / 5.0) AND a.n_posts >= 2
             AND a.n_from_cluster * 1.0 / t.n_all >= 0.5
           QUALIFY row_number() OVER (PARTITION BY a.seed ORDER BY a.n_amp DESC,
                                      a.cluster_id) = 1""",
        f"""CREATE OR REPLACE TEMP TABLE cn_cluster_score AS
            WITH sizes AS (SELECT cluster_id, count(*) AS size, sum(n_actions) AS n_actions
                           FROM cn_member_stats GROUP BY ALL),
            ties AS (SELECT cluster_id, count(*) AS n_ties, median(strength) AS med_strength
                     FROM cn_int GROUP BY ALL),
            sig AS (SELECT cluster_id, median(n_objects) AS med_objects,
                           median(lag_median_s) FILTER (WHERE signal NOT IN ({excluded}))
                               AS med_lag_s
                    FROM cn_int_sig GROUP BY ALL),
            per_sig AS (SELECT cluster_id, signal, count(*) AS n
                        FROM cn_int_sig GROUP BY ALL),
            sigs AS (SELECT cluster_id, list(signal ORDER BY n DESC, signal) AS signals,
                            list(n ORDER BY n DESC, signal) AS signal_ties
                     FROM per_sig GROUP BY ALL),
            coord AS (SELECT cluster_id, count(*) AS n_coord FROM cn_coord GROUP BY ALL),
            span AS (SELECT c.cluster_id, min(a.time) AS first_seen, max(a.time) AS last_seen
                     FROM cn_coord c JOIN actions a ON a.action_id = c.action_id
                     GROUP BY ALL),
            seeds AS (SELECT cluster_id, count(*) AS n_outside_seeds FROM cn_seed_out
                      WHERE actor_id NOT IN (SELECT actor_id FROM cn_members) GROUP BY ALL),
            parts AS (
                SELECT s.cluster_id, s.size, coalesce(t.n_ties, 0) AS n_ties,
                       coalesce(t.med_strength, 0) AS median_strength,
                       coalesce(g.med_objects, 0) AS median_objects, g.med_lag_s AS median_lag_s,
                       coalesce(c.n_coord, 0) * 1.0 / greatest(s.n_actions, 1) AS coordinated_share,
                       coalesce(t.n_ties, 0) * 2.0 / (s.size * (s.size - 1)) AS density,
                       coalesce(x.signals, []) AS signals,
                       coalesce(x.signal_ties, []) AS signal_ties, sp.first_seen, sp.last_seen,
                       coalesce(o.n_outside_seeds, 0) AS n_outside_seeds
                FROM sizes s LEFT JOIN ties t USING (cluster_id) LEFT JOIN sig g USING (cluster_id)
                LEFT JOIN sigs x USING (cluster_id) LEFT JOIN coord c USING (cluster_id)
                LEFT JOIN span sp USING (cluster_id) LEFT JOIN seeds o USING (cluster_id))
            SELECT *,
                   {w["improbability"]} * improbability + {w["breadth"]} * breadth
                   + {w["tightness"]} * tightness + {w["share"]} * share
                   + {w["density"]} * density_part AS score
            FROM (SELECT *,
                         1 - exp(-median_strength / {STRENGTH_SCALE}) AS improbability,
                         1 - exp(-median_objects / {OBJECTS_SCALE}) AS breadth,
                         coalesce(exp(-median_lag_s / {LAG_SCALE_S}), 0.5) AS tightness,
                         least(coordinated_share, 1.0) AS share,
                         least(density, 1.0) AS density_part
                  FROM parts)""",
        f"""CREATE OR REPLACE TEMP TABLE cn_actor_score AS
            WITH q AS (SELECT cluster_id, quantile_cont(strength, 0.75) AS q75
                       FROM cn_member_stats GROUP BY ALL),
            amp AS (SELECT a.cluster_id, a.seed AS actor_id, a.n_amp FROM cn_amp a
                    JOIN cn_members m ON m.actor_id = a.seed AND m.cluster_id = a.cluster_id
                    WHERE a.n_amp >= 2)
            SELECT s.cluster_id, s.actor_id,
                   CASE WHEN amp.actor_id IS NOT NULL THEN 'seed'
                        WHEN s.strength >= q.q75 AND s.ties > 0 THEN 'core'
                        ELSE 'amplifier' END AS role,
                   1 - exp(-s.strength / {ACTOR_SCALE}) AS score,
                   s.strength, s.ties, s.n_actions, coalesce(amp.n_amp, 0) AS amplified_by,
                   false AS outside
            FROM cn_member_stats s JOIN q USING (cluster_id)
            LEFT JOIN amp USING (cluster_id, actor_id)
            UNION ALL
            SELECT o.cluster_id, o.actor_id, 'seed', c.score * o.amp_share, 0.0, 0,
                   coalesce((SELECT count(*) FROM actions a WHERE a.actor_id = o.actor_id), 0),
                   o.n_amp, true
            FROM cn_seed_out o JOIN cn_cluster_score c USING (cluster_id)""",
    ]


def _add_cluster_reasons(clusters: pa.Table) -> pa.Table:
    reasons = []
    for row in clusters.to_pylist():
        words = [SIGNAL_WORDS.get(s, s) for s in row["signals"][:3]]
        r = [
            f"{row['size']} accounts {_join(words)}" if words else f"{row['size']} accounts",
            f"{row['n_ties']} ties between them ({row['density']:.0%} of all possible pairs), "
            f"median strength {row['median_strength']:.1f} (-log10 q summed over behaviours)",
            f"a typical tie spans {row['median_objects']:.0f} distinct shared objects",
        ]
        if row["median_lag_s"] is not None:
            r.append(f"median lag between co-actions {row['median_lag_s']:.0f} s")
        r.append(f"{row['coordinated_share']:.0%} of the members' actions are co-actions "
                 "with other members")  # fmt: skip
        if row["n_outside_seeds"]:
            r.append(outside_seeds_reason(row["n_outside_seeds"]))
        reasons.append(r)
    return clusters.append_column("reasons", pa.array(reasons, pa.list_(pa.string())))


def outside_seeds_reason(n: int) -> str:
    """The cluster reason that counts its outside seeds (also rewritten by the decision)."""
    return (
        f"amplifies {n} account(s) outside the cluster that get most of their amplification from it"
    )


def _add_actor_reasons(actors: pa.Table) -> pa.Table:
    reasons = []
    for row in actors.to_pylist():
        if row["outside"]:
            r = [f"{row['amplified_by']} members of the network amplified this account's posts"]
        else:
            r = [f"{row['ties']} significant ties inside the network, strength "
                 f"{row['strength']:.1f}"]  # fmt: skip
            if row["role"] == "seed":
                r.append(f"{row['amplified_by']} other members amplified its posts")
        reasons.append(r)
    return actors.append_column("reasons", pa.array(reasons, pa.list_(pa.string())))


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
