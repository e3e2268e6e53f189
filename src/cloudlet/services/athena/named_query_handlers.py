"""Named queries: saved SQL, kept per workgroup.

https://docs.aws.amazon.com/athena/latest/APIReference/API_CreateNamedQuery.html
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from cloudlet.services.athena.errors import invalid
from cloudlet.services.athena.paging import page_list
from cloudlet.services.athena.resources import PRIMARY
from cloudlet.services.athena.workgroup_handlers import get_group
from cloudlet.services.base import RequestContext, operation

if TYPE_CHECKING:
    from cloudlet.services.athena.handlers import Athena


def _find(athena: Athena, ctx: RequestContext, query_id: str) -> dict[str, Any]:
    found = athena.resources.named_query(ctx.account_id, ctx.region, query_id)
    if found is None:
        raise invalid(f"NamedQuery {query_id} was not found", "INVALID_INPUT")
    return found


@operation("CreateNamedQuery")
def create_named_query(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    group = params.get("WorkGroup") or PRIMARY
    get_group(athena, ctx, group)
    query = {
        "NamedQueryId": str(uuid.uuid4()),
        "Name": params["Name"],
        "Database": params["Database"],
        "QueryString": params["QueryString"],
        "WorkGroup": group,
    }
    if params.get("Description") is not None:
        query["Description"] = params["Description"]
    token = params.get("ClientRequestToken")
    query_id = athena.resources.add_named_query(ctx.account_id, ctx.region, query, token)
    return {"NamedQueryId": query_id}


@operation("GetNamedQuery")
def get_named_query(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    return {"NamedQuery": _find(athena, ctx, params["NamedQueryId"])}


@operation("BatchGetNamedQuery")
def batch_get_named_query(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    found, missing = [], []
    for query_id in params.get("NamedQueryIds") or []:
        query = athena.resources.named_query(ctx.account_id, ctx.region, query_id)
        if query is None:
            missing.append(
                {
                    "NamedQueryId": query_id,
                    "ErrorCode": "INVALID_INPUT",
                    "ErrorMessage": f"NamedQuery {query_id} was not found",
                }
            )
        else:
            found.append(query)
    return {"NamedQueries": found, "UnprocessedNamedQueryIds": missing}


@operation("ListNamedQueries")
def list_named_queries(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    group = params.get("WorkGroup") or PRIMARY
    get_group(athena, ctx, group)
    ids = athena.resources.named_query_ids(ctx.account_id, ctx.region, group)
    items, token = page_list(ids, params, 50)
    out: dict[str, Any] = {"NamedQueryIds": items}
    if token:
        out["NextToken"] = token
    return out


@operation("UpdateNamedQuery")
def update_named_query(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    query = _find(athena, ctx, params["NamedQueryId"])
    query["Name"] = params["Name"]
    query["QueryString"] = params["QueryString"]
    if "Description" in params:
        query["Description"] = params["Description"]
    athena.resources.update_named_query(ctx.account_id, ctx.region, query)
    return {}


@operation("DeleteNamedQuery")
def delete_named_query(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    _find(athena, ctx, params["NamedQueryId"])
    athena.resources.delete_named_query(ctx.account_id, ctx.region, params["NamedQueryId"])
    return {}
