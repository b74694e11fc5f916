"""The main job: from activity files (or a store) to networks an investigator can defend.

``detect`` runs every stage in order: ingest (unless given a store), every coordination
signal, fusion of their significant edges, Leiden clustering, then the three separate
assessments (coordination, inauthenticity, attribution) and the decision of which clusters
are reported as networks (:mod:`coordnet.network.decide`). It writes the output contract of
DESIGN.md to ``out``: ``accounts.csv``, ``clusters.csv``, ``edges.parquet`` and
``evidence.parquet``, and keeps every candidate cluster, reported or not, in the store's
``clusters`` and ``cluster_members`` tables so ``coordnet explain`` can say why an account
is or is not flagged.

Every parameter has a default meant for typical data and can be set from a TOML file with
the tables ``[signals]`` (as ``coordnet signals run``), ``[fusion]``, ``[cluster]`` and
``[decision]``, or from the CLI.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from coordnet.assess.attribution import attribution
from coordnet.assess.coordination import coordination
from coordnet.assess.inauthenticity import inauthenticity
from coordnet.errors import InputError
from coordnet.ingest import ingest
from coordnet.network.blocks import block_clusters
from coordnet.network.cluster import ClusterParams, leiden_clusters
from coordnet.network.decide import DecisionParams, decide
from coordnet.network.fuse import (
    GROUP_SIGNALS,
    NOT_COORDINATION,
    FusionParams,
    write_fused_edges,
)
from coordnet.network.lineage import (
    gone_networks,
    latest_run,
    network_changes,
    plan_run,
    record_run,
)
from coordnet.report import write_report
from coordnet.signals._base import EVIDENCE_Q, Signal
from coordnet.signals.registry import SIGNALS
from coordnet.signals.run import build_signals, run_summary
from coordnet.store import Store, open_store, utc_now

__all__ = [
    "DetectConfig",
    "DetectResult",
    "default_signals",
    "detect",
    "find_networks",
    "is_store_file",
    "load_detect_config",
    "only_since",
    "write_outputs",
]

ProgressFactory = Callable[[str], Callable[[float], None]]


@dataclass(frozen=True)
class DetectConfig:
    """Every setting of ``detect``; the defaults need no tuning on typical data."""

    signal_common: Mapping[str, Any] = field(default_factory=dict)
    signal_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Signals to run (``None``: every registered coordination signal; ``creation_burst``
    #: only when named, see :func:`default_signals`).
    signals: tuple[str, ...] | None = None
    fusion: FusionParams = field(default_factory=FusionParams)
    cluster: ClusterParams = field(default_factory=ClusterParams)
    decision: DecisionParams = field(default_factory=DecisionParams)


@dataclass(frozen=True)
class DetectResult:
    """What ``detect`` found and wrote."""

    out: str
    store: str
    n_actions: int
    n_candidates: int
    n_networks: int
    n_accounts: int
    files: list[str]
    networks: list[dict[str, Any]]
    #: One row per signal run (``coordnet.signals.run.run_summary``).
    signals: list[dict[str, Any]] = field(default_factory=list)
    #: This run's number in the store's ``detect_runs``.
    run_id: int | None = None
    #: The start of the analysed window (ISO, UTC), or None for all actions.
    since: str | None = None
    #: Every candidate network of this run, reported or not, with what changed since the
    #: last run it was found in (``NetworkChange.as_dict``); grown confirmed networks first.
    changes: list[dict[str, Any]] = field(default_factory=list)
    #: Networks reported by the previous run on the store and not found by this one.
    gone: list[int] = field(default_factory=list)


def is_store_file(path: str | Path) -> bool:
    """Whether ``path`` is a DuckDB database file (a coordnet store) rather than activity."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head[8:12] == b"DUCK"


