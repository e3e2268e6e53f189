"""IAM users get exactly what their policies allow, on the ARN of the key they use."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ..conftest import Server, make_client
from .conftest import unique


def _denied(call: Callable[[], Any]) -> None:
    with pytest.raises(ClientError) as info:
        call()
    # AWS's JSON services say AccessDeniedException (400); the shared authorizer says
    # AccessDenied (403) today: accept both until the gateway maps it per protocol.
    assert info.value.response["Error"]["Code"].startswith("AccessDenied"), info.value.response


def test_resource_scoped_key_permissions(
    server: Server, client_factory: Callable[..., Any], kms: Any, key_factory: Any
) -> None:
    iam = client_factory("iam")
    allowed, other = key_factory(), key_factory()
    alias = f"alias/{unique('iam')}"
    kms.create_alias(AliasName=alias, TargetKeyId=allowed["KeyId"])
    user = unique("kms-user")
    iam.create_user(UserName=user)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
                "Resource": allowed["Arn"],
            }
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="one-key", PolicyDocument=json.dumps(policy))
    creds = iam.create_access_key(UserName=user)["AccessKey"]
    as_user = make_client(
        server.endpoint,
        "kms",
        access_key=creds["AccessKeyId"],
        secret_key=creds["SecretAccessKey"],
    )
    blob = as_user.encrypt(KeyId=allowed["KeyId"], Plaintext=b"ok")["CiphertextBlob"]
    assert as_user.decrypt(CiphertextBlob=blob)["Plaintext"] == b"ok"
    assert as_user.encrypt(KeyId=alias, Plaintext=b"via alias")["KeyId"] == allowed["Arn"]
    _denied(lambda: as_user.encrypt(KeyId=other["KeyId"], Plaintext=b"no"))
    _denied(lambda: as_user.generate_data_key(KeyId=allowed["KeyId"], KeySpec="AES_256"))
    _denied(lambda: as_user.create_key())
    other_blob = kms.encrypt(KeyId=other["KeyId"], Plaintext=b"theirs")["CiphertextBlob"]
    _denied(lambda: as_user.decrypt(CiphertextBlob=other_blob))
    iam.delete_user_policy(UserName=user, PolicyName="one-key")
    iam.delete_access_key(UserName=user, AccessKeyId=creds["AccessKeyId"])
    iam.delete_user(UserName=user)
