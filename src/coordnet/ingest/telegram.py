"""Telegram Desktop JSON exports: one chat's ``result.json`` or the full "Export Telegram data".

Telegram has no research API; channel and group histories reach analysts as the JSON that
Telegram Desktop writes ("Export chat history" for one channel or group, or "Export Telegram
data" for every chat, under ``chats.list`` and ``left_chats.list``). Each chat has ``name``,
``type`` (``public_channel``, ``private_supergroup``, ``personal_chat``...), ``id`` and
``messages``; a message has ``id``, ``type`` (``message``/``service``), ``date`` (local
time of the exporting computer, no zone), ``date_unixtime`` (UTC seconds, since 2021),
``from``/``from_id`` (``channel123``, ``user456``), ``text`` (a string, or a list of strings
and entity objects) and ``text_entities``.

Choices, each visible in the data:

* **Ids.** Message ids are only unique within a chat, so ``action_id`` is
  ``"<chat id>:<message id>"`` and ``group_id`` is the chat id. A reply's ``parent_id`` is
  built the same way (from ``reply_to_peer_id`` when the reply is to another chat).
* **Forwards** are ``repost`` actions. The export names the source (``forwarded_from``, and
  ``forwarded_from_id`` in newer versions) but not the original message, so ``parent_id``
  stays empty and ``parent_actor_id`` is the source's id, or its display name when only the
  name is known (``extra.forwarded_from`` always keeps the name).
* **Service messages** (joins, pins, title changes) are kept as ``service`` actions of their
  ``actor_id``, with ``extra.action``: they are real, timed activity (mass joins are a
  coordination sign) and not errors, but signals of posting behaviour ignore them.
  Messages Telegram Desktop could not export (``type: unsupported``) are rejected.
* **Times.** ``date_unixtime`` is used when present (``time_source = 'field'``); older
  exports only have ``date`` in the exporting computer's local zone, which is read as UTC
  (``time_source = 'local'``) and the ingest report says how many messages that affected.
* **Entities.** URLs come from ``link`` and ``text_link`` entities (a scheme-less link gets
  ``http://`` so its domain can be read), hashtags from ``hashtag``, mentions from ``mention``
  (lower-cased, without ``@``) and ``mention_name`` (``user<id>``).

The file is read into memory once and walked message by message (each message is decoded on
its own, so a multi-GB export never becomes one Python object), and every row keeps the line
its message starts on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from coordnet.engine import DuckDBEngine
from coordnet.ingest._base import Reader, Staged
from coordnet.ingest.records import StageWriter
from coordnet.ingest.source import SourceFile

__all__ = ["TelegramExport", "flatten_text", "text_entities"]

PLATFORM = "telegram"
#: Longest raw record kept with a reject.
MAX_RAW = 10_000

#: What kind of actor a chat of each export ``type`` is.
CHAT_KINDS: dict[str, str] = {
    "public_channel": "channel",
    "private_channel": "channel",
    "public_supergroup": "group",
    "private_supergroup": "group",
    "private_group": "group",
    "personal_chat": "user",
    "bot_chat": "user",
    "saved_messages": "user",
    "replies": "user",
}
_PEER_KINDS = {"channel": "channel", "chat": "group", "user": "user"}
_PEER = re.compile(r"(channel|chat|user)(-?\d+)")
_CHAT_TYPE = re.compile(r'"type"\s*:\s*"(' + "|".join(CHAT_KINDS) + r')"')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_WS = " \t\r\n"
_PROGRESS_EVERY = 20_000


# --- text -------------------------------------------------------------------------------


def flatten_text(value: Any) -> str:
    """The plain text of a message's ``text``: a string, or a list of strings and entities.

    >>> flatten_text(["Read ", {"type": "link", "text": "https://x.org"}, " now"])
    'Read https://x.org now'
    """
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text") or "")
            for part in value
            if isinstance(part, str | dict)
        )
    return ""


def text_entities(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The message's entity objects: ``text_entities``, else the objects in list-form ``text``."""
    entities: Any = message.get("text_entities")
    if not isinstance(entities, list):
        entities = message.get("text")
    return [e for e in entities if isinstance(e, dict)] if isinstance(entities, list) else []


