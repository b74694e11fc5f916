"""Ingest speed: coordnet's information-operations reader next to a raw DuckDB scan.

Writes (once, cached in benchmarks/_work/) an information-operations tweet CSV with
``--rows`` rows (default 1,000,000) in the archive's real column layout -- hashed and plain
user ids, snowflake ids, list columns, retweets and replies, multi-line profile texts --
with entity rates like the IRA archive's (55% of tweets with a URL, 200,000 distinct, a third
with tracking parameters; 50% with hashtags; a third retweets). Then, in the same run and
alternating, it times:

* ``raw``: ``CREATE TABLE AS SELECT * FROM read_csv(...)`` of the same file into a database
  file, closed (checkpointed) like coordnet's store: DuckDB's own parse into a durable table,
  all columns as text -- the floor for any CSV ingest;
* ``coordnet``: ``coordnet.ingest`` into a fresh file store (parse, map, validate, normalise
  URLs/hashtags/text, de-duplicate, actors, transaction).

Each is run in a fresh subprocess so peak memory (max RSS) is per run. Prints one table
with rows/s, the coordnet/raw rate ratio and peak memory.

    python benchmarks/ingest.py [--rows 1000000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

WORK = Path(__file__).parent / "_work"

MAKE_CSV = r"""
COPY (
  SELECT
    ((((1565000000000 + i * 937) - 1288834974657) << 22) + (i % 4096))::VARCHAR AS tweetid,
    CASE WHEN u % 3 = 0 THEN md5('user' || u) || md5('salt' || u) ELSE (100000 + u)::VARCHAR END
      AS userid,
    'Name ' || u AS user_display_name,
    'handle_' || u AS user_screen_name,
    CASE WHEN u % 5 = 0 THEN 'Hong Kong' ELSE '' END AS user_reported_location,
    CASE WHEN u % 7 = 0 THEN 'line one' || chr(10) || 'line two, with comma' ELSE 'bio ' || u END
      AS user_profile_description,
    '' AS user_profile_url,
    (u * 13 % 20000)::VARCHAR AS follower_count,
    (u * 7 % 3000)::VARCHAR AS following_count,
    strftime(DATE '2015-01-01' + (u % 1500)::INT, '%Y-%m-%d') AS account_creation_date,
    'zh-cn' AS account_language,
    'zh' AS tweet_language,
    CASE WHEN i % 3 = 0 THEN 'RT @handle_' || (i % 997) || ': ' ELSE '' END
      || 'Some text about topic ' || (i % 5000)
      || CASE WHEN i % 2 = 0 THEN ' #Tag' || (i % 50) ELSE '' END
      || CASE WHEN i % 20 < 11 THEN ' https://t.co/' || md5(i::VARCHAR)[1:10] ELSE '' END
      AS tweet_text,
    strftime(make_timestamp((1565000000000 + i * 937) * 1000), '%Y-%m-%d %H:%M') AS tweet_time,
    'Twitter for Android' AS tweet_client_name,
    CASE WHEN i % 11 = 0 THEN (100000 + i % 977)::VARCHAR ELSE '' END AS in_reply_to_userid,
    CASE WHEN i % 11 = 0 THEN (1100000000000000000 + i % 977)::VARCHAR ELSE '' END
      AS in_reply_to_tweetid,
    '' AS quoted_tweet_tweetid,
    CASE WHEN i % 3 = 0 THEN 'True' ELSE 'False' END AS is_retweet,
    CASE WHEN i % 3 = 0 THEN (100000 + i % 997)::VARCHAR ELSE '' END AS retweet_userid,
    CASE WHEN i % 3 = 0 THEN (1100000000000000000 + i % 9973)::VARCHAR ELSE '' END
      AS retweet_tweetid,
    '' AS latitude, '' AS longitude,
    '0' AS quote_count, '0' AS reply_count, (i % 17)::VARCHAR AS like_count,
    (i % 5)::VARCHAR AS retweet_count,
    CASE WHEN i % 2 = 0 THEN '[Tag' || (i % 50) || ', HongKong]' ELSE '[]' END AS hashtags,
    CASE WHEN i % 20 < 11
         THEN '[https://www.Example.com/story/' || (i % 200000)
              || CASE WHEN i % 3 = 0 THEN '?utm_source=twitter' ELSE '' END || ']'
         ELSE '[]' END AS urls,
    CASE WHEN i % 4 = 0 THEN '[' || (100000 + i % 991) || ']' ELSE '[]' END AS user_mentions,
    '' AS poll_choices
  FROM (SELECT i, (i * 7919) % 60000 AS u FROM range({rows}) t(i))
) TO '{path}' (HEADER, DELIMITER ',')
"""

RUN_RAW = """
import duckdb, json, resource, sys, time
path, db = sys.argv[1], sys.argv[2]
con = duckdb.connect(db)
t = time.perf_counter()
con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv('{path}', all_varchar = true, "
            "header = true)")
n = con.execute("SELECT count(*) FROM raw").fetchone()[0]
con.close()  # a durable table, like coordnet's store: checkpoint included
print(json.dumps({"seconds": time.perf_counter() - t, "rows": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

RUN_COORDNET = """
import coordnet, json, resource, sys, time
path, db = sys.argv[1], sys.argv[2]
t = time.perf_counter()
report = coordnet.ingest([path], db)
f = report.files[0]
print(json.dumps({"seconds": time.perf_counter() - t, "rows": f.n_actions,
                  "rejects": f.n_rejects,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_csv(rows: int) -> Path:
    """The benchmark input, generated once per row count."""
    import duckdb

    WORK.mkdir(exist_ok=True)
    path = WORK / f"io_tweets_v2_{rows}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        duckdb.connect().execute(MAKE_CSV.format(rows=rows, path=tmp))
        tmp.rename(path)
    return path


def run(script: str, path: Path) -> dict[str, float]:
    """Run one timed job in a fresh interpreter and a fresh database file."""
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        done = subprocess.run(
            [sys.executable, "-c", script, str(path), db],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    path = make_csv(args.rows)
    size_mb = path.stat().st_size / 1e6
    results: dict[str, list[dict[str, float]]] = {"raw": [], "coordnet": []}
    for _ in range(args.repeat):
        results["raw"].append(run(RUN_RAW, path))
        results["coordnet"].append(run(RUN_COORDNET, path))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in results.items()}
    raw_rate = best["raw"]["rows"] / best["raw"]["seconds"]
    print(f"input: {path.name}, {args.rows:,} rows, {size_mb:,.0f} MB; best of {args.repeat}")
    print(f"{'run':<10} {'seconds':>8} {'rows/s':>12} {'vs raw':>7} {'peak MB':>8}")
    for name, r in best.items():
        rate = r["rows"] / r["seconds"]
        print(f"{name:<10} {r['seconds']:>8.2f} {rate:>12,.0f} {rate / raw_rate:>7.2f} "
              f"{r['rss_mb']:>8,.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
