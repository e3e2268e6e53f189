"""Every operation of a few services, every member set: botocore -> us -> botocore.

Requests: botocore's serializer writes a request with every input member, our protocol
must route it to the same operation and parse back the same dict. Responses: our
serializer writes every output member, botocore's parser must read back the same dict.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.model import OperationModel

from cloudlet.protocol import _PROTOCOLS, protocol_for
from tests.unit.wire import botocore_parse, info, model, sample, serialized_request

#: Operations that share method and URI with a successor; the successor is chosen.
TWINS = {
    "GetBucketLifecycle",
    "PutBucketLifecycle",
    "GetBucketNotification",
    "PutBucketNotification",
    "ListDirectoryBuckets",
}
#: GetBucketLocation's document is read by a botocore handler (see test_responses).
#: GetBucketNotification models two flattened lists under one element name.
OUTPUT_SKIP = {"GetBucketLocation", "GetBucketNotification"}

SERVICES = [
    "s3",  # rest-xml as S3 speaks it
    "route53",  # rest-xml
    "iam",  # query
    "sns",  # query, maps
    "sdb",  # query, flattened lists
    "dynamodb",  # json 1.0
    "sqs",  # json 1.0, query-compatible
    "kinesis",  # json 1.1
    "lambda",  # rest-json
    "apigateway",  # rest-json, jsonName twins of URI labels, literal query keys
    "amp",  # rest-json, querystring map of lists
    "mediastore-data",  # rest-json, Content-Type bound to an output member
]


def _wire_protocol(service: str) -> str:
    protocol = model(service).protocol
    return "rest-xml" if service == "s3" else protocol


def _operations(service: str) -> list[OperationModel]:
    service_model = model(service)
    return [service_model.operation_model(name) for name in service_model.operation_names]


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_roundtrips(service: str) -> None:
    wrong: list[Any] = []
    for op in _operations(service):
        if op.input_shape is None or op.has_event_stream_input:
            continue
        params = sample(op.input_shape) or {}
        request = serialized_request(_wire_protocol(service), op, params)
        protocol = protocol_for(info(service), request)
        found = protocol.find_operation(model(service), request)
        if found is None or found.name != op.name:
            if op.name not in TWINS:
                wrong.append((op.name, "routed to", found and found.name))
            continue
        parsed = protocol.parse(op, request)
        if parsed != params:
            keys = sorted(k for k in set(parsed) | set(params) if parsed.get(k) != params.get(k))
            wrong.append(
                (op.name, keys, [params.get(k) for k in keys], [parsed.get(k) for k in keys])
            )
    assert wrong == []


@pytest.mark.parametrize("service", SERVICES)
def test_every_response_roundtrips(service: str) -> None:
    ours = _PROTOCOLS["s3" if service == "s3" else model(service).protocol]
    wrong: list[Any] = []
    for op in _operations(service):
        if op.output_shape is None or op.has_event_stream_output or op.name in OUTPUT_SKIP:
            continue
        shape = op.output_shape
        output = sample(shape) or {}
        status = [
            n for n, m in shape.members.items() if m.serialization.get("location") == "statusCode"
        ]
        for name in status:
            output.pop(name, None)
        parsed = botocore_parse(_wire_protocol(service), op, ours.serialize(op, output, "req"))
        parsed.pop("ResponseMetadata")
        for name in status:
            parsed.pop(name, None)
        payload = shape.serialization.get("payload")
        if payload and shape.members[payload].type_name in ("blob", "string"):
            got, sent = parsed.pop(payload, None), output.pop(payload, None)
            if isinstance(got, str) and isinstance(sent, bytes):
                got = got.encode()
            if got != sent:
                wrong.append((op.name, payload, sent, got))
        if parsed != output:
            keys = sorted(k for k in set(parsed) | set(output) if parsed.get(k) != output.get(k))
            wrong.append(
                (op.name, keys, [output.get(k) for k in keys], [parsed.get(k) for k in keys])
            )
    assert wrong == []
