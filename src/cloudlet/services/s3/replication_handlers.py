"""Put/Get/DeleteBucketReplication; versions are copied by ``replication_jobs``.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.errors import ReplicationConfigurationNotFoundError
from cloudlet.services.s3.replication import validate

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3


@operation("PutBucketReplication")
def put_bucket_replication(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """``Token`` (for buckets with Object Lock) is accepted and not checked."""
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = validate(s3, bucket.name, params.get("ReplicationConfiguration"))
    stored = {"configuration": config, "since": s3.cloud.clock.time()}
    s3.buckets.put_config(bucket.name, "replication", stored)
    return {}


@operation("GetBucketReplication")
def get_bucket_replication(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    stored = s3.buckets.get_config(bucket.name, "replication")
    if stored is None:
        raise ReplicationConfigurationNotFoundError(BucketName=bucket.name)
    # The cached document is shared: the serializer gets its own copy.
    return {"ReplicationConfiguration": copy.deepcopy(stored["configuration"])}


@operation("DeleteBucketReplication")
def delete_bucket_replication(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Versions already queued are still copied, as on S3."""
    bucket = s3.bucket_for(ctx, params["Bucket"])
    s3.buckets.delete_config(bucket.name, "replication")
    return {"__status": 204}
