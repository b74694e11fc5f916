"""Run a scenario: build the world, let organic users and campaigns act day by day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from coordnet.errors import InputError
from coordnet.simulate.campaigns import build_campaigns
from coordnet.simulate.formats import OUTPUT_FORMATS, write_extra_formats
from coordnet.simulate.organic import OrganicPlatform
from coordnet.simulate.scenario import Scenario, load_scenario
from coordnet.simulate.world import World

__all__ = ["SimulationReport", "simulate"]


@dataclass
class SimulationReport:
    """What a simulation wrote."""

    out: str
    scenario: str
    seed: int
    n_accounts: int
    n_actions: int
    n_campaign_accounts: int
    actions_by_kind: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def simulate(
    out: str | Path,
    *,
    scenario: str | Path | Scenario | None = None,
    accounts: int | None = None,
    days: int | None = None,
    seed: int | None = None,
    formats: tuple[str, ...] | list[str] = ("io-csv",),
    progress: Callable[[float], None] | None = None,
) -> SimulationReport:
    """Simulate a platform with planted campaigns; write IO-archive CSVs and ``labels.csv``.

    ``scenario`` is a bundled name (``coordnet simulate --help`` lists them), a TOML path or a
    :class:`Scenario`; ``accounts``, ``days`` and ``seed`` override its values. The same seed
    gives byte-identical output. ``formats`` adds ``parquet`` and/or ``api-json`` copies of
    the activity (``io-csv`` is always written).
    """
    unknown = [f for f in formats if f not in OUTPUT_FORMATS]
    if unknown:
        raise InputError(
            f"unknown output format(s) {', '.join(unknown)}; "
            f"choose from {', '.join(OUTPUT_FORMATS)}"
        )
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    n_accounts = accounts if accounts is not None else sc.accounts
    n_days = days if days is not None else sc.days
    the_seed = seed if seed is not None else sc.seed
    start = datetime(sc.start.year, sc.start.month, sc.start.day, tzinfo=UTC)
    world = World(out, start=start, days=n_days, seed=the_seed)
    platform = OrganicPlatform(world, sc.organic, n_accounts)
    campaigns = build_campaigns(world, platform, sc.campaigns)
    for day in range(n_days):
        platform.run_day(day)
        for campaign in campaigns:
            campaign.run_day(day)
        world.forget_posts_before(world.start_ms + (day - 1) * 86_400_000)
        if progress is not None:
            progress(100.0 * (day + 1) / n_days)
    world.close()
    extra_files = write_extra_formats(out, formats)
    return SimulationReport(
        out=str(out),
        scenario=sc.name,
        seed=the_seed,
        n_accounts=len(world.accounts),
        n_actions=world.n_actions,
        n_campaign_accounts=sum(1 for a in world.accounts if a.campaign),
        actions_by_kind=dict(sorted(world.n_by_kind.items())),
        files=["tweets.csv", "users.csv", "sessions.csv", "labels.csv", *extra_files],
    )
