"""The data-lake lab, query half: files in S3, a table over them, SQL that returns real rows.

Expected numbers are computed here from the source rows, never taken from cloudlet.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from .conftest import SALES, Lake, all_rows, sales_csv


def expected_by_month(years: tuple[str, ...] = ("2023", "2024")) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for (year, month), rows in SALES.items():
        if year in years:
            for _, _, amount in rows:
                totals[month] += Decimal(str(amount))
    return dict(totals)


def test_sum_by_month_matches_the_source_files(sales_lake: Lake) -> None:
    rows = sales_lake.rows("SELECT month, sum(amount) FROM sales GROUP BY month ORDER BY month")
    got = {month: Decimal(total) for month, total in rows}
    assert got == expected_by_month()


def test_partitions_found_by_msck_repair(sales_lake: Lake) -> None:
    rows = sales_lake.rows("SHOW PARTITIONS sales")
    assert sorted(r[0] for r in rows) == sorted(f"year={y}/month={m}" for y, m in SALES)


def test_result_header_types_and_csv_in_s3(sales_lake: Lake) -> None:
    execution = sales_lake.run(
        "SELECT month, sum(amount) AS total, count(*) FROM sales GROUP BY month ORDER BY month"
    )
    query_id = execution["QueryExecutionId"]
    page = sales_lake.athena.get_query_results(QueryExecutionId=query_id)
    columns = page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Name"], c["Type"]) for c in columns] == [
        ("month", "varchar"),
        ("total", "double"),
        ("_col2", "bigint"),
    ]
    header = [c["VarCharValue"] for c in page["ResultSet"]["Rows"][0]["Data"]]
    assert header == ["month", "total", "_col2"]
    location = execution["ResultConfiguration"]["OutputLocation"]
    assert location == f"{sales_lake.output}{query_id}.csv"
    body = sales_lake.s3.get_object(Bucket=sales_lake.bucket, Key=f"results/{query_id}.csv")
    lines = body["Body"].read().decode().splitlines()
    assert lines[0] == '"month","total","_col2"'
    assert lines[1] == '"01","133.75","4"'
    assert len(lines) == 1 + len(expected_by_month())
    sales_lake.s3.head_object(Bucket=sales_lake.bucket, Key=f"results/{query_id}.csv.metadata")
    assert execution["StatementType"] == "DML"
    stats = execution["Statistics"]
    assert stats["DataScannedInBytes"] == sum(len(sales_csv(r)) for r in SALES.values())
    assert stats["TotalExecutionTimeInMillis"] >= stats["EngineExecutionTimeInMillis"] >= 0


def test_lab_through_the_aws_cli(aws: Any, s3: Any, bucket_factory: Any, tmp_path: Any) -> None:
    bucket = bucket_factory("cli-lake")
    database = f"cli_{uuid.uuid4().hex[:8]}"
    for (year, month), rows in SALES.items():
        source = tmp_path / f"{year}-{month}.csv"
        source.write_bytes(sales_csv(rows))
        aws("s3", "cp", str(source), f"s3://{bucket}/sales/year={year}/month={month}/data.csv")
    output = f"s3://{bucket}/out/"

    def run(sql: str) -> str:
        started = aws.json(
            "athena",
            "start-query-execution",
            "--query-string",
            sql,
            "--query-execution-context",
            f"Database={database}",
            "--result-configuration",
            f"OutputLocation={output}",
        )
        query_id = started["QueryExecutionId"]
        for _ in range(500):
            state = aws.json("athena", "get-query-execution", "--query-execution-id", query_id)
            status = state["QueryExecution"]["Status"]
            if status["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                assert status["State"] == "SUCCEEDED", status.get("StateChangeReason")
                return query_id
            time.sleep(0.05)
        raise AssertionError("query did not finish")

    run(f"CREATE DATABASE {database}")
    run(
        "CREATE EXTERNAL TABLE sales (id bigint, item string, amount double) "
        "PARTITIONED BY (year string, month string) "
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        f"LOCATION 's3://{bucket}/sales/' TBLPROPERTIES ('skip.header.line.count'='1')"
    )
    run("MSCK REPAIR TABLE sales")
    query_id = run("SELECT month, sum(amount) FROM sales GROUP BY month ORDER BY month")
    results = aws.json("athena", "get-query-results", "--query-execution-id", query_id)
    rows = [[c.get("VarCharValue") for c in r["Data"]] for r in results["ResultSet"]["Rows"]]
    assert rows[0] == ["month", "_col1"]
    assert {m: Decimal(t) for m, t in rows[1:]} == expected_by_month()
    aws("s3", "cp", f"{output}{query_id}.csv", str(tmp_path / "result.csv"))
    assert (tmp_path / "result.csv").read_text().startswith('"month","_col1"\n')


def test_lab_with_a_crawled_table(lake: Lake, glue: Any) -> None:
    """Files land in S3, a Glue crawler infers the table, Athena queries it."""
    for (year, month), rows in SALES.items():
        lake.put(f"sales/year={year}/month={month}/part-0.csv", sales_csv(rows))
    events = [{"user": "a", "n": 3, "ctx": {"ip": "10.0.0.1"}}, {"user": "b", "n": 4}]
    lake.put("events/dt=2024-01-01/e.json", "\n".join(json.dumps(e) for e in events).encode())
    crawler = f"crawler-{uuid.uuid4().hex[:8]}"
    targets = [{"Path": f"s3://{lake.bucket}/sales/"}, {"Path": f"s3://{lake.bucket}/events/"}]
    glue.create_crawler(
        Name=crawler,
        Role="arn:aws:iam::000000000000:role/glue",
        DatabaseName=lake.database,
        Targets={"S3Targets": targets},
    )
    try:
        glue.start_crawler(Name=crawler)
        deadline = time.time() + 60
        while time.time() < deadline:
            state = glue.get_crawler(Name=crawler)["Crawler"]
            if state["State"] == "READY" and state.get("LastCrawl"):
                break
            time.sleep(0.1)
        assert state.get("LastCrawl", {}).get("Status") == "SUCCEEDED", state
        table = glue.get_table(DatabaseName=lake.database, Name="sales")["Table"]
        keys = [k["Name"] for k in table["PartitionKeys"]]
        assert keys == ["year", "month"]
        rows = lake.rows("SELECT month, sum(amount) FROM sales GROUP BY month ORDER BY month")
        assert {m: Decimal(t) for m, t in rows} == expected_by_month()
        rows = lake.rows("SELECT count(*) FROM sales WHERE year = '2024'")
        assert rows == [[str(sum(len(r) for (y, _), r in SALES.items() if y == "2024"))]]
        rows = lake.rows("SELECT user, n, ctx.ip, dt FROM events ORDER BY user")
        assert rows == [["a", "3", "10.0.0.1", "2024-01-01"], ["b", "4", None, "2024-01-01"]]
    finally:
        glue.delete_crawler(Name=crawler)


def test_json_lines_under_hive_prefixes(lake: Lake) -> None:
    events = {
        "2024-01-01": [{"user": "a", "n": 1, "tags": ["x"]}, {"user": "b", "n": 2, "tags": []}],
        "2024-01-02": [{"user": "a", "n": 5, "tags": ["x", "y"], "extra": True}],
    }
    for day, items in events.items():
        body = "\n".join(json.dumps(e) for e in items).encode()
        lake.put(f"events/dt={day}/events.json", body)
    lake.run(
        "CREATE EXTERNAL TABLE events (user string, n int, tags array<string>) "
        "PARTITIONED BY (dt string) "
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' "
        f"LOCATION 's3://{lake.bucket}/events/'"
    )
    lake.run("MSCK REPAIR TABLE events")
    rows = lake.rows(
        "SELECT user, sum(n), sum(cardinality(tags)) FROM events GROUP BY user ORDER BY user"
    )
    assert rows == [["a", "6", "3"], ["b", "2", "0"]]
    rows = lake.rows("SELECT dt, count(*) FROM events GROUP BY dt ORDER BY dt")
    assert rows == [["2024-01-01", "2"], ["2024-01-02", "1"]]


def test_results_paginate(lake: Lake) -> None:
    execution = lake.run("SELECT x FROM UNNEST(sequence(1, 2500)) AS t(x) ORDER BY x")
    query_id = execution["QueryExecutionId"]
    first = lake.athena.get_query_results(QueryExecutionId=query_id, MaxResults=1000)
    assert len(first["ResultSet"]["Rows"]) == 1000  # the header row counts
    assert first["ResultSet"]["Rows"][0]["Data"][0]["VarCharValue"] == "x"
    rows = all_rows(lake.athena, query_id, page_size=700)
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 2501)]
    paginator = lake.athena.get_paginator("get_query_results")
    pages = list(paginator.paginate(QueryExecutionId=query_id, PaginationConfig={"PageSize": 999}))
    assert sum(len(p["ResultSet"]["Rows"]) for p in pages) == 2501
