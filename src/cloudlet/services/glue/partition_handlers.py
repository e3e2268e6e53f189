"""Partitions: Create/BatchCreate/Get/GetPartitions/BatchGet/Update/BatchUpdate/Delete/
BatchDelete.

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-partitions.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.glue.common import page
from cloudlet.services.glue.errors import (
    AlreadyExistsException,
    EntityNotFoundException,
    InvalidInputException,
)
from cloudlet.services.glue.partitions import NOT_FOUND, error_detail, values_key

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue


def _table(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    account = glue.account_of(ctx, params)
    table = glue.catalog.require_table(
        account, ctx.region, params["DatabaseName"], params["TableName"]
    )
    return account, table


@operation("CreatePartition")
def create_partition(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    data = params["PartitionInput"]
    glue.partitions.check_values(table, data.get("Values"))
    errors = glue.partitions.create_many(account, ctx.region, table, [data])
    if errors:
        detail = errors[0]["ErrorDetail"]
        if detail["ErrorCode"] == "AlreadyExistsException":
            raise AlreadyExistsException(detail["ErrorMessage"])
        raise InvalidInputException(detail["ErrorMessage"])
    return {}


@operation("BatchCreatePartition")
def batch_create_partition(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    inputs = params["PartitionInputList"]
    if len(inputs) > 100:
        raise InvalidInputException("PartitionInputList can contain at most 100 partitions.")
    return {"Errors": glue.partitions.create_many(account, ctx.region, table, inputs)}


@operation("GetPartition", inline=True)
def get_partition(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    values = glue.partitions.check_values(table, params["PartitionValues"])
    found = glue.partitions.get(account, ctx.region, table, values)
    if found is None:
        raise EntityNotFoundException(NOT_FOUND)
    return {"Partition": found}


@operation("GetPartitions")
def get_partitions(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    found = glue.partitions.list(account, ctx.region, table, params.get("Expression"))
    segment = params.get("Segment")
    if segment:
        number, total = segment["SegmentNumber"], segment["TotalSegments"]
        if not 0 <= number < total:
            raise InvalidInputException("SegmentNumber must be less than TotalSegments.")
        found = found[number::total]
    items, token = page(
        found, params, lambda p: values_key(p["Values"]), default=1000, maximum=1000
    )
    if params.get("ExcludeColumnSchema"):
        items = [_without_columns(p) for p in items]
    out: dict[str, Any] = {"Partitions": items}
    if token:
        out["NextToken"] = token
    return out


def _without_columns(partition: dict[str, Any]) -> dict[str, Any]:
    sd = partition.get("StorageDescriptor")
    if not sd:
        return partition
    return {**partition, "StorageDescriptor": {k: v for k, v in sd.items() if k != "Columns"}}


@operation("BatchGetPartition")
def batch_get_partition(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    found = []
    for entry in params["PartitionsToGet"]:
        values = [str(v) for v in entry.get("Values", [])]
        partition = glue.partitions.get(account, ctx.region, table, values)
        if partition is not None:
            found.append(partition)
    # AWS lists keys it could not process for retry, not keys that do not exist: a
    # missing partition is simply absent from the answer.
    return {"Partitions": found, "UnprocessedKeys": []}


@operation("UpdatePartition")
def update_partition(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    values = glue.partitions.check_values(table, params["PartitionValueList"])
    glue.partitions.update(account, ctx.region, table, values, params["PartitionInput"])
    return {}


@operation("BatchUpdatePartition")
def batch_update_partition(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    errors = []
    for entry in params["Entries"]:
        values = entry["PartitionValueList"]
        try:
            values = glue.partitions.check_values(table, values)
            glue.partitions.update(account, ctx.region, table, values, entry["PartitionInput"])
        except (EntityNotFoundException, InvalidInputException, AlreadyExistsException) as exc:
            errors.append({"PartitionValueList": values, "ErrorDetail": error_detail(exc)})
    return {"Errors": errors}


@operation("DeletePartition")
def delete_partition(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    values = glue.partitions.check_values(table, params["PartitionValues"])
    if not glue.partitions.delete(account, ctx.region, table, values):
        raise EntityNotFoundException(NOT_FOUND)
    return {}


@operation("BatchDeletePartition")
def batch_delete_partition(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    account, table = _table(glue, ctx, params)
    errors = []
    for entry in params["PartitionsToDelete"]:
        values = [str(v) for v in entry.get("Values", [])]
        if not glue.partitions.delete(account, ctx.region, table, values):
            errors.append(
                {
                    "PartitionValues": values,
                    "ErrorDetail": error_detail(EntityNotFoundException(NOT_FOUND)),
                }
            )
    return {"Errors": errors}
