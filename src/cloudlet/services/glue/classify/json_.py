"""The JSON classifier: one record per JSON object (lines, or concatenated documents),
or, for a custom classifier, the records a JsonPath selects (``$[*]``, ``$.items[*]``).

A file that is one JSON array is one record with a single ``array`` column, as Glue's
built-in classifier reads it (a custom classifier with ``$[*]`` splits it).
https://docs.aws.amazon.com/glue/latest/dg/custom-classifier.html#custom-classifier-json
"""

from __future__ import annotations

import json
import re
from typing import Any

from cloudlet.services.glue.classify.types import GlueType, merge_fields, of_json

JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe"
MAX_RECORDS = 10_000
_DECODER = json.JSONDecoder()


def documents(content: str, complete: bool) -> list[Any] | None:
    """Every JSON document in the text; None if some part is not JSON."""
    found, pos, end = [], 0, len(content)
    while pos < end and len(found) < MAX_RECORDS:
        while pos < end and content[pos].isspace():
            pos += 1
        if pos >= end:
            break
        try:
            value, pos = _DECODER.raw_decode(content, pos)
        except ValueError:
            if not complete and found:  # the sample ended inside a record
                break
            return None
        found.append(value)
    return found


def _record_fields(records: list[Any]) -> tuple[tuple[str, GlueType], ...] | None:
    fields: tuple[tuple[str, GlueType], ...] = ()
    for record in records:
        if not isinstance(record, dict):
            return None
        kind = of_json(record)
        assert isinstance(kind, tuple)
        fields = merge_fields(fields, kind[1])
    return fields


def _describe(
    records: list[Any], fields: tuple[tuple[str, GlueType], ...], extra: dict[str, Any]
) -> dict[str, Any]:
    names = ",".join(name.lower() for name, _ in fields)
    return {
        "classification": "json",
        "fields": list(fields),
        "serde": {"SerializationLibrary": JSON_SERDE, "Parameters": {"paths": names}},
        "parameters": extra,
        "records": len(records),
    }


def classify(content: str, complete: bool) -> dict[str, Any] | None:
    if content.lstrip()[:1] not in ("{", "["):
        return None
    records = documents(content, complete)
    if not records:
        return None
    if len(records) == 1 and isinstance(records[0], list):
        return _describe(records, (("array", of_json(records[0])),), {})
    fields = _record_fields(records)
    if not fields:
        return None
    return _describe(records, fields, {})


_PATH_STEP = re.compile(r"\.([A-Za-z_][\w-]*)|\['([^']+)'\]|\[(\*|\d+)\]")


def select(value: Any, path: str) -> list[Any] | None:
    """The values a (simple) JsonPath selects: ``$``, ``.name``, ``['name']``, ``[*]``, ``[n]``."""
    if not path.startswith("$"):
        return None
    current, pos = [value], 1
    while pos < len(path):
        match = _PATH_STEP.match(path, pos)
        if not match:
            return None
        pos = match.end()
        name, quoted, index = match.groups()
        step: list[Any] = []
        for item in current:
            if (name or quoted) and isinstance(item, dict) and (name or quoted) in item:
                step.append(item[name or quoted])
            elif index == "*" and isinstance(item, list):
                step.extend(item)
            elif index == "*" and isinstance(item, dict):
                step.extend(item.values())
            elif index and index.isdigit() and isinstance(item, list) and int(index) < len(item):
                step.append(item[int(index)])
        current = step
    return current


def classify_path(content: str, complete: bool, path: str) -> dict[str, Any] | None:
    """A custom JSON classifier: records are what ``path`` selects in each document."""
    docs = documents(content, complete)
    if not docs:
        return None
    records: list[Any] = []
    for doc in docs:
        selected = select(doc, path)
        if selected is None:
            return None
        records.extend(selected)
    fields = _record_fields(records) if records else None
    if not fields:
        return None
    return _describe(records, fields, {"jsonPath": path})
