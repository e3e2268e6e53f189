"""``rest-json`` and ``rest-xml``: members bound to the URI, query string, headers and body.

Routing matches the method and ``requestUri`` template of every operation; when several
match (S3's ``PUT /{Bucket}/{Key+}`` is PutObject, CopyObject, UploadPart and
UploadPartCopy) the one whose literal query keys and required query/header members are
present wins. Literal query keys outrank required members (``GET /b/k?attributes`` without
its required header is still GetObjectAttributes, answered with a validation error), and a
deprecated twin (PutBucketLifecycle) loses to its successor on a tie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from botocore.model import OperationModel, ServiceModel, Shape

from cloudlet.core.errors import InvalidArgument, ServiceError
from cloudlet.protocol import json_codec, xml_codec
from cloudlet.protocol.http import BodyStream, HttpRequest, HttpResponse
from cloudlet.protocol.json_ import error_response as json_error_response
from cloudlet.protocol.values import (
    b64decode,
    b64encode,
    format_timestamp,
    parse_bool,
    parse_timestamp,
)

_LABEL = re.compile(r"\{([^}]+?)(\+?)\}")


@dataclass(frozen=True, slots=True)
class Route:
    op_name: str
    method: str
    pattern: re.Pattern[str]
    literal_query: tuple[tuple[str, str | None], ...]
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]
    literal_chars: int
    deprecated: bool


def _compile(op: OperationModel) -> Route:
    uri = op.http["requestUri"]
    path, _, query = uri.partition("?")
    regex = ""
    pos = 0
    literal = 0
    for match in _LABEL.finditer(path):
        regex += re.escape(path[pos : match.start()])
        literal += match.start() - pos
        group = match.group(1)
        regex += f"(?P<{_group(group)}>.+)" if match.group(2) else f"(?P<{_group(group)}>[^/]+)"
        pos = match.end()
    regex += re.escape(path[pos:])
    literal += len(path) - pos
    if not regex.endswith("/"):
        regex += "/?"
    literals = tuple((k, v or None) for k, v in parse_qsl(query, keep_blank_values=True))
    req_query: list[str] = []
    req_headers: list[str] = []
    shape = op.input_shape
    if shape is not None:
        for name in shape.required_members:
            member = shape.members[name]
            location = member.serialization.get("location")
            if location == "querystring":
                req_query.append(member.serialization.get("name", name))
            elif location == "header":
                req_headers.append(member.serialization.get("name", name).lower())
    return Route(
        op.name,
        op.http["method"],
        re.compile(f"^{regex}$", re.DOTALL),
        literals,
        tuple(req_query),
        tuple(req_headers),
        literal,
        op.deprecated,
    )


def _group(label: str) -> str:
    return re.sub(r"\W", "_", label)


@cache
def routes(service: ServiceModel) -> dict[str, list[Route]]:
    by_method: dict[str, list[Route]] = {}
    for name in service.operation_names:
        route = _compile(service.operation_model(name))
        by_method.setdefault(route.method, []).append(route)
    return by_method


def match_operation(
    service: ServiceModel, request: HttpRequest
) -> tuple[str, dict[str, str]] | None:
    """Pick the best operation for the request; returns it with its raw URI labels."""
    query = request.query_dict()
    best: tuple[tuple[int, bool, int, int, bool], Route, re.Match[str]] | None = None
    for route in routes(service).get(request.method, ()):
        found = route.pattern.match(request.raw_path)
        if found is None:
            continue
        if any(k not in query or (v is not None and query[k] != v) for k, v in route.literal_query):
            continue
        complete = all(q in query for q in route.required_query) and all(
            h in request.headers for h in route.required_headers
        )
        score = (
            len(route.literal_query),
            complete,
            len(route.required_query) + len(route.required_headers) if complete else 0,
            route.literal_chars,
            not route.deprecated,
        )
        if best is None or score > best[0]:
            best = (score, route, found)
    if best is None:
        return None
    route, found = best[1], best[2]
    labels = {}
    for name, value in found.groupdict().items():
        labels[name] = value
    return route.op_name, labels


@dataclass(frozen=True, slots=True)
class InputBinding:
    """Where each input member of one operation travels, worked out once per operation."""

    route: Route | None
    uri: tuple[tuple[str, str, Shape], ...]
    query: tuple[tuple[str, str, Shape], ...]
    query_maps: tuple[tuple[str, bool], ...]
    bound_query: frozenset[str]
    headers: tuple[tuple[str, str, Shape], ...]
    prefixes: tuple[tuple[str, str], ...]
    payload: str | None
    raw_payload: bool
    body_members: bool


@cache
def input_binding(op: OperationModel) -> InputBinding:
    shape = op.input_shape
    route = next(
        (r for r in routes(op.service_model).get(op.http["method"], ()) if r.op_name == op.name),
        None,
    )
    uri, query, query_maps, headers, prefixes = [], [], [], [], []
    # Literal keys of the URI (``?mode=import``) are not part of a querystring map.
    _, _, literal = op.http["requestUri"].partition("?")
    bound = {k for k, _ in parse_qsl(literal, keep_blank_values=True)}
    body_members = False
    members = shape.members if shape is not None else {}
    for name, member in members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            uri.append((name, _group(wire), member))
        elif location == "querystring":
            if member.type_name == "map":
                query_maps.append((name, member.value.type_name == "list"))  # type: ignore[attr-defined]
            else:
                bound.add(wire)
                query.append((name, wire, member))
        elif location == "header":
            headers.append((name, wire.lower(), member))
        elif location == "headers":
            prefixes.append((name, wire.lower()))
        elif not location:
            body_members = True
    payload = shape.serialization.get("payload") if shape is not None else None
    raw_payload = bool(payload) and members[payload].type_name in ("blob", "string")
    return InputBinding(
        route,
        tuple(uri),
        tuple(query),
        tuple(query_maps),
        frozenset(bound),
        tuple(headers),
        tuple(prefixes),
        payload,
        raw_payload,
        body_members and not payload,
    )


def _parse_query(binding: InputBinding, request: HttpRequest, params: dict[str, Any]) -> None:
    values: dict[str, list[str]] = {}
    for key, value in request.query:
        values.setdefault(key, []).append(value)
    for name, wire, member in binding.query:
        found = values.get(wire)
        if found:
            if member.type_name == "list":
                params[name] = [_scalar(member.member, v) for v in found]  # type: ignore[attr-defined]
            else:
                params[name] = _scalar(member, found[0])
    for name, many in binding.query_maps:
        rest = {
            key: (found if many else found[-1])
            for key, found in values.items()
            if key not in binding.bound_query
        }
        if rest:
            params[name] = rest


@cache
def output_binding(
    op: OperationModel,
) -> tuple[dict[str, tuple[str, str, Shape]], frozenset[str]]:
    """(members bound to headers or the status code, names of members in the body)."""
    located: dict[str, tuple[str, str, Shape]] = {}
    body: set[str] = set()
    shape = op.output_shape
    for name, member in shape.members.items() if shape is not None else ():
        location = member.serialization.get("location")
        if location:
            located[name] = (location, member.serialization.get("name", name), member)
        else:
            body.add(name)
    return located, frozenset(body)


class RestProtocol:
    name = "rest"

    def needs_body_to_route(self) -> bool:
        return False

    def find_operation(self, service: ServiceModel, request: HttpRequest) -> OperationModel | None:
        found = match_operation(service, request)
        if found is None:
            return None
        request.route_op, request.route_labels = found
        return service.operation_model(found[0])

    # -- parsing ----------------------------------------------------------------

    def parse(self, op: OperationModel, request: HttpRequest) -> dict[str, Any]:
        shape = op.input_shape
        if shape is None:
            return {}
        binding = input_binding(op)
        labels = request.route_labels if request.route_op == op.name else None
        if labels is None:
            # The labels of this operation's own URI template, whichever operation routing chose.
            found = binding.route.pattern.match(request.raw_path) if binding.route else None
            labels = found.groupdict() if found is not None else {}
        params: dict[str, Any] = {}
        for name, group, member in binding.uri:
            raw = labels.get(group)
            if raw is not None:
                params[name] = _scalar(member, unquote(raw))
        if binding.query or binding.query_maps:
            _parse_query(binding, request, params)
        headers = request.headers
        for name, wire, member in binding.headers:
            raw = headers.get(wire)
            if raw is not None:
                params[name] = _header_value(member, raw)
        for name, prefix in binding.prefixes:
            found_headers = {
                k[len(prefix) :]: v for k, v in headers.items() if k.startswith(prefix)
            }
            if found_headers:
                params[name] = found_headers
        payload = binding.payload
        if payload is not None:
            member = shape.members[payload]
            if binding.raw_payload:
                if request.stream is not None:
                    params[payload] = request.stream
                elif request.body or member.type_name == "blob":
                    body = request.body
                    params[payload] = body.decode() if member.type_name == "string" else body
            elif request.body.strip():
                params[payload] = self.parse_payload(member, request.body)
        elif binding.body_members and request.body.strip():
            params.update(self.parse_payload(shape, request.body) or {})
        return params

    def parse_payload(self, shape: Shape, body: bytes) -> Any:
        raise NotImplementedError

    # -- serializing ------------------------------------------------------------

    def serialize(
        self, op: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        response = HttpResponse(op.http.get("responseCode", 200))
        response.headers.extend(self.request_id_headers(request_id))
        # Handlers may set a status the model cannot express (206, 204) and raw headers.
        status = output.pop("__status", None)
        if status is not None:
            response.status = status
        response.headers.extend(output.pop("__headers", ()))
        shape = op.output_shape
        if shape is None:
            return response
        located, body_names = output_binding(op)
        for name, value in output.items():
            entry = located.get(name)
            if entry is None or value is None:
                continue
            location, wire, member = entry
            if location == "header":
                response.headers.append((wire, _header_text(member, value)))
            elif location == "headers":
                for key, item in value.items():
                    response.headers.append((f"{wire}{key}", str(item)))
            elif location == "statusCode":
                response.status = int(value)
        payload = shape.serialization.get("payload")
        if payload:
            member = shape.members[payload]
            value = output.get(payload)
            if value is None:
                return response
            if member.type_name in ("blob", "string"):
                response.body = value.encode() if isinstance(value, str) else value
                _default_content_type(response, self.raw_payload_type)
            else:
                self.write_payload(op, member, value, response, member.serialization.get("name"))
        else:
            body_members = {n: v for n, v in output.items() if n in body_names and v is not None}
            if body_members or self.always_body:
                self.write_payload(op, shape, body_members, response, None)
        return response

    raw_payload_type = "application/octet-stream"
    always_body = False

    def request_id_headers(self, request_id: str) -> list[tuple[str, str]]:
        return [("x-amzn-RequestId", request_id)]

    def write_payload(
        self, op: OperationModel, shape: Shape, value: Any, response: HttpResponse, name: str | None
    ) -> None:
        raise NotImplementedError


class RestJsonProtocol(RestProtocol):
    name = "rest-json"
    always_body = True

    def parse_payload(self, shape: Shape, body: bytes) -> Any:
        return json_codec.decode(shape, json_codec.loads(body))

    def write_payload(
        self, op: OperationModel, shape: Shape, value: Any, response: HttpResponse, name: str | None
    ) -> None:
        _default_content_type(response, "application/json")
        response.body = json_codec.dumps(json_codec.encode(shape, value))

    def serialize_error(
        self,
        service: ServiceModel,
        op: OperationModel | None,
        error: ServiceError,
        request_id: str,
        request: HttpRequest | None = None,
    ) -> HttpResponse:
        response = json_error_response(service, error, request_id, "application/json")
        response.headers.extend(error.headers.items())
        return response


class RestXmlProtocol(RestProtocol):
    name = "rest-xml"

    def __init__(self, root_names: dict[str, str] | None = None) -> None:
        self.root_names = root_names or {}

    def parse_payload(self, shape: Shape, body: bytes) -> Any:
        root = xml_codec.parse_document(body)
        expected = shape.serialization.get("name")
        if expected and xml_codec.local_name(root.tag) != expected:
            raise _malformed()
        return xml_codec.decode(shape, root)

    def namespace(self, service: ServiceModel) -> str | None:
        return _namespace(service)

    def write_payload(
        self, op: OperationModel, shape: Shape, value: Any, response: HttpResponse, name: str | None
    ) -> None:
        root = self.root_names.get(op.name) or name or shape.name
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        ns = self.namespace(op.service_model)
        xmlns = f' xmlns="{ns}"' if ns else ""
        inner: list[str] = []
        xml_codec.encode(shape, value, root, inner)
        # Put the namespace on the root element.
        first = inner[0]
        inner[0] = first[:-1] + xmlns + ">" if first.endswith(">") else first
        out.extend(inner)
        _default_content_type(response, "application/xml")
        response.body = "".join(out).encode()

    def serialize_error(
        self,
        service: ServiceModel,
        op: OperationModel | None,
        error: ServiceError,
        request_id: str,
        request: HttpRequest | None = None,
    ) -> HttpResponse:
        body = xml_codec.error_document(self.namespace(service), error, request_id)
        headers = [("Content-Type", "application/xml"), *self.request_id_headers(request_id)]
        headers.extend(error.headers.items())
        return HttpResponse(error.status, headers, body.encode())


def _default_content_type(response: HttpResponse, content_type: str) -> None:
    """A Content-Type bound to an output member (MediaStore's DescribeObject) wins."""
    if response.header("Content-Type") is None:
        response.headers.append(("Content-Type", content_type))


def _malformed() -> ServiceError:
    from cloudlet.core.errors import MalformedXML

    return MalformedXML()


@cache
def _namespace(service: ServiceModel) -> str | None:
    for name in service.operation_names:
        shape = service.operation_model(name).input_shape
        if shape is None:
            continue
        payload = shape.serialization.get("payload")
        candidates = [shape.members[payload]] if payload else [shape]
        for candidate in candidates:
            ns = candidate.serialization.get("xmlNamespace")
            if ns:
                return ns["uri"] if isinstance(ns, dict) else ns
    return None


def _scalar(shape: Shape, raw: str) -> Any:
    kind = shape.type_name
    try:
        if kind == "boolean":
            return parse_bool(raw)
        if kind in ("integer", "long"):
            return int(raw)
        if kind in ("float", "double"):
            return float(raw)
    except ValueError:
        raise InvalidArgument(f"Invalid value {raw!r} for {shape.name}") from None
    if kind == "timestamp":
        return parse_timestamp(raw)
    if kind == "blob":
        return b64decode(raw)
    return raw


def _header_value(shape: Shape, raw: str) -> Any:
    if shape.type_name == "list":
        return [_scalar(shape.member, part.strip()) for part in raw.split(",")]  # type: ignore[attr-defined]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        return json_codec.loads(b64decode(raw))
    return _scalar(shape, raw)


def _header_text(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "timestamp":
        return str(format_timestamp(value, shape.serialization.get("timestampFormat", "rfc822")))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "list":
        return ",".join(_header_text(shape.member, v) for v in value)  # type: ignore[attr-defined]
    if kind == "blob":
        return b64encode(value)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return b64encode(json_codec.dumps(value))
    text = str(value)
    # Header values cannot carry raw non-ASCII: S3 answers such metadata RFC 2047-free,
    # percent-encoded; we keep printable ASCII and encode the rest.
    return (
        text if text.isascii() and text.isprintable() else quote(text, safe=" !#$&'()*+,/:;=?@[]~")
    )


__all__ = ["BodyStream", "RestJsonProtocol", "RestXmlProtocol", "match_operation"]
