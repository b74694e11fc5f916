"""Planted campaigns: each style's signature shape, its labels, traits, sizes and determinism.

Every test runs a small platform (a few hundred organic accounts, 2-3 days, one campaign)
and reads the written ``tweets.csv`` / ``users.csv`` / ``labels.csv`` / ``sessions.csv``.
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import coordnet
from coordnet.errors import InputError
from coordnet.ingest.normalize import SNOWFLAKE_EPOCH_MS
from coordnet.simulate.campaigns import STYLES, build_campaigns
from coordnet.simulate.organic import OrganicPlatform
from coordnet.simulate.world import World

START = datetime(2019, 8, 1, tzinfo=UTC)  # a Thursday


@dataclass
class Sim:
    """What one run wrote, read back."""

    out: Path
    world: World
    tweets: list[dict[str, str]]
    users: dict[str, dict[str, str]]
    labels: dict[str, dict[str, str]]
    sessions: list[dict[str, str]]

    def members(self, role: str | None = None) -> set[str]:
        return {
            a
            for a, r in self.labels.items()
            if r["campaign"] and (role is None or r["role"] == role)
        }

    def rows_of(self, ids: set[str]) -> list[dict[str, str]]:
        return [t for t in self.tweets if t["userid"] in ids]


def at_ms(row: dict[str, str]) -> int:
    """A row's exact time, from its snowflake id (``tweet_time`` has minutes only)."""
    return (int(row["tweetid"]) >> 22) + SNOWFLAKE_EPOCH_MS


def local(row: dict[str, str], tz_hours: float) -> datetime:
    """A row's time on the clock of a time zone ``tz_hours`` from UTC."""
    return datetime.fromtimestamp(at_ms(row) / 1000 + tz_hours * 3600, tz=UTC)


def listed(cell: str) -> list[str]:
    inner = cell.strip()[1:-1]
    return [x.strip() for x in inner.split(",")] if inner.strip() else []


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def run_sim(
    out: Path,
    campaigns: list[dict[str, Any]],
    *,
    days: int = 3,
    seed: int = 7,
    n_organic: int = 300,
) -> Sim:
    world = World(out, start=START, days=days, seed=seed)
    platform = OrganicPlatform(world, {}, n_organic)
    built = build_campaigns(world, platform, campaigns)
    for day in range(days):
        platform.run_day(day)
        for c in built:
            c.run_day(day)
    world.close()
    return Sim(
        out=out,
        world=world,
        tweets=_read(out / "tweets.csv"),
        users={u["userid"]: u for u in _read(out / "users.csv")},
        labels={r["actor_id"]: r for r in _read(out / "labels.csv")},
        sessions=_read(out / "sessions.csv"),
    )


# -- styles -----------------------------------------------------------------------------------
def test_amplification_ring_reposts_seeds_within_seconds(tmp_path: Path) -> None:
    sim = run_sim(tmp_path, [{"name": "ring", "style": "amplification_ring", "size": 30}])
    seeds, amps = sim.members("seed"), sim.members("amplifier")
    assert 1 <= len(seeds) <= 5 and len(seeds) + len(amps) == 30
    seed_posts = {t["tweetid"]: at_ms(t) for t in sim.rows_of(seeds) if t["is_retweet"] == "False"}
    reposts = [t for t in sim.rows_of(amps) if t["retweet_tweetid"] in seed_posts]
    delays = [(at_ms(t) - seed_posts[t["retweet_tweetid"]]) / 1000 for t in reposts]
    assert len(seed_posts) >= 5
    assert statistics.median(delays) < 60
    assert min(delays) > 0 and max(delays) <= 150
    amplified = {t["retweet_tweetid"] for t in reposts}
    assert len(amplified) / len(seed_posts) >= 0.7  # most seed posts
    per_post = Counter(t["retweet_tweetid"] for t in reposts)
    assert statistics.median(per_post.values()) >= 0.5 * len(amps)


