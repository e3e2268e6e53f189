"""Resource policies, the rotation configuration, and GetRandomPassword."""

from __future__ import annotations

import json
import string
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import ACCOUNT, expect_error

LAMBDA = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:rotate-db"


def _policy(principal: Any, **extra: Any) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "*",
        **extra,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_resource_policy_lifecycle(sm: Any, secret: dict[str, Any]) -> None:
    name = secret["Name"]
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)
    text = _policy({"AWS": f"arn:aws:iam::{ACCOUNT}:role/etl"})
    put = sm.put_resource_policy(SecretId=name, ResourcePolicy=text)
    assert put == {"ARN": secret["ARN"], "Name": name, "ResponseMetadata": put["ResponseMetadata"]}
    assert sm.get_resource_policy(SecretId=name)["ResourcePolicy"] == text
    sm.delete_resource_policy(SecretId=name)
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)


def test_malformed_and_public_policies(sm: Any, secret: dict[str, Any]) -> None:
    name = secret["Name"]
    expect_error(
        lambda: sm.put_resource_policy(SecretId=name, ResourcePolicy="{nope"),
        "MalformedPolicyDocumentException",
    )
    no_principal = json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"}]}
    )
    expect_error(
        lambda: sm.put_resource_policy(SecretId=name, ResourcePolicy=no_principal),
        "MalformedPolicyDocumentException",
    )
    public = _policy("*")
    expect_error(
        lambda: sm.put_resource_policy(
            SecretId=name, ResourcePolicy=public, BlockPublicPolicy=True
        ),
        "PublicPolicyException",
    )
    sm.put_resource_policy(SecretId=name, ResourcePolicy=public)  # allowed unless blocked


def test_validate_resource_policy(sm: Any, secret: dict[str, Any]) -> None:
    ok = sm.validate_resource_policy(
        SecretId=secret["Name"], ResourcePolicy=_policy({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    )
    assert ok["PolicyValidationPassed"] is True and ok["ValidationErrors"] == []
    broad = sm.validate_resource_policy(ResourcePolicy=_policy({"AWS": "*"}))
    assert broad["PolicyValidationPassed"] is False and broad["ValidationErrors"]
    expect_error(
        lambda: sm.validate_resource_policy(ResourcePolicy="[]"),
        "MalformedPolicyDocumentException",
    )


def test_rotate_secret_stores_configuration_and_answers_honestly(
    sm: Any, secret: dict[str, Any]
) -> None:
    name = secret["Name"]
    expect_error(
        lambda: sm.rotate_secret(SecretId=name),
        "InvalidRequestException",
        400,
        "No Lambda rotation function ARN is associated with this secret.",
    )
    response = expect_error(
        lambda: sm.rotate_secret(
            SecretId=name,
            RotationLambdaARN=LAMBDA,
            RotationRules={"AutomaticallyAfterDays": 30, "Duration": "2h"},
        ),
        "InvalidRequestException",
    )
    assert "Lambda" in response["Error"]["Message"]
    described = sm.describe_secret(SecretId=name)
    assert described["RotationEnabled"] is True
    assert described["RotationLambdaARN"] == LAMBDA
    assert described["RotationRules"] == {"AutomaticallyAfterDays": 30, "Duration": "2h"}
    expected = datetime.now(UTC) + timedelta(days=30)
    assert abs((described["NextRotationDate"] - expected).total_seconds()) < 120


def test_rotate_later_and_cancel(sm: Any, secret: dict[str, Any]) -> None:
    name = secret["Name"]
    out = sm.rotate_secret(
        SecretId=name,
        RotationLambdaARN=LAMBDA,
        RotationRules={"ScheduleExpression": "cron(0 16 1,15 * ? *)"},
        RotateImmediately=False,
    )
    assert out["ARN"] == secret["ARN"]
    described = sm.describe_secret(SecretId=name)
    assert described["RotationRules"] == {"ScheduleExpression": "cron(0 16 1,15 * ? *)"}
    sm.cancel_rotate_secret(SecretId=name)
    described = sm.describe_secret(SecretId=name)
    assert described["RotationEnabled"] is False and "NextRotationDate" not in described
    for rules in (
        {"AutomaticallyAfterDays": 7, "ScheduleExpression": "rate(10 days)"},
        {"ScheduleExpression": "every tuesday"},
        {"ScheduleExpression": "rate(2 hours)"},
    ):
        expect_error(
            lambda r=rules: sm.rotate_secret(
                SecretId=name, RotationLambdaARN=LAMBDA, RotationRules=r, RotateImmediately=False
            ),
            "InvalidParameterException",
        )


def test_random_password_defaults(sm: Any) -> None:
    password = sm.get_random_password()["RandomPassword"]
    assert len(password) == 32
    assert any(c in string.ascii_lowercase for c in password)
    assert any(c in string.ascii_uppercase for c in password)
    assert any(c in string.digits for c in password)
    assert any(c in string.punctuation for c in password)
    assert " " not in password


@pytest.mark.parametrize(
    ("options", "allowed"),
    [
        ({"ExcludePunctuation": True}, string.ascii_letters + string.digits),
        (
            {"ExcludeNumbers": True, "ExcludeLowercase": True},
            string.ascii_uppercase + string.punctuation,
        ),
        ({"ExcludeUppercase": True, "ExcludeCharacters": "abcdef0123"}, None),
        (
            {"IncludeSpace": True, "ExcludePunctuation": True},
            string.ascii_letters + string.digits + " ",
        ),
    ],
)
def test_random_password_options(sm: Any, options: dict[str, Any], allowed: str | None) -> None:
    password = sm.get_random_password(PasswordLength=64, **options)["RandomPassword"]
    assert len(password) == 64
    if allowed is None:
        allowed = "".join(
            c
            for c in string.ascii_lowercase + string.digits + string.punctuation
            if c not in "abcdef0123"
        )
    assert set(password) <= set(allowed)
    if options.get("IncludeSpace"):
        assert " " in password  # RequireEachIncludedType


def test_random_password_invalid(sm: Any) -> None:
    expect_error(
        lambda: sm.get_random_password(
            ExcludeLowercase=True,
            ExcludeUppercase=True,
            ExcludeNumbers=True,
            ExcludePunctuation=True,
        ),
        "InvalidParameterException",
    )
    expect_error(
        lambda: sm.get_random_password(PasswordLength=2, IncludeSpace=True),
        "InvalidParameterException",
    )
    one = sm.get_random_password(PasswordLength=1, RequireEachIncludedType=False)
    assert len(one["RandomPassword"]) == 1
