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

from coordnet.detect import DetectResult, detect
from coordnet.evaluate import Evaluation, evaluate
from coordnet.ingest import IngestReport, ingest
from coordnet.simulate import SimulationReport, simulate
from coordnet.store import StoreInfo, open_store

__all__ = ["DemoReport", "run_demo"]


@dataclass(frozen=True)
class DemoReport:
    """What the demo made: simulated files, ingest, store summary, detection and its score."""

    simulation: SimulationReport
    ingest: IngestReport
    info: StoreInfo
    detect: DetectResult
    #: ``detect``'s result scored against the simulation's ``labels.csv``.
    evaluation: Evaluation

    @property
    def signals(self) -> list[dict[str, Any]]:
        """One dict per signal: its ``stats_`` plus ``signal`` and ``significant``."""
        return self.detect.signals


def run_demo(
    out: str | Path, *, progress: Callable[[str], Callable[[float], None]] | None = None
) -> DemoReport:
    """Simulate ``demo`` into ``out/data``, ingest it into ``out/demo.duckdb``, then detect
    networks into ``out/result`` and score them against ``out/data/labels.csv``."""
    folder = Path(out)
    data = folder / "data"
    sim = simulate(data, scenario="demo", progress=progress("simulating") if progress else None)
    store_path = folder / "demo.duckdb"
    with open_store(store_path) as store:
        files = [data / "tweets.csv", data / "users.csv", data / "sessions.csv"]
        report = ingest(files, store, progress=progress)
        info = store.info()
    result = detect([store_path], folder / "result", progress=progress)
    evaluation = evaluate(data / "labels.csv", folder / "result")
    return DemoReport(
        simulation=sim, ingest=report, info=info, detect=result, evaluation=evaluation
    )
