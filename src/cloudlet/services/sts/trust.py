"""May this caller assume this role? One policy-engine question, as AWS asks it.

The role's trust policy is the resource-based policy of ``sts:AssumeRole`` (it must always
allow: ``PolicySet.resource_required``); the caller's identity policies, permissions boundary
and session policies are the other side. Within one account a trust policy that names the
user or role ARN suffices on its own; one that names the account delegates to the caller's
identity policies; across accounts both must allow (the engine encodes these rules).
Passing session tags also needs ``sts:TagSession``, and a source identity
``sts:SetSourceIdentity``, from the same policies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cloudlet.auth.policy import (
    AuthzRequest,
    Policy,
    PolicyError,
    PolicySet,
    access_denied_message,
    evaluate,
    parse_policy,
)
from cloudlet.core.accounts import Principal
from cloudlet.core.errors import AccessDenied

if TYPE_CHECKING:
    from cloudlet.services.iam.entities import Entity
    from cloudlet.services.iam.handlers import Iam


def caller_policies(
    iam: Iam, caller: Principal, session_policies: Sequence[str]
) -> tuple[list[Policy], Policy | None, list[Policy]]:
    """(identity, boundary, session) policies of the caller, parsed."""
    documents, boundary = iam.policies_for(caller)
    identity = _parsed(documents, "identity")
    bounds = _parsed([boundary], "identity") if boundary else []
    return identity, (bounds[0] if bounds else None), _parsed(session_policies, "session")


def _parsed(documents: Sequence[str], kind: str) -> list[Policy]:
    found = []
    for document in documents:
        try:
            found.append(parse_policy(document, kind=kind))
        except PolicyError:  # stored documents were validated; never fail a request on one
            continue
    return found


def principal_context(caller: Principal, tags: Mapping[str, str], now: float) -> dict[str, Any]:
    """Global condition keys every request carries, for this caller at this time."""
    context: dict[str, Any] = {
        "aws:CurrentTime": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now)),
        "aws:SecureTransport": False,
        "aws:userid": caller.user_id,
    }
    for key, value in tags.items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context


def authorize_assume_role(
    iam: Iam,
    caller: Principal,
    role: Entity,
    actions: Sequence[str],
    context: Mapping[str, Any],
    session_policies: Sequence[str],
) -> None:
    """Raise AccessDenied unless every one of ``actions`` on the role is allowed."""
    identity, boundary, session = caller_policies(iam, caller, session_policies)
    trust = _parsed([role.trust_policy or ""], "trust")
    policies = PolicySet(
        identity=identity,
        resource=trust,
        boundary=boundary,
        session=session,
        is_root=caller.is_root,
        resource_required=True,
    )
    identity_arn = None
    if caller.kind == "assumed-role":
        role_name = caller.arn.split(":", 5)[5].split("/")[1]
        behind = iam.role(caller.account_id, role_name)
        identity_arn = behind.arn if behind is not None else None
    for action in actions:
        request = AuthzRequest(
            action=action,
            resource=role.arn,
            principal_arn=caller.arn,
            principal_account=caller.account_id,
            principal_type=caller.kind,
            resource_account=role.account_id,
            context=context,
            identity_arn=identity_arn,
        )
        decision = evaluate(request, policies)
        if not decision.allowed:
            raise AccessDenied(access_denied_message(request, decision))


def denied(caller: Principal, role_arn: str) -> AccessDenied:
    """The answer for a role that does not exist: the same as for one that may not be used."""
    return AccessDenied(
        f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    )
