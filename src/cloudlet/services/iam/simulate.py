"""The policy simulator's evaluation: the policy engine's ``evaluate``, per action and resource.

Enforcement and the simulator ask the same engine, so a simulated decision is the decision
a real request with the same context gets.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cloudlet.auth.policy import (
    AuthzRequest,
    Policy,
    PolicyError,
    PolicySet,
    evaluate,
    parse_policy,
)
from cloudlet.services.iam.errors import InvalidInput

DECISIONS = {"allowed": "allowed", "explicit-deny": "explicitDeny", "implicit-deny": "implicitDeny"}


@dataclass(frozen=True, slots=True)
class Source:
    """Where a simulated policy came from, as EvaluationResults name it."""

    policy_id: str  # SourcePolicyId: the policy's name, or e.g. "PolicyInputList.1"
    policy_type: str  # SourcePolicyType: user | group | role | aws-managed | user-managed | ...
    document: str


@dataclass
class Simulation:
    identity: list[Source]
    boundary: Source | None
    resource_policy: str | None
    principal_arn: str
    principal_type: str
    principal_account: str
    resource_account: str
    context: dict[str, Any]


def parse_input(document: str, kind: str, label: str) -> None:
    try:
        parse_policy(document, kind=kind)
    except PolicyError as exc:
        raise InvalidInput(f"{label}: {exc}") from None


def context_entries(entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """ContextEntries as condition keys: ``*List`` types keep every value."""
    found: dict[str, Any] = {}
    for entry in entries:
        values = entry.get("ContextKeyValues") or []
        kind = entry.get("ContextKeyType") or "string"
        found[entry["ContextKeyName"]] = values if kind.endswith("List") else values[0]
    return found


def run(sim: Simulation, actions: Sequence[str], resources: Sequence[str]) -> list[dict[str, Any]]:
    """One EvaluationResult per action (and per resource when several are named)."""
    sources: dict[str, Source] = {}

    def parsed(source: Source, kind: str) -> Policy:
        key = f"s{len(sources)}"
        sources[key] = source
        return parse_policy(source.document, kind=kind, name=key)

    identity = [parsed(s, "identity") for s in sim.identity]
    boundary = parsed(sim.boundary, "identity") if sim.boundary is not None else None
    resource = []
    if sim.resource_policy is not None:
        resource = [parsed(Source("ResourcePolicy", "resource", sim.resource_policy), "resource")]
    policies = PolicySet(identity=identity, resource=resource, boundary=boundary)
    results = []
    for action in actions:
        for resource_arn in resources or ["*"]:
            request = AuthzRequest(
                action=action,
                resource=resource_arn,
                principal_arn=sim.principal_arn,
                principal_account=sim.principal_account,
                principal_type=sim.principal_type,
                resource_account=sim.resource_account,
                context=sim.context,
            )
            decision = evaluate(request, policies)
            matched = [
                _matched(sources[m.source], m.index)
                for m in decision.matched
                if m.source in sources
            ]
            result: dict[str, Any] = {
                "EvalActionName": action,
                "EvalResourceName": resource_arn,
                "EvalDecision": DECISIONS[decision.reason],
                "MatchedStatements": matched,
                "MissingContextValues": [],
            }
            if boundary is not None:
                result["PermissionsBoundaryDecisionDetail"] = {
                    "AllowedByPermissionsBoundary": decision.denied_by != "permissions boundary"
                }
            results.append(result)
    return results


def _matched(source: Source, index: int) -> dict[str, Any]:
    start, end = statement_span(source.document, index)
    return {
        "SourcePolicyId": source.policy_id,
        "SourcePolicyType": source.policy_type,
        "StartPosition": start,
        "EndPosition": end,
    }


def statement_span(document: str, index: int) -> tuple[dict[str, int], dict[str, int]]:
    """Line and column (1-based) where statement ``index`` of ``document`` starts and ends."""
    decoder = json.JSONDecoder()
    begin, finish = 0, len(document)
    at = document.find('"Statement"')
    if at >= 0:
        pos = document.index(":", at) + 1
        while document[pos].isspace():
            pos += 1
        if document[pos] == "[":
            pos += 1
            for number in range(index + 1):
                while document[pos] in " \t\r\n,":
                    pos += 1
                _, stop = decoder.raw_decode(document, pos)
                if number == index:
                    begin, finish = pos, stop
                pos = stop
        else:
            begin, finish = pos, decoder.raw_decode(document, pos)[1]
    return _position(document, begin), _position(document, finish)


def _position(document: str, offset: int) -> dict[str, int]:
    line = document.count("\n", 0, offset) + 1
    column = offset - (document.rfind("\n", 0, offset) + 1) + 1
    return {"Line": line, "Column": column}
