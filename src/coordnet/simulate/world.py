"""The simulated platform: accounts, snowflake ids, events, labels and sessions, streamed to disk.

Behaviour generators (:mod:`.organic`, :mod:`.campaigns`) create accounts with
:meth:`World.add_account` and call :meth:`World.emit` for every post, repost, reply or quote;
the world assigns Twitter-style snowflake ids and streams rows to ``tweets.csv`` in the
information-operations archive format, so that memory stays flat however many actions are
simulated. :meth:`World.close` writes ``users.csv``, ``labels.csv`` and ``sessions.csv``.

Ground truth lives in ``labels.csv``: ``actor_id, campaign, style, role, organic_group,
coordinated_actions``.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np

from coordnet.ingest.normalize import SNOWFLAKE_EPOCH_MS
from coordnet.ingest.twitter_io import TWEET_COLUMNS, USER_COLUMNS

__all__ = ["IO_TWEET_COLUMNS", "IO_USER_COLUMNS", "Account", "Post", "World"]

#: The archive columns the simulator writes: the pre-2020 set, without ``poll_choices``.
IO_TWEET_COLUMNS: tuple[str, ...] = TWEET_COLUMNS[:-1]
IO_USER_COLUMNS: tuple[str, ...] = USER_COLUMNS
SESSION_COLUMNS: tuple[str, ...] = (
    "actor_id", "time", "ip", "asn", "country", "is_vpn", "device_id", "user_agent",
)  # fmt: skip
LABEL_COLUMNS: tuple[str, ...] = (
    "actor_id", "campaign", "style", "role", "organic_group", "coordinated_actions",
)  # fmt: skip

#: Accounts below this many followers get hashed ids, as in the platforms' disclosures.
HASH_BELOW_FOLLOWERS = 5000
_FLUSH_ROWS = 50_000


@dataclass
class Account:
    """One simulated actor (an account, page or group)."""

    index: int
    actor_id: str
    handle: str
    display_name: str
    created_ms: int
    followers: int
    following: int
    tz_hours: float
    lang: str = "en"
    location: str = ""
    description: str = ""
    client: str = "Twitter Web App"
    actor_kind: str = "account"
    campaign: str = ""
    style: str = ""
    role: str = ""
    organic_group: str = ""


@dataclass(frozen=True)
class Post:
    """A post others can react to (kept in a bounded sample per day)."""

    tweet_id: int
    author: int
    time_ms: int
    topic: int


@dataclass
class _Buffer:
    rows: list[list[object]] = field(default_factory=list)


class World:
    """The platform being simulated; deterministic for a given ``seed``.

    Parameters
    ----------
    out:
        Folder to write into (created).
    start:
        First simulated day (UTC midnight).
    days:
        Number of simulated days.
    seed:
        Seed of every random draw.
    """

    def __init__(self, out: str | Path, *, start: datetime, days: int, seed: int) -> None:
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.start = start.replace(tzinfo=UTC) if start.tzinfo is None else start
        self.start_ms = int(self.start.timestamp() * 1000)
        self.days = days
        self.end_ms = self.start_ms + days * 86_400_000
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.accounts: list[Account] = []
        self.n_actions = 0
        #: Set by a campaign while it runs its coordinated acts (not its camouflage).
        self.coordinating = False
        #: Account index -> actions written in coordinated acts (``coordinated_actions`` in
        #: labels.csv): a member with none did nothing a behavioural detector could see.
        self.coordinated: Counter[int] = Counter()
        self.n_by_kind: dict[str, int] = {}
        self._seq = 0
        self._posts: list[Post] = []
        self._sessions: list[list[object]] = []
        self._buffer = _Buffer()
        self._tweets_fh = open(self.out / "tweets.csv", "w", newline="", encoding="utf-8")  # noqa: SIM115
        self._tweets = csv.writer(self._tweets_fh)
        self._tweets.writerow(IO_TWEET_COLUMNS)

    # -- accounts ----------------------------------------------------------------------------
    def add_account(
        self,
        *,
        handle: str,
        created_ms: int,
        followers: int,
        following: int = 100,
        tz_hours: float = 0.0,
        display_name: str | None = None,
        **profile: str,
    ) -> Account:
        """Create an actor; small accounts get a hashed id, as in the archives."""
        index = len(self.accounts)
        if followers < HASH_BELOW_FOLLOWERS:
            actor_id = hashlib.sha256(f"{self.seed}:{index}".encode()).hexdigest()
        else:
            actor_id = str(10_000_000 + index)
        account = Account(
            index=index,
            actor_id=actor_id,
            handle=handle,
            display_name=display_name or handle,
            created_ms=created_ms,
            followers=followers,
            following=following,
            tz_hours=tz_hours,
            **profile,
        )
        self.accounts.append(account)
        return account

    def label(self, accounts: Iterable[Account], *, campaign: str, style: str, role: str) -> None:
        """Mark accounts as members of a planted campaign (the ground truth)."""
        for a in accounts:
            a.campaign, a.style, a.role = campaign, style, role

    # -- actions -----------------------------------------------------------------------------
    def new_tweet_id(self, time_ms: int) -> int:
        """A snowflake id that carries ``time_ms``, unique within the simulation."""
        self._seq += 1
        return ((time_ms - SNOWFLAKE_EPOCH_MS) << 22) | (self._seq & 0x3FFFFF)

    def emit(
        self,
        account: Account,
        time_ms: int,
        kind: str = "post",
        *,
        text: str = "",
        parent: Post | None = None,
        hashtags: Sequence[str] = (),
        urls: Sequence[str] = (),
        mentions: Sequence[Account] = (),
        topic: int = -1,
        keep: bool = False,
    ) -> Post:
        """Write one action; returns it as a :class:`Post` (kept for reuse if ``keep``)."""
        time_ms = int(min(max(time_ms, self.start_ms), self.end_ms - 1))
        tweet_id = self.new_tweet_id(time_ms)
        post = Post(tweet_id, account.index, time_ms, topic)
        is_rt = kind == "repost"
        parent_author = self.accounts[parent.author] if parent is not None else None
        if is_rt and parent_author is not None and not text:
            text = f"RT @{parent_author.handle}: ..."
        row = [
            tweet_id, account.actor_id, account.display_name, account.handle, account.location,
            account.description, "", account.followers, account.following,
            _date(account.created_ms), account.lang, account.lang, text, _minute(time_ms),
            account.client,
            parent_author.actor_id if kind == "reply" and parent_author else "",
            parent.tweet_id if kind == "reply" and parent else "",
            parent.tweet_id if kind == "quote" and parent else "",
            "True" if is_rt else "False",
            parent_author.actor_id if is_rt and parent_author else "",
            parent.tweet_id if is_rt and parent else "",
            "", "", 0, 0, 0, 0,
            _list(hashtags), _list(urls), _list(m.actor_id for m in mentions),
        ]  # fmt: skip
        self._buffer.rows.append(row)
        if len(self._buffer.rows) >= _FLUSH_ROWS:
            self.flush()
        self.n_actions += 1
        if self.coordinating and account.campaign:
            self.coordinated[account.index] += 1
        self.n_by_kind[kind] = self.n_by_kind.get(kind, 0) + 1
        if keep:
            self._posts.append(post)
        return post

    def sample_posts(self, n: int, *, since_ms: int | None = None) -> list[Post]:
        """Up to ``n`` kept posts (uniformly), optionally only those after ``since_ms``."""
        pool = self._posts
        if since_ms is not None:
            pool = [p for p in pool if p.time_ms >= since_ms]
        if not pool:
            return []
        picks = self.rng.choice(len(pool), size=min(n, len(pool)), replace=False)
        return [pool[int(i)] for i in picks]

    def forget_posts_before(self, time_ms: int) -> None:
        """Drop kept posts older than ``time_ms`` (bounds memory on long simulations)."""
        self._posts = [p for p in self._posts if p.time_ms >= time_ms]

    def session(
        self,
        account: Account,
        time_ms: int,
        *,
        ip: str,
        asn: str,
        country: str,
        is_vpn: bool,
        device_id: str,
        user_agent: str,
    ) -> None:
        """Record a login/session row (platform-internal data, as in takedown disclosures)."""
        self._sessions.append([
            account.actor_id, _iso(time_ms), ip, asn, country, "true" if is_vpn else "false",
            device_id, user_agent,
        ])  # fmt: skip

    # -- output ------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write buffered actions to ``tweets.csv``."""
        self._tweets.writerows(self._buffer.rows)
        self._buffer.rows.clear()

    def close(self) -> None:
        """Write the remaining actions, ``users.csv``, ``labels.csv`` and ``sessions.csv``."""
        self.flush()
        self._tweets_fh.close()
        with open(self.out / "users.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(IO_USER_COLUMNS)
            for a in self.accounts:
                w.writerow([
                    a.actor_id, a.display_name, a.handle, a.location, a.description, "",
                    a.followers, a.following, _date(a.created_ms), a.lang,
                ])  # fmt: skip
        with open(self.out / "labels.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(LABEL_COLUMNS)
            for a in self.accounts:
                w.writerow([a.actor_id, a.campaign, a.style, a.role, a.organic_group,
                            self.coordinated[a.index]])  # fmt: skip
        with open(self.out / "sessions.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(SESSION_COLUMNS)
            w.writerows(self._sessions)

    # -- time helpers ------------------------------------------------------------------------
    def local_time_ms(self, day: int, local_hours: np.ndarray, tz_hours: float) -> np.ndarray:
        """UTC milliseconds for times of day given in an account's own time zone."""
        offset = ((local_hours - tz_hours) * 3_600_000).astype(np.int64)
        return self.start_ms + day * 86_400_000 + offset


def _list(items: Iterable[object]) -> str:
    if isinstance(items, list | tuple):  # the common, often empty, case: no generator
        return "[" + ", ".join(map(str, items)) + "]" if items else "[]"
    return "[" + ", ".join(str(i) for i in items) + "]"


def _minute(ms: int) -> str:
    return _minute_text(ms // 60_000)


# Cached: formatting dates is a large share of the per-action cost, and actions share
# minutes and accounts.
@lru_cache(maxsize=1 << 16)
def _minute_text(minute: int) -> str:
    return datetime.fromtimestamp(minute * 60, tz=UTC).strftime("%Y-%m-%d %H:%M")


@lru_cache(maxsize=1 << 16)
def _date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
