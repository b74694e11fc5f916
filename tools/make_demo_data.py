"""Write the small demo data set bundled with coordnet (information-operations CSV format).

Organic accounts post and retweet at random human delays; one planted ring of accounts
retweets a seed account within seconds, copy-pastes a slogan and pushes one domain.
Deterministic (seed 7). Run from the repository root: python tools/make_demo_data.py
"""

from __future__ import annotations

import csv
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUT = Path("src/coordnet/demo")
EPOCH_MS = 1288834974657
START = datetime(2019, 8, 12, tzinfo=UTC)
COLUMNS = [
    "tweetid",
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "user_profile_url",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "tweet_client_name",
    "in_reply_to_userid",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "is_retweet",
    "retweet_userid",
    "retweet_tweetid",
    "latitude",
    "longitude",
    "quote_count",
    "reply_count",
    "like_count",
    "retweet_count",
    "hashtags",
    "urls",
    "user_mentions",
]


def snowflake(t: datetime, seq: int) -> str:
    return str(((int(t.timestamp() * 1000) - EPOCH_MS) << 22) | (seq % 4096))


def main() -> None:
    rng = random.Random(7)
    users = []
    for i in range(60):
        ring = i >= 48
        users.append({
            "userid": f"{1000 + i}", "name": f"user{i}", "ring": ring,
            "created": f"2019-07-2{rng.randint(0, 3)}" if ring
            else f"201{rng.randint(0, 6)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "followers": rng.randint(0, 40) if ring else int(rng.paretovariate(1.2) * 50),
        })  # fmt: skip
    seed_user = users[47]
    rows, seq = [], 0
    posts: list[tuple[str, str, datetime]] = []
    t = START
    for _ in range(900):
        t += timedelta(seconds=rng.expovariate(1 / 240))
        u = rng.choice(users[:48])
        seq += 1
        tid = snowflake(t, seq)
        if posts and rng.random() < 0.4:
            pid, puid, _ = rng.choice(posts[-50:])
            rows.append((u, tid, t, "RT", pid, puid, "", ""))
        else:
            tag = rng.choice(["news", "weather", "football", "music", "hongkong"])
            rows.append(
                (u, tid, t, f"thoughts on {tag} number {rng.randint(1, 500)}", "", "", tag, "")
            )
            posts.append((tid, u["userid"], t))
    for k in range(12):
        t0 = START + timedelta(hours=6 * k + rng.random())
        seq += 1
        sid = snowflake(t0, seq)
        rows.append(
            (
                seed_user,
                sid,
                t0,
                "Rioters are destroying our city #StopViolence",
                "",
                "",
                "StopViolence",
                "https://www.example-news.cn/story?id=" + str(k) + "&utm_source=tw",
            )
        )
        for u in users[48:]:
            dt = t0 + timedelta(seconds=rng.uniform(2, 25))
            seq += 1
            rows.append((u, snowflake(dt, seq), dt, "RT", sid, seed_user["userid"], "", ""))
    rows.sort(key=lambda r: r[2])
    with open(OUT / "tweets.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for u, tid, when, text, pid, puid, tag, url in rows:
            is_rt = text == "RT"
            w.writerow([
                tid, u["userid"], u["name"], u["name"], "", "", "", u["followers"], 100,
                u["created"], "en", "en", "RT" if is_rt else text, when.strftime("%Y-%m-%d %H:%M"),
                "Twitter Web App", "", "", "", str(is_rt), puid, pid, "", "", 0, 0, 0, 0,
                f"[{tag}]" if tag else "[]", f"[{url}]" if url else "[]", "[]",
            ])  # fmt: skip
    print(f"wrote {len(rows)} tweets")


if __name__ == "__main__":
    main()
