"""Candidate networks from the lockstep signal's blocks, the camouflage-resistant pass.

Leiden finds communities in the graph of pair-tested ties. A group whose members rarely
co-act as pairs (a slow-burn operation with a few coordinated reposts a week and plenty of
organic-looking activity) has no such ties; the ``lockstep`` signal
(:mod:`coordnet.signals.lockstep`) finds it from the objects' side and writes the blocks
to ``lockstep_members``. Here each block becomes a candidate network of its own, unless a
pair-based community already holds most of it:

* every actor goes to the block where it acted on the most block objects (ties: the
  smaller block, then the lower block id), so that blocks do not share members;
* a block is skipped when at least ``COVERED`` (half) of its members are already in one
  Leiden community: that network has it;
* otherwise its members not already in a community form a new candidate network, when
  there are at least ``min_size`` of them.

Block networks are then scored, assessed and decided like every other candidate; organic
blocks (fans, topical communities) are many and are stopped by the reporting rule.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pyarrow as pa

from coordnet.store import Store

__all__ = ["COVERED", "block_clusters"]

#: Share of a block's members in one existing community at which the block is covered.
COVERED = 0.5


def block_clusters(store: Store, members: pa.Table, min_size: int) -> pa.Table:
    """``members`` (``actor_id``, ``cluster_id``) plus one new cluster per uncovered block.

    New clusters get ids after the existing ones, the largest first; without a
    ``lockstep_members`` table (the signal was not run) ``members`` comes back unchanged.
    """
    e = store.engine
    if not e.rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'lockstep_members'"):
        return members
    rows = e.rows(
        """SELECT block, actor_id, n_objects, count(*) OVER (PARTITION BY block) AS size
           FROM lockstep_members ORDER BY actor_id, n_objects DESC, size, block"""
    )
    home: dict[str, int] = {}
    for block, actor_id, _n, _size in rows:
        home.setdefault(str(actor_id), int(block))
    blocks: dict[int, list[str]] = defaultdict(list)
    for actor_id, block in home.items():
        blocks[block].append(actor_id)
    placed = dict(
        zip(members.column("actor_id").to_pylist(), members.column("cluster_id").to_pylist(),
            strict=True)
    )  # fmt: skip
    next_id = max(placed.values(), default=0) + 1
    new_actors: list[str] = []
    new_ids: list[int] = []
    for _block, group in sorted(blocks.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        counts = Counter(placed[a] for a in group if a in placed)
        if counts and counts.most_common(1)[0][1] >= COVERED * len(group):
            continue
        fresh = sorted(a for a in group if a not in placed)
        if len(fresh) < min_size:
            continue
        for actor_id in fresh:
            placed[actor_id] = next_id
            new_actors.append(actor_id)
            new_ids.append(next_id)
        next_id += 1
    if not new_actors:
        return members
    added = pa.table({"actor_id": pa.array(new_actors, pa.string()),
                      "cluster_id": pa.array(new_ids, pa.int64())})  # fmt: skip
    return pa.concat_tables([members, added.select(members.column_names).cast(members.schema)])
