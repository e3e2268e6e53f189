"""Key policies: the documents AWS writes for new keys, and their validation.

https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from cloudlet.core import arns
from cloudlet.services.kms.errors import MalformedPolicyDocumentException

POLICY_NAME = "default"


def default_policy(account_id: str) -> str:
    """The policy CreateKey gives a key when the request names none."""
    document = {
        "Version": "2012-10-17",
        "Id": "key-default-1",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": arns.root(account_id)},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    return json.dumps(document, indent=2)


def managed_policy(account_id: str, region: str, service: str) -> str:
    """The policy of an AWS managed key: usable through its service by the whole account."""
    document = {
        "Version": "2012-10-17",
        "Id": f"auto-{service}-1",
        "Statement": [
            {
                "Sid": f"Allow access through {service} for all principals in the account "
                f"that are authorized to use {service}",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:CreateGrant",
                    "kms:DescribeKey",
                ],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": account_id,
                        "kms:ViaService": f"{service}.{region}.amazonaws.com",
                    }
                },
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": arns.root(account_id)},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*",
            },
        ],
    }
    return json.dumps(document, indent=2)


def validate(text: str) -> None:
    """A key policy must be a JSON policy document whose statements name a principal.

    When the IAM issue's policy parser is present it has the last word.
    """
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise MalformedPolicyDocumentException("The key policy is not valid JSON.") from exc
    if not isinstance(document, dict):
        raise MalformedPolicyDocumentException("The key policy must be a JSON object.")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocumentException("The key policy must contain a Statement.")
    for statement in statements:
        _check_statement(statement)
    _parse_with_iam_engine(text)


def _check_statement(statement: Any) -> None:
    if not isinstance(statement, dict):
        raise MalformedPolicyDocumentException("Every policy statement must be a JSON object.")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise MalformedPolicyDocumentException("Policy statement Effect must be Allow or Deny.")
    if "Principal" not in statement and "NotPrincipal" not in statement:
        raise MalformedPolicyDocumentException("Policy statement must contain a Principal.")
    if "Action" not in statement and "NotAction" not in statement:
        raise MalformedPolicyDocumentException("Policy statement must contain an Action.")


def _parse_with_iam_engine(text: str) -> None:
    parser = iam_policy_parser()
    if parser is None:
        return
    parse_policy, policy_error = parser
    try:
        parse_policy(text, kind="resource")
    except policy_error as exc:
        raise MalformedPolicyDocumentException(str(exc)) from exc


def iam_policy_parser() -> tuple[Any, type[Exception]] | None:
    """The IAM issue's ``parse_policy`` and ``PolicyError``, or None before it lands."""
    for module_name in ("cloudlet.auth.policy", "cloudlet.auth.policy.document"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        parse_policy = getattr(module, "parse_policy", None)
        policy_error = getattr(module, "PolicyError", None)
        if parse_policy is not None and policy_error is not None:
            return parse_policy, policy_error
    return None
