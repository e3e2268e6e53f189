"""The data-lake lab, as a user types it: files land in S3, a crawler infers the tables."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

from ..conftest import AwsCli
from .conftest import ROLE, last_crawl, unique

SALES = {
    ("2024", "01"): [("1", "widget", "10"), ("2", "gadget", "2.5")],
    ("2024", "02"): [("3", "widget", "7"), ("4", "doohickey", "")],
    ("2024", "03"): [("5", "gizmo", "1.25"), ("6", "widget", "3"), ("7", "gadget", "4")],
}
EVENTS = {
    "2024-01-01": [{"user": "a", "n": 1, "ctx": {"ip": "1.1.1.1"}}, {"user": "b", "n": 2}],
    "2024-01-02": [{"user": "c", "n": 3, "tags": ["x", "y"], "score": 0.5}],
}


def _upload(s3: Any, bucket: str) -> None:
    for (year, month), rows in SALES.items():
        body = io.StringIO()
        writer = csv.writer(body, lineterminator="\n")
        writer.writerow(["id", "product", "amount"])
        writer.writerows(rows)
        key = f"sales/year={year}/month={month}/part-0.csv"
        s3.put_object(Bucket=bucket, Key=key, Body=body.getvalue().encode())
    for day, records in EVENTS.items():
        body = "\n".join(json.dumps(r) for r in records) + "\n"
        s3.put_object(Bucket=bucket, Key=f"events/dt={day}/events.json", Body=body.encode())
    s3.put_object(Bucket=bucket, Key="sales/_SUCCESS", Body=b"")


def _wait(aws: AwsCli, name: str) -> dict[str, Any]:
    deadline = time.time() + 30
    while time.time() < deadline:
        crawler = aws.json("glue", "get-crawler", "--name", name)["Crawler"]
        if crawler["State"] == "READY" and "LastCrawl" in crawler:
            return crawler
        time.sleep(0.2)
    raise AssertionError(f"crawler did not finish: State {crawler['State']}, {last_crawl(crawler)}")


def test_lab_through_the_aws_cli(aws: AwsCli, s3: Any, bucket: str) -> None:
    _upload(s3, bucket)
    database, crawler = unique("lab"), unique("lab-crawler")
    aws("glue", "create-database", "--database-input", json.dumps({"Name": database}))
    targets = {"S3Targets": [{"Path": f"s3://{bucket}/sales/"}, {"Path": f"s3://{bucket}/events"}]}
    aws(
        "glue", "create-crawler", "--name", crawler, "--role", ROLE,
        "--database-name", database, "--targets", json.dumps(targets),
    )  # fmt: skip
    aws("glue", "start-crawler", "--name", crawler)
    state = _wait(aws, crawler)
    assert state["LastCrawl"]["Status"] == "SUCCEEDED", last_crawl(state)
    assert state["LastCrawl"]["LogGroup"] == "/aws-glue/crawlers"

    tables = aws.json("glue", "get-tables", "--database-name", database)["TableList"]
    assert sorted(t["Name"] for t in tables) == ["events", "sales"]

    sales = aws.json("glue", "get-table", "--database-name", database, "--name", "sales")["Table"]
    sd = sales["StorageDescriptor"]
    assert [(c["Name"], c["Type"]) for c in sd["Columns"]] == [
        ("id", "bigint"),
        ("product", "string"),
        ("amount", "double"),
    ]
    assert [(k["Name"], k["Type"]) for k in sales["PartitionKeys"]] == [
        ("year", "string"),
        ("month", "string"),
    ]
    assert sd["Location"] == f"s3://{bucket}/sales/"
    assert sd["InputFormat"] == "org.apache.hadoop.mapred.TextInputFormat"
    assert sd["OutputFormat"] == "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
    assert sd["SerdeInfo"] == {
        "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
        "Parameters": {"field.delim": ","},
    }
    params = sales["Parameters"]
    assert params["classification"] == "csv" and params["skip.header.line.count"] == "1"
    assert params["delimiter"] == "," and params["UPDATED_BY_CRAWLER"] == crawler
    assert params["objectCount"] == "3" and params["typeOfData"] == "file"
    assert params["recordCount"] == str(sum(len(rows) for rows in SALES.values()))
    assert params["compressionType"] == "none" and sales["TableType"] == "EXTERNAL_TABLE"

    parts = aws.json(
        "glue", "get-partitions", "--database-name", database, "--table-name", "sales",
        "--expression", "year = '2024' AND month >= '02'",
    )["Partitions"]  # fmt: skip
    assert sorted(p["Values"] for p in parts) == [["2024", "02"], ["2024", "03"]]
    for part in parts:
        year, month = part["Values"]
        location = f"s3://{bucket}/sales/year={year}/month={month}/"
        assert part["StorageDescriptor"]["Location"] == location
        assert part["Parameters"]["recordCount"] == str(len(SALES[(year, month)]))

    events = aws.json("glue", "get-table", "--database-name", database, "--name", "events")
    columns = events["Table"]["StorageDescriptor"]["Columns"]
    assert [(c["Name"], c["Type"]) for c in columns] == [
        ("user", "string"),
        ("n", "bigint"),
        ("ctx", "struct<ip:string>"),
        ("tags", "array<string>"),
        ("score", "double"),
    ]
    serde = events["Table"]["StorageDescriptor"]["SerdeInfo"]
    assert serde["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    assert [k["Name"] for k in events["Table"]["PartitionKeys"]] == ["dt"]

    metrics = aws.json("glue", "get-crawler-metrics", "--crawler-name-list", crawler)
    assert metrics["CrawlerMetricsList"][0]["TablesCreated"] == 2
    crawls = aws.json("glue", "list-crawls", "--crawler-name", crawler)["Crawls"]
    assert crawls[0]["State"] == "COMPLETED"
    assert json.loads(crawls[0]["Summary"])["TABLE"]["ADD"]["Count"] == 2
    aws("glue", "delete-crawler", "--name", crawler)
    aws("glue", "delete-database", "--name", database)
