"""GEXF and GraphML exports: read back with networkx and igraph, attributes equal the store's."""

from __future__ import annotations

import math
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx
import pytest
from click.testing import CliRunner

from coordnet.cli import main
from coordnet.errors import InputError
from coordnet.export.graph import export_graph, network_graph, xml_safe
from coordnet.store import Store, open_store

HOSTILE_HANDLE = "<script>alert('x')</script>\"&amp;\x00\x01\x1b[31m\x7f\x9f\ufffe"
HOSTILE_NAME = 'Robert"); DROP TABLE actors;--\r\n<b>&lt;</b>\tend\x0b\x0c'


@pytest.fixture
def demo(detected: Path) -> Any:
    """The shared demo store, read-only in spirit: these tests never write to it."""
    with open_store(detected / "store.duckdb") as st:
        yield st


@pytest.fixture
def hostile(detected: Path, tmp_path: Path) -> Any:
    """A copy of the demo store whose strongest member has a hostile handle and name."""
    shutil.copy(detected / "store.duckdb", tmp_path / "store.duckdb")
    with open_store(tmp_path / "store.duckdb") as st:
        victim = st.engine.scalar(
            "SELECT actor_id FROM cluster_members WHERE reported ORDER BY score DESC LIMIT 1"
        )
        st.engine.execute(
            "UPDATE actors SET handle = ?, display_name = ? WHERE actor_id = ?",
            [HOSTILE_HANDLE, HOSTILE_NAME, victim],
        )
        yield st, victim


def members(store: Store, networks: list[int] | None = None) -> dict[str, dict[str, Any]]:
    """Independent SQL: the flagged members of the reported networks and their profiles."""
    where = "c.reported" + (" AND list_contains(?, m.cluster_id)" if networks else "")
    rows = store.engine.arrow(
        f"""SELECT m.actor_id, m.cluster_id, m.role, m.score, m.inauthenticity, m.n_actions,
                   m.outside, p.handle, p.display_name, p.platform, p.actor_kind, p.followers
            FROM cluster_members m JOIN clusters c USING (cluster_id)
            LEFT JOIN actors p USING (actor_id)
            WHERE m.reported AND {where}""",
        [networks] if networks else None,
    ).to_pylist()
    return {r.pop("actor_id"): r for r in rows}


