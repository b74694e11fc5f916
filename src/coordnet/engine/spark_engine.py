"""The Spark engine: the signals' DuckDB SQL, translated, on a Spark session (local or a cluster).

Every signal is a list of SQL statements in DuckDB's dialect. :class:`SparkEngine` runs them
on Spark: each statement is translated by :mod:`coordnet.engine.spark_sql`; a
``CREATE [OR REPLACE] TEMP TABLE x AS q`` becomes the checkpointed result of ``q`` registered
as temp view ``x`` (checkpointing cuts the lineage, so that iterative SQL such as the
near-duplicate families does not grow its plans, and fixes surrogate ids once computed);
``DROP TABLE`` drops the view. Queries come back as Arrow, with the column types DuckDB
would give (``string``, naive UTC timestamps).

The canonical tables (``actions``, ``actors``, ``sessions``) must be visible to Spark first:
:meth:`SparkEngine.attach` exports them from a DuckDB store to Parquet, or reads a directory
of Parquet files named by table (how a cluster would see a large data set). Results are
written back to the DuckDB store by :meth:`coordnet.signals.Signal.fit` as usual::

    from coordnet.engine.spark_engine import SparkEngine

    with SparkEngine.from_store(store) as spark:       # local[2] session, tables exported
        CoRepost(window=60).fit(store, engine=spark)   # same edges as on DuckDB

Optional: needs ``pip install 'coordnet[spark]'`` (pyspark, sqlglot) and Java 17 or 21.

Cost: each statement is a Spark job; on a laptop a signal takes seconds where DuckDB takes
milliseconds, so Spark pays off only on data that does not fit one machine. Memory: every
temporary table is held in executor memory, spilling to disk, until the signal drops it
(Spark's cleaner then frees it when the JVM collects the dropped data).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from coordnet.errors import InputError, MissingDependencyError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from coordnet.store import Store

__all__ = ["CANONICAL_TABLES", "SparkEngine"]

#: Store tables the signals read, exported or attached under the same names.
CANONICAL_TABLES = ("actions", "actors", "sessions")
_INSTALL = "pip install 'coordnet[spark]'"
_CHECKPOINTS = ("local", "reliable")


def _import_pyspark() -> Any:
    try:
        import pyspark.sql
    except ImportError as exc:
        raise MissingDependencyError(
            f"the Spark engine needs pyspark; install it with: {_INSTALL}"
        ) from exc
    return pyspark.sql


class SparkEngine:
    """Run coordnet's SQL on Spark (the :class:`~coordnet.engine.protocol.SqlEngine` seam).

    Parameters
    ----------
    spark:
        An existing ``SparkSession`` (a cluster's). Its session time zone is set to UTC, as
        coordnet's times are UTC. ``None`` uses the session active in this process, or
        starts a local one (stopped again by :meth:`close`).
    master:
        Master of the local session, such as ``"local[2]"`` (ignored with ``spark``).
    conf:
        Extra Spark settings for the local session, e.g. ``{"spark.driver.memory": "8g"}``.
    checkpoint:
        How temporary tables are materialised: ``"local"`` (``localCheckpoint``: executor
        memory and disk, fast, lost with an executor) or ``"reliable"`` (``checkpoint`` to
        the session's checkpoint directory, which a cluster must set).
    """

    name = "spark"

    def __init__(
        self,
        spark: SparkSession | None = None,
        *,
        master: str = "local[2]",
        conf: dict[str, str] | None = None,
        checkpoint: str = "local",
    ) -> None:
        if checkpoint not in _CHECKPOINTS:
            raise InputError(
                f"spark engine: checkpoint must be one of {', '.join(_CHECKPOINTS)}, "
                f"not {checkpoint!r}"
            )
        _import_pyspark()
        # Import here so that the missing-extra message names pyspark before sqlglot.
        from coordnet.engine import spark_sql

        self._sql = spark_sql
        if spark is None:
            # A session already running in this process is used (and left running).
            spark = _import_pyspark().SparkSession.getActiveSession()
            self._owns_session = spark is None
        else:
            self._owns_session = False
        self.spark: SparkSession = spark if spark is not None else _local_session(master, conf)
        # Casts between timestamps and strings or epoch numbers follow the session zone.
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        self.checkpoint = checkpoint
        self._views: dict[str, DataFrame] = {}
        self._types: dict[str, dict[str, str]] = {}  # view -> column -> Spark type
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    # -- construction from data ----------------------------------------------------------------
    @classmethod
    def from_store(
        cls, store: Store, *, path: str | Path | None = None, **kwargs: Any
    ) -> SparkEngine:
        """A (local, unless ``spark=`` is given) engine with ``store``'s tables attached."""
        engine = cls(**kwargs)
        try:
            engine.attach(store, path=path)
        except BaseException:
            engine.close()
            raise
        return engine

    def attach(self, source: Store | str | Path, *, path: str | Path | None = None) -> None:
        """Make the canonical tables visible to Spark as temp views of the same names.

        ``source`` is a store, whose tables are exported to Parquet in ``path`` (default: a
        temporary directory removed on :meth:`close`), or a directory holding
        ``actions.parquet``, ``actors.parquet`` and ``sessions.parquet`` (files, or
        directories of part files as Spark writes them). A table missing from the directory
        is attached empty, with the store's columns. Attach again after new ingests: the
        views read the exported snapshot.
        """
        if isinstance(source, str | Path):
            directory = Path(source)
            if not directory.is_dir():
                raise InputError(f"spark engine: {directory} is not a directory of Parquet tables")
        else:
            directory = self._export(source, path)
        for table in CANONICAL_TABLES:
            found = [p for p in (directory / f"{table}.parquet", directory / table) if p.exists()]
            if found:
                df = _as_instants(self.spark.read.parquet(str(found[0])))
            else:
                df = self.spark.createDataFrame([], schema=_canonical_schema(table))
            self._show(table, df)

    def _export(self, store: Store, path: str | Path | None) -> Path:
        """Write the store's canonical tables to Parquet; JSON as text, times as UTC instants."""
        if path is None:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="coordnet-spark-")
            directory = Path(self._tmp.name)
        else:
            directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        for table in CANONICAL_TABLES:
            cols = store.engine.rows(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ? AND table_schema = 'main' "
                # Not the temporary views of a ``--since`` window, which share the name.
                "AND table_catalog = current_database() ORDER BY ordinal_position",
                [table],
            )
            select = ", ".join(_export_column(name, dtype) for name, dtype in cols)
            target = str(directory / f"{table}.parquet").replace("'", "''")
            store.engine.execute(
                f"COPY (SELECT {select} FROM {table}) TO '{target}' (FORMAT parquet)"
            )
        return directory

    # -- the SqlEngine protocol ----------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run DuckDB statements: temp tables become checkpointed temp views."""
        for st in self._sql.translate(sql, self._column_types()):
            if st.kind == "create":
                self._show(st.table, self._materialise(self._run(st.sql, params)))
            elif st.kind == "insert":
                appended = self._appended(st.table, st.columns, st.sql, params)
                self._show(st.table, self._materialise(appended))
            elif st.kind == "drop":
                self._run(f"DROP VIEW {'IF EXISTS ' if st.if_exists else ''}`{st.table}`", None)
                self._forget(st.table)
            else:  # run for its effect, without bringing rows to the driver
                self._run(st.sql, params).write.format("noop").mode("overwrite").save()

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query and return its rows as tuples (values as DuckDB would give them)."""
        table = self.arrow(sql, params)
        return list(zip(*(c.to_pylist() for c in table.columns), strict=True))

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Run a query and return an Arrow table with DuckDB's column types."""
        statements = self._sql.translate(sql, self._column_types())
        if len(statements) != 1 or statements[0].kind != "query":
            raise ValueError(f"spark engine: arrow() needs one query, not {sql[:80]!r}")
        return _duckdb_types(self._run(statements[0].sql, params).toArrow())

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under ``name`` (a temp view)."""
        # Naive timestamps are UTC in coordnet: tag them so that Spark reads instants.
        utc = pa.schema(
            [
                pa.field(f.name, pa.timestamp(f.type.unit, "UTC"))
                if pa.types.is_timestamp(f.type) and f.type.tz is None
                else f
                for f in table.schema
            ]
        )
        self._show(name, self.spark.createDataFrame(table.cast(utc)))

    def unregister(self, name: str) -> None:
        """Forget a table registered with :meth:`register`."""
        self.spark.catalog.dropTempView(name)
        self._forget(name)

    # -- lifetime ------------------------------------------------------------------------------
    def close(self) -> None:
        """Drop this engine's views, remove exported files, stop a session it started."""
        for name in list(self._views):
            with suppress(Exception):
                self.spark.catalog.dropTempView(name)
        self._views.clear()
        self._types.clear()
        if self._owns_session:
            self.spark.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------------
    def _show(self, name: str, df: DataFrame) -> None:
        """Register ``df`` as temp view ``name`` and remember its column types."""
        df.createOrReplaceTempView(name)
        self._views[name] = df
        self._types[name] = {f.name.lower(): f.dataType.simpleString() for f in df.schema.fields}

    def _forget(self, name: str) -> None:
        self._views.pop(name, None)
        self._types.pop(name, None)

    def _run(self, sql: str, params: Sequence[Any] | None) -> DataFrame:
        try:
            if params:
                return self.spark.sql(sql, args=list(params))
            return self.spark.sql(sql)
        except Exception as exc:
            exc.add_note(f"Spark SQL (translated from DuckDB by coordnet):\n{sql}")
            raise

    def _appended(
        self, table: str, columns: tuple[str, ...], sql: str, params: Sequence[Any] | None
    ) -> DataFrame:
        """``table`` with the rows of ``sql`` appended (``INSERT INTO``), cast to its types."""
        from pyspark.sql import functions as F

        old = self._views.get(table)
        if old is None:
            raise InputError(f"spark engine: INSERT INTO {table}: no such temporary table")
        new = self._run(sql, params)
        names = list(columns) or old.columns[: len(new.columns)]
        new = new.toDF(*names)
        fields = {f.name: f.dataType for f in old.schema.fields}
        cols = [
            (F.col(c) if c in names else F.lit(None)).cast(fields[c]).alias(c) for c in old.columns
        ]
        return old.unionByName(new.select(*cols))

    def _materialise(self, df: DataFrame) -> DataFrame:
        try:
            if self.checkpoint == "reliable":
                return df.checkpoint(eager=True)
            return df.localCheckpoint(eager=True)
        except Exception as exc:
            exc.add_note("while materialising a temporary table on Spark")
            raise

    def _column_types(self) -> dict[str, str]:
        """Column name -> Spark type over the known views, for the type-dependent rewrites;
        names of two kinds of type in different views are left out (unknown)."""
        kinds: dict[str, set[str | None]] = {}
        spelled: dict[str, str] = {}
        for types in self._types.values():
            for name, dtype in types.items():
                kinds.setdefault(name, set()).add(self._sql.type_kind(dtype))
                spelled.setdefault(name, dtype)
        return {name: spelled[name] for name, found in kinds.items() if len(found) == 1}


def _local_session(master: str, conf: dict[str, str] | None) -> SparkSession:
    """A local Spark session tuned for one machine: UTC, no UI, few shuffle partitions."""
    sql = _import_pyspark()
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise MissingDependencyError(
            "the Spark engine needs Java 17 or 21: install a JDK and set JAVA_HOME "
            "or put java on PATH"
        )
    m = re.fullmatch(r"local\[(\d+|\*)\]", master)
    cores = (os.cpu_count() or 2) if m is None or m.group(1) == "*" else int(m.group(1))
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": str(max(1, cores)),
        "spark.sql.ansi.enabled": "true",
        "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
        "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
        **(conf or {}),
    }
    builder = sql.SparkSession.builder.master(master).appName("coordnet")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:
        raise MissingDependencyError(
            f"could not start a local Spark session ({exc}); the Spark engine needs "
            f"Java 17 or 21 and {_INSTALL}"
        ) from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


