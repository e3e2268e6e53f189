"""The S3 service: wires the stores together; handlers live in topic modules.

``bucket_handlers`` (buckets and their configurations), ``object_handlers`` (objects),
``delete_handlers`` and ``copy_handlers``, ``multipart_handlers`` (multipart uploads),
``listing_handlers`` (ListObjects*), ``version_handlers`` (versioning, ListObjectVersions),
``storage_handlers`` (RestoreObject, Intelligent-Tiering), ``lifecycle_handlers``,
``lock_handlers`` (Object Lock), ``notification_handlers`` (stored notification
configurations), ``replication_handlers`` (replication configurations),
``inventory_handlers`` (S3 Inventory configurations), and ``post_object`` (browser form
uploads).
``lifecycle_jobs`` is the daily background work; ``inventory_jobs`` writes the inventory
reports; ``replication_jobs`` copies new versions to replication destinations.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from cloudlet.auth.authorize import Check
from cloudlet.core import checksums
from cloudlet.core.cloud import Cloud
from cloudlet.core.store import Store
from cloudlet.protocol.http import HttpResponse
from cloudlet.services.base import RequestContext, Service
from cloudlet.services.s3 import (
    authz,
    bucket_handlers,
    chunked,
    copy_handlers,
    cors,
    delete_handlers,
    encryption_handlers,
    inventory_handlers,
    lifecycle_handlers,
    listing_handlers,
    lock_handlers,
    multipart_handlers,
    notification_handlers,
    object_handlers,
    replication_handlers,
    sse,
    storage_handlers,
    version_handlers,
)
from cloudlet.services.s3.blobs import BlobStore
from cloudlet.services.s3.buckets import Bucket, Buckets
from cloudlet.services.s3.inventory_jobs import InventoryRunner
from cloudlet.services.s3.lifecycle_jobs import LifecycleRunner
from cloudlet.services.s3.multipart import Uploads
from cloudlet.services.s3.objects import ListedObject, ObjectRecord, Objects
from cloudlet.services.s3.post_object import post_object
from cloudlet.services.s3.replication_jobs import Replicator
from cloudlet.services.s3.schema import MIGRATIONS
from cloudlet.services.s3.versions import Versions, new_version_id
from cloudlet.services.s3.writing import DEFAULT_CHECKSUM

log = logging.getLogger("cloudlet.s3")


class S3(Service):
    name = "s3"
    handler_modules = (
        bucket_handlers,
        object_handlers,
        delete_handlers,
        copy_handlers,
        multipart_handlers,
        listing_handlers,
        version_handlers,
        storage_handlers,
        lifecycle_handlers,
        lock_handlers,
        notification_handlers,
        encryption_handlers,
        replication_handlers,
        inventory_handlers,
    )

    def __init__(self, cloud: Cloud) -> None:
        super().__init__(cloud)
        root = cloud.data_dir / "s3"
        root.mkdir(parents=True, exist_ok=True)
        fsync = cloud.config.durability == "fsync"
        self.store = Store(root / "s3.db", MIGRATIONS, synchronous="FULL" if fsync else "NORMAL")
        self.blobs = BlobStore(root / "blobs", fsync=fsync)
        self.buckets = Buckets(self.store, on_change=cloud.generation.bump)
        self.objects = Objects(self.store)
        self.versions = Versions(self.store)
        self.uploads = Uploads(self.store)
        #: Seconds in a lifecycle day: lifecycle rules, restores and tiering count in these.
        self.day = cloud.config.lifecycle_day_seconds
        # Registered in every worker: the primary's scheduler runs it on its own, and a clock
        # change runs it at once in whichever worker served it.
        self.lifecycle = LifecycleRunner(self)
        cloud.scheduler.every(self.lifecycle.interval, "s3-lifecycle", self.lifecycle.tick)
        # After lifecycle, so a day's report sees that day's transitions and expirations.
        self.inventory = InventoryRunner(self)
        cloud.scheduler.every(self.inventory.interval, "s3-inventory", self.inventory.tick)
        # New versions are queued as they commit and copied by the worker that wrote them;
        # the primary also drains the queue (rows left by a restart or a dead worker).
        self.replicator = Replicator(self)
        self.versions.on_write = self.replicator.on_write
        cloud.scheduler.every(1.0, "s3-replication", self.replicator.run_due)
        if cloud.primary and cloud.first_start:
            self.replicator.release_claims()
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

    # -- reading objects, for other services (Glue crawlers, Athena) -----------------------

    def list_keys(self, bucket: str, prefix: str = "") -> Iterator[ListedObject]:
        """Every object under ``prefix``, in key order (no delimiter): a range scan per batch.

        Raises NoSuchBucket when the bucket does not exist."""
        hide_markers = self.buckets.get(bucket).versioning is not None
        cursor, inclusive = prefix.encode(), True
        while True:
            batch = self.objects.scan(
                bucket, cursor, inclusive, prefix.encode(), 1000, hide_markers
            )
            yield from batch
            if len(batch) < 1000:
                return
            cursor, inclusive = batch[-1].key.encode(), False

    def open_object(self, bucket: str, key: str) -> io.BufferedReader | None:
        """A seekable binary reader over an object's bytes (its parts, for multipart
        objects); None when there is no such object. The caller closes it."""
        record = self.objects.get(bucket, key)
        if record is None or record.delete_marker:
            return None
        return io.BufferedReader(_SegmentReader(self, record))

    def read_object(self, bucket: str, key: str, limit: int | None = None) -> bytes | None:
        """An object's bytes (the first ``limit`` of them); None when it does not exist."""
        reader = self.open_object(bucket, key)
        if reader is None:
            return None
        with reader:
            return reader.read() if limit is None else reader.read(limit)

    # -- writing objects, for other services (Athena results) ------------------------------

    def put_file(
        self,
        account_id: str,
        bucket: str,
        key: str,
        path: str,
        content_type: str = "binary/octet-stream",
        encryption_params: dict[str, Any] | None = None,
    ) -> ObjectRecord:
        """Store a local file as the object ``key`` (blocking), owned by ``account_id``.

        ``encryption_params`` are PutObject's SSE members (``ServerSideEncryption``,
        ``SSEKMSKeyId``); without them the bucket's default encryption applies.
        Raises NoSuchBucket; the caller has checked ``s3:PutObject``."""
        status = self.buckets.get(bucket).versioning
        encryption, data_key = sse.for_write(
            self, self.buckets.get(bucket), key, encryption_params or {}
        )
        writer = self.blobs.writer([DEFAULT_CHECKSUM])
        writer.encrypt_with(data_key)
        try:
            with open(path, "rb") as source:
                while chunk := source.read(1024 * 1024):
                    writer.write(chunk)
            writer.finish()
            digest = checksums.b64(writer.checksums[DEFAULT_CHECKSUM].digest())
            record = ObjectRecord(
                bucket=bucket,
                key=key,
                size=writer.size,
                etag=f'"{writer.md5.hexdigest()}"',
                last_modified=self.cloud.clock.time(),
                owner=account_id,
                headers={"ContentType": content_type},
                checksum={"algorithm": DEFAULT_CHECKSUM, "value": digest, "type": "FULL_OBJECT"},
                blob=writer.blob_id,
                acl={"canned": "private"},
                encryption=encryption,
            )
            if status is None:
                replaced = self.store.submit(lambda conn: self.objects.put(record)).result()
                freed = [replaced] if replaced is not None else []
            else:
                record.version_id = new_version_id(status)
                freed = self.store.submit(
                    lambda conn: self.versions.put(record, status, record.last_modified)
                ).result()
        except BaseException:
            writer.abort()
            raise
        for replaced in freed:
            self.blobs.delete(b for b in replaced.blob_ids() if b != record.blob)
        return record

    def close(self) -> None:
        self.replicator.stop()
        self.store.close()


class _SegmentReader(io.RawIOBase):
    """Reads an object across its blobs (one, or one per multipart part), with seeking."""

    def __init__(self, s3: S3, record: ObjectRecord) -> None:
        self._segments = [(s3.blobs.path(b), start, size) for b, start, size in record.segments()]
        self._size = record.size
        self._pos = 0
        # An SSE-C object cannot be read without its customer's key: data_key refuses.
        self._key = sse.data_key(s3, record.encryption, {})

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        for path, start, size in self._segments:
            if start <= self._pos < start + size:
                want = min(len(view), start + size - self._pos)
                if self._key is not None:
                    reader = chunked.open_range(path, self._key, size, self._pos - start, want)
                    data = next(reader, b"")
                    reader.close()
                else:
                    fd = os.open(path, os.O_RDONLY)
                    try:
                        data = os.pread(fd, want, self._pos - start)
                    finally:
                        os.close(fd)
                view[: len(data)] = data
                self._pos += len(data)
                return len(data)
        return 0


def create(cloud: Cloud) -> S3:
    return S3(cloud)
