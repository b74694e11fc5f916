"""A network's activity as a privacy-preserving disclosure data set (the IO-archive format).

From 2018 Twitter published the accounts it removed for state-backed information operations
as ``*_tweets_csv_hashed.csv`` / ``*_users_csv_hashed.csv`` files, and researchers built tools
around that format. :func:`disclose` writes the reported networks of a ``detect`` run in the
same format, one pair of files per network, so the same tools (and coordnet's own
``twitter-io`` reader) read them.

Privacy follows what the platforms did, a little stricter: an account with fewer than
``follower_threshold`` followers (5,000, as the platforms chose), or whose followers are
unknown, is shown only by a salted hash (see :mod:`coordnet.export._disclose_pseudonyms`):

* hashed, consistently everywhere the account appears: ``userid``, ``user_screen_name`` and
  ``user_display_name`` (all three the same hash, as in the archives), ``in_reply_to_userid``,
  ``retweet_userid``, ``user_mentions`` and ``@handle`` in ``tweet_text``, ``poll_choices``
  and public accounts' descriptions;
* blanked for hashed accounts: ``user_profile_description`` and ``user_profile_url`` (a bio
  or a personal site names the person as surely as a handle), ``latitude``/``longitude``;
* hashed: the ids of posts that are not disclosed (what members replied to, reposted or
  quoted) unless their author is public: a post id leads to its author;
* kept: the disclosed posts' own ids (as in the archives: the network's accounts are taken
  down, and the ids carry the exact time), the text otherwise as written, hashtags, URLs,
  client, languages, counts, creation date, reported location.

Not scrubbed, and worth a read before publishing: names written without ``@``, e-mail
addresses and phone numbers in text, profile links such as ``twitter.com/<handle>`` inside
text or URLs, and media. Accounts under the threshold stay re-identifiable by whoever holds
the salt; keep it with the same care as the un-hashed data.

Cost: one pass over the members' actions in Python (about 100,000 rows a second).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from coordnet.errors import InputError
from coordnet.export._disclose_pseudonyms import (
    Pseudonyms,
    new_salt_file,
    read_salt_file,
    salt_bytes,
)
from coordnet.ingest.twitter_io import TWEET_COLUMNS, USER_COLUMNS
from coordnet.networks import select_networks
from coordnet.store import Store

__all__ = [
    "TWEET_COLUMNS",
    "USER_COLUMNS",
    "DisclosureReport",
    "disclose",
    "new_salt_file",
    "read_salt_file",
]


#: Kinds of action the format can hold; others (likes, logins) are counted and left out.
_KINDS = ("post", "repost", "reply", "quote")


@dataclass(frozen=True)
class DisclosureReport:
    """What :func:`disclose` wrote and how much it hid."""

    out_dir: str
    networks: list[int]
    files: list[str]
    follower_threshold: int
    n_actions: int
    n_actors: int
    #: Members shown by a hash / under their own id (followers >= threshold).
    n_hashed_actors: int
    n_public_actors: int
    #: Other accounts and posts referenced by a hash (replied to, reposted, mentioned).
    n_hashed_references: int
    #: ``@handle`` occurrences in text replaced by a hash.
    n_text_mentions_hashed: int
    #: Actions left out because the format cannot hold them, by reason.
    skipped: dict[str, int] = field(default_factory=dict)


def disclose(
    store: Store,
    out_dir: str | Path,
    *,
    networks: Iterable[int] | None = None,
    salt: bytes | str,
    follower_threshold: int = 5000,
) -> DisclosureReport:
    """Write the reported ``networks`` (default: all) of ``store`` as an IO-archive data set.

    One ``network_<id>_tweets_csv_hashed.csv`` and ``network_<id>_users_csv_hashed.csv`` per
    network, plus a ``README.md`` saying what was hashed. Accounts under
    ``follower_threshold`` followers are hashed with ``salt`` (HMAC-SHA256; at least 16
    bytes); the salt itself is never written. The same salt gives byte-identical files.

    Raises :class:`InputError` for a store without detection results, an unknown network, a
    short salt or a negative threshold.
    """
    key = salt_bytes(salt)
    if follower_threshold < 0:
        raise InputError(f"follower_threshold must be >= 0, not {follower_threshold}")
    chosen = select_networks(store, networks)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    e = store.engine
    members = e.arrow(
        """SELECT cluster_id, actor_id FROM cluster_members
           WHERE reported AND list_contains(?::BIGINT[], cluster_id)
           ORDER BY cluster_id, actor_id""",
        [chosen],
    ).to_pylist()
    member_ids = [m["actor_id"] for m in members]
    with _Keys(store, "cn_disclose_members", member_ids):
        actions = e.arrow(
            """SELECT m.cluster_id, x.action_id, x.actor_id, x.time, x.kind, x.text, x.lang,
                       x.client, x.parent_id, x.parent_actor_id,
                       coalesce(x.urls_raw, x.urls) AS urls,
                       coalesce(x.hashtags_raw, x.hashtags) AS hashtags, x.mentions,
                       x.extra::VARCHAR AS extra
                FROM actions x
                JOIN cluster_members m ON m.actor_id = x.actor_id AND m.reported
                     AND list_contains(?::BIGINT[], m.cluster_id)
                ORDER BY m.cluster_id, x.time, x.action_id""",
            [chosen],
        ).to_pylist()
        profiles = {
            r["actor_id"]: r
            for r in e.arrow(
                f"""SELECT actor_id, {_PROFILE_SQL} FROM actors
                    WHERE actor_id IN (SELECT key FROM cn_disclose_members)
                    GROUP BY actor_id"""
            ).to_pylist()
        }
    disclosed = {a["action_id"] for a in actions if a["kind"] in _KINDS}
    authors = _parent_authors(store, actions, disclosed)
    pseudo = _pseudonyms(
        store, key, follower_threshold, actions, profiles, [*member_ids, *authors.values()]
    )
    files: list[str] = []
    skipped: dict[str, int] = {}
    hashed_refs: set[str] = set()
    n_actions = 0
    for cid in chosen:
        ids = [m["actor_id"] for m in members if m["cluster_id"] == cid]
        rows = []
        for a in (a for a in actions if a["cluster_id"] == cid):
            reason = _unrepresentable(a)
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            rows.append(
                _tweet_row(
                    a, profiles.get(a["actor_id"], {}), pseudo, disclosed, authors, hashed_refs
                )
            )
        n_actions += len(rows)
        users = [_user_row(i, profiles.get(i, {}), pseudo) for i in ids]
        files.append(_write_csv(out / f"network_{cid}_tweets_csv_hashed.csv", TWEET_COLUMNS, rows))
        files.append(_write_csv(out / f"network_{cid}_users_csv_hashed.csv", USER_COLUMNS, users))
    n_public = sum(1 for i in member_ids if pseudo.is_public(i))
    report = DisclosureReport(
        out_dir=str(out),
        networks=chosen,
        files=files,
        follower_threshold=follower_threshold,
        n_actions=n_actions,
        n_actors=len(member_ids),
        n_hashed_actors=len(member_ids) - n_public,
        n_public_actors=n_public,
        n_hashed_references=len(hashed_refs),
        n_text_mentions_hashed=pseudo.n_text_mentions_hashed,
        skipped=dict(sorted(skipped.items())),
    )
    readme = out / "README.md"
    readme.write_text(_readme(report), encoding="utf-8")
    return replace(report, files=[*files, str(readme)])


_PROFILE_SQL = """any_value(handle) AS handle, any_value(display_name) AS display_name,
    any_value(location) AS location, any_value(description) AS description,
    any_value(extra->>'profile_url') AS profile_url, min(followers) AS followers,
    any_value(following) AS following, any_value(created_at) AS created_at,
    any_value(lang) AS lang"""


class _Keys:
    """A one-column table of keys registered for joins while the block runs."""

    def __init__(self, store: Store, name: str, keys: Iterable[str]) -> None:
        self.engine, self.name = store.engine, name
        self.table = pa.table({"key": pa.array(sorted(set(keys)), type=pa.string())})

    def __enter__(self) -> _Keys:
        self.engine.register(self.name, self.table)
        return self

    def __exit__(self, *exc: object) -> None:
        self.engine.unregister(self.name)


def _pseudonyms(
    store: Store,
    salt: bytes,
    threshold: int,
    actions: list[dict[str, Any]],
    profiles: dict[str, dict[str, Any]],
    known_ids: list[str],
) -> Pseudonyms:
    """Look up followers of every account the members' actions point at."""
    e = store.engine
    ids = set(known_ids)
    for a in actions:
        if a["parent_actor_id"]:
            ids.add(a["parent_actor_id"])
        ids.update(a["mentions"] or [])
    handles = Pseudonyms.mentioned_handles(
        [a["text"] for a in actions] + [p["description"] for p in profiles.values()]
    )
    handles.update(m.lower().lstrip("@") for a in actions for m in a["mentions"] or [])
    followers: dict[str, int | None] = {}
    with _Keys(store, "cn_disclose_ids", ids):
        for actor_id, n in e.rows(
            """SELECT actor_id, min(followers) FROM actors
               WHERE actor_id IN (SELECT key FROM cn_disclose_ids) GROUP BY actor_id"""
        ):
            followers[str(actor_id)] = None if n is None else int(n)
    handle_ids: dict[str, str] = {}
    with _Keys(store, "cn_disclose_handles", handles):
        # When two accounts share a handle (two platforms), the smaller one decides: hashing
        # a public account's mention loses little, showing a private one's would not.
        for handle, actor_id, n in e.rows(
            """SELECT lower(handle), arg_min(actor_id, coalesce(followers, -1)),
                      min(coalesce(followers, -1))
               FROM actors WHERE lower(handle) IN (SELECT key FROM cn_disclose_handles)
               GROUP BY 1"""
        ):
            handle_ids[str(handle)] = str(actor_id)
            followers.setdefault(str(actor_id), None if n < 0 else int(n))
    return Pseudonyms(salt, threshold, followers, handle_ids)


