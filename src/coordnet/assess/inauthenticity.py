"""Inauthenticity indicators: how fake the accounts of a cluster look, next to the population.

Coordination says that accounts act together; it does not say that they are fake. A takedown
report also needs the traces of *inauthentic* accounts, stated so that an investigator can
paste them: "27 of 30 accounts were created within 48 hours, 2019-07-27 06:00 to 2019-07-28
18:00 UTC; 1 % of all accounts were". :func:`inauthenticity` measures five families of such
traces for every member and every cluster, always against the store's own population (every
actor in the store), so that a trait common on the platform is never called unusual:

- **creation**: the share of the cluster created in its densest 48 hours, and the share of
  accounts under 30 days old at their first action in the data. Bulk registration shortly
  before use is the most cited trace of bought or scripted accounts (Thomas et al. 2013,
  "Trafficking fraudulent accounts: the role of the underground market in Twitter spam and
  abuse", USENIX Security; the platforms' information-operations disclosures).
- **handles**: a name followed by a long number (``anna48213957``, the handle Twitter
  suggests at sign-up), random-looking strings (letters and digits interleaved, or almost no
  vowels), and a shared prefix with a running counter (``news_0001``, ``news_0002``...).
  Generated names are a classic bot feature (Beskow & Carley 2019, "Its all in a name:
  detecting and labeling bots by their name", Computational and Mathematical Organization
  Theory 25; Yang et al. 2020, "Scalable and generalizable social bot detection through data
  selection", AAAI).
- **profile**: no description, no profile image, no location; the same description or the
  same profile image (``profile_image_hash``) used by several members.
- **followers**: very few followers or following far more accounts than follow back, and
  near-identical follower counts across members. Cresci et al. 2015 ("Fame for sale:
  efficient detection of fake Twitter followers", Decision Support Systems 80) evaluate the
  rules of thumb of fake-follower checkers; "at least 30 followers" and a balanced
  following/followers ratio are among the human traits they list.
- **client**: the share of members posting mainly from the cluster's top client (an
  automation tool, or one app for everyone) against the share of all accounts that do.

**Per account**, four yes/no indicators apply: new account, patterned handle, default
profile (no description and no profile image, as far as the data has them) and follower
shape. The account's ``inauthenticity`` is the mean over the four of ``indicator x (1 -
population rate)``: a trait half the store shows adds little, a rare one almost its quarter.

**Per cluster**, every indicator is a test of the members against random sets of the same
size drawn from the population, and gives a tail probability (``*_p_value``):

- a *share* (new accounts, patterned handles, blank fields, follower shape) against the
  population rate: binomial upper tail;
- a *largest group sharing one value* (accounts created in one 48-hour window, follower
  counts within a factor of 1.5, one description, one image hash, one handle prefix with a
  running counter, one main client): the chance that *any* value reaches that count in a
  random set, bounded by the sum of the binomial tails over every value of the population
  (Bonferroni; for overlapping windows this is the classic bound on the scan statistic,
  Glaz, Naus & Wallenstein 2001, "Scan Statistics", Springer). The bound is conservative,
  never lenient, and needs no assumption on the shape of the distribution. Follower bands
  count only at or below the population's median: large accounts alike (newsrooms) are no
  sign of a batch.

An indicator counts when its tail probability is below :data:`ALPHA`. Its *strength* is the
excess over the baseline as a share of the possible excess, ``(observed - expected) / (1 -
expected)``, in [0, 1]; ``expected`` is the population rate (at least ``1 / n`` for a
largest group), or for the densest 48 hours the mean densest share of 200 random sets of the
same size (``burst_expected_share``). A family's score is its strongest counting indicator;
the cluster's ``inauthenticity`` is the mean of the five family scores, so 0.6 reads "three
families fully present, or more in part". The score is relative to the store: where the
whole population is inauthentic (one troll archive alone) little stands out.

**Missing data is never evidence.** A field is available for an account when it has a value
or when the file it came from filled that field for other accounts: a blank description in a
file with descriptions counts as blank, a file without the column as "not available".
Indicators without data are skipped with a reason naming the field the data lacked; cluster
indicators need :data:`MIN_MEMBERS` members with the field.

Cost: one pass over ``actions`` (first action and main client per actor: a group-by on
``actor_id, client``) and one over ``actors`` (regular expressions on handles), kept as a
temporary table of one row per actor; the rest runs on the members. The expected densest
share draws at most :data:`MAX_DRAWN` creation hours per distinct cluster size in numpy.
Memory grows with the number of actors, not of actions.

False positives: genuine communities of new users (a platform migration, a sign-up drive),
fans who kept the suggested handle, organisations that post through one scheduling tool
(newsrooms on ``SocialFlow``), automated news feeds sharing one description. Misses: aged or
bought-and-repurposed accounts with full profiles, handles renamed after registration,
archives that hash small accounts' handles, stores that lack the fields.

Example::

    >>> import pyarrow as pa, coordnet
    >>> with coordnet.open_store() as store:
    ...     members = pa.table({"cluster_id": pa.array([], pa.int64()),
    ...                         "actor_id": pa.array([], pa.string())})
    ...     inauthenticity(store, members).clusters.num_rows
    0
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from scipy import special

from coordnet.errors import InputError
from coordnet.store import Store

__all__ = ["Inauthenticity", "inauthenticity"]

#: Width of the creation-burst window. Scripted or hired sign-up runs take hours to a day or
#: two; archives give creation *dates*, and 48 hours then spans two calendar days.
WINDOW_HOURS = 48
#: An account younger than this at its first action in the data is "new": room for a sign-up
#: run and a short warm-up before use, while few genuine accounts are first seen so young
#: (the population rate says how few in each store).
NEW_ACCOUNT_DAYS = 30
#: Digits a handle must end in to be "a name and a long number": longer than a birth year
#: (4) or a two-digit number; Twitter's suggested handles carry 8, fewer when a long name is
#: cut to the 15-character limit.
LONG_DIGITS = 6
#: "Very few followers": below the 30 that Cresci et al. 2015 list as a human trait.
FEW_FOLLOWERS = 30
#: "Following far more than followers": this many times more, and at least
#: :data:`MIN_FOLLOWING` accounts followed (a new genuine user following 20 says nothing).
FOLLOW_RATIO = 10
MIN_FOLLOWING = 100
#: A shared handle prefix is a *counter* when at least :data:`MIN_COUNTER_GROUP` members
#: carry it with numbers of one width spread over fewer than ``COUNTER_SPREAD`` per member
#: (nine in ten numbers may be unused); random suffixes essentially never are this close.
MIN_COUNTER_GROUP = 3
COUNTER_SPREAD = 10
#: "Near-identical follower counts": within this factor of each other, counting ``1 +
#: followers`` (100 to 150, 10 to 15, 0 with 0): the spread of a batch of accounts made or
#: bought together, far narrower than any platform's follower distribution.
SIMILAR_FOLLOWERS = 1.5
#: Tail probability below which a cluster indicator counts: 0.1 % over the twelve tests of a
#: cluster (Bonferroni), so a random set of accounts trips any of them about once in 1,000.
ALPHA = 1e-4
#: Clusters with fewer members with a field are not tested on it: a share of one or two
#: accounts says nothing about a group.
MIN_MEMBERS = 3
#: Random sets drawn per cluster size for the expected densest-window share, and the cap on
#: creation hours drawn per size (large clusters need fewer sets: their maximum varies little).
N_DRAWS = 200
MAX_DRAWN = 2_000_000
#: The indicator families; a cluster's score is the mean of their scores.
FAMILIES = ("creation", "handles", "profile", "followers", "client")

_HASHED_HANDLE = "[0-9a-f]{32,64}"
_NAME_DIGITS = f"[A-Za-z][A-Za-z_]+[0-9]{{{LONG_DIGITS},}}"


@dataclass(frozen=True)
class Inauthenticity:
    """The inauthenticity indicators of every member (``actors``) and cluster (``clusters``).

    Both tables carry the score ``inauthenticity`` (0-1) and ``reasons`` (sentences to quote).
    ``actors`` has one row per member with the account's indicators; ``clusters`` one row
    per cluster with a score per family (``creation_score``...), the observed shares, the
    population's figures and the tail probabilities behind them (see the module docstring).
    """

    actors: pa.Table
    clusters: pa.Table


def inauthenticity(store: Store, members: pa.Table, *, seed: int = 0) -> Inauthenticity:
    """Measure how inauthentic each cluster's accounts look, against the store's population.

    Parameters
    ----------
    store:
        The canonical store; all of its actors are the baseline.
    members:
        One row per cluster member: ``cluster_id`` (integers) and ``actor_id`` (strings). An
        actor may be in one cluster only. Actors absent from the store are kept, with every
        indicator "not available".
    seed:
        Seed of the random sets behind ``burst_expected_share`` (only that figure, and the
        creation score through it, depends on it).

    Returns an :class:`Inauthenticity`; its tables are sorted by ``cluster_id`` (and
    ``actor_id``). Raises :class:`~coordnet.errors.InputError` when ``members`` lacks a
    column, holds nulls or puts an actor in two clusters.

    Cost: one pass over ``actions`` and one over ``actors`` (see the module docstring).
    """
    table = _validated(members)
    with _Session(store) as session:
        session.load_members(table)
        pop = session.population()
        member_rows = session.member_rows()
        cluster_rows = session.cluster_rows(seed)
    return Inauthenticity(
        actors=_actor_table(member_rows, pop), clusters=_cluster_table(cluster_rows, pop)
    )


def _validated(members: pa.Table) -> pa.Table:
    """``members`` as (cluster_id int64, actor_id string), or an InputError naming the fix."""
    if not isinstance(members, pa.Table):
        raise InputError(
            "members must be a pyarrow.Table with columns cluster_id and actor_id, "
            f"not {type(members).__name__}"
        )
    missing = [c for c in ("cluster_id", "actor_id") if c not in members.column_names]
    if missing:
        raise InputError(
            f"members lacks column(s) {', '.join(missing)}; it has "
            f"{', '.join(members.column_names) or 'no columns'}"
        )
    try:
        cluster_id = members.column("cluster_id").cast(pa.int64())
        actor_id = members.column("actor_id").cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(f"members: cluster_id must be integers, actor_id strings: {exc}") from exc
    for name, col in (("cluster_id", cluster_id), ("actor_id", actor_id)):
        if col.null_count:
            raise InputError(f"members: {col.null_count} row(s) have no {name}; drop them first")
    return pa.table({"cluster_id": cluster_id, "actor_id": actor_id})


# -- SQL ----------------------------------------------------------------------------------------
# One row per actor of the store (actors, plus actors seen only in actions) with every
# indicator; NULL where the data lacks the field.
_POPULATION_SQL = """
CREATE TEMP TABLE {pop} AS
WITH src AS (
    SELECT source_file,
           bool_or(nullif(trim(description), '') IS NOT NULL) AS src_description,
           bool_or(nullif(trim(location), '') IS NOT NULL) AS src_location,
           bool_or(nullif(trim(profile_image_hash), '') IS NOT NULL) AS src_image
    FROM actors GROUP BY source_file),
