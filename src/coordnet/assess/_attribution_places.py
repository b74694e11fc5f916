"""Attribution hints from claimed profile locations against active hours.

Profile locations are looked up in the places table shipped with coordnet
(:func:`~coordnet.assess.reference_data.load_places`): the whole text, its first part
("Atlanta" of "Atlanta, GA"), its last part as a place or as a code ("GA"). For each member
with a confident own time zone: does the claimed place's UTC offset fit it (±1 h)? For each
cluster: the claimed countries, how many claims the cluster's zone contradicts, and the
share of the located members' active hours that falls at night (00-06) in the places they
claim, against random sets of as many store accounts with a placed location.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa

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
from coordnet.assess.reference_data import load_places
from coordnet.assess.timezone import utc_label

__all__ = ["assess_places"]

#: Claimed and inferred zones agree within this many hours (the offset's own precision).
_TOLERANCE_H = 1.0
#: A cluster's night share in claimed places needs this many placed members.
_MIN_LOCATED = 3
#: Night hours, local time: [start, end).
_NIGHT = (0, 6)

_Located = tuple[str, str | None, float | None, float | None]


def _span(lo: float, hi: float) -> str:
    return utc_label(lo) if lo == hi else f"{utc_label(lo)}..{utc_label(hi).removeprefix('UTC')}"


def _in_range(offset: int, lo: float, hi: float) -> bool:
    return any(lo - _TOLERANCE_H <= offset + w <= hi + _TOLERANCE_H for w in (-24, 0, 24))


def assess_places(run: AttributionRun) -> None:
    """Claimed-location hints of each member and cluster; needs the hours stage first
    (``_attr_how``, the members' own offsets and ``run.store_fits``)."""
    run.e.register("_attr_places_in", load_places())
    try:
        run.table(
            "_attr_places",
            "SELECT strip_accents(lower(trim(place))) AS key, kind = 'code' AS is_code, "
            "min(country) AS country, min(utc_offset_min) AS lo, max(utc_offset_max) AS hi "
            "FROM _attr_places_in GROUP BY 1, 2",
        )
    finally:
        run.e.unregister("_attr_places_in")
    norm = "strip_accents(lower(trim(location)))"
    run.table(
        "_attr_loc",
        "WITH a AS (SELECT actor_id, min(location) AS location FROM actors "
        "WHERE location IS NOT NULL AND trim(location) <> '' GROUP BY 1), "
        f"k AS (SELECT actor_id, location, {norm} AS full_key, "
        f"trim(split_part({norm}, ',', 1)) AS first_key, "
        f"CASE WHEN contains(location, ',') THEN trim(regexp_extract({norm}, ',([^,]*)$', 1))"
        " END AS last_key FROM a) "
        "SELECT k.actor_id, k.location, coalesce(p1.country, p2.country, p3.country, "
        "p4.country) AS country, coalesce(p1.lo, p2.lo, p3.lo, p4.lo) AS lo, "
        "coalesce(p1.hi, p2.hi, p3.hi, p4.hi) AS hi FROM k "
        "LEFT JOIN _attr_places p1 ON p1.key = k.full_key AND NOT p1.is_code "
        "LEFT JOIN _attr_places p2 ON p2.key = k.first_key AND NOT p2.is_code "
        "LEFT JOIN _attr_places p3 ON p3.key = k.last_key AND NOT p3.is_code "
        "LEFT JOIN _attr_places p4 ON p4.key = k.last_key AND p4.is_code",
    )
    # night share of active hours in the claimed place (midpoint of its offsets)
    run.table(
        "_attr_night",
        "SELECT h.actor_id, coalesce(sum(h.n_active) FILTER (WHERE floor(fmod(h.how % 24 "
        f"+ (l.lo + l.hi) / 2 + 48, 24)) < {_NIGHT[1]}), 0) AS n_night, "
        "sum(h.n_active) AS n_active FROM _attr_how h JOIN _attr_loc l USING (actor_id) "
        "WHERE l.country IS NOT NULL GROUP BY 1",
    )
    store_night = run.e.rows(f"SELECT sum(n_night), sum(n_active) FROM _attr_night WHERE {POP}")[0]
    store_share = store_night[0] / store_night[1] if store_night[1] else None
    located = {
        a: (loc, country, lo, hi)
        for a, loc, country, lo, hi in run.e.rows(
            "SELECT l.actor_id, l.location, l.country, l.lo, l.hi FROM _attr_m m "
            "JOIN _attr_loc l USING (actor_id)"
        )
    }
    night = {
        a: (n, t)
        for a, n, t in run.e.rows(
            "SELECT n.actor_id, n.n_night, n.n_active FROM _attr_m m "
            "JOIN _attr_night n USING (actor_id)"
        )
    }
    store_mismatch = _store_mismatch(run)
    for a, i in run.index.items():
        row = run.a[i]
        if a not in located:
            run.a_reasons[i].append("claimed location: not available: the profile states none")
            continue
        loc, country, lo, hi = located[a]
        row["claimed_location"] = loc
        if country is None:
            run.a_reasons[i].append(f"claimed location: {loc!r} is not in the places table")
            continue
        row.update(claimed_country=country, claimed_utc_offset_min=lo, claimed_utc_offset_max=hi)
        offset, conf = row.get("utc_offset"), row.get("utc_offset_confidence") or 0.0
        if offset is None or conf < MIN_TZ_CONFIDENCE:
            run.a_reasons[i].append(f"claimed location: {loc} ({country}, {_span(lo, hi)})")
        elif _in_range(offset, lo, hi):
            run.a_reasons[i].append(
                f"claimed location: {loc} ({country}, {_span(lo, hi)}) fits its active hours"
            )
        else:
            run.a_reasons[i].append(
                f"claimed location: {loc} ({country}, {_span(lo, hi)}) but it is active as if "
                f"in {utc_label(offset)}"
                + ("" if store_mismatch is None else
                   f" (store: {pct(store_mismatch)} of sampled accounts mismatch)")
            )  # fmt: skip
            # only where the store's own accounts mostly fit their claims: otherwise its
            # times or the places table do not suit this data
            if store_mismatch is not None and store_mismatch < 2 * RARE:
                run.a_hints[i].append(("location_mismatch", ACTOR_WEIGHTS["location_mismatch"]))
    sets = run.random_sets(
        "places", "store accounts with a placed location", "SELECT actor_id FROM _attr_night"
    )
    rand = sets.sums(
        "SELECT z.m, z.s, sum(n.n_night), sum(n.n_active) FROM {sets} z "
        "JOIN _attr_night n USING (actor_id) GROUP BY ALL",
        2,
    )
    for c, ix in run.clusters.items():
        _cluster_places(run, c, ix, located, night, sets, rand, store_share)


def _store_mismatch(run: AttributionRun) -> float | None:
    """Share of the sampled store accounts with a confident own offset and a placed
    location whose claim disagrees with their hours (the base rate of a mismatch)."""
    if not run.store_fits:
        return None
    fits = sorted(run.store_fits.items())
    run.e.register(
        "_attr_fits_in",
        pa.table({"actor_id": [a for a, _ in fits], "offset": [o for _, o in fits]}),
    )
    try:
        rows = run.e.rows(
            "SELECT f.offset, l.lo, l.hi FROM _attr_fits_in f JOIN _attr_loc l "
            "USING (actor_id) WHERE l.country IS NOT NULL"
        )
    finally:
        run.e.unregister("_attr_fits_in")
    if len(rows) < MIN_STORE_SAMPLE:  # too few to know the base rate: no hint either way
        return None
    return sum(not _in_range(o, lo, hi) for o, lo, hi in rows) / len(rows)


def _cluster_places(
    run: AttributionRun,
    c: int,
    ix: np.ndarray,
    located: dict[str, _Located],
    night: dict[str, tuple[int, int]],
    sets: RandomSets,
    rand: dict[int, np.ndarray],
    store_share: float | None,
) -> None:
    row, reasons = run.c[c], run.c_reasons[c]
    members = [run.actor_ids[i] for i in ix]
    stated = [located[a] for a in members if a in located]
    placed = [
        (loc, str(k), float(lo), float(hi))
        for loc, k, lo, hi in stated
        if k is not None and lo is not None and hi is not None
    ]
    row["n_members_located"] = len(placed)
    if not stated:
        reasons.append("claimed locations: not available: no member states a location")
        return
    # members are in id order, so ties of the counts below fall the same way every run
    top_locs = Counter(x[0] for x in stated).most_common(5)
    reasons.append(
        "claimed locations: "
        + ", ".join(f"{loc} ({n})" for loc, n in top_locs)
        + f"; {len(placed)} of {len(stated)} could be placed"
    )
    if not placed:
        return
    by_country = Counter(x[1] for x in placed)
    lo, hi = min(x[2] for x in placed), max(x[3] for x in placed)
    row["claimed_countries"] = [f"{k} {n}" for k, n in by_country.most_common()]
    claim = (
        f"profiles claim {', '.join(f'{k} ({n})' for k, n in by_country.most_common(4))}"
        f" ({_span(lo, hi)})"
    )
    offset, conf = row.get("utc_offset"), row.get("utc_offset_confidence") or 0.0
    if offset is not None and conf >= MIN_TZ_CONFIDENCE:
        bad = sum(not _in_range(offset, x[2], x[3]) for x in placed)
        row["n_claims_inconsistent"] = bad
        claim += (
            f"; the accounts are active as if in {utc_label(offset)}: {bad} of {len(placed)} "
            "claims are inconsistent with that (±1 h)"
        )
    reasons.append(claim)
    n_night = sum(night[a][0] for a in members if a in night)
    n_active = sum(night[a][1] for a in members if a in night)
    if not n_active or len(placed) < _MIN_LOCATED:
        reasons.append(
            f"claimed places against hours: not available: {len(placed)} placed members "
            f"with actions, {_MIN_LOCATED} needed"
            if n_active
            else "claimed places against hours: not available: no actions"
        )
        return
    share = n_night / n_active
    null = sets.null(rand, c, 2)
    null_share = null[:, 0] / null[:, 1]
    p = p_upper(share, null_share)
    row.update(
        night_share_claimed=round(share, 4),
        store_night_share_claimed=None if store_share is None else round(store_share, 4),
        night_share_p=p,
    )
    reasons.append(
        f"claimed places against hours: {pct(share)} of the placed members' active hours "
        f"fall at 00-06 local time in the places they claim (store accounts with a placed "
        f"location: {pct(store_share)}), {sets.compare(share, null_share, c)}"
    )
    gain = share - (store_share or 0.0)
    if is_unusual(p, null_share) and gain >= MIN_GAIN["night"]:
        run.c_hints[c].append(("location_mismatch", WEIGHTS["location_mismatch"]))
