"""Key rotation: automatic (on the cloud's clock), on demand, and the rotation history.

Rotation adds a key material version; older versions stay to decrypt older ciphertexts.
https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.kms.errors import (
    DisabledException,
    LimitExceededException,
    UnsupportedOperationException,
    ValidationException,
)
from cloudlet.services.kms.key_handlers import managed_by_customer, not_pending_deletion
from cloudlet.services.kms.keys import DAY, DEFAULT_ROTATION_DAYS, Key, check_state
from cloudlet.services.kms.paging import page

if TYPE_CHECKING:
    from cloudlet.services.kms.handlers import Kms

#: On-demand rotations allowed per key.
ON_DEMAND_LIMIT = 10


def _rotatable(key: Key) -> None:
    if not key.symmetric:
        raise UnsupportedOperationException(
            f"{key.arn} has key spec {key.key_spec}; only symmetric encryption keys rotate."
        )


@operation("EnableKeyRotation")
def enable_key_rotation(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = managed_by_customer(kms, ctx, params["KeyId"], "EnableKeyRotation")
    not_pending_deletion(key)
    if key.state == "Disabled":
        raise DisabledException(f"{key.arn} is disabled.")
    _rotatable(key)
    days = int(params.get("RotationPeriodInDays") or DEFAULT_ROTATION_DAYS)
    if not 90 <= days <= 2560:
        raise ValidationException(
            f"1 validation error detected: Value '{days}' at 'rotationPeriodInDays' failed to "
            "satisfy constraint: Member must have value between 90 and 2560"
        )
    kms.keys.update(
        key.key_id,
        rotation_enabled=1,
        rotation_period_days=days,
        next_rotation=kms.cloud.clock.time() + days * DAY,
    )
    return {}


@operation("DisableKeyRotation")
def disable_key_rotation(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = managed_by_customer(kms, ctx, params["KeyId"], "DisableKeyRotation")
    not_pending_deletion(key)
    if key.state == "Disabled":
        raise DisabledException(f"{key.arn} is disabled.")
    _rotatable(key)
    kms.keys.update(key.key_id, rotation_enabled=0, next_rotation=None)
    return {}


@operation("GetKeyRotationStatus")
def get_key_rotation_status(
    kms: Kms, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
    _rotatable(key)
    out: dict[str, Any] = {"KeyId": key.arn, "KeyRotationEnabled": key.rotation_enabled}
    if key.rotation_enabled:
        out["RotationPeriodInDays"] = key.rotation_period_days
        out["NextRotationDate"] = key.next_rotation
    return out


@operation("RotateKeyOnDemand")
def rotate_key_on_demand(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """AWS rotates asynchronously within moments; here the new version exists on return."""
    key = managed_by_customer(kms, ctx, params["KeyId"], "RotateKeyOnDemand")
    check_state(key)
    _rotatable(key)
    done = [m for m in kms.keys.materials(key.key_id) if m.rotation_type == "ON_DEMAND"]
    if len(done) >= ON_DEMAND_LIMIT:
        raise LimitExceededException(
            f"{key.arn} has reached the limit of {ON_DEMAND_LIMIT} on-demand rotations."
        )
    kms.keys.rotate(key, kms.cloud.clock.time(), "ON_DEMAND")
    return {"KeyId": key.key_id}


@operation("ListKeyRotations")
def list_key_rotations(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"], aliases=False)
    _rotatable(key)
    everything = params.get("IncludeKeyMaterial") == "ALL_KEY_MATERIAL"
    current = key.current_version
    entries = [
        {
            "KeyId": key.key_id,
            "KeyMaterialId": m.material_id,
            "KeyMaterialState": "CURRENT" if m.version == current else "NON_CURRENT",
            "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE",
            "RotationDate": m.created,
            **({"RotationType": m.rotation_type} if m.rotation_type else {}),
            "_marker": f"{m.version:010d}",
        }
        for m in kms.keys.materials(key.key_id)
        if everything or m.rotation_type is not None
    ]
    found, paging = page(
        lambda after, limit: [e for e in entries if e["_marker"] > after][:limit],
        params,
        100,
        lambda entry: entry["_marker"],
    )
    for entry in found:
        del entry["_marker"]
    return {"Rotations": found, **paging}
