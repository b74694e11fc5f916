"""The account table of :mod:`.inauthenticity`: four yes/no indicators per member.

New account, patterned handle, default profile and follower shape, each weighted by how rare
it is in the store: the account's ``inauthenticity`` is the mean over the four of
``indicator x (1 - population rate)``. Every indicator that holds, and every one the data
lacks, gives a reason to quote.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from coordnet.assess._inauthenticity_statistics import Population
from coordnet.assess._inauthenticity_thresholds import (
    FEW_FOLLOWERS,
    FOLLOW_RATIO,
    NEW_ACCOUNT_DAYS,
)
from coordnet.assess._inauthenticity_wording import days, pct

__all__ = ["ACTOR_SCHEMA", "actor_table"]

ACTOR_SCHEMA = pa.schema([
    ("actor_id", pa.string()), ("cluster_id", pa.int64()), ("inauthenticity", pa.float64()),
    ("reasons", pa.list_(pa.string())), ("created_at", pa.timestamp("us")),
    ("first_action_at", pa.timestamp("us")), ("age_at_first_action_days", pa.float64()),
    ("is_new_account", pa.bool_()), ("handle", pa.string()), ("handle_pattern", pa.string()),
    ("is_patterned_handle", pa.bool_()), ("has_description", pa.bool_()),
    ("has_location", pa.bool_()), ("has_profile_image", pa.bool_()),
    ("is_default_profile", pa.bool_()), ("followers", pa.int64()), ("following", pa.int64()),
    ("is_follower_shape", pa.bool_()), ("top_client", pa.string()),
])  # fmt: skip


def actor_table(rows: list[dict[str, Any]], pop: Population) -> pa.Table:
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
    return pa.Table.from_pylist(rows, schema=ACTOR_SCHEMA)


def _actor_indicators(
    r: dict[str, Any], pop: Population
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
            f"created {days(r['age_days'])} before its first action in the data "
            f"({r['created_at']:%Y-%m-%d}); {pct(rate)} of all accounts were under "
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
            f"handle {r['handle']} is {shape}; {pct(rate)} of all handles are patterned",
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
            f"no {blank}; {pct(rate)} of all profiles are this bare",
        )
    if r["is_follower_shape"] is None:
        yield None, 0.0, "follower counts not available: the data lacks followers for it"
    else:
        rate = rates["follower_shape"] or 0.0
        following = "" if r["following"] is None else f", following {r['following']:,}"
        yield (
            r["is_follower_shape"],
            1 - rate,
            f"{r['followers']:,} followers{following}; {pct(rate)} of all accounts have "
            f"under {FEW_FOLLOWERS} followers or follow {FOLLOW_RATIO} times more accounts "
            "than follow them",
        )
