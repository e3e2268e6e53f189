"""Shape-driven JSON values for the ``json`` and ``rest-json`` protocols.

Blobs travel as base64 and timestamps as epoch seconds unless the member says otherwise;
everything else is JSON as it is.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

from botocore.model import Shape

from cloudlet.core.errors import SerializationException
from cloudlet.protocol.values import b64decode, b64encode, format_timestamp, parse_timestamp


def decode(shape: Shape | None, value: Any) -> Any:
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if shape.metadata.get("document"):  # free-form JSON (Glue's Iceberg field types)
        return value
    if kind == "structure":
        if not isinstance(value, dict):
            raise SerializationException(f"Expected an object for {shape.name}")
        result = {}
        names = _wire_names(shape)
        for key, item in value.items():
            member_name = names.get(key)
            if member_name is not None:
                result[member_name] = decode(shape.members[member_name], item)
        return result
    if kind == "list":
        if not isinstance(value, list):
            raise SerializationException(f"Expected a list for {shape.name}")
        return [decode(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if kind == "map":
        if not isinstance(value, dict):
            raise SerializationException(f"Expected a map for {shape.name}")
        return {k: decode(shape.value, v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "blob":
        return b64decode(value) if isinstance(value, str) else value
    if kind == "timestamp":
        return parse_timestamp(value)
    if kind in ("float", "double") and isinstance(value, str):
        if value not in _SPECIAL_FLOATS:
            raise SerializationException(f"Invalid number value: {value!r}")
        return float(value)
    return value


#: JSON has no NaN or infinities; Smithy's JSON protocols send them as these strings.
_SPECIAL_FLOATS = ("NaN", "Infinity", "-Infinity")


@cache
def _wire_names(shape: Shape) -> dict[str, str]:
    """Body members by the name they travel under (``locationName``, else the member name).

    Members bound elsewhere (rest-json URI labels, headers, query) never come from the body,
    even when a body member travels under their name: API Gateway's PutIntegration sends
    ``integrationHttpMethod`` as ``httpMethod`` beside the ``httpMethod`` URI label.
    """
    return {
        member.serialization.get("name", name): name
        for name, member in shape.members.items()
        if not member.serialization.get("location")
    }


def encode(shape: Shape | None, value: Any) -> Any:
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if shape.metadata.get("document"):
        return value
    if kind == "structure":
        result = {}
        for name, member in shape.members.items():
            item = value.get(name)
            if item is not None and not member.serialization.get("location"):
                result[member.serialization.get("name", name)] = encode(member, item)
        return result
    if kind == "list":
        return [encode(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {k: encode(shape.value, v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "blob":
        return b64encode(value)
    if kind == "timestamp":
        return format_timestamp(value, shape.serialization.get("timestampFormat", "unixTimestamp"))
    if kind in ("float", "double"):
        number = float(value)
        if math.isfinite(number):
            return number
        return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
    return value


def loads(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except ValueError as exc:
        raise SerializationException("Start of structure or map found where not expected.") from exc


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
