"""The replication worker: copies queued versions to their destination buckets.

A version enters ``replication_queue`` in the same write transaction that commits it
(``Versions.on_write`` calls ``queue``), one row per destination, and says PENDING. A
worker claims rows (a compare-and-set in a write transaction, so several worker processes
can run at once), copies each version, and in one more transaction writes the replica
(same version id, metadata, tags, checksum; REPLICA), deletes the row only if it still
holds the claim, and marks the source COMPLETED once no row for it is left (FAILED, for
good, when the destination is gone or no longer versioned). The queue is a table: what
was queued before a crash or a restart is copied after it.

Rows of one key are taken in the order they were queued, so versions reach the destination
newest last, as they were written. The worker that queued a version wakes a thread of its
own to copy it at once; the primary's scheduler also drains the queue every second (rows
queued before a restart, or by a worker that died). ``CLOUDLET_S3_REPLICATION_DELAY``
(seconds of clock time) holds each row back that long, like S3's replication latency.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cloudlet.services.s3 import chunked, sse
from cloudlet.services.s3.copy_handlers import link_blobs
from cloudlet.services.s3.objects import ObjectRecord, Part
from cloudlet.services.s3.replication import REPLICA, SOURCE_STATUSES, Target, targets_for
from cloudlet.services.s3.versions import ENABLED

if TYPE_CHECKING:
    from cloudlet.services.s3.handlers import S3

log = logging.getLogger("cloudlet.s3.replication")

BATCH = 32
#: A claim older than this (real seconds) belongs to a worker that died: take it over.
STALE_CLAIM = 60.0
#: After a wake-up, keep looking this long (real seconds) for rows still being committed.
LINGER = 2.0
POLL = 0.05


class _LostClaim(Exception):
    """Another worker took the row over (ours went stale): drop our work."""


class Replicator:
    def __init__(self, s3: S3) -> None:
        self.s3 = s3
        self.delay = float(os.environ.get("CLOUDLET_S3_REPLICATION_DELAY") or 0)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- queueing (inside the writer's transaction) --------------------------------------

    def on_write(self, conn: Any, record: ObjectRecord) -> None:
        """``Versions.on_write``: queue a new version (or one whose tags changed) that a rule
        of its bucket's replication configuration matches, and mark it PENDING."""
        if record.replication == REPLICA:
            return
        stored = self.s3.buckets.get_config(record.bucket, "replication")
        if not stored:
            return
        if record.replication not in SOURCE_STATUSES and record.last_modified < stored["since"]:
            return  # written before the configuration: S3 Batch Replication's job
        targets = targets_for(stored["configuration"], record)
        if not targets:
            return
        now = self.s3.cloud.clock.time()
        for target in targets:
            conn.execute(
                "INSERT INTO replication_queue (bucket, key, version_id, target, queued) "
                "VALUES (?,?,?,?,?)",
                (
                    record.bucket,
                    record.key.encode(),
                    record.version_id,
                    json.dumps(target.to_json()),
                    now,
                ),
            )
        record.replication = "PENDING"
        self.kick()

    # -- running -------------------------------------------------------------------------

    def kick(self) -> None:
        """Wake this process's replication thread (started on first use)."""
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="s3-replication", daemon=True
                    )
                    self._thread.start()
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            until = time.monotonic() + LINGER
            while time.monotonic() < until and not self._stop.is_set():
                try:
                    if self.run_due():
                        until = time.monotonic() + LINGER
                except Exception:
                    log.exception("replication failed")
                self._wake.wait(POLL)
                if self._wake.is_set():
                    self._wake.clear()
                    until = time.monotonic() + LINGER

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def release_claims(self) -> None:
        """At start-up (no other worker running yet): rows claimed before a crash are free."""
        with self.s3.store.write() as conn:
            conn.execute("UPDATE replication_queue SET claim=NULL, claimed=NULL")

    def run_due(self) -> int:
        """Copy every queued version that is due; the number copied (or failed)."""
        done = 0
        while True:
            rows = self._claim()
            if not rows:
                return done
            for row in rows:
                try:
                    self._replicate(row)
                except _LostClaim:
                    continue
                except Exception:
                    log.exception(
                        "replicating %s/%s (%s) failed",
                        row["bucket"],
                        row["key"],
                        row["version_id"],
                    )
                    try:
                        self._finish(row, failed=True)
                    except _LostClaim:
                        continue
                done += 1

    def _claim(self) -> list[dict[str, Any]]:
        if self.s3.store.query_one("SELECT 1 FROM replication_queue LIMIT 1") is None:
            return []  # the usual case: a read, no write lock
        token = secrets.token_hex(8)
        now = time.time()
        if self.delay:
            self.s3.cloud.clock.reload()
        due = self.s3.cloud.clock.time() - self.delay
        with self.s3.store.write() as conn:
            rows = conn.execute(
                "SELECT id, bucket, key, version_id, target FROM replication_queue q "
                "WHERE (claim IS NULL OR claimed < ?) AND queued <= ? AND NOT EXISTS ("
                "  SELECT 1 FROM replication_queue p "
                "  WHERE p.bucket=q.bucket AND p.key=q.key AND p.id < q.id) "
                "ORDER BY id LIMIT ?",
                (now - STALE_CLAIM, due, BATCH),
            ).fetchall()
            for row in rows:
                conn.execute(
                    "UPDATE replication_queue SET claim=?, claimed=? WHERE id=?",
                    (token, now, row["id"]),
                )
        return [{**dict(row), "key": bytes(row["key"]).decode(), "claim": token} for row in rows]

    # -- one version ---------------------------------------------------------------------

    def _replicate(self, row: dict[str, Any]) -> None:
        s3 = self.s3
        source = s3.versions.get(row["bucket"], row["key"], row["version_id"])
        if source is None:  # deleted (or its bucket) before it could be copied
            self._finish(row, failed=False, mark_source=False)
            return
        target = Target.from_json(json.loads(row["target"]))
        destination = s3.store.query_one(
            "SELECT account_id, versioning, object_lock FROM buckets WHERE name=?",
            (target.bucket,),
        )
        if destination is None or destination["versioning"] != ENABLED:
            self._finish(row, failed=True)
            return
        existing = s3.versions.get(target.bucket, source.key, source.version_id)
        if existing is not None:
            # Already there (a tag change, or a copy cut short after its commit): sync tags.
            self._finish(row, failed=False, update=(target.bucket, source.tags))
            return
        replica = self._replica(source, target, destination)
        try:
            freed = self._finish(row, failed=False, replica=replica)
        except BaseException:
            s3.blobs.delete(replica.blob_ids())
            raise
        for gone in freed:
            s3.blobs.delete(gone.blob_ids())

    def _replica(self, source: ObjectRecord, target: Target, destination: Any) -> ObjectRecord:
        """The destination's copy of a version, its bytes already in new blob files."""
        replica = replace(
            source,
            bucket=target.bucket,
            storage_class=target.storage_class or source.storage_class,
            headers=dict(source.headers),
            metadata=dict(source.metadata),
            tags=list(source.tags),
            restore=None,
            tier=None,
            accessed=None,
            lock=source.lock if destination["object_lock"] else None,
            replication=REPLICA,
        )
        if target.owner_override:
            replica.owner = destination["account_id"]
            replica.acl = {"canned": "private"}
        if source.delete_marker:
            return replica
        algorithm = (source.encryption or {}).get("algorithm", "")
        if algorithm.startswith("aws:kms"):
            replica.blob, replica.parts, replica.encryption = self._reencrypt(source, target)
        else:
            # Clear, SSE-S3 and SSE-C bytes are copied as they are: the wrapped data key
            # in the encryption record opens them in either bucket.
            replica.blob, replica.parts = link_blobs(self.s3, source)
        return replica

    def _reencrypt(
        self, source: ObjectRecord, target: Target
    ) -> tuple[str | None, list[Part] | None, dict[str, Any] | None]:
        """SSE-KMS bytes, decrypted and sealed again under the rule's ReplicaKmsKeyID."""
        s3 = self.s3
        old_key = sse.data_key(s3, source.encryption, {})
        params = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": target.kms_key}
        bucket = s3.buckets.get(target.bucket)
        encryption, new_key = sse.for_write(s3, bucket, source.key, params)
        written: list[str] = []
        try:
            blobs = []
            for blob, _start, size in source.segments():
                writer = s3.blobs.writer()
                writer.encrypt_with(new_key)
                written.append(writer.blob_id)
                assert old_key is not None
                for chunk in chunked.open_range(s3.blobs.path(blob), old_key, size, 0, size):
                    writer.write(chunk)
                writer.finish()
                blobs.append(writer.blob_id)
        except BaseException:
            s3.blobs.delete(written)
            raise
        if source.parts:
            parts = [
                Part(p.number, p.size, p.etag, b, p.checksum)
                for p, b in zip(source.parts, blobs, strict=True)
            ]
            return None, parts, encryption
        return (blobs[0] if blobs else None), None, encryption

    def _finish(
        self,
        row: dict[str, Any],
        failed: bool,
        replica: ObjectRecord | None = None,
        update: tuple[str, list[tuple[str, str]]] | None = None,
        mark_source: bool = True,
    ) -> list[ObjectRecord]:
        """One transaction: write the replica, drop the row (if still ours), mark the source."""
        s3 = self.s3
        freed: list[ObjectRecord] = []
        with s3.store.write() as conn:
            cursor = conn.execute(
                "DELETE FROM replication_queue WHERE id=? AND claim=?", (row["id"], row["claim"])
            )
            if cursor.rowcount == 0:
                raise _LostClaim()
            if replica is not None:
                freed = s3.versions.put(replica, ENABLED, s3.cloud.clock.time(), replicate=False)
            if update is not None:
                bucket, tags = update
                s3.versions.update_fields(bucket, row["key"], row["version_id"], tags=tags)
            if not mark_source:
                return freed
            status = "FAILED" if failed else None
            if status is None:
                left = conn.execute(
                    "SELECT 1 FROM replication_queue WHERE bucket=? AND key=? AND version_id=? "
                    "LIMIT 1",
                    (row["bucket"], row["key"].encode(), row["version_id"]),
                ).fetchone()
                current = s3.versions.get(row["bucket"], row["key"], row["version_id"])
                if left is None and current is not None and current.replication != "FAILED":
                    status = "COMPLETED"
            if status is not None:
                s3.versions.update_fields(
                    row["bucket"], row["key"], row["version_id"], replication=status
                )
        return freed
