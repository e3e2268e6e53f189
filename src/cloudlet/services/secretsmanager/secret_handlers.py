"""Secrets themselves: create, describe, update, delete (with a recovery window), restore, tags."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import uuid
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.secretsmanager.errors import (
    MARKED_FOR_DELETION,
    InvalidParameterException,
    InvalidRequestException,
    LimitExceededException,
    ResourceExistsException,
)
from cloudlet.services.secretsmanager.listing import describe
from cloudlet.services.secretsmanager.secrets import CURRENT, PENDING, PREVIOUS, Secret
from cloudlet.services.secretsmanager.value_handlers import store_value, value_of

if TYPE_CHECKING:
    from cloudlet.services.secretsmanager.handlers import SecretsManager

DAY = 86400.0
MAX_TAGS = 50
_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


def validate_name(name: str) -> None:
    if not _NAME.match(name):
        raise InvalidParameterException(
            "Invalid name. Must be a valid name containing alphanumeric characters, or any of "
            "the following: -/_+=.@!"
        )


def validate_tags(tags: list[dict[str, str]], existing: int = 0) -> None:
    for tag in tags:
        if tag.get("Key", "").startswith("aws:"):
            raise InvalidParameterException("Tag keys beginning with aws: are reserved.")
    if existing + len(tags) > MAX_TAGS:
        raise LimitExceededException(f"A secret can have at most {MAX_TAGS} tags.")


def no_replication(params: dict[str, Any]) -> None:
    if params.get("AddReplicaRegions"):
        raise InvalidRequestException(
            "Replicating secrets to other Regions is not supported by cloudlet yet."
        )


@operation("CreateSecret")
def create_secret(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    name = params["Name"]
    validate_name(name)
    value = value_of(params, required=False)
    tags = params.get("Tags") or []
    validate_tags(tags)
    no_replication(params)
    token = params.get("ClientRequestToken") or str(uuid.uuid4())
    existing = sm.secrets.by_name(ctx.account_id, ctx.region, name)
    if existing is not None:
        return _create_again(sm, existing, token, value)
    now = sm.cloud.clock.time()
    secret = Secret(
        arn=sm.new_arn(ctx.account_id, ctx.region, name),
        account_id=ctx.account_id,
        region=ctx.region,
        name=name,
        created=now,
        last_changed=now,
        description=params.get("Description"),
        kms_key_id=params.get("KmsKeyId") or None,
        type=params.get("Type"),
    )
    version = sm.seal(secret, token, value[0], value[1], now) if value else None
    try:
        sm.secrets.create(secret, tags, version)
    except sqlite3.IntegrityError as exc:  # created concurrently under the same name
        raise ResourceExistsException(
            f"The operation failed because the secret {name} already exists."
        ) from exc
    out = {"ARN": secret.arn, "Name": name}
    if version is not None:
        out["VersionId"] = version.version_id
    return out


def _create_again(
    sm: SecretsManager, secret: Secret, token: str, value: tuple[bytes, str] | None
) -> dict[str, Any]:
    """A retried CreateSecret (same token, same value) answers the first one's result."""
    if secret.deletion_date is not None:
        raise InvalidRequestException(
            "You can't create this secret because a secret with this name is already "
            "scheduled for deletion."
        )
    version = sm.secrets.version(secret.arn, token)
    if version is None or value is None:
        raise ResourceExistsException(
            f"The operation failed because the secret {secret.name} already exists."
        )
    store_value(sm, secret, token, value, [CURRENT])  # raises if the value differs
    return {"ARN": secret.arn, "Name": secret.name, "VersionId": token}


@operation("DescribeSecret")
def describe_secret(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"], deleted_ok=True)
    return describe(sm, secret, "VersionIdsToStages")


@operation("UpdateSecret")
def update_secret(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    value = value_of(params, required=False)
    changes: dict[str, Any] = {}
    if "Description" in params:
        changes["description"] = params["Description"]
    if "Type" in params:
        changes["type"] = params["Type"]
    if "KmsKeyId" in params and (params["KmsKeyId"] or None) != secret.kms_key_id:
        secret = _rekey(sm, secret, params["KmsKeyId"] or None)
        changes["kms_key_id"] = secret.kms_key_id
    if changes:
        changes["last_changed"] = sm.cloud.clock.time()
        sm.secrets.update(secret.arn, **changes)
    out = {"ARN": secret.arn, "Name": secret.name}
    if value is not None:
        token = params.get("ClientRequestToken") or str(uuid.uuid4())
        out["VersionId"] = store_value(sm, secret, token, value, [CURRENT]).version_id
    return out


def _rekey(sm: SecretsManager, secret: Secret, kms_key_id: str | None) -> Secret:
    """Re-encrypt the AWSCURRENT, AWSPENDING and AWSPREVIOUS versions under the new key.

    https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecret.html
    """
    rekeyed = dataclasses.replace(secret, kms_key_id=kms_key_id)
    resealed = []
    for version in sm.secrets.versions(secret.arn):
        if {CURRENT, PENDING, PREVIOUS} & set(version.stages):
            plaintext = sm.open(secret, version)
            resealed.append(
                sm.seal(rekeyed, version.version_id, plaintext, version.kind, version.created)
            )
    if not resealed:  # no value yet: still refuse a key that cannot encrypt
        sm.check_key(rekeyed)
    for version in resealed:
        sm.secrets.reseal(version, version.kms_key_label, version.data_key, version.sealed)
    return rekeyed


@operation("DeleteSecret")
def delete_secret(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html"""
    force = bool(params.get("ForceDeleteWithoutRecovery"))
    window = params.get("RecoveryWindowInDays")
    if force and window is not None:
        raise InvalidParameterException(
            "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."
        )
    if window is not None and not 7 <= window <= 30:
        raise InvalidParameterException(
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive)."
        )
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"], deleted_ok=True)
    now = sm.cloud.clock.time()
    if force:
        sm.secrets.delete(secret.arn)
        return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": now}
    if secret.deletion_date is not None:
        raise InvalidRequestException(MARKED_FOR_DELETION)
    when = now + (window or 30) * DAY
    sm.secrets.update(secret.arn, deleted_date=now, deletion_date=when)
    return {"ARN": secret.arn, "Name": secret.name, "DeletionDate": when}


@operation("RestoreSecret")
def restore_secret(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"], deleted_ok=True)
    if secret.deletion_date is not None:
        sm.secrets.update(secret.arn, deleted_date=None, deletion_date=None)
    return {"ARN": secret.arn, "Name": secret.name}


@operation("TagResource")
def tag_resource(sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    tags = params.get("Tags") or []
    existing = {t["Key"] for t in sm.secrets.tags(secret.arn)}
    validate_tags(tags, len(existing - {t.get("Key") for t in tags}))
    sm.secrets.put_tags(secret.arn, tags)
    return {}


@operation("UntagResource")
def untag_resource(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    sm.secrets.remove_tags(secret.arn, params.get("TagKeys") or [])
    return {}
