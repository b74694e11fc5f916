"""The organic population: who the ordinary users are and when in their day they are online.

:class:`Population` holds one row per organic account in numpy arrays (activity rate, time
zone, language, followers, topical interests), so that a day's behaviour is drawn for every
account at once; :class:`Diurnal` is the daily rhythm in an account's local time;
:class:`DayPosts` collects a day's original posts so that cascades can react to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coordnet.simulate.organic_text import CLIENTS, REGIONS, TOPICS, organic_handles
from coordnet.simulate.world import Account, Post, World

__all__ = ["DayPosts", "Diurnal", "Population", "weighted_sample"]

HOUR_MS = 3_600_000
DAY_MS = 86_400_000


def weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices drawn with probability proportional to ``weights`` (sorted).

    The Gumbel-top-k trick (Vieira 2014, "Gumbel-max trick and weighted reservoir sampling"):
    one pass over the weights, however many are drawn. Zero weights are never drawn.
    """
    ok = weights > 0
    k = int(min(k, ok.sum()))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    keys = np.full(len(weights), -np.inf)
    keys[ok] = np.log(weights[ok]) + rng.gumbel(size=int(ok.sum()))
    return np.sort(np.argpartition(-keys, k - 1)[:k])


class Diurnal:
    """The daily rhythm of activity in local time: a trough near 4h, a peak near 21h.

    Time-of-day patterns of Twitter use are remarkably stable across cultures once read in
    each user's own time zone (Golder & Macy 2011, "Diurnal and seasonal mood vary with
    work, sleep, and daylength across diverse cultures", Science 333). Weekends shift the
    rhythm later by ``weekend_shift_hours`` (people sleep in).
    """

    def __init__(self, hourly_weights: list[float], weekend_shift_hours: int) -> None:
        w = np.asarray(hourly_weights, dtype=float)
        self.weekday = w / w.max()
        self.weekend = np.roll(self.weekday, int(weekend_shift_hours))
        self._p = {
            False: self.weekday / self.weekday.sum(),
            True: self.weekend / self.weekend.sum(),
        }

    def sample(self, rng: np.random.Generator, n: int, weekend: bool) -> np.ndarray:
        """``n`` local times of day in hours (floats in [0, 24))."""
        return rng.choice(24, size=n, p=self._p[weekend]) + rng.random(n)

    def weight(self, local_hours: np.ndarray, weekend: bool) -> np.ndarray:
        """How active people are at these local hours, 1.0 at the peak hour."""
        table = self.weekend if weekend else self.weekday
        return table[np.floor(local_hours).astype(np.int64) % 24]


def local_hours(world: World, time_ms: np.ndarray, tz_hours: np.ndarray) -> np.ndarray:
    """Local time of day (hours) of UTC instants for accounts in time zones ``tz_hours``."""
    return (((time_ms - world.start_ms) / HOUR_MS) + tz_hours) % 24.0


def utc_ms(world: World, day: int, hours: np.ndarray, tz_hours: np.ndarray | float) -> np.ndarray:
    """UTC milliseconds on ``day`` for local times of day ``hours`` (wrapped into the day)."""
    return world.start_ms + day * DAY_MS + (((hours - tz_hours) % 24.0) * HOUR_MS).astype(np.int64)


@dataclass
class DayPosts:
    """A day's original posts that others may react to, with their virality multiplier."""

    posts: list[Post] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    boost: list[float] = field(default_factory=list)
    hashtags: list[list[str]] = field(default_factory=list)
    urls: list[list[str]] = field(default_factory=list)

    #: (post number, population position) of reactions already made, so that cascades
    #: never make someone react to the same post twice.
    taken: list[tuple[int, int]] = field(default_factory=list)

    def add(self, post: Post, text: str, boost: float, hashtags: list[str], urls: list[str]) -> int:
        """Offer ``post`` to today's cascades (``boost`` scales its pull); its post number.

        Text, hashtags and links are kept because retweets repeat them, as in the archives.
        """
        self.posts.append(post)
        self.texts.append(text)
        self.boost.append(boost)
        self.hashtags.append(hashtags)
        self.urls.append(urls)
        return len(self.posts) - 1


