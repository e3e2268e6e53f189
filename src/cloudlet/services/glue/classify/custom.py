"""Custom classifiers (Grok, JSON path, CSV, XML), tried before the built-ins.

A custom classifier either recognises a file with certainty (returns its description)
or not at all, and then the next one is tried.
https://docs.aws.amazon.com/glue/latest/dg/custom-classifier.html
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudlet.services.glue.classify import csv_, grok, json_, xml_

TextSample = Callable[[], tuple[str | None, str, bool, int]]


def try_classifier(spec: dict[str, Any], head: bytes, sample: TextSample) -> dict[str, Any] | None:
    """``spec`` is a stored classifier: its API shape plus ``Kind`` (Grok, XML, Json, Csv)."""
    if head.startswith((b"PAR1", b"ORC", b"Obj\x01")):
        return None
    content, compression, complete, length = sample()
    if not content:
        return None
    kind = spec["Kind"]
    if kind == "Grok":
        found = _grok(spec, content)
    elif kind == "Json":
        found = json_.classify_path(content, complete, spec["JsonPath"])
    elif kind == "Csv":
        found = _csv(spec, content)
    elif kind == "XML":
        found = xml_.classify(content, complete, spec.get("RowTag"), spec["Classification"])
    else:
        found = None
    if found is not None:
        found.update(compression=compression, complete=complete, sample_bytes=length)
    return found


def _grok(spec: dict[str, Any], content: str) -> dict[str, Any] | None:
    custom = spec.get("CustomPatterns")
    try:
        regex, fields = grok.compile_grok(spec["GrokPattern"], grok.parse_custom(custom))
    except grok.GrokError:
        return None
    count = grok.match_lines(regex, content)
    if not count:
        return None
    return grok.describe(spec["Classification"], spec["GrokPattern"], custom, fields, count)


def _csv(spec: dict[str, Any], content: str) -> dict[str, Any] | None:
    quote = spec.get("QuoteSymbol") or '"'
    delimiter = spec.get("Delimiter")
    if delimiter:
        rows = csv_.parse(content, delimiter, quote)
    else:
        chosen = csv_.choose_delimiter(content, quote)
        if chosen is None:
            return None
        delimiter, rows = chosen
    minimum = 1 if spec.get("AllowSingleColumn") else 2
    width = len(rows[0]) if rows else 0
    if not rows or width < minimum or any(len(row) != width for row in rows):
        return None
    mode = spec.get("ContainsHeader") or "UNKNOWN"
    names = spec.get("Header") or None
    if mode == "PRESENT":
        header = True
    elif mode == "ABSENT":
        header = False
    else:
        header = csv_.has_header(rows, csv_.column_types(rows[1:])) if len(rows) > 1 else False
    if names is not None and len(names) != width:
        return None
    serde = spec.get("Serde")
    return csv_.describe(
        rows,
        delimiter,
        quote,
        header,
        names,
        csv_.quoted(content, delimiter, quote),
        None if serde in (None, "None") else serde,
        trim=not spec.get("DisableValueTrimming"),
    )
