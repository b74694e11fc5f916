"""Twitter's information-operations archives (the public disclosure CSVs), tweets and users.

Since 2018 Twitter published the accounts it removed for state-backed information operations
as ``*_tweets_csv_hashed.csv`` / ``*_users_csv_hashed.csv`` files. Accounts with fewer than
5,000 followers have ``userid``, ``user_screen_name`` and ``user_display_name`` replaced by a
hash; coordnet keeps those strings as ids and marks the actor ``is_hashed_id``.

``tweet_time`` has minute resolution. Tweet ids issued since 2010-11-04 are Twitter
*snowflakes* that carry the creation time in milliseconds, so when the id's time falls in the
minute ``tweet_time`` names, the exact time is used and ``time_source`` says ``snowflake``;
otherwise ``time_source`` is ``field``. List columns (``hashtags``, ``urls``,
``user_mentions``) are read in the archives' ``[a, b]`` and ``['a', 'b']`` spellings.
Files with or without newer columns (``poll_choices``, ``quote_count``...) are accepted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from coordnet.engine import DuckDBEngine
from coordnet.ingest._base import Reader, Staged
from coordnet.ingest.scan import collect_scan_rejects, number_records, table_scan
from coordnet.ingest.source import SourceFile

__all__ = ["TWEET_COLUMNS", "USER_COLUMNS", "TwitterIOTweets", "TwitterIOUsers"]

#: Columns of the archives' ``*_tweets_csv_hashed.csv``, in their order (``poll_choices`` came
#: in the 2020 releases); what ``coordnet disclose`` writes and the simulator imitates.
TWEET_COLUMNS: tuple[str, ...] = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location",
    "user_profile_description", "user_profile_url", "follower_count", "following_count",
    "account_creation_date", "account_language", "tweet_language", "tweet_text", "tweet_time",
    "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count",
    "reply_count", "like_count", "retweet_count", "hashtags", "urls", "user_mentions",
    "poll_choices",
)  # fmt: skip
#: Columns of ``*_users_csv_hashed.csv``: the account fields of the tweets file.
USER_COLUMNS: tuple[str, ...] = TWEET_COLUMNS[1:11]

_HASHED_ID = "regexp_full_match(userid, '[0-9a-f]{32,64}')"


def _col(src: SourceFile, name: str) -> str:
    """The column as a SQL identifier, or NULL when this file lacks it."""
    for c in src.columns:
        if c.lower() == name:
            return '"' + c.replace('"', '""') + '"'
    return "NULL::VARCHAR"


def _nonempty(expr: str) -> str:
    return f"nullif(trim({expr}), '')"


def _timestamp(expr: str) -> str:
    """Parse a date or date-time; an explicit UTC offset is honoured, none means UTC."""
    return f"try_cast(try_cast(trim({expr}) AS TIMESTAMPTZ) AS TIMESTAMP)"


#: Profile fields of the archive: canonical name -> source column.
_USER_FIELDS: dict[str, str] = {
    "handle": "user_screen_name",
    "display_name": "user_display_name",
    "created_at": "account_creation_date",
    "followers": "follower_count",
    "following": "following_count",
    "description": "user_profile_description",
    "location": "user_reported_location",
    "lang": "account_language",
    "profile_url": "user_profile_url",
}


def _user_columns_from(prefix: str) -> str:
    """Typed profile columns from raw text columns named ``{prefix}{field}``."""
    p = prefix
    return f"""
        {_nonempty(p + "handle")} AS handle,
        {_nonempty(p + "display_name")} AS display_name,
        {_timestamp(p + "created_at")} AS created_at,
        try_cast(try_cast({p}followers AS DOUBLE) AS BIGINT) AS followers,
        try_cast(try_cast({p}following AS DOUBLE) AS BIGINT) AS following,
        {_nonempty(p + "description")} AS description,
        {_nonempty(p + "location")} AS location,
        {_nonempty(p + "lang")} AS lang,
        {_nonempty(p + "profile_url")} AS profile_url"""


def _raw_user_columns(src: SourceFile, prefix: str = "u_") -> str:
    """The profile columns as read (text), renamed ``{prefix}{field}``."""
    return ", ".join(f"{_col(src, col)} AS {prefix}{name}" for name, col in _USER_FIELDS.items())


class TwitterIOTweets(Reader):
    """Tweet files of Twitter's information-operations archive."""

    name = "twitter-io"
    description = "Twitter information-operations archive, tweet file (CSV)"
    containers: ClassVar[tuple[str, ...]] = ("csv", "parquet")
    required_columns: ClassVar[tuple[str, ...]] = ("tweetid", "userid", "tweet_time")
    signature_columns: ClassVar[tuple[str, ...]] = ("tweetid", "userid", "tweet_time", "is_retweet")

    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        self.check_columns(src)
        c = lambda n: _col(src, n)  # noqa: E731
        field_time = _timestamp(c("tweet_time"))
        on_progress = options.get("on_progress")
        is_snowflake = (
            "id_time >= field_time - INTERVAL 1 SECOND "
            "AND id_time < field_time + INTERVAL 60 SECOND"
        )
        # One pass from the file straight into the staging table (the user columns ride along
        # as u_* and are aggregated into actors below): each extra copy of a million rows
        # costs about a second.
        engine.execute(
            f"""CREATE OR REPLACE TEMP TABLE cn_stage_actions AS
            SELECT action_id, actor_id, 'twitter' AS platform,
                   CASE WHEN {is_snowflake} THEN id_time ELSE field_time END AS time,
                   CASE WHEN {is_snowflake} THEN 'snowflake' ELSE 'field' END AS time_source,
                   CASE WHEN is_rt THEN 'repost' WHEN reply_id IS NOT NULL THEN 'reply'
                        WHEN quote_id IS NOT NULL THEN 'quote' ELSE 'post' END AS kind,
                   text, lang, client,
                   CASE WHEN is_rt THEN rt_id WHEN reply_id IS NOT NULL THEN reply_id
                        ELSE quote_id END AS parent_id,
                   CASE WHEN is_rt THEN rt_user WHEN reply_id IS NOT NULL THEN reply_user
                        END AS parent_actor_id,
                   urls_raw, hashtags_raw, mentions, NULL::VARCHAR[] AS media_hashes,
                   NULL::VARCHAR AS group_id, extra::JSON AS extra, source_line,
                   CASE WHEN action_id IS NULL THEN 'missing id: field {c("tweetid")} is empty'
                        WHEN actor_id IS NULL THEN 'missing actor: field {c("userid")} is empty'
                        WHEN field_time IS NULL THEN 'bad time: field {c("tweet_time")} = '''
                             || coalesce(time_text, '') || ''' is not a date-time'
                        WHEN is_rt AND rt_id IS NULL
                             THEN 'missing parent: retweet without field retweet_tweetid'
                   END AS reject_reason,
                   raw, u_handle, u_display_name, u_created_at, u_followers, u_following,
                   u_description, u_location, u_lang, u_profile_url
            FROM (
            SELECT cn_record + 1 AS source_line,
                   {_nonempty(c("tweetid"))} AS action_id,
                   {_nonempty(c("userid"))} AS actor_id,
                   tweet_time AS time_text,
                   {field_time} AS field_time,
                   epoch_ms(cn_snowflake_ms(tweetid)) AS id_time,
                   lower(trim(coalesce({c("is_retweet")}, ''))) IN ('true', '1', 'yes', 't')
                       AS is_rt,
                   {_nonempty(c("retweet_tweetid"))} AS rt_id,
                   {_nonempty(c("retweet_userid"))} AS rt_user,
                   {_nonempty(c("in_reply_to_tweetid"))} AS reply_id,
                   {_nonempty(c("in_reply_to_userid"))} AS reply_user,
                   {_nonempty(c("quoted_tweet_tweetid"))} AS quote_id,
                   {c("tweet_text")} AS text,
                   {_nonempty(c("tweet_language"))} AS lang,
                   {_nonempty(c("tweet_client_name"))} AS client,
                   cn_split_list({c("urls")}) AS urls_raw,
                   cn_split_list({c("hashtags")}) AS hashtags_raw,
                   cn_split_list({c("user_mentions")}) AS mentions,
                   -- merge_patch onto {{}} drops null members: smaller rows, faster writes
                   json_merge_patch('{{}}', json_object(
                               'latitude', try_cast({c("latitude")} AS DOUBLE),
                               'longitude', try_cast({c("longitude")} AS DOUBLE),
                               'like_count', try_cast({c("like_count")} AS BIGINT),
                               'retweet_count', try_cast({c("retweet_count")} AS BIGINT),
                               'reply_count', try_cast({c("reply_count")} AS BIGINT),
                               'quote_count', try_cast({c("quote_count")} AS BIGINT),
                               'poll_choices', {_nonempty(c("poll_choices"))})) AS extra,
                   {_raw_user_columns(src)},
                   CASE WHEN {_nonempty(c("tweetid"))} IS NULL OR {_nonempty(c("userid"))} IS NULL
                             OR {field_time} IS NULL THEN to_json(r)::VARCHAR END AS raw
            FROM {table_scan(src)} AS r)""",
            on_progress=on_progress,
        )
        number_records(engine, "cn_stage_actions")
        engine.execute(
            f"""INSERT INTO cn_stage_actors BY NAME
            SELECT actor_id, 'twitter' AS platform, 'account' AS actor_kind, source_line,
                   * EXCLUDE (actor_id, source_line, is_hashed_id, profile_url), is_hashed_id,
                   json_object('profile_url', profile_url) AS extra
            FROM (SELECT actor_id, source_line, is_hashed_id, {_user_columns_from("u_")}
            FROM (SELECT actor_id, max(source_line) AS source_line,
                         {", ".join(f"arg_max(u_{n}, source_line) AS u_{n}" for n in _USER_FIELDS)},
                         bool_or({_HASHED_ID.replace("userid", "actor_id")}) AS is_hashed_id
                  FROM cn_stage_actions WHERE actor_id IS NOT NULL GROUP BY actor_id))"""
        )
        n = engine.scalar("SELECT count(*) FROM cn_stage_actions")
        n += collect_scan_rejects(engine, src)
        return Staged(n_records=n)


