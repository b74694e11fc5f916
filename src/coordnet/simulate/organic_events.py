"""Organic behaviour that looks coordinated: the hard negatives of any detector.

Each class is one named, tunable part of :class:`~coordnet.simulate.organic.OrganicPlatform`
(its scenario table ``[organic.<part>]``): ``breaking_news``, ``fan_communities`` and
``hashtag_movements``. All three make many genuine users act on the same thing at nearly
the same time; a detector that flags them is wrong, and ``labels.csv`` names each group in
``organic_group`` so that evaluation can count how often.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coordnet.simulate.organic_sources import MediaAccounts, is_weekend, rt_text
from coordnet.simulate.organic_text import (
    IDOLS,
    MOVEMENT_CLOSERS,
    MOVEMENTS,
    REGIONS,
    TOPICS,
    post_text,
)
from coordnet.simulate.population import (
    DAY_MS,
    HOUR_MS,
    DayPosts,
    Diurnal,
    Population,
    local_hours,
    utc_ms,
    weighted_sample,
)
from coordnet.simulate.world import Post, World

__all__ = ["BreakingNews", "FanCommunities", "HashtagMovements"]

_FAN_TEXTS = (
    "WE LOVE YOU", "omg hiii", "QUEEN 👑", "stream it!!", "best day ever", "the GOAT 🐐",
    "crying rn", "so proud of you", "legend", "notice me pls", "iconic", "❤️❤️❤️",
    "first!!", "this is everything", "can't wait", "ur the best",
)  # fmt: skip
_NEWS_REACTIONS = (
    "wow", "this is huge", "oh no", "praying for everyone", "what??", "unbelievable",
    "stay safe everyone", "developing...", "can't believe this", "big if true",
)  # fmt: skip
_PERSONAL = (
    "",
    "",
    "",
    "this matters. ",
    "day one supporter. ",
    "so proud today. ",
    "finally! ",
    "please share. ",
    "",
)


def _lognormal_ms(rng: np.random.Generator, median_ms: float, sigma: float, n: int) -> np.ndarray:
    return np.exp(np.log(median_ms) + sigma * rng.standard_normal(n)).astype(np.int64)


class BreakingNews:
    """A news post that a large share of the active users reposts within minutes.

    Mimics the synchronised reposting of major news: ordinary retweets already come fast
    (half within an hour, Kwak et al. 2010, "What is Twitter, a social network or a news
    media?", WWW) and a scoop travels faster still (Sakaki et al. 2010, "Earthquake shakes
    Twitter users", WWW: reports within a minute of the event). On
    ``events`` days a media account posts a scoop and ``share`` of the active accounts
    (those with at least ``active_min_rate`` actions/day, awake ones preferred) repost,
    quote or reply after a steeply front-loaded delay: 5 s plus an exponential of mean
    ``delay_mean_seconds``, truncated at ``delay_max_minutes``.
    """

    def __init__(
        self, world: World, pop: Population, cfg: dict[str, Any], media: MediaAccounts | None
    ) -> None:
        self.world, self.pop, self.cfg, self.media = world, pop, cfg, media
        n = int(cfg["events"])
        days = world.rng.choice(world.days, n, replace=n > world.days)
        self.per_day = {int(d): int((days == d).sum()) for d in np.unique(days)}

    def run_day(self, day: int, diurnal: Diurnal) -> None:
        rng, world, pop, cfg = self.world.rng, self.world, self.pop, self.cfg
        for k in range(self.per_day.get(day, 0)):
            t0 = world.start_ms + day * DAY_MS + int(rng.uniform(0, 23.5) * HOUR_MS)
            topic = int(rng.integers(0, len(TOPICS)))
            picks = rng.integers(0, 1 << 30, 3)
            if self.media is not None and self.media.positions:
                post, text = self.media.news_post(k + day, t0, topic, picks)
            else:
                author = pop.accounts[int(np.argmax(pop.followers * pop.is_regular))]
                text = "BREAKING: " + TOPICS[topic].phrases[picks[0] % 12]
                post = world.emit(author, t0, text=text, topic=topic, keep=True)
            active = pop.is_regular & (pop.rate >= cfg["active_min_rate"])
            awake = diurnal.weight(local_hours(world, np.full(len(pop), t0), pop.tz), False)
            who = weighted_sample(
                rng, active * awake * pop.rate**0.3, round(cfg["share"] * active.sum())
            )
            m = cfg["delay_mean_seconds"] * 1000.0
            span = cfg["delay_max_minutes"] * 60_000.0 - 5000.0
            delay = 5000 - m * np.log1p(-rng.random(len(who)) * -np.expm1(-span / m))
            times = t0 + delay.astype(np.int64)
            kind = rng.random(len(who))
            texts = rng.integers(0, len(_NEWS_REACTIONS), len(who))
            source = world.accounts[post.author]
            q, r = cfg["quote_share"], cfg["quote_share"] + cfg["reply_share"]
            for i, pos in enumerate(who):
                account = pop.accounts[int(pos)]
                if kind[i] < q:
                    world.emit(
                        account,
                        int(times[i]),
                        "quote",
                        parent=post,
                        topic=topic,
                        text=f"{_NEWS_REACTIONS[texts[i]]} {text}",
                    )
                elif kind[i] < r:
                    world.emit(
                        account,
                        int(times[i]),
                        "reply",
                        parent=post,
                        topic=topic,
                        text=f"@{source.handle} {_NEWS_REACTIONS[texts[i]]}",
                        mentions=[source],
                    )
                else:
                    world.emit(
                        account,
                        int(times[i]),
                        "repost",
                        parent=post,
                        topic=topic,
                        text=rt_text(source.handle, text),
                    )
            pop.mark(who, "breaking_news")


class FanCommunities:
    """Fans who repost their idol within seconds to minutes, on every post, for days.

    Mimics organised fandoms (K-pop "stan" accounts, football and streamer fan bases) that
    boost each post of their idol with notifications switched on -- the organic look-alike
    of an amplification ring. Each of ``groups`` groups has a new idol
    account and ``size_min``..``size_max`` fans (capped by population size), chosen among
    accounts interested in the idol's topic.
    """

    def __init__(self, world: World, pop: Population, cfg: dict[str, Any]) -> None:
        self.world, self.pop, self.cfg = world, pop, cfg
        rng = world.rng
        self.groups: list[tuple[int, np.ndarray, int]] = []
        n_groups = int(cfg["groups"])
        for g in range(n_groups):
            name, handle, topic_name = IDOLS[g % len(IDOLS)]
            suffix = "" if g < len(IDOLS) else str(g // len(IDOLS) + 1)
            topic = next(i for i, t in enumerate(TOPICS) if t.name == topic_name)
            region = REGIONS[int(rng.integers(0, len(REGIONS)))]
            idol = world.add_account(
                handle=handle + suffix,
                display_name=name,
                tz_hours=region.tz_hours,
                followers=int(rng.lognormal(np.log(cfg["idol_followers_median"]), 0.7)) + 5000,
                following=int(rng.integers(20, 400)),
                lang=region.langs[0],
                created_ms=world.start_ms - int(rng.uniform(3, 9) * 365.25 * DAY_MS),
                description=f"official. {TOPICS[topic].bio}",
                client="Twitter for iPhone",
            )
            idol.organic_group = "fan_community"
            pos = pop.add_special(idol, topic)
            free = pop.free()
            size = int(rng.integers(cfg["size_min"], cfg["size_max"] + 1))
            size = min(size, max(5, int(free.sum()) // (4 * n_groups)))
            boost = np.where(pop.has_topic(topic), 10.0, 1.0)
            fans = weighted_sample(rng, free * np.sqrt(pop.rate) * boost, size)
            pop.mark(fans, "fan_community")
            self.groups.append((pos, fans, topic))

    def run_day(self, day: int, diurnal: Diurnal, posts: DayPosts) -> None:
        rng, world, pop, cfg = self.world.rng, self.world, self.pop, self.cfg
        weekend = is_weekend(world, day)
        for pos, fans, topic in self.groups:
            idol = pop.accounts[pos]
            n = int(rng.poisson(cfg["posts_per_day"]))
            times = np.sort(utc_ms(world, day, diurnal.sample(rng, n, weekend), idol.tz_hours))
            for t in times:
                picks = rng.integers(0, 1 << 30, 5)
                text = post_text(TOPICS[topic], picks, [])
                post = world.emit(idol, int(t), text=text, topic=topic, keep=True)
                number = posts.add(post, text, cfg["virality"], [], [])
                join = fans[rng.random(len(fans)) < cfg["participation"]]
                delays = _lognormal_ms(
                    rng, cfg["delay_median_seconds"] * 1000.0, cfg["delay_sigma"], len(join)
                )
                replies = rng.random(len(join)) < cfg["reply_share"]
                says = rng.integers(0, len(_FAN_TEXTS), len(join))
                posts.taken.extend((number, int(f)) for f in join)
                for i, f in enumerate(join):
                    fan, when = pop.accounts[int(f)], int(t + delays[i])
                    if when >= world.end_ms:
                        continue
                    if replies[i]:
                        world.emit(
                            fan,
                            when,
                            "reply",
                            parent=post,
                            mentions=[idol],
                            topic=topic,
                            text=f"@{idol.handle} {_FAN_TEXTS[says[i]]}",
                        )
                    else:
                        world.emit(
                            fan,
                            when,
                            "repost",
                            parent=post,
                            topic=topic,
                            text=rt_text(idol.handle, text),
                        )


class HashtagMovements:
    """Genuine movements: hundreds of people use one hashtag over hours, each in own words.

    Mimics organic hashtag activism (Jackson, Bailey & Foucault Welles 2020, "#HashtagActivism",
    MIT Press): participation rises and fades over ``duration_hours`` (a gamma-shaped onset),
    each participant posts about ``posts_per_participant`` times at hours they are awake,
    texts vary (not copy-paste) and ``retweet_share`` of the acts retweet earlier movement
    posts after a human delay (lognormal, median ``delay_median_minutes``).
    """

    def __init__(self, world: World, pop: Population, cfg: dict[str, Any]) -> None:
        self.world, self.pop, self.cfg = world, pop, cfg
        rng = world.rng
        self.movements: list[tuple[int, float, np.ndarray, int, int]] = []
        n = int(cfg["movements"])
        offset = int(rng.integers(0, len(MOVEMENTS)))
        for k in range(n):
            which = (offset + k) % len(MOVEMENTS)
            topic = next(i for i, t in enumerate(TOPICS) if t.name == MOVEMENTS[which][1])
            free = pop.free()
            size = min(int(cfg["participants"]), max(5, int(free.sum()) // (3 * n)))
            boost = np.where(pop.has_topic(topic), 8.0, 1.0)
            who = weighted_sample(rng, free * np.sqrt(pop.rate) * boost, size)
            pop.mark(who, "hashtag_movement")
            # starts early enough to run its course before the simulation ends
            begin = rng.uniform(0, max(world.days * 24 - cfg["duration_hours"] * 1.5, 1.0))
            day, hour = int(begin // 24), float(begin % 24)
            self.movements.append((day, hour, who, which, topic))

    def run_day(self, day: int, diurnal: Diurnal, posts: DayPosts) -> None:
        rng, world, pop, cfg = self.world.rng, self.world, self.pop, self.cfg
        weekend = is_weekend(world, day)
        for mv_day, hour, who, which, topic in self.movements:
            if mv_day != day:
                continue
            tag, _, phrases = MOVEMENTS[which]
            t0 = world.start_ms + day * DAY_MS + int(hour * HOUR_MS)
            per = 1 + rng.poisson(max(cfg["posts_per_participant"] - 1.0, 0.0), len(who))
            authors = np.repeat(who, per)
            # A few candidate times per act along the onset curve; keep the first one at
            # which its author is awake (rejection sampling against the diurnal rhythm).
            scale = cfg["duration_hours"] / 4.0 * HOUR_MS
            cand = t0 + rng.gamma(2.0, scale, (len(authors), 4)).astype(np.int64)
            hours = local_hours(world, cand, pop.tz[authors][:, None])
            ok = rng.random(cand.shape) < diurnal.weight(hours, weekend)
            times = cand[np.arange(len(authors)), np.argmax(ok, axis=1)]
            is_rt = rng.random(len(authors)) < cfg["retweet_share"]
            order = np.argsort(times[~is_rt], kind="stable")
            originals: list[tuple[Post, str, int]] = []
            picks = rng.integers(0, 1 << 30, (len(authors), 7))
            for i in np.flatnonzero(~is_rt)[order]:
                if times[i] >= world.end_ms:
                    continue
                p = picks[i]
                base = phrases[p[5] % len(phrases)]
                extra = post_text(TOPICS[topic], p, []) if (p[6] >> 8) % 2 == 0 else ""
                body = f"{_PERSONAL[p[6] % len(_PERSONAL)]}{base}" + (f". {extra}" if extra else "")
                body += MOVEMENT_CLOSERS[(p[6] >> 12) % len(MOVEMENT_CLOSERS)]
                text = f"#{tag} {body}" if (p[6] >> 4) % 2 else f"{body} #{tag}"
                post = world.emit(
                    pop.accounts[int(authors[i])],
                    int(times[i]),
                    text=text,
                    hashtags=[tag],
                    topic=topic,
                    keep=True,
                )
                originals.append((post, text, posts.add(post, text, 1.0, [tag], [])))
            rts = np.flatnonzero(is_rt)
            if not originals or not len(rts):
                continue
            weight = np.sqrt([world.accounts[p.author].followers + 1.0 for p, _, _ in originals])
            parents = rng.choice(len(originals), len(rts), p=weight / weight.sum())
            delays = _lognormal_ms(rng, cfg["delay_median_minutes"] * 60_000.0, 1.2, len(rts))
            seen: set[tuple[int, int]] = set()
            for j, i in enumerate(rts):
                parent, text, number = originals[int(parents[j])]
                account = pop.accounts[int(authors[i])]
                pair = (number, int(authors[i]))
                late = parent.time_ms + delays[j] >= world.end_ms
                if account.index == parent.author or late or pair in seen:
                    continue
                seen.add(pair)
                posts.taken.append(pair)
                world.emit(
                    account,
                    parent.time_ms + int(delays[j]),
                    "repost",
                    parent=parent,
                    text=rt_text(world.accounts[parent.author].handle, text),
                    hashtags=[tag],
                    topic=topic,
                )
