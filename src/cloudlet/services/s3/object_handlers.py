"""Object operations: put, get, head, tagging, ACL; the version a request names.

Deletes live in ``delete_handlers`` and copies in ``copy_handlers``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import InvalidArgument, InvalidRequest
from cloudlet.protocol.http import FileBody
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3 import acl as acls
from cloudlet.services.s3 import chunked, sse, writing
from cloudlet.services.s3 import lock as locks
from cloudlet.services.s3.blobs import BlobWriter
from cloudlet.services.s3.buckets import Bucket
from cloudlet.services.s3.conditions import check_read_preconditions, parse_range
from cloudlet.services.s3.errors import (
    InvalidObjectState,
    InvalidStorageClass,
    KeyTooLongError,
    MetadataTooLarge,
    MethodNotAllowed,
    NoSuchKey,
    NoSuchVersion,
    PreconditionFailed,
)
from cloudlet.services.s3.lifecycle import expiration_header
from cloudlet.services.s3.objects import ObjectRecord, Part
from cloudlet.services.s3.storage import (
    archive_status,
    archived_as,
    http_date,
    readable,
    restore_header,
)
from cloudlet.services.s3.tags import parse_tagging_header, validate_tags
from cloudlet.services.s3.versions import is_valid_version_id, new_version_id

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

MAX_KEY_BYTES = 1024
MAX_METADATA_BYTES = 2048
STORAGE_CLASSES = {
    "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE",
}  # fmt: skip
#: Object system headers: botocore member -> stored name.
SYSTEM_HEADERS = (
    "ContentType",
    "ContentEncoding",
    "ContentDisposition",
    "ContentLanguage",
    "CacheControl",
    "Expires",
    "WebsiteRedirectLocation",
)
RESPONSE_OVERRIDES = {
    "ResponseContentType": "ContentType",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseExpires": "Expires",
    "ResponseCacheControl": "CacheControl",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentEncoding": "ContentEncoding",
}


def validate_key(key: str) -> None:
    if len(key.encode()) > MAX_KEY_BYTES:
        raise KeyTooLongError(Size=len(key.encode()), MaxSizeAllowed=MAX_KEY_BYTES)
    if not key:
        raise InvalidArgument("Key must not be empty")


def object_headers(params: dict[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name in SYSTEM_HEADERS:
        value = params.get(name)
        if value is not None:
            headers[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    # (``aws-chunked`` is already gone from ContentEncoding: see S3Protocol.parse.)
    headers.setdefault("ContentType", "binary/octet-stream")
    return headers


def user_metadata(params: dict[str, Any]) -> dict[str, str]:
    metadata = {k.lower(): v for k, v in (params.get("Metadata") or {}).items()}
    size = sum(len(k.encode()) + len(v.encode()) for k, v in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise MetadataTooLarge(Size=size, MaxSizeAllowed=MAX_METADATA_BYTES)
    return metadata


def storage_class(params: dict[str, Any]) -> str:
    value = params.get("StorageClass") or "STANDARD"
    if value not in STORAGE_CLASSES:
        raise InvalidStorageClass(StorageClassRequested=value)
    return value


def check_write_conditions(s3: S3, bucket: str, key: str, params: dict[str, Any]) -> None:
    """Conditional writes: ``If-None-Match: *`` (create only) and ``If-Match: <etag>``."""
    if_none_match = params.get("IfNoneMatch")
    if_match = params.get("IfMatch")
    if if_none_match is None and if_match is None:
        return
    current = s3.objects.get(bucket, key)
    if current is not None and current.delete_marker:
        current = None
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise InvalidArgument("If-None-Match only supports *", ArgumentName="If-None-Match")
        if current is not None:
            raise PreconditionFailed(Condition="If-None-Match")
    if if_match is not None:
        if current is None:
            raise NoSuchKey(Key=key)
        if if_match.strip().strip('"') != current.etag.strip('"'):
            raise PreconditionFailed(Condition="If-Match")


def checksum_output(checksum: dict[str, str] | None) -> dict[str, str]:
    if not checksum:
        return {}
    return {f"Checksum{checksum['algorithm']}": checksum["value"], "ChecksumType": checksum["type"]}


async def commit(
    s3: S3, record: ObjectRecord, params: dict[str, Any], writer: BlobWriter | None = None
) -> None:
    """Make the record the key's current version, once its bytes are durable.

    One thread hop does both: the blob's fsync (in parallel with other uploads') and the
    wait for the group commit that carries the metadata row (shared with them). In a
    versioned bucket the record gets its version id here, and the version it replaces is
    kept (noncurrent) rather than freed.
    """
    status = s3.buckets.get(record.bucket).versioning
    if status is not None:
        record.version_id = new_version_id(status)

    def job(conn: Any) -> list[ObjectRecord]:
        check_write_conditions(s3, record.bucket, record.key, params)
        if status is None:
            replaced = s3.objects.put(record)
            return [replaced] if replaced is not None else []
        return s3.versions.put(record, status, record.last_modified)

    def durable() -> list[ObjectRecord]:
        if writer is not None:
            writer.finish()
        return s3.store.submit(job).result()

    loop = asyncio.get_running_loop()
    freed = await loop.run_in_executor(s3.cloud.executor, durable)
    for replaced in freed:
        await free_blobs(s3, replaced, keep=frozenset(record.blob_ids()))


def written(s3: S3, bucket: Bucket, record: ObjectRecord) -> dict[str, Any]:
    """What every write answers besides its ETag: the new version's id and, when a lifecycle
    rule will expire it, ``x-amz-expiration``."""
    output: dict[str, Any] = {}
    if bucket.versioning is not None:
        output["VersionId"] = record.version_id
    config = s3.buckets.get_config(bucket.name, "lifecycle")
    if config:
        output["Expiration"] = expiration_header(config, record, s3.day)
    return output


async def free_blobs(
    s3: S3, record: ObjectRecord, keep: set[str] | frozenset[str] = frozenset()
) -> None:
    """Delete a replaced or deleted record's files (after its metadata change committed)."""
    blobs = [b for b in record.blob_ids() if b not in keep]
    if blobs:
        # Even a small file's unlink waits on its directory behind other requests' syncs:
        # on the event loop that stalled every request of the worker.
        await asyncio.get_running_loop().run_in_executor(s3.cloud.executor, s3.blobs.delete, blobs)


