"""CrowdTangle exports of Facebook and Instagram posts: the UI CSV and the flattened API table.

CrowdTangle (Meta, shut down in 2024) was the main source for studying coordinated link
sharing by pages, groups and public accounts (Giglietto et al.'s *CooRnet*). Its data reach
researchers in two tabular shapes, both read here, CSV (plain or gzipped) or Parquet:

* the **UI "historical data" export**: ``Page Name, User Name, Facebook Id, ...,
  Post Created, Type, ..., URL, Message, Link, Final Link, ...``. Group lists have ``Group
  Name`` and ``Members at Posting`` instead of the page columns; Instagram lists have
  ``Account`` and no ``Facebook Id``. ``Post Created`` carries the dashboard's time zone
  (``2021-03-01 12:34:56 EST`` or ``... +0100``): it is converted to UTC with the fixed offsets
  of :data:`ZONE_OFFSETS` (an abbreviation names one offset, EST is always -05:00), an
  explicit ``+hhmm`` offset, or an IANA name (``Europe/Rome``); no zone means UTC. An
  abbreviation that is ambiguous (``IST``, ``AST``) or unknown is rejected, never guessed.
* the **API posts table** flattened to columns (what CooRnet's ``get_ctshares`` returns and
  ``get_coord_shares`` reads): ``id, platformId, platform, date, type, message, title,
  description, expandedLinks.expanded, link, postUrl, account.platformId, account.name,
  account.accountType, account.subscriberCount, statistics.actual.likeCount, ...``. Column
  names match case-insensitively and with ``.``, ``_`` or spaces alike (``account_platformId``).

Every post is a ``post`` action: CrowdTangle does not say which post a re-share re-shares,
only its link, so a re-share (``Link Text``/``title`` "This is a re-share of a post") stays a
``post`` with ``extra.is_reshare`` true and the re-shared post's link in ``urls`` -- the
co-link signal then sees two pages re-sharing the same post, as CooRnet does. The post
``Type`` (Link, Photo, Status, Native Video...) is kept in ``extra.type``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from coordnet.engine import DuckDBEngine
from coordnet.errors import MissingColumnsError
from coordnet.ingest._base import Reader, Staged, closest_columns
from coordnet.ingest.scan import collect_scan_rejects, number_records, table_scan
from coordnet.ingest.source import SourceFile

__all__ = ["ZONE_OFFSETS", "CrowdTangle"]

#: Time-zone abbreviations seen in CrowdTangle exports, as minutes east of UTC. Each names
#: one fixed offset (EST is -05:00 even in July; an export in summer says EDT). ``CST`` is
#: US Central. Ambiguous abbreviations (IST: India/Ireland/Israel, AST: Atlantic/Arabia)
#: are deliberately absent so that such times are rejected rather than guessed.
ZONE_OFFSETS: dict[str, int] = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60,
    "CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "WAT": 60,
    "EET": 120, "EEST": 180, "SAST": 120, "CAT": 120, "MSK": 180, "EAT": 180, "TRT": 180,
    "PKT": 300, "ICT": 420, "WIB": 420, "HKT": 480, "SGT": 480, "PHT": 480, "AWST": 480,
    "JST": 540, "KST": 540, "ACST": 570, "ACDT": 630, "AEST": 600, "AEDT": 660,
    "NZST": 720, "NZDT": 780,
    "NST": -210, "NDT": -150, "ADT": -180, "BRT": -180, "ART": -180,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
}  # fmt: skip

#: What CrowdTangle writes in ``Link Text`` / ``title`` of a re-shared post.
_RESHARE_TITLE = "This is a re-share of a post"

_ACCOUNT_KINDS = {
    "facebook_page": "page",
    "facebook_group": "group",
    "facebook_profile": "profile",
    "instagram_profile": "profile",
}

# Split a time into its local part and whatever zone text follows it.
_TIME_PARTS = r"'^(\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?)\s*(.*)$'"
_OFFSET_RE = r"(?i)(?:UTC|GMT)?\s*[+-](?:\d{2}(?::?\d{2})?|\d)"


_ZONE_NAMES = "[" + ", ".join(f"'{z}'" for z in ZONE_OFFSETS) + "]"
_ZONE_MINUTES = "[" + ", ".join(str(m) for m in ZONE_OFFSETS.values()) + "]"

#: Temporary macros: ``cn_ct_time(text)`` is the UTC time of a CrowdTangle time string.
_MACROS: tuple[str, ...] = (
    # Minutes east of UTC named by a zone: an offset (+0100, -05:00, +5, GMT+1) or an
    # abbreviation of ZONE_OFFSETS; NULL otherwise.
    rf"""CREATE OR REPLACE TEMP MACRO cn_ct_zone_minutes(z) AS CASE
        WHEN regexp_full_match(z, '{_OFFSET_RE}')
        THEN (CASE WHEN contains(z, '-') THEN -1 ELSE 1 END)
             * (try_cast(regexp_extract(z, '[+-](\d{{1,2}})', 1) AS INTEGER) * 60
                + coalesce(try_cast(nullif(regexp_extract(z, '[+-]\d{{1,2}}:?(\d{{2}})', 1), '')
                                    AS INTEGER), 0))
        ELSE {_ZONE_MINUTES}[list_position({_ZONE_NAMES}, upper(z))] END""",
    # list_transform([x], lambda p: ...)[1] binds the split once (a macro argument used
    # several times would be re-evaluated, one regex per use).
    f"""CREATE OR REPLACE TEMP MACRO cn_ct_time(s) AS list_transform(
        [regexp_extract(trim(coalesce(s, '')), {_TIME_PARTS}, ['local', 'zone'])],
        lambda p: CASE
            WHEN p.local = '' THEN NULL
            WHEN p.zone = '' THEN try_cast(p.local AS TIMESTAMP)
            WHEN contains(p.zone, '/')
                THEN try_cast(try_cast(p.local || ' ' || p.zone AS TIMESTAMPTZ) AS TIMESTAMP)
            ELSE try_cast(p.local AS TIMESTAMP) - to_minutes(cn_ct_zone_minutes(p.zone))
        END)[1]""",
    # Link lists: one URL, or several separated by spaces, '|' or ', ' (also R's
    # c("a", "b") and JSON-ish ["a", "b"]); a scheme-less single value is kept as it is.
    r"""CREATE OR REPLACE TEMP MACRO cn_ct_links(s) AS CASE
        WHEN nullif(trim(coalesce(s, '')), '') IS NULL THEN []::VARCHAR[]
        WHEN regexp_matches(s, 'https?://') THEN regexp_extract_all(
            regexp_replace(s, ',\s*(https?://)', ' \1', 'g'), 'https?://[^\s"''<>|\[\]]+')
        ELSE [trim(s)] END""",
    # The post's own link(s) first, then any other URL written in its text; never the post's
    # own address (Instagram posts link to themselves).
    """CREATE OR REPLACE TEMP MACRO cn_ct_urls(links, t, own) AS list_filter(
        links || list_filter(cn_text_urls(t), lambda u: NOT list_contains(links, u)),
        lambda u: u IS DISTINCT FROM own)""",
)


def _key(name: str) -> str:
    """Column-name key: case, spaces, dots and underscores do not matter."""
    return re.sub(r"[\s._]+", "", name.lower())


class _Columns:
    """The columns of one file, looked up by :func:`_key`."""

    def __init__(self, src: SourceFile) -> None:
        self.by_key: dict[str, str] = {}
        for c in src.columns:
            self.by_key.setdefault(_key(c), c)

    def has(self, *names: str) -> bool:
        return all(_key(n) in self.by_key for n in names)

    def name(self, name: str) -> str | None:
        return self.by_key.get(_key(name))

    def raw(self, name: str) -> str:
        """The column as a SQL identifier, or a typed NULL when absent."""
        col = self.name(name)
        return '"' + col.replace('"', '""') + '"' if col else "NULL::VARCHAR"

    def text(self, *names: str) -> str:
        """The first non-empty value among ``names`` (trimmed), NULL if none."""
        parts = [f"nullif(trim({self.raw(n)}), '')" for n in names if self.name(n)]
        if not parts:
            return "NULL::VARCHAR"
        return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"

    def count(self, *names: str) -> str:
        """A count column (``1,234`` and ``1234.0`` spellings accepted) as BIGINT."""
        return f"try_cast(try_cast(replace({self.text(*names)}, ',', '') AS DOUBLE) AS BIGINT)"

    def label(self, name: str) -> str:
        """The column's name as written in the file, for messages."""
        return self.name(name) or name


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# Shapes: the columns that identify them and those a file of that shape cannot do without.
_UI_SIGNATURE = ("Post Created", "URL")
_UI_ACTOR = ("Facebook Id", "User Name")
_API_SIGNATURE = ("date", "platformId")
_API_ACTOR = ("account.platformId", "account.id")


