"""DuckDB -> Spark SQL translation, without Spark: statement kinds and the rewrites' shape.

What the translated SQL *computes* is checked against DuckDB on a real Spark session in
tests/signals/test_spark_parity.py; here, that each rewrite happens where it must.
"""

from __future__ import annotations

import pytest

pytest.importorskip("sqlglot", reason="the Spark engine's translation needs sqlglot (spark extra)")

from coordnet.engine.java_regex import java_regex, java_replacement
from coordnet.engine.spark_sql import SparkStatement, to_spark_sql, translate

COLUMNS = {"time": "timestamp", "urls": "array<string>", "text": "string", "k": "bigint"}


def test_statement_kinds() -> None:
    create, drop_a, drop_b, insert, query = translate(
        """CREATE OR REPLACE TEMP TABLE cn_x AS SELECT 1 AS a;
           DROP TABLE IF EXISTS cn_a, cn_b;
           INSERT INTO cn_x (a) SELECT 2;
           SELECT a FROM cn_x"""
    )
    assert create == SparkStatement("create", "SELECT 1 AS a", table="cn_x")
    assert (drop_a.kind, drop_a.table, drop_a.if_exists) == ("drop", "cn_a", True)
    assert (drop_b.kind, drop_b.table) == ("drop", "cn_b")
    assert (insert.kind, insert.table, insert.columns, insert.sql) == (
        "insert", "cn_x", ("a",), "SELECT 2",
    )  # fmt: skip
    assert query == SparkStatement("query", "SELECT a FROM cn_x")
    assert translate("DROP TABLE cn_gone")[0].if_exists is False


def test_epoch_ms_goes_both_ways_by_type() -> None:
    sql = to_spark_sql("SELECT epoch_ms(time) AS ms, epoch_ms(k * 30000) AS t FROM a", COLUMNS)
    assert "UNIX_MILLIS(time) AS ms" in sql
    assert "TIMESTAMP_MILLIS(k * 30000) AS t" in sql
    # An alias of the same statement is typed too: ms is a number, so this is a timestamp.
    nested = to_spark_sql("SELECT epoch_ms(ms) FROM (SELECT epoch_ms(time) AS ms FROM a)", COLUMNS)
    assert nested.startswith("SELECT TIMESTAMP_MILLIS(ms)")


def test_epoch_keeps_fractions_of_a_second() -> None:
    assert to_spark_sql("SELECT epoch(time) FROM a", COLUMNS) == (
        "SELECT CAST(UNIX_MICROS(time) AS DOUBLE) / 1000000 FROM a"
    )


def test_len_is_size_of_a_list_and_length_of_a_string() -> None:
    sql = to_spark_sql("SELECT len(urls), len(text), len(list_distinct(urls)) FROM a", COLUMNS)
    assert sql == (
        "SELECT SIZE(urls), LENGTH(text), SIZE(ARRAY_COMPACT(ARRAY_DISTINCT(urls))) FROM a"
    )


def test_division_is_double_division() -> None:
    sql = to_spark_sql("SELECT k / 1000.0, k * 1.0 / 2 FROM a", COLUMNS)
    assert sql == "SELECT CAST(k AS DOUBLE) / 1000.0, CAST(k * 1.0 AS DOUBLE) / 2 FROM a"


def test_ranges_are_guarded_against_counting_down() -> None:
    sql = to_spark_sql("SELECT unnest(range(a, b)), unnest(generate_series(1, c)) FROM t")
    assert "EXPLODE(IF(a <= (b) - 1, SEQUENCE(a, (b) - 1), ARRAY()))" in sql
    assert "EXPLODE(IF(1 <= c, SEQUENCE(1, c), ARRAY()))" in sql


def test_bare_row_number_becomes_a_unique_id() -> None:
    sql = to_spark_sql("SELECT row_number() OVER () AS i, row_number() OVER (ORDER BY x) FROM t")
    assert sql.startswith("SELECT MONOTONICALLY_INCREASING_ID() AS i, ROW_NUMBER() OVER (ORDER")


def test_named_window_refined_with_a_frame_is_inlined() -> None:
    sql = to_spark_sql(
        """SELECT row_number() OVER w AS rk,
                  count(*) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND 5 FOLLOWING) AS hi
           FROM t WINDOW w AS (PARTITION BY o ORDER BY ms)"""
    )
    assert "WINDOW" not in sql
    assert "ROW_NUMBER() OVER (PARTITION BY o ORDER BY ms NULLS LAST) AS rk" in sql
    assert (
        "COUNT(*) OVER (PARTITION BY o ORDER BY ms NULLS LAST RANGE BETWEEN UNBOUNDED "
        "PRECEDING AND 5 FOLLOWING) AS hi"
    ) in sql


def test_qualify_hides_its_helper_column_from_star() -> None:
    sql = to_spark_sql(
        """WITH n AS (SELECT * FROM t) SELECT * FROM n
           QUALIFY row_number() OVER (PARTITION BY a ORDER BY b) <= 2 ORDER BY a LIMIT 5"""
    )
    assert sql == (
        "WITH n AS (SELECT * FROM t) SELECT * EXCEPT (_cn_qualify0) FROM (SELECT *, "
        "ROW_NUMBER() OVER (PARTITION BY a ORDER BY b NULLS LAST) AS _cn_qualify0 FROM n) "
        "AS _cn_q WHERE _cn_qualify0 <= 2 ORDER BY a NULLS LAST LIMIT 5"
    )


