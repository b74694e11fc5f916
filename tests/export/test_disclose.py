"""The disclosure data set: re-ingests with our own reader, hashes consistently, leaks nothing."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coordnet.cli import main
from coordnet.errors import InputError
from coordnet.export.disclose import (
    TWEET_COLUMNS,
    USER_COLUMNS,
    disclose,
    new_salt_file,
    read_salt_file,
)
from coordnet.ingest import ingest
from coordnet.store import Store, open_store

SALT = "a salt of at least sixteen bytes"
HEX64 = re.compile(r"[0-9a-f]{64}")


def _one(store: Store, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
    rows = store.engine.arrow(sql, params).to_pylist()
    assert rows, sql
    return rows[0]


@pytest.fixture
def crafted(detected: Path, tmp_path: Path) -> dict[str, Any]:
    """A copy of the detected store plus actions that point across the privacy line.

    Member A (small, network 3) replies to member B (small, network 3), reposts a small
    outsider C, quotes a public outsider P (author known only from the quoted post), and
    replies to C with hostile text; one 'like' the format cannot hold.
    """
    path = tmp_path / "store.duckdb"
    shutil.copy(detected / "store.duckdb", path)
    with open_store(path) as st:
        small_members = """SELECT m.actor_id, a.handle FROM cluster_members m
                           JOIN actors a USING (actor_id)
                           WHERE m.reported AND m.cluster_id = 3 AND a.followers < 5000
                           ORDER BY m.actor_id"""
        a, b = st.engine.arrow(small_members).to_pylist()[:2]
        outsider = """SELECT a.actor_id, a.handle, x.action_id FROM actors a
                      JOIN actions x USING (actor_id)
                      WHERE a.actor_id NOT IN (SELECT actor_id FROM cluster_members WHERE reported)
                        AND a.handle IS NOT NULL AND {} ORDER BY a.actor_id, x.action_id"""
        c = _one(st, outsider.format("a.followers < 5000 AND x.kind = 'post'"))
        p = _one(st, outsider.format("a.followers >= 5000 AND x.kind = 'post'"))
        b_post = _one(
            st,
            "SELECT action_id FROM actions WHERE actor_id = ? AND kind = 'post' ORDER BY action_id",
            [b["actor_id"]],
        )["action_id"]
        hostile = (
            f'line one\nline two, "quoted" =HYPERLINK("http://x") '
            f"<script>alert(1)</script> @{c['handle']}. mail bob@example.com "
            "@NoSuchAccount_99"
        )
        rows = [
            (
                "9100000000000000001",
                a["actor_id"],
                "reply",
                f"@{b['handle']} agreed",
                b_post,
                b["actor_id"],
                [b["actor_id"]],
            ),
            (
                "9100000000000000002",
                a["actor_id"],
                "repost",
                f"RT @{c['handle']}: look",
                c["action_id"],
                c["actor_id"],
                [],
            ),
            ("9100000000000000003", a["actor_id"], "quote", "so true", p["action_id"], None, []),
            (
                "9100000000000000004",
                a["actor_id"],
                "reply",
                hostile,
                c["action_id"],
                c["actor_id"],
                [c["actor_id"], "nosuchaccount_99"],
            ),
            ("9100000000000000005", a["actor_id"], "like", None, b_post, b["actor_id"], []),
        ]
        for action_id, actor, kind, text, parent, parent_actor, mentions in rows:
            st.engine.execute(
                """INSERT INTO actions BY NAME SELECT ? AS action_id, ? AS actor_id,
                       'twitter' AS platform, TIMESTAMP '2019-08-02 10:00:00' AS time,
                       ? AS kind, ? AS text, ? AS parent_id, ? AS parent_actor_id,
                       ?::VARCHAR[] AS mentions, ['https://example.org/a,b']::VARCHAR[] AS urls,
                       ['https://example.org/a,b']::VARCHAR[] AS urls_raw""",
                [action_id, actor, kind, text, parent, parent_actor, mentions],
            )
    return {"path": path, "a": a, "b": b, "b_post": b_post, "c": c, "p": p}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _tweets(out: Path) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for f in sorted(out.glob("*_tweets_csv_hashed.csv")):
        rows.update({r["tweetid"]: r for r in _read(f)})
    return rows


def test_files_have_the_archive_columns(crafted: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open_store(crafted["path"]) as st:
        report = disclose(st, out, salt=SALT)
    assert report.networks == [2, 3]
    assert sorted(Path(f).name for f in report.files) == [
        "README.md",
        "network_2_tweets_csv_hashed.csv",
        "network_2_users_csv_hashed.csv",
        "network_3_tweets_csv_hashed.csv",
        "network_3_users_csv_hashed.csv",
    ]
    header = (out / "network_3_tweets_csv_hashed.csv").read_text(encoding="utf-8").split("\n")[0]
    assert header.split(",") == list(TWEET_COLUMNS)
    assert _read(out / "network_2_users_csv_hashed.csv")[0].keys() == set(USER_COLUMNS)
    assert report.skipped == {"kind like (the format holds posts, reposts, replies and quotes)": 1}


def test_round_trip_through_our_reader(crafted: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open_store(crafted["path"]) as st:
        report = disclose(st, out, salt=SALT)
        n_members = st.engine.scalar("SELECT count(*) FROM cluster_members WHERE reported")
        n_actions = st.engine.scalar(
            """SELECT count(*) FROM actions WHERE kind <> 'like' AND actor_id IN
               (SELECT actor_id FROM cluster_members WHERE reported)"""
        )
    assert (report.n_actors, report.n_actions) == (n_members, n_actions)
    with open_store() as fresh:
        result = ingest(sorted(out.glob("*.csv")), fresh)
        assert result.n_rejects == 0
        e = fresh.engine
        assert e.scalar("SELECT count(*) FROM actions") == n_actions
        assert e.scalar("SELECT count(DISTINCT actor_id) FROM actors") == n_members
        assert e.scalar("SELECT count(*) FROM actors WHERE is_hashed_id") == report.n_hashed_actors
        # A URL holding a comma stays one URL through the list column.
        assert e.scalar("SELECT urls_raw FROM actions WHERE action_id = '9100000000000000001'") == [
            "https://example.org/a%2Cb"
        ]
        hostile = e.scalar("SELECT text FROM actions WHERE action_id = '9100000000000000004'")
    assert hostile.startswith('line one\nline two, "quoted" =HYPERLINK("http://x") <script>')


def test_hashes_are_consistent_everywhere(crafted: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open_store(crafted["path"]) as st:
        disclose(st, out, salt=SALT)
    tweets = _tweets(out)
    b_rows = [r for r in tweets.values() if r["tweetid"] == crafted["b_post"]]
    b_hash = b_rows[0]["userid"]
    assert HEX64.fullmatch(b_hash) and b_hash != crafted["b"]["actor_id"]
    assert b_rows[0]["user_screen_name"] == b_rows[0]["user_display_name"] == b_hash
    reply = tweets["9100000000000000001"]
    assert reply["in_reply_to_userid"] == b_hash
    assert reply["in_reply_to_tweetid"] == crafted["b_post"]  # disclosed: kept
    assert reply["user_mentions"] == f"[{b_hash}]"
    assert reply["tweet_text"] == f"@{b_hash} agreed"
    with open_store() as fresh:
        ingest(sorted(out.glob("*.csv")), fresh)
        got = fresh.engine.rows(
            "SELECT parent_actor_id, parent_id, mentions FROM actions WHERE action_id = ?",
            ["9100000000000000001"],
        )[0]
        assert got == (b_hash, crafted["b_post"], [b_hash])
        assert fresh.engine.scalar("SELECT is_hashed_id FROM actors WHERE actor_id = ?", [b_hash])


def test_outsiders_are_referenced_by_hash_only(crafted: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open_store(crafted["path"]) as st:
        report = disclose(st, out, salt=SALT)
    tweets = _tweets(out)
    c = crafted["c"]
    repost = tweets["9100000000000000002"]
    assert HEX64.fullmatch(repost["retweet_userid"])
    assert HEX64.fullmatch(repost["retweet_tweetid"])
    assert repost["retweet_tweetid"] != c["action_id"]
    assert repost["tweet_text"] == f"RT @{repost['retweet_userid']}: look"
    assert c["action_id"] not in tweets  # not disclosed, only referenced
    hostile = tweets["9100000000000000004"]
    assert hostile["in_reply_to_userid"] == repost["retweet_userid"]
    assert hostile["in_reply_to_tweetid"] == repost["retweet_tweetid"]
    assert f"@{repost['retweet_userid']}. mail bob@example.com" in hostile["tweet_text"]
    unknown = re.search(r"@(\S+)$", hostile["tweet_text"])
    assert unknown and HEX64.fullmatch(unknown.group(1))  # unknown followers: hashed
    # A public author's post (found through the quoted post) keeps its id.
    assert tweets["9100000000000000003"]["quoted_tweet_tweetid"] == crafted["p"]["action_id"]
    assert report.n_text_mentions_hashed >= 4
    assert report.n_hashed_references >= 2


def test_large_accounts_keep_their_ids(crafted: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    with open_store(crafted["path"]) as st:
        disclose(st, out, salt=SALT)
        public = st.engine.arrow(
            """SELECT a.actor_id, a.handle, a.display_name, a.followers FROM actors a
               JOIN cluster_members m USING (actor_id) WHERE m.reported AND a.followers >= 5000"""
        ).to_pylist()
    assert public, "the demo network has a public seed account"
    users = {r["userid"]: r for f in out.glob("*_users_csv_hashed.csv") for r in _read(f)}
    for p in public:
        row = users[p["actor_id"]]
        assert (row["user_screen_name"], row["user_display_name"]) == (
            p["handle"],
            p["display_name"],
        )
        assert row["follower_count"] == str(p["followers"])
    hashed = [r for r in users.values() if HEX64.fullmatch(r["userid"])]
    assert hashed and all(
        r["user_profile_description"] == r["user_profile_url"] == "" for r in hashed
    )


def test_threshold_boundary(crafted: dict[str, Any], tmp_path: Path) -> None:
    """An account with exactly ``follower_threshold`` followers is public; one fewer is not."""
    with open_store(crafted["path"]) as st:
        a = crafted["a"]["actor_id"]
        n = int(st.engine.scalar("SELECT followers FROM actors WHERE actor_id = ?", [a]))
        disclose(st, tmp_path / "at", salt=SALT, follower_threshold=n, networks=[3])
        disclose(st, tmp_path / "above", salt=SALT, follower_threshold=n + 1, networks=[3])
    assert a in {r["userid"] for r in _read(tmp_path / "at" / "network_3_users_csv_hashed.csv")}
    assert a not in {
        r["userid"] for r in _read(tmp_path / "above" / "network_3_users_csv_hashed.csv")
    }


def _token(value: str) -> re.Pattern[bytes]:
    return re.compile(
        rb"(?<![A-Za-z0-9_])" + re.escape(value.encode()) + rb"(?![A-Za-z0-9_])", re.IGNORECASE
    )


def test_no_raw_id_or_handle_of_a_small_account_in_any_file(
    crafted: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    with open_store(crafted["path"]) as st:
        disclose(st, out, salt=SALT)
        small = st.engine.arrow(
            """WITH refs AS (
                   SELECT actor_id AS id FROM cluster_members WHERE reported
                   UNION SELECT parent_actor_id FROM actions x JOIN cluster_members m
                         USING (actor_id) WHERE m.reported
                   UNION SELECT unnest(mentions) FROM actions x JOIN cluster_members m
                         USING (actor_id) WHERE m.reported)
               SELECT a.actor_id, a.handle FROM actors a JOIN refs ON refs.id = a.actor_id
               WHERE coalesce(a.followers, 0) < 5000"""
        ).to_pylist()
    assert crafted["c"]["actor_id"] in {s["actor_id"] for s in small}
    assert len(small) >= 27
    blobs = {f.name: f.read_bytes() for f in out.iterdir()}
    for s in small:
        for value in (s["actor_id"], s["handle"]):
            for name, blob in blobs.items():
                assert not _token(value).search(blob), f"{value} found in {name}"


def test_salt_stays_out_and_decides_the_hashes(crafted: dict[str, Any], tmp_path: Path) -> None:
    with open_store(crafted["path"]) as st:
        disclose(st, tmp_path / "one", salt=SALT)
        disclose(st, tmp_path / "two", salt=SALT)
        disclose(st, tmp_path / "other", salt=SALT + "!")
    for f in sorted((tmp_path / "one").iterdir()):
        blob = f.read_bytes()
        assert SALT.encode() not in blob
        assert blob == (tmp_path / "two" / f.name).read_bytes()
    one = _read(tmp_path / "one" / "network_3_users_csv_hashed.csv")
    other = _read(tmp_path / "other" / "network_3_users_csv_hashed.csv")
    assert len(one) == len(other) == 12
    assert not {r["userid"] for r in one} & {r["userid"] for r in other}
    two = _read(tmp_path / "one" / "network_2_users_csv_hashed.csv")
    two_other = _read(tmp_path / "other" / "network_2_users_csv_hashed.csv")
    public = {r["userid"] for r in two if not HEX64.fullmatch(r["userid"])}
    assert public and public <= {r["userid"] for r in two_other}


def test_salt_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    salt = new_salt_file(tmp_path / "keys" / "hk.salt", out_dir=out)
    assert len(salt) == 64 and (tmp_path / "keys" / "hk.salt").stat().st_mode & 0o077 == 0
    assert read_salt_file(tmp_path / "keys" / "hk.salt", out_dir=out) == salt
    with pytest.raises(InputError, match="already exists"):
        new_salt_file(tmp_path / "keys" / "hk.salt", out_dir=out)
    with pytest.raises(InputError, match="inside the output folder"):
        new_salt_file(out / "sub" / "x.salt", out_dir=out)
    (out).mkdir()
    (out / "in.salt").write_text("x" * 40)
    with pytest.raises(InputError, match="inside the output folder"):
        read_salt_file(out / "in.salt", out_dir=out)
    (tmp_path / "short.salt").write_text("short\n")
    with pytest.raises(InputError, match="at least 16"):
        read_salt_file(tmp_path / "short.salt")


def test_bad_arguments(detected: Path, tmp_path: Path) -> None:
    with open_store(detected / "store.duckdb") as st:
        with pytest.raises(InputError, match="network 99 is not a reported network"):
            disclose(st, tmp_path / "o", salt=SALT, networks=[99])
        with pytest.raises(InputError, match="at least 16"):
            disclose(st, tmp_path / "o", salt="short")


def test_cli(detected: Path, tmp_path: Path) -> None:
    store = str(detected / "store.duckdb")
    out = tmp_path / "pub"
    salt = tmp_path / "secret" / "s.salt"

    def run(*args: str) -> Any:
        return CliRunner().invoke(main, ["disclose", "--store", store, *args])

    done = run("--out", str(out), "--new-salt-file", str(salt), "--network", "3")
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("networks 3: 140 posts by 12 accounts (12 hashed, 0 at or above")
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "network_3_tweets_csv_hashed.csv",
        "network_3_users_csv_hashed.csv",
    ]
    first = (out / "network_3_users_csv_hashed.csv").read_bytes()
    again = run("--out", str(out), "--salt-file", str(salt), "--network", "3")
    assert again.exit_code == 0 and (out / "network_3_users_csv_hashed.csv").read_bytes() == first
    inside = run("--out", str(out), "--new-salt-file", str(out / "s.salt"))
    assert inside.exit_code == 2
    assert inside.stderr.startswith(f"Error: new salt file {out / 's.salt'} is inside the output")
    neither = run("--out", str(out))
    assert neither.exit_code == 2 and "--salt-file" in neither.stderr
