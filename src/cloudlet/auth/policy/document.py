"""Parse and validate a JSON policy document into frozen, precompiled statements.

Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html.
Errors carry the messages IAM returns with ``MalformedPolicyDocument`` (and S3 with
``MalformedPolicy``). What each kind of policy must and must not contain:

=========  =========================  =============================================
kind       Principal / NotPrincipal   Resource / NotResource
=========  =========================  =============================================
identity   prohibited                 required
boundary   prohibited                 required
session    prohibited                 required
resource   required                   required
trust      required                   prohibited; actions limited to sts:AssumeRole*
=========  =========================  =============================================
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cloudlet.auth.policy.conditions import (
    SYNTAX_MESSAGE,
    VENDOR_MESSAGE,
    Condition,
    ConditionSyntaxError,
    compile_conditions,
)
from cloudlet.auth.policy.matching import (
    PRINCIPAL_TYPES,
    ActionMatcher,
    PrincipalMatcher,
    ResourceMatcher,
    valid_aws_principal,
)

Kind = Literal["identity", "resource", "trust", "boundary", "session"]
KINDS: tuple[str, ...] = ("identity", "resource", "trust", "boundary", "session")
VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"
_TOP_LEVEL = {"Version", "Id", "Statement"}
_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
}
_SID = re.compile(r"^[0-9A-Za-z]*$")
# Actions a role trust policy may name (sts:AssumeRole, ...WithSAML, ...WithWebIdentity,
# and the session extras that ride along with them).
_TRUST_ACTIONS = re.compile(
    r"^sts:(assumerole[a-z]*|tagsession|setsourceidentity|setcontext|\*)$", re.IGNORECASE
)
_ACTION_CACHE_LIMIT = 2048


class PolicyError(ValueError):
    """A policy IAM would refuse; ``message`` is the text of AWS's error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Statement:
    """One compiled statement. ``index`` is its position in the policy (0-based)."""

    index: int
    sid: str | None
    effect: str  # "Allow" | "Deny"
    actions: ActionMatcher
    not_action: bool
    resources: ResourceMatcher | None  # None: trust policies, which have no Resource
    not_resource: bool
    principal: PrincipalMatcher | None
    not_principal: bool
    conditions: tuple[Condition, ...]

    def matches_action(self, action: str) -> bool:
        return self.actions.matches(action) != self.not_action


@dataclass(frozen=True)
class Policy:
    """A parsed policy: the original text, its kind and its compiled statements.

    Evaluation is cheap: statements are compiled once, and the statements whose
    Action matches a given action are cached per action name.
    """

    text: str
    kind: str
    version: str
    id: str | None
    statements: tuple[Statement, ...] = field(compare=False)
    name: str | None = None  # a label for matched statements (policy ARN, "inline:x", ...)
    _by_action: dict[str, tuple[Statement, ...]] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.text)

    def statements_for(self, action: str) -> tuple[Statement, ...]:
        """Statements whose Action/NotAction covers ``action`` (lower-cased)."""
        cached = self._by_action.get(action)
        if cached is None:
            cached = tuple(s for s in self.statements if s.matches_action(action))
            if len(self._by_action) >= _ACTION_CACHE_LIMIT:
                self._by_action.clear()
            self._by_action[action] = cached
        return cached


def parse_policy(
    source: str | bytes | Mapping[str, Any],
    kind: str = "identity",
    *,
    name: str | None = None,
    managed: bool = False,
) -> Policy:
    """Parse ``source`` as a policy of ``kind``; raise ``PolicyError`` as IAM would.

    ``managed``: IAM managed policies (CreatePolicy, CreatePolicyVersion) must say
    Version 2012-10-17; inline policies may omit Version (2008-10-17 rules, no variables).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind: {kind!r}")
    text, document = _load(source)
    if not isinstance(document, dict) or not set(document) <= _TOP_LEVEL:
        raise PolicyError(SYNTAX_MESSAGE)
    version = document.get("Version", VERSION_2008)
    if version not in (VERSION_2012, VERSION_2008):
        raise PolicyError(SYNTAX_MESSAGE)
    if managed and version != VERSION_2012:
        raise PolicyError("Policy document must be version 2012-10-17 or greater.")
    policy_id = document.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError(SYNTAX_MESSAGE)
    raw = document.get("Statement")
    raw_statements = [raw] if isinstance(raw, dict) else raw
    if not isinstance(raw_statements, list) or not raw_statements:
        raise PolicyError(SYNTAX_MESSAGE)
    statements = tuple(
        _statement(i, s, kind, version == VERSION_2012) for i, s in enumerate(raw_statements)
    )
    sids = [s.sid for s in statements if s.sid]
    if len(sids) != len(set(sids)):
        raise PolicyError("Statement IDs (SID) in a single policy must be unique.")
    return Policy(text, kind, version, policy_id, statements, name)


def _load(source: str | bytes | Mapping[str, Any]) -> tuple[str, Any]:
    if isinstance(source, Mapping):
        return json.dumps(source), dict(source)
    text = source.decode("utf-8") if isinstance(source, bytes) else source
    try:
        return text, json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise PolicyError(SYNTAX_MESSAGE) from None


def _strings(value: Any) -> list[str]:
    """A string or list of strings (the only shapes IAM accepts for these elements)."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        raise PolicyError(SYNTAX_MESSAGE)
    return items


