"""A network whose handles, names, descriptions, post texts and URLs are XSS payloads (the
report's hostile data set), and decisions whose notes and analyst names are payloads too:
in every page of the app, in real Chromium, nothing runs and the payloads show as text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from coordnet.detect import DetectConfig, detect
from coordnet.ingest import ingest
from coordnet.network.decide import DecisionParams
from coordnet.store import open_store
from report.hostile import MAPPING, PAYLOADS, write_hostile_csv

from .server import Server, running_server
from .test_browser import open_page

NOTE = "<img src=x onerror=window.__xss=1> </textarea><script>window.__xss=1</script>"
ANALYST = "<svg onload=window.__xss=1>"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("hostile-serve")
    csv = write_hostile_csv(work / "posts.csv")
    with open_store(work / "store.duckdb") as st:
        ingest([csv], st, format="tabular", mapping=MAPPING)
    config = DetectConfig(decision=DecisionParams(min_inauthenticity=0.0))
    result = detect([work / "store.duckdb"], work / "out", config=config)
    assert result.n_accounts == 12
    with running_server(work / "store.duckdb") as server:
        yield server


def no_script_ran(page: Any) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("parent.__xss") is None
    handlers = page.evaluate(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".filter(a => a.name.startsWith('on')).length"
    )
    assert handlers == 0
    assert page.locator("main iframe, main img, main script:not([type])").count() == 0
    for link in page.locator("main a").all():
        href = link.get_attribute("href")
        assert href.startswith(("/", "http://", "https://", "#")), href


def test_nothing_runs_in_any_page(browser: Any, hostile_server: Server) -> None:
    with hostile_server.client() as c:
        token = c.get("/api/csrf").json()["csrf_token"]
        networks = [n["cluster_id"] for n in c.get("/api/networks").json()["networks"]]
        members = [m["actor_id"] for m in c.get(f"/api/networks/{networks[0]}").json()["members"]]
        for kind, target in (("network", str(networks[0])), ("account", members[0])):
            r = c.post("/api/decisions", headers={"x-csrf-token": token}, json={
                "target_kind": kind, "target_id": target, "decision": "confirmed",
                "note": NOTE, "analyst": ANALYST})  # fmt: skip
            assert r.status_code == 201
    page, errors, outside = open_page(browser, hostile_server.url + "/")
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        seen = page.locator("main").inner_text()
        no_script_ran(page)
        for cid in networks:
            page.goto(f"{hostile_server.url}/networks/{cid}")
            page.wait_for_selector(f"#detail article.network[data-network='{cid}'][data-ready]")
            page.hover("#detail table.members")
            no_script_ran(page)
            seen += page.locator("main").inner_text()
        for actor in members[:4]:
            page.goto(f"{hostile_server.url}/accounts/{quote(actor, safe='')}")
            no_script_ran(page)
            seen += page.locator("main").inner_text()
        for q in (PAYLOADS[0], "#<script>alert(1)</script>", URL := "javascript:window.__xss=1"):
            page.goto(f"{hostile_server.url}/search?q={quote(q, safe='')}")
            no_script_ran(page)
            assert q in page.locator("q.query").inner_text()
        page.goto(f"{hostile_server.url}/decisions")
        no_script_ran(page)
        seen += page.locator("main").inner_text()
        flat = seen.replace("\u2028", "").replace("\u2029", "")
        shown = [p for p in PAYLOADS if p.replace("\u2028", "").replace("\u2029", "") in flat]
        assert len(shown) >= len(PAYLOADS) - 2, shown
        assert NOTE in seen and ANALYST in seen and URL in seen
        assert dialogs == []
        assert errors == [] and outside == []
    finally:
        page.close()
