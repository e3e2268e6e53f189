"""STS: who am I. AssumeRole and session tokens arrive with the IAM issue."""

from __future__ import annotations

from typing import Any

from cloudlet.core.cloud import Cloud
from cloudlet.services.base import RequestContext, Service, operation


class Sts(Service):
    name = "sts"

    @operation("GetCallerIdentity")
    def get_caller_identity(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        principal = ctx.principal
        assert principal is not None
        return {"UserId": principal.user_id, "Account": principal.account_id, "Arn": principal.arn}


def create(cloud: Cloud) -> Sts:
    return Sts(cloud)
