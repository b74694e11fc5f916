"""Column mappings for the generic ``tabular`` reader: load them, then check them.

A mapping says how the columns of a CSV or Parquet file become canonical fields. It comes
from a TOML file (``--mapping FILE``), from ``--map FIELD=COLUMN`` pairs, or from a bundled
preset (:mod:`coordnet.ingest.presets`). A mapping file looks like::

    table = "actions"          # or "actors"
    platform = "twitter"       # the platform of every row (or map a platform column)

    [mapping]                  # canonical field = source column, or a table of options
    action_id = "tweet_id"
    actor_id = "user_id"
    time = {column = "created_at", format = "unix"}
    text = "text"
    kind = {column = "type", values = {RT = "repost", "" = "post"}}
    hashtags = {from_text = true}

``--map FIELD=COLUMN`` pairs add to (and override) the file's ``[mapping]`` table; pairs
naming a top-level option (``table``, ``platform``, ``actor_kind``, ``hashed_ids``,
``group_rows_by``, ``extra``, ``actor_extra``) set that option instead, so
``--map platform=twitter`` names the platform rather than a column.

:func:`parse_mapping` checks a loaded mapping before any file is read: unknown fields and
options (with the closest valid name), fields the table needs, option values. Whether the
named columns exist is checked against each file by the reader. The field catalogue and the
meaning of every option are documented in ``docs/formats.md`` (section ``tabular``).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coordnet.errors import MappingError

__all__ = [
    "ACTION_FIELDS",
    "ACTOR_FIELDS",
    "TIME_FORMATS",
    "TOP_LEVEL_KEYS",
    "FieldSpec",
    "MappingSpec",
    "load_mapping",
    "parse_mapping",
]

#: Canonical fields of an ``actions`` table and their value type. Actor fields are allowed
#: too: they fill the acting actor's profile (latest row wins).
ACTION_FIELDS: dict[str, str] = {
    "action_id": "id",
    "actor_id": "id",
    "platform": "category",
    "time": "time",
    "kind": "category",
    "text": "text",
    "lang": "text",
    "client": "text",
    "parent_id": "id",
    "parent_actor_id": "id",
    "urls": "list",
    "hashtags": "list",
    "mentions": "list",
    "media_hashes": "list",
    "group_id": "id",
    "handle": "text",
    "display_name": "text",
    "created_at": "time",
    "followers": "int",
    "following": "int",
    "description": "text",
    "location": "text",
    "verified": "bool",
    "profile_image_hash": "text",
}

#: Canonical fields of an ``actors`` table (one actor per row) and their value type.
ACTOR_FIELDS: dict[str, str] = {
    "actor_id": "id",
    "platform": "category",
    "actor_kind": "category",
    "handle": "text",
    "display_name": "text",
    "created_at": "time",
    "followers": "int",
    "following": "int",
    "description": "text",
    "location": "text",
    "lang": "text",
    "verified": "bool",
    "profile_image_hash": "text",
}

#: Field names accepted as synonyms (the staging column names).
ALIASES: dict[str, str] = {"urls_raw": "urls", "hashtags_raw": "hashtags"}

_REQUIRED: dict[str, tuple[str, ...]] = {"actions": ("actor_id", "time"), "actors": ("actor_id",)}

#: Named time formats; any other value containing ``%`` is a strptime pattern.
TIME_FORMATS: tuple[str, ...] = ("auto", "unix", "unix_ms")

_OPTIONS: dict[str, tuple[str, ...]] = {
    "id": ("column", "value", "prefix", "default"),
    "text": ("column", "value", "strip_quotes", "default"),
    "time": ("column", "format"),
    "int": ("column", "value"),
    "bool": ("column", "value"),
    "category": ("column", "value", "values", "prefixes", "default"),
    "list": ("column", "separator", "from_text", "prefix"),
}
_EXTRA_OPTIONS: dict[str, tuple[str, ...]] = {
    "action_id": ("hash",),
    "parent_actor_id": ("from_text",),
}
_FROM_TEXT_LISTS = ("urls", "hashtags", "mentions")

#: Keys allowed at the top level of a mapping file or preset.
TOP_LEVEL_KEYS: tuple[str, ...] = (
    "name", "description", "signature", "exclude", "table", "platform", "actor_kind",
    "hashed_ids", "group_rows_by", "extra", "actor_extra", "mapping",
)  # fmt: skip
_CLI_OPTIONS = ("table", "platform", "actor_kind", "hashed_ids", "group_rows_by", "extra",
                "actor_extra")  # fmt: skip

EXAMPLE = (
    "e.g. --map actor_id=user_id --map time=created_at --map platform=twitter, or a TOML file "
    'with table = "actions", platform = "twitter" and a [mapping] table '
    '(actor_id = "user_id", time = "created_at"); see docs/formats.md, section tabular'
)


@dataclass(frozen=True)
class FieldSpec:
    """How one canonical field is read: from a column, a constant, the text or a hash."""

    name: str
    type: str
    column: str | None = None
    value: Any = None
    format: str = "auto"
    values: dict[str, str] | None = None
    prefixes: dict[str, str] | None = None
    default: str | None = None
    separator: str | None = None
    from_text: str | None = None
    strip_quotes: bool = False
    prefix: str = ""
    hash: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The source columns this field reads."""
        return ((self.column,) if self.column else ()) + self.hash


