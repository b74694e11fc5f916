"""The ``coordnet`` command line: one command per public callable, no logic of its own.

Each command parses its options, calls the library and formats the result. A
:class:`~coordnet.errors.CoordnetError` becomes one ``Error: ...`` line on stderr and exit
code 2; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from coordnet import __version__
from coordnet.errors import CoordnetError
from coordnet.evaluate import Evaluation, evaluate
from coordnet.ingest import IngestReport, all_readers, ingest
from coordnet.ingest.mapping import load_mapping
from coordnet.store import StoreInfo, open_store

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])
out = Console()
err = Console(stderr=True)


def store_option(help: str, *, exists: bool = False) -> Callable[[F], F]:
    """The ``--store`` option every command that reads or writes a store shares."""
    return click.option(
        "--store",
        "store_path",
        default="coordnet.duckdb",
        show_default=True,
        type=click.Path(dir_okay=False, exists=exists),
        help=help,
    )


def network_option(func: F) -> F:
    """``--network ID`` (repeatable) for the commands that publish findings."""
    return click.option(
        "--network",
        "networks",
        multiple=True,
        type=int,
        help="Network id (repeatable; default: every reported network).",
    )(func)


def reports_errors(func: F) -> F:
    """Turn a CoordnetError into ``Error: ...`` and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CoordnetError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bars(enabled: bool) -> Iterator[Callable[[str], Callable[[float], None]] | None]:
    """A factory of Rich progress callbacks (label -> percent callback), or None."""
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as bars:

        def factory(label: str) -> Callable[[float], None]:
            task = bars.add_task(label, total=100)
            return lambda pct: bars.update(task, completed=pct)

        yield factory


def print_ingest_report(report: IngestReport) -> None:
    """One line per file, then reject counts by reason."""
    for f in report.files:
        notes = f" [{'; '.join(f.notes)}]" if f.notes else ""
        if f.is_skipped:
            click.echo(f"{f.path} ({f.format}): skipped{notes}")
            continue
        click.echo(
            f"{f.path} ({f.format}): {f.n_records:,} records -> {f.n_actions:,} new actions "
            f"({f.n_existing:,} already in store), {f.n_actors:,} new actors, "
            f"{f.n_sessions:,} sessions, {f.n_rejects:,} rejects in {f.seconds:.1f}s{notes}"
        )
    if report.n_rejects:
        reasons = ", ".join(f"{r}: {n:,}" for r, n in report.rejects_by_reason.items())
        click.echo(f"rejected {report.n_rejects:,} record(s), kept in table rejects ({reasons})")


def print_info(info: StoreInfo) -> None:
    """The store's contents as tables."""
    span = f"{info.first_at} .. {info.last_at} UTC" if info.first_at else "(no actions)"
    click.echo(f"store {info.path}: {info.n_actions:,} actions, {info.n_actors:,} actors, "
               f"{info.n_sessions:,} sessions, {info.n_rejects:,} rejects, "
               f"{info.n_sources:,} source files; time span {span}")  # fmt: skip
    for title, rows, cols in (
        ("actions", info.actions_by_platform_kind, ("platform", "kind", "n")),
        ("actors", info.actors_by_platform_kind, ("platform", "actor_kind", "n")),
        ("time sources", info.time_sources, ("time_source", "n")),
        ("rejects", info.rejects_by_reason, ("reason", "n")),
    ):
        if not rows:
            continue
        table = Table(title=title)
        for c in cols:
            table.add_column(c, justify="right" if c == "n" else "left")
        for row in rows:
            table.add_row(*[f"{v:,}" if isinstance(v, int) else str(v) for v in row])
        out.print(table)


