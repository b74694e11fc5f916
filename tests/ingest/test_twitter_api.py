"""Twitter API v1.1 and v2 readers: kinds, parents, times, profiles, entities, rejects."""

from __future__ import annotations

import gzip
import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coordnet
from coordnet.ingest import get_reader, inspect_source
from coordnet.store import Store

V1_FILES = ("twitter_v1.jsonl", "twitter_v1_array.json", "twitter_v1_search.json")
V2_FILES = ("twitter_v2_response.json", "twitter_v2_responses.jsonl", "twitter_v2_flat.jsonl")

A = "1498629120317075498"  # alice's post
X = "1498621571102552106"  # carol's post, seen only inside two retweets
Y = "1498583821737406506"  # carol's post, retweeted (line 8) before it appears itself (line 10)
RT1, RT2, RT3 = "1498630380004978730", "1498630758889041962", "1498639186172719146"
REPLY, QUOTE, LONG = "1498631640158449706", "1498634153175691306", "1498636670945079338"


def _ingest(store: Store, path: Path) -> coordnet.FileReport:
    return coordnet.ingest([path], store).files[0]


def _actions(store: Store, columns: str) -> dict[str, tuple[Any, ...]]:
    rows = store.engine.rows(f"SELECT action_id, {columns} FROM actions")
    return {r[0]: tuple(r[1:]) for r in rows}


def _extra(store: Store, action_id: str) -> dict[str, Any]:
    value = store.engine.scalar("SELECT extra FROM actions WHERE action_id = ?", [action_id])
    return json.loads(value) if value else {}


# --- v1.1 ----------------------------------------------------------------------------------


def test_v1_kinds_and_parents(store: Store, data_dir: Path) -> None:
    report = _ingest(store, data_dir / "twitter_v1.jsonl")
    assert report.format == "twitter-api-v1"
    assert report.n_records == 12
    got = _actions(store, "kind, parent_id, parent_actor_id, actor_id")
    assert got == {
        A: ("post", None, None, "1001"),
        X: ("post", None, None, "1003"),
        RT1: ("repost", X, "1003", "1002"),
        RT2: ("repost", X, "1003", "1004"),
        REPLY: ("reply", A, "1001", "1003"),
        QUOTE: ("quote", A, "1001", "1004"),
        LONG: ("post", None, None, "1002"),
        RT3: ("repost", Y, "1003", "1001"),
        Y: ("post", None, None, "1003"),
    }
    assert all(p == "twitter" for (p,) in store.engine.rows("SELECT platform FROM actions"))


def test_v1_times_are_utc_and_refined_by_snowflake(store: Store, data_dir: Path) -> None:
    _ingest(store, data_dir / "twitter_v1.jsonl")
    got = {k: (str(t), s) for k, (t, s) in _actions(store, "time, time_source").items()}
    # created_at "Tue Mar 01 14:10:00 +0200 2022" is 12:10 UTC; the id adds the milliseconds.
    assert got[REPLY] == ("2022-03-01 12:10:00.900000", "snowflake")
    # Streaming timestamp_ms is exact already.
    assert got[RT1] == ("2022-03-01 12:05:00.456000", "field")
    # An embedded original has only created_at: refined from its id as well.
    assert got[X] == ("2022-03-01 11:30:00.250000", "snowflake")


def test_v1_user_fields(store: Store, data_dir: Path) -> None:
    _ingest(store, data_dir / "twitter_v1.jsonl")
    row = store.engine.rows(
        "SELECT handle, display_name, created_at, followers, following, description, location,"
        " verified, is_hashed_id, actor_kind, extra FROM actors WHERE actor_id = '1001'"
    )[0]
    assert row[:10] == (
        "alice", "Alice A.", datetime(2008, 8, 27, 13, 8, 45),
        5400, 310, "Civic tech. Views mine.", "Lisbon", True, False, "account",
    )  # fmt: skip
    extra = json.loads(row[10])
    assert extra["statuses_count"] == 12000
    assert extra["profile_image_url"].endswith("/1001/a_normal.jpg")
    # Every author of a staged action has a profile row, embedded ones included.
    assert store.info().n_actors == 4


