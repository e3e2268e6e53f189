"""What each S3 operation needs from IAM: actions, resource ARNs, condition keys.

From the S3 column of AWS's service authorization reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html):
ListObjectsV2 is ``s3:ListBucket`` on the bucket; HeadObject is ``s3:GetObject``; CopyObject
needs ``s3:GetObject`` on the source and ``s3:PutObject`` on the target; deleting a bucket's
tags or CORS rules is ``s3:PutBucketTagging`` / ``s3:PutBucketCORS``; multipart parts are
``s3:PutObject``. The bucket's policy is the resource policy of every check on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from cloudlet.auth.authorize import Check
from cloudlet.core import arns

if TYPE_CHECKING:
    from cloudlet.services.base import RequestContext
    from cloudlet.services.s3.handlers import S3

#: operation -> (action, on the object (True) or the bucket (False); None: no resource).
ACTIONS: dict[str, tuple[str, bool | None]] = {
    "ListBuckets": ("s3:ListAllMyBuckets", None),
    "CreateBucket": ("s3:CreateBucket", False),
    "DeleteBucket": ("s3:DeleteBucket", False),
    "HeadBucket": ("s3:ListBucket", False),
    "GetBucketLocation": ("s3:GetBucketLocation", False),
    "ListObjects": ("s3:ListBucket", False),
    "ListObjectsV2": ("s3:ListBucket", False),
    "ListObjectVersions": ("s3:ListBucketVersions", False),
    "ListMultipartUploads": ("s3:ListBucketMultipartUploads", False),
    "GetBucketTagging": ("s3:GetBucketTagging", False),
    "PutBucketTagging": ("s3:PutBucketTagging", False),
    "DeleteBucketTagging": ("s3:PutBucketTagging", False),
    "GetBucketPolicy": ("s3:GetBucketPolicy", False),
    "PutBucketPolicy": ("s3:PutBucketPolicy", False),
    "DeleteBucketPolicy": ("s3:DeleteBucketPolicy", False),
    "GetBucketCors": ("s3:GetBucketCORS", False),
    "PutBucketCors": ("s3:PutBucketCORS", False),
    "DeleteBucketCors": ("s3:PutBucketCORS", False),
    "GetBucketAcl": ("s3:GetBucketAcl", False),
    "PutBucketAcl": ("s3:PutBucketAcl", False),
    "GetPublicAccessBlock": ("s3:GetBucketPublicAccessBlock", False),
    "PutPublicAccessBlock": ("s3:PutBucketPublicAccessBlock", False),
    "DeletePublicAccessBlock": ("s3:PutBucketPublicAccessBlock", False),
    "GetBucketOwnershipControls": ("s3:GetBucketOwnershipControls", False),
    "PutBucketOwnershipControls": ("s3:PutBucketOwnershipControls", False),
    "DeleteBucketOwnershipControls": ("s3:PutBucketOwnershipControls", False),
    "GetBucketVersioning": ("s3:GetBucketVersioning", False),
    "PutBucketVersioning": ("s3:PutBucketVersioning", False),
    "GetBucketLifecycleConfiguration": ("s3:GetLifecycleConfiguration", False),
    "PutBucketLifecycleConfiguration": ("s3:PutLifecycleConfiguration", False),
    "DeleteBucketLifecycle": ("s3:PutLifecycleConfiguration", False),
    "GetBucketIntelligentTieringConfiguration": ("s3:GetIntelligentTieringConfiguration", False),
    "ListBucketIntelligentTieringConfigurations": (
        "s3:GetIntelligentTieringConfiguration",
        False,
    ),
    "PutBucketIntelligentTieringConfiguration": ("s3:PutIntelligentTieringConfiguration", False),
    "DeleteBucketIntelligentTieringConfiguration": (
        "s3:PutIntelligentTieringConfiguration",
        False,
    ),
    "GetBucketInventoryConfiguration": ("s3:GetInventoryConfiguration", False),
    "ListBucketInventoryConfigurations": ("s3:GetInventoryConfiguration", False),
    "PutBucketInventoryConfiguration": ("s3:PutInventoryConfiguration", False),
    "DeleteBucketInventoryConfiguration": ("s3:PutInventoryConfiguration", False),
    "RestoreObject": ("s3:RestoreObject", True),
    "GetBucketReplication": ("s3:GetReplicationConfiguration", False),
    "PutBucketReplication": ("s3:PutReplicationConfiguration", False),
    "DeleteBucketReplication": ("s3:PutReplicationConfiguration", False),
    "GetBucketNotificationConfiguration": ("s3:GetBucketNotification", False),
    "PutBucketNotificationConfiguration": ("s3:PutBucketNotification", False),
    "GetObjectLockConfiguration": ("s3:GetBucketObjectLockConfiguration", False),
    "PutObjectLockConfiguration": ("s3:PutBucketObjectLockConfiguration", False),
    "GetObjectRetention": ("s3:GetObjectRetention", True),
    "PutObjectRetention": ("s3:PutObjectRetention", True),
    "GetObjectLegalHold": ("s3:GetObjectLegalHold", True),
    "PutObjectLegalHold": ("s3:PutObjectLegalHold", True),
    "GetObject": ("s3:GetObject", True),
    "HeadObject": ("s3:GetObject", True),
    "PutObject": ("s3:PutObject", True),
    "DeleteObject": ("s3:DeleteObject", True),
    "CopyObject": ("s3:PutObject", True),
    "GetObjectTagging": ("s3:GetObjectTagging", True),
    "PutObjectTagging": ("s3:PutObjectTagging", True),
    "DeleteObjectTagging": ("s3:DeleteObjectTagging", True),
    "GetObjectAcl": ("s3:GetObjectAcl", True),
    "PutObjectAcl": ("s3:PutObjectAcl", True),
    "GetObjectAttributes": ("s3:GetObjectAttributes", True),
    "CreateMultipartUpload": ("s3:PutObject", True),
    "UploadPart": ("s3:PutObject", True),
    "UploadPartCopy": ("s3:PutObject", True),
    "CompleteMultipartUpload": ("s3:PutObject", True),
    "AbortMultipartUpload": ("s3:AbortMultipartUpload", True),
    "ListParts": ("s3:ListMultipartUploadParts", True),
}
VERSIONED = {
    "GetObject": "s3:GetObjectVersion",
    "HeadObject": "s3:GetObjectVersion",
    "DeleteObject": "s3:DeleteObjectVersion",
    "GetObjectTagging": "s3:GetObjectVersionTagging",
    "PutObjectTagging": "s3:PutObjectVersionTagging",
    "DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
    "GetObjectAcl": "s3:GetObjectVersionAcl",
    "PutObjectAcl": "s3:PutObjectVersionAcl",
}


def bucket_check(s3: S3, action: str, bucket: str, key: str | None, **context: Any) -> Check:
    found = s3.buckets.find(bucket)
    resource = arns.s3_object(bucket, key) if key is not None else arns.s3_bucket(bucket)
    if found is None:
        return Check(action, resource, context=context)
    policy = s3.buckets.get_config(bucket, "policy")
    return Check(action, resource, found.account_id, policy, context)


def checks_for(s3: S3, ctx: RequestContext) -> list[Check]:
    op = ctx.operation_name
    params = ctx.params
    entry = ACTIONS.get(op)
    if entry is None:
        # Not mapped yet: the action named like the operation, on the bucket if there is one.
        entry = (f"s3:{op}", False if "Bucket" in params else None)
    action, on_object = entry
    if on_object is None:
        return [Check(action)]
    if op == "CreateBucket":  # a bucket of the caller's own, whoever holds the name now
        return [Check(action, arns.s3_bucket(params.get("Bucket", "")))]
    bucket = params.get("Bucket", "")
    if on_object and params.get("VersionId") and op in VERSIONED:
        action = VERSIONED[op]
    context: dict[str, Any] = {}
    if op in ("ListObjects", "ListObjectsV2", "ListObjectVersions"):
        context = {
            "s3:prefix": params.get("Prefix") or "",
            "s3:delimiter": params.get("Delimiter") or "",
            "s3:max-keys": str(params.get("MaxKeys", 1000)),
        }
    if on_object and params.get("VersionId"):
        context["s3:versionid"] = params["VersionId"]
    if params.get("ACL"):
        context["s3:x-amz-acl"] = params["ACL"]
    if params.get("ServerSideEncryption"):
        context["s3:x-amz-server-side-encryption"] = params["ServerSideEncryption"]
    if op == "DeleteObjects":
        return [
            bucket_check(
                s3,
                "s3:DeleteObjectVersion" if o.get("VersionId") else "s3:DeleteObject",
                bucket,
                o.get("Key", ""),
            )
            for o in (params.get("Delete") or {}).get("Objects") or []
        ]
    checks = [bucket_check(s3, action, bucket, params.get("Key") if on_object else None, **context)]
    source = params.get("CopySource")
    if source and op in ("CopyObject", "UploadPartCopy"):
        path, _, query = source.partition("?")
        src_bucket, _, src_key = unquote(path).lstrip("/").partition("/")
        version = dict(parse_qsl(query)).get("versionId")
        read = "s3:GetObjectVersion" if version else "s3:GetObject"
        checks.append(bucket_check(s3, read, src_bucket, src_key))
    return checks
