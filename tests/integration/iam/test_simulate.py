"""The policy simulator gives the decisions enforcement gives, with the matched statements."""

from __future__ import annotations

import json
from typing import Any

from .conftest import ACCOUNT, allow, expect_error, policy, unique

BUCKET = "arn:aws:s3:::lake"


def _decisions(results: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    return {(r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in results}


def test_simulate_custom_policy(iam: Any) -> None:
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"{BUCKET}/*",
                },
                {
                    "Sid": "NotSecrets",
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "Resource": f"{BUCKET}/secret/*",
                },
            ],
        },
        indent=2,
    )
    results = iam.simulate_custom_policy(
        PolicyInputList=[document],
        ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=[f"{BUCKET}/data/a.csv", f"{BUCKET}/secret/key"],
    )["EvaluationResults"]
    assert _decisions(results) == {
        ("s3:GetObject", f"{BUCKET}/data/a.csv"): "allowed",
        ("s3:GetObject", f"{BUCKET}/secret/key"): "explicitDeny",
        ("s3:PutObject", f"{BUCKET}/data/a.csv"): "implicitDeny",
        ("s3:PutObject", f"{BUCKET}/secret/key"): "explicitDeny",
    }
    allowed = results[0]["MatchedStatements"]
    assert allowed == [
        {
            "SourcePolicyId": "PolicyInputList.1",
            "SourcePolicyType": "none",
            "StartPosition": {"Line": 4, "Column": 5},
            "EndPosition": {"Line": 9, "Column": 6},
        }
    ]


def test_simulate_custom_policy_with_context(iam: Any) -> None:
    document = policy(
        allow("s3:ListBucket", BUCKET, Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    )

    def decide(ip: str) -> str:
        return iam.simulate_custom_policy(
            PolicyInputList=[document],
            ActionNames=["s3:ListBucket"],
            ResourceArns=[BUCKET],
            ContextEntries=[
                {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": [ip], "ContextKeyType": "ip"}
            ],
        )["EvaluationResults"][0]["EvalDecision"]

    assert decide("10.1.2.3") == "allowed"
    assert decide("192.168.0.1") == "implicitDeny"


def test_simulate_principal_policy(iam: Any) -> None:
    user, group = unique("sim"), unique("simgrp")
    arn = iam.create_user(UserName=user)["User"]["Arn"]
    iam.create_group(GroupName=group)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.put_group_policy(
        GroupName=group, PolicyName="group-read", PolicyDocument=policy(allow("s3:GetObject"))
    )
    iam.attach_user_policy(
        UserName=user, PolicyArn="arn:aws:iam::aws:policy/AmazonKinesisFullAccess"
    )

    def decide(action: str) -> dict[str, Any]:
        return iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=[action])[
            "EvaluationResults"
        ][0]

    read = decide("s3:GetObject")
    assert read["EvalDecision"] == "allowed"
    assert read["MatchedStatements"][0]["SourcePolicyId"] == "group-read"
    assert read["MatchedStatements"][0]["SourcePolicyType"] == "group"
    kinesis = decide("kinesis:PutRecord")
    assert kinesis["EvalDecision"] == "allowed"
    assert kinesis["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"
    assert decide("s3:PutObject")["EvalDecision"] == "implicitDeny"
    boundary = iam.create_policy(
        PolicyName=unique("boundary"), PolicyDocument=policy(allow("kinesis:*"))
    )["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=boundary)
    bounded = decide("s3:GetObject")
    assert bounded["EvalDecision"] == "implicitDeny"
    assert bounded["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    assert decide("kinesis:PutRecord")["EvalDecision"] == "allowed"


def test_simulate_unknown_principal(iam: Any) -> None:
    expect_error(
        lambda: iam.simulate_principal_policy(
            PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/{unique('ghost')}",
            ActionNames=["s3:GetObject"],
        ),
        "NoSuchEntity",
        404,
    )