def print_evaluation(ev: Evaluation) -> None:
    """Overall scores, recall by style and campaign, and hard negatives as tables."""
    overall = Table(title="overall")
    for col in ("metric", "value", "counts"):
        overall.add_column(col, justify="right" if col == "value" else "left")
    for name, value, counts in (
        ("precision", ev.precision, f"{ev.n_tp:,} of {ev.n_flagged:,} flagged"),
        ("recall", ev.recall, f"{ev.n_tp:,} of {ev.n_campaign_actors:,} campaign actors"),
        ("F1", ev.f1, f"{ev.n_fp:,} false positives, {ev.n_fn:,} missed"),
        ("organic FP rate", ev.false_positive_rate,
         f"{ev.n_organic_flagged:,} of {ev.n_organic:,} organic"),
        ("cluster purity", ev.purity, f"{ev.n_clusters:,} clusters"),
        ("adjusted Rand", ev.adjusted_rand_index, ""),
    ):  # fmt: skip
        overall.add_row(name, f"{value:.3f}", counts)
    out.print(overall)
    acted = any(s.n_acted is not None for s in ev.styles)
    for title, key, rows in (
        ("recall by style", "style", [(s.style, s.n_members, s.n_found, s.recall,
                                       s.n_acted, s.recall_acted) for s in ev.styles]),
        ("recall by campaign", "campaign", [(f"{c.campaign} ({'+'.join(c.styles)})",
                                             c.n_members, c.n_found, c.recall, None, None)
                                            for c in ev.campaigns]),
    ):  # fmt: skip
        table = Table(title=title)
        extra = ("acted", "recall (acted)") if acted and key == "style" else ()
        for col in (key, "members", "found", "recall", *extra):
            table.add_column(col, justify="left" if col == key else "right")
        for name, n_members, n_found, recall, n_acted, recall_acted in rows:
            cells = [name, f"{n_members:,}", f"{n_found:,}", f"{recall:.3f}"]
            if extra:
                cells += (
                    ["n/a", "n/a"] if n_acted is None else [f"{n_acted:,}", f"{recall_acted:.3f}"]
                )
            table.add_row(*cells)
        out.print(table)
    if ev.hard_negatives:
        table = Table(title="hard negatives (organic groups)")
        for col in ("organic_group", "members", "flagged", "FP rate", "as network"):
            table.add_column(col, justify="left" if col == "organic_group" else "right")
        for g in ev.hard_negatives:
            table.add_row(g.organic_group, f"{g.n_members:,}", f"{g.n_flagged:,}",
                          f"{g.false_positive_rate:.3f}", f"{g.n_clusters:,}")  # fmt: skip
        out.print(table)
    if ev.n_unlabelled_flagged:
        click.echo(f"note: {ev.n_unlabelled_flagged:,} flagged actor(s) have no label row "
                   "and count as false positives")  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coordnet")
def main() -> None:
    """coordnet: find coordinated inauthentic behaviour in social-media activity."""


@main.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@store_option("DuckDB store file to create or append to.")
@click.option(
    "--format",
    "format_",
    default=None,
    help="Force a reader (see `coordnet formats`); default: recognise each file.",
)
@click.option(
    "--map",
    "map_",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Column mapping for --format tabular (repeatable), e.g. --map actor_id=user.",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML file with a [mapping] table (and options) for --format tabular.",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    show_default=True,
    help="Show progress bars on stderr.",
)
@reports_errors
def ingest_cmd(
    files: tuple[str, ...],
    store_path: str,
    format_: str | None,
    map_: tuple[str, ...],
    mapping_file: str | None,
    progress: bool,
) -> None:
    """Read FILES (any supported format) into the canonical store."""
    mapping = load_mapping(mapping_file, map_) if (map_ or mapping_file) else None
    with open_store(store_path) as store, progress_bars(progress) as bars:
        report = ingest(files, store, format=format_, mapping=mapping, progress=bars)
    print_ingest_report(report)