class Population:
    """The organic accounts as columns; special accounts (media, bots, idols) join later.

    Followers are lognormal (most accounts have a few hundred, a few have millions; Kwak et
    al. 2010, "What is Twitter, a social network or a news media?", WWW); activity rates are
    lognormal too, so that a tenth of the accounts write most of the content (Wojcik & Hughes
    2019, "Sizing up Twitter users", Pew Research Center: the top 10% of users write 80% of
    tweets). Creation dates spread over ``created_years`` before the simulation starts.
    """

    def __init__(
        self,
        world: World,
        n: int,
        accounts: dict[str, Any],
        activity: dict[str, Any],
        topics: dict[str, Any],
    ) -> None:
        rng = world.rng
        self.world = world
        self.accounts: list[Account] = []
        followers = np.exp(
            np.log(accounts["followers_median"])
            + accounts["followers_sigma"] * rng.standard_normal(n)
        ).astype(np.int64)
        following = np.exp(np.log(accounts["following_median"]) + rng.standard_normal(n))
        age_days = rng.uniform(accounts["min_age_days"], 365.25 * accounts["created_years"], n)
        created = world.start_ms - (age_days * DAY_MS).astype(np.int64)
        region = rng.choice(len(REGIONS), n, p=[r.weight for r in REGIONS])
        picks = rng.integers(0, 1 << 30, (n, 4))
        has_location = rng.random(n) < accounts["location_share"]
        has_bio = rng.random(n) < accounts["bio_share"]
        clients = rng.choice(len(CLIENTS), n, p=[c[1] for c in CLIENTS])
        rate = np.exp(
            np.log(activity["rate_median"]) + activity["rate_sigma"] * rng.standard_normal(n)
        )
        self.rate = np.minimum(rate, activity["rate_max"])
        self.topics = _interests(rng, n, topics)
        self.tz = np.array([REGIONS[r].tz_hours for r in region])
        handles, names = organic_handles(n, rng)
        langs: list[str] = []
        for i in range(n):
            reg = REGIONS[region[i]]
            lang = reg.langs[picks[i, 0] % len(reg.langs)]
            langs.append(lang)
            bio = " · ".join(TOPICS[t].bio for t in self.topics[i] if t >= 0)
            self.accounts.append(
                world.add_account(
                    handle=handles[i],
                    display_name=names[i],
                    created_ms=int(created[i]),
                    followers=int(followers[i]),
                    following=int(following[i]),
                    tz_hours=float(reg.tz_hours),
                    lang=lang,
                    location=reg.locations[picks[i, 1] % len(reg.locations)]
                    if has_location[i]
                    else "",
                    description=bio if has_bio[i] else "",
                    client=CLIENTS[clients[i]][0],
                )
            )
        self.followers = followers.astype(float)
        self._lang_codes: dict[str, int] = {}
        self.lang = np.array([self._lang_code(x) for x in langs], dtype=np.int64)
        self.is_regular = np.ones(n, dtype=bool)
        self.position = {a.index: i for i, a in enumerate(self.accounts)}
        self._react_cum: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.accounts)

    def add_special(self, account: Account, topic: int) -> int:
        """Register an account that acts on its own schedule (media, bot, idol); its position."""
        self.accounts.append(account)
        self.rate = np.append(self.rate, 0.0)
        self.topics = np.vstack([self.topics, [topic, -1, -1]])
        self.tz = np.append(self.tz, account.tz_hours)
        self.followers = np.append(self.followers, float(account.followers))
        self.lang = np.append(self.lang, self._lang_code(account.lang))
        self.is_regular = np.append(self.is_regular, False)
        self.position[account.index] = len(self.accounts) - 1
        return len(self.accounts) - 1

    def _lang_code(self, lang: str) -> int:
        return self._lang_codes.setdefault(lang, len(self._lang_codes))

    def has_topic(self, topic: int) -> np.ndarray:
        """Which accounts are interested in ``topic``."""
        return (self.topics == topic).any(axis=1)

    def free(self) -> np.ndarray:
        """Regular accounts not yet in an organic group nor taken over by a campaign."""
        return self.is_regular & np.array(
            [not (a.organic_group or a.campaign) for a in self.accounts], dtype=bool
        )

    def mark(self, positions: np.ndarray, group: str) -> None:
        """Set ``organic_group`` on these accounts unless they already have a group."""
        for i in positions:
            a = self.accounts[int(i)]
            if not a.organic_group and not a.campaign:
                a.organic_group = group

    def reactor_cumulative(self, reaction_share: float, topic_boost: float) -> np.ndarray:
        """Per topic, cumulative weights of who reacts: the active, topic-interested first."""
        if self._react_cum is None:
            base = self.rate * reaction_share * self.is_regular
            cum = np.empty((len(TOPICS), len(base)))
            for t in range(len(TOPICS)):
                cum[t] = np.cumsum(base * np.where(self.has_topic(t), topic_boost, 1.0))
            self._react_cum = cum
        return self._react_cum


def _interests(rng: np.random.Generator, n: int, cfg: dict[str, Any]) -> np.ndarray:
    """1 to ``max_interests`` distinct topics per account, popular topics more often."""
    n_topics = len(TOPICS)
    popularity = 1.0 / np.arange(1, n_topics + 1) ** cfg["popularity_exponent"]
    keys = np.log(popularity)[None, :] + rng.gumbel(size=(n, n_topics))
    order = np.argsort(-keys, axis=1)[:, :3]
    m = int(cfg["max_interests"])
    how_many = rng.choice(np.arange(1, m + 1), n, p=_interest_counts(m))
    order[np.arange(3)[None, :] >= how_many[:, None]] = -1
    return order


def _interest_counts(m: int) -> np.ndarray:
    p = np.array([0.5, 0.35, 0.15][:m])
    return p / p.sum()