@operation("PutObject")
async def put_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    key = params["Key"]
    validate_key(key)
    record = new_record(s3, ctx, bucket, key, params)
    check_write_conditions(s3, bucket.name, key, params)
    record.encryption, data_key = sse.for_write(s3, bucket, key, params)
    received = await writing.receive(
        s3, ctx, params, params.get("Body"), finish=False, data_key=data_key
    )
    record.size, record.etag, record.blob = received.size, received.etag, received.writer.blob_id
    record.checksum = received.checksum
    try:
        await commit(s3, record, params, received.writer)
    except BaseException:
        received.writer.abort()
        raise
    output = {
        "ETag": record.etag,
        **checksum_output(record.checksum),
        **sse.output(record.encryption),
    }
    if params.get("SSEKMSEncryptionContext") and record.encryption:
        output["SSEKMSEncryptionContext"] = params["SSEKMSEncryptionContext"]
    return {**output, **written(s3, bucket, record)}


def new_record(
    s3: S3, ctx: RequestContext, bucket: Bucket, key: str, params: dict[str, Any]
) -> ObjectRecord:
    tags = parse_tagging_header(params["Tagging"]) if params.get("Tagging") else []
    now = s3.cloud.clock.time()
    return ObjectRecord(
        bucket=bucket.name,
        key=key,
        size=0,
        etag="",
        last_modified=now,
        owner=ctx.account_id,
        storage_class=storage_class(params),
        headers=object_headers(params),
        metadata=user_metadata(params),
        tags=tags,
        acl=settable_acl(s3, bucket, params),
        lock=locks.lock_for_write(s3, bucket, params, now),
    )


def settable_acl(s3: S3, bucket: Bucket, params: dict[str, Any]) -> dict[str, Any]:
    """The ACL a write asks for, if the bucket's ownership and public access block allow it."""
    acl = acls.from_params(params)
    acls.check_settable(
        acl,
        s3.owner(bucket.account_id)["ID"],
        s3.buckets.ownership(bucket.name),
        s3.buckets.get_config(bucket.name, "public-access-block"),
    )
    return acl


def find_object(s3: S3, bucket: str, key: str) -> ObjectRecord:
    record = s3.objects.get(bucket, key)
    if record is None or record.delete_marker:
        raise NoSuchKey(Key=key)
    return record


