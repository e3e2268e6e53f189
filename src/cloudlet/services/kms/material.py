"""Key material: generated with ``cryptography``, kept at rest wrapped by the master key.

The master key is 32 random bytes in ``<data-dir>/kms/master.key`` (mode 0600), made on
first start. Every key material version is stored AES-256-GCM encrypted under it, with the
key id and version bound as associated data, so rows cannot be swapped between keys.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cloudlet.services.kms import specs
from cloudlet.services.kms.errors import (
    InvalidCiphertextException,
    KMSInternalException,
    ValidationException,
)

MASTER_KEY_BYTES = 32
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "ECC_NIST_P256": ec.SECP256R1,
    "ECC_NIST_P384": ec.SECP384R1,
    "ECC_NIST_P521": ec.SECP521R1,
    "ECC_SECG_P256K1": ec.SECP256K1,
}
_HMAC_BYTES = {"HMAC_224": 28, "HMAC_256": 32, "HMAC_384": 48, "HMAC_512": 64}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA_1": hashes.SHA1,
    "SHA_224": hashes.SHA224,
    "SHA_256": hashes.SHA256,
    "SHA_384": hashes.SHA384,
    "SHA_512": hashes.SHA512,
}


class MasterKey:
    """Wraps and unwraps key material; the one secret the data directory keeps in clear."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def load_or_create(cls, path: Path) -> MasterKey:
        """Read the master key, making it first if this is the data directory's first start.

        Several worker processes may start at once: each writes a candidate to its own
        temporary file (0600 from the start, made durable) and hard-links it into place,
        which succeeds for exactly one of them; all then read the one that won.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, secrets.token_bytes(MASTER_KEY_BYTES))
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)
                _fsync_dir(path.parent)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        key = path.read_bytes()
        if len(key) != MASTER_KEY_BYTES:
            # Never silently replace it: every key's material would become unreadable.
            raise RuntimeError(f"{path} is not a {MASTER_KEY_BYTES}-byte KMS master key")
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return cls(key)

    def wrap(self, material: bytes, key_id: str, version: int) -> bytes:
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, material, _wrap_aad(key_id, version))

    def unwrap(self, wrapped: bytes, key_id: str, version: int) -> bytes:
        try:
            return self._aead.decrypt(wrapped[:12], wrapped[12:], _wrap_aad(key_id, version))
        except InvalidTag as exc:
            raise KMSInternalException("Key material could not be unwrapped.") from exc


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _wrap_aad(key_id: str, version: int) -> bytes:
    return f"cloudlet-kms-material:{key_id}:{version}".encode()


def material_id(material: bytes) -> str:
    """A 64-hex-digit KeyMaterialId that names a version without revealing it."""
    return hashlib.sha256(b"cloudlet-key-material-id" + material).hexdigest()


def generate(spec: str) -> bytes:
    """Fresh key material: raw bytes for symmetric and HMAC keys, PKCS#8 DER otherwise."""
    if spec == "SYMMETRIC_DEFAULT":
        return secrets.token_bytes(32)
    if spec in _HMAC_BYTES:
        return secrets.token_bytes(_HMAC_BYTES[spec])
    return private_der(generate_private(spec))


def generate_private(spec: str) -> PrivateKeyTypes:
    if spec in specs.RSA_SPECS:
        return rsa.generate_private_key(public_exponent=65537, key_size=int(spec[4:]))
    if spec in _CURVES:
        return ec.generate_private_key(_CURVES[spec]())
    raise ValidationException(f"KeySpec {spec} is not supported by cloudlet yet.")


def private_der(key: PrivateKeyTypes) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_der(material: bytes) -> bytes:
    """The DER SubjectPublicKeyInfo GetPublicKey returns."""
    return (
        _private(material)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def _private(material: bytes) -> PrivateKeyTypes:
    return serialization.load_der_private_key(material, password=None)


# -- symmetric -----------------------------------------------------------------------


def seal(material: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(material).encrypt(nonce, plaintext, aad)


def open_sealed(material: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(material).decrypt(sealed[:12], sealed[12:], aad)
    except (InvalidTag, ValueError) as exc:
        raise InvalidCiphertextException() from exc


# -- RSA encryption --------------------------------------------------------------------


def _oaep(algorithm: str) -> padding.OAEP:
    digest = hashes.SHA1() if algorithm == "RSAES_OAEP_SHA_1" else hashes.SHA256()
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


def rsa_encrypt(material: bytes, algorithm: str, plaintext: bytes) -> bytes:
    public = _private(material).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    try:
        return public.encrypt(plaintext, _oaep(algorithm))
    except ValueError as exc:
        raise ValidationException(
            f"Plaintext is too long for {algorithm} with this key size."
        ) from exc


def rsa_decrypt(material: bytes, algorithm: str, ciphertext: bytes) -> bytes:
    key = _private(material)
    assert isinstance(key, rsa.RSAPrivateKey)
    try:
        return key.decrypt(ciphertext, _oaep(algorithm))
    except ValueError as exc:
        raise InvalidCiphertextException() from exc


# -- signatures ------------------------------------------------------------------------


def _hash_of(algorithm: str) -> hashes.HashAlgorithm:
    return _HASHES["SHA_" + algorithm.rsplit("_", 1)[1]]()


def _digest_input(algorithm: str, message: bytes, message_type: str) -> tuple[bytes, object]:
    """The bytes to sign and the hash argument ``cryptography`` wants for them."""
    digest = _hash_of(algorithm)
    if message_type == "DIGEST":
        if len(message) != digest.digest_size:
            raise ValidationException(
                f"Digest is invalid length for algorithm {algorithm}: expected "
                f"{digest.digest_size} bytes."
            )
        return message, utils.Prehashed(digest)
    if message_type != "RAW":
        raise ValidationException(f"MessageType {message_type} is not supported by cloudlet.")
    return message, digest


def _padding(algorithm: str) -> padding.AsymmetricPadding:
    if algorithm.startswith("RSASSA_PSS"):
        digest = _hash_of(algorithm)
        # KMS uses a salt as long as the digest.
        return padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
    return padding.PKCS1v15()


def sign(material: bytes, algorithm: str, message: bytes, message_type: str) -> bytes:
    key = _private(material)
    data, digest = _digest_input(algorithm, message, message_type)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, _padding(algorithm), digest)  # type: ignore[arg-type]
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key.sign(data, ec.ECDSA(digest))  # type: ignore[arg-type]


def verify(
    material: bytes, algorithm: str, message: bytes, message_type: str, signature: bytes
) -> bool:
    public = _private(material).public_key()
    data, digest = _digest_input(algorithm, message, message_type)
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, _padding(algorithm), digest)  # type: ignore[arg-type]
        else:
            assert isinstance(public, ec.EllipticCurvePublicKey)
            public.verify(signature, data, ec.ECDSA(digest))  # type: ignore[arg-type]
    except (InvalidSignature, ValueError):
        return False
    return True


# -- HMAC ------------------------------------------------------------------------------


def mac(material: bytes, algorithm: str, message: bytes) -> bytes:
    name = "sha" + algorithm.rsplit("_", 1)[1]
    return hmac.new(material, message, name).digest()
