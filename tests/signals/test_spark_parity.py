"""Every signal gives identical edges and evidence on Spark (local mode) and on DuckDB.

One small simulated platform (posts, reposts, replies, profiles, sessions: every signal finds
edges on it) is fitted by each registered signal on both engines, with ``window="auto"`` so
the window estimate is computed on Spark too. Then the tricky constructs one by one, each
query run on both engines, and the engine's own API. Skipped without pyspark, sqlglot or
Java (the ``spark`` extra).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

pytest.importorskip("pyspark", reason="the Spark engine needs pyspark (the spark extra)")
pytest.importorskip("sqlglot", reason="the Spark engine needs sqlglot (the spark extra)")

import coordnet
from coordnet.engine import DuckDBEngine
from coordnet.engine.spark_engine import SparkEngine
from coordnet.errors import InputError, MissingDependencyError
from coordnet.signals import SIGNALS
from coordnet.simulate import simulate
from coordnet.store import Store

#: Tiny data on a fresh JVM: planning and JIT warm-up dominate, not the work. So no adaptive
#: re-planning, one shuffle partition, interpreted expressions (no Janino compiles) and the
#: quick JIT only; this halves the CPU time of the module.
LOCAL_TEST_CONF = {
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.shuffle.partitions": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.driver.extraJavaOptions": (
        "-Duser.timezone=UTC -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    ),
}


@pytest.fixture(scope="module")
def sim_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    out = tmp_path_factory.mktemp("sim")
    simulate(out, scenario="default", accounts=300, days=1, seed=5)
    with coordnet.open_store() as store:
        coordnet.ingest([out / "tweets.csv", out / "users.csv", out / "sessions.csv"], store)
        yield store


@pytest.fixture(scope="module")
def spark(sim_store: Store) -> Iterator[SparkEngine]:
    """A local Spark session (2 cores) with the simulated store's tables attached."""
    if not (shutil.which("java") or __import__("os").environ.get("JAVA_HOME")):
        pytest.skip("the Spark engine needs Java (no java on PATH, no JAVA_HOME)")
    try:
        engine = SparkEngine.from_store(sim_store, master="local[2]", conf=LOCAL_TEST_CONF)
    except MissingDependencyError as exc:
        pytest.skip(str(exc))
    yield engine
    engine.close()


def assert_same(got: pa.Table, want: pa.Table, what: str) -> None:
    if got.equals(want):
        return
    g, w = got.to_pylist(), want.to_pylist()
    first = next(((i, a, b) for i, (a, b) in enumerate(zip(g, w, strict=False)) if a != b), None)
    pytest.fail(
        f"{what}: {len(g)} rows on Spark, {len(w)} on DuckDB; first difference "
        f"(row, Spark, DuckDB): {first}"
    )


# -- every signal --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(SIGNALS))
def test_signal_gives_the_same_edges_on_spark(
    key: str, sim_store: Store, spark: SparkEngine
) -> None:
    duck = SIGNALS[key](window="auto").fit(sim_store)
    assert duck.edges_.num_rows > 0, f"{key} finds nothing here: the comparison would be empty"
    on_spark = SIGNALS[key](window="auto").fit(sim_store, engine=spark)
    assert on_spark.window_ == duck.window_
    assert_same(on_spark.edges_, duck.edges_, f"{key} edges")
    assert_same(on_spark.evidence_, duck.evidence_, f"{key} evidence")
    counts = {k: v for k, v in duck.stats_.items() if k != "seconds"}
    assert {k: v for k, v in on_spark.stats_.items() if k != "seconds"} == counts
    if hasattr(duck, "skipped_"):
        assert on_spark.skipped_.to_pylist() == duck.skipped_.to_pylist()


# -- constructs, each query on both engines ------------------------------------------------------

TEXTS = [
    "a b\x0bc  d",  # RE2's \s has no vertical tab, Java's has
    "ab\n",  # RE2's $ is the end of the text; Java's also matches before a final newline
    "a\rb",  # RE2's . matches \r, Java's (without UNIX_LINES) does not
    "Grüße aus\tBerlin, straße",
    "漢字かなカナー and kana",
    "cat concat cat.",
    "x$y\\z",
    "ΟΔΟΣ ΚΑΣ",  # final sigma
    "İstanbul",  # dotted capital I
    "",
    None,
]
VALUES = [538.1744812295, 2.5, -2.5, 1.0000000005, 0.1234567895, 0.0, 12345.6789, None, 7.0]


@pytest.fixture(scope="module")
def duck() -> Iterator[DuckDBEngine]:
    with DuckDBEngine(":memory:") as engine:
        yield engine


