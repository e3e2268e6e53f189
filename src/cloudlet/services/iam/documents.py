"""Policy documents: validation when stored, size quotas, and the URL-encoded form AWS returns.

Validation is the policy engine's parser, so a document IAM accepts is one the engine can
evaluate, and its errors carry AWS's ``MalformedPolicyDocument`` messages.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from cloudlet.auth.policy import PolicyError, parse_policy
from cloudlet.services.iam.errors import LimitExceeded, MalformedPolicyDocument

#: Quotas on non-whitespace characters (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
MANAGED_POLICY_SIZE = 6144
INLINE_AGGREGATE_SIZE = {"user": 2048, "group": 5120, "role": 10240}
TRUST_POLICY_SIZE = 2048


def encoded(document: str) -> str:
    """IAM returns stored documents URL-encoded (RFC 3986); boto3 and the CLI decode them."""
    return quote(document, safe="-_.~")


def size(document: str) -> int:
    return len(re.sub(r"\s", "", document))


def check_size(document: str, limit: int, quota: str) -> None:
    if size(document) > limit:
        raise LimitExceeded(f"Cannot exceed quota for {quota}: {limit}")


def check_document(document: str, kind: str = "identity", managed: bool = False) -> None:
    """Refuse a document AWS would refuse with ``MalformedPolicyDocument``.

    ``kind`` is the policy engine's: ``identity`` (inline, managed), ``trust`` (a role's
    assume-role policy) or ``session``; ``managed`` policies must say Version 2012-10-17.
    """
    try:
        parse_policy(document, kind=kind, managed=managed)
    except PolicyError as exc:
        raise MalformedPolicyDocument(str(exc)) from None
