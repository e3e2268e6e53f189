"""IAM enforcement end to end: what AWS allows is allowed, what it denies is denied."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import Server, make_client


def status_of(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def denied(call: Callable[[], Any], code: str = "AccessDenied", status: int = 403) -> str:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert error["Code"] == code, info.value.response
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    return error.get("Message", "")


def user_with_policy(server: Server, policy: dict[str, Any]) -> tuple[str, dict[str, str]]:
    iam = make_client(server.endpoint, "iam")
    name = unique("jan")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return name, {"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}


def read_one_bucket_policy(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"},
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
        ],
    }


def test_limited_user_reads_one_bucket_and_nothing_else(
    server: Server, s3: Any, bucket_factory: Callable[..., str]
) -> None:
    readable, other = bucket_factory("readable"), bucket_factory("other")
    s3.put_object(Bucket=readable, Key="data.csv", Body=b"a,b\n")
    s3.put_object(Bucket=other, Key="secret.csv", Body=b"x")
    name, keys = user_with_policy(server, read_one_bucket_policy(readable))
    user_s3 = make_client(server.endpoint, "s3", **keys)

    assert user_s3.get_object(Bucket=readable, Key="data.csv")["Body"].read() == b"a,b\n"
    assert [o["Key"] for o in user_s3.list_objects_v2(Bucket=readable)["Contents"]] == ["data.csv"]
    message = denied(lambda: user_s3.put_object(Bucket=readable, Key="new", Body=b"x"))
    assert message == (
        f"User: arn:aws:iam::000000000000:user/{name} is not authorized to perform: "
        f"s3:PutObject on resource: arn:aws:s3:::{readable}/new because no identity-based "
        "policy allows the s3:PutObject action"
    )
    denied(lambda: user_s3.get_object(Bucket=other, Key="secret.csv"))
    denied(lambda: user_s3.list_objects_v2(Bucket=other))
    denied(lambda: user_s3.delete_object(Bucket=readable, Key="data.csv"))
    denied(lambda: user_s3.list_buckets())
    denied(lambda: user_s3.create_bucket(Bucket=unique("nope")))
    # Other services: nothing allowed either.
    user_iam = make_client(server.endpoint, "iam", **keys)
    denied(lambda: user_iam.list_users())
    user_sm = make_client(server.endpoint, "secretsmanager", **keys)
    denied(lambda: user_sm.list_secrets(), code="AccessDeniedException", status=400)


def test_explicit_deny_wins_and_conditions_apply(server: Server, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="public/a.txt", Body=b"a")
    s3.put_object(Bucket=bucket, Key="private/b.txt", Body=b"b")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/private/*",
            },
            {
                "Effect": "Deny",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringNotLike": {"s3:prefix": ["public/*"]}},
            },
        ],
    }
    _, keys = user_with_policy(server, policy)
    user_s3 = make_client(server.endpoint, "s3", **keys)
    assert user_s3.get_object(Bucket=bucket, Key="public/a.txt")["Body"].read() == b"a"
    message = denied(lambda: user_s3.get_object(Bucket=bucket, Key="private/b.txt"))
    assert message.endswith("with an explicit deny in an identity-based policy")
    assert user_s3.list_objects_v2(Bucket=bucket, Prefix="public/")["KeyCount"] == 1
    denied(lambda: user_s3.list_objects_v2(Bucket=bucket, Prefix="private/"))


def test_assumed_role_gets_the_role_permissions(server: Server, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    iam = make_client(server.endpoint, "iam")
    role = unique("reader")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"][
        "Arn"
    ]
    iam.put_role_policy(
        RoleName=role, PolicyName="read", PolicyDocument=json.dumps(read_one_bucket_policy(bucket))
    )
    # A user who may assume the role, and nothing else.
    _, keys = user_with_policy(
        server,
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}],
        },
    )
    user_s3 = make_client(server.endpoint, "s3", **keys)
    denied(lambda: user_s3.get_object(Bucket=bucket, Key="k"))
    sts = make_client(server.endpoint, "sts", **keys)
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="etl")["Credentials"]
    session = {
        "access_key": creds["AccessKeyId"],
        "secret_key": creds["SecretAccessKey"],
        "session_token": creds["SessionToken"],
    }
    identity = make_client(server.endpoint, "sts", **session).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::000000000000:assumed-role/{role}/etl"
    role_s3 = make_client(server.endpoint, "s3", **session)
    assert role_s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    denied(lambda: role_s3.put_object(Bucket=bucket, Key="k2", Body=b"x"))


def test_bucket_policy_grants_another_account(server: Server, s3: Any, bucket: str) -> None:
    other = server.admin("POST", "/_cloudlet/accounts", {"name": unique("partner")})
    partner = make_client(
        server.endpoint,
        "s3",
        access_key=other["AccessKeyId"],
        secret_key=other["SecretAccessKey"],
    )
    s3.put_object(Bucket=bucket, Key="shared/report.csv", Body=b"r")
    assert denied(lambda: partner.get_object(Bucket=bucket, Key="shared/report.csv")) == (
        "Access Denied"
    )
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{other['AccountId']}:root"},
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/shared/*",
                    }
                ],
            }
        ),
    )
    assert partner.get_object(Bucket=bucket, Key="shared/report.csv")["Body"].read() == b"r"
    denied(lambda: partner.put_object(Bucket=bucket, Key="shared/x", Body=b"x"))


def test_public_read_through_a_bucket_policy(server: Server, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="site/index.html", Body=b"<html/>")
    url = f"{server.endpoint}/{bucket}/site/index.html"
    assert status_of(url)[0] == 403
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/site/*",
                    }
                ],
            }
        ),
    )
    assert status_of(url) == (200, b"<html/>")
    assert status_of(f"{server.endpoint}/{bucket}/site/x", "PUT", b"x")[0] == 403


def test_deactivated_key_stops_at_once(server: Server, bucket: str) -> None:
    name, keys = user_with_policy(server, read_one_bucket_policy(bucket))
    user_s3 = make_client(server.endpoint, "s3", **keys)
    user_s3.list_objects_v2(Bucket=bucket)
    make_client(server.endpoint, "iam").update_access_key(
        UserName=name, AccessKeyId=keys["access_key"], Status="Inactive"
    )
    for _ in range(4):  # several connections: each worker must know
        fresh = make_client(server.endpoint, "s3", **keys)
        denied(lambda c=fresh: c.list_objects_v2(Bucket=bucket), code="InvalidAccessKeyId")


def test_policy_change_applies_to_the_next_request(server: Server, s3: Any, bucket: str) -> None:
    name, keys = user_with_policy(server, read_one_bucket_policy(bucket))
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    make_client(server.endpoint, "s3", **keys).get_object(Bucket=bucket, Key="k")
    make_client(server.endpoint, "iam").delete_user_policy(UserName=name, PolicyName="p")
    for _ in range(4):
        fresh = make_client(server.endpoint, "s3", **keys)
        denied(lambda c=fresh: c.get_object(Bucket=bucket, Key="k"))


def test_enforcement_can_be_turned_off(own_server: Server) -> None:
    own_server.start("--no-enforce-iam")
    iam = make_client(own_server.endpoint, "iam")
    iam.create_user(UserName="demo")
    key = iam.create_access_key(UserName="demo")["AccessKey"]
    user_s3 = make_client(
        own_server.endpoint,
        "s3",
        access_key=key["AccessKeyId"],
        secret_key=key["SecretAccessKey"],
    )
    user_s3.create_bucket(Bucket="demo-bucket")  # no policy at all, yet allowed
    # Signatures still count, and anonymous requests are still refused.
    bad = make_client(own_server.endpoint, "s3", access_key=key["AccessKeyId"], secret_key="x")
    denied(lambda: bad.list_buckets(), code="SignatureDoesNotMatch")
    assert status_of(f"{own_server.endpoint}/demo-bucket")[0] == 403
