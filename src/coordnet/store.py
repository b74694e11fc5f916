"""The canonical activity store: one DuckDB database with the tables of DESIGN.md.

Every reader writes into the same four tables (``actors``, ``actions``, ``sessions``,
``rejects``) plus ``sources``, the ledger of ingested files that makes ingest idempotent.
Ids are strings everywhere; times are UTC ``TIMESTAMP`` values with the sub-second precision
the source has. See ``docs/data-model.md`` for every column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coordnet.engine import DuckDBEngine
from coordnet.ingest.normalize import MACROS_SQL

__all__ = [
    "ACTION_COLUMNS", "ACTOR_COLUMNS", "SCHEMA_SQL", "Store", "StoreInfo", "open_store", "utc_now",
]  # fmt: skip

SCHEMA_VERSION = 1

SCHEMA_SQL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS actors (
        actor_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        actor_kind VARCHAR,
        handle VARCHAR,
        display_name VARCHAR,
        created_at TIMESTAMP,
        followers BIGINT,
        following BIGINT,
        description VARCHAR,
        location VARCHAR,
        lang VARCHAR,
        verified BOOLEAN,
        profile_image_hash VARCHAR,
        is_hashed_id BOOLEAN,
        extra JSON,
        source_file VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS actions (
        action_id VARCHAR NOT NULL,
        actor_id VARCHAR NOT NULL,
        platform VARCHAR NOT NULL,
        time TIMESTAMP NOT NULL,
        time_source VARCHAR,
        kind VARCHAR NOT NULL,
        text VARCHAR,
        text_hash VARCHAR,
        lang VARCHAR,
        client VARCHAR,
        parent_id VARCHAR,
        parent_actor_id VARCHAR,
        urls VARCHAR[],
        urls_raw VARCHAR[],
        domains VARCHAR[],
        has_short_url BOOLEAN,
        hashtags VARCHAR[],
        hashtags_raw VARCHAR[],
        mentions VARCHAR[],
        media_hashes VARCHAR[],
        group_id VARCHAR,
        source_file VARCHAR,
        source_line BIGINT,
        extra JSON)""",
    """CREATE TABLE IF NOT EXISTS sessions (
        actor_id VARCHAR NOT NULL,
        platform VARCHAR,
        time TIMESTAMP,
        ip VARCHAR,
        asn VARCHAR,
        country VARCHAR,
        is_vpn BOOLEAN,
        device_id VARCHAR,
        user_agent VARCHAR,
        source_file VARCHAR,
        source_line BIGINT)""",
    """CREATE TABLE IF NOT EXISTS rejects (
        source_file VARCHAR NOT NULL,
        source_line BIGINT,
        reason VARCHAR NOT NULL,
        raw VARCHAR,
        source_id VARCHAR,
        format VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS sources (
        source_id VARCHAR PRIMARY KEY,
        path VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        size_bytes BIGINT,
        n_records BIGINT,
        n_actions BIGINT,
        n_actors BIGINT,
        n_sessions BIGINT,
        n_rejects BIGINT,
        n_existing BIGINT,
        notes VARCHAR,
        ingested_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
)

ACTION_COLUMNS: tuple[str, ...] = (
    "action_id", "actor_id", "platform", "time", "time_source", "kind", "text", "text_hash",
    "lang", "client", "parent_id", "parent_actor_id", "urls", "urls_raw", "domains",
    "has_short_url", "hashtags", "hashtags_raw", "mentions", "media_hashes", "group_id",
    "source_file", "source_line", "extra",
)  # fmt: skip

ACTOR_COLUMNS: tuple[str, ...] = (
    "actor_id", "platform", "actor_kind", "handle", "display_name", "created_at", "followers",
    "following", "description", "location", "lang", "verified", "profile_image_hash",
    "is_hashed_id", "extra", "source_file",
)  # fmt: skip


@dataclass(frozen=True)
class StoreInfo:
    """What a store holds: the figures ``coordnet info`` prints."""

    path: str
    n_actions: int
    n_actors: int
    n_sessions: int
    n_rejects: int
    n_sources: int
    first_at: Any
    last_at: Any
    actions_by_platform_kind: list[tuple[str, str, int]] = field(default_factory=list)
    actors_by_platform_kind: list[tuple[str, str, int]] = field(default_factory=list)
    rejects_by_reason: list[tuple[str, int]] = field(default_factory=list)
    time_sources: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly view (times as ISO strings)."""
        out = dict(self.__dict__)
        for key in ("first_at", "last_at"):
            out[key] = out[key].isoformat() if out[key] is not None else None
        return out


class Store:
    """An open canonical store. Create with :func:`open_store`; close when done.

    The engine is public (``store.engine``) for stages that run SQL; nothing outside the
    engine package touches the DuckDB connection directly.
    """

    def __init__(self, engine: DuckDBEngine) -> None:
        self.engine = engine
        for ddl in SCHEMA_SQL:
            engine.execute(ddl)
        engine.execute(
            "INSERT OR IGNORE INTO store_meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
        )
        for macro in MACROS_SQL:
            engine.execute(macro)

    @property
    def path(self) -> str:
        """The database file, or ``:memory:``."""
        return self.engine.path

    def info(self) -> StoreInfo:
        """Count what the store holds by platform, kind, time span and reject reason."""
        e = self.engine
        first_at, last_at = e.rows("SELECT min(time), max(time) FROM actions")[0]
        return StoreInfo(
            path=self.path,
            n_actions=e.scalar("SELECT count(*) FROM actions"),
            n_actors=e.scalar("SELECT count(*) FROM actors"),
            n_sessions=e.scalar("SELECT count(*) FROM sessions"),
            n_rejects=e.scalar("SELECT count(*) FROM rejects"),
            n_sources=e.scalar("SELECT count(*) FROM sources"),
            first_at=first_at,
            last_at=last_at,
            actions_by_platform_kind=e.rows(
                "SELECT platform, kind, count(*) FROM actions GROUP BY ALL ORDER BY ALL"
            ),
            actors_by_platform_kind=e.rows(
                "SELECT platform, coalesce(actor_kind, 'unknown'), count(*) FROM actors "
                "GROUP BY ALL ORDER BY ALL"
            ),
            rejects_by_reason=e.rows(
                "SELECT regexp_replace(reason, ':.*', '') AS r, count(*) FROM rejects "
                "GROUP BY r ORDER BY 2 DESC, 1"
            ),
            time_sources=e.rows(
                "SELECT coalesce(time_source, 'field'), count(*) FROM actions GROUP BY 1 ORDER BY 1"
            ),
        )

    def close(self) -> None:
        """Close the store; a file store stays consistent on disk."""
        self.engine.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(
    path: str | Path = ":memory:",
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> Store:
    """Open (creating if needed) the canonical store at ``path``; ``":memory:"`` for tests.

    ``memory_limit`` (DuckDB's, e.g. ``"8GB"``) caps the memory the store's engine uses;
    beyond it DuckDB spills to disk. By default DuckDB takes up to 80 % of the machine's RAM.

    >>> with open_store() as store:
    ...     store.info().n_actions
    0
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return Store(DuckDBEngine(path, threads=threads, memory_limit=memory_limit))


def utc_now() -> datetime:
    """Now, as the store's naive UTC timestamps. Not SQL ``now()``: inside a transaction that
    is when the transaction began, which for a big write is minutes earlier."""
    return datetime.now(UTC).replace(tzinfo=None)
