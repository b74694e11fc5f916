"""The generic ``tabular`` reader: any CSV or Parquet file, read through a column mapping.

Most research data sets are flat tables with their own column names. Rather than a reader
per data set, a *mapping* (:mod:`coordnet.ingest.mapping`) names which column holds which
canonical field, and this module turns it into one DuckDB query over the file, so a million
rows take seconds and no row is parsed in Python. Bundled *presets* (TOML files in
``coordnet/ingest/presets/``) are mappings for public data sets; each becomes a reader of its
own (``--format ira-538-tweets``) that auto-detection picks from the file's header.

How a mapping is applied (``docs/formats.md``, section ``tabular``, has the full reference):

* **Tables.** ``table = "actions"`` (default) gives one action per row (or per group of rows,
  below); ``actor_id`` and ``time`` are required. Actor fields mapped on an actions table
  (``handle``, ``followers``...) and ``actor_extra`` columns fill the acting actor's profile
  from its latest row. ``table = "actors"`` gives one actor per row; ``actor_id`` is required.
* **Field values** come from a column (``time = "created_at"``) or a table of options:
  ``column``; ``value`` (a constant); ``prefix`` (namespaces ids and list items, e.g.
  ``url:``); ``default``; ``values`` / ``prefixes`` (translate codes, e.g. ``R`` -> repost,
  or ``fb_`` -> facebook); ``format`` for times; ``separator`` or ``from_text`` for lists;
  ``strip_quotes`` for text wrapped in ``'...'``; ``hash`` (action ids from columns).
* **Times.** ``auto`` reads ISO 8601 and ``YYYY-MM-DD HH:MM[:SS]`` with or without offset
  (none means UTC), Twitter's ``Wed Jan 07 04:38:02 +0000 2009``, and plain Unix seconds
  (9-10 digits) or milliseconds (12-13 digits). ``unix`` and ``unix_ms`` force epochs; any
  pattern with ``%`` is a strptime pattern. Stored as naive UTC.
* **Synthesised ids.** Without ``action_id`` the id is ``md5(actor_id|time|text)`` over the
  canonical values (time as ``YYYY-MM-DDTHH:MM:SS.ffffff``): content-only, so a re-export of
  the same rows in another order or file gives the same ids and ingest stays idempotent.
  Two rows with equal actor, time and text get one id, and the second is rejected as a
  duplicate; ``action_id = {hash = [columns]}`` chooses the columns that tell rows apart.
* **Reposts from text.** ``parent_actor_id = {from_text = "rt_handle"}`` takes the handle of a
  leading ``RT @user:``; when ``kind`` is not mapped such rows become reposts.
* **Grouped rows.** ``group_rows_by = "action_id"`` merges the rows of one post (data sets
  with one row per shared object): the first row gives scalar fields, list fields are the
  union of the rows' lists, and ``extra`` columns become lists of their distinct values.
* **Rejects.** An empty actor id, an empty or unreadable time, an empty action id, or a code
  missing from ``values``/``prefixes`` rejects the row with a reason naming the column and
  the value; malformed CSV rows are rejected by the scan (:mod:`.scan`). A non-empty optional
  value that cannot be read (a count that is not a number) is left empty and counted in the
  ingest notes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from importlib import resources
from typing import Any, ClassVar

from coordnet.engine import DuckDBEngine
from coordnet.errors import MappingError, MissingColumnsError
from coordnet.ingest._base import Reader, Staged, closest_columns, sql_quote
from coordnet.ingest.mapping import EXAMPLE, FieldSpec, MappingSpec, parse_mapping
from coordnet.ingest.scan import collect_scan_rejects, number_records, table_scan
from coordnet.ingest.source import SourceFile

__all__ = ["PresetReader", "Tabular", "load_presets", "preset_readers"]

_TRUE = "('true', 't', '1', 'yes', 'y')"
_FALSE = "('false', 'f', '0', 'no', 'n')"
_TEXT_MACRO = {"urls": ("cn_text_urls", "://"), "hashtags": ("cn_text_hashtags", "#"),
               "mentions": ("cn_text_mentions", "@")}  # fmt: skip
_ACTION_SCALARS = ("action_id", "actor_id", "platform", "time", "kind", "text", "lang", "client",
                   "parent_id", "parent_actor_id", "group_id")  # fmt: skip
_LISTS = {"urls": "urls_raw", "hashtags": "hashtags_raw", "mentions": "mentions",
          "media_hashes": "media_hashes"}  # fmt: skip
_ACTOR_PROFILE = ("handle", "display_name", "created_at", "followers", "following",
                  "description", "location", "lang", "verified", "profile_image_hash")  # fmt: skip
_UNTRIMMED = ("text", "description")


def _lit(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return sql_quote(str(value))


def _quoting(before: str, column: str, after: str) -> str:
    """SQL for the message ``before'<value of column>'after`` (the value cut at 100 chars)."""
    return (
        f"{sql_quote(before + chr(39))} || left(coalesce({column}, ''), 100) || "
        f"{sql_quote(chr(39) + after)}"
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Columns:
    """The file's columns (name -> DuckDB type), matched case-insensitively."""

    def __init__(self, engine: DuckDBEngine, src: SourceFile) -> None:
        rows = engine.rows(f"DESCRIBE SELECT * FROM {table_scan(src)}")
        self.types = {r[0]: str(r[1]) for r in rows if r[0] != "cn_record"}
        self._by_lower = {n.lower(): n for n in self.types}

    def resolve(self, name: str) -> str | None:
        return name if name in self.types else self._by_lower.get(name.lower())

    def text(self, name: str) -> str:
        """The column as text (Parquet columns may be typed)."""
        real = self.resolve(name)
        assert real is not None
        if self.types[real] == "VARCHAR":
            return _ident(real)
        return f"CAST({_ident(real)} AS VARCHAR)"

    def is_list(self, name: str) -> bool:
        real = self.resolve(name)
        return real is not None and self.types[real].endswith("[]")

    def check(self, src: SourceFile, spec: MappingSpec, reader: str) -> None:
        need = spec.needed_columns()
        missing = [c for c in need if self.resolve(c) is None]
        if missing:
            raise MissingColumnsError(
                src.display,
                reader,
                [f"{c} (for {need[c]})" for c in missing],
                {f"{c} (for {need[c]})": closest_columns(c, self.types) for c in missing},
            )


