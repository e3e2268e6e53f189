"""The checksums S3 speaks: MD5 (ETag), CRC32, CRC32C, CRC64NVME, SHA1, SHA256.

Each is an incremental hasher with one interface so uploads hash while they stream.
The CRCs come from awscrt (C, the same code the AWS SDKs use).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Protocol

from awscrt import checksums as crt

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")


class Hasher(Protocol):
    def update(self, data: bytes) -> None: ...
    def digest(self) -> bytes: ...


class _Crc:
    __slots__ = ("_fn", "_value", "_width")

    def __init__(self, fn: object, width: int) -> None:
        self._fn = fn
        self._value = 0
        self._width = width

    def update(self, data: bytes) -> None:
        self._value = self._fn(data, self._value)  # type: ignore[operator]

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width, "big")


def hasher(algorithm: str) -> Hasher:
    algo = algorithm.upper()
    if algo == "CRC32":
        return _Crc(crt.crc32, 4)
    if algo == "CRC32C":
        return _Crc(crt.crc32c, 4)
    if algo == "CRC64NVME":
        return _Crc(crt.crc64nvme, 8)
    if algo == "SHA1":
        return hashlib.sha1()
    if algo == "SHA256":
        return hashlib.sha256()
    if algo == "MD5":
        return hashlib.md5()
    raise ValueError(f"unknown checksum algorithm {algorithm}")


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def header_name(algorithm: str) -> str:
    return f"x-amz-checksum-{algorithm.lower()}"


def algorithm_of_header(name: str) -> str | None:
    lname = name.lower()
    if lname.startswith("x-amz-checksum-"):
        algo = lname[len("x-amz-checksum-") :].upper()
        if algo in ALGORITHMS:
            return algo
    return None


def combine_crc(algorithm: str, parts: list[tuple[bytes, int]]) -> bytes:
    """The CRC of a whole object from its parts' CRCs and lengths (FULL_OBJECT checksums)."""
    fn = {
        "CRC32": crt.combine_crc32,
        "CRC32C": crt.combine_crc32c,
        "CRC64NVME": crt.combine_crc64nvme,
    }[algorithm]
    width = 8 if algorithm == "CRC64NVME" else 4
    value = None
    for digest, length in parts:
        crc = int.from_bytes(digest, "big")
        value = crc if value is None else fn(value, crc, length)
    return (value or 0).to_bytes(width, "big")
