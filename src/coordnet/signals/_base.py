"""The signal contract: one coordination trace each, as an estimator.

A signal turns the store's actions into actor-actor **edges** ("a and b acted on the same
object within ``window`` seconds, on ``n_objects`` objects") and **evidence** rows (the
object and both actions behind each co-action, with the lag). Following the estimator
contract of scikit-learn, ``__init__`` only stores parameters and ``fit(store)`` validates
them, computes, writes the store tables ``edges`` and ``evidence`` (rows of this signal
replaced) and sets ``edges_`` / ``evidence_`` (Arrow tables) before returning ``self``.

Edges are undirected with ``source < target``. Besides ``n_objects`` they keep the two
directed counts the peer tools report: ``weight_source`` is the number of ``source``'s
actions that have a co-action by ``target`` in the window (coordination-network-toolkit's
``weight`` for the pair ``(source, target)``), ``weight_target`` the reverse.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Self

import pyarrow as pa

from coordnet.errors import InputError
from coordnet.store import Store

__all__ = ["EDGES_SQL", "EVIDENCE_SQL", "Signal"]

EDGES_SQL = """CREATE TABLE IF NOT EXISTS edges (
    signal VARCHAR NOT NULL, source VARCHAR NOT NULL, target VARCHAR NOT NULL,
    weight DOUBLE, n_objects BIGINT, weight_source BIGINT, weight_target BIGINT,
    lag_min_s DOUBLE, lag_median_s DOUBLE, lag_max_s DOUBLE)"""
EVIDENCE_SQL = """CREATE TABLE IF NOT EXISTS evidence (
    signal VARCHAR NOT NULL, source VARCHAR NOT NULL, target VARCHAR NOT NULL,
    object VARCHAR, action_source VARCHAR, action_target VARCHAR, lag_s DOUBLE)"""


class Signal(ABC):
    """Base class of every coordination signal (see the module docstring)."""

    #: Registry / config / report key, e.g. ``co_repost``.
    name: ClassVar[str]
    #: One line for ``coordnet signals``.
    description: ClassVar[str]

    def __init__(self, *, window: float = 60.0, min_shared: int = 1) -> None:
        self.window = window
        self.min_shared = min_shared

    def _validate(self) -> None:
        if not isinstance(self.window, int | float) or self.window < 0:
            raise InputError(f"{self.name}: window must be a number of seconds >= 0, "
                             f"not {self.window!r}")  # fmt: skip
        if not isinstance(self.min_shared, int) or self.min_shared < 1:
            raise InputError(f"{self.name}: min_shared must be an integer >= 1, "
                             f"not {self.min_shared!r}")  # fmt: skip

    @abstractmethod
    def _objects_sql(self) -> str:
        """SQL giving one row per (action, object): platform, actor_id, action_id, object, ms
        (the action's time in Unix milliseconds)."""

    def _co_actions_sql(self) -> str:
        """Every co-action within the window, both directions, distinct actors.

        The band ``y.t BETWEEN x.t - window AND x.t + window`` (inclusive) over seconds as
        doubles is the peer's own comparison, so window edges agree exactly.
        """
        w = float(self.window)
        return f"""
            WITH r AS (SELECT platform, actor_id, action_id, object, ms, ms / 1000.0 AS t
                       FROM ({self._objects_sql()}) WHERE object IS NOT NULL)
            SELECT x.platform, x.actor_id AS a, y.actor_id AS b, x.object,
                   x.action_id AS action_a, y.action_id AS action_b,
                   (y.ms - x.ms) / 1000.0 AS lag_s
            FROM r x JOIN r y ON x.platform = y.platform AND x.object = y.object
            WHERE y.t BETWEEN x.t - {w} AND x.t + {w} AND x.actor_id <> y.actor_id"""

    def fit(self, store: Store) -> Self:
        """Compute this signal's edges and evidence from ``store``; returns ``self``."""
        self._validate()
        e = store.engine
        e.execute(EDGES_SQL)
        e.execute(EVIDENCE_SQL)
        with e.transaction():
            e.execute(f"CREATE OR REPLACE TEMP TABLE cn_co AS {self._co_actions_sql()}")
            e.execute(
                f"""CREATE OR REPLACE TEMP TABLE cn_dir AS
                    SELECT a, b, count(DISTINCT action_a) AS w, count(DISTINCT object) AS n
                    FROM cn_co GROUP BY a, b HAVING count(DISTINCT object) >= {self.min_shared}"""
            )
            sig = f"'{self.name}'"
            e.execute("DELETE FROM edges WHERE signal = ?", [self.name])
            e.execute("DELETE FROM evidence WHERE signal = ?", [self.name])
            e.execute(
                f"""INSERT INTO edges
                    SELECT {sig}, d.a, d.b, d.n, d.n, d.w, r.w,
                           min(abs(c.lag_s)), median(abs(c.lag_s)), max(abs(c.lag_s))
                    FROM cn_dir d JOIN cn_dir r ON r.a = d.b AND r.b = d.a
                    JOIN cn_co c ON c.a = d.a AND c.b = d.b
                    WHERE d.a < d.b
                    GROUP BY d.a, d.b, d.n, d.w, r.w"""
            )
            e.execute(
                f"""INSERT INTO evidence
                    SELECT {sig}, c.a, c.b, c.object, c.action_a, c.action_b, c.lag_s
                    FROM cn_co c SEMI JOIN cn_dir d ON d.a = c.a AND d.b = c.b
                    WHERE c.a < c.b"""
            )
            e.execute("DROP TABLE cn_co")
            e.execute("DROP TABLE cn_dir")
        self.edges_: pa.Table = e.arrow(
            "SELECT * FROM edges WHERE signal = ? ORDER BY source, target", [self.name]
        )
        self.evidence_: pa.Table = e.arrow(
            "SELECT * FROM evidence WHERE signal = ? ORDER BY ALL", [self.name]
        )
        return self
