"""The reader contract and the staging tables every reader fills.

A reader turns one source file into rows of four temporary *staging* tables
(``cn_stage_actions``, ``cn_stage_actors``, ``cn_stage_sessions``, ``cn_stage_rejects``) with
the canonical columns plus ``source_line``, ``reject_reason`` and ``raw``. The loader
(:mod:`coordnet.ingest.load`) then validates, normalises, de-duplicates and writes them to the
store in one transaction, so every reader gets the same guarantees for free.

A row a reader cannot use is never dropped: it sets ``reject_reason`` (``"category: detail"``,
naming the field and the bad value) or adds a row to ``cn_stage_rejects``.
"""

from __future__ import annotations

import difflib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from coordnet.engine import DuckDBEngine
from coordnet.errors import MissingColumnsError
from coordnet.ingest.source import SourceFile

__all__ = [
    "STAGE_TABLES",
    "Reader",
    "Staged",
    "closest_columns",
    "create_stage_tables",
    "drop_stage_tables",
    "sql_quote",
]

STAGE_TABLES: dict[str, str] = {
    "cn_stage_actions": """action_id VARCHAR, actor_id VARCHAR, platform VARCHAR,
        time TIMESTAMP, time_source VARCHAR, kind VARCHAR, text VARCHAR, lang VARCHAR,
        client VARCHAR, parent_id VARCHAR, parent_actor_id VARCHAR, urls_raw VARCHAR[],
        hashtags_raw VARCHAR[], mentions VARCHAR[], media_hashes VARCHAR[], group_id VARCHAR,
        extra JSON, source_line BIGINT, reject_reason VARCHAR, raw VARCHAR""",
    "cn_stage_actors": """actor_id VARCHAR, platform VARCHAR, actor_kind VARCHAR,
        handle VARCHAR, display_name VARCHAR, created_at TIMESTAMP, followers BIGINT,
        following BIGINT, description VARCHAR, location VARCHAR, lang VARCHAR,
        verified BOOLEAN, profile_image_hash VARCHAR, is_hashed_id BOOLEAN, extra JSON,
        source_line BIGINT, reject_reason VARCHAR, raw VARCHAR""",
    "cn_stage_sessions": """actor_id VARCHAR, platform VARCHAR, time TIMESTAMP, ip VARCHAR,
        asn VARCHAR, country VARCHAR, is_vpn BOOLEAN, device_id VARCHAR, user_agent VARCHAR,
        source_line BIGINT, reject_reason VARCHAR, raw VARCHAR""",
    "cn_stage_rejects": "source_line BIGINT, reason VARCHAR, raw VARCHAR",
}


def create_stage_tables(engine: DuckDBEngine) -> None:
    """(Re)create the empty staging tables for one source file."""
    for name, columns in STAGE_TABLES.items():
        engine.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({columns})")


def drop_stage_tables(engine: DuckDBEngine) -> None:
    """Drop the staging tables once their rows are in the store."""
    for name in STAGE_TABLES:
        engine.execute(f"DROP TABLE IF EXISTS {name}")


def sql_quote(value: str) -> str:
    """Quote a Python string as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def closest_columns(wanted: str, present: Iterable[str], n: int = 3) -> list[str]:
    """The present column names closest to ``wanted`` (case-insensitive), best first."""
    by_lower = {c.lower(): c for c in present}
    found = difflib.get_close_matches(wanted.lower(), list(by_lower), n=n, cutoff=0.5)
    return [by_lower[f] for f in found]


@dataclass
class Staged:
    """What a reader staged: record count and notes for the ingest report."""

    n_records: int
    notes: list[str] = field(default_factory=list)


class Reader(ABC):
    """One input format. Subclasses set the class attributes and implement :meth:`stage`.

    Tabular readers list ``required_columns`` (and optionally ``signature_columns`` that
    must all be present for auto-detection); other readers override :meth:`sniff`.
    """

    #: Name used by ``--format`` and in reports (kebab-case).
    name: ClassVar[str]
    #: One line for ``coordnet formats``.
    description: ClassVar[str]
    #: Containers this reader accepts ("csv", "json", "parquet").
    containers: ClassVar[tuple[str, ...]] = ("csv",)
    #: Columns without which a tabular file cannot be read.
    required_columns: ClassVar[tuple[str, ...]] = ()
    #: Columns whose joint presence identifies the format (defaults to required_columns).
    signature_columns: ClassVar[tuple[str, ...]] = ()
    #: Columns whose presence rules the format out (e.g. a tweet column in a user file).
    excluded_columns: ClassVar[tuple[str, ...]] = ()

    def sniff(self, src: SourceFile) -> float:
        """Confidence 0-1 that ``src`` is in this format (tabular default: signature match)."""
        if src.container not in self.containers or not self.required_columns:
            return 0.0
        present = {c.lower() for c in src.columns}
        if any(c.lower() in present for c in self.excluded_columns):
            return 0.0
        signature = self.signature_columns or self.required_columns
        return 1.0 if all(c.lower() in present for c in signature) else 0.0

    def coverage(self, src: SourceFile) -> float:
        """Share of required columns present: used to name near misses in errors."""
        if not self.required_columns or src.container not in self.containers:
            return 0.0
        present = {c.lower() for c in src.columns}
        return sum(c.lower() in present for c in self.required_columns) / len(self.required_columns)

    def check_columns(self, src: SourceFile, required: Sequence[str] | None = None) -> None:
        """Raise :class:`MissingColumnsError` naming absent columns and their closest matches."""
        need = self.required_columns if required is None else required
        present = {c.lower() for c in src.columns}
        missing = [c for c in need if c.lower() not in present]
        if missing:
            raise MissingColumnsError(
                src.display,
                self.name,
                missing,
                {c: closest_columns(c, src.columns) for c in missing},
            )

    @abstractmethod
    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        """Fill the staging tables from ``src``; return how many records were read."""
