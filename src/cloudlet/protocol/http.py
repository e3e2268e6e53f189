"""The HTTP request and response as the protocol layer sees them, independent of ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote


class Headers:
    """Case-insensitive request headers; repeated headers are joined with commas as HTTP allows."""

    __slots__ = ("_items", "_map")

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._items = items
        self._map: dict[str, str] = {}
        for name, value in items:
            key = name.lower()
            self._map[key] = f"{self._map[key]},{value}" if key in self._map else value

    def get(self, name: str, default: str | None = None) -> str | None:
        # Callers nearly always ask in lower case: lower-casing only on a miss saves a string
        # per lookup, and a request makes dozens.
        value = self._map.get(name)
        return value if value is not None else self._map.get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return self._map[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def items(self) -> list[tuple[str, str]]:
        """Lower-case names with their (joined) values."""
        return list(self._map.items())

    def raw(self) -> list[tuple[str, str]]:
        return list(self._items)


class BodyStream:
    """An incoming request body read chunk by chunk, never held whole in memory.

    ``read_chunk`` returns ``b""`` at the end. Decoders (aws-chunked, signature checks)
    wrap one stream in another with the same interface.
    """

    def __init__(self, receive: Callable[[], Any], length: int | None) -> None:
        self._receive = receive
        self.length = length
        self._done = False
        self.received = 0

    async def read_chunk(self) -> bytes:
        while not self._done:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected()
            chunk = message.get("body", b"")
            if not message.get("more_body", False):
                self._done = True
            if chunk:
                self.received += len(chunk)
                return chunk
        return b""

    async def read_all(self, limit: int | None = None) -> bytes:
        parts: list[bytes] = []
        size = 0
        while chunk := await self.read_chunk():
            size += len(chunk)
            if limit is not None and size > limit:
                raise BodyTooLarge(limit)
            parts.append(chunk)
        return b"".join(parts)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while chunk := await self.read_chunk():
            yield chunk


class ClientDisconnected(Exception):
    """The client hung up before sending the whole body."""


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body larger than {limit} bytes")
        self.limit = limit


@dataclass(slots=True)
class HttpRequest:
    method: str
    raw_path: str  # percent-encoded, as sent
    raw_query: str
    headers: Headers
    host: str = ""
    client_ip: str = ""
    scheme: str = "http"
    body: bytes = b""
    stream: BodyStream | None = None
    #: The path as the client sent (and signed) it, before virtual-host rewriting.
    sent_path: str = ""
    virtual_host: bool = False
    #: The operation routing chose and its raw URI labels, so parsing need not match again.
    route_op: str = ""
    route_labels: dict[str, str] | None = None
    _query: list[tuple[str, str]] | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return unquote(self.raw_path)

    @property
    def query(self) -> list[tuple[str, str]]:
        if self._query is None:
            self._query = parse_qsl(self.raw_query, keep_blank_values=True)
        return self._query

    def query_dict(self) -> dict[str, str]:
        """First value of each query parameter."""
        result: dict[str, str] = {}
        for key, value in self.query:
            result.setdefault(key, value)
        return result


@dataclass(slots=True)
class FileBody:
    """A response body served from regions of files (a multipart object spans several)."""

    segments: list[tuple[str, int, int]]  # (path, offset, length)

    @property
    def length(self) -> int:
        return sum(length for _, _, length in self.segments)


@dataclass(slots=True)
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | FileBody | AsyncIterator[bytes] = b""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None