@pytest.fixture(scope="module")
def both(spark: SparkEngine, duck: DuckDBEngine) -> tuple[SparkEngine, DuckDBEngine]:
    """Both engines with table cn_t: text s, list l, double x, integers n and g, id."""
    n = len(TEXTS)
    table = pa.table(
        {
            "id": pa.array(range(n), pa.int64()),
            "s": pa.array(TEXTS, pa.string()),
            "l": pa.array([["b", "a", "b"], ["c", None, "c"], [], None] + [["x", "y"]] * (n - 4)),
            "x": pa.array((VALUES * 2)[:n], pa.float64()),
            "n": pa.array([5, 5, 0, 7, 100000, 31, 2, 2, 17, 40, 3], pa.int64()),
            "g": pa.array([i % 3 for i in range(n)], pa.int64()),
        }
    )
    for engine in (spark, duck):
        engine.register("cn_t", table)
    return spark, duck


def same_rows(both: tuple[SparkEngine, DuckDBEngine], sql: str) -> list[tuple[Any, ...]]:
    spark, duck = both
    want = duck.rows(sql)
    assert spark.rows(sql) == want
    return want


def test_regular_expressions(both: tuple[SparkEngine, DuckDBEngine]) -> None:
    rows = same_rows(
        both,
        r"""SELECT id, regexp_replace(s, '\s+', '_', 'g'), regexp_replace(s, '[aeiou]', '*'),
                   regexp_replace(s, '(\w)(\w*)', '<\2\1>', 'g'), regexp_matches(s, 'b$'),
                   regexp_matches(s, 'a.b'), regexp_replace(s, '\bcat\b', 'dog', 'g'),
                   regexp_replace(s, '\p{L}+', 'w', 'g'), regexp_replace(s, 'X|Y', '$', 'gi'),
                   regexp_extract_all(s, '[\p{Han}\p{Katakana}\x{30FC}]|[^\p{P}\p{S}\p{Z}\s]+'),
                   regexp_extract(s, '(\p{Lu})(\w+)', 2), regexp_matches(s, '^[0-9a-f]{32,64}$')
            FROM cn_t ORDER BY id""",
    )
    assert rows[0][1] == "a_b\x0bc_d" and rows[1][4] is False and rows[2][5] is True


def test_case_hashing_and_lists(both: tuple[SparkEngine, DuckDBEngine]) -> None:
    rows = same_rows(
        both,
        """SELECT id, lower(s), md5(s), CAST('0x' || substr(md5(s), 1, 8) AS BIGINT), len(s),
                  len(l), len(list_distinct(l)), array_to_string(list_sort(l), ','),
                  '#' || array_to_string(l, ' #'), nullif(trim(s), ''), greatest(n, NULL, 3)
           FROM cn_t ORDER BY id""",
    )
    assert rows[7][1] == "οδοσ κασ" and rows[8][1] == "istanbul"


def test_rounding_of_doubles_is_duckdbs(both: tuple[SparkEngine, DuckDBEngine]) -> None:
    rows = same_rows(
        both,
        "SELECT id, round(x, 9), round(x, 0), round(x / 3, 4), round(n, 1) FROM cn_t ORDER BY id",
    )
    assert rows[0][1] == 538.174481229  # the exact binary value is below the tie
    assert rows[1][2] == 3.0 and rows[2][2] == -3.0  # half away from zero


def test_quantiles_and_medians(both: tuple[SparkEngine, DuckDBEngine]) -> None:
    same_rows(
        both,
        """SELECT g, quantile_cont(n, 0.1), quantile_disc(n, 0.1), quantile_disc(x, 0.5),
                  median(n), median(x), median(n) FILTER (WHERE n > 100)
           FROM cn_t GROUP BY g ORDER BY g""",
    )
    same_rows(both, "SELECT quantile_cont(n, 0.1), median(n) FROM cn_t WHERE n < 0")
    # Interpolating between two different values, DuckDB's build may fuse the multiply-add:
    # the last bit can differ, never a comparison with the data (coordnet's only use).
    spark, duck = both
    sql = """WITH q AS (SELECT g, quantile_cont(n, 0.3) AS t FROM cn_t GROUP BY g)
             SELECT q.g, q.t, count(*) FILTER (WHERE n <= q.t), count(*) FILTER (WHERE n >= q.t)
             FROM cn_t JOIN q ON q.g = cn_t.g GROUP BY q.g, q.t ORDER BY q.g"""
    got, want = spark.rows(sql), duck.rows(sql)
    assert [(g, a, b) for g, _, a, b in got] == [(g, a, b) for g, _, a, b in want]
    assert [t for _, t, _, _ in got] == pytest.approx([t for _, t, _, _ in want], rel=1e-15)


