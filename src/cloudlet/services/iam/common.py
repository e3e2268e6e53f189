"""Small rules shared by the handler modules: who the caller is, boundaries, AWS-managed guards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.core.errors import AccessDenied, ValidationError
from cloudlet.services.base import RequestContext
from cloudlet.services.iam.errors import InvalidInput
from cloudlet.services.iam.policies import ManagedPolicy

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam


def caller_user_name(ctx: RequestContext) -> str | None:
    """The calling IAM user's name, or None for the root user.

    Operations whose ``UserName`` is optional act on the caller; a role session has to name
    the user (AWS: "Must specify userName when calling with non-User credentials").
    """
    principal = ctx.principal
    assert principal is not None
    if principal.is_root:
        return None
    resource = arns.parse(principal.arn).resource
    if principal.kind == "user" and resource.startswith("user/"):
        return resource.rsplit("/", 1)[1]
    raise ValidationError("Must specify userName when calling with non-User credentials")


def target_user(ctx: RequestContext, params: dict[str, Any]) -> str | None:
    return params.get("UserName") or caller_user_name(ctx)


def check_boundary(iam: Iam, account_id: str, arn: str) -> None:
    """A permissions boundary must be a managed policy the account can use."""
    if not arn.startswith("arn:aws:iam::") or ":policy/" not in arn:
        raise InvalidInput(f"ARN {arn} is not valid.")
    iam.policies.get(account_id, arn)


def modifiable(policy: ManagedPolicy) -> ManagedPolicy:
    """AWS managed policies are read-only to every account."""
    if policy.aws_managed:
        raise AccessDenied(
            f"Policy {policy.arn} is an AWS managed policy and cannot be modified or deleted."
        )
    return policy


def path_prefix(params: dict[str, Any]) -> str:
    return params.get("PathPrefix") or "/"
