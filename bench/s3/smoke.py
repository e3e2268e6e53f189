"""The S3 data plane's cost per request, in a few seconds: CI prints it, nothing asserts it.

Throughput on a shared 2-core machine swings with the neighbours; the CPU one request
costs the server moves only when the code does. So this drives the real ASGI application
in process (SigV4-signed requests as botocore signs them, the whole pipeline from header
parsing to the serialized response, group commit and fsync included) and reports CPU
microseconds per request for the workloads of ``scripts/bench``, next to wall time.

    python bench/s3/smoke.py [--count 500] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cloudlet.core.cloud import Cloud
from cloudlet.core.config import Config
from cloudlet.gateway.app import App

HOST = "127.0.0.1:4566"
SMALL = b"x" * 4096


class Driver:
    """Signed requests straight into the ASGI app: no sockets, the same code path."""

    def __init__(self, data_dir: Path) -> None:
        self.cloud = Cloud(Config(data_dir=data_dir, port=4566), primary=True)
        self.app = App(self.cloud)
        credential = self.cloud.root_credential
        self.credentials = Credentials(credential.access_key_id, credential.secret_access_key)

    def scope(self, method: str, path: str, query: str = "", body: bytes = b"") -> dict[str, Any]:
        url = f"http://{HOST}{path}" + (f"?{query}" if query else "")
        request = AWSRequest(method=method, url=url, data=body)
        request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
        S3SigV4Auth(self.credentials, "s3", "us-east-1").add_auth(request)
        headers = [(k.lower().encode(), v.encode()) for k, v in request.headers.items()]
        headers.append((b"host", HOST.encode()))
        if body:
            headers.append((b"content-length", str(len(body)).encode()))
        return {
            "type": "http",
            "method": method,
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "scheme": "http",
        }

    async def call(self, scope: dict[str, Any], body: bytes = b"") -> int:
        messages: list[dict[str, Any]] = []
        delivered = False

        async def receive() -> dict[str, Any]:
            nonlocal delivered
            if delivered:
                await asyncio.Event().wait()  # a client that stays connected
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        await self.app(scope, receive, send)
        status = messages[0]["status"]
        if status >= 300:
            raise RuntimeError(f"{scope['method']} {scope['path']}: HTTP {status}")
        return status


async def measure(
    name: str, requests: list[Callable[[], Awaitable[int]]], concurrency: int = 16
) -> dict[str, Any]:
    """Run the requests ``concurrency`` at a time (group commit needs company)."""
    queue = list(reversed(requests))

    async def worker() -> None:
        while queue:
            await queue.pop()()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    n = len(requests)
    return {
        "workload": name,
        "requests": n,
        "cpu_us_per_request": round(cpu / n * 1e6),
        "wall_ms": round(wall * 1000),
    }


async def run(count: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        d = Driver(Path(tmp))
        await d.call(d.scope("PUT", "/smoke"))
        await d.call(d.scope("PUT", "/listing"))
        # s3perf's layout (100 folders), 30 keys a folder rather than 100: filling costs more
        # than listing.
        listing_keys = [f"d{i // 30:03d}/o{i % 30:05d}" for i in range(3_000)]

        def put(bucket: str, key: str) -> Callable[[], Awaitable[int]]:
            return lambda: d.call(d.scope("PUT", f"/{bucket}/{key}", body=SMALL), SMALL)

        def plain(method: str, path: str, query: str = "") -> Callable[[], Awaitable[int]]:
            return lambda: d.call(d.scope(method, path, query))

        keys = [f"k{i:06d}" for i in range(count)]
        results = [
            await measure("put-small", [put("smoke", k) for k in keys]),
            await measure("get-small", [plain("GET", f"/smoke/{k}") for k in keys]),
            await measure("head-small", [plain("HEAD", f"/smoke/{k}") for k in keys]),
            await measure("delete-small", [plain("DELETE", f"/smoke/{k}") for k in keys]),
        ]
        await measure("(fill listing bucket)", [put("listing", k) for k in listing_keys])
        await measure("(warm up)", [plain("GET", "/listing", "list-type=2")], 1)
        pages = max(5, count // 25)
        results += [
            await measure("list-page-1000", [plain("GET", "/listing", "list-type=2")] * pages, 2),
            await measure(
                "list-delim-100",
                [plain("GET", "/listing", "delimiter=%2F&list-type=2")] * pages,
                2,
            ),
        ]
        d.cloud.close()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="small objects per workload")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = asyncio.run(run(args.count))
    print(f"{'workload':<16} {'requests':>8} {'CPU us/request':>15} {'wall ms':>8}")
    for r in results:
        print(
            f"{r['workload']:<16} {r['requests']:>8} {r['cpu_us_per_request']:>15} "
            f"{r['wall_ms']:>8}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
