"""A coordination window estimated from the data, as CooRnet and CooRTweet do.

Giglietto et al. (CooRnet's ``estimate_coord_interval``) look at objects shared at least
twice, take the ``q`` (10 %) whose second share came quickest after the first, and return the
median time those objects took to collect ``p`` (50 %) of their shares. The idea: coordinated
sharing is what happens unusually fast, and "unusually fast" depends on the platform, the data
collection and the kind of object, so it is measured rather than assumed.
"""

from __future__ import annotations

import math

from coordnet.engine.protocol import SqlEngine

__all__ = ["MAX_WINDOW", "MIN_OBJECTS", "estimate_window", "window_sql"]

#: Fewer objects shared twice than this and the estimate is not trusted.
MIN_OBJECTS = 10
#: The estimate is capped here (seconds): beyond an hour "co-action" stops meaning acting
#: together, and objects shared slowly by many (a news site's domain) would otherwise give
#: windows of days and pair counts that grow with them.
MAX_WINDOW = 3600.0


def window_sql(table: str = "cn_raw", q: float = 0.1, p: float = 0.5) -> str:
    """SQL giving (estimate in seconds, number of objects shared at least twice)."""
    return f"""
        WITH s AS (
            SELECT platform, object, ms,
                   row_number() OVER (PARTITION BY platform, object ORDER BY ms) AS k,
                   count(*) OVER (PARTITION BY platform, object) AS n,
                   min(ms) OVER (PARTITION BY platform, object) AS first_ms
            FROM {table}),
        o AS (
            SELECT platform, object,
                   max(CASE WHEN k = 2 THEN ms - first_ms END) AS second_ms,
                   max(CASE WHEN k = greatest(2, CAST(ceil({p} * n) AS BIGINT))
                            THEN ms - first_ms END) AS share_ms
            FROM s WHERE n >= 2 GROUP BY platform, object),
        quick AS (
            SELECT share_ms FROM o
            WHERE second_ms <= (SELECT quantile_cont(second_ms, {q}) FROM o))
        SELECT (SELECT median(share_ms) FROM quick) / 1000.0, (SELECT count(*) FROM o)"""


def estimate_window(
    engine: SqlEngine, default: float, table: str = "cn_raw", q: float = 0.1, p: float = 0.5
) -> float:
    """Seconds for the coordination window from ``table``'s (object, ms) rows.

    Falls back to ``default`` when fewer than :data:`MIN_OBJECTS` objects were shared twice.
    The estimate is rounded up to whole seconds, at least one second and at most
    :data:`MAX_WINDOW`.
    """
    found = engine.rows(window_sql(table, q, p))
    estimate, n_objects = found[0] if found else (None, 0)
    if estimate is None or n_objects < MIN_OBJECTS:
        return float(default)
    return float(min(MAX_WINDOW, max(1, math.ceil(estimate))))
