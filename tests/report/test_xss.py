"""A network whose handles, names, descriptions, post texts and URLs are XSS payloads:
detect reports it, the report shows the payloads as text, and nothing in them runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coordnet.detect import DetectConfig, detect
from coordnet.ingest import ingest
from coordnet.network.decide import DecisionParams
from coordnet.report import write_report
from coordnet.store import open_store

from .hostile import MAPPING, PAYLOADS, write_hostile_csv
from .test_browser import click_node, open_page


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("hostile")
    csv = write_hostile_csv(work / "posts.csv")
    with open_store(work / "store.duckdb") as st:
        ingest([csv], st, format="tabular", mapping=MAPPING)
    # Plain accounts with no profile data: report on coordination alone.
    config = DetectConfig(decision=DecisionParams(min_inauthenticity=0.0))
    result = detect([work / "store.duckdb"], work / "out", config=config)
    assert result.n_accounts == 12
    with open_store(work / "store.duckdb") as st:
        return write_report(st, work / "report.html")


def test_payloads_are_escaped_in_the_file(hostile_report: Path) -> None:
    text = hostile_report.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        if "<" in payload:  # (one payload is already entity-escaped text)
            assert payload not in text
    assert "<img" not in text and "<svg onload" not in text and "<iframe" not in text
    assert 'href="javascript' not in text and 'href="data' not in text


def test_nothing_runs_in_chromium(browser: Any, hostile_report: Path) -> None:
    page, errors, requests = open_page(browser, hostile_report)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        ids = [r.get_attribute("data-id") for r in page.locator("#networks tbody tr").all()]
        assert len(ids) >= 1
        seen = ""
        for cid in ids:
            page.locator(f"#networks tbody tr[data-id='{cid}']").click()
            page.wait_for_selector(f"#detail article.network[data-network='{cid}'][data-ready]")
            for node in page.evaluate("coordnetReport.nodes()")[:3]:
                click_node(page, node)
            page.hover("#detail table.members")
            for link in page.locator("#detail a").all():
                assert link.get_attribute("href").startswith(("http://", "https://"))
                assert link.get_attribute("rel") == "noopener noreferrer"
                assert link.get_attribute("target") == "_blank"
            seen += page.locator("#detail").inner_text()
        # the payloads are there, as text
        shown = [p for p in PAYLOADS if p.replace("\u2028", "").replace("\u2029", "") in
                 seen.replace("\u2028", "").replace("\u2029", "")]  # fmt: skip
        assert len(shown) >= len(PAYLOADS) - 2, shown
        assert "javascript:window.__xss=1" in seen
        assert page.evaluate("window.__xss") is None
        assert page.evaluate("parent.__xss") is None
        assert dialogs == []
        # injected markup would have made elements with handlers: there are none
        handlers = page.evaluate(
            "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
            ".filter(a => a.name.startsWith('on')).length"
        )
        assert handlers == 0
        assert page.locator("#detail iframe, #detail img, #detail script").count() == 0
        assert errors == [] and requests == []
    finally:
        page.close()