@main.command("info")
@store_option("DuckDB store file.", exists=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@reports_errors
def info_cmd(store_path: str, as_json: bool) -> None:
    """Summarise a store: counts by platform and kind, actors, time span, rejects."""
    with open_store(store_path) as store:
        info = store.info()
    if as_json:
        click.echo(json.dumps(info.as_dict(), indent=2, default=str))
    else:
        print_info(info)


@main.command("formats")
def formats_cmd() -> None:
    """List the input formats coordnet reads (names for --format)."""
    table = Table(title="formats")
    table.add_column("name")
    table.add_column("description")
    for reader in all_readers():
        table.add_row(reader.name, reader.description)
    out.print(table)


@main.command("demo")
@click.option(
    "--out",
    "out_dir",
    default="demo-out",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the demo store and results.",
)
@reports_errors
def demo_cmd(out_dir: str) -> None:
    """Run the main job on bundled demo data: simulate the demo scenario, ingest, detect."""
    from coordnet.demo import run_demo

    with progress_bars(True) as bars:
        report = run_demo(out_dir, progress=bars)
    click.echo(
        f"simulated {report.simulation.n_actions:,} actions by {report.simulation.n_accounts:,} "
        f"accounts ({report.simulation.n_campaign_accounts:,} in planted campaigns) "
        f"into {Path(out_dir) / 'data'}"
    )
    print_ingest_report(report.ingest)
    print_info(report.info)
    print_signal_summary(report.signals, f"signals in {Path(out_dir) / 'demo.duckdb'}")
    print_networks(report.detect)
    ev = report.evaluation
    click.echo(
        f"against the planted truth: precision {ev.precision:.3f}, recall {ev.recall:.3f}, "
        f"F1 {ev.f1:.3f}, organic accounts flagged {ev.false_positive_rate:.2%}"
    )


@main.group("signals", invoke_without_command=True)
@click.pass_context
def signals_cmd(ctx: click.Context) -> None:
    """List the coordination signals (names for --signal and config keys); run them."""
    if ctx.invoked_subcommand is not None:
        return
    from coordnet.signals import SIGNALS

    table = Table(title="signals (config key: the name with _ for -)")
    table.add_column("name", no_wrap=True)
    table.add_column("window", no_wrap=True)
    table.add_column("description")
    for key, cls in SIGNALS.items():
        window = "auto" if cls.auto_window else f"{cls.default_window:g} s"
        table.add_row(key.replace("_", "-"), window, cls.description)
    out.print(table)


def _parse_param(text: str) -> tuple[str | None, str, Any]:
    """``[signal.]name=value``; the value is read as TOML (numbers, strings, booleans)."""
    if "=" not in text:
        raise click.BadParameter(f"expected [SIGNAL.]NAME=VALUE, got {text!r}")
    key, raw = text.split("=", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    signal, _, name = key.strip().rpartition(".")
    return (signal or None), name, value


def _apply_signal_options(
    common: dict[str, Any],
    per: dict[str, dict[str, Any]],
    window: str | None,
    min_shared: int | None,
    max_evidence: int | None,
    raw_params: tuple[str, ...],
) -> None:
    """Fold the shared signal options and ``-p`` values into ``common`` / ``per``."""
    if window is not None:
        common["window"] = window if window == "auto" else _number(window, "--window")
    if min_shared is not None:
        common["min_shared"] = min_shared
    if max_evidence is not None:
        common["max_evidence"] = max_evidence
    for text in raw_params:
        signal, name, value = _parse_param(text)
        if signal is None:
            common[name] = value
        else:
            per.setdefault(signal, {})[name] = value


def signal_options(func: F) -> F:
    """The options every command that runs signals shares (window, -p, ...)."""
    options = [
        click.option(
            "--window",
            default=None,
            help="Seconds, or 'auto' to estimate from the data (default: auto).",
        ),
        click.option(
            "--min-shared", type=int, default=None, help="Minimum distinct shared objects."
        ),
        click.option("--max-evidence", type=int, default=None, help="Evidence rows kept per edge."),
        click.option(
            "--param",
            "-p",
            "raw_params",
            multiple=True,
            metavar="[SIGNAL.]NAME=VALUE",
            help="A signal's own parameter, e.g. co-text.text_form=peer (repeatable).",
        ),
        click.option(
            "--engine",
            type=click.Choice(["duckdb", "spark"]),
            default="duckdb",
            show_default=True,
            help="Where the signals are computed (results go to the store).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@signals_cmd.command("run")
@store_option("DuckDB store made by ingest; edges and evidence are written to it.")
@click.option(
    "--signal",
    "-s",
    "names",
    multiple=True,
    help="Signal to run (repeatable; default: every signal).",
)
@signal_options
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="TOML file with a [signals] table (same parameter names).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("--progress/--no-progress", default=True, help="Show progress bars.")
@reports_errors
def signals_run_cmd(
    store_path: str,
    names: tuple[str, ...],
    window: str | None,
    min_shared: int | None,
    max_evidence: int | None,
    raw_params: tuple[str, ...],
    config: str | None,
    engine: str,
    as_json: bool,
    progress: bool,
) -> None:
    """Compute coordination edges and evidence for the actions in the store."""
    from coordnet.signals.run import load_signal_config, run_signals, run_summary

    common, per = load_signal_config(config) if config else ({}, {})
    _apply_signal_options(common, per, window, min_shared, max_evidence, raw_params)
    if not Path(store_path).exists():
        raise click.BadParameter(f"no store at {store_path}; run `coordnet ingest` first")
    with open_store(store_path) as store:
        spark = _spark_engine(store) if engine == "spark" else None
        try:
            with progress_bars(progress and not as_json) as bars:
                fitted = run_signals(
                    store, names or None, common=common, params=per, engine=spark, progress=bars
                )
        finally:
            if spark is not None:
                spark.close()
        summary = [run_summary(s) for s in fitted]
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    print_signal_summary(summary, f"signals in {store_path}")


@main.command("detect")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for accounts.csv, clusters.csv, edges.parquet, evidence.parquet.",
)
@click.option(
    "--store",
    "store_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Store to ingest INPUTS into (default: OUT/store.duckdb).",
)
@click.option("--format", "fmt", default=None, help="Force the input format (see `formats`).")
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="TOML file with [signals], [fusion], [cluster] and [decision] tables.",
)
@click.option(
    "--signal",
    "-s",
    "names",
    multiple=True,
    help="Signal to run (repeatable; default: every signal, or the config's [signals] run).",
)
@signal_options
@click.option("--alpha", type=float, default=None, help="Per-signal q-value to keep an edge.")
@click.option("--min-objects", type=int, default=None, help="Distinct objects an edge needs.")
@click.option("--min-signals", type=int, default=None, help="Signals a pair needs.")
@click.option("--min-size", type=int, default=None, help="Smallest network reported.")
@click.option("--seed", type=int, default=None, help="Leiden seed.")
@click.option("--min-score", type=float, default=None, help="Coordination score to report.")
@click.option(
    "--min-inauthenticity",
    type=float,
    default=None,
    help="Inauthenticity a network needs (0 for archives whose accounts are all known fakes).",
)
@click.option(
    "--memory-limit",
    default=None,
    metavar="SIZE",
    help="Cap DuckDB's memory, e.g. 8GB (it spills to disk beyond; default: 80% of RAM).",
)
@click.option(
    "--reuse-signals",
    is_flag=True,
    help="Use the signal edges already in the store (try other settings without recomputing).",
)
@click.option(
    "--since",
    default=None,
    metavar="DATE|DATETIME",
    help="Analyse only actions at or after this UTC date or time (e.g. 2024-05-01); "
    "networks keep their ids from earlier runs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result summary as JSON.")
@click.option("--progress/--no-progress", default=True, help="Show progress bars.")
@reports_errors
def detect_cmd(
    inputs: tuple[str, ...],
    out_dir: str,
    store_path: str | None,
    fmt: str | None,
    config: str | None,
    names: tuple[str, ...],
    window: str | None,
    min_shared: int | None,
    max_evidence: int | None,
    raw_params: tuple[str, ...],
    engine: str,
    alpha: float | None,
    min_objects: int | None,
    min_signals: int | None,
    min_size: int | None,
    seed: int | None,
    min_score: float | None,
    min_inauthenticity: float | None,
    memory_limit: str | None,
    reuse_signals: bool,
    since: str | None,
    as_json: bool,
    progress: bool,
) -> None:
    """Find coordinated networks in INPUTS (activity files, or one store) and write them to OUT."""
    from dataclasses import asdict, replace

    from coordnet.detect import DetectConfig, detect, load_detect_config

    cfg = load_detect_config(config) if config else DetectConfig()
    common, per = dict(cfg.signal_common), {k: dict(v) for k, v in cfg.signal_params.items()}
    _apply_signal_options(common, per, window, min_shared, max_evidence, raw_params)
    fusion: dict[str, Any] = {"alpha": alpha, "min_objects": min_objects,
                              "min_signals": min_signals}  # fmt: skip
    cluster: dict[str, Any] = {"min_size": min_size, "seed": seed}
    decision: dict[str, Any] = {"min_score": min_score, "min_inauthenticity": min_inauthenticity}
    cfg = replace(
        cfg,
        signals=tuple(names) if names else cfg.signals,
        signal_common=common,
        signal_params=per,
        fusion=replace(cfg.fusion, **{k: v for k, v in fusion.items() if v is not None}),
        cluster=replace(cfg.cluster, **{k: v for k, v in cluster.items() if v is not None}),
        decision=replace(cfg.decision, **{k: v for k, v in decision.items() if v is not None}),
    )
    with progress_bars(progress and not as_json) as bars:
        result = detect(
            list(inputs), out_dir, config=cfg, store=store_path, format=fmt, engine=engine,
            reuse_signals=reuse_signals, memory_limit=memory_limit, since=since, progress=bars,
        )  # fmt: skip
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2, default=str))
        return
    print_networks(result)


