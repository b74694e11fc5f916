"""Attribution hints from active hours: operating time zone, office hours, weekends.

For each cluster: the UTC offset of the members' pooled active hours
(:func:`~coordnet.assess.timezone.infer_utc_offset`), how far their hour-of-day profile is
from the store's (against random sets of as many active store accounts), and in the
inferred zone the share of activity Mon-Fri 09-18 local against what a human day gives, and
the weekend dip. For each member with enough actions: its own offset, and how common that
offset is among a sample of the store's active accounts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

import numpy as np

from coordnet.assess._attribution_run import (
    ACTOR_WEIGHTS,
    MIN_GAIN,
    MIN_STORE_SAMPLE,
    MIN_TZ_CONFIDENCE,
    POP,
    RARE,
    WEIGHTS,
    AttributionRun,
)
from coordnet.assess.random_sets import RandomSets, is_unusual, p_upper, pct
from coordnet.assess.timezone import (
    HUMAN_DIURNAL,
    MIN_FIT,
    OFFSETS,
    fit_histograms,
    infer_utc_offset,
    local_share,
    mass_near,
    utc_label,
)

__all__ = ["MIN_ACTOR_ACTIONS", "assess_hours"]

#: An account's own offset needs this many actions: fewer cannot outline a day.
MIN_ACTOR_ACTIONS = 20
#: A cluster needs this many active hours (one per hour of the day on average) for a zone.
_MIN_ACTIVE_HOURS = 24
#: Accounts with >= MIN_ACTOR_ACTIONS actions sampled to learn the store's zones.
_ACTOR_SAMPLE = 5000
#: Office hours, local time: [start, end).
_OFFICE = (9, 18)


def assess_hours(run: AttributionRun) -> None:
    """Time zone, hours-of-day distance, office hours and weekend ratio of each cluster;
    own time zone of each member. Creates ``_attr_how`` (actor, hour of week, active hours,
    actions), which the claimed-places stage reuses."""
    run.table(
        "_attr_how",
        "SELECT actor_id, ((isodow(slot) - 1) * 24 + hour(slot))::INTEGER AS how, "
        "count(*)::BIGINT AS n_active, sum(n)::BIGINT AS n_actions FROM ("
        "SELECT actor_id, date_trunc('hour', time) AS slot, count(*) AS n FROM actions "
        "GROUP BY ALL) GROUP BY ALL",
    )
    # members x hour of week (UTC, Monday 00 first); float32 halves the memory
    active = np.zeros((len(run.actor_ids), 168), dtype=np.float32)
    actions = np.zeros((len(run.actor_ids), 168), dtype=np.float32)
    t = run.e.arrow(
        "SELECT h.actor_id, h.how, h.n_active, h.n_actions FROM _attr_m m "
        "JOIN _attr_how h USING (actor_id)"
    )
    rows = np.array([run.index[a] for a in t.column(0).to_pylist()], dtype=np.int64)
    how = t.column(1).to_numpy().astype(np.int64)
    active[rows, how] = t.column(2).to_numpy()
    actions[rows, how] = t.column(3).to_numpy()
    pop = np.zeros(168)
    for h, n in run.e.rows(f"SELECT how, sum(n_active) FROM _attr_how WHERE {POP} GROUP BY 1"):
        pop[int(h)] = float(n)
    pop24 = pop.reshape(7, 24).sum(axis=0)
    spans = {
        c: (first, last)
        for c, first, last in run.e.rows(
            "SELECT m.cluster_id, min(a.time), max(a.time) FROM _attr_m m "
            "JOIN actions a USING (actor_id) GROUP BY 1"
        )
    }
    sets = run.random_sets(
        "hours", "active store accounts", "SELECT DISTINCT actor_id FROM _attr_how"
    )
    rand = sets.sums_long(
        "SELECT z.m, z.s, h.how, sum(h.n_active) FROM {sets} z "
        "JOIN _attr_how h USING (actor_id) GROUP BY ALL",
        168,
    )
    _actor_hours(run, active, actions)
    for c, ix in run.clusters.items():
        hist = active[ix].sum(axis=0)
        row = run.c[c]
        row["n_actions"] = int(actions[ix].sum())
        row["n_active_hours"] = int(hist.sum())
        if hist.sum() == 0:
            run.c_reasons[c].append(
                "time zone: not available: the members have no actions in the store"
            )
            continue
        _cluster_zone(run, c, active[ix], hist, pop24, sets, rand, spans.get(c))


def _cluster_zone(
    run: AttributionRun,
    c: int,
    active: np.ndarray,
    hist: np.ndarray,
    pop24: np.ndarray,
    sets: RandomSets,
    rand: dict[int, np.ndarray],
    span: tuple[datetime, datetime] | None,
) -> None:
    """``active``: the members' hour-of-week rows, ``hist`` their sum."""
    row, reasons = run.c[c], run.c_reasons[c]
    per_member = active.reshape(len(active), 7, 24).sum(axis=1)
    fit = infer_utc_offset(per_member[per_member.sum(axis=1) > 0], seed=run.seed)
    n_active = int(hist.sum())
    hist24 = hist.reshape(7, 24).sum(axis=0)
    null = sets.null(rand, c, 168)
    with np.errstate(invalid="ignore", divide="ignore"):
        # an empty store baseline gives NaN: no comparison, no hint
        pop = pop24 / pop24.sum()
        distance = 0.5 * float(np.abs(hist24 / hist24.sum() - pop).sum())
        r24 = null.reshape(len(null), 7, 24).sum(axis=1)
        rtot = r24.sum(axis=1, keepdims=True)
        null_dist = 0.5 * np.abs(r24 / rtot - pop).sum(axis=1)
    null_dist[~np.isfinite(rtot[:, 0]) | (rtot[:, 0] == 0)] = np.nan
    p_dist = p_upper(distance, null_dist) if np.isfinite(distance) else None
    row.update(
        utc_offset=fit.offset,
        utc_offset_confidence=fit.confidence,
        time_profile=fit.profile,
        time_fit=fit.correlation,
        hours_distance=round(distance, 4) if np.isfinite(distance) else None,
        hours_distance_p=p_dist,
    )
    shape = "an office shift 09-18" if fit.profile == "office_shift" else "a waking day"
    if n_active < _MIN_ACTIVE_HOURS:
        reasons.append(
            f"time zone: not available: {n_active} active hours (clock hours with an "
            f"action); at least {_MIN_ACTIVE_HOURS} are needed to outline a day"
        )
        return
    if fit.confidence == 0 and fit.correlation < MIN_FIT:
        reasons.append(
            f"time zone: no day-night rhythm: the {n_active} active hours fit no human day "
            f"(correlation {fit.correlation:.2f}; automation or many zones)"
        )
        return
    reasons.append(
        f"time zone: active as if in {fit.label} (±1 h, confidence {fit.confidence:.2f}; "
        f"{n_active} active hours of {len(active)} members fit {shape}, r = "
        f"{fit.correlation:.2f})"
    )
    reasons.append(
        f"hours of day: {pct(distance)} of the activity would have to move to other hours "
        f"to match the store's, {sets.compare(distance, null_dist, c)}"
        if np.isfinite(distance)
        else "hours of day: no baseline: no other account in the store has actions"
    )
    usable = fit.confidence >= MIN_TZ_CONFIDENCE and fit.offset is not None
    if usable and is_unusual(p_dist, null_dist):
        run.c_hints[c].append(("time_zone", WEIGHTS["time_zone"] * fit.confidence))
    if not usable or fit.offset is None:
        return
    _office(run, c, hist, fit.offset, null, sets, span)


