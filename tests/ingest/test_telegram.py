"""Telegram Desktop export reader: one channel's result.json and the all-chats export."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import coordnet
from coordnet.ingest.registry import choose_reader
from coordnet.ingest.source import inspect_source
from coordnet.ingest.telegram import TelegramExport, flatten_text, text_entities
from coordnet.store import Store

CHANNEL = "telegram_channel.json"
ALL_CHATS = "telegram_all_chats.json"


def _actions(store: Store) -> dict[str, dict]:
    cols = [
        "action_id", "actor_id", "platform", "time", "time_source", "kind", "text",
        "parent_id", "parent_actor_id", "urls_raw", "urls", "domains", "hashtags_raw",
        "mentions", "group_id", "source_line", "extra",
    ]  # fmt: skip
    out = {}
    for row in store.engine.rows(f"SELECT {', '.join(cols)} FROM actions"):
        d = dict(zip(cols, row, strict=True))
        d["extra"] = json.loads(d["extra"]) if d["extra"] else {}
        out[d["action_id"]] = d
    return out


def _actors(store: Store) -> dict[str, tuple]:
    rows = store.engine.rows("SELECT actor_id, actor_kind, handle, display_name FROM actors")
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize("name", [CHANNEL, ALL_CHATS])
def test_exports_are_recognised(data_dir: Path, name: str) -> None:
    assert choose_reader(inspect_source(data_dir / name)).name == "telegram"


def test_other_json_is_not_claimed(tmp_path: Path) -> None:
    f = tmp_path / "tweets.json"
    f.write_text('{"data": [{"id": "1", "text": "hi", "type": "message"}], "messages": []}\n')
    assert TelegramExport().sniff(inspect_source(f)) == 0.0


def test_channel_export_fields(store: Store, data_dir: Path) -> None:
    f = coordnet.ingest([data_dir / CHANNEL], store).files[0]
    assert (f.format, f.n_records, f.n_actions, f.n_rejects) == ("telegram", 10, 8, 2)
    a = _actions(store)["1234567890:2"]
    assert a["actor_id"] == "channel1234567890"
    assert (a["platform"], a["kind"], a["group_id"]) == ("telegram", "post", "1234567890")
    # The list-form text flattened; entities give URLs, hashtags and mentions.
    assert a["text"] == (
        "Read this before they delete it! #StopTheSteal "
        "https://www.example.com/news/article-1?utm_source=tg and this one via @FreedomVoice"
    )
    assert a["urls_raw"] == [
        "https://www.example.com/news/article-1?utm_source=tg",
        "https://example.org/extra",
    ]
    assert a["urls"][0] == "https://example.com/news/article-1"
    assert a["hashtags_raw"] == ["StopTheSteal"]
    assert a["mentions"] == ["freedomvoice"]
    assert a["source_line"] == 18
    assert a["extra"]["chat_name"] == "Truth Channel"
    assert a["extra"]["message_id"] == 2


def test_times_come_from_date_unixtime(store: Store, data_dir: Path) -> None:
    report = coordnet.ingest([data_dir / CHANNEL], store)
    actions = _actions(store)
    # "date" says 18:34:56 (the exporting computer's CET); date_unixtime is 17:34:56 UTC.
    assert actions["1234567890:2"]["time"] == datetime(2021, 3, 1, 17, 34, 56)
    assert actions["1234567890:2"]["time_source"] == "field"
    old = actions["1234567890:8"]
    assert (old["time"], old["time_source"]) == (datetime(2021, 3, 2, 9, 0), "local")
    assert any("local 'date'" in n for n in report.files[0].notes)
    assert actions["1234567890:10"]["extra"]["edited_at"] == "2021-03-02T11:05:00"


def test_forwards_are_reposts_of_their_source(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / CHANNEL], store)
    actions = _actions(store)
    fwd = actions["1234567890:3"]
    assert fwd["kind"] == "repost"
    assert fwd["parent_id"] is None  # the export does not name the original message
    assert fwd["parent_actor_id"] == "channel987654321"
    assert fwd["extra"]["forwarded_from"] == "Other News"
    # A scheme-less link entity gets http:// so that its domain is known.
    assert fwd["urls_raw"] == ["http://example.com/news/article-2"]
    assert fwd["domains"] == ["example.com"]
    hidden = actions["1234567890:5"]  # "forwarded_from": null: a hidden source
    assert (hidden["kind"], hidden["parent_actor_id"], hidden["text"]) == ("repost", None, None)
    assert _actors(store)["channel987654321"] == ("channel", None, "Other News")


def test_replies_point_at_the_replied_message_and_its_author(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / CHANNEL, data_dir / ALL_CHATS], store)
    actions = _actions(store)
    assert actions["1234567890:4"]["kind"] == "reply"
    assert actions["1234567890:4"]["parent_id"] == "1234567890:2"
    assert actions["1234567890:4"]["parent_actor_id"] == "channel1234567890"
    reply = actions["555000111:102"]
    assert (reply["parent_id"], reply["parent_actor_id"]) == ("555000111:101", "user7002")


def test_service_messages_are_kept_as_service(store: Store, data_dir: Path) -> None:
    report = coordnet.ingest([data_dir / CHANNEL], store)
    actions = _actions(store)
    created = actions["1234567890:1"]
    assert (created["kind"], created["actor_id"]) == ("service", "channel1234567890")
    assert created["extra"]["action"] == "create_channel"
    pin = actions["1234567890:9"]
    assert (pin["kind"], pin["parent_id"]) == ("service", "1234567890:2")
    assert any("2 service messages" in n for n in report.files[0].notes)


def test_rejects_name_the_message_and_its_line(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / CHANNEL], store)
    rows = store.engine.rows("SELECT source_line, reason, raw FROM rejects ORDER BY 1")
    assert [(r[0], r[1]) for r in rows] == [
        (138, "bad time: message 1234567890:6 has no field date"),
        (151, "unsupported message: Telegram Desktop did not export 1234567890:7"),
    ]
    assert json.loads(rows[0][2])["text"] == "A message without a date"


def test_all_chats_export(store: Store, data_dir: Path) -> None:
    f = coordnet.ingest([data_dir / ALL_CHATS], store).files[0]
    assert (f.n_records, f.n_actions, f.n_rejects) == (7, 7, 0)
    actions = _actions(store)
    assert set(actions) == {
        "555000111:100", "555000111:101", "555000111:102", "555000111:103",
        "555000111:104", "42:5", "777:1",
    }  # fmt: skip
    assert actions["555000111:101"]["source_line"] == 46
    assert actions["555000111:104"]["parent_actor_id"] == "Truth Channel"  # name only
    assert actions["42:5"]["kind"] == "repost"  # saved_from
    old = actions["777:1"]  # a left channel, old format: no from_id, local date
    assert (old["actor_id"], old["time_source"]) == ("channel777", "local")
    actors = _actors(store)
    assert actors["channel555000111"][0] == "group"  # an anonymous admin posts as the group
    assert actors["user7002"] == ("user", None, "Carol")
    assert actors["user42"] == ("user", "ana_research", "Ana")  # the exporting account
    assert actors["channel777"] == ("channel", None, "Old Channel")
    # Contacts and the phone number are not activity: nothing of them is stored.
    dump = str(store.engine.rows("SELECT * FROM actors")) + str(
        store.engine.rows("SELECT * FROM actions")
    )
    assert "555 01" not in dump and "user7001" in dump


def test_messages_before_the_chat_id_still_get_it(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "result.json"
    chat = {
        "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1614620096", "from": "X",
             "from_id": "user1", "text": "hi"},
        ],
        "name": "Late Header",
        "type": "private_group",
        "id": 99,
    }  # fmt: skip
    f.write_text(json.dumps(chat, indent=1))
    coordnet.ingest([f], store, format="telegram")
    (a,) = _actions(store).values()
    assert (a["action_id"], a["group_id"], a["source_line"]) == ("99:1", "99", 3)


def test_malformed_json_keeps_the_messages_before_it(store: Store, tmp_path: Path) -> None:
    good = {"id": 1, "type": "message", "date_unixtime": "1614620096", "from_id": "user1",
            "text": "ok"}  # fmt: skip
    text = (
        '{\n "name": "G",\n "type": "private_group",\n "id": 5,\n "messages": [\n  '
        + json.dumps(good)
        + ',\n  {"id": 2, "type": "message", "date_unixtime": "1614620100", "text": "cut'
    )
    f = tmp_path / "result.json"
    f.write_text(text)
    report = coordnet.ingest([f], store, format="telegram").files[0]
    assert report.n_actions == 1
    ((line, reason),) = store.engine.rows("SELECT source_line, reason FROM rejects")
    assert line == 7 and reason.startswith("malformed JSON")


def test_ingest_is_idempotent(store: Store, data_dir: Path, tmp_path: Path) -> None:
    coordnet.ingest([data_dir / CHANNEL], store)
    before = store.engine.rows("SELECT * FROM actions ORDER BY action_id")
    assert coordnet.ingest([data_dir / CHANNEL], store).files[0].is_skipped
    copy = tmp_path / "result.json.gz"
    copy.write_bytes(gzip.compress((data_dir / CHANNEL).read_bytes()))
    gz = coordnet.ingest([copy], store).files[0]
    assert (gz.format, gz.n_actions, gz.n_existing) == ("telegram", 0, 8)
    assert store.engine.rows("SELECT * FROM actions ORDER BY action_id") == before


# --- text flattening: property --------------------------------------------------------------

_ENTITY_TYPES = ["plain", "bold", "link", "text_link", "hashtag", "mention", "code"]
_PART = st.one_of(
    st.text(max_size=12),
    st.builds(
        lambda kind, text: (
            {"type": kind, "text": text, "href": "https://h.example/" + text}
            if kind == "text_link"
            else {"type": kind, "text": text}
        ),
        st.sampled_from(_ENTITY_TYPES),
        st.text(max_size=12),
    ),
)


@given(parts=st.lists(_PART, max_size=12))
def test_flattened_text_is_the_concatenation_of_its_parts(parts: list) -> None:
    expected = "".join(p if isinstance(p, str) else p["text"] for p in parts)
    assert flatten_text(parts) == expected
    # The same message written with text_entities (every part an object) reads the same.
    entities = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in parts]
    assert flatten_text(entities) == expected
    assert flatten_text(expected) == expected
    message = {"text": parts}
    assert text_entities(message) == [p for p in parts if isinstance(p, dict)]
