"""Presigned URLs, browser POST uploads, CORS, anonymous access and virtual-hosted style."""

from __future__ import annotations

import datetime
import time
import urllib.error
import urllib.request
import uuid
from typing import Any
from unittest import mock

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from tests.integration.conftest import Server, make_client


def fetch(
    url: str, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes, Any]:
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers


def test_presigned_get_and_put(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="report.csv", Body=b"a,b\n1,2\n")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "report.csv"}, ExpiresIn=300
    )
    status, body, _ = fetch(url)
    assert (status, body) == (200, b"a,b\n1,2\n")

    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "upload.bin"}, ExpiresIn=300
    )
    # No Content-Type: the URL was signed without one (urllib would add a form type).
    status, _, headers = fetch(put_url, "PUT", b"uploaded bytes", {"Content-Type": ""})
    assert status == 200
    assert headers["ETag"]
    assert s3.get_object(Bucket=bucket, Key="upload.bin")["Body"].read() == b"uploaded bytes"


def test_presigned_url_tampered_is_refused(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"})
    status, body, _ = fetch(url.replace("/k?", "/other?"))
    assert status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in body


def test_expired_presigned_url_is_access_denied(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=1
    )
    time.sleep(2.1)
    status, body, _ = fetch(url)
    assert status == 403
    assert b"<Code>AccessDenied</Code>" in body
    assert b"Request has expired" in body


def test_presigned_url_expires_when_the_clock_moves(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="clock")
    s3.put_object(Bucket="clock", Key="k", Body=b"x")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "clock", "Key": "k"}, ExpiresIn=3600
    )
    assert fetch(url)[0] == 200
    own_server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 7200})
    status, body, _ = fetch(url)
    assert status == 403 and b"Request has expired" in body


