"""The small demo data set bundled with coordnet (made by ``tools/make_demo_data.py``).

Information-operations CSV format: 60 accounts over a few days, with one planted ring of 12
accounts that retweets a seed account within seconds, twelve times.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["demo_files"]


def demo_files() -> list[Path]:
    """Paths of the bundled demo input files."""
    return [Path(str(files("coordnet.demo") / "tweets.csv"))]
