"""The SQL every signal shares: object rows in, actor-pair edges and evidence out.

Written once, as a list of statements over temporary tables, so the same definition runs on
any engine that speaks SQL (DuckDB here; Spark through a dialect translation).

**Output-sensitive pairing.** Rows of one object are ranked by time; a window frame counts,
for each row, how many rows of that object fall at most ``window`` (plus 1 ms of slack) after
it. Candidate pairs are then produced by an equality join on (object, rank) for exactly those
ranks, so the work is proportional to the pairs inside the window rather than to the square of
an object's rows. The exact inclusive comparison of the peer tools (seconds as doubles,
``t_y BETWEEN t_x - window AND t_x + window``) is applied afterwards in each direction.

Ids are replaced by dense integers for the heavy steps (``ai`` actor, ``xi`` action, ``oi``
object) and mapped back at the end; nothing in the output depends on how they were assigned.
"""

from __future__ import annotations

__all__ = ["TEMP_TABLES", "edge_statements", "raw_statement"]

#: Temporary tables the statements create, dropped after a fit.
TEMP_TABLES = (
    "cn_raw", "cn_actor", "cn_action", "cn_object", "cn_platform", "cn_r", "cn_pairs",
    "cn_edge", "cn_directed", "cn_lag", "cn_crowd", "cn_edges_out", "cn_evidence_out",
)  # fmt: skip


def raw_statement(objects_sql: str) -> str:
    """Materialise a signal's object rows, dropping rows without an object or a time."""
    return f"""CREATE OR REPLACE TEMP TABLE cn_raw AS
        SELECT CAST(platform AS VARCHAR) AS platform, CAST(actor_id AS VARCHAR) AS actor_id,
               CAST(action_id AS VARCHAR) AS action_id, CAST(object AS VARCHAR) AS object,
               CAST(ms AS BIGINT) AS ms
        FROM ({objects_sql}) WHERE object IS NOT NULL AND ms IS NOT NULL"""


