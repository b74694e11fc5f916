"""Planted coordinated campaigns, one class per style, built from ``[[campaign]]`` tables.

Each style mimics a pattern documented in the platforms' takedown disclosures and the
coordinated-behaviour literature; every style works at any ``size`` (2 to thousands) and any
style can take on the optional traits below. Members are labelled in ``labels.csv`` with the
campaign ``name``, its ``style`` and a ``role``:

* ``seed``: the operation's own voices whose posts the others amplify;
* ``amplifier``: accounts that repost the seeds' (or chosen organic) posts;
* ``operator``: personas that post the operation's scripted content themselves (copy-paste,
  hashtag and link posters, swarm repliers, pages and groups).

Keys of every campaign (defaults in brackets; ``auto``: derived from ``size``):

* ``name`` [``campaign-<n>``], ``style`` (required), ``size`` [20] accounts.
* ``start_day`` [0], ``end_day`` [the last day + 1]: the days the operation works; volume
  varies from day to day (a mean-1 gamma factor) so that some days burst.
* ``tz_hours`` [3.0], ``country`` ["RU"]: where the operators sit. Without office hours they
  act in their waking hours (peaks late morning and evening, local time).
* ``office_hours`` [false; true for ``office_hours``], ``work_hours`` [[9, 18]], ``workdays``
  [[0, 1, 2, 3, 4], Monday = 0]: act only in the shift, in the operators' time zone, while
  profiles claim other places (``CLAIMED_LOCATIONS``). Reactions that would fall after the
  shift are dropped. (Camouflage from ``camouflage_per_day`` keeps the organic timing.)
* ``shared_infrastructure`` [false; true for ``shared_infrastructure``], ``n_ips`` [auto:
  size/20, at least 2], ``vpn_share`` [0.3] of them VPN exits, ``n_devices`` [auto: size/10,
  at least 2], ``sessions_per_day`` [1.5] per member: ``sessions.csv`` rows on a few
  addresses in ``country``'s ranges plus VPN exits and shared devices. The first such
  campaign also writes ordinary sessions for 30 % of all other accounts (diverse countries,
  residential addresses, own devices) so that having sessions marks no one.
* ``creation_burst`` [false; true for ``creation_burst``], ``burst_hours`` [36],
  ``created_days_before`` [5], ``handle_pattern`` ["name_digits" | "prefix_counter"]:
  accounts registered in one short span shortly before ``start_day``, patterned handles,
  0-29 followers.
* ``aged`` [false; true for ``slow_burn``], ``min_age_years`` [2], ``max_age_years`` [8]:
  accounts created years before the simulation (bought or long-groomed personas).
* ``camouflage_per_day`` [0; 4 for ``slow_burn``]: organic-looking actions per member and
  day through the organic platform's ``organic_like`` (on every day, active or not).
* ``n_seeds`` [auto per style]: accounts in the ``seed`` role.
* ``lang`` ["en"].

Styles and their own keys:

``amplification_ring``
    Seeds post; on ``amplified_share`` [0.9] of their posts ``repost_share`` [0.7] of the
    amplifiers repost within seconds: log-normal delay, median ``median_delay_s`` [15],
    at most ``max_delay_s`` [150]. ``seed_posts_per_day`` [3] per seed; ``n_seeds`` auto
    size/12 (1-10). Retweet rings of the IRA and the Saudi/UAE/Egypt sets (Twitter 2019);
    "near-instant" co-retweets as in Pacheco et al., "Uncovering coordinated networks on
    social media", ICWSM 2021.
``copy_paste``
    ``messages_per_day`` [3] scripts; ``post_share`` [0.8] of members post each within
    ``window_minutes`` [30], ``edit_share`` [0.6] of copies lightly edited (word swap, emoji,
    hashtag added/dropped, case). Keller et al. 2020 (South Korean NIS astroturfing).
``hashtag_flood``
    One ordered sequence of ``sequence_length`` [4] hashtags per day, posted in
    ``bursts_per_day`` [3] bursts of ``burst_minutes`` [10]; ``post_share`` [0.8] of members
    post ``posts_per_burst`` [2] times each. Hashtag-sequence coordination as in Pacheco et
    al. 2021 and the "trend hijacking" of the Pakistani/Saudi sets.
``link_amplification``
    Links to one ``domain`` [auto from the narrative] with varied paths, ``tracking_share``
    [0.5] utm parameters and ``shortener_share`` [0.2] shortened; ``articles_per_day`` [2],
    ``waves_per_day`` [3] waves of ``wave_minutes`` [20] in which ``post_share`` [0.7] of
    members share. Coordinated link sharing (Giglietto et al. 2020, CooRnet).
``reply_swarm``
    ``reply_share`` [0.6] of members reply to each of up to ``posts_per_day`` [5] posts of one
    ``target`` account (a handle; default the most prominent organic author among the
    popular posts), log-normal delay with median ``median_delay_minutes`` [4], at most
    ``max_delay_minutes`` [20]. Harassment swarms (Twitter's 2020 Saudi disclosure; Facebook
    CIB reports).
``slow_burn``
    Aged accounts with organic camouflage and sparse coordination: ``acts_per_week`` [3]
    co-reposts, each joined by ``act_share`` [0.5] of the amplifiers with delays uniform in
    ``min_delay_minutes`` [1] .. ``max_delay_minutes`` [60]; the reposted posts are the
    ``n_seeds`` [auto size/25, at least 1] seeds' (``seed_share`` [1.0]; the rest popular
    organic posts, indistinguishable from camouflage). The hard case (Cresci, "A decade of
    social bot detection", CACM 2020: evolving bots).
``creation_burst``
    Bulk-registered accounts (``creation_burst`` on) that co-repost ``acts_per_day`` [4]
    times a day: a seed's fresh post (``seed_share`` [0.5]) or a popular organic post,
    joined by ``act_share`` [0.7] of the amplifiers after a log-normal delay with median
    ``median_delay_minutes`` [3], clipped to ``min_delay_minutes`` [0.2] ..
    ``max_delay_minutes`` [30]; ``posts_per_day`` [0] own posts each; ``n_seeds`` auto
    size/20. The sign-up bursts of the Chinese (2019-2020) and Serbian (2020) Twitter sets.
``shared_infrastructure``
    ``shared_infrastructure`` on; co-reposts as ``creation_burst`` with ``acts_per_day``
    [3] and ``act_share`` [0.5], plus ``posts_per_day`` [1] own posts per member.
``office_hours``
    ``office_hours`` on (operators at ``tz_hours`` [3.0]; 8.0 for a UTC+8 shift);
    co-reposts as ``creation_burst`` with ``acts_per_day`` [6] and ``act_share`` [0.4],
    plus ``posts_per_day`` [4] narrative posts per member. The shift work of the IRA
    (Linvill & Warren 2020) and of the Chinese state-linked sets. The personas keep the
    operators' time zone in ``Account.tz_hours``, so camouflage, if any, follows the
    operators' waking day rather than the shift.
``pages_groups``
    Facebook-style actors (``Account.actor_kind`` "page" for ``page_share`` [0.6], else
    "group") sharing the same links near-simultaneously: ``waves_per_day`` [4] waves of
    ``wave_minutes`` [1], ``post_share`` [0.8], ``domain``, ``articles_per_day`` [2],
    ``tracking_share`` [0.3], ``shortener_share`` [0.0] (Giglietto et al. 2020). They are
    written to the same ``tweets.csv``, which has no actor kind; ``labels.csv`` tells them
    apart by style. A CrowdTangle-format writer is future work.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from coordnet.errors import InputError
from coordnet.simulate.campaign_base import Campaign, Platform
from coordnet.simulate.campaign_text import EDIT_DRAWS, URL_DRAWS, article_url, light_edit
from coordnet.simulate.world import Account, Post, World

__all__ = ["STYLES", "build_campaigns"]

_MINUTE_MS = 60_000


class AmplificationRing(Campaign):
    """Seeds post, amplifiers repost within seconds."""

    style = "amplification_ring"
    member_role = "amplifier"
    defaults: ClassVar[dict[str, Any]] = {
        "seed_posts_per_day": 3.0,
        "amplified_share": 0.9,
        "repost_share": 0.7,
        "median_delay_s": 15.0,
        "max_delay_s": 150.0,
    }

    def auto_seeds(self, size: int) -> int:
        return min(10, max(1, round(size / 12)))

    def follower_counts(self, drawn: np.ndarray) -> np.ndarray:
        out = drawn.copy()
        n = self.auto_seeds(len(drawn)) if self.cfg["n_seeds"] is None else int(self.cfg["n_seeds"])
        # the voices being amplified are the prominent ones
        out[:n] = self.rng.lognormal(math.log(3000), 0.8, size=min(n, len(out))).astype(int)
        return out

    def act(self, day: int) -> None:
        cfg, rng, n = self.cfg, self.rng, len(self.others)
        for seed in self.seeds:
            for t in self.times(day, self.count(cfg["seed_posts_per_day"], day)).tolist():
                tags = list(rng.choice(self.narrative.hashtags, size=2, replace=False))
                post = self.world.emit(
                    seed, t, "post", text=self.narrative.sentence(rng), hashtags=tags, keep=True
                )
                if rng.random() >= cfg["amplified_share"]:
                    continue
                crowd = self.pick(self.others, cfg["repost_share"]) if n else []
                delay = rng.lognormal(math.log(cfg["median_delay_s"]), 0.8, size=len(crowd))
                delay = np.clip(delay, 1.0, cfg["max_delay_s"])
                self.emit_at(crowd, t + (delay * 1000).astype(np.int64), "repost", parent=post)


class CopyPaste(Campaign):
    """The same script posted by many, lightly edited, within a short window."""

    style = "copy_paste"
    defaults: ClassVar[dict[str, Any]] = {
        "messages_per_day": 3.0,
        "post_share": 0.8,
        "window_minutes": 30.0,
        "edit_share": 0.6,
    }

    def act(self, day: int) -> None:
        cfg, rng = self.cfg, self.rng
        for t0 in self.times(day, self.count(cfg["messages_per_day"], day)).tolist():
            text = self.narrative.sentence(rng)
            tags = list(rng.choice(self.narrative.hashtags, size=2, replace=False))
            crowd = self.pick(self.members, cfg["post_share"])
            offsets = rng.uniform(0, cfg["window_minutes"] * _MINUTE_MS, size=len(crowd))
            times = t0 + offsets.astype(np.int64)
            ok = self.in_schedule(times).tolist()
            edits = (rng.random(len(crowd)) < cfg["edit_share"]).tolist()
            draws = rng.random((len(crowd), EDIT_DRAWS)).tolist()
            for a, t, keep, edit, u in zip(crowd, times.tolist(), ok, edits, draws, strict=True):
                if keep:
                    body, hashtags = light_edit(text, tags, u) if edit else (text, tags)
                    shown = body + "".join(f" #{h}" for h in hashtags)
                    self.world.emit(a, t, "post", text=shown, hashtags=hashtags)


class HashtagFlood(Campaign):
    """Bursts of posts carrying one identical ordered hashtag sequence."""

    style = "hashtag_flood"
    defaults: ClassVar[dict[str, Any]] = {
        "sequence_length": 4,
        "bursts_per_day": 3.0,
        "burst_minutes": 10.0,
        "post_share": 0.8,
        "posts_per_burst": 2,
    }

    def act(self, day: int) -> None:
        cfg, rng = self.cfg, self.rng
        pool = self.narrative.hashtags
        k = min(int(cfg["sequence_length"]), len(pool))
        # a fresh sequence each day, the same for every post of the day
        sequence = [str(h) for h in rng.choice(pool, size=k, replace=False)]
        suffix = " ".join(f"#{h}" for h in sequence)
        for t0 in self.times(day, self.count(cfg["bursts_per_day"], day)).tolist():
            crowd = self.pick(self.members, cfg["post_share"])
            reps = rng.integers(1, int(cfg["posts_per_burst"]) + 1, size=len(crowd))
            who = [a for a, r in zip(crowd, reps, strict=True) for _ in range(int(r))]
            spread = rng.uniform(0, cfg["burst_minutes"] * _MINUTE_MS, len(who))
            times = t0 + spread.astype(np.int64)
            ok = self.in_schedule(times).tolist()
            calls = self.narrative.calls
            fillers = (rng.random(len(who)) * len(calls)).astype(int).tolist()
            for a, t, keep, f in zip(who, times.tolist(), ok, fillers, strict=True):
                if keep:
                    self.world.emit(a, t, "post", text=f"{calls[f]} {suffix}", hashtags=sequence)


class LinkAmplification(Campaign):
    """Waves of links to one domain, their surface form varied."""

    style = "link_amplification"
    defaults: ClassVar[dict[str, Any]] = {
        "domain": None,
        "articles_per_day": 2,
        "waves_per_day": 3.0,
        "wave_minutes": 20.0,
        "post_share": 0.7,
        "tracking_share": 0.5,
        "shortener_share": 0.2,
    }

    def __init__(self, world: World, platform: Platform, config: dict[str, Any]) -> None:
        super().__init__(world, platform, config)
        words = self.narrative.outlet_words
        default = f"{words[0]}{words[-1]}-{('news', 'daily', 'report')[len(self.name) % 3]}.com"
        self.domain = str(self.cfg["domain"] or default)

    def act(self, day: int) -> None:
        cfg, rng = self.cfg, self.rng
        n_articles = max(1, int(cfg["articles_per_day"]))
        slugs = [self.narrative.slug(rng) for _ in range(n_articles)]
        ids = rng.integers(100_000, 999_999, size=n_articles)
        for t0 in self.times(day, self.count(cfg["waves_per_day"], day)).tolist():
            k = int(rng.integers(n_articles))
            crowd = self.pick(self.members, cfg["post_share"])
            spread = cfg["wave_minutes"] * _MINUTE_MS
            times = t0 + rng.uniform(0, spread, size=len(crowd)).astype(np.int64)
            ok = self.in_schedule(times).tolist()
            headline = slugs[k].replace("-", " ").capitalize()
            draws = rng.random((len(crowd), URL_DRAWS)).tolist()
            for a, t, keep, u in zip(crowd, times.tolist(), ok, draws, strict=True):
                if keep:
                    url = article_url(
                        self.domain, slugs[k], int(ids[k]), u,
                        tracking_share=cfg["tracking_share"],
                        shortener_share=cfg["shortener_share"],
                    )  # fmt: skip
                    self.world.emit(a, t, "post", text=f"{headline} {url}", urls=[url])


class PagesGroups(LinkAmplification):
    """Pages and groups posting the same links near-simultaneously."""

    style = "pages_groups"
    defaults: ClassVar[dict[str, Any]] = {
        **LinkAmplification.defaults,
        "page_share": 0.6,
        "waves_per_day": 4.0,
        "wave_minutes": 1.0,
        "post_share": 0.8,
        "tracking_share": 0.3,
        "shortener_share": 0.0,
    }
    _WORDS = ("Patriots", "Voice", "Truth", "Nation", "People", "Freedom", "Daily", "United")
    _TAILS = ("Page", "Community", "Network", "Group", "Movement", "News")

    def __init__(self, world: World, platform: Platform, config: dict[str, Any]) -> None:
        super().__init__(world, platform, config)
        kinds = self.rng.random(self.size) < float(self.cfg["page_share"])
        for a, is_page in zip(self.members, kinds, strict=True):
            a.actor_kind = "page" if is_page else "group"

    def display_names(self, n: int) -> list[str]:
        w, t = self.rng.integers(len(self._WORDS), size=(2, n)), self.rng.integers(6, size=n)
        return [
            f"{self._WORDS[int(a)]} {self._WORDS[int(b)]} {self._TAILS[int(c)]}"
            for a, b, c in zip(w[0], w[1], t, strict=True)
        ]

    def handles(self, names: list[str]) -> list[str]:
        serials = self.rng.integers(1, 1000, size=len(names))
        return [f"{n.replace(' ', '')}{int(s)}" for n, s in zip(names, serials, strict=True)]

    def follower_counts(self, drawn: np.ndarray) -> np.ndarray:
        return self.rng.lognormal(math.log(20_000), 1.2, size=len(drawn)).astype(int)


class ReplySwarm(Campaign):
    """Many replies to one target account's posts within minutes."""

    style = "reply_swarm"
    defaults: ClassVar[dict[str, Any]] = {
        "target": None,
        "posts_per_day": 5,
        "reply_share": 0.6,
        "median_delay_minutes": 4.0,
        "max_delay_minutes": 20.0,
    }

    def __init__(self, world: World, platform: Platform, config: dict[str, Any]) -> None:
        super().__init__(world, platform, config)
        self.target: Account | None = None
        self.swarmed: set[int] = set()  # posts already swarmed (popular posts span two days)
        handle = self.cfg["target"]
        if handle is not None:
            found = [a for a in platform.accounts if a.handle == handle]
            if not found:
                raise InputError(
                    f"campaign {self.name!r}: target {handle!r} is not an organic account; "
                    "omit `target` to let the swarm pick a prominent one"
                )
            self.target = found[0]

    def _target_posts(self, day: int) -> list[Post]:
        popular = self.platform.popular_posts(day, 500)
        if self.target is None and popular:
            # the most-followed author with several popular posts: a journalist, outlet or
            # public figure who posts regularly (the swarms' usual targets)
            accounts = self.world.accounts
            by_author: dict[int, int] = {}
            for p in popular:
                by_author[p.author] = by_author.get(p.author, 0) + 1
            best = max(by_author, key=lambda i: (by_author[i] >= 2, accounts[i].followers, -i))
            self.target = accounts[best]
        if self.target is None:
            return []
        own = [
            p for p in popular if p.author == self.target.index and p.tweet_id not in self.swarmed
        ]
        own = sorted(own, key=lambda p: p.time_ms)[: int(self.cfg["posts_per_day"])]
        self.swarmed.update(p.tweet_id for p in own)
        return own

    def act(self, day: int) -> None:
        cfg, rng = self.cfg, self.rng
        for post in self._target_posts(day):
            crowd = self.pick(self.members, cfg["reply_share"])
            delay = rng.lognormal(math.log(cfg["median_delay_minutes"]), 0.7, size=len(crowd))
            delay = np.clip(delay, 0.2, cfg["max_delay_minutes"]) * _MINUTE_MS
            times = post.time_ms + delay.astype(np.int64)
            ok = self.in_schedule(times).tolist()
            target = self.world.accounts[post.author]
            texts = self.narrative.sentences(rng, len(crowd))
            for a, t, keep, text in zip(crowd, times.tolist(), ok, texts, strict=True):
                if keep:
                    text = f"@{target.handle} {text}"
                    self.world.emit(a, t, "reply", parent=post, text=text, mentions=(target,))


