"""Query results: values as Athena prints them, the result files, and paging through them.

A query's rows are kept twice: as Athena's CSV in the output location in S3 (what users
and tools download), and as JSON lines in cloudlet's data directory (what GetQueryResults
pages through by byte offset, from either worker, without parsing CSV). Values are text,
formatted as Trino formats them: ``true``, ``1.0E10``, ``2024-01-05 10:00:00.000``,
``[1, 2]``, ``{a=1}``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import struct
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from cloudlet.engines.sql import ResultColumn

#: GetQueryResults answers at most this many rows per page (the API's MaxResults limit).
MAX_PAGE = 1000


def column_info(column: ResultColumn) -> dict[str, Any]:
    """ColumnInfo as Athena answers it for a query over the Glue catalog."""
    return {
        "CatalogName": "hive",
        "SchemaName": "",
        "TableName": "",
        "Name": column.name,
        "Label": column.name,
        "Type": column.type,
        "Precision": column.precision,
        "Scale": column.scale,
        "Nullable": "UNKNOWN",
        "CaseSensitive": column.type in ("varchar", "char", "json"),
    }


def text_column(name: str) -> dict[str, Any]:
    """The one varchar column of SHOW and DESCRIBE results."""
    return column_info(ResultColumn(name, "varchar", 2147483647, 0, "string"))


def format_value(value: Any, kind: str = "") -> str | None:
    """A value as Trino's client protocol prints it (None stays None: NULL)."""
    if value is None:
        return None
    return _text(value, kind)


def _text(value: Any, kind: str = "") -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_float(value) if kind == "float" else java_double(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
        return text + " UTC" if value.tzinfo is not None else text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, dt.timedelta):
        seconds = value.seconds + value.microseconds / 1e6
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{value.days} {int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(k)}={_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bytes | bytearray | memoryview):
        return " ".join(f"{b:02x}" for b in bytes(value))
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def java_double(value: float) -> str:
    """``Double.toString``: plain between 10^-3 and 10^7, else ``1.0E10`` notation."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1, value) < 0 else "0.0"
    return _java_digits(repr(value), value)


def java_float(value: float) -> str:
    """``Float.toString``: the shortest text that reads back as the same 32-bit float."""
    if math.isnan(value) or math.isinf(value) or value == 0:
        return java_double(value)
    packed = struct.pack("f", value)
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if struct.pack("f", float(text)) == packed:
            return _java_digits(text, float(text))
    return java_double(value)


def _java_digits(shortest: str, value: float) -> str:
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = format(Decimal(shortest), "f")
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(shortest).as_tuple()
    numbers = "".join(str(d) for d in digits).rstrip("0") or "0"
    power = len(digits) - 1 + int(exponent)
    mantissa = numbers[0] + "." + (numbers[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{power}"


def csv_line(values: Iterable[str | None]) -> str:
    """Athena's CSV: every value quoted, quotes doubled, NULL as nothing."""
    return ",".join("" if v is None else '"' + v.replace('"', '""') + '"' for v in values) + "\n"


def text_line(values: Iterable[str | None]) -> str:
    """DDL and SHOW results are tab-separated text (Athena writes them as ``.txt``)."""
    return "\t".join("" if v is None else v for v in values) + "\n"


class ResultWriter:
    """Writes one result: the JSON lines GetQueryResults reads, and the CSV or text file."""

    def __init__(self, rows_file: IO[str], data_file: IO[str], csv: bool) -> None:
        self.rows_file = rows_file
        self.data_file = data_file
        self.csv = csv
        self.count = 0

    def header(self, names: list[str]) -> None:
        if self.csv:
            self.data_file.write(csv_line(names))

    def add(self, values: list[str | None]) -> None:
        self.rows_file.write(json.dumps(values, ensure_ascii=False) + "\n")
        self.data_file.write(csv_line(values) if self.csv else text_line(values))
        self.count += 1


def encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_token(token: str) -> int | None:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = int(data["offset"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    return offset if offset >= 0 else None


def read_page(path: str, offset: int, limit: int) -> tuple[list[list[str | None]], int | None]:
    """Up to ``limit`` rows from byte ``offset``; the offset of the next page, if any."""
    rows: list[list[str | None]] = []
    with open(path, "rb") as handle:
        handle.seek(offset)
        while len(rows) < limit:
            line = handle.readline()
            if not line:
                return rows, None
            rows.append(json.loads(line))
        position = handle.tell()
        more = handle.read(1)
    return rows, position if more else None


def row_shape(values: Iterable[str | None]) -> dict[str, Any]:
    return {"Data": [{} if v is None else {"VarCharValue": v} for v in values]}
