"""Object Lock: retention and legal holds keep a version from being deleted.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html

A version under a legal hold, or retained until a date still ahead on the clock, cannot
be deleted (a delete without a version id only adds a delete marker, which is allowed).
COMPLIANCE retention binds everyone; GOVERNANCE yields to a caller who sends
``x-amz-bypass-governance-retention: true`` and may ``s3:BypassGovernanceRetention``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import AccessDenied, InvalidArgument, InvalidRequest
from cloudlet.services.s3.authz import bucket_check
from cloudlet.services.s3.buckets import Bucket
from cloudlet.services.s3.objects import ObjectRecord

if TYPE_CHECKING:
    from cloudlet.services.base import RequestContext
    from cloudlet.services.s3.handlers import S3

MODES = ("GOVERNANCE", "COMPLIANCE")
PROTECTED = "Access Denied because object protected by object lock."
MISSING = "Bucket is missing Object Lock Configuration"


def seconds(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def retained(lock: dict[str, Any] | None, now: float) -> str | None:
    """The retention mode still in force, if any."""
    if lock and lock.get("mode") and now < lock["until"]:
        return str(lock["mode"])
    return None


def check_deletable(
    s3: S3, ctx: RequestContext, record: ObjectRecord, bypass: bool, now: float
) -> None:
    """Refuse to delete (or shorten the retention of) a protected version."""
    lock = record.lock
    if not lock:
        return
    if lock.get("hold"):
        raise AccessDenied(PROTECTED)
    mode = retained(lock, now)
    if mode == "COMPLIANCE" or (mode == "GOVERNANCE" and not bypass):
        raise AccessDenied(PROTECTED)
    if mode == "GOVERNANCE":
        check_bypass(s3, ctx, record)


def check_bypass(s3: S3, ctx: RequestContext, record: ObjectRecord) -> None:
    """Bypassing GOVERNANCE retention needs its own permission."""
    s3.cloud.authorizer.check(
        ctx, [bucket_check(s3, "s3:BypassGovernanceRetention", record.bucket, record.key)]
    )


def lock_for_write(
    s3: S3, bucket: Bucket, params: dict[str, Any], now: float
) -> dict[str, Any] | None:
    """The lock a new version gets: the request's headers, else the bucket's default."""
    mode = params.get("ObjectLockMode")
    until = params.get("ObjectLockRetainUntilDate")
    hold = params.get("ObjectLockLegalHoldStatus")
    asked = mode is not None or until is not None or hold is not None
    if asked and not bucket.object_lock:
        raise InvalidRequest(MISSING)
    if (mode is None) != (until is None):
        raise InvalidArgument(
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"
        )
    if mode is not None and mode not in MODES:
        raise InvalidArgument("Unknown wormMode directive.", ArgumentName="x-amz-object-lock-mode")
    if hold is not None and hold not in ("ON", "OFF"):
        raise InvalidArgument(
            "Legal Hold must be either of 'ON' or 'OFF'",
            ArgumentName="x-amz-object-lock-legal-hold",
        )
    lock: dict[str, Any] = {}
    if mode is not None:
        lock.update(mode=mode, until=future(until, now))
    elif bucket.object_lock:
        lock.update(default_retention(s3, bucket.name, now))
    if hold is not None:
        lock["hold"] = hold == "ON"
    return lock or None


def future(until: Any, now: float) -> float:
    moment = seconds(until)
    if moment <= now:
        raise InvalidArgument("The retain until date must be in the future!")
    return moment


def default_retention(s3: S3, bucket: str, now: float) -> dict[str, Any]:
    config = s3.buckets.get_config(bucket, "object-lock") or {}
    default = (config.get("Rule") or {}).get("DefaultRetention")
    if not default:
        return {}
    days = default.get("Days") or 365 * default.get("Years", 0)
    return {"mode": default["Mode"], "until": now + days * 86400}


def describe(lock: dict[str, Any] | None) -> dict[str, Any]:
    """GET and HEAD's ``x-amz-object-lock-*`` headers."""
    if not lock:
        return {}
    output: dict[str, Any] = {}
    if lock.get("mode"):
        output["ObjectLockMode"] = lock["mode"]
        output["ObjectLockRetainUntilDate"] = lock["until"]
    output["ObjectLockLegalHoldStatus"] = "ON" if lock.get("hold") else "OFF"
    return output
