"""Where organic links come from: verified media, automated news feeds and shared articles.

Each class is one named, tunable part of :class:`~coordnet.simulate.organic.OrganicPlatform`
(its scenario table ``[organic.<part>]``): ``media``, ``news_bots`` and ``url_sharing``.
All three produce link-heavy, regular or repeated activity by genuine actors, the kind a
naive link-sharing detector mistakes for amplification.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np

from coordnet.simulate.organic_text import (
    MEDIA_OUTLETS,
    NEWS_DOMAINS,
    REGIONS,
    TOPICS,
    article_path,
)
from coordnet.simulate.population import DAY_MS, DayPosts, Diurnal, Population, utc_ms
from coordnet.simulate.world import Post, World

__all__ = [
    "MediaAccounts",
    "NewsBots",
    "UrlSharing",
    "is_weekend",
    "rt_text",
]

_SHORTENERS = ("bit.ly", "bit.ly", "bit.ly", "ow.ly", "buff.ly", "tinyurl.com")
_B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_HEADLINE_TAILS = (
    "what we know so far", "live updates", "experts react", "the key numbers",
    "here's why it matters", "in pictures", "explained", "what happens next",
)  # fmt: skip


def is_weekend(world: World, day: int) -> bool:
    """Whether simulated ``day`` is a Saturday or Sunday (UTC)."""
    return (world.start + timedelta(days=day)).weekday() >= 5


def rt_text(handle: str, text: str) -> str:
    """The text of a retweet, as the archives store it."""
    return f"RT @{handle}: {text}"


def _day_str(world: World, day: int) -> str:
    return (world.start + timedelta(days=day)).strftime("%Y-%m-%d")


def _code(rng_value: int, n: int = 7) -> str:
    out = []
    for _ in range(n):
        rng_value, r = divmod(rng_value, 62)
        out.append(_B62[r])
    return "".join(out)


def _headline(topic: int, pick: np.ndarray) -> str:
    phrase = TOPICS[topic].phrases[pick[0] % len(TOPICS[topic].phrases)]
    return f"{phrase[0].upper()}{phrase[1:]}: {_HEADLINE_TAILS[pick[1] % len(_HEADLINE_TAILS)]}"


class UrlSharing:
    """Links to popular articles, shared by unrelated people at unrelated times.

    A few domains get most shares and, within a day, a few articles get most links: both
    Zipf-like (Bakshy et al. 2011, "Everyone's an influencer", WSDM); people link articles
    on the topic they write about. Some links carry ``utm_*`` tracking parameters from
    share buttons, some go through a shortener: an analyst who does not normalise URLs sees
    one article as many.
    """

    def __init__(self, world: World, cfg: dict[str, Any]) -> None:
        self.world, self.cfg = world, cfg
        self.domains = tuple(cfg["domains"]) or NEWS_DOMAINS
        rank = np.arange(1, len(self.domains) + 1)
        w = 1.0 / rank ** cfg["domain_exponent"]
        self._domain_p = w / w.sum()
        self._articles: list[list[tuple[str, float]]] = [[] for _ in TOPICS]
        self._cum: list[np.ndarray] = [np.zeros(0) for _ in TOPICS]

    def new_day(self, day: int) -> None:
        """Today's articles, per topic: fresh ones plus yesterday's, whose popularity faded."""
        rng, n = self.world.rng, int(self.cfg["articles_per_day"])
        domains = rng.choice(len(self.domains), n, p=self._domain_p)
        topics = rng.integers(0, len(TOPICS), n)
        words = rng.integers(0, 1 << 30, (n, 2))
        popularity = 1.0 / np.arange(1, n + 1) ** self.cfg["popularity_exponent"]
        date = _day_str(self.world, day)
        fresh: list[list[tuple[str, float]]] = [[] for _ in TOPICS]
        for i in range(n):
            topic = TOPICS[topics[i]]
            phrase = topic.phrases[words[i, 0] % len(topic.phrases)].replace("'", "").split()
            path = article_path(topic.name, date, phrase, int(words[i, 1] % 100_000))
            fresh[topics[i]].append(
                (f"https://www.{self.domains[domains[i]]}{path}", popularity[i])
            )
        for t, articles in enumerate(fresh):
            old = [(u, w * 0.3) for u, w in self._articles[t][: len(articles)]]
            self._articles[t] = articles + old
            self._cum[t] = np.cumsum([w for _, w in self._articles[t]])

    def draw(self, topics: np.ndarray) -> list[str]:
        """One shared link per entry of ``topics``: plain, with tracking parameters or short."""
        n = len(topics)
        if n == 0:
            return []
        rng = self.world.rng
        u = rng.random(n)
        style = rng.random(n)
        codes = rng.integers(0, 62**7, n)
        utm, short = self.cfg["utm_share"], self.cfg["shortener_share"]
        out = []
        for i in range(n):
            cum, articles = self._cum[topics[i]], self._articles[topics[i]]
            if style[i] < short or not articles:
                out.append(f"https://{_SHORTENERS[codes[i] % len(_SHORTENERS)]}/{_code(codes[i])}")
                continue
            url = articles[min(int(np.searchsorted(cum, u[i] * cum[-1])), len(articles) - 1)][0]
            if style[i] < short + utm:
                medium = ("social", "share", "twitter")[codes[i] % 3]
                url = f"{url}?utm_source=twitter&utm_medium={medium}"
            out.append(url)
        return out


class MediaAccounts:
    """Verified news outlets: many followers, steady daytime posting, links to their site."""

    def __init__(self, world: World, pop: Population, cfg: dict[str, Any]) -> None:
        self.world, self.pop, self.cfg = world, pop, cfg
        rng = world.rng
        self.positions: list[int] = []
        self.domains: list[str] = []
        for k in range(int(cfg["count"])):
            name, handle, domain = MEDIA_OUTLETS[k % len(MEDIA_OUTLETS)]
            suffix = "" if k < len(MEDIA_OUTLETS) else str(k // len(MEDIA_OUTLETS) + 1)
            followers = int(cfg["followers_median"] * np.exp(rng.standard_normal()))
            account = world.add_account(
                handle=handle + suffix,
                display_name=name + suffix,
                followers=max(followers, 5000),
                created_ms=world.start_ms - int(rng.uniform(8, 12) * 365.25 * DAY_MS),
                following=int(rng.integers(50, 900)),
                tz_hours=float(REGIONS[k % 2].tz_hours),
                lang="en",
                location="New York, NY" if k % 2 == 0 else "Chicago, IL",
                description=f"Official account of {name}. News, analysis and live coverage.",
                client="SocialFlow",
            )
            account.organic_group = "media"
            self.positions.append(pop.add_special(account, int(rng.integers(0, len(TOPICS)))))
            self.domains.append(domain.replace(".", f"{suffix}.", 1))

    def run_day(self, day: int, diurnal: Diurnal, posts: DayPosts) -> None:
        rng, world = self.world.rng, self.world
        date, weekend = _day_str(world, day), is_weekend(world, day)
        for k, pos in enumerate(self.positions):
            account = self.pop.accounts[pos]
            n = int(rng.poisson(self.cfg["posts_per_day"]))
            times = utc_ms(world, day, diurnal.sample(rng, n, weekend), account.tz_hours)
            topics = rng.integers(0, len(TOPICS), n)
            picks = rng.integers(0, 1 << 30, (n, 3))
            links = rng.random(n) < self.cfg["link_share"]
            for i in range(n):
                text = _headline(int(topics[i]), picks[i])
                urls = []
                if links[i]:
                    words = text.split(":")[0].lower().replace("'", "").split()
                    path = article_path(
                        TOPICS[topics[i]].name, date, words, int(picks[i, 2] % 10**5)
                    )
                    urls = [f"https://www.{self.domains[k]}{path}?utm_source=twitter"]
                    text += " " + urls[0]
                post = world.emit(
                    account, int(times[i]), text=text, urls=urls, topic=int(topics[i]), keep=True
                )
                posts.add(post, text, self.cfg["virality"], [], urls)

    def news_post(self, k: int, time_ms: int, topic: int, picks: np.ndarray) -> tuple[Post, str]:
        """A breaking-news post by outlet ``k`` (for :class:`BreakingNews`)."""
        account = self.pop.accounts[self.positions[k % len(self.positions)]]
        text = "BREAKING: " + _headline(topic, picks)
        url = f"https://www.{self.domains[k % len(self.domains)]}/breaking/{int(picks[2] % 10**6)}"
        text += " " + url
        post = self.world.emit(
            account, time_ms, text=text, urls=[url], topic=topic, hashtags=["BREAKING"], keep=True
        )
        return post, text


class NewsBots:
    """Automated feeds: one link from their own site every ``interval_minutes``, 24/7.

    Perfectly regular timing is the classic bot tell (Chavoshi et al. 2016, "DeBot", ICDM)
    but such feeds are declared automation, not inauthentic coordination.
    """

    def __init__(self, world: World, pop: Population, cfg: dict[str, Any]) -> None:
        self.world, self.pop, self.cfg = world, pop, cfg
        rng = world.rng
        intervals = cfg["interval_minutes"]
        intervals = [intervals] if isinstance(intervals, int | float) else list(intervals)
        self.bots: list[tuple[int, str, float, int, float]] = []
        names = ("City", "Daily", "Tech", "Market", "Local", "World", "Sports", "Metro")
        for k in range(int(cfg["count"])):
            topic = int(rng.integers(0, len(TOPICS)))
            stem = f"{names[k % len(names)]}{TOPICS[topic].name.title()}Feed"
            account = world.add_account(
                handle=stem[:15] if k < len(names) else f"{stem[:12]}{k}",
                display_name=f"{names[k % len(names)]} {TOPICS[topic].name} feed",
                followers=int(rng.lognormal(np.log(3000), 1.0)),
                following=int(rng.integers(0, 50)),
                created_ms=world.start_ms - int(rng.uniform(1, 6) * 365.25 * DAY_MS),
                tz_hours=0.0,
                lang="en",
                description="Automated headlines. Not monitored.",
                client=("dlvr.it", "IFTTT", "twitterfeed")[k % 3],
            )
            account.organic_group = "news_bot"
            interval = float(intervals[k % len(intervals)])
            phase = float(rng.uniform(0, interval * 60_000))
            domain = f"{stem.lower()}{k if k >= len(names) else ''}.com"
            self.bots.append((pop.add_special(account, topic), domain, interval, topic, phase))

    def run_day(self, day: int, posts: DayPosts) -> None:
        rng, world = self.world.rng, self.world
        day0, date = world.start_ms + day * DAY_MS, _day_str(world, day)
        jitter = self.cfg["jitter_seconds"] * 1000
        for pos, domain, interval, topic, phase in self.bots:
            account = self.pop.accounts[pos]
            times = np.arange(phase, DAY_MS, interval * 60_000) + day0
            times = times + rng.uniform(0, jitter, len(times))
            picks = rng.integers(0, 1 << 30, (len(times), 3))
            for i, t in enumerate(times):
                text = _headline(topic, picks[i])
                words = text.split(":")[0].lower().replace("'", "").split()
                path = article_path(TOPICS[topic].name, date, words, int(picks[i, 2] % 10**5))
                url = f"https://{domain}{path}"
                post = world.emit(
                    account, int(t), text=f"{text} {url}", urls=[url], topic=topic, keep=True
                )
                posts.add(post, f"{text} {url}", self.cfg["virality"], [], [url])
