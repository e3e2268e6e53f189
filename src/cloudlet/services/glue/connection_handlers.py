"""Connections, stored for JDBC and other sources to use later: Create/Get/Update/Delete,
GetConnections, BatchDeleteConnection. Nothing connects yet.

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-connections-connections.html
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.glue.common import jsonable, page
from cloudlet.services.glue.errors import AlreadyExistsException, EntityNotFoundException

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue

_SECRETS = ("PASSWORD", "ENCRYPTED_PASSWORD")
_INPUT_ONLY = ("ValidateCredentials", "ValidateForComputeEnvironments")


def _not_found(name: str) -> EntityNotFoundException:
    return EntityNotFoundException(f"Connection {name} not found.")


def _load(glue: Glue, account: str, region: str, name: str) -> dict[str, Any] | None:
    row = glue.store.query_one(
        "SELECT doc FROM connections WHERE account_id=? AND region=? AND name=?",
        (account, region, name),
    )
    return json.loads(row[0]) if row else None


def _shown(doc: dict[str, Any], hide_password: bool) -> dict[str, Any]:
    if not hide_password:
        return doc
    props = {k: v for k, v in doc.get("ConnectionProperties", {}).items() if k not in _SECRETS}
    return {**doc, "ConnectionProperties": props}


def _doc(data: dict[str, Any], now: float, created: float | None = None) -> dict[str, Any]:
    doc = {k: jsonable(v) for k, v in data.items() if k not in _INPUT_ONLY}
    doc.setdefault("ConnectionProperties", {})
    doc.update(CreationTime=created or now, LastUpdatedTime=now, Status="READY")
    return doc


@operation("CreateConnection")
def create_connection(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    doc = _doc(params["ConnectionInput"], glue.cloud.clock.time())
    with glue.store.write() as conn:
        try:
            conn.execute(
                "INSERT INTO connections VALUES (?,?,?,?)",
                (account, ctx.region, doc["Name"], json.dumps(doc)),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsException(f"Connection already exists: {doc['Name']}") from None
    if params.get("Tags"):
        glue.crawlers.put_tags(_arn(ctx, account, doc["Name"]), params["Tags"])
    return {"CreateConnectionStatus": "READY"}


def _arn(ctx: RequestContext, account: str, name: str) -> str:
    return arns.build("glue", ctx.region, account, f"connection/{name}")


@operation("GetConnection", inline=True)
def get_connection(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = _load(glue, glue.account_of(ctx, params), ctx.region, params["Name"])
    if found is None:
        raise _not_found(params["Name"])
    return {"Connection": _shown(found, bool(params.get("HidePassword")))}


@operation("GetConnections")
def get_connections(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    rows = glue.store.query(
        "SELECT doc FROM connections WHERE account_id=? AND region=? ORDER BY name",
        (glue.account_of(ctx, params), ctx.region),
    )
    docs = [json.loads(r[0]) for r in rows]
    wanted = params.get("Filter") or {}
    if wanted.get("ConnectionType"):
        docs = [d for d in docs if d.get("ConnectionType") == wanted["ConnectionType"]]
    for criterion in wanted.get("MatchCriteria") or []:
        docs = [d for d in docs if criterion in (d.get("MatchCriteria") or [])]
    items, token = page(docs, params, lambda d: d["Name"], default=100, maximum=1000)
    hide = bool(params.get("HidePassword"))
    out: dict[str, Any] = {"ConnectionList": [_shown(d, hide) for d in items]}
    if token:
        out["NextToken"] = token
    return out


@operation("UpdateConnection")
def update_connection(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    account = glue.account_of(ctx, params)
    old = _load(glue, account, ctx.region, params["Name"])
    if old is None:
        raise _not_found(params["Name"])
    doc = _doc(params["ConnectionInput"], glue.cloud.clock.time(), old["CreationTime"])
    with glue.store.write() as conn:
        conn.execute(
            "DELETE FROM connections WHERE account_id=? AND region=? AND name=?",
            (account, ctx.region, params["Name"]),
        )
        try:
            conn.execute(
                "INSERT INTO connections VALUES (?,?,?,?)",
                (account, ctx.region, doc["Name"], json.dumps(doc)),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsException(f"Connection already exists: {doc['Name']}") from None
    return {}


def _delete(glue: Glue, account: str, region: str, name: str) -> bool:
    with glue.store.write() as conn:
        cursor = conn.execute(
            "DELETE FROM connections WHERE account_id=? AND region=? AND name=?",
            (account, region, name),
        )
    return cursor.rowcount > 0


@operation("DeleteConnection")
def delete_connection(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    if not _delete(glue, glue.account_of(ctx, params), ctx.region, params["ConnectionName"]):
        raise _not_found(params["ConnectionName"])
    return {}


@operation("BatchDeleteConnection")
def batch_delete_connection(
    glue: Glue, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    account, done, errors = glue.account_of(ctx, params), [], {}
    for name in params["ConnectionNameList"]:
        if _delete(glue, account, ctx.region, name):
            done.append(name)
        else:
            errors[name] = {
                "ErrorCode": "EntityNotFoundException",
                "ErrorMessage": f"Connection {name} not found.",
            }
    return {"Succeeded": done, "Errors": errors}
