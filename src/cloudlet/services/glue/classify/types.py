"""Glue's column types, inferred from values and merged across records and files.

A type is a scalar name (``boolean``, ``bigint``, ``double``, ``string``, ``date``,
``timestamp``; ``null`` while only nulls were seen), ``("array", element)`` or
``("struct", ((name, type), ...))``. Merging widens as Glue does: bigint + double ->
double, date + timestamp -> timestamp, structs take the union of their fields, and
anything else that disagrees -> string.
"""

from __future__ import annotations

import re
from typing import Any, Union

GlueType = Union[str, tuple[str, Any]]  # noqa: UP007 (a recursive alias)

NULL = "null"
_INT = re.compile(r"^[+-]?\d{1,18}$")
_FLOAT = re.compile(r"^[+-]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?$")
_BOOLEANS = {"true", "false"}
_NULL_TEXT = {""}


def of_text(text: str) -> GlueType:
    """The type of one delimited-text field (CSV): empty fields are nulls."""
    value = text.strip()
    if value in _NULL_TEXT:
        return NULL
    if _INT.match(value):
        return "bigint"
    if _FLOAT.match(value):
        return "double"
    if value.lower() in _BOOLEANS:
        return "boolean"
    if _DATE.match(value):
        return "date"
    if _TIMESTAMP.match(value):
        return "timestamp"
    return "string"


def of_json(value: Any) -> GlueType:
    """The type of one JSON value: strings stay strings (Glue's JSON classifier does not
    parse dates inside them), objects are structs, arrays arrays of their merged items."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        element: GlueType = NULL
        for item in value:
            element = merge(element, of_json(item))
        return ("array", element)
    if isinstance(value, dict):
        return ("struct", tuple((str(k), of_json(v)) for k, v in value.items()))
    return "string"


_WIDER = {
    frozenset({"bigint", "double"}): "double",
    frozenset({"date", "timestamp"}): "timestamp",
    frozenset({"int", "bigint"}): "bigint",
    frozenset({"int", "double"}): "double",
    frozenset({"float", "double"}): "double",
}


def merge(a: GlueType, b: GlueType) -> GlueType:
    if a == b:
        return a
    if a == NULL:
        return b
    if b == NULL:
        return a
    if isinstance(a, str) and isinstance(b, str):
        return _WIDER.get(frozenset({a, b}), "string")
    if isinstance(a, tuple) and isinstance(b, tuple) and a[0] == b[0]:
        if a[0] == "array":
            return ("array", merge(a[1], b[1]))
        if a[0] == "struct":
            return ("struct", merge_fields(a[1], b[1]))
    return "string"


def merge_fields(
    a: tuple[tuple[str, GlueType], ...], b: tuple[tuple[str, GlueType], ...]
) -> tuple[tuple[str, GlueType], ...]:
    """Union of two field lists, in first-seen order, types merged by (lower-case) name."""
    merged: dict[str, tuple[str, GlueType]] = {}
    for name, kind in (*a, *b):
        key = name.lower()
        if key in merged:
            merged[key] = (merged[key][0], merge(merged[key][1], kind))
        else:
            merged[key] = (name, kind)
    return tuple(merged.values())


def render(kind: GlueType) -> str:
    """The Hive type string Glue writes (``struct<a:bigint,b:array<string>>``)."""
    if kind == NULL:
        return "string"
    if isinstance(kind, str):
        return kind
    if kind[0] == "array":
        return f"array<{render(kind[1])}>"
    fields = ",".join(f"{name}:{render(sub)}" for name, sub in kind[1])
    return f"struct<{fields}>"


def columns(fields: tuple[tuple[str, GlueType], ...]) -> list[dict[str, str]]:
    """Catalog columns: names lower-cased, as the crawler writes them."""
    return [{"Name": name.lower(), "Type": render(kind)} for name, kind in fields]
