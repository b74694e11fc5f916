"""Analyst decisions on networks and accounts: an append-only audit trail in the store.

An investigator confirms a network (or an account), dismisses it, or marks it for another
look, with a note and their name. Every decision is a new row of the store's ``decisions``
table; nothing is ever updated or deleted, so the table is the full history of who decided
what and when, and the *current* decision of a target is simply its latest row. Because
the table lives in the store, decisions survive a restart of ``coordnet serve`` and travel
with the store file.

Network ids are the stable ``clusters.cluster_id`` (the monitoring runs keep a network's id
across detect runs), so a decision stays attached to its network when the data grows.

Table (the contract shared with the monitoring stage)::

    decisions(decision_id BIGINT, target_kind VARCHAR ('network' | 'account'),
              target_id VARCHAR, decision VARCHAR ('confirmed' | 'dismissed' |
              'needs_review'), note VARCHAR, analyst VARCHAR, decided_at TIMESTAMP)

Callers serialise writes (the web app holds one lock around every store access);
:func:`record_decision` itself runs in one transaction and creates the table when missing.
The readers (:func:`decision_history`, :func:`current_decisions`, and the queue) need the
table: call :func:`ensure_decisions_table` first (the web app does when it starts).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from coordnet.errors import InputError
from coordnet.store import Store

__all__ = [
    "DECISIONS",
    "DECISIONS_SQL",
    "MAX_ANALYST",
    "MAX_NOTE",
    "TARGET_KINDS",
    "Decision",
    "current_decisions",
    "decision_history",
    "ensure_decisions_table",
    "record_decision",
    "validate_decision",
]

#: The decisions an analyst can record, in the order the forms offer them.
DECISIONS: tuple[str, ...] = ("confirmed", "dismissed", "needs_review")
#: What a decision can be about.
TARGET_KINDS: tuple[str, ...] = ("network", "account")
#: Longest note and analyst name accepted (characters).
MAX_NOTE = 2000
MAX_ANALYST = 100
#: Longest target id accepted (account ids are at most a 64-character hash in practice).
MAX_TARGET_ID = 512

DECISIONS_SQL = """CREATE TABLE IF NOT EXISTS decisions (
    decision_id BIGINT NOT NULL,
    target_kind VARCHAR NOT NULL,
    target_id VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    note VARCHAR,
    analyst VARCHAR NOT NULL,
    decided_at TIMESTAMP NOT NULL)"""


@dataclass(frozen=True)
class Decision:
    """One row of the audit trail (``decided_at`` is UTC)."""

    decision_id: int
    target_kind: str
    target_id: str
    decision: str
    note: str
    analyst: str
    decided_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``decided_at`` as RFC 3339 text in UTC."""
        out = asdict(self)
        out["decided_at"] = self.decided_at.isoformat() + "Z"
        return out


def _decision(row: tuple[Any, ...]) -> Decision:
    return Decision(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]),
                    str(row[5]), row[6])  # fmt: skip


def ensure_decisions_table(store: Store) -> None:
    """Create the ``decisions`` table when the store has none (an existing one is kept)."""
    store.engine.execute(DECISIONS_SQL)


def _has_control(text: str, *, allow_newlines: bool) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in allowed for c in text)


def validate_decision(
    target_kind: str, target_id: str, decision: str, note: str | None, analyst: str
) -> tuple[str, str, str, str, str]:
    """The inputs of a decision, cleaned (white space trimmed), or :class:`InputError`.

    The target id is kept as given (1 to :data:`MAX_TARGET_ID` characters); a decision
    must be one of :data:`DECISIONS`; the analyst's name is required (1 to
    :data:`MAX_ANALYST` characters, one line); the note is optional, up to :data:`MAX_NOTE`
    characters; no control characters other than line breaks and tabs in the note.
    """
    if target_kind not in TARGET_KINDS:
        raise InputError(f"target kind {target_kind!r} is not one of {', '.join(TARGET_KINDS)}")
    if decision not in DECISIONS:
        raise InputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    target_id = target_id or ""  # an id is kept exactly as stored, white space and all
    if (not target_id or len(target_id) > MAX_TARGET_ID
            or _has_control(target_id, allow_newlines=False)):  # fmt: skip
        raise InputError(f"target id must be 1 to {MAX_TARGET_ID} printable characters")
    analyst = (analyst or "").strip()
    if not analyst or len(analyst) > MAX_ANALYST or _has_control(analyst, allow_newlines=False):
        raise InputError(
            f"the analyst's name is required: 1 to {MAX_ANALYST} characters on one line"
        )
    note = (note or "").strip()
    if len(note) > MAX_NOTE or _has_control(note, allow_newlines=True):
        raise InputError(f"the note must be at most {MAX_NOTE} characters of text")
    return target_kind, target_id, decision, note, analyst


def record_decision(
    store: Store,
    target_kind: str,
    target_id: str,
    decision: str,
    *,
    analyst: str,
    note: str | None = None,
    decided_at: datetime | None = None,
) -> Decision:
    """Append one decision to the audit trail and return it.

    Validates the inputs (:func:`validate_decision`); whether the target exists is the
    caller's question (the web app answers 404 for an unknown network or account). The new
    ``decision_id`` is one more than the largest so far, assigned inside the transaction
    that inserts the row. ``decided_at`` defaults to now (UTC).
    """
    kind, tid, value, text, who = validate_decision(target_kind, target_id, decision, note,
                                                    analyst)  # fmt: skip
    at = (decided_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    e = store.engine
    with e.transaction():
        ensure_decisions_table(store)
        new_id = int(e.scalar("SELECT coalesce(max(decision_id), 0) + 1 FROM decisions"))
        e.execute(
            "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?)",
            [new_id, kind, tid, value, text, who, at],
        )
    return Decision(new_id, kind, tid, value, text, who, at)


def decision_history(
    store: Store,
    *,
    target_kind: str | None = None,
    target_id: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[Decision]:
    """The audit trail, newest first, optionally for one kind and/or one target."""
    where: list[str] = []
    params: list[Any] = []
    if target_kind is not None:
        where.append("target_kind = ?")
        params.append(target_kind)
    if target_id is not None:
        where.append("target_id = ?")
        params.append(target_id)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = store.engine.rows(
        f"""SELECT decision_id, target_kind, target_id, decision, coalesce(note, ''), analyst,
                   decided_at FROM decisions {clause}
            ORDER BY decision_id DESC LIMIT ? OFFSET ?""",
        [*params, int(limit), int(offset)],
    )
    return [_decision(r) for r in rows]


def current_decisions(
    store: Store, target_kind: str, target_ids: Iterable[str] | None = None
) -> dict[str, Decision]:
    """The latest decision of each target of ``target_kind`` (of ``target_ids``, or all)."""
    e = store.engine
    ids = None if target_ids is None else sorted({str(t) for t in target_ids})
    if ids is not None and not ids:
        return {}
    sql = """SELECT decision_id, target_kind, target_id, decision, coalesce(note, ''), analyst,
                    decided_at FROM decisions WHERE target_kind = ? {only}
             QUALIFY row_number() OVER (PARTITION BY target_id ORDER BY decision_id DESC) = 1"""
    if ids is None:
        rows = e.rows(sql.format(only=""), [target_kind])
    else:
        rows = e.rows(sql.format(only="AND target_id IN (SELECT unnest(?::VARCHAR[]))"),
                      [target_kind, ids])  # fmt: skip
    return {str(r[2]): _decision(r) for r in rows}
