"""Object operations: put, get, head, delete (one and many), copy, tagging, ACL."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from cloudlet.core import checksums
from cloudlet.core.errors import InvalidArgument, InvalidRequest, MalformedXML
from cloudlet.protocol.http import FileBody
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3 import acl as acls
from cloudlet.services.s3 import writing
from cloudlet.services.s3.blobs import BlobWriter
from cloudlet.services.s3.buckets import Bucket
from cloudlet.services.s3.conditions import check_read_preconditions, parse_range
from cloudlet.services.s3.errors import (
    InvalidStorageClass,
    KeyTooLongError,
    MetadataTooLarge,
    NoSuchKey,
    PreconditionFailed,
)
from cloudlet.services.s3.objects import ObjectRecord, Part
from cloudlet.services.s3.tags import parse_tagging_header, validate_tags

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

MAX_KEY_BYTES = 1024
#: Copies that must read their source (multipart, new checksum) do so in pieces this big.
COPY_CHUNK = 1024 * 1024
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
    encoding = headers.get("ContentEncoding")
    if encoding is not None:
        # aws-chunked describes the transfer, not the object: S3 does not store it.
        kept = [e.strip() for e in encoding.split(",") if e.strip() and e.strip() != "aws-chunked"]
        if kept:
            headers["ContentEncoding"] = ",".join(kept)
        else:
            del headers["ContentEncoding"]
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


#: Files up to this size are unlinked on the event loop; bigger ones free many extents.
INLINE_UNLINK = 1024 * 1024


async def commit(
    s3: S3, record: ObjectRecord, params: dict[str, Any], writer: BlobWriter | None = None
) -> None:
    """Make the record the key's current version, once its bytes are durable.

    One thread hop does both: the blob's fsync (in parallel with other uploads') and the
    wait for the group commit that carries the metadata row (shared with them).
    """

    def job(conn: Any) -> ObjectRecord | None:
        check_write_conditions(s3, record.bucket, record.key, params)
        return s3.objects.put(record)

    def durable() -> ObjectRecord | None:
        if writer is not None:
            writer.finish()
        return s3.store.submit(job).result()

    loop = asyncio.get_running_loop()
    replaced = await loop.run_in_executor(s3.cloud.executor, durable)
    if replaced is not None:
        await free_blobs(s3, replaced, keep=frozenset(record.blob_ids()))


async def free_blobs(
    s3: S3, record: ObjectRecord, keep: set[str] | frozenset[str] = frozenset()
) -> None:
    """Delete a replaced or deleted record's files (after its metadata change committed)."""
    blobs = [b for b in record.blob_ids() if b not in keep]
    if not blobs:
        return
    if record.size <= INLINE_UNLINK:
        s3.blobs.delete(blobs)
    else:
        await asyncio.get_running_loop().run_in_executor(s3.cloud.executor, s3.blobs.delete, blobs)


@operation("PutObject")
async def put_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    key = params["Key"]
    validate_key(key)
    record = new_record(s3, ctx, bucket, key, params)
    check_write_conditions(s3, bucket.name, key, params)
    received = await writing.receive(s3, ctx, params, params.get("Body"), finish=False)
    record.size, record.etag, record.blob = received.size, received.etag, received.writer.blob_id
    record.checksum = received.checksum
    try:
        await commit(s3, record, params, received.writer)
    except BaseException:
        received.writer.abort()
        raise
    return {"ETag": record.etag, **checksum_output(record.checksum)}


