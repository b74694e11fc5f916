"""Charts and layout of the report: shifted heatmaps, escaped labels, seeded positions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from coordnet.report.charts import heatmap_svg, lag_svg, timeline_svg
from coordnet.report.layout import layout_positions

NS = "{http://www.w3.org/2000/svg}"


def titles(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # well-formed XML: report.js parses it as image/svg+xml
    return [t.text or "" for t in root.iter(f"{NS}title")]


def test_heatmap_shifts_to_local_time() -> None:
    hours = [0] * 168
    hours[23] = 5  # Monday 23:00 UTC
    assert titles(str(heatmap_svg(hours))) == ["Mon 23:00 UTC: 5 actions"]
    assert titles(str(heatmap_svg(hours, offset=2, zone="UTC+2"))) == ["Tue 01:00 UTC+2: 5 actions"]
    hours = [0] * 168
    hours[0] = 1  # Monday 00:00 UTC is Sunday 21:00 at UTC-3
    assert titles(str(heatmap_svg(hours, offset=-3, zone="UTC-3"))) == [
        "Sun 21:00 UTC-3: 1 actions"
    ]


def test_chart_text_is_escaped() -> None:
    svg = str(heatmap_svg([1] * 168, zone="<script>x</script>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)


def test_timeline_fills_empty_bins_and_lags_count() -> None:
    start = datetime(2024, 1, 1)
    svg = str(timeline_svg([(start, 3), (start + timedelta(hours=5), 1)], "hour"))
    assert len(titles(svg)) == 2
    assert "2024-01-01 05:00 UTC: 1 actions" in titles(svg)
    bars = [float(x) for x in re.findall(r'<rect class="bar" x="([\d.]+)"', svg)]
    assert abs(bars[1] - bars[0] - (640 - 34) / 6 * 5) < 0.2  # five bin widths apart
    lag = str(lag_svg([0, 2, 1] + [0] * 15, "co_repost"))
    assert titles(lag) == ["1 s-2 s: 2 co-actions", "2 s-5 s: 1 co-actions"]


def test_layout_is_seeded_and_order_free() -> None:
    nodes = [f"a{i}" for i in range(30)]
    ties = [(f"a{i}", f"a{(i * 7) % 30}", 1.0 + i % 4) for i in range(30)]
    first = layout_positions(nodes, ties)
    assert layout_positions(list(reversed(nodes)), list(reversed(ties))) == first
    assert layout_positions(nodes, ties, seed=1) != first
    assert set(first) == set(nodes)
    assert max(abs(v) for xy in first.values() for v in xy) == 1.0
