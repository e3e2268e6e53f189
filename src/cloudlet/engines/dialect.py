"""Athena's SQL (Trino/Presto) parsed and rewritten for DuckDB, with sqlglot.

sqlglot maps most of Trino's functions (``read="athena"``, ``write="duckdb"``); this module
parses with Athena's own error wording and fixes what sqlglot leaves out or maps to a
function that answers differently:

- ``regexp_extract`` answers NULL, not ``''``, when the pattern does not match;
- ``json_extract_scalar`` answers NULL for an object or array;
- ``format_datetime`` / ``parse_datetime`` take Joda-Time patterns, not strftime ones;
- output columns are named as Athena names them: lower case, ``_col<N>`` for expressions.

Functions DuckDB lacks altogether are defined as macros on the connection (``MACROS``).
"""

from __future__ import annotations

import logging
import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from cloudlet.engines.sql import QueryError

# sqlglot logs a warning for every statement it keeps as an opaque Command (SHOW, MSCK).
logging.getLogger("sqlglot").setLevel(logging.ERROR)

READ = "athena"
WRITE = "duckdb"

#: Trino/Presto functions DuckDB has no name for, defined once per DuckDB database.
MACROS = (
    "CREATE OR REPLACE MACRO url_extract_protocol(u) AS "
    "nullif(regexp_extract(u, '^([a-zA-Z][a-zA-Z0-9+.-]*):', 1), '')",
    "CREATE OR REPLACE MACRO url_extract_host(u) AS "
    "nullif(regexp_extract(u, '^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]*)', 1), '')",
    "CREATE OR REPLACE MACRO url_extract_port(u) AS "
    "TRY_CAST(nullif(regexp_extract(u, '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/:?#]*:([0-9]+)', 1), '')"
    " AS BIGINT)",
    "CREATE OR REPLACE MACRO url_extract_path(u) AS "
    "regexp_extract(u, '^(?:[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)?([^?#]*)', 1)",
    "CREATE OR REPLACE MACRO url_extract_query(u) AS "
    "nullif(regexp_extract(u, '\\?([^#]*)', 1), '')",
    "CREATE OR REPLACE MACRO url_extract_fragment(u) AS nullif(regexp_extract(u, '#(.*)$', 1), '')",
    "CREATE OR REPLACE MACRO url_extract_parameter(u, name) AS "
    "url_decode(nullif(regexp_extract(u, '[?&]' || name || '=([^&#]*)', 1), ''))",
    "CREATE OR REPLACE MACRO codepoint(c) AS unicode(c)",
    "CREATE OR REPLACE MACRO to_iso8601(t) AS CASE WHEN typeof(t) = 'DATE' "
    "THEN strftime(t, '%Y-%m-%d') ELSE strftime(t, '%Y-%m-%dT%H:%M:%S.%g') END",
    "CREATE OR REPLACE MACRO json_array_contains(j, v) AS json_contains(j, to_json(v))",
    "CREATE OR REPLACE MACRO json_array_get(j, i) AS json_extract(j, '$[' || i || ']')",
    "CREATE OR REPLACE MACRO json_format(j) AS CAST(j AS VARCHAR)",
    "CREATE OR REPLACE MACRO is_json_scalar(j) AS json_type(j) NOT IN ('OBJECT', 'ARRAY')",
)


