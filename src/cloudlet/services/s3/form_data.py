"""A streaming ``multipart/form-data`` reader for browser POST uploads.

Fields before the file are small and read whole; the ``file`` field's bytes are handed
out as they arrive, holding back only enough to recognise the closing boundary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from cloudlet.protocol.http import BodyStream
from cloudlet.services.s3.errors import MalformedPOSTRequest

MAX_FIELD = 64 * 1024
MAX_FIELDS_TOTAL = 1024 * 1024


@dataclass(slots=True)
class FormHeader:
    name: str
    filename: str | None = None
    content_type: str | None = None


@dataclass(slots=True)
class FormReader:
    stream: BodyStream
    boundary: bytes
    buffer: bytearray = field(default_factory=bytearray)
    eof: bool = False

    async def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = await self.stream.read_chunk()
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        return True

    async def _until(self, marker: bytes, limit: int) -> bytes:
        while True:
            index = self.buffer.find(marker)
            if index >= 0:
                data = bytes(self.buffer[:index])
                del self.buffer[: index + len(marker)]
                return data
            if len(self.buffer) > limit:
                raise MalformedPOSTRequest()
            if not await self._fill():
                raise MalformedPOSTRequest()

    async def start(self) -> None:
        """Skip the preamble up to the first boundary line."""
        await self._until(b"--" + self.boundary + b"\r\n", MAX_FIELD)

    async def next_header(self) -> FormHeader | None:
        raw = await self._until(b"\r\n\r\n", MAX_FIELD)
        name = filename = content_type = None
        for line in raw.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            if key.strip().lower() == "content-disposition":
                for part in value.split(";"):
                    k, _, v = part.strip().partition("=")
                    v = v.strip().strip('"')
                    if k.lower() == "name":
                        name = v
                    elif k.lower() == "filename":
                        filename = v
            elif key.strip().lower() == "content-type":
                content_type = value.strip()
        if name is None:
            raise MalformedPOSTRequest()
        return FormHeader(name, filename, content_type)

    async def field_value(self) -> tuple[bytes, bool]:
        """A small field's value, and whether it was the last field."""
        value = await self._until(b"\r\n--" + self.boundary, MAX_FIELD)
        return value, await self._after_boundary()

    async def _after_boundary(self) -> bool:
        while len(self.buffer) < 2:
            if not await self._fill():
                raise MalformedPOSTRequest()
        tail = bytes(self.buffer[:2])
        del self.buffer[:2]
        if tail == b"--":
            return True
        if tail != b"\r\n":
            raise MalformedPOSTRequest()
        return False

    async def file_chunks(self) -> AsyncIterator[bytes]:
        """The file field's bytes, streamed; ends at the next boundary."""
        marker = b"\r\n--" + self.boundary
        while True:
            index = self.buffer.find(marker)
            if index >= 0:
                if index:
                    yield bytes(self.buffer[:index])
                del self.buffer[: index + len(marker)]
                await self._after_boundary()
                return
            keep = len(marker) - 1
            if len(self.buffer) > keep:
                out = bytes(self.buffer[:-keep])
                del self.buffer[:-keep]
                yield out
            if not await self._fill():
                raise MalformedPOSTRequest()


def boundary_of(content_type: str) -> bytes | None:
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "boundary" and value:
            return value.strip('"').encode()
    return None
