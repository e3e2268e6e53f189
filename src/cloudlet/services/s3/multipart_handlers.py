"""Multipart uploads: create, upload (and copy) parts, complete as a manifest, abort, list."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import re
from typing import TYPE_CHECKING, Any

from cloudlet.core import checksums, ids
from cloudlet.core.errors import InvalidArgument, InvalidRequest, MalformedXML
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3 import acl as acls
from cloudlet.services.s3 import chunked, sse, writing
from cloudlet.services.s3.conditions import check_read_preconditions
from cloudlet.services.s3.copy_handlers import copy_source, parse_copy_source, source_version_id
from cloudlet.services.s3.errors import (
    BadDigest,
    EntityTooSmall,
    InvalidPart,
    InvalidPartOrder,
    NoSuchUpload,
)
from cloudlet.services.s3.listing import url_encode
from cloudlet.services.s3.lock import lock_for_write
from cloudlet.services.s3.multipart import StoredPart, Upload
from cloudlet.services.s3.object_handlers import (
    check_write_conditions,
    checksum_output,
    object_headers,
    storage_class,
    user_metadata,
    validate_key,
    written,
)
from cloudlet.services.s3.objects import ObjectRecord
from cloudlet.services.s3.tags import parse_tagging_header
from cloudlet.services.s3.versions import new_version_id

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_SIZE = 5 * 1024**3
MAX_PARTS = 10000
CRCS = ("CRC32", "CRC32C", "CRC64NVME")


@operation("CreateMultipartUpload")
def create_multipart_upload(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    key = params["Key"]
    validate_key(key)
    algorithm = (params.get("ChecksumAlgorithm") or "").upper() or None
    checksum_type = params.get("ChecksumType")
    if algorithm and algorithm not in checksums.ALGORITHMS:
        raise InvalidRequest(f"Checksum algorithm {algorithm} is not supported")
    if checksum_type == "FULL_OBJECT" and algorithm not in CRCS:
        raise InvalidRequest(
            "The FULL_OBJECT checksum type cannot be used with the "
            f"{algorithm or 'default'} checksum algorithm."
        )
    if checksum_type == "COMPOSITE" and algorithm == "CRC64NVME":
        raise InvalidRequest(
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm."
        )
    if algorithm and not checksum_type:
        checksum_type = "FULL_OBJECT" if algorithm == "CRC64NVME" else "COMPOSITE"
    encryption, _ = sse.for_write(s3, bucket, key, params)
    upload = Upload(
        upload_id=ids.upload_id(),
        bucket=bucket.name,
        key=key,
        initiated=s3.cloud.clock.time(),
        owner=ctx.account_id,
        storage_class=storage_class(params),
        headers=object_headers(params),
        metadata=user_metadata(params),
        tags=parse_tagging_header(params["Tagging"]) if params.get("Tagging") else [],
        acl=acls.from_params(params),
        checksum_algorithm=algorithm,
        checksum_type=checksum_type,
        lock=lock_for_write(s3, bucket, params, s3.cloud.clock.time()),
        encryption=encryption,
    )
    s3.uploads.create(upload)
    output = {"Bucket": bucket.name, "Key": key, "UploadId": upload.upload_id}
    output.update(sse.output(encryption))
    if algorithm:
        output.update({"ChecksumAlgorithm": algorithm, "ChecksumType": checksum_type})
    return output


def _upload_for(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> Upload:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    upload = s3.uploads.get(params["UploadId"])
    if upload is None or upload.bucket != bucket.name or upload.key != params["Key"]:
        raise NoSuchUpload(UploadId=params["UploadId"])
    return upload


def _part_number(params: dict[str, Any]) -> int:
    number = params["PartNumber"]
    if not 1 <= number <= MAX_PARTS:
        raise InvalidArgument(
            "Part number must be an integer between 1 and 10000, inclusive",
            ArgumentName="partNumber",
            ArgumentValue=number,
        )
    return number


async def _store_part(s3: S3, upload: Upload, part: StoredPart) -> None:
    loop = asyncio.get_running_loop()
    try:
        replaced = await loop.run_in_executor(
            s3.cloud.executor, s3.uploads.put_part, upload.upload_id, part
        )
    except BaseException:
        s3.blobs.delete([part.blob])
        raise
    if replaced:
        await loop.run_in_executor(s3.cloud.executor, s3.blobs.delete, [replaced])


@operation("UploadPart")
async def upload_part(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    upload = _upload_for(s3, ctx, params)
    number = _part_number(params)
    _use_uploads_checksum(upload, ctx, params)
    data_key = sse.data_key(s3, upload.encryption, params)
    received = await writing.receive(
        s3, ctx, params, params.get("Body"), max_size=MAX_PART_SIZE, data_key=data_key
    )
    part = StoredPart(
        number,
        received.size,
        received.etag,
        s3.cloud.clock.time(),
        received.writer.blob_id,
        received.checksum,
    )
    await _store_part(s3, upload, part)
    output = {"ETag": part.etag, **sse.output(upload.encryption)}
    output.update(
        {k: v for k, v in checksum_output(received.checksum).items() if k != "ChecksumType"}
    )
    return output


def _use_uploads_checksum(upload: Upload, ctx: RequestContext, params: dict[str, Any]) -> None:
    """A part is hashed with the upload's algorithm; a part sending another one is refused."""
    expected = upload.checksum_algorithm
    if not expected:
        return
    sent, _ = writing.requested_checksum(params, ctx)
    if sent is None:
        params["ChecksumAlgorithm"] = expected
    elif sent != expected:
        raise InvalidRequest(
            f"Checksum Type mismatch occurred, expected checksum Type: {expected.lower()}, "
            f"actual checksum Type: {sent.lower()}"
        )


