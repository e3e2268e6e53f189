"""The account as a whole: its alias, a summary of its IAM usage, and every authorization detail."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.iam import views
from cloudlet.services.iam.documents import encoded
from cloudlet.services.iam.entities import Entity
from cloudlet.services.iam.errors import EntityAlreadyExists, NoSuchEntity
from cloudlet.services.iam.paging import page
from cloudlet.services.iam.policies import ManagedPolicy, aws_catalog

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam


@operation("CreateAccountAlias")
def create_account_alias(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """An account has one alias, unique across all accounts; a new one replaces the old."""
    alias = params["AccountAlias"]
    try:
        with iam.store.write() as conn:
            conn.execute("DELETE FROM account_aliases WHERE account_id=?", (ctx.account_id,))
            conn.execute("INSERT INTO account_aliases VALUES (?,?)", (alias, ctx.account_id))
    except sqlite3.IntegrityError:
        raise EntityAlreadyExists(f"The account alias {alias} already exists.") from None
    return {}


@operation("DeleteAccountAlias")
def delete_account_alias(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    alias = params["AccountAlias"]
    with iam.store.write() as conn:
        gone = conn.execute(
            "DELETE FROM account_aliases WHERE account_id=? AND alias=?", (ctx.account_id, alias)
        ).rowcount
    if not gone:
        raise NoSuchEntity(f"The account alias {alias} cannot be found.")
    return {}


@operation("ListAccountAliases")
def list_account_aliases(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = iam.store.query(
        "SELECT alias FROM account_aliases WHERE account_id=?", (ctx.account_id,)
    )
    return {"AccountAliases": [r[0] for r in rows], "IsTruncated": False}


@operation("GetAccountSummary")
def get_account_summary(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    acct = ctx.account_id
    counts = {kind: len(iam.entities.list(acct, kind)) for kind in ("user", "group", "role")}
    profiles = len(iam.entities.list(acct, "instance-profile"))
    local = iam.policies.list_local(acct)
    versions = sum(len(iam.policies.versions(p)) for p in local)
    root_keys = len(iam.keys.list(acct, None))
    summary = {
        "Users": counts["user"],
        "UsersQuota": 5000,
        "Groups": counts["group"],
        "GroupsQuota": 300,
        "Roles": counts["role"],
        "RolesQuota": 1000,
        "InstanceProfiles": profiles,
        "InstanceProfilesQuota": 1000,
        "Policies": len(local),
        "PoliciesQuota": 1500,
        "PolicyVersionsInUse": versions,
        "PolicyVersionsInUseQuota": 10000,
        "PolicySizeQuota": 6144,
        "VersionsPerPolicyQuota": 5,
        "AttachedPoliciesPerUserQuota": 10,
        "AttachedPoliciesPerGroupQuota": 10,
        "AttachedPoliciesPerRoleQuota": 10,
        "AccessKeysPerUserQuota": 2,
        "GroupsPerUserQuota": 10,
        "UserPolicySizeQuota": 2048,
        "GroupPolicySizeQuota": 5120,
        "RolePolicySizeQuota": 10240,
        "AssumeRolePolicySizeQuota": 2048,
        "AccountAccessKeysPresent": 1 if root_keys else 0,
        "AccountMFAEnabled": 0,
        "MFADevices": 0,
        "MFADevicesInUse": 0,
        "ServerCertificates": 0,
        "ServerCertificatesQuota": 20,
        "Providers": 0,
        "GlobalEndpointTokenVersion": 1,
    }
    return {"SummaryMap": summary}


_FILTERS = ("User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy")


@operation("GetAccountAuthorizationDetails")
def get_account_authorization_details(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Everything at once, paged across all five lists in the order of ``_FILTERS``."""
    acct = ctx.account_id
    wanted = set(params.get("Filter") or _FILTERS)
    items: list[tuple[str, Any]] = []
    for kind, label in (("user", "User"), ("group", "Group"), ("role", "Role")):
        if label in wanted:
            items += [(label, e) for e in iam.entities.list(acct, kind)]
    if "LocalManagedPolicy" in wanted:
        local = sorted(iam.policies.list_local(acct), key=lambda p: p.name.lower())
        items += [("LocalManagedPolicy", p) for p in local]
    if "AWSManagedPolicy" in wanted:
        used = iam.policies.attached_arns(acct)
        managed = [p for arn, (p, _) in aws_catalog().items() if arn in used]
        items += [("AWSManagedPolicy", p) for p in sorted(managed, key=lambda p: p.name.lower())]

    def key(item: tuple[str, Any]) -> str:
        return f"{_FILTERS.index(item[0])}/{item[1].name}"

    chosen, paging = page(items, params, key)
    out: dict[str, list[Any]] = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
    }
    for label, item in chosen:
        if label == "User":
            out["UserDetailList"].append(_user_detail(iam, item))
        elif label == "Group":
            out["GroupDetailList"].append(_group_detail(iam, item))
        elif label == "Role":
            out["RoleDetailList"].append(_role_detail(iam, item))
        else:
            out["Policies"].append(_policy_detail(iam, acct, item))
    return {**out, **paging}


def _inline(iam: Iam, entity: Entity) -> list[dict[str, str]]:
    return [
        {"PolicyName": name, "PolicyDocument": encoded(doc)}
        for name, doc in iam.policies.inline(entity.account_id, entity.kind, entity.name)
    ]


def _attached(iam: Iam, entity: Entity) -> list[dict[str, str]]:
    return views.attached(iam.policies.attached(entity.account_id, entity.kind, entity.name))


def _user_detail(iam: Iam, user: Entity) -> dict[str, Any]:
    return {
        **views.user(iam, user, full=True),
        "UserPolicyList": _inline(iam, user),
        "GroupList": [g.name for g in iam.entities.groups_of(user.account_id, user.name)],
        "AttachedManagedPolicies": _attached(iam, user),
    }


def _group_detail(iam: Iam, group: Entity) -> dict[str, Any]:
    return {
        **views.group(group),
        "GroupPolicyList": _inline(iam, group),
        "AttachedManagedPolicies": _attached(iam, group),
    }


def _role_detail(iam: Iam, role: Entity) -> dict[str, Any]:
    out = views.role(iam, role, full=True)
    out.pop("Description")
    out.pop("MaxSessionDuration")
    profiles = iam.entities.profiles_of_role(role.account_id, role.name)
    return {
        **out,
        "InstanceProfileList": [views.instance_profile(iam, p) for p in profiles],
        "RolePolicyList": _inline(iam, role),
        "AttachedManagedPolicies": _attached(iam, role),
    }


def _policy_detail(iam: Iam, account_id: str, policy: ManagedPolicy) -> dict[str, Any]:
    out = views.policy(iam, account_id, policy, full=True)
    out.pop("Tags", None)
    out["PolicyVersionList"] = [
        {
            "Document": encoded(v.document),
            "VersionId": v.version_id,
            "IsDefaultVersion": v.is_default,
            "CreateDate": v.created,
        }
        for v in iam.policies.versions(policy)
    ]
    return out
