"""AWS's policy evaluation logic: explicit deny, then the allows each policy type must give.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
and .../reference_policies_evaluation-logic-cross-account.html. In order:

1. An explicit ``Deny`` in any applicable policy (identity, resource, boundary, session)
   wins.
2. Anonymous requests, AWS services and identity providers (web identity, SAML) are
   allowed only by a resource-based policy that names them (``"*"``, ``{"AWS": "*"}``,
   ``{"Service": ...}``, ``{"Federated": ...}``).
3. The root user of the principal's own account has every identity permission; it is
   still bound by explicit denies in resource policies, and needs a resource policy
   allow across accounts and where the resource policy is mandatory (trust policies,
   ``PolicySet.resource_required`` for KMS key policies).
4. Across accounts both sides must allow: the principal's identity policies (intersected
   with its boundary and session policies) and the resource-based policy, which may name
   the account, the role, the user or the session.
5. Within one account an allow from either side suffices, and how the resource policy
   names the principal decides what still limits it (the table in "Resource-based
   policies and implicit denies in other policy types"):

   - ``"*"`` or the requester's own ARN (user, role session, federated-user session):
     allowed outright; implicit denies elsewhere don't matter.
   - the IAM role behind a session, or the IAM user behind a federated-user session:
     stands in for the identity-policy allow, but the boundary and session policies
     must still allow.
   - the account (``"123456789012"`` / ``:root``): only delegates to the account, so the
     identity policies must allow as if there were no resource policy.

   Then the identity policies must allow, the boundary (if any) must allow, and a
   session must have its session policies allow (a role session without session
   policies passes; a federated-user session without one does not).

Choices where the documentation leaves room:

- ``denied_by`` for an explicit deny names the first policy type that denied, checked
  in the order identity, resource, boundary, session. For an implicit deny across
  accounts the principal's own side (identity, boundary, session) is reported before
  the resource side.
- ``"*"`` in a resource policy counts as naming the requester itself: "For IAM users
  and role principals within your account, no other permissions are required", and
  boundaries and session policies "do not limit permissions granted using
  aws:PrincipalArn with a wildcard (*) in the Principal element".
- ``NotPrincipal`` exempts a requester only when its whole chain is listed: the account
  and the user, or the account, the role and the session ("AWS might validate the
  account first, then the role, and then the assumed-role user"); with ``Deny`` it never
  exempts a principal that has a permissions boundary (the warning on the boundaries page).
- Role trust policies use the same table as other resource policies, plus the rule that
  they must allow: a trust policy naming the user or role needs no identity allow within
  the account; one naming the account delegates to the caller's identity policies.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from cloudlet.auth.policy.document import Policy, Statement
from cloudlet.auth.policy.matching import Grant, Requester, role_key
from cloudlet.auth.policy.variables import Context, Unresolved

IDENTITY = "identity-based policy"
RESOURCE = "resource-based policy"
BOUNDARY = "permissions boundary"
SESSION = "session policy"
SESSION_TYPES = ("assumed-role", "federated-user")
# Callers without IAM identity policies: only a resource-based policy can allow them.
# "web-identity" and "saml" are the identity providers asking STS to assume a role.
EXTERNAL_TYPES = ("anonymous", "service", "web-identity", "saml")
_PRINCIPAL_TYPES = {
    "root": "Account",
    "user": "User",
    "assumed-role": "AssumedRole",
    "federated-user": "FederatedUser",
    "anonymous": "Anonymous",
}
_ASSUMED_ROLE = re.compile(r"^arn:([\w-]+):sts::(\d{12}):assumed-role/([^/]+)/.+$")

ContextValue = str | bool | int | bytes | Sequence[str]


@dataclass(frozen=True)
class AuthzRequest:
    """One authorization question: may this principal do this action on this resource?

    ``principal_type`` is one of root, user, assumed-role, federated-user (the IAM
    principals), anonymous, service (``principal_arn`` is then the service principal,
    e.g. ``ec2.amazonaws.com``), web-identity or saml (``principal_arn`` is the provider,
    e.g. ``cognito-identity.amazonaws.com``). ``context`` holds the condition keys
    (case-insensitive). When absent, the keys ``aws:PrincipalArn``,
    ``aws:PrincipalAccount``, ``aws:PrincipalType`` and (for IAM users) ``aws:username``
    are derived from the principal, as AWS fills them in.
    """

    action: str
    resource: str
    principal_arn: str
    principal_account: str | None
    principal_type: str
    resource_account: str | None = None
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    identity_arn: str | None = None  # the role (with path) or IAM user behind a session
    canonical_user: str | None = None  # S3 canonical id, for CanonicalUser principals

    @property
    def entity_arn(self) -> str | None:
        """The IAM role of an assumed-role session, or ``identity_arn`` as given."""
        if self.identity_arn is not None:
            return self.identity_arn
        if self.principal_type == "assumed-role":
            match = _ASSUMED_ROLE.match(self.principal_arn)
            if match:
                return f"arn:{match.group(1)}:iam::{match.group(2)}:role/{match.group(3)}"
        return None

    def requester(self) -> Requester:
        entity = self.entity_arn
        key = role_key(entity) if entity and self.principal_type == "assumed-role" else None
        return Requester(
            arn=self.principal_arn,
            account=self.principal_account,
            kind=self.principal_type,
            entity_arn=entity,
            role_key=key,
            canonical_user=self.canonical_user,
        )

    def condition_context(self) -> dict[str, tuple[str, ...]]:
        """Lower-cased keys to tuples of string values, derived keys included."""
        found = {key.lower(): _values(value) for key, value in self.context.items()}
        kind = self.principal_type
        if kind == "anonymous":
            found.setdefault("aws:principaltype", ("Anonymous",))
        if kind in EXTERNAL_TYPES:
            return found
        principal_arn = self.entity_arn if kind == "assumed-role" else self.principal_arn
        if principal_arn:
            found.setdefault("aws:principalarn", (principal_arn,))
        if self.principal_account:
            found.setdefault("aws:principalaccount", (self.principal_account,))
        if kind in _PRINCIPAL_TYPES:
            found.setdefault("aws:principaltype", (_PRINCIPAL_TYPES[kind],))
        if kind == "user":
            found.setdefault("aws:username", (self.principal_arn.rsplit("/", 1)[-1],))
        return found


def _values(value: ContextValue | None) -> tuple[str, ...]:
    if type(value) is str:
        return (value,)
    if value is None:
        return ()
    if isinstance(value, str | bytes | bool | int | float):
        return (_text(value),)
    return tuple(_text(item) for item in value)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)


@dataclass(frozen=True)
class PolicySet:
    """Every policy that applies to one request, by type.

    ``is_root``: the principal is the root user of its account (see the module doc).
    ``resource_required``: the resource policy must allow even within the account, as
    for role trust policies (implied by any policy of kind "trust") and KMS key policies.
    """

    identity: Sequence[Policy] = ()
    resource: Sequence[Policy] = ()
    boundary: Policy | None = None
    session: Sequence[Policy] = ()
    is_root: bool = False
    resource_required: bool = False

    @property
    def requires_resource(self) -> bool:
        return self.resource_required or any(p.kind == "trust" for p in self.resource)


@dataclass(frozen=True, slots=True)
class MatchedStatement:
    """A statement that applied to the request (for SimulatePrincipalPolicy)."""

    source: str  # the policy's name, else its Id, else its kind
    kind: str  # identity | resource | trust | boundary | session
    sid: str | None
    effect: str
    index: int  # position of the statement in its policy


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str  # "allowed" | "explicit-deny" | "implicit-deny"
    denied_by: str | None  # IDENTITY | RESOURCE | BOUNDARY | SESSION | None
    matched: tuple[MatchedStatement, ...] = ()


class _Scan:
    """What the statements of one request said, gathered in a single pass."""

    __slots__ = ("matched", "denied_by", "allows", "grant")

    def __init__(self) -> None:
        self.matched: list[MatchedStatement] = []
        self.denied_by: str | None = None
        self.allows: set[str] = set()
        self.grant = Grant.NONE

    def record(self, policy: Policy, statement: Statement, label: str) -> None:
        source = policy.name or policy.id or policy.kind
        self.matched.append(
            MatchedStatement(source, policy.kind, statement.sid, statement.effect, statement.index)
        )
        if statement.effect == "Deny":
            self.denied_by = self.denied_by or label
        else:
            self.allows.add(label)


def _applies(statement: Statement, resource: str, context: Context) -> bool:
    try:
        if statement.resources is not None:
            hit = statement.resources.matches(resource, context)
            if hit == statement.not_resource:
                return False
        return all(condition.holds(context) for condition in statement.conditions)
    except Unresolved:
        return False


class _LazyContext(Mapping[str, tuple[str, ...]]):
    """The request's condition keys, normalised only if a statement looks at one."""

    __slots__ = ("_request", "_found")

    def __init__(self, request: AuthzRequest) -> None:
        self._request = request
        self._found: dict[str, tuple[str, ...]] | None = None

    def _keys(self) -> dict[str, tuple[str, ...]]:
        if self._found is None:
            self._found = self._request.condition_context()
        return self._found

    def get(self, key: str, default: Any = None) -> Any:
        return self._keys().get(key, default)

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return self._keys()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())