def load_detect_config(path: str | Path, base: DetectConfig | None = None) -> DetectConfig:
    """Read ``[signals]``, ``[fusion]``, ``[cluster]`` and ``[decision]`` from a TOML file."""
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read detect config: {exc}") from exc
    cfg = base or DetectConfig()
    unknown = set(doc) - {"signals", "fusion", "cluster", "decision"}
    if unknown:
        raise InputError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}; "
                         "use [signals], [fusion], [cluster], [decision]")  # fmt: skip
    sig = doc.get("signals", {})
    names = sig.pop("run", None)
    common = {**cfg.signal_common, **{k: v for k, v in sig.items() if not isinstance(v, dict)}}
    per = {**cfg.signal_params, **{k: v for k, v in sig.items() if isinstance(v, dict)}}
    return replace(
        cfg,
        signal_common=common,
        signal_params=per,
        signals=tuple(names) if names else cfg.signals,
        fusion=_override(cfg.fusion, doc.get("fusion", {}), f"{path} [fusion]"),
        cluster=_override(cfg.cluster, doc.get("cluster", {}), f"{path} [cluster]"),
        decision=_override(cfg.decision, doc.get("decision", {}), f"{path} [decision]"),
    )


def _override(obj: Any, values: Mapping[str, Any], where: str) -> Any:
    known = {f.name for f in fields(obj)}
    unknown = set(values) - known
    if unknown:
        raise InputError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(sorted(known))}")  # fmt: skip
    return replace(obj, **values)


def detect(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    config: DetectConfig | None = None,
    store: str | Path | None = None,
    format: str | None = None,
    engine: str = "duckdb",
    reuse_signals: bool = False,
    memory_limit: str | None = None,
    since: str | date | datetime | None = None,
    progress: ProgressFactory | None = None,
) -> DetectResult:
    """Find coordinated networks in ``inputs`` and write the outputs to ``out``.

    ``inputs`` are activity files in any supported format, or one existing store. Files are
    ingested into ``store`` (default ``out/store.duckdb``). ``engine`` ``"spark"`` computes
    the signals with a local Spark session (the ``spark`` extra); the rest runs on the
    store's DuckDB. ``reuse_signals`` skips the signals and uses the edges already in the
    store (to try other fusion, cluster or decision settings quickly). ``memory_limit``
    caps DuckDB's memory (e.g. ``"8GB"``; it spills to disk beyond).

    ``since`` (an ISO date or date-time, UTC unless it has an offset) restricts the run to
    the actions at or after it: every stage (signals, assessments, outputs, report) sees
    only that window, while networks keep their ids from earlier runs on the store (see
    ``docs/monitoring.md``). Each run is appended to the store's history; the result says
    per network whether it is new or what it gained and lost since the last run it was found
    in, and lists the new members of networks an analyst confirmed. Raises
    :class:`~coordnet.errors.InputError` on bad input or settings.
    """
    started_at = utc_now()
    window = _parse_since(since)
    cfg = config or DetectConfig()
    if engine not in ("duckdb", "spark"):
        raise InputError(f"unknown engine {engine!r}; choose duckdb or spark")
    cfg.fusion.validate()
    cfg.decision.validate()
    signals = build_signals(cfg.signals or default_signals(), cfg.signal_common,
                            cfg.signal_params)  # fmt: skip
    if not inputs:
        raise InputError("detect needs at least one input file or store")
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    st = _open_input(inputs, store, out_dir, format, progress, memory_limit)
    try:
        if st.engine.scalar("SELECT count(*) FROM actions") == 0:
            raise InputError(f"{st.path}: the store has no actions to analyse")
        if reuse_signals:
            _check_signal_runs(st, signals, cfg)
            _check_reuse_window(st, window)
        with only_since(st, window):
            summaries: list[dict[str, Any]] = []
            if not reuse_signals:
                _run_signals(st, signals, engine, progress, cfg)
                summaries = [run_summary(s) for s in signals]
            run_id = find_networks(st, cfg, progress=progress, since=window,
                                   started_at=started_at)  # fmt: skip
            files = write_outputs(st, out_dir)
            files.append(str(write_report(st, out_dir / "report.html")))
            n_actions = int(st.engine.scalar("SELECT count(*) FROM actions"))
        # network_changes puts grown confirmed networks first; dicts keep that order.
        changes = {c.cluster_id: c for c in network_changes(st, run_id)}
        networks = []
        for row in st.engine.arrow(
            "SELECT * FROM clusters WHERE reported ORDER BY cluster_id"
        ).to_pylist():
            net = {k: row[k] for k in ("cluster_id", "size", "score", "inauthenticity", "signals")}
            change = changes[int(row["cluster_id"])]
            net.update(
                change=change.change, is_new=change.is_new,
                n_new_members=change.n_new_members, n_lost_members=change.n_lost_members,
                previous_run_id=change.previous_run_id, is_confirmed=change.is_confirmed,
                flagged_members=list(change.new_members) if change.is_confirmed else [],
            )  # fmt: skip
            networks.append(net)
        # Confirmed networks that grew are what an analyst must look at first.
        networks.sort(key=lambda n: (not n["flagged_members"], n["cluster_id"]))
        return DetectResult(
            out=str(out_dir),
            store=st.path,
            n_actions=n_actions,
            n_candidates=int(st.engine.scalar("SELECT count(*) FROM clusters")),
            n_networks=len(networks),
            n_accounts=int(st.engine.scalar("SELECT count(*) FROM cluster_members WHERE reported")),
            files=files,
            networks=networks,
            signals=summaries,
            run_id=run_id,
            since=window.isoformat() if window else None,
            changes=[c.as_dict() for c in changes.values()],
            gone=gone_networks(st, run_id),
        )
    finally:
        st.close()


