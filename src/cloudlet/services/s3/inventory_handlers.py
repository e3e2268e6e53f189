"""Put/Get/List/DeleteBucketInventoryConfiguration: S3 Inventory configurations.

Reports are written on the clock by ``inventory_jobs``.
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketInventoryConfiguration.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3 import id_configs
from cloudlet.services.s3.inventory import validate
from cloudlet.services.s3.inventory_jobs import CONFIGS, RUNS, today

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3


def _configurations(s3: S3, bucket: str) -> dict[str, Any]:
    return s3.buckets.get_config(bucket, CONFIGS) or {}


def _runs(s3: S3, bucket: str) -> dict[str, Any]:
    return s3.buckets.fresh_config(bucket, RUNS) or {}


@operation("PutBucketInventoryConfiguration")
def put_bucket_inventory_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = validate(params["Id"], params.get("InventoryConfiguration"))
    with s3.store.write():
        id_configs.store(s3.buckets, bucket.name, CONFIGS, params["Id"], config)
        if params["Id"] not in _runs(s3, bucket.name):
            # The schedule counts from the day the configuration was first put.
            id_configs.store(s3.buckets, bucket.name, RUNS, params["Id"], {"since": today(s3)})
    return {}


@operation("GetBucketInventoryConfiguration")
def get_bucket_inventory_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = id_configs.find(_configurations(s3, bucket.name), params["Id"])
    return {"InventoryConfiguration": config}


@operation("ListBucketInventoryConfigurations")
def list_bucket_inventory_configurations(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """By id, 100 a page; the continuation token is the last id of the page before."""
    bucket = s3.bucket_for(ctx, params["Bucket"])
    token = params.get("ContinuationToken")
    return id_configs.page_of(_configurations(s3, bucket.name), token, "InventoryConfigurationList")


@operation("DeleteBucketInventoryConfiguration")
def delete_bucket_inventory_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    with s3.store.write():
        id_configs.remove(s3.buckets, bucket.name, CONFIGS, params["Id"])
        if params["Id"] in _runs(s3, bucket.name):
            id_configs.remove(s3.buckets, bucket.name, RUNS, params["Id"])
    return {"__status": 204}
