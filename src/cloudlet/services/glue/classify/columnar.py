"""Self-describing binary formats, recognised by magic bytes: Avro, ORC and Parquet.

Their schemas come from the files' own metadata (pyarrow for Parquet and ORC; fastavro,
when installed, for Avro), mapped to Hive types as the crawler writes them.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO

from cloudlet.services.glue.classify.types import GlueType

PARQUET = {
    "input_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "output_format": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "serde": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "Parameters": {"serialization.format": "1"},
    },
}
ORC = {
    "input_format": "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
    "output_format": "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat",
    "serde": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
        "Parameters": {},
    },
}
AVRO_INPUT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat"
AVRO_OUTPUT = "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat"
AVRO_SERDE = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"


def classify(head: bytes, stream: BinaryIO, size: int) -> dict[str, Any] | None:
    try:
        if head.startswith(b"Obj\x01"):
            return _avro(stream)
        if head.startswith(b"ORC"):
            return _orc(stream, size)
        if head.startswith(b"PAR1"):
            return _parquet(stream, size)
    except Exception:  # a damaged file is UNKNOWN, as the crawler logs it
        return None
    finally:
        stream.seek(0)
    return None


def arrow_type(kind: Any) -> GlueType:
    import pyarrow as pa

    t = pa.types
    if t.is_boolean(kind):
        return "boolean"
    if t.is_int8(kind):
        return "tinyint"
    if t.is_int16(kind):
        return "smallint"
    if t.is_int32(kind) or t.is_uint8(kind) or t.is_uint16(kind):
        return "int"
    if t.is_integer(kind):
        return "bigint"
    if t.is_float32(kind):
        return "float"
    if t.is_floating(kind):
        return "double"
    if t.is_decimal(kind):
        return f"decimal({kind.precision},{kind.scale})"
    if t.is_date(kind):
        return "date"
    if t.is_timestamp(kind):
        return "timestamp"
    if t.is_binary(kind) or t.is_large_binary(kind) or t.is_fixed_size_binary(kind):
        return "binary"
    if t.is_list(kind) or t.is_large_list(kind) or t.is_fixed_size_list(kind):
        return ("array", arrow_type(kind.value_type))
    if t.is_struct(kind):
        return ("struct", tuple((f.name, arrow_type(f.type)) for f in kind))
    if t.is_map(kind):
        key, item = _flat(arrow_type(kind.key_type)), _flat(arrow_type(kind.item_type))
        return f"map<{key},{item}>"
    return "string"


def _flat(kind: GlueType) -> str:
    from cloudlet.services.glue.classify.types import render

    return render(kind)


def _fields(schema: Any) -> list[tuple[str, GlueType]]:
    return [(f.name, arrow_type(f.type)) for f in schema]


def _parquet(stream: BinaryIO, size: int) -> dict[str, Any]:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(stream).metadata
    return {
        "classification": "parquet",
        "fields": _fields(meta.schema.to_arrow_schema()),
        **PARQUET,
        "records": meta.num_rows,
        "sample_bytes": size,
    }


def _orc(stream: BinaryIO, size: int) -> dict[str, Any]:
    from pyarrow import orc

    found = orc.ORCFile(stream)
    return {
        "classification": "orc",
        "fields": _fields(found.schema),
        **ORC,
        "records": found.nrows,
        "sample_bytes": size,
    }


def avro_type(schema: Any) -> GlueType:
    if isinstance(schema, list):
        kinds = [s for s in schema if s != "null"]
        return avro_type(kinds[0]) if len(kinds) == 1 else "string"
    if isinstance(schema, str):
        return {
            "int": "int", "long": "bigint", "float": "float", "double": "double",
            "boolean": "boolean", "string": "string", "bytes": "binary",
        }.get(schema, "string")  # fmt: skip
    logical = schema.get("logicalType")
    if logical == "date":
        return "date"
    if logical and logical.startswith("timestamp"):
        return "timestamp"
    if logical == "decimal":
        return f"decimal({schema.get('precision', 38)},{schema.get('scale', 0)})"
    kind = schema.get("type")
    if kind == "record":
        return ("struct", tuple((f["name"], avro_type(f["type"])) for f in schema["fields"]))
    if kind == "array":
        return ("array", avro_type(schema["items"]))
    if kind == "map":
        return f"map<string,{_flat(avro_type(schema['values']))}>"
    if kind in ("enum",):
        return "string"
    if kind == "fixed":
        return "binary"
    return avro_type(kind)


def _avro(stream: BinaryIO) -> dict[str, Any] | None:
    try:
        import fastavro
    except ImportError:  # no reader: the file stays UNKNOWN
        return None
    records = 0
    blocks = fastavro.block_reader(stream)
    schema = blocks.writer_schema
    for block in blocks:
        records += block.num_records
    literal = json.dumps(schema)
    fields = avro_type(schema)
    if not isinstance(fields, tuple) or fields[0] != "struct":
        return None
    return {
        "classification": "avro",
        "fields": list(fields[1]),
        "input_format": AVRO_INPUT,
        "output_format": AVRO_OUTPUT,
        "serde": {
            "SerializationLibrary": AVRO_SERDE,
            "Parameters": {"avro.schema.literal": literal},
        },
        "parameters": {"avro.schema.literal": literal},
        "records": records,
        "sample_bytes": stream.tell(),
    }
