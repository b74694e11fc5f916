"""The ``members`` table every assessment takes: one row per (cluster, actor)."""

from __future__ import annotations

import pyarrow as pa

from coordnet.errors import InputError

__all__ = ["validate_members"]


def validate_members(members: pa.Table) -> pa.Table:
    """``members`` as ``(cluster_id int64, actor_id string)`` with duplicate rows dropped, or an
    :class:`InputError` naming the fix (wrong type, missing columns, nulls, an actor in two
    clusters)."""
    if not isinstance(members, pa.Table):
        raise InputError(
            "members must be a pyarrow.Table with columns cluster_id and actor_id, "
            f"not {type(members).__name__}"
        )
    missing = [c for c in ("cluster_id", "actor_id") if c not in members.column_names]
    if missing:
        raise InputError(
            f"members lacks column(s) {', '.join(missing)}; it needs cluster_id (int64) and "
            f"actor_id (string), has {', '.join(members.column_names) or 'no columns'}"
        )
    try:
        cluster_id = members.column("cluster_id").cast(pa.int64())
        actor_id = members.column("actor_id").cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputError(f"members: cluster_id must be integers, actor_id strings: {exc}") from exc
    for name, col in (("cluster_id", cluster_id), ("actor_id", actor_id)):
        if col.null_count:
            raise InputError(f"members: {col.null_count} row(s) have no {name}; drop them first")
    pairs = sorted(set(zip(actor_id.to_pylist(), cluster_id.to_pylist(), strict=True)))
    clusters: dict[str, list[int]] = {}
    for actor, cluster in pairs:
        clusters.setdefault(actor, []).append(cluster)
    twice = [(a, c) for a, c in clusters.items() if len(c) > 1][:3]
    if twice:
        shown = "; ".join(f"{a} in clusters {', '.join(map(str, c))}" for a, c in twice)
        raise InputError(f"members: an account may belong to one cluster only: {shown}")
    return pa.table({"cluster_id": cluster_id, "actor_id": actor_id})
