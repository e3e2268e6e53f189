"""HTTP preconditions and byte ranges, as S3 evaluates them (RFC 7232 / 7233 with S3's quirks)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from cloudlet.services.s3.errors import InvalidRange, NotModified, PreconditionFailed

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _etag_matches(condition: str, etag: str) -> bool:
    """``If-Match: "a", "b"`` or ``*``; quotes optional, as S3 accepts."""
    bare = etag.strip('"')
    for candidate in condition.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.strip('"') == bare:
            return True
    return False


def _seconds(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def check_read_preconditions(
    params: dict[str, Any], etag: str, last_modified: float, prefix: str = ""
) -> None:
    """GET/HEAD (and CopyObject with ``prefix="CopySource"``): 412 or 304, in S3's order.

    If-Match true makes If-Unmodified-Since moot; If-None-Match false makes
    If-Modified-Since moot (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
    """
    if_match = params.get(f"{prefix}IfMatch")
    if_none_match = params.get(f"{prefix}IfNoneMatch")
    modified_since = params.get(f"{prefix}IfModifiedSince")
    unmodified_since = params.get(f"{prefix}IfUnmodifiedSince")
    whole_second = int(last_modified)
    if if_match is not None:
        if not _etag_matches(if_match, etag):
            raise PreconditionFailed(Condition="If-Match")
    elif unmodified_since is not None and whole_second > _seconds(unmodified_since):
        raise PreconditionFailed(Condition="If-Unmodified-Since")
    not_modified = PreconditionFailed if prefix else NotModified
    if if_none_match is not None:
        if _etag_matches(if_none_match, etag):
            raise not_modified(Condition="If-None-Match")
    elif modified_since is not None and whole_second <= _seconds(modified_since):
        raise not_modified(Condition="If-Modified-Since")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive, or None for the whole object.

    A header S3 cannot parse is ignored (whole object, 200); a syntactically valid range that
    starts past the end is 416 InvalidRange.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # suffix: the last N bytes
        length = int(last_text)
        if length == 0:
            _unsatisfiable(header, size)
        return (max(size - length, 0), size - 1) if size else _unsatisfiable(header, size)
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        _unsatisfiable(header, size)
    return first, min(last, size - 1)


def _unsatisfiable(header: str, size: int) -> tuple[int, int]:
    error = InvalidRange(RangeRequested=header, ActualObjectSize=size)
    error.headers["Content-Range"] = f"bytes */{size}"  # RFC 9110, 15.5.17
    raise error
