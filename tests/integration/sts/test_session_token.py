"""GetSessionToken, and temporary credentials that expire (ExpiredToken)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..conftest import AwsCli, Server, make_client
from ..iam.conftest import ACCOUNT, allow, cli_as, client_with, expect_error, policy, trust, unique


def test_session_token_acts_as_the_user(
    server: Server, user_with_key: Callable[..., tuple[str, dict[str, Any]]]
) -> None:
    user, key = user_with_key()
    out = client_with(server.endpoint, "sts", key).get_session_token(DurationSeconds=900)
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    session = client_with(server.endpoint, "sts", creds)
    identity = session.get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/{user}"
    assert identity["UserId"].startswith("AIDA")
    expect_error(
        session.get_session_token,
        "AccessDenied",
        403,
        "Cannot call GetSessionToken with session credentials",
    )
    no_token = client_with(server.endpoint, "sts", {**creds, "SessionToken": None})
    expect_error(no_token.get_caller_identity, "InvalidClientTokenId", 403)


def test_expired_session_is_refused(own_server: Server) -> None:
    own_server.start()
    iam = make_client(own_server.endpoint, "iam")
    sts = make_client(own_server.endpoint, "sts")
    role = unique("short")
    arn = iam.create_role(
        RoleName=role, AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    )["Role"]["Arn"]
    iam.put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=policy(allow("s3:*")))
    creds = sts.assume_role(RoleArn=arn, RoleSessionName="brief", DurationSeconds=900)
    user_session = sts.get_session_token(DurationSeconds=900)
    session = client_with(own_server.endpoint, "sts", creds["Credentials"])
    assert session.get_caller_identity()["Arn"].endswith(f"assumed-role/{role}/brief")
    own_server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 7200})
    expect_error(session.get_caller_identity, "ExpiredToken", 400)
    root_session = client_with(own_server.endpoint, "sts", user_session["Credentials"])
    expect_error(root_session.get_caller_identity, "ExpiredToken", 400)


def test_cli_assume_role(aws: AwsCli, iam: Any) -> None:
    """``aws sts assume-role``, then the temporary credentials through the CLI."""
    role = unique("cli")
    arn = iam.create_role(
        RoleName=role, AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    )["Role"]["Arn"]
    out = aws.json("sts", "assume-role", "--role-arn", arn, "--role-session-name", "cli-session")
    identity = cli_as(aws, out["Credentials"]).json("sts", "get-caller-identity")
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/cli-session"
