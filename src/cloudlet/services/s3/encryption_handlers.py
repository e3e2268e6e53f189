"""Default bucket encryption: Put / Get / DeleteBucketEncryption.

Since January 2023 every S3 bucket has SSE-S3 (AES256) as its default, and
GetBucketEncryption reports it for a bucket that never set one; so does cloudlet.
An explicit rule is what ``sse.for_write`` applies to writes that name no encryption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import InvalidArgument, error
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.sse import ALGORITHMS, KMS_ALGORITHMS

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

DEFAULT = {
    "Rules": [
        {
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BucketKeyEnabled": False,
        }
    ]
}


def _malformed() -> Exception:
    return error(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    by_default = rule.get("ApplyServerSideEncryptionByDefault")
    if not by_default or not by_default.get("SSEAlgorithm"):
        raise _malformed()
    algorithm = by_default["SSEAlgorithm"]
    if algorithm not in ALGORITHMS:
        raise _malformed()
    kept: dict[str, Any] = {"SSEAlgorithm": algorithm}
    if by_default.get("KMSMasterKeyID"):
        if algorithm not in KMS_ALGORITHMS:
            raise InvalidArgument(
                "a KMSMasterKeyID is not applicable if the default sse algorithm is not "
                "aws:kms or aws:kms:dsse",
                ArgumentName="ApplyServerSideEncryptionByDefault",
            )
        kept["KMSMasterKeyID"] = by_default["KMSMasterKeyID"]
    return {
        "ApplyServerSideEncryptionByDefault": kept,
        "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled")),
    }


@operation("PutBucketEncryption")
def put_bucket_encryption(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    rules = (params.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    if len(rules) != 1:
        raise _malformed()
    s3.buckets.put_config(bucket.name, "encryption", {"Rules": [_rule(rules[0])]})
    return {}


@operation("GetBucketEncryption")
def get_bucket_encryption(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = s3.buckets.get_config(bucket.name, "encryption") or DEFAULT
    return {"ServerSideEncryptionConfiguration": config}


@operation("DeleteBucketEncryption")
def delete_bucket_encryption(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    s3.buckets.delete_config(bucket.name, "encryption")
    return {"__status": 204}
