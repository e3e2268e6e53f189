"""Multipart uploads and their parts: the metadata; bytes are blobs like any object's."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cloudlet.core.store import Store
from cloudlet.services.s3.objects import Part, prefix_successor


@dataclass(slots=True)
class Upload:
    upload_id: str
    bucket: str
    key: str
    initiated: float
    owner: str
    storage_class: str = "STANDARD"
    headers: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    tags: list[tuple[str, str]] = field(default_factory=list)
    acl: dict[str, Any] = field(default_factory=dict)
    checksum_algorithm: str | None = None
    checksum_type: str | None = None
    #: The Object Lock the completed object gets (see ``ObjectRecord.lock``).
    lock: dict[str, Any] | None = None
    #: The server-side encryption its parts and object get (see ``sse.py``).
    encryption: dict[str, Any] | None = None


@dataclass(slots=True)
class StoredPart:
    number: int
    size: int
    etag: str
    last_modified: float
    blob: str
    checksum: dict[str, str] | None

    def as_part(self) -> Part:
        return Part(self.number, self.size, self.etag, self.blob, self.checksum)


def _upload(row: Any) -> Upload:
    return Upload(
        upload_id=row["upload_id"],
        bucket=row["bucket"],
        key=bytes(row["key"]).decode(),
        initiated=row["initiated"],
        owner=row["owner"],
        storage_class=row["storage_class"],
        headers=json.loads(row["headers"]),
        metadata=json.loads(row["metadata"]),
        tags=[tuple(t) for t in json.loads(row["tags"])],  # type: ignore[misc]
        acl=json.loads(row["acl"]),
        checksum_algorithm=row["checksum_algorithm"],
        checksum_type=row["checksum_type"],
        lock=json.loads(row["lock"]) if row["lock"] else None,
        encryption=json.loads(row["encryption"]) if row["encryption"] else None,
    )


def _part(row: Any) -> StoredPart:
    return StoredPart(
        row["part_number"],
        row["size"],
        row["etag"],
        row["last_modified"],
        row["blob"],
        json.loads(row["checksum"]) if row["checksum"] else None,
    )


class Uploads:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, upload: Upload) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO uploads VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    upload.upload_id,
                    upload.bucket,
                    upload.key.encode(),
                    upload.initiated,
                    upload.owner,
                    upload.storage_class,
                    json.dumps(upload.headers),
                    json.dumps(upload.metadata),
                    json.dumps(upload.tags),
                    json.dumps(upload.acl),
                    upload.checksum_algorithm,
                    upload.checksum_type,
                    json.dumps(upload.lock) if upload.lock else None,
                    json.dumps(upload.encryption) if upload.encryption else None,
                ),
            )

    def get(self, upload_id: str) -> Upload | None:
        row = self.store.query_one("SELECT * FROM uploads WHERE upload_id=?", (upload_id,))
        return _upload(row) if row else None

    def put_part(self, upload_id: str, part: StoredPart) -> str | None:
        """Record a part (replacing one with the same number); returns the replaced blob."""
        with self.store.write() as conn:
            if (
                conn.execute("SELECT 1 FROM uploads WHERE upload_id=?", (upload_id,)).fetchone()
                is None
            ):
                return part.blob  # aborted while the part was uploading: drop the new bytes
            old = conn.execute(
                "SELECT blob FROM parts WHERE upload_id=? AND part_number=?",
                (upload_id, part.number),
            ).fetchone()
            conn.execute(
                "INSERT OR REPLACE INTO parts VALUES (?,?,?,?,?,?,?)",
                (
                    upload_id,
                    part.number,
                    part.size,
                    part.etag,
                    part.last_modified,
                    part.blob,
                    json.dumps(part.checksum) if part.checksum else None,
                ),
            )
        return old["blob"] if old else None

    def parts(self, upload_id: str, after: int = 0, limit: int = 10000) -> list[StoredPart]:
        rows = self.store.query(
            "SELECT * FROM parts WHERE upload_id=? AND part_number>? ORDER BY part_number LIMIT ?",
            (upload_id, after, limit),
        )
        return [_part(r) for r in rows]

    def remove(self, upload_id: str) -> list[str]:
        """Delete the upload and its parts; returns every part blob for the caller to delete."""
        with self.store.write() as conn:
            blobs = [
                r["blob"]
                for r in conn.execute("SELECT blob FROM parts WHERE upload_id=?", (upload_id,))
            ]
            conn.execute("DELETE FROM parts WHERE upload_id=?", (upload_id,))
            conn.execute("DELETE FROM uploads WHERE upload_id=?", (upload_id,))
        return blobs

    def list(
        self, bucket: str, prefix: str, key_marker: str, upload_id_marker: str, limit: int
    ) -> list[Upload]:
        """Uploads in (key, initiation) order after the markers."""
        sql = "SELECT * FROM uploads WHERE bucket=? AND key >= ?"
        args: list[Any] = [bucket, max(key_marker.encode(), prefix.encode())]
        upper = prefix_successor(prefix.encode())
        if upper is not None:
            sql += " AND key < ?"
            args.append(upper)
        rows = self.store.query(sql + " ORDER BY key, initiated, upload_id", args)
        result: list[Upload] = []
        skipping = bool(upload_id_marker)
        for row in rows:
            upload = _upload(row)
            if not upload.key.startswith(prefix):
                continue
            if key_marker and upload.key == key_marker:
                if not upload_id_marker:
                    continue
                if skipping:
                    if upload.upload_id == upload_id_marker:
                        skipping = False
                    continue
            result.append(upload)
            if len(result) >= limit:
                break
        return result

    def has_uploads(self, bucket: str) -> bool:
        return (
            self.store.query_one("SELECT 1 FROM uploads WHERE bucket=? LIMIT 1", (bucket,))
            is not None
        )