@main.command("explain")
@click.argument("account_id")
@store_option("Store that `coordnet detect` wrote to.", exists=True)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@reports_errors
def explain_cmd(account_id: str, store_path: str, as_json: bool) -> None:
    """Why ACCOUNT_ID is (or is not) flagged: network, partners, shared objects, scores."""
    from dataclasses import asdict

    from coordnet.explain import explain

    with open_store(store_path) as store:
        ex = explain(store, account_id)
    if as_json:
        click.echo(json.dumps(asdict(ex), indent=2, default=str))
        return
    p = ex.profile
    out.print(f"[bold]{escape(str(p.get('handle') or ex.actor_id))}[/bold] "
              f"({escape(ex.actor_id)}), {p['n_actions']:,} actions", highlight=False)  # fmt: skip
    out.print(ex.verdict, markup=False, highlight=False)
    for title, rows in (
        ("network", ex.cluster.get("reasons", []) if ex.cluster else []),
        ("inauthenticity", ex.cluster.get("inauthenticity_reasons", []) if ex.cluster else []),
        ("attribution", ex.cluster.get("attribution_reasons", []) if ex.cluster else []),
        ("this account", ex.membership.get("reasons", []) if ex.membership else []),
    ):
        for reason in rows or []:
            out.print(f"  {title}: {reason}", markup=False, highlight=False)
    partners = Table(title="strongest partners")
    for col in ("partner", "strength", "signals", "kept"):
        partners.add_column(col)
    for row in ex.partners:
        partners.add_row(escape(row["partner"]), f"{row['strength']:.1f}",
                         ", ".join(row["signals"]), "yes" if row["kept"] else "no")  # fmt: skip
    out.print(partners)
    evidence = Table(title="shared objects (closest in time)")
    for col in ("signal", "partner", "object", "lag s"):
        evidence.add_column(col)
    for row in ex.evidence:
        evidence.add_row(row["signal"], escape(row["partner"]), escape(str(row["object"])),
                         f"{row['lag_s']:.1f}")  # fmt: skip
    out.print(evidence)


