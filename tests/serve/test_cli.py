"""``coordnet serve``: the errors it reports before listening, and the loopback rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from coordnet.cli import main
from coordnet.serve.app import is_loopback, loopback_hosts
from coordnet.store import open_store


def test_missing_store_is_a_usage_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "does not exist" in r.output
    assert not (tmp_path / "none.duckdb").exists()


def test_store_without_results(tmp_path: Path) -> None:
    with open_store(tmp_path / "plain.duckdb"):
        pass
    r = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "plain.duckdb")])
    assert r.exit_code == 2
    assert r.output.strip().endswith("no detection results; run coordnet detect first")
    assert r.output.startswith("Error: ")


def test_short_token_and_missing_salt(store_copy: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["serve", "--store", str(store_copy), "--token", "abc"])
    assert r.exit_code == 2
    assert r.output == "Error: the token must have at least 16 characters\n"
    r = CliRunner().invoke(main, ["serve", "--store", str(store_copy), "--salt-file",
                                  str(tmp_path / "salt.txt")])  # fmt: skip
    assert r.exit_code == 2 and "does not exist" in r.output


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
     ("example.org", False)],
)  # fmt: skip
def test_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_loopback_hosts() -> None:
    assert loopback_hosts(8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert "localhost" in loopback_hosts(80)
