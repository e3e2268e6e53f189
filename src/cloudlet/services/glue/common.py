"""Rules every Glue handler shares: Hive names, paging tokens, JSON-safe documents."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from cloudlet.services.glue.errors import InvalidInputException

T = TypeVar("T")

#: Glue's ``NameString``: 1 to 255 characters of one line (the botocore pattern).
_NAME = re.compile(r"^[\u0020-\uD7FF\uE000-\uFFFD\t]{1,255}$")


def hive_name(value: Any, what: str = "name") -> str:
    """Database and table names as Glue stores them: lower-cased, one line, 1-255 chars.

    https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-common.html#aws-glue-api-regex-oneLine
    """
    if not isinstance(value, str) or not _NAME.match(value):
        raise InvalidInputException(f"{what} is invalid: {value!r}")
    return value.lower()


def jsonable(value: Any) -> Any:
    """A request value with its datetimes as epoch seconds, ready for ``json.dumps``."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def encode_token(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode()


def decode_token(token: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInputException("Invalid pagination token") from None


def page(
    items: Sequence[T],
    params: dict[str, Any],
    key: Callable[[T], str],
    default: int = 100,
    maximum: int = 1000,
) -> tuple[list[T], str | None]:
    """One page of ``items`` (sorted by ``key``) after the NextToken's position."""
    limit = params.get("MaxResults") or default
    if limit < 1:
        raise InvalidInputException("MaxResults must be at least 1")
    limit = min(limit, maximum)
    token = params.get("NextToken")
    start = 0
    if token:
        after = decode_token(token)
        while start < len(items) and key(items[start]) <= str(after):
            start += 1
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    return chunk, encode_token(key(chunk[-1])) if more and chunk else None
