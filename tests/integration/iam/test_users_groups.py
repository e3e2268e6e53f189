"""Users, groups and membership through boto3: ARNs, ids, paths, paging, conflicts."""

from __future__ import annotations

from typing import Any

from ..conftest import Server
from .conftest import ACCOUNT, allow, client_with, expect_error, policy, unique


def test_create_get_and_list_user(iam: Any) -> None:
    name, path = unique("alice"), f"/{unique('eng')}/"
    created = iam.create_user(UserName=name, Path=path, Tags=[{"Key": "team", "Value": "data"}])
    user = created["User"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user{path}{name}"
    assert user["UserId"].startswith("AIDA") and len(user["UserId"]) == 21
    got = iam.get_user(UserName=name.upper())["User"]  # names are case-insensitive
    assert got["UserName"] == name and got["Tags"] == [{"Key": "team", "Value": "data"}]
    listed = iam.list_users(PathPrefix=path)["Users"]
    assert [u["UserName"] for u in listed] == [name]
    assert listed[0]["CreateDate"] == user["CreateDate"]


def test_duplicate_user_is_entity_already_exists(iam: Any) -> None:
    name = unique("dup")
    iam.create_user(UserName=name)
    expect_error(
        lambda: iam.create_user(UserName=name.upper()),
        "EntityAlreadyExists",
        409,
        f"User with name {name.upper()} already exists.",
    )


def test_missing_user_is_no_such_entity(iam: Any) -> None:
    expect_error(
        lambda: iam.get_user(UserName="nobody-here"),
        "NoSuchEntity",
        404,
        "The user with name nobody-here cannot be found.",
    )


def test_invalid_names_and_paths_are_validation_errors(iam: Any) -> None:
    expect_error(
        lambda: iam.create_user(UserName="has space"),
        "ValidationError",
        400,
        "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    )
    expect_error(lambda: iam.create_user(UserName="x" * 65), "ValidationError", 400)
    expect_error(
        lambda: iam.create_user(UserName=unique("p"), Path="no-slash"), "ValidationError", 400
    )


def test_list_users_pages_with_marker(iam: Any) -> None:
    path = f"/{unique('page')}/"
    names = sorted(unique(f"u{i}") for i in range(7))
    for name in names:
        iam.create_user(UserName=name, Path=path)
    first = iam.list_users(PathPrefix=path, MaxItems=3)
    assert first["IsTruncated"] is True and len(first["Users"]) == 3
    second = iam.list_users(PathPrefix=path, MaxItems=3, Marker=first["Marker"])
    third = iam.list_users(PathPrefix=path, MaxItems=3, Marker=second["Marker"])
    assert third["IsTruncated"] is False and "Marker" not in third
    seen = [u["UserName"] for page in (first, second, third) for u in page["Users"]]
    assert seen == names
    paginator = iam.get_paginator("list_users")
    pages = list(paginator.paginate(PathPrefix=path, PaginationConfig={"PageSize": 2}))
    assert len(pages) == 4
    assert [u["UserName"] for p in pages for u in p["Users"]] == names


def test_update_user_renames_and_keys_follow(iam: Any, server: Server) -> None:
    old, new, path = unique("old"), unique("new"), f"/{unique('moved')}/"
    iam.create_user(UserName=old)
    key = iam.create_access_key(UserName=old)["AccessKey"]
    iam.update_user(UserName=old, NewUserName=new, NewPath=path)
    expect_error(lambda: iam.get_user(UserName=old), "NoSuchEntity", 404)
    assert iam.get_user(UserName=new)["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user{path}{new}"
    assert iam.list_access_keys(UserName=new)["AccessKeyMetadata"][0]["UserName"] == new
    identity = client_with(server.endpoint, "sts", key).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user{path}{new}"


def test_get_user_without_name_is_the_caller(iam: Any, server: Server) -> None:
    root = iam.get_user()["User"]
    assert root["Arn"] == f"arn:aws:iam::{ACCOUNT}:root" and root["UserId"] == ACCOUNT
    name = unique("self")
    arn = iam.create_user(UserName=name)["User"]["Arn"]
    iam.put_user_policy(
        UserName=name, PolicyName="self", PolicyDocument=policy(allow("iam:GetUser", arn))
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert client_with(server.endpoint, "iam", key).get_user()["User"]["UserName"] == name


def test_groups_and_membership(iam: Any) -> None:
    group, user, path = unique("grp"), unique("member"), f"/{unique('g')}/"
    created = iam.create_group(GroupName=group, Path=path)["Group"]
    assert created["GroupId"].startswith("AGPA")
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:group{path}{group}"
    iam.create_user(UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=user)
    got = iam.get_group(GroupName=group)
    assert [u["UserName"] for u in got["Users"]] == [user]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=user)["Groups"]] == [group]
    assert [g["GroupName"] for g in iam.list_groups(PathPrefix=path)["Groups"]] == [group]
    expect_error(
        lambda: iam.delete_group(GroupName=group),
        "DeleteConflict",
        409,
        "Cannot delete entity, must remove users from group first.",
    )
    expect_error(lambda: iam.delete_user(UserName=user), "DeleteConflict", 409)
    iam.remove_user_from_group(GroupName=group, UserName=user)
    assert iam.get_group(GroupName=group)["Users"] == []
    renamed = unique("renamed")
    iam.update_group(GroupName=group, NewGroupName=renamed)
    iam.delete_group(GroupName=renamed)
    iam.delete_user(UserName=user)
    expect_error(lambda: iam.get_group(GroupName=renamed), "NoSuchEntity", 404)


def test_delete_user_refuses_while_it_has_keys_or_policies(iam: Any) -> None:
    name = unique("busy")
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    expect_error(
        lambda: iam.delete_user(UserName=name),
        "DeleteConflict",
        409,
        "must delete access keys first",
    )
    iam.delete_access_key(UserName=name, AccessKeyId=key)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy(allow("s3:*")))
    expect_error(lambda: iam.delete_user(UserName=name), "DeleteConflict", 409, "policies first")
    iam.delete_user_policy(UserName=name, PolicyName="p")
    managed = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    iam.attach_user_policy(UserName=name, PolicyArn=managed)
    expect_error(lambda: iam.delete_user(UserName=name), "DeleteConflict", 409, "detach all")
    iam.detach_user_policy(UserName=name, PolicyArn=managed)
    iam.delete_user(UserName=name)
    expect_error(lambda: iam.get_user(UserName=name), "NoSuchEntity", 404)


def test_user_tags(iam: Any) -> None:
    name = unique("tagged")
    iam.create_user(UserName=name)
    iam.tag_user(UserName=name, Tags=[{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "1"}])
    iam.tag_user(UserName=name, Tags=[{"Key": "a", "Value": "one"}])
    assert iam.list_user_tags(UserName=name)["Tags"] == [
        {"Key": "a", "Value": "one"},
        {"Key": "b", "Value": "2"},
    ]
    iam.untag_user(UserName=name, TagKeys=["b"])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "a", "Value": "one"}]
    expect_error(
        lambda: iam.tag_user(UserName=name, Tags=[{"Key": "aws:x", "Value": "1"}]),
        "InvalidInput",
        400,
    )
