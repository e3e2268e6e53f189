"""Access keys: at most two per user (and per root), Active/Inactive, rotation, last use."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.iam.common import target_user
from cloudlet.services.iam.errors import NoSuchEntity
from cloudlet.services.iam.keys import AccessKey

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam


def _metadata(key: AccessKey) -> dict[str, Any]:
    return {
        "UserName": key.user_name,
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "CreateDate": key.created,
    }


def _owned_key(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> AccessKey:
    """The key named, if it belongs to the user named (or to the caller when none is)."""
    user = target_user(ctx, params)
    if user is not None:
        iam.entities.get(ctx.account_id, "user", user)
    key = iam.keys.get(ctx.account_id, params["AccessKeyId"])
    owner = key.user_name.lower() if key.user_name else None
    if owner != (user.lower() if user else None):
        raise NoSuchEntity(f"The Access Key with id {key.access_key_id} cannot be found.")
    return key


@operation("CreateAccessKey")
def create_access_key(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user_name = target_user(ctx, params)
    if user_name is None:  # the root user's own keys
        key, secret = iam.keys.create(
            ctx.account_id, None, arns.root(ctx.account_id), ctx.account_id
        )
    else:
        user = iam.entities.get(ctx.account_id, "user", user_name)
        key, secret = iam.keys.create(ctx.account_id, user.name, user.arn, user.id)
    return {"AccessKey": {**_metadata(key), "SecretAccessKey": secret}}


@operation("ListAccessKeys")
def list_access_keys(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user_name = target_user(ctx, params)
    if user_name is not None:
        user_name = iam.entities.get(ctx.account_id, "user", user_name).name
    keys = iam.keys.list(ctx.account_id, user_name)
    return {"AccessKeyMetadata": [_metadata(k) for k in keys], "IsTruncated": False}


@operation("UpdateAccessKey")
def update_access_key(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _owned_key(iam, ctx, params)
    iam.keys.set_status(key, params["Status"])
    return {}


@operation("DeleteAccessKey")
def delete_access_key(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = _owned_key(iam, ctx, params)
    iam.keys.delete(key)
    return {}


@operation("GetAccessKeyLastUsed")
def get_access_key_last_used(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    key = iam.keys.get(ctx.account_id, params["AccessKeyId"])
    if key.last_used is None:
        last_used: dict[str, Any] = {"ServiceName": "N/A", "Region": "N/A"}
    else:
        last_used = {
            "LastUsedDate": key.last_used,
            "ServiceName": key.last_used_service,
            "Region": key.last_used_region,
        }
    return {"UserName": key.user_name, "AccessKeyLastUsed": last_used}
