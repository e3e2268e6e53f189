"""S3 Inventory pieces: column order, CSV values, file schemas, schedules, and claims of a
day's report by two workers sharing one database."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cloudlet.core.errors import InvalidArgument, MalformedXML
from cloudlet.core.store import Store
from cloudlet.services.s3 import inventory
from cloudlet.services.s3.buckets import Bucket, Buckets
from cloudlet.services.s3.inventory_jobs import RUNS, InventoryRunner, due
from cloudlet.services.s3.schema import MIGRATIONS


def config(**fields: Any) -> dict[str, Any]:
    return {
        "Id": "c",
        "IsEnabled": True,
        "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::dst", "Format": "CSV"}},
        "IncludedObjectVersions": "Current",
        "Schedule": {"Frequency": "Daily"},
        **fields,
    }


def test_columns_follow_s3s_order_whatever_the_order_asked() -> None:
    asked = config(OptionalFields=["ObjectOwner", "ETag", "Size", "StorageClass"])
    assert inventory.columns(asked) == [
        "Bucket",
        "Key",
        "Size",
        "ETag",
        "StorageClass",
        "ObjectOwner",
    ]
    everything = config(IncludedObjectVersions="All", OptionalFields=["LastModifiedDate"])
    assert inventory.columns(everything) == [
        "Bucket",
        "Key",
        "VersionId",
        "IsLatest",
        "IsDeleteMarker",
        "LastModifiedDate",
    ]


def test_csv_values() -> None:
    assert inventory.csv_value("Key", "a b/c+d é") == "a+b/c%2Bd+%C3%A9"
    assert inventory.csv_value("IsLatest", True) == "true"
    assert inventory.csv_value("Size", 0) == "0"
    assert inventory.csv_value("Size", None) == ""
    assert inventory.csv_value("LastModifiedDate", 1700000000.5) == "2023-11-14T22:13:20.500Z"


def test_file_schemas() -> None:
    names = ["Bucket", "Key", "IsLatest", "Size", "LastModifiedDate", "ETag"]
    assert inventory.file_schema("CSV", names) == (
        "Bucket, Key, IsLatest, Size, LastModifiedDate, ETag"
    )
    assert inventory.file_schema("ORC", names) == (
        "struct<bucket:string,key:string,is_latest:boolean,size:bigint,"
        "last_modified_date:timestamp,e_tag:string>"
    )
    assert inventory.file_schema("Parquet", names) == (
        "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); "
        "optional boolean is_latest; optional int64 size; "
        "optional int64 last_modified_date (TIMESTAMP_MILLIS); optional binary e_tag (UTF8);}"
    )


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"Id": "other"}, InvalidArgument),
        ({"IsEnabled": None}, MalformedXML),
        ({"OptionalFields": ["Bogus"]}, MalformedXML),
        ({"Schedule": {"Frequency": "Monthly"}}, MalformedXML),
        (
            {"Destination": {"S3BucketDestination": {"Bucket": "dst", "Format": "CSV"}}},
            InvalidArgument,
        ),
        (
            {
                "Destination": {
                    "S3BucketDestination": {
                        "Bucket": "arn:aws:s3:::dst",
                        "Format": "CSV",
                        "Encryption": {"SSEKMS": {}},
                    }
                }
            },
            MalformedXML,
        ),
    ],
)
def test_validation(change: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        inventory.validate("c", config(**change))


def test_schedules() -> None:
    assert not due("Daily", {"since": 10}, 10)
    assert due("Daily", {"since": 10}, 11)
    assert not due("Daily", {"since": 10, "last": 11}, 11)
    assert not due("Weekly", {"since": 10}, 16)
    assert due("Weekly", {"since": 10}, 17)
    assert not due("Weekly", {"since": 10, "last": 17}, 23)
    assert due("Weekly", {"since": 10, "last": 17}, 24)


def test_a_days_report_is_claimed_once_across_workers(tmp_path: Path) -> None:
    """Two workers (two stores on one database file) race for the same day's report."""
    runners = []
    for _ in range(2):
        store = Store(tmp_path / "s3.db", MIGRATIONS)
        buckets = Buckets(store)
        runners.append(InventoryRunner(SimpleNamespace(store=store, buckets=buckets, day=86400)))
    buckets = runners[0].s3.buckets
    buckets.create(Bucket("src", "000000000000", "us-east-1", 0.0))
    buckets.put_config("src", RUNS, {"c": {"since": 5}})
    wins: list[bool] = []
    start = threading.Barrier(8)

    def claim(runner: InventoryRunner) -> None:
        start.wait()
        wins.append(runner._claim("src", "c", config(), 6))

    threads = [threading.Thread(target=claim, args=(runners[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]
    assert buckets.fresh_config("src", RUNS) == {"c": {"since": 5, "last": 6}}
    assert not runners[1]._claim("src", "c", config(), 6)
    assert runners[1]._claim("src", "c", config(), 7)
