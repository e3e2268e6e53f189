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


def test_access_log_has_one_structured_line_per_request(tmp_path: Path) -> None:
    server = Server(tmp_path / "data")
    try:
        server.start("--log-level", "info", "--workers", "1")
        make_client(server.endpoint, "sts").get_caller_identity()
    finally:
        server.stop()
    assert server.log_path is not None
    lines = [
        json.loads(line.split("cloudlet.access ", 1)[1])
        for line in server.log_path.read_text().splitlines()
        if "cloudlet.access " in line
    ]
    [entry] = [e for e in lines if e["operation"] == "GetCallerIdentity"]
    assert entry["service"] == "sts"
    assert entry["status"] == 200
    assert entry["principal"] == "arn:aws:iam::000000000000:root"
    assert entry["bytes_out"] > 0 and entry["duration_ms"] >= 0


def test_sigterm_lets_an_upload_in_flight_finish(own_server: Server) -> None:
    import socket
    import threading
    import time

    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    own_server.start()
    make_client(own_server.endpoint, "s3").create_bucket(Bucket="graceful")
    body = b"x" * (1024 * 1024)
    request = AWSRequest(
        method="PUT",
        url=f"{own_server.endpoint}/graceful/slow",
        data=body,  # signed with the body's SHA-256, checked when the last byte arrives
        headers={"Content-Length": str(len(body))},
    )
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    sock = socket.create_connection(("127.0.0.1", own_server.port))
    head = f"PUT /graceful/slow HTTP/1.1\r\nHost: 127.0.0.1:{own_server.port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in request.headers.items() if k.lower() != "host")
    sock.sendall(head.encode() + b"\r\n" + body[:1000])
    time.sleep(0.5)
    assert own_server.process is not None
    stopper = threading.Thread(target=own_server.stop)
    stopper.start()  # SIGTERM while the body is half sent
    time.sleep(0.5)
    sock.sendall(body[1000:])
    response = sock.recv(4096).decode()
    sock.close()
    stopper.join()
    assert response.startswith("HTTP/1.1 200"), response
    own_server.start()
    got = make_client(own_server.endpoint, "s3").get_object(Bucket="graceful", Key="slow")
    assert got["Body"].read() == body


def test_a_second_server_on_the_same_data_dir_or_port_is_refused(own_server: Server) -> None:
    own_server.start()
    same_dir = cloudlet(
        "serve", "--port", "0", "--data-dir", str(own_server.data_dir), "--workers", "2"
    )
    assert same_dir.returncode == 1
    assert "another cloudlet server is using this data directory" in same_dir.stderr
    other_dir = own_server.data_dir.parent / "other"
    same_port = cloudlet(
        "serve", "--port", str(own_server.port), "--data-dir", str(other_dir), "--workers", "2"
    )
    assert same_port.returncode == 1
    assert "cannot start" in same_port.stderr
