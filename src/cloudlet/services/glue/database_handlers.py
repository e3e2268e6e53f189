"""Databases: CreateDatabase, GetDatabase(s), UpdateDatabase, DeleteDatabase.

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-databases.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.glue.common import page

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue


@operation("CreateDatabase")
def create_database(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    doc = glue.catalog.create_database(account, ctx.region, params["DatabaseInput"])
    if params.get("Tags"):
        arn = arns.build("glue", ctx.region, account, f"database/{doc['Name']}")
        glue.crawlers.put_tags(arn, params["Tags"])
    return {}


@operation("GetDatabase", inline=True)
def get_database(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    return {"Database": glue.catalog.require_database(account, ctx.region, params["Name"])}


@operation("GetDatabases")
def get_databases(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = glue.catalog.databases(glue.account_of(ctx, params), ctx.region)
    items, token = page(found, params, lambda d: d["Name"], default=100, maximum=100)
    wanted = params.get("AttributesToGet")
    if wanted:
        items = [{k: v for k, v in d.items() if k in wanted or k == "Name"} for d in items]
    out: dict[str, Any] = {"DatabaseList": items}
    if token:
        out["NextToken"] = token
    return out


@operation("UpdateDatabase")
def update_database(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    glue.catalog.update_database(account, ctx.region, params["Name"], params["DatabaseInput"])
    return {}


@operation("DeleteDatabase")
def delete_database(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    glue.catalog.delete_database(glue.account_of(ctx, params), ctx.region, params["Name"])
    return {}
