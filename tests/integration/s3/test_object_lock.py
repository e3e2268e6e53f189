"""Object Lock: bucket configuration, retention (GOVERNANCE / COMPLIANCE), legal holds and the
governance bypass. A server of this module's own: locked versions outlive the tests, and some
tests move the clock."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from ..conftest import Server, make_client
from .conftest import expect_error
from .versioned import DAY, advance, start_server

PROTECTED = "Access Denied because object protected by object lock."
Maker = Callable[..., str]


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Any]]:
    server, client = start_server(tmp_path_factory.mktemp("object-lock"))
    yield server, client
    server.stop()


@pytest.fixture
def make(locked: tuple[Server, Any]) -> Maker:
    """Buckets are left behind: the server goes away with the module."""

    def create(lock: bool = True) -> str:
        name = f"lock-{uuid.uuid4().hex[:12]}"
        locked[1].create_bucket(Bucket=name, ObjectLockEnabledForBucket=lock)
        return name

    return create


def days_ahead(server: Server, days: float) -> datetime:
    """A moment ``days`` ahead on the server's clock (which other tests here move)."""
    now = server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 0})["now"]
    return datetime.fromtimestamp(now + days * DAY, UTC)


def test_bucket_created_with_object_lock(locked: tuple[Server, Any], make: Maker) -> None:
    _, s3 = locked
    bucket = make()
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    config = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    assert config == {"ObjectLockEnabled": "Enabled"}
    default = {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}},
    }
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=default)
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == default
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(UTC)


def test_object_lock_on_an_existing_bucket_needs_versioning(
    locked: tuple[Server, Any], make: Maker
) -> None:
    _, s3 = locked
    bucket = make(lock=False)
    expect_error(
        s3.get_object_lock_configuration,
        "ObjectLockConfigurationNotFoundError",
        404,
        "Object Lock configuration does not exist for this bucket",
        Bucket=bucket,
    )
    enable = {"ObjectLockEnabled": "Enabled"}
    expect_error(
        s3.put_object_lock_configuration,
        "InvalidBucketState",
        409,
        "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
        Bucket=bucket,
        ObjectLockConfiguration=enable,
    )
    expect_error(
        s3.put_object,
        "InvalidRequest",
        400,
        "Bucket is missing Object Lock Configuration",
        Bucket=bucket,
        Key="k",
        Body=b"x",
        ObjectLockLegalHoldStatus="ON",
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=enable)
    expect_error(
        s3.put_bucket_versioning,
        "InvalidBucketState",
        409,
        Bucket=bucket,
        VersioningConfiguration={"Status": "Suspended"},
    )


def test_governance_retention_yields_only_to_a_bypass(
    locked: tuple[Server, Any], make: Maker
) -> None:
    server, s3 = locked
    bucket = make()
    version = s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"x",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=days_ahead(server, 2),
    )["VersionId"]
    assert (
        s3.get_object_retention(Bucket=bucket, Key="k", VersionId=version)["Retention"]["Mode"]
        == "GOVERNANCE"
    )
    expect_error(
        s3.delete_object, "AccessDenied", 403, PROTECTED, Bucket=bucket, Key="k", VersionId=version
    )
    # A delete without a version id only adds a delete marker: allowed.
    assert s3.delete_object(Bucket=bucket, Key="k")["DeleteMarker"] is True
    # Shortening governance retention needs the bypass too.
    expect_error(
        s3.put_object_retention,
        "AccessDenied",
        403,
        Bucket=bucket,
        Key="k",
        VersionId=version,
        Retention={"Mode": "GOVERNANCE", "RetainUntilDate": days_ahead(server, 1)},
    )
    s3.put_object_retention(
        Bucket=bucket,
        Key="k",
        VersionId=version,
        Retention={"Mode": "GOVERNANCE", "RetainUntilDate": days_ahead(server, 1)},
        BypassGovernanceRetention=True,
    )
    s3.delete_object(Bucket=bucket, Key="k", VersionId=version, BypassGovernanceRetention=True)
    expect_error(s3.head_object, "404", 404, Bucket=bucket, Key="k", VersionId=version)


def test_bypass_needs_its_permission(locked: tuple[Server, Any], make: Maker) -> None:
    server, s3 = locked
    bucket = make()
    version = s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"x",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=days_ahead(server, 2),
    )["VersionId"]
    iam = make_client(server.endpoint, "iam")
    user = f"bypass-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(policy))
    user_s3 = make_client(
        server.endpoint, "s3", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"]
    )
    expect_error(
        user_s3.delete_object,
        "AccessDenied",
        403,
        Bucket=bucket,
        Key="k",
        VersionId=version,
        BypassGovernanceRetention=True,
    )
    policy["Statement"][0]["Action"].append("s3:BypassGovernanceRetention")
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps(policy))
    user_s3.delete_object(Bucket=bucket, Key="k", VersionId=version, BypassGovernanceRetention=True)


