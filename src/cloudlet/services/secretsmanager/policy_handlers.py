"""Resource policies: put, get, delete, validate (stored and validated; not yet evaluated)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.secretsmanager.errors import PublicPolicyException
from cloudlet.services.secretsmanager.policy import is_public, validate

if TYPE_CHECKING:
    from cloudlet.services.secretsmanager.handlers import SecretsManager


@operation("PutResourcePolicy")
def put_resource_policy(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    document = validate(params["ResourcePolicy"])
    if params.get("BlockPublicPolicy") and is_public(document):
        raise PublicPolicyException()
    sm.secrets.update(secret.arn, policy=params["ResourcePolicy"])
    return {"ARN": secret.arn, "Name": secret.name}


@operation("GetResourcePolicy")
def get_resource_policy(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"], deleted_ok=True)
    out = {"ARN": secret.arn, "Name": secret.name}
    if secret.policy:
        out["ResourcePolicy"] = secret.policy
    return out


@operation("DeleteResourcePolicy")
def delete_resource_policy(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    secret = sm.get(ctx.account_id, ctx.region, params["SecretId"])
    sm.secrets.update(secret.arn, policy=None)
    return {"ARN": secret.arn, "Name": secret.name}


@operation("ValidateResourcePolicy")
def validate_resource_policy(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    """A syntax error raises MalformedPolicyDocumentException; broad access is reported."""
    if params.get("SecretId"):
        sm.get(ctx.account_id, ctx.region, params["SecretId"], deleted_ok=True)
    document = validate(params["ResourcePolicy"])
    if is_public(document):
        return {
            "PolicyValidationPassed": False,
            "ValidationErrors": [
                {
                    "CheckName": "BLOCK_PUBLIC_POLICY",
                    "ErrorMessage": "The resource policy grants broad access to the secret.",
                }
            ],
        }
    return {"PolicyValidationPassed": True, "ValidationErrors": []}
