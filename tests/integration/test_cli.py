"""The `cloudlet` command as a user types it: status, accounts, the non-loopback guard."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import Server, make_client


def cloudlet(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cloudlet.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_status_reports_a_running_server(server: Server) -> None:
    result = cloudlet("status", "--endpoint", server.endpoint)
    assert result.returncode == 0, result.stderr
    assert f"at {server.endpoint}: running" in result.stdout
    assert "s3" in result.stdout and "iam" in result.stdout


def test_status_without_a_server(tmp_path: Path) -> None:
    result = cloudlet("status", "--endpoint", "http://127.0.0.1:9")
    assert result.returncode == 1
    assert "no cloudlet answers" in result.stdout


def test_accounts_create_gives_working_isolated_keys(own_server: Server) -> None:
    own_server.start()
    result = cloudlet(
        "accounts", "create", "--name", "team-b", "--data-dir", str(own_server.data_dir)
    )
    assert result.returncode == 0, result.stderr
    account = json.loads(result.stdout)
    assert len(account["AccountId"]) == 12 and account["AccountId"].isdigit()
    sts = make_client(
        own_server.endpoint,
        "sts",
        access_key=account["AccessKeyId"],
        secret_key=account["SecretAccessKey"],
    )
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{account['AccountId']}:root"
    listed = cloudlet("accounts", "list", "--data-dir", str(own_server.data_dir)).stdout
    assert account["AccountId"] in listed and "team-b" in listed


def test_non_loopback_with_default_keys_is_refused(tmp_path: Path) -> None:
    result = cloudlet("serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 with the default root credentials" in result.stderr


def test_serve_prints_endpoint_keys_and_export_line(own_server: Server) -> None:
    own_server.start()
    assert own_server.log_path is not None
    banner = own_server.log_path.read_text()
    assert f"serving on {own_server.endpoint}" in banner
    assert "access key: test" in banner and "secret key: test" in banner
    assert f"export AWS_ENDPOINT_URL={own_server.endpoint}" in banner
