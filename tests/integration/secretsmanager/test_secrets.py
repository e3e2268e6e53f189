"""Secrets: create, read by name / ARN / partial ARN, idempotency, update, tags, KMS keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .conftest import ARN_PREFIX, NOT_FOUND, expect_error, token

Names = Callable[[str], str]


def test_create_and_read_by_name_arn_and_partial_arn(sm: Any, names: Names) -> None:
    name = names("db/creds")
    version = token()
    created = sm.create_secret(
        Name=name, SecretString='{"user": "etl"}', ClientRequestToken=version
    )
    assert created["Name"] == name and created["VersionId"] == version
    assert re.fullmatch(re.escape(ARN_PREFIX + name) + r"-[A-Za-z0-9]{6}", created["ARN"])
    for secret_id in (name, created["ARN"], ARN_PREFIX + name):
        got = sm.get_secret_value(SecretId=secret_id)
        assert got["SecretString"] == '{"user": "etl"}', secret_id
        assert got["ARN"] == created["ARN"] and got["VersionId"] == version
        assert got["VersionStages"] == ["AWSCURRENT"]
    expect_error(
        lambda: sm.get_secret_value(SecretId=created["ARN"][:-6] + "zzzzzz"),
        "ResourceNotFoundException",
        400,
        NOT_FOUND,
    )


def test_binary_secret(sm: Any, names: Names) -> None:
    name = names("binary")
    sm.create_secret(Name=name, SecretBinary=bytes(range(256)))
    got = sm.get_secret_value(SecretId=name)
    assert got["SecretBinary"] == bytes(range(256)) and "SecretString" not in got


def test_secret_without_value(sm: Any, names: Names) -> None:
    name = names("empty")
    created = sm.create_secret(Name=name, Description="filled later")
    assert "VersionId" not in created
    expect_error(
        lambda: sm.get_secret_value(SecretId=name),
        "ResourceNotFoundException",
        400,
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    )
    assert sm.describe_secret(SecretId=name)["VersionIdsToStages"] == {}


def test_client_request_token_idempotency(sm: Any, names: Names) -> None:
    name, version = names("idem"), token()
    first = sm.create_secret(Name=name, SecretString="v1", ClientRequestToken=version)
    again = sm.create_secret(Name=name, SecretString="v1", ClientRequestToken=version)
    assert again["ARN"] == first["ARN"] and again["VersionId"] == version
    expect_error(
        lambda: sm.create_secret(Name=name, SecretString="v2", ClientRequestToken=version),
        "ResourceExistsException",
        400,
        "You can't modify an existing version, you can only create a new version.",
    )
    expect_error(
        lambda: sm.create_secret(Name=name, SecretString="v1", ClientRequestToken=token()),
        "ResourceExistsException",
        400,
        f"The operation failed because the secret {name} already exists.",
    )
    put = token()
    sm.put_secret_value(SecretId=name, SecretString="v2", ClientRequestToken=put)
    repeat = sm.put_secret_value(SecretId=name, SecretString="v2", ClientRequestToken=put)
    assert repeat["VersionId"] == put
    expect_error(
        lambda: sm.put_secret_value(SecretId=name, SecretString="v3", ClientRequestToken=put),
        "ResourceExistsException",
    )
    versions = sm.list_secret_version_ids(SecretId=name)["Versions"]
    assert {v["VersionId"] for v in versions} == {version, put}


def test_invalid_requests(sm: Any, names: Names) -> None:
    expect_error(
        lambda: sm.create_secret(Name="bad name!", SecretString="x"),
        "InvalidParameterException",
        400,
        "Invalid name. Must be a valid name containing alphanumeric characters, or any of the "
        "following: -/_+=.@!",
    )
    expect_error(
        lambda: sm.create_secret(Name=names("both"), SecretString="x", SecretBinary=b"x"),
        "InvalidParameterException",
    )
    expect_error(lambda: sm.describe_secret(SecretId="missing-secret"), "ResourceNotFoundException")
    expect_error(
        lambda: sm.put_secret_value(SecretId="missing-secret", SecretString="x"),
        "ResourceNotFoundException",
    )


def test_describe_and_update(sm: Any, names: Names) -> None:
    name = names("describe")
    created = sm.create_secret(
        Name=name,
        SecretString="one",
        Description="warehouse login",
        Tags=[{"Key": "team", "Value": "data"}],
    )
    described = sm.describe_secret(SecretId=name)
    assert described["ARN"] == created["ARN"] and described["Description"] == "warehouse login"
    assert described["Tags"] == [{"Key": "team", "Value": "data"}]
    assert described["VersionIdsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert "KmsKeyId" not in described  # the AWS managed key is not named
    assert "DeletedDate" not in described and "RotationEnabled" not in described

    updated = sm.update_secret(SecretId=name, Description="new words", SecretString="two")
    assert updated["VersionId"] != created["VersionId"]
    described = sm.describe_secret(SecretId=name)
    assert described["Description"] == "new words"
    assert described["VersionIdsToStages"] == {
        updated["VersionId"]: ["AWSCURRENT"],
        created["VersionId"]: ["AWSPREVIOUS"],
    }
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "two"
    assert "LastAccessedDate" in sm.describe_secret(SecretId=name)


def test_tags(sm: Any, secret: dict[str, Any]) -> None:
    sm.tag_resource(
        SecretId=secret["ARN"],
        Tags=[{"Key": "env", "Value": "dev"}, {"Key": "owner", "Value": "ana"}],
    )
    sm.tag_resource(SecretId=secret["Name"], Tags=[{"Key": "env", "Value": "prod"}])
    sm.untag_resource(SecretId=secret["Name"], TagKeys=["owner"])
    assert sm.describe_secret(SecretId=secret["Name"])["Tags"] == [{"Key": "env", "Value": "prod"}]


def test_default_key_is_the_aws_managed_secretsmanager_key(
    sm: Any, kms: Any, secret: dict[str, Any]
) -> None:
    versions = sm.list_secret_version_ids(SecretId=secret["Name"])["Versions"]
    assert versions[0]["KmsKeyIds"] == ["DefaultEncryptionKey"]
    managed = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS" and managed["KeyState"] == "Enabled"


def test_customer_key(sm: Any, kms: Any, names: Names) -> None:
    key = kms.create_key(Description="secrets key")["KeyMetadata"]
    other = kms.create_key(Description="next secrets key")["KeyMetadata"]
    alias = f"alias/{names('sm-key')}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    name = names("cmk")
    sm.create_secret(Name=name, SecretString="under my key", KmsKeyId=alias)
    assert sm.describe_secret(SecretId=name)["KmsKeyId"] == alias
    assert sm.list_secret_version_ids(SecretId=name)["Versions"][0]["KmsKeyIds"] == [alias]

    # A new KmsKeyId re-encrypts the labelled versions under the new key.
    sm.update_secret(SecretId=name, KmsKeyId=other["Arn"])
    kms.disable_key(KeyId=key["KeyId"])
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "under my key"

    kms.disable_key(KeyId=other["KeyId"])
    expect_error(lambda: sm.get_secret_value(SecretId=name), "DecryptionFailure", 400)
    expect_error(lambda: sm.put_secret_value(SecretId=name, SecretString="x"), "EncryptionFailure")
    expect_error(
        lambda: sm.create_secret(Name=names("nokey"), SecretString="x", KmsKeyId="alias/none"),
        "AccessDeniedException",
        400,
        "Access to KMS is not allowed",
    )
    for key_id in (key["KeyId"], other["KeyId"]):
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


def test_missing_required_member_is_a_validation_error(
    client_factory: Callable[..., Any],
) -> None:
    unchecked = client_factory("secretsmanager", parameter_validation=False)
    expect_error(
        lambda: unchecked.get_secret_value(),
        "ValidationException",
        message="1 validation error detected: Value null at 'secretId' failed to satisfy "
        "constraint: Member must not be null",
    )
