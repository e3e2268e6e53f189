"""Wildcard matching of actions, resources and principals, compiled once per policy.

- Actions: ``service:Name`` with ``*`` and ``?``, compared case-insensitively.
- Resources and the Arn* condition operators: case-sensitive ARN matching in which
  each of the first five colon-separated segments is matched on its own and the
  resource segment (after the fifth colon) takes the rest, colons included.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
- Principals: exact ARNs, account ids (any principal in the account), services,
  federated providers, canonical users and ``*``; no partial wildcards.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from cloudlet.auth.policy.variables import Context, Literal, Template, parse_template

_ARN_SEGMENTS = 5  # colons before the resource segment


def wildcard_body(parts: Iterable[Literal], *, arn: bool) -> str:
    """Regex source for literals where wild text treats ``*``/``?`` as wildcards."""
    out: list[str] = []
    segment = 0
    for part in parts:
        if not part.wild:
            out.append(re.escape(part.text))
            if arn:
                segment += part.text.count(":")
            continue
        for char in part.text:
            if char == "*":
                out.append("[^:]*" if arn and segment < _ARN_SEGMENTS else ".*")
            elif char == "?":
                out.append("[^:]" if arn and segment < _ARN_SEGMENTS else ".")
            else:
                if char == ":":
                    segment += 1
                out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=4096)
def wildcard_regex(pattern: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """StringLike / action semantics: ``*`` is any run, ``?`` any one character."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(wildcard_body((Literal(pattern),), arn=False), flags)


@lru_cache(maxsize=8192)
def _arn_regex(parts: tuple[Literal, ...]) -> re.Pattern[str]:
    return re.compile(wildcard_body(parts, arn=True), re.DOTALL)


def arn_regex(pattern: str | tuple[Literal, ...]) -> re.Pattern[str]:
    """ArnLike semantics; ``pattern`` may be resolved template parts (see variables)."""
    parts = (Literal(pattern),) if isinstance(pattern, str) else pattern
    return _arn_regex(parts)


def _is_wild(text: str) -> bool:
    return "*" in text or "?" in text


class ActionMatcher:
    """Matches lower-cased action names against a statement's Action list."""

    __slots__ = ("_all", "_exact", "_regex")

    def __init__(self, patterns: Sequence[str]) -> None:
        lowered = [p.lower() for p in patterns]
        self._all = "*" in lowered
        self._exact = frozenset(p for p in lowered if not _is_wild(p))
        wild = [wildcard_body((Literal(p),), arn=False) for p in lowered if _is_wild(p)]
        self._regex = re.compile("|".join(f"(?:{w})" for w in wild), re.DOTALL) if wild else None

    def matches(self, action: str) -> bool:
        """``action`` must already be lower-cased."""
        if self._all or action in self._exact:
            return True
        return self._regex is not None and self._regex.fullmatch(action) is not None


class ResourceMatcher:
    """Matches a resource ARN against a statement's Resource list (variables allowed)."""

    __slots__ = ("_all", "_exact", "_regex", "_templates")

    def __init__(self, patterns: Sequence[str], *, variables: bool) -> None:
        templates = [parse_template(p, variables=variables) for p in patterns]
        fixed = [t.parts for t in templates if not t.has_variables]
        # One literal part is the text as written; more parts come from ${*}-style escapes.
        plain = [parts[0].text for parts in fixed if len(parts) == 1]
        self._all = "*" in plain
        self._exact = frozenset(p for p in plain if not _is_wild(p))
        wild = [
            wildcard_body(parts, arn=True)
            for parts in fixed
            if len(parts) > 1 or _is_wild(parts[0].text)
        ]
        self._regex = re.compile("|".join(f"(?:{w})" for w in wild), re.DOTALL) if wild else None
        self._templates = tuple(_ArnTemplate(t) for t in templates if t.has_variables)

    @property
    def has_variables(self) -> bool:
        return bool(self._templates)

    def matches(self, resource: str, context: Context) -> bool:
        """Raises ``Unresolved`` when a variable in a pattern has no value."""
        if self._all or resource in self._exact:
            return True
        if self._regex is not None and self._regex.fullmatch(resource) is not None:
            return True
        return any(template.matches(resource, context) for template in self._templates)


class _ArnTemplate:
    """An ARN pattern with variables; its regex is cached per tuple of variable values."""

    __slots__ = ("template", "_compiled")

    def __init__(self, template: Template) -> None:
        self.template = template
        self._compiled: dict[tuple[str, ...], re.Pattern[str]] = {}

    def matches(self, resource: str, context: Context) -> bool:
        values = self.template.values(context)
        regex = self._compiled.get(values)
        if regex is None:
            if len(self._compiled) >= 1024:
                self._compiled.clear()
            regex = self._compiled[values] = arn_regex(self.template.fill(values))
        return regex.fullmatch(resource) is not None


