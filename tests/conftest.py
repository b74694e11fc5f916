"""Shared fixtures: a real in-memory store, the real public data sets, small format files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import coordnet
from coordnet.store import Store

TESTS = Path(__file__).parent
DATA = TESTS / "data"


def _find_shared_data() -> Path:
    """The real public data sets (../shared/data/README.md); never copied into the project."""
    candidates = [
        os.environ.get("COORDNET_SHARED_DATA"),
        TESTS.parent.parent / "shared" / "data",
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate).resolve()
    return (TESTS.parent.parent / "shared" / "data").resolve()


SHARED_DATA = _find_shared_data()


@pytest.fixture
def store() -> Iterator[Store]:
    """A fresh in-memory canonical store."""
    with coordnet.open_store() as st:
        yield st


@pytest.fixture
def data_dir() -> Path:
    """tests/data: small hand-written files in each real format."""
    return DATA


@pytest.fixture
def shared_data() -> Path:
    """The folder of real public data sets; tests using it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
