"""Session / login rows: which actor reached the platform from where, and with what.

Platforms' internal data behind takedowns (Twitter's 2019 Hong Kong note: "specific
unblocked IP addresses" in one country, many through VPNs) is not in the public archives,
but investigators inside a platform have it, and coordnet's simulator writes it. The format
is a plain CSV with a header: ``actor_id, time, ip`` required; ``asn, country, is_vpn,
device_id, user_agent, platform`` optional. ``platform`` defaults to ``twitter``, matching
the actors of the information-operations archives.
"""

from __future__ import annotations

from typing import Any, ClassVar

from coordnet.engine import DuckDBEngine
from coordnet.ingest._base import Reader, Staged
from coordnet.ingest.scan import collect_scan_rejects, number_records, table_scan
from coordnet.ingest.source import SourceFile

__all__ = ["SessionsCSV"]


class SessionsCSV(Reader):
    """Session rows (``actor_id, time, ip, ...``) into the ``sessions`` table."""

    name = "sessions"
    description = "Session/login rows: actor_id, time, ip (+ asn, country, is_vpn, device, agent)"
    containers: ClassVar[tuple[str, ...]] = ("csv", "parquet")
    required_columns: ClassVar[tuple[str, ...]] = ("actor_id", "time", "ip")

    def stage(self, engine: DuckDBEngine, src: SourceFile, options: dict[str, Any]) -> Staged:
        self.check_columns(src)
        present = {c.lower(): c for c in src.columns}

        def col(name: str) -> str:
            found = present.get(name)
            return f"nullif(trim(\"{found}\"), '')" if found else "NULL::VARCHAR"

        time_sql = f"try_cast(try_cast({col('time')} AS TIMESTAMPTZ) AS TIMESTAMP)"
        engine.execute(
            f"""CREATE OR REPLACE TEMP TABLE cn_sess AS
            SELECT * EXCLUDE (cn_row),
                   CASE WHEN reject_reason IS NOT NULL THEN to_json(cn_row)::VARCHAR END AS raw
            FROM (
            SELECT cn_record + 1 AS source_line, {col("actor_id")} AS actor_id,
                   coalesce({col("platform")}, 'twitter') AS platform,
                   {time_sql} AS time, {col("ip")} AS ip, {col("asn")} AS asn,
                   {col("country")} AS country,
                   lower({col("is_vpn")}) IN ('true', 't', '1', 'yes') AS is_vpn,
                   {col("device_id")} AS device_id, {col("user_agent")} AS user_agent,
                   CASE WHEN {col("actor_id")} IS NULL
                             THEN 'missing actor: field actor_id is empty'
                        WHEN {time_sql} IS NULL
                             THEN 'bad time: field time = ''' || coalesce({col("time")}, '')
                                  || ''' is not a date-time'
                        WHEN {col("ip")} IS NULL THEN 'missing ip: field ip is empty' END
                       AS reject_reason,
                   r AS cn_row
            FROM {table_scan(src)} AS r)""",
            on_progress=options.get("on_progress"),
        )
        number_records(engine, "cn_sess")
        engine.execute("INSERT INTO cn_stage_sessions BY NAME SELECT * FROM cn_sess")
        n = engine.scalar("SELECT count(*) FROM cn_sess")
        engine.execute("DROP TABLE cn_sess")
        return Staged(n_records=n + collect_scan_rejects(engine, src))