def _parent_authors(
    store: Store, actions: list[dict[str, Any]], disclosed: set[str]
) -> dict[str, str]:
    """Authors of referenced posts the data does not name (quotes, some sources)."""
    wanted = {
        a["parent_id"]
        for a in actions
        if a["parent_id"] and not a["parent_actor_id"] and a["parent_id"] not in disclosed
    }
    if not wanted:
        return {}
    with _Keys(store, "cn_disclose_parents", wanted):
        return {
            str(pid): str(aid)
            for pid, aid in store.engine.rows(
                """SELECT action_id, min(actor_id) FROM actions
                   WHERE action_id IN (SELECT key FROM cn_disclose_parents) GROUP BY 1"""
            )
        }


def _unrepresentable(a: dict[str, Any]) -> str | None:
    if a["kind"] not in _KINDS:
        return f"kind {a['kind']} (the format holds posts, reposts, replies and quotes)"
    if a["kind"] != "post" and not a["parent_id"]:
        return f"{a['kind']} without the post it points at"
    return None


def _tweet_row(
    a: dict[str, Any],
    profile: dict[str, Any],
    pseudo: Pseudonyms,
    disclosed: set[str],
    authors: dict[str, str],
    hashed_refs: set[str],
) -> list[str]:
    extra = json.loads(a["extra"]) if a["extra"] else {}
    user = _user_row(a["actor_id"], profile, pseudo)
    public = pseudo.is_public(a["actor_id"])
    kind = a["kind"]
    parent_user = parent_post = ""
    if a["parent_id"]:
        author = a["parent_actor_id"] or authors.get(a["parent_id"])
        parent_post = pseudo.post(a["parent_id"], author, a["parent_id"] in disclosed)
        if parent_post != a["parent_id"]:
            hashed_refs.add("post:" + a["parent_id"])
        if a["parent_actor_id"]:
            parent_user = pseudo.actor(a["parent_actor_id"])
            if parent_user != a["parent_actor_id"]:
                hashed_refs.add("actor:" + a["parent_actor_id"])
    mentions = [pseudo.mention(m) for m in a["mentions"] or []]
    hashed_refs.update(
        "actor:" + m for m, s in zip(a["mentions"] or [], mentions, strict=True) if m != s
    )
    row = {
        "tweetid": a["action_id"],
        **dict(zip(USER_COLUMNS, user, strict=True)),
        "tweet_language": a["lang"] or "",
        "tweet_text": pseudo.text(a["text"]),
        "tweet_time": a["time"].strftime("%Y-%m-%d %H:%M"),
        "tweet_client_name": a["client"] or "",
        "in_reply_to_userid": parent_user if kind == "reply" else "",
        "in_reply_to_tweetid": parent_post if kind == "reply" else "",
        "quoted_tweet_tweetid": parent_post if kind == "quote" else "",
        "is_retweet": "True" if kind == "repost" else "False",
        "retweet_userid": parent_user if kind == "repost" else "",
        "retweet_tweetid": parent_post if kind == "repost" else "",
        "latitude": _text(extra.get("latitude")) if public else "",
        "longitude": _text(extra.get("longitude")) if public else "",
        "quote_count": _text(extra.get("quote_count")),
        "reply_count": _text(extra.get("reply_count")),
        "like_count": _text(extra.get("like_count")),
        "retweet_count": _text(extra.get("retweet_count")),
        "hashtags": _list(a["hashtags"]),
        # A comma would split the URL in the list column; %2C means the same to a server.
        "urls": _list(u.replace(",", "%2C") for u in a["urls"] or []),
        "user_mentions": _list(mentions),
        "poll_choices": pseudo.text(_text(extra.get("poll_choices"))),
    }
    return [row[c] for c in TWEET_COLUMNS]