def find_networks(
    store: Store,
    config: DetectConfig | None = None,
    *,
    progress: ProgressFactory | None = None,
    since: datetime | None = None,
    started_at: datetime | None = None,
) -> int:
    """Fuse the store's signal edges, cluster, assess and decide; write ``fused_edges``,
    ``clusters`` and ``cluster_members`` (every candidate, with ``reported``) to the store,
    all in one transaction, and return the run's number.

    Clusters keep the ids of the networks they continue from earlier runs on the store
    (:mod:`coordnet.network.lineage`); the same transaction appends the run to
    ``detect_runs``, ``network_history`` and ``member_history``. ``since`` and
    ``started_at`` are recorded in ``detect_runs`` (``detect`` passes its window and start).
    """
    cfg = config or DetectConfig()
    if started_at is None:
        started_at = utc_now()
    step = progress("networks") if progress else None
    # One transaction: an interrupted run leaves the previous fused graph and clusters whole.
    # Only this run's signals: edges another run left in the store (other signals) stay out.
    run = set(cfg.signals or default_signals())
    with store.engine.transaction():
        write_fused_edges(store, cfg.fusion, exclude=_not_fused(store, run))
        # Communities of pair-tested ties; then the lockstep blocks they do not cover. Only
        # those ties are read back: at 10 M actions the whole table took 55 s and GiBs.
        paired = store.engine.arrow(
            """SELECT source, target, pair_strength AS strength FROM fused_edges
               WHERE kept AND pair_strength > 0 ORDER BY source, target"""
        )
        members = leiden_clusters(paired, cfg.cluster)
        if "lockstep" in run:
            members = block_clusters(store, members, cfg.cluster.min_size)
        # Stable ids: this run's clusters take the ids of the earlier networks they continue.
        plan = plan_run(store, members)
        members = plan.members
        if step:
            step(30.0)
        coord = coordination(store, members)
        # Outside seeds (accounts the cluster amplifies) are assessed with the members; one
        # that is a member of another cluster is assessed there (decide places it).
        assessed = _assessed(coord.actors, coord.clusters, cfg.decision.lowest_reportable())
        inauth = inauthenticity(store, assessed)
        attrib = attribution(store, assessed)
        if step:
            step(80.0)
        decided = decide(coord, inauth, attrib, cfg.decision)
        _save_clusters(store, decided.clusters, decided.actors)
        settings = json.dumps(asdict(cfg), default=str, sort_keys=True)
        store.engine.execute(SETTINGS_SQL)
        store.engine.execute("INSERT INTO detect_settings VALUES (?, ?)", [settings, utc_now()])
        record_run(store, plan, decided.clusters, started_at=started_at, since=since,
                   settings=settings)  # fmt: skip
    if step:
        step(100.0)
    return plan.run_id