act AS (
    SELECT a.actor_id, a.created_at, a.followers, a.following,
           nullif(ltrim(trim(a.handle), '@'), '') AS handle,
           nullif(trim(a.description), '') AS description,
           nullif(trim(a.location), '') AS location,
           nullif(trim(a.profile_image_hash), '') AS image,
           src.src_description, src.src_location, src.src_image
    FROM actors a LEFT JOIN src ON a.source_file IS NOT DISTINCT FROM src.source_file
    QUALIFY row_number() OVER (PARTITION BY a.actor_id ORDER BY a.platform, a.source_file) = 1),
first_action AS (SELECT actor_id, min(time) AS first_action_at FROM actions GROUP BY actor_id),
client_counts AS (
    SELECT actor_id, client, count(*) AS n FROM actions
    WHERE nullif(trim(client), '') IS NOT NULL GROUP BY actor_id, client),
main_client AS (
    SELECT actor_id, client AS top_client FROM client_counts
    QUALIFY row_number() OVER (PARTITION BY actor_id ORDER BY n DESC, client) = 1),
base AS (
    SELECT coalesce(act.actor_id, f.actor_id) AS actor_id, act.created_at, f.first_action_at,
           CASE WHEN NOT regexp_full_match(act.handle, '{hashed}') THEN act.handle END AS handle,
           act.description, act.location, act.image, act.followers, act.following,
           act.description IS NOT NULL OR coalesce(act.src_description, false) AS has_d,
           act.location IS NOT NULL OR coalesce(act.src_location, false) AS has_l,
           act.image IS NOT NULL OR coalesce(act.src_image, false) AS has_i,
           mc.top_client
    FROM act FULL JOIN first_action f ON act.actor_id = f.actor_id
    LEFT JOIN main_client mc ON mc.actor_id = coalesce(act.actor_id, f.actor_id)),
