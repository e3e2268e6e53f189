"""S3 Inventory: configurations as S3 validates them, and the rows and files of a report.

A report lists a bucket's objects (or every version) with the fields a configuration asks
for, in the column order, value formats and file formats S3 writes (gzipped CSV, Parquet,
ORC). The job that decides when a report is due and stores it is ``inventory_jobs``.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_InventoryConfiguration.html
"""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from cloudlet.core.errors import InvalidArgument, MalformedXML
from cloudlet.services.s3 import acl, lifecycle
from cloudlet.services.s3.objects import ObjectRecord

if TYPE_CHECKING:
    import pyarrow as pa

    from cloudlet.services.s3.handlers import S3

FORMATS = ("CSV", "ORC", "Parquet")
FREQUENCIES = {"Daily": 1, "Weekly": 7}
VERSIONS = ("All", "Current")
#: Every column S3 can write, in the order it writes them: (name, type).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Bucket", "string"),
    ("Key", "string"),
    ("VersionId", "string"),
    ("IsLatest", "boolean"),
    ("IsDeleteMarker", "boolean"),
    ("Size", "int64"),
    ("LastModifiedDate", "timestamp"),
    ("ETag", "string"),
    ("StorageClass", "string"),
    ("IsMultipartUploaded", "boolean"),
    ("ReplicationStatus", "string"),
    ("EncryptionStatus", "string"),
    ("ObjectLockRetainUntilDate", "timestamp"),
    ("ObjectLockMode", "string"),
    ("ObjectLockLegalHoldStatus", "string"),
    ("IntelligentTieringAccessTier", "string"),
    ("BucketKeyStatus", "string"),
    ("ChecksumAlgorithm", "string"),
    ("ObjectAccessControlList", "string"),
    ("ObjectOwner", "string"),
    ("LifecycleExpirationDate", "timestamp"),
)
TYPES = dict(COLUMNS)
VERSION_COLUMNS = ("VersionId", "IsLatest", "IsDeleteMarker")
OPTIONAL_FIELDS = frozenset(TYPES) - {"Bucket", "Key", *VERSION_COLUMNS}
_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::([^/]+)$")
#: How S3 Inventory names Intelligent-Tiering's access tiers (None: frequent access).
ACCESS_TIERS = {
    None: "FREQUENT",
    "INFREQUENT_ACCESS": "INFREQUENT",
    "ARCHIVE_INSTANT_ACCESS": "ARCHIVE_INSTANT_ACCESS",
    "ARCHIVE_ACCESS": "ARCHIVE",
    "DEEP_ARCHIVE_ACCESS": "DEEP_ARCHIVE",
}
ENCRYPTION_STATUS = {
    "AES256": "SSE-S3",
    "aws:kms": "SSE-KMS",
    "aws:kms:dsse": "DSSE-KMS",
    "SSE-C": "SSE-C",
}


# -- configurations ----------------------------------------------------------------------


def validate(config_id: str, config: dict[str, Any] | None) -> dict[str, Any]:
    """The configuration to store, or MalformedXML / InvalidArgument as S3 answers them."""
    if not config:
        raise MalformedXML()
    required = ("Destination", "IsEnabled", "Id", "IncludedObjectVersions", "Schedule")
    if any(config.get(member) is None for member in required):
        raise MalformedXML()
    if config["Id"] != config_id:
        raise InvalidArgument(
            "The Id in the request does not match the Id in the configuration",
            ArgumentName="id",
            ArgumentValue=config_id,
        )
    if config["IncludedObjectVersions"] not in VERSIONS:
        raise MalformedXML()
    if (config["Schedule"] or {}).get("Frequency") not in FREQUENCIES:
        raise MalformedXML()
    fields = config.get("OptionalFields") or []
    if any(f not in OPTIONAL_FIELDS for f in fields):
        raise MalformedXML()
    _check_destination((config["Destination"] or {}).get("S3BucketDestination"))
    return config


def _check_destination(destination: dict[str, Any] | None) -> None:
    if not destination or not destination.get("Bucket") or not destination.get("Format"):
        raise MalformedXML()
    if destination["Format"] not in FORMATS:
        raise MalformedXML()
    if destination_bucket(destination) is None:
        raise InvalidArgument(
            "Invalid bucket ARN", ArgumentName="Bucket", ArgumentValue=destination["Bucket"]
        )
    encryption = destination.get("Encryption")
    if encryption is not None:
        kinds = [k for k in ("SSES3", "SSEKMS") if encryption.get(k) is not None]
        if len(kinds) != 1 or ("SSEKMS" in kinds and not encryption["SSEKMS"].get("KeyId")):
            raise MalformedXML()


def destination_bucket(destination: dict[str, Any]) -> str | None:
    """The bucket name in the destination's ARN (``arn:aws:s3:::name``)."""
    match = _ARN.match(destination.get("Bucket") or "")
    return match.group(1) if match else None


