"""Sign/Verify (checked with ``cryptography`` against GetPublicKey) and HMAC keys."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from .conftest import expect_error

KeyFactory = Callable[..., dict[str, Any]]
HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
MESSAGE = b"the quarterly numbers, signed"


def _verify_locally(public: Any, algorithm: str, signature: bytes, message: bytes) -> None:
    digest = HASHES[algorithm.rsplit("_", 1)[1]]()
    if algorithm.startswith("ECDSA"):
        public.verify(signature, message, ec.ECDSA(digest))
    elif algorithm.startswith("RSASSA_PSS"):
        pss = padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
        public.verify(signature, message, pss, digest)
    else:
        public.verify(signature, message, padding.PKCS1v15(), digest)


@pytest.fixture(scope="module")
def rsa_signing_key(kms: Any) -> Iterator[dict[str, Any]]:
    meta = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    yield meta
    kms.schedule_key_deletion(KeyId=meta["KeyId"], PendingWindowInDays=7)


@pytest.mark.parametrize(
    "algorithm",
    [
        "RSASSA_PKCS1_V1_5_SHA_256",
        "RSASSA_PKCS1_V1_5_SHA_384",
        "RSASSA_PKCS1_V1_5_SHA_512",
        "RSASSA_PSS_SHA_256",
        "RSASSA_PSS_SHA_384",
        "RSASSA_PSS_SHA_512",
    ],
)
def test_rsa_signatures_verify_with_the_public_key(
    kms: Any, rsa_signing_key: dict[str, Any], algorithm: str
) -> None:
    key_id = rsa_signing_key["KeyId"]
    out = kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm=algorithm)
    assert out["SigningAlgorithm"] == algorithm and out["KeyId"] == rsa_signing_key["Arn"]
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048
    _verify_locally(public, algorithm, out["Signature"], MESSAGE)
    verified = kms.verify(
        KeyId=key_id, Message=MESSAGE, Signature=out["Signature"], SigningAlgorithm=algorithm
    )
    assert verified["SignatureValid"] is True


@pytest.mark.parametrize(
    ("spec", "algorithm", "curve"),
    [
        ("ECC_NIST_P256", "ECDSA_SHA_256", "secp256r1"),
        ("ECC_NIST_P384", "ECDSA_SHA_384", "secp384r1"),
        ("ECC_NIST_P521", "ECDSA_SHA_512", "secp521r1"),
        ("ECC_SECG_P256K1", "ECDSA_SHA_256", "secp256k1"),
    ],
)
def test_ecdsa_signatures_verify_with_the_public_key(
    kms: Any, key_factory: KeyFactory, spec: str, algorithm: str, curve: str
) -> None:
    key = key_factory(KeySpec=spec, KeyUsage="SIGN_VERIFY")
    public_out = kms.get_public_key(KeyId=key["KeyId"])
    assert public_out["KeySpec"] == spec and public_out["SigningAlgorithms"] == [algorithm]
    public = serialization.load_der_public_key(public_out["PublicKey"])
    assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == curve
    signature = kms.sign(KeyId=key["KeyId"], Message=MESSAGE, SigningAlgorithm=algorithm)[
        "Signature"
    ]
    _verify_locally(public, algorithm, signature, MESSAGE)


def test_sign_a_digest(kms: Any, key_factory: KeyFactory) -> None:
    key = key_factory(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    digest = hashlib.sha256(MESSAGE).digest()
    signature = kms.sign(
        KeyId=key["KeyId"], Message=digest, MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256"
    )["Signature"]
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key["KeyId"])["PublicKey"])
    assert isinstance(public, ec.EllipticCurvePublicKey)
    public.verify(signature, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    public.verify(signature, MESSAGE, ec.ECDSA(hashes.SHA256()))
    expect_error(
        lambda: kms.sign(
            KeyId=key["KeyId"],
            Message=b"too short",
            MessageType="DIGEST",
            SigningAlgorithm="ECDSA_SHA_256",
        ),
        "ValidationException",
    )


def test_bad_signature_and_wrong_algorithm(kms: Any, rsa_signing_key: dict[str, Any]) -> None:
    key_id = rsa_signing_key["KeyId"]
    signature = kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm="RSASSA_PSS_SHA_256")[
        "Signature"
    ]
    expect_error(
        lambda: kms.verify(
            KeyId=key_id,
            Message=MESSAGE + b"!",
            Signature=signature,
            SigningAlgorithm="RSASSA_PSS_SHA_256",
        ),
        "KMSInvalidSignatureException",
        400,
    )
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    with pytest.raises(InvalidSignature):
        _verify_locally(public, "RSASSA_PSS_SHA_256", signature, MESSAGE + b"!")
    expect_error(
        lambda: kms.sign(KeyId=key_id, Message=MESSAGE, SigningAlgorithm="ECDSA_SHA_256"),
        "InvalidKeyUsageException",
    )
    expect_error(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), "InvalidKeyUsageException")


def test_hmac_keys(kms: Any, key_factory: KeyFactory) -> None:
    key = key_factory(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")
    out = kms.generate_mac(KeyId=key["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_384")
    assert len(out["Mac"]) == 48
    again = kms.generate_mac(KeyId=key["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_384")
    assert again["Mac"] == out["Mac"]
    ok = kms.verify_mac(
        KeyId=key["KeyId"], Message=MESSAGE, Mac=out["Mac"], MacAlgorithm="HMAC_SHA_384"
    )
    assert ok["MacValid"] is True
    expect_error(
        lambda: kms.verify_mac(
            KeyId=key["KeyId"], Message=b"other", Mac=out["Mac"], MacAlgorithm="HMAC_SHA_384"
        ),
        "KMSInvalidMacException",
    )
    expect_error(
        lambda: kms.generate_mac(KeyId=key["KeyId"], Message=MESSAGE, MacAlgorithm="HMAC_SHA_256"),
        "InvalidKeyUsageException",
    )
