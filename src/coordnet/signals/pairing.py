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

__all__ = ["TEMP_TABLES", "edge_statements", "evidence_statement", "raw_statement"]

#: Multiplier packing an ordered actor pair (u < v, both dense ids) into one BIGINT.
KEY = 4294967296

#: Temporary tables a fit creates (these statements and the significance step), dropped
#: after it.
TEMP_TABLES = (
    "cn_raw", "cn_actor", "cn_action", "cn_object", "cn_platform", "cn_r", "cn_pairs", "cn_pc",
    "cn_multi", "cn_edge", "cn_crowd", "cn_actor_null", "cn_edges_out", "cn_sig",
    "cn_evidence_keep", "cn_evidence_out",
)  # fmt: skip


def raw_statement(objects_sql: str) -> str:
    """Materialise a signal's object rows, dropping rows without an object or a time."""
    return f"""CREATE OR REPLACE TEMP TABLE cn_raw AS
        SELECT CAST(platform AS VARCHAR) AS platform, CAST(actor_id AS VARCHAR) AS actor_id,
               CAST(action_id AS VARCHAR) AS action_id, CAST(object AS VARCHAR) AS object,
               CAST(ms AS BIGINT) AS ms
        FROM ({objects_sql}) WHERE object IS NOT NULL AND ms IS NOT NULL"""


def edge_statements(window: float, min_shared: int) -> list[str]:
    """Statements from ``cn_raw`` to ``cn_edges_out`` (evidence: :func:`evidence_statement`).

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
        # idf = ln(actors in the signal / actors on the object): the popularity weight, as an
        # exact decimal so that sums do not depend on the order of addition or the engine.
        """CREATE OR REPLACE TEMP TABLE cn_object AS
           SELECT o.platform, o.object, o.n_actors,
                  CAST(round(ln(p.n_actors * 1.0 / o.n_actors), 9) AS DECIMAL(18, 9)) AS idf,
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
        # Candidate pairs by (object, rank), with the exact direction checks. The actor pair is
        # packed into one BIGINT key uv = u * 2^32 + v (u < v) for fast grouping.
        f"""CREATE OR REPLACE TEMP TABLE cn_pairs AS
            WITH f AS (SELECT oi, ai, xi, ms, unnest(range(rk + 1, hi + 1)) AS rk2
                       FROM cn_r WHERE hi > rk),
            p AS (SELECT f.oi, f.ai AS a1, f.xi AS x1, f.ms AS m1,
                         y.ai AS a2, y.xi AS x2, y.ms AS m2,
                         ({ok12}) AS ok12, ({ok21}) AS ok21
                  FROM f JOIN cn_r y ON y.oi = f.oi AND y.rk = f.rk2
                  WHERE f.ai <> y.ai)
            SELECT oi,
                   CASE WHEN a1 < a2 THEN a1 * {KEY} + a2 ELSE a2 * {KEY} + a1 END AS uv,
                   CASE WHEN a1 < a2 THEN x1 ELSE x2 END AS xu,
                   CASE WHEN a1 < a2 THEN x2 ELSE x1 END AS xv,
                   CASE WHEN a1 < a2 THEN m1 ELSE m2 END AS mu,
                   CASE WHEN a1 < a2 THEN m2 ELSE m1 END AS mv,
                   CASE WHEN a1 < a2 THEN ok12 ELSE ok21 END AS ok_uv,
                   CASE WHEN a1 < a2 THEN ok21 ELSE ok12 END AS ok_vu
            FROM p WHERE ok12 OR ok21""",
        # Co-actions per pair; for a pair with one (most of them), that row's fields, so its
        # edge needs no second pass over cn_pairs (min of one value is the value).
        """CREATE OR REPLACE TEMP TABLE cn_pc AS
           SELECT uv, count(*) AS n, min(oi) AS oi, min(abs(mv - mu)) AS lag_ms,
                  max(CASE WHEN ok_uv THEN 1 ELSE 0 END) AS w_uv,
                  max(CASE WHEN ok_vu THEN 1 ELSE 0 END) AS w_vu
           FROM cn_pairs GROUP BY uv""",
        # Most pairs co-act once: their edge is the row itself, no aggregation needed.
        """CREATE OR REPLACE TEMP TABLE cn_multi AS
           SELECT p.* FROM cn_pairs p JOIN cn_pc c ON c.uv = p.uv WHERE c.n > 1""",
        # Pairs with several co-actions: per pair and object first, then per pair (plain GROUP
        # BYs; DISTINCT aggregates are slow with millions of small groups).
        """CREATE OR REPLACE TEMP TABLE cn_edge AS
            WITH g AS (SELECT uv, oi, min(abs(mv - mu)) AS lmin, max(abs(mv - mu)) AS lmax
                       FROM cn_multi GROUP BY uv, oi),
            e AS (SELECT g.uv, count(*) AS n_objects, CAST(sum(o.idf) AS DOUBLE) AS weight,
                         min(g.lmin) / 1000.0 AS lag_min_s, max(g.lmax) / 1000.0 AS lag_max_s
                  FROM g JOIN cn_object o ON o.oi = g.oi GROUP BY g.uv),
            d AS (SELECT uv, sum(su) AS w_uv, sum(sv) AS w_vu FROM (
                      SELECT uv, 1 AS su, 0 AS sv FROM cn_multi WHERE ok_uv GROUP BY uv, xu
                      UNION ALL
                      SELECT uv, 0 AS su, 1 AS sv FROM cn_multi WHERE ok_vu GROUP BY uv, xv)
                  GROUP BY uv),
            l AS (SELECT uv, median(abs(mv - mu)) / 1000.0 AS lag_median_s
                  FROM cn_multi GROUP BY uv)
            SELECT e.uv, e.n_objects, c.n AS n_pairs, e.weight,
                   coalesce(d.w_uv, 0) AS w_uv, coalesce(d.w_vu, 0) AS w_vu,
                   e.lag_min_s, l.lag_median_s, e.lag_max_s
            FROM e JOIN cn_pc c ON c.uv = e.uv JOIN l ON l.uv = e.uv
            LEFT JOIN d ON d.uv = e.uv
            UNION ALL
            SELECT c.uv, 1, 1, CAST(o.idf AS DOUBLE), c.w_uv, c.w_vu,
                   c.lag_ms / 1000.0, c.lag_ms / 1000.0, c.lag_ms / 1000.0
            FROM cn_pc c JOIN cn_object o ON o.oi = c.oi
            WHERE c.n = 1""",
        # Null model inputs: each actor's crowd C_a, the other actors' rows inside the windows
        # of its own rows (directed co-action rows from its side).
        f"""CREATE OR REPLACE TEMP TABLE cn_crowd AS
            SELECT ai, sum(c) AS crowd FROM (
                SELECT uv // {KEY} AS ai, sum(CASE WHEN ok_uv THEN 1 ELSE 0 END) AS c
                FROM cn_pairs GROUP BY uv // {KEY}
                UNION ALL
                SELECT uv % {KEY} AS ai, sum(CASE WHEN ok_vu THEN 1 ELSE 0 END) AS c
                FROM cn_pairs GROUP BY uv % {KEY})
            GROUP BY ai""",
        # One row per actor with everything the expectation needs, so edges join it twice.
        """CREATE OR REPLACE TEMP TABLE cn_actor_null AS
           SELECT a.ai, a.actor_id, a.d, coalesce(c.crowd, 0) AS crowd, p.n_rows
           FROM cn_actor a JOIN cn_platform p ON p.platform = a.platform
           LEFT JOIN cn_crowd c ON c.ai = a.ai""",
        # Kept edges with ids mapped back, the chance expectation in each direction
        # (d_other * C_self / (M - d_self), see significance.py); ei, the pair key, is an id.
        f"""CREATE OR REPLACE TEMP TABLE cn_edges_out AS
            SELECT e.uv AS ei,
                   sa.actor_id AS source, ta.actor_id AS target, e.weight, e.n_objects,
                   e.w_uv AS weight_source, e.w_vu AS weight_target,
                   e.lag_min_s, e.lag_median_s, e.lag_max_s,
                   ta.d * sa.crowd * 1.0 / greatest(sa.n_rows - sa.d, 1) AS expected_source,
                   sa.d * ta.crowd * 1.0 / greatest(sa.n_rows - ta.d, 1) AS expected_target
            FROM cn_edge e
            JOIN cn_actor_null sa ON sa.ai = e.uv // {KEY}
            JOIN cn_actor_null ta ON ta.ai = e.uv % {KEY}
            WHERE e.n_objects >= {int(min_shared)}""",
    ]


