"""Monitoring tables as the monitoring stage writes them (the contract in docs/serve.md),
made from a store's real networks: two runs, in the second of which one network gained
some of its real members."""

from __future__ import annotations

from coordnet.store import Store

__all__ = ["add_two_runs"]


def add_two_runs(st: Store, grown: int, n_new: int) -> list[str]:
    """Write ``detect_runs``, ``network_history`` and ``member_history`` for two runs of the
    store's reported networks: network ``grown`` gained its ``n_new`` weakest flagged members
    in run 2; returns their ids."""
    e = st.engine
    e.execute("""CREATE OR REPLACE TABLE detect_runs (run_id BIGINT, started_at TIMESTAMP,
                 finished_at TIMESTAMP, since TIMESTAMP, settings JSON)""")
    e.execute("""INSERT INTO detect_runs VALUES
                 (1, '2024-05-01 10:00', '2024-05-01 10:05', NULL, '{}'),
                 (2, '2024-05-08 10:00', '2024-05-08 10:05', '2024-05-01', '{}')""")
    new = [str(r[0]) for r in e.rows(
        """SELECT actor_id FROM cluster_members WHERE cluster_id = ? AND reported
           ORDER BY score, actor_id LIMIT ?""", [grown, n_new])]  # fmt: skip
    e.execute("""CREATE OR REPLACE TABLE member_history (cluster_id BIGINT, actor_id VARCHAR,
                 first_run_id BIGINT, last_run_id BIGINT)""")
    e.execute(
        """INSERT INTO member_history SELECT cluster_id, actor_id,
               CASE WHEN cluster_id = ? AND list_contains(?, actor_id) THEN 2 ELSE 1 END, 2
           FROM cluster_members""",
        [grown, new],
    )
    e.execute("""CREATE OR REPLACE TABLE network_history (run_id BIGINT, cluster_id BIGINT,
                 reported BOOLEAN, size BIGINT, n_new_members BIGINT, n_lost_members BIGINT,
                 is_new BOOLEAN)""")
    e.execute(
        """INSERT INTO network_history
           SELECT 1, cluster_id, reported, size - CASE WHEN cluster_id = ? THEN ? ELSE 0 END,
                  size, 0, true FROM clusters
           UNION ALL
           SELECT 2, cluster_id, reported, size, CASE WHEN cluster_id = ? THEN ? ELSE 0 END,
                  0, false FROM clusters""",
        [grown, n_new, grown, n_new],
    )
    return new