def test_v1_entities_are_normalised(store: Store, data_dir: Path) -> None:
    _ingest(store, data_dir / "twitter_v1.jsonl")
    got = _actions(store, "hashtags, hashtags_raw, urls, urls_raw, mentions, client, text")
    hashtags, hashtags_raw, urls, urls_raw, mentions, client, _ = got[A]
    assert hashtags == ["vote", "election2022"]
    assert hashtags_raw == ["Vote", "ELECTION2022"]
    assert urls == ["https://example.com/news/story"]
    assert urls_raw == ["https://www.Example.com/news/story?utm_source=twitter"]
    assert client == "Twitter Web App"
    assert got[REPLY][4] == ["1001"]
    # A truncated streaming tweet is read from extended_tweet: full text, its entities.
    hashtags, _, urls, _, mentions, _, text = got[LONG]
    assert text.endswith("what they tell us. #VOTE @alice https://t.co/3")
    assert (hashtags, urls, mentions) == (["vote"], ["https://data.example.org/turnout"], ["1001"])
    assert _extra(store, LONG)["media_urls"] == ["https://pbs.twimg.com/media/FMxyz.jpg"]
    place = _extra(store, QUOTE)
    assert place["place"]["country_code"] == "PT"
    assert place["coordinates"] == [-9.1393, 38.7223]


def test_v1_embedded_original_staged_once(store: Store, data_dir: Path) -> None:
    report = _ingest(store, data_dir / "twitter_v1.jsonl")
    counts = dict(store.engine.rows("SELECT action_id, count(*) FROM actions GROUP BY 1"))
    assert counts[X] == 1 and counts[A] == 1 and counts[Y] == 1
    assert not [r for r in store.engine.rows("SELECT reason FROM rejects") if "duplicate" in r[0]]
    # X was seen only inside retweets: kept once, marked, pointing at the first carrier.
    assert _extra(store, X) == {
        "retweet_count": 40, "favorite_count": 3, "is_embedded": True, "embedded_in": RT1,
    }  # fmt: skip
    # Y was retweeted before it appeared on its own line: the line's own copy wins.
    assert "is_embedded" not in _extra(store, Y)
    assert store.engine.scalar(f"SELECT source_line FROM actions WHERE action_id = '{Y}'") == 10
    assert any("1 retweeted" in n for n in report.notes)


def test_v1_rejects_name_line_and_keep_raw(store: Store, data_dir: Path) -> None:
    report = _ingest(store, data_dir / "twitter_v1.jsonl")
    rows = store.engine.rows("SELECT source_line, reason, raw FROM rejects ORDER BY 1")
    assert [(line, reason.split(":")[0]) for line, reason, _ in rows] == [
        (6, "malformed JSON"),
        (9, "missing actor"),
        (11, "bad time"),
        (12, "not a tweet"),
    ]
    assert "'yesterday'" in rows[2][1] and "created_at" in rows[2][1]
    assert rows[0][2].startswith('{"created_at": "Tue Mar 01 12:25:00')
    assert json.loads(rows[1][2])["id_str"] == "1498639437872902186"
    assert report.n_actions == 9 and report.n_rejects == 4
    assert report.rejects_by_reason == {
        "bad time": 1, "malformed JSON": 1, "missing actor": 1, "not a tweet": 1,
    }  # fmt: skip


