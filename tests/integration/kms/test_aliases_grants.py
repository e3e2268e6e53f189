"""Aliases (including the reserved alias/aws/ names) and grants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import ACCOUNT, expect_error, unique

KeyFactory = Callable[..., dict[str, Any]]


def test_alias_lifecycle(kms: Any, key_factory: KeyFactory) -> None:
    first, second = key_factory(), key_factory()
    name = f"alias/{unique('life')}"
    arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:{name}"
    kms.create_alias(AliasName=name, TargetKeyId=first["Arn"])
    expect_error(
        lambda: kms.create_alias(AliasName=name, TargetKeyId=second["KeyId"]),
        "AlreadyExistsException",
        message=f"An alias with the name {arn} already exists",
    )
    listed = kms.list_aliases(KeyId=first["KeyId"])["Aliases"]
    assert [(a["AliasName"], a["AliasArn"], a["TargetKeyId"]) for a in listed] == [
        (name, arn, first["KeyId"])
    ]
    kms.update_alias(AliasName=name, TargetKeyId=second["KeyId"])
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == second["KeyId"]
    assert kms.list_aliases(KeyId=first["KeyId"])["Aliases"] == []
    kms.delete_alias(AliasName=name)
    expect_error(lambda: kms.describe_key(KeyId=name), "NotFoundException")
    expect_error(
        lambda: kms.delete_alias(AliasName=name),
        "NotFoundException",
        message=f"Alias {arn} is not found.",
    )


def test_alias_names_are_checked(kms: Any, key: dict[str, Any]) -> None:
    expect_error(
        lambda: kms.create_alias(AliasName="no-prefix", TargetKeyId=key["KeyId"]),
        "InvalidAliasNameException",
    )
    for reserved in ("alias/aws/s3", "alias/aws/mine"):
        expect_error(
            lambda r=reserved: kms.create_alias(AliasName=r, TargetKeyId=key["KeyId"]),
            "NotAuthorizedException",
        )
    expect_error(lambda: kms.delete_alias(AliasName="alias/aws/s3"), "NotAuthorizedException")
    expect_error(
        lambda: kms.create_alias(AliasName=f"alias/{unique('x')}", TargetKeyId="alias/other"),
        "NotFoundException",
    )


def test_list_aliases_paginates(kms: Any, key: dict[str, Any]) -> None:
    names = {f"alias/{unique('page')}" for _ in range(3)}
    for name in names:
        kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    first = kms.list_aliases(KeyId=key["KeyId"], Limit=2)
    assert first["Truncated"] is True and len(first["Aliases"]) == 2
    rest = kms.list_aliases(KeyId=key["KeyId"], Limit=2, Marker=first["NextMarker"])
    assert rest["Truncated"] is False
    assert {a["AliasName"] for a in first["Aliases"] + rest["Aliases"]} == names


def test_grants(kms: Any, key: dict[str, Any]) -> None:
    grantee = f"arn:aws:iam::{ACCOUNT}:role/etl"
    retiring = f"arn:aws:iam::{ACCOUNT}:role/admin"
    created = kms.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=grantee,
        RetiringPrincipal=retiring,
        Operations=["Decrypt", "GenerateDataKey"],
        Constraints={"EncryptionContextSubset": {"table": "orders"}},
        Name="etl-grant",
    )
    again = kms.create_grant(
        KeyId=key["KeyId"],
        GranteePrincipal=grantee,
        RetiringPrincipal=retiring,
        Operations=["GenerateDataKey", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"table": "orders"}},
        Name="etl-grant",
    )
    assert again["GrantId"] == created["GrantId"]
    other = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=grantee, Operations=["Encrypt"])
    grants = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert {g["GrantId"] for g in grants} == {created["GrantId"], other["GrantId"]}
    mine = kms.list_grants(KeyId=key["KeyId"], GrantId=created["GrantId"])["Grants"][0]
    assert mine["Name"] == "etl-grant" and mine["KeyId"] == key["Arn"]
    assert mine["GranteePrincipal"] == grantee and mine["RetiringPrincipal"] == retiring
    assert sorted(mine["Operations"]) == ["Decrypt", "GenerateDataKey"]
    assert mine["Constraints"] == {"EncryptionContextSubset": {"table": "orders"}}
    retirable = kms.list_retirable_grants(RetiringPrincipal=retiring)["Grants"]
    assert created["GrantId"] in {g["GrantId"] for g in retirable}

    kms.retire_grant(GrantToken=created["GrantToken"])
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=other["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    expect_error(
        lambda: kms.revoke_grant(KeyId=key["KeyId"], GrantId=other["GrantId"]),
        "NotFoundException",
    )
    expect_error(
        lambda: kms.retire_grant(GrantToken=created["GrantToken"]), "InvalidGrantTokenException"
    )
