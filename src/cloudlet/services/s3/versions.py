"""Object versions: the noncurrent versions of each key, and S3's rules for moving them.

The current version of a key (a delete marker included) is its row in ``objects``; when a
newer version arrives the older one moves to ``versions``, where ``seq`` orders a key's
versions newest first. Every key with noncurrent versions keeps a current row: deleting the
current version by id promotes the newest noncurrent one.

The rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html):

- never enabled: one version per key, id ``null``, replaced by each write (the fast path in
  ``Objects.put`` / ``Objects.delete``; this module is not involved);
- ``Enabled``: every write and every delete without a version id adds a version with a new
  id (a delete adds a delete marker); older versions, a ``null`` one included, are kept;
- ``Suspended``: writes and deletes add a version with id ``null``, replacing the key's
  earlier ``null`` version wherever it is in the stack; other versions are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudlet.core import ids
from cloudlet.core.store import Store
from cloudlet.services.s3.objects import (
    COLUMNS,
    PLACEHOLDERS,
    ObjectRecord,
    prefix_successor,
    record_from_row,
    row_values,
)

ENABLED = "Enabled"
SUSPENDED = "Suspended"
_VERSION_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._")

#: Columns a version listing shows, read without decoding the rest of a row.
_LISTED = (
    "key, version_id, delete_marker, size, etag, last_modified, storage_class, checksum, "
    "owner, restore"
)


def is_valid_version_id(version_id: str) -> bool:
    """Ids S3 could have given: ``null`` or one of ours (S3 answers others with 400)."""
    return version_id == "null" or (len(version_id) == 32 and set(version_id) <= _VERSION_ID_CHARS)


def new_version_id(status: str | None) -> str:
    return ids.version_id() if status == ENABLED else "null"


@dataclass(slots=True)
class ListedVersion:
    """One entry of ListObjectVersions."""

    key: str
    version_id: str
    delete_marker: bool
    size: int
    etag: str
    last_modified: float
    storage_class: str
    checksum: dict[str, str] | None
    owner: str
    restore: dict[str, Any] | None
    latest: bool


def _listed(row: Any, latest: bool) -> ListedVersion:
    return ListedVersion(
        key=bytes(row["key"]).decode(),
        version_id=row["version_id"],
        delete_marker=bool(row["delete_marker"]),
        size=row["size"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        storage_class=row["storage_class"],
        checksum=json.loads(row["checksum"]) if row["checksum"] else None,
        owner=row["owner"],
        restore=json.loads(row["restore"]) if row["restore"] else None,
        latest=latest,
    )


class Versions:
    def __init__(self, store: Store) -> None:
        self.store = store
        #: Called in the write transaction with each new version before its row is written,
        #: and with a version whose tags changed: replication queues it and sets
        #: ``record.replication`` (``replication_jobs``).
        self.on_write: Callable[[Any, ObjectRecord], None] | None = None

    # -- reads --------------------------------------------------------------------

    def get(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        """The version with this id, current or not."""
        args = (bucket, key.encode(), version_id)
        row = self.store.query_one(
            f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=? AND version_id=?", args
        ) or self.store.query_one(
            f"SELECT {COLUMNS} FROM versions WHERE bucket=? AND key=? AND version_id=?", args
        )
        return record_from_row(row) if row else None

    def noncurrent(self, bucket: str, key: str) -> list[ObjectRecord]:
        """The key's noncurrent versions, newest first."""
        rows = self.store.query(
            f"SELECT {COLUMNS} FROM versions WHERE bucket=? AND key=? ORDER BY seq DESC",
            (bucket, key.encode()),
        )
        return [record_from_row(r) for r in rows]

    def has_noncurrent(self, bucket: str, key: str) -> bool:
        row = self.store.query_one(
            "SELECT 1 FROM versions WHERE bucket=? AND key=? LIMIT 1", (bucket, key.encode())
        )
        return row is not None

    def scan_current(
        self, bucket: str, start: bytes, inclusive: bool, prefix: bytes, limit: int
    ) -> list[ListedVersion]:
        """Current versions of the keys after ``start`` under ``prefix``: a range scan."""
        op = ">=" if inclusive else ">"
        lower = start
        if prefix > start or (inclusive and prefix == start):
            op, lower = ">=", max(start, prefix)
        sql = f"SELECT {_LISTED} FROM objects WHERE bucket=? AND key {op} ?"
        args: list[Any] = [bucket, lower]
        upper = prefix_successor(prefix)
        if upper is not None:
            sql += " AND key < ?"
            args.append(upper)
        rows = self.store.conn.execute(sql + " ORDER BY key LIMIT ?", (*args, limit)).fetchall()
        return [_listed(r, True) for r in rows]

    def scan_noncurrent(self, bucket: str, first: bytes, last: bytes) -> list[ListedVersion]:
        """Noncurrent versions of the keys from ``first`` to ``last``, by key, newest first."""
        rows = self.store.conn.execute(
            f"SELECT {_LISTED} FROM versions WHERE bucket=? AND key>=? AND key<=? "
            "ORDER BY key, seq DESC",
            (bucket, first, last),
        ).fetchall()
        return [_listed(r, False) for r in rows]

    def keys_with_noncurrent(self, bucket: str, prefix: str, after: bytes, limit: int) -> list[str]:
        """Keys under ``prefix`` after ``after`` that have noncurrent versions (lifecycle)."""
        sql = "SELECT DISTINCT key FROM versions WHERE bucket=? AND key >= ? AND key > ?"
        args: list[Any] = [bucket, prefix.encode(), after]
        upper = prefix_successor(prefix.encode())
        if upper is not None:
            sql += " AND key < ?"
            args.append(upper)
        rows = self.store.query(sql + " ORDER BY key LIMIT ?", (*args, limit))
        return [bytes(r["key"]).decode() for r in rows]

    def noncurrent_since(self, bucket: str, key: str) -> list[tuple[ObjectRecord, float]]:
        """The key's noncurrent versions, newest first, with when each became noncurrent."""
        rows = self.store.query(
            f"SELECT {COLUMNS}, noncurrent_since FROM versions WHERE bucket=? AND key=? "
            "ORDER BY seq DESC",
            (bucket, key.encode()),
        )
        return [(record_from_row(r), r["noncurrent_since"]) for r in rows]

    # -- writes (each in the caller's write transaction, or its own) ----------------

    def put(
        self, record: ObjectRecord, status: str, now: float, replicate: bool = True
    ) -> list[ObjectRecord]:
        """Make ``record`` (an object or a delete marker) the key's current version.

        Returns the versions it replaced for good (a ``null`` version, when suspended), whose
        blobs the caller frees once this commits. ``replicate=False``: a version replication
        rules never apply to (a delete marker made by lifecycle).
        """
        freed: list[ObjectRecord] = []
        key = record.key.encode()
        with self.store.write() as conn:
            if replicate and self.on_write is not None:
                self.on_write(conn, record)
            row = conn.execute(
                f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=?", (record.bucket, key)
            ).fetchone()
            old = record_from_row(row) if row else None
            if record.version_id == "null":
                gone = conn.execute(
                    f"SELECT {COLUMNS} FROM versions WHERE bucket=? AND key=? AND version_id=?",
                    (record.bucket, key, "null"),
                ).fetchone()
                if gone is not None:
                    conn.execute(
                        "DELETE FROM versions WHERE bucket=? AND key=? AND version_id=?",
                        (record.bucket, key, "null"),
                    )
                    freed.append(record_from_row(gone))
            if old is not None:
                if old.version_id == record.version_id:
                    freed.append(old)
                else:
                    self._push(conn, old, now)
            conn.execute(
                f"INSERT OR REPLACE INTO objects ({COLUMNS}) VALUES ({PLACEHOLDERS})",
                row_values(record),
            )
        return freed

    def add_delete_marker(
        self, bucket: str, key: str, owner: str, status: str, now: float
    ) -> tuple[ObjectRecord, list[ObjectRecord]]:
        """DeleteObject without a version id in a versioned bucket: a new delete marker."""
        marker = ObjectRecord(
            bucket=bucket,
            key=key,
            size=0,
            etag="",
            last_modified=now,
            owner=owner,
            version_id=new_version_id(status),
            delete_marker=True,
        )
        return marker, self.put(marker, status, now)

    def remove(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        """Delete one version for good; removing the current one promotes the newest older one."""
        encoded = key.encode()
        with self.store.write() as conn:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=? AND version_id=?",
                (bucket, encoded, version_id),
            ).fetchone()
            if row is not None:
                conn.execute("DELETE FROM objects WHERE bucket=? AND key=?", (bucket, encoded))
                self._promote(conn, bucket, encoded)
                return record_from_row(row)
            row = conn.execute(
                f"SELECT {COLUMNS} FROM versions WHERE bucket=? AND key=? AND version_id=?",
                (bucket, encoded, version_id),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "DELETE FROM versions WHERE bucket=? AND key=? AND version_id=?",
                (bucket, encoded, version_id),
            )
            return record_from_row(row)

    def remove_noncurrent(self, bucket: str, key: str, version_id: str) -> ObjectRecord | None:
        """Delete a version for good only if it is still noncurrent (lifecycle expiration)."""
        args = (bucket, key.encode(), version_id)
        with self.store.write() as conn:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM versions WHERE bucket=? AND key=? AND version_id=?", args
            ).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM versions WHERE bucket=? AND key=? AND version_id=?", args)
        return record_from_row(row)

    def update_fields(self, bucket: str, key: str, version_id: str, **fields: Any) -> bool:
        """Change one version's tags, ACL, storage class or restore state in place."""
        with self.store.write() as conn:
            if "tags" in fields and self.on_write is not None:
                record = self.get(bucket, key, version_id)
                if record is not None:
                    before, record.tags = record.replication, fields["tags"]
                    self.on_write(conn, record)
                    if record.replication != before:
                        fields["replication"] = record.replication
            encoded = {
                k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in fields.items()
            }
            assignments = ", ".join(f"{column}=?" for column in encoded)
            for table in ("objects", "versions"):
                cursor = conn.execute(
                    f"UPDATE {table} SET {assignments} WHERE bucket=? AND key=? AND version_id=?",
                    (*encoded.values(), bucket, key.encode(), version_id),
                )
                if cursor.rowcount:
                    return True
        return False

    def _push(self, conn: Any, old: ObjectRecord, now: float) -> None:
        """Move the current version down the stack: it becomes the newest noncurrent one."""
        top = conn.execute(
            "SELECT seq FROM versions WHERE bucket=? AND key=? ORDER BY seq DESC LIMIT 1",
            (old.bucket, old.key.encode()),
        ).fetchone()
        seq = top["seq"] + 1 if top else 0
        conn.execute(
            f"INSERT INTO versions ({COLUMNS}, seq, noncurrent_since) "
            f"VALUES ({PLACEHOLDERS}, ?, ?)",
            (*row_values(old), seq, now),
        )

    def _promote(self, conn: Any, bucket: str, key: bytes) -> None:
        top = conn.execute(
            f"SELECT {COLUMNS}, seq FROM versions WHERE bucket=? AND key=? "
            "ORDER BY seq DESC LIMIT 1",
            (bucket, key),
        ).fetchone()
        if top is None:
            return
        conn.execute(
            "DELETE FROM versions WHERE bucket=? AND key=? AND seq=?", (bucket, key, top["seq"])
        )
        conn.execute(
            f"INSERT INTO objects ({COLUMNS}) VALUES ({PLACEHOLDERS})",
            row_values(record_from_row(top)),
        )
