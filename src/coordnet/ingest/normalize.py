"""Normalisation applied at ingest, written as DuckDB SQL macros so it runs at scan speed.

What is normalised, and why (the analyst must be able to say what "same URL" meant):

* **URLs** (``cn_norm_url``): scheme and host lower-cased, ``www.`` and default ports dropped,
  fragment dropped, tracking parameters removed (``utm_*``, ``fbclid``, ``gclid`` and friends,
  see :data:`TRACKING_PARAMS`), remaining query parameters sorted, trailing slashes removed.
  Paths keep their case (servers treat them case-sensitively). Links on known shorteners
  (:data:`SHORTENER_HOSTS`) are normalised the same way but cannot be expanded offline, so the
  action is flagged ``has_short_url``: two different short links may hide one article.
* **Domains** (``cn_url_domain``): the normalised host, for the weaker co-domain signal.
* **Hashtags** (``cn_fold_tag``): ``#`` stripped and lower-cased; the original spelling is kept
  in ``hashtags_raw``.
* **Text fingerprint** (``cn_text_fingerprint``): MD5 of the text lower-cased, without a leading
  ``RT @user:``, without URLs (t.co wrappers differ per post), with whitespace collapsed. Equal
  fingerprints mean copy-paste text; empty text has no fingerprint.
* **Twitter snowflake ids** (``cn_snowflake_ms``): ids issued since 2010-11-04 carry their
  creation time in milliseconds; the information-operations archives give minute-resolution
  times, so readers derive the exact time from the id when the two agree.
"""

from __future__ import annotations

__all__ = [
    "MACROS_SQL",
    "SHORTENER_HOSTS",
    "SNOWFLAKE_EPOCH_MS",
    "TRACKING_PARAMS",
]

#: Query parameters that only track the click, never select the content.
TRACKING_PARAMS: tuple[str, ...] = (
    "utm_[a-z_]+",
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "ref_src",
    "ref_url",
    "cmpid",
    "ocid",
    "__twitter_impression",
    "at_medium",
    "at_campaign",
    "cn_ref",
)

#: Hosts of link shorteners; their links are kept as-is and flagged (no network at ingest).
SHORTENER_HOSTS: tuple[str, ...] = (
    "t.co",
    "bit.ly",
    "bitly.com",
    "goo.gl",
    "ow.ly",
    "tinyurl.com",
    "buff.ly",
    "dlvr.it",
    "ift.tt",
    "fb.me",
    "trib.al",
    "is.gd",
    "j.mp",
    "lnkd.in",
    "wp.me",
    "tiny.cc",
    "shorturl.at",
    "rebrand.ly",
    "cutt.ly",
    "t.ly",
    "soo.gd",
    "s.id",
    "rb.gy",
    "youtu.be",
    "amzn.to",
    "po.st",
    "u.to",
    "v.gd",
    "x.co",
    "bl.ink",
)

#: Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
SNOWFLAKE_EPOCH_MS = 1288834974657

_TRACKING_RE = "^(" + "|".join(TRACKING_PARAMS) + ")$"
_SHORTENERS_SQL = ", ".join(f"'{h}'" for h in SHORTENER_HOSTS)