def _office(
    run: AttributionRun,
    c: int,
    hist: np.ndarray,
    offset: int,
    null: np.ndarray,
    sets: RandomSets,
    span: tuple[datetime, datetime] | None,
) -> None:
    row, reasons = run.c[c], run.c_reasons[c]
    share = local_share(hist, offset, _OFFICE, 5)
    days = Counter[int]()
    if span is not None:
        day = (span[0] + timedelta(hours=offset)).date()
        last = (span[1] + timedelta(hours=offset)).date()
        while day <= last:
            days[day.weekday()] += 1
            day += timedelta(days=1)
    n_days = sum(days.values()) or 1
    n_weekdays = sum(v for k, v in days.items() if k < 5)
    ref = np.asarray(HUMAN_DIURNAL)
    expected = n_weekdays / n_days * float(ref[_OFFICE[0] : _OFFICE[1]].sum() / ref.sum())
    null_share = np.full(len(null), np.nan)
    if len(null):
        ok = np.nan_to_num(null).sum(axis=1) > 0
        if ok.any():
            hist_ok = np.nan_to_num(null[ok])
            _, k, _, _ = fit_histograms(hist_ok.reshape(len(hist_ok), 7, 24).sum(axis=1))
            null_share[ok] = [
                local_share(h, OFFSETS[int(j)], _OFFICE, 5) for h, j in zip(hist_ok, k, strict=True)
            ]
    p = p_upper(share, null_share)
    row.update(
        office_hours_share=round(share, 4),
        office_hours_expected=round(expected, 4),
        office_hours_p=p,
    )
    reasons.append(
        f"office hours: {pct(share)} of active hours fall Mon-Fri 09-18 local "
        f"({utc_label(offset)}); a human day over the same dates gives {pct(expected)}; "
        + sets.compare(share, null_share, c)
    )
    if is_unusual(p, null_share) and share >= expected + MIN_GAIN["office"]:
        run.c_hints[c].append(("office_hours", WEIGHTS["office_hours"]))
    n_weekend = n_days - n_weekdays
    if n_weekend and n_weekdays:
        local = np.roll(hist, offset)
        weekday_rate = local[: 5 * 24].sum() / n_weekdays
        weekend_rate = local[5 * 24 :].sum() / n_weekend
        if weekday_rate > 0:
            ratio = float(weekend_rate / weekday_rate)
            row["weekend_ratio"] = round(ratio, 4)
            reasons.append(
                f"weekend: {ratio:.2f} x the weekday activity per day ({n_weekend} weekend "
                f"and {n_weekdays} weekdays observed; people are about as active at "
                "weekends, a shift schedule is not)"
            )
    else:
        reasons.append("weekend: not available: the activity spans no weekend or no weekday")


