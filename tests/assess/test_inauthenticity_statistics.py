"""The baseline and tail probabilities of the inauthenticity indicators, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from coordnet.assess._inauthenticity_statistics import (
    GroupSizes,
    Population,
    band_ends,
    expected_densest_share,
    group_p_value,
    share_p_value,
    strength,
)
from coordnet.assess._inauthenticity_thresholds import ALPHA


def population(hours: list[int], hour_counts: list[int], followers: list[int]) -> Population:
    values, counts = np.unique(np.array(followers, dtype=np.int64), return_counts=True)
    return Population(
        rates={},
        followers_median=float(np.median(followers)),
        follower_values=values,
        follower_counts=counts,
        keys={},
        hours=np.array(hours, dtype=np.int64),
        hour_counts=np.array(hour_counts, dtype=np.int64),
    )


def test_share_p_value_is_the_binomial_upper_tail() -> None:
    assert share_p_value(0, 10, 0.3) == 1.0
    assert share_p_value(3, 3, 0.5) == pytest.approx(0.125)
    assert share_p_value(1, 3, 0.5) == pytest.approx(1 - 0.5**3)
    assert share_p_value(2, 3, 0.0) == 0.0


def test_group_p_value_is_the_bound_over_every_value() -> None:
    """Ten values held by one account each: two random accounts share one with chance
    10 x (1/10)^2 = 0.1, the birthday problem, where the bound is exact."""
    ten = GroupSizes(sizes=np.array([1]), mult=np.array([10]), total=10)
    assert group_p_value(2, 2, ten) == pytest.approx(0.1)
    assert group_p_value(1, 5, ten) == 1.0  # one account alone shares nothing
    assert group_p_value(2, 5, GroupSizes(np.array([], int), np.array([], int), 0)) == 1.0
    common = GroupSizes(sizes=np.array([9, 1]), mult=np.array([1, 1]), total=10)
    assert group_p_value(5, 5, common) == pytest.approx(0.9**5 + 0.1**5)
    assert group_p_value(2, 40, common) == 1.0  # the bound is capped


def test_strength_is_the_excess_share_of_the_possible_excess() -> None:
    assert strength(0.75, 0.5, ALPHA / 10) == pytest.approx(0.5)
    assert strength(1.0, 0.2, 0.0) == 1.0
    assert strength(0.75, 0.5, ALPHA) == 0.0  # not significant
    assert strength(1.0, 1.0, 0.0) == 0.0  # nothing to exceed
    assert strength(0.1, 0.5, 0.0) == 0.0  # below the baseline


def test_follower_bands_end_at_a_factor_of_one_and_a_half() -> None:
    """Counting 1 + followers, the band from 0 holds 0 alone; from 1, 1 and 2 (2 x 1.5 = 3:
    the edge is kept despite rounding); from 2, 2 and 3; from 3, 3; from 10, 10 to 15."""
    followers = np.array([0, 1, 2, 3, 10, 14, 15])
    ends = band_ends(np.log1p(followers))
    assert ends.tolist() == [1, 3, 4, 4, 7, 7, 7]


def test_population_counts_accounts_per_window_and_per_band() -> None:
    """48-hour windows from each populated hour: [0, 48) holds 1 + 2 + 1 accounts, [10, 58)
    2 + 1 + 1, [47, 95) 1 + 1, [48, 96) 1, [100, 148) 3."""
    pop = population([0, 10, 47, 48, 100], [1, 2, 1, 1, 3], [1, 1, 2, 40])
    assert pop.window_counts.tolist() == [4, 4, 2, 1, 3]
    burst = pop.keys["burst"]
    assert (burst.sizes.tolist(), burst.mult.tolist(), burst.total) == (
        [1, 2, 3, 4],
        [1, 1, 1, 2],
        8,
    )
    assert pop.band_counts.tolist() == [3, 1, 1]  # 1-2 followers, 2, 40
    assert pop.keys["followers"].total == 4


def test_expected_densest_share_against_two_distant_hours() -> None:
    """Half the accounts created at hour 0, half 1,000 hours later: two random accounts fall
    in one window with chance 1/2, so the densest share is 1 or 1/2, 3/4 on average."""
    pop = population([0, 1000], [5, 5], [1])
    share = expected_densest_share(pop, 2, np.random.default_rng(0))
    assert share == pytest.approx(0.75, abs=0.05)
    one_hour = population([7], [3], [1])
    assert expected_densest_share(one_hour, 5, np.random.default_rng(0)) == 1.0
