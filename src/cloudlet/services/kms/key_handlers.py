"""Key lifecycle: create, describe, list, enable/disable, scheduled deletion, description."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.kms import material as crypto
from cloudlet.services.kms import specs
from cloudlet.services.kms.errors import (
    AccessDeniedException,
    KMSInvalidStateException,
    TagException,
    UnsupportedOperationException,
    ValidationException,
)
from cloudlet.services.kms.keys import DAY, Key
from cloudlet.services.kms.paging import page
from cloudlet.services.kms.policy import default_policy, validate

if TYPE_CHECKING:
    from cloudlet.services.kms.handlers import Kms

MAX_TAGS = 50


@operation("CreateKey")
def create_key(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    spec = params.get("KeySpec")
    legacy = params.get("CustomerMasterKeySpec")
    if spec and legacy:
        raise ValidationException(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
            "CustomerMasterKeySpec is deprecated."
        )
    spec = spec or legacy or "SYMMETRIC_DEFAULT"
    usage = specs.check(spec, params.get("KeyUsage"))
    origin = params.get("Origin") or "AWS_KMS"
    if origin != "AWS_KMS" or params.get("CustomKeyStoreId"):
        raise UnsupportedOperationException(
            f"Origin {origin} and custom key stores are not supported by cloudlet yet."
        )
    policy = params.get("Policy")
    if policy is not None:
        validate(policy)
    tags = params.get("Tags") or []
    validate_tags(tags)
    multi_region = bool(params.get("MultiRegion"))
    key = Key(
        key_id=f"mrk-{uuid.uuid4().hex}" if multi_region else str(uuid.uuid4()),
        account_id=ctx.account_id,
        region=ctx.region,
        description=params.get("Description") or "",
        key_usage=usage,
        key_spec=spec,
        state="Enabled",
        created=kms.cloud.clock.time(),
        policy=policy or default_policy(ctx.account_id),
        multi_region=multi_region,
    )
    kms.keys.create(key, crypto.generate(spec), tags)
    return {"KeyMetadata": key.metadata()}


@operation("DescribeKey")
def describe_key(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"])
    return {"KeyMetadata": key.metadata()}


@operation("ListKeys")
def list_keys(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    keys, paging = page(
        lambda after, limit: kms.keys.list(ctx.account_id, ctx.region, after, limit),
        params,
        100,
        lambda key: key.key_id,
    )
    return {"Keys": [{"KeyId": k.key_id, "KeyArn": k.arn} for k in keys], **paging}


@operation("UpdateKeyDescription")
def update_key_description(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = managed_by_customer(kms, ctx, params["KeyId"], "UpdateKeyDescription")
    not_pending_deletion(key)
    kms.keys.update(key.key_id, description=params.get("Description") or "")
    return {}


@operation("EnableKey")
def enable_key(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = managed_by_customer(kms, ctx, params["KeyId"], "EnableKey")
    not_pending_deletion(key)
    kms.keys.update(key.key_id, state="Enabled")
    return {}


@operation("DisableKey")
def disable_key(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = managed_by_customer(kms, ctx, params["KeyId"], "DisableKey")
    not_pending_deletion(key)
    kms.keys.update(key.key_id, state="Disabled")
    return {}


@operation("ScheduleKeyDeletion")
def schedule_key_deletion(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html"""
    days = params.get("PendingWindowInDays")
    days = 30 if days is None else int(days)
    if days < 7 or days > 30:
        bound = "greater than or equal to 7" if days < 7 else "less than or equal to 30"
        raise ValidationException(
            f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to "
            f"satisfy constraint: Member must have value {bound}"
        )
    key = managed_by_customer(kms, ctx, params["KeyId"], "ScheduleKeyDeletion")
    not_pending_deletion(key)
    when = kms.cloud.clock.time() + days * DAY
    kms.keys.update(
        key.key_id, state="PendingDeletion", deletion_date=when, pending_window_days=days
    )
    return {
        "KeyId": key.arn,
        "DeletionDate": when,
        "KeyState": "PendingDeletion",
        "PendingWindowInDays": days,
    }


@operation("CancelKeyDeletion")
def cancel_key_deletion(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = managed_by_customer(kms, ctx, params["KeyId"], "CancelKeyDeletion")
    if key.state != "PendingDeletion":
        raise KMSInvalidStateException(f"{key.arn} is not pending deletion.")
    # A key whose deletion is cancelled comes back disabled, as in AWS.
    kms.keys.update(key.key_id, state="Disabled", deletion_date=None, pending_window_days=None)
    return {"KeyId": key.arn}


# -- shared rules ------------------------------------------------------------------------


def managed_by_customer(kms: Kms, ctx: RequestContext, ref: str, action: str) -> Key:
    """The key, if it is a customer managed key: AWS managed keys' policies allow no changes."""
    key = kms.find_key(ctx.account_id, ctx.region, ref, aliases=False)
    if key.key_manager == "AWS":
        who = ctx.principal.arn if ctx.principal is not None else arns.root(ctx.account_id)
        raise AccessDeniedException(
            f"User: {who} is not authorized to perform: kms:{action} on resource: {key.arn} "
            f"because no resource-based policy allows the kms:{action} action"
        )
    return key


def not_pending_deletion(key: Key) -> None:
    if key.state == "PendingDeletion":
        raise KMSInvalidStateException(f"{key.arn} is pending deletion.")


def validate_tags(tags: list[dict[str, str]], existing: int = 0) -> None:
    for tag in tags:
        if tag["TagKey"].startswith("aws:"):
            raise TagException("Tags beginning with aws: are reserved.")
    if existing + len(tags) > MAX_TAGS:
        raise TagException(f"A key can have at most {MAX_TAGS} tags.")
