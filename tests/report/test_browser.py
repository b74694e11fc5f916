"""report.html in real headless Chromium: no console or page errors, no request leaves the
page, a network opens with its graph and heatmaps, a click on a node shows its details."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coordnet.report import write_report
from coordnet.store import open_store


def open_page(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """A page on ``path`` recording console errors / page errors and non-file requests."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith("file:") else requests.append(r.url))
    page.goto(path.resolve().as_uri())
    return page, errors, requests


def click_node(page: Any, node_id: str) -> None:
    """Click on the node's position in the graph canvas (sigma's own click handling)."""
    at = page.evaluate("id => coordnetReport.nodeViewport(id)", node_id)
    box = page.locator("#detail .graph").bounding_box()
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


def test_report_in_chromium(browser: Any, detected: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with open_store(detected / "store.duckdb") as st:
        write_report(st, out)
    page, errors, requests = open_page(browser, out)
    try:
        rows = page.locator("#networks tbody tr")
        assert rows.count() == 2
        page.fill("#filter", "near_duplicate")
        assert page.locator("#networks tbody tr:visible").count() == 1
        page.fill("#filter", "")
        rows.first.click()
        page.wait_for_selector("#detail article.network[data-ready='1']")
        assert page.locator("#detail .graph canvas").count() > 0
        assert page.locator("#detail svg.heatmap").count() == 2  # UTC and local time
        assert page.locator("#detail svg.timeline").count() == 1
        assert page.locator("#detail svg.lags").count() >= 1
        assert page.locator("#detail table.members tbody tr").count() >= 12
        node = page.evaluate("coordnetReport.nodes()")[0]
        click_node(page, node)
        page.wait_for_selector(f"#detail .node-detail[data-node='{node}']")
        assert node in page.locator("#detail .node-detail").inner_text()
        first = rows.first.get_attribute("data-id")
        assert f"network {first} (this one)" in page.locator("#detail .legend").inner_text()
        page.select_option("#detail select.colour-by", "signal")
        legend = page.locator("#detail .legend").inner_text()
        assert "network" not in legend
        assert set(legend.split()) & set(rows.first.get_attribute("data-signals").split())
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        assert (tmp_path / "report.png").stat().st_size > 10_000
        assert errors == [] and requests == []
    finally:
        page.close()


def test_report_without_networks_in_chromium(browser: Any, detected: Path, tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "store.duckdb"
    shutil.copy(detected / "store.duckdb", store)
    with open_store(store) as st:
        st.engine.execute("UPDATE clusters SET reported = false")
        write_report(st, tmp_path / "report.html")
    page, errors, _ = open_page(browser, tmp_path / "report.html")
    try:
        assert "No networks were reported" in page.locator("#empty").inner_text()
        assert errors == []
    finally:
        page.close()
