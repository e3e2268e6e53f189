"""Object metadata: one row per key holding the current version, its headers and its bytes' place.

An object's bytes are either one blob or, for a completed multipart upload, a manifest of
its parts' blobs (completing an upload copies no bytes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from cloudlet.core.store import Store


@dataclass(slots=True)
class Part:
    """One part of a multipart object's manifest."""

    number: int
    size: int
    etag: str
    blob: str
    checksum: dict[str, str] | None = None


@dataclass(slots=True)
class ObjectRecord:
    bucket: str
    key: str
    size: int
    etag: str
    last_modified: float
    owner: str
    version_id: str = "null"
    delete_marker: bool = False
    storage_class: str = "STANDARD"
    headers: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    tags: list[tuple[str, str]] = field(default_factory=list)
    #: {"algorithm": "CRC32", "value": base64, "type": "FULL_OBJECT" | "COMPOSITE"}
    checksum: dict[str, str] | None = None
    blob: str | None = None
    parts: list[Part] | None = None
    acl: dict[str, Any] = field(default_factory=dict)
    #: GLACIER / DEEP_ARCHIVE (and archived INTELLIGENT_TIERING): {"ready": t, "expiry": t}.
    restore: dict[str, Any] | None = None
    #: INTELLIGENT_TIERING access tier; None is the frequent access tier.
    tier: str | None = None
    #: Last access of an INTELLIGENT_TIERING object (None: not read since it was written).
    accessed: float | None = None
    #: Object Lock: {"mode": "GOVERNANCE" | "COMPLIANCE" | None, "until": t, "hold": bool}.
    lock: dict[str, Any] | None = None
    #: Server-side encryption (see ``sse.py``); None: stored in clear.
    encryption: dict[str, Any] | None = None
    #: x-amz-replication-status: PENDING / COMPLETED / FAILED on a source version, REPLICA
    #: on a copy made by replication; None when no replication rule applies.
    replication: str | None = None

    def blob_ids(self) -> list[str]:
        if self.parts:
            return [p.blob for p in self.parts]
        return [self.blob] if self.blob else []

    def segments(self) -> list[tuple[str, int, int]]:
        """(blob id, offset within the object, size) of each piece, in order."""
        if self.parts:
            result, offset = [], 0
            for part in self.parts:
                result.append((part.blob, offset, part.size))
                offset += part.size
            return result
        return [(self.blob, 0, self.size)] if self.blob else []


@dataclass(slots=True)
class ListedObject:
    """What a listing shows of an object: read without decoding the rest of its row."""

    key: str
    size: int
    etag: str
    last_modified: float
    storage_class: str
    #: The checksum's algorithm and type (a listing shows no value); None when none.
    checksum_algorithm: str | None
    checksum_type: str | None
    owner: str


# SQLite decodes the key and picks the checksum's two fields: done per row in Python, that
# was most of a 1,000-key page's scan time. The time travels as text with every digit, so
# the float read back is the one stored.
_LISTED_COLUMNS = (
    "CAST(key AS TEXT) AS k, size AS s, etag AS e, printf('%.17g', last_modified) AS m, "
    "storage_class AS c, json_extract(checksum, '$.algorithm') AS a, "
    "json_extract(checksum, '$.type') AS t, owner AS o"
)


def _listed(conn: Any, sql: str, args: Any, with_clause: str = "") -> list[ListedObject]:
    """The rows of ``sql`` (``_LISTED_COLUMNS``, in key order; ``with_clause`` its common
    table expressions), fetched as one JSON value.

    Python's sqlite3 lets go of the GIL around each row it steps: two threads listing at
    once handed the GIL back and forth a thousand times a page, and a page cost five times
    the CPU. One aggregate row is one step, and SQLite scans without holding the GIL.
    """
    (text,) = conn.execute(
        f"{with_clause}SELECT json_group_array(json_array(k, s, e, m, c, a, t, o)) FROM ({sql})",
        args,
    ).fetchone()
    rows = [
        ListedObject(key, size, etag, float(modified), storage_class, algorithm, kind, owner)
        for key, size, etag, modified, storage_class, algorithm, kind, owner in json.loads(text)
    ]
    keys = [row.key.encode() for row in rows]
    if any(a >= b for a, b in pairwise(keys)):  # the aggregate's order is not promised
        rows.sort(key=lambda row: row.key.encode())
    return rows


COLUMNS = (
    "bucket, key, version_id, delete_marker, size, etag, last_modified, storage_class, "
    "headers, metadata, tags, checksum, blob, parts, acl, owner, restore, tier, accessed, lock, "
    "encryption, replication"
)
PLACEHOLDERS = ",".join("?" * 22)


