"""The reporting rule, and where an account amplified by one cluster but a member of another
ends up: every account keeps one row."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from coordnet.assess.coordination import Coordination, outside_seeds_reason
from coordnet.detect import detect
from coordnet.network.decide import NOT_ASSESSED, DecisionParams, decide
from coordnet.simulate.run import simulate


class Tables:
    """An assessment's two tables (what decide reads from each assessment)."""

    def __init__(self, clusters: list[dict[str, Any]], actors: list[dict[str, Any]]) -> None:
        self.clusters = pa.Table.from_pylist(clusters)
        self.actors = pa.Table.from_pylist(actors)


def _cluster(cid: int, score: float, size: int, n_outside: int = 0) -> dict[str, Any]:
    reasons = [f"{size} accounts"] + ([outside_seeds_reason(n_outside)] if n_outside else [])
    return {"cluster_id": cid, "score": score, "size": size, "n_outside_seeds": n_outside,
            "reasons": reasons}  # fmt: skip


def _actor(cid: int, actor: str, outside: bool = False) -> dict[str, Any]:
    return {"cluster_id": cid, "actor_id": actor, "score": 0.5, "outside": outside,
            "role": "seed" if outside else "amplifier"}  # fmt: skip


def _decide(scores: dict[int, float], inauth: dict[int, float], actors: list[dict[str, Any]]):
    sizes = {c: sum(1 for a in actors if a["cluster_id"] == c and not a["outside"]) for c in scores}
    outside = {c: sum(1 for a in actors if a["cluster_id"] == c and a["outside"]) for c in scores}
    coord = Coordination(
        clusters=pa.Table.from_pylist(
            [_cluster(c, s, sizes[c], outside[c]) for c, s in scores.items()]
        ),
        actors=pa.Table.from_pylist(actors),
    )
    ina = Tables([{"cluster_id": c, "inauthenticity": v, "reasons": []} for c, v in inauth.items()],
                 [{"actor_id": a["actor_id"], "inauthenticity": 0.0, "reasons": []}
                  for a in actors])  # fmt: skip
    att = Tables([{"cluster_id": c, "attribution_confidence": 0.0, "reasons": [], "hints": []}
                  for c in scores], [])  # fmt: skip
    return decide(coord, ina, att, DecisionParams())


def test_seed_held_by_an_unreported_cluster_moves_to_the_network_it_seeds() -> None:
    actors = [_actor(1, "a"), _actor(1, "b"), _actor(1, "s", outside=True),
              _actor(2, "s"), _actor(2, "x"), _actor(2, "y")]  # fmt: skip
    out = _decide({1: 0.6, 2: 0.25}, {1: 0.5, 2: 0.0}, actors)
    rows = out.actors.to_pylist()
    seed = [r for r in rows if r["actor_id"] == "s"]
    assert len(seed) == 1
    assert (seed[0]["cluster_id"], seed[0]["outside"], seed[0]["reported"]) == (1, True, True)
    clusters = {r["cluster_id"]: r for r in out.clusters.to_pylist()}
    assert [c["reported"] for c in clusters.values()] == [True, False]
    assert clusters[1]["n_outside_seeds"] == 2
    assert outside_seeds_reason(2) in clusters[1]["reasons"]
    assert outside_seeds_reason(1) not in clusters[1]["reasons"]
    assert clusters[2]["size"] == 2
    assert any("moved out" in r for r in clusters[2]["reasons"])


def test_seed_stays_in_its_own_reported_cluster() -> None:
    actors = [_actor(1, "a"), _actor(1, "b"), _actor(1, "s", outside=True),
              _actor(2, "s"), _actor(2, "x")]  # fmt: skip
    out = _decide({1: 0.6, 2: 0.6}, {1: 0.5, 2: 0.5}, actors)
    seed = [r for r in out.actors.to_pylist() if r["actor_id"] == "s"]
    assert [(r["cluster_id"], r["outside"]) for r in seed] == [(2, False)]
    clusters = {r["cluster_id"]: r for r in out.clusters.to_pylist()}
    assert (clusters[1]["n_outside_seeds"], clusters[2]["size"]) == (1, 2)


