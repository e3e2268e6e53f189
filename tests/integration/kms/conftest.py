"""Shared KMS test helpers: a client, a key factory, AWS error assertions."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


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
def kms(client_factory: Callable[..., Any]) -> Any:
    return client_factory("kms")


@pytest.fixture
def key_factory(kms: Any) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create keys; schedule the ones still enabled or disabled for deletion afterwards."""
    created: list[str] = []

    def factory(**kwargs: Any) -> dict[str, Any]:
        meta = kms.create_key(**kwargs)["KeyMetadata"]
        created.append(meta["KeyId"])
        return meta

    yield factory
    for key_id in created:
        with contextlib.suppress(ClientError):  # already pending deletion
            kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


@pytest.fixture
def key(key_factory: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """A symmetric encryption key."""
    return key_factory(Description="test key")
