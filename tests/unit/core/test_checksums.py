"""Checksums with published check values ("123456789"), and CRC combination for parts."""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest

from cloudlet.core import checksums

CHECK = b"123456789"


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("CRC32", "cbf43926"),  # CRC-32/ISO-HDLC check value
        ("CRC32C", "e3069283"),  # CRC-32/ISCSI
        ("CRC64NVME", "ae8b14860a799888"),  # CRC-64/NVME
        ("SHA1", hashlib.sha1(CHECK).hexdigest()),
        ("SHA256", hashlib.sha256(CHECK).hexdigest()),
        ("MD5", hashlib.md5(CHECK).hexdigest()),
        ("crc32c", "e3069283"),  # names are case-insensitive
    ],
)
def test_check_values(algorithm: str, expected: str) -> None:
    hasher = checksums.hasher(algorithm)
    hasher.update(CHECK[:4])
    hasher.update(b"")
    hasher.update(CHECK[4:])
    assert hasher.digest().hex() == expected


def test_empty_input() -> None:
    assert checksums.hasher("CRC32").digest() == b"\x00\x00\x00\x00"
    assert checksums.hasher("CRC64NVME").digest() == bytes(8)


def test_crc32_agrees_with_zlib_and_botocore_encoding() -> None:
    data = bytes(range(256)) * 100
    hasher = checksums.hasher("CRC32")
    hasher.update(data)
    assert int.from_bytes(hasher.digest(), "big") == zlib.crc32(data)
    assert (
        checksums.b64(hasher.digest())
        == base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    )
    # The documented trailer example: CRC32C of 66560 bytes of 'a'.
    crc32c = checksums.hasher("CRC32C")
    crc32c.update(b"a" * 66560)
    assert checksums.b64(crc32c.digest()) == "sOO8/Q=="


def test_unknown_algorithm() -> None:
    with pytest.raises(ValueError):
        checksums.hasher("CRC16")


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME"])
def test_combine_crc_equals_crc_of_the_whole(algorithm: str) -> None:
    data = bytes(range(251)) * 300
    cuts = [0, 1, 5000, 5001, 40000, len(data)]
    parts = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        hasher = checksums.hasher(algorithm)
        hasher.update(data[start:end])
        parts.append((hasher.digest(), end - start))
    whole = checksums.hasher(algorithm)
    whole.update(data)
    assert checksums.combine_crc(algorithm, parts) == whole.digest()
    assert checksums.combine_crc(algorithm, parts[:1]) == parts[0][0]


def test_combine_crc_of_no_parts_is_zero() -> None:
    assert checksums.combine_crc("CRC32", []) == bytes(4)
    assert checksums.combine_crc("CRC64NVME", []) == bytes(8)


def test_header_names() -> None:
    assert checksums.header_name("CRC64NVME") == "x-amz-checksum-crc64nvme"
    assert checksums.algorithm_of_header("X-Amz-Checksum-CRC32C") == "CRC32C"
    assert checksums.algorithm_of_header("x-amz-checksum-sha256") == "SHA256"
    assert checksums.algorithm_of_header("x-amz-checksum-md5") is None
    assert checksums.algorithm_of_header("x-amz-checksum-type") is None
    assert checksums.algorithm_of_header("content-md5") is None
