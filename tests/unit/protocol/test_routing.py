"""Operation matching by URI template, above all S3's many operations per path."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.model import Shape

from cloudlet.core.errors import InvalidArgument
from cloudlet.protocol import protocol_for
from cloudlet.protocol.http import Headers, HttpRequest
from cloudlet.protocol.s3 import S3Protocol
from tests.unit.wire import Client, client, info, model, serialized_request

S3 = S3Protocol()


def s3_request(
    method: str, path: str, query: str = "", headers: list[tuple[str, str]] | None = None
) -> HttpRequest:
    return HttpRequest(method, path, query, Headers(headers or []))


def route(
    method: str, path: str, query: str = "", headers: list[tuple[str, str]] | None = None
) -> tuple[str | None, dict[str, Any]]:
    request = s3_request(method, path, query, headers)
    op = S3.find_operation(model("s3"), request)
    if op is None:
        return None, {}
    params = S3.parse(op, request)
    params.pop("Body", None)
    return op.name, params


COPY = [("x-amz-copy-source", "/src/key")]


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "expected"),
    [
        ("PUT", "/b/k", "", [], "PutObject"),
        ("PUT", "/b/k", "", COPY, "CopyObject"),
        ("PUT", "/b/k", "partNumber=1&uploadId=u", [], "UploadPart"),
        ("PUT", "/b/k", "partNumber=1&uploadId=u", COPY, "UploadPartCopy"),
        ("GET", "/b", "list-type=2", [], "ListObjectsV2"),
        ("GET", "/b", "", [], "ListObjects"),
        ("GET", "/b/", "", [], "ListObjects"),
        ("GET", "/b", "acl", [], "GetBucketAcl"),
        ("GET", "/b", "acl=", [], "GetBucketAcl"),
        ("GET", "/b/k", "acl", [], "GetObjectAcl"),
        ("GET", "/b/k", "uploadId=x", [], "ListParts"),
        ("DELETE", "/b/k", "uploadId=x", [], "AbortMultipartUpload"),
        ("POST", "/b/k", "uploadId=x", [], "CompleteMultipartUpload"),
        ("POST", "/b/k", "uploads", [], "CreateMultipartUpload"),
        ("GET", "/b", "uploads", [], "ListMultipartUploads"),
        ("GET", "/b", "versions", [], "ListObjectVersions"),
        ("POST", "/b", "delete", [], "DeleteObjects"),
        ("GET", "/", "", [], "ListBuckets"),
        ("PUT", "/b", "", [], "CreateBucket"),
        ("HEAD", "/b", "", [], "HeadBucket"),
        ("DELETE", "/b", "", [], "DeleteBucket"),
        ("HEAD", "/b/k", "", [], "HeadObject"),
        ("GET", "/b/k", "", [], "GetObject"),
        ("GET", "/b/k", "versionId=v1", [], "GetObject"),
        ("DELETE", "/b/k", "", [], "DeleteObject"),
        ("GET", "/b", "tagging", [], "GetBucketTagging"),
        ("GET", "/b/k", "tagging", [], "GetObjectTagging"),
        ("GET", "/b", "location", [], "GetBucketLocation"),
        ("GET", "/b", "analytics", [], "ListBucketAnalyticsConfigurations"),
        ("GET", "/b", "analytics&id=a", [], "GetBucketAnalyticsConfiguration"),
        # The literal ?attributes wins even without the required header (validation reports it).
        ("GET", "/b/k", "attributes", [], "GetObjectAttributes"),
        ("GET", "/b/k", "attributes", [("x-amz-object-attributes", "ETag")], "GetObjectAttributes"),
        # Deprecated twins on the same URI lose to their successors.
        ("PUT", "/b", "lifecycle", [], "PutBucketLifecycleConfiguration"),
        ("GET", "/b", "lifecycle", [], "GetBucketLifecycleConfiguration"),
        ("PUT", "/b", "notification", [], "PutBucketNotificationConfiguration"),
        ("GET", "/b", "notification", [], "GetBucketNotificationConfiguration"),
        ("POST", "/", "", [], None),
    ],
)
def test_s3_operation_disambiguation(
    method: str, path: str, query: str, headers: list[tuple[str, str]], expected: str | None
) -> None:
    assert route(method, path, query, headers)[0] == expected


def test_s3_upload_part_copy_params() -> None:
    assert route("PUT", "/b/k", "partNumber=3&uploadId=u%2B1", COPY) == (
        "UploadPartCopy",
        {"Bucket": "b", "Key": "k", "PartNumber": 3, "UploadId": "u+1", "CopySource": "/src/key"},
    )


@pytest.mark.parametrize(
    ("raw_path", "key"),
    [
        ("/b/a%20b", "a b"),
        ("/b/%C3%BC%E2%82%AC", "üۥ".replace("ۥ", "€")),
        ("/b/a%2Bb", "a+b"),
        ("/b/a+b", "a+b"),  # '+' in a path is a plus, not a space
        ("/b/100%25", "100%"),
        ("/b/../x", "../x"),
        ("/b/a/../b", "a/../b"),
        ("/b/dir/", "dir/"),
        ("/b//lead", "/lead"),
        ("/b/a%2Fb", "a/b"),
        ("/b/%3F%23%26", "?#&"),
    ],
)
def test_s3_keys_are_taken_verbatim(raw_path: str, key: str) -> None:
    assert route("GET", raw_path) == ("GetObject", {"Bucket": "b", "Key": key})


@pytest.mark.parametrize(
    "key",
    ["a b", "ü/ñ €", "a+b", "100%", "..", "../x", "dir/", "x/./y", "~tilde*star", "a=b&c"],
)
def test_s3_keys_roundtrip_from_botocore(key: str) -> None:
    request = client("s3").request("GetObject", Bucket="b", Key=key)
    op = S3.find_operation(model("s3"), request)
    assert op is not None and op.name == "GetObject"
    # botocore asks for checksum validation of GetObject on its own.
    assert S3.parse(op, request) == {"Bucket": "b", "Key": key, "ChecksumMode": "ENABLED"}


def test_s3_query_plus_is_space_and_bad_integer_is_invalid_argument() -> None:

    assert route("GET", "/b", "list-type=2&prefix=a+b&max-keys=5") == (
        "ListObjectsV2",
        {"Bucket": "b", "Prefix": "a b", "MaxKeys": 5},
    )
    with pytest.raises(InvalidArgument):
        route("GET", "/b", "list-type=2&max-keys=five")


def test_s3_header_map_and_header_list() -> None:
    name, params = route(
        "HEAD",
        "/b/k",
        "",
        [("If-Modified-Since", "Wed, 01 Jan 2031 00:00:00 GMT"), ("Range", "bytes=0-9")],
    )
    assert name == "HeadObject"
    assert params == {
        "Bucket": "b",
        "Key": "k",
        "IfModifiedSince": datetime(2031, 1, 1, tzinfo=UTC),
        "Range": "bytes=0-9",
    }
    _, params = route(
        "GET", "/b/k", "attributes", [("x-amz-object-attributes", "ETag, ObjectSize,Checksum")]
    )
    assert params["ObjectAttributes"] == ["ETag", "ObjectSize", "Checksum"]


def test_s3_virtual_host_style_request_after_the_gateway_rewrite() -> None:
    virtual = Client("s3", "http://s3.cloudlet.test:4566", s3={"addressing_style": "virtual"})
    request = virtual.request("PutObject", Bucket="bkt", Key="dir/k 1", Body=b"x")
    assert (request.host, request.raw_path) == ("bkt.s3.cloudlet.test:4566", "/dir/k%201")
    # The gateway turns bucket.host/key into /bucket/key and keeps the signed path.
    request.sent_path, request.raw_path = request.raw_path, "/bkt" + request.raw_path
    op = S3.find_operation(model("s3"), request)
    assert op is not None and op.name == "PutObject"
    params = S3.parse(op, request)
    assert (params["Bucket"], params["Key"], params["Body"]) == ("bkt", "dir/k 1", b"x")


# ---------------------------------------------------------------- every operation routes


def _dummy(shape: Shape, depth: int = 0) -> Any:
    """A value for every required member, enough for botocore to serialize the request."""
    kind = shape.type_name
    if kind == "structure":
        if depth > 6:
            return {}
        return {n: _dummy(shape.members[n], depth + 1) for n in shape.required_members}
    if kind == "list":
        return [_dummy(shape.member, depth + 1)]  # type: ignore[attr-defined]
    if kind == "map":
        return {"k": _dummy(shape.value, depth + 1)}  # type: ignore[attr-defined]
    if kind in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return 1.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime(2030, 1, 1, tzinfo=UTC)
    if kind == "blob":
        return b"x"
    if "enum" in shape.metadata:
        return shape.metadata["enum"][0]
    return "x" * max(3, shape.metadata.get("min", 1))


#: Operations sharing method and URI with another; the first named is the one chosen.
TWINS = {
    "s3": {
        "GetBucketLifecycle": "GetBucketLifecycleConfiguration",
        "PutBucketLifecycle": "PutBucketLifecycleConfiguration",
        "GetBucketNotification": "GetBucketNotificationConfiguration",
        "PutBucketNotification": "PutBucketNotificationConfiguration",
        "ListDirectoryBuckets": "ListBuckets",
    }
}


@pytest.mark.parametrize("service", ["s3", "lambda", "apigateway", "route53", "glacier"])
def test_every_operation_routes_to_itself(service: str) -> None:
    service_model = model(service)
    protocol_name = service_model.protocol
    wrong = []
    for name in service_model.operation_names:
        op = service_model.operation_model(name)
        params = _dummy(op.input_shape) if op.input_shape is not None else {}
        request = serialized_request(protocol_name, op, params)
        found = protocol_for(info(service), request).find_operation(service_model, request)
        expected = TWINS.get(service, {}).get(name, name)
        if found is None or found.name != expected:
            wrong.append((name, found and found.name, request.method, request.raw_path))
    assert wrong == []
    assert len(service_model.operation_names) > 10


def test_parse_reads_the_labels_of_the_operation_it_is_given() -> None:
    """A deprecated twin parsed explicitly still gets its URI labels."""
    request = s3_request("PUT", "/b", "lifecycle")
    op = model("s3").operation_model("PutBucketLifecycle")
    assert S3.parse(op, request) == {"Bucket": "b"}
