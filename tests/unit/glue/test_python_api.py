"""The Python API other services (Athena) call, on a cloud of the test's own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from cloudlet.core.cloud import Cloud
from cloudlet.core.config import Config
from cloudlet.services.glue.errors import AlreadyExistsException, EntityNotFoundException
from cloudlet.services.glue.handlers import Glue

ACCOUNT, REGION = "000000000000", "us-east-1"


@pytest.fixture
def glue(tmp_path: Path) -> Iterator[Glue]:
    cloud = Cloud(Config(data_dir=tmp_path / "data", durability="process"))
    yield cast(Glue, cloud.service("glue"))
    cloud.close()


def test_catalog_round_trip(glue: Glue) -> None:
    glue.create_database(ACCOUNT, REGION, {"Name": "Lab"})
    assert glue.get_database(ACCOUNT, REGION, "lab")["Name"] == "lab"  # type: ignore[index]
    with pytest.raises(AlreadyExistsException):
        glue.create_database(ACCOUNT, REGION, {"Name": "lab"})
    table_input: dict[str, Any] = {
        "Name": "Sales",
        "StorageDescriptor": {"Columns": [{"Name": "amount", "Type": "double"}]},
        "PartitionKeys": [{"Name": "month", "Type": "int"}],
    }
    glue.create_table(ACCOUNT, REGION, "lab", table_input)
    table = glue.get_table(ACCOUNT, REGION, "LAB", "sales")
    assert table is not None and table["Name"] == "sales" and table["VersionId"] == "0"
    assert isinstance(table["CreateTime"], float)
    assert [t["Name"] for t in glue.list_tables(ACCOUNT, REGION, "lab")] == ["sales"]
    errors = glue.create_partitions(
        ACCOUNT, REGION, "lab", "sales", [{"Values": [str(m)]} for m in (1, 2, 10, 2)]
    )
    assert [e["ErrorDetail"]["ErrorCode"] for e in errors] == ["AlreadyExistsException"]
    found = glue.get_partitions(ACCOUNT, REGION, "lab", "sales", "month >= 2")
    assert sorted(p["Values"][0] for p in found) == ["10", "2"]
    glue.delete_partition(ACCOUNT, REGION, "lab", "sales", ["2"])
    with pytest.raises(EntityNotFoundException):
        glue.delete_partition(ACCOUNT, REGION, "lab", "sales", ["2"])
    assert len(glue.get_partitions(ACCOUNT, REGION, "lab", "sales")) == 2
    glue.delete_table(ACCOUNT, REGION, "lab", "sales")
    assert glue.get_table(ACCOUNT, REGION, "lab", "sales") is None
    assert glue.get_table(ACCOUNT, REGION, "nowhere", "sales") is None
    with pytest.raises(EntityNotFoundException):
        glue.list_tables(ACCOUNT, REGION, "nowhere")


def test_crawl_log(glue: Glue) -> None:
    doc = {
        "Name": "c",
        "Role": "r",
        "DatabaseName": "lab",
        "Targets": {"S3Targets": [{"Path": "s3://missing-bucket/x/"}]},
    }
    glue.crawlers.create(ACCOUNT, REGION, doc, None)
    crawl_id = glue.runner.start(ACCOUNT, REGION, "c")
    deadline = time.time() + 10
    while glue.crawlers.require(ACCOUNT, REGION, "c")["_state"] != "READY":
        assert time.time() < deadline
        time.sleep(0.02)
    lines = glue.crawl_log(ACCOUNT, REGION, "c")
    assert all(line["message"].startswith(f"[{crawl_id}] ") for line in lines)
    assert "Running Start Crawl for Crawler c" in lines[0]["message"]
    assert any("missing-bucket" in line["message"] for line in lines)
    with pytest.raises(EntityNotFoundException):
        glue.crawl_log(ACCOUNT, REGION, "ghost")