def print_networks(result: Any) -> None:
    """One row per reported network, then the totals and where the files are."""
    window = f" since {result.since}" if result.since else ""
    table = Table(title=f"networks in {result.store} ({result.n_actions:,} actions{window})")
    for col in ("network", "accounts", "score", "inauthenticity", "behaviours", "change"):
        table.add_column(col, justify="left" if col in ("behaviours", "change") else "right")
    for net in result.networks:
        table.add_row(
            str(net["cluster_id"]),
            f"{net['size']:,}",
            f"{net['score']:.2f}",
            f"{net['inauthenticity']:.2f}",
            ", ".join(s.replace("_", "-") for s in net["signals"][:4]),
            "new" if net["is_new"] else
            f"+{net['n_new_members']} -{net['n_lost_members']} since run {net['previous_run_id']}"
            + (" (confirmed)" if net["is_confirmed"] else ""),
        )  # fmt: skip
    out.print(table)
    for change in result.changes:
        if change["is_confirmed"] and change["new_members"]:
            ids = change["new_members"]
            # Ids come from the data: print them without control characters.
            shown = ", ".join("".join(c if c.isprintable() else "?" for c in i) for i in ids[:5])
            more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
            click.echo(f"! confirmed {change['change']}; new: {shown}{more}")
    if result.gone:
        click.echo(f"not found this run: network {', '.join(str(i) for i in result.gone)}")
    click.echo(
        f"run {result.run_id}: {result.n_networks} network(s), {result.n_accounts:,} accounts "
        f"flagged ({result.n_candidates} candidate clusters); results in {result.out}"
    )