def test_copy_paste_texts_near_identical_but_edited(tmp_path: Path) -> None:
    sim = run_sim(tmp_path, [{"name": "cp", "style": "copy_paste", "size": 25}])
    rows = sorted(sim.rows_of(sim.members()), key=at_ms)
    assert len(rows) >= 50

    def words(text: str) -> set[str]:
        return {w.strip(".!?,").lower() for w in text.split() if not w.startswith("#")} - {""}

    bags = [words(r["tweet_text"]) for r in rows]
    best = []
    for i, bag in enumerate(bags):
        # nearest other copy, by word overlap (Jaccard)
        best.append(max(len(bag & o) / len(bag | o) for j, o in enumerate(bags) if j != i))
    assert statistics.median(best) >= 0.8
    texts = Counter(r["tweet_text"] for r in rows)
    assert len(texts) >= 0.3 * len(rows)  # edited copies...
    assert texts.most_common(1)[0][1] >= 3  # ...next to verbatim ones


def test_hashtag_flood_repeats_one_ordered_sequence(tmp_path: Path) -> None:
    sim = run_sim(tmp_path, [{"name": "flood", "style": "hashtag_flood", "size": 20}])
    rows = sim.rows_of(sim.members())
    sequences = Counter(tuple(listed(r["hashtags"])) for r in rows)
    # one sequence per operators' day, identical and in the same order in every post
    assert 2 <= len(sequences) <= 3
    assert all(len(seq) == 4 for seq in sequences)
    assert min(sequences.values()) >= 10 and sum(sequences.values()) == len(rows)
    for seq in sequences:
        times = [at_ms(r) for r in rows if tuple(listed(r["hashtags"])) == seq]
        assert max(times) - min(times) < 86_400_000


def test_link_amplification_pushes_one_domain(tmp_path: Path) -> None:
    sim = run_sim(
        tmp_path,
        [{"name": "links", "style": "link_amplification", "size": 20, "domain": "dailytruth.net"}],
    )
    urls = [u for r in sim.rows_of(sim.members()) for u in listed(r["urls"])]
    hosts = Counter(urlsplit(u).hostname.removeprefix("www.") for u in urls)
    assert hosts.most_common(1)[0][0] == "dailytruth.net"
    assert hosts["dailytruth.net"] / len(urls) >= 0.7
    assert set(hosts) - {"dailytruth.net"} <= {"bit.ly", "ow.ly", "tinyurl.com"}
    assert len(set(urls)) >= 0.5 * len(urls)  # paths, parameters and shorteners vary
    assert any("utm_source=" in u for u in urls)


def test_reply_swarm_hits_one_target_within_minutes(tmp_path: Path) -> None:
    sim = run_sim(tmp_path, [{"name": "swarm", "style": "reply_swarm", "size": 20}])
    replies = sim.rows_of(sim.members())
    assert len(replies) >= 20 and all(r["in_reply_to_tweetid"] for r in replies)
    targets = {r["in_reply_to_userid"] for r in replies}
    assert len(targets) == 1
    (target,) = targets
    assert not sim.labels[target]["campaign"]  # an organic account
    parents = {t["tweetid"]: at_ms(t) for t in sim.tweets if t["userid"] == target}
    delays = [(at_ms(r) - parents[r["in_reply_to_tweetid"]]) / 60_000 for r in replies]
    assert min(delays) > 0 and max(delays) <= 20 and statistics.median(delays) < 10


def test_slow_burn_coordination_is_sparse_and_accounts_aged(tmp_path: Path) -> None:
    sim = run_sim(tmp_path, [{"name": "slow", "style": "slow_burn", "size": 30}], days=14)
    rows = sim.rows_of(sim.members())
    seeds = sim.members("seed")
    # the coordinated acts: amplifiers' reposts of the seeds' posts, and those posts
    coordinated = [r for r in rows if r["retweet_userid"] in seeds]
    pushed = {r["retweet_tweetid"] for r in coordinated}
    n_acts = len(coordinated) + len(pushed)
    assert len(pushed) >= 1
    assert n_acts / len(rows) < 0.2
    spread = defaultdict(list)
    for r in coordinated:
        spread[r["retweet_tweetid"]].append(at_ms(r))
    # jittered: the co-reposts of one post spread over many minutes
    assert statistics.median(max(v) - min(v) for v in spread.values()) > 10 * 60_000
    created = [sim.users[a]["account_creation_date"] for a in sim.members()]
    assert max(created) <= "2017-08-01"  # at least two years old