class CoRepostCampaign(Campaign):
    """Members co-repost the seeds' or popular posts with minutes of jitter.

    The shared behaviour of ``slow_burn``, ``creation_burst``, ``shared_infrastructure`` and
    ``office_hours``, which differ in their accounts, schedule, infrastructure and rates.
    """

    member_role = "amplifier"
    defaults: ClassVar[dict[str, Any]] = {
        "acts_per_day": 4.0,
        "act_share": 0.7,
        "posts_per_day": 0.0,
        "seed_share": 0.5,
        "min_delay_minutes": 0.2,
        "median_delay_minutes": 3.0,
        "max_delay_minutes": 30.0,
    }
    uniform_delay: ClassVar[bool] = False

    def auto_seeds(self, size: int) -> int:
        return max(1, round(size / 20))

    def n_acts(self, day: int) -> int:
        return self.count(self.cfg["acts_per_day"], day)

    def act(self, day: int) -> None:
        cfg, rng, w = self.cfg, self.rng, self.world
        own = rng.poisson(cfg["posts_per_day"] * self.day_factor[day], size=len(self.members))
        times = self.times(day, int(own.sum()))
        owners = np.repeat(np.arange(len(self.members)), own)
        rng.shuffle(owners)
        texts = self.narrative.sentences(rng, len(times))
        for i, t, text in zip(owners.tolist(), times.tolist(), texts, strict=False):
            w.emit(self.members[i], t, "post", text=text)
        starts = self.times(day, self.n_acts(day)).tolist()
        popular = self.platform.popular_posts(day, 50) if starts else []
        for t0 in starts:
            if self.seeds and (not popular or rng.random() < cfg["seed_share"]):
                seed = self.seeds[int(rng.integers(len(self.seeds)))]
                tags = list(rng.choice(self.narrative.hashtags, size=1))
                post = w.emit(seed, t0, "post", text=self.narrative.sentence(rng), hashtags=tags)
            elif popular:
                post = popular[int(rng.integers(len(popular)))]
                t0 = max(t0, post.time_ms)
            else:
                continue
            crowd = self.pick(self.others, cfg["act_share"])
            lo, hi = cfg["min_delay_minutes"], cfg["max_delay_minutes"]
            if self.uniform_delay:
                delay = rng.uniform(lo, hi, size=len(crowd))
            else:
                delay = rng.lognormal(math.log(cfg["median_delay_minutes"]), 0.8, len(crowd))
                delay = np.clip(delay, lo, hi)
            times = t0 + (delay * _MINUTE_MS).astype(np.int64)
            self.emit_at(crowd, times, "repost", parent=post)