def _shape(cols: _Columns) -> str | None:
    if (
        cols.has("date")
        and (cols.has("platformId") or cols.has("postUrl"))
        and any(cols.has(a) for a in (*_API_ACTOR, "account.url"))
    ):
        return "api"
    if cols.has(*_UI_SIGNATURE) and any(
        cols.has(a) for a in (*_UI_ACTOR, "Page Name", "Group Name", "Account")
    ):
        return "ui"
    return None


class CrowdTangle(Reader):
    """CrowdTangle post exports (UI historical-data CSV or flattened API table)."""

    name = "crowdtangle"
    description = "CrowdTangle Facebook/Instagram posts: UI export CSV or flattened API table"
    containers: ClassVar[tuple[str, ...]] = ("csv", "parquet")
    required_columns: ClassVar[tuple[str, ...]] = ("Post Created", "URL", "Facebook Id")
    #: Actors that appear only in actions are pages unless the data say otherwise.
    actor_kind: ClassVar[str] = "page"

    def sniff(self, src: SourceFile) -> float:
        if src.container not in self.containers:
            return 0.0
        return 1.0 if _shape(_Columns(src)) else 0.0

    def coverage(self, src: SourceFile) -> float:
        if src.container not in self.containers:
            return 0.0
        cols = _Columns(src)
        ui = (*_UI_SIGNATURE, _UI_ACTOR[0])
        api = (*_API_SIGNATURE, _API_ACTOR[0])
        return max(sum(cols.has(c) for c in s) / len(s) for s in (ui, api))

    def _check(self, src: SourceFile, cols: _Columns) -> str:
        """The file's shape, or :class:`MissingColumnsError` naming what is absent."""
        shape = _shape(cols)
        if shape:
            return shape
        api_like = cols.has("date") or any(k.startswith("account") for k in cols.by_key)
        if api_like:
            need = {
                "date": ("date",),
                "platformId": ("platformId", "postUrl"),
                "account.platformId": (*_API_ACTOR, "account.url"),
            }
        else:
            need = {
                "Post Created": ("Post Created",),
                "URL": ("URL",),
                "Facebook Id": (*_UI_ACTOR, "Page Name", "Group Name", "Account"),
            }
        missing = [k for k, alts in need.items() if not any(cols.has(a) for a in alts)]
        raise MissingColumnsError(
            src.display, self.name, missing, {c: closest_columns(c, src.columns) for c in missing}
        )

    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        cols = _Columns(src)
        shape = self._check(src, cols)
        for macro in _MACROS:
            engine.execute(macro)
        select = _ui_select(cols) if shape == "ui" else _api_select(cols)
        # Aliases are reused within the SELECT (DuckDB allows it); the cn_ prefix keeps them
        # from being shadowed by a source column of the same name.
        engine.execute(
            f"""CREATE OR REPLACE TEMP TABLE cn_ct AS
            SELECT cn_record + 1 AS source_line, {select},
                   cn_ct_time(cn_time_text) AS cn_time,
                   CASE WHEN cn_action_id IS NULL OR cn_actor_id IS NULL OR cn_time IS NULL
                        THEN to_json(r)::VARCHAR END AS raw
            FROM {table_scan(src)} AS r""",
            on_progress=options.get("on_progress"),
        )
        number_records(engine, "cn_ct")
        if shape == "ui":
            time_label, id_label = cols.label("Post Created"), cols.label("URL")
            actor_label = " and ".join(cols.label(a) for a in _UI_ACTOR)
        else:
            time_label = cols.label("date")
            id_label = " and ".join(cols.label(a) for a in ("platformId", "id", "postUrl"))
            actor_label = " and ".join(cols.label(a) for a in _API_ACTOR)
        bad_time = _sql_str(f"bad time: field {time_label} = '")
        engine.execute(
            f"""INSERT INTO cn_stage_actions BY NAME
            SELECT source_line, cn_action_id AS action_id, cn_actor_id AS actor_id, platform,
                   cn_time AS time, 'field' AS time_source, 'post' AS kind, text, lang,
                   cn_ct_urls(links, text, post_url) AS urls_raw,
                   cn_text_hashtags(text) AS hashtags_raw,
                   cn_text_mentions(text) AS mentions,
                   json_merge_patch('{{}}', json_merge_patch(
                       extra, json_object('time_text', cn_time_text))) AS extra,
                   raw,
                   CASE WHEN cn_action_id IS NULL
                            THEN {_sql_str(f"missing id: field {id_label} is empty")}
                        WHEN cn_actor_id IS NULL
                            THEN {_sql_str(f"missing actor: field {actor_label} is empty")}
                        WHEN cn_time_text IS NULL
                            THEN {_sql_str(f"bad time: field {time_label} is empty")}
                        WHEN cn_time IS NULL
                            THEN {bad_time} || cn_time_text
                                 || ''' is not a date-time with a known time zone'
                   END AS reject_reason
            FROM cn_ct"""
        )
        engine.execute(
            """INSERT INTO cn_stage_actors BY NAME
            SELECT cn_actor_id AS actor_id, platform,
                   arg_max(actor_kind, source_line) AS actor_kind,
                   max(source_line) AS source_line,
                   arg_max(handle, cn_at) FILTER (WHERE handle IS NOT NULL) AS handle,
                   arg_max(display_name, cn_at)
                       FILTER (WHERE display_name IS NOT NULL) AS display_name,
                   min(created_at) AS created_at,
                   arg_max(followers, cn_at) FILTER (WHERE followers IS NOT NULL) AS followers,
                   arg_max(description, cn_at)
                       FILTER (WHERE description IS NOT NULL) AS description,
                   arg_max(location, cn_at) FILTER (WHERE location IS NOT NULL) AS location,
                   bool_or(verified) AS verified,
                   json_merge_patch('{}', arg_max(actor_extra, cn_at)) AS extra
            FROM (SELECT *, (coalesce(cn_time, TIMESTAMP '1970-01-01'), source_line) AS cn_at
                  FROM cn_ct)
            WHERE cn_actor_id IS NOT NULL GROUP BY cn_actor_id, platform"""
        )
        n = engine.scalar("SELECT count(*) FROM cn_ct")
        engine.execute("DROP TABLE cn_ct")
        n += collect_scan_rejects(engine, src)
        notes = [f"CrowdTangle {'UI export' if shape == 'ui' else 'API table'} shape"]
        return Staged(n_records=n, notes=notes)


