"""The operating time zone read from hour-of-day activity."""

from __future__ import annotations

import numpy as np
import pytest

from coordnet.assess.timezone import (
    HUMAN_DIURNAL,
    OFFICE_SHIFT,
    OFFSETS,
    circular_gap,
    fit_histograms,
    infer_utc_offset,
    local_share,
    utc_label,
)
from coordnet.errors import InputError


@pytest.mark.parametrize("offset", OFFSETS)
def test_offset_of_a_shifted_human_day(offset: int) -> None:
    counts = np.round(np.roll(np.asarray(HUMAN_DIURNAL), -offset) * 20)
    fit = infer_utc_offset(counts)
    assert (fit.offset, fit.profile) == (offset, "waking_day")
    assert fit.confidence > 0.9 and fit.correlation > 0.95


@pytest.mark.parametrize("offset", [-5, 0, 3, 8])
def test_offset_of_an_office_shift(offset: int) -> None:
    fit = infer_utc_offset(np.roll(np.asarray(OFFICE_SHIFT), -offset) * 10)
    assert (fit.offset, fit.profile) == (offset, "office_shift")


def test_offset_without_rhythm_or_data() -> None:
    flat = infer_utc_offset([50] * 24)
    assert flat.confidence == 0.0 and flat.correlation < 0.3
    empty = infer_utc_offset([0] * 24)
    assert empty.offset is None and empty.label == "unknown" and empty.confidence == 0.0
    few = infer_utc_offset(np.roll(np.asarray(HUMAN_DIURNAL), -3) > 1.1)  # two actions
    assert few.confidence < 0.5
    with pytest.raises(InputError, match="24 columns"):
        infer_utc_offset([1, 2, 3])
    with pytest.raises(InputError, match="non-negative"):
        infer_utc_offset([-1] * 24)


def test_offset_of_accounts_in_different_zones() -> None:
    """Resampling accounts exposes a pooled fit that hides two zones."""
    day = np.asarray(HUMAN_DIURNAL) * 30
    same = np.stack([np.roll(day, -3)] * 10)
    mixed = np.stack([np.roll(day, -3)] * 5 + [np.roll(day, 3)] * 5)  # UTC+3 and UTC-3
    assert infer_utc_offset(same).confidence > 0.9
    pooled, by_account = infer_utc_offset(mixed.sum(axis=0)), infer_utc_offset(mixed)
    assert pooled.offset == by_account.offset == 0
    assert pooled.confidence > 0.9 > 0.5 > by_account.confidence


def test_resampling_is_seeded() -> None:
    day = np.asarray(HUMAN_DIURNAL) * 30
    mixed = np.stack([np.roll(day, -3)] * 5 + [np.roll(day, 3)] * 5)
    assert infer_utc_offset(mixed, seed=7) == infer_utc_offset(mixed, seed=7)


def test_each_row_is_fitted_on_its_own() -> None:
    rows = np.stack([np.roll(np.asarray(HUMAN_DIURNAL), -k) * 20 for k in (-5, 0, 3)])
    prof, k, post, r = fit_histograms(rows)
    for i in range(len(rows)):
        prof1, k1, post1, r1 = fit_histograms(rows[i])
        assert (prof[i], k[i]) == (prof1[0], k1[0])
        assert np.allclose(post[i], post1[0]) and np.isclose(r[i], r1[0])
    assert [OFFSETS[int(j)] for j in k] == [-5, 0, 3]


def test_labels_and_local_hours() -> None:
    assert [utc_label(x) for x in (3, -5, 0, 5.5, -3.5)] == [
        "UTC+3", "UTC-5", "UTC+0", "UTC+5:30", "UTC-3:30",
    ]  # fmt: skip
    assert circular_gap(-11, 12) == 1 and circular_gap(3, -3) == 6
    week = np.zeros(168)
    week[6] = 1  # Monday 06 UTC: 09 local in UTC+3
    week[24 * 5 + 6] = 1  # Saturday 06 UTC
    assert local_share(week, 3, (9, 18), 5) == 0.5
    assert local_share(week, 3, (9, 18), 7) == 1.0
    assert local_share(week, 0, (9, 18), 7) == 0.0
    assert local_share(np.zeros(168), 3, (9, 18), 5) == 0.0
