"""Values encrypted at rest (scanning every file), restarts, and deletion on the clock."""

from __future__ import annotations

import json
from pathlib import Path

from ..conftest import Server, make_client
from .conftest import expect_error

DAY = 86400
PASSWORD = "correct-horse-battery-staple-0xC0FFEE"
BINARY = b"\x00binary-secret-bytes\xff" * 4


def _holding(root: Path, needle: bytes) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_values_encrypted_at_rest_and_kept_across_restarts(own_server: Server) -> None:
    own_server.start()
    sm = make_client(own_server.endpoint, "secretsmanager")
    value = json.dumps({"user": "etl", "password": PASSWORD})
    sm.create_secret(Name="wysde", SecretString=value)
    sm.create_secret(Name="blob", SecretBinary=BINARY)
    sm.put_secret_value(SecretId="wysde", SecretString=value + " ")
    # Scan while the server runs (WAL included) and after it stopped (checkpointed).
    assert _holding(own_server.data_dir, PASSWORD.encode()) == []
    assert _holding(own_server.data_dir, BINARY) == []
    own_server.stop()
    assert _holding(own_server.data_dir, PASSWORD.encode()) == []
    assert _holding(own_server.data_dir, BINARY) == []

    own_server.start()
    sm = make_client(own_server.endpoint, "secretsmanager")
    assert sm.get_secret_value(SecretId="wysde")["SecretString"] == value + " "
    assert (
        sm.get_secret_value(SecretId="wysde", VersionStage="AWSPREVIOUS")["SecretString"] == value
    )
    assert sm.get_secret_value(SecretId="blob")["SecretBinary"] == BINARY
    assert _holding(own_server.data_dir, PASSWORD.encode()) == []


def test_clock_deletes_secrets_after_the_recovery_window(own_server: Server) -> None:
    own_server.start()
    sm = make_client(own_server.endpoint, "secretsmanager")
    kept = sm.create_secret(Name="kept", SecretString="k")
    gone = sm.create_secret(Name="gone", SecretString="g")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    sm.delete_secret(SecretId="kept", RecoveryWindowInDays=30)

    own_server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 6 * DAY})
    assert sm.describe_secret(SecretId="gone")["ARN"] == gone["ARN"]
    own_server.admin("POST", "/_cloudlet/clock", {"advance_seconds": 2 * DAY})
    expect_error(lambda: sm.describe_secret(SecretId="gone"), "ResourceNotFoundException")
    assert sm.create_secret(Name="gone", SecretString="new")["ARN"] != gone["ARN"]
    sm.restore_secret(SecretId="kept")
    assert sm.get_secret_value(SecretId=kept["ARN"])["SecretString"] == "k"
