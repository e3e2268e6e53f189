"""Shared IAM/STS test helpers: unique names, AWS errors, policy documents, key-holding clients."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ..conftest import REGION, AwsCli, Server, make_client

ACCOUNT = "000000000000"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def expect_error(call: Callable[[], Any], code: str, status: int, message: str = "") -> ClientError:
    """Run ``call``; it must fail with AWS error ``code`` and HTTP ``status``."""
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert error["Code"] == code, error
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert message in error.get("Message", ""), error
    return info.value


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust(principal: dict[str, Any], **extra: Any) -> str:
    return policy({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra})


def client_with(endpoint: str, service: str, creds: dict[str, Any]) -> Any:
    """A client signing with an access key pair or STS credentials (``SessionToken``)."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds.get("SessionToken"),
        config=Config(retries={"max_attempts": 1}),
    )


def cli_as(aws: AwsCli, creds: dict[str, Any]) -> AwsCli:
    """The same ``aws`` command, signing as someone else."""
    env = {
        **aws.env,
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
    }
    env.pop("AWS_SESSION_TOKEN", None)
    if creds.get("SessionToken"):
        env["AWS_SESSION_TOKEN"] = creds["SessionToken"]
    return AwsCli(aws.endpoint, env, aws.cwd)


@pytest.fixture(scope="session")
def iam(client_factory: Callable[..., Any]) -> Any:
    return client_factory("iam")


@pytest.fixture(scope="session")
def raw_iam(client_factory: Callable[..., Any]) -> Any:
    """An IAM client that skips botocore's own checks, so the server's checks show."""
    return client_factory("iam", parameter_validation=False)


@pytest.fixture
def user_with_key(iam: Any, server: Server) -> Callable[..., tuple[str, dict[str, Any]]]:
    """A new user and one access key: (user name, AccessKey)."""

    def factory(prefix: str = "user", client: Any = None) -> tuple[str, dict[str, Any]]:
        client = client or iam
        name = unique(prefix)
        client.create_user(UserName=name)
        return name, client.create_access_key(UserName=name)["AccessKey"]

    return factory


@pytest.fixture(scope="module")
def other_account(server: Server) -> dict[str, Any]:
    """A second account and its root keys."""
    return server.admin("POST", "/_cloudlet/accounts", {"name": unique("iam")})


@pytest.fixture(scope="module")
def other_iam(server: Server, other_account: dict[str, Any]) -> Any:
    return make_client(
        server.endpoint,
        "iam",
        access_key=other_account["AccessKeyId"],
        secret_key=other_account["SecretAccessKey"],
    )
