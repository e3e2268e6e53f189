"""DuckDB scans of a table's files, one per storage format, shaped to the table's columns.

Every scan answers exactly the table's columns, in order, with the table's types, then its
partition keys: Hive reads a value that does not parse as its column's type as NULL, so
text formats are read as text and cast with ``TRY_CAST``; a column no file has is NULL.

Partition values reach DuckDB through the files' paths: the files of a query are linked
into a scratch folder laid out Hive-style (``year=2024/month=01/0-part.csv``) and read with
``hive_partitioning``, so one scan covers every partition with DuckDB's full parallelism.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from sqlglot import exp

from cloudlet.engines.sql import DataFile, QueryError, TableDef, TextFormat

#: Hive's name for the partition of NULL values.
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"


@dataclass(frozen=True, slots=True)
class ScanFile:
    file: DataFile
    #: Partition values in the table's key order (empty for an unpartitioned table).
    values: tuple[str, ...] = ()


def duckdb_type(hive_type: str) -> str:
    """The DuckDB spelling of a Hive type (``array<struct<a:int>>`` -> ``STRUCT(a INT)[]``)."""
    text = hive_type.strip()
    lowered = text.lower()
    if re.fullmatch(r"(var)?char\s*(\(\s*\d+\s*\))?|string", lowered):
        return "VARCHAR"
    try:
        built = exp.DataType.build(text, dialect="hive")
    except Exception as exc:
        raise QueryError(f"Unknown type '{hive_type}'", "NOT_SUPPORTED") from exc
    for node in built.find_all(exp.DataType):
        if node.this in (exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.CHAR):
            node.set("this", exp.DataType.Type.VARCHAR)
            node.set("expressions", [])
    return built.sql(dialect="duckdb")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def link_files(folder: str, table: TableDef, files: Sequence[ScanFile]) -> list[str]:
    """Hard-link (or symlink) each file into ``folder`` under its partition's Hive path.

    A hard link also keeps the bytes readable if the object is replaced mid-query.
    """
    paths = []
    for index, scan in enumerate(files):
        parts = [
            f"{key.name}={quote(value, safe='')}"
            for key, value in zip(table.partition_keys, scan.values, strict=True)
        ]
        directory = os.path.join(folder, *parts)
        os.makedirs(directory, exist_ok=True)
        safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", scan.file.name)[-100:]
        target = os.path.join(directory, f"{index}-{safe_name}")
        try:
            os.link(scan.file.path, target)
        except OSError:
            os.symlink(scan.file.path, target)
        paths.append(target)
    return paths


def empty_scan(table: TableDef) -> str:
    """No files (or no matching partitions): the right columns and no rows."""
    columns = [*table.columns, *table.partition_keys]
    if not columns:
        return "SELECT 1 AS _col WHERE false"
    casts = ", ".join(
        f"CAST(NULL AS {duckdb_type(c.type)}) AS {quote_ident(c.name)}" for c in columns
    )
    return f"SELECT {casts} WHERE false"


def scan_sql(
    table: TableDef, paths: list[str], describe: Callable[[str], list[tuple[str, str]]]
) -> str:
    """A SELECT over ``paths`` answering the table's columns; ``describe(reader)`` gives the
    (name, type) pairs a reader finds in the files (used to match and fill columns)."""
    if not paths:
        return empty_scan(table)
    hive = _hive_options(table)
    listing = "[" + ", ".join(quote_str(p) for p in paths) + "]"
    if table.format == "csv":
        return _csv_scan(table, listing, hive)
    if table.format == "json":
        return _json_scan(table, listing, hive, describe)
    if table.format == "parquet":
        reader = f"read_parquet({listing}, union_by_name=true{hive})"
        return typed_projection(table, reader, describe(reader))
    raise QueryError(f"Unsupported table format '{table.format}'", "NOT_SUPPORTED")


def _hive_options(table: TableDef) -> str:
    if not table.partition_keys:
        return ", hive_partitioning=false"
    types = ", ".join(f"{quote_str(k.name)}: VARCHAR" for k in table.partition_keys)
    return f", hive_partitioning=true, hive_types={{{types}}}"


def _partition_projection(table: TableDef) -> list[str]:
    out = []
    for key in table.partition_keys:
        name = quote_ident(key.name)
        value = f"nullif({name}, {quote_str(HIVE_NULL)})"
        out.append(f"{cast(value, key.type)} AS {name}")
    return out


def cast(value: str, hive_type: str) -> str:
    target = duckdb_type(hive_type)
    if target == "VARCHAR":
        return value
    return f"TRY_CAST({value} AS {target})"


def _csv_scan(table: TableDef, listing: str, hive: str) -> str:
    text = table.text or TextFormat()
    names = [f"c{i}" for i in range(len(table.columns))] or ["c0"]
    columns = ", ".join(f"{quote_str(n)}: 'VARCHAR'" for n in names)
    options = [
        f"delim={quote_str(text.delimiter)}",
        f"quote={quote_str(text.quote or '')}",
        f"escape={quote_str(text.escape or '')}",
        "header=false",
        f"skip={int(text.header_lines)}",
        f"columns={{{columns}}}",
        "auto_detect=false",
        "null_padding=true",
        "strict_mode=false",
        f"nullstr={quote_str(text.null_string)}",
    ]
    reader = f"read_csv({listing}, {', '.join(options)}{hive})"
    # The nullif keeps DuckDB from pushing the TRY_CAST into the CSV reader, which then
    # fails on a bad value instead of reading it as NULL (as Hive does).
    null = quote_str(text.null_string)
    projection = [
        f"{cast(f'nullif({quote_ident(name)}, {null})', c.type)} AS {quote_ident(c.name)}"
        for name, c in zip(names, table.columns, strict=False)
    ]
    projection += _partition_projection(table)
    return f"SELECT {', '.join(projection)} FROM {reader}"


def _json_scan(
    table: TableDef,
    listing: str,
    hive: str,
    describe: Callable[[str], list[tuple[str, str]]],
) -> str:
    """JSON keys match columns case-insensitively (the OpenX and Hive JSON SerDes do)."""
    sample = f"read_json({listing}, format='newline_delimited', ignore_errors=true{hive})"
    found = {name.lower(): name for name, _ in describe(sample)}
    keys = {k.name.lower() for k in table.partition_keys}
    spec = []
    for column in table.columns:
        actual = found.get(column.name.lower(), column.name)
        if actual.lower() in keys:
            continue
        spec.append(f"{quote_str(actual)}: {quote_str(duckdb_type(column.type))}")
    if not spec:
        spec = ["'__none': 'VARCHAR'"]
    reader = (
        f"read_json({listing}, format='newline_delimited', ignore_errors=true, "
        f"columns={{{', '.join(spec)}}}{hive})"
    )
    projection = [
        f"{quote_ident(found.get(c.name.lower(), c.name))} AS {quote_ident(c.name)}"
        for c in table.columns
    ]
    projection += _partition_projection(table)
    return f"SELECT {', '.join(projection)} FROM {reader}"


def typed_projection(table: TableDef, reader: str, described: list[tuple[str, str]]) -> str:
    """Columns matched by name, case-insensitively; cast only where the file's type differs."""
    found = {name.lower(): (name, kind) for name, kind in described}
    projection = []
    for column in table.columns:
        target = duckdb_type(column.type)
        hit = found.get(column.name.lower())
        if hit is None:
            projection.append(f"CAST(NULL AS {target}) AS {quote_ident(column.name)}")
            continue
        name, kind = hit
        value = quote_ident(name)
        if _same_type(kind, target):
            projection.append(f"{value} AS {quote_ident(column.name)}")
        else:
            projection.append(f"TRY_CAST({value} AS {target}) AS {quote_ident(column.name)}")
    projection += _partition_projection(table)
    if not projection:
        return f"SELECT * FROM {reader}"
    return f"SELECT {', '.join(projection)} FROM {reader}"


