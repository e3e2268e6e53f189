"""Key policies and tags: stored per key, returned as they were given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.kms.errors import NotFoundException
from cloudlet.services.kms.key_handlers import (
    managed_by_customer,
    not_pending_deletion,
    validate_tags,
)
from cloudlet.services.kms.paging import page
from cloudlet.services.kms.policy import POLICY_NAME, validate

if TYPE_CHECKING:
    from cloudlet.services.kms.handlers import Kms


def _policy_name(params: dict[str, Any]) -> str:
    name = params.get("PolicyName") or POLICY_NAME
    if name != POLICY_NAME:
        raise NotFoundException(f"No such policy exists: {name}. A key has one policy, 'default'.")
    return name


@operation("GetKeyPolicy")
def get_key_policy(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = _policy_name(params)
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
    return {"Policy": key.policy, "PolicyName": name}


@operation("PutKeyPolicy")
def put_key_policy(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    _policy_name(params)
    key = managed_by_customer(kms, ctx, params["KeyId"], "PutKeyPolicy")
    validate(params["Policy"])
    kms.keys.update(key.key_id, policy=params["Policy"])
    return {}


@operation("ListKeyPolicies")
def list_key_policies(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
    return {"PolicyNames": [POLICY_NAME], "Truncated": False}


@operation("TagResource")
def tag_resource(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = managed_by_customer(kms, ctx, params["KeyId"], "TagResource")
    not_pending_deletion(key)
    tags = params.get("Tags") or []
    existing = {t["TagKey"] for t in kms.keys.tags(key.key_id)}
    validate_tags(tags, len(existing - {t["TagKey"] for t in tags}))
    kms.keys.put_tags(key.key_id, tags)
    return {}


@operation("UntagResource")
def untag_resource(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = managed_by_customer(kms, ctx, params["KeyId"], "UntagResource")
    not_pending_deletion(key)
    kms.keys.remove_tags(key.key_id, params.get("TagKeys") or [])
    return {}


@operation("ListResourceTags")
def list_resource_tags(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
    tags = kms.keys.tags(key.key_id)
    found, paging = page(
        lambda after, limit: [t for t in tags if t["TagKey"] > after][:limit],
        params,
        50,
        lambda tag: tag["TagKey"],
    )
    return {"Tags": found, **paging}
