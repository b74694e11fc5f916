"""One network's detail as plain JSON data, which ``report.js`` turns into the page.

A report of a thousand networks must open fast, so no network's detail is HTML in the file:
each is a compact JSON document (``<script type="application/json">``, which the browser
only scans) that ``report.js`` renders with ``createElement``/``textContent`` when the
network is opened. Values are formatted here (numbers, times, lags) and stay text; the only
markup is the charts, SVG drawn and escaped in Python (:mod:`coordnet.report.charts`),
which ``report.js`` parses as XML (``image/svg+xml``), never as HTML.

A table cell is a string, or an object ``{"t": text, "href": url, "sub": text, "code":
true, "title": text}``: ``href`` only when :func:`safe_url` accepts the URL (http or https).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from coordnet.report.charts import heatmap_svg, lag_label, lag_svg, timeline_svg
from coordnet.report.data import NetworkData
from coordnet.report.layout import layout_positions

__all__ = ["MAX_MEMBER_ROWS", "fmt_lag", "fmt_num", "fmt_short", "fmt_when", "network_detail",
           "safe_url"]  # fmt: skip

#: Members listed in a network's table (all of them are in its graph).
MAX_MEMBER_ROWS = 200


def safe_url(value: Any) -> str | None:
    """``value`` when it is an ``http``/``https`` URL with a host and no whitespace or
    control characters (a link can then lead nowhere but to a web page); else None."""
    if not isinstance(value, str) or len(value) > 2048:
        return None
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return value


def fmt_num(value: Any, digits: int = 2) -> str:
    """A count with thousands separators, or a score with ``digits`` decimals; ``–`` for None."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):.{digits}f}"


