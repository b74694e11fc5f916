"""Organic users: the background any detector must not flag, including its hard negatives.

:class:`OrganicPlatform` creates the organic accounts and emits their activity day by day.
Every behaviour is a named part, tuned by the scenario table ``[organic.<part>]``; a key
left out takes the default below, a part can be switched off with ``enabled = false``
(``accounts``, ``activity`` and ``topics`` cannot). Keys, defaults and meaning:

``[organic.accounts]`` who the users are (:class:`~.population.Population`)
    ``followers_median`` 150, ``followers_sigma`` 1.8 (lognormal followers);
    ``following_median`` 250; ``created_years`` 10 and ``min_age_days`` 30 (creation
    dates spread uniformly over that span before the start); ``location_share`` 0.6 and
    ``bio_share`` 0.8 (profiles with a location / a description).
``[organic.activity]`` how much and when
    ``rate_median`` 0.25, ``rate_sigma`` 2.0, ``rate_max`` 400 (actions/day per account,
    lognormal: most accounts post less than once a day, a few hundreds of times);
    ``reaction_share`` 0.6 (share of actions that react to others: retweets, replies,
    quotes); ``burstiness`` 2.0 (gamma shape of day-to-day variation; lower is burstier);
    ``weekend_factor`` 0.85 and ``weekend_shift_hours`` 1 (less and later on weekends);
    ``hourly_weights`` (24 relative weights of local hours 0..23; trough at 4h, peak at 21h).
``[organic.topics]`` what they write about
    ``max_interests`` 3 (1 to 3 of 12 topics per account, popular topics more often, with
    ``popularity_exponent`` 0.8); ``hashtag_share`` 0.25 (posts with topical hashtags).
``[organic.cascades]`` who reacts to what, and how fast
    ``virality_sigma`` 2.0 and ``followers_exponent`` 0.5 (a post's pull is followers to
    that power times a lognormal fitness: most posts get nothing, a few get hundreds);
    ``delay_median_minutes`` 20 and ``delay_sigma`` 1.5 (lognormal reaction delays);
    ``topic_boost`` 5 (reactors interested in the topic are that much likelier);
    ``language_penalty`` 0.3 (acceptance of a reactor writing another language);
    ``reply_share`` 0.15 and ``quote_share`` 0.05 (the rest are retweets).
``[organic.breaking_news]`` (:class:`~.organic_events.BreakingNews`)
    ``events`` 2; ``share`` 0.2 (of active accounts); ``active_min_rate`` 0.05;
    ``delay_mean_seconds`` 180; ``delay_max_minutes`` 30; ``quote_share`` 0.08;
    ``reply_share`` 0.04.
``[organic.fan_communities]`` (:class:`~.organic_events.FanCommunities`)
    ``groups`` 2; ``size_min`` 50; ``size_max`` 200; ``idol_followers_median`` 2000000;
    ``posts_per_day`` 4; ``participation`` 0.7; ``delay_median_seconds`` 40;
    ``delay_sigma`` 1.0; ``reply_share`` 0.2; ``virality`` 0.3.
``[organic.hashtag_movements]`` (:class:`~.organic_events.HashtagMovements`)
    ``movements`` 1; ``participants`` 300; ``duration_hours`` 12;
    ``posts_per_participant`` 1.6; ``retweet_share`` 0.35; ``delay_median_minutes`` 25.
``[organic.news_bots]`` (:class:`~.organic_sources.NewsBots`)
    ``count`` 3; ``interval_minutes`` [15, 30, 60] (one per bot, cycled); ``jitter_seconds``
    20; ``virality`` 0.05.
``[organic.media]`` (:class:`~.organic_sources.MediaAccounts`)
    ``count`` 5; ``followers_median`` 1000000; ``posts_per_day`` 10; ``link_share`` 0.8;
    ``virality`` 0.1.
``[organic.url_sharing]`` (:class:`~.organic_sources.UrlSharing`)
    ``share`` 0.12 (posts with a link); ``articles_per_day`` 150; ``popularity_exponent``
    1.1 and ``domain_exponent`` 1.0 (Zipf exponents); ``utm_share`` 0.2;
    ``shortener_share`` 0.1; ``domains`` [] (empty: built-in list of news domains).

Cost: a day costs one vectorised draw per part plus one :meth:`World.emit` per action;
memory holds the accounts and two days of posts (about 30,000 actions/s on one core,
:meth:`World.emit` and CSV writing included).

>>> import tempfile
>>> from datetime import datetime
>>> from coordnet.simulate.world import World
>>> world = World(tempfile.mkdtemp(), start=datetime(2019, 8, 1), days=1, seed=1)
>>> platform = OrganicPlatform(world, {"media": {"count": 2}}, 300)
>>> platform.run_day(0)
>>> world.n_actions > 0, len(platform.accounts)
(True, 300)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coordnet.errors import InputError
from coordnet.simulate.organic_events import BreakingNews, FanCommunities, HashtagMovements
from coordnet.simulate.organic_sources import MediaAccounts, NewsBots, UrlSharing, is_weekend
from coordnet.simulate.organic_sources import rt_text as _rt
from coordnet.simulate.organic_text import TOPICS, post_text, reaction_text
from coordnet.simulate.population import DayPosts, Diurnal, Population, local_hours, utc_ms
from coordnet.simulate.world import Account, Post, World

__all__ = ["DEFAULTS", "OrganicPlatform"]

#: Every part and key with its default (see the module docstring for their meaning).
DEFAULTS: dict[str, dict[str, Any]] = {
    "accounts": {
        "followers_median": 150, "followers_sigma": 1.8, "following_median": 250,
        "created_years": 10.0, "min_age_days": 30, "location_share": 0.6, "bio_share": 0.8,
    },
    "activity": {
        "rate_median": 0.25, "rate_sigma": 2.0, "rate_max": 400.0, "reaction_share": 0.6,
        "burstiness": 2.0, "weekend_factor": 0.85, "weekend_shift_hours": 1,
        "hourly_weights": [
            0.55, 0.35, 0.22, 0.15, 0.12, 0.15, 0.28, 0.50, 0.70, 0.80, 0.85, 0.90,
            0.95, 0.92, 0.88, 0.88, 0.90, 0.95, 1.05, 1.20, 1.35, 1.40, 1.20, 0.85,
        ],
    },
    "topics": {"max_interests": 3, "popularity_exponent": 0.8, "hashtag_share": 0.25},
    "cascades": {
        "enabled": True, "virality_sigma": 2.0, "followers_exponent": 0.5,
        "delay_median_minutes": 20.0, "delay_sigma": 1.5, "topic_boost": 5.0,
        "language_penalty": 0.3, "reply_share": 0.15, "quote_share": 0.05,
    },
    "breaking_news": {
        "enabled": True, "events": 2, "share": 0.2, "active_min_rate": 0.05,
        "delay_mean_seconds": 180.0, "delay_max_minutes": 30.0, "quote_share": 0.08,
        "reply_share": 0.04,
    },
    "fan_communities": {
        "enabled": True, "groups": 2, "size_min": 50, "size_max": 200,
        "idol_followers_median": 2_000_000, "posts_per_day": 4.0, "participation": 0.7,
        "delay_median_seconds": 40.0, "delay_sigma": 1.0, "reply_share": 0.2, "virality": 0.3,
    },
    "hashtag_movements": {
        "enabled": True, "movements": 1, "participants": 300, "duration_hours": 12.0,
        "posts_per_participant": 1.6, "retweet_share": 0.35, "delay_median_minutes": 25.0,
    },
    "news_bots": {
        "enabled": True, "count": 3, "interval_minutes": [15, 30, 60], "jitter_seconds": 20.0,
        "virality": 0.05,
    },
    "media": {
        "enabled": True, "count": 5, "followers_median": 1_000_000, "posts_per_day": 10.0,
        "link_share": 0.8, "virality": 0.1,
    },
    "url_sharing": {
        "enabled": True, "share": 0.12, "articles_per_day": 150, "popularity_exponent": 1.1,
        "domain_exponent": 1.0, "utm_share": 0.2, "shortener_share": 0.1, "domains": [],
    },
}  # fmt: skip

_CANDIDATES = 6  # reactors tried per reaction before it is dropped (diurnal rejection)
_NEAR = 8  # organic_like: posts either side of the delayed instant considered for a retweet


def resolve_config(config: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The scenario's ``[organic.*]`` tables over :data:`DEFAULTS`; unknown names raise."""
    unknown = set(config) - set(DEFAULTS)
    if unknown:
        raise InputError(
            f"unknown organic part(s) {', '.join(sorted(unknown))}; valid: {', '.join(DEFAULTS)}"
        )
    out: dict[str, dict[str, Any]] = {}
    for part, defaults in DEFAULTS.items():
        given = dict(config.get(part, {}))
        bad = set(given) - set(defaults)
        if bad:
            raise InputError(
                f"[organic.{part}]: unknown key(s) {', '.join(sorted(bad))}; "
                f"valid: {', '.join(defaults)}"
            )
        out[part] = {**defaults, **given}
    hours = out["activity"]["hourly_weights"]
    if len(hours) != 24 or min(hours) < 0 or max(hours) <= 0:
        raise InputError("[organic.activity]: hourly_weights needs 24 non-negative numbers")
    if not 1 <= int(out["topics"]["max_interests"]) <= 3:
        raise InputError("[organic.topics]: max_interests must be 1, 2 or 3")
    return out


