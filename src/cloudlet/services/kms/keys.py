"""KMS keys: their metadata, their key material versions and their tags.

A key's material versions are never deleted while the key lives: rotation adds a version,
and every ciphertext names the version that sealed it, so old ciphertexts still decrypt.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from cloudlet.core import arns
from cloudlet.core.store import Store
from cloudlet.services.kms import material as crypto
from cloudlet.services.kms import specs
from cloudlet.services.kms.errors import (
    DisabledException,
    KMSInternalException,
    KMSInvalidStateException,
)

DAY = 86400.0
DEFAULT_ROTATION_DAYS = 365
#: Unwrapped material versions kept in memory (each is 16 bytes to a few KB).
_CACHE_LIMIT = 4096


@dataclass(slots=True)
class Key:
    key_id: str
    account_id: str
    region: str
    description: str
    key_usage: str
    key_spec: str
    state: str
    created: float
    policy: str
    origin: str = "AWS_KMS"
    key_manager: str = "CUSTOMER"
    deletion_date: float | None = None
    pending_window_days: int | None = None
    rotation_enabled: bool = False
    rotation_period_days: int | None = None
    next_rotation: float | None = None
    on_demand_started: float | None = None
    multi_region: bool = False
    current_version: int = 1
    current_material_id: str | None = None

    @property
    def arn(self) -> str:
        return arns.build("kms", self.region, self.account_id, f"key/{self.key_id}")

    @property
    def symmetric(self) -> bool:
        return self.key_spec == "SYMMETRIC_DEFAULT"

    def metadata(self) -> dict[str, Any]:
        """The ``KeyMetadata`` shape DescribeKey and CreateKey return."""
        meta: dict[str, Any] = {
            "AWSAccountId": self.account_id,
            "KeyId": self.key_id,
            "Arn": self.arn,
            "CreationDate": self.created,
            "Enabled": self.state == "Enabled",
            "Description": self.description,
            "KeyUsage": self.key_usage,
            "KeyState": self.state,
            "Origin": self.origin,
            "KeyManager": self.key_manager,
            "CustomerMasterKeySpec": self.key_spec,
            "KeySpec": self.key_spec,
            "MultiRegion": self.multi_region,
            **specs.algorithms(self.key_spec, self.key_usage),
        }
        if self.multi_region:
            meta["MultiRegionConfiguration"] = {
                "MultiRegionKeyType": "PRIMARY",
                "PrimaryKey": {"Arn": self.arn, "Region": self.region},
                "ReplicaKeys": [],
            }
        if self.state == "PendingDeletion":
            meta["DeletionDate"] = self.deletion_date
            meta["PendingDeletionWindowInDays"] = self.pending_window_days
        if self.symmetric and self.current_material_id:
            meta["CurrentKeyMaterialId"] = self.current_material_id
        return meta


@dataclass(frozen=True, slots=True)
class Material:
    version: int
    material_id: str
    created: float
    rotation_type: str | None


_KEY_COLUMNS = (
    "key_id, account_id, region, description, key_usage, key_spec, state, created, policy, "
    "origin, key_manager, deletion_date, pending_window_days, rotation_enabled, "
    "rotation_period_days, next_rotation, on_demand_started, multi_region"
)
_SELECT = (
    "SELECT k.*, m.version AS current_version, m.material_id AS current_material_id "
    "FROM keys k JOIN materials m ON m.key_id = k.key_id AND m.version = "
    "(SELECT MAX(version) FROM materials WHERE key_id = k.key_id)"
)


class Keys:
    def __init__(self, store: Store, master: crypto.MasterKey) -> None:
        self.store = store
        self.master = master
        #: Unwrapped material, kept in memory only (never written anywhere).
        self._cache: dict[tuple[str, int], bytes] = {}
        self._lock = threading.Lock()

    def get(self, key_id: str) -> Key | None:
        row = self.store.query_one(f"{_SELECT} WHERE k.key_id = ?", (key_id,))
        return _key(row) if row else None

    def create(self, key: Key, material: bytes, tags: list[dict[str, str]]) -> None:
        with self.store.write() as conn:
            self.insert(conn, key, material, tags)

    def insert(
        self, conn: sqlite3.Connection, key: Key, material: bytes, tags: list[dict[str, str]]
    ) -> None:
        values = [getattr(key, c.strip()) for c in _KEY_COLUMNS.split(",")]
        marks = ",".join("?" * len(values))
        conn.execute(f"INSERT INTO keys ({_KEY_COLUMNS}) VALUES ({marks})", values)
        self._insert_material(conn, key.key_id, 1, material, key.created, None)
        for tag in tags:
            conn.execute(
                "INSERT OR REPLACE INTO key_tags VALUES (?,?,?)",
                (key.key_id, tag["TagKey"], tag["TagValue"]),
            )
        key.current_version = 1
        key.current_material_id = crypto.material_id(material)

    def _insert_material(
        self,
        conn: sqlite3.Connection,
        key_id: str,
        version: int,
        material: bytes,
        now: float,
        rotation_type: str | None,
    ) -> None:
        conn.execute(
            "INSERT INTO materials VALUES (?,?,?,?,?,?)",
            (
                key_id,
                version,
                crypto.material_id(material),
                self.master.wrap(material, key_id, version),
                now,
                rotation_type,
            ),
        )

    def update(self, key_id: str, **columns: Any) -> None:
        assignments = ", ".join(f"{column}=?" for column in columns)
        with self.store.write() as conn:
            conn.execute(
                f"UPDATE keys SET {assignments} WHERE key_id=?", (*columns.values(), key_id)
            )

    def delete(self, key_id: str) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM keys WHERE key_id=?", (key_id,))
        with self._lock:
            for cached in [c for c in self._cache if c[0] == key_id]:
                del self._cache[cached]

    def list(self, account_id: str, region: str, after: str, limit: int) -> list[Key]:
        rows = self.store.query(
            f"{_SELECT} WHERE k.account_id=? AND k.region=? AND k.key_id > ? "
            "ORDER BY k.key_id LIMIT ?",
            (account_id, region, after, limit),
        )
        return [_key(r) for r in rows]

    # -- material ---------------------------------------------------------------------

    def material(self, key_id: str, version: int) -> bytes | None:
        cached = self._cache.get((key_id, version))
        if cached is not None:
            return cached
        row = self.store.query_one(
            "SELECT wrapped FROM materials WHERE key_id=? AND version=?", (key_id, version)
        )
        if row is None:
            return None
        plain = self.master.unwrap(row["wrapped"], key_id, version)
        with self._lock:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[(key_id, version)] = plain
        return plain

    def current_material(self, key: Key) -> bytes:
        found = self.material(key.key_id, key.current_version)
        if found is None:
            raise KMSInternalException(f"Key material of {key.arn} is missing.")
        return found

    def rotate(self, key: Key, now: float, rotation_type: str) -> int:
        """Add a new material version; it seals everything from now on."""
        fresh = crypto.generate(key.key_spec)
        with self.store.write() as conn:
            row = conn.execute(
                "SELECT MAX(version) FROM materials WHERE key_id=?", (key.key_id,)
            ).fetchone()
            version = int(row[0]) + 1
            self._insert_material(conn, key.key_id, version, fresh, now, rotation_type)
        return version

    def materials(self, key_id: str) -> list[Material]:
        rows = self.store.query(
            "SELECT version, material_id, created, rotation_type FROM materials "
            "WHERE key_id=? ORDER BY version",
            (key_id,),
        )
        return [Material(r[0], r[1], r[2], r[3]) for r in rows]

    # -- tags -------------------------------------------------------------------------

    def tags(self, key_id: str) -> list[dict[str, str]]:
        rows = self.store.query(
            "SELECT tag_key, tag_value FROM key_tags WHERE key_id=? ORDER BY tag_key", (key_id,)
        )
        return [{"TagKey": r[0], "TagValue": r[1]} for r in rows]

    def put_tags(self, key_id: str, tags: list[dict[str, str]]) -> None:
        with self.store.write() as conn:
            for tag in tags:
                conn.execute(
                    "INSERT OR REPLACE INTO key_tags VALUES (?,?,?)",
                    (key_id, tag["TagKey"], tag["TagValue"]),
                )

    def remove_tags(self, key_id: str, tag_keys: list[str]) -> None:
        with self.store.write() as conn:
            conn.executemany(
                "DELETE FROM key_tags WHERE key_id=? AND tag_key=?",
                [(key_id, k) for k in tag_keys],
            )

    # -- the clock's work -----------------------------------------------------------------

    def due_for_deletion(self, now: float) -> list[str]:
        rows = self.store.query(
            "SELECT key_id FROM keys WHERE state='PendingDeletion' AND deletion_date <= ?", (now,)
        )
        return [r[0] for r in rows]

    def due_for_rotation(self, now: float) -> list[Key]:
        rows = self.store.query(
            f"{_SELECT} WHERE k.rotation_enabled=1 AND k.next_rotation <= ? AND k.state='Enabled'",
            (now,),
        )
        return [_key(r) for r in rows]


def check_state(key: Key) -> None:
    """Cryptographic operations need an Enabled key."""
    if key.state == "Disabled":
        raise DisabledException(f"{key.arn} is disabled.")
    if key.state == "PendingDeletion":
        raise KMSInvalidStateException(f"{key.arn} is pending deletion.")
    if key.state != "Enabled":
        raise KMSInvalidStateException(f"{key.arn} is {key.state}.")


def _key(row: sqlite3.Row) -> Key:
    return Key(
        key_id=row["key_id"],
        account_id=row["account_id"],
        region=row["region"],
        description=row["description"],
        key_usage=row["key_usage"],
        key_spec=row["key_spec"],
        state=row["state"],
        created=row["created"],
        policy=row["policy"],
        origin=row["origin"],
        key_manager=row["key_manager"],
        deletion_date=row["deletion_date"],
        pending_window_days=row["pending_window_days"],
        rotation_enabled=bool(row["rotation_enabled"]),
        rotation_period_days=row["rotation_period_days"],
        next_rotation=row["next_rotation"],
        on_demand_started=row["on_demand_started"],
        multi_region=bool(row["multi_region"]),
        current_version=row["current_version"],
        current_material_id=row["current_material_id"],
    )
