"""What each Secrets Manager operation needs from IAM: the action on the secret's ARN,
with the secret's resource policy as the resource policy of the check.

From the service authorization reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html):
CreateSecret with tags also needs ``secretsmanager:TagResource``. A secret that does not
exist (yet) is named by its partial ARN, ``...:secret:<name>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudlet.auth.authorize import Check
from cloudlet.core import arns

if TYPE_CHECKING:
    from cloudlet.services.base import RequestContext
    from cloudlet.services.secretsmanager.handlers import SecretsManager

#: Operations on no particular secret (the action on ``*``).
NO_SECRET = frozenset({"ListSecrets", "GetRandomPassword", "BatchGetSecretValue"})


def checks_for(sm: SecretsManager, ctx: RequestContext) -> list[Check]:
    op, params = ctx.operation_name, ctx.params
    action = f"secretsmanager:{op}"
    secret_id = params.get("Name") if op == "CreateSecret" else params.get("SecretId")
    if op in NO_SECRET or not secret_id:
        return [Check(action)]
    checks = [secret_check(sm, ctx, action, secret_id)]
    if op == "CreateSecret" and params.get("Tags"):
        checks.append(secret_check(sm, ctx, "secretsmanager:TagResource", secret_id))
    return checks


def secret_check(sm: SecretsManager, ctx: RequestContext, action: str, secret_id: str) -> Check:
    secret = sm.find(ctx.account_id, ctx.region, secret_id)
    if secret is None:
        if secret_id.startswith("arn:"):
            return Check(action, secret_id)
        partial = arns.build("secretsmanager", ctx.region, ctx.account_id, f"secret:{secret_id}")
        return Check(action, partial, ctx.account_id)
    return Check(action, secret.arn, secret.account_id, secret.policy)
