"""The ASGI application: HTTP in, one ``Gateway.handle`` call, HTTP out, one access-log line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from cloudlet.core.cloud import Cloud
from cloudlet.gateway.pipeline import Gateway
from cloudlet.gateway.reserved import RESERVED_PREFIX, handle_reserved
from cloudlet.protocol.http import BodyStream, FileBody, Headers, HttpRequest, HttpResponse
from cloudlet.protocol.specs import ServiceIndex

access_log = logging.getLogger("cloudlet.access")

FILE_CHUNK = 1024 * 1024
#: Bodies up to this size are read on the event loop: a page-cache read is cheaper than
#: the thread hop that would otherwise carry it.
INLINE_READ = 256 * 1024


class App:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.index = ServiceIndex.load(cache_dir(cloud.data_dir))
        self.gateway = Gateway(cloud, self.index)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        request = _request(scope, receive)
        if request.raw_path.startswith(RESERVED_PREFIX):
            response = await handle_reserved(self, request)
            await self.send(send, response, request.method)
            return
        response, ctx = await self.gateway.handle(request)
        if ctx.service_name and request.headers.get("origin"):
            decorate = getattr(self.cloud.service(ctx.service_name), "decorate", None)
            if decorate is not None:
                await decorate(ctx, response)
        sent = await self.send(send, response, request.method)
        if access_log.isEnabledFor(logging.INFO):
            access_log.info(
                json.dumps(
                    {
                        "time": round(time.time(), 3),
                        "request_id": ctx.request_id,
                        "principal": ctx.principal.arn if ctx.principal else "anonymous",
                        "service": ctx.service_name,
                        "operation": ctx.operation_name,
                        "method": request.method,
                        "status": response.status,
                        "bytes_in": request.stream.received
                        if request.stream
                        else len(request.body),
                        "bytes_out": sent,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    }
                )
            )

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await asyncio.get_running_loop().run_in_executor(None, self.cloud.close)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def send(self, send: Any, response: HttpResponse, method: str) -> int:
        headers = [
            (k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in response.headers
        ]
        body = response.body
        has_length = any(k.lower() == b"content-length" for k, _ in headers)
        if isinstance(body, bytes):
            if not has_length:
                headers.append((b"content-length", str(len(body)).encode()))
            await send(
                {"type": "http.response.start", "status": response.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
            return len(body)
        if isinstance(body, FileBody):
            if not has_length:
                headers.append((b"content-length", str(body.length).encode()))
            await send(
                {"type": "http.response.start", "status": response.status, "headers": headers}
            )
            return await self._send_file(send, body)
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        total = 0
        async for chunk in body:
            total += len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return total

    async def _send_file(self, send: Any, body: FileBody) -> int:
        if body.length <= INLINE_READ:
            data = b"".join(_read_segment(*segment) for segment in body.segments)
            await send({"type": "http.response.body", "body": data})
            return len(data)
        loop = asyncio.get_running_loop()
        sent = 0
        total = body.length
        for path, offset, length in body.segments:
            fd = os.open(path, os.O_RDONLY)
            try:
                remaining = length
                while remaining > 0:
                    size = min(FILE_CHUNK, remaining)
                    chunk = await loop.run_in_executor(
                        self.gateway.executor, os.pread, fd, size, offset
                    )
                    if not chunk:
                        raise OSError(f"{path} is shorter than its metadata says")
                    offset += len(chunk)
                    remaining -= len(chunk)
                    sent += len(chunk)
                    await send(
                        {"type": "http.response.body", "body": chunk, "more_body": sent < total}
                    )
            finally:
                os.close(fd)
        if sent < total or total == 0:
            await send({"type": "http.response.body", "body": b""})
        return sent


def _read_segment(path: str, offset: int, length: int) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.pread(fd, length, offset)
    finally:
        os.close(fd)
    if len(data) != length:
        raise OSError(f"{path} is shorter than its metadata says")
    return data


def cache_dir(data_dir: Path) -> Path:
    """The per-user cache (shared by every data dir), else the data dir itself."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    candidate = Path(base) / "cloudlet"
    try:
        candidate.mkdir(parents=True, exist_ok=True)
        if os.access(candidate, os.W_OK):
            return candidate
    except OSError:
        pass
    return data_dir / "cache"


def _request(scope: dict[str, Any], receive: Any) -> HttpRequest:
    headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]])
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else scope["path"]
    length = headers.get("content-length")
    client = scope.get("client") or ("", 0)
    return HttpRequest(
        method=scope["method"],
        raw_path=path,
        raw_query=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        host=headers.get("host") or "",
        client_ip=client[0] if client else "",
        scheme=scope.get("scheme", "http"),
        stream=BodyStream(receive, int(length) if length and length.isdigit() else None),
    )
