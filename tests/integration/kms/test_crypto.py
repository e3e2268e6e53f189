"""Encrypt/Decrypt, data keys, ReEncrypt and GenerateRandom, checked with ``cryptography``."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .conftest import expect_error

KeyFactory = Callable[..., dict[str, Any]]
CONTEXT = {"purpose": "test", "table": "orders"}


def test_encrypt_decrypt_round_trip_without_key_id(kms: Any, key: dict[str, Any]) -> None:
    plaintext = os.urandom(4096)
    out = kms.encrypt(KeyId=key["KeyId"], Plaintext=plaintext, EncryptionContext=CONTEXT)
    assert out["KeyId"] == key["Arn"]
    assert out["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert plaintext not in out["CiphertextBlob"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext=CONTEXT)
    assert back["Plaintext"] == plaintext
    assert back["KeyId"] == key["Arn"]
    assert back["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    assert back["KeyMaterialId"] == key["CurrentKeyMaterialId"]


def test_each_encryption_is_fresh(kms: Any, key: dict[str, Any]) -> None:
    one = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"same")["CiphertextBlob"]
    two = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"same")["CiphertextBlob"]
    assert one != two


def test_encrypt_through_alias(kms: Any, key: dict[str, Any]) -> None:
    alias = f"alias/crypto-{key['KeyId'][:8]}"
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    blob = kms.encrypt(KeyId=alias, Plaintext=b"via alias")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, KeyId=alias)["Plaintext"] == b"via alias"


def test_wrong_or_missing_context_is_invalid_ciphertext(kms: Any, key: dict[str, Any]) -> None:
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", EncryptionContext=CONTEXT)[
        "CiphertextBlob"
    ]
    for context in ({}, {"purpose": "test"}, {**CONTEXT, "table": "users"}):
        expect_error(
            lambda c=context: kms.decrypt(CiphertextBlob=blob, EncryptionContext=c),
            "InvalidCiphertextException",
            400,
        )


def test_tampered_or_foreign_ciphertext_is_invalid(kms: Any, key: dict[str, Any]) -> None:
    blob = bytearray(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"payload")["CiphertextBlob"])
    for index in (len(blob) - 1, len(blob) // 2, 5):
        tampered = bytearray(blob)
        tampered[index] ^= 0x01
        expect_error(
            lambda t=tampered: kms.decrypt(CiphertextBlob=bytes(t)),
            "InvalidCiphertextException",
            400,
        )
    expect_error(
        lambda: kms.decrypt(CiphertextBlob=os.urandom(80)), "InvalidCiphertextException", 400
    )


def test_incorrect_key_id(kms: Any, key_factory: KeyFactory) -> None:
    first, second = key_factory(), key_factory()
    blob = kms.encrypt(KeyId=first["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    expect_error(
        lambda: kms.decrypt(CiphertextBlob=blob, KeyId=second["KeyId"]),
        "IncorrectKeyException",
        400,
        "The key ID in the request does not identify a CMK that can perform this operation.",
    )
    assert kms.decrypt(CiphertextBlob=blob, KeyId=first["Arn"])["Plaintext"] == b"x"


def test_generate_data_key_usable_with_aes_gcm(kms: Any, key: dict[str, Any]) -> None:
    out = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256", EncryptionContext=CONTEXT)
    assert len(out["Plaintext"]) == 32 and out["KeyId"] == key["Arn"]
    nonce = os.urandom(12)
    sealed = AESGCM(out["Plaintext"]).encrypt(nonce, b"rows of data", None)
    # Later: only the encrypted data key is kept; KMS gives the key back.
    recovered = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext=CONTEXT)
    assert AESGCM(recovered["Plaintext"]).decrypt(nonce, sealed, None) == b"rows of data"
    short = kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=16)
    assert len(short["Plaintext"]) == 16
    assert len(kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_128")["Plaintext"]) == 16


def test_generate_data_key_without_plaintext(kms: Any, key: dict[str, Any]) -> None:
    out = kms.generate_data_key_without_plaintext(KeyId=key["KeyId"], KeySpec="AES_256")
    assert "Plaintext" not in out
    assert len(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]) == 32


def test_generate_data_key_needs_a_size(kms: Any, key: dict[str, Any]) -> None:
    expect_error(
        lambda: kms.generate_data_key(KeyId=key["KeyId"]),
        "ValidationException",
        400,
        "Please specify either number of bytes or key spec.",
    )


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "ECC_SECG_P256K1"])
def test_generate_data_key_pair(kms: Any, key: dict[str, Any], spec: str) -> None:
    out = kms.generate_data_key_pair(KeyId=key["KeyId"], KeyPairSpec=spec)
    assert out["KeyPairSpec"] == spec and out["KeyId"] == key["Arn"]
    private = serialization.load_der_private_key(out["PrivateKeyPlaintext"], password=None)
    public = serialization.load_der_public_key(out["PublicKey"])
    assert private.public_key().public_numbers() == public.public_numbers()  # type: ignore[union-attr]
    wrapped = kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"])["Plaintext"]
    assert wrapped == out["PrivateKeyPlaintext"]
    if isinstance(private, ec.EllipticCurvePrivateKey):
        signature = private.sign(b"m", ec.ECDSA(hashes.SHA256()))
        public.verify(signature, b"m", ec.ECDSA(hashes.SHA256()))  # type: ignore[union-attr]


def test_generate_data_key_pair_without_plaintext(kms: Any, key: dict[str, Any]) -> None:
    out = kms.generate_data_key_pair_without_plaintext(
        KeyId=key["KeyId"], KeyPairSpec="ECC_NIST_P384"
    )
    assert "PrivateKeyPlaintext" not in out
    private = kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"])["Plaintext"]
    loaded = serialization.load_der_private_key(private, password=None)
    assert isinstance(loaded, ec.EllipticCurvePrivateKey)
    assert loaded.curve.name == "secp384r1"


def test_re_encrypt_between_keys_and_contexts(kms: Any, key_factory: KeyFactory) -> None:
    source, target = key_factory(), key_factory()
    blob = kms.encrypt(KeyId=source["KeyId"], Plaintext=b"move me", EncryptionContext=CONTEXT)[
        "CiphertextBlob"
    ]
    out = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext=CONTEXT,
        DestinationKeyId=target["KeyId"],
        DestinationEncryptionContext={"new": "context"},
    )
    assert out["SourceKeyId"] == source["Arn"] and out["KeyId"] == target["Arn"]
    back = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"new": "context"})
    assert back["Plaintext"] == b"move me" and back["KeyId"] == target["Arn"]
    expect_error(
        lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=target["KeyId"]),
        "InvalidCiphertextException",
    )


def test_generate_random(kms: Any) -> None:
    first = kms.generate_random(NumberOfBytes=64)["Plaintext"]
    second = kms.generate_random(NumberOfBytes=64)["Plaintext"]
    assert len(first) == 64 and first != second


def test_rsa_encryption_with_oaep(kms: Any, key_factory: KeyFactory) -> None:
    key = key_factory(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey)
    for algorithm, digest in (
        ("RSAES_OAEP_SHA_256", hashes.SHA256),
        ("RSAES_OAEP_SHA_1", hashes.SHA1),
    ):
        oaep = padding.OAEP(mgf=padding.MGF1(digest()), algorithm=digest(), label=None)
        # Encrypted locally with the public key, decrypted by KMS (KeyId required).
        local = public.encrypt(b"offline secret", oaep)
        back = kms.decrypt(CiphertextBlob=local, KeyId=key["KeyId"], EncryptionAlgorithm=algorithm)
        assert back["Plaintext"] == b"offline secret"
        remote = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"online", EncryptionAlgorithm=algorithm)
        assert remote["EncryptionAlgorithm"] == algorithm
        assert (
            kms.decrypt(
                CiphertextBlob=remote["CiphertextBlob"],
                KeyId=key["KeyId"],
                EncryptionAlgorithm=algorithm,
            )["Plaintext"]
            == b"online"
        )
    expect_error(
        lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "InvalidKeyUsageException"
    )
    expect_error(
        lambda: kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256"),
        "InvalidKeyUsageException",
    )


def test_symmetric_key_refuses_asymmetric_operations(kms: Any, key: dict[str, Any]) -> None:
    expect_error(
        lambda: kms.encrypt(
            KeyId=key["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256"
        ),
        "InvalidKeyUsageException",
    )
    expect_error(lambda: kms.get_public_key(KeyId=key["KeyId"]), "UnsupportedOperationException")
    expect_error(
        lambda: kms.sign(KeyId=key["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256"),
        "InvalidKeyUsageException",
    )


def test_dry_run(kms: Any, key: dict[str, Any]) -> None:
    expect_error(
        lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x", DryRun=True),
        "DryRunOperationException",
        412,
    )