def test_anonymous_requests_are_refused(server: Server, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    status, body, _ = fetch(f"{server.endpoint}/{bucket}/k")
    assert status == 403
    assert b"<Code>AccessDenied</Code>" in body
    status, _, _ = fetch(f"{server.endpoint}/{bucket}/k2", "PUT", b"data")
    assert status == 403


def test_virtual_hosted_style(server: Server, bucket: str) -> None:
    client = make_client(
        server.endpoint.replace("127.0.0.1", "localhost"),
        "s3",
        s3={"addressing_style": "virtual"},
    )
    # <bucket>.localhost resolves to loopback on most systems, but not everywhere: send the
    # Host header by hand through the path-style endpoint instead.
    events: list[str] = []

    def route_to_loopback(request: Any, **_: Any) -> None:
        events.append(request.url)
        request.url = request.url.replace(f"{bucket}.localhost", "127.0.0.1")

    client.meta.events.register_first("before-send.s3", route_to_loopback)
    client.put_object(Bucket=bucket, Key="vh/key.txt", Body=b"virtual")
    assert client.get_object(Bucket=bucket, Key="vh/key.txt")["Body"].read() == b"virtual"
    assert any(f"//{bucket}.localhost" in url for url in events)
    listed = client.list_objects_v2(Bucket=bucket)
    assert [o["Key"] for o in listed["Contents"]] == ["vh/key.txt"]


def _post(
    url: str, fields: dict[str, str], filename: str, content: bytes
) -> tuple[int, bytes, Any]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return fetch(
        url,
        "POST",
        b"".join(parts),
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


def test_post_object_form_upload(s3: Any, bucket: str) -> None:
    content = b"\r\n--not-a-boundary\r\n" + bytes(range(256)) * 400
    post = s3.generate_presigned_post(
        bucket,
        "uploads/${filename}",
        Fields={"success_action_status": "201", "x-amz-meta-source": "browser"},
        Conditions=[
            ["starts-with", "$key", "uploads/"],
            {"success_action_status": "201"},
            {"x-amz-meta-source": "browser"},
            ["content-length-range", 1, 10_000_000],
        ],
        ExpiresIn=300,
    )
    status, body, _ = _post(post["url"], post["fields"], "photo.jpg", content)
    assert status == 201, body
    assert b"<Key>uploads/photo.jpg</Key>" in body
    obj = s3.get_object(Bucket=bucket, Key="uploads/photo.jpg")
    assert obj["Body"].read() == content
    assert obj["Metadata"] == {"source": "browser"}


def test_post_object_policy_conditions_are_enforced(s3: Any, bucket: str) -> None:
    post = s3.generate_presigned_post(
        bucket,
        "in/${filename}",
        Conditions=[["starts-with", "$key", "in/"], ["content-length-range", 1, 10]],
    )
    status, body, _ = _post(post["url"], post["fields"], "big.bin", b"x" * 11)
    assert status == 400 and b"<Code>EntityTooLarge</Code>" in body

    fields = dict(post["fields"], key="elsewhere/file")
    status, body, _ = _post(post["url"], fields, "f", b"x")
    assert status == 403 and b"Policy Condition failed" in body

    fields = dict(post["fields"], **{"x-amz-meta-extra": "1"})
    status, body, _ = _post(post["url"], fields, "f", b"x")
    assert status == 403 and b"Extra input fields" in body

    fields = dict(post["fields"], policy=post["fields"]["policy"][:-4] + "AAAA")
    status, body, _ = _post(post["url"], fields, "f", b"x")
    assert status == 403 and b"SignatureDoesNotMatch" in body
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="elsewhere/file")


def test_cors_preflight_and_response_headers(server: Server, s3: Any, bucket: str) -> None:
    url = f"{server.endpoint}/{bucket}/data.json"
    status, body, _ = fetch(
        url,
        "OPTIONS",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert status == 403 and b"CORS is not enabled" in body

    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": ["https://*.example"],
                    "AllowedMethods": ["GET", "PUT"],
                    "AllowedHeaders": ["content-type", "x-amz-*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 600,
                }
            ]
        },
    )
    status, _, headers = fetch(
        url,
        "OPTIONS",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type, x-amz-meta-a",
        },
    )
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "PUT" in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Max-Age"] == "600"
    assert headers["Access-Control-Expose-Headers"] == "ETag"

    status, _, _ = fetch(
        url,
        "OPTIONS",
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "GET"},
    )
    assert status == 403
    status, _, _ = fetch(
        url,
        "OPTIONS",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert status == 403

    s3.put_object(Bucket=bucket, Key="data.json", Body=b"{}")
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "data.json"})
    status, _, headers = fetch(get_url, headers={"Origin": "https://app.example"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "https://app.example"


def test_unsigned_payload_and_sigv4_header_modes(server: Server, bucket: str) -> None:
    """boto3 sends aws-chunked bodies with trailing checksums by default; also force others."""
    for checksum_mode in ("when_supported", "when_required"):
        client = make_client(
            server.endpoint,
            "s3",
            request_checksum_calculation=checksum_mode,
            s3={"payload_signing_enabled": True},
        )
        body = bytes(range(256)) * 1000
        client.put_object(Bucket=bucket, Key=f"mode-{checksum_mode}", Body=body)
        got = client.get_object(Bucket=bucket, Key=f"mode-{checksum_mode}")["Body"].read()
        assert got == body


def test_wrong_secret_on_s3(server: Server, bucket: str) -> None:
    client = make_client(server.endpoint, "s3", secret_key="not-the-secret")
    with pytest.raises(ClientError) as info:
        client.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert info.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_request_time_too_skewed(server: Server, bucket: str) -> None:
    """A request signed by a client whose clock is 20 minutes fast."""
    request = AWSRequest(method="GET", url=f"{server.endpoint}/{bucket}?list-type=2")
    future = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=20)
    with mock.patch("botocore.auth.get_current_datetime", return_value=future):
        S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    status, body, _ = fetch(request.url, headers=dict(request.headers.items()))
    assert status == 403
    assert b"<Code>RequestTimeTooSkewed</Code>" in body
