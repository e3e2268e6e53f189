"""A bucket's id-keyed configurations (Intelligent-Tiering, Inventory): S3 caps them at
1,000 a bucket, answers NoSuchConfiguration for an unknown id, and lists them by id, 100
a page, the token being the last id of the page before."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import error
from cloudlet.services.s3.errors import NoSuchConfiguration

if TYPE_CHECKING:
    from cloudlet.services.s3.buckets import Buckets

PAGE = 100
MAX_CONFIGURATIONS = 1000


def make_room(configs: dict[str, Any], config_id: str) -> None:
    """Refuse a new id past the limit (replacing an existing one is always allowed)."""
    if config_id not in configs and len(configs) >= MAX_CONFIGURATIONS:
        raise error(
            "TooManyConfigurations",
            "You are attempting to create a new configuration but have already reached the "
            "1,000-configuration limit.",
        )


def find(configs: dict[str, Any], config_id: str) -> Any:
    config = configs.get(config_id)
    if config is None:
        raise NoSuchConfiguration()
    return config


def page_of(configs: dict[str, Any], token: str | None, list_name: str) -> dict[str, Any]:
    """The List*Configurations output holding the page after ``token`` under ``list_name``."""
    ids = sorted(i for i in configs if token is None or i > token)
    page = ids[:PAGE]
    output: dict[str, Any] = {
        "IsTruncated": len(ids) > PAGE,
        list_name: [configs[i] for i in page] or None,
    }
    if token is not None:
        output["ContinuationToken"] = token
    if len(ids) > PAGE:
        output["NextContinuationToken"] = page[-1]
    return output


def store(buckets: Buckets, bucket: str, kind: str, config_id: str, config: Any) -> None:
    """Add or replace one configuration, reading the document afresh inside the write so
    two requests at once cannot lose each other's change."""
    with buckets.store.write():
        configs = dict(buckets.fresh_config(bucket, kind) or {})
        make_room(configs, config_id)
        configs[config_id] = config
        buckets.put_config(bucket, kind, configs)


def remove(buckets: Buckets, bucket: str, kind: str, config_id: str) -> None:
    """Delete one configuration (NoSuchConfiguration if there is none)."""
    with buckets.store.write():
        configs = dict(buckets.fresh_config(bucket, kind) or {})
        if configs.pop(config_id, None) is None:
            raise NoSuchConfiguration()
        if configs:
            buckets.put_config(bucket, kind, configs)
        else:
            buckets.delete_config(bucket, kind)
