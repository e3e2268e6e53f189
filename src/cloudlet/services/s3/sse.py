"""Server-side encryption: which key encrypts an object, and who may read it back.

Every encrypted object has its own random 256-bit data key; only a wrapped copy is stored
(``ObjectRecord.encryption``):

- ``AES256`` (SSE-S3): wrapped by the service master key (KMS's, in the data directory);
- ``aws:kms`` (SSE-KMS): a KMS data key under the named key or ``alias/aws/s3``, bound to
  the encryption context ``aws:s3:arn`` (and any the caller adds);
- ``SSE-C``: wrapped by the customer's key, with a salted HMAC of that key to check the
  next request's key against; the customer key itself is never stored.

The bytes are sealed in chunks (``chunked.py``). A bucket's default encryption
(PutBucketEncryption) applies when a write names none.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cloudlet.core.errors import AccessDenied, InvalidArgument, InvalidRequest
from cloudlet.services.s3.buckets import Bucket
from cloudlet.services.s3.errors import InvalidEncryptionAlgorithmError

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3
    from cloudlet.services.s3.objects import ObjectRecord

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
ALGORITHMS = ("AES256", *KMS_ALGORITHMS)
#: What the service master key's wraps are bound to.
MASTER_WRAP_ID = "cloudlet/s3/sse-s3"
CUSTOMER_HEADER = "x-amz-server-side-encryption-customer-"
NOT_APPLICABLE = "The encryption parameters are not applicable to this object."
NEEDS_KEY = (
    "The object was stored using a form of Server Side Encryption. The correct parameters "
    "must be provided to retrieve the object."
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def default_rule(s3: S3, bucket: str) -> dict[str, Any] | None:
    """The bucket's explicit default encryption rule (PutBucketEncryption), if any."""
    config = s3.buckets.get_config(bucket, "encryption")
    return config["Rules"][0] if config else None


def customer_key(params: dict[str, Any], prefix: str = "") -> bytes | None:
    """The SSE-C key a request carries (checked as S3 checks it), or None."""
    header = ("x-amz-copy-source-" if prefix else "x-amz-") + CUSTOMER_HEADER[6:]
    algorithm = params.get(f"{prefix}SSECustomerAlgorithm")
    key = params.get(f"{prefix}SSECustomerKey")
    md5 = params.get(f"{prefix}SSECustomerKeyMD5")
    if algorithm is None and key is None and md5 is None:
        return None
    if algorithm is None:
        raise InvalidArgument(
            "Requests specifying Server Side Encryption with Customer provided keys must "
            "provide a valid encryption algorithm.",
            ArgumentName=f"{header}algorithm",
            ArgumentValue="null",
        )
    if algorithm != "AES256":
        raise InvalidEncryptionAlgorithmError(
            ArgumentName=f"{header}algorithm", ArgumentValue=algorithm
        )
    if key is None:
        raise InvalidArgument(
            "Requests specifying Server Side Encryption with Customer provided keys must "
            "provide an appropriate secret key.",
            ArgumentName=f"{header}key",
            ArgumentValue="null",
        )
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidArgument(
            "The secret key was invalid for the specified algorithm.",
            ArgumentName=f"{header}key",
            ArgumentValue="null",
        )
    if md5 is None:
        raise InvalidArgument(
            "Requests specifying Server Side Encryption with Customer provided keys must "
            "provide the client calculated MD5 of the secret key.",
            ArgumentName=f"{header}key-MD5",
            ArgumentValue="null",
        )
    if md5 != _b64(hashlib.md5(raw).digest()):
        raise InvalidArgument(
            "The calculated MD5 hash of the key did not match the hash that was provided.",
            ArgumentName=f"{header}key-MD5",
            ArgumentValue=md5,
        )
    return raw


def _customer_mac(salt: bytes, key: bytes) -> bytes:
    return hmac.new(salt, key, hashlib.sha256).digest()


def for_write(
    s3: S3, bucket: Bucket, key: str, params: dict[str, Any]
) -> tuple[dict[str, Any] | None, bytes | None]:
    """(encryption record, plaintext data key) for a new object, or (None, None): in clear."""
    customer = customer_key(params)
    requested = params.get("ServerSideEncryption")
    if customer is not None:
        if requested:
            raise InvalidArgument(
                "Server Side Encryption with Customer provided key is incompatible with the "
                "encryption method specified",
                ArgumentName="x-amz-server-side-encryption",
                ArgumentValue=requested,
            )
        return _with_customer_key(customer)
    rule = default_rule(s3, bucket.name) or {}
    bucket_key = params.get("BucketKeyEnabled")
    if requested is None:
        if params.get("SSEKMSKeyId"):
            raise InvalidArgument(
                "Server Side Encryption with AWS KMS managed key requires HTTP header "
                "x-amz-server-side-encryption : aws:kms",
                ArgumentName="x-amz-server-side-encryption-aws-kms-key-id",
            )
        by_default = rule.get("ApplyServerSideEncryptionByDefault")
        if not by_default:
            return None, None
        requested = by_default["SSEAlgorithm"]
        key_id = by_default.get("KMSMasterKeyID")
    else:
        key_id = params.get("SSEKMSKeyId")
    if bucket_key is None:
        bucket_key = bool(rule.get("BucketKeyEnabled"))
    if requested not in ALGORITHMS:
        raise InvalidArgument(
            "The encryption method specified is not supported",
            ArgumentName="x-amz-server-side-encryption",
            ArgumentValue=requested,
        )
    if requested == "AES256":
        if key_id and params.get("SSEKMSKeyId"):
            raise InvalidArgument(
                "Server Side Encryption with AWS KMS managed key requires HTTP header "
                "x-amz-server-side-encryption : aws:kms",
                ArgumentName="x-amz-server-side-encryption",
                ArgumentValue=requested,
            )
        data_key = secrets.token_bytes(32)
        wrapped = s3.cloud.service("kms").master.wrap(data_key, MASTER_WRAP_ID, 1)
        return {"algorithm": "AES256", "wrapped": _b64(wrapped)}, data_key
    return _with_kms(s3, bucket, key, requested, key_id, bool(bucket_key), params)


