"""Aliases: create, retarget, delete and list ``alias/...`` names of keys."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.kms.aliases import Alias, validate_name
from cloudlet.services.kms.errors import AlreadyExistsException, NotFoundException
from cloudlet.services.kms.key_handlers import not_pending_deletion
from cloudlet.services.kms.keys import Key
from cloudlet.services.kms.paging import page

if TYPE_CHECKING:
    from cloudlet.services.kms.handlers import Kms


def _target(kms: Kms, ctx: RequestContext, ref: str) -> Key:
    key = kms.find_key(ctx.account_id, ctx.region, ref, aliases=False)
    not_pending_deletion(key)
    return key


def _existing(kms: Kms, ctx: RequestContext, name: str) -> Alias:
    alias = kms.aliases.get(ctx.account_id, ctx.region, name)
    if alias is None:
        arn = arns.build("kms", ctx.region, ctx.account_id, name)
        raise NotFoundException(f"Alias {arn} is not found.")
    return alias


@operation("CreateAlias")
def create_alias(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    validate_name(name)
    key = _target(kms, ctx, params["TargetKeyId"])
    now = kms.cloud.clock.time()
    alias = Alias(ctx.account_id, ctx.region, name, key.key_id, now, now)
    try:
        with kms.store.write() as conn:
            kms.aliases.insert(conn, alias)
    except sqlite3.IntegrityError as exc:
        raise AlreadyExistsException(f"An alias with the name {alias.arn} already exists") from exc
    return {}


@operation("UpdateAlias")
def update_alias(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    validate_name(name)
    alias = _existing(kms, ctx, name)
    key = _target(kms, ctx, params["TargetKeyId"])
    kms.aliases.retarget(alias, key.key_id, kms.cloud.clock.time())
    return {}


@operation("DeleteAlias")
def delete_alias(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["AliasName"]
    validate_name(name)
    kms.aliases.delete(_existing(kms, ctx, name))
    return {}


@operation("ListAliases")
def list_aliases(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key_id = None
    if params.get("KeyId"):
        key_id = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False).key_id
    aliases, paging = page(
        lambda after, limit: kms.aliases.list(ctx.account_id, ctx.region, key_id, after, limit),
        params,
        50,
        lambda alias: alias.name,
    )
    return {"Aliases": [a.entry() for a in aliases], **paging}
