"""Shared fixtures: a real in-memory store, the real public data sets, small format files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import coordnet
from coordnet.detect import DetectConfig, find_networks
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


@pytest.fixture(scope="session")
def detected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``detect`` output folder (with its ``store.duckdb``) on the demo scenario, seed 11.

    Shared by every test that publishes findings; read it, never write into it (copy the store
    first when a test must change it).
    """
    from coordnet.detect import detect
    from coordnet.simulate import simulate

    sim = tmp_path_factory.mktemp("detected_sim")
    simulate(sim, scenario="demo", seed=11)
    out = tmp_path_factory.mktemp("detected")
    detect([sim / "tweets.csv", sim / "users.csv", sim / "sessions.csv"], out)
    return out


CHROMIUM = os.environ.get("COORDNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A real headless Debian Chromium driven by Playwright (never a downloaded browser).

    Skips when Chromium is absent, except where ``COORDNET_REQUIRE_BROWSER=1`` (CI installs it
    and sets that), so a missing browser can never pass unnoticed there.
    """
    if not Path(CHROMIUM).is_file():
        message = f"Chromium not found at {CHROMIUM} (Debian package 'chromium')"
        if os.environ.get("COORDNET_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


Snapshot = Callable[[Store], list[list[tuple[object, ...]]]]


@pytest.fixture
def interrupt_network_stage() -> Callable[[Store, DetectConfig, float, tuple[str, ...]], Snapshot]:
    """Run ``find_networks`` until its progress reaches ``percent``, interrupt it (Ctrl-C),
    check ``tables`` are as they were, and return the snapshot function for later checks."""

    def run(
        store: Store, config: DetectConfig, percent: float, tables: tuple[str, ...]
    ) -> Snapshot:
        def snapshot(st: Store) -> list[list[tuple[object, ...]]]:
            return [st.engine.rows(f"SELECT * FROM {t} ORDER BY ALL") for t in tables]

        def interrupt(label: str) -> Callable[[float], None]:
            def report(done: float) -> None:
                if done >= percent:
                    raise KeyboardInterrupt

            return report

        before = snapshot(store)
        with pytest.raises(KeyboardInterrupt):
            find_networks(store, config, progress=interrupt)
        assert snapshot(store) == before
        return snapshot

    return run
