"""Access keys: the two-key limit, rotation, and keys that stop working at once."""

from __future__ import annotations

from typing import Any

from ..conftest import Server
from .conftest import ACCOUNT, client_with, expect_error, unique


def test_create_list_and_limit(iam: Any) -> None:
    name = unique("keys")
    iam.create_user(UserName=name)
    first = iam.create_access_key(UserName=name)["AccessKey"]
    assert first["AccessKeyId"].startswith("AKIA") and len(first["AccessKeyId"]) == 20
    assert len(first["SecretAccessKey"]) == 40 and first["Status"] == "Active"
    second = iam.create_access_key(UserName=name)["AccessKey"]
    expect_error(
        lambda: iam.create_access_key(UserName=name),
        "LimitExceeded",
        409,
        "Cannot exceed quota for AccessKeysPerUser: 2",
    )
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [first["AccessKeyId"], second["AccessKeyId"]]
    assert all("SecretAccessKey" not in k for k in listed)
    expect_error(lambda: iam.create_access_key(UserName=unique("ghost")), "NoSuchEntity", 404)


def test_rotation_stops_old_keys_at_once(iam: Any, server: Server) -> None:
    name = unique("rotate")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    old = iam.create_access_key(UserName=name)["AccessKey"]
    sts_old = client_with(server.endpoint, "sts", old)
    assert sts_old.get_caller_identity()["Arn"] == arn
    new = iam.create_access_key(UserName=name)["AccessKey"]
    iam.update_access_key(UserName=name, AccessKeyId=old["AccessKeyId"], Status="Inactive")
    for _ in range(4):  # every worker process must refuse it, not only the one that changed it
        expect_error(sts_old.get_caller_identity, "InvalidClientTokenId", 403)
    assert client_with(server.endpoint, "sts", new).get_caller_identity()["Arn"] == arn
    iam.update_access_key(UserName=name, AccessKeyId=old["AccessKeyId"], Status="Active")
    assert sts_old.get_caller_identity()["Arn"] == arn
    iam.update_access_key(UserName=name, AccessKeyId=old["AccessKeyId"], Status="Inactive")
    iam.delete_access_key(UserName=name, AccessKeyId=old["AccessKeyId"])
    for _ in range(4):
        expect_error(sts_old.get_caller_identity, "InvalidClientTokenId", 403)
    keys = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [new["AccessKeyId"]]
    expect_error(
        lambda: iam.delete_access_key(UserName=name, AccessKeyId=old["AccessKeyId"]),
        "NoSuchEntity",
        404,
        f"The Access Key with id {old['AccessKeyId']} cannot be found.",
    )


def test_key_of_another_user_is_not_found(iam: Any) -> None:
    owner, other = unique("owner"), unique("other")
    iam.create_user(UserName=owner)
    iam.create_user(UserName=other)
    key = iam.create_access_key(UserName=owner)["AccessKey"]["AccessKeyId"]
    expect_error(
        lambda: iam.update_access_key(UserName=other, AccessKeyId=key, Status="Inactive"),
        "NoSuchEntity",
        404,
    )


def test_last_used(iam: Any, server: Server) -> None:
    name = unique("used")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    never = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert never["UserName"] == name
    assert never["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}
    client_with(server.endpoint, "sts", key).get_caller_identity()
    used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
    assert used["ServiceName"] == "sts" and used["Region"] == "us-east-1"
    assert "LastUsedDate" in used


def test_root_access_keys(iam: Any, server: Server) -> None:
    own = {k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]}
    key = iam.create_access_key()["AccessKey"]
    try:
        identity = client_with(server.endpoint, "sts", key).get_caller_identity()
        assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
        listed = {k["AccessKeyId"] for k in iam.list_access_keys()["AccessKeyMetadata"]}
        assert listed == own | {key["AccessKeyId"]}
    finally:
        iam.delete_access_key(AccessKeyId=key["AccessKeyId"])
    expect_error(
        client_with(server.endpoint, "sts", key).get_caller_identity, "InvalidClientTokenId", 403
    )