def print_signal_summary(summary: list[dict[str, Any]], title: str) -> None:
    """One row per signal: window used, rows, pairs generated, edges, significant edges."""
    table = Table(title=title)
    for col in ("signal", "window", "rows", "pairs generated", "edges", "q <= 0.05", "seconds"):
        table.add_column(
            col, justify="left" if col == "signal" else "right", no_wrap=col == "signal"
        )
    for row in summary:
        table.add_row(
            row["signal"],
            f"{row['window_s']:g} s",
            f"{row['rows']:,}",
            f"{row['pairs_generated']:,}",
            f"{row['edges']:,}",
            f"{row['significant']:,}",
            f"{row['seconds']:.1f}",
        )
    out.print(table)


def _number(text: str, option: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise click.BadParameter(f"{option} must be seconds or 'auto', not {text!r}") from None


def _spark_engine(store: Any) -> Any:
    """A local Spark engine over the store's tables (the optional ``spark`` extra)."""
    from coordnet.engine.spark_engine import SparkEngine

    return SparkEngine.from_store(store)


@main.command("simulate")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write tweets.csv, users.csv, sessions.csv and labels.csv into.",
)
@click.option(
    "--scenario",
    default="default",
    show_default=True,
    help="A bundled scenario name or a TOML file (see docs/simulation.md).",
)
@click.option("--accounts", type=int, default=None, help="Organic accounts (overrides scenario).")
@click.option("--days", type=int, default=None, help="Simulated days (overrides scenario).")
@click.option("--seed", type=int, default=None, help="Random seed (overrides scenario).")
@click.option(
    "--format",
    "formats",
    multiple=True,
    default=("io-csv",),
    show_default=True,
    type=click.Choice(["io-csv", "parquet", "api-json"]),
    help="Extra output formats (repeatable); io-csv is always written.",
)
@reports_errors
def simulate_cmd(
    out_dir: str,
    scenario: str,
    accounts: int | None,
    days: int | None,
    seed: int | None,
    formats: tuple[str, ...],
) -> None:
    """Simulate a platform with planted campaigns, writing activity and labels.csv."""
    from coordnet.simulate import simulate

    with progress_bars(True) as bars:
        assert bars is not None
        report = simulate(out_dir, scenario=scenario, accounts=accounts, days=days, seed=seed,
                          formats=formats, progress=bars(f"simulating {scenario}"))  # fmt: skip
    kinds = ", ".join(f"{k}: {n:,}" for k, n in report.actions_by_kind.items())
    click.echo(
        f"{report.out}: {report.n_actions:,} actions ({kinds}) by {report.n_accounts:,} "
        f"accounts, {report.n_campaign_accounts:,} in planted campaigns; seed {report.seed}; "
        f"files: {', '.join(report.files)}"
    )


@main.command("evaluate")
@click.option(
    "--labels",
    required=True,
    type=click.Path(dir_okay=False),
    help="labels.csv with actor_id, campaign (empty = organic), style, organic_group.",
)
@click.option(
    "--result",
    required=True,
    type=click.Path(file_okay=False),
    help="Result folder of `coordnet detect` (reads its accounts.csv).",
)
@click.option(
    "--json",
    "json_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="Where to write the metrics as JSON.  [default: RESULT/evaluation.json]",
)
@reports_errors
def evaluate_cmd(labels: str, result: str, json_path: str | None) -> None:
    """Score a detection result against ground-truth labels (precision, recall, purity, ARI)."""
    ev = evaluate(labels, result)
    print_evaluation(ev)
    target = Path(json_path) if json_path else Path(result) / "evaluation.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(ev.as_dict(), indent=2) + "\n", encoding="utf-8")
    click.echo(f"wrote {target}")


# --- report commands (report.html) ---


@main.command("report")
@store_option("Store that `coordnet detect` wrote to.", exists=True)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Where to write the HTML file."
)
@network_option
@reports_errors
def report_cmd(store_path: str, out: str, networks: tuple[int, ...]) -> None:
    """Write a self-contained, offline HTML report of the reported networks."""
    from coordnet.report import write_report

    with open_store(store_path) as store:
        path = write_report(store, out, networks=networks or None)
    click.echo(f"wrote {path}")


# --- graph and takedown commands ---
@main.command("graph")
@store_option("Store that `coordnet detect` wrote to.", exists=True)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="File to write: .gexf (Gephi) or .graphml.",
)
@click.option(
    "--format",
    "format",
    type=click.Choice(["gexf", "graphml"]),
    default=None,
    help="File format.  [default: from the suffix of --out]",
)
@network_option
@reports_errors
def graph_cmd(store_path: str, out: str, format: str | None, networks: tuple[int, ...]) -> None:
    """Write the reported networks as a GEXF or GraphML graph (members, ties, attributes)."""
    from coordnet.export.graph import export_graph

    with open_store(store_path) as store:
        path = export_graph(store, out, format=format, networks=networks)
    click.echo(f"wrote {path}")


