"""STS: who am I, AssumeRole and GetSessionToken, and the sessions they issue.

The Python API enforcement uses: ``session_policies(access_key_id)`` (the documents a
session's permissions are intersected with) and ``session_tags(access_key_id)``.
"""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any

from cloudlet.auth.authorize import Check
from cloudlet.auth.policy import PolicyError, parse_policy
from cloudlet.core import arns
from cloudlet.core.accounts import Principal
from cloudlet.core.cloud import Cloud
from cloudlet.core.errors import AccessDenied, ValidationError
from cloudlet.core.store import Store
from cloudlet.services.base import RequestContext, Service, operation
from cloudlet.services.iam.constraints import check_input
from cloudlet.services.sts.errors import MalformedPolicyDocument, PackedPolicyTooLarge
from cloudlet.services.sts.sessions import MIGRATIONS, Issued, Session, Sessions
from cloudlet.services.sts.trust import authorize_assume_role, denied, principal_context

if TYPE_CHECKING:
    from cloudlet.services.iam.entities import Entity
    from cloudlet.services.iam.handlers import Iam

DEFAULT_DURATION = 3600
CHAINED_MAX_DURATION = 3600
SESSION_TOKEN_DEFAULT = 43200
ROOT_SESSION_MAX = 3600
#: What a packed session (policies and tags) may hold, in non-whitespace characters.
PACKED_LIMIT = 2048
_ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/(?:[\x21-\x7e]*/)?([\w+=,.@-]+)$")


