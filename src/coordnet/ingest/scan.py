"""Scan CSV and Parquet files with DuckDB, keeping malformed rows as rejects.

Tabular readers select from :func:`table_scan`, which reads every column as text (no value is
lost to type guessing), into a temporary table, then call :func:`number_records` to set each
row's ``source_line``. Numbering after the scan keeps DuckDB's CSV reader parallel (a
``row_number()`` inside the scan would serialise it) and is exact because the scan preserves
file order in the table's ``rowid``. DuckDB's own CSV
rejects (wrong column count, invalid Unicode, records over :data:`MAX_RECORD_BYTES`) are moved
into ``cn_stage_rejects`` by :func:`collect_scan_rejects`, which also corrects the line
numbers of the surviving rows.

Line numbers: ``source_line`` counts the header as line 1 and each record as one line, as
DuckDB's reject report does. In files whose fields contain line breaks the physical line of a
record is later than this number; the record itself is always the N-1th data record.
"""

from __future__ import annotations

from coordnet.engine import DuckDBEngine
from coordnet.ingest._base import sql_quote
from coordnet.ingest.source import SourceFile

__all__ = ["MAX_RECORD_BYTES", "collect_scan_rejects", "number_records", "table_scan"]

#: Largest CSV record accepted (huge fields happen: pasted articles, base64 images).
MAX_RECORD_BYTES = 32 * 1024 * 1024


def table_scan(src: SourceFile) -> str:
    """A SQL relation over ``src`` with all columns as text, plus ``cn_record`` (still NULL).

    Materialise it into a table whose ``source_line`` is computed as ``cn_record + 1``, then
    call :func:`number_records` on that table, and :func:`collect_scan_rejects` once the
    staging tables are filled.
    """
    path = sql_quote(str(src.path))
    if src.container == "parquet":
        return f"(SELECT NULL::BIGINT AS cn_record, * FROM read_parquet({path}))"
    options = [
        "header = true",
        "all_varchar = true",
        f"delim = {sql_quote(src.delimiter)}",
        "quote = '\"'",
        "escape = '\"'",
        f"encoding = {sql_quote(src.encoding)}",
        f"max_line_size = {MAX_RECORD_BYTES}",
        f"buffer_size = {MAX_RECORD_BYTES * 2}",
        "store_rejects = true",
        "rejects_table = 'cn_scan_errors'",
        "rejects_scan = 'cn_scan_runs'",
        "strict_mode = true",
        "null_padding = false",
        "auto_detect = false",
        "columns = {" + ", ".join(f"{sql_quote(c)}: 'VARCHAR'" for c in src.columns) + "}",
        "skip = 0",
        f"compression = {sql_quote(src.compression or 'none')}",
    ]
    return f"(SELECT NULL::BIGINT AS cn_record, * FROM read_csv({path}, {', '.join(options)}))"


def number_records(engine: DuckDBEngine, table: str, column: str = "source_line") -> None:
    """Set ``column`` of a table materialised from :func:`table_scan` to each record's line.

    The header is line 1, so the table's first row is line 2. Lines of rows
    after DuckDB-rejected records are corrected by :func:`collect_scan_rejects`.
    """
    # Rows written inside a transaction get row ids from a high base: count from the first.
    engine.execute(f"UPDATE {table} SET {column} = rowid - (SELECT min(rowid) FROM {table}) + 2")


def collect_scan_rejects(engine: DuckDBEngine, src: SourceFile) -> int:
    """Move DuckDB's CSV rejects for the last scan into ``cn_stage_rejects``; fix lines.

    Returns the number of rejected records. Staged rows were numbered by their position
    among *valid* records; each rejected record before them shifts them one line down.
    """
    if src.container != "csv":
        return 0
    exists = engine.scalar(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'cn_scan_errors'"
    )
    if not exists:
        return 0
    engine.execute(
        """CREATE OR REPLACE TEMP TABLE cn_scan_bad AS
           SELECT line,
                  arg_min(CASE WHEN error_type LIKE '%UNICODE%' OR error_type LIKE '%ENCODING%'
                                    THEN 'invalid encoding'
                               WHEN error_type LIKE '%LINE SIZE%' THEN 'record too large'
                               ELSE 'malformed row' END
                          || ': ' || error_message, coalesce(column_idx, 0)) AS reason,
                  any_value(csv_line) AS raw
           FROM cn_scan_errors GROUP BY line"""
    )
    n_bad = engine.scalar("SELECT count(*) FROM cn_scan_bad")
    if n_bad:
        engine.execute("INSERT INTO cn_stage_rejects SELECT line, reason, raw FROM cn_scan_bad")
        # Rejected record j (in line order) has v_j = line_j - 1 - j valid records before it;
        # a valid record with ordinal k sits after every rejected record with v_j < k.
        engine.execute(
            """CREATE OR REPLACE TEMP TABLE cn_scan_shift AS
               SELECT line - 1 - row_number() OVER (ORDER BY line) AS v,
                      row_number() OVER (ORDER BY line) AS shift
               FROM cn_scan_bad"""
        )
        for table in ("cn_stage_actions", "cn_stage_actors", "cn_stage_sessions"):
            engine.execute(
                f"""UPDATE {table} AS t SET source_line = t.source_line + s.shift
                    FROM (SELECT k.source_line AS line0, max(shift) AS shift
                          FROM (SELECT DISTINCT source_line FROM {table}) k
                          JOIN cn_scan_shift ON cn_scan_shift.v < k.source_line - 1
                          GROUP BY k.source_line) s
                    WHERE t.source_line = s.line0"""
            )
    engine.execute("DROP TABLE IF EXISTS cn_scan_errors")
    engine.execute("DROP TABLE IF EXISTS cn_scan_runs")
    engine.execute("DROP TABLE IF EXISTS cn_scan_bad")
    engine.execute("DROP TABLE IF EXISTS cn_scan_shift")
    return int(n_bad)
