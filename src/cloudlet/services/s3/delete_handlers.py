"""Deleting objects, one or many: for good, or (in a versioned bucket) by a delete marker.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import AccessDenied, InvalidArgument, MalformedXML
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.errors import PreconditionFailed
from cloudlet.services.s3.lock import check_deletable
from cloudlet.services.s3.object_handlers import find_object, free_blobs
from cloudlet.services.s3.objects import ObjectRecord
from cloudlet.services.s3.versions import is_valid_version_id

if TYPE_CHECKING:
    from cloudlet.services.s3.buckets import Bucket
    from cloudlet.services.s3.handlers import S3


@operation("DeleteObject")
async def delete_object(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    key = params["Key"]
    version_id = params.get("VersionId")
    status = bucket.versioning

    def check_if_match() -> None:
        if params.get("IfMatch") is not None:
            current = find_object(s3, bucket.name, key)
            if params["IfMatch"].strip().strip('"') != current.etag.strip('"'):
                raise PreconditionFailed(Condition="If-Match")

    if version_id is None and status is None:

        def job(conn: Any) -> ObjectRecord | None:
            check_if_match()
            return s3.objects.delete(bucket.name, key)

        removed = await asyncio.wrap_future(s3.store.submit(job))
        if removed is not None:
            await free_blobs(s3, removed)
        return {"__status": 204}

    if version_id is not None and not is_valid_version_id(version_id):
        raise InvalidArgument(
            "Invalid version id specified", ArgumentName="versionId", ArgumentValue=version_id
        )
    now = s3.cloud.clock.time()
    bypass = bool(params.get("BypassGovernanceRetention"))

    def versioned_job(conn: Any) -> tuple[ObjectRecord | None, list[ObjectRecord]]:
        check_if_match()
        if version_id is not None:
            if bucket.object_lock:
                found = s3.versions.get(bucket.name, key, version_id)
                if found is not None:
                    check_deletable(s3, ctx, found, bypass, now)
            removed = s3.versions.remove(bucket.name, key, version_id)
            return removed, [removed] if removed is not None else []
        assert status is not None
        return s3.versions.add_delete_marker(bucket.name, key, ctx.account_id, status, now)

    version, freed = await asyncio.wrap_future(s3.store.submit(versioned_job))
    for gone in freed:
        await free_blobs(s3, gone)
    output: dict[str, Any] = {"__status": 204}
    if version_id is not None:
        # Deleting an id that does not exist succeeds, as on AWS.
        output["VersionId"] = version_id
        if version is not None and version.delete_marker:
            output["DeleteMarker"] = True
    elif version is not None:
        output.update({"DeleteMarker": True, "VersionId": version.version_id})
    return output


@operation("DeleteObjects")
def delete_objects(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    request = params.get("Delete") or {}
    entries = request.get("Objects") or []
    if not entries or len(entries) > 1000:
        raise MalformedXML()
    output: dict[str, Any] = {}
    if bucket.versioning is None and not any(e.get("VersionId") for e in entries):
        keys = [entry["Key"] for entry in entries]
        for record in s3.objects.delete_many(bucket.name, keys):
            s3.blobs.delete(record.blob_ids())
        if not request.get("Quiet"):
            output["Deleted"] = [{"Key": key} for key in keys]
        return output
    bypass = bool(params.get("BypassGovernanceRetention"))
    deleted, errors, freed = _delete_versions(s3, ctx, bucket, entries, bypass)
    for record in freed:
        s3.blobs.delete(record.blob_ids())
    if not request.get("Quiet"):
        output["Deleted"] = deleted or None
    output["Errors"] = errors or None
    return output


def _delete_versions(
    s3: S3, ctx: RequestContext, target: Bucket, entries: list[dict[str, Any]], bypass: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[ObjectRecord]]:
    """Each entry removes the version it names, else adds a delete marker (one transaction)."""
    bucket, status = target.name, target.versioning
    deleted: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    freed: list[ObjectRecord] = []
    now = s3.cloud.clock.time()
    with s3.store.write():
        for entry in entries:
            key, version_id = entry["Key"], entry.get("VersionId")
            if version_id is not None:
                if not is_valid_version_id(version_id):
                    errors.append(
                        {
                            "Key": key,
                            "VersionId": version_id,
                            "Code": "NoSuchVersion",
                            "Message": "The specified version does not exist.",
                        }
                    )
                    continue
                if target.object_lock:
                    found = s3.versions.get(bucket, key, version_id)
                    try:
                        if found is not None:
                            check_deletable(s3, ctx, found, bypass, now)
                    except AccessDenied as refused:
                        errors.append(
                            {
                                "Key": key,
                                "VersionId": version_id,
                                "Code": "AccessDenied",
                                "Message": refused.message,
                            }
                        )
                        continue
                removed = s3.versions.remove(bucket, key, version_id)
                item: dict[str, Any] = {"Key": key, "VersionId": version_id}
                if removed is not None:
                    freed.append(removed)
                    if removed.delete_marker:
                        item.update({"DeleteMarker": True, "DeleteMarkerVersionId": version_id})
                deleted.append(item)
            elif status is None:
                gone = s3.objects.delete(bucket, key)
                freed.extend([gone] if gone is not None else [])
                deleted.append({"Key": key})
            else:
                marker, replaced = s3.versions.add_delete_marker(
                    bucket, key, ctx.account_id, status, now
                )
                freed.extend(replaced)
                deleted.append(
                    {"Key": key, "DeleteMarker": True, "DeleteMarkerVersionId": marker.version_id}
                )
    return deleted, errors, freed
