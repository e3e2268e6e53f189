"""CopyObject: a new object from an existing version's bytes, shared by hard link.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from cloudlet.core import checksums
from cloudlet.core.errors import InvalidArgument, InvalidRequest
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3 import chunked, sse, writing
from cloudlet.services.s3.buckets import Bucket
from cloudlet.services.s3.conditions import check_read_preconditions
from cloudlet.services.s3.errors import InvalidObjectState, MethodNotAllowed
from cloudlet.services.s3.lock import lock_for_write
from cloudlet.services.s3.object_handlers import (
    checksum_output,
    commit,
    find_version,
    object_headers,
    settable_acl,
    storage_class,
    user_metadata,
    validate_key,
    written,
)
from cloudlet.services.s3.objects import ObjectRecord, Part
from cloudlet.services.s3.storage import readable
from cloudlet.services.s3.tags import parse_tagging_header

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

#: Copies that must read their source (multipart, new checksum) do so in pieces this big.
COPY_CHUNK = 1024 * 1024


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


def plaintext(s3: S3, record: ObjectRecord, key: bytes | None) -> Iterator[bytes]:
    """The object's bytes in pieces, decrypted when ``key`` is its data key."""
    if key is not None:
        yield from chunked.read_all(sse.pieces(s3, record, key, 0, record.size))
        return
    for blob, _offset, _size in record.segments():
        with open(s3.blobs.path(blob), "rb") as file:
            while chunk := file.read(COPY_CHUNK):
                yield chunk


def rewrite_blob(
    s3: S3,
    record: ObjectRecord,
    algorithm: str,
    source_key: bytes | None = None,
    target_key: bytes | None = None,
) -> tuple[str, str, dict[str, str]]:
    """The object's bytes as one new blob: (blob id, quoted MD5 ETag, FULL_OBJECT checksum).

    An encrypted source is decrypted with ``source_key``; ``target_key`` encrypts the copy.
    """
    writer = s3.blobs.writer([algorithm])
    writer.encrypt_with(target_key)
    try:
        for chunk in plaintext(s3, record, source_key):
            writer.write(chunk)
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    value = base64.b64encode(writer.checksums[algorithm].digest()).decode()
    checksum = {"algorithm": algorithm, "value": value, "type": "FULL_OBJECT"}
    return writer.blob_id, f'"{writer.md5.hexdigest()}"', checksum


def copy_bytes(
    s3: S3,
    source: ObjectRecord,
    target: ObjectRecord,
    algorithm: str | None,
    keys: tuple[bytes | None, bytes | None] = (None, None),
) -> None:
    """Give ``target`` the source's bytes, ETag and checksum.

    A copy is one new object: a multipart source's copy has the MD5 of its bytes as its ETag
    and no parts. Otherwise the bytes are shared (hard links) unless a new checksum
    algorithm is asked for, or either side is encrypted, which needs them read.
    """
    current = source.checksum["algorithm"] if source.checksum else None
    encrypted = keys != (None, None)
    if not source.parts and not encrypted and (algorithm is None or algorithm == current):
        target.blob, target.parts = link_blobs(s3, source)
        target.etag, target.checksum = source.etag, source.checksum
        return
    algorithm = algorithm or current or writing.DEFAULT_CHECKSUM
    target.blob, target.etag, target.checksum = rewrite_blob(s3, source, algorithm, *keys)
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
    src_bucket_name, src_key, src_version = parse_copy_source(params["CopySource"])
    src_bucket = s3.bucket_for(ctx, src_bucket_name)
    source = copy_source(s3, src_bucket, src_key, src_version)
    check_read_preconditions(params, source.etag, source.last_modified, prefix="CopySource")
    same = src_bucket.name == target_bucket.name and src_key == key
    if same and src_version is not None:
        # Copying an older version over its key is how a version is restored.
        current = s3.objects.get(src_bucket.name, src_key)
        same = current is not None and current.version_id == source.version_id
    changes = (
        replace_metadata
        or params.get("StorageClass")
        or params.get("WebsiteRedirectLocation")
        or params.get("ServerSideEncryption")
        or params.get("SSECustomerAlgorithm")
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
        lock=lock_for_write(s3, target_bucket, params, s3.cloud.clock.time()),
    )
    source_key = sse.data_key(s3, source.encryption, params, prefix="CopySource")
    record.encryption, target_key = sse.for_write(s3, target_bucket, key, params)
    keys = (source_key, target_key)
    await loop.run_in_executor(s3.cloud.executor, copy_bytes, s3, source, record, algorithm, keys)
    try:
        await commit(s3, record, params)
    except BaseException:
        s3.blobs.delete(record.blob_ids())
        raise
    result = {"ETag": record.etag, "LastModified": int(record.last_modified)}
    result.update(
        {k: v for k, v in checksum_output(record.checksum).items() if k != "ChecksumType"}
    )
    output = {"CopyObjectResult": result, **written(s3, target_bucket, record)}
    output.update(sse.output(record.encryption))
    output["CopySourceVersionId"] = source_version_id(src_bucket, source)
    return output


def copy_source(s3: S3, bucket: Bucket, key: str, version_id: str | None) -> ObjectRecord:
    """The version ``x-amz-copy-source`` names, which must be an object whose bytes can be read."""
    try:
        source = find_version(s3, bucket, key, version_id)
    except MethodNotAllowed:
        raise InvalidRequest(
            "The source of a copy request may not specifically refer to a delete marker by "
            "version id."
        ) from None
    if not readable(source, s3.cloud.clock.time()):
        raise InvalidObjectState(
            "Operation is not valid for the source object's storage class",
            StorageClass=source.storage_class,
        )
    return source


def source_version_id(bucket: Bucket, source: ObjectRecord) -> str | None:
    """``x-amz-copy-source-version-id``: given when the source bucket has versioning."""
    if bucket.versioning is None and source.version_id == "null":
        return None
    return source.version_id
