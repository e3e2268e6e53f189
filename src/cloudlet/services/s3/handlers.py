"""The S3 service: wires the stores together; handlers live in topic modules.

``bucket_handlers`` (buckets and their configurations), ``object_handlers`` (objects),
``multipart_handlers`` (multipart uploads), ``listing_handlers`` (ListObjects*), and
``post_object`` (browser form uploads).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any
from urllib.parse import unquote

from cloudlet.auth.authorize import Check
from cloudlet.core.cloud import Cloud
from cloudlet.core.store import Store
from cloudlet.protocol.http import HttpResponse
from cloudlet.services.base import RequestContext, Service
from cloudlet.services.s3 import (
    authz,
    bucket_handlers,
    cors,
    listing_handlers,
    multipart_handlers,
    object_handlers,
)
from cloudlet.services.s3.blobs import BlobStore
from cloudlet.services.s3.buckets import Bucket, Buckets
from cloudlet.services.s3.multipart import Uploads
from cloudlet.services.s3.objects import Objects
from cloudlet.services.s3.post_object import post_object
from cloudlet.services.s3.schema import MIGRATIONS

log = logging.getLogger("cloudlet.s3")


class S3(Service):
    name = "s3"
    handler_modules = (bucket_handlers, object_handlers, multipart_handlers, listing_handlers)

    def __init__(self, cloud: Cloud) -> None:
        super().__init__(cloud)
        root = cloud.data_dir / "s3"
        root.mkdir(parents=True, exist_ok=True)
        fsync = cloud.config.durability == "fsync"
        self.store = Store(root / "s3.db", MIGRATIONS, synchronous="FULL" if fsync else "NORMAL")
        self.blobs = BlobStore(root / "blobs", fsync=fsync)
        self.buckets = Buckets(self.store, on_change=cloud.generation.bump)
        self.objects = Objects(self.store)
        self.uploads = Uploads(self.store)
        if cloud.primary and cloud.first_start:
            threading.Thread(target=self._remove_orphans, name="s3-orphans", daemon=True).start()

    def invalidate(self) -> None:
        self.buckets.invalidate()

    def _remove_orphans(self) -> None:
        removed = self.blobs.remove_orphans(self.objects.all_blob_ids)
        if removed:
            log.info("removed %d orphaned blob files left by an earlier crash", removed)

    def authorization(self, ctx: RequestContext) -> list[Check]:
        return authz.checks_for(self, ctx)

    async def unrouted(self, ctx: RequestContext) -> HttpResponse | None:
        """CORS preflight (``OPTIONS``) and browser form uploads (``POST /bucket``)."""
        request = ctx.request
        path = request.raw_path.split("?", 1)[0]
        bucket_name = unquote(path.lstrip("/").split("/", 1)[0])
        if request.method == "OPTIONS" and bucket_name:
            rules = await self._run(self._cors_rules, bucket_name)
            return cors.preflight(rules, request)
        content_type = request.headers.get("content-type") or ""
        if request.method == "POST" and bucket_name and "multipart/form-data" in content_type:
            return await post_object(self, ctx, bucket_name)
        return None

    async def decorate(self, ctx: RequestContext, response: HttpResponse) -> None:
        """CORS headers on real responses, when the bucket's rules allow the origin."""
        bucket_name = unquote(ctx.request.raw_path.split("?", 1)[0].lstrip("/").split("/", 1)[0])
        if bucket_name and response.status != 403:
            rules = await self._run(self._cors_rules, bucket_name)
            cors.decorate(rules, ctx.request, response)

    def _cors_rules(self, bucket_name: str) -> list[dict[str, Any]] | None:
        if self.buckets.find(bucket_name) is None:
            return None
        return self.buckets.get_config(bucket_name, "cors")

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.cloud.executor, fn, *args)

    def bucket_for(self, ctx: RequestContext, name: str) -> Bucket:
        """The bucket (the gateway has already checked the caller may use it)."""
        return self.buckets.get(name)

    def owner(self, account_id: str) -> dict[str, Any]:
        canonical = self.cloud.accounts.canonical_user_id(account_id)
        return {"ID": canonical, "DisplayName": f"account-{account_id}"}

    def close(self) -> None:
        self.store.close()


def create(cloud: Cloud) -> S3:
    return S3(cloud)
