"""Enforcement: every request of every principal is checked with the policy engine.

A service says what a request needs as a list of ``Check`` (action, resource ARN, the
resource's account and resource policy, extra condition keys); this module gathers the
principal's identity policies, permissions boundary and session policies (parsed once and
cached per access key until IAM changes), adds the global condition keys, and asks the
engine. Root of the resource's own account skips the work unless a resource policy could
deny it. ``CLOUDLET_ENFORCE_IAM=0`` (``--no-enforce-iam``) turns all of it off for demos.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
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
from cloudlet.core.errors import AccessDenied

if TYPE_CHECKING:
    from cloudlet.core.accounts import Principal
    from cloudlet.core.cloud import Cloud
    from cloudlet.services.base import RequestContext

MAX_PARSED = 4096


@dataclass(frozen=True, slots=True)
class Check:
    """One permission a request needs."""

    action: str
    resource: str = "*"
    resource_account: str | None = None
    #: The resource-based policy (bucket policy, key policy) as JSON text, if any.
    resource_policy: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Identity:
    """What IAM says about one access key's principal, parsed once."""

    policies: tuple[Policy, ...]
    boundary: Policy | None
    session: tuple[Policy, ...]
    tags: Mapping[str, str]


@lru_cache(maxsize=4)
def _iso_time(epoch: int) -> str:
    """``aws:CurrentTime``, formatted once per second rather than once per request."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def denied_message(request: AuthzRequest, decision: Any) -> str:
    """AWS's explanation, except where S3 keeps it short: for anonymous and cross-account
    requests it says only "Access Denied" (it explains denials within one account)."""
    if request.resource.startswith("arn:aws:s3:") and (
        request.principal_type == "anonymous"
        or request.resource_account not in (None, request.principal_account)
    ):
        return "Access Denied"
    return access_denied_message(request, decision)


class Authorizer:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self._identities: dict[str, Identity] = {}
        self._parsed: dict[tuple[str, str], Policy] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.cloud.config.enforce_iam

    def invalidate(self) -> None:
        with self._lock:
            self._identities = {}

    def check(self, ctx: RequestContext, checks: Sequence[Check]) -> None:
        """Raise AccessDenied (with AWS's message) unless every check is allowed."""
        if not self.enabled or not checks:
            return
        principal = ctx.principal
        for check in checks:
            if (
                principal is not None
                and principal.is_root
                and check.resource_policy is None
                and check.resource_account in (None, principal.account_id)
            ):
                continue  # the account root may do anything to its own resources
            request = self._request(ctx, principal, check)
            decision = evaluate(request, self._policies(principal, check))
            if not decision.allowed:
                raise AccessDenied(denied_message(request, decision))

    def _request(
        self, ctx: RequestContext, principal: Principal | None, check: Check
    ) -> AuthzRequest:
        now = int(self.cloud.clock.time())
        context: dict[str, Any] = {
            "aws:SourceIp": ctx.request.client_ip or "127.0.0.1",
            "aws:CurrentTime": _iso_time(now),
            "aws:EpochTime": str(now),
            "aws:SecureTransport": "true" if ctx.request.scheme == "https" else "false",
            "aws:RequestedRegion": ctx.region or self.cloud.config.region,
        }
        if principal is None:
            return AuthzRequest(
                action=check.action,
                resource=check.resource,
                principal_arn="*",
                principal_account=None,
                principal_type="anonymous",
                resource_account=check.resource_account,
                context={**context, **check.context},
            )
        context["aws:userid"] = principal.user_id
        for key, value in self._identity(principal).tags.items():
            context[f"aws:PrincipalTag/{key}"] = value
        return AuthzRequest(
            action=check.action,
            resource=check.resource,
            principal_arn=principal.arn,
            principal_account=principal.account_id,
            principal_type=principal.kind,
            resource_account=check.resource_account or principal.account_id,
            context={**context, **check.context},
            canonical_user=principal.canonical_user_id,
        )

    def _policies(self, principal: Principal | None, check: Check) -> PolicySet:
        resource = ()
        if check.resource_policy:
            parsed = self.parse(check.resource_policy, "resource")
            resource = (parsed,) if parsed is not None else ()
        if principal is None:
            return PolicySet(resource=resource)
        if principal.is_root:
            return PolicySet(resource=resource, is_root=True)
        identity = self._identity(principal)
        return PolicySet(
            identity=identity.policies,
            resource=resource,
            boundary=identity.boundary,
            session=identity.session,
        )

    def _identity(self, principal: Principal) -> Identity:
        key = principal.access_key_id
        found = self._identities.get(key)
        if found is not None:
            return found
        policies: list[Policy] = []
        boundary = None
        session: list[Policy] = []
        tags: Mapping[str, str] = {}
        iam = self.cloud.service("iam")
        sts = self.cloud.service("sts")
        if iam is not None and not principal.is_root:
            documents, boundary_text = iam.policies_for(principal)  # type: ignore[attr-defined]
            policies = [p for p in (self.parse(d, "identity") for d in documents) if p]
            boundary = self.parse(boundary_text, "boundary") if boundary_text else None
        if sts is not None and not principal.is_root:
            session = [
                p
                for p in (
                    self.parse(d, "session")
                    for d in sts.session_policies(principal.access_key_id)  # type: ignore[attr-defined]
                )
                if p
            ]
            tags = sts.principal_tags(principal)  # type: ignore[attr-defined]
        found = Identity(tuple(policies), boundary, tuple(session), dict(tags))
        with self._lock:
            self._identities[key] = found
        return found

    def parse(self, text: str, kind: str) -> Policy | None:
        """Parsed once per document text; a document that no longer parses grants nothing."""
        key = (kind, text)
        found = self._parsed.get(key)
        if found is None:
            try:
                found = parse_policy(text, kind=kind)
            except PolicyError:
                return None
            with self._lock:
                if len(self._parsed) > MAX_PARSED:
                    self._parsed = {}
                self._parsed[key] = found
        return found
