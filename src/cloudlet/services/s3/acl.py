"""Canned ACLs and grants, stored and answered (enforcement arrives with the IAM issue)."""

from __future__ import annotations

from typing import Any

from cloudlet.core.errors import InvalidArgument

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"

CANNED = {
    "private": [],
    "public-read": [(ALL_USERS, "READ")],
    "public-read-write": [(ALL_USERS, "READ"), (ALL_USERS, "WRITE")],
    "authenticated-read": [(AUTHENTICATED_USERS, "READ")],
    "aws-exec-read": [],
    "bucket-owner-read": [],
    "bucket-owner-full-control": [],
    "log-delivery-write": [(LOG_DELIVERY, "WRITE"), (LOG_DELIVERY, "READ_ACP")],
}


def from_params(params: dict[str, Any]) -> dict[str, Any]:
    """The stored form of an ACL given as a canned header or an AccessControlPolicy body."""
    if params.get("ACL"):
        canned = params["ACL"]
        if canned not in CANNED:
            raise InvalidArgument(f"Invalid canned ACL: {canned}", ArgumentName="x-amz-acl")
        return {"canned": canned}
    policy = params.get("AccessControlPolicy")
    if policy is not None:
        return {"grants": policy.get("Grants", [])}
    return {"canned": "private"}


def grants(acl: dict[str, Any], owner: dict[str, Any]) -> list[dict[str, Any]]:
    owner_grant = {
        "Grantee": {"Type": "CanonicalUser", **owner},
        "Permission": "FULL_CONTROL",
    }
    if "grants" in acl:
        return acl["grants"] or [owner_grant]
    result = [owner_grant]
    for uri, permission in CANNED.get(acl.get("canned", "private"), []):
        result.append({"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission})
    return result
