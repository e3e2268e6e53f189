"""The XML classifier: records are the elements named by the row tag (the custom
classifier's ``RowTag``; for the built-in, the most frequent child of the root).

Attributes become fields prefixed with ``_``; nested elements structs; repeated
elements arrays; text is typed like CSV fields.
https://docs.aws.amazon.com/glue/latest/dg/custom-classifier.html#custom-classifier-xml
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

from cloudlet.services.glue.classify.types import NULL, GlueType, merge, merge_fields, of_text

XML_INPUT = "com.ibm.spss.hive.serde2.xml.XmlInputFormat"
XML_SERDE = "com.ibm.spss.hive.serde2.xml.XmlSerDe"


def _element_type(element: ET.Element) -> GlueType:
    children = list(element)
    if not children and not element.attrib:
        return of_text(element.text or "")
    fields: tuple[tuple[str, GlueType], ...] = tuple(
        (f"_{name}", of_text(value)) for name, value in element.attrib.items()
    )
    counts = Counter(child.tag for child in children)
    grouped: dict[str, GlueType] = {}
    for child in children:
        kind = _element_type(child)
        grouped[child.tag] = merge(grouped.get(child.tag, NULL), kind)
    for tag, kind in grouped.items():
        fields = merge_fields(fields, ((tag, ("array", kind) if counts[tag] > 1 else kind),))
    return ("struct", fields)


def _records(content: str, row_tag: str | None) -> tuple[str, list[ET.Element]] | None:
    try:
        root = ET.fromstring(content.strip())
    except ET.ParseError:
        return None
    if row_tag is None:
        counts = Counter(child.tag for child in root)
        if not counts:
            return None
        row_tag = counts.most_common(1)[0][0]
    rows = [root] if root.tag == row_tag else list(root.iter(row_tag))
    return (row_tag, rows) if rows else None


def classify(
    content: str, complete: bool, row_tag: str | None = None, name: str = "xml"
) -> dict[str, Any] | None:
    if not content.lstrip().startswith("<"):
        return None
    found = _records(content, row_tag)
    if found is None:
        return None
    tag, rows = found
    fields: tuple[tuple[str, GlueType], ...] = ()
    for row in rows:
        kind = _element_type(row)
        if isinstance(kind, tuple) and kind[0] == "struct":
            fields = merge_fields(fields, kind[1])
    if not fields:
        return None
    return {
        "classification": name,
        "fields": list(fields),
        "input_format": XML_INPUT,
        "serde": {"SerializationLibrary": XML_SERDE, "Parameters": {}},
        "parameters": {"rowTag": tag},
        "records": len(rows),
    }
