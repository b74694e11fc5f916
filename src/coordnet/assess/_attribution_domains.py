"""Attribution hints from links to listed domains (by default, state media).

A link counts as listed when its domain or one of its parent domains (up to four labels:
``de.rt.com`` matches ``rt.com``) is on the list. For each cluster: the share of the
members' links on listed domains and the listed domains they link to most, against random
sets of as many store accounts with links. For each member: a fifth of its links on listed
domains where the store's accounts give a twentieth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pyarrow as pa

from coordnet.assess._attribution_run import (
    ACTOR_WEIGHTS,
    MIN_GAIN,
    POP,
    WEIGHTS,
    AttributionRun,
)
from coordnet.assess.random_sets import is_unusual, p_upper, pct
from coordnet.assess.reference_data import state_media_items

__all__ = ["assess_domains", "listed_domains_table"]


def listed_domains_table(domain_list: Mapping[str, str] | None) -> pa.Table:
    """``domain_list`` (None: the state media list) as a table (domain, label): domains in
    lower case without ``www.`` and dots at either end; a later duplicate replaces the
    label of an earlier one."""
    items = state_media_items() if domain_list is None else tuple(domain_list.items())
    clean: dict[str, str] = {}
    for domain, label in items:
        d = str(domain).strip().lower().removeprefix("www.").strip(".")
        if d:
            clean[d] = str(label)
    return pa.table({"domain": list(clean), "label": list(clean.values())}, schema=pa.schema(
        [("domain", pa.string()), ("label", pa.string())]))  # fmt: skip


def assess_domains(run: AttributionRun) -> None:
    """Listed-domain hints of each member and cluster."""
    run.e.register("_attr_listed_in", run.listed)
    try:
        run.table("_attr_listed", "SELECT * FROM _attr_listed_in")
    finally:
        run.e.unregister("_attr_listed_in")
    suffix = [f"regexp_extract(domain, '([^.]+[.]){{{n - 1}}}[^.]+$')" for n in (2, 3, 4)]
    run.table(
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
    run.table(
        "_attr_dom",
        "SELECT actor_id, count(*) AS n_links, count(listed) AS n_listed FROM _attr_links "
        "GROUP BY 1",
    )
    if not run.e.scalar("SELECT count(*) FROM _attr_dom"):
        for c in run.clusters:
            run.c_reasons[c].append("listed domains: not available: the store has no links")
        return
    store = run.e.rows(f"SELECT sum(n_links), sum(n_listed) FROM _attr_dom WHERE {POP}")
    n_links, n_listed = store[0]
    store_share = (n_listed or 0) / n_links if n_links else None
    for a, n, k in run.e.rows(
        "SELECT d.actor_id, d.n_links, d.n_listed FROM _attr_m m JOIN _attr_dom d USING (actor_id)"
    ):
        i = run.index[a]
        run.a[i].update(n_links=n, n_listed_links=k)
        if k:
            run.a_reasons[i].append(f"links: {k} of {n} to listed domains")
            # a fifth of its links, where the store's accounts give a twentieth
            if k / n >= 0.2 and store_share is not None and store_share < 0.05:
                run.a_hints[i].append(("listed_domains", ACTOR_WEIGHTS["listed_domains"]))
    per_cluster = {
        c: (n, k)
        for c, n, k in run.e.rows(
            "SELECT m.cluster_id, sum(d.n_links), sum(d.n_listed) FROM _attr_m m "
            "JOIN _attr_dom d USING (actor_id) GROUP BY 1"
        )
    }
    named: dict[int, list[str]] = defaultdict(list)
    # a total order: one label per listed domain
    for c, domain, label, n, n_members in run.e.rows(
        "SELECT m.cluster_id, l.listed, l.label, count(*), count(DISTINCT l.actor_id) "
        "FROM _attr_m m JOIN _attr_links l USING (actor_id) WHERE l.listed IS NOT NULL "
        "GROUP BY ALL ORDER BY 1, 4 DESC, 2"
    ):
        named[c].append(f"{domain} ({label}): {n} links by {n_members} members")
    sets = run.random_sets("links", "store accounts with links", "SELECT actor_id FROM _attr_dom")
    rand = sets.sums(
        "SELECT z.m, z.s, sum(d.n_listed), sum(d.n_links) FROM {sets} z "
        "JOIN _attr_dom d USING (actor_id) GROUP BY ALL",
        2,
    )
    for c in run.clusters:
        row, reasons = run.c[c], run.c_reasons[c]
        if c not in per_cluster:
            row["n_links"] = 0
            reasons.append("listed domains: not available: the members shared no links")
            continue
        n, k = per_cluster[c]
        share = k / n
        null = sets.null(rand, c, 2)
        null_share = null[:, 0] / null[:, 1]
        p = p_upper(share, null_share)
        row.update(
            n_links=int(n),
            listed_share=round(share, 4),
            store_listed_share=None if store_share is None else round(store_share, 4),
            listed_p=p,
            listed_domains=named[c][:5],
        )
        if not k:
            reasons.append(
                f"listed domains: none of the members' {n} links (store: {pct(store_share)})"
            )
            continue
        reasons.append(
            f"listed domains: {pct(share)} of the members' links ({k} of {n}) "
            f"(store: {pct(store_share)}), {sets.compare(share, null_share, c)}: "
            + "; ".join(named[c][:3])
        )
        if is_unusual(p, null_share) and share >= (store_share or 0.0) + MIN_GAIN["domains"]:
            run.c_hints[c].append(("listed_domains", WEIGHTS["listed_domains"]))
