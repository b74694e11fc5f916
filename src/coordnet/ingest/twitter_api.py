"""Tweets as the Twitter/X APIs return them: v1.1 status objects and v2 responses.

Most academic Twitter collections are raw API output: v1.1 *status* objects from the
streaming or REST APIs (one per line, as twarc1 or tweepy write them, or a JSON array, or a
search response ``{"statuses": [...]}``), and v2 responses ``{"data", "includes", "meta"}``
(one per file or one per line, as twarc2 writes them) or their *flattened* form, one tweet
per line with its expansions inline (``twarc2 flatten``). Both are read here.

A retweet, quote or reply embeds (v1.1) or includes (v2) the original tweet. That original
is real activity observed through the collection, so it is staged as an action of its own
(``extra.is_embedded`` true, ``extra.embedded_in`` naming the tweet that carried it) and its
author as an actor; it is staged once per file, and a copy collected on its own in the same
file wins over an embedded one. Metrics of an embedded copy are those at collection time.

The OSoMe releases hash identifiers and mask texts (``id_h``, ``screen_name_h``, ``text_m``,
...): a hashed field is read where the plain one is absent and the actor is marked
``is_hashed_id``.

Times: v1.1 ``timestamp_ms`` (streaming) is exact; otherwise ``created_at`` (whole seconds)
is refined from the snowflake id when the id's embedded time falls within that second
(``time_source = 'snowflake'``), as for the information-operations archives.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar

from coordnet.engine import DuckDBEngine
from coordnet.ingest._base import Reader, Staged
from coordnet.ingest.normalize import SNOWFLAKE_EPOCH_MS
from coordnet.ingest.records import StageWriter, iter_json_documents, parse_time
from coordnet.ingest.source import SourceFile

__all__ = ["TwitterAPIv1", "TwitterAPIv2"]

PLATFORM = "twitter"
#: Longest raw record kept with a reject.
MAX_RAW = 10_000
#: Embedded originals nest at most this deep (a quote inside a retweet is depth 2).
_MAX_DEPTH = 3
_EPOCH = datetime(1970, 1, 1)
_ANCHOR = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)


# --- small accessors --------------------------------------------------------------------


def _str(value: Any) -> str | None:
    """A non-empty identifier or text as a string (numbers become digit strings)."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    s = str(value).strip()
    return s or None


def _pick(obj: Any, *keys: str) -> str | None:
    """The first non-empty of ``keys`` in ``obj``."""
    if not isinstance(obj, dict):
        return None
    for key in keys:
        value = _str(obj.get(key))
        if value is not None:
            return value
    return None


def _text(obj: Any, *keys: str) -> str | None:
    """The first of ``keys`` holding text that is not blank, exactly as written."""
    if isinstance(obj, dict):
        for key in keys:
            value = obj.get(key)
            if isinstance(value, str) and value.strip():
                return value
    return None


