"""What each KMS operation needs from IAM: the action, on the ARN of the key it uses.

From KMS's column of AWS's service authorization reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html):
an operation through an alias is authorized on the alias's key (with ``kms:RequestAlias``);
Decrypt without a KeyId on the key its ciphertext names; ReEncrypt needs
``kms:ReEncryptFrom`` on the source key and ``kms:ReEncryptTo`` on the destination key;
the alias operations need the action on the alias and on its key. Key policies are not
part of the check yet (see docs/services/kms.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudlet.auth.authorize import Check
from cloudlet.core import arns
from cloudlet.core.errors import ServiceError
from cloudlet.services.kms import ciphertext

if TYPE_CHECKING:
    from cloudlet.services.base import RequestContext
    from cloudlet.services.kms.handlers import Kms

#: Operations on no particular key (the action on ``*``).
NO_KEY = frozenset(
    {"CreateKey", "ListKeys", "ListAliases", "GenerateRandom", "ListRetirableGrants"}
)


def checks_for(kms: Kms, ctx: RequestContext) -> list[Check]:
    op, params = ctx.operation_name, ctx.params
    action = f"kms:{op}"
    principal = ctx.principal
    if op in NO_KEY or (principal is not None and principal.is_root):
        # The account's root may use its own keys; the handler refuses other accounts' keys.
        return [Check(action)]
    if op == "ReEncrypt":
        source = params.get("SourceKeyId")
        return [
            _on_blob(ctx, "kms:ReEncryptFrom", params.get("CiphertextBlob"))
            if not source
            else _on_key(kms, ctx, "kms:ReEncryptFrom", source),
            _on_key(kms, ctx, "kms:ReEncryptTo", params.get("DestinationKeyId") or ""),
        ]
    if op in ("CreateAlias", "UpdateAlias", "DeleteAlias"):
        return _alias_checks(kms, ctx, action, params)
    ref = params.get("KeyId")
    if op == "Decrypt" and not ref:
        return [_on_blob(ctx, action, params.get("CiphertextBlob"))]
    if not ref:
        return [Check(action)]  # RetireGrant by token
    return [_on_key(kms, ctx, action, ref)]


def _on_key(kms: Kms, ctx: RequestContext, action: str, ref: str) -> Check:
    arn, account, alias = key_resource(kms, ctx.account_id, ctx.region, ref)
    context = {"kms:RequestAlias": alias} if alias else {}
    return Check(action, arn, account, context=context)


def _on_blob(ctx: RequestContext, action: str, blob: Any) -> Check:
    try:
        header, _ = ciphertext.unpack(blob or b"")
    except ServiceError:
        return Check(action)  # not our blob: Decrypt answers InvalidCiphertextException
    arn = arns.build("kms", ctx.region, ctx.account_id, f"key/{header.key_id}")
    return Check(action, arn, ctx.account_id)


def _alias_checks(
    kms: Kms, ctx: RequestContext, action: str, params: dict[str, Any]
) -> list[Check]:
    name = params.get("AliasName") or ""
    checks = [Check(action, arns.build("kms", ctx.region, ctx.account_id, name), ctx.account_id)]
    target = params.get("TargetKeyId")
    if target is None:
        alias = kms.aliases.get(ctx.account_id, ctx.region, name)
        target = alias.key_id if alias is not None else None
    if target:
        checks.append(_on_key(kms, ctx, action, target))
    return checks


def key_resource(kms: Kms, account_id: str, region: str, ref: str) -> tuple[str, str, str]:
    """(key ARN, its account, the alias used or "") without creating anything."""
    if ref.startswith("arn:"):
        try:
            arn = arns.parse(ref)
        except ValueError:
            return ref, account_id, ""
        if not arn.resource.startswith("alias/"):
            return ref, arn.account, ""
        account_id, region, ref = arn.account, arn.region, arn.resource
    if ref.startswith("alias/"):
        alias = kms.aliases.get(account_id, region, ref)
        if alias is None:
            return arns.build("kms", region, account_id, ref), account_id, ref
        return arns.build("kms", region, account_id, f"key/{alias.key_id}"), account_id, ref
    return arns.build("kms", region, account_id, f"key/{ref}"), account_id, ""
