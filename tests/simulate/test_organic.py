"""The organic side of the simulator has the statistical shape of a real platform.

Most checks run one organic-only week of 3,000 accounts (module fixture, ~2 s) through the
Python objects, so that each account's time zone is known; exact times come from the
snowflake ids, as coordnet's reader takes them.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.ingest.normalize import SNOWFLAKE_EPOCH_MS
from coordnet.simulate import Scenario, load_scenario, simulate
from coordnet.simulate.organic import DEFAULTS, OrganicPlatform
from coordnet.simulate.organic_text import IDOLS, MOVEMENTS, NEWS_DOMAINS
from coordnet.simulate.world import World

MINUTE = 60_000
START = datetime(2019, 8, 1)  # a Thursday: days 2 and 3 are the weekend
STYLES = {
    "amplification_ring", "copy_paste", "hashtag_flood", "link_amplification", "reply_swarm",
    "slow_burn", "creation_burst", "shared_infrastructure", "office_hours", "pages_groups",
}  # fmt: skip


@dataclass
class Run:
    """A finished organic simulation and its ``tweets.csv`` read back."""

    world: World
    platform: OrganicPlatform
    out: Path
    rows: list[dict[str, str]]
    ms: np.ndarray  # exact UTC time of each row (from the snowflake id)
    row_of: dict[str, int]  # tweet id -> row
    tz: dict[str, float]  # actor id -> UTC offset in hours
    group: dict[str, str]  # actor id -> organic_group

    def parent(self, row: dict[str, str]) -> str:
        return row["retweet_tweetid"] or row["in_reply_to_tweetid"] or row["quoted_tweet_tweetid"]

    def reactions(self) -> list[tuple[int, int]]:
        """(reaction row, parent row) for every retweet, reply and quote."""
        out = []
        for i, r in enumerate(self.rows):
            p = self.parent(r)
            if p:
                out.append((i, self.row_of[p]))
        return out


def run_organic(
    out: Path, n: int, days: int, seed: int = 1, config: dict[str, Any] | None = None
) -> Run:
    world = World(out, start=START, days=days, seed=seed)
    platform = OrganicPlatform(world, config or {}, n)
    for day in range(days):
        platform.run_day(day)
        world.forget_posts_before(world.start_ms + (day - 1) * 86_400_000)
    world.close()
    return read_run(world, platform, out)


def read_run(world: World, platform: OrganicPlatform, out: Path) -> Run:
    with open(out / "tweets.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ms = np.array([(int(r["tweetid"]) >> 22) + SNOWFLAKE_EPOCH_MS for r in rows], dtype=np.int64)
    return Run(
        world, platform, out, rows, ms,
        row_of={r["tweetid"]: i for i, r in enumerate(rows)},
        tz={a.actor_id: a.tz_hours for a in world.accounts},
        group={a.actor_id: a.organic_group for a in world.accounts},
    )  # fmt: skip


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_organic(tmp_path_factory.mktemp("organic"), n=3000, days=7)


def plain_rows(run: Run) -> list[int]:
    """Rows written by ordinary users (no organic group: no fans, bots, media...)."""
    return [i for i, r in enumerate(run.rows) if run.group[r["userid"]] == ""]


# -- activity --------------------------------------------------------------------------------
def test_activity_per_account_is_heavy_tailed(week: Run) -> None:
    per_account = Counter(r["userid"] for r in week.rows)
    counts = np.array(sorted((per_account[a.actor_id] for a in week.platform.accounts),
                             reverse=True))  # fmt: skip
    top_tenth = counts[: len(counts) // 10].sum() / counts.sum()
    assert top_tenth > 0.5
    assert np.median(counts) < counts.mean() / 2
    assert (counts < 7).mean() > 0.5  # most accounts act less than once a day
    assert counts[0] / 7 > 50  # and a few act many dozens of times a day


def test_diurnal_cycle_peaks_in_the_evening_of_local_time(week: Run) -> None:
    rows = plain_rows(week)
    tz = np.array([week.tz[week.rows[i]["userid"]] for i in rows])
    utc_hours = (week.ms[rows] - week.world.start_ms) / 3_600_000
    local = np.bincount(((utc_hours + tz) % 24).astype(int), minlength=24)
    utc = np.bincount((utc_hours % 24).astype(int), minlength=24)
    assert 19 <= int(np.argmax(local)) <= 23
    assert 2 <= int(np.argmin(local)) <= 6
    assert local.max() / local.min() > 4
    # Seen in UTC, the mix of time zones blurs the rhythm: it must be read per account.
    assert utc.max() / utc.min() < local.max() / local.min() / 2


def test_weekends_are_quieter(tmp_path: Path) -> None:
    off = {"enabled": False}
    config = {
        "activity": {"weekend_factor": 0.5, "weekend_shift_hours": 0},
        "breaking_news": off, "fan_communities": off, "hashtag_movements": off,
        "news_bots": off, "media": off, "cascades": off,
    }  # fmt: skip
    run = run_organic(tmp_path, n=2000, days=7, config=config)
    day = (run.ms - run.world.start_ms) // 86_400_000
    per_day = np.bincount(day, minlength=7)
    weekend, weekday = per_day[[2, 3]].mean(), per_day[[0, 1, 4, 5, 6]].mean()
    assert 0.35 < weekend / weekday < 0.75


# -- cascades --------------------------------------------------------------------------------
def test_cascade_delays_are_human_and_heavy_tailed(week: Run) -> None:
    # ordinary posts: not by media, news bots or idols (whose audiences react differently)
    special = {"media", "news_bot", "fan_community"}
    delays = np.array([
        week.ms[i] - week.ms[p] for i, p in week.reactions()
        if week.group[week.rows[p]["userid"]] not in special
    ]) / MINUTE  # fmt: skip
    assert len(delays) > 1000
    assert delays.min() >= 0
    assert 5 < np.median(delays) < 60
    assert np.percentile(delays, 99) / np.median(delays) > 10
    assert np.percentile(delays, 99) > 180  # a long tail of hours


def test_virality_is_heavy_tailed(week: Run) -> None:
    retweets = Counter(r["retweet_tweetid"] for r in week.rows if r["retweet_tweetid"])
    originals = [r["tweetid"] for r in week.rows if not week.parent(r)]
    counts = np.array([retweets[t] for t in originals])
    assert (counts == 0).mean() > 0.6
    assert counts.max() >= 100
    assert np.percentile(counts, 99) < 50


def test_reactors_are_distinct_per_post(week: Run) -> None:
    pairs = Counter((r["userid"], week.parent(r)) for r in week.rows if week.parent(r))
    assert max(pairs.values()) == 1
    assert all(r["userid"] != week.rows[p]["userid"] for _, p in week.reactions()
               for r in [week.rows[_]])  # fmt: skip


# -- hard negatives --------------------------------------------------------------------------
def test_breaking_news_is_reposted_by_many_within_minutes(week: Run) -> None:
    news = [i for i, r in enumerate(week.rows)
            if r["tweet_text"].startswith("BREAKING:") and not week.parent(r)]  # fmt: skip
    assert len(news) == DEFAULTS["breaking_news"]["events"]
    by_parent = defaultdict(list)
    for i, p in week.reactions():
        by_parent[p].append(i)
    for n in news:
        delays = (week.ms[by_parent[n]] - week.ms[n]) / MINUTE
        assert len(delays) > 0.1 * 3000
        assert (delays <= 30).mean() > 0.9
        assert np.median(delays) < 5
        assert {week.group[week.rows[i]["userid"]] for i in by_parent[n]} <= {
            "breaking_news",
            "fan_community",
            "hashtag_movement",
        }


def test_fans_repost_their_idol_fast_and_repeatedly(week: Run) -> None:
    idols = {a.actor_id: a for a in week.platform.accounts if a.handle in {h for _, h, _ in IDOLS}}
    assert len(idols) == DEFAULTS["fan_communities"]["groups"]
    delays, per_fan = [], Counter()
    for i, p in week.reactions():
        fan = week.rows[i]["userid"]
        if week.rows[p]["userid"] in idols and week.group[fan] == "fan_community":
            delays.append((week.ms[i] - week.ms[p]) / 1000)
            per_fan[fan] += 1
    delays_s = np.array(delays)
    n_idol_posts = sum(1 for r in week.rows if r["userid"] in idols and not week.parent(r))
    assert n_idol_posts >= 14
    assert np.median(delays_s) < 120
    assert np.percentile(delays_s, 90) < 600
    assert np.median(list(per_fan.values())) >= 0.4 * n_idol_posts / len(idols)
    assert len(per_fan) >= 50 * len(idols)


def test_hashtag_movement_is_many_people_in_own_words_over_hours(week: Run) -> None:
    tags = {m[0] for m in MOVEMENTS}
    rows = [i for i, r in enumerate(week.rows) if r["hashtags"].strip("[]") in tags]
    originals = [i for i in rows if not week.parent(week.rows[i])]
    authors = {week.rows[i]["userid"] for i in originals}
    texts = [week.rows[i]["tweet_text"] for i in originals]
    hours = np.sort(week.ms[rows]) / 3_600_000
    assert len(authors) >= 200
    assert {week.group[a] for a in authors} == {"hashtag_movement"}
    assert len(set(texts)) / len(texts) > 0.8  # varied, not copy-paste
    assert np.percentile(hours, 90) - np.percentile(hours, 10) > 3


def test_news_bots_post_on_a_fixed_schedule_around_the_clock(week: Run) -> None:
    bots = [a for a in week.platform.accounts if a.organic_group == "news_bot"]
    assert len(bots) == 3
    for bot, interval in zip(bots, DEFAULTS["news_bots"]["interval_minutes"], strict=True):
        times = np.sort([week.ms[i] for i, r in enumerate(week.rows)
                         if r["userid"] == bot.actor_id and not week.parent(r)])  # fmt: skip
        gaps = np.diff(times) / 1000
        assert len(times) == 7 * 24 * 60 // interval
        assert np.all(np.abs(gaps - interval * 60) <= 21)
        assert all("http" in r["urls"] for r in week.rows if r["userid"] == bot.actor_id)


def test_media_accounts_are_big_and_link_their_site(week: Run) -> None:
    media = [a for a in week.platform.accounts if a.organic_group == "media"]
    assert len(media) == DEFAULTS["media"]["count"]
    assert all(a.followers >= 5000 and a.actor_id.isdigit() for a in media)


def test_url_sharing_has_popular_domains_tracking_and_shorteners(week: Run) -> None:
    users = [
        i
        for i, r in enumerate(week.rows)
        if week.group[r["userid"]] not in {"media", "news_bot"} and not week.parent(r)
    ]
    urls = [u for i in users for u in week.rows[i]["urls"].strip("[]").split(", ") if u]
    domains = Counter(u.split("/")[2].removeprefix("www.") for u in urls)
    assert len(urls) > 500
    assert sum("utm_source=" in u for u in urls) / len(urls) > 0.1
    assert domains["bit.ly"] > 0
    top = [d for d, _ in domains.most_common() if d in NEWS_DOMAINS]
    assert len(top) >= 15 and top[0] in NEWS_DOMAINS[:3]
    article = Counter(u.split("?")[0] for u in urls if "bit.ly" not in u).most_common(1)[0][0]
    sharers = {week.rows[i]["userid"] for i in users if article in week.rows[i]["urls"]}
    assert len(sharers) >= 5


def test_organic_groups_are_labelled(week: Run) -> None:
    with open(week.out / "labels.csv", newline="", encoding="utf-8") as fh:
        groups = Counter(r["organic_group"] for r in csv.DictReader(fh))
    assert set(groups) == {
        "",
        "breaking_news",
        "fan_community",
        "hashtag_movement",
        "news_bot",
        "media",
    }
    assert groups[""] > 0.4 * 3000


# -- the interface campaigns use -------------------------------------------------------------
def test_organic_like_gives_any_account_an_organic_look(tmp_path: Path) -> None:
    world = World(tmp_path, start=START, days=2, seed=4)
    platform = OrganicPlatform(world, {}, 600)
    outsider = world.add_account(
        handle="outsider", created_ms=world.start_ms, followers=10, tz_hours=9.0
    )
    for day in range(2):
        platform.run_day(day)
        platform.organic_like(outsider, day, 300)
    world.close()
    run = read_run(world, platform, tmp_path)
    mine = [i for i, r in enumerate(run.rows) if r["userid"] == outsider.actor_id]
    kinds = Counter("repost" if run.rows[i]["retweet_tweetid"] else "post" for i in mine)
    assert 400 < len(mine) < 700 and kinds["post"] > 150 and kinds["repost"] > 150
    local = ((run.ms[mine] - world.start_ms) / 3_600_000 + 9.0) % 24
    assert ((local >= 19) & (local < 23)).sum() > 3 * ((local >= 2) & (local < 6)).sum()
    delays = []
    for i in mine:
        if run.rows[i]["retweet_tweetid"]:
            parent = run.row_of[run.rows[i]["retweet_tweetid"]]
            assert run.rows[parent]["userid"] != outsider.actor_id
            delays.append((run.ms[i] - run.ms[parent]) / MINUTE)
    assert min(delays) > 0 and 5 < np.median(delays) < 60


def test_popular_posts_prefer_viral_posts(week: Run, tmp_path: Path) -> None:
    world = World(tmp_path, start=START, days=1, seed=2)
    platform = OrganicPlatform(world, {}, 1500)
    platform.run_day(0)
    picked = platform.popular_posts(0, 40)
    world.close()
    run = read_run(world, platform, tmp_path)
    retweets = Counter(r["retweet_tweetid"] for r in run.rows if r["retweet_tweetid"])
    originals = [r["tweetid"] for r in run.rows if not run.parent(r)]
    assert len(picked) == 40 and len({p.tweet_id for p in picked}) == 40
    mean_picked = np.mean([retweets[str(p.tweet_id)] for p in picked])
    assert mean_picked > 5 * np.mean([retweets[t] for t in originals])


# -- configuration, output, scenarios ---------------------------------------------------------
@pytest.mark.parametrize(
    ("config", "n", "message"),
    [
        ({"virality": {}}, 500, "unknown organic part"),
        ({"cascades": {"delay_median": 3}}, 500, "delay_median_minutes"),
        ({"activity": {"enabled": False}}, 500, "unknown key"),
        ({"activity": {"hourly_weights": [1.0] * 23}}, 500, "24"),
        ({}, 25, "too few"),
    ],
)
def test_bad_configuration_is_refused(config: dict, n: int, message: str, tmp_path: Path) -> None:
    world = World(tmp_path, start=START, days=1, seed=0)
    with pytest.raises(InputError, match=message):
        OrganicPlatform(world, config, n)


def organic_only(seed: int) -> Scenario:
    return Scenario(name="organic", accounts=400, days=2, seed=seed)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        simulate(tmp_path / name, scenario=organic_only(seed))
    for file in ("tweets.csv", "users.csv", "labels.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert (tmp_path / "a/tweets.csv").read_bytes() != (tmp_path / "c/tweets.csv").read_bytes()


def test_output_ingests_without_rejects(tmp_path: Path) -> None:
    report = simulate(tmp_path, scenario=organic_only(9))
    with coordnet.open_store() as store:
        result = coordnet.ingest([tmp_path / "tweets.csv", tmp_path / "users.csv"], store)
        sources = store.engine.rows("SELECT time_source, count(*) FROM actions GROUP BY 1")
    assert [f.format for f in result.files] == ["twitter-io", "twitter-io-users"]
    assert result.n_rejects == 0
    assert result.files[0].n_actions == report.n_actions
    assert sources == [("snowflake", report.n_actions)]


def test_bundled_scenarios() -> None:
    default = load_scenario("default")
    assert (default.accounts, default.days) == (5000, 7)
    assert {c["style"] for c in default.campaigns} == STYLES
    assert all({"name", "style", "size"} <= set(c) for c in default.campaigns)
    # the default scenario documents every organic key, with its default value
    assert default.organic == DEFAULTS
    demo = load_scenario("demo")
    assert demo.accounts <= 1000 and demo.days == 3 and len(demo.campaigns) == 3
    hard = load_scenario("hard_negatives")
    assert hard.campaigns == []
    assert hard.organic["breaking_news"]["share"] > DEFAULTS["breaking_news"]["share"]


def test_demo_runs_in_seconds(tmp_path: Path) -> None:
    started = datetime.now()
    report = simulate(tmp_path, scenario="demo")
    assert (datetime.now() - started).total_seconds() < 10
    assert report.n_campaign_accounts > 0 and report.n_actions > 1000