def test_labels_count_coordinated_actions_without_camouflage(tmp_path: Path) -> None:
    sim = run_sim(tmp_path, [{"name": "slow", "style": "slow_burn", "size": 30},
                             {"name": "c", "style": "copy_paste", "size": 8}], days=7)  # fmt: skip
    seeds = sim.members("seed")
    by_actor = Counter(r["userid"] for r in sim.tweets)
    seed_reposts = Counter(r["userid"] for r in sim.tweets if r["retweet_userid"] in seeds)
    pushed = {r["retweet_tweetid"] for r in sim.tweets if r["retweet_userid"] in seeds}
    seed_posts = Counter(r["userid"] for r in sim.tweets if r["tweetid"] in pushed)
    for actor, row in sim.labels.items():
        acts = int(row["coordinated_actions"])
        if not row["campaign"]:
            assert acts == 0
        elif row["campaign"] == "c":  # no camouflage: every action is the campaign's
            assert acts == by_actor[actor] > 0
        elif row["role"] == "amplifier":  # slow burn: only its reposts of the seeds' posts
            assert acts == seed_reposts[actor] < by_actor[actor]
        else:  # a seed: the posts its amplifiers pushed (and seed posts nobody took up)
            assert acts >= seed_posts[actor]
    slow = [int(r["coordinated_actions"]) for r in sim.labels.values() if r["campaign"] == "slow"]
    assert 0 in slow and max(slow) > 0  # sparse: some personas never joined an act


def test_creation_burst_registers_in_one_span_with_patterned_handles(tmp_path: Path) -> None:
    sim = run_sim(tmp_path, [{"name": "burst", "style": "creation_burst", "size": 40}])
    users = [sim.users[a] for a in sim.members()]
    dates = sorted(datetime.fromisoformat(u["account_creation_date"]) for u in users)
    assert (dates[-1] - dates[0]).days <= 2  # 36 hours, over at most 3 calendar days
    assert dates[-1] < START.replace(tzinfo=None)
    assert all(re.fullmatch(r"[A-Z][a-z]+\d{8}", u["user_screen_name"]) for u in users)
    assert all(int(u["follower_count"]) < 30 for u in users)
    rows = sim.rows_of(sim.members())
    reposted = Counter(r["retweet_tweetid"] for r in rows if r["retweet_tweetid"])
    assert reposted.most_common(1)[0][1] >= 10  # they co-act


def test_creation_burst_prefix_counter_handles(tmp_path: Path) -> None:
    sim = run_sim(
        tmp_path,
        [{"name": "b", "style": "creation_burst", "size": 12, "handle_pattern": "prefix_counter"}],
        days=1,
    )
    handles = sorted(sim.users[a]["user_screen_name"] for a in sim.members())
    prefix = re.fullmatch(r"([a-z_]+)\d{4}", handles[0])
    assert prefix is not None
    counters = [int(h.removeprefix(prefix.group(1))) for h in handles]
    assert counters == list(range(counters[0], counters[0] + 12))


def test_shared_infrastructure_concentrates_sessions(tmp_path: Path) -> None:
    sim = run_sim(
        tmp_path,
        [{"name": "infra", "style": "shared_infrastructure", "size": 40, "country": "CN"}],
    )
    members = sim.members()
    mine = [s for s in sim.sessions if s["actor_id"] in members]
    other = [s for s in sim.sessions if s["actor_id"] not in members]
    assert len(mine) >= 40 and len({s["actor_id"] for s in mine}) >= 35
    ips = Counter(s["ip"] for s in mine)
    assert len(ips) <= 2  # auto: size / 20
    assert {s["country"] for s in mine if s["is_vpn"] == "false"} == {"CN"}
    assert len({s["device_id"] for s in mine}) <= 4
    # the others get ordinary sessions: many countries, an address or two each
    assert len({s["actor_id"] for s in other}) >= 60
    assert len({s["country"] for s in other}) >= 5
    assert len({s["ip"] for s in other}) >= len({s["actor_id"] for s in other})


