"""The command line: exact outcomes, and an `Error:` exit told apart from a crash."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from coordnet.cli import main
from coordnet.ingest import all_readers


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), prog_name="coordnet")
    return result.exit_code, result.stdout, result.stderr


def test_ingest_then_info(data_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run("ingest", str(data_dir / "io_tweets.csv"), str(data_dir / "io_users.csv"),
                       "--store", db, "--no-progress")  # fmt: skip
    assert code == 0
    assert "twitter-io" in out and "twitter-io-users" in out
    assert "rejected 1 record(s), kept in table rejects (missing id: 1)" in " ".join(out.split())
    code, out, _ = run("info", "--store", db, "--json")
    assert code == 0
    info = json.loads(out)
    assert (info["n_actions"], info["n_actors"], info["n_rejects"], info["n_sources"]) == (
        6,
        3,
        1,
        2,
    )
    assert info["first_at"] == "2009-03-01T08:15:00"
    assert ["missing id", 1] in info["rejects_by_reason"]


def test_info_tables(data_dir: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    run("ingest", str(data_dir / "io_tweets.csv"), "--store", db, "--no-progress")
    code, out, _ = run("info", "--store", db)
    assert code == 0
    assert "6 actions, 3 actors" in out and "snowflake" in out and "repost" in out


def test_bad_input_is_an_error_line_and_exit_2(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    code, _, err = run("ingest", str(odd), "--store", str(tmp_path / "s.duckdb"), "--no-progress")
    assert code == 2
    assert err.startswith(f"Error: {odd}: unrecognised CSV file (columns: a, b)")
    assert "Traceback" not in err


def test_forced_format_with_missing_columns(tmp_path: Path) -> None:
    odd = tmp_path / "typo.csv"
    odd.write_text("tweet_id,userid,tweet_time\n1,u,2019-01-01 00:00\n")
    code, _, err = run("ingest", str(odd), "--format", "twitter-io", "--store",
                       str(tmp_path / "s.duckdb"), "--no-progress")  # fmt: skip
    assert code == 2
    assert "missing required column(s) tweetid (closest: tweet_id, tweet_time)" in err


def test_bad_map_option(tmp_path: Path, data_dir: Path) -> None:
    code, _, err = run("ingest", str(data_dir / "io_tweets.csv"), "--format", "tabular",
                       "--map", "actor_id", "--store", str(tmp_path / "s.duckdb"))  # fmt: skip
    assert code == 2 and "expected FIELD=COLUMN" in err


def test_formats_lists_every_reader() -> None:
    code, out, _ = run("formats")
    assert code == 0
    for reader in all_readers():
        assert reader.name in out


def test_demo_runs_on_bundled_data(tmp_path: Path) -> None:
    code, out, _ = run("demo", "--out", str(tmp_path / "demo"))
    assert code == 0
    assert (tmp_path / "demo" / "demo.duckdb").exists()
    assert (tmp_path / "demo" / "data" / "labels.csv").exists()
    assert "in planted campaigns" in out and "0 rejects" in out
    assert re.search(r"store \S+demo.duckdb: [\d,]+ actions, [\d,]+ actors", out)
    assert "signals in" in out and "co_repost" in out
    assert "network(s)" in out and "against the planted truth: precision" in out
    assert (tmp_path / "demo" / "result" / "accounts.csv").exists()
