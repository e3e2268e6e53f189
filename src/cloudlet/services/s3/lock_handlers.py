"""Object Lock operations: the bucket's configuration, a version's retention and legal hold.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import AccessDenied, InvalidArgument, InvalidRequest, MalformedXML
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.buckets import Bucket
from cloudlet.services.s3.errors import (
    InvalidBucketState,
    NoSuchObjectLockConfiguration,
    ObjectLockConfigurationNotFoundError,
)
from cloudlet.services.s3.lock import MISSING, MODES, check_bypass, future, retained
from cloudlet.services.s3.object_handlers import find_version
from cloudlet.services.s3.objects import ObjectRecord
from cloudlet.services.s3.versions import ENABLED

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3


@operation("PutObjectLockConfiguration")
def put_object_lock_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Turn Object Lock on (a versioned bucket only, for good) and set default retention."""
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = params.get("ObjectLockConfiguration") or {}
    if config.get("ObjectLockEnabled") != "Enabled":
        raise MalformedXML()
    default = (config.get("Rule") or {}).get("DefaultRetention")
    if config.get("Rule") is not None and not default:
        raise MalformedXML()
    if default is not None:
        if default.get("Mode") not in MODES or ("Days" in default) == ("Years" in default):
            raise MalformedXML()
        if (default.get("Days") or default.get("Years") or 0) <= 0:
            raise InvalidArgument("Default retention period must be a positive integer value.")
    if not bucket.object_lock and bucket.versioning != ENABLED:
        raise InvalidBucketState(
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
        )
    if not bucket.object_lock:
        s3.buckets.update(bucket.name, object_lock=1)
    s3.buckets.put_config(bucket.name, "object-lock", config)
    return {}


@operation("GetObjectLockConfiguration")
def get_object_lock_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    if not bucket.object_lock:
        raise ObjectLockConfigurationNotFoundError(BucketName=bucket.name)
    config = s3.buckets.get_config(bucket.name, "object-lock") or {"ObjectLockEnabled": "Enabled"}
    return {"ObjectLockConfiguration": config}


def _locked_version(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> ObjectRecord:
    bucket: Bucket = s3.bucket_for(ctx, params["Bucket"])
    if not bucket.object_lock:
        raise InvalidRequest(MISSING)
    return find_version(s3, bucket, params["Key"], params.get("VersionId"), ctx.request.method)


@operation("PutObjectRetention")
def put_object_retention(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Retention may always grow; shortening or removing it needs GOVERNANCE and a bypass."""
    retention = params.get("Retention") or {}
    mode, until = retention.get("Mode"), retention.get("RetainUntilDate")
    if (mode is None) != (until is None) or (mode is not None and mode not in MODES):
        raise MalformedXML()
    now = s3.cloud.clock.time()
    with s3.store.write():
        record = _locked_version(s3, ctx, params)
        lock = dict(record.lock or {})
        new_until = future(until, now) if until is not None else None
        current = retained(lock, now)
        weaker = current is not None and (
            new_until is None or new_until < lock["until"] or mode != current
        )
        if weaker:
            if current == "COMPLIANCE" or not params.get("BypassGovernanceRetention"):
                raise AccessDenied()
            check_bypass(s3, ctx, record)
        lock.pop("mode", None)
        lock.pop("until", None)
        if mode is not None:
            lock.update(mode=mode, until=new_until)
        s3.versions.update_fields(record.bucket, record.key, record.version_id, lock=lock or None)
    return {}


@operation("GetObjectRetention")
def get_object_retention(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    record = _locked_version(s3, ctx, params)
    if not record.lock or not record.lock.get("mode"):
        raise NoSuchObjectLockConfiguration()
    return {"Retention": {"Mode": record.lock["mode"], "RetainUntilDate": record.lock["until"]}}


@operation("PutObjectLegalHold")
def put_object_legal_hold(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    status = (params.get("LegalHold") or {}).get("Status")
    if status not in ("ON", "OFF"):
        raise MalformedXML()
    with s3.store.write():
        record = _locked_version(s3, ctx, params)
        lock = {**(record.lock or {}), "hold": status == "ON"}
        s3.versions.update_fields(record.bucket, record.key, record.version_id, lock=lock)
    return {}


@operation("GetObjectLegalHold")
def get_object_legal_hold(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    record = _locked_version(s3, ctx, params)
    if not record.lock or "hold" not in record.lock:
        raise NoSuchObjectLockConfiguration()
    return {"LegalHold": {"Status": "ON" if record.lock["hold"] else "OFF"}}
