"""AssumeRole: trust policy and identity policy both decide, as AWS's evaluation logic does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ..conftest import Server, make_client
from ..iam.conftest import ACCOUNT, allow, client_with, expect_error, policy, trust, unique

ROOT = f"arn:aws:iam::{ACCOUNT}:root"
UserFactory = Callable[..., tuple[str, dict[str, Any]]]


@pytest.fixture
def role_factory(iam: Any) -> Callable[..., str]:
    def factory(document: str, client: Any = None, **kwargs: Any) -> str:
        client = client or iam
        name = unique("role")
        return client.create_role(RoleName=name, AssumeRolePolicyDocument=document, **kwargs)[
            "Role"
        ]["Arn"]

    return factory


def _allow_assume(iam: Any, user: str, resource: str = "*") -> None:
    iam.put_user_policy(
        UserName=user, PolicyName="assume", PolicyDocument=policy(allow("sts:AssumeRole", resource))
    )


def test_assumed_role_identity(
    iam: Any, server: Server, user_with_key: UserFactory, role_factory: Callable[..., str]
) -> None:
    role_arn = role_factory(trust({"AWS": ROOT}), Path="/etl/")
    role_name = role_arn.rsplit("/", 1)[1]
    user, key = user_with_key()
    _allow_assume(iam, user, role_arn)
    out = client_with(server.endpoint, "sts", key).assume_role(
        RoleArn=role_arn, RoleSessionName="nightly"
    )
    assumed = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/nightly"
    role_id = iam.get_role(RoleName=role_name)["Role"]["RoleId"]
    assert out["AssumedRoleUser"] == {"AssumedRoleId": f"{role_id}:nightly", "Arn": assumed}
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    lifetime = (
        creds["Expiration"].timestamp()
        - iam.get_role(RoleName=role_name)["Role"]["CreateDate"].timestamp()
    )
    assert 3500 < lifetime < 3700  # the default one hour
    identity = client_with(server.endpoint, "sts", creds).get_caller_identity()
    assert identity == {
        **identity,
        "Arn": assumed,
        "UserId": f"{role_id}:nightly",
        "Account": ACCOUNT,
    }
    assert "RoleLastUsed" in iam.get_role(RoleName=role_name)["Role"]


def test_identity_policy_must_allow_when_trust_names_the_account(
    iam: Any, server: Server, user_with_key: UserFactory, role_factory: Callable[..., str]
) -> None:
    role_arn = role_factory(trust({"AWS": ROOT}))
    user, key = user_with_key()
    sts = client_with(server.endpoint, "sts", key)
    expect_error(
        lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1"),
        "AccessDenied",
        403,
        f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: "
        f"sts:AssumeRole on resource: {role_arn}",
    )
    _allow_assume(iam, user, role_arn)
    assert sts.assume_role(RoleArn=role_arn, RoleSessionName="s1")["Credentials"]


def test_trust_naming_the_user_suffices_in_one_account(
    server: Server, user_with_key: UserFactory, role_factory: Callable[..., str]
) -> None:
    user, key = user_with_key()
    role_arn = role_factory(trust({"AWS": f"arn:aws:iam::{ACCOUNT}:user/{user}"}))
    out = client_with(server.endpoint, "sts", key).assume_role(
        RoleArn=role_arn, RoleSessionName="s1"
    )
    assert out["AssumedRoleUser"]["Arn"].endswith("/s1")


def test_trust_must_trust_the_caller(
    iam: Any, server: Server, user_with_key: UserFactory, role_factory: Callable[..., str]
) -> None:
    role_arn = role_factory(trust({"AWS": "arn:aws:iam::123456789012:root"}))
    user, key = user_with_key()
    _allow_assume(iam, user)
    sts = client_with(server.endpoint, "sts", key)
    expect_error(
        lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1"), "AccessDenied", 403
    )
    missing = f"arn:aws:iam::{ACCOUNT}:role/{unique('missing')}"
    expect_error(
        lambda: sts.assume_role(RoleArn=missing, RoleSessionName="s1"),
        "AccessDenied",
        403,
        f"on resource: {missing}",
    )
    deny = policy({"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": role_arn})
    other = role_factory(trust({"AWS": ROOT}))
    iam.put_user_policy(UserName=user, PolicyName="deny", PolicyDocument=deny)
    sts.assume_role(RoleArn=other, RoleSessionName="s1")  # only the one role is denied
    iam.update_assume_role_policy(
        RoleName=role_arn.rsplit("/", 1)[1], PolicyDocument=trust({"AWS": ROOT})
    )
    expect_error(
        lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1"),
        "AccessDenied",
        403,
        "with an explicit deny in an identity-based policy",
    )


def test_external_id_condition(
    iam: Any, server: Server, user_with_key: UserFactory, role_factory: Callable[..., str]
) -> None:
    role_arn = role_factory(
        trust({"AWS": ROOT}, Condition={"StringEquals": {"sts:ExternalId": "partner-42"}})
    )
    user, key = user_with_key()
    _allow_assume(iam, user)
    sts = client_with(server.endpoint, "sts", key)
    expect_error(
        lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1"), "AccessDenied", 403
    )
    expect_error(
        lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", ExternalId="wrong-id"),
        "AccessDenied",
        403,
    )
    ok = sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", ExternalId="partner-42")
    assert ok["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_root_may_assume_a_role_its_account_trusts(
    client_factory: Callable[..., Any], role_factory: Callable[..., str]
) -> None:
    role_arn = role_factory(trust({"AWS": ROOT}))
    out = client_factory("sts").assume_role(RoleArn=role_arn, RoleSessionName="admin")
    assert out["AssumedRoleUser"]["Arn"].endswith("/admin")


def test_duration_and_name_validation(
    client_factory: Callable[..., Any], role_factory: Callable[..., str]
) -> None:
    role_arn = role_factory(trust({"AWS": ROOT}), MaxSessionDuration=7200)
    sts = client_factory("sts")
    raw = client_factory("sts", parameter_validation=False)
    long = sts.assume_role(RoleArn=role_arn, RoleSessionName="long", DurationSeconds=7200)
    assert long["Credentials"]
    expect_error(
        lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=7201),
        "ValidationError",
        400,
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    )
    expect_error(
        lambda: raw.assume_role(RoleArn=role_arn, RoleSessionName="s1", DurationSeconds=899),
        "ValidationError",
        400,
        "durationSeconds",
    )
    expect_error(
        lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="bad name"),
        "ValidationError",
        400,
        "roleSessionName",
    )
    chained = client_with(sts._endpoint.host, "sts", long["Credentials"])
    expect_error(
        lambda: chained.assume_role(RoleArn=role_arn, RoleSessionName="c1", DurationSeconds=3601),
        "ValidationError",
        400,
        "role chaining",
    )
    expect_error(
        lambda: raw.assume_role(RoleArn="arn:aws:iam::12:role/x/y/zzzz", RoleSessionName="s1"),
        "ValidationError",
        400,
    )


def test_session_policies_and_tags(
    iam: Any, client_factory: Callable[..., Any], role_factory: Callable[..., str]
) -> None:
    role_arn = role_factory(trust({"AWS": ROOT}))
    sts = client_factory("sts")
    out = sts.assume_role(
        RoleArn=role_arn,
        RoleSessionName="narrow",
        Policy=policy(allow("s3:GetObject", "arn:aws:s3:::lake/*")),
        PolicyArns=[{"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}],
    )
    assert 0 < out["PackedPolicySize"] <= 100
    expect_error(
        lambda: sts.assume_role(RoleArn=role_arn, RoleSessionName="s1", Policy="{nope"),
        "MalformedPolicyDocument",
        400,
    )
    expect_error(
        lambda: sts.assume_role(
            RoleArn=role_arn, RoleSessionName="tagged", Tags=[{"Key": "team", "Value": "data"}]
        ),
        "AccessDenied",
        403,
        "sts:TagSession",
    )
    tagging = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": ROOT},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    )
    iam.update_assume_role_policy(RoleName=role_arn.rsplit("/", 1)[1], PolicyDocument=tagging)
    tagged = sts.assume_role(
        RoleArn=role_arn, RoleSessionName="tagged", Tags=[{"Key": "team", "Value": "data"}]
    )
    assert tagged["PackedPolicySize"] > 0


def test_cross_account_needs_both_sides(
    iam: Any,
    server: Server,
    other_iam: Any,
    other_account: dict[str, Any],
    user_with_key: UserFactory,
    role_factory: Callable[..., str],
) -> None:
    other = other_account["AccountId"]
    trusting = role_factory(trust({"AWS": ROOT}), client=other_iam)
    not_trusting = role_factory(trust({"AWS": f"arn:aws:iam::{other}:root"}), client=other_iam)
    user, key = user_with_key()
    sts = client_with(server.endpoint, "sts", key)
    expect_error(
        lambda: sts.assume_role(RoleArn=trusting, RoleSessionName="x1"), "AccessDenied", 403
    )
    _allow_assume(iam, user)
    out = sts.assume_role(RoleArn=trusting, RoleSessionName="x1")
    name = trusting.rsplit("/", 1)[1]
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{other}:assumed-role/{name}/x1"
    identity = client_with(server.endpoint, "sts", out["Credentials"]).get_caller_identity()
    assert identity["Account"] == other
    expect_error(
        lambda: sts.assume_role(RoleArn=not_trusting, RoleSessionName="x1"), "AccessDenied", 403
    )
    root_b = make_client(
        server.endpoint,
        "sts",
        access_key=other_account["AccessKeyId"],
        secret_key=other_account["SecretAccessKey"],
    )
    assert root_b.assume_role(RoleArn=not_trusting, RoleSessionName="own")["Credentials"]
