"""Running scenarios end to end: every output format ingests cleanly; the CLI mirrors the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import coordnet
from coordnet.cli import main
from coordnet.errors import InputError
from coordnet.simulate import bundled_scenarios, simulate


def test_bundled_scenarios() -> None:
    assert {"default", "demo", "hard_negatives"} <= set(bundled_scenarios())


def test_every_output_format_ingests_without_rejects(tmp_path: Path) -> None:
    report = simulate(tmp_path, scenario="demo", formats=["io-csv", "parquet", "api-json"])
    assert {"tweets.parquet", "tweets.jsonl"} <= set(report.files)
    counts = {}
    for name, expected in (("tweets.csv", "twitter-io"), ("tweets.parquet", "twitter-io"),
                           ("tweets.jsonl", "twitter-api-v1")):  # fmt: skip
        with coordnet.open_store() as store:
            f = coordnet.ingest([tmp_path / name], store).files[0]
            assert (f.format, f.n_rejects) == (expected, 0)
            counts[name] = store.engine.rows(
                "SELECT kind, count(*) FROM actions GROUP BY ALL ORDER BY ALL"
            )
    assert counts["tweets.csv"] == counts["tweets.parquet"] == counts["tweets.jsonl"]
    assert sum(n for _, n in counts["tweets.csv"]) == report.n_actions


def test_users_labels_and_sessions_ingest(tmp_path: Path) -> None:
    simulate(tmp_path, scenario="demo")
    with coordnet.open_store() as store:
        report = coordnet.ingest(
            [tmp_path / "tweets.csv", tmp_path / "users.csv", tmp_path / "sessions.csv"], store
        )
        assert [f.n_rejects for f in report.files] == [0, 0, 0]
        labelled = (tmp_path / "labels.csv").read_text(encoding="utf-8").splitlines()
        assert len(labelled) - 1 == store.engine.scalar("SELECT count(*) FROM actors")


def test_unknown_format_and_scenario(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown output format"):
        simulate(tmp_path, scenario="demo", formats=["xml"])
    with pytest.raises(InputError, match=r"unknown scenario 'nope'; bundled: .*demo"):
        simulate(tmp_path, scenario="nope")


def test_cli_simulate(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["simulate", "--out", str(tmp_path), "--scenario", "demo", "--seed", "3"],
        prog_name="coordnet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "in planted campaigns; seed 3; files: tweets.csv, users.csv" in result.stdout
    assert (tmp_path / "labels.csv").exists()
    bad = CliRunner().invoke(main, ["simulate", "--out", str(tmp_path), "--scenario", "nope"])
    assert bad.exit_code == 2 and "Error: unknown scenario" in bad.stderr