def _assessed(actors: pa.Table, clusters: pa.Table, lowest: float) -> pa.Table:
    """``(cluster_id, actor_id)`` of members, and of outside seeds that are not members of
    another assessed cluster, in clusters that can be reported (coordination score ``lowest``
    or more). At 10 M actions 237 of 369 candidates (237,251 of 253,934 members: organic
    lockstep blocks) were below it, and their attribution nulls took most of the network
    stage."""
    scores = dict(zip(clusters["cluster_id"].to_pylist(), clusters["score"].to_pylist(),
                      strict=True))  # fmt: skip
    rows = list(zip(actors["actor_id"].to_pylist(), actors["outside"].to_pylist(),
                    actors["cluster_id"].to_pylist(), strict=True))  # fmt: skip
    members = {a for a, o, c in rows if not o and scores[c] >= lowest}
    keep = [scores[c] >= lowest and (not o or a not in members) for a, o, c in rows]
    return actors.filter(pa.array(keep, pa.bool_())).select(["cluster_id", "actor_id"])


def _not_fused(store: Store, run: set[str]) -> list[str]:
    """Signals fusion leaves out: the inauthenticity traces, and any whose edges are in the
    store but not part of this run."""
    e = store.engine
    present: set[str] = set()
    # signal_runs has a row per signal with edges (written with them): no scan of edges.
    if e.rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'signal_runs'"):
        present = {r[0] for r in e.rows("SELECT signal FROM signal_runs")}
    return sorted((present - run) | set(NOT_COORDINATION))


