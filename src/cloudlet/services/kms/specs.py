"""Key specs, the key usages each allows, and the algorithms AWS lists for each.

https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
"""

from __future__ import annotations

from typing import Any

from cloudlet.services.kms.errors import UnsupportedOperationException, ValidationException

RSA_SPECS = ("RSA_2048", "RSA_3072", "RSA_4096")
ECC_SPECS = ("ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1")
HMAC_SPECS = ("HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512")

RSA_ENCRYPTION = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
RSA_SIGNING = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
]
ECC_SIGNING = {
    "ECC_NIST_P256": ["ECDSA_SHA_256"],
    "ECC_NIST_P384": ["ECDSA_SHA_384"],
    "ECC_NIST_P521": ["ECDSA_SHA_512"],
    "ECC_SECG_P256K1": ["ECDSA_SHA_256"],
}
HMAC_ALGORITHM = {
    "HMAC_224": "HMAC_SHA_224",
    "HMAC_256": "HMAC_SHA_256",
    "HMAC_384": "HMAC_SHA_384",
    "HMAC_512": "HMAC_SHA_512",
}
#: Key specs cloudlet can create; others in the model (SM2, ML-DSA, Ed25519) answer an error.
SUPPORTED = ("SYMMETRIC_DEFAULT", *RSA_SPECS, *ECC_SPECS, *HMAC_SPECS)


def usages(spec: str) -> tuple[str, ...]:
    if spec == "SYMMETRIC_DEFAULT":
        return ("ENCRYPT_DECRYPT",)
    if spec in RSA_SPECS:
        return ("ENCRYPT_DECRYPT", "SIGN_VERIFY")
    if spec in ECC_SPECS:
        return ("SIGN_VERIFY",)
    return ("GENERATE_VERIFY_MAC",)


def check(spec: str, usage: str | None) -> str:
    """The key usage of a new key of ``spec``, or the error CreateKey answers."""
    if spec not in SUPPORTED:
        raise UnsupportedOperationException(f"KeySpec {spec} is not supported by cloudlet yet.")
    if usage == "KEY_AGREEMENT":
        raise UnsupportedOperationException(
            "KeyUsage KEY_AGREEMENT is not supported by cloudlet yet."
        )
    if usage is None:
        if spec != "SYMMETRIC_DEFAULT":
            raise ValidationException(
                "You must specify a KeyUsage value for all KMS keys except for symmetric "
                "encryption keys."
            )
        return "ENCRYPT_DECRYPT"
    if usage not in usages(spec):
        raise ValidationException(f"KeyUsage {usage} is not compatible with KeySpec {spec}")
    return usage


def algorithms(spec: str, usage: str) -> dict[str, Any]:
    """The ``EncryptionAlgorithms`` / ``SigningAlgorithms`` / ``MacAlgorithms`` of a key."""
    if spec == "SYMMETRIC_DEFAULT":
        return {"EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"]}
    if spec in RSA_SPECS:
        if usage == "ENCRYPT_DECRYPT":
            return {"EncryptionAlgorithms": list(RSA_ENCRYPTION)}
        return {"SigningAlgorithms": list(RSA_SIGNING)}
    if spec in ECC_SPECS:
        return {"SigningAlgorithms": list(ECC_SIGNING[spec])}
    return {"MacAlgorithms": [HMAC_ALGORITHM[spec]]}


def is_asymmetric(spec: str) -> bool:
    return spec in RSA_SPECS or spec in ECC_SPECS
