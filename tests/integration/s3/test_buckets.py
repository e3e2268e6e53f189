"""S3 buckets through boto3 and the aws CLI: create, head, list, delete, and their configurations.

Expectations follow the S3 API reference; where AWS changed defaults (April 2023: new buckets
have ACLs disabled and Block Public Access on), the test says so.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from ..conftest import AwsCli
from .conftest import expect_error

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
BUCKET_MESSAGE = "The specified bucket is not valid."


@pytest.fixture(scope="module")
def eu_s3(client_factory: Callable[..., Any]) -> Any:
    return client_factory("s3", region="eu-west-1")


def eu_bucket(bucket_factory: Callable[..., str], eu_s3: Any, prefix: str = "eu") -> str:
    return bucket_factory(
        prefix, client=eu_s3, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )


def unique(prefix: str = "b") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


# -- CreateBucket -----------------------------------------------------------------


def test_create_bucket_in_us_east_1(s3: Any, bucket_factory: Callable[..., str]) -> None:
    name = bucket_factory()
    head = s3.head_bucket(Bucket=name)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert head["BucketRegion"] == "us-east-1"
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] is None


@pytest.mark.aws_verified
def test_create_bucket_with_location_constraint(
    s3: Any, eu_s3: Any, bucket_factory: Callable[..., str]
) -> None:
    name = eu_bucket(bucket_factory, eu_s3)
    assert eu_s3.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"
    assert eu_s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    # GetBucketLocation answers from any region.
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"


def test_create_bucket_without_constraint_outside_us_east_1(eu_s3: Any) -> None:
    expect_error(
        eu_s3.create_bucket,
        "IllegalLocationConstraintException",
        400,
        "The unspecified location constraint is incompatible for the region specific "
        "endpoint this request was sent to.",
        Bucket=unique(),
    )


def test_create_bucket_with_us_east_1_constraint_is_invalid(s3: Any) -> None:
    # us-east-1 is the default: AWS refuses it spelled out as a LocationConstraint.
    expect_error(
        s3.create_bucket,
        "InvalidLocationConstraint",
        400,
        "The specified location-constraint is not valid",
        Bucket=unique(),
        CreateBucketConfiguration={"LocationConstraint": "us-east-1"},
    )


@pytest.mark.parametrize(
    "name",
    [
        "ab",  # too short
        "a" * 64,  # too long
        "UpperCase",
        "under_score",
        "-starts-with-dash",
        "ends-with-dash-",
        ".starts-with-dot",
        "ends-with-dot.",
        "two..dots",
        "dot.-dash",
        "dash-.dot",
        "192.168.5.4",
        "xn--punycode",
        "sthree-reserved",
        "amzn-s3-demo-reserved",
        "ends-s3alias",
        "ends--ol-s3",
    ],
)
def test_create_bucket_invalid_name(s3: Any, name: str) -> None:
    expect_error(s3.create_bucket, "InvalidBucketName", 400, BUCKET_MESSAGE, Bucket=name)


def test_valid_names_at_the_limits(s3: Any, bucket_factory: Callable[..., str]) -> None:
    longest = bucket_factory("a" * 50)  # 50 + '-' + 12 = 63 characters
    assert len(longest) == 63
    dotted = f"a.b-{uuid.uuid4().hex[:8]}.c"
    s3.create_bucket(Bucket=dotted)
    try:
        assert s3.head_bucket(Bucket=dotted)["BucketRegion"] == "us-east-1"
    finally:
        s3.delete_bucket(Bucket=dotted)


@pytest.mark.aws_verified
def test_recreate_own_bucket_in_us_east_1_succeeds(
    s3: Any, bucket_factory: Callable[..., str]
) -> None:
    name = bucket_factory()
    s3.put_object(Bucket=name, Key="kept", Body=b"x")
    again = s3.create_bucket(Bucket=name)  # legacy us-east-1 behaviour: 200 OK
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket=name, Key="kept")["Body"].read() == b"x"


@pytest.mark.aws_verified
def test_recreate_own_bucket_elsewhere_is_already_owned(
    eu_s3: Any, bucket_factory: Callable[..., str]
) -> None:
    name = eu_bucket(bucket_factory, eu_s3)
    response = expect_error(
        eu_s3.create_bucket,
        "BucketAlreadyOwnedByYou",
        409,
        "Your previous request to create the named bucket succeeded and you already own it.",
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )
    assert response["Error"]["BucketName"] == name


def test_bucket_names_are_global_across_regions(
    s3: Any, eu_s3: Any, bucket_factory: Callable[..., str]
) -> None:
    name = bucket_factory()
    expect_error(
        eu_s3.create_bucket,
        "BucketAlreadyOwnedByYou",
        409,
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "us-east-1"


def test_bucket_of_another_account_already_exists(
    s3: Any, other_s3: Any, bucket_factory: Callable[..., str]
) -> None:
    name = bucket_factory()
    response = expect_error(
        other_s3.create_bucket,
        "BucketAlreadyExists",
        409,
        "The requested bucket name is not available. The bucket namespace is shared by all "
        "users of the system. Please select a different name and try again.",
        Bucket=name,
    )
    assert response["Error"]["BucketName"] == name


def test_another_account_cannot_use_the_bucket(
    s3: Any, other_s3: Any, bucket_factory: Callable[..., str]
) -> None:
    name = bucket_factory()
    s3.put_object(Bucket=name, Key="secret", Body=b"mine")
    expect_error(other_s3.head_bucket, "403", 403, Bucket=name)
    for call, params in [
        (other_s3.list_objects_v2, {}),
        (other_s3.get_object, {"Key": "secret"}),
        (other_s3.put_object, {"Key": "intruder", "Body": b"x"}),
        (other_s3.delete_object, {"Key": "secret"}),
        (other_s3.delete_bucket, {}),
        (other_s3.get_bucket_location, {}),
        (other_s3.get_bucket_acl, {}),
    ]:
        expect_error(call, "AccessDenied", 403, "Access Denied", Bucket=name, **params)
    assert s3.get_object(Bucket=name, Key="secret")["Body"].read() == b"mine"
    names = [b["Name"] for b in other_s3.list_buckets()["Buckets"]]
    assert name not in names
    assert name in [b["Name"] for b in s3.list_buckets(Prefix=name)["Buckets"]]


# -- HeadBucket, ListBuckets, DeleteBucket -----------------------------------------


def test_head_missing_bucket(s3: Any) -> None:
    expect_error(s3.head_bucket, "404", 404, "Not Found", Bucket=unique("missing"))


def test_list_buckets_prefix_and_paging(
    s3: Any, eu_s3: Any, bucket_factory: Callable[..., str]
) -> None:
    prefix = f"lb{uuid.uuid4().hex[:8]}"
    names = sorted(bucket_factory(prefix) for _ in range(3))
    eu_name = eu_bucket(bucket_factory, eu_s3, prefix)
    everything = sorted([*names, eu_name])

    listed = s3.list_buckets(Prefix=prefix)
    assert [b["Name"] for b in listed["Buckets"]] == everything
    assert listed["Prefix"] == prefix
    assert "ContinuationToken" not in listed
    assert listed["Owner"]["ID"]
    by_name = {b["Name"]: b for b in listed["Buckets"]}
    assert by_name[eu_name]["BucketRegion"] == "eu-west-1"
    assert by_name[names[0]]["BucketRegion"] == "us-east-1"
    assert by_name[names[0]]["CreationDate"].year >= 2024

    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_buckets(Prefix=prefix, MaxBuckets=2, **kwargs)
        pages += 1
        seen += [b["Name"] for b in page["Buckets"]]
        token = page.get("ContinuationToken")
        if not token:
            break
    assert seen == everything
    assert pages == 2

    in_eu = s3.list_buckets(Prefix=prefix, BucketRegion="eu-west-1")
    assert [b["Name"] for b in in_eu["Buckets"]] == [eu_name]
    in_us = s3.list_buckets(Prefix=prefix, BucketRegion="us-east-1")
    assert [b["Name"] for b in in_us["Buckets"]] == names


def test_list_buckets_paginator(s3: Any, bucket_factory: Callable[..., str]) -> None:
    prefix = f"pg{uuid.uuid4().hex[:8]}"
    names = sorted(bucket_factory(prefix) for _ in range(5))
    paginator = s3.get_paginator("list_buckets")
    pages = list(paginator.paginate(Prefix=prefix, PaginationConfig={"PageSize": 2}))
    assert [len(p["Buckets"]) for p in pages] == [2, 2, 1]
    assert [b["Name"] for p in pages for b in p["Buckets"]] == names


def test_delete_bucket(s3: Any) -> None:
    name = unique("del")
    s3.create_bucket(Bucket=name)
    response = s3.delete_bucket(Bucket=name)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(s3.head_bucket, "404", 404, Bucket=name)
    missing = expect_error(
        s3.delete_bucket,
        "NoSuchBucket",
        404,
        "The specified bucket does not exist",
        Bucket=name,
    )
    assert missing["Error"]["BucketName"] == name
    # The name is free again.
    s3.create_bucket(Bucket=name)
    s3.delete_bucket(Bucket=name)


def test_recreated_bucket_starts_afresh(s3: Any) -> None:
    name = unique("again")
    s3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    s3.delete_public_access_block(Bucket=name)
    s3.put_bucket_cors(
        Bucket=name,
        CORSConfiguration={"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]},
    )
    s3.delete_bucket(Bucket=name)
    s3.create_bucket(Bucket=name)
    try:
        expect_error(s3.get_bucket_tagging, "NoSuchTagSet", 404, Bucket=name)
        expect_error(s3.get_bucket_cors, "NoSuchCORSConfiguration", 404, Bucket=name)
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        assert all(block.values())
        rules = s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]
        assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    finally:
        s3.delete_bucket(Bucket=name)


def test_delete_non_empty_bucket(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    response = expect_error(
        s3.delete_bucket,
        "BucketNotEmpty",
        409,
        "The bucket you tried to delete is not empty",
        Bucket=bucket,
    )
    assert response["Error"]["BucketName"] == bucket
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_operations_on_missing_bucket(s3: Any) -> None:
    name = unique("missing")
    for call, params in [
        (s3.list_objects_v2, {}),
        (s3.list_objects, {}),
        (s3.put_object, {"Key": "k", "Body": b"x"}),
        (s3.get_object, {"Key": "k"}),
        (s3.get_bucket_location, {}),
        (s3.get_bucket_tagging, {}),
        (s3.get_bucket_policy, {}),
    ]:
        expect_error(
            call, "NoSuchBucket", 404, "The specified bucket does not exist", Bucket=name, **params
        )


# -- tagging ----------------------------------------------------------------------


def test_bucket_tagging(s3: Any, bucket: str) -> None:
    missing = expect_error(
        s3.get_bucket_tagging, "NoSuchTagSet", 404, "The TagSet does not exist", Bucket=bucket
    )
    assert missing["Error"]["BucketName"] == bucket
    tags = [
        {"Key": "env", "Value": "test"},
        {"Key": "team", "Value": "data eng"},
        {"Key": "Ünïcode_.:/=+-@", "Value": "välue 1"},
        {"Key": "something:aws:ok", "Value": ""},
    ]
    put = s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    replaced = [{"Key": "only", "Value": ""}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": replaced})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == replaced
    deleted = s3.delete_bucket_tagging(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(s3.get_bucket_tagging, "NoSuchTagSet", 404, Bucket=bucket)


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        (
            [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}],
            "Cannot provide multiple Tags with the same key",
        ),
        (
            [{"Key": "aws:reserved", "Value": "1"}],
            "System tags cannot be added/updated by requester",
        ),
        ([{"Key": "k" * 129, "Value": "1"}], "The TagKey you have provided is invalid"),
        ([{"Key": "k", "Value": "v" * 257}], "The TagValue you have provided is invalid"),
        ([{"Key": "bang!", "Value": "1"}], "The TagKey you have provided is invalid"),
        ([{"Key": "k", "Value": "a&b"}], "The TagValue you have provided is invalid"),
    ],
)
def test_bucket_tagging_invalid(
    s3: Any, bucket: str, tags: list[dict[str, str]], message: str
) -> None:
    expect_error(
        s3.put_bucket_tagging, "InvalidTag", 400, message, Bucket=bucket, Tagging={"TagSet": tags}
    )
    expect_error(s3.get_bucket_tagging, "NoSuchTagSet", 404, Bucket=bucket)


# -- policy -----------------------------------------------------------------------


def _policy(bucket: str, principal: Any) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Principal": principal,
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def test_bucket_policy_put_get_delete(s3: Any, bucket: str) -> None:
    expect_error(
        s3.get_bucket_policy,
        "NoSuchBucketPolicy",
        404,
        "The bucket policy does not exist",
        Bucket=bucket,
    )
    policy = _policy(bucket, {"AWS": "arn:aws:iam::000000000000:root"})
    put = s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(policy)
    deleted = s3.delete_bucket_policy(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(s3.get_bucket_policy, "NoSuchBucketPolicy", 404, Bucket=bucket)
    # Deleting again is fine.
    assert s3.delete_bucket_policy(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("not json", "Policies must be valid JSON and the first byte must be '{'"),
        ("[]", "Policies must be valid JSON and the first byte must be '{'"),
        ('{"Version": "2012-10-17"}', "Missing required field Statement"),
    ],
)
def test_bucket_policy_malformed(s3: Any, bucket: str, policy: str, message: str) -> None:
    expect_error(
        s3.put_bucket_policy, "MalformedPolicy", 400, message, Bucket=bucket, Policy=policy
    )


def test_bucket_policy_for_another_bucket_is_malformed(s3: Any, bucket: str) -> None:
    policy = _policy("some-other-bucket", {"AWS": "arn:aws:iam::000000000000:root"})
    expect_error(
        s3.put_bucket_policy,
        "MalformedPolicy",
        400,
        "Policy has invalid resource",
        Bucket=bucket,
        Policy=policy,
    )


@pytest.mark.aws_verified
def test_public_policy_is_blocked_until_public_access_block_is_lifted(s3: Any, bucket: str) -> None:
    public = _policy(bucket, "*")
    # New buckets block public policies (BlockPublicPolicy) since April 2023.
    expect_error(
        s3.put_bucket_policy, "AccessDenied", 403, "Access Denied", Bucket=bucket, Policy=public
    )
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=public)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(public)


# -- CORS -------------------------------------------------------------------------


def test_bucket_cors_put_get_delete(s3: Any, bucket: str) -> None:
    expect_error(
        s3.get_bucket_cors,
        "NoSuchCORSConfiguration",
        404,
        "The CORS configuration does not exist",
        Bucket=bucket,
    )
    rules = [
        {
            "ID": "web",
            "AllowedHeaders": ["*"],
            "AllowedMethods": ["GET", "PUT"],
            "AllowedOrigins": ["https://example.com"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3000,
        },
        {"AllowedMethods": ["HEAD"], "AllowedOrigins": ["*"]},
    ]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == rules
    deleted = s3.delete_bucket_cors(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(s3.get_bucket_cors, "NoSuchCORSConfiguration", 404, Bucket=bucket)


def test_bucket_cors_unsupported_method(s3: Any, bucket: str) -> None:
    rules = [{"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}]
    expect_error(
        s3.put_bucket_cors,
        "InvalidRequest",
        400,
        "Found unsupported HTTP method in CORS config. Unsupported method is PATCH",
        Bucket=bucket,
        CORSConfiguration={"CORSRules": rules},
    )


# -- ACLs, object ownership, public access block ---------------------------------


def _grants(acl: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (g["Grantee"].get("URI") or g["Grantee"].get("ID") or "", g["Permission"])
        for g in acl["Grants"]
    )


@pytest.mark.aws_verified
def test_new_bucket_defaults(s3: Any, bucket: str) -> None:
    """Since April 2023: ACLs disabled (BucketOwnerEnforced), Block Public Access on."""
    controls = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
    assert controls == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Owner"]["ID"]
    assert acl["Grants"] == [
        {
            "Grantee": {"Type": "CanonicalUser", "ID": acl["Owner"]["ID"], **_display(acl)},
            "Permission": "FULL_CONTROL",
        }
    ]


def _display(acl: dict[str, Any]) -> dict[str, str]:
    name = acl["Owner"].get("DisplayName")
    return {"DisplayName": name} if name else {}


@pytest.mark.aws_verified
def test_acls_are_disabled_by_default(s3: Any, bucket: str) -> None:
    expect_error(
        s3.put_bucket_acl,
        "AccessControlListNotSupported",
        400,
        "The bucket does not allow ACLs",
        Bucket=bucket,
        ACL="public-read",
    )
    # Owner-only ACLs are still accepted.
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_acl(Bucket=bucket, ACL="bucket-owner-full-control")


@pytest.mark.aws_verified
def test_create_bucket_with_acl_needs_object_ownership(s3: Any) -> None:
    expect_error(
        s3.create_bucket,
        "InvalidBucketAclWithObjectOwnership",
        400,
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
        Bucket=unique(),
        ACL="authenticated-read",
    )
    expect_error(
        s3.create_bucket,
        "InvalidBucketAclWithBlockPublicAccessError",
        400,
        "Bucket cannot have public ACLs set with BlockPublicAccess enabled",
        Bucket=unique(),
        ACL="public-read",
        ObjectOwnership="ObjectWriter",
    )


def test_canned_acls_when_acls_are_enabled(s3: Any, bucket_factory: Callable[..., str]) -> None:
    name = bucket_factory(ObjectOwnership="ObjectWriter")
    assert s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "ObjectWriter"}
    ]
    # Block Public Access still refuses public ACLs...
    expect_error(
        s3.put_bucket_acl, "AccessDenied", 403, "Access Denied", Bucket=name, ACL="public-read"
    )
    # ...until it is lifted.
    s3.delete_public_access_block(Bucket=name)
    expect_error(
        s3.get_public_access_block,
        "NoSuchPublicAccessBlockConfiguration",
        404,
        "The public access block configuration was not found",
        Bucket=name,
    )
    s3.put_bucket_acl(Bucket=name, ACL="public-read")
    acl = s3.get_bucket_acl(Bucket=name)
    owner = acl["Owner"]["ID"]
    assert _grants(acl) == sorted([(owner, "FULL_CONTROL"), (ALL_USERS, "READ")])

    s3.put_bucket_acl(Bucket=name, ACL="public-read-write")
    assert _grants(s3.get_bucket_acl(Bucket=name)) == sorted(
        [(owner, "FULL_CONTROL"), (ALL_USERS, "READ"), (ALL_USERS, "WRITE")]
    )
    s3.put_bucket_acl(Bucket=name, ACL="private")
    assert _grants(s3.get_bucket_acl(Bucket=name)) == [(owner, "FULL_CONTROL")]

    s3.put_bucket_acl(Bucket=name, GrantRead=f'uri="{ALL_USERS}"', GrantFullControl=f'id="{owner}"')
    assert _grants(s3.get_bucket_acl(Bucket=name)) == sorted(
        [(owner, "FULL_CONTROL"), (ALL_USERS, "READ")]
    )

    policy = {
        "Owner": acl["Owner"],
        "Grants": [
            {"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "FULL_CONTROL"},
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ_ACP"},
        ],
    }
    s3.put_bucket_acl(Bucket=name, AccessControlPolicy=policy)
    assert _grants(s3.get_bucket_acl(Bucket=name)) == sorted(
        [(owner, "FULL_CONTROL"), (ALL_USERS, "READ_ACP")]
    )


def test_invalid_canned_acl(s3: Any, bucket_factory: Callable[..., str]) -> None:
    name = bucket_factory(ObjectOwnership="BucketOwnerPreferred")
    expect_error(s3.put_bucket_acl, "InvalidArgument", 400, Bucket=name, ACL="no-such-acl")


def test_public_access_block(s3: Any, bucket: str) -> None:
    config = {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": True,
    }
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=config)
    got = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert got == config
    deleted = s3.delete_public_access_block(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        s3.get_public_access_block,
        "NoSuchPublicAccessBlockConfiguration",
        404,
        Bucket=bucket,
    )
    # Omitted members are false.
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": True}
    )
    got = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert got == {
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False,
    }


def test_ownership_controls(s3: Any, bucket: str) -> None:
    for setting in ("ObjectWriter", "BucketOwnerPreferred", "BucketOwnerEnforced"):
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": setting}]}
        )
        got = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]
        assert got == {"Rules": [{"ObjectOwnership": setting}]}
    deleted = s3.delete_bucket_ownership_controls(Bucket=bucket)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(
        s3.get_bucket_ownership_controls,
        "OwnershipControlsNotFoundError",
        404,
        "The bucket ownership controls were not found",
        Bucket=bucket,
    )
    # Without ownership controls ACLs are enabled again (ObjectWriter).
    s3.put_bucket_acl(Bucket=bucket, ACL="private")


def test_ownership_controls_invalid(s3: Any, bucket: str) -> None:
    expect_error(
        s3.put_bucket_ownership_controls,
        "MalformedXML",
        400,
        Bucket=bucket,
        OwnershipControls={"Rules": [{"ObjectOwnership": "Nobody"}]},
    )


# -- the aws CLI -------------------------------------------------------------------


def test_aws_cli_bucket_lifecycle(aws: AwsCli) -> None:
    name = unique("cli")
    created = aws.json("s3api", "create-bucket", "--bucket", name)
    assert created["Location"] == f"/{name}"
    try:
        listed = aws.json("s3api", "list-buckets", "--prefix", name)
        assert [b["Name"] for b in listed["Buckets"]] == [name]
        location = aws.json("s3api", "get-bucket-location", "--bucket", name)
        assert location["LocationConstraint"] is None
    finally:
        aws("s3api", "delete-bucket", "--bucket", name)
    missing = aws("s3api", "head-bucket", "--bucket", name, check=False)
    assert missing.returncode != 0
    assert "404" in missing.stderr


def test_aws_cli_create_bucket_invalid_name(aws: AwsCli) -> None:
    failed = aws("s3api", "create-bucket", "--bucket", "Invalid_Name", check=False)
    assert failed.returncode != 0
    assert "InvalidBucketName" in failed.stderr
