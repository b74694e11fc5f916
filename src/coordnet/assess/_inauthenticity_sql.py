"""The queries of :mod:`.inauthenticity` and the session that runs them on the store.

A :class:`Session` builds one temporary table of every actor in the store with its
indicators (one pass over ``actions``, one over ``actors``), the population baseline from
it, and the members' rows; it drops its tables on exit. Every query whose rows reach Python
unsorted is read into a dict by cluster, and every choice among rows (the profile of an
actor listed twice, the top value, the first and last handle of a counter) is ordered by
value down to the last column, so that no result depends on the order DuckDB returns rows
in (it varies with threads).
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pyarrow as pa

from coordnet.assess._inauthenticity_statistics import (
    GroupSizes,
    Population,
    expected_densest_share,
)
from coordnet.assess._inauthenticity_thresholds import (
    COUNTER_SPREAD,
    FEW_FOLLOWERS,
    FOLLOW_RATIO,
    LONG_DIGITS,
    MIN_COUNTER_GROUP,
    MIN_FOLLOWING,
    MIN_MEMBERS,
    NEW_ACCOUNT_DAYS,
    WINDOW_HOURS,
)
from coordnet.errors import InputError
from coordnet.store import Store

__all__ = ["Session"]

# Handles an archive replaced by a hash (unreadable), and "a name and a long number".
_HASHED_HANDLE = "[0-9a-f]{32,64}"
_NAME_DIGITS = f"[A-Za-z][A-Za-z_]+[0-9]{{{LONG_DIGITS},}}"


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
    -- one profile per actor: by platform and file, then by every column read, so that two
    -- rows of one actor in one file give the same pick whatever their order
    QUALIFY row_number() OVER (
        PARTITION BY a.actor_id
        ORDER BY a.platform, a.source_file, a.created_at, a.handle, a.followers, a.following,
                 a.description, a.location, a.profile_image_hash) = 1),
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
# holds the most members (earliest on ties; rows tying on both are the same window), with its
# first and last creation time.
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
# numbers run like a counter, with their first and last handle), and the store's count of
# that value.
_SAME_SQL = """
WITH g AS (
    SELECT cluster_id, {key} AS key, count(*) AS c, {span}
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
_NO_SPAN = "NULL::VARCHAR AS first, NULL::VARCHAR AS last"
# by (number, handle): news_0001 and News_0001 share a key and a number
_COUNTER_SPAN = (
    "arg_min(handle, (counter_number, handle)) AS first, "
    "arg_max(handle, (counter_number, handle)) AS last"
)
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


class Session:
    """The temporary tables of one :func:`inauthenticity` call, dropped on exit."""

    def __init__(self, store: Store) -> None:
        self.e = store.engine
        tag = uuid.uuid4().hex[:12]
        self.members = f"_inauth_members_{tag}"
        self.pop = f"_inauth_pop_{tag}"
        self.m = f"_inauth_m_{tag}"
        self._baseline: Population | None = None

    def __enter__(self) -> Session:
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

    def population(self) -> Population:
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
            keys[name] = GroupSizes(sizes, mult, int((sizes * mult).sum()))
        hist = self.e.rows(
            f"SELECT created_hour, count(*) FROM {self.pop} WHERE created_hour IS NOT NULL "
            "GROUP BY created_hour ORDER BY created_hour"
        )
        followers = self.e.rows(
            f"SELECT followers, count(*) FROM {self.pop} WHERE followers IS NOT NULL "
            "GROUP BY followers ORDER BY followers"
        )
        median = row[-1]
        self._baseline = Population(
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
            span, having = (_COUNTER_SPAN, _COUNTER_HAVING) if name == "counter" else (_NO_SPAN, "")
            sql = _SAME_SQL.format(m=self.m, pop=self.pop, key=key, span=span, having=having)
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
                expected[n] = expected_densest_share(self._baseline, n, rng)
            r["burst_expected_share"] = expected.get(n)
        return rows
