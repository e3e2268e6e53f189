"""KMS list pagination: ``Limit`` / ``Marker`` in, ``Truncated`` / ``NextMarker`` out.

A marker is the sort key of the last entry returned, so a page is one index range scan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from cloudlet.services.kms.errors import ValidationException

T = TypeVar("T")


def limit_of(params: dict[str, Any], default: int) -> int:
    limit = params.get("Limit")
    if limit is None:
        return default
    if not 1 <= limit <= 1000:
        raise ValidationException(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value between 1 and 1000"
        )
    return int(limit)


def page(
    fetch: Callable[[str, int], list[T]],
    params: dict[str, Any],
    default_limit: int,
    marker: Callable[[T], str],
) -> tuple[list[T], dict[str, Any]]:
    """Fetch one page with ``fetch(after, limit)``: the items and the paging members."""
    limit = limit_of(params, default_limit)
    items = fetch(params.get("Marker") or "", limit + 1)
    more = len(items) > limit
    items = items[:limit]
    extra: dict[str, Any] = {"Truncated": more}
    if more:
        extra["NextMarker"] = marker(items[-1])
    return items, extra
