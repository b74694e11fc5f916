"""Write docs/img/serve-queue.png and docs/img/serve-network.png: ``coordnet serve`` on the
demo scenario (seed 11) with two recorded decisions, as headless Chromium draws it.

    python tools/screenshot_serve.py [--out-dir docs/img]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from coordnet.detect import detect
from coordnet.serve import create_app
from coordnet.simulate import simulate

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        simulate(work / "sim", scenario="demo", seed=11)
        sim = work / "sim"
        detect([sim / "tweets.csv", sim / "users.csv", sim / "sessions.csv"], work / "out")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        app = create_app(work / "out" / "store.duckdb")
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning"))  # fmt: skip
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=url, trust_env=False) as c:
                token = c.get("/api/csrf").json()["csrf_token"]
                first, second = [n["cluster_id"] for n in c.get("/api/networks").json()["networks"]]
                for cid, decision, note in (
                    (first, "confirmed", "Same amplification pattern as the March network."),
                    (second, "needs_review", "Check the shared text against the news wire."),
                ):
                    c.post("/api/decisions", headers={"x-csrf-token": token}, json={
                        "target_kind": "network", "target_id": str(cid), "decision": decision,
                        "note": note, "analyst": "A. Analyst"})  # fmt: skip
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1400, "height": 520})
                    page.goto(url + "/")
                    args.out_dir.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.out_dir / "serve-queue.png"))
                    page.set_viewport_size({"width": 1400, "height": 1500})
                    page.goto(f"{url}/networks/{first}")
                    page.wait_for_selector("#detail article.network[data-ready='1']")
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(args.out_dir / "serve-network.png"))
                finally:
                    browser.close()
        finally:
            server.should_exit = True
            thread.join(10)
    print(f"wrote {args.out_dir / 'serve-queue.png'} and {args.out_dir / 'serve-network.png'}")


if __name__ == "__main__":
    main()