def _parse_since(value: str | date | datetime | None) -> datetime | None:
    """``since`` as a naive UTC datetime (the store's time type); a date means 00:00 UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError as exc:
            raise InputError(f"since {value!r} is not a date or date-time; use e.g. "
                             "2024-05-01 or 2024-05-01T12:00 (UTC unless an offset is given)"
                             ) from exc  # fmt: skip
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@contextmanager
def only_since(store: Store, since: datetime | None) -> Iterator[Store]:
    """Let every query on ``store``'s connection see only the actions at or after ``since``.

    Creates temporary views ``actions`` and ``sessions`` that filter the store's tables; in
    DuckDB a temporary view shadows the table of the same name for unqualified names, so
    every stage reads the window without knowing it. Sessions without a time are kept (they
    cannot be placed outside the window). The views are dropped on exit; nothing is written.
    With ``since`` None this does nothing. Raises :class:`InputError` when no action falls
    in the window.
    """
    if since is None:
        yield store
        return
    e = store.engine
    # The views must name the store's own catalog: "main.actions" would find the view itself.
    catalog = '"' + str(e.scalar("SELECT current_database()")).replace('"', '""') + '"'
    at = f"TIMESTAMP '{since.isoformat(sep=' ')}'"
    e.execute(f"""CREATE OR REPLACE TEMP VIEW actions AS
                  SELECT * FROM {catalog}.main.actions WHERE time >= {at}""")  # fmt: skip
    e.execute(f"""CREATE OR REPLACE TEMP VIEW sessions AS
                  SELECT * FROM {catalog}.main.sessions WHERE time IS NULL OR time >= {at}""")
    try:
        if not e.scalar("SELECT count(*) FROM actions"):
            first, last = e.rows(f"SELECT min(time), max(time) FROM {catalog}.main.actions")[0]
            raise InputError(f"{store.path}: no actions at or after {since.isoformat(sep=' ')} "
                             f"(the store's actions run from {first} to {last})")  # fmt: skip
        yield store
    finally:
        e.execute("DROP VIEW IF EXISTS temp.main.actions")
        e.execute("DROP VIEW IF EXISTS temp.main.sessions")


def _check_reuse_window(store: Store, since: datetime | None) -> None:
    """Refuse to reuse signal edges computed on another window than ``since``.

    The edges in the store cover the window of the last ``detect`` run when no signal ran
    after it (``coordnet signals run`` always covers every action).
    """
    run = latest_run(store)
    covered = None
    if run is not None and run["finished_at"] is not None:
        signals_at = store.engine.scalar("SELECT max(finished_at) FROM signal_runs")
        if signals_at is None or signals_at <= run["finished_at"]:
            covered = run["since"]
    if covered != since:
        raise InputError(
            f"{store.path}: the signal edges in the store were computed on "
            f"{_window_name(covered)}, not on {_window_name(since)}; run without --reuse-signals"
        )


def _window_name(since: datetime | None) -> str:
    return "all actions" if since is None else f"the actions since {since.isoformat(sep=' ')}"


def default_signals() -> tuple[str, ...]:
    """What ``detect`` runs unless told: every registered signal but the inauthenticity traces
    (``creation_burst``). Nothing in ``detect`` reads their edges (fusion leaves them out; the
    inauthenticity indicators measure creation bursts from the accounts themselves), and on a
    big platform they are the most numerous: 65 M ``creation_burst`` edges at 10 M actions,
    none significant, 232 s of a 36 min run."""
    return tuple(name for name in SIGNALS if name not in NOT_COORDINATION)


def _store_min_objects(signal: Signal, fusion: FusionParams) -> int:
    """Fewest shared objects an edge of ``signal`` needs to be stored: fusion's
    ``min_objects`` for pair signals (fusion never keeps an edge with fewer; on a big platform
    those are nearly all of them, chance single co-actions, and storing them and their
    evidence cost more than the rest of the signal), 1 for the others. Every edge is still
    tested, so the stored edges' q-values do not change."""
    if signal.name in NOT_COORDINATION or signal.name in GROUP_SIGNALS:
        return 1
    return fusion.min_objects


def _evidence_q(cfg: DetectConfig) -> float:
    """The q-value up to which signals keep evidence: every edge fusion can keep has some."""
    return max(EVIDENCE_Q, cfg.fusion.alpha)


def _check_signal_runs(store: Store, signals: list[Signal], cfg: DetectConfig) -> None:
    """Refuse to reuse signals never run on this store, or run keeping fewer edges or less
    evidence than these fusion settings need."""
    e = store.engine
    found: dict[str, dict[str, Any]] = {}
    if e.rows("SELECT 1 FROM information_schema.tables WHERE table_name = 'signal_runs'"):
        found = {name: json.loads(stats or "{}")
                 for name, stats in e.rows("SELECT signal, stats FROM signal_runs")}  # fmt: skip
    missing = sorted(s.name for s in signals if s.name not in found)
    if missing:
        raise InputError(f"{store.path}: cannot reuse signals never run on this store: "
                         f"{', '.join(missing)}")  # fmt: skip
    evidence_q = _evidence_q(cfg)
    short = sorted(
        s.name for s in signals
        if float(found[s.name].get("evidence_q", 1.0)) < evidence_q
        or int(found[s.name].get("store_min_objects", 1)) > _store_min_objects(s, cfg.fusion)
    )  # fmt: skip
    if short:
        raise InputError(
            f"{store.path}: signals {', '.join(short)} kept evidence or edges for less than "
            f"fusion alpha {cfg.fusion.alpha} and min_objects {cfg.fusion.min_objects} need; "
            "run them again (drop --reuse-signals)"
        )