class _Builder:
    """SQL expressions for each mapped field of one file."""

    def __init__(self, spec: MappingSpec, cols: _Columns) -> None:
        self.spec = spec
        self.cols = cols

    # -- per-type value expressions ------------------------------------------------------------
    def source(self, f: FieldSpec) -> str:
        """The field's raw source text (NULL when it is a constant)."""
        return self.cols.text(f.column) if f.column else "NULL::VARCHAR"

    def value(self, f: FieldSpec) -> str:
        """The canonical value of a column- or constant-based field."""
        if f.value is not None:
            return _lit(f.value) if f.type in ("int", "bool") else sql_quote(str(f.value))
        s = self.source(f)
        if f.type == "id":
            expr = f"nullif(trim({s}), '')"
            if f.prefix:
                expr = f"({sql_quote(f.prefix)} || {expr})"
        elif f.type == "text":
            expr = f"nullif({s}, '')" if f.name in _UNTRIMMED else f"nullif(trim({s}), '')"
            if f.strip_quotes:
                expr = (
                    f"(CASE WHEN length({expr}) >= 2 AND starts_with({expr}, '''') "
                    f"AND ends_with({expr}, '''') THEN nullif(({expr})[2:-2], '') "
                    f"ELSE {expr} END)"
                )
        elif f.type == "time":
            expr = self.time(f"trim({s})", f.format)
        elif f.type == "int":
            expr = f"try_cast(try_cast(trim({s}) AS DOUBLE) AS BIGINT)"
        elif f.type == "bool":
            expr = (
                f"(CASE WHEN lower(trim({s})) IN {_TRUE} THEN true "
                f"WHEN lower(trim({s})) IN {_FALSE} THEN false END)"
            )
        elif f.type == "category":
            expr = self.category(f, s)
        else:
            raise AssertionError(f.type)
        if f.default is not None and f.type != "category":
            expr = f"coalesce({expr}, {sql_quote(f.default)})"
        return expr

    @staticmethod
    def time(s: str, fmt: str) -> str:
        """Parse text ``s`` as a UTC time; NULL when it does not parse."""
        micros = "BETWEEN -62135596800000000 AND 253402300799000000"

        def epoch(scale: int) -> str:
            us = f"try_cast(try_cast({s} AS DECIMAL(38, 6)) * {scale} AS HUGEINT)"
            return f"(CASE WHEN {us} {micros} THEN make_timestamp({us}::BIGINT) END)"

        if fmt == "unix":
            return epoch(1_000_000)
        if fmt == "unix_ms":
            return epoch(1_000)
        if fmt != "auto":
            return f"CAST(try_strptime({s}, {sql_quote(fmt)}) AS TIMESTAMP)"
        return (
            f"coalesce(try_cast(try_cast({s} AS TIMESTAMPTZ) AS TIMESTAMP), "
            rf"CASE WHEN regexp_full_match({s}, '\d{{9,10}}(\.\d+)?') THEN {epoch(1_000_000)} "
            rf"WHEN regexp_full_match({s}, '\d{{12,13}}') THEN {epoch(1_000)} END, "
            f"CAST(try_strptime({s}, '%a %b %d %H:%M:%S %z %Y') AS TIMESTAMP))"
        )

    def category(self, f: FieldSpec, s: str) -> str:
        default = sql_quote(f.default) if f.default is not None else "NULL"
        if not f.values and not f.prefixes:
            if f.name == "kind" and f.default is None:
                default = "'post'"
            return f"coalesce(lower(nullif(trim({s}), '')), {default})"
        key = f"coalesce(trim({s}), '')"
        whens = [f"WHEN {key} = {sql_quote(k)} THEN {sql_quote(v)}" for k, v in
                 (f.values or {}).items()]  # fmt: skip
        whens += [f"WHEN starts_with({key}, {sql_quote(k)}) THEN {sql_quote(v)}"
                  for k, v in (f.prefixes or {}).items() if k]  # fmt: skip
        return f"(CASE {' '.join(whens)} ELSE {default} END)"

    def category_reason(self, f: FieldSpec, value: str) -> str | None:
        """Reject reason when a mapped code is not translated (no default given)."""
        if f.column is None or f.default is not None or not (f.values or f.prefixes):
            return None
        parts = []
        if f.values:
            parts.append("is not one of " + ", ".join(repr(k) for k in f.values))
        if f.prefixes:
            parts.append("starts with none of " + ", ".join(repr(k) for k in f.prefixes))
        message = _quoting(
            f"bad {f.name}: column {f.column} = ", f"s_{f.name}", " " + " and ".join(parts)
        )
        return f"WHEN {value} IS NULL THEN {message}"

    def list_value(self, f: FieldSpec, text: str) -> str:
        """A list field (VARCHAR[]) from a list column, a separated column or the text."""
        if f.from_text:
            # The entity regexes are the costly part of a scan: skip texts that cannot match.
            macro, mark = _TEXT_MACRO[f.name]
            expr = f"(CASE WHEN contains({text}, '{mark}') THEN {macro}({text}) ELSE [] END)"
        else:
            assert f.column is not None
            if self.cols.is_list(f.column):
                real = _ident(self.cols.resolve(f.column) or f.column)
                items = f"list_transform(coalesce({real}, []), lambda x: trim(CAST(x AS VARCHAR)))"
                expr = f"list_filter({items}, lambda x: x IS NOT NULL AND x <> '')"
            elif f.separator:
                s = self.source(f)
                expr = (
                    f"list_filter(list_transform(string_split(coalesce({s}, ''), "
                    f"{sql_quote(f.separator)}), lambda x: trim(x)), lambda x: x <> '')"
                )
            else:
                expr = f"cn_split_list({self.source(f)})"
        if f.prefix:
            expr = f"list_transform({expr}, lambda x: {sql_quote(f.prefix)} || x)"
        return expr

    def extra_json(self, names: tuple[str, ...], prefix: str, aggregate: str = "{}") -> str:
        if not names:
            return "NULL::JSON"
        pairs = ", ".join(
            f"{sql_quote(c)}, {aggregate.format(f'{prefix}{i}')}" for i, c in enumerate(names)
        )
        return f"json_object({pairs})"

    def extra_columns(self, names: tuple[str, ...], prefix: str) -> list[str]:
        return [
            f"nullif(trim({self.cols.text(c)}), '') AS {prefix}{i}" for i, c in enumerate(names)
        ]