def test_v1_raw_of_reject_is_truncated(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    status = {"id_str": "1", "created_at": "Tue Mar 01 12:00:00 +0000 2022", "text": "x" * 50_000}
    ok = {**status, "id_str": "2", "user": {"id_str": "9", "screen_name": "s"}}
    path.write_text(json.dumps(ok) + "\n" + json.dumps(status) + "\n")
    _ingest(store, path)
    line, reason, raw = store.engine.rows("SELECT source_line, reason, raw FROM rejects")[0]
    assert (line, reason.split(":")[0]) == (2, "missing actor")
    assert 9_000 < len(raw) <= 10_000


def test_v1_array_with_numeric_ids(store: Store, data_dir: Path) -> None:
    report = _ingest(store, data_dir / "twitter_v1_array.json")
    assert (report.format, report.n_records, report.n_actions) == ("twitter-api-v1", 3, 3)
    got = _actions(store, "kind, parent_id, actor_id, client")
    # The first status has only a numeric "id" and its user only a numeric "id".
    assert got["739523117383884800"] == ("post", None, "501", "Twitter for iPhone")
    rt = ("repost", "739523117383884800", "502", "AutoBot & Friends")
    assert got["739523528375341056"] == rt
    assert got["739523612118798336"][3] is None


def test_v1_search_response(store: Store, data_dir: Path) -> None:
    report = _ingest(store, data_dir / "twitter_v1_search.json")
    assert (report.format, report.n_actions, report.n_rejects) == ("twitter-api-v1", 2, 0)
    got = _actions(store, "kind, parent_id, parent_actor_id, urls")
    assert got["850007368138018817"][:3] == ("reply", "850006245121695744", "6253282")
    # The resolved (unwound) link is kept when the collection has it.
    assert got["850006245121695744"][3] == ["https://cards.twitter.com/cards/18ce53wgo4h/3xo1c"]


@pytest.mark.shared_data
def test_osome_hashed_sample(store: Store, shared_data: Path) -> None:
    path = shared_data / "osome_coretweet_sample" / "sample.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    report = _ingest(store, path)
    assert report.format == "twitter-api-v1"
    assert report.n_records == 17 and report.n_rejects == 0
    top = store.engine.rows(
        "SELECT kind, parent_id, parent_actor_id FROM actions "
        "WHERE json_extract(extra, '$.is_embedded') IS NULL"
    )
    assert len(top) == 17
    reposts = [r for r in top if r[0] == "repost"]
    assert len(reposts) == 8 and all(r[1] and r[2] for r in reposts)
    # Hashed ids (id_h, user.id_h) are read as ids; such actors are marked.
    assert store.engine.scalar("SELECT bool_and(is_hashed_id) FROM actors")
    assert store.engine.scalar(
        "SELECT count(*) FROM actions WHERE action_id = 'vDrqI0GVPxRfGTA8S15KaQ' "
        "AND parent_id = 'XQFFKrN4jekP1eBSssFQsQ' AND text LIKE 'RT @un:%'"
    )
    # Originals inside retweets are actions too, once each (two retweets share one).
    assert store.engine.scalar("SELECT count(*) = count(DISTINCT action_id) FROM actions")
    embedded = store.engine.scalar(
        "SELECT count(*) FROM actions WHERE json_extract(extra, '$.is_embedded')"
    )
    assert embedded == 8  # 7 distinct retweeted originals and 1 quoted one


# --- v2 ------------------------------------------------------------------------------------


def test_v2_response(store: Store, data_dir: Path) -> None:
    report = _ingest(store, data_dir / "twitter_v2_response.json")
    assert report.format == "twitter-api-v2"
    assert (report.n_records, report.n_actions, report.n_rejects) == (5, 5, 1)
    got = _actions(store, "kind, parent_id, parent_actor_id, actor_id")
    assert got == {
        A: ("post", None, None, "2001"),
        RT1: ("repost", X, "2003", "2002"),
        QUOTE: ("quote", A, "2001", "2003"),
        REPLY: ("reply", X, "2003", "2004"),
        X: ("post", None, None, "2003"),  # from includes.tweets
    }
    assert _extra(store, X)["embedded_in"] == RT1
    (reason,) = store.engine.rows("SELECT reason FROM rejects")[0]
    assert reason == f"missing actor: tweet {LONG} has no author_id"
    assert any("1 API error" in n for n in report.notes)


def test_v2_response_fields(store: Store, data_dir: Path) -> None:
    _ingest(store, data_dir / "twitter_v2_response.json")
    got = _actions(store, "time, time_source, hashtags, urls, mentions, client, lang")
    # created_at "2022-03-01T14:20:00.000+02:00" is 12:20 UTC; the snowflake adds 50 ms.
    assert (str(got[QUOTE][0]), got[QUOTE][1]) == ("2022-03-01 12:20:00.050000", "snowflake")
    # The link to the tweet's own photo carries a media_key: a medium, not a shared URL.
    assert got[A][2:] == (["vote"], ["https://news.example.com/polls"], [], "Twitter Web App", "en")
    # A mention without an id is resolved through includes.users by username.
    assert got[REPLY][4] == ["2003", "2005"]
    extra = _extra(store, A)
    assert extra["media_urls"] == ["https://pbs.twimg.com/media/FMabc.jpg"]
    assert extra["place"]["full_name"] == "Lisbon, Portugal"
    assert (extra["like_count"], extra["retweet_count"]) == (9, 3)
    row = store.engine.rows(
        "SELECT handle, display_name, created_at, followers, following, description, location,"
        " verified, extra->>'tweet_count' FROM actors WHERE actor_id = '2001'"
    )[0]
    assert row == (
        "alice", "Alice A.", datetime(2008, 8, 27, 13, 8, 45),
        5400, 310, "Civic tech.", "Lisbon", True, "12000",
    )  # fmt: skip


def test_v2_twarc_lines_share_one_original(store: Store, data_dir: Path) -> None:
    report = _ingest(store, data_dir / "twitter_v2_responses.jsonl")
    assert (report.n_records, report.n_actions, report.n_rejects) == (3, 4, 0)
    rows = store.engine.rows(
        "SELECT action_id, kind, parent_id, source_line FROM actions ORDER BY action_id"
    )
    assert rows == [
        ("1599999999999999999", "post", None, 1),
        ("1600000000000000001", "repost", "1599999999999999999", 1),
        ("1600000000000000002", "repost", "1599999999999999999", 1),
        ("1600000000000000003", "repost", "1599999999999999999", 2),
    ]
    assert _extra(store, "1600000000000000003")["retrieved_at"] == "2022-12-06T09:00:02+00:00"
    assert store.engine.scalar("SELECT handle FROM actors WHERE actor_id = '4000'") == "hub"


def test_v2_flattened_lines(store: Store, data_dir: Path) -> None:
    report = _ingest(store, data_dir / "twitter_v2_flat.jsonl")
    assert report.format == "twitter-api-v2"
    got = _actions(store, "kind, parent_id, parent_actor_id, urls, mentions, source_line")
    assert got == {
        A: ("post", None, None, ["https://news.example.com/polls"], ["3003"], 1),
        X: ("post", None, None, [], [], 2),
        RT1: ("repost", X, "3003", [], ["3003"], 2),
        QUOTE: ("quote", A, "3001", [], [], 4),
        # The replied-to tweet was not returned: its author comes from in_reply_to_user_id.
        REPLY: ("reply", "1498600000000000000", "3001", [], [], 5),
    }
    rejects = store.engine.rows("SELECT source_line, reason FROM rejects ORDER BY 1")
    assert [(line, r.split(":")[0]) for line, r in rejects] == [
        (3, "malformed JSON"),
        (6, "bad time"),
    ]
    assert "'last Tuesday'" in rejects[1][1]
    extra = _extra(store, A)
    assert extra["retrieved_at"] == "2022-03-02T00:00:00+00:00"
    assert extra["media_urls"] == ["https://pbs.twimg.com/media/FMflat.jpg"]
    assert extra["impression_count"] == 250
    assert store.engine.rows(
        "SELECT handle, verified, followers FROM actors WHERE actor_id = '3001'"
    ) == [("alice", True, 5400)]
    assert store.engine.scalar("SELECT location FROM actors WHERE actor_id = '3003'") == "Porto"


# --- recognition, idempotence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [(f, "twitter-api-v1") for f in V1_FILES] + [(f, "twitter-api-v2") for f in V2_FILES],
)
def test_autodetection(store: Store, data_dir: Path, name: str, fmt: str) -> None:
    report = coordnet.ingest([data_dir / name], store)
    assert report.files[0].format == fmt
    info = store.info()
    assert info.n_sources == 1 and info.n_actions > 0
    assert {p for p, _, _ in info.actions_by_platform_kind} == {"twitter"}
    assert store.engine.scalar("SELECT format FROM sources") == fmt