def _run_signals(
    store: Store,
    signals: list[Signal],
    engine: str,
    progress: ProgressFactory | None,
    cfg: DetectConfig,
) -> None:
    def fit(signal: Signal, spark: Any = None) -> None:
        signal.fit(store, engine=spark, progress=progress, evidence_q=_evidence_q(cfg),
                   store_min_objects=_store_min_objects(signal, cfg.fusion))  # fmt: skip

    if engine == "duckdb":
        for signal in signals:
            fit(signal)
        return
    from coordnet.engine.spark_engine import SparkEngine

    with SparkEngine.from_store(store) as spark:
        for signal in signals:
            fit(signal, spark)


def _open_input(
    inputs: Sequence[str | Path],
    store: str | Path | None,
    out_dir: Path,
    format: str | None,
    progress: ProgressFactory | None,
    memory_limit: str | None = None,
) -> Store:
    paths = [Path(p) for p in inputs]
    for p in paths:
        if not p.is_file():
            raise InputError(f"{p}: no such file")
    stores = [p for p in paths if is_store_file(p)]
    if stores:
        if len(paths) > 1:
            raise InputError(f"{stores[0]}: give either one store or activity files, not both")
        if store is not None and Path(store).resolve() != stores[0].resolve():
            raise InputError("--store cannot be combined with a store as input")
        return open_store(stores[0], memory_limit=memory_limit)
    st = open_store(store or out_dir / "store.duckdb", memory_limit=memory_limit)
    try:
        ingest(paths, st, format=format, progress=progress)
    except BaseException:
        st.close()
        raise
    return st


#: The settings of the last ``find_networks`` run, for reports and summaries.
SETTINGS_SQL = "CREATE OR REPLACE TABLE detect_settings (settings JSON, finished_at TIMESTAMP)"
CLUSTERS_SQL = """CREATE OR REPLACE TABLE clusters (
    cluster_id BIGINT, reported BOOLEAN, size BIGINT, score DOUBLE, inauthenticity DOUBLE,
    attribution_confidence DOUBLE, signals VARCHAR[], first_seen TIMESTAMP,
    last_seen TIMESTAMP, n_ties BIGINT, median_strength DOUBLE, median_objects DOUBLE,
    median_lag_s DOUBLE, coordinated_share DOUBLE, density DOUBLE, n_outside_seeds BIGINT,
    decision VARCHAR, reasons VARCHAR[], inauthenticity_reasons VARCHAR[],
    attribution_reasons VARCHAR[], attribution_hints VARCHAR[])"""
MEMBERS_SQL = """CREATE OR REPLACE TABLE cluster_members (
    cluster_id BIGINT, actor_id VARCHAR, reported BOOLEAN, role VARCHAR, score DOUBLE,
    inauthenticity DOUBLE, strength DOUBLE, ties BIGINT, n_actions BIGINT,
    amplified_by BIGINT, outside BOOLEAN, reasons VARCHAR[],
    inauthenticity_reasons VARCHAR[])"""


def _columns(ddl: str) -> list[str]:
    body = ddl[ddl.index("(") + 1 : ddl.rindex(")")]
    return [part.split()[0] for part in body.replace("\n", " ").split(", ") if part.strip()]


def _save_clusters(store: Store, clusters: pa.Table | None, actors: pa.Table | None) -> None:
    """Replace the store's ``clusters`` and ``cluster_members`` with this run's candidates."""
    e = store.engine
    with e.transaction():
        for ddl, table, name in ((CLUSTERS_SQL, clusters, "clusters"),
                                 (MEMBERS_SQL, actors, "cluster_members")):  # fmt: skip
            e.execute(ddl)
            if table is None:
                continue
            e.register("cn_rows_in", table.select(_columns(ddl)))
            try:
                e.execute(f"INSERT INTO {name} SELECT * FROM cn_rows_in")
            finally:
                e.unregister("cn_rows_in")


