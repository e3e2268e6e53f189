"""Secrets, their versions (sealed values) and the staging labels that point at versions.

A staging label names exactly one version of a secret (the ``stages`` primary key); a
version with no label is deprecated, and AWS keeps at most 100 of those.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from cloudlet.core.store import Store

CURRENT = "AWSCURRENT"
PREVIOUS = "AWSPREVIOUS"
PENDING = "AWSPENDING"
#: Versions without a staging label that AWS keeps before removing the oldest.
MAX_DEPRECATED = 100


@dataclass(slots=True)
class Secret:
    arn: str
    account_id: str
    region: str
    name: str
    created: float
    last_changed: float
    description: str | None = None
    kms_key_id: str | None = None
    type: str | None = None
    last_accessed: float | None = None
    deleted_date: float | None = None
    deletion_date: float | None = None
    rotation_enabled: bool | None = None
    rotation_lambda: str | None = None
    rotation_rules: dict[str, Any] | None = None
    last_rotated: float | None = None
    next_rotation: float | None = None
    policy: str | None = None


@dataclass(frozen=True, slots=True)
class Version:
    arn: str
    version_id: str
    created: float
    kind: str  # "string" | "binary"
    kms_key_label: str
    data_key: bytes
    sealed: bytes
    last_accessed: float | None = None
    stages: tuple[str, ...] = field(default=())


_SECRET_COLUMNS = (
    "arn", "account_id", "region", "name", "description", "kms_key_id", "type", "created",
    "last_changed", "last_accessed", "deleted_date", "deletion_date", "rotation_enabled",
    "rotation_lambda", "rotation_rules", "last_rotated", "next_rotation", "policy",
)  # fmt: skip


class Secrets:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- secrets ------------------------------------------------------------------------

    def get(self, arn: str) -> Secret | None:
        row = self.store.query_one("SELECT * FROM secrets WHERE arn=?", (arn,))
        return _secret(row) if row else None

    def by_name(self, account_id: str, region: str, name: str) -> Secret | None:
        row = self.store.query_one(
            "SELECT * FROM secrets WHERE account_id=? AND region=? AND name=?",
            (account_id, region, name),
        )
        return _secret(row) if row else None

    def all(self, account_id: str, region: str) -> list[Secret]:
        rows = self.store.query(
            "SELECT * FROM secrets WHERE account_id=? AND region=?", (account_id, region)
        )
        return [_secret(r) for r in rows]

    def create(self, secret: Secret, tags: list[dict[str, str]], version: Version | None) -> None:
        """Insert the secret, its tags and its first version (AWSCURRENT) in one transaction."""
        values = [_column(secret, c) for c in _SECRET_COLUMNS]
        with self.store.write() as conn:
            conn.execute(
                f"INSERT INTO secrets ({', '.join(_SECRET_COLUMNS)}) "
                f"VALUES ({','.join('?' * len(values))})",
                values,
            )
            _put_tags(conn, secret.arn, tags)
            if version is not None:
                self._insert_version(conn, version)
                _attach(conn, secret.arn, version.version_id, [CURRENT])

    def update(self, arn: str, **columns: Any) -> None:
        names = list(columns)
        values = [json.dumps(v) if isinstance(v, dict) else v for v in columns.values()]
        assignments = ", ".join(f"{name}=?" for name in names)
        with self.store.write() as conn:
            conn.execute(f"UPDATE secrets SET {assignments} WHERE arn=?", (*values, arn))

    def delete(self, arn: str) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM stages WHERE arn=?", (arn,))
            conn.execute("DELETE FROM secrets WHERE arn=?", (arn,))

    def due_for_deletion(self, now: float) -> list[str]:
        rows = self.store.query(
            "SELECT arn FROM secrets WHERE deletion_date IS NOT NULL AND deletion_date <= ?",
            (now,),
        )
        return [r[0] for r in rows]

    # -- tags ---------------------------------------------------------------------------

    def tags(self, arn: str) -> list[dict[str, str]]:
        rows = self.store.query(
            "SELECT tag_key, tag_value FROM secret_tags WHERE arn=? ORDER BY rowid", (arn,)
        )
        return [{"Key": r[0], "Value": r[1]} for r in rows]

    def put_tags(self, arn: str, tags: list[dict[str, str]]) -> None:
        with self.store.write() as conn:
            _put_tags(conn, arn, tags)

    def remove_tags(self, arn: str, keys: list[str]) -> None:
        with self.store.write() as conn:
            conn.executemany(
                "DELETE FROM secret_tags WHERE arn=? AND tag_key=?", [(arn, k) for k in keys]
            )

    # -- versions and staging labels -------------------------------------------------------

    def versions(self, arn: str) -> list[Version]:
        """Every version, newest first, with its staging labels."""
        labels = self.stages(arn)
        rows = self.store.query(
            "SELECT * FROM versions WHERE arn=? ORDER BY created DESC, version_id", (arn,)
        )
        return [_version(r, labels.get(r["version_id"], ())) for r in rows]

    def version(self, arn: str, version_id: str) -> Version | None:
        row = self.store.query_one(
            "SELECT * FROM versions WHERE arn=? AND version_id=?", (arn, version_id)
        )
        if row is None:
            return None
        return _version(row, self.stages(arn).get(version_id, ()))

    def version_at(self, arn: str, stage: str) -> Version | None:
        row = self.store.query_one(
            "SELECT version_id FROM stages WHERE arn=? AND stage=?", (arn, stage)
        )
        return self.version(arn, row[0]) if row else None

    def stages(self, arn: str) -> dict[str, tuple[str, ...]]:
        """version id -> its staging labels (labelled versions only)."""
        found: dict[str, list[str]] = {}
        for row in self.store.query(
            "SELECT version_id, stage FROM stages WHERE arn=? ORDER BY stage", (arn,)
        ):
            found.setdefault(row[0], []).append(row[1])
        return {version: tuple(labels) for version, labels in found.items()}

    def add_version(self, version: Version, stages: list[str], now: float) -> None:
        """Insert a version and move the labels to it (AWSCURRENT's old holder: AWSPREVIOUS)."""
        with self.store.write() as conn:
            self._insert_version(conn, version)
            _attach(conn, version.arn, version.version_id, stages)
            conn.execute("UPDATE secrets SET last_changed=? WHERE arn=?", (now, version.arn))
            _prune(conn, version.arn)

    def move_stage(self, arn: str, stage: str, to_version: str | None) -> None:
        """Attach ``stage`` to ``to_version``, or detach it everywhere when None."""
        with self.store.write() as conn:
            if to_version is None:
                conn.execute("DELETE FROM stages WHERE arn=? AND stage=?", (arn, stage))
            else:
                _attach(conn, arn, to_version, [stage])
            _prune(conn, arn)

    def reseal(self, version: Version, kms_key_label: str, data_key: bytes, sealed: bytes) -> None:
        with self.store.write() as conn:
            conn.execute(
                "UPDATE versions SET kms_key_label=?, data_key=?, sealed=? "
                "WHERE arn=? AND version_id=?",
                (kms_key_label, data_key, sealed, version.arn, version.version_id),
            )

    def touch(self, arn: str, version_id: str, day: float) -> None:
        """Record an access (AWS keeps the date only, to the day)."""
        with self.store.write() as conn:
            conn.execute(
                "UPDATE versions SET last_accessed=? WHERE arn=? AND version_id=? "
                "AND (last_accessed IS NULL OR last_accessed < ?)",
                (day, arn, version_id, day),
            )
            conn.execute(
                "UPDATE secrets SET last_accessed=? WHERE arn=? "
                "AND (last_accessed IS NULL OR last_accessed < ?)",
                (day, arn, day),
            )

    @staticmethod
    def _insert_version(conn: sqlite3.Connection, version: Version) -> None:
        conn.execute(
            "INSERT INTO versions (arn, version_id, created, last_accessed, kind, "
            "kms_key_label, data_key, sealed) VALUES (?,?,?,?,?,?,?,?)",
            (
                version.arn,
                version.version_id,
                version.created,
                version.last_accessed,
                version.kind,
                version.kms_key_label,
                version.data_key,
                version.sealed,
            ),
        )


def _attach(conn: sqlite3.Connection, arn: str, version_id: str, stages: list[str]) -> None:
    for stage in stages:
        row = conn.execute(
            "SELECT version_id FROM stages WHERE arn=? AND stage=?", (arn, stage)
        ).fetchone()
        if stage == CURRENT and row is not None and row[0] != version_id:
            # The version that was current becomes the previous one, as AWS moves labels.
            conn.execute("INSERT OR REPLACE INTO stages VALUES (?,?,?)", (arn, PREVIOUS, row[0]))
        conn.execute("INSERT OR REPLACE INTO stages VALUES (?,?,?)", (arn, stage, version_id))


def _prune(conn: sqlite3.Connection, arn: str) -> None:
    """Drop the oldest unlabelled versions beyond the ones AWS keeps."""
    rows = conn.execute(
        "SELECT version_id FROM versions v WHERE arn=? AND NOT EXISTS "
        "(SELECT 1 FROM stages s WHERE s.arn=v.arn AND s.version_id=v.version_id) "
        "ORDER BY created DESC LIMIT -1 OFFSET ?",
        (arn, MAX_DEPRECATED),
    ).fetchall()
    conn.executemany(
        "DELETE FROM versions WHERE arn=? AND version_id=?", [(arn, r[0]) for r in rows]
    )


def _put_tags(conn: sqlite3.Connection, arn: str, tags: list[dict[str, str]]) -> None:
    for tag in tags:
        conn.execute(
            "INSERT INTO secret_tags (arn, tag_key, tag_value) VALUES (?,?,?) "
            "ON CONFLICT(arn, tag_key) DO UPDATE SET tag_value=excluded.tag_value",
            (arn, tag["Key"], tag.get("Value", "")),
        )


def _column(secret: Secret, name: str) -> Any:
    value = getattr(secret, name)
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _secret(row: sqlite3.Row) -> Secret:
    rules = row["rotation_rules"]
    enabled = row["rotation_enabled"]
    return Secret(
        arn=row["arn"],
        account_id=row["account_id"],
        region=row["region"],
        name=row["name"],
        created=row["created"],
        last_changed=row["last_changed"],
        description=row["description"],
        kms_key_id=row["kms_key_id"],
        type=row["type"],
        last_accessed=row["last_accessed"],
        deleted_date=row["deleted_date"],
        deletion_date=row["deletion_date"],
        rotation_enabled=None if enabled is None else bool(enabled),
        rotation_lambda=row["rotation_lambda"],
        rotation_rules=json.loads(rules) if rules else None,
        last_rotated=row["last_rotated"],
        next_rotation=row["next_rotation"],
        policy=row["policy"],
    )


def _version(row: sqlite3.Row, stages: tuple[str, ...]) -> Version:
    return Version(
        arn=row["arn"],
        version_id=row["version_id"],
        created=row["created"],
        kind=row["kind"],
        kms_key_label=row["kms_key_label"],
        data_key=row["data_key"],
        sealed=row["sealed"],
        last_accessed=row["last_accessed"],
        stages=stages,
    )
