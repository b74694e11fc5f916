"""The information-operations archive readers, on a hand-written file in the real layout."""

from __future__ import annotations

import csv
import gzip
import shutil
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

import coordnet
from coordnet.errors import MissingColumnsError
from coordnet.store import Store

HASHED = "e2b1c5a0f7d94c3e8a6b1d2f3c4e5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5"
FIRST = "1161246172631793665"


def actions(store: Store) -> dict[str, dict]:
    rows = store.engine.arrow("SELECT * FROM actions").to_pylist()
    return {r["action_id"]: r for r in rows}


def test_tweets_are_mapped_to_canonical_actions(store: Store, data_dir: Path) -> None:
    report = coordnet.ingest([data_dir / "io_tweets.csv"], store)
    f = report.files[0]
    assert (f.format, f.n_records, f.n_actions, f.n_rejects) == ("twitter-io", 6, 6, 0)
    got = actions(store)
    assert {a["kind"] for a in got.values()} == {"post", "repost", "reply", "quote"}
    rt = got["1161246190990262273"]
    assert (rt["kind"], rt["parent_id"], rt["parent_actor_id"]) == ("repost", FIRST, HASHED)
    reply = got["1161247284655030273"]
    assert (reply["kind"], reply["parent_id"], reply["parent_actor_id"]) == ("reply", FIRST, HASHED)
    assert reply["text"] == "line one\nline two, with a comma"
    quote = got["1161248030188371969"]
    assert (quote["kind"], quote["parent_id"]) == ("quote", FIRST)


def test_exact_time_comes_from_the_snowflake_id_when_it_agrees(
    store: Store, data_dir: Path
) -> None:
    coordnet.ingest([data_dir / "io_tweets.csv"], store)
    got = actions(store)
    first = got[FIRST]
    assert first["time"] == datetime(2019, 8, 13, 12, 0, 37, 123000)
    assert first["time_source"] == "snowflake"
    # The id says 13:00:00.001 but tweet_time says 12:58: the field wins, and says so.
    disagree = got["1161261116425240577"]
    assert (disagree["time"], disagree["time_source"]) == (datetime(2019, 8, 13, 12, 58), "field")
    old = got["42"]
    assert (old["time"], old["time_source"]) == (datetime(2009, 3, 1, 8, 15), "field")


def test_list_columns_and_normalisation(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / "io_tweets.csv"], store)
    got = actions(store)
    first = got[FIRST]
    assert first["hashtags"] == ["hongkong", "香港"]
    assert first["hashtags_raw"] == ["HongKong", "香港"]
    assert first["urls_raw"] == ["https://WWW.Example.com/news/?utm_source=twitter&id=7"]
    assert first["urls"] == ["https://example.com/news?id=7"]
    assert first["domains"] == ["example.com"]
    assert first["has_short_url"] is False
    # The retweet links the same article spelled differently: one normalised URL.
    assert got["1161246190990262273"]["urls"] == first["urls"]
    quote = got["1161248030188371969"]
    assert quote["hashtags"] == ["standwithhk"]
    assert quote["urls"] == ["http://bit.ly/3xYz"]
    assert quote["has_short_url"] is True
    assert got["1161246190990262273"]["mentions"] == [HASHED]
    # Copy-paste fingerprint: the retweet's text minus "RT @x:" equals the original's.
    assert got["1161246190990262273"]["text_hash"] == first["text_hash"]


def test_actors_with_hashed_ids_and_profiles(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / "io_tweets.csv"], store)
    rows = {r["actor_id"]: r for r in store.engine.arrow("SELECT * FROM actors").to_pylist()}
    assert set(rows) == {HASHED, "2000001", "2000002"}
    assert rows[HASHED]["is_hashed_id"] is True
    assert rows["2000001"]["is_hashed_id"] is False
    watch = rows["2000001"]
    assert (watch["handle"], watch["display_name"], watch["followers"], watch["following"]) == (
        "hkdailywatch",
        "HK Daily Watch",
        15200,
        310,
    )
    assert watch["created_at"] == datetime(2012, 4, 2)
    assert watch["location"] == "Hong Kong"


def test_user_file_merges_into_actors_and_rejects_rows_without_id(
    store: Store, data_dir: Path
) -> None:
    report = coordnet.ingest([data_dir / "io_tweets.csv", data_dir / "io_users.csv"], store)
    users = report.files[1]
    assert users.format == "twitter-io-users"
    assert (users.n_records, users.n_rejects) == (4, 1)
    assert users.rejects_by_reason == {"missing id": 1}
    assert store.engine.scalar("SELECT count(*) FROM actors") == 3
    line, reason = store.engine.rows("SELECT source_line, reason FROM rejects")[0]
    assert line == 5 and "userid" in reason


def test_source_lines_count_records(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / "io_tweets.csv"], store)
    lines = dict(store.engine.rows("SELECT action_id, source_line FROM actions"))
    assert lines[FIRST] == 2
    assert lines["42"] == 7


def test_parquet_and_gzip_copies_read_the_same(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    gz = tmp_path / "io_tweets.csv.gz"
    with open(data_dir / "io_tweets.csv", "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    with open(data_dir / "io_tweets.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    as_text = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()))
    table = pacsv.read_csv(data_dir / "io_tweets.csv", convert_options=as_text)
    pq.write_table(table, tmp_path / "io_tweets.parquet")
    plain = coordnet.open_store()
    coordnet.ingest([data_dir / "io_tweets.csv"], plain)
    coordnet.ingest([gz], store)
    other = coordnet.open_store()
    report = coordnet.ingest([tmp_path / "io_tweets.parquet"], other)
    assert report.files[0].format == "twitter-io"
    query = "SELECT action_id, time, kind, urls, hashtags, text_hash FROM actions ORDER BY 1"
    assert store.engine.rows(query) == plain.engine.rows(query) == other.engine.rows(query)


def test_older_files_without_newer_columns(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid,hashtags,urls\n"
        "1161246172631793665,u1,hi,2019-08-13 12:00,False,,[],[]\n",
        encoding="utf-8",
    )
    report = coordnet.ingest([path], store)
    assert report.files[0].n_actions == 1


def test_missing_required_column_names_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("tweet_id,userid,tweet_time,is_retweet\n1,u,2019-01-01 00:00,False\n")
    with pytest.raises(MissingColumnsError) as info:
        coordnet.ingest([path], format="twitter-io")
    message = str(info.value)
    assert str(path) in message and "tweetid" in message and "tweet_id" in message
    assert info.value.missing == ["tweetid"]
