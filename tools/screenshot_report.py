"""Write docs/img/report.png: the report of the demo scenario (seed 11) with its strongest
network open and one account clicked, as headless Chromium draws it.

    python tools/screenshot_report.py [--out docs/img/report.png]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from coordnet.detect import detect
from coordnet.report import write_report
from coordnet.simulate import simulate
from coordnet.store import open_store

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "report.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        simulate(work / "sim", scenario="demo", seed=11)
        sim = work / "sim"
        detect([sim / "tweets.csv", sim / "users.csv", sim / "sessions.csv"], work / "out")
        with open_store(work / "out" / "store.duckdb") as st:
            report = write_report(st, work / "out" / "report.html")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                page.goto(report.as_uri())
                page.locator("#networks tbody tr").first.click()
                page.wait_for_selector("#detail article.network[data-ready='1']")
                node = page.evaluate("coordnetReport.nodes()")[0]
                at = page.evaluate("id => coordnetReport.nodeViewport(id)", node)
                box = page.locator("#detail .graph").bounding_box()
                page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
                page.wait_for_timeout(300)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(
                    path=str(args.out), clip={"x": 0, "y": 0, "width": 1400, "height": 1100}
                )
            finally:
                browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