@dataclass(frozen=True)
class MappingSpec:
    """A checked mapping: the table kind, top-level options and one spec per mapped field."""

    table: str
    fields: dict[str, FieldSpec]
    platform: str | None = None
    actor_kind: str = "account"
    is_hashed_ids: bool = False
    group_rows_by: str | None = None
    extra: tuple[str, ...] = ()
    actor_extra: tuple[str, ...] = ()
    origin: str = "mapping"

    def needed_columns(self) -> dict[str, str]:
        """Source column -> what needs it (a field or an option), for missing-column errors."""
        need: dict[str, str] = {}
        for spec in self.fields.values():
            for col in spec.columns:
                need.setdefault(col, spec.name)
        for col in self.extra:
            need.setdefault(col, "extra")
        for col in self.actor_extra:
            need.setdefault(col, "actor_extra")
        return need


def load_mapping(path: str | Path | None, pairs: Iterable[str] = ()) -> dict[str, Any]:
    """Merge a TOML mapping file and ``FIELD=COLUMN`` pairs into one mapping config.

    >>> load_mapping(None, ["actor_id=user", "platform=twitter"])
    {'platform': 'twitter', 'mapping': {'actor_id': 'user'}}
    """
    config: dict[str, Any] = {}
    if path is not None:
        try:
            config = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise MappingError(f"{path}: cannot read mapping file ({exc})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(f"{path}: not valid TOML ({exc})") from exc
    columns = dict(config.get("mapping", {}))
    for pair in pairs:
        name, sep, column = pair.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not name or not column:
            raise MappingError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. actor_id=user_id")
        if name in ("extra", "actor_extra"):
            config[name] = [c.strip() for c in column.split(",") if c.strip()]
        elif name == "hashed_ids":
            config[name] = column.lower() in ("1", "true", "yes")
        elif name in _CLI_OPTIONS:
            config[name] = column
        else:
            columns[name] = column
    config["mapping"] = columns
    return config


def _closest(word: str, choices: Iterable[str]) -> str:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" (did you mean {found[0]!r}?)" if found else ""


def _str_table(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise MappingError(f"{where} must be a table of source value = canonical value, "
                           'e.g. {R = "repost", "" = "post"}')  # fmt: skip
    return {str(k): v for k, v in value.items()}


def _field_spec(name: str, ftype: str, raw: Any, origin: str) -> FieldSpec:
    where = f"{origin}: field {name}"
    if isinstance(raw, str):
        return FieldSpec(name=name, type=ftype, column=raw)
    if not isinstance(raw, Mapping):
        raise MappingError(
            f"{where}: expected a column name or a table of options, got {raw!r}; "
            f'e.g. {name} = "column" or {name} = {{column = "column"}}'
        )
    allowed = _OPTIONS[ftype] + _EXTRA_OPTIONS.get(name, ())
    for key in raw:
        if key not in allowed:
            raise MappingError(
                f"{where}: unknown option {key!r}{_closest(key, allowed)}; "
                f"valid options for {name}: {', '.join(allowed)}"
            )
    opts: dict[str, Any] = {"name": name, "type": ftype}
    for key in ("column", "separator", "prefix", "default"):
        if key in raw:
            if not isinstance(raw[key], str) or (key in ("column", "separator") and not raw[key]):
                raise MappingError(f"{where}: option {key} must be a non-empty string")
            opts[key] = raw[key]
    if "value" in raw:
        if not isinstance(raw["value"], str | int | float | bool):
            raise MappingError(f"{where}: option value must be a constant string or number")
        opts["value"] = raw["value"]
    if "format" in raw:
        fmt = raw["format"]
        if not isinstance(fmt, str) or (fmt not in TIME_FORMATS and "%" not in fmt):
            raise MappingError(
                f"{where}: format {fmt!r} is not one of {', '.join(TIME_FORMATS)} "
                "nor a strptime pattern such as '%d/%m/%Y %H:%M'"
            )
        opts["format"] = fmt
    for key in ("values", "prefixes"):
        if key in raw:
            opts[key] = _str_table(raw[key], f"{where}: option {key}")
    if "strip_quotes" in raw:
        opts["strip_quotes"] = bool(raw["strip_quotes"])
    if "hash" in raw:
        cols = raw["hash"]
        if not isinstance(cols, list) or not cols or not all(isinstance(c, str) for c in cols):
            raise MappingError(f"{where}: hash must be a list of column names")
        opts["hash"] = tuple(cols)
    if "from_text" in raw:
        ft = raw["from_text"]
        if name == "parent_actor_id":
            if ft != "rt_handle":
                raise MappingError(f'{where}: from_text must be "rt_handle" (the RT @user: prefix)')
            opts["from_text"] = "rt_handle"
        elif name not in _FROM_TEXT_LISTS:
            raise MappingError(f"{where}: from_text works for {', '.join(_FROM_TEXT_LISTS)} only")
        elif ft is True:
            opts["from_text"] = name
        elif ft is not False:
            raise MappingError(f"{where}: from_text must be true or false")
    spec = FieldSpec(**opts)
    sources = sum((spec.column is not None, "value" in raw, bool(spec.hash), bool(spec.from_text)))
    if sources != 1:
        raise MappingError(
            f"{where}: give exactly one of column, value"
            + (", hash" if "hash" in allowed else "")
            + (", from_text" if "from_text" in allowed else "")
            + f" (got {sources})"
        )
    if spec.separator and not spec.column:
        raise MappingError(f"{where}: separator needs a column")
    return spec


def _column_list(config: Mapping[str, Any], key: str, origin: str) -> tuple[str, ...]:
    value = config.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise MappingError(f'{origin}: {key} must be a list of column names, e.g. {key} = ["a"]')
    return tuple(value)


def parse_mapping(config: Mapping[str, Any], origin: str = "mapping") -> MappingSpec:
    """Check a mapping config (from :func:`load_mapping` or a preset) and return its spec.

    Raises :class:`~coordnet.errors.MappingError` naming the bad key, the valid choices and
    the closest one.

    >>> spec = parse_mapping({"platform": "x", "mapping": {"actor_id": "u", "time": "t"}})
    >>> spec.table, sorted(spec.fields)
    ('actions', ['actor_id', 'time'])
    """
    for key in config:
        if key not in TOP_LEVEL_KEYS:
            raise MappingError(
                f"{origin}: unknown option {key!r}{_closest(key, TOP_LEVEL_KEYS)}; "
                f"valid top-level options: {', '.join(TOP_LEVEL_KEYS)}"
            )
    table = config.get("table", "actions")
    if table not in _REQUIRED:
        raise MappingError(f"{origin}: table = {table!r}: choose 'actions' or 'actors'")
    catalogue = ACTION_FIELDS if table == "actions" else ACTOR_FIELDS
    raw_fields = config.get("mapping") or {}
    if not isinstance(raw_fields, Mapping):
        raise MappingError(f"{origin}: [mapping] must be a table of field = column")
    fields: dict[str, FieldSpec] = {}
    for raw_name, raw in raw_fields.items():
        name = ALIASES.get(raw_name, raw_name)
        if name not in catalogue:
            other = "actors" if table == "actions" else "actions"
            if name in (ACTOR_FIELDS if other == "actors" else ACTION_FIELDS):
                raise MappingError(
                    f"{origin}: field {raw_name!r} belongs to table {other!r}, and this "
                    f"mapping reads table {table!r}; set table = {other!r} or drop the field"
                )
            raise MappingError(
                f"{origin}: unknown field {raw_name!r}{_closest(raw_name, catalogue)} for "
                f"table {table!r}; valid fields: {', '.join(catalogue)}"
            )
        if name in fields:
            raise MappingError(f"{origin}: field {name} is mapped twice ({raw_name!r})")
        fields[name] = _field_spec(name, catalogue[name], raw, origin)
    missing = [f for f in _REQUIRED[table] if f not in fields]
    if missing:
        raise MappingError(
            f"{origin}: table {table!r} needs field(s) {', '.join(missing)}; {EXAMPLE}"
        )
    uses_text = [f.name for f in fields.values() if f.from_text]
    if uses_text and "text" not in fields:
        raise MappingError(
            f"{origin}: {', '.join(uses_text)} read from the text, but text is not mapped; "
            'add text = "column"'
        )
    platform = config.get("platform")
    if platform is not None and (not isinstance(platform, str) or not platform.strip()):
        raise MappingError(
            f'{origin}: platform must be a name such as "twitter"; to read it from a column, '
            'map it: [mapping] platform = "column"'
        )
    if platform is None and "platform" not in fields:
        raise MappingError(
            f'{origin}: no platform: add platform = "twitter" (or --map platform=twitter), '
            "or map a platform column"
        )
    group = config.get("group_rows_by")
    if group is not None:
        if table != "actions" or group != "action_id":
            raise MappingError(f'{origin}: group_rows_by must be "action_id" (actions tables)')
        if "action_id" not in fields or fields["action_id"].column is None:
            raise MappingError(f"{origin}: group_rows_by needs action_id mapped to a column")
    if "action_id" in fields and fields["action_id"].value is not None:
        raise MappingError(f"{origin}: action_id cannot be a constant; map a column or a hash")
    actor_kind = config.get("actor_kind", "account")
    if not isinstance(actor_kind, str) or not actor_kind:
        raise MappingError(f'{origin}: actor_kind must be a name such as "account" or "page"')
    return MappingSpec(
        table=table,
        fields=fields,
        platform=platform.strip().lower() if platform else None,
        actor_kind=actor_kind,
        is_hashed_ids=bool(config.get("hashed_ids", False)),
        group_rows_by=group,
        extra=_column_list(config, "extra", origin),
        actor_extra=_column_list(config, "actor_extra", origin),
        origin=origin,
    )
