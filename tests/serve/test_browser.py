"""End to end in real headless Chromium against a real server: open the queue, open a
network (the report's graph, charts and tables render under the app's CSP), record a
decision, restart the server on the same store file, and find the decision kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .server import running_server


def open_page(browser: Any, url: str) -> tuple[Any, list[str], list[str]]:
    """A page at ``url`` recording console and page errors (CSP violations included) and
    every request that leaves the server's origin."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    outside: list[str] = []
    origin = url.split("/", 3)[:3]
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.split("/", 3)[:3] == origin
            else outside.append(r.url))  # fmt: skip
    page.goto(url)
    return page, errors, outside


def test_triage_round_trip(browser: Any, store_copy: Path, tmp_path: Path) -> None:
    with running_server(store_copy) as server:
        page, errors, outside = open_page(browser, server.url + "/")
        try:
            rows = page.locator("#queue tbody tr")
            assert rows.count() == 2
            first = rows.first.get_attribute("data-id")
            assert "undecided" in rows.first.inner_text()
            page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
            page.locator(f"#queue a[href='/networks/{first}']").click()
            page.wait_for_selector(f"#detail article.network[data-network='{first}'][data-ready]")
            assert page.locator("#detail article.network").get_attribute("data-ready") == "1"
            assert page.locator("#detail .graph canvas").count() > 0
            assert page.locator("#detail svg.heatmap").count() == 2
            assert page.locator("#detail svg.timeline").count() == 1
            assert page.locator("#detail table.members tbody tr").count() >= 12
            assert page.locator("#members table tbody tr").count() >= 12
            page.check("form.decide input[value='confirmed']")
            page.fill("form.decide textarea[name='note']", "same 12 accounts as last week")
            page.fill("form.decide input[name='analyst']", "Ann Analyst")
            page.click("form.decide button[type='submit']")
            page.wait_for_selector("#decision .current .badge.d-confirmed")
            assert f"/networks/{first}#" in page.url
            trail = page.locator("#decision table.audit tbody tr")
            assert trail.count() == 1
            assert "same 12 accounts as last week" in trail.first.inner_text()
            assert "Ann Analyst" in trail.first.inner_text()
            page.wait_for_selector("#detail article.network[data-ready='1']")
            page.screenshot(path=str(tmp_path / "network.png"), full_page=False)
            # an account of the network: its explain view, and a decision on it
            member = page.locator("#members table tbody tr a.handle").first
            member.click()
            page.wait_for_selector("#profile")
            assert "flagged" in page.locator(".verdict").inner_text()
            assert page.locator("form.decide input[name='analyst']").input_value() == (
                "Ann Analyst")  # remembered  # fmt: skip
            page.check("form.decide input[value='needs_review']")
            page.click("form.decide button[type='submit']")
            page.wait_for_selector("#decision .current .badge.d-needs_review")
            assert errors == [] and outside == []
        finally:
            page.close()
    assert (tmp_path / "queue.png").stat().st_size > 10_000
    assert (tmp_path / "network.png").stat().st_size > 10_000

    # A new server process on the same file: the decisions are still there.
    with running_server(store_copy) as server:
        page, errors, outside = open_page(browser, server.url + "/")
        try:
            row = page.locator(f"#queue tbody tr[data-id='{first}']")
            assert "confirmed" in row.locator("td.decision").inner_text()
            assert "Ann Analyst" in row.locator("td.decision").inner_text()
            page.goto(f"{server.url}/?decision=confirmed")
            assert page.locator("#queue tbody tr").count() == 1
            page.goto(f"{server.url}/networks/{first}")
            assert "confirmed" in page.locator("#decision .current").inner_text()
            assert page.locator("#decision table.audit tbody tr").count() == 1
            assert page.locator("#members .badge.d-needs_review").count() == 1
            page.goto(f"{server.url}/decisions")
            assert page.locator("#audit tbody tr").count() == 2
            page.goto(f"{server.url}/exports")
            assert f"network {first}" in page.locator("main").inner_text()
            assert errors == [] and outside == []
        finally:
            page.close()