def test_arithmetic_ranges_and_times(both: tuple[SparkEngine, DuckDBEngine]) -> None:
    same_rows(
        both,
        """SELECT id, n / 3, n * 1.0 / 7, ceil(0.5 * n), n // 3, n % 4, x / 1000.0 - 0.5,
                  epoch_ms(epoch_ms(n * 1000)), CAST(epoch_ms(n * 1000 + id) AS VARCHAR),
                  CAST(floor(epoch_ms(epoch_ms(n)) / 30000) AS BIGINT),
                  epoch(epoch_ms(n * 1000 + id))
           FROM cn_t ORDER BY id""",
    )
    rows = same_rows(
        both,
        """SELECT id, unnest(range(id, 4)) AS r FROM cn_t
           UNION ALL SELECT id, unnest(generate_series(1, id - 8)) FROM cn_t ORDER BY 1, 2""",
    )
    assert (0, 3) in rows and not any(i in (4, 5, 6, 7, 8) for i, _ in rows)


def test_windows_qualify_and_temp_tables(both: tuple[SparkEngine, DuckDBEngine]) -> None:
    same_rows(
        both,
        """SELECT id, count(*) OVER (w RANGE BETWEEN UNBOUNDED PRECEDING AND 5 FOLLOWING) AS c,
                  row_number() OVER w AS rk
           FROM cn_t WINDOW w AS (PARTITION BY g ORDER BY n)
           QUALIFY rank() OVER (PARTITION BY g ORDER BY n DESC, id) <= 2 ORDER BY id""",
    )
    for engine in both:
        engine.execute("CREATE OR REPLACE TEMP TABLE cn_u AS SELECT id, s FROM cn_t WHERE id < 2")
        engine.execute("INSERT INTO cn_u SELECT id + 100, s || '!' FROM cn_t WHERE id = 3")
        engine.execute(
            "CREATE OR REPLACE TEMP TABLE cn_v AS SELECT *, row_number() OVER () AS i FROM cn_u"
        )
    rows = same_rows(both, "SELECT id, s FROM cn_u ORDER BY ALL")
    assert [r[0] for r in rows] == [0, 1, 103]
    assert same_rows(both, "SELECT count(DISTINCT i) = count(*) FROM cn_v") == [(True,)]
    for engine in both:
        engine.execute("DROP TABLE cn_u")
        engine.execute("DROP TABLE IF EXISTS cn_v")
        engine.execute("DROP TABLE IF EXISTS cn_v")


# -- the engine ---------------------------------------------------------------------------------


def test_results_have_duckdbs_arrow_types(sim_store: Store, spark: SparkEngine) -> None:
    sql = """SELECT action_id, time, hashtags, source_line, has_short_url, extra
             FROM actions ORDER BY action_id LIMIT 50"""
    got, want = spark.arrow(sql), sim_store.engine.arrow(sql)
    assert got.to_pylist() == want.to_pylist()
    assert [f.type for f in got.schema if f.name != "hashtags"] == [
        pa.string(), pa.timestamp("us"), pa.int64(), pa.bool_(), pa.string()
    ]  # fmt: skip
    params = ["post", 3]
    query = "SELECT kind, count(*) FROM actions WHERE kind = ? AND len(hashtags) >= ? GROUP BY 1"
    assert spark.rows(query, params) == sim_store.engine.rows(query, params)


def test_attach_a_parquet_directory(sim_store: Store, spark: SparkEngine, tmp_path: Path) -> None:
    """A cluster's view: actions as a Parquet dataset; absent tables attach empty."""
    sim_store.engine.execute(
        f"COPY (SELECT * REPLACE (CAST(extra AS VARCHAR) AS extra) FROM actions) "
        f"TO '{tmp_path / 'actions'}' (FORMAT parquet, PER_THREAD_OUTPUT true)"
    )
    try:
        spark.attach(tmp_path)
        assert spark.rows("SELECT count(*), count(DISTINCT platform) FROM sessions") == [(0, 0)]
        assert "device_id" in spark.arrow("SELECT * FROM sessions").column_names
        # The files hold zone-less timestamps (Spark's TIMESTAMP_NTZ): read as UTC instants.
        sql = "SELECT count(*), sum(epoch_ms(time)), max(CAST(time AS VARCHAR)) FROM actions"
        assert spark.rows(sql) == sim_store.engine.rows(sql)
    finally:
        spark.attach(sim_store)


def test_bad_arguments_are_input_errors(spark: SparkEngine, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="checkpoint must be one of local, reliable"):
        SparkEngine(spark.spark, checkpoint="memory")
    with pytest.raises(InputError, match="not a directory"):
        spark.attach(tmp_path / "nothing")
    with pytest.raises(InputError, match="no such temporary table"):
        spark.execute("INSERT INTO cn_absent SELECT 1")


def test_missing_pyspark_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'coordnet\[spark\]'"):
        SparkEngine()
