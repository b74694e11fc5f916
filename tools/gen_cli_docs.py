"""Write docs/cli.md from the CLI's own --help texts (tests/test_docs.py checks it is current).

Run from the repository root: python tools/gen_cli_docs.py
"""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from coordnet.cli import main

HEAD = """# Command reference

Generated from `coordnet --help` by `tools/gen_cli_docs.py`; do not edit by hand.
Every command mirrors a Python callable of the `coordnet` package with the same parameters.
Exit codes: 0 success, 2 bad usage or bad input (one `Error: ...` line names the problem).
"""


def render() -> str:
    """The Markdown reference for every command."""
    runner = CliRunner()
    parts = [
        HEAD,
        "## coordnet\n",
        "```",
        runner.invoke(main, ["--help"], prog_name="coordnet", terminal_width=100).output.rstrip(),
        "```",
    ]
    assert isinstance(main, click.Group)
    for path in _command_paths(main, []):
        text = runner.invoke(
            main, [*path, "--help"], prog_name="coordnet", terminal_width=100
        ).output.rstrip()
        parts += [f"\n## coordnet {' '.join(path)}\n", "```", text, "```"]
    return "\n".join(parts) + "\n"


def _command_paths(group: click.Group, prefix: list[str]) -> list[list[str]]:
    """Every command and subcommand, as argument lists, groups before their commands."""
    paths: list[list[str]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        paths.append([*prefix, name])
        if isinstance(command, click.Group):
            paths += _command_paths(command, [*prefix, name])
    return paths


if __name__ == "__main__":
    Path("docs/cli.md").write_text(render(), encoding="utf-8")
    print("wrote docs/cli.md")