@main.command("takedown")
@store_option("Store that `coordnet detect` wrote to.", exists=True)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for takedown.md and takedown.json.",
)
@network_option
@reports_errors
def takedown_cmd(store_path: str, out: str, networks: tuple[int, ...]) -> None:
    """Summarise each reported network as a platform takedown disclosure (Markdown, JSON)."""
    from coordnet.export.takedown import write_takedown

    with open_store(store_path) as store:
        paths = write_takedown(store, out, networks=networks)
    for path in paths:
        click.echo(f"wrote {path}")


# --- disclosure and indicator commands ---
@main.command("disclose")
@store_option("Store that `coordnet detect` wrote to.", exists=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the data set (everything in it is meant for publication).",
)
@network_option
@click.option(
    "--salt-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Secret salt for the hashes (same salt: same hashes as an earlier release).",
)
@click.option(
    "--new-salt-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Create a random salt in this new file (outside --out) and use it.",
)
@click.option(
    "--follower-threshold",
    type=int,
    default=5000,
    show_default=True,
    help="Accounts with fewer followers (or unknown) appear only as salted hashes.",
)
@reports_errors
def disclose_cmd(
    store_path: str,
    out_dir: str,
    networks: tuple[int, ...],
    salt_file: str | None,
    new_salt_file: str | None,
    follower_threshold: int,
) -> None:
    """Write reported networks as an information-operations archive data set (IO-archive CSV)."""
    from coordnet.export import disclose as d

    if (salt_file is None) == (new_salt_file is None):
        raise click.UsageError("give one of --salt-file FILE or --new-salt-file FILE")
    salt = (d.read_salt_file(salt_file, out_dir=out_dir) if salt_file
            else d.new_salt_file(str(new_salt_file), out_dir=out_dir))  # fmt: skip
    with open_store(store_path) as store:
        r = d.disclose(store, out_dir, networks=networks, salt=salt,
                       follower_threshold=follower_threshold)  # fmt: skip
    skipped = sum(r.skipped.values())
    click.echo(f"networks {', '.join(map(str, r.networks))}: {r.n_actions:,} posts by "
               f"{r.n_actors:,} accounts ({r.n_hashed_actors:,} hashed, {r.n_public_actors:,} "
               f"at or above {r.follower_threshold:,} followers); {r.n_hashed_references:,} "
               f"references and {r.n_text_mentions_hashed:,} @mentions hashed"
               + (f"; {skipped:,} actions left out" if skipped else ""))  # fmt: skip
    click.echo(f"wrote {len(r.files)} files to {r.out_dir}")


@main.group("indicators")
def indicators_cmd() -> None:
    """Share a network's indicators (STIX 2.1) and match another platform's bundle."""


@indicators_cmd.command("export")
@store_option("Store that `coordnet detect` wrote to.", exists=True)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for indicators.json (STIX 2.1 bundle) and indicators.csv.",
)
@network_option
@click.option(
    "--salt-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Salt agreed with the receiving platform: hash accounts with HMAC-SHA256.",
)
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(["user_id", "handle", "url", "domain", "hashtag", "text", "ip"]),
    help="Indicator type to share (repeatable; default: all).",
)
@click.option("--min-actors", type=int, default=2, show_default=True,
              help="Members that must have used an object.")  # fmt: skip
@click.option("--min-share", type=float, default=0.8, show_default=True,
              help="Share of an object's users in the store that must be members.")  # fmt: skip
@reports_errors
def indicators_export_cmd(
    store_path: str,
    out_dir: str,
    networks: tuple[int, ...],
    salt_file: str | None,
    types: tuple[str, ...],
    min_actors: int,
    min_share: float,
) -> None:
    """Write the reported networks' discriminating indicators as STIX 2.1 and CSV."""
    from coordnet.export.disclose import read_salt_file
    from coordnet.export.indicators import export_indicators

    salt = read_salt_file(salt_file, out_dir=out_dir) if salt_file else None
    with open_store(store_path) as store:
        r = export_indicators(store, out_dir, networks=networks, salt=salt, types=types,
                              min_actors=min_actors, min_share=min_share)  # fmt: skip
    kinds = ", ".join(f"{t}: {n:,}" for t, n in r.by_type.items()) or "none"
    click.echo(f"{r.n_indicators:,} indicators for networks "
               f"{', '.join(map(str, r.networks))} ({kinds})")  # fmt: skip
    for what, n in r.dropped_common.items():
        click.echo(f"not shared, too common outside the network: {what}: {n:,}")
    click.echo(f"wrote {', '.join(r.files)}")