def _url(entity: dict[str, Any]) -> str | None:
    kind = entity.get("type")
    raw = entity.get("href") if kind == "text_link" else entity.get("text")
    if kind not in ("link", "text_link") or not isinstance(raw, str) or not raw.strip():
        return None
    raw = raw.strip()
    return raw if _SCHEME.match(raw) else "http://" + raw


def _entity_lists(message: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """(urls, hashtags, mentions) from the message's entities, in text order."""
    urls: list[str] = []
    tags: list[str] = []
    mentions: list[str] = []
    for e in text_entities(message):
        kind, text = e.get("type"), e.get("text")
        url = _url(e)
        if url:
            urls.append(url)
        elif kind == "hashtag" and isinstance(text, str) and text.strip("#"):
            tags.append(text.strip())
        elif kind == "mention" and isinstance(text, str) and text.strip("@"):
            mentions.append(text.strip().lstrip("@").lower())
        elif kind == "mention_name" and e.get("user_id") is not None:
            mentions.append(f"user{e['user_id']}")
    return urls, tags, mentions


# --- walking the file ---------------------------------------------------------------------


@dataclass
class _Chat:
    """What the export says about the chat whose messages are being read."""

    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def chat_id(self) -> str | None:
        value = self.fields.get("id")
        return None if value is None or isinstance(value, dict | list) else str(value)

    @property
    def kind(self) -> str:
        return CHAT_KINDS.get(str(self.fields.get("type")), "group")


@dataclass
class _Item:
    """One message with its chat and line, or a decoding error."""

    line: int
    chat: _Chat | None = None
    message: Any = None
    error: str | None = None
    raw: str | None = None


class _Walker:
    """Walk an export's object tree, decoding each message on its own.

    Only the structure that leads to messages (the top object, ``chats``/``left_chats``,
    their ``list`` and each chat object) is walked character by character; every other
    value, messages included, is decoded by :class:`json.JSONDecoder` in one call.
    """

    _CONTAINERS = ("chats", "left_chats")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._line = 1
        self._line_pos = 0
        self._decoder = json.JSONDecoder()
        self.extra: dict[str, Any] = {}

    def line_at(self, pos: int) -> int:
        # Positions only move forward, so counting newlines incrementally is linear.
        self._line += self.text.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def _skip(self) -> str:
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos] in _WS:
            self.pos += 1
        return text[self.pos] if self.pos < n else ""

    def _expect(self, char: str) -> None:
        if self._skip() != char:
            got = self.text[self.pos : self.pos + 20] or "end of file"
            raise json.JSONDecodeError(f"expected {char!r}, found {got!r}", self.text, self.pos)
        self.pos += 1

    def _value(self) -> Any:
        self._skip()
        value, self.pos = self._decoder.raw_decode(self.text, self.pos)
        return value

    def items(self) -> Iterator[_Item]:
        """Every message of every chat; a decoding error ends the walk with an error item."""
        try:
            if self._skip().startswith("\ufeff"):
                self.pos += 1
            yield from self._object(_Chat(), top=True)
        except json.JSONDecodeError as exc:
            line = self.line_at(max(exc.pos, self._line_pos))
            eol = self.text.find("\n", exc.pos)
            snippet = self.text[exc.pos : eol if eol >= 0 else len(self.text)]
            yield _Item(line, error=f"malformed JSON: {exc.msg}", raw=snippet[:MAX_RAW])

    def _object(self, chat: _Chat, *, top: bool = False) -> Iterator[_Item]:
        self._expect("{")
        waiting: list[_Item] = []
        if self._skip() == "}":
            self.pos += 1
            return
        while True:
            self._skip()
            key = self._value()
            self._expect(":")
            nxt = self._skip()
            if key == "messages" and nxt == "[":
                for item in self._messages(chat):
                    # Telegram writes name/type/id before messages; if not, wait for them.
                    if chat.chat_id is None:
                        waiting.append(item)
                    else:
                        yield item
            elif key in self._CONTAINERS and nxt == "{":
                yield from self._object(_Chat())
            elif key == "list" and nxt == "[" and not top:
                yield from self._list()
            else:
                value = self._value()
                if not isinstance(value, dict | list) or key == "personal_information":
                    chat.fields[key] = value
            sep = self._skip()
            self.pos += 1
            if sep == "}":
                break
            if sep != ",":
                raise json.JSONDecodeError("expected ',' or '}'", self.text, self.pos - 1)
        yield from waiting
        if top:
            self.extra = chat.fields

    def _list(self) -> Iterator[_Item]:
        self._expect("[")
        if self._skip() == "]":
            self.pos += 1
            return
        while True:
            if self._skip() == "{":
                yield from self._object(_Chat())
            else:
                self._value()
            sep = self._skip()
            self.pos += 1
            if sep == "]":
                return
            if sep != ",":
                raise json.JSONDecodeError("expected ',' or ']'", self.text, self.pos - 1)

    def _messages(self, chat: _Chat) -> Iterator[_Item]:
        self._expect("[")
        if self._skip() == "]":
            self.pos += 1
            return
        while True:
            self._skip()
            line = self.line_at(self.pos)
            yield _Item(line, chat=chat, message=self._value())
            sep = self._skip()
            self.pos += 1
            if sep == "]":
                return
            if sep != ",":
                raise json.JSONDecodeError("expected ',' or ']'", self.text, self.pos - 1)


