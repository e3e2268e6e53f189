"""Receiving object bytes: stream the body into a blob, hashing, then check what the client claimed.

Content-MD5 must match (BadDigest); a ``x-amz-checksum-*`` value sent as a header or as an
aws-chunked trailer must match the bytes received; with no checksum named, S3 computes
CRC64NVME, so do we. Nothing is visible until the caller commits the metadata row.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cloudlet.core import checksums
from cloudlet.core.errors import IncompleteBody, InvalidRequest
from cloudlet.protocol.http import BodyStream
from cloudlet.services.s3.blobs import BlobWriter
from cloudlet.services.s3.errors import (
    BadDigest,
    EntityTooLarge,
    InvalidDigest,
    MissingContentLength,
)

if TYPE_CHECKING:
    from cloudlet.services.base import RequestContext
    from cloudlet.services.s3.handlers import S3

MAX_SINGLE_PUT = 5 * 1024**3
DEFAULT_CHECKSUM = "CRC64NVME"
#: Flush to the file in pieces this big: fewer syscalls than one write per network chunk.
WRITE_BUFFER = 1024 * 1024


@dataclass(slots=True)
class Received:
    writer: BlobWriter
    etag: str  # quoted
    checksum: dict[str, str]  # {"algorithm", "value", "type"}

    @property
    def size(self) -> int:
        return self.writer.size


def declared_length(ctx: RequestContext) -> int | None:
    headers = ctx.request.headers
    decoded = headers.get("x-amz-decoded-content-length")
    length = decoded if decoded is not None else headers.get("content-length")
    if length is None or not length.strip().isdigit():
        return None
    return int(length)


def requested_checksum(
    params: dict[str, Any], ctx: RequestContext
) -> tuple[str | None, str | None]:
    """(algorithm, expected base64 value or None if it comes in the trailer)."""
    for algorithm in checksums.ALGORITHMS:
        value = params.get(f"Checksum{algorithm}")
        if value:
            return algorithm, value
    trailer = (ctx.request.headers.get("x-amz-trailer") or "").strip().lower()
    algorithm_from_trailer = checksums.algorithm_of_header(trailer) if trailer else None
    if algorithm_from_trailer:
        return algorithm_from_trailer, None
    named = params.get("ChecksumAlgorithm")
    if named:
        named = named.upper()
        if named not in checksums.ALGORITHMS:
            raise InvalidRequest(f"Checksum algorithm {named} is not supported")
        return named, None
    return None, None


async def receive(
    s3: S3,
    ctx: RequestContext,
    params: dict[str, Any],
    body: Any,
    max_size: int = MAX_SINGLE_PUT,
    finish: bool = True,
    data_key: bytes | None = None,
) -> Received:
    """Write the request body to a new blob and verify it; the caller commits or aborts.

    With ``finish=False`` the blob is left open for the caller to make durable (and close)
    in the same thread hop as its commit. With a ``data_key`` the blob holds ciphertext.
    """
    length = declared_length(ctx)
    if length is None and isinstance(body, BodyStream):
        raise MissingContentLength()
    if length is not None and length > max_size:
        raise EntityTooLarge(ProposedSize=length, MaxSizeAllowed=max_size)
    algorithm, expected = requested_checksum(params, ctx)
    writer = s3.blobs.writer([algorithm or DEFAULT_CHECKSUM])
    writer.encrypt_with(data_key)
    loop = asyncio.get_running_loop()
    in_flight: asyncio.Future[None] | None = None
    try:
        if isinstance(body, BodyStream):
            pending: list[bytes] = []
            pending_size = 0
            received = 0
            while chunk := await body.read_chunk():
                pending.append(chunk)
                pending_size += len(chunk)
                received += len(chunk)
                if received > max_size:
                    raise EntityTooLarge(MaxSizeAllowed=max_size)
                if pending_size >= WRITE_BUFFER:
                    # Hash and write this buffer in a thread while the loop receives the
                    # next one (hashlib releases the GIL): one buffer in flight keeps order
                    # and memory bounded.
                    if in_flight is not None:
                        await in_flight
                    in_flight = loop.run_in_executor(
                        s3.cloud.executor, writer.write, b"".join(pending)
                    )
                    pending, pending_size = [], 0
            if in_flight is not None:
                await in_flight
                in_flight = None
            if pending:
                writer.write(b"".join(pending))
            trailers = getattr(body, "trailers", {})
        else:
            writer.write(body or b"")
            trailers = {}
        if length is not None and writer.size != length:
            raise IncompleteBody()
        if finish:
            await loop.run_in_executor(s3.cloud.executor, writer.finish)
        md5 = writer.md5.digest()
        check_content_md5(params.get("ContentMD5"), md5)
        algo = algorithm or DEFAULT_CHECKSUM
        actual = checksums.b64(writer.checksums[algo].digest())
        if algorithm is not None:
            claimed = expected or trailers.get(checksums.header_name(algorithm))
            if claimed is not None and claimed != actual:
                raise BadDigest(
                    f"The {algorithm} you specified did not match the calculated checksum."
                )
        return Received(
            writer, f'"{md5.hex()}"', {"algorithm": algo, "value": actual, "type": "FULL_OBJECT"}
        )
    except BaseException:
        if in_flight is not None:
            await asyncio.wait([in_flight])  # the thread must be done with the file
        writer.abort()
        raise


def check_content_md5(header: str | None, md5: bytes) -> None:
    if header is None:
        return
    try:
        claimed = base64.b64decode(header, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidDigest(Content_MD5=header) from None
    if len(claimed) != 16:
        raise InvalidDigest(Content_MD5=header)
    if claimed != md5:
        raise BadDigest(ExpectedDigest=header, CalculatedDigest=base64.b64encode(md5).decode())
