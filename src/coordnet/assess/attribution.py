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
a hash-ordered permutation of the baseline accounts (ties by id), built in SQL, so the store
is never pulled into Python: only per-set sums (at most 200 x 168 rows per cluster size) come
back (:mod:`coordnet.assess.random_sets`).
Member-level figures are compared with population rates (a session country or a language
is "rare" when fewer than 10 % of the store's accounts have it as their most frequent one;
an offset is rare when fewer than 10 % of a sample of the store's active accounts are
within an hour of it).

Missing data (no sessions, no language codes, no locations, no links, no actions) gives
"not available" reasons and no score contribution, never an error or an alarm.

The result is a pure function of the store's contents, ``members`` and ``seed``: members are
handled in id order, every SQL result whose order reaches the output is totally ordered,
samples are hash-ordered with ties by id, and ties between counts (top ASNs, countries,
languages) are broken by name, so neither the order of ``members`` nor DuckDB's thread
scheduling can change a figure or a sentence. (The samples use DuckDB's ``hash()``: another
DuckDB version may draw other random sets, and so give slightly other p-values.)

Layout: :mod:`coordnet.assess.timezone` fits the offsets, :mod:`coordnet.assess.random_sets`
draws the baselines, :mod:`coordnet.assess.reference_data` reads the places and listed
domains; one private module per hint family (``_attribution_hours``, ``_sessions``,
``_languages``, ``_places``, ``_domains``) fills the rows of a shared run
(``_attribution_run``); this module validates, runs them in order and builds the tables.

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

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from coordnet.assess._attribution_domains import assess_domains, listed_domains_table
from coordnet.assess._attribution_hours import MIN_ACTOR_ACTIONS, assess_hours
from coordnet.assess._attribution_languages import assess_languages
from coordnet.assess._attribution_places import assess_places
from coordnet.assess._attribution_run import (
    ACTOR_WEIGHTS,
    MIN_TZ_CONFIDENCE,
    WEIGHTS,
    AttributionRun,
)
from coordnet.assess._attribution_sessions import assess_sessions
from coordnet.assess.members import validate_members
from coordnet.assess.random_sets import ALPHA, N_RANDOM_SETS
from coordnet.assess.reference_data import load_places, load_state_media_domains
from coordnet.assess.timezone import (
    HUMAN_DIURNAL,
    MIN_FIT,
    OFFICE_SHIFT,
    OFFSETS,
    UtcOffsetFit,
    infer_utc_offset,
)
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
    table = validate_members(members)
    listed = listed_domains_table(domain_list)
    if table.num_rows == 0:
        return Attribution(ACTOR_SCHEMA.empty_table(), CLUSTER_SCHEMA.empty_table())
    run = AttributionRun(store, table, listed, seed)
    try:
        # the baseline: the store's accounts outside the clusters under assessment
        run.table(
            "_attr_pop",
            "SELECT actor_id FROM actions UNION SELECT actor_id FROM actors "
            "UNION SELECT actor_id FROM sessions EXCEPT SELECT actor_id FROM _attr_m",
        )
        assess_hours(run)  # first: places reads its table and the members' own offsets
        assess_sessions(run)
        assess_languages(run)
        assess_places(run)
        assess_domains(run)
        return _tables(run)
    finally:
        run.cleanup()


def _noisy_or(weights: list[float]) -> float:
    return round(1 - math.prod(1 - w for w in weights), 4)


def _tables(run: AttributionRun) -> Attribution:
    """The actors and clusters tables, with each row's confidence, reasons and hints."""
    actors = []
    for i, row in enumerate(run.a):
        hints = run.a_hints[i]
        row.update(
            attribution_confidence=_noisy_or([w for _, w in hints]),
            reasons=run.a_reasons[i],
            hints=[k for k, _ in hints],
        )
        actors.append(row)
    clusters = []
    for c, row in run.c.items():
        hints = run.c_hints[c]
        row.update(
            n_members=len(run.clusters[c]),
            attribution_confidence=_noisy_or([w for _, w in hints]),
            reasons=run.c_reasons[c],
            hints=[k for k, _ in hints],
        )
        clusters.append(row)
    return Attribution(
        actors=pa.Table.from_pylist(actors, schema=ACTOR_SCHEMA),
        clusters=pa.Table.from_pylist(clusters, schema=CLUSTER_SCHEMA),
    )
