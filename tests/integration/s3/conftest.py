"""Shared S3 test helpers: AWS errors, checksums, multipart uploads, and a second account."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from awscrt import checksums
from botocore.exceptions import ClientError

from ..conftest import Server, make_client

MIB = 1024 * 1024
PRECONDITION = "At least one of the pre-conditions you specified did not hold"


def quoted_md5(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def expected_checksum(algorithm: str, data: bytes) -> str:
    """The base64 ``x-amz-checksum-*`` value of ``data``, computed here independently."""
    if algorithm == "CRC32":
        return b64(zlib.crc32(data).to_bytes(4, "big"))
    if algorithm == "CRC32C":
        return b64(checksums.crc32c(data).to_bytes(4, "big"))
    if algorithm == "CRC64NVME":
        return b64(checksums.crc64nvme(data).to_bytes(8, "big"))
    return b64(hashlib.new(algorithm.lower(), data).digest())


def upload_multipart(s3: Any, bucket: str, key: str, parts: list[bytes], **kwargs: Any) -> str:
    """A multipart object through boto3's multipart API; returns its ETag."""
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **kwargs)
    done = []
    for number, body in enumerate(parts, 1):
        part = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=body
        )
        done.append({"PartNumber": number, "ETag": part["ETag"]})
    result = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload={"Parts": done}
    )
    return result["ETag"]


def expect_error(
    call: Callable[..., Any],
    code: str,
    status: int,
    message: str | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Call ``call(**params)``; assert it fails with this code, HTTP status and message.

    HEAD responses carry no body, so botocore names their error by the status ("404").
    """
    with pytest.raises(ClientError) as info:
        call(**params)
    response = info.value.response
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    if message is not None:
        assert response["Error"]["Message"] == message, response
    return response


@pytest.fixture(scope="module")
def other_account(server: Server) -> dict[str, Any]:
    """A second AWS account with its own root keys."""
    return server.admin("POST", "/_cloudlet/accounts", {"name": "other"})


@pytest.fixture(scope="module")
def other_s3(server: Server, other_account: dict[str, Any]) -> Any:
    return make_client(
        server.endpoint,
        "s3",
        access_key=other_account["AccessKeyId"],
        secret_key=other_account["SecretAccessKey"],
    )
