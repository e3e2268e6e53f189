"""Decoding ``aws-chunked`` request bodies, verifying each chunk's signature on the way.

Wire format (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html)::

    <hex-size>[;chunk-signature=<sig>]\r\n<bytes>\r\n ... 0[;chunk-signature=<sig>]\r\n
    [<trailer-name>:<value>\r\n ... [x-amz-trailer-signature:<sig>\r\n]]\r\n

Decoded bytes are handed on as they arrive; a chunk whose signature is wrong raises when its
last byte has been read, before the upload can be committed.
"""

from __future__ import annotations

import hashlib
import hmac

from cloudlet.auth import sigv4
from cloudlet.core.errors import IncompleteBody, SignatureDoesNotMatch, error
from cloudlet.protocol.http import BodyStream

_MAX_LINE = 4096


class ChunkSigning:
    """What chunk signatures chain from: the seed (header) signature and the signing key."""

    __slots__ = ("amz_date", "key", "previous", "scope")

    def __init__(self, key: bytes, amz_date: str, scope: str, seed_signature: str) -> None:
        self.key = key
        self.amz_date = amz_date
        self.scope = scope
        self.previous = seed_signature


class AwsChunkedStream(BodyStream):
    def __init__(
        self,
        inner: BodyStream,
        signing: ChunkSigning | None,
        expect_trailer: bool,
        decoded_length: int | None,
    ) -> None:
        self._inner = inner
        self._signing = signing
        self._expect_trailer = expect_trailer
        self.length = decoded_length
        self.received = 0
        self.trailers: dict[str, str] = {}
        self._buffer = bytearray()
        self._remaining = 0  # data bytes left in the current chunk
        self._chunk_hash: hashlib._Hash | None = None
        self._chunk_sig = ""
        self._finished = False
        self._eof = False

    async def _fill(self) -> bool:
        if self._eof:
            return False
        data = await self._inner.read_chunk()
        if not data:
            self._eof = True
            return False
        self._buffer += data
        return True

    async def _line(self) -> bytes:
        while True:
            index = self._buffer.find(b"\r\n")
            if index >= 0:
                line = bytes(self._buffer[:index])
                del self._buffer[: index + 2]
                return line
            if len(self._buffer) > _MAX_LINE:
                raise error("InvalidRequest", "aws-chunked line too long")
            if not await self._fill():
                raise IncompleteBody()

    async def read_chunk(self) -> bytes:
        while not self._finished:
            if self._remaining == 0:
                await self._start_chunk()
                continue
            if not self._buffer and not await self._fill():
                raise IncompleteBody()
            take = min(self._remaining, len(self._buffer))
            data = bytes(self._buffer[:take])
            del self._buffer[:take]
            self._remaining -= take
            if self._chunk_hash is not None:
                self._chunk_hash.update(data)
            if self._remaining == 0:
                await self._end_chunk()
            self.received += len(data)
            return data
        return b""

    async def _start_chunk(self) -> None:
        line = await self._line()
        size_text, _, ext = line.partition(b";")
        try:
            size = int(size_text.strip(), 16)
        except ValueError:
            raise error("IncompleteBody", "Invalid aws-chunked chunk header") from None
        if size < 0:
            raise error("IncompleteBody", "Invalid aws-chunked chunk header")
        self._chunk_sig = ""
        if ext.startswith(b"chunk-signature="):
            self._chunk_sig = ext[len(b"chunk-signature=") :].decode("ascii", "replace").strip()
        if self._signing is not None:
            if not self._chunk_sig:
                raise SignatureDoesNotMatch("Missing chunk signature")
            self._chunk_hash = hashlib.sha256()
        if size == 0:
            self._verify_chunk()
            await self._read_trailers()
            self._finished = True
            if self.length is not None and self.received != self.length:
                raise IncompleteBody()
            return
        self._remaining = size

    async def _end_chunk(self) -> None:
        self._verify_chunk()
        while len(self._buffer) < 2:
            if not await self._fill():
                raise IncompleteBody()
        if bytes(self._buffer[:2]) != b"\r\n":
            raise error("IncompleteBody", "aws-chunked chunk not terminated by CRLF")
        del self._buffer[:2]

    def _verify_chunk(self) -> None:
        signing = self._signing
        if signing is None:
            return
        digest = (self._chunk_hash or hashlib.sha256()).hexdigest()
        to_sign = sigv4.chunk_string_to_sign(
            signing.amz_date, signing.scope, signing.previous, digest
        )
        expected = sigv4.sign(signing.key, to_sign)
        if not hmac.compare_digest(expected, self._chunk_sig.lower()):
            raise SignatureDoesNotMatch()
        signing.previous = expected

    async def _read_trailers(self) -> None:
        trailer_lines: list[bytes] = []
        signature = ""
        while True:
            if not self._buffer and not await self._fill():
                break  # some clients end the body right after the last chunk
            line = await self._line()
            if not line:
                break
            name, _, value = line.decode("utf-8", "replace").partition(":")
            name = name.strip().lower()
            if name == "x-amz-trailer-signature":
                signature = value.strip()
            else:
                self.trailers[name] = value.strip()
                trailer_lines.append(f"{name}:{value.strip()}\n".encode())
        if self._signing is not None and self._expect_trailer:
            digest = hashlib.sha256(b"".join(trailer_lines)).hexdigest()
            to_sign = sigv4.trailer_string_to_sign(
                self._signing.amz_date, self._signing.scope, self._signing.previous, digest
            )
            if not hmac.compare_digest(sigv4.sign(self._signing.key, to_sign), signature.lower()):
                raise SignatureDoesNotMatch()


class HashCheckedStream(BodyStream):
    """A body signed with its SHA-256: the digest is checked once the last byte is read."""

    def __init__(self, inner: BodyStream, declared: str) -> None:
        self._inner = inner
        self._declared = declared.lower()
        self._hash = hashlib.sha256()
        self.length = inner.length
        self.received = 0
        self.trailers: dict[str, str] = {}

    async def read_chunk(self) -> bytes:
        data = await self._inner.read_chunk()
        if data:
            self._hash.update(data)
            self.received += len(data)
            return data
        actual = self._hash.hexdigest()
        if actual != self._declared:
            sigv4.raise_content_mismatch(self._declared, actual)
        return b""
