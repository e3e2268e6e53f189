"""Errors as every protocol renders them, read back by botocore: code, message, status."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from cloudlet.core.errors import AccessDenied, InternalError, ServiceError, error
from cloudlet.protocol import _PROTOCOLS
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from tests.unit.wire import botocore_error, client, model

MESSAGE = 'Thing "x" <y> & z\nnot found: ü'

CASES = [
    # service, our protocol, botocore protocol, operation, code, status
    ("iam", "query", "query", "GetUser", "NoSuchEntity", 404),
    ("sts", "query", "query", "AssumeRole", "MalformedPolicyDocument", 400),
    ("sns", "query", "query", "Publish", "NotFound", 404),
    ("ec2", "ec2", "ec2", "DescribeVpcs", "InvalidVpcID.NotFound", 400),
    ("dynamodb", "json", "json", "GetItem", "ResourceNotFoundException", 400),
    ("kinesis", "json", "json", "PutRecord", "ResourceNotFoundException", 400),
    ("lambda", "rest-json", "rest-json", "GetFunction", "ResourceNotFoundException", 404),
    ("apigateway", "rest-json", "rest-json", "GetRestApi", "NotFoundException", 404),
    ("route53", "rest-xml", "rest-xml", "GetHostedZone", "NoSuchHostedZone", 404),
    ("s3", "s3", "rest-xml", "GetObject", "NoSuchKey", 404),
    ("cloudwatch", "smithy-rpc-v2-cbor", "smithy-rpc-v2-cbor", "ListMetrics", "Throttling", 400),
]


def render(
    service: str, protocol: str, operation: str | None, exc: ServiceError, method: str = "POST"
) -> HttpResponse:
    service_model = model(service)
    op = service_model.operation_model(operation) if operation else None
    request = HttpRequest(method, "/", "", Headers([]))
    return _PROTOCOLS[protocol].serialize_error(service_model, op, exc, "req-1", request)


@pytest.mark.parametrize(("service", "protocol", "parser", "operation", "code", "status"), CASES)
def test_error_code_message_and_status(
    service: str, protocol: str, parser: str, operation: str, code: str, status: int
) -> None:
    response = render(service, protocol, operation, error(code, MESSAGE, status))
    parsed = botocore_error(parser, model(service).operation_model(operation), response)
    assert parsed["status"] == response.status == status
    assert parsed["Code"] == code
    assert parsed["Message"] == MESSAGE


@pytest.mark.parametrize(("service", "protocol", "parser", "operation", "code", "status"), CASES)
def test_error_without_operation_still_renders(
    service: str, protocol: str, parser: str, operation: str, code: str, status: int
) -> None:
    """Routing failures have no operation; the error must still render and parse."""
    response = render(service, protocol, None, InternalError())
    parsed = botocore_error(parser, model(service).operation_model(operation), response)
    assert (parsed["status"], parsed["Code"]) == (500, "InternalError")


def test_query_error_type_sender_and_receiver() -> None:
    op = model("iam").operation_model("GetUser")
    sender = botocore_error("query", op, render("iam", "query", "GetUser", AccessDenied()))
    receiver = botocore_error("query", op, render("iam", "query", "GetUser", InternalError()))
    assert (sender["Type"], sender["status"]) == ("Sender", 403)
    assert (receiver["Type"], receiver["status"]) == ("Receiver", 500)


def test_json_error_type_header() -> None:
    response = render("dynamodb", "json", "GetItem", error("ValidationException", "bad"))
    assert response.header("x-amzn-ErrorType") == "ValidationException"
    assert response.header("x-amzn-RequestId") == "req-1"


def test_json_query_compatible_error_header_sqs() -> None:
    """SQS (json, awsQueryCompatible) also sends the query code and fault in a header."""
    exc = error("AWS.SimpleQueueService.NonExistentQueue", "The queue does not exist.")
    response = render("sqs", "json", "GetQueueUrl", exc)
    assert response.header("x-amzn-query-error") == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    parsed = botocore_error("json", model("sqs").operation_model("GetQueueUrl"), response)
    assert parsed["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert parsed["Type"] == "Sender"


def test_json_query_compatible_modelled_exception_cloudwatch() -> None:
    """CloudWatch models query codes on its error shapes; the client raises the shape's class."""
    cloudwatch = client("cloudwatch")
    op = model("cloudwatch").operation_model("GetDashboard")
    exc = error("ResourceNotFound", "Dashboard d does not exist", 404)
    response = _PROTOCOLS["json"].serialize_error(model("cloudwatch"), op, exc, "req-1")
    assert response.header("x-amzn-query-error") == "ResourceNotFound;Sender"
    parsed = botocore_error("json", op, response)
    assert (parsed["Code"], parsed["QueryErrorCode"]) == ("ResourceNotFound", "ResourceNotFound")
    # The modelled exception is raised by a real client speaking json.
    with pytest.raises(cloudwatch.client.exceptions.ResourceNotFound) as raised:
        cloudwatch.call("GetDashboard", lambda request: response, DashboardName="d")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFound"
    # A query code modelled on a differently named shape travels as that shape's name.
    exc = error("InvalidParameterValue", "bad value")
    response = _PROTOCOLS["json"].serialize_error(model("cloudwatch"), op, exc, "req-1")
    assert response.header("x-amzn-ErrorType") == "InvalidParameterValueException"
    assert response.header("x-amzn-query-error") == "InvalidParameterValue;Sender"
    with pytest.raises(cloudwatch.client.exceptions.InvalidParameterValueException) as invalid:
        cloudwatch.call("GetDashboard", lambda request: response, DashboardName="d")
    assert invalid.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_json_error_fields_are_kept() -> None:
    exc = error("ConditionalCheckFailedException", "failed", 400, Item={"pk": {"S": "a"}})
    response = render("dynamodb", "json", "PutItem", exc)
    assert b'"Item":{"pk":{"S":"a"}}' in response.body


