"""Buckets: names, ownership, region, and their stored configurations (tags, policy, CORS, ...)."""

from __future__ import annotations

import ipaddress
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cloudlet.core.store import Store
from cloudlet.services.s3.errors import InvalidBucketName, NoSuchBucket

_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def validate_bucket_name(name: str) -> None:
    """The general-purpose bucket naming rules.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    """
    ok = (
        bool(_NAME.match(name))
        and ".." not in name
        and ".-" not in name
        and "-." not in name
        and not name.startswith(_RESERVED_PREFIXES)
        and not name.endswith(_RESERVED_SUFFIXES)
        and not _is_ip(name)
    )
    if not ok:
        raise InvalidBucketName(BucketName=name)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
        return True
    except ValueError:
        return False


@dataclass(slots=True)
class Bucket:
    name: str
    account_id: str
    region: str
    created: float
    versioning: str | None = None
    object_lock: bool = False
    acl: dict[str, Any] = field(default_factory=dict)


class Buckets:
    def __init__(self, store: Store, on_change: Callable[[], None] | None = None) -> None:
        self.store = store
        self._on_change = on_change
        self._cache: dict[str, Bucket | None] = {}
        self._configs: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Bucket:
        """The bucket, or NoSuchBucket. Cached: bucket lookups are on every object request."""
        found = self._cache.get(name)
        if found is None:
            row = self.store.query_one("SELECT * FROM buckets WHERE name=?", (name,))
            if row is None:
                raise NoSuchBucket(BucketName=name)
            found = _bucket(row)
            with self._lock:
                self._cache[name] = found
        return found

    def find(self, name: str) -> Bucket | None:
        try:
            return self.get(name)
        except NoSuchBucket:
            return None

    def create(self, bucket: Bucket) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO buckets (name, account_id, region, created, object_lock, acl) "
                "VALUES (?,?,?,?,?,?)",
                (
                    bucket.name,
                    bucket.account_id,
                    bucket.region,
                    bucket.created,
                    int(bucket.object_lock),
                    json.dumps(bucket.acl),
                ),
            )
        self._forget(bucket.name)

    def update(self, name: str, **columns: Any) -> None:
        assignments = ", ".join(f"{column}=?" for column in columns)
        values = [json.dumps(v) if isinstance(v, dict) else v for v in columns.values()]
        with self.store.write() as conn:
            conn.execute(f"UPDATE buckets SET {assignments} WHERE name=?", (*values, name))
        self._forget(name)

    def delete(self, name: str) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM buckets WHERE name=?", (name,))
        self._forget(name)

    def list_for(
        self, account_id: str, prefix: str = "", after: str = "", region: str | None = None
    ) -> list[Bucket]:
        sql = "SELECT * FROM buckets WHERE account_id=? AND name > ? AND name LIKE ? ESCAPE '\\'"
        args: list[Any] = [account_id, after, _like_prefix(prefix)]
        if region:
            sql += " AND region=?"
            args.append(region)
        return [_bucket(r) for r in self.store.query(sql + " ORDER BY name", args)]

    # -- per-bucket configuration documents -------------------------------------

    def get_config(self, name: str, kind: str) -> Any | None:
        """A stored configuration document; cached, since writes consult several of them.

        Callers must not mutate the returned value (it is shared through the cache).
        """
        key = (name, kind)
        if key in self._configs:
            return self._configs[key]
        row = self.store.query_one(
            "SELECT value FROM bucket_configs WHERE bucket=? AND kind=?", (name, kind)
        )
        value = json.loads(row["value"]) if row else None
        with self._lock:
            self._configs[key] = value
        return value

    def put_config(self, name: str, kind: str, value: Any) -> None:
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO bucket_configs VALUES (?,?,?) "
                "ON CONFLICT(bucket, kind) DO UPDATE SET value=excluded.value",
                (name, kind, json.dumps(value)),
            )
        self._forget(name)

    def with_config(self, kind: str) -> list[tuple[Bucket, Any]]:
        """Every bucket holding a configuration of this kind, read afresh (background jobs
        must not trust this worker's cache: another worker may have changed it)."""
        rows = self.store.query(
            "SELECT b.*, c.value AS config FROM bucket_configs c JOIN buckets b ON b.name=c.bucket "
            "WHERE c.kind=? ORDER BY b.name",
            (kind,),
        )
        return [(_bucket(r), json.loads(r["config"])) for r in rows]

    def fresh_config(self, name: str, kind: str) -> Any | None:
        """A configuration read from the database, bypassing the cache."""
        row = self.store.query_one(
            "SELECT value FROM bucket_configs WHERE bucket=? AND kind=?", (name, kind)
        )
        return json.loads(row["value"]) if row else None

    def ownership(self, name: str) -> str | None:
        """The bucket's Object Ownership setting; None (ACLs enabled) when it has none."""
        controls = self.get_config(name, "ownership") or {}
        rules = controls.get("Rules") or [{}]
        return rules[0].get("ObjectOwnership")

    def delete_config(self, name: str, kind: str) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM bucket_configs WHERE bucket=? AND kind=?", (name, kind))
        self._forget(name)

    def _forget(self, name: str) -> None:
        """Drop the bucket's cached rows now (this thread may read them again inside its
        transaction) and once more after the commit, when other workers are told too: a
        reader may have cached the old rows in between."""
        self._drop(name)

        def committed() -> None:
            self._drop(name)
            if self._on_change is not None:
                self._on_change()  # other workers drop their cached copy

        self.store.after_commit(committed)

    def _drop(self, name: str) -> None:
        with self._lock:
            self._cache.pop(name, None)
            for key in [k for k in self._configs if k[0] == name]:
                del self._configs[key]

    def invalidate(self) -> None:
        with self._lock:
            self._cache = {}
            self._configs = {}


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _bucket(row: Any) -> Bucket:
    return Bucket(
        name=row["name"],
        account_id=row["account_id"],
        region=row["region"],
        created=row["created"],
        versioning=row["versioning"],
        object_lock=bool(row["object_lock"]),
        acl=json.loads(row["acl"]),
    )