shaped AS (
    SELECT *,
           (epoch(first_action_at) - epoch(created_at)) / 86400.0 AS age_days,
           CAST(floor(epoch(created_at) / 3600) AS BIGINT) AS created_hour,
           -- runs of letters and of digits: 'k3j9x2mq' has 7, 'anna4821' 2
           length(regexp_replace(regexp_replace(regexp_replace(handle, '[^A-Za-z0-9]', '', 'g'),
                  '[A-Za-z]+', 'a', 'g'), '[0-9]+', '9', 'g')) AS n_runs,
           length(regexp_replace(handle, '[^A-Za-z]', '', 'g')) AS n_letters,
           length(regexp_replace(lower(handle), '[^aeiouy]', '', 'g')) AS n_vowels,
           regexp_extract(handle, '^(.*[^0-9])[0-9]{{2,18}}$', 1) AS prefix,
           regexp_extract(handle, '[0-9]{{2,18}}$') AS suffix
    FROM base)
SELECT actor_id, created_at, first_action_at, age_days, created_hour,
       CASE WHEN age_days IS NOT NULL THEN age_days < {new_days} END AS is_new_account,
       handle,
       CASE WHEN handle IS NULL THEN NULL
            WHEN regexp_full_match(handle, '{name_digits}') THEN 'name_digits'
            WHEN length(handle) >= 8 AND (n_runs >= 5
                 OR (n_letters >= 6 AND n_vowels < 0.15 * n_letters)) THEN 'random'
            ELSE 'none' END AS handle_pattern,
       CASE WHEN prefix <> '' THEN lower(prefix) || '#' || length(suffix) END AS counter_key,
       CASE WHEN prefix <> '' THEN CAST(suffix AS BIGINT) END AS counter_number,
       CASE WHEN has_d THEN description IS NOT NULL END AS has_description,
       CASE WHEN has_l THEN location IS NOT NULL END AS has_location,
       CASE WHEN has_i THEN image IS NOT NULL END AS has_profile_image,
       CASE WHEN has_d OR has_i THEN description IS NULL AND image IS NULL END
           AS is_default_profile,
       lower(regexp_replace(description, '\\s+', ' ', 'g')) AS description_key,
       image AS image_key,
       followers, following,
       CASE WHEN followers IS NOT NULL THEN followers < {few}
            OR coalesce(following >= {min_following} AND following >= {ratio} * followers, false)
            END AS is_follower_shape,
       top_client
FROM shaped
"""

_CLUSTER_SQL = """
SELECT cluster_id, count(*) AS n_members,
       count(created_hour) AS n_created,
       count(is_new_account) AS n_age, count(*) FILTER (WHERE is_new_account) AS n_new,
       median(age_days) AS median_age_days,
       count(handle_pattern) AS n_handles,
       count(*) FILTER (WHERE handle_pattern <> 'none') AS n_patterned,
       list(handle ORDER BY handle) FILTER (WHERE handle_pattern <> 'none') AS patterned,
       count(counter_key) AS n_counter_keys,
       count(has_description) AS n_description,
       count(*) FILTER (WHERE NOT has_description) AS n_no_description,
       count(description_key) AS n_with_description,
       count(has_profile_image) AS n_profile_image,
       count(*) FILTER (WHERE NOT has_profile_image) AS n_no_profile_image,
       count(image_key) AS n_with_profile_image,
       count(has_location) AS n_location,
       count(*) FILTER (WHERE NOT has_location) AS n_no_location,
       count(is_follower_shape) AS n_followers,
       count(*) FILTER (WHERE is_follower_shape) AS n_follower_shape,
       median(followers) AS followers_median,
       list(followers ORDER BY followers) FILTER (WHERE followers IS NOT NULL) AS follower_counts,
       count(top_client) AS n_client
FROM {m} GROUP BY cluster_id ORDER BY cluster_id
"""

# The densest 48 hours of each cluster: the window starting at a member's creation hour that
# holds the most members (earliest on ties), with its first and last creation time.
_BURST_SQL = """
WITH w AS (
    SELECT cluster_id, created_hour AS h,
           count(*) OVER (PARTITION BY cluster_id ORDER BY created_hour
                          RANGE BETWEEN CURRENT ROW AND {last} FOLLOWING) AS k
    FROM {m} WHERE created_hour IS NOT NULL),