class TwitterIOUsers(Reader):
    """User files of Twitter's information-operations archive (one row per account)."""

    name = "twitter-io-users"
    description = "Twitter information-operations archive, user file (CSV)"
    containers: ClassVar[tuple[str, ...]] = ("csv", "parquet")
    required_columns: ClassVar[tuple[str, ...]] = ("userid", "user_screen_name")
    signature_columns: ClassVar[tuple[str, ...]] = (
        "userid", "user_screen_name", "account_creation_date",
    )  # fmt: skip
    excluded_columns: ClassVar[tuple[str, ...]] = ("tweetid",)

    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        self.check_columns(src)
        c = lambda n: _col(src, n)  # noqa: E731
        engine.execute(
            f"""CREATE OR REPLACE TEMP TABLE cn_io_users AS
            SELECT cn_record + 1 AS source_line, cn_uid AS actor_id, 'twitter' AS platform,
                   'account' AS actor_kind, handle, display_name, created_at, followers,
                   following, description, location, lang,
                   {_HASHED_ID.replace("userid", "cn_uid")} AS is_hashed_id,
                   json_object('profile_url', profile_url) AS extra,
                   CASE WHEN cn_uid IS NULL
                        THEN 'missing id: field {c("userid")} is empty' END AS reject_reason
            FROM (SELECT cn_record, cn_uid, {_user_columns_from("u_")}
                  FROM (SELECT cn_record, {_nonempty(c("userid"))} AS cn_uid,
                               {_raw_user_columns(src)} FROM {table_scan(src)}))""",
            on_progress=options.get("on_progress"),
        )
        number_records(engine, "cn_io_users")
        engine.execute("INSERT INTO cn_stage_actors BY NAME SELECT * FROM cn_io_users")
        engine.execute("DROP TABLE cn_io_users")
        n = engine.scalar("SELECT count(*) FROM cn_stage_actors")
        n += collect_scan_rejects(engine, src)
        return Staged(n_records=n)
