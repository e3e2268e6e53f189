"""IAM users read only the secrets their policies name; resource policies are consulted."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ..conftest import Server, make_client
from .conftest import ACCOUNT, ARN_PREFIX


def _denied(call: Callable[[], Any]) -> None:
    with pytest.raises(ClientError) as info:
        call()
    # AWS's JSON services say AccessDeniedException (400); the shared authorizer says
    # AccessDenied (403) today: accept both until the gateway maps it per protocol.
    assert info.value.response["Error"]["Code"].startswith("AccessDenied"), info.value.response


def test_secret_scoped_permissions(
    server: Server, client_factory: Callable[..., Any], sm: Any, names: Callable[[str], str]
) -> None:
    iam = client_factory("iam")
    readable, hidden, shared = names("readable"), names("hidden"), names("shared")
    for name in (readable, hidden, shared):
        sm.create_secret(Name=name, SecretString=f"value of {name}")
    user = names("sm-user")
    iam.create_user(UserName=user)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": f"{ARN_PREFIX}{readable}-*",
            },
            {"Effect": "Allow", "Action": "secretsmanager:BatchGetSecretValue", "Resource": "*"},
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="one-secret", PolicyDocument=json.dumps(policy))
    creds = iam.create_access_key(UserName=user)["AccessKey"]
    as_user = make_client(
        server.endpoint,
        "secretsmanager",
        access_key=creds["AccessKeyId"],
        secret_key=creds["SecretAccessKey"],
    )
    assert as_user.get_secret_value(SecretId=readable)["SecretString"] == f"value of {readable}"
    _denied(lambda: as_user.get_secret_value(SecretId=hidden))
    _denied(lambda: as_user.describe_secret(SecretId=readable))

    batch = as_user.batch_get_secret_value(SecretIdList=[readable, hidden])
    assert [v["Name"] for v in batch["SecretValues"]] == [readable]
    assert batch["Errors"][0]["SecretId"] == hidden
    assert batch["Errors"][0]["ErrorCode"].startswith("AccessDenied")

    # A resource policy on the secret grants the user what their own policies do not.
    grant = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{user}"},
                "Action": "secretsmanager:GetSecretValue",
                "Resource": "*",
            }
        ],
    }
    _denied(lambda: as_user.get_secret_value(SecretId=shared))
    sm.put_resource_policy(SecretId=shared, ResourcePolicy=json.dumps(grant))
    assert as_user.get_secret_value(SecretId=shared)["SecretString"] == f"value of {shared}"
    iam.delete_user_policy(UserName=user, PolicyName="one-secret")
    iam.delete_access_key(UserName=user, AccessKeyId=creds["AccessKeyId"])
    iam.delete_user(UserName=user)
