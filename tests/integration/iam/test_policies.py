"""Managed policies and versions, inline policies, attachments and permissions boundaries."""

from __future__ import annotations

import json
from typing import Any

from .conftest import ACCOUNT, allow, expect_error, policy, trust, unique

S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def _policy_arn(iam: Any, **kwargs: Any) -> str:
    name = unique("pol")
    document = kwargs.pop("document", policy(allow("s3:GetObject", "arn:aws:s3:::b/*")))
    return iam.create_policy(PolicyName=name, PolicyDocument=document, **kwargs)["Policy"]["Arn"]


def test_create_and_get_policy(iam: Any) -> None:
    name, document = unique("reader"), policy(allow("s3:GetObject", "arn:aws:s3:::lake/*"))
    created = iam.create_policy(
        PolicyName=name, Path="/team/", PolicyDocument=document, Description="lake readers"
    )["Policy"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:policy/team/{name}"
    assert created["PolicyId"].startswith("ANPA")
    assert created["DefaultVersionId"] == "v1" and created["AttachmentCount"] == 0
    got = iam.get_policy(PolicyArn=created["Arn"])["Policy"]
    assert got["Description"] == "lake readers" and got["IsAttachable"] is True
    version = iam.get_policy_version(PolicyArn=created["Arn"], VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(document) and version["IsDefaultVersion"] is True
    expect_error(
        lambda: iam.create_policy(PolicyName=name, PolicyDocument=document),
        "EntityAlreadyExists",
        409,
        f"A policy called {name} already exists.",
    )


def test_malformed_policy_documents(iam: Any) -> None:
    bad = [
        "{not json",
        json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}),
        policy({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}),
        policy({"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}),
    ]
    for document in bad:
        expect_error(
            lambda d=document: iam.create_policy(PolicyName=unique("bad"), PolicyDocument=d),
            "MalformedPolicyDocument",
            400,
        )
    name = unique("u")
    iam.create_user(UserName=name)
    expect_error(
        lambda: iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=bad[1]),
        "MalformedPolicyDocument",
        400,
    )


def test_policy_versions(iam: Any) -> None:
    arn = _policy_arn(iam)
    for number in range(2, 6):
        document = policy(allow("s3:GetObject", f"arn:aws:s3:::b{number}/*"))
        version = iam.create_policy_version(
            PolicyArn=arn, PolicyDocument=document, SetAsDefault=number == 3
        )["PolicyVersion"]
        assert version["VersionId"] == f"v{number}"
    expect_error(
        lambda: iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy(allow("s3:*"))),
        "LimitExceeded",
        409,
        "A managed policy can have up to 5 versions.",
    )
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v3"]
    expect_error(
        lambda: iam.delete_policy_version(PolicyArn=arn, VersionId="v3"),
        "DeleteConflict",
        409,
        "Cannot delete the default version of a policy.",
    )
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy(allow("s3:*")))
    assert iam.list_policy_versions(PolicyArn=arn)["Versions"][0]["VersionId"] == "v6"
    expect_error(lambda: iam.get_policy_version(PolicyArn=arn, VersionId="v3"), "NoSuchEntity", 404)
    expect_error(lambda: iam.delete_policy(PolicyArn=arn), "DeleteConflict", 409)
    for version in ("v1", "v2", "v4", "v6"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version)
    iam.delete_policy(PolicyArn=arn)
    expect_error(lambda: iam.get_policy(PolicyArn=arn), "NoSuchEntity", 404)


def test_inline_policies_for_users_groups_and_roles(iam: Any) -> None:
    user, group, role = unique("u"), unique("g"), unique("r")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(
        RoleName=role, AssumeRolePolicyDocument=trust({"Service": "glue.amazonaws.com"})
    )
    document = policy(allow("s3:ListBucket", "arn:aws:s3:::lake"))
    calls = [
        ("user", {"UserName": user}),
        ("group", {"GroupName": group}),
        ("role", {"RoleName": role}),
    ]
    for kind, who in calls:
        kind_cap = kind.capitalize()
        getattr(iam, f"put_{kind}_policy")(**who, PolicyName="lake", PolicyDocument=document)
        got = getattr(iam, f"get_{kind}_policy")(**who, PolicyName="lake")
        assert got["PolicyDocument"] == json.loads(document) and got["PolicyName"] == "lake"
        assert got[f"{kind_cap}Name"] == next(iter(who.values()))
        assert getattr(iam, f"list_{kind}_policies")(**who)["PolicyNames"] == ["lake"]
        getattr(iam, f"delete_{kind}_policy")(**who, PolicyName="lake")
        assert getattr(iam, f"list_{kind}_policies")(**who)["PolicyNames"] == []
        expect_error(
            lambda k=kind, w=who: getattr(iam, f"get_{k}_policy")(**w, PolicyName="lake"),
            "NoSuchEntity",
            404,
            f"The {kind} policy with name lake cannot be found.",
        )


