"""Account-wide IAM: aliases, authorization details, summary, and isolation between accounts."""

from __future__ import annotations

import json
from typing import Any

from .conftest import allow, expect_error, policy, trust, unique


def test_account_alias(iam: Any, other_iam: Any) -> None:
    alias = unique("lake").lower()
    other_iam.create_account_alias(AccountAlias=alias)
    assert other_iam.list_account_aliases()["AccountAliases"] == [alias]
    expect_error(
        lambda: iam.create_account_alias(AccountAlias=alias),
        "EntityAlreadyExists",
        409,
    )
    other_iam.delete_account_alias(AccountAlias=alias)
    assert other_iam.list_account_aliases()["AccountAliases"] == []
    expect_error(lambda: other_iam.delete_account_alias(AccountAlias=alias), "NoSuchEntity", 404)


def test_accounts_are_isolated(iam: Any, other_iam: Any, other_account: dict[str, Any]) -> None:
    name = unique("mine")
    created = other_iam.create_user(UserName=name)["User"]
    assert created["Arn"] == f"arn:aws:iam::{other_account['AccountId']}:user/{name}"
    expect_error(lambda: iam.get_user(UserName=name), "NoSuchEntity", 404)
    iam.create_user(UserName=name)  # the same name in another account is another user
    local = other_iam.create_policy(PolicyName=unique("p"), PolicyDocument=policy(allow("s3:*")))
    expect_error(
        lambda: iam.attach_user_policy(UserName=name, PolicyArn=local["Policy"]["Arn"]),
        "NoSuchEntity",
        404,
    )


def test_account_authorization_details(other_iam: Any) -> None:
    user, group, role = unique("u"), unique("g"), unique("r")
    document = policy(allow("s3:GetObject", "arn:aws:s3:::lake/*"))
    other_iam.create_user(UserName=user)
    other_iam.create_group(GroupName=group)
    other_iam.add_user_to_group(GroupName=group, UserName=user)
    other_iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=document)
    other_iam.attach_user_policy(
        UserName=user, PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    )
    other_iam.create_role(
        RoleName=role, AssumeRolePolicyDocument=trust({"Service": "glue.amazonaws.com"})
    )
    details = other_iam.get_account_authorization_details()
    users = {u["UserName"]: u for u in details["UserDetailList"]}
    assert users[user]["GroupList"] == [group]
    assert users[user]["UserPolicyList"] == [
        {"PolicyName": "inline", "PolicyDocument": json.loads(document)}
    ]
    assert users[user]["AttachedManagedPolicies"][0]["PolicyName"] == "AmazonS3ReadOnlyAccess"
    assert role in {r["RoleName"] for r in details["RoleDetailList"]}
    assert "AmazonS3ReadOnlyAccess" in {p["PolicyName"] for p in details["Policies"]}
    only_roles = other_iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and only_roles["RoleDetailList"]
    paged = other_iam.get_account_authorization_details(MaxItems=1)
    assert paged["IsTruncated"] is True
    summary = other_iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] >= 1 and summary["AccessKeysPerUserQuota"] == 2