def test_qualify_inside_a_union_branch_stays_in_its_branch() -> None:
    sql = to_spark_sql(
        "SELECT a FROM t UNION ALL SELECT a FROM u QUALIFY rank() OVER (ORDER BY a) = 1"
    )
    assert sql.startswith("SELECT a FROM t UNION ALL SELECT * EXCEPT (_cn_qualify0) FROM (")


def test_hex_strings_are_converted_with_conv() -> None:
    sql = to_spark_sql("SELECT CAST('0x' || substr(md5(w), 1, 8) AS BIGINT) FROM t")
    assert sql == "SELECT CAST(CONV(SUBSTRING(MD5(w), 1, 8), 16, 10) AS BIGINT) FROM t"


def test_lower_maps_sigma_and_dotted_i_first() -> None:
    assert to_spark_sql("SELECT lower(s) FROM t") == (
        "SELECT LOWER(TRANSLATE(s, '\u03a3\u0130', '\u03c3i')) FROM t"
    )


def test_round_of_a_double_is_exact_but_of_a_decimal_is_left_alone() -> None:
    double = to_spark_sql("SELECT round(sum(w), 9) FROM t", {"w": "double"})
    assert "134217729" in double  # the Veltkamp split of the error-free product
    assert to_spark_sql("SELECT round(d, 2) FROM t", {"d": "decimal(10,3)"}) == (
        "SELECT ROUND(d, 2) FROM t"
    )


def test_quantiles_are_computed_on_sorted_values() -> None:
    cont = to_spark_sql("SELECT quantile_cont(x, 0.1) FROM t")
    disc = to_spark_sql("SELECT quantile_disc(x, 0.1) FROM t")
    within = to_spark_sql("SELECT percentile_cont(0.1) WITHIN GROUP (ORDER BY x) FROM t")
    assert "SORT_ARRAY(COLLECT_LIST(x))" in cont and "SORT_ARRAY(COLLECT_LIST(x))" in disc
    assert within == cont
    assert "PERCENTILE" not in cont.upper().replace("PERCENTILE_CONT", "")


def test_regexp_functions() -> None:
    sql = to_spark_sql(
        r"""SELECT regexp_replace(s, '\s+', ' ', 'g'), regexp_replace(s, 'a', '\0\0'),
                   regexp_matches(s, '^x$'), regexp_extract_all(s, '\p{Han}')
            FROM t"""
    )
    assert r"REGEXP_REPLACE(s, '(?d)[\\t\\n\\f\\r\\x20]+', ' ')" in sql
    # Without 'g' only the first match is replaced: a lazy prefix anchors it.
    assert r"REGEXP_REPLACE(s, '(?d)^((?s:.*?))(?:a)', '$1$1$1')" in sql
    assert r"s RLIKE '(?d)^x\\z'" in sql
    assert r"REGEXP_EXTRACT_ALL(s, '(?d)\\p{IsHan}', 0)" in sql


def test_unsupported_regexp_option_names_it() -> None:
    with pytest.raises(NotImplementedError, match="option"):
        to_spark_sql("SELECT regexp_replace(s, 'a', 'b', 'x') FROM t")


@pytest.mark.parametrize(
    ("re2", "java"),
    [
        (r"\s+", r"(?d)[\t\n\f\r\x20]+"),
        (r"[^\s@]", r"(?d)[^\t\n\f\r\x20@]"),
        (r"\S+", r"(?d)[^\t\n\f\r\x20]+"),
        (r"[\S]", r"(?d)[[^\t\n\f\r\x20]]"),
        (r"a\vb", r"(?d)a\x{0B}b"),
        (r"^ab$", r"(?d)^ab\z"),
        (r"(?m)^ab$", r"(?d)(?m)^ab$"),
        (r"\p{Han}\p{L}\P{Greek}\pN", r"(?d)\p{IsHan}\p{L}\P{IsGreek}\pN"),
        (r"[\p{Hiragana}\x{30FC}]", r"(?d)[\p{IsHiragana}\x{30FC}]"),
        (r"[[:alpha:][:^digit:]_]", r"(?d)[\p{Alpha}\P{Digit}_]"),
        (r"[a&&b[c]", r"(?d)[a\&\&b\[c]"),
        (r"\bword\B", r"(?d)(?:(?<=\w)(?!\w)|(?<!\w)(?=\w))word(?:(?<=\w)(?=\w)|(?<!\w)(?!\w))"),
        (r"(?i)straße", r"(?d)(?iu)straße"),
        (r"(?P<tag>#\w+)", r"(?d)(?<tag>#\w+)"),
        (r"a{2,3}b{x", r"(?d)a{2,3}b\{x"),
        (r"\Q1+1$\E", r"(?d)1\+1\$"),
        (r"[]a]", r"(?d)[\]a]"),
    ],
)
def test_java_regex(re2: str, java: str) -> None:
    assert java_regex(re2) == java


def test_java_regex_options() -> None:
    assert java_regex("a.b", "is") == "(?d)(?iu)(?s)a.b"
    with pytest.raises(NotImplementedError, match="ungreedy"):
        java_regex("(?U)a+")


def test_java_replacement() -> None:
    assert java_replacement(r"\1-\0") == "$1-$0"
    assert java_replacement(r"\1", shift=1) == "$2"
    assert java_replacement("costs $5") == r"costs \$5"
    assert java_replacement(r"a\\b") == r"a\\b"
