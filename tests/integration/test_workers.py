"""Several worker processes share one data directory: what one changes, all see at once."""

from __future__ import annotations

import json
import urllib.request

import pytest
from botocore.exceptions import ClientError

from tests.integration.conftest import Server, make_client


def fresh_s3(server: Server):  # a new client: new connections, so likely another worker
    return make_client(server.endpoint, "s3", max_pool_connections=1)


def test_workers_serve_the_same_port(own_server: Server) -> None:
    own_server.start("--workers", "2")
    pids = set()
    for _ in range(40):
        with urllib.request.urlopen(own_server.endpoint + "/_cloudlet/health") as response:
            pids.add(json.loads(response.read())["pid"])
    assert len(pids) == 2


def test_bucket_changes_are_seen_by_every_worker(own_server: Server) -> None:
    own_server.start("--workers", "2")
    for round_ in range(10):
        name = f"coherent-{round_}"
        fresh_s3(own_server).create_bucket(Bucket=name)
        fresh_s3(own_server).put_object(Bucket=name, Key="k", Body=b"v")
        fresh_s3(own_server).delete_object(Bucket=name, Key="k")
        fresh_s3(own_server).put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": "round", "Value": str(round_)}]}
        )
        tags = fresh_s3(own_server).get_bucket_tagging(Bucket=name)["TagSet"]
        assert tags == [{"Key": "round", "Value": str(round_)}]
        fresh_s3(own_server).delete_bucket(Bucket=name)
        for _ in range(3):
            with pytest.raises(ClientError) as info:
                fresh_s3(own_server).put_object(Bucket=name, Key="late", Body=b"x")
            assert info.value.response["Error"]["Code"] == "NoSuchBucket"


def test_kill_9_of_the_server_stops_every_worker(own_server: Server) -> None:
    own_server.start("--workers", "2")
    pids = set()
    for _ in range(40):
        with urllib.request.urlopen(own_server.endpoint + "/_cloudlet/health") as response:
            pids.add(json.loads(response.read())["pid"])
    own_server.kill()
    import os
    import time

    deadline = time.time() + 10
    alive = set(pids)
    while alive and time.time() < deadline:
        for pid in list(alive):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                alive.discard(pid)
        time.sleep(0.1)
    assert not alive, f"workers {alive} outlived the server"
