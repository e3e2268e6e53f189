"""Roles (trust policy, session duration, description) and instance profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.iam import views
from cloudlet.services.iam.common import check_boundary, path_prefix
from cloudlet.services.iam.documents import TRUST_POLICY_SIZE, check_document, check_size
from cloudlet.services.iam.errors import DeleteConflict, LimitExceeded
from cloudlet.services.iam.paging import page
from cloudlet.services.iam.tags import check_tags

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam

DEFAULT_MAX_SESSION_DURATION = 3600


def _check_trust_policy(document: str) -> None:
    check_size(document, TRUST_POLICY_SIZE, "ACLSizePerRole")
    check_document(document, kind="trust")


@operation("CreateRole")
def create_role(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    trust = params["AssumeRolePolicyDocument"]
    _check_trust_policy(trust)
    tags = params.get("Tags") or []
    check_tags(tags)
    boundary = params.get("PermissionsBoundary")
    if boundary:
        check_boundary(iam, ctx.account_id, boundary)
    role = iam.entities.create(
        ctx.account_id,
        "role",
        params["RoleName"],
        params.get("Path") or "/",
        description=params.get("Description"),
        trust_policy=trust,
        max_session_duration=params.get("MaxSessionDuration") or DEFAULT_MAX_SESSION_DURATION,
        boundary_arn=boundary,
    )
    if tags:
        iam.tags.add(ctx.account_id, "role", role.name, tags)
    out = views.role(iam, role, full=True)
    out.pop("RoleLastUsed")
    return {"Role": out}


@operation("GetRole")
def get_role(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    return {"Role": views.role(iam, role, full=True)}


@operation("ListRoles")
def list_roles(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    roles = iam.entities.list(ctx.account_id, "role", path_prefix(params))
    chosen, paging = page(roles, params, lambda r: r.name)
    return {"Roles": [views.role(iam, r) for r in chosen], **paging}


@operation("UpdateRole")
def update_role(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    fields: dict[str, Any] = {}
    if params.get("Description") is not None:
        fields["description"] = params["Description"]
    if params.get("MaxSessionDuration") is not None:
        fields["max_session_duration"] = params["MaxSessionDuration"]
    if fields:
        iam.entities.update(ctx.account_id, "role", role.name, **fields)
    return {}


@operation("UpdateRoleDescription")
def update_role_description(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    iam.entities.update(ctx.account_id, "role", role.name, description=params["Description"])
    return {"Role": views.role(iam, iam.entities.get(ctx.account_id, "role", role.name), True)}


@operation("UpdateAssumeRolePolicy")
def update_assume_role_policy(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    _check_trust_policy(params["PolicyDocument"])
    iam.entities.update(ctx.account_id, "role", role.name, trust_policy=params["PolicyDocument"])
    return {}


@operation("DeleteRole")
def delete_role(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    acct = ctx.account_id
    role = iam.entities.get(acct, "role", params["RoleName"])
    if iam.entities.profiles_of_role(acct, role.name):
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    if iam.policies.inline(acct, "role", role.name):
        raise DeleteConflict("Cannot delete entity, must delete policies first.")
    if iam.policies.attached(acct, "role", role.name):
        raise DeleteConflict("Cannot delete entity, must detach all policies first.")
    iam.entities.delete(acct, "role", role.name)
    return {}


@operation("TagRole")
def tag_role(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    iam.tags.add(ctx.account_id, "role", role.name, params["Tags"])
    return {}


@operation("UntagRole")
def untag_role(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    iam.tags.remove(ctx.account_id, "role", role.name, params["TagKeys"])
    return {}


@operation("ListRoleTags")
def list_role_tags(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    return iam.tags.page(ctx.account_id, "role", role.name, params)


# -- instance profiles ------------------------------------------------------------------


@operation("CreateInstanceProfile")
def create_instance_profile(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    tags = params.get("Tags") or []
    check_tags(tags)
    profile = iam.entities.create(
        ctx.account_id, "instance-profile", params["InstanceProfileName"], params.get("Path") or "/"
    )
    if tags:
        iam.tags.add(ctx.account_id, "instance-profile", profile.name, tags)
    return {"InstanceProfile": views.instance_profile(iam, profile)}


@operation("GetInstanceProfile")
def get_instance_profile(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = iam.entities.get(ctx.account_id, "instance-profile", params["InstanceProfileName"])
    return {"InstanceProfile": views.instance_profile(iam, profile)}


@operation("ListInstanceProfiles")
def list_instance_profiles(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profiles = iam.entities.list(ctx.account_id, "instance-profile", path_prefix(params))
    chosen, paging = page(profiles, params, lambda p: p.name)
    return {"InstanceProfiles": [views.instance_profile(iam, p) for p in chosen], **paging}


@operation("DeleteInstanceProfile")
def delete_instance_profile(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    profile = iam.entities.get(ctx.account_id, "instance-profile", params["InstanceProfileName"])
    if iam.entities.roles_of_profile(ctx.account_id, profile.name):
        raise DeleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    iam.entities.delete(ctx.account_id, "instance-profile", profile.name)
    return {}


@operation("AddRoleToInstanceProfile")
def add_role_to_instance_profile(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    profile = iam.entities.get(ctx.account_id, "instance-profile", params["InstanceProfileName"])
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    if iam.entities.roles_of_profile(ctx.account_id, profile.name):
        raise LimitExceeded("Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
    iam.entities.add_profile_role(ctx.account_id, profile.name, role.name)
    return {}


@operation("RemoveRoleFromInstanceProfile")
def remove_role_from_instance_profile(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    profile = iam.entities.get(ctx.account_id, "instance-profile", params["InstanceProfileName"])
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    iam.entities.remove_profile_role(ctx.account_id, profile.name, role.name)
    return {}


@operation("ListInstanceProfilesForRole")
def list_instance_profiles_for_role(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    role = iam.entities.get(ctx.account_id, "role", params["RoleName"])
    profiles = iam.entities.profiles_of_role(ctx.account_id, role.name)
    chosen, paging = page(profiles, params, lambda p: p.name)
    return {"InstanceProfiles": [views.instance_profile(iam, p) for p in chosen], **paging}


@operation("TagInstanceProfile")
def tag_instance_profile(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = iam.entities.get(ctx.account_id, "instance-profile", params["InstanceProfileName"])
    iam.tags.add(ctx.account_id, "instance-profile", profile.name, params["Tags"])
    return {}


@operation("UntagInstanceProfile")
def untag_instance_profile(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    profile = iam.entities.get(ctx.account_id, "instance-profile", params["InstanceProfileName"])
    iam.tags.remove(ctx.account_id, "instance-profile", profile.name, params["TagKeys"])
    return {}


@operation("ListInstanceProfileTags")
def list_instance_profile_tags(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    profile = iam.entities.get(ctx.account_id, "instance-profile", params["InstanceProfileName"])
    return iam.tags.page(ctx.account_id, "instance-profile", profile.name, params)
