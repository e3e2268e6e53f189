"""Object bytes on disk, behind a small interface: write (hashing as it goes), open, delete.

A blob is a file named by a random id, so keys never become file names: ``../../x``,
1,024-byte keys and ``a`` beside ``a/b`` are all just rows in the metadata store. A blob
becomes visible only when the metadata row that names it commits; files left behind by
a crash are unreferenced and removed by ``remove_orphans`` on the next start.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from cloudlet.core.checksums import Hasher, hasher
from cloudlet.services.s3.chunked import Sealer


class BlobWriter:
    """One blob being written: bytes go to its file and through its hashers.

    The file is created only when the bytes outgrow ``BUFFERED`` or at ``finish``: a small
    body stays in memory until the thread that makes it durable creates, writes and syncs
    the file in one go. Creating a file waits on its directory, behind other uploads'
    syncs; done on the event loop, that wait stalled every request of the worker.
    """

    __slots__ = (
        "_buffer", "_buffered", "_closed", "_fd", "_sealer", "_store", "blob_id", "checksums",
        "md5", "path", "size",
    )  # fmt: skip

    #: Bytes held in memory before the file is created.
    BUFFERED = 1024 * 1024

    def __init__(self, store: BlobStore, checksum_algorithms: Iterable[str] = ()) -> None:
        self._store = store
        self.blob_id = secrets.token_hex(16)
        self.path = store.path(self.blob_id)
        self._fd: int | None = None
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._closed = False
        self.size = 0
        self.md5 = hashlib.md5()
        self.checksums: dict[str, Hasher] = {a: hasher(a) for a in checksum_algorithms}
        self._sealer: Sealer | None = None

    def encrypt_with(self, data_key: bytes | None) -> None:
        """Write ciphertext under ``data_key`` (see ``chunked.py``); the hashes see plaintext."""
        if data_key is not None:
            self._sealer = Sealer(data_key)

    def add_checksum(self, algorithm: str) -> None:
        if algorithm not in self.checksums:
            if self.size:
                raise ValueError("checksum algorithms must be chosen before the first byte")
            self.checksums[algorithm] = hasher(algorithm)

    def write(self, data: bytes) -> None:
        self._write(self._sealer.feed(data) if self._sealer is not None else data)
        self.md5.update(data)
        for h in self.checksums.values():
            h.update(data)
        self.size += len(data)

    def _write(self, data: bytes) -> None:
        if self._fd is None:
            if self._buffered + len(data) <= self.BUFFERED:
                self._buffer.append(data)
                self._buffered += len(data)
                return
            self._open()
        assert self._fd is not None
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]

    def _open(self) -> None:
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        buffered, self._buffer, self._buffered = self._buffer, [], 0
        for data in buffered:
            self._write(data)

    def finish(self) -> None:
        """Make the bytes durable (per the store's durability) and close the file."""
        if self._sealer is not None:
            self._write(self._sealer.close())
            self._sealer = None
        if self._fd is None:
            self._open()
        assert self._fd is not None
        if self._store.fsync:
            os.fsync(self._fd)
        os.close(self._fd)
        self._closed = True

    def abort(self) -> None:
        if not self._closed and self._fd is not None:
            os.close(self._fd)
        self._closed = True
        self._buffer, self._buffered = [], 0
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class BlobStore:
    def __init__(self, root: Path, fsync: bool = True) -> None:
        self.root = root
        self.fsync = fsync
        self.started = time.time()
        root.mkdir(parents=True, exist_ok=True)
        for index in range(256):
            (root / f"{index:02x}").mkdir(exist_ok=True)

    def path(self, blob_id: str) -> str:
        return f"{self.root}/{blob_id[:2]}/{blob_id}"

    def writer(self, checksum_algorithms: Iterable[str] = ()) -> BlobWriter:
        return BlobWriter(self, checksum_algorithms)

    def delete(self, blob_ids: Iterable[str]) -> None:
        for blob_id in blob_ids:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path(blob_id))

    def remove_orphans(self, referenced: Callable[[], set[str]]) -> int:
        """Delete blobs no metadata row names, written before this process started.

        Newer files may belong to uploads in flight, so they are left alone. A hard link made
        for a copy keeps its source's mtime, but linking changes the inode's ctime: both count.
        """
        known = referenced()
        removed = 0
        for shard in self.root.iterdir():
            if not shard.is_dir():
                continue
            for entry in os.scandir(shard):
                if entry.name in known:
                    continue
                try:
                    stat = entry.stat()
                    if max(stat.st_mtime, stat.st_ctime) < self.started:
                        os.unlink(entry.path)
                        removed += 1
                except FileNotFoundError:
                    pass
        return removed

    def count(self) -> int:
        return sum(len(os.listdir(shard)) for shard in self.root.iterdir() if shard.is_dir())
