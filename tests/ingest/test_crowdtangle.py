"""CrowdTangle reader: UI exports (pages, groups, Instagram) and the flattened API table."""

from __future__ import annotations

import gzip
import json
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coordnet
from coordnet.errors import MissingColumnsError
from coordnet.ingest.crowdtangle import ZONE_OFFSETS, CrowdTangle
from coordnet.ingest.registry import choose_reader
from coordnet.ingest.source import inspect_source
from coordnet.store import Store

PAGES = "crowdtangle_ui_pages.csv"
GROUPS = "crowdtangle_ui_groups.csv"
INSTAGRAM = "crowdtangle_ui_instagram.csv"
API = "crowdtangle_api_posts.csv"


def _actions(store: Store) -> dict[str, dict]:
    cols = [
        "action_id", "actor_id", "platform", "time", "kind", "text", "lang", "parent_id",
        "urls_raw", "urls", "hashtags_raw", "mentions", "source_line", "extra",
    ]  # fmt: skip
    rows = store.engine.rows(f"SELECT {', '.join(cols)} FROM actions")
    out = {}
    for row in rows:
        d = dict(zip(cols, row, strict=True))
        d["extra"] = json.loads(d["extra"]) if d["extra"] else {}
        out[d["action_id"]] = d
    return out


def _actor(store: Store, actor_id: str) -> dict:
    cols = [
        "platform", "actor_kind", "handle", "display_name", "created_at", "followers",
        "description", "location", "verified", "extra",
    ]  # fmt: skip
    row = store.engine.rows(f"SELECT {', '.join(cols)} FROM actors WHERE actor_id = ?", [actor_id])
    assert len(row) == 1, actor_id
    d = dict(zip(cols, row[0], strict=True))
    d["extra"] = json.loads(d["extra"]) if d["extra"] else {}
    return d


def _rejects(store: Store) -> list[tuple[int, str]]:
    return store.engine.rows("SELECT source_line, reason FROM rejects ORDER BY source_line")


@pytest.mark.parametrize("name", [PAGES, GROUPS, INSTAGRAM, API])
def test_every_shape_is_recognised(data_dir: Path, name: str) -> None:
    assert choose_reader(inspect_source(data_dir / name)).name == "crowdtangle"


def test_other_tables_are_not_claimed(tmp_path: Path) -> None:
    f = tmp_path / "io.csv"
    f.write_text("tweetid,userid,tweet_time,is_retweet\n1,u1,2019-08-01 10:00,False\n")
    assert CrowdTangle().sniff(inspect_source(f)) == 0.0
    assert choose_reader(inspect_source(f)).name == "twitter-io"


def test_ui_page_export_fields(store: Store, data_dir: Path) -> None:
    report = coordnet.ingest([data_dir / PAGES], store)
    f = report.files[0]
    assert (f.format, f.n_records, f.n_actions, f.n_rejects) == ("crowdtangle", 7, 5, 2)
    a = _actions(store)["https://www.facebook.com/100000000000001/posts/200000000000001"]
    assert a["actor_id"] == "100000000000001"
    assert a["platform"] == "facebook"
    assert a["kind"] == "post"
    assert a["text"].startswith("Read this before they delete it!")
    # Final Link wins over the shortened Link; other URLs in the message follow.
    assert a["urls_raw"] == [
        "https://www.example.com/news/article-1?utm_source=fb",
        "https://example.org/extra",
    ]
    assert a["urls"][0] == "https://example.com/news/article-1"
    assert a["hashtags_raw"] == ["StopTheSteal"]
    assert a["source_line"] == 2
    extra = a["extra"]
    assert extra["type"] == "Link"
    assert extra["link"] == "https://bit.ly/3abcDEF"
    assert extra["total_interactions"] == 1234  # written "1,234"
    assert extra["overperforming_score"] == 2.5
    assert extra["is_reshare"] is False
    assert extra["time_text"] == "2021-03-01 12:34:56 EST"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (2, datetime(2021, 3, 1, 17, 34, 56)),  # EST
        (3, datetime(2021, 3, 1, 17, 36, 10)),  # -0500
        (4, datetime(2021, 7, 4, 13, 0, 0)),  # EDT
        (5, datetime(2021, 3, 1, 17, 35, 30)),  # CET
        (8, datetime(2021, 3, 1, 17, 35, 0)),  # ISO with Z
    ],
)
def test_ui_time_zones_become_utc(
    store: Store, data_dir: Path, line: int, expected: datetime
) -> None:
    coordnet.ingest([data_dir / PAGES], store)
    got = store.engine.scalar("SELECT time FROM actions WHERE source_line = ?", [line])
    assert got == expected


