"""Secret values: versions, staging labels, and reading values back.

https://docs.aws.amazon.com/secretsmanager/latest/userguide/whats-in-a-secret.html#term_version
"""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import ServiceError
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.secretsmanager import authz, listing
from cloudlet.services.secretsmanager.errors import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceExistsException,
    ResourceNotFoundException,
)
from cloudlet.services.secretsmanager.secrets import CURRENT, Secret, Version

if TYPE_CHECKING:
    from cloudlet.services.secretsmanager.handlers import SecretsManager

DAY = 86400.0
MAX_STAGES_PER_VERSION = 20


def value_of(params: dict[str, Any], required: bool = True) -> tuple[bytes, str] | None:
    """(bytes, "string" | "binary") of the request's SecretString or SecretBinary."""
    text, binary = params.get("SecretString"), params.get("SecretBinary")
    if text is not None and binary is not None:
        raise InvalidParameterException(
            "You can't specify both a binary secret value and a string secret value in the "
            "same secret."
        )
    if text is not None:
        return text.encode("utf-8"), "string"
    if binary is not None:
        return bytes(binary), "binary"
    if required:
        raise InvalidRequestException("You must provide either SecretString or SecretBinary.")
    return None


def store_value(
    sm: SecretsManager,
    secret: Secret,
    token: str,
    value: tuple[bytes, str],
    stages: list[str],
) -> Version:
    """A new version, unless ``token`` names one already: same value → that version (a
    retried request), another value → ResourceExistsException."""
    existing = sm.secrets.version(secret.arn, token)
    if existing is not None:
        return _same_or_refuse(sm, secret, existing, value)
    now = sm.cloud.clock.time()
    version = sm.seal(secret, token, value[0], value[1], now)
    try:
        sm.secrets.add_version(version, stages, now)
    except sqlite3.IntegrityError:  # the same token, concurrently
        existing = sm.secrets.version(secret.arn, token)
        assert existing is not None
        return _same_or_refuse(sm, secret, existing, value)
    return dataclasses.replace(version, stages=tuple(stages))


def _same_or_refuse(
    sm: SecretsManager, secret: Secret, existing: Version, value: tuple[bytes, str]
) -> Version:
    if existing.kind == value[1] and sm.open(secret, existing) == value[0]:
        return existing
    raise ResourceExistsException(
        "You can't modify an existing version, you can only create a new version."
    )


def pick_version(
    sm: SecretsManager, secret: Secret, version_id: str | None, stage: str | None
) -> Version:
    if version_id:
        version = sm.secrets.version(secret.arn, version_id)
        if version is None:
            raise ResourceNotFoundException(
                f"Secrets Manager can't find the specified secret value for VersionId: {version_id}"
            )
        if stage and stage not in version.stages:
            raise InvalidRequestException(
                "You provided a VersionStage that is not associated to the provided VersionId."
            )
        return version
    stage = stage or CURRENT
    version = sm.secrets.version_at(secret.arn, stage)
    if version is None:
        raise ResourceNotFoundException(
            f"Secrets Manager can't find the specified secret value for staging label: {stage}"
        )
    return version


def read_value(sm: SecretsManager, secret: Secret, version: Version) -> dict[str, Any]:
    """The value members of GetSecretValue's output (and BatchGetSecretValue's entries)."""
    plaintext = sm.open(secret, version)
    now = sm.cloud.clock.time()
    today = now - now % DAY
    if version.last_accessed is None or version.last_accessed < today:
        sm.secrets.touch(secret.arn, version.version_id, today)
    out: dict[str, Any] = {
        "ARN": secret.arn,
        "Name": secret.name,
        "VersionId": version.version_id,
        "VersionStages": list(version.stages),
        "CreatedDate": version.created,
    }
    if version.kind == "string":
        out["SecretString"] = plaintext.decode("utf-8")
    else:
        out["SecretBinary"] = plaintext
    return out


