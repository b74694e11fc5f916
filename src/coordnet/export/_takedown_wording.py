"""The words of a takedown summary: the confidence scale, behaviours and statements.

Every statement keeps the figure it was graded on (``evidence_score``), its level on the
confidence scale and its reasons, the plain sentences ``detect`` stored. Attribution is
always worded as a hint ("consistent with"), never as a finding of who runs a network.
"""

from __future__ import annotations

import re
from typing import Any

from coordnet.assess.attribution import WEIGHTS

__all__ = [
    "CONFIDENCE_SCALE",
    "attribution_statements",
    "behaviour_sentence",
    "behaviour_verb",
    "confidence_level",
    "coordination_statement",
    "duration",
    "inauthenticity_statement",
]

#: The stated confidence scale: level, lowest evidence score (inclusive), highest (exclusive
#: but for 1.0), and what the level means. The evidence score of each statement is named
#: where the statement is made (see docs/takedown.md).
CONFIDENCE_SCALE: tuple[dict[str, Any], ...] = (
    {"level": "none", "min": 0.0, "max": 0.0,
     "meaning": "no evidence: no indicator passed its test"},
    {"level": "low", "min": 0.0, "max": 0.35,
     "meaning": "some evidence: a significant but weak or indirect indicator; "
                "do not act on it alone"},
    {"level": "moderate", "min": 0.35, "max": 0.65,
     "meaning": "several significant indicators, or one fairly direct one; "
                "consistent with the statement but other explanations remain"},
    {"level": "high", "min": 0.65, "max": 1.0,
     "meaning": "strong, direct and significant evidence from several indicators; "
                "other explanations are unlikely"},
)  # fmt: skip

#: A signal as a behaviour: what the members did, and what its objects are called.
_BEHAVIOURS = {
    "co_repost": ("reposted the same posts", "posts"),
    "co_repost_slow": ("reposted the same posts", "posts"),
    "co_reply": ("replied to the same posts", "posts"),
    "co_link": ("shared the same links", "links"),
    "co_domain": ("linked to the same sites", "sites"),
    "co_text": ("posted identical text", "texts"),
    "near_duplicate_text": ("posted near-identical text", "text families"),
    "co_hashtag": ("used the same hashtags", "hashtags"),
    "hashtag_sequence": ("used the same sequences of hashtags", "sequences"),
    "co_mention": ("mentioned the same accounts", "accounts"),
    "synchrony": ("acted in the same minutes", "time buckets"),
    "shared_infrastructure": ("shared IP addresses, devices, profile images or bios", "values"),
}

#: Which stored attribution reasons belong to each hint (by their opening words).
_HINT_REASONS = {
    "time_zone": ("time zone:", "hours of day:"),
    "office_hours": ("office hours:", "weekend:"),
    "session_country": ("sessions:", "ASNs:"),
    "shared_infrastructure": ("infrastructure:",),
    "vpn": ("VPN:",),
    "language": ("languages:",),
    "location_mismatch": ("claimed locations:", "profiles claim", "claimed places against"),
    "listed_domains": ("listed domains:",),
}
_ZONE = re.compile(r"active as if in (UTC[+-]\d+(?::\d\d)?)")
_ZONE_CONFIDENCE = re.compile(r"confidence (\d(?:\.\d+)?)")
_MAIN = re.compile(r"(\S+) is the main (?:country|language) of")


def confidence_level(score: float | None) -> str:
    """The level of :data:`CONFIDENCE_SCALE` for an evidence score in [0, 1].

    >>> [confidence_level(s) for s in (0, 0.2, 0.35, 0.64, 0.65, 1)]
    ['none', 'low', 'moderate', 'moderate', 'high', 'high']
    """
    s = float(score or 0.0)
    if s <= 0:
        return "none"
    for band in CONFIDENCE_SCALE[1:]:
        if s < band["max"]:
            return str(band["level"])
    return "high"


def duration(seconds: float | None) -> str:
    """A lag or window in words: ``"29 s"``, ``"18 min"``, ``"1 h"``, ``"1 day"``.

    >>> [duration(s) for s in (9.6, 29, 1133, 3600, 86400, 259200)]
    ['10 s', '29 s', '19 min', '1 h', '1 day', '3 days']
    """
    if seconds is None:
        return "an unknown time"
    s = float(seconds)
    if s < 120:
        return f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.0f} min"
    if s < 172800:
        return f"{s / 3600:.0f} h" if s != 86400 else "1 day"
    return f"{s / 86400:.0f} days"


def behaviour_verb(signal: str) -> str:
    """What members tied by ``signal`` did, as a verb phrase ("reposted the same posts")."""
    return _BEHAVIOURS.get(signal, (f"co-acted ({signal})", ""))[0]


def behaviour_sentence(signal: str, row: dict[str, Any], window_s: float | None) -> str:
    """One signal's part of a network in words, with its figures.

    >>> print(behaviour_sentence("co_repost", {"n_coactions": 412, "n_objects": 96,
    ...       "n_pairs": 80, "median_lag_s": 9.5, "is_lower_bound": False}, 29.0))
    ... # doctest: +NORMALIZE_WHITESPACE
    reposted the same posts within 29 s of each other: 412 times across 96 posts
    (80 pairs of members; median lag 10 s)
    """
    verb, noun = _BEHAVIOURS.get(signal, (f"co-acted ({signal})", "objects"))
    times = f"{'at least ' if row.get('is_lower_bound') else ''}{row.get('n_coactions', 0):,}"
    within = f" within {duration(window_s)} of each other" if window_s else ""
    lag = row.get("median_lag_s")
    tail = f"; median lag {duration(lag)}" if lag is not None else ""
    return (f"{verb}{within}: {times} times across {row.get('n_objects', 0):,} {noun} "
            f"({_pairs(row.get('n_pairs', 0))} of members{tail})")  # fmt: skip


