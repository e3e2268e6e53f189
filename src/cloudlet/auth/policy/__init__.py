"""The IAM policy engine: parse policies once, evaluate requests as AWS does.

A pure library (no HTTP, no storage) shared by enforcement and the policy simulator::

    policy = parse_policy(text, kind="identity")
    decision = evaluate(AuthzRequest(...), PolicySet(identity=[policy]))
    if not decision.allowed:
        raise AccessDenied(access_denied_message(request, decision))
"""

from cloudlet.auth.policy.document import KINDS, Policy, PolicyError, Statement, parse_policy
from cloudlet.auth.policy.evaluator import (
    BOUNDARY,
    IDENTITY,
    RESOURCE,
    SESSION,
    AuthzRequest,
    Decision,
    MatchedStatement,
    PolicySet,
    evaluate,
)
from cloudlet.auth.policy.messages import access_denied_message

__all__ = [
    "BOUNDARY",
    "IDENTITY",
    "KINDS",
    "RESOURCE",
    "SESSION",
    "AuthzRequest",
    "Decision",
    "MatchedStatement",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Statement",
    "access_denied_message",
    "evaluate",
    "parse_policy",
]
