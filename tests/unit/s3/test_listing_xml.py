"""The hand-written listing XML says exactly what the model-driven encoder says."""

from __future__ import annotations

from typing import Any

from cloudlet.protocol import specs, xml_codec
from cloudlet.services.s3.listing import url_encode
from cloudlet.services.s3.listing_xml import contents_xml, prefixes_xml
from cloudlet.services.s3.objects import ListedObject

RECORDS = [
    ListedObject("plain", 4096, '"0f343b0931126a20f133d67c2b018a3b"', 1790000000.25, "STANDARD",
                 "CRC64NVME", "FULL_OBJECT", "111111111111"),
    ListedObject("a <b> & \"c\" é\r\x01", 0, '"d41d8cd98f00b204e9800998ecf8427e-3"', 0.0,
                 "GLACIER", None, None, "222222222222"),
    ListedObject("folder/\U0001f600 x+y", 7, '"e"', 1790000001.999, "INTELLIGENT_TIERING",
                 "CRC32", "COMPOSITE", "111111111111"),
]  # fmt: skip


def owner(account: str) -> dict[str, Any]:
    return {"ID": f"canonical-{account}", "DisplayName": f"account-<{account}>"}


def generic(records: list[ListedObject], encode: bool, with_owner: bool) -> str:
    shape = specs.operation_model("s3", "ListObjectsV2").output_shape.members["Contents"]
    entries = []
    for r in records:
        entry: dict[str, Any] = {
            "Key": url_encode(r.key, encode),
            "LastModified": r.last_modified,
            "ETag": r.etag,
            "Size": r.size,
            "StorageClass": r.storage_class,
        }
        if r.checksum_algorithm:
            entry["ChecksumAlgorithm"] = [r.checksum_algorithm]
            entry["ChecksumType"] = r.checksum_type
        if with_owner:
            entry["Owner"] = owner(r.owner)
        entries.append(entry)
    out: list[str] = []
    xml_codec.encode(shape, entries, "Contents", out)
    return "".join(out)


def test_contents_match_the_generic_encoder() -> None:
    for encode in (False, True):
        assert contents_xml(RECORDS, encode, None) == generic(RECORDS, encode, False)
        assert contents_xml(RECORDS, encode, owner) == generic(RECORDS, encode, True)


def test_common_prefixes_match_the_generic_encoder() -> None:
    shape = specs.operation_model("s3", "ListObjectsV2").output_shape.members["CommonPrefixes"]
    prefixes = ["a/", "<&>/", "\U0001f600 /"]
    for encode in (False, True):
        out: list[str] = []
        entries = [{"Prefix": url_encode(p, encode)} for p in prefixes]
        xml_codec.encode(shape, entries, "CommonPrefixes", out)
        assert prefixes_xml(prefixes, encode) == "".join(out)
