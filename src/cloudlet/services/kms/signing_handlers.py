"""Asymmetric and HMAC keys: Sign, Verify, GetPublicKey, GenerateMac, VerifyMac."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.kms import material as crypto
from cloudlet.services.kms import specs
from cloudlet.services.kms.crypto_handlers import check_algorithm, dry_run
from cloudlet.services.kms.errors import (
    KMSInvalidMacException,
    KMSInvalidSignatureException,
    UnsupportedOperationException,
)
from cloudlet.services.kms.keys import check_state

if TYPE_CHECKING:
    from cloudlet.services.kms.handlers import Kms


def _signing(kms: Kms, ctx: RequestContext, params: dict[str, Any], op: str) -> tuple[Any, bytes]:
    key = kms.usable_key(ctx.account_id, ctx.region, params["KeyId"], op, "SIGN_VERIFY")
    check_algorithm(key, "SigningAlgorithms", params["SigningAlgorithm"])
    return key, kms.keys.current_material(key)


@operation("Sign")
def sign(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, material = _signing(kms, ctx, params, "Sign")
    algorithm = params["SigningAlgorithm"]
    signature = crypto.sign(
        material, algorithm, params["Message"], params.get("MessageType") or "RAW"
    )
    dry_run(params)
    return {"KeyId": key.arn, "Signature": signature, "SigningAlgorithm": algorithm}


@operation("Verify")
def verify(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, material = _signing(kms, ctx, params, "Verify")
    algorithm = params["SigningAlgorithm"]
    valid = crypto.verify(
        material,
        algorithm,
        params["Message"],
        params.get("MessageType") or "RAW",
        params["Signature"],
    )
    dry_run(params)
    if not valid:
        raise KMSInvalidSignatureException()
    return {"KeyId": key.arn, "SignatureValid": True, "SigningAlgorithm": algorithm}


@operation("GetPublicKey")
def get_public_key(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key = kms.find_key(ctx.account_id, ctx.region, params["KeyId"])
    check_state(key)
    if not specs.is_asymmetric(key.key_spec):
        raise UnsupportedOperationException(
            f"{key.arn} key spec {key.key_spec} is not valid for this operation: "
            "only asymmetric keys have a public key."
        )
    return {
        "KeyId": key.arn,
        "PublicKey": crypto.public_der(kms.keys.current_material(key)),
        "CustomerMasterKeySpec": key.key_spec,
        "KeySpec": key.key_spec,
        "KeyUsage": key.key_usage,
        **specs.algorithms(key.key_spec, key.key_usage),
    }


def _mac(kms: Kms, ctx: RequestContext, params: dict[str, Any], op: str) -> tuple[Any, bytes]:
    key = kms.usable_key(ctx.account_id, ctx.region, params["KeyId"], op, "GENERATE_VERIFY_MAC")
    check_algorithm(key, "MacAlgorithms", params["MacAlgorithm"])
    material = kms.keys.current_material(key)
    return key, crypto.mac(material, params["MacAlgorithm"], params["Message"])


@operation("GenerateMac")
def generate_mac(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, mac = _mac(kms, ctx, params, "GenerateMac")
    dry_run(params)
    return {"Mac": mac, "MacAlgorithm": params["MacAlgorithm"], "KeyId": key.arn}


@operation("VerifyMac")
def verify_mac(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    key, mac = _mac(kms, ctx, params, "VerifyMac")
    dry_run(params)
    if not hmac.compare_digest(mac, params["Mac"]):
        raise KMSInvalidMacException()
    return {"KeyId": key.arn, "MacValid": True, "MacAlgorithm": params["MacAlgorithm"]}
