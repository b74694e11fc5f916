"""STIX 2.1 for shared indicators: the patterns coordnet writes and reads, hashing, bundles.

Each indicator type is one STIX pattern on one observable property:

============  ==========================================  ===================================
type          pattern                                     value
============  ==========================================  ===================================
``user_id``   ``[user-account:user_id = '...']``          SHA-256 of the platform's id
``handle``    ``[user-account:account_login = '...']``    SHA-256 of the lower-cased handle
``url``       ``[url:value = '...']``                     normalised URL
``domain``    ``[domain-name:value = '...']``             host without ``www.``
``ip``        ``[ipv4-addr:value = '...']`` (or ipv6)     address
``hashtag``   ``[x-coordnet-hashtag:value = '...']``      case-folded, without ``#``
``text``      ``[x-coordnet-text:fingerprint_md5 = ..]``  MD5 of the normalised text
============  ==========================================  ===================================

Hashtags and text fingerprints have no STIX observable, so they use custom observable types
(``x-`` prefix, allowed by the pattern grammar): the patterns validate with the stix2 library
and need no custom properties, so a consumer that does not know the types simply never
matches them. The text fingerprint is coordnet's ``text_hash`` (lower-cased, ``RT @user:``,
URLs and extra white space removed, then MD5), stated in the indicator's description.

Account ids and handles are shared hashed: plain SHA-256 of the normalised value, or
HMAC-SHA256 keyed by a salt two platforms agreed on. Plain SHA-256 is what cross-platform
matching needs: the receiver hashes its own handles the same way and compares, without either
side publishing a list of accounts in the clear, and the same operator often reuses a handle on
several platforms. Its weakness: handles are short and guessable, so anyone with a list of
candidate handles (or a platform's directory) can reverse the hashes by trying them; it
hides the list from casual readers, not from a determined one. A shared salt stops outsiders
(not the partner, who must be able to match).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import stix2
import stix2.exceptions
from stix2patterns.exceptions import ParseException
from stix2patterns.v21.pattern import Pattern

from coordnet.errors import InputError

__all__ = [
    "IDENTITY_TYPES",
    "INDICATOR_TYPES",
    "Comparison",
    "hash_identifier",
    "normalise_handle",
    "pattern_for",
    "read_bundle",
    "stix_objects",
]

#: Indicator types in the order they are written.
INDICATOR_TYPES: tuple[str, ...] = (
    "user_id", "handle", "url", "domain", "hashtag", "text", "ip",
)  # fmt: skip
#: Types that name one account (hashed).
IDENTITY_TYPES: tuple[str, ...] = ("user_id", "handle")

#: (observable type, property path) -> indicator type, for reading patterns.
_READABLE: dict[tuple[str, str], str] = {
    ("user-account", "user_id"): "user_id",
    ("user-account", "account_login"): "handle",
    ("url", "value"): "url",
    ("domain-name", "value"): "domain",
    ("ipv4-addr", "value"): "ip",
    ("ipv6-addr", "value"): "ip",
    ("x-coordnet-hashtag", "value"): "hashtag",
    ("x-coordnet-text", "fingerprint_md5"): "text",
}
_WRITE: dict[str, str] = {t: f"{o}:{p}" for (o, p), t in _READABLE.items() if o != "ipv6-addr"}


def normalise_handle(handle: str) -> str:
    """A handle as platforms compare them: trimmed, without ``@``, lower-cased."""
    return handle.strip().lstrip("@").lower()


def hash_identifier(value: str, salt: bytes | None = None) -> str:
    """SHA-256 (or, with ``salt``, HMAC-SHA256) of a normalised id or handle, as hex."""
    data = value.encode("utf-8")
    if salt:
        return hmac.new(salt, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def _literal(value: str) -> str:
    """A STIX pattern string literal (backslash escapes ``\\`` and ``'``)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _unliteral(text: str) -> str | None:
    """The value of a STIX string literal, or None for other literal kinds."""
    if len(text) < 2 or text[0] != "'" or text[-1] != "'":
        return None
    out, chars, i = [], text[1:-1], 0
    while i < len(chars):
        if chars[i] == "\\" and i + 1 < len(chars):
            i += 1
        out.append(chars[i])
        i += 1
    return "".join(out)


def pattern_for(kind: str, value: str) -> str:
    """The STIX pattern of one indicator value."""
    path = _WRITE[kind]
    if kind == "ip" and ":" in value:
        path = "ipv6-addr:value"
    return f"[{path} = {_literal(value)}]"


@dataclass(frozen=True)
class Comparison:
    """One ``type:property = 'value'`` read from a bundle's indicator."""

    kind: str
    value: str
    #: The indicator's confidence (0-100), None when it gives none.
    confidence: int | None
    indicator_id: str
    name: str


def read_bundle(path: str | Path) -> tuple[list[Comparison], dict[str, int], int]:
    """Parse and validate a STIX bundle; return its usable comparisons.

    Returns ``(comparisons, unsupported, n_indicators)``: every equality comparison on an
    observable property coordnet can look up, counts of what it cannot use by reason, and
    the number of Indicator objects. Each comparison counts on its own: ``AND``,
    ``FOLLOWEDBY`` and qualifiers are not evaluated. Raises :class:`InputError` naming the
    path for a file that is not a valid STIX bundle.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a STIX bundle: not JSON ({exc})") from exc
    objects = data.get("objects", []) if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise InputError(
            f"{path}: not a STIX bundle: the top level must be an object of type 'bundle'"
        )
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise InputError(f"{path}: not a STIX bundle: 'objects' must be a list of objects")
    try:
        bundle = stix2.parse(data, allow_custom=True)
    except (stix2.exceptions.STIXError, ValueError, TypeError, KeyError) as exc:
        raise InputError(f"{path}: not a valid STIX bundle: {exc}") from exc
    comparisons: list[Comparison] = []
    unsupported: dict[str, int] = {}
    n_indicators = 0
    for obj in bundle.get("objects", None) or []:
        if obj.get("type") != "indicator":
            continue
        n_indicators += 1
        if obj.get("pattern_type", "stix") != "stix":
            _count(unsupported, f"pattern type {obj.get('pattern_type')}")
            continue
        found = _comparisons(str(obj["pattern"]), unsupported)
        conf = obj.get("confidence")
        for kind, value in found:
            comparisons.append(
                Comparison(
                    kind,
                    value,
                    None if conf is None else int(conf),
                    str(obj["id"]),
                    str(obj.get("name") or ""),
                )
            )
    return comparisons, unsupported, n_indicators


def _comparisons(pattern: str, unsupported: dict[str, int]) -> Iterable[tuple[str, str]]:
    try:
        parsed = Pattern(pattern).inspect()
    except ParseException:  # stix2.parse validated it; a 2.0 pattern may still differ
        _count(unsupported, "pattern not readable as STIX 2.1")
        return []
    found = []
    for obj_type, items in parsed.comparisons.items():
        for path, op, literal in items:
            prop = ".".join(str(p) for p in path)
            kind = _READABLE.get((obj_type, prop))
            value = _unliteral(literal)
            if kind is None:
                _count(unsupported, f"{obj_type}:{prop}")
            elif op != "=" or value is None:
                _count(unsupported, f"operator {op} or non-string value")
            else:
                found.append((kind, value))
    return found


def _count(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def stix_objects(
    producer: str,
    networks: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    *,
    salt_used: bool,
) -> stix2.Bundle:
    """Identity, one Grouping per network and one Indicator per row, as a Bundle."""
    identity = stix2.Identity(name=producer, identity_class="organization")
    objects: list[Any] = [identity]
    hashing = "hmac-sha256" if salt_used else "sha256"
    for net in networks:
        refs = []
        for row in (r for r in rows if r["network"] == net["cluster_id"]):
            ind = stix2.Indicator(
                name=f"network {net['cluster_id']}: {row['type']} {row['value']}",
                description=_describe(row, hashing),
                pattern=pattern_for(row["type"], row["value"]),
                pattern_type="stix",
                valid_from=row["first_seen"],
                indicator_types=["anomalous-activity"],
                confidence=int(row["confidence"]),
                labels=[f"coordnet:{row['type']}"]
                + ([f"hash:{hashing}"] if row["type"] in IDENTITY_TYPES else []),
                created_by_ref=identity.id,
            )
            objects.append(ind)
            refs.append(ind.id)
        if refs:
            objects.append(
                stix2.Grouping(
                    name=f"coordnet network {net['cluster_id']}",
                    description=net["description"],
                    context="suspicious-activity",
                    object_refs=refs,
                    created_by_ref=identity.id,
                )
            )
    return stix2.Bundle(objects=objects)


def _describe(row: dict[str, Any], hashing: str) -> str:
    if row["type"] in IDENTITY_TYPES:
        what = "platform id" if row["type"] == "user_id" else "handle (lower-cased, no @)"
        return (
            f"{hashing.upper()} of a member account's {what}; member score "
            f"{row['confidence']} / 100."
        )
    share = f"{row['share_inside']:.0%}"
    note = (
        " Fingerprint: MD5 of the text lower-cased, without a leading 'RT @user:', "
        "without URLs, white space collapsed."
        if row["type"] == "text"
        else ""
    )
    return (
        f"Used by {row['n_actors']} member(s) and {row['n_outside']} other account(s) of "
        f"the analysed data ({share} inside the network).{note}"
    )