def _present_fields(spec: MappingSpec, names: tuple[str, ...]) -> list[FieldSpec]:
    return [spec.fields[n] for n in names if n in spec.fields]


class Tabular(Reader):
    """Any CSV or Parquet file, read through a column mapping (``--format tabular``)."""

    name = "tabular"
    description = "Any CSV/Parquet table, read through a column mapping (--map / --mapping)"
    containers: ClassVar[tuple[str, ...]] = ("csv", "parquet")

    def sniff(self, src: SourceFile) -> float:
        """Never chosen by auto-detection: it needs a mapping."""
        return 0.0

    def mapping_spec(self, options: dict[str, Any]) -> MappingSpec:
        """The checked mapping for this run (raises :class:`MappingError` when absent)."""
        config = options.get("mapping")
        if not config:
            raise MappingError(f"format tabular needs a column mapping; {EXAMPLE}")
        return parse_mapping(config)

    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        spec = self.mapping_spec(options)
        cols = _Columns(engine, src)
        cols.check(src, spec, self.name)
        build = _Builder(spec, cols)
        on_progress = options.get("on_progress")
        if spec.table == "actors":
            notes = _stage_actors_table(engine, src, build, on_progress)
        else:
            notes = _stage_actions_table(engine, src, build, on_progress)
        n = engine.scalar("SELECT count(*) FROM cn_tab")
        engine.execute("DROP TABLE cn_tab")
        n += collect_scan_rejects(engine, src)
        return Staged(n_records=n, notes=notes)


