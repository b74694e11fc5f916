"""Ingest files into the canonical store, one transaction per file.

For each file: inspect it, pick (or take the forced) reader, stage its rows, load them, and
record the file in ``sources`` -- all in one transaction, so a run killed mid-file leaves the
store as it was before that file and can simply be run again. A file already recorded in
``sources`` (same content fingerprint) is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from coordnet.ingest._base import Reader, create_stage_tables, drop_stage_tables
from coordnet.ingest.load import LoadResult, load_staged
from coordnet.ingest.registry import choose_reader, get_reader
from coordnet.ingest.source import SourceFile, inspect_source
from coordnet.store import Store, open_store

__all__ = ["FileReport", "IngestReport", "ingest"]

ProgressFactory = Callable[[str], Callable[[float], None]]


@dataclass(kw_only=True)
class FileReport(LoadResult):
    """What one file contributed (or why it was skipped): the load counts, and more."""

    path: str
    format: str
    n_records: int = 0
    notes: list[str] = field(default_factory=list)
    is_skipped: bool = False
    seconds: float = 0.0


@dataclass
class IngestReport:
    """The result of :func:`ingest`: one :class:`FileReport` per input file."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def n_rejects(self) -> int:
        """Rejected records across all files."""
        return sum(f.n_rejects for f in self.files)

    @property
    def rejects_by_reason(self) -> dict[str, int]:
        """Rejected records across all files, by reason category."""
        out: dict[str, int] = {}
        for f in self.files:
            for reason, n in f.rejects_by_reason.items():
                out[reason] = out.get(reason, 0) + n
        return out


def _ingest_one(
    store: Store,
    src: SourceFile,
    reader: Reader,
    options: dict[str, Any],
) -> FileReport:
    engine = store.engine
    report = FileReport(path=src.display, format=reader.name, notes=list(src.notes))
    started = time.perf_counter()
    if engine.scalar("SELECT count(*) FROM sources WHERE source_id = ?", [src.fingerprint]):
        report.is_skipped = True
        report.notes.append("already ingested (same content): nothing to do")
        return report
    with engine.transaction():
        create_stage_tables(engine)
        staged = reader.stage(engine, src, options)
        loaded = load_staged(
            engine, src, reader.name, default_actor_kind=getattr(reader, "actor_kind", "account")
        )
        report.notes.extend(staged.notes)
        report.n_records = staged.n_records
        for counted in fields(LoadResult):
            setattr(report, counted.name, getattr(loaded, counted.name))
        engine.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)",
            [
                src.fingerprint, str(src.path.resolve()), reader.name, src.size_bytes,
                report.n_records, report.n_actions, report.n_actors, report.n_sessions,
                report.n_rejects, report.n_existing, "; ".join(report.notes) or None,
            ],
        )  # fmt: skip
        drop_stage_tables(engine)
    report.seconds = time.perf_counter() - started
    return report


def ingest(
    paths: Iterable[str | Path],
    store: Store | str | Path = ":memory:",
    *,
    format: str | None = None,
    mapping: dict[str, Any] | None = None,
    progress: ProgressFactory | None = None,
) -> IngestReport:
    """Read ``paths`` into the canonical ``store`` (a :class:`Store` or a path).

    ``format`` forces a reader (see ``coordnet formats``); otherwise each file's format is
    recognised from its content. ``mapping`` configures the generic ``tabular`` reader (and
    implies it when ``format`` is not given).
    ``progress``, given a label, returns a callback receiving percent done.

    Raises :class:`~coordnet.errors.InputError` (before writing anything for that file) when
    a file is missing, unrecognised or lacks required columns. Rows that cannot be used are
    kept in ``rejects`` and counted in the report, never dropped.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = f.write_text("tweetid,userid,tweet_time,is_retweet\\n1,u1,2019-08-01 10:00,False\\n")
    >>> ingest([f]).files[0].n_actions
    1
    """
    own = not isinstance(store, Store)
    st = store if isinstance(store, Store) else open_store(store)
    report = IngestReport()
    try:
        for path in paths:
            src = inspect_source(path)
            if format:
                reader = get_reader(format)
            elif mapping is not None:
                reader = get_reader("tabular")
            else:
                reader = choose_reader(src)
            options: dict[str, Any] = {"mapping": mapping}
            if progress is not None:
                options["on_progress"] = progress(f"{src.path.name} ({reader.name})")
            report.files.append(_ingest_one(st, src, reader, options))
    finally:
        if own:
            st.close()
    return report
