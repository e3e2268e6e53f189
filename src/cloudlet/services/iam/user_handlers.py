"""Users, groups and group membership (https://docs.aws.amazon.com/IAM/latest/APIReference/)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.iam import views
from cloudlet.services.iam.common import caller_user_name, check_boundary, path_prefix
from cloudlet.services.iam.errors import DeleteConflict
from cloudlet.services.iam.paging import page
from cloudlet.services.iam.tags import check_tags

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam


@operation("CreateUser")
def create_user(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    tags = params.get("Tags") or []
    check_tags(tags)
    boundary = params.get("PermissionsBoundary")
    if boundary:
        check_boundary(iam, ctx.account_id, boundary)
    user = iam.entities.create(
        ctx.account_id,
        "user",
        params["UserName"],
        params.get("Path") or "/",
        boundary_arn=boundary,
    )
    if tags:
        iam.tags.add(ctx.account_id, "user", user.name, tags)
    return {"User": views.user(iam, user, full=True)}


@operation("GetUser")
def get_user(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("UserName") or caller_user_name(ctx)
    if name is None:  # the root user: no name, its account's ARN
        # Differs from AWS: CreateDate is the server's start, not the account's creation.
        return {
            "User": {
                "Path": "/",
                "UserId": ctx.account_id,
                "Arn": arns.root(ctx.account_id),
                "CreateDate": iam.cloud.started,
            }
        }
    user = iam.entities.get(ctx.account_id, "user", name)
    return {"User": views.user(iam, user, full=True)}


@operation("ListUsers")
def list_users(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    users = iam.entities.list(ctx.account_id, "user", path_prefix(params))
    chosen, paging = page(users, params, lambda u: u.name)
    return {"Users": [views.user(iam, u) for u in chosen], **paging}


@operation("UpdateUser")
def update_user(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = iam.entities.get(ctx.account_id, "user", params["UserName"])
    renamed = iam.entities.rename(
        user, params.get("NewUserName") or user.name, params.get("NewPath") or user.path
    )
    if renamed.arn != user.arn:
        for key in iam.keys.list(ctx.account_id, renamed.name):
            iam.keys.reissue(key, renamed.arn)
    return {}


@operation("DeleteUser")
def delete_user(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    acct = ctx.account_id
    user = iam.entities.get(acct, "user", params["UserName"])
    if iam.keys.list(acct, user.name):
        raise DeleteConflict("Cannot delete entity, must delete access keys first.")
    if iam.policies.inline(acct, "user", user.name):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if iam.policies.attached(acct, "user", user.name):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    if iam.entities.groups_of(acct, user.name):
        raise DeleteConflict("Cannot delete entity, must remove users from group first.")
    iam.entities.delete(acct, "user", user.name)
    return {}


@operation("TagUser")
def tag_user(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = iam.entities.get(ctx.account_id, "user", params["UserName"])
    iam.tags.add(ctx.account_id, "user", user.name, params["Tags"])
    return {}


@operation("UntagUser")
def untag_user(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = iam.entities.get(ctx.account_id, "user", params["UserName"])
    iam.tags.remove(ctx.account_id, "user", user.name, params["TagKeys"])
    return {}


@operation("ListUserTags")
def list_user_tags(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = iam.entities.get(ctx.account_id, "user", params["UserName"])
    return iam.tags.page(ctx.account_id, "user", user.name, params)


# -- groups ----------------------------------------------------------------------------


@operation("CreateGroup")
def create_group(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = iam.entities.create(
        ctx.account_id, "group", params["GroupName"], params.get("Path") or "/"
    )
    return {"Group": views.group(group)}


@operation("GetGroup")
def get_group(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = iam.entities.get(ctx.account_id, "group", params["GroupName"])
    members = iam.entities.members_of(ctx.account_id, group.name)
    chosen, paging = page(members, params, lambda u: u.name)
    return {"Group": views.group(group), "Users": [views.user(iam, u) for u in chosen], **paging}


@operation("ListGroups")
def list_groups(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    groups = iam.entities.list(ctx.account_id, "group", path_prefix(params))
    chosen, paging = page(groups, params, lambda g: g.name)
    return {"Groups": [views.group(g) for g in chosen], **paging}


@operation("UpdateGroup")
def update_group(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = iam.entities.get(ctx.account_id, "group", params["GroupName"])
    iam.entities.rename(
        group, params.get("NewGroupName") or group.name, params.get("NewPath") or group.path
    )
    return {}


@operation("DeleteGroup")
def delete_group(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    acct = ctx.account_id
    group = iam.entities.get(acct, "group", params["GroupName"])
    if iam.entities.members_of(acct, group.name):
        raise DeleteConflict("Cannot delete entity, must remove users from group first.")
    if iam.policies.inline(acct, "group", group.name):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if iam.policies.attached(acct, "group", group.name):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    iam.entities.delete(acct, "group", group.name)
    return {}


@operation("AddUserToGroup")
def add_user_to_group(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = iam.entities.get(ctx.account_id, "group", params["GroupName"])
    user = iam.entities.get(ctx.account_id, "user", params["UserName"])
    iam.entities.add_member(ctx.account_id, group.name, user.name)
    return {}


@operation("RemoveUserFromGroup")
def remove_user_from_group(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    group = iam.entities.get(ctx.account_id, "group", params["GroupName"])
    user = iam.entities.get(ctx.account_id, "user", params["UserName"])
    iam.entities.remove_member(ctx.account_id, group.name, user.name)
    return {}


@operation("ListGroupsForUser")
def list_groups_for_user(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    user = iam.entities.get(ctx.account_id, "user", params["UserName"])
    groups = iam.entities.groups_of(ctx.account_id, user.name)
    chosen, paging = page(groups, params, lambda g: g.name)
    return {"Groups": [views.group(g) for g in chosen], **paging}