def _fill_notes(engine: DuckDBEngine, build: _Builder, fields: list[FieldSpec]) -> list[str]:
    """Count non-empty optional values that could not be read (left empty)."""
    typed = [
        f for f in fields if f.column and f.type in ("time", "int", "bool") and f.name != "time"
    ]
    if not typed:
        return []
    counts = engine.rows(
        "SELECT "
        + ", ".join(
            f"count(*) FILTER (WHERE nullif(trim(s_{f.name}), '') IS NOT NULL AND {f.name} IS NULL)"
            for f in typed
        )
        + " FROM cn_tab"
    )[0]
    return [
        f"column {f.column}: {n:,} value(s) not readable as {f.name} ({f.type}), left empty"
        for f, n in zip(typed, counts, strict=True)
        if n
    ]


def _platform(build: _Builder) -> tuple[str, str | None]:
    """The platform expression and its reject clause."""
    spec = build.spec
    f = spec.fields.get("platform")
    const = sql_quote(spec.platform) if spec.platform else "NULL"
    if f is None:
        return const, None
    expr = f"coalesce({build.value(f)}, {const})"
    reason = build.category_reason(f, "platform")
    if reason is None and not spec.platform and f.column:
        reason = (
            f"WHEN platform IS NULL THEN "
            f"{sql_quote(f'missing platform: column {f.column} is empty')}"
        )
    return expr, reason


