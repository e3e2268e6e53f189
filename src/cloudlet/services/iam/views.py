"""Output shapes: entities and policies as IAM's API returns them (botocore's User, Role, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.iam.documents import encoded
from cloudlet.services.iam.entities import Entity
from cloudlet.services.iam.policies import ManagedPolicy

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam


def boundary(arn: str | None) -> dict[str, Any] | None:
    if arn is None:
        return None
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn}


def user(iam: Iam, entity: Entity, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": entity.path,
        "UserName": entity.name,
        "UserId": entity.id,
        "Arn": entity.arn,
        "CreateDate": entity.created,
    }
    if full:
        out["PermissionsBoundary"] = boundary(entity.boundary_arn)
        out["Tags"] = iam.tags.get(entity.account_id, "user", entity.name) or None
    return out


def group(entity: Entity) -> dict[str, Any]:
    return {
        "Path": entity.path,
        "GroupName": entity.name,
        "GroupId": entity.id,
        "Arn": entity.arn,
        "CreateDate": entity.created,
    }


def role(iam: Iam, entity: Entity, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Path": entity.path,
        "RoleName": entity.name,
        "RoleId": entity.id,
        "Arn": entity.arn,
        "CreateDate": entity.created,
        "AssumeRolePolicyDocument": encoded(entity.trust_policy or ""),
        "Description": entity.description,
        "MaxSessionDuration": entity.max_session_duration,
    }
    if full:
        out["PermissionsBoundary"] = boundary(entity.boundary_arn)
        out["Tags"] = iam.tags.get(entity.account_id, "role", entity.name) or None
        last_used: dict[str, Any] = {}
        if entity.last_used is not None:
            last_used = {"LastUsedDate": entity.last_used, "Region": entity.last_used_region}
        out["RoleLastUsed"] = last_used
    return out


def instance_profile(iam: Iam, entity: Entity) -> dict[str, Any]:
    roles = iam.entities.roles_of_profile(entity.account_id, entity.name)
    return {
        "Path": entity.path,
        "InstanceProfileName": entity.name,
        "InstanceProfileId": entity.id,
        "Arn": entity.arn,
        "CreateDate": entity.created,
        "Roles": [role(iam, r) for r in roles],
        "Tags": iam.tags.get(entity.account_id, "instance-profile", entity.name) or None,
    }


def policy(iam: Iam, account_id: str, found: ManagedPolicy, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "PolicyName": found.name,
        "PolicyId": found.id,
        "Arn": found.arn,
        "Path": found.path,
        "DefaultVersionId": found.default_version,
        "AttachmentCount": iam.policies.attachment_count(account_id, found.arn),
        "PermissionsBoundaryUsageCount": iam.policies.boundary_usage(account_id, found.arn),
        "IsAttachable": True,
        "CreateDate": found.created,
        "UpdateDate": found.updated,
    }
    if full:
        out["Description"] = found.description
        if not found.aws_managed:
            out["Tags"] = iam.tags.get(account_id, "policy", found.arn) or None
    return out


def attached(policies: list[ManagedPolicy]) -> list[dict[str, str]]:
    return [{"PolicyName": p.name, "PolicyArn": p.arn} for p in policies]