class _Question:
    """The parts of a request every statement looks at, computed once."""

    __slots__ = ("action", "resource", "context")

    def __init__(self, request: AuthzRequest) -> None:
        self.action = request.action.lower()
        self.resource = request.resource
        self.context: Context = _LazyContext(request)


def _scan_identity(scan: _Scan, policies: Iterable[Policy], label: str, q: _Question) -> None:
    for policy in policies:
        for statement in policy.statements_for(q.action):
            if _applies(statement, q.resource, q.context):
                scan.record(policy, statement, label)


def _principal_grant(statement: Statement, who: Requester, bounded: bool) -> Grant:
    spec = statement.principal
    if spec is None:
        return Grant.NONE
    if not statement.not_principal:
        return spec.grant(who)
    # NotPrincipal exempts a requester only if its account, role and session are all
    # listed; with Deny it never exempts a principal that has a permissions boundary.
    exempt = all(spec.lists(member) for member in who.chain)
    if statement.effect == "Deny" and bounded and who.kind in ("user", *SESSION_TYPES):
        exempt = False
    return Grant.NONE if exempt else Grant.DIRECT


def _scan_resource(
    scan: _Scan, policies: Iterable[Policy], q: _Question, who: Requester, bounded: bool
) -> None:
    for policy in policies:
        for statement in policy.statements_for(q.action):
            grant = _principal_grant(statement, who, bounded)
            if grant is Grant.NONE or not _applies(statement, q.resource, q.context):
                continue
            scan.record(policy, statement, RESOURCE)
            if statement.effect == "Allow" and grant > scan.grant:
                scan.grant = grant


