"""Documentation stays true: README commands, CI, CLI reference, formats."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from coordnet.ingest import all_readers

ROOT = Path(__file__).parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", setup)


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert "coordnet demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci


def test_cli_reference_is_current() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from gen_cli_docs import render
    finally:
        sys.path.pop(0)
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run python tools/gen_cli_docs.py"
    )


def test_every_format_is_documented() -> None:
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    for reader in all_readers():
        assert f"`{reader.name}`" in text, f"docs/formats.md lacks a section for {reader.name}"