class SlowBurn(CoRepostCampaign):
    """Aged, camouflaged accounts with sparse, jittered co-reposts: the hard case."""

    style = "slow_burn"
    uniform_delay = True
    defaults: ClassVar[dict[str, Any]] = {
        **{k: v for k, v in CoRepostCampaign.defaults.items() if k != "acts_per_day"},
        "aged": True,
        "camouflage_per_day": 4.0,
        "acts_per_week": 3.0,
        "act_share": 0.5,
        "seed_share": 1.0,
        "min_delay_minutes": 1.0,
        "max_delay_minutes": 60.0,
    }

    def auto_seeds(self, size: int) -> int:
        return max(1, round(size / 25))

    def n_acts(self, day: int) -> int:
        # sparse: most days nothing, a few acts a week
        return int(self.rng.poisson(self.cfg["acts_per_week"] / 7 * self.day_factor[day]))


class CreationBurst(CoRepostCampaign):
    """Bulk-registered accounts with patterned handles that co-repost."""

    style = "creation_burst"
    defaults: ClassVar[dict[str, Any]] = {**CoRepostCampaign.defaults, "creation_burst": True}


class SharedInfrastructure(CoRepostCampaign):
    """Accounts run from a few addresses and devices (visible in session rows)."""

    style = "shared_infrastructure"
    defaults: ClassVar[dict[str, Any]] = {
        **CoRepostCampaign.defaults,
        "shared_infrastructure": True,
        "acts_per_day": 3.0,
        "act_share": 0.5,
        "posts_per_day": 1.0,
    }