def evaluate(request: AuthzRequest, policies: PolicySet) -> Decision:
    """Decide ``request`` against ``policies`` as AWS's enforcement code does."""
    q = _Question(request)
    kind = "root" if policies.is_root else request.principal_type
    scan = _Scan()
    if policies.identity:
        _scan_identity(scan, policies.identity, IDENTITY, q)
    if policies.resource:
        who = request.requester()
        if who.kind != kind:
            who = replace(who, kind=kind)
        _scan_resource(scan, policies.resource, q, who, policies.boundary is not None)
    if policies.boundary is not None:
        _scan_identity(scan, (policies.boundary,), BOUNDARY, q)
    if policies.session:
        _scan_identity(scan, policies.session, SESSION, q)
    matched = tuple(scan.matched)
    if scan.denied_by is not None:
        return Decision(False, "explicit-deny", scan.denied_by, matched)
    denied_by = _implicit_deny(request, policies, kind, scan)
    if denied_by is not None:
        return Decision(False, "implicit-deny", denied_by, matched)
    return Decision(True, "allowed", None, matched)


def _implicit_deny(
    request: AuthzRequest, policies: PolicySet, kind: str, scan: _Scan
) -> str | None:
    """The policy type whose missing allow denies the request, or None if allowed."""
    grant = scan.grant
    if kind in EXTERNAL_TYPES:
        return None if grant is Grant.DIRECT else RESOURCE
    account = request.principal_account
    cross = (
        request.resource_account is not None
        and account is not None
        and request.resource_account != account
    )
    if kind == "root":
        return RESOURCE if not grant and (cross or policies.requires_resource) else None
    identity = IDENTITY in scan.allows
    if cross:
        return _identity_side(policies, kind, scan, identity) or (None if grant else RESOURCE)
    if grant is Grant.DIRECT:
        return None
    if not grant and policies.requires_resource:
        return RESOURCE
    return _identity_side(policies, kind, scan, identity or grant is Grant.ENTITY)


def _identity_side(policies: PolicySet, kind: str, scan: _Scan, allowed: bool) -> str | None:
    """Identity allow, intersected with the permissions boundary and session policies."""
    if not allowed:
        return IDENTITY
    if policies.boundary is not None and BOUNDARY not in scan.allows:
        return BOUNDARY
    if kind in SESSION_TYPES:
        if policies.session:
            return None if SESSION in scan.allows else SESSION
        if kind == "federated-user":
            return SESSION
    return None
