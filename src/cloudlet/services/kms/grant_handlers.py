"""Grants: create, list, retire and revoke (stored and listed; not yet enforced)."""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.kms.errors import (
    DryRunOperationException,
    InvalidGrantIdException,
    InvalidGrantTokenException,
    NotFoundException,
    ValidationException,
)
from cloudlet.services.kms.grants import Grant
from cloudlet.services.kms.keys import Key, check_state
from cloudlet.services.kms.paging import page

if TYPE_CHECKING:
    from cloudlet.services.kms.handlers import Kms

_GRANT_ID = re.compile(r"^[0-9a-f]{64}$")


def _dry_run(params: dict[str, Any]) -> None:
    if params.get("DryRun"):
        raise DryRunOperationException()


@operation("CreateGrant")
def create_grant(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
    check_state(key)
    operations = list(params.get("Operations") or [])
    if not operations:
        raise ValidationException("A grant must allow at least one operation.")
    constraints = params.get("Constraints") or None
    name = params.get("Name")
    _dry_run(params)
    if name:
        # Same name and same grant: AWS answers the existing grant (idempotent retries).
        for existing in kms.grants.named(key.key_id, name):
            if (
                existing.grantee == params["GranteePrincipal"]
                and existing.retiring == params.get("RetiringPrincipal")
                and sorted(existing.operations) == sorted(operations)
                and existing.constraints == constraints
            ):
                return {"GrantId": existing.grant_id, "GrantToken": existing.token}
    grant = Grant(
        grant_id=secrets.token_hex(32),
        key_id=key.key_id,
        account_id=ctx.account_id,
        region=ctx.region,
        name=name,
        grantee=params["GranteePrincipal"],
        retiring=params.get("RetiringPrincipal"),
        operations=operations,
        constraints=constraints,
        created=kms.cloud.clock.time(),
        token=secrets.token_urlsafe(96),
    )
    kms.grants.create(grant)
    return {"GrantId": grant.grant_id, "GrantToken": grant.token}


@operation("ListGrants")
def list_grants(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
    grants, paging = page(
        lambda after, limit: kms.grants.for_key(
            key.key_id, after, limit, params.get("GrantId"), params.get("GranteePrincipal")
        ),
        params,
        50,
        lambda grant: grant.grant_id,
    )
    return {"Grants": [g.entry(key.arn) for g in grants], **paging}


@operation("ListRetirableGrants")
def list_retirable_grants(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    grants, paging = page(
        lambda after, limit: kms.grants.retirable_by(
            ctx.account_id, params["RetiringPrincipal"], after, limit
        ),
        params,
        50,
        lambda grant: grant.grant_id,
    )
    entries = []
    for grant in grants:
        key = kms.keys.get(grant.key_id)
        if key is not None:
            entries.append(grant.entry(key.arn))
    return {"Grants": entries, **paging}


@operation("RetireGrant")
def retire_grant(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    token = params.get("GrantToken")
    if token:
        grant = kms.grants.by_token(token)
        if grant is None or grant.account_id != ctx.account_id:
            raise InvalidGrantTokenException("The grant token is not valid.")
    elif params.get("KeyId") and params.get("GrantId"):
        key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
        grant = _grant_of(kms, key, params["GrantId"])
    else:
        raise ValidationException("RetireGrant needs a GrantToken, or a KeyId and a GrantId.")
    _dry_run(params)
    kms.grants.delete(grant.grant_id)
    return {}


@operation("RevokeGrant")
def revoke_grant(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
    grant = _grant_of(kms, key, params["GrantId"])
    _dry_run(params)
    kms.grants.delete(grant.grant_id)
    return {}


def _grant_of(kms: Kms, key: Key, grant_id: str) -> Grant:
    if not _GRANT_ID.match(grant_id):
        raise InvalidGrantIdException(f"Invalid grant ID: {grant_id}")
    grant = kms.grants.get(grant_id)
    if grant is None or grant.key_id != key.key_id:
        raise NotFoundException(f"Grant ID {grant_id} not found")
    return grant
