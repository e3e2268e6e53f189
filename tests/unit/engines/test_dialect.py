"""Athena's Trino SQL rewritten for DuckDB: what sqlglot maps, and the fixes on top."""

from __future__ import annotations

import duckdb
import pytest

from cloudlet.engines import dialect
from cloudlet.engines.sql import QueryError


@pytest.fixture(scope="module")
def db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET integer_division = true")
    con.execute("SET TimeZone = 'UTC'")
    for macro in dialect.MACROS:
        con.execute(macro)
    return con


def run(db: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    tree = dialect.parse(sql)
    dialect.name_outputs(tree)
    return db.execute(dialect.to_duckdb(tree)).fetchone()


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT date_parse('2024-03-05 10:11:12', '%Y-%m-%d %H:%i:%s')", "2024-03-05 10:11:12"),
        (
            "SELECT date_format(TIMESTAMP '2024-03-05 10:11:12', '%Y/%m/%d %H:%i')",
            "2024/03/05 10:11",
        ),
        (
            "SELECT format_datetime(TIMESTAMP '2024-03-05 10:11:12', 'yyyy-MM-dd HH:mm')",
            "2024-03-05 10:11",
        ),
        ("SELECT parse_datetime('05/03/2024', 'dd/MM/yyyy')", "2024-03-05 00:00:00"),
        ("SELECT from_iso8601_timestamp('2024-03-05T10:11:12+02:00')", "2024-03-05 08:11:12+00:00"),
        ("SELECT date_trunc('month', TIMESTAMP '2024-03-05 10:11:12')", "2024-03-01 00:00:00"),
        ("SELECT regexp_extract('a-12-b', '\\d+')", "12"),
        ("SELECT regexp_extract('a-12-b', '([a-z])-(\\d+)', 2)", "12"),
        ("SELECT regexp_extract('none', '\\d+')", None),
        ("SELECT json_extract_scalar('{\"a\": {\"b\": 7}}', '$.a.b')", "7"),
        ("SELECT json_extract_scalar('{\"a\": {\"b\": 7}}', '$.a')", None),
        ("SELECT json_extract_scalar('[\"x\", \"y\"]', '$[1]')", "y"),
        ("SELECT url_extract_host('https://user@www.example.com:8080/p?q=1')", "www.example.com"),
        ("SELECT url_extract_parameter('https://x.com/p?a=1&b=two%20words', 'b')", "two words"),
        ("SELECT to_iso8601(DATE '2024-03-05')", "2024-03-05"),
        ("SELECT codepoint('A')", "65"),
        ("SELECT 7 / 2", "3"),
        ("SELECT 7 / 2.0", "3.5"),
        ("SELECT cardinality(ARRAY[1, 2, 3])", "3"),
        ("SELECT element_at(MAP(ARRAY['k'], ARRAY[5]), 'k')", "5"),
        ("SELECT if(1 > 0, 'yes', 'no')", "yes"),
        ("SELECT array_join(ARRAY['a', 'b'], '-')", "a-b"),
        ("SELECT date_add('day', 3, DATE '2024-02-27')", "2024-03-01 00:00:00"),
    ],
)
def test_functions(db: duckdb.DuckDBPyConnection, sql: str, expected: str | None) -> None:
    value = run(db, sql)[0]
    assert (None if value is None else str(value)) == expected


def test_approx_distinct_and_max_by(db: duckdb.DuckDBPyConnection) -> None:
    row = run(
        db,
        "SELECT approx_distinct(x), max_by(x, y), arbitrary(x) IS NOT NULL "
        "FROM (VALUES (1, 9), (2, 1), (2, 3)) AS t(x, y)",
    )
    assert row == (2, 1, True)


def test_output_names_follow_athena() -> None:
    tree = dialect.parse("SELECT Month, sum(amount), count(*) AS N, t.x, * FROM t")
    dialect.name_outputs(tree)
    sql = dialect.to_duckdb(tree)
    assert 'SUM(amount) AS "_col1"' in sql
    assert 'COUNT(*) AS "n"' in sql
    assert "Month," in sql and "t.x," in sql


def test_names_of_a_union_come_from_its_first_select() -> None:
    tree = dialect.parse("SELECT 1 UNION ALL SELECT 2")
    dialect.name_outputs(tree)
    assert dialect.to_duckdb(tree).startswith('SELECT 1 AS "_col0" UNION ALL SELECT 2')


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("", "SYNTAX_ERROR: line 1:1: empty query"),
        ("SELECT (1", "SYNTAX_ERROR: line 1:9"),
        ("SELECT 1; SELECT 2", "Only one sql statement is allowed"),
    ],
)
def test_parse_errors(sql: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        dialect.parse(sql)
    assert message in str(caught.value)


def test_joda_patterns() -> None:
    assert dialect.joda_to_strftime("yyyy-MM-dd'T'HH:mm:ss.SSS") == "%Y-%m-%dT%H:%M:%S.%g"
    assert dialect.joda_to_strftime("EEE, d MMM yyyy") == "%a, %-d %b %Y"
    assert dialect.joda_to_strftime("100%") == "100%%"