def _as_instants(df: DataFrame) -> DataFrame:
    """Read Parquet timestamps without a zone (TIMESTAMP_NTZ) as UTC instants, as the store
    does, so that ``epoch_ms`` and casts treat both kinds of file alike."""
    ntz = [f.name for f in df.schema.fields if f.dataType.typeName() == "timestamp_ntz"]
    if not ntz:
        return df
    from pyspark.sql import functions as F

    return df.withColumns({name: F.col(name).cast("timestamp") for name in ntz})


def _export_column(name: str, dtype: str) -> str:
    quoted = '"' + name.replace('"', '""') + '"'
    if dtype == "JSON":
        return f"CAST({quoted} AS VARCHAR) AS {quoted}"
    if dtype == "TIMESTAMP":
        # Written as instants (isAdjustedToUTC), which Spark reads as its TIMESTAMP type.
        return f"CAST({quoted} AS TIMESTAMPTZ) AS {quoted}"
    return quoted


def _canonical_schema(table: str) -> str:
    """The store's columns of ``table`` as a Spark DDL schema (for an absent table)."""
    import sqlglot
    from sqlglot import exp

    from coordnet.store import SCHEMA_SQL

    for ddl in SCHEMA_SQL:
        tree = sqlglot.parse_one(ddl, read="duckdb")
        if isinstance(tree, exp.Create) and tree.this.this.name == table:
            parts = []
            for col in tree.this.expressions:
                dtype = col.args["kind"]
                spelled = "STRING" if dtype.is_type("json") else dtype.sql(dialect="spark")
                parts.append(f"`{col.name}` {spelled}")
            return ", ".join(parts)
    raise KeyError(table)


def _duckdb_types(table: pa.Table) -> pa.Table:
    """Arrow from Spark with the types DuckDB gives: ``string`` not ``large_string``, naive
    UTC timestamps (Spark's are tagged UTC)."""
    fields = [pa.field(f.name, _duckdb_type(f.type)) for f in table.schema]
    schema = pa.schema(fields)
    return table if schema.equals(table.schema) else table.cast(schema)


def _duckdb_type(t: pa.DataType) -> pa.DataType:
    if pa.types.is_large_string(t):
        return pa.string()
    if pa.types.is_large_binary(t):
        return pa.binary()
    if pa.types.is_timestamp(t) and t.tz is not None:
        return pa.timestamp(t.unit)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return pa.list_(_duckdb_type(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _duckdb_type(f.type)) for f in t])
    return t
