"""Tag sets: validation shared by buckets and objects, and the ``x-amz-tagging`` header form."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from cloudlet.services.s3.errors import InvalidTag

#: Letters, digits and spaces in any script, and ``+ - = . _ : / @``.
_ALLOWED = re.compile(r"^[\w\s.:/=+\-@]*$")
#: The same mistake is worded differently for the two kinds of tag sets.
_RESERVED = {
    "bucket": "System tags cannot be added/updated by requester",
    "object": "Your TagKey cannot be prefixed with aws:",
}


def validate_tags(tags: list[tuple[str, str]], limit: int, kind: str = "object") -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html"""
    if len(tags) > limit:
        raise InvalidTag(f"Object tags cannot be greater than {limit}")
    seen: set[str] = set()
    for key, value in tags:
        if key in seen:
            raise InvalidTag("Cannot provide multiple Tags with the same key", TagKey=key)
        seen.add(key)
        if key.startswith("aws:"):
            raise InvalidTag(_RESERVED[kind], TagKey=key)
        if not key or len(key) > 128 or not _ALLOWED.match(key):
            raise InvalidTag("The TagKey you have provided is invalid", TagKey=key)
        if len(value) > 256 or not _ALLOWED.match(value):
            raise InvalidTag("The TagValue you have provided is invalid", TagKey=key)


def parse_tagging_header(header: str) -> list[tuple[str, str]]:
    """``x-amz-tagging: k1=v1&k2=v2`` (URL query form)."""
    tags = parse_qsl(header, keep_blank_values=True)
    validate_tags(tags, limit=10)
    return tags
