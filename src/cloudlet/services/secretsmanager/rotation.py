"""Rotation configuration: RotateSecret stores the schedule; CancelRotateSecret turns it off.

Rotating a secret means invoking its rotation Lambda function, and cloudlet has no Lambda
yet: RotateSecret saves the configuration (DescribeSecret shows it) and then, when it
would have to invoke the function now, answers an honest InvalidRequestException.
https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.secretsmanager.errors import (
    InvalidParameterException,
    InvalidRequestException,
)
from cloudlet.services.secretsmanager.secrets import PENDING

if TYPE_CHECKING:
    from cloudlet.services.secretsmanager.handlers import SecretsManager

DAY = 86400.0
HOUR = 3600.0
LAMBDA_NOT_SUPPORTED = (
    "cloudlet does not support rotation Lambda functions yet, so it cannot rotate this secret "
    "now. The rotation configuration was saved and DescribeSecret shows it; to store a new "
    "value, call PutSecretValue."
)
_RATE = re.compile(r"^rate\((\d+) (hour|hours|day|days)\)$")
_CRON = re.compile(r"^cron\(([^()\s]+(?: [^()\s]+){5})\)$")
_DURATION = re.compile(r"^(\d+)h$")


def _check_rules(rules: dict[str, Any]) -> None:
    days, expression = rules.get("AutomaticallyAfterDays"), rules.get("ScheduleExpression")
    if days is not None and expression is not None:
        raise InvalidParameterException(
            "You can't specify both AutomaticallyAfterDays and ScheduleExpression."
        )
    if days is not None and not 1 <= days <= 1000:
        raise InvalidParameterException("AutomaticallyAfterDays must be between 1 and 1000.")
    if expression is not None:
        rate = _RATE.match(expression)
        if rate:
            amount, unit = int(rate[1]), rate[2]
            ok = 4 <= amount <= 24 if unit.startswith("hour") else 1 <= amount <= 1000
            if not ok:
                raise InvalidParameterException(f"Invalid ScheduleExpression: {expression}")
        elif not _CRON.match(expression):
            raise InvalidParameterException(f"Invalid ScheduleExpression: {expression}")
    duration = rules.get("Duration")
    if duration is not None:
        match = _DURATION.match(duration)
        if not match or not 1 <= int(match[1]) <= 24:
            raise InvalidParameterException(f"Invalid Duration: {duration}")


def next_rotation(rules: dict[str, Any] | None, since: float) -> float | None:
    """When the schedule next falls due; cron schedules are stored but not computed."""
    if not rules:
        return None
    if rules.get("AutomaticallyAfterDays") is not None:
        return since + int(rules["AutomaticallyAfterDays"]) * DAY
    rate = _RATE.match(rules.get("ScheduleExpression") or "")
    if rate:
        return since + int(rate[1]) * (HOUR if rate[2].startswith("hour") else DAY)
    return None


@operation("RotateSecret")
def rotate_secret(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    if params.get("ExternalSecretRotationMetadata") or params.get("ExternalSecretRotationRoleArn"):
        raise InvalidRequestException(
            "Managed external secret rotation is not supported by cloudlet yet."
        )
    function = params.get("RotationLambdaARN") or secret.rotation_lambda
    if not function:
        raise InvalidRequestException(
            "No Lambda rotation function ARN is associated with this secret."
        )
    rules = params.get("RotationRules") or secret.rotation_rules or None
    if rules:
        _check_rules(rules)
    now = sm.cloud.clock.time()
    sm.secrets.update(
        secret.arn,
        rotation_enabled=1,
        rotation_lambda=function,
        rotation_rules=rules,
        next_rotation=next_rotation(rules, secret.last_rotated or now),
        last_changed=now,
    )
    if params.get("RotateImmediately", True):
        raise InvalidRequestException(LAMBDA_NOT_SUPPORTED)
    return {"ARN": secret.arn, "Name": secret.name}


@operation("CancelRotateSecret")
def cancel_rotate_secret(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """Turns scheduled rotation off; the function and rules stay for the next RotateSecret."""
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    sm.secrets.update(
        secret.arn, rotation_enabled=0, next_rotation=None, last_changed=sm.cloud.clock.time()
    )
    out = {"ARN": secret.arn, "Name": secret.name}
    pending = sm.secrets.version_at(secret.arn, PENDING)
    if pending is not None:
        out["VersionId"] = pending.version_id
    return out
