"""SigV2 for S3: botocore's HmacV1 signers (and boto3's default presigned URLs) verify."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from botocore.auth import HmacV1Auth, HmacV1QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cloudlet.auth import sigv2
from cloudlet.core.errors import AccessDenied, ServiceError, SignatureDoesNotMatch
from cloudlet.protocol.http import Headers, HttpRequest
from tests.unit.wire import ACCESS_KEY, SECRET_KEY, Client, client, to_http_request

CREDENTIALS = Credentials(ACCESS_KEY, SECRET_KEY)


def verify(request: HttpRequest, secret: str = SECRET_KEY, clock: float | None = None) -> None:
    signed = sigv2.read_signature(request)
    assert signed is not None and signed.access_key_id == ACCESS_KEY
    now = time.time()
    sigv2.verify(request, signed, secret, now, now if clock is None else clock)


@pytest.mark.parametrize("key", ["k", "a b/ü+x", "dir/", "../x", "100%"])
def test_boto3_default_presigned_urls(key: str) -> None:
    url = client("s3").client.generate_presigned_url(
        "get_object",
        Params={"Bucket": "b", "Key": key, "ResponseContentType": "text/plain", "VersionId": "v"},
        ExpiresIn=60,
    )
    assert "AWSAccessKeyId=" in url  # boto3 still presigns S3 with SigV2 by default
    parts = urlsplit(url)
    request = HttpRequest("GET", parts.path, parts.query, Headers([("Host", parts.netloc)]))
    verify(request)
    with pytest.raises(AccessDenied) as raised:
        verify(request, clock=time.time() + 120)
    assert raised.value.message == "Request has expired"
    with pytest.raises(SignatureDoesNotMatch):
        verify(request, secret="wrong")


@pytest.mark.parametrize(
    ("method", "url", "headers"),
    [
        ("GET", "http://localhost:4566/b/k%20x?acl", {}),
        (
            "PUT",
            "http://localhost:4566/b/k?uploadId=u&partNumber=2",
            {"Content-MD5": "abc", "Content-Type": "text/plain", "x-amz-meta-a": "1"},
        ),
        ("POST", "http://localhost:4566/b?delete", {"Content-Type": "application/xml"}),
        ("GET", "http://localhost:4566/b?list-type=2&prefix=a", {}),
    ],
)
def test_header_signatures(method: str, url: str, headers: dict[str, str]) -> None:
    request = AWSRequest(method, url, headers=headers)
    HmacV1Auth(CREDENTIALS).add_auth(request)
    http = to_http_request(request.prepare())
    verify(http)
    http.method = "DELETE"
    with pytest.raises(SignatureDoesNotMatch) as raised:
        verify(http)
    assert raised.value.fields["StringToSign"].startswith("DELETE\n")


def test_query_signature_with_hmac_v1_query_auth() -> None:
    request = AWSRequest("GET", "http://localhost:4566/b/k?versionId=v1")
    HmacV1QueryAuth(CREDENTIALS, expires=60).add_auth(request)
    verify(to_http_request(request.prepare()))


def test_skewed_date_is_refused() -> None:
    request = AWSRequest("GET", "http://localhost:4566/b/k")
    HmacV1Auth(CREDENTIALS).add_auth(request)  # signs with the Date header it sets to now
    http = to_http_request(request.prepare())
    signed = sigv2.read_signature(http)
    assert signed is not None
    now = time.time()
    sigv2.verify(http, signed, SECRET_KEY, now + 800, now)
    with pytest.raises(ServiceError) as raised:
        sigv2.verify(http, signed, SECRET_KEY, now + 1000, now)
    assert (raised.value.code, raised.value.status) == ("RequestTimeTooSkewed", 403)


def test_virtual_host_signs_the_bucket_in_the_resource() -> None:
    virtual = Client("s3", "http://s3.cloudlet.test:4566", s3={"addressing_style": "virtual"})
    url = virtual.client.generate_presigned_url("get_object", Params={"Bucket": "bkt", "Key": "k"})
    parts = urlsplit(url)
    assert parts.netloc == "bkt.s3.cloudlet.test:4566"
    request = HttpRequest(
        "GET", "/bkt" + parts.path, parts.query, Headers([("Host", parts.netloc)])
    )
    request.sent_path = parts.path
    verify(request)


def test_not_sigv2() -> None:
    assert sigv2.read_signature(HttpRequest("GET", "/", "", Headers([]))) is None
    sigv4 = Headers([("Authorization", "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request")])
    assert sigv2.read_signature(HttpRequest("GET", "/", "", sigv4)) is None
    with pytest.raises(AccessDenied):
        sigv2.read_signature(HttpRequest("GET", "/", "AWSAccessKeyId=a&Signature=b", Headers([])))
