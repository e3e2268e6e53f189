"""Shape-driven XML: encode output dicts for query, ec2 and rest-xml; decode rest-xml input.

Lists are wrapped (``<Names><member>..</member></Names>``) unless the shape says
``flattened``; maps are ``<entry><key/><value/></entry>``; element names come from the
model's ``locationName``. See botocore's ``parsers.py`` for the client side of the same rules.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from botocore.model import Shape

from cloudlet.core.errors import MalformedXML, ServiceError
from cloudlet.protocol.values import (
    b64decode,
    b64encode,
    format_timestamp,
    parse_bool,
    parse_timestamp,
)

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;"}
_NEEDS_ESCAPE = re.compile(r'[&<>"\r\x00-\x08\x0b\x0c\x0e-\x1f]')


class RawXml(str):
    """Elements a handler has already rendered (a listing's thousand entries): the encoder
    writes them as they are in place of the list they stand for."""


def escape(text: str) -> str:
    """Escape for element text and attributes; control characters become references."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    return _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), f"&#x{ord(m.group()):x};"), text)


def scalar_text(shape: Shape, value: Any, default_ts: str = "iso8601") -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return str(format_timestamp(value, shape.serialization.get("timestampFormat", default_ts)))
    if kind == "blob":
        return b64encode(value)
    if kind in ("float", "double"):
        return repr(float(value)) if not float(value).is_integer() else str(float(value))
    return str(value)


_PLANS: dict[int, tuple[Shape, tuple[tuple[str, str, Shape], ...], bool]] = {}


def _plan(shape: Shape) -> tuple[tuple[tuple[str, str, Shape], ...], bool]:
    """(element members as (name, xml name, shape), has attributes), worked out once per
    shape: a listing encodes the same structure a thousand times per page."""
    found = _PLANS.get(id(shape))
    if found is None or found[0] is not shape:
        members = []
        attributes = False
        for member_name, member in shape.members.items():
            if member.serialization.get("xmlAttribute"):
                attributes = True
            else:
                members.append((member_name, member.serialization.get("name", member_name), member))
        found = _PLANS[id(shape)] = (shape, tuple(members), attributes)
    return found[1], found[2]


def encode_members(shape: Shape, value: dict[str, Any], out: list[str]) -> None:
    """Append the member elements of a structure (not the structure's own element)."""
    members, _ = _plan(shape)
    for member_name, xml_name, member in members:
        item = value.get(member_name)
        if item is not None:
            encode(member, item, xml_name, out)


def encode(shape: Shape, value: Any, name: str, out: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        attrs = _attributes(shape, value) if _plan(shape)[1] else ""
        out.append(f"<{name}{attrs}>")
        encode_members(shape, value, out)
        out.append(f"</{name}>")
    elif kind == "list":
        if isinstance(value, RawXml):
            out.append(value)
            return
        member = shape.member  # type: ignore[attr-defined]
        if shape.serialization.get("flattened"):
            item_name = member.serialization.get("name", name)
            for item in value:
                encode(member, item, item_name, out)
        else:
            item_name = member.serialization.get("name", "member")
            out.append(f"<{name}>")
            for item in value:
                encode(member, item, item_name, out)
            out.append(f"</{name}>")
    elif kind == "map":
        key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
        key_name = key_shape.serialization.get("name", "key")
        value_name = value_shape.serialization.get("name", "value")
        flattened = shape.serialization.get("flattened")
        if not flattened:
            out.append(f"<{name}>")
        for key, item in value.items():
            out.append(f"<{name}>" if flattened else "<entry>")
            encode(key_shape, key, key_name, out)
            encode(value_shape, item, value_name, out)
            out.append(f"</{name}>" if flattened else "</entry>")
        if not flattened:
            out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{escape(scalar_text(shape, value))}</{name}>")


def _attributes(shape: Shape, value: dict[str, Any]) -> str:
    attrs = ""
    for member_name, member in shape.members.items():
        if member.serialization.get("xmlAttribute") and value.get(member_name) is not None:
            attr = member.serialization.get("name", member_name)
            if attr.startswith("xsi:"):
                attrs += ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            attrs += f' {attr}="{escape(scalar_text(member, value[member_name]))}"'
    return attrs


def error_document(namespace: str | None, error: ServiceError, request_id: str) -> str:
    """The ``<ErrorResponse>`` document of the Query protocol (and of rest-xml services
    other than S3)."""
    kind = "Sender" if error.sender_fault else "Receiver"
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<ErrorResponse{xmlns}><Error><Type>{kind}</Type>"
        f"<Code>{escape(error.code)}</Code>"
        f"<Message>{escape(error.message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )


# --------------------------------------------------------------------------- decoding


def parse_document(body: bytes) -> ElementTree.Element:
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise MalformedXML()  # no DTDs: nothing AWS accepts needs them
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise MalformedXML() from exc


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def decode(shape: Shape, element: ElementTree.Element) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return decode_structure(shape, element)
    if kind == "list":
        member = shape.member  # type: ignore[attr-defined]
        return [decode(member, child) for child in element]
    if kind == "map":
        return _decode_map_entries(shape, list(element))
    return decode_scalar(shape, element.text or "")


def decode_structure(shape: Shape, element: ElementTree.Element) -> dict[str, Any]:
    result: dict[str, Any] = {}
    children: dict[str, list[ElementTree.Element]] = {}
    for child in element:
        children.setdefault(local_name(child.tag), []).append(child)
    for member_name, member in shape.members.items():
        xml_name = member.serialization.get("name", member_name)
        if member.serialization.get("xmlAttribute"):
            for attr, attr_value in element.attrib.items():
                if local_name(attr) == xml_name.split(":")[-1]:
                    result[member_name] = decode_scalar(member, attr_value)
            continue
        if member.type_name == "list" and member.serialization.get("flattened"):
            item_name = member.member.serialization.get("name", xml_name)  # type: ignore[attr-defined]
            items = children.get(item_name) or children.get(xml_name)
            if items:
                result[member_name] = [decode(member.member, item) for item in items]  # type: ignore[attr-defined]
            continue
        if member.type_name == "map" and member.serialization.get("flattened"):
            if xml_name in children:
                result[member_name] = _decode_map_entries(member, children[xml_name], flat=True)
            continue
        found = children.get(xml_name)
        if found:
            result[member_name] = decode(member, found[0])
    return result


def _decode_map_entries(
    shape: Shape, entries: list[ElementTree.Element], flat: bool = False
) -> dict[str, Any]:
    key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
    key_name = key_shape.serialization.get("name", "key")
    value_name = value_shape.serialization.get("name", "value")
    result: dict[str, Any] = {}
    for entry in entries:
        parts = {local_name(c.tag): c for c in entry}
        if key_name in parts:
            key = parts[key_name].text or ""
            value = parts.get(value_name)
            result[key] = decode(value_shape, value) if value is not None else None
    return result


def decode_scalar(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    try:
        if kind == "boolean":
            return parse_bool(text)
        if kind in ("integer", "long"):
            return int(text.strip())
        if kind in ("float", "double"):
            return float(text.strip())
    except ValueError as exc:
        raise MalformedXML() from exc
    if kind == "timestamp":
        return parse_timestamp(text)
    if kind == "blob":
        return b64decode(text)
    return text
