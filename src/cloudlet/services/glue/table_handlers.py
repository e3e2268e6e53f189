"""Tables and their versions: Create/Get/Update/DeleteTable, GetTables, BatchDeleteTable,
SearchTables, GetTableVersion(s), DeleteTableVersion, BatchDeleteTableVersion.

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-tables.html
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.glue.common import page
from cloudlet.services.glue.errors import EntityNotFoundException, InvalidInputException
from cloudlet.services.glue.partitions import error_detail

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue


@operation("CreateTable")
def create_table(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    glue.catalog.create_table(account, ctx.region, params["DatabaseName"], params["TableInput"])
    return {}


@operation("GetTable", inline=True)
def get_table(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    table = glue.catalog.require_table(account, ctx.region, params["DatabaseName"], params["Name"])
    return {"Table": table}


def name_pattern(expression: str) -> re.Pattern[str]:
    """GetTables' ``Expression``: a regular expression where a bare ``*`` means any text
    (Hive's pattern); alternatives separated by ``|``; matched case-insensitively."""
    translated = re.sub(r"(?<!\.)\*", ".*", expression.strip())
    try:
        return re.compile(f"(?:{translated})", re.I)
    except re.error:
        raise InvalidInputException(f"Invalid regular expression: {expression}") from None


@operation("GetTables")
def get_tables(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    glue.catalog.require_database(account, ctx.region, params["DatabaseName"])
    tables = glue.catalog.tables(account, ctx.region, params["DatabaseName"])
    if params.get("Expression"):
        pattern = name_pattern(params["Expression"])
        tables = [t for t in tables if pattern.fullmatch(t["Name"])]
    items, token = page(tables, params, lambda t: t["Name"], default=100, maximum=100)
    wanted = params.get("AttributesToGet")
    if wanted:
        items = [{k: v for k, v in t.items() if k in wanted or k == "Name"} for t in items]
    out: dict[str, Any] = {"TableList": items}
    if token:
        out["NextToken"] = token
    return out


@operation("UpdateTable")
def update_table(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    table_input = dict(params["TableInput"])
    if params.get("Name") and not table_input.get("Name"):
        table_input["Name"] = params["Name"]
    glue.catalog.update_table(
        account,
        ctx.region,
        params["DatabaseName"],
        table_input,
        skip_archive=bool(params.get("SkipArchive")),
        expected_version=params.get("VersionId"),
    )
    return {}


@operation("DeleteTable")
def delete_table(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    glue.catalog.delete_table(account, ctx.region, params["DatabaseName"], params["Name"])
    return {}


@operation("BatchDeleteTable")
def batch_delete_table(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    glue.catalog.require_database(account, ctx.region, params["DatabaseName"])
    errors = []
    for name in params["TablesToDelete"]:
        try:
            glue.catalog.delete_table(account, ctx.region, params["DatabaseName"], name)
        except EntityNotFoundException as exc:
            errors.append({"TableName": name, "ErrorDetail": error_detail(exc)})
    return {"Errors": errors}


# -- versions -----------------------------------------------------------------------------


@operation("GetTableVersions")
def get_table_versions(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    versions = glue.catalog.versions(
        account, ctx.region, params["DatabaseName"], params["TableName"]
    )
    # Newest first; the paging key must grow along the list, so count down from the top.
    top = int(versions[0].get("VersionId") or 0)
    items, token = page(
        versions, params, lambda t: f"{top - int(t.get('VersionId') or 0):012d}", default=100
    )
    out: dict[str, Any] = {
        "TableVersions": [{"Table": t, "VersionId": t.get("VersionId", "0")} for t in items]
    }
    if token:
        out["NextToken"] = token
    return out


@operation("GetTableVersion")
def get_table_version(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    versions = glue.catalog.versions(
        account, ctx.region, params["DatabaseName"], params["TableName"]
    )
    wanted = params.get("VersionId") or versions[0].get("VersionId")
    for table in versions:
        if table.get("VersionId") == wanted:
            return {"TableVersion": {"Table": table, "VersionId": wanted}}
    raise EntityNotFoundException(f"Version {wanted} of table {params['TableName']} not found.")


@operation("DeleteTableVersion")
def delete_table_version(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    if not glue.catalog.delete_version(
        account, ctx.region, params["DatabaseName"], params["TableName"], params["VersionId"]
    ):
        raise EntityNotFoundException(f"Version {params['VersionId']} not found.")
    return {}


@operation("BatchDeleteTableVersion")
def batch_delete_table_version(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    account, errors = glue.account_of(ctx, params), []
    for version in params["VersionIds"]:
        try:
            if not glue.catalog.delete_version(
                account, ctx.region, params["DatabaseName"], params["TableName"], version
            ):
                raise EntityNotFoundException(f"Version {version} not found.")
        except (EntityNotFoundException, InvalidInputException) as exc:
            errors.append(
                {
                    "TableName": params["TableName"],
                    "VersionId": version,
                    "ErrorDetail": error_detail(exc),
                }
            )
    return {"Errors": errors}


# -- search -------------------------------------------------------------------------------

_COMPARATORS = {
    "EQUALS": lambda a, b: a == b,
    "GREATER_THAN": lambda a, b: a > b,
    "LESS_THAN": lambda a, b: a < b,
    "GREATER_THAN_EQUALS": lambda a, b: a >= b,
    "LESS_THAN_EQUALS": lambda a, b: a <= b,
}


def _field(table: dict[str, Any], key: str) -> Any:
    if key in table and not isinstance(table[key], dict | list):
        return table[key]
    return (table.get("Parameters") or {}).get(key)


def _text_of(table: dict[str, Any]) -> str:
    sd = table.get("StorageDescriptor") or {}
    columns = sd.get("Columns", []) + table.get("PartitionKeys", [])
    parts = [table["Name"], table["DatabaseName"], table.get("Description", "")]
    parts += [c.get("Name", "") for c in columns] + [c.get("Comment", "") for c in columns]
    parts += [f"{k} {v}" for k, v in (table.get("Parameters") or {}).items()]
    return "\n".join(parts).lower()


@operation("SearchTables")
def search_tables(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """Free text over names, descriptions, columns and parameters, then the Filters."""
    tables = glue.catalog.tables(glue.account_of(ctx, params), ctx.region, None)
    text = (params.get("SearchText") or "").strip().lower()
    if text:
        tables = [t for t in tables if all(word in _text_of(t) for word in text.split())]
    for predicate in params.get("Filters") or []:
        compare = _COMPARATORS.get(predicate.get("Comparator") or "EQUALS")
        if compare is None:
            raise InvalidInputException(f"Unknown comparator {predicate.get('Comparator')}")
        key, value = predicate.get("Key", ""), predicate.get("Value")
        tables = [
            t for t in tables if _field(t, key) is not None and compare(str(_field(t, key)), value)
        ]
    for criterion in reversed(params.get("SortCriteria") or []):
        name = criterion.get("FieldName", "Name")
        tables.sort(
            key=lambda t, n=name: str(_field(t, n) or ""), reverse=criterion.get("Sort") == "DESC"
        )
    keyed = [(f"{i:08d}", t) for i, t in enumerate(tables)]
    items, token = page(keyed, params, lambda item: item[0], default=100, maximum=1000)
    out: dict[str, Any] = {"TableList": [t for _, t in items]}
    if token:
        out["NextToken"] = token
    return out
