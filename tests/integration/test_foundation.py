"""The foundation through real clients: identity, signatures, NotImplemented, restart."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import AwsCli, Server, make_client


def test_get_caller_identity_as_root(sts: Any) -> None:
    identity = sts.get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == "000000000000"


def test_aws_cli_get_caller_identity(aws: AwsCli) -> None:
    identity = aws.json("sts", "get-caller-identity")
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"


def test_health_endpoint(server: Server) -> None:
    with urllib.request.urlopen(server.endpoint + "/_cloudlet/health") as response:
        health = json.loads(response.read())
    assert health["status"] == "running"
    assert "s3" in health["services"] and "sts" in health["services"]
    assert health["uptime_seconds"] >= 0
    assert health["version"]


def test_wrong_secret_is_signature_does_not_match(server: Server) -> None:
    sts = make_client(server.endpoint, "sts", secret_key="wrong")
    with pytest.raises(ClientError) as info:
        sts.get_caller_identity()
    assert info.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("sts", "InvalidClientTokenId", 403),
        ("s3", "InvalidAccessKeyId", 403),
        ("dynamodb", "UnrecognizedClientException", 400),
    ],
)
def test_unknown_access_key(server: Server, service: str, code: str, status: int) -> None:
    client = make_client(server.endpoint, service, access_key="AKIANOTAREALKEY00000")
    call = {
        "sts": lambda: client.get_caller_identity(),
        "s3": lambda: client.list_buckets(),
        "dynamodb": lambda: client.list_tables(),
    }[service]
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] == code
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_unsigned_request_is_refused(aws: AwsCli) -> None:
    result = aws("sts", "get-caller-identity", "--no-sign-request", check=False)
    assert result.returncode != 0
    assert "MissingAuthenticationToken" in result.stderr


# One operation per protocol, across services cloudlet does not implement yet.
NOT_IMPLEMENTED = [
    ("dynamodb", ["list-tables"], "ListTables"),  # json 1.0
    ("kinesis", ["list-streams"], "ListStreams"),  # json 1.1
    ("ec2", ["describe-vpcs"], "DescribeVpcs"),  # ec2
    ("sns", ["list-topics"], "ListTopics"),  # query
    ("lambda", ["list-functions"], "ListFunctions"),  # rest-json
    ("route53", ["list-hosted-zones"], "ListHostedZones"),  # rest-xml
    ("cloudwatch", ["list-metrics"], "ListMetrics"),  # smithy-rpc-v2-cbor
    ("ecs", ["list-clusters"], "ListClusters"),
    ("emr", ["list-clusters"], "ListClusters"),
    ("elbv2", ["describe-load-balancers"], "DescribeLoadBalancers"),
]


@pytest.mark.parametrize(("service", "args", "operation"), NOT_IMPLEMENTED)
def test_unimplemented_operations_answer_501(
    aws: AwsCli, service: str, args: list[str], operation: str
) -> None:
    result = aws(service, *args, check=False)
    assert result.returncode != 0
    assert "(NotImplemented)" in result.stderr, result.stderr
    assert operation in result.stderr


def test_unimplemented_status_is_501(server: Server) -> None:
    client = make_client(server.endpoint, "dynamodb")
    with pytest.raises(ClientError) as info:
        client.list_tables()
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert info.value.response["Error"]["Code"] == "NotImplemented"


def test_restart_keeps_accounts(own_server: Server) -> None:
    own_server.start()
    account = own_server.admin("POST", "/_cloudlet/accounts", {"name": "analytics"})
    own_server.restart()
    sts = make_client(
        own_server.endpoint,
        "sts",
        access_key=account["AccessKeyId"],
        secret_key=account["SecretAccessKey"],
    )
    assert sts.get_caller_identity()["Account"] == account["AccountId"]
