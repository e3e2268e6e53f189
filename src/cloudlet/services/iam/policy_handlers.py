"""Managed policies: create, version (at most 5), set the default, tag, list and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.iam import views
from cloudlet.services.iam.common import modifiable, path_prefix
from cloudlet.services.iam.documents import (
    MANAGED_POLICY_SIZE,
    check_document,
    check_size,
    encoded,
)
from cloudlet.services.iam.entities import using_boundary
from cloudlet.services.iam.paging import page, sorted_by
from cloudlet.services.iam.policies import ManagedPolicy, PolicyVersion, aws_catalog
from cloudlet.services.iam.tags import check_tags

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam


def _check_managed_document(document: str) -> None:
    check_size(document, MANAGED_POLICY_SIZE, "PolicySize")
    check_document(document, kind="identity", managed=True)


def _version(version: PolicyVersion, with_document: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "CreateDate": version.created,
    }
    if with_document:
        out["Document"] = encoded(version.document)
    return out


@operation("CreatePolicy")
def create_policy(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    document = params["PolicyDocument"]
    _check_managed_document(document)
    tags = params.get("Tags") or []
    check_tags(tags)
    policy = iam.policies.create(
        ctx.account_id,
        params["PolicyName"],
        params.get("Path") or "/",
        document,
        params.get("Description"),
    )
    if tags:
        iam.tags.add(ctx.account_id, "policy", policy.arn, tags)
    return {"Policy": views.policy(iam, ctx.account_id, policy, full=True)}


@operation("GetPolicy")
def get_policy(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = iam.policies.get(ctx.account_id, params["PolicyArn"])
    return {"Policy": views.policy(iam, ctx.account_id, policy, full=True)}


@operation("ListPolicies")
def list_policies(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    acct = ctx.account_id
    scope = params.get("Scope") or "All"
    found: list[ManagedPolicy] = []
    if scope in ("All", "AWS"):
        found += [policy for policy, _ in aws_catalog().values()]
    if scope in ("All", "Local"):
        found += iam.policies.list_local(acct)
    prefix = path_prefix(params)
    found = [p for p in found if p.path.startswith(prefix)]
    if params.get("OnlyAttached"):
        usage = params.get("PolicyUsageFilter")
        found = [
            p
            for p in found
            if (usage != "PermissionsBoundary" and iam.policies.attachment_count(acct, p.arn))
            or (usage != "PermissionsPolicy" and iam.policies.boundary_usage(acct, p.arn))
        ]
    chosen, paging = page(sorted_by(found, lambda p: p.name), params, lambda p: p.name)
    return {"Policies": [views.policy(iam, acct, p) for p in chosen], **paging}


@operation("DeletePolicy")
def delete_policy(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = modifiable(iam.policies.get(ctx.account_id, params["PolicyArn"]))
    iam.policies.delete(policy)
    return {}


@operation("CreatePolicyVersion")
def create_policy_version(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = modifiable(iam.policies.get(ctx.account_id, params["PolicyArn"]))
    _check_managed_document(params["PolicyDocument"])
    default = bool(params.get("SetAsDefault"))
    version_id = iam.policies.add_version(policy, params["PolicyDocument"], default)
    return {"PolicyVersion": _version(iam.policies.version(policy, version_id))}


@operation("GetPolicyVersion")
def get_policy_version(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = iam.policies.get(ctx.account_id, params["PolicyArn"])
    version = iam.policies.version(policy, params["VersionId"])
    return {"PolicyVersion": _version(version, with_document=True)}


@operation("ListPolicyVersions")
def list_policy_versions(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = iam.policies.get(ctx.account_id, params["PolicyArn"])

    def newest_first(version: PolicyVersion) -> str:
        return f"{10**9 - int(version.version_id[1:]):010d}"

    versions = sorted_by(iam.policies.versions(policy), newest_first)
    chosen, paging = page(versions, params, newest_first)
    return {"Versions": [_version(v) for v in chosen], **paging}


@operation("SetDefaultPolicyVersion")
def set_default_policy_version(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    policy = modifiable(iam.policies.get(ctx.account_id, params["PolicyArn"]))
    iam.policies.set_default(policy, params["VersionId"])
    return {}


@operation("DeletePolicyVersion")
def delete_policy_version(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = modifiable(iam.policies.get(ctx.account_id, params["PolicyArn"]))
    iam.policies.delete_version(policy, params["VersionId"])
    return {}


@operation("TagPolicy")
def tag_policy(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = modifiable(iam.policies.get(ctx.account_id, params["PolicyArn"]))
    iam.tags.add(ctx.account_id, "policy", policy.arn, params["Tags"])
    return {}


@operation("UntagPolicy")
def untag_policy(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = modifiable(iam.policies.get(ctx.account_id, params["PolicyArn"]))
    iam.tags.remove(ctx.account_id, "policy", policy.arn, params["TagKeys"])
    return {}


@operation("ListPolicyTags")
def list_policy_tags(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    policy = iam.policies.get(ctx.account_id, params["PolicyArn"])
    return iam.tags.page(ctx.account_id, "policy", policy.arn, params)


_ENTITY_FILTER = {"User": "user", "Group": "group", "Role": "role"}
_OUTPUT = {
    "user": ("PolicyUsers", "UserName", "UserId"),
    "group": ("PolicyGroups", "GroupName", "GroupId"),
    "role": ("PolicyRoles", "RoleName", "RoleId"),
}


@operation("ListEntitiesForPolicy")
def list_entities_for_policy(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    acct = ctx.account_id
    policy = iam.policies.get(acct, params["PolicyArn"])
    wanted = params.get("EntityFilter")
    kinds = set(_OUTPUT)
    if wanted in _ENTITY_FILTER:
        kinds = {_ENTITY_FILTER[wanted]}
    elif (
        wanted == "LocalManagedPolicy"
        and policy.aws_managed
        or wanted == "AWSManagedPolicy"
        and not policy.aws_managed
    ):
        kinds = set()
    usage = params.get("PolicyUsageFilter")
    found = {}
    if usage != "PermissionsBoundary":
        for kind, name in iam.policies.attachments_of(acct, policy.arn):
            entity = iam.entities.find(acct, kind, name)
            if entity is not None:
                found[(kind, entity.name.lower())] = entity
    if usage != "PermissionsPolicy":
        for entity in using_boundary(iam.entities, acct, policy.arn):
            found[(entity.kind, entity.name.lower())] = entity
    prefix = path_prefix(params)
    entities = [e for e in found.values() if e.kind in kinds and e.path.startswith(prefix)]
    chosen, paging = page(
        sorted_by(entities, lambda e: f"{e.kind}/{e.name}"), params, lambda e: f"{e.kind}/{e.name}"
    )
    out: dict[str, Any] = {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": []}
    for entity in chosen:
        member, name_key, id_key = _OUTPUT[entity.kind]
        out[member].append({name_key: entity.name, id_key: entity.id})
    return {**out, **paging}
