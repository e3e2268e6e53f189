"""The Athena API around queries: failures, stopping, listing, workgroups, named queries,
data catalogs, idempotency and IAM."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ..conftest import make_client
from .conftest import Lake

LONG_QUERY = (
    "SELECT sum(a * b) FROM UNNEST(sequence(1, 20000)) AS t(a) "
    "CROSS JOIN UNNEST(sequence(1, 200000)) AS u(b)"
)


def error_of(call: Any) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value


def test_bad_sql_fails_with_a_reason(lake: Lake) -> None:
    cases = {
        "SELEC 1": "SYNTAX_ERROR",
        "SELECT * FROM no_such_table": "TABLE_NOT_FOUND",
        "SELECT * FROM no_such_db.t": "SCHEMA_NOT_FOUND",
        "SELECT nope FROM (VALUES 1) AS t(x)": "COLUMN_NOT_FOUND",
        "SELECT no_such_function(1)": "FUNCTION_NOT_FOUND",
        "SELECT CAST('abc' AS integer)": "INVALID_CAST_ARGUMENT",
    }
    for sql, kind in cases.items():
        execution = lake.fail(sql)
        status = execution["Status"]
        assert status["StateChangeReason"].startswith(kind), (sql, status)
        assert status["AthenaError"]["ErrorCategory"] == 2
        assert status["AthenaError"]["ErrorMessage"] == status["StateChangeReason"]
        error = error_of(
            lambda q=execution["QueryExecutionId"]: lake.athena.get_query_results(
                QueryExecutionId=q
            )
        )
        assert error.response["Error"]["Code"] == "InvalidRequestException"
        assert "FAILED" in error.response["Error"]["Message"]


def test_stop_a_running_query(lake: Lake) -> None:
    query_id = lake.start(LONG_QUERY)
    deadline = time.time() + 20
    while (
        lake.athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"][
            "State"
        ]
        == "QUEUED"
        and time.time() < deadline
    ):
        time.sleep(0.02)
    lake.athena.stop_query_execution(QueryExecutionId=query_id)
    execution = lake.wait(query_id)
    assert execution["Status"]["State"] == "CANCELLED"
    assert "CompletionDateTime" in execution["Status"]
    lake.athena.stop_query_execution(QueryExecutionId=query_id)  # stopping again is fine
    time.sleep(0.3)
    again = lake.athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
    assert again["Status"]["State"] == "CANCELLED"


def test_list_and_batch_get(lake: Lake, athena: Any) -> None:
    group = f"wg-{uuid.uuid4().hex[:8]}"
    athena.create_work_group(
        Name=group, Configuration={"ResultConfiguration": {"OutputLocation": lake.output}}
    )
    ids = [
        athena.start_query_execution(QueryString=f"SELECT {n}", WorkGroup=group)["QueryExecutionId"]
        for n in range(3)
    ]
    for query_id in ids:
        assert lake.wait(query_id)["Status"]["State"] == "SUCCEEDED"
    listed = athena.list_query_executions(WorkGroup=group)["QueryExecutionIds"]
    assert listed == list(reversed(ids))
    first = athena.list_query_executions(WorkGroup=group, MaxResults=2)
    assert first["QueryExecutionIds"] == list(reversed(ids))[:2]
    rest = athena.list_query_executions(WorkGroup=group, NextToken=first["NextToken"])
    assert rest["QueryExecutionIds"] == [ids[0]]
    batch = athena.batch_get_query_execution(QueryExecutionIds=[ids[0], "missing-id"])
    assert [q["QueryExecutionId"] for q in batch["QueryExecutions"]] == [ids[0]]
    assert batch["QueryExecutions"][0]["WorkGroup"] == group
    assert batch["UnprocessedQueryExecutionIds"][0]["QueryExecutionId"] == "missing-id"
    stats = athena.get_query_runtime_statistics(QueryExecutionId=ids[0])
    assert stats["QueryRuntimeStatistics"]["Rows"]["OutputRows"] == 1
    athena.delete_work_group(WorkGroup=group, RecursiveDeleteOption=True)


def test_client_request_token_is_idempotent(lake: Lake) -> None:
    token = uuid.uuid4().hex + uuid.uuid4().hex
    first = lake.start("SELECT 1", ClientRequestToken=token)
    second = lake.start("SELECT 1", ClientRequestToken=token)
    assert first == second
    assert lake.wait(first)["Status"]["State"] == "SUCCEEDED"
    error = error_of(lambda: lake.start("SELECT 2", ClientRequestToken=token))
    assert error.response["Error"]["Code"] == "InvalidRequestException"


def test_output_location_rules(lake: Lake, athena: Any) -> None:
    error = error_of(lambda: athena.start_query_execution(QueryString="SELECT 1"))
    assert error.response["Error"]["Code"] == "InvalidRequestException"
    assert "No output location provided" in error.response["Error"]["Message"]
    group = f"enforced-{uuid.uuid4().hex[:8]}"
    enforced = f"s3://{lake.bucket}/enforced/"
    athena.create_work_group(
        Name=group,
        Configuration={
            "ResultConfiguration": {"OutputLocation": enforced},
            "EnforceWorkGroupConfiguration": True,
        },
        Description="results always go to enforced/",
        Tags=[{"Key": "team", "Value": "data"}],
    )
    query_id = lake.start("SELECT 1", WorkGroup=group)
    execution = lake.wait(query_id)
    assert execution["ResultConfiguration"]["OutputLocation"] == f"{enforced}{query_id}.csv"
    lake.s3.head_object(Bucket=lake.bucket, Key=f"enforced/{query_id}.csv")
    described = athena.get_work_group(WorkGroup=group)["WorkGroup"]
    assert described["Configuration"]["EnforceWorkGroupConfiguration"] is True
    assert described["Description"] == "results always go to enforced/"
    arn = f"arn:aws:athena:us-east-1:000000000000:workgroup/{group}"
    assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "team", "Value": "data"}
    ]
    athena.update_work_group(WorkGroup=group, State="DISABLED")
    error = error_of(lambda: lake.start("SELECT 1", WorkGroup=group))
    assert "disabled" in error.response["Error"]["Message"]
    athena.update_work_group(
        WorkGroup=group,
        State="ENABLED",
        ConfigurationUpdates={"BytesScannedCutoffPerQuery": 10_000_000},
    )
    names = [g["Name"] for g in athena.list_work_groups()["WorkGroups"]]
    assert "primary" in names and group in names
    athena.delete_work_group(WorkGroup=group)
    error = error_of(lambda: athena.get_work_group(WorkGroup=group))
    assert error.response["Error"]["Code"] == "InvalidRequestException"


def test_named_queries(athena: Any) -> None:
    created = [
        athena.create_named_query(
            Name=f"q{n}", Database="default", QueryString=f"SELECT {n}", Description="saved"
        )["NamedQueryId"]
        for n in range(2)
    ]
    got = athena.get_named_query(NamedQueryId=created[0])["NamedQuery"]
    assert got["QueryString"] == "SELECT 0" and got["WorkGroup"] == "primary"
    listed = athena.list_named_queries()["NamedQueryIds"]
    assert set(created) <= set(listed)
    batch = athena.batch_get_named_query(NamedQueryIds=[*created, "nope"])
    assert sorted(q["Name"] for q in batch["NamedQueries"]) == ["q0", "q1"]
    assert batch["UnprocessedNamedQueryIds"][0]["NamedQueryId"] == "nope"
    athena.update_named_query(NamedQueryId=created[1], Name="renamed", QueryString="SELECT 9")
    assert athena.get_named_query(NamedQueryId=created[1])["NamedQuery"]["Name"] == "renamed"
    for query_id in created:
        athena.delete_named_query(NamedQueryId=query_id)
    error = error_of(lambda: athena.get_named_query(NamedQueryId=created[0]))
    assert error.response["Error"]["Code"] == "InvalidRequestException"


def test_data_catalogs_and_metadata(sales_lake: Lake, athena: Any) -> None:
    name = f"hive_{uuid.uuid4().hex[:8]}"
    athena.create_data_catalog(
        Name=name, Type="HIVE", Parameters={"metadata-function": "arn:aws:lambda:x"}
    )
    assert athena.get_data_catalog(Name=name)["DataCatalog"]["Type"] == "HIVE"
    names = [c["CatalogName"] for c in athena.list_data_catalogs()["DataCatalogsSummary"]]
    assert "AwsDataCatalog" in names and name in names
    athena.delete_data_catalog(Name=name)
    error = error_of(lambda: athena.get_data_catalog(Name=name))
    assert error.response["Error"]["Code"] == "InvalidRequestException"
    glue_catalog = athena.get_data_catalog(Name="AwsDataCatalog")["DataCatalog"]
    assert glue_catalog["Type"] == "GLUE"
    databases = athena.list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]
    assert sales_lake.database in [d["Name"] for d in databases]
    table = athena.get_table_metadata(
        CatalogName="AwsDataCatalog", DatabaseName=sales_lake.database, TableName="sales"
    )["TableMetadata"]
    assert [c["Name"] for c in table["Columns"]] == ["id", "item", "amount"]
    assert [k["Name"] for k in table["PartitionKeys"]] == ["year", "month"]
    listed = athena.list_table_metadata(
        CatalogName="AwsDataCatalog", DatabaseName=sales_lake.database
    )["TableMetadataList"]
    assert [t["Name"] for t in listed] == ["sales"]


def test_iam_on_workgroups_and_output(lake: Lake, server: Any, client_factory: Any) -> None:
    iam = client_factory("iam")
    user = f"analyst-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    athena = make_client(server.endpoint, "athena", key["AccessKeyId"], key["SecretAccessKey"])
    error = error_of(lambda: athena.list_work_groups())
    assert error.response["Error"]["Code"] == "AccessDeniedException"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["athena:StartQueryExecution", "athena:GetQueryExecution"],
                "Resource": "arn:aws:athena:us-east-1:000000000000:workgroup/primary",
            }
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="athena", PolicyDocument=json.dumps(policy))
    query_id = athena.start_query_execution(
        QueryString="SELECT 1", ResultConfiguration={"OutputLocation": lake.output}
    )["QueryExecutionId"]
    execution = lake.wait(query_id)
    assert execution["Status"]["State"] == "FAILED"
    assert "Access denied when writing output" in execution["Status"]["StateChangeReason"]


def test_executions_survive_a_restart(own_server: Any) -> None:
    """Results and history outlive the server; a query cut off by kill -9 ends FAILED."""
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    bucket = f"restart-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    lake = Lake(make_client(own_server.endpoint, "athena"), s3, bucket, "default")
    done = lake.run("SELECT 'kept' AS word")["QueryExecutionId"]
    cut = lake.start(LONG_QUERY)
    time.sleep(0.5)
    own_server.kill()
    own_server.start()
    lake = Lake(make_client(own_server.endpoint, "athena"), s3, bucket, "default")
    rows = lake.athena.get_query_results(QueryExecutionId=done)["ResultSet"]["Rows"]
    assert [r["Data"][0]["VarCharValue"] for r in rows] == ["word", "kept"]
    status = lake.athena.get_query_execution(QueryExecutionId=cut)["QueryExecution"]["Status"]
    assert status["State"] == "FAILED"
    assert "GENERIC_INTERNAL_ERROR" in status["StateChangeReason"]
    assert lake.athena.list_query_executions()["QueryExecutionIds"][:2] == [cut, done]
