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

#: Query parameters that only track the click, never select the content (and ``utm_*``).
TRACKING_PARAMS: tuple[str, ...] = (
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

_TRACKING_SQL = ", ".join(f"'{p}'" for p in TRACKING_PARAMS)
_SHORTENERS_SQL = ", ".join(f"'{h}'" for h in SHORTENER_HOSTS)

#: Macros installed (as TEMP macros) on every connection to a store.
MACROS_SQL: tuple[str, ...] = (
    # URL parsing with split_part/strpos rather than a capturing regex, and macros that use
    # each argument once or twice: DuckDB expands macros textually, and inside a list lambda
    # it does not merge the repeated subexpressions, so callers apply these to flat columns.
    # "scheme://[userinfo@]host[:port]/path?query#fragment"; u is trimmed by the caller. A
    # string without "scheme://" is parsed as "host/path?query".
    """CREATE OR REPLACE TEMP MACRO cn_url_off(u) AS
        if(strpos(u, '://') > 0, strpos(u, '://') + 3, 1)""",
    "CREATE OR REPLACE TEMP MACRO cn_url_rest(u) AS split_part(substr(u, cn_url_off(u)), '#', 1)",
    """CREATE OR REPLACE TEMP MACRO cn_url_authority(r) AS
        split_part(split_part(r, '?', 1), '/', 1)""",
    r"""CREATE OR REPLACE TEMP MACRO cn_norm_host(a) AS regexp_replace(regexp_replace(
        rtrim(lower(split_part(a, '@', -1)), '.'), '^www\.', ''), ':(80|443)$', '')""",
    "CREATE OR REPLACE TEMP MACRO cn_url_host(u) AS cn_norm_host(cn_url_authority(cn_url_rest(u)))",
    """CREATE OR REPLACE TEMP MACRO cn_url_path(r) AS
        rtrim(substr(split_part(r, '?', 1), length(cn_url_authority(r)) + 1), '/')""",
    f"""CREATE OR REPLACE TEMP MACRO cn_is_tracking(k) AS
        starts_with(k, 'utm_') OR k IN ({_TRACKING_SQL})""",
    """CREATE OR REPLACE TEMP MACRO cn_norm_query(q) AS
        coalesce('?' || nullif(array_to_string(list_sort(list_filter(string_split(q, '&'),
            lambda x: x <> '' AND NOT cn_is_tracking(lower(split_part(x, '=', 1))))),
            '&'), ''), '')""",
    """CREATE OR REPLACE TEMP MACRO cn_url_query(r) AS
        cn_norm_query(substr(r, length(split_part(r, '?', 1)) + 2))""",
    """CREATE OR REPLACE TEMP MACRO cn_norm_url_trimmed(u) AS nullif(
        lower(substr(u, 1, cn_url_off(u) - 1)) || cn_url_host(u)
        || cn_url_path(cn_url_rest(u)) || cn_url_query(cn_url_rest(u)), '')""",
    # The domain of an absolute URL; a string without "scheme://" has none.
    """CREATE OR REPLACE TEMP MACRO cn_url_domain_trimmed(u) AS
        if(contains(u, '://'), nullif(cn_url_host(u), ''), NULL)""",
    "CREATE OR REPLACE TEMP MACRO cn_norm_url(u) AS cn_norm_url_trimmed(trim(u))",
    "CREATE OR REPLACE TEMP MACRO cn_url_domain(u) AS cn_url_domain_trimmed(trim(u))",
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
