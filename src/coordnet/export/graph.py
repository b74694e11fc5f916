"""Graph files of the reported networks for Gephi, Cytoscape, igraph and friends.

:func:`network_graph` builds a :class:`networkx.Graph` of the members of the reported
networks and the kept ties between them (the ``fused_edges`` of the last ``detect`` run);
:func:`export_graph` writes it as GEXF (Gephi's format) or GraphML with networkx's own
writers, so the files are what those tools expect, not hand-made XML.

Nodes are the flagged members of the chosen networks, outside seeds included (accounts a
network amplifies without being tied to it). The node id is the ``account_id`` unchanged.
Node attributes: ``label`` (handle, else the id; GEXF's node label), ``cluster_id``,
``role``, ``score``, ``inauthenticity``, ``strength``, ``ties``, ``n_actions``,
``amplified_by``, ``outside``, ``handle``, ``display_name``, ``platform``, ``actor_kind``,
``followers``.

Edges are the kept fused ties whose two ends are nodes. Edge attributes: ``weight`` and
``strength`` (both the fused strength, Σ over signals of ``min(-log10 q, cap)``; ``weight``
is what Gephi's layouts read), ``signals`` (the kept signals joined with ``;``),
``n_signals``, ``q_min``, ``n_objects``, ``lag_median_s``, ``cluster_id`` (when both ends
are members of one network) and, for each kept signal of the tie, ``<signal>_weight``,
``<signal>_n_objects`` and ``<signal>_q_value`` from the store's ``edges``.

Missing values are omitted, never written as empty strings or ``None`` (networkx's writers
reject ``None``): a member without a follower figure has no ``followers`` attribute, a tie
between two networks has no ``cluster_id``, a tie without a signal has no columns for it.
igraph reads an omitted number as NaN and an omitted string as ``""``. Numbers stay numbers
(``long`` / ``double`` in GEXF, ``int`` / ``double`` in GraphML), booleans stay booleans.

Text from the data (handles, names, ids) is hostile: XML escaping is the writers' job, but
XML 1.0 cannot carry most control characters at all, escaped or not, so they are removed
(C0 controls except tab and newline, DEL and C1 controls, U+FFFE/U+FFFF, lone surrogates);
``\\r\\n`` and ``\\r`` become ``\\n`` because XML parsers normalise them anyway. An account id
that would change this way is refused rather than silently renamed.

Cost: one query per table (members, ties, per-signal edges of the ties); memory is that of
the graph, a few hundred bytes per node and edge.

>>> from coordnet.export.graph import GRAPH_FORMATS
>>> sorted(GRAPH_FORMATS)
['gexf', 'graphml']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from coordnet._version import __version__
from coordnet.errors import InputError
from coordnet.networks import select_networks
from coordnet.store import Store

__all__ = ["GRAPH_FORMATS", "export_graph", "network_graph", "xml_safe"]

#: Supported formats, by the suffix that selects them.
GRAPH_FORMATS = {"gexf": ".gexf", "graphml": ".graphml"}

# Characters XML 1.0 cannot carry (C0 but tab/newline/CR, lone surrogates, U+FFFE/F) and the
# ones it discourages (DEL, C1), which some readers refuse.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_NODES_SQL = """
    SELECT m.actor_id, m.cluster_id, m.role, m.score, m.inauthenticity, m.strength, m.ties,
           m.n_actions, m.amplified_by, m.outside, a.handle, a.display_name, a.platform,
           a.actor_kind, a.followers
    FROM cluster_members m
    LEFT JOIN (SELECT actor_id, min(handle) AS handle, min(display_name) AS display_name,
                      min(platform) AS platform, min(actor_kind) AS actor_kind,
                      max(followers) AS followers
               FROM actors GROUP BY actor_id) a USING (actor_id)
    WHERE m.reported AND list_contains(?, m.cluster_id)
    ORDER BY m.cluster_id, m.actor_id"""

_MEMBERS = "SELECT actor_id FROM cluster_members WHERE reported AND list_contains(?, cluster_id)"
_TIES_SQL = f"""
    SELECT f.source, f.target, f.strength, f.n_signals, f.signals, f.q_min, f.n_objects,
           f.lag_median_s
    FROM fused_edges f
    WHERE f.kept AND f.source IN ({_MEMBERS}) AND f.target IN ({_MEMBERS})
    ORDER BY f.source, f.target"""
_SIGNAL_EDGES_SQL = f"""
    SELECT e.source, e.target, e.signal, e.weight, e.n_objects, e.q_value
    FROM edges e
    JOIN fused_edges f ON f.source = e.source AND f.target = e.target
    WHERE f.kept AND list_contains(f.signals, e.signal)
      AND f.source IN ({_MEMBERS}) AND f.target IN ({_MEMBERS})
    ORDER BY e.source, e.target, e.signal"""


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry; line ends made ``\\n``.

    >>> xml_safe("a\\x00b\\r\\nc\\x1b[31m")
    'ab\\nc[31m'
    """
    return _XML_BAD.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def network_graph(store: Store, *, networks: Iterable[int] | None = None) -> nx.Graph:
    """The members of the chosen reported networks and the kept ties between them.

    ``networks``: network (cluster) ids; all reported networks when None or empty. Raises
    :class:`~coordnet.errors.InputError` for an id that is not a reported network, or when
    the store has no detection results. Attributes: see the module docstring.
    """

    chosen = select_networks(store, networks)
    e = store.engine
    graph = nx.Graph(coordnet_version=__version__, networks=";".join(str(c) for c in chosen))
    home: dict[str, int] = {}
    for row in e.arrow(_NODES_SQL, [chosen]).to_pylist():
        node = _node_id(row.pop("actor_id"))
        home[node] = row["cluster_id"]
        label = row["handle"] or node
        graph.add_node(node, label=xml_safe(str(label)), **_present(row))
    for row in e.arrow(_TIES_SQL, [chosen, chosen]).to_pylist():
        source, target = _node_id(row.pop("source")), _node_id(row.pop("target"))
        signals = list(row.pop("signals") or [])
        attrs = _present(row)
        attrs["signals"] = ";".join(xml_safe(s) for s in signals)
        attrs["weight"] = attrs.get("strength", 0.0)
        if home.get(source) == home.get(target):
            attrs["cluster_id"] = home[source]
        graph.add_edge(source, target, **attrs)
    for row in e.arrow(_SIGNAL_EDGES_SQL, [chosen, chosen]).to_pylist():
        source, target = _node_id(row["source"]), _node_id(row["target"])
        signal = xml_safe(str(row["signal"]))
        data = graph.edges[source, target]
        for column in ("weight", "n_objects", "q_value"):
            if row[column] is not None:
                data[f"{signal}_{column}"] = row[column]
    return graph


