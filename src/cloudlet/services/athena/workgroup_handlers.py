"""Workgroups (where queries run and where their results go) and resource tags.

https://docs.aws.amazon.com/athena/latest/ug/workgroups-manage-queries-control-costs.html
A workgroup that enforces its configuration overrides the output location a query names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.athena.authz import catalog_arn, workgroup_arn
from cloudlet.services.athena.errors import invalid
from cloudlet.services.athena.paging import page_list
from cloudlet.services.athena.resources import ENGINE_VERSION, PRIMARY
from cloudlet.services.base import RequestContext, operation

if TYPE_CHECKING:
    from cloudlet.services.athena.handlers import Athena

_NAME = re.compile(r"^[a-zA-Z0-9._-]{1,128}$")
#: ResultConfigurationUpdates members -> the ResultConfiguration member they set or remove.
_RESULT_UPDATES = {
    "OutputLocation": "RemoveOutputLocation",
    "EncryptionConfiguration": "RemoveEncryptionConfiguration",
    "ExpectedBucketOwner": "RemoveExpectedBucketOwner",
    "AclConfiguration": "RemoveAclConfiguration",
}


def get_group(athena: Athena, ctx: RequestContext, name: str) -> dict[str, Any]:
    group = athena.resources.workgroup(ctx.account_id, ctx.region, name)
    if group is None:
        raise invalid(f"WorkGroup {name} is not found.")
    return group


@operation("CreateWorkGroup")
def create_work_group(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    name = params["Name"]
    if not _NAME.match(name):
        raise invalid(f"Invalid WorkGroup name: {name}", "INVALID_INPUT")
    configuration = dict(params.get("Configuration") or {})
    if "EngineVersion" in configuration:
        configuration["EngineVersion"] = dict(ENGINE_VERSION)
    created = athena.resources.create_workgroup(
        ctx.account_id,
        ctx.region,
        name,
        configuration,
        params.get("Description"),
        athena.cloud.clock.time(),
    )
    if created is None:
        raise invalid("WorkGroup is already created", "ALREADY_EXISTS")
    if params.get("Tags"):
        athena.resources.tag(workgroup_arn(ctx.region, ctx.account_id, name), params["Tags"])
    return {}


@operation("GetWorkGroup")
def get_work_group(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    return {"WorkGroup": get_group(athena, ctx, params["WorkGroup"])}


@operation("ListWorkGroups")
def list_work_groups(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    groups = athena.resources.workgroups(ctx.account_id, ctx.region)
    items, token = page_list(groups, params, 50)
    summaries = []
    for group in items:
        summary = {
            "Name": group["Name"],
            "State": group["State"],
            "CreationTime": group["CreationTime"],
            "EngineVersion": group["Configuration"].get("EngineVersion") or ENGINE_VERSION,
        }
        if group.get("Description"):
            summary["Description"] = group["Description"]
        summaries.append(summary)
    out: dict[str, Any] = {"WorkGroups": summaries}
    if token:
        out["NextToken"] = token
    return out


@operation("UpdateWorkGroup")
def update_work_group(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    group = get_group(athena, ctx, params["WorkGroup"])
    if params.get("Description") is not None:
        group["Description"] = params["Description"]
    if params.get("State"):
        group["State"] = params["State"]
    updates = dict(params.get("ConfigurationUpdates") or {})
    config = group["Configuration"]
    result_updates = updates.pop("ResultConfigurationUpdates", None) or {}
    result = config.setdefault("ResultConfiguration", {})
    for member, remover in _RESULT_UPDATES.items():
        if result_updates.get(remover):
            result.pop(member, None)
        elif member in result_updates:
            result[member] = result_updates[member]
    if updates.pop("RemoveBytesScannedCutoffPerQuery", False):
        config.pop("BytesScannedCutoffPerQuery", None)
    for member, value in updates.items():
        if member.startswith("Remove"):
            continue
        config[member] = dict(ENGINE_VERSION) if member == "EngineVersion" else value
    athena.resources.save_workgroup(ctx.account_id, ctx.region, group)
    return {}


@operation("DeleteWorkGroup")
def delete_work_group(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    name = params["WorkGroup"]
    if name == PRIMARY:
        raise invalid("Cannot delete primary workgroup", "INVALID_INPUT")
    get_group(athena, ctx, name)
    athena.resources.delete_workgroup(ctx.account_id, ctx.region, name)
    athena.resources.drop_tags(workgroup_arn(ctx.region, ctx.account_id, name))
    return {}


# -- tags -----------------------------------------------------------------------------------


def _tagged(athena: Athena, ctx: RequestContext, arn: str) -> str:
    """The ARN of a workgroup or data catalog of the caller's, or ResourceNotFound."""
    try:
        parsed = arns.parse(arn)
    except ValueError:
        raise invalid(f"Invalid ARN: {arn}", "INVALID_INPUT") from None
    kind, _, name = parsed.resource.partition("/")
    if parsed.account == ctx.account_id and parsed.region == ctx.region:
        if kind == "workgroup" and athena.resources.workgroup(ctx.account_id, ctx.region, name):
            return workgroup_arn(ctx.region, ctx.account_id, name)
        if kind == "datacatalog" and athena.resources.data_catalog(
            ctx.account_id, ctx.region, name
        ):
            return catalog_arn(ctx.region, ctx.account_id, name)
    from cloudlet.services.athena.errors import ResourceNotFoundException

    raise ResourceNotFoundException(f"Resource {arn} is not found.", ResourceName=arn)


@operation("TagResource")
def tag_resource(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    arn = _tagged(athena, ctx, params["ResourceARN"])
    athena.resources.tag(arn, params.get("Tags") or [])
    return {}


@operation("UntagResource")
def untag_resource(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    arn = _tagged(athena, ctx, params["ResourceARN"])
    athena.resources.untag(arn, params.get("TagKeys") or [])
    return {}


@operation("ListTagsForResource")
def list_tags_for_resource(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    arn = _tagged(athena, ctx, params["ResourceARN"])
    tags, token = page_list(athena.resources.tags(arn), params, 100)
    out: dict[str, Any] = {"Tags": tags}
    if token:
        out["NextToken"] = token
    return out
