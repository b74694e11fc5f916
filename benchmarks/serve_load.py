"""Load on ``coordnet serve``: requests per second and latency of the queue and network pages.

Starts ``coordnet serve`` on the store (a subprocess on a free loopback port), then, for
each page, sends a bounded number of requests (``--requests``, at most ``--max-seconds``
per page) from ``--concurrency`` concurrent connections (httpx, asyncio) and prints one
row per page: requests, requests/s, median, p95 and max latency, and the first request's
latency (a network page's first view computes its report JSON; later views are cached).

    python benchmarks/serve_load.py --store OUT/store.duckdb [--requests 500] [--concurrency 8]

The server opens the store read-write and creates its (empty) ``decisions`` table if the
store has none; nothing else is written. Only GET requests are sent.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(store: Path, port: int, memory_limit: str | None) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "coordnet", "serve", "--store", str(store), "--port", str(port)]
    if memory_limit:
        cmd += ["--memory-limit", memory_limit]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"coordnet serve exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("coordnet serve did not start within 300 s")


async def measure(
    client: httpx.AsyncClient, paths: list[str], n: int, concurrency: int, max_seconds: float
) -> dict[str, float]:
    """Send ``n`` GETs cycling through ``paths`` (bounded by ``max_seconds``)."""
    first_at = time.perf_counter()
    r = await client.get(paths[0])
    r.raise_for_status()
    first = time.perf_counter() - first_at
    latencies: list[float] = []
    next_index = 0
    stop_at = time.monotonic() + max_seconds

    async def worker() -> None:
        nonlocal next_index
        while next_index < n and time.monotonic() < stop_at:
            path = paths[next_index % len(paths)]
            next_index += 1
            t = time.perf_counter()
            resp = await client.get(path)
            latencies.append(time.perf_counter() - t)
            if resp.status_code != 200:
                raise SystemExit(f"GET {path}: {resp.status_code} {resp.text[:200]}")

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - began
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    return {"n": len(latencies), "rps": len(latencies) / wall, "p50": statistics.median(latencies),
            "p95": p95, "max": latencies[-1], "first": first}  # fmt: skip


async def run(args: argparse.Namespace, url: str) -> list[tuple[str, dict[str, float]]]:
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=600, trust_env=False) as c:
        networks = (await c.get("/api/networks", params={"limit": 1000})).json()
        ids = [n["cluster_id"] for n in networks["networks"]]
        if not ids:
            raise SystemExit("the store has no reported network")
        targets = [
            ("queue /", ["/"]),
            (f"network page /networks/{ids[0]} (strongest)", [f"/networks/{ids[0]}"]),
            (f"network pages, {min(len(ids), args.networks)} networks in turn",
             [f"/networks/{i}" for i in ids[1 : args.networks + 1] or ids]),
            ("API /api/networks", ["/api/networks"]),
        ]  # fmt: skip
        rows = []
        for label, paths in targets:
            rows.append((label, await measure(c, paths, args.requests, args.concurrency,
                                              args.max_seconds)))  # fmt: skip
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=500, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-seconds", type=float, default=60, help="time limit per page")
    parser.add_argument("--networks", type=int, default=20,
                        help="networks visited in turn by the third row")  # fmt: skip
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args()
    if not args.store.is_file():
        raise SystemExit(f"{args.store} does not exist")
    port = free_port()
    started = time.perf_counter()
    proc = start(args.store, port, args.memory_limit)
    startup = time.perf_counter() - started
    try:
        probe = httpx.get(f"http://127.0.0.1:{port}/api/networks", params={"limit": 1},
                          trust_env=False, timeout=600).json()  # fmt: skip
        print(f"store {args.store}: {probe['total']:,} reported networks; server up in "
              f"{startup:.1f} s; {args.requests} requests per page (at most "
              f"{args.max_seconds:g} s), concurrency {args.concurrency}")  # fmt: skip
        rows = asyncio.run(run(args, f"http://127.0.0.1:{port}"))
    finally:
        proc.terminate()
        proc.wait(30)
    head = f"{'page':<48} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} " \
           f"{'max ms':>8} {'first ms':>9}"  # fmt: skip
    print(head)
    print("-" * len(head))
    for label, m in rows:
        print(
            f"{label:<48} {m['n']:>8,} {m['rps']:>8.1f} {m['p50'] * 1e3:>8.1f} "
            f"{m['p95'] * 1e3:>8.1f} {m['max'] * 1e3:>8.1f} {m['first'] * 1e3:>9.1f}"
        )


if __name__ == "__main__":
    main()
