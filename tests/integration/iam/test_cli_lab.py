"""The IAM lab as a learner types it, through the real ``aws`` CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..conftest import AwsCli
from .conftest import ACCOUNT, allow, cli_as, policy, unique


def _write(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, indent=2))


def test_iam_lab(aws: AwsCli, iam: Any) -> None:
    """The lab's steps run through the CLI; checks that are not lab steps use boto3 (faster)."""
    policy_name, role, user = unique("LakeRead"), unique("LakeRole"), unique("jan")
    _write(
        aws.cwd / "policy.json",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::lake", "arn:aws:s3:::lake/*"],
                }
            ],
        },
    )
    _write(
        aws.cwd / "trust.json",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
    )
    created = aws.json(
        "iam",
        "create-policy",
        "--policy-name",
        policy_name,
        "--policy-document",
        "file://policy.json",
    )
    policy_arn = created["Policy"]["Arn"]
    assert policy_arn == f"arn:aws:iam::{ACCOUNT}:policy/{policy_name}"
    role_arn = aws.json(
        "iam",
        "create-role",
        "--role-name",
        role,
        "--assume-role-policy-document",
        "file://trust.json",
    )["Role"]["Arn"]
    aws("iam", "attach-role-policy", "--role-name", role, "--policy-arn", policy_arn)
    attached = iam.list_attached_role_policies(RoleName=role)
    assert attached["AttachedPolicies"] == [{"PolicyName": policy_name, "PolicyArn": policy_arn}]

    aws("iam", "create-user", "--user-name", user)
    assume = policy(allow("sts:AssumeRole", role_arn))
    iam.put_user_policy(UserName=user, PolicyName="assume", PolicyDocument=assume)
    first = aws.json("iam", "create-access-key", "--user-name", user)["AccessKey"]
    me = cli_as(aws, first).json("sts", "get-caller-identity")
    assert me["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/{user}"
    assert me["UserId"].startswith("AIDA")

    # rotation: a second key, the first one made Inactive, then deleted
    second = aws.json("iam", "create-access-key", "--user-name", user)["AccessKey"]
    aws(
        "iam", "update-access-key", "--user-name", user, "--access-key-id",
        first["AccessKeyId"], "--status", "Inactive",
    )  # fmt: skip
    listed = aws.json("iam", "list-access-keys", "--user-name", user)["AccessKeyMetadata"]
    assert {k["AccessKeyId"]: k["Status"] for k in listed} == {
        first["AccessKeyId"]: "Inactive",
        second["AccessKeyId"]: "Active",
    }
    refused = cli_as(aws, first)("sts", "get-caller-identity", check=False)
    assert refused.returncode != 0 and "InvalidClientTokenId" in refused.stderr
    aws("iam", "delete-access-key", "--user-name", user, "--access-key-id", first["AccessKeyId"])
    listed = iam.list_access_keys(UserName=user)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [second["AccessKeyId"]]

    # the user assumes the role; the temporary credentials show the assumed-role ARN
    as_user = cli_as(aws, second)
    assumed = as_user.json(
        "sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "lab"
    )
    assert assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/lab"
    assert assumed["Credentials"]["AccessKeyId"].startswith("ASIA")
    session = cli_as(aws, assumed["Credentials"]).json("sts", "get-caller-identity")
    assert session["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/lab"
    assert session["UserId"].endswith(":lab") and session["UserId"].startswith("AROA")


def test_cli_malformed_policy(aws: AwsCli) -> None:
    (aws.cwd / "bad.json").write_text('{"Version": "2012-10-17", "Statement": [')
    bad = aws(
        "iam", "create-policy", "--policy-name", unique("bad"), "--policy-document",
        "file://bad.json", check=False,
    )  # fmt: skip
    assert bad.returncode != 0 and "(MalformedPolicyDocument)" in bad.stderr
