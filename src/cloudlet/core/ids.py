"""Identifiers shaped like AWS's: request ids, account ids, access keys, version ids."""

from __future__ import annotations

import secrets
import string
import uuid

_UPPER_DIGITS = string.ascii_uppercase + "234567"
_ALNUM = string.ascii_letters + string.digits


def request_id() -> str:
    return str(uuid.uuid4())


def s3_request_id() -> str:
    """S3 answers a 16-character upper-case hex x-amz-request-id."""
    return secrets.token_hex(8).upper()


def account_id() -> str:
    return str(secrets.randbelow(9 * 10**11) + 10**11)


def access_key_id(prefix: str = "AKIA") -> str:
    """AKIA for long-term keys, ASIA for temporary ones, as AWS does."""
    return prefix + "".join(secrets.choice(_UPPER_DIGITS) for _ in range(16))


def secret_access_key() -> str:
    return "".join(secrets.choice(_ALNUM + "/+") for _ in range(40))


def unique_id(prefix: str) -> str:
    """IAM unique ids: AIDA (user), AROA (role), ANPA (policy), ... plus 17 characters."""
    return prefix + "".join(secrets.choice(_UPPER_DIGITS) for _ in range(17))


def canonical_user_id() -> str:
    return secrets.token_hex(32)


def version_id() -> str:
    return "".join(secrets.choice(_ALNUM + "._") for _ in range(32))


def upload_id() -> str:
    return secrets.token_urlsafe(48)
