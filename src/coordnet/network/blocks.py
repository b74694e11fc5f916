"""Candidate networks from the lockstep signal's blocks, the camouflage-resistant pass.

Leiden finds communities in the graph of pair-tested ties. A group whose members rarely
co-act as pairs (a slow-burn operation with a few coordinated reposts a week and plenty of
organic-looking activity) has no such ties; the ``lockstep`` signal
(:mod:`coordnet.signals.lockstep`) finds it from the objects' side and writes the blocks
to ``lockstep_members``. Here each block becomes a candidate network of its own, unless a
pair-based community already holds most of it:

* every actor goes to the block where it acted on the most block objects (ties: the
  smaller block, then the lower block id), so that blocks do not share members;
* a block is covered when at least ``COVERED`` (half) of its members are already in one
  Leiden community: that network has it, and the block's members outside every community
  join it when they acted on at least ``JOIN_OBJECTS`` (2) of the block's objects and a
  ``JOIN_SHARE`` (quarter) of what its busiest member did. A slow-burn operation is often
  half found by its pair ties; the other half, whose members joined fewer acts, is the same
  group. One-off members stay out: operations also repost popular organic posts, and the
  organic accounts that reposted one of them are members of the block too. Measured on the
  tuning scenarios (default, seeds 1-6): slow-burn members flagged 35/40 -> 40/40 (seed 2)
  and 20/40 -> 30/40 (seed 3), organic accounts flagged unchanged (1, 1, 0, 1, 0, 1);
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
#: Block objects a member outside every community needs to join the community covering it.
JOIN_OBJECTS = 2
#: ... and at least this share of the block objects of the block's busiest member.
JOIN_SHARE = 0.25


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
    objects: dict[str, int] = {}
    for block, actor_id, n, _size in rows:
        if str(actor_id) not in home:
            home[str(actor_id)] = int(block)
            objects[str(actor_id)] = int(n)
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
        fresh = sorted(a for a in group if a not in placed)
        if counts and counts.most_common(1)[0][1] >= COVERED * len(group):
            holder = counts.most_common(1)[0][0]
            need = max(JOIN_OBJECTS, JOIN_SHARE * max(objects[a] for a in group))
            for actor_id in (a for a in fresh if objects[a] >= need):
                placed[actor_id] = holder
                new_actors.append(actor_id)
                new_ids.append(holder)
            continue
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
