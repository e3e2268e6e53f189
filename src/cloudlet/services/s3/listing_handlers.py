"""ListObjects (v1, marker) and ListObjectsV2 (continuation token, start-after)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import InvalidArgument
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.listing import decode_token, encode_token, list_keys, url_encode
from cloudlet.services.s3.listing_xml import contents_xml, prefixes_xml

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

MAX_KEYS = 1000


def parse_max_keys(params: dict[str, Any]) -> int:
    value = params.get("MaxKeys")
    if value is None:
        return MAX_KEYS
    if value < 0:
        raise InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647")
    return min(value, MAX_KEYS)


def wants_url_encoding(params: dict[str, Any]) -> bool:
    encoding = params.get("EncodingType")
    if encoding is not None and encoding != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request")
    return encoding == "url"


@operation("ListObjectsV2")
def list_objects_v2(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    encode = wants_url_encoding(params)
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or ""
    max_keys = parse_max_keys(params)
    token = params.get("ContinuationToken")
    start_after = params.get("StartAfter") or ""
    start = decode_token(token) if token else start_after
    hide = bucket.versioning is not None
    listing = list_keys(s3.objects, bucket.name, prefix, delimiter, start, max_keys, hide)
    output: dict[str, Any] = {
        "Name": bucket.name,
        "Prefix": url_encode(prefix, encode),
        "MaxKeys": params.get("MaxKeys", MAX_KEYS),
        "KeyCount": len(listing.contents) + len(listing.common_prefixes),
        "IsTruncated": listing.truncated,
        "Contents": contents_xml(
            listing.contents, encode, s3.owner if params.get("FetchOwner") else None
        ),
        "CommonPrefixes": prefixes_xml(listing.common_prefixes, encode),
    }
    if delimiter:
        output["Delimiter"] = url_encode(delimiter, encode)
    if encode:
        output["EncodingType"] = "url"
    if token:
        output["ContinuationToken"] = token
    if start_after:
        output["StartAfter"] = url_encode(start_after, encode)
    if listing.truncated and listing.last is not None:
        output["NextContinuationToken"] = encode_token(listing.last)
    return output


@operation("ListObjects")
def list_objects(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    encode = wants_url_encoding(params)
    prefix = params.get("Prefix") or ""
    delimiter = params.get("Delimiter") or ""
    marker = params.get("Marker") or ""
    listing = list_keys(
        s3.objects,
        bucket.name,
        prefix,
        delimiter,
        marker,
        parse_max_keys(params),
        bucket.versioning is not None,
    )
    output: dict[str, Any] = {
        "Name": bucket.name,
        # v1 echoes Prefix as given even with encoding-type=url (botocore decodes Marker,
        # NextMarker, Delimiter and keys of a v1 listing, but not Prefix).
        "Prefix": prefix,
        "Marker": url_encode(marker, encode),
        "MaxKeys": params.get("MaxKeys", MAX_KEYS),
        "IsTruncated": listing.truncated,
        "Contents": contents_xml(listing.contents, encode, s3.owner),
        "CommonPrefixes": prefixes_xml(listing.common_prefixes, encode),
    }
    if delimiter:
        output["Delimiter"] = url_encode(delimiter, encode)
        if listing.truncated and listing.last is not None:
            # NextMarker is returned only with a delimiter; without one clients use the last key.
            output["NextMarker"] = url_encode(listing.last, encode)
    if encode:
        output["EncodingType"] = "url"
    return output