def evidence_statement(min_shared: int, max_evidence: int, *, keep: bool) -> str:
    """The statement from the pairing tables to ``cn_evidence_out``: every co-action of pairs
    with at most ``max_evidence`` of them; for the others the closest in time, ties broken by
    object and action ids (never by integer ids).

    With ``keep``, only the edges whose key ``ei`` is in the table ``cn_evidence_keep`` get
    evidence (the significant ones: most edges of a big run are chance single co-actions,
    and writing their evidence cost more than the rest of the signal together).
    """
    cap = int(max_evidence)
    only = " AND uv IN (SELECT ei FROM cn_evidence_keep)" if keep else ""
    return f"""CREATE OR REPLACE TEMP TABLE cn_evidence_out AS
            WITH kept AS (SELECT uv, n_pairs FROM cn_edge
                          WHERE n_objects >= {int(min_shared)}{only}),
            few AS (SELECT p.* FROM cn_pairs p JOIN kept k ON k.uv = p.uv
                    WHERE k.n_pairs <= {cap}),
            many AS (SELECT p.* FROM cn_multi p JOIN kept k ON k.uv = p.uv
                     WHERE k.n_pairs > {cap}
                     QUALIFY rank() OVER (PARTITION BY p.uv
                                          ORDER BY abs(p.mv - p.mu), p.mu, p.mv) <= {cap}),
            named AS (
                SELECT n.uv, sa.actor_id AS source, ta.actor_id AS target, o.object,
                       xa.action_id AS action_source, xb.action_id AS action_target,
                       (n.mv - n.mu) / 1000.0 AS lag_s
                FROM many n
                JOIN cn_actor sa ON sa.ai = n.uv // {KEY} JOIN cn_actor ta ON ta.ai = n.uv % {KEY}
                JOIN cn_object o ON o.oi = n.oi
                JOIN cn_action xa ON xa.xi = n.xu JOIN cn_action xb ON xb.xi = n.xv)
            SELECT sa.actor_id AS source, ta.actor_id AS target, o.object,
                   xa.action_id AS action_source, xb.action_id AS action_target,
                   (n.mv - n.mu) / 1000.0 AS lag_s
            FROM few n
            JOIN cn_actor sa ON sa.ai = n.uv // {KEY} JOIN cn_actor ta ON ta.ai = n.uv % {KEY}
            JOIN cn_object o ON o.oi = n.oi
            JOIN cn_action xa ON xa.xi = n.xu JOIN cn_action xb ON xb.xi = n.xv
            UNION ALL
            SELECT source, target, object, action_source, action_target, lag_s FROM named
            QUALIFY row_number() OVER (PARTITION BY uv ORDER BY abs(lag_s), object,
                                       action_source, action_target) <= {cap}"""