def parse(sql: str) -> exp.Expression:
    """One statement, or QueryError with Athena's ``line L:C`` position."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise QueryError("line 1:1: empty query", "SYNTAX_ERROR")
    try:
        statements = [s for s in sqlglot.parse(text, read=READ) if s is not None]
    except ParseError as exc:
        detail = exc.errors[0] if exc.errors else {}
        line, col = detail.get("line", 1), detail.get("col", 1)
        message = str(detail.get("description") or exc).split("\n")[0]
        raise QueryError(f"line {line}:{col}: {message}", "SYNTAX_ERROR") from None
    except TokenError as exc:
        raise QueryError(f"line 1:1: {exc}", "SYNTAX_ERROR") from None
    if len(statements) != 1:
        raise QueryError(
            "line 1:1: Only one sql statement is allowed. Got: " + str(len(statements)),
            "INVALID_SESSION_PROPERTY" if not statements else "SYNTAX_ERROR",
        )
    return statements[0]


def to_duckdb(tree: exp.Expression) -> str:
    """DuckDB SQL for a parsed Trino query (the tree is not modified)."""
    fixed = tree.copy()
    # Children before parents (reversed pre-order), so a fix sees fixed arguments.
    for node in reversed(list(fixed.walk(bfs=False))):
        replacement = _fix(node)
        if replacement is not node:
            if node is fixed:
                fixed = replacement
            else:
                node.replace(replacement)
    return fixed.sql(dialect=WRITE)


def name_outputs(query: exp.Expression) -> None:
    """Alias the outermost select's expressions as Athena names its result columns.

    Columns keep their names (the engine lower-cases them); other expressions become
    ``_col<position>``.
    """
    select = query
    while isinstance(select, exp.SetOperation):
        select = select.this
    if isinstance(select, exp.Subquery):
        select = select.unnest()
    if not isinstance(select, exp.Select):
        return
    renamed = []
    for index, projection in enumerate(select.expressions):
        if isinstance(projection, exp.Alias):
            name = projection.alias.lower()
            renamed.append(exp.alias_(projection.this, name, quoted=True))
        elif isinstance(projection, exp.Column | exp.Star):
            renamed.append(projection)  # named after the column (lower-cased by the engine)
        else:
            renamed.append(exp.alias_(projection, f"_col{index}", quoted=True))
    select.set("expressions", renamed)


def _fix(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.RegexpExtract):
        # Trino answers NULL when nothing matches; DuckDB answers ''.
        matches = exp.func("regexp_matches", node.this.copy(), node.expression.copy())
        return exp.If(this=matches, true=node.copy())
    if isinstance(node, exp.JSONExtractScalar):
        is_scalar = exp.func("is_json_scalar", exp.JSONExtract(**_copy_args(node)))
        return exp.If(this=is_scalar, true=node.copy())
    if isinstance(node, exp.ParseDatetime) and isinstance(node.args.get("format"), exp.Literal):
        fmt = joda_to_strftime(node.args["format"].this)
        return exp.func("strptime", node.this.copy(), exp.Literal.string(fmt))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "format_datetime":
        args = node.expressions
        if len(args) == 2 and isinstance(args[1], exp.Literal):
            fmt = joda_to_strftime(args[1].this)
            return exp.func("strftime", args[0].copy(), exp.Literal.string(fmt))
    return node


def _copy_args(node: exp.Expression) -> dict[str, exp.Expression]:
    return {
        "this": node.this.copy(),
        "expression": node.expression.copy(),
    }


_JODA = [
    ("yyyy", "%Y"),
    ("YYYY", "%Y"),
    ("yy", "%y"),
    ("MMMM", "%B"),
    ("MMM", "%b"),
    ("MM", "%m"),
    ("M", "%-m"),
    ("dd", "%d"),
    ("d", "%-d"),
    ("HH", "%H"),
    ("H", "%-H"),
    ("hh", "%I"),
    ("h", "%-I"),
    ("mm", "%M"),
    ("m", "%-M"),
    ("ss", "%S"),
    ("s", "%-S"),
    ("SSSSSS", "%f"),
    ("SSS", "%g"),
    ("EEEE", "%A"),
    ("EEE", "%a"),
    ("a", "%p"),
    ("ZZ", "%z"),
    ("Z", "%z"),
    ("z", "%Z"),
    ("DDD", "%j"),
]
_JODA_TOKEN = re.compile("|".join(re.escape(j) for j, _ in _JODA) + r"|'[^']*'|.", re.S)


def joda_to_strftime(pattern: str) -> str:
    """A Joda-Time pattern (``yyyy-MM-dd HH:mm``) as a strftime one (``%Y-%m-%d %H:%M``)."""
    table = dict(_JODA)
    out = []
    for token in _JODA_TOKEN.findall(pattern):
        if token in table:
            out.append(table[token])
        elif token.startswith("'") and len(token) >= 2:
            out.append(token[1:-1].replace("%", "%%") or "'")
        else:
            out.append(token.replace("%", "%%"))
    return "".join(out)