@indicators_cmd.command("match")
@click.argument("bundle_path", metavar="BUNDLE", type=click.Path(dir_okay=False))
@store_option("Store to search (a detect run's store, or one with signal edges).", exists=True)
@click.option(
    "--out",
    "out_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for matches.csv.",
)
@click.option("--salt-file", type=click.Path(dir_okay=False), default=None,
              help="Salt the producer hashed accounts with, if any.")  # fmt: skip
@click.option("--expand/--no-expand", default=True, show_default=True,
              help="Grow the matched accounts through the coordination graph.")  # fmt: skip
@click.option(
    "--max-hops",
    type=int,
    default=None,
    help="Stop expansion after this many hops (default: when no tie is strong enough).",
)
@click.option(
    "--min-strength",
    type=float,
    default=3.0,
    show_default=True,
    help="Tie strength (sum of -log10 q) an account needs to join in expansion.",
)
@click.option("--min-weight", type=float, default=1.0, show_default=True,
              help="Indicator weight that makes an account a seed.")  # fmt: skip
@reports_errors
def indicators_match_cmd(
    bundle_path: str,
    store_path: str,
    out_dir: str,
    salt_file: str | None,
    expand: bool,
    max_hops: int | None,
    min_strength: float,
    min_weight: float,
) -> None:
    """Find the accounts of a store that match BUNDLE (STIX 2.1), and their partners."""
    from coordnet.export.disclose import read_salt_file
    from coordnet.export.indicators import match_indicators

    salt = read_salt_file(salt_file) if salt_file else None
    with open_store(store_path) as store:
        m = match_indicators(store, bundle_path, expand=expand, salt=salt, max_hops=max_hops,
                             min_strength=min_strength, min_weight=min_weight,
                             out_dir=out_dir)  # fmt: skip
    print_match(m)


def print_match(m: Any) -> None:
    """Counts, then the candidates (up to 30) with why each is in."""
    kinds = ", ".join(f"{t}: {n:,}" for t, n in m.by_type.items()) or "none usable"
    click.echo(f"{m.bundle}: {m.n_indicators:,} indicators ({kinds}); {m.n_matched_indicators:,} "
               f"matched; {m.n_seeds:,} accounts matched, {m.n_expanded:,} added through "
               f"{m.graph}")  # fmt: skip
    for why, n in {**m.unsupported, **m.too_common}.items():
        click.echo(f"not used: {why}: {n:,}")
    table = Table(title=f"candidate network ({len(m.candidates):,} accounts)")
    for col in ("account", "handle", "via", "why"):
        table.add_column(col, overflow="fold")
    for c in m.candidates[:30]:
        table.add_row(escape(c.actor_id), escape(c.handle or ""), c.via, escape(c.reason))
    out.print(table)
    for f in m.files:
        click.echo(f"wrote {f}")


# --- the web app ---
@main.command("serve")
@store_option("Store that `coordnet detect` wrote to (decisions are kept in it).", exists=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any but loopback requires a token.")  # fmt: skip
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--token", default=None, envvar="COORDNET_TOKEN",
              help="Token required on every request (off loopback: a random one).")  # fmt: skip
@click.option("--salt-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Secret salt for the disclosure export (refused without one).")  # fmt: skip
@click.option("--memory-limit", default=None, help="DuckDB memory limit, e.g. 4GB.")
@reports_errors
def serve_cmd(
    store_path: str,
    host: str,
    port: int,
    token: str | None,
    salt_file: str | None,
    memory_limit: str | None,
) -> None:
    """Run the investigator's web app: queue, network and account pages, decisions, exports."""
    from coordnet.serve import serve

    serve(store_path, host=host, port=port, token=token, salt_file=salt_file,
          memory_limit=memory_limit, announce=click.echo)  # fmt: skip
