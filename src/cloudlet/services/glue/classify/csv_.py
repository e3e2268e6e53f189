"""The CSV classifier: delimiter inference, header detection and column types.

Following the built-in classifier's rules
(https://docs.aws.amazon.com/glue/latest/dg/add-classifier.html#classifier-builtin-rules):
delimiters comma, pipe, tab, semicolon and Ctrl-A; every row must have the same number of
fields, at least two (unless a custom classifier allows one), and there must be at least
two rows. The first row is a header only when every field in it is a string shorter than
150 characters and some data column is not a string; otherwise columns are ``col0``...
"""

from __future__ import annotations

import csv
import re
from typing import Any

from cloudlet.services.glue.classify.types import NULL, GlueType, merge, of_text

DELIMITERS = (",", "|", "\t", ";", "\x01")
LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
MAX_ROWS = 10_000
_VALID_NAME = re.compile(r"^[^\x00-\x1f]{1,255}$")


def parse(content: str, delimiter: str, quote: str = '"') -> list[list[str]]:
    lines = [line for line in content.splitlines() if line.strip()][:MAX_ROWS]
    try:
        return list(csv.reader(lines, delimiter=delimiter, quotechar=quote or '"', strict=False))
    except csv.Error:
        return []


def _consistent(rows: list[list[str]], minimum: int) -> bool:
    if len(rows) < 2:
        return False
    width = len(rows[0])
    return width >= minimum and all(len(row) == width for row in rows)


def choose_delimiter(content: str, quote: str = '"') -> tuple[str, list[list[str]]] | None:
    """The delimiter that splits every row into the same number (>= 2) of fields; with
    several, the one giving the most fields (earlier in AWS's list on a tie)."""
    best: tuple[str, list[list[str]]] | None = None
    for delimiter in DELIMITERS:
        if delimiter not in content:
            continue
        rows = parse(content, delimiter, quote)
        if _consistent(rows, 2) and (best is None or len(rows[0]) > len(best[1][0])):
            best = (delimiter, rows)
    return best


def has_header(rows: list[list[str]], types: list[GlueType]) -> bool:
    first = [field.strip() for field in rows[0]]
    for index, name in enumerate(first):
        if of_text(name) != "string" or not _VALID_NAME.match(name):
            return False
        if index < len(first) - 1 and len(name) >= 150:
            return False
    if len({name.lower() for name in first}) != len(first):
        return False
    return any(kind not in ("string", NULL) for kind in types)


def column_types(rows: list[list[str]], trim: bool = True) -> list[GlueType]:
    """Each column's type, merged over the rows. Values are trimmed (`` 12 `` is a bigint)
    unless a custom classifier sets ``DisableValueTrimming``: then padded values are strings."""
    types: list[GlueType] = [NULL] * len(rows[0])
    for row in rows:
        for index, value in enumerate(row[: len(types)]):
            kind = of_text(value) if trim or value == value.strip() else "string"
            types[index] = merge(types[index], kind)
    return types


def quoted(content: str, delimiter: str, quote: str = '"') -> bool:
    pattern = re.compile(f"(?:^|{re.escape(delimiter)})\\s*{re.escape(quote)}", re.M)
    return bool(pattern.search(content[:65536]))


def describe(
    rows: list[list[str]],
    delimiter: str,
    quote: str,
    header: bool,
    names: list[str] | None,
    is_quoted: bool,
    serde_choice: str | None = None,
    trim: bool = True,
) -> dict[str, Any]:
    data = rows[1:] if header else rows
    types = column_types(data or rows, trim) if data else [NULL] * len(rows[0])
    if names is None:
        names = [n.strip() for n in rows[0]] if header else [f"col{i}" for i in range(len(types))]
    fields = [
        (name or f"col{i}", kind) for i, (name, kind) in enumerate(zip(names, types, strict=False))
    ]
    use_open_csv = serde_choice == "OpenCSVSerDe" or (serde_choice is None and is_quoted)
    if use_open_csv:
        serde = {
            "SerializationLibrary": OPEN_CSV,
            "Parameters": {"separatorChar": delimiter, "quoteChar": quote, "escapeChar": "\\"},
        }
    else:
        serde = {"SerializationLibrary": LAZY_SIMPLE, "Parameters": {"field.delim": delimiter}}
    parameters = {
        "delimiter": delimiter,
        "columnsOrdered": "true",
        "areColumnsQuoted": "true" if is_quoted else "false",
    }
    if header:
        parameters["skip.header.line.count"] = "1"
    return {
        "classification": "csv",
        "fields": fields,
        "serde": serde,
        "parameters": parameters,
        "records": len(data),
    }


def classify(content: str, complete: bool) -> dict[str, Any] | None:
    """The built-in CSV classifier."""
    chosen = choose_delimiter(content)
    if chosen is None:
        return None
    delimiter, rows = chosen
    types = column_types(rows[1:])
    header = has_header(rows, types)
    return describe(rows, delimiter, '"', header, None, quoted(content, delimiter))
