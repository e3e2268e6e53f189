"""Shared Glue test helpers: clients, unique names, a database factory, error checks."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/AWSGlueServiceRole-lab"


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def expect_error(
    call: Callable[[], Any], code: str, status: int = 400, message: str | None = None
) -> dict[str, Any]:
    """Run ``call``; it must fail with AWS error ``code``, HTTP ``status`` and ``message``."""
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    if message is not None:
        assert response["Error"]["Message"] == message, response
    return response


def wait_ready(glue: Any, name: str, timeout: float = 30) -> dict[str, Any]:
    """Poll GetCrawler until the crawler is READY after a run; its shape."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and "LastCrawl" in crawler:
            return crawler
        time.sleep(0.05)
    raise AssertionError(
        f"crawler {name} did not finish: State {crawler['State']}, "
        f"LastCrawl {crawler.get('LastCrawl')}"
    )


def last_crawl(crawler: dict[str, Any]) -> str:
    """The crawler's last run, for assertion messages (the whole shape is too long: pytest
    cuts it before the ErrorMessage)."""
    return f"LastCrawl: {crawler.get('LastCrawl')}"


@pytest.fixture(scope="session")
def glue(client_factory: Callable[..., Any]) -> Any:
    return client_factory("glue")


@pytest.fixture
def database(glue: Any) -> Iterator[str]:
    """A fresh database, dropped (with its tables) after the test."""
    name = unique("db")
    glue.create_database(DatabaseInput={"Name": name})
    yield name
    with contextlib.suppress(ClientError):
        glue.delete_database(Name=name)


@pytest.fixture
def table(glue: Any, database: str) -> str:
    """A table partitioned by year (string) and month (int)."""
    name = unique("sales")
    glue.create_table(
        DatabaseName=database,
        TableInput={
            "Name": name,
            "TableType": "EXTERNAL_TABLE",
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "bigint"}, {"Name": "amount", "Type": "double"}],
                "Location": f"s3://lake/{name}/",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                    "Parameters": {"field.delim": ","},
                },
            },
            "PartitionKeys": [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "int"}],
            "Parameters": {"classification": "csv"},
        },
    )
    return name
