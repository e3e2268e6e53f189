"""Shared Secrets Manager test helpers: a client, unique secret names, AWS error assertions."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
REGION = "us-east-1"
ARN_PREFIX = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED = "You can't perform this operation on the secret because it was marked for deletion."


def token() -> str:
    """A ClientRequestToken (the VersionId of the version it creates)."""
    return str(uuid.uuid4())


def expect_error(
    call: Callable[[], Any], code: str, status: int = 400, message: str | None = None
) -> dict[str, Any]:
    """Run ``call``; it must fail with AWS error ``code``, HTTP ``status`` and ``message``."""
    with pytest.raises(ClientError) as info:
        call()
    response = info.value.response
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    if message is not None:
        assert response["Error"]["Message"] == message, response
    return response


@pytest.fixture(scope="session")
def sm(client_factory: Callable[..., Any]) -> Any:
    return client_factory("secretsmanager")


@pytest.fixture(scope="session")
def kms(client_factory: Callable[..., Any]) -> Any:
    return client_factory("kms")


@pytest.fixture
def names(sm: Any) -> Iterator[Callable[[str], str]]:
    """Unique secret names; the secrets are force-deleted after the test."""
    made: list[str] = []

    def factory(prefix: str = "test") -> str:
        name = f"{prefix}-{uuid.uuid4().hex[:10]}"
        made.append(name)
        return name

    yield factory
    for name in made:
        with contextlib.suppress(ClientError):
            sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


@pytest.fixture
def secret(sm: Any, names: Callable[[str], str]) -> dict[str, Any]:
    """A secret with one string value (AWSCURRENT)."""
    return sm.create_secret(Name=names("secret"), SecretString="first", ClientRequestToken=token())
