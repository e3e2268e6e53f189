"""ListSecrets: filters, sorting and pagination (also used by BatchGetSecretValue).

Filter semantics (https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_search-secret.html):
``name``, ``tag-key``, ``tag-value``, ``primary-region`` and ``owning-service`` match a
prefix, case-sensitive; ``description`` and ``all`` split the value into words and match
word prefixes, not case-sensitive (``all`` searches the name, description and tags). A
value starting with ``!`` excludes what it matches. Values of one filter are alternatives;
several filters must all match.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.secretsmanager.errors import (
    InvalidNextTokenException,
    InvalidParameterException,
)
from cloudlet.services.secretsmanager.secrets import Secret

if TYPE_CHECKING:
    from cloudlet.services.secretsmanager.handlers import SecretsManager

T = TypeVar("T")
FILTER_KEYS = (
    "description",
    "name",
    "tag-key",
    "tag-value",
    "primary-region",
    "owning-service",
    "all",
)
_VALUE = re.compile(r"^!?[a-zA-Z0-9 :_@/+=.\-!]*$")
_WORD = re.compile(r"[A-Za-z0-9]+")
_SORT_COLUMNS = {
    "created-date": "created",
    "last-accessed-date": "last_accessed",
    "last-changed-date": "last_changed",
    "name": "name",
}


def describe(sm: SecretsManager, secret: Secret, stages_member: str) -> dict[str, Any]:
    """DescribeSecret's output; ListSecrets names the label map ``SecretVersionsToStages``."""
    out: dict[str, Any] = {
        "ARN": secret.arn,
        "Name": secret.name,
        "CreatedDate": secret.created,
        "LastChangedDate": secret.last_changed,
        stages_member: {v: list(s) for v, s in sm.secrets.stages(secret.arn).items()},
    }
    optional = {
        "Description": secret.description,
        # Omitted for the AWS managed key aws/secretsmanager, as AWS omits it.
        "KmsKeyId": secret.kms_key_id,
        "Type": secret.type,
        "RotationEnabled": secret.rotation_enabled,
        "RotationLambdaARN": secret.rotation_lambda,
        "RotationRules": secret.rotation_rules,
        "LastRotatedDate": secret.last_rotated,
        "NextRotationDate": secret.next_rotation if secret.rotation_enabled else None,
        "LastAccessedDate": secret.last_accessed,
        "DeletedDate": secret.deleted_date,
    }
    out.update({k: v for k, v in optional.items() if v is not None})
    tags = sm.secrets.tags(secret.arn)
    if tags:
        out["Tags"] = tags
    return out


@operation("ListSecrets")
def list_secrets(sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    found = matching(
        sm, ctx, params.get("Filters") or [], bool(params.get("IncludePlannedDeletion"))
    )
    column = _SORT_COLUMNS[params.get("SortBy") or "created-date"]
    found.sort(
        key=lambda s: (getattr(s, column) is not None, getattr(s, column) or 0, s.arn),
        reverse=(params.get("SortOrder") or "desc") == "desc",
    )
    secrets, token = page(found, params, default_size=100)
    out: dict[str, Any] = {
        "SecretList": [describe(sm, s, "SecretVersionsToStages") for s in secrets]
    }
    if token:
        out["NextToken"] = token
    return out


def matching(
    sm: SecretsManager,
    ctx: RequestContext,
    filters: list[dict[str, Any]],
    include_deleted: bool,
) -> list[Secret]:
    _check_filters(filters)
    found = []
    for secret in sm.secrets.all(ctx.account_id, ctx.region):
        if secret.deletion_date is not None and not include_deleted:
            continue
        tags = sm.secrets.tags(secret.arn) if filters else []
        if all(_passes(secret, tags, f["Key"], f.get("Values") or []) for f in filters):
            found.append(secret)
    found.sort(key=lambda s: (-s.created, s.arn))
    return found


def _check_filters(filters: list[dict[str, Any]]) -> None:
    for item in filters:
        if item.get("Key") not in FILTER_KEYS:
            raise InvalidParameterException(f"Invalid filter key: {item.get('Key')}")
        values = item.get("Values") or []
        if not 1 <= len(values) <= 10:
            raise InvalidParameterException("A filter needs between 1 and 10 values.")
        for value in values:
            if len(value) > 512 or not _VALUE.match(value):
                raise InvalidParameterException(f"Invalid filter value: {value}")


def _passes(secret: Secret, tags: list[dict[str, str]], key: str, values: list[str]) -> bool:
    wanted = [v for v in values if not v.startswith("!")]
    unwanted = [v[1:] for v in values if v.startswith("!")]
    if any(_matches(secret, tags, key, v) for v in unwanted):
        return False
    return not wanted or any(_matches(secret, tags, key, v) for v in wanted)


def _matches(secret: Secret, tags: list[dict[str, str]], key: str, value: str) -> bool:
    if key == "name":
        return secret.name.startswith(value)
    if key == "tag-key":
        return any(t["Key"].startswith(value) for t in tags)
    if key == "tag-value":
        return any(t["Value"].startswith(value) for t in tags)
    if key == "primary-region":
        return secret.region.startswith(value)
    if key == "owning-service":
        return False  # no secret here is owned by another service
    texts = [secret.description or ""]
    if key == "all":
        texts += [secret.name, *(t["Key"] for t in tags), *(t["Value"] for t in tags)]
    return _words_match(value, texts)


def _words_match(value: str, texts: list[str]) -> bool:
    wanted = [w.lower() for w in _WORD.findall(value)]
    words = [w.lower() for text in texts for w in _WORD.findall(text)]
    return bool(wanted) and all(any(w.startswith(p) for w in words) for p in wanted)


def page(items: Sequence[T], params: dict[str, Any], default_size: int) -> tuple[list[T], str]:
    """One page of ``items`` by ``MaxResults`` / ``NextToken``; the next token or ""."""
    size = params.get("MaxResults") or default_size
    start = _offset(params.get("NextToken"))
    chosen = list(items[start : start + size])
    more = start + size < len(items)
    return chosen, _token(start + size) if more else ""


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidNextTokenException() from exc
    if not isinstance(offset, int) or offset < 0:
        raise InvalidNextTokenException()
    return offset
