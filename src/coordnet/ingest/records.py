"""Staging for readers that parse in Python (JSON formats): batch rows into Arrow, then SQL.

:class:`StageWriter` collects dict rows for the staging tables and flushes them in batches
through Arrow into DuckDB, so nested formats are parsed in Python without holding a whole
file in memory. :func:`iter_json_documents` yields the JSON documents of a file written as
one array, as JSON lines, or as concatenated (pretty-printed) objects, each with the line it
starts on; a document that does not parse is yielded as an error, to become a reject.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from coordnet.engine import DuckDBEngine
from coordnet.ingest.source import SourceFile

__all__ = ["JsonDocument", "StageWriter", "iter_json_documents", "parse_time", "to_utc"]

_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "JSON": pa.string(),
    "VARCHAR[]": pa.list_(pa.string()),
}


def _schema(table: str) -> pa.Schema:
    from coordnet.ingest._base import STAGE_TABLES

    fields = []
    for part in STAGE_TABLES[table].split(","):
        name, sql_type = part.split()
        fields.append(pa.field(name, _TYPES[sql_type]))
    return pa.schema(fields)


class StageWriter:
    """Buffer staging rows and write them to DuckDB in Arrow batches.

    >>> # inside Reader.stage():  w = StageWriter(engine); w.action(action_id="1", ...); w.close()
    """

    def __init__(self, engine: DuckDBEngine, *, batch_rows: int = 50_000) -> None:
        self.engine = engine
        self.batch_rows = batch_rows
        self._rows: dict[str, list[dict[str, Any]]] = {
            "cn_stage_actions": [],
            "cn_stage_actors": [],
            "cn_stage_sessions": [],
            "cn_stage_rejects": [],
        }
        self.n_written: dict[str, int] = dict.fromkeys(self._rows, 0)

    def _add(self, table: str, row: dict[str, Any]) -> None:
        rows = self._rows[table]
        rows.append(row)
        if len(rows) >= self.batch_rows:
            self._flush(table)

    def action(self, **row: Any) -> None:
        """Stage one action (keys: the columns of ``cn_stage_actions``)."""
        if isinstance(row.get("extra"), dict):
            row["extra"] = json.dumps(row["extra"], ensure_ascii=False, default=str)
        self._add("cn_stage_actions", row)

    def actor(self, **row: Any) -> None:
        """Stage one actor profile (keys: the columns of ``cn_stage_actors``)."""
        if isinstance(row.get("extra"), dict):
            row["extra"] = json.dumps(row["extra"], ensure_ascii=False, default=str)
        self._add("cn_stage_actors", row)

    def session(self, **row: Any) -> None:
        """Stage one session/login row (keys: the columns of ``cn_stage_sessions``)."""
        self._add("cn_stage_sessions", row)

    def reject(self, source_line: int | None, reason: str, raw: str | None) -> None:
        """Stage one unusable record with its reason (``"category: detail"``)."""
        self._add("cn_stage_rejects", {"source_line": source_line, "reason": reason, "raw": raw})

    def _flush(self, table: str) -> None:
        rows = self._rows[table]
        if not rows:
            return
        batch = pa.Table.from_pylist(rows, schema=_schema(table))
        self.engine.register("cn_stage_batch", batch)
        self.engine.execute(f"INSERT INTO {table} BY NAME SELECT * FROM cn_stage_batch")
        self.engine.unregister("cn_stage_batch")
        self.n_written[table] += len(rows)
        rows.clear()

    def close(self) -> None:
        """Write what is still buffered."""
        for table in self._rows:
            self._flush(table)


@dataclass(frozen=True)
class JsonDocument:
    """One JSON document of a file: its value, or the error that stopped it parsing."""

    line: int
    value: Any = None
    error: str | None = None
    raw: str | None = None


def _line_of(text: str, pos: int, base_line: int, base_pos: int) -> int:
    return base_line + text.count("\n", base_pos, pos)


def iter_json_documents(
    src: SourceFile,
    *,
    max_raw: int = 10_000,
    on_progress: Callable[[float], None] | None = None,
) -> Iterator[JsonDocument]:
    """Yield each top-level JSON document of ``src`` with its starting line (1-based).

    A top-level array yields its elements. JSON lines yield one document per line, and a
    bad line is reported and skipped. Concatenated objects are decoded one after another.
    ``on_progress`` receives the percentage of the (compressed) file read, for JSON lines.
    """
    first = src.head.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    if first.startswith("{"):
        try:
            json.loads(first)
            is_lines = True
        except json.JSONDecodeError:
            is_lines = False
        if is_lines:
            yield from _iter_json_lines(src, max_raw, on_progress)
            return
    with src.open_text() as fh:
        text = fh.read()
    stripped = text.lstrip()
    decoder = json.JSONDecoder()
    if stripped.startswith("["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield JsonDocument(exc.lineno, error=f"malformed JSON: {exc.msg}", raw=text[:max_raw])
            return
        for item in value if isinstance(value, list) else [value]:
            yield JsonDocument(1, value=item)
        return
    pos, line = 0, 1
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n\ufeff":
            if text[pos] == "\n":
                line += 1
            pos += 1
        if pos >= n:
            break
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            eol = text.find("\n", pos)
            eol = n if eol < 0 else eol
            yield JsonDocument(
                line, error=f"malformed JSON: {exc.msg}", raw=text[pos:eol][:max_raw]
            )
            # Resume at the next line: JSON lines files recover, others end here.
            pos = eol
            continue
        yield JsonDocument(line, value=value)
        line = _line_of(text, end, line, pos)
        pos = end


def _iter_json_lines(
    src: SourceFile, max_raw: int, on_progress: Callable[[float], None] | None
) -> Iterator[JsonDocument]:
    """Stream a JSON-lines file one line at a time (files of many GB stay out of memory)."""
    with open(src.path, "rb") as raw, src.open_text(raw) as fh:
        for line_no, line in enumerate(fh, start=1):
            if on_progress is not None and line_no % 20_000 == 0:
                on_progress(100.0 * raw.tell() / max(src.size_bytes, 1))
            if not line.strip():
                continue
            try:
                yield JsonDocument(line_no, value=json.loads(line))
            except json.JSONDecodeError as exc:
                yield JsonDocument(
                    line_no, error=f"malformed JSON: {exc.msg}", raw=line.rstrip("\r\n")[:max_raw]
                )


def to_utc(dt: datetime) -> datetime:
    """A naive UTC datetime (naive input is taken to be UTC already)."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def parse_time(value: Any) -> datetime | None:
    """Parse the time spellings of social-media exports into naive UTC; None if unusable.

    Accepts ISO 8601 (with ``Z`` or an offset), Twitter v1.1's ``Wed Aug 27 13:08:45 +0000
    2008``, and Unix seconds or milliseconds (numbers or digit strings).
    """
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        num = float(value)
        if num > 1e11:  # milliseconds
            num /= 1000.0
        return datetime.fromtimestamp(num, tz=UTC).replace(tzinfo=None)
    if not isinstance(value, str):
        return None
    s = value.strip()
    try:
        return to_utc(datetime.fromisoformat(s.replace("Z", "+00:00")))
    except ValueError:
        pass
    for fmt in ("%a %b %d %H:%M:%S %z %Y", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M"):
        try:
            return to_utc(datetime.strptime(s, fmt))
        except ValueError:
            continue
    return None
