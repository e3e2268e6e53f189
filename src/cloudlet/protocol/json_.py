"""The ``json`` protocol (1.0 and 1.1): ``X-Amz-Target: Prefix.Operation``, JSON both ways.

Errors are ``{"__type": code, "message": ...}`` with the code also in ``x-amzn-ErrorType``;
services marked ``awsQueryCompatible`` (SQS) also get ``x-amzn-query-error``.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudlet.core.errors import ServiceError
from cloudlet.protocol import json_codec
from cloudlet.protocol.http import HttpRequest, HttpResponse


def content_type(service: ServiceModel) -> str:
    return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"


def error_response(
    service: ServiceModel, error: ServiceError, request_id: str, content: str
) -> HttpResponse:
    # ``awsQueryCompatible`` is an empty object in the model: test for the key.
    query_compatible = "awsQueryCompatible" in service.metadata
    code = _shape_name_for(service, error.code) if query_compatible else error.code
    body: dict[str, Any] = {"__type": code, "message": error.message}
    for key, value in error.fields.items():
        body.setdefault(key, value)
    headers = [
        ("Content-Type", content),
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", code),
    ]
    if query_compatible:
        fault = "Sender" if error.sender_fault else "Receiver"
        headers.append(("x-amzn-query-error", f"{error.code};{fault}"))
    return HttpResponse(error.status, headers, json_codec.dumps(body))


def _shape_name_for(service: ServiceModel, query_code: str) -> str:
    """The JSON ``__type`` of a query error code: the error shape that models that code
    (CloudWatch's ``InvalidParameterValue`` is ``InvalidParameterValueException``); botocore
    reads the query code from ``x-amzn-query-error`` and the shape from ``__type``."""
    shapes = service.error_shapes
    if any(shape.name == query_code for shape in shapes):
        return query_code
    for shape in shapes:
        if shape.metadata.get("error", {}).get("code") == query_code:
            return shape.name
    return query_code


class JsonProtocol:
    name = "json"

    def needs_body_to_route(self) -> bool:
        return False

    def find_operation(self, service: ServiceModel, request: HttpRequest) -> OperationModel | None:
        target = request.headers.get("x-amz-target") or ""
        _, _, operation = target.rpartition(".")
        if operation in service.operation_names:
            return service.operation_model(operation)
        return None

    def parse(self, op: OperationModel, request: HttpRequest) -> dict[str, Any]:
        data = json_codec.loads(request.body)
        return json_codec.decode(op.input_shape, data) or {}

    def serialize(
        self, op: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        body = json_codec.encode(op.output_shape, output) if op.output_shape else {}
        return HttpResponse(
            200,
            [("Content-Type", content_type(op.service_model)), ("x-amzn-RequestId", request_id)],
            json_codec.dumps(body),
        )

    def serialize_error(
        self,
        service: ServiceModel,
        op: OperationModel | None,
        error: ServiceError,
        request_id: str,
        request: HttpRequest | None = None,
    ) -> HttpResponse:
        return error_response(service, error, request_id, content_type(service))