_ALIASES = {"INT": "INTEGER", "REAL": "FLOAT", "TEXT": "VARCHAR", "STRING": "VARCHAR"}


def _same_type(found: str, wanted: str) -> bool:
    def norm(text: str) -> str:
        text = re.sub(r"\s+", " ", text.upper().strip())
        return re.sub(r"\b(INT|REAL|TEXT|STRING)\b", lambda m: _ALIASES[m.group(1)], text)

    return norm(found) == norm(wanted)


def read_arrow(table: TableDef, files: Sequence[ScanFile]) -> object:
    """Avro and ORC, which DuckDB cannot read, as one Arrow table (partition keys as text)."""
    try:
        import pyarrow as pa
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise QueryError(f"{table.format} tables need pyarrow", "NOT_SUPPORTED") from exc
    pieces = []
    for scan in files:
        piece = _read_avro(scan.file.path) if table.format == "avro" else _read_orc(scan.file.path)
        for key, value in zip(table.partition_keys, scan.values, strict=True):
            piece = piece.append_column(key.name, pa.array([value] * piece.num_rows, pa.string()))
        pieces.append(piece)
    return pa.concat_tables(pieces, promote_options="permissive")


def _read_avro(path: str) -> object:
    import fastavro
    import pyarrow as pa

    with open(path, "rb") as handle:
        records = list(fastavro.reader(handle))
    return pa.Table.from_pylist(records)


def _read_orc(path: str) -> object:
    from pyarrow import orc

    return orc.read_table(path)
