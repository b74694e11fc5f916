"""Detection quality on simulated scenarios: coordnet next to the peer recipe, one table.

For each named scenario and seed the simulator writes activity with planted campaigns
(cached in benchmarks/_work/quality/), then every detector runs on the same files and
``coordnet.evaluate`` scores it against ``labels.csv``:

* ``coordnet``: ``coordnet detect`` with its defaults (skipped, with a note, until the
  detect command exists);
* ``peer-cnt@W``: coordination-network-toolkit (the QUT peer, installed from PyPI into its
  own venv under benchmarks/_work/) with the documented recipe of ../shared/tools/peer_cnt.py:
  co_retweet + co_link + co_tweet + co_reply networks at a 60 s window and minimum edge
  weight W, union, connected components of >= 3 accounts. W is swept and the peer is
  reported at each W, so it is judged at its best threshold.

Scenarios are split in two: ``tuning`` (what we may look at while choosing defaults) and
``held-out`` (other seeds and scenario variants, reported separately and never used to tune).

    python benchmarks/quality.py [--quick] [--weights 2,3,5,10]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

WORK = Path(__file__).parent / "_work" / "quality"
PEER_VENV = Path(__file__).parent / "_work" / "peer-venv"
PEER_SCRIPT = Path(__file__).resolve().parents[2] / "shared" / "tools" / "peer_cnt.py"


@dataclass(frozen=True)
class Case:
    """One simulated data set: a bundled scenario at a seed, in a split."""

    scenario: str
    seed: int
    split: str
    accounts: int | None = None
    days: int | None = None

    @property
    def name(self) -> str:
        size = f"-{self.accounts}a" if self.accounts else ""
        return f"{self.scenario}{size}-s{self.seed}"


CASES: tuple[Case, ...] = (
    Case("default", 1, "tuning"),
    Case("default", 2, "tuning"),
    # Seeds 3-6 joined the tuning set when seeds 1-2 turned out to flatter the slow burn.
    *(Case("default", seed, "tuning") for seed in (3, 4, 5, 6)),
    Case("hard_negatives", 1, "tuning"),
    # Held out: other seeds, another size, never looked at while choosing defaults (seed 101
    # was inspected once, for slow-burn misses, so seed 104 was added as a clean one).
    Case("default", 101, "held-out"),
    Case("default", 104, "held-out"),
    Case("default", 102, "held-out", accounts=10_000),
    Case("hard_negatives", 103, "held-out"),
    Case("camouflage", 202, "held-out"),
    Case("slow_burn", 202, "held-out"),
)
QUICK: tuple[Case, ...] = (Case("demo", 1, "tuning"), Case("demo", 101, "held-out"))


def simulate_case(case: Case) -> Path:
    """Simulate once per case; later runs reuse the files."""
    from coordnet.simulate import simulate

    out = WORK / case.name
    labels = out / "labels.csv"
    # Files from before labels counted coordinated actions are simulated again.
    if not labels.exists() or "coordinated_actions" not in labels.open().readline():
        simulate(out, scenario=case.scenario, seed=case.seed, accounts=case.accounts,
                 days=case.days)  # fmt: skip
    return out


def ensure_peer() -> Path:
    """The peer's compute_networks, installed from PyPI into its own venv once."""
    exe = PEER_VENV / "bin" / "compute_networks"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run(
            [str(PEER_VENV / "bin" / "pip"), "install", "-q", "coordination-network-toolkit",
             "networkx"], check=True,
        )  # fmt: skip
    return exe


