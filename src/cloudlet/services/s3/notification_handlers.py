"""Put/GetBucketNotificationConfiguration: stored and validated; nothing is delivered yet.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.notifications import validate

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3


@operation("PutBucketNotificationConfiguration")
def put_bucket_notification_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = validate(params.get("NotificationConfiguration"))
    if config:
        s3.buckets.put_config(bucket.name, "notification", config)
    else:  # an empty configuration turns notifications off
        s3.buckets.delete_config(bucket.name, "notification")
    return {}


@operation("GetBucketNotificationConfiguration")
def get_bucket_notification_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    # The cached document is shared: the serializer gets its own copy.
    return copy.deepcopy(s3.buckets.get_config(bucket.name, "notification") or {})