def _dig(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _obj(parent: Any, key: str) -> dict[str, Any]:
    """``parent[key]`` when it is an object, else an empty one (absent, null or malformed)."""
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _compact(d: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values, so ``extra`` holds only what the source said."""
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def _raw(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, default=str)[:MAX_RAW]


def _client(source: Any) -> str | None:
    """The client name: v1.1 wraps it in an HTML anchor, v2 gives it plain."""
    s = _str(source)
    if s is None:
        return None
    m = _ANCHOR.search(s)
    return _str(html.unescape(m.group(1) if m else s))


def _tweet_time(value: Any, tweet_id: str) -> tuple[datetime | None, str]:
    """Parse ``value``; refine whole seconds from a snowflake id that agrees with it."""
    t = parse_time(value)
    if t is None or t.microsecond or not tweet_id.isdigit():
        return t, "field"
    snowflake = _EPOCH + timedelta(milliseconds=(int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS)
    if t <= snowflake < t + timedelta(seconds=1):
        return snowflake, "snowflake"
    return t, "field"


def _key_re(*keys: str) -> re.Pattern[str]:
    """A JSON key followed by a colon (an escaped quote inside a string does not match)."""
    return re.compile('"(?:' + "|".join(re.escape(k) for k in keys) + r')"\s*:')


# Keys that belong to other JSON formats: Telegram exports, CrowdTangle posts.
_FOREIGN = _key_re("messages", "platformId", "postUrl", "subscriberCount")
_V1_ID = _key_re("id_str", "id_str_h", "id_h")
_V1_USER = _key_re("user")
_V1_TIME = _key_re("created_at", "timestamp_ms")
_V1_HANDLE = _key_re("screen_name", "screen_name_h")
_V2_AUTHOR = _key_re("author_id")
_V2_TWEET = _key_re("data", "text", "edit_history_tweet_ids", "referenced_tweets")


def _looks_v1(head: str) -> bool:
    return bool(
        _V1_ID.search(head)
        and _V1_USER.search(head)
        and _V1_TIME.search(head)
        and not _V2_AUTHOR.search(head)
        and not _FOREIGN.search(head)
    )


def _looks_v2(head: str) -> bool:
    return bool(
        _V2_AUTHOR.search(head)
        and _V2_TWEET.search(head)
        and not _V1_ID.search(head)
        and not _V1_HANDLE.search(head)
        and not _FOREIGN.search(head)
    )


# --- per-file state -----------------------------------------------------------------------


@dataclass
class _File:
    """What one file's staging has seen: ids staged, counts for the report."""

    writer: StageWriter
    top_ids: set[str] = field(default_factory=set)
    embedded_ids: set[str] = field(default_factory=set)
    unusable_ids: set[str | None] = field(default_factory=set)
    n_records: int = 0
    n_api_errors: int = 0

    def reject(self, line: int, reason: str, doc: Any) -> None:
        self.writer.reject(line, reason, _raw(doc))

    def unusable(self, tweet_id: str | None) -> None:
        """Note an embedded tweet too incomplete to stage (it stays a parent id)."""
        self.unusable_ids.add(tweet_id)

    def claim(self, tweet_id: str, embedded_in: str | None) -> bool:
        """Record ``tweet_id`` as staged; False for an embedded copy already staged."""
        if embedded_in is None:
            self.top_ids.add(tweet_id)
            return True
        if tweet_id in self.top_ids or tweet_id in self.embedded_ids:
            return False
        self.embedded_ids.add(tweet_id)
        return True

    def finish(self, engine: DuckDBEngine) -> Staged:
        """Flush; drop embedded copies of tweets the file also holds on their own."""
        self.writer.close()
        embedded = "coalesce(json_extract(extra, '$.is_embedded')::BOOLEAN, false)"
        engine.execute(
            f"""DELETE FROM cn_stage_actions WHERE {embedded} AND action_id IN (
                SELECT action_id FROM cn_stage_actions WHERE NOT {embedded})"""
        )
        notes = []
        n_embedded = engine.scalar(f"SELECT count(*) FROM cn_stage_actions WHERE {embedded}")
        if n_embedded:
            notes.append(
                f"{n_embedded} retweeted, quoted or replied-to originals staged as actions"
            )
        if self.unusable_ids:
            notes.append(
                f"{len(self.unusable_ids)} embedded or included tweets lack an id, author or "
                "time: kept only as parent ids"
            )
        if self.n_api_errors:
            notes.append(f"{self.n_api_errors} API error objects in responses (not tweets)")
        return Staged(n_records=self.n_records, notes=notes)


def _stage_actor(f: _File, line: int, actor_id: str, is_hashed: bool, row: dict[str, Any]) -> None:
    f.writer.actor(
        actor_id=actor_id,
        platform=PLATFORM,
        actor_kind="account",
        is_hashed_id=is_hashed,
        source_line=line,
        **row,
    )


# --- v1.1 ---------------------------------------------------------------------------------


def _v1_id(obj: Any, name: str = "id") -> tuple[str | None, bool]:
    """``name_str``, ``name``, then the hashed ``name_str_h``, ``name_h``; and whether hashed."""
    plain = _pick(obj, f"{name}_str", name)
    if plain is not None:
        return plain, False
    hashed = _pick(obj, f"{name}_str_h", f"{name}_h")
    return hashed, hashed is not None


def _v1_url(u: dict[str, Any]) -> str | None:
    # The unwound (fully resolved) link, when the collection has it, beats a shortener link.
    return _pick(u.get("unwound"), "url", "url_h") or _pick(
        u, "expanded_url", "expanded_url_h", "url", "url_h"
    )


def _v1_actor(f: _File, line: int, user: dict[str, Any], actor_id: str, hashed: bool) -> None:
    _stage_actor(
        f,
        line,
        actor_id,
        hashed,
        {
            "handle": _pick(user, "screen_name", "screen_name_h"),
            "display_name": _pick(user, "name", "name_h"),
            "created_at": parse_time(user.get("created_at")),
            "followers": _int(user.get("followers_count")),
            "following": _int(user.get("friends_count")),
            "description": _pick(user, "description", "description_m"),
            "location": _pick(user, "location"),
            "lang": _pick(user, "lang"),
            "verified": _bool(user.get("verified")),
            "extra": _compact(
                {
                    "profile_image_url": _pick(
                        user, "profile_image_url_https", "profile_image_url_https_h"
                    ),
                    "statuses_count": _int(user.get("statuses_count")),
                    "listed_count": _int(user.get("listed_count")),
                    "favourites_count": _int(user.get("favourites_count")),
                    "is_protected": _bool(user.get("protected")),
                    "url": _pick(user, "url", "url_h"),
                }
            ),
        },
    )


def _stage_v1(
    f: _File, status: dict[str, Any], line: int, embedded_in: str | None = None, depth: int = 0
) -> None:
    """Stage one v1.1 status and, once each, the statuses it embeds."""
    top = embedded_in is None
    if top:
        f.n_records += 1
    tweet_id, _ = _v1_id(status)
    user = _obj(status, "user")
    actor_id, is_hashed = _v1_id(user)
    time, time_source = _tweet_time(
        status.get("timestamp_ms") or status.get("created_at"), tweet_id or ""
    )
    if time is None and status.get("timestamp_ms"):
        time, time_source = _tweet_time(status.get("created_at"), tweet_id or "")
    retweeted = status.get("retweeted_status")
    retweeted = retweeted if isinstance(retweeted, dict) else None
    quoted = status.get("quoted_status")
    quoted = quoted if isinstance(quoted, dict) else None
    reply_id = _v1_id(status, "in_reply_to_status_id")[0]
    quoted_id = _v1_id(status, "quoted_status_id")[0] or _v1_id(quoted)[0]

    reason = None
    if tweet_id is None:
        reason = "missing id: status has no id_str, id or id_h"
    elif actor_id is None:
        reason = f"missing actor: status {tweet_id} has no user.id_str, user.id or user.id_h"
    elif time is None and status.get("created_at") is None:
        reason = f"bad time: status {tweet_id} has neither created_at nor timestamp_ms"
    elif time is None:
        bad = status.get("created_at")
        reason = f"bad time: status {tweet_id} field created_at = {bad!r} is not a date-time"
    elif retweeted is not None and _v1_id(retweeted)[0] is None:
        reason = f"missing parent: status {tweet_id} has a retweeted_status without id_str"
    if reason is not None:
        if top:
            f.reject(line, reason, status)
        else:
            f.unusable(tweet_id)
        return
    assert tweet_id is not None and actor_id is not None
    if not f.claim(tweet_id, embedded_in):
        return

    parent_actor_id = None
    if retweeted is not None:
        kind, parent_id = "repost", _v1_id(retweeted)[0]
        parent_actor_id = _v1_id(retweeted.get("user"))[0]
    elif reply_id is not None:
        kind, parent_id = "reply", reply_id
        parent_actor_id = _v1_id(status, "in_reply_to_user_id")[0]
    elif quoted_id is not None or status.get("is_quote_status") is True:
        kind, parent_id = "quote", quoted_id
        parent_actor_id = _v1_id(_dig(quoted, "user"))[0]
    else:
        kind, parent_id = "post", None

    extended = _obj(status, "extended_tweet")
    entities = extended.get("entities") or status.get("entities") or {}
    media = _dicts(
        _dig(extended, "extended_entities", "media")
        or _dig(status, "extended_entities", "media")
        or _dig(entities, "media")
    )
    coordinates = _dig(status, "coordinates", "coordinates")
    place = _obj(status, "place")
    f.writer.action(
        action_id=tweet_id,
        actor_id=actor_id,
        platform=PLATFORM,
        time=time,
        time_source=time_source,
        kind=kind,
        text=_text(extended, "full_text") or _text(status, "full_text", "text", "text_m"),
        lang=_pick(status, "lang"),
        client=_client(status.get("source")),
        parent_id=parent_id,
        parent_actor_id=parent_actor_id,
        urls_raw=[u for u in map(_v1_url, _dicts(entities.get("urls"))) if u],
        hashtags_raw=[t for t in (_pick(h, "text") for h in _dicts(entities.get("hashtags"))) if t],
        mentions=[m for m in (_v1_id(m)[0] for m in _dicts(entities.get("user_mentions"))) if m],
        source_line=line,
        extra=_compact(
            {
                "quoted_id": quoted_id if kind != "quote" else None,
                "in_reply_to_screen_name": _pick(
                    status, "in_reply_to_screen_name", "in_reply_to_screen_name_h"
                ),
                "retweet_count": _int(status.get("retweet_count")),
                "favorite_count": _int(status.get("favorite_count")),
                "reply_count": _int(status.get("reply_count")),
                "quote_count": _int(status.get("quote_count")),
                "media_urls": [
                    u for u in (_pick(m, "media_url_https", "media_url") for m in media) if u
                ],
                "coordinates": coordinates if isinstance(coordinates, list) else None,
                "place": _compact(
                    {k: place.get(k) for k in ("id", "full_name", "country_code", "place_type")}
                ),
                "is_possibly_sensitive": _bool(status.get("possibly_sensitive")),
                "is_embedded": True if embedded_in is not None else None,
                "embedded_in": embedded_in,
            }
        ),
    )
    _v1_actor(f, line, user, actor_id, is_hashed)
    if depth < _MAX_DEPTH:
        for inner in (retweeted, quoted):
            if inner is not None:
                _stage_v1(f, inner, line, embedded_in=tweet_id, depth=depth + 1)


def _v1_statuses(doc: Any) -> Iterable[Any]:
    """The statuses of one document: itself, a search response's, or an array's."""
    if isinstance(doc, list):
        for item in doc:
            yield from _v1_statuses(item)
    elif isinstance(doc, dict) and isinstance(doc.get("statuses"), list):
        yield from doc["statuses"]
    else:
        yield doc


class TwitterAPIv1(Reader):
    """Twitter API v1.1 status objects (streaming, REST, search; twarc1; OSoMe hashed)."""

    name = "twitter-api-v1"
    description = "Twitter API v1.1 tweets (JSON lines, array or search response; twarc1)"
    containers: ClassVar[tuple[str, ...]] = ("json",)

    def sniff(self, src: SourceFile) -> float:
        return 0.95 if src.container == "json" and _looks_v1(src.head) else 0.0

    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        f = _File(StageWriter(engine))
        for doc in iter_json_documents(
            src, max_raw=MAX_RAW, on_progress=options.get("on_progress")
        ):
            if doc.error is not None:
                f.n_records += 1
                f.writer.reject(doc.line, doc.error, doc.raw)
                continue
            for status in _v1_statuses(doc.value):
                if isinstance(status, dict) and _v1_id(status)[0] is None and len(status) == 1:
                    # Stream notices: {"delete": ...}, {"limit": ...}, {"scrub_geo": ...}.
                    f.n_records += 1
                    f.reject(doc.line, f"not a tweet: stream notice {next(iter(status))!r}", status)
                elif isinstance(status, dict):
                    _stage_v1(f, status, doc.line)
                else:
                    f.n_records += 1
                    f.reject(doc.line, "not a tweet: document is not a JSON object", status)
        return f.finish(engine)


# --- v2 -----------------------------------------------------------------------------------


@dataclass
class _Includes:
    """A v2 response's expansions by id (empty for flattened tweets, which carry them inline)."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    user_ids_by_name: dict[str, str] = field(default_factory=dict)
    tweets: dict[str, dict[str, Any]] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: When twarc fetched the response (its ``__twarc`` note), for every tweet in it.
    retrieved_at: str | None = None

    @classmethod
    def of(cls, response: dict[str, Any]) -> _Includes:
        inc = _obj(response, "includes")

        def by(kind: str, key: str = "id") -> dict[str, dict[str, Any]]:
            return {k: o for o in _dicts(inc.get(kind)) if (k := _str(o.get(key))) is not None}

        users = by("users")
        return cls(
            users=users,
            user_ids_by_name={
                name.lower(): uid for uid, u in users.items() if (name := _pick(u, "username"))
            },
            tweets=by("tweets"),
            media=by("media", "media_key"),
            places=by("places"),
            retrieved_at=_pick(response.get("__twarc"), "retrieved_at"),
        )


#: Reference types in order of precedence, and the kind each gives the referencing tweet.
_V2_KINDS = (("retweeted", "repost"), ("replied_to", "reply"), ("quoted", "quote"))


def _is_full_tweet(obj: dict[str, Any]) -> bool:
    return any(k in obj for k in ("text", "author_id", "created_at"))


def _v2_actor(f: _File, line: int, user: dict[str, Any], actor_id: str) -> None:
    metrics = _obj(user, "public_metrics")
    _stage_actor(
        f,
        line,
        actor_id,
        False,
        {
            "handle": _pick(user, "username"),
            "display_name": _pick(user, "name"),
            "created_at": parse_time(user.get("created_at")),
            "followers": _int(metrics.get("followers_count")),
            "following": _int(metrics.get("following_count")),
            "description": _pick(user, "description"),
            "location": _pick(user, "location"),
            "verified": _bool(user.get("verified")),
            "extra": _compact(
                {
                    "profile_image_url": _pick(user, "profile_image_url"),
                    "tweet_count": _int(metrics.get("tweet_count")),
                    "listed_count": _int(metrics.get("listed_count")),
                    "is_protected": _bool(user.get("protected")),
                    "verified_type": _pick(user, "verified_type"),
                    "url": _pick(user, "url"),
                }
            ),
        },
    )


def _v2_mentions(entities: dict[str, Any], inc: _Includes) -> list[str]:
    out: list[str] = []
    for m in _dicts(entities.get("mentions")):
        username = _pick(m, "username")
        by_name = inc.user_ids_by_name.get(username.lower()) if username else None
        mention = _pick(m, "id") or by_name or username
        if mention is not None:
            out.append(mention)
    return out


def _v2_media_urls(tweet: dict[str, Any], inc: _Includes) -> list[str]:
    attachments = _obj(tweet, "attachments")
    media = _dicts(attachments.get("media")) or [
        inc.media[k] for k in attachments.get("media_keys") or [] if k in inc.media
    ]
    return [u for u in (_pick(m, "url", "preview_image_url") for m in media) if u]


def _stage_v2(
    f: _File,
    tweet: dict[str, Any],
    line: int,
    inc: _Includes,
    embedded_in: str | None = None,
    depth: int = 0,
) -> None:
    """Stage one v2 tweet and, once each, the full referenced tweets it carries."""
    top = embedded_in is None
    if top:
        f.n_records += 1
    tweet_id = _pick(tweet, "id")
    author = tweet.get("author") if isinstance(tweet.get("author"), dict) else None
    actor_id = _pick(tweet, "author_id") or _pick(author, "id")
    if author is None and actor_id is not None:
        author = inc.users.get(actor_id)
    created = tweet.get("created_at")
    time: datetime | None
    if created is None and tweet_id and tweet_id.isdigit():
        # created_at is only returned when asked for; a snowflake id still dates the tweet.
        ms = (int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS
        time, time_source = _EPOCH + timedelta(milliseconds=ms), "snowflake"
    else:
        time, time_source = _tweet_time(created, tweet_id or "")

    reason = None
    if tweet_id is None:
        reason = "missing id: tweet has no id"
    elif actor_id is None:
        reason = f"missing actor: tweet {tweet_id} has no author_id"
    elif time is None and created is None:
        reason = f"bad time: tweet {tweet_id} has no created_at and its id is not a snowflake"
    elif time is None:
        reason = f"bad time: tweet {tweet_id} field created_at = {created!r} is not a date-time"
    if reason is not None:
        if top:
            f.reject(line, reason, tweet)
        else:
            f.unusable(tweet_id)
        return
    assert tweet_id is not None and actor_id is not None
    if not f.claim(tweet_id, embedded_in):
        return

    refs: dict[str, tuple[str, dict[str, Any] | None]] = {}
    for ref in _dicts(tweet.get("referenced_tweets")):
        ref_id, ref_type = _pick(ref, "id"), _pick(ref, "type")
        if ref_id and ref_type and ref_type not in refs:
            full = ref if _is_full_tweet(ref) else inc.tweets.get(ref_id)
            refs[ref_type] = (ref_id, full)
    parent_actor_id = None
    kind, parent_id = "post", None
    for ref_type, ref_kind in _V2_KINDS:
        if ref_type in refs:
            kind, (parent_id, parent) = ref_kind, refs[ref_type]
            parent_actor_id = _pick(parent, "author_id") or _pick(_dig(parent, "author"), "id")
            break
    if kind == "reply" and parent_actor_id is None:
        parent_actor_id = _pick(tweet, "in_reply_to_user_id")

    note = _obj(tweet, "note_tweet")
    entities = note.get("entities") or tweet.get("entities") or {}
    metrics = _obj(tweet, "public_metrics")
    geo = _obj(tweet, "geo")
    place = {**inc.places.get(_pick(geo, "place_id") or "", {}), **geo}
    quoted_id = refs["quoted"][0] if "quoted" in refs and kind != "quote" else None
    f.writer.action(
        action_id=tweet_id,
        actor_id=actor_id,
        platform=PLATFORM,
        time=time,
        time_source=time_source,
        kind=kind,
        text=_text(note, "text") or _text(tweet, "text"),
        lang=_pick(tweet, "lang"),
        client=_client(tweet.get("source")),
        parent_id=parent_id,
        parent_actor_id=parent_actor_id,
        # Links to a tweet's own photos and videos carry a media_key; they are media, not urls.
        urls_raw=[
            u
            for u in (
                _pick(x, "unwound_url", "expanded_url", "url")
                for x in _dicts(entities.get("urls"))
                if "media_key" not in x
            )
            if u
        ],
        hashtags_raw=[t for t in (_pick(h, "tag") for h in _dicts(entities.get("hashtags"))) if t],
        mentions=_v2_mentions(entities, inc),
        source_line=line,
        extra=_compact(
            {
                "conversation_id": _pick(tweet, "conversation_id"),
                "in_reply_to_user_id": _pick(tweet, "in_reply_to_user_id"),
                "quoted_id": quoted_id,
                "retweet_count": _int(metrics.get("retweet_count")),
                "like_count": _int(metrics.get("like_count")),
                "reply_count": _int(metrics.get("reply_count")),
                "quote_count": _int(metrics.get("quote_count")),
                "impression_count": _int(metrics.get("impression_count")),
                "media_urls": _v2_media_urls(tweet, inc),
                "coordinates": _dig(geo, "coordinates", "coordinates"),
                "place": _compact(
                    {
                        "id": _pick(place, "place_id", "id"),
                        "full_name": _pick(place, "full_name"),
                        "country_code": _pick(place, "country_code"),
                    }
                ),
                "is_possibly_sensitive": _bool(tweet.get("possibly_sensitive")),
                "reply_settings": _pick(tweet, "reply_settings"),
                "retrieved_at": _pick(tweet.get("__twarc"), "retrieved_at") or inc.retrieved_at,
                "is_embedded": True if embedded_in is not None else None,
                "embedded_in": embedded_in,
            }
        ),
    )
    if author is not None:
        _v2_actor(f, line, author, actor_id)
    if depth < _MAX_DEPTH:
        for _, full in refs.values():
            if full is not None:
                _stage_v2(f, full, line, inc, embedded_in=tweet_id, depth=depth + 1)


def _stage_v2_document(f: _File, doc: Any, line: int) -> None:
    """A response (``data`` + ``includes``), a flattened tweet, or an array of either."""
    if isinstance(doc, list):
        for item in doc:
            _stage_v2_document(f, item, line)
        return
    if not isinstance(doc, dict):
        f.n_records += 1
        f.reject(line, "not a tweet: document is not a JSON object", doc)
        return
    if "id" in doc and "data" not in doc:
        _stage_v2(f, doc, line, _Includes())
        return
    if not any(k in doc for k in ("data", "includes", "meta", "errors")):
        f.n_records += 1
        f.reject(line, "not a tweet: object has neither data (a response) nor id (a tweet)", doc)
        return
    f.n_api_errors += len(_dicts(doc.get("errors")))
    inc = _Includes.of(doc)
    data = doc.get("data")
    for tweet in [data] if isinstance(data, dict) else data if isinstance(data, list) else []:
        if isinstance(tweet, dict):
            _stage_v2(f, tweet, line, inc)
        else:
            f.n_records += 1
            f.reject(line, "not a tweet: data item is not a JSON object", tweet)
    # Included tweets not referenced by any in data (a pinned tweet, say) are activity too.
    for tweet in inc.tweets.values():
        _stage_v2(f, tweet, line, inc, embedded_in="includes")


class TwitterAPIv2(Reader):
    """Twitter API v2 responses (twarc2) and flattened tweets (``twarc2 flatten``)."""

    name = "twitter-api-v2"
    description = "Twitter API v2 responses or flattened tweets (JSON or JSON lines; twarc2)"
    containers: ClassVar[tuple[str, ...]] = ("json",)

    def sniff(self, src: SourceFile) -> float:
        return 0.95 if src.container == "json" and _looks_v2(src.head) else 0.0

    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        f = _File(StageWriter(engine))
        for doc in iter_json_documents(
            src, max_raw=MAX_RAW, on_progress=options.get("on_progress")
        ):
            if doc.error is not None:
                f.n_records += 1
                f.writer.reject(doc.line, doc.error, doc.raw)
            else:
                _stage_v2_document(f, doc.value, doc.line)
        return f.finish(engine)