def _one_of(raw: dict[str, Any], positive: str, negative: str) -> tuple[Any, bool] | None:
    if positive in raw and negative in raw:
        raise PolicyError(SYNTAX_MESSAGE)
    if positive in raw:
        return raw[positive], False
    if negative in raw:
        return raw[negative], True
    return None


def _statement(index: int, raw: Any, kind: str, variables: bool) -> Statement:
    if not isinstance(raw, dict) or not set(raw) <= _STATEMENT_KEYS:
        raise PolicyError(SYNTAX_MESSAGE)
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(SYNTAX_MESSAGE)
    if sid and kind != "resource" and not _SID.match(sid):
        raise PolicyError(
            "Statement IDs (SID) must be alpha-numeric. "
            "Check that your input satisfies the regular expression [0-9A-Za-z]*"
        )
    effect = raw.get("Effect")
    if effect is None:
        raise PolicyError("Missing required field Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(SYNTAX_MESSAGE)
    actions, not_action = _actions(raw, kind)
    resources, not_resource = _resources(raw, kind, variables)
    principal, not_principal = _principal(raw, kind)
    try:
        conditions = compile_conditions(raw.get("Condition", {}), variables=variables)
    except ConditionSyntaxError as exc:
        raise PolicyError(str(exc)) from None
    return Statement(
        index=index,
        sid=sid or None,
        effect=effect,
        actions=actions,
        not_action=not_action,
        resources=resources,
        not_resource=not_resource,
        principal=principal,
        not_principal=not_principal,
        conditions=conditions,
    )


def _actions(raw: dict[str, Any], kind: str) -> tuple[ActionMatcher, bool]:
    found = _one_of(raw, "Action", "NotAction")
    patterns = _strings(found[0]) if found else []
    if not patterns:
        raise PolicyError("Policy statement must contain actions.")
    for pattern in patterns:
        if pattern != "*" and (":" not in pattern or pattern.startswith(":")):
            raise PolicyError(VENDOR_MESSAGE)
    if kind == "trust" and not all(_TRUST_ACTIONS.match(p) for p in patterns):
        raise PolicyError("AssumeRole policy may only specify STS AssumeRole actions.")
    assert found is not None
    return ActionMatcher(patterns), found[1]


def _resources(
    raw: dict[str, Any], kind: str, variables: bool
) -> tuple[ResourceMatcher | None, bool]:
    found = _one_of(raw, "Resource", "NotResource")
    if kind == "trust":
        if found:
            raise PolicyError(f"Has prohibited field {'NotResource' if found[1] else 'Resource'}")
        return None, False
    patterns = _strings(found[0]) if found else []
    if not patterns:
        raise PolicyError("Policy statement must contain resources.")
    for pattern in patterns:
        if pattern != "*" and not (pattern.startswith("arn:") and pattern.count(":") >= 5):
            raise PolicyError(f'Resource {pattern} must be in ARN format or "*".')
    assert found is not None
    return ResourceMatcher(patterns, variables=variables), found[1]


def _principal(raw: dict[str, Any], kind: str) -> tuple[PrincipalMatcher | None, bool]:
    found = _one_of(raw, "Principal", "NotPrincipal")
    if kind not in ("resource", "trust"):
        if found:
            raise PolicyError("Policy document should not specify a principal.")
        return None, False
    if not found:
        raise PolicyError("Missing required field Principal")
    value, negated = found
    if value == "*":
        return PrincipalMatcher(True, ()), negated
    if not isinstance(value, dict) or not value:
        raise PolicyError(f"Invalid principal in policy: {json.dumps(value)}")
    entries: list[tuple[str, str]] = []
    for principal_type, values in value.items():
        if principal_type not in PRINCIPAL_TYPES:
            raise PolicyError(f'Invalid principal in policy: "{principal_type}"')
        for item in _strings(values):
            bad_aws = principal_type == "AWS" and not valid_aws_principal(item)
            if bad_aws or not item or (item != "*" and "*" in item):
                raise PolicyError(f'Invalid principal in policy: "{principal_type}":"{item}"')
            entries.append((principal_type, item))
    return PrincipalMatcher(False, entries), negated
