"""Cloudlet's own endpoints under ``/_cloudlet/``: health, clock, accounts, S3 usage (admin)."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from cloudlet.protocol.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from cloudlet.gateway.app import App

RESERVED_PREFIX = "/_cloudlet/"


def _json(status: int, value: Any) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(value).encode())


def _is_root(app: App, request: HttpRequest) -> bool:
    """Admin calls carry the first account's root keys as ``Authorization: Bearer id:secret``."""
    header = request.headers.get("authorization") or ""
    cred = app.cloud.root_credential
    return header == f"Bearer {cred.access_key_id}:{cred.secret_access_key}"


async def handle_reserved(app: App, request: HttpRequest) -> HttpResponse:
    path = request.raw_path.split("?", 1)[0].rstrip("/")
    if path == "/_cloudlet/health" and request.method in ("GET", "HEAD"):
        return _json(200, app.cloud.health())
    if request.stream is not None:
        request.body = await request.stream.read_all(1024 * 1024)
        request.stream = None
    if not _is_root(app, request):
        return _json(403, {"error": "AccessDenied", "message": "admin endpoints need root keys"})
    body = json.loads(request.body or b"{}")
    loop = asyncio.get_running_loop()
    if path == "/_cloudlet/clock" and request.method == "GET":
        app.cloud.clock.reload()  # another worker may have moved it
        return _json(200, {"now": app.cloud.clock.time(), "offset": app.cloud.clock.offset})
    if path == "/_cloudlet/clock" and request.method == "POST":
        app.cloud.clock.advance(float(body.get("advance_seconds", 0)))
        await loop.run_in_executor(app.gateway.executor, app.cloud.scheduler.run_now)
        return _json(200, {"now": app.cloud.clock.time(), "offset": app.cloud.clock.offset})
    if path == "/_cloudlet/accounts" and request.method == "POST":
        account, cred = await loop.run_in_executor(
            app.gateway.executor, app.cloud.accounts.create_account, body.get("name", "account")
        )
        return _json(
            201,
            {
                "AccountId": account.account_id,
                "Name": account.name,
                "AccessKeyId": cred.access_key_id,
                "SecretAccessKey": cred.secret_access_key,
            },
        )
    if path == "/_cloudlet/accounts" and request.method == "GET":
        accounts = app.cloud.accounts.list_accounts()
        return _json(
            200, {"Accounts": [{"AccountId": a.account_id, "Name": a.name} for a in accounts]}
        )
    if path == "/_cloudlet/s3/usage" and request.method == "GET":
        return await _s3_usage(app, request)
    return _json(404, {"error": "NotFound", "message": f"no reserved endpoint {path}"})


async def _s3_usage(app: App, request: HttpRequest) -> HttpResponse:
    """``GET /_cloudlet/s3/usage[?bucket=name]``: usage by storage class and prefix, with a
    monthly cost estimate (``services/s3/usage.py``)."""
    from cloudlet.services.s3 import usage
    from cloudlet.services.s3.errors import NoSuchBucket

    bucket = request.query_dict().get("bucket") or None
    s3 = app.cloud.service("s3")
    loop = asyncio.get_running_loop()
    try:
        result = await loop.run_in_executor(app.gateway.executor, usage.report, s3, bucket)
    except NoSuchBucket:
        return _json(404, {"error": "NoSuchBucket", "message": f"no bucket {bucket}"})
    return _json(200, result)