def test_ui_rejects_name_field_value_and_line(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / PAGES], store)
    assert _rejects(store) == [
        (6, "bad time: field Post Created is empty"),
        (
            7,
            "bad time: field Post Created = '2021-03-02 10:00:00 IST' is not a date-time "
            "with a known time zone",
        ),
    ]
    raw = json.loads(store.engine.scalar("SELECT raw FROM rejects WHERE source_line = 6"))
    assert raw["Message"] == "No time on this row"


def test_ui_reshare_stays_a_post_with_the_reshared_link(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / PAGES], store)
    a = _actions(store)["https://www.facebook.com/100000000000001/posts/200000000000003"]
    assert a["kind"] == "post"
    assert a["parent_id"] is None
    assert a["extra"]["is_reshare"] is True
    assert a["extra"]["type"] == "Status"
    assert a["urls_raw"] == ["https://www.facebook.com/100000000000009/posts/200000000000999"]


def test_ui_page_profile(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / PAGES], store)
    page = _actor(store, "100000000000001")
    assert page["actor_kind"] == "page"
    assert page["handle"] == "patriotnewsdaily"
    assert page["display_name"] == "Patriot News Daily"
    assert page["followers"] == 15800  # at the page's latest post
    assert page["created_at"] == datetime(2016, 5, 3, 18, 22, 11)  # EDT
    assert page["location"] == "US"
    assert page["description"] == "Daily news for patriots"
    assert page["extra"]["page_category"] == "NEWS_SITE"
    no_handle = _actor(store, "100000000000004")
    assert no_handle["handle"] is None
    assert no_handle["created_at"] == datetime(2019, 6, 1)


def test_ui_group_export(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / GROUPS], store)
    actions = _actions(store)
    a = actions["https://www.facebook.com/groups/500000000000002/permalink/600000000000002/"]
    assert a["actor_id"] == "500000000000002"
    assert a["time"] == datetime(2021, 3, 1, 17, 35, 5)  # 11:35:05 CST
    assert a["hashtags_raw"] == ["wakeup"]
    b = actions["https://www.facebook.com/groups/500000000000001/permalink/600000000000001/"]
    assert b["time"] == datetime(2021, 3, 1, 17, 34, 58)  # 09:34:58 PST
    group = _actor(store, "500000000000002")
    assert group["actor_kind"] == "group"
    assert group["display_name"] == "Moms For Truth"
    assert group["followers"] == 8100  # Members at Posting, written "8,100"


def test_ui_instagram_export(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / INSTAGRAM], store)
    (a,) = _actions(store).values()
    assert a["action_id"] == "https://www.instagram.com/p/CLxyz123abc/"
    assert a["platform"] == "instagram"
    assert a["actor_id"] == "truth.seeker"  # no numeric id in Instagram UI exports
    assert a["text"].startswith("Link in bio!")  # the caption is in Description
    assert a["mentions"] == ["freedomvoice"]
    # The post's own address is not a shared link.
    assert a["urls_raw"] == ["https://www.example.com/news/article-1"]
    actor = _actor(store, "truth.seeker")
    assert (actor["platform"], actor["actor_kind"], actor["followers"]) == (
        "instagram", "profile", 45000,
    )  # fmt: skip


def test_api_table_fields(store: Store, data_dir: Path) -> None:
    f = coordnet.ingest([data_dir / API], store).files[0]
    assert (f.n_records, f.n_actions, f.n_rejects) == (6, 5, 1)
    actions = _actions(store)
    a = actions["100000000000001_200000000000001"]
    assert a["actor_id"] == "100000000000001"
    assert a["time"] == datetime(2021, 3, 1, 17, 34, 56)
    assert a["lang"] == "en"
    assert a["urls_raw"] == ["https://www.example.com/news/article-1?utm_source=fb"]
    assert a["extra"]["ct_id"] == "11|100000000000001_200000000000001"
    assert a["extra"]["like_count"] == 1000
    assert (
        a["extra"]["post_url"] == "https://www.facebook.com/100000000000001/posts/200000000000001"
    )
    # Several expanded links in one cell; the re-share flag from the title.
    b = actions["100000000000002_200000000000010"]
    assert b["urls_raw"] == ["https://www.example.com/a", "https://www.example.com/b"]
    assert b["extra"]["is_reshare"] is True
    assert b["time"] == datetime(2021, 3, 1, 17, 40)
    # Without platformId the CrowdTangle id is the action id.
    assert "16|100000000000003_200000000000012" in actions
    ig = actions["17841400000000001_2523456789012345678"]
    assert ig["platform"] == "instagram"
    assert ig["urls_raw"] == []
    assert _rejects(store) == [(6, "bad time: field date is empty")]


