"""Signal speed and memory: coordnet next to coordination-network-toolkit, in one run.

Inputs are generated once per size and seed (``make_activity.py``, cached in
benchmarks/_work/signals/): the same rows in the information-operations archive layout for
coordnet and in the peer's CSV layout, with identical times.

* ``skewed`` (1 M retweets, Zipf popularity, viral posts retweeted thousands of times within
  minutes) and ``uniform`` (5 M retweets, uniform popularity): the peer
  (coordination-network-toolkit from PyPI in its own venv under benchmarks/_work/:
  ``preprocess``, then ``compute co_retweet`` at a 60 s window on ``--peer-cpus`` processes)
  and coordnet (``coordnet.ingest`` into a file store, then
  ``CoRepost(window=60, max_actors=None).fit``: no crowd guard, as the peer has none),
  each step timed in a fresh process; then the peer's directed weights are compared with
  coordnet's ``weight_source`` / ``weight_target``, pair by pair.
* ``mixed`` (10 M actions: posts with hashtags, URLs, mentions and repeated slogans, replies
  and retweets): coordnet ingests once and runs every registered signal with its default
  parameters, each in its own process.

Times are wall-clock seconds of each step's process, interpreter start and imports included,
for both tools (coordnet's are taken inside the process, leaving out the export of its edges
for the comparison); ``cpu s`` is user + system time of the process and its children, which
other load on the machine inflates less. Peak memory is the larger of the process tree's
summed resident set size (sampled every 0.1 s) and the maximum GNU time reports for the
command. ``pairs generated`` is what the signal reports in ``stats_`` (candidate pairs, each
once); for the peer it is twice the co-repost pairs counted from the generated data (reposts
of one post by distinct accounts at most 60 s apart): its SQL join yields each in both
directions (and, not counted, each repost with itself).

A step is killed when it runs past ``--timeout`` or holds more than ``--max-memory`` GiB (the
row then says so, with how far a signal got and its window). Prints one table and the
issue's targets, met or not, and writes them as JSON to benchmarks/_work/signals-<time>.json.
``--quick`` (1/20 of the retweet cases, 1/50 of the mixed one) takes a few minutes.

    python benchmarks/signals.py [--quick | --scale 0.5] [--cases skewed,uniform,mixed]
                                 [--window 60] [--timeout 1200] [--max-memory 12]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from make_activity import SHAPES, VERSION, make_activity
from quality import PEER_VENV, ensure_peer

WORK = Path(__file__).parent / "_work"
WINDOW = 60
#: ``--quick``: 1/20 of the retweet cases (the peer included), 1/50 of the mixed one.
QUICK_SCALES = {"skewed": 0.05, "uniform": 0.05, "mixed": 0.02}
TARGET_SPEEDUP = 20.0
TARGET_ALL_SECONDS = 300.0
TARGET_ALL_PEAK_MB = 8 * 1024.0
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
TICKS = os.sysconf("SC_CLK_TCK")
TIME = "/usr/bin/time"

RUN_INGEST = """
import time
t0 = time.perf_counter()
import json, sys
import coordnet
imported = time.perf_counter() - t0
report = coordnet.ingest([sys.argv[1]], sys.argv[2])
f = report.files[0]
print(json.dumps({"seconds": time.perf_counter() - t0, "import_s": imported,
                  "rows": f.n_actions, "rejects": f.n_rejects}))
"""

RUN_FIT = """
import time
t0 = time.perf_counter()
import inspect, json, sys
import coordnet
from coordnet.signals import SIGNALS
imported = time.perf_counter() - t0
name, db, out, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
store = coordnet.open_store(db)
sig = SIGNALS[name](**params)

def progress(label):
    # Where a fit is, for the record if it has to be killed: the window, the percent done.
    def report(percent):
        print(json.dumps({"window": getattr(sig, "window_", None), "percent": percent,
                          "at_s": time.perf_counter() - t0}), flush=True)
    return report

kwargs = {"progress": progress} if "progress" in inspect.signature(sig.fit).parameters else {}
sig.fit(store, **kwargs)
seconds = time.perf_counter() - t0
stats = getattr(sig, "stats_", None) or {}
# Big fits leave edges_ in the store until first use: read them before closing it.
n_edges = stats.get("edges", 0)
if out != "-":
    import pyarrow.parquet as pq
    pq.write_table(sig.edges_.select(["source", "target", "weight_source", "weight_target"]), out)
