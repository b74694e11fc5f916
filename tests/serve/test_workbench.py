"""The app's one open store: refusals at start, the page cache and its read-ahead, closing."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordnet.errors import InputError
from coordnet.networks import reported_networks
from coordnet.serve.decisions import record_decision
from coordnet.serve.views import UnknownTarget
from coordnet.serve.workbench import Workbench
from coordnet.store import open_store


def test_refuses_what_it_cannot_serve(tmp_path: Path, store_copy: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        Workbench(tmp_path / "none.duckdb")
    assert not (tmp_path / "none.duckdb").exists()
    with open_store(tmp_path / "plain.duckdb"):
        pass
    with pytest.raises(InputError, match="no detection results"):
        Workbench(tmp_path / "plain.duckdb")
    with pytest.raises(InputError, match="salt file"):
        Workbench(store_copy, salt_file=tmp_path / "salt.txt")


def test_pages_are_cached_but_decisions_are_fresh(store_copy: Path) -> None:
    bench = Workbench(store_copy)
    try:
        with bench.locked() as st:
            first, second = reported_networks(st)[:2]
            candidate = st.engine.scalar("SELECT min(cluster_id) FROM clusters WHERE NOT reported")
        view, embedded = bench.network(first)
        assert view.cluster["cluster_id"] == first and view.current is None
        assert f'"id":{first}' in str(embedded)
        # the next network of the queue was read along with the first one
        assert second in bench._details and second not in bench._cache
        again, same = bench.network(first)
        assert same is embedded and again.detail is view.detail
        with bench.locked() as st:
            record_decision(st, "network", str(first), "confirmed", analyst="ann")
            record_decision(st, "account", view.members[0]["actor_id"], "dismissed",
                            analyst="ann")  # fmt: skip
        fresh, _ = bench.network(first)
        assert fresh.current is not None and fresh.current.decision == "confirmed"
        assert fresh.members[0]["decision"].decision == "dismissed"
        assert view.members[0]["decision"] is None  # the cached part was not changed
        other, _ = bench.network(second)
        assert other.cluster["cluster_id"] == second and second in bench._cache
        with pytest.raises(UnknownTarget, match="candidate cluster"):
            bench.network(int(candidate))
        with pytest.raises(UnknownTarget, match="not in the store"):
            bench.network(10**12)
    finally:
        bench.close()
    with pytest.raises(InputError, match="closed"), bench.locked():
        pass
    bench.close()  # twice is fine
