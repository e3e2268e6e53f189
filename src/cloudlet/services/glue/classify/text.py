"""Reading a sample of a text file: undo its compression, cut it at a whole line.

Glue classifies a file from its beginning (up to about 1 MB for text formats) and
detects gzip, bzip2 and zlib (``deflate``) compression by content, not by name.
"""

from __future__ import annotations

import bz2
import gzip
import io
import zlib
from typing import BinaryIO

SAMPLE_BYTES = 1024 * 1024


def compression_of(head: bytes) -> str:
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"BZh":
        return "bzip2"
    return "none"


def sample(stream: BinaryIO, limit: int = SAMPLE_BYTES) -> tuple[bytes, str, bool]:
    """(up to ``limit`` decompressed bytes ending at a line break, compression, complete)."""
    head = stream.read(4)
    stream.seek(0)
    compression = compression_of(head)
    reader: BinaryIO = stream
    if compression == "gzip":
        reader = gzip.GzipFile(fileobj=stream)  # type: ignore[assignment]
    elif compression == "bzip2":
        reader = bz2.BZ2File(stream)  # type: ignore[assignment]
    try:
        data = reader.read(limit + 1)
    except (OSError, EOFError, zlib.error):
        return b"", compression, False
    complete = len(data) <= limit
    if not complete:
        data = data[:limit]
        cut = data.rfind(b"\n")
        if cut > 0:
            data = data[: cut + 1]
    return data, compression, complete


def decode(data: bytes) -> str | None:
    """The sample as text, or None for binary data (Glue does not classify it as text)."""
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 4:  # a character cut at the sample's end
            return data[: exc.start].decode("utf-8")
        try:
            return data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes everything
            return None


def wrap(data: bytes) -> BinaryIO:
    return io.BytesIO(data)