@operation("UploadPartCopy")
async def upload_part_copy(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    upload = _upload_for(s3, ctx, params)
    number = _part_number(params)
    src_bucket_name, src_key, src_version = parse_copy_source(params["CopySource"])
    src_bucket = s3.bucket_for(ctx, src_bucket_name)
    source = copy_source(s3, src_bucket, src_key, src_version)
    check_read_preconditions(params, source.etag, source.last_modified, prefix="CopySource")
    first, length = 0, source.size
    range_text = params.get("CopySourceRange")
    if range_text:
        first, length = _copy_source_range(range_text, source.size)
    if length > MAX_PART_SIZE:
        raise InvalidRequest("The specified copy source is larger than the maximum allowable size")
    keys = (
        sse.data_key(s3, source.encryption, params, prefix="CopySource"),
        sse.data_key(s3, upload.encryption, params),
    )
    loop = asyncio.get_running_loop()
    algorithm = upload.checksum_algorithm or writing.DEFAULT_CHECKSUM
    writer = await loop.run_in_executor(
        s3.cloud.executor, _copy_range, s3, source, first, length, algorithm, keys
    )
    etag = f'"{writer.md5.hexdigest()}"'
    checksum = {
        "algorithm": algorithm,
        "value": checksums.b64(writer.checksums[algorithm].digest()),
        "type": "FULL_OBJECT",
    }
    part = StoredPart(number, writer.size, etag, s3.cloud.clock.time(), writer.blob_id, checksum)
    await _store_part(s3, upload, part)
    result = {"ETag": etag, "LastModified": part.last_modified}
    if upload.checksum_algorithm:
        result[f"Checksum{algorithm}"] = checksum["value"]
    return {
        "CopyPartResult": result,
        "CopySourceVersionId": source_version_id(src_bucket, source),
        **sse.output(upload.encryption),
    }


_COPY_RANGE = re.compile(r"^bytes=(\d+)-(\d+)$")


def _copy_source_range(text: str, size: int) -> tuple[int, int]:
    """(first byte, length) of ``bytes=first-last``: both ends required, inside the source.

    Unlike a GET Range, an open or oversized range is an error, not clamped.
    """
    match = _COPY_RANGE.match(text.strip())
    if match is None or int(match[1]) > int(match[2]):
        raise InvalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where "
            "first and last are the zero-based offsets of the first and last bytes to copy",
            ArgumentName="x-amz-copy-source-range",
            ArgumentValue=text,
        )
    first, last = int(match[1]), int(match[2])
    if last >= size:
        raise InvalidArgument(
            f"Range specified is not valid for source object of size: {size}",
            ArgumentName="x-amz-copy-source-range",
            ArgumentValue=text,
        )
    return first, last - first + 1


