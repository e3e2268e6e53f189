"""Listing keys: an index range scan, or with a delimiter a walk that jumps over whole
common prefixes.

With a delimiter, every key under a common prefix collapses into that prefix, so after
emitting one the walk seeks straight past it (to the prefix's successor) instead of
reading its keys: 10 folders of 100,000 keys each list in 10 seeks. ListObjects walks in
one SQL query (``Objects.walk``); ListObjectVersions still seeks from Python.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from urllib.parse import quote

from cloudlet.core.errors import InvalidArgument
from cloudlet.services.s3.objects import ListedObject, Objects, prefix_successor
from cloudlet.services.s3.versions import ListedVersion, Versions

BATCH = 1000
#: Rows read right after skipping a common prefix: the next key is often another prefix,
#: so read a few and grow, rather than a full batch thrown away after one row.
RESEEK_BATCH = 8


@dataclass(slots=True)
class Listing:
    contents: list[ListedObject] = field(default_factory=list)
    common_prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    #: The last key or common prefix returned: where the next page starts.
    last: str | None = None


def list_keys(
    objects: Objects,
    bucket: str,
    prefix: str,
    delimiter: str,
    start_after: str,
    max_keys: int,
    hide_markers: bool = False,
) -> Listing:
    """``hide_markers``: a versioned bucket's keys whose current version is a delete marker
    are not listed."""
    result = Listing()
    if max_keys <= 0:
        return result
    prefix_b, delim_b, marker_b = prefix.encode(), delimiter.encode(), start_after.encode()
    lower = max(marker_b + b"\x00", prefix_b) if marker_b else prefix_b
    if delim_b:
        # One step more than a page, and one for a first key that rolls up into a common
        # prefix the marker already passed.
        steps = objects.walk(bucket, lower, prefix_b, delim_b, max_keys + 2, hide_markers)
    else:
        steps = objects.scan(bucket, lower, True, prefix_b, max_keys + 1, hide_markers)
    for record in steps:
        common = None
        if delim_b:
            key_b = record.key.encode()
            index = key_b.find(delim_b, len(prefix_b))
            if index >= 0:
                common = key_b[: index + len(delim_b)]
                if common <= marker_b:
                    continue
        if len(result.contents) + len(result.common_prefixes) == max_keys:
            result.truncated = True
            return result
        if common is None:
            result.contents.append(record)
            result.last = record.key
        else:
            result.last = common.decode()
            result.common_prefixes.append(result.last)
    return result


@dataclass(slots=True)
class VersionListing:
    versions: list[ListedVersion] = field(default_factory=list)
    common_prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    #: The last key (or common prefix) and version returned: where the next page starts.
    next_key: str | None = None
    next_version: str | None = None

    def add(self, entry: ListedVersion, max_keys: int) -> bool:
        """Take one more entry; False (and truncated) when the page is already full."""
        if len(self.versions) + len(self.common_prefixes) >= max_keys:
            self.truncated = True
            return False
        self.versions.append(entry)
        self.next_key, self.next_version = entry.key, entry.version_id
        return True


def list_versions(
    versions: Versions,
    bucket: str,
    prefix: str,
    delimiter: str,
    key_marker: str,
    version_marker: str,
    max_keys: int,
) -> VersionListing:
    """ListObjectVersions: each key's versions newest first, keys in byte order.

    The same range scan as ``list_keys`` over current versions, each key followed by its
    noncurrent ones; a common prefix still costs one seek. The page resumes after
    ``version_marker`` within ``key_marker``'s versions, or after ``key_marker``.
    """
    result = VersionListing()
    prefix_b, delim_b, marker_b = prefix.encode(), delimiter.encode(), key_marker.encode()
    if max_keys <= 0:
        return result
    if key_marker and version_marker and _common(marker_b, prefix_b, delim_b) is None:
        entries = _versions_of(versions, bucket, key_marker)
        ids = [e.version_id for e in entries]
        start = ids.index(version_marker) + 1 if version_marker in ids else len(ids)
        for entry in entries[start:]:
            if not result.add(entry, max_keys):
                return result
    cursor, inclusive = marker_b, False
    limit = RESEEK_BATCH if delim_b else min(max_keys + 1, BATCH)
    while True:
        batch = versions.scan_current(bucket, cursor, inclusive, prefix_b, limit)
        if not batch:
            return result
        older: dict[str, list[ListedVersion]] = {}
        if not delim_b:
            for entry in versions.scan_noncurrent(
                bucket, batch[0].key.encode(), batch[-1].key.encode()
            ):
                older.setdefault(entry.key, []).append(entry)
        reseek = False
        for current in batch:
            key_b = current.key.encode()
            common = _common(key_b, prefix_b, delim_b)
            if common is not None:
                if common > marker_b:
                    if len(result.versions) + len(result.common_prefixes) >= max_keys:
                        result.truncated = True
                        return result
                    result.common_prefixes.append(common.decode())
                    result.next_key, result.next_version = common.decode(), None
                successor = prefix_successor(common)
                if successor is None:
                    return result
                cursor, inclusive, reseek, limit = successor, True, True, RESEEK_BATCH
                break
            noncurrent = (
                older.get(current.key, [])
                if not delim_b
                else versions.scan_noncurrent(bucket, key_b, key_b)
            )
            for entry in (current, *noncurrent):
                if not result.add(entry, max_keys):
                    return result
            cursor, inclusive = key_b, False
        if not reseek:
            if len(batch) < limit:
                return result
            limit = min(limit * 4, BATCH)


def _versions_of(versions: Versions, bucket: str, key: str) -> list[ListedVersion]:
    key_b = key.encode()
    current = versions.scan_current(bucket, key_b, True, key_b, 1)
    if not current or current[0].key != key:
        return []
    return [current[0], *versions.scan_noncurrent(bucket, key_b, key_b)]


def _common(key: bytes, prefix: bytes, delimiter: bytes) -> bytes | None:
    """The common prefix a key rolls up into under a delimiter, if any."""
    if not delimiter:
        return None
    index = key.find(delimiter, len(prefix))
    return key[: index + len(delimiter)] if index >= 0 else None


def encode_token(last: str) -> str:
    return base64.urlsafe_b64encode(last.encode()).decode()


def decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidArgument(
            "The continuation token provided is incorrect", ArgumentName="continuation-token"
        ) from None


def url_encode(value: str | None, enabled: bool) -> str | None:
    """``encoding-type=url``: keys travel percent-encoded (any byte XML cannot carry)."""
    if value is None or not enabled:
        return value
    return quote(value, safe="/")
