"""Storage classes on the clock: which objects can be read now, restores, lifecycle days.

GLACIER and DEEP_ARCHIVE objects (and INTELLIGENT_TIERING objects moved to an archive
tier) keep their bytes but cannot be read until restored: RestoreObject starts a restore
that completes after the retrieval tier's delay and, for the archive classes, leaves a
readable copy until its expiry date.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html

Every duration here is in lifecycle days of ``day`` seconds (86,400 unless the server was
started with ``--lifecycle-day-seconds``), so a demo can shrink a 12-hour Bulk retrieval and
a 30-day transition alike.
"""

from __future__ import annotations

import math
from email.utils import formatdate
from typing import Any

from cloudlet.services.s3.objects import ObjectRecord

ARCHIVED = frozenset({"GLACIER", "DEEP_ARCHIVE"})
ARCHIVE_TIERS = frozenset({"ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"})
#: The lifecycle waterfall: a transition only ever moves an object further down.
#: https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
RANK = {
    "STANDARD": 0,
    "REDUCED_REDUNDANCY": 0,
    "STANDARD_IA": 1,
    "INTELLIGENT_TIERING": 2,
    "ONEZONE_IA": 3,
    "GLACIER_IR": 4,
    "GLACIER": 5,
    "DEEP_ARCHIVE": 6,
}
_GLACIER_HOURS = {"Expedited": 5 / 60, "Standard": 5.0, "Bulk": 12.0}
_DEEP_ARCHIVE_HOURS = {"Standard": 12.0, "Bulk": 48.0}
#: Hours until a restore completes, by class (or archive tier) and retrieval tier: the upper
#: end of each range AWS documents. DEEP_ARCHIVE has no Expedited tier.
RESTORE_HOURS = {
    "GLACIER": _GLACIER_HOURS,
    "ARCHIVE_ACCESS": _GLACIER_HOURS,
    "DEEP_ARCHIVE": _DEEP_ARCHIVE_HOURS,
    "DEEP_ARCHIVE_ACCESS": _DEEP_ARCHIVE_HOURS,
}
#: Objects smaller than this do not transition by default, nor move between access tiers.
SMALL_OBJECT = 128 * 1024


def next_day(moment: float, day: float) -> float:
    """The first day boundary after ``moment`` (midnight UTC when a day is 86,400 s)."""
    return (math.floor(moment / day) + 1) * day


def after_days(start: float, days: float, day: float) -> float:
    """When an action ``days`` after ``start`` is due: S3 adds the days and rounds the result
    up to the next midnight UTC."""
    return next_day(start + days * day, day)


def http_date(moment: float) -> str:
    return formatdate(moment, usegmt=True)


def archived_as(record: ObjectRecord) -> str | None:
    """The class or tier that keeps the record's bytes out of reach, if any."""
    if record.storage_class in ARCHIVED:
        return record.storage_class
    if record.tier in ARCHIVE_TIERS:
        return record.tier
    return None


def restored(restore: dict[str, Any] | None, now: float) -> bool:
    """A restore that has completed and whose copy has not expired."""
    if not restore or now < restore["ready"]:
        return False
    expiry = restore.get("expiry")
    return expiry is None or now < expiry


def readable(record: ObjectRecord, now: float) -> bool:
    return archived_as(record) is None or restored(record.restore, now)


def restore_header(record: ObjectRecord, now: float) -> str | None:
    """``x-amz-restore``: in progress, or done with the copy's expiry date."""
    restore = record.restore
    if not restore:
        return None
    if now < restore["ready"]:
        return 'ongoing-request="true"'
    expiry = restore.get("expiry")
    if expiry is None or now >= expiry:
        return None
    return f'ongoing-request="false", expiry-date="{http_date(expiry)}"'


def archive_status(record: ObjectRecord, now: float) -> str | None:
    """``x-amz-archive-status`` of an INTELLIGENT_TIERING object in an archive tier."""
    if record.tier in ARCHIVE_TIERS and not restored(record.restore, now):
        return record.tier
    return None
