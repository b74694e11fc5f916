"""Running signals from the API, the CLI and a config file, with the same parameter names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import coordnet
from coordnet.cli import main
from coordnet.errors import InputError
from coordnet.signals import CoText, build_signals, run_signals
from coordnet.simulate import simulate


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("run")
    simulate(work, scenario="demo")
    path = work / "store.duckdb"
    with coordnet.open_store(path) as store:
        coordnet.ingest([work / "tweets.csv", work / "users.csv"], store)
    return path


def test_build_applies_common_and_own_parameters() -> None:
    sigs = build_signals(
        ["co-text", "co_repost"], {"window": 30}, {"co-text": {"text_form": "peer"}}
    )
    assert [type(s).__name__ for s in sigs] == ["CoText", "CoRepost"]
    assert isinstance(sigs[0], CoText) and sigs[0].text_form == "peer"
    assert all(s.window == 30 for s in sigs)


@pytest.mark.parametrize(
    ("names", "common", "own", "message"),
    [
        (["co_repost"], {"text_form": "peer"}, {}, "not a parameter of every signal"),
        (["co_repost"], {}, {"co_repost": {"text_form": "peer"}}, "co_repost has no parameter"),
        (["co_repost"], {}, {"co_text": {"text_form": "peer"}}, "signals not run: co_text"),
        (["co_repost"], {"window": -3}, {}, "window must be"),
        (["co-nothing"], {}, {}, "unknown signal"),
    ],
)
def test_build_rejects_bad_parameters(names, common, own, message) -> None:
    with pytest.raises(InputError, match=message):
        build_signals(names, common, own)


def test_api_and_cli_give_the_same_edges(store_file: Path, tmp_path: Path) -> None:
    config = tmp_path / "signals.toml"
    config.write_text('[signals]\nwindow = 60\n[signals.co_text]\ntext_form = "peer"\n')
    result = CliRunner().invoke(main, [
        "signals", "run", "--store", str(store_file), "-s", "co-repost", "-s", "co-text",
        "--config", str(config), "--min-shared", "2", "--json", "--no-progress",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert [row["signal"] for row in summary] == ["co_repost", "co_text"]
    assert all(row["window_s"] == 60 for row in summary)
    with coordnet.open_store(store_file) as store:
        from_cli = store.engine.arrow("SELECT * FROM edges ORDER BY ALL")
        api = run_signals(store, ["co_repost", "co_text"], common={"window": 60, "min_shared": 2},
                          params={"co_text": {"text_form": "peer"}})  # fmt: skip
        assert store.engine.arrow("SELECT * FROM edges ORDER BY ALL").equals(from_cli)
    assert summary[0]["edges"] == api[0].edges_.num_rows > 0


def test_cli_param_and_errors(store_file: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["signals", "run", "--store", str(store_file),
                              "-s", "hashtag-sequence", "-p", "hashtag_sequence.min_hashtags=3",
                              "--window", "600", "--json"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    (row,) = json.loads(ok.output)
    assert (row["signal"], row["window_s"]) == ("hashtag_sequence", 600)
    bad = runner.invoke(main, ["signals", "run", "--store", str(store_file), "-s", "co-repost",
                               "-p", "co-repost.text_form=peer"])  # fmt: skip
    assert bad.exit_code == 2 and "co_repost has no parameter text_form" in bad.output
    missing = runner.invoke(main, ["signals", "run", "--store", str(store_file) + ".nope"])
    assert missing.exit_code == 2 and "no store at" in missing.output