@pytest.mark.parametrize("name", V1_FILES + V2_FILES)
def test_sniffs_are_mutually_exclusive(data_dir: Path, name: str) -> None:
    src = inspect_source(data_dir / name)
    scores = [get_reader(n).sniff(src) for n in ("twitter-api-v1", "twitter-api-v2")]
    assert sorted(s > 0 for s in scores) == [False, True]


TELEGRAM = {
    "name": "Channel",
    "type": "public_channel",
    "id": 1234567890,
    "messages": [
        {
            "id": 1,
            "type": "message",
            "date": "2022-03-01T12:00:00",
            "date_unixtime": "1646136000",
            "from": "Channel",
            "from_id": "channel1234567890",
            "text": "hello",
            "text_entities": [{"type": "plain", "text": "hello"}],
        }
    ],
}
CROWDTANGLE = {
    "status": 200,
    "result": {
        "posts": [
            {
                "id": "11_22",
                "platformId": "11_22",
                "platform": "Facebook",
                "date": "2022-03-01 12:00:00",
                "postUrl": "https://www.facebook.com/11/posts/22",
                "account": {"id": 11, "name": "Page", "handle": "page", "subscriberCount": 5},
                "statistics": {"actual": {"likeCount": 1}},
            }
        ]
    },
}


@pytest.mark.parametrize("doc", [TELEGRAM, CROWDTANGLE], ids=["telegram", "crowdtangle"])
def test_sniffs_ignore_other_json_formats(tmp_path: Path, doc: dict[str, Any]) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc, indent=1))
    src = inspect_source(path)
    assert get_reader("twitter-api-v1").sniff(src) == 0
    assert get_reader("twitter-api-v2").sniff(src) == 0


