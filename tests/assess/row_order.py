"""A test aid: make a store engine return unordered query results in a random order."""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pytest


def shuffle_unordered_results(engine: Any, monkeypatch: pytest.MonkeyPatch, seed: int) -> list[str]:
    """Return the rows of every query without a final ORDER BY in a random order, as DuckDB
    may do for a parallel GROUP BY depending on thread scheduling; the list returned fills
    with the queries shuffled."""
    rng = random.Random(seed)
    shuffled: list[str] = []
    rows, arrow = engine.rows, engine.arrow

    def ordered(sql: str) -> bool:  # an ORDER BY after the last FROM sorts the result
        if sql.upper().rfind("ORDER BY") > sql.upper().rfind("FROM"):
            return True
        shuffled.append(sql)
        return False

    def shuffled_rows(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        out = rows(sql, params)
        return out if ordered(sql) else rng.sample(out, len(out))

    def shuffled_arrow(sql: str, params: Any = None) -> pa.Table:
        out = arrow(sql, params)
        return out if ordered(sql) else out.take(rng.sample(range(out.num_rows), out.num_rows))

    monkeypatch.setattr(engine, "rows", shuffled_rows)
    monkeypatch.setattr(engine, "arrow", shuffled_arrow)
    return shuffled