best AS (
    SELECT cluster_id, h, k FROM w
    QUALIFY row_number() OVER (PARTITION BY cluster_id ORDER BY k DESC, h) = 1)
SELECT b.cluster_id, b.h, b.k, min(m.created_at), max(m.created_at)
FROM best b JOIN {m} m ON m.cluster_id = b.cluster_id
     AND m.created_hour BETWEEN b.h AND b.h + {last}
GROUP BY b.cluster_id, b.h, b.k
"""

# The largest group of members sharing one value of ``key`` (for counters: only groups whose
# numbers run like a counter), an example span, and the store's count of that value.
_SAME_SQL = """
WITH g AS (
    SELECT cluster_id, {key} AS key, count(*) AS c,
           arg_min(handle, counter_number) AS first, arg_max(handle, counter_number) AS last
    FROM {m} WHERE {key} IS NOT NULL GROUP BY cluster_id, {key} {having}),
top AS (
    SELECT * FROM g
    QUALIFY row_number() OVER (PARTITION BY cluster_id ORDER BY c DESC, key) = 1),
pop AS (
    SELECT {key} AS key, count(*) AS pop_c FROM {pop}
    WHERE {key} IN (SELECT key FROM top) GROUP BY {key})
SELECT top.cluster_id, top.key, top.c, pop.pop_c, top.first, top.last
FROM top LEFT JOIN pop ON pop.key = top.key
"""
_COUNTER_HAVING = (
    f"HAVING count(*) >= {MIN_COUNTER_GROUP} "
    f"AND max(counter_number) - min(counter_number) < {COUNTER_SPREAD} * count(*)"
)

# How many values of ``key`` are held by c accounts of the store, for every c.
_KEY_SIZES_SQL = """
SELECT c, count(*) FROM (
    SELECT count(*) AS c FROM {pop} WHERE {key} IS NOT NULL GROUP BY {key})
GROUP BY c ORDER BY c
"""

# The share of the cluster's actions posted from its top client (by members' main client).
_CLIENT_ACTIONS_SQL = """
SELECT mm.cluster_id, count(*), count(*) FILTER (WHERE a.client = t.top_client)
FROM actions a JOIN {members} mm ON a.actor_id = mm.actor_id
JOIN (SELECT unnest(?::BIGINT[]) AS cluster_id, unnest(?::VARCHAR[]) AS top_client) t
     ON t.cluster_id = mm.cluster_id
