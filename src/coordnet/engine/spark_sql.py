"""DuckDB SQL to Spark SQL: sqlglot's dialect translation plus the rewrites that keep results equal.

Signals are written once, in DuckDB's dialect (:mod:`coordnet.signals.pairing`). For the Spark
engine each statement is parsed with sqlglot (``read="duckdb"``), rewritten where the two
engines disagree on *meaning* rather than spelling, and generated as Spark SQL. The rewrites,
each needed for identical edges:

* ``a / b``: DuckDB divides in DOUBLE; Spark keeps DECIMAL operands in (rounded) DECIMAL, so
  the left operand is cast to DOUBLE (``ms / 1000.0`` must be the same double on both).
* ``epoch_ms(x)``: milliseconds of a timestamp, or the timestamp of milliseconds, by the type
  of ``x``; ``epoch(ts)`` keeps fractions of a second; ``len(x)``: ``size`` of a list,
  ``length`` of a string.
* ``unnest(range(a, b))`` / ``generate_series``: Spark's ``sequence(a, b)`` counts *down* when
  ``b < a``, DuckDB's ranges are then empty.
* ``row_number() OVER ()``: Spark needs an order; an arbitrary unique id serves the same role.
* ``QUALIFY`` and named windows refined in ``OVER (w RANGE ...)``: moved into subqueries /
  inlined (sqlglot's own QUALIFY rewrite leaks its helper column through ``SELECT *``).
* ``quantile_cont`` / ``quantile_disc``: DuckDB's position and index rules on the sorted
  values (sqlglot maps ``WITHIN GROUP`` to an approximate percentile). An interpolated value
  between two different data values can still differ in the last bit: DuckDB's build fuses
  ``lo * (1 - d) + hi * d`` into one rounding, which Spark SQL cannot express; values equal
  to a data value, and so comparisons with the data, are exact. ``median`` is Spark's own,
  which equals DuckDB's (both halve and add, rounding once).
* ``round(x, n)`` on a DOUBLE: DuckDB rounds the exact binary value half away from zero;
  Spark rounds the shortest decimal string (``round(538.1744812295, 9)`` differs). An
  error-free product (Dekker) decides the tie exactly.
* Regular expressions: DuckDB uses RE2, Spark ``java.util.regex``; patterns are rewritten by
  :mod:`coordnet.engine.java_regex`. Without the ``'g'`` option DuckDB replaces only the
  first match, Spark every match.
* ``lower``: Java lower-cases a final capital sigma to ``ς`` and ``İ`` to two characters;
  DuckDB maps each character alone (``σ``, ``i``).
* ``CAST('0x' || s AS BIGINT)``: DuckDB parses hexadecimal strings; Spark uses ``conv``.
* ``list_distinct``: DuckDB drops NULL elements, Spark's ``array_distinct`` keeps one.

Known remaining differences: interpolated quantiles (above); ``ln`` and ``exp`` may differ
in the last bit between the JVM and the C library (the signals round weights to 9 decimals,
which hides it but for ties at the 9th decimal); ``x / 0`` is infinity in DuckDB and an error
in ANSI Spark; patterns that can match the empty string replace differently; ``upper``
(``ß``) and case mappings of characters newer than the JVM's Unicode tables;
``list(x ORDER BY y)`` loses its order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from coordnet.engine.java_regex import java_regex, java_replacement
from coordnet.errors import MissingDependencyError

try:
    import sqlglot
    from sqlglot import exp
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise MissingDependencyError(
        "the Spark engine needs sqlglot; install it with: pip install 'coordnet[spark]'"
    ) from exc

__all__ = ["SparkStatement", "to_spark_sql", "translate", "type_kind"]


@dataclass(frozen=True)
class SparkStatement:
    """One DuckDB statement as the Spark engine runs it.

    ``kind`` is ``"create"`` (``sql`` is the query whose result becomes temp table ``table``),
    ``"insert"`` (``sql``'s rows are appended to ``table``, into ``columns`` when given, else
    by position), ``"drop"`` (drop ``table``; ``if_exists``) or ``"query"`` (``sql`` as is).
    """

    kind: str
    sql: str
    table: str = ""
    if_exists: bool = False
    columns: tuple[str, ...] = ()


def translate(sql: str, columns: Mapping[str, str] | None = None) -> list[SparkStatement]:
    """Translate DuckDB statements to what the Spark engine runs.

    ``columns`` maps column names to their type (Spark or DuckDB spelling: ``timestamp``,
    ``array<string>``, ``bigint``...) for the rewrites that depend on a type, such as
    ``epoch_ms`` and ``len``; the engine passes the columns of every table it knows.
    """
    known = {k.lower(): type_kind(v) for k, v in (columns or {}).items()}
    out: list[SparkStatement] = []
    for tree in sqlglot.parse(sql, read="duckdb"):
        if tree is not None:
            out.extend(_statements(tree, known))
    return out


def to_spark_sql(sql: str, columns: Mapping[str, str] | None = None) -> str:
    """The Spark SQL for one DuckDB query (for a CREATE TABLE AS, its query)."""
    statements = translate(sql, columns)
    if len(statements) != 1:
        raise ValueError(f"expected one statement, got {len(statements)}: {sql[:80]!r}")
    return statements[0].sql


# -- statements ------------------------------------------------------------------------------------


def _statements(tree: exp.Expr, known: Mapping[str, str | None]) -> list[SparkStatement]:
    if isinstance(tree, exp.Create) and tree.args.get("expression") is not None:
        target = tree.this
        if not isinstance(target, exp.Table):
            raise NotImplementedError(f"Spark engine: unsupported CREATE: {tree.sql()[:120]}")
        query = _rewrite(tree.expression, known)
        return [SparkStatement("create", _generate(query), table=target.name)]
    if isinstance(tree, exp.Insert) and isinstance(tree.expression, exp.Query):
        target = tree.this
        columns: tuple[str, ...] = ()
        if isinstance(target, exp.Schema):
            columns = tuple(c.name for c in target.expressions)
            target = target.this
        if tree.args.get("overwrite") or not isinstance(target, exp.Table):
            raise NotImplementedError(f"Spark engine: unsupported INSERT: {tree.sql()[:120]}")
        query = _rewrite(tree.expression, known)
        return [SparkStatement("insert", _generate(query), table=target.name, columns=columns)]
    if isinstance(tree, exp.Drop) and str(tree.args.get("kind", "")).upper() in ("TABLE", "VIEW"):
        tables = tree.args.get("tables") or [tree.this]
        exists = bool(tree.args.get("exists"))
        return [SparkStatement("drop", "", table=t.name, if_exists=exists) for t in tables]
    return [SparkStatement("query", _generate(_rewrite(tree, known)))]


def _generate(tree: exp.Expr) -> str:
    return tree.sql(dialect="spark")


def _rewrite(tree: exp.Expr, known: Mapping[str, str | None]) -> exp.Expr:
    tree = tree.copy()
    for select in list(tree.find_all(exp.Select)):
        _inline_named_windows(select)
    aliases: dict[str, exp.Expr] = {}
    for alias in tree.find_all(exp.Alias):
        aliases.setdefault(alias.alias.lower(), alias.this)
    types = _Types(known, aliases)
    tree = _bottom_up(tree, lambda node: _rewrite_node(node, types))
    # Innermost first, so that an outer copy carries the already rewritten inner ones.
    for select in reversed(list(tree.find_all(exp.Select))):
        if select.args.get("qualify") is not None:
            new = _eliminate_qualify(select)
            if select is tree:
                tree = new
            else:
                select.replace(new)
    return tree


def _bottom_up(node: exp.Expr, fun: Callable[[exp.Expr], exp.Expr]) -> exp.Expr:
    """Apply ``fun`` to every node, children first (sqlglot's transform does not revisit
    the children of a replaced node)."""
    for key, value in list(node.args.items()):
        if isinstance(value, exp.Expr):
            node.set(key, _bottom_up(value, fun))
        elif isinstance(value, list):
            node.set(key, [_bottom_up(v, fun) if isinstance(v, exp.Expr) else v for v in value])
    return fun(node)


# -- types -----------------------------------------------------------------------------------------


def type_kind(spelled: str) -> str | None:
    """Coarse kind of a type name (Spark's or DuckDB's spelling): ``timestamp``, ``array``,
    ``double``, ``decimal``, ``integer``, ``string``, ``boolean``, or ``None``."""
    t = spelled.strip().lower()
    if t.startswith(("array", "list", "large_list")) or t.endswith("[]"):
        return "array"
    if t.startswith("timestamp") or t in ("date", "datetime"):
        return "timestamp"
    if t in ("double", "float", "real", "float4", "float8"):
        return "double"
    if t.startswith(("decimal", "numeric")):
        return "decimal"
    if t in ("bigint", "int", "integer", "smallint", "tinyint", "long", "short", "byte",
             "hugeint", "int64", "int32", "ubigint", "uinteger"):  # fmt: skip
        return "integer"
    if t.startswith(("string", "varchar", "char", "text", "large_string")):
        return "string"
    if t in ("boolean", "bool"):
        return "boolean"
    return None


_ARRAY_NODES = (
    exp.Array, exp.ArrayDistinct, exp.ArraySort, exp.RegexpExtractAll, exp.RegexpSplit,
    exp.Split, exp.ArrayAgg, exp.GenerateSeries, exp.ArrayConcat, exp.ArrayFilter,
)  # fmt: skip
_DOUBLE_NODES = (exp.Ln, exp.Log, exp.Exp, exp.Sqrt, exp.Pow, exp.Avg, exp.Div, exp.Median)
_STRING_NODES = (
    exp.Lower, exp.Upper, exp.Concat, exp.DPipe, exp.Substring, exp.MD5, exp.Trim,
    exp.RegexpReplace, exp.ArrayToString, exp.RegexpExtract,
)  # fmt: skip
#: Functions this module generates, by the kind they return.
_ANONYMOUS_KINDS = {
    "unix_millis": "integer", "timestamp_millis": "timestamp", "size": "integer",
    "sequence": "array", "monotonically_increasing_id": "integer", "conv": "string",
    "regexp_replace": "string", "translate": "string", "array_compact": "array",
}  # fmt: skip


class _Types:
    """Best-effort static kinds of expressions, from literals, functions, the aliases of the
    statement and the known columns (column names are unique enough in coordnet's SQL)."""

    def __init__(self, known: Mapping[str, str | None], aliases: Mapping[str, exp.Expr]):
        self.known = known
        self.aliases = aliases

    def kind(self, node: exp.Expr | None, depth: int = 0) -> str | None:
        if node is None or depth > 20:
            return None
        sub = depth + 1
        if isinstance(node, exp.Column):
            name = node.name.lower()
            if name in self.aliases and self.aliases[name] is not node:
                found = self.kind(self.aliases[name], sub)
                if found:
                    return found
            return self.known.get(name)
        if isinstance(node, exp.Literal):
            if node.is_string:
                return "string"
            text = node.this.lower()
            return "double" if "e" in text else ("decimal" if "." in text else "integer")
        if isinstance(node, exp.Cast | exp.TryCast):
            return type_kind(node.to.sql(dialect="duckdb"))
        if isinstance(node, exp.Paren | exp.Neg | exp.Abs | exp.Sum | exp.Min | exp.Max):
            return self.kind(node.this, sub)
        if isinstance(node, exp.Add | exp.Sub | exp.Mul | exp.Mod):
            kinds = {self.kind(node.this, sub), self.kind(node.expression, sub)}
            for k in ("timestamp", "double", "decimal"):
                if k in kinds:
                    return k
            return "integer" if kinds == {"integer"} else None
        if isinstance(node, exp.Count):
            return "integer"
        if isinstance(node, exp.Round):
            return self.kind(node.this, sub)
        if isinstance(node, exp.Floor | exp.Ceil):
            return "double" if self.kind(node.this, sub) == "double" else "integer"
        if isinstance(node, _ARRAY_NODES):
            return "array"
        if isinstance(node, _DOUBLE_NODES):
            return "double"
        if isinstance(node, _STRING_NODES):
            return "string"
        if isinstance(node, exp.TimeToUnix):
            return "double"
        if isinstance(node, exp.UnixToTime):
            scale = node.args.get("scale")
            if scale is not None and scale.name == "3":  # epoch_ms: both directions
                arg = self.kind(node.this, sub)
                return "timestamp" if arg in ("integer", "double", "decimal") else "integer"
            return "timestamp"
        if isinstance(node, exp.Anonymous):
            return _ANONYMOUS_KINDS.get(str(node.this).lower())
        if isinstance(node, exp.Coalesce | exp.Greatest | exp.Least | exp.Nullif):
            for arg in [node.this, *node.expressions]:
                found = self.kind(arg, sub)
                if found:
                    return found
            return None
        if isinstance(node, exp.Case):
            for branch in [*(i.args.get("true") for i in node.args.get("ifs") or [])]:
                found = self.kind(branch, sub)
                if found:
                    return found
            return self.kind(node.args.get("default"), sub)
        if isinstance(node, exp.Window | exp.IgnoreNulls | exp.AnyValue):
            return self.kind(node.this, sub)
        return None


# -- node rewrites ---------------------------------------------------------------------------------


def _rewrite_node(node: exp.Expr, types: _Types) -> exp.Expr:
    handler = _HANDLERS.get(type(node))
    return handler(node, types) if handler else node


def _div(node: exp.Div, types: _Types) -> exp.Expr:
    # DuckDB's `/` is DOUBLE division for integers and decimals alike.
    if types.kind(node.this) != "double":
        node.set("this", exp.cast(node.this, "DOUBLE"))
    return node


def _epoch_ms(node: exp.UnixToTime, types: _Types) -> exp.Expr:
    scale = node.args.get("scale")
    if scale is None or scale.name != "3":
        return node
    arg = node.this
    func = "timestamp_millis" if types.kind(arg) in ("integer", "double", "decimal") else None
    return exp.Anonymous(this=func or "unix_millis", expressions=[arg])


def _epoch(node: exp.TimeToUnix, types: _Types) -> exp.Expr:
    # DuckDB's epoch(ts) keeps the fraction of a second; Spark's unix_timestamp drops it.
    micros = exp.Anonymous(this="unix_micros", expressions=[node.this])
    return exp.Div(this=exp.cast(micros, "DOUBLE"), expression=exp.Literal.number(1000000))


def _length(node: exp.Length, types: _Types) -> exp.Expr:
    if types.kind(node.this) == "array":
        return exp.Anonymous(this="size", expressions=[node.this])
    return node


def _generate_series(node: exp.GenerateSeries, types: _Types) -> exp.Expr:
    # DuckDB: range(a, b) = [a, b), generate_series(a, b) = [a, b], empty when b is "behind" a;
    # Spark's sequence(a, b) runs downwards when b < a, so guard it.
    start = node.args.get("start") or exp.Literal.number(0)
    end = node.args["end"]
    step = node.args.get("step")
    if node.args.get("is_end_exclusive"):
        end = exp.Sub(this=exp.paren(end.copy()), expression=exp.Literal.number(1))
    descending = False
    if step is not None:
        if not (isinstance(step, exp.Literal | exp.Neg) and _literal_number(step) is not None):
            raise NotImplementedError("Spark engine: range/generate_series needs a literal step")
        descending = (_literal_number(step) or 0) < 0
    cond = (
        exp.GTE(this=start.copy(), expression=end.copy())
        if descending
        else exp.LTE(this=start.copy(), expression=end.copy())
    )
    args = [start, end] + ([step] if step is not None else [])
    return exp.If(
        this=cond,
        true=exp.Anonymous(this="sequence", expressions=args),
        false=exp.Array(expressions=[]),
    )


def _literal_number(node: exp.Expr) -> float | None:
    if isinstance(node, exp.Neg):
        inner = _literal_number(node.this)
        return None if inner is None else -inner
    if isinstance(node, exp.Literal) and not node.is_string:
        return float(node.this)
    return None


def _array_distinct(node: exp.ArrayDistinct, types: _Types) -> exp.Expr:
    # DuckDB's list_distinct drops NULL elements; Spark's array_distinct keeps one.
    return exp.Anonymous(this="array_compact", expressions=[node])


def _window(node: exp.Window, types: _Types) -> exp.Expr:
    bare = not node.args.get("partition_by") and not node.args.get("order")
    if isinstance(node.this, exp.RowNumber) and bare and not node.args.get("spec"):
        # Only used for surrogate ids: any unique id will do, without a global sort.
        return exp.Anonymous(this="monotonically_increasing_id", expressions=[])
    return node


def _lower(node: exp.Lower, types: _Types) -> exp.Expr:
    # Java lower-cases by context (final sigma) and expands U+0130; DuckDB maps characters.
    node.set(
        "this",
        exp.Anonymous(
            this="translate",
            expressions=[node.this, exp.Literal.string("\u03a3\u0130"), exp.Literal.string("σi")],
        ),
    )
    return node


def _cast(node: exp.Cast, types: _Types) -> exp.Expr:
    inner = node.this
    is_int = type_kind(node.to.sql(dialect="duckdb")) == "integer"
    if (
        is_int
        and isinstance(inner, exp.DPipe)
        and isinstance(inner.this, exp.Literal)
        and inner.this.is_string
        and inner.this.this.lower() == "0x"
    ):
        node.set(
            "this",
            exp.Anonymous(
                this="conv",
                expressions=[inner.expression, exp.Literal.number(16), exp.Literal.number(10)],
            ),
        )
    return node


def _round(node: exp.Round, types: _Types) -> exp.Expr:
    decimals = node.args.get("decimals")
    n = 0 if decimals is None else _literal_number(decimals)
    if types.kind(node.this) != "double" or n is None or n != int(n) or not 0 <= n <= 11:
        return node
    # Half away from zero on the exact binary value, as DuckDB: p = |v| * 10^n rounded, plus
    # its exact error from a Veltkamp split of |v| (10^n has at most 26 significant bits for
    # n <= 11, so both partial products are exact); only an exact .5 fraction needs the error.
    scale = f"CAST(1e{int(n)} AS DOUBLE)"
    return _spark_expr(
        f"""transform(array(CAST(__x AS DOUBLE)), cn_v ->
              CASE WHEN cn_v IS NULL OR isnan(cn_v) OR abs(cn_v) * {scale} >= 4503599627370496
                   THEN round(cn_v, {int(n)})
                   ELSE transform(array(abs(cn_v) * {scale}), cn_p ->
                          transform(array(CAST(134217729 AS DOUBLE) * abs(cn_v)), cn_c ->
                            transform(array(cn_c - (cn_c - abs(cn_v))), cn_h ->
                              CASE WHEN cn_p - floor(cn_p) > 0.5 OR (cn_p - floor(cn_p) = 0.5
                                        AND (cn_h * {scale} - cn_p)
                                            + (abs(cn_v) - cn_h) * {scale} >= 0)
                                   THEN floor(cn_p) + 1 ELSE floor(cn_p) END
                              / {scale} * sign(cn_v))[0])[0])[0]
              END)[0]""",
        __x=node.this,
    )


def _quantile_cont(x: exp.Expr, q: exp.Expr) -> exp.Expr:
    """DuckDB's continuous quantile: lo + d * (hi - lo) at RN = (n - 1) * q."""
    if _literal_number(q) is None:
        raise NotImplementedError("Spark engine: quantile_cont needs one literal quantile")
    return _spark_expr(
        """transform(array(sort_array(collect_list(__x))), cn_s ->
             CASE WHEN size(cn_s) = 0 THEN NULL ELSE
               transform(array(CAST(size(cn_s) - 1 AS DOUBLE) * CAST(__q AS DOUBLE)), cn_rn ->
                 CASE WHEN floor(cn_rn) = ceil(cn_rn)
                      THEN CAST(element_at(cn_s, CAST(floor(cn_rn) AS INT) + 1) AS DOUBLE)
                      ELSE CAST(element_at(cn_s, CAST(floor(cn_rn) AS INT) + 1) AS DOUBLE)
                           + (cn_rn - floor(cn_rn))
                             * (CAST(element_at(cn_s, CAST(ceil(cn_rn) AS INT) + 1) AS DOUBLE)
                                - CAST(element_at(cn_s, CAST(floor(cn_rn) AS INT) + 1) AS DOUBLE))
                 END)[0]
             END)[0]""",
        __x=x,
        __q=q,
    )


def _quantile_disc(x: exp.Expr, q: exp.Expr) -> exp.Expr:
    """DuckDB's discrete quantile: the ceil(n * q)-th smallest value (at least the first),
    with exact decimal arithmetic for a decimal literal q, as DuckDB does."""
    if _literal_number(q) is None:
        raise NotImplementedError("Spark engine: quantile_disc needs one literal quantile")
    return _spark_expr(
        """transform(array(sort_array(collect_list(__x))), cn_s ->
             CASE WHEN size(cn_s) = 0 THEN NULL
                  ELSE element_at(cn_s, CAST(greatest(1, ceil(size(cn_s) * __q)) AS INT))
             END)[0]""",
        __x=x,
        __q=q,
    )


def _percentile_cont(node: exp.PercentileCont, types: _Types) -> exp.Expr:
    if isinstance(node.parent, exp.WithinGroup):
        return node
    return _quantile_cont(node.this, node.expression)


def _percentile_disc(node: exp.Expr, types: _Types) -> exp.Expr:
    if isinstance(node.parent, exp.WithinGroup):
        return node
    return _quantile_disc(
        node.this, node.args["quantile" if "quantile" in node.args else "expression"]
    )


def _within_group(node: exp.WithinGroup, types: _Types) -> exp.Expr:
    func, order = node.this, node.expression
    keys = order.expressions if isinstance(order, exp.Order) else []
    if len(keys) != 1 or keys[0].args.get("desc"):
        raise NotImplementedError("Spark engine: WITHIN GROUP needs one ascending key")
    if isinstance(func, exp.PercentileCont):
        return _quantile_cont(keys[0].this, func.this)
    if isinstance(func, exp.PercentileDisc):
        return _quantile_disc(keys[0].this, func.this)
    return node


def _spark_expr(template: str, **args: exp.Expr) -> exp.Expr:
    """Parse a Spark SQL expression and put copies of ``args`` in place of its ``__name``
    columns."""
    tree = sqlglot.parse_one(template, read="spark")

    def fill(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Column) and node.name in args:
            return args[node.name].copy()
        return node

    return tree.transform(fill)


# -- regular expressions ---------------------------------------------------------------------------


def _regex_literal(node: exp.Expr | None, what: str) -> str:
    if not (isinstance(node, exp.Literal) and node.is_string):
        raise NotImplementedError(f"Spark engine: the {what} must be a string literal")
    return node.this


def _options(node: exp.Expr | None) -> str:
    opts = "" if node is None else _regex_literal(node, "regular expression option")
    unknown = set(opts) - set("gics")
    if unknown:
        raise NotImplementedError(
            f"Spark engine: regular expression option(s) {''.join(sorted(unknown))!r} "
            "are not supported (only g, i, c, s)"
        )
    return opts


def _regexp_replace(node: exp.RegexpReplace, types: _Types) -> exp.Expr:
    opts = _options(node.args.get("modifiers"))
    pattern = java_regex(_regex_literal(node.expression, "pattern"), opts)
    repl = _regex_literal(node.args.get("replacement"), "replacement")
    if "g" in opts:
        args = [exp.Literal.string(pattern), exp.Literal.string(java_replacement(repl))]
    else:
        # Java replaces every match: anchor a lazy prefix so only the first match goes.
        first = "(?d)^((?s:.*?))(?:" + pattern.removeprefix("(?d)") + ")"
        args = [exp.Literal.string(first), exp.Literal.string("$1" + java_replacement(repl, 1))]
    return exp.Anonymous(this="regexp_replace", expressions=[node.this, *args])


def _regexp_like(node: exp.RegexpLike, types: _Types) -> exp.Expr:
    opts = _options(node.args.get("flag"))
    pattern = java_regex(_regex_literal(node.expression, "pattern"), opts)
    return exp.RegexpLike(this=node.this, expression=exp.Literal.string(pattern))


def _regexp_extract(node: exp.Expr, types: _Types) -> exp.Expr:
    pattern = java_regex(_regex_literal(node.expression, "pattern"))
    node.set("expression", exp.Literal.string(pattern))
    if node.args.get("group") is None:
        node.set("group", exp.Literal.number(0))
    return node


def _regexp_split(node: exp.RegexpSplit, types: _Types) -> exp.Expr:
    node.set(
        "expression", exp.Literal.string(java_regex(_regex_literal(node.expression, "pattern")))
    )
    return node


# -- clauses ---------------------------------------------------------------------------------------


def _inline_named_windows(select: exp.Select) -> None:
    """Replace ``OVER w`` / ``OVER (w ROWS ...)`` by the definition in ``WINDOW w AS (...)``."""
    named = {w.name.lower(): w for w in select.args.get("windows") or []}
    if not named:
        return
    for window in select.find_all(exp.Window):
        if window.find_ancestor(exp.Select) is not select:
            continue
        ref = window.args.get("alias")
        if ref is None or ref.name.lower() not in named:
            continue
        base = named[ref.name.lower()]
        window.set("alias", None)
        for key in ("partition_by", "order"):
            if base.args.get(key) and not window.args.get(key):
                window.set(key, base.args[key].copy() if isinstance(base.args[key], exp.Expr)
                           else [e.copy() for e in base.args[key]])  # fmt: skip
        if base.args.get("spec") and not window.args.get("spec"):
            window.set("spec", base.args["spec"].copy())
    select.set("windows", None)


def _eliminate_qualify(select: exp.Select) -> exp.Expr:
    """``SELECT ... QUALIFY cond`` -> ``SELECT * EXCEPT (helpers) FROM (SELECT ..., windows
    AS helpers) WHERE cond``; ORDER BY and LIMIT stay outside."""
    qualify = select.args["qualify"].this
    if select.args.get("distinct"):
        raise NotImplementedError("Spark engine: QUALIFY with SELECT DISTINCT is not supported")
    inner = select.copy()
    inner.set("qualify", None)
    order, limit = inner.args.get("order"), inner.args.get("limit")
    inner.set("order", None)
    inner.set("limit", None)
    helpers = []
    cond = qualify.copy()
    for k, window in enumerate(list(cond.find_all(exp.Window))):
        name = f"_cn_qualify{k}"
        helpers.append(name)
        inner.select(exp.alias_(window.copy(), name), copy=False)
        window.replace(exp.column(name))
    star = exp.Star(**{_STAR_EXCEPT: [exp.column(h) for h in helpers]})
    outer = exp.select(star).from_(inner.subquery("_cn_q")).where(cond)
    if inner.args.get("with") is not None:
        outer.set("with", inner.args["with"])
        inner.set("with", None)
    if order is not None:
        outer.set("order", order)
    if limit is not None:
        outer.set("limit", limit)
    return outer


#: The argument of ``*`` listing excluded columns (renamed in sqlglot 26).
_STAR_EXCEPT = "except_" if "except_" in exp.Star.arg_types else "except"

_HANDLERS: dict[type[exp.Expr], Callable[[Any, _Types], exp.Expr]] = {
    exp.Div: _div,
    exp.UnixToTime: _epoch_ms,
    exp.TimeToUnix: _epoch,
    exp.Length: _length,
    exp.ArrayDistinct: _array_distinct,
    exp.GenerateSeries: _generate_series,
    exp.Window: _window,
    exp.Lower: _lower,
    exp.Cast: _cast,
    exp.TryCast: _cast,
    exp.Round: _round,
    exp.PercentileCont: _percentile_cont,
    exp.PercentileDisc: _percentile_disc,
    exp.Quantile: _percentile_disc,
    exp.WithinGroup: _within_group,
    exp.RegexpReplace: _regexp_replace,
    exp.RegexpLike: _regexp_like,
    exp.RegexpExtract: _regexp_extract,
    exp.RegexpExtractAll: _regexp_extract,
    exp.RegexpSplit: _regexp_split,
}
