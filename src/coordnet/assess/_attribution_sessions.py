"""Attribution hints from platform-internal session data: countries, ASNs, shared
infrastructure and VPN use.

For each cluster: the main session country most over-represented among the members against
the store, the top ASNs, distinct IP addresses and devices per member (few for many members
means shared infrastructure) and the share of VPN sessions, each against random sets of as
many store accounts with sessions. For each member: its main session country when that is
rare in the store, and its VPN share when VPN users are.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from coordnet.assess._attribution_run import (
    ACTOR_WEIGHTS,
    MIN_GAIN,
    MIN_ITEMS,
    POP,
    RARE,
    WEIGHTS,
    AttributionRun,
    Categories,
    category_excess,
    main_categories,
    top_counts,
)
from coordnet.assess.random_sets import is_unusual, p_lower, p_upper, pct

__all__ = ["assess_sessions"]

#: Shared infrastructure: at most half as many IPs (or devices) per member as random sets.
_SHARED_RATIO = 0.5


def assess_sessions(run: AttributionRun) -> None:
    """Session country, ASNs, infrastructure and VPN hints of each cluster and member."""
    if not run.e.scalar("SELECT count(*) FROM sessions"):
        for reasons in [*run.c_reasons.values(), *run.a_reasons]:
            reasons.append("sessions: not available: the store has no session data")
        return
    run.table(
        "_attr_country",
        "SELECT actor_id, country AS cat, count(*) AS n FROM sessions "
        "WHERE country IS NOT NULL GROUP BY ALL",
    )
    sets = run.random_sets(
        "sessions", "store accounts with sessions", "SELECT DISTINCT actor_id FROM sessions"
    )
    cats = main_categories(run, "_attr_country", sets)
    vpn = run.e.rows(
        "SELECT count(*) FILTER (WHERE is_vpn), count(is_vpn), count(DISTINCT actor_id) "
        f"FILTER (WHERE is_vpn), count(DISTINCT actor_id) FROM sessions WHERE {POP}"
    )[0]
    store_vpn = vpn[0] / vpn[1] if vpn[1] else None
    vpn_actors = vpn[2] / vpn[3] if vpn[3] else None
    sql = (
        "SELECT {key}, count(DISTINCT {who}.actor_id), count(*), count(DISTINCT s.ip), "
        "count(DISTINCT s.device_id), count(*) FILTER (WHERE s.is_vpn), count(s.is_vpn) "
        "FROM {src} JOIN sessions s USING (actor_id) GROUP BY ALL"
    )
    for a, _, n, ips, devices, n_vpn, known in run.e.rows(
        sql.format(key="m.actor_id", who="m", src="_attr_m m")
    ):
        i = run.index[a]
        row, reasons = run.a[i], run.a_reasons[i]
        row.update(n_sessions=n, n_ips=ips, n_devices=devices)
        row["vpn_share"] = round(n_vpn / known, 4) if known else None
        text = f"sessions: {n} from {ips} IP address(es), {devices} device(s)"
        if a in cats.main:
            top = cats.main[a]
            k = cats.members[a][top]
            rate = cats.store.get(top, 0.0)
            row.update(top_session_country=top, top_session_country_share=round(k / n, 4))
            text += f"; {top} {pct(k / n)} (store: {pct(rate)} of accounts mostly {top})"
            if rate < RARE and k / n >= 0.5 and n >= MIN_ITEMS:
                run.a_hints[i].append(("session_country", ACTOR_WEIGHTS["session_country"]))
        reasons.append(text)
        # VPN users are commoner than rare countries: "rare" here is under 20 %
        rare_vpn = vpn_actors is not None and vpn_actors < 2 * RARE
        if known >= MIN_ITEMS and n_vpn / known >= 0.5 and rare_vpn:
            reasons.append(
                f"VPN: {pct(n_vpn / known)} of its sessions (store: {pct(vpn_actors)} of "
                "accounts with sessions ever use one)"
            )
            run.a_hints[i].append(("vpn", ACTOR_WEIGHTS["vpn"]))
    for i, row in enumerate(run.a):
        if "n_sessions" not in row:
            row["n_sessions"] = 0
            run.a_reasons[i].append("sessions: not available: none for this account")
    totals = {
        c: rest for c, *rest in run.e.rows(sql.format(key="m.cluster_id", who="m", src="_attr_m m"))
    }
    rand = sets.sums(sql.format(key="z.m, z.s", who="z", src="{sets} z"), 6)
    asns: dict[int, Counter[str]] = defaultdict(Counter)
    for c, asn, n in run.e.rows(
        "SELECT m.cluster_id, s.asn, count(*) FROM _attr_m m JOIN sessions s "
        "USING (actor_id) WHERE s.asn IS NOT NULL GROUP BY ALL ORDER BY 1, 2"
    ):
        asns[c][asn] = n
    for c, ix in run.clusters.items():
        if c not in totals:
            run.c[c].update(n_members_with_sessions=0, n_sessions=0)
            run.c_reasons[c].append("sessions: not available: no member has sessions")
            continue
        counts = sum((cats.members[run.actor_ids[i]] for i in ix), Counter[str]())
        _cluster_sessions(run, c, totals[c], counts, cats, rand, asns[c], store_vpn)


def _cluster_sessions(
    run: AttributionRun,
    c: int,
    totals: list[int],
    counts: Counter[str],
    cats: Categories,
    rand: dict[int, np.ndarray],
    asns: Counter[str],
    store_vpn: float | None,
) -> None:
    row, reasons, hints = run.c[c], run.c_reasons[c], run.c_hints[c]
    n_with, n, ips, devices, n_vpn, known = totals
    sets = cats.sets
    null = sets.null(rand, c, 6)
    row.update(
        n_members_with_sessions=n_with,
        n_sessions=n,
        ips_per_member=round(ips / n_with, 4),
        devices_per_member=round(devices / n_with, 4),
        top_asns=[f"{k} {pct(v / n)}" for k, v in top_counts(asns, 3)],
    )
    found = category_excess(run, c, cats, "country")
    if found:
        top, share, store, p, text = found
        row.update(
            session_country=top,
            session_country_share=round(share, 4),
            store_session_country_share=round(store, 4),
            session_country_p=p,
        )
        total = sum(counts.values())
        listing = ", ".join(f"{k} {pct(v / total)}" for k, v in top_counts(counts, 3))
        reasons.append(f"sessions: {n} from {n_with} members ({listing} of the sessions); {text}")
    if row["top_asns"]:
        reasons.append(f"ASNs: {', '.join(row['top_asns'])}")
    with np.errstate(invalid="ignore", divide="ignore"):
        null_ipm, null_dpm = null[:, 2] / null[:, 0], null[:, 3] / null[:, 0]
        null_vpn = null[:, 4] / null[:, 5]
    p_ip, p_dev = p_lower(ips / n_with, null_ipm), p_lower(devices / n_with, null_dpm)
    row["shared_infrastructure_p"] = min((x for x in (p_ip, p_dev) if x is not None), default=None)
    two = "{:.2f}".format
    reasons.append(
        f"infrastructure: {ips} IP addresses and {devices} devices for {n_with} members; "
        f"IPs per member {ips / n_with:.2f}, "
        f"{sets.compare(ips / n_with, null_ipm, c, lower=True, fmt=two)}; devices per "
        f"member {devices / n_with:.2f}, "
        f"{sets.compare(devices / n_with, null_dpm, c, lower=True, fmt=two)}"
    )
    for p, value, base in ((p_ip, ips / n_with, null_ipm), (p_dev, devices / n_with, null_dpm)):
        fine = np.isfinite(base)
        if is_unusual(p, base) and value <= _SHARED_RATIO * np.median(base[fine]):
            hints.append(("shared_infrastructure", WEIGHTS["shared_infrastructure"]))
            break
    if not known:
        reasons.append("VPN: not available: the sessions do not say")
        return
    share = n_vpn / known
    p = p_upper(share, null_vpn)
    row.update(
        vpn_share=round(share, 4),
        vpn_p=p,
        store_vpn_share=None if store_vpn is None else round(store_vpn, 4),
    )
    reasons.append(
        f"VPN: {pct(share)} of sessions (store: {pct(store_vpn)}), "
        + sets.compare(share, null_vpn, c)
    )
    if is_unusual(p, null_vpn) and share >= (store_vpn or 0.0) + MIN_GAIN["vpn"]:
        hints.append(("vpn", WEIGHTS["vpn"]))