store.close()
print(json.dumps({"seconds": seconds, "import_s": imported, "edges": n_edges,
                  "stats": stats, "window": getattr(sig, "window_", None)},
                 default=lambda o: o.item() if hasattr(o, "item") else str(o)))
"""


@dataclass
class Step:
    """One measured process: wall and CPU seconds, peak memory, its JSON answer if any."""

    seconds: float
    cpu_s: float
    peak_mb: float
    rc: int
    is_killed: bool = False
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.is_killed


@dataclass
class Row:
    """One line of the table (and of the JSON record)."""

    case: str
    tool: str
    window: float | None = None
    rows: int | None = None
    ingest_s: float | None = None
    compute_s: float | None = None
    total_s: float | None = None
    cpu_s: float | None = None
    peak_mb: float | None = None
    edges: int | None = None
    pairs_generated: int | None = None
    speedup: float | None = None
    identical: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _processes() -> Iterator[tuple[int, list[str]]]:
    """Every process's pid and the fields of /proc/<pid>/stat after its name."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                yield int(entry.name), fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile


def _tree_usage(root: int) -> tuple[int, float]:
    """Summed RSS (KiB) and CPU seconds so far of ``root`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    usage: dict[int, tuple[int, int]] = {}
    for pid, fields in _processes():
        children.setdefault(int(fields[1]), []).append(pid)
        # utime, stime, cutime, cstime (clock ticks); rss (pages).
        usage[pid] = (int(fields[21]) * PAGE_KB, sum(int(x) for x in fields[11:15]))
    rss, ticks, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        kb, t = usage.get(pid, (0, 0))
        rss, ticks = rss + kb, ticks + t
        todo.extend(children.get(pid, ()))
    return rss, ticks / TICKS


def _wait_group_gone(pgid: int, limit: float = 120.0) -> None:
    """Wait until a killed step's processes have exited: a big one takes a while to free its
    memory, and holds the store's file lock until it has."""
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline and any(
        int(f[2]) == pgid and f[0] != "Z" for _, f in _processes()
    ):
        time.sleep(0.2)


def measure(cmd: list[str], timeout: float, max_mb: float) -> Step:
    """Run ``cmd`` in its own process group; time it and sample its memory; kill it when it
    runs past ``timeout`` seconds or its processes hold more than ``max_mb`` (a shared
    machine should not be pushed into swapping or the OOM killer)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as max_rss,
    ):
        # GNU time reports the command's own maximum RSS; the kernel's figure for our direct
        # child would include this (large) process's image from before the exec.
        timed = [TIME, "-f", "%M", "-o", max_rss.name, *cmd] if os.path.exists(TIME) else cmd
        started = time.perf_counter()
        proc = subprocess.Popen(timed, stdout=out, stderr=err, start_new_session=True)
        peak_kb, cpu_s, killed = 0, 0.0, ""
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                rss_kb, cpu_s = _tree_usage(proc.pid)
                peak_kb = max(peak_kb, rss_kb)
                if not killed and time.perf_counter() - started > timeout:
                    killed = f"timeout after {timeout:.0f} s"
                elif not killed and peak_kb > max_mb * 1024:
                    killed = f"killed at {peak_kb / 1024**2:.1f} GiB"
                if killed:
                    os.killpg(proc.pid, signal.SIGKILL)
                time.sleep(0.1)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM): the step runs in its own session, so end it here.
            os.killpg(proc.pid, signal.SIGKILL)
            raise
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if killed:
            _wait_group_gone(proc.pid)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
        error = err.read().decode("utf-8", "replace").strip()
        reported = max_rss.read().strip().splitlines()
    if reported and reported[-1].isdigit():
        peak_kb = max(peak_kb, int(reported[-1]))
    # A killed step's CPU time is only known from the samples.
    cpu_s = max(cpu_s, usage.ru_utime + usage.ru_stime)
    step = Step(seconds, cpu_s, peak_kb / 1024, proc.returncode, bool(killed))
    answers = [line for line in lines if line.startswith("{")]
    if answers:
        step.result = json.loads(answers[-1])
    if not step.ok:
        step.error = killed or (error.splitlines() or ["failed"])[-1][:200]
        if "percent" in step.result:
            window = step.result.get("window")
            at = f", window {_window(window)} s" if window is not None else ""
            step.error += f" ({step.result['percent']:.0f}% done{at})"
    return step


def export_peer(db: Path, out: Path) -> int:
    """The peer's directed co_retweet weights (self-pairs dropped) as Parquet, in chunks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([("u1", pa.string()), ("u2", pa.string()), ("w", pa.int64())])
    n = 0
    with sqlite3.connect(db) as con, pq.ParquetWriter(out, schema) as writer:
        cur = con.execute(
            "SELECT CAST(user_1 AS TEXT), CAST(user_2 AS TEXT), weight "
            "FROM co_retweet_network WHERE user_1 != user_2"
        )
        while rows := cur.fetchmany(1_000_000):
            cols = list(zip(*rows, strict=True))
            writer.write_table(pa.table([pa.array(c) for c in cols], schema=schema))
            n += len(rows)
    return n


