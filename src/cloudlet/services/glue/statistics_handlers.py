"""Column statistics, stored as given: Get/Update/DeleteColumnStatisticsForTable and
...ForPartition. Glue does not compute them here (no statistics task runs).

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-tables.html#aws-glue-api-catalog-tables-UpdateColumnStatisticsForTable
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.glue.errors import EntityNotFoundException, InvalidInputException
from cloudlet.services.glue.partitions import NOT_FOUND, error_detail

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue


def _target(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> tuple[str, dict[str, Any], list[str] | None]:
    account = glue.account_of(ctx, params)
    table = glue.catalog.require_table(
        account, ctx.region, params["DatabaseName"], params["TableName"]
    )
    values = params.get("PartitionValues")
    if values is not None:
        values = glue.partitions.check_values(table, values)
        if glue.partitions.get(account, ctx.region, table, values) is None:
            raise EntityNotFoundException(NOT_FOUND)
    return account, table, values


def _columns(table: dict[str, Any]) -> set[str]:
    sd = table.get("StorageDescriptor") or {}
    return {c["Name"] for c in sd.get("Columns", []) + table.get("PartitionKeys", [])}


def _get(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table, values = _target(glue, ctx, params)
    stored = glue.partitions.statistics(account, ctx.region, table, values)
    found, errors = [], []
    for name in params["ColumnNames"]:
        if name in stored:
            found.append(stored[name])
        else:
            missing = EntityNotFoundException(f"Column statistics for {name} not found.")
            errors.append({"ColumnName": name, "Error": error_detail(missing)})
    return {"ColumnStatisticsList": found, "Errors": errors}


def _update(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table, values = _target(glue, ctx, params)
    known, good, errors = _columns(table), [], []
    for item in params["ColumnStatisticsList"]:
        if item.get("ColumnName") not in known:
            problem = InvalidInputException(f"Column {item.get('ColumnName')} does not exist.")
            errors.append({"ColumnStatistics": item, "Error": error_detail(problem)})
        else:
            good.append(item)
    glue.partitions.put_statistics(account, ctx.region, table, values, good)
    return {"Errors": errors}


def _delete(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table, values = _target(glue, ctx, params)
    column = params["ColumnName"]
    if not glue.partitions.delete_statistics(account, ctx.region, table, values, column):
        raise EntityNotFoundException(f"Column statistics for {column} not found.")
    return {}


@operation("GetColumnStatisticsForTable")
def get_column_statistics_for_table(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return _get(glue, ctx, {**params, "PartitionValues": None})


@operation("UpdateColumnStatisticsForTable")
def update_column_statistics_for_table(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return _update(glue, ctx, {**params, "PartitionValues": None})


@operation("DeleteColumnStatisticsForTable")
def delete_column_statistics_for_table(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return _delete(glue, ctx, {**params, "PartitionValues": None})


@operation("GetColumnStatisticsForPartition")
def get_column_statistics_for_partition(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return _get(glue, ctx, params)


@operation("UpdateColumnStatisticsForPartition")
def update_column_statistics_for_partition(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return _update(glue, ctx, params)


@operation("DeleteColumnStatisticsForPartition")
def delete_column_statistics_for_partition(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return _delete(glue, ctx, params)
