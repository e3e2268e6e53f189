"""Roles (trust policy, session duration, boundaries) and instance profiles through boto3."""

from __future__ import annotations

import json
from typing import Any

from .conftest import ACCOUNT, allow, expect_error, policy, trust, unique

TRUST = trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})


def test_create_and_get_role(iam: Any) -> None:
    name, path = unique("role"), f"/{unique('svc')}/"
    role = iam.create_role(
        RoleName=name,
        Path=path,
        AssumeRolePolicyDocument=TRUST,
        Description="reads the lake",
        MaxSessionDuration=7200,
        Tags=[{"Key": "env", "Value": "dev"}],
    )["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role{path}{name}"
    assert role["RoleId"].startswith("AROA")
    assert role["AssumeRolePolicyDocument"] == json.loads(TRUST)  # URL-decoded by botocore
    got = iam.get_role(RoleName=name)["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["Description"] == "reads the lake"
    assert got["Tags"] == [{"Key": "env", "Value": "dev"}]
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix=path)["Roles"]] == [name]


def test_role_defaults_and_updates(iam: Any) -> None:
    name = unique("upd")
    assert (
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["MaxSessionDuration"]
        == 3600
    )
    iam.update_role(RoleName=name, Description="new", MaxSessionDuration=43200)
    updated = iam.update_role_description(RoleName=name, Description="newer")["Role"]
    assert updated["Description"] == "newer" and updated["MaxSessionDuration"] == 43200
    other = trust({"Service": "glue.amazonaws.com"})
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=other)
    assert iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"] == json.loads(other)


def test_session_duration_limits(raw_iam: Any) -> None:
    for seconds in (3599, 43201):
        expect_error(
            lambda s=seconds: raw_iam.create_role(
                RoleName=unique("dur"), AssumeRolePolicyDocument=TRUST, MaxSessionDuration=s
            ),
            "ValidationError",
            400,
            "maxSessionDuration",
        )


def test_malformed_trust_policies(iam: Any) -> None:
    with_resource = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "sts:AssumeRole",
                    "Resource": "*",
                }
            ],
        }
    )
    for document in ("{not json", with_resource, policy(allow("sts:AssumeRole"))):
        expect_error(
            lambda d=document: iam.create_role(RoleName=unique("bad"), AssumeRolePolicyDocument=d),
            "MalformedPolicyDocument",
            400,
        )


def test_delete_role_refuses_while_in_use(iam: Any) -> None:
    name, profile = unique("busy"), unique("profile")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=policy(allow("s3:*")))
    expect_error(lambda: iam.delete_role(RoleName=name), "DeleteConflict", 409, "policies first")
    iam.delete_role_policy(RoleName=name, PolicyName="inline")
    arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    expect_error(lambda: iam.delete_role(RoleName=name), "DeleteConflict", 409, "detach all")
    iam.detach_role_policy(RoleName=name, PolicyArn=arn)
    iam.create_instance_profile(InstanceProfileName=profile)
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=name)
    expect_error(
        lambda: iam.delete_role(RoleName=name),
        "DeleteConflict",
        409,
        "must remove roles from instance profile first",
    )
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=name)
    iam.delete_role(RoleName=name)
    expect_error(
        lambda: iam.get_role(RoleName=name),
        "NoSuchEntity",
        404,
        f"The role with name {name} cannot be found.",
    )


def test_instance_profiles(iam: Any) -> None:
    role, other, name = unique("ec2"), unique("ec2b"), unique("profile")
    for role_name in (role, other):
        iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=TRUST)
    created = iam.create_instance_profile(InstanceProfileName=name, Path="/apps/")
    assert (
        created["InstanceProfile"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:instance-profile/apps/{name}"
    )
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=role)
    expect_error(
        lambda: iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=other),
        "LimitExceeded",
        409,
    )
    got = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    for_role = iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == [name]
    expect_error(
        lambda: iam.delete_instance_profile(InstanceProfileName=name), "DeleteConflict", 409
    )
    iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=role)
    iam.delete_instance_profile(InstanceProfileName=name)
    expect_error(
        lambda: iam.get_instance_profile(InstanceProfileName=name),
        "NoSuchEntity",
        404,
        f"Instance Profile {name} cannot be found.",
    )


def test_role_tags_and_boundary(iam: Any) -> None:
    name = unique("bounded")
    boundary = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, PermissionsBoundary=boundary)
    got = iam.get_role(RoleName=name)["Role"]
    assert got["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
        "PermissionsBoundaryArn": boundary,
    }
    iam.delete_role_permissions_boundary(RoleName=name)
    assert "PermissionsBoundary" not in iam.get_role(RoleName=name)["Role"]
    iam.tag_role(RoleName=name, Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_role_tags(RoleName=name)["Tags"] == [{"Key": "k", "Value": "v"}]
    iam.untag_role(RoleName=name, TagKeys=["k"])
    assert iam.list_role_tags(RoleName=name)["Tags"] == []
