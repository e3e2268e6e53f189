"""RestoreObject (Glacier retrievals) and Intelligent-Tiering archive configurations.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
https://docs.aws.amazon.com/AmazonS3/latest/userguide/intelligent-tiering-overview.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import InvalidArgument, MalformedXML, error
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3 import id_configs
from cloudlet.services.s3.errors import (
    InvalidObjectState,
    RestoreAlreadyInProgress,
)
from cloudlet.services.s3.object_handlers import find_version
from cloudlet.services.s3.storage import (
    ARCHIVE_TIERS,
    RESTORE_HOURS,
    after_days,
    archived_as,
    restored,
)

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

TIERS = ("Expedited", "Standard", "Bulk")
#: Days without access an Intelligent-Tiering archive tier may wait for, per tier.
ARCHIVE_DAYS = {"ARCHIVE_ACCESS": (90, 730), "DEEP_ARCHIVE_ACCESS": (180, 730)}


@operation("RestoreObject")
def restore_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Start a restore (202), or extend a finished one's copy (200); 409 while one runs."""
    bucket = s3.bucket_for(ctx, params["Bucket"])
    request = params.get("RestoreRequest") or {}
    if request.get("Type") == "SELECT" or request.get("OutputLocation"):
        raise error("NotImplemented", "S3 Select restores are not implemented by cloudlet.", 501)
    tier = (request.get("GlacierJobParameters") or {}).get("Tier") or request.get("Tier")
    tier = tier or "Standard"
    if tier not in TIERS:
        raise MalformedXML()
    days = request.get("Days")
    with s3.store.write():
        record = find_version(s3, bucket, params["Key"], params.get("VersionId"), "POST")
        archived = archived_as(record)
        if archived is None:
            raise InvalidObjectState(
                "Restore is not allowed for the object's current storage class",
                StorageClass=record.storage_class,
            )
        restore, status = _restore(s3, archived, tier, days, record.restore)
        s3.versions.update_fields(record.bucket, record.key, record.version_id, restore=restore)
    return {"__status": status}


def _restore(
    s3: S3, archived: str, tier: str, days: int | None, current: dict[str, Any] | None
) -> tuple[dict[str, Any], int]:
    """The new restore state and the status to answer."""
    now = s3.cloud.clock.time()
    if archived in ARCHIVE_TIERS:
        if days is not None:
            raise InvalidArgument(
                "INTELLIGENT_TIERING objects are not subject to restore expiry. Do not specify "
                "Days when restoring this object"
            )
    elif days is None:
        raise MalformedXML()
    elif days < 1:
        raise InvalidArgument("Days must be a positive integer", ArgumentName="Days")
    hours = RESTORE_HOURS[archived].get(tier)
    if hours is None:
        raise InvalidArgument(
            f"{tier} retrievals are not available for objects in the {archived} storage class",
            ArgumentName="Tier",
        )
    if current and now < current["ready"]:
        raise RestoreAlreadyInProgress()
    if current and restored(current, now):
        if days is None:
            return current, 200
        # A finished restore is extended: its copy now expires Days from today.
        return {**current, "expiry": after_days(now, days, s3.day)}, 200
    ready = now + hours * 3600 * s3.day / 86400
    restore: dict[str, Any] = {"ready": ready, "tier": tier}
    if days is not None:
        restore["expiry"] = after_days(ready, days, s3.day)
    return restore, 202


# -- Intelligent-Tiering configurations -------------------------------------------------


def _configurations(s3: S3, bucket: str) -> dict[str, Any]:
    return s3.buckets.get_config(bucket, "intelligent-tiering") or {}


@operation("PutBucketIntelligentTieringConfiguration")
def put_bucket_intelligent_tiering_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = params.get("IntelligentTieringConfiguration")
    if not config or config.get("Status") not in ("Enabled", "Disabled"):
        raise MalformedXML()
    if config.get("Id") != params["Id"]:
        raise InvalidArgument(
            "The Id in the request does not match the Id in the configuration",
            ArgumentName="id",
            ArgumentValue=params["Id"],
        )
    _check_tierings(config.get("Tierings") or [])
    id_configs.store(s3.buckets, bucket.name, "intelligent-tiering", params["Id"], config)
    return {}


def _check_tierings(tierings: list[dict[str, Any]]) -> None:
    if not tierings:
        raise MalformedXML()
    seen: set[str] = set()
    for tiering in tierings:
        tier, days = tiering.get("AccessTier"), tiering.get("Days")
        if tier not in ARCHIVE_DAYS or days is None or tier in seen:
            raise MalformedXML()
        seen.add(tier)
        low, high = ARCHIVE_DAYS[tier]
        if not low <= days <= high:
            raise InvalidArgument(
                f"The {tier} tier Days must be between {low} and {high}.",
                ArgumentName="Days",
                ArgumentValue=days,
            )
    if len(seen) == 2:
        days_by = {t["AccessTier"]: t["Days"] for t in tierings}
        if days_by["DEEP_ARCHIVE_ACCESS"] <= days_by["ARCHIVE_ACCESS"]:
            raise InvalidArgument(
                "The DEEP_ARCHIVE_ACCESS tier Days must be greater than the ARCHIVE_ACCESS "
                "tier Days.",
                ArgumentName="Days",
            )


@operation("GetBucketIntelligentTieringConfiguration")
def get_bucket_intelligent_tiering_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = id_configs.find(_configurations(s3, bucket.name), params["Id"])
    return {"IntelligentTieringConfiguration": config}


@operation("ListBucketIntelligentTieringConfigurations")
def list_bucket_intelligent_tiering_configurations(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    configs, token = _configurations(s3, bucket.name), params.get("ContinuationToken")
    return id_configs.page_of(configs, token, "IntelligentTieringConfigurationList")


@operation("DeleteBucketIntelligentTieringConfiguration")
def delete_bucket_intelligent_tiering_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    id_configs.remove(s3.buckets, bucket.name, "intelligent-tiering", params["Id"])
    return {"__status": 204}
