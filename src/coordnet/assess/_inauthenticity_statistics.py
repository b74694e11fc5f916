"""The population baseline of :mod:`.inauthenticity` and the tests of a cluster against it.

A cluster indicator compares the members with random sets of as many accounts drawn from
the store's population:

- a *share* (new accounts, patterned handles...): the binomial upper tail at the
  population rate (:func:`share_p_value`);
- a *largest group sharing one value* (one creation window, one description, one follower
  band...): the Bonferroni bound over every value of the population on the chance that any
  value reaches that count (:func:`group_p_value`), the classic bound on the scan statistic
  for overlapping windows (Glaz, Naus & Wallenstein 2001, "Scan Statistics", Springer);
- the densest creation window: its expected share in random sets is drawn, not bounded
  (:func:`expected_densest_share`).

:func:`strength` turns a significant excess into a score in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special

from coordnet.assess._inauthenticity_thresholds import (
    ALPHA,
    MAX_DRAWN,
    N_DRAWS,
    SIMILAR_FOLLOWERS,
    WINDOW_HOURS,
)

__all__ = [
    "GroupSizes",
    "Population",
    "band_ends",
    "expected_densest_share",
    "group_p_value",
    "share_p_value",
    "strength",
]


@dataclass
class GroupSizes:
    """How many values of one key the population holds per group size: the null model of
    "the largest group sharing one value" (``sizes[i]`` accounts share each of ``mult[i]``
    values; ``total`` accounts have a value)."""

    sizes: np.ndarray
    mult: np.ndarray
    total: int


@dataclass
class Population:
    """The baseline: rates and distributions over every actor in the store."""

    rates: dict[str, float | None]
    followers_median: float | None
    follower_values: np.ndarray
    follower_counts: np.ndarray
    keys: dict[str, GroupSizes]
    hours: np.ndarray
    hour_counts: np.ndarray
    window_counts: np.ndarray = field(init=False)
    band_counts: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        # accounts created in the 48 hours starting at each populated hour
        cum = np.concatenate([[0], np.cumsum(self.hour_counts)])
        end = np.searchsorted(self.hours, self.hours + WINDOW_HOURS, side="left")
        self.window_counts = cum[end] - cum[:-1]
        windows, mult = np.unique(self.window_counts, return_counts=True)
        self.keys["burst"] = GroupSizes(windows, mult, int(self.hour_counts.sum()))
        # accounts whose follower count is in the band starting at each populated count
        cum = np.concatenate([[0], np.cumsum(self.follower_counts)])
        logs = np.log1p(np.maximum(self.follower_values, 0))
        self.band_counts = cum[band_ends(logs)] - cum[:-1]
        bands, mult = np.unique(self.band_counts, return_counts=True)
        self.keys["followers"] = GroupSizes(bands, mult, int(self.follower_counts.sum()))


def expected_densest_share(pop: Population, n: int, rng: np.random.Generator) -> float:
    """Mean share of a random set of ``n`` accounts created in its densest 48 hours.

    Sets are drawn with replacement from the population's creation hours (as good as without
    for clusters much smaller than the store): :data:`N_DRAWS` sets, fewer for large ``n``.
    """
    draws = max(10, min(N_DRAWS, MAX_DRAWN // n))
    p = pop.hour_counts / pop.hour_counts.sum()
    picked = np.sort(pop.hours[rng.choice(len(pop.hours), size=(draws, n), p=p)], axis=1)
    # one sorted array for all sets: set i is shifted past the end of set i - 1
    span = int(pop.hours[-1] - pop.hours[0]) + WINDOW_HOURS + 1
    flat = (picked - pop.hours[0] + np.arange(draws)[:, None] * span).ravel()
    inside = np.searchsorted(flat, flat + WINDOW_HOURS, side="left") - np.arange(flat.size)
    return float(inside.reshape(draws, n).max(axis=1).mean()) / n


def band_ends(logs: np.ndarray) -> np.ndarray:
    """For sorted ``ln(1 + followers)`` values, where the band starting at each one ends."""
    # the epsilon keeps the band's upper edge in despite rounding: 1 -> 2 at a factor 1.5
    return np.searchsorted(logs, logs + np.log(SIMILAR_FOLLOWERS) + 1e-9, side="right")


def group_p_value(g: int, n: int, null: GroupSizes) -> float:
    """Bound on the chance that some value is shared by ``g`` of ``n`` random accounts."""
    if g < 2 or null.total == 0:
        return 1.0
    tails = special.bdtrc(g - 1, n, null.sizes / null.total)
    return float(min(1.0, (null.mult * tails).sum()))


def share_p_value(k: int, n: int, rate: float) -> float:
    """Chance that ``k`` or more of ``n`` random accounts show a trait of rate ``rate``."""
    return float(special.bdtrc(k - 1, n, rate)) if k > 0 else 1.0


def strength(observed: float, expected: float, p_value: float) -> float:
    """Excess over the baseline as a share of the possible excess; 0 unless significant."""
    if p_value >= ALPHA or expected >= 1:
        return 0.0
    return float(min(1.0, max(0.0, (observed - expected) / (1 - expected))))
