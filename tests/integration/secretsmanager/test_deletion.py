"""DeleteSecret with a recovery window or without; RestoreSecret; access while scheduled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import MARKED, NOT_FOUND, expect_error

Names = Callable[[str], str]


@pytest.mark.parametrize("days", [6, 31])
def test_recovery_window_must_be_7_to_30_days(sm: Any, secret: dict[str, Any], days: int) -> None:
    expect_error(
        lambda: sm.delete_secret(SecretId=secret["Name"], RecoveryWindowInDays=days),
        "InvalidParameterException",
        400,
        "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
    )


def test_force_and_window_together(sm: Any, secret: dict[str, Any]) -> None:
    expect_error(
        lambda: sm.delete_secret(
            SecretId=secret["Name"], RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True
        ),
        "InvalidParameterException",
        400,
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
    )


def test_scheduled_deletion_and_restore(sm: Any, secret: dict[str, Any]) -> None:
    name = secret["Name"]
    deleted = sm.delete_secret(SecretId=name, RecoveryWindowInDays=10)
    expected = datetime.now(UTC) + timedelta(days=10)
    assert abs((deleted["DeletionDate"] - expected).total_seconds()) < 120
    assert "DeletedDate" in sm.describe_secret(SecretId=name)
    for call in (
        lambda: sm.get_secret_value(SecretId=name),
        lambda: sm.put_secret_value(SecretId=name, SecretString="x"),
        lambda: sm.update_secret(SecretId=name, Description="x"),
        lambda: sm.delete_secret(SecretId=name),
    ):
        expect_error(call, "InvalidRequestException", 400, MARKED)
    expect_error(
        lambda: sm.create_secret(Name=name, SecretString="again"),
        "InvalidRequestException",
        400,
        "You can't create this secret because a secret with this name is already scheduled "
        "for deletion.",
    )
    restored = sm.restore_secret(SecretId=name)
    assert restored["ARN"] == secret["ARN"]
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "first"
    assert "DeletedDate" not in sm.describe_secret(SecretId=name)


def test_force_delete_frees_the_name(sm: Any, secret: dict[str, Any]) -> None:
    name = secret["Name"]
    sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    expect_error(
        lambda: sm.describe_secret(SecretId=name), "ResourceNotFoundException", 400, NOT_FOUND
    )
    again = sm.create_secret(Name=name, SecretString="reborn")
    assert again["ARN"] != secret["ARN"]  # a new random suffix
    expect_error(lambda: sm.describe_secret(SecretId=secret["ARN"]), "ResourceNotFoundException")
