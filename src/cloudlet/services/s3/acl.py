"""Canned ACLs and grants, stored and answered (enforcement arrives with the IAM issue).

Whether an ACL may be set at all is decided here too: a bucket whose Object Ownership is
``BucketOwnerEnforced`` (the default since April 2023) has ACLs disabled, and Block Public
Access refuses public ones.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
"""

from __future__ import annotations

import re
from typing import Any

from cloudlet.core.errors import AccessDenied, InvalidArgument, InvalidRequest
from cloudlet.services.s3.errors import AccessControlListNotSupported

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
PUBLIC_GROUPS = (ALL_USERS, AUTHENTICATED_USERS)

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
#: The canned ACLs a bucket with ACLs disabled still accepts: they grant nothing beyond the owner.
OWNER_ONLY = ("private", "bucket-owner-full-control")
#: ``x-amz-grant-*`` members and the permission each grants.
GRANT_HEADERS = {
    "GrantFullControl": "FULL_CONTROL",
    "GrantRead": "READ",
    "GrantReadACP": "READ_ACP",
    "GrantWrite": "WRITE",
    "GrantWriteACP": "WRITE_ACP",
}
_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*(?:,|$)')


def from_params(params: dict[str, Any]) -> dict[str, Any]:
    """The stored form of an ACL given as a canned header, grant headers or a policy body."""
    headers = [name for name in GRANT_HEADERS if params.get(name)]
    if params.get("ACL"):
        if headers:
            raise InvalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
        canned = params["ACL"]
        if canned not in CANNED:
            raise InvalidArgument(f"Invalid canned ACL: {canned}", ArgumentName="x-amz-acl")
        return {"canned": canned}
    if headers:
        return {"grants": [g for name in headers for g in _header_grants(name, params[name])]}
    policy = params.get("AccessControlPolicy")
    if policy is not None:
        return {"grants": policy.get("Grants", [])}
    return {"canned": "private"}


def _header_grants(member: str, value: str) -> list[dict[str, Any]]:
    """``x-amz-grant-read: id="abc", uri="http://acs.amazonaws.com/groups/global/AllUsers"``."""
    grants = []
    position = 0
    while position < len(value):
        found = _GRANTEE.match(value, position)
        if found is None or found.end() == position:
            raise InvalidArgument(f"Invalid grant header {value}", ArgumentName=member)
        kind, who = found.groups()
        grantee = {
            "id": {"Type": "CanonicalUser", "ID": who},
            "uri": {"Type": "Group", "URI": who},
            "emailAddress": {"Type": "AmazonCustomerByEmail", "EmailAddress": who},
        }[kind]
        grants.append({"Grantee": grantee, "Permission": GRANT_HEADERS[member]})
        position = found.end()
    return grants


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


def is_public(acl: dict[str, Any]) -> bool:
    """Grants anything to everyone or to every AWS user (what Block Public Access blocks)."""
    if "grants" in acl:
        return any(g.get("Grantee", {}).get("URI") in PUBLIC_GROUPS for g in acl["grants"])
    return any(uri in PUBLIC_GROUPS for uri, _ in CANNED.get(acl.get("canned", "private"), []))


def is_owner_only(acl: dict[str, Any], owner_id: str) -> bool:
    """Grants nothing beyond the owner's full control: accepted even with ACLs disabled."""
    if "grants" in acl:
        return all(
            g.get("Grantee", {}).get("ID") == owner_id and g.get("Permission") == "FULL_CONTROL"
            for g in acl["grants"]
        )
    return acl.get("canned", "private") in OWNER_ONLY


def check_settable(
    acl: dict[str, Any], owner_id: str, ownership: str | None, block: dict[str, Any] | None
) -> None:
    """May a request set this ACL on a bucket (or an object in it)?

    ACLs disabled: AccessControlListNotSupported (400) unless the ACL is owner-only; a
    public ACL under ``BlockPublicAcls``: AccessDenied (403).
    """
    if ownership == "BucketOwnerEnforced" and not is_owner_only(acl, owner_id):
        raise AccessControlListNotSupported()
    if block and block.get("BlockPublicAcls") and is_public(acl):
        raise AccessDenied()
