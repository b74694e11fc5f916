"""Small inline SVG charts for the report, drawn in Python: activity timeline, hour-of-week
heatmap and lag histogram.

Drawing them here keeps the page free of a charting library and makes every chart part of
the file as written (it prints, and it reads the same offline). Each function returns
:class:`markupsafe.Markup`; every text that goes into the SVG is escaped, and colours are
CSS classes (``report.css``) so that the markup stays small and has no ``style`` attribute
(which the report's Content-Security-Policy would block).

>>> str(lag_svg([0, 2, 1] + [0] * 15, "co_repost")).startswith("<svg")
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from coordnet.report.data import LAG_BINS

__all__ = ["heatmap_svg", "lag_label", "lag_svg", "timeline_svg"]

_XMLNS = 'xmlns="http://www.w3.org/2000/svg"'
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_STEP = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
#: Shades of the heatmap: class h1 (least) .. h5 (most); empty cells are not drawn.
_SHADES = 5


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def timeline_svg(bins: Sequence[tuple[datetime, int]], unit: str) -> Markup:
    """Bars of actions per ``unit`` (hour, day or week), empty bins included, with the
    first and last bin's date and the tallest bar's count as axis labels."""
    if not bins:
        return Markup('<p class="muted">no actions</p>')
    step = _STEP.get(unit, _STEP["day"])
    counts = dict(bins)
    start, end = min(counts), max(counts)
    n_bins = int((end - start) / step) + 1
    peak = max(counts.values())
    width, height, left, bottom = 640, 120, 34, 18
    bar = (width - left) / n_bins
    parts = [
        f'<svg {_XMLNS} class="chart timeline" viewBox="0 0 {width} {height + bottom}" '
        f'role="img" aria-label="actions per {escape(unit)}">',
        f'<text x="0" y="10" class="axis">{peak}</text>',
        f'<text x="0" y="{height}" class="axis">0</text>',
        f'<line x1="{left}" y1="{height}" x2="{width}" y2="{height}" class="rule"/>',
    ]
    fmt = "%Y-%m-%d %H:00" if unit == "hour" else "%Y-%m-%d"
    for i in range(n_bins):
        at = start + i * step
        n = counts.get(at, 0)
        if not n:
            continue
        h = max(1.0, (height - 12) * n / peak)
        parts.append(
            f'<rect class="bar" x="{_num(left + i * bar)}" y="{_num(height - h)}" '
            f'width="{_num(max(bar - 0.5, 0.5))}" height="{_num(h)}">'
            f"<title>{escape(at.strftime(fmt))} UTC: {n} actions</title></rect>"
        )
    parts.append(f'<text x="{left}" y="{height + 14}" class="axis">'
                 f"{escape(start.strftime(fmt))}</text>")  # fmt: skip
    parts.append(f'<text x="{width}" y="{height + 14}" class="axis" text-anchor="end">'
                 f"{escape(end.strftime(fmt))} UTC, per {escape(unit)}</text>")  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap_svg(week_hours: Sequence[int], *, offset: int = 0, zone: str = "UTC") -> Markup:
    """Actions per hour of day (columns) and weekday (rows) in local time ``UTC + offset``;
    ``week_hours`` holds 168 counts by UTC hour of the week, Monday 00 first."""
    local = [0] * 168
    for how, n in enumerate(week_hours):
        local[(how + offset) % 168] += int(n)
    peak = max(local) or 1
    cell, left, top = 18, 34, 14
    width, height = left + 24 * cell, top + 7 * cell + 4
    parts = [
        f'<svg {_XMLNS} class="chart heatmap" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="actions by hour and weekday, {escape(zone)}">',
        f'<rect class="h0" x="{left}" y="{top}" width="{24 * cell}" height="{7 * cell}"/>',
    ]
    for h in range(0, 24, 3):
        parts.append(f'<text x="{left + h * cell + 1}" y="10" class="axis">{h:02d}</text>')
    for d, day in enumerate(_DAYS):
        parts.append(f'<text x="0" y="{top + d * cell + 13}" class="axis">{day}</text>')
    for how, n in enumerate(local):
        if not n:
            continue
        d, h = divmod(how, 24)
        shade = 1 + min(_SHADES - 1, int(_SHADES * n / (peak + 1)))
        parts.append(
            f'<rect class="h{shade}" x="{left + h * cell}" y="{top + d * cell}" '
            f'width="{cell - 1}" height="{cell - 1}"><title>{day_name(d)} '
            f"{h:02d}:00 {escape(zone)}: {n} actions</title></rect>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def day_name(d: int) -> str:
    """Weekday name, Monday 0."""
    return _DAYS[d % 7]


def lag_label(i: int) -> str:
    """The range of lag bin ``i`` of :data:`~coordnet.report.data.LAG_BINS` in words."""
    low = 0 if i == 0 else LAG_BINS[i - 1]
    if i >= len(LAG_BINS):
        return f">= {_duration(low)}"
    return f"{_duration(low)}-{_duration(LAG_BINS[i])}"


def _duration(s: float) -> str:
    if s >= 3600:
        return f"{_num(s / 3600)} h"
    if s >= 60:
        return f"{_num(s / 60)} min"
    return f"{_num(s)} s"


def lag_svg(hist: Sequence[int], signal: str) -> Markup:
    """Bars of the evidence's absolute lags of one signal in the bins of
    :data:`~coordnet.report.data.LAG_BINS` (logarithmic, seconds to a day)."""
    peak = max(hist) if hist else 0
    width, height, bar = 320, 70, 320 / max(len(hist), 1)
    parts = [
        f'<svg {_XMLNS} class="chart lags" viewBox="0 0 {width} {height + 14}" role="img" '
        f'aria-label="lags of {escape(signal)}">',
        f'<line x1="0" y1="{height}" x2="{width}" y2="{height}" class="rule"/>',
    ]
    for i, n in enumerate(hist):
        if not n:
            continue
        h = max(1.0, (height - 4) * n / peak)
        parts.append(
            f'<rect class="bar" x="{_num(i * bar)}" y="{_num(height - h)}" '
            f'width="{_num(bar - 1)}" height="{_num(h)}"><title>{escape(lag_label(i))}: '
            f"{n} co-actions</title></rect>"
        )
    for text, at in (("0 s", 0.0), ("1 min", 60.0), ("1 h", 3600.0), ("1 day", 86400.0)):
        x = (LAG_BINS.index(at) + 1) * bar if at else 0.0
        anchor = "end" if x >= width - 30 else ("start" if x == 0 else "middle")
        parts.append(f'<text x="{_num(x)}" y="{height + 12}" class="axis" '
                     f'text-anchor="{anchor}">{text}</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))