def test_rest_json_error_headers() -> None:
    exc = error("TooManyRequestsException", "slow down", 429)
    exc.headers["Retry-After"] = "3"
    response = render("lambda", "rest-json", "Invoke", exc)
    assert response.header("Retry-After") == "3"


def test_s3_error_document() -> None:
    exc = error("NoSuchKey", "The specified key does not exist.", 404, Key="a&b", BucketName="b")
    response = render("s3", "s3", "GetObject", exc, method="GET")
    body = response.body
    assert isinstance(body, bytes)
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>')
    assert b"<Key>a&amp;b</Key>" in body
    assert b"<RequestId>req-1</RequestId>" in body
    assert response.header("x-amz-request-id") == "req-1"
    host_id = response.header("x-amz-id-2")
    assert host_id and f"<HostId>{host_id}</HostId>".encode() in body
    parsed = botocore_error("rest-xml", model("s3").operation_model("GetObject"), response)
    assert parsed == {
        "status": 404,
        "Code": "NoSuchKey",
        "Message": "The specified key does not exist.",
        "Key": "a&b",
        "BucketName": "b",
    }


def test_s3_head_error_has_no_body() -> None:
    response = render("s3", "s3", "HeadObject", error("NoSuchKey", "gone", 404), method="HEAD")
    assert response.body == b""
    assert response.status == 404
    parsed = botocore_error("rest-xml", model("s3").operation_model("HeadObject"), response)
    # Without a body botocore names the error after the status, as it does against S3.
    assert (parsed["status"], parsed["Code"], parsed["Message"]) == (404, "404", "Not Found")


def test_s3_error_through_the_client_raises_the_modelled_exception() -> None:
    s3 = client("s3")

    def respond(request: HttpRequest) -> HttpResponse:
        exc = error("NoSuchKey", "The specified key does not exist.", 404, Key="k")
        op = model("s3").operation_model("GetObject")
        return _PROTOCOLS["s3"].serialize_error(model("s3"), op, exc, "req-1", request)

    with pytest.raises(s3.client.exceptions.NoSuchKey) as raised:
        s3.call("GetObject", respond, Bucket="b", Key="k")
    assert raised.value.response["Error"]["Key"] == "k"
    assert raised.value.response["ResponseMetadata"]["RequestId"] == "req-1"


def test_s3_head_error_through_the_client() -> None:
    s3 = client("s3")

    def respond(request: HttpRequest) -> HttpResponse:
        op = model("s3").operation_model("HeadBucket")
        return _PROTOCOLS["s3"].serialize_error(model("s3"), op, AccessDenied(), "r", request)

    with pytest.raises(ClientError) as raised:
        s3.call("HeadBucket", respond, Bucket="b")
    assert raised.value.response["Error"]["Code"] == "403"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_query_error_through_the_client() -> None:
    iam = client("iam")

    def respond(request: HttpRequest) -> HttpResponse:
        exc = error("NoSuchEntity", "The user with name bob cannot be found.", 404)
        op = model("iam").operation_model("GetUser")
        return _PROTOCOLS["query"].serialize_error(model("iam"), op, exc, "req-1", request)

    with pytest.raises(iam.client.exceptions.NoSuchEntityException) as raised:
        iam.call("GetUser", respond, UserName="bob")
    assert raised.value.response["Error"]["Message"] == "The user with name bob cannot be found."