class Sts(Service):
    name = "sts"

    def authorization(self, ctx: RequestContext) -> list[Check]:
        """GetCallerIdentity and GetSessionToken need no permission; AssumeRole evaluates the
        caller's policies and the role's trust policy itself (see assume_role)."""
        return []

    def __init__(self, cloud: Cloud) -> None:
        super().__init__(cloud)
        root = cloud.data_dir / "sts"
        root.mkdir(parents=True, exist_ok=True)
        self.store = Store(root / "sts.db", MIGRATIONS)
        self.sessions = Sessions(self.store, cloud.accounts)

    @property
    def iam(self) -> Iam:
        return self.cloud.service("iam")  # type: ignore[return-value]

    # -- the Python API -------------------------------------------------------------

    def session_policies(self, access_key_id: str) -> list[str]:
        """Session policies of temporary credentials ([] for none or unknown keys)."""
        found = self.sessions.get(access_key_id)
        return list(found.policies) if found is not None else []

    def session_tags(self, access_key_id: str) -> dict[str, str]:
        found = self.sessions.get(access_key_id)
        return dict(found.tags) if found is not None else {}

    def principal_tags(self, principal: Principal) -> dict[str, str]:
        """aws:PrincipalTag values: the user's or role's tags, session tags on top."""
        resource = arns.parse(principal.arn).resource
        if principal.kind == "user" and resource.startswith("user/"):
            return self.iam.user_tags(principal.account_id, resource.rsplit("/", 1)[1])
        if principal.kind == "assumed-role":
            tags = self.iam.role_tags(principal.account_id, resource.split("/")[1])
            return {**tags, **self.session_tags(principal.access_key_id)}
        return {}

    # -- operations ---------------------------------------------------------------------

    @operation("GetCallerIdentity")
    def get_caller_identity(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._check(ctx, params)
        principal = ctx.principal
        assert principal is not None
        return {"UserId": principal.user_id, "Account": principal.account_id, "Arn": principal.arn}

    @operation("AssumeRole")
    def assume_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"""
        self._check(ctx, params)
        caller = ctx.principal
        assert caller is not None
        role_arn, session_name = params["RoleArn"], params["RoleSessionName"]
        found = _ROLE_ARN.match(role_arn)
        if found is None:
            raise ValidationError(f"{role_arn} is invalid")
        role = self.iam.role(found.group(1), found.group(2))
        if role is None:
            raise denied(caller, role_arn)
        duration = params.get("DurationSeconds") or DEFAULT_DURATION
        if caller.kind == "assumed-role" and duration > CHAINED_MAX_DURATION:
            raise ValidationError(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                "assumed by role chaining."
            )
        if duration > (role.max_session_duration or DEFAULT_DURATION):
            raise ValidationError(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
            )
        policies = self._session_policies(role.account_id, params)
        tags = {t["Key"]: t["Value"] for t in params.get("Tags") or []}
        packed = _packed_size(policies, tags)
        now = self.cloud.clock.time()
        self._authorize(ctx, caller, role, params, tags, now)
        assumed_arn = arns.build(
            "sts", "", role.account_id, f"assumed-role/{role.name}/{session_name}"
        )
        issued = self.sessions.issue(
            Session(
                "",
                role.account_id,
                "assumed-role",
                assumed_arn,
                f"{role.id}:{session_name}",
                caller.arn,
                role.arn,
                session_name,
                tuple(policies),
                tags,
                params.get("SourceIdentity"),
                now + duration,
                now,
            )
        )
        self.iam.record_role_use(role.account_id, role.name, ctx.region)
        out: dict[str, Any] = {
            "Credentials": _credentials(issued),
            "AssumedRoleUser": {"AssumedRoleId": f"{role.id}:{session_name}", "Arn": assumed_arn},
            "SourceIdentity": params.get("SourceIdentity"),
        }
        if policies or tags:
            out["PackedPolicySize"] = packed
        return out

    @operation("GetSessionToken")
    def get_session_token(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Temporary credentials for an IAM user (or root) that act as that same identity."""
        self._check(ctx, params)
        caller = ctx.principal
        assert caller is not None
        cred = self.cloud.accounts.credential(caller.access_key_id)
        if caller.kind not in ("user", "root") or (cred is not None and cred.session_token):
            raise AccessDenied("Cannot call GetSessionToken with session credentials")
        duration = params.get("DurationSeconds") or SESSION_TOKEN_DEFAULT
        if caller.is_root:  # AWS caps root sessions at one hour
            duration = min(duration, ROOT_SESSION_MAX)
        now = self.cloud.clock.time()
        issued = self.sessions.issue(
            Session(
                "",
                caller.account_id,
                caller.kind,
                caller.arn,
                caller.user_id,
                caller.arn,
                None,
                None,
                (),
                {},
                None,
                now + duration,
                now,
            )
        )
        return {"Credentials": _credentials(issued)}

    # -- steps ------------------------------------------------------------------------

    def _check(self, ctx: RequestContext, params: dict[str, Any]) -> None:
        """Input constraints, and the last use of a long-term key (GetAccessKeyLastUsed)."""
        if ctx.operation is not None:
            check_input(ctx.operation.input_shape, params)
        principal = ctx.principal
        if principal is not None and principal.access_key_id.startswith("AKIA"):
            self.iam.record_key_use(principal.access_key_id, "sts", ctx.region)

    def _session_policies(self, account_id: str, params: dict[str, Any]) -> list[str]:
        """The inline ``Policy`` and the documents of ``PolicyArns``, validated."""
        policies: list[str] = []
        if params.get("Policy"):
            try:
                parse_policy(params["Policy"], kind="session")
            except PolicyError as exc:
                raise MalformedPolicyDocument(str(exc)) from None
            policies.append(params["Policy"])
        for entry in params.get("PolicyArns") or []:
            arn = entry.get("arn") or ""
            document = self.iam.managed_policy_document(account_id, arn)
            if document is None:
                raise ValidationError(f"Policy {arn} does not exist or is not attachable.")
            policies.append(document)
        return policies

    def _authorize(
        self,
        ctx: RequestContext,
        caller: Principal,
        role: Entity,
        params: dict[str, Any],
        tags: dict[str, str],
        now: float,
    ) -> None:
        context = principal_context(caller, self.principal_tags(caller), now)
        context["sts:RoleSessionName"] = params["RoleSessionName"]
        context["aws:SecureTransport"] = ctx.request.scheme == "https"
        if ctx.request.client_ip:
            context["aws:SourceIp"] = ctx.request.client_ip
        if params.get("ExternalId") is not None:
            context["sts:ExternalId"] = params["ExternalId"]
        actions = ["sts:AssumeRole"]
        if tags:
            actions.append("sts:TagSession")
            context["aws:TagKeys"] = list(tags)
            for key, value in tags.items():
                context[f"aws:RequestTag/{key}"] = value
        if params.get("SourceIdentity"):
            actions.append("sts:SetSourceIdentity")
            context["sts:SourceIdentity"] = params["SourceIdentity"]
        authorize_assume_role(
            self.iam,
            caller,
            role,
            actions,
            context,
            self.session_policies(caller.access_key_id),
        )

    def close(self) -> None:
        self.store.close()


def _credentials(issued: Issued) -> dict[str, Any]:
    return {
        "AccessKeyId": issued.access_key_id,
        "SecretAccessKey": issued.secret_access_key,
        "SessionToken": issued.session_token,
        "Expiration": issued.expiration,
    }


def _packed_size(policies: list[str], tags: dict[str, str]) -> int:
    """Percent of the packed-session limit used (AWS compresses; this counts characters)."""
    used = sum(len(re.sub(r"\s", "", p)) for p in policies) + len(json.dumps(tags)) * bool(tags)
    percent = math.ceil(100 * used / PACKED_LIMIT)
    if percent > 100:
        raise PackedPolicyTooLarge(
            f"Packed policy consumes {percent}% of allotted space, please use smaller policy "
            "for your session."
        )
    return percent


def create(cloud: Cloud) -> Sts:
    return Sts(cloud)
