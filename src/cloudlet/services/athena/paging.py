"""Athena list pagination: ``MaxResults`` / ``NextToken`` in, ``NextToken`` out.

A token is the offset of the next item, encoded; lists are ordered so an offset is stable
while nothing is added before it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from cloudlet.services.athena.errors import invalid

T = TypeVar("T")


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(token.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid("Invalid NextToken", "INVALID_INPUT") from None
    if value < 0:
        raise invalid("Invalid NextToken", "INVALID_INPUT")
    return value


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


def page(
    fetch: Callable[[int, int], Sequence[T]], params: dict[str, Any], default: int
) -> tuple[list[T], str | None]:
    """One page from ``fetch(offset, limit)``; the items and the next token, if more."""
    limit = params.get("MaxResults") or default
    offset = _offset(params.get("NextToken"))
    items = list(fetch(offset, limit + 1))
    if len(items) > limit:
        return items[:limit], _token(offset + limit)
    return items, None


def page_list(
    items: Sequence[T], params: dict[str, Any], default: int
) -> tuple[list[T], str | None]:
    return page(lambda offset, limit: items[offset : offset + limit], params, default)