COMPARE_SQL = """
WITH peer AS (SELECT u1, u2, w FROM read_parquet('{peer}')),
ours AS (SELECT source AS u1, target AS u2, weight_source AS w FROM read_parquet('{ours}')
         UNION ALL
         SELECT target, source, weight_target FROM read_parquet('{ours}'))
SELECT count(*) FILTER (WHERE ours.u1 IS NULL) AS only_peer,
       count(*) FILTER (WHERE peer.u1 IS NULL) AS only_coordnet,
       count(*) FILTER (WHERE peer.w <> ours.w) AS weight_differs,
       count(peer.u1) AS n_peer, count(ours.u1) AS n_coordnet
FROM peer FULL OUTER JOIN ours ON peer.u1 = ours.u1 AND peer.u2 = ours.u2
"""


def compare(peer: Path, ours: Path) -> dict[str, int]:
    """Directed pairs only one tool has, and pairs whose weights differ."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    row = con.execute(COMPARE_SQL.format(peer=peer, ours=ours)).fetchone()
    return dict(zip(("only_peer", "only_coordnet", "weight_differs", "n_peer", "n_coordnet"),
                    row, strict=True))  # fmt: skip


class Runner:
    """Runs the steps of every case, showing each as a line of rich progress."""

    def __init__(self, progress: Any, timeout: float, max_mb: float) -> None:
        self.progress = progress
        self.timeout = timeout
        self.max_mb = max_mb

    @contextmanager
    def task(self, label: str) -> Iterator[dict[str, str]]:
        """A progress line for one step; the step may set ``done['note']`` for its summary."""
        task = self.progress.add_task(label, total=1)
        done = {"note": ""}
        try:
            yield done
        finally:
            self.progress.update(task, completed=1, description=f"{label} {done['note']}")
            self.progress.stop_task(task)

    def step(self, label: str, cmd: list[str]) -> Step:
        with self.task(label) as done:
            step = measure(cmd, self.timeout, self.max_mb)
            done["note"] = (f"[dim]{step.seconds:.1f} s, {step.peak_mb:,.0f} MB[/]" if step.ok
                            else f"[red]{step.error}[/]")  # fmt: skip
        return step


def _sum(steps: list[Step], attr: str) -> float:
    return sum(getattr(s, attr) if attr != "seconds" else _secs(s) for s in steps)


def _secs(step: Step) -> float:
    """The step's seconds: coordnet's own measure when it gave one, else wall-clock."""
    return float(step.result.get("seconds", step.seconds))


def run_co_repost(runner: Runner, case: str, data: Path, meta: dict, peer_cpus: int) -> list[Row]:
    """The peer and coordnet on the same retweets; their edges compared."""
    exe = str(ensure_peer())
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        db, store = Path(tmp) / "peer.db", Path(tmp) / "store.duckdb"
        pre = runner.step(
            f"{case}: peer preprocess",
            [exe, str(db), "preprocess", "--format", "csv", str(data / "peer.csv")],
        )
        comp = (
            runner.step(f"{case}: peer compute co_retweet",
                        [exe, str(db), "compute", "co_retweet", "--time_window", str(WINDOW),
                         "--min_edge_weight", "1", "--n_cpus", str(peer_cpus)])
            if pre.ok else None
        )  # fmt: skip
        peer_pq, n_peer = Path(tmp) / "peer.parquet", None
        if comp is not None and comp.ok:
            with runner.task(f"{case}: export the peer's network"):
                n_peer = export_peer(db, peer_pq)
        ing = runner.step(
            f"{case}: coordnet ingest",
            [sys.executable, "-c", RUN_INGEST, str(data / "io.csv"), str(store)],
        )
        ours_pq = Path(tmp) / "coordnet.parquet"
        fit = (
            runner.step(f"{case}: coordnet co_repost",
                        [sys.executable, "-c", RUN_FIT, "co_repost", str(store), str(ours_pq),
                         json.dumps({"window": WINDOW, "max_actors": None})])
            if ing.ok else None
        )  # fmt: skip
        diff: dict[str, int] | None = None
        if n_peer is not None and fit is not None and fit.ok:
            with runner.task(f"{case}: compare edges") as done:
                diff = compare(peer_pq, ours_pq)
                done["note"] = "[dim]identical[/]" if _same(diff) else "[red]different[/]"

    peer = Row(case, f"peer co_retweet ({peer_cpus} cpu)", window=WINDOW, rows=meta["n_actions"],
               ingest_s=pre.seconds, pairs_generated=2 * meta["n_co_repost_pairs_60s"],
               cpu_s=pre.cpu_s, peak_mb=pre.peak_mb)  # fmt: skip
    if comp is not None:
        peer.compute_s, peer.cpu_s = comp.seconds, pre.cpu_s + comp.cpu_s
        peer.peak_mb = max(pre.peak_mb, comp.peak_mb)
        if comp.ok:
            peer.total_s = pre.seconds + comp.seconds
            peer.edges = n_peer // 2 if n_peer is not None else None
        else:
            peer.note = f"compute: {comp.error}"
    else:
        peer.note = f"preprocess: {pre.error}"

    ours = Row(case, "coordnet co_repost", window=WINDOW, rows=ing.result.get("rows"),
               ingest_s=_secs(ing), cpu_s=ing.cpu_s, peak_mb=ing.peak_mb,
               extra={"vs_peer": True,
                      "ingest_import_s": ing.result.get("import_s")})  # fmt: skip
    if not ing.ok:
        ours.note = f"ingest: {ing.error}"
    elif fit is not None:
        stats = fit.result.get("stats", {})
        ours.compute_s, ours.cpu_s = _secs(fit), ing.cpu_s + fit.cpu_s
        ours.peak_mb = max(ing.peak_mb, fit.peak_mb)
        ours.extra.update(stats=stats, fit_import_s=fit.result.get("import_s"))
        if fit.ok:
            ours.total_s = ours.ingest_s + ours.compute_s
            ours.edges = fit.result.get("edges")
            ours.pairs_generated = stats.get("pairs_generated")
        else:
            ours.note = f"fit: {fit.error}"
    if peer.total_s and ours.total_s:
        ours.speedup = peer.total_s / ours.total_s
        ours.extra["compute_speedup"] = (peer.compute_s or 0) / max(ours.compute_s or 0, 1e-9)
    if diff is not None:
        ours.identical = "yes" if _same(diff) else (
            f"no: {diff['only_peer']:,} only peer, {diff['only_coordnet']:,} only coordnet, "
            f"{diff['weight_differs']:,} weights differ")  # fmt: skip
        ours.extra["compare"] = diff
    return [peer, ours]


def _same(diff: dict[str, int]) -> bool:
    return diff["only_peer"] == diff["only_coordnet"] == diff["weight_differs"] == 0


def run_all_signals(runner: Runner, case: str, data: Path, params: dict) -> list[Row]:
    """coordnet ingests once, then every registered signal runs with ``params`` (none: its
    defaults)."""
    from coordnet.signals import SIGNALS

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        store = Path(tmp) / "store.duckdb"
        ing = runner.step(
            f"{case}: coordnet ingest",
            [sys.executable, "-c", RUN_INGEST, str(data / "io.csv"), str(store)],
        )
        rows.append(Row(case, "coordnet ingest", rows=ing.result.get("rows"), ingest_s=_secs(ing),
                        total_s=_secs(ing) if ing.ok else None, cpu_s=ing.cpu_s,
                        peak_mb=ing.peak_mb, note="" if ing.ok else ing.error))  # fmt: skip
        fits = []
        for name in SIGNALS if ing.ok else ():
            fit = runner.step(
                f"{case}: coordnet {name}",
                [sys.executable, "-c", RUN_FIT, name, str(store), "-", json.dumps(params)],
            )
            fits.append(fit)
            stats = fit.result.get("stats", {})
            window = fit.result.get("window")
            rows.append(Row(case, f"coordnet {name}", window=window, compute_s=_secs(fit),
                            total_s=_secs(fit) if fit.ok else None, cpu_s=fit.cpu_s,
                            peak_mb=fit.peak_mb, edges=fit.result.get("edges"),
                            pairs_generated=stats.get("pairs_generated"),
                            note="" if fit.ok else fit.error,
                            extra={"stats": stats}))  # fmt: skip
    steps = [ing, *fits]
    every_ok = all(s.ok for s in steps) and bool(fits)
    total = Row(case, "coordnet all signals", rows=ing.result.get("rows"), ingest_s=_secs(ing),
                compute_s=_sum(fits, "seconds"), cpu_s=_sum(steps, "cpu_s"),
                peak_mb=max(s.peak_mb for s in steps),
                edges=sum(r.edges or 0 for r in rows[1:]),
                note="" if every_ok else "incomplete: see the rows above")  # fmt: skip
    if every_ok:
        total.total_s = _sum(steps, "seconds")
    rows.append(total)
    return rows


def _num(x: float | None, fmt: str = ",.1f") -> str:
    return "" if x is None else format(x, fmt)


def _window(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds:,.0f}" if seconds >= 1 else f"{seconds:g}"


def _mem(mb: float | None) -> str:
    if mb is None:
        return ""
    return f"{mb / 1024:.2f} GiB" if mb >= 1024 else f"{mb:,.0f} MiB"


def print_table(rows: list[Row], console: Any) -> None:
    from rich.table import Table

    table = Table(title=f"coordnet signals vs coordination-network-toolkit, window {WINDOW} s")
    for name, justify in (("case", "left"), ("tool", "left"), ("window s", "right"),
                          ("rows", "right"),
                          ("ingest s", "right"), ("compute s", "right"), ("total s", "right"),
                          ("cpu s", "right"), ("peak RSS", "right"), ("edges", "right"),
                          ("pairs generated", "right"), ("speed-up", "right"),
                          ("identical", "left")):  # fmt: skip
        table.add_column(name, justify=justify, no_wrap=name != "identical")  # type: ignore[arg-type]
    last, notes = None, []
    for r in rows:
        if last is not None and r.case != last:
            table.add_section()
        last = r.case
        if r.total_s is None and r.note:
            notes.append(f"{r.case} {r.tool}: {r.note}")
        total = _num(r.total_s) if r.total_s is not None else f"[red]see note {len(notes)}[/]"
        speedup = f"{r.speedup:.1f}×" if r.speedup else ""
        window = _window(r.window)
        table.add_row(r.case, r.tool, window, _num(r.rows, ","), _num(r.ingest_s),
                      _num(r.compute_s), total, _num(r.cpu_s), _mem(r.peak_mb), _num(r.edges, ","),
                      _num(r.pairs_generated, ","), speedup, r.identical)  # fmt: skip
    console.print(table)
    for i, note in enumerate(notes, 1):
        console.print(f"note {i}: {note}", highlight=False)


def targets(rows: list[Row], scales: dict[str, float]) -> list[str]:
    """The issue's targets, met or not, one line each."""
    lines = []
    for r in rows:
        if r.extra.get("vs_peer"):
            met = (r.speedup or 0) >= TARGET_SPEEDUP and r.identical == "yes"
            same = r.identical.split(":")[0] or "n/a"
            lines.append(f"{r.case}: co-repost {_num(r.speedup)}× the peer "
                         f"(target ≥ {TARGET_SPEEDUP:.0f}×, compute alone "
                         f"{_num(r.extra.get('compute_speedup'))}×), identical {same}: "
                         f"{'met' if met else 'NOT met'}")  # fmt: skip
        if r.tool == "coordnet all signals":
            met = (r.total_s is not None and r.total_s < TARGET_ALL_SECONDS
                   and (r.peak_mb or 0) < TARGET_ALL_PEAK_MB)  # fmt: skip
            lines.append(f"{r.case}: all signals {_num(r.total_s) or 'n/a'} s (target < "
                         f"{TARGET_ALL_SECONDS:.0f} s), peak {_mem(r.peak_mb)} (target < 8 GiB): "
                         f"{'met' if met else 'NOT met'}")  # fmt: skip
    scaled = ", ".join(f"{k} at {v:g}" for k, v in scales.items() if v != 1)
    if scaled:
        lines.append(f"note: inputs scaled ({scaled}); the targets are stated for scale 1")
    return lines


