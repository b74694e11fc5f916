"""One attribution run in progress, shared by the hint stages of :mod:`.attribution`.

The run holds the members (sorted by cluster and id, so that nothing depends on the order
of the input or of SQL results), one output row, a list of reasons and a list of fired
hints per cluster and per member, and the temporary ``_attr_*`` tables it made in the
store. It also holds what several stages share: the weights of the hints, the thresholds
that apply to more than one of them, and the main-category comparison behind the session
country and language hints.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from coordnet.assess.random_sets import RandomSets, draw_random_sets, is_unusual, p_upper, pct
from coordnet.store import Store

__all__ = [
    "ACTOR_WEIGHTS",
    "MIN_GAIN",
    "MIN_ITEMS",
    "MIN_STORE_SAMPLE",
    "MIN_TZ_CONFIDENCE",
    "POP",
    "RARE",
    "WEIGHTS",
    "AttributionRun",
    "Categories",
    "category_excess",
    "main_categories",
    "sql_literal",
    "top_counts",
]

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

#: Offsets with less confidence are reported but used for nothing else.
MIN_TZ_CONFIDENCE = 0.5
#: Minimum effects on top of ALPHA, so that a significant but tiny difference is not
#: reported: a session country, a language or the VPN share must exceed the store's share
#: by 20 points (VPNs are common among ordinary users), the listed-domain share by 10
#: points (state-media links are a minority even in state-backed operations), the night
#: share in claimed places by 15 points, the office-hours share the human-day expectation
#: by 30 points (daytime-heavy users such as news readers reach 10-25 points; a shift that
#: leaves evenings and weekends empty is 40-60 points above).
MIN_GAIN = {
    "country": 0.20, "language": 0.20, "domains": 0.10, "night": 0.15, "office": 0.30, "vpn": 0.20,
}  # fmt: skip
#: Session countries and languages are hints only when they are uncommon in the store
#: (main country or language of under a quarter of its accounts): writing the platform's
#: majority language, or being where most of its users are, places no one.
_MINORITY = 0.25
_HINT = {"country": "session_country", "language": "language"}
#: A member attribute is "rare" when fewer than this share of the store's accounts have it.
RARE = 0.10
#: An account's own session-country, VPN or language share needs this many sessions or
#: coded actions: a share of one or two is chance.
MIN_ITEMS = 3
#: With fewer than 50 sampled store accounts with a confident own offset (or with a placed
#: location), the store's zones (or its rate of claims that mismatch hours) are unknown and
#: no member is "rare".
MIN_STORE_SAMPLE = 50

#: The baseline accounts: the store's accounts outside the clusters being assessed.
POP = "actor_id IN (SELECT actor_id FROM _attr_pop)"


def sql_literal(value: str) -> str:
    """A SQL string literal (data values such as country codes inlined into set sums)."""
    return "'" + str(value).replace("'", "''") + "'"


def top_counts(counts: Counter[str], n: int) -> list[tuple[str, int]]:
    """The ``n`` largest counts, ties by key: unlike ``Counter.most_common`` the result does
    not depend on the order in which the counts were inserted (the order of SQL rows)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