def fmt_when(value: Any) -> str:
    """A UTC time to the minute."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "–" if value is None else str(value)


def fmt_lag(value: Any) -> str:
    """Seconds in s, min or h."""
    if value is None:
        return "–"
    s = float(value)
    if abs(s) >= 3600:
        return f"{s / 3600:.1f} h"
    if abs(s) >= 60:
        return f"{s / 60:.1f} min"
    return f"{s:.1f} s"


def fmt_short(value: Any, n: int = 16) -> str:
    """``value`` cut to ``n`` characters with an ellipsis."""
    text = "" if value is None else str(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def _account(actor_id: str, handles: dict[str, Any]) -> dict[str, Any]:
    handle = handles.get(actor_id)
    if handle:
        return {"t": str(handle), "title": actor_id}
    return {"t": fmt_short(actor_id, 14), "code": True, "title": actor_id}


def _object(obj: Any, text: Any = None) -> dict[str, Any]:
    cell: dict[str, Any] = {"t": "" if obj is None else str(obj), "code": True}
    url = safe_url(obj)
    if url:
        cell["href"] = url
    if text:
        cell["sub"] = str(text)
    return cell


def network_detail(net: NetworkData) -> dict[str, Any]:
    """Everything ``report.js`` shows for ``net``, JSON-ready."""
    c = net.cluster
    handles = {m["actor_id"]: m["handle"] for m in net.members}
    tz = net.timezone
    local = None
    if tz is not None and tz.offset is not None:
        local = str(heatmap_svg(net.week_hours, offset=tz.offset, zone=tz.label))
    return {
        "id": int(c["cluster_id"]),
        "summary": (
            f"{c['n_flagged']} flagged account(s) of {c['size']} in the cluster · coordination "
            f"{fmt_num(c['score'])} · inauthenticity {fmt_num(c['inauthenticity'])} · "
            f"attribution confidence {fmt_num(c['attribution_confidence'])} · "
            f"{fmt_when(c['first_seen'])} – {fmt_when(c['last_seen'])} UTC"
        ),
        "decision": c["decision"] or "",
        "neighbours": len(net.neighbours),
        "timeline": str(timeline_svg(net.timeline, net.timeline_unit)),
        "heat_utc": str(heatmap_svg(net.week_hours)),
        "heat_local": local,
        "zone": tz.label if tz is not None and tz.offset is not None else None,
        "zone_note": tz.note if tz is not None else "not available",
        "lags": [
            {
                "caption": f"{s}: {fmt_num(sum(h))} co-actions, most "
                f"{lag_label(max(range(len(h)), key=lambda i: h[i]))}",
                "svg": str(lag_svg(h, s)),
            }
            for s, h in sorted(net.lags.items())
        ],
        "scores": {
            "coordination": fmt_num(c["score"]),
            "inauthenticity": fmt_num(c["inauthenticity"]),
            "attribution": fmt_num(c["attribution_confidence"]),
        },
        "reasons": {
            "coordination": list(c["reasons"] or []),
            "inauthenticity": list(c["inauthenticity_reasons"] or []),
            "attribution": list(c["attribution_reasons"] or []),
        },
        "hints": list(c["attribution_hints"] or []),
        "objects": [
            [
                _object(o["object"], o["object_text"]),
                o["signal"],
                str(o["n_accounts"]),
                fmt_lag(o["lag_median_s"]),
            ]
            for o in net.shared_objects
        ],
        "posts": [
            [
                {"t": p["text"] or "", "sub": None},
                p["kind"] or "",
                str(p["n_posts"]),
                str(p["n_accounts"]),
                fmt_when(p["first_at"]),
                _account(p["first_actor"], handles),
            ]
            for p in net.example_posts
        ],
        "pairs": [
            [
                _account(p["source"], handles),
                _account(p["target"], handles),
                fmt_num(p["strength"], 1),
                p["signal"],
                _object(p["object"]),
                f"{fmt_when(p['time_source'])} / {fmt_when(p['time_target'])}",
                fmt_lag(p["lag_s"]),
            ]
            for p in net.pairs
        ],
        "members": [
            [
                {"t": m["handle"] or "", "sub": m["actor_id"]},
                m["display_name"] or "",
                "outside seed" if m["outside"] else (m["role"] or ""),
                fmt_num(m["score"]),
                fmt_num(m["inauthenticity"]),
                fmt_num(m["ties"]),
                fmt_num(m["n_actions"]),
                fmt_num(m["followers"]),
                "yes" if m["reported"] else "no",
            ]
            for m in net.members[:MAX_MEMBER_ROWS]
        ],
        "more_members": max(0, len(net.members) - MAX_MEMBER_ROWS),
        "graph": _graph(net),
    }


def _graph(net: NetworkData) -> dict[str, Any]:
    """Nodes (members, then outside neighbours) with positions, and ties, for report.js."""
    cid = int(net.cluster["cluster_id"])
    ties = [(t["source"], t["target"], float(t["strength"] or 0)) for t in net.ties]
    ids = [m["actor_id"] for m in net.members] + [n["actor_id"] for n in net.neighbours]
    pos = layout_positions(ids, ties)
    nodes = []
    for m in net.members:
        x, y = pos[m["actor_id"]]
        nodes.append({
            "id": m["actor_id"], "label": m["handle"] or m["actor_id"],
            "name": m["display_name"], "role": "outside seed" if m["outside"] else m["role"],
            "cluster": cid, "reported_cluster": True, "flagged": bool(m["reported"]),
            "score": _round(m["score"]), "inauthenticity": _round(m["inauthenticity"]),
            "ties": m["ties"], "n_actions": m["n_actions"], "followers": m["followers"],
            "reasons": list(m["reasons"] or []),
            "inauthenticity_reasons": list(m["inauthenticity_reasons"] or []),
            "x": x, "y": y,
        })  # fmt: skip
    for n in net.neighbours:
        x, y = pos[n["actor_id"]]
        nodes.append({
            "id": n["actor_id"], "label": n["handle"] or n["actor_id"],
            "name": n["display_name"], "role": "neighbour", "cluster": n["cluster_id"],
            "reported_cluster": bool(n["in_reported"]), "flagged": False,
            "followers": n["followers"], "x": x, "y": y,
        })  # fmt: skip
    # Edges name their ends by node index: ids can be 64-character hashes.
    index = {n["id"]: i for i, n in enumerate(nodes)}
    edges = [
        {"s": index[t["source"]], "t": index[t["target"]], "w": _round(t["strength"]),
         "sig": t["main_signal"], "sigs": list(t["signals"] or []),
         "n": t["n_objects"], "lag": _round(t["lag_median_s"])}
        for t in net.ties
    ]  # fmt: skip
    return {"network": cid, "nodes": nodes, "edges": edges}


def _round(value: Any, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)
