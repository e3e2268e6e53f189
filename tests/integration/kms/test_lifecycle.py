"""Scheduled deletion: the 7–30 day window, KMSInvalidStateException meanwhile, cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import expect_error


@pytest.mark.parametrize(
    ("days", "bound"),
    [(6, "greater than or equal to 7"), (31, "less than or equal to 30")],
)
def test_pending_window_must_be_7_to_30_days(
    kms: Any, key: dict[str, Any], days: int, bound: str
) -> None:
    expect_error(
        lambda: kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=days),
        "ValidationException",
        message=f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed "
        f"to satisfy constraint: Member must have value {bound}",
    )


def test_schedule_and_cancel_deletion(kms: Any, key: dict[str, Any]) -> None:
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"before")["CiphertextBlob"]
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert scheduled["KeyId"] == key["Arn"]
    assert scheduled["KeyState"] == "PendingDeletion"
    assert scheduled["PendingWindowInDays"] == 7
    expected = datetime.now(UTC) + timedelta(days=7)
    assert abs((scheduled["DeletionDate"] - expected).total_seconds()) < 120
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and meta["PendingDeletionWindowInDays"] == 7

    pending = f"{key['Arn']} is pending deletion."
    for call in (
        lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"),
        lambda: kms.decrypt(CiphertextBlob=blob),
        lambda: kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256"),
        lambda: kms.enable_key(KeyId=key["KeyId"]),
        lambda: kms.schedule_key_deletion(KeyId=key["KeyId"]),
    ):
        expect_error(call, "KMSInvalidStateException", message=pending)

    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"
    expect_error(lambda: kms.cancel_key_deletion(KeyId=key["KeyId"]), "KMSInvalidStateException")
    kms.enable_key(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before"


def test_disabled_key_refuses_cryptography(kms: Any, key: dict[str, Any]) -> None:
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    disabled = f"{key['Arn']} is disabled."
    expect_error(
        lambda: kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x"), "DisabledException", 400, disabled
    )
    expect_error(lambda: kms.decrypt(CiphertextBlob=blob), "DisabledException", 400, disabled)
    expect_error(
        lambda: kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=16), "DisabledException"
    )
