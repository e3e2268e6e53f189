"""Listing keys: an index range scan that jumps over whole common prefixes.

With a delimiter, every key under a common prefix collapses into that prefix, so after
emitting one the scan seeks straight past it (to the prefix's successor) instead of
walking its keys: 10 folders of 100,000 keys each list in 10 seeks.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from urllib.parse import quote

from cloudlet.core.errors import InvalidArgument
from cloudlet.services.s3.objects import ListedObject, Objects, prefix_successor

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
    objects: Objects, bucket: str, prefix: str, delimiter: str, start_after: str, max_keys: int
) -> Listing:
    result = Listing()
    if max_keys <= 0:
        return result
    prefix_b, delim_b, marker_b = prefix.encode(), delimiter.encode(), start_after.encode()
    cursor, inclusive = marker_b, False
    count = 0
    # With a delimiter the first key may stand for a whole folder: start small.
    limit = RESEEK_BATCH if delim_b else min(max_keys + 1, BATCH)
    while True:
        batch = objects.scan(bucket, cursor, inclusive, prefix_b, limit)
        if not batch:
            return result
        reseek = False
        for record in batch:
            key_b = record.key.encode()
            if delim_b:
                index = key_b.find(delim_b, len(prefix_b))
                if index >= 0:
                    common = key_b[: index + len(delim_b)]
                    successor = prefix_successor(common)
                    if common > marker_b:
                        if count == max_keys:
                            result.truncated = True
                            return result
                        result.common_prefixes.append(common.decode())
                        result.last = common.decode()
                        count += 1
                    if successor is None:
                        return result
                    cursor, inclusive, reseek = successor, True, True
                    limit = RESEEK_BATCH
                    break
            if count == max_keys:
                result.truncated = True
                return result
            result.contents.append(record)
            result.last = record.key
            count += 1
            cursor, inclusive = key_b, False
        if not reseek:
            if len(batch) < limit:
                return result
            limit = min(limit * 4, BATCH)


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