WHERE nullif(trim(a.client), '') IS NOT NULL GROUP BY mm.cluster_id
"""

_MEMBER_COLUMNS = (
    "cluster_id", "actor_id", "created_at", "first_action_at", "age_days", "is_new_account",
    "handle", "handle_pattern", "has_description", "has_location", "has_profile_image",
    "is_default_profile", "followers", "following", "is_follower_shape", "top_client",
)  # fmt: skip

# Shared-value indicators: (name, key column, members-with-a-value column).
_SAME_KEYS = (
    ("description", "description_key", "n_with_description"),
    ("profile_image", "image_key", "n_with_profile_image"),
    ("counter", "counter_key", "n_counter_keys"),
    ("client", "top_client", "n_client"),
)


@dataclass
class _Sizes:
    """How many values of one key the population holds per group size: the null model of
    "the largest group sharing one value" (``sizes[i]`` accounts share each of ``mult[i]``
    values; ``total`` accounts have a value)."""

    sizes: np.ndarray
    mult: np.ndarray
    total: int


@dataclass
class _Population:
    """The baseline: rates and distributions over every actor in the store."""

    rates: dict[str, float | None]
    followers_median: float | None
    follower_values: np.ndarray
    follower_counts: np.ndarray
    keys: dict[str, _Sizes]
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
        self.keys["burst"] = _Sizes(windows, mult, int(self.hour_counts.sum()))
        # accounts whose follower count is in the band starting at each populated count
        cum = np.concatenate([[0], np.cumsum(self.follower_counts)])
        logs = np.log1p(np.maximum(self.follower_values, 0))
        self.band_counts = cum[_band_ends(logs)] - cum[:-1]
        bands, mult = np.unique(self.band_counts, return_counts=True)
        self.keys["followers"] = _Sizes(bands, mult, int(self.follower_counts.sum()))


class _Session:
    """The temporary tables of one :func:`inauthenticity` call, dropped on exit."""

    def __init__(self, store: Store) -> None:
        self.e = store.engine
        tag = uuid.uuid4().hex[:12]
        self.members = f"_inauth_members_{tag}"
        self.pop = f"_inauth_pop_{tag}"
        self.m = f"_inauth_m_{tag}"
        self._baseline: _Population | None = None

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        for name in (self.m, self.pop, self.members):
            self.e.execute(f"DROP TABLE IF EXISTS {name}")

    def load_members(self, table: pa.Table) -> None:
        """Copy ``members`` into a temp table; refuse actors in two clusters."""
        view = f"{self.members}_arrow"
        self.e.register(view, table)
        try:
            self.e.execute(
                f"CREATE TEMP TABLE {self.members} AS "
                f"SELECT DISTINCT cluster_id, actor_id FROM {view}"
            )
        finally:
            self.e.unregister(view)
        twice = self.e.rows(
            f"SELECT actor_id, list(cluster_id ORDER BY cluster_id) FROM {self.members} "
            "GROUP BY actor_id HAVING count(*) > 1 ORDER BY actor_id LIMIT 3"
        )
        if twice:
            shown = "; ".join(f"{a} in clusters {', '.join(map(str, c))}" for a, c in twice)
            raise InputError(f"members: an actor may be in one cluster only: {shown}")

    def population(self) -> _Population:
        """Build the per-actor table of the whole store and its baseline figures."""
        sql = _POPULATION_SQL.format(
            pop=self.pop, hashed=_HASHED_HANDLE, name_digits=_NAME_DIGITS,
            new_days=NEW_ACCOUNT_DAYS, few=FEW_FOLLOWERS, min_following=MIN_FOLLOWING,
            ratio=FOLLOW_RATIO,
        )  # fmt: skip
        self.e.execute(sql)
        # rate name -> (condition, column that is NULL where the data lacks the field)
        rates_sql = {
            "new": ("is_new_account", "is_new_account"),
            "patterned": ("handle_pattern <> 'none'", "handle_pattern"),
            "no_description": ("NOT has_description", "has_description"),
            "no_profile_image": ("NOT has_profile_image", "has_profile_image"),
            "no_location": ("NOT has_location", "has_location"),
            "default_profile": ("is_default_profile", "is_default_profile"),
            "follower_shape": ("is_follower_shape", "is_follower_shape"),
        }
        cols = [f"count(*) FILTER (WHERE {c}), count({a})" for c, a in rates_sql.values()]
        row = self.e.rows(f"SELECT {', '.join(cols)}, median(followers) FROM {self.pop}")[0]
        rates = {
            name: (row[2 * i] / row[2 * i + 1] if row[2 * i + 1] else None)
            for i, name in enumerate(rates_sql)
        }
        keys = {}
        for name, key, _ in _SAME_KEYS:
            found = self.e.rows(_KEY_SIZES_SQL.format(pop=self.pop, key=key))
            sizes = np.array([c for c, _ in found], dtype=np.int64)
            mult = np.array([k for _, k in found], dtype=np.int64)
            keys[name] = _Sizes(sizes, mult, int((sizes * mult).sum()))
        hist = self.e.rows(
            f"SELECT created_hour, count(*) FROM {self.pop} WHERE created_hour IS NOT NULL "
            "GROUP BY created_hour ORDER BY created_hour"
        )
        followers = self.e.rows(
            f"SELECT followers, count(*) FROM {self.pop} WHERE followers IS NOT NULL "
            "GROUP BY followers ORDER BY followers"
        )
        median = row[-1]
        self._baseline = _Population(
            rates=rates,
            followers_median=None if median is None else float(median),
            follower_values=np.array([f for f, _ in followers], dtype=np.int64),
            follower_counts=np.array([c for _, c in followers], dtype=np.int64),
            keys=keys,
            hours=np.array([h for h, _ in hist], dtype=np.int64),
            hour_counts=np.array([c for _, c in hist], dtype=np.int64),
        )
        self.e.execute(
            f"CREATE TEMP TABLE {self.m} AS SELECT mm.cluster_id, p.* REPLACE "
            f"(mm.actor_id AS actor_id) FROM {self.members} mm "
            f"LEFT JOIN {self.pop} p ON p.actor_id = mm.actor_id"
        )
        return self._baseline

    def member_rows(self) -> list[dict[str, Any]]:
        """One dict per member with its indicators, sorted by cluster and actor."""
        sql = f"SELECT {', '.join(_MEMBER_COLUMNS)} FROM {self.m} ORDER BY cluster_id, actor_id"
        return self.e.arrow(sql).to_pylist()

    def cluster_rows(self, seed: int) -> list[dict[str, Any]]:
        """One dict per cluster: member counts, densest window, largest shared groups."""
        assert self._baseline is not None
        rows = self.e.arrow(_CLUSTER_SQL.format(m=self.m)).to_pylist()
        by_id = {r["cluster_id"]: r for r in rows}
        burst = _BURST_SQL.format(m=self.m, last=WINDOW_HOURS - 1)
        for cid, hour, k, first, last in self.e.rows(burst):
            by_id[cid].update(burst_hour=hour, n_burst=k, burst_start_at=first, burst_end_at=last)
        for name, key, _ in _SAME_KEYS:
            having = _COUNTER_HAVING if name == "counter" else ""
            sql = _SAME_SQL.format(m=self.m, pop=self.pop, key=key, having=having)
            for cid, value, c, pop_c, first, last in self.e.rows(sql):
                by_id[cid][f"same_{name}"] = (value, c, pop_c, first, last)
        tops = [(r["cluster_id"], r["same_client"][0]) for r in rows if "same_client" in r]
        if tops:
            sql = _CLIENT_ACTIONS_SQL.format(members=self.members)
            for cid, n, n_top in self.e.rows(sql, [[c for c, _ in tops], [t for _, t in tops]]):
                by_id[cid].update(n_client_actions=n, n_top_client_actions=n_top)
        expected: dict[int, float] = {}
        for r in rows:
            n = r["n_created"]
            if n >= MIN_MEMBERS and n not in expected and len(self._baseline.hours):
                rng = np.random.default_rng([seed, n])
                expected[n] = _expected_densest_share(self._baseline, n, rng)
            r["burst_expected_share"] = expected.get(n)
        return rows


# -- statistics ---------------------------------------------------------------------------------
def _expected_densest_share(pop: _Population, n: int, rng: np.random.Generator) -> float:
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


def _band_ends(logs: np.ndarray) -> np.ndarray:
    """For sorted ``ln(1 + followers)`` values, where the band starting at each one ends."""
    # the epsilon keeps the band's upper edge in despite rounding: 1 -> 2 at a factor 1.5
    return np.searchsorted(logs, logs + np.log(SIMILAR_FOLLOWERS) + 1e-9, side="right")


def _group_p_value(g: int, n: int, null: _Sizes) -> float:
    """Bound on the chance that some value is shared by ``g`` of ``n`` random accounts."""
    if g < 2 or null.total == 0:
        return 1.0
    tails = special.bdtrc(g - 1, n, null.sizes / null.total)
    return float(min(1.0, (null.mult * tails).sum()))


def _share_p_value(k: int, n: int, rate: float) -> float:
    """Chance that ``k`` or more of ``n`` random accounts show a trait of rate ``rate``."""
    return float(special.bdtrc(k - 1, n, rate)) if k > 0 else 1.0


def _strength(observed: float, expected: float, p_value: float) -> float:
    """Excess over the baseline as a share of the possible excess; 0 unless significant."""
    if p_value >= ALPHA or expected >= 1:
        return 0.0
    return float(min(1.0, max(0.0, (observed - expected) / (1 - expected))))


# -- account table ------------------------------------------------------------------------------
_ACTOR_SCHEMA = pa.schema([
    ("actor_id", pa.string()), ("cluster_id", pa.int64()), ("inauthenticity", pa.float64()),
    ("reasons", pa.list_(pa.string())), ("created_at", pa.timestamp("us")),
    ("first_action_at", pa.timestamp("us")), ("age_at_first_action_days", pa.float64()),
    ("is_new_account", pa.bool_()), ("handle", pa.string()), ("handle_pattern", pa.string()),
    ("is_patterned_handle", pa.bool_()), ("has_description", pa.bool_()),
    ("has_location", pa.bool_()), ("has_profile_image", pa.bool_()),
    ("is_default_profile", pa.bool_()), ("followers", pa.int64()), ("following", pa.int64()),
    ("is_follower_shape", pa.bool_()), ("top_client", pa.string()),
])  # fmt: skip


def _actor_table(rows: list[dict[str, Any]], pop: _Population) -> pa.Table:
    """Score and explain every member (the score: see the module docstring)."""
    for r in rows:
        reasons: list[str] = []
        score = 0.0
        for flag, weight, text in _actor_indicators(r, pop):
            if flag is None or flag:
                reasons.append(text)
            if flag:
                score += weight / 4
        pattern = r["handle_pattern"]
        r.update(
            inauthenticity=round(score, 4), reasons=reasons,
            age_at_first_action_days=r.pop("age_days"),
            is_patterned_handle=None if pattern is None else pattern != "none",
        )  # fmt: skip
    return pa.Table.from_pylist(rows, schema=_ACTOR_SCHEMA)


def _actor_indicators(
    r: dict[str, Any], pop: _Population
) -> Iterator[tuple[bool | None, float, str]]:
    """(indicator, weight = 1 - population rate, reason) for the four account indicators.

    The reason states the finding when the indicator is true and the missing field when it
    is None; it is not used when the indicator is false.
    """
    rates = pop.rates
    if r["is_new_account"] is None:
        lacks = "creation date (created_at)" if r["created_at"] is None else "action"
        yield None, 0.0, f"account age not available: the data has no {lacks} for it"
    else:
        rate = rates["new"] or 0.0
        yield (
            r["is_new_account"],
            1 - rate,
            f"created {_days(r['age_days'])} before its first action in the data "
            f"({r['created_at']:%Y-%m-%d}); {_pct(rate)} of all accounts were under "
            f"{NEW_ACCOUNT_DAYS} days old when first seen",
        )
    pattern = r["handle_pattern"]
    if pattern is None:
        yield None, 0.0, "handle not available: the data has none for it, or a hashed one"
    else:
        rate = rates["patterned"] or 0.0
        shape = (
            "a name and a long number, the shape of handles suggested at sign-up"
            if pattern == "name_digits"
            else "a random-looking string"
        )
        yield (
            pattern != "none",
            1 - rate,
            f"handle {r['handle']} is {shape}; {_pct(rate)} of all handles are patterned",
        )
    if r["is_default_profile"] is None:
        yield None, 0.0, "profile not available: the data lacks description and profile image"
    else:
        rate = rates["default_profile"] or 0.0
        fields = (("description", "has_description"), ("profile image", "has_profile_image"))
        blank = " and no ".join(name for name, key in fields if r[key] is False)
        yield (
            r["is_default_profile"],
            1 - rate,
            f"no {blank}; {_pct(rate)} of all profiles are this bare",
        )
    if r["is_follower_shape"] is None:
        yield None, 0.0, "follower counts not available: the data lacks followers for it"
    else:
        rate = rates["follower_shape"] or 0.0
        following = "" if r["following"] is None else f", following {r['following']:,}"
        yield (
            r["is_follower_shape"],
            1 - rate,
            f"{r['followers']:,} followers{following}; {_pct(rate)} of all accounts have "
            f"under {FEW_FOLLOWERS} followers or follow {FOLLOW_RATIO} times more accounts "
            "than follow them",
        )


# -- cluster table ------------------------------------------------------------------------------
_F = pa.float64()
_I = pa.int64()
_S = pa.string()
_CLUSTER_SCHEMA = pa.schema([
    ("cluster_id", _I), ("n_members", _I), ("inauthenticity", _F),
    ("reasons", pa.list_(_S)), *[(f"{f}_score", _F) for f in FAMILIES],
    # creation
    ("n_created", _I), ("burst_share", _F), ("burst_expected_share", _F),
    ("burst_population_share", _F), ("burst_start_at", pa.timestamp("us")),
    ("burst_end_at", pa.timestamp("us")), ("burst_p_value", _F),
    ("n_age", _I), ("new_share", _F), ("new_population_share", _F), ("median_age_days", _F),
    ("new_p_value", _F),
    # handles
    ("n_handles", _I), ("patterned_share", _F), ("patterned_population_share", _F),
    ("patterned_p_value", _F), ("counter_share", _F), ("counter_population_share", _F),
    ("counter_first_handle", _S), ("counter_last_handle", _S), ("counter_p_value", _F),
    # profile
    ("n_description", _I), ("no_description_share", _F),
    ("no_description_population_share", _F), ("no_description_p_value", _F),
    ("same_description", _S), ("same_description_share", _F),
    ("same_description_population_share", _F), ("same_description_p_value", _F),
    ("n_profile_image", _I), ("no_profile_image_share", _F),
    ("no_profile_image_population_share", _F), ("no_profile_image_p_value", _F),
    ("same_profile_image", _S), ("same_profile_image_share", _F),
    ("same_profile_image_population_share", _F), ("same_profile_image_p_value", _F),
    ("n_location", _I), ("no_location_share", _F), ("no_location_population_share", _F),
    ("no_location_p_value", _F),
    # followers
    ("n_followers", _I), ("follower_shape_share", _F), ("follower_shape_population_share", _F),
    ("follower_shape_p_value", _F), ("followers_median", _F), ("similar_followers_share", _F),
    ("similar_followers_low", _I), ("similar_followers_high", _I),
    ("similar_followers_population_share", _F), ("similar_followers_p_value", _F),
    # client
    ("n_client", _I), ("top_client", _S), ("top_client_share", _F),
    ("top_client_action_share", _F), ("top_client_population_share", _F),
    ("top_client_p_value", _F),
])  # fmt: skip


@dataclass
class _Verdict:
    """What one cluster's tests found: figures, family scores and reasons."""

    n_members: int
    row: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FAMILIES, 0.0))
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def found(self, family: str, strength: float, reason: str) -> None:
        """Record a significant indicator (strength > 0) with its reason."""
        if strength > 0:
            self.scores[family] = max(self.scores[family], strength)
            self.reasons.append(reason)

    def lacking(self, what: str, field_name: str, n: int) -> bool:
        """True, with a reason, when fewer than MIN_MEMBERS members have the field."""
        if n >= MIN_MEMBERS:
            return False
        if n == 0:
            self.missing.append(
                f"{what} not available: the data lacks {field_name} for these accounts"
            )
        else:
            self.missing.append(
                f"{what} not assessed: only {n} of {self.n_members} accounts have {field_name} "
                f"(at least {MIN_MEMBERS} needed)"
            )
        return True


