"""Deterministic synthetic activity for the signal benchmarks, written for both tools.

``make_activity(shape, n_actions, seed, out)`` draws actions with numpy (seeded, so the same
arguments give byte-identical files) and writes, from the same rows:

* ``io.csv``: Twitter's information-operations archive layout (the columns of
  ``*_tweets_csv_hashed.csv``, hashed and plain user ids, snowflake tweet ids that carry the
  exact millisecond, minute-resolution ``tweet_time``, list columns), which coordnet ingests;
* ``peer.csv``: coordination-network-toolkit's CSV layout (``message_id, user_id, username,
  repost_id, reply_id, message, timestamp, urls``) with the same exact times as seconds, so
  both tools see the same events;
* ``meta.json``: counts, including the number of co-repost pairs within 60 s (the output
  size any exact method has to reach, and the size of the peer's SQL join).

Shapes (``SHAPES``):

* ``skewed``: retweets only, over a week. Retweeted posts have Zipf popularity and most
  retweets come in a burst minutes after the post, so the viral posts collect thousands of
  retweets within minutes: the all-pairs case.
* ``uniform``: retweets only, over 30 days; every post is equally popular (about ten
  retweets each).
* ``mixed``: originals (hashtags, URLs, mentions, unique texts and a few slogans repeated
  verbatim), replies to Zipf-popular posts and skewed retweets, over 30 days: one input for
  every signal. Hashtags and URLs have Zipf popularity; hashtags are used all month, a fifth
  of their uses in bursts around an event; a link is shared in the hours after its story is
  published.

Each shape also holds a planted campaign (1% of actions): groups of 25 accounts that retweet
the same posts (``mixed``: also paste the same slogan, tag and link) within 30 s of each other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["SHAPES", "VERSION", "Shape", "make_activity"]

#: Bumped whenever the generator's output changes, so cached inputs are not reused.
VERSION = 3

START_MS = 1_564_617_600_000  # 2019-08-01T00:00:00Z
SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
DAY_MS = 86_400_000
POST, REPLY, REPOST = 0, 1, 2
#: Zipf exponents of popularity: reposted and replied-to posts; hashtags, URLs and accounts.
POST_ZIPF = 0.7
ZIPF = 1.0
#: Most reposts come in a burst after the post (exponential lag, per-post median scale) ...
FAST_SHARE = 0.6
FAST_LAG_MS = 300_000
#: ... the rest trickle in over hours.
SLOW_LAG_MS = 6 * 3_600_000
CAMPAIGN_SHARE = 0.01
CAMPAIGN_SIZE = 25
ACTIONS_PER_ACCOUNT = 20
PAIR_WINDOW_MS = 60_000


@dataclass(frozen=True)
class Shape:
    """A kind of data set: its default size, time span and mix of actions."""

    name: str
    n_actions: int
    days: int
    zipf: bool
    mixed: bool
    summary: str


SHAPES: dict[str, Shape] = {
    s.name: s
    for s in (
        Shape("skewed", 1_000_000, 7, True, False, "retweets, Zipf popularity, bursts"),
        Shape("uniform", 5_000_000, 30, False, False, "retweets, uniform popularity"),
        Shape("mixed", 10_000_000, 30, True, True, "posts, replies and retweets"),
    )
}


def _zipf(rng: np.random.Generator, n_items: int, size: int, s: float = ZIPF) -> np.ndarray:
    """Indices in ``[0, n_items)``, index 0 the most popular (weights 1 / rank^s)."""
    cdf = np.cumsum(np.arange(1, n_items + 1, dtype=np.float64) ** -s)
    return np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(size)), n_items - 1)


def _snowflake(ms: np.ndarray, seq: np.ndarray) -> np.ndarray:
    return ((ms - SNOWFLAKE_EPOCH_MS) << 22) + seq


def _reactions(
    rng: np.random.Generator, n: int, days: int, zipf: bool, seq_base: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``n`` reactions to external posts: (post index, post id, post time, reaction time)."""
    n_posts = max(1, n // 10)
    post = _zipf(rng, n_posts, n, POST_ZIPF) if zipf else rng.integers(0, n_posts, n)
    post_ms = START_MS + rng.integers(0, days * DAY_MS, n_posts)
    scale = FAST_LAG_MS * rng.lognormal(0.0, 1.0, n_posts)
    fast = rng.random(n) < FAST_SHARE
    lag = np.where(fast, rng.exponential(1.0, n) * scale[post], rng.exponential(SLOW_LAG_MS, n))
    post_id = _snowflake(post_ms, seq_base + np.arange(n_posts) % (1 << 20))
    return post, post_id, post_ms, post_ms[post] + 1000 + lag.astype(np.int64)


def _columns(n: int) -> dict[str, np.ndarray]:
    return {
        "ms": np.zeros(n, np.int64), "user": np.zeros(n, np.int64),
        "kind": np.full(n, POST, np.int8), "parent": np.zeros(n, np.int64),
        "parent_user": np.full(n, -1, np.int64), "ref": np.full(n, -1, np.int64),
        "tag1": np.full(n, -1, np.int64), "tag2": np.full(n, -1, np.int64),
        "tag3": np.full(n, -1, np.int64), "url": np.full(n, -1, np.int64),
        "mention": np.full(n, -1, np.int64),
    }  # fmt: skip


def generate(shape: Shape, n_actions: int, seed: int) -> tuple[dict[str, np.ndarray], dict]:
    """The actions as numpy columns (sorted by time, with tweet ids) and a summary."""
    rng = np.random.default_rng(seed)
    n_camp = int(n_actions * CAMPAIGN_SHARE) // CAMPAIGN_SIZE * CAMPAIGN_SIZE
    n_org = n_actions - n_camp
    n_users = max(100, n_actions // ACTIONS_PER_ACCOUNT)
    n_groups = max(2, n_actions // 250_000)
    if shape.mixed:
        n_rt, n_rep = int(n_org * 0.45), int(n_org * 0.10)
    else:
        n_rt, n_rep = n_org, 0
    n_post = n_org - n_rt - n_rep
    parts = []
    activity = rng.lognormal(0.0, 1.5, n_users)
    cdf_users = np.cumsum(activity) / activity.sum()

    def actors(size: int) -> np.ndarray:
        return np.minimum(np.searchsorted(cdf_users, rng.random(size)), n_users - 1)

    # Retweets of external posts, whose authors are popular accounts.
    post, post_id, post_ms, ms = _reactions(rng, n_rt, shape.days, shape.zipf, 1 << 21)
    author = _zipf(rng, n_users, len(post_id))
    rt = _columns(n_rt)
    rt.update(ms=ms, user=actors(n_rt), parent=post_id[post], parent_user=author[post], ref=post)
    rt["kind"][:] = REPOST
    parts.append(rt)
    n_top = int(np.bincount(post).max()) if n_rt else 0

    n_tags, n_urls = max(100, n_post // 200), max(100, n_post // 15)
    n_slogans = max(50, n_post // 2000)
    if n_rep:
        target, target_id, _, ms = _reactions(rng, n_rep, shape.days, True, (1 << 21) + (1 << 20))
        target_author = _zipf(rng, n_users, len(target_id))
        rep = _columns(n_rep)
        rep.update(ms=ms, user=actors(n_rep), parent=target_id[target],
                   parent_user=target_author[target], ref=target)  # fmt: skip
        rep["kind"][:] = REPLY
        parts.append(rep)
    if n_post:
        po = _columns(n_post)
        po.update(ms=START_MS + rng.integers(0, shape.days * DAY_MS, n_post), user=actors(n_post))
        n_tagged = rng.integers(1, 4, n_post) * (rng.random(n_post) < 0.5)
        for i, col in enumerate(("tag1", "tag2", "tag3")):
            po[col] = np.where(n_tagged > i, _zipf(rng, n_tags, n_post), -1)
        # Hashtag movements: a fifth of tagged posts come in a burst around their tag's event.
        event_ms = START_MS + rng.integers(0, shape.days * DAY_MS, n_tags)
        burst = (n_tagged > 0) & (rng.random(n_post) < 0.2)
        lag = rng.exponential(1_200_000, n_post).astype(np.int64)
        po["ms"] = np.where(burst, event_ms[np.maximum(po["tag1"], 0)] + lag, po["ms"])
        # Links: a story is shared in the hours after it is published.
        po["url"] = np.where(rng.random(n_post) < 0.3, _zipf(rng, n_urls, n_post), -1)
        published = START_MS + rng.integers(0, shape.days * DAY_MS, n_urls)
        decay = 2 * 3_600_000 * rng.lognormal(0.0, 1.0, n_urls)
        has_url = po["url"] >= 0
        url = np.maximum(po["url"], 0)
        shared = published[url] + (rng.exponential(1.0, n_post) * decay[url]).astype(np.int64)
        po["ms"] = np.where(has_url, shared, po["ms"])
        po["mention"] = np.where(rng.random(n_post) < 0.2, _zipf(rng, n_users, n_post), -1)
        po["ref"] = np.where(rng.random(n_post) < 0.03, _zipf(rng, n_slogans, n_post), -1)
        parts.append(po)

    # The planted campaign: groups of dedicated accounts acting within 30 s of each other.
    n_events = n_camp // CAMPAIGN_SIZE
    if n_events:
        group = rng.integers(0, n_groups, n_events)
        members = (n_users + group[:, None] * CAMPAIGN_SIZE + np.arange(CAMPAIGN_SIZE)).ravel()
        pasted = rng.random(n_events) < (0.5 if shape.mixed else 0.0)
        which = rng.integers(0, len(post_id), n_events)
        start = post_ms[which] + rng.exponential(600_000, n_events).astype(np.int64)
        camp = _columns(n_camp)
        rep_ev = np.repeat(np.arange(n_events), CAMPAIGN_SIZE)
        camp.update(ms=start[rep_ev] + rng.integers(0, 30_000, n_camp), user=members)
        is_rt = ~pasted[rep_ev]
        camp["kind"] = np.where(is_rt, REPOST, POST).astype(np.int8)
        camp["parent"] = np.where(is_rt, post_id[which][rep_ev], 0)
        camp["parent_user"] = np.where(is_rt, author[which][rep_ev], -1)
        # Pasted posts: a campaign slogan, the group's tag and the event's link.
        camp["ref"] = np.where(is_rt, which[rep_ev], n_slogans + rep_ev)
        camp["tag1"] = np.where(is_rt, -1, n_tags + group[rep_ev])
        camp["url"] = np.where(is_rt, -1, n_urls + rep_ev)
        parts.append(camp)

    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.argsort(cols["ms"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    # Snowflake ids: the millisecond plus a sequence number unique within it.
    ms, idx = cols["ms"], np.arange(len(order))
    first = np.ones(len(ms), bool)
    first[1:] = ms[1:] != ms[:-1]
    seq = idx - np.maximum.accumulate(np.where(first, idx, 0))
    cols["tweetid"] = _snowflake(ms, seq)
    kinds = np.bincount(cols["kind"], minlength=3)
    summary = {
        "shape": shape.name, "n_actions": len(ms), "seed": seed,
        "n_accounts": len(np.unique(cols["user"])),
        "n_posts": int(kinds[POST]), "n_replies": int(kinds[REPLY]),
        "n_reposts": int(kinds[REPOST]), "n_reposted_posts": len(post_id),
        "n_campaign_accounts": n_groups * CAMPAIGN_SIZE if n_events else 0,
        "max_reposts_of_one_post": n_top,
    }  # fmt: skip
    return cols, summary


MACROS = """
CREATE OR REPLACE TEMP MACRO uid(u) AS CASE WHEN u % 3 = 0 THEN (100000000 + u)::VARCHAR
    ELSE md5('user' || u) || md5('salt' || u) END;
CREATE OR REPLACE TEMP MACRO story(p) AS
    'Story ' || p || ' on topic ' || (p % 97) || ', read this now';
CREATE OR REPLACE TEMP MACRO tag(t) AS CASE WHEN t >= 0 THEN 'Tag' || t END;
CREATE OR REPLACE TEMP MACRO link(x) AS CASE WHEN x >= 0 THEN 'https://www.news' || (x % 300)
    || '.example.com/story/' || x || CASE WHEN x % 3 = 0 THEN '?utm_source=twitter' ELSE '' END
    END;
CREATE OR REPLACE TEMP MACRO message(kind, tweetid, ref, parent_user, tag1, tag2, tag3, url) AS
    CASE kind
    WHEN 2 THEN 'RT @handle_' || parent_user || ': ' || story(ref)
    WHEN 1 THEN '@handle_' || parent_user || ' my reply ' || tweetid || ', agreed'
    ELSE CASE WHEN ref >= 0 THEN 'Slogan ' || ref || ': stand together now'
              ELSE 'Note ' || tweetid || ' on topic ' || (tweetid % 89) END
         || coalesce(' #' || tag(tag1), '') || coalesce(' #' || tag(tag2), '')
         || coalesce(' #' || tag(tag3), '')
         || CASE WHEN url >= 0 THEN ' https://t.co/' || md5(tweetid::VARCHAR)[1:10] ELSE '' END
    END;
"""

IO_SQL = """
COPY (
  SELECT tweetid::VARCHAR AS tweetid, uid("user") AS userid,
    'Name ' || "user" AS user_display_name, 'handle_' || "user" AS user_screen_name,
    CASE WHEN "user" % 5 = 0 THEN 'Springfield' ELSE '' END AS user_reported_location,
    'bio of ' || "user" AS user_profile_description, '' AS user_profile_url,
    ("user" * 13 % 20000)::VARCHAR AS follower_count,
    ("user" * 7 % 3000)::VARCHAR AS following_count,
    strftime(DATE '2012-01-01' + ("user" % 2500)::INT, '%Y-%m-%d') AS account_creation_date,
    'en' AS account_language, 'en' AS tweet_language,
    message(kind, tweetid, ref, parent_user, tag1, tag2, tag3, url) AS tweet_text,
    strftime(make_timestamp(ms * 1000), '%Y-%m-%d %H:%M') AS tweet_time,
    'Twitter for Android' AS tweet_client_name,
    CASE WHEN kind = 1 THEN uid(parent_user) ELSE '' END AS in_reply_to_userid,
    CASE WHEN kind = 1 THEN parent::VARCHAR ELSE '' END AS in_reply_to_tweetid,
    '' AS quoted_tweet_tweetid,
    CASE WHEN kind = 2 THEN 'True' ELSE 'False' END AS is_retweet,
    CASE WHEN kind = 2 THEN uid(parent_user) ELSE '' END AS retweet_userid,
    CASE WHEN kind = 2 THEN parent::VARCHAR ELSE '' END AS retweet_tweetid,
    '' AS latitude, '' AS longitude, '0' AS quote_count, '0' AS reply_count,
    (tweetid % 17)::VARCHAR AS like_count, '0' AS retweet_count,
    '[' || concat_ws(', ', tag(tag1), tag(tag2), tag(tag3)) || ']' AS hashtags,
    '[' || coalesce(link(url), '') || ']' AS urls,
    CASE WHEN mention >= 0 THEN '[' || uid(mention) || ']' ELSE '[]' END AS user_mentions,
    '' AS poll_choices
  FROM g
) TO '{path}' (HEADER, DELIMITER ',')
"""

# The same rows in the peer's layout; ``ms / 1000.0`` is the double coordnet compares too.
PEER_SQL = """
COPY (
  SELECT tweetid::VARCHAR AS message_id, uid("user") AS user_id,
    'handle_' || "user" AS username,
    CASE WHEN kind = 2 THEN parent::VARCHAR ELSE '' END AS repost_id,
    CASE WHEN kind = 1 THEN parent::VARCHAR ELSE '' END AS reply_id,
    message(kind, tweetid, ref, parent_user, tag1, tag2, tag3, url) AS message,
    (ms / 1000.0)::VARCHAR AS timestamp,
    coalesce(link(url), '') AS urls
  FROM g
) TO '{path}' (HEADER, DELIMITER ',')
"""

# Co-repost pairs within the window: two reposts of one post by distinct accounts at most
# 60 s apart, each pair once.
PAIRS_SQL = f"""
SELECT (coalesce(sum(n_all - n_self), 0) // 2)::BIGINT FROM (
  SELECT count(*) OVER w_all - 1 AS n_all, count(*) OVER w_self - 1 AS n_self
  FROM g WHERE kind = {REPOST}
  WINDOW w_all AS (PARTITION BY parent ORDER BY ms
                   RANGE BETWEEN {PAIR_WINDOW_MS} PRECEDING AND {PAIR_WINDOW_MS} FOLLOWING),
         w_self AS (PARTITION BY parent, "user" ORDER BY ms
                    RANGE BETWEEN {PAIR_WINDOW_MS} PRECEDING AND {PAIR_WINDOW_MS} FOLLOWING))
"""


def make_activity(shape: Shape, n_actions: int, seed: int, out: Path) -> dict:
    """Write ``io.csv``, ``peer.csv`` and ``meta.json`` under ``out`` once; the summary."""
    meta_path = out / "meta.json"
    if meta_path.exists():
        return json.loads(meta_path.read_text())
    import duckdb
    import pyarrow as pa

    out.mkdir(parents=True, exist_ok=True)
    cols, summary = generate(shape, n_actions, seed)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("g", pa.table(cols))
    con.execute(MACROS)
    for name, sql in (("io.csv", IO_SQL), ("peer.csv", PEER_SQL)):
        tmp = out / (name + ".tmp")
        con.execute(sql.format(path=tmp))
        tmp.rename(out / name)
    summary["n_co_repost_pairs_60s"] = con.execute(PAIRS_SQL).fetchone()[0]
    meta_path.write_text(json.dumps(summary, indent=1))
    return summary