class AttributionRun:
    """One assessment: temp tables in the store, member figures, random-set baselines.

    ``actor_ids``: the members sorted by (cluster, id), ``index`` their positions,
    ``clusters`` each cluster (sorted) with its members' positions; ``c`` / ``a``: the
    output row of each cluster / member being filled, ``c_reasons`` / ``a_reasons`` their
    sentences and ``c_hints`` / ``a_hints`` the fired hints as (key, weight);
    ``store_fits``: the own offsets of the sampled store accounts, found with the hours and
    used by the claimed places.
    """

    def __init__(self, store: Store, members: pa.Table, listed: pa.Table, seed: int) -> None:
        self.e = store.engine
        self.seed = int(seed)
        self.listed = listed
        self.temp: list[str] = []
        self.e.register("_attr_members_in", members)
        try:
            self.table(
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
        self.store_fits: dict[str, int] = {}

    def table(self, name: str, sql: str, params: Sequence[Any] | None = None) -> None:
        """Create (or replace) the temporary table ``name``; :meth:`cleanup` drops it."""
        self.e.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", params)
        if name not in self.temp:
            self.temp.append(name)

    def cleanup(self) -> None:
        for name in self.temp:
            self.e.execute(f"DROP TABLE IF EXISTS {name}")

    def random_sets(self, name: str, who: str, data_sql: str) -> RandomSets:
        """Random sets of baseline accounts with one kind of data (see
        :func:`~coordnet.assess.random_sets.draw_random_sets`)."""
        return draw_random_sets(
            self.e,
            self.table,
            name=name,
            who=who,
            data_sql=data_sql,
            members="_attr_m",
            population="_attr_pop",
            seed=self.seed,
        )

    def members_of(self, c: int) -> list[str]:
        return [self.actor_ids[i] for i in self.clusters[c]]


# -- main categories (session countries, languages) ---------------------------------------
@dataclass
class Categories:
    """A categorical figure (session country, language) for the store, members and sets:
    ``names`` sorted, ``store`` the share of baseline accounts whose main one each is,
    ``main`` each account's main one, ``members`` each member's counts, ``null`` the random
    sets' counts of main ones (columns in ``names`` order)."""

    sets: RandomSets
    names: list[str] = field(default_factory=list)
    store: dict[str, float] = field(default_factory=dict)
    main: dict[str, str] = field(default_factory=dict)
    members: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    null: dict[int, np.ndarray] = field(default_factory=dict)


def main_categories(run: AttributionRun, table: str, sets: RandomSets) -> Categories:
    """Main category per account (the most frequent in ``table(actor_id, cat, n)``, ties by
    name): the store's shares, the members' and the random sets' counts."""
    cats = Categories(sets)
    run.table(
        f"{table}_main",
        f"SELECT actor_id, first(cat ORDER BY n DESC, cat) AS cat FROM {table} GROUP BY 1",
    )
    rows = run.e.rows(f"SELECT cat, count(*) FROM {table}_main WHERE {POP} GROUP BY 1 ORDER BY 1")
    total = sum(n for _, n in rows)
    cats.names = [k for k, _ in rows]
    cats.store = {k: n / total for k, n in rows}
    for a, k, n in run.e.rows(
        f"SELECT t.actor_id, t.cat, t.n FROM _attr_m m JOIN {table} t USING (actor_id) "
        "ORDER BY 1, 2"
    ):
        cats.members[a][k] = n
    cats.main = dict(
        run.e.rows(f"SELECT t.actor_id, t.cat FROM _attr_m m JOIN {table}_main t USING (actor_id)")
    )
    cats.null = sets.sums_long(
        f"SELECT z.m, z.s, t.cat, count(*) FROM {{sets}} z JOIN {table}_main t "
        "USING (actor_id) GROUP BY ALL",
        len(cats.names),
        {k: j for j, k in enumerate(cats.names)},
    )
    return cats


def category_excess(
    run: AttributionRun, c: int, cats: Categories, what: str
) -> tuple[str, float, float, float | None, str] | None:
    """The main category most over-represented among the members against the store: the
    category, its share of members, its share of store accounts, the p-value (the largest
    excess of any category in each random set) and a sentence; None without data. Adds the
    ``what`` hint (``country`` or ``language``) to the cluster when it fires."""
    main = Counter(cats.main[a] for a in run.members_of(c) if a in cats.main)
    if not main:
        return None
    n = sum(main.values())
    best = max(sorted(main), key=lambda k: main[k] / n - cats.store.get(k, 0.0))
    share, store = main[best] / n, cats.store.get(best, 0.0)
    null = cats.sets.null(cats.null, c, len(cats.names))
    store_vec = np.array([cats.store[k] for k in cats.names])
    with np.errstate(invalid="ignore", divide="ignore"):
        excess = (null / null.sum(axis=1, keepdims=True) - store_vec).max(axis=1, initial=0)
    excess[~np.isfinite(null).all(axis=1) | (np.nan_to_num(null).sum(axis=1) == 0)] = np.nan
    p = p_upper(share - store, excess)
    text = (
        f"{best} is the main {what} of {main[best]} of {n} members against {pct(store)} of "
        f"the store's accounts; this excess is "
        + cats.sets.compare(share - store, excess, c).replace("(median", "(median largest excess")
    )
    if store >= _MINORITY:
        text += f"; {best} is so common in the store that it places no one"
    elif is_unusual(p, excess) and share >= store + MIN_GAIN[what]:
        run.c_hints[c].append((_HINT[what], WEIGHTS[_HINT[what]]))
    return best, share, store, p, text