def _with_customer_key(customer: bytes) -> tuple[dict[str, Any], bytes]:
    data_key = secrets.token_bytes(32)
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    wrapped = nonce + AESGCM(customer).encrypt(nonce, data_key, b"sse-c")
    return {
        "algorithm": "SSE-C",
        "key_md5": _b64(hashlib.md5(customer).digest()),
        "salt": _b64(salt),
        "mac": _b64(_customer_mac(salt, customer)),
        "wrapped": _b64(wrapped),
    }, data_key


def _with_kms(
    s3: S3,
    bucket: Bucket,
    key: str,
    algorithm: str,
    key_id: str | None,
    bucket_key: bool,
    params: dict[str, Any],
) -> tuple[dict[str, Any], bytes]:
    kms = s3.cloud.service("kms")
    account, region = bucket.account_id, bucket.region
    context: dict[str, str] = {}
    if params.get("SSEKMSEncryptionContext"):
        try:
            context = json.loads(base64.b64decode(params["SSEKMSEncryptionContext"]))
        except (binascii.Error, ValueError):
            raise InvalidArgument(
                "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded "
                "UTF-8 string holding JSON which represents a string-string map",
                ArgumentName="x-amz-server-side-encryption-context",
            ) from None
    context.setdefault("aws:s3:arn", f"arn:aws:s3:::{bucket.name}/{key}")
    ref = key_id or kms.managed_key(account, region, "s3")
    arn, data_key, blob = kms.generate_data_key(account, region, ref, context)
    record = {
        "algorithm": algorithm,
        "key_id": arn,
        "bucket_key": bucket_key,
        "account": account,
        "region": region,
        "context": context,
        "wrapped": _b64(blob),
    }
    return record, data_key


def data_key(
    s3: S3, encryption: dict[str, Any] | None, params: dict[str, Any], prefix: str = ""
) -> bytes | None:
    """The plaintext data key of an object a request reads (None: stored in clear).

    An SSE-C object needs its key again (400 without it, 403 with another one); SSE-C
    headers on any other object are a 400.
    """
    customer = customer_key(params, prefix)
    algorithm = encryption["algorithm"] if encryption else None
    if algorithm != "SSE-C":
        if customer is not None:
            raise InvalidRequest(NOT_APPLICABLE)
        if encryption is None:
            return None
    assert encryption is not None
    wrapped = base64.b64decode(encryption["wrapped"])
    if algorithm == "SSE-C":
        if customer is None:
            raise InvalidRequest(NEEDS_KEY)
        salt = base64.b64decode(encryption["salt"])
        if not hmac.compare_digest(
            _customer_mac(salt, customer), base64.b64decode(encryption["mac"])
        ):
            raise AccessDenied()
        try:
            return AESGCM(customer).decrypt(wrapped[:12], wrapped[12:], b"sse-c")
        except InvalidTag:
            raise AccessDenied() from None
    if algorithm == "AES256":
        return s3.cloud.service("kms").master.unwrap(wrapped, MASTER_WRAP_ID, 1)
    kms = s3.cloud.service("kms")
    _, plaintext = kms.decrypt(
        encryption["account"], encryption["region"], wrapped, encryption["context"]
    )
    return plaintext


def output(encryption: dict[str, Any] | None) -> dict[str, Any]:
    """The response members that describe an object's encryption."""
    if not encryption:
        return {}
    if encryption["algorithm"] == "SSE-C":
        return {"SSECustomerAlgorithm": "AES256", "SSECustomerKeyMD5": encryption["key_md5"]}
    out: dict[str, Any] = {"ServerSideEncryption": encryption["algorithm"]}
    if encryption["algorithm"] in KMS_ALGORITHMS:
        out["SSEKMSKeyId"] = encryption["key_id"]
        if encryption.get("bucket_key"):
            out["BucketKeyEnabled"] = True
    return out


def pieces(
    s3: S3, record: ObjectRecord, key: bytes, first: int, length: int
) -> list[tuple[str, bytes, int, int, int]]:
    """What ``chunked.stream`` reads for the object's bytes ``first .. first+length``."""
    result = []
    end = first + length
    for blob, start, size in record.segments():
        lo, hi = max(first, start), min(end, start + size)
        if lo < hi:
            result.append((s3.blobs.path(blob), key, size, lo - start, hi - lo))
    return result
