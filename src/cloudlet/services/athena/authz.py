"""What each Athena operation needs from IAM: ``athena:<Operation>`` on its workgroup or
data catalog.

From the service authorization reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonathena.html):
query executions and named queries are authorized on their workgroup
(``arn:aws:athena:<region>:<account>:workgroup/<name>``), data catalog, database and table
metadata operations on the catalog (``...:datacatalog/<name>``). Running a query also
needs the Glue and S3 permissions of what it reads and writes; those are checked as the
query runs, with the caller's identity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudlet.auth.authorize import Check
from cloudlet.core import arns

if TYPE_CHECKING:
    from cloudlet.services.athena.handlers import Athena
    from cloudlet.services.base import RequestContext

PRIMARY = "primary"
#: Operations whose target is named by a query execution id.
BY_EXECUTION = {"GetQueryExecution", "GetQueryResults", "StopQueryExecution",
                "GetQueryRuntimeStatistics"}  # fmt: skip
BY_NAMED_QUERY = {"GetNamedQuery", "DeleteNamedQuery", "UpdateNamedQuery"}
CATALOG_OPS = {"GetDataCatalog", "CreateDataCatalog", "DeleteDataCatalog", "UpdateDataCatalog",
               "GetDatabase", "ListDatabases", "GetTableMetadata", "ListTableMetadata"}  # fmt: skip
ANY_RESOURCE = {"ListWorkGroups", "ListDataCatalogs", "BatchGetQueryExecution",
                "BatchGetNamedQuery", "ListEngineVersions"}  # fmt: skip


def workgroup_arn(region: str, account: str, name: str) -> str:
    return arns.build("athena", region, account, f"workgroup/{name}")


def catalog_arn(region: str, account: str, name: str) -> str:
    return arns.build("athena", region, account, f"datacatalog/{name}")


def checks_for(athena: Athena, ctx: RequestContext) -> list[Check]:
    op, params = ctx.operation_name, ctx.params
    action = f"athena:{op}"
    account, region = ctx.account_id, ctx.region
    if op in ANY_RESOURCE:
        return [Check(action)]
    if op in BY_EXECUTION:
        found = athena.executions.get(account, region, params.get("QueryExecutionId", ""))
        group = found.workgroup if found is not None else PRIMARY
        return [Check(action, workgroup_arn(region, account, group))]
    if op in BY_NAMED_QUERY:
        named = athena.resources.named_query(account, region, params.get("NamedQueryId", ""))
        group = named["WorkGroup"] if named is not None else PRIMARY
        return [Check(action, workgroup_arn(region, account, group))]
    if op in CATALOG_OPS:
        name = params.get("Name") or params.get("CatalogName") or "AwsDataCatalog"
        return [Check(action, catalog_arn(region, account, name))]
    if op in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [Check(action, params.get("ResourceARN") or "*")]
    group = params.get("WorkGroup") or params.get("Name") or PRIMARY
    return [Check(action, workgroup_arn(region, account, group))]