def test_office_hours_stay_in_the_shift(tmp_path: Path) -> None:
    sim = run_sim(
        tmp_path, [{"name": "shift", "style": "office_hours", "size": 20, "tz_hours": 8.0}]
    )
    rows = sim.rows_of(sim.members())
    shift = [local(r, 8.0) for r in rows]
    assert len(rows) >= 100
    assert all(9 <= t.hour < 18 and t.weekday() < 5 for t in shift)
    days = Counter(t.strftime("%a") for t in shift)
    assert set(days) == {"Thu", "Fri"}  # Saturday, the third day, is off
    claimed = {sim.users[a]["user_reported_location"] for a in sim.members()}
    assert not any("China" in c for c in claimed) and claimed - {""}


def test_pages_groups_share_links_simultaneously(tmp_path: Path) -> None:
    sim = run_sim(tmp_path, [{"name": "pg", "style": "pages_groups", "size": 20}], days=2)
    kinds = Counter(a.actor_kind for a in sim.world.accounts if a.campaign)
    assert set(kinds) == {"page", "group"}
    assert all(a.actor_kind == "account" for a in sim.world.accounts if not a.campaign)
    by_article = defaultdict(list)
    for r in sim.rows_of(sim.members()):
        (url,) = listed(r["urls"])
        by_article[urlsplit(url).path.rsplit("/", 1)[-1]].append(at_ms(r))
    # near-simultaneous: most posts have >= 5 posts of the same link within a minute
    close = [sum(abs(u - t) <= 60_000 for u in v) - 1 for v in by_article.values() for t in v]
    assert len(close) >= 20
    assert sum(c >= 5 for c in close) / len(close) >= 0.9


# -- timing -----------------------------------------------------------------------------------
def test_campaign_acts_only_on_its_days(tmp_path: Path) -> None:
    cfg = {"name": "cp", "style": "copy_paste", "size": 30, "start_day": 1, "end_day": 3}
    sim = run_sim(tmp_path, [{**cfg, "tz_hours": -5.0}], days=4)
    clock = [local(r, -5.0) for r in sim.rows_of(sim.members())]
    # the operators' local days 1 and 2 (Aug 2-3), a script's 30 minutes past midnight at most
    assert {t.day for t in clock} >= {2, 3}
    assert all(t.day in (2, 3) or (t.day == 4 and t.hour == 0 and t.minute < 30) for t in clock)


