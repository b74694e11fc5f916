"""Execution engines: the seam between coordnet's logic and the SQL/dataframe runtime.

Only modules in this package import ``duckdb`` and ``pyspark`` (the optional ``spark`` extra:
:mod:`coordnet.engine.spark_engine`, imported on demand). Everything else
talks to :class:`~coordnet.engine.duckdb_engine.DuckDBEngine` through its small interface.
"""

from __future__ import annotations

from coordnet.engine.duckdb_engine import DuckDBEngine
from coordnet.engine.protocol import SqlEngine

__all__ = ["DuckDBEngine", "SqlEngine"]
