"""Detection on the real public data sets of ../shared/data, reported as figures.

* **Cresci-2015** (genuine Italian accounts + purchased fake followers): how many genuine
  human accounts ``detect`` flags (should be very few), and how many fake followers (they are
  inauthentic but not a message-coordination campaign, so a low share is no failure).
* **IRA troll tweets (FiveThirtyEight, English, 2016)**: every account is IRA, so detect runs
  with ``--min-inauthenticity 0`` (the store's population is the operation itself: nothing
  can look unusual next to it); how many accounts it groups into networks, and how the
  networks line up with Linvill & Warren's ``account_category`` (purity: share of each
  network's largest category; ARI between networks and categories over the flagged
  accounts; the contingency table).

Both run ``coordnet detect`` with its defaults in a fresh process (wall time and peak RSS);
stores and results are kept under benchmarks/_work/real/.

    python benchmarks/real_data.py [--cases cresci,ira]
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
WORK = Path(__file__).parent / "_work" / "real"


def run_detect(name: str, inputs: list[Path], *options: str) -> tuple[Path, float, float]:
    """``coordnet detect`` on ``inputs`` into a fresh folder; (out, seconds, peak GiB)."""
    out = WORK / name
    if out.exists():
        for f in out.iterdir():
            f.unlink()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "coordnet", "detect", *map(str, inputs), "--out", str(out),
         "--no-progress", *options],
        capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"detect failed on {name}:\n{done.stdout}\n{done.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return out, seconds, peak


def flagged(out: Path) -> dict[str, str]:
    """Flagged account id -> cluster id."""
    with (out / "accounts.csv").open(encoding="utf-8") as fh:
        return {r["account_id"]: r["cluster_id"] for r in csv.DictReader(fh)}


def cresci() -> None:
    folder = SHARED / "cresci2015_fame_for_sale"
    out, secs, peak = run_detect(
        "cresci", [folder / "cresci2015_tweets.csv.gz", folder / "cresci2015_users.csv"]
    )
    with (folder / "cresci2015_users.csv").open(encoding="utf-8") as fh:
        label = {r["user_id"]: r["label"] for r in csv.DictReader(fh)}
    with (out / "clusters.csv").open(encoding="utf-8") as fh:
        n_networks = sum(1 for _ in csv.DictReader(fh))
    got = flagged(out)
    totals = Counter(label.values())
    hits = Counter(label.get(a, "unknown") for a in got)
    print(f"Cresci-2015: detect {secs:.0f} s, peak {peak:.2f} GiB, {n_networks} network(s)")
    for lab in sorted(totals):
        share = hits[lab] / totals[lab] if totals[lab] else 0.0
        print(f"  {lab:<14} flagged {hits[lab]:>5} of {totals[lab]:>5} ({share:.2%})")


def ira() -> None:
    folder = SHARED / "ira_troll_tweets_538"
    # Every account in the archive is IRA: the store's population is the operation itself,
    # so inauthenticity relative to it means nothing; report on coordination alone.
    out, secs, peak = run_detect(
        "ira", [folder / "ira_tweets_english_2016.csv.gz", folder / "authors.csv"],
        "--min-inauthenticity", "0",
    )  # fmt: skip
    with (folder / "authors.csv").open(encoding="utf-8") as fh:
        category = {r["author_id"]: r["account_category"] for r in csv.DictReader(fh)}
    got = flagged(out)
    by_cluster: dict[str, Counter[str]] = defaultdict(Counter)
    for actor, cid in got.items():
        by_cluster[cid][category.get(actor, "?")] += 1
    purity = sum(c.most_common(1)[0][1] for c in by_cluster.values()) / max(len(got), 1)
    from coordnet.evaluate import adjusted_rand_index

    ids = sorted(got)
    ari = adjusted_rand_index([got[a] for a in ids], [category.get(a, "?") for a in ids])
    print(f"IRA 2016: detect {secs:.0f} s, peak {peak:.2f} GiB; {len(got)} accounts flagged "
          f"in {len(by_cluster)} network(s); purity {purity:.3f}, ARI {ari:.3f}")  # fmt: skip
    for cid, counts in sorted(by_cluster.items(), key=lambda kv: -sum(kv[1].values())):
        parts = ", ".join(f"{k} {v}" for k, v in counts.most_common())
        print(f"  network {cid:>3}: {sum(counts.values()):>4} accounts: {parts}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default="cresci,ira")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    for case in args.cases.split(","):
        {"cresci": cresci, "ira": ira}[case]()


if __name__ == "__main__":
    main()