# --- mapping ------------------------------------------------------------------------------


def _peer_id(value: Any) -> str | None:
    """A peer as the export writes it (``channel1``, ``user2``); bare numbers are users."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    s = str(value).strip()
    if not s:
        return None
    # Exports before 2020 wrote a user's from_id as a bare number.
    return f"user{s}" if s.lstrip("-").isdigit() else s


def _peer_kind(peer: str, chat: _Chat) -> str:
    m = _PEER.fullmatch(peer)
    if not m:
        return "user"
    if m.group(1) == "channel" and m.group(2) == chat.chat_id and chat.kind == "group":
        # An anonymous admin posts as the supergroup itself.
        return "group"
    return _PEER_KINDS[m.group(1)]


def _unix(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(str(value).strip()), tz=UTC).replace(tzinfo=None)
    except (ValueError, OverflowError, OSError):
        return None


def _local(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def _raw(message: Any) -> str:
    return json.dumps(message, ensure_ascii=False)[:MAX_RAW]


_EXTRA_KEYS = (
    "forwarded_from", "saved_from", "via_bot", "author", "media_type", "mime_type", "photo",
    "file", "sticker_emoji", "duration_seconds", "title", "action", "members", "inviter",
    "reply_to_peer_id", "reactions", "poll", "location_information", "place_name",
)  # fmt: skip


class _Staging:
    """Per-file state: the writer, actors seen, counts for the report."""

    def __init__(self, writer: StageWriter) -> None:
        self.writer = writer
        self.actors: dict[str, dict[str, Any]] = {}
        self.n_records = 0
        self.n_local_time = 0
        self.n_service = 0

    def actor(self, actor_id: str, kind: str, name: Any, line: int, **extra: Any) -> None:
        row = self.actors.setdefault(
            actor_id, {"actor_id": actor_id, "platform": PLATFORM, "actor_kind": kind}
        )
        row["source_line"] = line
        if isinstance(name, str) and name.strip():
            row["display_name"] = name.strip()
        for k, v in extra.items():
            if v is not None:
                row[k] = v

    def reject(self, line: int, reason: str, message: Any) -> None:
        self.writer.reject(line, reason, _raw(message))

    def message(self, chat: _Chat, msg: Any, line: int) -> None:
        self.n_records += 1
        if not isinstance(msg, dict):
            self.reject(line, "not a message: array element is not a JSON object", msg)
            return
        chat_id = chat.chat_id
        msg_id = msg.get("id")
        if chat_id is None:
            self.reject(line, "missing id: the chat has no field id", msg)
            return
        if msg_id is None or isinstance(msg_id, dict | list | bool) or str(msg_id) == "":
            self.reject(line, f"missing id: message in chat {chat_id} has no field id", msg)
            return
        action_id = f"{chat_id}:{msg_id}"
        mtype = msg.get("type", "message")
        if mtype == "unsupported":
            self.reject(
                line, f"unsupported message: Telegram Desktop did not export {action_id}", msg
            )
            return
        time_field = "date_unixtime" if msg.get("date_unixtime") not in (None, "") else "date"
        if time_field == "date_unixtime":
            time, time_source = _unix(msg["date_unixtime"]), "field"
        else:
            time, time_source = _local(msg.get("date")), "local"
            self.n_local_time += time is not None
        if time is None:
            given = msg.get(time_field)
            reason = (
                f"bad time: message {action_id} has no field date"
                if given in (None, "")
                else f"bad time: message {action_id} field {time_field} = {given!r}"
                " is not a date-time"
            )
            self.reject(line, reason, msg)
            return
        is_service = mtype == "service"
        sender = _peer_id(msg.get("actor_id") if is_service else msg.get("from_id"))
        name = msg.get("actor") if is_service else msg.get("from")
        if sender is None and chat.kind == "channel":
            # Channel posts are the channel's; old exports omit from_id for them.
            sender, name = f"channel{chat_id}", chat.fields.get("name")
        if sender is None:
            field_name = "actor_id" if is_service else "from_id"
            self.reject(line, f"missing actor: message {action_id} has no field {field_name}", msg)
            return
        self.actor(sender, _peer_kind(sender, chat), name, line)

        parent_id = parent_actor = None
        forward_name = msg.get("forwarded_from") or msg.get("saved_from")
        forward_id = _peer_id(msg.get("forwarded_from_id") or msg.get("saved_from_id"))
        # The key's presence marks a forward: the name is null when the source is hidden.
        is_forward = any(k in msg for k in ("forwarded_from", "forwarded_from_id", "saved_from"))
        reply_to = msg.get("reply_to_message_id")
        if is_service:
            kind = "service"
            self.n_service += 1
            if msg.get("message_id") is not None:  # the pinned (or otherwise named) message
                parent_id = f"{chat_id}:{msg['message_id']}"
        elif is_forward:
            kind = "repost"
            parent_actor = forward_id or (forward_name if isinstance(forward_name, str) else None)
            if forward_id:
                self.actor(forward_id, _peer_kind(forward_id, chat), forward_name, line)
        elif reply_to is not None:
            kind = "reply"
            peer = _PEER.fullmatch(str(msg.get("reply_to_peer_id") or ""))
            parent_id = f"{peer.group(2) if peer else chat_id}:{reply_to}"
        else:
            kind = "post"

        urls, tags, mentions = _entity_lists(msg)
        extra: dict[str, Any] = {k: msg[k] for k in _EXTRA_KEYS if msg.get(k) not in (None, "")}
        extra["chat_name"] = chat.fields.get("name")
        extra["chat_type"] = chat.fields.get("type")
        extra["message_id"] = msg_id
        if msg.get("edited_unixtime") or msg.get("edited"):
            edited = _unix(msg.get("edited_unixtime")) or _local(msg.get("edited"))
            extra["edited_at"] = edited.isoformat() if edited else msg.get("edited")
        text = flatten_text(msg.get("text", msg.get("text_entities")))
        self.writer.action(
            action_id=action_id,
            actor_id=sender,
            platform=PLATFORM,
            time=time,
            time_source=time_source,
            kind=kind,
            text=text or None,
            parent_id=parent_id,
            parent_actor_id=parent_actor,
            urls_raw=urls,
            hashtags_raw=tags,
            mentions=mentions,
            group_id=chat_id,
            extra={k: v for k, v in extra.items() if v is not None},
            source_line=line,
        )

    def chat_actor(self, chat: _Chat, line: int) -> None:
        """The chat itself, when it is a channel (the author of its posts)."""
        if chat.kind == "channel" and chat.chat_id is not None:
            self.actor(
                f"channel{chat.chat_id}",
                "channel",
                chat.fields.get("name"),
                line,
                extra={"chat_type": chat.fields.get("type")},
            )

    def finish(self, engine: DuckDBEngine, personal: Any) -> Staged:
        if isinstance(personal, dict) and personal.get("user_id") is not None:
            # The exporting account (full exports); its phone number is deliberately not kept.
            names = [personal.get("first_name"), personal.get("last_name")]
            self.actor(
                f"user{personal['user_id']}",
                "user",
                " ".join(n for n in names if isinstance(n, str) and n) or None,
                1,
                handle=str(personal.get("username") or "").lstrip("@") or None,
            )
        for row in self.actors.values():
            self.writer.actor(**row)
        self.writer.close()
        # A reply's parent author is known when the replied-to message is in the same file.
        engine.execute(
            """UPDATE cn_stage_actions AS a SET parent_actor_id = p.actor_id
               FROM (SELECT action_id, any_value(actor_id) AS actor_id FROM cn_stage_actions
                     WHERE reject_reason IS NULL GROUP BY action_id) AS p
               WHERE a.kind = 'reply' AND a.parent_actor_id IS NULL
                 AND p.action_id = a.parent_id"""
        )
        notes = []
        if self.n_local_time:
            notes.append(
                f"{self.n_local_time} messages have only a local 'date' (no date_unixtime): "
                "read as UTC, time_source = 'local'"
            )
        if self.n_service:
            notes.append(f"{self.n_service} service messages kept with kind 'service'")
        return Staged(n_records=self.n_records, notes=notes)


class TelegramExport(Reader):
    """Telegram Desktop JSON export of one chat or of all chats."""

    name = "telegram"
    description = "Telegram Desktop export (result.json): one chat, or all chats"
    containers: ClassVar[tuple[str, ...]] = ("json",)
    #: Actors that appear only in actions (none: every sender is staged) would be users.
    actor_kind: ClassVar[str] = "user"

    def sniff(self, src: SourceFile) -> float:
        if src.container != "json":
            return 0.0
        head = src.head
        if '"messages"' in head and _CHAT_TYPE.search(head):
            return 0.95
        if re.match(r'\s*\{\s*"about"\s*:', head) and (
            '"personal_information"' in head or '"chats"' in head
        ):
            return 0.9
        return 0.0

    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        with src.open_text() as fh:
            text = fh.read()
        walker = _Walker(text)
        staging = _Staging(StageWriter(engine))
        on_progress: Callable[[float], None] | None = options.get("on_progress")
        last_chat: _Chat | None = None
        for item in walker.items():
            if item.error is not None:
                staging.n_records += 1
                staging.writer.reject(item.line, item.error, item.raw)
                continue
            assert item.chat is not None
            if item.chat is not last_chat:
                staging.chat_actor(item.chat, item.line)
                last_chat = item.chat
            staging.message(item.chat, item.message, item.line)
            if on_progress is not None and staging.n_records % _PROGRESS_EVERY == 0:
                on_progress(100.0 * walker.pos / max(len(text), 1))
        return staging.finish(engine, walker.extra.get("personal_information"))