def _cluster_table(rows: list[dict[str, Any]], pop: _Population) -> pa.Table:
    """Test, score and explain every cluster (see the module docstring)."""
    out = []
    for r in rows:
        v = _Verdict(n_members=r["n_members"])
        if r["n_members"] < MIN_MEMBERS:
            v.missing.append(
                f"{r['n_members']} account(s): too few to compare with the population "
                f"(at least {MIN_MEMBERS} needed); see the accounts' own indicators"
            )
        else:
            for family in (_creation, _handles, _profile, _followers, _client):
                family(r, pop, v)
            if not any(v.scores.values()):
                v.reasons.append("no indicator differs from the store's population")
        out.append({
            **v.row, "cluster_id": r["cluster_id"], "n_members": r["n_members"],
            "inauthenticity": round(sum(v.scores.values()) / len(FAMILIES), 4),
            "reasons": v.reasons + v.missing,
            **{f"{f}_score": round(s, 4) for f, s in v.scores.items()},
        })  # fmt: skip
    return pa.Table.from_pylist(out, schema=_CLUSTER_SCHEMA)


def _creation(r: dict[str, Any], pop: _Population, v: _Verdict) -> None:
    n = v.row["n_created"] = r["n_created"]
    if not v.lacking("creation burst", "creation dates (created_at)", n):
        k, expected = r["n_burst"], r["burst_expected_share"]
        i = int(np.searchsorted(pop.hours, r["burst_hour"]))
        pop_share = float(pop.window_counts[i] / pop.hour_counts.sum())
        p_value = _group_p_value(k, n, pop.keys["burst"])
        v.row.update(
            burst_share=k / n, burst_expected_share=expected, burst_population_share=pop_share,
            burst_start_at=r["burst_start_at"], burst_end_at=r["burst_end_at"],
            burst_p_value=p_value,
        )  # fmt: skip
        v.found(
            "creation",
            _strength(k / n, expected, p_value),
            f"{k} of {n} accounts were created within {WINDOW_HOURS} hours, "
            f"{r['burst_start_at']:%Y-%m-%d %H:%M} to {r['burst_end_at']:%Y-%m-%d %H:%M} UTC; "
            f"{_pct(pop_share)} of all accounts were (a random set of {n} has "
            f"{expected * n:.1f} in its densest {WINDOW_HOURS} hours)",
        )
    n = v.row["n_age"] = r["n_age"]
    if not v.lacking("account age", "creation dates with actions", n):
        k, rate = r["n_new"], pop.rates["new"] or 0.0
        p_value = _share_p_value(k, n, rate)
        v.row.update(
            new_share=k / n, new_population_share=rate, median_age_days=r["median_age_days"],
            new_p_value=p_value,
        )  # fmt: skip
        v.found(
            "creation",
            _strength(k / n, rate, p_value),
            f"{k} of {n} accounts were under {NEW_ACCOUNT_DAYS} days old at their first action "
            f"in the data (median {_days(r['median_age_days'])}); {_pct(rate)} of all "
            "accounts were",
        )