#: Macros installed (as TEMP macros) on every connection to a store.
MACROS_SQL: tuple[str, ...] = (
    # Split an absolute URL into its parts; relative or scheme-less strings give NULL parts.
    r"""CREATE OR REPLACE TEMP MACRO cn_url_parts(u) AS regexp_extract(
        trim(u), '^([A-Za-z][A-Za-z0-9+.\-]*)://(?:[^@/?#]*@)?([^/?#]*)([^?#]*)(?:\?([^#]*))?',
        ['scheme', 'host', 'path', 'query'])""",
    r"""CREATE OR REPLACE TEMP MACRO cn_norm_host(h) AS regexp_replace(regexp_replace(
        rtrim(lower(h), '.'), '^www\.', ''), ':(80|443)$', '')""",
    f"""CREATE OR REPLACE TEMP MACRO cn_norm_query(q) AS CASE
        WHEN q = '' THEN ''
        ELSE coalesce('?' || nullif(array_to_string(list_sort(list_filter(
            string_split(q, '&'),
            lambda x: x <> ''
                AND NOT regexp_matches(lower(split_part(x, '=', 1)), '{_TRACKING_RE}'))),
            '&'), ''), '') END""",
    # list_transform([x], lambda p: ...)[1] binds p once: a macro argument used several
    # times would otherwise be re-evaluated (one regex parse per use).
    """CREATE OR REPLACE TEMP MACRO cn_url_info(u) AS CASE
        WHEN u IS NULL OR trim(u) = '' THEN NULL
        ELSE list_transform([cn_url_parts(u)], lambda p: CASE
            WHEN p.scheme = '' THEN struct_pack(url := trim(u), domain := NULL::VARCHAR)
            ELSE list_transform([cn_norm_host(p.host)], lambda h: struct_pack(
                url := lower(p.scheme) || '://' || h || regexp_replace(p.path, '/+$', '')
                       || cn_norm_query(p.query),
                domain := nullif(h, '')))[1] END)[1] END""",
    "CREATE OR REPLACE TEMP MACRO cn_norm_url(u) AS cn_url_info(u).url",
    "CREATE OR REPLACE TEMP MACRO cn_url_domain(u) AS cn_url_info(u).domain",
    f"CREATE OR REPLACE TEMP MACRO cn_is_short_domain(d) AS d IN ({_SHORTENERS_SQL})",
    # Strip list syntax as the archives write it: "[a, b]", "['a', 'b']", "a,b"; '' -> [].
    """CREATE OR REPLACE TEMP MACRO cn_split_list(s) AS CASE
        WHEN s IS NULL OR s = '' OR s = '[]' THEN []::VARCHAR[]
        ELSE list_filter(list_transform(string_split(
            CASE WHEN starts_with(s, '[') AND ends_with(s, ']') THEN substr(s, 2, length(s) - 2)
                 ELSE s END, ','), lambda x: trim(x, ' ''"')), lambda x: x <> '') END""",
    "CREATE OR REPLACE TEMP MACRO cn_fold_tag(t) AS lower(ltrim(trim(t), '#'))",
    r"""CREATE OR REPLACE TEMP MACRO cn_text_norm(t) AS nullif(trim(regexp_replace(
        regexp_replace(lower(t), '^rt @\w+:?', ''), '(?:https?://\S+|\s)+', ' ', 'g')), '')""",
    "CREATE OR REPLACE TEMP MACRO cn_text_fingerprint(t) AS md5(cn_text_norm(t))",
    f"""CREATE OR REPLACE TEMP MACRO cn_snowflake_ms(id) AS CASE
        WHEN regexp_full_match(coalesce(id, ''), '[0-9]{{15,20}}')
             AND try_cast(id AS UBIGINT) >= 300000000000000
        THEN (try_cast(id AS UBIGINT) >> 22)::BIGINT + {SNOWFLAKE_EPOCH_MS} END""",
    # Hashtags, URLs and @handles found in free text, for sources without entity fields.
    r"""CREATE OR REPLACE TEMP MACRO cn_text_hashtags(t) AS
        regexp_extract_all(coalesce(t, ''),
            '(?:^|[^\p{L}\p{N}_&/])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)', 1)""",
    r"""CREATE OR REPLACE TEMP MACRO cn_text_urls(t) AS
        list_transform(regexp_extract_all(coalesce(t, ''), 'https?://[^\s<>"''\]\[]+'),
            lambda x: rtrim(x, '.,;:!?)…'))""",
    r"""CREATE OR REPLACE TEMP MACRO cn_text_mentions(t) AS list_transform(
        regexp_extract_all(coalesce(t, ''), '(?:^|[^\w@])@(\w{1,30})', 1), lambda x: lower(x))""",
    r"""CREATE OR REPLACE TEMP MACRO cn_rt_handle(t) AS
        nullif(lower(regexp_extract(coalesce(t, ''), '^RT @(\w{1,30}):', 1)), '')""",
)
