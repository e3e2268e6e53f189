"""What each Glue operation needs from IAM: ``glue:<Operation>`` on the catalog, database,
table, connection or crawler ARNs it touches.

From the service authorization reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsglue.html) and
https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html: a table
operation is authorized on the catalog, the database and the table; a listing on the
catalog, the database and ``table/<db>/*``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudlet.auth.authorize import Check
from cloudlet.core import arns

if TYPE_CHECKING:
    from cloudlet.services.base import RequestContext

_DATABASE_OPS = {"CreateDatabase", "GetDatabase", "UpdateDatabase", "DeleteDatabase"}
_CRAWLER_OPS = {
    "CreateCrawler", "GetCrawler", "UpdateCrawler", "DeleteCrawler", "StartCrawler",
    "StopCrawler", "StartCrawlerSchedule", "StopCrawlerSchedule", "UpdateCrawlerSchedule",
    "ListCrawls",
}  # fmt: skip
_CONNECTION_OPS = {"CreateConnection", "GetConnection", "UpdateConnection", "DeleteConnection"}


def glue_arn(ctx: RequestContext, account: str, resource: str) -> str:
    return arns.build("glue", ctx.region, account, resource)


def checks_for(ctx: RequestContext) -> list[Check]:
    op, params = ctx.operation_name, ctx.params
    action = f"glue:{op}"
    account = params.get("CatalogId") or ctx.account_id

    def on(*resources: str) -> list[Check]:
        return [Check(action, glue_arn(ctx, account, r), account) for r in resources]

    if op in _CRAWLER_OPS:
        name = params.get("Name") or params.get("CrawlerName") or ""
        return [Check(action, glue_arn(ctx, ctx.account_id, f"crawler/{name}"), ctx.account_id)]
    if op in _CONNECTION_OPS:
        name = params.get("Name") or params.get("ConnectionName")
        if op == "CreateConnection":
            name = (params.get("ConnectionInput") or {}).get("Name")
        return on("catalog", f"connection/{name}")
    if op in ("TagResource", "UntagResource", "GetTags"):
        arn = params.get("ResourceArn") or "*"
        return [Check(action, arn, _account_of(arn))]
    if op == "GetDatabases":
        return on("catalog", "database/*")
    if op == "SearchTables":
        return on("catalog", "database/*", "table/*/*")
    if op in _DATABASE_OPS:
        name = params.get("Name") or (params.get("DatabaseInput") or {}).get("Name") or ""
        extra = [f"table/{name.lower()}/*"] if op == "DeleteDatabase" else []
        return on("catalog", f"database/{name.lower()}", *extra)
    database = (params.get("DatabaseName") or "").lower()
    if database:
        table = params.get("TableName") or params.get("Name")
        if op == "CreateTable":
            table = (params.get("TableInput") or {}).get("Name") or table
        if op == "UpdateTable":
            table = (params.get("TableInput") or {}).get("Name")
        if op in ("GetTables", "BatchDeleteTable") or not table:
            return on("catalog", f"database/{database}", f"table/{database}/*")
        return on("catalog", f"database/{database}", f"table/{database}/{table.lower()}")
    return [Check(action)]


def _account_of(arn: str) -> str | None:
    try:
        return arns.parse(arn).account or None
    except ValueError:
        return None