def _actor_hours(run: AttributionRun, active: np.ndarray, actions: np.ndarray) -> None:
    """Each member's own offset (>= MIN_ACTOR_ACTIONS actions), against the offsets of a
    sample of the store's active accounts (hash-ordered with ties by id, fitted in id
    order, so the sample and its fits depend on the store and the seed only)."""
    n_actions = actions.sum(axis=1)
    n_active = active.sum(axis=1)
    for i, row in enumerate(run.a):
        row["n_actions"] = int(n_actions[i])
        row["n_active_hours"] = int(n_active[i])
    sample: defaultdict[str, np.ndarray] = defaultdict(lambda: np.zeros(24))
    for actor, hour, n in run.e.rows(
        f"WITH heavy AS (SELECT actor_id FROM _attr_how WHERE {POP} GROUP BY 1 "
        "HAVING sum(n_actions) >= ? ORDER BY hash(actor_id, ?), actor_id LIMIT ?) "
        "SELECT h.actor_id, h.how % 24, sum(h.n_active) FROM _attr_how h "
        "JOIN heavy USING (actor_id) GROUP BY ALL",
        [MIN_ACTOR_ACTIONS, run.seed, _ACTOR_SAMPLE],
    ):
        sample[actor][int(hour)] = float(n)
    store_offsets = np.zeros(24)
    if sample:
        ids = sorted(sample)
        _, k, post, r = fit_histograms(np.stack([sample[a] for a in ids]))
        ok = (mass_near(post, k) >= MIN_TZ_CONFIDENCE) & (r >= MIN_FIT)
        for a, kk, good in zip(ids, k, ok, strict=True):
            if good:
                store_offsets[int(kk)] += 1
                run.store_fits[a] = OFFSETS[int(kk)]
    n_sampled = float(store_offsets.sum())
    heavy = np.flatnonzero(n_actions >= MIN_ACTOR_ACTIONS)
    fits: dict[int, tuple[int, float]] = {}
    if len(heavy):
        hist = active[heavy].reshape(len(heavy), 7, 24).sum(axis=1)
        _, best, post, r = fit_histograms(hist)
        stable = np.where(r >= MIN_FIT, mass_near(post, best), 0.0)
        fits = {
            int(i): (OFFSETS[int(kk)], float(cf))
            for i, kk, cf in zip(heavy, best, stable, strict=True)
        }
    for i, row in enumerate(run.a):
        if i not in fits:
            run.a_reasons[i].append(
                f"time zone: not available: {int(n_actions[i])} actions, {MIN_ACTOR_ACTIONS} needed"
            )
            continue
        offset, conf = fits[i]
        row["utc_offset"], row["utc_offset_confidence"] = offset, round(conf, 4)
        j = OFFSETS.index(offset)
        near = float(sum(store_offsets[(j + d) % 24] for d in (-1, 0, 1)))
        share = near / n_sampled if n_sampled >= MIN_STORE_SAMPLE else None
        run.a_reasons[i].append(
            f"time zone: active as if in {utc_label(offset)} (confidence {conf:.2f}, "
            f"{int(n_actions[i])} actions)"
            + ("" if share is None else
               f"; {pct(share)} of sampled store accounts with >= {MIN_ACTOR_ACTIONS} "
               "actions are within ±1 h")
        )  # fmt: skip
        if conf >= MIN_TZ_CONFIDENCE and share is not None and share < RARE:
            run.a_hints[i].append(("time_zone", ACTOR_WEIGHTS["time_zone"] * conf))