def write_outputs(store: Store, out_dir: str | Path) -> list[str]:
    """Write accounts.csv, clusters.csv, edges.parquet and evidence.parquet for the reported
    networks in the store (from :func:`find_networks`) into ``out_dir``."""
    e = store.engine
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "accounts.csv": """
            SELECT m.actor_id AS account_id, m.cluster_id, round(m.score, 4) AS score, m.role,
                   a.handle, a.platform, a.actor_kind, a.followers,
                   round(m.inauthenticity, 4) AS inauthenticity, m.ties,
                   array_to_string(p.partners, ';') AS top_partners,
                   array_to_string(m.reasons, '; ') AS reasons,
                   array_to_string(m.inauthenticity_reasons, '; ') AS inauthenticity_reasons
            FROM cluster_members m
            LEFT JOIN (SELECT actor_id, any_value(handle) AS handle,
                              any_value(platform) AS platform,
                              any_value(actor_kind) AS actor_kind,
                              any_value(followers) AS followers
                       FROM actors GROUP BY actor_id) a USING (actor_id)
            LEFT JOIN (SELECT actor_id, list(partner ORDER BY strength DESC, partner)[1:3]
                              AS partners
                       FROM (SELECT f.source AS actor_id, f.target AS partner, f.strength
                             FROM fused_edges f WHERE f.kept
                             UNION ALL SELECT f.target, f.source, f.strength
                             FROM fused_edges f WHERE f.kept)
                       GROUP BY actor_id) p USING (actor_id)
            WHERE m.reported
            ORDER BY m.cluster_id, m.score DESC, m.actor_id""",
        "clusters.csv": """
            SELECT cluster_id, size, round(score, 4) AS score,
                   round(inauthenticity, 4) AS inauthenticity,
                   round(attribution_confidence, 4) AS attribution_confidence,
                   array_to_string(attribution_hints, ';') AS attribution_hints,
                   array_to_string(signals, ';') AS signals, first_seen, last_seen, n_ties,
                   round(median_strength, 3) AS median_strength, median_objects,
                   round(median_lag_s, 3) AS median_lag_s,
                   round(coordinated_share, 4) AS coordinated_share,
                   round(density, 4) AS density,
                   array_to_string(reasons, '; ') AS reasons,
                   array_to_string(inauthenticity_reasons, '; ') AS inauthenticity_reasons,
                   array_to_string(attribution_reasons, '; ') AS attribution_reasons
            FROM clusters WHERE reported ORDER BY cluster_id""",
        "edges.parquet": """
            SELECT ms.cluster_id, e.source, e.target, e.signal, e.weight, e.n_objects,
                   e.weight_source, e.weight_target, e.lag_min_s, e.lag_median_s, e.lag_max_s,
                   e.expected, e.z, e.p_value, e.q_value
            FROM edges e
            -- Edges with evidence kept (q <= the run's evidence_q): what the finding rests on.
            JOIN signal_runs r ON r.signal = e.signal AND e.q_value <= coalesce(
                 CAST(json_extract(r.stats, '$.evidence_q') AS DOUBLE), 1.0)
            JOIN cluster_members ms ON ms.actor_id = e.source AND ms.reported
            JOIN cluster_members mt ON mt.actor_id = e.target AND mt.reported
                 AND mt.cluster_id = ms.cluster_id
            ORDER BY ms.cluster_id, e.source, e.target, e.signal""",
        "evidence.parquet": """
            SELECT ms.cluster_id, v.signal, v.source, v.target, v.object, v.action_source,
                   v.action_target, v.lag_s
            FROM evidence v
            JOIN cluster_members ms ON ms.actor_id = v.source AND ms.reported
            JOIN cluster_members mt ON mt.actor_id = v.target AND mt.reported
                 AND mt.cluster_id = ms.cluster_id
            ORDER BY ms.cluster_id, v.source, v.target, v.signal, abs(v.lag_s), v.object""",
    }
    written = []
    for name, sql in files.items():
        path = out_dir / name
        fmt = "(FORMAT csv, HEADER)" if name.endswith(".csv") else "(FORMAT parquet)"
        e.execute(f"COPY ({sql}) TO '{_sql_path(path)}' {fmt}")
        written.append(str(path))
    return written


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