def test_schedule_follows_the_operators_clock(tmp_path: Path) -> None:
    world = World(tmp_path, start=START, days=3, seed=3)
    platform = OrganicPlatform(world, {}, 100)
    (campaign,) = build_campaigns(
        world, platform, [{"name": "r", "style": "copy_paste", "size": 5, "tz_hours": 8.0}]
    )
    times = campaign.times(1, 20_000)
    hours = ((times // 1000 + 8 * 3600) % 86_400) // 3600
    assert len(times) == 20_000
    assert ((hours >= 1) & (hours < 7)).mean() < 0.05  # asleep
    assert ((hours >= 9) & (hours < 23)).mean() > 0.8  # awake, in UTC+8
    (shift,) = build_campaigns(
        world, platform, [{"name": "s", "style": "office_hours", "size": 5, "tz_hours": -3.0}]
    )
    hours = ((shift.times(0, 5_000) // 1000 - 3 * 3600) % 86_400) / 3600
    assert hours.min() >= 9 and hours.max() < 18
    assert len(shift.times(2, 100)) == 0  # Saturday
    world.close()


# -- labels, traits, sizes ----------------------------------------------------------------------
def test_labels_carry_campaign_style_and_role(tmp_path: Path) -> None:
    sim = run_sim(
        tmp_path,
        [
            {"name": "r", "style": "amplification_ring", "size": 10},
            {"name": "c", "style": "copy_paste", "size": 8},
        ],
        days=1,
    )
    rows = [r for r in sim.labels.values() if r["campaign"]]
    assert Counter((r["campaign"], r["style"]) for r in rows) == {
        ("r", "amplification_ring"): 10,
        ("c", "copy_paste"): 8,
    }
    assert {r["role"] for r in rows if r["campaign"] == "r"} == {"seed", "amplifier"}
    assert {r["role"] for r in rows if r["campaign"] == "c"} == {"operator"}
    assert all(r["role"] == "" for r in sim.labels.values() if not r["campaign"])


def test_traits_combine_with_any_style(tmp_path: Path) -> None:
    cfg = {
        "name": "mix",
        "style": "amplification_ring",
        "size": 15,
        "office_hours": True,
        "tz_hours": 8.0,
        "creation_burst": True,
        "shared_infrastructure": True,
    }
    sim = run_sim(tmp_path, [cfg])
    members = sim.members()
    rows = sim.rows_of(members)
    assert rows and all(9 <= local(r, 8.0).hour < 18 for r in rows)
    assert all(re.fullmatch(r"[A-Z][a-z]+\d{8}", sim.users[a]["user_screen_name"]) for a in members)
    assert {s["actor_id"] for s in sim.sessions} & members


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_works_at_size_five(tmp_path: Path, style: str) -> None:
    sim = run_sim(tmp_path, [{"name": "tiny", "style": style, "size": 5}], days=2, n_organic=150)
    assert len(sim.members()) == 5
    assert sim.rows_of(sim.members())


def test_thousands_of_accounts(tmp_path: Path) -> None:
    sim = run_sim(
        tmp_path, [{"name": "big", "style": "copy_paste", "size": 3000}], days=1, n_organic=200
    )
    rows = sim.rows_of(sim.members())
    assert len(sim.members()) == 3000 and len(rows) >= 1500  # a script or more, 80 % posting


def test_all_styles_ingest_without_rejects(tmp_path: Path) -> None:
    configs = [{"name": f"c-{s}", "style": s, "size": 12} for s in sorted(STYLES)]
    sim = run_sim(tmp_path, configs, days=2)
    with coordnet.open_store() as store:
        report = coordnet.ingest([tmp_path / "tweets.csv", tmp_path / "users.csv"], store)
    assert report.n_rejects == 0, report.rejects_by_reason
    assert report.files[0].n_actions == len(sim.tweets)
    assert {r["style"] for r in sim.labels.values() if r["style"]} == set(STYLES)


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    configs = [
        {"name": "a", "style": "slow_burn", "size": 10},
        {"name": "b", "style": "shared_infrastructure", "size": 10},
    ]
    one = run_sim(tmp_path / "one", configs, days=2, n_organic=150)
    two = run_sim(tmp_path / "two", configs, days=2, n_organic=150)
    other = run_sim(tmp_path / "other", configs, days=2, n_organic=150, seed=8)
    for name in ("tweets.csv", "users.csv", "labels.csv", "sessions.csv"):
        assert (one.out / name).read_bytes() == (two.out / name).read_bytes()
    assert (one.out / "tweets.csv").read_bytes() != (other.out / "tweets.csv").read_bytes()


# -- configuration errors -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("configs", "message"),
    [
        ([{"style": "carpet_bombing"}], "choose one of amplification_ring"),
        ([{"style": "copy_paste", "sise": 3}], "unknown key(s) sise"),
        ([{"style": "copy_paste", "size": 1}], "at least 2 accounts"),
        ([{"name": "x", "style": "copy_paste"}] * 2, "used twice"),
        ([{"style": "reply_swarm", "target": "nobody_here"}], "not an organic account"),
        ([{"style": "creation_burst", "handle_pattern": "uuid"}], "prefix_counter"),
    ],
)
def test_bad_configuration_is_an_input_error(
    tmp_path: Path, configs: list[dict[str, Any]], message: str
) -> None:
    world = World(tmp_path, start=START, days=1, seed=0)
    platform = OrganicPlatform(world, {}, 50)
    with pytest.raises(InputError, match=re.escape(message)):
        build_campaigns(world, platform, configs)
    world.close()
