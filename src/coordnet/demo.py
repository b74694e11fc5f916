"""The main job on bundled demo data: simulate the small ``demo`` scenario, ingest it, summarise.

Used by ``coordnet demo`` (the README's first command), so that a new user sees the whole
path from raw files to a store in seconds, on data whose truth is known (``labels.csv``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coordnet.ingest import IngestReport, ingest
from coordnet.simulate import SimulationReport, simulate
from coordnet.store import StoreInfo, open_store

__all__ = ["DemoReport", "run_demo"]


@dataclass(frozen=True)
class DemoReport:
    """What the demo made: the simulated files, the ingest and the store's summary."""

    simulation: SimulationReport
    ingest: IngestReport
    info: StoreInfo


def run_demo(
    out: str | Path, *, progress: Callable[[str], Callable[[float], None]] | None = None
) -> DemoReport:
    """Simulate the ``demo`` scenario into ``out/data`` and ingest it into ``out/demo.duckdb``."""
    folder = Path(out)
    data = folder / "data"
    sim = simulate(data, scenario="demo", progress=progress("simulating") if progress else None)
    with open_store(folder / "demo.duckdb") as store:
        files = [data / "tweets.csv", data / "users.csv", data / "sessions.csv"]
        report = ingest(files, store, progress=progress)
        info = store.info()
    return DemoReport(simulation=sim, ingest=report, info=info)
