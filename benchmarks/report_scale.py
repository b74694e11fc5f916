"""``report.html`` at scale: writing time, file size and how fast Chromium opens it.

Runs ``detect`` on the demo scenario (2 reported networks, 27 accounts), then replicates its
reported networks under new ids, with copies of their accounts, actions, ties and evidence
(ids suffixed ``~r``), until the store holds the asked number of reported networks. It is a
rendering benchmark: the copies are as rich as the originals (graph, charts, evidence) but
carry no new information. Then it writes the report and opens it in headless Chromium
(Debian ``chromium``, Playwright) to time load-to-interactive (the list usable) and opening
one network (its graph drawn).

    python benchmarks/report_scale.py [--networks 1000] [--networks 100]
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from coordnet.detect import detect
from coordnet.report import write_report
from coordnet.simulate import simulate
from coordnet.store import Store, open_store

WORK = Path(__file__).parent / "_work" / "report"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip


def base_store() -> Path:
    """The demo scenario's detect output (cached)."""
    out = WORK / "demo-detect"
    if not (out / "store.duckdb").exists():
        sim = WORK / "demo-sim"
        simulate(sim, scenario="demo", seed=11)
        detect([sim / "tweets.csv", sim / "users.csv", sim / "sessions.csv"], out)
    return out / "store.duckdb"


def replicate(store: Store, copies: int) -> None:
    """Add ``copies`` copies of every reported network (members, their actions, ties and
    evidence under suffixed ids; cluster ids offset by 10,000 per copy)."""
    e = store.engine
    e.execute("""CREATE TEMP TABLE rep_m AS SELECT DISTINCT actor_id FROM cluster_members
                 WHERE cluster_id IN (SELECT cluster_id FROM clusters WHERE reported)""")
    e.execute(f"CREATE TEMP TABLE rep_r AS SELECT range AS r FROM range(1, {copies + 1})")
    sfx = "|| '~' || r::VARCHAR"
    in_m = "IN (SELECT actor_id FROM rep_m)"
    ends = f"source {sfx} AS source, target {sfx} AS target"
    steps = [
        """INSERT INTO clusters SELECT clusters.* REPLACE (cluster_id + r * 10000 AS cluster_id)
            FROM clusters, rep_r WHERE reported""",
        f"""INSERT INTO cluster_members SELECT cluster_members.* REPLACE (
                cluster_id + r * 10000 AS cluster_id, actor_id {sfx} AS actor_id)
            FROM cluster_members, rep_r WHERE cluster_id IN (
                SELECT cluster_id FROM clusters WHERE reported AND cluster_id < 10000)""",
        f"""INSERT INTO actors SELECT actors.* REPLACE (actor_id {sfx} AS actor_id,
                handle {sfx} AS handle)
            FROM actors JOIN rep_m USING (actor_id), rep_r""",
        f"""INSERT INTO actions SELECT actions.* REPLACE (action_id {sfx} AS action_id,
            actor_id {sfx} AS actor_id) FROM actions JOIN rep_m USING (actor_id), rep_r""",
        f"""INSERT INTO fused_edges SELECT fused_edges.* REPLACE ({ends})
            FROM fused_edges, rep_r WHERE source {in_m} AND target {in_m}""",
        f"""INSERT INTO edges SELECT edges.* REPLACE ({ends})
            FROM edges, rep_r WHERE source {in_m} AND target {in_m}""",
        f"""INSERT INTO evidence SELECT evidence.* REPLACE ({ends},
                action_source {sfx} AS action_source, action_target {sfx} AS action_target)
            FROM evidence, rep_r WHERE source {in_m} AND target {in_m}""",
    ]
    for sql in steps:
        e.execute(sql)


def browse(path: Path) -> tuple[float, float]:
    """Seconds from navigation to a usable list, and from a click on the first network to its
    drawn graph, in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t0 = time.perf_counter()
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.wait_for_function("window.coordnetReport !== undefined")
            loaded = time.perf_counter() - t0
            t1 = time.perf_counter()
            page.locator("#networks tbody tr").first.click()
            page.wait_for_selector("#detail article.network[data-ready]")
            opened = time.perf_counter() - t1
        finally:
            browser.close()
    return loaded, opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--networks", type=int, action="append", help="networks (repeatable)")
    args = parser.parse_args()
    base = base_store()
    print("| networks | write s | file MB | Chromium load-to-interactive s | open one network s |")
    print("|---:|---:|---:|---:|---:|")
    for target in args.networks or [1000]:
        work = WORK / f"store-{target}.duckdb"
        shutil.copy(base, work)
        with open_store(work) as store:
            n_base = int(store.engine.scalar("SELECT count(*) FROM clusters WHERE reported"))
            replicate(store, max(0, -(-target // n_base) - 1))
            n = int(store.engine.scalar("SELECT count(*) FROM clusters WHERE reported"))
            t0 = time.perf_counter()
            out = write_report(store, WORK / f"report-{target}.html")
            wrote = time.perf_counter() - t0
        loaded, opened = browse(out)
        size = out.stat().st_size / 1e6
        print(f"| {n:,} | {wrote:.1f} | {size:.1f} | {loaded:.2f} | {opened:.2f} |", flush=True)
        work.unlink()


if __name__ == "__main__":
    main()
