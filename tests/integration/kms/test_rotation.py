"""Rotation: every key material version stays, and each ciphertext names its version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .conftest import expect_error


def test_enable_disable_and_status(kms: Any, key: dict[str, Any]) -> None:
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["KeyRotationEnabled"] is False and status["KeyId"] == key["Arn"]
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90
    expected = datetime.now(UTC) + timedelta(days=90)
    assert abs((status["NextRotationDate"] - expected).total_seconds()) < 120
    kms.disable_key_rotation(KeyId=key["KeyId"])
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is False


def test_rotate_on_demand_keeps_old_material(kms: Any, key: dict[str, Any]) -> None:
    old = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"old", EncryptionContext={"v": "1"})
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["KeyId"]
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["CurrentKeyMaterialId"] != key["CurrentKeyMaterialId"]
    new = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"new")
    back_old = kms.decrypt(CiphertextBlob=old["CiphertextBlob"], EncryptionContext={"v": "1"})
    assert back_old["Plaintext"] == b"old"
    assert back_old["KeyMaterialId"] == key["CurrentKeyMaterialId"]
    back_new = kms.decrypt(CiphertextBlob=new["CiphertextBlob"])
    assert back_new["KeyMaterialId"] == meta["CurrentKeyMaterialId"]
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]
    assert rotations[0]["KeyMaterialState"] == "CURRENT"
    everything = kms.list_key_rotations(KeyId=key["KeyId"], IncludeKeyMaterial="ALL_KEY_MATERIAL")
    states = [r["KeyMaterialState"] for r in everything["Rotations"]]
    assert states == ["NON_CURRENT", "CURRENT"]


def test_only_symmetric_keys_rotate(kms: Any, key_factory: Any) -> None:
    signing = key_factory(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
    for call in (
        lambda: kms.enable_key_rotation(KeyId=signing["KeyId"]),
        lambda: kms.get_key_rotation_status(KeyId=signing["KeyId"]),
        lambda: kms.rotate_key_on_demand(KeyId=signing["KeyId"]),
    ):
        expect_error(call, "UnsupportedOperationException")


def test_disabled_key_does_not_rotate(kms: Any, key: dict[str, Any]) -> None:
    kms.disable_key(KeyId=key["KeyId"])
    expect_error(lambda: kms.enable_key_rotation(KeyId=key["KeyId"]), "DisabledException")
    expect_error(lambda: kms.rotate_key_on_demand(KeyId=key["KeyId"]), "DisabledException")
