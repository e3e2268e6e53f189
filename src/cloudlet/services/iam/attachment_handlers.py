"""What grants an identity its permissions: inline policies, attached managed policies and
permissions boundaries, for users, groups and roles alike.

The same nine operations exist per kind (``PutUserPolicy``, ``PutGroupPolicy``,
``PutRolePolicy``, ...); each is built once by a factory below and bound by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.iam import views
from cloudlet.services.iam.common import check_boundary
from cloudlet.services.iam.documents import (
    INLINE_AGGREGATE_SIZE,
    check_document,
    encoded,
    size,
)
from cloudlet.services.iam.errors import LimitExceeded, PolicyNotAttachable
from cloudlet.services.iam.paging import page

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam

Handler = Callable[["Iam", RequestContext, dict[str, Any]], dict[str, Any]]
_NAME_PARAM = {"user": "UserName", "group": "GroupName", "role": "RoleName"}


def _put_policy(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        acct, document = ctx.account_id, params["PolicyDocument"]
        entity = iam.entities.get(acct, kind, params[_NAME_PARAM[kind]])
        check_document(document, kind="identity")
        others = [
            doc
            for name, doc in iam.policies.inline(acct, kind, entity.name)
            if name.lower() != params["PolicyName"].lower()
        ]
        limit = INLINE_AGGREGATE_SIZE[kind]
        if size(document) + sum(size(doc) for doc in others) > limit:
            raise LimitExceeded(
                f"Maximum policy size of {limit} bytes exceeded for {kind} {entity.name}"
            )
        iam.policies.put_inline(acct, kind, entity.name, params["PolicyName"], document)
        return {}

    return handler


def _get_policy(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entity = iam.entities.get(ctx.account_id, kind, params[_NAME_PARAM[kind]])
        name, document = iam.policies.get_inline(
            ctx.account_id, kind, entity.name, params["PolicyName"]
        )
        return {
            _NAME_PARAM[kind]: entity.name,
            "PolicyName": name,
            "PolicyDocument": encoded(document),
        }

    return handler


def _delete_policy(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entity = iam.entities.get(ctx.account_id, kind, params[_NAME_PARAM[kind]])
        iam.policies.delete_inline(ctx.account_id, kind, entity.name, params["PolicyName"])
        return {}

    return handler


def _list_policies(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entity = iam.entities.get(ctx.account_id, kind, params[_NAME_PARAM[kind]])
        names = [name for name, _ in iam.policies.inline(ctx.account_id, kind, entity.name)]
        chosen, paging = page(names, params, lambda name: name)
        return {"PolicyNames": chosen, **paging}

    return handler


def _attach(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entity = iam.entities.get(ctx.account_id, kind, params[_NAME_PARAM[kind]])
        arn = params["PolicyArn"]
        if ":policy/" not in arn:
            raise PolicyNotAttachable(f"Policy {arn} is not attachable.")
        policy = iam.policies.get(ctx.account_id, arn)
        iam.policies.attach(ctx.account_id, kind, entity.name, policy.arn)
        return {}

    return handler


def _detach(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entity = iam.entities.get(ctx.account_id, kind, params[_NAME_PARAM[kind]])
        iam.policies.detach(ctx.account_id, kind, entity.name, params["PolicyArn"])
        return {}

    return handler


def _list_attached(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entity = iam.entities.get(ctx.account_id, kind, params[_NAME_PARAM[kind]])
        prefix = params.get("PathPrefix") or "/"
        found = [
            p
            for p in iam.policies.attached(ctx.account_id, kind, entity.name)
            if p.path.startswith(prefix)
        ]
        chosen, paging = page(found, params, lambda p: p.name)
        return {"AttachedPolicies": views.attached(chosen), **paging}

    return handler


def _put_boundary(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entity = iam.entities.get(ctx.account_id, kind, params[_NAME_PARAM[kind]])
        check_boundary(iam, ctx.account_id, params["PermissionsBoundary"])
        iam.entities.update(
            ctx.account_id, kind, entity.name, boundary_arn=params["PermissionsBoundary"]
        )
        return {}

    return handler


def _delete_boundary(kind: str, op: str) -> Handler:
    @operation(op)
    def handler(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entity = iam.entities.get(ctx.account_id, kind, params[_NAME_PARAM[kind]])
        iam.entities.update(ctx.account_id, kind, entity.name, boundary_arn=None)
        return {}

    return handler


put_user_policy = _put_policy("user", "PutUserPolicy")
put_group_policy = _put_policy("group", "PutGroupPolicy")
put_role_policy = _put_policy("role", "PutRolePolicy")
get_user_policy = _get_policy("user", "GetUserPolicy")
get_group_policy = _get_policy("group", "GetGroupPolicy")
get_role_policy = _get_policy("role", "GetRolePolicy")
delete_user_policy = _delete_policy("user", "DeleteUserPolicy")
delete_group_policy = _delete_policy("group", "DeleteGroupPolicy")
delete_role_policy = _delete_policy("role", "DeleteRolePolicy")
list_user_policies = _list_policies("user", "ListUserPolicies")
list_group_policies = _list_policies("group", "ListGroupPolicies")
list_role_policies = _list_policies("role", "ListRolePolicies")
attach_user_policy = _attach("user", "AttachUserPolicy")
attach_group_policy = _attach("group", "AttachGroupPolicy")
attach_role_policy = _attach("role", "AttachRolePolicy")
detach_user_policy = _detach("user", "DetachUserPolicy")
detach_group_policy = _detach("group", "DetachGroupPolicy")
detach_role_policy = _detach("role", "DetachRolePolicy")
list_attached_user_policies = _list_attached("user", "ListAttachedUserPolicies")
list_attached_group_policies = _list_attached("group", "ListAttachedGroupPolicies")
list_attached_role_policies = _list_attached("role", "ListAttachedRolePolicies")
put_user_permissions_boundary = _put_boundary("user", "PutUserPermissionsBoundary")
put_role_permissions_boundary = _put_boundary("role", "PutRolePermissionsBoundary")
delete_user_permissions_boundary = _delete_boundary("user", "DeleteUserPermissionsBoundary")
delete_role_permissions_boundary = _delete_boundary("role", "DeleteRolePermissionsBoundary")
