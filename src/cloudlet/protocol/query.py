"""The ``query`` protocol (IAM, STS, SNS, ...): form-encoded input, XML output.

Input keys flatten the shape: ``Tags.member.1.Key=k`` (``member`` omitted for flattened
lists, ``entry`` for maps). Output is ``<OpResponse><OpResult>..</OpResult>
<ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from botocore.model import OperationModel, ServiceModel, Shape

from cloudlet.core.errors import ServiceError, ValidationError
from cloudlet.protocol import xml_codec
from cloudlet.protocol.http import HttpRequest, HttpResponse
from cloudlet.protocol.values import b64decode, parse_bool, parse_timestamp

XML_CONTENT_TYPE = "text/xml"


def form_params(request: HttpRequest) -> dict[str, str]:
    params = dict(request.query)
    content_type = request.headers.get("content-type", "") or ""
    if request.body and "application/x-www-form-urlencoded" in content_type:
        params.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


class _FlatParams:
    """The form parameters with every dotted prefix indexed, so existence checks are O(1)."""

    def __init__(self, params: dict[str, str]) -> None:
        self.values = params
        self.prefixes: set[str] = set()
        for key in params:
            parts = key.split(".")
            for i in range(1, len(parts) + 1):
                self.prefixes.add(".".join(parts[:i]))

    def has(self, prefix: str) -> bool:
        return prefix in self.prefixes


class QueryProtocol:
    name = "query"
    ec2 = False

    def needs_body_to_route(self) -> bool:
        return True

    def find_operation(self, service: ServiceModel, request: HttpRequest) -> OperationModel | None:
        action = form_params(request).get("Action")
        if action and action in service.operation_names:
            return service.operation_model(action)
        return None

    def action(self, request: HttpRequest) -> str | None:
        return form_params(request).get("Action")

    def parse(self, op: OperationModel, request: HttpRequest) -> dict[str, Any]:
        if op.input_shape is None:
            return {}
        flat = _FlatParams(form_params(request))
        return self._structure(op.input_shape, flat, "") or {}

    # -- decoding ---------------------------------------------------------------

    def member_key(self, name: str, member: Shape) -> str:
        return member.serialization.get("name", name)

    def _structure(self, shape: Shape, flat: _FlatParams, prefix: str) -> dict[str, Any] | None:
        result: dict[str, Any] = {}
        for name, member in shape.members.items():
            key = self.member_key(name, member)
            full = f"{prefix}.{key}" if prefix else key
            value = self._value(member, flat, full)
            if value is not None:
                result[name] = value
        return result

    def _value(self, shape: Shape, flat: _FlatParams, prefix: str) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self._structure(shape, flat, prefix) if flat.has(prefix) else None
        if kind == "list":
            return self._list(shape, flat, prefix)
        if kind == "map":
            return self._map(shape, flat, prefix)
        raw = flat.values.get(prefix)
        if raw is None:
            return None
        return _scalar(shape, raw)

    def _list(self, shape: Shape, flat: _FlatParams, prefix: str) -> list[Any] | None:
        if prefix in flat.values and flat.values[prefix] == "":
            return []
        member = shape.member  # type: ignore[attr-defined]
        if self.ec2 or shape.serialization.get("flattened"):
            base = prefix
            if not self.ec2 and "name" in member.serialization:
                base = ".".join(prefix.split(".")[:-1] + [member.serialization["name"]])
        else:
            base = f"{prefix}.{member.serialization.get('name', 'member')}"
        if not flat.has(base):
            return None
        items = []
        index = 1
        while flat.has(f"{base}.{index}"):
            items.append(self._value(member, flat, f"{base}.{index}"))
            index += 1
        return items

    def _map(self, shape: Shape, flat: _FlatParams, prefix: str) -> dict[str, Any] | None:
        base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
        if not flat.has(base):
            return None
        key_name = shape.key.serialization.get("name", "key")  # type: ignore[attr-defined]
        value_name = shape.value.serialization.get("name", "value")  # type: ignore[attr-defined]
        result = {}
        index = 1
        while flat.has(f"{base}.{index}"):
            key = flat.values.get(f"{base}.{index}.{key_name}", "")
            result[key] = self._value(shape.value, flat, f"{base}.{index}.{value_name}")  # type: ignore[attr-defined]
            index += 1
        return result

    # -- encoding ---------------------------------------------------------------

    def namespace(self, service: ServiceModel) -> str:
        meta = service.metadata
        return meta.get("xmlNamespace") or (
            f"https://{meta['endpointPrefix']}.amazonaws.com/doc/{meta['apiVersion']}/"
        )

    def serialize(
        self, op: OperationModel, output: dict[str, Any], request_id: str
    ) -> HttpResponse:
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<{op.name}Response xmlns="{self.namespace(op.service_model)}">',
        ]
        shape = op.output_shape
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper") or f"{op.name}Result"
            out.append(f"<{wrapper}>")
            xml_codec.encode_members(shape, output, out)
            out.append(f"</{wrapper}>")
        out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
        out.append(f"</{op.name}Response>")
        return HttpResponse(
            200,
            [("Content-Type", XML_CONTENT_TYPE), ("x-amzn-RequestId", request_id)],
            "".join(out).encode(),
        )

    def serialize_error(
        self,
        service: ServiceModel,
        op: OperationModel | None,
        error: ServiceError,
        request_id: str,
        request: HttpRequest | None = None,
    ) -> HttpResponse:
        body = xml_codec.error_document(self.namespace(service), error, request_id)
        return HttpResponse(
            error.status,
            [("Content-Type", XML_CONTENT_TYPE), ("x-amzn-RequestId", request_id)],
            body.encode(),
        )


def _scalar(shape: Shape, raw: str) -> Any:
    kind = shape.type_name
    if kind == "boolean":
        return parse_bool(raw)
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise ValidationError(f"Invalid integer value: {raw!r}") from None
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            raise ValidationError(f"Invalid number value: {raw!r}") from None
    if kind == "timestamp":
        return parse_timestamp(raw)
    if kind == "blob":
        return b64decode(raw)
    return raw