def test_compliance_retention_binds_everyone(locked: tuple[Server, Any], make: Maker) -> None:
    server, s3 = locked
    bucket = make()
    until = days_ahead(server, 2)
    version = s3.put_object(
        Bucket=bucket,
        Key="k",
        Body=b"x",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=until,
    )["VersionId"]
    expect_error(
        s3.delete_object,
        "AccessDenied",
        403,
        PROTECTED,
        Bucket=bucket,
        Key="k",
        VersionId=version,
        BypassGovernanceRetention=True,
    )
    for weaker in (
        {"Mode": "GOVERNANCE", "RetainUntilDate": until},
        {"Mode": "COMPLIANCE", "RetainUntilDate": days_ahead(server, 1)},
    ):
        expect_error(
            s3.put_object_retention,
            "AccessDenied",
            403,
            Bucket=bucket,
            Key="k",
            VersionId=version,
            Retention=weaker,
            BypassGovernanceRetention=True,
        )
    longer = days_ahead(server, 5)
    s3.put_object_retention(
        Bucket=bucket,
        Key="k",
        VersionId=version,
        Retention={"Mode": "COMPLIANCE", "RetainUntilDate": longer},
    )
    got = s3.get_object_retention(Bucket=bucket, Key="k", VersionId=version)["Retention"]
    assert abs(got["RetainUntilDate"].timestamp() - longer.timestamp()) < 1
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": version}]}
    )
    assert [(e["Code"], e["Message"]) for e in result["Errors"]] == [("AccessDenied", PROTECTED)]


def test_legal_hold(locked: tuple[Server, Any], make: Maker) -> None:
    _, s3 = locked
    bucket = make()
    version = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["VersionId"]
    expect_error(
        s3.get_object_legal_hold,
        "NoSuchObjectLockConfiguration",
        404,
        "The specified object does not have a ObjectLock configuration",
        Bucket=bucket,
        Key="k",
    )
    expect_error(
        s3.get_object_retention, "NoSuchObjectLockConfiguration", 404, Bucket=bucket, Key="k"
    )
    s3.put_object_legal_hold(Bucket=bucket, Key="k", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=bucket, Key="k")["LegalHold"]["Status"] == "ON"
    assert s3.head_object(Bucket=bucket, Key="k")["ObjectLockLegalHoldStatus"] == "ON"
    expect_error(
        s3.delete_object,
        "AccessDenied",
        403,
        PROTECTED,
        Bucket=bucket,
        Key="k",
        VersionId=version,
        BypassGovernanceRetention=True,
    )
    s3.put_object_legal_hold(Bucket=bucket, Key="k", VersionId=version, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=bucket, Key="k", VersionId=version)


def test_retention_must_lie_ahead(locked: tuple[Server, Any], make: Maker) -> None:
    _, s3 = locked
    bucket = make()
    expect_error(
        s3.put_object,
        "InvalidArgument",
        400,
        "The retain until date must be in the future!",
        Bucket=bucket,
        Key="k",
        Body=b"x",
        ObjectLockMode="GOVERNANCE",
        ObjectLockRetainUntilDate=datetime(2001, 1, 1, tzinfo=UTC),
    )


def test_multipart_and_copy_take_lock_headers(locked: tuple[Server, Any], make: Maker) -> None:
    server, s3 = locked
    bucket = make()
    until = days_ahead(server, 3)
    upload = s3.create_multipart_upload(
        Bucket=bucket, Key="mp", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until
    )
    part = s3.upload_part(
        Bucket=bucket, Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=b"p"
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="mp",
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert s3.head_object(Bucket=bucket, Key="mp")["ObjectLockMode"] == "COMPLIANCE"
    s3.copy_object(
        Bucket=bucket, Key="copy", CopySource=f"{bucket}/mp", ObjectLockLegalHoldStatus="ON"
    )
    head = s3.head_object(Bucket=bucket, Key="copy")
    assert head["ObjectLockLegalHoldStatus"] == "ON" and "ObjectLockMode" not in head


def test_retention_ends_on_the_clock_and_lifecycle_waits_for_it(
    locked: tuple[Server, Any], make: Maker
) -> None:
    server, s3 = locked
    bucket = make()
    old = s3.put_object(
        Bucket=bucket,
        Key="logs/a",
        Body=b"x",
        ObjectLockMode="COMPLIANCE",
        ObjectLockRetainUntilDate=days_ahead(server, 10),
    )["VersionId"]
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"y")
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "old-versions",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "logs/"},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                }
            ]
        },
    )
    advance(server, days=3)
    assert s3.head_object(Bucket=bucket, Key="logs/a", VersionId=old)["ContentLength"] == 1
    advance(server, days=9)
    expect_error(s3.head_object, "404", 404, Bucket=bucket, Key="logs/a", VersionId=old)
