"""The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.iam.entities import Entity
from cloudlet.services.iam.errors import InvalidInput, NoSuchEntity
from cloudlet.services.iam.paging import page
from cloudlet.services.iam.simulate import (
    Simulation,
    Source,
    context_entries,
    parse_input,
    run,
)

if TYPE_CHECKING:
    from cloudlet.services.iam.handlers import Iam


def _inputs(params: dict[str, Any]) -> tuple[list[Source], Source | None]:
    identity = []
    for number, document in enumerate(params.get("PolicyInputList") or [], 1):
        label = f"PolicyInputList.{number}"
        parse_input(document, "identity", label)
        identity.append(Source(label, "none", document))
    boundary = None
    for number, document in enumerate(params.get("PermissionsBoundaryPolicyInputList") or [], 1):
        label = f"PermissionsBoundaryPolicyInputList.{number}"
        parse_input(document, "identity", label)
        boundary = Source(label, "none", document)
    if params.get("ResourcePolicy"):
        parse_input(params["ResourcePolicy"], "resource", "ResourcePolicy")
    return identity, boundary


def _owner(params: dict[str, Any], default: str) -> str:
    owner = params.get("ResourceOwner")
    return arns.parse(owner).account if owner else default


def _results(sim: Simulation, params: dict[str, Any]) -> dict[str, Any]:
    results = run(sim, params["ActionNames"], params.get("ResourceArns") or ["*"])
    numbered = list(enumerate(results))
    chosen, paging = page(numbered, params, lambda item: f"{item[0]:08d}")
    return {"EvaluationResults": [r for _, r in chosen], **paging}


def _entity_sources(iam: Iam, entity: Entity) -> list[Source]:
    """An entity's own policies (and for a user, its groups'), named as AWS names them."""
    acct = entity.account_id
    owners = [entity]
    if entity.kind == "user":
        owners += iam.entities.groups_of(acct, entity.name)
    sources = []
    for owner in owners:
        for name, document in iam.policies.inline(acct, owner.kind, owner.name):
            sources.append(Source(name, owner.kind, document))
        for policy in iam.policies.attached(acct, owner.kind, owner.name):
            kind = "aws-managed" if policy.aws_managed else "user-managed"
            sources.append(Source(policy.name, kind, iam.policies.default_document(policy)))
    return sources


@operation("SimulatePrincipalPolicy")
def simulate_principal_policy(
    iam: Iam, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    source_arn = params["PolicySourceArn"]
    try:
        parsed = arns.parse(source_arn)
    except ValueError:
        raise InvalidInput(f"Invalid ARN: {source_arn}") from None
    kind, _, rest = parsed.resource.partition("/")
    if kind not in ("user", "group", "role") or parsed.account != ctx.account_id:
        raise InvalidInput(f"Invalid ARN: {source_arn}")
    entity = iam.entities.find(ctx.account_id, kind, rest.rsplit("/", 1)[-1])
    if entity is None or entity.arn != source_arn:
        raise NoSuchEntity(f"The {kind} with ARN {source_arn} cannot be found.")
    extra, boundary = _inputs(params)
    if boundary is None and entity.boundary_arn is not None:
        policy = iam.policies.find(ctx.account_id, entity.boundary_arn)
        if policy is not None:
            kind_label = "aws-managed" if policy.aws_managed else "user-managed"
            boundary = Source(policy.name, kind_label, iam.policies.default_document(policy))
    sim = Simulation(
        identity=_entity_sources(iam, entity) + extra,
        boundary=boundary,
        resource_policy=params.get("ResourcePolicy"),
        principal_arn=params.get("CallerArn") or entity.arn,
        principal_type="user" if kind != "role" else "role",
        principal_account=ctx.account_id,
        resource_account=_owner(params, ctx.account_id),
        context=context_entries(params.get("ContextEntries") or []),
    )
    return _results(sim, params)


@operation("SimulateCustomPolicy")
def simulate_custom_policy(iam: Iam, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    identity, boundary = _inputs(params)
    caller = params.get("CallerArn") or arns.build("iam", "", ctx.account_id, "user/")
    sim = Simulation(
        identity=identity,
        boundary=boundary,
        resource_policy=params.get("ResourcePolicy"),
        principal_arn=caller,
        principal_type="user",
        principal_account=ctx.account_id,
        resource_account=_owner(params, ctx.account_id),
        context=context_entries(params.get("ContextEntries") or []),
    )
    return _results(sim, params)
