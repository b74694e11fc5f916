"""Run coordination-network-toolkit (the QUT peer) on a store's actions, for parity tests."""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
from pathlib import Path

from coordnet.store import Store

PEER_COLUMNS = ["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                "timestamp", "urls"]  # fmt: skip


def peer_network(
    store: Store, work: Path, network: str, window: float, where: str = "true"
) -> dict:
    """The peer's directed network ``{(user_1, user_2): weight}``, self-pairs dropped.

    The store's actions (those matching ``where``) are written in the peer's CSV layout with
    exact times (seconds as floats), then the peer's own CLI preprocesses them and computes
    ``network``.
    """
    rows = store.engine.rows(
        """SELECT action_id, actor_id,
                  CASE WHEN kind = 'repost' THEN parent_id END,
                  CASE WHEN kind = 'reply' THEN parent_id END,
                  coalesce(text, ''), epoch_ms(time) / 1000.0,
                  array_to_string(urls, ' ')
           FROM actions WHERE """
        + where
    )
    peer_csv, db = work / "peer.csv", work / f"peer-{network}.db"
    with open(peer_csv, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(PEER_COLUMNS)
        for action_id, actor_id, repost, reply, text, t, urls in rows:
            w.writerow([action_id, actor_id, actor_id, repost or "", reply or "", text, repr(t),
                        urls])  # fmt: skip
    run = [sys.executable, "-m", "coordination_network_toolkit", str(db)]
    subprocess.run([*run, "preprocess", "--format", "csv", str(peer_csv)], check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([*run, "compute", network, "--time_window", str(window),
                    "--min_edge_weight", "1", "--n_cpus", "1"], check=True,
                   capture_output=True)  # fmt: skip
    with sqlite3.connect(db) as con:
        found = con.execute(
            f"SELECT user_1, user_2, weight FROM {network}_network WHERE user_1 != user_2"
        )
        return {(u1, u2): w for u1, u2, w in found}


def directed(edges: list[dict]) -> dict:
    """Our undirected edges as the peer's directed weights."""
    out = {}
    for e in edges:
        out[(e["source"], e["target"])] = e["weight_source"]
        out[(e["target"], e["source"])] = e["weight_target"]
    return out
