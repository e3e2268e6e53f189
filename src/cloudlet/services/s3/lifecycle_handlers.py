"""Put/Get/DeleteBucketLifecycleConfiguration; the rules run in ``lifecycle_jobs``.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.errors import NoSuchLifecycleConfiguration
from cloudlet.services.s3.lifecycle import validate

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3


@operation("PutBucketLifecycleConfiguration")
def put_bucket_lifecycle_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = validate(
        params.get("LifecycleConfiguration"), params.get("TransitionDefaultMinimumObjectSize")
    )
    s3.buckets.put_config(bucket.name, "lifecycle", config)
    return {"TransitionDefaultMinimumObjectSize": config["TransitionDefaultMinimumObjectSize"]}


@operation("GetBucketLifecycleConfiguration")
def get_bucket_lifecycle_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = s3.buckets.get_config(bucket.name, "lifecycle")
    if config is None:
        raise NoSuchLifecycleConfiguration(BucketName=bucket.name)
    return dict(config)  # the cached document is shared: the serializer gets its own copy


@operation("DeleteBucketLifecycle")
def delete_bucket_lifecycle(s3: S3, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    s3.buckets.delete_config(bucket.name, "lifecycle")
    return {"__status": 204}
