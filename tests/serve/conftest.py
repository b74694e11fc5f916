"""Fixtures of the web app's tests: a private copy of the detected demo store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def store_copy(detected: Path, tmp_path: Path) -> Path:
    """A copy of the session's detected store (the original is shared: never written)."""
    target = tmp_path / "store.duckdb"
    shutil.copy(detected / "store.duckdb", target)
    return target
