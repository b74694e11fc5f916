"""Attribution hints for detected clusters: where and how an operation is likely run.

Separate from the coordination score and from inauthenticity, :func:`attribution` collects
the evidence an investigator uses to say *who might run* a network, each hint with reasons
in plain words and a score, ``attribution_confidence`` in [0, 1], that says how much such
evidence there is (not how guilty anyone is):

* **operating time zone**: the UTC offset whose local clock makes the members' pooled
  active hours look like a human waking day (or, when it fits clearly better, an office
  shift), found by circular cross-correlation of the hourly histogram with the log of the
  reference curve, i.e. the multinomial log-likelihood of each offset
  (:func:`infer_utc_offset`); then the **weekday / office-hours profile** in that zone
  (share of activity Mon-Fri 09-18 local against what a human day gives; weekend dip);
* **sessions** (platform-internal data): top countries and ASNs with shares, VPN share,
  distinct IP addresses and devices per member;
* **languages** of the actions and the **claimed profile locations**;
* **claimed location against active hours**: profile places are looked up in a small table
  shipped with coordnet (``data/places.csv``) and the share of the members' active hours
  that falls at night (00-06) *in the claimed places* is compared with the store's;
* **listed domains**: the share of the members' links on a configurable list of domains,
  by default state media (``data/state_media_domains.csv``).

Calibration. The baseline is the store itself: its accounts outside the clusters being
assessed. Every cluster-level figure is compared with the same figure for random sets of
as many accounts drawn from that baseline (``N_RANDOM_SETS`` = 200 sets; fewer only for
clusters of over 20 000 accounts). A hint fires only when none of the random sets reaches
the cluster's value (p <= ``ALPHA``) *and* the value differs from the store's by a stated
minimum effect, so that a figure typical of the platform (everyone writes English, most
accounts are in UTC-5) is never called unusual. For categories (session countries,
languages) the statistic is the largest excess of any category over its store share, in
the cluster and in each random set alike, so that picking the cluster's most striking
category after the fact does not inflate the evidence. Random sets are consecutive runs of
a hash-ordered permutation of the baseline accounts, built in SQL, so the store is never
pulled into Python: only per-set sums (at most 200 x 168 rows per cluster size) come back.
Member-level figures are compared with population rates (a session country or a language
is "rare" when fewer than 10 % of the store's accounts have it as their most frequent one;
an offset is rare when fewer than 10 % of a sample of the store's active accounts are
within an hour of it).

Missing data (no sessions, no language codes, no locations, no links, no actions) gives
"not available" reasons and no score contribution, never an error or an alarm.

Cost: a few aggregations over ``actions`` (grouped by account and clock hour), ``sessions``
and ``actors``, and one sort of the store's account ids per run; memory in Python is
O(members x 168 + sets x 168).

False positives. A genuine diaspora or regional community is rightly placed in its own zone
and language; that is attribution evidence, not proof of an operation. Shared addresses
also arise behind carrier-grade NAT and on campus networks. Offsets are whole hours
(India's UTC+5:30 reads as +5 or +6) and need a few dozen active hours to settle.

References: Golder & Macy, "Diurnal and seasonal mood vary with work, sleep, and daylength
across diverse cultures", Science 333 (2011) (the waking-day curve); Linvill & Warren,
"Troll factories: manufacturing specialized disinformation on Twitter", Political
Communication 37 (2020) (office-hours work of the IRA); Twitter Transparency information
operations disclosures (2018-2021) and Meta CIB reports (session countries, VPN use, time
zones and state-media links as attribution evidence); Davison & Hinkley, "Bootstrap
Methods and their Application" (1997), ch. 4 (Monte Carlo p-values as (1 + k) / (1 + R)).

A day of someone in UTC+3, counted by UTC hour (quiet at 00-03 UTC, busiest at 18 UTC):

>>> fit = infer_utc_offset([2, 1, 1, 2, 4, 6, 7, 8, 8, 9, 9, 9, 9, 9, 9, 10, 11, 11, 12, 11,
...                         8, 6, 4, 2])
>>> fit.label, fit.profile, fit.confidence > 0.9
('UTC+3', 'waking_day', True)
"""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa

from coordnet.errors import InputError
from coordnet.store import Store

__all__ = [
    "ACTOR_SCHEMA",
    "ACTOR_WEIGHTS",
    "ALPHA",
    "CLUSTER_SCHEMA",
    "HUMAN_DIURNAL",
    "MIN_ACTOR_ACTIONS",
    "MIN_FIT",
    "MIN_TZ_CONFIDENCE",
    "N_RANDOM_SETS",
    "OFFICE_SHIFT",
    "OFFSETS",
    "WEIGHTS",
    "Attribution",
    "UtcOffsetFit",
    "attribution",
    "infer_utc_offset",
    "load_places",
    "load_state_media_domains",
]

#: Relative activity per local hour 0..23 of people on social media: trough at 03-05,
#: morning rise, daytime plateau, evening peak at 20-22 (the shape of Golder & Macy 2011,
#: Fig. 1, smoothed and rounded; only the shape matters, the curve is normalised).
HUMAN_DIURNAL: tuple[float, ...] = (
    0.60, 0.38, 0.24, 0.16, 0.12, 0.13, 0.22, 0.40, 0.58, 0.70, 0.78, 0.84,
    0.88, 0.88, 0.86, 0.86, 0.88, 0.92, 0.98, 1.06, 1.14, 1.18, 1.08, 0.84,
)  # fmt: skip
#: A working day 09:00-17:59 local, nothing else (the shift work of troll farms).
OFFICE_SHIFT: tuple[float, ...] = tuple(1.0 if 9 <= h < 18 else 0.0 for h in range(24))
_PROFILES = {"waking_day": HUMAN_DIURNAL, "office_shift": OFFICE_SHIFT}
#: Offsets tried, in hours: local time = UTC + offset; -11..+12 covers every hour of the
#: circle once (+13 and +14 read as -11 and -10).
OFFSETS: tuple[int, ...] = tuple(range(-11, 13))

#: Share of activity the curves allow at any hour (scheduled posts, insomnia, camouflage),
#: so that a few off-pattern hours cannot veto an otherwise clear fit.
_FLOOR = 0.1
#: The office curve is preferred only when it explains the hours better by this many nats
#: per active hour (a likelihood ratio of 1.28 per hour): bursty schedules of a few waves a
#: day fit any narrow curve a little, an office shift fits it much better.
_OFFICE_MARGIN = 0.25
#: Below this correlation with the chosen curve there is no day rhythm to read (24/7
#: automation, or accounts spread over many zones): the offset gets confidence 0.
MIN_FIT = 0.3
#: The brief's threshold for an account's own offset: fewer actions cannot outline a day.
MIN_ACTOR_ACTIONS = 20
#: A cluster needs this many active hours (one per hour of the day on average) for a zone.
_MIN_ACTIVE_HOURS = 24
#: Offsets with less confidence are reported but used for nothing else.
MIN_TZ_CONFIDENCE = 0.5
_N_BOOTSTRAP = 200

#: Random sets per cluster size; with 200 sets the smallest p-value is 1/201.
N_RANDOM_SETS = 200
#: Fewer sets for clusters of over 20 000 accounts (sets x size is capped), never fewer
#: than this.
_MIN_RANDOM_SETS = 100
_MAX_MEMBERSHIPS = 4_000_000
#: A figure is unusual when no random set reaches it, judged only with at least 99 sets that
#: have the data: p = (1 + 0) / (1 + sets) <= ALPHA (0.005 with the usual 200 sets). With
#: about eight hints per cluster, chance alone would fire one in about 25 random clusters;
#: the minimum effects below make that rarer still.
ALPHA = 0.01
_MIN_VALID_SETS = 99
#: Minimum effects on top of ALPHA, so that a significant but tiny difference is not
#: reported: a session country, a language or the VPN share must exceed the store's share
#: by 20 points (VPNs are common among ordinary users), the listed-domain share by 10
#: points (state-media links are a minority even in state-backed operations), the night
#: share in claimed places by 15 points, the office-hours share the human-day expectation
#: by 30 points (daytime-heavy users such as news readers reach 10-25 points; a shift that
#: leaves evenings and weekends empty is 40-60 points above).
#: Session countries and languages are hints only when they are uncommon in the store
#: (main country or language of under a quarter of its accounts): writing the platform's
#: majority language, or being where most of its users are, places no one.
_MINORITY = 0.25
_HINT = {"country": "session_country", "language": "language"}
_MIN_GAIN = {
    "country": 0.20, "language": 0.20, "domains": 0.10, "night": 0.15, "office": 0.30, "vpn": 0.20,
}  # fmt: skip
#: Shared infrastructure: at most half as many IPs (or devices) per member as random sets.
_SHARED_RATIO = 0.5
#: A member attribute is "rare" when fewer than this share of the store's accounts have it.
_RARE = 0.10
#: Claimed and inferred zones agree within this many hours (the offset's own precision).
_TOLERANCE_H = 1.0
_MIN_LOCATED = 3
#: An account's own session-country, VPN or language share needs this many sessions or
#: coded actions: a share of one or two is chance.
_MIN_ITEMS = 3
#: Accounts with >= MIN_ACTOR_ACTIONS actions sampled to learn the store's zones; with
#: fewer than 50 confident fits the store's zones are unknown and no member is "rare".
_MIN_STORE_SAMPLE = 50
_ACTOR_SAMPLE = 5000
#: Night and office hours, local time: [start, end).
_NIGHT = (0, 6)
_OFFICE = (9, 18)
_NOT_LANGUAGES = ("und", "zxx", "")

