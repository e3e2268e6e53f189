"""Keys: create, describe by every kind of id, list, enable/disable, tags, policies."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import ACCOUNT, expect_error, unique

REGION = "us-east-1"
KeyFactory = Callable[..., dict[str, Any]]


def test_create_symmetric_key_metadata(key: dict[str, Any]) -> None:
    assert re.fullmatch(r"[0-9a-f-]{36}", key["KeyId"])
    assert key["Arn"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key['KeyId']}"
    assert key["AWSAccountId"] == ACCOUNT
    assert key["KeySpec"] == key["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert key["KeyState"] == "Enabled" and key["Enabled"] is True
    assert key["KeyManager"] == "CUSTOMER" and key["Origin"] == "AWS_KMS"
    assert key["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert key["Description"] == "test key"
    assert re.fullmatch(r"[0-9a-f]{64}", key["CurrentKeyMaterialId"])


@pytest.mark.parametrize(
    ("spec", "usage", "member", "algorithms"),
    [
        (
            "RSA_2048",
            "ENCRYPT_DECRYPT",
            "EncryptionAlgorithms",
            ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        ),
        (
            "RSA_2048",
            "SIGN_VERIFY",
            "SigningAlgorithms",
            [
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
            ],
        ),
        ("ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_384"]),
        ("ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
        ("HMAC_256", "GENERATE_VERIFY_MAC", "MacAlgorithms", ["HMAC_SHA_256"]),
    ],
)
def test_key_specs_list_their_algorithms(
    key_factory: KeyFactory, spec: str, usage: str, member: str, algorithms: list[str]
) -> None:
    meta = key_factory(KeySpec=spec, KeyUsage=usage)
    assert meta["KeySpec"] == spec and meta["KeyUsage"] == usage
    assert meta[member] == algorithms


def test_invalid_spec_and_usage_combinations(kms: Any) -> None:
    expect_error(
        lambda: kms.create_key(KeySpec="ECC_NIST_P256"),
        "ValidationException",
        message="You must specify a KeyUsage value for all KMS keys except for symmetric "
        "encryption keys.",
    )
    expect_error(
        lambda: kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="ENCRYPT_DECRYPT"),
        "ValidationException",
    )
    expect_error(lambda: kms.create_key(Origin="EXTERNAL"), "UnsupportedOperationException")


def test_describe_by_id_arn_alias_and_alias_arn(kms: Any, key: dict[str, Any]) -> None:
    alias = f"alias/{unique('describe')}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    alias_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:{alias}"
    for ref in (key["KeyId"], key["Arn"], alias, alias_arn):
        assert kms.describe_key(KeyId=ref)["KeyMetadata"]["KeyId"] == key["KeyId"], ref


def test_describe_unknown_keys(kms: Any) -> None:
    missing = "11111111-2222-3333-4444-555555555555"
    expect_error(
        lambda: kms.describe_key(KeyId=missing),
        "NotFoundException",
        message=f"Key 'arn:aws:kms:{REGION}:{ACCOUNT}:key/{missing}' does not exist",
    )
    expect_error(
        lambda: kms.describe_key(KeyId="alias/nothing-here"),
        "NotFoundException",
        message=f"Alias arn:aws:kms:{REGION}:{ACCOUNT}:alias/nothing-here is not found.",
    )
    expect_error(lambda: kms.describe_key(KeyId="not-a-key"), "NotFoundException")


def test_keys_are_scoped_by_region(client_factory: Callable[..., Any], key: dict[str, Any]) -> None:
    west = client_factory("kms", region="us-west-2")
    expect_error(lambda: west.describe_key(KeyId=key["KeyId"]), "NotFoundException")
    listed = {
        k["KeyId"] for page in west.get_paginator("list_keys").paginate() for k in page["Keys"]
    }
    assert key["KeyId"] not in listed


def test_list_keys_paginates(kms: Any, key_factory: KeyFactory) -> None:
    mine = {key_factory()["KeyId"] for _ in range(3)}
    seen: list[str] = []
    marker = None
    while True:
        page = kms.list_keys(Limit=2, **({"Marker": marker} if marker else {}))
        assert len(page["Keys"]) <= 2
        seen += [k["KeyId"] for k in page["Keys"]]
        for entry in page["Keys"]:
            assert entry["KeyArn"].endswith(f":key/{entry['KeyId']}")
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    assert mine <= set(seen)
    assert len(seen) == len(set(seen))


def test_update_description_enable_disable(kms: Any, key: dict[str, Any]) -> None:
    kms.update_key_description(KeyId=key["KeyId"], Description="changed")
    kms.disable_key(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["Description"] == "changed"
    assert meta["KeyState"] == "Disabled" and meta["Enabled"] is False
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_tags(kms: Any, key_factory: KeyFactory) -> None:
    key = key_factory(Tags=[{"TagKey": "team", "TagValue": "data"}])
    kms.tag_resource(
        KeyId=key["KeyId"],
        Tags=[{"TagKey": "env", "TagValue": "dev"}, {"TagKey": "team", "TagValue": "eng"}],
    )
    tags = kms.list_resource_tags(KeyId=key["KeyId"])
    assert tags["Tags"] == [
        {"TagKey": "env", "TagValue": "dev"},
        {"TagKey": "team", "TagValue": "eng"},
    ]
    assert tags["Truncated"] is False
    kms.untag_resource(KeyId=key["KeyId"], TagKeys=["env"])
    first = kms.list_resource_tags(KeyId=key["KeyId"], Limit=1)
    assert first["Tags"] == [{"TagKey": "team", "TagValue": "eng"}]
    expect_error(
        lambda: kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "aws:x", "TagValue": "y"}]),
        "TagException",
    )


def test_default_key_policy(kms: Any, key: dict[str, Any]) -> None:
    policy = json.loads(kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")["Policy"])
    assert policy == {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    assert kms.list_key_policies(KeyId=key["KeyId"])["PolicyNames"] == ["default"]


def test_put_key_policy(kms: Any, key: dict[str, Any]) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Root",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "ReadOnly",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/reader"},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
            },
        ],
    }
    text = json.dumps(document, indent=4)
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=text)
    assert kms.get_key_policy(KeyId=key["KeyId"])["Policy"] == text
    expect_error(
        lambda: kms.put_key_policy(KeyId=key["KeyId"], Policy="{not json"),
        "MalformedPolicyDocumentException",
    )
    no_principal = json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    )
    expect_error(
        lambda: kms.put_key_policy(KeyId=key["KeyId"], Policy=no_principal),
        "MalformedPolicyDocumentException",
    )


def test_aws_managed_keys_appear_on_first_use(kms: Any) -> None:
    meta = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    assert meta["Description"].startswith("Default key that protects my s3 data")
    again = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert again["KeyId"] == meta["KeyId"]
    aliases = {a["AliasName"]: a for a in kms.list_aliases(KeyId=meta["KeyId"])["Aliases"]}
    assert aliases["alias/aws/s3"]["TargetKeyId"] == meta["KeyId"]
    rotation = kms.get_key_rotation_status(KeyId=meta["KeyId"])
    assert rotation["KeyRotationEnabled"] is True and rotation["RotationPeriodInDays"] == 365
    # AWS managed keys' policies allow no changes, even by the account's root.
    expect_error(lambda: kms.disable_key(KeyId=meta["KeyId"]), "AccessDeniedException")
    expect_error(lambda: kms.schedule_key_deletion(KeyId=meta["KeyId"]), "AccessDeniedException")


def test_multi_region_key(key_factory: KeyFactory) -> None:
    meta = key_factory(MultiRegion=True)
    assert re.fullmatch(r"mrk-[0-9a-f]{32}", meta["KeyId"])
    assert meta["MultiRegion"] is True
    assert meta["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"


def test_missing_required_member_is_a_validation_error(
    client_factory: Callable[..., Any],
) -> None:
    unchecked = client_factory("kms", parameter_validation=False)
    expect_error(
        lambda: unchecked.encrypt(Plaintext=b"x"),
        "ValidationException",
        message="1 validation error detected: Value null at 'keyId' failed to satisfy "
        "constraint: Member must not be null",
    )
