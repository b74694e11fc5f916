"""The reported networks of the last ``detect`` run: which exist, and picking some by id.

Every stage that publishes findings (report, graph exports, takedown summary, disclosure,
indicators) starts from the same question, "which networks?", and must answer it the same way:
the reported clusters of the store, or the ids a user names, with a clear error for an id that
is not a reported network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from coordnet.errors import InputError
from coordnet.store import Store

__all__ = ["detect_settings", "has_results", "reported_networks", "select_networks"]

_RESULT_TABLES = ("clusters", "cluster_members", "fused_edges")


def has_results(store: Store) -> bool:
    """Whether ``store`` holds the tables a ``detect`` run writes."""
    found = {
        str(row[0])
        for row in store.engine.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_name IN (?, ?, ?)",
            list(_RESULT_TABLES),
        )
    }
    return found == set(_RESULT_TABLES)


def reported_networks(store: Store) -> list[int]:
    """Ids of the reported networks, strongest first (score, then size, then id)."""
    if not has_results(store):
        raise InputError(f"{store.path}: no detection results; run coordnet detect first")
    rows = store.engine.rows(
        "SELECT cluster_id FROM clusters WHERE reported ORDER BY score DESC, size DESC, cluster_id"
    )
    return [int(row[0]) for row in rows]


def select_networks(store: Store, ids: Iterable[int] | None = None) -> list[int]:
    """The reported networks named by ``ids`` (all of them when ``ids`` is None or empty).

    Keeps the strongest-first order of :func:`reported_networks`; raises :class:`InputError`
    naming any id that is not a reported network, with the ids that are.
    """
    reported = reported_networks(store)
    wanted = list(dict.fromkeys(int(i) for i in ids)) if ids else []
    if not wanted:
        return reported
    unknown = sorted(set(wanted) - set(reported))
    if unknown:
        shown = ", ".join(str(i) for i in reported[:20]) or "none"
        more = f" (and {len(reported) - 20} more)" if len(reported) > 20 else ""
        raise InputError(
            f"{store.path}: network {', '.join(str(i) for i in unknown)} is not a reported "
            f"network; reported: {shown}{more}"
        )
    chosen = set(wanted)
    return [i for i in reported if i in chosen]


def detect_settings(store: Store) -> dict[str, Any] | None:
    """The fusion, cluster, decision and signal settings of the last ``detect`` run, or None
    for a store written before they were kept."""
    e = store.engine
    if not e.rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'detect_settings'"):
        return None
    rows = e.rows("SELECT CAST(settings AS VARCHAR) FROM detect_settings LIMIT 1")
    return json.loads(rows[0][0]) if rows else None
