"""``coordnet detect`` end to end at scale: wall time, CPU time and peak memory, with quality.

Simulates the default scenario with the asked number of organic accounts (about 11.5 actions
per account over 7 days: 100,000 accounts make 1.15 M actions, 870,000 about 10 M; cached
under benchmarks/_work/scale/), then runs
``coordnet detect`` on the CSV files in a fresh process (ingest included) and scores the
result against the planted truth. These sizes are never used to choose defaults.

    python benchmarks/detect_scale.py [--accounts 100000] [--accounts 870000] [--memory-limit 8GB]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).parent / "_work" / "scale"


def simulate(accounts: int, seed: int) -> Path:
    """The default scenario with ``accounts`` organic accounts (cached)."""
    out = WORK / f"default-{accounts}a-s{seed}"
    if not (out / "labels.csv").exists():
        subprocess.run(
            [sys.executable, "-m", "coordnet", "simulate", "--out", str(out), "--scenario",
             "default", "--accounts", str(accounts), "--days", "7", "--seed", str(seed)],
            check=True,
        )  # fmt: skip
    return out


def run(data: Path, memory_limit: str | None = None) -> dict[str, float]:
    """Detect in a child process; wall, CPU and peak RSS of that child."""
    out = data / "detect"
    store = out / "store.duckdb"
    if store.exists():
        store.unlink()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "coordnet", "detect", str(data / "tweets.csv"),
         str(data / "users.csv"), str(data / "sessions.csv"), "--out", str(out),
         "--no-progress", *(["--memory-limit", memory_limit] if memory_limit else [])],
        check=True, capture_output=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "peak_gib": after.ru_maxrss / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, action="append", help="repeatable; default 100000")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--memory-limit", default=None, help="passed to detect, e.g. 8GB")
    args = ap.parse_args()
    from coordnet.evaluate import evaluate

    WORK.mkdir(parents=True, exist_ok=True)
    print(f"{'actions':>10} {'accounts':>9} {'wall s':>8} {'cpu s':>8} {'peak GiB':>9} "
          f"{'prec':>6} {'recall':>6} {'F1':>6} {'org.FP%':>8}")  # fmt: skip
    for accounts in args.accounts or [100_000]:
        data = simulate(accounts, args.seed)
        with (data / "tweets.csv").open("rb") as fh:
            rows = sum(1 for _ in fh) - 1
        m = run(data, args.memory_limit)
        ev = evaluate(data / "labels.csv", data / "detect")
        print(f"{rows:>10,} {accounts:>9,} {m['wall_s']:>8.1f} {m['cpu_s']:>8.1f} "
              f"{m['peak_gib']:>9.2f} {ev.precision:>6.3f} {ev.recall:>6.3f} {ev.f1:>6.3f} "
              f"{100 * ev.false_positive_rate:>8.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