def test_attach_detach_and_entities_for_policy(iam: Any) -> None:
    arn = _policy_arn(iam)
    user, group, role = unique("u"), unique("g"), unique("r")
    iam.create_user(UserName=user)
    iam.create_group(GroupName=group)
    iam.create_role(
        RoleName=role, AssumeRolePolicyDocument=trust({"Service": "glue.amazonaws.com"})
    )
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.attach_group_policy(GroupName=group, PolicyArn=arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    iam.attach_role_policy(RoleName=role, PolicyArn=S3_READ)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert {a["PolicyArn"] for a in attached} == {arn, S3_READ}
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user]
    assert [g["GroupName"] for g in entities["PolicyGroups"]] == [group]
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == [role]
    only_roles = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="Role")
    assert only_roles["PolicyUsers"] == [] and len(only_roles["PolicyRoles"]) == 1
    expect_error(
        lambda: iam.delete_policy(PolicyArn=arn),
        "DeleteConflict",
        409,
        "Cannot delete a policy attached to entities.",
    )
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    iam.detach_group_policy(GroupName=group, PolicyArn=arn)
    iam.detach_role_policy(RoleName=role, PolicyArn=arn)
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == []
    expect_error(lambda: iam.detach_user_policy(UserName=user, PolicyArn=arn), "NoSuchEntity", 404)
    missing = f"arn:aws:iam::{ACCOUNT}:policy/{unique('missing')}"
    expect_error(
        lambda: iam.attach_user_policy(UserName=user, PolicyArn=missing),
        "NoSuchEntity",
        404,
        f"Policy {missing} does not exist or is not attachable.",
    )
    iam.delete_policy(PolicyArn=arn)


def test_at_most_ten_attached_policies(iam: Any) -> None:
    user = unique("many")
    iam.create_user(UserName=user)
    for _ in range(10):
        iam.attach_user_policy(UserName=user, PolicyArn=_policy_arn(iam))
    expect_error(
        lambda: iam.attach_user_policy(UserName=user, PolicyArn=S3_READ),
        "LimitExceeded",
        409,
        "Cannot exceed quota for PoliciesPerUser: 10",
    )


def test_aws_managed_policies(iam: Any) -> None:
    aws = iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]
    names = {p["PolicyName"] for p in aws}
    assert {
        "AdministratorAccess",
        "ReadOnlyAccess",
        "AmazonS3FullAccess",
        "AWSGlueServiceRole",
    } <= names
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws)
    glue = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole"
    got = iam.get_policy(PolicyArn=glue)["Policy"]
    document = iam.get_policy_version(PolicyArn=glue, VersionId=got["DefaultVersionId"])
    actions = document["PolicyVersion"]["Document"]["Statement"][0]["Action"]
    assert "glue:*" in actions
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    version = iam.get_policy_version(PolicyArn=admin, VersionId="v1")["PolicyVersion"]
    assert version["Document"]["Statement"] == [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    expect_error(
        lambda: iam.create_policy_version(PolicyArn=admin, PolicyDocument=policy(allow("s3:*"))),
        "AccessDenied",
        403,
    )
    local = iam.list_policies(Scope="Local", MaxItems=1000)["Policies"]
    assert all(f":{ACCOUNT}:policy/" in p["Arn"] for p in local)


def test_list_policies_only_attached_and_paging(iam: Any) -> None:
    path = f"/{unique('only')}/"
    arns = [_policy_arn(iam, Path=path) for _ in range(3)]
    user = unique("u")
    iam.create_user(UserName=user)
    iam.attach_user_policy(UserName=user, PolicyArn=arns[1])
    attached = iam.list_policies(Scope="Local", PathPrefix=path, OnlyAttached=True)["Policies"]
    assert [p["Arn"] for p in attached] == [arns[1]]
    first = iam.list_policies(Scope="Local", PathPrefix=path, MaxItems=2)
    rest = iam.list_policies(Scope="Local", PathPrefix=path, Marker=first["Marker"])
    assert len(first["Policies"]) == 2 and len(rest["Policies"]) == 1
    assert sorted(p["Arn"] for p in first["Policies"] + rest["Policies"]) == sorted(arns)


def test_permissions_boundaries(iam: Any) -> None:
    arn = _policy_arn(iam)
    user = unique("bounded")
    iam.create_user(UserName=user)
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=arn)
    assert (
        iam.get_user(UserName=user)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == arn
    )
    assert iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"] == 1
    boundary_users = iam.list_entities_for_policy(
        PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary"
    )["PolicyUsers"]
    assert [u["UserName"] for u in boundary_users] == [user]
    iam.delete_user_permissions_boundary(UserName=user)
    assert "PermissionsBoundary" not in iam.get_user(UserName=user)["User"]
    expect_error(
        lambda: iam.put_user_permissions_boundary(
            UserName=user, PermissionsBoundary=f"arn:aws:iam::{ACCOUNT}:policy/{unique('none')}"
        ),
        "NoSuchEntity",
        404,
    )


def test_policy_tags(iam: Any) -> None:
    arn = _policy_arn(iam, Tags=[{"Key": "owner", "Value": "data"}])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "owner", "Value": "data"}]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "cost", "Value": "1"}])
    iam.untag_policy(PolicyArn=arn, TagKeys=["owner"])
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Tags"] == [{"Key": "cost", "Value": "1"}]
