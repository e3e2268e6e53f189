"""Resource policies of secrets: validated as resource policies, checked for broad access.

https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from cloudlet.services.secretsmanager.errors import MalformedPolicyDocumentException

SYNTAX_ERROR = "This resource policy contains a syntax error."


def validate(text: str) -> dict[str, Any]:
    """The parsed document, or MalformedPolicyDocumentException with the reason.

    The IAM issue's policy parser (``parse_policy(text, kind="resource")``) has the last
    word when it is present.
    """
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise MalformedPolicyDocumentException(SYNTAX_ERROR) from exc
    if not isinstance(document, dict):
        raise MalformedPolicyDocumentException(SYNTAX_ERROR)
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise MalformedPolicyDocumentException("This resource policy contains no statements.")
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") not in ("Allow", "Deny"):
            raise MalformedPolicyDocumentException(SYNTAX_ERROR)
        if "Principal" not in statement and "NotPrincipal" not in statement:
            raise MalformedPolicyDocumentException(
                "This resource policy contains a statement without a principal."
            )
    _parse_with_iam_engine(text)
    return document


def is_public(document: dict[str, Any]) -> bool:
    """Does an Allow statement name every principal (``*``) without any condition?"""
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements or []:
        if statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        if "NotPrincipal" in statement:
            return True
        principal = statement.get("Principal")
        if principal == "*":
            return True
        if isinstance(principal, dict):
            aws = principal.get("AWS")
            names = aws if isinstance(aws, list) else [aws]
            if "*" in names:
                return True
    return False


def _parse_with_iam_engine(text: str) -> None:
    for module_name in ("cloudlet.auth.policy", "cloudlet.auth.policy.document"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        parse_policy = getattr(module, "parse_policy", None)
        policy_error = getattr(module, "PolicyError", None)
        if parse_policy is None or policy_error is None:
            continue
        try:
            parse_policy(text, kind="resource")
        except policy_error as exc:
            raise MalformedPolicyDocumentException(str(exc)) from exc
        return
