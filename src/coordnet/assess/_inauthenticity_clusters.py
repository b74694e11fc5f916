"""The cluster table of :mod:`.inauthenticity`: five families of indicators per cluster.

Each indicator tests the members against random sets of the population
(:mod:`._inauthenticity_statistics`); a family's score is its strongest significant
indicator, the cluster's ``inauthenticity`` the mean of the five family scores. Every
significant indicator gives a reason to quote, with the population's figure beside it, and
every indicator the data lacks says which field was missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from coordnet.assess._inauthenticity_statistics import (
    Population,
    band_ends,
    group_p_value,
    share_p_value,
    strength,
)
from coordnet.assess._inauthenticity_thresholds import (
    FAMILIES,
    FEW_FOLLOWERS,
    FOLLOW_RATIO,
    MIN_MEMBERS,
    NEW_ACCOUNT_DAYS,
    SIMILAR_FOLLOWERS,
    WINDOW_HOURS,
)
from coordnet.assess._inauthenticity_wording import days, pct, quote

__all__ = ["CLUSTER_SCHEMA", "cluster_table"]

_F = pa.float64()
_I = pa.int64()
_S = pa.string()
CLUSTER_SCHEMA = pa.schema([
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


def cluster_table(rows: list[dict[str, Any]], pop: Population) -> pa.Table:
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
    return pa.Table.from_pylist(out, schema=CLUSTER_SCHEMA)


def _creation(r: dict[str, Any], pop: Population, v: _Verdict) -> None:
    """The densest 48 hours of creation and the share of new accounts."""
    n = v.row["n_created"] = r["n_created"]
    if not v.lacking("creation burst", "creation dates (created_at)", n):
        k, expected = r["n_burst"], r["burst_expected_share"]
        i = int(np.searchsorted(pop.hours, r["burst_hour"]))
        pop_share = float(pop.window_counts[i] / pop.hour_counts.sum())
        p_value = group_p_value(k, n, pop.keys["burst"])
        v.row.update(
            burst_share=k / n, burst_expected_share=expected, burst_population_share=pop_share,
            burst_start_at=r["burst_start_at"], burst_end_at=r["burst_end_at"],
            burst_p_value=p_value,
        )  # fmt: skip
        v.found(
            "creation",
            strength(k / n, expected, p_value),
            f"{k} of {n} accounts were created within {WINDOW_HOURS} hours, "
            f"{r['burst_start_at']:%Y-%m-%d %H:%M} to {r['burst_end_at']:%Y-%m-%d %H:%M} UTC; "
            f"{pct(pop_share)} of all accounts were (a random set of {n} has "
            f"{expected * n:.1f} in its densest {WINDOW_HOURS} hours)",
        )
    n = v.row["n_age"] = r["n_age"]
    if not v.lacking("account age", "creation dates with actions", n):
        k, rate = r["n_new"], pop.rates["new"] or 0.0
        p_value = share_p_value(k, n, rate)
        v.row.update(
            new_share=k / n, new_population_share=rate, median_age_days=r["median_age_days"],
            new_p_value=p_value,
        )  # fmt: skip
        v.found(
            "creation",
            strength(k / n, rate, p_value),
            f"{k} of {n} accounts were under {NEW_ACCOUNT_DAYS} days old at their first action "
            f"in the data (median {days(r['median_age_days'])}); {pct(rate)} of all "
            "accounts were",
        )


def _handles(r: dict[str, Any], pop: Population, v: _Verdict) -> None:
    """Patterned handles, and the largest group sharing a prefix with a running number."""
    n = v.row["n_handles"] = r["n_handles"]
    if v.lacking("handle patterns", "readable handles", n):
        return
    k, rate = r["n_patterned"], pop.rates["patterned"] or 0.0
    p_value = share_p_value(k, n, rate)
    v.row.update(patterned_share=k / n, patterned_population_share=rate, patterned_p_value=p_value)
    v.found(
        "handles",
        strength(k / n, rate, p_value),
        f"{k} of {n} handles are a name with a long number or random-looking (e.g. "
        f"{', '.join((r['patterned'] or [])[:3])}); {pct(rate)} of all handles are",
    )
    n = r["n_counter_keys"]
    if n < MIN_MEMBERS:
        return
    _key, k, pop_k, first, last = r.get("same_counter") or (None, 0, 0, None, None)
    null = pop.keys["counter"]
    rate = (pop_k or 0) / null.total if null.total else 0.0
    p_value = group_p_value(k, n, null)
    v.row.update(
        counter_share=k / n, counter_population_share=rate, counter_first_handle=first,
        counter_last_handle=last, counter_p_value=p_value,
    )  # fmt: skip
    v.found(
        "handles",
        strength(k / n, max(rate, 1 / n), p_value),
        f"{k} of {n} handles share a prefix with a running number, {first} to {last}; "
        f"{pct(rate)} of all handles have that prefix",
    )


def _profile(r: dict[str, Any], pop: Population, v: _Verdict) -> None:
    """Blank descriptions, images and locations; one description or image shared."""
    for name, words, field_name in (
        ("description", "description", "description"),
        ("profile_image", "profile image", "profile_image_hash"),
        ("location", "location", "location"),
    ):
        n = v.row[f"n_{name}"] = r[f"n_{name}"]
        if v.lacking(words, field_name, n):
            continue
        k, rate = r[f"n_no_{name}"], pop.rates[f"no_{name}"] or 0.0
        p_value = share_p_value(k, n, rate)
        v.row.update({
            f"no_{name}_share": k / n, f"no_{name}_population_share": rate,
            f"no_{name}_p_value": p_value,
        })  # fmt: skip
        v.found(
            "profile",
            strength(k / n, rate, p_value),
            f"{k} of {n} accounts have no {words}; {pct(rate)} of all accounts have none",
        )
        n = r[f"n_with_{name}"] if name != "location" else 0
        if n < MIN_MEMBERS:
            continue
        value, k, pop_k, _, _ = r[f"same_{name}"]
        null = pop.keys[name]
        rate = (pop_k or 0) / null.total
        p_value = group_p_value(k, n, null)
        v.row.update({
            f"same_{name}": value, f"same_{name}_share": k / n,
            f"same_{name}_population_share": rate, f"same_{name}_p_value": p_value,
        })  # fmt: skip
        v.found(
            "profile",
            strength(k / n, max(rate, 1 / n), p_value),
            f"{k} of {n} accounts with a {words} have the same one ({quote(value)}); "
            f"{pct(rate)} of all accounts with a {words} have it",
        )


def _followers(r: dict[str, Any], pop: Population, v: _Verdict) -> None:
    """Few followers or many followed; the largest group of near-identical counts."""
    n = v.row["n_followers"] = r["n_followers"]
    if v.lacking("follower shape", "follower counts", n):
        return
    k, rate = r["n_follower_shape"], pop.rates["follower_shape"] or 0.0
    p_value = share_p_value(k, n, rate)
    median = r["followers_median"]
    v.row.update(
        follower_shape_share=k / n, follower_shape_population_share=rate,
        follower_shape_p_value=p_value, followers_median=median,
    )  # fmt: skip
    v.found(
        "followers",
        strength(k / n, rate, p_value),
        f"{k} of {n} accounts have under {FEW_FOLLOWERS} followers or follow {FOLLOW_RATIO} "
        f"times more accounts than follow them; {pct(rate)} of all accounts do",
    )
    counts = np.array(r["follower_counts"], dtype=np.int64)
    logs = np.log1p(np.maximum(counts, 0))
    sizes = band_ends(logs) - np.arange(len(logs))
    i = int(np.argmax(sizes))
    g, low, high = int(sizes[i]), int(counts[i]), int(counts[i + sizes[i] - 1])
    if pop.followers_median is None or low > pop.followers_median:
        return  # large accounts alike (newsrooms, celebrities) are no sign of a batch
    null = pop.keys["followers"]
    pop_share = float(pop.band_counts[np.searchsorted(pop.follower_values, low)] / null.total)
    p_value = group_p_value(g, n, null)
    band_high = int((1 + low) * SIMILAR_FOLLOWERS - 1 + 1e-9)
    v.row.update(
        similar_followers_share=g / n, similar_followers_low=low, similar_followers_high=high,
        similar_followers_population_share=pop_share, similar_followers_p_value=p_value,
    )  # fmt: skip
    v.found(
        "followers",
        strength(g / n, max(pop_share, 1 / n), p_value),
        f"{g} of {n} accounts have near-identical follower counts, {low:,} to {high:,}; "
        f"{pct(pop_share)} of all accounts have {low:,} to {band_high:,}",
    )


def _client(r: dict[str, Any], pop: Population, v: _Verdict) -> None:
    """The share of members posting mainly from the cluster's top client."""
    n = v.row["n_client"] = r["n_client"]
    if v.lacking("client homogeneity", "posting clients (actions.client)", n):
        return
    client, k, pop_k, _, _ = r["same_client"]
    null = pop.keys["client"]
    rate = pop_k / null.total
    p_value = group_p_value(k, n, null)
    action_share = r["n_top_client_actions"] / r["n_client_actions"]
    v.row.update(
        top_client=client, top_client_share=k / n, top_client_action_share=action_share,
        top_client_population_share=rate, top_client_p_value=p_value,
    )  # fmt: skip
    v.found(
        "client",
        strength(k / n, max(rate, 1 / n), p_value),
        f"{k} of {n} accounts post mainly from {client!r} ({pct(action_share)} of their "
        f"actions); {pct(rate)} of all accounts do",
    )