def _handles(r: dict[str, Any], pop: _Population, v: _Verdict) -> None:
    n = v.row["n_handles"] = r["n_handles"]
    if v.lacking("handle patterns", "readable handles", n):
        return
    k, rate = r["n_patterned"], pop.rates["patterned"] or 0.0
    p_value = _share_p_value(k, n, rate)
    v.row.update(patterned_share=k / n, patterned_population_share=rate, patterned_p_value=p_value)
    v.found(
        "handles",
        _strength(k / n, rate, p_value),
        f"{k} of {n} handles are a name with a long number or random-looking (e.g. "
        f"{', '.join((r['patterned'] or [])[:3])}); {_pct(rate)} of all handles are",
    )
    n = r["n_counter_keys"]
    if n < MIN_MEMBERS:
        return
    _key, k, pop_k, first, last = r.get("same_counter") or (None, 0, 0, None, None)
    null = pop.keys["counter"]
    rate = (pop_k or 0) / null.total if null.total else 0.0
    p_value = _group_p_value(k, n, null)
    v.row.update(
        counter_share=k / n, counter_population_share=rate, counter_first_handle=first,
        counter_last_handle=last, counter_p_value=p_value,
    )  # fmt: skip
    v.found(
        "handles",
        _strength(k / n, max(rate, 1 / n), p_value),
        f"{k} of {n} handles share a prefix with a running number, {first} to {last}; "
        f"{_pct(rate)} of all handles have that prefix",
    )


