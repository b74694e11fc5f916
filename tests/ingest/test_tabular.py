"""The generic tabular reader and its presets, on hand-written tables and the real data sets."""

from __future__ import annotations

import csv
import hashlib
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coordnet
from coordnet.cli import main
from coordnet.errors import MappingError, MissingColumnsError
from coordnet.ingest import choose_reader, get_reader, inspect_source
from coordnet.ingest.mapping import load_mapping
from coordnet.ingest.tabular import PresetReader, load_presets, preset_readers
from coordnet.store import Store

BASE: dict[str, Any] = {"table": "actions", "platform": "twitter"}


def tabular(store: Store, path: Path, mapping: dict[str, Any]) -> coordnet.FileReport:
    return coordnet.ingest([path], store, format="tabular", mapping=mapping).files[0]


def actions(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.engine.arrow("SELECT * FROM actions").to_pylist()
    return {r["action_id"]: r for r in rows}


def actors(store: Store) -> dict[str, dict[str, Any]]:
    rows = store.engine.arrow("SELECT * FROM actors").to_pylist()
    return {r["actor_id"]: r for r in rows}


def rejects(store: Store) -> list[tuple[int, str]]:
    return store.engine.rows("SELECT source_line, reason FROM rejects ORDER BY 1")


def posts_mapping(data_dir: Path) -> dict[str, Any]:
    return load_mapping(data_dir / "tabular_posts.toml")


# -- the mapping options ----------------------------------------------------------------------
def test_mapping_file_reads_posts(store: Store, data_dir: Path) -> None:
    f = tabular(store, data_dir / "tabular_posts.csv", posts_mapping(data_dir))
    assert (f.format, f.n_records, f.n_actions, f.n_rejects) == ("tabular", 10, 5, 5)
    got = actions(store)
    assert set(got) == {"t:p1", "t:p2", "t:p3", "t:p8", "t:p10"}
    p1, p2, p3 = got["t:p1"], got["t:p2"], got["t:p3"]
    # Times: ISO with Z, with an offset, without seconds, Twitter's, and Unix seconds.
    assert p1["time"] == datetime(2021, 3, 1, 10, 0)
    assert p2["time"] == datetime(2021, 3, 1, 10, 0)
    assert p3["time"] == datetime(2021, 3, 1, 10, 5)
    assert got["t:p8"]["time"] == datetime(2009, 1, 7, 4, 38, 2)
    assert got["t:p10"]["time"] == datetime(2021, 3, 1, 10, 10)
    assert [got[i]["kind"] for i in ("t:p1", "t:p2", "t:p3")] == ["post", "quote", "repost"]
    assert p2["text"] == "Wrapped in quotes"
    assert got["t:p10"]["text"] == "multi\nline text"
    # Lists: a space-separated column, an [a, b] column and mentions from the text.
    assert p1["urls_raw"] == ["https://example.com/a", "https://t.co/x"]
    assert p1["has_short_url"] is True
    assert p1["hashtags_raw"] == ["World", "news"] and p1["hashtags"] == ["world", "news"]
    assert p1["mentions"] == ["bob"]
    assert p3["mentions"] == ["alice"]
    assert p1["extra"] == '{"note":"first"}'
    assert (p1["platform"], p1["source_line"], got["t:p10"]["source_line"]) == ("twitter", 2, 11)
    who = actors(store)
    assert who["alice"]["followers"] == 10 and who["alice"]["actor_kind"] == "account"
    assert who["hank"]["extra"] == '{"account":"xx_hank"}'
    assert who["carol"]["followers"] is None
    assert f.notes[-1] == "column views: 1 value(s) not readable as followers (int), left empty"


def test_rejects_name_the_column_and_value_with_line_numbers(store: Store, data_dir: Path) -> None:
    f = tabular(store, data_dir / "tabular_posts.csv", posts_mapping(data_dir))
    assert f.rejects_by_reason == {
        "bad kind": 1, "bad time": 1, "malformed row": 1, "missing actor": 1, "missing id": 1,
    }  # fmt: skip
    assert rejects(store) == [
        (5, "missing actor: column user is empty"),
        (6, "bad time: column posted = 'not a date' is not a date-time (format auto)"),
        (7, "bad kind: column type = 'X' is not one of 'R', 'Q', ''"),
        (8, "missing id: column post_id is empty"),
        (10, "malformed row: Expected Number of Columns: 11 Found: 3"),
    ]
    raw = store.engine.scalar("SELECT raw FROM rejects WHERE source_line = 6")
    assert '"posted":"not a date"' in raw


@pytest.mark.parametrize(
    ("time", "expected"),
    [
        ({"column": "epoch_ms", "format": "unix_ms"}, datetime(2021, 3, 1, 10, 0, 0, 500000)),
        ({"column": "posted", "format": "%Y-%m-%d %H:%M:%S%z"}, datetime(2021, 3, 1, 10, 0)),
    ],
)
def test_time_formats(store: Store, data_dir: Path, time: dict, expected: datetime) -> None:
    mapping = {**BASE, "mapping": {"action_id": "post_id", "actor_id": "user", "time": time}}
    tabular(store, data_dir / "tabular_posts.csv", mapping)
    assert actions(store)["p2"]["time"] == expected


def test_strptime_pattern_rejects_other_spellings(store: Store, data_dir: Path) -> None:
    time = {"column": "posted", "format": "%Y-%m-%d %H:%M"}
    mapping = {**BASE, "mapping": {"action_id": "post_id", "actor_id": "user", "time": time}}
    tabular(store, data_dir / "tabular_posts.csv", mapping)
    assert set(actions(store)) == {"p3", "p6"}
    assert rejects(store)[0] == (
        2,
        "bad time: column posted = '2021-03-01T10:00:00Z' is not a date-time "
        "(format %Y-%m-%d %H:%M)",
    )


def test_retweet_prefix_gives_parent_and_repost_kind(store: Store, data_dir: Path) -> None:
    mapping = {
        **BASE,
        "mapping": {
            "action_id": "post_id", "actor_id": "user", "time": "posted", "text": "body",
            "parent_actor_id": {"from_text": "rt_handle"},
            "hashtags": {"from_text": True}, "urls_raw": {"from_text": True},
        },
    }  # fmt: skip
    tabular(store, data_dir / "tabular_posts.csv", mapping)
    got = actions(store)
    assert (got["p3"]["kind"], got["p3"]["parent_actor_id"]) == ("repost", "alice")
    assert (got["p1"]["kind"], got["p1"]["parent_actor_id"]) == ("post", None)
    assert got["p6"]["kind"] == "post"  # the type column is not mapped here
    assert got["p1"]["hashtags_raw"] == ["World"]
    assert got["p1"]["urls"] == ["https://example.com/a"]  # utm_source dropped


def test_constants_prefixes_defaults_and_list_prefixes(store: Store, data_dir: Path) -> None:
    mapping = {
        "actor_kind": "page",
        "hashed_ids": True,
        "mapping": {
            "action_id": "post_id", "actor_id": {"column": "user", "prefix": "u:"},
            "time": "posted", "kind": {"value": "repost"},
            "platform": {"column": "account", "prefixes": {"fb_": "facebook", "tw_": "twitter"},
                         "default": "other"},
            "hashtags": {"column": "tags", "prefix": "tag:"},
            "parent_id": {"column": "note", "default": "none"},
        },
    }  # fmt: skip
    tabular(store, data_dir / "tabular_posts.csv", mapping)
    got = actions(store)
    assert {a["kind"] for a in got.values()} == {"repost"}
    platforms = {k: a["platform"] for k, a in got.items()}
    assert platforms == {
        "p1": "twitter", "p2": "twitter", "p3": "facebook", "p6": "twitter", "p8": "twitter",
        "p10": "other",
    }  # fmt: skip
    assert got["p1"]["actor_id"] == "u:alice"
    assert got["p1"]["hashtags"] == ["tag:world", "tag:news"]
    assert (got["p1"]["parent_id"], got["p2"]["parent_id"]) == ("first", "none")
    who = actors(store)
    assert who["u:alice"]["actor_kind"] == "page" and who["u:alice"]["is_hashed_id"] is True


def test_unmatched_prefix_without_default_is_rejected(store: Store, data_dir: Path) -> None:
    mapping = {
        "mapping": {
            "action_id": "post_id", "actor_id": "user", "time": "posted",
            "platform": {"column": "account", "prefixes": {"fb_": "facebook", "tw_": "twitter"}},
        },
    }  # fmt: skip
    tabular(store, data_dir / "tabular_posts.csv", mapping)
    assert (11, "bad platform: column account = 'xx_hank' starts with none of 'fb_', 'tw_'") in (
        rejects(store)
    )


def test_synthesised_ids_are_content_hashes_stable_across_reexports(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    mapping = {**BASE, "mapping": {"actor_id": "user", "time": "posted", "text": "body"}}
    first = tabular(store, data_dir / "tabular_posts.csv", mapping)
    text = "Hello #World see https://example.com/a?utm_source=x @Bob"
    want = hashlib.md5(f"alice|2021-03-01T10:00:00.000000|{text}".encode()).hexdigest()
    assert actions(store)[want]["actor_id"] == "alice"
    # The same rows in another order, in another file: nothing new.
    with open(data_dir / "tabular_posts.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    good = [r for r in rows[1:] if len(r) == len(rows[0])]
    again = tmp_path / "reexport.csv"
    with open(again, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *reversed(good)])
    second = tabular(store, again, mapping)
    assert (second.n_actions, second.n_existing) == (0, first.n_actions)


def test_hash_option_names_the_columns(store: Store, data_dir: Path) -> None:
    mapping = {**BASE, "mapping": {"action_id": {"hash": ["user", "posted"]},
                                   "actor_id": "user", "time": "posted"}}  # fmt: skip
    tabular(store, data_dir / "tabular_posts.csv", mapping)
    assert hashlib.md5(b"alice|2021-03-01T10:00:00Z").hexdigest() in actions(store)


def test_ingest_twice_is_idempotent(store: Store, data_dir: Path) -> None:
    mapping = posts_mapping(data_dir)
    tabular(store, data_dir / "tabular_posts.csv", mapping)
    query = "SELECT * EXCLUDE (source_file) FROM actions ORDER BY action_id"
    before = store.engine.rows(query)
    again = tabular(store, data_dir / "tabular_posts.csv", mapping)
    assert again.is_skipped
    assert store.engine.rows(query) == before
    assert store.engine.scalar("SELECT count(*) FROM rejects") == 5


def test_actors_table(store: Store, data_dir: Path) -> None:
    mapping = {
        "table": "actors", "platform": "twitter", "extra": ["label"],
        "mapping": {
            "actor_id": "UserID", "handle": "Screen Name", "created_at": "Joined",
            "followers": "Followers", "verified": "Verified",
            "actor_kind": {"column": "Kind", "default": "account"},
        },
    }  # fmt: skip
    f = tabular(store, data_dir / "tabular_users.csv", mapping)
    assert (f.n_records, f.n_actors, f.n_rejects) == (4, 3, 1)
    who = actors(store)
    u1 = who["u1"]
    assert (u1["handle"], u1["actor_kind"], u1["followers"], u1["verified"]) == (
        "alice", "page", 1200, True,
    )  # fmt: skip
    assert u1["created_at"] == datetime(2009, 1, 7, 4, 38, 2)
    assert who["u2"]["created_at"] == datetime(2010, 2, 3)
    assert (who["u2"]["actor_kind"], who["u2"]["verified"]) == ("account", False)
    assert who["u4"]["extra"] == '{"label":"human"}'
    assert (who["u4"]["created_at"], who["u4"]["followers"]) == (None, None)
    assert rejects(store) == [(4, "missing id: column UserID is empty")]
    assert f.notes == [
        "column Joined: 1 value(s) not readable as created_at (time), left empty",
        "column Followers: 1 value(s) not readable as followers (int), left empty",
        "column Verified: 1 value(s) not readable as verified (bool), left empty",
    ]


def test_grouped_rows_merge_into_one_action(store: Store, data_dir: Path) -> None:
    f = coordnet.ingest([data_dir / "tabular_grouped.csv"], store).files[0]
    assert (f.format, f.n_records, f.n_actions, f.n_rejects) == ("coortweet-german", 7, 3, 2)
    assert "5 rows grouped by column post_id into 3 actions" in f.notes
    got = actions(store)
    post = got["100"]
    assert (post["actor_id"], post["platform"], post["source_line"]) == ("fb_1", "facebook", 2)
    assert post["time"] == datetime(2021, 8, 26, 17, 46, 40)
    assert post["urls"] == ["url:7", "url:8"] and post["domains"] == []
    assert post["hashtags"] == ["tag:21", "tag:22"]
    assert post["media_hashes"] == ["phash:55"]
    assert post["extra"] == '{"domain_id":["3","4"]}'
    assert got["200"]["platform"] == "twitter" and got["200"]["extra"] == '{"domain_id":[]}'
    assert rejects(store) == [
        (6, "missing id: column post_id is empty"),
        (8, "bad platform: column account_id = 'xx_4' starts with none of 'fb_', 'tw_'"),
    ]


def test_parquet_typed_columns_and_native_lists(store: Store, tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["a", "b", "c"],
            "user": ["u1", "u2", None],
            "at": pa.array(
                [datetime(2020, 5, 1, 12, tzinfo=UTC), datetime(2020, 5, 1, 13, tzinfo=UTC),
                 datetime(2020, 5, 1, 14, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
            "epoch": pa.array([1588334400, 1588338000, 1588341600], pa.int64()),
            "tags": [["x", "y"], [], None],
            "views": pa.array([3, None, 5], pa.int32()),
        }
    )  # fmt: skip
    path = tmp_path / "posts.parquet"
    pq.write_table(table, path)
    mapping = {**BASE, "mapping": {"action_id": "id", "actor_id": "user", "time": "at",
                                   "hashtags": "tags", "followers": "views"}}  # fmt: skip
    f = tabular(store, path, mapping)
    assert (f.n_records, f.n_actions, f.n_rejects) == (3, 2, 1)
    got = actions(store)
    assert got["a"]["time"] == datetime(2020, 5, 1, 12) and got["a"]["hashtags"] == ["x", "y"]
    assert got["b"]["hashtags"] == []
    assert actors(store)["u1"]["followers"] == 3
    assert rejects(store) == [(4, "missing actor: column user is empty")]
    other = coordnet.open_store()
    epoch = {"column": "epoch", "format": "unix"}
    tabular(other, path, {**mapping, "mapping": {**mapping["mapping"], "time": epoch}})
    assert actions(other)["a"]["time"] == datetime(2020, 5, 1, 12)


# -- errors -----------------------------------------------------------------------------------
def test_tabular_without_mapping_explains_how(store: Store, data_dir: Path) -> None:
    with pytest.raises(MappingError, match=r"needs a column mapping; e\.g\. --map actor_id="):
        coordnet.ingest([data_dir / "tabular_posts.csv"], store, format="tabular")


def test_unknown_field_suggests_the_closest(store: Store, data_dir: Path) -> None:
    mapping = {**BASE, "mapping": {"actor": "user", "time": "posted"}}
    with pytest.raises(MappingError) as info:
        tabular(store, data_dir / "tabular_posts.csv", mapping)
    msg = str(info.value)
    assert "unknown field 'actor' (did you mean 'actor_id'?)" in msg
    assert "valid fields: action_id, actor_id, platform, time" in msg


def test_missing_column_names_file_column_and_closest(store: Store, data_dir: Path) -> None:
    mapping = {**BASE, "mapping": {"actor_id": "usr", "time": "posted"}}
    with pytest.raises(MissingColumnsError) as info:
        tabular(store, data_dir / "tabular_posts.csv", mapping)
    msg = str(info.value)
    assert "tabular_posts.csv" in msg
    assert "usr (for actor_id) (closest: user)" in msg
    assert store.engine.scalar("SELECT count(*) FROM sources") == 0


def test_cli_reports_mapping_errors_with_exit_code_2(data_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["ingest", str(data_dir / "tabular_posts.csv"), "--store", str(tmp_path / "s.duckdb"),
            "--format", "tabular", "--no-progress"]  # fmt: skip
    unknown = runner.invoke(main, [*args, "--map", "actor=user", "--map", "time=posted",
                                   "--map", "platform=twitter"])  # fmt: skip
    assert unknown.exit_code == 2
    assert unknown.output.startswith("Error: mapping: unknown field 'actor' (did you mean")
    missing = runner.invoke(main, [*args, "--map", "actor_id=usr", "--map", "time=posted",
                                   "--map", "platform=twitter"])  # fmt: skip
    assert missing.exit_code == 2
    assert "Error: " in missing.output and "tabular_posts.csv" in missing.output
    assert "usr (for actor_id) (closest: user)" in missing.output
    ok = runner.invoke(main, [*args, "--mapping", str(data_dir / "tabular_posts.toml")])
    assert ok.exit_code == 0, ok.output


def test_cli_map_pairs_set_top_level_options(data_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(main, [
        "ingest", str(data_dir / "tabular_posts.csv"), "--store", str(store), "--no-progress",
        "--format", "tabular", "--map", "actor_id=user", "--map", "time=posted",
        "--map", "action_id=post_id", "--map", "platform=mastodon", "--map", "extra=note,type",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    with coordnet.open_store(store) as st:
        got = actions(st)
    assert got["p1"]["platform"] == "mastodon"
    assert got["p2"]["extra"] == '{"note":null,"type":"Q"}'


# -- presets ----------------------------------------------------------------------------------
def test_every_preset_parses_and_is_registered() -> None:
    names = [p["name"] for p in load_presets()]
    assert len(names) == len(set(names)) >= 9
    for reader in preset_readers():
        assert isinstance(reader, PresetReader)
        assert get_reader(reader.name).name == reader.name
        assert reader.mapping_spec({}).table in ("actions", "actors")
    assert get_reader("tabular").sniff(inspect_source(Path(__file__))) == 0.0


@pytest.mark.parametrize("preset", [p["name"] for p in load_presets()])
def test_preset_recognised_from_its_header(preset: str, tmp_path: Path) -> None:
    config = next(p for p in load_presets() if p["name"] == preset)
    exact = tmp_path / "exact.csv"
    exact.write_text(",".join(f'"{c}"' for c in config["signature"]) + "\n", encoding="utf-8")
    assert choose_reader(inspect_source(exact)).name == preset
    wider = tmp_path / "wider.csv"
    wider.write_text(",".join([*config["signature"], "zz_other"]) + "\n", encoding="utf-8")
    reader = choose_reader(inspect_source(wider))
    assert reader.name == preset and 0.5 < reader.sniff(inspect_source(wider)) < 1.0


def test_honeypot_preset_does_not_take_cresci_files(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("user_id,label,tweet_id,created_at,text\n", encoding="utf-8")
    assert choose_reader(inspect_source(path)).name == "cresci2015-tweets"


def test_user_mapping_overrides_a_preset(store: Store, data_dir: Path) -> None:
    report = coordnet.ingest(
        [data_dir / "tabular_grouped.csv"], store, format="coortweet-german",
        mapping={"mapping": {"urls": {"column": "url_id", "prefix": "u"}}, "extra": []},
    )  # fmt: skip
    assert report.files[0].format == "coortweet-german"
    post = actions(store)["100"]
    assert (post["urls"], post["extra"]) == (["u7", "u8"], None)


# -- properties -------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=-2_000_000_000, max_value=4_000_000_000), min_size=1,
                max_size=20))  # fmt: skip
def test_unix_seconds_round_trip_to_utc(seconds: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_text(
            "id,u,t\n" + "".join(f"{i},a,{s}\n" for i, s in enumerate(seconds)), encoding="utf-8"
        )
        mapping = {**BASE, "mapping": {"action_id": "id", "actor_id": "u",
                                       "time": {"column": "t", "format": "unix"}}}  # fmt: skip
        with coordnet.open_store() as store:
            tabular(store, path, mapping)
            got = dict(store.engine.rows("SELECT action_id, time FROM actions"))
    epoch = datetime(1970, 1, 1)
    assert got == {str(i): epoch + timedelta(seconds=s) for i, s in enumerate(seconds)}


ROW = st.tuples(
    st.sampled_from(["", "a", "b", "c"]),
    st.one_of(
        st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)).map(
            lambda d: d.replace(microsecond=0).isoformat(sep=" ")
        ),
        st.sampled_from(["", "soon", "2021-13-01 00:00"]),
    ),
    st.text(alphabet="xyz #@,\"'\n", max_size=8),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, max_size=30))
def test_every_valid_row_lands_exactly_once(rows: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([("who", "when", "what"), *rows])
        mapping = {**BASE, "mapping": {"actor_id": "who", "time": "when", "text": "what"}}
        with coordnet.open_store() as store:
            f = tabular(store, path, mapping)
            n_actions = store.engine.scalar("SELECT count(*) FROM actions")
            n_rejects = store.engine.scalar("SELECT count(*) FROM rejects")
    valid = set()
    for who, when, what in rows:
        if who and when not in ("", "soon", "2021-13-01 00:00"):
            valid.add((who, datetime.fromisoformat(when), what or None))
    assert n_actions == f.n_actions == len(valid)
    assert n_actions + n_rejects == len(rows)


# -- the real data sets -----------------------------------------------------------------------
def count(store: Store, sql: str) -> int:
    return int(store.engine.scalar(sql))


@pytest.mark.shared_data
def test_ira_538(store: Store, shared_data: Path) -> None:
    folder = shared_data / "ira_troll_tweets_538"
    tweets = folder / "ira_tweets_english_2016.csv.gz"
    # authors.csv last: the store replaces an actor's extra as a whole, and the categories
    # are in authors.csv's extra (the NBC profiles of 393 of these accounts have their own).
    report = coordnet.ingest([tweets, folder / "nbc_ira_users.csv", folder / "authors.csv"], store)
    t, n, a = report.files
    assert (t.format, a.format, n.format) == ("ira-538-tweets", "ira-538-authors", "ira-nbc-users")
    # 2,835 rows are exact repeats and 20 more repeat a tweet with re-harvested follower counts
    # (same author, minute, text and tweet counter): they are rejected as duplicates.
    distinct = count(
        store,
        "SELECT count(DISTINCT (author_id, publish_date, content, updates)) "
        f"FROM read_csv('{tweets}', all_varchar = true)",
    )
    assert (t.n_records, t.n_actions, distinct) == (708_619, 705_764, 705_764)
    assert t.rejects_by_reason == {"duplicate id": 2_855}
    assert (a.n_records, a.n_rejects, n.n_records, n.n_rejects) == (2_856, 0, 454, 0)
    assert count(store, "SELECT count(DISTINCT actor_id) FROM actions") == 916
    profiles = count(
        store,
        f"SELECT count(*) FROM (SELECT author_id FROM read_csv('{folder / 'authors.csv'}') "
        f"UNION SELECT screen_name FROM read_csv('{folder / 'nbc_ira_users.csv'}'))",
    )
    assert count(store, "SELECT count(*) FROM actors") == profiles
    by_category = dict(
        store.engine.rows(
            "SELECT extra->>'account_category', count(*) FROM actors "
            "WHERE actor_id IN (SELECT actor_id FROM actions) GROUP BY 1"
        )
    )
    assert by_category == {
        "LeftTroll": 184, "NewsFeed": 38, "RightTroll": 303, "HashtagGamer": 82,
        "NonEnglish": 277, "Commercial": 2, "Unknown": 27, "Fearmonger": 3,
    }  # fmt: skip
    kinds = dict(store.engine.rows("SELECT kind, count(*) FROM actions GROUP BY 1"))
    assert set(kinds) == {"post", "repost", "quote"}
    assert 385_000 < kinds["repost"] <= 388_128 and 13_900 < kinds["quote"] <= 13_976
    assert count(store, "SELECT count(*) FROM actions WHERE text LIKE '''%'''") < 100
    assert count(store, "SELECT count(*) FROM actions WHERE len(hashtags) > 0") > 380_000
    nbc = actors(store)["RobbyDelaware"]
    assert (nbc["followers"], nbc["created_at"]) == (304, datetime(2009, 1, 7, 4, 38, 2))


@pytest.mark.shared_data
def test_cresci2015(store: Store, shared_data: Path) -> None:
    folder = shared_data / "cresci2015_fame_for_sale"
    tweets = folder / "cresci2015_tweets.csv.gz"
    t, u = coordnet.ingest([tweets, folder / "cresci2015_users.csv"], store).files
    assert (t.format, u.format) == ("cresci2015-tweets", "cresci2015-users")
    assert (t.n_records, t.n_actions, t.n_rejects) == (815_566, 815_566, 0)
    assert (u.n_records, u.n_rejects) == (5_301, 0)
    labels = dict(store.engine.rows("SELECT extra->>'label', count(*) FROM actions GROUP BY 1"))
    assert labels == {"human": 619_539, "fake_follower": 196_027}
    rts = count(
        store,
        r"SELECT count(*) FROM read_csv('" + str(tweets) + r"', all_varchar = true) "
        r"WHERE regexp_matches(text, '^RT @\w{1,30}:')",
    )
    assert count(store, "SELECT count(*) FROM actions WHERE kind = 'repost'") == rts > 200_000
    assert count(store, "SELECT count(*) FROM actors") == 5_301
    humans = "SELECT count(*) FROM actors WHERE extra->>'label' = 'human'"
    assert count(store, humans) == count(
        store, f"SELECT count(*) FROM read_csv('{folder / 'cresci2015_users.csv'}') "
        "WHERE label = 'human'"
    )  # fmt: skip


@pytest.mark.shared_data
def test_coortweet(store: Store, shared_data: Path) -> None:
    folder = shared_data / "coortweet_examples"
    russian, german = folder / "russian_coord_tweets.csv.gz", folder / "german_elections.csv.gz"
    r, g = coordnet.ingest([russian, german], store).files
    assert (r.format, g.format) == ("coortweet-russian", "coortweet-german")
    # 1 row is an exact repeat; 39 content ids appear with two different objects: the
    # second of each is kept in rejects.
    assert (r.n_records, r.n_actions, r.rejects_by_reason) == (35_125, 35_085, {"duplicate id": 40})
    assert count(store, "SELECT count(*) FROM actors WHERE is_hashed_id AND platform = 'twitter' "
                        "AND actor_id IN (SELECT actor_id FROM actions WHERE kind = 'repost')"
                 ) == 9_509  # fmt: skip
    # Of the 7,285 objects, 30 are only reached through those 39 rejected rows.
    first_rows = (
        "SELECT count(DISTINCT object_id) FROM (SELECT object_id, row_number() OVER "
        "(PARTITION BY content_id ORDER BY n) AS k FROM (SELECT *, row_number() OVER () AS n "
        f"FROM read_csv('{russian}', all_varchar = true))) WHERE k = 1"
    )
    parents = "SELECT count(DISTINCT parent_id) FROM actions WHERE kind = 'repost'"
    assert count(store, parents) == count(store, first_rows) == 7_255
    posts = count(
        store, f"SELECT count(DISTINCT post_id) FROM read_csv('{german}', all_varchar = true)"
    )
    assert (g.n_records, g.n_actions, posts) == (218_971, 194_323, 194_323)
    assert g.rejects_by_reason == {"missing id": 3}
    by_platform = dict(store.engine.rows(
        "SELECT platform, count(DISTINCT actor_id) FROM actions WHERE kind = 'post' GROUP BY 1"
    ))  # fmt: skip
    assert sum(by_platform.values()) == 58_317 - 3  # three accounts only have id-less rows
    with_urls = count(store, "SELECT count(*) FROM actions WHERE len(urls) > 0")
    assert with_urls == count(
        store, f"SELECT count(DISTINCT post_id) FROM read_csv('{german}', all_varchar = true) "
        "WHERE url_id IS NOT NULL"
    )  # fmt: skip


@pytest.mark.shared_data
def test_social_honeypot(store: Store, shared_data: Path) -> None:
    folder = shared_data / "social_honeypot_2011_sample"
    files = [folder / "content_polluters.csv", folder / "legitimate_users.csv",
             folder / "honeypot_tweets_sample.csv.gz"]  # fmt: skip
    p, legit, t = coordnet.ingest(files, store).files
    assert (p.format, legit.format, t.format) == ("honeypot-users",) * 2 + ("honeypot-tweets",)
    assert (p.n_records, legit.n_records, p.n_rejects + legit.n_rejects) == (22_223, 19_276, 0)
    # 44 accounts are in both user files (the later file's label wins in actors.extra).
    assert count(store, "SELECT count(*) FROM actors WHERE extra->>'label' IS NOT NULL") == (
        22_223 + 19_276 - 44
    )
    # No tweet ids: ids are md5(user|time|text); 46 rows repeat another row exactly.
    assert (t.n_records, t.n_actions, t.rejects_by_reason) == (
        192_921, 192_875, {"duplicate id": 46},
    )  # fmt: skip
    labels = dict(store.engine.rows("SELECT extra->>'label', count(*) FROM actions GROUP BY 1"))
    assert sum(labels.values()) == 192_875 and 97_000 < labels["content_polluter"] <= 97_510