def find_version(
    s3: S3, bucket: Bucket, key: str, version_id: str | None, method: str = "GET"
) -> ObjectRecord:
    """The version a request names: the current one, or the one ``versionId`` names.

    A current delete marker is 404 NoSuchKey, a delete marker named by id 405
    MethodNotAllowed; both say ``x-amz-delete-marker: true``.
    """
    if version_id is None:
        record = s3.objects.get(bucket.name, key)
        if record is None:
            raise NoSuchKey(Key=key)
        if record.delete_marker:
            missing = NoSuchKey(Key=key)
            missing.headers.update(_marker_headers(record))
            raise missing
        return record
    if not is_valid_version_id(version_id):
        raise InvalidArgument(
            "Invalid version id specified", ArgumentName="versionId", ArgumentValue=version_id
        )
    record = s3.versions.get(bucket.name, key, version_id)
    if record is None:
        raise NoSuchVersion(Key=key, VersionId=version_id)
    if record.delete_marker:
        refused = MethodNotAllowed(Method=method, ResourceType="DeleteMarker")
        refused.headers.update(_marker_headers(record))
        refused.headers["Last-Modified"] = http_date(record.last_modified)
        raise refused
    return record


def _marker_headers(marker: ObjectRecord) -> dict[str, str]:
    return {"x-amz-delete-marker": "true", "x-amz-version-id": marker.version_id}


def check_readable(record: ObjectRecord, now: float) -> None:
    """GLACIER and DEEP_ARCHIVE bytes (and archived Intelligent-Tiering ones) need a restore."""
    if readable(record, now):
        return
    archived = archived_as(record)
    fields = {"StorageClass": record.storage_class}
    if archived != record.storage_class:
        fields["AccessTier"] = str(archived)
    raise InvalidObjectState("The operation is not valid for the object's storage class", **fields)


def describe(
    s3: S3, bucket: Bucket, record: ObjectRecord, params: dict[str, Any], now: float
) -> dict[str, Any]:
    """The headers GET and HEAD share."""
    output: dict[str, Any] = {
        "ETag": record.etag,
        "LastModified": record.last_modified,
        "ContentLength": record.size,
        "AcceptRanges": "bytes",
        "Metadata": record.metadata or None,
    }
    for name, value in record.headers.items():
        output[name] = value
    if record.storage_class != "STANDARD":
        output["StorageClass"] = record.storage_class
    if record.version_id != "null" or bucket.versioning is not None:
        output["VersionId"] = record.version_id
    if record.restore:
        output["Restore"] = restore_header(record, now)
    if record.tier:
        output["ArchiveStatus"] = archive_status(record, now)
    if record.lock:
        output.update(locks.describe(record.lock))
    if record.replication:
        output["ReplicationStatus"] = record.replication
    if params.get("VersionId") is None:
        config = s3.buckets.get_config(bucket.name, "lifecycle")
        if config:
            output["Expiration"] = expiration_header(config, record, s3.day)
    if record.tags:
        output["TagCount"] = len(record.tags)
    for override, target in RESPONSE_OVERRIDES.items():
        if params.get(override) is not None:
            output[target] = params[override]
    if "Expires" in output:
        output.pop("Expires")
        output["__headers"] = [("Expires", _expires_text(record, params))]
    return output


def _expires_text(record: ObjectRecord, params: dict[str, Any]) -> str:
    from cloudlet.protocol.values import format_timestamp

    value = params.get("ResponseExpires") or record.headers["Expires"]
    try:
        return str(format_timestamp(value, "rfc822"))
    except Exception:
        return str(value)


def _read_view(
    record: ObjectRecord, params: dict[str, Any], ctx: RequestContext
) -> tuple[dict[str, Any], int, int, bool]:
    """What part of the object a GET/HEAD reads: (extra output, first byte, length, partial)."""
    extra: dict[str, Any] = {}
    part_number = params.get("PartNumber")
    range_header = ctx.request.headers.get("range")
    if part_number is not None:
        if range_header:
            raise InvalidRequest("Cannot specify both Range header and partNumber query parameter")
        parts = record.parts or [Part(1, record.size, record.etag, record.blob or "")]
        if not 1 <= part_number <= len(parts):
            from cloudlet.services.s3.errors import InvalidPartNumber

            raise InvalidPartNumber(PartNumberRequested=part_number, ActualPartCount=len(parts))
        first = sum(p.size for p in parts[: part_number - 1])
        length = parts[part_number - 1].size
        extra["PartsCount"] = len(parts) if record.parts else None
        if not length:
            return extra, first, length, False
        # A part is a ranged GET (206), even part 1 of an object put in one piece.
        extra["ContentRange"] = f"bytes {first}-{first + length - 1}/{record.size}"
        return extra, first, length, True
    span = parse_range(range_header, record.size)
    if span is None:
        return extra, 0, record.size, False
    first, last = span
    extra["ContentRange"] = f"bytes {first}-{last}/{record.size}"
    return extra, first, last - first + 1, True


