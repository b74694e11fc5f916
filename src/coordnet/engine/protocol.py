"""What a signal needs from an engine: run SQL, read results back as Arrow, take Arrow in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import pyarrow as pa

__all__ = ["SqlEngine"]


class SqlEngine(Protocol):
    """The small interface shared by the DuckDB and Spark engines.

    SQL is written in DuckDB's dialect; engines that speak another one translate it.
    """

    name: str

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run one statement."""

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query and return all rows."""

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return an Arrow table."""

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name``."""

    def unregister(self, name: str) -> None:
        """Forget a table made queryable by :meth:`register`."""
