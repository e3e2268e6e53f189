"""Scalar encodings shared by the protocols: timestamps, booleans, blobs."""

from __future__ import annotations

import base64
import functools
import time
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from cloudlet.core.errors import SerializationException


def to_datetime(value: object) -> datetime:
    """Accept what handlers return (datetime, epoch seconds, ISO text)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        return parse_timestamp(value)
    raise TypeError(f"not a timestamp: {value!r}")


@functools.lru_cache(maxsize=4096)
def _iso_seconds(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def format_timestamp(value: object, fmt: str) -> str | float | int:
    """Render a timestamp as ``iso8601``, ``rfc822`` or ``unixTimestamp``."""
    if fmt == "iso8601" and isinstance(value, int | float) and 0 <= value < 253402300800:
        # Epoch seconds straight to text: listings format thousands of these per page, most
        # within a few seconds of each other.
        seconds, micros = divmod(round(value * 1_000_000), 1_000_000)
        return f"{_iso_seconds(seconds)}.{micros // 1000:03d}Z"
    when = to_datetime(value)
    if fmt == "unixTimestamp":
        ts = when.timestamp()
        return int(ts) if ts == int(ts) else round(ts, 3)
    if fmt == "rfc822":
        return format_datetime(when.astimezone(UTC), usegmt=True)
    text = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{when.microsecond // 1000:03d}Z"


def parse_timestamp(text: str | float | int) -> datetime:
    if isinstance(text, int | float):
        return _from_epoch(text)
    value = text.strip()
    try:
        epoch = float(value)
    except ValueError:
        pass
    else:
        return _from_epoch(epoch)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError, IndexError) as exc:
        raise SerializationException(f"Invalid timestamp: {text!r}") from exc


def _from_epoch(seconds: float) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (ValueError, OverflowError, OSError):  # nan, inf, beyond year 9999
        raise SerializationException(f"Invalid timestamp: {seconds!r}") from None


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise SerializationException(f"Invalid boolean value: {text!r}")


def b64encode(value: bytes | str) -> str:
    if isinstance(value, str):
        value = value.encode()
    return base64.b64encode(value).decode()


def b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise SerializationException("Invalid base64 value") from exc
