"""Random sets of store accounts, drawn in SQL, and Monte Carlo p-values against them.

A figure of a cluster (its hour-of-day profile, its share of VPN sessions...) is unusual
only when random sets of as many accounts from the same store rarely reach it: the store is
its own baseline, so that a figure typical of the platform is never called unusual. For
each cluster size ``m``, :func:`draw_random_sets` draws ``N_RANDOM_SETS`` (200) sets of
``m`` accounts (fewer only when sets x size passes 4 million, never fewer than 100) from
the baseline accounts that have the data in question. The sets are consecutive runs of
``m`` accounts in a permutation of the baseline ordered by ``hash(actor_id, permutation,
seed)`` (ties by ``actor_id``), with more permutations when there are few accounts, so each
set is a uniform random draw and the whole draw is a pure function of the account ids and
the seed. Everything stays in SQL: only per-set sums (at most 200 x 168 rows per size) come
back to Python.

:func:`p_upper` and :func:`p_lower` turn the random-set values into the Monte Carlo p-value
(1 + k) / (1 + R) of Davison & Hinkley, "Bootstrap Methods and their Application" (1997),
ch. 4; :func:`is_unusual` says whether no random set reached the value, judged only with at
least 99 sets that have the data.

Cost: one sort of the baseline account ids per permutation (a few permutations at most) and
one join of the sets with the per-account figures per statistic; memory in Python is
O(sets x columns).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coordnet.engine.protocol import SqlEngine

__all__ = [
    "ALPHA",
    "N_RANDOM_SETS",
    "CreateTable",
    "RandomSets",
    "draw_random_sets",
    "is_unusual",
    "p_lower",
    "p_upper",
    "pct",
]

#: Random sets per cluster size; with 200 sets the smallest p-value is 1/201.
N_RANDOM_SETS = 200
#: Fewer sets for clusters of over 20 000 accounts (sets x size is capped), never fewer
#: than this.
_MIN_RANDOM_SETS = 100
_MAX_MEMBERSHIPS = 4_000_000
#: A figure is unusual when no random set reaches it, judged only with at least 99 sets that
#: have the data: p = (1 + 0) / (1 + sets) <= ALPHA (0.005 with the usual 200 sets). With
#: about eight hints per cluster, chance alone would fire one in about 25 random clusters;
#: the minimum effects of the callers make that rarer still.
ALPHA = 0.01
_MIN_VALID_SETS = 99

#: ``create(name, sql, params)``: make (or replace) a temporary table ``name`` from ``sql``
#: and remember to drop it when the caller is done.
CreateTable = Callable[[str, str, Sequence[Any] | None], None]


def pct(x: float | None) -> str:
    """A share in words: ``12 %``, ``<1 %``, ``n/a`` for None or NaN."""
    if x is None or not math.isfinite(x):
        return "n/a"
    if 0 < x < 0.005:
        return "<1 %"
    return f"{round(100 * x)} %"


@dataclass
class RandomSets:
    """The random sets for one kind of data (actions, sessions...): ``table`` holds rows
    ``(m, s, actor_id)``, set ``s`` of size ``m``; ``size`` maps each cluster to its members
    with the data (the size of its sets), ``n_sets`` each size to its number of sets; ``who``
    names the accounts in sentences ("active store accounts")."""

    engine: SqlEngine
    name: str
    who: str
    table: str
    size: dict[int, int] = field(default_factory=dict)
    n_sets: dict[int, int] = field(default_factory=dict)

    def sums(self, sql: str, n_cols: int) -> dict[int, np.ndarray]:
        """Run ``sql`` (``{sets}`` names the sets table) returning (m, s, value columns...)
        and arrange per size m as an (n_sets x n_cols) array; NULL sums are 0, sets without
        rows are all NaN."""
        out = {m: np.full((r, n_cols), np.nan) for m, r in self.n_sets.items()}
        for row in self.engine.rows(sql.format(sets=self.table)):
            out[int(row[0])][int(row[1])] = [0.0 if v is None else float(v) for v in row[2:]]
        return out

    def sums_long(
        self, sql: str, n_cols: int, position: Mapping[Any, int] | None = None
    ) -> dict[int, np.ndarray]:
        """Like :meth:`sums` for ``sql`` returning (m, s, column, value) rows, one per set
        and column; ``column`` is an index, or a key of ``position``."""
        out = {m: np.full((r, n_cols), np.nan) for m, r in self.n_sets.items()}
        t = self.engine.arrow(sql.format(sets=self.table))
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

    def null(self, values: dict[int, np.ndarray], cluster: int, n_cols: int) -> np.ndarray:
        """The random-set ``values`` for ``cluster`` (empty when there is no baseline)."""
        return values.get(self.size.get(cluster, 0), np.empty((0, n_cols)))

    def compare(
        self,
        value: float,
        null: np.ndarray,
        cluster: int,
        *,
        lower: bool = False,
        fmt: Callable[[float], str] | None = None,
    ) -> str:
        """'more than in 199 of 200 random sets of 30 active store accounts (median 12 %)'."""
        null = null[np.isfinite(null)]
        m = self.size.get(cluster, 0)
        sets = f"random sets of {m} {self.who}"
        if len(null) < _MIN_VALID_SETS:
            return f"no baseline: {len(null)} {sets} ({_MIN_VALID_SETS} needed)"
        beaten = int(np.sum(null > value)) if lower else int(np.sum(null < value))
        word = "less" if lower else "more"
        median = (fmt or pct)(float(np.median(null)))
        return f"{word} than in {beaten} of {len(null)} {sets} (median {median})"


def draw_random_sets(
    engine: SqlEngine,
    create: CreateTable,
    *,
    name: str,
    who: str,
    data_sql: str,
    members: str,
    population: str,
    seed: int,
) -> RandomSets:
    """Random sets for one kind of data: for each cluster of the table ``members``
    (cluster_id, actor_id), as many accounts of the table ``population`` (actor_id) with
    that data (``data_sql`` lists the account ids that have it) as the cluster has members
    with it. Creates ``_attr_sets_<name>`` (and helper tables) through ``create``."""
    b = RandomSets(engine, name, who, f"_attr_sets_{name}")
    for c, n in engine.rows(
        f"SELECT cluster_id, count(*) FROM {members} WHERE actor_id IN ({data_sql}) GROUP BY 1"
    ):
        b.size[c] = int(n)
    create(
        f"_attr_pool_{name}",
        f"SELECT actor_id FROM ({data_sql}) WHERE actor_id IN (SELECT actor_id FROM {population})",
        None,
    )
    n_pool = int(engine.rows(f"SELECT count(*) FROM _attr_pool_{name}")[0][0])
    sizes = []
    for m in sorted(set(b.size.values())):
        if 0 < m <= n_pool:
            g = n_pool // m
            r = min(N_RANDOM_SETS, max(_MIN_RANDOM_SETS, _MAX_MEMBERSHIPS // m))
            sizes.append((m, g, r, -(-r // g)))
            b.n_sets[m] = r
    values = ", ".join(f"({m}, {g}, {r}, {p})" for m, g, r, p in sizes) or "(0, 0, 0, 0)"
    create(f"_attr_sizes_{name}", f"SELECT * FROM (VALUES {values}) t(m, g, r, p)", None)
    # a total order (ties of the hash by actor_id), so the sets depend on ids and seed only
    create(
        f"_attr_perm_{name}",
        "SELECT t.p, a.actor_id, row_number() OVER (PARTITION BY t.p ORDER BY "
        f"hash(a.actor_id, t.p, ?), a.actor_id) - 1 AS rn FROM _attr_pool_{name} a, "
        "range(?) t(p)",
        [seed, max((p for *_, p in sizes), default=0)],
    )
    create(
        b.table,
        f"SELECT z.m, q.p * z.g + q.rn // z.m AS s, q.actor_id FROM _attr_perm_{name} q "
        f"JOIN _attr_sizes_{name} z ON q.p < z.p AND q.rn < z.g * z.m "
        "WHERE q.p * z.g + q.rn // z.m < z.r",
        None,
    )
    return b


def p_upper(value: float, null: np.ndarray) -> float | None:
    """Monte Carlo p-value of ``value`` being this high among random-set values (None with
    fewer than 99 sets that have the data)."""
    null = null[np.isfinite(null)]
    if len(null) < _MIN_VALID_SETS:
        return None
    return round(float((1 + np.sum(null >= value - 1e-12)) / (1 + len(null))), 4)


def p_lower(value: float, null: np.ndarray) -> float | None:
    """Monte Carlo p-value of ``value`` being this low among random-set values."""
    null = null[np.isfinite(null)]
    if len(null) < _MIN_VALID_SETS:
        return None
    return round(float((1 + np.sum(null <= value + 1e-12)) / (1 + len(null))), 4)


def is_unusual(p: float | None, null: np.ndarray) -> bool:
    """No random set reached the value (k = 0, so p = 1 / (1 + sets) <= ALPHA)."""
    n = int(np.isfinite(null).sum())
    # p is rounded to 4 decimals; 2 / (1 + n) is at least 0.0099 for n <= 200 sets
    return p is not None and p <= min(ALPHA, 1 / (1 + n)) + 5e-5
