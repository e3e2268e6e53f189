"""Partitions: CRUD, batches, Expression filters typed by the keys, pagination."""

from __future__ import annotations

from typing import Any

from .conftest import expect_error

MONTHS = [("2023", "11"), ("2023", "12"), ("2024", "1"), ("2024", "2"), ("2024", "10")]


def _input(year: str, month: str, table: str) -> dict[str, Any]:
    return {
        "Values": [year, month],
        "StorageDescriptor": {"Location": f"s3://lake/{table}/year={year}/month={month}/"},
        "Parameters": {"p": f"{year}-{month}"},
    }


def _fill(glue: Any, database: str, table: str) -> None:
    out = glue.batch_create_partition(
        DatabaseName=database,
        TableName=table,
        PartitionInputList=[_input(y, m, table) for y, m in MONTHS],
    )
    assert out["Errors"] == []


def _values(glue: Any, database: str, table: str, expression: str) -> list[list[str]]:
    pages = glue.get_paginator("get_partitions").paginate(
        DatabaseName=database, TableName=table, Expression=expression
    )
    return sorted(p["Values"] for page in pages for p in page["Partitions"])


def test_partition_crud(glue: Any, database: str, table: str) -> None:
    glue.create_partition(
        DatabaseName=database, TableName=table, PartitionInput=_input("2024", "3", table)
    )
    got = glue.get_partition(DatabaseName=database, TableName=table, PartitionValues=["2024", "3"])
    part = got["Partition"]
    assert part["Values"] == ["2024", "3"] and part["TableName"] == table
    assert part["StorageDescriptor"]["Location"].endswith("year=2024/month=3/")
    assert part["Parameters"] == {"p": "2024-3"} and part["CreationTime"]
    expect_error(
        lambda: glue.create_partition(
            DatabaseName=database, TableName=table, PartitionInput=_input("2024", "3", table)
        ),
        "AlreadyExistsException",
        message="Partition already exists.",
    )
    expect_error(
        lambda: glue.create_partition(
            DatabaseName=database, TableName=table, PartitionInput={"Values": ["2024"]}
        ),
        "InvalidInputException",
    )
    glue.update_partition(
        DatabaseName=database,
        TableName=table,
        PartitionValueList=["2024", "3"],
        PartitionInput={**_input("2024", "4", table), "Parameters": {"moved": "yes"}},
    )
    expect_error(
        lambda: glue.get_partition(
            DatabaseName=database, TableName=table, PartitionValues=["2024", "3"]
        ),
        "EntityNotFoundException",
        message="Cannot find partition.",
    )
    moved = glue.get_partition(
        DatabaseName=database, TableName=table, PartitionValues=["2024", "4"]
    )
    assert moved["Partition"]["Parameters"] == {"moved": "yes"}
    glue.delete_partition(DatabaseName=database, TableName=table, PartitionValues=["2024", "4"])
    expect_error(
        lambda: glue.delete_partition(
            DatabaseName=database, TableName=table, PartitionValues=["2024", "4"]
        ),
        "EntityNotFoundException",
    )


def test_batches(glue: Any, database: str, table: str) -> None:
    _fill(glue, database, table)
    again = glue.batch_create_partition(
        DatabaseName=database,
        TableName=table,
        PartitionInputList=[_input("2023", "11", table), _input("2030", "1", table)],
    )
    assert [e["PartitionValues"] for e in again["Errors"]] == [["2023", "11"]]
    assert again["Errors"][0]["ErrorDetail"]["ErrorCode"] == "AlreadyExistsException"
    got = glue.batch_get_partition(
        DatabaseName=database,
        TableName=table,
        PartitionsToGet=[{"Values": ["2023", "12"]}, {"Values": ["1999", "1"]}],
    )
    assert [p["Values"] for p in got["Partitions"]] == [["2023", "12"]]
    updated = glue.batch_update_partition(
        DatabaseName=database,
        TableName=table,
        Entries=[
            {"PartitionValueList": ["2024", "1"], "PartitionInput": _input("2024", "1", "x")},
            {"PartitionValueList": ["1999", "1"], "PartitionInput": _input("1999", "1", "x")},
        ],
    )
    assert [e["PartitionValueList"] for e in updated["Errors"]] == [["1999", "1"]]
    deleted = glue.batch_delete_partition(
        DatabaseName=database,
        TableName=table,
        PartitionsToDelete=[{"Values": ["2030", "1"]}, {"Values": ["1999", "1"]}],
    )
    assert [e["PartitionValues"] for e in deleted["Errors"]] == [["1999", "1"]]
    assert len(_values(glue, database, table, "year > '0'")) == len(MONTHS)


def test_expression_filters(glue: Any, database: str, table: str) -> None:
    _fill(glue, database, table)
    assert _values(glue, database, table, "year = '2024'") == [
        ["2024", "1"],
        ["2024", "10"],
        ["2024", "2"],
    ]
    # month is an int key: 10 > 2 numerically.
    assert _values(glue, database, table, "year='2024' AND month > 2") == [["2024", "10"]]
    assert _values(glue, database, table, "month BETWEEN 2 AND 11") == [
        ["2023", "11"],
        ["2024", "10"],
        ["2024", "2"],
    ]
    assert _values(
        glue, database, table, "month IN (1, 12) OR NOT year <> '2024' AND month = 10"
    ) == [
        ["2023", "12"],
        ["2024", "1"],
        ["2024", "10"],
    ]
    assert _values(glue, database, table, "year LIKE '%23'") == [["2023", "11"], ["2023", "12"]]
    expect_error(
        lambda: glue.get_partitions(DatabaseName=database, TableName=table, Expression="x = 1"),
        "InvalidInputException",
    )


def test_pagination_and_segments(glue: Any, database: str, table: str) -> None:
    _fill(glue, database, table)
    seen: list[list[str]] = []
    token = None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = glue.get_partitions(DatabaseName=database, TableName=table, MaxResults=2, **kwargs)
        assert len(page["Partitions"]) <= 2
        seen += [p["Values"] for p in page["Partitions"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sorted(seen) == sorted([list(m) for m in MONTHS])
    halves = [
        glue.get_partitions(
            DatabaseName=database,
            TableName=table,
            Segment={"SegmentNumber": n, "TotalSegments": 2},
            ExcludeColumnSchema=True,
        )["Partitions"]
        for n in (0, 1)
    ]
    assert len(halves[0]) + len(halves[1]) == len(MONTHS)
