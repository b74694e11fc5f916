"""The decisions audit trail: append-only rows in the store, latest row is current, inputs
validated, kept when the store is closed and opened again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from coordnet.errors import InputError
from coordnet.serve.decisions import (
    MAX_ANALYST,
    MAX_NOTE,
    current_decisions,
    decision_history,
    ensure_decisions_table,
    record_decision,
)
from coordnet.store import open_store


def test_trail_is_appended_and_latest_is_current(store_copy: Path) -> None:
    with open_store(store_copy) as st:
        ensure_decisions_table(st)
        a = record_decision(st, "network", "2", "needs_review", analyst="ann", note="look")
        b = record_decision(st, "network", "2", "confirmed", analyst="bob", note="  sure \n")
        c = record_decision(st, "account", "acc-1", "dismissed", analyst="ann")
        assert (a.decision_id, b.decision_id, c.decision_id) == (1, 2, 3)
        assert b.note == "sure" and c.note == ""
        assert isinstance(b.decided_at, datetime) and b.decided_at.tzinfo is None
    with open_store(store_copy) as st:  # closed and opened again: nothing lost
        trail = decision_history(st, target_kind="network", target_id="2")
        assert [d.decision for d in trail] == ["confirmed", "needs_review"]
        assert [d.analyst for d in trail] == ["bob", "ann"]
        current = current_decisions(st, "network")
        assert set(current) == {"2"} and current["2"].decision == "confirmed"
        assert current_decisions(st, "account", ["acc-1", "other"])["acc-1"].decision == (
            "dismissed"
        )
        assert current_decisions(st, "account", []) == {}
        assert len(decision_history(st)) == 3
        assert [d.decision_id for d in decision_history(st, limit=1, offset=1)] == [2]
        n_rows = st.engine.scalar("SELECT count(*) FROM decisions")
        assert n_rows == 3


def test_an_existing_table_is_kept(store_copy: Path) -> None:
    with open_store(store_copy) as st:
        record_decision(st, "network", "3", "dismissed", analyst="ann")
        ensure_decisions_table(st)
        assert st.engine.scalar("SELECT count(*) FROM decisions") == 1


@pytest.mark.parametrize(
    ("kind", "target", "decision", "note", "analyst", "message"),
    [
        ("network", "2", "approved", "", "ann", "not one of confirmed"),
        ("cluster", "2", "confirmed", "", "ann", "target kind"),
        ("network", "", "confirmed", "", "ann", "target id"),
        ("network", "2", "confirmed", "", "   ", "analyst's name is required"),
        ("network", "2", "confirmed", "", "a" * (MAX_ANALYST + 1), "analyst's name"),
        ("network", "2", "confirmed", "", "ann\nbob", "analyst's name"),
        ("network", "2", "confirmed", "x" * (MAX_NOTE + 1), "ann", "note"),
        ("network", "2", "confirmed", "bell \x07", "ann", "note"),
        ("account", "a\x00b", "confirmed", "", "ann", "target id"),
    ],
)
def test_bad_inputs_are_refused(
    store_copy: Path, kind: str, target: str, decision: str, note: str, analyst: str,
    message: str,
) -> None:  # fmt: skip
    with open_store(store_copy) as st:
        ensure_decisions_table(st)
        with pytest.raises(InputError, match=message):
            record_decision(st, kind, target, decision, analyst=analyst, note=note)
        assert st.engine.scalar("SELECT count(*) FROM decisions") == 0


def test_note_keeps_line_breaks_and_hostile_text_verbatim(store_copy: Path) -> None:
    note = "line one\nline two <script>alert(1)</script> ' \" & é 漢字"
    with open_store(store_copy) as st:
        made = record_decision(st, "account", "x'); DROP TABLE decisions; --", "confirmed",
                               analyst="<b>ann</b>", note=note)  # fmt: skip
        back = decision_history(st)[0]
        assert back == made
        assert back.note == note and back.target_id.startswith("x'); DROP")
        assert st.engine.scalar("SELECT count(*) FROM decisions") == 1
