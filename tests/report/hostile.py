"""A small activity data set whose coordinated accounts carry XSS payloads everywhere.

Twelve accounts repost the same posts within seconds (a tight co-reposting network) among 150
organic accounts that post and repost at random. Every handle, display name, description,
post text and URL of the network is a payload that sets ``window.__xss`` (or calls
``alert``) if it ever runs, so a report test can prove that none does.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = ["MAPPING", "PAYLOADS", "URL_PAYLOADS", "write_hostile_csv"]

PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    "</script><script>window.__xss=1</script>",
    '"><svg onload=window.__xss=1>',
    "'><iframe srcdoc='<script>parent.__xss=1</script>'>",
    "<script>alert(1)</script>",
    "{{7*7}}<b onmouseover=window.__xss=1>hover</b>",
    "\u2028</script>\u2029<!--<script>window.__xss=1</script>",
    "<style>*{display:none}</style>",
    "&lt;img src=x onerror=window.__xss=1&gt;",
    "<a href=javascript:window.__xss=1>click</a>",
    "<details open ontoggle=window.__xss=1>",
    "<body onload=alert(1)>",
]
URL_PAYLOADS = [
    "javascript:window.__xss=1",
    "data:text/html,<script>window.__xss=1</script>",
    'https://evil.example/"><script>window.__xss=1</script>',
    "https://evil.example/x?q=<img src=x onerror=window.__xss=1>",
]
#: Tabular mapping of the CSV (docs/formats.md, `tabular`).
MAPPING: dict[str, Any] = {
    "table": "actions",
    "platform": "twitter",
    "mapping": {
        "action_id": "post_id",
        "actor_id": "user_id",
        "time": "posted",
        "text": "body",
        "kind": {"column": "type", "values": {"R": "repost", "": "post"}},
        "parent_id": "parent",
        "urls": {"column": "links", "separator": " "},
        "handle": "handle",
        "display_name": "name",
        "description": "bio",
        "followers": "followers",
        "client": "client",
    },
}
_COLUMNS = ["post_id", "user_id", "posted", "body", "type", "parent", "links", "handle",
            "name", "bio", "followers", "client"]  # fmt: skip


def write_hostile_csv(path: Path, *, seed: int = 7) -> Path:
    """Write the data set to ``path`` (CSV) and return it."""
    rng = random.Random(seed)
    start = datetime(2024, 3, 4)
    rows: list[dict[str, Any]] = []
    organic = [f"u{i:03d}" for i in range(150)]
    posts: list[str] = []
    for i, user in enumerate(organic):
        for j in range(20):
            at = start + timedelta(seconds=rng.randrange(3 * 86400))
            pid = f"o{i:03d}_{j:02d}"
            if posts and rng.random() < 0.3:
                rows.append(_row(pid, user, at, "", "R", rng.choice(posts), "", user, i))
            else:
                rows.append(_row(pid, user, at, f"organic post {j} of {user}", "", "", "", user, i))
                posts.append(pid)
    net = [f"x{i:02d}" for i in range(12)]
    for k in range(25):
        at = start + timedelta(hours=2 + 2.5 * k, seconds=rng.randrange(600))
        author = net[k % 2]
        pid = f"s{k:02d}"
        text = f"{PAYLOADS[k % len(PAYLOADS)]} campaign post {k}"
        link = URL_PAYLOADS[k % len(URL_PAYLOADS)] if k % 3 == 0 else "https://news.example/a"
        rows.append(_row(pid, author, at, text, "", "", link, author, None, net.index(author)))
        for n, user in enumerate(net):
            if user == author:
                continue
            lag = timedelta(seconds=2 + rng.random() * 20)
            rows.append(_row(f"r{k:02d}_{n:02d}", user, at + lag, text, "R", pid, link, user,
                             None, n))  # fmt: skip
    # Link pushes: every account posts the same hostile URL within seconds (co_link).
    for m in range(8):
        at = start + timedelta(hours=3 + 7 * m, seconds=rng.randrange(600))
        url = URL_PAYLOADS[m % len(URL_PAYLOADS)] + f"//{m}"
        for n, user in enumerate(net):
            rows.append(_row(f"l{m:02d}_{n:02d}", user, at + timedelta(seconds=rng.random() * 30),
                             f"{PAYLOADS[(m + n) % len(PAYLOADS)]} read {m}", "", "", url,
                             user, None, n))  # fmt: skip
    rows.sort(key=lambda r: (r["posted"], r["post_id"]))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(
    pid: str, user: str, at: datetime, body: str, kind: str, parent: str, links: str,
    handle: str, organic: int | None, hostile: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    if hostile is None:
        name, bio, followers, client = (
            f"Person {handle}",
            "just me",
            200 + 7 * (organic or 0),
            "App",
        )
    else:
        handle = PAYLOADS[hostile % len(PAYLOADS)] + f"_{hostile}"
        name = PAYLOADS[(hostile + 1) % len(PAYLOADS)]
        bio = PAYLOADS[(hostile + 2) % len(PAYLOADS)]
        followers, client = 3, "<b>bot</b>"
    return {"post_id": pid, "user_id": user, "posted": at.isoformat(sep=" "), "body": body,
            "type": kind, "parent": parent, "links": links, "handle": handle, "name": name,
            "bio": bio, "followers": followers, "client": client}  # fmt: skip
