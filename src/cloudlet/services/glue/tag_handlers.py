"""Tags on Glue resources (crawlers, databases, connections...): TagResource,
UntagResource, GetTags. https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-tags.html
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.core import arns
from cloudlet.services.base import RequestContext, operation
from cloudlet.services.glue.errors import EntityNotFoundException, InvalidInputException

if TYPE_CHECKING:
    from cloudlet.services.glue.handlers import Glue


def _check(glue: Glue, ctx: RequestContext, arn: str) -> str:
    """The ARN, if it names an existing Glue resource of the caller's account and region."""
    try:
        parsed = arns.parse(arn)
    except ValueError:
        raise InvalidInputException(f"Invalid ARN: {arn}") from None
    if parsed.service != "glue" or parsed.region != ctx.region:
        raise InvalidInputException(f"Invalid ARN: {arn}")
    kind, _, name = parsed.resource.partition("/")
    account, region = parsed.account, ctx.region
    found: Any = True
    if kind == "crawler":
        found = glue.crawlers.get(account, region, name)
    elif kind == "database":
        found = glue.catalog.database(account, region, name)
    elif kind == "table":
        database, _, table = name.partition("/")
        found = glue.catalog.table(account, region, database, table)
    if found is None:
        raise EntityNotFoundException(f"Resource {arn} not found.")
    return arn


@operation("TagResource")
def tag_resource(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    glue.crawlers.put_tags(_check(glue, ctx, params["ResourceArn"]), params["TagsToAdd"])
    return {}


@operation("UntagResource")
def untag_resource(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    glue.crawlers.remove_tags(_check(glue, ctx, params["ResourceArn"]), params["TagsToRemove"])
    return {}


@operation("GetTags", inline=True)
def get_tags(glue: Glue, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Tags": glue.crawlers.tags(_check(glue, ctx, params["ResourceArn"]))}