class OrganicPlatform:
    """The organic side of the simulated platform: ``n_accounts`` genuine actors.

    Parameters
    ----------
    world:
        The :class:`~coordnet.simulate.world.World` to create accounts in and emit into;
        all randomness comes from ``world.rng``.
    config:
        The scenario's ``[organic.<part>]`` tables (see the module docstring).
    n_accounts:
        Organic accounts to create, media, news bots and idols included.

    Attributes
    ----------
    accounts:
        The organic :class:`~coordnet.simulate.world.Account` objects, for campaigns to
        target.
    config:
        The resolved configuration (defaults filled in).
    """

    def __init__(self, world: World, config: dict[str, dict[str, Any]], n_accounts: int) -> None:
        self.world = world
        self.config = cfg = resolve_config(config)
        on = {p: bool(c.get("enabled", True)) for p, c in cfg.items()}
        n_special = (
            on["media"] * int(cfg["media"]["count"])
            + on["news_bots"] * int(cfg["news_bots"]["count"])
            + on["fan_communities"] * int(cfg["fan_communities"]["groups"])
        )
        if n_accounts - n_special < 20:
            raise InputError(
                f"{n_accounts} organic accounts are too few: at least {n_special + 20} "
                "needed for the media, news bots and idols configured"
            )
        self._pop = Population(
            world, n_accounts - n_special, cfg["accounts"], cfg["activity"], cfg["topics"]
        )
        act = cfg["activity"]
        self._diurnal = Diurnal(act["hourly_weights"], act["weekend_shift_hours"])
        self._urls = UrlSharing(world, cfg["url_sharing"]) if on["url_sharing"] else None
        self._media = MediaAccounts(world, self._pop, cfg["media"]) if on["media"] else None
        self._bots = NewsBots(world, self._pop, cfg["news_bots"]) if on["news_bots"] else None
        self._fans = (
            FanCommunities(world, self._pop, cfg["fan_communities"])
            if on["fan_communities"]
            else None
        )
        self._movements = (
            HashtagMovements(world, self._pop, cfg["hashtag_movements"])
            if on["hashtag_movements"]
            else None
        )
        self._news = (
            BreakingNews(world, self._pop, cfg["breaking_news"], self._media)
            if on["breaking_news"]
            else None
        )
        self._cascades_on = on["cascades"]
        self.accounts: list[Account] = self._pop.accounts
        self._pool: DayPosts = DayPosts()
        self._pool_cum = np.zeros(0)
        self._pool_times = np.zeros(0, dtype=np.int64)
        self._pool_order = np.zeros(0, dtype=np.int64)
        self._pool_sorted_t = np.zeros(0, dtype=np.int64)
        self._pool_sorted_w = np.zeros(0)
        self._previous: DayPosts = DayPosts()
        self._previous_w = np.zeros(0)
        self._interests: dict[int, np.ndarray] = {}

    # -- a day -----------------------------------------------------------------------------
    def run_day(self, day: int) -> None:
        """Emit organic activity of simulated ``day`` (0-based), all parts in a fixed order."""
        weekend = is_weekend(self.world, day)
        posts = DayPosts()
        if self._urls is not None:
            self._urls.new_day(day)
        self._own_posts(day, weekend, posts)
        if self._media is not None:
            self._media.run_day(day, self._diurnal, posts)
        if self._bots is not None:
            self._bots.run_day(day, posts)
        if self._fans is not None:
            self._fans.run_day(day, self._diurnal, posts)
        if self._movements is not None:
            self._movements.run_day(day, self._diurnal, posts)
        reactions = self._cascades(weekend, posts) if self._cascades_on else np.zeros(0)
        if self._news is not None:
            self._news.run_day(day, self._diurnal)
        self._remember(posts, reactions)

    def _own_posts(self, day: int, weekend: bool, posts: DayPosts) -> None:
        """Original posts on each account's topics, at hours drawn from its local rhythm."""
        world, rng, pop = self.world, self.world.rng, self._pop
        act, top = self.config["activity"], self.config["topics"]
        shape = float(act["burstiness"])
        mean = pop.rate * (1.0 - act["reaction_share"]) * rng.gamma(shape, 1.0 / shape, len(pop))
        counts = rng.poisson(mean * (act["weekend_factor"] if weekend else 1.0))
        authors = np.repeat(np.arange(len(pop)), counts)
        m = len(authors)
        times = utc_ms(world, day, self._diurnal.sample(rng, m, weekend), pop.tz[authors])
        n_topics = (pop.topics[authors] >= 0).sum(axis=1)
        topics = pop.topics[authors, (rng.random(m) * n_topics).astype(np.int64)]
        picks = rng.integers(0, 1 << 30, (m, 5))
        n_tags = (rng.random(m) < top["hashtag_share"]) * (1 + (rng.random(m) < 0.3))
        share = self.config["url_sharing"]["share"] if self._urls is not None else 0.0
        has_url = rng.random(m) < share
        urls = iter(self._urls.draw(topics[has_url]) if self._urls is not None else [])
        for i in range(m):
            topic = TOPICS[topics[i]]
            tags = [topic.hashtags[(picks[i, 1] + j) % 4] for j in range(n_tags[i])]
            url = next(urls) if has_url[i] else ""
            text = post_text(topic, picks[i], tags, url)
            links = [url] if url else []
            post = world.emit(
                pop.accounts[authors[i]],
                int(times[i]),
                text=text,
                hashtags=tags,
                urls=links,
                topic=int(topics[i]),
                keep=True,
            )
            posts.add(post, text, 1.0, tags, links)

    def _cascades(self, weekend: bool, posts: DayPosts) -> np.ndarray:
        """Retweets, replies and quotes of today's posts; returns each post's reaction count.

        A post's expected reactions are proportional to its author's followers to the power
        ``followers_exponent`` times a lognormal fitness, scaled so that reactions match the
        population's reaction budget; realised counts are Poisson, hence heavy-tailed
        (Goel et al. 2016, "The structural virality of online diffusion", Management Science:
        most cascades are tiny, a few are huge). Delays are lognormal, as measured for
        retweets (Kwak et al. 2010; Doerr et al. 2013, "Lognormal infection times of online
        information spread", PLOS ONE). Reactors are drawn by activity and topic interest,
        and kept only at hours they are awake in their own time zone.
        """
        world, rng, pop = self.world, self.world.rng, self._pop
        cc, act = self.config["cascades"], self.config["activity"]
        n = len(posts.posts)
        if n == 0:
            return np.zeros(0)
        authors = np.array([pop.position[p.author] for p in posts.posts])
        times = np.array([p.time_ms for p in posts.posts], dtype=np.int64)
        topics = np.array([p.topic for p in posts.posts]) % len(TOPICS)
        budget = float((pop.rate * act["reaction_share"]).sum())
        budget *= act["weekend_factor"] if weekend else 1.0
        pull = (pop.followers[authors] + 1.0) ** cc["followers_exponent"] * np.asarray(posts.boost)
        pull *= np.exp(cc["virality_sigma"] * rng.standard_normal(n))
        counts = rng.poisson(budget * pull / pull.sum())
        parent = np.repeat(np.arange(n), counts)
        m = len(parent)
        delay = np.exp(
            np.log(cc["delay_median_minutes"] * 60_000.0)
            + cc["delay_sigma"] * rng.standard_normal(m)
        )
        when = times[parent] + delay.astype(np.int64)
        cum = pop.reactor_cumulative(act["reaction_share"], cc["topic_boost"])
        u = rng.random((m, _CANDIDATES))
        cand = np.empty((m, _CANDIDATES), dtype=np.int64)
        for t in np.unique(topics[parent]):
            rows = topics[parent] == t
            cand[rows] = np.searchsorted(cum[t], u[rows] * cum[t][-1], side="right")
        cand = np.minimum(cand, len(pop) - 1)
        accept = self._diurnal.weight(local_hours(world, when[:, None], pop.tz[cand]), weekend)
        same_lang = pop.lang[cand] == pop.lang[authors[parent]][:, None]
        accept = accept * np.where(same_lang, 1.0, cc["language_penalty"])
        ok = rng.random((m, _CANDIDATES)) < accept
        reactor = cand[np.arange(m), np.argmax(ok, axis=1)]
        keep = ok.any(axis=1) & (when < world.end_ms) & (reactor != authors[parent])
        keep_idx = np.flatnonzero(keep)
        # one reaction per (post, reactor): people retweet a post once
        _, first = np.unique(parent[keep_idx] * len(pop) + reactor[keep_idx], return_index=True)
        keep_idx = keep_idx[np.sort(first)]
        if posts.taken:  # fans and movement members who already reacted to these posts
            taken = np.array(posts.taken, dtype=np.int64)
            keys = parent[keep_idx] * len(pop) + reactor[keep_idx]
            keep_idx = keep_idx[~np.isin(keys, taken[:, 0] * len(pop) + taken[:, 1])]
        kind = rng.random(len(keep_idx))
        picks = rng.integers(0, 1 << 30, (len(keep_idx), 5))
        reply, quote = cc["reply_share"], cc["reply_share"] + cc["quote_share"]
        for j, i in enumerate(keep_idx):
            p = int(parent[i])
            post, account = posts.posts[p], pop.accounts[reactor[i]]
            author = pop.accounts[authors[p]]
            if kind[j] < reply:
                world.emit(
                    account,
                    int(when[i]),
                    "reply",
                    parent=post,
                    mentions=[author],
                    text=reaction_text(picks[j], author.handle),
                    topic=post.topic,
                )
            elif kind[j] < quote:
                link = f"https://twitter.com/{author.handle}/status/{post.tweet_id}"
                world.emit(
                    account,
                    int(when[i]),
                    "quote",
                    parent=post,
                    topic=post.topic,
                    text=f"{reaction_text(picks[j])} {link}",
                )
            else:
                world.emit(
                    account,
                    int(when[i]),
                    "repost",
                    parent=post,
                    topic=post.topic,
                    text=_rt(author.handle, posts.texts[p]),
                    hashtags=posts.hashtags[p],
                    urls=posts.urls[p],
                )
        return np.bincount(parent[keep_idx], minlength=n).astype(float)

    # -- for campaigns ---------------------------------------------------------------------
    def _remember(self, posts: DayPosts, reactions: np.ndarray) -> None:
        """Keep today's and yesterday's posts, weighted by reactions, for :meth:`popular_posts`."""
        weight = reactions + 0.1 if len(reactions) else np.full(len(posts.posts), 0.1)
        prev = self._previous
        pool = DayPosts(
            prev.posts + posts.posts,
            prev.texts + posts.texts,
            prev.boost + posts.boost,
            prev.hashtags + posts.hashtags,
            prev.urls + posts.urls,
        )
        self._pool_cum = np.cumsum(np.concatenate([self._previous_w, weight]))
        self._pool_times = np.array([p.time_ms for p in pool.posts], dtype=np.int64)
        self._pool_order = np.argsort(self._pool_times, kind="stable")
        self._pool_sorted_t = self._pool_times[self._pool_order]
        self._pool_sorted_w = np.concatenate([self._previous_w, weight])[self._pool_order]
        self._pool, self._previous, self._previous_w = pool, posts, weight

    def _popular_idx(self, n: int) -> np.ndarray:
        if n <= 0 or not len(self._pool_cum):
            return np.zeros(0, dtype=np.int64)
        u = self.world.rng.random(2 * n) * self._pool_cum[-1]
        idx = np.minimum(np.searchsorted(self._pool_cum, u, side="right"), len(self._pool_cum) - 1)
        _, first = np.unique(idx, return_index=True)
        return idx[np.sort(first)][:n]

    def popular_posts(self, day: int, n: int) -> list[Post]:
        """Up to ``n`` distinct recent organic posts, drawn in proportion to their reactions.

        "Recent" is the last two simulated days run so far (``day`` is accepted for clarity:
        call it after :meth:`run_day` of that day). Campaigns use it to pick targets that
        real users also engage with.
        """
        return [self._pool.posts[int(i)] for i in self._popular_idx(n)]

    def organic_like(self, account: Account, day: int, per_day: float) -> None:
        """Emit organic-looking activity for any ``account`` (campaign camouflage).

        About ``per_day`` actions (Poisson) at hours drawn from the account's local rhythm:
        topical posts, and retweets of popular organic posts published shortly before (the
        post is chosen by virality and by how likely its delay is for a human). Accounts
        outside the organic population get one or two topical interests of their own, fixed
        on first use.
        """
        world, rng = self.world, self.world.rng
        k = int(rng.poisson(per_day))
        if k == 0:
            return
        weekend = is_weekend(world, day)
        interests = self._interests_of(account)
        n_rt = int(rng.binomial(k, self.config["activity"]["reaction_share"]))
        n_post = k - n_rt
        times = utc_ms(world, day, self._diurnal.sample(rng, n_post, weekend), account.tz_hours)
        topics = interests[rng.integers(0, len(interests), n_post)]
        picks = rng.integers(0, 1 << 30, (n_post, 5))
        tagged = rng.random(n_post) < self.config["topics"]["hashtag_share"]
        for i in range(n_post):
            topic = TOPICS[topics[i]]
            tags = [topic.hashtags[picks[i, 1] % 4]] if tagged[i] else []
            world.emit(
                account,
                int(times[i]),
                text=post_text(topic, picks[i], tags),
                hashtags=tags,
                topic=int(topics[i]),
            )
        # Time first (the account's own rhythm), then a human delay back to a post it could
        # have seen: among the posts published around then, a popular one.
        if not len(self._pool_times):
            return
        cc = self.config["cascades"]
        when = utc_ms(world, day, self._diurnal.sample(rng, n_rt, weekend), account.tz_hours)
        delay = np.exp(
            np.log(cc["delay_median_minutes"] * 60_000.0)
            + cc["delay_sigma"] * rng.standard_normal(n_rt)
        )
        at = np.searchsorted(self._pool_sorted_t, when - delay.astype(np.int64))
        near = np.clip(at[:, None] + np.arange(-_NEAR, _NEAR), 0, len(self._pool_times) - 1)
        weight = self._pool_sorted_w[near] * (self._pool_sorted_t[near] < when[:, None])
        cum = np.cumsum(weight, axis=1)
        pick = np.argmax(cum > rng.random(n_rt)[:, None] * cum[:, -1:], axis=1)
        cand = self._pool_order[near]
        seen: set[int] = set()
        for j in range(n_rt):
            i = int(cand[j, pick[j]])
            post = self._pool.posts[i]
            if cum[j, -1] <= 0 or i in seen or post.author == account.index:
                continue
            seen.add(i)
            author = world.accounts[post.author]
            world.emit(
                account,
                int(when[j]),
                "repost",
                parent=post,
                topic=post.topic,
                text=_rt(author.handle, self._pool.texts[i]),
                hashtags=self._pool.hashtags[i],
                urls=self._pool.urls[i],
            )

    def _interests_of(self, account: Account) -> np.ndarray:
        pos = self._pop.position.get(account.index)
        if pos is not None and self._pop.is_regular[pos]:
            row = self._pop.topics[pos]
            return row[row >= 0]
        if account.index not in self._interests:
            rng = self.world.rng
            n = int(rng.integers(1, 3))
            self._interests[account.index] = rng.choice(len(TOPICS), n, replace=False)
        return self._interests[account.index]
