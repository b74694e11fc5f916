"""The signal registry, and a battery every registered signal must pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import coordnet
from coordnet.cli import main
from coordnet.errors import InputError
from coordnet.signals import SIGNALS, Signal, get_signal
from coordnet.signals._base import EVIDENCE_Q
from coordnet.simulate import simulate
from coordnet.store import Store


def test_names_and_lookup() -> None:
    assert set(SIGNALS) == {
        "co_repost", "co_repost_slow", "co_link", "co_domain", "co_text", "co_hashtag",
        "co_reply", "co_mention",
        "hashtag_sequence", "creation_burst", "synchrony", "shared_infrastructure",
        "near_duplicate_text", "lockstep",
    }  # fmt: skip
    assert get_signal("co-repost") is SIGNALS["co_repost"]
    expected = "unknown signal 'co-nothing'; choose from co-domain, co-hashtag, co-link"
    with pytest.raises(InputError, match=expected):
        get_signal("co-nothing")


def test_cli_lists_every_signal() -> None:
    result = CliRunner().invoke(main, ["signals"], prog_name="coordnet")
    assert result.exit_code == 0
    for key in SIGNALS:
        assert key.replace("_", "-") in result.output


def files(sim: Path) -> list[Path]:
    """Tweets, account profiles and sessions: every signal's inputs."""
    return [sim / "tweets.csv", sim / "users.csv", sim / "sessions.csv"]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    simulate(out, scenario="default", accounts=600, days=2, seed=21)
    return out


@pytest.mark.parametrize("key", sorted(SIGNALS))
def test_battery(key: str, simulated: Path, store: Store) -> None:
    """No self-pairs, source < target, evidence for every edge, refit replaces, row order."""
    coordnet.ingest(files(simulated), store)
    sig: Signal = SIGNALS[key](window=120, min_shared=1).fit(store)
    edges = sig.edges_.to_pylist()
    assert edges, f"{key} found nothing on the default scenario"
    assert all(e["source"] < e["target"] for e in edges)
    assert all(e["n_objects"] >= 1 and e["weight_source"] >= 1 for e in edges)
    # Evidence for every edge that fusion can keep (q <= EVIDENCE_Q), and only for those.
    significant = {(e["source"], e["target"]) for e in edges if e["q_value"] <= EVIDENCE_Q}
    assert significant == {(r["source"], r["target"]) for r in sig.evidence_.to_pylist()}
    assert all(abs(r["lag_s"]) <= 120 for r in sig.evidence_.to_pylist())
    every = SIGNALS[key](window=120, min_shared=1).fit(store, evidence_q=1.0)
    pairs = {(e["source"], e["target"]) for e in edges}
    assert pairs == {(r["source"], r["target"]) for r in every.evidence_.to_pylist()}
    again = SIGNALS[key](window=120, min_shared=1).fit(store)
    assert again.edges_.equals(sig.edges_)
    assert store.engine.scalar("SELECT count(*) FROM edges WHERE signal = ?", [key]) == len(edges)
    # The same actions inserted in reverse order give the same edges.
    other = coordnet.open_store()
    coordnet.ingest(files(simulated), other)
    other.engine.execute("CREATE TABLE rev AS SELECT * FROM actions ORDER BY action_id DESC")
    other.engine.execute("DELETE FROM actions")
    other.engine.execute("INSERT INTO actions SELECT * FROM rev")
    assert SIGNALS[key](window=120, min_shared=1).fit(other).edges_.equals(sig.edges_)


def test_store_min_objects_leaves_q_values_alone(simulated: Path, store: Store) -> None:
    """Edges below store_min_objects are tested but not stored; the stored ones' q-values
    are exactly those of a fit that stores everything."""
    coordnet.ingest(files(simulated), store)
    every = {(e["source"], e["target"]): e for e in
             SIGNALS["co_link"](window=600).fit(store).edges_.to_pylist()}  # fmt: skip
    sig = SIGNALS["co_link"](window=600).fit(store, store_min_objects=2)
    kept = {(e["source"], e["target"]): e for e in sig.edges_.to_pylist()}
    assert kept and len(kept) < len(every)
    assert kept.keys() == {k for k, e in every.items() if e["n_objects"] >= 2}
    assert all(kept[k]["q_value"] == every[k]["q_value"] for k in kept)
    assert sig.stats_["edges_tested"] == len(every) and sig.stats_["edges"] == len(kept)
    assert {(r["source"], r["target"]) for r in sig.evidence_.to_pylist()} <= kept.keys()
    with pytest.raises(InputError, match="store_min_objects"):
        SIGNALS["co_link"]().fit(store, store_min_objects=0)
