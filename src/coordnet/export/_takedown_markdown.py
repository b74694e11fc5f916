"""The Markdown form of a takedown summary, with every piece of user content made inert.

Handles, names, post texts, platform names, claimed places and client names come from the
data and are hostile: pasted into an issue tracker, a wiki or a CMS, a summary must not
carry links, images, HTML or formatting its authors did not write. :func:`md_text` makes a
string inert for CommonMark and GitHub Flavored Markdown:

- control characters, bidirectional overrides and zero-width characters are removed
  (they can reorder or hide text) and line breaks become spaces, so user text never starts
  a block of its own;
- links are *defanged* as in threat-intelligence reports: ``https://`` becomes
  ``hxxps://``, and the dots of ``www.`` and of domain-like words become ``[.]``, so no
  renderer's autolinker (GFM's ``www.`` and ``http`` rules, linkify's bare domains)
  finds a link; ``@`` inside a word becomes ``[@]`` (e-mail autolinks);
- ``&``, ``<`` and ``>`` become entities, so no HTML tag or entity can form;
- every other character Markdown gives a meaning inline (``\\ ` * _ { } [ ] # | ~ $ @``:
  emphasis, code, link and image brackets, attribute spans, issue references, tables,
  strike-through, maths, mentions) is backslash-escaped, and a leading ``-``, ``+``, ``=``
  or ``1.`` too. Parentheses and ``!`` stay: without an unescaped ``[`` they make no link or
  image.

The JSON form keeps the original strings, as data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

__all__ = ["md_text", "render_markdown"]

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_SPACE = re.compile(r"\s+")
_SCHEME = re.compile(r"\b([hH])[tT][tT]([pP][sS]?)(?=:)")
_FTP = re.compile(r"\b([fF])[tT]([pP])(?=:)")
_DOMAIN = re.compile(r"(?i)\b(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]+\b")
_WWW = re.compile(r"(?i)\bwww\.")
_EMAIL_AT = re.compile(r"(?<=\w)@(?=\w)")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~$@])")
_LEAD_MARK = re.compile(r"^([-+=])")
_LEAD_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_MAX_CHARS = 600


def md_text(value: Any, *, limit: int = _MAX_CHARS) -> str:
    r"""``value`` as inert inline Markdown (see the module docstring); cut at ``limit``.

    >>> print(md_text('<b>hi</b> [see](https://evil.com/x) *now*'))
    &lt;b&gt;hi&lt;/b&gt; \[see\](hxxps://evil\[.\]com/x) \*now\*
    """
    text = _SPACE.sub(" ", _INVISIBLE.sub("", str(value))).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    text = _SCHEME.sub(r"\1xx\2", text)
    text = _FTP.sub(r"\1x\2", text)
    text = _WWW.sub(lambda m: m.group(0)[:-1] + "[.]", text)
    text = _DOMAIN.sub(lambda m: m.group(0).replace(".", "[.]"), text)
    text = _EMAIL_AT.sub("[@]", text)
    # one pass escapes the backslash with the rest; the entities cannot be re-escaped after
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _LEAD_MARK.sub(r"\\\1", text)
    return _LEAD_NUMBER.sub(r"\1\\\2", text)


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return "unknown" if value is None else md_text(value)


def _n(value: Any) -> str:
    return "not available" if value is None else f"{value:,}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _score(value: Any) -> str:
    return "not available" if value is None else f"{float(value):.2f}"


def render_markdown(doc: dict[str, Any], takedowns: Sequence[Any]) -> str:
    """The whole summary: a header, the confidence scale, then one section per network.

    ``doc`` is the JSON document's top level (version, method, scale); ``takedowns`` the
    :class:`~coordnet.export.takedown.Takedown` objects, in the document's order.
    """
    lines = [
        "# Takedown summary",
        "",
        f"{len(takedowns)} network(s), written by coordnet {md_text(doc['coordnet_version'])} "
        "from the results of `coordnet detect`. Times are UTC. Figures are computed from the "
        "store; user content is quoted with links defanged (`hxxps`, `[.]`).",
        "",
        "Confidence scale (the score behind each statement is named in takedown.json):",
        "",
    ]
    for band in doc["confidence_scale"]:
        span = "0" if band["level"] == "none" else f"{band['min']:.2f}-{band['max']:.2f}"
        lines.append(f"- **{band['level']}** ({span}): {band['meaning']}")
    for t in takedowns:
        lines += ["", *_network(t)]
    return "\n".join(lines) + "\n"


def _network(t: Any) -> list[str]:
    kinds = ", ".join(f"{md_text(k)}: {n:,}" for k, n in t.actor_kinds.items()) or "none"
    platforms = ", ".join(md_text(p) for p in t.platforms) or "unknown platform"
    lines = [
        f"## Network {t.cluster_id}: {t.n_members:,} members on {platforms}",
        "",
        md_text(t.summary, limit=10_000),
        "",
        "| figure | value |",
        "|---|---|",
        f"| accounts | {t.n_accounts:,} |",
        f"| pages | {t.n_pages:,} |",
        f"| groups | {t.n_groups:,} |",
        f"| channels | {t.n_channels:,} |",
        f"| all members by kind | {kinds} |",
        f"| outside seeds (amplified, not tied) | {t.n_outside_seeds:,} |",
        f"| followers (sum over members) | {_n(t.followers_total)} "
        f"({t.n_members_without_followers:,} members without a figure) |",
        f"| members' activity, first to last action | {_when(t.active_first_at)} to "
        f"{_when(t.active_last_at)} |",
        f"| coordinated activity (co-actions) | {_when(t.coordinated_first_at)} to "
        f"{_when(t.coordinated_last_at)} |",
        f"| actions by members | {t.n_actions:,} |",
        f"| coordination score | {_score(t.score)} |",
        f"| inauthenticity score | {_score(t.inauthenticity)} |",
        f"| attribution confidence | {_score(t.attribution_confidence)} |",
        "",
        "### Behaviours observed",
        "",
    ]
    lines += [f"- {md_text(b['description'], limit=10_000)}" for b in t.behaviours] or ["- none"]
    lines += ["", "### Statements", ""]
    for s in t.statements:
        title = s["kind"] if not s["hint"] else f"{s['kind']} hint"
        lines.append(f"- **{title}**: {md_text(s['statement'], limit=10_000)}")
        lines += [f"  - {md_text(r, limit=10_000)}" for r in s["reasons"]]
    lines += ["", "### Most shared content", ""]
    if t.shared_objects:
        lines += ["| members | co-actions | kind | content |", "|---:|---:|---|---|"]
        lines += [
            f"| {o['n_members']:,} | {o['n_coactions']:,} | {md_text(o['kind'])} | "
            f"“{md_text(o['preview'] if o['preview'] is not None else o['object'])}” |"
            for o in t.shared_objects
        ]
    else:
        lines.append("No shared content (the network's behaviours share no posts, links or "
                     "tags).")  # fmt: skip
    lines += ["", "### Example posts", ""]
    lines += [
        f"- “{md_text(p['text'])}” ({_count(p['n_members'], 'member')}, "
        f"{_count(p['n_posts'], 'post')}, first {_when(p['first_at'])})"
        for p in t.example_posts
    ] or ["- no original posts, replies or quotes with text"]
    lines += [
        "",
        "### Strongest members",
        "",
        "| account id | handle | name | kind | role | score | followers |",
        "|---|---|---|---|---|---:|---:|",
    ]
    lines += [
        f"| “{md_text(a['actor_id'])}” | “{md_text(a['handle'] or '')}” | "
        f"“{md_text(a['display_name'] or '')}” | {md_text(a['actor_kind'] or 'unknown')} | "
        f"{md_text(a['role'])} | {_score(a['score'])} | {_n(a['followers'])} |"
        for a in t.accounts
    ]
    return lines