def test_seed_of_an_unreported_cluster_stays_a_member_where_it_is() -> None:
    actors = [_actor(1, "a"), _actor(1, "s", outside=True), _actor(2, "s"), _actor(2, "x")]
    out = _decide({1: 0.1, 2: 0.1}, {1: 0.0, 2: 0.0}, actors)
    seed = [r for r in out.actors.to_pylist() if r["actor_id"] == "s"]
    assert [(r["cluster_id"], r["outside"], r["reported"]) for r in seed] == [(2, False, False)]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The default scenario, 600 organic accounts over 3 days (every campaign style)."""
    sim = tmp_path_factory.mktemp("sim")
    simulate(sim, scenario="default", accounts=600, days=3, seed=5)
    out = tmp_path_factory.mktemp("out")
    detect([sim / "tweets.csv", sim / "users.csv", sim / "sessions.csv"], out)
    return sim, out


def test_outside_seeds_are_amplified_repeatedly_and_mostly_by_their_network(
    small_run: tuple[Path, Path],
) -> None:
    sim, out = small_run
    labels = {r["actor_id"]: r for r in csv.DictReader((sim / "labels.csv").open())}
    with duckdb.connect(str(out / "store.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) - count(DISTINCT actor_id) FROM cluster_members"
                       ).fetchone() == (0,)  # fmt: skip
        seeds = con.execute(
            """WITH o AS (SELECT cluster_id, actor_id FROM cluster_members
                          WHERE outside AND reported)
               SELECT o.actor_id, count(DISTINCT x.parent_id) AS posts,
                      count(DISTINCT x.actor_id) AS amplifiers, count(*) AS n_cluster,
                      (SELECT count(*) FROM actions y WHERE y.parent_actor_id = o.actor_id
                         AND y.kind IN ('repost', 'reply', 'quote')) AS n_all
               FROM o JOIN actions x ON x.parent_actor_id = o.actor_id
               JOIN cluster_members m ON m.actor_id = x.actor_id
                 AND m.cluster_id = o.cluster_id AND NOT m.outside
               WHERE x.kind IN ('repost', 'reply', 'quote') GROUP BY ALL"""
        ).fetchall()
    assert seeds, "the campaigns' seeds should be found outside their amplifiers' clusters"
    for actor, posts, amplifiers, n_cluster, n_all in seeds:
        assert posts >= 2 and amplifiers >= 3 and n_cluster * 2 >= n_all
        assert labels[actor]["role"] == "seed", f"organic account {actor} reported as a seed"


def test_clusters_that_cannot_be_reported_are_not_assessed(small_run: tuple[Path, Path]) -> None:
    _, out = small_run
    with duckdb.connect(str(out / "store.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT cluster_id, score, reported, inauthenticity, inauthenticity_reasons, "
            "attribution_confidence FROM clusters"
        ).fetchall()
        members = con.execute(
            "SELECT m.inauthenticity_reasons, c.score FROM cluster_members m "
            "JOIN clusters c USING (cluster_id) WHERE NOT m.outside"
        ).fetchall()
    low = DecisionParams().lowest_reportable()
    below = [r for r in rows if r[1] < low]
    assert below and len(below) < len(rows)
    for _cid, score, reported, inauth, reasons, confidence in rows:
        if score < low:
            assert (reported, inauth, reasons, confidence) == (False, 0.0, [NOT_ASSESSED], 0.0)
        else:
            assert NOT_ASSESSED not in reasons
    assert all((reasons == [NOT_ASSESSED]) == (score < low) for reasons, score in members)
    assert DecisionParams(strong_score=0.1).lowest_reportable() == 0.1