def run_peer(data: Path, weight: int) -> tuple[Path, float]:
    """Run the peer recipe; returns a result folder with accounts.csv and the seconds."""
    exe = ensure_peer()
    work = data / f"peer-w{weight}"
    started = time.perf_counter()
    subprocess.run(
        [str(PEER_VENV / "bin" / "python"), str(PEER_SCRIPT), str(data), str(work),
         "--cnt", str(exe), "--window", "60", "--min-weight", str(weight)],
        check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    with (
        open(work / "flagged.csv", encoding="utf-8") as src,
        open(work / "accounts.csv", "w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst)
        w.writerow(["account_id", "cluster_id", "score", "role"])
        for row in csv.DictReader(src):
            w.writerow([row["account_id"], row["cluster_id"], "", ""])
    return work, seconds


def run_coordnet(data: Path) -> tuple[Path | None, float]:
    """Run ``coordnet detect`` with defaults, if this version has it."""
    out = data / "coordnet"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "coordnet", "detect", str(data / "tweets.csv"),
         str(data / "users.csv"), str(data / "sessions.csv"), "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        return None, 0.0
    return out, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="the small demo scenario only")
    ap.add_argument("--weights", default="2,3,5,10", help="peer minimum edge weights to sweep")
    ap.add_argument("--no-peer", action="store_true", help="coordnet only")
    ap.add_argument("--split", choices=["tuning", "held-out"], help="one split only")
    args = ap.parse_args()
    from coordnet.evaluate import evaluate

    weights = [] if args.no_peer else [int(w) for w in args.weights.split(",")]
    cases = [c for c in (QUICK if args.quick else CASES) if args.split in (None, c.split)]
    header = (f"{'split':<9} {'case':<26} {'detector':<13} {'prec':>6} {'recall':>6} "
              f"{'F1':>6} {'org.FP%':>8} {'ARI':>6} {'minstyle':>8} {'HN nets':>7} "
              f"{'secs':>7}")  # fmt: skip
    rows = []
    styles: dict[str, dict[str, str]] = {}
    notes = set()
    for case in cases:
        data = simulate_case(case)
        runs: list[tuple[str, Path | None, float]] = []
        result, secs = run_coordnet(data)
        if result is None:
            notes.add("coordnet: `coordnet detect` failed or is not available")
        runs.append(("coordnet", result, secs))
        for w in weights:
            peer_result, peer_secs = run_peer(data, w)
            runs.append((f"peer-cnt@{w}", peer_result, peer_secs))
        for name, result, secs in runs:
            if result is None:
                rows.append(f"{case.split:<9} {case.name:<26} {name:<13} {'n/a':>6}")
                continue
            ev = evaluate(data / "labels.csv", result)
            d = ev.as_dict()
            min_style = min((st.recall for st in ev.styles), default=float("nan"))
            hn_nets = sum(g.n_clusters for g in ev.hard_negatives)
            rows.append(
                f"{case.split:<9} {case.name:<26} {name:<13} {d['precision']:>6.3f} "
                f"{d['recall']:>6.3f} {d['f1']:>6.3f} "
                f"{100 * d['false_positive_rate']:>8.2f} {d['adjusted_rand_index']:>6.3f} "
                f"{min_style:>8.3f} {hn_nets:>7d} {secs:>7.1f}"
            )
            if name == "coordnet":
                for st in ev.styles:
                    acted = "" if st.n_acted is None else f" ({st.n_acted_found}/{st.n_acted})"
                    styles.setdefault(st.style, {})[case.name] = (
                        f"{st.n_found}/{st.n_members}{acted}"
                    )
    print(header)
    print("\n".join(rows))
    if styles:
        names = [c.name for c in cases]
        print(f"\ncoordnet: campaign members flagged per style\n{'style':<24}"
              + "".join(f" {n:>20}" for n in names))  # fmt: skip
        for style, found in sorted(styles.items()):
            print(f"{style:<24}" + "".join(f" {found.get(n, '-'):>20}" for n in names))
    print(
        "minstyle: lowest recall over campaign styles; HN nets: hard-negative groups "
        "(breaking news, fans, movements, ...) reported as a network; per style: flagged/"
        "members (flagged/members with at least one coordinated action)"
    )
    for note in sorted(notes):
        print(f"note: {note}")


if __name__ == "__main__":
    main()
