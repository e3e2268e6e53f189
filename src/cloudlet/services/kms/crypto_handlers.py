"""Encryption: Encrypt, Decrypt, ReEncrypt, data keys and data key pairs, GenerateRandom.

Symmetric ciphertexts name their key and material version (``ciphertext.py``), so Decrypt
needs no KeyId; RSA ciphertexts are bare RSAES-OAEP output, so Decrypt needs the KeyId, as
in AWS.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.kms import material as crypto
from cloudlet.services.kms import specs
from cloudlet.services.kms.errors import (
    DryRunOperationException,
    IncorrectKeyException,
    InvalidKeyUsageException,
    UnsupportedOperationException,
    ValidationException,
)
from cloudlet.services.kms.keys import Key, check_state

if TYPE_CHECKING:
    from cloudlet.services.kms.handlers import Kms

SYMMETRIC = "SYMMETRIC_DEFAULT"
_DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}


def dry_run(params: dict[str, Any]) -> None:
    if params.get("DryRun"):
        raise DryRunOperationException()


def no_recipient(params: dict[str, Any]) -> None:
    if params.get("Recipient"):
        raise UnsupportedOperationException(
            "Recipient (AWS Nitro Enclaves attestation) is not supported by cloudlet."
        )


def check_algorithm(key: Key, member: str, algorithm: str) -> None:
    """The algorithm must be one the key lists under ``member`` (EncryptionAlgorithms...)."""
    if algorithm not in specs.algorithms(key.key_spec, key.key_usage).get(member, []):
        raise InvalidKeyUsageException(
            f"Algorithm {algorithm} is incompatible with key spec {key.key_spec} and key usage "
            f"{key.key_usage} of {key.arn}."
        )


def encrypt_with(
    kms: Kms,
    ctx: RequestContext,
    ref: str,
    plaintext: bytes,
    algorithm: str,
    context: dict[str, str] | None,
    operation_name: str,
) -> tuple[Key, bytes, str | None]:
    """(key, ciphertext, key material id if symmetric)."""
    key = kms.usable_key(ctx.account_id, ctx.region, ref, operation_name, "ENCRYPT_DECRYPT")
    check_algorithm(key, "EncryptionAlgorithms", algorithm)
    if key.symmetric:
        return key, kms.seal(key, plaintext, context), key.current_material_id
    if context:
        raise ValidationException("EncryptionContext is supported only with symmetric keys.")
    material = kms.keys.current_material(key)
    return key, crypto.rsa_encrypt(material, algorithm, plaintext), None


def decrypt_with(
    kms: Kms,
    ctx: RequestContext,
    blob: bytes,
    ref: str | None,
    algorithm: str,
    context: dict[str, str] | None,
) -> tuple[Key, bytes, str | None]:
    """(key, plaintext, key material id if symmetric)."""
    expected = kms.find_key(ctx.account_id, ctx.region, ref) if ref else None
    if algorithm == SYMMETRIC:
        if expected is not None and not expected.symmetric:
            check_state(expected)
            check_algorithm(expected, "EncryptionAlgorithms", algorithm)
        key, plaintext, material = kms.unseal(ctx.account_id, ctx.region, blob, context, expected)
        return key, plaintext, crypto.material_id(material)
    if expected is None:
        raise ValidationException(
            "KeyId is required to decrypt a ciphertext made with an asymmetric KMS key."
        )
    check_state(expected)
    if expected.symmetric:
        raise IncorrectKeyException()
    check_algorithm(expected, "EncryptionAlgorithms", algorithm)
    material = kms.keys.current_material(expected)
    return expected, crypto.rsa_decrypt(material, algorithm, blob), None


def _with_material_id(out: dict[str, Any], name: str, material_id: str | None) -> dict[str, Any]:
    if material_id:
        out[name] = material_id
    return out


@operation("Encrypt")
def encrypt(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    algorithm = params.get("EncryptionAlgorithm") or SYMMETRIC
    key, blob, _ = encrypt_with(
        kms,
        ctx,
        params["KeyId"],
        params["Plaintext"],
        algorithm,
        params.get("EncryptionContext"),
        "Encrypt",
    )
    dry_run(params)
    return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": algorithm}


@operation("Decrypt")
def decrypt(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    no_recipient(params)
    algorithm = params.get("EncryptionAlgorithm") or SYMMETRIC
    key, plaintext, material_id = decrypt_with(
        kms,
        ctx,
        params.get("CiphertextBlob") or b"",
        params.get("KeyId"),
        algorithm,
        params.get("EncryptionContext"),
    )
    dry_run(params)
    out = {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": algorithm}
    return _with_material_id(out, "KeyMaterialId", material_id)


@operation("ReEncrypt")
def re_encrypt(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    source_algorithm = params.get("SourceEncryptionAlgorithm") or SYMMETRIC
    target_algorithm = params.get("DestinationEncryptionAlgorithm") or SYMMETRIC
    source, plaintext, source_material = decrypt_with(
        kms,
        ctx,
        params.get("CiphertextBlob") or b"",
        params.get("SourceKeyId"),
        source_algorithm,
        params.get("SourceEncryptionContext"),
    )
    target, blob, target_material = encrypt_with(
        kms,
        ctx,
        params["DestinationKeyId"],
        plaintext,
        target_algorithm,
        params.get("DestinationEncryptionContext"),
        "ReEncrypt",
    )
    dry_run(params)
    out = {
        "CiphertextBlob": blob,
        "SourceKeyId": source.arn,
        "KeyId": target.arn,
        "SourceEncryptionAlgorithm": source_algorithm,
        "DestinationEncryptionAlgorithm": target_algorithm,
    }
    _with_material_id(out, "SourceKeyMaterialId", source_material)
    return _with_material_id(out, "DestinationKeyMaterialId", target_material)


def _data_key(kms: Kms, ctx: RequestContext, params: dict[str, Any], op: str) -> dict[str, Any]:
    spec, size = params.get("KeySpec"), params.get("NumberOfBytes")
    if spec is None and size is None:
        raise ValidationException("Please specify either number of bytes or key spec.")
    if spec is not None and size is not None:
        raise ValidationException("Please specify either number of bytes or key spec, not both.")
    key = kms.usable_key(
        ctx.account_id, ctx.region, params["KeyId"], op, "ENCRYPT_DECRYPT", symmetric=True
    )
    plaintext = secrets.token_bytes(_DATA_KEY_BYTES[spec] if spec else int(size))
    blob = kms.seal(key, plaintext, params.get("EncryptionContext"))
    dry_run(params)
    out = {"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": key.arn}
    return _with_material_id(out, "KeyMaterialId", key.current_material_id)


@operation("GenerateDataKey")
def generate_data_key(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    no_recipient(params)
    return _data_key(kms, ctx, params, "GenerateDataKey")


@operation("GenerateDataKeyWithoutPlaintext")
def generate_data_key_without_plaintext(
    kms: Kms, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    out = _data_key(kms, ctx, params, "GenerateDataKeyWithoutPlaintext")
    del out["Plaintext"]
    return out


def _data_key_pair(
    kms: Kms, ctx: RequestContext, params: dict[str, Any], op: str
) -> dict[str, Any]:
    pair_spec = params["KeyPairSpec"]
    if not specs.is_asymmetric(pair_spec):
        raise UnsupportedOperationException(
            f"KeyPairSpec {pair_spec} is not supported by cloudlet yet."
        )
    key = kms.usable_key(
        ctx.account_id, ctx.region, params["KeyId"], op, "ENCRYPT_DECRYPT", symmetric=True
    )
    private = crypto.private_der(crypto.generate_private(pair_spec))
    blob = kms.seal(key, private, params.get("EncryptionContext"))
    dry_run(params)
    out = {
        "PrivateKeyCiphertextBlob": blob,
        "PrivateKeyPlaintext": private,
        "PublicKey": crypto.public_der(private),
        "KeyId": key.arn,
        "KeyPairSpec": pair_spec,
    }
    return _with_material_id(out, "KeyMaterialId", key.current_material_id)


@operation("GenerateDataKeyPair")
def generate_data_key_pair(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    no_recipient(params)
    return _data_key_pair(kms, ctx, params, "GenerateDataKeyPair")


@operation("GenerateDataKeyPairWithoutPlaintext")
def generate_data_key_pair_without_plaintext(
    kms: Kms, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    out = _data_key_pair(kms, ctx, params, "GenerateDataKeyPairWithoutPlaintext")
    del out["PrivateKeyPlaintext"]
    return out


@operation("GenerateRandom")
def generate_random(kms: Kms, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    no_recipient(params)
    if params.get("CustomKeyStoreId"):
        raise UnsupportedOperationException("Custom key stores are not supported by cloudlet.")
    size = params.get("NumberOfBytes")
    if size is None or not 1 <= size <= 1024:
        raise ValidationException(
            f"1 validation error detected: Value '{size}' at 'numberOfBytes' failed to satisfy "
            "constraint: Member must have value between 1 and 1024"
        )
    return {"Plaintext": secrets.token_bytes(int(size))}
