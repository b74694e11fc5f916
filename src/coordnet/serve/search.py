"""Search the store by account id, handle, URL, hashtag or network id.

What a query is read as:

* ``#tag``: a hashtag (case-folded as the store keeps them); accounts that used it.
* something with ``://`` or starting with ``www.``: a URL, normalised as ingest normalises
  them (scheme and host lower-cased, tracking parameters dropped), matched against the
  normalised and the raw URLs; accounts that shared it.
* anything else: an exact account id, a handle (``@`` optional; exact match first, then
  handles containing the text), a network id when it is a number, and a hashtag when it
  is one word.

Results are accounts (with their network, role and current decision), networks first when
the query names one; at most :data:`MAX_RESULTS` accounts. URL and hashtag searches scan
the ``actions`` table (the list columns have no index): about a second per 10 M actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from coordnet.errors import InputError
from coordnet.serve.decisions import current_decisions
from coordnet.store import Store

__all__ = ["MAX_QUERY", "MAX_RESULTS", "SearchResult", "network_number", "search"]

MAX_RESULTS = 50
MAX_QUERY = 500
_WORD = re.compile(r"^#?[\w]+$", re.UNICODE)


@dataclass
class SearchResult:
    """Accounts and networks found for ``query``, and how the query was read."""

    query: str
    kinds: list[str]
    accounts: list[dict[str, Any]] = field(default_factory=list)
    networks: list[dict[str, Any]] = field(default_factory=list)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def network_number(text: str) -> int | None:
    """``text`` as a network id when it is 1 to 18 ASCII digits, else None. ``str.isdigit``
    alone also accepts digits such as ``²`` that ``int`` refuses."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


def search(store: Store, query: str) -> SearchResult:
    """Find accounts and networks matching ``query`` (see the module docstring)."""
    q = (query or "").strip()
    if len(q) > MAX_QUERY or "\x00" in q:
        raise InputError(f"a search is at most {MAX_QUERY} characters of text")
    if not q:
        return SearchResult(q, [])
    e = store.engine
    found: dict[str, str] = {}  # actor_id -> how it matched (first reason wins)
    kinds: list[str] = []

    def add(rows: list[tuple[Any, ...]], how: str) -> None:
        for (actor_id,) in rows:
            if len(found) < MAX_RESULTS:
                found.setdefault(str(actor_id), how)

    networks: list[dict[str, Any]] = []
    is_url = "://" in q or q.lower().startswith("www.")
    if is_url:
        kinds.append("url")
        add(e.rows(
            """SELECT actor_id FROM actions
               WHERE list_contains(urls, cn_norm_url(?)) OR list_contains(urls_raw, ?)
               GROUP BY actor_id ORDER BY count(*) DESC, actor_id LIMIT ?""",
            [q, q, MAX_RESULTS],
        ), "shared the URL")  # fmt: skip
    elif q.startswith("#"):
        kinds.append("hashtag")
        add(_hashtag(store, q), "used the hashtag")
    else:
        kinds.append("account")
        add(e.rows("SELECT DISTINCT actor_id FROM actors WHERE actor_id = ? "
                   "UNION SELECT ? WHERE EXISTS (SELECT 1 FROM actions WHERE actor_id = ?)",
                   [q, q, q]), "account id")  # fmt: skip
        handle = q.lstrip("@")
        if handle:
            add(e.rows(
                """SELECT actor_id FROM actors WHERE lower(handle) = lower(?)
                   GROUP BY actor_id ORDER BY actor_id LIMIT ?""",
                [handle, MAX_RESULTS],
            ), "handle")  # fmt: skip
            add(e.rows(
                r"""SELECT actor_id FROM actors WHERE handle ILIKE ? ESCAPE '\'
                    GROUP BY actor_id ORDER BY min(length(handle)), actor_id LIMIT ?""",
                [f"%{_escape_like(handle)}%", MAX_RESULTS],
            ), "handle contains the text")  # fmt: skip
        if network_number(q) is not None:
            networks = e.arrow(
                """SELECT cluster_id, reported, size, score, signals FROM clusters
                   WHERE cluster_id = ?""",
                [int(q)],
            ).to_pylist()
            if networks:
                kinds.append("network")
        if _WORD.match(q):
            kinds.append("hashtag")
            add(_hashtag(store, q), "used the hashtag")
    return SearchResult(q, kinds, _accounts(store, found), networks)


def _hashtag(store: Store, q: str) -> list[tuple[Any, ...]]:
    return store.engine.rows(
        """SELECT actor_id FROM actions WHERE list_contains(hashtags, cn_fold_tag(?))
           GROUP BY actor_id ORDER BY count(*) DESC, actor_id LIMIT ?""",
        [q, MAX_RESULTS],
    )


def _accounts(store: Store, found: dict[str, str]) -> list[dict[str, Any]]:
    """The found accounts with handle, network membership and current decision, members of
    reported networks first."""
    if not found:
        return []
    e = store.engine
    e.register("cn_serve_found", pa.table({"actor_id": pa.array(list(found), pa.string())}))
    try:
        rows = e.arrow(
            """SELECT f.actor_id, a.handle, a.display_name, m.cluster_id, m.role, m.reported,
                      c.reported AS network_reported
               FROM cn_serve_found f
               LEFT JOIN (SELECT actor_id, arg_min(handle, platform) AS handle,
                                 arg_min(display_name, platform) AS display_name
                          FROM actors WHERE actor_id IN (SELECT actor_id FROM cn_serve_found)
                          GROUP BY actor_id) a USING (actor_id)
               LEFT JOIN (SELECT * FROM cluster_members WHERE NOT outside
                          QUALIFY row_number() OVER (PARTITION BY actor_id
                                                     ORDER BY reported DESC, cluster_id) = 1) m
                      USING (actor_id)
               LEFT JOIN clusters c USING (cluster_id)"""
        ).to_pylist()
    finally:
        e.unregister("cn_serve_found")
    decisions = current_decisions(store, "account", found)
    order = {a: i for i, a in enumerate(found)}
    for row in rows:
        row["matched"] = found[row["actor_id"]]
        row["decision"] = decisions.get(row["actor_id"])
    rows.sort(key=lambda r: (not r["reported"], order[r["actor_id"]]))
    return rows
