"""Search by account id, handle, URL, hashtag and network id, on the demo store's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordnet.errors import InputError
from coordnet.serve.decisions import ensure_decisions_table, record_decision
from coordnet.serve.search import MAX_RESULTS, network_number, search
from coordnet.store import open_store


def test_by_id_handle_and_network(store_copy: Path) -> None:
    with open_store(store_copy) as st:
        ensure_decisions_table(st)
        actor, handle, cid = st.engine.rows(
            """SELECT m.actor_id, a.handle, m.cluster_id FROM cluster_members m
               JOIN actors a USING (actor_id) JOIN clusters c USING (cluster_id)
               WHERE c.reported AND m.reported AND a.handle IS NOT NULL
               ORDER BY m.score DESC, m.actor_id LIMIT 1"""
        )[0]
        record_decision(st, "account", actor, "confirmed", analyst="ann")
        by_id = search(st, actor)
        assert by_id.accounts[0]["actor_id"] == actor
        assert by_id.accounts[0]["matched"] == "account id"
        assert by_id.accounts[0]["cluster_id"] == cid and by_id.accounts[0]["reported"]
        assert by_id.accounts[0]["decision"].decision == "confirmed"
        for q in (handle, f"@{handle.upper()}"):
            found = search(st, q)
            assert found.accounts[0]["actor_id"] == actor, q
            assert found.accounts[0]["matched"] == "handle"
        part = search(st, handle[1:-1])
        assert actor in {a["actor_id"] for a in part.accounts}
        net = search(st, str(cid))
        assert [n["cluster_id"] for n in net.networks] == [cid] and "network" in net.kinds
        assert search(st, "999999").networks == []


def test_by_hashtag_and_url(store_copy: Path) -> None:
    with open_store(store_copy) as st:
        ensure_decisions_table(st)
        tag, raw, n_tag = st.engine.rows(
            """SELECT h, any_value(r), count(DISTINCT actor_id) FROM (
                   SELECT actor_id, unnest(hashtags) AS h, unnest(hashtags_raw) AS r
                   FROM actions) GROUP BY h ORDER BY 3 DESC, 1 LIMIT 1"""
        )[0]
        found = search(st, f"#{raw}")
        assert found.kinds == ["hashtag"]
        assert len(found.accounts) == min(n_tag, MAX_RESULTS)
        assert {a["matched"] for a in found.accounts} == {"used the hashtag"}
        users = {
            str(r[0])
            for r in st.engine.rows(
                "SELECT DISTINCT actor_id FROM actions WHERE list_contains(hashtags, ?)", [tag]
            )
        }
        assert {a["actor_id"] for a in found.accounts} <= users
        url, n_url = st.engine.rows(
            """SELECT u, count(DISTINCT actor_id) FROM (
                   SELECT actor_id, unnest(urls_raw) AS u FROM actions)
               GROUP BY u ORDER BY 2 DESC, 1 LIMIT 1"""
        )[0]
        found = search(st, url)
        assert found.kinds == ["url"]
        assert len(found.accounts) == min(n_url, MAX_RESULTS) > 0
        # accounts in reported networks are listed first
        flags = [bool(a["reported"]) for a in found.accounts]
        assert flags == sorted(flags, reverse=True)


def test_nothing_and_too_long(store_copy: Path) -> None:
    with open_store(store_copy) as st:
        ensure_decisions_table(st)
        assert search(st, "  ").accounts == []
        none = search(st, "no-such-account-%_'\\")
        assert none.accounts == [] and none.networks == []
        with pytest.raises(InputError):
            search(st, "x" * 501)
        # Unicode digits pass str.isdigit but are no network id (int() refuses "²").
        for text in ("²", "١٢", "１"):
            assert search(st, text).networks == []
            assert network_number(text) is None
        assert network_number("0042") == 42 and network_number("9" * 19) is None
