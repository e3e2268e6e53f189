"""Custom classifiers: Create/Get/Update/DeleteClassifier and GetClassifiers.

https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-classifiers.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.glue.classifiers import KINDS, not_found, shape
from cloudlet.services.glue.common import page
from cloudlet.services.glue.errors import InvalidInputException

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue


def _one_kind(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    given = [(KINDS[member], params[member]) for member in KINDS if params.get(member)]
    if len(given) != 1:
        raise InvalidInputException("Exactly one classifier type must be specified.")
    return given[0]


@operation("CreateClassifier")
def create_classifier(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind, data = _one_kind(params)
    glue.classifiers.create(ctx.account_id, ctx.region, kind, data)
    return {}


@operation("UpdateClassifier")
def update_classifier(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    kind, data = _one_kind(params)
    glue.classifiers.update(ctx.account_id, ctx.region, kind, data)
    return {}


@operation("GetClassifier", inline=True)
def get_classifier(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = glue.classifiers.get(ctx.account_id, ctx.region, params["Name"])
    if found is None:
        raise not_found(params["Name"])
    return {"Classifier": shape(found)}


@operation("GetClassifiers")
def get_classifiers(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = glue.classifiers.all(ctx.account_id, ctx.region)
    items, token = page(found, params, lambda c: c["Name"], default=100, maximum=1000)
    out: dict[str, Any] = {"Classifiers": [shape(c) for c in items]}
    if token:
        out["NextToken"] = token
    return out


@operation("DeleteClassifier")
def delete_classifier(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    glue.classifiers.delete(ctx.account_id, ctx.region, params["Name"])
    return {}