@pytest.mark.parametrize("name", ["twitter_v1.jsonl", "twitter_v2_flat.jsonl"])
def test_second_ingest_changes_nothing(
    store: Store, data_dir: Path, tmp_path: Path, name: str
) -> None:
    first = _ingest(store, data_dir / name)
    before = store.engine.rows("SELECT * FROM actions ORDER BY action_id")
    again = _ingest(store, data_dir / name)
    assert again.is_skipped
    # The same tweets in another file (gzipped: a different fingerprint) are all existing.
    copy = tmp_path / (name + ".gz")
    with open(data_dir / name, "rb") as fin, gzip.open(copy, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    other = _ingest(store, copy)
    assert (other.n_actions, other.n_existing) == (0, first.n_actions)
    assert store.engine.rows("SELECT * FROM actions ORDER BY action_id") == before
    assert store.info().n_actors == first.n_actors


# --- property ------------------------------------------------------------------------------

_TAG = st.text("abcXYZéÉ_0123456789", min_size=1, max_size=12).filter(lambda t: not t.isdigit())
_STATUS = st.fixed_dictionaries(
    {
        "id": st.integers(10**17, 2 * 10**17),
        "user": st.integers(1, 50),
        "text": st.text(max_size=80),
        "tags": st.lists(_TAG, max_size=4),
        "retweets": st.one_of(st.none(), st.integers(1, 5)),
    }
)


def _v1_status(s: dict[str, Any]) -> dict[str, Any]:
    status: dict[str, Any] = {
        "id_str": str(s["id"]),
        "created_at": "Tue Mar 01 12:00:00 +0000 2022",
        "text": s["text"],
        "user": {"id_str": str(s["user"]), "screen_name": f"u{s['user']}"},
        "entities": {"hashtags": [{"text": t} for t in s["tags"]], "urls": []},
    }
    if s["retweets"] is not None:
        original = s["retweets"]
        status["retweeted_status"] = {
            "id_str": str(original),
            "created_at": "Tue Mar 01 11:00:00 +0000 2022",
            "text": f"original {original}",
            "user": {"id_str": str(100 + original), "screen_name": f"o{original}"},
        }
    return status


@settings(max_examples=40, deadline=None)
@given(st.lists(_STATUS, min_size=1, max_size=12, unique_by=lambda s: s["id"]))
def test_every_generated_tweet_is_read_once(statuses: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, coordnet.open_store() as store:
        path = Path(tmp) / "tweets.jsonl"
        path.write_text("".join(json.dumps(_v1_status(s)) + "\n" for s in statuses))
        report = coordnet.ingest([path], store).files[0]
        assert report.n_rejects == 0 and report.n_records == len(statuses)
        counts = dict(store.engine.rows("SELECT action_id, count(*) FROM actions GROUP BY 1"))
        originals = {str(s["retweets"]) for s in statuses if s["retweets"] is not None}
        assert counts == dict.fromkeys({str(s["id"]) for s in statuses} | originals, 1)
        got = _actions(store, "hashtags, hashtags_raw, text, kind, parent_id")
        for s in statuses:
            hashtags, hashtags_raw, text, kind, parent_id = got[str(s["id"])]
            assert hashtags == [t.lower() for t in s["tags"]]
            assert hashtags_raw == s["tags"]
            assert text == (s["text"] if s["text"].strip() else None)
            expected_parent = None if s["retweets"] is None else str(s["retweets"])
            assert (kind, parent_id) == ("post" if expected_parent is None else "repost",
                                         expected_parent)  # fmt: skip


def test_v2_without_created_at_is_dated_by_its_snowflake(store: Store, tmp_path: Path) -> None:
    # Without tweet.fields=created_at the API returns no time; the snowflake id still has it.
    path = tmp_path / "bare.jsonl"
    lines = [
        {"data": [{"id": A, "author_id": "1", "text": "hi", "edit_history_tweet_ids": [A]}]},
        {"data": [{"id": "abc", "author_id": "1", "text": "not a snowflake"}]},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    report = _ingest(store, path)
    assert report.format == "twitter-api-v2"
    assert store.engine.rows("SELECT time::VARCHAR, time_source FROM actions") == [
        ("2022-03-01 12:00:00.123", "snowflake")
    ]
    assert store.engine.rows("SELECT source_line, reason FROM rejects") == [
        (2, "bad time: tweet abc has no created_at and its id is not a snowflake")
    ]
