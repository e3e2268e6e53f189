"""The course's secret-reading code, unchanged: the aws CLI query and boto3's get_secret."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ..conftest import ACCESS_KEY, SECRET_KEY, AwsCli, Server

CREDENTIALS = {"username": "wysde", "password": "s3cr3t-Pa55", "host": "db.internal", "port": 5432}


def get_secret(secret_name, region_name):  # type: ignore[no-untyped-def]
    # Create a Secrets Manager client
    session = boto3.session.Session()
    client = session.client(service_name="secretsmanager", region_name=region_name)

    try:
        get_secret_value_response = client.get_secret_value(SecretId=secret_name)
    except ClientError as e:
        raise e

    secret = json.loads(get_secret_value_response["SecretString"])
    return secret


@pytest.fixture
def wysde(sm: Any) -> Any:
    sm.create_secret(Name="wysde", SecretString=json.dumps(CREDENTIALS))
    yield "wysde"
    sm.delete_secret(SecretId="wysde", ForceDeleteWithoutRecovery=True)


def test_cli_query_secret_string(aws: AwsCli, wysde: str) -> None:
    result = aws(
        "secretsmanager", "get-secret-value", "--secret-id", "wysde",
        "--query", "SecretString", "--output", "text",
    )  # fmt: skip
    assert json.loads(result.stdout) == CREDENTIALS


def test_boto3_get_secret_function(
    server: Server, wysde: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    # The environment a user sets once to point unchanged code at cloudlet.
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    assert get_secret("wysde", "us-east-1") == CREDENTIALS
    with pytest.raises(ClientError) as info:
        get_secret("no-such-secret-anywhere", "us-east-1")
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