class OfficeHours(CoRepostCampaign):
    """A troll-farm shift: posting and co-reposting only in working hours on workdays."""

    style = "office_hours"
    defaults: ClassVar[dict[str, Any]] = {
        **CoRepostCampaign.defaults,
        "office_hours": True,
        "acts_per_day": 6.0,
        "act_share": 0.4,
        "posts_per_day": 4.0,
    }


#: Style name -> campaign class.
STYLES: dict[str, type[Campaign]] = {
    c.style: c
    for c in (
        AmplificationRing, CopyPaste, HashtagFlood, LinkAmplification, ReplySwarm, SlowBurn,
        CreationBurst, SharedInfrastructure, OfficeHours, PagesGroups,
    )
}  # fmt: skip


def build_campaigns(world: World, platform: Platform, configs: list[dict]) -> list[Campaign]:
    """Create every ``[[campaign]]`` of a scenario: accounts, labels, schedule.

    Raises :class:`~coordnet.errors.InputError` for an unknown style or key, naming the valid
    ones. Campaigns unnamed in the scenario are called ``campaign-<n>``. Cost: accounts are
    created here; each ``run_day`` costs one :meth:`World.emit` per action plus vectorised
    draws, so campaigns of thousands of accounts add seconds per simulated day.

    >>> import tempfile, datetime
    >>> from coordnet.simulate.organic import OrganicPlatform
    >>> world = World(tempfile.mkdtemp(), start=datetime.datetime(2019, 8, 1), days=1, seed=0)
    >>> platform = OrganicPlatform(world, {}, 200)
    >>> (ring,) = build_campaigns(
    ...     world, platform, [{"name": "r", "style": "amplification_ring", "size": 12}]
    ... )
    >>> sorted({a.role for a in ring.members}), len(ring.seeds)
    (['amplifier', 'seed'], 1)
    >>> platform.run_day(0); ring.run_day(0); world.close()
    """
    campaigns: list[Campaign] = []
    names: set[str] = set()
    for i, raw in enumerate(configs, start=1):
        style = raw.get("style")
        if style not in STYLES:
            raise InputError(
                f"campaign {raw.get('name', i)!r}: style = {style!r}; "
                f"choose one of {', '.join(sorted(STYLES))}"
            )
        cfg = {**raw, "name": str(raw.get("name") or f"campaign-{i}")}
        if cfg["name"] in names:
            raise InputError(f"campaign name {cfg['name']!r} is used twice; names must be unique")
        names.add(cfg["name"])
        campaigns.append(STYLES[style](world, platform, cfg))
    infra = [c for c in campaigns if c.cfg["shared_infrastructure"]]
    if infra:
        infra_names = {c.name for c in infra}
        others = [a for a in world.accounts if a.campaign not in infra_names]
        infra[0].add_background_sessions(others)
    return campaigns