def test_api_account_kinds_and_profiles(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / API], store)
    page = _actor(store, "100000000000001")
    assert (page["actor_kind"], page["followers"], page["verified"]) == ("page", 15000, False)
    assert page["extra"]["profile_url"] == "https://www.facebook.com/100000000000001"
    assert page["created_at"] == datetime(2016, 5, 3, 18, 22, 11)
    assert _actor(store, "500000000000001")["actor_kind"] == "group"
    ig = _actor(store, "17841400000000001")
    assert (ig["platform"], ig["actor_kind"], ig["handle"], ig["verified"]) == (
        "instagram", "profile", "truth.seeker", True,
    )  # fmt: skip


def test_api_underscore_names_and_gzip(store: Store, data_dir: Path, tmp_path: Path) -> None:
    lines = (data_dir / API).read_text().splitlines(keepends=True)
    lines[0] = lines[0].replace(".", "_")
    f = tmp_path / "ct_api_underscore.csv.gz"
    with gzip.open(f, "wt") as fh:
        fh.writelines(lines)
    report = coordnet.ingest([f], store)
    assert report.files[0].format == "crowdtangle"
    assert report.files[0].n_actions == 5
    assert _actor(store, "500000000000001")["actor_kind"] == "group"


def test_ui_and_api_rows_of_one_page_meet_in_one_actor(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / PAGES, data_dir / API], store)
    n = store.engine.scalar(
        "SELECT count(DISTINCT action_id) FROM actions WHERE actor_id = '100000000000001'"
    )
    assert n == 3  # two UI posts, one API post (ids differ by shape: URL vs platformId)
    assert _actor(store, "100000000000001")["actor_kind"] == "page"


def test_ingest_is_idempotent(store: Store, data_dir: Path, tmp_path: Path) -> None:
    coordnet.ingest([data_dir / PAGES], store)
    before = store.engine.rows("SELECT * FROM actions ORDER BY action_id")
    again = coordnet.ingest([data_dir / PAGES], store).files[0]
    assert again.is_skipped
    copy = tmp_path / "pages.csv.gz"
    copy.write_bytes(gzip.compress((data_dir / PAGES).read_bytes()))
    gz = coordnet.ingest([copy], store).files[0]
    assert (gz.n_actions, gz.n_existing) == (0, 5)
    assert store.engine.rows("SELECT * FROM actions ORDER BY action_id") == before


def test_forced_format_names_missing_columns(tmp_path: Path) -> None:
    f = tmp_path / "other.csv"
    f.write_text("Page Name,Message\nA,hello\n")
    with pytest.raises(MissingColumnsError) as err:
        coordnet.ingest([f], format="crowdtangle")
    assert "Post Created" in str(err.value)


# --- time zones: property -------------------------------------------------------------------

_ZONES = st.one_of(
    st.sampled_from(sorted(ZONE_OFFSETS)).map(lambda z: (z, ZONE_OFFSETS[z])),
    st.tuples(st.integers(-12, 14), st.sampled_from([0, 30, 45]), st.booleans()).map(
        lambda t: (
            f"{'-' if t[0] < 0 else '+'}{abs(t[0]):02d}{':' if t[2] else ''}{t[1]:02d}",
            (1 if t[0] >= 0 else -1) * (abs(t[0]) * 60 + t[1]),
        )
    ),
    st.just(("", 0)),
)
_LOCAL = st.datetimes(min_value=datetime(2005, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_LOCAL, _ZONES), min_size=1, max_size=12))
def test_post_created_is_local_time_minus_its_offset(
    rows: list[tuple[datetime, tuple[str, int]]],
) -> None:
    header = "Page Name,User Name,Facebook Id,Post Created,Type,URL,Message,Link\n"
    body = "".join(
        f"P,p,{i},{local:%Y-%m-%d %H:%M:%S} {zone},Link,https://fb.com/{i}/posts/{i},m,\n"
        for i, (local, (zone, _)) in enumerate(rows)
    )
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "ct.csv"
        f.write_text(header + body)
        with coordnet.open_store() as store:
            coordnet.ingest([f], store)
            got = dict(store.engine.rows("SELECT actor_id, time FROM actions"))
    for i, (local, (_, minutes)) in enumerate(rows):
        assert got[str(i)] == local - timedelta(minutes=minutes)