#: How directly each hint points at an operator (noisy-OR weights of
#: ``attribution_confidence``). Platform-internal session countries are what the platforms
#: themselves attribute with; zones, claims against hours and state-media links are strong
#: but indirect; language, VPN use and office hours narrow the field without placing it.
WEIGHTS: dict[str, float] = {
    "session_country": 0.8,
    "time_zone": 0.6,
    "location_mismatch": 0.6,
    "listed_domains": 0.6,
    "shared_infrastructure": 0.5,
    "language": 0.4,
    "vpn": 0.3,
    "office_hours": 0.3,
}
ACTOR_WEIGHTS: dict[str, float] = {
    "session_country": 0.6,
    "location_mismatch": 0.5,
    "time_zone": 0.4,
    "listed_domains": 0.4,
    "language": 0.3,
    "vpn": 0.2,
}


# -- package data -----------------------------------------------------------------------------
def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("coordnet.assess").joinpath("data", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def load_places() -> pa.Table:
    """The places table shipped with coordnet: ``place``, ``kind``, ``country`` (ISO 3166
    alpha-2), ``utc_offset_min`` and ``utc_offset_max`` (hours, daylight time included)."""
    rows = _read_csv("places.csv")
    return pa.table(
        {
            "place": [r["place"] for r in rows],
            "kind": [r["kind"] for r in rows],
            "country": [r["country"] for r in rows],
            "utc_offset_min": [float(r["utc_offset_min"]) for r in rows],
            "utc_offset_max": [float(r["utc_offset_max"]) for r in rows],
        }
    )


@cache
def _state_media() -> tuple[tuple[str, str], ...]:
    return tuple((r["domain"], r["label"]) for r in _read_csv("state_media_domains.csv"))


def load_state_media_domains() -> dict[str, str]:
    """The default listed domains: state media outlet domain -> label (e.g. ``rt.com`` ->
    ``Russia state media (RT)``); see ``data/state_media_domains.csv`` for the sources."""
    return dict(_state_media())


# -- time zones -------------------------------------------------------------------------------
@dataclass(frozen=True)
class UtcOffsetFit:
    """The operating time zone read from hour-of-day activity.

    ``offset``: hours to add to UTC for local time (None without data); ``confidence``: the
    share of plausible fits within one hour of ``offset`` (0 when the curve fits too poorly,
    see ``MIN_FIT``); ``correlation``: Pearson r of the local-time histogram with the chosen
    curve; ``profile``: ``waking_day`` or ``office_shift``; ``n``: the counts behind the fit;
    ``posterior``: probability of each offset in ``OFFSETS`` (-11..+12).
    """

    offset: int | None
    confidence: float
    correlation: float
    profile: str | None
    n: float
    posterior: tuple[float, ...]

    @property
    def label(self) -> str:
        """The offset as ``UTC+3`` / ``UTC-5`` (``unknown`` without data)."""
        return "unknown" if self.offset is None else _utc(self.offset)


def _log_curves(curve: Sequence[float]) -> np.ndarray:
    p = np.asarray(curve, dtype=float)
    p = (1 - _FLOOR) * p / p.sum() + _FLOOR / 24
    # row i, column h: log probability of UTC hour h when local time is UTC + OFFSETS[i]
    return np.log(np.stack([np.roll(p, -k) for k in OFFSETS]))


def _unit_curves(curve: Sequence[float]) -> np.ndarray:
    z = np.stack([np.roll(np.asarray(curve, dtype=float), -k) for k in OFFSETS])
    z = z - z.mean(axis=1, keepdims=True)
    return z / np.linalg.norm(z, axis=1, keepdims=True)


_LOGP = np.stack([_log_curves(c) for c in _PROFILES.values()])
_UNIT = np.stack([_unit_curves(c) for c in _PROFILES.values()])
_PROFILE_NAMES = tuple(_PROFILES)


def _fit(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit every row of ``counts`` (n x 24 UTC hours): profile index, offset index,
    posterior over offsets (n x 24) and correlation at the chosen offset."""
    c = np.atleast_2d(np.asarray(counts, dtype=float))
    ll = np.einsum("nh,pkh->pnk", c, _LOGP)  # log-likelihood per profile, row, offset
    best = ll.max(axis=2)
    office = (best[1] - best[0]) >= _OFFICE_MARGIN * c.sum(axis=1)
    prof = office.astype(int)
    chosen = np.where(office[:, None], ll[1], ll[0])
    k = chosen.argmax(axis=1)
    post = np.exp(chosen - chosen.max(axis=1, keepdims=True))
    post /= post.sum(axis=1, keepdims=True)
    centred = c - c.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(centred, axis=1)
    unit = _UNIT[prof, k]  # (n, 24)
    r = np.where(norm > 0, (centred * unit).sum(axis=1) / np.where(norm > 0, norm, 1), 0.0)
    return prof, k, post, r


def _near(post: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Posterior mass within one hour (circularly) of offset index ``k``, per row."""
    rows = np.arange(len(k))
    return sum(post[rows, (k + d) % 24] for d in (-1, 0, 1))


def _circular_gap(a: int, b: int) -> int:
    d = (a - b) % 24
    return min(d, 24 - d)


def infer_utc_offset(hour_counts: Sequence[float] | np.ndarray, *, seed: int = 0) -> UtcOffsetFit:
    """Infer the UTC offset of the people behind an hour-of-day activity histogram.

    ``hour_counts`` holds 24 counts indexed by **UTC** hour (best: active hours, i.e. clock
    hours with at least one action, so that one burst counts once), or a 2-D array with one
    such row per account. Each offset in -11..+12 turns the histogram into local time; its
    log-likelihood under the human waking-day curve (:data:`HUMAN_DIURNAL`, with a 10 %
    uniform floor) is the circular cross-correlation of the counts with the log curve. The
    office-shift curve (:data:`OFFICE_SHIFT`) replaces it when it is clearly better (0.25
    nats per count). ``confidence`` is the posterior mass within one hour of the best offset
    (flat prior); for a 2-D input also the share of 200 resamples of the accounts (seeded by
    ``seed``) that land within one hour, whichever is lower, because accounts rather than
    actions are the independent units. It is 0 when the local histogram correlates with the
    curve below 0.3 (no day-night rhythm, e.g. automation or a mix of zones).

    Cost: O(24 x 24) per histogram (x 200 for the resamples).

    >>> infer_utc_offset([0] * 24).offset is None
    True
    """
    arr = np.asarray(hour_counts, dtype=float)
    if arr.ndim not in (1, 2) or arr.shape[-1] != 24:
        raise InputError(
            f"hour_counts must have 24 columns (UTC hours 0-23), got shape {arr.shape}"
        )
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise InputError("hour_counts must be finite and non-negative")
    pooled = arr if arr.ndim == 1 else arr.sum(axis=0)
    n = float(pooled.sum())
    if n == 0:
        return UtcOffsetFit(None, 0.0, 0.0, None, 0.0, tuple([1 / 24] * 24))
    prof, k, post, r = _fit(pooled)
    confidence = float(_near(post, k)[0])
    if arr.ndim == 2 and len(arr) > 1:
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(len(arr), np.full(len(arr), 1 / len(arr)), size=_N_BOOTSTRAP)
        _, kb, _, _ = _fit(weights @ arr)
        same = [_circular_gap(int(x), int(k[0])) <= 1 for x in kb]
        confidence = min(confidence, float(np.mean(same)))
    if r[0] < MIN_FIT:
        confidence = 0.0
    return UtcOffsetFit(
        offset=OFFSETS[int(k[0])],
        confidence=round(confidence, 4),
        correlation=round(float(r[0]), 4),
        profile=_PROFILE_NAMES[int(prof[0])],
        n=n,
        posterior=tuple(round(float(x), 6) for x in post[0]),
    )


def _local_share(hist168: np.ndarray, offset: int, hours: tuple[int, int], days: int) -> float:
    """Share of an hour-of-week histogram (UTC, Monday 00 first) that falls in local
    ``hours`` on the first ``days`` weekdays (5: Mon-Fri; 7: every day)."""
    local = np.roll(hist168, offset)
    mask = np.zeros(168, dtype=bool)
    for d in range(days):
        mask[d * 24 + hours[0] : d * 24 + hours[1]] = True
    total = hist168.sum()
    return float(local[mask].sum() / total) if total else 0.0


# -- results --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attribution:
    """What :func:`attribution` found: one row per member (``actors``, :data:`ACTOR_SCHEMA`)
    and per cluster (``clusters``, :data:`CLUSTER_SCHEMA`), each with
    ``attribution_confidence`` in [0, 1] (noisy-OR of the fired hints' weights),
    ``reasons`` (plain sentences, "not available" ones included), ``hints`` (the keys of
    :data:`WEIGHTS` / :data:`ACTOR_WEIGHTS` that fired) and the figures behind them.

    Cluster figures: ``utc_offset`` / ``utc_offset_confidence`` / ``time_profile`` /
    ``time_fit`` (see :class:`UtcOffsetFit`); ``hours_distance``: total variation distance
    between the members' hour-of-day activity and the store's; ``office_hours_share``:
    active hours Mon-Fri 09-18 in the inferred zone, ``office_hours_expected`` what the
    human curve gives over the same dates, ``weekend_ratio`` weekend over weekday activity
    per day; ``session_country`` / ``language``: the main country (language) most
    over-represented among the members, ``*_share`` the share of members (with the data)
    whose main one it is, ``store_*_share`` the same share among the store's accounts;
    ``ips_per_member`` / ``devices_per_member``: distinct addresses (devices) over members
    with sessions; ``night_share_claimed``: share of the located members' active hours at
    00-06 in the places they claim; ``listed_share``: share of the members' links on listed
    domains. Every ``*_p`` is the Monte Carlo p-value against random sets of store accounts
    (None without a baseline)."""

    actors: pa.Table
    clusters: pa.Table


_LIST = pa.list_(pa.string())
ACTOR_SCHEMA = pa.schema(
    [
        ("actor_id", pa.string()), ("cluster_id", pa.int64()),
        ("attribution_confidence", pa.float64()), ("reasons", _LIST), ("hints", _LIST),
        ("n_actions", pa.int64()), ("n_active_hours", pa.int64()),
        ("utc_offset", pa.int64()), ("utc_offset_confidence", pa.float64()),
        ("claimed_location", pa.string()), ("claimed_country", pa.string()),
        ("claimed_utc_offset_min", pa.float64()), ("claimed_utc_offset_max", pa.float64()),
        ("n_sessions", pa.int64()), ("top_session_country", pa.string()),
        ("top_session_country_share", pa.float64()), ("vpn_share", pa.float64()),
        ("n_ips", pa.int64()), ("n_devices", pa.int64()),
        ("top_language", pa.string()), ("top_language_share", pa.float64()),
        ("n_links", pa.int64()), ("n_listed_links", pa.int64()),
    ]
)  # fmt: skip
CLUSTER_SCHEMA = pa.schema(
    [
        ("cluster_id", pa.int64()), ("attribution_confidence", pa.float64()),
        ("reasons", _LIST), ("hints", _LIST), ("n_members", pa.int64()),
        ("n_actions", pa.int64()), ("n_active_hours", pa.int64()),
        ("utc_offset", pa.int64()), ("utc_offset_confidence", pa.float64()),
        ("time_profile", pa.string()), ("time_fit", pa.float64()),
        ("hours_distance", pa.float64()), ("hours_distance_p", pa.float64()),
        ("office_hours_share", pa.float64()), ("office_hours_expected", pa.float64()),
        ("office_hours_p", pa.float64()), ("weekend_ratio", pa.float64()),
        ("n_members_with_sessions", pa.int64()), ("n_sessions", pa.int64()),
        ("session_country", pa.string()), ("session_country_share", pa.float64()),
        ("store_session_country_share", pa.float64()), ("session_country_p", pa.float64()),
        ("top_asns", _LIST), ("vpn_share", pa.float64()), ("store_vpn_share", pa.float64()),
        ("vpn_p", pa.float64()), ("ips_per_member", pa.float64()),
        ("devices_per_member", pa.float64()), ("shared_infrastructure_p", pa.float64()),
        ("language", pa.string()), ("language_share", pa.float64()),
        ("store_language_share", pa.float64()), ("language_p", pa.float64()),
        ("claimed_countries", _LIST), ("n_members_located", pa.int64()),
        ("n_claims_inconsistent", pa.int64()), ("night_share_claimed", pa.float64()),
        ("store_night_share_claimed", pa.float64()), ("night_share_p", pa.float64()),
        ("n_links", pa.int64()), ("listed_share", pa.float64()),
        ("store_listed_share", pa.float64()), ("listed_p", pa.float64()),
        ("listed_domains", _LIST),
    ]
)  # fmt: skip


# -- the assessment -------------------------------------------------------------------------
def attribution(
    store: Store,
    members: pa.Table,
    *,
    domain_list: Mapping[str, str] | None = None,
    seed: int = 0,
) -> Attribution:
    """Attribution hints for each cluster in ``members`` and each of its accounts.

    ``members`` has columns ``cluster_id`` (int64) and ``actor_id`` (string), one row per
    member; an account belongs to at most one cluster. ``domain_list`` maps domains (a
    listed domain also matches its subdomains) to labels; by default the state-media list
    of :func:`load_state_media_domains`. ``seed`` fixes the random sets and resamples.

    Everything is computed in SQL on the store; see the module docstring for the method,
    the thresholds and their reasons.

    >>> import coordnet
    >>> with coordnet.open_store() as store:
    ...     empty = pa.table({"cluster_id": pa.array([], pa.int64()),
    ...                       "actor_id": pa.array([], pa.string())})
    ...     attribution(store, empty).clusters.num_rows
    0
    """
    table = _validate_members(members)
    listed = _listed_domains(domain_list)
    if table.num_rows == 0:
        return Attribution(ACTOR_SCHEMA.empty_table(), CLUSTER_SCHEMA.empty_table())
    run = _Run(store, table, listed, seed)
    try:
        return run.assess()
    finally:
        run.cleanup()


def _validate_members(members: pa.Table) -> pa.Table:
    if not isinstance(members, pa.Table):
        raise InputError(f"members must be a pyarrow.Table, got {type(members).__name__}")
    missing = [c for c in ("cluster_id", "actor_id") if c not in members.column_names]
    if missing:
        raise InputError(
            f"members lacks column(s) {', '.join(missing)}; it needs cluster_id (int64) and "
            f"actor_id (string), has {', '.join(members.column_names) or 'none'}"
        )
    try:
        table = pa.table(
            {
                "cluster_id": members["cluster_id"].cast(pa.int64()),
                "actor_id": members["actor_id"].cast(pa.string()),
            }
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(f"members: cluster_id must be integers, actor_id strings: {exc}") from exc
    if table["cluster_id"].null_count or table["actor_id"].null_count:
        raise InputError("members: cluster_id and actor_id must not be null")
    pairs = set(zip(table["actor_id"].to_pylist(), table["cluster_id"].to_pylist(), strict=True))
    seen: dict[str, int] = {}
    for actor, cluster in sorted(pairs):
        if actor in seen:
            raise InputError(
                f"members: actor {actor!r} is in clusters {seen[actor]} and {cluster}; "
                "an account may belong to one cluster only"
            )
        seen[actor] = cluster
    return table


def _listed_domains(domain_list: Mapping[str, str] | None) -> pa.Table:
    items = _state_media() if domain_list is None else tuple(domain_list.items())
    clean: dict[str, str] = {}
    for domain, label in items:
        d = str(domain).strip().lower().removeprefix("www.").strip(".")
        if d:
            clean[d] = str(label)
    return pa.table({"domain": list(clean), "label": list(clean.values())}, schema=pa.schema(
        [("domain", pa.string()), ("label", pa.string())]))  # fmt: skip


def _p_upper(value: float, null: np.ndarray) -> float | None:
    """Monte Carlo p-value of ``value`` being this high among random-set values."""
    null = null[np.isfinite(null)]
    if len(null) < _MIN_VALID_SETS:
        return None
    return round(float((1 + np.sum(null >= value - 1e-12)) / (1 + len(null))), 4)


def _unusual(p: float | None, null: np.ndarray) -> bool:
    """No random set reached the value (k = 0, so p = 1 / (1 + sets) <= ALPHA)."""
    n = int(np.isfinite(null).sum())
    # p is rounded to 4 decimals; 2 / (1 + n) is at least 0.0099 for n <= 200 sets
    return p is not None and p <= min(ALPHA, 1 / (1 + n)) + 5e-5


def _p_lower(value: float, null: np.ndarray) -> float | None:
    null = null[np.isfinite(null)]
    if len(null) < _MIN_VALID_SETS:
        return None
    return round(float((1 + np.sum(null <= value + 1e-12)) / (1 + len(null))), 4)


def _pct(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    if 0 < x < 0.005:
        return "<1 %"
    return f"{round(100 * x)} %"


def _utc(offset: float) -> str:
    sign = "+" if offset >= 0 else "-"
    h, frac = divmod(abs(offset), 1)
    return f"UTC{sign}{int(h)}" + (f":{round(frac * 60):02d}" if frac else "")


def _span(lo: float, hi: float) -> str:
    return _utc(lo) if lo == hi else f"{_utc(lo)}..{_utc(hi).removeprefix('UTC')}"


def _in_range(offset: int, lo: float, hi: float) -> bool:
    return any(lo - _TOLERANCE_H <= offset + w <= hi + _TOLERANCE_H for w in (-24, 0, 24))


def _noisy_or(weights: list[float]) -> float:
    return round(1 - math.prod(1 - w for w in weights), 4)


_POP = "actor_id IN (SELECT actor_id FROM _attr_pop)"


@dataclass
class _Baseline:
    """Random sets of store accounts that have one kind of data (actions, sessions...)."""

    name: str
    who: str  # "active store accounts", in the sentences
    table: str
    size: dict[int, int] = field(default_factory=dict)  # cluster -> members with the data
    n_sets: dict[int, int] = field(default_factory=dict)  # size -> number of sets


@dataclass
class _Categories:
    """A categorical figure (session country, language) for the store, members and sets."""

    b: _Baseline
    names: list[str] = field(default_factory=list)
    store: dict[str, float] = field(default_factory=dict)
    main: dict[str, str] = field(default_factory=dict)
    members: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    null: dict[int, np.ndarray] = field(default_factory=dict)


def _lit(value: str) -> str:
    """A SQL string literal (data values such as country codes inlined into set sums)."""
    return "'" + str(value).replace("'", "''") + "'"


class _Run:
    """One assessment: temp tables in the store, member figures, random-set baselines."""

    def __init__(self, store: Store, members: pa.Table, listed: pa.Table, seed: int) -> None:
        self.e = store.engine
        self.seed = int(seed)
        self.listed = listed
        self.temp: list[str] = []
        self.e.register("_attr_members_in", members)
        try:
            self._table(
                "_attr_m",
                "SELECT DISTINCT cluster_id, actor_id FROM _attr_members_in",
            )
        finally:
            self.e.unregister("_attr_members_in")
        rows = self.e.rows("SELECT cluster_id, actor_id FROM _attr_m ORDER BY cluster_id, actor_id")
        self.cluster_of = {a: c for c, a in rows}
        self.actor_ids = [a for _, a in rows]
        self.index = {a: i for i, a in enumerate(self.actor_ids)}
        by_cluster: dict[int, list[int]] = defaultdict(list)
        for i, (c, _) in enumerate(rows):
            by_cluster[c].append(i)
        self.clusters = {c: np.array(ix) for c, ix in sorted(by_cluster.items())}
        self.c: dict[int, dict[str, Any]] = {c: {"cluster_id": c} for c in self.clusters}
        self.a: list[dict[str, Any]] = [
            {"actor_id": a, "cluster_id": self.cluster_of[a]} for a in self.actor_ids
        ]
        self.c_reasons: dict[int, list[str]] = {c: [] for c in self.clusters}
        self.c_hints: dict[int, list[tuple[str, float]]] = {c: [] for c in self.clusters}
        self.a_reasons: list[list[str]] = [[] for _ in self.actor_ids]
        self.a_hints: list[list[tuple[str, float]]] = [[] for _ in self.actor_ids]

    # -- SQL plumbing ----------------------------------------------------------------------
    def _table(self, name: str, sql: str, params: Sequence[Any] | None = None) -> None:
        self.e.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", params)
        if name not in self.temp:
            self.temp.append(name)

    def cleanup(self) -> None:
        for name in self.temp:
            self.e.execute(f"DROP TABLE IF EXISTS {name}")

    def _baseline(self, name: str, who: str, data_sql: str) -> _Baseline:
        """Random sets for one kind of data: for each cluster, as many store accounts with
        that data (``data_sql`` lists the account ids that have it) as the cluster has
        members with it. Sets are consecutive runs of a hash-ordered permutation of the
        baseline accounts (more permutations when there are few), so each is a uniform
        random draw; ``_attr_sets_<name>(m, s, actor_id)`` holds them."""
        b = _Baseline(name, who, f"_attr_sets_{name}")
        for c, n in self.e.rows(
            f"SELECT cluster_id, count(*) FROM _attr_m WHERE actor_id IN ({data_sql}) GROUP BY 1"
        ):
            b.size[c] = int(n)
        self._table(f"_attr_pool_{name}", f"SELECT actor_id FROM ({data_sql}) WHERE {_POP}")
        n_pool = int(self.e.scalar(f"SELECT count(*) FROM _attr_pool_{name}"))
        sizes = []
        for m in sorted(set(b.size.values())):
            if 0 < m <= n_pool:
                g = n_pool // m
                r = min(N_RANDOM_SETS, max(_MIN_RANDOM_SETS, _MAX_MEMBERSHIPS // m))
                sizes.append((m, g, r, -(-r // g)))
                b.n_sets[m] = r
        values = ", ".join(f"({m}, {g}, {r}, {p})" for m, g, r, p in sizes) or "(0, 0, 0, 0)"
        self._table(f"_attr_sizes_{name}", f"SELECT * FROM (VALUES {values}) t(m, g, r, p)")
        self._table(
            f"_attr_perm_{name}",
            "SELECT t.p, a.actor_id, row_number() OVER (PARTITION BY t.p ORDER BY "
            f"hash(a.actor_id, t.p, ?), a.actor_id) - 1 AS rn FROM _attr_pool_{name} a, "
            "range(?) t(p)",
            [self.seed, max((p for *_, p in sizes), default=0)],
        )
        self._table(
            b.table,
            f"SELECT z.m, q.p * z.g + q.rn // z.m AS s, q.actor_id FROM _attr_perm_{name} q "
            f"JOIN _attr_sizes_{name} z ON q.p < z.p AND q.rn < z.g * z.m "
            "WHERE q.p * z.g + q.rn // z.m < z.r",
        )
        return b

    def _set_sums(self, b: _Baseline, sql: str, n_cols: int) -> dict[int, np.ndarray]:
        """Run ``sql`` (``{sets}`` names the sets table) returning (m, s, value columns...)
        and arrange per size m as an (n_sets x n_cols) array; NULL sums are 0, sets without
        rows are all NaN."""
        out = {m: np.full((r, n_cols), np.nan) for m, r in b.n_sets.items()}
        for row in self.e.rows(sql.format(sets=b.table)):
            out[int(row[0])][int(row[1])] = [0.0 if v is None else float(v) for v in row[2:]]
        return out

    def _set_long(
        self, b: _Baseline, sql: str, n_cols: int, position: Mapping[Any, int] | None = None
    ) -> dict[int, np.ndarray]:
        """Like :meth:`_set_sums` for ``sql`` returning (m, s, column, value) rows; ``column``
        is an index, or a key of ``position``."""
        out = {m: np.full((r, n_cols), np.nan) for m, r in b.n_sets.items()}
        t = self.e.arrow(sql.format(sets=b.table))
        if t.num_rows == 0:
            return out
        sizes, sets = t.column(0).to_numpy(), t.column(1).to_numpy()
        cols = t.column(2).to_pylist() if position else t.column(2).to_numpy()
        cols = np.array([position[k] for k in cols]) if position else cols
        values = t.column(3).fill_null(0).to_numpy().astype(float)
        for m in np.unique(sizes):
            sel = sizes == m
            out[int(m)][np.unique(sets[sel])] = 0.0
            out[int(m)][sets[sel], cols[sel]] = values[sel]
        return out

    def _null(self, b: _Baseline, rand: dict[int, np.ndarray], c: int, n_cols: int) -> np.ndarray:
        """The random-set values for cluster ``c`` (empty when there is no baseline)."""
        return rand.get(b.size.get(c, 0), np.empty((0, n_cols)))

    def _compare(
        self,
        value: float,
        null: np.ndarray,
        b: _Baseline,
        c: int,
        *,
        lower: bool = False,
        fmt: Any = None,
    ) -> str:
        """'more than in 199 of 200 random sets of 30 active store accounts (median 12 %)'."""
        null = null[np.isfinite(null)]
        m = b.size.get(c, 0)
        sets = f"random sets of {m} {b.who}"
        if len(null) < _MIN_VALID_SETS:
            return f"no baseline: {len(null)} {sets} ({_MIN_VALID_SETS} needed)"
        beaten = int(np.sum(null > value)) if lower else int(np.sum(null < value))
        word = "less" if lower else "more"
        median = (fmt or _pct)(float(np.median(null)))
        return f"{word} than in {beaten} of {len(null)} {sets} (median {median})"

    # -- the whole run ---------------------------------------------------------------------
    def assess(self) -> Attribution:
        # the baseline: the store's accounts outside the clusters under assessment
        self._table(
            "_attr_pop",
            "SELECT actor_id FROM actions UNION SELECT actor_id FROM actors "
            "UNION SELECT actor_id FROM sessions EXCEPT SELECT actor_id FROM _attr_m",
        )
        self._hours()
        self._sessions()
        self._languages()
        self._places()
        self._domains()
        return self._tables()

    # -- hours -----------------------------------------------------------------------------
    def _hours(self) -> None:
        self._table(
            "_attr_how",
            "SELECT actor_id, ((isodow(slot) - 1) * 24 + hour(slot))::INTEGER AS how, "
            "count(*)::BIGINT AS n_active, sum(n)::BIGINT AS n_actions FROM ("
            "SELECT actor_id, date_trunc('hour', time) AS slot, count(*) AS n FROM actions "
            "GROUP BY ALL) GROUP BY ALL",
        )
        # members x hour of week (UTC, Monday 00 first); float32 halves the memory
        self.active = np.zeros((len(self.actor_ids), 168), dtype=np.float32)
        actions = np.zeros((len(self.actor_ids), 168), dtype=np.float32)
        t = self.e.arrow(
            "SELECT h.actor_id, h.how, h.n_active, h.n_actions FROM _attr_m m "
            "JOIN _attr_how h USING (actor_id)"
        )
        rows = np.array([self.index[a] for a in t.column(0).to_pylist()], dtype=np.int64)
        how = t.column(1).to_numpy().astype(np.int64)
        self.active[rows, how] = t.column(2).to_numpy()
        actions[rows, how] = t.column(3).to_numpy()
        pop = np.zeros(168)
        for how, n in self.e.rows(
            f"SELECT how, sum(n_active) FROM _attr_how WHERE {_POP} GROUP BY 1"
        ):
            pop[int(how)] = float(n)
        pop24 = pop.reshape(7, 24).sum(axis=0)
        spans = {
            c: (first, last)
            for c, first, last in self.e.rows(
                "SELECT m.cluster_id, min(a.time), max(a.time) FROM _attr_m m "
                "JOIN actions a USING (actor_id) GROUP BY 1"
            )
        }
        self.b_hours = self._baseline(
            "hours", "active store accounts", "SELECT DISTINCT actor_id FROM _attr_how"
        )
        rand = self._set_long(
            self.b_hours,
            "SELECT z.m, z.s, h.how, sum(h.n_active) FROM {sets} z "
            "JOIN _attr_how h USING (actor_id) GROUP BY ALL",
            168,
        )
        self._actor_hours(actions)
        for c, ix in self.clusters.items():
            hist = self.active[ix].sum(axis=0)
            row = self.c[c]
            row["n_actions"] = int(actions[ix].sum())
            row["n_active_hours"] = int(hist.sum())
            if hist.sum() == 0:
                self.c_reasons[c].append(
                    "time zone: not available: the members have no actions in the store"
                )
                continue
            self._cluster_zone(c, ix, hist, pop24, rand, spans.get(c))

    def _cluster_zone(
        self,
        c: int,
        ix: np.ndarray,
        hist: np.ndarray,
        pop24: np.ndarray,
        rand: dict[int, np.ndarray],
        span: tuple[datetime, datetime] | None,
    ) -> None:
        row, reasons = self.c[c], self.c_reasons[c]
        per_member = self.active[ix].reshape(len(ix), 7, 24).sum(axis=1)
        fit = infer_utc_offset(per_member[per_member.sum(axis=1) > 0], seed=self.seed)
        n_active = int(hist.sum())
        hist24 = hist.reshape(7, 24).sum(axis=0)
        null = self._null(self.b_hours, rand, c, 168)
        with np.errstate(invalid="ignore", divide="ignore"):
            # an empty store baseline gives NaN: no comparison, no hint
            pop = pop24 / pop24.sum()
            distance = 0.5 * float(np.abs(hist24 / hist24.sum() - pop).sum())
            r24 = null.reshape(len(null), 7, 24).sum(axis=1)
            rtot = r24.sum(axis=1, keepdims=True)
            null_dist = 0.5 * np.abs(r24 / rtot - pop).sum(axis=1)
        null_dist[~np.isfinite(rtot[:, 0]) | (rtot[:, 0] == 0)] = np.nan
        p_dist = _p_upper(distance, null_dist) if np.isfinite(distance) else None
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
            f"{n_active} active hours of {len(ix)} members fit {shape}, r = "
            f"{fit.correlation:.2f})"
        )
        reasons.append(
            f"hours of day: {_pct(distance)} of the activity would have to move to other hours "
            f"to match the store's, {self._compare(distance, null_dist, self.b_hours, c)}"
            if np.isfinite(distance)
            else "hours of day: no baseline: no other account in the store has actions"
        )
        usable = fit.confidence >= MIN_TZ_CONFIDENCE and fit.offset is not None
        if usable and _unusual(p_dist, null_dist):
            self.c_hints[c].append(("time_zone", WEIGHTS["time_zone"] * fit.confidence))
        if not usable or fit.offset is None:
            return
        self._office(c, hist, fit.offset, null, span)

    def _office(
        self,
        c: int,
        hist: np.ndarray,
        offset: int,
        null: np.ndarray,
        span: tuple[datetime, datetime] | None,
    ) -> None:
        row, reasons = self.c[c], self.c_reasons[c]
        share = _local_share(hist, offset, _OFFICE, 5)
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
                _, k, _, _ = _fit(hist_ok.reshape(len(hist_ok), 7, 24).sum(axis=1))
                null_share[ok] = [
                    _local_share(h, OFFSETS[int(j)], _OFFICE, 5)
                    for h, j in zip(hist_ok, k, strict=True)
                ]
        p = _p_upper(share, null_share)
        row.update(
            office_hours_share=round(share, 4),
            office_hours_expected=round(expected, 4),
            office_hours_p=p,
        )
        reasons.append(
            f"office hours: {_pct(share)} of active hours fall Mon-Fri 09-18 local "
            f"({_utc(offset)}); a human day over the same dates gives {_pct(expected)}; "
            + self._compare(share, null_share, self.b_hours, c)
        )
        if _unusual(p, null_share) and share >= expected + _MIN_GAIN["office"]:
            self.c_hints[c].append(("office_hours", WEIGHTS["office_hours"]))
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

    def _actor_hours(self, actions: np.ndarray) -> None:
        """Each member's own offset (>= MIN_ACTOR_ACTIONS actions), against the offsets of a
        sample of the store's active accounts."""
        n_actions = actions.sum(axis=1)
        n_active = self.active.sum(axis=1)
        for i, row in enumerate(self.a):
            row["n_actions"] = int(n_actions[i])
            row["n_active_hours"] = int(n_active[i])
        sample: defaultdict[str, np.ndarray] = defaultdict(lambda: np.zeros(24))
        for actor, hour, n in self.e.rows(
            f"WITH heavy AS (SELECT actor_id FROM _attr_how WHERE {_POP} GROUP BY 1 "
            "HAVING sum(n_actions) >= ? ORDER BY hash(actor_id, ?), actor_id LIMIT ?) "
            "SELECT h.actor_id, h.how % 24, sum(h.n_active) FROM _attr_how h "
            "JOIN heavy USING (actor_id) GROUP BY ALL",
            [MIN_ACTOR_ACTIONS, self.seed, _ACTOR_SAMPLE],
        ):
            sample[actor][int(hour)] = float(n)
        self.store_offsets = np.zeros(24)
        self.store_fits: dict[str, int] = {}
        if sample:
            ids = list(sample)
            _, k, post, r = _fit(np.stack([sample[a] for a in ids]))
            ok = (_near(post, k) >= MIN_TZ_CONFIDENCE) & (r >= MIN_FIT)
            for a, kk, good in zip(ids, k, ok, strict=True):
                if good:
                    self.store_offsets[int(kk)] += 1
                    self.store_fits[a] = OFFSETS[int(kk)]
        n_sampled = float(self.store_offsets.sum())
        heavy = np.flatnonzero(n_actions >= MIN_ACTOR_ACTIONS)
        fits: dict[int, tuple[int, float]] = {}
        if len(heavy):
            hist = self.active[heavy].reshape(len(heavy), 7, 24).sum(axis=1)
            _, best, post, r = _fit(hist)
            stable = np.where(r >= MIN_FIT, _near(post, best), 0.0)
            fits = {
                int(i): (OFFSETS[int(kk)], float(cf))
                for i, kk, cf in zip(heavy, best, stable, strict=True)
            }
        for i, row in enumerate(self.a):
            if i not in fits:
                self.a_reasons[i].append(
                    f"time zone: not available: {int(n_actions[i])} actions, "
                    f"{MIN_ACTOR_ACTIONS} needed"
                )
                continue
            offset, conf = fits[i]
            row["utc_offset"], row["utc_offset_confidence"] = offset, round(conf, 4)
            j = OFFSETS.index(offset)
            near = float(sum(self.store_offsets[(j + d) % 24] for d in (-1, 0, 1)))
            share = near / n_sampled if n_sampled >= _MIN_STORE_SAMPLE else None
            self.a_reasons[i].append(
                f"time zone: active as if in {_utc(offset)} (confidence {conf:.2f}, "
                f"{int(n_actions[i])} actions)"
                + ("" if share is None else
                   f"; {_pct(share)} of sampled store accounts with >= {MIN_ACTOR_ACTIONS} "
                   "actions are within ±1 h")
            )  # fmt: skip
            if conf >= MIN_TZ_CONFIDENCE and share is not None and share < _RARE:
                self.a_hints[i].append(("time_zone", ACTOR_WEIGHTS["time_zone"] * conf))

    # -- categories (session countries, languages) -----------------------------------------
    def _categories(self, table: str, b: _Baseline) -> _Categories:
        """Main category per account (the most frequent in ``table(actor_id, cat, n)``): the
        store's shares, the members' and the random sets' counts."""
        cats = _Categories(b)
        self._table(
            f"{table}_main",
            f"SELECT actor_id, first(cat ORDER BY n DESC, cat) AS cat FROM {table} GROUP BY 1",
        )
        rows = self.e.rows(
            f"SELECT cat, count(*) FROM {table}_main WHERE {_POP} GROUP BY 1 ORDER BY 1"
        )
        total = sum(n for _, n in rows)
        cats.names = [k for k, _ in rows]
        cats.store = {k: n / total for k, n in rows}
        for a, k, n in self.e.rows(
            f"SELECT t.actor_id, t.cat, t.n FROM _attr_m m JOIN {table} t USING (actor_id)"
        ):
            cats.members[a][k] = n
        cats.main = dict(
            self.e.rows(
                f"SELECT t.actor_id, t.cat FROM _attr_m m JOIN {table}_main t USING (actor_id)"
            )
        )
        cats.null = self._set_long(
            b,
            f"SELECT z.m, z.s, t.cat, count(*) FROM {{sets}} z JOIN {table}_main t "
            "USING (actor_id) GROUP BY ALL",
            len(cats.names),
            {k: j for j, k in enumerate(cats.names)},
        )
        return cats

    def _excess(
        self, c: int, cats: _Categories, what: str
    ) -> tuple[str, float, float, float | None, str] | None:
        """The main category most over-represented among the members against the store: the
        category, its share of members, its share of store accounts, the p-value (the largest
        excess of any category in each random set) and a sentence; None without data."""
        main = Counter(cats.main[a] for a in self._members(c) if a in cats.main)
        if not main:
            return None
        n = sum(main.values())
        best = max(sorted(main), key=lambda k: main[k] / n - cats.store.get(k, 0.0))
        share, store = main[best] / n, cats.store.get(best, 0.0)
        null = self._null(cats.b, cats.null, c, len(cats.names))
        store_vec = np.array([cats.store[k] for k in cats.names])
        with np.errstate(invalid="ignore", divide="ignore"):
            excess = (null / null.sum(axis=1, keepdims=True) - store_vec).max(axis=1, initial=0)
        excess[~np.isfinite(null).all(axis=1) | (np.nan_to_num(null).sum(axis=1) == 0)] = np.nan
        p = _p_upper(share - store, excess)
        text = (
            f"{best} is the main {what} of {main[best]} of {n} members against {_pct(store)} of "
            f"the store's accounts; this excess is "
            + self._compare(share - store, excess, cats.b, c).replace(
                "(median", "(median largest excess"
            )
        )
        if store >= _MINORITY:
            text += f"; {best} is so common in the store that it places no one"
        elif _unusual(p, excess) and share >= store + _MIN_GAIN[what]:
            self.c_hints[c].append((_HINT[what], WEIGHTS[_HINT[what]]))
        return best, share, store, p, text

    def _members(self, c: int) -> list[str]:
        return [self.actor_ids[i] for i in self.clusters[c]]

    # -- sessions --------------------------------------------------------------------------
    def _sessions(self) -> None:
        if not self.e.scalar("SELECT count(*) FROM sessions"):
            for reasons in [*self.c_reasons.values(), *self.a_reasons]:
                reasons.append("sessions: not available: the store has no session data")
            return
        self._table(
            "_attr_country",
            "SELECT actor_id, country AS cat, count(*) AS n FROM sessions "
            "WHERE country IS NOT NULL GROUP BY ALL",
        )
        self.b_sess = self._baseline(
            "sessions", "store accounts with sessions", "SELECT DISTINCT actor_id FROM sessions"
        )
        cats = self._categories("_attr_country", self.b_sess)
        vpn = self.e.rows(
            "SELECT count(*) FILTER (WHERE is_vpn), count(is_vpn), count(DISTINCT actor_id) "
            f"FILTER (WHERE is_vpn), count(DISTINCT actor_id) FROM sessions WHERE {_POP}"
        )[0]
        store_vpn = vpn[0] / vpn[1] if vpn[1] else None
        vpn_actors = vpn[2] / vpn[3] if vpn[3] else None
        sql = (
            "SELECT {key}, count(DISTINCT {who}.actor_id), count(*), count(DISTINCT s.ip), "
            "count(DISTINCT s.device_id), count(*) FILTER (WHERE s.is_vpn), count(s.is_vpn) "
            "FROM {src} JOIN sessions s USING (actor_id) GROUP BY ALL"
        )
        for a, _, n, ips, devices, n_vpn, known in self.e.rows(
            sql.format(key="m.actor_id", who="m", src="_attr_m m")
        ):
            i = self.index[a]
            row, reasons = self.a[i], self.a_reasons[i]
            row.update(n_sessions=n, n_ips=ips, n_devices=devices)
            row["vpn_share"] = round(n_vpn / known, 4) if known else None
            text = f"sessions: {n} from {ips} IP address(es), {devices} device(s)"
            if a in cats.main:
                top = cats.main[a]
                k = cats.members[a][top]
                rate = cats.store.get(top, 0.0)
                row.update(top_session_country=top, top_session_country_share=round(k / n, 4))
                text += f"; {top} {_pct(k / n)} (store: {_pct(rate)} of accounts mostly {top})"
                if rate < _RARE and k / n >= 0.5 and n >= _MIN_ITEMS:
                    self.a_hints[i].append(("session_country", ACTOR_WEIGHTS["session_country"]))
            reasons.append(text)
            # VPN users are commoner than rare countries: "rare" here is under 20 %
            rare_vpn = vpn_actors is not None and vpn_actors < 2 * _RARE
            if known >= _MIN_ITEMS and n_vpn / known >= 0.5 and rare_vpn:
                reasons.append(
                    f"VPN: {_pct(n_vpn / known)} of its sessions (store: {_pct(vpn_actors)} of "
                    "accounts with sessions ever use one)"
                )
                self.a_hints[i].append(("vpn", ACTOR_WEIGHTS["vpn"]))
        for i, row in enumerate(self.a):
            if "n_sessions" not in row:
                row["n_sessions"] = 0
                self.a_reasons[i].append("sessions: not available: none for this account")
        totals = {
            c: rest
            for c, *rest in self.e.rows(sql.format(key="m.cluster_id", who="m", src="_attr_m m"))
        }
        rand = self._set_sums(self.b_sess, sql.format(key="z.m, z.s", who="z", src="{sets} z"), 6)
        asns: dict[int, Counter[str]] = defaultdict(Counter)
        for c, asn, n in self.e.rows(
            "SELECT m.cluster_id, s.asn, count(*) FROM _attr_m m JOIN sessions s "
            "USING (actor_id) WHERE s.asn IS NOT NULL GROUP BY ALL"
        ):
            asns[c][asn] = n
        for c, ix in self.clusters.items():
            if c not in totals:
                self.c[c].update(n_members_with_sessions=0, n_sessions=0)
                self.c_reasons[c].append("sessions: not available: no member has sessions")
                continue
            counts = sum((cats.members[self.actor_ids[i]] for i in ix), Counter[str]())
            self._cluster_sessions(c, totals[c], counts, cats, rand, asns[c], store_vpn)

    def _cluster_sessions(
        self,
        c: int,
        totals: list[int],
        counts: Counter[str],
        cats: _Categories,
        rand: dict[int, np.ndarray],
        asns: Counter[str],
        store_vpn: float | None,
    ) -> None:
        row, reasons, hints = self.c[c], self.c_reasons[c], self.c_hints[c]
        n_with, n, ips, devices, n_vpn, known = totals
        b = self.b_sess
        null = self._null(b, rand, c, 6)
        row.update(
            n_members_with_sessions=n_with,
            n_sessions=n,
            ips_per_member=round(ips / n_with, 4),
            devices_per_member=round(devices / n_with, 4),
            top_asns=[f"{k} {_pct(v / n)}" for k, v in asns.most_common(3)],
        )
        found = self._excess(c, cats, "country")
        if found:
            top, share, store, p, text = found
            row.update(
                session_country=top,
                session_country_share=round(share, 4),
                store_session_country_share=round(store, 4),
                session_country_p=p,
            )
            total = sum(counts.values())
            listing = ", ".join(f"{k} {_pct(v / total)}" for k, v in counts.most_common(3))
            reasons.append(
                f"sessions: {n} from {n_with} members ({listing} of the sessions); {text}"
            )
        if row["top_asns"]:
            reasons.append(f"ASNs: {', '.join(row['top_asns'])}")
        with np.errstate(invalid="ignore", divide="ignore"):
            null_ipm, null_dpm = null[:, 2] / null[:, 0], null[:, 3] / null[:, 0]
            null_vpn = null[:, 4] / null[:, 5]
        p_ip, p_dev = _p_lower(ips / n_with, null_ipm), _p_lower(devices / n_with, null_dpm)
        row["shared_infrastructure_p"] = min(
            (x for x in (p_ip, p_dev) if x is not None), default=None
        )
        two = "{:.2f}".format
        reasons.append(
            f"infrastructure: {ips} IP addresses and {devices} devices for {n_with} members; "
            f"IPs per member {ips / n_with:.2f}, "
            f"{self._compare(ips / n_with, null_ipm, b, c, lower=True, fmt=two)}; devices per "
            f"member {devices / n_with:.2f}, "
            f"{self._compare(devices / n_with, null_dpm, b, c, lower=True, fmt=two)}"
        )
        for p, value, base in ((p_ip, ips / n_with, null_ipm), (p_dev, devices / n_with, null_dpm)):
            fine = np.isfinite(base)
            if _unusual(p, base) and value <= _SHARED_RATIO * np.median(base[fine]):
                hints.append(("shared_infrastructure", WEIGHTS["shared_infrastructure"]))
                break
        if not known:
            reasons.append("VPN: not available: the sessions do not say")
            return
        share = n_vpn / known
        p = _p_upper(share, null_vpn)
        row.update(
            vpn_share=round(share, 4),
            vpn_p=p,
            store_vpn_share=None if store_vpn is None else round(store_vpn, 4),
        )
        reasons.append(
            f"VPN: {_pct(share)} of sessions (store: {_pct(store_vpn)}), "
            + self._compare(share, null_vpn, b, c)
        )
        if _unusual(p, null_vpn) and share >= (store_vpn or 0.0) + _MIN_GAIN["vpn"]:
            hints.append(("vpn", WEIGHTS["vpn"]))

    # -- languages -------------------------------------------------------------------------
    def _languages(self) -> None:
        not_lang = ", ".join(_lit(x) for x in _NOT_LANGUAGES)
        self._table(
            "_attr_lang",
            "SELECT actor_id, lower(lang) AS cat, count(*) AS n FROM actions "
            f"WHERE lang IS NOT NULL AND lower(lang) NOT IN ({not_lang}) GROUP BY ALL",
        )
        if not self.e.scalar("SELECT count(*) FROM _attr_lang"):
            for reasons in [*self.c_reasons.values(), *self.a_reasons]:
                reasons.append("languages: not available: no action has a language code")
            return
        b = self._baseline(
            "languages",
            "store accounts with coded actions",
            "SELECT DISTINCT actor_id FROM _attr_lang",
        )
        cats = self._categories("_attr_lang", b)
        for a, i in self.index.items():
            if not cats.members[a]:
                self.a_reasons[i].append("language: not available: no language codes")
                continue
            top = cats.main[a]
            share = cats.members[a][top] / sum(cats.members[a].values())
            self.a[i].update(top_language=top, top_language_share=round(share, 4))
            rate = cats.store.get(top, 0.0)
            self.a_reasons[i].append(
                f"language: {top} {_pct(share)} of its actions (store: {_pct(rate)} of accounts "
                f"write mostly {top})"
            )
            n_coded = sum(cats.members[a].values())
            if rate < _RARE and share >= 0.5 and n_coded >= _MIN_ITEMS:
                self.a_hints[i].append(("language", ACTOR_WEIGHTS["language"]))
        for c, ix in self.clusters.items():
            counts = sum((cats.members[self.actor_ids[i]] for i in ix), Counter[str]())
            found = self._excess(c, cats, "language")
            if not found:
                self.c_reasons[c].append("languages: not available: no codes on the actions")
                continue
            top, share, store, p, text = found
            self.c[c].update(
                language=top,
                language_share=round(share, 4),
                store_language_share=round(store, 4),
                language_p=p,
            )
            total = sum(counts.values())
            listing = ", ".join(f"{k} {_pct(v / total)}" for k, v in counts.most_common(3))
            self.c_reasons[c].append(f"languages: {listing} of the actions; {text}")

    # -- claimed places --------------------------------------------------------------------
    def _places(self) -> None:
        self.e.register("_attr_places_in", load_places())
        try:
            self._table(
                "_attr_places",
                "SELECT strip_accents(lower(trim(place))) AS key, kind = 'code' AS is_code, "
                "min(country) AS country, min(utc_offset_min) AS lo, max(utc_offset_max) AS hi "
                "FROM _attr_places_in GROUP BY 1, 2",
            )
        finally:
            self.e.unregister("_attr_places_in")
        norm = "strip_accents(lower(trim(location)))"
        self._table(
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
        self._table(
            "_attr_night",
            "SELECT h.actor_id, coalesce(sum(h.n_active) FILTER (WHERE floor(fmod(h.how % 24 "
            f"+ (l.lo + l.hi) / 2 + 48, 24)) < {_NIGHT[1]}), 0) AS n_night, "
            "sum(h.n_active) AS n_active FROM _attr_how h JOIN _attr_loc l USING (actor_id) "
            "WHERE l.country IS NOT NULL GROUP BY 1",
        )
        store_night = self.e.rows(
            f"SELECT sum(n_night), sum(n_active) FROM _attr_night WHERE {_POP}"
        )[0]
        store_share = store_night[0] / store_night[1] if store_night[1] else None
        located = {
            a: (loc, country, lo, hi)
            for a, loc, country, lo, hi in self.e.rows(
                "SELECT l.actor_id, l.location, l.country, l.lo, l.hi FROM _attr_m m "
                "JOIN _attr_loc l USING (actor_id)"
            )
        }
        night = {
            a: (n, t)
            for a, n, t in self.e.rows(
                "SELECT n.actor_id, n.n_night, n.n_active FROM _attr_m m "
                "JOIN _attr_night n USING (actor_id)"
            )
        }
        store_mismatch = self._store_mismatch()
        for a, i in self.index.items():
            row = self.a[i]
            if a not in located:
                self.a_reasons[i].append("claimed location: not available: the profile states none")
                continue
            loc, country, lo, hi = located[a]
            row["claimed_location"] = loc
            if country is None:
                self.a_reasons[i].append(f"claimed location: {loc!r} is not in the places table")
                continue
            row.update(
                claimed_country=country, claimed_utc_offset_min=lo, claimed_utc_offset_max=hi
            )
            offset, conf = row.get("utc_offset"), row.get("utc_offset_confidence") or 0.0
            if offset is None or conf < MIN_TZ_CONFIDENCE:
                self.a_reasons[i].append(f"claimed location: {loc} ({country}, {_span(lo, hi)})")
            elif _in_range(offset, lo, hi):
                self.a_reasons[i].append(
                    f"claimed location: {loc} ({country}, {_span(lo, hi)}) fits its active hours"
                )
            else:
                self.a_reasons[i].append(
                    f"claimed location: {loc} ({country}, {_span(lo, hi)}) but it is active as if "
                    f"in {_utc(offset)}"
                    + ("" if store_mismatch is None else
                       f" (store: {_pct(store_mismatch)} of sampled accounts mismatch)")
                )  # fmt: skip
                # only where the store's own accounts mostly fit their claims: otherwise its
                # times or the places table do not suit this data
                if store_mismatch is not None and store_mismatch < 2 * _RARE:
                    self.a_hints[i].append(
                        ("location_mismatch", ACTOR_WEIGHTS["location_mismatch"])
                    )
        self.b_places = self._baseline(
            "places", "store accounts with a placed location", "SELECT actor_id FROM _attr_night"
        )
        rand = self._set_sums(
            self.b_places,
            "SELECT z.m, z.s, sum(n.n_night), sum(n.n_active) FROM {sets} z "
            "JOIN _attr_night n USING (actor_id) GROUP BY ALL",
            2,
        )
        for c, ix in self.clusters.items():
            self._cluster_places(c, ix, located, night, rand, store_share)

    def _store_mismatch(self) -> float | None:
        """Share of the sampled store accounts with a confident own offset and a placed
        location whose claim disagrees with their hours (the base rate of a mismatch)."""
        if not self.store_fits:
            return None
        self.e.register(
            "_attr_fits_in",
            pa.table({"actor_id": list(self.store_fits), "offset": list(self.store_fits.values())}),
        )
        try:
            rows = self.e.rows(
                "SELECT f.offset, l.lo, l.hi FROM _attr_fits_in f JOIN _attr_loc l "
                "USING (actor_id) WHERE l.country IS NOT NULL"
            )
        finally:
            self.e.unregister("_attr_fits_in")
        if len(rows) < _MIN_STORE_SAMPLE:  # too few to know the base rate: no hint either way
            return None
        return sum(not _in_range(o, lo, hi) for o, lo, hi in rows) / len(rows)

    def _cluster_places(
        self,
        c: int,
        ix: np.ndarray,
        located: dict[str, tuple[str, str | None, float | None, float | None]],
        night: dict[str, tuple[int, int]],
        rand: dict[int, np.ndarray],
        store_share: float | None,
    ) -> None:
        row, reasons = self.c[c], self.c_reasons[c]
        members = [self.actor_ids[i] for i in ix]
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
                f"; the accounts are active as if in {_utc(offset)}: {bad} of {len(placed)} "
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
        null = self._null(self.b_places, rand, c, 2)
        null_share = null[:, 0] / null[:, 1]
        p = _p_upper(share, null_share)
        row.update(
            night_share_claimed=round(share, 4),
            store_night_share_claimed=None if store_share is None else round(store_share, 4),
            night_share_p=p,
        )
        reasons.append(
            f"claimed places against hours: {_pct(share)} of the placed members' active hours "
            f"fall at 00-06 local time in the places they claim (store accounts with a placed "
            f"location: {_pct(store_share)}), {self._compare(share, null_share, self.b_places, c)}"
        )
        gain = share - (store_share or 0.0)
        if _unusual(p, null_share) and gain >= _MIN_GAIN["night"]:
            self.c_hints[c].append(("location_mismatch", WEIGHTS["location_mismatch"]))

    # -- listed domains --------------------------------------------------------------------
    def _domains(self) -> None:
        self.e.register("_attr_listed_in", self.listed)
        try:
            self._table("_attr_listed", "SELECT * FROM _attr_listed_in")
        finally:
            self.e.unregister("_attr_listed_in")
        suffix = [f"regexp_extract(domain, '([^.]+[.]){{{n - 1}}}[^.]+$')" for n in (2, 3, 4)]
        self._table(
            "_attr_links",
            "WITH d AS (SELECT actor_id, lower(unnest(domains)) AS domain FROM actions "
            "WHERE len(domains) > 0), "
            f"s AS (SELECT actor_id, domain, {suffix[0]} AS s2, {suffix[1]} AS s3, "
            f"{suffix[2]} AS s4 FROM d) "
            "SELECT s.actor_id, coalesce(l1.domain, l4.domain, l3.domain, l2.domain) AS listed, "
            "coalesce(l1.label, l4.label, l3.label, l2.label) AS label FROM s "
            "LEFT JOIN _attr_listed l1 ON l1.domain = s.domain "
            "LEFT JOIN _attr_listed l2 ON l2.domain = s.s2 "
            "LEFT JOIN _attr_listed l3 ON l3.domain = s.s3 "
            "LEFT JOIN _attr_listed l4 ON l4.domain = s.s4",
        )
        self._table(
            "_attr_dom",
            "SELECT actor_id, count(*) AS n_links, count(listed) AS n_listed FROM _attr_links "
            "GROUP BY 1",
        )
        if not self.e.scalar("SELECT count(*) FROM _attr_dom"):
            for c in self.clusters:
                self.c_reasons[c].append("listed domains: not available: the store has no links")
            return
        n_links, n_listed = self.e.rows(
            f"SELECT sum(n_links), sum(n_listed) FROM _attr_dom WHERE {_POP}"
        )[0]
        store_share = (n_listed or 0) / n_links if n_links else None
        for a, n, k in self.e.rows(
            "SELECT d.actor_id, d.n_links, d.n_listed FROM _attr_m m JOIN _attr_dom d "
            "USING (actor_id)"
        ):
            i = self.index[a]
            self.a[i].update(n_links=n, n_listed_links=k)
            if k:
                self.a_reasons[i].append(f"links: {k} of {n} to listed domains")
                # a fifth of its links, where the store's accounts give a twentieth
                if k / n >= 0.2 and store_share is not None and store_share < 0.05:
                    self.a_hints[i].append(("listed_domains", ACTOR_WEIGHTS["listed_domains"]))
        per_cluster = {
            c: (n, k)
            for c, n, k in self.e.rows(
                "SELECT m.cluster_id, sum(d.n_links), sum(d.n_listed) FROM _attr_m m "
                "JOIN _attr_dom d USING (actor_id) GROUP BY 1"
            )
        }
        named: dict[int, list[str]] = defaultdict(list)
        for c, domain, label, n, n_members in self.e.rows(
            "SELECT m.cluster_id, l.listed, l.label, count(*), count(DISTINCT l.actor_id) "
            "FROM _attr_m m JOIN _attr_links l USING (actor_id) WHERE l.listed IS NOT NULL "
            "GROUP BY ALL ORDER BY 1, 4 DESC, 2"
        ):
            named[c].append(f"{domain} ({label}): {n} links by {n_members} members")
        b = self._baseline("links", "store accounts with links", "SELECT actor_id FROM _attr_dom")
        rand = self._set_sums(
            b,
            "SELECT z.m, z.s, sum(d.n_listed), sum(d.n_links) FROM {sets} z "
            "JOIN _attr_dom d USING (actor_id) GROUP BY ALL",
            2,
        )
        for c in self.clusters:
            row, reasons = self.c[c], self.c_reasons[c]
            if c not in per_cluster:
                row["n_links"] = 0
                reasons.append("listed domains: not available: the members shared no links")
                continue
            n, k = per_cluster[c]
            share = k / n
            null = self._null(b, rand, c, 2)
            null_share = null[:, 0] / null[:, 1]
            p = _p_upper(share, null_share)
            row.update(
                n_links=int(n),
                listed_share=round(share, 4),
                store_listed_share=None if store_share is None else round(store_share, 4),
                listed_p=p,
                listed_domains=named[c][:5],
            )
            if not k:
                reasons.append(
                    f"listed domains: none of the members' {n} links (store: {_pct(store_share)})"
                )
                continue
            reasons.append(
                f"listed domains: {_pct(share)} of the members' links ({k} of {n}) "
                f"(store: {_pct(store_share)}), {self._compare(share, null_share, b, c)}: "
                + "; ".join(named[c][:3])
            )
            if _unusual(p, null_share) and share >= (store_share or 0.0) + _MIN_GAIN["domains"]:
                self.c_hints[c].append(("listed_domains", WEIGHTS["listed_domains"]))

    # -- output ----------------------------------------------------------------------------
    def _tables(self) -> Attribution:
        actors = []
        for i, row in enumerate(self.a):
            hints = self.a_hints[i]
            row.update(
                attribution_confidence=_noisy_or([w for _, w in hints]),
                reasons=self.a_reasons[i],
                hints=[k for k, _ in hints],
            )
            actors.append(row)
        clusters = []
        for c, row in self.c.items():
            hints = self.c_hints[c]
            row.update(
                n_members=len(self.clusters[c]),
                attribution_confidence=_noisy_or([w for _, w in hints]),
                reasons=self.c_reasons[c],
                hints=[k for k, _ in hints],
            )
            clusters.append(row)
        return Attribution(
            actors=pa.Table.from_pylist(actors, schema=ACTOR_SCHEMA),
            clusters=pa.Table.from_pylist(clusters, schema=CLUSTER_SCHEMA),
        )