def row_values(record: ObjectRecord) -> tuple[Any, ...]:
    return (
        record.bucket,
        record.key.encode(),
        record.version_id,
        int(record.delete_marker),
        record.size,
        record.etag,
        record.last_modified,
        record.storage_class,
        json.dumps(record.headers),
        json.dumps(record.metadata),
        json.dumps(record.tags),
        json.dumps(record.checksum) if record.checksum else None,
        record.blob,
        json.dumps([[p.number, p.size, p.etag, p.blob, p.checksum] for p in record.parts])
        if record.parts is not None
        else None,
        json.dumps(record.acl),
        record.owner,
        json.dumps(record.restore) if record.restore else None,
        record.tier,
        record.accessed,
        json.dumps(record.lock) if record.lock else None,
        json.dumps(record.encryption) if record.encryption else None,
        record.replication,
    )


def _json_dict(text: str) -> dict[str, Any]:
    """Most objects have no metadata, headers or ACL of their own: skip the decoder then."""
    return {} if text == "{}" else json.loads(text)


def record_from_row(row: Any) -> ObjectRecord:
    parts = None
    if row["parts"] is not None:
        parts = [Part(n, s, e, b, c) for n, s, e, b, c in json.loads(row["parts"])]
    return ObjectRecord(
        bucket=row["bucket"],
        key=bytes(row["key"]).decode(),
        size=row["size"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        owner=row["owner"],
        version_id=row["version_id"],
        delete_marker=bool(row["delete_marker"]),
        storage_class=row["storage_class"],
        headers=_json_dict(row["headers"]),
        metadata=_json_dict(row["metadata"]),
        tags=[tuple(t) for t in json.loads(row["tags"])] if row["tags"] != "[]" else [],  # type: ignore[misc]
        checksum=json.loads(row["checksum"]) if row["checksum"] else None,
        blob=row["blob"],
        parts=parts,
        acl=_json_dict(row["acl"]),
        restore=json.loads(row["restore"]) if row["restore"] else None,
        tier=row["tier"],
        accessed=row["accessed"],
        lock=json.loads(row["lock"]) if row["lock"] else None,
        encryption=json.loads(row["encryption"]) if row["encryption"] else None,
        replication=row["replication"],
    )


class Objects:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, bucket: str, key: str) -> ObjectRecord | None:
        row = self.store.query_one(
            f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=?", (bucket, key.encode())
        )
        return record_from_row(row) if row else None

    def put(self, record: ObjectRecord) -> ObjectRecord | None:
        """Store the record as the key's current version; returns the version it replaced."""
        with self.store.write() as conn:
            old = conn.execute(
                f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=?",
                (record.bucket, record.key.encode()),
            ).fetchone()
            conn.execute(
                f"INSERT OR REPLACE INTO objects ({COLUMNS}) VALUES ({PLACEHOLDERS})",
                row_values(record),
            )
        return record_from_row(old) if old else None

    def delete(self, bucket: str, key: str) -> ObjectRecord | None:
        with self.store.write() as conn:
            old = conn.execute(
                f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=?", (bucket, key.encode())
            ).fetchone()
            if old is not None:
                conn.execute("DELETE FROM objects WHERE bucket=? AND key=?", (bucket, key.encode()))
        return record_from_row(old) if old else None

    def delete_many(self, bucket: str, keys: list[str]) -> list[ObjectRecord]:
        removed = []
        with self.store.write() as conn:
            for key in keys:
                old = conn.execute(
                    f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key=?",
                    (bucket, key.encode()),
                ).fetchone()
                if old is not None:
                    conn.execute(
                        "DELETE FROM objects WHERE bucket=? AND key=?", (bucket, key.encode())
                    )
                    removed.append(record_from_row(old))
        return removed

    def update_fields(self, bucket: str, key: str, **fields: Any) -> bool:
        """Change metadata in place (tags, ACL): no new bytes, same ETag."""
        encoded = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in fields.items()}
        assignments = ", ".join(f"{column}=?" for column in encoded)
        with self.store.write() as conn:
            cursor = conn.execute(
                f"UPDATE objects SET {assignments} WHERE bucket=? AND key=?",
                (*encoded.values(), bucket, key.encode()),
            )
        return cursor.rowcount > 0

    def is_empty(self, bucket: str) -> bool:
        return (
            self.store.query_one("SELECT 1 FROM objects WHERE bucket=? LIMIT 1", (bucket,)) is None
        )

    def scan(
        self,
        bucket: str,
        start: bytes,
        inclusive: bool,
        prefix: bytes,
        limit: int,
        hide_markers: bool = False,
    ) -> list[ListedObject]:
        """Keys after ``start`` (in byte order) that begin with ``prefix``: an index range scan.

        ``hide_markers`` (versioned buckets) leaves out keys whose current version is a
        delete marker, as ListObjects does.
        """
        op = ">=" if inclusive else ">"
        lower = max(start, prefix) if inclusive else start
        if not inclusive and prefix > start:
            op, lower = ">=", prefix
        sql = f"SELECT {_LISTED_COLUMNS} FROM objects WHERE bucket=? AND key {op} ?"
        if hide_markers:
            sql += " AND delete_marker=0"
        args: list[Any] = [bucket, lower]
        upper = prefix_successor(prefix)
        if upper is not None:
            sql += " AND key < ?"
            args.append(upper)
        sql += " ORDER BY key LIMIT ?"
        args.append(limit)
        return _listed(self.store.conn, sql, args)

    def walk(
        self,
        bucket: str,
        lower: bytes,
        prefix: bytes,
        delimiter: bytes,
        limit: int,
        hide_markers: bool = False,
    ) -> list[ListedObject]:
        """A delimited listing's steps: the first key at or after ``lower``, then after each
        key either the next key or, where the key rolls up into a common prefix, the first
        key past that prefix; up to ``limit`` steps.

        The walk is one recursive query, every seek an index lookup inside SQLite: issued
        one by one from Python, a page of 100 folders cost 100 round trips.
        """
        markers = " AND delete_marker=0" if hide_markers else ""
        upper = prefix_successor(prefix)
        bound = " AND key < :upper" if upper is not None else ""
        # Past a common prefix: the prefix up to the delimiter's last byte, that byte plus
        # one (UTF-8 never has 0xFF); past a plain key: the key and a NUL byte.
        after = (
            "CASE WHEN instr(substr(walk.k, :plen + 1), :delim) > 0 THEN CAST("
            "substr(walk.k, 1, :plen + instr(substr(walk.k, :plen + 1), :delim) + :dlen - 2)"
            " || :bump AS BLOB) ELSE CAST(walk.k || x'00' AS BLOB) END"
        )
        first = f"bucket=:bucket{markers}{bound} ORDER BY key LIMIT 1"
        walk = (
            "WITH RECURSIVE walk(k) AS ("
            f"SELECT * FROM (SELECT key FROM objects WHERE key >= :lower AND {first}) "
            f"UNION ALL SELECT (SELECT key FROM objects WHERE key >= {after} AND {first}) "
            "FROM walk WHERE walk.k IS NOT NULL LIMIT :limit) "
        )
        # CROSS JOIN keeps the walk the outer loop: each step one primary-key lookup.
        sql = (
            f"SELECT {_LISTED_COLUMNS} FROM walk CROSS JOIN objects "
            "ON bucket=:bucket AND key=walk.k ORDER BY key"
        )
        args = {
            "bucket": bucket,
            "lower": lower,
            "upper": upper,
            "plen": len(prefix),
            "delim": delimiter,
            "dlen": len(delimiter),
            "bump": bytes([delimiter[-1] + 1]),
            "limit": limit,
        }
        return _listed(self.store.conn, sql, args, walk)

    def records_under(
        self, bucket: str, prefix: str, after: bytes, limit: int
    ) -> list[ObjectRecord]:
        """Whole current records of the keys after ``after`` under ``prefix`` (lifecycle)."""
        lower = max(after, prefix.encode())
        sql = f"SELECT {COLUMNS} FROM objects WHERE bucket=? AND key >= ? AND key > ?"
        args: list[Any] = [bucket, lower, after]
        upper = prefix_successor(prefix.encode())
        if upper is not None:
            sql += " AND key < ?"
            args.append(upper)
        rows = self.store.query(sql + " ORDER BY key LIMIT ?", (*args, limit))
        return [record_from_row(r) for r in rows]

    def all_blob_ids(self) -> set[str]:
        ids: set[str] = set()
        for table in ("objects", "versions"):
            for row in self.store.query(f"SELECT blob, parts FROM {table}"):
                if row["blob"]:
                    ids.add(row["blob"])
                if row["parts"]:
                    ids.update(p[3] for p in json.loads(row["parts"]))
        for row in self.store.query("SELECT blob FROM parts"):
            ids.add(row["blob"])
        return ids


def prefix_successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string that starts with ``prefix``."""
    data = bytearray(prefix)
    while data:
        if data[-1] < 0xFF:
            data[-1] += 1
            return bytes(data)
        data.pop()
    return None
