"""The signal contract: one coordination trace each, as an estimator.

A signal turns the store's actions into actor-actor **edges** ("a and b acted on the same
object within ``window`` seconds, on ``n_objects`` objects") and **evidence** rows (the
object and both actions behind a co-action, with the lag). Following the estimator contract
of scikit-learn, ``__init__`` only stores parameters and ``fit(store)`` validates them,
computes, writes the store tables ``edges`` and ``evidence`` (rows of this signal replaced)
and sets ``window_``, ``edges_`` / ``evidence_`` (Arrow tables) and ``stats_`` before
returning ``self``.

A subclass only says which objects its actions carry (:meth:`Signal._objects_sql`); the
pairing, weights, null model and evidence are shared (:mod:`coordnet.signals.pairing`,
:mod:`coordnet.signals.significance`).

Edges are undirected with ``source < target``. Besides ``n_objects`` they keep the two
directed counts the peer tools report: ``weight_source`` is the number of ``source``'s
actions that have a co-action by ``target`` in the window (coordination-network-toolkit's
``weight`` for the pair ``(source, target)``), ``weight_target`` the reverse. ``weight`` is
popularity-weighted: each shared object adds ``ln(A / a_o)`` (``A`` actors in the signal,
``a_o`` actors on the object), so objects everybody touches add nothing.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Self

import pyarrow as pa

from coordnet.engine.protocol import SqlEngine
from coordnet.errors import InputError
from coordnet.signals.pairing import (
    TEMP_TABLES,
    edge_statements,
    evidence_statement,
    raw_statement,
)
from coordnet.signals.significance import bh_qvalues_sql, pair_pvalues
from coordnet.signals.window import estimate_window
from coordnet.store import Store, utc_now

#: Edges whose p-values are computed in one batch (memory: about 200 bytes per edge).
EDGE_BATCH = 2_000_000
#: Up to this many edges, ``edges_`` is loaded with the fit; beyond, on first use.
EAGER_EDGES = 5_000_000
#: Evidence is kept for edges with ``q_value`` at or below this (fusion keeps q <= 0.05 by
#: default; ``detect`` raises it to a larger fusion ``alpha``).
EVIDENCE_Q = 0.25

__all__ = ["EDGES_SQL", "EVIDENCE_Q", "EVIDENCE_SQL", "Signal"]

EDGES_SQL = """CREATE TABLE IF NOT EXISTS edges (
    signal VARCHAR NOT NULL, source VARCHAR NOT NULL, target VARCHAR NOT NULL,
    weight DOUBLE, n_objects BIGINT, weight_source BIGINT, weight_target BIGINT,
    lag_min_s DOUBLE, lag_median_s DOUBLE, lag_max_s DOUBLE,
    expected DOUBLE, z DOUBLE, p_value DOUBLE, q_value DOUBLE)"""
EVIDENCE_SQL = """CREATE TABLE IF NOT EXISTS evidence (
    signal VARCHAR NOT NULL, source VARCHAR NOT NULL, target VARCHAR NOT NULL,
    object VARCHAR, action_source VARCHAR, action_target VARCHAR, lag_s DOUBLE)"""
SIGNAL_RUNS_SQL = """CREATE TABLE IF NOT EXISTS signal_runs (
    signal VARCHAR PRIMARY KEY, params JSON, window_s DOUBLE, stats JSON,
    finished_at TIMESTAMP)"""

ProgressFactory = Callable[[str], Callable[[float], None]]


class Signal(ABC):
    """Base class of every coordination signal (see the module docstring).

    Parameters
    ----------
    window:
        Seconds within which two actions on one object count as a co-action (inclusive), or
        ``"auto"`` to estimate it from the data (:mod:`coordnet.signals.window`).
    min_shared:
        Keep a pair only when it co-acted on at least this many distinct objects.
    max_evidence:
        Evidence rows kept per edge: the closest co-actions in time.
    """

    #: Registry / config / report key, e.g. ``co_repost``.
    name: ClassVar[str]
    #: One line for ``coordnet signals``.
    description: ClassVar[str]
    #: Window (seconds) when ``window="auto"`` cannot be estimated or is not supported.
    default_window: ClassVar[float] = 60.0
    #: Whether ``window="auto"`` estimates the window from the data (CooRnet's method).
    auto_window: ClassVar[bool] = True

    def __init__(
        self, *, window: float | str = "auto", min_shared: int = 1, max_evidence: int = 20
    ) -> None:
        self.window = window
        self.min_shared = min_shared
        self.max_evidence = max_evidence

    def get_params(self) -> dict[str, Any]:
        """The constructor parameters and their values (for run records and configs)."""
        return {k: v for k, v in vars(self).items() if not k.endswith("_") and k[0] != "_"}

    def _validate(self) -> None:
        w = self.window
        if not (w == "auto" or (isinstance(w, int | float) and not isinstance(w, bool) and w >= 0)):
            raise InputError(f"{self.name}: window must be 'auto' or a number of seconds >= 0, "
                             f"not {w!r}")  # fmt: skip
        for param in ("min_shared", "max_evidence"):
            value = getattr(self, param)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InputError(f"{self.name}: {param} must be an integer >= 1, "
                                 f"not {value!r}")  # fmt: skip

    @abstractmethod
    def _objects_sql(self) -> str:
        """SQL giving one row per (action, object): platform, actor_id, action_id, object, ms
        (the action's time in Unix milliseconds), over the store tables."""

    def _pairing_rows_sql(self) -> str:
        """What ``fit`` pairs: the object rows (mix-ins such as the crowd guard filter them)."""
        return self._objects_sql()

    def _prepare(self, engine: SqlEngine) -> None:  # noqa: B027 - optional hook
        """Create temporary tables that :meth:`_objects_sql` reads (none by default)."""

    def _finish(self, engine: SqlEngine) -> None:  # noqa: B027 - optional hook
        """Set extra fitted attributes and drop :meth:`_prepare`'s tables (nothing by default)."""

    def _resolve_window(self, engine: SqlEngine) -> float:
        if self.window != "auto":
            return float(self.window)
        if not self.auto_window:
            return float(self.default_window)
        return estimate_window(engine, self.default_window)

    def fit(
        self,
        store: Store,
        *,
        engine: SqlEngine | None = None,
        progress: ProgressFactory | None = None,
        evidence_q: float = EVIDENCE_Q,
        store_min_objects: int = 1,
    ) -> Self:
        """Compute this signal's edges and evidence from ``store``; returns ``self``.

        ``engine`` runs the computation (default: the store's own DuckDB); results are always
        written to the store. ``progress`` is a label -> percent-callback factory. Evidence
        rows are kept for the edges with ``q_value <= evidence_q``: the others are chance
        co-actions under the null model, and on a big platform nearly all of the edges.
        Edges with fewer than ``store_min_objects`` shared objects are tested (they count in
        every q-value as before) but not stored: ``detect`` passes fusion's ``min_objects``,
        since fusion could never keep them.
        """
        self._validate()
        if not 0 <= evidence_q <= 1:
            raise InputError(f"{self.name}: evidence_q must be in [0, 1], not {evidence_q!r}")
        if not isinstance(store_min_objects, int) or store_min_objects < 1:
            raise InputError(f"{self.name}: store_min_objects must be an integer >= 1, "
                             f"not {store_min_objects!r}")  # fmt: skip
        self.evidence_q_ = evidence_q
        self.store_min_objects_ = store_min_objects
        started = time.perf_counter()
        run = engine or store.engine
        step = progress(f"{self.name}") if progress else None
        self._prepare(run)
        run.execute(raw_statement(self._pairing_rows_sql()))
        self.window_ = self._resolve_window(run)
        statements = edge_statements(self.window_, self.min_shared)
        for i, sql in enumerate(statements):
            run.execute(sql)
            if step:
                step(100.0 * (i + 1) / (len(statements) + 3))
        stats = run.rows(
            """SELECT (SELECT count(*) FROM cn_raw), (SELECT count(*) FROM cn_actor),
                      (SELECT count(*) FROM cn_object),
                      (SELECT coalesce(sum(hi - rk), 0) FROM cn_r WHERE hi > rk),
                      (SELECT count(*) FROM cn_pairs),
                      (SELECT coalesce(sum(n_actors * (n_actors - 1) / 2), 0) FROM cn_platform)"""
        )[0]
        n_rows, n_actors, n_objects, generated, co_actions, n_tests = (int(x) for x in stats)
        if run is not store.engine:
            _copy_table(run, store.engine, "cn_edges_out")
        keep = self._significance(store, n_tests, evidence_q)
        if keep and run is not store.engine:
            run.register("cn_evidence_keep", store.engine.arrow("SELECT * FROM cn_evidence_keep"))
        run.execute(evidence_statement(self.min_shared, self.max_evidence, keep=keep))
        if step:
            step(100.0 * (len(statements) + 1) / (len(statements) + 3))
        if run is not store.engine:
            _copy_table(run, store.engine, "cn_evidence_out")
        n_tested = int(store.engine.scalar("SELECT count(*) FROM cn_edges_out"))
        self._write(store, n_tests)
        self._finish(run)
        if step:
            step(100.0)
        if keep and run is not store.engine:
            run.unregister("cn_evidence_keep")
        for table in reversed(TEMP_TABLES):
            run.execute(f"DROP TABLE IF EXISTS {table}")
            if run is not store.engine:
                store.engine.execute(f"DROP TABLE IF EXISTS {table}")
        e = store.engine
        self._store = store
        self._edges: pa.Table | None = None
        self._evidence: pa.Table | None = None
        n_edges = int(e.scalar("SELECT count(*) FROM edges WHERE signal = ?", [self.name]))
        if n_edges <= EAGER_EDGES:
            # Kept with the fit, so that a later fit of the same signal cannot change them.
            self._edges = self.edges_
        self.stats_: dict[str, Any] = {
            "window_s": self.window_,
            "rows": n_rows,
            "actors": n_actors,
            "objects": n_objects,
            "pairs_generated": generated,
            "co_actions": co_actions,
            "edges": n_edges,
            "edges_tested": n_tested,
            "evidence": e.scalar("SELECT count(*) FROM evidence WHERE signal = ?", [self.name]),
            "seconds": round(time.perf_counter() - started, 3),
        }
        return self

    def _fitted_store(self) -> Store:
        """The store of the last fit; AttributeError before any (as for any unset ``x_``)."""
        if not hasattr(self, "_store"):
            raise AttributeError(f"{self.name} is not fitted yet: call fit(store) first")
        return self._store

    @property
    def edges_(self) -> pa.Table:
        """This fit's edges: loaded with the fit up to ``EAGER_EDGES`` of them, else read from
        the store on first use, while it is open (a big platform has hundreds of millions;
        :meth:`n_significant` counts without loading them)."""
        store = self._fitted_store()
        if self._edges is None:
            self._edges = store.engine.arrow(
                "SELECT * FROM edges WHERE signal = ? ORDER BY source, target", [self.name]
            )
        return self._edges

    def n_significant(self, alpha: float = 0.05) -> int:
        """How many of this fit's edges have ``q_value <= alpha`` (counted in the store)."""
        return int(self._fitted_store().engine.scalar(
            "SELECT count(*) FROM edges WHERE signal = ? AND q_value <= ?", [self.name, alpha]
        ))  # fmt: skip

    @property
    def evidence_(self) -> pa.Table:
        """This fit's evidence rows, read from the store on first use (they can be many)."""
        store = self._fitted_store()
        if self._evidence is None:
            self._evidence = store.engine.arrow(
                "SELECT * FROM evidence WHERE signal = ? ORDER BY ALL", [self.name]
            )
        return self._evidence

    def _significance(self, store: Store, n_tests: int, evidence_q: float) -> bool:
        """Write ``cn_sig`` (the stored edges' keys, those with ``store_min_objects`` or more, with
        expected, z, p and q) and ``cn_evidence_keep`` (the keys of the edges that get evidence)
        in the store's engine; False when every edge gets evidence."""
        e = store.engine
        n_edges = int(e.scalar("SELECT count(*) FROM cn_edges_out"))
        # p-values in batches of about EDGE_BATCH edges, the BH step-up in SQL: the memory
        # of this step stays bounded however many edges a signal finds.
        parts = max(1, -(-n_edges // EDGE_BATCH))
        e.execute("""CREATE OR REPLACE TEMP TABLE cn_pvalues (
                         ei BIGINT, expected DOUBLE, z DOUBLE, p_value DOUBLE)""")
        try:
            for part in range(parts):
                where = f"WHERE hash(ei) % {parts} = {part}" if parts > 1 else ""
                found = e.arrow(
                    # Typed here: a sum can come back as a 128-bit integer, which reaches
                    # numpy as Python objects, ten times slower.
                    f"""SELECT ei, CAST(weight_source AS BIGINT) AS weight_source,
                               CAST(weight_target AS BIGINT) AS weight_target,
                               CAST(expected_source AS DOUBLE) AS expected_source,
                               CAST(expected_target AS DOUBLE) AS expected_target
                        FROM cn_edges_out {where}"""
                )
                col = {n: found.column(n).to_numpy(zero_copy_only=False)
                       for n in found.column_names}  # fmt: skip
                batch = pa.table(
                    {"ei": found.column("ei"), **pair_pvalues(
                        col["weight_source"], col["expected_source"],
                        col["weight_target"], col["expected_target"])}
                )  # fmt: skip
                e.register("cn_pvalues_in", batch)
                try:
                    e.execute("INSERT INTO cn_pvalues SELECT * FROM cn_pvalues_in")
                finally:
                    e.unregister("cn_pvalues_in")
            # q as a function of p over every tested edge; kept only for the stored ones.
            e.execute(
                "CREATE OR REPLACE TEMP TABLE cn_pq AS "
                + bh_qvalues_sql("cn_pvalues", max(n_tests, n_edges))
            )
            e.execute(
                f"""CREATE OR REPLACE TEMP TABLE cn_sig AS
                    SELECT s.ei, s.expected, s.z, s.p_value, q.q_value
                    FROM cn_pvalues s JOIN cn_edges_out o ON o.ei = s.ei
                    JOIN cn_pq q ON q.p_value = s.p_value
                    WHERE o.n_objects >= {int(self.store_min_objects_)}"""
            )
        finally:
            e.execute("DROP TABLE IF EXISTS cn_pvalues")
            e.execute("DROP TABLE IF EXISTS cn_pq")
        e.execute(
            "CREATE OR REPLACE TEMP TABLE cn_evidence_keep AS "
            f"SELECT ei FROM cn_sig WHERE q_value <= {float(evidence_q)!r}"
        )
        return True

    def _write(self, store: Store, n_tests: int) -> None:
        """Replace this signal's rows in the store: ``cn_edges_out`` with ``cn_sig``'s
        significance, ``cn_evidence_out``, and the run record (one transaction)."""
        e = store.engine
        _ensure_tables(store)
        with e.transaction():
            e.execute("DELETE FROM edges WHERE signal = ?", [self.name])
            e.execute("DELETE FROM evidence WHERE signal = ?", [self.name])
            e.execute(
                """INSERT INTO edges
                   SELECT ?, o.source, o.target, o.weight, o.n_objects, o.weight_source,
                          o.weight_target, o.lag_min_s, o.lag_median_s, o.lag_max_s,
                          s.expected, s.z, s.p_value, s.q_value
                   FROM cn_edges_out o JOIN cn_sig s ON s.ei = o.ei""",
                [self.name],
            )
            e.execute(
                """INSERT INTO evidence SELECT ?, source, target, object, action_source,
                          action_target, lag_s FROM cn_evidence_out""",
                [self.name],
            )
            e.execute(
                "INSERT OR REPLACE INTO signal_runs VALUES (?, ?, ?, ?, ?)",
                [self.name, _json(self.get_params()), self.window_,
                 _json({"tests": n_tests, "evidence_q": self.evidence_q_,
                        "store_min_objects": self.store_min_objects_}), utc_now()],
            )  # fmt: skip


def _copy_table(source: SqlEngine, target: SqlEngine, table: str) -> None:
    """Copy a temporary table from the engine that computed it to the store's engine."""
    target.register(f"{table}_in", source.arrow(f"SELECT * FROM {table}"))
    try:
        target.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table}_in")
    finally:
        target.unregister(f"{table}_in")


def _ensure_tables(store: Store) -> None:
    """Create the result tables; replace ones written by an older coordnet (derived data)."""
    e = store.engine
    found = e.rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'edges'")
    cols = {r[0] for r in found}
    if cols and "q_value" not in cols:
        e.execute("DROP TABLE edges")
        e.execute("DROP TABLE IF EXISTS evidence")
    e.execute(EDGES_SQL)
    e.execute(EVIDENCE_SQL)
    e.execute(SIGNAL_RUNS_SQL)


def _json(value: object) -> str:
    return json.dumps(value, default=str, sort_keys=True)
