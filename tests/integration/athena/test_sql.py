"""Athena's SQL: joins, CTEs, window functions, UNNEST, Presto functions, value formats."""

from __future__ import annotations

from .conftest import SALES, Lake


def test_join_cte_and_window_functions(sales_lake: Lake) -> None:
    sales_lake.put("items/items.csv", b"pen,office\nink,office\npad,paper\ndesk,furniture\n")
    sales_lake.run(
        "CREATE EXTERNAL TABLE items (item string, category string) "
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        f"LOCATION 's3://{sales_lake.bucket}/items/'"
    )
    rows = sales_lake.rows(
        """
        WITH joined AS (
            SELECT s.id, s.amount, i.category
            FROM sales s JOIN items i ON s.item = i.item
        ), ranked AS (
            SELECT category, id, amount,
                   rank() OVER (PARTITION BY category ORDER BY amount DESC, id) AS r,
                   sum(amount) OVER (PARTITION BY category) AS total
            FROM joined
        )
        SELECT category, id, total FROM ranked WHERE r = 1 ORDER BY category
        """
    )
    assert rows == [["furniture", "8", "120.0"], ["office", "2", "31.75"], ["paper", "3", "8.0"]]
    left = sales_lake.rows(
        "SELECT count(*) FROM sales s LEFT JOIN items i ON s.item = i.item WHERE i.item IS NULL"
    )
    assert left == [["1"]]  # the lamp has no category


def test_unnest_arrays_and_maps(lake: Lake) -> None:
    rows = lake.rows(
        "SELECT n, x FROM (VALUES (1, ARRAY['a', 'b']), (2, ARRAY['c'])) AS t(n, xs) "
        "CROSS JOIN UNNEST(xs) AS u(x) ORDER BY n, x"
    )
    assert rows == [["1", "a"], ["1", "b"], ["2", "c"]]
    rows = lake.rows("SELECT x, i FROM UNNEST(ARRAY[10, 20]) WITH ORDINALITY AS t(x, i) ORDER BY i")
    assert rows == [["10", "1"], ["20", "2"]]


def test_presto_functions(lake: Lake) -> None:
    [row] = lake.rows(
        """
        SELECT date_parse('2024-03-05 10:11:12', '%Y-%m-%d %H:%i:%s'),
               from_iso8601_timestamp('2024-03-05T10:11:12Z'),
               date_trunc('month', date_parse('2024-03-05', '%Y-%m-%d')),
               regexp_extract('order-1234-x', '(\\d+)'),
               regexp_extract('order-1234-x', 'order-(\\d+)-(\\w)', 2),
               regexp_extract('no digits', '\\d+'),
               json_extract_scalar('{"a": {"b": "deep"}}', '$.a.b'),
               json_extract_scalar('{"a": {"b": 1}}', '$.a'),
               date_format(DATE '2024-03-05', '%Y/%m/%d'),
               date_diff('day', DATE '2024-01-01', DATE '2024-03-01')
        """
    )
    assert row == [
        "2024-03-05 10:11:12.000",
        "2024-03-05 10:11:12.000 UTC",
        "2024-03-01 00:00:00.000",
        "1234",
        "x",
        None,
        "deep",
        None,
        "2024/03/05",
        "60",
    ]
    [row] = lake.rows(
        "SELECT approx_distinct(x), count(DISTINCT x), arbitrary(x) IS NOT NULL, "
        "max_by(x, y), cardinality(ARRAY[1, 2, 3]), 7 / 2, 7 / 2.0, "
        "url_extract_host('https://example.com/a?b=1'), split_part('a,b,c', ',', 2) "
        "FROM (VALUES (1, 5), (2, 1), (2, 3)) AS t(x, y)"
    )
    assert row == ["2", "2", "true", "1", "3", "3", "3.5", "example.com", "b"]


def test_value_formats_and_type_names(lake: Lake) -> None:
    execution = lake.run(
        "SELECT true, 1.5e10, CAST(2.5 AS real), CAST('12.30' AS decimal(10,2)), "
        "DATE '2024-01-02', ARRAY[1, 2], MAP(ARRAY['k'], ARRAY[1]), "
        "CAST(ROW(1, 'x') AS ROW(a integer, b varchar)), "
        "CAST(NULL AS varchar), ''"
    )
    page = lake.athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
    types = [c["Type"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
    assert types == [
        "boolean", "double", "float", "decimal", "date", "array", "map", "row", "varchar",
        "varchar",
    ]  # fmt: skip
    data = page["ResultSet"]["Rows"][1]["Data"]
    assert [d.get("VarCharValue") for d in data] == [
        "true", "1.5E10", "2.5", "12.30", "2024-01-02", "[1, 2]", "{k=1}", "{a=1, b=x}",
        None, "",
    ]  # fmt: skip
    assert data[8] == {}


def test_pruning_shows_in_data_scanned(sales_lake: Lake) -> None:
    def scanned(sql: str) -> int:
        return sales_lake.run(sql)["Statistics"]["DataScannedInBytes"]

    sizes = {key: len(_csv(rows)) for key, rows in SALES.items()}
    assert scanned("SELECT count(*) FROM sales") == sum(sizes.values())
    assert scanned("SELECT count(*) FROM sales WHERE year = '2024'") == (
        sizes[("2024", "01")] + sizes[("2024", "02")]
    )
    assert (
        scanned("SELECT sum(amount) FROM sales WHERE year = '2023' AND month = '12'")
        == (sizes[("2023", "12")])
    )
    assert scanned("SELECT * FROM sales WHERE month IN ('01', '11') AND amount > 3") == (
        sizes[("2024", "01")] + sizes[("2023", "11")]
    )
    assert scanned("SELECT * FROM sales WHERE year = '1999'") == 0
    # A predicate on a data column cannot prune: every partition is read.
    assert scanned("SELECT * FROM sales WHERE amount > 100") == sum(sizes.values())
    rows = sales_lake.rows("SELECT id FROM sales WHERE year = '2023' AND month = '12' ORDER BY id")
    assert rows == [["4"], ["5"]]


def _csv(rows: list[tuple[int, str, float]]) -> bytes:
    from .conftest import sales_csv

    return sales_csv(rows)
