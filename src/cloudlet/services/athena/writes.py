"""CREATE TABLE AS SELECT and INSERT INTO: the engine writes files, S3 stores them, Glue
registers the table and its partitions.

CTAS takes Athena's table properties: ``format`` (PARQUET by default; JSON, TEXTFILE),
``external_location`` (which must be empty; by default ``tables/<query id>/`` under the
query's output location), ``partitioned_by`` (the last columns of the SELECT),
``write_compression`` and ``field_delimiter``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from sqlglot import exp

from cloudlet.engines.sql import PreparedQuery, QueryError, TableDef, TextFormat, WriteResult
from cloudlet.services.athena.catalog import split_location, table_def
from cloudlet.services.athena.ddl import STORED_AS, partition_input
from cloudlet.services.athena.statements import Outcome, Statement, table_name
from cloudlet.services.s3.authz import bucket_check

#: Athena's CTAS ``format`` values -> the STORED AS name, the engine's writer.
_FORMATS = {
    "PARQUET": ("PARQUET", "parquet"),
    "JSON": ("JSON", "json"),
    "TEXTFILE": ("TEXTFILE", "textfile"),
}


def ctas(st: Statement, tree: exp.Create) -> Outcome:
    database, name = table_name(tree.this.sql(dialect="hive"), st.database)
    if st.glue.get_database(st.account_id, st.region, database) is None:
        raise QueryError(f"Schema '{database}' does not exist", "SCHEMA_NOT_FOUND")
    if st.glue.get_table(st.account_id, st.region, database, name) is not None:
        if tree.args.get("exists"):
            return Outcome("DDL", "CREATE_TABLE_AS_SELECT", update_count=0)
        raise QueryError(f"Table '{database}.{name}' already exists", "ALREADY_EXISTS")
    props = _ctas_properties(tree)
    stored, writer = _FORMATS.get(props.get("format", "PARQUET").upper(), (None, None))
    if stored is None or writer is None:
        raise QueryError(f"Unsupported CTAS format: {props.get('format')}", "NOT_SUPPORTED")
    location = props.get("external_location") or _default_location(st)
    if not location.endswith("/"):
        location += "/"
    _require_empty(st, database, name, location)
    partition_by = [p.lower() for p in props.get("partitioned_by", [])]
    text = (
        TextFormat(delimiter=props.get("field_delimiter", "\x01")) if writer == "textfile" else None
    )
    query = st.athena.engine.prepare(tree.expression.sql(dialect="trino"), st.catalog, database)
    st.on_query(query)
    try:
        with_data = not _with_no_data(tree)
        written = _write(st, query, location, writer, partition_by, text, props, with_data)
        scanned = query.scanned_bytes if with_data else 0
    finally:
        query.close()
    partition_names = set(partition_by)
    columns = [
        {"Name": c.name, "Type": c.hive_type}
        for c in written.columns
        if c.name not in partition_names
    ]
    keys = [
        {"Name": c.name, "Type": c.hive_type} for c in written.columns if c.name in partition_names
    ]
    table_input = _table_input(name, stored, location, columns, keys, text)
    st.glue_call(st.glue.create_table, database, table_input)
    if written.partitions:
        table = {"DatabaseName": database, **table_input}
        inputs = [partition_input(table, list(v), None) for v in written.partitions]
        st.glue_call(st.glue.create_partitions, database, name, inputs)
    return Outcome(
        "DML", "CREATE_TABLE_AS_SELECT", scanned_bytes=scanned, update_count=written.rows
    )


def insert_into(st: Statement, tree: exp.Insert) -> Outcome:
    """INSERT INTO t [(columns)] <query>: new files in the table's (partitions') location."""
    target = tree.this
    listed: list[str] = []
    if isinstance(target, exp.Schema):
        listed = [c.name.lower() for c in target.expressions]
        target = target.this
    database, name = table_name(target.sql(dialect="hive"), st.database)
    found = st.glue.get_table(st.account_id, st.region, database, name)
    if found is None:
        raise QueryError(f"Table '{database}.{name}' does not exist", "TABLE_NOT_FOUND")
    table = table_def({"DatabaseName": database, **found})
    if table.format not in ("parquet", "json", "csv"):
        raise QueryError(f"INSERT INTO a {table.format} table is not supported", "NOT_SUPPORTED")
    source = tree.expression.sql(dialect="trino")
    probe = st.athena.engine.prepare(source, st.catalog, database)
    try:
        width = len(probe.describe())
    finally:
        probe.close()
    targets = [*table.columns, *table.partition_keys]
    names = listed or [c.name for c in targets]
    if width != len(names):
        raise QueryError(
            f"Insert query has {width} columns but the table has {len(names)}",
            "TYPE_MISMATCH",
        )
    inner = ", ".join(f"c{i}" for i in range(width))
    position = {n: i for i, n in enumerate(names)}
    projection = ", ".join(
        f"CAST({f'c{position[c.name]}' if c.name in position else 'NULL'} AS "
        f'{_trino_type(c.type)}) AS "{c.name}"'
        for c in targets
    )
    sql = f"SELECT {projection} FROM ({source}) AS __q({inner})"
    query = st.athena.engine.prepare(sql, st.catalog, database)
    st.on_query(query)
    writer = {"parquet": "parquet", "json": "json", "csv": "textfile"}[table.format]
    location = table.location if table.location.endswith("/") else table.location + "/"
    try:
        partition_by = [k.name for k in table.partition_keys]
        written = _write(st, query, location, writer, partition_by, table.text, {}, True)
        scanned = query.scanned_bytes
    finally:
        query.close()
    _add_partitions(st, database, found, table, written)
    return Outcome("DML", "INSERT", scanned_bytes=scanned, update_count=written.rows)


def _add_partitions(
    st: Statement, database: str, found: dict[str, Any], table: TableDef, written: WriteResult
) -> None:
    if not written.partitions:
        return
    known = {
        tuple(p.get("Values") or ())
        for p in st.glue_call(st.glue.get_partitions, database, table.name)
    }
    doc = {"DatabaseName": database, **found}
    inputs = [partition_input(doc, list(v), None) for v in written.partitions if v not in known]
    if inputs:
        st.glue_call(st.glue.create_partitions, database, table.name, inputs)


def _write(
    st: Statement,
    query: PreparedQuery,
    location: str,
    writer: str,
    partition_by: list[str],
    text: TextFormat | None,
    props: dict[str, Any],
    with_data: bool,
) -> WriteResult:
    """Run the query into a scratch folder, then store each file under ``location``."""
    bucket, prefix = split_location(location)
    s3 = st.athena.s3
    if s3.buckets.find(bucket) is None:
        raise QueryError(f"Bucket {bucket} does not exist", "HIVE_PATH_ALREADY_EXISTS")
    st.catalog.authorize([bucket_check(s3, "s3:PutObject", bucket, prefix + "*")])
    folder = tempfile.mkdtemp(prefix="write-", dir=st.athena.scratch_dir)
    try:
        if with_data:
            result = query.write(folder, writer, partition_by, text, props.get("write_compression"))
        else:
            result = WriteResult(query.describe(), [], 0)
        for file in result.files:
            folders, base = os.path.split(file.relative)
            folder = folders.replace(os.sep, "/") + "/" if folders else ""
            s3.put_file(
                st.account_id, bucket, f"{prefix}{folder}{st.execution.id}_{base}", file.path
            )
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _table_input(
    name: str,
    stored: str,
    location: str,
    columns: list[dict[str, Any]],
    keys: list[dict[str, Any]],
    text: TextFormat | None,
) -> dict[str, Any]:
    input_format, output_format, library, classification = STORED_AS[stored]
    serde_params: dict[str, str] = {}
    if text is not None:
        serde_params = {"field.delim": text.delimiter, "serialization.format": text.delimiter}
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"EXTERNAL": "TRUE", "classification": classification},
        "PartitionKeys": keys,
        "StorageDescriptor": {
            "Columns": columns,
            "Location": location,
            "InputFormat": input_format,
            "OutputFormat": output_format,
            "Compressed": False,
            "NumberOfBuckets": -1,
            "SerdeInfo": {"SerializationLibrary": library, "Parameters": serde_params},
            "StoredAsSubDirectories": False,
        },
    }


def _ctas_properties(tree: exp.Create) -> dict[str, Any]:
    found: dict[str, Any] = {}
    props = tree.args.get("properties")
    for prop in props.expressions if props is not None else []:
        if isinstance(prop, exp.FileFormatProperty):
            found["format"] = prop.this.name
        elif isinstance(prop, exp.PartitionedByProperty):
            found["partitioned_by"] = _strings(prop.this)
        elif isinstance(prop, exp.LocationProperty):
            found["external_location"] = prop.this.name
        elif isinstance(prop, exp.Property):
            value = prop.args.get("value")
            key = prop.name.lower()
            found[key] = _strings(value) if isinstance(value, exp.Array) else prop.text("value")
    return found


def _strings(node: exp.Expression | None) -> list[str]:
    if node is None:
        return []
    if isinstance(node, exp.Array | exp.Tuple | exp.Schema):
        return [e.name for e in node.expressions]
    return [node.name]


def _with_no_data(tree: exp.Create) -> bool:
    props = tree.args.get("properties")
    for prop in props.expressions if props is not None else []:
        if isinstance(prop, exp.WithDataProperty) and prop.args.get("no"):
            return True
    return False


def _default_location(st: Statement) -> str:
    output = st.execution.output_location or ""
    if not output:
        raise QueryError("No output location for the table's data", "GENERIC_USER_ERROR")
    base = output.rsplit("/", 1)[0] if output.endswith((".csv", ".txt")) else output
    return base.rstrip("/") + f"/tables/{st.execution.id}/"


def _require_empty(st: Statement, database: str, name: str, location: str) -> None:
    bucket, prefix = split_location(location)
    s3 = st.athena.s3
    if s3.buckets.find(bucket) is None:
        raise QueryError(f"Bucket {bucket} does not exist", "HIVE_PATH_ALREADY_EXISTS")
    for _ in s3.list_keys(bucket, prefix):
        raise QueryError(
            f"Target directory for table '{database}.{name}' already exists: {location}",
            "HIVE_PATH_ALREADY_EXISTS",
        )


def _trino_type(hive_type: str) -> str:
    try:
        return exp.DataType.build(hive_type, dialect="hive").sql(dialect="trino")
    except Exception:
        return "VARCHAR"
