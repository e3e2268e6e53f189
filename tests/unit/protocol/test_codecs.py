"""Scalar values, the JSON/XML/CBOR codecs, the HTTP types and protocol selection."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from cloudlet.core.errors import MalformedXML, SerializationException, ValidationError, error
from cloudlet.protocol import _PROTOCOLS, cbor, json_codec, protocol_for, xml_codec
from cloudlet.protocol.http import (
    BodyStream,
    BodyTooLarge,
    ClientDisconnected,
    Headers,
    HttpRequest,
    HttpResponse,
)
from cloudlet.protocol.values import (
    b64decode,
    b64encode,
    format_timestamp,
    parse_bool,
    parse_timestamp,
    to_datetime,
)
from tests.unit.wire import botocore_parse, client, info, model

T = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)

# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-06T07:08:09Z", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2024-05-06T07:08:09.123456Z", T),
        ("2024-05-06T09:08:09+02:00", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("2024-05-06T07:08:09", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("Mon, 06 May 2024 07:08:09 GMT", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("1714979289", datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        ("1714979289.5", datetime(2024, 5, 6, 7, 8, 9, 500000, tzinfo=UTC)),
        (1714979289, datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)),
        (1714979289.25, datetime(2024, 5, 6, 7, 8, 9, 250000, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(text: str | float, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.tzinfo is not None


@pytest.mark.parametrize("text", ["garbage", "", "nan", "inf", "1e20", "-1e300", 1e20, math.inf])
def test_parse_timestamp_rejects_garbage_as_a_client_error(text: str | float) -> None:
    with pytest.raises(SerializationException):
        parse_timestamp(text)


def test_format_timestamp() -> None:
    assert format_timestamp(T, "iso8601") == "2024-05-06T07:08:09.123Z"
    assert format_timestamp(T, "rfc822") == "Mon, 06 May 2024 07:08:09 GMT"
    assert format_timestamp(T, "unixTimestamp") == 1714979289.123
    assert format_timestamp(T.replace(microsecond=0), "unixTimestamp") == 1714979289
    assert isinstance(format_timestamp(T.replace(microsecond=0), "unixTimestamp"), int)
    # Naive datetimes are UTC; other zones are converted.
    assert format_timestamp(datetime(2024, 5, 6, 7, 8, 9), "iso8601") == "2024-05-06T07:08:09.000Z"
    plus2 = datetime(2024, 5, 6, 9, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    assert format_timestamp(plus2, "iso8601") == "2024-05-06T07:08:09.000Z"
    assert format_timestamp(plus2, "rfc822") == "Mon, 06 May 2024 07:08:09 GMT"
    assert format_timestamp(1714979289, "iso8601") == "2024-05-06T07:08:09.000Z"
    assert format_timestamp("2024-05-06T07:08:09Z", "rfc822") == "Mon, 06 May 2024 07:08:09 GMT"


def test_to_datetime_rejects_other_types() -> None:
    with pytest.raises(TypeError):
        to_datetime(object())


def test_parse_bool_and_base64() -> None:
    assert [parse_bool(v) for v in ("true", "TRUE", " 1", "false", "0")] == [
        True,
        True,
        True,
        False,
        False,
    ]
    with pytest.raises(SerializationException):
        parse_bool("yes")
    assert b64encode(b"\x00\xff") == "AP8=" and b64encode("hi") == "aGk="
    assert b64decode("AP8=") == b"\x00\xff"
    with pytest.raises(SerializationException):
        b64decode("not base64!")


# --------------------------------------------------------------------------- json codec


def test_json_loads_rejects_malformed_bodies() -> None:
    assert json_codec.loads(b"  ") == {}
    with pytest.raises(SerializationException):
        json_codec.loads(b"{not json")


def test_json_decode_type_mismatches_are_serialization_errors() -> None:
    op = model("dynamodb").operation_model("PutItem")
    with pytest.raises(SerializationException):
        json_codec.decode(op.input_shape, {"TableName": "t", "Item": ["not", "a", "map"]})
    with pytest.raises(SerializationException):
        json_codec.decode(op.input_shape, [])


def test_json_document_members_pass_through() -> None:
    """Document-typed members (Glue's Iceberg field types) are free-form JSON both ways."""
    field_type = {"type": "list", "element-id": 2, "element": "string", "nested": [1, None]}
    params = {
        "DatabaseName": "db",
        "Name": "t",
        "OpenTableFormatInput": {
            "IcebergInput": {
                "MetadataOperation": "CREATE",
                "CreateIcebergTableInput": {
                    "Location": "s3://b/t/",
                    "Schema": {
                        "Fields": [
                            {"Id": 1, "Name": "id", "Type": "long", "Required": True},
                            {"Id": 2, "Name": "tags", "Type": field_type, "Required": False},
                        ]
                    },
                },
            }
        },
    }
    request = client("glue").request("CreateTable", **params)
    op = model("glue").operation_model("CreateTable")
    assert _PROTOCOLS["json"].parse(op, request) == params

    out_op = model("glue").operation_model("GetEntityRecords")
    output = {"Records": [{"a": 1, "b": {"c": [True, "x"]}}], "NextToken": "n"}
    response = _PROTOCOLS["json"].serialize(out_op, output, "r")
    parsed = botocore_parse("json", out_op, response)
    parsed.pop("ResponseMetadata")
    assert parsed == output


def test_json_special_floats() -> None:
    """JSON has no NaN/Infinity: botocore sends the strings, and so do we."""
    op = model("cloudwatch").operation_model("PutMetricData")
    shape = op.input_shape
    data = {"Namespace": "n", "MetricData": [{"MetricName": "m", "Value": "NaN"}]}
    decoded = json_codec.decode(shape, data)
    assert math.isnan(decoded["MetricData"][0]["Value"])
    data["MetricData"][0]["Value"] = "-Infinity"
    assert json_codec.decode(shape, data)["MetricData"][0]["Value"] == -math.inf
    data["MetricData"][0]["Value"] = "12"
    with pytest.raises(SerializationException):
        json_codec.decode(shape, data)

    out = model("dynamodb").operation_model("GetItem")
    output = {"ConsumedCapacity": {"TableName": "t", "CapacityUnits": math.inf}}
    body = _PROTOCOLS["json"].serialize(out, output, "r").body
    assert body == b'{"ConsumedCapacity":{"TableName":"t","CapacityUnits":"Infinity"}}'


# --------------------------------------------------------------------------- xml codec


def test_xml_escape() -> None:
    assert xml_codec.escape("plain") == "plain"
    assert xml_codec.escape('a&b<c>"d"\re') == "a&amp;b&lt;c&gt;&quot;d&quot;&#13;e"
    assert xml_codec.escape("tab\tnew\nline") == "tab\tnew\nline"
    assert xml_codec.escape("bell\x07") == "bell&#x7;"


def test_xml_parse_document_refuses_dtds_and_garbage() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(MalformedXML):
        xml_codec.parse_document(bomb)
    with pytest.raises(MalformedXML):
        xml_codec.parse_document(b"<Tagging><TagSet>")
    assert xml_codec.local_name(xml_codec.parse_document(b'<a xmlns="urn:x"/>').tag) == "a"


def test_xml_bad_scalar_is_malformed_xml() -> None:
    op = model("s3").operation_model("PutBucketVersioning")
    request = client("s3").request(
        "PutBucketVersioning", Bucket="b", VersioningConfiguration={"Status": "Enabled"}
    )
    assert _PROTOCOLS["s3"].parse(op, request)["VersioningConfiguration"] == {"Status": "Enabled"}
    request = client("s3").request(
        "PutBucketLifecycleConfiguration",
        Bucket="b",
        LifecycleConfiguration={
            "Rules": [{"Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}}]
        },
    )
    request.body = request.body.replace(b"<Days>1</Days>", b"<Days>one</Days>")
    op = model("s3").operation_model("PutBucketLifecycleConfiguration")
    with pytest.raises(MalformedXML):
        _PROTOCOLS["s3"].parse(op, request)


def test_query_bad_numbers_are_validation_errors() -> None:
    op = model("iam").operation_model("ListUsers")
    request = HttpRequest(
        "POST",
        "/",
        "",
        Headers([("Content-Type", "application/x-www-form-urlencoded")]),
        body=b"Action=ListUsers&MaxItems=ten",
    )
    with pytest.raises(ValidationError):
        _PROTOCOLS["query"].parse(op, request)
    op = model("cloudwatch").operation_model("PutMetricData")
    request.body = b"Action=PutMetricData&Namespace=n&MetricData.member.1.MetricName=m" + (
        b"&MetricData.member.1.Value=lots"
    )
    with pytest.raises(ValidationError):
        _PROTOCOLS["query"].parse(op, request)


# --------------------------------------------------------------------------- cbor


@pytest.mark.parametrize("size", [0, 23, 24, 255, 256, 65535, 65536])
def test_cbor_error_lengths_parse_in_botocore(size: int) -> None:
    message = "m" * size
    op = model("cloudwatch").operation_model("ListMetrics")

    exc = error("InvalidParameterValue", message)
    response = _PROTOCOLS["smithy-rpc-v2-cbor"].serialize_error(model("cloudwatch"), op, exc, "r")
    parsed = botocore_parse("smithy-rpc-v2-cbor", op, response)
    assert parsed["Error"] == {"Code": "InvalidParameterValue", "Message": message}


def test_cbor_encode_values() -> None:
    assert cbor.encode(10) == b"\x0a"
    assert cbor.encode(500) == b"\x19\x01\xf4"
    assert cbor.encode({"a": "b"}) == b"\xa1\x61a\x61b"
    with pytest.raises(TypeError):
        cbor.encode(-1)


def test_cbor_routes_by_path() -> None:
    request = HttpRequest(
        "POST",
        "/service/GraniteServiceVersion20100801/operation/ListMetrics",
        "",
        Headers([("smithy-protocol", "rpc-v2-cbor")]),
    )
    protocol = protocol_for(info("cloudwatch"), request)
    assert protocol.name == "smithy-rpc-v2-cbor"
    op = protocol.find_operation(model("cloudwatch"), request)
    assert op is not None and op.name == "ListMetrics"


# --------------------------------------------------------------------------- protocol_for


@pytest.mark.parametrize(
    ("service", "operation", "params", "expected"),
    [
        ("iam", "ListUsers", {}, "query"),
        ("ec2", "DescribeVpcs", {}, "ec2"),
        ("dynamodb", "ListTables", {}, "json"),
        ("sqs", "ListQueues", {}, "json"),
        ("cloudwatch", "ListMetrics", {}, "json"),
        ("lambda", "ListFunctions", {}, "rest-json"),
        ("route53", "ListHostedZones", {}, "rest-xml"),
        ("s3", "ListBuckets", {}, "rest-xml"),
    ],
)
def test_protocol_for_real_requests(
    service: str, operation: str, params: dict[str, Any], expected: str
) -> None:
    request = client(service).request(operation, **params)
    protocol = protocol_for(info(service), request)
    assert protocol.name == expected
    if service == "s3":
        assert protocol is _PROTOCOLS["s3"]
    op = protocol.find_operation(model(service), request)
    assert op is not None and op.name == operation


def test_protocol_for_cloudwatch_query() -> None:
    request = HttpRequest(
        "POST",
        "/",
        "",
        Headers([("Content-Type", "application/x-www-form-urlencoded")]),
        body=b"Action=ListMetrics&Version=2010-08-01",
    )
    assert protocol_for(info("cloudwatch"), request).name == "query"


def test_query_action_in_query_string() -> None:
    request = HttpRequest("GET", "/", "Action=GetUser&UserName=bob&Version=2010-05-08", Headers([]))
    protocol = protocol_for(info("iam"), request)
    op = protocol.find_operation(model("iam"), request)
    assert op is not None and op.name == "GetUser"
    assert protocol.parse(op, request) == {"UserName": "bob"}
    request = HttpRequest("GET", "/", "Action=NoSuchThing", Headers([]))
    assert protocol.find_operation(model("iam"), request) is None


# --------------------------------------------------------------------------- http types


def test_headers_are_case_insensitive_and_join_repeats() -> None:
    headers = Headers([("X-A", "1"), ("x-a", "2"), ("Host", "h")])
    assert headers["x-A"] == "1,2"
    assert headers.get("HOST") == "h"
    assert headers.get("missing", "d") == "d"
    assert "X-a" in headers and "nope" not in headers and 5 not in headers
    assert headers.items() == [("x-a", "1,2"), ("host", "h")]
    assert headers.raw() == [("X-A", "1"), ("x-a", "2"), ("Host", "h")]


def test_http_request_path_and_query() -> None:
    request = HttpRequest("GET", "/b/a%20b%2Fc", "x=1&y=a+b&x=2&flag&e=%26", Headers([]))
    assert request.path == "/b/a b/c"
    assert request.query == [("x", "1"), ("y", "a b"), ("x", "2"), ("flag", ""), ("e", "&")]
    assert request.query_dict() == {"x": "1", "y": "a b", "flag": "", "e": "&"}


def test_http_response_header_lookup() -> None:
    response = HttpResponse(200, [("Content-Type", "a"), ("ETag", '"e"')])
    assert response.header("content-type") == "a"
    assert response.header("etag") == '"e"'
    assert response.header("missing") is None


def _receiver(messages: list[dict[str, Any]]) -> Any:
    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    return receive


def test_body_stream_reads_asgi_messages() -> None:
    messages = [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.request", "body": b"cd", "more_body": False},
    ]
    stream = BodyStream(_receiver(messages), 4)
    assert asyncio.run(stream.read_all()) == b"abcd"
    assert stream.received == 4
    assert asyncio.run(stream.read_chunk()) == b""


def test_body_stream_limit_and_disconnect() -> None:
    stream = BodyStream(_receiver([{"type": "http.request", "body": b"x" * 10}]), 10)
    with pytest.raises(BodyTooLarge) as raised:
        asyncio.run(stream.read_all(limit=5))
    assert raised.value.limit == 5
    stream = BodyStream(
        _receiver(
            [{"type": "http.request", "body": b"x", "more_body": True}, {"type": "http.disconnect"}]
        ),
        None,
    )
    with pytest.raises(ClientDisconnected):
        asyncio.run(stream.read_all())


def test_body_stream_iterates() -> None:
    messages = [
        {"type": "http.request", "body": b"1", "more_body": True},
        {"type": "http.request", "body": b"2", "more_body": False},
    ]
    stream = BodyStream(_receiver(messages), None)

    async def collect() -> list[bytes]:
        return [chunk async for chunk in stream]

    assert asyncio.run(collect()) == [b"1", b"2"]
