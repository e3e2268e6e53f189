"""CopyObject through boto3: directives, source conditions, in-place copies, multipart sources."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from .conftest import (
    MIB,
    PRECONDITION,
    expect_error,
    expected_checksum,
    quoted_md5,
    upload_multipart,
)

ILLEGAL_COPY = (
    "This copy request is illegal because it is trying to copy an object to itself without "
    "changing the object's metadata, storage class, website redirect location or encryption "
    "attributes."
)


@pytest.fixture
def source(s3: Any, bucket: str) -> tuple[str, bytes, dict[str, Any]]:
    data = os.urandom(10_000)
    s3.put_object(
        Bucket=bucket,
        Key="src/object.bin",
        Body=data,
        ContentType="application/x-source",
        ContentLanguage="en",
        CacheControl="max-age=5",
        Metadata={"origin": "source", "n": "1"},
        Tagging="team=data&stage=raw",
        StorageClass="STANDARD_IA",
    )
    return "src/object.bin", data, s3.head_object(Bucket=bucket, Key="src/object.bin")


def copy_source(bucket: str, key: str) -> dict[str, str]:
    return {"Bucket": bucket, "Key": key}


def test_copy_with_metadata_directive_copy(s3: Any, bucket: str, source: Any) -> None:
    key, data, head = source
    result = s3.copy_object(Bucket=bucket, Key="dst", CopySource=copy_source(bucket, key))
    assert result["CopyObjectResult"]["ETag"] == head["ETag"] == quoted_md5(data)
    assert result["CopyObjectResult"]["LastModified"] >= head["LastModified"]
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == data
    assert got["ContentType"] == "application/x-source"
    assert got["ContentLanguage"] == "en"
    assert got["CacheControl"] == "max-age=5"
    assert got["Metadata"] == {"origin": "source", "n": "1"}
    assert got["TagCount"] == 2  # TaggingDirective defaults to COPY
    # The storage class is not copied: the copy is STANDARD unless asked otherwise.
    assert "StorageClass" not in got
    # The source is untouched.
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data


def test_copy_with_metadata_directive_replace(s3: Any, bucket: str, source: Any) -> None:
    key, data, _ = source
    s3.copy_object(
        Bucket=bucket,
        Key="dst",
        CopySource=copy_source(bucket, key),
        MetadataDirective="REPLACE",
        Metadata={"fresh": "yes"},
        ContentDisposition="inline",
        StorageClass="ONEZONE_IA",
    )
    head = s3.head_object(Bucket=bucket, Key="dst")
    assert head["Metadata"] == {"fresh": "yes"}
    assert head["ContentDisposition"] == "inline"
    # REPLACE replaces every stored header: ones not given are gone, the type is the default.
    assert head["ContentType"] == "binary/octet-stream"
    assert "ContentLanguage" not in head
    assert "CacheControl" not in head
    assert head["StorageClass"] == "ONEZONE_IA"
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == data


def test_copy_with_invalid_metadata_directive(s3: Any, bucket: str, source: Any) -> None:
    key, _, _ = source
    expect_error(
        s3.copy_object,
        "InvalidArgument",
        400,
        "Unknown metadata directive.",
        Bucket=bucket,
        Key="dst",
        CopySource=copy_source(bucket, key),
        MetadataDirective="MERGE",
    )


def test_copy_tagging_directive(s3: Any, bucket: str, source: Any) -> None:
    key, _, _ = source
    s3.copy_object(
        Bucket=bucket,
        Key="replaced",
        CopySource=copy_source(bucket, key),
        TaggingDirective="REPLACE",
        Tagging="new=1",
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="replaced")["TagSet"] == [
        {"Key": "new", "Value": "1"}
    ]
    s3.copy_object(
        Bucket=bucket,
        Key="untagged",
        CopySource=copy_source(bucket, key),
        TaggingDirective="REPLACE",
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="untagged")["TagSet"] == []
    s3.copy_object(Bucket=bucket, Key="copied", CopySource=copy_source(bucket, key))
    assert s3.get_object_tagging(Bucket=bucket, Key="copied")["TagSet"] == [
        {"Key": "team", "Value": "data"},
        {"Key": "stage", "Value": "raw"},
    ]


def test_copy_source_conditions(s3: Any, bucket: str, source: Any) -> None:
    key, _, head = source
    etag, modified = head["ETag"], head["LastModified"]
    earlier, later = modified - timedelta(days=1), modified + timedelta(days=1)

    def copy(**conditions: Any) -> Any:
        return s3.copy_object(
            Bucket=bucket, Key="dst", CopySource=copy_source(bucket, key), **conditions
        )

    for conditions in (
        {"CopySourceIfMatch": '"0123"'},
        {"CopySourceIfNoneMatch": etag},
        {"CopySourceIfModifiedSince": later},
        {"CopySourceIfUnmodifiedSince": earlier},
    ):
        expect_error(copy, "PreconditionFailed", 412, PRECONDITION, **conditions)
    expect_error(s3.head_object, "404", 404, Bucket=bucket, Key="dst")

    for conditions in (
        {"CopySourceIfMatch": etag},
        {"CopySourceIfNoneMatch": '"0123"'},
        {"CopySourceIfModifiedSince": earlier},
        {"CopySourceIfUnmodifiedSince": later},
        # If-Match true makes If-Unmodified-Since moot.
        {"CopySourceIfMatch": etag, "CopySourceIfUnmodifiedSince": earlier},
    ):
        assert copy(**conditions)["CopyObjectResult"]["ETag"] == etag
    # If-None-Match false and If-Modified-Since true: still refused.
    expect_error(
        copy,
        "PreconditionFailed",
        412,
        CopySourceIfNoneMatch=etag,
        CopySourceIfModifiedSince=earlier,
    )


def test_copy_onto_itself_without_changes(s3: Any, bucket: str, source: Any) -> None:
    key, _, _ = source
    for extra in ({}, {"MetadataDirective": "COPY"}, {"TaggingDirective": "REPLACE"}):
        expect_error(
            s3.copy_object,
            "InvalidRequest",
            400,
            ILLEGAL_COPY,
            Bucket=bucket,
            Key=key,
            CopySource=copy_source(bucket, key),
            **extra,
        )


def test_copy_in_place_to_change_storage_class(s3: Any, bucket: str, source: Any) -> None:
    key, data, head = source
    s3.copy_object(
        Bucket=bucket, Key=key, CopySource=copy_source(bucket, key), StorageClass="GLACIER_IR"
    )
    after = s3.head_object(Bucket=bucket, Key=key)
    assert after["StorageClass"] == "GLACIER_IR"
    assert after["ETag"] == head["ETag"]
    assert after["Metadata"] == head["Metadata"]
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == data


def test_copy_in_place_to_change_metadata(s3: Any, bucket: str, source: Any) -> None:
    key, data, _ = source
    s3.copy_object(
        Bucket=bucket,
        Key=key,
        CopySource=copy_source(bucket, key),
        MetadataDirective="REPLACE",
        Metadata={"touched": "1"},
        ContentType="text/plain",
    )
    after = s3.get_object(Bucket=bucket, Key=key)
    assert after["Metadata"] == {"touched": "1"}
    assert after["ContentType"] == "text/plain"
    assert after["Body"].read() == data


def test_copy_across_buckets(
    s3: Any, bucket: str, bucket_factory: Callable[..., str], source: Any
) -> None:
    key, data, head = source
    target = bucket_factory("target")
    s3.copy_object(Bucket=target, Key="copied/obj", CopySource=copy_source(bucket, key))
    got = s3.get_object(Bucket=target, Key="copied/obj")
    assert got["Body"].read() == data
    assert got["ETag"] == head["ETag"]
    # The copy outlives its source.
    s3.delete_object(Bucket=bucket, Key=key)
    assert s3.get_object(Bucket=target, Key="copied/obj")["Body"].read() == data


def test_copy_source_as_string(s3: Any, bucket: str, source: Any) -> None:
    key, data, _ = source
    s3.copy_object(Bucket=bucket, Key="from-string", CopySource=f"{bucket}/{key}")
    assert s3.get_object(Bucket=bucket, Key="from-string")["Body"].read() == data


def test_copy_missing_source(s3: Any, bucket: str) -> None:
    response = expect_error(
        s3.copy_object,
        "NoSuchKey",
        404,
        "The specified key does not exist.",
        Bucket=bucket,
        Key="dst",
        CopySource=copy_source(bucket, "not/there"),
    )
    assert response["Error"]["Key"] == "not/there"
    expect_error(
        s3.copy_object,
        "NoSuchBucket",
        404,
        Bucket=bucket,
        Key="dst",
        CopySource=copy_source("no-such-bucket-for-copy-4242", "k"),
    )


def test_copy_from_another_accounts_bucket(
    s3: Any, other_s3: Any, bucket: str, bucket_factory: Callable[..., str], source: Any
) -> None:
    key, _, _ = source
    theirs = bucket_factory("theirs", client=other_s3)
    expect_error(
        other_s3.copy_object,
        "AccessDenied",
        403,
        Bucket=theirs,
        Key="stolen",
        CopySource=copy_source(bucket, key),
    )


def test_copy_multipart_object(s3: Any, bucket: str) -> None:
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), os.urandom(123)]
    data = b"".join(parts)
    etag = upload_multipart(s3, bucket, "multi", parts, ContentType="application/x-multi")
    assert etag.endswith('-3"')
    result = s3.copy_object(Bucket=bucket, Key="copy", CopySource=copy_source(bucket, "multi"))
    # The copy is one new object: its ETag is the MD5 of the bytes, not of the parts.
    assert result["CopyObjectResult"]["ETag"] == quoted_md5(data)
    got = s3.get_object(Bucket=bucket, Key="copy")
    assert got["ETag"] == quoted_md5(data)
    assert got["ContentType"] == "application/x-multi"
    assert got["ContentLength"] == len(data)
    assert hashlib.md5(got["Body"].read()).hexdigest() == hashlib.md5(data).hexdigest()
    assert "PartsCount" not in s3.head_object(Bucket=bucket, Key="copy", PartNumber=1)
    middle = s3.get_object(Bucket=bucket, Key="copy", Range=f"bytes={5 * MIB - 10}-{5 * MIB + 9}")
    assert middle["Body"].read() == data[5 * MIB - 10 : 5 * MIB + 10]
    # The source is still a multipart object.
    assert s3.head_object(Bucket=bucket, Key="multi", PartNumber=1)["PartsCount"] == 3
    assert s3.head_object(Bucket=bucket, Key="multi")["ETag"] == etag


def test_copy_keeps_the_source_checksum(s3: Any, bucket: str) -> None:
    data = os.urandom(5000)
    s3.put_object(Bucket=bucket, Key="c", Body=data, ChecksumAlgorithm="SHA256")
    result = s3.copy_object(Bucket=bucket, Key="c2", CopySource=copy_source(bucket, "c"))
    assert result["CopyObjectResult"]["ChecksumSHA256"] == expected_checksum("SHA256", data)
    head = s3.head_object(Bucket=bucket, Key="c2", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == expected_checksum("SHA256", data)


def test_copy_with_a_new_checksum_algorithm(s3: Any, bucket: str) -> None:
    data = os.urandom(5000)
    s3.put_object(Bucket=bucket, Key="c", Body=data, ChecksumAlgorithm="SHA256")
    s3.copy_object(
        Bucket=bucket, Key="c2", CopySource=copy_source(bucket, "c"), ChecksumAlgorithm="CRC32C"
    )
    head = s3.head_object(Bucket=bucket, Key="c2", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32C"] == expected_checksum("CRC32C", data)
    assert "ChecksumSHA256" not in head