def export_graph(
    store: Store,
    out: str | Path,
    *,
    format: str | None = None,
    networks: Iterable[int] | None = None,
) -> Path:
    """Write the chosen networks' graph (:func:`network_graph`) to ``out``; return its path.

    ``format`` is ``"gexf"`` or ``"graphml"``; when None it comes from the suffix of
    ``out`` (``.gexf``, ``.graphml``). Raises :class:`~coordnet.errors.InputError` for an
    unknown format or suffix and for unknown network ids. The parent folder is created.
    """
    path = Path(out)
    fmt = _format(path, format)
    graph = network_graph(store, networks=networks)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "gexf":
        nx.write_gexf(graph, path)
    else:
        nx.write_graphml(graph, path)
    return path


def _format(path: Path, format: str | None) -> str:
    choices = ", ".join(sorted(GRAPH_FORMATS))
    if format is not None:
        fmt = format.lower()
        if fmt not in GRAPH_FORMATS:
            raise InputError(f"unknown graph format {format!r}; choose {choices}")
        return fmt
    by_suffix = {suffix: name for name, suffix in GRAPH_FORMATS.items()}
    fmt_or_none = by_suffix.get(path.suffix.lower())
    if fmt_or_none is None:
        raise InputError(
            f"{path}: cannot tell the graph format from the suffix {path.suffix!r}; "
            f"name the file .gexf or .graphml, or pass a format ({choices})"
        )
    return fmt_or_none


def _node_id(actor_id: str) -> str:
    safe = xml_safe(actor_id)
    if safe != actor_id:
        raise InputError(
            f"account id {actor_id!r} holds characters XML cannot carry; the graph formats "
            "keep ids unchanged, so this account cannot be exported"
        )
    return actor_id


def _present(row: dict[str, Any]) -> dict[str, Any]:
    """The row without missing values, text made XML-safe, numbers as plain Python ones."""
    clean: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, str):
            clean[key] = xml_safe(value)
        elif isinstance(value, bool | int | float):
            clean[key] = value
        else:
            clean[key] = xml_safe(str(value))
    return clean