@operation("GetSecretValue")
def get_secret_value(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    version = pick_version(sm, secret, params.get("VersionId"), params.get("VersionStage"))
    return read_value(sm, secret, version)


@operation("BatchGetSecretValue")
def batch_get_secret_value(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    ids, filters = params.get("SecretIdList"), params.get("Filters")
    if bool(ids) == bool(filters):
        raise InvalidParameterException(
            "Either 'SecretIdList' or 'Filters' must be provided, but not both."
        )
    values: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    out: dict[str, Any] = {"SecretValues": values, "Errors": errors}
    if ids:
        if params.get("MaxResults") is not None:
            raise InvalidParameterException("MaxResults can't be used with SecretIdList.")
        chosen = [(secret_id, None) for secret_id in ids]
    else:
        secrets, token = listing.page(
            listing.matching(sm, ctx, filters, include_deleted=False),
            params,
            default_size=20,
        )
        chosen = [(s.arn, s) for s in secrets]
        if token:
            out["NextToken"] = token
    for secret_id, found in chosen:
        try:
            # Each secret also needs secretsmanager:GetSecretValue, as in AWS.
            check = authz.secret_check(sm, ctx, "secretsmanager:GetSecretValue", secret_id)
            sm.cloud.authorizer.check(ctx, [check])
            secret = found or sm.get(ctx.account_id, ctx.region, secret_id)
            values.append(read_value(sm, secret, pick_version(sm, secret, None, None)))
        except ServiceError as exc:
            errors.append({"SecretId": secret_id, "ErrorCode": exc.code, "Message": exc.message})
    return out


@operation("PutSecretValue")
def put_secret_value(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    value = value_of(params)
    assert value is not None
    if params.get("RotationToken"):
        raise InvalidRequestException(
            "RotationToken belongs to managed external rotation, which cloudlet does not "
            "support yet."
        )
    stages = list(params.get("VersionStages") or [CURRENT])
    _check_stages(stages)
    token = params.get("ClientRequestToken") or str(uuid.uuid4())
    version = store_value(sm, secret, token, value, stages)
    return {
        "ARN": secret.arn,
        "Name": secret.name,
        "VersionId": version.version_id,
        "VersionStages": list(version.stages),
    }


def _check_stages(stages: list[str]) -> None:
    if len(stages) > MAX_STAGES_PER_VERSION:
        raise InvalidParameterException(
            f"A version can have at most {MAX_STAGES_PER_VERSION} staging labels."
        )


@operation("ListSecretVersionIds")
def list_secret_version_ids(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"], deleted_ok=True)
    versions = sm.secrets.versions(secret.arn)
    if not params.get("IncludeDeprecated"):
        versions = [v for v in versions if v.stages]
    found, token = listing.page(versions, params, default_size=100)
    entries = []
    for version in found:
        entry: dict[str, Any] = {
            "VersionId": version.version_id,
            "CreatedDate": version.created,
            "KmsKeyIds": [version.kms_key_label],
        }
        if version.stages:
            entry["VersionStages"] = list(version.stages)
        if version.last_accessed is not None:
            entry["LastAccessedDate"] = version.last_accessed
        entries.append(entry)
    out = {"Versions": entries, "ARN": secret.arn, "Name": secret.name}
    if token:
        out["NextToken"] = token
    return out


@operation("UpdateSecretVersionStage")
def update_secret_version_stage(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Move or remove one staging label; moving AWSCURRENT makes its old holder AWSPREVIOUS.

    https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
    """
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    stage = params["VersionStage"]
    remove_from, move_to = params.get("RemoveFromVersionId"), params.get("MoveToVersionId")
    holder = sm.secrets.version_at(secret.arn, stage)
    held_by = holder.version_id if holder is not None else None
    if remove_from and remove_from != held_by:
        raise InvalidParameterException(
            f"The staging label {stage} is not attached to version {remove_from}."
        )
    if move_to:
        target = sm.secrets.version(secret.arn, move_to)
        if target is None:
            raise ResourceNotFoundException(
                f"Secrets Manager can't find the specified secret version: {move_to}"
            )
        if held_by is not None and held_by != move_to and remove_from != held_by:
            raise InvalidParameterException(
                f"The parameter RemoveFromVersionId can't be empty. Staging label {stage} is "
                f"currently attached to version {held_by}, so you must explicitly reference "
                "that version in RemoveFromVersionId."
            )
        if stage not in target.stages:
            _check_stages([*target.stages, stage])
        sm.secrets.move_stage(secret.arn, stage, move_to)
    elif remove_from:
        if stage == CURRENT:
            raise InvalidParameterException(
                "You can't remove the staging label AWSCURRENT from a version; move it to "
                "another version with MoveToVersionId instead."
            )
        sm.secrets.move_stage(secret.arn, stage, None)
    else:
        raise InvalidParameterException(
            "You must specify MoveToVersionId, RemoveFromVersionId, or both."
        )
    sm.secrets.update(secret.arn, last_changed=sm.cloud.clock.time())
    return {"ARN": secret.arn, "Name": secret.name}
