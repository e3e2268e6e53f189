"""AWS IAM pagination: ``Marker`` / ``MaxItems`` in, ``IsTruncated`` / ``Marker`` out.

The marker is opaque to clients; here it is the sort key of the first item of the next page,
so a page boundary survives inserts and deletes between calls.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from cloudlet.core.errors import ValidationError

T = TypeVar("T")
DEFAULT_MAX_ITEMS = 100


def sort_key(text: str) -> str:
    return text.lower()


def page(
    items: Sequence[T], params: dict[str, Any], key: Callable[[T], str]
) -> tuple[list[T], dict[str, Any]]:
    """One page of ``items`` (sorted by ``sort_key(key(item))``) and the paging members."""
    limit = params.get("MaxItems") or DEFAULT_MAX_ITEMS
    start = 0
    marker = params.get("Marker")
    if marker:
        after = _decode(marker)
        while start < len(items) and sort_key(key(items[start])) < after:
            start += 1
    chosen = list(items[start : start + limit])
    if start + limit < len(items):
        return chosen, {"IsTruncated": True, "Marker": _encode(key(items[start + limit]))}
    return chosen, {"IsTruncated": False}


def sorted_by(items: Sequence[T], key: Callable[[T], str]) -> list[T]:
    return sorted(items, key=lambda item: sort_key(key(item)))


def _encode(key: str) -> str:
    return base64.urlsafe_b64encode(sort_key(key).encode()).decode()


def _decode(marker: str) -> str:
    try:
        return base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError("Invalid Marker.") from None
