"""A real ``cloudlet serve`` per test session, on a free port with a temporary data dir.

Clients are real boto3 and the real ``aws`` CLI run as a subprocess, exactly as a user
types it. Factories create resources with unique names so tests can run in parallel.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

ACCESS_KEY = "test"
SECRET_KEY = "test"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A cloudlet server process that tests may stop, kill and restart on the same data."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *extra: str, wait: bool = True) -> None:
        """Start ``cloudlet serve``; with ``wait``, return once it answers its health check."""
        self.log_path = self.data_dir.parent / f"server-{self.port}-{time.time_ns()}.log"
        env = {**os.environ, **self.env}
        with self.log_path.open("wb") as log:
            self._spawn(log, env, extra)
        if wait:
            self._wait_ready()

    def workers(self) -> list[int]:
        """The pids of the worker processes (the server's children), oldest first."""
        assert self.process is not None
        return children(self.process.pid)

    def open_fds(self) -> int:
        """Open file descriptors of the server process and its workers, together."""
        assert self.process is not None
        total = 0
        for pid in (self.process.pid, *self.workers()):
            with contextlib.suppress(FileNotFoundError):
                total += len(os.listdir(f"/proc/{pid}/fd"))
        return total

    def _spawn(self, log: Any, env: dict[str, str], extra: tuple[str, ...]) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cloudlet.cli",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
                "--log-level",
                "warning",
                *extra,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def _wait_ready(self) -> None:
        assert self.process is not None and self.log_path is not None
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(self.endpoint + "/_cloudlet/health", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """``kill -9``: no chance to flush or clean up."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            self.endpoint + path,
            method=method,
            data=json.dumps(body or {}).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {ACCESS_KEY}:{SECRET_KEY}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


def children(pid: int) -> list[int]:
    """The pids of a process's children (from /proc), in the order they were forked."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # the name, in parentheses, may hold spaces
        if int(fields[1]) == pid:
            found.append((int(fields[19]), int(entry)))  # (start time, pid)
    return [child for _, child in sorted(found)]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("cloudlet") / "data")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Server]:
    """A server of the test's own, for restart and crash tests."""
    srv = Server(tmp_path / "data")
    yield srv
    srv.kill()


def make_client(
    endpoint: str,
    service: str,
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    region: str = REGION,
    session_token: str | None = None,
    **config: Any,
) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        region_name=region,
        config=Config(retries={"max_attempts": 1}, **config),
    )


@pytest.fixture(scope="session")
def client_factory(server: Server) -> Callable[..., Any]:
    def factory(service: str, **kwargs: Any) -> Any:
        return make_client(server.endpoint, service, **kwargs)

    return factory


@pytest.fixture(scope="session")
def s3(client_factory: Callable[..., Any]) -> Any:
    return client_factory("s3")


@pytest.fixture(scope="session")
def sts(client_factory: Callable[..., Any]) -> Any:
    return client_factory("sts")


@dataclass
class AwsCli:
    """The real ``aws`` command, run as a user types it."""

    endpoint: str
    env: dict[str, str]
    cwd: Path

    def __call__(
        self, *args: str, check: bool = True, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["aws", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=300,
            input=input,
        )
        if check and result.returncode != 0:
            command = " ".join(args)
            raise AssertionError(
                f"aws {command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--output", "json").stdout)


@pytest.fixture
def aws(server: Server, tmp_path: Path) -> AwsCli:
    aws_bin = shutil.which("aws")
    if aws_bin is None:
        pytest.fail("the aws CLI is not installed; run scripts/install")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "AWS_ENDPOINT_URL": server.endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_PAGER": "",
    }
    return AwsCli(server.endpoint, env, tmp_path)


@pytest.fixture
def bucket_factory(s3: Any) -> Iterator[Callable[..., str]]:
    """Create buckets with unique names; empty and delete them after the test."""
    created: list[tuple[Any, str]] = []

    def factory(prefix: str = "test", client: Any = None, **kwargs: Any) -> str:
        client = client or s3
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=name, **kwargs)
        created.append((client, name))
        return name

    yield factory
    for client, name in created:
        _empty_and_delete(client, name)


def _empty_and_delete(client: Any, bucket: str) -> None:
    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
        for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            client.abort_multipart_upload(
                Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )
        client.delete_bucket(Bucket=bucket)
    except client.exceptions.NoSuchBucket:
        pass


@pytest.fixture
def bucket(bucket_factory: Callable[..., str]) -> str:
    return bucket_factory()
