"""SigV4 verification: botocore signs, our code verifies; plus the published AWS vectors.

Vectors: the AWS SigV4 test suite (``aws-sig-v4-test-suite``, as carried by bazel's
third_party and awslabs/aws-c-auth) and the examples in the S3 API reference
(sig-v4-header-based-auth.html, sigv4-query-string-auth.html).
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import botocore.auth
import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cloudlet.auth import sigv4
from cloudlet.core.errors import (
    AccessDenied,
    IncompleteSignature,
    ServiceError,
    SignatureDoesNotMatch,
)
from cloudlet.protocol.http import Headers, HttpRequest
from tests.unit.wire import ACCESS_KEY, SECRET_KEY, Client, client, to_http_request

SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_NOW = datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC).timestamp()
S3_DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
S3_DOC_NOW = datetime(2013, 5, 24, tzinfo=UTC).timestamp()
EMPTY = hashlib.sha256(b"").hexdigest()


def verify(request: HttpRequest, secret: str = SECRET_KEY, now: float | None = None) -> Any:
    """What the gateway does: read, check the time, verify; returns the signed fields."""
    signed = sigv4.read_signature(request)
    assert signed is not None
    moment = time.time() if now is None else now
    sigv4.check_time(signed, moment, moment)
    sigv4.verify(request, signed, secret, sigv4.payload_hash_for(request, signed))
    return signed


def suite_request(
    method: str, target: str, headers: list[tuple[str, str]], body: bytes = b""
) -> HttpRequest:
    """A request from the suite's ``.sreq`` file (request line target, then headers)."""
    path, _, query = target.partition("?")
    return HttpRequest(method, path, query, Headers(headers), body=body)


def suite_auth(signed_headers: str, signature: str) -> tuple[str, str]:
    credential = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
    return (
        "Authorization",
        f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed_headers}, "
        f"Signature={signature}",
    )


