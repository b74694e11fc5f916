"""What every reader gets from the loader: rejects, duplicates, idempotency, appends."""

from __future__ import annotations

from pathlib import Path

import coordnet
from coordnet.store import Store

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet,retweet_tweetid"


def write(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def dump(store: Store) -> list[tuple]:
    out = []
    for table in ("actions", "actors", "rejects", "sessions"):
        out.append(store.engine.rows(f"SELECT * FROM {table} ORDER BY ALL"))
    out.append(store.engine.rows("SELECT source_id, path, n_actions, n_rejects FROM sources"))
    return out


def test_every_bad_row_is_kept_with_file_line_and_reason(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.csv",
        "1,u1,ok,2019-01-01 00:00,False,",
        ",u1,no id,2019-01-01 00:00,False,",
        "3,,no user,2019-01-01 00:00,False,",
        "4,u1,bad time,13/45/2019,False,",
        "5,u1,too,many,fields,here,!",
        "6,u1,retweet without parent,2019-01-01 00:00,True,",
        "1,u1,dup,2019-01-01 00:05,False,",
    )
    report = coordnet.ingest([path], store)
    f = report.files[0]
    assert (f.n_records, f.n_actions, f.n_rejects) == (7, 1, 6)
    assert f.rejects_by_reason == {
        "bad time": 1, "duplicate id": 1, "malformed row": 1, "missing actor": 1,
        "missing id": 1, "missing parent": 1,
    }  # fmt: skip
    rejects = dict(store.engine.rows("SELECT source_line, reason FROM rejects"))
    assert set(rejects) == {3, 4, 5, 6, 7, 8}
    assert "13/45/2019" in rejects[5] and "tweet_time" in rejects[5]
    assert rejects[8] == "duplicate id: action 1 already read at line 2"
    assert store.engine.scalar("SELECT count(DISTINCT source_file) FROM rejects") == 1
    assert store.engine.scalar("SELECT count(*) FROM rejects WHERE raw IS NULL") == 0
    assert store.info().rejects_by_reason[0][1] == 1


def test_same_file_twice_gives_the_same_store(store: Store, data_dir: Path) -> None:
    coordnet.ingest([data_dir / "io_tweets.csv", data_dir / "io_users.csv"], store)
    before = dump(store)
    again = coordnet.ingest([data_dir / "io_tweets.csv", data_dir / "io_users.csv"], store)
    assert all(f.is_skipped for f in again.files)
    assert dump(store) == before


def test_copy_of_a_file_under_another_name_adds_nothing(
    store: Store, data_dir: Path, tmp_path: Path
) -> None:
    coordnet.ingest([data_dir / "io_tweets.csv"], store)
    before = store.engine.rows("SELECT * FROM actions ORDER BY ALL")
    copy = tmp_path / "copy.csv"
    copy.write_text((data_dir / "io_tweets.csv").read_text(encoding="utf-8") + "\n",
                    encoding="utf-8")  # fmt: skip
    report = coordnet.ingest([copy], store)
    f = report.files[0]
    assert (f.is_skipped, f.n_actions, f.n_existing, f.n_rejects) == (False, 0, 6, 0)
    assert store.engine.rows("SELECT * FROM actions ORDER BY ALL") == before


def test_appending_an_overlapping_export(store: Store, tmp_path: Path) -> None:
    week1 = write(tmp_path / "w1.csv", "1,u1,a,2019-01-01 00:00,False,",
                  "2,u2,b,2019-01-02 00:00,False,")  # fmt: skip
    week2 = write(tmp_path / "w2.csv", "2,u2,b,2019-01-02 00:00,False,",
                  "3,u3,c,2019-01-08 00:00,False,")  # fmt: skip
    coordnet.ingest([week1], store)
    f = coordnet.ingest([week2], store).files[0]
    assert (f.n_actions, f.n_existing) == (1, 1)
    assert store.engine.scalar("SELECT count(*) FROM actions") == 3
    assert store.engine.scalar("SELECT count(*) FROM actors") == 3


def test_record_over_the_size_limit_is_rejected_not_fatal(store: Store, tmp_path: Path) -> None:
    from coordnet.ingest.scan import MAX_RECORD_BYTES

    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n1,u1,small,2019-01-01 00:00,False,\n")
        fh.write('2,u1,"' + "y" * (MAX_RECORD_BYTES + 10) + '",2019-01-01 00:00,False,\n')
        fh.write("3,u1,after,2019-01-01 00:02,False,\n")
    f = coordnet.ingest([path], store).files[0]
    assert (f.n_actions, f.n_rejects) == (2, 1)
    assert f.rejects_by_reason == {"record too large": 1}


def test_actor_extra_is_merged_not_replaced(store: Store, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("userid,user_screen_name,account_creation_date,follower_count\n"
                      "u1,first,2019-01-01,10\n", encoding="utf-8")  # fmt: skip
    coordnet.ingest([labels], store)
    store.engine.execute(
        """UPDATE actors SET extra = '{"label": "campaign", "profile_url": null}'"""
    )
    later = tmp_path / "later.csv"
    later.write_text("userid,user_screen_name,account_creation_date,user_profile_url\n"
                     "u1,renamed,2019-01-01,https://x.example\n", encoding="utf-8")  # fmt: skip
    coordnet.ingest([later], store)
    handle, extra = store.engine.rows("SELECT handle, extra FROM actors")[0]
    assert handle == "renamed"
    assert '"label":"campaign"' in extra.replace(" ", "")
    assert "https://x.example" in extra


def test_actors_stay_unique_across_merges(store: Store, data_dir: Path, tmp_path: Path) -> None:
    coordnet.ingest([data_dir / "io_tweets.csv", data_dir / "io_users.csv"], store)
    more = write(tmp_path / "more.csv", "9,2000001,x,2019-01-01 00:00,False,",
                 "10,new-user,y,2019-01-01 00:00,False,")  # fmt: skip
    coordnet.ingest([more], store)
    n, distinct = store.engine.rows(
        "SELECT count(*), count(DISTINCT (platform, actor_id)) FROM actors"
    )[0]
    assert (n, distinct) == (4, 4)
    # The profile from the user file survives a later file that names the actor again.
    assert store.engine.scalar("SELECT handle FROM actors WHERE actor_id = '2000001'") == (
        "hkdailywatch"
    )