def _stage_actions_table(
    engine: DuckDBEngine, src: SourceFile, build: _Builder, on_progress: Any
) -> list[str]:
    spec = build.spec
    fields = spec.fields
    level1 = ["cn_record + 1 AS source_line", "r AS cn_row"]
    for f in fields.values():
        if f.hash or f.from_text or f.name == "platform":
            continue
        if f.type == "list":
            level1.append(f"{build.list_value(f, 'NULL')} AS {_LISTS[f.name]}")
            continue
        level1.append(f"{build.value(f)} AS {f.name}")
        if f.column:
            level1.append(f"{build.source(f)} AS s_{f.name}")
    platform, platform_reason = _platform(build)
    level1.append(f"{platform} AS platform")
    if "platform" in fields and fields["platform"].column:
        level1.append(f"{build.source(fields['platform'])} AS s_platform")
    text = "text" if "text" in fields else "NULL::VARCHAR"
    if "text" not in fields:
        level1.append("NULL::VARCHAR AS text")
    hashed = fields.get("action_id")
    if hashed is not None and hashed.hash:
        parts = ", ".join(f"coalesce(trim({build.cols.text(c)}), '')" for c in hashed.hash)
        level1.append(f"{sql_quote(hashed.prefix)} || md5(concat_ws('|', {parts})) AS action_id")
    level1 += build.extra_columns(spec.extra, "x_")
    level1 += build.extra_columns(spec.actor_extra, "ax_")

    # Level 2: values derived from level-1 values (text entities, synthesised id, kind).
    level2 = ["*"]
    for f in fields.values():
        if f.from_text and f.type == "list":
            level2.append(f"{build.list_value(f, text)} AS {_LISTS[f.name]}")
    pa = fields.get("parent_actor_id")
    if pa is not None and pa.from_text == "rt_handle":
        level2.append(f"cn_rt_handle({text}) AS parent_actor_id")
    if "action_id" not in fields:
        level2.append(
            "CASE WHEN actor_id IS NOT NULL AND time IS NOT NULL THEN md5(actor_id || '|' || "
            "strftime(time, '%Y-%m-%dT%H:%M:%S.%f') || '|' || coalesce(text, '')) END "
            "AS action_id"
        )
    kind = fields.get("kind")
    if kind is None:
        rt = pa is not None and pa.from_text == "rt_handle"
        kind_sql = "CASE WHEN parent_actor_id IS NOT NULL THEN 'repost' ELSE 'post' END"
        level2.append(f"{kind_sql if rt else sql_quote('post')} AS kind")

    reasons = []
    actor = fields["actor_id"]
    if actor.column:
        reasons.append(
            f"WHEN actor_id IS NULL THEN "
            f"{sql_quote(f'missing actor: column {actor.column} is empty')}"
        )
    tf = fields["time"]
    fmt = f" (format {tf.format})"
    reasons.append(
        f"WHEN nullif(trim(s_time), '') IS NULL THEN "
        f"{sql_quote(f'bad time: column {tf.column} is empty')} "
        "WHEN time IS NULL THEN "
        + _quoting(f"bad time: column {tf.column} = ", "s_time", f" is not a date-time{fmt}")
    )
    aid = fields.get("action_id")
    if aid is not None and aid.column:
        reasons.append(
            f"WHEN action_id IS NULL THEN {sql_quote(f'missing id: column {aid.column} is empty')}"
        )
    if platform_reason:
        reasons.append(platform_reason)
    if kind is not None:
        kr = build.category_reason(kind, "kind")
        if kr:
            reasons.append(kr)

    engine.execute(
        f"""CREATE OR REPLACE TEMP TABLE cn_tab AS
        SELECT * EXCLUDE (cn_row),
               CASE WHEN reason IS NOT NULL THEN to_json(cn_row)::VARCHAR END AS raw
        FROM (SELECT *, CASE {" ".join(reasons)} END AS reason
              FROM (SELECT {", ".join(level2)}
                    FROM (SELECT {", ".join(level1)} FROM {table_scan(src)} AS r)))""",
        on_progress=on_progress,
    )
    number_records(engine, "cn_tab")
    present = set(engine.columns("cn_tab"))
    scalars = [c for c in _ACTION_SCALARS if c in present]
    lists = [c for c in _LISTS.values() if c in present]
    extra = build.extra_json(spec.extra, "x_")
    cols = ", ".join([*scalars, *lists])
    notes: list[str] = []
    if spec.group_rows_by:
        firsts = ", ".join(
            f"arg_min({c}, source_line) AS {c}"
            for c in scalars
            if c not in ("action_id", "platform")
        )
        unions = ", ".join(f"list_sort(list_distinct(flatten(list({c})))) AS {c}" for c in lists)
        gextra = build.extra_json(
            spec.extra, "x_", "coalesce(list_sort(list_distinct(list({0}))), [])"
        )
        engine.execute(
            f"""INSERT INTO cn_stage_actions BY NAME
            SELECT source_line, {cols}, 'field' AS time_source, {extra} AS extra,
                   reason AS reject_reason, raw
            FROM cn_tab WHERE reason IS NOT NULL
            UNION ALL BY NAME
            SELECT min(source_line) AS source_line, action_id, platform, {firsts}
                   {", " + unions if unions else ""}, 'field' AS time_source,
                   {gextra} AS extra, NULL AS reject_reason, NULL AS raw
            FROM cn_tab WHERE reason IS NULL GROUP BY platform, action_id"""
        )
        n_rows, n_groups = engine.rows(
            "SELECT count(*), count(DISTINCT (platform, action_id)) FROM cn_tab "
            "WHERE reason IS NULL"
        )[0]
        notes.append(
            f"{n_rows:,} rows grouped by column {fields['action_id'].column} "
            f"into {n_groups:,} actions"
        )
    else:
        engine.execute(
            f"""INSERT INTO cn_stage_actions BY NAME
            SELECT source_line, {cols}, 'field' AS time_source, {extra} AS extra,
                   reason AS reject_reason, raw
            FROM cn_tab"""
        )
    _stage_acting_actors(engine, build, present)
    notes += _fill_notes(engine, build, list(fields.values()))
    return notes


