"""Recognising files: compression, encodings, byte-order marks, containers, bad files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import coordnet
from coordnet.errors import InputError, UnknownFormatError
from coordnet.ingest import inspect_source
from coordnet.store import Store

HEADER = "tweetid,userid,tweet_text,tweet_time,is_retweet"


def write(path: Path, text: str, encoding: str = "utf-8", bom: bytes = b"") -> Path:
    path.write_bytes(bom + text.encode(encoding))
    return path


def test_utf8_bom_is_skipped(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "bom.csv", f"{HEADER}\n1,u1,café,2019-01-01 00:00,False\n",
                 bom=b"\xef\xbb\xbf")  # fmt: skip
    src = inspect_source(path)
    assert src.columns[0] == "tweetid" and "UTF-8 byte-order mark" in src.notes
    report = coordnet.ingest([path], store)
    assert report.files[0].n_actions == 1
    assert store.engine.scalar("SELECT text FROM actions") == "café"


def test_utf16_file(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "u16.csv", f"{HEADER}\n1,u1,香港,2019-01-01 00:00,False\n", "utf-16")
    assert inspect_source(path).encoding == "utf-16"
    coordnet.ingest([path], store)
    assert store.engine.scalar("SELECT text FROM actions") == "香港"


def test_latin1_file_is_read_and_noted(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "l1.csv", f"{HEADER}\n1,u1,café crème,2019-01-01 00:00,False\n",
                 "latin-1")  # fmt: skip
    report = coordnet.ingest([path], store)
    assert any("Latin-1" in n for n in report.files[0].notes)
    assert store.engine.scalar("SELECT text FROM actions") == "café crème"


def test_invalid_utf8_deep_in_a_file_rejects_only_that_row(store: Store, tmp_path: Path) -> None:
    good = "".join(f"{i},u1,fine text {i},2019-01-01 00:00,False\n" for i in range(1, 30000))
    raw = (HEADER + "\n" + good).encode() + b"30000,u1,bad \xff\xfe bytes,2019-01-01 00:00,False\n"
    path = tmp_path / "bad.csv"
    path.write_bytes(raw)
    report = coordnet.ingest([path], store)
    f = report.files[0]
    assert (f.n_actions, f.n_rejects) == (29999, 1)
    assert f.rejects_by_reason == {"invalid encoding": 1}
    assert store.engine.scalar("SELECT source_line FROM rejects") == 30001


def test_gzip_is_detected_by_content(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "no_suffix"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(f"{HEADER}\n1,u1,hi,2019-01-01 00:00,False\n")
    assert inspect_source(path).compression == "gzip"
    assert coordnet.ingest([path], store).files[0].n_actions == 1


def test_huge_field_is_kept(store: Store, tmp_path: Path) -> None:
    big = "x" * (5 * 1024 * 1024)
    path = write(tmp_path / "big.csv", f'{HEADER}\n1,u1,"{big}",2019-01-01 00:00,False\n'
                 "2,u1,small,2019-01-01 00:01,False\n")  # fmt: skip
    report = coordnet.ingest([path], store)
    assert report.files[0].n_actions == 2
    assert store.engine.scalar("SELECT length(text) FROM actions WHERE action_id = '1'") == len(big)


def test_mixed_time_zones_become_utc(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "tz.csv", HEADER + "\n"
                 "1,u1,a,2019-08-13 12:00:00+08:00,False\n"
                 "2,u1,b,2019-08-13T04:00:00Z,False\n"
                 "3,u1,c,2019-08-13 04:00,False\n"
                 "4,u1,d,2019-08-12 23:00:00-05:00,False\n")  # fmt: skip
    coordnet.ingest([path], store)
    times = {t for (t,) in store.engine.rows("SELECT DISTINCT time FROM actions")}
    assert len(times) == 1 and str(times.pop()) == "2019-08-13 04:00:00"


def test_embedded_newlines_and_quotes(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "nl.csv", HEADER + "\n"
                 '1,u1,"he said ""hi""\nthen left",2019-01-01 00:00,False\n'
                 "2,u1,next,2019-01-01 00:01,False\n")  # fmt: skip
    coordnet.ingest([path], store)
    assert store.engine.scalar("SELECT text FROM actions WHERE action_id = '1'") == (
        'he said "hi"\nthen left'
    )


def test_unknown_format_names_file_and_closest_format(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.csv", "tweet_id,userid,tweet_time\n1,u,2019-01-01\n")
    with pytest.raises(UnknownFormatError) as info:
        coordnet.ingest([path])
    msg = str(info.value)
    assert str(path) in msg and "twitter-io lacks tweetid" in msg and "--format" in msg


def test_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        coordnet.ingest([tmp_path / "nope.csv"])
    with pytest.raises(InputError, match="empty"):
        coordnet.ingest([write(tmp_path / "empty.csv", "")])


def test_forced_unknown_format_lists_choices(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", f"{HEADER}\n")
    with pytest.raises(InputError, match=r"choose one of: .*twitter-io"):
        coordnet.ingest([path], format="no-such-format")
