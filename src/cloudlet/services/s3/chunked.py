"""Chunked AES-256-GCM: how an encrypted object's bytes sit in its blob files.

A blob is an 8-byte random nonce prefix, then the plaintext in 64 KiB chunks, each sealed
on its own (ciphertext + 16-byte tag). Chunk ``i``'s nonce is the prefix and ``i``, and its
associated data says whether it is the last, so chunks cannot be reordered, swapped between
blobs or cut off. A ranged read opens only the chunks it needs; nothing holds more than a
batch of chunks in memory.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Executor

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CHUNK = 64 * 1024
TAG = 16
HEADER = 8
#: Chunks read per thread hop (1 MiB of plaintext).
BATCH = 16


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


def _aad(last: bool) -> bytes:
    return b"\x01" if last else b"\x00"


class Sealer:
    """Turns a stream of plaintext into a blob's bytes; ``close`` seals the last chunk."""

    __slots__ = ("_aead", "_buffer", "_index", "_prefix", "_started")

    def __init__(self, data_key: bytes) -> None:
        self._aead = AESGCM(data_key)
        self._prefix = secrets.token_bytes(HEADER)
        self._buffer = bytearray()
        self._index = 0
        self._started = False

    def _start(self) -> list[bytes]:
        if self._started:
            return []
        self._started = True
        return [self._prefix]

    def _seal(self, chunk: bytes, last: bool) -> bytes:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index), chunk, _aad(last))
        self._index += 1
        return sealed

    def feed(self, data: bytes) -> bytes:
        out = self._start()
        self._buffer += data
        # Keep the tail: only ``close`` knows which chunk is the last.
        while len(self._buffer) > CHUNK:
            out.append(self._seal(bytes(self._buffer[:CHUNK]), False))
            del self._buffer[:CHUNK]
        return b"".join(out)

    def close(self) -> bytes:
        out = self._start()
        out.append(self._seal(bytes(self._buffer), True))
        self._buffer.clear()
        return b"".join(out)


def chunk_count(size: int) -> int:
    return max(1, -(-size // CHUNK))


def open_range(path: str, data_key: bytes, size: int, first: int, length: int) -> Iterator[bytes]:
    """Plaintext bytes ``first .. first+length`` of a blob holding ``size`` plaintext bytes."""
    if length <= 0:
        return
    aead = AESGCM(data_key)
    count = chunk_count(size)
    end = first + length
    fd = os.open(path, os.O_RDONLY)
    try:
        prefix = os.pread(fd, HEADER, 0)
        index, last_index = first // CHUNK, (end - 1) // CHUNK
        while index <= last_index:
            batch = min(BATCH, last_index - index + 1)
            sizes = [min(CHUNK, size - (index + n) * CHUNK) for n in range(batch)]
            raw = os.pread(fd, sum(sizes) + TAG * batch, HEADER + index * (CHUNK + TAG))
            pieces, offset = [], 0
            for n, plain_size in enumerate(sizes):
                sealed = raw[offset : offset + plain_size + TAG]
                offset += plain_size + TAG
                i = index + n
                plain = aead.decrypt(_nonce(prefix, i), sealed, _aad(i == count - 1))
                lo = max(first - i * CHUNK, 0)
                hi = min(end - i * CHUNK, plain_size)
                pieces.append(plain[lo:hi])
            index += batch
            yield b"".join(pieces)
    finally:
        os.close(fd)


async def stream(
    executor: Executor, pieces: list[tuple[str, bytes, int, int, int]]
) -> AsyncIterator[bytes]:
    """Decrypt ``(path, data key, blob size, first, length)`` pieces off the event loop."""
    loop = asyncio.get_running_loop()
    for piece in pieces:
        reader = open_range(*piece)
        while (data := await loop.run_in_executor(executor, next, reader, None)) is not None:
            yield data


def read_all(pieces: list[tuple[str, bytes, int, int, int]]) -> Iterator[bytes]:
    """The same, in the calling thread (copies)."""
    for piece in pieces:
        yield from open_range(*piece)
