"""Athena test helpers: run a query to its end, read all its rows, make a small data lake.

Every test works in a database and bucket of its own (unique names), so tests run in
parallel against the one session server.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")

#: The sales lab's source rows: (year, month, id, item, amount) under Hive-style prefixes.
SALES = {
    ("2023", "11"): [(1, "pen", 2.5), (2, "ink", 7.25), (3, "pad", 4.0)],
    ("2023", "12"): [(4, "pen", 2.5), (5, "pen", 2.5)],
    ("2024", "01"): [(6, "pad", 4.0), (7, "ink", 7.25), (8, "desk", 120.0), (9, "pen", 2.5)],
    ("2024", "02"): [(10, "lamp", 35.5), (11, "ink", 7.25)],
}


def sales_csv(rows: list[tuple[int, str, float]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "item", "amount"])
    writer.writerows(rows)
    return out.getvalue().encode()


@dataclass
class Lake:
    """A bucket, a database in the catalog, and a way to run SQL against them."""

    athena: Any
    s3: Any
    bucket: str
    database: str

    @property
    def output(self) -> str:
        return f"s3://{self.bucket}/results/"

    def start(self, sql: str, **kwargs: Any) -> str:
        params: dict[str, Any] = {
            "QueryString": sql,
            "QueryExecutionContext": {"Database": self.database},
            "ResultConfiguration": {"OutputLocation": self.output},
        }
        params.update(kwargs)
        return self.athena.start_query_execution(**params)["QueryExecutionId"]

    def wait(self, query_id: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            execution = self.athena.get_query_execution(QueryExecutionId=query_id)
            if execution["QueryExecution"]["Status"]["State"] in FINAL:
                return execution["QueryExecution"]
            time.sleep(0.02)
        raise AssertionError(f"query {query_id} did not finish in {timeout}s")

    def run(self, sql: str, **kwargs: Any) -> dict[str, Any]:
        """Run to the end; fail the test unless it SUCCEEDED."""
        execution = self.wait(self.start(sql, **kwargs))
        status = execution["Status"]
        assert status["State"] == "SUCCEEDED", f"{sql}: {status.get('StateChangeReason')}"
        return execution

    def fail(self, sql: str) -> dict[str, Any]:
        execution = self.wait(self.start(sql))
        assert execution["Status"]["State"] == "FAILED", sql
        return execution

    def rows(self, sql: str) -> list[list[str | None]]:
        """The data rows (header row dropped) of a SELECT."""
        execution = self.run(sql)
        found = all_rows(self.athena, execution["QueryExecutionId"])
        return found[1:] if execution["StatementType"] == "DML" else found

    def put(self, key: str, body: bytes) -> None:
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)


def all_rows(athena: Any, query_id: str, page_size: int = 1000) -> list[list[str | None]]:
    rows: list[list[str | None]] = []
    token = None
    while True:
        params: dict[str, Any] = {"QueryExecutionId": query_id, "MaxResults": page_size}
        if token:
            params["NextToken"] = token
        page = athena.get_query_results(**params)
        rows.extend(
            [cell.get("VarCharValue") for cell in row["Data"]] for row in page["ResultSet"]["Rows"]
        )
        token = page.get("NextToken")
        if not token:
            return rows


@pytest.fixture(scope="session")
def athena(client_factory: Callable[..., Any]) -> Any:
    return client_factory("athena")


@pytest.fixture(scope="session")
def glue(client_factory: Callable[..., Any]) -> Any:
    return client_factory("glue")


@pytest.fixture
def lake(athena: Any, s3: Any, bucket_factory: Callable[..., str]) -> Lake:
    bucket = bucket_factory("lake")
    database = f"db_{uuid.uuid4().hex[:10]}"
    lake = Lake(athena, s3, bucket, database)
    lake.run(f"CREATE DATABASE {database}")
    return lake


@pytest.fixture
def sales_lake(lake: Lake) -> Lake:
    """The lab's sales CSV files under ``sales/year=/month=/``, as table ``sales``."""
    for (year, month), rows in SALES.items():
        lake.put(f"sales/year={year}/month={month}/part-0.csv", sales_csv(rows))
    lake.run(
        "CREATE EXTERNAL TABLE sales (id bigint, item string, amount double) "
        "PARTITIONED BY (year string, month string) "
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
        f"LOCATION 's3://{lake.bucket}/sales/' "
        "TBLPROPERTIES ('skip.header.line.count'='1')"
    )
    lake.run("MSCK REPAIR TABLE sales")
    return lake