def _ui_select(c: _Columns) -> str:
    """Columns of the CrowdTangle UI "historical data" export."""
    is_group = c.has("Group Name") or c.has("Members at Posting")
    is_instagram = c.has("Account") and not (c.has("Page Name") or is_group)
    # Instagram exports have no Message column: the caption is in Description.
    text = c.text("Message") if c.has("Message") else c.text("Description")
    default_platform = "instagram" if is_instagram else "facebook"
    kind = "group" if is_group else ("profile" if is_instagram else "page")
    url = c.text("URL")
    reactions = ", ".join(
        f"'{k.lower()}', {c.count(k)}"
        for k in ("Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care")
    )
    score = next((col for k, col in c.by_key.items() if k.startswith("overperformingscore")), None)
    return f"""
        {url} AS cn_action_id,
        {url} AS post_url,
        {c.text(*_UI_ACTOR)} AS cn_actor_id,
        CASE WHEN {url} ILIKE '%instagram.com/%' THEN 'instagram'
             WHEN {url} ILIKE '%facebook.com/%' THEN 'facebook'
             ELSE '{default_platform}' END AS platform,
        {c.text("Post Created")} AS cn_time_text,
        {text} AS text,
        NULL::VARCHAR AS lang,
        cn_ct_links(coalesce({c.text("Final Link")}, {c.text("Link")})) AS links,
        json_object(
            'type', {c.text("Type")}, 'post_url', {url},
            'link', {c.text("Link")}, 'final_link', {c.text("Final Link")},
            'link_text', {c.text("Link Text")},
            'description', {c.text("Description") if c.has("Message") else "NULL"},
            'image_text', {c.text("Image Text")}, 'title', {c.text("Title")},
            'is_reshare', {c.text("Link Text")} = {_sql_str(_RESHARE_TITLE)},
            'total_interactions', {c.count("Total Interactions")}, {reactions},
            'post_views', {c.count("Post Views")}, 'total_views', {c.count("Total Views")},
            'video_length', {c.text("Video Length")},
            'sponsor_id', {c.text("Sponsor Id")}, 'sponsor_name', {c.text("Sponsor Name")},
            'overperforming_score',
                {f"try_cast(nullif(trim({c.raw(score)}), '') AS DOUBLE)" if score else "NULL"}
        ) AS extra,
        '{kind}' AS actor_kind,
        {c.text("User Name")} AS handle,
        {c.text("Page Name", "Group Name", "Account")} AS display_name,
        cn_ct_time({c.text("Page Created")}) AS created_at,
        {c.count("Followers at Posting", "Likes at Posting", "Members at Posting")} AS followers,
        {c.text("Page Description")} AS description,
        {c.text("Page Admin Top Country")} AS location,
        NULL::BOOLEAN AS verified,
        json_object(
            'page_category', {c.text("Page Category")},
            'likes_at_posting', {c.count("Likes at Posting")},
            'followers_at_posting', {c.count("Followers at Posting")},
            'members_at_posting', {c.count("Members at Posting")}
        ) AS actor_extra"""


