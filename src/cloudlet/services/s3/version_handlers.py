"""Bucket versioning: Put/GetBucketVersioning and ListObjectVersions.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import InvalidArgument, MalformedXML
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.errors import InvalidBucketState
from cloudlet.services.s3.listing import list_versions, url_encode
from cloudlet.services.s3.listing_handlers import MAX_KEYS, parse_max_keys, wants_url_encoding
from cloudlet.services.s3.versions import ENABLED, SUSPENDED, ListedVersion

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3


@operation("PutBucketVersioning")
def put_bucket_versioning(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Enable or suspend versioning. Once enabled, a bucket never returns to unversioned.

    ``MfaDelete`` is stored and reported; cloudlet does not ask for the MFA code it implies.
    """
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = params.get("VersioningConfiguration") or {}
    status, mfa = config.get("Status"), config.get("MFADelete")
    if status not in (None, ENABLED, SUSPENDED) or mfa not in (None, "Enabled", "Disabled"):
        raise MalformedXML()
    if status is None and mfa is None:
        raise MalformedXML()
    if bucket.object_lock and status == SUSPENDED:
        raise InvalidBucketState(
            "An Object Lock configuration is present on this bucket, so the versioning state "
            "cannot be changed."
        )
    if status == SUSPENDED and s3.buckets.get_config(bucket.name, "replication"):
        raise InvalidBucketState(
            "A replication configuration is present on this bucket, so the versioning state "
            "cannot be changed."
        )
    if mfa is not None:
        s3.buckets.put_config(bucket.name, "mfa-delete", mfa)
    if status is not None and status != bucket.versioning:
        s3.buckets.update(bucket.name, versioning=status)
    return {}


@operation("GetBucketVersioning")
def get_bucket_versioning(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    output: dict[str, Any] = {}
    if bucket.versioning:
        output["Status"] = bucket.versioning
    mfa = s3.buckets.get_config(bucket.name, "mfa-delete")
    if mfa:
        output["MFADelete"] = mfa
    return output


@operation("ListObjectVersions")
def list_object_versions(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    encode = wants_url_encoding(params)
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or ""
    key_marker = params.get("KeyMarker") or ""
    version_marker = params.get("VersionIdMarker") or ""
    if version_marker and not key_marker:
        raise InvalidArgument(
            "A version-id marker cannot be specified without a key marker.",
            ArgumentName="version-id-marker",
            ArgumentValue=version_marker,
        )
    listing = list_versions(
        s3.versions,
        bucket.name,
        prefix,
        delimiter,
        key_marker,
        version_marker,
        parse_max_keys(params),
    )
    restore_status = "RestoreStatus" in (params.get("OptionalObjectAttributes") or [])
    now = s3.cloud.clock.time()
    versions = [v for v in listing.versions if not v.delete_marker]
    markers = [v for v in listing.versions if v.delete_marker]
    output: dict[str, Any] = {
        "Name": bucket.name,
        "Prefix": url_encode(prefix, encode),
        "KeyMarker": url_encode(key_marker, encode),
        "VersionIdMarker": version_marker,
        "MaxKeys": params.get("MaxKeys", MAX_KEYS),
        "IsTruncated": listing.truncated,
        "Versions": [_version(s3, v, encode, restore_status, now) for v in versions] or None,
        "DeleteMarkers": [_marker(s3, v, encode) for v in markers] or None,
        "CommonPrefixes": [{"Prefix": url_encode(p, encode)} for p in listing.common_prefixes]
        or None,
    }
    if delimiter:
        output["Delimiter"] = url_encode(delimiter, encode)
    if encode:
        output["EncodingType"] = "url"
    if listing.truncated:
        output["NextKeyMarker"] = url_encode(listing.next_key, encode)
        output["NextVersionIdMarker"] = listing.next_version
    return output


def _version(
    s3: S3, entry: ListedVersion, encode: bool, restore_status: bool, now: float
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ETag": entry.etag,
        "Size": entry.size,
        "StorageClass": entry.storage_class,
        "Key": url_encode(entry.key, encode),
        "VersionId": entry.version_id,
        "IsLatest": entry.latest,
        "LastModified": entry.last_modified,
        "Owner": s3.owner(entry.owner),
    }
    if entry.checksum:
        item["ChecksumAlgorithm"] = [entry.checksum["algorithm"]]
        item["ChecksumType"] = entry.checksum["type"]
    if restore_status and entry.restore:
        status: dict[str, Any] = {"IsRestoreInProgress": now < entry.restore["ready"]}
        expiry = entry.restore.get("expiry")
        if not status["IsRestoreInProgress"] and expiry is not None and now < expiry:
            status["RestoreExpiryDate"] = expiry
        item["RestoreStatus"] = status
    return item


def _marker(s3: S3, entry: ListedVersion, encode: bool) -> dict[str, Any]:
    return {
        "Owner": s3.owner(entry.owner),
        "Key": url_encode(entry.key, encode),
        "VersionId": entry.version_id,
        "IsLatest": entry.latest,
        "LastModified": entry.last_modified,
    }