def edge_statements(window: float, min_shared: int, max_evidence: int) -> list[str]:
    """Statements from ``cn_raw`` to ``cn_edges_out`` and ``cn_evidence_out``.

    ``cn_edges_out`` has one row per kept pair with an integer ``ei``, the counts, lag
    statistics, the popularity weight and ``expected`` (co-actions expected by chance); the
    significance figures are added from it by :mod:`coordnet.signals.significance`.
    """
    w = repr(float(window))
    slack_ms = int(float(window) * 1000) + 1
    # Exact per-direction checks, as the peer compares: seconds as doubles, inclusive band.
    ok12 = f"y.ms / 1000.0 BETWEEN f.ms / 1000.0 - {w} AND f.ms / 1000.0 + {w}"
    ok21 = f"f.ms / 1000.0 BETWEEN y.ms / 1000.0 - {w} AND y.ms / 1000.0 + {w}"
    return [
        # Dimensions: dense integer ids, actor activity d (rows), object crowd (actors).
        """CREATE OR REPLACE TEMP TABLE cn_actor AS
           SELECT platform, actor_id, d, row_number() OVER (ORDER BY platform, actor_id) AS ai
           FROM (SELECT platform, actor_id, count(*) AS d
                 FROM cn_raw GROUP BY platform, actor_id)""",
        """CREATE OR REPLACE TEMP TABLE cn_action AS
           SELECT platform, action_id, row_number() OVER () AS xi
           FROM (SELECT DISTINCT platform, action_id FROM cn_raw)""",
        """CREATE OR REPLACE TEMP TABLE cn_platform AS
           SELECT platform, count(*) AS n_actors, sum(d) AS n_rows
           FROM cn_actor GROUP BY platform""",
        # idf = ln(actors in the signal / actors on the object): the popularity weight.
        """CREATE OR REPLACE TEMP TABLE cn_object AS
           SELECT o.platform, o.object, o.n_actors, ln(p.n_actors * 1.0 / o.n_actors) AS idf,
                  row_number() OVER () AS oi
           FROM (SELECT platform, object, count(DISTINCT actor_id) AS n_actors
                 FROM cn_raw GROUP BY platform, object) o
           JOIN cn_platform p ON p.platform = o.platform""",
        # Rank within object by time; hi = rank of the last row inside the window (+ slack).
        f"""CREATE OR REPLACE TEMP TABLE cn_r AS
            SELECT a.ai, x.xi, o.oi, r.ms,
                   row_number() OVER byt AS rk,
                   count(*) OVER (byt RANGE BETWEEN UNBOUNDED PRECEDING AND {slack_ms} FOLLOWING)
                       AS hi
            FROM cn_raw r
            JOIN cn_actor a ON a.platform = r.platform AND a.actor_id = r.actor_id
            JOIN cn_action x ON x.platform = r.platform AND x.action_id = r.action_id
            JOIN cn_object o ON o.platform = r.platform AND o.object = r.object
            WINDOW byt AS (PARTITION BY o.oi ORDER BY r.ms)""",
        # Candidate pairs by (object, rank), oriented u < v, with the exact direction checks.
        f"""CREATE OR REPLACE TEMP TABLE cn_pairs AS
            WITH f AS (SELECT oi, ai, xi, ms, unnest(range(rk + 1, hi + 1)) AS rk2
                       FROM cn_r WHERE hi > rk),
            p AS (SELECT f.oi, f.ai AS a1, f.xi AS x1, f.ms AS m1,
                         y.ai AS a2, y.xi AS x2, y.ms AS m2,
                         ({ok12}) AS ok12, ({ok21}) AS ok21
                  FROM f JOIN cn_r y ON y.oi = f.oi AND y.rk = f.rk2
                  WHERE f.ai <> y.ai)
            SELECT oi,
                   CASE WHEN a1 < a2 THEN a1 ELSE a2 END AS u,
                   CASE WHEN a1 < a2 THEN a2 ELSE a1 END AS v,
                   CASE WHEN a1 < a2 THEN x1 ELSE x2 END AS xu,
                   CASE WHEN a1 < a2 THEN x2 ELSE x1 END AS xv,
                   CASE WHEN a1 < a2 THEN m1 ELSE m2 END AS mu,
                   CASE WHEN a1 < a2 THEN m2 ELSE m1 END AS mv,
                   CASE WHEN a1 < a2 THEN ok12 ELSE ok21 END AS ok_uv,
                   CASE WHEN a1 < a2 THEN ok21 ELSE ok12 END AS ok_vu
            FROM p WHERE ok12 OR ok21""",
        # Per pair and object first, then per pair: plain GROUP BYs instead of DISTINCT
        # aggregates, which are slow with millions of small groups.
        f"""CREATE OR REPLACE TEMP TABLE cn_edge AS
            WITH g AS (SELECT u, v, oi, count(*) AS n, min(abs(mv - mu)) AS lmin,
                              max(abs(mv - mu)) AS lmax
                       FROM cn_pairs GROUP BY u, v, oi)
            SELECT g.u, g.v, count(*) AS n_objects, sum(g.n) AS n_pairs,
                   round(sum(o.idf), 9) AS weight,
                   min(g.lmin) / 1000.0 AS lag_min_s, max(g.lmax) / 1000.0 AS lag_max_s
            FROM g JOIN cn_object o ON o.oi = g.oi
            GROUP BY g.u, g.v HAVING count(*) >= {int(min_shared)}""",
        # Directed counts (the peer's weights): distinct actions of one side with a co-action.
        """CREATE OR REPLACE TEMP TABLE cn_directed AS
           WITH k AS (SELECT p.* FROM cn_pairs p SEMI JOIN cn_edge e ON e.u = p.u AND e.v = p.v)
           SELECT u, v, sum(su) AS w_uv, sum(sv) AS w_vu FROM (
               SELECT u, v, 1 AS su, 0 AS sv FROM k WHERE ok_uv GROUP BY u, v, xu
               UNION ALL
               SELECT u, v, 0 AS su, 1 AS sv FROM k WHERE ok_vu GROUP BY u, v, xv)
           GROUP BY u, v""",
        # Median lag: exact, over every co-action of the pair.
        """CREATE OR REPLACE TEMP TABLE cn_lag AS
           SELECT p.u, p.v, median(abs(p.mv - p.mu)) / 1000.0 AS lag_median_s
           FROM cn_pairs p SEMI JOIN cn_edge e ON e.u = p.u AND e.v = p.v
           GROUP BY p.u, p.v""",
        # Null model inputs: each actor's co-action crowd C_a (other actors' rows in its windows).
        """CREATE OR REPLACE TEMP TABLE cn_crowd AS
           SELECT ai, sum(c) AS crowd FROM (
               SELECT u AS ai, sum(CASE WHEN ok_uv THEN 1 ELSE 0 END) AS c FROM cn_pairs GROUP BY u
               UNION ALL
               SELECT v AS ai, sum(CASE WHEN ok_vu THEN 1 ELSE 0 END) AS c FROM cn_pairs GROUP BY v)
           GROUP BY ai""",
        # Expected shared objects for the pair if actors were assigned to actions at random
        # (keeping each actor's row count and each action's crowd); the larger direction.
        """CREATE OR REPLACE TEMP TABLE cn_edges_out AS
           SELECT row_number() OVER () AS ei,
                  sa.actor_id AS source, ta.actor_id AS target, e.weight, e.n_objects,
                  d.w_uv AS weight_source, d.w_vu AS weight_target,
                  e.lag_min_s, l.lag_median_s, e.lag_max_s,
                  greatest(ta.d * coalesce(cu.crowd, 0) * 1.0 / greatest(p.n_rows - sa.d, 1),
                           sa.d * coalesce(cv.crowd, 0) * 1.0 / greatest(p.n_rows - ta.d, 1))
                      AS expected
           FROM cn_edge e
           JOIN cn_actor sa ON sa.ai = e.u
           JOIN cn_actor ta ON ta.ai = e.v
           JOIN cn_platform p ON p.platform = sa.platform
           JOIN cn_directed d ON d.u = e.u AND d.v = e.v
           JOIN cn_lag l ON l.u = e.u AND l.v = e.v
           LEFT JOIN cn_crowd cu ON cu.ai = e.u
           LEFT JOIN cn_crowd cv ON cv.ai = e.v""",
        # Evidence: the closest co-actions of each kept pair, at most max_evidence, ties broken
        # by the object and action ids so the choice never depends on integer ids.
        f"""CREATE OR REPLACE TEMP TABLE cn_evidence_out AS
            WITH near AS (
                SELECT p.* FROM cn_pairs p JOIN cn_edge e ON e.u = p.u AND e.v = p.v
                WHERE e.n_pairs <= {int(max_evidence)}
                UNION ALL
                SELECT p.* FROM cn_pairs p JOIN cn_edge e ON e.u = p.u AND e.v = p.v
                WHERE e.n_pairs > {int(max_evidence)}
                QUALIFY rank() OVER (PARTITION BY p.u, p.v
                                     ORDER BY abs(p.mv - p.mu), p.mu, p.mv) <= {int(max_evidence)}),
            named AS (
                SELECT sa.actor_id AS source, ta.actor_id AS target, o.object,
                       xa.action_id AS action_source, xb.action_id AS action_target,
                       (n.mv - n.mu) / 1000.0 AS lag_s
                FROM near n
                JOIN cn_actor sa ON sa.ai = n.u JOIN cn_actor ta ON ta.ai = n.v
                JOIN cn_object o ON o.oi = n.oi
                JOIN cn_action xa ON xa.xi = n.xu JOIN cn_action xb ON xb.xi = n.xv)
            SELECT * FROM named
            QUALIFY row_number() OVER (PARTITION BY source, target
                                       ORDER BY abs(lag_s), object, action_source,
                                                action_target) <= {int(max_evidence)}""",
    ]
