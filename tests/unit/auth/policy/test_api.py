"""The public API others code against: Policy objects, decisions, messages, request context."""

from __future__ import annotations

import dataclasses
import json

import pytest

from cloudlet.auth.policy import (
    AuthzRequest,
    Decision,
    MatchedStatement,
    Policy,
    PolicyError,
    PolicySet,
    access_denied_message,
    evaluate,
    parse_policy,
)
from cloudlet.auth.policy.conditions import parse_date

USER = "arn:aws:iam::111122223333:user/jan31"
READ_BUCKET = {
    "Version": "2012-10-17",
    "Id": "read-bucket",
    "Statement": [
        {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        },
        {
            "Sid": "NoSecrets",
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::b/secret/*",
        },
    ],
}


def request(action: str, resource: str, principal: str = USER, **kw: object) -> AuthzRequest:
    kind = "assumed-role" if ":assumed-role/" in principal else "user"
    return AuthzRequest(action, resource, principal, "111122223333", kind, **kw)  # type: ignore[arg-type]


def test_parse_keeps_the_original_text_and_metadata() -> None:
    text = json.dumps(READ_BUCKET, indent=4)
    policy = parse_policy(text, kind="identity", name="arn:aws:iam::111122223333:policy/read")
    assert policy.text == text
    assert policy.kind == "identity"
    assert policy.version == "2012-10-17"
    assert policy.id == "read-bucket"
    assert policy.name == "arn:aws:iam::111122223333:policy/read"
    assert [s.sid for s in policy.statements] == ["List", "Read", "NoSecrets"]
    assert policy.document == READ_BUCKET


def test_parse_accepts_bytes_and_mappings_and_a_single_statement_object() -> None:
    from_bytes = parse_policy(json.dumps(READ_BUCKET).encode())
    from_dict = parse_policy(READ_BUCKET)
    assert from_bytes == from_dict
    single = parse_policy({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}})
    assert single.version == "2008-10-17"
    assert len(single.statements) == 1


def test_policy_is_frozen() -> None:
    policy = parse_policy(READ_BUCKET)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.kind = "resource"  # type: ignore[misc]


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown policy kind"):
        parse_policy(READ_BUCKET, kind="scp")


def test_resource_policies_allow_free_form_sids() -> None:
    policy = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
        },
        kind="resource",
    )
    assert policy.statements[0].sid == "Enable IAM User Permissions"


def test_policy_error_carries_the_aws_message() -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy("{", kind="identity")
    assert raised.value.message == "Syntax errors in policy."
    assert isinstance(raised.value, ValueError)


def test_one_parse_serves_many_evaluations() -> None:
    policies = PolicySet(identity=[parse_policy(READ_BUCKET)])
    outcomes = [
        evaluate(request("s3:GetObject", f"arn:aws:s3:::b/{key}"), policies).allowed
        for key in ("a", "secret/x", "a", "b/c", "secret/y")
    ]
    assert outcomes == [True, False, True, True, False]


def test_decision_lists_the_matched_statements_with_their_policy() -> None:
    policy = parse_policy(READ_BUCKET, name="inline:read")
    decision = evaluate(request("s3:GetObject", "arn:aws:s3:::b/secret/x"), PolicySet([policy]))
    assert decision == Decision(
        allowed=False,
        reason="explicit-deny",
        denied_by="identity-based policy",
        matched=(
            MatchedStatement("inline:read", "identity", "Read", "Allow", 1),
            MatchedStatement("inline:read", "identity", "NoSecrets", "Deny", 2),
        ),
    )


def test_matched_statement_source_falls_back_to_the_policy_id() -> None:
    decision = evaluate(
        request("s3:ListBucket", "arn:aws:s3:::b"), PolicySet([parse_policy(READ_BUCKET)])
    )
    assert decision.matched == (MatchedStatement("read-bucket", "identity", "List", "Allow", 0),)


def test_message_for_an_implicit_deny() -> None:
    req = request("s3:PutObject", "arn:aws:s3:::bucket/key")
    decision = evaluate(req, PolicySet())
    assert access_denied_message(req, decision) == (
        "User: arn:aws:iam::111122223333:user/jan31 is not authorized to perform: s3:PutObject "
        "on resource: arn:aws:s3:::bucket/key because no identity-based policy allows the "
        "s3:PutObject action"
    )


@pytest.mark.parametrize(
    ("denied_by", "tail"),
    [
        ("identity-based policy", "with an explicit deny in an identity-based policy"),
        ("resource-based policy", "with an explicit deny in a resource-based policy"),
        ("permissions boundary", "with an explicit deny in a permissions boundary"),
        ("session policy", "with an explicit deny in a session policy"),
    ],
)
def test_message_for_explicit_denies(denied_by: str, tail: str) -> None:
    req = request("s3:GetObject", "arn:aws:s3:::b/k")
    message = access_denied_message(req, Decision(False, "explicit-deny", denied_by))
    assert message == (
        "User: arn:aws:iam::111122223333:user/jan31 is not authorized to perform: "
        f"s3:GetObject on resource: arn:aws:s3:::b/k {tail}"
    )


@pytest.mark.parametrize(
    "denied_by", ["identity-based policy", "resource-based policy", "permissions boundary"]
)
def test_message_for_implicit_denies(denied_by: str) -> None:
    req = request("s3:GetObject", "arn:aws:s3:::b/k")
    message = access_denied_message(req, Decision(False, "implicit-deny", denied_by))
    assert message.endswith(f"because no {denied_by} allows the s3:GetObject action")


def test_message_without_a_resource_and_for_anonymous_callers() -> None:
    req = request("iam:ListUsers", "*")
    assert access_denied_message(req, evaluate(req, PolicySet())) == (
        "User: arn:aws:iam::111122223333:user/jan31 is not authorized to perform: "
        "iam:ListUsers because no identity-based policy allows the iam:ListUsers action"
    )
    anonymous = AuthzRequest("s3:GetObject", "arn:aws:s3:::b/k", "*", None, "anonymous")
    assert access_denied_message(anonymous, evaluate(anonymous, PolicySet())).startswith(
        "User: anonymous is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k"
    )


def test_no_message_for_an_allowed_request() -> None:
    with pytest.raises(ValueError, match="allowed"):
        access_denied_message(request("s3:GetObject", "*"), Decision(True, "allowed", None))


def test_derived_context_keys_for_users_and_sessions() -> None:
    user = request("s3:GetObject", "*").condition_context()
    assert user["aws:username"] == ("jan31",)
    assert user["aws:principalarn"] == (USER,)
    assert user["aws:principalaccount"] == ("111122223333",)
    assert user["aws:principaltype"] == ("User",)
    session = request(
        "s3:GetObject", "*", "arn:aws:sts::111122223333:assumed-role/etl/run-7"
    ).condition_context()
    assert "aws:username" not in session
    assert session["aws:principalarn"] == ("arn:aws:iam::111122223333:role/etl",)
    assert session["aws:principaltype"] == ("AssumedRole",)


def test_context_values_are_normalised_and_keys_lower_cased() -> None:
    ctx = request(
        "s3:GetObject",
        "*",
        context={"AWS:SecureTransport": True, "s3:max-keys": 10, "aws:TagKeys": ["a", "b"]},
    ).condition_context()
    assert ctx["aws:securetransport"] == ("true",)
    assert ctx["s3:max-keys"] == ("10",)
    assert ctx["aws:tagkeys"] == ("a", "b")


def test_identity_arn_keeps_the_role_path() -> None:
    req = request(
        "s3:GetObject",
        "*",
        "arn:aws:sts::111122223333:assumed-role/etl/run-7",
        identity_arn="arn:aws:iam::111122223333:role/data/etl",
    )
    assert req.entity_arn == "arn:aws:iam::111122223333:role/data/etl"
    assert req.condition_context()["aws:principalarn"] == (
        "arn:aws:iam::111122223333:role/data/etl",
    )


def test_trust_policies_make_the_resource_side_mandatory() -> None:
    trust = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
        },
        kind="trust",
    )
    assert PolicySet(resource=[trust]).requires_resource
    assert not PolicySet().requires_resource
    assert PolicySet(resource_required=True).requires_resource


def test_action_lookups_are_cached_per_policy() -> None:
    policy = parse_policy(READ_BUCKET)
    first = policy.statements_for("s3:getobject")
    assert [s.sid for s in first] == ["Read", "NoSecrets"]
    assert policy.statements_for("s3:getobject") is first


@pytest.mark.parametrize(
    ("text", "epoch"),
    [
        ("2020-01-01T00:00:00Z", 1577836800.0),
        ("2020-01-01", 1577836800.0),
        ("2020-01-01T01:00:00+01:00", 1577836800.0),
        ("2020-01-01T00:00:00.500Z", 1577836800.5),
        ("1577836800", 1577836800.0),
        ("not a date", None),
    ],
)
def test_date_formats(text: str, epoch: float | None) -> None:
    assert parse_date(text) == epoch


def test_policy_equality_ignores_compiled_state() -> None:
    a = parse_policy(READ_BUCKET)
    b = parse_policy(READ_BUCKET)
    a.statements_for("s3:getobject")
    assert a == b
    assert isinstance(a, Policy)