def _pairs(n: int) -> str:
    return f"{n:,} pair" + ("" if n == 1 else "s")


def coordination_statement(cluster: dict[str, Any]) -> dict[str, Any]:
    """That the members acted together, graded on the cluster's coordination score."""
    score = float(cluster.get("score") or 0.0)
    level = confidence_level(score)
    return {
        "kind": "coordination",
        "hint": None,
        "statement": f"These accounts acted in coordination ({level} confidence).",
        "confidence": level,
        "evidence_score": round(score, 4),
        "evidence_score_is": "coordination score of the network (0-1)",
        "reasons": list(cluster.get("reasons") or []),
    }


def inauthenticity_statement(cluster: dict[str, Any]) -> dict[str, Any]:
    """That the accounts look inauthentic, graded on the cluster's inauthenticity score."""
    score = float(cluster.get("inauthenticity") or 0.0)
    level = confidence_level(score)
    if level == "none":
        text = ("No sign of inauthentic accounts stood out against the platform's other "
                "accounts.")  # fmt: skip
    else:
        text = (f"The accounts show signs of being inauthentic or operated in bulk "
                f"({level} confidence).")  # fmt: skip
    return {
        "kind": "inauthenticity",
        "hint": None,
        "statement": text,
        "confidence": level,
        "evidence_score": round(score, 4),
        "evidence_score_is": "inauthenticity score of the network (0-1)",
        "reasons": list(cluster.get("inauthenticity_reasons") or []),
    }


def attribution_statements(cluster: dict[str, Any]) -> list[dict[str, Any]]:
    """One statement per attribution hint that fired, then the overall one.

    Each hint keeps the stored reasons of its family; the overall statement keeps the rest
    (figures that did not stand out, data that was not available). A hint's evidence score
    is its weight in ``attribution_confidence`` (how directly it points at an operator; the
    time zone's weight scaled by the fit's confidence); the overall statement is graded on
    ``attribution_confidence`` itself.
    """
    hints = [str(h) for h in cluster.get("attribution_hints") or []]
    reasons = [str(r) for r in cluster.get("attribution_reasons") or []]
    zone_reason = next((r for r in reasons if r.startswith("time zone:")), "")
    zone = _ZONE.search(zone_reason)
    zone_label = zone.group(1) if zone else None
    out = []
    used: set[str] = set()
    for hint in hints:
        own = [r for r in reasons if r.startswith(_HINT_REASONS.get(hint, (hint,)))]
        used.update(own)
        score = WEIGHTS.get(hint, 0.0)
        if hint == "time_zone":
            found = _ZONE_CONFIDENCE.search(zone_reason)
            score *= float(found.group(1)) if found else 1.0
        level = confidence_level(score)
        out.append({
            "kind": "attribution",
            "hint": hint,
            "statement": f"{_hint_words(hint, hints, zone_label, own)} ({level} confidence).",
            "confidence": level,
            "evidence_score": round(score, 4),
            "evidence_score_is": "weight of this hint in attribution_confidence (0-1)",
            "reasons": own,
        })  # fmt: skip
    overall = float(cluster.get("attribution_confidence") or 0.0)
    level = confidence_level(overall)
    if hints:
        text = ("We did not establish who runs this network; the hints point at how and "
                f"where it may be run ({level} confidence overall).")  # fmt: skip
    else:
        text = ("We did not establish who runs this network, and no attribution hint stood "
                "out against the platform's other accounts.")  # fmt: skip
    out.append({
        "kind": "attribution",
        "hint": None,
        "statement": text,
        "confidence": level,
        "evidence_score": round(overall, 4),
        "evidence_score_is": "attribution_confidence of the network (0-1)",
        # what the hints above do not already cite: figures that did not stand out
        "reasons": [r for r in reasons if r not in used],
    })  # fmt: skip
    return out


def _hint_words(hint: str, hints: list[str], zone: str | None, reasons: list[str]) -> str:
    """The hint as a sentence, always "consistent with", never a finding."""
    main = next((m.group(1) for r in reasons if (m := _MAIN.search(r))), None)
    if hint == "time_zone":
        shift = " working office hours" if "office_hours" in hints else ""
        where = f"in {zone}" if zone else "in one time zone"
        return f"Activity patterns consistent with an operator {where}{shift}"
    if hint == "office_hours":
        local = f" ({zone} local time)" if zone else ""
        return (f"Activity concentrated in weekday office hours{local}, consistent with "
                "paid work shifts")  # fmt: skip
    if hint == "session_country":
        where = f"working from {main}" if main else "working from one country"
        return f"Platform session data consistent with operators {where}"
    if hint == "shared_infrastructure":
        return ("Members share IP addresses or devices, consistent with one operator "
                "running several accounts")  # fmt: skip
    if hint == "vpn":
        return ("Members connect through VPNs more often than other accounts, consistent "
                "with an effort to hide where they are")  # fmt: skip
    if hint == "language":
        lang = f" ({main})" if main else ""
        return f"The members' language{lang} is consistent with operators working in it"
    if hint == "location_mismatch":
        return ("Claimed profile locations do not fit the accounts' active hours, consistent "
                "with false locations")  # fmt: skip
    if hint == "listed_domains":
        return ("Members link to listed domains (by default state media) more than other "
                "accounts, consistent with ties to those outlets")  # fmt: skip
    return f"Attribution hint {hint!r}"
