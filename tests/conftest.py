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
#: The real public data sets (see ../shared/data/README.md); never copied into the project.
SHARED_DATA = Path(
    os.environ.get("COORDNET_SHARED_DATA", TESTS.parent.parent / "shared" / "data")
).resolve()


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