def _user_row(actor_id: str, profile: dict[str, Any], pseudo: Pseudonyms) -> list[str]:
    """The ten profile columns (USER_COLUMNS order) as the disclosure shows them."""
    public = pseudo.is_public(actor_id)
    shown = pseudo.actor(actor_id)
    created = profile.get("created_at")
    return [
        shown,
        (profile.get("display_name") or "") if public else shown,
        (profile.get("handle") or "") if public else shown,
        profile.get("location") or "",
        pseudo.text(profile.get("description")) if public else "",
        (profile.get("profile_url") or "") if public else "",
        _text(profile.get("followers")),
        _text(profile.get("following")),
        created.strftime("%Y-%m-%d") if created else "",
        profile.get("lang") or "",
    ]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _list(values: Iterable[str] | None) -> str:
    """The archives' list spelling ``[a, b]`` (our reader trims spaces and quotes)."""
    items = [v.strip(" '\"") for v in values or [] if v and v.strip(" '\"")]
    return "[" + ", ".join(items) + "]"


def _write_csv(path: Path, header: Sequence[str], rows: list[list[str]]) -> str:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def _readme(r: DisclosureReport) -> str:
    nets = ", ".join(str(n) for n in r.networks) or "none"
    skipped = "".join(f"- left out: {n:,} action(s): {why}\n" for why, n in r.skipped.items())
    skipped += "\n" if skipped else ""
    return f"""# Disclosure data set (coordnet)

Networks {nets}: {r.n_actions:,} posts by {r.n_actors:,} accounts, in the column layout of
the information-operations archives (`*_tweets_csv_hashed.csv`, `*_users_csv_hashed.csv`).

{skipped}## Privacy

- {r.n_hashed_actors:,} account(s) with fewer than {r.follower_threshold:,} followers (or an
  unknown count) appear only as a salted hash (HMAC-SHA256, 64 hex digits) in `userid`,
  `user_screen_name`, `user_display_name`, `in_reply_to_userid`, `retweet_userid`,
  `user_mentions` and `@mentions` in the text; their profile description, profile URL and
  coordinates are blank. {r.n_public_actors:,} account(s) at or above the threshold keep
  their ids and names.
- Other accounts and posts the network pointed at appear by hash unless they are public
  ({r.n_hashed_references:,} such references; {r.n_text_mentions_hashed:,} `@mentions` in
  text hashed).
- The same account has the same hash in every file of this release and of later releases
  made with the same salt. The salt is not part of this release.
- Not scrubbed: names written without `@`, e-mail addresses or phone numbers in text, links
  to profiles inside text or URLs, media.
"""
