"""Scenario files: what to simulate, as TOML, with defaults for everything.

A scenario has three parts::

    [simulation]          # accounts, days, seed, start (UTC date)
    accounts = 5000
    days = 7

    [organic.breaking_news]   # one table per organic behaviour (see coordnet.simulate.organic)
    events = 2

    [[campaign]]          # one table per planted campaign (see coordnet.simulate.campaigns)
    name = "ring-1"
    style = "amplification_ring"
    size = 30

Bundled scenarios live in ``coordnet/simulate/scenarios/*.toml``; ``load_scenario("demo")``
loads one by name, ``load_scenario(path)`` a file. Command-line options override
``[simulation]`` values.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from coordnet.errors import InputError

__all__ = ["Scenario", "bundled_scenarios", "load_scenario"]


@dataclass
class Scenario:
    """A parsed scenario: simulation size plus the raw organic and campaign tables."""

    name: str
    accounts: int = 2000
    days: int = 7
    seed: int = 0
    start: date = date(2019, 8, 1)
    organic: dict[str, dict[str, Any]] = field(default_factory=dict)
    campaigns: list[dict[str, Any]] = field(default_factory=list)


def bundled_scenarios() -> list[str]:
    """Names of the scenarios shipped with coordnet."""
    folder = files("coordnet.simulate") / "scenarios"
    names = (p.name for p in folder.iterdir())
    return sorted(n.removesuffix(".toml") for n in names if n.endswith(".toml"))


def load_scenario(name_or_path: str | Path | None = None) -> Scenario:
    """Load a bundled scenario by name (default ``"default"``) or a TOML file by path."""
    target = name_or_path or "default"
    path = Path(target)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise InputError(f"{path}: no such scenario file")
        text, name = path.read_text(encoding="utf-8"), path.stem
    else:
        resource = files("coordnet.simulate") / "scenarios" / f"{target}.toml"
        if not resource.is_file():
            raise InputError(
                f"unknown scenario {target!r}; bundled: {', '.join(bundled_scenarios())}"
            )
        text, name = resource.read_text(encoding="utf-8"), str(target)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{target}: not valid TOML ({exc})") from exc
    sim = raw.get("simulation", {})
    unknown = set(raw) - {"simulation", "organic", "campaign"}
    if unknown:
        raise InputError(f"{target}: unknown section(s) {', '.join(sorted(unknown))}")
    start = sim.get("start", date(2019, 8, 1))
    if isinstance(start, str):
        start = date.fromisoformat(start)
    return Scenario(
        name=name,
        accounts=int(sim.get("accounts", 2000)),
        days=int(sim.get("days", 7)),
        seed=int(sim.get("seed", 0)),
        start=start,
        organic=dict(raw.get("organic", {})),
        campaigns=list(raw.get("campaign", [])),
    )