HOST = ("Host", "example.amazonaws.com")
DATE = ("X-Amz-Date", "20150830T123600Z")
BASIC = "host;x-amz-date"
UNRESERVED = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# (name, method, request target, extra headers, body, signed headers, signature)
SUITE = [
    (
        "get-vanilla",
        "GET",
        "/",
        [],
        b"",
        BASIC,
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ),
    (
        "get-vanilla-query-order-key-case",
        "GET",
        "/?Param2=value2&Param1=value1",
        [],
        b"",
        BASIC,
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    ),
    (
        "get-vanilla-empty-query-key",
        "GET",
        "/?Param1=value1",
        [],
        b"",
        BASIC,
        "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb",
    ),
    (
        "get-vanilla-query-unreserved",
        "GET",
        f"/?{UNRESERVED}={UNRESERVED}",
        [],
        b"",
        BASIC,
        "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
    ),
    (
        "get-vanilla-utf8-query",
        "GET",
        "/?%E1%88%B4=bar",
        [],
        b"",
        BASIC,
        "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
    ),
    (
        "get-vanilla-query-order-encoded",
        "GET",
        "/?Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
        [],
        b"",
        BASIC,
        "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac",
    ),
    (
        "get-unreserved",
        "GET",
        f"/{UNRESERVED}",
        [],
        b"",
        BASIC,
        "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
    ),
    (
        "get-header-key-duplicate",
        "GET",
        "/",
        [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")],
        b"",
        "host;my-header1;x-amz-date",
        "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
    ),
    (
        "get-header-value-order",
        "GET",
        "/",
        [
            ("My-Header1", "value4"),
            ("My-Header1", "value1"),
            ("My-Header1", "value3"),
            ("My-Header1", "value2"),
        ],
        b"",
        "host;my-header1;x-amz-date",
        "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01",
    ),
    (
        "get-header-value-trim",
        "GET",
        "/",
        [("My-Header1", " value1"), ("My-Header2", ' "a   b   c"')],
        b"",
        "host;my-header1;my-header2;x-amz-date",
        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
    ),
    (
        "post-vanilla",
        "POST",
        "/",
        [],
        b"",
        BASIC,
        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    ),
    (
        "post-vanilla-query",
        "POST",
        "/?Param1=value1",
        [],
        b"",
        BASIC,
        "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
    ),
    (
        "post-header-key-sort",
        "POST",
        "/",
        [("My-Header1", "value1")],
        b"",
        "host;my-header1;x-amz-date",
        "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c",
    ),
    (
        "post-header-value-case",
        "POST",
        "/",
        [("My-Header1", "VALUE1")],
        b"",
        "host;my-header1;x-amz-date",
        "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d",
    ),
    (
        "post-x-www-form-urlencoded",
        "POST",
        "/",
        [("Content-Type", "application/x-www-form-urlencoded")],
        b"Param1=value1",
        "content-type;host;x-amz-date",
        "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
    ),
    (
        "post-x-www-form-urlencoded-parameters",
        "POST",
        "/",
        [("Content-Type", "application/x-www-form-urlencoded; charset=utf8")],
        b"Param1=value1",
        "content-type;host;x-amz-date",
        "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe",
    ),
    (
        "post-x-www-form-urlencoded (aws-c-auth)",
        "POST",
        "/",
        [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Content-Length", "13"),
            (
                "x-amz-content-sha256",
                "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            ),
        ],
        b"Param1=value1",
        "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
        "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b",
    ),
    (
        "post-sts-header-before",
        "POST",
        "/",
        [
            (
                "X-Amz-Security-Token",
                "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
            )
        ],
        b"",
        "host;x-amz-date;x-amz-security-token",
        "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
    ),
    (
        "get-vanilla-with-session-token",
        "GET",
        "/",
        [
            (
                "X-Amz-Security-Token",
                "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
            )
        ],
        b"",
        "host;x-amz-date;x-amz-security-token",
        "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
    ),
    # normalize-path: services other than S3 sign the path with dot segments and empty
    # segments removed.
    (
        "normalize-path/get-slashes",
        "GET",
        "//example//",
        [],
        b"",
        BASIC,
        "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84",
    ),
    (
        "normalize-path/get-slash-dot-slash",
        "GET",
        "/./",
        [],
        b"",
        BASIC,
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ),
    (
        "normalize-path/get-slash-pointless-dot",
        "GET",
        "/./example",
        [],
        b"",
        BASIC,
        "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5",
    ),
    (
        "normalize-path/get-relative",
        "GET",
        "/example/..",
        [],
        b"",
        BASIC,
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ),
    (
        "normalize-path/get-relative-relative",
        "GET",
        "/example1/example2/../..",
        [],
        b"",
        BASIC,
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ),
    # The suite writes these request lines unencoded; the signer encodes the path once.
    (
        "normalize-path/get-space",
        "GET",
        "/example space/",
        [],
        b"",
        BASIC,
        "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741",
    ),
    (
        "get-utf8",
        "GET",
        "/ሴ",
        [],
        b"",
        BASIC,
        "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
    ),
]


@pytest.mark.parametrize(
    ("method", "target", "headers", "body", "signed_headers", "signature"),
    [case[1:] for case in SUITE],
    ids=[case[0] for case in SUITE],
)
def test_aws_sigv4_test_suite(
    method: str,
    target: str,
    headers: list[tuple[str, str]],
    body: bytes,
    signed_headers: str,
    signature: str,
) -> None:
    auth = suite_auth(signed_headers, signature)
    request = suite_request(method, target, [HOST, DATE, *headers, auth], body)
    signed = verify(request, SUITE_SECRET, SUITE_NOW)
    assert signed.scope == "20150830/us-east-1/service/aws4_request"
    # One hex digit off and the same request is refused.
    wrong = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    request = suite_request(
        method, target, [HOST, DATE, *headers, suite_auth(signed_headers, wrong)], body
    )
    with pytest.raises(SignatureDoesNotMatch):
        verify(request, SUITE_SECRET, SUITE_NOW)


def test_suite_canonical_requests() -> None:
    """The canonical requests the suite prints (``.creq``), byte for byte."""
    request = suite_request(
        "GET", "/?Param2=value2&Param1=value1", [HOST, DATE, suite_auth(BASIC, "0" * 64)]
    )
    signed = sigv4.read_signature(request)
    assert signed is not None
    assert sigv4.canonical_request(request, signed, EMPTY) == (
        "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
        f"x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n{EMPTY}"
    )
    string = sigv4.string_to_sign(signed, sigv4.canonical_request(request, signed, EMPTY))
    assert string == (
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
        "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0"
    )
    form = [("Content-Type", "application/x-www-form-urlencoded")]
    request = suite_request(
        "POST", "/", [*form, HOST, DATE, suite_auth("content-type;host;x-amz-date", "0" * 64)]
    )
    request.body = b"Param1=value1"
    signed = sigv4.read_signature(request)
    assert signed is not None
    payload = sigv4.payload_hash_for(request, signed)
    assert payload == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"
    assert sigv4.canonical_request(request, signed, payload) == (
        "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\nhost:example.amazonaws.com\n"
        "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n" + payload
    )


def test_signing_key_published_vector() -> None:
    key = sigv4.signing_key(SUITE_SECRET, "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"


# ------------------------------------------------------------------ S3 documentation


def s3_doc_request(
    method: str, target: str, headers: list[tuple[str, str]], signed_headers: str, sig: str
) -> HttpRequest:
    credential = "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"
    auth = (
        "Authorization",
        f"AWS4-HMAC-SHA256 Credential={credential},SignedHeaders={signed_headers},Signature={sig}",
    )
    path, _, query = target.partition("?")
    return HttpRequest(
        method,
        path,
        query,
        Headers([("Host", "examplebucket.s3.amazonaws.com"), *headers, auth]),
    )


def test_s3_documented_get_object() -> None:
    request = s3_doc_request(
        "GET",
        "/test.txt",
        [
            ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", EMPTY),
            ("x-amz-date", "20130524T000000Z"),
        ],
        "host;range;x-amz-content-sha256;x-amz-date",
        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    )
    verify(request, S3_DOC_SECRET, S3_DOC_NOW)


def test_s3_documented_put_object_with_date_header() -> None:
    body = b"Welcome to Amazon S3."
    request = s3_doc_request(
        "PUT",
        "/test%24file.text",
        [
            ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-content-sha256", hashlib.sha256(body).hexdigest()),
        ],
        "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
    )
    request.body = body
    signed = verify(request, S3_DOC_SECRET, S3_DOC_NOW)
    sigv4.check_payload_hash(sigv4.payload_hash_for(request, signed), body)


@pytest.mark.parametrize(
    ("query", "signature"),
    [
        ("lifecycle", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        ("max-keys=2&prefix=J", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
    ],
)
def test_s3_documented_bucket_requests(query: str, signature: str) -> None:
    request = s3_doc_request(
        "GET",
        f"/?{query}",
        [("x-amz-content-sha256", EMPTY), ("x-amz-date", "20130524T000000Z")],
        "host;x-amz-content-sha256;x-amz-date",
        signature,
    )
    verify(request, S3_DOC_SECRET, S3_DOC_NOW)


def test_s3_documented_presigned_url() -> None:
    query = (
        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )
    request = HttpRequest(
        "GET", "/test.txt", query, Headers([("Host", "examplebucket.s3.amazonaws.com")])
    )
    signed = verify(request, S3_DOC_SECRET, S3_DOC_NOW + 3600)
    assert (signed.presigned, signed.expires) == (True, 86400)
    # A day later the URL has expired, by the cloud's clock.
    with pytest.raises(AccessDenied) as raised:
        sigv4.check_time(signed, S3_DOC_NOW + 86401, S3_DOC_NOW + 86401)
    assert raised.value.message == "Request has expired"
    assert raised.value.status == 403
    assert raised.value.fields == {
        "X-Amz-Expires": "86400",
        "Expires": "2013-05-25T00:00:00Z",
        "ServerTime": "2013-05-25T00:00:01Z",
    }


# ------------------------------------------------------------------ botocore signs


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("iam", "CreateUser", {"UserName": "bob", "Tags": [{"Key": "k", "Value": "v w"}]}),
        ("sts", "GetCallerIdentity", {}),
        ("ec2", "DescribeInstances", {"Filters": [{"Name": "tag:a b", "Values": ["x/y"]}]}),
        ("dynamodb", "GetItem", {"TableName": "t", "Key": {"pk": {"S": "ü"}}}),
        (
            "lambda",
            "Invoke",
            {"FunctionName": "arn:aws:lambda:us-east-1:1:function:f", "Payload": b"{}"},
        ),
        ("lambda", "ListFunctions", {"Marker": "a b+c/d=e&f~g*h%i"}),
        ("apigateway", "GetResources", {"restApiId": "a b", "embed": ["x y"]}),
        ("route53", "ListResourceRecordSets", {"HostedZoneId": "Z1", "StartRecordName": "*.a"}),
        ("s3", "GetObject", {"Bucket": "b", "Key": "a b/ü+%..//x~*"}),
        ("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "a b+c/d=e&f~g*h%", "StartAfter": "ü"}),
        (
            "s3",
            "PutObject",
            {"Bucket": "b", "Key": "dir/", "Body": b"x" * 100, "Metadata": {"a": "b"}},
        ),
        ("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "k"}]}}),
    ],
)
def test_botocore_signed_requests_verify(
    service: str, operation: str, params: dict[str, Any]
) -> None:
    request = client(service).request(operation, **params)
    signed = verify(request)
    assert signed.access_key_id == ACCESS_KEY
    assert signed.presigned is False
    sigv4.check_payload_hash(sigv4.payload_hash_for(request, signed), request.body)


def test_wrong_secret_is_signature_does_not_match() -> None:
    request = client("iam").request("ListUsers")
    with pytest.raises(SignatureDoesNotMatch) as raised:
        verify(request, secret="not-the-secret")
    assert raised.value.status == 403
    assert raised.value.code == "SignatureDoesNotMatch"
    assert raised.value.fields == {}  # only S3 explains itself


def test_s3_signature_mismatch_explains_the_string_to_sign() -> None:
    request = client("s3").request("GetObject", Bucket="b", Key="k")
    with pytest.raises(SignatureDoesNotMatch) as raised:
        verify(request, secret="not-the-secret")
    fields = raised.value.fields
    assert fields["AWSAccessKeyId"] == ACCESS_KEY
    assert fields["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    assert fields["CanonicalRequest"].startswith("GET\n/b/k\n")
    assert fields["SignatureProvided"] == sigv4.read_signature(request).signature  # type: ignore[union-attr]


def test_tampered_header_query_and_body_are_refused() -> None:
    request = client("s3").request(
        "PutObject", Bucket="b", Key="k", Body=b"data", ContentType="a/b"
    )
    request.headers = Headers(
        [(k, "c/d" if k == "Content-Type" else v) for k, v in request.headers.raw()]
    )
    with pytest.raises(SignatureDoesNotMatch):
        verify(request)

    request = client("lambda").request("ListFunctions", MaxItems=5)
    request.raw_query = request.raw_query.replace("5", "6")
    with pytest.raises(SignatureDoesNotMatch):
        verify(request)

    # Other services sign the body's hash itself.
    request = client("dynamodb").request("ListTables")
    request.body = b'{"Limit": 1}'
    with pytest.raises(SignatureDoesNotMatch):
        verify(request)

    # S3 signs the declared hash; the body is then held to it.
    request = client("s3").request("PutObject", Bucket="b", Key="k", Body=b"data")
    request.body = b"DATA"
    signed = verify(request)
    with pytest.raises(ServiceError) as raised:
        sigv4.check_payload_hash(sigv4.payload_hash_for(request, signed), request.body)
    assert raised.value.code == "XAmzContentSHA256Mismatch"
    assert raised.value.fields["S3ComputedContentSHA256"] == hashlib.sha256(b"DATA").hexdigest()


def test_unsigned_header_may_change() -> None:
    request = client("s3").request("GetObject", Bucket="b", Key="k")
    request.headers = Headers([*request.headers.raw(), ("X-Forwarded-For", "1.2.3.4")])
    verify(request)


def test_missing_signed_header_is_refused() -> None:
    request = client("s3").request("GetObject", Bucket="b", Key="k")
    request.headers = Headers(
        [(k, v) for k, v in request.headers.raw() if k.lower() != "x-amz-date"]
    )
    request.headers = Headers([*request.headers.raw(), ("Date", "Mon, 01 Jan 2024 00:00:00 GMT")])
    with pytest.raises(SignatureDoesNotMatch):
        verify(request)


def test_s3_paths_are_signed_as_sent_other_services_double_encoded() -> None:
    assert sigv4.canonical_path("/b/a%20b/..", "s3") == "/b/a%20b/.."
    assert sigv4.canonical_path("/b//k", "s3") == "/b//k"
    assert sigv4.canonical_path("", "s3") == "/"
    assert sigv4.canonical_path("/a%20b/../c%3A", "lambda") == "/c%253A"
    assert sigv4.canonical_path("/a%20b/", "lambda") == "/a%2520b/"
    assert sigv4.canonical_path("", "lambda") == "/"
    credentials = Credentials(ACCESS_KEY, SECRET_KEY)
    for auth in (
        SigV4Auth(credentials, "lambda", "us-east-1"),
        S3SigV4Auth(credentials, "s3", "us-east-1"),
    ):
        request = AWSRequest("GET", "http://localhost:4566/b/a%20b/../%C3%BC")
        auth.add_auth(request)
        verify(to_http_request(request.prepare()))


def test_virtual_host_request_verifies_against_the_sent_path() -> None:
    virtual = Client("s3", "http://s3.cloudlet.test:4566", s3={"addressing_style": "virtual"})
    request = virtual.request("GetObject", Bucket="bkt", Key="k 1")
    request.sent_path, request.raw_path = request.raw_path, "/bkt" + request.raw_path
    verify(request)


@pytest.mark.parametrize(
    "query",
    [
        "a=b%20c&a=a",
        "key=%E2%82%AC&%2B=%2F&empty=&flag",
        "raw=%FF%FE",  # percent-escapes that are not UTF-8 survive canonicalisation
    ],
)
def test_query_strings_with_special_characters(query: str) -> None:
    request = AWSRequest("GET", f"http://localhost:4566/2015-03-31/functions?{query}")
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "lambda", "us-east-1").add_auth(request)
    verify(to_http_request(request.prepare()))


def test_canonical_query_sorts_by_encoded_key_then_value() -> None:
    assert sigv4.canonical_query("b=2&a=2&a=1&A=3&%C3%BC=x&c", False) == (
        "%C3%BC=x&A=3&a=1&a=2&b=2&c="
    )
    # Each name and value is decoded and encoded again the one AWS way.
    assert sigv4.canonical_query("x=%7e%2a%21&z=%2b", False) == "x=~%2A%21&z=%2B"
    assert sigv4.canonical_query("X-Amz-Signature=abc&b=1", True) == "b=1"
    assert sigv4.canonical_query("X-Amz-Signature=abc&b=1", False) == "X-Amz-Signature=abc&b=1"
    assert sigv4.canonical_query("a=%FF", False) == "a=%FF"


# ------------------------------------------------------------------ presigned URLs


@pytest.fixture
def s3v4() -> Client:
    return client("s3", signature_version="s3v4")


def _from_url(
    url: str, method: str = "GET", headers: list[tuple[str, str]] | None = None
) -> HttpRequest:
    parts = urlsplit(url)
    return HttpRequest(
        method, parts.path, parts.query, Headers([("Host", parts.netloc), *(headers or [])])
    )


@pytest.mark.parametrize("key", ["k", "a b/ü+x", "../x", "a%2Fb", "dir/", "~*'()!"])
def test_presigned_s3_urls_verify(s3v4: Client, key: str) -> None:
    url = s3v4.client.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": "b",
            "Key": key,
            "ResponseContentDisposition": 'attachment; filename="a b"',
        },
        ExpiresIn=60,
    )
    signed = verify(_from_url(url))
    assert (signed.presigned, signed.expires, signed.service) == (True, 60, "s3")


def test_presigned_put_with_signed_content_type(s3v4: Client) -> None:
    url = s3v4.client.generate_presigned_url(
        "put_object", Params={"Bucket": "b", "Key": "k", "ContentType": "text/plain"}
    )
    verify(_from_url(url, "PUT", [("Content-Type", "text/plain")]))
    with pytest.raises(SignatureDoesNotMatch):
        verify(_from_url(url, "PUT", [("Content-Type", "text/html")]))
    with pytest.raises(SignatureDoesNotMatch):
        verify(_from_url(url, "GET", [("Content-Type", "text/plain")]))


def test_presigned_non_s3_url_signs_the_body_hash() -> None:
    """botocore's SigV4QueryAuth (not S3) signs the empty body's hash, not UNSIGNED-PAYLOAD."""
    # As EKS tokens are made: a presigned GetCallerIdentity used with GET.
    url = client("sts").client.generate_presigned_url(
        "get_caller_identity", ExpiresIn=60, HttpMethod="GET"
    )
    signed = verify(_from_url(url))
    assert signed.service == "sts"
    assert sigv4.payload_hash_for(_from_url(url), signed) == EMPTY
    # A body sent along is part of what was signed (it was empty).
    with pytest.raises(SignatureDoesNotMatch):
        request = _from_url(url)
        request.body = b"Action=DeleteUser&UserName=x"
        verify(request)


def test_presigned_tampered_query_is_refused(s3v4: Client) -> None:
    url = s3v4.client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"})
    with pytest.raises(SignatureDoesNotMatch):
        verify(_from_url(url.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200")))
    with pytest.raises(SignatureDoesNotMatch):
        verify(_from_url(url + "&versionId=v1"))


def test_presigned_expiry_is_judged_on_the_cloud_clock() -> None:
    request = AWSRequest("GET", "http://localhost:4566/b/k")
    S3SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1", expires=300).add_auth(
        request
    )
    signed = verify(to_http_request(request.prepare()))
    now = time.time()
    sigv4.check_time(signed, now, now + 290)
    with pytest.raises(AccessDenied) as raised:
        sigv4.check_time(signed, now, now + 400)  # the cloud's clock was advanced
    assert raised.value.message == "Request has expired"
    assert raised.value.fields["X-Amz-Expires"] == "300"


def test_presigned_expiry_bounds_and_not_yet_valid() -> None:
    credentials = Credentials(ACCESS_KEY, SECRET_KEY)
    for expires in (0, 604801):
        request = AWSRequest("GET", "http://localhost:4566/b/k")
        S3SigV4QueryAuth(credentials, "s3", "us-east-1", expires=expires).add_auth(request)
        signed = sigv4.read_signature(to_http_request(request.prepare()))
        assert signed is not None
        with pytest.raises(ServiceError) as raised:
            sigv4.check_time(signed, time.time(), time.time())
        assert raised.value.code == "AuthorizationQueryParametersError"
    request = AWSRequest("GET", "http://localhost:4566/b/k")
    S3SigV4QueryAuth(credentials, "s3", "us-east-1", expires=604800).add_auth(request)
    signed = sigv4.read_signature(to_http_request(request.prepare()))
    assert signed is not None
    with pytest.raises(AccessDenied) as raised:
        sigv4.check_time(signed, time.time() - 3600, time.time() - 3600)
    assert raised.value.message == "Request is not valid yet"


# ------------------------------------------------------------------ time


@pytest.fixture
def frozen_signing_time(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """botocore signs with ``get_current_datetime``; pin it (botocore's clock, not ours)."""
    when = datetime(2024, 1, 2, 3, 4, 5)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *a, **k: when)
    return when.replace(tzinfo=UTC)


def test_skew_beyond_fifteen_minutes_is_refused(frozen_signing_time: datetime) -> None:
    request = AWSRequest("GET", "http://localhost:4566/2015-03-31/functions")
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "lambda", "us-east-1").add_auth(request)
    http = to_http_request(request.prepare())
    signed = sigv4.read_signature(http)
    assert signed is not None and signed.amz_date == "20240102T030405Z"
    at = frozen_signing_time.timestamp()
    for skew in (-900, 0, 900):
        sigv4.check_time(signed, at + skew, at)
    for skew in (-901, 901):
        with pytest.raises(ServiceError) as raised:
            sigv4.check_time(signed, at + skew, at)
        assert (raised.value.code, raised.value.status) == ("RequestTimeTooSkewed", 403)
        assert raised.value.fields["RequestTime"] == "20240102T030405Z"
        assert raised.value.fields["MaxAllowedSkewMilliseconds"] == "900000"
    sigv4.verify(http, signed, SECRET_KEY, sigv4.payload_hash_for(http, signed))


def test_credential_date_must_match_request_date(frozen_signing_time: datetime) -> None:
    request = AWSRequest("GET", "http://localhost:4566/2015-03-31/functions")
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "lambda", "us-east-1").add_auth(request)
    http = to_http_request(request.prepare())
    http.headers = Headers(
        [(k, v.replace("/20240102/", "/20240103/")) for k, v in http.headers.raw()]
    )
    signed = sigv4.read_signature(http)
    assert signed is not None
    with pytest.raises(SignatureDoesNotMatch):
        sigv4.check_time(signed, frozen_signing_time.timestamp(), frozen_signing_time.timestamp())


def test_date_header_instead_of_x_amz_date() -> None:
    request = HttpRequest(
        "GET",
        "/",
        "",
        Headers(
            [
                ("Date", "Sun, 30 Aug 2015 12:36:00 GMT"),
                suite_auth("date;host", "0" * 64),
            ]
        ),
    )
    signed = sigv4.read_signature(request)
    assert signed is not None and signed.amz_date == "20150830T123600Z"
    request = HttpRequest("GET", "/", "", Headers([suite_auth("host", "0" * 64)]))
    with pytest.raises(AccessDenied):
        sigv4.read_signature(request)


# ------------------------------------------------------------------ malformed


@pytest.mark.parametrize(
    ("authorization", "error"),
    [
        ("AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, Signature=00", "IncompleteSignature"),
        (
            "AWS4-HMAC-SHA256 Credential=a/b/c/aws4_request, SignedHeaders=host, Signature=00",
            "IncompleteSignature",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00",
            "IncompleteSignature",
        ),
        ("Bearer token", "IncompleteSignature"),
    ],
)
def test_malformed_authorization_header(authorization: str, error: str) -> None:
    request = HttpRequest("GET", "/", "", Headers([("Authorization", authorization)]))
    with pytest.raises(IncompleteSignature) as raised:
        sigv4.read_signature(request)
    assert raised.value.code == error
    assert raised.value.status == 400


@pytest.mark.parametrize(
    "query",
    [
        "X-Amz-Algorithm=AWS4-HMAC-SHA1&X-Amz-Signature=00",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb%2Fc%2Fd%2Faws4_request"
        "&X-Amz-Date=20240101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00"
        "&X-Amz-Expires=soon",
    ],
)
def test_malformed_presigned_query(query: str) -> None:
    request = HttpRequest("GET", "/b/k", query, Headers([]))
    with pytest.raises(ServiceError) as raised:
        sigv4.read_signature(request)
    assert raised.value.code == "AuthorizationQueryParametersError"


def test_anonymous_request_has_no_signature() -> None:
    assert sigv4.read_signature(HttpRequest("GET", "/b/k", "x=1", Headers([]))) is None


def test_s3_requires_the_content_sha256_header() -> None:
    request = client("s3").request("GetObject", Bucket="b", Key="k")
    request.headers = Headers(
        [(k, v) for k, v in request.headers.raw() if k.lower() != "x-amz-content-sha256"]
    )
    signed = sigv4.read_signature(request)
    assert signed is not None
    with pytest.raises(ServiceError) as raised:
        sigv4.payload_hash_for(request, signed)
    assert raised.value.code == "InvalidRequest"


def test_query_auth_for_other_services_with_sigv4_query_auth() -> None:
    request = AWSRequest(
        "POST",
        "http://localhost:4566/",
        data={"Action": "ListUsers", "Version": "2010-05-08"},
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY), "iam", "us-east-1", expires=60).add_auth(
        request
    )
    http = to_http_request(request.prepare())
    assert "Action=ListUsers" in http.raw_query
    signed = verify(http)
    assert signed.presigned and signed.service == "iam"
