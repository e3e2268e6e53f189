"""Hive DDL run against the Glue Data Catalog: databases, external tables, views, partitions.

CREATE EXTERNAL TABLE becomes a Glue ``TableInput`` exactly as Athena writes one (SerDe,
input and output formats, ``EXTERNAL=TRUE``); MSCK REPAIR TABLE adds a partition for
every ``key=value/`` folder under the table's location that Glue does not know yet.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from cloudlet.engines.sql import Column, QueryError
from cloudlet.services.athena import catalog as hive
from cloudlet.services.athena.catalog import partition_location, split_location
from cloudlet.services.athena.results import text_column
from cloudlet.services.athena.statements import Outcome, Statement, table_name

TEXT_INPUT = "org.apache.hadoop.mapred.TextInputFormat"
TEXT_OUTPUT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

#: STORED AS <name> -> (InputFormat, OutputFormat, SerDe library, classification).
STORED_AS: dict[str, tuple[str, str, str, str]] = {
    "TEXTFILE": (TEXT_INPUT, TEXT_OUTPUT, hive.LAZY_SIMPLE, "csv"),
    "PARQUET": (
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        hive.PARQUET_SERDE,
        "parquet",
    ),
    "ORC": (
        "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
        "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
        hive.ORC_SERDE,
        "orc",
    ),
    "AVRO": (
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
        "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
        hive.AVRO_SERDE,
        "avro",
    ),
    "JSON": (TEXT_INPUT, TEXT_OUTPUT, hive.JSON_SERDES[0], "json"),
}
STORED_AS["JSONFILE"] = STORED_AS["JSON"]
STORED_AS["TEXT"] = STORED_AS["TEXTFILE"]

_DELIMITED = {
    "fields": "field.delim",
    "escaped": "escape.delim",
    "lines": "line.delim",
    "collection_items": "collection.delim",
    "map_keys": "mapkey.delim",
    "null": "serialization.null.format",
}


def ddl(substatement: str) -> Outcome:
    return Outcome("DDL", substatement)


def hive_type(kind: exp.Expression | None) -> str:
    """A column type as Glue stores it: ``array<struct<a:int>>``, ``decimal(10,2)``."""
    if kind is None:
        return "string"
    text = kind.sql(dialect="hive").lower()
    return re.sub(r"\s+", "", text)


def columns_of(defs: list[exp.Expression]) -> list[dict[str, Any]]:
    columns = []
    for column in defs:
        if not isinstance(column, exp.ColumnDef):
            continue
        entry: dict[str, Any] = {"Name": column.name.lower(), "Type": hive_type(column.kind)}
        for constraint in column.constraints:
            if isinstance(constraint.kind, exp.CommentColumnConstraint):
                entry["Comment"] = constraint.kind.this.this
        columns.append(entry)
    return columns


# -- CREATE DATABASE / TABLE / VIEW --------------------------------------------------------


def create_database(st: Statement, tree: exp.Create) -> Outcome:
    name = tree.this.name.lower()
    database_input: dict[str, Any] = {"Name": name}
    for prop in _properties(tree):
        if isinstance(prop, exp.SchemaCommentProperty):
            database_input["Description"] = prop.this.this
        elif isinstance(prop, exp.LocationProperty):
            database_input["LocationUri"] = prop.this.this
        elif isinstance(prop, exp.Property):
            database_input.setdefault("Parameters", {})[prop.name] = prop.text("value")
    if st.glue.get_database(st.account_id, st.region, name) is not None:
        if tree.args.get("exists"):
            return ddl("CREATE_DATABASE")
        raise QueryError(f"Database {name} already exists", "ALREADY_EXISTS")
    st.glue_call(st.glue.create_database, database_input)
    return ddl("CREATE_DATABASE")


def create_table(st: Statement, tree: exp.Create) -> Outcome:
    """CREATE EXTERNAL TABLE (Hive DDL) -> Glue CreateTable."""
    schema = tree.this
    table = schema.this if isinstance(schema, exp.Schema) else schema
    database, name = table_name(table.sql(dialect="hive"), st.database)
    _require_database(st, database)
    if st.glue.get_table(st.account_id, st.region, database, name) is not None:
        if tree.args.get("exists"):
            return ddl("CREATE_TABLE")
        raise QueryError(f"Table {database}.{name} already exists", "ALREADY_EXISTS")
    columns = columns_of(schema.expressions if isinstance(schema, exp.Schema) else [])
    if not columns:
        raise QueryError("A table needs at least one column", "SYNTAX_ERROR")
    table_input = external_table_input(name, columns, _properties(tree))
    if not table_input["StorageDescriptor"].get("Location"):
        raise QueryError("CREATE EXTERNAL TABLE needs a LOCATION", "SYNTAX_ERROR")
    st.glue_call(st.glue.create_table, database, table_input)
    return ddl("CREATE_TABLE")


def external_table_input(
    name: str, columns: list[dict[str, Any]], properties: list[exp.Expression]
) -> dict[str, Any]:
    stored = "TEXTFILE"
    input_format = output_format = library = None
    serde_params: dict[str, str] = {}
    table_params: dict[str, str] = {"EXTERNAL": "TRUE"}
    partition_keys: list[dict[str, Any]] = []
    location = ""
    for prop in properties:
        if isinstance(prop, exp.PartitionedByProperty):
            inner = prop.this
            partition_keys = columns_of(inner.expressions if isinstance(inner, exp.Schema) else [])
        elif isinstance(prop, exp.RowFormatSerdeProperty):
            library = prop.this.this
            serde = prop.args.get("serde_properties")
            for item in serde.expressions if serde is not None else []:
                serde_params[item.name] = item.text("value")
        elif isinstance(prop, exp.RowFormatDelimitedProperty):
            library = hive.LAZY_SIMPLE
            for arg, key in _DELIMITED.items():
                value = prop.args.get(arg)
                if value is not None:
                    serde_params[key] = value.this
            if "field.delim" in serde_params:
                serde_params["serialization.format"] = serde_params["field.delim"]
        elif isinstance(prop, exp.FileFormatProperty):
            value = prop.this
            if isinstance(value, exp.InputOutputFormat):
                input_format = value.args["input_format"].this
                output_format = value.args["output_format"].this
            else:
                stored = value.name.upper()
        elif isinstance(prop, exp.LocationProperty):
            location = prop.this.this
        elif isinstance(prop, exp.SchemaCommentProperty):
            table_params["comment"] = prop.this.this
        elif isinstance(prop, exp.Property) and not isinstance(prop, exp.ExternalProperty):
            table_params[prop.name] = prop.text("value")
    if stored not in STORED_AS:
        raise QueryError(f"Unsupported STORED AS {stored}", "NOT_SUPPORTED")
    default_in, default_out, default_serde, classification = STORED_AS[stored]
    library = library or default_serde
    if library in hive.JSON_SERDES:
        classification = "json"
    table_params.setdefault("classification", classification)
    if library == hive.LAZY_SIMPLE and "serialization.format" not in serde_params:
        serde_params["serialization.format"] = serde_params.get("field.delim", "1")
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": table_params,
        "PartitionKeys": partition_keys,
        "StorageDescriptor": {
            "Columns": columns,
            "Location": location,
            "InputFormat": input_format or default_in,
            "OutputFormat": output_format or default_out,
            "Compressed": False,
            "NumberOfBuckets": -1,
            "SerdeInfo": {"SerializationLibrary": library, "Parameters": serde_params},
            "BucketColumns": [],
            "SortColumns": [],
            "StoredAsSubDirectories": False,
        },
    }


def create_view(st: Statement, tree: exp.Create) -> Outcome:
    """CREATE [OR REPLACE] VIEW: stored in Glue as Athena stores it (VIRTUAL_VIEW)."""
    database, name = table_name(tree.this.sql(dialect="hive"), st.database)
    _require_database(st, database)
    query = tree.expression.sql(dialect="trino")
    prepared = st.athena.engine.prepare(query, st.catalog, database)
    try:
        result_columns = prepared.describe()
    finally:
        prepared.close()
    existing = st.glue.get_table(st.account_id, st.region, database, name)
    if existing is not None:
        if not tree.args.get("replace"):
            raise QueryError(f"View {database}.{name} already exists", "ALREADY_EXISTS")
        if existing.get("TableType") != "VIRTUAL_VIEW":
            raise QueryError(f"{database}.{name} is a table, not a view", "NOT_SUPPORTED")
    columns = [{"Name": c.name, "Type": c.hive_type} for c in result_columns]
    presto_columns = [{"name": c.name, "type": c.type} for c in result_columns]
    table_input = {
        "Name": name,
        "TableType": "VIRTUAL_VIEW",
        "Parameters": {"presto_view": "true", "comment": "Presto View"},
        "ViewOriginalText": hive.presto_view_text(query, database, presto_columns),
        "ViewExpandedText": "/* Presto View */",
        "PartitionKeys": [],
        "StorageDescriptor": {"Columns": columns, "SerdeInfo": {}, "Location": ""},
    }
    if existing is not None:
        st.glue_call(st.glue.update_table, database, table_input)
        return ddl("CREATE_VIEW")
    st.glue_call(st.glue.create_table, database, table_input)
    return ddl("CREATE_VIEW")


# -- DROP ---------------------------------------------------------------------------------


def drop(st: Statement, tree: exp.Drop) -> Outcome:
    kind = (tree.args.get("kind") or "TABLE").upper()
    target = tree.this if tree.this is not None else (tree.args.get("tables") or [None])[0]
    if target is None:
        raise QueryError("line 1:1: missing name", "SYNTAX_ERROR")
    if kind in ("DATABASE", "SCHEMA"):
        return _drop_database(st, target.name.lower(), tree)
    database, name = table_name(target.sql(dialect="hive"), st.database)
    found = st.glue.get_table(st.account_id, st.region, database, name)
    substatement = "DROP_VIEW" if kind == "VIEW" else "DROP_TABLE"
    if found is None:
        if tree.args.get("exists"):
            return ddl(substatement)
        what = "View" if kind == "VIEW" else "Table"
        raise QueryError(f"{what} not found {database}.{name}", "TABLE_NOT_FOUND")
    is_view = found.get("TableType") == "VIRTUAL_VIEW"
    if kind == "VIEW" and not is_view:
        raise QueryError(f"{database}.{name} is not a view", "NOT_SUPPORTED")
    st.glue_call(st.glue.delete_table, database, name)
    return ddl(substatement)


def _drop_database(st: Statement, name: str, tree: exp.Drop) -> Outcome:
    if st.glue.get_database(st.account_id, st.region, name) is None:
        if tree.args.get("exists"):
            return ddl("DROP_DATABASE")
        raise QueryError(f"Database does not exist: {name}", "SCHEMA_NOT_FOUND")
    tables = st.glue_call(st.glue.list_tables, name)
    if tables and not tree.args.get("cascade"):
        raise QueryError(
            f"InvalidOperationException(message:Database {name} is not empty. "
            "One or more tables exist.)",
            "HIVE_METASTORE_ERROR",
        )
    st.glue_call(st.glue.delete_database, name)
    return ddl("DROP_DATABASE")


def _require_database(st: Statement, database: str) -> None:
    if st.glue.get_database(st.account_id, st.region, database) is None:
        raise QueryError(f"Database does not exist: {database}", "SCHEMA_NOT_FOUND")


def _properties(tree: exp.Expression) -> list[exp.Expression]:
    props = tree.args.get("properties")
    return list(props.expressions) if props is not None else []


# -- partitions ---------------------------------------------------------------------------

_ALTER = re.compile(
    r"^ALTER\s+TABLE\s+(?P<table>[^\s]+)\s+(?P<action>ADD|DROP)\s+"
    r"(?P<guard>IF\s+(NOT\s+)?EXISTS\s+)?(?P<rest>PARTITION.*)$",
    re.I | re.S,
)
_SPEC = re.compile(
    r"PARTITION\s*\((?P<spec>(?:[^()']|'(?:[^']|'')*')*)\)"
    r"(?:\s*LOCATION\s+'(?P<location>(?:[^']|'')*)')?\s*,?\s*",
    re.I | re.S,
)
_PAIR = re.compile(r"\s*`?\"?(\w+)\"?`?\s*=\s*('(?:[^']|'')*'|[^,\s]+)\s*(?:,|$)")


def alter_partitions(st: Statement, sql: str) -> Outcome:
    """ALTER TABLE t ADD [IF NOT EXISTS] PARTITION (k='v') [LOCATION '...'] ... / DROP."""
    match = _ALTER.match(sql)
    if match is None:
        raise QueryError("line 1:1: unsupported ALTER TABLE statement", "NOT_SUPPORTED")
    database, name = table_name(match["table"], st.database)
    table = _require_table(st, database, name)
    keys = [k["Name"].lower() for k in table.get("PartitionKeys") or []]
    specs = []
    position = 0
    rest = match["rest"]
    while position < len(rest):
        spec = _SPEC.match(rest, position)
        if spec is None:
            raise QueryError(f"line 1:1: cannot parse '{rest[position:][:40]}'", "SYNTAX_ERROR")
        specs.append((_partition_values(spec["spec"], keys), spec["location"]))
        position = spec.end()
    if match["action"].upper() == "ADD":
        return _add_partitions(st, table, database, specs, bool(match["guard"]))
    for values, _ in specs:
        existing = st.glue.get_partition(st.account_id, st.region, database, name, values)
        if existing is None:
            if match["guard"]:
                continue
            raise QueryError(f"Partition {values} does not exist", "HIVE_METASTORE_ERROR")
        st.glue_call(st.glue.delete_partition, database, name, values)
    return ddl("ALTER_TABLE_DROP_PARTITION")


def _partition_values(spec: str, keys: list[str]) -> list[str]:
    given = {}
    for key, raw in _PAIR.findall(spec):
        value = raw[1:-1].replace("''", "'") if raw.startswith("'") else raw
        given[key.lower()] = value
    if sorted(given) != sorted(keys):
        raise QueryError(
            f"Partition spec ({', '.join(given)}) does not match the table's partition keys "
            f"({', '.join(keys)})",
            "HIVE_METASTORE_ERROR",
        )
    return [given[k] for k in keys]


def _add_partitions(
    st: Statement,
    table: dict[str, Any],
    database: str,
    specs: list[tuple[list[str], str | None]],
    if_not_exists: bool,
) -> Outcome:
    inputs = [partition_input(table, values, location) for values, location in specs]
    errors = st.glue_call(st.glue.create_partitions, database, table["Name"], inputs)
    for error in errors or []:
        code = (error.get("ErrorDetail") or {}).get("ErrorCode")
        if code == "AlreadyExistsException" and if_not_exists:
            continue
        message = (error.get("ErrorDetail") or {}).get("ErrorMessage") or code
        raise QueryError(f"Partition already exists: {message}", "HIVE_METASTORE_ERROR")
    return ddl("ALTER_TABLE_ADD_PARTITION")


def partition_input(
    table: dict[str, Any], values: list[str], location: str | None
) -> dict[str, Any]:
    storage = dict(table.get("StorageDescriptor") or {})
    if not location:
        keys = tuple(Column(k["Name"], k.get("Type", "string")) for k in table["PartitionKeys"])
        location = partition_location(storage.get("Location") or "", keys, tuple(values))
    storage["Location"] = location
    return {"Values": list(values), "StorageDescriptor": storage, "Parameters": {}}


def msck_repair(st: Statement, sql: str) -> Outcome:
    """Add the partitions whose ``key=value/`` folders exist under the table's location."""
    match = re.match(r"^MSCK\s+REPAIR\s+TABLE\s+(\S+)$", sql, re.I)
    if match is None:
        raise QueryError("line 1:1: expected MSCK REPAIR TABLE <table>", "SYNTAX_ERROR")
    database, name = table_name(match.group(1), st.database)
    table = _require_table(st, database, name)
    keys = [k["Name"].lower() for k in table.get("PartitionKeys") or []]
    if not keys:
        return Outcome("DDL", "MSCK_REPAIR_TABLE", columns=[text_column("result")])
    location = (table.get("StorageDescriptor") or {}).get("Location") or ""
    found = _partition_folders(st, location, keys)
    known = {
        tuple(p.get("Values") or ()) for p in st.glue_call(st.glue.get_partitions, database, name)
    }
    missing = [values for values in sorted(found) if values not in known]
    lines: list[list[str | None]] = []
    if missing:
        base = location if location.endswith("/") else location + "/"
        inputs = [partition_input(table, list(values), base + found[values]) for values in missing]
        st.glue_call(st.glue.create_partitions, database, name, inputs)
        described = [
            "/".join(f"{k}={v}" for k, v in zip(keys, values, strict=True)) for values in missing
        ]
        lines.append(
            ["Partitions not in metastore:\t" + "\t".join(f"{name}:{d}" for d in described)]
        )
        lines.extend([f"Repair: Added partition to metastore {name}:{d}"] for d in described)
    return Outcome("DDL", "MSCK_REPAIR_TABLE", columns=[text_column("result")], rows=lines)


