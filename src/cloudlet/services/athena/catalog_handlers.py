"""Data catalogs, and the Glue Data Catalog's databases and tables as Athena lists them.

``AwsDataCatalog`` (the Glue Data Catalog) always exists; other catalogs (Lambda, Hive,
Glue of another account) are stored and listed but queries cannot use them yet.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cloudlet.core.errors import ServiceError
from cloudlet.services.athena.authz import catalog_arn
from cloudlet.services.athena.errors import MetadataException, invalid
from cloudlet.services.athena.paging import page_list
from cloudlet.services.athena.resources import AWS_DATA_CATALOG
from cloudlet.services.base import RequestContext, operation

if TYPE_CHECKING:
    from cloudlet.services.athena.handlers import Athena

_TYPES = ("LAMBDA", "GLUE", "HIVE", "FEDERATED")
_NAME = re.compile(r"^[\w@-]{1,256}$")


def _find(athena: Athena, ctx: RequestContext, name: str) -> dict[str, Any]:
    found = athena.resources.data_catalog(ctx.account_id, ctx.region, name)
    if found is None:
        raise invalid(f"Catalog {name} was not found", "INVALID_INPUT")
    return found


@operation("CreateDataCatalog")
def create_data_catalog(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    name, kind = params["Name"], params["Type"]
    if not _NAME.match(name) or name.lower() == AWS_DATA_CATALOG.lower():
        raise invalid(f"Invalid catalog name: {name}", "INVALID_INPUT")
    if kind not in _TYPES:
        raise invalid(f"Invalid catalog type: {kind}", "INVALID_INPUT")
    catalog = {"Name": name, "Type": kind, "Parameters": params.get("Parameters") or {}}
    if params.get("Description") is not None:
        catalog["Description"] = params["Description"]
    now = athena.cloud.clock.time()
    if not athena.resources.put_data_catalog(ctx.account_id, ctx.region, catalog, now, new=True):
        raise invalid(f"Catalog {name} already exists", "ALREADY_EXISTS")
    if params.get("Tags"):
        athena.resources.tag(catalog_arn(ctx.region, ctx.account_id, name), params["Tags"])
    return {"DataCatalog": _find(athena, ctx, name)}


@operation("GetDataCatalog")
def get_data_catalog(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    return {"DataCatalog": _find(athena, ctx, params["Name"])}


@operation("ListDataCatalogs")
def list_data_catalogs(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    catalogs = athena.resources.data_catalogs(ctx.account_id, ctx.region)
    items, token = page_list(catalogs, params, 50)
    summaries = [
        {"CatalogName": c["Name"], "Type": c["Type"], "Status": c["Status"]} for c in items
    ]
    out: dict[str, Any] = {"DataCatalogsSummary": summaries}
    if token:
        out["NextToken"] = token
    return out


@operation("UpdateDataCatalog")
def update_data_catalog(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    name = params["Name"]
    if name.lower() == AWS_DATA_CATALOG.lower():
        raise invalid("AwsDataCatalog cannot be updated", "INVALID_INPUT")
    catalog = _find(athena, ctx, name)
    catalog["Type"] = params["Type"]
    if "Description" in params:
        catalog["Description"] = params["Description"]
    if "Parameters" in params:
        catalog["Parameters"] = params["Parameters"]
    now = athena.cloud.clock.time()
    athena.resources.put_data_catalog(ctx.account_id, ctx.region, catalog, now, new=False)
    return {}


@operation("DeleteDataCatalog")
def delete_data_catalog(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    name = params["Name"]
    if name.lower() == AWS_DATA_CATALOG.lower():
        raise invalid("AwsDataCatalog cannot be deleted", "INVALID_INPUT")
    catalog = _find(athena, ctx, name)
    athena.resources.delete_data_catalog(ctx.account_id, ctx.region, name)
    athena.resources.drop_tags(catalog_arn(ctx.region, ctx.account_id, name))
    return {"DataCatalog": {**catalog, "Status": "DELETE_COMPLETE"}}


# -- databases and tables of the Glue Data Catalog -------------------------------------------


def _glue_catalog(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> Any:
    name = params.get("CatalogName") or AWS_DATA_CATALOG
    catalog = _find(athena, ctx, name)
    if catalog["Type"] != "GLUE" or name.lower() != AWS_DATA_CATALOG.lower():
        raise MetadataException(f"Catalog {name} is not supported by cloudlet yet")
    return athena.cloud.service("glue")


def _database(database: dict[str, Any]) -> dict[str, Any]:
    out = {"Name": database["Name"], "Parameters": database.get("Parameters") or {}}
    if database.get("Description"):
        out["Description"] = database["Description"]
    return out


def _table_metadata(table: dict[str, Any]) -> dict[str, Any]:
    storage = table.get("StorageDescriptor") or {}
    parameters = dict(table.get("Parameters") or {})
    if storage.get("Location"):
        parameters.setdefault("location", storage["Location"])
    out = {
        "Name": table["Name"],
        "TableType": table.get("TableType") or "EXTERNAL_TABLE",
        "Columns": [_column(c) for c in storage.get("Columns") or []],
        "PartitionKeys": [_column(c) for c in table.get("PartitionKeys") or []],
        "Parameters": parameters,
    }
    if table.get("CreateTime") is not None:
        out["CreateTime"] = table["CreateTime"]
    if table.get("LastAccessTime") is not None:
        out["LastAccessTime"] = table["LastAccessTime"]
    return out


def _column(column: dict[str, Any]) -> dict[str, Any]:
    out = {"Name": column["Name"], "Type": column.get("Type") or "string"}
    if column.get("Comment"):
        out["Comment"] = column["Comment"]
    return out


@operation("ListDatabases")
def list_databases(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    glue = _glue_catalog(athena, ctx, params)
    databases = [_database(d) for d in glue.list_databases(ctx.account_id, ctx.region)]
    items, token = page_list(databases, params, 50)
    out: dict[str, Any] = {"DatabaseList": items}
    if token:
        out["NextToken"] = token
    return out


@operation("GetDatabase")
def get_database(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    glue = _glue_catalog(athena, ctx, params)
    found = glue.get_database(ctx.account_id, ctx.region, params["DatabaseName"].lower())
    if found is None:
        raise MetadataException(f"Database {params['DatabaseName']} not found.")
    return {"Database": _database(found)}


@operation("ListTableMetadata")
def list_table_metadata(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    glue = _glue_catalog(athena, ctx, params)
    database = params["DatabaseName"].lower()
    try:
        tables = glue.list_tables(ctx.account_id, ctx.region, database)
    except ServiceError:
        raise MetadataException(f"Database {database} not found.") from None
    pattern = params.get("Expression")
    if pattern:
        regex = re.compile("^" + pattern.replace("*", ".*") + "$", re.I)
        tables = [t for t in tables if regex.match(t["Name"])]
    items, token = page_list([_table_metadata(t) for t in tables], params, 50)
    out: dict[str, Any] = {"TableMetadataList": items}
    if token:
        out["NextToken"] = token
    return out


@operation("GetTableMetadata")
def get_table_metadata(athena: Athena, ctx: RequestContext, params: dict[str, Any]) -> dict:
    glue = _glue_catalog(athena, ctx, params)
    database, name = params["DatabaseName"].lower(), params["TableName"].lower()
    found = glue.get_table(ctx.account_id, ctx.region, database, name)
    if found is None:
        raise MetadataException(f"Table {name} not found.")
    return {"TableMetadata": _table_metadata(found)}