def _profile(r: dict[str, Any], pop: _Population, v: _Verdict) -> None:
    for name, words, field_name in (
        ("description", "description", "description"),
        ("profile_image", "profile image", "profile_image_hash"),
        ("location", "location", "location"),
    ):
        n = v.row[f"n_{name}"] = r[f"n_{name}"]
        if v.lacking(words, field_name, n):
            continue
        k, rate = r[f"n_no_{name}"], pop.rates[f"no_{name}"] or 0.0
        p_value = _share_p_value(k, n, rate)
        v.row.update({
            f"no_{name}_share": k / n, f"no_{name}_population_share": rate,
            f"no_{name}_p_value": p_value,
        })  # fmt: skip
        v.found(
            "profile",
            _strength(k / n, rate, p_value),
            f"{k} of {n} accounts have no {words}; {_pct(rate)} of all accounts have none",
        )
        n = r[f"n_with_{name}"] if name != "location" else 0
        if n < MIN_MEMBERS:
            continue
        value, k, pop_k, _, _ = r[f"same_{name}"]
        null = pop.keys[name]
        rate = (pop_k or 0) / null.total
        p_value = _group_p_value(k, n, null)
        v.row.update({
            f"same_{name}": value, f"same_{name}_share": k / n,
            f"same_{name}_population_share": rate, f"same_{name}_p_value": p_value,
        })  # fmt: skip
        v.found(
            "profile",
            _strength(k / n, max(rate, 1 / n), p_value),
            f"{k} of {n} accounts with a {words} have the same one ({_quote(value)}); "
            f"{_pct(rate)} of all accounts with a {words} have it",
        )


def _followers(r: dict[str, Any], pop: _Population, v: _Verdict) -> None:
    n = v.row["n_followers"] = r["n_followers"]
    if v.lacking("follower shape", "follower counts", n):
        return
    k, rate = r["n_follower_shape"], pop.rates["follower_shape"] or 0.0
    p_value = _share_p_value(k, n, rate)
    median = r["followers_median"]
    v.row.update(
        follower_shape_share=k / n, follower_shape_population_share=rate,
        follower_shape_p_value=p_value, followers_median=median,
    )  # fmt: skip
    v.found(
        "followers",
        _strength(k / n, rate, p_value),
        f"{k} of {n} accounts have under {FEW_FOLLOWERS} followers or follow {FOLLOW_RATIO} "
        f"times more accounts than follow them; {_pct(rate)} of all accounts do",
    )
    counts = np.array(r["follower_counts"], dtype=np.int64)
    logs = np.log1p(np.maximum(counts, 0))
    sizes = _band_ends(logs) - np.arange(len(logs))
    i = int(np.argmax(sizes))
    g, low, high = int(sizes[i]), int(counts[i]), int(counts[i + sizes[i] - 1])
    if pop.followers_median is None or low > pop.followers_median:
        return  # large accounts alike (newsrooms, celebrities) are no sign of a batch
    null = pop.keys["followers"]
    pop_share = float(pop.band_counts[np.searchsorted(pop.follower_values, low)] / null.total)
    p_value = _group_p_value(g, n, null)
    band_high = int((1 + low) * SIMILAR_FOLLOWERS - 1 + 1e-9)
    v.row.update(
        similar_followers_share=g / n, similar_followers_low=low, similar_followers_high=high,
        similar_followers_population_share=pop_share, similar_followers_p_value=p_value,
    )  # fmt: skip
    v.found(
        "followers",
        _strength(g / n, max(pop_share, 1 / n), p_value),
        f"{g} of {n} accounts have near-identical follower counts, {low:,} to {high:,}; "
        f"{_pct(pop_share)} of all accounts have {low:,} to {band_high:,}",
    )


def _client(r: dict[str, Any], pop: _Population, v: _Verdict) -> None:
    n = v.row["n_client"] = r["n_client"]
    if v.lacking("client homogeneity", "posting clients (actions.client)", n):
        return
    client, k, pop_k, _, _ = r["same_client"]
    null = pop.keys["client"]
    rate = pop_k / null.total
    p_value = _group_p_value(k, n, null)
    action_share = r["n_top_client_actions"] / r["n_client_actions"]
    v.row.update(
        top_client=client, top_client_share=k / n, top_client_action_share=action_share,
        top_client_population_share=rate, top_client_p_value=p_value,
    )  # fmt: skip
    v.found(
        "client",
        _strength(k / n, max(rate, 1 / n), p_value),
        f"{k} of {n} accounts post mainly from {client!r} ({_pct(action_share)} of their "
        f"actions); {_pct(rate)} of all accounts do",
    )


# -- wording ------------------------------------------------------------------------------------
def _pct(x: float) -> str:
    """A share in words: ``12 %``, ``<1 %``."""
    return "<1 %" if 0 < x < 0.005 else f"{100 * x:.0f} %"


def _days(x: float) -> str:
    return "less than a day" if x < 1 else f"{x:.0f} days"


def _quote(text: str, width: int = 40) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")
