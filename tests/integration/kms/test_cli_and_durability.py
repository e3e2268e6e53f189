"""The aws CLI end to end; keys surviving a restart; deletion and rotation on the clock."""

from __future__ import annotations

import base64
import stat
from pathlib import Path
from typing import Any

from ..conftest import AwsCli, Server, make_client
from .conftest import expect_error

DAY = 86400


def test_aws_cli_encrypt_decrypt(aws: AwsCli, tmp_path: Path) -> None:
    key = aws.json("kms", "create-key", "--description", "cli key")["KeyMetadata"]
    alias = f"alias/cli-{key['KeyId'][:8]}"
    aws("kms", "create-alias", "--alias-name", alias, "--target-key-id", key["KeyId"])
    (tmp_path / "plain.txt").write_bytes(b"postgres://user:pass@db/warehouse")
    blob = aws(
        "kms", "encrypt", "--key-id", alias, "--plaintext", "fileb://plain.txt",
        "--encryption-context", "app=etl", "--query", "CiphertextBlob", "--output", "text",
    ).stdout.strip()  # fmt: skip
    (tmp_path / "blob.bin").write_bytes(base64.b64decode(blob))
    plaintext = aws(
        "kms", "decrypt", "--ciphertext-blob", "fileb://blob.bin",
        "--encryption-context", "app=etl", "--query", "Plaintext", "--output", "text",
    ).stdout.strip()  # fmt: skip
    assert base64.b64decode(plaintext) == b"postgres://user:pass@db/warehouse"
    failed = aws("kms", "decrypt", "--ciphertext-blob", "fileb://blob.bin", check=False)
    assert failed.returncode != 0 and "InvalidCiphertextException" in failed.stderr
    aws("kms", "schedule-key-deletion", "--key-id", key["KeyId"], "--pending-window-in-days", "7")


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_keys_survive_restart_and_material_stays_wrapped(own_server: Server) -> None:
    own_server.start()
    kms = make_client(own_server.endpoint, "kms")
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/kept", TargetKeyId=key["KeyId"])
    blob = kms.encrypt(KeyId="alias/kept", Plaintext=b"durable")["CiphertextBlob"]
    data_key = kms.generate_data_key(KeyId=key["KeyId"], KeySpec="AES_256")
    kms.rotate_key_on_demand(KeyId=key["KeyId"])
    signer = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    public = kms.get_public_key(KeyId=signer["KeyId"])["PublicKey"]

    own_server.restart()
    kms = make_client(own_server.endpoint, "kms")
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"durable"
    recovered = kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"]
    assert recovered == data_key["Plaintext"]
    assert kms.describe_key(KeyId="alias/kept")["KeyMetadata"]["KeyId"] == key["KeyId"]
    assert kms.get_public_key(KeyId=signer["KeyId"])["PublicKey"] == public
    assert len(kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"]) == 1

    master = own_server.data_dir / "kms" / "master.key"
    assert stat.S_IMODE(master.stat().st_mode) == 0o600
    assert len(master.read_bytes()) == 32
    for path in _files(own_server.data_dir):
        assert data_key["Plaintext"] not in path.read_bytes(), path


def test_clock_deletes_keys_and_rotates_them(own_server: Server) -> None:
    own_server.start()
    kms = make_client(own_server.endpoint, "kms")
    doomed = kms.create_key()["KeyMetadata"]
    blob = kms.encrypt(KeyId=doomed["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.create_alias(AliasName="alias/doomed", TargetKeyId=doomed["KeyId"])
    kms.schedule_key_deletion(KeyId=doomed["KeyId"], PendingWindowInDays=7)
    rotating = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"], RotationPeriodInDays=90)
    before = kms.encrypt(KeyId=rotating["KeyId"], Plaintext=b"before rotation")

    own_server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 6 * DAY})
    assert kms.describe_key(KeyId=doomed["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"

    own_server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 2 * DAY})
    expect_error(lambda: kms.describe_key(KeyId=doomed["KeyId"]), "NotFoundException")
    expect_error(lambda: kms.describe_key(KeyId="alias/doomed"), "NotFoundException")
    expect_error(lambda: kms.decrypt(CiphertextBlob=blob), "InvalidCiphertextException")

    own_server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 85 * DAY})
    rotations: Any = kms.list_key_rotations(KeyId=rotating["KeyId"])["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["AUTOMATIC"]
    status = kms.get_key_rotation_status(KeyId=rotating["KeyId"])
    assert status["NextRotationDate"].timestamp() > rotations[0]["RotationDate"].timestamp()
    back = kms.decrypt(CiphertextBlob=before["CiphertextBlob"])
    assert back["Plaintext"] == b"before rotation"
    assert back["KeyMaterialId"] == rotating["CurrentKeyMaterialId"]
