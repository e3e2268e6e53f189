"""GetRandomPassword: every option of the API, drawn from the ``secrets`` module.

https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
"""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any

from cloudlet.services.base import RequestContext, operation
from cloudlet.services.secretsmanager.errors import InvalidParameterException

if TYPE_CHECKING:
    from cloudlet.services.secretsmanager.handlers import SecretsManager

#: The punctuation AWS draws from: every printable ASCII symbol.
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def random_password(params: dict[str, Any]) -> str:
    length = int(params.get("PasswordLength") or 32)
    if not 1 <= length <= 4096:
        raise InvalidParameterException("PasswordLength must be between 1 and 4096.")
    excluded = set(params.get("ExcludeCharacters") or "")
    groups = []
    for flag, chars in (
        ("ExcludeLowercase", string.ascii_lowercase),
        ("ExcludeUppercase", string.ascii_uppercase),
        ("ExcludeNumbers", string.digits),
        ("ExcludePunctuation", PUNCTUATION),
    ):
        if not params.get(flag):
            groups.append("".join(c for c in chars if c not in excluded))
    if params.get("IncludeSpace") and " " not in excluded:
        groups.append(" ")
    groups = [g for g in groups if g]
    if not groups:
        raise InvalidParameterException(
            "The password can't be generated: every character type is excluded."
        )
    pool = "".join(groups)
    require_each = params.get("RequireEachIncludedType", True)
    if require_each and length < len(groups):
        raise InvalidParameterException(
            f"The password length {length} is too short to include a character of each of "
            f"the {len(groups)} included types."
        )
    chars = [secrets.choice(g) for g in groups] if require_each else []
    chars += [secrets.choice(pool) for _ in range(length - len(chars))]
    # Shuffle so the required characters are not always first.
    for i in range(len(chars) - 1, 0, -1):
        j = secrets.randbelow(i + 1)
        chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


@operation("GetRandomPassword")
def get_random_password(
    sm: SecretsManager, ctx: RequestContext, params: dict[str, Any]
) -> dict[str, Any]:
    return {"RandomPassword": random_password(params)}