class Grant(IntEnum):
    """How a resource-policy statement names the requester (see evaluator)."""

    NONE = 0
    ACCOUNT = 1  # the requester's account: delegates to the account's identity policies
    ENTITY = 2  # the IAM role or user behind a session: limited by boundary/session policy
    DIRECT = 3  # "*", the requester's own ARN, a service, a federated provider, a canonical user


@dataclass(frozen=True, slots=True)
class Requester:
    """The principal of a request in the form principal matching needs."""

    arn: str
    account: str | None
    kind: str  # root | user | assumed-role | federated-user | anonymous | service | ...
    entity_arn: str | None  # role ARN of a session, IAM user of a federated-user session
    role_key: tuple[str, str] | None  # (account, role name) of an assumed-role session
    canonical_user: str | None

    @property
    def chain(self) -> tuple[str, ...]:
        """Account, role, session: what NotPrincipal must list to exempt the requester."""
        if self.kind == "anonymous" or self.account is None:
            return (self.arn,)
        root = f"arn:aws:iam::{self.account}:root"
        if self.kind == "root":
            return (root,)
        if self.kind == "assumed-role" and self.entity_arn:
            return (root, self.entity_arn, self.arn)
        return (root, self.arn)


_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROOT_ARN = re.compile(r"^arn:[\w-]+:iam::(\d{12}):root$")
_ROLE_ARN = re.compile(r"^arn:[\w-]+:iam::(\d{12}):role/(?:.*/)?([^/]+)$")
_PRINCIPAL_ARN = re.compile(
    r"^arn:[\w-]+:(?:iam::\d{12}:(?:user|role)/.+|sts::\d{12}:(?:assumed-role|federated-user)/.+"
    r"|iam::cloudfront:user/CloudFront Origin Access Identity .+)$"  # S3 bucket policies
)
# IAM keeps principals as unique ids (AIDA..., AROA...) once their name is gone.
_UNIQUE_ID = re.compile(r"^A[A-Z0-9]{15,127}$")
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")


def role_key(arn: str) -> tuple[str, str] | None:
    match = _ROLE_ARN.match(arn)
    return (match.group(1), match.group(2)) if match else None


def valid_aws_principal(value: str) -> bool:
    return bool(
        value == "*"
        or _ACCOUNT_ID.match(value)
        or _ROOT_ARN.match(value)
        or _PRINCIPAL_ARN.match(value)
        or _UNIQUE_ID.match(value)
    )


class PrincipalMatcher:
    """A compiled ``Principal``/``NotPrincipal`` element."""

    __slots__ = ("everyone", "_accounts", "_arns", "_roles", "_services", "_federated", "_canon")

    def __init__(self, everyone: bool, entries: Iterable[tuple[str, str]]) -> None:
        accounts: set[str] = set()
        arns: set[str] = set()
        roles: set[tuple[str, str]] = set()
        services: set[str] = set()
        federated: set[str] = set()
        canonical: set[str] = set()
        for kind, value in entries:
            if kind == "AWS":
                if value == "*":
                    everyone = True
                elif _ACCOUNT_ID.match(value):
                    accounts.add(value)
                elif root := _ROOT_ARN.match(value):
                    accounts.add(root.group(1))
                else:
                    arns.add(value)
                    if key := role_key(value):
                        roles.add(key)
            elif kind == "Service":
                services.add(value.lower())
            elif kind == "Federated":
                federated.add(value)
            else:
                canonical.add(value)
        self.everyone = everyone
        self._accounts = frozenset(accounts)
        self._arns = frozenset(arns)
        self._roles = frozenset(roles)
        self._services = frozenset(services)
        self._federated = frozenset(federated)
        self._canon = frozenset(canonical)

    def grant(self, who: Requester) -> Grant:
        """How strongly this element names ``who`` (``Grant.NONE`` if not at all)."""
        if self.everyone:
            return Grant.DIRECT
        if who.kind == "anonymous":
            return Grant.NONE
        if who.kind == "service":
            return Grant.DIRECT if who.arn.lower() in self._services else Grant.NONE
        if who.arn in self._arns or who.arn in self._federated:
            return Grant.DIRECT
        if who.canonical_user is not None and who.canonical_user in self._canon:
            return Grant.DIRECT
        if who.entity_arn is not None and who.entity_arn in self._arns:
            return Grant.ENTITY
        if who.role_key is not None and who.role_key in self._roles:
            return Grant.ENTITY
        if who.account is not None and who.account in self._accounts:
            return Grant.DIRECT if who.kind == "root" else Grant.ACCOUNT
        return Grant.NONE

    def lists(self, member: str) -> bool:
        """Whether ``member`` (one link of ``Requester.chain``) is named exactly."""
        if self.everyone or member in self._arns or member.lower() in self._services:
            return True
        if root := _ROOT_ARN.match(member):
            return root.group(1) in self._accounts
        key = role_key(member)
        return key is not None and key in self._roles
