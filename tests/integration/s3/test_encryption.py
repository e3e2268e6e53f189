"""S3 server-side encryption through boto3 and the aws CLI: SSE-S3, SSE-KMS, SSE-C, bucket
defaults, ranged reads across chunk boundaries, and ciphertext at rest."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..conftest import Server, make_client
from .conftest import MIB, expect_error

CHUNK = 64 * 1024
NEEDS_KEY = (
    "The object was stored using a form of Server Side Encryption. The correct parameters "
    "must be provided to retrieve the object."
)


def customer(key: bytes) -> dict[str, Any]:
    """SSE-C parameters: botocore base64-encodes the key and adds its MD5."""
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def ranged(s3: Any, bucket: str, key: str, first: int, last: int, **extra: Any) -> bytes:
    out = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={first}-{last}", **extra)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 206
    return out["Body"].read()


def test_default_bucket_encryption_is_sse_s3(s3: Any, bucket: str) -> None:
    config = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    rule = config["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert rule["BucketKeyEnabled"] is False


def test_put_get_delete_bucket_encryption(s3: Any, bucket: str) -> None:
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"},
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["BucketKeyEnabled"] is True
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"secret by default")
    assert put["ServerSideEncryption"] == "aws:kms"
    assert put["SSEKMSKeyId"].startswith("arn:aws:kms:")
    assert put["BucketKeyEnabled"] is True
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"secret by default"
    assert got["SSEKMSKeyId"] == put["SSEKMSKeyId"]
    s3.delete_bucket_encryption(Bucket=bucket)
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


def test_put_bucket_encryption_rejects_bad_rules(s3: Any, bucket: str) -> None:
    expect_error(
        s3.put_bucket_encryption,
        "InvalidArgument",
        400,
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "AES256",
                        "KMSMasterKeyID": "alias/whatever",
                    }
                }
            ]
        },
    )
    expect_error(
        s3.put_bucket_encryption,
        "MalformedXML",
        400,
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "DES"}}]
        },
    )


def test_sse_s3_round_trip_and_headers(s3: Any, bucket: str) -> None:
    data = os.urandom(3 * CHUNK + 123)
    put = s3.put_object(Bucket=bucket, Key="a", Body=data, ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"
    assert put["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    head = s3.head_object(Bucket=bucket, Key="a")
    assert head["ServerSideEncryption"] == "AES256"
    assert head["ContentLength"] == len(data)
    got = s3.get_object(Bucket=bucket, Key="a")
    assert got["ServerSideEncryption"] == "AES256"
    assert got["Body"].read() == data


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (0, 0),
        (CHUNK - 1, CHUNK),  # across one boundary
        (CHUNK - 10, 2 * CHUNK + 10),  # a whole chunk and two partial ones
        (3 * CHUNK, 3 * CHUNK + 122),  # the short last chunk exactly
        (100, 3 * CHUNK + 122),
    ],
)
def test_range_gets_across_chunks(s3: Any, bucket: str, first: int, last: int) -> None:
    data = os.urandom(3 * CHUNK + 123)
    s3.put_object(Bucket=bucket, Key="r", Body=data, ServerSideEncryption="AES256")
    assert ranged(s3, bucket, "r", first, last) == data[first : last + 1]


def test_empty_and_exact_chunk_objects(s3: Any, bucket: str) -> None:
    for size in (0, 1, CHUNK, 2 * CHUNK):
        data = os.urandom(size)
        s3.put_object(Bucket=bucket, Key=f"s{size}", Body=data, ServerSideEncryption="AES256")
        assert s3.get_object(Bucket=bucket, Key=f"s{size}")["Body"].read() == data
    assert (
        ranged(s3, bucket, f"s{CHUNK}", CHUNK - 1, CHUNK - 1)
        == s3.get_object(Bucket=bucket, Key=f"s{CHUNK}")["Body"].read()[-1:]
    )


def test_multi_mib_object_streams(s3: Any, bucket: str) -> None:
    data = os.urandom(5 * MIB + 777)
    s3.put_object(Bucket=bucket, Key="big", Body=data, ServerSideEncryption="aws:kms")
    body = s3.get_object(Bucket=bucket, Key="big")["Body"].read()
    assert hashlib.sha256(body).digest() == hashlib.sha256(data).digest()
    first, last = 2 * MIB - 5, 3 * MIB + 5
    assert ranged(s3, bucket, "big", first, last) == data[first : last + 1]


def test_sse_kms_with_managed_key(s3: Any, client_factory: Callable[..., Any], bucket: str) -> None:
    put = s3.put_object(Bucket=bucket, Key="m", Body=b"kms", ServerSideEncryption="aws:kms")
    kms = client_factory("kms")
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert put["SSEKMSKeyId"] == managed["Arn"]
    assert "BucketKeyEnabled" not in put
    head = s3.head_object(Bucket=bucket, Key="m")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == managed["Arn"]


def test_sse_kms_with_customer_key_and_bucket_key(
    s3: Any, client_factory: Callable[..., Any], bucket: str
) -> None:
    kms = client_factory("kms")
    key = kms.create_key()["KeyMetadata"]
    put = s3.put_object(
        Bucket=bucket,
        Key="c",
        Body=b"customer managed",
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key["KeyId"],
        BucketKeyEnabled=True,
    )
    assert put["SSEKMSKeyId"] == key["Arn"]
    assert put["BucketKeyEnabled"] is True
    got = s3.get_object(Bucket=bucket, Key="c")
    assert got["Body"].read() == b"customer managed"
    assert got["BucketKeyEnabled"] is True
    # A disabled key cannot decrypt the object's data key.
    kms.disable_key(KeyId=key["KeyId"])
    try:
        with pytest.raises(Exception):  # noqa: B017 - the KMS error surfaces as an S3 error
            s3.get_object(Bucket=bucket, Key="c")["Body"].read()
    finally:
        kms.enable_key(KeyId=key["KeyId"])


def test_unsupported_algorithm(s3: Any, bucket: str) -> None:
    expect_error(
        s3.put_object,
        "InvalidArgument",
        400,
        "The encryption method specified is not supported",
        Bucket=bucket,
        Key="x",
        Body=b"x",
        ServerSideEncryption="DES",
    )


def test_copy_changes_encryption(s3: Any, bucket: str) -> None:
    data = os.urandom(CHUNK * 2 + 5)
    s3.put_object(Bucket=bucket, Key="plain", Body=data)
    copied = s3.copy_object(
        Bucket=bucket, Key="enc", CopySource=f"{bucket}/plain", ServerSideEncryption="aws:kms"
    )
    assert copied["ServerSideEncryption"] == "aws:kms"
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    assert s3.get_object(Bucket=bucket, Key="enc")["Body"].read() == data
    back = s3.copy_object(Bucket=bucket, Key="again", CopySource=f"{bucket}/enc")
    assert "ServerSideEncryption" not in back or back["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="again")["Body"].read() == data
    # In place, to SSE-S3: a change of encryption makes the copy legal.
    s3.copy_object(
        Bucket=bucket, Key="enc", CopySource=f"{bucket}/enc", ServerSideEncryption="AES256"
    )
    head = s3.head_object(Bucket=bucket, Key="enc")
    assert head["ServerSideEncryption"] == "AES256"
    assert ranged(s3, bucket, "enc", CHUNK - 2, CHUNK + 2) == data[CHUNK - 2 : CHUNK + 3]


def test_multipart_with_sse_kms(s3: Any, bucket: str) -> None:
    created = s3.create_multipart_upload(
        Bucket=bucket, Key="mp", ServerSideEncryption="aws:kms", BucketKeyEnabled=True
    )
    assert created["ServerSideEncryption"] == "aws:kms"
    assert created["BucketKeyEnabled"] is True
    parts, chunks = [], []
    for number in (1, 2):
        chunk = os.urandom(5 * MIB + number)
        chunks.append(chunk)
        out = s3.upload_part(
            Bucket=bucket, Key="mp", UploadId=created["UploadId"], PartNumber=number, Body=chunk
        )
        assert out["ServerSideEncryption"] == "aws:kms"
        assert out["SSEKMSKeyId"] == created["SSEKMSKeyId"]
        parts.append({"PartNumber": number, "ETag": out["ETag"]})
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="mp", UploadId=created["UploadId"], MultipartUpload={"Parts": parts}
    )
    assert done["ServerSideEncryption"] == "aws:kms"
    assert done["SSEKMSKeyId"] == created["SSEKMSKeyId"]
    data = b"".join(chunks)
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == data
    first, last = 5 * MIB - 3, 5 * MIB + 3  # across the part boundary
    assert ranged(s3, bucket, "mp", first, last) == data[first : last + 1]
    part2 = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert part2["Body"].read() == chunks[1]


def test_upload_part_copy_between_encryptions(s3: Any, bucket: str) -> None:
    key = os.urandom(32)
    data = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="src", Body=data, ServerSideEncryption="aws:kms")
    created = s3.create_multipart_upload(Bucket=bucket, Key="dst", **customer(key))
    upload_id = created["UploadId"]
    parts = []
    for number, (first, last) in enumerate([(0, 5 * MIB - 1), (5 * MIB, 6 * MIB - 1)], 1):
        out = s3.upload_part_copy(
            Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=number,
            CopySource=f"{bucket}/src", CopySourceRange=f"bytes={first}-{last}", **customer(key),
        )  # fmt: skip
        parts.append({"PartNumber": number, "ETag": out["CopyPartResult"]["ETag"]})
    s3.complete_multipart_upload(
        Bucket=bucket, Key="dst", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    assert s3.get_object(Bucket=bucket, Key="dst", **customer(key))["Body"].read() == data
    expect_error(s3.get_object, "InvalidRequest", 400, NEEDS_KEY, Bucket=bucket, Key="dst")


def test_sse_c_round_trip(s3: Any, bucket: str) -> None:
    key = os.urandom(32)
    data = os.urandom(CHUNK + 10)
    put = s3.put_object(Bucket=bucket, Key="c", Body=data, **customer(key))
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    assert put["SSECustomerAlgorithm"] == "AES256"
    assert put["SSECustomerKeyMD5"] == md5
    assert "ServerSideEncryption" not in put
    head = s3.head_object(Bucket=bucket, Key="c", **customer(key))
    assert head["SSECustomerKeyMD5"] == md5
    got = s3.get_object(Bucket=bucket, Key="c", **customer(key))
    assert got["Body"].read() == data
    assert (
        ranged(s3, bucket, "c", CHUNK - 1, CHUNK + 1, **customer(key))
        == data[CHUNK - 1 : CHUNK + 2]
    )


def test_sse_c_errors(s3: Any, bucket: str) -> None:
    key = os.urandom(32)
    s3.put_object(Bucket=bucket, Key="c", Body=b"x", **customer(key))
    expect_error(s3.get_object, "InvalidRequest", 400, NEEDS_KEY, Bucket=bucket, Key="c")
    expect_error(s3.head_object, "400", 400, Bucket=bucket, Key="c")
    expect_error(
        s3.get_object, "AccessDenied", 403, "Access Denied",
        Bucket=bucket, Key="c", **customer(os.urandom(32)),
    )  # fmt: skip
    expect_error(s3.head_object, "403", 403, Bucket=bucket, Key="c", **customer(os.urandom(32)))
    s3.put_object(Bucket=bucket, Key="plain", Body=b"y")
    expect_error(
        s3.get_object, "InvalidRequest", 400,
        "The encryption parameters are not applicable to this object.",
        Bucket=bucket, Key="plain", **customer(key),
    )  # fmt: skip
    expect_error(
        s3.put_object, "InvalidArgument", 400,
        "The secret key was invalid for the specified algorithm.",
        Bucket=bucket, Key="short", Body=b"z", **customer(os.urandom(16)),
    )  # fmt: skip
    expect_error(
        s3.put_object, "InvalidEncryptionAlgorithmError", 400,
        "The Encryption request you specified is not valid. Supported value: AES256.",
        Bucket=bucket, Key="alg", Body=b"z",
        SSECustomerAlgorithm="AES128", SSECustomerKey=key,
    )  # fmt: skip
    expect_error(
        s3.put_object, "InvalidArgument", 400,
        "The calculated MD5 hash of the key did not match the hash that was provided.",
        Bucket=bucket, Key="md5", Body=b"z", SSECustomerAlgorithm="AES256",
        SSECustomerKey=base64.b64encode(key).decode(),  # with an MD5 botocore sends it as is
        SSECustomerKeyMD5=base64.b64encode(hashlib.md5(b"other").digest()).decode(),
    )  # fmt: skip


def test_sse_c_copy(s3: Any, bucket: str) -> None:
    old, new = os.urandom(32), os.urandom(32)
    data = os.urandom(CHUNK * 2)
    s3.put_object(Bucket=bucket, Key="c", Body=data, **customer(old))
    expect_error(
        s3.copy_object, "InvalidRequest", 400, NEEDS_KEY,
        Bucket=bucket, Key="d", CopySource=f"{bucket}/c",
    )  # fmt: skip
    source = {
        "CopySourceSSECustomerAlgorithm": "AES256",
        "CopySourceSSECustomerKey": old,
    }
    copied = s3.copy_object(
        Bucket=bucket, Key="d", CopySource=f"{bucket}/c", **source, **customer(new)
    )
    assert copied["SSECustomerKeyMD5"] == base64.b64encode(hashlib.md5(new).digest()).decode()
    assert s3.get_object(Bucket=bucket, Key="d", **customer(new))["Body"].read() == data
    expect_error(s3.get_object, "AccessDenied", 403, Bucket=bucket, Key="d", **customer(old))


def test_cli_sse(aws: Any, s3: Any, bucket: str, client_factory: Callable[..., Any]) -> None:
    key = client_factory("kms").create_key()["KeyMetadata"]
    source = aws.cwd / "data.bin"
    data = os.urandom(300_000)
    source.write_bytes(data)
    aws("s3", "cp", str(source), f"s3://{bucket}/cli.bin", "--sse", "aws:kms",
        "--sse-kms-key-id", key["KeyId"])  # fmt: skip
    head = aws.json("s3api", "head-object", "--bucket", bucket, "--key", "cli.bin")
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == key["Arn"]
    aws("s3", "cp", f"s3://{bucket}/cli.bin", str(aws.cwd / "back.bin"))
    assert (aws.cwd / "back.bin").read_bytes() == data
    rules = '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
    aws("s3api", "put-bucket-encryption", "--bucket", bucket,
        "--server-side-encryption-configuration", rules)  # fmt: skip
    config = aws.json("s3api", "get-bucket-encryption", "--bucket", bucket)
    rule = config["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    aws("s3", "cp", str(source), f"s3://{bucket}/default.bin")
    head = aws.json("s3api", "head-object", "--bucket", bucket, "--key", "default.bin")
    assert head["ServerSideEncryption"] == "AES256"


def test_no_plaintext_at_rest(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="at-rest")
    marker = b"PLAINTEXT-MARKER-" + os.urandom(8).hex().encode()
    body = marker * (3 * CHUNK // len(marker) + 1)
    root = Path(own_server.data_dir)

    def files_with_marker() -> list[Path]:
        return [p for p in root.rglob("*") if p.is_file() and marker in p.read_bytes()]

    # The scan does find bytes stored in clear (then they are deleted).
    s3.put_object(Bucket="at-rest", Key="clear", Body=body)
    assert files_with_marker()
    s3.delete_object(Bucket="at-rest", Key="clear")
    assert not files_with_marker()
    s3.put_object(Bucket="at-rest", Key="s3", Body=body, ServerSideEncryption="AES256")
    s3.put_object(Bucket="at-rest", Key="kms", Body=body, ServerSideEncryption="aws:kms")
    s3.put_object(Bucket="at-rest", Key="ssec", Body=body, **customer(os.urandom(32)))
    s3.copy_object(
        Bucket="at-rest", Key="copy", CopySource="at-rest/kms", ServerSideEncryption="AES256"
    )
    upload = s3.create_multipart_upload(Bucket="at-rest", Key="mp", ServerSideEncryption="AES256")
    etag = s3.upload_part(
        Bucket="at-rest", Key="mp", UploadId=upload["UploadId"], PartNumber=1, Body=body
    )["ETag"]
    s3.complete_multipart_upload(
        Bucket="at-rest", Key="mp", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )  # fmt: skip
    for key in ("s3", "kms", "copy", "mp"):
        assert s3.get_object(Bucket="at-rest", Key=key)["Body"].read() == body
    blobs = [p for p in (root / "s3" / "blobs").rglob("*") if p.is_file()]
    assert len(blobs) >= 5
    assert files_with_marker() == []
