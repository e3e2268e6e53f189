"""Athena on a server of the test's own: queries while the server starts, and what the
server holds open after many queries."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
import uuid
from typing import Any

from botocore.exceptions import BotoCoreError

from ..conftest import Server, make_client
from .conftest import Lake

QUERIES = 12

#: Runs for minutes: the test stops it.
ENDLESS_QUERY = (
    "SELECT sum(a * b) FROM UNNEST(sequence(1, 200000)) AS t(a) "
    "CROSS JOIN UNNEST(sequence(1, 200000)) AS u(b)"
)


def new_lake(server: Server) -> Lake:
    s3 = make_client(server.endpoint, "s3")
    bucket = f"server-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    return Lake(make_client(server.endpoint, "athena"), s3, bucket, "default")


def state(lake: Lake, query_id: str) -> dict[str, Any]:
    return lake.athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]


def health_pid(server: Server) -> int | None:
    try:
        with urllib.request.urlopen(server.endpoint + "/_cloudlet/health", timeout=5) as response:
            return int(json.loads(response.read())["pid"])
    except OSError:
        return None


def test_no_worker_serves_before_worker_0_has_recovered(own_server: Server) -> None:
    """Worker 0 fails the queries an earlier server left running when it starts; a query
    another worker took meanwhile would be failed with them. So the other workers serve
    only once worker 0 has recovered.

    Worker 0 is held (SIGSTOP) from its fork until worker 1 is done starting (it stops
    using the CPU: waiting, or serving what this test sends it), so worker 0 starts last
    whatever the machine's timing.
    """
    own_server.start("--workers", "2")  # a data directory with every database made
    lake = new_lake(own_server)
    own_server.stop()

    own_server.start("--workers", "2", wait=False)
    deadline = time.time() + 30
    while not own_server.workers():
        assert time.time() < deadline, "no worker started"
    primary = own_server.workers()[0]
    os.kill(primary, signal.SIGSTOP)
    token = uuid.uuid4().hex
    early: str | None = None
    try:
        impatient = make_client(own_server.endpoint, "athena", connect_timeout=1, read_timeout=1)
        quick = Lake(impatient, lake.s3, lake.bucket, lake.database)
        while len(own_server.workers()) < 2:
            assert time.time() < deadline, "worker 1 did not start"
        other = Idle(own_server.workers()[1])
        while not other.settled():
            assert time.time() < deadline, "worker 1 did not settle"
            try:
                early = quick.start(ENDLESS_QUERY, ClientRequestToken=token)
                break
            except BotoCoreError:  # nobody serves (or worker 0 holds it, and will later)
                time.sleep(0.1)
    finally:
        os.kill(primary, signal.SIGCONT)
    query_id = lake.start(ENDLESS_QUERY, ClientRequestToken=token)
    assert early in (None, query_id)
    deadline = time.time() + 30
    while health_pid(own_server) != primary:  # once worker 0 answers, it has recovered
        assert time.time() < deadline, "worker 0 does not answer"
    status = state(lake, query_id)
    assert status["State"] in ("QUEUED", "RUNNING"), status
    assert early is None, "worker 1 served while worker 0 was starting"
    lake.athena.stop_query_execution(QueryExecutionId=query_id)
    assert lake.wait(query_id)["Status"]["State"] == "CANCELLED"


class Idle:
    """Whether a process has stopped using the CPU for a second (from /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.ticks = -1
        self.since = time.monotonic()

    def settled(self) -> bool:
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # user and system time
        now = time.monotonic()
        if ticks != self.ticks:
            self.ticks, self.since = ticks, now
        return now - self.since > 1.0


def test_queries_do_not_leak_file_descriptors(own_server: Server) -> None:
    own_server.start()
    lake = new_lake(own_server)
    for _ in range(6):  # fill the query pool of every worker
        lake.run("SELECT 1")
    time.sleep(0.3)
    before = own_server.open_fds()
    for index in range(QUERIES):
        lake.run(f"SELECT {index}")
    time.sleep(0.3)
    grown = own_server.open_fds() - before
    assert grown < QUERIES, f"{grown} more descriptors open after {QUERIES} queries"