def _copy_range(
    s3: S3,
    source: ObjectRecord,
    first: int,
    length: int,
    algorithm: str,
    keys: tuple[bytes | None, bytes | None] = (None, None),
) -> Any:
    """A new part blob from the source's bytes ``first .. first+length``.

    ``keys`` are the source's and the upload's data keys (None: in clear).
    """
    writer = s3.blobs.writer([algorithm])
    writer.encrypt_with(keys[1])
    try:
        if keys[0] is not None:
            for chunk in chunked.read_all(sse.pieces(s3, source, keys[0], first, length)):
                writer.write(chunk)
            writer.finish()
            return writer
        end = first + length
        for blob, start, size in source.segments():
            lo, hi = max(first, start), min(end, start + size)
            if lo >= hi:
                continue
            fd = os.open(s3.blobs.path(blob), os.O_RDONLY)
            try:
                offset = lo - start
                remaining = hi - lo
                while remaining:
                    chunk = os.pread(fd, min(remaining, 1024 * 1024), offset)
                    if not chunk:
                        break
                    writer.write(chunk)
                    offset += len(chunk)
                    remaining -= len(chunk)
            finally:
                os.close(fd)
        writer.finish()
        return writer
    except BaseException:
        writer.abort()
        raise


@operation("CompleteMultipartUpload")
async def complete_multipart_upload(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    upload = _upload_for(s3, ctx, params)
    bucket = s3.bucket_for(ctx, params["Bucket"])
    requested = (params.get("MultipartUpload") or {}).get("Parts") or []
    if not requested:
        raise MalformedXML()
    _check_part_order(upload, requested)
    loop = asyncio.get_running_loop()

    def finish() -> tuple[ObjectRecord, list[ObjectRecord], list[str]]:
        # Parts are read and the object committed under one write lock, so a part
        # re-uploaded meanwhile cannot leave the manifest naming a deleted blob.
        with s3.store.write():
            if s3.uploads.get(upload.upload_id) is None:
                raise NoSuchUpload(UploadId=upload.upload_id)
            chosen = _chosen_parts(upload, requested, s3.uploads.parts(upload.upload_id))
            record = _completed_record(s3, upload, chosen, params)
            check_write_conditions(s3, upload.bucket, upload.key, params)
            if bucket.versioning is None:
                replaced = s3.objects.put(record)
                freed = [replaced] if replaced is not None else []
            else:
                record.version_id = new_version_id(bucket.versioning)
                freed = s3.versions.put(record, bucket.versioning, record.last_modified)
            part_blobs = s3.uploads.remove(upload.upload_id)
        return record, freed, part_blobs

    record, freed, part_blobs = await loop.run_in_executor(s3.cloud.executor, finish)
    unused = set(part_blobs) - set(record.blob_ids())
    for replaced in freed:
        unused |= set(replaced.blob_ids()) - set(record.blob_ids())
    await loop.run_in_executor(s3.cloud.executor, s3.blobs.delete, unused)
    output = {
        "Location": f"/{upload.bucket}/{upload.key}",
        "Bucket": upload.bucket,
        "Key": upload.key,
        "ETag": record.etag,
    }
    output.update(checksum_output(record.checksum))
    output.update(written(s3, bucket, record))
    output.update({k: v for k, v in sse.output(record.encryption).items() if "Customer" not in k})
    return output


def _check_part_order(upload: Upload, requested: list[dict[str, Any]]) -> None:
    """The list must ascend strictly; S3 checks this before it looks at any part."""
    previous = 0
    for item in requested:
        number = item.get("PartNumber")
        if number is None or number <= previous:
            raise InvalidPartOrder(UploadId=upload.upload_id)
        previous = number


def _chosen_parts(
    upload: Upload, requested: list[dict[str, Any]], stored_parts: list[StoredPart]
) -> list[StoredPart]:
    """The stored parts the request names, each checked: ETag, checksum, size."""
    stored = {p.number: p for p in stored_parts}
    explicit = upload.checksum_algorithm
    chosen: list[StoredPart] = []
    for index, item in enumerate(requested):
        number = item["PartNumber"]
        part = stored.get(number)
        if part is None or item.get("ETag", "").strip('"') != part.etag.strip('"'):
            raise InvalidPart(UploadId=upload.upload_id, PartNumber=number, ETag=item.get("ETag"))
        if explicit:
            claimed = item.get(f"Checksum{explicit}")
            if claimed is None and upload.checksum_type == "COMPOSITE":
                raise InvalidRequest(
                    f"The upload was created using a {explicit.lower()} checksum. The complete "
                    "request must include the checksum for each part. It was missing for part "
                    f"{number} in the request."
                )
            if claimed is not None and claimed != (part.checksum or {}).get("value"):
                raise InvalidPart(
                    UploadId=upload.upload_id, PartNumber=number, ETag=item.get("ETag")
                )
        if index < len(requested) - 1 and part.size < MIN_PART_SIZE:
            raise EntityTooSmall(
                ProposedSize=part.size,
                MinSizeAllowed=MIN_PART_SIZE,
                PartNumber=number,
                ETag=part.etag,
            )
        chosen.append(part)
    return chosen


def _completed_record(
    s3: S3, upload: Upload, chosen: list[StoredPart], params: dict[str, Any]
) -> ObjectRecord:
    digest = hashlib.md5(b"".join(bytes.fromhex(p.etag.strip('"')) for p in chosen)).hexdigest()
    checksum = _object_checksum(upload, chosen)
    _check_claimed_checksum(upload, checksum, params)
    return ObjectRecord(
        bucket=upload.bucket,
        key=upload.key,
        size=sum(p.size for p in chosen),
        etag=f'"{digest}-{len(chosen)}"',
        last_modified=s3.cloud.clock.time(),
        owner=upload.owner,
        storage_class=upload.storage_class,
        headers=upload.headers,
        metadata=upload.metadata,
        tags=upload.tags,
        checksum=checksum,
        parts=[p.as_part() for p in chosen],
        acl=upload.acl,
        lock=upload.lock,
        encryption=upload.encryption,
    )


def _check_claimed_checksum(
    upload: Upload, checksum: dict[str, str] | None, params: dict[str, Any]
) -> None:
    """A checksum type or whole-object checksum sent with the completion must match (BadDigest).

    https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
    """
    claimed_type = params.get("ChecksumType")
    expected_type = upload.checksum_type or "FULL_OBJECT"
    if claimed_type and claimed_type != expected_type:
        raise BadDigest(
            f"The upload was created using the {expected_type} checksum mode. The complete "
            "request must use the same checksum mode."
        )
    for algorithm in checksums.ALGORITHMS:
        claimed = params.get(f"Checksum{algorithm}")
        if claimed is None:
            continue
        actual = checksum["value"] if checksum and checksum["algorithm"] == algorithm else None
        # Without an algorithm named at creation the parts may carry any checksum; a claim
        # we cannot compute from them is accepted unchecked (cloudlet only).
        unverifiable = actual is None and not upload.checksum_algorithm
        if not unverifiable and claimed not in (actual, (actual or "").rsplit("-", 1)[0]):
            raise BadDigest(
                f"The {algorithm.lower()} you specified did not match the calculated checksum."
            )


def _object_checksum(upload: Upload, parts: list[StoredPart]) -> dict[str, str] | None:
    """FULL_OBJECT CRCs combine the parts' CRCs; COMPOSITE is a checksum of checksums, ``-N``."""
    algorithm = upload.checksum_algorithm or writing.DEFAULT_CHECKSUM
    values = [p.checksum for p in parts]
    if any(v is None or v.get("algorithm") != algorithm for v in values):
        return None
    digests = [base64.b64decode(v["value"]) for v in values if v]
    if (upload.checksum_type or "FULL_OBJECT") == "FULL_OBJECT" and algorithm in CRCS:
        combined = checksums.combine_crc(
            algorithm, [(d, p.size) for d, p in zip(digests, parts, strict=True)]
        )
        return {"algorithm": algorithm, "value": checksums.b64(combined), "type": "FULL_OBJECT"}
    h = checksums.hasher(algorithm)
    h.update(b"".join(digests))
    return {
        "algorithm": algorithm,
        "value": f"{checksums.b64(h.digest())}-{len(parts)}",
        "type": "COMPOSITE",
    }


@operation("AbortMultipartUpload")
def abort_multipart_upload(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    upload = _upload_for(s3, ctx, params)
    s3.blobs.delete(s3.uploads.remove(upload.upload_id))
    return {"__status": 204}


@operation("ListParts")
def list_parts(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    upload = _upload_for(s3, ctx, params)
    marker = int(params.get("PartNumberMarker") or 0)
    max_parts = min(params.get("MaxParts") or 1000, 1000)
    parts = s3.uploads.parts(upload.upload_id, after=marker, limit=max_parts + 1)
    truncated = len(parts) > max_parts
    parts = parts[:max_parts]
    owner = s3.owner(upload.owner)
    output: dict[str, Any] = {
        "Bucket": upload.bucket,
        "Key": upload.key,
        "UploadId": upload.upload_id,
        "PartNumberMarker": marker,
        "MaxParts": max_parts,
        "IsTruncated": truncated,
        "Initiator": owner,
        "Owner": owner,
        "StorageClass": upload.storage_class,
        "Parts": [
            {
                "PartNumber": p.number,
                "LastModified": p.last_modified,
                "ETag": p.etag,
                "Size": p.size,
                **{
                    k: v
                    for k, v in checksum_output(p.checksum).items()
                    if upload.checksum_algorithm and k != "ChecksumType"
                },
            }
            for p in parts
        ]
        or None,
    }
    if parts:
        output["NextPartNumberMarker"] = parts[-1].number
    if upload.checksum_algorithm:
        output["ChecksumAlgorithm"] = upload.checksum_algorithm
        output["ChecksumType"] = upload.checksum_type
    return output


@operation("ListMultipartUploads")
def list_multipart_uploads(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    encoding = params.get("EncodingType")
    if encoding is not None and encoding != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request")
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or ""
    key_marker = params.get("KeyMarker") or ""
    id_marker = params.get("UploadIdMarker") or ""
    max_uploads = min(params.get("MaxUploads") or 1000, 1000)
    candidates = s3.uploads.list(bucket.name, prefix, key_marker, id_marker, 100000)
    uploads: list[Upload] = []
    prefixes: list[str] = []
    truncated = False
    last: Upload | str | None = None  # the last entry returned, for the Next* markers
    for upload in candidates:
        common = _common_prefix(upload.key, prefix, delimiter)
        if common is not None and (common == key_marker or common in prefixes):
            continue  # a prefix already returned, on this page or (as the marker) the last
        if len(uploads) + len(prefixes) >= max_uploads:
            truncated = True
            break
        if common is not None:
            prefixes.append(common)
            last = common
        else:
            uploads.append(upload)
            last = upload

    def enc(value: str | None) -> str | None:
        return url_encode(value, encoding == "url")

    output: dict[str, Any] = {
        "Bucket": bucket.name,
        "KeyMarker": enc(key_marker),
        "UploadIdMarker": id_marker,
        "MaxUploads": max_uploads,
        "IsTruncated": truncated,
        "Prefix": enc(prefix) or None,
        "Delimiter": enc(delimiter) or None,
        "EncodingType": encoding,
        "Uploads": [_upload_entry(s3, u, enc(u.key)) for u in uploads] or None,
        "CommonPrefixes": [{"Prefix": enc(p)} for p in prefixes] or None,
    }
    if truncated and isinstance(last, Upload):
        output["NextKeyMarker"] = enc(last.key)
        output["NextUploadIdMarker"] = last.upload_id
    elif truncated and last is not None:
        output["NextKeyMarker"] = enc(last)
    return output


def _upload_entry(s3: S3, upload: Upload, key: str | None) -> dict[str, Any]:
    owner = s3.owner(upload.owner)
    entry = {
        "UploadId": upload.upload_id,
        "Key": key,
        "Initiated": upload.initiated,
        "StorageClass": upload.storage_class,
        "Owner": owner,
        "Initiator": owner,
    }
    if upload.checksum_algorithm:
        entry["ChecksumAlgorithm"] = upload.checksum_algorithm
        entry["ChecksumType"] = upload.checksum_type
    return entry


def _common_prefix(key: str, prefix: str, delimiter: str) -> str | None:
    if not delimiter:
        return None
    index = key.find(delimiter, len(prefix))
    return key[: index + len(delimiter)] if index >= 0 else None
