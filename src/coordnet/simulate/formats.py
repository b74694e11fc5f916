"""Extra output formats of a simulation, converted from its ``tweets.csv``.

The simulator always writes the information-operations CSV. On request the same activity is
also written as Parquet (``tweets.parquet``, same columns) or as Twitter API v1.1 JSON lines
(``tweets.jsonl``: status objects with ``user``, ``entities`` and ``retweeted_status``), so
that every reader path can be exercised on data with known ground truth.
"""

from __future__ import annotations

from pathlib import Path

from coordnet.engine import DuckDBEngine
from coordnet.ingest._base import sql_quote
from coordnet.ingest.normalize import MACROS_SQL

__all__ = ["OUTPUT_FORMATS", "write_extra_formats"]

#: Formats ``coordnet simulate --format`` accepts (``io-csv`` is always written).
OUTPUT_FORMATS: tuple[str, ...] = ("io-csv", "parquet", "api-json")

_V1_SQL = """
COPY (
  SELECT
    tweetid AS id_str,
    strftime(epoch_ms(cn_snowflake_ms(tweetid)), '%a %b %d %H:%M:%S +0000 %Y') AS created_at,
    CAST(cn_snowflake_ms(tweetid) AS VARCHAR) AS timestamp_ms,
    tweet_text AS text, tweet_language AS lang,
    '<a href="https://example.invalid" rel="nofollow">' || tweet_client_name || '</a>' AS source,
    nullif(in_reply_to_tweetid, '') AS in_reply_to_status_id_str,
    nullif(in_reply_to_userid, '') AS in_reply_to_user_id_str,
    struct_pack(id_str := userid, screen_name := user_screen_name, name := user_display_name,
                followers_count := follower_count, friends_count := following_count,
                created_at := strftime(account_creation_date::TIMESTAMP,
                                       '%a %b %d %H:%M:%S +0000 %Y'),
                lang := account_language, location := user_reported_location,
                description := user_profile_description) AS "user",
    struct_pack(
      hashtags := list_transform(cn_split_list(hashtags), lambda h: struct_pack(text := h)),
      urls := list_transform(cn_split_list(urls),
                             lambda u: struct_pack(url := u, expanded_url := u)),
      user_mentions := list_transform(cn_split_list(user_mentions),
                                      lambda m: struct_pack(id_str := m))) AS entities,
    CASE WHEN is_retweet = 'True' THEN struct_pack(
        id_str := retweet_tweetid,
        created_at := strftime(epoch_ms(cn_snowflake_ms(retweet_tweetid)),
                               '%a %b %d %H:%M:%S +0000 %Y'),
        text := tweet_text,
        "user" := struct_pack(id_str := retweet_userid)) END AS retweeted_status,
    nullif(quoted_tweet_tweetid, '') AS quoted_status_id_str
  FROM read_csv({path}, all_varchar = true, header = true)
) TO {dest} (FORMAT json)
"""


def write_extra_formats(out: str | Path, formats: tuple[str, ...] | list[str]) -> list[str]:
    """Write the requested extra formats next to ``tweets.csv``; returns the file names."""
    folder = Path(out)
    written: list[str] = []
    wanted = [f for f in formats if f != "io-csv"]
    if not wanted:
        return written
    with DuckDBEngine() as engine:
        for macro in MACROS_SQL:
            engine.execute(macro)
        src = sql_quote(str(folder / "tweets.csv"))
        if "parquet" in wanted:
            engine.execute(
                f"COPY (SELECT * FROM read_csv({src}, all_varchar = true, header = true)) "
                f"TO {sql_quote(str(folder / 'tweets.parquet'))} (FORMAT parquet)"
            )
            written.append("tweets.parquet")
        if "api-json" in wanted:
            engine.execute(_V1_SQL.format(path=src, dest=sql_quote(str(folder / "tweets.jsonl"))))
            written.append("tweets.jsonl")
    return written
