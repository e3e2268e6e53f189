"""Put/Get/List/DeleteBucketInventoryConfiguration: S3 Inventory configurations.

Reports are written on the clock by ``inventory_jobs``.
https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketInventoryConfiguration.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import error
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.s3.config_pages import page_of
from cloudlet.services.s3.errors import NoSuchConfiguration
from cloudlet.services.s3.inventory import validate
from cloudlet.services.s3.inventory_jobs import CONFIGS, RUNS, today

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

MAX_CONFIGURATIONS = 1000


def _configurations(s3: S3, bucket: str) -> dict[str, Any]:
    return s3.buckets.get_config(bucket, CONFIGS) or {}


def _committed(s3: S3) -> None:
    """Drop cached configurations again once the transaction is committed: ``put_config``
    inside it told every worker to forget them before the commit, and one may have re-read
    the old document meanwhile."""
    s3.buckets.invalidate()
    s3.cloud.generation.bump()


@operation("PutBucketInventoryConfiguration")
def put_bucket_inventory_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = validate(params["Id"], params.get("InventoryConfiguration"))
    with s3.store.write():
        configs = dict(s3.buckets.fresh_config(bucket.name, CONFIGS) or {})
        if params["Id"] not in configs and len(configs) >= MAX_CONFIGURATIONS:
            raise error(
                "TooManyConfigurations",
                "You are attempting to create a new configuration but have already reached the "
                "1,000-configuration limit.",
            )
        configs[params["Id"]] = config
        s3.buckets.put_config(bucket.name, CONFIGS, configs)
        runs = dict(s3.buckets.fresh_config(bucket.name, RUNS) or {})
        if params["Id"] not in runs:  # the schedule counts from the day it was first put
            runs[params["Id"]] = {"since": today(s3)}
            s3.buckets.put_config(bucket.name, RUNS, runs)
    _committed(s3)
    return {}


@operation("GetBucketInventoryConfiguration")
def get_bucket_inventory_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    config = _configurations(s3, bucket.name).get(params["Id"])
    if config is None:
        raise NoSuchConfiguration()
    return {"InventoryConfiguration": config}


@operation("ListBucketInventoryConfigurations")
def list_bucket_inventory_configurations(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """By id, 100 a page; the continuation token is the last id of the page before."""
    bucket = s3.bucket_for(ctx, params["Bucket"])
    configs = _configurations(s3, bucket.name)
    return page_of(configs, params.get("ContinuationToken"), "InventoryConfigurationList")


@operation("DeleteBucketInventoryConfiguration")
def delete_bucket_inventory_configuration(
    s3: S3, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    bucket = s3.bucket_for(ctx, params["Bucket"])
    with s3.store.write():
        configs = dict(s3.buckets.fresh_config(bucket.name, CONFIGS) or {})
        if configs.pop(params["Id"], None) is None:
            raise NoSuchConfiguration()
        runs = dict(s3.buckets.fresh_config(bucket.name, RUNS) or {})
        runs.pop(params["Id"], None)
        for kind, value in ((CONFIGS, configs), (RUNS, runs)):
            if value:
                s3.buckets.put_config(bucket.name, kind, value)
            else:
                s3.buckets.delete_config(bucket.name, kind)
    _committed(s3)
    return {"__status": 204}