def ties(store: Store, ids: set[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Independent SQL: kept fused ties between the given members, with per-signal figures."""
    out = {}
    for r in store.engine.arrow("SELECT * FROM fused_edges WHERE kept").to_pylist():
        if r["source"] in ids and r["target"] in ids:
            out[(r["source"], r["target"])] = r
    for r in store.engine.arrow(
        "SELECT source, target, signal, weight, n_objects, q_value FROM edges"
    ).to_pylist():
        tie = out.get((r["source"], r["target"]))
        if tie is not None and r["signal"] in tie["signals"]:
            tie[r["signal"]] = r
    return out


def check_nodes(graph: nx.Graph, expected: dict[str, dict[str, Any]]) -> None:
    assert set(graph.nodes) == set(expected)
    for node, want in expected.items():
        got = graph.nodes[node]
        for key in ("cluster_id", "role", "score", "inauthenticity", "n_actions", "outside",
                    "handle", "display_name", "platform", "actor_kind", "followers"):  # fmt: skip
            if want[key] is None:
                assert key not in got, (node, key)
            else:
                assert got[key] == want[key], (node, key, got[key], want[key])
                assert type(got[key]) is type(want[key]), (node, key)
        assert got["label"] == (want["handle"] or node)


def check_edges(graph: nx.Graph, expected: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert {tuple(sorted(e)) for e in graph.edges} == set(expected)
    for (a, b), want in expected.items():
        got = graph.edges[a, b]
        assert got["strength"] == want["strength"] and got["weight"] == want["strength"]
        assert got["n_signals"] == want["n_signals"]
        assert got["signals"].split(";") == list(want["signals"])
        for signal in want["signals"]:
            for column in ("weight", "n_objects", "q_value"):
                assert got[f"{signal}_{column}"] == want[signal][column]


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_round_trip_through_networkx_keeps_every_attribute(
    demo: Store, tmp_path: Path, suffix: str
) -> None:
    path = export_graph(demo, tmp_path / f"g{suffix}")
    graph = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    expected = members(demo)
    assert len(expected) == demo.engine.scalar(
        "SELECT count(*) FROM cluster_members WHERE reported"
    )
    check_nodes(graph, expected)
    check_edges(graph, ties(demo, set(expected)))
    assert graph.number_of_edges() > 0
    clusters = {e[2].get("cluster_id") for e in graph.edges(data=True)}
    assert clusters <= {int(c) for c in {v["cluster_id"] for v in expected.values()}}


def test_graphml_reads_into_igraph_with_attributes(demo: Store, tmp_path: Path) -> None:
    path = export_graph(demo, tmp_path / "g.graphml")
    g = ig.Graph.Read_GraphML(str(path))
    expected = members(demo)
    assert g.vcount() == len(expected)
    assert sorted(g.vs["id"]) == sorted(expected)
    for v in g.vs:
        want = expected[v["id"]]
        assert v["cluster_id"] == want["cluster_id"]
        assert v["score"] == pytest.approx(want["score"], rel=1e-15)
        assert v["role"] == want["role"]
        assert v["outside"] is want["outside"]
        if want["followers"] is None:
            assert math.isnan(v["followers"])
        else:
            assert v["followers"] == want["followers"]
    want_ties = ties(demo, set(expected))
    assert g.ecount() == len(want_ties)
    for e in g.es:
        a, b = sorted((g.vs[e.source]["id"], g.vs[e.target]["id"]))
        assert e["strength"] == want_ties[(a, b)]["strength"]


def test_chosen_networks_only(demo: Store, tmp_path: Path) -> None:
    reported = [r[0] for r in demo.engine.rows("SELECT cluster_id FROM clusters WHERE reported")]
    assert len(reported) >= 2
    one = reported[-1]
    graph = nx.read_gexf(export_graph(demo, tmp_path / "one.gexf", networks=[one]))
    assert set(graph.nodes) == set(members(demo, [one]))
    assert {d["cluster_id"] for _, d in graph.nodes(data=True)} == {one}


def test_format_overrides_suffix_and_unknown_suffix_is_refused(demo: Store, tmp_path: Path) -> None:
    path = export_graph(demo, tmp_path / "g.xml", format="graphml")
    assert nx.read_graphml(path).number_of_nodes() == len(members(demo))
    with pytest.raises(InputError, match=r"suffix '\.txt'"):
        export_graph(demo, tmp_path / "g.txt")
    with pytest.raises(InputError, match="unknown graph format 'dot'"):
        export_graph(demo, tmp_path / "g.gexf", format="dot")


def test_unknown_network_is_an_input_error(demo: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="network 999 is not a reported network"):
        export_graph(demo, tmp_path / "g.gexf", networks=[999])
    assert not (tmp_path / "g.gexf").exists()


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_hostile_strings_survive_and_the_xml_stays_valid(
    hostile: tuple[Store, str], tmp_path: Path, suffix: str
) -> None:
    st, victim = hostile
    path = export_graph(st, tmp_path / f"h{suffix}")
    ET.parse(path)  # strict XML 1.0 parser: raises on any control character
    graph = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    node = graph.nodes[victim]
    assert node["handle"] == "<script>alert('x')</script>\"&amp;[31m"
    assert node["display_name"] == 'Robert"); DROP TABLE actors;--\n<b>&lt;</b>\tend'
    assert node["label"] == node["handle"]


def test_without_stripping_the_xml_would_be_invalid(tmp_path: Path) -> None:
    raw = nx.Graph()
    raw.add_node("a", handle=HOSTILE_HANDLE)
    nx.write_graphml(raw, tmp_path / "raw.graphml")
    with pytest.raises(ET.ParseError):
        ET.parse(tmp_path / "raw.graphml")
    assert xml_safe(HOSTILE_HANDLE) == "<script>alert('x')</script>\"&amp;[31m"
    assert xml_safe("a\r\nb\rc") == "a\nb\nc"


def test_an_id_xml_cannot_carry_is_refused(detected: Path, tmp_path: Path) -> None:
    shutil.copy(detected / "store.duckdb", tmp_path / "store.duckdb")
    with open_store(tmp_path / "store.duckdb") as st:
        st.engine.execute(
            "UPDATE cluster_members SET actor_id = 'bad\x01id' WHERE actor_id = "
            "(SELECT min(actor_id) FROM cluster_members WHERE reported)"
        )
        with pytest.raises(InputError, match="cannot carry"):
            network_graph(st)


def test_no_reported_network_gives_an_empty_graph(detected: Path, tmp_path: Path) -> None:
    shutil.copy(detected / "store.duckdb", tmp_path / "store.duckdb")
    with open_store(tmp_path / "store.duckdb") as st:
        st.engine.execute("UPDATE clusters SET reported = false")
        graph = nx.read_graphml(export_graph(st, tmp_path / "empty.graphml"))
    assert graph.number_of_nodes() == 0


def test_cli_graph(detected: Path, tmp_path: Path) -> None:
    store = str(detected / "store.duckdb")
    out = tmp_path / "net.gexf"
    result = CliRunner().invoke(main, ["graph", "--store", store, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}\n"
    with open_store(store) as st:
        assert nx.read_gexf(out).number_of_nodes() == len(members(st))
    result = CliRunner().invoke(
        main, ["graph", "--store", store, "--out", str(tmp_path / "x.graphml"), "--network", "999"]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {store}: network 999 is not a reported network")
    assert "Traceback" not in result.stderr