def columns(config: dict[str, Any]) -> list[str]:
    """The report's columns: Bucket, Key, the version fields for ``All``, then the optional
    fields asked for, in S3's order whatever order the configuration names them in."""
    wanted = {"Bucket", "Key", *(config.get("OptionalFields") or [])}
    if config["IncludedObjectVersions"] == "All":
        wanted.update(VERSION_COLUMNS)
    return [name for name, _ in COLUMNS if name in wanted]


def snake(name: str) -> str:
    """The ORC / Parquet column name: ``LastModifiedDate`` -> ``last_modified_date``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# -- rows ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Entry:
    """One line of a report: a version (or the current object) and whether it is current."""

    record: ObjectRecord
    latest: bool


class RowMaker:
    """Turns entries into rows of typed values (None: empty) for the chosen columns."""

    def __init__(self, s3: S3, bucket: str, names: list[str]) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.names = names
        self._owners: dict[str, str] = {}
        self._lifecycle = (
            s3.buckets.fresh_config(bucket, "lifecycle")
            if "LifecycleExpirationDate" in names
            else None
        )

    def row(self, entry: Entry) -> list[Any]:
        return [getattr(self, "_" + snake(name))(entry.record, entry) for name in self.names]

    def _owner_id(self, account: str) -> str:
        if account not in self._owners:
            self._owners[account] = self.s3.owner(account)["ID"]
        return self._owners[account]

    def _bucket(self, record: ObjectRecord, entry: Entry) -> str:
        return record.bucket

    def _key(self, record: ObjectRecord, entry: Entry) -> str:
        return record.key

    def _version_id(self, record: ObjectRecord, entry: Entry) -> str | None:
        return None if record.version_id == "null" else record.version_id

    def _is_latest(self, record: ObjectRecord, entry: Entry) -> bool:
        return entry.latest

    def _is_delete_marker(self, record: ObjectRecord, entry: Entry) -> bool:
        return record.delete_marker

    def _size(self, record: ObjectRecord, entry: Entry) -> int | None:
        return None if record.delete_marker else record.size

    def _last_modified_date(self, record: ObjectRecord, entry: Entry) -> float:
        return record.last_modified

    def _e_tag(self, record: ObjectRecord, entry: Entry) -> str | None:
        return None if record.delete_marker else record.etag.strip('"')

    def _storage_class(self, record: ObjectRecord, entry: Entry) -> str | None:
        return None if record.delete_marker else record.storage_class

    def _is_multipart_uploaded(self, record: ObjectRecord, entry: Entry) -> bool | None:
        return None if record.delete_marker else record.parts is not None

    def _replication_status(self, record: ObjectRecord, entry: Entry) -> str | None:
        return record.replication

    def _encryption_status(self, record: ObjectRecord, entry: Entry) -> str | None:
        if record.delete_marker:
            return None
        if not record.encryption:
            return "NOT-SSE"
        return ENCRYPTION_STATUS.get(record.encryption["algorithm"], "NOT-SSE")

    def _object_lock_retain_until_date(self, record: ObjectRecord, entry: Entry) -> float | None:
        lock = record.lock or {}
        return lock.get("until") if lock.get("mode") else None

    def _object_lock_mode(self, record: ObjectRecord, entry: Entry) -> str | None:
        return (record.lock or {}).get("mode") or None

    def _object_lock_legal_hold_status(self, record: ObjectRecord, entry: Entry) -> str | None:
        if record.delete_marker:
            return None
        return "ON" if (record.lock or {}).get("hold") else "OFF"

    def _intelligent_tiering_access_tier(self, record: ObjectRecord, entry: Entry) -> str | None:
        if record.storage_class != "INTELLIGENT_TIERING" or record.delete_marker:
            return None
        return ACCESS_TIERS.get(record.tier, record.tier)

    def _bucket_key_status(self, record: ObjectRecord, entry: Entry) -> str | None:
        if record.delete_marker:
            return None
        return "ENABLED" if (record.encryption or {}).get("bucket_key") else "DISABLED"

    def _checksum_algorithm(self, record: ObjectRecord, entry: Entry) -> str | None:
        return (record.checksum or {}).get("algorithm")

    def _object_access_control_list(self, record: ObjectRecord, entry: Entry) -> str | None:
        """Base64 of the grants as JSON, the shape S3 Inventory writes them in."""
        if record.delete_marker:
            return None
        owner = {"ID": self._owner_id(record.owner)}
        grants = []
        for grant in acl.grants(record.acl, owner):
            grantee = grant["Grantee"]
            item: dict[str, str] = {"permission": grant["Permission"], "type": grantee["Type"]}
            if grantee.get("ID"):
                item["canonicalId"] = grantee["ID"]
            if grantee.get("URI"):
                item["uri"] = grantee["URI"]
            grants.append(item)
        document = {"version": "2022-11-10", "status": "AVAILABLE", "grants": grants}
        return base64.b64encode(json.dumps(document).encode()).decode()

    def _object_owner(self, record: ObjectRecord, entry: Entry) -> str:
        return self._owner_id(record.owner)

    def _lifecycle_expiration_date(self, record: ObjectRecord, entry: Entry) -> float | None:
        if not entry.latest or record.delete_marker:
            return None
        found = lifecycle.expiration(self._lifecycle, record, self.s3.day)
        return found[0] if found else None


def entries(s3: S3, bucket: str, prefix: str, all_versions: bool) -> Iterator[Entry]:
    """The report's lines in key order; for ``All``, each key's versions newest first."""
    versioned = s3.buckets.get(bucket).versioning is not None
    after = b""
    while batch := s3.objects.records_under(bucket, prefix, after, 1000):
        for record in batch:
            if all_versions:
                yield Entry(record, True)
                if versioned:
                    for old in s3.versions.noncurrent(bucket, record.key):
                        yield Entry(old, False)
            elif not record.delete_marker:
                yield Entry(record, True)
        after = batch[-1].key.encode()


# -- files -----------------------------------------------------------------------------------


def _iso(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def csv_value(name: str, value: Any) -> str:
    """A CSV field as S3 writes it: keys URL-encoded, booleans lowercase, ISO 8601 times."""
    if value is None:
        return ""
    if name == "Key":
        return quote_plus(value, safe="/")
    if isinstance(value, bool):
        return "true" if value else "false"
    if TYPES[name] == "timestamp":
        return _iso(value)
    return str(value)


def write_csv(rows: Iterable[list[Any]], names: list[str], out: io.BufferedIOBase) -> int:
    """Gzipped CSV, every field quoted, no header line; returns the number of rows."""
    count = 0
    with gzip.GzipFile(fileobj=out, mode="wb") as packed:
        text = io.TextIOWrapper(packed, encoding="utf-8", newline="")
        writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n")
        for row in rows:
            writer.writerow([csv_value(n, v) for n, v in zip(names, row, strict=True)])
            count += 1
        text.flush()
        text.detach()
    return count


def arrow_schema(names: list[str]) -> pa.Schema:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "boolean": pa.bool_(),
        "int64": pa.int64(),
        "timestamp": pa.timestamp("ms", tz="UTC"),
    }
    return pa.schema(
        [pa.field(snake(n), types[TYPES[n]], nullable=n not in ("Bucket", "Key")) for n in names]
    )


def _batch(rows: list[list[Any]], names: list[str], schema: pa.Schema) -> pa.Table:
    import pyarrow as pa

    data: list[list[Any]] = [[] for _ in names]
    for row in rows:
        for index, value in enumerate(row):
            if value is not None and TYPES[names[index]] == "timestamp":
                value = int(value * 1000)
            data[index].append(value)
    return pa.Table.from_arrays(
        [pa.array(col, type=field.type) for col, field in zip(data, schema, strict=True)],
        schema=schema,
    )


def write_columnar(rows: Iterable[list[Any]], names: list[str], fmt: str, path: str) -> int:
    """A Parquet (Snappy) or ORC (ZLIB) file, written a batch at a time."""
    import pyarrow.orc as orc
    import pyarrow.parquet as pq

    schema = arrow_schema(names)
    if fmt == "Parquet":
        writer: Any = pq.ParquetWriter(path, schema, compression="snappy")
    else:
        writer = orc.ORCWriter(path, compression="zlib")
    count, pending = 0, []
    try:
        for row in rows:
            pending.append(row)
            if len(pending) >= 10_000:
                writer.write(_batch(pending, names, schema))
                count, pending = count + len(pending), []
        if pending or count == 0:
            writer.write(_batch(pending, names, schema))
            count += len(pending)
    finally:
        writer.close()
    return count


def file_schema(fmt: str, names: list[str]) -> str:
    """The manifest's ``fileSchema``: column names for CSV, the schema for ORC and Parquet."""
    if fmt == "CSV":
        return ", ".join(names)
    if fmt == "ORC":
        orc_types = {"string": "string", "boolean": "boolean", "int64": "bigint"}
        orc_types["timestamp"] = "timestamp"
        fields = ",".join(f"{snake(n)}:{orc_types[TYPES[n]]}" for n in names)
        return f"struct<{fields}>"
    parquet_types = {
        "string": "binary {} (UTF8)",
        "boolean": "boolean {}",
        "int64": "int64 {}",
        "timestamp": "int64 {} (TIMESTAMP_MILLIS)",
    }
    parts = [
        ("required " if n in ("Bucket", "Key") else "optional ")
        + parquet_types[TYPES[n]].format(snake(n))
        + ";"
        for n in names
    ]
    return "message s3.inventory { " + " ".join(parts) + "}"


EXTENSIONS = {"CSV": "csv.gz", "ORC": "orc", "Parquet": "parquet"}
