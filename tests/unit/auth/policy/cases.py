"""Loads the conformance cases in ``cases/*.json`` into policy sets and requests.

A case file holds ``source`` (the AWS pages its cases come from), ``policies`` (named
policy documents the cases share), optional ``defaults`` (request fields every case
starts from) and ``cases``. A case names its policies by type (``identity``,
``resource``, ``trust``, ``boundary``, ``session``) either by name or inline, gives a
``request`` and the expected ``expect`` ("allow", "explicit-deny", "implicit-deny"),
optionally ``denied_by``, ``matched`` (the Sids that applied) and ``message``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudlet.auth.policy import AuthzRequest, Policy, PolicySet, parse_policy

CASES_DIR = Path(__file__).parent / "cases"
PARSE_ERRORS = "parse_errors.json"
_IAM_PRINCIPAL = re.compile(
    r"^arn:aws:(?:iam|sts)::(\d{12}):(root|user/|assumed-role/|federated-user/)"
)
_TYPES = {
    "root": "root",
    "user/": "user",
    "assumed-role/": "assumed-role",
    "federated-user/": "federated-user",
}


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    policies: PolicySet
    request: AuthzRequest
    expect: str
    denied_by: str | None
    matched: list[str] | None
    message: str | None

    @property
    def id(self) -> str:
        return f"{self.file}:{self.name}"


def principal_of(arn: str) -> tuple[str, str | None]:
    """Principal type and account implied by a principal ARN (or ``*`` / a service)."""
    if arn in ("*", "anonymous"):
        return "anonymous", None
    match = _IAM_PRINCIPAL.match(arn)
    if match:
        return _TYPES[match.group(2)], match.group(1)
    if arn.endswith(".amazonaws.com"):
        return "service", None
    raise ValueError(f"cannot tell the principal type of {arn!r}")


def _policy(ref: str | dict[str, Any], kind: str, named: dict[str, Any], label: str) -> Policy:
    document = named[ref] if isinstance(ref, str) else ref
    name = ref if isinstance(ref, str) else label
    return parse_policy(document, kind, name=name)


def _refs(value: Any) -> list[str | dict[str, Any]]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _policy_set(case: dict[str, Any], named: dict[str, Any]) -> PolicySet:
    def many(key: str, kind: str) -> list[Policy]:
        return [
            _policy(ref, kind, named, f"{key}[{i}]") for i, ref in enumerate(_refs(case.get(key)))
        ]

    boundary = case.get("boundary")
    return PolicySet(
        identity=many("identity", "identity"),
        resource=many("resource", "resource") + many("trust", "trust"),
        boundary=_policy(boundary, "boundary", named, "boundary") if boundary else None,
        session=many("session", "session"),
        is_root=case.get("is_root", False),
        resource_required=case.get("resource_required", False),
    )


def _request(fields: dict[str, Any]) -> AuthzRequest:
    principal = fields["principal"]
    kind, account = principal_of(principal)
    return AuthzRequest(
        action=fields["action"],
        resource=fields.get("resource", "*"),
        principal_arn=principal,
        principal_account=fields.get("principal_account", account),
        principal_type=fields.get("principal_type", kind),
        resource_account=fields.get("resource_account"),
        context=fields.get("context", {}),
        identity_arn=fields.get("identity_arn"),
        canonical_user=fields.get("canonical_user"),
    )


def load_file(path: Path) -> list[Case]:
    data = json.loads(path.read_text())
    named = data.get("policies", {})
    defaults = data.get("defaults", {})
    cases = []
    for raw in data["cases"]:
        fields = {**defaults, **raw["request"]}
        fields["context"] = {**defaults.get("context", {}), **raw["request"].get("context", {})}
        cases.append(
            Case(
                file=path.stem,
                name=raw["name"],
                policies=_policy_set(raw, named),
                request=_request(fields),
                expect=raw["expect"],
                denied_by=raw.get("denied_by"),
                matched=raw.get("matched"),
                message=raw.get("message"),
            )
        )
    return cases


def evaluation_files() -> list[Path]:
    return sorted(p for p in CASES_DIR.glob("*.json") if p.name != PARSE_ERRORS)


def all_cases() -> list[Case]:
    return [case for path in evaluation_files() for case in load_file(path)]


def parse_error_cases() -> list[dict[str, Any]]:
    return json.loads((CASES_DIR / PARSE_ERRORS).read_text())["cases"]
