"""S3 objects through boto3 and the aws CLI: put, get, head, delete, conditions, checksums, tags."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ..conftest import AwsCli
from .conftest import (
    MIB,
    PRECONDITION,
    b64,
    expect_error,
    expected_checksum,
    quoted_md5,
    upload_multipart,
)

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"


@pytest.fixture
def obj(s3: Any, bucket: str) -> tuple[str, bytes, dict[str, Any]]:
    """A 1 KiB object: (key, bytes, HeadObject response)."""
    data = os.urandom(1024)
    s3.put_object(Bucket=bucket, Key="data.bin", Body=data)
    return "data.bin", data, s3.head_object(Bucket=bucket, Key="data.bin")


# -- round trip -------------------------------------------------------------------


def test_put_get_round_trip(s3: Any, bucket: str) -> None:
    data = os.urandom(300_000)
    put = s3.put_object(Bucket=bucket, Key="round/trip.bin", Body=data)
    assert put["ETag"] == quoted_md5(data)
    got = s3.get_object(Bucket=bucket, Key="round/trip.bin")
    assert got["Body"].read() == data
    assert got["ETag"] == put["ETag"]
    assert got["ContentLength"] == len(data)
    assert got["ContentType"] == "binary/octet-stream"
    assert got["AcceptRanges"] == "bytes"
    assert "StorageClass" not in got  # STANDARD is not named on GET/HEAD
    assert abs(got["LastModified"] - datetime.now(UTC)) < timedelta(minutes=5)
    head = s3.head_object(Bucket=bucket, Key="round/trip.bin")
    assert head["ETag"] == put["ETag"]
    assert head["ContentLength"] == len(data)
    assert head["LastModified"] == got["LastModified"]


def test_overwrite_replaces_bytes_and_metadata(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"first", Metadata={"a": "1"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"second")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"second"
    assert got["Metadata"] == {}
    assert got["ETag"] == quoted_md5(b"second")


def test_empty_object(s3: Any, bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == f'"{EMPTY_MD5}"'
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ContentLength"] == 0
    assert s3.head_object(Bucket=bucket, Key="empty")["ContentLength"] == 0
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["Size"], o["ETag"]) for o in listed] == [("empty", 0, f'"{EMPTY_MD5}"')]
    # Any range of an empty object is unsatisfiable.
    expect_error(s3.get_object, "InvalidRange", 416, Bucket=bucket, Key="empty", Range="bytes=0-")


def test_user_metadata(s3: Any, bucket: str) -> None:
    metadata = {"Color": "blue", "with-dash": "a b", "empty": ""}
    s3.put_object(Bucket=bucket, Key="m", Body=b"x", Metadata=metadata)
    expected = {"color": "blue", "with-dash": "a b", "empty": ""}
    assert s3.get_object(Bucket=bucket, Key="m")["Metadata"] == expected
    head = s3.head_object(Bucket=bucket, Key="m")
    assert head["Metadata"] == expected
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-meta-color"] == "blue"


def test_system_headers(s3: Any, bucket: str) -> None:
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    headers = {
        "ContentType": "text/plain; charset=utf-8",
        "ContentEncoding": "gzip",
        "ContentDisposition": 'attachment; filename="a b.txt"',
        "ContentLanguage": "de-DE",
        "CacheControl": "max-age=60, public",
        "WebsiteRedirectLocation": "/elsewhere.html",
    }
    s3.put_object(Bucket=bucket, Key="h", Body=b"hello", Expires=expires, **headers)
    for response in (
        s3.get_object(Bucket=bucket, Key="h"),
        s3.head_object(Bucket=bucket, Key="h"),
    ):
        for name, value in headers.items():
            assert response[name] == value, name
        assert response["Expires"] == expires
        assert response["ResponseMetadata"]["HTTPHeaders"]["expires"] == (
            "Wed, 02 Jan 2030 03:04:05 GMT"
        )


def test_response_overrides(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="o", Body=b"x", ContentType="text/plain")
    expires = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    got = s3.get_object(
        Bucket=bucket,
        Key="o",
        ResponseContentType="text/csv",
        ResponseContentDisposition="inline",
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="fr",
        ResponseContentEncoding="identity",
        ResponseExpires=expires,
    )
    assert got["ContentType"] == "text/csv"
    assert got["ContentDisposition"] == "inline"
    assert got["CacheControl"] == "no-cache"
    assert got["ContentLanguage"] == "fr"
    assert got["ContentEncoding"] == "identity"
    assert got["Expires"] == expires
    # Overrides change the answer, not the object.
    assert s3.head_object(Bucket=bucket, Key="o")["ContentType"] == "text/plain"


@pytest.mark.parametrize(
    "storage_class",
    ["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "REDUCED_REDUNDANCY", "GLACIER_IR"],
)
def test_storage_class(s3: Any, bucket: str, storage_class: str) -> None:
    s3.put_object(Bucket=bucket, Key="sc", Body=b"x", StorageClass=storage_class)
    assert s3.head_object(Bucket=bucket, Key="sc")["StorageClass"] == storage_class
    assert s3.get_object(Bucket=bucket, Key="sc")["StorageClass"] == storage_class
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["StorageClass"] for o in listed] == [storage_class]
    listed_v1 = s3.list_objects(Bucket=bucket)["Contents"]
    assert [o["StorageClass"] for o in listed_v1] == [storage_class]


def test_invalid_storage_class(s3: Any, bucket: str) -> None:
    expect_error(
        s3.put_object,
        "InvalidStorageClass",
        400,
        "The storage class you specified is not valid",
        Bucket=bucket,
        Key="k",
        Body=b"x",
        StorageClass="COLD_AS_ICE",
    )


# -- missing objects, deletes ---------------------------------------------------------


def test_missing_object(s3: Any, bucket: str) -> None:
    response = expect_error(
        s3.get_object,
        "NoSuchKey",
        404,
        "The specified key does not exist.",
        Bucket=bucket,
        Key="no/such/key",
    )
    assert response["Error"]["Key"] == "no/such/key"
    expect_error(s3.head_object, "404", 404, "Not Found", Bucket=bucket, Key="no/such/key")


def test_delete_object_is_idempotent(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    first = s3.delete_object(Bucket=bucket, Key="gone")
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error(s3.get_object, "NoSuchKey", 404, Bucket=bucket, Key="gone")
    again = s3.delete_object(Bucket=bucket, Key="gone")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204
    never = s3.delete_object(Bucket=bucket, Key="never-existed")
    assert never["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_object_if_match(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="cond", Body=b"x")["ETag"]
    expect_error(
        s3.delete_object, "PreconditionFailed", 412, Bucket=bucket, Key="cond", IfMatch='"0"'
    )
    s3.delete_object(Bucket=bucket, Key="cond", IfMatch=etag)
    expect_error(s3.head_object, "404", 404, Bucket=bucket, Key="cond")


def test_delete_objects(s3: Any, bucket: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    existing = [f"k{i:04d}" for i in range(30)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=bucket, Key=k, Body=b"x"), existing))
    keys = [f"k{i:04d}" for i in range(1000)]  # 970 of them never existed
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
    assert sorted(d["Key"] for d in result["Deleted"]) == keys
    assert "Errors" not in result
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_delete_objects_quiet(s3: Any, bucket: str) -> None:
    for key in ("a", "b"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}], "Quiet": True}
    )
    assert "Deleted" not in result
    assert "Errors" not in result
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_delete_objects_more_than_1000(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k0000", Body=b"x")
    objects = [{"Key": f"k{i:04d}"} for i in range(1001)]
    expect_error(
        s3.delete_objects,
        "MalformedXML",
        400,
        "The XML you provided was not well-formed or did not validate against our published schema",
        Bucket=bucket,
        Delete={"Objects": objects},
    )
    assert s3.head_object(Bucket=bucket, Key="k0000")["ContentLength"] == 1


# -- ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=100-", 100, 1023),
        ("bytes=-10", 1014, 1023),
        ("bytes=1000-5000", 1000, 1023),  # the end is clamped
        ("bytes=-5000", 0, 1023),  # a suffix longer than the object is all of it
        ("bytes=1023-1023", 1023, 1023),
    ],
)
def test_range(s3: Any, bucket: str, obj: Any, header: str, first: int, last: int) -> None:
    key, data, _ = obj
    got = s3.get_object(Bucket=bucket, Key=key, Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == f"bytes {first}-{last}/{len(data)}"
    assert got["ContentLength"] == last - first + 1
    assert got["Body"].read() == data[first : last + 1]
    assert got["ETag"] == quoted_md5(data)
    head = s3.head_object(Bucket=bucket, Key=key, Range=header)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentRange"] == f"bytes {first}-{last}/{len(data)}"


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000"])
def test_range_not_satisfiable(s3: Any, bucket: str, obj: Any, header: str) -> None:
    key, data, _ = obj
    response = expect_error(
        s3.get_object,
        "InvalidRange",
        416,
        "The requested range is not satisfiable",
        Bucket=bucket,
        Key=key,
        Range=header,
    )
    assert response["Error"]["ActualObjectSize"] == str(len(data))
    assert response["Error"]["RangeRequested"] == header
    assert response["ResponseMetadata"]["HTTPHeaders"]["content-range"] == f"bytes */{len(data)}"


@pytest.mark.parametrize("header", ["bytes=9-5", "items=0-1", "bytes=0-1,5-6", "nonsense"])
def test_range_ignored_when_malformed(s3: Any, bucket: str, obj: Any, header: str) -> None:
    key, data, _ = obj
    got = s3.get_object(Bucket=bucket, Key=key, Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "ContentRange" not in got
    assert got["Body"].read() == data


# -- conditional reads ------------------------------------------------------------


def test_get_conditions(s3: Any, bucket: str, obj: Any) -> None:
    key, data, head = obj
    etag, modified = head["ETag"], head["LastModified"]
    earlier, later = modified - timedelta(days=1), modified + timedelta(days=1)

    def get(**conditions: Any) -> Any:
        return s3.get_object(Bucket=bucket, Key=key, **conditions)

    assert get(IfMatch=etag)["Body"].read() == data
    assert get(IfMatch=etag.strip('"'))["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert get(IfMatch="*")["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert get(IfNoneMatch='"0123"')["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert get(IfModifiedSince=earlier)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert get(IfUnmodifiedSince=later)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert get(IfUnmodifiedSince=modified)["ResponseMetadata"]["HTTPStatusCode"] == 200

    failed = expect_error(get, "PreconditionFailed", 412, PRECONDITION, IfMatch='"0123"')
    assert failed["Error"]["Condition"] == "If-Match"
    failed = expect_error(get, "PreconditionFailed", 412, PRECONDITION, IfUnmodifiedSince=earlier)
    assert failed["Error"]["Condition"] == "If-Unmodified-Since"

    not_modified = expect_error(get, "304", 304, "Not Modified", IfNoneMatch=etag)
    assert not_modified["ResponseMetadata"]["HTTPHeaders"]["etag"] == etag
    expect_error(get, "304", 304, IfNoneMatch="*")
    expect_error(get, "304", 304, IfModifiedSince=later)
    expect_error(get, "304", 304, IfModifiedSince=modified)  # equal: not modified since

    # If-Match true makes If-Unmodified-Since moot; If-None-Match false, If-Modified-Since.
    assert get(IfMatch=etag, IfUnmodifiedSince=earlier)["ResponseMetadata"]["HTTPStatusCode"] == 200
    expect_error(get, "304", 304, IfNoneMatch=etag, IfModifiedSince=earlier)
    # If-Match false wins over If-None-Match: 412, not 304.
    expect_error(get, "PreconditionFailed", 412, IfMatch='"0"', IfNoneMatch=etag)


def test_head_conditions(s3: Any, bucket: str, obj: Any) -> None:
    key, _, head = obj
    etag, modified = head["ETag"], head["LastModified"]

    def call(**conditions: Any) -> Any:
        return s3.head_object(Bucket=bucket, Key=key, **conditions)

    assert call(IfMatch=etag)["ETag"] == etag
    expect_error(call, "412", 412, "Precondition Failed", IfMatch='"0"')
    expect_error(call, "412", 412, IfUnmodifiedSince=modified - timedelta(days=1))
    expect_error(call, "304", 304, "Not Modified", IfNoneMatch=etag)
    expect_error(call, "304", 304, IfModifiedSince=modified + timedelta(hours=1))
    assert call(IfModifiedSince=modified - timedelta(hours=1))["ContentLength"] == 1024


# -- partNumber -------------------------------------------------------------------


def test_get_by_part_number(s3: Any, bucket: str) -> None:
    parts = [os.urandom(5 * MIB), os.urandom(1000)]
    upload_multipart(s3, bucket, "multi", parts)
    size = sum(len(p) for p in parts)

    first = s3.get_object(Bucket=bucket, Key="multi", PartNumber=1)
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert first["PartsCount"] == 2
    assert first["ContentLength"] == 5 * MIB
    assert first["ContentRange"] == f"bytes 0-{5 * MIB - 1}/{size}"
    assert first["Body"].read() == parts[0]

    second = s3.get_object(Bucket=bucket, Key="multi", PartNumber=2)
    assert second["ContentRange"] == f"bytes {5 * MIB}-{size - 1}/{size}"
    assert second["Body"].read() == parts[1]

    head = s3.head_object(Bucket=bucket, Key="multi", PartNumber=2)
    assert head["PartsCount"] == 2
    assert head["ContentLength"] == 1000

    response = expect_error(
        s3.get_object,
        "InvalidPartNumber",
        416,
        "The requested partnumber is not satisfiable",
        Bucket=bucket,
        Key="multi",
        PartNumber=3,
    )
    assert response["Error"]["ActualPartCount"] == "2"
    expect_error(
        s3.get_object,
        "InvalidRequest",
        400,
        "Cannot specify both Range header and partNumber query parameter",
        Bucket=bucket,
        Key="multi",
        PartNumber=1,
        Range="bytes=0-1",
    )


def test_part_number_of_a_single_put_object(s3: Any, bucket: str, obj: Any) -> None:
    key, data, _ = obj
    # An object put in one piece is its own part 1.
    got = s3.get_object(Bucket=bucket, Key=key, PartNumber=1)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == f"bytes 0-{len(data) - 1}/{len(data)}"
    assert got["Body"].read() == data
    assert got["ContentLength"] == len(data)
    assert "PartsCount" not in got
    expect_error(s3.get_object, "InvalidPartNumber", 416, Bucket=bucket, Key=key, PartNumber=2)


# -- conditional writes -------------------------------------------------------------


def test_put_if_none_match(s3: Any, bucket: str) -> None:
    created = s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    assert created["ETag"] == quoted_md5(b"first")
    response = expect_error(
        s3.put_object,
        "PreconditionFailed",
        412,
        PRECONDITION,
        Bucket=bucket,
        Key="once",
        Body=b"second",
        IfNoneMatch="*",
    )
    assert response["Error"]["Condition"] == "If-None-Match"
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"


def test_put_if_match(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="swap", Body=b"v1")["ETag"]
    response = expect_error(
        s3.put_object,
        "PreconditionFailed",
        412,
        PRECONDITION,
        Bucket=bucket,
        Key="swap",
        Body=b"v2",
        IfMatch='"00000000000000000000000000000000"',
    )
    assert response["Error"]["Condition"] == "If-Match"
    assert s3.get_object(Bucket=bucket, Key="swap")["Body"].read() == b"v1"
    s3.put_object(Bucket=bucket, Key="swap", Body=b"v2", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="swap")["Body"].read() == b"v2"
    expect_error(
        s3.put_object,
        "NoSuchKey",
        404,
        Bucket=bucket,
        Key="absent",
        Body=b"x",
        IfMatch=etag,
    )


# -- integrity: Content-MD5 and checksums ---------------------------------------------


def test_content_md5(s3: Any, bucket: str) -> None:
    data = b"integrity"
    good = b64(hashlib.md5(data).digest())
    s3.put_object(Bucket=bucket, Key="ok", Body=data, ContentMD5=good)
    wrong = b64(hashlib.md5(b"something else").digest())
    expect_error(
        s3.put_object,
        "BadDigest",
        400,
        "The Content-MD5 you specified did not match what we received.",
        Bucket=bucket,
        Key="bad",
        Body=data,
        ContentMD5=wrong,
    )
    expect_error(
        s3.put_object,
        "InvalidDigest",
        400,
        "The Content-MD5 you specified is not valid.",
        Bucket=bucket,
        Key="bad",
        Body=data,
        ContentMD5="not-base64!",
    )
    expect_error(s3.head_object, "404", 404, Bucket=bucket, Key="bad")


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"])
def test_additional_checksums(s3: Any, bucket: str, algorithm: str) -> None:
    data = os.urandom(70_000)
    expected = expected_checksum(algorithm, data)
    member = f"Checksum{algorithm}"
    put = s3.put_object(Bucket=bucket, Key="c", Body=data, ChecksumAlgorithm=algorithm)
    assert put[member] == expected
    assert put["ChecksumType"] == "FULL_OBJECT"
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head[member] == expected
    assert head["ChecksumType"] == "FULL_OBJECT"
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got[member] == expected
    assert got["Body"].read() == data  # botocore validates the checksum as it reads
    # Without ChecksumMode the checksum is not sent.
    assert member not in s3.head_object(Bucket=bucket, Key="c")
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert listed["ChecksumAlgorithm"] == [algorithm]


def test_explicit_checksum_value(s3: Any, bucket: str) -> None:
    data = b"explicit"
    value = expected_checksum("SHA256", data)
    put = s3.put_object(Bucket=bucket, Key="ok", Body=data, ChecksumSHA256=value)
    assert put["ChecksumSHA256"] == value
    expect_error(
        s3.put_object,
        "BadDigest",
        400,
        "The CRC32 you specified did not match the calculated checksum.",
        Bucket=bucket,
        Key="bad",
        Body=data,
        ChecksumCRC32="AAAAAA==",
    )
    expect_error(s3.head_object, "404", 404, Bucket=bucket, Key="bad")


def test_default_checksum(s3: Any, bucket: str) -> None:
    # boto3 sends a CRC32 by default; S3 keeps it.
    data = b"default checksum"
    s3.put_object(Bucket=bucket, Key="d", Body=data)
    head = s3.head_object(Bucket=bucket, Key="d", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == expected_checksum("CRC32", data)


def test_checksum_not_returned_for_a_range(s3: Any, bucket: str) -> None:
    data = os.urandom(4096)
    s3.put_object(Bucket=bucket, Key="r", Body=data, ChecksumAlgorithm="SHA256")
    got = s3.get_object(Bucket=bucket, Key="r", Range="bytes=0-99", ChecksumMode="ENABLED")
    assert "ChecksumSHA256" not in got
    assert got["Body"].read() == data[:100]


# -- tagging ------------------------------------------------------------------------


def test_object_tagging(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="a=1&b=two%20words&empty=")
    assert s3.get_object(Bucket=bucket, Key="t")["TagCount"] == 3
    assert s3.head_object(Bucket=bucket, Key="t")["TagCount"] == 3
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "two words"},
        {"Key": "empty", "Value": ""},
    ]
    etag = s3.head_object(Bucket=bucket, Key="t")["ETag"]
    new = [{"Key": "project", "Value": "cloudlet"}]
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": new})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == new
    assert s3.get_object(Bucket=bucket, Key="t")["TagCount"] == 1
    assert s3.head_object(Bucket=bucket, Key="t")["ETag"] == etag  # tags are not content
    deleted = s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="t")


def test_object_tagging_errors(s3: Any, bucket: str) -> None:
    too_many = "&".join(f"k{i}=v" for i in range(11))
    expect_error(
        s3.put_object,
        "InvalidTag",
        400,
        "Object tags cannot be greater than 10",
        Bucket=bucket,
        Key="t",
        Body=b"x",
        Tagging=too_many,
    )
    s3.put_object(Bucket=bucket, Key="t", Body=b"x")
    expect_error(
        s3.put_object_tagging,
        "InvalidTag",
        400,
        "Your TagKey cannot be prefixed with aws:",
        Bucket=bucket,
        Key="t",
        Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]},
    )
    for call, extra in [
        (s3.get_object_tagging, {}),
        (s3.delete_object_tagging, {}),
        (s3.put_object_tagging, {"Tagging": {"TagSet": []}}),
    ]:
        expect_error(call, "NoSuchKey", 404, Bucket=bucket, Key="missing", **extra)


# -- ACLs -------------------------------------------------------------------------------


def test_object_acl_with_acls_disabled(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    acl = s3.get_object_acl(Bucket=bucket, Key="a")
    owner = acl["Owner"]["ID"]
    assert [(g["Grantee"]["ID"], g["Permission"]) for g in acl["Grants"]] == [
        (owner, "FULL_CONTROL")
    ]
    expect_error(
        s3.put_object_acl,
        "AccessControlListNotSupported",
        400,
        "The bucket does not allow ACLs",
        Bucket=bucket,
        Key="a",
        ACL="public-read",
    )
    expect_error(
        s3.put_object,
        "AccessControlListNotSupported",
        400,
        Bucket=bucket,
        Key="b",
        Body=b"x",
        ACL="public-read",
    )
    s3.put_object(Bucket=bucket, Key="b", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object_acl(Bucket=bucket, Key="a", ACL="private")
    expect_error(s3.get_object_acl, "NoSuchKey", 404, Bucket=bucket, Key="missing")


def test_object_acl_with_acls_enabled(s3: Any, bucket_factory: Callable[..., str]) -> None:
    name = bucket_factory(ObjectOwnership="ObjectWriter")
    s3.put_object(Bucket=name, Key="a", Body=b"x")
    expect_error(s3.put_object_acl, "AccessDenied", 403, Bucket=name, Key="a", ACL="public-read")
    s3.delete_public_access_block(Bucket=name)
    s3.put_object_acl(Bucket=name, Key="a", ACL="public-read")
    grants = s3.get_object_acl(Bucket=name, Key="a")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants
    s3.put_object(Bucket=name, Key="b", Body=b"x", ACL="authenticated-read")
    uris = [g["Grantee"].get("URI") for g in s3.get_object_acl(Bucket=name, Key="b")["Grants"]]
    assert "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" in uris


# -- limits ---------------------------------------------------------------------------


def test_metadata_size_limit(s3: Any, bucket: str) -> None:
    # 2 KB: the UTF-8 bytes of every key and value.
    s3.put_object(Bucket=bucket, Key="fits", Body=b"x", Metadata={"k": "v" * 2047})
    assert len(s3.head_object(Bucket=bucket, Key="fits")["Metadata"]["k"]) == 2047
    expect_error(
        s3.put_object,
        "MetadataTooLarge",
        400,
        "Your metadata headers exceed the maximum allowed metadata size.",
        Bucket=bucket,
        Key="big",
        Body=b"x",
        Metadata={"k": "v" * 2048},
    )
    expect_error(
        s3.put_object,
        "MetadataTooLarge",
        400,
        Bucket=bucket,
        Key="big",
        Body=b"x",
        Metadata={f"key{i}": "v" * 100 for i in range(25)},
    )


def test_key_too_long(s3: Any, bucket: str) -> None:
    response = expect_error(
        s3.put_object,
        "KeyTooLongError",
        400,
        "Your key is too long",
        Bucket=bucket,
        Key="k" * 1025,
        Body=b"x",
    )
    assert response["Error"]["MaxSizeAllowed"] == "1024"
    expect_error(s3.put_object, "KeyTooLongError", 400, Bucket=bucket, Key="é" * 513, Body=b"x")


# -- the aws CLI -------------------------------------------------------------------------


def test_aws_cli_objects(aws: AwsCli, bucket: str, tmp_path: Path) -> None:
    source = tmp_path / "in.bin"
    data = os.urandom(50_000)
    source.write_bytes(data)
    put = aws.json(
        "s3api",
        "put-object",
        "--bucket",
        bucket,
        "--key",
        "dir/file.bin",
        "--body",
        str(source),
        "--content-type",
        "application/x-test",
        "--metadata",
        "origin=cli",
    )
    assert put["ETag"] == quoted_md5(data)
    head = aws.json("s3api", "head-object", "--bucket", bucket, "--key", "dir/file.bin")
    assert head["ContentType"] == "application/x-test"
    assert head["Metadata"] == {"origin": "cli"}
    assert head["ContentLength"] == len(data)
    target = tmp_path / "out.bin"
    got = aws.json("s3api", "get-object", "--bucket", bucket, "--key", "dir/file.bin", str(target))
    assert got["ETag"] == put["ETag"]
    assert target.read_bytes() == data
    missing = aws("s3api", "head-object", "--bucket", bucket, "--key", "nope", check=False)
    assert missing.returncode != 0
    assert "Not Found" in missing.stderr
    aws("s3api", "delete-object", "--bucket", bucket, "--key", "dir/file.bin")
    nosuchkey = aws(
        "s3api", "get-object", "--bucket", bucket, "--key", "dir/file.bin", str(target), check=False
    )
    assert "NoSuchKey" in nosuchkey.stderr
