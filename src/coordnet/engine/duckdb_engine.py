"""The default engine: an embedded DuckDB database (a file, or ``:memory:``).

Wraps one connection with the few operations the rest of coordnet needs: run SQL (optionally
reporting progress while it runs), fetch rows or Arrow tables, register Arrow data and run a
block in a transaction. Third-party errors are wrapped at this seam into coordnet's own.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from coordnet.errors import InputError, StoreError

__all__ = ["DuckDBEngine", "EngineInputError"]

#: A DuckDB memory size: a number and a unit.
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)

ProgressCallback = Callable[[float], None]


class EngineInputError(InputError):
    """DuckDB could not parse input data (a CSV/JSON/Parquet scan failed)."""


class DuckDBEngine:
    """One DuckDB connection with UTC session time and coordnet's helpers.

    Parameters
    ----------
    path:
        Database file, or ``":memory:"`` for a throw-away store (tests).
    threads:
        Worker threads; ``None`` lets DuckDB use every core.
    memory_limit:
        DuckDB memory limit such as ``"8GB"``; beyond it DuckDB spills to disk.
    """

    name = "duckdb"

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
    ) -> None:
        self.path = str(path)
        self._depth = 0
        try:
            self.con = duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        # Every timestamp coordnet stores is UTC; the session zone makes casts agree.
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("SET enable_progress_bar = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            if not _MEMORY.fullmatch(str(memory_limit)):
                self.con.close()
                raise InputError(
                    f"memory limit {memory_limit!r} is not a size such as 8GB or 512MB"
                )
            self.con.execute(f"SET memory_limit = '{memory_limit}'")

    # -- running SQL -------------------------------------------------------------------------
    def execute(
        self,
        sql: str,
        params: Sequence[Any] | None = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        """Run one statement; with ``on_progress``, report its completion (0-100) meanwhile."""
        if on_progress is None:
            self._run(sql, params)
            return
        errors: list[BaseException] = []

        def work() -> None:
            try:
                self._run(sql, params)
            except BaseException as exc:  # re-raised in the calling thread below
                errors.append(exc)

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            try:
                done = self.con.query_progress()
            except duckdb.Error:
                done = -1
            if done is not None and done >= 0:
                on_progress(float(done))
        if errors:
            raise errors[0]
        on_progress(100.0)

    def _run(self, sql: str, params: Sequence[Any] | None) -> None:
        try:
            self.con.execute(sql, params)
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
            raise EngineInputError(str(exc).splitlines()[0]) from exc

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query and return all rows as tuples."""
        try:
            return self.con.execute(sql, params).fetchall()
        except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
            raise EngineInputError(str(exc).splitlines()[0]) from exc

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """Run a query and return the first column of its first row (or ``None``)."""
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return the result as an Arrow table."""
        table = self.con.sql(sql, params=params).to_arrow_table()
        return table

    def columns(self, relation_sql: str) -> list[str]:
        """Column names of a relation expression such as ``read_csv('x.csv')``."""
        return [row[0] for row in self.rows(f"DESCRIBE SELECT * FROM {relation_sql}")]

    # -- data in -----------------------------------------------------------------------------
    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name`` (until :meth:`unregister`)."""
        self.con.register(name, table)

    def unregister(self, name: str) -> None:
        """Forget a table registered with :meth:`register`."""
        self.con.unregister(name)

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[DuckDBEngine]:
        """Run a block atomically: everything commits together or nothing does.

        Re-entrant: a block inside another joins the outer transaction, so a stage that
        writes atomically can be part of a larger atomic step."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self.con.execute("ROLLBACK")
            raise
        self._depth = 0
        self.con.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (a file store is checkpointed by DuckDB)."""
        self.con.close()

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
