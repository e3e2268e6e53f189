"""Crash safety: kill -9 mid-write, clients that hang up, restarts, orphan cleanup."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.integration.conftest import Server, make_client


def blob_files(server: Server) -> list[Path]:
    root = server.data_dir / "s3" / "blobs"
    return [p for p in root.rglob("*") if p.is_file()]


def wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def body_for(index: int) -> bytes:
    seed = hashlib.sha256(str(index).encode()).digest()
    return seed * (1 + index * 997 % 4000)  # 32 B .. 128 KiB, different per key


def test_kill_9_during_100_concurrent_uploads(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3", max_pool_connections=32)
    s3.create_bucket(Bucket="crash")
    acknowledged: set[str] = set()

    def upload(index: int) -> str:
        key = f"obj/{index:03d}"
        s3.put_object(Bucket="crash", Key=key, Body=body_for(index))
        return key

    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(upload, i) for i in range(100)]
        time.sleep(0.3)  # let some finish, keep others in flight
        own_server.kill()
        for future in as_completed(futures):
            try:
                key = future.result()
            except Exception:
                continue  # never acknowledged: may or may not exist, must not be partial
            acknowledged.add(key)

    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    listed = {
        o["Key"]: o["Size"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="crash")
        for o in page.get("Contents", [])
    }
    print(f"{len(acknowledged)} of 100 uploads acknowledged before the kill")
    assert acknowledged <= listed.keys(), "an acknowledged upload was lost"
    for key, size in listed.items():
        expected = body_for(int(key.split("/")[1]))
        got = s3.get_object(Bucket="crash", Key=key)["Body"].read()
        assert size == len(expected) and got == expected, f"{key} is partial or corrupt"
    # Files of uploads that never committed are removed in the background after start.
    wait_for(lambda: len(blob_files(own_server)) == len(listed))


def _raw_put(endpoint: str, path: str, declared: int, sent: bytes) -> None:
    """Send a PUT that promises ``declared`` bytes, send fewer, and hang up."""
    request = AWSRequest(
        method="PUT",
        url=endpoint + path,
        headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD", "Content-Length": str(declared)},
    )
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    split = urlsplit(endpoint)
    with socket.create_connection((split.hostname, split.port)) as sock:
        head = f"PUT {path} HTTP/1.1\r\nHost: {split.netloc}\r\n"
        for name, value in request.headers.items():
            if name.lower() != "host":
                head += f"{name}: {value}\r\n"
        sock.sendall(head.encode() + b"\r\n" + sent)
        time.sleep(0.3)


def test_client_hanging_up_mid_upload_leaves_nothing(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="hangup")
    s3.put_object(Bucket="hangup", Key="keep", Body=b"kept")
    before = len(blob_files(own_server))
    _raw_put(own_server.endpoint, "/hangup/partial", 10 * 1024 * 1024, b"x" * (1024 * 1024))
    wait_for(lambda: len(blob_files(own_server)) == before)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="hangup").get("Contents", [])]
    assert keys == ["keep"]
    # The server is still healthy and the old object intact.
    assert s3.get_object(Bucket="hangup", Key="keep")["Body"].read() == b"kept"


def test_overwrite_and_delete_free_their_files(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="files")
    s3.put_object(Bucket="files", Key="k", Body=b"one")
    assert len(blob_files(own_server)) == 1
    s3.put_object(Bucket="files", Key="k", Body=b"two")
    assert len(blob_files(own_server)) == 1
    s3.copy_object(Bucket="files", Key="k2", CopySource="files/k")
    assert len(blob_files(own_server)) == 2
    s3.delete_object(Bucket="files", Key="k")
    assert s3.get_object(Bucket="files", Key="k2")["Body"].read() == b"two"
    s3.delete_object(Bucket="files", Key="k2")
    assert blob_files(own_server) == []


def test_restart_keeps_buckets_objects_and_metadata(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="persist")
    s3.put_object(
        Bucket="persist",
        Key="dir/a.json",
        Body=b'{"a": 1}',
        ContentType="application/json",
        Metadata={"team": "data"},
        Tagging="env=dev",
    )
    s3.put_bucket_tagging(Bucket="persist", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    own_server.restart()
    s3 = make_client(own_server.endpoint, "s3")
    obj = s3.get_object(Bucket="persist", Key="dir/a.json")
    assert obj["Body"].read() == b'{"a": 1}'
    assert obj["ContentType"] == "application/json"
    assert obj["Metadata"] == {"team": "data"}
    assert obj["TagCount"] == 1
    assert s3.get_bucket_tagging(Bucket="persist")["TagSet"] == [{"Key": "k", "Value": "v"}]
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["persist"]


def test_keys_never_become_paths(own_server: Server) -> None:
    own_server.start()
    s3 = make_client(own_server.endpoint, "s3")
    s3.create_bucket(Bucket="paths")
    outside = own_server.data_dir.parent / "escaped"
    for key in ("../../escaped", "../escaped", "/abs/escaped", "a", "a/b", "a/b/c"):
        s3.put_object(Bucket="paths", Key=key, Body=key.encode())
    for key in ("../../escaped", "../escaped", "/abs/escaped", "a", "a/b", "a/b/c"):
        assert s3.get_object(Bucket="paths", Key=key)["Body"].read() == key.encode()
    assert not outside.exists()
    names = {p.name for p in own_server.data_dir.rglob("*")}
    assert "escaped" not in names and "c" not in names
    assert os.path.isdir(own_server.data_dir / "s3" / "blobs")