def _size(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


def _git_rev() -> str:
    done = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True,
                          text=True, cwd=Path(__file__).parent)  # fmt: skip
    return done.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, help="multiply every input size (default 1)")
    ap.add_argument("--quick", action="store_true",
                    help="small inputs (1/20 of the retweet cases, 1/50 of the mixed one): "
                         "a few minutes")  # fmt: skip
    ap.add_argument("--cases", default="skewed,uniform,mixed",
                    help=f"comma-separated, from {', '.join(SHAPES)}")  # fmt: skip
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peer-cpus", type=int, default=2, help="the peer's --n_cpus")
    ap.add_argument("--window", type=float,
                    help="window (seconds) for every signal of the mixed case "
                         "(default: each signal's default)")  # fmt: skip
    ap.add_argument("--timeout", type=float,
                    help="seconds before one step (process) is killed (default 1200, "
                         "quick 300)")  # fmt: skip
    ap.add_argument("--max-memory", type=float, default=12.0,
                    help="GiB of RSS at which one step (process) is killed")  # fmt: skip
    args = ap.parse_args()
    # SIGTERM unwinds like Ctrl-C, so a running step is ended with the benchmark.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    timeout = args.timeout or (300.0 if args.quick else 1200.0)
    params = {"window": args.window} if args.window is not None else {}
    names = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = sorted(set(names) - set(SHAPES))
    if unknown:
        ap.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(SHAPES)}")

    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console()
    if not console.is_terminal:
        console = Console(width=200)  # a log file: the whole table on one line per row
    WORK.mkdir(exist_ok=True)
    started_at = datetime.now(UTC)
    load_before = os.getloadavg()
    rows: list[Row] = []
    metas: dict[str, dict] = {}
    scales: dict[str, float] = {}
    columns = (SpinnerColumn(finished_text="✓"), TextColumn("{task.description}"),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=console) as progress:
        runner = Runner(progress, timeout, args.max_memory * 1024)
        for name in names:
            shape = SHAPES[name]
            scales[name] = args.scale or (QUICK_SCALES[name] if args.quick else 1.0)
            n = max(1_000, round(shape.n_actions * scales[name]))
            case = f"{name}-{_size(n)}"
            data = WORK / "signals" / f"v{VERSION}-{name}-{n}-s{args.seed}"
            with runner.task(f"{case}: generate {shape.summary}") as done:
                meta = metas[case] = make_activity(shape, n, args.seed, data)
                done["note"] = (f"[dim]{meta['n_accounts']:,} accounts, busiest post "
                                f"{meta['max_reposts_of_one_post']:,} reposts, "
                                f"{meta['n_co_repost_pairs_60s']:,} pairs[/]")  # fmt: skip
            if shape.mixed:
                rows += run_all_signals(runner, case, data, params)
            else:
                rows += run_co_repost(runner, case, data, meta, args.peer_cpus)
    load_after = os.getloadavg()

    print_table(rows, console)
    for line in targets(rows, scales):
        console.print(line)
    cpus = os.cpu_count() or 1
    if max(load_before[0], load_after[0]) > cpus:
        console.print(f"[yellow]note: load average {load_before[0]:.1f} before, "
                      f"{load_after[0]:.1f} after, on {cpus} CPUs: other processes inflated "
                      f"the wall-clock times; compare cpu s[/]")  # fmt: skip
    record = {
        "started_at": started_at.isoformat(timespec="seconds"), "git": _git_rev(),
        "argv": sys.argv[1:], "scales": scales, "seed": args.seed, "window": WINDOW,
        "mixed_params": params, "timeout_s": timeout, "max_memory_gib": args.max_memory,
        "cpus": cpus, "load_average_before": load_before, "load_average_after": load_after,
        "peer_venv": str(PEER_VENV), "inputs": metas, "rows": [asdict(r) for r in rows],
    }  # fmt: skip
    out = WORK / f"signals-{started_at:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(record, indent=1, default=str) + "\n", encoding="utf-8")
    console.print(f"[dim]written {out}[/]")


if __name__ == "__main__":
    main()