def file_body(s3: S3, record: ObjectRecord, first: int, length: int) -> FileBody:
    segments: list[tuple[str, int, int]] = []
    end = first + length
    for blob, start, size in record.segments():
        lo, hi = max(first, start), min(end, start + size)
        if lo < hi:
            segments.append((s3.blobs.path(blob), lo - start, hi - lo))
    return FileBody(segments)


def _read(s3: S3, ctx: RequestContext, params: dict[str, Any], with_body: bool) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    record = find_version(s3, bucket, params["Key"], params.get("VersionId"), ctx.request.method)
    try:
        check_read_preconditions(params, record.etag, record.last_modified)
    except Exception as exc:
        if getattr(exc, "status", 0) == 304:
            exc.headers.update({"ETag": record.etag})  # type: ignore[attr-defined]
        raise
    data_key = sse.data_key(s3, record.encryption, params)
    now = s3.cloud.clock.time()
    if with_body:
        check_readable(record, now)
        if record.storage_class == "INTELLIGENT_TIERING":
            note_access(s3, record, now)
    output = describe(s3, bucket, record, params, now)
    extra, first, length, partial = _read_view(record, params, ctx)
    output.update({k: v for k, v in extra.items() if v is not None})
    output["ContentLength"] = length
    if params.get("ChecksumMode") == "ENABLED" and length == record.size:
        output.update(checksum_output(record.checksum))
    if partial:
        output["__status"] = 206
    output.update(sse.output(record.encryption))
    if with_body and data_key is not None:
        pieces = sse.pieces(s3, record, data_key, first, length)
        output["Body"] = chunked.stream(s3.cloud.executor, pieces)
    elif with_body:
        output["Body"] = file_body(s3, record, first, length)
    return output


def note_access(s3: S3, record: ObjectRecord, now: float) -> None:
    """An INTELLIGENT_TIERING object read is back in the frequent tier; its idle days restart.

    Written without waiting (the read does not depend on it), at most once a lifecycle day.
    """
    if record.tier is None and now - (record.accessed or record.last_modified) < s3.day:
        return

    def job(conn: Any) -> None:
        s3.versions.update_fields(
            record.bucket, record.key, record.version_id, tier=None, accessed=now, restore=None
        )

    s3.store.submit(job)


@operation("GetObject", inline=True)
def get_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _read(s3, ctx, params, with_body=True)


@operation("HeadObject", inline=True)
def head_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _read(s3, ctx, params, with_body=False)


# -- tagging and ACL -------------------------------------------------------------


def _version_for(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> ObjectRecord:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    return find_version(s3, bucket, params["Key"], params.get("VersionId"), ctx.request.method)


def _version_output(s3: S3, record: ObjectRecord) -> dict[str, Any]:
    versioned = s3.buckets.get(record.bucket).versioning is not None
    return {"VersionId": record.version_id} if versioned else {}


@operation("PutObjectTagging")
def put_object_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    record = _version_for(s3, ctx, params)
    tags = [(t["Key"], t["Value"]) for t in (params.get("Tagging") or {}).get("TagSet", [])]
    validate_tags(tags, limit=10)
    s3.versions.update_fields(record.bucket, record.key, record.version_id, tags=tags)
    return _version_output(s3, record)


@operation("GetObjectTagging")
def get_object_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    record = _version_for(s3, ctx, params)
    output = {"TagSet": [{"Key": k, "Value": v} for k, v in record.tags]}
    return {**output, **_version_output(s3, record)}


@operation("DeleteObjectTagging")
def delete_object_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    record = _version_for(s3, ctx, params)
    s3.versions.update_fields(record.bucket, record.key, record.version_id, tags=[])
    return {"__status": 204, **_version_output(s3, record)}


@operation("GetObjectAcl")
def get_object_acl(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    record = _version_for(s3, ctx, params)
    owner = s3.owner(record.owner)
    return {"Owner": owner, "Grants": acls.grants(record.acl, owner)}


@operation("PutObjectAcl")
def put_object_acl(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    record = find_version(s3, bucket, params["Key"], params.get("VersionId"), "PUT")
    acl = settable_acl(s3, bucket, params)
    s3.versions.update_fields(record.bucket, record.key, record.version_id, acl=acl)
    return {}
