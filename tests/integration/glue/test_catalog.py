"""Databases, tables, versions, search, connections, statistics and tags through boto3."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ..conftest import Server, make_client
from .conftest import expect_error, unique


def test_database_crud_and_hive_names(glue: Any) -> None:
    name = unique("Mixed_Case")
    glue.create_database(
        DatabaseInput={"Name": name, "Description": "d", "Parameters": {"k": "v"}},
        Tags={"team": "data"},
    )
    db = glue.get_database(Name=name)["Database"]
    assert db["Name"] == name.lower() and db["Description"] == "d"
    assert db["Parameters"] == {"k": "v"} and db["CatalogId"] == "000000000000"
    assert glue.get_database(Name=name.lower())["Database"]["Name"] == name.lower()
    expect_error(
        lambda: glue.create_database(DatabaseInput={"Name": name.upper()}),
        "AlreadyExistsException",
        message="Database already exists.",
    )
    glue.update_database(Name=name, DatabaseInput={"Name": name, "Description": "new"})
    assert glue.get_database(Name=name)["Database"]["Description"] == "new"
    arn = f"arn:aws:glue:us-east-1:000000000000:database/{name.lower()}"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}
    glue.delete_database(Name=name)
    expect_error(
        lambda: glue.get_database(Name=name),
        "EntityNotFoundException",
        message=f"Database {name.lower()} not found.",
    )
    expect_error(lambda: glue.delete_database(Name=name), "EntityNotFoundException")


def test_get_databases_paginates(glue: Any) -> None:
    names = sorted(unique("page") for _ in range(5))
    for name in names:
        glue.create_database(DatabaseInput={"Name": name})
    try:
        seen: list[str] = []
        for page in glue.get_paginator("get_databases").paginate(PaginationConfig={"PageSize": 2}):
            assert len(page["DatabaseList"]) <= 2
            seen += [d["Name"] for d in page["DatabaseList"]]
        assert [n for n in seen if n in names] == names
        assert len(seen) == len(set(seen))
    finally:
        for name in names:
            glue.delete_database(Name=name)


def test_table_crud_versions_and_errors(glue: Any, database: str, table: str) -> None:
    got = glue.get_table(DatabaseName=database, Name=table.upper())["Table"]
    assert got["Name"] == table and got["DatabaseName"] == database
    assert got["VersionId"] == "0" and got["Parameters"] == {"classification": "csv"}
    assert [k["Name"] for k in got["PartitionKeys"]] == ["year", "month"]
    assert got["StorageDescriptor"]["SerdeInfo"]["Parameters"] == {"field.delim": ","}
    assert got["CreateTime"] and got["UpdateTime"]
    expect_error(
        lambda: glue.create_table(DatabaseName=database, TableInput={"Name": table}),
        "AlreadyExistsException",
        message="Table already exists.",
    )
    expect_error(
        lambda: glue.get_table(DatabaseName=database, Name="nope"),
        "EntityNotFoundException",
        message="Table nope not found.",
    )
    expect_error(
        lambda: glue.get_table(DatabaseName="no_such_db", Name=table),
        "EntityNotFoundException",
        message="Database no_such_db not found.",
    )
    expect_error(
        lambda: glue.create_table(DatabaseName=database, TableInput={"Name": "bad\nname"}),
        "InvalidInputException",
    )
    for description in ("one", "two"):
        glue.update_table(
            DatabaseName=database, TableInput={"Name": table, "Description": description}
        )
    versions = glue.get_table_versions(DatabaseName=database, TableName=table)["TableVersions"]
    assert [v["VersionId"] for v in versions] == ["2", "1", "0"]
    assert versions[0]["Table"]["Description"] == "two"
    old = glue.get_table_version(DatabaseName=database, TableName=table, VersionId="0")
    assert "Description" not in old["TableVersion"]["Table"]
    expect_error(
        lambda: glue.update_table(DatabaseName=database, TableInput={"Name": table}, VersionId="1"),
        "ConcurrentModificationException",
    )
    glue.delete_table_version(DatabaseName=database, TableName=table, VersionId="1")
    errors = glue.batch_delete_table_version(
        DatabaseName=database, TableName=table, VersionIds=["0", "9"]
    )["Errors"]
    assert [e["VersionId"] for e in errors] == ["9"]
    page = glue.get_table_versions(DatabaseName=database, TableName=table)["TableVersions"]
    assert [v["VersionId"] for v in page] == ["2"]
    errors = glue.batch_delete_table(DatabaseName=database, TablesToDelete=[table, "ghost"])
    assert [e["TableName"] for e in errors["Errors"]] == ["ghost"]
    assert errors["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"
    expect_error(
        lambda: glue.delete_table(DatabaseName=database, Name=table), "EntityNotFoundException"
    )


def test_get_tables_expression_and_pagination(glue: Any, database: str) -> None:
    for name in ("sales_2023", "sales_2024", "orders", "Customers"):
        glue.create_table(DatabaseName=database, TableInput={"Name": name})

    def names(**kw: Any) -> list[str]:
        return [t["Name"] for t in glue.get_tables(DatabaseName=database, **kw)["TableList"]]

    assert names() == ["customers", "orders", "sales_2023", "sales_2024"]
    assert names(Expression="sales*") == ["sales_2023", "sales_2024"]
    assert names(Expression="orders|CUSTOMERS") == ["customers", "orders"]
    assert names(Expression=".*_2024") == ["sales_2024"]
    first = glue.get_tables(DatabaseName=database, MaxResults=3)
    assert len(first["TableList"]) == 3 and first["NextToken"]
    rest = glue.get_tables(DatabaseName=database, MaxResults=3, NextToken=first["NextToken"])
    assert [t["Name"] for t in rest["TableList"]] == ["sales_2024"] and "NextToken" not in rest
    expect_error(lambda: glue.get_tables(DatabaseName="missing_db"), "EntityNotFoundException")


def test_search_tables(glue: Any, database: str) -> None:
    marker = unique("needle")
    glue.create_table(
        DatabaseName=database,
        TableInput={
            "Name": "t1",
            "Description": f"has {marker}",
            "Parameters": {"classification": "parquet"},
        },
    )
    glue.create_table(DatabaseName=database, TableInput={"Name": "t2", "Owner": marker})
    found = glue.search_tables(SearchText=marker)["TableList"]
    assert [t["Name"] for t in found] == ["t1"]
    found = glue.search_tables(
        Filters=[
            {"Key": "DatabaseName", "Value": database, "Comparator": "EQUALS"},
            {"Key": "classification", "Value": "parquet"},
        ]
    )["TableList"]
    assert [t["Name"] for t in found] == ["t1"]
    found = glue.search_tables(
        Filters=[{"Key": "DatabaseName", "Value": database}],
        SortCriteria=[{"FieldName": "Name", "Sort": "DESC"}],
    )["TableList"]
    assert [t["Name"] for t in found] == ["t2", "t1"]


def test_connections(glue: Any) -> None:
    name = unique("jdbc")
    props = {"JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/x", "USERNAME": "u", "PASSWORD": "p"}
    glue.create_connection(
        ConnectionInput={"Name": name, "ConnectionType": "JDBC", "ConnectionProperties": props}
    )
    got = glue.get_connection(Name=name)["Connection"]
    assert got["ConnectionProperties"] == props and got["ConnectionType"] == "JDBC"
    hidden = glue.get_connection(Name=name, HidePassword=True)["Connection"]
    assert "PASSWORD" not in hidden["ConnectionProperties"]
    listed = glue.get_connections(Filter={"ConnectionType": "JDBC"})["ConnectionList"]
    assert name in [c["Name"] for c in listed]
    expect_error(
        lambda: glue.create_connection(
            ConnectionInput={"Name": name, "ConnectionType": "JDBC", "ConnectionProperties": {}}
        ),
        "AlreadyExistsException",
    )
    glue.update_connection(
        Name=name,
        ConnectionInput={"Name": name, "ConnectionType": "JDBC", "ConnectionProperties": {}},
    )
    assert glue.get_connection(Name=name)["Connection"]["ConnectionProperties"] == {}
    out = glue.batch_delete_connection(ConnectionNameList=[name, "ghost-conn"])
    assert out["Succeeded"] == [name] and list(out["Errors"]) == ["ghost-conn"]
    expect_error(lambda: glue.get_connection(Name=name), "EntityNotFoundException")


def test_column_statistics(glue: Any, database: str, table: str) -> None:
    stats = {
        "ColumnName": "id",
        "ColumnType": "bigint",
        "AnalyzedTime": 1700000000,
        "StatisticsData": {
            "Type": "LONG",
            "LongColumnStatisticsData": {
                "MinimumValue": 1,
                "MaximumValue": 9,
                "NumberOfNulls": 0,
                "NumberOfDistinctValues": 9,
            },
        },
    }
    ghost = {**stats, "ColumnName": "ghost"}
    out = glue.update_column_statistics_for_table(
        DatabaseName=database, TableName=table, ColumnStatisticsList=[stats, ghost]
    )
    assert [e["ColumnStatistics"]["ColumnName"] for e in out["Errors"]] == ["ghost"]
    got = glue.get_column_statistics_for_table(
        DatabaseName=database, TableName=table, ColumnNames=["id", "amount"]
    )
    assert (
        got["ColumnStatisticsList"][0]["StatisticsData"]["LongColumnStatisticsData"]["MaximumValue"]
        == 9
    )
    assert [e["ColumnName"] for e in got["Errors"]] == ["amount"]
    glue.create_partition(
        DatabaseName=database, TableName=table, PartitionInput={"Values": ["2024", "1"]}
    )
    glue.update_column_statistics_for_partition(
        DatabaseName=database,
        TableName=table,
        PartitionValues=["2024", "1"],
        ColumnStatisticsList=[stats],
    )
    got = glue.get_column_statistics_for_partition(
        DatabaseName=database, TableName=table, PartitionValues=["2024", "1"], ColumnNames=["id"]
    )
    assert len(got["ColumnStatisticsList"]) == 1
    glue.delete_column_statistics_for_table(DatabaseName=database, TableName=table, ColumnName="id")
    expect_error(
        lambda: glue.delete_column_statistics_for_table(
            DatabaseName=database, TableName=table, ColumnName="id"
        ),
        "EntityNotFoundException",
    )


def test_iam_scopes_catalog_access_to_one_database(
    server: Server, client_factory: Callable[..., Any], glue: Any, database: str, table: str
) -> None:
    iam = client_factory("iam")
    user = unique("glue-user")
    iam.create_user(UserName=user)
    arn = "arn:aws:glue:us-east-1:000000000000"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
                "Resource": [
                    f"{arn}:catalog",
                    f"{arn}:database/{database}",
                    f"{arn}:table/{database}/*",
                ],
            }
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="one-db", PolicyDocument=json.dumps(policy))
    creds = iam.create_access_key(UserName=user)["AccessKey"]
    as_user = make_client(
        server.endpoint,
        "glue",
        access_key=creds["AccessKeyId"],
        secret_key=creds["SecretAccessKey"],
    )
    assert as_user.get_table(DatabaseName=database, Name=table)["Table"]["Name"] == table
    assert as_user.get_partitions(DatabaseName=database, TableName=table)["Partitions"] == []
    other = unique("other")
    glue.create_database(DatabaseInput={"Name": other})
    try:
        for call in (
            lambda: as_user.get_tables(DatabaseName=other),
            lambda: as_user.delete_table(DatabaseName=database, Name=table),
            lambda: as_user.create_database(DatabaseInput={"Name": unique("nope")}),
        ):
            with pytest.raises(ClientError) as info:
                call()
            # The shared authorizer answers AccessDenied (403) for every protocol today.
            assert info.value.response["Error"]["Code"].startswith("AccessDenied")
    finally:
        glue.delete_database(Name=other)
        iam.delete_user_policy(UserName=user, PolicyName="one-db")
        iam.delete_access_key(UserName=user, AccessKeyId=creds["AccessKeyId"])
        iam.delete_user(UserName=user)
