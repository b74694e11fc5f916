"""The main job on bundled demo data: simulate the ``demo`` scenario, ingest it, run signals.

Used by ``coordnet demo`` (the README's first command), so that a new user sees the whole
path from raw files to a store and coordination edges in seconds, on data whose truth is
known (``labels.csv``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coordnet.ingest import IngestReport, ingest
from coordnet.signals.run import run_signals, run_summary
from coordnet.simulate import SimulationReport, simulate
from coordnet.store import StoreInfo, open_store

__all__ = ["DemoReport", "run_demo"]


@dataclass(frozen=True)
class DemoReport:
    """What the demo made: the simulated files, the ingest, the store's summary, the signals."""

    simulation: SimulationReport
    ingest: IngestReport
    info: StoreInfo
    #: One dict per signal: its ``stats_`` plus ``signal`` and ``significant`` (q <= 0.05).
    signals: list[dict[str, Any]]


def run_demo(
    out: str | Path, *, progress: Callable[[str], Callable[[float], None]] | None = None
) -> DemoReport:
    """Simulate ``demo`` into ``out/data``, ingest it into ``out/demo.duckdb``, run every signal."""
    folder = Path(out)
    data = folder / "data"
    sim = simulate(data, scenario="demo", progress=progress("simulating") if progress else None)
    with open_store(folder / "demo.duckdb") as store:
        files = [data / "tweets.csv", data / "users.csv", data / "sessions.csv"]
        report = ingest(files, store, progress=progress)
        info = store.info()
        fitted = run_signals(store, progress=progress)
        signals = [run_summary(f) for f in fitted]
    return DemoReport(simulation=sim, ingest=report, info=info, signals=signals)