def _stage_acting_actors(engine: DuckDBEngine, build: _Builder, present: set[str]) -> None:
    """One staged actor per acting actor: profile fields and actor_extra from its latest row."""
    spec = build.spec
    picks = [
        f"arg_max({c}, source_line) FILTER (WHERE {c} IS NOT NULL) AS {c}"
        for c in _ACTOR_PROFILE
        if c in present and c != "lang"
    ]
    if spec.actor_extra:
        pairs = ", ".join(
            f"{sql_quote(c)}, arg_max(ax_{i}, source_line) FILTER (WHERE ax_{i} IS NOT NULL)"
            for i, c in enumerate(spec.actor_extra)
        )
        picks.append(f"json_object({pairs}) AS extra")
    hashed = "true" if spec.is_hashed_ids else "NULL"
    engine.execute(
        f"""INSERT INTO cn_stage_actors BY NAME
        SELECT actor_id, platform, {sql_quote(spec.actor_kind)} AS actor_kind,
               max(source_line) AS source_line, {hashed} AS is_hashed_id
               {"".join(", " + p for p in picks)}
        FROM cn_tab WHERE reason IS NULL GROUP BY actor_id, platform"""
    )


def _stage_actors_table(
    engine: DuckDBEngine, src: SourceFile, build: _Builder, on_progress: Any
) -> list[str]:
    spec = build.spec
    fields = spec.fields
    level1 = ["cn_record + 1 AS source_line", "r AS cn_row"]
    for f in fields.values():
        if f.name == "platform":
            continue
        if f.name == "actor_kind":
            level1.append(f"coalesce({build.value(f)}, {sql_quote(spec.actor_kind)}) AS actor_kind")
        else:
            level1.append(f"{build.value(f)} AS {f.name}")
        if f.column:
            level1.append(f"{build.source(f)} AS s_{f.name}")
    if "actor_kind" not in fields:
        level1.append(f"{sql_quote(spec.actor_kind)} AS actor_kind")
    platform, platform_reason = _platform(build)
    level1.append(f"{platform} AS platform")
    if "platform" in fields and fields["platform"].column:
        level1.append(f"{build.source(fields['platform'])} AS s_platform")
    names = spec.extra + tuple(c for c in spec.actor_extra if c not in spec.extra)
    level1 += build.extra_columns(names, "x_")
    actor = fields["actor_id"]
    reasons = []
    if actor.column:
        reasons.append(
            f"WHEN actor_id IS NULL THEN {sql_quote(f'missing id: column {actor.column} is empty')}"
        )
    if platform_reason:
        reasons.append(platform_reason)
    if "actor_kind" in fields:
        kr = build.category_reason(fields["actor_kind"], "actor_kind")
        if kr:
            reasons.append(kr)
    engine.execute(
        f"""CREATE OR REPLACE TEMP TABLE cn_tab AS
        SELECT * EXCLUDE (cn_row),
               CASE WHEN reason IS NOT NULL THEN to_json(cn_row)::VARCHAR END AS raw
        FROM (SELECT *, CASE {" ".join(reasons) or "WHEN false THEN NULL"} END AS reason
              FROM (SELECT {", ".join(level1)} FROM {table_scan(src)} AS r))""",
        on_progress=on_progress,
    )
    number_records(engine, "cn_tab")
    profile = [c for c in _ACTOR_PROFILE if c in fields]
    hashed = "true" if spec.is_hashed_ids else "NULL"
    engine.execute(
        f"""INSERT INTO cn_stage_actors BY NAME
        SELECT source_line, actor_id, platform, actor_kind
               {"".join(", " + c for c in profile)}, {hashed} AS is_hashed_id,
               {build.extra_json(names, "x_")} AS extra, reason AS reject_reason, raw
        FROM cn_tab"""
    )
    return _fill_notes(engine, build, list(fields.values()))


