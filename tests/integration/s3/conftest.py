"""Shared S3 test helpers: asserting AWS errors, and a second account to test isolation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ..conftest import Server, make_client


def expect_error(
    call: Callable[..., Any],
    code: str,
    status: int,
    message: str | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Call ``call(**params)``; assert it fails with this code, HTTP status and message.

    HEAD responses carry no body, so botocore names their error by the status ("404").
    """
    with pytest.raises(ClientError) as info:
        call(**params)
    response = info.value.response
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    if message is not None:
        assert response["Error"]["Message"] == message, response
    return response


@pytest.fixture(scope="module")
def other_account(server: Server) -> dict[str, Any]:
    """A second AWS account with its own root keys."""
    return server.admin("POST", "/_cloudlet/accounts", {"name": "other"})


@pytest.fixture(scope="module")
def other_s3(server: Server, other_account: dict[str, Any]) -> Any:
    return make_client(
        server.endpoint,
        "s3",
        access_key=other_account["AccessKeyId"],
        secret_key=other_account["SecretAccessKey"],
    )