def _api_select(c: _Columns) -> str:
    """Columns of the CrowdTangle API posts table, flattened (CooRnet's input)."""
    kinds = " ".join(f"WHEN '{t}' THEN '{k}'" for t, k in _ACCOUNT_KINDS.items())
    account_type = f"lower({c.text('account.accountType')})"
    stats = ", ".join(
        f"'{k.removesuffix('Count').lower()}_count', {c.count('statistics.actual.' + k)}"
        for k in (
            "likeCount", "shareCount", "commentCount", "loveCount", "wowCount", "hahaCount",
            "sadCount", "angryCount", "thankfulCount", "careCount",
        )
    )  # fmt: skip
    links = (
        f"coalesce(nullif(cn_ct_links({c.text('expandedLinks.expanded')}), []), "
        f"nullif(cn_ct_links({c.text('expandedLinks.original')}), []), "
        f"cn_ct_links({c.text('link')}))"
    )
    if c.has("expandedLinks") and not c.has("expandedLinks.expanded"):
        # The nested list kept as JSON: [{"original": ..., "expanded": ...}, ...].
        nested = c.text("expandedLinks")
        links = (
            f"coalesce(nullif(CASE WHEN json_valid({nested}) THEN list_filter("
            f"json_extract_string({nested}, '$[*].expanded'), lambda u: u IS NOT NULL) END,"
            f" []), cn_ct_links({c.text('link')}))"
        )
    platform = c.text("platform", "account.platform")
    return f"""
        {c.text("platformId", "id", "postUrl")} AS cn_action_id,
        {c.text("postUrl")} AS post_url,
        {c.text(*_API_ACTOR)} AS cn_actor_id,
        coalesce(lower({platform}),
                 CASE WHEN {account_type} LIKE 'instagram%' THEN 'instagram' END,
                 'facebook') AS platform,
        {c.text("date")} AS cn_time_text,
        {c.text("message")} AS text,
        {c.text("languageCode")} AS lang,
        {links} AS links,
        json_object(
            'type', {c.text("type")}, 'post_url', {c.text("postUrl")},
            'ct_id', {c.text("id")}, 'link', {c.text("link")},
            'title', {c.text("title")}, 'caption', {c.text("caption")},
            'description', {c.text("description")}, 'image_text', {c.text("imageText")},
            'is_reshare', {c.text("title")} = {_sql_str(_RESHARE_TITLE)},
            'updated', {c.text("updated")},
            'score', try_cast({c.text("score")} AS DOUBLE),
            'subscriber_count', {c.count("subscriberCount")}, {stats}
        ) AS extra,
        coalesce(CASE {account_type} {kinds} END, {account_type}, 'page') AS actor_kind,
        {c.text("account.handle")} AS handle,
        {c.text("account.name")} AS display_name,
        cn_ct_time({c.text("account.pageCreatedDate")}) AS created_at,
        {c.count("account.subscriberCount", "subscriberCount")} AS followers,
        {c.text("account.pageDescription")} AS description,
        {c.text("account.pageAdminTopCountry")} AS location,
        lower({c.text("account.verified")}) IN ('true', 't', '1', 'yes') AS verified,
        json_object(
            'profile_url', {c.text("account.url")}, 'ct_account_id', {c.text("account.id")},
            'account_type', {c.text("account.accountType")},
            'page_category', {c.text("account.pageCategory")}
        ) AS actor_extra"""