def _partition_folders(st: Statement, location: str, keys: list[str]) -> dict[tuple[str, ...], str]:
    """values -> relative folder (``year=2024/month=01/``) of every Hive-style partition."""
    try:
        bucket, prefix = split_location(location)
    except ValueError:
        return {}
    s3 = st.athena.s3
    if s3.buckets.find(bucket) is None:
        return {}
    found: dict[tuple[str, ...], str] = {}
    for item in s3.list_keys(bucket, prefix):
        parts = item.key[len(prefix) :].split("/")[:-1]
        if len(parts) < len(keys):
            continue
        values = []
        for key, folder in zip(keys, parts, strict=False):
            name, sep, value = folder.partition("=")
            if not sep or name.lower() != key:
                break
            values.append(_unescape(value))
        else:
            found.setdefault(tuple(values), "/".join(parts[: len(keys)]) + "/")
    return found


def _unescape(value: str) -> str:
    """Hive escapes special characters in partition folder names as ``%XX``."""
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)


def _require_table(st: Statement, database: str, name: str) -> dict[str, Any]:
    table = st.glue.get_table(st.account_id, st.region, database, name)
    if table is None:
        _require_database(st, database)
        raise QueryError(f"Table {database}.{name} does not exist", "TABLE_NOT_FOUND")
    return {"DatabaseName": database, **table}