# -- presets ------------------------------------------------------------------------------------
_PRESET_KEYS = ("name", "description", "signature", "exclude")


def load_presets() -> list[dict[str, Any]]:
    """The bundled preset configs (``coordnet/ingest/presets/*.toml``), sorted by name."""
    folder = resources.files("coordnet.ingest") / "presets"
    found = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            try:
                found.append(tomllib.loads(entry.read_text(encoding="utf-8")))
            except tomllib.TOMLDecodeError as exc:
                raise MappingError(f"preset {entry.name}: not valid TOML ({exc})") from exc
    return found


class PresetReader(Tabular):
    """A :class:`Tabular` reader with a bundled mapping, recognised by its header.

    Subclasses (made by :func:`preset_readers`) set ``name``, ``description``, ``config``,
    ``signature_columns`` and ``excluded_columns``. A user mapping given with a preset
    overrides the preset's options and fields one by one.
    """

    config: ClassVar[dict[str, Any]] = {}

    def sniff(self, src: SourceFile) -> float:
        """1.0 when the header is exactly the signature; less when it holds more columns.

        A header holding the signature among other columns scores 0.5-0.9 (more for a larger
        share of signature columns), so a built-in reader matching the same file still wins.
        """
        if src.container not in self.containers or not self.signature_columns:
            return 0.0
        header = {c.lower() for c in src.columns}
        signature = {c.lower() for c in self.signature_columns}
        if header & {c.lower() for c in self.excluded_columns} or not signature <= header:
            return 0.0
        return 1.0 if header == signature else 0.5 + 0.4 * len(signature) / len(header)

    def mapping_spec(self, options: dict[str, Any]) -> MappingSpec:
        config = {k: v for k, v in self.config.items() if k not in _PRESET_KEYS}
        user = options.get("mapping") or {}
        for key, value in user.items():
            if key == "mapping":
                config["mapping"] = {**config.get("mapping", {}), **value}
            else:
                config[key] = value
        return parse_mapping(config, origin=f"preset {self.name}")


def _preset_class(config: dict[str, Any]) -> type[PresetReader]:
    where = f"preset {config.get('name', '?')}"
    for key in ("name", "description", "signature"):
        if key not in config:
            raise MappingError(f"{where}: missing key {key!r}")
    body = {k: v for k, v in config.items() if k not in _PRESET_KEYS}
    spec = parse_mapping(body, origin=where)
    attrs = {
        "name": config["name"],
        "description": config["description"],
        "config": config,
        "signature_columns": tuple(config["signature"]),
        "excluded_columns": tuple(config.get("exclude", ())),
        "required_columns": tuple(spec.needed_columns()),
        "__doc__": config["description"],
    }
    title = "".join(p.title() for p in config["name"].replace("_", "-").split("-"))
    return type(f"Preset{title}", (PresetReader,), attrs)


def _iter_preset_classes() -> Iterator[type[PresetReader]]:
    for config in load_presets():
        yield _preset_class(config)


def preset_readers() -> list[Reader]:
    """One reader per bundled preset, for the registry (after the built-in readers)."""
    return [cls() for cls in _iter_preset_classes()]
