"""The text of AccessDenied errors, in the form AWS uses since 2021.

"User: arn:aws:iam::111122223333:user/jan31 is not authorized to perform: s3:PutObject
on resource: arn:aws:s3:::bucket/key because no identity-based policy allows the
s3:PutObject action", and "... with an explicit deny in a resource-based policy".
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
"""

from __future__ import annotations

from cloudlet.auth.policy.evaluator import AuthzRequest, Decision

_ARTICLE = {
    "identity-based policy": "an",
    "resource-based policy": "a",
    "permissions boundary": "a",
    "session policy": "a",
}


def access_denied_message(request: AuthzRequest, decision: Decision) -> str:
    """The message of the AccessDenied error for a denied ``decision``."""
    if decision.allowed:
        raise ValueError("the request was allowed; there is no AccessDenied message")
    who = "anonymous" if request.principal_type == "anonymous" else request.principal_arn
    text = f"User: {who} is not authorized to perform: {request.action}"
    if request.resource and request.resource != "*":
        text += f" on resource: {request.resource}"
    policy_type = decision.denied_by or "identity-based policy"
    if decision.reason == "explicit-deny":
        return f"{text} with an explicit deny in {_ARTICLE.get(policy_type, 'a')} {policy_type}"
    return f"{text} because no {policy_type} allows the {request.action} action"
