"""Test helpers: real botocore requests and responses, without a network or a server.

``Client`` wraps a real boto3 client whose ``before-send`` hook captures the exact HTTP
request botocore would send (signed, with every customisation applied) and turns it into
our ``HttpRequest``; it can answer with one of our ``HttpResponse`` objects so botocore
parses what we serialised, exactly as it would off the wire.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore import parsers, serialize, xform_name
from botocore.awsrequest import (
    AWSPreparedRequest,
    AWSResponse,
    HeadersDict,
    create_request_object,
    prepare_request_dict,
)
from botocore.config import Config
from botocore.model import OperationModel
from botocore.response import StreamingBody

from cloudlet.protocol import specs
from cloudlet.protocol.http import BodyStream, Headers, HttpRequest, HttpResponse

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
ENDPOINT = "http://localhost:4566"


class _Captured(Exception):
    def __init__(self, request: AWSPreparedRequest) -> None:
        super().__init__("captured")
        self.request = request


class _Raw:
    """What ``AWSResponse`` reads the body from (urllib3's response in real life)."""

    def __init__(self, body: bytes) -> None:
        self._body = io.BytesIO(body)

    def stream(self, **_: Any) -> Any:
        yield self._body.read()

    def read(self, amt: int | None = None) -> bytes:
        return self._body.read(amt)


class Client:
    """A boto3 client that never sends: see the module docstring."""

    def __init__(self, service: str, endpoint: str = ENDPOINT, **config: Any) -> None:
        session = boto3.session.Session(
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
        )
        if service == "s3":
            config.setdefault("s3", {"addressing_style": "path"})
        self.client = session.client(
            service,
            endpoint_url=endpoint,
            config=Config(retries={"max_attempts": 1, "mode": "standard"}, **config),
        )
        self.model = self.client.meta.service_model
        self._responder: Callable[[HttpRequest], HttpResponse] | None = None
        self.client.meta.events.register("before-send", self._before_send)

    def _before_send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        if self._responder is None:
            raise _Captured(request)
        response = self._responder(to_http_request(request))
        body = response.body
        assert isinstance(body, bytes)
        return AWSResponse(request.url, response.status, HeadersDict(response.headers), _Raw(body))

    def request(self, operation: str, **params: Any) -> HttpRequest:
        """The HTTP request botocore sends for ``operation`` with ``params``."""
        try:
            getattr(self.client, xform_name(operation))(**params)
        except _Captured as captured:
            return to_http_request(captured.request)
        raise AssertionError("the request was not captured")

    def call(
        self, operation: str, responder: Callable[[HttpRequest], HttpResponse], **params: Any
    ) -> dict[str, Any]:
        """Call ``operation``; ``responder`` answers the request instead of a server."""
        self._responder = responder
        try:
            return getattr(self.client, xform_name(operation))(**params)
        finally:
            self._responder = None

    def op(self, name: str) -> OperationModel:
        return self.model.operation_model(name)


def to_http_request(prepared: AWSPreparedRequest) -> HttpRequest:
    parts = urlsplit(prepared.url)
    headers = Headers([(k, _text(v)) for k, v in prepared.headers.items()])
    return HttpRequest(
        method=prepared.method,
        raw_path=parts.path or "/",
        raw_query=parts.query,
        headers=headers,
        host=parts.netloc,
        body=_body_bytes(prepared.body),
    )


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    data = body.read()
    body.seek(0)  # botocore may read it again (retries); AwsChunkedWrapper seeks only to 0
    return data if isinstance(data, bytes) else data.encode()


def serialized_request(protocol: str, op: OperationModel, params: dict[str, Any]) -> HttpRequest:
    """botocore's bare serializer output (no client customisations), prepared for the wire."""
    serializer = serialize.create_serializer(protocol, include_validation=False)
    wire = serializer.serialize_to_request(params, op)
    prepare_request_dict(wire, ENDPOINT)
    return to_http_request(create_request_object(wire).prepare())


def botocore_parse(protocol: str, op: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """What botocore's parser makes of our response, as ``client.<op>()`` would return it."""
    body: Any = response.body
    assert isinstance(body, bytes)
    streaming = op.has_streaming_output and response.status < 300
    if streaming:  # botocore hands streaming payloads over unread
        body = StreamingBody(io.BytesIO(body), len(body))
    parser = parsers.create_parser(protocol)
    parsed = parser.parse(
        {"status_code": response.status, "headers": HeadersDict(response.headers), "body": body},
        op.output_shape,
    )
    payload = op.output_shape.serialization.get("payload") if op.output_shape else None
    if streaming and payload in parsed:
        parsed[payload] = parsed[payload].read()
    return parsed


def botocore_error(protocol: str, op: OperationModel, response: HttpResponse) -> dict[str, Any]:
    """The ``Error`` dict and status botocore reads out of an error response."""
    parsed = botocore_parse(protocol, op, response)
    return {
        "status": parsed["ResponseMetadata"]["HTTPStatusCode"],
        **parsed.get("Error", {}),
    }


def model(service: str) -> Any:
    return specs.service_model(service)


def info(service: str) -> specs.ServiceInfo:
    """The routing facts ``protocol_for`` needs, as ``ServiceIndex`` records them."""
    meta = specs.service_model(service).metadata
    return specs.ServiceInfo(
        name=service,
        signing_name=meta.get("signingName", meta["endpointPrefix"]),
        endpoint_prefix=meta["endpointPrefix"],
        target_prefix=meta.get("targetPrefix"),
        api_version=meta["apiVersion"],
        protocols=tuple(meta.get("protocols") or [meta["protocol"]]),
    )


@cache
def client(service: str, endpoint: str = ENDPOINT, **config: Any) -> Client:
    """One capturing client per service (creating one costs tens of milliseconds)."""
    return Client(service, endpoint, **config)


class FakeBody(BodyStream):
    """A request body handed out in pieces of the given sizes (then the rest at once)."""

    def __init__(self, data: bytes, sizes: list[int] | int | None = None) -> None:
        self._data = data
        self._pos = 0
        self._sizes = sizes
        self.length = len(data)
        self.received = 0

    async def read_chunk(self) -> bytes:
        if self._pos >= len(self._data):
            return b""
        if isinstance(self._sizes, int):
            size = self._sizes
        elif self._sizes:
            size = self._sizes.pop(0)
        else:
            size = len(self._data)
        piece = self._data[self._pos : self._pos + size]
        self._pos += len(piece)
        self.received += len(piece)
        return piece


def sample(shape: Any, depth: int = 0, seen: tuple[str, ...] = (), ascii_only: bool = False) -> Any:
    """A value for every member of ``shape`` (bounded depth), to round-trip whole operations.

    Strings carry XML/JSON/URL specials and non-ASCII, except where HTTP headers or host
    names carry them.
    """
    kind = shape.type_name
    if shape.serialization.get("location") in ("header", "headers"):
        ascii_only = True
    if kind == "structure":
        if depth > 5 or shape.name in seen or shape.metadata.get("document"):
            return None
        result = {}
        for name, member in shape.members.items():
            if member.metadata.get("eventstream"):
                continue
            value = sample(member, depth + 1, (*seen, shape.name), ascii_only)
            if value not in (None, {}):
                result[name] = value
                if shape.metadata.get("union"):
                    break  # a union has exactly one member set
        return result
    if kind == "list":
        value = sample(shape.member, depth + 1, seen, ascii_only)
        return None if value is None else [value, value]
    if kind == "map":
        value = sample(shape.value, depth + 1, seen, ascii_only)
        return None if value is None else {"k1": value, "k2": value}
    if kind in ("integer", "long"):
        return 7
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    if kind == "blob":
        return b"\x00blob\xff"
    if "enum" in shape.metadata:
        return shape.metadata["enum"][0]
    if shape.serialization.get("hostLabel"):
        return "label"
    if ascii_only:
        return f"s-{shape.name[:12]} a=b;c"
    return f"s-{shape.name[:12]} &<ü>/?%+"
