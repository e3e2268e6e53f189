"""The engine's view of the Glue Data Catalog and S3: tables, partitions and local files.

Glue's Table shape (StorageDescriptor, SerdeInfo, Parameters) becomes the engine's
``TableDef``: which format, which delimiter, how many header lines. An S3 location becomes
the local files holding its objects' bytes: a single-part object is one blob file read in
place; a multipart object's parts are joined once into a cache file named by its ETag.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cloudlet.auth.authorize import Check
from cloudlet.core import arns
from cloudlet.engines.sql import Column, DataFile, PartitionDef, TableDef, TextFormat
from cloudlet.services.s3.authz import bucket_check

if TYPE_CHECKING:
    from cloudlet.services.athena.handlers import Athena

LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
JSON_SERDES = (
    "org.openx.data.jsonserde.JsonSerDe",
    "org.apache.hive.hcatalog.data.JsonSerDe",
    "org.apache.hadoop.hive.serde2.JsonSerDe",
)
AVRO_SERDE = "org.apache.hadoop.hive.serde2.avro.AvroSerDe"
ORC_SERDE = "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
PRESTO_VIEW = "/* Presto View: "


def split_location(location: str) -> tuple[str, str]:
    """``s3://bucket/prefix/`` -> (bucket, ``prefix/``); a prefix always ends with ``/``."""
    text = location.strip()
    for scheme in ("s3://", "s3a://", "s3n://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
            break
    else:
        raise ValueError(f"not an S3 location: {location}")
    bucket, _, prefix = text.partition("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return bucket, prefix


def table_def(table: dict[str, Any]) -> TableDef:
    """The engine's description of a Glue table (GetTable's ``Table`` shape)."""
    database = table.get("DatabaseName", "")
    name = table["Name"]
    storage = table.get("StorageDescriptor") or {}
    columns = tuple(_columns(storage.get("Columns")))
    keys = tuple(_columns(table.get("PartitionKeys")))
    if table.get("TableType") == "VIRTUAL_VIEW":
        return TableDef(database, name, columns, format="view", view_sql=view_sql(table))
    serde = storage.get("SerdeInfo") or {}
    library = serde.get("SerializationLibrary") or ""
    serde_params = serde.get("Parameters") or {}
    params = {**(storage.get("Parameters") or {}), **(table.get("Parameters") or {})}
    fmt = table_format(library, storage.get("InputFormat") or "", params)
    text = None
    if fmt == "csv":
        text = text_format(library, serde_params, params)
    return TableDef(database, name, columns, keys, storage.get("Location") or "", fmt, text, None)


def _columns(items: list[dict[str, Any]] | None) -> list[Column]:
    return [
        Column(c["Name"].lower(), c.get("Type") or "string", c.get("Comment")) for c in items or []
    ]


def table_format(library: str, input_format: str, params: dict[str, str]) -> str:
    if library in JSON_SERDES:
        return "json"
    if library == PARQUET_SERDE or "parquet" in input_format.lower():
        return "parquet"
    if library == AVRO_SERDE or "avro" in input_format.lower():
        return "avro"
    if library == ORC_SERDE or "orc" in input_format.lower():
        return "orc"
    if library in (LAZY_SIMPLE, OPEN_CSV):
        return "csv"
    classification = (params.get("classification") or "").lower()
    if classification in ("json", "parquet", "avro", "orc"):
        return classification
    return "csv"


def text_format(library: str, serde: dict[str, str], params: dict[str, str]) -> TextFormat:
    """LazySimpleSerDe (``field.delim``, ``escape.delim``, ``serialization.null.format``)
    or OpenCSVSerde (``separatorChar``, ``quoteChar``, ``escapeChar``)."""
    header = params.get("skip.header.line.count") or serde.get("skip.header.line.count") or "0"
    try:
        header_lines = max(0, int(header))
    except ValueError:
        header_lines = 0
    if library == OPEN_CSV:
        quote = _char(serde.get("quoteChar"), '"')
        # OpenCSV reads a doubled quote inside quotes as one quote, whatever escapeChar
        # says; DuckDB takes one escape character, so the doubled quote wins unless the
        # table names a different escape character than the default backslash.
        escape = _char(serde.get("escapeChar"), "\\")
        return TextFormat(
            delimiter=_char(serde.get("separatorChar"), ","),
            quote=quote,
            escape=quote if escape == "\\" else escape,
            header_lines=header_lines,
            null_string="\\N",
        )
    delimiter = serde.get("field.delim")
    if not delimiter:
        fallback = serde.get("serialization.format") or "1"
        # Hive names the default Ctrl-A delimiter by its code: serialization.format=1.
        delimiter = chr(int(fallback)) if fallback.isdigit() else fallback
    return TextFormat(
        delimiter=_char(delimiter, "\x01"),
        quote=None,
        escape=serde.get("escape.delim") or None,
        header_lines=header_lines,
        null_string=serde.get("serialization.null.format", "\\N"),
    )


def _char(value: str | None, default: str) -> str:
    if not value:
        return default
    escapes = {"\\t": "\t", "\\001": "\x01", "\\u0001": "\x01", "\\\\": "\\"}
    return escapes.get(value, value)


def view_sql(table: dict[str, Any]) -> str:
    """The SQL of a view stored as Athena stores it: ``/* Presto View: <base64 JSON> */``."""
    original = table.get("ViewOriginalText") or ""
    if original.startswith(PRESTO_VIEW):
        encoded = original[len(PRESTO_VIEW) :].rstrip().removesuffix("*/").strip()
        try:
            return json.loads(base64.b64decode(encoded))["originalSql"]
        except (ValueError, KeyError):
            pass
    return original


def presto_view_text(sql: str, database: str, columns: list[dict[str, str]]) -> str:
    payload = {
        "originalSql": sql,
        "catalog": "awsdatacatalog",
        "schema": database,
        "columns": columns,
    }
    return PRESTO_VIEW + base64.b64encode(json.dumps(payload).encode()).decode() + " */"


class GlueCatalog:
    """``engines.sql.Catalog`` over cloudlet's Glue and S3 services, for one caller."""

    def __init__(
        self,
        athena: Athena,
        account_id: str,
        region: str,
        authorize: Callable[[list[Check]], None] | None = None,
    ) -> None:
        self.athena = athena
        self.account_id = account_id
        self.region = region
        self.authorize = authorize or (lambda checks: None)

    @property
    def glue(self) -> Any:
        return self.athena.glue

    def database_exists(self, database: str) -> bool:
        return self.glue.get_database(self.account_id, self.region, database) is not None

    def table(self, database: str, name: str) -> TableDef | None:
        self.authorize([self._glue_check("GetTable", database, name)])
        found = self.glue.get_table(self.account_id, self.region, database, name)
        if found is None:
            return None
        return table_def({"DatabaseName": database, **found})

    def partitions(self, table: TableDef) -> list[PartitionDef]:
        self.authorize([self._glue_check("GetPartitions", table.database, table.name)])
        found = self.glue.get_partitions(self.account_id, self.region, table.database, table.name)
        out = []
        for partition in found:
            values = tuple(partition.get("Values") or ())
            location = (partition.get("StorageDescriptor") or {}).get("Location") or ""
            if not location:
                location = partition_location(table.location, table.partition_keys, values)
            out.append(PartitionDef(values, location))
        return out

    def files(self, location: str) -> list[DataFile]:
        """The objects under a location, as local files; hidden files (``_``, ``.``) skipped."""
        if not location:
            return []
        try:
            bucket, prefix = split_location(location)
        except ValueError:
            return []
        s3 = self.athena.s3
        if s3.buckets.find(bucket) is None:
            return []
        self.authorize([bucket_check(s3, "s3:ListBucket", bucket, None, **{"s3:prefix": prefix})])
        files = []
        for item in s3.list_keys(bucket, prefix):
            if _hidden(item.key[len(prefix) :]) or (item.key.endswith("/") and not item.size):
                continue
            record = s3.objects.get(bucket, item.key)
            if record is None or record.delete_marker:
                continue
            files.append(self._local(record))
        if files:
            self.authorize([bucket_check(s3, "s3:GetObject", bucket, prefix + "*")])
        return files

    def _local(self, record: Any) -> DataFile:
        name = record.key.rsplit("/", 1)[-1]
        segments = record.segments()
        s3 = self.athena.s3
        if len(segments) == 1:
            return DataFile(s3.blobs.path(segments[0][0]), record.size, name)
        if not segments:
            return DataFile(os.devnull, 0, name)
        return DataFile(self._joined(record), record.size, name)

    def _joined(self, record: Any) -> str:
        """A multipart object's parts joined into one cache file, made once per ETag."""
        target = os.path.join(
            self.athena.cache_dir, cache_name(record.bucket, record.key, record.etag)
        )
        if not os.path.exists(target):
            reader = self.athena.s3.open_object(record.bucket, record.key)
            if reader is None:
                return os.devnull
            temporary = f"{target}.{os.getpid()}.{threading.get_ident()}.tmp"
            with reader, open(temporary, "wb") as out:
                shutil.copyfileobj(reader, out, 1024 * 1024)
            os.replace(temporary, target)
        return target

    def _glue_check(self, action: str, database: str, name: str) -> Check:
        arn = arns.build("glue", self.region, self.account_id, f"table/{database}/{name}")
        return Check(f"glue:{action}", arn)


def partition_location(location: str, keys: tuple[Column, ...], values: tuple[str, ...]) -> str:
    base = location if location.endswith("/") else location + "/"
    return base + "".join(f"{k.name}={v}/" for k, v in zip(keys, values, strict=False))


def _hidden(relative: str) -> bool:
    parts = relative.split("/")
    return any(p.startswith(("_", ".")) for p in parts if p) or relative.endswith("$folder$")


def cache_name(bucket: str, key: str, etag: str) -> str:
    return hashlib.sha256(f"{bucket}\0{key}\0{etag}".encode()).hexdigest()