def new_record(
    s3: S3, ctx: RequestContext, bucket: Bucket, key: str, params: dict[str, Any]
) -> ObjectRecord:
    tags = parse_tagging_header(params["Tagging"]) if params.get("Tagging") else []
    return ObjectRecord(
        bucket=bucket.name,
        key=key,
        size=0,
        etag="",
        last_modified=s3.cloud.clock.time(),
        owner=ctx.account_id,
        storage_class=storage_class(params),
        headers=object_headers(params),
        metadata=user_metadata(params),
        tags=tags,
        acl=settable_acl(s3, bucket, params),
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


def describe(record: ObjectRecord, params: dict[str, Any]) -> dict[str, Any]:
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
    record = find_object(s3, bucket.name, params["Key"])
    try:
        check_read_preconditions(params, record.etag, record.last_modified)
    except Exception as exc:
        if getattr(exc, "status", 0) == 304:
            exc.headers.update({"ETag": record.etag})  # type: ignore[attr-defined]
        raise
    output = describe(record, params)
    extra, first, length, partial = _read_view(record, params, ctx)
    output.update({k: v for k, v in extra.items() if v is not None})
    output["ContentLength"] = length
    if params.get("ChecksumMode") == "ENABLED" and length == record.size:
        output.update(checksum_output(record.checksum))
    if partial:
        output["__status"] = 206
    if with_body:
        output["Body"] = file_body(s3, record, first, length)
    return output


@operation("GetObject", inline=True)
def get_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _read(s3, ctx, params, with_body=True)


@operation("HeadObject", inline=True)
def head_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return _read(s3, ctx, params, with_body=False)


@operation("DeleteObject")
async def delete_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    key = params["Key"]

    def job(conn: Any) -> ObjectRecord | None:
        if params.get("IfMatch") is not None:
            current = find_object(s3, bucket.name, key)
            if params["IfMatch"].strip().strip('"') != current.etag.strip('"'):
                raise PreconditionFailed(Condition="If-Match")
        return s3.objects.delete(bucket.name, key)

    removed = await asyncio.wrap_future(s3.store.submit(job))
    if removed is not None:
        await free_blobs(s3, removed)
    return {"__status": 204}


@operation("DeleteObjects")
def delete_objects(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    request = params.get("Delete") or {}
    entries = request.get("Objects") or []
    if not entries or len(entries) > 1000:
        raise MalformedXML()
    keys = [entry["Key"] for entry in entries]
    removed = s3.objects.delete_many(bucket.name, keys)
    for record in removed:
        s3.blobs.delete(record.blob_ids())
    output: dict[str, Any] = {}
    if not request.get("Quiet"):
        output["Deleted"] = [{"Key": key} for key in keys]
    return output


# -- copy -----------------------------------------------------------------------


def parse_copy_source(source: str) -> tuple[str, str, str | None]:
    """``bucket/key`` or ``/bucket/key?versionId=v``, URL-encoded."""
    path, _, query = source.partition("?")
    path = unquote(path).lstrip("/")
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise InvalidArgument(
            "Invalid copy source object key", ArgumentName="x-amz-copy-source", ArgumentValue=source
        )
    version = dict(parse_qsl(query)).get("versionId") if query else None
    return bucket, key, version


def link_blobs(s3: S3, record: ObjectRecord) -> tuple[str | None, list[Part] | None]:
    """New blob ids sharing the source's bytes: blobs never change, so a hard link is a copy."""

    def link(blob: str) -> str:
        writer_id = os.urandom(16).hex()
        target = s3.blobs.path(writer_id)
        try:
            os.link(s3.blobs.path(blob), target)
        except OSError:
            shutil.copyfile(s3.blobs.path(blob), target)
        return writer_id

    if record.parts:
        return None, [
            Part(p.number, p.size, p.etag, link(p.blob), p.checksum) for p in record.parts
        ]
    if record.blob:
        return link(record.blob), None
    return None, None


def rewrite_blob(s3: S3, record: ObjectRecord, algorithm: str) -> tuple[str, str, dict[str, str]]:
    """The object's bytes as one new blob: (blob id, quoted MD5 ETag, FULL_OBJECT checksum)."""
    writer = s3.blobs.writer([algorithm])
    try:
        for blob, _offset, _size in record.segments():
            with open(s3.blobs.path(blob), "rb") as file:
                while chunk := file.read(COPY_CHUNK):
                    writer.write(chunk)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    value = base64.b64encode(writer.checksums[algorithm].digest()).decode()
    checksum = {"algorithm": algorithm, "value": value, "type": "FULL_OBJECT"}
    return writer.blob_id, f'"{writer.md5.hexdigest()}"', checksum


def copy_bytes(s3: S3, source: ObjectRecord, target: ObjectRecord, algorithm: str | None) -> None:
    """Give ``target`` the source's bytes, ETag and checksum.

    A copy is one new object: a multipart source's copy has the MD5 of its bytes as its ETag
    and no parts. Otherwise the bytes are shared (hard links) unless a new checksum
    algorithm is asked for, which needs them read.
    """
    current = source.checksum["algorithm"] if source.checksum else None
    if not source.parts and (algorithm is None or algorithm == current):
        target.blob, target.parts = link_blobs(s3, source)
        target.etag, target.checksum = source.etag, source.checksum
        return
    algorithm = algorithm or current or writing.DEFAULT_CHECKSUM
    target.blob, target.etag, target.checksum = rewrite_blob(s3, source, algorithm)
    target.parts = None


def _directive(params: dict[str, Any], member: str, header: str, name: str) -> bool:
    """True for REPLACE, False for COPY (the default)."""
    value = params.get(member) or "COPY"
    if value not in ("COPY", "REPLACE"):
        raise InvalidArgument(
            f"Unknown {name} directive.", ArgumentName=header, ArgumentValue=value
        )
    return value == "REPLACE"


@operation("CopyObject")
async def copy_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    target_bucket = s3.bucket_for(ctx, params["Bucket"])
    key = params["Key"]
    validate_key(key)
    replace_metadata = _directive(
        params, "MetadataDirective", "x-amz-metadata-directive", "metadata"
    )
    replace_tags = _directive(params, "TaggingDirective", "x-amz-tagging-directive", "tagging")
    algorithm = (params.get("ChecksumAlgorithm") or "").upper() or None
    if algorithm is not None and algorithm not in checksums.ALGORITHMS:
        raise InvalidRequest(f"Checksum algorithm {algorithm} is not supported")
    src_bucket_name, src_key, _version = parse_copy_source(params["CopySource"])
    src_bucket = s3.bucket_for(ctx, src_bucket_name)
    source = find_object(s3, src_bucket.name, src_key)
    check_read_preconditions(params, source.etag, source.last_modified, prefix="CopySource")
    same = src_bucket.name == target_bucket.name and src_key == key
    changes = (
        replace_metadata
        or params.get("StorageClass")
        or params.get("WebsiteRedirectLocation")
        or params.get("ServerSideEncryption")
    )
    if same and not changes:
        raise InvalidRequest(
            "This copy request is illegal because it is trying to copy an object to itself "
            "without changing the object's metadata, storage class, website redirect location "
            "or encryption attributes."
        )
    record = ObjectRecord(
        bucket=target_bucket.name,
        key=key,
        size=source.size,
        etag=source.etag,
        last_modified=s3.cloud.clock.time(),
        owner=ctx.account_id,
        storage_class=storage_class(params) if params.get("StorageClass") else "STANDARD",
        headers=object_headers(params) if replace_metadata else dict(source.headers),
        metadata=user_metadata(params) if replace_metadata else dict(source.metadata),
        tags=(
            parse_tagging_header(params.get("Tagging") or "") if replace_tags else list(source.tags)
        ),
        acl=settable_acl(s3, target_bucket, params),
    )
    await loop.run_in_executor(s3.cloud.executor, copy_bytes, s3, source, record, algorithm)
    try:
        await commit(s3, record, params)
    except BaseException:
        s3.blobs.delete(record.blob_ids())
        raise
    result = {"ETag": record.etag, "LastModified": int(record.last_modified)}
    result.update(
        {k: v for k, v in checksum_output(record.checksum).items() if k != "ChecksumType"}
    )
    return {"CopyObjectResult": result}


# -- tagging and ACL -------------------------------------------------------------


@operation("PutObjectTagging")
def put_object_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    find_object(s3, bucket.name, params["Key"])
    tags = [(t["Key"], t["Value"]) for t in (params.get("Tagging") or {}).get("TagSet", [])]
    validate_tags(tags, limit=10)
    s3.objects.update_fields(bucket.name, params["Key"], tags=tags)
    return {}


@operation("GetObjectTagging")
def get_object_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    record = find_object(s3, bucket.name, params["Key"])
    return {"TagSet": [{"Key": k, "Value": v} for k, v in record.tags]}


@operation("DeleteObjectTagging")
def delete_object_tagging(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    find_object(s3, bucket.name, params["Key"])
    s3.objects.update_fields(bucket.name, params["Key"], tags=[])
    return {"__status": 204}


@operation("GetObjectAcl")
def get_object_acl(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    record = find_object(s3, bucket.name, params["Key"])
    owner = s3.owner(record.owner)
    return {"Owner": owner, "Grants": acls.grants(record.acl, owner)}


@operation("PutObjectAcl")
def put_object_acl(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    find_object(s3, bucket.name, params["Key"])
    s3.objects.update_fields(bucket.name, params["Key"], acl=settable_acl(s3, bucket, params))
    return {}
